/* Mounting and unmounting: the three strategies, the probe, the fs-context log. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "o4j_sys.h"

/* The new mount API's constants, under our own names: glibc's <sys/mount.h>
 * and <linux/mount.h> clash, and older libcs have neither. */
#ifndef SYS_fsopen
#define SYS_move_mount 429
#define SYS_fsopen 430
#define SYS_fsconfig 431
#define SYS_fsmount 432
#endif
#define O4J_FSOPEN_CLOEXEC 0x1u
#define O4J_FSMOUNT_CLOEXEC 0x1u
#define O4J_FSCONFIG_SET_FLAG 0u
#define O4J_FSCONFIG_SET_STRING 1u
#define O4J_FSCONFIG_SET_FD 5u
#define O4J_FSCONFIG_CMD_CREATE 6u
#define O4J_MOVE_MOUNT_F_EMPTY_PATH 0x4u
#define O4J_MOVE_MOUNT_T_EMPTY_PATH 0x40u
#define O4J_MOUNT_ATTR_RDONLY 0x01u
#define O4J_MOUNT_ATTR_NOSUID 0x02u
#define O4J_MOUNT_ATTR_NODEV 0x04u
#define O4J_MOUNT_ATTR_NOEXEC 0x08u
#define O4J_MOUNT_ATTR_NOATIME 0x10u
#define O4J_MOUNT_ATTR_RELATIME 0x00u
#define O4J_MOUNT_ATTR_STRICTATIME 0x20u
#define O4J_MOUNT_ATTR_NODIRATIME 0x80u
#define O4J_MOUNT_ATTR_NOSYMFOLLOW 0x00200000u
#define O4J_MOUNT_ATTR_ATIME_MASK 0x70u
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 8192
#endif
#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 0x8
#endif

static int linux_open(const char *path, int flags) { return open(path, flags); }

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#define O4J_RESOLVE_NO_SYMLINKS 0x04ull

struct o4j_open_how {
    unsigned long long flags, mode, resolve;
};

/* The name under which the kernel tells what an open descriptor refers to. */
static void fd_name(int fd, char name[32])
{
    snprintf(name, 32, "/proc/self/fd/%d", fd);
}

/* Without openat2 (before Linux 5.6, or under qemu-user), open normally and
 * compare the name the kernel gives the result: a canonical path that led
 * elsewhere went through a symbolic link. */
static int open_and_compare(const char *path, int flags)
{
    char fdname[32], real[4096];
    ssize_t n;
    int fd = open(path, flags);

    if (fd < 0)
        return -1;
    fd_name(fd, fdname);
    n = readlink(fdname, real, sizeof real - 1);
    if (n >= 0) {
        real[n] = '\0';
        if (strcmp(real, path) != 0) {
            close(fd);
            errno = ELOOP;
            return -1;
        }
    }
    return fd;
}

static int linux_open_strict(const char *path, int flags)
{
    static int no_openat2;
    struct o4j_open_how how = {(unsigned long long)flags, 0, O4J_RESOLVE_NO_SYMLINKS};
    int fd;

    if (__atomic_load_n(&no_openat2, __ATOMIC_RELAXED))
        return open_and_compare(path, flags);
    fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
    if (fd < 0 && errno == ENOSYS) {
        __atomic_store_n(&no_openat2, 1, __ATOMIC_RELAXED);
        return open_and_compare(path, flags);
    }
    return fd;
}

static int linux_openat(int dfd, const char *name, int flags)
{
    return openat(dfd, name, flags);
}

static int linux_identity(int dfd, const char *path, struct o4j_id *id)
{
    struct statx stx;

    if (statx(dfd, path, (*path ? 0 : AT_EMPTY_PATH) | AT_STATX_DONT_SYNC, STATX_INO | STATX_MNT_ID, &stx))
        return -1;
    id->dev = ((unsigned long long)stx.stx_dev_major << 32) | stx.stx_dev_minor;
    id->ino = stx.stx_ino;
    id->mount_id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
    return 0;
}
static int linux_fs_info(int dfd, const char *path, unsigned long long *type, unsigned long long *st_flags)
{
    struct statfs st;

    if (*path ? statfs(path, &st) : fstatfs(dfd, &st))
        return -1;
    *type = (unsigned long long)st.f_type;
    *st_flags = (unsigned long long)st.f_flags;
    return 0;
}

#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x4000u
#endif

static int linux_mount_uid(int dfd, const char *path, unsigned long long *uid)
{
    struct statx stx;

    if (statx(dfd, path, (*path ? 0 : AT_EMPTY_PATH) | AT_STATX_DONT_SYNC, STATX_MNT_ID_UNIQUE, &stx))
        return -1;
    *uid = (stx.stx_mask & STATX_MNT_ID_UNIQUE) ? stx.stx_mnt_id : 0;
    return 0;
}

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#define O4J_OPEN_TREE_CLONE 1u
#define O4J_OPEN_TREE_CLOEXEC O_CLOEXEC

static int linux_open_tree(int dfd, const char *path, unsigned flags)
{
    return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static ssize_t linux_getdents(int fd, void *buf, size_t len)
{
    return (ssize_t)syscall(SYS_getdents64, fd, buf, len);
}

static int linux_fsopen(const char *fsname, unsigned flags)
{
    return (int)syscall(SYS_fsopen, fsname, flags);
}
static int linux_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux)
{
    return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}
static int linux_fsmount(int fd, unsigned flags, unsigned attr_flags)
{
    return (int)syscall(SYS_fsmount, fd, flags, attr_flags);
}
static int linux_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
                            unsigned flags)
{
    return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

const struct o4j_sys o4j_sys_linux = {
    linux_open, linux_open_strict, linux_openat, linux_identity, unlinkat, close, read, readlink,
    linux_fsopen, linux_fsconfig, linux_fsmount, linux_move_mount, mount, umount2, linux_fs_info,
    linux_mount_uid, linux_open_tree, linux_getdents,
};

/* Records a failure; errno must still be the failing call's. Returns -errno. */
static int fail(struct o4j_result *e, const char *op, const char *path)
{
    int err = errno;

    e->err = err;
    e->op = op;
    e->path = path;
    return -err;
}

static void log_line(struct o4j_result *e, const char *line, size_t n)
{
    size_t used = strlen(e->log);

    while (n > 0 && line[n - 1] == '\n')
        n--;
    if (used + n + 2 > sizeof e->log)
        return;
    memcpy(e->log + used, line, n);
    e->log[used + n] = '\n';
    e->log[used + n + 1] = '\0';
}

/* The kernel queues its messages on the fs-context descriptor; each read(2)
 * returns one ("e overlay: ..."), ENODATA when none is left, EMSGSIZE (dropping
 * that message) when it does not fit the buffer. */
static void drain_log(const struct o4j_sys *sys, int fsfd, struct o4j_result *e)
{
    char msg[4096];
    ssize_t n;
    int saved = errno;

    while ((n = sys->read(fsfd, msg, sizeof msg)) > 0 || (n < 0 && errno == EMSGSIZE))
        if (n > 0)
            log_line(e, msg, (size_t)n);
    errno = saved;
}

/* Our portable flag bits and what each strategy's syscalls call them. */
struct flag_map {
    unsigned ours;
    unsigned long theirs;
};

static const struct flag_map attr_map[] = {
    {O4J_MOUNT_RDONLY, O4J_MOUNT_ATTR_RDONLY},         {O4J_MOUNT_NOSUID, O4J_MOUNT_ATTR_NOSUID},
    {O4J_MOUNT_NODEV, O4J_MOUNT_ATTR_NODEV},           {O4J_MOUNT_NOEXEC, O4J_MOUNT_ATTR_NOEXEC},
    {O4J_MOUNT_NOATIME, O4J_MOUNT_ATTR_NOATIME},       {O4J_MOUNT_RELATIME, O4J_MOUNT_ATTR_RELATIME},
    {O4J_MOUNT_NODIRATIME, O4J_MOUNT_ATTR_NODIRATIME}, {O4J_MOUNT_STRICTATIME, O4J_MOUNT_ATTR_STRICTATIME},
    {O4J_MOUNT_NOSYMFOLLOW, O4J_MOUNT_ATTR_NOSYMFOLLOW},
};
static const struct flag_map ms_map[] = {
    {O4J_MOUNT_RDONLY, MS_RDONLY},         {O4J_MOUNT_NOSUID, MS_NOSUID},           {O4J_MOUNT_NODEV, MS_NODEV},
    {O4J_MOUNT_NOEXEC, MS_NOEXEC},         {O4J_MOUNT_NOATIME, MS_NOATIME},         {O4J_MOUNT_RELATIME, MS_RELATIME},
    {O4J_MOUNT_NODIRATIME, MS_NODIRATIME}, {O4J_MOUNT_STRICTATIME, MS_STRICTATIME}, {O4J_MOUNT_NOSYMFOLLOW, MS_NOSYMFOLLOW},
};
static const struct flag_map umount_map[] = {
    {O4J_UNMOUNT_FORCE, MNT_FORCE},   {O4J_UNMOUNT_DETACH, MNT_DETACH},
    {O4J_UNMOUNT_EXPIRE, MNT_EXPIRE}, {O4J_UNMOUNT_NOFOLLOW, UMOUNT_NOFOLLOW},
};

/* statfs's ST_* flags, as ours; without NOATIME or RELATIME a mount is strictatime. */
static const struct flag_map st_map[] = {
    {O4J_MOUNT_RDONLY, ST_RDONLY},         {O4J_MOUNT_NOSUID, ST_NOSUID},           {O4J_MOUNT_NODEV, ST_NODEV},
    {O4J_MOUNT_NOEXEC, ST_NOEXEC},         {O4J_MOUNT_NOATIME, ST_NOATIME},         {O4J_MOUNT_RELATIME, ST_RELATIME},
    {O4J_MOUNT_NODIRATIME, ST_NODIRATIME}, {O4J_MOUNT_NOSYMFOLLOW, ST_NOSYMFOLLOW},
};

#define MAP_FLAGS(map, flags) map_flags(map, sizeof map / sizeof map[0], flags)

static unsigned long map_flags(const struct flag_map *map, size_t n, unsigned flags)
{
    unsigned long theirs = 0;

    for (size_t i = 0; i < n; i++)
        if (flags & map[i].ours)
            theirs |= map[i].theirs;
    return theirs;
}

/* The flags of the mount at dfd (path ""), or of the one path names, as ours. */
static unsigned flags_seen(const struct o4j_sys *sys, int dfd, const char *path)
{
    unsigned long long type, st;
    unsigned ours = 0;

    if (sys->fs_info(dfd, path, &type, &st))
        return O4J_FLAGS_UNKNOWN;
    for (size_t i = 0; i < sizeof st_map / sizeof st_map[0]; i++)
        if (st & st_map[i].theirs)
            ours |= st_map[i].ours;
    if (!(ours & (O4J_MOUNT_NOATIME | O4J_MOUNT_RELATIME)))
        ours |= O4J_MOUNT_STRICTATIME;
    return ours;
}

/* fsconfig copies at most 256 bytes of a string, NUL included (strndup_user). */
#define O4J_FSCONFIG_STRING_MAX 255

/* One mount call's state: what to mount, where, and what workdir held before. */
struct attempt {
    const struct o4j_sys *sys;
    const struct o4j_overlay *ov;
    struct o4j_result *e;
    const char *target;
    int strict;
    int wfd;       /* the workdir, opened and checked; -1 without one */
    int had_work;  /* whether workdir/work and workdir/index existed before the mount */
    int had_index;
};

static int same_id(const struct o4j_id *a, const struct o4j_id *b)
{
    return a->dev == b->dev && a->ino == b->ino &&
           (a->mount_id == 0 || b->mount_id == 0 || a->mount_id == b->mount_id);
}

/* The i-th directory of the overlay (layers, then upperdir, then workdir), its
 * validated identity (NULL: none), and its role as the error names it. */
static const char *dir_at(const struct o4j_overlay *ov, size_t i, const struct o4j_id **id, char role[32])
{
    size_t nlayers = ov->nlower + ov->ndata;

    if (i < nlayers) {
        *id = ov->lower_ids ? &ov->lower_ids[i] : NULL;
        snprintf(role, 32, i < ov->nlower ? "lowerdir %zu" : "datadir %zu",
                 i < ov->nlower ? i + 1 : i - ov->nlower + 1);
        return ov->lowerdirs[i];
    }
    *id = i == nlayers ? ov->upper_id : ov->work_id;
    snprintf(role, 32, i == nlayers ? "upperdir" : "workdir");
    return i == nlayers ? ov->upperdir : ov->workdir;
}

/* Opens a directory and checks that it is the one validated: what is checked is
 * the descriptor that is used. Returns the descriptor, or -1 with e filled. */
static int open_dir(const struct attempt *a, const char *role, const char *path, const struct o4j_id *want,
                    int flags)
{
    const struct o4j_sys *sys = a->sys;
    struct o4j_id have;
    int fd = (a->strict ? sys->open_strict : sys->open)(path, flags | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0) {
        fail(a->e, "open", path);
        return -1;
    }
    if (!want)
        return fd;
    if (sys->identity(fd, "", &have)) {
        fail(a->e, "statx", path);
    } else if (same_id(want, &have)) {
        return fd;
    } else {
        char msg[200];
        int n = snprintf(msg, sizeof msg,
                         "e overlay4j: %s is no longer the directory that was validated (it was renamed, "
                         "replaced or mounted over since): check it and build the overlay again", role);

        log_line(a->e, msg, (size_t)n);
        errno = ESTALE;
        fail(a->e, "open", path);
    }
    sys->close(fd);
    return -1;
}

/* For the strategies that hand names to the kernel: checks every directory just
 * before the call, which then looks the names up again itself. */
static int check_dirs(const struct attempt *a)
{
    const struct o4j_overlay *ov = a->ov;
    size_t ndirs = ov->nlower + ov->ndata + 2;

    for (size_t i = 0; i < ndirs; i++) {
        const struct o4j_id *id;
        char role[32];
        const char *dir = dir_at(ov, i, &id, role);
        int fd;

        if (!dir || !id || dir == ov->workdir) /* the workdir is the attempt's own, checked already */
            continue;
        if ((fd = open_dir(a, role, dir, id, O_PATH)) < 0)
            return -a->e->err;
        a->sys->close(fd);
    }
    return 0;
}

/* Notes whether workdir already holds "work" and "index", which a failed mount must then
 * leave: one read of the directory, where probing each name cost two lookups and a close (a
 * failed lookup alone 2.3 us on tmpfs, more than a whole getdents of a workdir). When the
 * directory cannot be read, both count as there: nothing is removed after a failure. */
static void note_workdir(struct attempt *a)
{
    const struct o4j_sys *sys = a->sys;
    union {
        char bytes[4096];
        unsigned long long align;
    } buf;
    ssize_t n;

    a->had_work = a->had_index = 0;
    while ((n = sys->getdents(a->wfd, buf.bytes, sizeof buf.bytes)) > 0) {
        for (ssize_t at = 0; at < n;) {
            const struct o4j_dirent *d = (const struct o4j_dirent *)(buf.bytes + at);

            a->had_work |= strcmp(d->name, "work") == 0;
            a->had_index |= strcmp(d->name, "index") == 0;
            at += d->reclen;
        }
    }
    if (n < 0)
        a->had_work = a->had_index = 1;
}

#define O4J_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* After a failed mount: removes what the kernel created in workdir and was not
 * there before: work (with work/incompat/volatile/dirty for a volatile overlay)
 * and index. Only what the kernel makes goes, each name reached through a
 * descriptor; a directory holding anything else stays. */
static void remove_residue(const struct attempt *a)
{
    const struct o4j_sys *sys = a->sys;
    int saved = errno, work, incompat, vol;

    if (a->wfd < 0)
        return;
    if (!a->had_work && (work = sys->openat(a->wfd, "work", O4J_DIR_FLAGS)) >= 0) {
        if ((incompat = sys->openat(work, "incompat", O4J_DIR_FLAGS)) >= 0) {
            if ((vol = sys->openat(incompat, "volatile", O4J_DIR_FLAGS)) >= 0) {
                sys->unlinkat(vol, "dirty", 0);
                sys->close(vol);
                sys->unlinkat(incompat, "volatile", AT_REMOVEDIR);
            }
            sys->close(incompat);
            sys->unlinkat(work, "incompat", AT_REMOVEDIR);
        }
        sys->close(work);
        sys->unlinkat(a->wfd, "work", AT_REMOVEDIR);
    }
    if (!a->had_index)
        sys->unlinkat(a->wfd, "index", AT_REMOVEDIR);
    errno = saved;
}

/* Hands one directory to the fs context: by a descriptor checked against its
 * identity, or by name. The workdir's descriptor is the attempt's own. */
static int set_dir(const struct attempt *a, int fsfd, const char *key, size_t i, int by_fd)
{
    const struct o4j_sys *sys = a->sys;
    const struct o4j_id *id;
    char role[32];
    const char *path = dir_at(a->ov, i, &id, role);
    int rc, dfd;

    if (!by_fd) {
        char escaped[2 * O4J_FSCONFIG_STRING_MAX + 2];
        const char *value = path;
        size_t n = 0;

        /* The kernel drops backslashes from upperdir/workdir strings (not from
         * lowerdir+/datadir+ ones): double them so the name arrives intact. */
        if (key[strlen(key) - 1] != '+') {
            for (const char *c = path; *c && n < sizeof escaped - 2; c++) {
                if (*c == '\\')
                    escaped[n++] = '\\';
                escaped[n++] = *c;
            }
            escaped[n] = '\0';
            value = escaped;
        }
        if (strlen(value) > O4J_FSCONFIG_STRING_MAX) {
            char msg[200];
            int len = snprintf(msg, sizeof msg,
                               "e overlay4j: %s path is %zu bytes; fsconfig takes strings of at most %d: "
                               "use the fd strategy (Linux 6.13+) or the legacy one",
                               key, strlen(value), O4J_FSCONFIG_STRING_MAX);

            log_line(a->e, msg, (size_t)len);
            errno = ENAMETOOLONG;
            return fail(a->e, "fsconfig", path);
        }
        return sys->fsconfig(fsfd, O4J_FSCONFIG_SET_STRING, key, value, 0) ? fail(a->e, "fsconfig", path) : 0;
    }
    if (path == a->ov->workdir && a->wfd >= 0)
        dfd = a->wfd;
    else if ((dfd = open_dir(a, role, path, id, O_RDONLY)) < 0)
        return -a->e->err;
    rc = sys->fsconfig(fsfd, O4J_FSCONFIG_SET_FD, key, NULL, dfd) ? fail(a->e, "fsconfig", path) : 0;
    if (dfd != a->wfd)
        sys->close(dfd);
    return rc;
}

static const char *source_of(const struct o4j_overlay *ov)
{
    return ov->source ? ov->source : "overlay";
}

static int configure(const struct attempt *a, int fsfd, int by_fd)
{
    const struct o4j_sys *sys = a->sys;
    const struct o4j_overlay *ov = a->ov;
    size_t nlayers = ov->nlower + ov->ndata;
    int rc = 0;

    /* As mount(8) does with its source word, so that mountinfo does not show "none". */
    if (sys->fsconfig(fsfd, O4J_FSCONFIG_SET_STRING, "source", source_of(ov), 0))
        rc = fail(a->e, "fsconfig", NULL);
    for (size_t i = 0; i < nlayers && !rc; i++)
        rc = set_dir(a, fsfd, i < ov->nlower ? "lowerdir+" : "datadir+", i, by_fd);
    if (!rc && ov->upperdir)
        rc = set_dir(a, fsfd, "upperdir", nlayers, by_fd);
    if (!rc && ov->workdir)
        rc = set_dir(a, fsfd, "workdir", nlayers + 1, by_fd);
    for (size_t i = 0; i < ov->noptions && !rc; i++) {
        const struct o4j_option *o = &ov->options[i];

        if (sys->fsconfig(fsfd, o->value ? O4J_FSCONFIG_SET_STRING : O4J_FSCONFIG_SET_FLAG, o->key,
                          o->value, 0))
            rc = fail(a->e, "fsconfig", NULL);
    }
    /* "ro" makes the superblock read-only too, as MS_RDONLY does for mount(2). */
    if (!rc && (ov->flags & O4J_MOUNT_RDONLY) &&
        sys->fsconfig(fsfd, O4J_FSCONFIG_SET_FLAG, "ro", NULL, 0))
        rc = fail(a->e, "fsconfig", NULL);
    if (!rc && sys->fsconfig(fsfd, O4J_FSCONFIG_CMD_CREATE, NULL, NULL, 0))
        rc = fail(a->e, "fsconfig", NULL);
    return rc;
}

/* The atime bits are one field for fsmount: give it the mode mount(2) would pick (strictatime
 * over noatime over relatime) rather than an invalid combination. */
static unsigned fsmount_attrs(unsigned flags)
{
    unsigned attrs = (unsigned)MAP_FLAGS(attr_map, flags);

    if (flags & O4J_MOUNT_STRICTATIME)
        attrs = (attrs & ~O4J_MOUNT_ATTR_ATIME_MASK) | O4J_MOUNT_ATTR_STRICTATIME;
    return attrs;
}

/* The kernel's facts about a new mount, from a descriptor of it (path "") or its path. */
static void record_mount(const struct o4j_sys *sys, int dfd, const char *path, struct o4j_result *e)
{
    struct o4j_id mounted;

    e->mount_id = sys->identity(dfd, path, &mounted) ? 0 : mounted.mount_id;
    if (sys->mount_uid(dfd, path, &e->mount_uid))
        e->mount_uid = 0;
    e->flags_seen = flags_seen(sys, dfd, path);
}

/* Makes the superblock and a detached mount of it, then moves that onto tfd; or, with
 * tfd -1, hands the detached mount's descriptor over in *detached, once the kernel has
 * shown it can clone it. */
static int mount_new_api(const struct attempt *a, int tfd, int by_fd, int *detached)
{
    const struct o4j_sys *sys = a->sys;
    int rc, mfd = -1, fsfd;

    if (!by_fd && (rc = check_dirs(a)))
        return rc;
    if ((fsfd = sys->fsopen("overlay", O4J_FSOPEN_CLOEXEC)) < 0)
        return fail(a->e, "fsopen", NULL);
    rc = configure(a, fsfd, by_fd);
    if (!rc && (mfd = sys->fsmount(fsfd, O4J_FSMOUNT_CLOEXEC, fsmount_attrs(a->ov->flags))) < 0)
        rc = fail(a->e, "fsmount", NULL);
    if (!rc && tfd < 0) {
        int clone = sys->open_tree(mfd, "", O4J_OPEN_TREE_CLONE | O4J_OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

        if (clone < 0)
            rc = fail(a->e, "open_tree", NULL);
        else
            sys->close(clone);
    } else if (!rc && sys->move_mount(mfd, "", tfd, "", O4J_MOVE_MOUNT_F_EMPTY_PATH | O4J_MOVE_MOUNT_T_EMPTY_PATH)) {
        rc = fail(a->e, "move_mount", a->target);
    }
    if (!rc)
        record_mount(sys, mfd, "", a->e);
    if (rc) {
        drain_log(sys, fsfd, a->e);
        /* While the failed superblock still holds workdir, so no other mount is using it. */
        remove_residue(a);
    }
    /* Closing the detached mount's descriptor frees it when move_mount failed. */
    if (!rc && tfd < 0)
        *detached = mfd;
    else if (mfd >= 0)
        sys->close(mfd);
    sys->close(fsfd);
    return rc;
}

static int mount_with_options(const struct attempt *a, const struct o4j_overlay *ov, const char *target,
                              size_t need)
{
    const struct o4j_sys *sys = a->sys;
    char small[1024];
    char *data = small;
    int rc;

    if (need + 1 > sizeof small && !(data = malloc(need + 1))) {
        errno = ENOMEM;
        return fail(a->e, "mount", target);
    }
    o4j_format_options(ov, data, need + 1);
    rc = sys->mount(source_of(ov), target, "overlay", MAP_FLAGS(ms_map, ov->flags), data) ? fail(a->e, "mount", target)
                                                                                    : 0;
    if (rc)
        remove_residue(a);
    if (data != small)
        free(data);
    return rc;
}

/* Longer than a page, the option string is retried with each directory named
 * "/proc/self/fd/N" after a descriptor opened (and checked) on it: short,
 * nothing to escape, no chdir, and the directories mounted are the ones opened. */
static int mount_shortened(const struct attempt *a, const char *target, size_t page, size_t plain)
{
    enum { NAME = 32 };
    const struct o4j_overlay *ov = a->ov;
    size_t nlayers = ov->nlower + ov->ndata, ndirs = nlayers + 2, opened = 0, need;
    int *fds = malloc(ndirs * sizeof *fds);
    char *names = malloc(ndirs * NAME);
    const char **lowers = malloc((nlayers + 1) * sizeof *lowers);
    struct o4j_overlay shortened = *ov;
    int rc = 0;

    if (!fds || !names || !lowers) {
        errno = ENOMEM;
        rc = fail(a->e, "mount", target);
        goto out;
    }
    for (size_t i = 0; i < ndirs && !rc; i++) {
        const struct o4j_id *id;
        char role[32];
        const char *dir = dir_at(ov, i, &id, role);
        char *name = names + i * NAME;

        if (!dir)
            continue;
        fds[opened] = open_dir(a, role, dir, id, O_PATH);
        if (fds[opened] < 0) {
            rc = -a->e->err;
            break;
        }
        fd_name(fds[opened++], name);
        if (i < nlayers)
            lowers[i] = name;
        else if (i == nlayers)
            shortened.upperdir = name;
        else
            shortened.workdir = name;
    }
    if (!rc) {
        shortened.lowerdirs = lowers;
        need = o4j_format_options(&shortened, NULL, 0);
        if (need >= page) {
            char msg[300];
            int n = snprintf(msg, sizeof msg,
                             "e overlay4j: the option string is %zu bytes, and %zu even with "
                             "/proc/self/fd names; mount(2) takes at most %zu: use the fd strategy "
                             "(Linux 6.13+) or the string strategy (Linux 6.8+)",
                             plain, need, page - 1);

            log_line(a->e, msg, (size_t)n);
            errno = E2BIG;
            rc = fail(a->e, "mount", target);
        } else {
            rc = mount_with_options(a, &shortened, target, need);
        }
    }
    while (opened > 0)
        a->sys->close(fds[--opened]);
out:
    free(fds);
    free(names);
    free(lowers);
    return rc;
}

static int mount_legacy(const struct attempt *a, const char *target)
{
    size_t need = o4j_format_options(a->ov, NULL, 0);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    int rc;

    /* The kernel copies at most one page of options and would cut the rest silently. */
    if (need >= page)
        return mount_shortened(a, target, page, need);
    if ((rc = check_dirs(a)))
        return rc;
    return mount_with_options(a, a->ov, target, need);
}

static void reset_result(struct o4j_result *e)
{
    e->mount_id = 0;
    e->mount_uid = 0;
    e->flags_seen = O4J_FLAGS_UNKNOWN;
    e->err = 0;
    e->op = e->path = NULL;
    e->log[0] = '\0';
}

int o4j_mount_with(const struct o4j_sys *sys, const struct o4j_overlay *ov, const char *target,
                   const struct o4j_id *target_id, enum o4j_strategy strategy, struct o4j_result *res)
{
    struct o4j_result scratch;
    struct attempt a = {sys, ov, res ? res : &scratch, target, (ov->flags & O4J_MOUNT_STRICT_PATHS) != 0, -1, 1, 1};
    struct o4j_result *e = a.e;
    char fdname[32];
    int rc, tfd;

    reset_result(e);
    if (strategy < O4J_STRATEGY_FD || strategy > O4J_STRATEGY_LEGACY) {
        errno = EINVAL;
        return fail(e, "mount", NULL);
    }
    /* Resolve the target before anything exists: a missing target must not fail
     * only after CMD_CREATE has made workdir/work, and every strategy mounts on
     * the directory opened here, not on whatever the path names later. */
    if ((tfd = open_dir(&a, "target", target, target_id, O_PATH)) < 0)
        return -e->err;
    fd_name(tfd, fdname);
    if (ov->workdir) {
        if ((a.wfd = open_dir(&a, "workdir", ov->workdir, ov->work_id, O_RDONLY)) < 0) {
            sys->close(tfd);
            return -e->err;
        }
        note_workdir(&a);
    }
    if (strategy == O4J_STRATEGY_LEGACY) {
        char probe[1];

        /* mount(2) on the opened directory through its /proc name; without /proc, on the path. */
        rc = mount_legacy(&a, sys->readlink(fdname, probe, sizeof probe) >= 0 ? fdname : target);
        if (e->path == fdname)
            e->path = target; /* name the caller's target, and not a buffer about to go away */
        if (!rc)
            record_mount(sys, AT_FDCWD, target, e);
    } else {
        rc = mount_new_api(&a, tfd, strategy == O4J_STRATEGY_FD, NULL);
    }
    if (a.wfd >= 0)
        sys->close(a.wfd);
    sys->close(tfd);
    return rc;
}


int o4j_detach_with(const struct o4j_sys *sys, const struct o4j_overlay *ov, enum o4j_strategy strategy,
                    struct o4j_result *res, int *fd)
{
    struct o4j_result scratch;
    struct attempt a = {sys, ov, res ? res : &scratch, NULL, (ov->flags & O4J_MOUNT_STRICT_PATHS) != 0, -1, 1, 1};
    int rc;

    reset_result(a.e);
    if (strategy == O4J_STRATEGY_AUTO) {
        int probed = o4j_probe_with(sys);

        strategy = probed < 0 ? O4J_STRATEGY_LEGACY : (enum o4j_strategy)probed;
    }
    if (strategy != O4J_STRATEGY_FD && strategy != O4J_STRATEGY_STRING) {
        errno = EOPNOTSUPP; /* mount(2) attaches as it creates: nothing to hold detached */
        return fail(a.e, "fsopen", NULL);
    }
    if (ov->workdir) {
        if ((a.wfd = open_dir(&a, "workdir", ov->workdir, ov->work_id, O_RDONLY)) < 0)
            return -a.e->err;
        note_workdir(&a);
    }
    rc = mount_new_api(&a, -1, strategy == O4J_STRATEGY_FD, fd);
    if (a.wfd >= 0)
        sys->close(a.wfd);
    return rc;
}

int o4j_attach_with(const struct o4j_sys *sys, int fd, const char *target, const struct o4j_id *target_id,
                    unsigned flags, struct o4j_result *res)
{
    struct o4j_result scratch;
    struct attempt a = {sys, NULL, res ? res : &scratch, target, (flags & O4J_MOUNT_STRICT_PATHS) != 0, -1, 1, 1};
    int rc = 0, tfd, clone;

    reset_result(a.e);
    if ((tfd = open_dir(&a, "target", target, target_id, O_PATH)) < 0)
        return -a.e->err;
    if ((clone = sys->open_tree(fd, "", O4J_OPEN_TREE_CLONE | O4J_OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)) < 0)
        rc = fail(a.e, "open_tree", NULL);
    else if (sys->move_mount(clone, "", tfd, "", O4J_MOVE_MOUNT_F_EMPTY_PATH | O4J_MOVE_MOUNT_T_EMPTY_PATH))
        rc = fail(a.e, "move_mount", target);
    if (!rc)
        record_mount(sys, clone, "", a.e);
    if (clone >= 0)
        sys->close(clone); /* an attached clone stays mounted; a failed one is freed */
    sys->close(tfd);
    return rc;
}

int o4j_unmount_with(const struct o4j_sys *sys, const char *target, unsigned flags)
{
    return sys->umount2(target, (int)MAP_FLAGS(umount_map, flags)) ? -errno : 0;
}

int o4j_unmount_if_with(const struct o4j_sys *sys, const char *target, unsigned long long mount_id,
                        unsigned long long mount_uid, unsigned flags, unsigned long long *found)
{
    struct o4j_id top;
    unsigned long long top_uid = 0;

    /* umount2 takes a path and removes whatever is on top: look first, and unmount
     * nothing when looking fails. With no ID (the kernel told none when the mount
     * was made) there is nothing to check; nor with EXPIRE: looking counts as a use
     * and would clear the expiry mark. */
    if ((mount_id || mount_uid) && !(flags & O4J_UNMOUNT_EXPIRE)) {
        if (mount_uid && sys->mount_uid(AT_FDCWD, target, &top_uid))
            return -errno;
        /* The reusable ID is read only when it decides, or to name what was found instead. */
        if (!(mount_uid && top_uid == mount_uid)) {
            if (sys->identity(AT_FDCWD, target, &top))
                return -errno;
            /* Another never-reused ID on top; or, where the kernel has none, another reusable one. */
            if ((mount_uid && top_uid) || top.mount_id != mount_id) {
                *found = top.mount_id;
                return 1;
            }
        }
    }
    return o4j_unmount_with(sys, target, flags);
}

/* Asks an unmounted fs context which "lowerdir+" forms it accepts; creates
 * nothing. Returns a strategy, or -errno when fsopen failed for another reason
 * than the kernel lacking it (EPERM for an unprivileged caller). */
int o4j_probe_with(const struct o4j_sys *sys)
{
    int best = O4J_STRATEGY_LEGACY;
    int root, fsfd = sys->fsopen("overlay", O4J_FSOPEN_CLOEXEC);

    if (fsfd < 0)
        return errno == ENOSYS ? O4J_STRATEGY_LEGACY : -errno;
    root = sys->open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root >= 0 && sys->fsconfig(fsfd, O4J_FSCONFIG_SET_FD, "lowerdir+", NULL, root) == 0)
        best = O4J_STRATEGY_FD;
    else if (sys->fsconfig(fsfd, O4J_FSCONFIG_SET_STRING, "lowerdir+", "/", 0) == 0)
        best = O4J_STRATEGY_STRING;
    if (root >= 0)
        sys->close(root);
    sys->close(fsfd);
    return best;
}

int o4j_mount(const struct o4j_overlay *ov, const char *target, const struct o4j_id *target_id,
              enum o4j_strategy strategy, struct o4j_result *res)
{
    if (strategy == O4J_STRATEGY_AUTO)
        strategy = o4j_probe_strategy();
    return o4j_mount_with(&o4j_sys_linux, ov, target, target_id, strategy, res);
}

/* Absolute, without "." or ".." components or doubled slashes: if such a path
 * opens with no symbolic link on the way, it is its own canonical form. */
static int is_plain_absolute(const char *p)
{
    if (*p != '/')
        return 0;
    for (const char *c = p; *c; c++) {
        if (c[0] == '/' && (c[1] == '/' ||
                            (c[1] == '.' && (c[2] == '/' || !c[2] || (c[2] == '.' && (c[3] == '/' || !c[3]))))))
            return 0;
    }
    return p[1] == '\0' || p[strlen(p) - 1] != '/';
}

int o4j_resolve_dir(const char *path, struct o4j_dir *out)
{
    const struct o4j_sys *sys = &o4j_sys_linux;
    struct o4j_id back;
    char fdname[32];
    ssize_t n;
    int rc = 0, fd = -1, check;

    /* The common case costs two syscalls: a plain absolute path that opens with no
     * symbolic link on the way is canonical. Otherwise the kernel names the directory. */
    if (is_plain_absolute(path) && strlen(path) < sizeof out->path)
        fd = sys->open_strict(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        strcpy(out->path, path);
        check = -1;
    } else {
        if ((fd = sys->open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
            return -errno;
        fd_name(fd, fdname);
        if ((n = sys->readlink(fdname, out->path, sizeof out->path - 1)) < 0) {
            rc = -errno;
            check = -1;
        } else {
            out->path[n] = '\0';
            /* The name is only worth anything if it leads back here. */
            check = sys->open_strict(out->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (check < 0)
                rc = -EXDEV;
        }
    }
    if (!rc && sys->identity(fd, "", &out->id))
        rc = -errno;
    if (!rc) {
        unsigned long long st;

        if (sys->fs_info(fd, "", &out->fs_type, &st))
            out->fs_type = 0;
    }
    if (!rc && check >= 0 && (sys->identity(check, "", &back) || !same_id(&out->id, &back) ||
                              back.mount_id != out->id.mount_id))
        rc = -EXDEV;
    if (check >= 0)
        sys->close(check);
    sys->close(fd);
    return rc;
}

int o4j_detach(const struct o4j_overlay *ov, enum o4j_strategy strategy, struct o4j_result *res, int *fd)
{
    return o4j_detach_with(&o4j_sys_linux, ov, strategy, res, fd);
}

int o4j_attach(int fd, const char *target, const struct o4j_id *target_id, unsigned flags, struct o4j_result *res)
{
    return o4j_attach_with(&o4j_sys_linux, fd, target, target_id, flags, res);
}

int o4j_mount_uid(const char *path, unsigned long long *uid)
{
    return o4j_sys_linux.mount_uid(AT_FDCWD, path, uid) ? -errno : 0;
}

int o4j_unmount(const char *target, unsigned flags)
{
    return o4j_unmount_with(&o4j_sys_linux, target, flags);
}

int o4j_unmount_if(const char *target, unsigned long long mount_id, unsigned long long mount_uid, unsigned flags,
                   unsigned long long *found)
{
    return o4j_unmount_if_with(&o4j_sys_linux, target, mount_id, mount_uid, flags, found);
}

/* Probed once per process: the kernel does not change under us. A probe that
 * could not ask (no privilege yet) answers LEGACY and is not cached. */
enum o4j_strategy o4j_probe_strategy(void)
{
    static int cached; /* 0: not probed yet */
    int s = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);

    if (!s) {
        s = o4j_probe_with(&o4j_sys_linux);
        if (s < 0)
            return O4J_STRATEGY_LEGACY;
        __atomic_store_n(&cached, s, __ATOMIC_RELEASE);
    }
    return (enum o4j_strategy)s;
}
