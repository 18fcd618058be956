#include <errno.h>

#include <stdlib.h>

#include "check.h"
#include "kernel_sim.h"
#include "overlay4j.h"

static void formats_plain_overlay(void)
{
    const char *lowers[] = {"/l1", "/l2"};
    struct o4j_option opts[] = {{"index", "off"}, {"userxattr", NULL}};
    struct o4j_overlay ov = {lowers, 2, "/up", "/wk", opts, 2, 0, 0, NULL, NULL, NULL, NULL};
    char buf[256];

    CHECK(o4j_format_options(&ov, buf, sizeof buf) == strlen(buf));
    CHECK_STR(buf, "lowerdir=/l1:/l2,upperdir=/up,workdir=/wk,index=off,userxattr");
}

static void escapes_separators_in_paths(void)
{
    const char *lowers[] = {"/a,upperdir=/x", "/b:c", "/d\\e", "/q\"f"};
    struct o4j_overlay ov = {lowers, 4, "/u p,", "/w:", NULL, 0, 0, 0, NULL, NULL, NULL, NULL};
    char buf[256];

    o4j_format_options(&ov, buf, sizeof buf);
    CHECK_STR(buf, "lowerdir=/a\\,upperdir=/x:/b\\:c:/d\\\\e:/q\\\"f,upperdir=/u p\\,,workdir=/w\\:");
}

static void counts_like_snprintf(void)
{
    const char *lowers[] = {"/lower1", "/lower2"};
    struct o4j_overlay ov = {lowers, 2, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL};
    char small[8];

    CHECK(o4j_format_options(&ov, NULL, 0) == strlen("lowerdir=/lower1:/lower2"));
    CHECK(o4j_format_options(&ov, small, sizeof small) == strlen("lowerdir=/lower1:/lower2"));
    CHECK_STR(small, "lowerdi");
}

/* Builds a spec as the Java side does: tag, 4-byte big-endian length, payload;
 * directories carry their identity (here dev 1, ino = their index, mount 9) first. */
struct spec_buf {
    unsigned char b[512];
    size_t len;
};

static void spec_put(struct spec_buf *s, char tag, const char *v, size_t n)
{
    int dir = strchr("LDUW", tag) != NULL;
    size_t total = n + (dir ? O4J_ID_BYTES : 0);

    s->b[s->len++] = (unsigned char)tag;
    for (int k = 3; k >= 0; k--)
        s->b[s->len++] = (unsigned char)(total >> (8 * k));
    if (dir) {
        unsigned long long id[3] = {1, s->len, 9};

        for (int i = 0; i < 3; i++)
            for (int k = 7; k >= 0; k--)
                s->b[s->len++] = (unsigned char)(id[i] >> (8 * k));
    }
    memcpy(s->b + s->len, v, n);
    s->len += n;
}

static void spec_str(struct spec_buf *s, char tag, const char *v)
{
    spec_put(s, tag, v, strlen(v));
}

static void decodes_serialized_spec(void)
{
    struct spec_buf s = {{0}, 0};
    const char *lowers[2];
    struct o4j_id ids[2], up, wk;
    struct o4j_option opts[3];
    struct o4j_overlay ov;
    char strings[512];
    size_t nl, no;

    spec_str(&s, 'L', "/l1");
    spec_str(&s, 'L', "/l,2\nL/evil"); /* any byte but NUL is a path byte, never a separator */
    spec_str(&s, 'U', "/up");
    spec_str(&s, 'W', "/wk");
    spec_str(&s, 'O', "index");
    spec_str(&s, 'V', "off");
    spec_str(&s, 'O', "userxattr");
    spec_str(&s, 'O', "uuid");
    spec_str(&s, 'V', "a=b,c");
    spec_str(&s, 'S', "my layers");
    CHECK(o4j_spec_count(s.b, s.len, &nl, &no) == 0);
    CHECK(nl == 2 && no == 3);
    CHECK(o4j_spec_decode(s.b, s.len, strings, lowers, ids, opts, &up, &wk, &ov) == 0);
    CHECK(ov.nlower == 2 && ov.noptions == 3);
    CHECK_STR(ov.lowerdirs[0], "/l1");
    CHECK_STR(ov.lowerdirs[1], "/l,2\nL/evil");
    CHECK(ov.lower_ids == ids && ids[0].dev == 1 && ids[0].ino == 5 && ids[0].mount_id == 9);
    CHECK(ids[1].ino == 5 + 24 + 3 + 5);
    CHECK_STR(ov.upperdir, "/up");
    CHECK(ov.upper_id == &up && ov.work_id == &wk && wk.dev == 1);
    CHECK_STR(ov.workdir, "/wk");
    CHECK_STR(opts[0].key, "index");
    CHECK_STR(opts[0].value, "off");
    CHECK_STR(opts[1].key, "userxattr");
    CHECK(opts[1].value == NULL);
    CHECK_STR(opts[2].key, "uuid");
    CHECK_STR(opts[2].value, "a=b,c");
    CHECK_STR(ov.source, "my layers");
}

/* Whatever the bytes, nothing but a well-framed spec without NULs decodes. */
static void rejects_malformed_spec(void)
{
    struct spec_buf s = {{0}, 0};
    size_t nl, no;

    CHECK(o4j_spec_count("", 0, &nl, &no) == -EINVAL);
    spec_str(&s, 'X', "/x");
    CHECK(o4j_spec_count(s.b, s.len, &nl, &no) == -EINVAL); /* unknown tag */
    s.len = 0;
    spec_str(&s, 'L', "/x");
    CHECK(o4j_spec_count(s.b, s.len - 1, &nl, &no) == -EINVAL); /* cut short */
    CHECK(o4j_spec_count(s.b, 3, &nl, &no) == -EINVAL);         /* cut in the header */
    s.len = 0;
    spec_put(&s, 'L', "/x\0L/y", 6);
    CHECK(o4j_spec_count(s.b, s.len, &nl, &no) == -EINVAL); /* NUL in a path */
    s.len = 0;
    spec_str(&s, 'L', "/x");
    spec_put(&s, 'O', "index\0L/y", 9);
    CHECK(o4j_spec_count(s.b, s.len, &nl, &no) == -EINVAL); /* NUL in a key */
    s.len = 0;
    spec_str(&s, 'L', "/x");
    spec_str(&s, 'O', "index");
    spec_put(&s, 'V', "on\0U/u", 6);
    CHECK(o4j_spec_count(s.b, s.len, &nl, &no) == -EINVAL); /* NUL in a value */
    s.len = 0;
    spec_str(&s, 'L', "/x");
    spec_str(&s, 'V', "on");
    CHECK(o4j_spec_count(s.b, s.len, &nl, &no) == -EINVAL); /* a value with no key */
    s.len = 0;
    spec_str(&s, 'L', "/x");
    spec_str(&s, 'U', "/a");
    spec_str(&s, 'U', "/b");
    CHECK(o4j_spec_count(s.b, s.len, &nl, &no) == -EINVAL); /* two upperdirs */
    s.len = 0;
    spec_str(&s, 'L', "/x");
    spec_str(&s, 'S', "a");
    spec_str(&s, 'S', "b");
    CHECK(o4j_spec_count(s.b, s.len, &nl, &no) == -EINVAL); /* two sources */
    s.len = 0;
    spec_str(&s, 'L', "/x");
    spec_str(&s, 'S', "");
    CHECK(o4j_spec_count(s.b, s.len, &nl, &no) == -EINVAL); /* an empty source */
    s.len = 0;
    spec_str(&s, 'L', "");
    CHECK(o4j_spec_count(s.b, s.len, &nl, &no) == -EINVAL); /* an empty path */
    s.len = 0;
    spec_str(&s, 'L', "/x");
    s.b[1] = 0x80; /* a length past the end, and past 2 GiB */
    CHECK(o4j_spec_count(s.b, s.len, &nl, &no) == -EINVAL);
}

static void formats_data_only_layers(void)
{
    const char *layers[] = {"/l1", "/l2", "/d1", "/d2"};
    struct o4j_overlay ov = {layers, 2, NULL, NULL, NULL, 0, 0, 2, NULL, NULL, NULL, NULL};
    struct spec_buf s = {{0}, 0}, bad = {{0}, 0};
    char buf[128], strings[128];
    const char *lowers[3];
    struct o4j_id ids[3], up, wk;
    struct o4j_overlay dec;
    size_t nl, no;

    o4j_format_options(&ov, buf, sizeof buf);
    CHECK_STR(buf, "lowerdir=/l1:/l2::/d1::/d2");
    spec_str(&s, 'L', "/l1");
    spec_str(&s, 'D', "/d1");
    spec_str(&s, 'D', "/d2");
    CHECK(o4j_spec_decode(s.b, s.len, strings, lowers, ids, NULL, &up, &wk, &dec) == 0);
    CHECK(dec.nlower == 1 && dec.ndata == 2);
    CHECK_STR(dec.lowerdirs[2], "/d2");
    spec_str(&bad, 'D', "/d1");
    spec_str(&bad, 'L', "/l1");
    CHECK(o4j_spec_count(bad.b, bad.len, &nl, &no) == -EINVAL);
}

static void random_path(char *out, size_t max)
{
    size_t n = 1 + (size_t)rand() % (max - 1);

    for (size_t i = 0; i < n; i++) {
        /* Mostly the bytes that matter, sometimes anything but NUL. */
        static const char special[] = ",:\\=\" \t\n-/\xc3\xbc";
        out[i] = rand() % 2 ? special[rand() % (sizeof special - 1)] : (char)(1 + rand() % 255);
    }
    out[n] = '\0';
}

/* kernel_sim.h's round trip over random byte strings (tests/fuzz does it over fuzzed ones). */
static void mountinfo_round_trip_property(void)
{
    static char paths[9][64], target[64], source[64];
    const char *layers[6];
    struct o4j_option index = {"index", "off"};

    srand(4242);
    for (int iter = 0; iter < 3000; iter++) {
        struct o4j_overlay ov = {layers, 0, NULL, NULL, &index, 1, 0, 0, NULL, NULL, NULL, NULL};
        const char *why;

        ov.nlower = 1 + (size_t)rand() % 4;
        ov.ndata = (size_t)rand() % 3;
        for (size_t i = 0; i < ov.nlower + ov.ndata; i++) {
            random_path(paths[i], sizeof paths[i]);
            layers[i] = paths[i];
        }
        if (rand() % 2) {
            random_path(paths[7], sizeof paths[7]);
            random_path(paths[8], sizeof paths[8]);
            ov.upperdir = paths[7];
            ov.workdir = paths[8];
        }
        random_path(target, sizeof target);
        if (rand() % 2) {
            random_path(source, sizeof source);
            ov.source = source;
        }
        if ((why = sim_round_trip(&ov, target)) != NULL) {
            fprintf(stderr, "iteration %d: %s\n", iter, why);
            check_failures++;
        }
    }
}

/* The raw super options come back whole, octal escapes undone, for mount(8)'s listing. */
static void keeps_the_raw_super_options(void)
{
    char out[512];
    long n = o4j_decode_mountinfo("41 29 0:50 / /m rw,relatime - overlay my\\040src "
                                  "rw,lowerdir=/a\\040b:/c\\134:d,upperdir=/u,workdir=/w", out, sizeof out);
    const char *want = "rw,lowerdir=/a b:/c\\:d,upperdir=/u,workdir=/w";
    int found = 0;

    for (long at = 0; n > 0 && at + O4J_ENTRY_HEADER <= n;) {
        size_t len = (size_t)(unsigned char)out[at + 3] << 8 | (unsigned char)out[at + 4];

        if (out[at] == 'R')
            found = len == strlen(want) && memcmp(out + at + O4J_ENTRY_HEADER, want, len) == 0;
        if (out[at] == 'S')
            CHECK(len == 6 && memcmp(out + at + O4J_ENTRY_HEADER, "my src", 6) == 0);
        at += O4J_ENTRY_HEADER + (long)len;
    }
    CHECK(found);
}

static void ignores_other_filesystems(void)
{
    char out[64];

    CHECK(o4j_decode_mountinfo("22 1 0:21 / /proc rw,nosuid - proc proc rw", out, sizeof out) == 0);
    CHECK(o4j_decode_mountinfo("garbage", out, sizeof out) == -EINVAL);
}

/* The format's numbers are big-endian on every host, byte for byte: written out here, not through any
 * helper, with every byte of an identity distinct and a length past 255, so that a number read or written
 * in the host's order (or cut short) fails on x86-64 and on s390x alike (ctest runs this there too). */
static void numbers_are_big_endian_on_every_host(void)
{
    static unsigned char spec[O4J_ENTRY_HEADER + O4J_ID_BYTES + 300];
    static char path[301], line[512], out[1024];
    const char *lowers[1];
    struct o4j_id ids[1], up, wk;
    struct o4j_overlay ov;
    char strings[sizeof spec];
    size_t nl, no;
    long n;

    memset(path, 'p', 300);
    path[0] = '/';
    spec[0] = 'L';
    spec[3] = 0x01; /* 24 + 300 = 0x0144 */
    spec[4] = 0x44;
    for (int i = 0; i < O4J_ID_BYTES; i++)
        spec[O4J_ENTRY_HEADER + i] = (unsigned char)(0x11 + i);
    memcpy(spec + O4J_ENTRY_HEADER + O4J_ID_BYTES, path, 300);
    CHECK(o4j_spec_count(spec, sizeof spec, &nl, &no) == 0 && nl == 1);
    CHECK(o4j_spec_decode(spec, sizeof spec, strings, lowers, ids, NULL, &up, &wk, &ov) == 0);
    CHECK(ids[0].dev == 0x1112131415161718ULL && ids[0].ino == 0x191a1b1c1d1e1f20ULL &&
          ids[0].mount_id == 0x2122232425262728ULL);
    CHECK(ov.nlower == 1 && strlen(ov.lowerdirs[0]) == 300);

    /* Decoded mountinfo: the first entries' headers as bytes, the target's length past 255. */
    snprintf(line, sizeof line, "41 29 0:50 / %s rw - overlay overlay rw,lowerdir=/l", path);
    n = o4j_decode_mountinfo(line, out, sizeof out);
    CHECK(n > 0 && memcmp(out, "I\0\0\0\002" "41" "T\0\0\001\054", 12) == 0);
}

int main(void)
{
    numbers_are_big_endian_on_every_host();
    formats_data_only_layers();
    mountinfo_round_trip_property();
    ignores_other_filesystems();
    keeps_the_raw_super_options();
    formats_plain_overlay();
    escapes_separators_in_paths();
    counts_like_snprintf();
    decodes_serialized_spec();
    rejects_malformed_spec();
    CHECK_DONE();
}
