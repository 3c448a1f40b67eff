/* Copies in every order, astype with casting rules, copyto with broadcasting and overlap. */
#include <stdint.h>
#include "check.h"

/* Element (i,j,k) of a 3-D float64 array, through its strides. */
static double at3(const ndm_array *a, int64_t i, int64_t j, int64_t k) {
    const int64_t *s = ndm_strides(a);
    const char *p = ndm_data(a);
    return *(const double *)(p + i * s[0] + j * s[1] + k * s[2]);
}

static int same_values3(const ndm_array *a, const ndm_array *b) {
    const int64_t *sh = ndm_shape(a);
    for (int64_t i = 0; i < sh[0]; i++)
        for (int64_t j = 0; j < sh[1]; j++)
            for (int64_t k = 0; k < sh[2]; k++)
                if (at3(a, i, j, k) != at3(b, i, j, k)) return 0;
    return 1;
}

static void test_copy_orders(void) {
    /* x = arange(24.).reshape(2,3,4); v = x.transpose(2,0,1)[::-1]: shape (4,2,3), strides
     * (-8,96,32), element 0 at byte 24 of x's buffer. */
    static double x[24];
    for (int i = 0; i < 24; i++) x[i] = i;
    ndm_dtype *f8 = dt("f8");
    int64_t shape[3] = {4, 2, 3}, strides[3] = {-8, 96, 32};
    ndm_array *v = NULL;
    CHECK_OK(ndm_from_ptr(x, sizeof x, 24, f8, 3, shape, strides, 0, NULL, NULL, &v));
    CHECK(ndm_flags(v) == NDM_FLAG_ALIGNED); /* read-only, not owned, not contiguous */
    CHECK(at3(v, 0, 1, 2) == 3 + 12 + 8);

    static const struct {
        int32_t order;
        int64_t strides[3];
    } expect[] = {
        {NDM_ORDER_C, {48, 24, 8}},
        {NDM_ORDER_F, {8, 32, 64}},
        {NDM_ORDER_A, {48, 24, 8}},
        {NDM_ORDER_K, {8, 96, 32}}, /* NumPy's K rule: flip the negative stride, keep order */
    };
    for (size_t i = 0; i < 4; i++) {
        ndm_array *c = NULL;
        CHECK_OK(ndm_copy(v, expect[i].order, &c));
        const int64_t *s = ndm_strides(c);
        CHECK(s[0] == expect[i].strides[0] && s[1] == expect[i].strides[1] &&
              s[2] == expect[i].strides[2]);
        CHECK(ndm_flags(c) & NDM_FLAG_OWNDATA);
        CHECK(ndm_flags(c) & NDM_FLAG_WRITEABLE);
        CHECK(same_values3(c, v));
        ndm_array_free(c);
    }
    CHECK_ERR(ndm_copy(v, 7, &(ndm_array *){NULL}), NDM_ERR_INVALID_ARG, "order code 7");
    ndm_array_free(v);
    ndm_dtype_free(f8);
}

static void test_astype(void) {
    ndm_dtype *f8 = dt("f8"), *i8 = dt("i8"), *f4 = dt(">f4"), *u1 = dt("u1");
    ndm_array *a = NULL, *b = NULL;
    CHECK_OK(ndm_arange(-2.5, 3, 1, f8, &a)); /* -2.5 .. 2.5 */
    CHECK_ERR(ndm_astype(a, i8, NDM_CASTING_SAME_KIND, NDM_ORDER_K, NDM_COPY_ALWAYS, &b),
              NDM_ERR_CASTING,
              "Cannot cast array data from dtype('float64') to dtype('int64') according to the "
              "rule 'same_kind'");
    CHECK_OK(ndm_astype(a, i8, NDM_CASTING_UNSAFE, NDM_ORDER_K, NDM_COPY_ALWAYS, &b));
    const int64_t *iv = ndm_data(b);
    CHECK(iv[0] == -2 && iv[1] == -1 && iv[2] == 0 && iv[5] == 2); /* truncation toward 0 */
    ndm_array_free(b);

    CHECK_OK(ndm_astype(a, f4, NDM_CASTING_SAME_KIND, NDM_ORDER_C, NDM_COPY_ALWAYS, &b));
    const unsigned char *bytes = ndm_data(b);
    /* -2.5f big-endian is c0 20 00 00 */
    CHECK(bytes[0] == 0xc0 && bytes[1] == 0x20 && bytes[2] == 0 && bytes[3] == 0);
    float back = 0;
    int64_t zero = 0;
    CHECK_OK(ndm_get_item(b, &zero, 1, NDM_KIND_FLOAT32, &back));
    CHECK(back == -2.5f);
    ndm_array_free(b);

    CHECK_OK(ndm_astype(a, u1, NDM_CASTING_UNSAFE, NDM_ORDER_K, NDM_COPY_ALWAYS, &b));
    CHECK(((const uint8_t *)ndm_data(b))[5] == 2);
    ndm_array_free(b);

    /* IF_NEEDED with the same dtype returns the same memory; NEVER refuses a conversion. */
    CHECK_OK(ndm_astype(a, f8, NDM_CASTING_NO, NDM_ORDER_K, NDM_COPY_IF_NEEDED, &b));
    CHECK(ndm_data(b) == ndm_data(a));
    ndm_array_free(b);
    CHECK_OK(ndm_astype(a, f8, NDM_CASTING_NO, NDM_ORDER_K, NDM_COPY_ALWAYS, &b));
    CHECK(ndm_data(b) != ndm_data(a));
    ndm_array_free(b);
    CHECK_ERR(ndm_astype(a, i8, NDM_CASTING_UNSAFE, NDM_ORDER_K, NDM_COPY_NEVER, &b),
              NDM_ERR_COPY_REQUIRED, "copy");
    CHECK_ERR(ndm_astype(a, i8, 9, NDM_ORDER_K, NDM_COPY_ALWAYS, &b), NDM_ERR_INVALID_ARG,
              "casting code 9");
    CHECK_ERR(ndm_astype(a, i8, NDM_CASTING_UNSAFE, NDM_ORDER_K, 5, &b), NDM_ERR_INVALID_ARG,
              "copy mode 5");

    /* Every pair of numeric kinds converts. */
    for (int32_t from = NDM_KIND_BOOL; from <= NDM_KIND_COMPLEX128; from++) {
        for (int32_t to = NDM_KIND_BOOL; to <= NDM_KIND_COMPLEX128; to++) {
            ndm_dtype *df = NULL, *dt_ = NULL;
            ndm_array *src = NULL, *dst = NULL;
            CHECK_OK(ndm_dtype_new(from, NDM_BYTEORDER_NATIVE, 0, &df));
            CHECK_OK(ndm_dtype_new(to, NDM_BYTEORDER_BIG, 0, &dt_));
            CHECK_OK(ndm_arange(0, 2, 1, df, &src));
            CHECK_OK(ndm_astype(src, dt_, NDM_CASTING_UNSAFE, NDM_ORDER_K, NDM_COPY_ALWAYS, &dst));
            double v = -1;
            int64_t one = 1;
            CHECK_OK(ndm_get_item(dst, &one, 1, NDM_KIND_FLOAT64, &v));
            CHECK(v == 1.0);
            ndm_array_free(src);
            ndm_array_free(dst);
            ndm_dtype_free(df);
            ndm_dtype_free(dt_);
        }
    }
    ndm_array_free(a);
    ndm_dtype_free(f8);
    ndm_dtype_free(i8);
    ndm_dtype_free(f4);
    ndm_dtype_free(u1);
}

static void test_copyto(void) {
    ndm_dtype *f8 = dt("f8"), *i4 = dt("i4");
    int64_t shape[2] = {3, 4};
    ndm_array *dst = NULL, *row = NULL, *col = NULL;
    CHECK_OK(ndm_zeros(f8, 2, shape, NDM_ORDER_C, &dst));
    CHECK_OK(ndm_arange(0, 4, 1, i4, &row));
    CHECK_OK(ndm_copyto(dst, row, NDM_CASTING_SAFE)); /* (4,) broadcasts over (3,4) */
    const double *d = ndm_data(dst);
    CHECK(d[0] == 0 && d[3] == 3 && d[4] == 0 && d[11] == 3);
    CHECK_ERR(ndm_copyto(row, dst, NDM_CASTING_UNSAFE), NDM_ERR_SHAPE,
              "could not broadcast input array from shape (3,4) into shape (4,)");
    /* NumPy checks the casting rule before the shapes. */
    CHECK_ERR(ndm_copyto(row, dst, NDM_CASTING_SAME_KIND), NDM_ERR_CASTING, "same_kind");
    int64_t three = 3;
    CHECK_OK(ndm_arange(0, 3, 1, f8, &col));
    CHECK_ERR(ndm_copyto(dst, col, NDM_CASTING_NO), NDM_ERR_SHAPE, "(3,) into shape (3,4)");
    (void)three;
    ndm_array *frow = NULL;
    CHECK_OK(ndm_arange(0, 4, 1, f8, &frow));
    CHECK_ERR(ndm_copyto(row, frow, NDM_CASTING_SAME_KIND), NDM_ERR_CASTING,
              "from dtype('float64') to dtype('int32')");
    ndm_array_free(frow);

    /* Overlap: a[1:] = a[:-1] on one buffer gives memmove semantics. */
    static int64_t buf[10];
    for (int i = 0; i < 10; i++) buf[i] = i;
    ndm_dtype *i8 = dt("i8");
    int64_t nine = 9;
    ndm_array *head = NULL, *tail = NULL;
    CHECK_OK(ndm_from_ptr(buf, sizeof buf, 0, i8, 1, &nine, NULL, NDM_FLAG_WRITEABLE, NULL, NULL,
                          &head));
    CHECK_OK(ndm_from_ptr(buf, sizeof buf, 8, i8, 1, &nine, NULL, NDM_FLAG_WRITEABLE, NULL, NULL,
                          &tail));
    CHECK_OK(ndm_copyto(tail, head, NDM_CASTING_NO));
    CHECK(buf[0] == 0 && buf[1] == 0 && buf[2] == 1 && buf[9] == 8);
    /* and the other direction: a[:-1] = a[1:] */
    CHECK_OK(ndm_copyto(head, tail, NDM_CASTING_NO));
    CHECK(buf[0] == 0 && buf[1] == 1 && buf[7] == 7 && buf[8] == 8 && buf[9] == 8);
    /* reversing in place: a[::-1] = a */
    int64_t ten = 10, neg = -8;
    ndm_array *all = NULL, *rev = NULL;
    for (int i = 0; i < 10; i++) buf[i] = i;
    CHECK_OK(ndm_from_ptr(buf, sizeof buf, 0, i8, 1, &ten, NULL, NDM_FLAG_WRITEABLE, NULL, NULL,
                          &all));
    CHECK_OK(ndm_from_ptr(buf, sizeof buf, 72, i8, 1, &ten, &neg, NDM_FLAG_WRITEABLE, NULL, NULL,
                          &rev));
    CHECK_OK(ndm_copyto(rev, all, NDM_CASTING_NO));
    CHECK(buf[0] == 9 && buf[5] == 4 && buf[9] == 0);
    /* read-only destination */
    ndm_array *ro = NULL;
    CHECK_OK(ndm_from_ptr(buf, sizeof buf, 0, i8, 1, &ten, NULL, 0, NULL, NULL, &ro));
    CHECK_ERR(ndm_copyto(ro, all, NDM_CASTING_NO), NDM_ERR_READONLY, "read-only");
    int64_t zero = 0, v = 5;
    CHECK_ERR(ndm_set_item(ro, &zero, 1, NDM_KIND_INT64, &v), NDM_ERR_READONLY, "read-only");

    ndm_array_free(ro);
    ndm_array_free(all);
    ndm_array_free(rev);
    ndm_array_free(head);
    ndm_array_free(tail);
    ndm_array_free(dst);
    ndm_array_free(row);
    ndm_array_free(col);
    ndm_dtype_free(f8);
    ndm_dtype_free(i4);
    ndm_dtype_free(i8);
}

int main(void) {
    test_copy_orders();
    test_astype();
    test_copyto();
    return check_report("test_copy");
}
