//! NumPy's pairwise summation (`@TYPE@_pairwise_sum`), real and complex, compiled per SIMD
//! level: the order of additions is NumPy's, so sums of the same run match it to the bit.

use super::kernels::Arith;
use crate::element::Element;
use num_complex::Complex;

/// NumPy's pairwise summation (`@TYPE@_pairwise_sum`) of `n` elements at byte stride `s`,
/// each widened by `w` to the accumulation type (float16 sums in binary32, as NumPy's).
///
/// # Safety
/// `n` elements of `L` at `p + i*s` must be readable.
#[inline(always)]
unsafe fn pairwise<L: Element, T: Arith>(
    p: *const u8,
    s: isize,
    n: usize,
    w: impl Fn(L) -> T + Copy,
) -> T {
    if s == size_of::<L>() as isize {
        // SAFETY: the caller gives n readable L at p, stride s (contiguous, as `true` assumes).
        unsafe { pairwise_at::<L, T, true>(p, s, n, w) }
    } else {
        // SAFETY: the caller guarantees n readable elements of L at p, stride s.
        unsafe { pairwise_at::<L, T, false>(p, s, n, w) }
    }
}

/// [`pairwise`] with the stride known to be the element size when `CONTIG` (so the eight
/// accumulators become one vector).
///
/// # Safety
/// As [`pairwise`].
#[inline(always)]
unsafe fn pairwise_at<L: Element, T: Arith, const CONTIG: bool>(
    p: *const u8,
    s: isize,
    n: usize,
    w: impl Fn(L) -> T + Copy,
) -> T {
    let s = if CONTIG { size_of::<L>() as isize } else { s };
    // SAFETY: i < n throughout (caller's contract).
    let at = |i: usize| w(unsafe { L::load(p.wrapping_offset(i as isize * s), false) });
    if n < 8 {
        (0..n).fold(T::default(), |acc, i| acc.add(at(i)))
    } else if n <= 128 {
        let mut r: [T; 8] = std::array::from_fn(at);
        let end = n - n % 8;
        let mut i = 8;
        while i < end {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj = rj.add(at(i + j));
            }
            i += 8;
        }
        let mut res = (r[0].add(r[1]).add(r[2].add(r[3]))).add(r[4].add(r[5]).add(r[6].add(r[7])));
        for k in end..n {
            res = res.add(at(k));
        }
        res
    } else {
        let n2 = n / 2;
        let n2 = n2 - n2 % 8;
        // SAFETY: both halves lie within the n elements.
        let (x, y) = unsafe {
            (
                pairwise_at::<L, T, CONTIG>(p, s, n2, w),
                pairwise_at::<L, T, CONTIG>(p.wrapping_offset(n2 as isize * s), s, n - n2, w),
            )
        };
        x.add(y)
    }
}

/// NumPy's complex pairwise summation: the real and imaginary parts interleaved as `2n`
/// scalars, eight accumulators (four per part).
///
/// # Safety
/// As [`pairwise`], for `n` complex elements.
#[inline(always)]
unsafe fn cpairwise<F: Arith>(p: *const u8, s: isize, n: usize) -> Complex<F> {
    let half = size_of::<F>() as isize;
    // Scalar i of the interleaved sequence: part i % 2 of element i / 2.
    // SAFETY: i < 2n throughout (caller's contract).
    let at = |i: usize| unsafe {
        F::load(
            p.wrapping_offset((i / 2) as isize * s + (i % 2) as isize * half),
            false,
        )
    };
    let m = 2 * n;
    if m < 8 {
        let (mut rr, mut ri) = (F::default(), F::default());
        for i in (0..m).step_by(2) {
            rr = rr.add(at(i));
            ri = ri.add(at(i + 1));
        }
        Complex::new(rr, ri)
    } else if m <= 128 {
        let mut r: [F; 8] = std::array::from_fn(at);
        let end = m - m % 8;
        let mut i = 8;
        while i < end {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj = rj.add(at(i + j));
            }
            i += 8;
        }
        let mut rr = r[0].add(r[2]).add(r[4].add(r[6]));
        let mut ri = r[1].add(r[3]).add(r[5].add(r[7]));
        for k in (end..m).step_by(2) {
            rr = rr.add(at(k));
            ri = ri.add(at(k + 1));
        }
        Complex::new(rr, ri)
    } else {
        let n2 = m / 2;
        let n2 = (n2 - n2 % 8) / 2;
        // SAFETY: both halves lie within the n elements.
        let (x, y) = unsafe {
            (
                cpairwise::<F>(p, s, n2),
                cpairwise::<F>(p.wrapping_offset(n2 as isize * s), s, n - n2),
            )
        };
        Complex::new(x.re.add(y.re), x.im.add(y.im))
    }
}

macro_rules! leveled_sum {
    ($name:ident, $cname:ident, $($feat:literal)?) => {
        /// # Safety
        /// As [`pairwise`], and the CPU has the enabled features.
        $(#[target_feature(enable = $feat)])?
        pub(super) unsafe fn $name<L: Element, T: Arith>(
            p: *const u8,
            s: isize,
            n: usize,
            w: impl Fn(L) -> T + Copy,
        ) -> T {
            // The target features only change code generation.
            // SAFETY: the caller gives n readable L at p, stride s: `pairwise`'s contract.
            unsafe { pairwise(p, s, n, w) }
        }
        /// # Safety
        /// As [`cpairwise`], and the CPU has the enabled features.
        $(#[target_feature(enable = $feat)])?
        pub(super) unsafe fn $cname<F: Arith>(p: *const u8, s: isize, n: usize) -> Complex<F> {
            // The target features only change code generation.
            // SAFETY: the caller gives n readable complex at p, stride s: `cpairwise`'s.
            unsafe { cpairwise(p, s, n) }
        }
    };
}
leveled_sum!(sum_base, csum_base,);
#[cfg(target_arch = "x86_64")]
leveled_sum!(
    sum_avx512,
    csum_avx512,
    "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma"
);
#[cfg(target_arch = "x86_64")]
leveled_sum!(sum_avx2, csum_avx2, "avx2,fma");
