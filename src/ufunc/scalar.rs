//! Python-style scalar operands with NumPy 2's weak-scalar rules (NEP 50): a bool, integer,
//! float or complex value next to an array takes the array's dtype when its kind allows
//! (`int8 + 3` is int8, `float32 * 2.5` is float32), else NumPy's default for its own kind
//! (int64, float64, complex128; float arrays with a complex value give the complex type of the
//! same precision). An integer that the array's integer dtype cannot hold is NumPy's
//! OverflowError (`int8 += 300`), except in comparisons and true division, which NumPy 2
//! evaluates exactly (in float64 for the division).

use super::apply::binary;
use super::ops::{BinaryOp, Options};
use crate::array::Array;
use crate::bail;
use crate::dtype::{Dtype, ScalarKind};
use crate::element::Element;
use crate::error::Result;
use crate::layout::MemOrder;
use crate::transfer::converter;
use num_complex::Complex;
use std::sync::Arc;

/// A Python scalar value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    /// `True` / `False`
    Bool(bool),
    /// An integer (Python's are unbounded; 64-bit signed and unsigned values are representable).
    Int(i128),
    /// A float.
    Float(f64),
    /// A complex number.
    Complex(f64, f64),
}

/// The dtype the scalar takes next to an array of dtype `other` (NEP 50), checking integer range.
fn weak_dtype(s: Scalar, other: &Dtype, op: BinaryOp) -> Result<Dtype> {
    use ScalarKind::*;
    let Some(k) = other.scalar_kind() else {
        bail!(
            Dtype,
            "a Python scalar cannot combine with dtype {}",
            other.repr_name()
        );
    };
    let kc = k.kind_char();
    let kind = match s {
        Scalar::Bool(_) => k,
        Scalar::Int(v) => match kc {
            'b' if (i64::MIN as i128..=i64::MAX as i128).contains(&v) => Int64,
            'b' if op == BinaryOp::TrueDivide => {
                if v < 0 {
                    Int64
                } else {
                    UInt64
                }
            }
            'b' => bail!(Overflow, "Python int too large to convert to C long"),
            'i' | 'u' => {
                let (lo, hi): (i128, i128) = match k {
                    Int8 => (i8::MIN.into(), i8::MAX.into()),
                    Int16 => (i16::MIN.into(), i16::MAX.into()),
                    Int32 => (i32::MIN.into(), i32::MAX.into()),
                    Int64 => (i64::MIN.into(), i64::MAX.into()),
                    UInt8 => (0, u8::MAX.into()),
                    UInt16 => (0, u16::MAX.into()),
                    UInt32 => (0, u32::MAX.into()),
                    _ => (0, u64::MAX.into()),
                };
                if (lo..=hi).contains(&v) {
                    k
                } else if op.is_comparison() || op == BinaryOp::TrueDivide {
                    // NumPy 2 compares (and true-divides, in float64) out-of-range Python
                    // integers without complaint.
                    if v < 0 {
                        Int64
                    } else {
                        UInt64
                    }
                } else if v > i64::MAX as i128 {
                    // NumPy converts through a C long first.
                    bail!(Overflow, "Python int too large to convert to C long");
                } else {
                    bail!(
                        Overflow,
                        "Python integer {v} out of bounds for {}",
                        k.name()
                    );
                }
            }
            _ => k,
        },
        Scalar::Float(_) => match kc {
            'b' | 'i' | 'u' => Float64,
            _ => k,
        },
        Scalar::Complex(..) => match k {
            Float16 | Float32 => Complex64,
            Complex64 => Complex64,
            _ => Complex128,
        },
    };
    Ok(Dtype::scalar(kind))
}

/// A 0-d array of dtype `d` holding `s` (converted with C semantics).
fn zero_d(s: Scalar, d: Dtype) -> Result<Arc<Array>> {
    let a = Array::zeros(d.clone(), &[], MemOrder::C)?;
    crate::accounting::block_buffer(a.nbytes());
    let c128 = Dtype::scalar(ScalarKind::Complex128);
    let (src, from) = match s {
        Scalar::Bool(b) => (Complex::new(b as u8 as f64, 0.0), None),
        Scalar::Int(v) => (Complex::new(0.0, 0.0), Some(v)),
        Scalar::Float(x) => (Complex::new(x, 0.0), None),
        Scalar::Complex(re, im) => (Complex::new(re, im), None),
    };
    match from {
        // Integers go through int64/uint64 so that large values convert exactly.
        Some(v) => {
            let (bytes, src_dt) = if v < 0 || v <= i64::MAX as i128 {
                ((v as i64).to_ne_bytes(), Dtype::scalar(ScalarKind::Int64))
            } else {
                ((v as u64).to_ne_bytes(), Dtype::scalar(ScalarKind::UInt64))
            };
            let conv = converter(&src_dt, &d)?;
            // SAFETY: `bytes` holds one element of src_dt; `a` is a fresh 0-d array of d.
            unsafe { conv.run(bytes.as_ptr(), 0, a.data_ptr(), 0, 1) };
        }
        None => {
            let mut bytes = [0u8; 16];
            // SAFETY: 16 writable bytes hold one complex128.
            unsafe { src.store(bytes.as_mut_ptr(), false) };
            let src_dt = match s {
                Scalar::Bool(_) => Dtype::scalar(ScalarKind::Bool),
                _ => c128.clone(),
            };
            let b = [src.re as u8];
            let one = if src_dt == c128 {
                bytes.as_ptr()
            } else {
                b.as_ptr()
            };
            let conv = converter(&src_dt, &d)?;
            // `one` points to one element of src_dt (16 bytes of complex128, or one bool byte).
            // SAFETY: `a` is a fresh 0-d array of d, apart from `one`.
            unsafe { conv.run(one, 0, a.data_ptr(), 0, 1) };
        }
    }
    Ok(Arc::new(a))
}

/// `op(a, s)` (or `op(s, a)` when `scalar_first`) with `s` a weak Python scalar.
pub fn binary_scalar(
    op: BinaryOp,
    a: &Arc<Array>,
    s: Scalar,
    scalar_first: bool,
    out: Option<&Arc<Array>>,
    opts: &Options,
) -> Result<Arc<Array>> {
    if let (Scalar::Int(v), Some(d)) = (s, &opts.dtype) {
        // An explicit dtype= decides the scalar's type too; it must still hold the value.
        if d.scalar_kind()
            .is_some_and(|k| matches!(k.kind_char(), 'i' | 'u'))
        {
            weak_dtype(Scalar::Int(v), d, op)?;
        }
    }
    let d = weak_dtype(s, a.dtype(), op)?;
    let s = zero_d(s, d)?;
    if scalar_first {
        binary(op, &s, a, out, opts)
    } else {
        binary(op, a, &s, out, opts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nep50_examples() {
        let i1 = Dtype::scalar(ScalarKind::Int8);
        let f4 = Dtype::scalar(ScalarKind::Float32);
        let b = Dtype::scalar(ScalarKind::Bool);
        let add = BinaryOp::Add;
        assert_eq!(weak_dtype(Scalar::Int(3), &i1, add).unwrap(), i1);
        assert!(weak_dtype(Scalar::Int(300), &i1, add).is_err());
        assert_eq!(
            weak_dtype(Scalar::Int(300), &i1, BinaryOp::Less).unwrap(),
            Dtype::scalar(ScalarKind::UInt64)
        );
        assert_eq!(weak_dtype(Scalar::Float(2.5), &f4, add).unwrap(), f4);
        assert_eq!(
            weak_dtype(Scalar::Float(2.5), &i1, add).unwrap(),
            Dtype::scalar(ScalarKind::Float64)
        );
        assert_eq!(
            weak_dtype(Scalar::Int(1), &b, add).unwrap(),
            Dtype::scalar(ScalarKind::Int64)
        );
        assert_eq!(
            weak_dtype(Scalar::Complex(0.0, 1.0), &f4, add).unwrap(),
            Dtype::scalar(ScalarKind::Complex64)
        );
    }
}
