/* A C-owned matrix shared with ndmem, zero-copy: strides, flags, writes seen both ways, a
 * Fortran-ordered copy, and the release callback running once when the last array goes. */
#include <stdio.h>
#include <stdlib.h>
#include "ndmem.h"

#define TRY(call)                                                                       \
    do {                                                                                \
        ndm_status s_ = (call);                                                         \
        if (s_ != NDM_OK) {                                                             \
            fprintf(stderr, "%s failed: %s: %s\n", #call, ndm_status_str(s_), ndm_last_error()); \
            return 1;                                                                   \
        }                                                                               \
    } while (0)

static void release(void *data, void *ctx) {
    printf("release callback: freeing %s\n", (const char *)ctx);
    free(data);
}

static void describe(const char *name, const ndm_array *a) {
    const int64_t *shape = ndm_shape(a), *strides = ndm_strides(a);
    uint32_t f = ndm_flags(a);
    printf("%-9s shape (%lld, %lld) strides (%lld, %lld) data %p  C=%d F=%d OWNDATA=%d "
           "WRITEABLE=%d ALIGNED=%d\n",
           name, (long long)shape[0], (long long)shape[1], (long long)strides[0],
           (long long)strides[1], ndm_data(a), !!(f & NDM_FLAG_C_CONTIGUOUS),
           !!(f & NDM_FLAG_F_CONTIGUOUS), !!(f & NDM_FLAG_OWNDATA),
           !!(f & NDM_FLAG_WRITEABLE), !!(f & NDM_FLAG_ALIGNED));
}

int main(void) {
    printf("ndmem %s\n", ndm_version());
    double *m = malloc(3 * 4 * sizeof(double)); /* a 3x4 row-major matrix owned by C */
    for (int i = 0; i < 12; i++) m[i] = i;

    ndm_dtype *f8 = NULL;
    TRY(ndm_dtype_parse("<f8", &f8));
    int64_t shape[2] = {3, 4};
    ndm_array *a = NULL;
    TRY(ndm_from_ptr(m, 12 * sizeof(double), 0, f8, 2, shape, NULL, NDM_FLAG_WRITEABLE, release,
                     "the C matrix", &a));
    describe("shared", a);
    printf("same memory as the C pointer: %s\n", ndm_data(a) == (void *)m ? "yes" : "no");

    m[5] = 500.0; /* write through C ... */
    double v = 0;
    int64_t idx[2] = {1, 1};
    TRY(ndm_get_item(a, idx, 2, NDM_KIND_FLOAT64, &v)); /* ... read through ndmem */
    printf("C wrote m[5] = 500; ndmem reads a[1,1] = %g\n", v);
    double w = -1.0;
    TRY(ndm_set_item(a, idx, 2, NDM_KIND_FLOAT64, &w));
    printf("ndmem wrote a[1,1] = -1; C reads m[5] = %g\n", m[5]);

    /* Views never copy: the transpose is a 4x3 Fortran-ordered view of the same memory, and
     * a[:, ::-2] walks it backwards. */
    ndm_array *t = NULL, *rev = NULL;
    TRY(ndm_transpose(a, NULL, NDM_ALL_AXES, &t));
    describe("transpose", t);
    ndm_index_item every_other[2] = {
        {NDM_INDEX_SLICE, NDM_SLICE_NO_START | NDM_SLICE_NO_STOP, 0, 0, 1},
        {NDM_INDEX_SLICE, NDM_SLICE_NO_START | NDM_SLICE_NO_STOP, 0, 0, -2},
    };
    TRY(ndm_index(a, every_other, 2, &rev));
    describe("a[:,::-2]", rev);
    ndm_array_free(rev);

    ndm_array *f = NULL;
    TRY(ndm_copy(a, NDM_ORDER_F, &f));
    describe("F copy", f);

    /* Bad input is a status and a message, never a crash. */
    int64_t too_long[2] = {4, 4};
    ndm_array *bad = NULL;
    ndm_status s = ndm_from_ptr(m, 12 * sizeof(double), 0, f8, 2, too_long, NULL, 0, NULL, NULL,
                                &bad);
    printf("wrapping 4x4 over 12 doubles: %s: %s\n", ndm_status_str(s), ndm_last_error());

    ndm_array_free(t);
    ndm_array_free(f);
    printf("freeing the shared array...\n");
    ndm_array_free(a); /* the last array over the C buffer: release runs now, once */
    ndm_dtype_free(f8);
    return 0;
}
