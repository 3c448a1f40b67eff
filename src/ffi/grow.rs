//! Growable arrays: `ndm_empty_growable`, `ndm_open_append`, `ndm_append`, `ndm_append_raw`,
//! `ndm_reserve`, `ndm_shrink_to_fit`, `ndm_capacity`, `ndm_growable_view` and the rest.
//!
//! Which pointers stay valid is stated once, at `ndm_growable_view` (the header shows it).
//!
//! A growable is not thread-safe, like `std::vector`: calls on one growable must not overlap
//! (most overlaps are refused with `NDM_ERR_INVALID_ARG`, not all can be seen). Arrays from it
//! are ordinary arrays, usable from any thread.

use super::args;
use super::handle::{ndm_array, ndm_dtype, ndm_growable};
use super::pools::{GrowCell, GROWABLES};
use super::status::ndm_status;
use crate::bail;
use crate::error::Result;
use crate::grow::{Growable, MovePolicy};
use crate::npy::append::Expect;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// `ndm_growable_set_policy`: when an append must move rows that live views still refer to,
/// move them (the views keep the old buffer). The default.
pub const NDM_GROW_MOVE: i32 = 0;
/// `ndm_growable_set_policy`: refuse such a move with `NDM_ERR_IN_USE`.
pub const NDM_GROW_REFUSE: i32 = 1;

super::status::same_code!(
    NDM_GROW_MOVE = MovePolicy::Move,
    NDM_GROW_REFUSE = MovePolicy::Refuse,
);

/// Runs `f` on the growable behind the handle `g`.
fn with<R>(g: *const ndm_growable, f: impl FnOnce(&mut Growable) -> Result<R>) -> Result<R> {
    GROWABLES.get(g.cast(), "g")?.with(f)
}

/// A count of rows from C: never negative.
fn count(n: i64, what: &str) -> Result<usize> {
    if n < 0 {
        bail!(Shape, "{what} {n} is negative");
    }
    Ok(n as usize)
}

fn produce(out: *mut *mut ndm_growable, make: impl FnOnce() -> Result<Growable>) -> Result<()> {
    let out = args::out(out, "out")?;
    let mut g = make()?;
    g.set_view_counter(super::pools::handles_viewing);
    super::pools::arm_leak_report();
    *out = GROWABLES.insert(GrowCell::new(g)).cast();
    Ok(())
}

/// A new growable array in memory: `ndim` axes of lengths `shape` (the growing axis holds the
/// initial rows, uninitialised, usually 0), room for at least `capacity` rows. `order`
/// `NDM_ORDER_C` grows axis 0, `NDM_ORDER_F` the last axis; each row is contiguous. A 0-d shape,
/// a negative capacity or length is `NDM_ERR_SHAPE`.
#[no_mangle]
pub unsafe extern "C" fn ndm_empty_growable(
    dtype: *const ndm_dtype,
    ndim: i32,
    shape: *const i64,
    capacity: i64,
    order: i32,
    out: *mut *mut ndm_growable,
) -> ndm_status {
    boundary! {
        produce(out, || {
            let d = args::dtype(dtype, "dtype")?.clone();
            let shape = args::i64s(shape, ndim.into(), "shape")?;
            Growable::empty(d, shape, capacity, args::mem_order(order)?)
        })
    }
}

/// Opens the `.npy` file `path` for appending rows in place. An existing file keeps its rows;
/// `dtype` (NULL: the file's), the row shape (`ndim` < 0: the file's) and `order`
/// (`NDM_ORDER_A`: the file's) must match it, and its header must have room for a longer
/// length (files written by ndmem or NumPy 1.24 and later have it; `NDM_ERR_FORMAT` otherwise).
/// A missing or empty file is created with no rows, which needs `dtype` and the row shape
/// (`NDM_ORDER_A` then means C). One writer at a time: the file stays locked (`flock`) until
/// `ndm_growable_free`; opening it for appending again meanwhile, from this process or another,
/// is `NDM_ERR_IO`. After `ndm_growable_flush` (and `ndm_growable_free`) the file
/// is a complete `.npy` file; if the process dies in between, it loads with the rows of the
/// last flush.
#[no_mangle]
pub unsafe extern "C" fn ndm_open_append(
    path: *const c_char,
    dtype: *const ndm_dtype,
    ndim: i32,
    row_shape: *const i64,
    order: i32,
    out: *mut *mut ndm_growable,
) -> ndm_status {
    boundary! {
        produce(out, || {
            let path = args::path(path, "path")?;
            let dtype = match dtype.is_null() {
                true => None,
                false => Some(args::dtype(dtype, "dtype")?),
            };
            let row_shape = match ndim < 0 {
                true => None,
                false => Some(args::i64s(row_shape, ndim.into(), "row_shape")?),
            };
            let order = match order {
                super::args::NDM_ORDER_A => None,
                o => Some(args::mem_order(o)?),
            };
            let expect = Expect { dtype, row_shape, order };
            Growable::open_npy(path, &expect, super::file::NDM_NPY_MAX_HEADER_LEN as usize)
        })
    }
}

/// Appends `values`: with as many dimensions as the array, a block of rows (as many as its
/// length along the growing axis), else one row; other axes broadcast to the row shape and
/// values are cast with `same_kind` (NumPy's assignment), all checked before anything moves.
/// `values` may be a view of the growable itself.
#[no_mangle]
pub unsafe extern "C" fn ndm_append(g: *mut ndm_growable, values: *const ndm_array) -> ndm_status {
    boundary! {
        let values = Arc::clone(args::array(values, "values")?);
        with(g, |g| g.append(&values))
    }
}

/// Appends `nrows` rows stored contiguously at `data` in the array's dtype and order (one row
/// is `ndm_growable_row_bytes` bytes, copied as they are). `data` may be NULL when `nrows` is
/// 0. For values produced one at a time, `ndm_append_space` is several times faster.
#[no_mangle]
pub unsafe extern "C" fn ndm_append_raw(
    g: *mut ndm_growable,
    data: *const c_void,
    nrows: i64,
) -> ndm_status {
    boundary! {
        with(g, |g| {
            let nrows = count(nrows, "nrows")?;
            if nrows == 0 {
                return Ok(());
            }
            if data.is_null() {
                bail!(NullArg, "argument 'data' is NULL");
            }
            // The header's contract: `data` holds `nrows` rows of the array's dtype.
            // SAFETY: so it is readable for `nrows * row_bytes` bytes.
            unsafe { g.append_raw(data.cast(), nrows) }
        })
    }
}

/// The fast path for rows produced one at a time: makes room for at least `nrows` more rows
/// past the last one (growing as `ndm_append` would) and sets `*rows` to where they go. Write
/// up to `nrows` rows there (the array's dtype and order), then `ndm_append_commit` makes them
/// part of the array; writing a value is then a plain store. Until committed they are not rows
/// (views do not see them), and the address is valid only until the next call on `g` other
/// than `ndm_append_commit` (which may move the memory, as `std::vector` invalidates
/// iterators; views stay valid as always).
#[no_mangle]
pub unsafe extern "C" fn ndm_append_space(
    g: *mut ndm_growable,
    nrows: i64,
    rows: *mut *mut c_void,
) -> ndm_status {
    boundary! {
        let rows = args::out(rows, "rows")?;
        let nrows = count(nrows, "nrows")?;
        *rows = with(g, |g| g.space(nrows))?.cast();
        Ok(())
    }
}

/// Makes the first `nrows` rows written at the address of the last `ndm_append_space` part of
/// the array; further commits take the rows after them, up to that call's `nrows` in all
/// (`NDM_ERR_INVALID_ARG` beyond, or after another call on `g`).
#[no_mangle]
pub unsafe extern "C" fn ndm_append_commit(g: *mut ndm_growable, nrows: i64) -> ndm_status {
    boundary! {
        let nrows = count(nrows, "nrows")?;
        with(g, |g| g.commit(nrows))
    }
}

/// Makes room for at least `rows` rows in all (never shrinks). Moving rows that live views
/// refer to is an explicit copy (the caller asked), refused under `NDM_GROW_REFUSE`.
#[no_mangle]
pub unsafe extern "C" fn ndm_reserve(g: *mut ndm_growable, rows: i64) -> ndm_status {
    boundary! {
        let rows = count(rows, "rows")?;
        with(g, |g| g.reserve(rows))
    }
}

/// Gives back the room past the last row, when no view refers to the buffer (in memory) or
/// maps the file (on disk); with views alive it does nothing (moving would only add a buffer).
#[no_mangle]
pub unsafe extern "C" fn ndm_shrink_to_fit(g: *mut ndm_growable) -> ndm_status {
    boundary! { with(g, |g| g.shrink_to_fit()) }
}

/// Rows that fit before the next move (-1 on error).
#[no_mangle]
pub unsafe extern "C" fn ndm_capacity(g: *const ndm_growable) -> i64 {
    boundary_value! { -1, with(g, |g| Ok(g.capacity() as i64)) }
}

/// Rows in the array (-1 on error).
#[no_mangle]
pub unsafe extern "C" fn ndm_growable_len(g: *const ndm_growable) -> i64 {
    boundary_value! { -1, with(g, |g| Ok(g.len() as i64)) }
}

/// The axis rows are appended along: 0 in C order, the last in F order (-1 on error).
#[no_mangle]
pub unsafe extern "C" fn ndm_growable_axis(g: *const ndm_growable) -> i32 {
    boundary_value! { -1, with(g, |g| Ok(g.axis() as i32)) }
}

/// Bytes of one row (-1 on error).
#[no_mangle]
pub unsafe extern "C" fn ndm_growable_row_bytes(g: *const ndm_growable) -> i64 {
    boundary_value! { -1, with(g, |g| Ok(g.row_bytes() as i64)) }
}

/// Live array handles that view the growable's current buffer (-1 on error).
#[no_mangle]
pub unsafe extern "C" fn ndm_growable_live_views(g: *const ndm_growable) -> i64 {
    boundary_value! { -1, with(g, |g| Ok(g.live_views() as i64)) }
}

/// A new array handle viewing the current rows (writeable, no copy).
///
/// Which pointers stay valid (as `std::vector` documents iterator invalidation):
/// - This array, every view made from it and every pointer into its elements (`ndm_data`) stay
///   valid until that array is freed, whatever the growable does afterwards (appends, moves,
///   `ndm_growable_free`): the array keeps the buffer it views alive, and sees the rows that
///   existed when it was made.
/// - While the growable does not move, they see the growable's memory: writes through them
///   change its rows. Appending within `ndm_capacity` never moves; neither does anything on
///   disk (old views map the same file pages).
/// - When an append outgrows the capacity while such views are alive, the rows are copied to a
///   new buffer (an implicit copy, `NDM_COPY_REASON_GROWTH`) and the views keep the old one,
///   unchanged; later writes through them no longer reach the growable. Under
///   `NDM_GROW_REFUSE` the append fails with `NDM_ERR_IN_USE` instead. Without live views the
///   buffer is resized by `realloc` and nothing is counted.
/// - The only pointer that can dangle is the room `ndm_append_space` gives, which is valid until
///   the next call on the growable other than `ndm_append_commit`.
#[no_mangle]
pub unsafe extern "C" fn ndm_growable_view(
    g: *const ndm_growable,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! { args::produce(out, || with(g, |g| Ok(Arc::new(g.array()?)))) }
}

/// Sets what an append does when it must move rows that live views refer to: `NDM_GROW_MOVE`
/// (the default) or `NDM_GROW_REFUSE`.
#[no_mangle]
pub unsafe extern "C" fn ndm_growable_set_policy(g: *mut ndm_growable, policy: i32) -> ndm_status {
    boundary! {
        let policy = match policy {
            NDM_GROW_MOVE => MovePolicy::Move,
            NDM_GROW_REFUSE => MovePolicy::Refuse,
            p => bail!(InvalidArg, "policy {p} is not NDM_GROW_MOVE (0) or NDM_GROW_REFUSE (1)"),
        };
        with(g, |g| {
            g.set_policy(policy);
            Ok(())
        })
    }
}

/// For a growable opened with `ndm_open_append`: writes the rows to disk, then makes the
/// file's header count them (in that order, so the file always loads). A no-op in memory.
#[no_mangle]
pub unsafe extern "C" fn ndm_growable_flush(g: *mut ndm_growable) -> ndm_status {
    boundary! { with(g, |g| g.flush()) }
}

/// Releases a growable: a file is flushed and cut to its rows (unless views still map it).
/// Arrays from `ndm_growable_view` stay valid. The handle is freed even when the flush fails
/// (its error is returned). NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ndm_growable_free(g: *mut ndm_growable) -> ndm_status {
    boundary! {
        if g.is_null() {
            return Ok(());
        }
        let cell = GROWABLES.get(g.cast(), "g")?;
        if cell.is_busy() {
            // A call on g is still running (a copy callback freeing it): g stays.
            bail!(InvalidArg, "cannot free the growable array: another call on it is running");
        }
        let closed = cell.with(|g| g.close());
        GROWABLES.remove(g.cast(), "g")?;
        closed
    }
}
