//! Type resolution for binary ufuncs on arrays (NumPy 2, NUMPY_SEMANTICS.md §5): which loop
//! dtype runs, what the result dtype is, and the casting checks with NumPy's messages.

use super::ops::BinaryOp;
use crate::bail;
use crate::dtype::{can_cast, promote, Casting, Dtype, ScalarKind};
use crate::error::Result;

/// The dtypes of one resolved call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopDtypes {
    /// The first input is cast to this (native) dtype, and so is the second unless `input_b`
    /// differs.
    pub input: Dtype,
    /// The second input's loop dtype: equal to `input` except for NumPy 2's exact comparisons
    /// of signed with unsigned 64-bit integers (int64 vs uint64, compared without rounding).
    pub input_b: Dtype,
    /// The loop writes this (native) dtype.
    pub output: Dtype,
}

fn is_intlike(d: &Dtype) -> bool {
    matches!(
        d.scalar_kind().map(|k| k.kind_char()),
        Some('b' | 'i' | 'u')
    )
}

/// The loop for `op` on inputs of dtypes `a` and `b`, or with `dtype=` forced.
pub fn resolve(op: BinaryOp, a: &Dtype, b: &Dtype, forced: Option<&Dtype>) -> Result<LoopDtypes> {
    for d in [a, b] {
        if d.scalar_kind().is_none() {
            bail!(
                Dtype,
                "ufunc '{}' did not contain a loop with signature matching types ({}, {}) -> None",
                op.name(),
                a.repr_name(),
                b.repr_name()
            );
        }
    }
    let input = match forced {
        Some(d) => d.to_native(),
        None if op == BinaryOp::TrueDivide && is_intlike(a) && is_intlike(b) => {
            Dtype::scalar(ScalarKind::Float64)
        }
        None => promote(a, b)?,
    };
    if input.scalar_kind().is_none() {
        // `dtype=` naming bytes, str, void or a record: no loop computes in those.
        bail!(
            Dtype,
            "ufunc '{}' did not contain a loop with signature matching types ({}, {}) -> {}",
            op.name(),
            a.repr_name(),
            b.repr_name(),
            input.repr_name()
        );
    }
    if input.scalar_kind() == Some(ScalarKind::Bool) && op == BinaryOp::Subtract {
        bail!(
            Casting,
            "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead."
        );
    }
    // Shifts, floor_divide and remainder have no bool loop: bools use the int8 one, as NumPy's
    // first safe loop.
    let input = if matches!(
        op,
        BinaryOp::LeftShift
            | BinaryOp::RightShift
            | BinaryOp::FloorDivide
            | BinaryOp::Remainder
            | BinaryOp::Power
    ) && input.scalar_kind() == Some(ScalarKind::Bool)
    {
        Dtype::scalar(ScalarKind::Int8)
    } else {
        input
    };
    let is_complex = input.scalar_kind().map(|k| k.kind_char()) == Some('c');
    let unsupported = (op == BinaryOp::TrueDivide && is_intlike(&input))
        || (op.is_integer_only() && !is_intlike(&input))
        || (matches!(op, BinaryOp::FloorDivide | BinaryOp::Remainder) && is_complex);
    if unsupported {
        bail!(
            Casting,
            "ufunc '{}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''",
            op.name()
        );
    }
    let output = if op.is_comparison() {
        Dtype::scalar(ScalarKind::Bool)
    } else {
        input.clone()
    };
    let ordering = matches!(
        op,
        BinaryOp::Equal
            | BinaryOp::NotEqual
            | BinaryOp::Less
            | BinaryOp::LessEqual
            | BinaryOp::Greater
            | BinaryOp::GreaterEqual
    );
    if ordering
        && forced.is_none()
        && is_intlike(a)
        && is_intlike(b)
        && input.scalar_kind() == Some(ScalarKind::Float64)
    {
        // Only a signed/unsigned mix promotes integers to float64; NumPy 2 compares those exactly.
        let widen = |d: &Dtype| match d.scalar_kind().map(|k| k.kind_char()) {
            Some('u') => Dtype::scalar(ScalarKind::UInt64),
            _ => Dtype::scalar(ScalarKind::Int64),
        };
        return Ok(LoopDtypes {
            input: widen(a),
            input_b: widen(b),
            output,
        });
    }
    Ok(LoopDtypes {
        input_b: input.clone(),
        input,
        output,
    })
}

/// NumPy's input casting check: each input must cast to the loop dtype under `casting`.
pub fn check_inputs(
    name: &str,
    inputs: &[&Dtype],
    lp: &LoopDtypes,
    casting: Casting,
) -> Result<()> {
    for (i, d) in inputs.iter().enumerate() {
        let target = if i == 0 { &lp.input } else { &lp.input_b };
        if !can_cast(d, target, casting) {
            bail!(
                Casting,
                "Cannot cast ufunc '{name}' input {i} from dtype('{}') to dtype('{}') with casting rule '{}'",
                d.repr_name(),
                target.repr_name(),
                casting.name()
            );
        }
    }
    Ok(())
}

/// NumPy's output casting check: the loop result must cast to `out` under `casting`.
pub fn check_output(name: &str, lp: &LoopDtypes, out: &Dtype, casting: Casting) -> Result<()> {
    if !can_cast(&lp.output, out, casting) {
        bail!(
            Casting,
            "Cannot cast ufunc '{name}' output from dtype('{}') to dtype('{}') with casting rule '{}'",
            lp.output.repr_name(),
            out.repr_name(),
            casting.name()
        );
    }
    Ok(())
}
