/* Record dtypes from C: the aligned layout equals the C compiler's struct layout (offsetof,
 * sizeof, _Alignof) over a corpus of structs; field views, multi-field views, repack, byte order;
 * and every error path of the record API. */
#include <complex.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"

/* ---- the struct corpus ---------------------------------------------------------------------- */
struct layout;
struct fspec {
    const char *name;
    const char *typestr; /* element type, or NULL for a nested struct */
    size_t offset;
    int ndim;
    int64_t shape[2];
    const struct layout *nested;
};
struct layout {
    const char *name;
    size_t size, align;
    int n;
    struct fspec f[8];
};

#define F(S, m, ts) {#m, ts, offsetof(struct S, m), 0, {0, 0}, NULL}
#define FA(S, m, ts, n0) {#m, ts, offsetof(struct S, m), 1, {n0, 0}, NULL}
#define FA2(S, m, ts, n0, n1) {#m, ts, offsetof(struct S, m), 2, {n0, n1}, NULL}
#define FN(S, m, L) {#m, NULL, offsetof(struct S, m), 0, {0, 0}, &L}
#define FNA(S, m, L, n0) {#m, NULL, offsetof(struct S, m), 1, {n0, 0}, &L}
#define LAYOUT(S, ...)                                                                           \
    static const struct layout L_##S = {#S, sizeof(struct S), alignof(struct S),                 \
                                        sizeof((struct fspec[]){__VA_ARGS__}) /                  \
                                            sizeof(struct fspec),                                \
                                        {__VA_ARGS__}}

struct s1 { char a; double b; short c; };
struct s2 { char x; int y; char z; short w; };
struct p { char p; float q; };
struct s3 { char tag; struct p pt; short n; };
struct s4 { int id; float m[2][3]; char name[5]; double complex c; };
struct s5 { char name[32]; int32_t age; double salary; };
struct s6 { bool flag; double v; };
struct s7 { bool a; bool b; int32_t c; };
struct s8 { float complex z; char c; };
struct s9 { int64_t a; char b; };
struct s10 { int8_t a; int16_t b; int8_t c; int64_t d; int8_t e; };
struct s11 { uint8_t a[3]; uint32_t b; };
struct s12 { double a[2]; char b; float c[3]; };
struct s13 { struct s9 inner; char tail; };
struct s14 { char a; struct s1 s; char b; };
struct s15 { uint16_t a; uint8_t b; uint64_t c[2]; uint8_t d; };
struct s16 { float a; double complex b; float c; };
struct s17 { char c; struct s8 arr[2]; };
struct s18 { int32_t a; int32_t b; int32_t c; };
struct s19 { char a; char b[7]; double c; };
struct s20 { int8_t a; struct s2 b[3]; int16_t c; };
struct s21 { double d; char c; };
struct s22 { char a; struct s3 s3; double d; };
struct s23 { uint32_t u; float f; uint64_t g; int16_t h[5]; };

LAYOUT(s1, F(s1, a, "|i1"), F(s1, b, "<f8"), F(s1, c, "<i2"));
LAYOUT(s2, F(s2, x, "|i1"), F(s2, y, "<i4"), F(s2, z, "|i1"), F(s2, w, "<i2"));
LAYOUT(p, F(p, p, "|i1"), F(p, q, "<f4"));
LAYOUT(s3, F(s3, tag, "|i1"), FN(s3, pt, L_p), F(s3, n, "<i2"));
LAYOUT(s4, F(s4, id, "<i4"), FA2(s4, m, "<f4", 2, 3), F(s4, name, "|S5"), F(s4, c, "<c16"));
LAYOUT(s5, F(s5, name, "|S32"), F(s5, age, "<i4"), F(s5, salary, "<f8"));
LAYOUT(s6, F(s6, flag, "|b1"), F(s6, v, "<f8"));
LAYOUT(s7, F(s7, a, "|b1"), F(s7, b, "|b1"), F(s7, c, "<i4"));
LAYOUT(s8, F(s8, z, "<c8"), F(s8, c, "|i1"));
LAYOUT(s9, F(s9, a, "<i8"), F(s9, b, "|i1"));
LAYOUT(s10, F(s10, a, "|i1"), F(s10, b, "<i2"), F(s10, c, "|i1"), F(s10, d, "<i8"),
       F(s10, e, "|i1"));
LAYOUT(s11, FA(s11, a, "|u1", 3), F(s11, b, "<u4"));
LAYOUT(s12, FA(s12, a, "<f8", 2), F(s12, b, "|i1"), FA(s12, c, "<f4", 3));
LAYOUT(s13, FN(s13, inner, L_s9), F(s13, tail, "|i1"));
LAYOUT(s14, F(s14, a, "|i1"), FN(s14, s, L_s1), F(s14, b, "|i1"));
LAYOUT(s15, F(s15, a, "<u2"), F(s15, b, "|u1"), FA(s15, c, "<u8", 2), F(s15, d, "|u1"));
LAYOUT(s16, F(s16, a, "<f4"), F(s16, b, "<c16"), F(s16, c, "<f4"));
LAYOUT(s17, F(s17, c, "|i1"), FNA(s17, arr, L_s8, 2));
LAYOUT(s18, F(s18, a, "<i4"), F(s18, b, "<i4"), F(s18, c, "<i4"));
LAYOUT(s19, F(s19, a, "|i1"), FA(s19, b, "|i1", 7), F(s19, c, "<f8"));
LAYOUT(s20, F(s20, a, "|i1"), FNA(s20, b, L_s2, 3), F(s20, c, "<i2"));
LAYOUT(s21, F(s21, d, "<f8"), F(s21, c, "|i1"));
LAYOUT(s22, F(s22, a, "|i1"), FN(s22, s3, L_s3), F(s22, d, "<f8"));
LAYOUT(s23, F(s23, u, "<u4"), F(s23, f, "<f4"), F(s23, g, "<u8"), FA(s23, h, "<i2", 5));

static const struct layout *const corpus[] = {
    &L_s1,  &L_s2,  &L_p,   &L_s3,  &L_s4,  &L_s5,  &L_s6,  &L_s7,  &L_s8,  &L_s9,  &L_s10, &L_s11,
    &L_s12, &L_s13, &L_s14, &L_s15, &L_s16, &L_s17, &L_s18, &L_s19, &L_s20, &L_s21, &L_s22, &L_s23,
};

/* The aligned record dtype for a corpus entry, built with the builder (offsets left to ndmem). */
static ndm_dtype *build(const struct layout *l) {
    ndm_record_builder *b = NULL;
    CHECK_OK(ndm_dtype_record_new(&b));
    for (int i = 0; i < l->n; i++) {
        const struct fspec *f = &l->f[i];
        ndm_dtype *fd = f->nested ? build(f->nested) : dt(f->typestr);
        CHECK_OK(ndm_dtype_record_add_field_ex(b, f->name, NULL, fd, f->ndim, f->shape, -1));
        ndm_dtype_free(fd);
    }
    ndm_dtype *d = NULL;
    CHECK_OK(ndm_dtype_record_finish(b, true, 0, &d));
    CHECK_OK(ndm_dtype_record_free(b));
    return d;
}

static void test_c_struct_corpus(void) {
    int structs = 0;
    for (size_t k = 0; k < sizeof corpus / sizeof corpus[0]; k++) {
        const struct layout *l = corpus[k];
        ndm_dtype *d = build(l);
        CHECK((size_t)ndm_dtype_itemsize(d) == l->size);
        CHECK((size_t)ndm_dtype_alignment(d) == l->align);
        CHECK(ndm_dtype_kind(d) == NDM_KIND_RECORD);
        CHECK(ndm_dtype_is_aligned_struct(d) == 1);
        CHECK(ndm_dtype_nfields(d) == l->n);
        for (int i = 0; i < l->n; i++) {
            ndm_field_info info;
            CHECK_OK(ndm_dtype_field(d, i, &info));
            if ((size_t)info.offset != l->f[i].offset || strcmp(info.name, l->f[i].name) != 0) {
                fprintf(stderr, "struct %s field %s: ndmem offset %lld, C offset %zu\n", l->name,
                        l->f[i].name, (long long)info.offset, l->f[i].offset);
            }
            CHECK((size_t)info.offset == l->f[i].offset);
            CHECK(strcmp(info.name, l->f[i].name) == 0);
            CHECK(info.ndim == l->f[i].ndim);
            for (int j = 0; j < info.ndim; j++) CHECK(info.shape[j] == l->f[i].shape[j]);
        }
        ndm_dtype_free(d);
        structs++;
    }
    CHECK(structs >= 20);
}

/* The same layout from NumPy's text forms, with align. */
static void test_text_forms(void) {
    ndm_dtype *d = NULL;
    CHECK_OK(ndm_dtype_parse_align("[('a', 'i1'), ('b', 'f8'), ('c', 'i2')]", true, &d));
    CHECK((size_t)ndm_dtype_itemsize(d) == sizeof(struct s1));
    CHECK(strcmp(ndm_dtype_descr(d),
                 "[('a', '|i1'), ('', '|V7'), ('b', '<f8'), ('c', '<i2'), ('', '|V6')]") == 0);
    CHECK(strcmp(ndm_dtype_str(d), "|V24") == 0);
    ndm_dtype *e = NULL;
    CHECK_OK(ndm_dtype_parse_align("i1,f8,i2", true, &e));
    CHECK(ndm_dtype_equal(d, e) == 0); /* field names differ (f0, f1, f2) */
    CHECK(ndm_dtype_itemsize(e) == 24);
    ndm_dtype_free(e);
    CHECK_OK(ndm_dtype_parse(
        "{'names': ['a', 'b', 'c'], 'formats': ['i1', '<f8', '<i2'], 'offsets': [0, 8, 16], "
        "'itemsize': 24}",
        &e));
    CHECK(ndm_dtype_equal(d, e) == 1);
    CHECK(ndm_dtype_is_aligned_struct(e) == 0);
    CHECK(ndm_dtype_field_index(e, "c") == 2);
    CHECK(ndm_dtype_field_index(e, "zz") == -1);
    ndm_dtype_free(e);
    CHECK_OK(ndm_dtype_parse("[(('Salary in USD', 'salary'), '>f8'), ('m', '<f4', (2, 3))]", &e));
    ndm_field_info info;
    CHECK_OK(ndm_dtype_field(e, 0, &info));
    CHECK(strcmp(info.title, "Salary in USD") == 0 && info.ndim == 0 && info.itemsize == 8);
    CHECK_OK(ndm_dtype_field(e, 1, &info));
    CHECK(info.title == NULL && info.ndim == 2 && info.shape[1] == 3 && info.itemsize == 24);
    CHECK(ndm_dtype_field_index(e, "Salary in USD") == 0);
    ndm_dtype *sw = NULL;
    CHECK_OK(ndm_dtype_newbyteorder(e, NDM_BYTEORDER_SWAP, &sw));
    CHECK(strcmp(ndm_dtype_descr(sw), "[(('Salary in USD', 'salary'), '<f8'), ('m', '>f4', (2, 3))]") ==
          0);
    ndm_dtype_free(sw);
    ndm_dtype_free(e);
    ndm_dtype_free(d);
}

/* ---- arrays of records ------------------------------------------------------------------------ */
static void test_field_views_share_memory(void) {
    ndm_dtype *d = build(&L_s5);
    struct s5 rows[4];
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < 4; i++) {
        rows[i].age = 30 + i;
        rows[i].salary = 1000.0 * (i + 1);
    }
    int64_t shape[1] = {4};
    ndm_array *a = NULL;
    CHECK_OK(ndm_from_ptr(rows, sizeof rows, 0, d, 1, shape, NULL, NDM_FLAG_WRITEABLE, NULL, NULL, &a));
    ndm_array *sal = NULL;
    CHECK_OK(ndm_field(a, "salary", &sal));
    CHECK(ndm_data(sal) == (void *)&rows[0].salary);
    CHECK(ndm_strides(sal)[0] == (int64_t)sizeof(struct s5));
    CHECK(ndm_itemsize(sal) == 8);
    CHECK((ndm_flags(sal) & NDM_FLAG_OWNDATA) == 0);
    /* An in-place ufunc through the field view changes the C structs. */
    ndm_scalar two = {NDM_SCALAR_FLOAT, 0, 2.0, 0.0};
    CHECK_OK(ndm_ufunc_scalar(NDM_MULTIPLY, sal, &two, false, sal, NULL, NULL));
    CHECK(rows[3].salary == 8000.0 && rows[0].salary == 2000.0 && rows[2].age == 32);

    /* Multi-field view: original offsets and itemsize; repack packs them. */
    const char *names[2] = {"salary", "age"};
    ndm_array *two_f = NULL;
    CHECK_OK(ndm_fields(a, names, 2, &two_f));
    CHECK(ndm_data(two_f) == (void *)rows && ndm_itemsize(two_f) == (int64_t)sizeof(struct s5));
    ndm_array *packed = NULL;
    CHECK_OK(ndm_repack(two_f, &packed));
    CHECK(ndm_itemsize(packed) == 12 && ndm_data(packed) != (void *)rows);
    const unsigned char *pb = ndm_data(packed);
    double s1;
    int32_t a1;
    memcpy(&s1, pb + 12, 8);
    memcpy(&a1, pb + 20, 4);
    CHECK(s1 == 4000.0 && a1 == 31);

    /* Byte order: a swapped copy keeps the dtype; swapping twice in place restores. */
    ndm_array *sw = NULL;
    CHECK_OK(ndm_byteswap(a, false, &sw));
    const struct s5 *swapped = ndm_data(sw);
    CHECK(swapped[1].age == 31 << 24);
    CHECK_OK(ndm_byteswap(a, true, NULL));
    CHECK(rows[1].age == 31 << 24 && memcmp(rows[1].name, swapped[1].name, 32) == 0);
    CHECK_OK(ndm_byteswap(a, true, NULL));
    CHECK(rows[1].age == 31);

    /* view(dtype): the records as raw bytes and back. */
    ndm_dtype *u1 = dt("u1");
    ndm_array *bytes = NULL;
    CHECK_OK(ndm_view_dtype(a, u1, &bytes));
    CHECK(ndm_shape(bytes)[0] == (int64_t)sizeof rows && ndm_data(bytes) == (void *)rows);
    ndm_array *back = NULL;
    CHECK_OK(ndm_view_dtype(bytes, d, &back));
    CHECK(ndm_shape(back)[0] == 4);

    /* astype between the aligned and packed layouts of the same fields, by position. */
    ndm_dtype *pk = NULL;
    CHECK_OK(ndm_dtype_parse("[('name', 'S32'), ('age', '<i4'), ('salary', '<f8')]", &pk));
    ndm_array *p = NULL;
    CHECK_OK(ndm_astype(a, pk, NDM_CASTING_EQUIV, NDM_ORDER_C, NDM_COPY_ALWAYS, &p));
    CHECK(ndm_itemsize(p) == 44);
    double s3;
    memcpy(&s3, (const unsigned char *)ndm_data(p) + 44 * 2 + 36, 8);
    CHECK(s3 == 6000.0);
    CHECK_ERR(ndm_astype(a, pk, NDM_CASTING_NO, NDM_ORDER_C, NDM_COPY_ALWAYS, &p), NDM_ERR_CASTING,
              "according to the rule 'no'");

    ndm_array *arrays[] = {a, sal, two_f, packed, sw, bytes, back, p};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) ndm_array_free(arrays[i]);
    ndm_dtype_free(u1);
    ndm_dtype_free(pk);
    ndm_dtype_free(d);
}

/* ---- error paths ------------------------------------------------------------------------------ */
static void test_builder_errors(void) {
    ndm_dtype *f8 = dt("f8");
    ndm_dtype *out = NULL;
    ndm_record_builder *b = NULL;
    CHECK_ERR(ndm_dtype_record_new(NULL), NDM_ERR_NULL_ARG, "out");
    CHECK_OK(ndm_dtype_record_new(&b));
    /* No fields is NumPy's empty record: itemsize 0 (or the one given), alignment 1. */
    CHECK_OK(ndm_dtype_record_finish(b, false, 0, &out));
    CHECK(ndm_dtype_itemsize(out) == 0 && ndm_dtype_alignment(out) == 1 && ndm_dtype_nfields(out) == 0);
    ndm_dtype_free(out);
    CHECK_OK(ndm_dtype_record_finish(b, false, 8, &out));
    CHECK(ndm_dtype_itemsize(out) == 8);
    ndm_dtype_free(out);
    out = NULL;
    CHECK_ERR(ndm_dtype_record_add_field(NULL, "a", f8, -1), NDM_ERR_NULL_ARG, "builder");
    CHECK_ERR(ndm_dtype_record_add_field(b, NULL, f8, -1), NDM_ERR_NULL_ARG, "name");
    CHECK_ERR(ndm_dtype_record_add_field(b, "a", NULL, -1), NDM_ERR_NULL_ARG, "dtype");
    CHECK_ERR(ndm_dtype_record_add_field(b, "a", f8, -5), NDM_ERR_INVALID_ARG, "negative");
    int64_t bad[2] = {2, -1};
    CHECK_ERR(ndm_dtype_record_add_field_ex(b, "a", NULL, f8, 2, bad, -1), NDM_ERR_SHAPE, "negative");
    CHECK_ERR(ndm_dtype_record_add_field_ex(b, "a", NULL, f8, 33, bad, -1), NDM_ERR_SHAPE, "ndim 33");
    CHECK_ERR(ndm_dtype_record_add_field_ex(b, "a", NULL, f8, 2, NULL, -1), NDM_ERR_NULL_ARG, "shape");
    int64_t huge[2] = {2000000000, 2000000000};
    CHECK_OK(ndm_dtype_record_add_field_ex(b, "h", NULL, f8, 2, huge, -1));
    CHECK_ERR(ndm_dtype_record_finish(b, false, 0, &out), NDM_ERR_INVALID_ARG, "larger than");
    CHECK_OK(ndm_dtype_record_free(b));
    CHECK_ERR(ndm_dtype_record_add_field(b, "a", f8, -1), NDM_ERR_BAD_HANDLE, "already freed");
    CHECK_ERR(ndm_dtype_record_free(b), NDM_ERR_BAD_HANDLE, "already freed");
    CHECK_OK(ndm_dtype_record_free(NULL));

    CHECK_OK(ndm_dtype_record_new(&b));
    CHECK_OK(ndm_dtype_record_add_field(b, "a", f8, 0));
    CHECK_OK(ndm_dtype_record_add_field(b, "b", f8, -1));
    CHECK_ERR(ndm_dtype_record_finish(b, false, 0, &out), NDM_ERR_INVALID_ARG, "for all fields or for none");
    CHECK_OK(ndm_dtype_record_free(b));

    CHECK_OK(ndm_dtype_record_new(&b));
    CHECK_OK(ndm_dtype_record_add_field(b, "a", f8, 4));
    CHECK_ERR(ndm_dtype_record_finish(b, true, 0, &out), NDM_ERR_INVALID_ARG,
              "not divisible by the field alignment 8");
    CHECK_ERR(ndm_dtype_record_finish(b, false, 8, &out), NDM_ERR_INVALID_ARG, "requires 12 bytes");
    CHECK_ERR(ndm_dtype_record_finish(b, false, -1, &out), NDM_ERR_INVALID_ARG, "negative");
    CHECK_ERR(ndm_dtype_record_finish(b, false, 0, NULL), NDM_ERR_NULL_ARG, "out");
    CHECK_OK(ndm_dtype_record_add_field(b, "a", f8, 12));
    CHECK_ERR(ndm_dtype_record_finish(b, false, 0, &out), NDM_ERR_INVALID_ARG, "occurs more than once");
    CHECK_OK(ndm_dtype_record_free(b));
    CHECK(out == NULL); /* never written on failure */

    /* Overlapping fields are allowed (NumPy's dict form) but have no descr. */
    CHECK_OK(ndm_dtype_record_new(&b));
    CHECK_OK(ndm_dtype_record_add_field(b, "a", f8, 4));
    CHECK_OK(ndm_dtype_record_add_field(b, "b", f8, 0));
    CHECK_OK(ndm_dtype_record_finish(b, false, 0, &out));
    CHECK_OK(ndm_dtype_record_free(b));
    CHECK(ndm_dtype_descr(out) == NULL);
    CHECK(strstr(ndm_last_error(), "overlapping or out-of-order") != NULL);
    CHECK(ndm_dtype_descr(NULL) == NULL);
    ndm_field_info info;
    CHECK_ERR(ndm_dtype_field(out, 2, &info), NDM_ERR_INDEX, "out of range");
    CHECK_ERR(ndm_dtype_field(out, -1, &info), NDM_ERR_INDEX, "out of range");
    CHECK_ERR(ndm_dtype_field(f8, 0, &info), NDM_ERR_DTYPE, "not a record");
    CHECK_ERR(ndm_dtype_field(out, 0, NULL), NDM_ERR_NULL_ARG, "info");
    CHECK(ndm_dtype_nfields(f8) == 0 && ndm_dtype_nfields(NULL) == -1);
    CHECK(ndm_dtype_field_index(out, NULL) == -1);
    ndm_dtype *x = NULL;
    CHECK_ERR(ndm_dtype_newbyteorder(out, 9, &x), NDM_ERR_INVALID_ARG, "byte order code 9");
    CHECK_ERR(ndm_dtype_field_dtype(out, 5, &x), NDM_ERR_INDEX, "out of range");
    ndm_dtype_free(out);
    ndm_dtype_free(f8);
}

static void test_parse_errors(void) {
    ndm_dtype *d = NULL;
    CHECK_ERR(ndm_dtype_parse("[('a', 'i4'), ('a', 'f8')]", &d), NDM_ERR_INVALID_ARG,
              "field 'a' occurs more than once");
    CHECK_ERR(ndm_dtype_parse("[('a', 'M8')]", &d), NDM_ERR_DTYPE, "not supported");
    CHECK_ERR(ndm_dtype_parse("[('a', 'i4'", &d), NDM_ERR_DTYPE, "not understood");
    CHECK_ERR(ndm_dtype_parse("[('a', 'f4', -1)]", &d), NDM_ERR_INVALID_ARG, "dimension smaller");
    CHECK_ERR(ndm_dtype_parse("{'names': ['a', 'b'], 'formats': ['i4']}", &d), NDM_ERR_INVALID_ARG,
              "same length");
    CHECK_ERR(ndm_dtype_parse("{'names': ['a'], 'formats': ['i4'], 'offsets': [-4]}", &d),
              NDM_ERR_INVALID_ARG, "cannot be negative");
    CHECK_ERR(ndm_dtype_parse("('f4', (2, 3))", &d), NDM_ERR_DTYPE, "only as record fields");
    CHECK_ERR(ndm_dtype_parse("[('\\x00', 'i4')]", &d), NDM_ERR_INVALID_ARG, "NUL");
    char deep[300];
    memset(deep, '[', 150);
    memset(deep + 150, ']', 149);
    deep[299] = 0;
    CHECK_ERR(ndm_dtype_parse(deep, &d), NDM_ERR_DTYPE, "nested more than 64");
    CHECK_ERR(ndm_dtype_parse_align(NULL, true, &d), NDM_ERR_NULL_ARG, "text");
    CHECK(d == NULL);
}

static void test_array_errors(void) {
    ndm_dtype *f8 = dt("f8");
    ndm_dtype *rec = build(&L_s1);
    int64_t shape[1] = {3};
    ndm_array *plain = NULL, *r = NULL, *out = NULL;
    CHECK_OK(ndm_zeros(f8, 1, shape, NDM_ORDER_C, &plain));
    CHECK_OK(ndm_zeros(rec, 1, shape, NDM_ORDER_C, &r));
    CHECK_ERR(ndm_field(plain, "a", &out), NDM_ERR_INDEX, "has no fields");
    const char *one_name[1] = {"a"};
    CHECK_ERR(ndm_fields(plain, one_name, 1, &out), NDM_ERR_INDEX, "has no fields"); /* same rule */
    CHECK_ERR(ndm_field(r, "nope", &out), NDM_ERR_INVALID_ARG, "no field of name nope");
    CHECK_ERR(ndm_field(r, NULL, &out), NDM_ERR_NULL_ARG, "name");
    CHECK_ERR(ndm_field(r, "a", NULL), NDM_ERR_NULL_ARG, "out");
    const char *dup[2] = {"a", "a"};
    CHECK_ERR(ndm_fields(r, dup, 2, &out), NDM_ERR_INVALID_ARG, "duplicate field");
    CHECK_ERR(ndm_fields(r, NULL, 2, &out), NDM_ERR_NULL_ARG, "names");
    CHECK_ERR(ndm_fields(r, dup, -1, &out), NDM_ERR_INVALID_ARG, "number of names");
    const char *withnull[2] = {"a", NULL};
    CHECK_ERR(ndm_fields(r, withnull, 2, &out), NDM_ERR_NULL_ARG, "names[i]");
    CHECK_ERR(ndm_repack(plain, &out), NDM_ERR_INDEX, "has no fields");

    /* view(dtype) with NumPy's rules. */
    ndm_dtype *v16 = dt("V16");
    ndm_array *col = NULL;
    ndm_index_item every_other = {NDM_INDEX_SLICE, NDM_SLICE_NO_START | NDM_SLICE_NO_STOP, 0, 0, 2};
    CHECK_OK(ndm_index(plain, &every_other, 1, &col));
    CHECK_ERR(ndm_view_dtype(col, v16, &out), NDM_ERR_INVALID_ARG, "last axis must be contiguous");
    CHECK_ERR(ndm_view_dtype(plain, v16, &out), NDM_ERR_INVALID_ARG, "must be a divisor");
    ndm_array *zero_d = NULL;
    ndm_index_item first = {NDM_INDEX_INT, 0, 0, 0, 0};
    CHECK_OK(ndm_index(plain, &first, 1, &zero_d));
    CHECK_ERR(ndm_view_dtype(zero_d, v16, &out), NDM_ERR_INVALID_ARG, "0d array");
    CHECK_ERR(ndm_view_dtype(plain, NULL, &out), NDM_ERR_NULL_ARG, "dtype");

    /* Byte swapping read-only memory is refused; the memory is untouched. */
    double ro[3] = {1.0, 2.0, 3.0};
    ndm_array *frozen = NULL;
    CHECK_OK(ndm_from_ptr(ro, sizeof ro, 0, f8, 1, shape, NULL, 0, NULL, NULL, &frozen));
    CHECK_ERR(ndm_byteswap(frozen, true, NULL), NDM_ERR_READONLY, "read-only");
    CHECK(ro[1] == 2.0);
    CHECK_ERR(ndm_byteswap(frozen, false, NULL), NDM_ERR_NULL_ARG, "out");
    CHECK_ERR(ndm_byteswap(NULL, true, NULL), NDM_ERR_NULL_ARG, "a");

    /* Records do not cast to types NumPy refuses. */
    CHECK_ERR(ndm_astype(r, f8, NDM_CASTING_UNSAFE, NDM_ORDER_C, NDM_COPY_ALWAYS, &out),
              NDM_ERR_CASTING, "Cannot cast");
    CHECK(out == NULL);

    ndm_array *arrays[] = {plain, r, col, zero_d, frozen};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) ndm_array_free(arrays[i]);
    ndm_dtype_free(v16);
    ndm_dtype_free(rec);
    ndm_dtype_free(f8);
}

/* A subarray of a subarray keeps its levels (NumPy's ('c', ('<f8', (5,)), (2,)) is not
 * ('c', '<f8', (2, 5))); a comma string may start with a subarray prefix; empty names of the
 * dict form stay empty. */
static void test_nested_subarrays_and_names(void) {
    ndm_dtype *d = NULL, *flat = NULL;
    CHECK_OK(ndm_dtype_parse("[('c', ('<f8', (5,)), (2,))]", &d));
    CHECK_OK(ndm_dtype_parse("[('c', '<f8', (2, 5))]", &flat));
    ndm_field_info info;
    CHECK_OK(ndm_dtype_field(d, 0, &info));
    CHECK(info.ndim == 2 && info.shape[0] == 2 && info.shape[1] == 5 && info.itemsize == 80);
    CHECK(info.nlevels == 2 && info.levels[0] == 1 && info.levels[1] == 1);
    CHECK(strcmp(ndm_dtype_descr(d), "[('c', ('<f8', (5,)), (2,))]") == 0);
    CHECK(ndm_dtype_equal(d, flat) == 0); /* same memory, another type, as in NumPy */
    CHECK_OK(ndm_dtype_field(flat, 0, &info));
    CHECK(info.nlevels == 1 && info.levels[0] == 2);
    ndm_dtype_free(d);
    ndm_dtype_free(flat);
    CHECK_OK(ndm_dtype_parse("(2,3)i2, u1, (3,)f4", &d));
    CHECK(strcmp(ndm_dtype_descr(d), "[('f0', '<i2', (2, 3)), ('f1', '|u1'), ('f2', '<f4', (3,))]") == 0);
    ndm_dtype_free(d);
    CHECK_ERR(ndm_dtype_parse("(2,2)(3,)f8, i1", &d), NDM_ERR_DTYPE, "one repeat count");
    CHECK_ERR(ndm_dtype_parse("3u1", &d), NDM_ERR_DTYPE, "only as record fields");
    CHECK_OK(ndm_dtype_parse("{'names': ['a', '', 'b'], 'formats': ['i4', 'i4', 'i4']}", &d));
    CHECK_OK(ndm_dtype_field(d, 1, &info));
    CHECK(strcmp(info.name, "") == 0 && info.nlevels == 0 && info.levels == NULL);
    ndm_dtype_free(d);
}

int main(void) {
    test_nested_subarrays_and_names();
    test_c_struct_corpus();
    test_text_forms();
    test_field_views_share_memory();
    test_builder_errors();
    test_parse_errors();
    test_array_errors();
    return check_report("test_records");
}
