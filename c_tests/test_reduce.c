/* Reductions and floating-point functions from C: sums in NumPy's pairwise order, axes,
 * keepdims, where=, mean, identities and errors; sin/cos/exp/sqrt against the C library;
 * float16 storage. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "check.h"

/* NumPy's pairwise summation, written out independently for the oracle. */
static double pairwise(const double *a, int64_t n, int64_t stride) {
    if (n < 8) {
        double res = 0.;
        for (int64_t i = 0; i < n; i++) res += a[i * stride];
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (int j = 0; j < 8; j++) r[j] = a[j * stride];
        int64_t i;
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++) r[j] += a[(i + j) * stride];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) res += a[i * stride];
        return res;
    }
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(a, n2, stride) + pairwise(a + n2 * stride, n - n2, stride);
}

static double scalar_of(ndm_array *r) {
    double v = NAN;
    CHECK(ndm_ndim(r) == 0);
    CHECK_OK(ndm_get_item(r, NULL, 0, NDM_KIND_FLOAT64, &v));
    return v;
}

static void test_sums(void) {
    enum { R = 37, C = 1001 };
    static double data[R * C];
    uint64_t s = 12345;
    for (int i = 0; i < R * C; i++) { /* values over many magnitudes: order matters */
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        data[i] = ldexp((double)(s >> 11) / 9007199254740992.0 - 0.5, (int)(s % 60) - 30);
    }
    ndm_dtype *f8 = dt("f8");
    int64_t shape[2] = {R, C};
    ndm_array *a = NULL, *r = NULL;
    CHECK_OK(ndm_from_ptr(data, sizeof data, 0, f8, 2, shape, NULL, 0, NULL, NULL, &a));
    /* axis=None: one pairwise sum over the contiguous data, bit for bit */
    CHECK_OK(ndm_reduce(NDM_ADD, a, NULL, NDM_ALL_AXES, false, NULL, NULL, &r));
    CHECK(scalar_of(r) == pairwise(data, R * C, 1));
    ndm_array_free(r);
    /* axis=(): NULL with naxes 0 (an empty C++ vector's data()) reduces no axis, never all */
    CHECK_OK(ndm_reduce(NDM_ADD, a, NULL, 0, false, NULL, NULL, &r));
    CHECK(ndm_ndim(r) == 2 && ndm_shape(r)[0] == R && ndm_shape(r)[1] == C);
    ndm_array_free(r);
    /* axis=1: each row pairwise; axis=0: rows added in order */
    int64_t ax1 = 1, ax0 = 0, axm = -1;
    CHECK_OK(ndm_reduce(NDM_ADD, a, &axm, 1, false, NULL, NULL, &r));
    CHECK(ndm_ndim(r) == 1 && ndm_shape(r)[0] == R);
    int ok = 1;
    for (int i = 0; i < R; i++) {
        double v;
        int64_t idx = i;
        CHECK_OK(ndm_get_item(r, &idx, 1, NDM_KIND_FLOAT64, &v));
        ok &= v == pairwise(data + i * C, C, 1);
    }
    CHECK(ok);
    ndm_array_free(r);
    CHECK_OK(ndm_reduce(NDM_ADD, a, &ax0, 1, true, NULL, NULL, &r));
    CHECK(ndm_ndim(r) == 2 && ndm_shape(r)[0] == 1 && ndm_shape(r)[1] == C);
    ok = 1;
    for (int j = 0; j < C; j++) {
        double acc = 0.0, v;
        for (int i = 0; i < R; i++) acc += data[i * C + j];
        int64_t idx[2] = {0, j};
        CHECK_OK(ndm_get_item(r, idx, 2, NDM_KIND_FLOAT64, &v));
        ok &= v == acc;
    }
    CHECK(ok);
    ndm_array_free(r);
    /* a strided column: the run is pairwise over the stride */
    ndm_index_item col[2] = {{NDM_INDEX_SLICE, 0, 0, R, 1}, {NDM_INDEX_INT, 0, 5, 0, 1}};
    ndm_array *c = NULL;
    CHECK_OK(ndm_index(a, col, 2, &c));
    CHECK_OK(ndm_reduce(NDM_ADD, c, NULL, NDM_ALL_AXES, false, NULL, NULL, &r));
    CHECK(scalar_of(r) == pairwise(data + 5, R, C));
    ndm_array_free(r);
    ndm_array_free(c);
    /* mean, max, min over everything */
    CHECK_OK(ndm_reduce(NDM_MEAN, a, NULL, NDM_ALL_AXES, false, NULL, NULL, &r));
    CHECK(scalar_of(r) == pairwise(data, R * C, 1) / (double)(R * C));
    ndm_array_free(r);
    double mx = -INFINITY;
    for (int i = 0; i < R * C; i++) mx = data[i] > mx ? data[i] : mx;
    CHECK_OK(ndm_reduce(NDM_MAXIMUM, a, NULL, NDM_ALL_AXES, false, NULL, NULL, &r));
    CHECK(scalar_of(r) == mx);
    ndm_array_free(r);
    /* out=: written in place, same handle data */
    double out_data[R];
    ndm_array *out = NULL;
    int64_t rr = R;
    CHECK_OK(ndm_from_ptr(out_data, sizeof out_data, 0, f8, 1, &rr, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &out));
    CHECK_OK(ndm_reduce(NDM_ADD, a, &ax1, 1, false, out, NULL, &r));
    CHECK(ndm_data(r) == ndm_data(out) && out_data[3] == pairwise(data + 3 * C, C, 1));
    ndm_array_free(r);
    memset(out_data, 0, sizeof out_data); /* result may be NULL when out is given */
    CHECK_OK(ndm_reduce(NDM_ADD, a, &ax1, 1, false, out, NULL, NULL));
    CHECK(out_data[3] == pairwise(data + 3 * C, C, 1));
    /* where=: a bool mask broadcast over the input */
    bool keep[C];
    for (int j = 0; j < C; j++) keep[j] = j % 3 == 0;
    ndm_array *mask = NULL;
    ndm_dtype *b1 = dt("?");
    int64_t cc = C;
    CHECK_OK(ndm_from_ptr(keep, sizeof keep, 0, b1, 1, &cc, NULL, 0, NULL, NULL, &mask));
    ndm_ufunc_opts opts = {NDM_CASTING_SAME_KIND, NULL, mask};
    CHECK_OK(ndm_reduce(NDM_ADD, a, &ax0, 1, false, NULL, &opts, &r));
    double v;
    int64_t j1 = 1, j3 = 3;
    CHECK_OK(ndm_get_item(r, &j1, 1, NDM_KIND_FLOAT64, &v));
    CHECK(v == 0.0);
    CHECK_OK(ndm_get_item(r, &j3, 1, NDM_KIND_FLOAT64, &v));
    double acc = 0.0;
    for (int i = 0; i < R; i++) acc += data[i * C + 3];
    CHECK(v == acc);
    ndm_array_free(r);

    /* errors: bad op, axis, duplicate, empty max, wrong out, NULLs */
    int64_t dup[2] = {0, -2}, bad_axis = 2;
    CHECK_ERR(ndm_reduce(NDM_SUBTRACT, a, NULL, NDM_ALL_AXES, false, NULL, NULL, &r), NDM_ERR_INVALID_ARG,
              "cannot reduce");
    CHECK_ERR(ndm_reduce(NDM_ADD, a, &bad_axis, 1, false, NULL, NULL, &r), NDM_ERR_AXIS,
              "axis 2 is out of bounds for array of dimension 2");
    CHECK_ERR(ndm_reduce(NDM_ADD, a, dup, 2, false, NULL, NULL, &r), NDM_ERR_INVALID_ARG,
              "duplicate value in 'axis'");
    CHECK_ERR(ndm_reduce(NDM_ADD, a, &ax0, 1, false, out, NULL, &r), NDM_ERR_INVALID_ARG,
              "output parameter for reduction operation add has shape");
    CHECK_ERR(ndm_reduce(NDM_MAXIMUM, a, &ax0, 1, false, NULL, &opts, &r), NDM_ERR_INVALID_ARG,
              "does not have an identity");
    CHECK_ERR(ndm_reduce(NDM_ADD, NULL, NULL, 0, false, NULL, NULL, &r), NDM_ERR_NULL_ARG, "'a'");
    CHECK_ERR(ndm_reduce(NDM_ADD, a, NULL, NDM_ALL_AXES, false, NULL, NULL, NULL), NDM_ERR_NULL_ARG,
              "'result'");
    CHECK_ERR(ndm_reduce(NDM_ADD, a, &ax0, -2, false, NULL, NULL, &r), NDM_ERR_SHAPE, "negative");
    ndm_array *empty = NULL;
    int64_t zero = 0;
    CHECK_OK(ndm_empty(f8, 1, &zero, NDM_ORDER_C, &empty));
    CHECK_ERR(ndm_reduce(NDM_MINIMUM, empty, NULL, NDM_ALL_AXES, false, NULL, NULL, &r), NDM_ERR_INVALID_ARG,
              "zero-size array to reduction operation minimum which has no identity");
    CHECK_OK(ndm_reduce(NDM_MULTIPLY, empty, NULL, NDM_ALL_AXES, false, NULL, NULL, &r));
    CHECK(scalar_of(r) == 1.0);
    ndm_array_free(r);
    CHECK_OK(ndm_reduce(NDM_LOGICAL_AND, empty, NULL, NDM_ALL_AXES, false, NULL, NULL, &r));
    CHECK(scalar_of(r) == 1.0);
    ndm_array_free(r);
    /* integer sums widen to int64 */
    ndm_dtype *i1 = dt("i1");
    int8_t small[4] = {100, 100, 100, 100};
    int64_t four = 4, total = 0;
    ndm_array *si = NULL;
    CHECK_OK(ndm_from_ptr(small, sizeof small, 0, i1, 1, &four, NULL, 0, NULL, NULL, &si));
    CHECK_OK(ndm_reduce(NDM_ADD, si, NULL, NDM_ALL_AXES, false, NULL, NULL, &r));
    CHECK_OK(ndm_get_item(r, NULL, 0, NDM_KIND_INT64, &total));
    CHECK(total == 400);
    ndm_array_free(r);
    ndm_array_free(si);
    ndm_array_free(empty);
    ndm_array_free(mask);
    ndm_array_free(out);
    ndm_array_free(a);
    ndm_dtype_free(b1);
    ndm_dtype_free(i1);
    ndm_dtype_free(f8);
}

/* |a - b| in units in the last place of b. */
static double ulps(double a, double b) {
    if (a == b) return 0;
    return fabs(a - b) / (nextafter(fabs(b), INFINITY) - fabs(b));
}

static void test_math(void) {
    enum { N = 4096 };
    static double x[N], y[N];
    for (int i = 0; i < N; i++) x[i] = (i - N / 2) * 0.731 + 1e-3 * i;
    x[0] = 1e300; x[1] = NAN; x[2] = INFINITY; x[3] = -0.0; x[4] = 800.0; x[5] = -800.0;
    ndm_dtype *f8 = dt("f8");
    int64_t n = N;
    ndm_array *a = NULL, *o = NULL, *r = NULL;
    CHECK_OK(ndm_from_ptr(x, sizeof x, 0, f8, 1, &n, NULL, 0, NULL, NULL, &a));
    CHECK_OK(ndm_from_ptr(y, sizeof y, 0, f8, 1, &n, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &o));
    struct { int op; double (*f)(double); } fns[] = {
        {NDM_SIN, sin}, {NDM_COS, cos}, {NDM_EXP, exp}, {NDM_SQRT, sqrt}, {NDM_LOG, log},
        {NDM_TAN, tan}, {NDM_EXPM1, expm1}, {NDM_LOG1P, log1p}, {NDM_RINT, rint}};
    for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++) {
        CHECK_OK(ndm_ufunc_unary(fns[k].op, a, o, NULL, &r));
        ndm_array_free(r);
        double worst = 0;
        int special_ok = 1;
        for (int i = 0; i < N; i++) {
            double want = fns[k].f(x[i]);
            if (isnan(want) || isinf(want)) {
                special_ok &= isnan(want) ? isnan(y[i]) : y[i] == want;
            } else {
                double e = ulps(y[i], want);
                worst = e > worst ? e : worst;
            }
        }
        CHECK(special_ok);
        CHECK(worst <= 1.0); /* both within 1 ULP of the truth: at most 1 apart in practice */
        if (worst > 1.0) fprintf(stderr, "op %d: %.3f ulp\n", fns[k].op, worst);
    }
    CHECK_OK(ndm_ufunc_unary(NDM_SIN, a, o, NULL, &r));
    CHECK(y[3] == 0.0 && signbit(y[3]));
    ndm_array_free(r);
    /* int8 goes to float16, as NumPy's loops */
    ndm_dtype *i1 = dt("i1"), *got = NULL;
    int8_t small[3] = {1, 4, 9};
    int64_t three = 3;
    ndm_array *s = NULL;
    CHECK_OK(ndm_from_ptr(small, sizeof small, 0, i1, 1, &three, NULL, 0, NULL, NULL, &s));
    CHECK_OK(ndm_ufunc_unary(NDM_SQRT, s, NULL, NULL, &r));
    CHECK_OK(ndm_array_dtype(r, &got));
    CHECK(strcmp(ndm_dtype_str(got), "<f2") == 0);
    double v = 0;
    int64_t two = 2;
    CHECK_OK(ndm_get_item(r, &two, 1, NDM_KIND_FLOAT64, &v));
    CHECK(v == 3.0);
    ndm_dtype_free(got);
    ndm_array_free(r);
    ndm_array_free(s);
    ndm_array_free(a);
    ndm_array_free(o);
    ndm_dtype_free(i1);
    ndm_dtype_free(f8);
}

static void test_float16(void) {
    ndm_dtype *h = NULL;
    CHECK_OK(ndm_dtype_parse("float16", &h));
    CHECK(strcmp(ndm_dtype_str(h), "<f2") == 0 && ndm_dtype_itemsize(h) == 2);
    ndm_dtype_free(h);
    CHECK_OK(ndm_dtype_new(NDM_KIND_FLOAT16, NDM_BYTEORDER_BIG, 0, &h));
    CHECK(strcmp(ndm_dtype_str(h), ">f2") == 0);
    /* 65504 is float16's largest value; 65520 rounds to infinity */
    ndm_array *a = NULL;
    int64_t two = 2, i0 = 0, i1 = 1;
    CHECK_OK(ndm_empty(h, 1, &two, NDM_ORDER_C, &a));
    double big = 65504.0, over = 65520.0, back = 0;
    CHECK_OK(ndm_set_item(a, &i0, 1, NDM_KIND_FLOAT64, &big));
    CHECK_OK(ndm_set_item(a, &i1, 1, NDM_KIND_FLOAT64, &over));
    CHECK_OK(ndm_get_item(a, &i0, 1, NDM_KIND_FLOAT64, &back));
    CHECK(back == 65504.0);
    CHECK_OK(ndm_get_item(a, &i1, 1, NDM_KIND_FLOAT64, &back));
    CHECK(isinf(back));
    const uint8_t *bytes = ndm_data(a);
    CHECK(bytes[0] == 0x7b && bytes[1] == 0xff); /* big-endian 0x7bff */
    ndm_array_free(a);
    ndm_dtype_free(h);
}

int main(void) {
    test_sums();
    test_math();
    test_float16();
    return check_report("test_reduce");
}
