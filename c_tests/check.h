/* Minimal check harness for the C tests: counts checks, reports failures with the library's
 * last error, and prints "NAME: N passed, M failed" at the end. */
#ifndef NDM_CHECK_H
#define NDM_CHECK_H

#include <stdio.h>
#include <string.h>
#include "ndmem.h"

/* The test data directory: the builds pass its absolute path, so that the tests run from any
 * directory (make sanitize runs them elsewhere). */
#ifndef NDM_TEST_DATA
#define NDM_TEST_DATA "tests/data"
#endif

static int checks_passed;
static int checks_failed;

#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (cond) {                                                                              \
            checks_passed++;                                                                     \
        } else {                                                                                 \
            checks_failed++;                                                                     \
            fprintf(stderr, "%s:%d: CHECK(%s) failed (last error: %s)\n", __FILE__, __LINE__,   \
                    #cond, ndm_last_error());                                                    \
        }                                                                                        \
    } while (0)

/* The call succeeds. */
#define CHECK_OK(call) CHECK_STATUS(call, NDM_OK)

/* The call returns `expected`. */
#define CHECK_STATUS(call, expected)                                                             \
    do {                                                                                         \
        ndm_status got_ = (call);                                                                \
        if (got_ == (expected)) {                                                                \
            checks_passed++;                                                                     \
        } else {                                                                                 \
            checks_failed++;                                                                     \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s (last error: %s)\n", __FILE__,  \
                    __LINE__, #call, ndm_status_str(got_), ndm_status_str(expected),             \
                    ndm_last_error());                                                           \
        }                                                                                        \
    } while (0)

/* The call fails with `expected` and the last error mentions `text`. */
#define CHECK_ERR(call, expected, text)                                                          \
    do {                                                                                         \
        CHECK_STATUS(call, expected);                                                            \
        if (strstr(ndm_last_error(), (text)) != NULL) {                                          \
            checks_passed++;                                                                     \
        } else {                                                                                 \
            checks_failed++;                                                                     \
            fprintf(stderr, "%s:%d: last error \"%s\" does not mention \"%s\"\n", __FILE__,      \
                    __LINE__, ndm_last_error(), (text));                                         \
        }                                                                                        \
    } while (0)

/* Ends a test program: every handle was freed and no buffer is left (the counters say so; the
 * leak report names what is left), then "NAME: N passed, M failed". */
static inline int check_report(const char *name) {
    ndm_mem_counts m = {.size = sizeof m};
    CHECK_OK(ndm_mem_stats(&m));
    if (m.live_arrays == 0 && m.live_dtypes == 0 && m.live_record_builders == 0 &&
        m.live_growables == 0 && m.live_buffers == 0) {
        checks_passed++;
    } else {
        checks_failed++;
        fprintf(stderr, "%s: %llu array, %llu dtype, %llu record builder, %llu growable handles and %llu buffers live at the end\n",
                name, (unsigned long long)m.live_arrays, (unsigned long long)m.live_dtypes,
                (unsigned long long)m.live_record_builders, (unsigned long long)m.live_growables,
                (unsigned long long)m.live_buffers);
        ndm_mem_leak_report();
    }
    printf("%s: %d passed, %d failed\n", name, checks_passed, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}

/* A dtype handle from text; aborts the test on failure (the harness relies on it). */
static inline ndm_dtype *dt(const char *text) {
    ndm_dtype *d = NULL;
    if (ndm_dtype_parse(text, &d) != NDM_OK) {
        fprintf(stderr, "cannot parse dtype %s: %s\n", text, ndm_last_error());
    }
    return d;
}

#endif
