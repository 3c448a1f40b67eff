//! An `.npy` file that grows at its end, in place and crash-safe.
//!
//! The header keeps room for the growing length (NumPy's growth digits, which its own writer and
//! [`Header::encode`] leave), so a longer length is rewritten in the same bytes. Rows are written
//! after the data the header describes; [`AppendFile::commit`] first waits until they are on
//! disk, then rewrites the header with one `pwrite` (which a killed process either did or did
//! not do), then waits again. So at any moment the file loads, with the rows of the last commit:
//! bytes past them (rows not yet committed, spare capacity) are ignored by every reader.

use super::header::Header;
use super::io_error;
use super::read::read_checked_header;
use crate::bail;
use crate::buffer::{self, Buffer, MapAccess};
use crate::dtype::Dtype;
use crate::error::Result;
use crate::layout::MemOrder;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};

/// An open `.npy` file being appended to.
pub struct AppendFile {
    file: File,
    path: PathBuf,
    /// The header as last committed (its growing length is the committed row count).
    header: Header,
    major: u8,
    data_start: u64,
}

/// What an [`AppendFile`] is opened with: a new file's (or the expected) dtype, row shape and
/// order; `None` takes an existing file's.
pub struct Expect<'a> {
    /// Element type.
    pub dtype: Option<&'a Dtype>,
    /// The shape of one row (every axis but the growing one).
    pub row_shape: Option<&'a [i64]>,
    /// C: rows along axis 0; F: along the last axis.
    pub order: Option<MemOrder>,
}

impl AppendFile {
    /// Opens `path` for appending: an existing `.npy` file keeps its rows (it must match what
    /// `expect` gives and have room in its header for a longer length); a missing or empty
    /// file is created with no rows (which needs `expect.dtype` and `expect.row_shape`). One
    /// writer at a time: the file is locked (`flock`) until closed, and a second open for
    /// appending is an `Io` error.
    /// Returns the file and the length of the file in bytes.
    pub fn open(path: &Path, expect: &Expect, max_header: usize) -> Result<(AppendFile, u64)> {
        if std::fs::metadata(path).map_or(true, |m| m.len() == 0) {
            new_shape(path, expect)?; // checked before a file is made
        }
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        let mut file = super::open_file(path, &options)?;
        // Two writers would overwrite each other's rows and header.
        match buffer::lock_exclusive(&file) {
            Ok(true) => {}
            Ok(false) => bail!(
                Io,
                "cannot append to '{}': it is open for appending already (by this process or another); close that first",
                path.display()
            ),
            Err(e) => return Err(io_error("cannot lock", path, e)),
        }
        let len = file
            .metadata()
            .map_err(|e| io_error("cannot stat", path, e))?
            .len();
        if len == 0 {
            return AppendFile::create(file, path, expect);
        }
        let (header, data_start, file_len) = read_checked_header(&mut file, path, max_header)?;
        let order = header.order();
        let axis = growing_axis(header.shape.len(), order);
        let Some(axis) = axis else {
            bail!(
                InvalidArg,
                "cannot append to '{}': it holds a 0-dimensional array, which has no axis to grow",
                path.display()
            );
        };
        let mut row_shape = header.shape.clone();
        row_shape.remove(axis);
        if expect.dtype.is_some_and(|d| *d != header.dtype)
            || expect.row_shape.is_some_and(|r| r != row_shape)
            || expect.order.is_some_and(|o| o != order)
        {
            bail!(
                InvalidArg,
                "cannot append to '{}': it holds rows of shape {} and dtype {} in {} order, not the {} asked for",
                path.display(),
                crate::layout::shape_str_compact(&row_shape),
                header.dtype,
                order_name(order),
                describe(expect)
            );
        }
        let major = prefix_major(&mut file, path)?;
        let f = AppendFile {
            file,
            path: path.to_path_buf(),
            header,
            major,
            data_start,
        };
        f.check_room()?;
        Ok((f, file_len))
    }

    fn create(file: File, path: &Path, expect: &Expect) -> Result<(AppendFile, u64)> {
        let header = new_shape(path, expect)?;
        let (bytes, major) = header.encode(None)?;
        let f = AppendFile {
            file,
            path: path.to_path_buf(),
            header,
            major,
            data_start: bytes.len() as u64,
        };
        f.check_room()?;
        f.write_at(0, &bytes)?;
        f.sync()?;
        Ok((f, bytes.len() as u64))
    }

    /// Refuses a header without room for the longest length (a file from NumPy before 1.24).
    fn check_room(&self) -> Result<()> {
        let mut widest = self.header.clone();
        let axis = self.axis();
        widest.shape[axis] = i64::MAX;
        match widest.encode(Some(self.major)) {
            Ok((bytes, _)) if bytes.len() as u64 == self.data_start => Ok(()),
            _ => bail!(
                Format,
                "cannot append to '{}' in place: its header has no room for a longer length (it was written without NumPy's growth padding, e.g. by NumPy before 1.24); load it and save it again with ndmem or a newer NumPy",
                self.path.display()
            ),
        }
    }

    /// The growing axis of the file's array.
    pub fn axis(&self) -> usize {
        growing_axis(self.header.shape.len(), self.header.order()).expect("checked at open")
    }

    /// The header as last committed.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Byte offset of the first row.
    pub fn data_start(&self) -> u64 {
        self.data_start
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sets the file's length to `len` bytes: extending allocates the blocks (a full disk is an
    /// error here, never a fault when the mapping is written); cutting needs the caller to know
    /// that no live mapping reaches past `len`.
    pub fn set_len(&self, len: u64) -> Result<()> {
        let old = self
            .file
            .metadata()
            .map_err(|e| io_error("cannot stat", &self.path, e))?
            .len();
        let done = if len > old {
            buffer::extend_file(&self.file, old, len - old)
        } else {
            self.file.set_len(len)
        };
        done.map_err(|e| io_error("cannot resize", &self.path, e))
    }

    /// Maps the first `len` bytes of the file (at least the header), read-write and shared.
    pub fn map(&self, len: u64) -> Result<Buffer> {
        let Ok(len) = usize::try_from(len) else {
            bail!(
                Alloc,
                "cannot map {len} bytes of '{}': larger than the address space",
                self.path.display()
            );
        };
        Buffer::map_file(&self.file, 0, len, MapAccess::Write)
    }

    /// Writes `bytes` at file offset `at`.
    pub fn write_at(&self, at: u64, bytes: &[u8]) -> Result<()> {
        self.file
            .write_all_at(bytes, at)
            .map_err(|e| io_error("cannot write", &self.path, e))
    }

    fn sync(&self) -> Result<()> {
        self.file
            .sync_data()
            .map_err(|e| io_error("cannot write back", &self.path, e))
    }

    /// Makes the file describe `rows` rows: waits until everything written so far is on disk,
    /// rewrites the header in place, and waits again.
    pub fn commit(&mut self, rows: usize) -> Result<()> {
        let axis = self.axis();
        if self.header.shape[axis] as usize == rows {
            return Ok(());
        }
        let mut header = self.header.clone();
        header.shape[axis] = rows as i64;
        let (bytes, _) = header.encode(Some(self.major))?;
        debug_assert_eq!(bytes.len() as u64, self.data_start, "room checked at open");
        self.sync()?;
        self.write_at(0, &bytes)?;
        self.sync()?;
        self.header = header;
        Ok(())
    }

    /// How many live mappings of this file the process has (see [`buffer::live_maps`]).
    pub fn live_maps(&self) -> usize {
        self.file
            .metadata()
            .ok()
            .and_then(|m| buffer::live_maps((m.dev(), m.ino())))
            .map_or(0, |(n, _)| n)
    }
}

/// The header of a new file of no rows for `expect` (which must give the dtype and row shape).
fn new_shape(path: &Path, expect: &Expect) -> Result<Header> {
    let (Some(dtype), Some(row_shape)) = (expect.dtype, expect.row_shape) else {
        bail!(
            InvalidArg,
            "'{}' does not exist or is empty: creating it needs the dtype and row shape",
            path.display()
        );
    };
    let order = expect.order.unwrap_or(MemOrder::C);
    let mut shape = row_shape.to_vec();
    let axis = growing_axis(shape.len() + 1, order).expect("at least one axis");
    shape.insert(axis, 0);
    crate::layout::check_shape(&shape, dtype.itemsize())?;
    Ok(Header {
        dtype: dtype.clone(),
        shape,
        fortran_order: order == MemOrder::F,
    })
}

/// The axis rows are appended along: 0 in C order, the last in F order; `None` for 0-d.
pub fn growing_axis(ndim: usize, order: MemOrder) -> Option<usize> {
    match (ndim, order) {
        (0, _) => None,
        (n, MemOrder::F) => Some(n - 1),
        _ => Some(0),
    }
}

fn order_name(order: MemOrder) -> &'static str {
    match order {
        MemOrder::F => "Fortran",
        _ => "C",
    }
}

fn describe(expect: &Expect) -> String {
    let mut parts = Vec::new();
    if let Some(d) = expect.dtype {
        parts.push(format!("dtype {d}"));
    }
    if let Some(r) = expect.row_shape {
        parts.push(format!(
            "rows of shape {}",
            crate::layout::shape_str_compact(r)
        ));
    }
    if let Some(o) = expect.order {
        parts.push(format!("{} order", order_name(o)));
    }
    parts.join(", ")
}

/// The major version of the open `.npy` file (its seventh byte).
fn prefix_major(file: &mut File, path: &Path) -> Result<u8> {
    let mut b = [0u8; 1];
    file.read_exact_at(&mut b, 6)
        .map_err(|e| io_error("cannot read", path, e))?;
    Ok(b[0])
}
