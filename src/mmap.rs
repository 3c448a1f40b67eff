//! Memory-mapped arrays: NumPy's `np.memmap` (a headerless file at an offset) and
//! `np.lib.format.open_memmap` / `np.load(mmap_mode=)` (a `.npy` file).
//!
//! The mapping covers exactly the array's bytes, starting at the offset rounded down to a page
//! (NumPy's `ALLOCATIONGRANULARITY`), and is owned by the array's buffer: views keep it alive and
//! the last one unmaps it. The file is closed as soon as it is mapped.
//!
//! Modes: `r` read-only; `r+` writes reach the file (after [`flush`], or when the kernel writes
//! the pages back); `c` copy-on-write, writeable but the file never changes; `w+` creates (or
//! truncates) the file first. Truncating a mapped file from elsewhere makes later reads of the
//! lost pages fault (SIGBUS), as with any memory map; ndmem cannot prevent that.

use crate::array::Array;
use crate::bail;
use crate::buffer::{page_size, Buffer, MapAccess, Mapping};
use crate::dtype::Dtype;
use crate::error::{ErrorKind, Result};
use crate::layout::{self, MemOrder};
use crate::npy::header::Header;
use crate::npy::io_error;
use crate::npy::read::read_checked_header;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

/// How a file is opened and mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `'r'`: read-only.
    Read,
    /// `'r+'`: read-write; writes reach the file.
    ReadWrite,
    /// `'c'`: copy-on-write; writeable, the file never changes.
    Copy,
    /// `'w+'`: create or truncate, then read-write.
    Create,
}

impl Mode {
    /// Parses NumPy's mode names: `r`, `r+`, `c`, `w+` and the long forms `readonly`,
    /// `readwrite`, `copyonwrite`, `write`.
    pub fn parse(text: &str) -> Result<Mode> {
        Ok(match text {
            "r" | "readonly" => Mode::Read,
            "r+" | "readwrite" => Mode::ReadWrite,
            "c" | "copyonwrite" => Mode::Copy,
            "w+" | "write" => Mode::Create,
            _ => bail!(
                InvalidArg,
                "mode must be one of ['r', 'c', 'r+', 'w+', 'readonly', 'copyonwrite', 'readwrite', 'write'] (got '{}')",
                text.chars().take(40).collect::<String>()
            ),
        })
    }

    fn access(self) -> MapAccess {
        match self {
            Mode::Read => MapAccess::Read,
            Mode::Copy => MapAccess::Copy,
            Mode::ReadWrite | Mode::Create => MapAccess::Write,
        }
    }
}

/// NumPy's name of a mapping's mode: `'r'`, `'r+'` or `'c'` (a `w+` map reports `'r+'`).
pub fn mode_name(access: MapAccess) -> &'static str {
    match access {
        MapAccess::Read => "r",
        MapAccess::Write => "r+",
        MapAccess::Copy => "c",
    }
}

fn open(path: &Path, mode: Mode) -> Result<File> {
    let mut o = OpenOptions::new();
    match mode {
        Mode::Read | Mode::Copy => o.read(true),
        Mode::ReadWrite => o.read(true).write(true),
        // Truncated below, once it is known that no live map of this process reads the file.
        Mode::Create => o.read(true).write(true).create(true).truncate(false),
    };
    let file = crate::npy::open_file(path, &o)?;
    if mode == Mode::Create {
        crate::buffer::refuse_if_mapped(&file, path, "create (mode 'w+')")?;
        file.set_len(0)
            .map_err(|e| crate::npy::io_error("cannot truncate", path, e))?;
    }
    Ok(file)
}

/// Maps `shape` elements of `dtype` at byte `offset` of an open file of `file_len` bytes.
/// `short` is the error kind when the file is too short and may not be extended.
#[allow(clippy::too_many_arguments)]
fn map(
    file: &mut File,
    path: &Path,
    mut file_len: u64,
    dtype: Dtype,
    mode: Mode,
    offset: u64,
    shape: &[i64],
    order: MemOrder,
    short: ErrorKind,
) -> Result<Array> {
    let itemsize = dtype.itemsize();
    let size = layout::check_shape(shape, itemsize)?;
    let end = (size as u64)
        .checked_mul(itemsize as u64)
        .and_then(|n| n.checked_add(offset))
        .filter(|&e| e <= i64::MAX as u64);
    let Some(mut end) = end else {
        bail!(
            Shape,
            "offset {offset} plus the array's bytes overflows a file offset"
        );
    };
    if matches!(mode, Mode::ReadWrite | Mode::Create) {
        // NumPy maps at least one byte in the writing modes (so an empty map is possible).
        end = end.max(1);
    }
    if file_len < end {
        if matches!(mode, Mode::Read | Mode::Copy) {
            return Err(crate::error::Error::new(
                short,
                format!(
                    "'{}' has {file_len} bytes, fewer than the {end} that offset {offset} plus shape {} of {} need",
                    path.display(),
                    layout::shape_str_compact(shape),
                    dtype.repr_name()
                ),
            ));
        }
        // NumPy extends the file for 'r+' and 'w+' by writing one zero byte at the new end.
        let last = end - 1;
        file.seek(SeekFrom::Start(last))
            .and_then(|_| file.write_all(&[0]))
            .map_err(|e| io_error("cannot extend", path, e))?;
        file_len = end;
    }
    let page = page_size() as u64;
    let mut start = offset - offset % page;
    let mut len = end - start;
    if len == 0 && start > 0 {
        // A zero-length map is impossible: map the page before instead (NumPy does the same).
        start -= page;
        len += page;
    }
    if len == 0 {
        // NumPy maps the whole file here (mmap's length 0), which fails for an empty file.
        if file_len == 0 {
            bail!(Io, "cannot mmap an empty file '{}'", path.display());
        }
        len = file_len;
    }
    let Ok(len) = usize::try_from(len) else {
        bail!(
            Alloc,
            "cannot map {len} bytes: larger than the address space"
        );
    };
    let buffer = Buffer::map_file(file, start, len, mode.access())?;
    let strides = layout::fresh_strides(shape, itemsize, order);
    Array::from_buffer(
        Arc::new(buffer),
        (offset - start) as i64,
        dtype,
        shape,
        Some(&strides),
        mode != Mode::Read,
    )
}

/// NumPy's `np.memmap(path, dtype, mode, offset, shape, order)`: the raw bytes of a file from
/// `offset`. Without `shape`, a 1-D array of all the whole elements after `offset` (the rest must
/// be a multiple of the itemsize). In modes `r+` and `w+` a file shorter than needed is
/// extended with zeros; in `r` and `c` it is an error.
pub fn memmap_raw(
    path: &Path,
    dtype: Dtype,
    mode: Mode,
    offset: i64,
    shape: Option<&[i64]>,
    order: MemOrder,
) -> Result<Array> {
    let Ok(offset) = u64::try_from(offset) else {
        bail!(InvalidArg, "offset must be non-negative (got {offset})");
    };
    if mode == Mode::Create && shape.is_none() {
        bail!(InvalidArg, "shape must be given if mode == 'w+'");
    }
    let mut file = open(path, mode)?;
    let file_len = file
        .metadata()
        .map_err(|e| io_error("cannot stat", path, e))?
        .len();
    let shape = match shape {
        Some(s) => s.to_vec(),
        None => {
            let itemsize = dtype.itemsize() as u64;
            let Some(avail) = file_len.checked_sub(offset) else {
                bail!(
                    InvalidArg,
                    "offset {offset} is past the end of '{}' ({file_len} bytes)",
                    path.display()
                );
            };
            if itemsize == 0 || avail % itemsize != 0 {
                bail!(
                    InvalidArg,
                    "Size of available data is not a multiple of the data-type size."
                );
            }
            vec![(avail / itemsize) as i64]
        }
    };
    map(
        &mut file,
        path,
        file_len,
        dtype,
        mode,
        offset,
        &shape,
        order,
        ErrorKind::Io,
    )
}

/// What `w+` writes: the array's dtype, shape and order (and the format version, `None` for
/// NumPy's choice).
#[derive(Clone, Debug)]
pub struct NewFile {
    /// Header of the new file.
    pub header: Header,
    /// Format version to write.
    pub version: Option<u8>,
}

/// NumPy's `open_memmap(path, mode, dtype, shape, fortran_order)` and `np.load(path,
/// mmap_mode=mode)`: maps the data of a `.npy` file. Mode `w+` needs `new` and writes its header
/// first; other modes read the header from the file (a file whose data is shorter than its
/// header promises is a `Format` error in every mode, never extended).
pub fn open_memmap(
    path: &Path,
    mode: Mode,
    new: Option<&NewFile>,
    max_header: usize,
) -> Result<Array> {
    if mode == Mode::Create {
        let Some(new) = new else {
            bail!(
                InvalidArg,
                "mode 'w+' needs the dtype and shape of the new array"
            );
        };
        let (bytes, _) = new.header.encode(new.version)?;
        let mut file = open(path, mode)?;
        file.write_all(&bytes)
            .map_err(|e| io_error("cannot write", path, e))?;
        let h = &new.header;
        return map(
            &mut file,
            path,
            bytes.len() as u64,
            h.dtype.clone(),
            Mode::ReadWrite,
            bytes.len() as u64,
            &h.shape,
            h.order(),
            ErrorKind::Format,
        );
    }
    let mut file = open(path, mode)?;
    let (h, data_start, file_len) = read_checked_header(&mut file, path, max_header)?;
    map(
        &mut file,
        path,
        file_len,
        h.dtype.clone(),
        mode,
        data_start,
        &h.shape,
        h.order(),
        ErrorKind::Format,
    )
}

/// Buffer offsets `[start, end)` of `a`'s elements, or `None` for an empty array.
fn span(a: &Array) -> Option<(usize, usize)> {
    let base = a.buffer().as_ptr() as usize;
    a.byte_range().map(|(lo, hi)| (lo - base, hi - base))
}

/// Writes the changes to `a`'s elements back to the file (`msync`) and waits for them: NumPy's
/// `memmap.flush()`. A no-op for `r` and `c` maps; `InvalidArg` if `a` is not memory-mapped.
pub fn flush(a: &Array) -> Result<()> {
    match span(a) {
        Some((lo, hi)) => a.buffer().flush(lo, hi - lo),
        None => a.buffer().flush(0, 0),
    }
}

/// Drops the file pages under `a`'s elements from resident memory (see
/// [`Buffer::release_pages`]): the way to walk a file larger than memory block by block.
pub fn release_pages(a: &Array) -> Result<()> {
    match span(a) {
        Some((lo, hi)) => a.buffer().release_pages(lo, hi - lo),
        None => a.buffer().release_pages(0, 0),
    }
}

/// The mode of the mapping behind `a` and the file offset of `a`'s element 0, or `None` when
/// `a` is not memory-mapped.
pub fn info(a: &Array) -> Option<(MapAccess, u64)> {
    let Mapping {
        access,
        file_offset,
        ..
    } = a.buffer().mapping()?;
    Some((access, file_offset + a.offset() as u64))
}
