/*
 * o4j_decode_mountinfo on any line: no crash, no read or write past the line
 * or the buffer (every buffer is allocated to its exact size, so ASan sees the
 * first byte over), and the length it returns is the one it writes: a buffer of
 * that length + 1 holds the same bytes as a roomier one, a smaller one a
 * NUL-terminated prefix of them.
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
        check(exact[n - 1] == '\0', "the last entry is not NUL-terminated");
        check(memcmp(small, roomy, cut - 1) == 0 && small[cut - 1] == '\0',
              "a short buffer is not a NUL-terminated prefix");
        free(exact);
        free(roomy);
        free(small);
    }
    free(line);
    return 0;
}
