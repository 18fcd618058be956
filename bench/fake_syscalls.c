/*
 * LD_PRELOAD for the overhead benchmark: every syscall a mount+unmount cycle makes
 * on paths under $O4J_FAKE_PREFIX succeeds without reaching the kernel, so what is
 * left of a cycle is the Java facade, the JNI layer and the C core. Other paths and
 * descriptors (the JVM's own) go to the real calls.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FAKE_FD 900000 /* far above any descriptor the JVM has */

static int ours(const char *path)
{
    const char *prefix = getenv("O4J_FAKE_PREFIX");

    return path && prefix && strncmp(path, prefix, strlen(prefix)) == 0;
}

static int ours_fd(long fd)
{
    return fd >= FAKE_FD;
}

int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)
{
    (void)source;
    (void)target;
    (void)fstype;
    (void)flags;
    (void)data;
    return 0;
}

int umount2(const char *target, int flags)
{
    (void)target;
    (void)flags;
    return 0;
}

int open(const char *path, int flags, ...)
{
    static int (*real)(const char *, int, ...);
    va_list ap;
    mode_t mode;

    if (ours(path))
        return FAKE_FD;
    if (!real)
        real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    va_start(ap, flags);
    mode = (mode_t)va_arg(ap, int);
    va_end(ap);
    return real(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int close(int fd)
{
    static int (*real)(int);

    if (ours_fd(fd))
        return 0;
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "close");
    return real(fd);
}

ssize_t readlink(const char *path, char *buf, size_t len)
{
    static ssize_t (*real)(const char *, char *, size_t);
    char fake[32];

    snprintf(fake, sizeof fake, "/proc/self/fd/%d", FAKE_FD);
    if (strcmp(path, fake) == 0) {
        const char *prefix = getenv("O4J_FAKE_PREFIX");
        size_t n = strlen(prefix) < len ? strlen(prefix) : len;

        memcpy(buf, prefix, n);
        return (ssize_t)n;
    }
    if (!real)
        real = (ssize_t(*)(const char *, char *, size_t))dlsym(RTLD_NEXT, "readlink");
    return real(path, buf, len);
}

int statx(int dfd, const char *path, int flags, unsigned mask, struct statx *out)
{
    static int (*real)(int, const char *, int, unsigned, struct statx *);

    if (ours(path) || (ours_fd(dfd) && !*path)) {
        memset(out, 0, sizeof *out);
        out->stx_mask = STATX_MNT_ID | STATX_TYPE;
        out->stx_mode = S_IFDIR | 0755;
        out->stx_mnt_id = 4242;
        return 0;
    }
    if (!real)
        real = (int (*)(int, const char *, int, unsigned, struct statx *))dlsym(RTLD_NEXT, "statx");
    return real(dfd, path, flags, mask, out);
}

/* The core reaches openat2 through syscall(2); everything else passes through. */
long syscall(long number, ...)
{
    static long (*real)(long, ...);
    long a[6];
    va_list ap;

    va_start(ap, number);
    for (int i = 0; i < 6; i++)
        a[i] = va_arg(ap, long);
    va_end(ap);
    if (number == SYS_openat2 && ours((const char *)a[1]))
        return FAKE_FD;
    if (!real)
        real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
    return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
