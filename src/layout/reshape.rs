//! Reshape without copying (NUMPY_SEMANTICS.md §1) and ravel's view rule (§2).

use super::{fresh_strides, is_c_contiguous, is_f_contiguous, MemOrder};
use crate::bail;
use crate::error::Result;

/// Resolves a requested shape with at most one unknown (any negative entry) against `size`
/// elements, with NumPy's errors.
pub fn resolve_shape(requested: &[i64], size: i64) -> Result<Vec<i64>> {
    let unknown: Vec<usize> = (0..requested.len()).filter(|&i| requested[i] < 0).collect();
    if unknown.len() > 1 {
        bail!(Shape, "can only specify one unknown dimension");
    }
    let known: i64 = requested
        .iter()
        .filter(|&&n| n >= 0)
        .try_fold(1i64, |acc, &n| acc.checked_mul(n))
        .unwrap_or(-1);
    let mismatch = || {
        // NumPy's convert_shape_to_string: leading unknowns are dropped, later ones print as
        // "newaxis", no spaces, and a trailing "," only when one entry was printed in all.
        let first = requested.iter().position(|&n| n >= 0);
        let shown = match first {
            None => "()".to_string(),
            Some(f) => {
                let parts: Vec<String> = requested[f..]
                    .iter()
                    .map(|&n| {
                        if n < 0 {
                            "newaxis".to_string()
                        } else {
                            n.to_string()
                        }
                    })
                    .collect();
                if requested.len() == 1 {
                    format!("({},)", parts[0])
                } else {
                    format!("({})", parts.join(","))
                }
            }
        };
        crate::error::Error::new(
            crate::error::ErrorKind::Shape,
            format!("cannot reshape array of size {size} into shape {shown}"),
        )
    };
    let mut shape = requested.to_vec();
    match unknown.first() {
        Some(&u) => {
            if known <= 0 || size % known != 0 {
                return Err(mismatch());
            }
            shape[u] = size / known;
        }
        None if known != size => return Err(mismatch()),
        None => {}
    }
    Ok(shape)
}

/// Strides for viewing `shape`/`strides` as `new_shape` without copying, in C (`fortran =
/// false`) or F index order, or `None` when a copy is needed. Implements NumPy's
/// `_attempt_nocopy_reshape` (§1.3); callers handle the contiguous fast path (§1.1 step 5).
pub fn nocopy_strides(
    shape: &[i64],
    strides: &[i64],
    new_shape: &[i64],
    itemsize: usize,
    fortran: bool,
) -> Option<Vec<i64>> {
    let (dims, st): (Vec<i64>, Vec<i64>) = shape
        .iter()
        .zip(strides)
        .filter(|(&n, _)| n != 1)
        .map(|(&n, &s)| (n, s))
        .unzip();
    let (m, nn) = (dims.len(), new_shape.len());
    let mut ns = vec![0i64; nn];
    let (mut i, mut j) = (0, 0);
    while j < nn && i < m {
        let (mut p, mut q) = (new_shape[j], dims[i]);
        let (mut je, mut ie) = (j + 1, i + 1);
        while p != q {
            if p < q {
                if je >= nn {
                    return None;
                }
                p *= new_shape[je];
                je += 1;
            } else {
                if ie >= m {
                    return None;
                }
                q *= dims[ie];
                ie += 1;
            }
        }
        for k in i..ie - 1 {
            let ok = if fortran {
                st[k + 1] == dims[k] * st[k]
            } else {
                st[k] == dims[k + 1] * st[k + 1]
            };
            if !ok {
                return None;
            }
        }
        if fortran {
            ns[j] = st[i];
            for k in j + 1..je {
                ns[k] = ns[k - 1] * new_shape[k - 1];
            }
        } else {
            ns[je - 1] = st[ie - 1];
            for k in (j + 1..je).rev() {
                ns[k - 1] = ns[k] * new_shape[k];
            }
        }
        j = je;
        i = ie;
    }
    if i < m {
        return None;
    }
    // Remaining new axes have length 1.
    if j < nn {
        let mut t = if j == 0 { itemsize as i64 } else { ns[j - 1] };
        if fortran && j > 0 {
            t *= new_shape[j - 1];
        }
        for s in &mut ns[j..] {
            *s = t;
        }
    }
    Some(ns)
}

/// The outcome of planning a reshape.
#[derive(Debug, PartialEq, Eq)]
pub enum ReshapePlan {
    /// A view with these strides.
    View(Vec<i64>),
    /// A copy in this memory order is needed, then fresh strides.
    Copy,
}

/// Plans NumPy's `reshape(new_shape, order)` for a layout (§1.1): contiguous-in-order sources
/// get fresh strides; otherwise the no-copy algorithm decides. (The "same shape keeps its
/// strides" rule compares the shape as requested, before unknowns are resolved, so it is the
/// caller's.)
pub fn plan(
    shape: &[i64],
    strides: &[i64],
    itemsize: usize,
    new_shape: &[i64],
    order: MemOrder,
) -> ReshapePlan {
    let contiguous = match order {
        MemOrder::C => is_c_contiguous(shape, strides, itemsize),
        MemOrder::F => is_f_contiguous(shape, strides, itemsize),
    };
    if contiguous {
        return ReshapePlan::View(fresh_strides(new_shape, itemsize, order));
    }
    match nocopy_strides(shape, strides, new_shape, itemsize, order == MemOrder::F) {
        Some(s) => ReshapePlan::View(s),
        None => ReshapePlan::Copy,
    }
}

/// Whether `ravel(order='K')` of a non-contiguous layout is a view (§2): walking the axes from
/// the smallest |stride|, skipping length-1 axes, every stride must equal itemsize times the
/// product of the faster lengths (all positive).
pub fn ravel_k_is_view(shape: &[i64], strides: &[i64], itemsize: usize) -> bool {
    let mut axes: Vec<usize> = (0..shape.len()).filter(|&a| shape[a] != 1).collect();
    axes.sort_by_key(|&a| std::cmp::Reverse(strides[a].unsigned_abs()));
    let mut expect = itemsize as i64;
    for &a in axes.iter().rev() {
        if strides[a] != expect {
            return false;
        }
        expect *= shape[a];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(shape: &[i64], strides: &[i64], new: &[i64], order: MemOrder) -> Option<Vec<i64>> {
        match plan(shape, strides, 8, new, order) {
            ReshapePlan::View(s) => Some(s),
            ReshapePlan::Copy => None,
        }
    }

    #[test]
    fn worked_examples_of_the_semantics_doc() {
        let c = MemOrder::C;
        let f = MemOrder::F;
        // s = x[:,:,::2] (2,3,2),(96,32,16)
        assert_eq!(
            view(&[2, 3, 2], &[96, 32, 16], &[6, 2], c),
            Some(vec![32, 16])
        );
        assert_eq!(
            view(&[2, 3, 2], &[96, 32, 16], &[3, 4], c),
            Some(vec![64, 16])
        );
        assert_eq!(view(&[2, 3, 2], &[96, 32, 16], &[12], c), Some(vec![16]));
        // s2 = x[:,1:,:] (2,2,4),(96,32,8)
        assert_eq!(
            view(&[2, 2, 4], &[96, 32, 8], &[2, 1, 8, 1], c),
            Some(vec![96, 64, 8, 8])
        );
        assert_eq!(
            view(&[2, 2, 4], &[96, 32, 8], &[2, 8, 1, 1], c),
            Some(vec![96, 8, 8, 8])
        );
        assert_eq!(
            view(&[2, 2, 4], &[96, 32, 8], &[1, 2, 8], c),
            Some(vec![192, 96, 8])
        );
        assert_eq!(view(&[2, 2, 4], &[96, 32, 8], &[4, 4], c), None);
        assert_eq!(view(&[2, 2, 4], &[96, 32, 8], &[2, 8, 1, 1], f), None);
        // as_strided (3,1,4),(256,999,8)
        assert_eq!(
            view(&[3, 1, 4], &[256, 999, 8], &[1, 3, 1, 4, 1], c),
            Some(vec![768, 256, 32, 8, 8])
        );
        assert_eq!(
            view(&[3, 1, 4], &[256, 999, 8], &[1, 3, 1, 4, 1], f),
            Some(vec![256, 256, 8, 8, 32])
        );
        // broadcast (3,4),(0,8)
        assert_eq!(view(&[3, 4], &[0, 8], &[3, 2, 2], c), Some(vec![0, 16, 8]));
        assert_eq!(view(&[3, 4], &[0, 8], &[12], c), None);
        // x.T (4,3,2),(8,32,96) -> (2,2,6) F
        assert_eq!(
            view(&[4, 3, 2], &[8, 32, 96], &[2, 2, 6], f),
            Some(vec![8, 16, 32])
        );
    }

    #[test]
    fn unknown_dimension() {
        assert_eq!(resolve_shape(&[-1, 4], 12).unwrap(), vec![3, 4]);
        assert_eq!(resolve_shape(&[2, -2], 12).unwrap(), vec![2, 6]);
        let e = resolve_shape(&[5, -1], 12).unwrap_err();
        assert_eq!(
            e.message,
            "cannot reshape array of size 12 into shape (5,newaxis)"
        );
        assert!(resolve_shape(&[-1, -1], 12).is_err());
        assert!(resolve_shape(&[-1, 0], 0).is_err());
    }
}
