//! Saving arrays as `.npy`. A C- or F-contiguous array is written straight from its memory in
//! one call; any other view is copied block by block (at most [`STREAM_BLOCK`] bytes at a time)
//! into C order, so saving a strided view of a huge array never materialises a whole copy.

use super::header::Header;
use super::io_error;
use crate::array::Array;
use crate::bail;
use crate::buffer::{reserve_file_space, AllocOptions, Buffer};
use crate::copy::copyto;
use crate::dtype::Casting;
use crate::error::{Error, ErrorKind, Result};
use crate::layout::Strided;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// Bytes copied per block when a non-contiguous array is written.
pub const STREAM_BLOCK: usize = 1 << 20;

/// Writes `a` to the file `path` (created, or replaced) as NumPy's `np.save` does; `version`
/// forces format 1, 2 or 3, `None` lets NumPy's rule choose. Returns the major version used.
///
/// An existing file is overwritten in place and then cut to its new length, rather than
/// truncated first: rewriting page-cache pages is cheaper than freeing and reallocating them,
/// and other maps of the file never see it shrink below what they map while this runs. Saving
/// an array into the very file it is mapped from is refused (NumPy crashes with SIGBUS there).
pub fn save(path: &Path, a: &Arc<Array>, version: Option<u8>) -> Result<u8> {
    use std::os::unix::fs::MetadataExt;
    // The header is checked before the file is touched.
    let header = Header::describe(a.dtype(), a.shape(), a.strides());
    let (bytes, used) = header.encode(version)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| io_error("cannot create", path, e))?;
    let meta = file
        .metadata()
        .map_err(|e| io_error("cannot stat", path, e))?;
    if let Some(m) = a.buffer().mapping() {
        if m.file_id == (meta.dev(), meta.ino()) {
            bail!(
                InvalidArg,
                "cannot save an array into '{}': it is memory-mapped from that file (save to another file)",
                path.display()
            );
        }
    }
    crate::buffer::refuse_if_mapped(&file, path, "save an array into")?;
    let io = |e: Error| match e.kind {
        ErrorKind::Io => {
            let message = format!("cannot write '{}': {}", path.display(), e.message);
            e.with_message(message)
        }
        _ => e,
    };
    file.write_all(&bytes)
        .map_err(|e| io_error("cannot write", path, e))?;
    let total = bytes.len() as u64 + a.nbytes() as u64;
    if meta.len() < total {
        reserve_file_space(&file, meta.len(), total - meta.len());
    }
    write_data(&mut file, a, &header).map_err(io)?;
    if meta.is_file() {
        file.set_len(total)
            .map_err(|e| io_error("cannot set the length of", path, e))?;
    }
    file.flush()
        .map_err(|e| io_error("cannot write", path, e))?;
    Ok(used)
}

/// Writes `a` as a complete `.npy` stream (header and data) to `w`.
pub fn write_npy(w: &mut impl Write, a: &Arc<Array>, version: Option<u8>) -> Result<u8> {
    let header = Header::describe(a.dtype(), a.shape(), a.strides());
    let (bytes, used) = header.encode(version)?;
    w.write_all(&bytes)
        .map_err(|e| Error::os(e.to_string(), &e))?;
    write_data(w, a, &header)?;
    Ok(used)
}

fn write_data(w: &mut impl Write, a: &Arc<Array>, header: &Header) -> Result<()> {
    let io = |e: std::io::Error| Error::os(e.to_string(), &e);
    let Some((lo, hi)) = a.byte_range() else {
        return Ok(());
    };
    crate::accounting::explicit_copy(a.nbytes());
    let contiguous = a.is_c_contiguous() || header.fortran_order;
    if contiguous && hi - lo == a.nbytes() {
        let start = lo - a.buffer().as_ptr() as usize;
        return a.buffer().write_to(start, hi - lo, w).map_err(io);
    }
    stream(w, a)
}

/// Writes the elements of `a` in C order through a block buffer.
fn stream(w: &mut impl Write, a: &Arc<Array>) -> Result<()> {
    let itemsize = a.itemsize();
    let budget = STREAM_BLOCK.max(itemsize);
    let scratch = Arc::new(Buffer::allocate(budget, AllocOptions::default())?);
    crate::accounting::block_buffer(budget);
    let (shape, strides) = (a.shape(), a.strides());
    let nd = shape.len();
    // Smallest k such that the trailing axes k.. fit in one block.
    let mut k = nd;
    let mut inner = itemsize;
    while k > 0 && inner * shape[k - 1] as usize <= budget {
        k -= 1;
        inner *= shape[k] as usize;
    }
    let mut emit = |offset: i64, lead: Option<(i64, i64)>| -> Result<()> {
        let (mut bshape, mut bstrides) = (Vec::new(), Vec::new());
        if let Some((n, stride)) = lead {
            bshape.push(n);
            bstrides.push(stride);
        }
        bshape.extend_from_slice(&shape[k..]);
        bstrides.extend_from_slice(&strides[k..]);
        let src = a.view(
            Strided {
                offset,
                shape: bshape.clone(),
                strides: bstrides,
            },
            false,
        );
        let dst = Array::from_buffer(
            Arc::clone(&scratch),
            0,
            a.dtype().clone(),
            &bshape,
            None,
            true,
        )?;
        copyto(&dst, &src, Casting::No)?;
        scratch
            .write_to(0, dst.nbytes(), w)
            .map_err(|e| Error::os(e.to_string(), &e))
    };
    if k == 0 {
        return emit(0, None);
    }
    // Axis g = k - 1 is cut into runs of `chunk` indices; the axes before it are iterated.
    let g = k - 1;
    let chunk = (budget / inner).max(1) as i64;
    let mut index = vec![0i64; g];
    loop {
        let base: i64 = index.iter().zip(strides).map(|(i, s)| i * s).sum();
        let mut j = 0;
        while j < shape[g] {
            let n = chunk.min(shape[g] - j);
            emit(base + j * strides[g], Some((n, strides[g])))?;
            j += n;
        }
        // Odometer over the outer axes.
        let mut ax = g;
        loop {
            if ax == 0 {
                return Ok(());
            }
            ax -= 1;
            index[ax] += 1;
            if index[ax] < shape[ax] {
                break;
            }
            index[ax] = 0;
        }
    }
}
