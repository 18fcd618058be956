/*
 * o4j_decode_mountinfo on any line: no crash, no read or write past the line
 * or the buffer (every buffer is allocated to its exact size, so ASan sees the
 * first byte over), and the length it returns is the one it writes: a buffer of
 * that length + 1 holds the same bytes as a roomier one, a smaller one a
 * prefix of them; and the entries (tag, length, payload) cover it exactly.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overlay4j.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "o4j_decode_mountinfo: %s\n", what);
        abort();
    }
}

/* Decodes into a heap buffer of exactly cap bytes; returns it. */
static char *decode(const char *line, size_t cap, long want)
{
    char *out = malloc(cap ? cap : 1);

    check(out != NULL, "out of memory");
    check(o4j_decode_mountinfo(line, out, cap) == want, "another length for another buffer size");
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1), *exact, *roomy, *small;
    long len;

    if (!line)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    len = o4j_decode_mountinfo(line, NULL, 0);
    check(len >= 0 || len == -EINVAL || len == -ENOMEM, "an error other than EINVAL or ENOMEM");
    if (len > 0) {
        size_t n = (size_t)len, cut = 1 + (size > 0 ? data[0] : 0) % n;

        exact = decode(line, n + 1, len);
        roomy = decode(line, n + 64, len);
        small = decode(line, cut, len); /* from 1 byte to one byte short */
        check(memcmp(exact, roomy, n) == 0, "a roomier buffer gets other bytes");
        check(memcmp(small, roomy, cut - 1) == 0, "a short buffer does not get a prefix");
        /* Entries (tag, 4-byte big-endian length, payload) cover the output exactly, 'I' first. */
        check(exact[0] == 'I', "the mount ID does not come first");
        for (size_t at = 0, len_at; at < n; at += O4J_ENTRY_HEADER + len_at) {
            const unsigned char *h = (const unsigned char *)exact + at;

            check(n - at >= O4J_ENTRY_HEADER, "an entry header is cut");
            len_at = (size_t)h[1] << 24 | (size_t)h[2] << 16 | (size_t)h[3] << 8 | h[4];
            check(len_at <= n - at - O4J_ENTRY_HEADER, "an entry overruns the output");
            check(exact[at] && strchr("ITMSRLDUWOV", exact[at]) != NULL, "an unknown tag");
        }
        free(exact);
        free(roomy);
        free(small);
    }
    free(line);
    return 0;
}
