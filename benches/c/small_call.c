/* Cost of a small in-place ufunc call from C: `a += b` on 8 float64 through
 * ndm_ufunc_binary(NDM_ADD, a, b, a, NULL, NULL), against a plain (non-inlined) C loop doing the
 * same 8 additions, in the same run. The target: at most 50 ns per call.
 * Run: make bench (or see the Makefile's bench-c rule). */
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

__attribute__((noinline)) static void plain_add(double *a, const double *b, int n) {
    for (int i = 0; i < n; i++) a[i] += b[i];
    __asm__ volatile("" ::: "memory");
}

int main(void) {
    enum { N = 8, CALLS = 2000000, ROUNDS = 7 };
    double x[N], y[N];
    for (int i = 0; i < N; i++) x[i] = 0, y[i] = 1e-9 * i;
    ndm_dtype *f8 = NULL;
    ndm_array *a = NULL, *b = NULL;
    int64_t n = N;
    if (ndm_dtype_parse("f8", &f8) || ndm_from_ptr(x, sizeof x, 0, f8, 1, &n, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &a) ||
        ndm_from_ptr(y, sizeof y, 0, f8, 1, &n, NULL, 0, NULL, NULL, &b)) {
        fprintf(stderr, "setup failed: %s\n", ndm_last_error());
        return 1;
    }
    double best_nd = 1e30, best_c = 1e30, best_r = 1e30;
    for (int r = 0; r < ROUNDS; r++) { /* alternate, so that drift hits all three */
        double t0 = now_ns();
        for (int i = 0; i < CALLS; i++)
            if (ndm_ufunc_binary(NDM_ADD, a, b, a, NULL, NULL) != NDM_OK) return 1;
        double t1 = now_ns();
        for (int i = 0; i < CALLS; i++) plain_add(x, y, N);
        double t2 = now_ns();
        for (int i = 0; i < CALLS; i++) {
            ndm_array *res = NULL;
            if (ndm_ufunc_binary(NDM_ADD, a, b, a, NULL, &res) != NDM_OK) return 1;
            ndm_array_free(res);
        }
        double t3 = now_ns();
        best_nd = (t1 - t0) / CALLS < best_nd ? (t1 - t0) / CALLS : best_nd;
        best_c = (t2 - t1) / CALLS < best_c ? (t2 - t1) / CALLS : best_c;
        best_r = (t3 - t2) / CALLS < best_r ? (t3 - t2) / CALLS : best_r;
    }
    printf("8-element in-place float64 add from C (best of %d rounds of %d calls):\n", ROUNDS, CALLS);
    printf("  ndm_ufunc_binary(out=a, result=NULL)        %6.1f ns/call\n", best_nd);
    printf("  ndm_ufunc_binary(out=a) + result handle     %6.1f ns/call\n", best_r);
    printf("  plain C loop (noinline)                     %6.1f ns/call\n", best_c);
    printf("  ndmem / plain C: %.1fx; target <= 50 ns: %s\n", best_nd / best_c,
           best_nd <= 50 ? "met" : "NOT met");
    ndm_array_free(a);
    ndm_array_free(b);
    ndm_dtype_free(f8);
    return 0;
}
