//! Views that rearrange axes: transpose, swapaxes, moveaxis, squeeze, expand_dims, diagonal,
//! broadcast_to and sliding windows. Pure stride arithmetic with NumPy's errors.

use super::{broadcast_strides, shape_str_compact, Strided, MAX_NDIM};
use crate::bail;
use crate::error::Result;

/// Normalises a possibly negative axis against `ndim` (NumPy's AxisError message).
pub fn normalize_axis(axis: i64, ndim: usize) -> Result<usize> {
    normalize_named(axis, ndim, "")
}

/// `normalize_axis` whose message names the argument ("axis1: axis 5 is out of bounds ..."),
/// as NumPy's swapaxes, moveaxis and diagonal do.
fn normalize_named(axis: i64, ndim: usize, name: &str) -> Result<usize> {
    let n = ndim as i64;
    if axis < -n || axis >= n {
        let prefix = if name.is_empty() {
            String::new()
        } else {
            format!("{name}: ")
        };
        bail!(
            Axis,
            "{prefix}axis {axis} is out of bounds for array of dimension {ndim}"
        );
    }
    Ok(if axis < 0 { axis + n } else { axis } as usize)
}

/// Normalises a list of axes, rejecting repeats ("repeated axis" + `what`, NumPy's wording).
pub fn normalize_axes(axes: &[i64], ndim: usize, what: &str) -> Result<Vec<usize>> {
    normalize_axes_named(axes, ndim, what, "")
}

fn normalize_axes_named(axes: &[i64], ndim: usize, what: &str, name: &str) -> Result<Vec<usize>> {
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let a = normalize_named(a, ndim, name)?;
        if out.contains(&a) {
            bail!(InvalidArg, "repeated axis{what}");
        }
        out.push(a);
    }
    Ok(out)
}

fn permuted(src: &Strided, perm: &[usize]) -> Strided {
    Strided {
        offset: src.offset,
        shape: perm.iter().map(|&a| src.shape[a]).collect(),
        strides: perm.iter().map(|&a| src.strides[a]).collect(),
    }
}

/// `transpose(axes)`; `None` reverses the axes.
pub fn transpose(src: &Strided, axes: Option<&[i64]>) -> Result<Strided> {
    let ndim = src.shape.len();
    let perm: Vec<usize> = match axes {
        None => (0..ndim).rev().collect(),
        Some(axes) => {
            if axes.len() != ndim {
                bail!(InvalidArg, "axes don't match array");
            }
            normalize_axes(axes, ndim, " in transpose")?
        }
    };
    Ok(permuted(src, &perm))
}

/// `swapaxes(a1, a2)`.
pub fn swapaxes(src: &Strided, a1: i64, a2: i64) -> Result<Strided> {
    let ndim = src.shape.len();
    let (a1, a2) = (
        normalize_named(a1, ndim, "axis1")?,
        normalize_named(a2, ndim, "axis2")?,
    );
    let mut perm: Vec<usize> = (0..ndim).collect();
    perm.swap(a1, a2);
    Ok(permuted(src, &perm))
}

/// `moveaxis(source, destination)`.
pub fn moveaxis(src: &Strided, source: &[i64], destination: &[i64]) -> Result<Strided> {
    let ndim = src.shape.len();
    if source.len() != destination.len() {
        bail!(
            InvalidArg,
            "`source` and `destination` arguments must have the same number of elements"
        );
    }
    let s = normalize_axes_named(source, ndim, " in `source` argument", "source")?;
    let d = normalize_axes_named(
        destination,
        ndim,
        " in `destination` argument",
        "destination",
    )?;
    let mut order: Vec<usize> = (0..ndim).filter(|a| !s.contains(a)).collect();
    let mut pairs: Vec<(usize, usize)> = d.into_iter().zip(s).collect();
    pairs.sort();
    for (dest, source) in pairs {
        order.insert(dest, source);
    }
    Ok(permuted(src, &order))
}

/// `squeeze(axes)`; `None` removes every length-1 axis.
pub fn squeeze(src: &Strided, axes: Option<&[i64]>) -> Result<Strided> {
    let ndim = src.shape.len();
    let drop: Vec<usize> = match axes {
        None => (0..ndim).filter(|&a| src.shape[a] == 1).collect(),
        Some(axes) => {
            let axes = normalize_axes(axes, ndim, "")?;
            if axes.iter().any(|&a| src.shape[a] != 1) {
                bail!(
                    InvalidArg,
                    "cannot select an axis to squeeze out which has size not equal to one"
                );
            }
            axes
        }
    };
    let keep: Vec<usize> = (0..ndim).filter(|a| !drop.contains(a)).collect();
    Ok(permuted(src, &keep))
}

/// `expand_dims(axes)`: new length-1 axes at the given positions of the result. NumPy does
/// this with a reshape, so the new axes get the strides reshape gives them (not 0).
pub fn expand_dims(src: &Strided, axes: &[i64], itemsize: usize) -> Result<Strided> {
    let out_ndim = src.shape.len() + axes.len();
    if out_ndim > MAX_NDIM {
        bail!(
            Shape,
            "maximum supported dimension for an ndarray is currently {MAX_NDIM}, found {out_ndim}"
        );
    }
    let new = normalize_axes(axes, out_ndim, "")?;
    if new.is_empty() {
        return Ok(src.clone()); // reshape to the same shape keeps the strides
    }
    let mut old = src.shape.iter();
    let shape: Vec<i64> = (0..out_ndim)
        .map(|a| {
            if new.contains(&a) {
                1
            } else {
                *old.next().expect("enough old axes")
            }
        })
        .collect();
    let strides = match super::reshape::plan(
        &src.shape,
        &src.strides,
        itemsize,
        &shape,
        super::MemOrder::C,
    ) {
        super::reshape::ReshapePlan::View(s) => s,
        super::reshape::ReshapePlan::Copy => {
            unreachable!("inserting length-1 axes never needs a copy")
        }
    };
    Ok(Strided {
        offset: src.offset,
        shape,
        strides,
    })
}

/// `diagonal(offset, axis1, axis2)`: removes both axes and appends the diagonal axis.
pub fn diagonal(src: &Strided, offset: i64, axis1: i64, axis2: i64) -> Result<Strided> {
    let ndim = src.shape.len();
    if ndim < 2 {
        bail!(
            InvalidArg,
            "diag requires an array of at least two dimensions"
        );
    }
    let (a1, a2) = (
        normalize_named(axis1, ndim, "axis1")?,
        normalize_named(axis2, ndim, "axis2")?,
    );
    if a1 == a2 {
        bail!(InvalidArg, "axis1 and axis2 cannot be the same");
    }
    let (n1, n2) = (src.shape[a1], src.shape[a2]);
    let (s1, s2) = (src.strides[a1], src.strides[a2]);
    let mut out = permuted(
        src,
        &(0..ndim)
            .filter(|&a| a != a1 && a != a2)
            .collect::<Vec<_>>(),
    );
    // offset > 0 moves along axis2, offset < 0 along axis1. NumPy moves the data pointer only
    // when |offset| is at most that axis length (even if the diagonal is then empty).
    let (len, start) = if offset >= 0 {
        let len = n1.min(n2.saturating_sub(offset)).max(0);
        (len, if offset <= n2 { offset * s2 } else { 0 })
    } else {
        let off = offset.saturating_neg();
        let len = n2.min(n1.saturating_sub(off)).max(0);
        (len, if off <= n1 { off * s1 } else { 0 })
    };
    out.offset += start;
    out.shape.push(len);
    out.strides.push(s1 + s2);
    Ok(out)
}

/// `broadcast_to(shape)` (§6): every input axis of length 1 and every new axis gets stride 0.
pub fn broadcast_to(src: &Strided, shape: &[i64]) -> Result<Strided> {
    if shape.iter().any(|&n| n < 0) {
        bail!(
            InvalidArg,
            "all elements of broadcast shape must be non-negative"
        );
    }
    if shape.is_empty() && !src.shape.is_empty() {
        bail!(
            InvalidArg,
            "cannot broadcast a non-scalar to a scalar array"
        );
    }
    let Some(strides) = broadcast_strides(&src.shape, &src.strides, shape) else {
        bail!(
            Shape,
            "operands could not be broadcast together with remapped shapes [original->remapped]: {}  and requested shape {}",
            shape_str_compact(&src.shape),
            shape_str_compact(shape)
        );
    };
    Ok(Strided {
        offset: src.offset,
        shape: shape.to_vec(),
        strides,
    })
}

/// `sliding_window_view(window_shape, axis)` (§6): `axes = None` needs one window length per
/// axis; repeated axes apply cumulatively.
pub fn sliding_window(src: &Strided, window: &[i64], axes: Option<&[i64]>) -> Result<Strided> {
    let ndim = src.shape.len();
    if window.iter().any(|&w| w < 0) {
        bail!(InvalidArg, "`window_shape` cannot contain negative values");
    }
    let axes: Vec<usize> = match axes {
        None => {
            if window.len() != ndim {
                bail!(
                    InvalidArg,
                    "Since axis is `None`, must provide window_shape for all dimensions of `x`; got {} window_shape elements and `x.ndim` is {ndim}.",
                    window.len()
                );
            }
            (0..ndim).collect()
        }
        Some(axes) => {
            if axes.len() != window.len() {
                bail!(
                    InvalidArg,
                    "Must provide matching length window_shape and axis; got {} window_shape elements and {} axes elements.",
                    window.len(),
                    axes.len()
                );
            }
            axes.iter()
                .map(|&a| normalize_axis(a, ndim))
                .collect::<Result<_>>()?
        }
    };
    if ndim + axes.len() > MAX_NDIM {
        bail!(
            Shape,
            "maximum supported dimension for an ndarray is currently {MAX_NDIM}, found {}",
            ndim + axes.len()
        );
    }
    let mut out = src.clone();
    for (&ax, &w) in axes.iter().zip(window) {
        if out.shape[ax] < w {
            bail!(
                InvalidArg,
                "window shape cannot be larger than input array shape"
            );
        }
        out.shape[ax] -= w - 1;
    }
    for (&ax, &w) in axes.iter().zip(window) {
        out.shape.push(w);
        out.strides.push(src.strides[ax]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x34() -> Strided {
        Strided {
            offset: 0,
            shape: vec![3, 4],
            strides: vec![32, 8],
        }
    }

    #[test]
    fn windows_like_numpy() {
        let w = sliding_window(&x34(), &[2, 2], None).unwrap();
        assert_eq!((w.shape, w.strides), (vec![2, 3, 2, 2], vec![32, 8, 32, 8]));
        let w = sliding_window(&x34(), &[2, 2], Some(&[1, 1])).unwrap();
        assert_eq!((w.shape, w.strides), (vec![3, 2, 2, 2], vec![32, 8, 8, 8]));
        let w = sliding_window(&x34(), &[2, 3], Some(&[-1, 0])).unwrap();
        assert_eq!((w.shape, w.strides), (vec![1, 3, 2, 3], vec![32, 8, 8, 32]));
    }

    #[test]
    fn axes_like_numpy() {
        let x = Strided {
            offset: 0,
            shape: vec![2, 3, 4],
            strides: vec![96, 32, 8],
        };
        assert_eq!(moveaxis(&x, &[0], &[-1]).unwrap().shape, vec![3, 4, 2]);
        assert_eq!(moveaxis(&x, &[2, 0], &[0, 1]).unwrap().shape, vec![4, 2, 3]);
        let d = diagonal(&x34(), 1, 0, 1).unwrap();
        assert_eq!((d.offset, d.shape, d.strides), (8, vec![3], vec![40]));
        let d = diagonal(&x34(), -1, 0, 1).unwrap();
        assert_eq!((d.offset, d.shape), (32, vec![2]));
        assert_eq!(
            normalize_axis(3, 2).unwrap_err().message,
            "axis 3 is out of bounds for array of dimension 2"
        );
        let b = broadcast_to(&x34(), &[2, 3, 4]).unwrap();
        assert_eq!(b.strides, vec![0, 32, 8]);
    }
}
