//! `.npy` files exactly as NumPy writes and reads them (formats 1.0, 2.0 and 3.0).
//!
//! - [`header`]: the magic string, version, length and dict text, both ways.
//! - [`read`]: loading a file into a new array, checking every length against the file first.
//! - [`write`]: saving an array; non-contiguous views stream through a small block buffer.

pub mod header;
pub mod read;
pub mod write;

pub use header::Header;
pub use read::{load, read_header};
pub use write::{save, write_npy};

use crate::error::{Error, ErrorKind};
use std::path::Path;

/// An I/O error naming the file and what was being done.
pub(crate) fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("{what} '{}': {e}", path.display()))
}
