//! The array: a shared buffer, the byte offset of element 0, shape, byte strides, dtype and flags.
//!
//! Invariant: every element reachable through an `Array` lies inside its buffer. Constructors
//! that take strides or offsets from a caller check it with overflow-safe arithmetic.

use crate::bail;
use crate::buffer::Buffer;
use crate::dtype::{Dtype, ScalarKind};
use crate::error::Result;
use crate::layout::{self, shape_str, MemOrder, Strided};
use crate::transfer;
use std::sync::Arc;

/// Flag bits, with NumPy's values (`NPY_ARRAY_*`).
pub mod flags {
    /// The elements are laid out in C (row-major) order with no gaps (§3).
    pub const C_CONTIGUOUS: u32 = 0x0001;
    /// The elements are laid out in Fortran (column-major) order with no gaps.
    pub const F_CONTIGUOUS: u32 = 0x0002;
    /// The array allocated its buffer (false for views and foreign memory).
    pub const OWNDATA: u32 = 0x0004;
    /// The data pointer and every used stride are multiples of the dtype's alignment.
    pub const ALIGNED: u32 = 0x0100;
    /// Elements may be written through this array.
    pub const WRITEABLE: u32 = 0x0400;
}

/// An n-dimensional strided view of a buffer.
#[derive(Clone)]
pub struct Array {
    buffer: Arc<Buffer>,
    offset: usize,
    shape: Vec<i64>,
    strides: Vec<i64>,
    dtype: Dtype,
    flags: u32,
    /// Whether the array was writeable when made: WRITEABLE may be set again only then (after
    /// it was cleared), never on memory that was read-only, overlapping or from a read-only base.
    may_write: bool,
    base: Option<Arc<Array>>,
}

impl std::fmt::Debug for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Array")
            .field("dtype", &self.dtype.to_string())
            .field("shape", &self.shape)
            .field("strides", &self.strides)
            .field("offset", &self.offset)
            .field("flags", &format_args!("{:#x}", self.flags))
            .finish()
    }
}

impl Array {
    /// Checks that an array of `shape`/`strides` (C-contiguous when `None`) with element 0 at
    /// byte `offset` lies inside a buffer of `buffer_len` bytes; returns the strides. Fails with
    /// `Bounds` if any byte of any element would lie outside, `Shape`/`InvalidArg` for bad shapes.
    pub fn checked_strides(
        buffer_len: usize,
        offset: i64,
        dtype: &Dtype,
        shape: &[i64],
        strides: Option<&[i64]>,
    ) -> Result<Vec<i64>> {
        layout::check_shape(shape, dtype.itemsize())?;
        let strides = match strides {
            Some(s) if s.len() != shape.len() => bail!(
                InvalidArg,
                "strides has {} entries but shape has {} dimensions",
                s.len(),
                shape.len()
            ),
            Some(s) => s.to_vec(),
            None => layout::fresh_strides(shape, dtype.itemsize(), MemOrder::C),
        };
        let len = buffer_len as i64;
        // An extent that overflows 64 bits certainly reaches outside the buffer.
        let in_bounds = match layout::extent(shape, &strides, dtype.itemsize()) {
            Err(_) => false,
            Ok(None) => (0..=len).contains(&offset),
            Ok(Some((lo, hi))) => match (offset.checked_add(lo), offset.checked_add(hi)) {
                (Some(a), Some(b)) => a >= 0 && b <= len,
                _ => false,
            },
        };
        if !in_bounds {
            bail!(
                Bounds,
                "an array of shape {} with strides {} and itemsize {} at byte offset {offset} reaches outside its buffer of {len} bytes",
                shape_str(shape),
                shape_str(&strides),
                dtype.itemsize()
            );
        }
        Ok(strides)
    }

    /// An array over `buffer` with element 0 at byte `offset` (see [`Array::checked_strides`]).
    /// The array does not own its data.
    pub fn from_buffer(
        buffer: Arc<Buffer>,
        offset: i64,
        dtype: Dtype,
        shape: &[i64],
        strides: Option<&[i64]>,
        writeable: bool,
    ) -> Result<Array> {
        let strides = Array::checked_strides(buffer.len(), offset, &dtype, shape, strides)?;
        Ok(Array::assemble(
            buffer,
            offset as usize,
            shape.to_vec(),
            strides,
            dtype,
            writeable,
            false,
            None,
        ))
    }

    /// Like [`Array::from_buffer`] for a buffer this array owns (a fresh allocation nobody else
    /// refers to): element 0 at byte 0, writeable, OWNDATA set.
    pub fn from_owned_buffer(
        buffer: Buffer,
        dtype: Dtype,
        shape: &[i64],
        strides: &[i64],
    ) -> Result<Array> {
        let strides = Array::checked_strides(buffer.len(), 0, &dtype, shape, Some(strides))?;
        Ok(Array::assemble(
            Arc::new(buffer),
            0,
            shape.to_vec(),
            strides,
            dtype,
            true,
            true,
            None,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        buffer: Arc<Buffer>,
        offset: usize,
        shape: Vec<i64>,
        strides: Vec<i64>,
        dtype: Dtype,
        writeable: bool,
        owndata: bool,
        base: Option<Arc<Array>>,
    ) -> Array {
        let itemsize = dtype.itemsize();
        let addr = buffer.as_ptr() as usize + offset;
        let mut f = 0;
        if layout::is_c_contiguous(&shape, &strides, itemsize) {
            f |= flags::C_CONTIGUOUS;
        }
        if layout::is_f_contiguous(&shape, &strides, itemsize) {
            f |= flags::F_CONTIGUOUS;
        }
        if layout::is_aligned(addr, &shape, &strides, dtype.alignment()) {
            f |= flags::ALIGNED;
        }
        if writeable {
            f |= flags::WRITEABLE;
        }
        if owndata {
            f |= flags::OWNDATA;
        }
        Array {
            buffer,
            offset,
            shape,
            strides,
            dtype,
            flags: f,
            may_write: writeable,
            base,
        }
    }

    /// This array with WRITEABLE cleared or set (NumPy's `a.flags.writeable = ...`): same memory,
    /// layout, OWNDATA and base. Clearing is always allowed. Setting is allowed only if the array
    /// was writeable when made and its base still is (`ReadOnly` otherwise): read-only memory
    /// (a read-only map or foreign buffer), views of a read-only array, and views that are
    /// read-only because their elements overlap (broadcasts, windows) stay read-only.
    pub fn with_writeable(&self, writeable: bool) -> Result<Array> {
        let base_ok = self.base.as_ref().is_none_or(|b| b.is_writeable());
        if writeable && !self.is_writeable() && !(self.may_write && base_ok) {
            bail!(
                ReadOnly,
                "cannot set WRITEABLE flag to True of this array: it was made read-only (read-only memory, a read-only base, or elements that overlap)"
            );
        }
        let mut a = self.clone();
        a.flags = if writeable {
            a.flags | flags::WRITEABLE
        } else {
            a.flags & !flags::WRITEABLE
        };
        Ok(a)
    }

    /// A view of this array's buffer with layout `s` (offset relative to this array's element 0),
    /// writeable only if `writeable` and this array is. The base is this array, or this
    /// array's base when this array is itself a view (NumPy's base collapsing).
    ///
    /// The caller guarantees that `s` reaches only elements inside the buffer (layout functions
    /// derive views from in-bounds layouts; `as_strided` checks explicitly).
    pub fn view(self: &Arc<Self>, s: Strided, writeable: bool) -> Array {
        self.view_as(s, self.dtype.clone(), writeable)
    }

    /// [`Array::view`] with the elements read as `dtype` (field views, dtype reinterpretation).
    /// The caller guarantees that every `dtype` element of `s` lies inside the buffer.
    pub fn view_as(self: &Arc<Self>, s: Strided, dtype: Dtype, writeable: bool) -> Array {
        let base = match &self.base {
            Some(b) if self.flags & flags::OWNDATA == 0 => Arc::clone(b),
            _ => Arc::clone(self),
        };
        // A view with no element addresses nothing: like NumPy's, its data pointer may lie past
        // the buffer's end (a field of an empty record array; the c_api_calls fuzz target found
        // the check below failing there), never before its start.
        let empty = s.shape.contains(&0);
        let offset = (self.offset as i64 + s.offset).max(if empty { 0 } else { i64::MIN });
        debug_assert!(
            empty
                || Array::checked_strides(
                    self.buffer.len(),
                    offset,
                    &dtype,
                    &s.shape,
                    Some(&s.strides)
                )
                .is_ok(),
            "view outside its buffer"
        );
        Array::assemble(
            Arc::clone(&self.buffer),
            offset as usize,
            s.shape,
            s.strides,
            dtype,
            writeable && self.is_writeable(),
            false,
            Some(base),
        )
    }

    /// The same array with its bytes read as `dtype`, which must have the same itemsize (a
    /// relabelling of a fresh result, e.g. a byte-swapped copy keeping the original dtype).
    pub fn into_dtype(self, dtype: Dtype) -> Array {
        assert_eq!(
            dtype.itemsize(),
            self.dtype.itemsize(),
            "relabel keeps the itemsize"
        );
        let writeable = self.is_writeable();
        let owndata = self.flags & flags::OWNDATA != 0;
        Array::assemble(
            self.buffer,
            self.offset,
            self.shape,
            self.strides,
            dtype,
            writeable,
            owndata,
            self.base,
        )
    }

    /// This array's layout as a [`Strided`] with offset 0.
    pub fn strided(&self) -> Strided {
        Strided {
            offset: 0,
            shape: self.shape.clone(),
            strides: self.strides.clone(),
        }
    }

    /// Lengths of the axes.
    pub fn shape(&self) -> &[i64] {
        &self.shape
    }
    /// Byte strides of the axes.
    pub fn strides(&self) -> &[i64] {
        &self.strides
    }
    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }
    /// Number of elements.
    pub fn size(&self) -> usize {
        self.shape.iter().product::<i64>() as usize
    }
    /// The element type.
    pub fn dtype(&self) -> &Dtype {
        &self.dtype
    }
    /// Bytes per element.
    pub fn itemsize(&self) -> usize {
        self.dtype.itemsize()
    }
    /// `size * itemsize`.
    pub fn nbytes(&self) -> usize {
        self.size() * self.itemsize()
    }
    /// Address of element 0.
    pub fn data_ptr(&self) -> *mut u8 {
        self.buffer.as_ptr().wrapping_add(self.offset)
    }
    /// Byte offset of element 0 from the start of the buffer.
    pub fn offset(&self) -> usize {
        self.offset
    }
    /// The buffer the elements live in.
    pub fn buffer(&self) -> &Arc<Buffer> {
        &self.buffer
    }
    /// The flag bits (see [`flags`]).
    pub fn flags(&self) -> u32 {
        self.flags
    }
    /// True if elements may be written.
    pub fn is_writeable(&self) -> bool {
        self.flags & flags::WRITEABLE != 0
    }
    /// True if the elements are C-contiguous.
    pub fn is_c_contiguous(&self) -> bool {
        self.flags & flags::C_CONTIGUOUS != 0
    }
    /// True if the elements are F-contiguous.
    pub fn is_f_contiguous(&self) -> bool {
        self.flags & flags::F_CONTIGUOUS != 0
    }
    /// The array this one is a view of (the first owner in the chain), if any.
    pub fn base(&self) -> Option<&Arc<Array>> {
        self.base.as_ref()
    }

    /// Absolute byte range `[start, end)` of the elements, or `None` when empty.
    pub fn byte_range(&self) -> Option<(usize, usize)> {
        // The invariant guarantees the extent is inside the buffer, so it cannot overflow.
        let (lo, hi) = layout::extent(&self.shape, &self.strides, self.itemsize())
            .ok()
            .flatten()?;
        let p = self.data_ptr() as i64;
        Some(((p + lo) as usize, (p + hi) as usize))
    }

    /// Address of the element at `index` (negative entries count from the end).
    pub fn element_ptr(&self, index: &[i64]) -> Result<*mut u8> {
        if index.len() != self.ndim() {
            bail!(
                Index,
                "index has {} entries but the array has {} dimensions",
                index.len(),
                self.ndim()
            );
        }
        let mut off: i64 = 0;
        for (axis, ((&i, &n), &s)) in index.iter().zip(&self.shape).zip(&self.strides).enumerate() {
            let j = if i < 0 { i.wrapping_add(n) } else { i };
            if !(0..n).contains(&j) {
                bail!(
                    Index,
                    "index {i} is out of bounds for axis {axis} with size {n}"
                );
            }
            off += j * s;
        }
        Ok(self.data_ptr().wrapping_offset(off as isize))
    }

    /// The elements of an int64 array, in place, when it is C-contiguous, aligned and in native
    /// byte order (`None` otherwise: read them through a conversion instead).
    pub fn native_i64s(&self) -> Option<&[i64]> {
        self.native_slice::<i64>(ScalarKind::Int64)
    }

    /// The elements of a bool array as bytes (0 or 1), in place, when it is C-contiguous.
    pub fn bool_bytes(&self) -> Option<&[u8]> {
        self.native_slice::<u8>(ScalarKind::Bool)
    }

    fn native_slice<T>(&self, kind: ScalarKind) -> Option<&[T]> {
        let d = &self.dtype;
        let ok = d.scalar_kind() == Some(kind)
            && d.is_native()
            && self.is_c_contiguous()
            && self.flags & flags::ALIGNED != 0;
        if !ok || self.size() == 0 {
            return ok.then_some(&[]);
        }
        // A C-contiguous array's `size` elements of `T` (the dtype's type, in native order)
        // lie inside its buffer from `data_ptr`, which ALIGNED says is aligned for `T`; the
        // buffer outlives `&self`. Writes by other threads meanwhile are their race, as in C.
        // SAFETY: so the slice covers live, aligned memory of this array only.
        Some(unsafe { std::slice::from_raw_parts(self.data_ptr().cast::<T>(), self.size()) })
    }

    /// Reads the element at `index` converted (C casting) to `as_dtype`; returns its bytes.
    pub fn get_item(&self, index: &[i64], as_dtype: &Dtype) -> Result<Vec<u8>> {
        let src = self.element_ptr(index)?;
        let mut out = vec![0u8; as_dtype.itemsize()];
        let conv = transfer::converter(&self.dtype, as_dtype)?;
        // `src` is a whole element of the array (element_ptr checked the index).
        // SAFETY: src is one element of ours; `out` is a separate buffer of one `as_dtype` element.
        unsafe { conv.run(src, 0, out.as_mut_ptr(), 0, 1) };
        Ok(out)
    }

    /// Writes `value` (one element of `value_dtype`) at `index`, converted to the array's dtype.
    pub fn set_item(&self, index: &[i64], value: &[u8], value_dtype: &Dtype) -> Result<()> {
        if !self.is_writeable() {
            bail!(ReadOnly, "assignment destination is read-only");
        }
        if value.len() != value_dtype.itemsize() {
            bail!(
                InvalidArg,
                "value has {} bytes, expected {}",
                value.len(),
                value_dtype.itemsize()
            );
        }
        let dst = self.element_ptr(index)?;
        let conv = transfer::converter(value_dtype, &self.dtype)?;
        // A C caller's value may lie in this very element (ndm_set_item takes any pointer):
        // convert from a private copy, so that source and destination never overlap.
        let value = value.to_vec();
        crate::accounting::block_buffer(value.len());
        // `value` is one `value_dtype` element (checked above) in its own allocation.
        // SAFETY: so it cannot overlap `dst`, a whole element of this writeable array.
        unsafe { conv.run(value.as_ptr(), 0, dst, 0, 1) };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buffer::AllocOptions;
    use crate::dtype::ScalarKind;
    use crate::error::ErrorKind;

    fn f8() -> Dtype {
        Dtype::scalar(ScalarKind::Float64)
    }

    #[test]
    fn fresh_arrays_follow_numpy() {
        let a = Array::empty(f8(), &[2, 3], MemOrder::C).unwrap();
        assert_eq!(a.strides(), &[24, 8]);
        assert_eq!(
            a.flags(),
            flags::C_CONTIGUOUS | flags::OWNDATA | flags::ALIGNED | flags::WRITEABLE
        );
        let f = Array::zeros(f8(), &[2, 3], MemOrder::F).unwrap();
        assert_eq!(f.strides(), &[8, 16]);
        let e = Array::empty(f8(), &[0, 3], MemOrder::C).unwrap();
        assert_eq!(e.strides(), &[0, 0]);
    }

    #[test]
    fn from_buffer_is_bounds_checked() {
        let buf = Arc::new(Buffer::allocate(80, AllocOptions::default()).unwrap());
        assert!(Array::from_buffer(buf.clone(), 0, f8(), &[10], None, true).is_ok());
        let e = Array::from_buffer(buf.clone(), 8, f8(), &[10], None, true).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Bounds);
        assert!(Array::from_buffer(buf.clone(), 72, f8(), &[10], Some(&[-8]), true).is_ok());
        let e = Array::from_buffer(buf, 0, f8(), &[2], Some(&[i64::MAX]), true).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Bounds);
    }

    #[test]
    fn items() {
        let a = Array::arange(0.0, 6.0, 1.0, Dtype::scalar(ScalarKind::Int32)).unwrap();
        let v = a.get_item(&[-1], &f8()).unwrap();
        assert_eq!(f64::from_ne_bytes(v.try_into().unwrap()), 5.0);
        assert_eq!(a.get_item(&[6], &f8()).unwrap_err().kind, ErrorKind::Index);
    }
}
