/* Binary ufuncs from C: results, broadcasting, out= with overlap, where=, casting errors. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"

static void test_results_and_overlap(void) {
    int64_t a[10];
    for (int i = 0; i < 10; i++) a[i] = i;
    ndm_dtype *i8 = dt("i8"), *f8 = dt("f8");
    int64_t nine = 9, ten = 10;
    ndm_array *head = NULL, *tail = NULL, *all = NULL, *r = NULL;
    CHECK_OK(ndm_from_ptr(a, sizeof a, 0, i8, 1, &nine, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &head));
    CHECK_OK(ndm_from_ptr(a, sizeof a, 8, i8, 1, &nine, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &tail));
    CHECK_OK(ndm_from_ptr(a, sizeof a, 0, i8, 1, &ten, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &all));
    /* add(a[1:], a[:-1], out=a[1:]) sums the original neighbours, as if copied first */
    CHECK_OK(ndm_ufunc_binary(NDM_ADD, tail, head, tail, NULL, &r));
    CHECK(ndm_data(r) == ndm_data(tail));
    CHECK(a[0] == 0 && a[1] == 1 && a[2] == 3 && a[9] == 17);
    ndm_array_free(r);
    /* in place, element-wise identical: a *= a */
    CHECK_OK(ndm_ufunc_binary(NDM_MULTIPLY, all, all, all, NULL, &r));
    CHECK(a[2] == 9 && a[9] == 289);
    ndm_array_free(r);
    /* with out= the result pointer may be NULL (no handle made); without out= it may not */
    CHECK_OK(ndm_ufunc_binary(NDM_SUBTRACT, all, all, all, NULL, NULL));
    CHECK(a[2] == 0 && a[9] == 0);
    CHECK_OK(ndm_ufunc_unary(NDM_NEGATIVE, all, all, NULL, NULL));
    CHECK_ERR(ndm_ufunc_binary(NDM_ADD, all, all, NULL, NULL, NULL), NDM_ERR_NULL_ARG, "'result'");
    CHECK_ERR(ndm_ufunc_unary(NDM_NEGATIVE, all, NULL, NULL, NULL), NDM_ERR_NULL_ARG, "'result'");
    for (int i = 0; i < 10; i++) a[i] = i * i;

    /* broadcasting and an allocated result: (3,1) + (4,) -> (3,4) float64 */
    ndm_array *col = NULL, *row = NULL, *c = NULL;
    int64_t s31[2] = {3, 1};
    double one = 1.0;
    CHECK_OK(ndm_full(f8, 2, s31, NDM_ORDER_C, &one, &col));
    CHECK_OK(ndm_arange(0, 4, 1, i8, &row));
    CHECK_OK(ndm_ufunc_binary(NDM_TRUE_DIVIDE, row, col, NULL, NULL, &c));
    CHECK(ndm_ndim(c) == 2 && ndm_shape(c)[0] == 3 && ndm_shape(c)[1] == 4);
    double v = 0;
    int64_t at[2] = {2, 3};
    CHECK_OK(ndm_get_item(c, at, 2, NDM_KIND_FLOAT64, &v));
    CHECK(v == 3.0);
    ndm_array_free(c);
    /* comparisons give bool; maximum propagates NaN */
    CHECK_OK(ndm_ufunc_binary(NDM_LESS, row, col, NULL, NULL, &c));
    ndm_dtype *got = NULL;
    CHECK_OK(ndm_array_dtype(c, &got));
    CHECK(strcmp(ndm_dtype_str(got), "|b1") == 0);
    ndm_dtype_free(got);
    ndm_array_free(c);
    double nan_in[2] = {NAN, 1.0}, other[2] = {0.0, NAN}, res[2] = {0, 0};
    int64_t two = 2;
    ndm_array *x = NULL, *y = NULL, *o = NULL;
    CHECK_OK(ndm_from_ptr(nan_in, sizeof nan_in, 0, f8, 1, &two, NULL, 0, NULL, NULL, &x));
    CHECK_OK(ndm_from_ptr(other, sizeof other, 0, f8, 1, &two, NULL, 0, NULL, NULL, &y));
    CHECK_OK(ndm_from_ptr(res, sizeof res, 0, f8, 1, &two, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &o));
    CHECK_OK(ndm_ufunc_binary(NDM_MAXIMUM, x, y, o, NULL, &r));
    CHECK(isnan(res[0]) && isnan(res[1]));
    ndm_array_free(r);

    /* where=: only selected elements are written */
    bool m[2] = {false, true};
    ndm_array *mask = NULL;
    ndm_dtype *b1 = dt("?");
    CHECK_OK(ndm_from_ptr(m, sizeof m, 0, b1, 1, &two, NULL, 0, NULL, NULL, &mask));
    res[0] = res[1] = -5;
    ndm_ufunc_opts opts = {NDM_CASTING_SAME_KIND, NULL, mask};
    CHECK_OK(ndm_ufunc_binary(NDM_ADD, y, y, o, &opts, &r));
    CHECK(res[0] == -5 && isnan(res[1]));
    ndm_array_free(r);

    ndm_array_free(mask);
    ndm_dtype_free(b1);
    ndm_array_free(x);
    ndm_array_free(y);
    ndm_array_free(o);
    ndm_array_free(col);
    ndm_array_free(row);
    ndm_array_free(head);
    ndm_array_free(tail);
    ndm_array_free(all);
    ndm_dtype_free(i8);
    ndm_dtype_free(f8);
}

static void test_errors(void) {
    ndm_dtype *i8 = dt("i8"), *f8 = dt("f8"), *b1 = dt("?");
    ndm_array *ai = NULL, *af = NULL, *ab = NULL, *out = NULL, *r = NULL;
    CHECK_OK(ndm_arange(0, 3, 1, i8, &ai));
    CHECK_OK(ndm_arange(0, 3, 1, f8, &af));
    CHECK_OK(ndm_arange(0, 2, 1, b1, &ab));
    CHECK_ERR(ndm_ufunc_binary(NDM_ADD, ai, af, ai, NULL, &r), NDM_ERR_CASTING,
              "Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'");
    ndm_ufunc_opts forced = {NDM_CASTING_SAME_KIND, i8, NULL};
    CHECK_ERR(ndm_ufunc_binary(NDM_ADD, af, af, NULL, &forced, &r), NDM_ERR_CASTING,
              "Cannot cast ufunc 'add' input 0 from dtype('float64') to dtype('int64')");
    CHECK_ERR(ndm_ufunc_binary(NDM_SUBTRACT, ab, ab, NULL, NULL, &r), NDM_ERR_CASTING,
              "numpy boolean subtract");
    int64_t s31[2] = {3, 1}, four = 4;
    ndm_array *col = NULL, *row = NULL;
    CHECK_OK(ndm_zeros(f8, 2, s31, NDM_ORDER_C, &col));
    CHECK_OK(ndm_zeros(f8, 1, &four, NDM_ORDER_C, &row));
    CHECK_OK(ndm_empty(f8, 1, &four, NDM_ORDER_C, &out));
    CHECK_ERR(ndm_ufunc_binary(NDM_ADD, col, row, out, NULL, &r), NDM_ERR_SHAPE,
              "non-broadcastable output operand with shape (4,) doesn't match the broadcast shape (3,4)");
    CHECK_ERR(ndm_ufunc_binary(NDM_ADD, ai, row, NULL, NULL, &r), NDM_ERR_SHAPE,
              "operands could not be broadcast together with shapes (3,) (4,)");
    ndm_array *ro = NULL;
    CHECK_OK(ndm_broadcast_to(row, 1, &four, &ro));
    CHECK_ERR(ndm_ufunc_binary(NDM_ADD, row, row, ro, NULL, &r), NDM_ERR_READONLY, "output array is read-only");
    CHECK_ERR(ndm_ufunc_unary(NDM_NEGATIVE, row, ro, NULL, &r), NDM_ERR_READONLY, "read-only");
    CHECK_ERR(ndm_ufunc_binary(99, row, row, NULL, NULL, &r), NDM_ERR_INVALID_ARG, "op code 99");
    CHECK_ERR(ndm_ufunc_binary(NDM_BITWISE_AND, row, row, NULL, NULL, &r), NDM_ERR_CASTING,
              "ufunc 'bitwise_and' not supported for the input types");
    ndm_array *sh = NULL;
    CHECK_OK(ndm_ufunc_binary(NDM_LEFT_SHIFT, ai, ai, NULL, NULL, &sh)); /* [0<<0, 1<<1, 2<<2] */
    int64_t two = 2, v = 0;
    CHECK_OK(ndm_get_item(sh, &two, 1, NDM_KIND_INT64, &v));
    CHECK(v == 8);
    ndm_array_free(sh);
    /* floor_divide follows Python: -7 // 2 == -4, and x // 0 == 0 for integers */
    int64_t num[2] = {-7, 5}, den[2] = {2, 0}, fd[2] = {0, 0};
    ndm_array *pn = NULL, *pd = NULL, *pf = NULL;
    CHECK_OK(ndm_from_ptr(num, sizeof num, 0, i8, 1, &two, NULL, 0, NULL, NULL, &pn));
    CHECK_OK(ndm_from_ptr(den, sizeof den, 0, i8, 1, &two, NULL, 0, NULL, NULL, &pd));
    CHECK_OK(ndm_from_ptr(fd, sizeof fd, 0, i8, 1, &two, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &pf));
    CHECK_OK(ndm_ufunc_binary(NDM_FLOOR_DIVIDE, pn, pd, pf, NULL, &sh));
    CHECK(fd[0] == -4 && fd[1] == 0);
    ndm_array_free(sh);
    CHECK_OK(ndm_ufunc_binary(NDM_REMAINDER, pn, pd, pf, NULL, &sh));
    CHECK(fd[0] == 1 && fd[1] == 0);
    ndm_array_free(sh);
    ndm_array_free(pn);
    ndm_array_free(pd);
    ndm_array_free(pf);
    CHECK_ERR(ndm_ufunc_binary(NDM_ADD, NULL, row, NULL, NULL, &r), NDM_ERR_NULL_ARG, "'a'");
    CHECK_ERR(ndm_ufunc_binary(NDM_ADD, row, row, NULL, NULL, NULL), NDM_ERR_NULL_ARG, "'result'");
    ndm_ufunc_opts bad = {42, NULL, NULL};
    CHECK_ERR(ndm_ufunc_binary(NDM_ADD, row, row, NULL, &bad, &r), NDM_ERR_INVALID_ARG, "casting code 42");
    ndm_ufunc_opts bad_mask = {NDM_CASTING_SAME_KIND, NULL, row};
    CHECK_ERR(ndm_ufunc_binary(NDM_ADD, row, row, NULL, &bad_mask, &r), NDM_ERR_CASTING, "dtype('bool')");
    CHECK(r == NULL);
    ndm_array_free(ro);
    ndm_array_free(out);
    ndm_array_free(col);
    ndm_array_free(row);
    ndm_array_free(ai);
    ndm_array_free(af);
    ndm_array_free(ab);
    ndm_dtype_free(i8);
    ndm_dtype_free(f8);
    ndm_dtype_free(b1);
}

static void test_unary(void) {
    ndm_dtype *i1 = dt("i1"), *c16 = dt("c16"), *f8 = dt("f8");
    int8_t small[3] = {-128, -5, 7};
    int64_t three = 3, one = 1, zero = 0;
    ndm_array *a = NULL, *r = NULL;
    CHECK_OK(ndm_from_ptr(small, sizeof small, 0, i1, 1, &three, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &a));
    CHECK_OK(ndm_ufunc_unary(NDM_NEGATIVE, a, a, NULL, &r)); /* in place; -(-128) wraps */
    CHECK(small[0] == -128 && small[1] == 5 && small[2] == -7);
    ndm_array_free(r);
    double z[2] = {3.0, -4.0};
    ndm_array *c = NULL;
    CHECK_OK(ndm_from_ptr(z, sizeof z, 0, c16, 1, &one, NULL, 0, NULL, NULL, &c));
    CHECK_OK(ndm_ufunc_unary(NDM_ABSOLUTE, c, NULL, NULL, &r));
    ndm_dtype *got = NULL;
    CHECK_OK(ndm_array_dtype(r, &got));
    CHECK(strcmp(ndm_dtype_str(got), "<f8") == 0);
    double mag = 0;
    CHECK_OK(ndm_get_item(r, &zero, 1, NDM_KIND_FLOAT64, &mag));
    CHECK(mag == 5.0);
    ndm_dtype_free(got);
    ndm_array_free(r);
    r = NULL; /* the failing calls below must leave it untouched */
    ndm_array *f = NULL;
    CHECK_OK(ndm_arange(0, 3, 1, f8, &f));
    CHECK_ERR(ndm_ufunc_unary(NDM_INVERT, f, NULL, NULL, &r), NDM_ERR_CASTING,
              "ufunc 'invert' not supported for the input types");
    CHECK_ERR(ndm_ufunc_unary(22, f, NULL, NULL, &r), NDM_ERR_INVALID_ARG, "op code 22");
    CHECK_ERR(ndm_ufunc_unary(NDM_ISNAN, NULL, NULL, NULL, &r), NDM_ERR_NULL_ARG, "'a'");
    CHECK(r == NULL);
    ndm_array_free(f);
    ndm_array_free(c);
    ndm_array_free(a);
    ndm_dtype_free(i1);
    ndm_dtype_free(c16);
    ndm_dtype_free(f8);
}

/* Python-style scalars (NEP 50): int8 + 3 stays int8, int8 += 300 overflows, 1 - x. */
static void test_scalars(void) {
    int8_t v[4] = {1, 2, 3, 100};
    int64_t four = 4;
    ndm_dtype *i1 = dt("i1"), *got = NULL;
    ndm_array *a = NULL, *r = NULL;
    CHECK_OK(ndm_from_ptr(v, sizeof v, 0, i1, 1, &four, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &a));
    ndm_scalar three = {NDM_SCALAR_INT, 3, 0, 0};
    CHECK_OK(ndm_ufunc_scalar(NDM_ADD, a, &three, false, a, NULL, NULL));
    CHECK(v[0] == 4 && v[3] == 103);
    CHECK_OK(ndm_ufunc_scalar(NDM_SUBTRACT, a, &three, true, NULL, NULL, &r)); /* 3 - a */
    CHECK_OK(ndm_array_dtype(r, &got));
    CHECK(strcmp(ndm_dtype_str(got), "|i1") == 0);
    int64_t i0 = 0;
    int64_t first = 0;
    CHECK_OK(ndm_get_item(r, &i0, 1, NDM_KIND_INT64, &first));
    CHECK(first == -1);
    ndm_dtype_free(got);
    ndm_array_free(r);
    ndm_scalar big = {NDM_SCALAR_INT, 300, 0, 0};
    CHECK_ERR(ndm_ufunc_scalar(NDM_ADD, a, &big, false, a, NULL, NULL), NDM_ERR_OVERFLOW,
              "Python integer 300 out of bounds for int8");
    CHECK(v[0] == 4); /* untouched */
    /* comparisons with out-of-range integers are exact */
    CHECK_OK(ndm_ufunc_scalar(NDM_LESS, a, &big, false, NULL, NULL, &r));
    bool lt = false;
    CHECK_OK(ndm_get_item(r, &i0, 1, NDM_KIND_BOOL, &lt));
    CHECK(lt);
    ndm_array_free(r);
    /* a float scalar with an int array gives float64; into the int array it is a casting error */
    ndm_scalar half = {NDM_SCALAR_FLOAT, 0, 0.5, 0};
    CHECK_OK(ndm_ufunc_scalar(NDM_MULTIPLY, a, &half, false, NULL, NULL, &r));
    CHECK_OK(ndm_array_dtype(r, &got));
    CHECK(strcmp(ndm_dtype_str(got), "<f8") == 0);
    ndm_dtype_free(got);
    ndm_array_free(r);
    CHECK_ERR(ndm_ufunc_scalar(NDM_MULTIPLY, a, &half, false, a, NULL, NULL), NDM_ERR_CASTING,
              "Cannot cast ufunc 'multiply' output from dtype('float64') to dtype('int8')");
    ndm_scalar bad = {42, 0, 0, 0};
    CHECK_ERR(ndm_ufunc_scalar(NDM_ADD, a, &bad, false, NULL, NULL, &r), NDM_ERR_INVALID_ARG,
              "scalar kind 42");
    CHECK_ERR(ndm_ufunc_scalar(NDM_ADD, a, NULL, false, NULL, NULL, &r), NDM_ERR_NULL_ARG, "'s'");
    CHECK_ERR(ndm_ufunc_scalar(99, a, &three, false, NULL, NULL, &r), NDM_ERR_INVALID_ARG, "op code 99");
    /* power: integers by squaring (wrapping), negative integer exponents refused */
    ndm_scalar two = {NDM_SCALAR_INT, 2, 0, 0}, minus = {NDM_SCALAR_INT, -1, 0, 0};
    CHECK_OK(ndm_ufunc_scalar(NDM_POWER, a, &two, false, NULL, NULL, &r));
    int64_t sq = 0, i3 = 3;
    CHECK_OK(ndm_get_item(r, &i3, 1, NDM_KIND_INT64, &sq));
    CHECK(sq == (int8_t)(103 * 103));
    ndm_array_free(r);
    CHECK_ERR(ndm_ufunc_scalar(NDM_POWER, a, &minus, false, NULL, NULL, &r), NDM_ERR_INVALID_ARG,
              "Integers to negative integer powers are not allowed.");
    ndm_array_free(a);
    ndm_dtype_free(i1);
}

/* Large loops split across threads: same results for every count; the count's bounds. */
static void test_threads(void) {
    int64_t n = (5 << 20) / 8 + 3;
    double *x = malloc((size_t)n * sizeof(double)), *y = malloc((size_t)n * sizeof(double));
    double *z = malloc((size_t)n * sizeof(double));
    for (int64_t i = 0; i < n; i++) x[i] = (double)(i % 1000) * 0.25 + 1.0;
    ndm_dtype *f8 = dt("f8");
    ndm_array *ax = NULL, *ay = NULL, *az = NULL;
    size_t bytes = (size_t)n * sizeof(double);
    /* views from element 1 on, so that no piece starts aligned */
    int64_t m = n - 1;
    CHECK_OK(ndm_from_ptr(x, bytes, 8, f8, 1, &m, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &ax));
    CHECK_OK(ndm_from_ptr(y, bytes, 8, f8, 1, &m, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &ay));
    CHECK_OK(ndm_from_ptr(z, bytes, 8, f8, 1, &m, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &az));
    int64_t counts[3] = {1, 2, 3};
    for (int k = 0; k < 3; k++) {
        CHECK_OK(ndm_set_num_threads(counts[k]));
        CHECK(ndm_get_num_threads() == counts[k]);
        CHECK_OK(ndm_ufunc_unary(NDM_SQRT, ax, ay, NULL, NULL));
        CHECK_OK(ndm_ufunc_binary(NDM_MULTIPLY, ay, ay, az, NULL, NULL));
        int bad = 0;
        for (int64_t i = 1; i < n; i++) bad += y[i] != sqrt(x[i]) || z[i] != y[i] * y[i];
        CHECK(bad == 0);
    }
    CHECK_ERR(ndm_set_num_threads(-1), NDM_ERR_INVALID_ARG, "num_threads must be in 0..=1024");
    CHECK_ERR(ndm_set_num_threads(1025), NDM_ERR_INVALID_ARG, "got 1025");
    CHECK(ndm_get_num_threads() == 3);
    CHECK_OK(ndm_set_num_threads(0));
    CHECK(ndm_get_num_threads() >= 1);
    ndm_array_free(ax);
    ndm_array_free(ay);
    ndm_array_free(az);
    ndm_dtype_free(f8);
    free(x);
    free(y);
    free(z);
}

int main(void) {
    test_threads();
    test_scalars();
    test_unary();
    test_results_and_overlap();
    test_errors();
    return check_report("test_ufunc");
}
