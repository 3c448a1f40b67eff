//! The core's error type: a kind (whose discriminant is its C status code) and a message
//! that names the argument, shape, axis or value at fault.

use std::fmt;

/// What went wrong, independent of how it is reported to a caller. The discriminants are the C
/// status codes (`NDM_ERR_*`, checked against them at compile time in `ffi::status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum ErrorKind {
    /// A required pointer argument was NULL.
    NullArg = 1,
    /// A handle that was freed, or was never created by this library.
    BadHandle = 2,
    /// An argument has a value the operation does not accept.
    InvalidArg = 3,
    /// A shape is invalid: negative lengths, too many dimensions, or a byte size that overflows.
    Shape = 4,
    /// Memory could not be allocated.
    Alloc = 5,
    /// A dtype could not be parsed, or is not supported by the operation.
    Dtype = 6,
    /// A cast is not allowed by the requested casting rule.
    Casting = 7,
    /// An index is out of range.
    Index = 8,
    /// An axis is out of range.
    Axis = 9,
    /// An element would lie outside its buffer.
    Bounds = 10,
    /// A write was requested through a read-only array.
    ReadOnly = 11,
    /// The operation needs a copy but copying was forbidden.
    CopyRequired = 12,
    /// Integer overflow in a computation that has no representable result.
    Overflow = 13,
    /// A bounded computation exceeded its work limit.
    TooHard = 14,
    /// An operating-system I/O error.
    Io = 15,
    /// Malformed file or text format.
    Format = 16,
    /// A bug in ndmem (a caught panic).
    Internal = 17,
    /// Memory that live views still refer to would have to move (a growable array whose
    /// policy refuses moves).
    InUse = 18,
    /// Memory that an exchange format (DLPack) cannot describe (a dtype, byte order, stride or
    /// device it has no words for), or a foreign tensor ndmem cannot take.
    Exchange = 19,
}

/// An error with its kind and a human-readable message with context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The category, mapped to a status code at the C boundary.
    pub kind: ErrorKind,
    /// What went wrong, naming the argument or value at fault.
    pub message: String,
    /// The operating system's error number (`errno`) when the failure came from the OS.
    pub os_error: Option<i32>,
}

impl Error {
    /// Builds an error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            os_error: None,
        }
    }

    /// An `Io` error for the operating system's failure `e`, keeping its `errno`.
    pub fn os(message: impl Into<String>, e: &std::io::Error) -> Self {
        Error {
            kind: ErrorKind::Io,
            message: message.into(),
            os_error: e.raw_os_error(),
        }
    }

    /// The same error with its message replaced (kind and `errno` kept).
    pub fn with_message(self, message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            ..self
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Result alias used throughout the core.
pub type Result<T> = std::result::Result<T, Error>;

/// Returns early with an `Error` of the given kind and a formatted message.
#[macro_export]
macro_rules! bail {
    ($kind:ident, $($arg:tt)+) => {
        return Err($crate::error::Error::new($crate::error::ErrorKind::$kind, format!($($arg)+)))
    };
}
