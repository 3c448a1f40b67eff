//! Status codes, the thread-local last error, and the panic boundary.
//!
//! Status numbers are fixed forever once released: new codes are added, never renumbered.
//! Negative values are reserved for user callbacks.

use crate::error::{Error, ErrorKind, Result};
use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Result of every fallible ndmem function: `NDM_OK` (0) or one of the `NDM_ERR_*` codes.
pub type ndm_status = i32;

/// Success.
pub const NDM_OK: ndm_status = 0;
/// A required pointer argument was NULL (the message names it).
pub const NDM_ERR_NULL_ARG: ndm_status = 1;
/// A handle was freed already, or was never returned by ndmem, or is of the wrong kind.
pub const NDM_ERR_BAD_HANDLE: ndm_status = 2;
/// An argument has a value the function does not accept.
pub const NDM_ERR_INVALID_ARG: ndm_status = 3;
/// Invalid shape: negative length, more than 64 dimensions, or a byte size that overflows.
pub const NDM_ERR_SHAPE: ndm_status = 4;
/// Memory could not be allocated.
pub const NDM_ERR_ALLOC: ndm_status = 5;
/// A dtype could not be parsed or is not supported by the operation.
pub const NDM_ERR_DTYPE: ndm_status = 6;
/// A conversion is not allowed by the requested casting rule.
pub const NDM_ERR_CASTING: ndm_status = 7;
/// An index is out of range.
pub const NDM_ERR_INDEX: ndm_status = 8;
/// An axis is out of range.
pub const NDM_ERR_AXIS: ndm_status = 9;
/// An element would lie outside its buffer.
pub const NDM_ERR_BOUNDS: ndm_status = 10;
/// Write access was requested through a read-only array.
pub const NDM_ERR_READONLY: ndm_status = 11;
/// The operation would need a copy and copying was forbidden.
pub const NDM_ERR_COPY_REQUIRED: ndm_status = 12;
/// Integer overflow in a computation with no representable result.
pub const NDM_ERR_OVERFLOW: ndm_status = 13;
/// A bounded computation exceeded its work limit.
pub const NDM_ERR_TOO_HARD: ndm_status = 14;
/// An operating-system I/O error.
pub const NDM_ERR_IO: ndm_status = 15;
/// A malformed file or text.
pub const NDM_ERR_FORMAT: ndm_status = 16;
/// A bug in ndmem: a panic was caught at the boundary (the message has its text).
pub const NDM_ERR_INTERNAL: ndm_status = 17;
/// A growable array would have to move memory that live views still refer to, and its policy
/// (`NDM_GROW_REFUSE`) forbids that (the message gives the number of views).
pub const NDM_ERR_IN_USE: ndm_status = 18;
/// Memory DLPack cannot describe (a dtype, byte order, stride or device it has no words for; the
/// message says which, and how a copy gets round it), or a foreign tensor ndmem cannot take.
pub const NDM_ERR_EXCHANGE: ndm_status = 19;

/// Checks at compile time that each C constant equals the core's code for it (a `#[repr(i32)]`
/// enum's discriminant), so every number is stated once: `same_code!(NDM_X = Kind::X, ...)`.
macro_rules! same_code {
    ($($name:ident = $value:expr),* $(,)?) => {$(
        const _: () = assert!($name == $value as i32);
    )*};
}
pub(crate) use same_code;

// The status codes are ErrorKind's discriminants.
same_code!(
    NDM_ERR_NULL_ARG = ErrorKind::NullArg,
    NDM_ERR_BAD_HANDLE = ErrorKind::BadHandle,
    NDM_ERR_INVALID_ARG = ErrorKind::InvalidArg,
    NDM_ERR_SHAPE = ErrorKind::Shape,
    NDM_ERR_ALLOC = ErrorKind::Alloc,
    NDM_ERR_DTYPE = ErrorKind::Dtype,
    NDM_ERR_CASTING = ErrorKind::Casting,
    NDM_ERR_INDEX = ErrorKind::Index,
    NDM_ERR_AXIS = ErrorKind::Axis,
    NDM_ERR_BOUNDS = ErrorKind::Bounds,
    NDM_ERR_READONLY = ErrorKind::ReadOnly,
    NDM_ERR_COPY_REQUIRED = ErrorKind::CopyRequired,
    NDM_ERR_OVERFLOW = ErrorKind::Overflow,
    NDM_ERR_TOO_HARD = ErrorKind::TooHard,
    NDM_ERR_IO = ErrorKind::Io,
    NDM_ERR_FORMAT = ErrorKind::Format,
    NDM_ERR_INTERNAL = ErrorKind::Internal,
    NDM_ERR_IN_USE = ErrorKind::InUse,
    NDM_ERR_EXCHANGE = ErrorKind::Exchange,
);

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
    static LAST_ERRNO: std::cell::Cell<i32> = const { std::cell::Cell::new(0) };
    static LAST_STATUS: std::cell::Cell<ndm_status> = const { std::cell::Cell::new(NDM_OK) };
}

fn record(e: &Error) -> ndm_status {
    let text = CString::new(e.message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|cell| *cell.borrow_mut() = text);
    LAST_ERRNO.with(|cell| cell.set(e.os_error.unwrap_or(0)));
    let status = e.kind as ndm_status;
    LAST_STATUS.with(|cell| cell.set(status));
    status
}

fn panic_error(payload: Box<dyn std::any::Any + Send>) -> Error {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    Error::new(
        ErrorKind::Internal,
        format!("internal error (please report): {text}"),
    )
}

/// Runs `f` behind the panic boundary and converts its outcome to a status code.
pub fn run(f: impl FnOnce() -> Result<()>) -> ndm_status {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => {
            LAST_STATUS.with(|cell| cell.set(NDM_OK));
            NDM_OK
        }
        Ok(Err(e)) => record(&e),
        Err(payload) => record(&panic_error(payload)),
    }
}

/// Runs a getter behind the panic boundary; on failure records the error and returns `fallback`.
pub fn run_value<T>(fallback: T, f: impl FnOnce() -> Result<T>) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => {
            LAST_STATUS.with(|cell| cell.set(NDM_OK));
            v
        }
        Ok(Err(e)) => {
            record(&e);
            fallback
        }
        Err(payload) => {
            record(&panic_error(payload));
            fallback
        }
    }
}

/// The message of the last failing ndmem call on this thread ("" if none failed yet).
///
/// The text names the argument, shape, axis or value at fault. It is **not** cleared by calls
/// that succeed: it describes the last failure, which may be older than the last call (ask
/// `ndm_last_status()` whether the last call failed). The pointer stays valid until the next
/// failing ndmem call on the same thread; copy the text to keep it. Never NULL.
#[no_mangle]
pub extern "C" fn ndm_last_error() -> *const c_char {
    LAST_ERROR.with(|cell| cell.borrow().as_ptr())
}

/// The status of the last ndmem call on this thread that reports one: `NDM_OK` after a success,
/// else the code it returned (for the getters that return a value, such as `ndm_ndim`, the code
/// of the failure behind their fallback value). Calls that cannot fail (`ndm_last_error`,
/// `ndm_status_str`, `ndm_version`, this one) leave it unchanged.
#[no_mangle]
pub extern "C" fn ndm_last_status() -> ndm_status {
    LAST_STATUS.with(|cell| cell.get())
}

/// The operating system's error number (`errno`, e.g. `ENOENT`) behind the last failing ndmem
/// call on this thread, or 0 when that failure did not come from the operating system (or no
/// call failed yet). Meaningful after `NDM_ERR_IO`; set and kept like `ndm_last_error`.
#[no_mangle]
pub extern "C" fn ndm_last_errno() -> i32 {
    LAST_ERRNO.with(|cell| cell.get())
}

/// Records `status` and `message` as this thread's last error, as if an ndmem call had failed
/// with them (`ndm_last_errno()` becomes 0). For binding layers (the Fortran shim, wrappers in
/// other languages) whose own checks fail before any ndmem call, so that `ndm_last_error()`
/// names their problem instead of an older failure. Returns `status`, so a binding can write
/// `return ndm_set_last_error(NDM_ERR_DTYPE, "...");`. A `message` of NULL records the status
/// name; `NDM_OK` or a number that is not an `NDM_ERR_*` code records and returns
/// `NDM_ERR_INVALID_ARG` with a message naming that number.
#[no_mangle]
pub unsafe extern "C" fn ndm_set_last_error(
    status: ndm_status,
    message: *const c_char,
) -> ndm_status {
    if !(NDM_ERR_NULL_ARG..=NDM_ERR_INTERNAL).contains(&status) {
        let e = Error::new(
            ErrorKind::InvalidArg,
            format!("ndm_set_last_error: {status} is not an NDM_ERR_* status"),
        );
        return record(&e);
    }
    let text = if message.is_null() {
        ndm_status_str(status)
    } else {
        message
    };
    // SAFETY: `text` is a static status name or the caller's NUL-terminated string.
    let text = unsafe { std::ffi::CStr::from_ptr(text) }.to_owned();
    LAST_ERROR.with(|cell| *cell.borrow_mut() = text);
    LAST_ERRNO.with(|cell| cell.set(0));
    LAST_STATUS.with(|cell| cell.set(status));
    status
}

/// The name of a status code ("NDM_OK", "NDM_ERR_SHAPE", ...), or "NDM_ERR_UNKNOWN" for a number
/// that is not a status. The string is static.
#[no_mangle]
pub extern "C" fn ndm_status_str(status: ndm_status) -> *const c_char {
    let s: &'static [u8] = match status {
        NDM_OK => b"NDM_OK\0",
        NDM_ERR_NULL_ARG => b"NDM_ERR_NULL_ARG\0",
        NDM_ERR_BAD_HANDLE => b"NDM_ERR_BAD_HANDLE\0",
        NDM_ERR_INVALID_ARG => b"NDM_ERR_INVALID_ARG\0",
        NDM_ERR_SHAPE => b"NDM_ERR_SHAPE\0",
        NDM_ERR_ALLOC => b"NDM_ERR_ALLOC\0",
        NDM_ERR_DTYPE => b"NDM_ERR_DTYPE\0",
        NDM_ERR_CASTING => b"NDM_ERR_CASTING\0",
        NDM_ERR_INDEX => b"NDM_ERR_INDEX\0",
        NDM_ERR_AXIS => b"NDM_ERR_AXIS\0",
        NDM_ERR_BOUNDS => b"NDM_ERR_BOUNDS\0",
        NDM_ERR_READONLY => b"NDM_ERR_READONLY\0",
        NDM_ERR_COPY_REQUIRED => b"NDM_ERR_COPY_REQUIRED\0",
        NDM_ERR_OVERFLOW => b"NDM_ERR_OVERFLOW\0",
        NDM_ERR_TOO_HARD => b"NDM_ERR_TOO_HARD\0",
        NDM_ERR_IO => b"NDM_ERR_IO\0",
        NDM_ERR_FORMAT => b"NDM_ERR_FORMAT\0",
        NDM_ERR_INTERNAL => b"NDM_ERR_INTERNAL\0",
        NDM_ERR_IN_USE => b"NDM_ERR_IN_USE\0",
        NDM_ERR_EXCHANGE => b"NDM_ERR_EXCHANGE\0",
        _ => b"NDM_ERR_UNKNOWN\0",
    };
    s.as_ptr().cast()
}

/// The library version ("MAJOR.MINOR.PATCH"), equal to `NDM_VERSION_STRING` of the header it
/// was built with. Static string.
#[no_mangle]
pub extern "C" fn ndm_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last() -> String {
        // SAFETY: ndm_last_error always returns a valid NUL-terminated string.
        unsafe { CStr::from_ptr(ndm_last_error()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn panics_become_internal_errors_with_their_text() {
        let status = run(|| panic!("boom in a kernel"));
        assert_eq!(status, NDM_ERR_INTERNAL);
        assert!(last().contains("boom in a kernel"), "{}", last());
        assert_eq!(run_value(-1, || -> Result<i32> { panic!("getter") }), -1);
        assert!(last().contains("getter"));
    }

    #[test]
    fn errors_set_the_thread_local_message() {
        let status = run(|| Err(Error::new(ErrorKind::Shape, "bad shape (3,)")));
        assert_eq!(status, NDM_ERR_SHAPE);
        assert_eq!(last(), "bad shape (3,)");
        std::thread::spawn(|| assert_eq!(last(), ""))
            .join()
            .unwrap();
    }
}
