/* The mount table by listmount(2) and statmount(2): which overlays exist and which
 * directories they use, without formatting every mount's line as /proc/self/mountinfo does. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "o4j_sys.h"
#include "overlay4j.h"

/* The same numbers on every architecture (the unified table since Linux 5.1). */
#ifndef SYS_statmount
#define SYS_statmount 457
#endif
#ifndef SYS_listmount
#define SYS_listmount 458
#endif
#define O4J_LSMT_ROOT 0xffffffffffffffffull
#define O4J_STATMOUNT_SB_BASIC 0x1ull
#define O4J_STATMOUNT_MNT_OPTS 0x80ull
#define O4J_OVERLAYFS_SUPER_MAGIC 0x794c7630ull

/* The first version of struct mnt_id_req (Linux 6.8), which every later kernel accepts. */
struct o4j_mnt_id_req {
    uint32_t size;
    uint32_t spare;
    uint64_t mnt_id;
    uint64_t param;
};

/* struct statmount of <linux/mount.h> (not in older C libraries' headers); strings follow. */
struct o4j_statmount {
    uint32_t size;
    uint32_t mnt_opts;
    uint64_t mask;
    uint32_t sb_dev_major;
    uint32_t sb_dev_minor;
    uint64_t sb_magic;
    uint32_t sb_flags;
    uint32_t fs_type;
    uint64_t mnt_id;
    uint64_t mnt_parent_id;
    uint32_t mnt_id_old;
    uint32_t mnt_parent_id_old;
    uint64_t mnt_attr;
    uint64_t mnt_propagation;
    uint64_t mnt_peer_group;
    uint64_t mnt_master;
    uint64_t propagate_from;
    uint32_t mnt_root;
    uint32_t mnt_point;
    uint64_t mnt_ns_id;
    uint64_t spare2[49];
    char str[];
};
_Static_assert(sizeof(struct o4j_statmount) == 512, "struct statmount is 512 bytes before its strings");

long o4j_list_mounts(unsigned long long after, unsigned long long *ids, size_t n)
{
    struct o4j_mnt_id_req req = {sizeof req, 0, O4J_LSMT_ROOT, after};
    long got = syscall(SYS_listmount, &req, ids, n, 0);

    return got < 0 ? -errno : got;
}

long o4j_stat_overlay(unsigned long long mount_uid, char *out, size_t cap)
{
    struct o4j_mnt_id_req req = {sizeof req, 0, mount_uid, O4J_STATMOUNT_SB_BASIC | O4J_STATMOUNT_MNT_OPTS};
    size_t size = 4096;
    struct o4j_statmount *sm;
    long rc;

    /* The options of a deep stack run to tens of kilobytes: grow until they fit. */
    for (;;) {
        if (!(sm = malloc(size)))
            return -ENOMEM;
        if (syscall(SYS_statmount, &req, sm, size, 0) == 0)
            break;
        rc = -errno;
        free(sm);
        if (rc != -EOVERFLOW || size >= (64u << 20))
            return rc;
        size *= 4;
    }
    if (!(sm->mask & O4J_STATMOUNT_SB_BASIC))
        rc = -EOPNOTSUPP;
    else if (sm->sb_magic != O4J_OVERLAYFS_SUPER_MAGIC)
        rc = 0;
    else if (!(sm->mask & O4J_STATMOUNT_MNT_OPTS))
        rc = -EOPNOTSUPP;
    else
        rc = o4j_decode_super_options(sm->str + sm->mnt_opts, strlen(sm->str + sm->mnt_opts), out, cap);
    free(sm);
    return rc;
}
