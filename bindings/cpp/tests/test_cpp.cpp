// Tests of the C++ wrapper: RAII, exceptions with the library's message, zero-copy sharing with
// std::vector and raw memory proved by writing on one side and reading on the other, views,
// in-place operators, spans, the signed-stride view, and .npy files. The header is included
// twice on purpose (include guard).
#include "ndmem.hpp"
#include "ndmem.hpp"

#include <cstdio>
#include <cerrno>
#include <cstring>
#include <vector>

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
    ndm_array *h = nullptr;
    int64_t n = 3;
    ndmem::check(ndm_from_ptr(pts, sizeof pts, 0, d.handle(), 1, &n, nullptr, NDM_FLAG_WRITEABLE,
                              nullptr, nullptr, &h));
    ndmem::Array table(h);
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
    CHECK(throws([&] { (void)ndmem::Array::load("tests/data/npy/big_header_v2.npy"); }, NDM_ERR_FORMAT,
                 "max_header_size"));
    CHECK(ndmem::Array::load("tests/data/npy/big_header_v2.npy", INT64_MAX).ndim() >= 0);
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

int main() {
    weak_scalars_of_every_type();
    flags_buffers_and_dead_handles();
    zero_copy_with_vector();
    views_and_strided();
    ownership_and_errors();
    records_and_files();
    std::printf("test_cpp: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
