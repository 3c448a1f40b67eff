//! # ndmem
//!
//! NumPy's array memory model for every language that can call C: one array handle over a raw
//! buffer (dtype, shape, byte strides, offset, flags, owner), views that never copy, explicit
//! copies, and zero-copy sharing with C, C++, Fortran and Python (NumPy).
//!
//! The Rust API is usable on its own (this crate is also an `rlib`); the C API lives in [`ffi`]
//! and is described by the generated header `include/ndmem.h`.
//!
//! Data flows one way, from the C shell down to the foundations; `ARCHITECTURE.md` lists the
//! modules in that order (a test keeps it true).

#![warn(missing_docs)]

pub mod error;

pub mod accounting;

pub mod array;
pub mod buffer;
pub mod byteswap;
pub mod copy;
pub mod create;
pub mod dlpack;
pub mod dtype;
pub mod element;
pub mod ffi;
pub mod fields;
pub mod grow;

pub mod iter;
pub mod layout;
pub mod mmap;
pub mod npy;
pub mod overlap;
pub mod retention;
pub mod select;
pub mod sync;
pub mod transfer;
pub mod ufunc;
pub mod view;

pub use array::Array;
pub use dtype::{ByteOrder, Casting, Dtype, DtypeKind, ScalarKind};
pub use error::{Error, ErrorKind, Result};
pub use layout::{CopyMode, Order};
