/* The mount(2) option string and the serialized overlay the JNI layer hands over. */
#include <errno.h>
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

size_t o4j_format_options(const struct o4j_overlay *ov, char *buf, size_t cap)
{
    struct sink s = {buf, cap, 0};

    if (ov->nlower > 0) {
        put_raw(&s, "lowerdir=");
        for (size_t i = 0; i < ov->nlower; i++) {
            if (i > 0)
                put(&s, ':');
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
    if (cap > 0)
        buf[s.len < cap ? s.len : cap - 1] = '\0';
    return s.len;
}

int o4j_spec_count(const char *blob, size_t len, size_t *nlower, size_t *noptions)
{
    size_t nl = 0, no = 0, nu = 0, nw = 0;

    if (len == 0 || blob[len - 1] != '\0')
        return -EINVAL;
    for (size_t i = 0; i < len; i += strlen(blob + i) + 1) {
        switch (blob[i]) {
        case 'L': nl++; break;
        case 'U': nu++; break;
        case 'W': nw++; break;
        case 'O': no++; break;
        default: return -EINVAL;
        }
    }
    if (nu > 1 || nw > 1)
        return -EINVAL;
    *nlower = nl;
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
