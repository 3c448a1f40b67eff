//! Conversions of C arguments: out-pointers, integer arrays, strings and enumeration codes.
//! Codes arrive as plain integers (never Rust enums) so that any value a C caller passes is
//! defined behaviour and an unknown value is a clear `NDM_ERR_INVALID_ARG`.

use super::handle::{ndm_array, ndm_dtype};
use crate::bail;
use crate::dtype::{Casting, Dtype};
use crate::error::Result;
use crate::layout::MAX_NDIM;
use crate::layout::{CopyMode, MemOrder, Order};
use std::ffi::{c_char, CStr, CString};

/// Largest number of dimensions an array may have.
pub const NDM_MAX_NDIM: i32 = 64;
const _: () = assert!(NDM_MAX_NDIM as usize == MAX_NDIM);

/// Memory order C (row-major).
pub const NDM_ORDER_C: i32 = 0;
/// Memory order Fortran (column-major).
pub const NDM_ORDER_F: i32 = 1;
/// F if the source is F-contiguous and not C-contiguous, else C.
pub const NDM_ORDER_A: i32 = 2;
/// Keep the source's memory order (NumPy's 'K').
pub const NDM_ORDER_K: i32 = 3;

/// casting='no': identical dtypes only.
pub const NDM_CASTING_NO: i32 = 0;
/// casting='equiv': identical up to byte order.
pub const NDM_CASTING_EQUIV: i32 = 1;
/// casting='safe': value-preserving conversions.
pub const NDM_CASTING_SAFE: i32 = 2;
/// casting='same_kind': safe, or within/up a kind (float64 -> float32).
pub const NDM_CASTING_SAME_KIND: i32 = 3;
/// casting='unsafe': any conversion.
pub const NDM_CASTING_UNSAFE: i32 = 4;

/// Copy only when the result cannot be the input itself.
pub const NDM_COPY_IF_NEEDED: i32 = 0;
/// Always return a new array.
pub const NDM_COPY_ALWAYS: i32 = 1;
/// Never copy: fail with NDM_ERR_COPY_REQUIRED instead.
pub const NDM_COPY_NEVER: i32 = 2;

pub use super::pools::{ArrayRef, DtypeValue, FieldText};
use super::pools::{ARRAYS, DTYPES};

/// The array behind a handle argument.
pub fn array<'a>(h: *const ndm_array, what: &str) -> Result<&'a ArrayRef> {
    ARRAYS.get(h.cast(), what)
}

/// The dtype behind a handle argument.
pub fn dtype<'a>(h: *const ndm_dtype, what: &str) -> Result<&'a Dtype> {
    Ok(&DTYPES.get(h.cast(), what)?.dtype)
}

/// `naxes` value meaning NumPy's `axis=None` (every axis; for `ndm_transpose` all of them
/// reversed, for `ndm_squeeze` every length-1 axis); `axes` is then ignored and may be NULL.
/// Any other count is a list of that many axes: `axes == NULL` with `naxes == 0` is the empty
/// list (no axis), never "all", so an empty C++ vector's `data()` means what it says.
pub const NDM_ALL_AXES: i32 = -1;

/// An axes argument: `None` for `NDM_ALL_AXES`, else the `naxes` values listed.
pub(crate) fn axes<'a>(axes: *const i64, naxes: i32, what: &str) -> Result<Option<&'a [i64]>> {
    if naxes == NDM_ALL_AXES {
        return Ok(None);
    }
    if naxes < 0 {
        bail!(
            Shape,
            "naxes {naxes} for argument '{what}' is negative (NDM_ALL_AXES is -1)"
        );
    }
    Ok(Some(i64s(axes, naxes.into(), what)?))
}

/// An optional list whose length another argument gives (strides, window axes): NULL means
/// "not given".
pub(crate) fn opt_i64s<'a>(p: *const i64, n: i32, what: &str) -> Result<Option<&'a [i64]>> {
    if p.is_null() {
        Ok(None)
    } else {
        Ok(Some(i64s(p, n.into(), what)?))
    }
}

/// A new array handle owned by the caller.
pub fn new_array(a: ArrayRef) -> *mut ndm_array {
    super::pools::arm_leak_report();
    ARRAYS.insert(a).cast()
}

/// A new dtype handle owned by the caller.
pub fn new_dtype(d: Dtype) -> *mut ndm_dtype {
    super::pools::arm_leak_report();
    let text = CString::new(d.to_string()).expect("typestr has no NUL");
    DTYPES
        .insert(DtypeValue {
            dtype: d,
            text,
            descr: std::sync::OnceLock::new(),
            fields: std::sync::OnceLock::new(),
        })
        .cast()
}

/// The common body of every function that returns a new array handle: checks `out` before
/// any work, runs `make`, stores the handle.
pub(crate) fn produce(
    out: *mut *mut ndm_array,
    make: impl FnOnce() -> Result<ArrayRef>,
) -> Result<()> {
    let out = self::out(out, "out")?;
    *out = new_array(make()?);
    Ok(())
}

/// Checks an out-pointer argument before any work is done.
pub(crate) fn out<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T> {
    if p.is_null() {
        bail!(NullArg, "argument '{what}' is NULL");
    }
    // SAFETY: non-NULL; the caller guarantees it points to writable storage for a T.
    Ok(unsafe { &mut *p })
}

/// Reads `n` int64 values (a shape, strides or index) from a C array.
pub(crate) fn i64s<'a>(p: *const i64, n: i64, what: &str) -> Result<&'a [i64]> {
    if n < 0 {
        bail!(Shape, "ndim {n} for argument '{what}' is negative");
    }
    if n as usize > MAX_NDIM {
        bail!(
            Shape,
            "maximum supported dimension for an ndarray is currently {MAX_NDIM}, found {n} (argument '{what}')"
        );
    }
    if n == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        bail!(NullArg, "argument '{what}' is NULL");
    }
    // SAFETY: the caller guarantees `p` points to `n` readable int64 values.
    Ok(unsafe { std::slice::from_raw_parts(p, n as usize) })
}

/// Reads a NUL-terminated UTF-8 string argument.
pub(crate) fn text<'a>(p: *const c_char, what: &str) -> Result<&'a str> {
    if p.is_null() {
        bail!(NullArg, "argument '{what}' is NULL");
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    let s = unsafe { CStr::from_ptr(p) };
    match s.to_str() {
        Ok(s) => Ok(s),
        Err(_) => bail!(InvalidArg, "argument '{what}' is not valid UTF-8"),
    }
}

/// Reads a NUL-terminated file path (bytes as the operating system takes them).
pub(crate) fn path<'a>(p: *const c_char, what: &str) -> Result<&'a std::path::Path> {
    if p.is_null() {
        bail!(NullArg, "argument '{what}' is NULL");
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    let s = unsafe { CStr::from_ptr(p) };
    // An empty path is passed on: opening it fails with ENOENT, as it does for NumPy.
    use std::os::unix::ffi::OsStrExt;
    Ok(std::path::Path::new(std::ffi::OsStr::from_bytes(
        s.to_bytes(),
    )))
}

/// Decodes an `NDM_ORDER_*` code.
pub fn order(code: i32) -> Result<Order> {
    Ok(match code {
        NDM_ORDER_C => Order::C,
        NDM_ORDER_F => Order::F,
        NDM_ORDER_A => Order::A,
        NDM_ORDER_K => Order::K,
        _ => bail!(
            InvalidArg,
            "order code {code} is not one of NDM_ORDER_C/F/A/K (0..=3)"
        ),
    })
}

/// Decodes the `NDM_ORDER_*` code of a new array's memory order: C or F only.
pub(crate) fn mem_order(code: i32) -> Result<MemOrder> {
    match order(code) {
        Ok(Order::C) => Ok(MemOrder::C),
        Ok(Order::F) => Ok(MemOrder::F),
        _ => bail!(
            InvalidArg,
            "order code {code} must be NDM_ORDER_C (0) or NDM_ORDER_F (1) for a new array"
        ),
    }
}

/// Decodes an `NDM_CASTING_*` code.
pub fn casting(code: i32) -> Result<Casting> {
    Ok(match code {
        NDM_CASTING_NO => Casting::No,
        NDM_CASTING_EQUIV => Casting::Equiv,
        NDM_CASTING_SAFE => Casting::Safe,
        NDM_CASTING_SAME_KIND => Casting::SameKind,
        NDM_CASTING_UNSAFE => Casting::Unsafe,
        _ => bail!(
            InvalidArg,
            "casting code {code} is not one of NDM_CASTING_* (0..=4)"
        ),
    })
}

/// Decodes an `NDM_COPY_*` code.
pub fn copy_mode(code: i32) -> Result<CopyMode> {
    Ok(match code {
        NDM_COPY_IF_NEEDED => CopyMode::IfNeeded,
        NDM_COPY_ALWAYS => CopyMode::Always,
        NDM_COPY_NEVER => CopyMode::Never,
        _ => bail!(
            InvalidArg,
            "copy mode {code} is not one of NDM_COPY_* (0..=2)"
        ),
    })
}
