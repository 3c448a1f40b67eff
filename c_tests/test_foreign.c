/* Foreign buffers: zero-copy sharing both ways, and the release callback runs exactly once,
 * when the last array over the buffer goes (never on a failed ndm_from_ptr). */
#include <stdint.h>
#include <stdlib.h>
#include "check.h"

static int releases;
static void *released_data;
static void *released_ctx;

static void on_release(void *data, void *ctx) {
    releases++;
    released_data = data;
    released_ctx = ctx;
    free(data);
}

static void test_shared_and_released_once(void) {
    ndm_dtype *f8 = dt("f8");
    double *mem = malloc(6 * sizeof(double));
    for (int i = 0; i < 6; i++) mem[i] = i;
    int64_t shape[2] = {2, 3};
    int ctx_token = 42;
    ndm_array *a = NULL;
    CHECK_OK(ndm_from_ptr(mem, 6 * sizeof(double), 0, f8, 2, shape, NULL, NDM_FLAG_WRITEABLE,
                          on_release, &ctx_token, &a));
    CHECK(ndm_data(a) == mem); /* no copy */
    CHECK(ndm_flags(a) == (NDM_FLAG_C_CONTIGUOUS | NDM_FLAG_ALIGNED | NDM_FLAG_WRITEABLE));

    /* A write through C is seen by ndmem, and the other way round. */
    mem[4] = 40.0;
    double v = 0;
    int64_t idx[2] = {1, 1};
    CHECK_OK(ndm_get_item(a, idx, 2, NDM_KIND_FLOAT64, &v));
    CHECK(v == 40.0);
    int64_t idx2[2] = {0, 2};
    double w = -7.5;
    CHECK_OK(ndm_set_item(a, idx2, 2, NDM_KIND_FLOAT64, &w));
    CHECK(mem[2] == -7.5);

    /* A second handle to the same array keeps the buffer alive. */
    ndm_array *same = NULL;
    CHECK_OK(ndm_astype(a, f8, NDM_CASTING_NO, NDM_ORDER_K, NDM_COPY_IF_NEEDED, &same));
    CHECK(ndm_data(same) == mem);
    /* A copy does not refer to the buffer. */
    ndm_array *copy = NULL;
    CHECK_OK(ndm_copy(a, NDM_ORDER_K, &copy));
    CHECK(ndm_data(copy) != mem);

    CHECK_OK(ndm_array_free(a));
    CHECK(releases == 0);
    CHECK_OK(ndm_array_free(copy));
    CHECK(releases == 0);
    CHECK_OK(ndm_array_free(same));
    CHECK(releases == 1);
    CHECK(released_data == mem && released_ctx == &ctx_token);
    ndm_dtype_free(f8);
}

static void test_failed_wrap_does_not_release(void) {
    ndm_dtype *f8 = dt("f8");
    double mem[4] = {0};
    int64_t n = 5;
    ndm_array *a = NULL;
    releases = 0;
    CHECK_ERR(ndm_from_ptr(mem, sizeof mem, 0, f8, 1, &n, NULL, 0, on_release, NULL, &a),
              NDM_ERR_BOUNDS, "outside its buffer of 32 bytes");
    CHECK(releases == 0 && a == NULL);
    ndm_dtype_free(f8);
}

static void test_strided_views_of_foreign_memory(void) {
    /* A Fortran-ordered 3x4 int32 matrix, and its second column read backwards. */
    int32_t m[12];
    for (int i = 0; i < 12; i++) m[i] = i;
    ndm_dtype *i4 = dt("<i4");
    int64_t shape[2] = {3, 4}, fstrides[2] = {4, 12};
    ndm_array *f = NULL;
    CHECK_OK(ndm_from_ptr(m, sizeof m, 0, i4, 2, shape, fstrides, NDM_FLAG_WRITEABLE, NULL, NULL,
                          &f));
    CHECK(ndm_flags(f) & NDM_FLAG_F_CONTIGUOUS);
    CHECK(!(ndm_flags(f) & NDM_FLAG_C_CONTIGUOUS));
    int64_t three = 3, back = -4;
    ndm_array *col = NULL;
    CHECK_OK(ndm_from_ptr(m, sizeof m, 5 * 4, i4, 1, &three, &back, NDM_FLAG_WRITEABLE, NULL,
                          NULL, &col));
    int64_t i0 = 0;
    int32_t v = 0;
    CHECK_OK(ndm_get_item(col, &i0, 1, NDM_KIND_INT32, &v));
    CHECK(v == 5);
    /* Misaligned view: not ALIGNED, still readable. */
    ndm_array *mis = NULL;
    int64_t two = 2;
    CHECK_OK(ndm_from_ptr(m, sizeof m, 1, i4, 1, &two, NULL, 0, NULL, NULL, &mis));
    CHECK(!(ndm_flags(mis) & NDM_FLAG_ALIGNED));
    CHECK_OK(ndm_get_item(mis, &i0, 1, NDM_KIND_INT32, &v));
    ndm_array_free(mis);
    ndm_array_free(col);
    ndm_array_free(f);
    ndm_dtype_free(i4);
}

int main(void) {
    test_shared_and_released_once();
    test_failed_wrap_does_not_release();
    test_strided_views_of_foreign_memory();
    return check_report("test_foreign");
}
