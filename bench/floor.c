/*
 * The floors: what a C programmer writes to mount an overlay, no project code at all.
 * usage: bench_floor a|b CYCLES RO TARGET UPPER|- WORK|- LOWER...
 *   a: mount(2) with the option string, then umount2(2)
 *   b: the minimal new mount API: fsopen, fsconfig strings, create, fsmount, move_mount,
 *      close, then umount2(2)
 * Prints each cycle's time in nanoseconds on one line; exits 3 when mode a's option
 * string would not fit mount(2)'s page.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
    char data[4096];
    size_t len = 0;
    long long *ns;
    int cycles, ro, n;
    const char *upper, *work;

    if (argc < 8) {
        fprintf(stderr, "usage: bench_floor a|b CYCLES RO TARGET UPPER|- WORK|- LOWER...\n");
        return 2;
    }
    cycles = atoi(argv[2]);
    ro = atoi(argv[3]);
    upper = strcmp(argv[5], "-") ? argv[5] : NULL;
    work = strcmp(argv[6], "-") ? argv[6] : NULL;
    n = argc - 7;
    len = (size_t)snprintf(data, sizeof data, "lowerdir=");
    for (int i = 0; i < n && len < sizeof data; i++)
        len += (size_t)snprintf(data + len, sizeof data - len, "%s%s", i ? ":" : "", argv[7 + i]);
    if (upper && len < sizeof data)
        len += (size_t)snprintf(data + len, sizeof data - len, ",upperdir=%s,workdir=%s", upper, work);
    if (argv[1][0] == 'a' && len >= sizeof data) {
        fprintf(stderr, "the option string does not fit one page\n");
        return 3;
    }
    if (!(ns = malloc(sizeof *ns * (size_t)cycles)))
        return 1;
    for (int i = 0; i < cycles; i++) {
        long long start = now();
        int rc = argv[1][0] == 'a' ? cycle_a(argv[4], data, ro) : cycle_b(argv[4], argv + 7, n, upper, work, ro);

        if (rc) {
            perror("cycle");
            return 1;
        }
        ns[i] = now() - start;
    }
    for (int i = 0; i < cycles; i++)
        printf("%lld%c", ns[i], i + 1 < cycles ? ' ' : '\n');
    free(ns);
    return 0;
}
