/*
 * overlay4j C core: mounts and unmounts Linux OverlayFS.
 *
 * Plain C, no JNI: the Java shim converts arguments and calls these functions;
 * ctest calls them directly. Every function that can fail returns 0 or a
 * negative errno captured right after the failing syscall.
 */
#ifndef OVERLAY4J_H
#define OVERLAY4J_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Mount flags: our own bits, mapped to MS_* (mount(2)) or MOUNT_ATTR_* (fsmount). Java's MountFlag
 * spells each once more; the shim checks the two against each other when it compiles. */
#define O4J_MOUNT_RDONLY   0x01u
#define O4J_MOUNT_NOSUID   0x02u
#define O4J_MOUNT_NODEV    0x04u
#define O4J_MOUNT_NOEXEC   0x08u
#define O4J_MOUNT_NOATIME  0x10u
#define O4J_MOUNT_RELATIME 0x20u
#define O4J_MOUNT_NODIRATIME 0x40u
#define O4J_MOUNT_STRICTATIME 0x80u  /* wins over NOATIME and RELATIME, as MS_STRICTATIME does */
#define O4J_MOUNT_NOSYMFOLLOW 0x200u /* Linux 5.10+ */
/* The target and layer paths are canonical (as o4j_resolve_dir returns them):
 * open them without following any symbolic link (openat2 RESOLVE_NO_SYMLINKS),
 * so that a link swapped in after they were resolved is refused with ELOOP. */
#define O4J_MOUNT_STRICT_PATHS 0x100u

/* o4j_result.flags_seen when statfs could not tell. */
#define O4J_FLAGS_UNKNOWN 0xffffffffu

/* Unmount flags, mapped to MNT_* / UMOUNT_NOFOLLOW. */
#define O4J_UNMOUNT_FORCE    0x01u
#define O4J_UNMOUNT_DETACH   0x02u
#define O4J_UNMOUNT_EXPIRE   0x04u
#define O4J_UNMOUNT_NOFOLLOW 0x08u

/* How the overlay is handed to the kernel. */
enum o4j_strategy {
    O4J_STRATEGY_AUTO = 0,   /* the best one o4j_probe_strategy() finds */
    O4J_STRATEGY_FD = 1,     /* fsopen + fsconfig(FSCONFIG_SET_FD, "lowerdir+") + fsmount: Linux 6.13+ */
    O4J_STRATEGY_STRING = 2, /* fsopen + fsconfig(FSCONFIG_SET_STRING, "lowerdir+"): Linux 6.8+ */
    O4J_STRATEGY_LEGACY = 3  /* mount(2) with one escaped option string of at most one page */
};

/* What a directory was when it was validated: device, inode and the ID of the
 * mount it is on (statx; mount_id 0 when the kernel does not tell, and then not
 * compared). Mounting refuses a directory that no longer matches (ESTALE). */
struct o4j_id {
    unsigned long long dev;
    unsigned long long ino;
    unsigned long long mount_id;
};

/* An extra overlay option: key alone ("userxattr") or key=value ("index=off"). */
struct o4j_option {
    const char *key;
    const char *value; /* NULL for a flag */
};

/* What to mount. Strings are NUL-terminated byte paths, never parsed by a shell. */
struct o4j_overlay {
    const char *const *lowerdirs; /* highest priority first; then the ndata data-only layers */
    size_t nlower;                /* regular lower layers */
    const char *upperdir; /* NULL for a read-only overlay */
    const char *workdir;  /* NULL when there is no upperdir */
    const struct o4j_option *options;
    size_t noptions;
    unsigned flags; /* O4J_MOUNT_* */
    size_t ndata;   /* data-only lower layers (Linux 6.5+), in lowerdirs after the regular ones */
    /* The identities validated for lowerdirs[], upperdir and workdir; NULL: not checked. */
    const struct o4j_id *lower_ids;
    const struct o4j_id *upper_id;
    const struct o4j_id *work_id;
    /* The mount's source, shown in mountinfo as mount(8) shows its source word; NULL: "overlay". */
    const char *source;
};

/* What a mount call did: on success, the new mount's IDs and flags; on failure,
 * the errno, the syscall that returned it, the path that call was given and what
 * the kernel wrote to the fs-context log ("e overlay: ..." lines). */
struct o4j_result {
    unsigned long long mount_id; /* on success: the new mount's ID (statx STATX_MNT_ID), as mountinfo shows it */
    unsigned long long mount_uid; /* on success: its ID that is never reused (STATX_MNT_ID_UNIQUE, Linux 6.8+);
                                     0 where the kernel has none */
    unsigned flags_seen; /* on success: the O4J_MOUNT_* flags the new mount has (statfs), so that
                            the caller sees what the kernel changed without saying so (a read-only
                            mount of an overlay asked read-write); O4J_FLAGS_UNKNOWN if not known */
    int err;           /* positive errno, 0 when no failure */
    const char *op;    /* "open", "fsopen", "fsconfig", "fsmount", "move_mount", "mount" */
    const char *path;  /* the path the failing call was given, when it took one; else NULL */
    char log[4096];    /* kernel messages, one per line, NUL-terminated; may be empty */
};

/* Mounts ov on target, which is opened first: what gets mounted on is the
 * directory it named then, and nothing is created when it is missing. Every
 * directory opened is checked against its identity where one is given
 * (target_id, ov's ids): -ESTALE when it is another directory now. When the
 * mount fails after the kernel created workdir/work or workdir/index, those are
 * removed again if they did not exist before. Returns 0 or -errno; res (may be
 * NULL) tells the new mount's IDs or which step failed. */
int o4j_mount(const struct o4j_overlay *ov, const char *target, const struct o4j_id *target_id,
              enum o4j_strategy strategy, struct o4j_result *res);

/* Creates ov's superblock once and holds it as a detached mount (fsopen ... fsmount, no
 * move_mount), checking that the kernel can clone it (open_tree OPEN_TREE_CLONE); *fd
 * receives its descriptor (close-on-exec), which the caller closes. The new mount API only:
 * strategy FD or STRING (AUTO picks one); -EOPNOTSUPP where the kernel has neither. Returns 0
 * or -errno with res (may be NULL) telling which step failed. */
int o4j_detach(const struct o4j_overlay *ov, enum o4j_strategy strategy, struct o4j_result *res, int *fd);

/* Attaches a clone of the detached mount fd (o4j_detach) on target: open_tree(OPEN_TREE_CLONE)
 * and move_mount. Every clone shares the one superblock, so one upperdir serves them all.
 * target is opened and checked as o4j_mount does (flags: O4J_MOUNT_STRICT_PATHS or 0); res
 * tells the new mount's IDs and flags. Returns 0 or -errno. */
int o4j_attach(int fd, const char *target, const struct o4j_id *target_id, unsigned flags, struct o4j_result *res);

/* umount2(target, flags mapped from O4J_UNMOUNT_*). Returns 0 or -errno. */
int o4j_unmount(const char *target, unsigned flags);

/* Unmounts target only if the mount on top of it is the one with mount_uid (its
 * never-reused ID) or, where the kernel has none (mount_uid 0), mount_id: the
 * kernel reuses mount_ids of mounts that are gone. Returns 0 when unmounted,
 * -errno on failure (nothing unmounted when target cannot even be looked at), or
 * 1 with *found set to the mount ID found there instead (another mount covers it,
 * or it is gone), leaving that one alone. With both IDs 0, or O4J_UNMOUNT_EXPIRE
 * (looking would clear the mark), there is no check. */
int o4j_unmount_if(const char *target, unsigned long long mount_id, unsigned long long mount_uid, unsigned flags,
                   unsigned long long *found);

/* The never-reused ID (STATX_MNT_ID_UNIQUE) of the mount on top of path, 0 where the
 * kernel has none. Returns 0 or -errno. */
int o4j_mount_uid(const char *path, unsigned long long *uid);

/* A directory as the kernel resolves it: canonical path, identity, and the magic
 * number of the filesystem it is on (statfs f_type; 0 when unknown). */
struct o4j_dir {
    char path[4096];
    struct o4j_id id;
    unsigned long long fs_type;
};

/* Opens path as a directory (symbolic links followed) and describes it. The
 * canonical path must lead back to the same directory when opened with no
 * symbolic link followed: -EXDEV when it does not (a directory reached through
 * another mount namespace, /proc/PID/root/..., or one covered by a mount since).
 * Returns 0 or -errno (ENOENT, ENOTDIR, EACCES, ELOOP ... from open). */
int o4j_resolve_dir(const char *path, struct o4j_dir *out);

/* The best strategy this kernel supports, found without mounting anything. */
enum o4j_strategy o4j_probe_strategy(void);

/* Writes the mount(2) option string ("lowerdir=a:b::data,upperdir=u,workdir=w,opt...")
 * with '\\', ',' and ':' escaped in paths. Returns its length (excluding the NUL)
 * even when cap is too small, like snprintf. */
size_t o4j_format_options(const struct o4j_overlay *ov, char *buf, size_t cap);

/* "EBUSY" for EBUSY; NULL for a number the table does not know. */
const char *o4j_errno_name(int errnum);

/* The number for a name such as "EBUSY"; 0 for a name the table does not know. */
int o4j_errno_value(const char *name);

/* strerror text for errnum into buf (XSI strerror_r semantics on glibc and musl).
 * Always NUL-terminates; returns buf. */
char *o4j_strerror(int errnum, char *buf, size_t cap);

/*
 * The description format between Java and C, in both directions: a sequence of
 * entries, each a tag byte, a 4-byte big-endian payload length and the payload.
 * No byte of a payload can start another entry, and no payload may hold a NUL.
 *   'L' lowerdir, 'D' data-only lowerdir (after every 'L'), 'U' upperdir,
 *   'W' workdir: in a spec, the directory's o4j_id (dev, ino, mount_id as
 *   8-byte big-endian numbers) followed by its path; from mountinfo, the path.
 *   'O' an option's key; 'V' its value, right after its 'O' (none for a flag).
 *   'S' the source (at most one; in a spec, absent for "overlay").
 *   From mountinfo only: 'I' mount ID (decimal), 'T' mount point, 'M' per-mount
 *   options ("rw,nosuid,relatime"), 'R' the super options as the kernel shows them
 *   (octal escapes undone, overlay's backslash escapes kept).
 */
#define O4J_ENTRY_HEADER 5
#define O4J_ID_BYTES 24
/* The tags, shared with Java's EntryTag (the shim checks them against each other when it compiles). */
#define O4J_TAG_LOWERDIR 'L'
#define O4J_TAG_DATADIR 'D'
#define O4J_TAG_UPPERDIR 'U'
#define O4J_TAG_WORKDIR 'W'
#define O4J_TAG_OPTION 'O'
#define O4J_TAG_VALUE 'V'
#define O4J_TAG_SOURCE 'S'
#define O4J_TAG_MOUNT_ID 'I'
#define O4J_TAG_TARGET 'T'
#define O4J_TAG_MOUNT_OPTIONS 'M'
#define O4J_TAG_SUPER_OPTIONS 'R'

/* Checks a spec (framing, tags, order, no NUL, one upper, work and source at most) and
 * counts its layers ('L' and 'D') and options. Returns 0 or -EINVAL. */
int o4j_spec_count(const void *blob, size_t len, size_t *nlayers, size_t *noptions);

/* Decodes a checked spec into ov. strings receives the NUL-terminated strings
 * (it needs len bytes); lowers and ids hold nlayers entries, opts noptions. */
int o4j_spec_decode(const void *blob, size_t len, char *strings, const char **lowers, struct o4j_id *ids,
                    struct o4j_option *opts, struct o4j_id *upper_id, struct o4j_id *work_id,
                    struct o4j_overlay *ov);

/*
 * Decodes one line of /proc/self/mountinfo describing an overlay into entries
 * of the format above ('I', 'T', 'M', 'S', 'R', then the layers in priority order and
 * the options), with the kernel's octal escapes and overlay's backslash escapes
 * undone. Writes at most cap bytes to out; returns the length needed, 0 when
 * the line is not an overlay mount, or -EINVAL when malformed.
 */
long o4j_decode_mountinfo(const char *line, char *out, size_t cap);

/*
 * The never-reused IDs (statx STATX_MNT_ID_UNIQUE) of the mounts this process can reach in
 * its mount namespace, ascending, starting after `after` (0: from the first): listmount(2),
 * Linux 6.8+. Writes at most n; returns how many, or -errno (-ENOSYS before 6.8, -EPERM
 * where the kernel asks for CAP_SYS_ADMIN).
 */
long o4j_list_mounts(unsigned long long after, unsigned long long *ids, size_t n);

/*
 * The layers and options of the overlay mount with this never-reused ID, by statmount(2)
 * (Linux 6.10+ tells the options): entries 'L', 'D', 'U', 'W', 'O', 'V' as decoded from
 * mountinfo. Writes at most cap bytes; returns the length needed, 0 when the mount is not an
 * overlay, or -errno: -ENOENT when it is gone, -EOPNOTSUPP when the kernel does not tell a
 * mount's options, -ENOSYS before Linux 6.8.
 */
long o4j_stat_overlay(unsigned long long mount_uid, char *out, size_t cap);

/*
 * Reading layers, for the change set of an upper directory. An entry is described in the
 * entry format above: 'N' its name; 'S' its lstat facts, O4J_STAT_FIELDS 8-byte big-endian
 * numbers (mode, uid, gid, size, nlink, ino, dev, rdev major, rdev minor, mtime seconds,
 * mtime nanoseconds); 'K' a symbolic link's target; then each extended attribute as 'X' its
 * name and 'V' its value (a value may hold NUL bytes). Nothing follows symbolic links.
 */
#define O4J_STAT_FIELDS 11

/* A growing buffer of entries; o4j_blob_free releases it. On failure, op names the call
 * that failed and path (NUL-terminated) what it was given. */
struct o4j_blob {
    char *data;
    size_t len, cap;
    const char *op;
    char path[4096];
};

void o4j_blob_free(struct o4j_blob *b);

/* Describes every entry of directory dir ("." and ".." left out) into b, in readdir order.
 * An entry removed while it is read is left out. Returns 0 or -errno (b->op and b->path say
 * which call, on which path, failed: EACCES on an unreadable entry, ENOTDIR, ENOENT ...). */
int o4j_read_dir(const char *dir, struct o4j_blob *b);

/* Describes the one entry path names (its 'N' is the empty name) into b. Returns 0, 1 when
 * there is nothing there (ENOENT, or ENOTDIR on the way), or -errno as o4j_read_dir. */
int o4j_describe(const char *path, struct o4j_blob *b);

#ifdef __cplusplus
}
#endif
#endif
