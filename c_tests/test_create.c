/* Creation, getters, flags and dtype handles, as a C user sees them. */
#include <math.h>
#include <stdint.h>
#include "check.h"

static void test_version(void) {
    char expect[64];
    snprintf(expect, sizeof expect, "%d.%d.%d", NDM_VERSION_MAJOR, NDM_VERSION_MINOR,
             NDM_VERSION_PATCH);
    CHECK(strcmp(ndm_version(), expect) == 0);
    CHECK(strcmp(ndm_version(), NDM_VERSION_STRING) == 0);
    CHECK(strcmp(ndm_status_str(NDM_OK), "NDM_OK") == 0);
    CHECK(strcmp(ndm_status_str(NDM_ERR_SHAPE), "NDM_ERR_SHAPE") == 0);
    CHECK(strcmp(ndm_status_str(12345), "NDM_ERR_UNKNOWN") == 0);
    CHECK(strcmp(ndm_status_str(-1), "NDM_ERR_UNKNOWN") == 0);
}

static void test_dtypes(void) {
    static const struct {
        const char *text, *str;
        int64_t itemsize, alignment;
        int32_t kind, order;
    } cases[] = {
        {"<f8", "<f8", 8, 8, NDM_KIND_FLOAT64, NDM_BYTEORDER_LITTLE},
        {">i4", ">i4", 4, 4, NDM_KIND_INT32, NDM_BYTEORDER_BIG},
        {"|S32", "|S32", 32, 1, NDM_KIND_BYTES, NDM_BYTEORDER_NA},
        {"|b1", "|b1", 1, 1, NDM_KIND_BOOL, NDM_BYTEORDER_NA},
        {"<c16", "<c16", 16, 8, NDM_KIND_COMPLEX128, NDM_BYTEORDER_LITTLE},
        {"f8", "<f8", 8, 8, NDM_KIND_FLOAT64, NDM_BYTEORDER_LITTLE},
        {"float64", "<f8", 8, 8, NDM_KIND_FLOAT64, NDM_BYTEORDER_LITTLE},
        {"=i2", "<i2", 2, 2, NDM_KIND_INT16, NDM_BYTEORDER_LITTLE},
        {"uint64", "<u8", 8, 8, NDM_KIND_UINT64, NDM_BYTEORDER_LITTLE},
        {">c8", ">c8", 8, 4, NDM_KIND_COMPLEX64, NDM_BYTEORDER_BIG},
        {"V12", "|V12", 12, 1, NDM_KIND_VOID, NDM_BYTEORDER_NA},
        {">i1", "|i1", 1, 1, NDM_KIND_INT8, NDM_BYTEORDER_NA},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ndm_dtype *d = NULL;
        CHECK_OK(ndm_dtype_parse(cases[i].text, &d));
        CHECK(strcmp(ndm_dtype_str(d), cases[i].str) == 0);
        CHECK(ndm_dtype_itemsize(d) == cases[i].itemsize);
        CHECK(ndm_dtype_alignment(d) == cases[i].alignment);
        CHECK(ndm_dtype_kind(d) == cases[i].kind);
        CHECK(ndm_dtype_byteorder(d) == cases[i].order);
        ndm_dtype *c = NULL;
        CHECK_OK(ndm_dtype_clone(d, &c));
        CHECK(ndm_dtype_equal(c, d) == 1);
        CHECK_OK(ndm_dtype_free(c));
        CHECK_OK(ndm_dtype_free(d));
    }
    ndm_dtype *a = NULL, *b = NULL;
    CHECK_OK(ndm_dtype_new(NDM_KIND_FLOAT32, NDM_BYTEORDER_BIG, 0, &a));
    CHECK(strcmp(ndm_dtype_str(a), ">f4") == 0);
    CHECK_OK(ndm_dtype_new(NDM_KIND_BYTES, NDM_BYTEORDER_NATIVE, 7, &b));
    CHECK(strcmp(ndm_dtype_str(b), "|S7") == 0);
    CHECK(ndm_dtype_equal(a, b) == 0);
    bool ok = true;
    ndm_dtype *f8 = dt("f8"), *i8 = dt("i8"), *f4 = dt("f4");
    CHECK_OK(ndm_can_cast(i8, f8, NDM_CASTING_SAFE, &ok));
    CHECK(ok);
    CHECK_OK(ndm_can_cast(f8, i8, NDM_CASTING_SAME_KIND, &ok));
    CHECK(!ok);
    CHECK_OK(ndm_can_cast(f8, f4, NDM_CASTING_SAME_KIND, &ok));
    CHECK(ok);
    CHECK_OK(ndm_can_cast(f8, f4, NDM_CASTING_SAFE, &ok));
    CHECK(!ok);
    ndm_dtype_free(a);
    ndm_dtype_free(b);
    ndm_dtype_free(f8);
    ndm_dtype_free(i8);
    ndm_dtype_free(f4);
}

static void test_empty_zeros_full(void) {
    ndm_dtype *f8 = dt("<f8");
    int64_t shape[3] = {2, 3, 4};
    ndm_array *a = NULL;
    CHECK_OK(ndm_empty(f8, 3, shape, NDM_ORDER_C, &a));
    CHECK(ndm_ndim(a) == 3);
    CHECK(ndm_shape(a)[0] == 2 && ndm_shape(a)[1] == 3 && ndm_shape(a)[2] == 4);
    CHECK(ndm_strides(a)[0] == 96 && ndm_strides(a)[1] == 32 && ndm_strides(a)[2] == 8);
    CHECK(ndm_size(a) == 24);
    CHECK(ndm_itemsize(a) == 8);
    CHECK(ndm_nbytes(a) == 192);
    CHECK(((uintptr_t)ndm_data(a)) % 64 == 0);
    CHECK(ndm_flags(a) == (NDM_FLAG_C_CONTIGUOUS | NDM_FLAG_OWNDATA | NDM_FLAG_ALIGNED |
                           NDM_FLAG_WRITEABLE));
    ndm_array *base = (ndm_array *)1;
    CHECK_OK(ndm_base(a, &base));
    CHECK(base == NULL);
    ndm_dtype *got = NULL;
    CHECK_OK(ndm_array_dtype(a, &got));
    CHECK(ndm_dtype_equal(got, f8) == 1);
    ndm_dtype_free(got);
    void *start = NULL;
    size_t len = 0;
    CHECK_OK(ndm_buffer_range(a, &start, &len));
    CHECK(start == ndm_data(a) && len == 192);
    CHECK_OK(ndm_array_free(a));

    ndm_array *f = NULL;
    CHECK_OK(ndm_zeros(f8, 3, shape, NDM_ORDER_F, &f));
    CHECK(ndm_strides(f)[0] == 8 && ndm_strides(f)[1] == 16 && ndm_strides(f)[2] == 48);
    CHECK(ndm_flags(f) & NDM_FLAG_F_CONTIGUOUS);
    CHECK(!(ndm_flags(f) & NDM_FLAG_C_CONTIGUOUS));
    const double *p = ndm_data(f);
    int all_zero = 1;
    for (int i = 0; i < 24; i++) all_zero &= p[i] == 0.0;
    CHECK(all_zero);
    ndm_array_free(f);

    /* Size-0 arrays get all-zero strides and are both C and F contiguous (NumPy). */
    int64_t empty_shape[2] = {0, 3};
    ndm_array *e = NULL;
    CHECK_OK(ndm_empty(f8, 2, empty_shape, NDM_ORDER_C, &e));
    CHECK(ndm_strides(e)[0] == 0 && ndm_strides(e)[1] == 0);
    CHECK(ndm_size(e) == 0 && ndm_data(e) != NULL);
    CHECK((ndm_flags(e) & (NDM_FLAG_C_CONTIGUOUS | NDM_FLAG_F_CONTIGUOUS)) ==
          (NDM_FLAG_C_CONTIGUOUS | NDM_FLAG_F_CONTIGUOUS));
    ndm_array_free(e);

    /* 0-d arrays have one element. */
    ndm_array *s = NULL;
    double v = 3.25;
    CHECK_OK(ndm_full(f8, 0, NULL, NDM_ORDER_C, &v, &s));
    CHECK(ndm_ndim(s) == 0 && ndm_size(s) == 1);
    double r = 0;
    CHECK_OK(ndm_get_item(s, NULL, 0, NDM_KIND_FLOAT64, &r));
    CHECK(r == 3.25);
    ndm_array_free(s);

    ndm_dtype *i2 = dt(">i2");
    int64_t n5 = 5;
    unsigned char be_seven[2] = {0x00, 0x07};
    ndm_array *full = NULL;
    CHECK_OK(ndm_full(i2, 1, &n5, NDM_ORDER_C, be_seven, &full));
    for (int64_t i = 0; i < 5; i++) {
        int64_t got_i = 0;
        CHECK_OK(ndm_get_item(full, &i, 1, NDM_KIND_INT64, &got_i));
        CHECK(got_i == 7);
    }
    ndm_array_free(full);
    ndm_dtype_free(i2);
    ndm_dtype_free(f8);
}

static void test_arange(void) {
    ndm_dtype *f8 = dt("f8"), *i4 = dt("i4"), *f4 = dt("f4"), *u1 = dt("u1"), *b1 = dt("?");
    ndm_array *a = NULL;
    CHECK_OK(ndm_arange(0, 10, 1, i4, &a));
    CHECK(ndm_size(a) == 10 && ndm_strides(a)[0] == 4);
    const int32_t *ip = ndm_data(a);
    int ok = 1;
    for (int i = 0; i < 10; i++) ok &= ip[i] == i;
    CHECK(ok);
    ndm_array_free(a);

    CHECK_OK(ndm_arange(1.0, 0.0, 0.25, f8, &a)); /* empty when the sign is wrong */
    CHECK(ndm_size(a) == 0);
    ndm_array_free(a);

    CHECK_OK(ndm_arange(10, 0, -3, f8, &a)); /* 10, 7, 4, 1 */
    CHECK(ndm_size(a) == 4 && ((const double *)ndm_data(a))[3] == 1.0);
    ndm_array_free(a);

    /* float32 arange is filled in float32 arithmetic: v0 + i*(v1 - v0) */
    CHECK_OK(ndm_arange(0.1, 5.3, 0.37, f4, &a));
    CHECK(ndm_size(a) == 15);
    float v0 = 0.1f, d = (float)(0.1 + 0.37) - v0;
    CHECK(((const float *)ndm_data(a))[7] == v0 + 7.0f * d);
    ndm_array_free(a);

    CHECK_OK(ndm_arange(250, 260, 1, u1, &a)); /* wraps like NumPy's uint8 fill */
    CHECK(((const uint8_t *)ndm_data(a))[9] == 3);
    ndm_array_free(a);

    CHECK_OK(ndm_arange(0, 2, 1, b1, &a));
    CHECK(ndm_size(a) == 2);
    ndm_array_free(a);
    CHECK_ERR(ndm_arange(0, 3, 1, b1, &a), NDM_ERR_DTYPE, "booleans");
    CHECK_ERR(ndm_arange(0, 3, 0, f8, &a), NDM_ERR_INVALID_ARG, "step");
    CHECK_ERR(ndm_arange(0, NAN, 1, f8, &a), NDM_ERR_INVALID_ARG, "length");
    CHECK_ERR(ndm_arange(0, INFINITY, 1, f8, &a), NDM_ERR_SHAPE, "Maximum allowed size");
    ndm_dtype_free(f8);
    ndm_dtype_free(i4);
    ndm_dtype_free(f4);
    ndm_dtype_free(u1);
    ndm_dtype_free(b1);
}

static void test_items(void) {
    ndm_dtype *c16 = dt("c16");
    int64_t shape[2] = {2, 2};
    ndm_array *a = NULL;
    CHECK_OK(ndm_zeros(c16, 2, shape, NDM_ORDER_C, &a));
    double z[2] = {1.5, -2.0};
    int64_t idx[2] = {1, -1};
    CHECK_OK(ndm_set_item(a, idx, 2, NDM_KIND_COMPLEX128, z));
    double back[2] = {0, 0};
    CHECK_OK(ndm_get_item(a, idx, 2, NDM_KIND_COMPLEX128, back));
    CHECK(back[0] == 1.5 && back[1] == -2.0);
    double re = 0;
    int64_t last[2] = {1, 1};
    CHECK_OK(ndm_get_item(a, last, 2, NDM_KIND_FLOAT64, &re)); /* complex -> real keeps .real */
    CHECK(re == 1.5);
    int32_t seven = 7;
    int64_t first[2] = {0, 0};
    CHECK_OK(ndm_set_item(a, first, 2, NDM_KIND_INT32, &seven));
    CHECK(((const double *)ndm_data(a))[0] == 7.0 && ((const double *)ndm_data(a))[1] == 0.0);
    ndm_array_free(a);
    ndm_dtype_free(c16);

    ndm_dtype *s4 = dt("S4");
    int64_t n = 2;
    ndm_array *s = NULL;
    CHECK_OK(ndm_full(s4, 1, &n, NDM_ORDER_C, "abcd", &s));
    char raw[4] = {0};
    int64_t one = 1;
    CHECK_OK(ndm_get_item(s, &one, 1, NDM_KIND_BYTES, raw));
    CHECK(memcmp(raw, "abcd", 4) == 0);
    ndm_array_free(s);
    ndm_dtype_free(s4);
    /* The value may lie in the element itself (any pointer is accepted): no overlapping copy
     * (an itemsize of 3 is copied bytewise; a debug build aborted here before). */
    ndm_dtype *s3 = dt("S3");
    CHECK_OK(ndm_full(s3, 1, &n, NDM_ORDER_C, "xyz", &s));
    CHECK_OK(ndm_set_item(s, &one, 1, NDM_KIND_BYTES, (const char *)ndm_data(s) + 3));
    CHECK(memcmp((const char *)ndm_data(s) + 3, "xyz", 3) == 0);
    ndm_array_free(s);
    ndm_dtype_free(s3);
}

int main(void) {
    test_version();
    test_dtypes();
    test_empty_zeros_full();
    test_arange();
    test_items();
    return check_report("test_create");
}
