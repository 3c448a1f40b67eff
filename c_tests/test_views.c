/* Views without copies: indexing, axis views, reshape, broadcasting, checked as_strided,
 * windows, overlap queries and selection copies, with their error paths. */
#include <stdint.h>
#include "check.h"

static ndm_array *arange_i8(int64_t n) {
    ndm_dtype *i8 = dt("i8");
    ndm_array *a = NULL;
    CHECK_OK(ndm_arange(0, (double)n, 1, i8, &a));
    ndm_dtype_free(i8);
    return a;
}

static ndm_array *reshaped(ndm_array *a, int32_t ndim, const int64_t *shape) {
    ndm_array *r = NULL;
    CHECK_OK(ndm_reshape(a, ndim, shape, NDM_ORDER_C, NDM_COPY_NEVER, &r));
    return r;
}

static int64_t item_i8(const ndm_array *a, const int64_t *idx, int32_t n) {
    int64_t v = -1;
    CHECK_OK(ndm_get_item(a, idx, n, NDM_KIND_INT64, &v));
    return v;
}

static void test_index(void) {
    ndm_array *flat = arange_i8(24);
    int64_t shape[3] = {2, 3, 4};
    ndm_array *x = reshaped(flat, 3, shape);
    CHECK(ndm_data(x) == ndm_data(flat)); /* reshape of a contiguous array is a view */
    ndm_array *base = NULL;
    CHECK_OK(ndm_base(x, &base));
    CHECK(base != NULL && ndm_data(base) == ndm_data(flat));
    ndm_array_free(base);

    /* x[1, ::-1, None, 1:3] */
    ndm_index_item items[4] = {
        {NDM_INDEX_INT, 0, 1, 0, 0},
        {NDM_INDEX_SLICE, NDM_SLICE_NO_START | NDM_SLICE_NO_STOP, 0, 0, -1},
        {NDM_INDEX_NEWAXIS, 0, 0, 0, 0},
        {NDM_INDEX_SLICE, 0, 1, 3, 1},
    };
    ndm_array *v = NULL;
    CHECK_OK(ndm_index(x, items, 4, &v));
    CHECK(ndm_ndim(v) == 3);
    CHECK(ndm_shape(v)[0] == 3 && ndm_shape(v)[1] == 1 && ndm_shape(v)[2] == 2);
    CHECK(ndm_strides(v)[0] == -32 && ndm_strides(v)[1] == 0 && ndm_strides(v)[2] == 8);
    CHECK((char *)ndm_data(v) - (char *)ndm_data(x) == 96 + 64 + 8);
    CHECK(!(ndm_flags(v) & NDM_FLAG_OWNDATA));
    int64_t i0[3] = {0, 0, 0};
    CHECK(item_i8(v, i0, 3) == 12 + 8 + 1);
    /* a write through the view reaches the base */
    int64_t seven = 7;
    CHECK_OK(ndm_set_item(v, i0, 3, NDM_KIND_INT64, &seven));
    CHECK(((const int64_t *)ndm_data(flat))[21] == 7);
    ndm_array_free(v);

    ndm_array *out = NULL;
    ndm_index_item bad_int = {NDM_INDEX_INT, 0, 3, 0, 0};
    ndm_index_item first[2] = {{NDM_INDEX_INT, 0, 0, 0, 0}, bad_int};
    CHECK_ERR(ndm_index(x, first, 2, &out), NDM_ERR_INDEX,
              "index 3 is out of bounds for axis 1 with size 3");
    ndm_index_item four[4] = {{NDM_INDEX_INT, 0, 0, 0, 0}, {NDM_INDEX_INT, 0, 0, 0, 0},
                              {NDM_INDEX_INT, 0, 0, 0, 0}, {NDM_INDEX_INT, 0, 0, 0, 0}};
    CHECK_ERR(ndm_index(x, four, 4, &out), NDM_ERR_INDEX, "array is 3-dimensional, but 4 were indexed");
    ndm_index_item zero_step = {NDM_INDEX_SLICE, 0, 0, 2, 0};
    CHECK_ERR(ndm_index(x, &zero_step, 1, &out), NDM_ERR_INVALID_ARG, "slice step cannot be zero");
    ndm_index_item two_ellipses[2] = {{NDM_INDEX_ELLIPSIS, 0, 0, 0, 0}, {NDM_INDEX_ELLIPSIS, 0, 0, 0, 0}};
    CHECK_ERR(ndm_index(x, two_ellipses, 2, &out), NDM_ERR_INDEX, "single ellipsis");
    ndm_index_item weird = {42, 0, 0, 0, 0};
    CHECK_ERR(ndm_index(x, &weird, 1, &out), NDM_ERR_INVALID_ARG, "kind 42");
    CHECK_ERR(ndm_index(x, NULL, 1, &out), NDM_ERR_NULL_ARG, "'items'");
    CHECK_ERR(ndm_index(x, items, -1, &out), NDM_ERR_INVALID_ARG, "nitems -1");
    CHECK(out == NULL);
    ndm_array_free(x);
    ndm_array_free(flat);
}

static void test_axes_and_reshape(void) {
    ndm_array *flat = arange_i8(24);
    int64_t shape[3] = {2, 3, 4};
    ndm_array *x = reshaped(flat, 3, shape);
    ndm_array *t = NULL, *out = NULL;
    CHECK_OK(ndm_transpose(x, NULL, NDM_ALL_AXES, &t));
    CHECK(ndm_strides(t)[0] == 8 && ndm_strides(t)[1] == 32 && ndm_strides(t)[2] == 96);
    CHECK(ndm_flags(t) & NDM_FLAG_F_CONTIGUOUS);
    int64_t perm_bad[3] = {0, 0, 1}, perm_short[2] = {0, 1}, perm_far[3] = {0, 1, 3};
    CHECK_ERR(ndm_transpose(x, perm_bad, 3, &out), NDM_ERR_INVALID_ARG, "repeated axis in transpose");
    CHECK_ERR(ndm_transpose(x, perm_short, 2, &out), NDM_ERR_INVALID_ARG, "axes don't match array");
    CHECK_ERR(ndm_transpose(x, NULL, 0, &out), NDM_ERR_INVALID_ARG, "axes don't match array");
    CHECK_ERR(ndm_transpose(x, perm_far, 3, &out), NDM_ERR_AXIS,
              "axis 3 is out of bounds for array of dimension 3");
    CHECK_ERR(ndm_swapaxes(x, 0, -4, &out), NDM_ERR_AXIS, "axis2: axis -4 is out of bounds");

    /* reshape of the transpose: (12, 2) needs a copy; (4, 6) in F order is a view */
    int64_t s12x2[2] = {12, 2}, s4x6[2] = {4, 6}, bad[2] = {5, -1};
    CHECK_ERR(ndm_reshape(t, 2, s12x2, NDM_ORDER_C, NDM_COPY_NEVER, &out), NDM_ERR_COPY_REQUIRED,
              "Unable to avoid creating a copy while reshaping.");
    CHECK_OK(ndm_reshape(t, 2, s12x2, NDM_ORDER_C, NDM_COPY_IF_NEEDED, &out));
    CHECK(ndm_data(out) != ndm_data(x) && ndm_strides(out)[0] == 16);
    ndm_array_free(out);
    CHECK_OK(ndm_reshape(t, 2, s4x6, NDM_ORDER_F, NDM_COPY_NEVER, &out));
    CHECK(ndm_data(out) == ndm_data(x) && ndm_strides(out)[0] == 8 && ndm_strides(out)[1] == 32);
    ndm_array_free(out);
    CHECK_ERR(ndm_reshape(x, 2, bad, NDM_ORDER_C, NDM_COPY_IF_NEEDED, &out), NDM_ERR_SHAPE,
              "cannot reshape array of size 24 into shape (5,newaxis)");
    CHECK_ERR(ndm_reshape(x, 2, s4x6, NDM_ORDER_K, NDM_COPY_IF_NEEDED, &out), NDM_ERR_INVALID_ARG,
              "order 'K' is not permitted for reshaping");

    /* ravel: a view for the C-contiguous x, a copy for the transpose in C order */
    CHECK_OK(ndm_ravel(x, NDM_ORDER_C, &out));
    CHECK(ndm_data(out) == ndm_data(x));
    ndm_array_free(out);
    CHECK_OK(ndm_ravel(t, NDM_ORDER_C, &out));
    CHECK(ndm_data(out) != ndm_data(x) && (ndm_flags(out) & NDM_FLAG_OWNDATA));
    int64_t one = 1;
    CHECK(item_i8(out, &one, 1) == 12);
    ndm_array_free(out);
    CHECK_OK(ndm_flatten(x, NDM_ORDER_F, &out));
    CHECK(item_i8(out, &one, 1) == 12);
    ndm_array_free(out);
    CHECK_OK(ndm_ascontiguousarray(x, &out));
    CHECK(ndm_data(out) == ndm_data(x));
    ndm_array_free(out);
    CHECK_OK(ndm_asfortranarray(x, &out));
    CHECK(ndm_data(out) != ndm_data(x) && (ndm_flags(out) & NDM_FLAG_F_CONTIGUOUS));
    ndm_array_free(out);

    out = NULL; /* the error paths below must leave it untouched */

    /* squeeze / expand_dims / moveaxis / diagonal */
    int64_t ax0 = 0, ax_far = 5;
    ndm_array *e = NULL, *s = NULL, *m = NULL, *d = NULL;
    CHECK_OK(ndm_expand_dims(x, &ax0, 1, &e));
    CHECK(ndm_ndim(e) == 4 && ndm_shape(e)[0] == 1);
    CHECK_OK(ndm_squeeze(e, NULL, 0, &s)); /* no axis listed: nothing squeezed */
    CHECK(ndm_ndim(s) == 4);
    ndm_array_free(s);
    CHECK_OK(ndm_squeeze(e, NULL, NDM_ALL_AXES, &s));
    CHECK(ndm_ndim(s) == 3);
    int64_t ax1 = 1;
    CHECK_ERR(ndm_squeeze(x, &ax1, 1, &out), NDM_ERR_INVALID_ARG, "size not equal to one");
    CHECK_ERR(ndm_expand_dims(x, &ax_far, 1, &out), NDM_ERR_AXIS, "axis 5 is out of bounds");
    int64_t src = 0, dst = -1;
    CHECK_OK(ndm_moveaxis(x, &src, &dst, 1, &m));
    CHECK(ndm_shape(m)[0] == 3 && ndm_shape(m)[2] == 2 && ndm_strides(m)[2] == 96);
    CHECK_OK(ndm_diagonal(x, 1, 1, 2, &d));
    CHECK(ndm_ndim(d) == 2 && ndm_shape(d)[1] == 3 && !(ndm_flags(d) & NDM_FLAG_WRITEABLE));
    CHECK_ERR(ndm_diagonal(x, 0, 1, 1, &out), NDM_ERR_INVALID_ARG, "axis1 and axis2 cannot be the same");
    CHECK(out == NULL);
    ndm_array_free(e);
    ndm_array_free(s);
    ndm_array_free(m);
    ndm_array_free(d);
    ndm_array_free(t);
    ndm_array_free(x);
    ndm_array_free(flat);
}

static void test_broadcasting_and_windows(void) {
    int64_t s1[3] = {2, 0, 1}, s2[1] = {3}, s3[1] = {2}, s0[1] = {0};
    const int64_t *shapes[2] = {s1, s2};
    int32_t ndims[2] = {3, 1};
    int32_t ndim = -1;
    int64_t out_shape[NDM_MAX_NDIM];
    CHECK_OK(ndm_broadcast_shapes(2, ndims, shapes, &ndim, out_shape));
    CHECK(ndim == 3 && out_shape[0] == 2 && out_shape[1] == 0 && out_shape[2] == 3);
    const int64_t *bad[2] = {s0, s3};
    int32_t bad_ndims[2] = {1, 1};
    CHECK_ERR(ndm_broadcast_shapes(2, bad_ndims, bad, &ndim, out_shape), NDM_ERR_SHAPE,
              "Mismatch is between arg 0 with shape (0,) and arg 1 with shape (2,).");
    CHECK_ERR(ndm_broadcast_shapes(2, NULL, bad, &ndim, out_shape), NDM_ERR_NULL_ARG, "'ndims'");

    ndm_array *a = arange_i8(3), *b = NULL, *out = NULL;
    int64_t to[2] = {4, 3};
    CHECK_OK(ndm_broadcast_to(a, 2, to, &b));
    CHECK(ndm_strides(b)[0] == 0 && ndm_strides(b)[1] == 8 && !(ndm_flags(b) & NDM_FLAG_WRITEABLE));
    int64_t zero = 0, v = 1;
    int64_t idx[2] = {3, 2};
    CHECK(item_i8(b, idx, 2) == 2);
    CHECK_ERR(ndm_set_item(b, idx, 2, NDM_KIND_INT64, &v), NDM_ERR_READONLY, "read-only");
    ndm_array_free(b);
    int64_t wrong[1] = {4};
    CHECK_ERR(ndm_broadcast_to(a, 1, wrong, &out), NDM_ERR_SHAPE,
              "operands could not be broadcast together with remapped shapes [original->remapped]: (3,)  and requested shape (4,)");
    CHECK_ERR(ndm_broadcast_to(a, 0, NULL, &out), NDM_ERR_INVALID_ARG, "non-scalar to a scalar");

    /* windows of 3 over 6 elements: shape (4, 3), strides (8, 8), read-only by default */
    ndm_array *six = arange_i8(6), *w = NULL;
    int64_t three = 3;
    CHECK_OK(ndm_sliding_window_view(six, 1, &three, NULL, false, &w));
    CHECK(ndm_shape(w)[0] == 4 && ndm_shape(w)[1] == 3 && ndm_strides(w)[0] == 8);
    CHECK(!(ndm_flags(w) & NDM_FLAG_WRITEABLE));
    ndm_array_free(w);
    /* Writeable windows only where no element is in two windows (the rule of ndm_as_strided). */
    CHECK_ERR(ndm_sliding_window_view(six, 1, &three, NULL, true, &out), NDM_ERR_INVALID_ARG, "overlap");
    int64_t one_window = 1;
    CHECK_OK(ndm_sliding_window_view(six, 1, &one_window, NULL, true, &w));
    CHECK(ndm_flags(w) & NDM_FLAG_WRITEABLE);
    ndm_array_free(w);
    /* No window lengths and NULL axes: axis=() (a NULL list of length 0 is empty), x itself */
    CHECK_OK(ndm_sliding_window_view(six, 0, NULL, NULL, false, &w));
    CHECK(ndm_ndim(w) == 1 && ndm_shape(w)[0] == 6 && ndm_data(w) == ndm_data(six));
    ndm_array_free(w);
    int64_t seven = 7;
    CHECK_ERR(ndm_sliding_window_view(six, 1, &seven, NULL, false, &out), NDM_ERR_INVALID_ARG,
              "window shape cannot be larger than input array shape");
    CHECK_ERR(ndm_sliding_window_view(six, 1, &three, &seven, false, &out), NDM_ERR_AXIS, "axis 7");

    /* as_strided: checked bounds, refused writeable self-overlap */
    int64_t ws[2] = {4, 3}, wst[2] = {8, 8};
    CHECK_OK(ndm_as_strided(six, 2, ws, wst, false, &w));
    int64_t last[2] = {3, 2};
    CHECK(item_i8(w, last, 2) == 5);
    ndm_array_free(w);
    CHECK_ERR(ndm_as_strided(six, 2, ws, wst, true, &out), NDM_ERR_INVALID_ARG, "overlap each other");
    int64_t far[1] = {7}, st8[1] = {8}, neg[1] = {-8}, huge[1] = {INT64_MAX}, two[1] = {2};
    CHECK_ERR(ndm_as_strided(six, 1, far, st8, false, &out), NDM_ERR_BOUNDS, "outside its buffer of 48 bytes");
    CHECK_ERR(ndm_as_strided(six, 1, two, neg, false, &out), NDM_ERR_BOUNDS, "outside");
    CHECK_ERR(ndm_as_strided(six, 1, two, huge, false, &out), NDM_ERR_BOUNDS, "outside");
    int32_t answer = -1;
    CHECK_OK(ndm_is_self_overlapping(six, -1, &answer));
    CHECK(answer == NDM_OVERLAP_NO);
    CHECK_OK(ndm_as_strided(six, 1, two, &zero, false, &w));
    CHECK_OK(ndm_is_self_overlapping(w, -1, &answer));
    CHECK(answer == NDM_OVERLAP_YES);
    ndm_array_free(w);
    CHECK(out == NULL);
    ndm_array_free(six);
    ndm_array_free(a);
}

static void test_overlap_queries(void) {
    /* x[:, ::7] vs x[:, 3::3] of a (4, 20) int8 array: bounds overlap, no shared byte, and
     * NumPy's bounded solver gives up at max_work = 1. */
    static int8_t buf[80];
    ndm_dtype *i1 = dt("i1");
    int64_t sa[2] = {4, 3}, ta[2] = {20, 7}, sb[2] = {4, 6}, tb[2] = {20, 3};
    ndm_array *a = NULL, *b = NULL;
    CHECK_OK(ndm_from_ptr(buf, sizeof buf, 0, i1, 2, sa, ta, 0, NULL, NULL, &a));
    CHECK_OK(ndm_from_ptr(buf, sizeof buf, 3, i1, 2, sb, tb, 0, NULL, NULL, &b));
    bool may = false;
    int32_t answer = -1;
    CHECK_OK(ndm_may_share_memory(a, b, &may));
    CHECK(may);
    CHECK_OK(ndm_shares_memory(a, b, -1, &answer));
    CHECK(answer == NDM_OVERLAP_NO);
    CHECK_OK(ndm_shares_memory(a, b, 1, &answer));
    CHECK(answer == NDM_OVERLAP_TOO_HARD);
    CHECK_OK(ndm_shares_memory(a, a, 0, &answer));
    CHECK(answer == NDM_OVERLAP_TOO_HARD);
    CHECK_OK(ndm_shares_memory(a, a, -1, &answer));
    CHECK(answer == NDM_OVERLAP_YES);
    CHECK_ERR(ndm_shares_memory(a, NULL, -1, &answer), NDM_ERR_NULL_ARG, "'b'");
    CHECK_ERR(ndm_shares_memory(a, b, -1, NULL), NDM_ERR_NULL_ARG, "'answer'");
    ndm_array_free(a);
    ndm_array_free(b);
    ndm_dtype_free(i1);
}

static void test_selection(void) {
    ndm_array *flat = arange_i8(12), *out = NULL;
    int64_t shape[2] = {3, 4};
    ndm_array *x = reshaped(flat, 2, shape);
    ndm_array *idx = NULL, *mask = NULL, *t = NULL;
    ndm_dtype *i8 = dt("i8"), *b1 = dt("?");
    int64_t picks[3] = {2, -1, 0}, n3 = 3;
    CHECK_OK(ndm_from_ptr(picks, sizeof picks, 0, i8, 1, &n3, NULL, 0, NULL, NULL, &idx));
    int64_t axis1 = 1, axis9 = 9;
    CHECK_OK(ndm_take(x, idx, &axis1, &t));
    CHECK(ndm_shape(t)[0] == 3 && ndm_shape(t)[1] == 3 && (ndm_flags(t) & NDM_FLAG_OWNDATA));
    int64_t at[2] = {1, 1};
    CHECK(item_i8(t, at, 2) == 7);
    ndm_array_free(t);
    CHECK_OK(ndm_take(x, idx, NULL, &t)); /* flattened */
    CHECK(ndm_ndim(t) == 1 && item_i8(t, &axis1, 1) == 11);
    ndm_array_free(t);
    CHECK_ERR(ndm_take(x, idx, &axis9, &out), NDM_ERR_AXIS, "axis 9 is out of bounds");
    int64_t far[1] = {4}, n1 = 1;
    ndm_array *far_idx = NULL;
    CHECK_OK(ndm_from_ptr(far, sizeof far, 0, i8, 1, &n1, NULL, 0, NULL, NULL, &far_idx));
    CHECK_ERR(ndm_take(x, far_idx, &axis1, &out), NDM_ERR_INDEX,
              "index 4 is out of bounds for axis 1 with size 4");
    ndm_array *fidx = NULL;
    ndm_dtype *f8 = dt("f8");
    CHECK_OK(ndm_astype(idx, f8, NDM_CASTING_UNSAFE, NDM_ORDER_K, NDM_COPY_ALWAYS, &fidx));
    CHECK_ERR(ndm_take(x, fidx, NULL, &out), NDM_ERR_CASTING, "dtype('float64') to dtype('int64')");

    bool m[4] = {true, false, true, true};
    int64_t n4 = 4;
    CHECK_OK(ndm_from_ptr(m, sizeof m, 0, b1, 1, &n4, NULL, 0, NULL, NULL, &mask));
    CHECK_OK(ndm_compress(x, mask, &axis1, &t));
    CHECK(ndm_shape(t)[1] == 3 && item_i8(t, at, 2) == 6);
    ndm_array_free(t);
    CHECK_ERR(ndm_compress(x, x, NULL, &out), NDM_ERR_INVALID_ARG, "condition must be a 1-d array");

    const ndm_array *parts[2] = {x, x};
    int64_t axis0 = 0;
    CHECK_OK(ndm_concatenate(2, parts, &axis0, NULL, NDM_CASTING_SAME_KIND, &t));
    CHECK(ndm_shape(t)[0] == 6 && ndm_shape(t)[1] == 4);
    int64_t at2[2] = {5, 3};
    CHECK(item_i8(t, at2, 2) == 11);
    ndm_array_free(t);
    const ndm_array *mixed[2] = {x, idx};
    CHECK_ERR(ndm_concatenate(2, mixed, &axis0, NULL, NDM_CASTING_SAME_KIND, &out), NDM_ERR_INVALID_ARG,
              "all the input arrays must have same number of dimensions");
    CHECK_ERR(ndm_concatenate(0, NULL, &axis0, NULL, NDM_CASTING_SAME_KIND, &out), NDM_ERR_INVALID_ARG,
              "need at least one array to concatenate");
    CHECK_ERR(ndm_concatenate(2, parts, &axis0, i8, 9, &out), NDM_ERR_INVALID_ARG, "casting code 9");
    CHECK(out == NULL);
    ndm_array_free(fidx);
    ndm_array_free(far_idx);
    ndm_array_free(mask);
    ndm_array_free(idx);
    ndm_array_free(x);
    ndm_array_free(flat);
    ndm_dtype_free(i8);
    ndm_dtype_free(b1);
    ndm_dtype_free(f8);
}

/* ndm_view_buffer (NumPy's ndarray(buffer=, offset=, strides=)), ndm_with_writeable
 * (flags.writeable) and ndm_empty_like. */
static void test_buffer_views_and_writeable(void) {
    ndm_array *a = arange_i8(12); /* 96 bytes */
    ndm_dtype *i4 = dt("<i4"), *u1 = dt("u1");
    ndm_array *v = NULL, *w = NULL, *ro = NULL, *rw = NULL, *e = NULL;
    int64_t shape[2] = {2, 3}, strides[2] = {-8, 16};
    /* The low 4 bytes of elements 4, 6, 8 and (reversed rows) 3, 5, 7, read as int32. */
    CHECK_OK(ndm_view_buffer(a, i4, 40, 2, shape, strides, true, &v));
    CHECK(ndm_ndim(v) == 2 && ndm_strides(v)[0] == -8 && ndm_itemsize(v) == 4);
    CHECK((char *)ndm_data(v) == (char *)ndm_data(a) + 40);
    int32_t got = 0;
    int64_t idx[2] = {1, 2};
    CHECK_OK(ndm_get_item(v, idx, 2, NDM_KIND_INT32, &got));
    CHECK(got == 8); /* byte 40 - 8 + 32 = 64: element 8 */
    CHECK(ndm_flags(v) & NDM_FLAG_WRITEABLE);
    ndm_array *b = NULL;
    CHECK_OK(ndm_base(v, &b));
    CHECK(b != NULL && ndm_data(b) == ndm_data(a)); /* the owner is its base */
    ndm_array_free(b);
    CHECK_OK(ndm_view_buffer(a, u1, 0, 1, (int64_t[]){96}, NULL, true, &w)); /* C-contiguous */
    CHECK(ndm_size(w) == 96);
    ndm_array_free(w);
    w = NULL;
    CHECK_ERR(ndm_view_buffer(a, i4, 92, 1, (int64_t[]){2}, NULL, true, &w), NDM_ERR_BOUNDS, "outside");
    CHECK_ERR(ndm_view_buffer(a, i4, -4, 1, (int64_t[]){1}, NULL, true, &w), NDM_ERR_BOUNDS, "outside");
    CHECK_ERR(ndm_view_buffer(a, i4, 0, 1, (int64_t[]){3}, (int64_t[]){2}, true, &w),
              NDM_ERR_INVALID_ARG, "overlap");
    CHECK_OK(ndm_view_buffer(a, i4, 0, 1, (int64_t[]){3}, (int64_t[]){2}, false, &w));
    CHECK(!(ndm_flags(w) & NDM_FLAG_WRITEABLE));
    CHECK_ERR(ndm_view_buffer(NULL, i4, 0, 1, shape, NULL, true, &e), NDM_ERR_NULL_ARG, "'a'");
    CHECK_ERR(ndm_view_buffer(a, NULL, 0, 1, shape, NULL, true, &e), NDM_ERR_NULL_ARG, "dtype");
    CHECK_ERR(ndm_view_buffer(a, i4, 0, 1, shape, NULL, true, NULL), NDM_ERR_NULL_ARG, "out");

    /* WRITEABLE: cleared always, set again only where the array was made writeable. */
    CHECK_OK(ndm_with_writeable(a, false, &ro));
    CHECK(!(ndm_flags(ro) & NDM_FLAG_WRITEABLE) && (ndm_flags(ro) & NDM_FLAG_OWNDATA));
    CHECK(ndm_data(ro) == ndm_data(a));
    int64_t one = 1;
    CHECK_ERR(ndm_set_item(ro, &one, 1, NDM_KIND_INT64, &one), NDM_ERR_READONLY, "");
    CHECK_OK(ndm_with_writeable(ro, true, &rw));
    CHECK_OK(ndm_set_item(rw, &one, 1, NDM_KIND_INT64, &one));
    ndm_array *ro_view = NULL, *again = NULL;
    CHECK_OK(ndm_transpose(ro, NULL, NDM_ALL_AXES, &ro_view)); /* a view of a read-only array */
    CHECK_ERR(ndm_with_writeable(ro_view, true, &again), NDM_ERR_READONLY, "cannot set WRITEABLE");
    CHECK_ERR(ndm_with_writeable(w, true, &again), NDM_ERR_READONLY, "cannot set WRITEABLE");
    CHECK(again == NULL);
    CHECK_ERR(ndm_with_writeable(NULL, true, &again), NDM_ERR_NULL_ARG, "'a'");

    /* empty_like keeps the prototype's stride order for 'K' and never reads it. */
    ndm_array *t = NULL, *m = reshaped(a, 2, (int64_t[]){3, 4});
    CHECK_OK(ndm_transpose(m, NULL, NDM_ALL_AXES, &t));
    CHECK_OK(ndm_empty_like(t, NULL, NDM_ORDER_K, true, &e));
    CHECK(ndm_strides(e)[0] == 8 && ndm_strides(e)[1] == 32 && (ndm_flags(e) & NDM_FLAG_OWNDATA));
    int64_t zero_idx[2] = {3, 2}, zero = -1;
    CHECK_OK(ndm_get_item(e, zero_idx, 2, NDM_KIND_INT64, &zero));
    CHECK(zero == 0);
    ndm_array_free(e);
    CHECK_OK(ndm_empty_like(t, i4, NDM_ORDER_C, false, &e));
    CHECK(ndm_strides(e)[0] == 12 && ndm_itemsize(e) == 4);
    ndm_array_free(e);
    CHECK_ERR(ndm_empty_like(t, NULL, 9, false, &e), NDM_ERR_INVALID_ARG, "order");
    CHECK_ERR(ndm_empty_like(NULL, NULL, NDM_ORDER_K, false, &e), NDM_ERR_NULL_ARG, "prototype");
    ndm_array *arrays[] = {a, v, w, ro, rw, ro_view, t, m};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) ndm_array_free(arrays[i]);
    ndm_dtype_free(i4);
    ndm_dtype_free(u1);
}

/* The initialiser macros give the same items and scalars as the positional structs. */
static void test_initialiser_macros(void) {
    static double m[3][4];
    for (int i = 0; i < 12; i++) m[i / 4][i % 4] = i;
    int64_t shape[2] = {3, 4};
    ndm_dtype *f8 = dt("<f8");
    ndm_array *a = NULL, *v = NULL, *r = NULL;
    CHECK_OK(ndm_from_ptr(m, sizeof m, 0, f8, 2, shape, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &a));
    ndm_index_item rev_cols[3] = {NDM_ELLIPSIS, NDM_NEWAXIS, NDM_REVERSED}; /* a[..., None, ::-1] */
    CHECK_OK(ndm_index(a, rev_cols, 3, &v));
    CHECK(ndm_ndim(v) == 3 && ndm_shape(v)[1] == 1 && ndm_strides(v)[2] == -8 &&
          *(const double *)ndm_data(v) == 3);
    ndm_array_free(v);
    ndm_index_item picks[2] = {NDM_AT(-1), NDM_SLICE(1, 4, 2)}; /* a[-1, 1:4:2] */
    CHECK_OK(ndm_index(a, picks, 2, &v));
    CHECK(ndm_ndim(v) == 1 && ndm_shape(v)[0] == 2 && *(const double *)ndm_data(v) == 9);
    ndm_array_free(v);
    ndm_index_item ends[2] = {NDM_SLICE_FROM(1), NDM_SLICE_TO(2)}; /* a[1:, :2] */
    CHECK_OK(ndm_index(a, ends, 2, &v));
    CHECK(ndm_shape(v)[0] == 2 && ndm_shape(v)[1] == 2 && *(const double *)ndm_data(v) == 4);
    ndm_array_free(v);
    ndm_index_item all2[2] = {NDM_ALL, NDM_ALL};
    CHECK_OK(ndm_index(a, all2, 2, &v));
    CHECK(ndm_data(v) == ndm_data(a) && ndm_shape(v)[1] == 4);
    ndm_array_free(v);
    ndm_scalar i1 = NDM_I64(1), f = NDM_F64(0.5), t = NDM_BOOL(1), c = NDM_COMPLEX(0, 0);
    CHECK(i1.kind == NDM_SCALAR_INT && i1.i == 1 && f.kind == NDM_SCALAR_FLOAT && f.f == 0.5);
    CHECK(t.kind == NDM_SCALAR_BOOL && t.i == 1 && c.kind == NDM_SCALAR_COMPLEX);
    CHECK_OK(ndm_ufunc_scalar(NDM_ADD, a, &i1, false, a, NULL, NULL));
    CHECK_OK(ndm_ufunc_scalar(NDM_MULTIPLY, a, &(ndm_scalar)NDM_F64(2), false, a, NULL, NULL));
    CHECK(m[2][3] == 24 && m[0][0] == 2);
    CHECK_OK(ndm_ufunc_scalar(NDM_ADD, a, &c, false, NULL, NULL, &r)); /* complex result */
    ndm_dtype *rd = NULL;
    CHECK_OK(ndm_array_dtype(r, &rd));
    CHECK(ndm_dtype_kind(rd) == NDM_KIND_COMPLEX128);
    ndm_dtype_free(rd);
    ndm_array_free(r);
    ndm_array_free(a);
    ndm_dtype_free(f8);
}

int main(void) {
    test_initialiser_macros();
    test_index();
    test_buffer_views_and_writeable();
    test_axes_and_reshape();
    test_broadcasting_and_windows();
    test_overlap_queries();
    test_selection();
    return check_report("test_views");
}
