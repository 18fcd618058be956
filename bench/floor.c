/*
 * The floors: what a C programmer writes to mount an overlay, no project code at all.
 * usage: bench_floor a|b|d CYCLES RO TARGET UPPER|- WORK|- LOWER...
 *   a: mount(2) with the option string, then umount2(2)
 *   b: the minimal new mount API: fsopen, fsconfig strings, create, fsmount, move_mount,
 *      close, then umount2(2)
 *   d: b's superblock made once (untimed), then per cycle a clone of it (open_tree
 *      OPEN_TREE_CLONE) attached with move_mount, closed, and umount2(2)
 * Prints each cycle's time in nanoseconds on one line; exits 3 when mode a's option
 * string would not fit mount(2)'s page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floor_cycles.h"

int main(int argc, char **argv)
{
    long long *ns;
    int cycles, rc;

    if (argc < 8) {
        fprintf(stderr, "usage: bench_floor a|b|d CYCLES RO TARGET UPPER|- WORK|- LOWER...\n");
        return 2;
    }
    cycles = atoi(argv[2]);
    if (!(ns = malloc(sizeof *ns * (size_t)cycles)))
        return 1;
    rc = floor_run(argv[1][0], cycles, atoi(argv[3]), argv[4], strcmp(argv[5], "-") ? argv[5] : NULL,
                   strcmp(argv[6], "-") ? argv[6] : NULL, argv + 7, argc - 7, ns);
    if (rc == 3)
        fprintf(stderr, "the option string does not fit one page\n");
    else if (rc)
        perror("cycle");
    for (int i = 0; i < cycles && !rc; i++)
        printf("%lld%c", ns[i], i + 1 < cycles ? ' ' : '\n');
    free(ns);
    return rc;
}
