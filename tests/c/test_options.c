#include <errno.h>

#include <stdlib.h>

#include "check.h"
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

/* ---- the kernel's side, simulated: how it splits what we write, how it prints it ---- */

/* seq_escape(): chars of set printed as \ooo. */
static size_t seq_escape(char *out, const char *s, size_t n, const char *set)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (strchr(set, c) && c)
            o += (size_t)sprintf(out + o, "\\%03o", c);
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
    return o;
}

/* ovl_next_opt(): the option boundaries the kernel sees in a mount(2) string. */
static int kernel_split(char *str, char **opts, int max)
{
    int n = 0;
    char *p = str, *begin = str;

    for (;; p++) {
        if (*p == '\\' && p[1]) {
            p++;
        } else if (*p == ',' || !*p) {
            int end = !*p;

            *p = '\0';
            if (n < max)
                opts[n++] = begin;
            if (end)
                break;
            begin = p + 1;
        }
    }
    return n;
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

/* Entries of a decoded blob, in order, as "Tvalue" strings. */
static int entries(const char *blob, size_t len, const char **out, int max)
{
    int n = 0;

    for (size_t i = 0; i < len && n < max; i += strlen(blob + i) + 1)
        out[n++] = blob + i;
    return n;
}

static void check_decoded(const char *line, const char *target, const struct o4j_overlay *ov, int legacy)
{
    static char blob[1 << 16];
    const char *e[32], *layers[32], *upper = NULL, *work = NULL;
    long len = o4j_decode_mountinfo(line, blob, sizeof blob);
    int n, nl = 0, index = 0;
    size_t nlayers = ov->nlower + ov->ndata;

    CHECK(len > 0);
    n = entries(blob, (size_t)len, e, 32);
    CHECK(n >= 2);
    CHECK_STR(e[0], "I41");
    CHECK(e[1][0] == 'T' && strcmp(e[1] + 1, target) == 0);
    for (int i = 2; i < n; i++) {
        switch (e[i][0]) {
        case 'L': case 'D': layers[nl++] = e[i]; break;
        case 'U': upper = e[i] + 1; break;
        case 'W': work = e[i] + 1; break;
        case 'O': index |= strcmp(e[i], "Oindex=off") == 0; break;
        case 'M': CHECK(strncmp(e[i], "Mrw,relatime", 12) == 0); break;
        }
    }
    CHECK(nl == (int)nlayers);
    for (int i = 0; i < nl && i < (int)nlayers; i++) {
        CHECK(layers[i][0] == ((size_t)i < ov->nlower ? 'L' : 'D'));
        if (strcmp(layers[i] + 1, ov->lowerdirs[i]) != 0) {
            fprintf(stderr, "%s: layer %d differs\n", legacy ? "legacy" : "new API", i);
            check_failures++;
        }
    }
    CHECK((upper == NULL) == (ov->upperdir == NULL));
    if (ov->upperdir && upper && work) {
        CHECK_STR(upper, ov->upperdir);
        CHECK_STR(work, ov->workdir);
    }
    CHECK(index);
}

/* decode(display(encode(x))) == x over random byte strings, for both the legacy
 * option string and the new API's per-layer options; and no path ever adds an
 * option of its own when the kernel splits the string. */
static void mountinfo_round_trip_property(void)
{
    static char paths[9][64], target[64], opts[1 << 14], line[1 << 16];
    const char *layers[6];
    struct o4j_option index = {"index", "off"};

    srand(4242);
    for (int iter = 0; iter < 3000; iter++) {
        struct o4j_overlay ov = {layers, 0, NULL, NULL, &index, 1, 0, 0};
        char *split[64];
        size_t o = 0, nlayers;
        int nsplit;

        ov.nlower = 1 + (size_t)rand() % 4;
        ov.ndata = (size_t)rand() % 3;
        nlayers = ov.nlower + ov.ndata;
        for (size_t i = 0; i < nlayers; i++) {
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

        /* Legacy: the kernel splits our string, then prints each option escaped. */
        o4j_format_options(&ov, opts, sizeof opts);
        nsplit = kernel_split(opts, split, 64);
        CHECK(nsplit == (ov.upperdir ? 4 : 2)); /* lowerdir, [upperdir, workdir,] index */
        CHECK(strncmp(split[0], "lowerdir=", 9) == 0);
        if (ov.upperdir) {
            CHECK(strncmp(split[1], "upperdir=", 9) == 0);
            CHECK(strncmp(split[2], "workdir=", 8) == 0);
        }
        o = (size_t)sprintf(line, "41 29 0:50 / ");
        o += seq_escape(line + o, target, strlen(target), " \t\n\\");
        o += (size_t)sprintf(line + o, " rw,relatime shared:1 - overlay overlay rw");
        for (int i = 0; i < nsplit; i++) {
            char *eq = strchr(split[i], '=');

            line[o++] = ',';
            memcpy(line + o, split[i], (size_t)(eq - split[i] + 1));
            o += (size_t)(eq - split[i] + 1);
            o += seq_escape(line + o, eq + 1, strlen(eq + 1), ", \t\n\\");
        }
        line[o] = '\0';
        check_decoded(line, target, &ov, 1);

        /* New API: one option per layer, raw names, printed escaped. */
        o = (size_t)sprintf(line, "41 29 0:50 / ");
        o += seq_escape(line + o, target, strlen(target), " \t\n\\");
        o += (size_t)sprintf(line + o, " rw,relatime - overlay overlay rw");
        for (size_t i = 0; i < nlayers; i++) {
            o += (size_t)sprintf(line + o, i < ov.nlower ? ",lowerdir+=" : ",datadir+=");
            o += seq_escape(line + o, layers[i], strlen(layers[i]), ", \t\n\\");
        }
        if (ov.upperdir) {
            o += (size_t)sprintf(line + o, ",upperdir=");
            o += seq_escape(line + o, ov.upperdir, strlen(ov.upperdir), ", \t\n\\");
            o += (size_t)sprintf(line + o, ",workdir=");
            o += seq_escape(line + o, ov.workdir, strlen(ov.workdir), ", \t\n\\");
        }
        o += (size_t)sprintf(line + o, ",index=off,uuid=on\n");
        check_decoded(line, target, &ov, 0);
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
