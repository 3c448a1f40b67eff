/* Eight threads on one library: views of one shared base made and freed while other threads
 * make views of it, ufuncs writing into disjoint rows of one buffer, each thread's own last
 * error, handle churn on the array and dtype pools, memory maps of one file opened and read
 * at once, and the counters read meanwhile. Afterwards every row holds exactly what its thread
 * added and no handle is left. `make test` also runs it under helgrind, `make sanitize` under
 * ThreadSanitizer. */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"

/* BIG: a row of 4.8 MB, enough for ndmem to split a ufunc among its own threads. */
enum { THREADS = 8, ROUNDS = 40, COLS = 512, BIG = 600000 };

static ndm_array *base;   /* THREADS x COLS float64, row t belongs to thread t */
static ndm_array *big;    /* 2 x BIG float64, row t belongs to thread t < 2 */
static char npy_path[64]; /* a .npy file every thread maps */

/* Per-thread check counts: check.h's counters are for one thread. */
struct worker {
    int id;
    int passed, failed;
};

#define T_CHECK(w, cond)                                                                         \
    do {                                                                                         \
        if (cond) {                                                                              \
            (w)->passed++;                                                                       \
        } else {                                                                                 \
            (w)->failed++;                                                                       \
            fprintf(stderr, "thread %d: %s:%d: %s failed (last error: %s)\n", (w)->id,          \
                    __FILE__, __LINE__, #cond, ndm_last_error());                                \
        }                                                                                        \
    } while (0)

/* Row `t` of `a`, as a view made by this thread. */
static ndm_array *row(struct worker *w, ndm_array *a, int64_t t) {
    ndm_index_item item = {.kind = NDM_INDEX_INT, .start = t};
    ndm_array *r = NULL;
    T_CHECK(w, ndm_index(a, &item, 1, &r) == NDM_OK);
    return r;
}

/* `a += 1` in place. */
static void add_one(struct worker *w, ndm_array *a) {
    ndm_scalar one = {.kind = NDM_SCALAR_FLOAT, .f = 1.0};
    ndm_array *res = NULL;
    T_CHECK(w, ndm_ufunc_scalar(NDM_ADD, a, &one, false, a, NULL, &res) == NDM_OK);
    ndm_array_free(res);
}

/* Views of the shared base made, read and freed while the other threads do the same. */
static void views_of_the_base(struct worker *w) {
    ndm_array *t = NULL, *s = NULL, *b = NULL;
    T_CHECK(w, ndm_transpose(base, NULL, NDM_ALL_AXES, &t) == NDM_OK);
    ndm_index_item items[2] = {{.kind = NDM_INDEX_SLICE, .flags = NDM_SLICE_NO_STOP, .start = 0, .step = 2},
                               {.kind = NDM_INDEX_SLICE, .start = 1, .stop = COLS, .step = 3}};
    T_CHECK(w, ndm_index(t, items, 2, &s) == NDM_OK);
    int64_t shape[3] = {2, THREADS, COLS};
    T_CHECK(w, ndm_broadcast_to(base, 3, shape, &b) == NDM_OK);
    int32_t answer = -1;
    T_CHECK(w, ndm_shares_memory(s, b, -1, &answer) == NDM_OK && answer == NDM_OVERLAP_YES);
    T_CHECK(w, ndm_size(s) == (COLS / 2) * 3); /* rows 0, 2, ... of the transpose; columns 1, 4, 7 */
    ndm_array_free(b);
    ndm_array_free(s);
    ndm_array_free(t);
}

/* Each thread's failures leave its own message. */
static void own_last_error(struct worker *w) {
    ndm_index_item item = {.kind = NDM_INDEX_INT, .start = 1000 + w->id};
    ndm_array *r = NULL;
    T_CHECK(w, ndm_index(base, &item, 1, &r) == NDM_ERR_INDEX && r == NULL);
    char want[32];
    snprintf(want, sizeof want, "index %d", 1000 + w->id);
    usleep(100); /* let the other threads set their own errors meanwhile */
    T_CHECK(w, strstr(ndm_last_error(), want) != NULL);
    T_CHECK(w, ndm_last_status() == NDM_ERR_INDEX);
}

/* Handles made and freed in bursts on both pools. */
static void churn(struct worker *w) {
    ndm_dtype *d[16];
    ndm_array *a[16];
    int64_t n = 3;
    for (int i = 0; i < 16; i++) {
        T_CHECK(w, ndm_dtype_parse(i % 2 ? "<i4" : "f8", &d[i]) == NDM_OK);
        T_CHECK(w, ndm_zeros(d[i], 1, &n, NDM_ORDER_C, &a[i]) == NDM_OK);
    }
    for (int i = 0; i < 16; i++) {
        T_CHECK(w, ndm_array_free(a[i]) == NDM_OK);
        T_CHECK(w, ndm_dtype_free(d[i]) == NDM_OK);
    }
    /* A pointer ndmem never gave out is refused while the pools change under other threads.
     * (A double free is checked in main: here 1024 frees by other threads could let the slot
     * be reused meanwhile, which no allocator can detect.) */
    T_CHECK(w, ndm_array_free((ndm_array *)&n) == NDM_ERR_BAD_HANDLE);
    ndm_mem_counts m = {.size = sizeof m};
    T_CHECK(w, ndm_mem_stats(&m) == NDM_OK);
}

/* The shared file mapped read-only and summed; every thread sees the same values. */
static void map_the_file(struct worker *w) {
    ndm_array *m = NULL, *s = NULL;
    T_CHECK(w, ndm_open_memmap(npy_path, "r", NULL, 0, NULL, false, 0, &m) == NDM_OK);
    T_CHECK(w, ndm_reduce(NDM_ADD, m, NULL, NDM_ALL_AXES, false, NULL, NULL, &s) == NDM_OK);
    double total = -1;
    T_CHECK(w, ndm_get_item(s, NULL, 0, NDM_KIND_FLOAT64, &total) == NDM_OK);
    T_CHECK(w, total == (double)COLS * (COLS - 1) / 2);
    ndm_array_free(s);
    ndm_array_free(m);
}

static void *work(void *arg) {
    struct worker *w = arg;
    for (int round = 0; round < ROUNDS; round++) {
        /* In place into this thread's row of the shared buffer. */
        ndm_array *r = row(w, base, w->id);
        add_one(w, r);
        ndm_array_free(r);
        if (round == 0 && w->id < 2) { /* ndmem's own threads inside two of these */
            ndm_array *b = row(w, big, w->id);
            add_one(w, b);
            ndm_array_free(b);
        }
        views_of_the_base(w);
        own_last_error(w);
        churn(w);
        if (round % 8 == 0) map_the_file(w);
    }
    return NULL;
}

int main(void) {
    ndm_dtype *f8 = dt("f8");
    int64_t shape[2] = {THREADS, COLS};
    CHECK_OK(ndm_zeros(f8, 2, shape, NDM_ORDER_C, &base));
    int64_t big_shape[2] = {2, BIG};
    CHECK_OK(ndm_zeros(f8, 2, big_shape, NDM_ORDER_C, &big));
    CHECK_OK(ndm_set_num_threads(2));
    ndm_array *ramp = NULL;
    CHECK_OK(ndm_arange(0, COLS, 1, f8, &ramp));
    snprintf(npy_path, sizeof npy_path, "/tmp/ndm_threads_%ld.npy", (long)getpid());
    CHECK_OK(ndm_save_npy(npy_path, ramp, 0, NULL));
    ndm_array_free(ramp);

    /* Warm up what the library initialises once (the SIMD level), and a double free. */
    CHECK(ndm_simd_level() != NULL);
    ndm_array *freed = NULL;
    CHECK_OK(ndm_zeros(f8, 2, shape, NDM_ORDER_C, &freed));
    CHECK_OK(ndm_array_free(freed));
    CHECK_STATUS(ndm_array_free(freed), NDM_ERR_BAD_HANDLE);

    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int t = 0; t < THREADS; t++) {
        workers[t] = (struct worker){.id = t};
        CHECK(pthread_create(&threads[t], NULL, work, &workers[t]) == 0);
    }
    for (int t = 0; t < THREADS; t++) {
        CHECK(pthread_join(threads[t], NULL) == 0);
        checks_passed += workers[t].passed;
        checks_failed += workers[t].failed;
    }
    /* Every element of row t was incremented ROUNDS times by thread t only. */
    const double *data = ndm_data(base);
    int exact = 1;
    for (int i = 0; i < THREADS * COLS; i++) exact &= data[i] == ROUNDS;
    CHECK(exact);
    const double *b = ndm_data(big);
    exact = 1;
    for (int i = 0; i < 2 * BIG; i++) exact &= b[i] == 1;
    CHECK(exact);
    ndm_array_free(big);
    ndm_array_free(base);
    ndm_dtype_free(f8);
    unlink(npy_path);
    return check_report("test_threads");
}
