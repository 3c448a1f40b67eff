//! Growable arrays: rows appended along the outermost memory axis in amortised O(row size),
//! in memory or at the end of an `.npy` file, without ever invalidating a view.
//!
//! A [`Growable`] holds a buffer with room for `capacity` rows, of which the first `len` are the
//! array. The array is C-ordered with rows along axis 0, or F-ordered with rows along the last
//! axis; either way each row is one contiguous block, and row `i` starts `i * row_bytes` after
//! row 0. Appending within capacity writes after the last row and moves nothing. Past it, the
//! capacity at least doubles:
//! - **No view** of the buffer is alive: it is resized with `realloc` (in place when it can;
//!   large blocks move by remapping their pages, not by copying), and nothing is counted.
//! - **Views are alive** (arrays made by [`Growable::array`], their views, exported pointers):
//!   they keep the old buffer, unchanged, and the rows are copied to a new one. The copy is an
//!   implicit copy (`Reason::Growth`) that the copy policy may forbid, and the growable's own
//!   [`MovePolicy::Refuse`] refuses it with an `InUse` error naming the number of views.
//! - **On disk** the file is extended and mapped again; old views still map the same file
//!   pages, so nothing is copied and they keep seeing (and writing) the file.
//!
//! So a view never dangles: it sees the rows it was made with, in the buffer it was made on.
//! Writes through it reach the growable until the growable moves (in memory); after that they
//! reach only the old buffer.

use crate::accounting::{self, Reason};
use crate::array::Array;
use crate::bail;
use crate::buffer::Buffer;
use crate::copy;
use crate::dtype::{Casting, Dtype};
use crate::error::Result;
use crate::layout::{self, shape_str_compact, MemOrder};
use crate::npy::append::{growing_axis, AppendFile, Expect};
use std::path::Path;
use std::sync::Arc;

/// What a growable array does when it must move while views of its buffer are alive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum MovePolicy {
    /// Move: the views keep the old buffer (the default).
    Move = 0,
    /// Refuse with an `InUse` error: the caller frees the views (or reserves capacity first).
    Refuse = 1,
}

/// Counts the live views of a buffer (see [`Growable::live_views`]).
pub type ViewCounter = fn(&Arc<Buffer>) -> usize;

/// Smallest capacity, in rows, a growth gives.
const MIN_ROWS: usize = 4;

/// Why a growable reallocates: the caller asked (reserve), or an append needed room.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cause {
    Append,
    Reserve,
}

/// An array that grows by rows.
pub struct Growable {
    dtype: Dtype,
    /// The array's shape; its growing axis holds `len`.
    shape: Vec<i64>,
    axis: usize,
    order: MemOrder,
    row_bytes: usize,
    len: usize,
    capacity: usize,
    buffer: Arc<Buffer>,
    /// Byte offset of row 0 in `buffer` (the header's length in a file, else 0).
    start: usize,
    policy: MovePolicy,
    /// Rows past the last that [`Growable::space`] handed out and not yet committed.
    granted: usize,
    counter: Option<ViewCounter>,
    disk: Option<AppendFile>,
}

impl Growable {
    /// A growable array in memory of `shape` (its growing axis, 0 in C order and the last in F
    /// order, is the initial row count; those rows are uninitialised) with room for at least
    /// `capacity` rows.
    pub fn empty(dtype: Dtype, shape: &[i64], capacity: i64, order: MemOrder) -> Result<Growable> {
        let Some(axis) = growing_axis(shape.len(), order) else {
            bail!(
                Shape,
                "a growable array needs at least one axis to grow along (got a 0-dimensional shape)"
            );
        };
        if capacity < 0 {
            bail!(Shape, "capacity {capacity} is negative");
        }
        layout::check_shape(shape, dtype.itemsize())?;
        let rows = (shape[axis] as usize).max(capacity as usize);
        Growable::assemble(dtype, shape.to_vec(), axis, order, |row_bytes| {
            let bytes = bytes_for(rows, row_bytes, 0)?;
            let buffer = Buffer::allocate_resizable(bytes)?;
            Ok((Arc::new(buffer), 0, rows_in(bytes, row_bytes)))
        })
    }

    /// Opens the `.npy` file `path` for appending (creating it when missing or empty; see
    /// [`AppendFile::open`]). The file's rows are the array's first rows.
    pub fn open_npy(path: &Path, expect: &Expect, max_header: usize) -> Result<Growable> {
        let (file, file_len) = AppendFile::open(path, expect, max_header)?;
        let h = file.header();
        let (start, rows) = (file.data_start(), h.shape[file.axis()] as usize);
        let mut g = Growable::assemble(
            h.dtype.clone(),
            h.shape.clone(),
            file.axis(),
            h.order(),
            |row_bytes| {
                let room = rows_in((file_len - start) as usize, row_bytes).max(rows);
                Ok((Arc::new(file.map(file_len)?), start as usize, room))
            },
        )?;
        g.disk = Some(file);
        Ok(g)
    }

    fn assemble(
        dtype: Dtype,
        shape: Vec<i64>,
        axis: usize,
        order: MemOrder,
        rows: impl FnOnce(usize) -> Result<(Arc<Buffer>, usize, usize)>,
    ) -> Result<Growable> {
        let mut row_shape = shape.clone();
        row_shape.remove(axis);
        let row_bytes = layout::check_shape(&row_shape, dtype.itemsize())? * dtype.itemsize();
        let (buffer, start, capacity) = rows(row_bytes)?;
        Ok(Growable {
            len: shape[axis] as usize,
            dtype,
            shape,
            axis,
            order,
            row_bytes,
            capacity,
            buffer,
            start,
            policy: MovePolicy::Move,
            granted: 0,
            counter: None,
            disk: None,
        })
    }

    fn bytes_for(&self, rows: usize) -> Result<usize> {
        bytes_for(rows, self.row_bytes, self.start)
    }

    fn rows_in(&self, bytes: usize) -> usize {
        rows_in(bytes, self.row_bytes)
    }

    /// Rows in the array.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the array has no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Rows that fit before the next reallocation.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The axis rows are appended along.
    pub fn axis(&self) -> usize {
        self.axis
    }

    /// The shape of one row (every axis but the growing one).
    pub fn row_shape(&self) -> Vec<i64> {
        let mut s = self.shape.clone();
        s.remove(self.axis);
        s
    }

    /// Bytes of one row.
    pub fn row_bytes(&self) -> usize {
        self.row_bytes
    }

    /// Sets the move policy.
    pub fn set_policy(&mut self, policy: MovePolicy) {
        self.policy = policy;
    }

    /// Views of the growable's buffer alive now: by the [`ViewCounter`] when one is set, else
    /// every array that refers to the buffer (a view of a view then counts twice: it holds
    /// the array it was made from).
    pub fn live_views(&self) -> usize {
        match (Arc::strong_count(&self.buffer) - 1, self.counter) {
            (0, _) => 0,
            (arrays, None) => arrays,
            (_, Some(count)) => count(&self.buffer).max(1),
        }
    }

    /// Sets how views are counted: the C API counts its live array handles.
    pub fn set_view_counter(&mut self, counter: ViewCounter) {
        self.counter = Some(counter);
    }

    /// A writeable view of rows `[first, first + rows)` of the buffer (`rows` past `len` must
    /// fit the capacity); with `one_row`, a single row without the growing axis.
    fn rows_view(&self, first: usize, rows: usize, one_row: bool) -> Result<Array> {
        let mut shape = self.shape.clone();
        shape[self.axis] = rows as i64;
        let mut strides = layout::fresh_strides(&shape, self.dtype.itemsize(), self.order);
        if one_row {
            shape.remove(self.axis);
            strides.remove(self.axis);
        }
        let offset = self.start + first * self.row_bytes;
        Array::from_buffer(
            Arc::clone(&self.buffer),
            offset as i64,
            self.dtype.clone(),
            &shape,
            Some(&strides),
            true,
        )
    }

    /// The array: a writeable view of its rows, which keeps the current buffer alive.
    pub fn array(&self) -> Result<Array> {
        self.rows_view(0, self.len, false)
    }

    /// Appends `values`: with as many dimensions as the array, a block of rows (its length along
    /// the growing axis), else one row; the other axes broadcast to the row shape and the
    /// values are cast with `same_kind`, as NumPy's assignment. Checked before anything moves.
    pub fn append(&mut self, values: &Array) -> Result<()> {
        let block = values.ndim() == self.shape.len();
        let rows = if block {
            values.shape()[self.axis] as usize
        } else {
            1
        };
        let mut target = self.row_shape();
        if block {
            target.insert(self.axis, rows as i64);
        }
        if layout::broadcast_strides(values.shape(), values.strides(), &target).is_none() {
            bail!(
                Shape,
                "could not broadcast input array from shape {} into shape {}",
                shape_str_compact(values.shape()),
                shape_str_compact(&target)
            );
        }
        copy::check_cast(values, &self.dtype, Casting::SameKind)?;
        self.make_room(rows)?;
        let dst = self.rows_view(self.len, rows, !block)?;
        copy::copyto(&dst, values, Casting::SameKind)?;
        self.grew(rows);
        Ok(())
    }

    /// Appends `rows` rows stored contiguously at `src` in the array's dtype and order (the
    /// bytes are copied as they are).
    ///
    /// # Safety
    /// `src` must be valid for reads of `rows * row_bytes` bytes, which nothing writes during
    /// the call.
    pub unsafe fn append_raw(&mut self, src: *const u8, rows: usize) -> Result<()> {
        self.make_room(rows)?;
        let at = self.start + self.len * self.row_bytes;
        let n = rows * self.row_bytes;
        match &self.disk {
            Some(file) => {
                // The caller's precondition.
                // SAFETY: `src` is readable for `n` bytes that nobody writes meanwhile.
                let bytes = unsafe { std::slice::from_raw_parts(src, n) };
                file.write_at(at as u64, bytes)?;
            }
            // `make_room` gave room for `rows` more rows inside the buffer; `src` is readable
            // for `n` bytes (the caller's precondition) and may lie in this very buffer (a
            // view's pointer), so the copy is a memmove (one load, then one store, for the
            // common one-value rows: a call to memmove would cost as much as the rest).
            // SAFETY: so both ranges are valid for the copy.
            None => unsafe {
                let dst = self.buffer.as_ptr().add(at);
                match n {
                    8 => dst
                        .cast::<u64>()
                        .write_unaligned(src.cast::<u64>().read_unaligned()),
                    4 => dst
                        .cast::<u32>()
                        .write_unaligned(src.cast::<u32>().read_unaligned()),
                    16 => dst
                        .cast::<u128>()
                        .write_unaligned(src.cast::<u128>().read_unaligned()),
                    _ => std::ptr::copy(src, dst, n),
                }
            },
        }
        self.grew(rows);
        Ok(())
    }

    /// Room for `rows` more rows after the last one, and the address where they go, for the
    /// caller to fill in the array's dtype and order; [`Growable::commit`] makes them rows.
    /// The address is valid until the next call on this growable other than `commit` (which
    /// may move the memory, as `std::vector` invalidates its iterators); until committed, the
    /// rows are not part of the array (views do not see them, any other call forgets them).
    pub fn space(&mut self, rows: usize) -> Result<*mut u8> {
        self.make_room(rows)?;
        self.granted = rows;
        let at = self.start + self.len * self.row_bytes;
        Ok(self.buffer.as_ptr().wrapping_add(at))
    }

    /// Makes the first `rows` rows of the last [`Growable::space`] part of the array (the rest
    /// of that space stays available to further commits).
    pub fn commit(&mut self, rows: usize) -> Result<()> {
        if rows > self.granted {
            bail!(
                InvalidArg,
                "cannot commit {rows} rows: the space given since the last other call holds {} more",
                self.granted
            );
        }
        self.granted -= rows;
        self.grew(rows);
        Ok(())
    }

    fn grew(&mut self, rows: usize) {
        self.len += rows;
        self.shape[self.axis] = self.len as i64;
    }

    /// Makes room for `extra` more rows, at least doubling the capacity when it must grow.
    fn make_room(&mut self, extra: usize) -> Result<()> {
        self.granted = 0;
        let need = match self.len.checked_add(extra) {
            Some(n) if n <= i64::MAX as usize => n,
            _ => bail!(
                Shape,
                "cannot append {extra} rows to {}: the length would overflow",
                self.len
            ),
        };
        if need <= self.capacity {
            return Ok(());
        }
        let rows = need.max(self.capacity.saturating_mul(2)).max(MIN_ROWS);
        // Doubling may pass the address space where `need` alone does not.
        let rows = if self.bytes_for(rows).is_ok() {
            rows
        } else {
            need
        };
        self.relocate(rows, Cause::Append)
    }

    /// Makes room for at least `rows` rows in all (NumPy-style `reserve`); never shrinks.
    pub fn reserve(&mut self, rows: usize) -> Result<()> {
        self.granted = 0;
        if rows > self.capacity {
            self.relocate(rows, Cause::Reserve)?;
        }
        Ok(())
    }

    /// Gives back the room past the last row when no view refers to the buffer (in memory) or
    /// maps the file (on disk): then the capacity becomes the length. With views alive it does
    /// nothing: moving would only add a second buffer while they keep the first.
    pub fn shrink_to_fit(&mut self) -> Result<()> {
        self.granted = 0;
        if self.capacity == self.len || self.row_bytes == 0 || self.live_views() > 0 {
            return Ok(());
        }
        let bytes = self.bytes_for(self.len)?;
        match &self.disk {
            Some(file) => {
                if file.live_maps() == 1 {
                    // Only this growable's mapping reaches past the rows: replace it by one of
                    // the rows, then cut the file (a failure to cut leaves spare room, unused).
                    let end = (self.start + bytes) as u64;
                    self.buffer = Arc::new(file.map(end)?);
                    self.capacity = self.len;
                    file.set_len(end)?;
                }
            }
            None => {
                let buffer = Arc::get_mut(&mut self.buffer).expect("no view refers to it");
                if buffer.resize(bytes) {
                    self.capacity = self.len;
                }
            }
        }
        Ok(())
    }

    /// Moves to room for `rows` rows (at least `len`).
    fn relocate(&mut self, rows: usize, cause: Cause) -> Result<()> {
        let bytes = self.bytes_for(rows)?;
        if let Some(file) = &self.disk {
            // Old mappings stay valid: the file only grows.
            let end = (self.start + bytes) as u64;
            file.set_len(end)?;
            self.buffer = Arc::new(file.map(end)?);
            self.capacity = rows;
            return Ok(());
        }
        if let Some(buffer) = Arc::get_mut(&mut self.buffer) {
            if buffer.resize(bytes) {
                self.capacity = self.rows_in(bytes);
                return Ok(());
            }
        }
        let views = self.live_views();
        let used = self.len * self.row_bytes;
        if views > 0 && self.policy == MovePolicy::Refuse {
            bail!(
                InUse,
                "the growable array must move to make room for {rows} rows (capacity {}), but {views} live view(s) still refer to its buffer and its policy refuses moves: free the views, or reserve enough capacity before taking them",
                self.capacity
            );
        }
        match cause {
            Cause::Append => accounting::implicit_copy(Reason::Growth, used, "append", || {
                format!(
                    "the array outgrew its capacity of {} rows while {views} live view(s) keep its buffer",
                    self.capacity
                )
            })?,
            Cause::Reserve => accounting::explicit_copy(used),
        }
        let new = Buffer::allocate_resizable(bytes)?;
        // The old buffer holds `used` bytes of rows; the new one is a distinct allocation of
        // at least `bytes >= used` bytes.
        // SAFETY: so both ranges are valid and do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(self.buffer.as_ptr(), new.as_ptr(), used) };
        self.buffer = Arc::new(new);
        self.capacity = self.rows_in(bytes);
        Ok(())
    }

    /// Writes the rows to disk and makes the file's header say how many there are (see
    /// [`AppendFile::commit`]). A no-op in memory.
    pub fn flush(&mut self) -> Result<()> {
        match &mut self.disk {
            Some(file) => {
                // Rows written through the mapping are written back first (`msync`; Linux's
                // fdatasync in `commit` would cover them, POSIX does not promise it).
                self.buffer.flush(self.start, self.len * self.row_bytes)?;
                file.commit(self.len)
            }
            None => Ok(()),
        }
    }

    /// Flushes, then (on disk, when nothing else maps the file) cuts the file to its rows.
    /// Dropping a growable does this too, ignoring errors.
    pub fn close(&mut self) -> Result<()> {
        self.flush()?;
        if let Some(file) = &self.disk {
            if self.live_views() == 0 && file.live_maps() == 1 && self.capacity > self.len {
                // Only this growable's mapping reaches the spare room, which nothing writes
                // from now on (the capacity says so before the cut).
                self.capacity = self.len;
                self.granted = 0;
                file.set_len((self.start + self.len * self.row_bytes) as u64)?;
            }
        }
        Ok(())
    }
}

/// Bytes of `rows` rows of `row_bytes` after `start` bytes (an `Alloc` error past the address
/// space).
fn bytes_for(rows: usize, row_bytes: usize, start: usize) -> Result<usize> {
    match rows.checked_mul(row_bytes) {
        Some(n) if rows <= i64::MAX as usize && n <= isize::MAX as usize - start => Ok(n),
        _ => bail!(
            Alloc,
            "cannot make room for {rows} rows of {row_bytes} bytes: larger than the address space allows"
        ),
    }
}

/// Rows of `row_bytes` that fit in `bytes` (unbounded for rows of no bytes).
fn rows_in(bytes: usize, row_bytes: usize) -> usize {
    bytes.checked_div(row_bytes).unwrap_or(i64::MAX as usize)
}

impl Drop for Growable {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::ScalarKind;

    fn f8() -> Dtype {
        Dtype::scalar(ScalarKind::Float64)
    }

    fn values(a: &Array) -> Vec<f64> {
        let n = a.size();
        let mut out = vec![0.0; n];
        let b = a.buffer().read_bytes(a.offset(), n * 8);
        for (i, c) in b.chunks(8).enumerate() {
            out[i] = f64::from_ne_bytes(c.try_into().unwrap());
        }
        out
    }

    fn push(g: &mut Growable, x: f64) {
        let b = x.to_ne_bytes();
        // SAFETY: 8 readable bytes, one float64 row.
        unsafe { g.append_raw(b.as_ptr(), 1).unwrap() };
    }

    #[test]
    fn grows_geometrically_and_views_keep_their_rows() {
        let mut g = Growable::empty(f8(), &[0], 0, MemOrder::C).unwrap();
        for i in 0..10 {
            push(&mut g, i as f64);
        }
        assert_eq!(g.len(), 10);
        assert!(g.capacity() >= 10 && g.capacity() <= 16);
        let v = Arc::new(g.array().unwrap());
        let before = accounting::process().implicit_total();
        for i in 10..100 {
            push(&mut g, i as f64);
        }
        assert!(accounting::process().implicit_total().0 > before.0);
        assert_eq!(values(&v), (0..10).map(f64::from).collect::<Vec<_>>());
        let all = g.array().unwrap();
        assert_eq!(values(&all), (0..100).map(f64::from).collect::<Vec<_>>());
        g.set_policy(MovePolicy::Refuse);
        g.shrink_to_fit().unwrap();
        let w = g.array().unwrap();
        g.reserve(g.capacity()).unwrap();
        let e = g.reserve(g.capacity() + 1).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::InUse);
        assert!(e.message.contains("2 live view(s)"), "{}", e.message);
        drop((v, w, all));
        g.reserve(1000).unwrap();
        assert!(g.capacity() >= 1000);
    }

    #[test]
    fn fortran_rows_are_the_last_axis() {
        let mut g = Growable::empty(f8(), &[2, 0], 0, MemOrder::F).unwrap();
        let row = Arc::new(
            Array::from_owned_buffer(
                Buffer::from_bytes(&[1.0f64, 2.0].map(f64::to_ne_bytes).concat()).unwrap(),
                f8(),
                &[2],
                &[8],
            )
            .unwrap(),
        );
        g.append(&row).unwrap();
        g.append(&row).unwrap();
        let a = g.array().unwrap();
        assert_eq!(a.shape(), &[2, 2]);
        assert!(a.is_f_contiguous());
        assert_eq!(values(&a), vec![1.0, 2.0, 1.0, 2.0]);
    }

    #[test]
    fn zero_dimensional_and_negative_are_refused() {
        assert!(Growable::empty(f8(), &[], 0, MemOrder::C).is_err());
        assert!(Growable::empty(f8(), &[0], -1, MemOrder::C).is_err());
    }
}
