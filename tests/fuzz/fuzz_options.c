/*
 * o4j_format_options against the kernel's parser (kernel_sim.h): the input's
 * NUL-separated pieces become the layers and maybe upperdir/workdir, the first
 * byte says how many are data-only layers and whether there is an upper.
 * Fails when the kernel would see another option or another path than we
 * meant, or when mountinfo decodes to another overlay.
 */
#include <stdint.h>

#include "kernel_sim.h"

enum { MAX_PIECES = 16 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct o4j_option index = {"index", "off"};
    const char *pieces[MAX_PIECES];
    struct o4j_overlay ov = {pieces, 0, NULL, NULL, &index, 1, 0, 0, NULL, NULL, NULL, NULL};
    size_t n = 0, ndata;
    const char *why;
    char *copy;

    if (size < 2)
        return 0;
    if (!(copy = malloc(size))) /* the pieces, NUL-terminated: byte 0 becomes the last NUL */
        return 0;
    memcpy(copy, data + 1, size - 1);
    copy[size - 1] = '\0';
    for (size_t i = 0; i < size - 1 && n < MAX_PIECES; i += strlen(copy + i) + 1)
        if (copy[i]) /* paths are never empty */
            pieces[n++] = copy + i;
    if (n >= 3 && (data[0] & 1)) {
        ov.upperdir = pieces[--n];
        ov.workdir = pieces[--n];
    }
    if (n > 0) {
        ndata = (size_t)(data[0] >> 1) % n; /* at least one regular layer */
        ov.nlower = n - ndata;
        ov.ndata = ndata;
        if ((why = sim_round_trip(&ov, pieces[0])) != NULL) {
            fprintf(stderr, "round trip failed: %s\n", why);
            abort();
        }
    }
    free(copy);
    return 0;
}
