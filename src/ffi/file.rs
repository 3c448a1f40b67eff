//! `.npy` files and memory maps: `ndm_save_npy`, `ndm_load_npy`, `ndm_open_memmap`,
//! `ndm_memmap_raw`, `ndm_flush`, `ndm_release_pages`, `ndm_memmap_info`.
//!
//! Paths are NUL-terminated byte strings passed to the operating system as they are. Malformed
//! files are `NDM_ERR_FORMAT`, failures of the operating system `NDM_ERR_IO`, each with a message
//! naming the file and the problem; nothing is allocated or mapped before the header has been
//! checked against the file's length.

use super::args;
use super::handle::{ndm_array, ndm_dtype};
use super::status::ndm_status;
use crate::bail;
use crate::buffer::MapAccess;
use crate::error::Result;
use crate::mmap::{self, Mode, NewFile};
use crate::npy::{self, Header};
use std::ffi::c_char;
use std::sync::Arc;

/// Longest `.npy` header ndmem ever reads, in bytes, whatever limit a caller asks for (ndmem's
/// header parser is linear-time and depth-bounded, so this hard cap is safe).
pub const NDM_NPY_MAX_HEADER_LEN: i64 = 16 << 20;

/// NumPy's default `max_header_size` (10,000 bytes): `ndm_load_npy` and `ndm_open_memmap` refuse
/// longer headers, as `np.load` does, unless the `_ex` variants are given a larger limit for a
/// trusted file (up to `NDM_NPY_MAX_HEADER_LEN`).
pub const NDM_NPY_MAX_HEADER_SIZE: i64 = 10_000;

/// A caller's `max_header_size`: at least 0; values above the hard cap mean the hard cap.
fn max_header(max_header_size: i64) -> Result<usize> {
    if max_header_size < 0 {
        bail!(
            InvalidArg,
            "max_header_size {max_header_size} cannot be negative"
        );
    }
    Ok(max_header_size.min(NDM_NPY_MAX_HEADER_LEN) as usize)
}

/// `ndm_memmap_info` mode: read-only (`'r'`).
pub const NDM_MMAP_READ: i32 = 0;
/// `ndm_memmap_info` mode: read-write, shared with the file (`'r+'`, also maps opened `'w+'`).
pub const NDM_MMAP_READWRITE: i32 = 1;
/// `ndm_memmap_info` mode: copy-on-write (`'c'`).
pub const NDM_MMAP_COPY: i32 = 2;

/// Where a memory-mapped array lives, filled by `ndm_memmap_info`.
#[repr(C)]
pub struct ndm_map_info {
    /// `NDM_MMAP_READ`, `NDM_MMAP_READWRITE` or `NDM_MMAP_COPY`.
    pub mode: i32,
    /// File offset of the array's element 0 (for the array a map returned: the `offset` it was
    /// opened at, e.g. the header length of a `.npy` file).
    pub offset: i64,
}

fn version(v: i32) -> Result<Option<u8>> {
    match v {
        0 => Ok(None),
        1..=3 => Ok(Some(v as u8)),
        _ => crate::bail!(
            InvalidArg,
            "version {v} must be 0 (choose as NumPy does) or 1, 2, 3 (formats 1.0, 2.0, 3.0)"
        ),
    }
}

/// Writes `a` to the file `path` (created or truncated) exactly as NumPy's `np.save` would: the
/// same header bytes and data, C order unless `a` is F-contiguous and not C-contiguous (then
/// `fortran_order` is True and the data is column-major). A view that is neither is written in
/// C order block by block (1 MiB at a time), never copied whole. `version` 0 chooses the format
/// as NumPy does (1.0, else 2.0 for headers over 64 KiB, else 3.0 for non-latin-1 field names);
/// 1, 2 or 3 forces one. `*version_used` (may be NULL) gets the major version written; NumPy
/// warns when it is 2 or 3 (older NumPy cannot read them). Unlike `np.save`, no `.npy` suffix is
/// added to `path`. Records whose fields overlap cannot be described (`NDM_ERR_INVALID_ARG`, as
/// NumPy's `dtype.descr`); the file is not created then.
#[no_mangle]
pub unsafe extern "C" fn ndm_save_npy(
    path: *const c_char,
    a: *const ndm_array,
    version: i32,
    version_used: *mut i32,
) -> ndm_status {
    boundary! {
        let path = args::path(path, "path")?;
        let a = args::array(a, "a")?;
        let used = npy::save(path, a, self::version(version)?)?;
        if !version_used.is_null() {
            // SAFETY: non-NULL; the caller guarantees it points to writable storage.
            unsafe { *version_used = used.into() };
        }
        Ok(())
    }
}

/// Reads a `.npy` file (format 1.0, 2.0 or 3.0) into a new array that owns its data, with the
/// file's dtype (byte order, records and padding as written) and shape; F-contiguous when the
/// file is in Fortran order. Errors: `NDM_ERR_IO` (cannot open or read; `ndm_last_errno` tells
/// why), `NDM_ERR_FORMAT` (bad magic, unknown version, a header that is not NumPy's dict, longer
/// than NumPy's `NDM_NPY_MAX_HEADER_SIZE` or past the end of the file, an invalid or
/// overflowing shape, an unsupported or object dtype, data shorter than the header promises).
#[no_mangle]
pub unsafe extern "C" fn ndm_load_npy(path: *const c_char, out: *mut *mut ndm_array) -> ndm_status {
    // SAFETY: the same arguments, with NumPy's default header limit.
    unsafe { ndm_load_npy_ex(path, NDM_NPY_MAX_HEADER_SIZE, out) }
}

/// `ndm_load_npy` with NumPy's `max_header_size`: headers longer than it are refused with
/// NumPy's message before they are read; a limit above `NDM_NPY_MAX_HEADER_LEN` (e.g.
/// `INT64_MAX`, for a trusted file) means that hard cap. Negative is `NDM_ERR_INVALID_ARG`.
#[no_mangle]
pub unsafe extern "C" fn ndm_load_npy_ex(
    path: *const c_char,
    max_header_size: i64,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let path = args::path(path, "path")?;
            Ok(Arc::new(npy::load(path, max_header(max_header_size)?)?))
        })
    }
}

/// Maps the data of a `.npy` file: NumPy's `np.lib.format.open_memmap` and
/// `np.load(path, mmap_mode=mode)`. `mode` is `"r"` (read-only array), `"r+"` (writes reach the
/// file; see `ndm_flush`), `"c"` (copy-on-write: writeable, the file never changes) or `"w+"`
/// (create or truncate the file, write a header for `dtype`/`shape`/`fortran_order`, map it
/// read-write; `version` as in `ndm_save_npy`). For the other modes `dtype`, `ndim`, `shape`,
/// `fortran_order` and `version` are ignored (pass NULL, 0, NULL, false, 0). The array and its
/// views keep the mapping alive; the file is closed before this returns. Errors as
/// `ndm_load_npy` (headers up to NumPy's `NDM_NPY_MAX_HEADER_SIZE`); a file whose data is
/// shorter than its header says is `NDM_ERR_FORMAT` in every mode (never extended).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ndm_open_memmap(
    path: *const c_char,
    mode: *const c_char,
    dtype: *const ndm_dtype,
    ndim: i32,
    shape: *const i64,
    fortran_order: bool,
    version: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    // SAFETY: the same arguments, with NumPy's default header limit.
    unsafe {
        ndm_open_memmap_ex(
            path,
            mode,
            dtype,
            ndim,
            shape,
            fortran_order,
            version,
            NDM_NPY_MAX_HEADER_SIZE,
            out,
        )
    }
}

/// `ndm_open_memmap` with NumPy's `max_header_size` for the modes that read a header (as
/// `ndm_load_npy_ex`; ignored for `"w+"`).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ndm_open_memmap_ex(
    path: *const c_char,
    mode: *const c_char,
    dtype: *const ndm_dtype,
    ndim: i32,
    shape: *const i64,
    fortran_order: bool,
    version: i32,
    max_header_size: i64,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let path = args::path(path, "path")?;
            let mode = Mode::parse(args::text(mode, "mode")?)?;
            let new = if mode == Mode::Create {
                let header = Header {
                    dtype: args::dtype(dtype, "dtype")?.clone(),
                    shape: args::i64s(shape, ndim.into(), "shape")?.to_vec(),
                    fortran_order,
                };
                crate::layout::check_shape(&header.shape, header.dtype.itemsize())?;
                Some(NewFile { header, version: self::version(version)? })
            } else {
                None
            };
            let limit = max_header(max_header_size)?;
            Ok(Arc::new(mmap::open_memmap(path, mode, new.as_ref(), limit)?))
        })
    }
}

/// NumPy's `np.memmap(path, dtype, mode, offset, shape, order)`: maps the raw bytes of a file
/// (no header) from byte `offset` as an array of `dtype`. `ndim` < 0 means no shape: a 1-D array
/// of every whole element after `offset` (the remaining length must be a multiple of the
/// itemsize). `order` is `NDM_ORDER_C` or `NDM_ORDER_F`. Modes as `ndm_open_memmap`; in `"r+"`
/// and `"w+"` a file shorter than `offset` plus the array's bytes is extended with zeros, as NumPy
/// does (`"w+"` needs a shape); in `"r"` and `"c"` that is `NDM_ERR_IO`. The mapping starts at
/// `offset` rounded down to a page, like NumPy's.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ndm_memmap_raw(
    path: *const c_char,
    dtype: *const ndm_dtype,
    mode: *const c_char,
    offset: i64,
    ndim: i32,
    shape: *const i64,
    order: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let path = args::path(path, "path")?;
            let d = args::dtype(dtype, "dtype")?.clone();
            let mode = Mode::parse(args::text(mode, "mode")?)?;
            let shape = if ndim < 0 { None } else { Some(args::i64s(shape, ndim.into(), "shape")?) };
            let order = args::mem_order(order)?;
            Ok(Arc::new(mmap::memmap_raw(path, d, mode, offset, shape, order)?))
        })
    }
}

/// Writes the changed pages under `a`'s elements back to the file and waits (`msync`), like
/// NumPy's `memmap.flush()`; an error from the operating system is `NDM_ERR_IO`. A no-op for
/// `"r"` and `"c"` maps. `NDM_ERR_INVALID_ARG` if `a` is not memory-mapped.
#[no_mangle]
pub unsafe extern "C" fn ndm_flush(a: *const ndm_array) -> ndm_status {
    boundary! {
        mmap::flush(args::array(a, "a")?)
    }
}

/// Drops the file pages under `a`'s elements from the process's resident memory (flushing
/// `"r+"` changes first); the values are unchanged and are read back from the file when next
/// touched. Processing a mapped file block by block and releasing each block keeps resident
/// memory bounded whatever the file size. Refused (`NDM_ERR_INVALID_ARG`) for `"c"` maps (their
/// changes live only in those pages) and for arrays that are not memory-mapped.
#[no_mangle]
pub unsafe extern "C" fn ndm_release_pages(a: *const ndm_array) -> ndm_status {
    boundary! {
        mmap::release_pages(args::array(a, "a")?)
    }
}

/// Fills `*info` with the mode of the map behind `a` and the file offset of `a`'s element 0.
/// `NDM_ERR_INVALID_ARG` if `a` is not memory-mapped (views of a mapped array are).
#[no_mangle]
pub unsafe extern "C" fn ndm_memmap_info(
    a: *const ndm_array,
    info: *mut ndm_map_info,
) -> ndm_status {
    boundary! {
        let info = args::out(info, "info")?;
        let Some((access, offset)) = mmap::info(args::array(a, "a")?) else {
            crate::bail!(InvalidArg, "the array is not memory-mapped");
        };
        *info = ndm_map_info {
            mode: match access {
                MapAccess::Read => NDM_MMAP_READ,
                MapAccess::Write => NDM_MMAP_READWRITE,
                MapAccess::Copy => NDM_MMAP_COPY,
            },
            offset: offset as i64,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn header_limit_constant_matches_the_reader() {
        assert_eq!(
            super::NDM_NPY_MAX_HEADER_LEN as usize,
            crate::npy::header::MAX_HEADER_LEN
        );
    }
}
