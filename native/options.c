/* Option strings: the mount(2) string we write, the serialized overlay the JNI
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
 * then drops one '\\' before any character: escaping these three is enough. */
static void put_escaped(struct sink *s, const char *str)
{
    for (; *str; str++) {
        if (*str == '\\' || *str == ',' || *str == ':')
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

int o4j_spec_count(const char *blob, size_t len, size_t *nlayers, size_t *noptions)
{
    size_t nl = 0, nd = 0, no = 0, nu = 0, nw = 0;

    if (len == 0 || blob[len - 1] != '\0')
        return -EINVAL;
    for (size_t i = 0; i < len; i += strlen(blob + i) + 1) {
        switch (blob[i]) {
        case 'L':
            if (nd > 0)
                return -EINVAL; /* data-only layers come last */
            nl++;
            break;
        case 'D': nd++; break;
        case 'U': nu++; break;
        case 'W': nw++; break;
        case 'O': no++; break;
        default: return -EINVAL;
        }
    }
    if (nu > 1 || nw > 1)
        return -EINVAL;
    *nlayers = nl + nd;
    *noptions = no;
    return 0;
}

int o4j_spec_decode(char *blob, size_t len, const char **lowers, struct o4j_option *opts,
                    struct o4j_overlay *ov)
{
    size_t nl, no;
    int rc = o4j_spec_count(blob, len, &nl, &no);

    if (rc)
        return rc;
    memset(ov, 0, sizeof *ov);
    ov->lowerdirs = lowers;
    ov->options = opts;
    for (size_t i = 0, next; i < len; i = next) {
        char *value = blob + i + 1;
        char *eq;

        next = i + strlen(blob + i) + 1; /* before '=' is cut below */
        switch (blob[i]) {
        case 'L': lowers[ov->nlower++] = value; break;
        case 'D': lowers[ov->nlower + ov->ndata++] = value; break;
        case 'U': ov->upperdir = value; break;
        case 'W': ov->workdir = value; break;
        case 'O':
            eq = strchr(value, '=');
            if (eq)
                *eq = '\0';
            opts[ov->noptions].key = value;
            opts[ov->noptions].value = eq ? eq + 1 : NULL;
            ov->noptions++;
            break;
        }
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

/* Puts one tagged entry, dropping overlay's escaping backslashes when asked. */
static void put_entry(struct sink *s, char tag, const char *v, size_t n, int unescape)
{
    put(s, tag);
    for (size_t i = 0; i < n; i++) {
        if (unescape && v[i] == '\\' && i + 1 < n)
            i++;
        put(s, v[i]);
    }
    put(s, '\0');
}

/* A legacy "lowerdir=" value, octal-decoded: the option string as the mount was
 * given it. Layers are split on unescaped ':'; "::" starts the data-only ones. */
static void put_lowerdir_list(struct sink *s, const char *v, size_t n)
{
    size_t start = 0;
    char tag = 'L';

    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] == '\\') {
            i++;
        } else if (i == n || v[i] == ':') {
            put_entry(s, tag, v + start, i - start, 1);
            if (i + 1 < n && v[i + 1] == ':') {
                tag = 'D';
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
            put_entry(s, 'L', tmp, vlen, 0);
        } else if (eq && klen == 8 && memcmp(opt, "datadir+", 8) == 0) {
            put_entry(s, 'D', tmp, vlen, 0);
        } else if (eq && klen == 8 && memcmp(opt, "upperdir", 8) == 0) {
            put_entry(s, 'U', tmp, vlen, legacy);
        } else if (eq && klen == 7 && memcmp(opt, "workdir", 7) == 0) {
            put_entry(s, 'W', tmp, vlen, legacy);
        } else {
            put(s, 'O');
            for (size_t k = 0; k < klen; k++)
                put(s, opt[k]);
            if (eq) {
                put(s, '=');
                for (size_t k = 0; k < vlen; k++)
                    put(s, tmp[k]);
            }
            put(s, '\0');
        }
    }
}

long o4j_decode_mountinfo(const char *line, char *out, size_t cap)
{
    struct sink s = {out, cap, 0};
    const char *p = line, *id, *target, *flags, *f;
    size_t idn, targetn, flagsn, n;
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
    next_field(&p, &n);               /* source */
    f = next_field(&p, &n);           /* super options */
    if (!(tmp = malloc(strlen(line) + 1)))
        return -ENOMEM;
    put_entry(&s, 'I', id, idn, 0);
    put_entry(&s, 'T', tmp, octal_decode(target, targetn, tmp), 0);
    put_entry(&s, 'M', flags, flagsn, 0);
    decode_super_options(&s, f, n, tmp);
    free(tmp);
    if (cap > 0 && s.len >= cap)
        out[cap - 1] = '\0';
    return (long)s.len;
}
