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

static int cycle_b(const char *target, char **lowers, int n, const char *upper, const char *work, int ro)
{
    int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC), mnt, rc = -1;

    if (fs < 0)
        return -1;
    for (int i = 0; i < n; i++)
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", lowers[i], 0);
    if (upper) {
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", upper, 0);
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", work, 0);
    }
    if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0 &&
        (mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, ro ? MOUNT_ATTR_RDONLY : 0)) >= 0) {
        rc = (int)syscall(SYS_move_mount, mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);
        close(mnt);
    }
    close(fs);
    return rc ? rc : umount2(target, 0);
}

int floor_run(char mode, int cycles, int ro, const char *target, const char *upper, const char *work,
              char **lowers, int n, long long *ns)
{
    char data[4096];
    size_t len = (size_t)snprintf(data, sizeof data, "lowerdir=");

    for (int i = 0; i < n && len < sizeof data; i++)
        len += (size_t)snprintf(data + len, sizeof data - len, "%s%s", i ? ":" : "", lowers[i]);
    if (upper && len < sizeof data)
        len += (size_t)snprintf(data + len, sizeof data - len, ",upperdir=%s,workdir=%s", upper, work);
    if (mode == 'a' && len >= sizeof data)
        return 3;
    for (int i = 0; i < cycles; i++) {
        long long start = now();

        if (mode == 'a' ? cycle_a(target, data, ro) : cycle_b(target, lowers, n, upper, work, ro))
            return 1;
        ns[i] = now() - start;
    }
    return 0;
}
