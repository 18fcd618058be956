/* Option strings: the mount(2) string we write, the overlay description the JNI
 * layer hands over, and the mountinfo lines the kernel writes back. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "overlay4j.h"

/* Appends to buf like snprintf: always counts, writes only what fits. */
struct sink {
    char *buf;
    size_t cap;
    size_t len;
};

static void put(struct sink *s, char c)
{
    if (s->len + 1 < s->cap)
        s->buf[s->len] = c;
    s->len++;
}

static void put_raw(struct sink *s, const char *str)
{
    while (*str)
        put(s, *str++);
}

/* The kernel splits options on unescaped ',' and lowerdirs on unescaped ':',
 * then drops one '\\' before any character. '"' is escaped too: mount(8) reads it
 * as the start of a quoted value, and the string is meant for mount(8) as well. */
static void put_escaped(struct sink *s, const char *str)
{
    for (; *str; str++) {
        if (*str == '\\' || *str == ',' || *str == ':' || *str == '"')
            put(s, '\\');
        put(s, *str);
    }
}

static void put_separator(struct sink *s)
{
    if (s->len > 0)
        put(s, ',');
}

static void terminate(struct sink *s)
{
    if (s->cap > 0)
        s->buf[s->len < s->cap ? s->len : s->cap - 1] = '\0';
}

size_t o4j_format_options(const struct o4j_overlay *ov, char *buf, size_t cap)
{
    struct sink s = {buf, cap, 0};
    size_t nlayers = ov->nlower + ov->ndata;

    if (nlayers > 0) {
        put_raw(&s, "lowerdir=");
        for (size_t i = 0; i < nlayers; i++) {
            if (i > 0)
                put_raw(&s, i >= ov->nlower ? "::" : ":");
            put_escaped(&s, ov->lowerdirs[i]);
        }
    }
    if (ov->upperdir) {
        put_separator(&s);
        put_raw(&s, "upperdir=");
        put_escaped(&s, ov->upperdir);
    }
    if (ov->workdir) {
        put_separator(&s);
        put_raw(&s, "workdir=");
        put_escaped(&s, ov->workdir);
    }
    for (size_t i = 0; i < ov->noptions; i++) {
        put_separator(&s);
        put_raw(&s, ov->options[i].key);
        if (ov->options[i].value) {
            put(&s, '=');
            put_escaped(&s, ov->options[i].value);
        }
    }
    terminate(&s);
    return s.len;
}

static size_t get_be(const unsigned char *p, size_t n)
{
    unsigned long long v = 0;

    while (n-- > 0)
        v = v << 8 | *p++;
    return (size_t)v;
}

static unsigned long long get_u64(const unsigned char *p)
{
    unsigned long long v = 0;

    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* The entry at b[i]: its tag, payload and payload length; 0, or -1 when it overruns len. */
static int entry_at(const unsigned char *b, size_t len, size_t i, int *tag, const unsigned char **p, size_t *n)
{
    if (len - i < O4J_ENTRY_HEADER)
        return -1;
    *tag = b[i];
    *n = get_be(b + i + 1, 4);
    *p = b + i + O4J_ENTRY_HEADER;
    return *n > len - i - O4J_ENTRY_HEADER ? -1 : 0;
}

static int is_dir_tag(int tag)
{
    return tag == O4J_TAG_LOWERDIR || tag == O4J_TAG_DATADIR || tag == O4J_TAG_UPPERDIR || tag == O4J_TAG_WORKDIR;
}

int o4j_spec_count(const void *blob, size_t len, size_t *nlayers, size_t *noptions)
{
    const unsigned char *b = blob, *p;
    size_t nl = 0, nd = 0, nu = 0, nw = 0, ns = 0, no = 0, n;
    int tag, prev = 0;

    if (len == 0)
        return -EINVAL;
    for (size_t i = 0; i < len; i += O4J_ENTRY_HEADER + n, prev = tag) {
        if (entry_at(b, len, i, &tag, &p, &n))
            return -EINVAL;
        if (is_dir_tag(tag)) {
            /* An identity and a path of at least one byte. */
            if (n <= O4J_ID_BYTES || memchr(p + O4J_ID_BYTES, '\0', n - O4J_ID_BYTES))
                return -EINVAL;
        } else if (memchr(p, '\0', n) || ((tag == O4J_TAG_OPTION || tag == O4J_TAG_SOURCE) && n == 0) ||
                   (tag == O4J_TAG_VALUE && prev != O4J_TAG_OPTION) ||
                   (tag != O4J_TAG_OPTION && tag != O4J_TAG_VALUE && tag != O4J_TAG_SOURCE)) {
            return -EINVAL;
        }
        switch (tag) {
        case O4J_TAG_LOWERDIR:
            if (nd > 0)
                return -EINVAL; /* data-only layers come last */
            nl++;
            break;
        case O4J_TAG_DATADIR: nd++; break;
        case O4J_TAG_UPPERDIR: nu++; break;
        case O4J_TAG_WORKDIR: nw++; break;
        case O4J_TAG_SOURCE: ns++; break;
        case O4J_TAG_OPTION: no++; break;
        }
    }
    if (nu > 1 || nw > 1 || ns > 1)
        return -EINVAL;
    *nlayers = nl + nd;
    *noptions = no;
    return 0;
}

static void get_id(const unsigned char *p, struct o4j_id *id)
{
    id->dev = get_u64(p);
    id->ino = get_u64(p + 8);
    id->mount_id = get_u64(p + 16);
}

int o4j_spec_decode(const void *blob, size_t len, char *strings, const char **lowers, struct o4j_id *ids,
                    struct o4j_option *opts, struct o4j_id *upper_id, struct o4j_id *work_id,
                    struct o4j_overlay *ov)
{
    const unsigned char *b = blob, *p = NULL;
    size_t nl, no, n = 0;
    int tag = 0, rc = o4j_spec_count(blob, len, &nl, &no);

    if (rc)
        return rc;
    memset(ov, 0, sizeof *ov);
    ov->lowerdirs = lowers;
    ov->lower_ids = ids;
    ov->options = opts;
    for (size_t i = 0; i < len; i += O4J_ENTRY_HEADER + n) {
        char *s = strings;
        struct o4j_id *id = NULL;

        entry_at(b, len, i, &tag, &p, &n);
        if (is_dir_tag(tag)) {
            memcpy(s, p + O4J_ID_BYTES, n - O4J_ID_BYTES);
            s[n - O4J_ID_BYTES] = '\0';
            strings += n - O4J_ID_BYTES + 1;
        } else {
            memcpy(s, p, n);
            s[n] = '\0';
            strings += n + 1;
        }
        switch (tag) {
        case O4J_TAG_LOWERDIR:
            id = &ids[ov->nlower];
            lowers[ov->nlower++] = s;
            break;
        case O4J_TAG_DATADIR:
            id = &ids[ov->nlower + ov->ndata];
            lowers[ov->nlower + ov->ndata++] = s;
            break;
        case O4J_TAG_UPPERDIR:
            ov->upperdir = s;
            ov->upper_id = id = upper_id;
            break;
        case O4J_TAG_WORKDIR:
            ov->workdir = s;
            ov->work_id = id = work_id;
            break;
        case O4J_TAG_OPTION:
            opts[ov->noptions].key = s;
            opts[ov->noptions++].value = NULL;
            break;
        case O4J_TAG_VALUE: opts[ov->noptions - 1].value = s; break;
        case O4J_TAG_SOURCE: ov->source = s; break;
        }
        if (id)
            get_id(p, id);
    }
    return 0;
}

/* ---- mountinfo ---------------------------------------------------------- */

static int is_octal(char c)
{
    return c >= '0' && c <= '7';
}

/* Undoes the kernel's seq_escape: every '\\' it prints starts a 3-digit octal
 * escape ("\\040" for a space). Returns the decoded length; dst may be src. */
static size_t octal_decode(const char *src, size_t n, char *dst)
{
    size_t out = 0;

    for (size_t i = 0; i < n; i++) {
        if (src[i] == '\\' && i + 3 < n && is_octal(src[i + 1]) && is_octal(src[i + 2]) &&
            is_octal(src[i + 3])) {
            dst[out++] = (char)((src[i + 1] - '0') * 64 + (src[i + 2] - '0') * 8 + (src[i + 3] - '0'));
            i += 3;
        } else {
            dst[out++] = src[i];
        }
    }
    return out;
}

/* Starts an entry: its tag and room for the length end_entry fills in. */
static size_t begin_entry(struct sink *s, char tag)
{
    size_t at = s->len;

    put(s, tag);
    for (int k = 0; k < 4; k++)
        put(s, 0);
    return at;
}

static void end_entry(struct sink *s, size_t at)
{
    size_t n = s->len - at - O4J_ENTRY_HEADER;

    for (int k = 0; k < 4; k++)
        if (at + 1 + (size_t)k + 1 < s->cap)
            s->buf[at + 1 + k] = (char)(n >> (24 - 8 * k));
}

/* Puts one tagged entry, dropping overlay's escaping backslashes when asked. */
static void put_entry(struct sink *s, char tag, const char *v, size_t n, int unescape)
{
    size_t at = begin_entry(s, tag);

    for (size_t i = 0; i < n; i++) {
        if (unescape && v[i] == '\\' && i + 1 < n)
            i++;
        put(s, v[i]);
    }
    end_entry(s, at);
}

/* A legacy "lowerdir=" value, octal-decoded: the option string as the mount was
 * given it. Layers are split on unescaped ':'; "::" starts the data-only ones. */
static void put_lowerdir_list(struct sink *s, const char *v, size_t n)
{
    size_t start = 0;
    char tag = O4J_TAG_LOWERDIR;

    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] == '\\') {
            i++;
        } else if (i == n || v[i] == ':') {
            put_entry(s, tag, v + start, i - start, 1);
            if (i + 1 < n && v[i + 1] == ':') {
                tag = O4J_TAG_DATADIR;
                i++;
            }
            start = i + 1;
        }
    }
}

/* Length of a mountinfo field: fields are separated by single spaces, and
 * spaces inside a field are octal-escaped. */
static size_t field_len(const char *p)
{
    size_t n = 0;

    while (p[n] && p[n] != ' ' && p[n] != '\n')
        n++;
    return n;
}

/* Advances *p past its field and the following space; returns the field. */
static const char *next_field(const char **p, size_t *n)
{
    const char *f = *p;

    *n = field_len(f);
    *p = f + *n + (f[*n] == ' ');
    return f;
}

static int field_is(const char *f, size_t n, const char *word)
{
    return n == strlen(word) && memcmp(f, word, n) == 0;
}

static void decode_super_options(struct sink *s, const char *opts, size_t len, char *tmp)
{
    int legacy = 0;

    /* Commas inside values are octal-escaped, so a raw ',' always separates. */
    for (size_t start = 0, end; start < len; start = end + 1) {
        const char *opt = opts + start, *eq;
        size_t n, klen, vlen;

        for (end = start; end < len && opts[end] != ','; end++)
            ;
        n = end - start;
        eq = memchr(opt, '=', n);
        klen = eq ? (size_t)(eq - opt) : n;
        vlen = eq ? octal_decode(eq + 1, n - klen - 1, tmp) : 0;
        if (eq && klen == 8 && memcmp(opt, "lowerdir", 8) == 0) {
            legacy = 1;
            put_lowerdir_list(s, tmp, vlen);
        } else if (eq && klen == 9 && memcmp(opt, "lowerdir+", 9) == 0) {
            put_entry(s, O4J_TAG_LOWERDIR, tmp, vlen, 0);
        } else if (eq && klen == 8 && memcmp(opt, "datadir+", 8) == 0) {
            put_entry(s, O4J_TAG_DATADIR, tmp, vlen, 0);
        } else if (eq && klen == 8 && memcmp(opt, "upperdir", 8) == 0) {
            put_entry(s, O4J_TAG_UPPERDIR, tmp, vlen, legacy);
        } else if (eq && klen == 7 && memcmp(opt, "workdir", 7) == 0) {
            put_entry(s, O4J_TAG_WORKDIR, tmp, vlen, legacy);
        } else {
            put_entry(s, O4J_TAG_OPTION, opt, klen, 0);
            if (eq)
                put_entry(s, O4J_TAG_VALUE, tmp, vlen, 0);
        }
    }
}

long o4j_decode_super_options(const char *opts, size_t len, char *out, size_t cap)
{
    struct sink s = {out, cap, 0};
    char *tmp = malloc(len + 1);

    if (!tmp)
        return -ENOMEM;
    decode_super_options(&s, opts, len, tmp);
    free(tmp);
    return (long)s.len;
}

long o4j_decode_mountinfo(const char *line, char *out, size_t cap)
{
    struct sink s = {out, cap, 0};
    const char *p = line, *id, *target, *flags, *source, *f;
    size_t idn, targetn, flagsn, sourcen, n;
    char *tmp;

    id = next_field(&p, &idn);
    next_field(&p, &n);               /* parent ID */
    next_field(&p, &n);               /* major:minor */
    next_field(&p, &n);               /* root */
    target = next_field(&p, &targetn);
    flags = next_field(&p, &flagsn);  /* per-mount options */
    do {                              /* optional fields, up to "-" */
        f = next_field(&p, &n);
    } while (n > 0 && !field_is(f, n, "-"));
    if (n == 0 || idn == 0 || targetn == 0)
        return -EINVAL;
    f = next_field(&p, &n);
    if (!field_is(f, n, "overlay"))
        return 0;
    source = next_field(&p, &sourcen);
    f = next_field(&p, &n);           /* super options */
    if (!(tmp = malloc(strlen(line) + 1)))
        return -ENOMEM;
    put_entry(&s, O4J_TAG_MOUNT_ID, id, idn, 0);
    put_entry(&s, O4J_TAG_TARGET, tmp, octal_decode(target, targetn, tmp), 0);
    put_entry(&s, O4J_TAG_MOUNT_OPTIONS, flags, flagsn, 0);
    put_entry(&s, O4J_TAG_SOURCE, tmp, octal_decode(source, sourcen, tmp), 0);
    put_entry(&s, O4J_TAG_SUPER_OPTIONS, tmp, octal_decode(f, n, tmp), 0);
    decode_super_options(&s, f, n, tmp);
    free(tmp);
    return (long)s.len;
}
