//! Record fields as views (`a['salary']`, `a[['age', 'salary']]`), the explicit packing copy
//! (NumPy's `repack_fields`), and dtype reinterpretation (`a.view(dtype)`).

use crate::array::Array;
use crate::bail;
use crate::copy;
use crate::dtype::{Casting, Dtype, Record};
use crate::error::Result;
use crate::layout::Strided;
use crate::layout::{CopyMode, Order};
use std::sync::Arc;

fn record_of<'a>(a: &'a Array, what: &str) -> Result<&'a Record> {
    match a.dtype().as_record() {
        Some(r) => Ok(r),
        None => bail!(
            Index,
            "{what}: array of dtype '{}' has no fields",
            a.dtype().repr_name()
        ),
    }
}

/// `a[key]` for a field name or title: a view with the field's dtype at pointer + offset and the
/// parent's strides; a subarray field appends its axes (C-contiguous inside the record).
pub fn field(a: &Arc<Array>, key: &str) -> Result<Array> {
    let r = record_of(a, "field")?;
    let Some(f) = r.field(key) else {
        bail!(InvalidArg, "no field of name {key}");
    };
    let mut shape = a.shape().to_vec();
    let mut strides = a.strides().to_vec();
    let mut stride = f.dtype.itemsize() as i64;
    let first = strides.len();
    for &n in f.shape.iter().rev() {
        shape.insert(first, n as i64);
        strides.insert(first, stride);
        stride *= (n as i64).max(1); // NumPy strides a 0-length axis as if it had length 1
    }
    let s = Strided {
        offset: f.offset as i64,
        shape,
        strides,
    };
    Ok(a.view_as(s, f.dtype.clone(), true))
}

/// `a[[k1, k2, ...]]`: a view whose record dtype holds just those fields, in that order, at their
/// original offsets and with the original itemsize (NumPy's multi-field index).
pub fn fields(a: &Arc<Array>, keys: &[&str]) -> Result<Array> {
    let sub = record_of(a, "fields")?.subset(keys)?;
    Ok(a.view_as(a.strided(), Dtype::record(sub), true))
}

/// A new array with the same fields packed in order with no padding (NumPy's
/// `repack_fields(a)`), laid out like `a` (order K). Always a copy.
pub fn repack(a: &Arc<Array>) -> Result<Arc<Array>> {
    let packed = Dtype::record(record_of(a, "repack")?.packed());
    copy::astype(a, &packed, Casting::Equiv, Order::K, CopyMode::Always)
}

/// `a.view(dtype)`: the same bytes read as `dtype`. A different itemsize rescales the last axis,
/// which must be contiguous (or of length 1) and whose byte length the new itemsize must divide,
/// with NumPy's messages; 0-d arrays keep their itemsize.
pub fn view_dtype(a: &Arc<Array>, dtype: &Dtype) -> Result<Array> {
    let (old, new) = (a.itemsize() as i64, dtype.itemsize() as i64);
    let mut s = a.strided();
    if old != new {
        let Some(last) = a.ndim().checked_sub(1) else {
            bail!(
                InvalidArg,
                "Changing the dtype of a 0d array is only supported if the itemsize is unchanged"
            );
        };
        if s.shape[last] != 1 && a.size() != 0 && s.strides[last] != old {
            bail!(
                InvalidArg,
                "To change to a dtype of a different size, the last axis must be contiguous"
            );
        }
        if new < old {
            if old % new != 0 {
                bail!(
                    InvalidArg,
                    "When changing to a smaller dtype, its size must be a divisor of the size of original dtype"
                );
            }
            s.shape[last] *= old / new;
        } else {
            let bytes = s.shape[last] * old;
            if bytes % new != 0 {
                bail!(
                    InvalidArg,
                    "When changing to a larger dtype, its size must be a divisor of the total size in bytes of the last axis of the array."
                );
            }
            s.shape[last] = bytes / new;
        }
        s.strides[last] = new;
    }
    // The new elements cover exactly the bytes of the old ones, so they stay in the buffer.
    Ok(a.view_as(s, dtype.clone(), true))
}
