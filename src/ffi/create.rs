//! Creating and freeing arrays: `ndm_empty`, `ndm_zeros`, `ndm_full`, `ndm_arange`,
//! `ndm_from_ptr` (zero-copy over a caller's memory) and `ndm_array_free`.

use super::args;
use super::handle::{ndm_array, ndm_dtype};
use super::pools::ARRAYS;
use super::status::ndm_status;
use crate::array::{flags, Array};
use crate::bail;
use crate::buffer::Buffer;
use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::Arc;

/// Called exactly once when the last array over a foreign buffer is freed, with the `data` and
/// `ctx` given to `ndm_from_ptr`. It may run on any thread (whichever frees the last array).
pub type ndm_release_fn = Option<unsafe extern "C" fn(data: *mut c_void, ctx: *mut c_void)>;

/// Shared body of `ndm_empty` and `ndm_zeros`.
unsafe fn fresh(
    dtype: *const ndm_dtype,
    ndim: i32,
    shape: *const i64,
    order: i32,
    out: *mut *mut ndm_array,
    zeroed: bool,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let d = args::dtype(dtype, "dtype")?.clone();
            let (shape, order) = (args::i64s(shape, ndim.into(), "shape")?, args::mem_order(order)?);
            let a = if zeroed { Array::zeros(d, shape, order)? } else { Array::empty(d, shape, order)? };
            Ok(Arc::new(a))
        })
    }
}

/// A new array of `ndim` axes with lengths `shape`, fresh strides in `order` (`NDM_ORDER_C` or
/// `NDM_ORDER_F`), uninitialised contents. Negative lengths, `ndim` > 64 or a byte size that
/// overflows are `NDM_ERR_SHAPE`; memory the machine cannot give is `NDM_ERR_ALLOC`.
#[no_mangle]
pub unsafe extern "C" fn ndm_empty(
    dtype: *const ndm_dtype,
    ndim: i32,
    shape: *const i64,
    order: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    // The header's contract: dtype a handle or NULL, shape `ndim` readable int64 values or NULL,
    // out writable or NULL.
    // SAFETY: that contract is exactly what `fresh` needs.
    unsafe { fresh(dtype, ndim, shape, order, out, false) }
}

/// Like `ndm_empty`, with every byte zero.
#[no_mangle]
pub unsafe extern "C" fn ndm_zeros(
    dtype: *const ndm_dtype,
    ndim: i32,
    shape: *const i64,
    order: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    // The header's contract: dtype a handle or NULL, shape `ndim` readable int64 values or NULL,
    // out writable or NULL.
    // SAFETY: that contract is exactly what `fresh` needs.
    unsafe { fresh(dtype, ndim, shape, order, out, true) }
}

/// Like `ndm_empty`, with every element set to `*value`: one element of `dtype`, i.e.
/// `ndm_dtype_itemsize(dtype)` bytes in the dtype's byte order (e.g. a `double` for `<f8`).
#[no_mangle]
pub unsafe extern "C" fn ndm_full(
    dtype: *const ndm_dtype,
    ndim: i32,
    shape: *const i64,
    order: i32,
    value: *const c_void,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let d = args::dtype(dtype, "dtype")?.clone();
            if value.is_null() {
            bail!(NullArg, "argument 'value' is NULL");
            }
            // SAFETY: the caller guarantees `value` points to one element of `dtype`.
            let bytes = unsafe { std::slice::from_raw_parts(value.cast::<u8>(), d.itemsize()) };
            let a = Array::full(d, args::i64s(shape, ndim.into(), "shape")?, args::mem_order(order)?, bytes)?;
            Ok(Arc::new(a))
        })
    }
}

/// NumPy's `arange(start, stop, step, dtype)`: a 1-D array of `ceil((stop - start) / step)`
/// elements (0 if negative). Element 0 is `start`, element 1 `start + step` (both converted to
/// the dtype), then `v0 + i*(v1 - v0)` in the dtype's arithmetic, exactly as NumPy fills it.
/// `step == 0` or a NaN length is `NDM_ERR_INVALID_ARG`; bool allows at most 2 elements.
#[no_mangle]
pub unsafe extern "C" fn ndm_arange(
    start: f64,
    stop: f64,
    step: f64,
    dtype: *const ndm_dtype,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let d = args::dtype(dtype, "dtype")?.clone();
            Ok(Arc::new(Array::arange(start, stop, step, d)?))
        })
    }
}

struct ForeignRelease {
    func: unsafe extern "C" fn(*mut c_void, *mut c_void),
    data: *mut c_void,
    ctx: *mut c_void,
}
// SAFETY: ndm_from_ptr's contract says the release callback may be called from any thread.
unsafe impl Send for ForeignRelease {}

/// Wraps a caller's memory as an array, with no copy.
///
/// `data` is the start of a buffer of `len_bytes` bytes; element 0 is at byte `offset` of it;
/// `strides` (bytes, may be negative or zero) or NULL for C-contiguous. Every byte of every
/// element must lie inside the buffer, else `NDM_ERR_BOUNDS` (checked with overflow-safe
/// arithmetic). `flags` may contain `NDM_FLAG_WRITEABLE`; without it the array is read-only.
///
/// Ownership: on success, `release(data, ctx)` (if not NULL) runs exactly once, when the last
/// array referring to this buffer (views included) is freed. On failure it is **not** called:
/// the memory stays the caller's. The memory must stay valid until then.
#[no_mangle]
pub unsafe extern "C" fn ndm_from_ptr(
    data: *mut c_void,
    len_bytes: usize,
    offset: i64,
    dtype: *const ndm_dtype,
    ndim: i32,
    shape: *const i64,
    strides: *const i64,
    flags: u32,
    release: ndm_release_fn,
    ctx: *mut c_void,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let Some(ptr) = NonNull::new(data.cast::<u8>()) else {
            bail!(NullArg, "argument 'data' is NULL");
            };
            let d = args::dtype(dtype, "dtype")?.clone();
            let shape = args::i64s(shape, ndim.into(), "shape")?;
            let strides = args::opt_i64s(strides, ndim, "strides")?;
            if flags & !flags::WRITEABLE != 0 {
            bail!(InvalidArg, "flags {flags:#x}: only NDM_FLAG_WRITEABLE may be given");
            }
            if len_bytes > isize::MAX as usize {
            bail!(Bounds, "len_bytes {len_bytes} is larger than any buffer can be");
            }
            // Check everything before taking ownership, so that a failure never calls `release`.
            let strides = Array::checked_strides(len_bytes, offset, &d, shape, strides)?;
            let release = release.map(|func| {
            let r = ForeignRelease { func, data, ctx };
            Box::new(move || {
            let r = r;
            // SAFETY: the caller asked for exactly this call when the buffer is released.
            unsafe { (r.func)(r.data, r.ctx) }
            }) as crate::buffer::Release
            });
            // SAFETY: the caller guarantees `data` is valid for `len_bytes` bytes until `release` runs.
            let buffer = Arc::new(unsafe { Buffer::foreign(ptr, len_bytes, release) });
            let writeable = flags & flags::WRITEABLE != 0;
            let a = Array::from_buffer(buffer, offset, d, shape, Some(&strides), writeable)?;
            Ok(Arc::new(a))
        })
    }
}

/// Releases an array handle. The buffer is freed (or a foreign buffer's release callback runs)
/// when no other array refers to it. NULL is a no-op; a freed or foreign handle is
/// `NDM_ERR_BAD_HANDLE` (nothing is freed twice).
#[no_mangle]
pub unsafe extern "C" fn ndm_array_free(array: *mut ndm_array) -> ndm_status {
    boundary! { ARRAYS.remove(array.cast(), "array") }
}
