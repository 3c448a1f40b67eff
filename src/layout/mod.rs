//! Shape and stride algebra, with no data: validation, fresh strides, contiguity and alignment
//! flags, byte extents and broadcasting. Strides are in bytes and may be negative or zero.
//! All arithmetic on caller-supplied numbers is overflow-checked.

use crate::bail;
use crate::error::Result;

pub mod axes;
pub mod index;
pub mod order;
pub mod reshape;

pub use order::{CopyMode, Order};

/// A strided layout relative to some element 0: the byte offset of the new element 0, the
/// lengths and the byte strides. View computations take and return these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Strided {
    /// Byte offset of element 0 from the source's element 0.
    pub offset: i64,
    /// Axis lengths.
    pub shape: Vec<i64>,
    /// Byte strides.
    pub strides: Vec<i64>,
}

/// The largest number of dimensions an array may have (NumPy 2's limit).
pub const MAX_NDIM: usize = 64;

/// Memory order of freshly computed strides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemOrder {
    /// Row-major: the last axis is contiguous.
    C,
    /// Column-major: the first axis is contiguous.
    F,
}

/// Formats a shape as Python prints a tuple: `(3,)`, `(2, 3)`, `()`.
pub fn shape_str(shape: &[i64]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Checks `ndim`, that no length is negative, and that the byte size fits in `isize`
/// (as NumPy: the product of the non-zero lengths times the itemsize must not overflow).
/// Returns the number of elements.
pub fn check_shape(shape: &[i64], itemsize: usize) -> Result<usize> {
    if shape.len() > MAX_NDIM {
        bail!(
            Shape,
            "maximum supported dimension for an ndarray is currently {MAX_NDIM}, found {}",
            shape.len()
        );
    }
    let mut nbytes: i64 = itemsize as i64;
    let mut size: i64 = 1;
    for (axis, &n) in shape.iter().enumerate() {
        if n < 0 {
            bail!(
                Shape,
                "negative dimensions are not allowed (axis {axis} has length {n})"
            );
        }
        if n == 0 {
            size = 0;
            continue;
        }
        nbytes = match nbytes.checked_mul(n) {
            Some(v) => v,
            None => bail!(
                Shape,
                "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size (shape {})",
                shape_str(shape)
            ),
        };
        size = size.saturating_mul(n);
    }
    Ok(size as usize)
}

/// Strides of a freshly allocated array in `order` (NUMPY_SEMANTICS.md §1.2). A zero-length axis
/// multiplies the running stride by 1.
pub fn fresh_strides(shape: &[i64], itemsize: usize, order: MemOrder) -> Vec<i64> {
    strides_for_axes(shape, &order_axes(shape.len(), order), itemsize)
}

/// Axis order (outermost first) of fresh strides in `order`.
pub fn order_axes(ndim: usize, order: MemOrder) -> Vec<usize> {
    match order {
        MemOrder::C => (0..ndim).collect(),
        MemOrder::F => (0..ndim).rev().collect(),
    }
}

/// Contiguous strides that lay the axes out in `axes` order, outermost first.
pub fn strides_for_axes(shape: &[i64], axes: &[usize], itemsize: usize) -> Vec<i64> {
    let mut strides = vec![0; shape.len()];
    let mut s = itemsize as i64;
    for &ax in axes.iter().rev() {
        strides[ax] = s;
        if shape[ax] != 0 {
            s *= shape[ax];
        }
    }
    strides
}

/// The axis order (outermost first) in which `order='K'` keeps an array's memory layout (§2):
/// C order if C-contiguous or ndim <= 1, F order if F-contiguous, otherwise axes sorted by
/// |stride| descending (ties: lower axis outermost). Negative strides count by magnitude.
pub fn k_order_axes(shape: &[i64], strides: &[i64], itemsize: usize) -> Vec<usize> {
    let mut axes: Vec<usize> = (0..shape.len()).collect();
    if shape.len() <= 1 || is_c_contiguous(shape, strides, itemsize) {
        return axes;
    }
    if is_f_contiguous(shape, strides, itemsize) {
        axes.reverse();
        return axes;
    }
    axes.sort_by_key(|&ax| std::cmp::Reverse(strides[ax].unsigned_abs()));
    axes
}

/// Strides for a new array that keeps the memory order of an existing one (`order='K'`).
pub fn k_order_strides(shape: &[i64], strides: &[i64], itemsize: usize) -> Vec<i64> {
    strides_for_axes(shape, &k_order_axes(shape, strides, itemsize), itemsize)
}

/// NumPy's `PyArray_CreateMultiSortedStridePerm`: the axis order (outermost first) that best
/// matches the memory layouts of several arrays of the same ndim, as used for the output of
/// `concatenate`. An axis moves outward past another only when some array says so (larger
/// |stride|, both lengths != 1) and no earlier array disagrees; conflicts keep C order.
pub fn multi_sorted_axes(layouts: &[(&[i64], &[i64])], ndim: usize) -> Vec<usize> {
    sorted_axes(layouts, ndim, |shape, _, a, b| {
        shape[a] != 1 && shape[b] != 1
    })
}

/// The same ordering as NumPy's iterator finds it for allocating outputs (ufuncs): operands
/// with a zero stride (broadcast or length-1) on either axis have no say.
pub fn iterator_sorted_axes(layouts: &[(&[i64], &[i64])], ndim: usize) -> Vec<usize> {
    sorted_axes(layouts, ndim, |_, strides, a, b| {
        strides[a] != 0 && strides[b] != 0
    })
}

fn sorted_axes(
    layouts: &[(&[i64], &[i64])],
    ndim: usize,
    comparable: impl Fn(&[i64], &[i64], usize, usize) -> bool,
) -> Vec<usize> {
    let mut perm: Vec<usize> = (0..ndim).collect();
    for i0 in 1..ndim {
        let ax0 = perm[i0];
        let mut ipos = i0;
        for i1 in (0..i0).rev() {
            let ax1 = perm[i1];
            let mut ambiguous = true;
            let mut swap = false;
            for (shape, strides) in layouts {
                if comparable(shape, strides, ax0, ax1) {
                    if strides[ax0].unsigned_abs() <= strides[ax1].unsigned_abs() {
                        swap = false;
                    } else if ambiguous {
                        swap = true;
                    }
                    ambiguous = false;
                }
            }
            if !ambiguous {
                if swap {
                    ipos = i1;
                } else {
                    break;
                }
            }
        }
        if ipos != i0 {
            perm.copy_within(ipos..i0, ipos + 1);
            perm[ipos] = ax0;
        }
    }
    perm
}

fn is_contiguous(
    shape: &[i64],
    strides: &[i64],
    itemsize: usize,
    axes: impl Iterator<Item = usize>,
) -> bool {
    if shape.contains(&0) {
        return true;
    }
    let mut sd = itemsize as i64;
    for i in axes {
        if shape[i] != 1 {
            if strides[i] != sd {
                return false;
            }
            sd = sd.wrapping_mul(shape[i]);
        }
    }
    true
}

/// NumPy's C_CONTIGUOUS flag (§3): length-1 axes are ignored, any zero length makes it true.
pub fn is_c_contiguous(shape: &[i64], strides: &[i64], itemsize: usize) -> bool {
    is_contiguous(shape, strides, itemsize, (0..shape.len()).rev())
}

/// NumPy's F_CONTIGUOUS flag (§3).
pub fn is_f_contiguous(shape: &[i64], strides: &[i64], itemsize: usize) -> bool {
    is_contiguous(shape, strides, itemsize, 0..shape.len())
}

/// NumPy's ALIGNED flag (§3) for data at `addr` with the given dtype alignment.
pub fn is_aligned(addr: usize, shape: &[i64], strides: &[i64], alignment: usize) -> bool {
    if alignment <= 1 || shape.contains(&0) {
        return true;
    }
    let mut v = addr as u64;
    for (&n, &s) in shape.iter().zip(strides) {
        if n > 1 {
            v |= s as u64;
        }
    }
    v % alignment as u64 == 0
}

/// Byte extent `[lo, hi)` of the elements relative to element 0, or `None` when the array is
/// empty. Overflow (only possible with caller-supplied strides) is a `Bounds` error.
pub fn extent(shape: &[i64], strides: &[i64], itemsize: usize) -> Result<Option<(i64, i64)>> {
    if shape.contains(&0) {
        return Ok(None);
    }
    let mut lo: i128 = 0;
    let mut hi: i128 = itemsize as i128;
    for (&n, &s) in shape.iter().zip(strides) {
        let span = (n as i128 - 1) * s as i128;
        if span < 0 {
            lo += span;
        } else {
            hi += span;
        }
    }
    match (i64::try_from(lo), i64::try_from(hi)) {
        (Ok(lo), Ok(hi)) => Ok(Some((lo, hi))),
        _ => bail!(
            Bounds,
            "byte extent of shape {} with strides {} overflows 64 bits",
            shape_str(shape),
            shape_str(strides)
        ),
    }
}

/// The broadcast shape of several shapes (§6), or NumPy's mismatch error naming the argument
/// that set the axis length and the one that disagrees (axes are scanned from the left, and
/// the arguments in order within each axis, as NumPy's `PyArray_Broadcast`).
pub fn broadcast_shapes(shapes: &[&[i64]]) -> Result<Vec<i64>> {
    let ndim = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1i64; ndim];
    for (i, dim) in out.iter_mut().enumerate() {
        let mut owner = 0;
        for (arg, shape) in shapes.iter().enumerate() {
            let Some(k) = (i + shape.len()).checked_sub(ndim) else {
                continue;
            };
            let n = shape[k];
            if n == 1 {
                continue;
            }
            if *dim == 1 {
                *dim = n;
                owner = arg;
            } else if *dim != n {
                bail!(
                    Shape,
                    "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg {owner} with shape {} and arg {arg} with shape {}.",
                    shape_str(shapes[owner]),
                    shape_str(shape)
                );
            }
        }
    }
    Ok(out)
}

/// A shape as NumPy's C code prints it in some messages: `(2,3)`, `(3,)`, `()` (no spaces).
pub fn shape_str_compact(shape: &[i64]) -> String {
    let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    match parts.len() {
        1 => format!("({},)", parts[0]),
        _ => format!("({})", parts.join(",")),
    }
}

/// Strides that read an array of `shape`/`strides` as if it had shape `target` (stride 0 on
/// stretched and new leading axes). `None` when `shape` cannot broadcast to `target`.
pub fn broadcast_strides(shape: &[i64], strides: &[i64], target: &[i64]) -> Option<Vec<i64>> {
    if shape.len() > target.len() {
        return None;
    }
    let pad = target.len() - shape.len();
    let mut out = vec![0; target.len()];
    for (i, (&n, &s)) in shape.iter().zip(strides).enumerate() {
        let t = target[pad + i];
        if n == t {
            out[pad + i] = if n == 1 { 0 } else { s };
        } else if n != 1 {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_follow_numpy() {
        // zeros((3,4))[:, :1] -> (3,1),(32,8): neither
        assert!(!is_c_contiguous(&[3, 1], &[32, 8], 8));
        assert!(!is_f_contiguous(&[3, 1], &[32, 8], 8));
        // zeros((1,5)).T -> (5,1),(8,40): both
        assert!(is_c_contiguous(&[5, 1], &[8, 40], 8));
        assert!(is_f_contiguous(&[5, 1], &[8, 40], 8));
        // stride 0 on (1,) -> both; on (3,) -> neither
        assert!(is_c_contiguous(&[1], &[0], 8));
        assert!(!is_c_contiguous(&[3], &[0], 8));
        assert!(!is_aligned(1, &[3], &[8], 8));
        assert!(is_aligned(8, &[1], &[12], 8));
    }

    #[test]
    fn k_order_examples() {
        // x.transpose(2,0,1)[::-1] (4,2,3) strides (-8,96,32) -> (8,96,32)
        assert_eq!(
            k_order_strides(&[4, 2, 3], &[-8, 96, 32], 8),
            vec![8, 96, 32]
        );
        // x[:, ::2] (2,2,4),(96,64,8) -> (64,32,8)
        assert_eq!(
            k_order_strides(&[2, 2, 4], &[96, 64, 8], 8),
            vec![64, 32, 8]
        );
    }

    #[test]
    fn shape_checks() {
        assert!(check_shape(&[-1], 8).is_err());
        assert!(check_shape(&[1 << 62, 4], 8).is_err());
        assert_eq!(check_shape(&[0, 1 << 40], 8).unwrap(), 0);
        assert!(check_shape(&[1; 65], 8).is_err());
    }

    #[test]
    fn broadcasting() {
        assert_eq!(
            broadcast_shapes(&[&[2, 0, 1], &[3]]).unwrap(),
            vec![2, 0, 3]
        );
        let e = broadcast_shapes(&[&[0], &[2]]).unwrap_err();
        assert!(e
            .message
            .contains("arg 0 with shape (0,) and arg 1 with shape (2,)"));
        assert_eq!(broadcast_strides(&[3], &[8], &[2, 3]), Some(vec![0, 8]));
        assert_eq!(broadcast_strides(&[3], &[8], &[4]), None);
    }
}
