/* Cost of a DLPack hand-over from C: ndm_to_dlpack of a 2-D float64 array, then
 * ndm_from_dlpack_versioned of the tensor and ndm_array_free of the import (which runs the
 * deleter): one complete export + import round trip, no copy. The target: at most
 * 100 ns per round trip. Shown beside the same work done by hand (a malloc'd tensor with its
 * shape and strides, filled and freed), in the same run. Run: make bench. */
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

/* The floor: what any producer must do (allocate the managed struct with room for shape and
 * strides, fill it) and what its deleter undoes. */
static void by_hand_delete(DLManagedTensorVersioned *t) { free(t); }
__attribute__((noinline)) static DLManagedTensorVersioned *by_hand(void *data) {
    DLManagedTensorVersioned *t = malloc(sizeof *t + 4 * sizeof(int64_t));
    int64_t *dims = (int64_t *)(t + 1);
    dims[0] = 100, dims[1] = 100, dims[2] = 100, dims[3] = 1;
    t->version.major = 1, t->version.minor = 1;
    t->manager_ctx = t;
    t->deleter = by_hand_delete;
    t->flags = 0;
    t->dl_tensor = (DLTensor){data, {kDLCPU, 0}, 2, {kDLFloat, 64, 1}, dims, dims + 2, 0};
    return t;
}

int main(void) {
    enum { CALLS = 300000, ROUNDS = 25 };
    ndm_dtype *f8 = NULL;
    ndm_array *a = NULL;
    int64_t shape[2] = {100, 100};
    if (ndm_dtype_parse("f8", &f8) || ndm_zeros(f8, 2, shape, NDM_ORDER_C, &a)) {
        fprintf(stderr, "setup failed: %s\n", ndm_last_error());
        return 1;
    }
    double best_rt = 1e30, best_out = 1e30, best_hand = 1e30, best_view = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_ns();
        for (int i = 0; i < CALLS; i++) {
            DLManagedTensorVersioned *t;
            ndm_array *b;
            if (ndm_to_dlpack(a, 0, &t) || ndm_from_dlpack_versioned(t, &b) || ndm_array_free(b))
                return 1;
        }
        double t1 = now_ns();
        for (int i = 0; i < CALLS; i++) {
            DLManagedTensorVersioned *t;
            if (ndm_to_dlpack(a, 0, &t)) return 1;
            t->deleter(t);
        }
        double t2 = now_ns();
        for (int i = 0; i < CALLS; i++) {
            DLManagedTensorVersioned *t = by_hand(ndm_data(a));
            __asm__ volatile("" : : "r"(t) : "memory");
            t->deleter(t);
        }
        double t3 = now_ns();
        for (int i = 0; i < CALLS; i++) {
            ndm_array *v;
            if (ndm_transpose(a, NULL, NDM_ALL_AXES, &v) || ndm_array_free(v)) return 1;
        }
        double t4 = now_ns();
        if ((t4 - t3) / CALLS < best_view) best_view = (t4 - t3) / CALLS;
        if ((t1 - t0) / CALLS < best_rt) best_rt = (t1 - t0) / CALLS;
        if ((t2 - t1) / CALLS < best_out) best_out = (t2 - t1) / CALLS;
        if ((t3 - t2) / CALLS < best_hand) best_hand = (t3 - t2) / CALLS;
    }
    printf("DLPack from C (best of %d rounds of %d):\n", ROUNDS, CALLS);
    printf("  export + import + free (round trip): %6.1f ns  (target <= 100)\n", best_rt);
    printf("  export + deleter:                    %6.1f ns\n", best_out);
    printf("  a tensor built and freed by hand:    %6.1f ns\n", best_hand);
    printf("  for scale, any ndmem view made and freed (ndm_transpose + ndm_array_free): %.1f ns\n",
           best_view);
    ndm_array_free(a);
    ndm_dtype_free(f8);
    return 0;
}
