/*
 * The kernel's side of an overlay's options, simulated for test_options and the
 * fuzzers: how overlayfs splits and unescapes the mount(2) string we write
 * (fs/overlayfs/params.c), how it prints options back (seq_show_option), and
 * the round trip of both through o4j_format_options and o4j_decode_mountinfo.
 */
#ifndef O4J_KERNEL_SIM_H
#define O4J_KERNEL_SIM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overlay4j.h"

/* ovl_next_opt(): the next option, split on ',' not escaped by '\\'. */
static char *sim_next_opt(char **s)
{
    char *begin = *s, *p;

    if (!begin)
        return NULL;
    for (p = begin; *p; p++) {
        if (*p == '\\') {
            if (!*++p)
                break;
        } else if (*p == ',') {
            *p = '\0';
            *s = p + 1;
            return begin;
        }
    }
    *s = NULL;
    return begin;
}

/* ovl_parse_param_split_lowerdirs(): layers NUL-separated in place, one more
 * NUL before each data-only layer ("::"), escapes kept. Returns the number of
 * layers, or -1 where the kernel says EINVAL (":::", trailing ':'). */
static long sim_split_lowerdirs(char *str)
{
    long layers = 1, colons = 0;
    char *s, *d;

    for (s = d = str;; s++, d++) {
        if (*s == '\\') {
            *d++ = *s++;
        } else if (*s == ':') {
            int next_colon = s[1] == ':';

            if (++colons == 2 && next_colon)
                return -1;
            if (!next_colon)
                layers++;
            *d = '\0';
            continue;
        }
        *d = *s;
        if (!*s)
            return colons ? -1 : layers;
        colons = 0;
    }
}

/* ovl_unescape(): drops the '\\' before any character. */
static void sim_unescape(char *s)
{
    for (char *d = s;; s++, d++) {
        if (*s == '\\')
            s++;
        *d = *s;
        if (!*s)
            break;
    }
}

/* seq_escape() as seq_show_option() calls it: bytes of set as \ooo. Appends s
 * to out at o; returns the new length. Needs 4 bytes of room per byte of s. */
static size_t sim_seq_escape(char *out, size_t o, const char *s, const char *set)
{
    for (; *s; s++) {
        if (strchr(set, *s))
            o += (size_t)sprintf(out + o, "\\%03o", (unsigned char)*s);
        else
            out[o++] = *s;
    }
    out[o] = '\0';
    return o;
}

#define SIM_OPTION_ESCAPES ", \t\n\\"
#define SIM_PATH_ESCAPES " \t\n\\"

/* The k-th option o4j_format_options writes: its key, and the directory it names. */
static const char *sim_key(const struct o4j_overlay *ov, size_t k, const char **dir)
{
    *dir = NULL;
    if (ov->nlower + ov->ndata > 0 && k-- == 0)
        return "lowerdir";
    if (ov->upperdir && k-- == 0)
        return *dir = ov->upperdir, "upperdir";
    if (ov->workdir && k-- == 0)
        return *dir = ov->workdir, "workdir";
    return k < ov->noptions ? ov->options[k].key : NULL;
}

/* ovl_parse_param_lowerdir(): every layer unescaped, data-only from the first "::" on. */
static const char *sim_check_lowerdir(const char *value, const struct o4j_overlay *ov)
{
    size_t nlayers = ov->nlower + ov->ndata;
    char *dup = strdup(value), *it = dup;
    const char *why = NULL;
    int data = 0;

    if (sim_split_lowerdirs(dup) != (long)nlayers)
        why = "the kernel splits lowerdir into another number of layers";
    for (size_t i = 0; !why && i < nlayers; i++) {
        char *next = it + strlen(it) + 1;

        sim_unescape(it);
        if (strcmp(it, ov->lowerdirs[i]) != 0)
            why = "a lower layer unescapes to another path";
        else if (data != (i >= ov->nlower))
            why = "a layer changes between regular and data-only";
        else if (i + 1 < nlayers && !*next) {
            data = 1;
            next++;
        } else if (i + 1 < nlayers && data) {
            why = "a regular layer follows a data-only one";
        }
        it = next;
    }
    free(dup);
    return why;
}

/* mount(2): the options the kernel splits opts into (in place, into split[]) are
 * the ones we wrote, and each directory unescapes to the path it was given. */
static const char *sim_kernel_parse(char *opts, const struct o4j_overlay *ov, char **split, size_t *nsplit)
{
    const char *key, *dir, *why = NULL;
    char *rest = opts, *opt;
    size_t k = 0;

    while (!why && (opt = sim_next_opt(&rest))) {
        char *eq = strchr(opt, '=');
        size_t klen = eq ? (size_t)(eq - opt) : strlen(opt);

        key = sim_key(ov, k, &dir);
        if (!key || klen != strlen(key) || memcmp(opt, key, klen) != 0) {
            why = "the kernel sees an option we did not write";
        } else if ((dir || strcmp(key, "lowerdir") == 0) && !eq) {
            why = "a directory option without a value";
        } else if (dir) {
            char *dup = strdup(eq + 1);

            sim_unescape(dup);
            if (strcmp(dup, dir) != 0)
                why = "upperdir or workdir unescapes to another path";
            free(dup);
        } else if (strcmp(key, "lowerdir") == 0) {
            why = sim_check_lowerdir(eq + 1, ov);
        }
        split[k++] = opt;
    }
    if (!why && sim_key(ov, k, &dir))
        why = "the kernel sees fewer options than we wrote";
    *nsplit = k;
    return why;
}

/* One entry of the description format: tag, payload and its length. */
struct sim_entry {
    char tag;
    const char *p;
    size_t n;
};

static int sim_entry_at(const char *blob, size_t len, size_t at, struct sim_entry *e)
{
    const unsigned char *b = (const unsigned char *)blob + at;

    if (len - at < O4J_ENTRY_HEADER)
        return -1;
    e->tag = (char)b[0];
    e->n = (size_t)b[1] << 24 | (size_t)b[2] << 16 | (size_t)b[3] << 8 | b[4];
    e->p = blob + at + O4J_ENTRY_HEADER;
    return e->n > len - at - O4J_ENTRY_HEADER ? -1 : 0;
}

static int sim_entry_is(const struct sim_entry *e, const char *want)
{
    return want && e->n == strlen(want) && memcmp(e->p, want, e->n) == 0;
}

/* o4j_decode_mountinfo gives back the target, the source, the layers in order
 * with their kind, upperdir, workdir and the fixed options. */
static const char *sim_check_decoded(const char *line, const char *target, const struct o4j_overlay *ov,
                                     char *blob, size_t cap)
{
    long len = o4j_decode_mountinfo(line, blob, cap);
    size_t layer = 0, opt = 0, nlayers = ov->nlower + ov->ndata;
    struct sim_entry e, v;
    const char *want;

    if (len <= 0 || (size_t)len >= cap)
        return "mountinfo line not decoded";
    if (sim_entry_at(blob, (size_t)len, 0, &e) || e.tag != 'I' || !sim_entry_is(&e, "41"))
        return "wrong mount ID";
    for (size_t at = 0; at < (size_t)len; at += O4J_ENTRY_HEADER + e.n) {
        if (sim_entry_at(blob, (size_t)len, at, &e))
            return "an entry overruns the decoded line";
        switch (e.tag) {
        case 'T': want = target; break;
        case 'M': want = "rw,relatime"; break;
        case 'S': want = ov->source ? ov->source : "overlay"; break;
        case 'L': case 'D':
            if (layer >= nlayers || e.tag != (layer < ov->nlower ? 'L' : 'D'))
                return "a layer of the wrong kind";
            want = ov->lowerdirs[layer++];
            break;
        case 'U': want = ov->upperdir; break;
        case 'W': want = ov->workdir; break;
        case 'O':
            if (opt < ov->noptions && sim_entry_is(&e, ov->options[opt].key)) {
                int has_value = sim_entry_at(blob, (size_t)len, at + O4J_ENTRY_HEADER + e.n, &v) == 0 &&
                                v.tag == 'V';

                if (ov->options[opt].value ? has_value && sim_entry_is(&v, ov->options[opt].value) : !has_value)
                    opt++;
            }
            continue; /* and options the kernel adds */
        default: continue;
        }
        if (!sim_entry_is(&e, want))
            return "a decoded entry differs from what was mounted";
    }
    if (layer != nlayers || opt != ov->noptions)
        return "entries missing from the decoded mountinfo line";
    return NULL;
}

/* The mountinfo line of a mount(2) mount: each option the kernel split, shown
 * as given (escapes and all) through seq_show_option. */
static void sim_legacy_line(char *line, const char *target, const char *source, char **split, size_t nsplit)
{
    size_t o = (size_t)sprintf(line, "41 29 0:50 / ");

    o = sim_seq_escape(line, o, target, SIM_PATH_ESCAPES);
    o += (size_t)sprintf(line + o, " rw,relatime shared:1 - overlay ");
    o = sim_seq_escape(line, o, source, SIM_PATH_ESCAPES);
    o += (size_t)sprintf(line + o, " rw");
    for (size_t i = 0; i < nsplit; i++) {
        char *eq = strchr(split[i], '=');
        size_t klen = eq ? (size_t)(eq - split[i]) + 1 : strlen(split[i]);

        line[o++] = ',';
        memcpy(line + o, split[i], klen);
        o = eq ? sim_seq_escape(line, o + klen, eq + 1, SIM_OPTION_ESCAPES) : o + klen;
    }
    line[o] = '\0';
}

static size_t sim_show_option(char *line, size_t o, const char *key, const char *value)
{
    o += (size_t)sprintf(line + o, ",%s", key);
    if (!value)
        return o;
    line[o++] = '=';
    return sim_seq_escape(line, o, value, SIM_OPTION_ESCAPES);
}

/* The mountinfo line of a new-API mount: one raw path per layer option. */
static void sim_new_api_line(char *line, const char *target, const struct o4j_overlay *ov)
{
    size_t o = (size_t)sprintf(line, "41 29 0:50 / ");

    o = sim_seq_escape(line, o, target, SIM_PATH_ESCAPES);
    o += (size_t)sprintf(line + o, " rw,relatime - overlay ");
    o = sim_seq_escape(line, o, ov->source ? ov->source : "overlay", SIM_PATH_ESCAPES);
    o += (size_t)sprintf(line + o, " rw");
    for (size_t i = 0; i < ov->nlower + ov->ndata; i++)
        o = sim_show_option(line, o, i < ov->nlower ? "lowerdir+" : "datadir+", ov->lowerdirs[i]);
    if (ov->upperdir)
        o = sim_show_option(line, o, "upperdir", ov->upperdir);
    if (ov->workdir)
        o = sim_show_option(line, o, "workdir", ov->workdir);
    for (size_t i = 0; i < ov->noptions; i++)
        o = sim_show_option(line, o, ov->options[i].key, ov->options[i].value);
    sprintf(line + o, ",uuid=on\n");
}

/* decode(display(encode(x))) == x for the legacy string and the new API, and no
 * path adds an option of its own when the kernel splits the string. Returns
 * NULL, or what went wrong. */
static const char *sim_round_trip(const struct o4j_overlay *ov, const char *target)
{
    size_t len = o4j_format_options(ov, NULL, 0), nsplit;
    size_t cap = 4 * (len + strlen(target)) + 256; /* seq_escape: at most 4 bytes per byte */
    char *opts = malloc(len + 1), *line = malloc(cap), *blob = malloc(cap);
    char **split = malloc((4 + ov->noptions) * sizeof *split); /* and one the kernel adds */
    const char *why;

    if (!opts || !line || !blob || !split)
        why = "out of memory";
    else if (o4j_format_options(ov, opts, len + 1) != len || strlen(opts) != len)
        why = "o4j_format_options wrote another length than it counted";
    else if (!(why = sim_kernel_parse(opts, ov, split, &nsplit))) {
        sim_legacy_line(line, target, ov->source ? ov->source : "overlay", split, nsplit);
        if (!(why = sim_check_decoded(line, target, ov, blob, cap))) {
            sim_new_api_line(line, target, ov);
            why = sim_check_decoded(line, target, ov, blob, cap);
        }
    }
    free(opts);
    free(line);
    free(blob);
    free(split);
    return why;
}

#endif
