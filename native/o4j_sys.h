/*
 * Internal: the syscalls the core makes, as a table that tests replace to
 * inject faults. Each entry behaves like the libc call: -1 and errno on failure.
 */
#ifndef O4J_SYS_H
#define O4J_SYS_H

#include <sys/types.h>

#include "overlay4j.h"

struct o4j_sys {
    int (*open)(const char *path, int flags);
    /* open() that refuses symbolic links in any component (openat2 RESOLVE_NO_SYMLINKS). */
    int (*open_strict)(const char *path, int flags);
    int (*openat)(int dfd, const char *name, int flags);
    /* statx: device, inode, and mount ID (0 when the kernel does not tell); 0 or -1. */
    int (*identity)(int dfd, const char *path, struct o4j_id *id);
    int (*unlinkat)(int dfd, const char *name, int flags);
    int (*close)(int fd);
    ssize_t (*read)(int fd, void *buf, size_t len);
    ssize_t (*readlink)(const char *path, char *buf, size_t len);
    int (*fsopen)(const char *fsname, unsigned flags);
    int (*fsconfig)(int fd, unsigned cmd, const char *key, const void *value, int aux);
    int (*fsmount)(int fd, unsigned flags, unsigned attr_flags);
    int (*move_mount)(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags);
    int (*mount)(const char *source, const char *target, const char *fstype, unsigned long flags,
                 const void *data);
    int (*umount2)(const char *target, int flags);
    /* statfs (fstatfs of dfd when path is ""): the filesystem's magic number and the
     * mount's ST_* flags; 0 or -1. */
    int (*fs_info)(int dfd, const char *path, unsigned long long *type, unsigned long long *st_flags);
    /* statx STATX_MNT_ID_UNIQUE: the mount's ID that is never reused (Linux 6.8+), 0 where the
     * kernel has none; 0 or -1. */
    int (*mount_uid)(int dfd, const char *path, unsigned long long *uid);
    int (*open_tree)(int dfd, const char *path, unsigned flags);
    /* getdents64: records of struct o4j_dirent; bytes read, 0 at the end, or -1. */
    ssize_t (*getdents)(int fd, void *buf, size_t len);
};

/* struct linux_dirent64, as getdents64 writes it. */
struct o4j_dirent {
    unsigned long long ino;
    long long off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

extern const struct o4j_sys o4j_sys_linux;

/* strategy: FD, STRING or LEGACY (o4j_mount resolves AUTO); anything else is EINVAL. */
int o4j_mount_with(const struct o4j_sys *sys, const struct o4j_overlay *ov, const char *target,
                   const struct o4j_id *target_id, enum o4j_strategy strategy, struct o4j_result *res);
int o4j_detach_with(const struct o4j_sys *sys, const struct o4j_overlay *ov, enum o4j_strategy strategy,
                    struct o4j_result *res, int *fd);
int o4j_attach_with(const struct o4j_sys *sys, int fd, const char *target, const struct o4j_id *target_id,
                    unsigned flags, struct o4j_result *res);
int o4j_unmount_with(const struct o4j_sys *sys, const char *target, unsigned flags);
int o4j_unmount_if_with(const struct o4j_sys *sys, const char *target, unsigned long long mount_id,
                        unsigned long long mount_uid, unsigned flags, unsigned long long *found);
int o4j_probe_with(const struct o4j_sys *sys);

/* Super options as mountinfo and statmount show them ("lowerdir=...,upperdir=..."), decoded
 * into the entries of o4j_decode_mountinfo ('L' 'D' 'U' 'W' 'O' 'V'). Returns the length
 * needed (at most cap bytes are written), or -ENOMEM. */
long o4j_decode_super_options(const char *opts, size_t len, char *out, size_t cap);

#endif
