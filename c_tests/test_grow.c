/* Growable arrays from C: amortised appends (one value, blocks, arrays with broadcasting and
 * casting), C and F order, capacity, reserve and shrink_to_fit; views taken before a move keep
 * their buffer and their values, the move is counted as an implicit copy (and refused under
 * NDM_GROW_REFUSE or a forbidding copy policy), and no move happens without views; .npy files
 * appended in place, flushed, reopened and loaded; every bad argument. */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static char tmpdir[64];

static const char *tmp(const char *name) {
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static double f8_at(const ndm_array *a, int64_t i) { return ((const double *)ndm_data(a))[i]; }

static uint64_t growth_copies(void) {
    ndm_mem_counts m = {.size = sizeof m};
    ndm_mem_stats(&m);
    return m.implicit_copies_by_reason[NDM_COPY_REASON_GROWTH];
}

/* One value per call; capacity doubles; the rows are the values. */
static void test_push_values(void) {
    ndm_dtype *f8 = dt("<f8");
    ndm_growable *g = NULL;
    CHECK_OK(ndm_empty_growable(f8, 1, (int64_t[]){0}, 0, NDM_ORDER_C, &g));
    CHECK(ndm_growable_len(g) == 0 && ndm_growable_row_bytes(g) == 8);
    int moves = 0;
    int64_t cap = ndm_capacity(g);
    uint64_t copies = growth_copies();
    int ok = 1;
    for (int i = 0; i < 100000; i++) {
        double v = i * 0.5;
        ok &= ndm_append_raw(g, &v, 1) == NDM_OK;
        if (ndm_capacity(g) != cap) {
            moves++;
            CHECK(ndm_capacity(g) >= 2 * cap);
            cap = ndm_capacity(g);
        }
    }
    CHECK(ok);
    CHECK(moves <= 16); /* 4, 8, ..., 131072 */
    CHECK(growth_copies() == copies); /* no view: pages moved, nothing copied */
    ndm_array *a = NULL;
    CHECK_OK(ndm_growable_view(g, &a));
    CHECK(ndm_ndim(a) == 1 && ndm_shape(a)[0] == 100000);
    CHECK(ndm_flags(a) & NDM_FLAG_WRITEABLE && ndm_flags(a) & NDM_FLAG_C_CONTIGUOUS);
    int same = 1;
    for (int i = 0; i < 100000; i++) same &= f8_at(a, i) == i * 0.5;
    CHECK(same);
    CHECK(ndm_growable_live_views(g) == 1);
    CHECK_OK(ndm_array_free(a));
    CHECK(ndm_growable_live_views(g) == 0);
    CHECK_OK(ndm_shrink_to_fit(g));
    CHECK(ndm_capacity(g) == 100000);
    CHECK_OK(ndm_growable_free(g));
    CHECK_OK(ndm_dtype_free(f8));
}

/* The space/commit path: values written in place, committed in parts, never beyond. */
static void test_space_commit(void) {
    ndm_dtype *f8 = dt("<f8");
    ndm_growable *g = NULL;
    CHECK_OK(ndm_empty_growable(f8, 1, (int64_t[]){0}, 0, NDM_ORDER_C, &g));
    double *room = NULL;
    CHECK_OK(ndm_append_space(g, 100, (void **)&room));
    CHECK(room != NULL && ndm_capacity(g) >= 100 && ndm_growable_len(g) == 0);
    for (int i = 0; i < 60; i++) room[i] = i;
    CHECK_OK(ndm_append_commit(g, 50));
    CHECK_OK(ndm_append_commit(g, 10));
    CHECK_ERR(ndm_append_commit(g, 41), NDM_ERR_INVALID_ARG, "holds 40 more");
    ndm_array *a = NULL;
    CHECK_OK(ndm_growable_view(g, &a));
    CHECK(ndm_shape(a)[0] == 60 && f8_at(a, 59) == 59 && ndm_data(a) == (void *)room);
    double v = -1;
    CHECK_OK(ndm_append_raw(g, &v, 1)); /* another call forgets the space */
    CHECK_ERR(ndm_append_commit(g, 1), NDM_ERR_INVALID_ARG, "holds 0 more");
    /* With a view alive, room past the capacity moves the rows: the view keeps the old ones. */
    uint64_t copies = growth_copies();
    CHECK_OK(ndm_append_space(g, 1000, (void **)&room));
    CHECK(growth_copies() == copies + 1 && room != (double *)ndm_data(a) + 61);
    room[0] = 7;
    CHECK_OK(ndm_append_commit(g, 1));
    CHECK(ndm_growable_len(g) == 62 && ndm_shape(a)[0] == 60 && f8_at(a, 0) == 0);
    CHECK_ERR(ndm_append_space(g, -1, (void **)&room), NDM_ERR_SHAPE, "negative");
    CHECK_ERR(ndm_append_space(g, 1, NULL), NDM_ERR_NULL_ARG, "rows");
    CHECK_ERR(ndm_append_commit(g, -1), NDM_ERR_SHAPE, "negative");
    CHECK_ERR(ndm_append_space(g, INT64_MAX, (void **)&room), NDM_ERR_SHAPE, "would overflow");
    CHECK_ERR(ndm_append_space(g, INT64_MAX / 16, (void **)&room), NDM_ERR_ALLOC, "allocate");
    CHECK_OK(ndm_array_free(a));
    CHECK_OK(ndm_growable_view(g, &a));
    CHECK(f8_at(a, 60) == -1 && f8_at(a, 61) == 7);
    CHECK_OK(ndm_array_free(a));
    CHECK_OK(ndm_growable_free(g));
    CHECK_OK(ndm_dtype_free(f8));
}

/* A view taken before a move keeps its buffer, pointer and values; the move is counted. */
static void test_views_survive_moves(void) {
    ndm_dtype *f8 = dt("<f8");
    ndm_growable *g = NULL;
    CHECK_OK(ndm_empty_growable(f8, 1, (int64_t[]){0}, 8, NDM_ORDER_C, &g));
    double v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK_OK(ndm_append_raw(g, v, 8));
    CHECK(ndm_capacity(g) == 8);
    ndm_array *old = NULL, *now = NULL;
    CHECK_OK(ndm_growable_view(g, &old));
    const double *p = ndm_data(old);
    uint64_t copies = growth_copies();
    CHECK_OK(ndm_append_raw(g, v, 1)); /* outgrows: moves, the view keeps the old buffer */
    CHECK(growth_copies() == copies + 1);
    CHECK(ndm_data(old) == p && ndm_shape(old)[0] == 8 && f8_at(old, 7) == 8);
    CHECK(ndm_growable_live_views(g) == 0); /* `old` refers to the old buffer */
    CHECK_OK(ndm_growable_view(g, &now));
    CHECK(ndm_data(now) != p && ndm_shape(now)[0] == 9 && f8_at(now, 8) == 1);
    ((double *)ndm_data(old))[0] = -1; /* writes to the old buffer no longer reach g */
    CHECK(f8_at(now, 0) == 1);
    CHECK_OK(ndm_array_free(now));

    /* Within capacity nothing moves: a view sees the growable's memory. */
    CHECK_OK(ndm_reserve(g, 100));
    CHECK(ndm_capacity(g) >= 100);
    CHECK_OK(ndm_growable_view(g, &now));
    const double *q = ndm_data(now);
    for (int i = 0; i < 50; i++) CHECK_OK(ndm_append_raw(g, v, 1));
    ((double *)ndm_data(now))[0] = 42;
    ndm_array *later = NULL;
    CHECK_OK(ndm_growable_view(g, &later));
    CHECK(ndm_data(later) == q && f8_at(later, 0) == 42 && ndm_shape(later)[0] == 59);
    CHECK(ndm_growable_live_views(g) == 2);
    CHECK_OK(ndm_shrink_to_fit(g)); /* views alive: nothing to do */
    CHECK(ndm_capacity(g) >= 100);

    /* NDM_GROW_REFUSE: the move fails naming the views; freeing them lets it happen. */
    CHECK_OK(ndm_growable_set_policy(g, NDM_GROW_REFUSE));
    CHECK_ERR(ndm_reserve(g, 1000), NDM_ERR_IN_USE, "2 live view(s)");
    CHECK(ndm_capacity(g) < 1000 && ndm_growable_len(g) == 59);
    CHECK_OK(ndm_array_free(later));
    CHECK_ERR(ndm_reserve(g, 1000), NDM_ERR_IN_USE, "1 live view(s)");
    CHECK_OK(ndm_array_free(now));
    CHECK_OK(ndm_reserve(g, 1000));
    CHECK_ERR(ndm_growable_set_policy(g, 7), NDM_ERR_INVALID_ARG, "NDM_GROW_REFUSE");

    /* A forbidding copy policy refuses the implicit copy, not a move without views. */
    CHECK_OK(ndm_growable_set_policy(g, NDM_GROW_MOVE));
    CHECK_OK(ndm_shrink_to_fit(g));
    CHECK_OK(ndm_set_copy_policy(NDM_COPY_POLICY_FORBID));
    CHECK_OK(ndm_append_raw(g, v, 1)); /* no view: moves its pages */
    CHECK_OK(ndm_growable_view(g, &now));
    int64_t rows = ndm_growable_len(g);
    for (int64_t i = rows; i < ndm_capacity(g); i++) CHECK_OK(ndm_append_raw(g, v, 1));
    CHECK_ERR(ndm_append_raw(g, v, 1), NDM_ERR_COPY_REQUIRED, "growth moved rows");
    CHECK_OK(ndm_set_copy_policy(NDM_COPY_POLICY_ALLOW));
    CHECK_OK(ndm_append_raw(g, v, 1));
    CHECK_OK(ndm_array_free(now));
    CHECK_OK(ndm_array_free(old));
    CHECK_OK(ndm_growable_free(g));
    CHECK_OK(ndm_dtype_free(f8));
}

/* Appending arrays: rows and blocks, broadcasting, same_kind casting, a view of itself. */
static void test_append_arrays(void) {
    ndm_dtype *i4 = dt("<i4"), *i2 = dt("<i2"), *f8 = dt("<f8");
    ndm_growable *g = NULL;
    CHECK_OK(ndm_empty_growable(i4, 2, (int64_t[]){0, 3}, 0, NDM_ORDER_C, &g));
    ndm_array *row = NULL, *block = NULL, *scalar = NULL, *bad = NULL, *frow = NULL, *a = NULL;
    CHECK_OK(ndm_arange(0, 3, 1, i2, &row));                                  /* one row */
    CHECK_OK(ndm_arange(10, 16, 1, i4, &a));
    CHECK_OK(ndm_reshape(a, 2, (int64_t[]){2, 3}, NDM_ORDER_C, NDM_COPY_IF_NEEDED, &block));
    CHECK_OK(ndm_array_free(a));
    int16_t seven = 7;
    CHECK_OK(ndm_full(i2, 0, NULL, NDM_ORDER_C, &seven, &scalar));              /* broadcast */
    CHECK_OK(ndm_arange(0, 2, 1, i4, &bad));
    CHECK_OK(ndm_arange(0, 3, 1, f8, &frow));
    CHECK_OK(ndm_append(g, row));
    CHECK_OK(ndm_append(g, block));
    CHECK_OK(ndm_append(g, scalar));
    CHECK_ERR(ndm_append(g, bad), NDM_ERR_SHAPE, "could not broadcast input array from shape (2,) into shape (3,)");
    CHECK_ERR(ndm_append(g, frow), NDM_ERR_CASTING, "same_kind");
    CHECK(ndm_growable_len(g) == 4);
    CHECK_OK(ndm_growable_view(g, &a));
    static const int32_t want[12] = {0, 1, 2, 10, 11, 12, 13, 14, 15, 7, 7, 7};
    CHECK(ndm_shape(a)[0] == 4 && ndm_shape(a)[1] == 3 && memcmp(ndm_data(a), want, sizeof want) == 0);
    CHECK_OK(ndm_append(g, a)); /* its own rows, through a view of itself */
    CHECK_OK(ndm_array_free(a));
    CHECK_OK(ndm_growable_view(g, &a));
    CHECK(ndm_shape(a)[0] == 8 && memcmp((const int32_t *)ndm_data(a) + 12, want, sizeof want) == 0);
    ndm_array *arrays[] = {row, block, scalar, bad, frow, a};
    for (int i = 0; i < 6; i++) CHECK_OK(ndm_array_free(arrays[i]));
    CHECK_OK(ndm_growable_free(g));

    /* F order grows the last axis; each row (column) is contiguous. */
    CHECK_OK(ndm_empty_growable(f8, 2, (int64_t[]){2, 0}, 0, NDM_ORDER_F, &g));
    double col[2] = {1, 2};
    for (int i = 0; i < 5; i++) CHECK_OK(ndm_append_raw(g, col, 1));
    CHECK_OK(ndm_growable_view(g, &a));
    CHECK(ndm_shape(a)[0] == 2 && ndm_shape(a)[1] == 5 && ndm_flags(a) & NDM_FLAG_F_CONTIGUOUS);
    CHECK(ndm_strides(a)[1] == 16 && f8_at(a, 9) == 2);
    CHECK_OK(ndm_array_free(a));
    CHECK_OK(ndm_growable_free(g));

    /* Rows of no bytes never need memory. */
    CHECK_OK(ndm_empty_growable(f8, 2, (int64_t[]){0, 0}, 0, NDM_ORDER_C, &g));
    CHECK_OK(ndm_append_raw(g, col, 1000));
    CHECK(ndm_growable_len(g) == 1000);
    CHECK_OK(ndm_growable_free(g));
    CHECK_OK(ndm_dtype_free(i4));
    CHECK_OK(ndm_dtype_free(i2));
    CHECK_OK(ndm_dtype_free(f8));
}

static long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* .npy files: created, appended, flushed, loaded, reopened; wrong files refused. */
static void test_files(void) {
    ndm_dtype *f8 = dt("<f8"), *i4 = dt("<i4");
    const char *path = tmp("grow.npy");
    ndm_growable *g = NULL;
    CHECK_OK(ndm_open_append(path, f8, 1, (int64_t[]){2}, NDM_ORDER_A, &g));
    CHECK(file_size(path) == 128);
    ndm_array *a = NULL;
    CHECK_OK(ndm_load_npy(path, &a)); /* a complete file with no rows */
    CHECK(ndm_ndim(a) == 2 && ndm_shape(a)[0] == 0 && ndm_shape(a)[1] == 2);
    CHECK_OK(ndm_array_free(a));
    double rows[2000];
    for (int i = 0; i < 2000; i++) rows[i] = i;
    CHECK_OK(ndm_append_raw(g, rows, 10));
    ndm_array *view = NULL;
    CHECK_OK(ndm_growable_view(g, &view));
    CHECK(ndm_shape(view)[0] == 10 && f8_at(view, 19) == 19);
    CHECK_OK(ndm_load_npy(path, &a)); /* not flushed yet: still the old header */
    CHECK(ndm_shape(a)[0] == 0);
    CHECK_OK(ndm_array_free(a));
    CHECK_OK(ndm_growable_flush(g));
    CHECK_OK(ndm_load_npy(path, &a));
    CHECK(ndm_shape(a)[0] == 10 && f8_at(a, 19) == 19);
    CHECK_OK(ndm_array_free(a));
    CHECK_OK(ndm_append_raw(g, rows + 20, 990)); /* grows the file; the view still maps it */
    ndm_array *src = NULL;
    CHECK_OK(ndm_arange(0, 2, 1, f8, &src));
    CHECK_OK(ndm_append(g, src)); /* an array row, through the mapping */
    CHECK_OK(ndm_array_free(src));
    CHECK(f8_at(view, 19) == 19);
    ((double *)ndm_data(view))[0] = -5; /* old views write the same file */
    CHECK_OK(ndm_growable_free(g)); /* flushes; a view maps the file: not cut */
    CHECK_OK(ndm_load_npy(path, &a));
    CHECK(ndm_shape(a)[0] == 1001 && f8_at(a, 0) == -5 && f8_at(a, 1999) == 1999 && f8_at(a, 2001) == 1);
    CHECK_OK(ndm_array_free(a));
    CHECK_OK(ndm_array_free(view));

    /* Reopen: dtype, row shape and order from the file; it is cut to its rows when closed.
     * One writer at a time. */
    CHECK_OK(ndm_open_append(path, NULL, -1, NULL, NDM_ORDER_A, &g));
    ndm_growable *second = NULL;
    CHECK_ERR(ndm_open_append(path, NULL, -1, NULL, NDM_ORDER_A, &second), NDM_ERR_IO,
              "open for appending already");
    CHECK(second == NULL);
    CHECK(ndm_growable_len(g) == 1001);
    CHECK_OK(ndm_append_raw(g, rows, 1));
    CHECK_OK(ndm_growable_free(g));
    CHECK(file_size(path) == 128 + 1002 * 16);
    CHECK_ERR(ndm_open_append(path, i4, -1, NULL, NDM_ORDER_A, &g), NDM_ERR_INVALID_ARG, "dtype <f8");
    CHECK_ERR(ndm_open_append(path, NULL, 1, (int64_t[]){3}, NDM_ORDER_A, &g), NDM_ERR_INVALID_ARG,
              "rows of shape (2,)");
    CHECK_ERR(ndm_open_append(path, NULL, -1, NULL, NDM_ORDER_F, &g), NDM_ERR_INVALID_ARG, "C order");

    /* Fortran order on disk: the last axis grows. */
    const char *fpath = tmp("grow_f.npy");
    CHECK_OK(ndm_open_append(fpath, i4, 1, (int64_t[]){3}, NDM_ORDER_F, &g));
    int32_t col[3] = {1, 2, 3};
    CHECK_OK(ndm_append_raw(g, col, 1));
    CHECK_OK(ndm_append_raw(g, col, 1));
    CHECK_OK(ndm_growable_free(g));
    CHECK_OK(ndm_load_npy(fpath, &a));
    CHECK(ndm_shape(a)[0] == 3 && ndm_shape(a)[1] == 2 && ndm_flags(a) & NDM_FLAG_F_CONTIGUOUS);
    CHECK_OK(ndm_array_free(a));

    /* A header without growth room (NumPy before 1.24, with a text ending 5 bytes before the
     * data), a 0-d file, no dtype for a new file. */
    const char *old = tmp("old.npy");
    FILE *f = fopen(old, "wb");
    char header[118];
    memset(header, ' ', sizeof header);
    const char *text = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
                       "1, 1, 1, 1, 1, 1, 1, 1, 1), }";
    memcpy(header, text, strlen(text));
    header[117] = '\n';
    double one = 1;
    fwrite("\x93NUMPY\x01\x00\x76\x00", 1, 10, f);
    fwrite(header, 1, 118, f);
    fwrite(&one, 8, 1, f);
    fclose(f);
    CHECK_OK(ndm_load_npy(old, &a));
    CHECK_OK(ndm_array_free(a));
    g = NULL;
    CHECK_ERR(ndm_open_append(old, NULL, -1, NULL, NDM_ORDER_A, &g), NDM_ERR_FORMAT, "no room");
    CHECK(g == NULL);
    ndm_array *zero_d = NULL;
    CHECK_OK(ndm_full(f8, 0, NULL, NDM_ORDER_C, &one, &zero_d));
    CHECK_OK(ndm_save_npy(tmp("zero_d.npy"), zero_d, 0, NULL));
    CHECK_OK(ndm_array_free(zero_d));
    CHECK_ERR(ndm_open_append(tmp("zero_d.npy"), NULL, -1, NULL, NDM_ORDER_A, &g), NDM_ERR_INVALID_ARG,
              "0-dimensional");
    CHECK_ERR(ndm_open_append(tmp("new.npy"), NULL, -1, NULL, NDM_ORDER_A, &g), NDM_ERR_INVALID_ARG,
              "needs the dtype");
    CHECK_ERR(ndm_open_append(tmpdir, f8, 0, NULL, NDM_ORDER_C, &g), NDM_ERR_IO, "Is a directory");
    CHECK_OK(ndm_dtype_free(f8));
    CHECK_OK(ndm_dtype_free(i4));
}

/* A copy callback that frees the growable whose append is copying: refused, not a crash. */
static ndm_status freed_from_callback;
static void free_in_callback(int32_t reason, uint64_t bytes, const char *op, void *g) {
    (void)reason, (void)bytes, (void)op;
    freed_from_callback = ndm_growable_free(g);
}

static void test_reentrant_free(void) {
    ndm_dtype *f8 = dt("<f8");
    ndm_growable *g = NULL;
    ndm_array *v = NULL;
    double x = 1;
    CHECK_OK(ndm_empty_growable(f8, 1, (int64_t[]){0}, 1, NDM_ORDER_C, &g));
    CHECK_OK(ndm_append_raw(g, &x, 1));
    CHECK_OK(ndm_growable_view(g, &v)); /* so the next growth copies, under WARN: the callback */
    CHECK_OK(ndm_set_copy_callback(free_in_callback, g));
    CHECK_OK(ndm_set_copy_policy(NDM_COPY_POLICY_WARN));
    CHECK_OK(ndm_append_raw(g, &x, 1));
    CHECK_OK(ndm_set_copy_policy(NDM_COPY_POLICY_ALLOW));
    CHECK_OK(ndm_set_copy_callback(NULL, NULL));
    CHECK(freed_from_callback == NDM_ERR_INVALID_ARG && ndm_growable_len(g) == 2);
    CHECK_OK(ndm_array_free(v));
    CHECK_OK(ndm_growable_free(g));
    CHECK_OK(ndm_dtype_free(f8));
}

/* A file that cannot grow (here: a file size limit; a full disk takes the same path) is an
 * NDM_ERR_IO when the room is made, never a SIGBUS when rows are written through the map. */
static void test_file_cannot_grow(void) {
    pid_t child = fork();
    if (child == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = {1 << 20, 1 << 20};
        setrlimit(RLIMIT_FSIZE, &small);
        ndm_dtype *f8 = dt("<f8");
        ndm_growable *g = NULL;
        ndm_array *row = NULL;
        int ok = ndm_open_append(tmp("limited.npy"), f8, 1, (int64_t[]){64}, NDM_ORDER_C, &g) == NDM_OK &&
                 ndm_reserve(g, 10000) == NDM_ERR_IO && strstr(ndm_last_error(), "cannot resize") &&
                 ndm_arange(0, 64, 1, f8, &row) == NDM_OK;
        for (int i = 0; ok && i < 2000; i++) {
            ndm_status s = ndm_append(g, row); /* through the mapping */
            if (s != NDM_OK) {
                ok = s == NDM_ERR_IO && i > 1000 && ndm_growable_len(g) == i;
                break;
            }
        }
        ndm_array_free(row);
        ok = ok && ndm_growable_free(g) == NDM_OK;
        ndm_dtype_free(f8);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ndm_array *a = NULL;
    CHECK_OK(ndm_load_npy(tmp("limited.npy"), &a));
    CHECK(ndm_ndim(a) == 2 && ndm_shape(a)[0] > 1000 && ndm_shape(a)[0] < 2048);
    CHECK_OK(ndm_array_free(a));
}

/* Bad arguments: status and message, never a crash. */
static void test_errors(void) {
    ndm_dtype *f8 = dt("<f8");
    ndm_growable *g = NULL;
    double v = 1;
    CHECK_ERR(ndm_empty_growable(f8, 0, NULL, 0, NDM_ORDER_C, &g), NDM_ERR_SHAPE, "0-dimensional");
    CHECK_ERR(ndm_empty_growable(f8, 1, (int64_t[]){0}, -1, NDM_ORDER_C, &g), NDM_ERR_SHAPE, "negative");
    CHECK_ERR(ndm_empty_growable(f8, 1, (int64_t[]){-1}, 0, NDM_ORDER_C, &g), NDM_ERR_SHAPE, "negative");
    CHECK_ERR(ndm_empty_growable(f8, 1, (int64_t[]){0}, INT64_MAX, NDM_ORDER_C, &g), NDM_ERR_ALLOC,
              "address space");
    CHECK_ERR(ndm_empty_growable(f8, 1, (int64_t[]){0}, 0, 9, &g), NDM_ERR_INVALID_ARG, "order");
    CHECK_ERR(ndm_empty_growable(NULL, 1, (int64_t[]){0}, 0, NDM_ORDER_C, &g), NDM_ERR_NULL_ARG, "dtype");
    CHECK_ERR(ndm_empty_growable(f8, 1, (int64_t[]){0}, 0, NDM_ORDER_C, NULL), NDM_ERR_NULL_ARG, "out");
    CHECK(g == NULL);
    CHECK_OK(ndm_empty_growable(f8, 1, (int64_t[]){0}, 0, NDM_ORDER_C, &g));
    CHECK_ERR(ndm_append_raw(g, NULL, 1), NDM_ERR_NULL_ARG, "data");
    CHECK_OK(ndm_append_raw(g, NULL, 0));
    CHECK_ERR(ndm_append_raw(g, &v, -1), NDM_ERR_SHAPE, "negative");
    CHECK_ERR(ndm_append_raw(g, &v, INT64_MAX), NDM_ERR_ALLOC, "address space");
    CHECK_ERR(ndm_reserve(g, -5), NDM_ERR_SHAPE, "negative");
    CHECK_ERR(ndm_reserve(g, INT64_MAX / 4), NDM_ERR_ALLOC, "");
    CHECK(ndm_growable_len(g) == 0);
    CHECK_ERR(ndm_append(g, NULL), NDM_ERR_NULL_ARG, "values");
    CHECK_ERR(ndm_append(g, (ndm_array *)f8), NDM_ERR_BAD_HANDLE, "values");
    CHECK_ERR(ndm_append_raw(NULL, &v, 1), NDM_ERR_NULL_ARG, "'g'");
    CHECK_ERR(ndm_append_raw((ndm_growable *)f8, &v, 1), NDM_ERR_BAD_HANDLE, "ndm_growable");
    CHECK(ndm_capacity(NULL) == -1);
    CHECK_OK(ndm_growable_flush(g)); /* in memory: nothing to do */
    CHECK_OK(ndm_growable_free(g));
    CHECK_ERR(ndm_append_raw(g, &v, 1), NDM_ERR_BAD_HANDLE, "already freed");
    CHECK_ERR(ndm_growable_free(g), NDM_ERR_BAD_HANDLE, "already freed");
    CHECK(ndm_growable_len(g) == -1 && ndm_growable_live_views(g) == -1);
    CHECK_OK(ndm_growable_free(NULL));
    /* Every function, given NULL and a freed handle. */
    ndm_growable *handles[2] = {NULL, g};
    for (int i = 0; i < 2; i++) {
        ndm_growable *h = handles[i];
        ndm_status want = h ? NDM_ERR_BAD_HANDLE : NDM_ERR_NULL_ARG;
        void *room = NULL;
        ndm_array *out = NULL;
        CHECK_STATUS(ndm_append(h, NULL), want == NDM_ERR_BAD_HANDLE ? NDM_ERR_NULL_ARG : want);
        CHECK_STATUS(ndm_append_space(h, 1, &room), want);
        CHECK_STATUS(ndm_append_commit(h, 0), want);
        CHECK_STATUS(ndm_reserve(h, 1), want);
        CHECK_STATUS(ndm_shrink_to_fit(h), want);
        CHECK_STATUS(ndm_growable_view(h, &out), want);
        CHECK_STATUS(ndm_growable_set_policy(h, NDM_GROW_MOVE), want);
        CHECK_STATUS(ndm_growable_flush(h), want);
        CHECK(ndm_capacity(h) == -1 && ndm_growable_len(h) == -1 && ndm_growable_row_bytes(h) == -1 &&
              ndm_growable_axis(h) == -1 && ndm_growable_live_views(h) == -1 && ndm_last_status() == want);
        CHECK(room == NULL && out == NULL);
    }
    CHECK_OK(ndm_dtype_free(f8));
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ndm_grow_XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    test_push_values();
    test_space_commit();
    test_views_survive_moves();
    test_append_arrays();
    test_files();
    test_reentrant_free();
    test_file_cannot_grow();
    test_errors();
    const char *names[] = {"grow.npy", "grow_f.npy", "old.npy", "zero_d.npy", "new.npy", "limited.npy"};
    for (int i = 0; i < 6; i++) unlink(tmp(names[i]));
    rmdir(tmpdir);
    return check_report("test_grow");
}
