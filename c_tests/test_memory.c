/* Memory accounting: every counter, scopes (nesting, other threads), the three copy policies at
 * every implicit-copy site (explicit copies and block buffers never refused), the WARN callback,
 * tags and the retention report over views, windows, broadcasts, fields and memory maps, the
 * allocation hook, and exact counts after concurrent work on 4 threads. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"

static ndm_mem_counts stats(void) {
    ndm_mem_counts m = {.size = sizeof m};
    CHECK_OK(ndm_mem_stats(&m));
    return m;
}

static ndm_mem_counts scope_end(void) {
    ndm_mem_counts m = {.size = sizeof m};
    CHECK_OK(ndm_mem_scope_end(&m));
    return m;
}

/* A 4x4 float64 array 0..15 and its transpose (a view that is not C-contiguous). */
static ndm_array *square(void) {
    ndm_dtype *f8 = dt("f8");
    ndm_array *a = NULL, *r = NULL;
    int64_t shape[2] = {4, 4};
    CHECK_OK(ndm_arange(0, 16, 1, f8, &a));
    CHECK_OK(ndm_reshape(a, 2, shape, NDM_ORDER_C, NDM_COPY_NEVER, &r));
    ndm_array_free(a);
    ndm_dtype_free(f8);
    return r;
}

static ndm_array *transposed(const ndm_array *a) {
    ndm_array *t = NULL;
    CHECK_OK(ndm_transpose(a, NULL, NDM_ALL_AXES, &t));
    return t;
}

static double at(const ndm_array *a, int64_t i, int64_t j) {
    int64_t idx[2] = {i, j};
    double v = -1;
    CHECK_OK(ndm_get_item(a, idx, 2, NDM_KIND_FLOAT64, &v));
    return v;
}

static void test_counters(void) {
    ndm_mem_counts m0 = stats();
    CHECK(m0.size == sizeof m0);
    ndm_dtype *f8 = dt("f8");
    ndm_array *small = NULL, *huge = NULL;
    int64_t n = 100, big = 1 << 20; /* 8 MiB: huge pages advised */
    CHECK_OK(ndm_zeros(f8, 1, &n, NDM_ORDER_C, &small));
    CHECK_OK(ndm_empty(f8, 1, &big, NDM_ORDER_C, &huge));
    ndm_mem_counts m1 = stats();
    CHECK(m1.allocations == m0.allocations + 2);
    CHECK(m1.bytes_allocated == m0.bytes_allocated + 800 + (8u << 20));
    CHECK(m1.live_buffers_by_origin[NDM_ORIGIN_HEAP] == m0.live_buffers_by_origin[NDM_ORIGIN_HEAP] + 1);
    CHECK(m1.live_bytes_by_origin[NDM_ORIGIN_HUGE_PAGE] == m0.live_bytes_by_origin[NDM_ORIGIN_HUGE_PAGE] + (8u << 20));
    CHECK(m1.live_buffers == m0.live_buffers + 2 && m1.live_bytes == m0.live_bytes + 800 + (8u << 20));
    CHECK(m1.owned_bytes == m0.owned_bytes + 800 + (8 << 20));
    CHECK(m1.peak_bytes >= m1.owned_bytes);
    CHECK(m1.live_arrays == m0.live_arrays + 2 && m1.live_dtypes == m0.live_dtypes + 1);
    ndm_array_free(huge);
    ndm_mem_counts m2 = stats();
    CHECK(m2.owned_bytes == m0.owned_bytes + 800 && m2.peak_bytes == m1.peak_bytes);
    CHECK_OK(ndm_mem_reset_peak());
    CHECK(stats().peak_bytes == m2.owned_bytes);

    /* Foreign memory and maps are live buffers, not allocations. */
    double data[6] = {0};
    int64_t six = 6;
    ndm_array *foreign = NULL;
    CHECK_OK(ndm_from_ptr(data, sizeof data, 0, f8, 1, &six, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &foreign));
    char path[] = "/tmp/ndm_memory_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, data, sizeof data) == (ssize_t)sizeof data);
    close(fd);
    ndm_array *mapped = NULL;
    CHECK_OK(ndm_memmap_raw(path, f8, "r", 0, 1, &six, NDM_ORDER_C, &mapped));
    ndm_mem_counts m3 = stats();
    CHECK(m3.allocations == m2.allocations);
    CHECK(m3.live_buffers_by_origin[NDM_ORIGIN_FOREIGN] == m2.live_buffers_by_origin[NDM_ORIGIN_FOREIGN] + 1);
    CHECK(m3.live_bytes_by_origin[NDM_ORIGIN_FOREIGN] == m2.live_bytes_by_origin[NDM_ORIGIN_FOREIGN] + 48);
    CHECK(m3.live_buffers_by_origin[NDM_ORIGIN_MAPPED] == m2.live_buffers_by_origin[NDM_ORIGIN_MAPPED] + 1);
    ndm_array_free(mapped);
    ndm_array_free(foreign);
    unlink(path);
    ndm_array_free(small);

    /* A record builder is a handle too. */
    ndm_record_builder *b = NULL;
    CHECK_OK(ndm_dtype_record_new(&b));
    CHECK(stats().live_record_builders == m0.live_record_builders + 1);
    ndm_dtype_record_free(b);
    ndm_dtype_free(f8);
    ndm_mem_counts end = stats();
    CHECK(end.live_arrays == m0.live_arrays && end.live_buffers == m0.live_buffers &&
          end.live_dtypes == m0.live_dtypes && end.live_record_builders == m0.live_record_builders);

    /* The size field: a shorter struct gets a prefix; too short is refused. */
    ndm_mem_counts part = {.size = 24};
    CHECK_OK(ndm_mem_stats(&part));
    CHECK(part.size == 24 && part.live_buffers == end.live_buffers && part.live_bytes_by_origin[0] == 0);
    ndm_mem_counts none = {.size = 4};
    CHECK_ERR(ndm_mem_stats(&none), NDM_ERR_INVALID_ARG, "sizeof(ndm_mem_counts)");
    CHECK_ERR(ndm_mem_stats(NULL), NDM_ERR_NULL_ARG, "out");
}

/* The explicit copies: counted with their bytes, never refused. */
static void test_explicit_copies(void) {
    CHECK_OK(ndm_set_copy_policy(NDM_COPY_POLICY_FORBID));
    ndm_array *a = square(), *t = transposed(a), *r[12] = {0};
    ndm_dtype *f4 = dt("f4"), *i8 = dt("i8"), *b1 = dt("?");
    int64_t idx[2] = {3, 0}, two = 2;
    ndm_array *indices = NULL, *cond = NULL;
    CHECK_OK(ndm_from_ptr(idx, sizeof idx, 0, i8, 1, &two, NULL, 0, NULL, NULL, &indices));
    bool flags[4] = {true, false, true, true};
    int64_t four = 4;
    CHECK_OK(ndm_from_ptr(flags, sizeof flags, 0, b1, 1, &four, NULL, 0, NULL, NULL, &cond));
    const ndm_array *pair[2] = {a, t};
    int64_t axis0 = 0;
    ndm_mem_counts before = stats();
    CHECK_OK(ndm_mem_scope_begin());
    CHECK_OK(ndm_copy(a, NDM_ORDER_C, &r[0]));                                             /* 128 */
    CHECK_OK(ndm_astype(a, f4, NDM_CASTING_UNSAFE, NDM_ORDER_K, NDM_COPY_ALWAYS, &r[1]));    /* 64 */
    CHECK_OK(ndm_flatten(t, NDM_ORDER_C, &r[2]));                                          /* 128 */
    CHECK_OK(ndm_ascontiguousarray(t, &r[3]));                                             /* 128 */
    CHECK_OK(ndm_take(a, indices, &axis0, &r[4]));                                         /* 64 */
    CHECK_OK(ndm_compress(a, cond, &axis0, &r[5]));                                        /* 96 */
    CHECK_OK(ndm_concatenate(2, pair, &axis0, NULL, NDM_CASTING_SAME_KIND, &r[6]));        /* 256 */
    CHECK_OK(ndm_byteswap(a, false, &r[7]));                                               /* 128 */
    int64_t sixteen = 16;
    CHECK_OK(ndm_reshape(t, 1, &sixteen, NDM_ORDER_C, NDM_COPY_ALWAYS, &r[8]));             /* 128 */
    char path[] = "/tmp/ndm_memory_XXXXXX";
    close(mkstemp(path));
    CHECK_OK(ndm_save_npy(path, t, 0, NULL));                                              /* 128 */
    unlink(path);
    ndm_mem_counts s = scope_end();
    CHECK(s.explicit_copies == 10 && s.explicit_bytes == 128 * 6 + 64 + 64 + 96 + 256);
    CHECK(s.implicit_copies == 0 && s.implicit_bytes == 0);
    ndm_mem_counts after = stats();
    CHECK(after.explicit_copies == before.explicit_copies + 10);
    CHECK(after.implicit_copies == before.implicit_copies);
    for (int i = 0; i < 12; i++) ndm_array_free(r[i]);
    ndm_array_free(indices);
    ndm_array_free(cond);
    ndm_array_free(t);
    ndm_array_free(a);
    ndm_dtype_free(f4);
    ndm_dtype_free(i8);
    ndm_dtype_free(b1);
    CHECK_OK(ndm_set_copy_policy(NDM_COPY_POLICY_ALLOW));
}

/* One implicit-copy site: makes the copy under `policy` and returns the call's status. */
typedef ndm_status (*site_fn)(ndm_array *a, ndm_array **out);

static ndm_status reshape_site(ndm_array *a, ndm_array **out) {
    ndm_array *t = transposed(a);
    int64_t flat = 16;
    ndm_status s = ndm_reshape(t, 1, &flat, NDM_ORDER_C, NDM_COPY_IF_NEEDED, out);
    ndm_array_free(t);
    return s;
}

static ndm_status ravel_site(ndm_array *a, ndm_array **out) {
    ndm_array *t = transposed(a);
    ndm_status s = ndm_ravel(t, NDM_ORDER_C, out);
    ndm_array_free(t);
    return s;
}

static ndm_status take_ravel_site(ndm_array *a, ndm_array **out) {
    ndm_array *t = transposed(a), *idx = NULL;
    ndm_dtype *i8 = dt("i8");
    CHECK_OK(ndm_zeros(i8, 0, NULL, NDM_ORDER_C, &idx));
    ndm_status s = ndm_take(t, idx, NULL, out);
    ndm_array_free(idx);
    ndm_array_free(t);
    ndm_dtype_free(i8);
    return s;
}

static ndm_status concatenate_ravel_site(ndm_array *a, ndm_array **out) {
    ndm_array *t = transposed(a);
    const ndm_array *both[2] = {a, t};
    ndm_status s = ndm_concatenate(2, both, NULL, NULL, NDM_CASTING_SAME_KIND, out);
    ndm_array_free(t);
    return s;
}

static ndm_status ufunc_overlap_site(ndm_array *a, ndm_array **out) {
    ndm_array *t = transposed(a);
    *out = NULL;
    ndm_status s = ndm_ufunc_binary(NDM_ADD, t, a, a, NULL, NULL); /* a = a.T + a */
    ndm_array_free(t);
    return s;
}

static ndm_status copyto_overlap_site(ndm_array *a, ndm_array **out) {
    ndm_array *t = transposed(a);
    *out = NULL;
    ndm_status s = ndm_copyto(a, t, NDM_CASTING_NO); /* a[...] = a.T */
    ndm_array_free(t);
    return s;
}

static ndm_status conversion_site(ndm_array *a, ndm_array **out) {
    ndm_dtype *i4 = dt("i4");
    int32_t idx[2] = {1, 2};
    int64_t two = 2, axis = 0;
    ndm_array *indices = NULL;
    CHECK_OK(ndm_from_ptr(idx, sizeof idx, 0, i4, 1, &two, NULL, 0, NULL, NULL, &indices));
    ndm_status s = ndm_take(a, indices, &axis, out);
    ndm_array_free(indices);
    ndm_dtype_free(i4);
    return s;
}

static ndm_status reduction_site(ndm_array *a, ndm_array **out) {
    ndm_dtype *f4 = dt("f4");
    ndm_array *o = NULL;
    int64_t four = 4, axis = 0;
    CHECK_OK(ndm_zeros(f4, 1, &four, NDM_ORDER_C, &o));
    ndm_status s = ndm_reduce(NDM_ADD, a, &axis, 1, false, o, NULL, NULL);
    *out = o;
    ndm_dtype_free(f4);
    return s;
}

static const struct {
    const char *op;
    int32_t reason;
    uint64_t bytes;
    site_fn run;
} SITES[] = {
    {"reshape", NDM_COPY_REASON_RESHAPE, 128, reshape_site},
    {"ravel", NDM_COPY_REASON_RAVEL, 128, ravel_site},
    {"take", NDM_COPY_REASON_RAVEL, 128, take_ravel_site},
    {"concatenate", NDM_COPY_REASON_RAVEL, 128, concatenate_ravel_site},
    {"add", NDM_COPY_REASON_UFUNC_OVERLAP, 128, ufunc_overlap_site},
    {"copyto", NDM_COPY_REASON_COPYTO_OVERLAP, 128, copyto_overlap_site},
    {"take", NDM_COPY_REASON_OPERAND_CONVERSION, 16, conversion_site},
    {"add", NDM_COPY_REASON_REDUCTION_RESULT, 32, reduction_site},
};
enum { NSITES = sizeof SITES / sizeof SITES[0] };

static struct {
    int calls;
    int32_t reason;
    uint64_t bytes;
    char op[32];
} warned;

static void on_copy(int32_t reason, uint64_t bytes, const char *op, void *userdata) {
    CHECK(userdata == &warned);
    warned.calls++;
    warned.reason = reason;
    warned.bytes = bytes;
    snprintf(warned.op, sizeof warned.op, "%s", op);
}

static void test_implicit_copies(void) {
    CHECK_OK(ndm_set_copy_callback(on_copy, &warned));
    for (int i = 0; i < NSITES; i++) {
        /* FORBID: refused before anything is written, naming the operation and the reason. */
        ndm_array *a = square(), *out = NULL;
        CHECK_OK(ndm_set_thread_copy_policy(NDM_COPY_POLICY_FORBID));
        CHECK(ndm_get_copy_policy() == NDM_COPY_POLICY_FORBID);
        ndm_mem_counts before = stats();
        CHECK_STATUS(SITES[i].run(a, &out), NDM_ERR_COPY_REQUIRED);
        CHECK(strstr(ndm_last_error(), SITES[i].op) == ndm_last_error());
        CHECK(strstr(ndm_last_error(), ndm_copy_reason_name(SITES[i].reason)) != NULL);
        CHECK(strstr(ndm_last_error(), "forbids implicit copies") != NULL);
        CHECK(stats().implicit_copies == before.implicit_copies);
        CHECK(at(a, 0, 1) == 1 && at(a, 1, 0) == 4); /* untouched */
        if (SITES[i].reason == NDM_COPY_REASON_REDUCTION_RESULT) {
            double zero = -1;
            int64_t k = 0;
            CHECK_OK(ndm_get_item(out, &k, 1, NDM_KIND_FLOAT64, &zero));
            CHECK(zero == 0); /* out untouched */
        }
        ndm_array_free(out);
        out = NULL;

        /* WARN: made, counted and told to the callback. */
        CHECK_OK(ndm_set_thread_copy_policy(NDM_COPY_POLICY_WARN));
        warned.calls = 0;
        CHECK_OK(SITES[i].run(a, &out));
        CHECK(warned.calls == 1 && warned.reason == SITES[i].reason && warned.bytes == SITES[i].bytes);
        CHECK(strcmp(warned.op, SITES[i].op) == 0);
        ndm_array_free(out);
        out = NULL;

        /* ALLOW (following the process): made and counted by reason. */
        CHECK_OK(ndm_set_thread_copy_policy(NDM_COPY_POLICY_PROCESS));
        CHECK(ndm_get_thread_copy_policy() == NDM_COPY_POLICY_PROCESS);
        CHECK(ndm_get_copy_policy() == NDM_COPY_POLICY_ALLOW);
        warned.calls = 0;
        before = stats();
        CHECK_OK(SITES[i].run(a, &out));
        ndm_mem_counts after = stats();
        CHECK(warned.calls == 0);
        CHECK(after.implicit_copies == before.implicit_copies + 1);
        CHECK(after.implicit_bytes == before.implicit_bytes + SITES[i].bytes);
        CHECK(after.implicit_copies_by_reason[SITES[i].reason] == before.implicit_copies_by_reason[SITES[i].reason] + 1);
        CHECK(after.implicit_bytes_by_reason[SITES[i].reason] == before.implicit_bytes_by_reason[SITES[i].reason] + SITES[i].bytes);
        ndm_array_free(out);
        ndm_array_free(a);
    }
    CHECK_OK(ndm_set_copy_callback(NULL, NULL));
    CHECK_ERR(ndm_set_copy_policy(7), NDM_ERR_INVALID_ARG, "unknown copy policy 7");
    CHECK_ERR(ndm_set_thread_copy_policy(-2), NDM_ERR_INVALID_ARG, "unknown copy policy -2");
    CHECK(ndm_get_copy_policy() == NDM_COPY_POLICY_ALLOW); /* a refused setting changes nothing */
    CHECK(strcmp(ndm_copy_reason_name(-1), "unknown reason") == 0);
}

/* Fixed-size block buffers (casting, scalar operands): counted, never refused. */
static void test_blocks(void) {
    CHECK_OK(ndm_set_copy_policy(NDM_COPY_POLICY_FORBID));
    ndm_array *a = square(), *r = NULL, *i = NULL;
    ndm_dtype *i4 = dt("i4");
    CHECK_OK(ndm_astype(a, i4, NDM_CASTING_UNSAFE, NDM_ORDER_K, NDM_COPY_ALWAYS, &i));
    ndm_mem_counts before = stats();
    CHECK_OK(ndm_ufunc_binary(NDM_ADD, a, i, NULL, NULL, &r)); /* int32 converted in blocks */
    ndm_mem_counts after = stats();
    CHECK(after.block_buffers == before.block_buffers + 1 && after.block_bytes > before.block_bytes);
    CHECK(after.implicit_copies == before.implicit_copies);
    ndm_array_free(r);
    ndm_array_free(i);
    ndm_array_free(a);
    ndm_dtype_free(i4);
    CHECK_OK(ndm_set_copy_policy(NDM_COPY_POLICY_ALLOW));
}

static void test_scopes(void) {
    ndm_dtype *f8 = dt("f8");
    int64_t n = 10;
    ndm_array *x = NULL, *y = NULL, *z = NULL;
    CHECK_OK(ndm_mem_scope_begin());
    CHECK_OK(ndm_zeros(f8, 1, &n, NDM_ORDER_C, &x));
    CHECK_OK(ndm_mem_scope_begin());
    CHECK_OK(ndm_copy(x, NDM_ORDER_C, &y));
    ndm_array_free(y);
    ndm_mem_counts inner = scope_end();
    CHECK_OK(ndm_copy(x, NDM_ORDER_C, &z));
    ndm_mem_counts outer = scope_end();
    CHECK(inner.allocations == 1 && inner.explicit_copies == 1 && inner.explicit_bytes == 80);
    CHECK(inner.owned_bytes == 0 && inner.peak_bytes == 80);
    CHECK(inner.live_buffers == 0 && inner.live_arrays == 0);
    CHECK(outer.allocations == 3 && outer.explicit_copies == 2 && outer.owned_bytes == 160);
    CHECK(outer.peak_bytes == 160);
    CHECK_ERR(ndm_mem_scope_end(NULL), NDM_ERR_INVALID_ARG, "no memory scope is open");
    /* A failed end leaves the scope open. */
    CHECK_OK(ndm_mem_scope_begin());
    ndm_mem_counts tiny = {.size = 0};
    CHECK_STATUS(ndm_mem_scope_end(&tiny), NDM_ERR_INVALID_ARG);
    CHECK_OK(ndm_mem_scope_end(NULL));
    ndm_array_free(x);
    ndm_array_free(z);
    ndm_dtype_free(f8);
}

/* The retention report. */
typedef struct {
    int n;
    const void *start;
    uint64_t bytes, handles, reachable;
    int32_t origin;
    char tag[32];
    char summary[200];
} found_t;

static int32_t find(const ndm_buffer_info *info, void *userdata) {
    found_t *f = userdata;
    if (info->start != f->start) return 0;
    f->n++;
    f->bytes = info->bytes;
    f->handles = info->handles;
    f->reachable = info->reachable_bytes;
    f->origin = info->origin;
    snprintf(f->tag, sizeof f->tag, "%s", info->tag ? info->tag : "");
    snprintf(f->summary, sizeof f->summary, "%s", info->summary);
    return 0;
}

static found_t report_of(const ndm_array *a) {
    found_t f = {0};
    size_t len = 0;
    void *start = NULL;
    CHECK_OK(ndm_buffer_range(a, &start, &len));
    f.start = start;
    CHECK_OK(ndm_mem_report(find, &f));
    CHECK(f.n == 1);
    return f;
}

static void test_report(void) {
    ndm_dtype *f8 = dt("f8");
    int64_t n = 1 << 17; /* 1 MiB */
    ndm_array *big = NULL, *one = NULL;
    CHECK_OK(ndm_zeros(f8, 1, &n, NDM_ORDER_C, &big));
    CHECK_OK(ndm_set_tag(big, "big"));
    ndm_index_item five[1] = {NDM_AT(5)};
    CHECK_OK(ndm_index(big, five, 1, &one));
    ndm_array_free(big);
    found_t f = report_of(one);
    CHECK(f.bytes == 1 << 20 && f.handles == 1 && f.reachable == 8 && f.origin == NDM_ORIGIN_HEAP);
    CHECK(strcmp(f.tag, "big") == 0); /* views show the tag */
    CHECK(strcmp(f.summary, "1.00 MiB heap buffer 'big' kept alive by 1 view of 8 bytes (99.99% unreachable)") == 0);

    /* Windows and broadcasts reach their extents; a field view reaches its field's bytes. */
    ndm_array *w = NULL, *b = NULL;
    int64_t window = 3, wide[2] = {4, 1};
    CHECK_OK(ndm_broadcast_to(one, 2, wide, &b));
    f = report_of(one);
    CHECK(f.handles == 2 && f.reachable == 8);
    ndm_array *row = NULL;
    int64_t ten = 10;
    CHECK_OK(ndm_arange(0, 10, 1, f8, &row));
    CHECK_OK(ndm_sliding_window_view(row, 1, &window, NULL, false, &w));
    f = report_of(row);
    CHECK(f.handles == 2 && f.reachable == 80 && f.bytes == 80);
    ndm_dtype *rec = dt("[('a', '<i4'), ('b', '<f8')]");
    ndm_array *recs = NULL, *field = NULL;
    CHECK_OK(ndm_zeros(rec, 1, &ten, NDM_ORDER_C, &recs));
    CHECK_OK(ndm_field(recs, "b", &field));
    ndm_array_free(recs);
    f = report_of(field);
    CHECK(f.handles == 1 && f.bytes == 120 && f.reachable == 116); /* bytes 4 .. 120 */

    /* A memory map. */
    char path[] = "/tmp/ndm_memory_XXXXXX";
    int fd = mkstemp(path);
    CHECK(ftruncate(fd, 4096) == 0);
    close(fd);
    ndm_array *m = NULL, *part = NULL;
    int64_t k = 512;
    CHECK_OK(ndm_memmap_raw(path, f8, "r", 0, 1, &k, NDM_ORDER_C, &m));
    ndm_index_item first[1] = {NDM_SLICE(0, 2, 1)};
    CHECK_OK(ndm_index(m, first, 1, &part));
    ndm_array_free(m);
    f = report_of(part);
    CHECK(f.origin == NDM_ORIGIN_MAPPED && f.handles == 1 && f.reachable == 16);
    unlink(path);

    CHECK_ERR(ndm_mem_report(NULL, NULL), NDM_ERR_NULL_ARG, "callback");
    CHECK_ERR(ndm_set_tag(NULL, "x"), NDM_ERR_NULL_ARG, "'a'");
    CHECK_ERR(ndm_set_tag((const ndm_array *)f8, "x"), NDM_ERR_BAD_HANDLE, "not an ndm_array handle");
    CHECK_OK(ndm_set_tag(one, NULL));
    f = report_of(one);
    CHECK(f.tag[0] == 0);
    ndm_array *arrays[] = {one, b, w, row, field, part};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) ndm_array_free(arrays[i]);
    ndm_dtype_free(rec);
    ndm_dtype_free(f8);
}

/* The allocation hook sees every allocation and free of ndmem's own buffers. */
static int64_t hooked_bytes, hooked_calls;
static uintptr_t last_ptr;
static int track(uint32_t domain, size_t ptr, size_t size) {
    CHECK(domain == 77);
    hooked_bytes += (int64_t)size;
    hooked_calls++;
    last_ptr = ptr;
    return 0;
}
static int untrack(uint32_t domain, size_t ptr) {
    CHECK(domain == 77);
    (void)ptr;
    hooked_calls++;
    return 0;
}

static void test_alloc_hook(void) {
    CHECK_OK(ndm_set_alloc_hook(track, untrack, 77));
    ndm_dtype *f8 = dt("f8");
    int64_t n = 32;
    ndm_array *a = NULL;
    CHECK_OK(ndm_zeros(f8, 1, &n, NDM_ORDER_C, &a));
    CHECK(hooked_bytes == 256 && hooked_calls == 1 && last_ptr == (uintptr_t)ndm_data(a));
    ndm_array_free(a);
    CHECK(hooked_calls == 2);
    CHECK_OK(ndm_set_alloc_hook(NULL, NULL, 0));
    CHECK_OK(ndm_zeros(f8, 1, &n, NDM_ORDER_C, &a));
    CHECK(hooked_calls == 2);
    ndm_array_free(a);
    CHECK_ERR(ndm_set_alloc_hook(track, NULL, 0), NDM_ERR_INVALID_ARG, "both");
    ndm_dtype_free(f8);
}

/* Counters are exact after concurrent work on 4 threads; each thread's scope sees its own. */
enum { THREADS = 4, ROUNDS = 50 };
static int thread_ok[THREADS];

static void *worker(void *arg) {
    int k = (int)(intptr_t)arg;
    ndm_dtype *f8 = dt("f8");
    int64_t n = 16;
    int ok = ndm_mem_scope_begin() == NDM_OK;
    for (int i = 0; i < ROUNDS; i++) {
        ndm_array *a = NULL, *b = NULL;
        ok &= ndm_zeros(f8, 1, &n, NDM_ORDER_C, &a) == NDM_OK;
        ok &= ndm_copy(a, NDM_ORDER_C, &b) == NDM_OK;
        ndm_array_free(a);
        ndm_array_free(b);
    }
    ndm_mem_counts s = {.size = sizeof s};
    ok &= ndm_mem_scope_end(&s) == NDM_OK;
    ok &= s.allocations == 2 * ROUNDS && s.explicit_copies == ROUNDS && s.explicit_bytes == 128 * ROUNDS;
    ok &= s.owned_bytes == 0 && s.peak_bytes == 256;
    ndm_dtype_free(f8);
    thread_ok[k] = ok;
    return NULL;
}

static void test_threads(void) {
    ndm_mem_counts before = stats();
    pthread_t t[THREADS];
    for (int k = 0; k < THREADS; k++) CHECK(pthread_create(&t[k], NULL, worker, (void *)(intptr_t)k) == 0);
    for (int k = 0; k < THREADS; k++) CHECK(pthread_join(t[k], NULL) == 0);
    for (int k = 0; k < THREADS; k++) CHECK(thread_ok[k]);
    ndm_mem_counts after = stats();
    CHECK(after.allocations == before.allocations + 2 * ROUNDS * THREADS);
    CHECK(after.bytes_allocated == before.bytes_allocated + 256 * ROUNDS * THREADS);
    CHECK(after.explicit_copies == before.explicit_copies + ROUNDS * THREADS);
    CHECK(after.owned_bytes == before.owned_bytes && after.live_arrays == before.live_arrays);
}

/* The zero-copy ledger from C: a C buffer and a table of C structs wrapped, updated in place
 * through views and field views, read back in C: no copy, no byte copied, nothing allocated. */
static void test_ledger(void) {
    double data[12];
    for (int i = 0; i < 12; i++) data[i] = i;
    struct row { int32_t id; double x; } table[3] = {{1, 1.0}, {2, 2.0}, {3, 3.0}};
    ndm_dtype *f8 = dt("f8"), *rec = NULL;
    CHECK_OK(ndm_dtype_parse_align("[('id', '<i4'), ('x', '<f8')]", true, &rec)); /* C's layout */
    CHECK(ndm_dtype_itemsize(rec) == (int64_t)sizeof(struct row));
    CHECK_OK(ndm_mem_scope_begin());
    int64_t shape[2] = {3, 4}, three = 3;
    ndm_array *a = NULL, *t = NULL, *r = NULL, *x = NULL;
    CHECK_OK(ndm_from_ptr(data, sizeof data, 0, f8, 2, shape, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &a));
    CHECK_OK(ndm_transpose(a, NULL, NDM_ALL_AXES, &t));
    CHECK_OK(ndm_ufunc_binary(NDM_ADD, t, t, t, NULL, NULL)); /* doubles data in place */
    CHECK_OK(ndm_from_ptr(table, sizeof table, 0, rec, 1, &three, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &r));
    CHECK_OK(ndm_field(r, "x", &x));
    CHECK_OK(ndm_ufunc_binary(NDM_MULTIPLY, x, x, x, NULL, NULL)); /* squares table[i].x */
    ndm_mem_counts s = scope_end();
    CHECK(s.explicit_copies + s.implicit_copies == 0 && s.explicit_bytes + s.implicit_bytes == 0);
    CHECK(s.allocations == 0 && s.block_buffers == 0);
    CHECK(data[5] == 10 && table[2].x == 9 && table[2].id == 3);
    ndm_array *all[] = {a, t, r, x};
    for (int i = 0; i < 4; i++) ndm_array_free(all[i]);
    ndm_dtype_free(f8);
    ndm_dtype_free(rec);
}

int main(void) {
    test_ledger();
    test_counters();
    test_explicit_copies();
    test_implicit_copies();
    test_blocks();
    test_scopes();
    test_report();
    test_alloc_hook();
    test_threads();
    return check_report("test_memory");
}
