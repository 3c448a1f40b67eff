//! The C ABI: the only place with `extern "C"`. Each file converts C arguments (checking
//! pointers, lengths and codes), calls the core and maps errors to status codes.
//!
//! Every exported body runs inside [`boundary!`] (or [`boundary_value!`] for getters), which
//! catches panics (`NDM_ERR_INTERNAL`) and records the error message for `ndm_last_error()`.

// The C names (ndm_array, ndm_status, ...) are the API; they do not follow Rust's conventions.
#![allow(non_camel_case_types)]
// Exported functions check every pointer they dereference; their safety contract is the header's.
#![allow(clippy::missing_safety_doc)]

/// Runs a fallible FFI body (returning `Result<()>`) behind the panic boundary; yields `ndm_status`.
macro_rules! boundary {
    ($($body:tt)*) => {
        $crate::ffi::status::run(|| -> $crate::error::Result<()> { $($body)* })
    };
}

/// Runs a getter body (returning `Result<T>`) behind the panic boundary; yields `T`, or
/// `$fallback` after recording the error.
macro_rules! boundary_value {
    ($fallback:expr, $($body:tt)*) => {
        $crate::ffi::status::run_value($fallback, || -> $crate::error::Result<_> { $($body)* })
    };
}

pub mod args;
pub mod copy;
pub mod create;
pub mod dlpack;
pub mod dtype;
pub mod fields;
pub mod file;
pub mod getters;
pub mod grow;
pub mod handle;
pub mod item;
pub mod memory;
pub mod overlap;
pub mod pools;
pub mod python;
pub mod record;
pub mod select;
pub mod status;
pub mod ufunc;
pub mod views;
