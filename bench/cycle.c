/*
 * The floor: mount+unmount cycles through the C core, no JVM.
 * usage: bench_cycle STRATEGY CYCLES RO TARGET UPPER|- WORK|- LOWER...
 * Prints each cycle's time in nanoseconds on one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "overlay4j.h"

static long long now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
    struct o4j_overlay ov = {0};
    struct o4j_result e;
    long long *ns;
    int cycles;

    if (argc < 8) {
        fprintf(stderr, "usage: bench_cycle STRATEGY CYCLES RO TARGET UPPER|- WORK|- LOWER...\n");
        return 2;
    }
    cycles = atoi(argv[2]);
    ov.flags = atoi(argv[3]) ? O4J_MOUNT_RDONLY : 0;
    ov.upperdir = strcmp(argv[5], "-") ? argv[5] : NULL;
    ov.workdir = strcmp(argv[6], "-") ? argv[6] : NULL;
    ov.lowerdirs = (const char *const *)argv + 7;
    ov.nlower = (size_t)(argc - 7);
    if (!(ns = malloc(sizeof *ns * (size_t)cycles)))
        return 1;
    for (int i = 0; i < cycles; i++) {
        long long start = now();
        int rc = o4j_mount(&ov, argv[4], NULL, (enum o4j_strategy)atoi(argv[1]), &e);

        if (rc == 0)
            rc = o4j_unmount(argv[4], 0);
        if (rc) {
            fprintf(stderr, "cycle %d: %s failed: %s\n%s", i, e.op ? e.op : "umount2",
                    o4j_errno_name(-rc), e.log);
            return 1;
        }
        ns[i] = now() - start;
    }
    for (int i = 0; i < cycles; i++)
        printf("%lld%c", ns[i], i + 1 < cycles ? ' ' : '\n');
    free(ns);
    return 0;
}
