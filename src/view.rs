//! Views that never copy, and the few operations that copy only when no view exists
//! (reshape, ravel, ascontiguousarray) — each says which it did by returning the input's
//! buffer or a new one. Stride arithmetic lives in `layout`; this file applies it to arrays.

use crate::accounting::{self, Reason};
use crate::array::Array;
use crate::bail;
use crate::copy;
use crate::error::Result;
use crate::layout::{self, axes, index, reshape, MemOrder, Strided};
use crate::layout::{CopyMode, Order};
use crate::overlap::{self, Footprint, Overlap};
use std::sync::Arc;

pub use crate::layout::index::IndexItem;

/// Work limit of the self-overlap proof that `as_strided` needs for a writeable view.
pub const AS_STRIDED_MAX_WORK: i64 = 1 << 20;

/// `a[items]` with basic indexing: always a view.
pub fn index(a: &Arc<Array>, items: &[IndexItem]) -> Result<Array> {
    Ok(a.view(index::apply(&a.strided(), items)?, true))
}

/// `a.transpose(axes)` (`None`: reverse).
pub fn transpose(a: &Arc<Array>, perm: Option<&[i64]>) -> Result<Array> {
    Ok(a.view(axes::transpose(&a.strided(), perm)?, true))
}

/// `np.swapaxes(a, a1, a2)`.
pub fn swapaxes(a: &Arc<Array>, a1: i64, a2: i64) -> Result<Array> {
    Ok(a.view(axes::swapaxes(&a.strided(), a1, a2)?, true))
}

/// `np.moveaxis(a, source, destination)`.
pub fn moveaxis(a: &Arc<Array>, source: &[i64], destination: &[i64]) -> Result<Array> {
    Ok(a.view(axes::moveaxis(&a.strided(), source, destination)?, true))
}

/// `np.squeeze(a, axes)` (`None`: every length-1 axis).
pub fn squeeze(a: &Arc<Array>, which: Option<&[i64]>) -> Result<Array> {
    Ok(a.view(axes::squeeze(&a.strided(), which)?, true))
}

/// `np.expand_dims(a, axes)`.
pub fn expand_dims(a: &Arc<Array>, which: &[i64]) -> Result<Array> {
    Ok(a.view(axes::expand_dims(&a.strided(), which, a.itemsize())?, true))
}

/// `a.diagonal(offset, axis1, axis2)`: a read-only view, as in NumPy.
pub fn diagonal(a: &Arc<Array>, offset: i64, axis1: i64, axis2: i64) -> Result<Array> {
    Ok(a.view(axes::diagonal(&a.strided(), offset, axis1, axis2)?, false))
}

/// `np.broadcast_to(a, shape)`: a read-only view with stride 0 on stretched and new axes.
pub fn broadcast_to(a: &Arc<Array>, shape: &[i64]) -> Result<Array> {
    let s = axes::broadcast_to(&a.strided(), shape)?;
    layout::check_shape(shape, a.itemsize())?;
    Ok(a.view(s, false))
}

/// `sliding_window_view(a, window, axes, writeable)`: read-only unless `writeable`; a writeable
/// view (only if `a` is writeable) is refused like `as_strided`'s when windows overlap, i.e.
/// whenever an element would be in two windows (`InvalidArg`: ask for a read-only view).
pub fn sliding_window_view(
    a: &Arc<Array>,
    window: &[i64],
    which: Option<&[i64]>,
    writeable: bool,
) -> Result<Array> {
    let s = axes::sliding_window(&a.strided(), window, which)?;
    let writeable = writeable && a.is_writeable();
    if writeable {
        refuse_overlap("sliding_window_view", &s.shape, &s.strides, a.itemsize())?;
    }
    Ok(a.view(s, writeable))
}

/// `as_strided(a, shape, strides, writeable)`, checked: starting at `a`'s element 0, every byte
/// of every element must lie inside `a`'s buffer (`Bounds` otherwise: negative, zero, huge and
/// overflowing strides included). A writeable result whose elements overlap each other is
/// refused (`InvalidArg`) unless `writeable` is false; the overlap proof is exact up to
/// [`AS_STRIDED_MAX_WORK`] and refuses when it cannot finish. A read-only `a` gives a read-only view.
pub fn as_strided(
    a: &Arc<Array>,
    shape: &[i64],
    strides: &[i64],
    writeable: bool,
) -> Result<Array> {
    let strides = Array::checked_strides(
        a.buffer().len(),
        a.offset() as i64,
        a.dtype(),
        shape,
        Some(strides),
    )?;
    let writeable = writeable && a.is_writeable();
    if writeable {
        refuse_overlap("as_strided", shape, &strides, a.itemsize())?;
    }
    Ok(a.view(
        Strided {
            offset: 0,
            shape: shape.to_vec(),
            strides,
        },
        writeable,
    ))
}

/// A writeable view must not have two elements sharing a byte (`InvalidArg` otherwise, also
/// when that cannot be proved within [`AS_STRIDED_MAX_WORK`] steps).
fn refuse_overlap(what: &str, shape: &[i64], strides: &[i64], itemsize: usize) -> Result<()> {
    let fp = Footprint {
        addr: 0,
        shape,
        strides,
        itemsize,
    };
    match overlap::internal_overlap(&fp, AS_STRIDED_MAX_WORK)? {
        Overlap::No => Ok(()),
        Overlap::Yes => bail!(
            InvalidArg,
            "{what}: elements of shape {} with strides {} overlap each other; a writeable view is refused (ask for a read-only one)",
            layout::shape_str(shape),
            layout::shape_str(strides)
        ),
        Overlap::TooHard => bail!(
            InvalidArg,
            "{what}: could not prove within {AS_STRIDED_MAX_WORK} steps that elements of shape {} with strides {} do not overlap; ask for a read-only view",
            layout::shape_str(shape),
            layout::shape_str(strides)
        ),
    }
}

/// NumPy's `ndarray(shape, dtype, buffer=a, offset=offset, strides=strides)`: the bytes of
/// `a`'s buffer read as `dtype`, element 0 at byte `offset` from the buffer's start (the start
/// `Array::buffer` reports), C-contiguous when `strides` is `None`. Checked like
/// [`as_strided`]: every byte of every element inside the buffer (`Bounds`), and a writeable
/// view (only if `a` is writeable) with overlapping elements refused.
pub fn view_buffer(
    a: &Arc<Array>,
    dtype: crate::dtype::Dtype,
    offset: i64,
    shape: &[i64],
    strides: Option<&[i64]>,
    writeable: bool,
) -> Result<Array> {
    let strides = Array::checked_strides(a.buffer().len(), offset, &dtype, shape, strides)?;
    let writeable = writeable && a.is_writeable();
    if writeable {
        refuse_overlap("view_buffer", shape, &strides, dtype.itemsize())?;
    }
    let s = Strided {
        offset: offset - a.offset() as i64,
        shape: shape.to_vec(),
        strides,
    };
    Ok(a.view_as(s, dtype, writeable))
}

/// Whether two distinct elements of `a` share a byte, with at most `max_work` failed branches.
pub fn is_self_overlapping(a: &Array, max_work: i64) -> Result<Overlap> {
    overlap::internal_overlap(&Footprint::of(a), max_work)
}

fn index_order(a: &Array, order: Order) -> Result<MemOrder> {
    Ok(match order {
        Order::C => MemOrder::C,
        Order::F => MemOrder::F,
        Order::A if a.is_f_contiguous() && !a.is_c_contiguous() => MemOrder::F,
        Order::A => MemOrder::C,
        Order::K => bail!(InvalidArg, "order 'K' is not permitted for reshaping"),
    })
}

/// `a.reshape(shape, order, copy)` with NumPy's exact no-copy rule (§1). `CopyMode::Never`
/// fails with `CopyRequired` when no view exists; `Always` copies first. Returns the view or
/// a view of the copy (whose base is the copy, as NumPy's).
pub fn reshape(a: &Arc<Array>, shape: &[i64], order: Order, mode: CopyMode) -> Result<Arc<Array>> {
    let mem = index_order(a, order)?;
    if mode != CopyMode::Always && shape == a.shape() {
        // NumPy returns a view with the old strides when the requested shape (as given, so
        // not when it has an unknown) equals the current one.
        return Ok(Arc::new(a.view(a.strided(), true)));
    }
    let new_shape = reshape::resolve_shape(shape, a.size() as i64)?;
    layout::check_shape(&new_shape, a.itemsize())?;
    if mode != CopyMode::Always {
        if let reshape::ReshapePlan::View(strides) =
            reshape::plan(a.shape(), a.strides(), a.itemsize(), &new_shape, mem)
        {
            let s = Strided {
                offset: 0,
                shape: new_shape,
                strides,
            };
            return Ok(Arc::new(a.view(s, true)));
        }
        if mode == CopyMode::Never {
            bail!(
                CopyRequired,
                "Unable to avoid creating a copy while reshaping."
            );
        }
    }
    let copy_order = if mem == MemOrder::F {
        Order::F
    } else {
        Order::C
    };
    let c = Arc::new(if mode == CopyMode::Always {
        copy::copy(a, copy_order)?
    } else {
        copy::temporary(a, copy_order, Reason::Reshape, "reshape", || {
            format!(
                "no view of shape {} and strides {} has shape {} in order {copy_order:?}",
                layout::shape_str_compact(a.shape()),
                layout::shape_str_compact(a.strides()),
                layout::shape_str_compact(&new_shape)
            )
        })?
    });
    let s = Strided {
        offset: 0,
        strides: layout::fresh_strides(&new_shape, c.itemsize(), mem),
        shape: new_shape,
    };
    Ok(Arc::new(c.view(s, true)))
}

/// `a.flatten(order)`: always a new 1-D array owning its data; `K` keeps memory order with
/// every axis in its logical direction (§2). An explicit copy.
pub fn flatten(a: &Array, order: Order) -> Result<Array> {
    accounting::explicit_copy(a.nbytes());
    flat_copy(a, order)
}

/// The elements of `a` in `order` as a new 1-D array (counted by the caller).
fn flat_copy(a: &Array, order: Order) -> Result<Array> {
    let out = Arc::new(Array::empty(
        a.dtype().clone(),
        &[a.size() as i64],
        MemOrder::C,
    )?);
    let axes: Vec<usize> = match order {
        Order::C => layout::order_axes(a.ndim(), MemOrder::C),
        Order::F => layout::order_axes(a.ndim(), MemOrder::F),
        Order::A if a.is_f_contiguous() && !a.is_c_contiguous() => {
            layout::order_axes(a.ndim(), MemOrder::F)
        }
        Order::A => layout::order_axes(a.ndim(), MemOrder::C),
        Order::K => layout::k_order_axes(a.shape(), a.strides(), a.itemsize()),
    };
    // Write through a view of the 1-D result laid out like `a` in the chosen axis order.
    let shaped = out.view(
        Strided {
            offset: 0,
            shape: a.shape().to_vec(),
            strides: layout::strides_for_axes(a.shape(), &axes, a.itemsize()),
        },
        true,
    );
    copy::copyto(&shaped, a, crate::dtype::Casting::No)?;
    drop(shaped);
    Ok(Arc::try_unwrap(out).unwrap_or_else(|shared| (*shared).clone()))
}

/// `a.ravel(order)`: a 1-D view with stride itemsize when one exists (§2), else `flatten`.
pub fn ravel(a: &Arc<Array>, order: Order) -> Result<Arc<Array>> {
    ravel_for(a, order, "ravel")
}

/// [`ravel`] on behalf of `op` (the name an implicit copy is reported under).
pub fn ravel_for(a: &Arc<Array>, order: Order, op: &str) -> Result<Arc<Array>> {
    let f_only = a.is_f_contiguous() && !a.is_c_contiguous();
    let is_view = match order {
        Order::C => a.is_c_contiguous(),
        Order::F => a.is_f_contiguous(),
        Order::A => a.is_c_contiguous() || f_only,
        Order::K => {
            a.is_c_contiguous()
                || a.is_f_contiguous()
                || reshape::ravel_k_is_view(a.shape(), a.strides(), a.itemsize())
        }
    };
    if !is_view {
        accounting::implicit_copy(Reason::Ravel, a.nbytes(), op, || {
            format!(
                "the array of shape {} and strides {} is not contiguous in order {order:?}, so no 1-D view of it exists",
                layout::shape_str_compact(a.shape()),
                layout::shape_str_compact(a.strides())
            )
        })?;
        return Ok(Arc::new(flat_copy(a, order)?));
    }
    // Element 0 of the flat view is the lowest-addressed element (strides are all positive
    // here, except on length-1 axes, which do not move the pointer).
    let s = Strided {
        offset: 0,
        shape: vec![a.size() as i64],
        strides: vec![a.itemsize() as i64],
    };
    Ok(Arc::new(a.view(s, true)))
}

/// `np.ascontiguousarray(a)`: `a` itself when C-contiguous (a 0-d array becomes a (1,) view),
/// else a C-ordered copy. `np.asfortranarray` with `fortran`.
pub fn as_contiguous(a: &Arc<Array>, fortran: bool) -> Result<Arc<Array>> {
    let ok = if fortran {
        a.is_f_contiguous()
    } else {
        a.is_c_contiguous()
    };
    let a = if ok {
        Arc::clone(a)
    } else {
        Arc::new(copy::copy(a, if fortran { Order::F } else { Order::C })?)
    };
    if a.ndim() > 0 {
        return Ok(a);
    }
    let s = Strided {
        offset: 0,
        shape: vec![1],
        strides: vec![a.itemsize() as i64],
    };
    Ok(Arc::new(a.view(s, true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::{Dtype, ScalarKind};

    fn x() -> Arc<Array> {
        let a = Arc::new(Array::arange(0.0, 24.0, 1.0, Dtype::scalar(ScalarKind::Int64)).unwrap());
        reshape(&a, &[2, 3, 4], Order::C, CopyMode::IfNeeded).unwrap()
    }

    #[test]
    fn reshape_views_and_copies() {
        let x = x();
        assert_eq!(x.strides(), &[96, 32, 8]);
        assert!(!x.flags() & crate::array::flags::OWNDATA != 0);
        let t = Arc::new(transpose(&x, None).unwrap());
        let r = reshape(&t, &[12, 2], Order::C, CopyMode::IfNeeded).unwrap();
        assert_ne!(r.data_ptr(), t.data_ptr()); // copy
        let e = reshape(&t, &[12, 2], Order::C, CopyMode::Never).unwrap_err();
        assert_eq!(
            e.message,
            "Unable to avoid creating a copy while reshaping."
        );
        let v = reshape(&t, &[4, 6], Order::F, CopyMode::Never).unwrap();
        assert_eq!(v.strides(), &[8, 32]);
    }

    #[test]
    fn as_strided_is_checked() {
        let x = x();
        assert!(as_strided(&x, &[4, 3], &[16, 8], false).is_ok());
        assert_eq!(
            as_strided(&x, &[4, 3], &[16, 8], true).unwrap_err().kind,
            crate::ErrorKind::InvalidArg
        );
        assert_eq!(
            as_strided(&x, &[25], &[8], false).unwrap_err().kind,
            crate::ErrorKind::Bounds
        );
        assert_eq!(
            as_strided(&x, &[2], &[-8], false).unwrap_err().kind,
            crate::ErrorKind::Bounds
        );
        assert!(as_strided(&x, &[12], &[16], true).is_ok());
    }

    #[test]
    fn ravel_and_flatten() {
        let x = x();
        let t = Arc::new(transpose(&x, Some(&[1, 0, 2])).unwrap());
        let r = ravel(&t, Order::K).unwrap();
        assert_eq!(r.data_ptr(), x.data_ptr());
        let f = flatten(&t, Order::C).unwrap();
        assert!(f.flags() & crate::array::flags::OWNDATA != 0);
    }
}
