//! `.npy` files exactly as NumPy writes and reads them (formats 1.0, 2.0 and 3.0).
//!
//! - [`header`]: the magic string, version, length and dict text, both ways.
//! - [`read`]: loading a file into a new array, checking every length against the file first.
//! - [`write`]: saving an array; non-contiguous views stream through a small block buffer.
//! - [`append`]: a file that grows at its end, in place and crash-safe.

pub mod append;
pub mod header;
pub mod read;
pub mod write;

pub use header::Header;
pub use read::{load, read_header};
pub use write::{save, write_npy};

use crate::error::Error;
use std::path::Path;

/// Opens `path` with `options`, refusing a directory with `EISDIR` as Python's `open` does
/// (Linux opens a directory for reading; reading or mapping it then fails obscurely).
pub(crate) fn open_file(
    path: &Path,
    options: &std::fs::OpenOptions,
) -> crate::error::Result<std::fs::File> {
    let file = options
        .open(path)
        .map_err(|e| io_error("cannot open", path, e))?;
    match file.metadata() {
        Ok(m) if m.is_dir() => {
            let e = std::io::Error::from_raw_os_error(libc::EISDIR);
            Err(io_error("cannot open", path, e))
        }
        _ => Ok(file),
    }
}

/// An I/O error naming the file and what was being done.
pub(crate) fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::os(format!("{what} '{}': {e}", path.display()), &e)
}
