//! Views: indexing, axis views, reshape/ravel, broadcasting, checked as_strided, windows.

use super::args;
use super::handle::ndm_array;
use super::status::ndm_status;
use crate::bail;
use crate::error::Result;
use crate::layout::{self, MAX_NDIM};
use crate::view::{self, IndexItem};
use std::sync::Arc;

/// Index item kind: an integer (`start` holds it; negative counts from the end).
pub const NDM_INDEX_INT: i32 = 0;
/// Index item kind: a slice `start:stop:step` (see `NDM_SLICE_NO_START`/`NO_STOP`).
pub const NDM_INDEX_SLICE: i32 = 1;
/// Index item kind: `newaxis` (a new axis of length 1).
pub const NDM_INDEX_NEWAXIS: i32 = 2;
/// Index item kind: `...` (as many full slices as needed; at most one).
pub const NDM_INDEX_ELLIPSIS: i32 = 3;
/// Slice flag: `start` is omitted (Python's `None`).
pub const NDM_SLICE_NO_START: u32 = 1;
/// Slice flag: `stop` is omitted (Python's `None`).
pub const NDM_SLICE_NO_STOP: u32 = 2;

/// One entry of a basic index for `ndm_index`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ndm_index_item {
    /// `NDM_INDEX_INT`, `NDM_INDEX_SLICE`, `NDM_INDEX_NEWAXIS` or `NDM_INDEX_ELLIPSIS`.
    pub kind: i32,
    /// For slices: `NDM_SLICE_*` bits marking omitted bounds.
    pub flags: u32,
    /// The integer (INT) or the slice start (SLICE).
    pub start: i64,
    /// The slice stop (SLICE).
    pub stop: i64,
    /// The slice step (SLICE); must not be 0.
    pub step: i64,
}

fn item(i: &ndm_index_item, pos: usize) -> Result<IndexItem> {
    Ok(match i.kind {
        NDM_INDEX_INT => IndexItem::Int(i.start),
        NDM_INDEX_SLICE => IndexItem::Slice {
            start: (i.flags & NDM_SLICE_NO_START == 0).then_some(i.start),
            stop: (i.flags & NDM_SLICE_NO_STOP == 0).then_some(i.stop),
            step: i.step,
        },
        NDM_INDEX_NEWAXIS => IndexItem::NewAxis,
        NDM_INDEX_ELLIPSIS => IndexItem::Ellipsis,
        k => bail!(
            InvalidArg,
            "index item {pos} has kind {k}, not one of NDM_INDEX_* (0..=3)"
        ),
    })
}

/// `a[items]` with NumPy's basic indexing (integers, slices with any step, newaxis, ellipsis):
/// always a view sharing `a`'s buffer. An out-of-range integer is `NDM_ERR_INDEX` naming the
/// axis and bound; too many indices is `NDM_ERR_INDEX`; a zero step is `NDM_ERR_INVALID_ARG`.
#[no_mangle]
pub unsafe extern "C" fn ndm_index(
    a: *const ndm_array,
    items: *const ndm_index_item,
    nitems: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let a = args::array(a, "a")?;
            if nitems < 0 || nitems as usize > 2 * MAX_NDIM + 1 {
            bail!(InvalidArg, "nitems {nitems} is out of range (0..={})", 2 * MAX_NDIM + 1);
            }
            let raw: &[ndm_index_item] = if nitems == 0 {
            &[]
            } else if items.is_null() {
            bail!(NullArg, "argument 'items' is NULL");
            } else {
            // SAFETY: the caller guarantees `items` points to `nitems` entries.
            unsafe { std::slice::from_raw_parts(items, nitems as usize) }
            };
            let items = raw.iter().enumerate().map(|(p, i)| item(i, p)).collect::<Result<Vec<_>>>()?;
            Ok(Arc::new(view::index(a, &items)?))
        })
    }
}

/// `a.transpose(axes)`: a view with permuted axes; `naxes == NDM_ALL_AXES` reverses them (NumPy's
/// `axes=None`; `axes` may then be NULL). A wrong count
/// or a repeated axis is `NDM_ERR_INVALID_ARG`; an out-of-range axis `NDM_ERR_AXIS`.
#[no_mangle]
pub unsafe extern "C" fn ndm_transpose(
    a: *const ndm_array,
    axes: *const i64,
    naxes: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let perm = args::axes(axes, naxes, "axes")?;
            Ok(Arc::new(view::transpose(args::array(a, "a")?, perm)?))
        })
    }
}

/// `np.swapaxes(a, axis1, axis2)`: a view.
#[no_mangle]
pub unsafe extern "C" fn ndm_swapaxes(
    a: *const ndm_array,
    axis1: i64,
    axis2: i64,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            Ok(Arc::new(view::swapaxes(args::array(a, "a")?, axis1, axis2)?))
        })
    }
}

/// `np.moveaxis(a, source, destination)` with `n` axes each: a view.
#[no_mangle]
pub unsafe extern "C" fn ndm_moveaxis(
    a: *const ndm_array,
    source: *const i64,
    destination: *const i64,
    n: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let (s, d) = (args::i64s(source, n.into(), "source")?, args::i64s(destination, n.into(), "destination")?);
            Ok(Arc::new(view::moveaxis(args::array(a, "a")?, s, d)?))
        })
    }
}

/// `np.squeeze(a, axes)`: a view without the `naxes` length-1 axes listed (`naxes ==
/// NDM_ALL_AXES`: every length-1 axis; `naxes == 0`: none).
#[no_mangle]
pub unsafe extern "C" fn ndm_squeeze(
    a: *const ndm_array,
    axes: *const i64,
    naxes: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let which = args::axes(axes, naxes, "axes")?;
            Ok(Arc::new(view::squeeze(args::array(a, "a")?, which)?))
        })
    }
}

/// `np.expand_dims(a, axes)`: a view with new length-1 axes at `axes` (positions in the result).
#[no_mangle]
pub unsafe extern "C" fn ndm_expand_dims(
    a: *const ndm_array,
    axes: *const i64,
    naxes: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let which = args::i64s(axes, naxes.into(), "axes")?;
            Ok(Arc::new(view::expand_dims(args::array(a, "a")?, which)?))
        })
    }
}

/// `a.diagonal(offset, axis1, axis2)`: a read-only view (as NumPy's) of the diagonal, which
/// becomes the last axis.
#[no_mangle]
pub unsafe extern "C" fn ndm_diagonal(
    a: *const ndm_array,
    offset: i64,
    axis1: i64,
    axis2: i64,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            Ok(Arc::new(view::diagonal(args::array(a, "a")?, offset, axis1, axis2)?))
        })
    }
}

/// `a.reshape(shape, order, copy)` with NumPy's exact no-copy rule. One entry of `shape` may be
/// negative (unknown). `order`: `NDM_ORDER_C`, `_F` or `_A` (`_K` is `NDM_ERR_INVALID_ARG`).
/// `copy_mode`: `NDM_COPY_IF_NEEDED` returns a view when one exists, else a copy;
/// `NDM_COPY_NEVER` fails with `NDM_ERR_COPY_REQUIRED` instead of copying; `NDM_COPY_ALWAYS`
/// copies. A size mismatch is `NDM_ERR_SHAPE`.
#[no_mangle]
pub unsafe extern "C" fn ndm_reshape(
    a: *const ndm_array,
    ndim: i32,
    shape: *const i64,
    order: i32,
    copy_mode: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let shape = args::i64s(shape, ndim.into(), "shape")?;
            let r = view::reshape(args::array(a, "a")?, shape, args::order(order)?, args::copy_mode(copy_mode)?)?;
            Ok(r)
        })
    }
}

/// `a.ravel(order)`: a 1-D view with stride == itemsize when one exists, else a copy.
#[no_mangle]
pub unsafe extern "C" fn ndm_ravel(
    a: *const ndm_array,
    order: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            view::ravel(args::array(a, "a")?, args::order(order)?)
        })
    }
}

/// `a.flatten(order)`: always a new 1-D array owning its data.
#[no_mangle]
pub unsafe extern "C" fn ndm_flatten(
    a: *const ndm_array,
    order: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            Ok(Arc::new(view::flatten(args::array(a, "a")?, args::order(order)?)?))
        })
    }
}

/// `np.ascontiguousarray(a)`: `a`'s memory when C-contiguous (a 0-d array becomes shape (1,)),
/// else a C-ordered copy. Never fewer than one dimension.
#[no_mangle]
pub unsafe extern "C" fn ndm_ascontiguousarray(
    a: *const ndm_array,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            view::as_contiguous(args::array(a, "a")?, false)
        })
    }
}

/// `np.asfortranarray(a)`: `a`'s memory when F-contiguous, else an F-ordered copy.
#[no_mangle]
pub unsafe extern "C" fn ndm_asfortranarray(
    a: *const ndm_array,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            view::as_contiguous(args::array(a, "a")?, true)
        })
    }
}

/// `np.broadcast_shapes`: the broadcast shape of `count` shapes (`ndims[i]` lengths at
/// `shapes[i]`), written to `out_shape` (room for `NDM_MAX_NDIM` entries) and `*out_ndim`.
/// Incompatible shapes are `NDM_ERR_SHAPE` naming the two arguments.
#[no_mangle]
pub unsafe extern "C" fn ndm_broadcast_shapes(
    count: i32,
    ndims: *const i32,
    shapes: *const *const i64,
    out_ndim: *mut i32,
    out_shape: *mut i64,
) -> ndm_status {
    boundary! {
        let out_ndim = args::out(out_ndim, "out_ndim")?;
        if out_shape.is_null() {
            bail!(NullArg, "argument 'out_shape' is NULL");
        }
        if !(0..=1024).contains(&count) {
            bail!(InvalidArg, "count {count} is out of range (0..=1024)");
        }
        let mut list = Vec::with_capacity(count as usize);
        if count > 0 {
            if ndims.is_null() || shapes.is_null() {
                bail!(NullArg, "argument '{}' is NULL", if ndims.is_null() { "ndims" } else { "shapes" });
            }
            for i in 0..count as usize {
                // SAFETY: the caller guarantees `count` entries in `ndims` and `shapes`.
                let (n, p) = unsafe { (*ndims.add(i), *shapes.add(i)) };
                list.push(args::i64s(p, n.into(), "shapes[i]")?);
            }
        }
        let shape = layout::broadcast_shapes(&list)?;
        // SAFETY: the caller guarantees room for NDM_MAX_NDIM entries; ndim <= 64.
        unsafe { std::ptr::copy_nonoverlapping(shape.as_ptr(), out_shape, shape.len()) };
        *out_ndim = shape.len() as i32;
        Ok(())
    }
}

/// `np.broadcast_to(a, shape)`: a read-only view with stride 0 on stretched and new axes
/// (every input axis of length 1 gets stride 0, as NumPy's). NumPy's errors.
#[no_mangle]
pub unsafe extern "C" fn ndm_broadcast_to(
    a: *const ndm_array,
    ndim: i32,
    shape: *const i64,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let shape = args::i64s(shape, ndim.into(), "shape")?;
            Ok(Arc::new(view::broadcast_to(args::array(a, "a")?, shape)?))
        })
    }
}

/// A view with any shape and byte strides starting at `a`'s element 0, **checked**: every byte
/// of every element must lie inside `a`'s buffer, else `NDM_ERR_BOUNDS` (negative, zero, huge
/// and overflowing strides included; only the buffer's bytes are reachable, not other memory).
/// With `writeable`, the view is writeable if `a` is, and elements that overlap each other
/// (e.g. zero or small strides) are refused with `NDM_ERR_INVALID_ARG`; pass `writeable =
/// false` for a read-only overlapping view. Use `ndm_is_self_overlapping` to ask first.
#[no_mangle]
pub unsafe extern "C" fn ndm_as_strided(
    a: *const ndm_array,
    ndim: i32,
    shape: *const i64,
    strides: *const i64,
    writeable: bool,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let shape = args::i64s(shape, ndim.into(), "shape")?;
            let strides = args::i64s(strides, ndim.into(), "strides")?;
            Ok(Arc::new(view::as_strided(args::array(a, "a")?, shape, strides, writeable)?))
        })
    }
}

/// NumPy's `ndarray(shape, dtype, buffer=a, offset=offset, strides=strides)`: a view of the
/// buffer behind `a` (the range `ndm_buffer_range` reports) read as `dtype`, with element 0 at
/// byte `offset` from the buffer's start and `ndim` axes of `shape` and byte `strides` (NULL:
/// C-contiguous). **Checked**: every byte of every element must lie inside the buffer, else
/// `NDM_ERR_BOUNDS`. With `writeable`, the view is writeable if `a` is, and elements that
/// overlap each other are refused with `NDM_ERR_INVALID_ARG` (pass `writeable = false`).
/// This is how a view is rebuilt from (buffer, offset, dtype, shape, strides), e.g. after
/// unpickling or for `frombuffer` with an offset.
#[no_mangle]
pub unsafe extern "C" fn ndm_view_buffer(
    a: *const ndm_array,
    dtype: *const super::handle::ndm_dtype,
    offset: i64,
    ndim: i32,
    shape: *const i64,
    strides: *const i64,
    writeable: bool,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let d = args::dtype(dtype, "dtype")?.clone();
            let shape = args::i64s(shape, ndim.into(), "shape")?;
            let strides = args::opt_i64s(strides, ndim, "strides")?;
            let a = args::array(a, "a")?;
            Ok(Arc::new(view::view_buffer(a, d, offset, shape, strides, writeable)?))
        })
    }
}

/// The same array as a new handle (same memory, layout, OWNDATA and base) with its WRITEABLE
/// flag cleared (`writeable = false`, always allowed) or set (`writeable = true`): NumPy's
/// `a.flags.writeable = ...`. Setting fails with `NDM_ERR_READONLY` unless `a` was writeable
/// when it was made and its base still is: read-only memory (a map opened "r", a read-only
/// foreign buffer), views of read-only arrays, and views that are read-only because their
/// elements overlap stay read-only. Free `a` if the new handle replaces it.
#[no_mangle]
pub unsafe extern "C" fn ndm_with_writeable(
    a: *const ndm_array,
    writeable: bool,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || Ok(Arc::new(args::array(a, "a")?.with_writeable(writeable)?)))
    }
}

/// `sliding_window_view(a, window_shape, axes, writeable)`: `nwindow` window lengths, for the
/// axes in `axes` (`nwindow` of them; `NULL` with `nwindow > 0`: NumPy's `axis=None`, one window
/// length per axis in order, so `nwindow` must then equal `a`'s ndim; with `nwindow == 0`, no
/// window, as `axis=()`). Read-only unless `writeable`.
#[no_mangle]
pub unsafe extern "C" fn ndm_sliding_window_view(
    a: *const ndm_array,
    nwindow: i32,
    window: *const i64,
    axes: *const i64,
    writeable: bool,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let window = args::i64s(window, nwindow.into(), "window")?;
            // NULL is NumPy's axis=None, except with no window lengths, where (as everywhere)
            // a NULL list of length 0 is the empty list.
            let which = if nwindow == 0 { Some(&[][..]) } else { args::opt_i64s(axes, nwindow, "axes")? };
            Ok(Arc::new(view::sliding_window_view(args::array(a, "a")?, window, which, writeable)?))
        })
    }
}
