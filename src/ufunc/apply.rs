//! Running an element-wise ufunc: type resolution, broadcasting, `out=` and `where=`, K-order
//! allocation, overlap hazards, and the blocked conversion of operands that need casting.
//!
//! When the operands already have the loop's native dtype, the kernel runs on them directly, in
//! memory order; otherwise each inner run is converted in blocks of [`BLOCK`] elements through
//! small scratch buffers (never a whole-array copy). When the output overlaps an input (other
//! than element-wise identically), the elements are visited in the direction that reads each
//! input element before it is overwritten, or, where no direction works, that input alone is
//! copied first ([`super::hazard`]).

use super::hazard::{self, Direction, Need};
use crate::accounting::{self, Reason};
use crate::array::Array;
use crate::bail;
use crate::copy;
use crate::dtype::{Dtype, ScalarKind};
use crate::error::Result;
use crate::iter::Plan;
use crate::layout::{self, shape_str};
use crate::transfer;
use std::sync::Arc;

use super::ops::{BinaryOp, Options, BLOCK};
use super::resolve::{self, resolve, LoopDtypes};
use super::{kernels, unary::UnaryOp};

/// `op(a, b, out=out, ...)`: returns `out` (or the new result array).
pub fn binary(
    op: BinaryOp,
    a: &Arc<Array>,
    b: &Arc<Array>,
    out: Option<&Arc<Array>>,
    opts: &Options,
) -> Result<Arc<Array>> {
    if let Some(o) = out {
        if opts.mask.is_none() && opts.dtype.is_none() && try_same_layout(op, a, b, o) {
            return Ok(Arc::clone(o));
        }
    }
    let lp = resolve(op, a.dtype(), b.dtype(), opts.dtype.as_ref())?;
    resolve::check_inputs(op.name(), &[a.dtype(), b.dtype()], &lp, opts.casting)?;
    let (ka, kb) = (lp.input.scalar_kind(), lp.input_b.scalar_kind());
    let kernel = match (ka, kb) {
        (Some(ka), Some(kb)) if ka != kb => kernels::mixed_int_compare(op, ka),
        _ => kernels::binary_loop(op, ka.expect("numeric loop")),
    };
    if op == BinaryOp::Power && lp.input.scalar_kind().is_some_and(|k| k.kind_char() == 'i') {
        refuse_negative_exponents(b)?;
    }
    apply(op.name(), &lp, kernel, a, b, out, opts)
}

/// NumPy's integer power refuses negative exponents ("Integers to negative integer powers are
/// not allowed."); checked over the exponent operand before anything is written.
fn refuse_negative_exponents(b: &Array) -> Result<()> {
    let i64_dt = Dtype::scalar(ScalarKind::Int64);
    let to_i64 = transfer::converter(b.dtype(), &i64_dt)?;
    let mut negative = false;
    let plan = Plan::new(b.shape(), [b.strides()], [b.data_ptr()], true);
    plan.for_each(|p, st, n| {
        for i in 0..n as isize {
            let mut v = [0u8; 8];
            // SAFETY: element i of the plan's run is inside b; v holds one int64.
            unsafe { to_i64.run(p[0].wrapping_offset(i * st[0]), 0, v.as_mut_ptr(), 0, 1) };
            negative |= i64::from_ne_bytes(v) < 0;
        }
    });
    if negative {
        bail!(
            InvalidArg,
            "Integers to negative integer powers are not allowed."
        );
    }
    Ok(())
}

/// The allocation-free path for the commonest small call, `op(a, b, out=o)` with three
/// C-contiguous operands of one native dtype and shape that resolves to that same dtype (so no
/// casting check can fail) and inputs that are `o` itself or disjoint from it: one kernel call,
/// no plan, no temporaries. Returns false (having done nothing) when the call does not qualify.
pub fn try_same_layout(op: BinaryOp, a: &Array, b: &Array, o: &Array) -> bool {
    let Some(kind) = o.dtype().scalar_kind() else {
        return false;
    };
    let kc = kind.kind_char();
    let same_type_result = match op {
        BinaryOp::Add | BinaryOp::Multiply | BinaryOp::Maximum | BinaryOp::Minimum => true,
        BinaryOp::Subtract => kc != 'b',
        BinaryOp::TrueDivide => kc == 'f' || kc == 'c',
        _ => false,
    };
    let same = |x: &Array| x.dtype() == o.dtype() && x.shape() == o.shape() && x.is_c_contiguous();
    if !same_type_result
        || !o.dtype().is_native()
        || !o.is_writeable()
        || !o.is_c_contiguous()
        || !same(a)
        || !same(b)
    {
        return false;
    }
    let bytes = o.nbytes();
    let (o0, o1) = (o.data_ptr() as usize, o.data_ptr() as usize + bytes);
    let apart = |x: &Array| {
        let x0 = x.data_ptr() as usize;
        x0 == o0 || x0 + bytes <= o0 || o1 <= x0
    };
    if !apart(a) || !apart(b) {
        return false;
    }
    let size = kind.itemsize() as isize;
    let kernel = kernels::binary_loop(op, kind);
    // Three contiguous arrays of o.size() native elements of the kernel's type, the inputs
    // either identical to the output or disjoint from it (checked above).
    // SAFETY: in bounds, typed and non-overlapping, as just described.
    unsafe {
        kernel(
            a.data_ptr(),
            size,
            b.data_ptr(),
            size,
            o.data_ptr(),
            size,
            o.size(),
        )
    };
    true
}

/// `op(a, out=out, ...)` for a unary operation: returns `out` (or the new result array).
pub fn unary(
    op: UnaryOp,
    a: &Arc<Array>,
    out: Option<&Arc<Array>>,
    opts: &Options,
) -> Result<Arc<Array>> {
    let lp = super::unary::resolve(op, a.dtype(), opts.dtype.as_ref())?;
    resolve::check_inputs(op.name(), &[a.dtype()], &lp, opts.casting)?;
    let kernel = super::unary::kernel(op, &lp);
    // The kernel reads its second operand from the same place and ignores it.
    apply(op.name(), &lp, kernel, a, a, out, opts)
}

/// Broadcasting, `out=` checks, allocation, overlap handling and execution shared by all ufuncs.
fn apply(
    name: &'static str,
    lp: &LoopDtypes,
    kernel: kernels::BinaryKernel,
    a: &Arc<Array>,
    b: &Arc<Array>,
    out: Option<&Arc<Array>>,
    opts: &Options,
) -> Result<Arc<Array>> {
    let shape = layout::broadcast_shapes(&[a.shape(), b.shape()]).map_err(|_| {
        crate::error::Error::new(
            crate::error::ErrorKind::Shape,
            format!(
                "operands could not be broadcast together with shapes {} {} ",
                layout::shape_str_compact(a.shape()),
                layout::shape_str_compact(b.shape())
            ),
        )
    })?;
    let out = match out {
        Some(o) => {
            resolve::check_output(name, lp, o.dtype(), opts.casting)?;
            let full = layout::broadcast_shapes(&[&shape, o.shape()]).unwrap_or(shape.clone());
            if full != o.shape() {
                bail!(
                    Shape,
                    "non-broadcastable output operand with shape {} doesn't match the broadcast shape {}",
                    layout::shape_str_compact(o.shape()),
                    layout::shape_str_compact(&full)
                );
            }
            if !o.is_writeable() {
                bail!(ReadOnly, "output array is read-only");
            }
            Arc::clone(o)
        }
        None => Arc::new(allocate_k(&lp.output, &shape, &[a, b])?),
    };
    let mask = match &opts.mask {
        Some(m) if m.dtype().scalar_kind() != Some(ScalarKind::Bool) => bail!(
            Casting,
            "Cannot cast array data from dtype('{}') to dtype('bool') according to the rule 'safe'",
            m.dtype().repr_name()
        ),
        m => m.as_ref(),
    };
    if let Some(m) = mask {
        broadcast_or_err(m, out.shape())?; // before any copy is asked for
    }
    // As if the inputs were copied first: an input that `out` overlaps is either safe in one
    // visiting direction or copied (that input alone, in its own shape; see hazard.rs).
    let mut dir = Direction::Any;
    let mut settle = |x: &Arc<Array>, which: &str| -> Result<Arc<Array>> {
        let ordered = match hazard::need(&out, x) {
            Need::Nothing => Some(dir),
            Need::Order(d) => hazard::combine(dir, d),
            Need::Copy => None,
        };
        match ordered {
            Some(d) => {
                dir = d;
                Ok(Arc::clone(x))
            }
            None => {
                let why = || {
                    format!(
                        "{which} (shape {}, strides {}) shares memory with `out` (strides {}) in a way no visiting order makes safe",
                        layout::shape_str_compact(x.shape()),
                        layout::shape_str_compact(x.strides()),
                        layout::shape_str_compact(out.strides())
                    )
                };
                let order = crate::layout::Order::K;
                let copy = copy::temporary(x, order, Reason::UfuncOverlap, name, why)?;
                Ok(Arc::new(copy))
            }
        }
    };
    let one_input = Arc::ptr_eq(a, b);
    let a2 = settle(a, if one_input { "the input" } else { "input 1" })?;
    let b2 = if one_input {
        Arc::clone(&a2)
    } else {
        settle(b, "input 2")?
    };
    let m2 = mask.map(|m| settle(m, "the `where` mask")).transpose()?;
    run(lp, kernel, &a2, &b2, &out, m2.as_ref(), dir)?;
    Ok(out)
}

/// The output layout NumPy's iterator allocates: the inputs' common memory order (§5).
fn allocate_k(dtype: &Dtype, shape: &[i64], inputs: &[&Arc<Array>]) -> Result<Array> {
    let strided: Vec<Vec<i64>> = inputs
        .iter()
        .map(|x| {
            layout::broadcast_strides(x.shape(), x.strides(), shape)
                .unwrap_or_else(|| vec![0; shape.len()])
        })
        .collect();
    let pairs: Vec<(&[i64], &[i64])> = strided.iter().map(|s| (shape, s.as_slice())).collect();
    let axes = layout::iterator_sorted_axes(&pairs, shape.len());
    Array::allocate(dtype.clone(), shape, &axes, false)
}

fn broadcast_or_err(x: &Array, shape: &[i64]) -> Result<Vec<i64>> {
    match layout::broadcast_strides(x.shape(), x.strides(), shape) {
        Some(s) => Ok(s),
        None => bail!(
            Shape,
            "operands could not be broadcast together with shapes {} {}",
            shape_str(x.shape()),
            shape_str(shape)
        ),
    }
}

/// The traversal of `shape` in direction `dir` of operand 0's addresses (memory order when any).
fn plan_in<const N: usize>(
    dir: Direction,
    shape: &[i64],
    strides: [&[i64]; N],
    ptrs: [*mut u8; N],
) -> Plan<N> {
    match dir {
        Direction::Any => Plan::new(shape, strides, ptrs, true),
        d => Plan::directed(shape, strides, ptrs, d == Direction::Descending),
    }
}

/// Runs the loop over `out`'s shape, in direction `dir` of `out`'s addresses (which makes any
/// remaining overlap between `out` and the inputs safe).
fn run(
    lp: &LoopDtypes,
    kernel: kernels::BinaryKernel,
    a: &Array,
    b: &Array,
    out: &Array,
    mask: Option<&Arc<Array>>,
    dir: Direction,
) -> Result<()> {
    let shape = out.shape();
    let sa = broadcast_or_err(a, shape)?;
    let sb = broadcast_or_err(b, shape)?;
    let direct = mask.is_none()
        && a.dtype() == &lp.input
        && b.dtype() == &lp.input_b
        && out.dtype() == &lp.output;
    if direct {
        let plan = plan_in(
            dir,
            shape,
            [out.strides(), &sa, &sb],
            [out.data_ptr(), a.data_ptr(), b.data_ptr()],
        );
        // The plan visits only elements of the three arrays (array invariant: inside their buffers).
        // SAFETY: and their dtypes are the kernel's element types (checked just above).
        plan.for_each(|p, st, n| unsafe { kernel(p[1], st[1], p[2], st[2], p[0], st[0], n) });
        return Ok(());
    }
    // Buffered: convert each block of an inner run into native scratch, run, convert back.
    let (isz, isz_b, osz) = (
        lp.input.itemsize(),
        lp.input_b.itemsize(),
        lp.output.itemsize(),
    );
    let to_a = transfer::converter(a.dtype(), &lp.input)?;
    let to_b = transfer::converter(b.dtype(), &lp.input_b)?;
    let from_o = transfer::converter(&lp.output, out.dtype())?;
    let mut buf_a = vec![0u8; BLOCK * isz];
    let mut buf_b = vec![0u8; BLOCK * isz_b];
    let mut buf_o = vec![0u8; BLOCK * osz];
    accounting::block_buffer(BLOCK * (isz + isz_b + osz + 1));
    let mask_strides = match mask {
        Some(m) => Some(broadcast_or_err(m, shape)?),
        None => None,
    };
    // The mask rides along as a fourth operand when given.
    let m_ptr = mask.map_or(out.data_ptr(), |m| m.data_ptr());
    let m_strides = mask_strides.clone().unwrap_or_else(|| vec![0; shape.len()]);
    let plan4 = plan_in(
        dir,
        shape,
        [out.strides(), &sa, &sb, &m_strides],
        [out.data_ptr(), a.data_ptr(), b.data_ptr(), m_ptr],
    );
    let to_bool = match mask {
        Some(m) => Some(transfer::converter(
            m.dtype(),
            &Dtype::scalar(ScalarKind::Bool),
        )?),
        None => None,
    };
    let mut flags = vec![0u8; BLOCK];
    plan4.for_each(|p, st, n| {
        let mut done = 0usize;
        while done < n {
            let k = BLOCK.min(n - done);
            let off = |i: usize| done as isize * st[i];
            // The plan's run holds n >= done + k in-bounds elements of every operand (shapes
            // broadcast-checked); each scratch buffer holds BLOCK >= k elements of its loop dtype.
            // SAFETY: (the conversions below) in bounds, and scratch never overlaps an array.
            unsafe {
                to_a.run(
                    p[1].wrapping_offset(off(1)),
                    st[1],
                    buf_a.as_mut_ptr(),
                    isz as isize,
                    k,
                );
                to_b.run(
                    p[2].wrapping_offset(off(2)),
                    st[2],
                    buf_b.as_mut_ptr(),
                    isz_b as isize,
                    k,
                );
            }
            // SAFETY: the scratch buffers hold k contiguous native elements of the loop types.
            unsafe {
                kernel(
                    buf_a.as_ptr(),
                    isz as isize,
                    buf_b.as_ptr(),
                    isz_b as isize,
                    buf_o.as_mut_ptr(),
                    osz as isize,
                    k,
                )
            };
            let dst = p[0].wrapping_offset(off(0));
            match &to_bool {
                // buf_o holds k converted outputs.
                // SAFETY: dst + i*st[0], i < k, are in-bounds elements of out, apart from it.
                None => unsafe { from_o.run(buf_o.as_ptr(), osz as isize, dst, st[0], k) },
                Some(conv) => {
                    // SAFETY: k elements of the run inside the mask; `flags` holds BLOCK >= k.
                    unsafe {
                        conv.run(
                            p[3].wrapping_offset(off(3)),
                            st[3],
                            flags.as_mut_ptr(),
                            1,
                            k,
                        )
                    };
                    for (i, &f) in flags[..k].iter().enumerate() {
                        if f != 0 {
                            let (o, d) = (
                                buf_o.as_ptr().wrapping_add(i * osz),
                                dst.wrapping_offset(i as isize * st[0]),
                            );
                            // SAFETY: element i < k of the scratch output and of out.
                            unsafe { from_o.run(o, 0, d, 0, 1) };
                        }
                    }
                }
            }
            done += k;
        }
    });
    Ok(())
}
