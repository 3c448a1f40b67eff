/* The README's C cookbook: each recipe is one function, shown verbatim in README.md; main()
 * checks every result against a plain C loop. Built and run by `cargo test` (valgrind too). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include "ndmem.h"

/* Rolling mean of a series, written into the caller's array: a window view (no copy) reduced
 * over its window axis, with no temporary array. */
static ndm_status rolling_mean(const double *x, int64_t n, int64_t w, double *means) {
    ndm_dtype *f8 = NULL;
    ndm_array *series = NULL, *windows = NULL, *out = NULL;
    int64_t nout = n - w + 1, window_axis = -1;
    ndm_status s = ndm_dtype_new(NDM_KIND_FLOAT64, NDM_BYTEORDER_NATIVE, 0, &f8);
    if (!s) s = ndm_from_ptr((void *)x, n * sizeof *x, 0, f8, 1, &n, NULL, 0, NULL, NULL, &series);
    if (!s) s = ndm_from_ptr(means, nout * sizeof *means, 0, f8, 1, &nout, NULL,
                             NDM_FLAG_WRITEABLE, NULL, NULL, &out);
    if (!s) s = ndm_sliding_window_view(series, 1, &w, NULL, false, &windows); /* (nout, w) */
    if (!s) s = ndm_reduce(NDM_MEAN, windows, &window_axis, 1, false, out, NULL, NULL);
    ndm_array_free(windows); /* every ndm_*_free accepts NULL */
    ndm_array_free(out);
    ndm_array_free(series);
    ndm_dtype_free(f8);
    return s;
}

/* r = (a*b + c) / 2 with no temporary: every call writes into r (out=), and a NULL result
 * asks for no new handle. */
static ndm_status multiply_add_halve(const ndm_array *a, const ndm_array *b, const ndm_array *c,
                                     const ndm_array *r) {
    ndm_scalar two = NDM_F64(2);
    ndm_status s = ndm_ufunc_binary(NDM_MULTIPLY, a, b, r, NULL, NULL);
    if (!s) s = ndm_ufunc_binary(NDM_ADD, r, c, r, NULL, NULL);
    if (!s) s = ndm_ufunc_scalar(NDM_TRUE_DIVIDE, r, &two, false, r, NULL, NULL);
    return s;
}

struct tick { int64_t time; double price; int32_t volume; }; /* 24 bytes with padding */

/* price * volume of every tick, through field views of the caller's table: the record dtype is
 * built from offsetof/sizeof, so it matches any compiler's layout. */
static ndm_status notional(struct tick *ticks, int64_t n, double *value) {
    ndm_record_builder *b = NULL;
    ndm_dtype *i8 = NULL, *f8 = NULL, *i4 = NULL, *rec = NULL;
    ndm_array *table = NULL, *price = NULL, *volume = NULL, *out = NULL;
    ndm_status s = ndm_dtype_record_new(&b);
    if (!s) s = ndm_dtype_new(NDM_KIND_INT64, NDM_BYTEORDER_NATIVE, 0, &i8);
    if (!s) s = ndm_dtype_new(NDM_KIND_FLOAT64, NDM_BYTEORDER_NATIVE, 0, &f8);
    if (!s) s = ndm_dtype_new(NDM_KIND_INT32, NDM_BYTEORDER_NATIVE, 0, &i4);
    if (!s) s = ndm_dtype_record_add_field(b, "time", i8, offsetof(struct tick, time));
    if (!s) s = ndm_dtype_record_add_field(b, "price", f8, offsetof(struct tick, price));
    if (!s) s = ndm_dtype_record_add_field(b, "volume", i4, offsetof(struct tick, volume));
    if (!s) s = ndm_dtype_record_finish(b, true, sizeof(struct tick), &rec);
    if (!s) s = ndm_from_ptr(ticks, n * sizeof *ticks, 0, rec, 1, &n, NULL, NDM_FLAG_WRITEABLE,
                             NULL, NULL, &table);
    if (!s) s = ndm_field(table, "price", &price);   /* &ticks[0].price, stride 24: a view */
    if (!s) s = ndm_field(table, "volume", &volume);
    if (!s) s = ndm_from_ptr(value, n * sizeof *value, 0, f8, 1, &n, NULL, NDM_FLAG_WRITEABLE,
                             NULL, NULL, &out);
    if (!s) s = ndm_ufunc_binary(NDM_MULTIPLY, price, volume, out, NULL, NULL);
    ndm_array_free(out);
    ndm_array_free(volume);
    ndm_array_free(price);
    ndm_array_free(table);
    ndm_dtype_free(rec);
    ndm_dtype_free(i4);
    ndm_dtype_free(f8);
    ndm_dtype_free(i8);
    ndm_dtype_record_free(b);
    return s;
}

/* Writes 0, 1, 2, ... into a new .npy file of n float64 through a memory map, block by block,
 * releasing each block's pages: resident memory stays about one block whatever n is. */
static ndm_status fill_file(const char *path, int64_t n, int64_t block) {
    ndm_dtype *f8 = NULL;
    ndm_array *map = NULL, *view = NULL;
    ndm_status s = ndm_dtype_new(NDM_KIND_FLOAT64, NDM_BYTEORDER_NATIVE, 0, &f8);
    if (!s) s = ndm_open_memmap(path, "w+", f8, 1, &n, false, 0, &map);
    for (int64_t start = 0; !s && start < n; start += block) {
        ndm_index_item rows = NDM_SLICE(start, start + block, 1);
        s = ndm_index(map, &rows, 1, &view);         /* this block, a view: no copy */
        double *p = s ? NULL : ndm_data(view);
        for (int64_t i = 0; p != NULL && i < ndm_shape(view)[0]; i++) p[i] = (double)(start + i);
        if (!s) s = ndm_release_pages(view);          /* written back, then dropped */
        ndm_array_free(view);
        view = NULL;
    }
    ndm_array_free(map);
    ndm_dtype_free(f8);
    return s;
}

static int failed;

static void expect(int ok, const char *what) {
    if (!ok) {
        failed++;
        fprintf(stderr, "cookbook: %s failed (last error: %s)\n", what, ndm_last_error());
    }
}

int main(void) {
    double x[10], means[8];
    for (int i = 0; i < 10; i++) x[i] = (i * 7) % 5;
    int ok = rolling_mean(x, 10, 3, means) == NDM_OK;
    for (int i = 0; ok && i < 8; i++) ok = fabs(means[i] - (x[i] + x[i + 1] + x[i + 2]) / 3) < 1e-15;
    expect(ok, "rolling_mean");

    double av[4] = {1, 2, 3, 4}, bv[4] = {10, 20, 30, 40}, cv = 100, rv[4];
    int64_t four = 4, one = 1;
    ndm_dtype *f8 = NULL;
    ndm_array *a = NULL, *b = NULL, *c = NULL, *r = NULL;
    ndm_dtype_new(NDM_KIND_FLOAT64, NDM_BYTEORDER_NATIVE, 0, &f8);
    ndm_from_ptr(av, sizeof av, 0, f8, 1, &four, NULL, 0, NULL, NULL, &a);
    ndm_from_ptr(bv, sizeof bv, 0, f8, 1, &four, NULL, 0, NULL, NULL, &b);
    ndm_from_ptr(&cv, sizeof cv, 0, f8, 1, &one, NULL, 0, NULL, NULL, &c); /* broadcast */
    ndm_from_ptr(rv, sizeof rv, 0, f8, 1, &four, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &r);
    ok = multiply_add_halve(a, b, c, r) == NDM_OK;
    for (int i = 0; ok && i < 4; i++) ok = rv[i] == (av[i] * bv[i] + cv) / 2;
    expect(ok, "multiply_add_halve");
    ndm_array_free(r);
    ndm_array_free(c);
    ndm_array_free(b);
    ndm_array_free(a);
    ndm_dtype_free(f8);

    struct tick ticks[5];
    double value[5];
    for (int i = 0; i < 5; i++) ticks[i] = (struct tick){1000 + i, 1.25 * i, 100 * i};
    ok = notional(ticks, 5, value) == NDM_OK;
    for (int i = 0; ok && i < 5; i++) ok = value[i] == ticks[i].price * ticks[i].volume;
    expect(ok, "notional");

    const char *path = "/tmp/ndmem_cookbook_c.npy";
    int64_t n = 100000;
    ok = fill_file(path, n, 4096) == NDM_OK;
    ndm_array *back = NULL, *sum = NULL;
    ok = ok && ndm_open_memmap(path, "r", NULL, 0, NULL, false, 0, &back) == NDM_OK &&
         ndm_reduce(NDM_ADD, back, NULL, NDM_ALL_AXES, false, NULL, NULL, &sum) == NDM_OK &&
         *(const double *)ndm_data(sum) == (double)n * (n - 1) / 2;
    expect(ok, "fill_file");
    ndm_array_free(sum);
    ndm_array_free(back);
    remove(path);

    printf("cookbook: 4 recipes, %d failed\n", failed);
    return failed != 0;
}
