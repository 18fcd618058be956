/* The floors' cycles: what a C programmer writes to mount an overlay, no project code at all. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "floor_cycles.h"

static long long now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cycle_a(const char *target, const char *data, int ro)
{
    if (mount("overlay", target, "overlay", ro ? MS_RDONLY : 0, data))
        return -1;
    return umount2(target, 0);
}

/* The superblock by the plain new mount API, as a detached mount; -1 on failure. */
static int detached(char **lowers, int n, const char *upper, const char *work, int ro)
{
    int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC), mnt = -1;

    if (fs < 0)
        return -1;
    for (int i = 0; i < n; i++)
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", lowers[i], 0);
    if (upper) {
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", upper, 0);
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", work, 0);
    }
    if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
        mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, ro ? MOUNT_ATTR_RDONLY : 0);
    close(fs);
    return mnt;
}

/* Moves mnt onto target, closes it, unmounts target. */
static int attach_and_unmount(int mnt, const char *target)
{
    int rc = (int)syscall(SYS_move_mount, mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);

    close(mnt);
    return rc ? rc : umount2(target, 0);
}

static int cycle_b(const char *target, char **lowers, int n, const char *upper, const char *work, int ro)
{
    int mnt = detached(lowers, n, upper, work, ro);

    return mnt < 0 ? -1 : attach_and_unmount(mnt, target);
}

/* A clone of the detached mount held, attached and unmounted. */
static int cycle_d(const char *target, int held)
{
    int clone = (int)syscall(SYS_open_tree, held, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

    return clone < 0 ? -1 : attach_and_unmount(clone, target);
}

int floor_run(char mode, int cycles, int ro, const char *target, const char *upper, const char *work,
              char **lowers, int n, long long *ns)
{
    char data[4096];
    size_t len = (size_t)snprintf(data, sizeof data, "lowerdir=");
    int held = -1, rc = 0;

    for (int i = 0; i < n && len < sizeof data; i++)
        len += (size_t)snprintf(data + len, sizeof data - len, "%s%s", i ? ":" : "", lowers[i]);
    if (upper && len < sizeof data)
        len += (size_t)snprintf(data + len, sizeof data - len, ",upperdir=%s,workdir=%s", upper, work);
    if (mode == 'a' && len >= sizeof data)
        return 3;
    if (mode == 'd' && (held = detached(lowers, n, upper, work, ro)) < 0)
        return 1;
    for (int i = 0; i < cycles && !rc; i++) {
        long long start = now();

        rc = mode == 'a' ? cycle_a(target, data, ro)
             : mode == 'b' ? cycle_b(target, lowers, n, upper, work, ro) : cycle_d(target, held);
        ns[i] = now() - start;
    }
    if (held >= 0)
        close(held);
    return rc ? 1 : 0;
}
