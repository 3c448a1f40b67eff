//! New arrays: uninitialised, zero-filled, filled with one value, and NumPy's `arange`, each
//! in its own fresh, aligned buffer.

use crate::array::Array;
use crate::bail;
use crate::buffer::{AllocOptions, Buffer};
use crate::dtype::{Dtype, DtypeKind, ScalarKind};
use crate::error::{Error, Result};
use crate::layout::{self, shape_str, MemOrder};
use crate::transfer;

impl Array {
    /// A new uninitialised array with fresh strides in `order`.
    pub fn empty(dtype: Dtype, shape: &[i64], order: MemOrder) -> Result<Array> {
        Array::allocate(dtype, shape, &layout::order_axes(shape.len(), order), false)
    }

    /// A new zero-filled array with fresh strides in `order`.
    pub fn zeros(dtype: Dtype, shape: &[i64], order: MemOrder) -> Result<Array> {
        Array::allocate(dtype, shape, &layout::order_axes(shape.len(), order), true)
    }

    /// A new array whose axes are laid out contiguously in `axes` order (outermost first).
    /// A 0-byte result gets all-zero strides, as NumPy gives fresh empty arrays.
    /// Records are always zero-filled, so that padding bytes never hold stale memory.
    pub fn allocate(dtype: Dtype, shape: &[i64], axes: &[usize], zeroed: bool) -> Result<Array> {
        let zeroed = zeroed || dtype.as_record().is_some();
        let size = layout::check_shape(shape, dtype.itemsize())?;
        let nbytes = size * dtype.itemsize();
        let buffer = Buffer::allocate(
            nbytes,
            AllocOptions {
                zeroed,
                ..AllocOptions::default()
            },
        )
        .map_err(|e| {
            Error::new(
                e.kind,
                format!(
                    "Unable to allocate {} for an array with shape {} and data type {}",
                    crate::accounting::human_bytes(nbytes),
                    shape_str(shape),
                    dtype.repr_name()
                ),
            )
        })?;
        let strides = if nbytes == 0 {
            vec![0; shape.len()]
        } else {
            layout::strides_for_axes(shape, axes, dtype.itemsize())
        };
        Array::from_owned_buffer(buffer, dtype, shape, &strides)
    }

    /// A new array (fresh strides in `order`) with every element set to `value` (one element's
    /// bytes, in the dtype's byte order).
    pub fn full(dtype: Dtype, shape: &[i64], order: MemOrder, value: &[u8]) -> Result<Array> {
        if value.len() != dtype.itemsize() {
            bail!(
                InvalidArg,
                "fill value has {} bytes but dtype '{dtype}' has itemsize {}",
                value.len(),
                dtype.itemsize()
            );
        }
        let a = Array::empty(dtype, shape, order)?;
        let item = value.len();
        let p = a.data_ptr();
        for i in 0..a.size() {
            // SAFETY: the new array is contiguous with size() elements of `item` bytes each.
            unsafe { std::ptr::copy_nonoverlapping(value.as_ptr(), p.add(i * item), item) };
        }
        Ok(a)
    }

    /// NumPy's `arange(start, stop, step, dtype)` for numeric dtypes (§ arange in the README):
    /// length `ceil((stop - start) / step)`, element 0 = `start`, element 1 = `start + step`, then
    /// `v0 + i*(v1 - v0)` in the dtype's own arithmetic.
    pub fn arange(start: f64, stop: f64, step: f64, dtype: Dtype) -> Result<Array> {
        let kind = match dtype.kind() {
            DtypeKind::Scalar(k) => *k,
            _ => bail!(Dtype, "arange: dtype '{dtype}' is not numeric"),
        };
        if step == 0.0 {
            bail!(
                InvalidArg,
                "arange: step must not be zero (division by zero)"
            );
        }
        let delta = stop - start;
        let ratio = delta / step;
        // NumPy: a quotient that underflows to zero still gives one element when it is positive.
        let len = if ratio == 0.0 && delta != 0.0 {
            if ratio.is_sign_negative() {
                0.0
            } else {
                1.0
            }
        } else {
            ratio.ceil()
        };
        if len.is_nan() {
            bail!(InvalidArg, "arange: cannot compute length");
        }
        if len >= i64::MAX as f64 {
            bail!(Shape, "Maximum allowed size exceeded");
        }
        let n = if len > 0.0 { len as i64 } else { 0 };
        if kind == ScalarKind::Bool && n > 2 {
            bail!(
                Dtype,
                "arange() is only supported for booleans when the result has at most length 2."
            );
        }
        let swapped = !dtype.is_native();
        let a = Array::empty(dtype, &[n], MemOrder::C)?;
        // `a` is a fresh contiguous array of n elements of `kind`, in either byte order (the
        // values are written native and swapped in place below).
        // SAFETY: so n elements of `kind` fit at data_ptr, aligned, and nothing else sees them.
        unsafe { transfer::arange_fill(kind, a.data_ptr(), n as usize, start, step) };
        if swapped && n > 0 {
            // The fresh array's n elements are initialised (just filled) and ours alone.
            // SAFETY: so its nbytes bytes from data_ptr may be borrowed mutably here.
            let bytes = unsafe { std::slice::from_raw_parts_mut(a.data_ptr(), a.nbytes()) };
            let part = if kind.kind_char() == 'c' {
                a.itemsize() / 2
            } else {
                a.itemsize()
            };
            bytes.chunks_exact_mut(part).for_each(<[u8]>::reverse);
        }
        Ok(a)
    }
}
