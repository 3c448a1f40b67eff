//! Record fields, dtype reinterpretation and byte swapping from C: `ndm_field`, `ndm_fields`,
//! `ndm_repack`, `ndm_view_dtype`, `ndm_byteswap`.

use super::args;
use super::handle::{ndm_array, ndm_dtype};
use super::status::ndm_status;
use crate::bail;
use crate::{byteswap, fields};
use std::ffi::c_char;
use std::sync::Arc;

/// Most names `ndm_fields` accepts in one call.
pub const NDM_MAX_FIELDS: i64 = 1 << 20;

/// `a[name]` for a record array: a view (no copy) with the field's dtype, the parent's strides
/// and the data pointer moved by the field's offset; a subarray field appends its axes. `name`
/// may be a title. `NDM_ERR_INDEX` for a non-record array, `NDM_ERR_INVALID_ARG` for a name
/// that is not a field.
#[no_mangle]
pub unsafe extern "C" fn ndm_field(
    a: *const ndm_array,
    name: *const c_char,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let name = args::text(name, "name")?;
            Ok(Arc::new(fields::field(args::array(a, "a")?, name)?))
        })
    }
}

/// `a[[names...]]`: a view (no copy) whose record dtype holds just these `n` fields, in this
/// order, at their original offsets, with the original itemsize (NumPy's multi-field index).
/// A repeated or unknown name is `NDM_ERR_INVALID_ARG`. `ndm_repack` packs the result.
#[no_mangle]
pub unsafe extern "C" fn ndm_fields(
    a: *const ndm_array,
    names: *const *const c_char,
    n: i64,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let a = args::array(a, "a")?;
            if !(0..=NDM_MAX_FIELDS).contains(&n) {
                bail!(InvalidArg, "number of names {n} is not in 0..={NDM_MAX_FIELDS}");
            }
            if n > 0 && names.is_null() {
                bail!(NullArg, "argument 'names' is NULL");
            }
            let mut keys = Vec::with_capacity(n as usize);
            for i in 0..n as usize {
                // SAFETY: the caller passes `n` readable string pointers at `names`.
                let p = unsafe { *names.add(i) };
                keys.push(args::text(p, "names[i]")?);
            }
            Ok(Arc::new(fields::fields(a, &keys)?))
        })
    }
}

/// A new array with `a`'s record fields packed in order with no padding (NumPy's
/// `repack_fields`), memory order kept (order K). Always a copy.
#[no_mangle]
pub unsafe extern "C" fn ndm_repack(a: *const ndm_array, out: *mut *mut ndm_array) -> ndm_status {
    boundary! {
        args::produce(out, || fields::repack(args::array(a, "a")?))
    }
}

/// `a.view(dtype)`: the same memory read as `dtype` (no copy, no conversion: a byte-order change
/// relabels the bytes). A different itemsize rescales the last axis, which must be contiguous,
/// with NumPy's rules and messages (`NDM_ERR_INVALID_ARG`).
#[no_mangle]
pub unsafe extern "C" fn ndm_view_dtype(
    a: *const ndm_array,
    dtype: *const ndm_dtype,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let v = fields::view_dtype(args::array(a, "a")?, args::dtype(dtype, "dtype")?)?;
            Ok(Arc::new(v))
        })
    }
}

/// `a.byteswap(inplace)`: every number's bytes reversed (complex per component, records per
/// field, bytes untouched), dtype unchanged. With `inplace`, `a`'s memory is swapped
/// (`NDM_ERR_READONLY` if it cannot be written) and `*out` gets a new handle to `a`; otherwise
/// `*out` is a swapped copy. `out` may be NULL when `inplace` is true.
#[no_mangle]
pub unsafe extern "C" fn ndm_byteswap(
    a: *const ndm_array,
    inplace: bool,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        let a = args::array(a, "a")?;
        if inplace && out.is_null() {
            return byteswap::byteswap_in_place(a);
        }
        args::produce(out, || byteswap::byteswap(a, inplace))
    }
}
