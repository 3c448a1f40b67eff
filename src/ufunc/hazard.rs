//! Writing an output that overlaps an input without a whole-array temporary.
//!
//! NumPy's rule is that a ufunc's result is as if every input had been copied first. An input
//! that shares no memory with `out`, or is element-wise identical to it, needs nothing. An
//! input laid out exactly like `out` (same shape after broadcasting, same strides, same item
//! size) but shifted in memory needs no copy either, provided the elements are visited in the
//! right direction: when `out` lies below the input, in increasing address order (each element
//! of `out` then only overwrites input elements already read, or read in the same block), and
//! in decreasing order when it lies above. That needs `out` to be walked in monotonic address
//! order, i.e. its axes nest (each stride at least the extent of the axes inside it). Any
//! other overlapping input (a transpose, a broadcast row, a different item size, a layout whose
//! axes interleave) is copied, and only that input, in its own shape: the copy is the size of
//! the input, never of the broadcast result.

use crate::array::Array;
use crate::layout;
use crate::overlap::{self, Footprint, Overlap};

/// The order in which `out` must be visited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Any order (the fastest).
    Any,
    /// Increasing addresses of `out`.
    Ascending,
    /// Decreasing addresses of `out`.
    Descending,
}

/// What an input needs before the loop may write `out`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Nothing, in any order.
    Nothing,
    /// Nothing, if `out` is visited in this direction.
    Order(Direction),
    /// A copy of the input.
    Copy,
}

/// What `x` needs so that writing `out` cannot change it before it is read.
pub fn need(out: &Array, x: &Array) -> Need {
    let fo = Footprint::of(out);
    let identical = x.data_ptr() == out.data_ptr()
        && x.dtype() == out.dtype()
        && x.shape() == out.shape()
        && x.strides() == out.strides();
    if identical {
        // Element i is read and written by the same step (`a += b` with `out is a`).
        return match overlap::internal_overlap(&fo, 1) {
            Ok(Overlap::No) => Need::Nothing,
            _ => Need::Copy,
        };
    }
    if overlap::shares_memory(&fo, &Footprint::of(x), 1).is_ok_and(|o| o == Overlap::No) {
        return Need::Nothing;
    }
    let Some(strides) = layout::broadcast_strides(x.shape(), x.strides(), out.shape()) else {
        return Need::Copy;
    };
    let same_layout = x.itemsize() == out.itemsize()
        && out
            .shape()
            .iter()
            .zip(strides.iter().zip(out.strides()))
            .all(|(&n, (s, o))| n <= 1 || s == o);
    if !same_layout || !nested(out) {
        return Need::Copy;
    }
    let (px, po) = (x.data_ptr() as usize, out.data_ptr() as usize);
    Need::Order(match px.cmp(&po) {
        std::cmp::Ordering::Equal => Direction::Any,
        std::cmp::Ordering::Greater => Direction::Ascending,
        std::cmp::Ordering::Less => Direction::Descending,
    })
}

/// True when the axes of `a` nest: sorted by |stride|, each |stride| is at least the byte extent
/// of the axes inside it, so a walk in that order visits strictly monotonic addresses (and no
/// two elements overlap).
fn nested(a: &Array) -> bool {
    let mut axes: Vec<(u64, u64)> = a
        .shape()
        .iter()
        .zip(a.strides())
        .filter(|(&n, _)| n > 1)
        .map(|(&n, &s)| (n as u64, s.unsigned_abs()))
        .collect();
    axes.sort_by_key(|&(_, s)| s);
    let mut extent = a.itemsize() as u64;
    for (n, s) in axes {
        if s < extent {
            return false;
        }
        extent = s.saturating_mul(n - 1).saturating_add(extent);
    }
    true
}

/// The direction that satisfies both `d` and `e`, if any.
pub fn combine(d: Direction, e: Direction) -> Option<Direction> {
    match (d, e) {
        (Direction::Any, x) | (x, Direction::Any) => Some(x),
        (x, y) if x == y => Some(x),
        _ => None,
    }
}
