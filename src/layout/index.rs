//! Basic indexing (NumPy's `x[...]` with integers, slices, newaxis and ellipsis) as pure stride
//! arithmetic: the result is a byte offset from element 0 plus a new shape and strides.

use super::Strided;
use crate::bail;
use crate::error::Result;

/// One entry of a basic index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexItem {
    /// An integer; negative values count from the end. Removes the axis.
    Int(i64),
    /// `start:stop:step` with Python's meaning of omitted (`None`) and negative bounds.
    Slice {
        /// First index, or `None` for the natural start.
        start: Option<i64>,
        /// One past the last index, or `None` for the natural end.
        stop: Option<i64>,
        /// Step, non-zero; negative walks backwards.
        step: i64,
    },
    /// `np.newaxis`: inserts an axis of length 1.
    NewAxis,
    /// `...`: as many full slices as needed.
    Ellipsis,
}

/// Python's `slice.indices(n)`: clipped start, stop and the number of elements.
pub fn slice_indices(
    n: i64,
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
) -> Result<(i64, i64, i64)> {
    if step == 0 {
        bail!(InvalidArg, "slice step cannot be zero");
    }
    let (lower, upper) = if step < 0 { (-1, n - 1) } else { (0, n) };
    let clip = |v: Option<i64>, default: i64| match v {
        None => default,
        Some(v) if v < 0 => (v.saturating_add(n)).max(lower),
        Some(v) => v.min(upper),
    };
    let start = clip(start, if step < 0 { upper } else { lower });
    let stop = clip(stop, if step < 0 { lower } else { upper });
    let len = if step > 0 {
        if stop > start {
            (stop - start - 1) / step + 1
        } else {
            0
        }
    } else if start > stop {
        // Unsigned: `-step` overflows for i64::MIN (found by the c_api_calls fuzz target).
        ((start - stop - 1) as u64 / step.unsigned_abs()) as i64 + 1
    } else {
        0
    };
    Ok((start, stop, len))
}

/// Applies a basic index to a strided layout. Errors follow NumPy: out-of-range integers and
/// too many indices are `Index` errors naming the axis and bound; a zero step is `InvalidArg`.
pub fn apply(src: &Strided, items: &[IndexItem]) -> Result<Strided> {
    let ellipses = items
        .iter()
        .filter(|i| matches!(i, IndexItem::Ellipsis))
        .count();
    if ellipses > 1 {
        bail!(Index, "an index can only have a single ellipsis ('...')");
    }
    let consumed = items
        .iter()
        .filter(|i| matches!(i, IndexItem::Int(_) | IndexItem::Slice { .. }))
        .count();
    let ndim = src.shape.len();
    if consumed > ndim {
        bail!(
            Index,
            "too many indices for array: array is {ndim}-dimensional, but {consumed} were indexed"
        );
    }
    let newaxes = items.iter().filter(|i| **i == IndexItem::NewAxis).count();
    if ndim - consumed + newaxes > super::MAX_NDIM {
        bail!(
            Index,
            "number of dimensions must be within [0, {}], indexing result would have {}",
            super::MAX_NDIM,
            ndim - consumed + newaxes
        );
    }
    let full = IndexItem::Slice {
        start: None,
        stop: None,
        step: 1,
    };
    let mut expanded = Vec::with_capacity(items.len() + ndim);
    for item in items {
        if *item == IndexItem::Ellipsis {
            expanded.extend(std::iter::repeat_n(full, ndim - consumed));
        } else {
            expanded.push(*item);
        }
    }
    if ellipses == 0 {
        expanded.extend(std::iter::repeat_n(full, ndim - consumed));
    }
    let mut out = Strided {
        offset: src.offset,
        shape: Vec::with_capacity(expanded.len()),
        strides: Vec::with_capacity(expanded.len()),
    };
    let mut axis = 0;
    for item in expanded {
        match item {
            IndexItem::NewAxis => {
                out.shape.push(1);
                out.strides.push(0);
            }
            IndexItem::Int(i) => {
                let n = src.shape[axis];
                let j = if i < 0 { i.wrapping_add(n) } else { i };
                if !(0..n).contains(&j) {
                    bail!(
                        Index,
                        "index {i} is out of bounds for axis {axis} with size {n}"
                    );
                }
                out.offset += j * src.strides[axis];
                axis += 1;
            }
            IndexItem::Slice { start, stop, step } => {
                let (n, s) = (src.shape[axis], src.strides[axis]);
                let (start, _, len) = slice_indices(n, start, stop, step)?;
                // NumPy points an empty slice at the axis start with the axis stride.
                let (start, step) = if len == 0 { (0, 1) } else { (start, step) };
                out.offset += start * s;
                out.shape.push(len);
                // `s * step` as NumPy computes it. It can only overflow when `len` <= 1 (two
                // elements that far apart would not fit in memory), where the stride is never
                // used to address anything: the axis's own stride then stands in.
                out.strides.push(s.checked_mul(step).unwrap_or(s));
                axis += 1;
            }
            IndexItem::Ellipsis => unreachable!("expanded above"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x() -> Strided {
        Strided {
            offset: 0,
            shape: vec![2, 3, 4],
            strides: vec![96, 32, 8],
        }
    }

    fn sl(start: Option<i64>, stop: Option<i64>, step: i64) -> IndexItem {
        IndexItem::Slice { start, stop, step }
    }

    #[test]
    fn python_slice_rules() {
        assert_eq!(slice_indices(5, None, None, -1).unwrap(), (4, -1, 5));
        assert_eq!(
            slice_indices(5, Some(-100), Some(100), 2).unwrap(),
            (0, 5, 3)
        );
        assert_eq!(slice_indices(5, Some(3), Some(1), 1).unwrap(), (3, 1, 0));
        assert_eq!(slice_indices(3, Some(5), None, 1).unwrap(), (3, 3, 0));
        assert!(slice_indices(3, None, None, 0).is_err());
        assert_eq!(slice_indices(5, None, None, i64::MIN).unwrap(), (4, -1, 1));
        assert_eq!(slice_indices(5, None, None, i64::MAX).unwrap(), (0, 5, 1));
    }

    #[test]
    fn a_one_element_slice_of_a_huge_stride_does_not_overflow() {
        // as_strided can give a length-1 axis any stride; `s * step` would overflow (found by
        // the c_api_calls fuzz target, fuzz/regressions/c_api_calls/index_slice_stride_overflow).
        let src = Strided {
            offset: 0,
            shape: vec![1],
            strides: vec![1 << 62],
        };
        let v = apply(&src, &[sl(None, None, i64::MIN + 1)]).unwrap();
        assert_eq!((v.shape, v.strides, v.offset), (vec![1], vec![1 << 62], 0));
        let v = apply(&src, &[sl(None, None, 2)]).unwrap();
        assert_eq!(v.strides, vec![1 << 62]);
    }

    #[test]
    fn views_like_numpy() {
        // x[1, ::-1, None, 1:3]
        let v = apply(
            &x(),
            &[
                IndexItem::Int(1),
                sl(None, None, -1),
                IndexItem::NewAxis,
                sl(Some(1), Some(3), 1),
            ],
        )
        .unwrap();
        assert_eq!(v.shape, vec![3, 1, 2]);
        assert_eq!(v.strides, vec![-32, 0, 8]);
        assert_eq!(v.offset, 96 + 64 + 8);
        // x[..., -1]
        let v = apply(&x(), &[IndexItem::Ellipsis, IndexItem::Int(-1)]).unwrap();
        assert_eq!(
            (v.shape, v.strides, v.offset),
            (vec![2, 3], vec![96, 32], 24)
        );
        let e = apply(&x(), &[IndexItem::Int(0); 4]).unwrap_err();
        assert!(e
            .message
            .contains("array is 3-dimensional, but 4 were indexed"));
        let e = apply(&x(), &[IndexItem::Int(0), IndexItem::Int(3)]).unwrap_err();
        assert_eq!(e.message, "index 3 is out of bounds for axis 1 with size 3");
    }
}
