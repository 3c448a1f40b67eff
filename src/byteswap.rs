//! `a.byteswap(inplace)`: every number's bytes reversed (complex numbers per component, record
//! fields per field, bytes and raw void untouched); the dtype is unchanged (NUMPY_SEMANTICS.md §10).

use crate::array::Array;
use crate::bail;
use crate::copy;
use crate::dtype::{Casting, Dtype, DtypeKind, NewOrder, ScalarKind};
use crate::error::Result;
use crate::iter::Plan;
use crate::layout::{CopyMode, Order};
use std::sync::Arc;

/// The `(offset, size)` runs of one element whose bytes are reversed, appended to `units`.
fn swap_units(d: &Dtype, at: usize, units: &mut Vec<(usize, usize)>) {
    match d.kind() {
        DtypeKind::Scalar(ScalarKind::Complex64 | ScalarKind::Complex128) => {
            let half = d.itemsize() / 2;
            units.extend([(at, half), (at + half, half)]);
        }
        DtypeKind::Scalar(k) if k.itemsize() > 1 => units.push((at, k.itemsize())),
        DtypeKind::Unicode(n) => units.extend((0..*n).map(|i| (at + 4 * i, 4))),
        DtypeKind::Scalar(_) | DtypeKind::Bytes(_) | DtypeKind::Void(_) => {}
        DtypeKind::Record(r) => {
            for f in r.fields() {
                for i in 0..f.count() {
                    swap_units(&f.dtype, at + f.offset + i * f.dtype.itemsize(), units);
                }
            }
        }
    }
}

/// Reverses the bytes of every element of `a` in place (each element once per time the layout
/// reaches it).
pub fn byteswap_in_place(a: &Array) -> Result<()> {
    if !a.is_writeable() {
        bail!(ReadOnly, "array to be byte-swapped is read-only");
    }
    let mut units = Vec::new();
    swap_units(a.dtype(), 0, &mut units);
    if units.is_empty() {
        return Ok(());
    }
    let plan = Plan::new(a.shape(), [a.strides()], [a.data_ptr()], true);
    plan.for_each(|[p], [st], n| {
        let mut item = p;
        for _ in 0..n {
            for &(off, size) in &units {
                let q = item.wrapping_add(off);
                // The array invariant puts every element, hence each of its units, in the buffer.
                // SAFETY: in bounds as just said, and the array is writeable.
                unsafe {
                    match size {
                        2 => q
                            .cast::<u16>()
                            .write_unaligned(q.cast::<u16>().read_unaligned().swap_bytes()),
                        4 => q
                            .cast::<u32>()
                            .write_unaligned(q.cast::<u32>().read_unaligned().swap_bytes()),
                        8 => q
                            .cast::<u64>()
                            .write_unaligned(q.cast::<u64>().read_unaligned().swap_bytes()),
                        _ => std::slice::from_raw_parts_mut(q, size).reverse(),
                    }
                }
            }
            item = item.wrapping_offset(st);
        }
    });
    Ok(())
}

/// `a.byteswap(inplace)`: with `inplace`, swaps `a`'s memory and returns `a`; otherwise returns a
/// swapped copy (order A, like NumPy).
pub fn byteswap(a: &Arc<Array>, inplace: bool) -> Result<Arc<Array>> {
    if inplace {
        byteswap_in_place(a)?;
        return Ok(Arc::clone(a));
    }
    // One pass: convert into the opposite byte order (which swaps every number, field by
    // field), then read the result as `a`'s dtype again.
    let swapped = a.dtype().new_byte_order(NewOrder::Swap);
    let out = copy::astype(a, &swapped, Casting::Unsafe, Order::A, CopyMode::Always)?;
    let out = Arc::try_unwrap(out).unwrap_or_else(|shared| (*shared).clone());
    Ok(Arc::new(out.into_dtype(a.dtype().clone())))
}
