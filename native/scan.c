/* Reading layers: every entry of a directory, or one entry, with its lstat facts, link
 * target and extended attributes, as entries for the Java side (see overlay4j.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "overlay4j.h"

void o4j_blob_free(struct o4j_blob *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static int fail(struct o4j_blob *b, int err, const char *op, const char *path)
{
    size_t n = strlen(path);

    b->op = op;
    if (n >= sizeof b->path)
        n = sizeof b->path - 1;
    memcpy(b->path, path, n);
    b->path[n] = '\0';
    return -err;
}

static int reserve(struct o4j_blob *b, size_t more)
{
    size_t cap = b->cap ? b->cap : 4096;
    char *data;

    if (b->len + more <= b->cap)
        return 0;
    while (cap < b->len + more)
        cap *= 2;
    if (!(data = realloc(b->data, cap)))
        return -ENOMEM;
    b->data = data;
    b->cap = cap;
    return 0;
}

static int put(struct o4j_blob *b, char tag, const void *payload, size_t n)
{
    unsigned char *h;

    if (n > UINT32_MAX || reserve(b, O4J_ENTRY_HEADER + n))
        return -ENOMEM;
    h = (unsigned char *)b->data + b->len;
    h[0] = (unsigned char)tag;
    h[1] = (unsigned char)(n >> 24);
    h[2] = (unsigned char)(n >> 16);
    h[3] = (unsigned char)(n >> 8);
    h[4] = (unsigned char)n;
    if (n)
        memcpy(h + O4J_ENTRY_HEADER, payload, n);
    b->len += O4J_ENTRY_HEADER + n;
    return 0;
}

static void be64(unsigned char *p, unsigned long long v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

/* The 'S' entry of st. */
static int put_stat(struct o4j_blob *b, const struct stat *st)
{
    unsigned long long v[O4J_STAT_FIELDS] = {
        st->st_mode, st->st_uid, st->st_gid, (unsigned long long)st->st_size, st->st_nlink, st->st_ino,
        st->st_dev, major(st->st_rdev), minor(st->st_rdev), (unsigned long long)st->st_mtim.tv_sec,
        (unsigned long long)st->st_mtim.tv_nsec};
    unsigned char raw[O4J_STAT_FIELDS * 8];

    for (int i = 0; i < O4J_STAT_FIELDS; i++)
        be64(raw + 8 * i, v[i]);
    return put(b, 'S', raw, sizeof raw);
}

/* Calls a size-probing xattr function until the buffer holds the whole answer: a list or a
 * value may grow between the probe and the read (ERANGE), so probe again then. */
static ssize_t grow_read(char **buf, size_t *cap, ssize_t (*probe)(const char *, const char *, void *, size_t),
                         const char *path, const char *name)
{
    if (!*buf) { /* with no buffer the call tells the size only */
        if (!(*buf = malloc(256))) {
            errno = ENOMEM;
            return -1;
        }
        *cap = 256;
    }
    for (;;) {
        ssize_t n = probe(path, name, *buf, *cap);
        char *bigger;

        if (n >= 0 || errno != ERANGE)
            return n;
        n = probe(path, name, NULL, 0);
        if (n < 0)
            return n;
        if (!(bigger = realloc(*buf, (size_t)n + 1))) {
            errno = ENOMEM;
            return -1;
        }
        *buf = bigger;
        *cap = (size_t)n + 1;
    }
}

static ssize_t list_names(const char *path, const char *unused, void *buf, size_t cap)
{
    (void)unused;
    return llistxattr(path, buf, cap);
}

static ssize_t get_value(const char *path, const char *name, void *buf, size_t cap)
{
    return lgetxattr(path, name, buf, cap);
}

/* The 'X'/'V' entries of path's extended attributes. */
static int put_xattrs(struct o4j_blob *b, const char *path)
{
    char *names = NULL, *value = NULL;
    size_t names_cap = 0, value_cap = 0;
    ssize_t n;
    int rc = 0;

    n = grow_read(&names, &names_cap, list_names, path, NULL);
    if (n < 0) {
        rc = errno == ENOTSUP ? 0 : fail(b, errno, "llistxattr", path);
        goto out;
    }
    for (char *name = names; name < names + n; name += strlen(name) + 1) {
        ssize_t v = grow_read(&value, &value_cap, get_value, path, name);

        if (v < 0 && errno == ENODATA)
            continue; /* removed since it was listed */
        if (v < 0) {
            rc = fail(b, errno, "lgetxattr", path);
            goto out;
        }
        if ((rc = put(b, 'X', name, strlen(name))) || (rc = put(b, 'V', value, (size_t)v)))
            goto out;
    }
out:
    free(names);
    free(value);
    return rc;
}

/* Describes the entry at path under name; 1 when it is not there. */
static int describe(struct o4j_blob *b, const char *path, const char *name)
{
    struct stat st;
    int rc;

    if (lstat(path, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? 1 : fail(b, errno, "lstat", path);
    if ((rc = put(b, 'N', name, strlen(name))) || (rc = put_stat(b, &st)))
        return rc;
    if (S_ISLNK(st.st_mode)) {
        char *target = malloc((size_t)st.st_size + 1);
        ssize_t n;

        if (!target)
            return -ENOMEM;
        n = readlink(path, target, (size_t)st.st_size + 1);
        rc = n < 0 ? fail(b, errno, "readlink", path) : put(b, 'K', target, (size_t)n);
        free(target);
        if (rc)
            return rc;
    }
    return put_xattrs(b, path);
}

int o4j_describe(const char *path, struct o4j_blob *b)
{
    size_t mark = b->len;
    int rc = describe(b, path, "");

    if (rc)
        b->len = mark;
    return rc;
}

int o4j_read_dir(const char *dir, struct o4j_blob *b)
{
    size_t dlen = strlen(dir), cap = dlen + 258;
    char *path = malloc(cap);
    DIR *d = NULL;
    struct dirent *e;
    int rc = 0, fd;

    if (!path)
        return -ENOMEM;
    /* No symbolic link followed, not even one swapped in for the directory since it was listed. */
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || !(d = fdopendir(fd))) {
        rc = fail(b, errno, "open", dir);
        if (fd >= 0)
            close(fd);
        free(path);
        return rc;
    }
    memcpy(path, dir, dlen);
    path[dlen] = '/';
    for (errno = 0; (e = readdir(d)) != NULL; errno = 0) {
        size_t mark = b->len, n = strlen(e->d_name);

        if (e->d_name[0] == '.' && (n == 1 || (n == 2 && e->d_name[1] == '.')))
            continue;
        if (dlen + 2 + n > cap) {
            char *longer = realloc(path, dlen + 2 + n);

            if (!longer) {
                rc = -ENOMEM;
                break;
            }
            path = longer;
            cap = dlen + 2 + n;
        }
        memcpy(path + dlen + 1, e->d_name, n + 1);
        rc = describe(b, path, e->d_name);
        if (rc == 1) { /* gone since readdir listed it */
            b->len = mark;
            rc = 0;
        } else if (rc) {
            break;
        }
    }
    if (!rc && errno)
        rc = fail(b, errno, "readdir", dir);
    closedir(d);
    free(path);
    return rc;
}
