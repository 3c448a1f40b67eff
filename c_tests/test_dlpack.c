/* DLPack: ndmem arrays handed out and taken in without a copy. Round trips of a few hundred
 * random layouts (reversed, strided, transposed, broadcast, size-0 and size-1 axes, every
 * dtype), each producer's deleter called exactly once whichever side frees first, read-only
 * carried both ways, every refusal, and tensors built by hand the way another library would.
 *
 * The tests also compile with `-include dlpack/dlpack.h` (the Python suite does so against a
 * real dlpack.h 1.x), so the layout of ndmem's structs is checked against DLPack's own. */
#include <stdint.h>
#include <stdlib.h>
#include "check.h"

/* A deterministic generator (the same layouts on every run). */
static uint64_t seed = 0x9e3779b97f4a7c15u;
static int64_t rnd(int64_t n) {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    return (int64_t)((seed >> 33) % (uint64_t)n);
}

/* ndmem's own deleter, wrapped to count calls. */
static int ndm_deletes;
static void (*ndm_deleter)(DLManagedTensorVersioned *);
static void counting_deleter(DLManagedTensorVersioned *t) {
    ndm_deletes++;
    ndm_deleter(t);
}

static DLManagedTensorVersioned *export_counted(const ndm_array *a, uint32_t flags) {
    DLManagedTensorVersioned *t = NULL;
    CHECK_OK(ndm_to_dlpack(a, flags, &t));
    if (t != NULL) {
        ndm_deleter = t->deleter;
        t->deleter = counting_deleter;
    }
    return t;
}

/* The elements of `a` as C-order bytes (a fresh copy), for comparing values. */
static int same_values(const ndm_array *a, const ndm_array *b) {
    ndm_array *ca = NULL, *cb = NULL;
    int same = ndm_copy(a, NDM_ORDER_C, &ca) == NDM_OK && ndm_copy(b, NDM_ORDER_C, &cb) == NDM_OK &&
               ndm_nbytes(ca) == ndm_nbytes(cb) &&
               memcmp(ndm_data(ca), ndm_data(cb), (size_t)ndm_nbytes(ca)) == 0;
    ndm_array_free(ca);
    ndm_array_free(cb);
    return same;
}

static const char *const dtypes[] = {"?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8",
                                     "f2", "f4", "f8", "c8", "c16"};
static const uint8_t codes[] = {kDLBool, kDLInt, kDLInt, kDLInt, kDLInt, kDLUInt, kDLUInt,
                                kDLUInt, kDLUInt, kDLFloat, kDLFloat, kDLFloat, kDLComplex,
                                kDLComplex};

/* A random view of a fresh array: reshaped, sliced with random steps (negative included),
 * maybe transposed, maybe broadcast, maybe read-only. */
static ndm_array *random_view(ndm_dtype *d) {
    int ndim = (int)rnd(5);
    int64_t shape[4], n = 1;
    for (int i = 0; i < ndim; i++) {
        shape[i] = rnd(8) == 0 ? 0 : 1 + rnd(5);
        n *= shape[i];
    }
    ndm_array *counts = NULL, *flat = NULL, *base = NULL, *v = NULL;
    ndm_dtype *f8 = dt("f8");
    CHECK_OK(ndm_arange(0, (double)n, 1, f8, &counts));
    CHECK_OK(ndm_astype(counts, d, NDM_CASTING_UNSAFE, NDM_ORDER_C, NDM_COPY_ALWAYS, &flat));
    ndm_array_free(counts);
    ndm_dtype_free(f8);
    CHECK_OK(ndm_reshape(flat, ndim, shape, NDM_ORDER_C, NDM_COPY_NEVER, &base));
    ndm_array_free(flat);
    ndm_index_item items[4];
    for (int i = 0; i < ndim; i++) {
        int64_t step = (1 + rnd(3)) * (rnd(2) ? -1 : 1);
        ndm_index_item all = NDM_ALL;
        items[i] = all;
        items[i].step = step;
    }
    CHECK_OK(ndm_index(base, items, ndim, &v));
    ndm_array_free(base);
    if (ndim > 1 && rnd(2)) {
        ndm_array *t = NULL;
        CHECK_OK(ndm_transpose(v, NULL, NDM_ALL_AXES, &t));
        ndm_array_free(v);
        v = t;
    }
    if (rnd(4) == 0) { /* broadcast: a new leading axis of stride 0 (read-only, as NumPy) */
        int64_t bshape[5] = {1 + rnd(3)};
        for (int i = 0; i < ndim; i++) bshape[i + 1] = ndm_shape(v)[i];
        ndm_array *b = NULL;
        CHECK_OK(ndm_broadcast_to(v, ndim + 1, bshape, &b));
        ndm_array_free(v);
        v = b;
    }
    return v;
}

static void test_random_round_trips(void) {
    int mismatches = 0;
    for (int round = 0; round < 300; round++) {
        int k = (int)rnd(14);
        ndm_dtype *d = dt(dtypes[k]);
        ndm_array *v = random_view(d);
        int64_t itemsize = ndm_itemsize(v);
        /* Half the tensors come back as they left: ndmem sees its own tensor and makes a view
         * of the array (the deleter runs at once). The other half have a deleter interposed,
         * as a library wrapping another's would: their memory is wrapped like any foreign one,
         * and the deleter runs when the import's last view goes. */
        int interposed = (int)rnd(2);
        ndm_deletes = 0;
        DLManagedTensorVersioned *t = NULL;
        if (interposed) {
            t = export_counted(v, 0);
        } else {
            CHECK_OK(ndm_to_dlpack(v, 0, &t));
        }
        if (t == NULL) {
            ndm_array_free(v);
            ndm_dtype_free(d);
            continue;
        }
        DLTensor *x = &t->dl_tensor;
        int ok = x->data == ndm_data(v) && x->byte_offset == 0 && x->ndim == ndm_ndim(v) &&
                 x->device.device_type == kDLCPU && x->device.device_id == 0 &&
                 x->dtype.code == codes[k] && x->dtype.bits == 8 * itemsize && x->dtype.lanes == 1 &&
                 t->version.major == 1 &&
                 !(t->flags & DLPACK_FLAG_BITMASK_IS_COPIED) &&
                 !!(t->flags & DLPACK_FLAG_BITMASK_READ_ONLY) == !(ndm_flags(v) & NDM_FLAG_WRITEABLE);
        for (int i = 0; i < x->ndim; i++) {
            ok &= x->shape[i] == ndm_shape(v)[i] && x->strides[i] * itemsize == ndm_strides(v)[i];
        }
        ndm_array *b = NULL;
        CHECK_OK(ndm_from_dlpack_versioned(t, &b));
        ok &= ndm_data(b) == ndm_data(v) && ndm_ndim(b) == ndm_ndim(v) &&
              (ndm_flags(b) & NDM_FLAG_WRITEABLE) == (ndm_flags(v) & NDM_FLAG_WRITEABLE) &&
              same_values(v, b);
        for (int i = 0; i < ndm_ndim(v); i++) {
            ok &= ndm_shape(b)[i] == ndm_shape(v)[i] && ndm_strides(b)[i] == ndm_strides(v)[i];
        }
        /* Whichever side frees first, the deleter runs once, when the import's last view goes
         * (and the memory lives as long as either side needs it: valgrind checks the reads). */
        if (rnd(2)) {
            ndm_array_free(v);
            ok &= ndm_deletes == 0 && same_values(b, b);
            ndm_array_free(b);
        } else {
            ndm_array_free(b);
            ok &= ndm_deletes == interposed;
            ndm_array_free(v);
        }
        ok &= ndm_deletes == interposed;
        if (!ok) {
            mismatches++;
            fprintf(stderr, "round %d (dtype %s) differs\n", round, dtypes[k]);
        }
        ndm_dtype_free(d);
    }
    CHECK(mismatches == 0);
}

/* Nothing is allocated or copied by an export and import: the counters say so. */
static void test_counters_show_no_copy(void) {
    ndm_dtype *f8 = dt("f8");
    int64_t shape[2] = {100, 100};
    ndm_array *a = NULL, *b = NULL;
    CHECK_OK(ndm_zeros(f8, 2, shape, NDM_ORDER_C, &a));
    ndm_mem_counts before = {.size = sizeof before}, after = {.size = sizeof after};
    CHECK_OK(ndm_mem_stats(&before));
    DLManagedTensorVersioned *t = NULL;
    CHECK_OK(ndm_to_dlpack(a, 0, &t));
    CHECK_OK(ndm_from_dlpack_versioned(t, &b));
    CHECK_OK(ndm_mem_stats(&after));
    CHECK(after.bytes_allocated == before.bytes_allocated);
    CHECK(after.explicit_copies == before.explicit_copies);
    CHECK(after.implicit_copies == before.implicit_copies);
    CHECK(after.owned_bytes == before.owned_bytes);
    /* ndmem's own tensor comes back as a view of the same buffer (its deleter already ran). */
    CHECK(after.live_buffers == before.live_buffers);
    CHECK(ndm_data(b) == ndm_data(a));
    int32_t shares = 0;
    CHECK_OK(ndm_shares_memory(a, b, -1, &shares));
    CHECK(shares == 1);
    ndm_array_free(a);
    ndm_array_free(b);
    ndm_dtype_free(f8);
}

/* A copy on request: native byte order, C-contiguous, IS_COPIED, counted as explicit. */
static void test_copy_on_request(void) {
    ndm_dtype *be = dt(">f8"), *rec = dt("[('a', '<i4'), ('b', '<f8')]");
    int64_t n = 5;
    ndm_array *a = NULL, *r = NULL, *field = NULL, *back = NULL;
    CHECK_OK(ndm_arange(0, 5, 1, be, &a));
    CHECK_ERR(ndm_to_dlpack(a, 0, &(DLManagedTensorVersioned *){NULL}), NDM_ERR_EXCHANGE,
              "byte order");
    ndm_mem_counts before = {.size = sizeof before}, after = {.size = sizeof after};
    CHECK_OK(ndm_mem_stats(&before));
    DLManagedTensorVersioned *t = NULL;
    CHECK_OK(ndm_to_dlpack(a, NDM_DLPACK_COPY, &t));
    CHECK_OK(ndm_mem_stats(&after));
    CHECK(after.explicit_copies == before.explicit_copies + 1);
    CHECK(t->flags == DLPACK_FLAG_BITMASK_IS_COPIED);
    CHECK(t->dl_tensor.data != ndm_data(a));
    CHECK_OK(ndm_from_dlpack_versioned(t, &back));
    for (int64_t i = 0; i < 5; i++) {
        double x = -1, y = -2;
        CHECK_OK(ndm_get_item(a, &i, 1, NDM_KIND_FLOAT64, &x));
        CHECK_OK(ndm_get_item(back, &i, 1, NDM_KIND_FLOAT64, &y));
        CHECK(x == (double)i && y == x);
    }
    ndm_dtype *got = NULL;
    CHECK_OK(ndm_array_dtype(back, &got));
    CHECK(ndm_dtype_byteorder(got) != ndm_dtype_byteorder(be));
    ndm_dtype_free(got);
    ndm_array_free(back);

    CHECK_OK(ndm_zeros(rec, 1, &n, NDM_ORDER_C, &r));
    CHECK_OK(ndm_field(r, "b", &field));
    CHECK_ERR(ndm_to_dlpack(field, 0, &t), NDM_ERR_EXCHANGE, "stride of 12 bytes");
    CHECK(strstr(ndm_last_error(), "NDM_DLPACK_COPY") != NULL);
    CHECK_OK(ndm_to_dlpack(field, NDM_DLPACK_COPY, &t));
    CHECK(t->dl_tensor.strides[0] == 1);
    t->deleter(t);
    ndm_array_free(field);
    ndm_array_free(r);
    ndm_array_free(a);
    ndm_dtype_free(be);
    ndm_dtype_free(rec);
}

static void test_export_refusals(void) {
    const char *refused[] = {"S4", "U3", "V8", "[('a', '<i4')]", "<M8[s]"};
    int64_t n = 3;
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        ndm_dtype *d = NULL;
        if (ndm_dtype_parse(refused[i], &d) != NDM_OK) continue; /* a dtype ndmem lacks */
        ndm_array *a = NULL;
        DLManagedTensorVersioned *t = NULL;
        CHECK_OK(ndm_zeros(d, 1, &n, NDM_ORDER_C, &a));
        CHECK_ERR(ndm_to_dlpack(a, 0, &t), NDM_ERR_EXCHANGE, "DLPack cannot describe dtype");
        CHECK_ERR(ndm_to_dlpack(a, NDM_DLPACK_COPY, &t), NDM_ERR_EXCHANGE, "DLPack cannot describe");
        CHECK(t == NULL);
        ndm_array_free(a);
        ndm_dtype_free(d);
    }
    ndm_dtype *f8 = dt("f8");
    ndm_array *a = NULL, *ro = NULL;
    CHECK_OK(ndm_zeros(f8, 1, &n, NDM_ORDER_C, &a));
    DLManagedTensorVersioned *t = NULL;
    DLManagedTensor *u = NULL;
    CHECK_ERR(ndm_to_dlpack(a, 4, &t), NDM_ERR_INVALID_ARG, "NDM_DLPACK_COPY");
    CHECK_ERR(ndm_to_dlpack(NULL, 0, &t), NDM_ERR_NULL_ARG, "'a'");
    CHECK_ERR(ndm_to_dlpack(a, 0, NULL), NDM_ERR_NULL_ARG, "'out'");
    CHECK_ERR(ndm_to_dlpack_unversioned(NULL, 0, &u), NDM_ERR_NULL_ARG, "'a'");
    /* Read-only: versioned says so; the unversioned struct cannot, so it refuses. */
    int64_t big = 4;
    CHECK_OK(ndm_broadcast_to(a, 1, &n, &ro));
    CHECK(!(ndm_flags(ro) & NDM_FLAG_WRITEABLE) || ndm_broadcast_to(a, 1, &big, &ro) != NDM_OK);
    ndm_array_free(ro);
    int64_t bshape[2] = {2, 3};
    CHECK_OK(ndm_broadcast_to(a, 2, bshape, &ro));
    CHECK(!(ndm_flags(ro) & NDM_FLAG_WRITEABLE));
    CHECK_ERR(ndm_to_dlpack_unversioned(ro, 0, &u), NDM_ERR_EXCHANGE, "read-only");
    CHECK(u == NULL);
    CHECK_OK(ndm_to_dlpack(ro, 0, &t));
    CHECK(t->flags == DLPACK_FLAG_BITMASK_READ_ONLY);
    CHECK(t->dl_tensor.strides[0] == 0 && t->dl_tensor.strides[1] == 1);
    t->deleter(t);
    /* A copy of a read-only array is writeable, so the unversioned struct can carry it. */
    CHECK_OK(ndm_to_dlpack_unversioned(ro, NDM_DLPACK_COPY, &u));
    CHECK(u->dl_tensor.strides[0] == 3 && u->dl_tensor.strides[1] == 1);
    u->deleter(u);
    /* A freed handle. */
    ndm_array_free(ro);
    CHECK_ERR(ndm_to_dlpack(ro, 0, &t), NDM_ERR_BAD_HANDLE, "");
    ndm_array_free(a);
    ndm_dtype_free(f8);
}

/* ---- another library's tensors, built by hand ---- */

typedef struct {
    DLManagedTensorVersioned managed; /* first, so the deleter finds the whole */
    int64_t shape[3];
    int64_t strides[3];
    double *memory;
} producer_tensor;

static int producer_deletes;
static void producer_delete(DLManagedTensorVersioned *self) {
    producer_tensor *p = (producer_tensor *)self->manager_ctx;
    producer_deletes++;
    free(p->memory);
    free(p);
}

/* A 2x3 float64 tensor over 8 doubles: element 0 at memory + 2 (byte_offset), rows reversed
 * (negative stride), as a library handing out a view of its own buffer would. */
static producer_tensor *produce(uint64_t flags) {
    producer_tensor *p = calloc(1, sizeof *p);
    p->memory = malloc(8 * sizeof(double));
    for (int i = 0; i < 8; i++) p->memory[i] = i;
    p->shape[0] = 2;
    p->shape[1] = 3;
    p->strides[0] = -3;
    p->strides[1] = 1;
    DLManagedTensorVersioned *m = &p->managed;
    m->version.major = DLPACK_MAJOR_VERSION;
    m->version.minor = DLPACK_MINOR_VERSION;
    m->manager_ctx = p;
    m->deleter = producer_delete;
    m->flags = flags;
    m->dl_tensor.data = p->memory;
    m->dl_tensor.byte_offset = 5 * sizeof(double); /* element 0 is memory[5] */
    m->dl_tensor.device.device_type = kDLCPU;
    m->dl_tensor.ndim = 2;
    m->dl_tensor.dtype.code = kDLFloat;
    m->dl_tensor.dtype.bits = 64;
    m->dl_tensor.dtype.lanes = 1;
    m->dl_tensor.shape = p->shape;
    m->dl_tensor.strides = p->strides;
    return p;
}

static void test_import_hand_built(void) {
    producer_deletes = 0;
    producer_tensor *p = produce(0);
    ndm_array *a = NULL, *row = NULL;
    CHECK_OK(ndm_from_dlpack_versioned(&p->managed, &a));
    CHECK(ndm_data(a) == p->memory + 5);
    CHECK(ndm_strides(a)[0] == -24 && ndm_strides(a)[1] == 8);
    CHECK(ndm_flags(a) & NDM_FLAG_WRITEABLE);
    double v = 0, w = -1;
    int64_t at[2] = {1, 2};
    CHECK_OK(ndm_get_item(a, at, 2, NDM_KIND_FLOAT64, &v));
    CHECK(v == 4.0); /* memory[5 - 3 + 2] */
    CHECK_OK(ndm_set_item(a, at, 2, NDM_KIND_FLOAT64, &w));
    CHECK(p->memory[4] == -1.0); /* written through to the producer's memory */
    /* A view keeps the producer's memory alive after the import's handle goes. */
    ndm_index_item one[1] = {NDM_AT(1)};
    CHECK_OK(ndm_index(a, one, 1, &row));
    CHECK_OK(ndm_array_free(a));
    CHECK(producer_deletes == 0);
    CHECK_OK(ndm_get_item(row, (int64_t[]){0}, 1, NDM_KIND_FLOAT64, &v));
    CHECK(v == 2.0);
    CHECK_OK(ndm_array_free(row));
    CHECK(producer_deletes == 1);

    /* Read-only travels in: the flag makes a read-only array. */
    p = produce(DLPACK_FLAG_BITMASK_READ_ONLY);
    CHECK_OK(ndm_from_dlpack_versioned(&p->managed, &a));
    CHECK(!(ndm_flags(a) & NDM_FLAG_WRITEABLE));
    CHECK_ERR(ndm_set_item(a, at, 2, NDM_KIND_FLOAT64, &w), NDM_ERR_READONLY, "read-only");
    /* ... and out again: re-exported, still read-only. */
    DLManagedTensorVersioned *t = NULL;
    CHECK_OK(ndm_to_dlpack(a, 0, &t));
    CHECK(t->flags & DLPACK_FLAG_BITMASK_READ_ONLY);
    ndm_array_free(a);
    CHECK(producer_deletes == 1); /* the export holds the memory */
    t->deleter(t);
    CHECK(producer_deletes == 2);

    /* C-contiguous (strides NULL), 0-d, and an empty tensor whose data is NULL. */
    p = produce(0);
    p->managed.dl_tensor.strides = NULL;
    p->managed.dl_tensor.byte_offset = 0;
    CHECK_OK(ndm_from_dlpack_versioned(&p->managed, &a));
    CHECK(ndm_strides(a)[0] == 24 && ndm_data(a) == p->memory);
    ndm_array_free(a);
    p = produce(0);
    p->managed.dl_tensor.ndim = 0;
    CHECK_OK(ndm_from_dlpack_versioned(&p->managed, &a));
    CHECK(ndm_ndim(a) == 0 && ndm_size(a) == 1 && ndm_data(a) == p->memory + 5);
    ndm_array_free(a);
    p = produce(0);
    p->shape[0] = 0;
    p->managed.dl_tensor.data = NULL;
    CHECK_OK(ndm_from_dlpack_versioned(&p->managed, &a));
    CHECK(ndm_size(a) == 0 && ndm_shape(a)[0] == 0);
    ndm_array_free(a);
    CHECK(producer_deletes == 5);
}

/* A legacy tensor: imported read-only (its struct cannot say), deleter called once. */
typedef struct {
    DLManagedTensor managed;
    int64_t shape[1];
    int32_t memory[4];
} legacy_tensor;
static int legacy_deletes;
static void legacy_delete(DLManagedTensor *self) {
    legacy_deletes++;
    free(self->manager_ctx);
}

static void test_import_unversioned(void) {
    legacy_tensor *l = calloc(1, sizeof *l);
    l->shape[0] = 4;
    for (int i = 0; i < 4; i++) l->memory[i] = 10 * i;
    l->managed = (DLManagedTensor){
        .dl_tensor = {.data = l->memory, .device = {kDLCPU, 0}, .ndim = 1,
                      .dtype = {kDLInt, 32, 1}, .shape = l->shape},
        .manager_ctx = l, .deleter = legacy_delete};
    ndm_array *a = NULL;
    CHECK_OK(ndm_from_dlpack(&l->managed, &a));
    CHECK(!(ndm_flags(a) & NDM_FLAG_WRITEABLE));
    int32_t v = 0;
    CHECK_OK(ndm_get_item(a, (int64_t[]){3}, 1, NDM_KIND_INT32, &v));
    CHECK(v == 30);
    ndm_array_free(a);
    CHECK(legacy_deletes == 1);
    /* A round trip through the unversioned struct. */
    ndm_dtype *u2 = dt("u2");
    ndm_array *x = NULL, *y = NULL;
    CHECK_OK(ndm_arange(0, 6, 1, u2, &x));
    DLManagedTensor *u = NULL;
    CHECK_OK(ndm_to_dlpack_unversioned(x, 0, &u));
    CHECK(u->dl_tensor.dtype.code == kDLUInt && u->dl_tensor.dtype.bits == 16);
    CHECK_OK(ndm_from_dlpack(u, &y));
    CHECK(ndm_data(y) == ndm_data(x) && same_values(x, y));
    ndm_array_free(x);
    ndm_array_free(y);
    ndm_dtype_free(u2);
}

/* Every import refusal leaves the tensor the caller's: its deleter is not called. */
static void test_import_refusals(void) {
    producer_deletes = 0;
    producer_tensor *p = produce(0);
    DLManagedTensorVersioned *m = &p->managed;
    ndm_array *a = NULL;
    m->dl_tensor.device.device_type = 2; /* kDLCUDA */
    CHECK_ERR(ndm_from_dlpack_versioned(m, &a), NDM_ERR_EXCHANGE, "device type 2");
    m->dl_tensor.device.device_type = kDLCUDAHost; /* pinned host memory: the CPU reads it */
    CHECK_OK(ndm_from_dlpack_versioned(m, &a));
    ndm_array_free(a);
    a = NULL;
    CHECK(producer_deletes == 1);

    producer_deletes = 0;
    p = produce(0);
    m = &p->managed;
    m->dl_tensor.dtype.code = kDLBfloat;
    m->dl_tensor.dtype.bits = 16;
    CHECK_ERR(ndm_from_dlpack_versioned(m, &a), NDM_ERR_EXCHANGE, "type code 4 with 16 bits");
    m->dl_tensor.dtype = (DLDataType){kDLFloat, 32, 2};
    CHECK_ERR(ndm_from_dlpack_versioned(m, &a), NDM_ERR_EXCHANGE, "2 lanes");
    m->dl_tensor.dtype = (DLDataType){kDLFloat, 64, 1};
    m->version.major = 2;
    CHECK_ERR(ndm_from_dlpack_versioned(m, &a), NDM_ERR_EXCHANGE, "DLPack 2.");
    m->version.major = 1;
    m->dl_tensor.ndim = 65;
    CHECK_ERR(ndm_from_dlpack_versioned(m, &a), NDM_ERR_SHAPE, "65");
    m->dl_tensor.ndim = -1;
    CHECK_ERR(ndm_from_dlpack_versioned(m, &a), NDM_ERR_SHAPE, "negative");
    m->dl_tensor.ndim = 2;
    m->dl_tensor.shape = NULL;
    CHECK_ERR(ndm_from_dlpack_versioned(m, &a), NDM_ERR_NULL_ARG, "dl_tensor.shape");
    m->dl_tensor.shape = p->shape;
    p->shape[1] = -3;
    CHECK_ERR(ndm_from_dlpack_versioned(m, &a), NDM_ERR_SHAPE, "negative");
    p->shape[1] = 3;
    p->strides[0] = INT64_MAX / 4;
    CHECK_ERR(ndm_from_dlpack_versioned(m, &a), NDM_ERR_OVERFLOW, "overflows");
    p->strides[0] = -3;
    m->dl_tensor.data = NULL;
    CHECK_ERR(ndm_from_dlpack_versioned(m, &a), NDM_ERR_NULL_ARG, "data is NULL");
    m->dl_tensor.data = p->memory;
    m->dl_tensor.byte_offset = UINT64_MAX - 8;
    CHECK_ERR(ndm_from_dlpack_versioned(m, &a), NDM_ERR_BOUNDS, "wraps around");
    m->dl_tensor.byte_offset = 5 * sizeof(double);
    /* Extents that overflow, and elements that would start at address 0, are refused. */
    int64_t hostile_shape[2] = {2, 2}, hostile_strides[2] = {INT64_MIN + 1, INT64_MAX - 1};
    DLManagedTensorVersioned h = *m;
    h.dl_tensor.dtype = (DLDataType){kDLInt, 8, 1};
    h.dl_tensor.shape = hostile_shape;
    h.dl_tensor.strides = hostile_strides;
    h.dl_tensor.byte_offset = 0;
    CHECK_ERR(ndm_from_dlpack_versioned(&h, &a), NDM_ERR_OVERFLOW, "more bytes than memory has");
    int64_t two = 2, back16 = -16;
    h.dl_tensor.ndim = 1;
    h.dl_tensor.shape = &two;
    h.dl_tensor.strides = &back16;
    h.dl_tensor.data = (void *)(uintptr_t)0x10;
    CHECK_ERR(ndm_from_dlpack_versioned(&h, &a), NDM_ERR_BOUNDS, "wraps around");
    CHECK_ERR(ndm_from_dlpack_versioned(NULL, &a), NDM_ERR_NULL_ARG, "'tensor'");
    CHECK_ERR(ndm_from_dlpack_versioned(m, NULL), NDM_ERR_NULL_ARG, "'out'");
    CHECK_ERR(ndm_from_dlpack(NULL, &a), NDM_ERR_NULL_ARG, "'tensor'");
    CHECK(a == NULL && producer_deletes == 0);
    /* Still intact and still the caller's: it imports now, and its deleter runs once. */
    CHECK_OK(ndm_from_dlpack_versioned(m, &a));
    ndm_array_free(a);
    CHECK(producer_deletes == 1);
}

static void test_capsule_helpers(void) {
    CHECK(strcmp(ndm_dlpack_capsule_name(true, false), "dltensor_versioned") == 0);
    CHECK(strcmp(ndm_dlpack_capsule_name(false, false), "dltensor") == 0);
    CHECK(strcmp(ndm_dlpack_capsule_name(true, true), "used_dltensor_versioned") == 0);
    CHECK(strcmp(ndm_dlpack_capsule_name(false, true), "used_dltensor") == 0);
    /* Outside a Python process the destructor finds no CPython and does nothing. */
    ndm_dlpack_capsule_destructor(NULL);
    CHECK(1);
}

int main(void) {
    test_random_round_trips();
    test_counters_show_no_copy();
    test_copy_on_request();
    test_export_refusals();
    test_import_hand_built();
    test_import_unversioned();
    test_import_refusals();
    test_capsule_helpers();
    return check_report("test_dlpack");
}
