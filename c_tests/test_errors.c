/* Every error path with bad input: a status code and a message naming the problem, never a
 * crash, abort or leak. */
#include <stdint.h>
#include "check.h"

static void test_null_arguments(void) {
    ndm_dtype *f8 = dt("f8");
    ndm_array *a = NULL;
    int64_t shape[1] = {3};
    CHECK_OK(ndm_zeros(f8, 1, shape, NDM_ORDER_C, &a));
    ndm_array *out = NULL;
    ndm_dtype *dout = NULL;
    double v = 0;
    bool r;
    CHECK_ERR(ndm_empty(NULL, 1, shape, NDM_ORDER_C, &out), NDM_ERR_NULL_ARG, "'dtype'");
    CHECK_ERR(ndm_empty(f8, 1, NULL, NDM_ORDER_C, &out), NDM_ERR_NULL_ARG, "'shape'");
    CHECK_ERR(ndm_empty(f8, 1, shape, NDM_ORDER_C, NULL), NDM_ERR_NULL_ARG, "'out'");
    CHECK_ERR(ndm_zeros(f8, 1, shape, NDM_ORDER_C, NULL), NDM_ERR_NULL_ARG, "'out'");
    CHECK_ERR(ndm_full(f8, 1, shape, NDM_ORDER_C, NULL, &out), NDM_ERR_NULL_ARG, "'value'");
    CHECK_ERR(ndm_arange(0, 1, 1, NULL, &out), NDM_ERR_NULL_ARG, "'dtype'");
    CHECK_ERR(ndm_from_ptr(NULL, 8, 0, f8, 1, shape, NULL, 0, NULL, NULL, &out), NDM_ERR_NULL_ARG,
              "'data'");
    CHECK_ERR(ndm_from_ptr(&v, 8, 0, f8, 1, NULL, NULL, 0, NULL, NULL, &out), NDM_ERR_NULL_ARG,
              "'shape'");
    CHECK_ERR(ndm_copy(NULL, NDM_ORDER_C, &out), NDM_ERR_NULL_ARG, "'a'");
    CHECK_ERR(ndm_copy(a, NDM_ORDER_C, NULL), NDM_ERR_NULL_ARG, "'out'");
    CHECK_ERR(ndm_copyto(NULL, a, NDM_CASTING_NO), NDM_ERR_NULL_ARG, "'dst'");
    CHECK_ERR(ndm_copyto(a, NULL, NDM_CASTING_NO), NDM_ERR_NULL_ARG, "'src'");
    CHECK_ERR(ndm_astype(a, NULL, 0, 0, 0, &out), NDM_ERR_NULL_ARG, "'dtype'");
    CHECK_ERR(ndm_get_item(a, shape, 1, NDM_KIND_FLOAT64, NULL), NDM_ERR_NULL_ARG, "'value'");
    CHECK_ERR(ndm_get_item(a, NULL, 1, NDM_KIND_FLOAT64, &v), NDM_ERR_NULL_ARG, "'index'");
    CHECK_ERR(ndm_set_item(a, shape, 1, NDM_KIND_FLOAT64, NULL), NDM_ERR_NULL_ARG, "'value'");
    CHECK_ERR(ndm_dtype_parse(NULL, &dout), NDM_ERR_NULL_ARG, "'text'");
    CHECK_ERR(ndm_dtype_parse("f8", NULL), NDM_ERR_NULL_ARG, "'out'");
    CHECK_ERR(ndm_dtype_clone(NULL, &dout), NDM_ERR_NULL_ARG, "'dtype'");
    CHECK_ERR(ndm_can_cast(f8, NULL, 0, &r), NDM_ERR_NULL_ARG, "'to'");
    CHECK_ERR(ndm_can_cast(f8, f8, 0, NULL), NDM_ERR_NULL_ARG, "'result'");
    CHECK_ERR(ndm_array_dtype(NULL, &dout), NDM_ERR_NULL_ARG, "'a'");
    CHECK_ERR(ndm_base(a, NULL), NDM_ERR_NULL_ARG, "'out'");
    CHECK_ERR(ndm_buffer_range(a, NULL, NULL), NDM_ERR_NULL_ARG, "'start'");
    /* Getters on NULL return their fallback and set the last error. */
    CHECK(ndm_ndim(NULL) == -1);
    CHECK(ndm_shape(NULL) == NULL);
    CHECK(ndm_strides(NULL) == NULL);
    CHECK(ndm_size(NULL) == -1);
    CHECK(ndm_itemsize(NULL) == -1);
    CHECK(ndm_nbytes(NULL) == -1);
    CHECK(ndm_data(NULL) == NULL);
    CHECK(ndm_flags(NULL) == 0);
    CHECK(ndm_dtype_itemsize(NULL) == -1);
    CHECK(ndm_dtype_alignment(NULL) == -1);
    CHECK(ndm_dtype_kind(NULL) == -1);
    CHECK(ndm_dtype_byteorder(NULL) == -1);
    CHECK(ndm_dtype_str(NULL) == NULL);
    CHECK(ndm_dtype_equal(NULL, f8) == -1);
    CHECK(strstr(ndm_last_error(), "'a'") != NULL);
    /* Freeing NULL is a no-op. */
    CHECK_OK(ndm_array_free(NULL));
    CHECK_OK(ndm_dtype_free(NULL));
    CHECK(out == NULL && dout == NULL); /* outputs untouched on failure */
    ndm_array_free(a);
    ndm_dtype_free(f8);
}

static void test_bad_shapes(void) {
    ndm_dtype *f8 = dt("f8");
    ndm_array *out = NULL;
    int64_t neg[2] = {3, -1};
    CHECK_ERR(ndm_empty(f8, 2, neg, NDM_ORDER_C, &out), NDM_ERR_SHAPE, "negative dimensions");
    CHECK_ERR(ndm_zeros(f8, -1, neg, NDM_ORDER_C, &out), NDM_ERR_SHAPE, "ndim -1");
    int64_t many[65];
    for (int i = 0; i < 65; i++) many[i] = 1;
    CHECK_ERR(ndm_empty(f8, 65, many, NDM_ORDER_C, &out), NDM_ERR_SHAPE, "found 65");
    CHECK_OK(ndm_empty(f8, 64, many, NDM_ORDER_C, &out)); /* 64 is allowed */
    ndm_array_free(out);
    out = NULL;
    int64_t huge[2] = {INT64_C(1) << 40, INT64_C(1) << 40};
    CHECK_ERR(ndm_empty(f8, 2, huge, NDM_ORDER_C, &out), NDM_ERR_SHAPE, "array is too big");
    int64_t big1[1] = {INT64_MAX};
    CHECK_ERR(ndm_zeros(f8, 1, big1, NDM_ORDER_C, &out), NDM_ERR_SHAPE, "too big");
    int64_t zero_and_huge[3] = {0, INT64_C(1) << 40, INT64_C(1) << 40};
    CHECK_ERR(ndm_empty(f8, 3, zero_and_huge, NDM_ORDER_C, &out), NDM_ERR_SHAPE, "too big");
    /* Representable but more than any machine can give (8 PiB, beyond the address space even
     * with unlimited overcommit): NDM_ERR_ALLOC, not an abort. */
    int64_t tib[1] = {INT64_C(1) << 50};
    CHECK_ERR(ndm_empty(f8, 1, tib, NDM_ORDER_C, &out), NDM_ERR_ALLOC,
              "Unable to allocate 8.00 PiB for an array with shape (1125899906842624,) and data "
              "type float64");
    CHECK_ERR(ndm_empty(f8, 1, tib, NDM_ORDER_K, &out), NDM_ERR_INVALID_ARG, "order code 3");
    CHECK(out == NULL);
    ndm_dtype_free(f8);
}

static void test_bad_dtypes(void) {
    static const char *bad[] = {"", "f3", "<<f8", "float65", "x8", "S", "S0", "i8 ", "complex",
                                "U0", "O", "M8", "f12", "V-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ndm_dtype *d = NULL;
        if (strcmp(bad[i], "complex") == 0) { /* a valid NumPy name: accepted */
            CHECK_OK(ndm_dtype_parse(bad[i], &d));
            ndm_dtype_free(d);
            continue;
        }
        CHECK_STATUS(ndm_dtype_parse(bad[i], &d), NDM_ERR_DTYPE);
        CHECK(strstr(ndm_last_error(), bad[i]) != NULL);
        CHECK(d == NULL);
    }
    CHECK_ERR(ndm_dtype_parse("<m8", &(ndm_dtype *){NULL}), NDM_ERR_DTYPE, "not supported");
    ndm_dtype *d = NULL;
    CHECK_ERR(ndm_dtype_new(99, 0, 0, &d), NDM_ERR_INVALID_ARG, "kind code 99");
    CHECK_ERR(ndm_dtype_new(NDM_KIND_FLOAT64, 7, 0, &d), NDM_ERR_INVALID_ARG, "byte order code 7");
    CHECK_ERR(ndm_dtype_new(NDM_KIND_FLOAT64, 0, 4, &d), NDM_ERR_INVALID_ARG, "itemsize 4");
    CHECK_ERR(ndm_dtype_new(NDM_KIND_BYTES, 0, 0, &d), NDM_ERR_INVALID_ARG, "itemsize 0");
    CHECK(d == NULL);
    ndm_dtype *f8 = dt("f8");
    int64_t n = 2;
    ndm_array *a = NULL;
    CHECK_OK(ndm_zeros(f8, 1, &n, NDM_ORDER_C, &a));
    double v = 0;
    CHECK_ERR(ndm_get_item(a, &n, 1, 77, &v), NDM_ERR_INVALID_ARG, "kind code 77");
    ndm_dtype *s8 = dt("S8");
    ndm_array *b = NULL;
    CHECK_ERR(ndm_astype(a, s8, NDM_CASTING_UNSAFE, NDM_ORDER_K, NDM_COPY_ALWAYS, &b),
              NDM_ERR_DTYPE, "cannot convert");
    CHECK_ERR(ndm_arange(0, 3, 1, s8, &b), NDM_ERR_DTYPE, "not numeric");
    ndm_array_free(a);
    ndm_dtype_free(s8);
    ndm_dtype_free(f8);
}

static void test_bad_handles(void) {
    ndm_dtype *f8 = dt("f8");
    int64_t n = 2;
    ndm_array *a = NULL, *out = NULL;
    CHECK_OK(ndm_zeros(f8, 1, &n, NDM_ORDER_C, &a));
    CHECK_OK(ndm_array_free(a));
    /* Freed handles are detected, never dereferenced. */
    CHECK_ERR(ndm_array_free(a), NDM_ERR_BAD_HANDLE, "already freed");
    CHECK(ndm_ndim(a) == -1);
    CHECK(strstr(ndm_last_error(), "already freed") != NULL);
    CHECK_ERR(ndm_copy(a, NDM_ORDER_C, &out), NDM_ERR_BAD_HANDLE, "already freed");
    /* Foreign pointers: a stack variable, a dtype handle used as an array, a misaligned one. */
    double local = 0;
    CHECK_ERR(ndm_copy((const ndm_array *)&local, NDM_ORDER_C, &out), NDM_ERR_BAD_HANDLE,
              "not an ndm_array handle");
    CHECK_ERR(ndm_copy((const ndm_array *)f8, NDM_ORDER_C, &out), NDM_ERR_BAD_HANDLE,
              "not an ndm_array handle");
    CHECK_ERR(ndm_array_free((ndm_array *)f8), NDM_ERR_BAD_HANDLE, "not an ndm_array handle");
    ndm_array *b = NULL;
    CHECK_OK(ndm_zeros(f8, 1, &n, NDM_ORDER_C, &b));
    CHECK_ERR(ndm_array_free((ndm_array *)((char *)b + 1)), NDM_ERR_BAD_HANDLE, "not an");
    CHECK_ERR(ndm_dtype_free((ndm_dtype *)b), NDM_ERR_BAD_HANDLE, "not an ndm_dtype handle");
    CHECK(ndm_ndim(b) == 1); /* b untouched by the failed frees */
    ndm_array_free(b);
    CHECK_OK(ndm_dtype_free(f8));
    CHECK_ERR(ndm_dtype_free(f8), NDM_ERR_BAD_HANDLE, "already freed");
    CHECK(ndm_dtype_str(f8) == NULL);
    CHECK(out == NULL);
}

static void test_bounds_and_indices(void) {
    ndm_dtype *f8 = dt("f8");
    double mem[8] = {0};
    ndm_array *out = NULL;
    int64_t n = 8, two = 2;
    CHECK_ERR(ndm_from_ptr(mem, sizeof mem, 8, f8, 1, &n, NULL, 0, NULL, NULL, &out),
              NDM_ERR_BOUNDS, "outside its buffer");
    CHECK_ERR(ndm_from_ptr(mem, sizeof mem, -8, f8, 1, &two, NULL, 0, NULL, NULL, &out),
              NDM_ERR_BOUNDS, "outside");
    int64_t neg = -8;
    CHECK_ERR(ndm_from_ptr(mem, sizeof mem, 0, f8, 1, &two, &neg, 0, NULL, NULL, &out),
              NDM_ERR_BOUNDS, "strides (-8,)");
    int64_t huge_stride = INT64_MAX;
    CHECK_ERR(ndm_from_ptr(mem, sizeof mem, 0, f8, 1, &two, &huge_stride, 0, NULL, NULL, &out),
              NDM_ERR_BOUNDS, "");
    int64_t shape3[3] = {2, 2, 2}, overflow[3] = {INT64_MAX / 2, INT64_MAX / 2, 8};
    CHECK_ERR(ndm_from_ptr(mem, sizeof mem, 0, f8, 3, shape3, overflow, 0, NULL, NULL, &out),
              NDM_ERR_BOUNDS, "outside its buffer");
    CHECK_ERR(ndm_from_ptr(mem, SIZE_MAX, 0, f8, 1, &two, NULL, 0, NULL, NULL, &out),
              NDM_ERR_BOUNDS, "len_bytes");
    CHECK_ERR(ndm_from_ptr(mem, sizeof mem, 0, f8, 1, &two, NULL, 0x1, NULL, NULL, &out),
              NDM_ERR_INVALID_ARG, "flags");
    /* A zero stride is fine to read from (broadcast-like), inside the buffer. */
    int64_t zero = 0, five = 5;
    CHECK_OK(ndm_from_ptr(mem, sizeof mem, 56, f8, 1, &five, &zero, 0, NULL, NULL, &out));
    ndm_array_free(out);
    out = NULL;

    ndm_array *a = NULL;
    int64_t shape[2] = {2, 3};
    CHECK_OK(ndm_zeros(f8, 2, shape, NDM_ORDER_C, &a));
    double v;
    int64_t bad0[2] = {2, 0}, bad1[2] = {0, -4}, ok[2] = {-2, -3};
    CHECK_ERR(ndm_get_item(a, bad0, 2, NDM_KIND_FLOAT64, &v), NDM_ERR_INDEX,
              "index 2 is out of bounds for axis 0 with size 2");
    CHECK_ERR(ndm_set_item(a, bad1, 2, NDM_KIND_FLOAT64, &v), NDM_ERR_INDEX,
              "index -4 is out of bounds for axis 1 with size 3");
    CHECK_ERR(ndm_get_item(a, ok, 1, NDM_KIND_FLOAT64, &v), NDM_ERR_INDEX, "1 entries");
    CHECK_OK(ndm_get_item(a, ok, 2, NDM_KIND_FLOAT64, &v));
    ndm_array_free(a);
    ndm_dtype_free(f8);
    CHECK(out == NULL);
}

/* ndm_last_status tells whether the last call failed; ndm_last_error keeps the last failure's
 * message across successes (documented), so a stale message is recognisable. */
static void test_last_status(void) {
    ndm_dtype *d = NULL;
    CHECK(ndm_dtype_parse("f3", &d) == NDM_ERR_DTYPE);
    CHECK(ndm_last_status() == NDM_ERR_DTYPE);
    CHECK_OK(ndm_dtype_parse("f8", &d));
    CHECK(ndm_last_status() == NDM_OK);
    CHECK(strstr(ndm_last_error(), "f3") != NULL); /* the older failure, not cleared */
    CHECK(ndm_dtype_itemsize(d) == 8 && ndm_last_status() == NDM_OK);
    CHECK(ndm_ndim(NULL) == -1 && ndm_last_status() == NDM_ERR_NULL_ARG); /* a getter's fallback */
    (void)ndm_status_str(NDM_OK);
    CHECK(ndm_last_status() == NDM_ERR_NULL_ARG); /* calls that cannot fail leave it */
    ndm_dtype_free(d);
    CHECK(ndm_last_status() == NDM_OK);
    /* A binding records its own failure (the Fortran shim does). */
    CHECK(ndm_set_last_error(NDM_ERR_DTYPE, "wrap: character arrays are not supported") == NDM_ERR_DTYPE);
    CHECK(ndm_last_status() == NDM_ERR_DTYPE && strcmp(ndm_last_error(), "wrap: character arrays are not supported") == 0);
    CHECK(ndm_set_last_error(NDM_ERR_SHAPE, NULL) == NDM_ERR_SHAPE && strcmp(ndm_last_error(), "NDM_ERR_SHAPE") == 0);
    CHECK(ndm_set_last_error(NDM_OK, "x") == NDM_ERR_INVALID_ARG && strstr(ndm_last_error(), "0 is not") != NULL);
    CHECK(ndm_set_last_error(99, "x") == NDM_ERR_INVALID_ARG && ndm_last_status() == NDM_ERR_INVALID_ARG);
}

int main(void) {
    test_last_status();
    test_null_arguments();
    test_bad_shapes();
    test_bad_dtypes();
    test_bad_handles();
    test_bounds_and_indices();
    return check_report("test_errors");
}
