/* Minimal assertions for the core's ctest programs. */
#ifndef O4J_CHECK_H
#define O4J_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            check_failures++;                                                        \
        }                                                                            \
    } while (0)

#define CHECK_STR(actual, expected)                                                          \
    do {                                                                                     \
        const char *a_ = (actual), *e_ = (expected);                                         \
        if (!a_ || strcmp(a_, e_) != 0) {                                                    \
            fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__, e_, \
                    a_ ? a_ : "(null)");                                                     \
            check_failures++;                                                                \
        }                                                                                    \
    } while (0)

#define CHECK_DONE()                                                          \
    do {                                                                      \
        if (check_failures) {                                                 \
            fprintf(stderr, "%d check(s) failed\n", check_failures);          \
            return 1;                                                         \
        }                                                                     \
        return 0;                                                             \
    } while (0)

#endif
