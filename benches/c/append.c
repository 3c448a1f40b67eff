/* Appending 10,000,000 float64 values one at a time from C to a growable array created with
 * no capacity (so every growth is included), two ways: one ndm_append_raw(g, &v, 1) call per
 * value, and the space/commit path (each value a plain store into ndm_append_space's room,
 * committed every 4,096 values); against a plain C vector doubling with realloc, in the same run
 * (alternating, best of rounds). The target: at most 5 ns per value, amortised.
 * Run: make bench (benches/c is built against target/release). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "ndmem.h"

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

enum { N = 10000000, ROUNDS = 7 };

/* The reference: what a C programmer writes by hand (double the capacity with realloc). */
__attribute__((noinline)) static double plain_vector(void) {
    size_t len = 0, cap = 0;
    double *v = NULL;
    for (int i = 0; i < N; i++) {
        if (len == cap) {
            cap = cap ? 2 * cap : 4;
            double *w = realloc(v, cap * sizeof *v);
            if (!w) abort();
            v = w;
        }
        v[len++] = i;
    }
    double check = v[N - 1];
    free(v);
    return check;
}

static double ndmem_growable(ndm_dtype *f8) {
    ndm_growable *g = NULL;
    if (ndm_empty_growable(f8, 1, (int64_t[]){0}, 0, NDM_ORDER_C, &g) != NDM_OK) abort();
    for (int i = 0; i < N; i++) {
        double v = i;
        if (ndm_append_raw(g, &v, 1) != NDM_OK) abort();
    }
    ndm_array *a = NULL;
    if (ndm_growable_view(g, &a) != NDM_OK) abort();
    double check = ((const double *)ndm_data(a))[N - 1];
    ndm_array_free(a);
    ndm_growable_free(g);
    return check;
}

static double ndmem_space(ndm_dtype *f8) {
    enum { ROOM = 4096 };
    ndm_growable *g = NULL;
    if (ndm_empty_growable(f8, 1, (int64_t[]){0}, 0, NDM_ORDER_C, &g) != NDM_OK) abort();
    double *room = NULL;
    int64_t used = ROOM;
    for (int i = 0; i < N; i++) {
        if (used == ROOM) {
            if (room && ndm_append_commit(g, used) != NDM_OK) abort();
            if (ndm_append_space(g, ROOM, (void **)&room) != NDM_OK) abort();
            used = 0;
        }
        room[used++] = i;
    }
    if (ndm_append_commit(g, used) != NDM_OK) abort();
    ndm_array *a = NULL;
    if (ndm_growable_view(g, &a) != NDM_OK || ndm_shape(a)[0] != N) abort();
    double check = ((const double *)ndm_data(a))[N - 1];
    ndm_array_free(a);
    ndm_growable_free(g);
    return check;
}

int main(void) {
    ndm_dtype *f8 = NULL;
    if (ndm_dtype_parse("f8", &f8) != NDM_OK) return 1;
    double best_nd = 1e30, best_sp = 1e30, best_c = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_ns();
        if (ndmem_growable(f8) != N - 1) return 1;
        double t1 = now_ns();
        if (ndmem_space(f8) != N - 1) return 1;
        double t2 = now_ns();
        if (plain_vector() != N - 1) return 1;
        double t3 = now_ns();
        if (t1 - t0 < best_nd) best_nd = t1 - t0;
        if (t2 - t1 < best_sp) best_sp = t2 - t1;
        if (t3 - t2 < best_c) best_c = t3 - t2;
    }
    printf("append 10,000,000 single float64 from C (best of %d; target <= 5 ns/value):\n", ROUNDS);
    printf("  ndm_append_space + stores + ndm_append_commit  %6.2f ns/value  %s\n", best_sp / N,
           best_sp / N <= 5 ? "met" : "NOT MET");
    printf("  ndm_append_raw, one call per value             %6.2f ns/value\n", best_nd / N);
    printf("  plain C vector doubling with realloc           %6.2f ns/value\n", best_c / N);
    ndm_dtype_free(f8);
    return 0;
}
