// Tests of the C++ wrapper: RAII, exceptions with the library's message, zero-copy sharing with
// std::vector and raw memory proved by writing on one side and reading on the other, views,
// in-place operators, spans, the signed-stride view, and .npy files. The header is included
// twice on purpose (include guard).
#include "ndmem.hpp"
#include "ndmem.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <unistd.h>
#include <numeric>
#include <vector>

// The test data directory: the builds pass its absolute path (the tests run from any directory).
#ifndef NDM_TEST_DATA
#define NDM_TEST_DATA "tests/data"
#endif

using ndmem::Array;
using ndmem::Dtype;
using ndmem::Index;
using I64 = std::vector<int64_t>;

static int passed, failed;
#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (cond) {                                                                               \
            passed++;                                                                             \
        } else {                                                                                  \
            failed++;                                                                             \
            std::fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);         \
        }                                                                                         \
    } while (0)

template <class F> static bool throws(F &&f, ndm_status status, const char *text) {
    try {
        f();
    } catch (const ndmem::Error &e) {
        bool ok = e.status() == status && std::strstr(e.what(), text) != nullptr;
        if (!ok) std::fprintf(stderr, "  got %d: %s\n", e.status(), e.what());
        return ok;
    }
    return false;
}

static void zero_copy_with_vector() {
    std::vector<double> v = {1, 2, 3, 4, 5, 6};
    ndmem::Array a = ndmem::Array::wrap(v, {2, 3});
    CHECK(a.data() == v.data());
    CHECK(a.shape() == (std::vector<int64_t>{2, 3}) && a.strides() == (std::vector<int64_t>{24, 8}));
    v[4] = 50;  // written through the vector, read through the array
    CHECK(a.get<double>({1, 1}) == 50);
    a *= 2.0;  // the in-place ufunc writes the vector's memory
    CHECK(v[0] == 2 && v[4] == 100 && v[5] == 12);
    ndmem::Array row = a.slice(1, 2);
    row += a.slice(0, 1);  // broadcast add of row 0 into row 1, in place
    CHECK(v[3] == 8 + 2 && v[4] == 100 + 4 && v[5] == 12 + 6);
    auto s = a.span<double>();
    CHECK(s.size() == 6 && s.data() == v.data());
    s[0] = -1;
    CHECK(v[0] == -1);
    CHECK(a.sum() == -1 + 4 + 6 + 10 + 104 + 18);
}

static void views_and_strided() {
    int32_t raw[12];
    for (int i = 0; i < 12; i++) raw[i] = i;
    ndmem::Array a = ndmem::Array::wrap(raw, 12, {3, 4});
    ndmem::Array t = a.transpose();
    CHECK(t.shape() == (std::vector<int64_t>{4, 3}) && t.data() == raw);
    // a[::-1, ::2]: negative and doubled strides, no copy.
    ndm_index_item items[2] = {{NDM_INDEX_SLICE, NDM_SLICE_NO_START | NDM_SLICE_NO_STOP, 0, 0, -1},
                               {NDM_INDEX_SLICE, NDM_SLICE_NO_START | NDM_SLICE_NO_STOP, 0, 0, 2}};
    ndmem::Array r = a.index({items[0], items[1]});
    CHECK(r.strides() == (std::vector<int64_t>{-16, 8}));
    auto sv = r.strided<int32_t>();
    CHECK(sv(0, 0) == 8 && sv(2, 1) == 2 && sv.at({1, 1}) == 6);
    CHECK(&sv(0, 0) == raw + 8);
    auto span = sv.required_span_bytes();
    CHECK(span.first == -32 && span.second == 12);  // rows 8..0 reach 32 bytes below, cols +8+4
    sv(1, 0) = 400;
    CHECK(raw[4] == 400);
    bool caught = false;
    try {
        sv.at({3, 0});
    } catch (const std::out_of_range &) {
        caught = true;
    }
    CHECK(caught);
    CHECK(throws([&] { (void)r.span<int32_t>(); }, NDM_ERR_INVALID_ARG, "C-contiguous"));
    CHECK(throws([&] { (void)a.span<double>(); }, NDM_ERR_DTYPE, "<i4"));
    // Broadcast view: stride 0.
    std::vector<int64_t> zero = {0};
    ndmem::Array b = ndmem::Array::wrap(raw, 12, {5}, zero, false);
    auto bv = b.strided<int32_t>();
    CHECK(bv.stride_bytes(0) == 0 && bv(4) == 0 && bv.required_span_bytes().second == 4);
    ndmem::Array second = a.view();
    CHECK(second.data() == a.data() && second.handle() != a.handle());
    CHECK(throws([&] { (void)t.reshape({12}); }, NDM_ERR_COPY_REQUIRED, ""));
    CHECK(a.reshape({2, 6}).data() == raw);
}

static void ownership_and_errors() {
    ndmem::Array a = ndmem::Array::zeros({4}, ndmem::Dtype::of<double>());
    ndmem::Array moved = std::move(a);
    CHECK(moved.size() == 4);
    ndmem::Array view = moved.slice(1, 3);
    { ndmem::Array gone = std::move(moved); }  // the base handle is freed; the view keeps the memory
    view += 1.0;
    CHECK(view.get<double>({0}) == 1.0);
    ndmem::Array ints = ndmem::Array::zeros({3}, ndmem::Dtype::parse("<i8"));
    CHECK(throws([&] { ints += 1.5; }, NDM_ERR_CASTING, "same_kind"));
    CHECK(throws([&] { ndmem::Dtype::parse("f3"); }, NDM_ERR_DTYPE, "f3"));
    CHECK(throws([&] { ints.get<double>({7}); }, NDM_ERR_INDEX, "out of bounds"));
    CHECK(throws([&] { ndmem::Array::load("/nonexistent/x.npy"); }, NDM_ERR_IO, "x.npy"));
    ndmem::Array c = ints + ints;
    CHECK(c.dtype() == ndmem::Dtype::parse("int64"));
    CHECK(ndmem::Dtype::of<std::complex<float>>().str() == "<c8");
    // Threads: a large in-place multiply gives the same values with 1 and 2 threads.
    std::vector<double> big(700000, 1.5);
    ndmem::Array wrapped = ndmem::Array::wrap(big, {static_cast<int64_t>(big.size())});
    int64_t before = ndmem::set_num_threads(2);
    CHECK(ndmem::num_threads() == 2);
    wrapped *= 2.0;
    ndmem::set_num_threads(1);
    wrapped *= 2.0;
    CHECK(big.front() == 6.0 && big.back() == 6.0 && big[350000] == 6.0);
    CHECK(throws([&] { ndmem::set_num_threads(-3); }, NDM_ERR_INVALID_ARG, "num_threads"));
    ndmem::set_num_threads(0);
    CHECK(before >= 1 && ndmem::num_threads() >= 1);
}

static void records_and_files() {
    struct point { double x; int32_t id; };
    point pts[3];
    std::memset(pts, 0, sizeof pts);  // padding bytes are saved too: make them defined
    for (int i = 0; i < 3; i++) pts[i].x = 1.5 + i, pts[i].id = i + 1;
    ndmem::Dtype d = ndmem::Dtype::parse("[('x', '<f8'), ('id', '<i4')]", true);
    CHECK(d.itemsize() == static_cast<int64_t>(sizeof(point)));
    ndmem::Array table = ndmem::Array::wrap(pts, sizeof pts, d, {3});
    ndmem::Array x = table.field("x");
    x *= 2.0;
    CHECK(pts[0].x == 3.0 && pts[2].x == 7.0 && pts[1].id == 2);
    table.save("/tmp/ndmem_cpp_test.npy");
    ndmem::Array back = ndmem::Array::load("/tmp/ndmem_cpp_test.npy");
    CHECK(back.field("x").get<double>({2}) == 7.0 && back.field("id").get<int32_t>({1}) == 2);
    std::remove("/tmp/ndmem_cpp_test.npy");
}

// Getters of a moved-from array throw; writeable flag, buffer views, empty_like; errno.
static void flags_buffers_and_dead_handles() {
    std::vector<int64_t> v = {0, 1, 2, 3, 4, 5};
    ndmem::Array a = ndmem::Array::wrap(v, {6});
    ndmem::Array moved = std::move(a);
    CHECK(throws([&] { (void)a.ndim(); }, NDM_ERR_NULL_ARG, "NULL"));
    CHECK(throws([&] { (void)a.shape(); }, NDM_ERR_NULL_ARG, "NULL"));
    CHECK(throws([&] { (void)a.data(); }, NDM_ERR_NULL_ARG, "NULL"));
    CHECK(throws([&] { (void)a.flags(); }, NDM_ERR_NULL_ARG, "NULL"));
    ndmem::Array ro = moved.with_writeable(false);
    CHECK(!ro.writeable() && ro.data() == v.data());
    CHECK(ro.with_writeable(true).writeable());
    ndmem::Array i4 = moved.view_buffer(ndmem::Dtype::parse("<i4"), 8, {3}, {16});
    CHECK(i4.shape() == (std::vector<int64_t>{3}) && i4.get<int32_t>({2}) == 5);
    CHECK(throws([&] { (void)moved.view_buffer(ndmem::Dtype::parse("<i4"), 48, {1}); },
                 NDM_ERR_BOUNDS, "outside"));
    ndmem::Array t = moved.view_buffer(ndmem::Dtype::parse("<i8"), 0, {2, 3}, {8, 16});
    ndmem::Array e = t.empty_like(NDM_ORDER_K, true);
    CHECK(e.strides() == (std::vector<int64_t>{8, 16}) && e.get<int64_t>({1, 2}) == 0);
    CHECK(t.empty_like(ndmem::Dtype::parse("f4"), NDM_ORDER_C).strides() == (std::vector<int64_t>{12, 4}));
    try {
        (void)ndmem::Array::load("/nonexistent/dir/x.npy");
        CHECK(false);
    } catch (const ndmem::Error &err) {
        CHECK(err.status() == NDM_ERR_IO && err.os_error() == ENOENT);
    }
    CHECK(throws([&] { (void)ndmem::Array::load(NDM_TEST_DATA "/npy/big_header_v2.npy"); }, NDM_ERR_FORMAT,
                 "max_header_size"));
    CHECK(ndmem::Array::load(NDM_TEST_DATA "/npy/big_header_v2.npy", INT64_MAX).ndim() >= 0);
}

// Scalars of every arithmetic type are NumPy 2's weak scalars: the array's dtype decides.
static void weak_scalars_of_every_type() {
    ndmem::Array ia = ndmem::Array::zeros({3}, ndmem::Dtype::parse("<i8"));
    ia += 1;  // was NDM_ERR_CASTING: the only scalar operator took a double
    ia *= static_cast<short>(3);
    ia -= 1u;
    ia += true;
    CHECK(ia.dtype().str() == "<i8" && ia.get<int64_t>({2}) == 3);
    ndmem::Array s = ia.scalar(NDM_ADD, 1);  // no longer ambiguous
    CHECK(s.dtype().str() == "<i8" && s.get<int64_t>({0}) == 4);
    ndmem::Array f = 10 - ia;  // scalar first
    CHECK(f.get<int64_t>({1}) == 7 && f.dtype().str() == "<i8");
    ndmem::Array h = ndmem::Array::zeros({2}, ndmem::Dtype::parse("<f4")) + 0.5;
    CHECK(h.dtype().str() == "<f4" && h.get<float>({1}) == 0.5f);  // a weak float keeps float32
    ndmem::Array u8 = ndmem::Array::zeros({2}, ndmem::Dtype::parse("<u8")) + UINT64_MAX;
    CHECK(u8.get<uint64_t>({0}) == UINT64_MAX);
    ndmem::Array c = ndmem::Array::zeros({2}, ndmem::Dtype::parse("<c16")) + std::complex<double>(1, 2);
    CHECK(c.get<std::complex<double>>({1}) == std::complex<double>(1, 2));
    CHECK(throws([&] { ia += 1.5; }, NDM_ERR_CASTING, "same_kind"));
    CHECK(throws([&] { (void)(ndmem::Array::zeros({1}, ndmem::Dtype::parse("i1")) + 300); },
                 NDM_ERR_OVERFLOW, "300"));
}

// A table of C structs wrapped with a record dtype, built field by field; field facts.
static void record_tables() {
    struct point {
        double x;
        int32_t id;
    };
    std::vector<point> pts(4);
    for (int i = 0; i < 4; i++) pts[i] = {1.5 + i, 10 + i};
    Dtype rec = ndmem::RecordBuilder().add("x", Dtype::of<double>()).add("id", Dtype::of<int32_t>()).finish(true);
    CHECK(rec.itemsize() == static_cast<int64_t>(sizeof(point)) && rec.is_aligned_struct() && rec.nfields() == 2);
    Array table = Array::wrap(pts, rec);
    CHECK(table.data() == pts.data() && table.shape() == I64{4});
    table.field("x") *= 2;
    CHECK(pts[3].x == 9.0 && pts[3].id == 13);
    ndmem::FieldInfo id = rec.field(1);
    CHECK(id.name == "id" && id.offset == 8 && id.itemsize == 4 && !id.title && id.dtype == Dtype::of<int32_t>());
    CHECK(rec.field_index("id") == std::optional<int64_t>(1) && !rec.field_index("nope"));
    CHECK(rec.descr().find("'id'") != std::string::npos);
    Array only_id = table.fields({"id"});
    CHECK(only_id.itemsize() == 16 && only_id.data() == pts.data());
    CHECK(only_id.repack().itemsize() == 4);
    CHECK(throws([&] { (void)table.fields({"id", "id"}); }, NDM_ERR_INVALID_ARG, "id"));
    Dtype packed = ndmem::RecordBuilder().add("x", Dtype::of<double>()).add("id", Dtype::of<int32_t>()).finish();
    CHECK(throws([&] { (void)Array::wrap(pts, packed); }, NDM_ERR_DTYPE, "sizeof"));
    // A subarray field with a title; a copy of a dtype is an equal dtype with its own handle.
    Dtype sub = ndmem::RecordBuilder().add_subarray("v", Dtype::of<float>(), {2, 3}, -1, "velocity").finish();
    ndmem::FieldInfo v = sub.field(0);
    CHECK(v.shape == (I64{2, 3}) && v.levels == std::vector<int32_t>{2} && v.title == std::string("velocity"));
    CHECK(sub.field_index("velocity") == std::optional<int64_t>(0));
    Dtype again = sub;
    CHECK(again == sub && again.handle() != sub.handle() && again.itemsize() == 24);
    CHECK(throws([&] { (void)sub.field(5); }, NDM_ERR_INDEX, "5"));
    // A record array filled from one element.
    point one = {2.5, 7};
    Array filled = Array::full({3}, rec, &one);
    CHECK(filled.field("id").get<int32_t>({2}) == 7 && filled.field("x").get<double>({0}) == 2.5);
}

// Rolling windows, checked as_strided, reductions over chosen axes.
static void windows_and_reductions() {
    Array a = Array::arange(0, 10, 1, Dtype::of<double>());
    Array w = a.sliding_window_view({3});
    CHECK(w.shape() == (I64{8, 3}) && !w.writeable() && w.data() == a.data());
    Array sums = w.sum({1});  // each window's sum
    CHECK(sums.shape() == I64{8} && sums.get<double>({0}) == 3 && sums.get<double>({7}) == 7 + 8 + 9);
    CHECK(w.mean({-1}).get<double>({2}) == 3);
    CHECK(throws([&] { (void)a.sliding_window_view({3}, ndmem::all_axes, true); }, NDM_ERR_INVALID_ARG,
                 "overlap"));
    Array m = a.reshape({2, 5});
    Array cols = m.sliding_window_view({2}, {1});
    CHECK(cols.shape() == (I64{2, 4, 2}));
    CHECK(throws([&] { (void)m.sliding_window_view({2}, {0, 1}); }, NDM_ERR_INVALID_ARG, "one window"));
    Array s = a.as_strided({3, 3}, {8, 8});  // overlapping rows: read-only is fine
    CHECK(s.get<double>({2, 2}) == 4 && !s.writeable());
    CHECK(throws([&] { (void)a.as_strided({3, 3}, {8, 8}, true); }, NDM_ERR_INVALID_ARG, "overlap"));
    CHECK(throws([&] { (void)a.as_strided({3, 3}, {8}); }, NDM_ERR_INVALID_ARG, "one stride"));
    CHECK(ndmem::last_status() == NDM_ERR_INVALID_ARG);  // the wrapper's own checks record too
    CHECK(std::strstr(ndm_last_error(), "one stride") != nullptr);
    CHECK(throws([&] { (void)a.as_strided({20}, {8}); }, NDM_ERR_BOUNDS, ""));
    // Axes: all_axes is NumPy's None; an empty list is no axis (not all of them).
    CHECK(m.sum(ndmem::all_axes).ndim() == 0 && m.sum(ndmem::all_axes).get<double>({}) == 45);
    CHECK(m.sum(I64{}).shape() == (I64{2, 5}));
    CHECK(m.sum({0}).shape() == I64{5} && m.sum({0}).get<double>({4}) == 4 + 9);
    CHECK(m.sum({1}, true).shape() == (I64{2, 1}));
    CHECK(m.sum(1).get<double>({1}) == 35 && m.sum({0, 1}).get<double>({}) == 45);
    CHECK(m.prod({1}).get<double>({0}) == 0 && m.max({0}).get<double>({0}) == 5 && m.min({1}).get<double>({1}) == 5);
    CHECK(m.sum() == 45 && m.mean() == 4.5 && m.min() == 0 && m.max() == 9);
    Array positive = m.scalar(NDM_GREATER, 0);
    CHECK(!positive.all({1}).get<bool>({0}) && positive.all({1}).get<bool>({1}) && positive.any({0}).get<bool>({0}));
    Array out = Array::zeros({2}, Dtype::of<double>());
    m.reduce_into(NDM_ADD, out, {1});
    CHECK(out.get<double>({0}) == 10 && out.get<double>({1}) == 35);
    Array r = m.reduce(NDM_MAXIMUM, {1}, false, &out);
    CHECK(r.data() == out.data() && out.get<double>({1}) == 9);
    std::vector<bool> keep_bits = {true, false, true, false, true};
    bool keep[5];
    std::copy(keep_bits.begin(), keep_bits.end(), keep);
    Array mask = Array::wrap(keep, 5, {5});
    ndmem::Options where;
    where.where = &mask;
    CHECK(m.reduce(NDM_ADD, {1}, false, nullptr, where).get<double>({0}) == 0 + 2 + 4);
    Dtype f4 = Dtype::of<float>();
    ndmem::Options as_f4;
    as_f4.dtype = &f4;
    CHECK(m.reduce(NDM_ADD, {0}, false, nullptr, as_f4).dtype() == f4);
    CHECK(throws([&] { (void)m.sum({2}); }, NDM_ERR_AXIS, "out of bounds"));
}

// Unary ufuncs, ufunc options, `out=` with no handle made.
static void ufuncs_and_options() {
    std::vector<double> v = {1, 4, 9, 16};
    Array a = Array::wrap(v);
    Array r = a.unary(NDM_SQRT);
    CHECK(r.get<double>({3}) == 4 && v[3] == 16);
    a.unary_into(NDM_SQRT, a);  // in place
    CHECK(v[0] == 1 && v[2] == 3);
    Array n = -a;
    CHECK(n.get<double>({1}) == -2);
    Array i8 = Array::full({4}, int64_t{3});
    ndmem::Options no;
    no.casting = NDM_CASTING_NO;
    CHECK(throws([&] { (void)a.binary(NDM_ADD, i8, nullptr, no); }, NDM_ERR_CASTING, "'no'"));
    Dtype f4 = Dtype::of<float>();
    ndmem::Options as_f4;
    as_f4.dtype = &f4;
    CHECK(a.binary(NDM_MULTIPLY, i8, nullptr, as_f4).dtype() == f4);
    bool keep[4] = {true, false, false, true};
    Array mask = Array::wrap(keep, 4, {4});
    ndmem::Options where;
    where.where = &mask;
    a.binary_into(NDM_ADD, i8, a, where);  // (a * 1) + 3 where keep
    CHECK(v[0] == 4 && v[1] == 2 && v[2] == 3 && v[3] == 7);
    a.scalar(NDM_MULTIPLY, 2, &a, false, where);
    CHECK(v[0] == 8 && v[1] == 2);
    CHECK(a.unary(NDM_NEGATIVE, nullptr, where).shape() == I64{4});
    // (a*b)+c with out= and no temporaries.
    Array b = Array::full({4}, 2.0), c = Array::full({4}, 1.0), out = Array::empty({4}, Dtype::of<double>());
    a.binary_into(NDM_MULTIPLY, b, out);
    out.binary_into(NDM_ADD, c, out);
    CHECK(out.get<double>({0}) == 8 * 2 + 1 && out.get<double>({3}) == 14 * 2 + 1);
    CHECK(throws([&] { a.unary_into(NDM_SQRT, a.with_writeable(false)); }, NDM_ERR_READONLY, ""));
}

// Memory maps: create, fill, flush, release pages, reopen, raw maps; map facts.
static void memory_maps() {
    const char *path = "/tmp/ndmem_cpp_map.npy";
    {
        Array m = Array::create_memmap(path, Dtype::of<double>(), {1000});
        auto info = m.map_info();
        CHECK(info && info->mode == NDM_MMAP_READWRITE && info->offset == 128);
        for (int64_t start = 0; start < 1000; start += 250) {  // block by block
            Array block = m.slice(start, start + 250);
            block.assign(Array::full({1}, static_cast<double>(start)));
            block.flush();
            block.release_pages();
        }
        CHECK(m.get<double>({999}) == 750);
    }
    Array r = Array::open_memmap(path);
    CHECK(!r.writeable() && r.get<double>({260}) == 250 && r.map_info()->mode == NDM_MMAP_READ);
    Array raw = Array::memmap_raw(path, Dtype::of<double>(), "r", 128);
    CHECK(raw.shape() == I64{1000} && raw.get<double>({500}) == 500);
    Array two = Array::memmap_raw(path, Dtype::of<double>(), "r", 128, {10, 100});
    CHECK(two.get<double>({9, 99}) == 750);
    Array plain = Array::zeros({2}, Dtype::of<double>());
    CHECK(!plain.map_info());
    CHECK(throws([&] { plain.flush(); }, NDM_ERR_INVALID_ARG, "memory-mapped"));
    CHECK(throws([&] { (void)Array::create_memmap(path, Dtype::of<double>(), {10}); }, NDM_ERR_IO, "live memory map"));
    CHECK(plain.save("/tmp/ndmem_cpp_plain.npy") == 1);
    CHECK(Array::open_memmap("/tmp/ndmem_cpp_plain.npy", "c").writeable());
    std::remove("/tmp/ndmem_cpp_plain.npy");
    std::remove(path);
}

// Every remaining view, copy and free function of the C API.
static void views_copies_and_free_functions() {
    Array a = Array::arange(0, 24, 1, Dtype::of<int64_t>()).reshape({2, 3, 4});
    CHECK(a.nbytes() == 192 && a.base().has_value());
    auto range = a.buffer_range();
    CHECK(range.first == a.data() && range.second == 192);
    CHECK(a.transpose().shape() == (I64{4, 3, 2}) && a.transpose({1, 0, 2}).shape() == (I64{3, 2, 4}));
    CHECK(throws([&] { (void)a.transpose(I64{}); }, NDM_ERR_INVALID_ARG, "axes don't match"));
    CHECK(a.swapaxes(0, 2).strides() == (I64{8, 32, 96}));
    CHECK(a.moveaxis({0}, {-1}).shape() == (I64{3, 4, 2}));
    Array e = a.expand_dims({0});
    CHECK(e.shape() == (I64{1, 2, 3, 4}) && e.squeeze().ndim() == 3 && e.squeeze(I64{}).ndim() == 4);
    CHECK(e.squeeze({0}).ndim() == 3);
    Array d = a.diagonal(0, 1, 2);
    CHECK(d.shape() == (I64{2, 3}) && d.get<int64_t>({1, 2}) == 12 + 2 * 4 + 2 && !d.writeable());
    Array t = a.transpose();
    CHECK(t.ravel().c_contiguous() && t.ravel().data() != a.data() && a.ravel().data() == a.data());
    CHECK(t.flatten().get<int64_t>({1}) == 12 && a.flatten().data() != a.data());
    CHECK(t.ascontiguousarray().c_contiguous() && a.asfortranarray().f_contiguous());
    CHECK(throws([&] { (void)t.reshape({24}); }, NDM_ERR_COPY_REQUIRED, ""));
    CHECK(t.reshape({24}, NDM_ORDER_C, NDM_COPY_IF_NEEDED).get<int64_t>({1}) == 12);
    Array row = a.index({Index::at(1), Index::at(2)});
    Array b = row.broadcast_to({5, 4});
    CHECK(b.strides() == (I64{0, 8}) && b.is_self_overlapping() == NDM_OVERLAP_YES);
    CHECK(row.is_self_overlapping() == NDM_OVERLAP_NO);
    CHECK(ndmem::shares_memory(a, b) == NDM_OVERLAP_YES && ndmem::may_share_memory(a, b));
    Array evens = a.index({Index::all(), Index::all(), Index::all(2)});
    Array odds = a.index({Index::ellipsis(), Index::from(1, 2)});
    CHECK(ndmem::shares_memory(evens, odds) == NDM_OVERLAP_NO && ndmem::may_share_memory(evens, odds));
    CHECK(a.index({Index::to(1), Index::newaxis(), Index::slice(0, 3, 2)}).shape() == (I64{1, 1, 2, 4}));
    CHECK(a.index({Index::all(-1)}).get<int64_t>({0, 0, 0}) == 12);
    CHECK(a.view_as(Dtype::of<int32_t>()).shape() == (I64{2, 3, 8}));
    ndm_index_item c_items[2] = {NDM_AT(1), NDM_SLICE(0, 2, 1)};  // the C initialisers work in C++
    CHECK(a.index({c_items[0], c_items[1]}).shape() == (I64{2, 4}));
    ndm_scalar one = NDM_I64(1), half = NDM_F64(0.5);
    CHECK(one.kind == NDM_SCALAR_INT && half.f == 0.5);
    // copies
    Array c = Array::zeros({2, 4}, Dtype::of<double>());
    ndmem::copyto(c, row);  // broadcast, int64 -> float64 is same_kind
    CHECK(c.get<double>({1, 3}) == 23);
    CHECK(throws([&] { ndmem::copyto(row, c); }, NDM_ERR_CASTING, "same_kind"));
    Array joined = ndmem::concatenate({row, row}, 0);
    CHECK(joined.shape() == I64{8} && joined.get<int64_t>({7}) == 23);
    Dtype f8 = Dtype::of<double>();
    CHECK(ndmem::concatenate({a, row}, std::nullopt, &f8).shape() == I64{28});
    Array picks = Array::full({2}, int64_t{1});
    CHECK(a.take(picks, 2).shape() == (I64{2, 3, 2}) && a.take(picks).get<int64_t>({0}) == 1);
    bool cond[2] = {false, true};
    Array second = a.compress(Array::wrap(cond, 2, {2}), 0);
    CHECK(second.shape() == (I64{1, 3, 4}) && second.get<int64_t>({0, 0, 0}) == 12);
    CHECK(a.compress(Array::wrap(cond, 2, {2})).shape() == I64{1});
    Array swapped = row.byteswap();
    CHECK(swapped.get<int64_t>({0}) == static_cast<int64_t>(20ULL << 56) && row.get<int64_t>({0}) == 20);
    swapped.byteswap_in_place();
    CHECK(swapped.get<int64_t>({0}) == 20);
    CHECK(row.astype(Dtype::of<float>()).dtype() == Dtype::of<float>());
    CHECK(a.astype(Dtype::of<int64_t>(), NDM_CASTING_NO, NDM_ORDER_K, NDM_COPY_IF_NEEDED).data() == a.data());
    // adopt: the array owns the vector's memory (valgrind proves it is freed exactly once)
    std::vector<float> owned = {1, 2, 3};
    const float *where = owned.data();
    Array adopted = Array::adopt(std::move(owned));
    CHECK(adopted.data() == where && adopted.get<float>({2}) == 3);
    Array keeps = adopted.slice(1, 3);
    { Array gone = std::move(adopted); }
    CHECK(keeps.get<float>({1}) == 3);
    // Empty vectors (data() may be NULL) wrap and adopt; a failed adopt leaves the vector alone.
    std::vector<double> none;
    CHECK(Array::wrap(none).size() == 0 && Array::adopt(std::vector<int32_t>{}).size() == 0);
    std::vector<double> three = {1, 2, 3};
    CHECK(throws([&] { (void)Array::adopt(std::move(three), {2, 2}); }, NDM_ERR_BOUNDS, ""));
    CHECK(three.size() == 3 && three[2] == 3);
    // No window at all: an empty window list with an empty axes list is x itself (axis=()).
    CHECK(a.sliding_window_view({}, I64{}).shape() == a.shape());
    // dtypes and free functions
    Dtype be = Dtype::of<int32_t>().newbyteorder(NDM_BYTEORDER_SWAP);
    CHECK(be.str() == ">i4" && be.byteorder() == NDM_BYTEORDER_BIG && be.alignment() == 4);
    CHECK(Dtype::from_kind(NDM_KIND_BYTES, NDM_BYTEORDER_NA, 5).str() == "|S5");
    CHECK(Dtype::of<int32_t>().can_cast_to(f8) && !f8.can_cast_to(Dtype::of<int32_t>()));
    CHECK(f8.can_cast_to(Dtype::of<int32_t>(), NDM_CASTING_UNSAFE) && f8 != be);
    CHECK(ndmem::broadcast_shapes({{2, 1}, {3}}) == (I64{2, 3}));
    CHECK(throws([&] { (void)ndmem::broadcast_shapes({{2}, {3}}); }, NDM_ERR_SHAPE, "broadcast"));
    CHECK(ndmem::version() == NDM_VERSION_STRING && !ndmem::simd_level().empty());
    (void)Array::zeros({1}, f8);
    CHECK(ndmem::last_status() == NDM_OK);
}

static int copies_warned;
static void on_copy(int32_t reason, uint64_t bytes, const char *op, void *) {
    copies_warned += reason == NDM_COPY_REASON_RESHAPE && bytes == 48 && std::strcmp(op, "reshape") == 0;
}

// Memory accounting: the zero-copy ledger of std::vector sharing, scopes, the copy policy (a
// refused implicit copy throws), tags and the retention report.
static void memory_accounting() {
    ndm_mem_counts before = ndmem::mem_stats();
    ndmem::MemScope ledger;
    std::vector<double> v = {1, 2, 3, 4, 5, 6};
    {
        Array a = Array::wrap(v, {2, 3});
        a *= 2.0;
        Array t = a.transpose();
        t += 1.0;  // through a view: still the vector's memory
        CHECK(v[1] == 5 && a.data() == v.data());
        ndmem::set_tag(a, "vector");
        auto report = ndmem::mem_report();
        bool seen = false;
        for (const auto &b : report)
            if (b.start == v.data())
                seen = b.tag == "vector" && b.handles == 2 && b.origin == NDM_ORIGIN_FOREIGN &&
                       b.reachable_bytes == 48 && b.summary.find("foreign buffer 'vector'") != std::string::npos;
        CHECK(seen);
        ndmem::CopyPolicyScope forbid(NDM_COPY_POLICY_FORBID);
        CHECK(ndmem::copy_policy() == NDM_COPY_POLICY_FORBID);
        CHECK(throws([&] { (void)t.reshape({6}, NDM_ORDER_C, NDM_COPY_IF_NEEDED); }, NDM_ERR_COPY_REQUIRED, "reshape: "));
        CHECK(a.copy().size() == 6);  // explicit: never refused
    }
    ndm_mem_counts c = ledger.end();
    CHECK(c.implicit_copies == 0 && c.explicit_copies == 1 && c.explicit_bytes == 48);
    CHECK(c.allocations == 3 && c.owned_bytes == 0);  // the copy and two 0-d scalar operands
    CHECK(c.block_buffers == 2 && c.block_bytes == 16);
    CHECK(ndmem::copy_policy() == NDM_COPY_POLICY_ALLOW);
    CHECK(throws([&] { (void)ledger.end(); }, NDM_ERR_INVALID_ARG, "already ended"));

    ndmem::set_copy_callback(on_copy);
    {
        ndmem::CopyPolicyScope warn(NDM_COPY_POLICY_WARN);
        Array a = Array::wrap(v, {2, 3});
        (void)a.transpose().reshape({6}, NDM_ORDER_C, NDM_COPY_IF_NEEDED);
    }
    ndmem::set_copy_callback(nullptr);
    CHECK(copies_warned == 1);
    CHECK(ndmem::copy_reason_name(NDM_COPY_REASON_RAVEL) == "ravel needs a copy");
    ndmem::reset_peak();
    ndmem::set_tracking(false);
    ndmem::set_alloc_hook(nullptr, nullptr, 0);
    ndm_mem_counts after = ndmem::mem_stats();
    CHECK(after.live_arrays == before.live_arrays && after.live_buffers == before.live_buffers);
}

static void growable_arrays() {
    using ndmem::Growable;
    Growable g = Growable::empty({0}, Dtype::of<double>());
    for (int i = 0; i < 1000; i++) g.push_back(i * 0.25);
    CHECK(g.size() == 1000 && g.capacity() >= 1000 && g.axis() == 0 && g.row_bytes() == 8);
    CHECK(throws([&] { g.push_back(1.0f); }, NDM_ERR_DTYPE, "4-byte value"));
    CHECK(throws([&] { g.push_back(int64_t{1}); }, NDM_ERR_DTYPE, "of another type"));
    struct Pair {
        float a, b;
    };
    Growable pairs = Growable::empty({0}, Dtype::parse("f4,f4"));
    pairs.push_back(Pair{1, 2});  // a struct of the record's size
    CHECK(pairs.size() == 1);
    Array before = g.view();
    const double *p = before.span<double>().data();
    g.reserve(g.capacity() + 1);  // a move: `before` keeps the old memory and values
    CHECK(before.span<double>().data() == p && before.span<double>()[999] == 999 * 0.25);
    CHECK(g.view().span<double>().data() != p);
    CHECK(g.live_views() == 0);
    {
        Array now = g.view();
        g.set_policy(NDM_GROW_REFUSE);
        CHECK(throws([&] { g.reserve(1 << 20); }, NDM_ERR_IN_USE, "1 live view(s)"));
        int64_t room = g.capacity() - g.size();
        for (int64_t i = 0; i < room; i++) g.push_back(1.5);  // within capacity: nothing moves
        CHECK(g.view().span<double>().data() == now.span<double>().data());
        CHECK(throws([&] { g.push_back(1.5); }, NDM_ERR_IN_USE, "1 live view(s)"));
        g.set_policy(NDM_GROW_MOVE);
    }
    int64_t n = g.size();
    g.append(Array::full<double>({3}, 7.0));  // a block of 3 rows
    g.shrink_to_fit();
    CHECK(g.size() == n + 3 && g.capacity() == n + 3 && g.view().get<double>({n + 2}) == 7.0);

    Growable rows = Growable::empty({0, 2}, Dtype::of<int32_t>(), 4);
    int32_t two[4] = {1, 2, 3, 4};
    rows.append(two, 2);
    rows.append(Array::full<int16_t>({}, 9));  // a scalar row, cast same_kind
    CHECK(rows.view().get<int32_t>({2, 1}) == 9 && rows.view().get<int32_t>({1, 0}) == 3);
    CHECK(throws([&] { rows.append(Array::full<double>({2}, 1.0)); }, NDM_ERR_CASTING, "same_kind"));

    char dir[] = "/tmp/ndm_cpp_grow_XXXXXX";
    CHECK(mkdtemp(dir) != nullptr);
    std::string path = std::string(dir) + "/rows.npy";
    Dtype f8 = Dtype::of<double>();
    std::vector<int64_t> row = {2};
    Growable file = Growable::open_append(path, &f8, &row);
    double values[6] = {1, 2, 3, 4, 5, 6};
    file.append(values, 3);
    file.flush();
    CHECK(Array::load(path).shape() == std::vector<int64_t>({3, 2}));
    file.append(values, 1);
    file.close();
    Array loaded = Array::load(path);
    CHECK(loaded.shape() == std::vector<int64_t>({4, 2}) && loaded.get<double>({3, 1}) == 2);
    Growable again = Growable::open_append(path);
    CHECK(again.size() == 4);
    again.close();
    CHECK(throws([&] { (void)Growable::open_append(std::string(dir) + "/new.npy"); }, NDM_ERR_INVALID_ARG,
                 "needs the dtype"));
    std::remove(path.c_str());
    std::remove((std::string(dir) + "/new.npy").c_str());
    rmdir(dir);
}

// DLPack: an export and import share memory; the RAII tensor frees what nobody took; a
// refused import leaves the tensor with its owner; read-only travels.
static void dlpack_round_trips() {
    Array a = Array::arange(0, 12, 1, Dtype::of<double>()).reshape({3, 4});
    Array t = a.transpose();
    ndmem::DLPack x = t.to_dlpack();
    CHECK(x->dl_tensor.data == t.data() && x->dl_tensor.strides[0] == 1 && x->dl_tensor.strides[1] == 4);
    CHECK(x->flags == 0 && x->dl_tensor.dtype.code == kDLFloat && x->dl_tensor.dtype.bits == 64);
    Array b = Array::from_dlpack(std::move(x));
    CHECK(x.get() == nullptr && b.data() == t.data() && b.strides() == t.strides());
    a.set<double>({2, 1}, -5);
    CHECK(b.get<double>({1, 2}) == -5);  // the same memory

    // Nobody consumes it: the destructor calls the deleter, and the memory is released.
    { ndmem::DLPackUnversioned u = a.to_dlpack_unversioned(); }
    // A refused import throws and leaves the tensor in hand (freed by its destructor).
    ndmem::DLPack y = a.to_dlpack();
    y->dl_tensor.device.device_type = static_cast<DLDeviceType>(2);
    CHECK(throws([&] { (void)Array::from_dlpack(std::move(y)); }, NDM_ERR_EXCHANGE, "device type 2"));
    CHECK(y.get() != nullptr);

    // Read-only both ways; the unversioned struct refuses it; a copy is marked.
    Array ro = a.with_writeable(false);
    Array back = Array::from_dlpack(ro.to_dlpack());
    CHECK(!back.writeable() && back.data() == a.data());
    CHECK(throws([&] { (void)ro.to_dlpack_unversioned(); }, NDM_ERR_EXCHANGE, "read-only"));
    ndmem::DLPack c = ro.to_dlpack(true);
    CHECK(c->flags == DLPACK_FLAG_BITMASK_IS_COPIED && c->dl_tensor.data != a.data());
    Array text = Array::zeros({2}, Dtype::parse("S3"));
    CHECK(throws([&] { (void)text.to_dlpack(true); }, NDM_ERR_EXCHANGE, "DLPack cannot describe dtype"));
}

int main() {
    weak_scalars_of_every_type();
    dlpack_round_trips();
    growable_arrays();
    flags_buffers_and_dead_handles();
    zero_copy_with_vector();
    views_and_strided();
    ownership_and_errors();
    records_and_files();
    record_tables();
    windows_and_reductions();
    ufuncs_and_options();
    memory_maps();
    views_copies_and_free_functions();
    memory_accounting();
    ndm_mem_counts end = ndmem::mem_stats();  // every handle and buffer is gone
    CHECK(end.live_arrays == 0 && end.live_dtypes == 0 && end.live_buffers == 0 && end.live_record_builders == 0 &&
          end.live_growables == 0);
    if (end.live_arrays) ndmem::leak_report();
    std::printf("test_cpp: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
