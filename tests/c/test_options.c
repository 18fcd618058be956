#include <errno.h>

#include "check.h"
#include "overlay4j.h"

static void formats_plain_overlay(void)
{
    const char *lowers[] = {"/l1", "/l2"};
    struct o4j_option opts[] = {{"index", "off"}, {"userxattr", NULL}};
    struct o4j_overlay ov = {lowers, 2, "/up", "/wk", opts, 2, 0};
    char buf[256];

    CHECK(o4j_format_options(&ov, buf, sizeof buf) == strlen(buf));
    CHECK_STR(buf, "lowerdir=/l1:/l2,upperdir=/up,workdir=/wk,index=off,userxattr");
}

static void escapes_separators_in_paths(void)
{
    const char *lowers[] = {"/a,upperdir=/x", "/b:c", "/d\\e"};
    struct o4j_overlay ov = {lowers, 3, "/u p,", "/w:", NULL, 0, 0};
    char buf[256];

    o4j_format_options(&ov, buf, sizeof buf);
    CHECK_STR(buf, "lowerdir=/a\\,upperdir=/x:/b\\:c:/d\\\\e,upperdir=/u p\\,,workdir=/w\\:");
}

static void counts_like_snprintf(void)
{
    const char *lowers[] = {"/lower1", "/lower2"};
    struct o4j_overlay ov = {lowers, 2, NULL, NULL, NULL, 0, 0};
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

int main(void)
{
    formats_plain_overlay();
    escapes_separators_in_paths();
    counts_like_snprintf();
    decodes_serialized_spec();
    rejects_malformed_spec();
    CHECK_DONE();
}
