/* o4j_read_dir and o4j_describe on a real directory: names as bytes, lstat facts, link
 * targets, extended attributes, and the errors of unreadable or missing paths. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check.h"
#include "overlay4j.h"

static unsigned long long field(const unsigned char *p, int i)
{
    unsigned long long v = 0;

    for (int k = 0; k < 8; k++)
        v = v << 8 | p[8 * i + k];
    return v;
}

/* Finds the entry named name in b; returns its offset or -1. */
static long find(const struct o4j_blob *b, const char *name)
{
    const unsigned char *d = (const unsigned char *)b->data;

    for (size_t at = 0; at < b->len;) {
        size_t n = (size_t)d[at + 1] << 24 | (size_t)d[at + 2] << 16 | (size_t)d[at + 3] << 8 | d[at + 4];

        if (d[at] == 'N' && n == strlen(name) && memcmp(d + at + 5, name, n) == 0)
            return (long)at;
        at += O4J_ENTRY_HEADER + n;
    }
    return -1;
}

/* The payload of the first entry tagged tag after the 'N' at `at`, before the next 'N'. */
static const unsigned char *after(const struct o4j_blob *b, long at, char tag, size_t *len)
{
    const unsigned char *d = (const unsigned char *)b->data;
    size_t i = (size_t)at;

    for (int first = 1; i < b->len; first = 0) {
        size_t n = (size_t)d[i + 1] << 24 | (size_t)d[i + 2] << 16 | (size_t)d[i + 3] << 8 | d[i + 4];

        if (!first && d[i] == 'N')
            break;
        if (d[i] == tag) {
            *len = n;
            return d + i + O4J_ENTRY_HEADER;
        }
        i += O4J_ENTRY_HEADER + n;
    }
    return NULL;
}

int main(void)
{
    char dir[] = "/tmp/o4j-scan-XXXXXX", path[512];
    struct o4j_blob b = {0};
    const unsigned char *p;
    size_t n;
    long at;
    int fd, rc;

    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/f\xff", dir);
    fd = open(path, O_CREAT | O_WRONLY, 0640);
    CHECK(fd >= 0 && write(fd, "abc", 3) == 3);
    close(fd);
    int xattrs = setxattr(path, "user.foo", "v\0w", 3, 0) == 0; /* tmpfs before 6.6 has no user.* */
    snprintf(path, sizeof path, "%s/link", dir);
    CHECK(symlink("target/with space", path) == 0);
    snprintf(path, sizeof path, "%s/sub", dir);
    CHECK(mkdir(path, 0700) == 0);

    CHECK(o4j_read_dir(dir, &b) == 0);
    CHECK((at = find(&b, "f\xff")) >= 0);
    CHECK((p = after(&b, at, 'S', &n)) != NULL && n == O4J_STAT_FIELDS * 8);
    if (p) {
        CHECK((field(p, 0) & 07777) == 0640 && S_ISREG(field(p, 0)));
        CHECK(field(p, 3) == 3 && field(p, 4) == 1);
    }
    if (xattrs) {
        CHECK((p = after(&b, at, 'X', &n)) != NULL && n == 8 && memcmp(p, "user.foo", 8) == 0);
        CHECK((p = after(&b, at, 'V', &n)) != NULL && n == 3 && memcmp(p, "v\0w", 3) == 0);
    }
    CHECK((at = find(&b, "link")) >= 0);
    CHECK((p = after(&b, at, 'K', &n)) != NULL && n == 17 && memcmp(p, "target/with space", 17) == 0);
    CHECK(find(&b, "sub") >= 0 && find(&b, ".") < 0 && find(&b, "..") < 0);
    o4j_blob_free(&b);

    snprintf(path, sizeof path, "%s/missing/x", dir);
    CHECK(o4j_describe(path, &b) == 1 && b.len == 0);
    snprintf(path, sizeof path, "%s/f\xff/x", dir);
    CHECK(o4j_describe(path, &b) == 1);
    snprintf(path, sizeof path, "%s/sub", dir);
    CHECK(o4j_describe(path, &b) == 0 && find(&b, "") == 0);
    o4j_blob_free(&b);
    CHECK(o4j_read_dir(path + 0, &b) == 0 && b.len == 0);
    snprintf(path, sizeof path, "%s/link", dir);
    rc = o4j_read_dir(path, &b);
    CHECK((rc == -ELOOP || rc == -ENOTDIR) && strcmp(b.op, "open") == 0 && strcmp(b.path, path) == 0);
    o4j_blob_free(&b);

    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    CHECK(system(path) == 0);
    CHECK_DONE();
}
