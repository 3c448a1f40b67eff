// ndmem.hpp: a header-only C++17 wrapper over the ndmem C API (include/ndmem.h).
//
// - ndmem::Array and ndmem::Dtype own one handle each and are move-only; `Array::view()` makes a
//   second handle to the same memory (never a copy). Destructors free the handle; the memory
//   lives while any handle (or view) refers to it.
// - Every failing call throws ndmem::Error, which carries the status code and the library's
//   message (ndm_last_error()).
// - Array::wrap(ptr, shape) and Array::wrap(std::vector&) share the caller's memory with no
//   copy; the caller keeps it alive for as long as the array or its views live.
// - `a += b`, `a *= 2.0`, ... call the in-place ufuncs (NumPy's semantics, including overlap and
//   casting rules); `a + b` allocates a result like NumPy.
// - StridedView<T> is an mdspan-like view with signed byte strides (reversed and broadcast axes
//   included), which std::layout_stride cannot express.
#ifndef NDMEM_HPP
#define NDMEM_HPP

#include <complex>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
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

/// Sets how many threads large element-wise loops use (1..1024; 0: the default, NDMEM_NUM_THREADS
/// or the CPUs available). Results never depend on it. Process-wide; returns the previous count.
inline int64_t set_num_threads(int64_t n) {
    int64_t previous = ndm_get_num_threads();
    check(ndm_set_num_threads(n));
    return previous;
}

/// The number of threads large element-wise loops use now.
inline int64_t num_threads() noexcept { return ndm_get_num_threads(); }

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

/// An element type (move-only handle).
class Dtype {
public:
    /// Adopts a handle (freed by the destructor).
    explicit Dtype(ndm_dtype *handle) noexcept : h_(handle) {}
    /// NumPy dtype text: "<f8", "int32", "[('x', '<f8'), ('y', '<i4')]", ...
    static Dtype parse(const std::string &text, bool align = false) {
        ndm_dtype *h = nullptr;
        check(ndm_dtype_parse_align(text.c_str(), align, &h));
        return Dtype(h);
    }
    /// The native dtype of a C++ type.
    template <class T> static Dtype of() {
        ndm_dtype *h = nullptr;
        check(ndm_dtype_new(kind_of<T>::value, NDM_BYTEORDER_NATIVE, 0, &h));
        return Dtype(h);
    }
    Dtype(Dtype &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    Dtype &operator=(Dtype &&o) noexcept {
        std::swap(h_, o.h_);
        return *this;
    }
    Dtype(const Dtype &) = delete;
    Dtype &operator=(const Dtype &) = delete;
    ~Dtype() { ndm_dtype_free(h_); }

    /// Bytes per element.
    int64_t itemsize() const { return ndm_dtype_itemsize(h_); }
    /// NumPy's typestr ("<f8", "|V48" for records).
    std::string str() const { return ndm_dtype_str(h_); }
    /// The NDM_KIND_* code.
    int32_t kind() const { return ndm_dtype_kind(h_); }
    /// True when both describe the same elements.
    bool operator==(const Dtype &o) const { return ndm_dtype_equal(h_, o.h_) != 0; }
    ndm_dtype *handle() const noexcept { return h_; }

private:
    ndm_dtype *h_;
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

    /// A new uninitialised array (order NDM_ORDER_C or NDM_ORDER_F).
    static Array empty(const std::vector<int64_t> &shape, const Dtype &dtype, int32_t order = NDM_ORDER_C) {
        return make([&](ndm_array **o) { return ndm_empty(dtype.handle(), rank(shape), shape.data(), order, o); });
    }
    /// A new array of zeros.
    static Array zeros(const std::vector<int64_t> &shape, const Dtype &dtype, int32_t order = NDM_ORDER_C) {
        return make([&](ndm_array **o) { return ndm_zeros(dtype.handle(), rank(shape), shape.data(), order, o); });
    }
    /// Wraps `count`-element memory at `data` with `shape` (C order, or the given byte strides)
    /// with no copy. The caller keeps the memory alive while the array and its views live.
    template <class T>
    static Array wrap(T *data, std::size_t count, const std::vector<int64_t> &shape,
                      const std::vector<int64_t> &byte_strides = {}, bool writeable = true) {
        Dtype d = Dtype::of<T>();
        return make([&](ndm_array **o) {
            return ndm_from_ptr(const_cast<void *>(static_cast<const void *>(data)), count * sizeof(T), 0,
                                d.handle(), rank(shape), shape.data(),
                                byte_strides.empty() ? nullptr : byte_strides.data(),
                                writeable ? NDM_FLAG_WRITEABLE : 0, nullptr, nullptr, o);
        });
    }
    /// Wraps a std::vector as a 1-D array (or with `shape`) with no copy. Do not resize the
    /// vector while the array lives: that moves its memory.
    template <class T> static Array wrap(std::vector<T> &v, std::vector<int64_t> shape = {}) {
        if (shape.empty()) shape = {static_cast<int64_t>(v.size())};
        return wrap(v.data(), v.size(), shape);
    }
    /// Reads a .npy file.
    /// Reads a .npy file; headers longer than `max_header_size` are refused (NumPy's default
    /// 10,000; pass INT64_MAX for a trusted file).
    static Array load(const std::string &path, int64_t max_header_size = NDM_NPY_MAX_HEADER_SIZE) {
        return make([&](ndm_array **o) { return ndm_load_npy_ex(path.c_str(), max_header_size, o); });
    }
    /// Writes a .npy file exactly as NumPy would.
    void save(const std::string &path) const { check(ndm_save_npy(path.c_str(), h_, 0, nullptr)); }

    // Getters throw ndmem::Error (NDM_ERR_NULL_ARG for a moved-from Array, NDM_ERR_BAD_HANDLE
    // for a handle freed behind the wrapper's back) instead of returning the C fallbacks.
    int32_t ndim() const { return live(ndm_ndim(h_)); }
    int64_t size() const { return live(ndm_size(h_)); }
    int64_t itemsize() const { return live(ndm_itemsize(h_)); }
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
    bool writeable() const { return flags() & NDM_FLAG_WRITEABLE; }
    void *data() const { return (void)ndim(), ndm_data(h_); }

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
    /// NumPy's `empty_like` (`zeroed`: `zeros_like`): a new array of this shape, laid out in
    /// `order` relative to this one (NDM_ORDER_K: its stride order), of its dtype or `d`.
    Array empty_like(int32_t order = NDM_ORDER_K, bool zeroed = false) const {
        return make([&](ndm_array **o) { return ndm_empty_like(h_, nullptr, order, zeroed, o); });
    }
    Array empty_like(const Dtype &d, int32_t order = NDM_ORDER_K, bool zeroed = false) const {
        return make([&](ndm_array **o) { return ndm_empty_like(h_, d.handle(), order, zeroed, o); });
    }
    Dtype dtype() const {
        ndm_dtype *d = nullptr;
        check(ndm_array_dtype(h_, &d));
        return Dtype(d);
    }
    ndm_array *handle() const noexcept { return h_; }

private:
    template <class N> N live(N n) const {
        if (n < 0) throw Error(h_ ? NDM_ERR_BAD_HANDLE : NDM_ERR_NULL_ARG, ndm_last_error());
        return n;
    }

public:

    /// The elements as a contiguous span; throws unless the array is C-contiguous with
    /// elements of type T.
    template <class T> Span<T> span() const {
        require<T>();
        if (!c_contiguous()) throw Error(NDM_ERR_INVALID_ARG, "ndmem: span() needs a C-contiguous array");
        return Span<T>(static_cast<T *>(data()), static_cast<std::size_t>(size()));
    }
    /// A strided view of the elements as T (any layout); throws unless the elements are T.
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
    /// `a[start:stop:step]` along the first axis.
    Array slice(int64_t start, int64_t stop, int64_t step = 1) const {
        ndm_index_item item = {NDM_INDEX_SLICE, 0, start, stop, step};
        return make([&](ndm_array **o) { return ndm_index(h_, &item, 1, o); });
    }
    /// NumPy's basic indexing with explicit items.
    Array index(const std::vector<ndm_index_item> &items) const {
        return make([&](ndm_array **o) {
            return ndm_index(h_, items.data(), static_cast<int32_t>(items.size()), o);
        });
    }
    /// Reversed axes (or the permutation `axes`).
    Array transpose(const std::vector<int64_t> &axes = {}) const {
        return make([&](ndm_array **o) {
            return ndm_transpose(h_, axes.empty() ? nullptr : axes.data(), static_cast<int32_t>(axes.size()), o);
        });
    }
    /// A reshaped view; throws (NDM_ERR_COPY_REQUIRED) when the strides do not allow one.
    Array reshape(const std::vector<int64_t> &shape) const {
        return make([&](ndm_array **o) {
            return ndm_reshape(h_, rank(shape), shape.data(), NDM_ORDER_C, NDM_COPY_NEVER, o);
        });
    }
    /// The view of one record field.
    Array field(const std::string &name) const {
        return make([&](ndm_array **o) { return ndm_field(h_, name.c_str(), o); });
    }

    // --- copies ---
    Array copy(int32_t order = NDM_ORDER_C) const {
        return make([&](ndm_array **o) { return ndm_copy(h_, order, o); });
    }
    Array astype(const Dtype &d, int32_t casting = NDM_CASTING_UNSAFE) const {
        return make([&](ndm_array **o) {
            return ndm_astype(h_, d.handle(), casting, NDM_ORDER_K, NDM_COPY_ALWAYS, o);
        });
    }

    // --- ufuncs ---
    /// op(*this, b) into `out` (in place when out is *this), or a new array when out is null.
    Array binary(int32_t op, const Array &b, const Array *out = nullptr) const {
        return make([&](ndm_array **o) {
            return ndm_ufunc_binary(op, h_, b.h_, out ? out->h_ : nullptr, nullptr, o);
        });
    }
    /// op(*this, s) (op(s, *this) with `scalar_first`) with `s` a weak scalar, as NumPy 2 treats a
    /// Python scalar (NEP 50): bool, any integer type (an integer: `int64 array += 1` stays
    /// int64), float or double (a float), std::complex (a complex). The array's dtype decides.
    template <class T, class = std::enable_if_t<is_weak_scalar<T>::value>>
    Array scalar(int32_t op, T s, const Array *out = nullptr, bool scalar_first = false) const {
        ndm_scalar v = weak_scalar(s);
        return make([&](ndm_array **o) {
            return ndm_ufunc_scalar(op, h_, &v, scalar_first, out ? out->h_ : nullptr, nullptr, o);
        });
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

    /// Sum of all elements as double (NumPy's pairwise order for floats).
    double sum() const {
        Array r = make([&](ndm_array **o) { return ndm_reduce(NDM_ADD, h_, nullptr, 0, false, nullptr, nullptr, o); });
        return r.get<double>({});
    }

private:
    template <class F> static Array make(F &&call) {
        ndm_array *out = nullptr;
        check(call(&out));
        return Array(out);
    }
    static int32_t rank(const std::vector<int64_t> &shape) { return static_cast<int32_t>(shape.size()); }
    template <class T> void require() const {
        if (dtype().kind() != kind_of<T>::value || dtype().itemsize() != static_cast<int64_t>(sizeof(T)))
            throw Error(NDM_ERR_DTYPE, "ndmem: the array's elements are " + dtype().str() +
                                           ", not the requested C++ type");
    }
    Array &inplace(int32_t op, const Array &b) {
        binary(op, b, this);
        return *this;
    }
    template <class T> Array &inplace_scalar(int32_t op, T s) {
        scalar(op, s, this);
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

}  // namespace ndmem

#endif  // NDMEM_HPP
