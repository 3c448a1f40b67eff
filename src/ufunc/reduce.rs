//! Reductions (`np.add.reduce` and friends, `np.sum/prod/max/min/all/any/mean`) with NumPy's
//! dtypes, identities, errors and summation order.
//!
//! The loop dtype is `dtype=` or NumPy's default (add/multiply widen bool and small integers to
//! int64/uint64; logical ones use bool); reductions cast inputs and the result with casting
//! 'unsafe', as NumPy does. The result starts at the identity (maximum/minimum: the first
//! element), then the input is visited in its memory order without reversing any axis, like
//! NumPy's reduction iterator: when the
//! innermost axis is reduced, that run is folded into one output element — floats and complex by
//! NumPy's pairwise summation ([`super::pairwise`]), so that sums match NumPy to the bit on the same
//! input — otherwise whole output rows are combined element-wise with vectorised loops.

use super::kernels::{each, Arith};
#[cfg(target_arch = "x86_64")]
use super::pairwise::{csum_avx2, csum_avx512, sum_avx2, sum_avx512};
use super::pairwise::{csum_base, sum_base};
use super::simd::{self, Level};
use crate::accounting::{self, Reason};
use crate::array::Array;
use crate::bail;
use crate::copy;
use crate::dtype::{Casting, Dtype, ScalarKind};
use crate::element::{Element, F16};
use crate::error::Result;
use crate::iter::Plan;
use crate::layout::{self, axes::normalize_axis};
use crate::overlap::{self, Footprint, Overlap};
use crate::transfer::{converter, with_element_type};
use num_complex::Complex;
use std::sync::Arc;

/// Elements converted per block when the input needs a cast (NumPy's buffer size).
pub const REDUCE_BLOCK: usize = 8192;

/// The reductions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReduceOp {
    /// `np.add.reduce` / `np.sum` (identity 0)
    Add,
    /// `np.multiply.reduce` / `np.prod` (identity 1)
    Multiply,
    /// `np.maximum.reduce` / `np.max` (no identity)
    Maximum,
    /// `np.minimum.reduce` / `np.min` (no identity)
    Minimum,
    /// `np.logical_and.reduce` / `np.all` (identity True)
    LogicalAnd,
    /// `np.logical_or.reduce` / `np.any` (identity False)
    LogicalOr,
    /// `np.mean`: the sum divided by the number of elements reduced
    Mean,
}

impl ReduceOp {
    /// NumPy's ufunc name.
    pub fn name(self) -> &'static str {
        match self {
            ReduceOp::Add | ReduceOp::Mean => "add",
            ReduceOp::Multiply => "multiply",
            ReduceOp::Maximum => "maximum",
            ReduceOp::Minimum => "minimum",
            ReduceOp::LogicalAnd => "logical_and",
            ReduceOp::LogicalOr => "logical_or",
        }
    }

    fn identity(self) -> Option<f64> {
        match self {
            ReduceOp::Add | ReduceOp::Mean | ReduceOp::LogicalOr => Some(0.0),
            ReduceOp::Multiply | ReduceOp::LogicalAnd => Some(1.0),
            ReduceOp::Maximum | ReduceOp::Minimum => None,
        }
    }
}

/// Arguments of a reduction besides the operation and input.
#[derive(Clone, Debug, Default)]
pub struct ReduceOptions {
    /// Axes to reduce (negative counts from the end); `None` reduces all of them.
    pub axes: Option<Vec<i64>>,
    /// Keep reduced axes as length 1.
    pub keepdims: bool,
    /// `dtype=`: the accumulation dtype.
    pub dtype: Option<Dtype>,
    /// `where=`: a bool array broadcast to the input; unselected elements are skipped.
    pub mask: Option<Arc<Array>>,
}

/// NumPy's default accumulation dtype of `op` for input `a`.
fn default_dtype(op: ReduceOp, a: &Dtype) -> Dtype {
    use ScalarKind::*;
    let k = a.scalar_kind().expect("checked numeric");
    let widened = match (op, k) {
        (ReduceOp::LogicalAnd | ReduceOp::LogicalOr, _) => Bool,
        (ReduceOp::Add | ReduceOp::Multiply, Bool | Int8 | Int16 | Int32) => Int64,
        (ReduceOp::Add | ReduceOp::Multiply, UInt8 | UInt16 | UInt32) => UInt64,
        (
            ReduceOp::Mean,
            Bool | Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64,
        ) => Float64,
        (ReduceOp::Mean, Float16) => Float32,
        (_, k) => k,
    };
    Dtype::scalar(widened)
}

/// `op.reduce(a, axis, dtype, out, keepdims, where)`; returns `out` or the new result.
pub fn reduce(
    op: ReduceOp,
    a: &Arc<Array>,
    out: Option<&Arc<Array>>,
    opts: &ReduceOptions,
) -> Result<Arc<Array>> {
    if a.dtype().scalar_kind().is_none() {
        bail!(
            Dtype,
            "ufunc '{}' did not contain a loop with signature matching types ({}, {}) -> None",
            op.name(),
            a.dtype().repr_name(),
            a.dtype().repr_name()
        );
    }
    let reduced = reduced_axes(a.ndim(), opts.axes.as_deref())?;
    let loop_dt = match &opts.dtype {
        Some(d) => d.to_native(),
        None => default_dtype(op, a.dtype()),
    };
    if loop_dt.scalar_kind().is_none() {
        bail!(Dtype, "reductions need a numeric dtype, not {}", loop_dt);
    }
    let kept: Vec<i64> = a
        .shape()
        .iter()
        .zip(&reduced)
        .filter_map(|(&n, &r)| (!r).then_some(n))
        .collect();
    let full: Vec<i64> = a
        .shape()
        .iter()
        .zip(&reduced)
        .map(|(&n, &r)| if r { 1 } else { n })
        .collect();
    let result_shape = if opts.keepdims { &full } else { &kept };
    if let Some(o) = out {
        check_out(op, o, result_shape, opts.keepdims)?;
    }
    let count: i64 = a
        .shape()
        .iter()
        .zip(&reduced)
        .filter_map(|(&n, &r)| r.then_some(n))
        .product();
    let mask = match &opts.mask {
        Some(m) => {
            if op.identity().is_none() {
                bail!(
                    InvalidArg,
                    "reduction operation '{}' does not have an identity, so to use a where mask one has to specify 'initial'",
                    op.name()
                );
            }
            if layout::broadcast_strides(m.shape(), m.strides(), a.shape()).is_none() {
                bail!(
                    Shape,
                    "operands could not be broadcast together with shapes {} {}",
                    layout::shape_str_compact(m.shape()),
                    layout::shape_str_compact(a.shape())
                );
            }
            Some(m)
        }
        None => None,
    };
    if count == 0 && op.identity().is_none() {
        bail!(
            InvalidArg,
            "zero-size array to reduction operation {} which has no identity",
            op.name()
        );
    }
    // Accumulate in a fresh array of the loop dtype unless `out` can take the result directly.
    let direct = out.filter(|o| {
        o.dtype() == &loop_dt && op != ReduceOp::Mean && !overlaps(o, a, mask.map(|m| &**m))
    });
    let kept_bytes = kept.iter().product::<i64>() as usize * loop_dt.itemsize();
    let what = if op == ReduceOp::Mean {
        "mean"
    } else {
        op.name()
    };
    let half_mean = op == ReduceOp::Mean && a.dtype().scalar_kind() == Some(ScalarKind::Float16);
    if direct.is_none() && (out.is_some() || half_mean) {
        let why = || match out {
            Some(o) if o.dtype() != &loop_dt => format!(
                "`out` has dtype {}, but the reduction accumulates in {}",
                o.dtype().repr_name(),
                loop_dt.repr_name()
            ),
            Some(_) if op == ReduceOp::Mean => {
                "a mean is divided in its accumulator before it is stored in `out`".to_string()
            }
            Some(_) => "`out` shares memory with the input or the `where` mask".to_string(),
            None => "a float16 mean accumulates in float32".to_string(),
        };
        accounting::implicit_copy(Reason::ReductionResult, kept_bytes, what, why)?;
    }
    if op == ReduceOp::Mean && mask.is_some() {
        let why = || "a mean with `where` counts the selected elements of each result first".into();
        let counts = kept_bytes / loop_dt.itemsize().max(1) * 8;
        accounting::implicit_copy(Reason::ReductionResult, counts, what, why)?;
    }
    let acc = match direct {
        Some(o) => Arc::clone(o),
        None => {
            let kept_strides: Vec<i64> = a
                .strides()
                .iter()
                .zip(&reduced)
                .filter_map(|(&s, &r)| (!r).then_some(s))
                .collect();
            let axes = layout::k_order_axes(&kept, &kept_strides, a.itemsize().max(1));
            let fresh = Array::allocate(loop_dt.clone(), &kept, &axes, false)?;
            let fresh = if opts.keepdims {
                let mut s = fresh.strided();
                s.shape = full.clone();
                s.strides = expand(&s.strides, &reduced);
                Arc::new(fresh).view(s, true)
            } else {
                fresh
            };
            Arc::new(fresh)
        }
    };
    // Strides of the accumulator over the input's axes (0 along reduced ones).
    let acc_strides = if opts.keepdims {
        acc.strides()
            .iter()
            .zip(&reduced)
            .map(|(&s, &r)| if r { 0 } else { s })
            .collect()
    } else {
        expand(acc.strides(), &reduced)
    };
    initialize(op, &acc, a, &acc_strides, &reduced)?;
    accumulate(op, a, &acc, &acc_strides, mask)?;
    let acc = if op == ReduceOp::Mean {
        let counts = match mask {
            // NumPy: the number of selected elements behind each result.
            Some(m) => {
                let full_mask = Arc::new(crate::view::broadcast_to(m, a.shape())?);
                let int64 = Some(Dtype::scalar(ScalarKind::Int64));
                let copts = ReduceOptions {
                    dtype: int64,
                    mask: None,
                    ..opts.clone()
                };
                reduce(ReduceOp::Add, &full_mask, None, &copts)?
            }
            None => {
                let d = Array::zeros(Dtype::scalar(ScalarKind::Int64), &[], layout::MemOrder::C)?;
                accounting::block_buffer(d.nbytes());
                // SAFETY: a fresh 0-d int64 array owns 8 writable bytes.
                unsafe { count.store(d.data_ptr(), false) };
                Arc::new(d)
            }
        };
        divide_by(&acc, &counts)?
    } else {
        acc
    };
    match out {
        Some(o) if !Arc::ptr_eq(o, &acc) => {
            copy::copyto(o, &acc, Casting::Unsafe)?;
            Ok(Arc::clone(o))
        }
        Some(o) => Ok(Arc::clone(o)),
        None if half_mean => {
            let half = Dtype::scalar(ScalarKind::Float16);
            let res = Array::allocate(
                half,
                acc.shape(),
                &layout::order_axes(acc.ndim(), layout::MemOrder::C),
                false,
            )?;
            copy::copyto(&res, &acc, Casting::Unsafe)?;
            Ok(Arc::new(res))
        }
        None => Ok(acc),
    }
}

/// Which axes are reduced, with NumPy's AxisError and duplicate errors.
fn reduced_axes(ndim: usize, axes: Option<&[i64]>) -> Result<Vec<bool>> {
    let Some(axes) = axes else {
        return Ok(vec![true; ndim]);
    };
    let mut reduced = vec![false; ndim];
    for &ax in axes {
        let i = normalize_axis(ax, ndim)?;
        if reduced[i] {
            bail!(InvalidArg, "duplicate value in 'axis'");
        }
        reduced[i] = true;
    }
    Ok(reduced)
}

/// Inserts 0 strides for the reduced axes into the strides of the kept ones.
fn expand(kept_strides: &[i64], reduced: &[bool]) -> Vec<i64> {
    let mut it = kept_strides.iter();
    reduced
        .iter()
        .map(|&r| {
            if r {
                0
            } else {
                *it.next().expect("one per kept axis")
            }
        })
        .collect()
}

fn check_out(op: ReduceOp, o: &Array, shape: &[i64], keepdims: bool) -> Result<()> {
    if o.ndim() != shape.len() {
        bail!(
            InvalidArg,
            "output parameter for reduction operation {} has the wrong number of dimensions: Found {} but expected {}{}",
            op.name(),
            o.ndim(),
            shape.len(),
            if keepdims { " (must match the operand's when keepdims=True)" } else { "" }
        );
    }
    if o.shape() != shape {
        bail!(
            InvalidArg,
            "output parameter for reduction operation {} has shape {} but the result has shape {}",
            op.name(),
            layout::shape_str_compact(o.shape()),
            layout::shape_str_compact(shape)
        );
    }
    if !o.is_writeable() {
        bail!(ReadOnly, "output array is read-only");
    }
    Ok(())
}

fn overlaps(o: &Array, a: &Array, m: Option<&Array>) -> bool {
    [Some(a), m].into_iter().flatten().any(|x| {
        !overlap::shares_memory(&Footprint::of(o), &Footprint::of(x), 1)
            .is_ok_and(|r| r == Overlap::No)
    })
}

/// Fills the accumulator with the identity, or (maximum/minimum) with the first element along
/// the reduced axes.
fn initialize(
    op: ReduceOp,
    acc: &Array,
    a: &Arc<Array>,
    acc_strides: &[i64],
    reduced: &[bool],
) -> Result<()> {
    if let Some(v) = op.identity() {
        let f64_dt = Dtype::scalar(ScalarKind::Float64);
        let fill = converter(&f64_dt, acc.dtype())?;
        let bytes = v.to_ne_bytes();
        let plan = Plan::new(acc.shape(), [acc.strides()], [acc.data_ptr()], true);
        // `bytes` is one float64, read n times with stride 0; the accumulator is a fresh array,
        // or an `out` that `overlaps` found apart from the input.
        // SAFETY: the plan's run is n elements inside the accumulator, apart from `bytes`.
        plan.for_each(|p, st, n| unsafe { fill.run(bytes.as_ptr(), 0, p[0], st[0], n) });
        return Ok(());
    }
    if acc.size() == 0 {
        return Ok(());
    }
    // The input's element 0 along every reduced axis, broadcast-free: same shape as `acc` over
    // the input's axes.
    let first = converter(a.dtype(), acc.dtype())?;
    let shape: Vec<i64> = a
        .shape()
        .iter()
        .zip(reduced)
        .map(|(&n, &r)| if r { 1 } else { n })
        .collect();
    let plan = Plan::new(
        &shape,
        [acc_strides, a.strides()],
        [acc.data_ptr(), a.data_ptr()],
        true,
    );
    // The plan's runs are n elements inside `a` and inside the accumulator (same shape over
    // those axes); the accumulator is fresh or an `out` that `overlaps` found apart from `a`.
    // SAFETY: so the runs are in bounds on both sides and do not overlap.
    plan.for_each(|p, st, n| unsafe { first.run(p[1], st[1], p[0], st[0], n) });
    Ok(())
}

/// Divides the sums in `acc` by the int64 `counts` as NumPy's `mean` does, so the division runs
/// in `promote(dtype, int64)` (float64 or complex128) and rounds back.
fn divide_by(acc: &Arc<Array>, counts: &Arc<Array>) -> Result<Arc<Array>> {
    let opts = super::ops::Options {
        casting: Casting::Unsafe,
        ..Default::default()
    };
    super::apply::binary(
        super::ops::BinaryOp::TrueDivide,
        acc,
        counts,
        Some(acc),
        &opts,
    )
}

/// One reduction inner loop `(inp, si, rs, acc, so, n, rows)`: folds `rows` runs of `n` input
/// elements (byte stride `si`; run `k` starts at `inp + k*rs`), one run after the other, into the
/// same accumulator positions, which have byte stride `so` (0: all into one element).
type ReduceKernel = unsafe fn(*const u8, isize, isize, *mut u8, isize, usize, usize);

/// Input rows folded per pass over an accumulator row (reductions over an outer axis).
const ROWS: usize = 8;

/// Runs the reduction over the input in memory order, axes kept in their direction (with casting
/// in blocks if needed).
fn accumulate(
    op: ReduceOp,
    a: &Array,
    acc: &Array,
    acc_strides: &[i64],
    mask: Option<&Arc<Array>>,
) -> Result<()> {
    let kernel = reduce_loop(op, acc.dtype().scalar_kind().expect("numeric"));
    let ms = match mask {
        Some(m) => layout::broadcast_strides(m.shape(), m.strides(), a.shape()).expect("checked"),
        None => vec![0; a.ndim()],
    };
    let mptr = mask.map_or(a.data_ptr(), |m| m.data_ptr());
    let plan = Plan::keeping_direction(
        a.shape(),
        [a.strides(), acc_strides, &ms],
        [a.data_ptr(), acc.data_ptr(), mptr],
    );
    // Other dtypes, byte orders and unaligned inputs (packed record fields) go through aligned
    // scratch blocks of REDUCE_BLOCK elements, as NumPy's buffered reductions do: same sums.
    let native = a.dtype() == acc.dtype() && a.flags() & crate::array::flags::ALIGNED != 0;
    let isz = acc.dtype().itemsize();
    let to_loop = converter(a.dtype(), acc.dtype())?;
    let to_bool = match mask {
        Some(m) => Some(converter(m.dtype(), &Dtype::scalar(ScalarKind::Bool))?),
        None => None,
    };
    let mut scratch = if native {
        Vec::new()
    } else {
        vec![0u8; REDUCE_BLOCK * isz]
    };
    let mut flags = vec![0u8; if mask.is_some() { REDUCE_BLOCK } else { 0 }];
    if !scratch.is_empty() || !flags.is_empty() {
        accounting::block_buffer(scratch.len() + flags.len());
    }
    let mut run = |p: [*mut u8; 3], st: [isize; 3], n: usize| {
        let mut done = 0;
        while done < n {
            let k = if native && to_bool.is_none() {
                n
            } else {
                REDUCE_BLOCK.min(n - done)
            };
            let (mut src, mut ss) = (p[0].wrapping_offset(done as isize * st[0]), st[0]);
            let dst = p[1].wrapping_offset(done as isize * st[1]);
            if !native {
                // k <= n - done elements of the plan's run are inside `a`.
                // SAFETY: the scratch holds REDUCE_BLOCK >= k accumulator elements, apart.
                unsafe { to_loop.run(src, ss, scratch.as_mut_ptr(), isz as isize, k) };
                (src, ss) = (scratch.as_mut_ptr(), isz as isize);
            }
            match &to_bool {
                // `src` holds k elements of the loop dtype (the input itself or the scratch),
                // `dst` walks the accumulator over the same k positions.
                // SAFETY: both ranges are in bounds, as just described.
                None => unsafe { kernel(src, ss, 0, dst, st[1], k, 1) },
                Some(conv) => {
                    let m = p[2].wrapping_offset(done as isize * st[2]);
                    // SAFETY: k elements of the run are inside the mask; `flags` has room for k.
                    unsafe { conv.run(m, st[2], flags.as_mut_ptr(), 1, k) };
                    // Selected runs, each folded by the kernel (NumPy's masked loop).
                    let mut i = 0;
                    while i < k {
                        if flags[i] == 0 {
                            i += 1;
                            continue;
                        }
                        let start = i;
                        while i < k && flags[i] != 0 {
                            i += 1;
                        }
                        let off = start as isize;
                        // start..i is a sub-run of the k elements at src and at dst.
                        // SAFETY: both sub-runs are in bounds, as the whole runs are.
                        unsafe {
                            kernel(
                                src.wrapping_offset(off * ss),
                                ss,
                                0,
                                dst.wrapping_offset(off * st[1]),
                                st[1],
                                i - start,
                                1,
                            )
                        };
                    }
                }
            }
            done += k;
        }
    };
    // Consecutive runs that fold into the same accumulator row (a reduced outer axis) go to the
    // kernel together on the direct path, so the accumulator row is read and written once per
    // group instead of once per run; each accumulator still sees the runs in order.
    let group = if native && mask.is_none() { ROWS } else { 1 };
    plan.for_each_grouped(group, |p, st, n, rows, rs| {
        if rows > 1 && rs[1] == 0 {
            // `rows` runs of the native input, each in bounds, fold into one accumulator row,
            // which does not overlap the input (a fresh array or a checked `out`).
            // SAFETY: as just described.
            unsafe { kernel(p[0], st[0], rs[0], p[1], st[1], n, rows) };
        } else {
            for k in 0..rows as isize {
                run(
                    std::array::from_fn(|o| p[o].wrapping_offset(k * rs[o])),
                    st,
                    n,
                );
            }
        }
    });
    Ok(())
}

/// Element operations of one reduction on one element type.
trait Fold: Arith {
    /// The type sums accumulate in (binary32 for float16, the type itself otherwise).
    type Wide: Arith;
    fn widen(self) -> Self::Wide;
    fn narrow(w: Self::Wide) -> Self;
    fn fold(self, x: Self, op: ReduceOp) -> Self {
        match op {
            ReduceOp::Add | ReduceOp::Mean | ReduceOp::LogicalOr => self.add(x),
            ReduceOp::Multiply | ReduceOp::LogicalAnd => self.mul(x),
            ReduceOp::Maximum => self.max_nan(x),
            ReduceOp::Minimum => self.min_nan(x),
        }
    }
    /// The pairwise sum of a run, at the process's SIMD level.
    ///
    /// # Safety
    /// As [`pairwise`].
    unsafe fn sum(p: *const u8, s: isize, n: usize) -> Self::Wide;
}

macro_rules! fold_real {
    ($($t:ty => $wide:ty, $widen:expr, $narrow:expr;)*) => {$(
        impl Fold for $t {
            type Wide = $wide;
            #[inline(always)]
            fn widen(self) -> $wide { $widen(self) }
            fn narrow(w: $wide) -> Self { $narrow(w) }
            unsafe fn sum(p: *const u8, s: isize, n: usize) -> $wide {
                let w = $widen;
                // The caller gives n readable elements at p, stride s (Fold::sum's contract).
                // SAFETY: the summation functions' contract; the level never exceeds the CPU's.
                unsafe {
                    match simd::level() {
                        #[cfg(target_arch = "x86_64")]
                        Level::Avx512 => sum_avx512(p, s, n, w),
                        #[cfg(target_arch = "x86_64")]
                        Level::Avx2 => sum_avx2(p, s, n, w),
                        _ => sum_base(p, s, n, w),
                    }
                }
            }
        }
    )*};
}
fold_real! {
    bool => bool, |x| x, |x| x;
    i8 => i8, |x| x, |x| x;
    i16 => i16, |x| x, |x| x;
    i32 => i32, |x| x, |x| x;
    i64 => i64, |x| x, |x| x;
    u8 => u8, |x| x, |x| x;
    u16 => u16, |x| x, |x| x;
    u32 => u32, |x| x, |x| x;
    u64 => u64, |x| x, |x| x;
    f32 => f32, |x| x, |x| x;
    f64 => f64, |x| x, |x| x;
    F16 => f32, |x: F16| x.to_f32(), F16::from_f32;
}

macro_rules! fold_complex {
    ($($t:ty),*) => {$(
        impl Fold for Complex<$t> {
            type Wide = Self;
            #[inline(always)]
            fn widen(self) -> Self { self }
            fn narrow(w: Self) -> Self { w }
            unsafe fn sum(p: *const u8, s: isize, n: usize) -> Self {
                // The caller gives n readable elements at p, stride s (Fold::sum's contract).
                // SAFETY: the summation functions' contract; the level never exceeds the CPU's.
                unsafe {
                    match simd::level() {
                        #[cfg(target_arch = "x86_64")]
                        Level::Avx512 => csum_avx512::<$t>(p, s, n),
                        #[cfg(target_arch = "x86_64")]
                        Level::Avx2 => csum_avx2::<$t>(p, s, n),
                        _ => csum_base::<$t>(p, s, n),
                    }
                }
            }
        }
    )*};
}
fold_complex!(f32, f64);

/// The [`ReduceKernel`] of operation number `OP` (its index in [`OPS`]) on `T`.
///
/// # Safety
/// As [`ReduceKernel`]: `rows` runs of `n` input elements of `T` at stride `si`, `rs` apart; the
/// accumulator at stride `so`, not overlapping the input when `rows > 1`.
unsafe fn fold_loop<T: Fold, const OP: u8>(
    inp: *const u8,
    si: isize,
    rs: isize,
    acc: *mut u8,
    so: isize,
    n: usize,
    rows: usize,
) {
    let ts = size_of::<T>() as isize;
    if rows > 1 && si == ts && so == ts {
        // The caller gives `rows` runs of n contiguous (si == ts) input elements rs apart and an
        // accumulator row of n contiguous elements not overlapping them.
        // SAFETY: (all arms) exactly what each row function reads and writes.
        unsafe {
            match OPS[OP as usize] {
                ReduceOp::Add | ReduceOp::Mean | ReduceOp::LogicalOr => {
                    simd::fold_rows::<T>(inp, rs, acc, n, rows, |x, y| x.add(y))
                }
                ReduceOp::Multiply | ReduceOp::LogicalAnd => {
                    simd::fold_rows::<T>(inp, rs, acc, n, rows, |x, y| x.mul(y))
                }
                ReduceOp::Maximum => {
                    simd::fold_rows::<T>(inp, rs, acc, n, rows, |x, y| x.max_nan(y))
                }
                ReduceOp::Minimum => {
                    simd::fold_rows::<T>(inp, rs, acc, n, rows, |x, y| x.min_nan(y))
                }
            }
        }
        return;
    }
    for k in 0..rows as isize {
        // SAFETY: run k is in bounds (caller's contract).
        unsafe { fold_run::<T, OP>(inp.wrapping_offset(k * rs), si, acc, so, n) };
    }
}

/// One run of [`fold_loop`].
///
/// # Safety
/// `n` input elements of `T` at stride `si`; the accumulator at stride `so`.
#[inline(always)]
unsafe fn fold_run<T: Fold, const OP: u8>(
    inp: *const u8,
    si: isize,
    acc: *mut u8,
    so: isize,
    n: usize,
) {
    let op = OPS[OP as usize];
    if so != 0 {
        // Element-wise into an accumulator row: acc[j] = acc[j] op in[j], one closure per
        // operation so that each loop vectorises.
        // The caller gives n input elements at inp (stride si) and n accumulator elements at acc
        // (stride so); acc is read and written at the same positions.
        // SAFETY: (all arms) `each` allows its output to be read at the same positions.
        unsafe {
            match op {
                ReduceOp::Add | ReduceOp::Mean | ReduceOp::LogicalOr => {
                    each::<T, T>(acc, so, inp, si, acc, so, n, |x, y| x.add(y))
                }
                ReduceOp::Multiply | ReduceOp::LogicalAnd => {
                    each::<T, T>(acc, so, inp, si, acc, so, n, |x, y| x.mul(y))
                }
                ReduceOp::Maximum => {
                    each::<T, T>(acc, so, inp, si, acc, so, n, |x, y| x.max_nan(y))
                }
                ReduceOp::Minimum => {
                    each::<T, T>(acc, so, inp, si, acc, so, n, |x, y| x.min_nan(y))
                }
            }
        }
        return;
    }
    // so == 0: the caller gives one accumulator element at acc, readable and writable.
    // SAFETY: and n input elements at inp (stride si), as the caller guarantees.
    unsafe {
        let cur = T::load(acc, false);
        let r = if matches!(op, ReduceOp::Add | ReduceOp::Mean) {
            T::narrow(cur.widen().add(T::sum(inp, si, n)))
        } else if op == ReduceOp::Multiply {
            // Products run in the wide type too (float16: binary32 until the run ends).
            let mut r = cur.widen();
            for i in 0..n {
                r = r.mul(T::load(inp.wrapping_offset(i as isize * si), false).widen());
            }
            T::narrow(r)
        } else {
            let mut r = cur;
            for i in 0..n {
                r = r.fold(T::load(inp.wrapping_offset(i as isize * si), false), op);
            }
            r
        };
        r.store(acc, false);
    }
}

const OPS: [ReduceOp; 7] = [
    ReduceOp::Add,
    ReduceOp::Multiply,
    ReduceOp::Maximum,
    ReduceOp::Minimum,
    ReduceOp::LogicalAnd,
    ReduceOp::LogicalOr,
    ReduceOp::Mean,
];

fn for_type<T: Fold>(op: ReduceOp) -> ReduceKernel {
    match op {
        ReduceOp::Add | ReduceOp::Mean => fold_loop::<T, 0>,
        ReduceOp::Multiply => fold_loop::<T, 1>,
        ReduceOp::Maximum => fold_loop::<T, 2>,
        ReduceOp::Minimum => fold_loop::<T, 3>,
        ReduceOp::LogicalAnd => fold_loop::<T, 4>,
        ReduceOp::LogicalOr => fold_loop::<T, 5>,
    }
}

fn reduce_loop(op: ReduceOp, kind: ScalarKind) -> ReduceKernel {
    with_element_type!(kind, T => for_type::<T>(op))
}
