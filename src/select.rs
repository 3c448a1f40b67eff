//! Copies that select or join elements: `take` (integer indices), `compress` (boolean mask)
//! and `concatenate`. Results are new arrays owning their data, as in NumPy.

use crate::accounting::{self, Reason};
use crate::array::Array;
use crate::bail;
use crate::copy;
use crate::dtype::{self, Casting, Dtype, DtypeKind, ScalarKind};
use crate::error::Result;
use crate::layout::Order;
use crate::layout::{self, axes::normalize_axis, MemOrder, Strided};
use crate::view;
use std::borrow::Cow;
use std::sync::Arc;

/// The elements of an integer (or bool) array as i64, in C order: the array's own memory when
/// it is native int64 in C order, else a converted copy (an implicit copy for `op`).
fn indices_of<'a>(idx: &'a Array, op: &str) -> Result<Cow<'a, [i64]>> {
    let ok = matches!(idx.dtype().kind(), DtypeKind::Scalar(k) if matches!(k.kind_char(), 'b' | 'i' | 'u'));
    if !ok {
        bail!(
            Casting,
            "Cannot cast array data from dtype('{}') to dtype('int64') according to the rule 'same_kind'",
            idx.dtype().repr_name()
        );
    }
    if let Some(values) = idx.native_i64s() {
        return Ok(Cow::Borrowed(values));
    }
    let int64 = Dtype::scalar(ScalarKind::Int64);
    accounting::implicit_copy(Reason::OperandConversion, idx.size() * 8, op, || {
        format!(
            "the indices (dtype {}, shape {}) are not native int64 in C order, so they are converted first",
            idx.dtype().repr_name(),
            layout::shape_str_compact(idx.shape())
        )
    })?;
    let tmp = Array::empty(int64, idx.shape(), MemOrder::C)?;
    copy::copyto(&tmp, idx, Casting::Unsafe)?;
    Ok(Cow::Owned(
        tmp.native_i64s().expect("native int64 in C order").to_vec(),
    ))
}

/// `np.take(a, indices, axis)` with mode 'raise' (`axis = None`: of the flattened array).
pub fn take(a: &Arc<Array>, indices: &Array, axis: Option<i64>) -> Result<Array> {
    let idx = indices_of(indices, "take")?;
    take_at(a, &idx, indices.shape(), axis, "take")
}

/// [`take`] of the indices `idx` (laid out in C order with shape `idx_shape`) for `op`.
fn take_at(
    a: &Arc<Array>,
    idx: &[i64],
    idx_shape: &[i64],
    axis: Option<i64>,
    op: &str,
) -> Result<Array> {
    let (a, axis) = match axis {
        None => (view::ravel_for(a, Order::C, op)?, 0),
        Some(ax) => (Arc::clone(a), normalize_axis(ax, a.ndim())?),
    };
    let n = a.shape()[axis];
    // NumPy checks indices only when there is an outer slab to copy into, and refuses an
    // empty axis only when the slabs are non-empty.
    let outer: i64 = a.shape()[..axis].iter().product();
    let inner: i64 = a.shape()[axis + 1..].iter().product();
    if n == 0 && !idx.is_empty() && outer > 0 && inner > 0 {
        bail!(Index, "cannot do a non-empty take from an empty axes.");
    }
    if outer > 0 {
        for &i in idx {
            if i < -n || i >= n {
                bail!(
                    Index,
                    "index {i} is out of bounds for axis {axis} with size {n}"
                );
            }
        }
    }
    let mut shape = a.shape()[..axis].to_vec();
    shape.extend_from_slice(idx_shape);
    shape.extend_from_slice(&a.shape()[axis + 1..]);
    let out = Arc::new(Array::empty(a.dtype().clone(), &shape, MemOrder::C)?);
    accounting::explicit_copy(out.nbytes());
    // Each index copies one (ndim-1)-dimensional slab: a[..., i, ...] -> out[..., k, ...].
    let k_axes = idx_shape.len();
    let out_strides = out.strides().to_vec();
    let slab_out_strides: Vec<i64> = out_strides[..axis]
        .iter()
        .chain(&out_strides[axis + k_axes..])
        .copied()
        .collect();
    let slab_shape: Vec<i64> = a.shape()[..axis]
        .iter()
        .chain(&a.shape()[axis + 1..])
        .copied()
        .collect();
    let slab_in_strides: Vec<i64> = a.strides()[..axis]
        .iter()
        .chain(&a.strides()[axis + 1..])
        .copied()
        .collect();
    let idx_strides = layout::fresh_strides(idx_shape, 1, MemOrder::C);
    if out.size() == 0 {
        return drop_views_and_unwrap(out);
    }
    for (k, &i) in idx.iter().enumerate() {
        // Checked again as read: the indices may be another thread's memory (borrowed in
        // place), and only the value used here must be in bounds.
        if i < -n || i >= n {
            bail!(
                Index,
                "index {i} is out of bounds for axis {axis} with size {n}"
            );
        }
        let i = if i < 0 { i + n } else { i };
        // Position of index k within the index axes of `out`.
        let mut rem = k as i64;
        let mut out_off = 0;
        for (d, &st) in idx_strides.iter().enumerate() {
            let pos = rem / st;
            rem %= st;
            out_off += pos * out_strides[axis + d];
        }
        let dst = out.view(
            Strided {
                offset: out_off,
                shape: slab_shape.clone(),
                strides: slab_out_strides.clone(),
            },
            true,
        );
        let src = a.view(
            Strided {
                offset: i * a.strides()[axis],
                shape: slab_shape.clone(),
                strides: slab_in_strides.clone(),
            },
            false,
        );
        copy::copyto(&dst, &src, Casting::No)?;
    }
    drop_views_and_unwrap(out)
}

fn drop_views_and_unwrap(out: Arc<Array>) -> Result<Array> {
    Ok(Arc::try_unwrap(out).unwrap_or_else(|shared| (*shared).clone()))
}

/// `np.compress(condition, a, axis)`: the slabs where the 1-D `condition` is true (missing
/// entries count as false; a true entry past the end is an `Index` error).
pub fn compress(a: &Arc<Array>, condition: &Array, axis: Option<i64>) -> Result<Array> {
    if condition.ndim() != 1 {
        bail!(InvalidArg, "condition must be a 1-d array");
    }
    // The positions of the true entries: computed, not a copy of an operand.
    let picked: Vec<i64> = match condition.bool_bytes() {
        Some(flags) => (0..flags.len() as i64)
            .filter(|&i| flags[i as usize] != 0)
            .collect(),
        None => {
            let flags = indices_of(condition, "compress")?;
            (0..flags.len() as i64)
                .filter(|&i| flags[i as usize] != 0)
                .collect()
        }
    };
    take_at(a, &picked, &[picked.len() as i64], axis, "compress")
}

/// `np.concatenate(arrays, axis)` (`axis = None`: flatten each first). The result dtype is
/// `dtype` or the promotion of the inputs; each input is cast with `casting`.
pub fn concatenate(
    arrays: &[Arc<Array>],
    axis: Option<i64>,
    dtype: Option<&Dtype>,
    casting: Casting,
) -> Result<Array> {
    if arrays.is_empty() {
        bail!(InvalidArg, "need at least one array to concatenate");
    }
    let (arrays, axis) = match axis {
        None => (
            arrays
                .iter()
                .map(|a| view::ravel_for(a, Order::C, "concatenate"))
                .collect::<Result<Vec<_>>>()?,
            0i64,
        ),
        Some(ax) => (arrays.to_vec(), ax),
    };
    let ndim = arrays[0].ndim();
    if ndim == 0 {
        bail!(InvalidArg, "zero-dimensional arrays cannot be concatenated");
    }
    let axis = normalize_axis(axis, ndim)?;
    let mut shape = arrays[0].shape().to_vec();
    for (i, a) in arrays.iter().enumerate().skip(1) {
        if a.ndim() != ndim {
            bail!(
                InvalidArg,
                "all the input arrays must have same number of dimensions, but the array at index 0 has {ndim} dimension(s) and the array at index {i} has {} dimension(s)",
                a.ndim()
            );
        }
        for (d, (&n, &want)) in a.shape().iter().zip(&shape).enumerate() {
            if d != axis && n != want {
                bail!(
                    InvalidArg,
                    "all the input array dimensions except for the concatenation axis must match exactly, but along dimension {d}, the array at index 0 has size {want} and the array at index {i} has size {n}"
                );
            }
        }
        shape[axis] += a.shape()[axis];
    }
    let dt = match dtype {
        Some(d) => d.clone(),
        None => dtype::promote_all(arrays.iter().map(|a| a.dtype()))?,
    };
    let layouts: Vec<(&[i64], &[i64])> = arrays.iter().map(|a| (a.shape(), a.strides())).collect();
    let perm = layout::multi_sorted_axes(&layouts, ndim);
    let out = Arc::new(Array::allocate(dt, &shape, &perm, false)?);
    accounting::explicit_copy(out.nbytes());
    let mut start = 0;
    for a in &arrays {
        let mut s = out.strided();
        s.offset = start * out.strides()[axis];
        s.shape[axis] = a.shape()[axis];
        start += a.shape()[axis];
        let dst = out.view(s, true);
        copy::copyto(&dst, a, casting)?;
    }
    drop_views_and_unwrap(out)
}
