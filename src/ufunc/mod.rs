//! Universal functions, element-wise on arrays with NumPy's semantics: binary arithmetic,
//! comparisons, logical and bitwise operations, shifts, floor division, remainder and power;
//! unary arithmetic and math functions; a Python-style scalar operand; reductions. Broadcasting,
//! `out=` (never broadcast, read-only refused), `where=`, `casting=`, `dtype=`, K-order
//! allocation, and results that are always as if the inputs had been copied first.
//!
//! This file is the facade: [`ops`] holds the vocabulary, [`apply`] runs a call, the kernels
//! live in [`kernels`] (arithmetic), [`math`] (sin, cos, exp, ...) and [`simd`].

mod apply;
mod hazard;
mod kernels;
mod libm;
mod math;
mod ops;
mod pairwise;
mod parallel;
mod reduce;
mod resolve;
mod scalar;
pub mod simd;
mod unary;

pub use apply::{binary, try_same_layout, unary};
pub use math::MathFn;
pub use ops::{BinaryOp, Options, BLOCK};
pub use parallel::{num_threads, set_num_threads};
pub use reduce::{reduce, ReduceOp, ReduceOptions};
pub use resolve::{resolve, LoopDtypes};
pub use scalar::{binary_scalar, Scalar};
pub use unary::UnaryOp;
