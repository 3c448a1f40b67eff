//! Copies: `copy(order)`, `copyto(dst, src, casting)` and `astype(dtype, casting, order, copy)`.
//!
//! New arrays get NumPy's strides for the requested order (§2: `K` keeps the source's memory
//! order). Values are always copied in logical order, whatever the traversal. `copyto` broadcasts
//! the source to the destination and has memmove semantics: when the two overlap in memory the
//! source is first copied to a temporary (NumPy's rule: bounds overlap, max_work 0).

use crate::accounting::{self, Reason};
use crate::array::Array;
use crate::bail;
use crate::dtype::{can_cast, Casting, Dtype};
use crate::error::Result;
use crate::iter::Plan;
use crate::layout::{self, order_axes, shape_str_compact, CopyMode, MemOrder, Order};
use crate::transfer;
use std::sync::Arc;

/// Side of the square tiles in which a transposed copy is done (32 x 32 float64 = 8 KiB per
/// operand, well inside L1).
const COPY_TILE: usize = 32;

/// Axis order (outermost first) of a new array like `a` in `order`.
fn axes_for(a: &Array, order: Order) -> Vec<usize> {
    let f_only = a.is_f_contiguous() && !a.is_c_contiguous();
    match order {
        Order::C => order_axes(a.ndim(), MemOrder::C),
        Order::F => order_axes(a.ndim(), MemOrder::F),
        Order::A if f_only => order_axes(a.ndim(), MemOrder::F),
        Order::A => order_axes(a.ndim(), MemOrder::C),
        Order::K => layout::k_order_axes(a.shape(), a.strides(), a.itemsize()),
    }
}

/// True when `a`'s layout already satisfies `order`.
fn satisfies(a: &Array, order: Order) -> bool {
    match order {
        Order::C => a.is_c_contiguous(),
        Order::F => a.is_f_contiguous(),
        Order::A => a.is_c_contiguous() || a.is_f_contiguous(),
        Order::K => true,
    }
}

/// NumPy's `empty_like` / `zeros_like`: a new array (owning its data) of `a`'s shape and
/// `dtype`, laid out in `order` relative to `a` (`K`: the order of `a`'s strides), zero-filled
/// when `zeroed`. Nothing of `a` is read.
pub fn empty_like(a: &Array, dtype: Dtype, order: Order, zeroed: bool) -> Result<Array> {
    Array::allocate(dtype, a.shape(), &axes_for(a, order), zeroed)
}

/// A new array (owning its data) with `a`'s values and dtype, laid out in `order`: a copy the
/// caller asked for (counted as explicit).
pub fn copy(a: &Array, order: Order) -> Result<Array> {
    accounting::explicit_copy(a.nbytes());
    duplicate(a, order)
}

/// A copy ndmem makes on the caller's behalf (counted as implicit, for `reason`): refused with
/// `CopyRequired` before anything is allocated when the copy policy forbids it. `op` names the
/// operation and `why` says what forces the copy.
pub fn temporary(
    a: &Array,
    order: Order,
    reason: Reason,
    op: &str,
    why: impl FnOnce() -> String,
) -> Result<Array> {
    accounting::implicit_copy(reason, a.nbytes(), op, why)?;
    duplicate(a, order)
}

/// A new array with `a`'s values and dtype, laid out in `order` (counted by the caller).
fn duplicate(a: &Array, order: Order) -> Result<Array> {
    let out = Array::allocate(a.dtype().clone(), a.shape(), &axes_for(a, order), false)?;
    copyto(&out, a, Casting::No)?;
    Ok(out)
}

/// `a` converted to `dtype` (values cast as C does), checked against `casting`, in `order`.
/// With `CopyMode::IfNeeded` the input itself is returned when no conversion or reordering
/// is needed; with `CopyMode::Never` that case is the only one that succeeds.
pub fn astype(
    a: &Arc<Array>,
    dtype: &Dtype,
    casting: Casting,
    order: Order,
    mode: CopyMode,
) -> Result<Arc<Array>> {
    check_cast(a, dtype, casting)?;
    if mode != CopyMode::Always && a.dtype() == dtype && satisfies(a, order) {
        return Ok(Arc::clone(a));
    }
    if mode == CopyMode::Never {
        bail!(
            CopyRequired,
            "Unable to avoid copy while creating an array of dtype {} in order {order:?}",
            dtype.repr_name()
        );
    }
    let out = Array::allocate(dtype.clone(), a.shape(), &axes_for(a, order), false)?;
    accounting::explicit_copy(out.nbytes());
    copyto(&out, a, Casting::Unsafe)?;
    Ok(Arc::new(out))
}

/// NumPy's casting check and message (it says "scalar" for 0-d sources).
pub fn check_cast(src: &Array, to: &Dtype, casting: Casting) -> Result<()> {
    let from = src.dtype();
    if !can_cast(from, to, casting) {
        bail!(
            Casting,
            "Cannot cast {} from dtype('{}') to dtype('{}') according to the rule '{}'",
            if src.ndim() == 0 {
                "scalar"
            } else {
                "array data"
            },
            from.repr_name(),
            to.repr_name(),
            casting.name()
        );
    }
    Ok(())
}

/// Copies `src` into `dst` (NumPy's `np.copyto(dst, src, casting)`): `src` broadcasts to `dst`'s
/// shape, values are converted to `dst`'s dtype if `casting` allows it, and overlapping memory
/// gives the result of copying `src` first.
pub fn copyto(dst: &Array, src: &Array, casting: Casting) -> Result<()> {
    if !dst.is_writeable() {
        bail!(ReadOnly, "assignment destination is read-only");
    }
    check_cast(src, dst.dtype(), casting)?;
    let Some(src_strides) = layout::broadcast_strides(src.shape(), src.strides(), dst.shape())
    else {
        bail!(
            Shape,
            "could not broadcast input array from shape {} into shape {}",
            shape_str_compact(src.shape()),
            shape_str_compact(dst.shape())
        );
    };
    let conv = transfer::converter(src.dtype(), dst.dtype())?;
    if dst.size() == 0 {
        return Ok(());
    }
    let identical = dst.data_ptr() == src.data_ptr()
        && dst.dtype() == src.dtype()
        && dst
            .shape()
            .iter()
            .zip(dst.strides().iter().zip(&src_strides))
            .all(|(&n, (&a, &b))| n == 1 || a == b);
    if identical {
        return Ok(());
    }
    let overlaps = match (dst.byte_range(), src.byte_range()) {
        (Some((a0, a1)), Some((b0, b1))) => a0 < b1 && b0 < a1,
        _ => false,
    };
    if overlaps {
        let tmp = temporary(src, Order::K, Reason::CopytoOverlap, "copyto", || {
            "the source's bytes overlap the destination's, so the source is copied before any element is written".to_string()
        })?;
        return copyto(dst, &tmp, casting);
    }
    let plan = Plan::new(
        dst.shape(),
        [dst.strides(), &src_strides],
        [dst.data_ptr(), src.data_ptr()],
        true,
    );
    // Destination in memory order; transposed sources are read in cache-sized tiles.
    // The plan yields runs of n elements inside dst and (broadcast) src, whose shapes were
    // checked.
    // SAFETY: in bounds, and overlapping buffers were copied apart above.
    plan.for_each_tiled(COPY_TILE, |p, st, n| unsafe {
        conv.run(p[1], st[1], p[0], st[0], n)
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buffer::{AllocOptions, Buffer};
    use crate::dtype::ScalarKind;

    fn values(a: &Array) -> Vec<f64> {
        let mut out = Vec::new();
        let f8 = Dtype::scalar(ScalarKind::Float64);
        let n = a.size();
        let shape = a.shape().to_vec();
        for flat in 0..n {
            let mut idx = vec![0i64; shape.len()];
            let mut r = flat as i64;
            for ax in (0..shape.len()).rev() {
                idx[ax] = r % shape[ax];
                r /= shape[ax];
            }
            let b = a.get_item(&idx, &f8).unwrap();
            out.push(f64::from_ne_bytes(b.try_into().unwrap()));
        }
        out
    }

    #[test]
    fn copy_orders_keep_values() {
        let a = Array::arange(0.0, 24.0, 1.0, Dtype::scalar(ScalarKind::Float64)).unwrap();
        let buf = Arc::clone(a.buffer());
        // x.transpose(2,0,1)[::-1] of arange(24).reshape(2,3,4)
        let v = Array::from_buffer(
            buf,
            24,
            a.dtype().clone(),
            &[4, 2, 3],
            Some(&[-8, 96, 32]),
            true,
        )
        .unwrap();
        for order in [Order::C, Order::F, Order::A, Order::K] {
            let c = copy(&v, order).unwrap();
            assert_eq!(values(&c), values(&v), "{order:?}");
        }
        assert_eq!(copy(&v, Order::K).unwrap().strides(), &[8, 96, 32]);
    }

    #[test]
    fn overlapping_copyto_is_memmove() {
        let a = Array::arange(0.0, 10.0, 1.0, Dtype::scalar(ScalarKind::Int64)).unwrap();
        let buf = Arc::clone(a.buffer());
        let i8 = a.dtype().clone();
        let head = Array::from_buffer(buf.clone(), 0, i8.clone(), &[9], None, true).unwrap();
        let tail = Array::from_buffer(buf, 8, i8, &[9], None, true).unwrap();
        copyto(&tail, &head, Casting::No).unwrap();
        assert_eq!(
            values(&a),
            vec![0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
        );
    }

    #[test]
    fn casting_rules_are_enforced() {
        let f =
            Arc::new(Array::zeros(Dtype::scalar(ScalarKind::Float64), &[3], MemOrder::C).unwrap());
        let i = Dtype::scalar(ScalarKind::Int64);
        let e = astype(&f, &i, Casting::SameKind, Order::K, CopyMode::Always).unwrap_err();
        assert_eq!(
            e.message,
            "Cannot cast array data from dtype('float64') to dtype('int64') according to the rule 'same_kind'"
        );
        let same = astype(&f, f.dtype(), Casting::No, Order::K, CopyMode::IfNeeded).unwrap();
        assert!(Arc::ptr_eq(&same, &f));
        let _ = Buffer::allocate(1, AllocOptions::default());
    }
}
