//! Introspection: shape, strides, sizes, data pointer, dtype, flags, base.
//!
//! Getters that cannot fail on a valid handle return the value directly; on a NULL, freed or
//! foreign handle they return the documented fallback (-1, NULL or 0) and set the last error.

use super::args::{self, new_array, new_dtype};
use super::handle::{ndm_array, ndm_dtype};
use super::status::ndm_status;
use crate::array::flags;
use std::ffi::c_void;

/// Flag bit: C-contiguous (NumPy's definition: length-1 axes ignored, size 0 always true).
pub const NDM_FLAG_C_CONTIGUOUS: u32 = 0x0001;
/// Flag bit: Fortran-contiguous.
pub const NDM_FLAG_F_CONTIGUOUS: u32 = 0x0002;
/// Flag bit: the array allocated its buffer (false for views and foreign memory).
pub const NDM_FLAG_OWNDATA: u32 = 0x0004;
/// Flag bit: data pointer and used strides are multiples of the dtype's alignment.
pub const NDM_FLAG_ALIGNED: u32 = 0x0100;
/// Flag bit: elements may be written.
pub const NDM_FLAG_WRITEABLE: u32 = 0x0400;

const _: () = assert!(
    NDM_FLAG_C_CONTIGUOUS == flags::C_CONTIGUOUS
        && NDM_FLAG_F_CONTIGUOUS == flags::F_CONTIGUOUS
        && NDM_FLAG_OWNDATA == flags::OWNDATA
        && NDM_FLAG_ALIGNED == flags::ALIGNED
        && NDM_FLAG_WRITEABLE == flags::WRITEABLE
);

/// Number of axes, or -1 for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_ndim(a: *const ndm_array) -> i32 {
    boundary_value!(-1, Ok(args::array(a, "a")?.ndim() as i32))
}

/// Axis lengths (`ndm_ndim` values), valid while the handle lives; NULL for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_shape(a: *const ndm_array) -> *const i64 {
    boundary_value!(std::ptr::null(), Ok(args::array(a, "a")?.shape().as_ptr()))
}

/// Byte strides (`ndm_ndim` values), valid while the handle lives; NULL for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_strides(a: *const ndm_array) -> *const i64 {
    boundary_value!(
        std::ptr::null(),
        Ok(args::array(a, "a")?.strides().as_ptr())
    )
}

/// Number of elements, or -1 for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_size(a: *const ndm_array) -> i64 {
    boundary_value!(-1, Ok(args::array(a, "a")?.size() as i64))
}

/// Bytes per element, or -1 for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_itemsize(a: *const ndm_array) -> i64 {
    boundary_value!(-1, Ok(args::array(a, "a")?.itemsize() as i64))
}

/// `size * itemsize`, or -1 for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_nbytes(a: *const ndm_array) -> i64 {
    boundary_value!(-1, Ok(args::array(a, "a")?.nbytes() as i64))
}

/// Address of element 0 (element `i` is at `data + Σ index_k * strides[k]`), valid while any
/// array over the buffer lives; NULL for a bad handle. Writing through it is allowed only if
/// the array is writeable.
#[no_mangle]
pub unsafe extern "C" fn ndm_data(a: *const ndm_array) -> *mut c_void {
    boundary_value!(
        std::ptr::null_mut(),
        Ok(args::array(a, "a")?.data_ptr().cast())
    )
}

/// `NDM_FLAG_*` bits, or 0 for a bad handle (check `ndm_ndim` first if that matters).
#[no_mangle]
pub unsafe extern "C" fn ndm_flags(a: *const ndm_array) -> u32 {
    boundary_value!(0, Ok(args::array(a, "a")?.flags()))
}

/// The array's dtype as a new handle (free it with `ndm_dtype_free`).
#[no_mangle]
pub unsafe extern "C" fn ndm_array_dtype(
    a: *const ndm_array,
    out: *mut *mut ndm_dtype,
) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        *out = new_dtype(args::array(a, "a")?.dtype().clone());
        Ok(())
    }
}

/// The array this one is a view of, as a new handle, or NULL in `*out` when it has no base
/// (it owns its data, or wraps foreign memory directly).
#[no_mangle]
pub unsafe extern "C" fn ndm_base(a: *const ndm_array, out: *mut *mut ndm_array) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        *out = match args::array(a, "a")?.base() {
            Some(b) => new_array(b.clone()),
            None => std::ptr::null_mut(),
        };
        Ok(())
    }
}

/// The buffer behind the array: its first byte in `*start` and its length in `*len_bytes`.
/// Every element of every view lies inside it.
#[no_mangle]
pub unsafe extern "C" fn ndm_buffer_range(
    a: *const ndm_array,
    start: *mut *mut c_void,
    len_bytes: *mut usize,
) -> ndm_status {
    boundary! {
        let start = args::out(start, "start")?;
        let len_bytes = args::out(len_bytes, "len_bytes")?;
        let buf = args::array(a, "a")?.buffer();
        *start = buf.as_ptr().cast();
        *len_bytes = buf.len();
        Ok(())
    }
}
