/* .npy files and memory maps from C: NumPy's files load with their dtype, shape, order and
 * values and are written back byte for byte; maps in every mode (r, r+, c, w+, raw with an
 * unaligned offset), flush, release_pages, views outliving their base; 40 hostile files that
 * must fail with NDM_ERR_FORMAT / NDM_ERR_IO and a precise message; and the kept fuzz corpus
 * (tests/data/npy_fuzz), every file of which must load or fail cleanly. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static char tmpdir[64];
/* The parser's own limits are what these tests exercise: read every header up to the hard cap
 * (NumPy's max_header_size for a trusted file); the default limit has its own test. */
#define TRUSTED INT64_MAX

static const char *tmp(const char *name) {
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static long read_file(const char *path, unsigned char *buf, long cap) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    long n = (long)fread(buf, 1, (size_t)cap, f);
    fclose(f);
    return n;
}

static void write_file(const char *path, const void *bytes, size_t n) {
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(bytes, 1, n, f);
        fclose(f);
    }
}

/* ---- NumPy's files ------------------------------------------------------------------------ */
struct vector {
    const char *file;
    const char *descr; /* ndm_dtype_str, or the descr text for records */
    int ndim;
    int64_t shape[2];
    int fortran;
    int version;
};

static const struct vector vectors[] = {
    {"be_f4.npy", ">f4", 1, {3, 0}, 0, 0},
    {"big_header_v2.npy", NULL, 1, {1, 0}, 0, 2},
    {"bool_u1.npy", "|b1", 1, {3, 0}, 0, 0},
    {"c16.npy", "<c16", 1, {2, 0}, 0, 0},
    {"c_f8_2x3.npy", "<f8", 2, {2, 3}, 0, 0},
    {"c_f8_2x3_v2.npy", "<f8", 2, {2, 3}, 0, 2},
    {"c_f8_2x3_v3.npy", "<f8", 2, {2, 3}, 0, 3},
    {"empty_0x3.npy", "<f8", 2, {0, 3}, 0, 0},
    {"f_i4_3x2.npy", "<i4", 2, {3, 2}, 1, 0},
    {"noncontig_f8.npy", "<f8", 2, {3, 2}, 0, 0},
    {"nonlatin1_fieldname_v3.npy", "[('\xce\xbb', '<i2')]", 1, {1, 0}, 0, 3},
    {"scalar0d.npy", "<f8", 0, {0, 0}, 0, 0},
    {"str_S5.npy", "|S5", 1, {2, 0}, 0, 0},
    {"struct_aligned.npy", "[('a', '|i1'), ('', '|V7'), ('b', '<f8'), ('c', '<i2'), ('', '|V6')]",
     1, {2, 0}, 0, 0},
    {"struct_packed.npy", "[('a', '|i1'), ('b', '<f8'), ('c', '<i2')]", 1, {2, 0}, 0, 0},
    {"subarray_field.npy", "[('id', '<i4'), ('m', '<f4', (2, 3))]", 1, {2, 0}, 0, 0},
    {"unicode_U3.npy", "<U3", 1, {2, 0}, 0, 0},
};

static void test_vectors(void) {
    static unsigned char want[100000], got[100000];
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const struct vector *v = &vectors[i];
        char path[4096];
        snprintf(path, sizeof path, NDM_TEST_DATA "/npy/%s", v->file);
        ndm_array *a = NULL;
        CHECK_OK(ndm_load_npy_ex(path, TRUSTED, &a));
        if (!a) continue;
        CHECK(ndm_ndim(a) == v->ndim);
        for (int d = 0; d < v->ndim; d++) CHECK(ndm_shape(a)[d] == v->shape[d]);
        uint32_t fl = ndm_flags(a);
        CHECK(((fl & NDM_FLAG_F_CONTIGUOUS) && !(fl & NDM_FLAG_C_CONTIGUOUS)) == v->fortran);
        CHECK(fl & NDM_FLAG_OWNDATA);
        ndm_dtype *d = NULL;
        CHECK_OK(ndm_array_dtype(a, &d));
        if (v->descr && v->descr[0] == '[') {
            const char *descr = ndm_dtype_descr(d);
            CHECK(descr && strcmp(descr, v->descr) == 0);
        } else if (v->descr) {
            CHECK(strcmp(ndm_dtype_str(d), v->descr) == 0);
        } else {
            CHECK(ndm_dtype_nfields(d) == 3000);
        }
        ndm_dtype_free(d);
        /* The same array written back gives NumPy's bytes. */
        int used = -1;
        ndm_array *src = a;
        ndm_array *full = NULL, *view = NULL;
        if (strcmp(v->file, "noncontig_f8.npy") == 0) {
            /* NumPy wrote arange(12.).reshape(3, 4)[:, ::2]: write the same strided view. */
            int64_t shape[2] = {3, 4};
            ndm_dtype *f8 = dt("<f8");
            CHECK_OK(ndm_arange(0, 12, 1, f8, &full));
            ndm_array *r = NULL;
            CHECK_OK(ndm_reshape(full, 2, shape, NDM_ORDER_C, NDM_COPY_NEVER, &r));
            ndm_index_item items[2] = {{NDM_INDEX_SLICE, NDM_SLICE_NO_START | NDM_SLICE_NO_STOP, 0, 0, 1},
                                       {NDM_INDEX_SLICE, NDM_SLICE_NO_START | NDM_SLICE_NO_STOP, 0, 0, 2}};
            CHECK_OK(ndm_index(r, items, 2, &view));
            ndm_array_free(r);
            ndm_dtype_free(f8);
            src = view;
        }
        CHECK_OK(ndm_save_npy(tmp("out.npy"), src, v->version, &used));
        CHECK(used == (v->version ? v->version : 1));
        long nw = read_file(path, want, sizeof want), ng = read_file(tmp("out.npy"), got, sizeof got);
        CHECK(nw > 0 && nw == ng && memcmp(want, got, (size_t)nw) == 0);
        if (nw != ng || memcmp(want, got, (size_t)nw) != 0) fprintf(stderr, "  differs: %s\n", v->file);
        ndm_array_free(view);
        ndm_array_free(full);
        /* And it maps read-only with the same layout. */
        ndm_array *m = NULL;
        CHECK_OK(ndm_open_memmap_ex(path, "r", NULL, 0, NULL, false, 0, TRUSTED, &m));
        if (m) {
            CHECK(!(ndm_flags(m) & NDM_FLAG_WRITEABLE));
            CHECK(ndm_nbytes(m) == ndm_nbytes(a));
            if (ndm_nbytes(a) > 0) CHECK(memcmp(ndm_data(m), ndm_data(a), (size_t)ndm_nbytes(a)) == 0);
            ndm_map_info info;
            CHECK_OK(ndm_memmap_info(m, &info));
            CHECK(info.mode == NDM_MMAP_READ && info.offset % 64 == 0 && info.offset >= 128);
        }
        ndm_array_free(m);
        ndm_array_free(a);
    }
    /* Values of two of them. */
    ndm_array *a = NULL;
    CHECK_OK(ndm_load_npy(NDM_TEST_DATA "/npy/f_i4_3x2.npy", &a));
    if (a) {
        const int32_t *p = ndm_data(a); /* F order: column 0 is 0, 2, 4 */
        CHECK(p[0] == 0 && p[1] == 2 && p[2] == 4 && p[3] == 1 && p[4] == 3 && p[5] == 5);
        CHECK(ndm_strides(a)[0] == 4 && ndm_strides(a)[1] == 12);
    }
    ndm_array_free(a);
    CHECK_OK(ndm_load_npy(NDM_TEST_DATA "/npy/scalar0d.npy", &a));
    if (a) CHECK(*(const double *)ndm_data(a) == 3.25);
    ndm_array_free(a);
}

/* ---- memory maps -------------------------------------------------------------------------- */
static void test_maps(void) {
    ndm_dtype *f8 = dt("<f8");
    int64_t shape[2] = {4, 1000};
    ndm_array *w = NULL;
    CHECK_OK(ndm_open_memmap(tmp("map.npy"), "w+", f8, 2, shape, false, 0, &w));
    if (!w) return;
    CHECK(ndm_flags(w) & NDM_FLAG_WRITEABLE);
    double *p = ndm_data(w);
    for (int i = 0; i < 4000; i++) p[i] = i;
    /* An in-place ufunc on a strided section of the map: rows 1 and 3, every other column. */
    ndm_index_item items[2] = {{NDM_INDEX_SLICE, NDM_SLICE_NO_STOP, 1, 0, 2},
                               {NDM_INDEX_SLICE, NDM_SLICE_NO_START | NDM_SLICE_NO_STOP, 0, 0, 2}};
    ndm_array *sec = NULL, *res = NULL;
    CHECK_OK(ndm_index(w, items, 2, &sec));
    ndm_scalar two = {NDM_SCALAR_FLOAT, 0, 2.0, 0.0};
    CHECK_OK(ndm_ufunc_scalar(NDM_MULTIPLY, sec, &two, false, sec, NULL, &res));
    ndm_array_free(res);
    ndm_map_info info;
    CHECK_OK(ndm_memmap_info(sec, &info));
    CHECK(info.mode == NDM_MMAP_READWRITE && info.offset == 128 + 1000 * 8);
    ndm_array_free(w); /* the view keeps the mapping alive */
    CHECK_OK(ndm_flush(sec));
    CHECK_OK(ndm_release_pages(sec));
    ndm_array_free(sec);

    ndm_array *r = NULL;
    CHECK_OK(ndm_load_npy(tmp("map.npy"), &r));
    if (r) {
        const double *q = ndm_data(r);
        CHECK(q[0] == 0 && q[1000] == 2000 && q[1001] == 1001 && q[1002] == 2004 && q[3998] == 7996);
    }
    ndm_array_free(r);

    /* 'c': writeable, the file never changes; its pages cannot be released. */
    ndm_array *c = NULL;
    CHECK_OK(ndm_open_memmap(tmp("map.npy"), "c", NULL, 0, NULL, false, 0, &c));
    if (c) {
        ((double *)ndm_data(c))[0] = -1;
        CHECK_OK(ndm_flush(c));
        CHECK_ERR(ndm_release_pages(c), NDM_ERR_INVALID_ARG, "copy-on-write");
        CHECK_OK(ndm_memmap_info(c, &info));
        CHECK(info.mode == NDM_MMAP_COPY);
    }
    ndm_array_free(c);
    CHECK_OK(ndm_open_memmap(tmp("map.npy"), "r", NULL, 0, NULL, false, 0, &c));
    if (c) {
        /* Saving a map over its own file is refused and leaves the file alone. */
        CHECK_ERR(ndm_save_npy(tmp("map.npy"), c, 0, NULL), NDM_ERR_INVALID_ARG,
                  "memory-mapped from that file");
        CHECK(((const double *)ndm_data(c))[0] == 0);
        CHECK(!(ndm_flags(c) & NDM_FLAG_WRITEABLE));
        CHECK_OK(ndm_release_pages(c));
        CHECK(((const double *)ndm_data(c))[3998] == 7996); /* faults back in from the file */
        ndm_array *res2 = NULL;
        CHECK_ERR(ndm_ufunc_scalar(NDM_MULTIPLY, c, &two, false, c, NULL, &res2), NDM_ERR_READONLY,
                  "read-only");
    }
    ndm_array_free(c);

    /* Raw maps: NumPy's offset rounding (offset 5000 maps from 4096, element 0 at +904). */
    unsigned char bytes[6000];
    for (int i = 0; i < 6000; i++) bytes[i] = (unsigned char)i;
    write_file(tmp("raw.bin"), bytes, sizeof bytes);
    ndm_dtype *u1 = dt("u1");
    ndm_array *raw = NULL;
    CHECK_OK(ndm_memmap_raw(tmp("raw.bin"), u1, "r", 5000, -1, NULL, NDM_ORDER_C, &raw));
    if (raw) {
        CHECK(ndm_ndim(raw) == 1 && ndm_shape(raw)[0] == 1000);
        CHECK(((uintptr_t)ndm_data(raw) % (uintptr_t)sysconf(_SC_PAGESIZE)) == 904);
        CHECK(((const unsigned char *)ndm_data(raw))[0] == (unsigned char)5000);
        CHECK_OK(ndm_memmap_info(raw, &info));
        CHECK(info.offset == 5000 && info.mode == NDM_MMAP_READ);
    }
    ndm_array_free(raw);
    int64_t big[1] = {7000};
    CHECK_ERR(ndm_memmap_raw(tmp("raw.bin"), u1, "r", 0, 1, big, NDM_ORDER_C, &raw), NDM_ERR_IO,
              "fewer than");
    /* r+ extends a short file like NumPy. */
    CHECK_OK(ndm_memmap_raw(tmp("raw.bin"), u1, "r+", 0, 1, big, NDM_ORDER_C, &raw));
    ndm_array_free(raw);
    CHECK(read_file(tmp("raw.bin"), (unsigned char[8000]){0}, 8000) == 7000);
    ndm_dtype *i8 = dt("<i8");
    CHECK_ERR(ndm_memmap_raw(tmp("raw.bin"), i8, "r", 1, -1, NULL, NDM_ORDER_C, &raw),
              NDM_ERR_INVALID_ARG, "not a multiple of the data-type size");
    CHECK_ERR(ndm_memmap_raw(tmp("raw.bin"), u1, "w+", 0, -1, NULL, NDM_ORDER_C, &raw),
              NDM_ERR_INVALID_ARG, "shape must be given");
    CHECK_ERR(ndm_memmap_raw(tmp("raw.bin"), u1, "r", -1, -1, NULL, NDM_ORDER_C, &raw),
              NDM_ERR_INVALID_ARG, "non-negative");
    CHECK_ERR(ndm_memmap_raw(tmp("raw.bin"), u1, "rw", 0, -1, NULL, NDM_ORDER_C, &raw),
              NDM_ERR_INVALID_ARG, "mode must be one of");
    CHECK_ERR(ndm_memmap_raw(tmp("raw.bin"), u1, "r", 0, -1, NULL, 7, &raw), NDM_ERR_INVALID_ARG,
              "order code");
    write_file(tmp("empty.bin"), "", 0);
    CHECK_ERR(ndm_memmap_raw(tmp("empty.bin"), u1, "r", 0, -1, NULL, NDM_ORDER_C, &raw), NDM_ERR_IO,
              "empty file");
    /* F order raw map. */
    int64_t fshape[2] = {10, 20};
    CHECK_OK(ndm_memmap_raw(tmp("raw.bin"), u1, "c", 0, 2, fshape, NDM_ORDER_F, &raw));
    if (raw) CHECK(ndm_strides(raw)[0] == 1 && ndm_strides(raw)[1] == 10);
    ndm_array_free(raw);

    /* Errors. */
    ndm_array *plain = NULL;
    CHECK_OK(ndm_zeros(f8, 1, shape, NDM_ORDER_C, &plain));
    CHECK_ERR(ndm_flush(plain), NDM_ERR_INVALID_ARG, "not memory-mapped");
    CHECK_ERR(ndm_release_pages(plain), NDM_ERR_INVALID_ARG, "not memory-mapped");
    CHECK_ERR(ndm_memmap_info(plain, &info), NDM_ERR_INVALID_ARG, "not memory-mapped");
    CHECK_ERR(ndm_memmap_info(plain, NULL), NDM_ERR_NULL_ARG, "info");
    CHECK_ERR(ndm_flush(NULL), NDM_ERR_NULL_ARG, "'a'");
    CHECK_ERR(ndm_open_memmap(tmp("x.npy"), "w+", NULL, 1, shape, false, 0, &raw), NDM_ERR_NULL_ARG,
              "dtype");
    int64_t neg[1] = {-3};
    CHECK_ERR(ndm_open_memmap(tmp("x.npy"), "w+", f8, 1, neg, false, 0, &raw), NDM_ERR_SHAPE,
              "negative");
    CHECK_ERR(ndm_open_memmap(tmp("x.npy"), "w+", f8, 1, shape, false, 9, &raw), NDM_ERR_INVALID_ARG,
              "version");
    CHECK_ERR(ndm_open_memmap(NULL, "r", NULL, 0, NULL, false, 0, &raw), NDM_ERR_NULL_ARG, "path");
    CHECK_ERR(ndm_open_memmap(tmp("x.npy"), NULL, NULL, 0, NULL, false, 0, &raw), NDM_ERR_NULL_ARG,
              "mode");
    CHECK_ERR(ndm_open_memmap(tmp("missing.npy"), "r", NULL, 0, NULL, false, 0, &raw), NDM_ERR_IO,
              "missing.npy");
    CHECK_ERR(ndm_load_npy(tmp("missing.npy"), &raw), NDM_ERR_IO, "cannot open");
    /* File-system failures carry the OS's errno (an empty path is ENOENT, as for NumPy). */
    CHECK_ERR(ndm_load_npy("", &raw), NDM_ERR_IO, "No such file");
    CHECK(ndm_last_errno() == ENOENT);
    CHECK_ERR(ndm_load_npy(tmpdir, &raw), NDM_ERR_IO, "");
    CHECK(ndm_last_errno() == EISDIR);
    CHECK_ERR(ndm_open_memmap(tmpdir, "r", NULL, 0, NULL, false, 0, &raw), NDM_ERR_IO, "");
    CHECK(ndm_last_errno() == EISDIR);
    CHECK_ERR(ndm_load_npy(tmp("map.npy"), NULL), NDM_ERR_NULL_ARG, "out");
    CHECK(ndm_last_errno() == 0); /* not an OS failure */

    /* NumPy's max_header_size: 10,000 by default, refused before the header is read. */
    const char *big_header = NDM_TEST_DATA "/npy/big_header_v2.npy"; /* a 72,116-byte header */
    CHECK_ERR(ndm_load_npy(big_header, &raw), NDM_ERR_FORMAT, "Header info length (72116) is large");
    CHECK_ERR(ndm_open_memmap(big_header, "r", NULL, 0, NULL, false, 0, &raw), NDM_ERR_FORMAT,
              "max_header_size");
    CHECK_ERR(ndm_load_npy_ex(big_header, 72115, &raw), NDM_ERR_FORMAT, "max_header_size");
    CHECK_OK(ndm_load_npy_ex(big_header, 72116, &raw));
    ndm_array_free(raw);
    CHECK_OK(ndm_open_memmap_ex(big_header, "c", NULL, 0, NULL, false, 0, 72116, &raw));
    ndm_array_free(raw);
    raw = NULL;
    CHECK_ERR(ndm_load_npy_ex(big_header, -1, &raw), NDM_ERR_INVALID_ARG, "negative");
    CHECK_ERR(ndm_open_memmap_ex(big_header, "r", NULL, 0, NULL, false, 0, -1, &raw), NDM_ERR_INVALID_ARG,
              "negative");
    CHECK_ERR(ndm_load_npy_ex(NDM_TEST_DATA "/npy/f_i4_3x2.npy", 10, &raw), NDM_ERR_FORMAT, "(118)");
    CHECK_ERR(ndm_load_npy(tmp("map.npy"), NULL), NDM_ERR_NULL_ARG, "out");
    CHECK_ERR(ndm_save_npy(tmp("no/such/dir.npy"), plain, 0, NULL), NDM_ERR_IO, "cannot create");
    CHECK_ERR(ndm_save_npy(tmp("v.npy"), plain, 4, NULL), NDM_ERR_INVALID_ARG, "version");
    CHECK_ERR(ndm_save_npy(tmp("v.npy"), NULL, 0, NULL), NDM_ERR_NULL_ARG, "'a'");
    /* A record with overlapping fields has no descr: nothing is written. */
    ndm_dtype *ov = dt("{'names': ['a', 'b'], 'formats': ['<i4', '<i4'], 'offsets': [0, 2], 'itemsize': 8}");
    ndm_array *ova = NULL;
    CHECK_OK(ndm_zeros(ov, 1, shape, NDM_ORDER_C, &ova));
    unlink(tmp("ov.npy"));
    CHECK_ERR(ndm_save_npy(tmp("ov.npy"), ova, 0, NULL), NDM_ERR_INVALID_ARG, "overlapping");
    CHECK(access(tmp("ov.npy"), F_OK) != 0);
    ndm_array_free(ova);
    ndm_dtype_free(ov);
    /* Non-latin-1 names cannot be forced into format 1.0. */
    ndm_dtype *lam = dt("[('\xce\xbb', '<i2')]");
    ndm_array *la = NULL;
    CHECK_OK(ndm_zeros(lam, 1, shape, NDM_ORDER_C, &la));
    CHECK_ERR(ndm_save_npy(tmp("l.npy"), la, 1, NULL), NDM_ERR_INVALID_ARG, "latin-1");
    int used = 0;
    CHECK_OK(ndm_save_npy(tmp("l.npy"), la, 0, &used));
    CHECK(used == 3);
    ndm_array_free(la);
    ndm_dtype_free(lam);
    ndm_array_free(plain);
    ndm_dtype_free(i8);
    ndm_dtype_free(u1);
    ndm_dtype_free(f8);
}

/* ---- hostile files ------------------------------------------------------------------------ */
/* A v1 file: prefix, then `header` padded to 64 bytes as NumPy does, then `data`. */
static size_t npy_v1(unsigned char *out, const char *header, const void *data, size_t ndata) {
    size_t h = strlen(header);
    size_t total = 10 + h + 1;
    size_t pad = 64 - total % 64;
    size_t hlen = h + pad + 1;
    memcpy(out, "\x93NUMPY\x01\x00", 8);
    out[8] = (unsigned char)(hlen & 0xff);
    out[9] = (unsigned char)(hlen >> 8);
    memcpy(out + 10, header, h);
    memset(out + 10 + h, ' ', pad);
    out[10 + h + pad] = '\n';
    if (ndata) memcpy(out + 10 + hlen, data, ndata);
    return 10 + hlen + ndata;
}

struct hostile {
    const char *what;
    int status;
    const char *message;
};

static int hostile_count;

static void expect_bad(const unsigned char *bytes, size_t n, struct hostile h) {
    write_file(tmp("bad.npy"), bytes, n);
    ndm_array *a = NULL;
    hostile_count++;
    CHECK_ERR(ndm_load_npy_ex(tmp("bad.npy"), TRUSTED, &a), h.status, h.message);
    if (a) fprintf(stderr, "  loaded a hostile file: %s\n", h.what);
    ndm_array_free(a);
    for (int m = 0; m < 3; m++) {
        const char *mode = m == 0 ? "r" : m == 1 ? "c" : "r+";
        CHECK_ERR(ndm_open_memmap_ex(tmp("bad.npy"), mode, NULL, 0, NULL, false, 0, TRUSTED, &a), h.status,
                  h.message);
        ndm_array_free(a);
    }
}

static void bad_header(const char *header, const char *message) {
    unsigned char buf[4096];
    size_t n = npy_v1(buf, header, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    expect_bad(buf, n, (struct hostile){header, NDM_ERR_FORMAT, message});
}

static void test_hostile(void) {
    unsigned char buf[200000];
    size_t n;
    expect_bad((const unsigned char *)"", 0, (struct hostile){"empty", NDM_ERR_FORMAT, "too short"});
    expect_bad((const unsigned char *)"\x93NUM", 4, (struct hostile){"4 bytes", NDM_ERR_FORMAT, "too short"});
    expect_bad((const unsigned char *)"\x93NUMPY\x01", 7, (struct hostile){"7 bytes", NDM_ERR_FORMAT, "too short"});
    expect_bad((const unsigned char *)"hello, this is not numpy", 24,
               (struct hostile){"text", NDM_ERR_FORMAT, "magic string is not correct"});
    expect_bad((const unsigned char *)"\x93NUMPZ\x01\x00\x10\x00", 10,
               (struct hostile){"magic", NDM_ERR_FORMAT, "magic string"});
    expect_bad((const unsigned char *)"PK\x03\x04zipzipzip", 13,
               (struct hostile){"npz", NDM_ERR_FORMAT, "not a .npy file"});
    expect_bad((const unsigned char *)"\x93NUMPY\x04\x00\x10\x00", 10,
               (struct hostile){"v4", NDM_ERR_FORMAT, "not (4, 0)"});
    expect_bad((const unsigned char *)"\x93NUMPY\x01\x01\x10\x00", 10,
               (struct hostile){"v1.1", NDM_ERR_FORMAT, "not (1, 1)"});
    expect_bad((const unsigned char *)"\x93NUMPY\x00\x00\x10\x00", 10,
               (struct hostile){"v0", NDM_ERR_FORMAT, "format version"});
    expect_bad((const unsigned char *)"\x93NUMPY\x01\x00\x10", 9,
               (struct hostile){"short length", NDM_ERR_FORMAT, "header length"});
    expect_bad((const unsigned char *)"\x93NUMPY\x02\x00\x10\x00\x00", 11,
               (struct hostile){"short v2 length", NDM_ERR_FORMAT, "header length"});
    expect_bad((const unsigned char *)"\x93NUMPY\x01\x00\xff\xff{'descr'", 17,
               (struct hostile){"header past end", NDM_ERR_FORMAT, "truncated"});
    expect_bad((const unsigned char *)"\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14,
               (struct hostile){"4 GiB header", NDM_ERR_FORMAT, "more than"});
    bad_header("[1, 2]", "not a dictionary");
    bad_header("{'descr': <f8, 'fortran_order': False, 'shape': (2,), }", "Cannot parse header");
    bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)", "Cannot parse header");
    bad_header("{'descr': '<f8, 'fortran_order': False, 'shape': (2,), }", "Cannot parse header");
    bad_header("{'descr': '<f8', 'shape': (2,), }", "correct keys");
    bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1, }", "correct keys");
    bad_header("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }", "fortran_order");
    bad_header("{'descr': '<f8', 'fortran_order': None, 'shape': (2,), }", "fortran_order");
    bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': [2], }", "shape is not valid");
    bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", "negative");
    bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': ('2',), }", "shape is not valid");
    bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }",
               "shape is not valid");
    bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }",
               "Cannot parse header");
    bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
               "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
               "1,1,1,1,1), }",
               "dimensions");
    bad_header("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", "Python objects");
    bad_header("{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (2,), }", "descr is not a valid");
    bad_header("{'descr': 'xyz', 'fortran_order': False, 'shape': (2,), }", "descr is not a valid");
    bad_header("{'descr': 42, 'fortran_order': False, 'shape': (2,), }", "descr is not a valid");
    bad_header("{'descr': [('a',)], 'fortran_order': False, 'shape': (2,), }", "descr is not a valid");
    {   /* An empty record list is a valid dtype (itemsize 0): NumPy loads it, so does ndmem. */
        n = npy_v1(buf, "{'descr': [], 'fortran_order': False, 'shape': (2,), }", "", 0);
        write_file(tmp("empty_rec.npy"), buf, n);
        ndm_array *e = NULL;
        CHECK_OK(ndm_load_npy(tmp("empty_rec.npy"), &e));
        CHECK(ndm_size(e) == 2 && ndm_itemsize(e) == 0);
        ndm_array_free(e);
        unlink(tmp("empty_rec.npy"));
    }
    bad_header("{'descr': [('a', '<f8', (2147483647, 2147483647))], 'fortran_order': False, 'shape': (1,), }",
               "too large");
    bad_header("{'descr': [('a', '|O')], 'fortran_order': False, 'shape': (1,), }", "Python objects");
    bad_header("{'descr': '|S99999999999', 'fortran_order': False, 'shape': (1,), }", "too large");
    bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", "Failed to read all data");
    bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }",
               "Failed to read all data");
    bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': (65536, 65536, 65536), }",
               "Failed to read all data");
    bad_header("{'descr': '<f8',\0 'fortran_order': False, 'shape': (2,), }", "Cannot parse header");
    /* Nesting 200 deep is refused, not a stack overflow. */
    char deep[1024] = "{'descr': ";
    for (int i = 0; i < 200; i++) strcat(deep, "[");
    strcat(deep, "'<f8'");
    for (int i = 0; i < 200; i++) strcat(deep, "]");
    strcat(deep, ", 'fortran_order': False, 'shape': (2,), }");
    bad_header(deep, "Cannot parse header");
    /* A version 3 header that is not UTF-8. */
    n = npy_v1(buf, "{'descr': [('\xff', '<i2')], 'fortran_order': False, 'shape': (1,), }", "\0\0", 2);
    buf[6] = 3;
    memmove(buf + 12, buf + 10, n - 10);
    buf[8] = (unsigned char)((n - 10) & 0xff), buf[9] = 0, buf[10] = 0, buf[11] = 0;
    expect_bad(buf, n + 2, (struct hostile){"v3 latin-1", NDM_ERR_FORMAT, "UTF-8"});
    /* A file whose data stops two bytes short. */
    n = npy_v1(buf, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", "0123456789abcdef", 16);
    expect_bad(buf, n - 2, (struct hostile){"short data", NDM_ERR_FORMAT, "could only read 3 elements"});
    CHECK(hostile_count >= 40);
}

/* ---- the kept fuzz corpus ----------------------------------------------------------------- */
static void test_corpus(void) {
    DIR *dir = opendir(NDM_TEST_DATA "/npy_fuzz");
    CHECK(dir != NULL);
    if (!dir) return;
    int files = 0, loaded = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (!strstr(e->d_name, ".npy")) continue;
        char path[4096];
        snprintf(path, sizeof path, NDM_TEST_DATA "/npy_fuzz/%s", e->d_name);
        ndm_array *a = NULL;
        ndm_status s = ndm_load_npy_ex(path, TRUSTED, &a);
        files++;
        if (s == NDM_OK) {
            loaded++;
            ndm_array *m = NULL;
            CHECK_OK(ndm_open_memmap_ex(path, "r", NULL, 0, NULL, false, 0, TRUSTED, &m));
            if (m && ndm_nbytes(a) > 0) CHECK(memcmp(ndm_data(m), ndm_data(a), (size_t)ndm_nbytes(a)) == 0);
            ndm_array_free(m);
        } else {
            CHECK(s == NDM_ERR_FORMAT || s == NDM_ERR_IO);
            if (s != NDM_ERR_FORMAT && s != NDM_ERR_IO)
                fprintf(stderr, "  %s: %s: %s\n", e->d_name, ndm_status_str(s), ndm_last_error());
            CHECK(strlen(ndm_last_error()) > 10);
        }
        ndm_array_free(a);
    }
    closedir(dir);
    CHECK(files >= 100);
    printf("fuzz corpus: %d files, %d load, %d rejected\n", files, loaded, files - loaded);
}

/* A file under a live map is never shrunk or replaced by ndmem (a read through the map would
 * then kill the process with SIGBUS): save and 'w+' of that file fail with NDM_ERR_IO naming the
 * map, in a child process that must exit normally. Once the map is freed, both work again. */
static int live_map_child(void) {
    int before = checks_failed;
    ndm_dtype *f8 = dt("<f8");
    int64_t big[1] = {1 << 16}, small[1] = {2};
    ndm_array *w = NULL, *r = NULL, *other = NULL, *again = NULL;
    CHECK_OK(ndm_open_memmap(tmp("live.npy"), "w+", f8, 1, big, false, 0, &w));
    ndm_array_free(w);
    CHECK_OK(ndm_open_memmap(tmp("live.npy"), "r", NULL, 0, NULL, false, 0, &r));
    CHECK_OK(ndm_zeros(f8, 1, small, NDM_ORDER_C, &other));
    CHECK_ERR(ndm_save_npy(tmp("live.npy"), other, 0, NULL), NDM_ERR_IO, "live memory map");
    CHECK_ERR(ndm_open_memmap(tmp("live.npy"), "w+", f8, 1, small, false, 0, &again), NDM_ERR_IO,
              "SIGBUS");
    CHECK_ERR(ndm_memmap_raw(tmp("live.npy"), f8, "w+", 0, 1, small, NDM_ORDER_C, &again), NDM_ERR_IO,
              "live.npy");
    double last = -1;
    int64_t idx[1] = {(1 << 16) - 1};
    CHECK_OK(ndm_get_item(r, idx, 1, NDM_KIND_FLOAT64, &last)); /* SIGBUS here if truncated */
    CHECK(last == 0.0);
    ndm_array_free(r);
    CHECK_OK(ndm_save_npy(tmp("live.npy"), other, 0, NULL)); /* no map left: allowed */
    ndm_array_free(other);
    ndm_dtype_free(f8);
    unlink(tmp("live.npy"));
    return checks_failed == before ? 0 : 1;
}

static void test_live_maps_are_never_truncated(void) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) _exit(live_map_child());
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (WIFSIGNALED(status)) fprintf(stderr, "  the child died of signal %d\n", WTERMSIG(status));
}

int main(void) {
    strcpy(tmpdir, "/tmp/ndm_npy_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_vectors();
    test_maps();
    test_hostile();
    test_corpus();
    test_live_maps_are_never_truncated();
    /* Clean up the scratch directory. */
    const char *names[] = {"out.npy", "map.npy", "raw.bin", "empty.bin", "bad.npy", "l.npy", "v.npy", "x.npy", "ov.npy"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlink(tmp(names[i]));
    rmdir(tmpdir);
    return check_report("test_npy");
}
