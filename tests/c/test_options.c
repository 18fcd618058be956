#include <errno.h>

#include <stdlib.h>

#include "check.h"
#include "kernel_sim.h"
#include "overlay4j.h"

static void formats_plain_overlay(void)
{
    const char *lowers[] = {"/l1", "/l2"};
    struct o4j_option opts[] = {{"index", "off"}, {"userxattr", NULL}};
    struct o4j_overlay ov = {lowers, 2, "/up", "/wk", opts, 2, 0, 0};
    char buf[256];

    CHECK(o4j_format_options(&ov, buf, sizeof buf) == strlen(buf));
    CHECK_STR(buf, "lowerdir=/l1:/l2,upperdir=/up,workdir=/wk,index=off,userxattr");
}

static void escapes_separators_in_paths(void)
{
    const char *lowers[] = {"/a,upperdir=/x", "/b:c", "/d\\e"};
    struct o4j_overlay ov = {lowers, 3, "/u p,", "/w:", NULL, 0, 0, 0};
    char buf[256];

    o4j_format_options(&ov, buf, sizeof buf);
    CHECK_STR(buf, "lowerdir=/a\\,upperdir=/x:/b\\:c:/d\\\\e,upperdir=/u p\\,,workdir=/w\\:");
}

static void counts_like_snprintf(void)
{
    const char *lowers[] = {"/lower1", "/lower2"};
    struct o4j_overlay ov = {lowers, 2, NULL, NULL, NULL, 0, 0, 0};
    char small[8];

    CHECK(o4j_format_options(&ov, NULL, 0) == strlen("lowerdir=/lower1:/lower2"));
    CHECK(o4j_format_options(&ov, small, sizeof small) == strlen("lowerdir=/lower1:/lower2"));
    CHECK_STR(small, "lowerdi");
}

static void decodes_serialized_spec(void)
{
    char blob[] = "L/l1\0L/l,2\0U/up\0W/wk\0Oindex=off\0Ouserxattr\0Ouuid=a=b";
    const char *lowers[2];
    struct o4j_option opts[3];
    struct o4j_overlay ov;
    size_t nl, no;

    CHECK(o4j_spec_count(blob, sizeof blob, &nl, &no) == 0);
    CHECK(nl == 2 && no == 3);
    CHECK(o4j_spec_decode(blob, sizeof blob, lowers, opts, &ov) == 0);
    CHECK(ov.nlower == 2 && ov.noptions == 3);
    CHECK_STR(ov.lowerdirs[0], "/l1");
    CHECK_STR(ov.lowerdirs[1], "/l,2");
    CHECK_STR(ov.upperdir, "/up");
    CHECK_STR(ov.workdir, "/wk");
    CHECK_STR(opts[0].key, "index");
    CHECK_STR(opts[0].value, "off");
    CHECK_STR(opts[1].key, "userxattr");
    CHECK(opts[1].value == NULL);
    CHECK_STR(opts[2].key, "uuid");
    CHECK_STR(opts[2].value, "a=b");
}

static void rejects_malformed_spec(void)
{
    char unterminated[] = {'L', '/', 'x'};
    char bad_tag[] = "X/x";
    char two_uppers[] = "U/a\0U/b";
    size_t nl, no;

    CHECK(o4j_spec_count(unterminated, sizeof unterminated, &nl, &no) == -EINVAL);
    CHECK(o4j_spec_count(bad_tag, sizeof bad_tag, &nl, &no) == -EINVAL);
    CHECK(o4j_spec_count(two_uppers, sizeof two_uppers, &nl, &no) == -EINVAL);
    CHECK(o4j_spec_count("", 0, &nl, &no) == -EINVAL);
}

static void formats_data_only_layers(void)
{
    const char *layers[] = {"/l1", "/l2", "/d1", "/d2"};
    struct o4j_overlay ov = {layers, 2, NULL, NULL, NULL, 0, 0, 2};
    char buf[128];
    char blob[] = "L/l1\0D/d1\0D/d2";
    char bad[] = "D/d1\0L/l1";
    const char *lowers[3];
    struct o4j_overlay dec;
    size_t nl, no;

    o4j_format_options(&ov, buf, sizeof buf);
    CHECK_STR(buf, "lowerdir=/l1:/l2::/d1::/d2");
    CHECK(o4j_spec_decode(blob, sizeof blob, lowers, NULL, &dec) == 0);
    CHECK(dec.nlower == 1 && dec.ndata == 2);
    CHECK_STR(dec.lowerdirs[2], "/d2");
    CHECK(o4j_spec_count(bad, sizeof bad, &nl, &no) == -EINVAL);
}

static void random_path(char *out, size_t max)
{
    size_t n = 1 + (size_t)rand() % (max - 1);

    for (size_t i = 0; i < n; i++) {
        /* Mostly the bytes that matter, sometimes anything but NUL. */
        static const char special[] = ",:\\= \t\n-/\xc3\xbc";
        out[i] = rand() % 2 ? special[rand() % (sizeof special - 1)] : (char)(1 + rand() % 255);
    }
    out[n] = '\0';
}

/* kernel_sim.h's round trip over random byte strings (tests/fuzz does it over fuzzed ones). */
static void mountinfo_round_trip_property(void)
{
    static char paths[9][64], target[64];
    const char *layers[6];
    struct o4j_option index = {"index", "off"};

    srand(4242);
    for (int iter = 0; iter < 3000; iter++) {
        struct o4j_overlay ov = {layers, 0, NULL, NULL, &index, 1, 0, 0};
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
        if ((why = sim_round_trip(&ov, target)) != NULL) {
            fprintf(stderr, "iteration %d: %s\n", iter, why);
            check_failures++;
        }
    }
}

static void ignores_other_filesystems(void)
{
    char out[64];

    CHECK(o4j_decode_mountinfo("22 1 0:21 / /proc rw,nosuid - proc proc rw", out, sizeof out) == 0);
    CHECK(o4j_decode_mountinfo("garbage", out, sizeof out) == -EINVAL);
}

int main(void)
{
    formats_data_only_layers();
    mountinfo_round_trip_property();
    ignores_other_filesystems();
    formats_plain_overlay();
    escapes_separators_in_paths();
    counts_like_snprintf();
    decodes_serialized_spec();
    rejects_malformed_spec();
    CHECK_DONE();
}
