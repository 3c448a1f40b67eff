//! Floating-point functions: sqrt, exp, expm1, log, log1p, sin, cos, tan, rint.
//!
//! Real inputs are evaluated in binary64 and rounded to the loop type (float16, float32 or
//! float64). `sqrt` and `rint` are exact. `sin`, `cos` and `exp` run vectorised over blocks of
//! [`LANES`] elements with fdlibm's algorithms (Cody–Waite reduction by pi/2 in three exact
//! pieces with a double-double remainder and fdlibm's minimax kernels; exp's rational
//! approximation), each below 1 ULP of error; lanes outside the fast path's range (huge
//! arguments, NaN, infinities, over/underflow) are recomputed by the C library, so special
//! values are NumPy's. `expm1`, `log`, `log1p` and `tan` call the C library per element.
//! Complex inputs use the C library's complex functions, as NumPy does.

// fdlibm publishes its coefficients with more digits than a double holds; they round to the
// intended doubles.
#![allow(clippy::excessive_precision)]

use super::libm;
use super::parallel::{disjoint, split, Shared};
use super::simd::{self, Level, LANES};
use crate::element::{Element, F16};
use num_complex::Complex;

/// The functions of this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathFn {
    /// `np.sqrt`
    Sqrt,
    /// `np.exp`
    Exp,
    /// `np.expm1`
    Expm1,
    /// `np.log`
    Log,
    /// `np.log1p`
    Log1p,
    /// `np.sin`
    Sin,
    /// `np.cos`
    Cos,
    /// `np.tan`
    Tan,
    /// `np.rint` (round half to even)
    Rint,
}

// fdlibm's split of pi/2 into pieces of 33 bits (products with |n| < 2^20 are exact) and a tail.
const INV_PIO2: f64 = f64::from_bits(0x3FE4_5F30_6DC9_C883);
const PIO2_1: f64 = f64::from_bits(0x3FF9_21FB_5440_0000);
const PIO2_2: f64 = f64::from_bits(0x3DD0_B461_1A60_0000);
const PIO2_3: f64 = f64::from_bits(0x3BA3_198A_2E00_0000);
const PIO2_3T: f64 = f64::from_bits(0x397B_839A_2520_49C1);
/// Largest |x| reduced by the vector path (n stays far below 2^20).
const TRIG_LIMIT: f64 = 524288.0;
/// 1.5 * 2^52: adding it to an integral value puts the integer in the low mantissa bits.
const SHIFTER: f64 = 6755399441055744.0;

// fdlibm's __kernel_sin / __kernel_cos minimax coefficients.
const S1: f64 = -1.666_666_666_666_663_243_48e-1;
const S2: f64 = 8.333_333_333_322_489_461_24e-3;
const S3: f64 = -1.984_126_982_985_794_931_34e-4;
const S4: f64 = 2.755_731_370_707_006_767_89e-6;
const S5: f64 = -2.505_076_025_340_686_341_95e-8;
const S6: f64 = 1.589_690_995_211_550_102_21e-10;
const C1: f64 = 4.166_666_666_666_660_190_37e-2;
const C2: f64 = -1.388_888_888_887_410_957_49e-3;
const C3: f64 = 2.480_158_728_947_672_941_78e-5;
const C4: f64 = -2.755_731_435_139_066_330_35e-7;
const C5: f64 = 2.087_572_321_298_174_827_90e-9;
const C6: f64 = -1.135_964_755_778_819_482_65e-11;

// fdlibm's e_exp.c reduction constants.
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// exp is computed by the vector path for |x| below this (normal, finite results).
const EXP_LIMIT: f64 = 708.0;

/// Round half to even for |v| < 2^51 with two additions (no SSE4.1 `roundsd` needed).
#[inline(always)]
fn round_even(v: f64) -> f64 {
    (v + SHIFTER) - SHIFTER
}

/// Exact sum of two doubles: `a + b = s + e`.
#[inline(always)]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// x - n*pi/2 as a double-double `(hi, lo)` and the quadrant n mod 4, for |x| <= TRIG_LIMIT.
#[inline(always)]
fn reduce_pio2(x: f64) -> (f64, f64, u64) {
    let n = round_even(x * INV_PIO2);
    let q = (n + SHIFTER).to_bits() & 3;
    let r = x - n * PIO2_1; // exact: n * PIO2_1 is exact and close to x
    let (s1, e1) = two_sum(r, -(n * PIO2_2));
    let (s2, e2) = two_sum(s1, -(n * PIO2_3));
    let tail = (e1 + e2) - n * PIO2_3T;
    let hi = s2 + tail;
    let lo = tail - (hi - s2);
    // n == 0: no reduction at all (keeps the sign of -0.0 and is exact).
    if n == 0.0 {
        (x, 0.0, 0)
    } else {
        (hi, lo, q)
    }
}

/// fdlibm's __kernel_sin on `x + y`, |x| <= pi/4.
#[inline(always)]
fn kernel_sin(x: f64, y: f64) -> f64 {
    let z = x * x;
    let w = z * z;
    let r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    let v = z * x;
    x - ((z * (0.5 * y - v * r) - y) - v * S1)
}

/// fdlibm's __kernel_cos on `x + y`, |x| <= pi/4.
#[inline(always)]
fn kernel_cos(x: f64, y: f64) -> f64 {
    let z = x * x;
    let w = z * z;
    let r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + (z * r - x * y))
}

/// sin (`cos_shift` 0) or cos (`cos_shift` 1) for |x| <= TRIG_LIMIT, branch-free.
#[inline(always)]
fn sincos_fast(x: f64, cos_shift: u64) -> f64 {
    let (hi, lo, q) = reduce_pio2(x);
    let q = (q + cos_shift) & 3;
    let s = kernel_sin(hi, lo);
    let c = kernel_cos(hi, lo);
    let v = if q & 1 == 0 { s } else { c };
    if q & 2 == 0 {
        v
    } else {
        -v
    }
}

/// exp for |x| <= EXP_LIMIT, branch-free and division-free: fdlibm's reduction
/// `x = k ln2 + hi - lo` (exact `hi`), then `exp(r) = 1 + (hi + (r^2 P(r) - lo))` with `P` the
/// Taylor series of `(e^r - 1 - r) / r^2` to degree 11 (|r| <= ln2/2: truncation error below
/// 2^-60), scaled by `2^k` exactly.
#[inline(always)]
fn exp_fast<const FMA: bool>(x: f64) -> f64 {
    // a*b + c, fused where the instruction exists (the AVX2 and AVX-512 levels).
    let madd = |a: f64, b: f64, c: f64| if FMA { a.mul_add(b, c) } else { a * b + c };
    let k = round_even(x * INV_LN2);
    let hi = x - k * LN2_HI; // exact: LN2_HI has 21 trailing zero bits and |k| < 1024
    let lo = k * LN2_LO;
    let r = hi - lo;
    // Estrin's scheme: a shallow dependency chain, so that blocks overlap in the pipeline.
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let (p0, p2, p4) = (
        madd(E[1], r, E[0]),
        madd(E[3], r, E[2]),
        madd(E[5], r, E[4]),
    );
    let (p6, p8, p10) = (
        madd(E[7], r, E[6]),
        madd(E[9], r, E[8]),
        madd(E[11], r, E[10]),
    );
    let p = madd(r4, madd(r2, p6, p4), madd(r2, p2, p0)) + r8 * madd(r2, p10, p8);
    let y = 1.0 + (hi + (r2 * p - lo));
    let biased = ((k + SHIFTER).to_bits() as i64)
        .wrapping_sub(SHIFTER.to_bits() as i64)
        .wrapping_add(1023);
    y * f64::from_bits((biased as u64) << 52)
}

/// 1/2!, 1/3!, ..., 1/13!: the coefficients of `(e^r - 1 - r) / r^2`.
const E: [f64; 12] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362880.0,
    1.0 / 3628800.0,
    1.0 / 39916800.0,
    1.0 / 479001600.0,
    1.0 / 6227020800.0,
];

/// The vector-friendly approximation of function number `F` (its index in [`FNS`]), valid
/// where [`covered`] holds. `F` is a constant so that each loop is specialised and vectorises.
#[inline(always)]
fn fast<const F: u8, const FMA: bool>(x: f64) -> f64 {
    match FNS[F as usize] {
        MathFn::Sqrt => x.sqrt(),
        MathFn::Rint => x.round_ties_even(),
        MathFn::Sin => sincos_fast(x, 0),
        MathFn::Cos => sincos_fast(x, 1),
        MathFn::Exp => exp_fast::<FMA>(x),
        // The rest have no vector path: every lane takes `exact`.
        _ => x,
    }
}

/// True where [`fast`] is accurate (false for NaN).
#[inline(always)]
fn covered<const F: u8>(x: f64) -> bool {
    match FNS[F as usize] {
        MathFn::Sqrt | MathFn::Rint => true,
        MathFn::Sin | MathFn::Cos => x.abs() <= TRIG_LIMIT,
        MathFn::Exp => x.abs() <= EXP_LIMIT,
        _ => false,
    }
}

impl MathFn {
    /// The C library's result (special values, huge arguments, functions without a vector path).
    fn exact(self, x: f64) -> f64 {
        match self {
            MathFn::Sqrt => x.sqrt(),
            MathFn::Rint => x.round_ties_even(),
            MathFn::Sin => x.sin(),
            MathFn::Cos => x.cos(),
            MathFn::Exp => x.exp(),
            MathFn::Expm1 => x.exp_m1(),
            MathFn::Log => x.ln(),
            MathFn::Log1p => x.ln_1p(),
            MathFn::Tan => x.tan(),
        }
    }
}

/// A real element type the functions run on (through binary64).
pub(super) trait Real: Element + Default {
    fn to_f64(self) -> f64;
    fn from_f64(v: f64) -> Self;
}
impl Real for f64 {
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }
}
impl Real for f32 {
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
}
impl Real for F16 {
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self.to_f64()
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        crate::element::from_f64(v)
    }
}

/// `out[i] = f(a[i])`: contiguous runs in blocks of [`LANES`] on the fast path, kept in
/// registers; a block with a lane the fast path does not cover (and every strided element) goes
/// element by element, choosing per element. With `STREAM`, the blocks of a contiguous run are
/// written with non-temporal stores ([`simd::stream_block`]) from the first 16-byte boundary of
/// `out` on.
///
/// # Safety
/// `n` elements of `T` at `a + i*sa` readable and at `out + i*so` writable; `out` equals `a`,
/// does not overlap it, or (same strides) lies below it when the strides are positive and above
/// it when they are negative: blocks and elements go in increasing `i`, each block loaded before
/// it is stored; with `STREAM`, `out` is aligned to `T` and disjoint from `a`.
#[inline(always)]
unsafe fn blocks<T: Real, const F: u8, const FMA: bool, const STREAM: bool>(
    a: *const u8,
    sa: isize,
    out: *mut u8,
    so: isize,
    n: usize,
) {
    let size = size_of::<T>();
    let one = |i: usize| {
        // SAFETY: element i < n (caller's contract).
        unsafe {
            let x = T::load(a.wrapping_offset(i as isize * sa), false).to_f64();
            let r = if covered::<F>(x) {
                fast::<F, FMA>(x)
            } else {
                FNS[F as usize].exact(x)
            };
            T::from_f64(r).store(out.wrapping_offset(i as isize * so), false);
        }
    };
    let mut i = 0;
    if sa == size as isize && so == sa {
        if STREAM {
            i = ((16 - out as usize % 16) % 16 / size).min(n);
            (0..i).for_each(one);
        }
        while i + LANES <= n {
            // Plain loops over local arrays (closures would not inherit the caller's target
            // features, and the block must stay in vector registers).
            let mut x = [0.0f64; LANES];
            for (j, xj) in x.iter_mut().enumerate() {
                // SAFETY: elements i .. i + LANES are in bounds (caller's contract).
                *xj = unsafe { T::load(a.add((i + j) * size), false) }.to_f64();
            }
            let mut r = [0.0f64; LANES];
            let mut all = true;
            for j in 0..LANES {
                r[j] = fast::<F, FMA>(x[j]);
                all &= covered::<F>(x[j]);
            }
            if all && STREAM {
                let v: [T; LANES] = std::array::from_fn(|j| T::from_f64(r[j]));
                // out + i*size is 16-byte aligned: the head reached the boundary and
                // LANES * size is a multiple of 16.
                // SAFETY: out's elements i .. i + LANES < n are writable (caller), aligned as said.
                unsafe { simd::stream_block(out.add(i * size), &v) };
            } else if all {
                for (j, v) in r.iter().enumerate() {
                    // The block's inputs were all loaded before this store.
                    // SAFETY: element i + j < n of out is writable (caller's contract).
                    unsafe { T::from_f64(*v).store(out.add((i + j) * size), false) };
                }
            } else {
                (i..i + LANES).for_each(one);
            }
            i += LANES;
        }
    }
    (i..n).for_each(one);
    if STREAM {
        simd::stream_fence();
    }
}

const FNS: [MathFn; 9] = [
    MathFn::Sqrt,
    MathFn::Exp,
    MathFn::Expm1,
    MathFn::Log,
    MathFn::Log1p,
    MathFn::Sin,
    MathFn::Cos,
    MathFn::Tan,
    MathFn::Rint,
];

macro_rules! leveled {
    ($name:ident, $fma:literal, $($feat:literal)?) => {
        /// # Safety
        /// As [`blocks`], and the CPU has the enabled features.
        $(#[target_feature(enable = $feat)])?
        unsafe fn $name<T: Real, const F: u8, const STREAM: bool>(
            a: *const u8,
            sa: isize,
            out: *mut u8,
            so: isize,
            n: usize,
        ) {
            // The dispatcher checked the target features.
            // SAFETY: the caller gives `blocks`' bounds and overlap contract.
            unsafe { blocks::<T, F, $fma, STREAM>(a, sa, out, so, n) }
        }
    };
}
leveled!(real_base, false,);
#[cfg(target_arch = "x86_64")]
leveled!(real_avx2, true, "avx2,fma");
#[cfg(target_arch = "x86_64")]
leveled!(
    real_avx512,
    true,
    "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma"
);

/// # Safety
/// As [`super::kernels::BinaryKernel`]; the second operand is not read.
unsafe fn real_loop<T: Real, const F: u8>(
    a: *const u8,
    sa: isize,
    _b: *const u8,
    _sb: isize,
    out: *mut u8,
    so: isize,
    n: usize,
) {
    let size = size_of::<T>();
    if sa != size as isize || so != sa {
        // No streaming store is used.
        // SAFETY: the caller's `BinaryKernel` contract (n elements each) is `real_leveled`'s.
        return unsafe { real_leveled::<T, F, false>(a, sa, out, so, n) };
    }
    let apart = disjoint(a, n * size, out, n * size);
    if !apart && out.cast_const() != a {
        // `out` lies below `a` in the same memory (see `ufunc::hazard`): one forward pass.
        // No streaming store is used.
        // SAFETY: the caller's `BinaryKernel` contract (n elements each) is `real_leveled`'s.
        return unsafe { real_leveled::<T, F, false>(a, sa, out, so, n) };
    }
    // A large contiguous output that is not the input is streamed past the cache, for the
    // memory-bound functions (streaming made exp 20% slower here: benches/compare_ufunc.py).
    let stream = !compute_bound::<F>()
        && n * size >= simd::STREAM_BYTES
        && (LANES * size) % 16 == 0
        && (out as usize) % size == 0
        && apart;
    // During `split`, `a` is only read and each piece writes only its elements lo..hi of `out`,
    // which is apart from `a` or equal to it (checked above).
    // SAFETY: so no piece reads what another writes (`Shared::new`'s contract).
    let ptrs = unsafe { Shared::new((a, out)) };
    split(n, size, |lo, hi| {
        let (a, out) = ptrs.get();
        let (a, out, n) = (
            a.wrapping_add(lo * size),
            out.wrapping_add(lo * size),
            hi - lo,
        );
        // SAFETY: elements lo .. hi are a part of the caller's contiguous range.
        unsafe {
            if stream {
                real_leveled::<T, F, true>(a, sa, out, so, n)
            } else {
                real_leveled::<T, F, false>(a, sa, out, so, n)
            }
        }
    });
}

/// True for the functions whose vector path is bound by arithmetic, not memory.
fn compute_bound<const F: u8>() -> bool {
    matches!(FNS[F as usize], MathFn::Sin | MathFn::Cos | MathFn::Exp)
}

/// [`blocks`] at the level suited to function `F`.
///
/// # Safety
/// As [`blocks`].
#[inline(always)]
unsafe fn real_leveled<T: Real, const F: u8, const STREAM: bool>(
    a: *const u8,
    sa: isize,
    out: *mut u8,
    so: isize,
    n: usize,
) {
    let level = if compute_bound::<F>() {
        simd::compute_level()
    } else {
        simd::level()
    };
    // The caller gives n readable inputs at a and n writable outputs at out, not overlapping
    // except as `blocks` allows.
    // SAFETY: that is every arm's contract; the level never exceeds the CPU's.
    unsafe {
        match level {
            #[cfg(target_arch = "x86_64")]
            Level::Avx512 => real_avx512::<T, F, STREAM>(a, sa, out, so, n),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => real_avx2::<T, F, STREAM>(a, sa, out, so, n),
            _ => real_base::<T, F, STREAM>(a, sa, out, so, n),
        }
    }
}

/// The complex functions (C library's, as NumPy's npymath uses them), rint per part.
fn complex_fn(f: MathFn, z: Complex<f64>) -> Complex<f64> {
    match f {
        MathFn::Sqrt => libm::csqrt(z),
        MathFn::Exp => libm::cexp(z),
        MathFn::Log => libm::clog(z),
        MathFn::Sin => libm::csin(z),
        MathFn::Cos => libm::ccos(z),
        MathFn::Tan => libm::ctan(z),
        MathFn::Rint => Complex::new(z.re.round_ties_even(), z.im.round_ties_even()),
        MathFn::Expm1 => {
            // NumPy's nc_expm1: exp(x)*cos(y) - 1 computed with expm1 for accuracy.
            let a = (z.im / 2.0).sin();
            Complex::new(
                z.re.exp_m1() * z.im.cos() - 2.0 * a * a,
                z.re.exp() * z.im.sin(),
            )
        }
        MathFn::Log1p => {
            // NumPy's nc_log1p: log(|1 + z|) and the argument of 1 + z.
            let l = (z.re + 1.0).hypot(z.im);
            Complex::new(l.ln(), z.im.atan2(z.re + 1.0))
        }
    }
}

/// # Safety
/// As [`super::kernels::BinaryKernel`] for complex elements of `F`; the second operand is not read.
unsafe fn complex_loop<const F: u8, const SINGLE: bool>(
    a: *const u8,
    sa: isize,
    _b: *const u8,
    _sb: isize,
    out: *mut u8,
    so: isize,
    n: usize,
) {
    let f = FNS[F as usize];
    for i in 0..n as isize {
        let (src, dst) = (a.wrapping_offset(i * sa), out.wrapping_offset(i * so));
        // SAFETY: element i is in bounds (caller's contract).
        unsafe {
            if SINGLE {
                let z = Complex::<f32>::load(src, false);
                let r = complex_fn(f, Complex::new(z.re as f64, z.im as f64));
                Complex::new(r.re as f32, r.im as f32).store(dst, false);
            } else {
                complex_fn(f, Complex::<f64>::load(src, false)).store(dst, false);
            }
        }
    }
}

/// The inner loop of `f` on native elements of `kind` (a float or complex kind).
pub fn kernel(f: MathFn, kind: crate::dtype::ScalarKind) -> super::kernels::BinaryKernel {
    use crate::dtype::ScalarKind as K;
    macro_rules! by_fn {
        ($($i:literal),*) => {
            match FNS.iter().position(|&g| g == f).expect("listed") {
                $($i => match kind {
                    K::Float16 => real_loop::<F16, $i>,
                    K::Float32 => real_loop::<f32, $i>,
                    K::Complex64 => complex_loop::<$i, true>,
                    K::Complex128 => complex_loop::<$i, false>,
                    _ => real_loop::<f64, $i>,
                },)*
                _ => unreachable!("nine functions"),
            }
        };
    }
    by_fn!(0, 1, 2, 3, 4, 5, 6, 7, 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_paths_agree_with_the_c_library() {
        // Not an accuracy proof (that is the Python test against long double); a sanity check
        // that the fast paths compute the right function, signs and quadrants included.
        for i in -2000..2000 {
            let x = i as f64 * 0.37 + 0.001;
            let pairs = [
                (fast::<5, false>(x), x.sin(), covered::<5>(x)),
                (fast::<6, false>(x), x.cos(), covered::<6>(x)),
                (fast::<1, false>(x), x.exp(), covered::<1>(x)),
            ];
            for (a, b, ok) in pairs {
                if ok {
                    assert!(
                        (a - b).abs() <= 2.0 * f64::EPSILON * b.abs(),
                        "{x}: {a} vs {b}"
                    );
                }
            }
        }
        assert_eq!(fast::<5, false>(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(fast::<1, true>(0.0), 1.0);
    }
}
