//! Loading `.npy` files. Nothing is allocated before the header has been parsed and the file
//! has been found long enough to hold the data it promises, so a hostile file can neither make
//! ndmem allocate a huge buffer nor read past its end.

use super::header::{self, Header, Prefix, MAX_HEADER_LEN, MAX_PREFIX_LEN};
use super::io_error;
use crate::array::Array;
use crate::bail;
use crate::buffer::{AllocOptions, Buffer};
use crate::error::Result;
use crate::layout::{self, MemOrder};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Reads and parses the header of an open `.npy` file of `file_len` bytes, leaving the file
/// positioned at the data. Returns the header and the byte offset of the data. A header longer
/// than `max_header` bytes is refused before it is read (NumPy's `max_header_size`, a guard
/// against hostile files; never more than [`MAX_HEADER_LEN`]).
pub fn read_header(
    file: &mut (impl Read + Seek),
    file_len: u64,
    path: &Path,
    max_header: usize,
) -> Result<(Header, Prefix)> {
    let mut start = [0u8; MAX_PREFIX_LEN];
    let n = file_len.min(MAX_PREFIX_LEN as u64) as usize;
    file.read_exact(&mut start[..n])
        .map_err(|e| io_error("cannot read", path, e))?;
    let prefix = header::parse_prefix(&start[..n])?;
    file.seek(SeekFrom::Start(prefix.prefix_len as u64))
        .map_err(|e| io_error("cannot seek in", path, e))?;
    if prefix.header_len > max_header && max_header < MAX_HEADER_LEN {
        bail!(
            Format,
            "Header info length ({}) is large and may not be safe to load securely.\nTo allow loading, adjust `max_header_size` or fully trust the `.npy` file using `allow_pickle=True`.\nFor safety against large resource use or crashes, sandboxing may be necessary.",
            prefix.header_len
        );
    }
    if prefix.header_len > MAX_HEADER_LEN {
        bail!(
            Format,
            "the header of '{}' claims {} bytes, more than the {MAX_HEADER_LEN} bytes ndmem reads",
            path.display(),
            prefix.header_len
        );
    }
    if prefix.data_start() > file_len {
        bail!(
            Format,
            "EOF: reading array header, expected {} bytes got {}: '{}' is truncated",
            prefix.header_len,
            file_len - prefix.prefix_len as u64,
            path.display()
        );
    }
    let mut text = vec![0u8; prefix.header_len];
    file.read_exact(&mut text)
        .map_err(|e| io_error("cannot read the header of", path, e))?;
    let h = header::parse_dict(&text, prefix.major)?;
    Ok((h, prefix))
}

/// Reads the header of an open `.npy` file and checks that the file holds all the data it
/// promises (headers up to `max_header` bytes). Returns the header, the data offset and the file
/// length.
pub fn read_checked_header(
    file: &mut File,
    path: &Path,
    max_header: usize,
) -> Result<(Header, u64, u64)> {
    let file_len = file
        .metadata()
        .map_err(|e| io_error("cannot stat", path, e))?
        .len();
    let (h, prefix) = read_header(file, file_len, path, max_header)?;
    check_data_len(&h, prefix.data_start(), file_len)?;
    Ok((h, prefix.data_start(), file_len))
}

/// Checks that a file of `file_len` bytes holds the data of `h` starting at `data_start`.
fn check_data_len(h: &Header, data_start: u64, file_len: u64) -> Result<usize> {
    let (count, nbytes) = h.sizes()?;
    let available = file_len.saturating_sub(data_start);
    if available < nbytes {
        let itemsize = h.dtype.itemsize().max(1) as u64;
        bail!(
            Format,
            "Failed to read all data for array. Expected {} = {count} elements, could only read {} elements. (file seems not to be a .npy file)",
            layout::shape_str_compact(&h.shape),
            available / itemsize
        );
    }
    Ok(count)
}

/// NumPy's `np.load(path)` for a `.npy` file: a new array (owning its data) with the file's
/// dtype and shape, F-contiguous when the file is in Fortran order. Headers longer than
/// `max_header` bytes are refused.
pub fn load(path: &Path, max_header: usize) -> Result<Array> {
    let mut file = super::open_file(path, std::fs::OpenOptions::new().read(true))?;
    let (h, _, _) = read_checked_header(&mut file, path, max_header)?;
    let order = h.order();
    if h.sizes()?.1 == 0 {
        // NumPy reads a 1-D array of the elements (an empty one has stride 0) and then sets its
        // shape, which gives fresh C strides for more than one axis ((24, 8) for (0, 3)).
        let strides = match h.shape.len() {
            1 => vec![0],
            _ => layout::fresh_strides(&h.shape, h.dtype.itemsize(), MemOrder::C),
        };
        let buffer = Buffer::allocate(0, AllocOptions::default())?;
        return Array::from_owned_buffer(buffer, h.dtype, &h.shape, &strides);
    }
    let axes = layout::order_axes(h.shape.len(), order);
    let a = Array::allocate(h.dtype.clone(), &h.shape, &axes, false)?;
    let nbytes = a.nbytes();
    a.buffer()
        .read_from(a.offset(), nbytes, &mut file)
        .map_err(|e| io_error("cannot read the data of", path, e))?;
    Ok(a)
}
