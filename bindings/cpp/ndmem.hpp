// ndmem.hpp: a header-only C++17 wrapper over the whole ndmem C API (include/ndmem.h).
//
// - ndmem::Array, ndmem::Dtype and ndmem::RecordBuilder own one handle each. Array is move-only;
//   `Array::view()` makes a second handle to the same memory (never a copy). Dtype is copyable
//   (a copy is a new handle to an equal dtype). Destructors free the handle; the memory lives
//   while any handle (or view) refers to it.
// - Every failing call throws ndmem::Error, which carries the status code and the library's
//   message (ndm_last_error()); NDM_ERR_IO failures also carry errno.
// - Array::wrap(ptr, count, shape), Array::wrap(std::vector<T>&) and Array::wrap(std::vector<S>&,
//   record_dtype) share the caller's memory with no copy; the caller keeps it alive for as long
//   as the array or its views live. Array::adopt(std::vector<T>&&) moves a vector into the array,
//   which frees it when the last view goes.
// - `a += b`, `a *= 2`, ... call the in-place ufuncs (NumPy's semantics, including overlap,
//   casting and NumPy 2's weak scalars); `a + b` allocates a result like NumPy. binary(),
//   unary(), scalar() and reduce() take `out` and Options (casting, dtype, where).
// - Axes: `ndmem::all_axes` is NumPy's `axis=None`; a list (`{0, 2}`, a std::vector) is exactly
//   those axes, so an empty list is no axis, never all of them.
// - span<T>() is for C-contiguous arrays only; strided<T>() is the general accessor
//   (StridedView: an mdspan-like view with signed byte strides, reversed and broadcast axes
//   included, which std::layout_stride cannot express).
// Each C function's documentation in ndmem.h applies to its wrapper here.
#ifndef NDMEM_HPP
#define NDMEM_HPP

#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ndmem.h"

#if defined(__cpp_lib_span) || (__cplusplus >= 202002L && __has_include(<span>))
#include <span>
#define NDMEM_HAS_STD_SPAN 1
#endif

namespace ndmem {

/// A failing ndmem call: `status()` is the NDM_ERR_* code, `what()` the library's message.
class Error : public std::runtime_error {
public:
    Error(ndm_status status, const std::string &message, int os_error = 0)
        : std::runtime_error(message), status_(status), os_error_(os_error) {}
    ndm_status status() const noexcept { return status_; }
    /// The operating system's errno behind an NDM_ERR_IO failure (ENOENT, EISDIR, ...), else 0.
    int os_error() const noexcept { return os_error_; }

private:
    ndm_status status_;
    int os_error_;
};

/// Throws ndmem::Error for a failing status.
inline void check(ndm_status status) {
    if (status != NDM_OK) {
        throw Error(status, std::string(ndm_status_str(status)) + ": " + ndm_last_error(),
                    status == NDM_ERR_IO ? ndm_last_errno() : 0);
    }
}

/// Records `message` as this thread's last error (ndm_set_last_error) and throws it, so the
/// wrapper's own checks report exactly like the library's (ndm_last_status() agrees).
[[noreturn]] inline void fail(ndm_status status, const std::string &message) {
    check(ndm_set_last_error(status, message.c_str()));
    throw Error(status, message);  // not reached: ndm_set_last_error returns a failing status
}

/// Sets how many threads large element-wise loops use (1..1024; 0: the default, NDMEM_NUM_THREADS
/// or the CPUs available). Results never depend on it. Process-wide; returns the previous count.
inline int64_t set_num_threads(int64_t n) {
    int64_t previous = ndm_get_num_threads();
    check(ndm_set_num_threads(n));
    return previous;
}

/// The number of threads large element-wise loops use now.
inline int64_t num_threads() noexcept { return ndm_get_num_threads(); }

/// The library's version (NDM_VERSION_STRING of the header it was built with).
inline std::string version() { return ndm_version(); }

/// The vector instruction sets the kernels use ("avx2/avx512", ...).
inline std::string simd_level() { return ndm_simd_level(); }

/// The status of the last ndmem call on this thread (the wrappers throw instead; this is for
/// code that mixes C calls in).
inline ndm_status last_status() noexcept { return ndm_last_status(); }

/// NumPy's `axis=None` for reductions, transpose and squeeze.
struct AllAxes {};
inline constexpr AllAxes all_axes{};

/// An axes argument: `all_axes` (NumPy's None), one axis, or a list of axes (an empty list is no
/// axis at all). Negative axes count from the end.
class Axes {
public:
    Axes(AllAxes) : all_(true) {}
    template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
    Axes(I axis) : all_(false), list_{static_cast<int64_t>(axis)} {}
    Axes(bool) = delete;  // `sum(true)` is not axis 1
    Axes(std::initializer_list<int64_t> list) : all_(false), list_(list) {}
    Axes(std::vector<int64_t> list) : all_(false), list_(std::move(list)) {}
    /// The C arguments `axes` and `naxes`.
    const int64_t *data() const noexcept { return all_ ? nullptr : list_.data(); }
    int32_t count() const noexcept { return all_ ? NDM_ALL_AXES : static_cast<int32_t>(list_.size()); }

private:
    bool all_;
    std::vector<int64_t> list_;
};

/// Items of a basic index for Array::index (NumPy's `a[1, 2:8:2, np.newaxis, ...]`).
struct Index {
    /// An integer index (removes the axis).
    static ndm_index_item at(int64_t i) noexcept { return {NDM_INDEX_INT, 0, i, 0, 1}; }
    /// `start:stop:step`.
    static ndm_index_item slice(int64_t start, int64_t stop, int64_t step = 1) noexcept {
        return {NDM_INDEX_SLICE, 0, start, stop, step};
    }
    /// `start::step`.
    static ndm_index_item from(int64_t start, int64_t step = 1) noexcept {
        return {NDM_INDEX_SLICE, NDM_SLICE_NO_STOP, start, 0, step};
    }
    /// `:stop:step`.
    static ndm_index_item to(int64_t stop, int64_t step = 1) noexcept {
        return {NDM_INDEX_SLICE, NDM_SLICE_NO_START, 0, stop, step};
    }
    /// `::step` (`:` by default; `::-1` reverses).
    static ndm_index_item all(int64_t step = 1) noexcept {
        return {NDM_INDEX_SLICE, NDM_SLICE_NO_START | NDM_SLICE_NO_STOP, 0, 0, step};
    }
    /// `np.newaxis`.
    static ndm_index_item newaxis() noexcept { return {NDM_INDEX_NEWAXIS, 0, 0, 0, 0}; }
    /// `...`.
    static ndm_index_item ellipsis() noexcept { return {NDM_INDEX_ELLIPSIS, 0, 0, 0, 0}; }
};

#ifdef NDMEM_HAS_STD_SPAN
template <class T> using Span = std::span<T>;
#else
/// A contiguous run of elements (std::span before C++20).
template <class T> class Span {
public:
    Span(T *data, std::size_t size) noexcept : data_(data), size_(size) {}
    T *data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    T &operator[](std::size_t i) const noexcept { return data_[i]; }
    T *begin() const noexcept { return data_; }
    T *end() const noexcept { return data_ + size_; }

private:
    T *data_;
    std::size_t size_;
};
#endif

/// The NDM_KIND_* code of a C++ element type (bool, fixed-width integers, float, double,
/// std::complex<float/double>).
template <class T> struct kind_of;
#define NDMEM_KIND(T, K)                                                                          \
    template <> struct kind_of<T> {                                                               \
        static constexpr int32_t value = K;                                                       \
    };
NDMEM_KIND(bool, NDM_KIND_BOOL)
NDMEM_KIND(int8_t, NDM_KIND_INT8)
NDMEM_KIND(int16_t, NDM_KIND_INT16)
NDMEM_KIND(int32_t, NDM_KIND_INT32)
NDMEM_KIND(int64_t, NDM_KIND_INT64)
NDMEM_KIND(uint8_t, NDM_KIND_UINT8)
NDMEM_KIND(uint16_t, NDM_KIND_UINT16)
NDMEM_KIND(uint32_t, NDM_KIND_UINT32)
NDMEM_KIND(uint64_t, NDM_KIND_UINT64)
NDMEM_KIND(float, NDM_KIND_FLOAT32)
NDMEM_KIND(double, NDM_KIND_FLOAT64)
NDMEM_KIND(std::complex<float>, NDM_KIND_COMPLEX64)
NDMEM_KIND(std::complex<double>, NDM_KIND_COMPLEX128)
#undef NDMEM_KIND

class Dtype;

/// One field of a record dtype (ndm_field_info with owned strings and its dtype).
struct FieldInfo;

/// An element type. Copying makes a new handle to an equal dtype.
class Dtype {
public:
    /// Adopts a handle (freed by the destructor).
    explicit Dtype(ndm_dtype *handle) noexcept : h_(handle) {}
    /// NumPy dtype text: "<f8", "int32", "[('x', '<f8'), ('y', '<i4')]", ...; `align` lays a
    /// record out like a C struct (NumPy's `align=True`).
    static Dtype parse(const std::string &text, bool align = false) {
        return make([&](ndm_dtype **o) { return ndm_dtype_parse_align(text.c_str(), align, o); });
    }
    /// A dtype from an NDM_KIND_* code, an NDM_BYTEORDER_* code and, for bytes, void and unicode,
    /// an itemsize.
    static Dtype from_kind(int32_t kind, int32_t byteorder = NDM_BYTEORDER_NATIVE, std::size_t itemsize = 0) {
        return make([&](ndm_dtype **o) { return ndm_dtype_new(kind, byteorder, itemsize, o); });
    }
    /// The native dtype of a C++ type.
    template <class T> static Dtype of();
    Dtype(const Dtype &o) : h_(o.h_ ? make([&](ndm_dtype **p) { return ndm_dtype_clone(o.h_, p); }).release() : nullptr) {}
    Dtype &operator=(const Dtype &o) {
        Dtype copy(o);
        std::swap(h_, copy.h_);
        return *this;
    }
    Dtype(Dtype &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    Dtype &operator=(Dtype &&o) noexcept {
        std::swap(h_, o.h_);
        return *this;
    }
    ~Dtype() { ndm_dtype_free(h_); }

    /// Bytes per element.
    int64_t itemsize() const { return ndm_dtype_itemsize(h_); }
    /// Alignment in bytes (NumPy's `dtype.alignment`).
    int64_t alignment() const { return ndm_dtype_alignment(h_); }
    /// NumPy's typestr ("<f8", "|V48" for records).
    std::string str() const { return text(ndm_dtype_str(h_)); }
    /// NumPy's `dtype.descr` as Python literal text (what a .npy header holds).
    std::string descr() const { return text(ndm_dtype_descr(h_)); }
    /// The NDM_KIND_* code.
    int32_t kind() const { return ndm_dtype_kind(h_); }
    /// The NDM_BYTEORDER_* code.
    int32_t byteorder() const { return ndm_dtype_byteorder(h_); }
    /// The same dtype with byte order `order` (NDM_BYTEORDER_SWAP swaps it).
    Dtype newbyteorder(int32_t order) const {
        return make([&](ndm_dtype **o) { return ndm_dtype_newbyteorder(h_, order, o); });
    }
    /// True when both describe the same elements.
    bool operator==(const Dtype &o) const { return ndm_dtype_equal(h_, o.h_) == 1; }
    bool operator!=(const Dtype &o) const { return !(*this == o); }
    /// NumPy's `can_cast(this, to, casting)`.
    bool can_cast_to(const Dtype &to, int32_t casting = NDM_CASTING_SAFE) const {
        bool r = false;
        check(ndm_can_cast(h_, to.h_, casting, &r));
        return r;
    }
    /// Number of record fields (0 for other dtypes).
    int64_t nfields() const { return ndm_dtype_nfields(h_); }
    /// True for a record laid out like a C struct (NumPy's `isalignedstruct`).
    bool is_aligned_struct() const { return ndm_dtype_is_aligned_struct(h_) == 1; }
    /// Field `index` (definition order).
    FieldInfo field(int64_t index) const;
    /// The index of the field called `name` (a name or a title), or nullopt when there is none.
    std::optional<int64_t> field_index(const std::string &name) const {
        int64_t i = ndm_dtype_field_index(h_, name.c_str());
        if (i >= 0) return i;
        check(ndm_last_status());  // a bad handle throws; no such field is not an error
        return std::nullopt;
    }
    ndm_dtype *handle() const noexcept { return h_; }
    /// Gives up ownership of the handle.
    ndm_dtype *release() noexcept { return std::exchange(h_, nullptr); }

private:
    template <class F> static Dtype make(F &&call) {
        ndm_dtype *out = nullptr;
        check(call(&out));
        return Dtype(out);
    }
    static std::string text(const char *p) {
        if (p == nullptr) check(ndm_last_status());
        return p;
    }

    ndm_dtype *h_;
};

struct FieldInfo {
    std::string name;
    std::optional<std::string> title;
    int64_t offset;
    /// Subarray axes (empty for a plain field).
    std::vector<int64_t> shape;
    /// Axes per nested subarray level, outermost first.
    std::vector<int32_t> levels;
    /// Bytes the field occupies.
    int64_t itemsize;
    /// The field's element dtype (a subarray's base).
    Dtype dtype;
};

inline FieldInfo Dtype::field(int64_t index) const {
    ndm_field_info f{};
    check(ndm_dtype_field(h_, index, &f));
    Dtype d = make([&](ndm_dtype **o) { return ndm_dtype_field_dtype(h_, index, o); });
    return FieldInfo{f.name,
                     f.title ? std::optional<std::string>(f.title) : std::nullopt,
                     f.offset,
                     f.ndim ? std::vector<int64_t>(f.shape, f.shape + f.ndim) : std::vector<int64_t>{},
                     f.nlevels ? std::vector<int32_t>(f.levels, f.levels + f.nlevels) : std::vector<int32_t>{},
                     f.itemsize,
                     std::move(d)};
}

template <class T> Dtype Dtype::of() { return from_kind(kind_of<T>::value); }

/// Builds a record dtype field by field (move-only handle).
class RecordBuilder {
public:
    RecordBuilder() { check(ndm_dtype_record_new(&h_)); }
    RecordBuilder(RecordBuilder &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    RecordBuilder &operator=(RecordBuilder &&o) noexcept {
        std::swap(h_, o.h_);
        return *this;
    }
    RecordBuilder(const RecordBuilder &) = delete;
    RecordBuilder &operator=(const RecordBuilder &) = delete;
    ~RecordBuilder() { ndm_dtype_record_free(h_); }
    /// Adds field `name` of `dtype` at byte `offset` (-1: after the previous field).
    RecordBuilder &add(const std::string &name, const Dtype &dtype, int64_t offset = -1) {
        check(ndm_dtype_record_add_field(h_, name.c_str(), dtype.handle(), offset));
        return *this;
    }
    /// Adds a subarray field of `shape` (and a title, when not empty). A name of its own: an
    /// `add(name, dtype, {3})` overload would read `{3}` as an offset.
    RecordBuilder &add_subarray(const std::string &name, const Dtype &dtype, const std::vector<int64_t> &shape,
                                int64_t offset = -1, const std::string &title = "") {
        check(ndm_dtype_record_add_field_ex(h_, name.c_str(), title.empty() ? nullptr : title.c_str(),
                                            dtype.handle(), static_cast<int32_t>(shape.size()),
                                            shape.data(), offset));
        return *this;
    }
    /// The record dtype: packed, or laid out like a C struct (`align`); `itemsize` 0: computed.
    Dtype finish(bool align = false, int64_t itemsize = 0) const {
        ndm_dtype *d = nullptr;
        check(ndm_dtype_record_finish(h_, align, itemsize, &d));
        return Dtype(d);
    }

private:
    ndm_record_builder *h_ = nullptr;
};

/// An mdspan-like view of elements of type T with signed byte strides: element (i, j, ...) is at
/// `data + i * stride[0] + j * stride[1] + ...` bytes. Reversed (negative) and broadcast (zero)
/// strides are allowed. It does not own memory: keep the Array it came from alive.
template <class T> class StridedView {
public:
    StridedView(T *data, std::vector<int64_t> extents, std::vector<int64_t> byte_strides)
        : data_(data), extents_(std::move(extents)), strides_(std::move(byte_strides)) {}
    std::size_t rank() const noexcept { return extents_.size(); }
    int64_t extent(std::size_t axis) const { return extents_.at(axis); }
    /// Stride of `axis` in bytes (may be negative or zero).
    int64_t stride_bytes(std::size_t axis) const { return strides_.at(axis); }
    /// Number of elements.
    int64_t size() const noexcept {
        int64_t n = 1;
        for (int64_t e : extents_) n *= e;
        return n;
    }
    /// The byte range [lo, hi) relative to data() that the elements occupy (empty: {0, 0}).
    /// Negative strides reach below data(): lo is then negative.
    std::pair<int64_t, int64_t> required_span_bytes() const noexcept {
        int64_t lo = 0, hi = static_cast<int64_t>(sizeof(T));
        for (std::size_t k = 0; k < extents_.size(); k++) {
            if (extents_[k] == 0) return {0, 0};
            int64_t reach = (extents_[k] - 1) * strides_[k];
            (reach < 0 ? lo : hi) += reach;
        }
        return {lo, hi};
    }
    T *data() const noexcept { return data_; }
    /// The element at `idx` (one index per axis, not bounds-checked; see at()).
    template <class... I> T &operator()(I... idx) const noexcept {
        const int64_t index[] = {static_cast<int64_t>(idx)..., 0};
        int64_t off = 0;
        for (std::size_t k = 0; k < sizeof...(I); k++) off += index[k] * strides_[k];
        return *reinterpret_cast<T *>(reinterpret_cast<char *>(data_) + off);
    }
    /// Bounds-checked element access (throws std::out_of_range).
    T &at(std::initializer_list<int64_t> idx) const {
        if (idx.size() != extents_.size()) throw std::out_of_range("ndmem: wrong number of indices");
        int64_t off = 0;
        std::size_t k = 0;
        for (int64_t i : idx) {
            if (i < 0 || i >= extents_[k]) throw std::out_of_range("ndmem: index out of range");
            off += i * strides_[k++];
        }
        return *reinterpret_cast<T *>(reinterpret_cast<char *>(data_) + off);
    }

private:
    T *data_;
    std::vector<int64_t> extents_, strides_;
};

/// The C++ types that act as NumPy's weak (Python) scalars next to an array: bool, integers,
/// floating point and std::complex.
template <class T> struct is_weak_scalar : std::is_arithmetic<T> {};
template <class T> struct is_weak_scalar<std::complex<T>> : std::true_type {};

class Array;

/// A DLPack tensor in hand (`DLManagedTensorVersioned`, or the unversioned `DLManagedTensor`
/// of DLPack before 1.0): move-only; calls the tensor's deleter when destroyed, unless
/// `release()` handed it to a consumer (which then calls the deleter, once).
template <class M> class DLPackTensor {
public:
    explicit DLPackTensor(M *tensor = nullptr) noexcept : t_(tensor) {}
    DLPackTensor(DLPackTensor &&o) noexcept : t_(std::exchange(o.t_, nullptr)) {}
    DLPackTensor &operator=(DLPackTensor &&o) noexcept {
        std::swap(t_, o.t_);
        return *this;
    }
    DLPackTensor(const DLPackTensor &) = delete;
    DLPackTensor &operator=(const DLPackTensor &) = delete;
    ~DLPackTensor() {
        if (t_ != nullptr && t_->deleter != nullptr) t_->deleter(t_);
    }
    M *get() const noexcept { return t_; }
    M *operator->() const noexcept { return t_; }
    /// Gives the tensor up (to a consumer, who must call its deleter once).
    M *release() noexcept { return std::exchange(t_, nullptr); }

private:
    M *t_;
};
using DLPack = DLPackTensor<DLManagedTensorVersioned>;
using DLPackUnversioned = DLPackTensor<DLManagedTensor>;

/// Optional ufunc arguments (NumPy's `casting=`, `dtype=`, `where=`); the defaults are NumPy's.
/// Reductions cast with 'unsafe' whatever `casting` says, as NumPy's do.
struct Options {
    int32_t casting = NDM_CASTING_SAME_KIND;
    const Dtype *dtype = nullptr;
    const Array *where = nullptr;
};

/// An n-dimensional array handle (move-only). Views share memory with their source.
class Array {
public:
    /// Adopts a handle (freed by the destructor).
    explicit Array(ndm_array *handle) noexcept : h_(handle) {}
    Array(Array &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    Array &operator=(Array &&o) noexcept {
        std::swap(h_, o.h_);
        return *this;
    }
    Array(const Array &) = delete;
    Array &operator=(const Array &) = delete;
    ~Array() { ndm_array_free(h_); }

    // --- creation ---
    /// A new uninitialised array (order NDM_ORDER_C or NDM_ORDER_F).
    static Array empty(const std::vector<int64_t> &shape, const Dtype &dtype, int32_t order = NDM_ORDER_C) {
        return make([&](ndm_array **o) { return ndm_empty(dtype.handle(), rank(shape), shape.data(), order, o); });
    }
    /// A new array of zeros.
    static Array zeros(const std::vector<int64_t> &shape, const Dtype &dtype, int32_t order = NDM_ORDER_C) {
        return make([&](ndm_array **o) { return ndm_zeros(dtype.handle(), rank(shape), shape.data(), order, o); });
    }
    /// A new array of `value` (its C++ type gives the dtype).
    template <class T>
    static Array full(const std::vector<int64_t> &shape, T value, int32_t order = NDM_ORDER_C) {
        return full(shape, Dtype::of<T>(), &value, order);
    }
    /// A new array of `dtype` filled with the one element at `element` (bytes in `dtype`'s layout,
    /// e.g. a record struct).
    static Array full(const std::vector<int64_t> &shape, const Dtype &dtype, const void *element,
                      int32_t order = NDM_ORDER_C) {
        return make([&](ndm_array **o) {
            return ndm_full(dtype.handle(), rank(shape), shape.data(), order, element, o);
        });
    }
    /// NumPy's `arange(start, stop, step, dtype)`.
    static Array arange(double start, double stop, double step, const Dtype &dtype) {
        return make([&](ndm_array **o) { return ndm_arange(start, stop, step, dtype.handle(), o); });
    }
    /// Wraps `count`-element memory at `data` with `shape` (C order, or the given byte strides)
    /// with no copy; read-only when T is const. The caller keeps the memory alive while the
    /// array and its views live.
    template <class T>
    static Array wrap(T *data, std::size_t count, const std::vector<int64_t> &shape,
                      const std::vector<int64_t> &byte_strides = {}, bool writeable = !std::is_const_v<T>) {
        return wrap(const_cast<void *>(static_cast<const void *>(data)), count * sizeof(T),
                    Dtype::of<std::remove_const_t<T>>(), shape, byte_strides, writeable && !std::is_const_v<T>);
    }
    /// Wraps `bytes` bytes at `data` as elements of any `dtype` (records included) with no copy;
    /// element 0 at byte `offset`. The caller keeps the memory alive.
    static Array wrap(void *data, std::size_t bytes, const Dtype &dtype, const std::vector<int64_t> &shape,
                      const std::vector<int64_t> &byte_strides = {}, bool writeable = true, int64_t offset = 0) {
        return make([&](ndm_array **o) {
            return ndm_from_ptr(data, bytes, offset, dtype.handle(), rank(shape), shape.data(),
                                byte_strides.empty() ? nullptr : byte_strides.data(),
                                writeable ? NDM_FLAG_WRITEABLE : 0, nullptr, nullptr, o);
        });
    }
    /// Wraps a std::vector as a 1-D array (or with `shape`) with no copy. Do not resize the
    /// vector while the array lives: that moves its memory.
    template <class T> static Array wrap(std::vector<T> &v, std::vector<int64_t> shape = {}) {
        if (shape.empty()) shape = {static_cast<int64_t>(v.size())};
        return wrap(nonnull(v.data()), v.size(), shape);
    }
    /// Wraps a const std::vector read-only, with no copy.
    template <class T> static Array wrap(const std::vector<T> &v, std::vector<int64_t> shape = {}) {
        if (shape.empty()) shape = {static_cast<int64_t>(v.size())};
        return wrap(nonnull(v.data()), v.size(), shape);
    }
    /// Wraps a std::vector of structs as a 1-D record array of `record` (whose itemsize must be
    /// sizeof(S): build it with `align` true to match the compiler's layout) with no copy.
    template <class S> static Array wrap(std::vector<S> &v, const Dtype &record) {
        static_assert(std::is_trivially_copyable_v<S>, "ndmem: wrap needs trivially copyable structs");
        if (record.itemsize() != static_cast<int64_t>(sizeof(S)))
            fail(NDM_ERR_DTYPE, "ndmem: the record dtype's itemsize " + std::to_string(record.itemsize()) +
                                           " is not sizeof the struct (" + std::to_string(sizeof(S)) + ")");
        return wrap(static_cast<void *>(nonnull(v.data())), v.size() * sizeof(S), record,
                    {static_cast<int64_t>(v.size())});
    }
    /// Moves `v` into a new 1-D array (or one of `shape`) with no copy of its elements; the
    /// vector is freed when the last array over it is freed. If this throws, `v` is unchanged.
    template <class T> static Array adopt(std::vector<T> &&v, std::vector<int64_t> shape = {}) {
        if (shape.empty()) shape = {static_cast<int64_t>(v.size())};
        Dtype d = Dtype::of<T>();
        auto owner = std::make_unique<std::vector<T>>(std::move(v));
        ndm_array *out = nullptr;
        ndm_status s = ndm_from_ptr(nonnull(owner->data()), owner->size() * sizeof(T), 0, d.handle(), rank(shape),
                                    shape.data(), nullptr, NDM_FLAG_WRITEABLE, &release_vector<T>, owner.get(), &out);
        if (s != NDM_OK) {
            v = std::move(*owner);  // ndm_from_ptr failed: the elements go back to the caller
            check(s);
        }
        owner.release();  // the array's now: release_vector frees it
        return Array(out);
    }

    // --- DLPack ---
    /// The array as a DLPack 1.x tensor over the same memory (`copy`: a C-contiguous copy in
    /// the native byte order, marked IS_COPIED); keeps the memory alive until the tensor's
    /// deleter runs. Throws (NDM_ERR_EXCHANGE) for what DLPack cannot describe.
    DLPack to_dlpack(bool copy = false) const {
        DLManagedTensorVersioned *t = nullptr;
        check(ndm_to_dlpack(h_, copy ? NDM_DLPACK_COPY : 0, &t));
        return DLPack(t);
    }
    /// As `to_dlpack`, for consumers of DLPack before 1.0 (a read-only array throws: that
    /// struct cannot say so).
    DLPackUnversioned to_dlpack_unversioned(bool copy = false) const {
        DLManagedTensor *t = nullptr;
        check(ndm_to_dlpack_unversioned(h_, copy ? NDM_DLPACK_COPY : 0, &t));
        return DLPackUnversioned(t);
    }
    /// Another library's tensor as an array, without a copy. On success the array owns the
    /// tensor (its deleter runs once, at the latest when the last view goes); on failure this throws and the
    /// tensor stays in `t`. An unversioned tensor gives a read-only array (as in NumPy).
    template <class M> static Array from_dlpack(DLPackTensor<M> &&t) {
        ndm_array *out = nullptr;
        if constexpr (std::is_same_v<M, DLManagedTensorVersioned>) {
            check(ndm_from_dlpack_versioned(t.get(), &out));
        } else {
            check(ndm_from_dlpack(t.get(), &out));
        }
        t.release();
        return Array(out);
    }

    // --- files ---
    /// Reads a .npy file; headers longer than `max_header_size` are refused (NumPy's default
    /// 10,000; pass INT64_MAX for a trusted file).
    static Array load(const std::string &path, int64_t max_header_size = NDM_NPY_MAX_HEADER_SIZE) {
        return make([&](ndm_array **o) { return ndm_load_npy_ex(path.c_str(), max_header_size, o); });
    }
    /// Maps an existing .npy file: mode "r" (read-only), "r+" (writes reach the file) or "c"
    /// (copy-on-write).
    static Array open_memmap(const std::string &path, const std::string &mode = "r",
                             int64_t max_header_size = NDM_NPY_MAX_HEADER_SIZE) {
        return make([&](ndm_array **o) {
            return ndm_open_memmap_ex(path.c_str(), mode.c_str(), nullptr, 0, nullptr, false, 0, max_header_size, o);
        });
    }
    /// Creates (or truncates) a .npy file for `dtype` and `shape` and maps it read-write ("w+").
    static Array create_memmap(const std::string &path, const Dtype &dtype, const std::vector<int64_t> &shape,
                               bool fortran_order = false, int32_t version = 0) {
        return make([&](ndm_array **o) {
            return ndm_open_memmap(path.c_str(), "w+", dtype.handle(), rank(shape), shape.data(), fortran_order,
                                   version, o);
        });
    }
    /// NumPy's `np.memmap`: the raw bytes of a file from `offset` as `dtype`; an empty `shape`
    /// means every whole element after `offset` (1-D).
    static Array memmap_raw(const std::string &path, const Dtype &dtype, const std::string &mode = "r",
                            int64_t offset = 0, const std::vector<int64_t> &shape = {},
                            int32_t order = NDM_ORDER_C) {
        return make([&](ndm_array **o) {
            return ndm_memmap_raw(path.c_str(), dtype.handle(), mode.c_str(), offset,
                                  shape.empty() ? -1 : rank(shape), shape.data(), order, o);
        });
    }
    /// Writes a .npy file exactly as NumPy would (`version` 0: the lowest that fits); returns the
    /// format version written.
    int32_t save(const std::string &path, int32_t version = 0) const {
        int32_t used = 0;
        check(ndm_save_npy(path.c_str(), h_, version, &used));
        return used;
    }
    /// Writes a memory map's changed pages back to its file (msync).
    void flush() const { check(ndm_flush(h_)); }
    /// Drops a memory map's pages under this array from resident memory (values unchanged).
    void release_pages() const { check(ndm_release_pages(h_)); }
    /// The map's mode (NDM_MMAP_*) and the file offset of element 0, or nullopt when this array is
    /// not memory-mapped.
    std::optional<ndm_map_info> map_info() const {
        ndm_map_info info{};
        ndm_status s = ndm_memmap_info(h_, &info);
        if (s == NDM_ERR_INVALID_ARG) return std::nullopt;
        check(s);
        return info;
    }

    // --- facts ---
    // Getters throw ndmem::Error (NDM_ERR_NULL_ARG for a moved-from Array, NDM_ERR_BAD_HANDLE
    // for a handle freed behind the wrapper's back) instead of returning the C fallbacks.
    int32_t ndim() const { return live(ndm_ndim(h_)); }
    int64_t size() const { return live(ndm_size(h_)); }
    int64_t itemsize() const { return live(ndm_itemsize(h_)); }
    int64_t nbytes() const { return live(ndm_nbytes(h_)); }
    std::vector<int64_t> shape() const {
        int32_t n = ndim();
        return {ndm_shape(h_), ndm_shape(h_) + n};
    }
    /// Byte strides (may be negative or zero).
    std::vector<int64_t> strides() const {
        int32_t n = ndim();
        return {ndm_strides(h_), ndm_strides(h_) + n};
    }
    uint32_t flags() const { return (void)ndim(), ndm_flags(h_); }
    bool c_contiguous() const { return flags() & NDM_FLAG_C_CONTIGUOUS; }
    bool f_contiguous() const { return flags() & NDM_FLAG_F_CONTIGUOUS; }
    bool writeable() const { return flags() & NDM_FLAG_WRITEABLE; }
    void *data() const { return (void)ndim(), ndm_data(h_); }
    Dtype dtype() const {
        ndm_dtype *d = nullptr;
        check(ndm_array_dtype(h_, &d));
        return Dtype(d);
    }
    /// The array this one is a view of (NumPy's `.base`), or nullopt.
    std::optional<Array> base() const {
        ndm_array *b = nullptr;
        check(ndm_base(h_, &b));
        if (b == nullptr) return std::nullopt;
        return Array(b);
    }
    /// The whole buffer behind the array: its first byte and length.
    std::pair<void *, std::size_t> buffer_range() const {
        void *start = nullptr;
        std::size_t len = 0;
        check(ndm_buffer_range(h_, &start, &len));
        return {start, len};
    }
    /// Whether some element of this array is at the same address as another (NDM_OVERLAP_NO,
    /// _YES or _TOO_HARD after `max_work` steps; -1: unlimited).
    int32_t is_self_overlapping(int64_t max_work = -1) const {
        int32_t r = 0;
        check(ndm_is_self_overlapping(h_, max_work, &r));
        return r;
    }
    ndm_array *handle() const noexcept { return h_; }

    /// The elements as a contiguous span: **C-contiguous arrays only** (throws otherwise, and
    /// unless the elements are T). Use strided<T>() for any layout.
    template <class T> Span<T> span() const {
        require<T>();
        if (!c_contiguous()) fail(NDM_ERR_INVALID_ARG, "ndmem: span() needs a C-contiguous array");
        return Span<T>(static_cast<T *>(data()), static_cast<std::size_t>(size()));
    }
    /// A strided view of the elements as T: every layout (reversed, broadcast, transposed);
    /// throws unless the elements are T.
    template <class T> StridedView<T> strided() const {
        require<T>();
        return StridedView<T>(static_cast<T *>(data()), shape(), strides());
    }
    /// Element at `index` (negative entries count from the end), converted to T.
    template <class T> T get(std::initializer_list<int64_t> index) const {
        T v{};
        check(ndm_get_item(h_, index.begin(), static_cast<int32_t>(index.size()), kind_of<T>::value, &v));
        return v;
    }
    /// Sets the element at `index` to `v` (converted to the array's dtype).
    template <class T> void set(std::initializer_list<int64_t> index, T v) const {
        check(ndm_set_item(h_, index.begin(), static_cast<int32_t>(index.size()), kind_of<T>::value, &v));
    }

    // --- views (no copy) ---
    /// A second handle to the same memory and layout.
    Array view() const {
        return make([&](ndm_array **o) { return ndm_index(h_, nullptr, 0, o); });
    }
    /// The same array as a new handle with WRITEABLE cleared or set (NumPy's
    /// `flags.writeable = ...`; setting fails for memory that was made read-only).
    Array with_writeable(bool writeable) const {
        return make([&](ndm_array **o) { return ndm_with_writeable(h_, writeable, o); });
    }
    /// NumPy's `ndarray(shape, dtype, buffer=a, offset=, strides=)`: this array's buffer read as
    /// `d` from byte `offset` of the buffer, checked to stay inside it (no strides: C order).
    Array view_buffer(const Dtype &d, int64_t offset, const std::vector<int64_t> &shape,
                      const std::vector<int64_t> &strides = {}, bool writeable = true) const {
        return make([&](ndm_array **o) {
            return ndm_view_buffer(h_, d.handle(), offset, rank(shape), shape.data(),
                                   strides.empty() ? nullptr : strides.data(), writeable, o);
        });
    }
    /// `a.view(dtype)`: the same bytes read as `d` (the last axis rescales for another itemsize).
    Array view_as(const Dtype &d) const {
        return make([&](ndm_array **o) { return ndm_view_dtype(h_, d.handle(), o); });
    }
    /// `a[start:stop:step]` along the first axis.
    Array slice(int64_t start, int64_t stop, int64_t step = 1) const { return index({Index::slice(start, stop, step)}); }
    /// NumPy's basic indexing: `a.index({Index::at(1), Index::all(-1), Index::newaxis()})`.
    Array index(const std::vector<ndm_index_item> &items) const {
        return make([&](ndm_array **o) {
            return ndm_index(h_, items.data(), static_cast<int32_t>(items.size()), o);
        });
    }
    /// Reversed axes (NumPy's `a.T`).
    Array transpose() const { return transpose_(nullptr, NDM_ALL_AXES); }
    /// The permutation `axes` (exactly one entry per axis).
    Array transpose(const std::vector<int64_t> &axes) const { return transpose_(axes.data(), rank(axes)); }
    Array swapaxes(int64_t axis1, int64_t axis2) const {
        return make([&](ndm_array **o) { return ndm_swapaxes(h_, axis1, axis2, o); });
    }
    Array moveaxis(const std::vector<int64_t> &source, const std::vector<int64_t> &destination) const {
        if (source.size() != destination.size())
            fail(NDM_ERR_INVALID_ARG, "ndmem: moveaxis needs as many destinations as sources");
        return make([&](ndm_array **o) { return ndm_moveaxis(h_, source.data(), destination.data(), rank(source), o); });
    }
    /// Without the listed length-1 axes (all_axes: every length-1 axis).
    Array squeeze(const Axes &axes = all_axes) const {
        return make([&](ndm_array **o) { return ndm_squeeze(h_, axes.data(), axes.count(), o); });
    }
    /// With new length-1 axes at `axes` (positions in the result).
    Array expand_dims(const std::vector<int64_t> &axes) const {
        return make([&](ndm_array **o) { return ndm_expand_dims(h_, axes.data(), rank(axes), o); });
    }
    /// The (read-only) diagonal as the last axis.
    Array diagonal(int64_t offset = 0, int64_t axis1 = 0, int64_t axis2 = 1) const {
        return make([&](ndm_array **o) { return ndm_diagonal(h_, offset, axis1, axis2, o); });
    }
    /// A reshaped view; by default throws (NDM_ERR_COPY_REQUIRED) when the strides do not allow
    /// one (`copy_mode` NDM_COPY_IF_NEEDED copies instead, like NumPy's reshape).
    Array reshape(const std::vector<int64_t> &shape, int32_t order = NDM_ORDER_C,
                  int32_t copy_mode = NDM_COPY_NEVER) const {
        return make([&](ndm_array **o) { return ndm_reshape(h_, rank(shape), shape.data(), order, copy_mode, o); });
    }
    /// NumPy's `ravel`: a 1-D view when possible, else a copy.
    Array ravel(int32_t order = NDM_ORDER_C) const {
        return make([&](ndm_array **o) { return ndm_ravel(h_, order, o); });
    }
    /// A read-only view of `shape` with stride 0 on stretched axes.
    Array broadcast_to(const std::vector<int64_t> &shape) const {
        return make([&](ndm_array **o) { return ndm_broadcast_to(h_, rank(shape), shape.data(), o); });
    }
    /// A checked `as_strided` over the same buffer (read-only unless `writeable`; writeable views
    /// whose elements overlap are refused).
    Array as_strided(const std::vector<int64_t> &shape, const std::vector<int64_t> &byte_strides,
                     bool writeable = false) const {
        if (shape.size() != byte_strides.size())
            fail(NDM_ERR_INVALID_ARG, "ndmem: as_strided needs one stride per axis");
        return make([&](ndm_array **o) {
            return ndm_as_strided(h_, rank(shape), shape.data(), byte_strides.data(), writeable, o);
        });
    }
    /// NumPy's `sliding_window_view(a, window, axis)`: window lengths for `axes`, or one per axis
    /// when `axes` is all_axes. Read-only unless `writeable` (overlapping writeable windows are
    /// refused).
    Array sliding_window_view(const std::vector<int64_t> &window, const Axes &axes = all_axes,
                              bool writeable = false) const {
        if (axes.count() != NDM_ALL_AXES && axes.count() != rank(window))
            fail(NDM_ERR_INVALID_ARG, "ndmem: sliding_window_view needs one window length per axis");
        return make([&](ndm_array **o) {
            return ndm_sliding_window_view(h_, rank(window), window.data(), axes.data(), writeable, o);
        });
    }
    /// The view of one record field.
    Array field(const std::string &name) const {
        return make([&](ndm_array **o) { return ndm_field(h_, name.c_str(), o); });
    }
    /// A view with just these fields, at their original offsets (NumPy's `a[['x', 'y']]`).
    Array fields(const std::vector<std::string> &names) const {
        std::vector<const char *> c;
        for (const std::string &n : names) c.push_back(n.c_str());
        return make([&](ndm_array **o) { return ndm_fields(h_, c.data(), static_cast<int64_t>(c.size()), o); });
    }

    // --- copies ---
    Array copy(int32_t order = NDM_ORDER_C) const {
        return make([&](ndm_array **o) { return ndm_copy(h_, order, o); });
    }
    /// NumPy's `empty_like` (`zeroed`: `zeros_like`): a new array of this shape, laid out in
    /// `order` relative to this one (NDM_ORDER_K: its stride order), of its dtype or `d`.
    Array empty_like(int32_t order = NDM_ORDER_K, bool zeroed = false) const {
        return make([&](ndm_array **o) { return ndm_empty_like(h_, nullptr, order, zeroed, o); });
    }
    Array empty_like(const Dtype &d, int32_t order = NDM_ORDER_K, bool zeroed = false) const {
        return make([&](ndm_array **o) { return ndm_empty_like(h_, d.handle(), order, zeroed, o); });
    }
    Array astype(const Dtype &d, int32_t casting = NDM_CASTING_UNSAFE, int32_t order = NDM_ORDER_K,
                 int32_t copy_mode = NDM_COPY_ALWAYS) const {
        return make([&](ndm_array **o) { return ndm_astype(h_, d.handle(), casting, order, copy_mode, o); });
    }
    /// NumPy's `copyto(*this, src, casting)`: src broadcast into this array (overlap handled).
    void assign(const Array &src, int32_t casting = NDM_CASTING_SAME_KIND) const {
        check(ndm_copyto(h_, src.h_, casting));
    }
    Array flatten(int32_t order = NDM_ORDER_C) const {
        return make([&](ndm_array **o) { return ndm_flatten(h_, order, o); });
    }
    /// This array if C-contiguous (a new handle), else a C-ordered copy.
    Array ascontiguousarray() const {
        return make([&](ndm_array **o) { return ndm_ascontiguousarray(h_, o); });
    }
    /// This array if F-contiguous (a new handle), else an F-ordered copy.
    Array asfortranarray() const {
        return make([&](ndm_array **o) { return ndm_asfortranarray(h_, o); });
    }
    /// The fields packed with no padding (NumPy's `repack_fields`); a copy.
    Array repack() const {
        return make([&](ndm_array **o) { return ndm_repack(h_, o); });
    }
    /// A copy with every number's bytes reversed (the dtype unchanged).
    Array byteswap() const {
        return make([&](ndm_array **o) { return ndm_byteswap(h_, false, o); });
    }
    /// Reverses every number's bytes in place.
    void byteswap_in_place() const { check(ndm_byteswap(h_, true, nullptr)); }
    /// `np.take(a, indices, axis)` (no axis: of the flattened array).
    Array take(const Array &indices, std::optional<int64_t> axis = std::nullopt) const {
        return make([&](ndm_array **o) { return ndm_take(h_, indices.h_, axis ? &*axis : nullptr, o); });
    }
    /// `np.compress(condition, a, axis)` (no axis: of the flattened array).
    Array compress(const Array &condition, std::optional<int64_t> axis = std::nullopt) const {
        return make([&](ndm_array **o) { return ndm_compress(h_, condition.h_, axis ? &*axis : nullptr, o); });
    }

    // --- ufuncs ---
    /// op(*this, b) (an NDM_* binary op code) into `out` (in place when out is *this), or a new
    /// array when `out` is null; the result is `out` (a new handle) when given.
    Array binary(int32_t op, const Array &b, const Array *out = nullptr, const Options &opts = {}) const {
        ndm_ufunc_opts o = c_options(opts);
        return make([&](ndm_array **r) { return ndm_ufunc_binary(op, h_, b.h_, handle_of(out), &o, r); });
    }
    /// op(*this, b) written into `out`; no handle is made (the cheapest call).
    void binary_into(int32_t op, const Array &b, const Array &out, const Options &opts = {}) const {
        ndm_ufunc_opts o = c_options(opts);
        check(ndm_ufunc_binary(op, h_, b.h_, out.h_, &o, nullptr));
    }
    /// op(*this) for a unary NDM_* op code (negative, sqrt, exp, sin, ...).
    Array unary(int32_t op, const Array *out = nullptr, const Options &opts = {}) const {
        ndm_ufunc_opts o = c_options(opts);
        return make([&](ndm_array **r) { return ndm_ufunc_unary(op, h_, handle_of(out), &o, r); });
    }
    /// op(*this) written into `out`; no handle is made.
    void unary_into(int32_t op, const Array &out, const Options &opts = {}) const {
        ndm_ufunc_opts o = c_options(opts);
        check(ndm_ufunc_unary(op, h_, out.h_, &o, nullptr));
    }
    /// op(*this, s) (op(s, *this) with `scalar_first`) with `s` a weak scalar, as NumPy 2 treats a
    /// Python scalar (NEP 50): bool, any integer type (an integer: `int64 array += 1` stays
    /// int64), float or double (a float), std::complex (a complex). The array's dtype decides.
    template <class T, class = std::enable_if_t<is_weak_scalar<T>::value>>
    Array scalar(int32_t op, T s, const Array *out = nullptr, bool scalar_first = false,
                 const Options &opts = {}) const {
        ndm_scalar v = weak_scalar(s);
        ndm_ufunc_opts o = c_options(opts);
        return make([&](ndm_array **r) { return ndm_ufunc_scalar(op, h_, &v, scalar_first, handle_of(out), &o, r); });
    }
    Array &operator+=(const Array &b) { return inplace(NDM_ADD, b); }
    Array &operator-=(const Array &b) { return inplace(NDM_SUBTRACT, b); }
    Array &operator*=(const Array &b) { return inplace(NDM_MULTIPLY, b); }
    Array &operator/=(const Array &b) { return inplace(NDM_TRUE_DIVIDE, b); }
    template <class T, class = std::enable_if_t<is_weak_scalar<T>::value>>
    Array &operator+=(T s) { return inplace_scalar(NDM_ADD, s); }
    template <class T, class = std::enable_if_t<is_weak_scalar<T>::value>>
    Array &operator-=(T s) { return inplace_scalar(NDM_SUBTRACT, s); }
    template <class T, class = std::enable_if_t<is_weak_scalar<T>::value>>
    Array &operator*=(T s) { return inplace_scalar(NDM_MULTIPLY, s); }
    template <class T, class = std::enable_if_t<is_weak_scalar<T>::value>>
    Array &operator/=(T s) { return inplace_scalar(NDM_TRUE_DIVIDE, s); }
    friend Array operator+(const Array &a, const Array &b) { return a.binary(NDM_ADD, b); }
    friend Array operator-(const Array &a, const Array &b) { return a.binary(NDM_SUBTRACT, b); }
    friend Array operator*(const Array &a, const Array &b) { return a.binary(NDM_MULTIPLY, b); }
    friend Array operator/(const Array &a, const Array &b) { return a.binary(NDM_TRUE_DIVIDE, b); }
    friend Array operator-(const Array &a) { return a.unary(NDM_NEGATIVE); }
#define NDMEM_SCALAR_OPERATOR(SYM, OP)                                                          \
    template <class T, class = std::enable_if_t<is_weak_scalar<T>::value>>                     \
    friend Array operator SYM(const Array &a, T s) { return a.scalar(OP, s); }                 \
    template <class T, class = std::enable_if_t<is_weak_scalar<T>::value>>                     \
    friend Array operator SYM(T s, const Array &a) { return a.scalar(OP, s, nullptr, true); }
    NDMEM_SCALAR_OPERATOR(+, NDM_ADD)
    NDMEM_SCALAR_OPERATOR(-, NDM_SUBTRACT)
    NDMEM_SCALAR_OPERATOR(*, NDM_MULTIPLY)
    NDMEM_SCALAR_OPERATOR(/, NDM_TRUE_DIVIDE)
#undef NDMEM_SCALAR_OPERATOR

    // --- reductions ---
    /// `op.reduce(a, axis=axes, keepdims=, out=, dtype=, where=)` for NDM_ADD (sum), NDM_MULTIPLY
    /// (prod), NDM_MAXIMUM, NDM_MINIMUM, NDM_LOGICAL_AND (all), NDM_LOGICAL_OR (any) or NDM_MEAN.
    /// A full reduction without keepdims is a 0-d array.
    Array reduce(int32_t op, const Axes &axes = all_axes, bool keepdims = false, const Array *out = nullptr,
                 const Options &opts = {}) const {
        ndm_ufunc_opts o = c_options(opts);
        return make([&](ndm_array **r) {
            return ndm_reduce(op, h_, axes.data(), axes.count(), keepdims, handle_of(out), &o, r);
        });
    }
    /// The reduction written into `out`; no handle is made.
    void reduce_into(int32_t op, const Array &out, const Axes &axes = all_axes, bool keepdims = false,
                     const Options &opts = {}) const {
        ndm_ufunc_opts o = c_options(opts);
        check(ndm_reduce(op, h_, axes.data(), axes.count(), keepdims, out.h_, &o, nullptr));
    }
    Array sum(const Axes &axes, bool keepdims = false) const { return reduce(NDM_ADD, axes, keepdims); }
    Array prod(const Axes &axes, bool keepdims = false) const { return reduce(NDM_MULTIPLY, axes, keepdims); }
    Array mean(const Axes &axes, bool keepdims = false) const { return reduce(NDM_MEAN, axes, keepdims); }
    Array min(const Axes &axes, bool keepdims = false) const { return reduce(NDM_MINIMUM, axes, keepdims); }
    Array max(const Axes &axes, bool keepdims = false) const { return reduce(NDM_MAXIMUM, axes, keepdims); }
    Array all(const Axes &axes, bool keepdims = false) const { return reduce(NDM_LOGICAL_AND, axes, keepdims); }
    Array any(const Axes &axes, bool keepdims = false) const { return reduce(NDM_LOGICAL_OR, axes, keepdims); }
    /// Sum of all elements as double (NumPy's pairwise order for floats).
    double sum() const { return reduce(NDM_ADD).get<double>({}); }
    /// Mean of all elements as double.
    double mean() const { return reduce(NDM_MEAN).get<double>({}); }
    /// Smallest element as double (NaN if any is NaN).
    double min() const { return reduce(NDM_MINIMUM).get<double>({}); }
    /// Largest element as double (NaN if any is NaN).
    double max() const { return reduce(NDM_MAXIMUM).get<double>({}); }

private:
    template <class F> static Array make(F &&call) {
        ndm_array *out = nullptr;
        check(call(&out));
        return Array(out);
    }
    template <class N> N live(N n) const {
        if (n < 0) throw Error(h_ ? NDM_ERR_BAD_HANDLE : NDM_ERR_NULL_ARG, ndm_last_error());
        return n;
    }
    static int32_t rank(const std::vector<int64_t> &shape) { return static_cast<int32_t>(shape.size()); }
    /// An empty vector's data() may be NULL, which ndm_from_ptr refuses; zero bytes at any
    /// valid address serve.
    template <class T> static T *nonnull(T *p) noexcept {
        alignas(64) static unsigned char none[64];
        return p ? p : reinterpret_cast<T *>(none);
    }
    static ndm_array *handle_of(const Array *a) noexcept { return a ? a->h_ : nullptr; }
    static ndm_ufunc_opts c_options(const Options &o) noexcept {
        return {o.casting, o.dtype ? o.dtype->handle() : nullptr, handle_of(o.where)};
    }
    template <class T> static void release_vector(void *, void *ctx) { delete static_cast<std::vector<T> *>(ctx); }
    Array transpose_(const int64_t *axes, int32_t naxes) const {
        return make([&](ndm_array **o) { return ndm_transpose(h_, axes, naxes, o); });
    }
    template <class T> void require() const {
        if (dtype().kind() != kind_of<T>::value || dtype().itemsize() != static_cast<int64_t>(sizeof(T)))
            fail(NDM_ERR_DTYPE, "ndmem: the array's elements are " + dtype().str() +
                                           ", not the requested C++ type");
    }
    Array &inplace(int32_t op, const Array &b) {
        binary_into(op, b, *this);
        return *this;
    }
    template <class T> Array &inplace_scalar(int32_t op, T s) {
        ndm_scalar v = weak_scalar(s);
        check(ndm_ufunc_scalar(op, h_, &v, false, h_, nullptr, nullptr));
        return *this;
    }
    template <class T> static ndm_scalar weak_scalar(T s) {
        if constexpr (std::is_same_v<T, bool>) {
            return {NDM_SCALAR_BOOL, s ? 1 : 0, 0.0, 0.0};
        } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
            return {NDM_SCALAR_INT, static_cast<int64_t>(s), 0.0, 0.0};
        } else if constexpr (std::is_integral_v<T>) {
            uint64_t u = s;  // above INT64_MAX: the uint64 bit pattern, as the C API takes it
            return {u > static_cast<uint64_t>(INT64_MAX) ? NDM_SCALAR_UINT : NDM_SCALAR_INT,
                    static_cast<int64_t>(u), 0.0, 0.0};
        } else if constexpr (std::is_floating_point_v<T>) {
            return {NDM_SCALAR_FLOAT, 0, static_cast<double>(s), 0.0};
        } else {
            return {NDM_SCALAR_COMPLEX, 0, static_cast<double>(s.real()), static_cast<double>(s.imag())};
        }
    }

    ndm_array *h_;
};

/// A growable array (move-only): rows appended along axis 0 (C order) or the last axis (F
/// order) in amortised O(row size), in memory or at the end of an .npy file. Unlike a
/// std::vector's iterators, arrays taken with view() never dangle: each keeps the memory it
/// views, with the rows it was made with (ndm_growable_view says exactly what it sees later).
/// push_back is inline: a store into room from ndm_append_space, committed before any other
/// call. Not thread-safe, like std::vector.
class Growable {
public:
    /// Adopts a handle (freed, and a file flushed, by the destructor).
    explicit Growable(ndm_growable *handle)
        : h_(handle), row_bytes_(ndm_growable_row_bytes(handle)), kind_(kind_of_rows(handle)) {}
    Growable(Growable &&o) noexcept
        : h_(std::exchange(o.h_, nullptr)), row_bytes_(o.row_bytes_), kind_(o.kind_),
          next_(std::exchange(o.next_, nullptr)), end_(std::exchange(o.end_, nullptr)),
          pending_(std::exchange(o.pending_, 0)) {}
    Growable &operator=(Growable &&o) noexcept {
        std::swap(h_, o.h_);
        std::swap(row_bytes_, o.row_bytes_);
        std::swap(kind_, o.kind_);
        std::swap(next_, o.next_);
        std::swap(end_, o.end_);
        std::swap(pending_, o.pending_);
        return *this;
    }
    Growable(const Growable &) = delete;
    Growable &operator=(const Growable &) = delete;
    /// Commits pushed rows and frees the growable; a failure is lost here: call close() to see it.
    ~Growable() {
        if (pending_) ndm_append_commit(h_, pending_);
        ndm_growable_free(h_);
    }

    /// A growable array of `shape` in memory (its growing axis holds the initial, uninitialised
    /// rows, usually 0) with room for `capacity` rows.
    static Growable empty(const std::vector<int64_t> &shape, const Dtype &dtype, int64_t capacity = 0,
                          int32_t order = NDM_ORDER_C) {
        ndm_growable *out = nullptr;
        check(ndm_empty_growable(dtype.handle(), static_cast<int32_t>(shape.size()), shape.data(), capacity,
                                 order, &out));
        return Growable(out);
    }
    /// Opens an .npy file for appending (ndm_open_append): a missing file is created with rows of
    /// `row_shape` and `dtype`; an existing one must match where they are given.
    static Growable open_append(const std::string &path, const Dtype *dtype = nullptr,
                                const std::vector<int64_t> *row_shape = nullptr, int32_t order = NDM_ORDER_A) {
        ndm_growable *out = nullptr;
        check(ndm_open_append(path.c_str(), dtype ? dtype->handle() : nullptr,
                              row_shape ? static_cast<int32_t>(row_shape->size()) : -1,
                              row_shape ? row_shape->data() : nullptr, order, &out));
        return Growable(out);
    }

    /// Appends one row of one element (a growable of T with no row axes, e.g. made with
    /// shape {0}; T a number of the array's dtype, or a struct of a record row's size): an
    /// inline store, about a nanosecond.
    template <class T> void push_back(const T &value) {
        static_assert(std::is_trivially_copyable_v<T>, "ndmem: push_back needs a trivially copyable type");
        if (sizeof(T) != static_cast<std::size_t>(row_bytes_) || (has_kind<T>::value && kind_of_number<T>() != kind_))
            fail(NDM_ERR_DTYPE, "ndmem: push_back of a " + std::to_string(sizeof(T)) +
                                    "-byte value of another type onto rows of " + std::to_string(row_bytes_) +
                                    " bytes");
        if (next_ == end_) refill();
        std::memcpy(next_, &value, sizeof(T));
        next_ += sizeof(T);
        ++pending_;
    }
    /// Appends `nrows` rows stored contiguously at `rows`, in the array's dtype and order.
    void append(const void *rows, int64_t nrows) { check(ndm_append_raw(sync(), rows, nrows)); }
    /// Appends one row or a block of rows (values broadcast to the row shape, cast same_kind).
    void append(const Array &values) { check(ndm_append(sync(), values.handle())); }
    /// Makes room for at least `rows` rows in all.
    void reserve(int64_t rows) { check(ndm_reserve(sync(), rows)); }
    /// Gives back the room past the last row when no view holds it.
    void shrink_to_fit() { check(ndm_shrink_to_fit(sync())); }
    /// Rows that fit before the next move.
    int64_t capacity() const { return live(ndm_capacity(sync())); }
    /// Rows in the array.
    int64_t size() const { return live(ndm_growable_len(sync())); }
    /// The axis rows are appended along.
    int32_t axis() const { return live(ndm_growable_axis(h_)); }
    /// Bytes of one row.
    int64_t row_bytes() const { return row_bytes_; }
    /// Live array handles viewing the current memory.
    int64_t live_views() const { return live(ndm_growable_live_views(sync())); }
    /// An array viewing the current rows (no copy); valid whatever the growable does next.
    Array view() const {
        ndm_array *out = nullptr;
        check(ndm_growable_view(sync(), &out));
        return Array(out);
    }
    /// NDM_GROW_MOVE (views keep the old memory when the array must move) or NDM_GROW_REFUSE.
    void set_policy(int32_t policy) { check(ndm_growable_set_policy(h_, policy)); }
    /// For a file: writes the rows, then makes the header count them.
    void flush() { check(ndm_growable_flush(sync())); }
    /// Flushes a file and frees the growable, reporting a failure (the handle is freed anyway).
    void close() {
        sync();
        check(ndm_growable_free(std::exchange(h_, nullptr)));
    }
    /// The C handle (still owned by this object), with the rows pushed so far committed.
    ndm_growable *handle() const { return sync(); }

private:
    static constexpr int64_t room_rows = 4096;
    template <class T, class = void> struct has_kind : std::false_type {};
    template <class T> struct has_kind<T, std::void_t<decltype(kind_of<T>::value)>> : std::true_type {};
    template <class T> static int32_t kind_of_number() {
        if constexpr (has_kind<T>::value) return kind_of<T>::value;
        return -1;
    }
    /// The dtype kind of the rows (NDM_KIND_*), for push_back's check.
    static int32_t kind_of_rows(ndm_growable *g) {
        ndm_array *v = nullptr;
        check(ndm_growable_view(g, &v));
        return Array(v).dtype().kind();
    }
    template <class N> N live(N n) const {
        if (n < 0) throw Error(h_ ? NDM_ERR_BAD_HANDLE : NDM_ERR_NULL_ARG, ndm_last_error());
        return n;
    }
    /// Commits the rows push_back wrote and forgets the room (any other call may move it).
    ndm_growable *sync() const {
        next_ = end_ = nullptr;
        if (pending_) check(ndm_append_commit(h_, std::exchange(pending_, 0)));
        return h_;
    }
    /// Room for the next pushes: what the capacity holds (nothing moves), else room_rows more.
    void refill() {
        int64_t free_rows = capacity() - size();
        int64_t rows = free_rows > 0 ? free_rows : room_rows;
        void *room = nullptr;
        check(ndm_append_space(sync(), rows, &room));
        next_ = static_cast<unsigned char *>(room);
        end_ = next_ + rows * row_bytes_;
    }
    ndm_growable *h_;
    int64_t row_bytes_;
    int32_t kind_;
    mutable unsigned char *next_ = nullptr, *end_ = nullptr;
    mutable int64_t pending_ = 0;
};

/// NumPy's `copyto(dst, src, casting)`.
inline void copyto(const Array &dst, const Array &src, int32_t casting = NDM_CASTING_SAME_KIND) {
    dst.assign(src, casting);
}

/// `np.concatenate(arrays, axis, dtype, casting)` (no axis: flattened first; no dtype: promoted).
inline Array concatenate(std::initializer_list<std::reference_wrapper<const Array>> arrays,
                         std::optional<int64_t> axis = 0, const Dtype *dtype = nullptr,
                         int32_t casting = NDM_CASTING_SAME_KIND) {
    std::vector<const ndm_array *> h;
    for (const Array &a : arrays) h.push_back(a.handle());
    ndm_array *out = nullptr;
    check(ndm_concatenate(static_cast<int32_t>(h.size()), h.data(), axis ? &*axis : nullptr,
                          dtype ? dtype->handle() : nullptr, casting, &out));
    return Array(out);
}

/// NumPy's `broadcast_shapes`.
inline std::vector<int64_t> broadcast_shapes(const std::vector<std::vector<int64_t>> &shapes) {
    std::vector<int32_t> ndims;
    std::vector<const int64_t *> ptrs;
    for (const auto &s : shapes) {
        ndims.push_back(static_cast<int32_t>(s.size()));
        ptrs.push_back(s.data());
    }
    int64_t out[NDM_MAX_NDIM];
    int32_t n = 0;
    check(ndm_broadcast_shapes(static_cast<int32_t>(shapes.size()), ndims.data(), ptrs.data(), &n, out));
    return {out, out + n};
}

/// NumPy's `may_share_memory`: whether the byte ranges overlap (cheap, may say yes wrongly).
inline bool may_share_memory(const Array &a, const Array &b) {
    bool r = false;
    check(ndm_may_share_memory(a.handle(), b.handle(), &r));
    return r;
}

/// NumPy's `shares_memory`: NDM_OVERLAP_NO, _YES, or _TOO_HARD after `max_work` steps (-1:
/// unlimited, exact).
inline int32_t shares_memory(const Array &a, const Array &b, int64_t max_work = -1) {
    int32_t r = 0;
    check(ndm_shares_memory(a.handle(), b.handle(), max_work, &r));
    return r;
}

}  // namespace ndmem

#include "ndmem_memory.hpp"

#endif  // NDMEM_HPP
