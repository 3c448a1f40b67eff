//! Contiguous inner loops compiled for the best vector instruction set of the running CPU.
//!
//! Every element-wise kernel funnels its contiguous (or contiguous-with-a-broadcast-scalar)
//! runs through [`contiguous`], which processes [`LANES`] elements at a time through local
//! arrays: all loads of a block happen before its stores, so the same code is correct for exact
//! in-place calls (`out == a`) and the compiler vectorises it without runtime alias checks. The
//! block loop is instantiated three times — baseline, AVX2+FMA and AVX-512 — and the level is
//! chosen once per process ([`level`] for memory-bound loops, [`compute_level`] for
//! compute-bound ones), overridable with `NDMEM_SIMD=baseline|avx2|avx512` (a level the CPU
//! lacks is never used).

use super::parallel::{disjoint, split, Shared};
use crate::element::Element;
use std::sync::OnceLock;

/// Elements per block of a contiguous loop.
pub const LANES: usize = 16;

/// The instruction-set level the kernels run at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The target's baseline (SSE2 on x86-64).
    Baseline,
    /// AVX2 with FMA.
    Avx2,
    /// AVX-512 F/BW/DQ/VL.
    Avx512,
}

impl Level {
    /// The level's name, as `NDMEM_SIMD` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Baseline => "baseline",
            Level::Avx2 => "avx2",
            Level::Avx512 => "avx512",
        }
    }
}

fn detect() -> Level {
    #[cfg(target_arch = "x86_64")]
    {
        let has512 = is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512bw")
            && is_x86_feature_detected!("avx512dq")
            && is_x86_feature_detected!("avx512vl");
        if has512 {
            return Level::Avx512;
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            return Level::Avx2;
        }
    }
    Level::Baseline
}

fn asked() -> Option<Level> {
    match std::env::var("NDMEM_SIMD").as_deref() {
        Ok("baseline") => Some(Level::Baseline),
        Ok("avx2") => Some(Level::Avx2),
        Ok("avx512") => Some(Level::Avx512),
        _ => None,
    }
}

/// The level for memory-bound loops (element-wise arithmetic, sqrt, reductions): AVX2 unless
/// `NDMEM_SIMD=avx512` asks for more, because 512-bit stores measured 20-60% slower than
/// 256-bit ones on streaming loops here (benches/compare_ufunc.py); never above the CPU's.
pub fn level() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| detect().min(asked().unwrap_or(Level::Avx2)))
}

/// The level for compute-bound loops (sin, cos, exp): the best the CPU has, lowered by
/// `NDMEM_SIMD` when set.
pub fn compute_level() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| detect().min(asked().unwrap_or(Level::Avx512)))
}

/// `out[i] = f(a[i*A], b[i*B])` for `i < n`, where `A`/`B` are 1 for a contiguous operand and 0
/// for a broadcast one, in blocks of [`LANES`].
///
/// # Safety
/// `a`/`b` must be readable for `n` (or 1, if broadcast) elements of `T`, `out` writable for `n`
/// elements of `R`; `out` may equal `a` or `b`, and may overlap a contiguous one only by lying
/// below it (element `i` of `out` then overwrites input elements `<= i + LANES`, which a block
/// has loaded before storing); otherwise it must not overlap them.
#[inline(always)]
unsafe fn blocks<T, R, const A: bool, const B: bool>(
    a: *const u8,
    b: *const u8,
    out: *mut u8,
    n: usize,
    f: &impl Fn(T, T) -> R,
) where
    T: Element + Default,
    R: Element + Default,
{
    let rs = size_of::<R>();
    let mut i = 0;
    while i + LANES <= n {
        // SAFETY: elements i .. i + LANES are in bounds (caller's contract).
        let r = unsafe { block::<T, R, A, B>(a, b, i, f) };
        for (j, v) in r.iter().enumerate() {
            // `block` loaded every input element of this block before this store.
            // SAFETY: element i + j < n of `out` is writable (caller's contract).
            unsafe { v.store(out.add((i + j) * rs), false) };
        }
        i += LANES;
    }
    // SAFETY: the remaining elements, one at a time.
    unsafe { tail::<T, R, A, B>(a, b, out, i, n, f) };
}

/// The results of elements `i .. i + LANES`, loaded before anything is stored.
///
/// # Safety
/// Those elements are in bounds for every operand.
#[inline(always)]
unsafe fn block<T, R, const A: bool, const B: bool>(
    a: *const u8,
    b: *const u8,
    i: usize,
    f: &impl Fn(T, T) -> R,
) -> [R; LANES]
where
    T: Element + Default,
    R: Element + Default,
{
    let ts = size_of::<T>();
    let mut xa = [T::default(); LANES];
    let mut xb = [T::default(); LANES];
    let mut r = [R::default(); LANES];
    for j in 0..LANES {
        // SAFETY: the caller makes element i + j < n of a and b (0 if broadcast) readable.
        unsafe {
            xa[j] = T::load(a.add(if A { (i + j) * ts } else { 0 }), false);
            xb[j] = T::load(b.add(if B { (i + j) * ts } else { 0 }), false);
        }
    }
    for j in 0..LANES {
        r[j] = f(xa[j], xb[j]);
    }
    r
}

/// Elements `from .. n` one at a time.
///
/// # Safety
/// As [`blocks`].
#[inline(always)]
unsafe fn tail<T, R, const A: bool, const B: bool>(
    a: *const u8,
    b: *const u8,
    out: *mut u8,
    from: usize,
    n: usize,
    f: &impl Fn(T, T) -> R,
) where
    T: Element + Default,
    R: Element + Default,
{
    let (ts, rs) = (size_of::<T>(), size_of::<R>());
    for i in from..n {
        // SAFETY: element i < n (caller's contract).
        unsafe {
            let x = T::load(a.add(if A { i * ts } else { 0 }), false);
            let y = T::load(b.add(if B { i * ts } else { 0 }), false);
            f(x, y).store(out.add(i * rs), false);
        }
    }
}

/// Outputs at least this large, written by a loop whose output is disjoint from its inputs,
/// bypass the cache (non-temporal stores): they would evict the inputs and cost a read for
/// ownership per line; NumPy writes through the cache.
pub const STREAM_BYTES: usize = 8 << 20;

/// [`blocks`] with non-temporal 32-byte stores for the aligned middle of a large output.
///
/// # Safety
/// As [`blocks`], `out` disjoint from both inputs, and the CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run_avx2_stream<T, R, const A: bool, const B: bool>(
    a: *const u8,
    b: *const u8,
    out: *mut u8,
    n: usize,
    f: &impl Fn(T, T) -> R,
) where
    T: Element + Default,
    R: Element + Default,
{
    use std::arch::x86_64::{__m256i, _mm256_loadu_si256, _mm256_stream_si256, _mm_sfence};
    let rs = size_of::<R>();
    let head = ((32 - out as usize % 32) % 32 / rs).min(n);
    // SAFETY: the first `head` elements through the cache, then aligned blocks.
    unsafe { tail::<T, R, A, B>(a, b, out, 0, head, f) };
    let mut i = head;
    while i + LANES <= n {
        // Elements i .. i + LANES are in bounds; out + i*rs is 32-byte aligned (the head
        // reached alignment and LANES * rs is a multiple of 32, checked by the caller).
        // SAFETY: in bounds and aligned, as just described.
        unsafe {
            let r = block::<T, R, A, B>(a, b, i, f);
            let src = r.as_ptr().cast::<u8>();
            for k in 0..LANES * rs / 32 {
                let v = _mm256_loadu_si256(src.add(32 * k).cast::<__m256i>());
                _mm256_stream_si256(out.add(i * rs + 32 * k).cast::<__m256i>(), v);
            }
        }
        i += LANES;
    }
    // SAFETY: the remaining elements; the fence orders the streamed stores before later ones.
    unsafe {
        tail::<T, R, A, B>(a, b, out, i, n, f);
        _mm_sfence();
    }
}

macro_rules! leveled {
    ($name:ident, $($feat:literal)?) => {
        /// # Safety
        /// As [`blocks`], and the CPU has the enabled features.
        $(#[target_feature(enable = $feat)])?
        unsafe fn $name<T, R, const A: bool, const B: bool>(
            a: *const u8,
            b: *const u8,
            out: *mut u8,
            n: usize,
            f: &impl Fn(T, T) -> R,
        ) where
            T: Element + Default,
            R: Element + Default,
        {
            // The dispatcher checked the target features.
            // SAFETY: the caller gives `blocks`' bounds and overlap contract.
            unsafe { blocks::<T, R, A, B>(a, b, out, n, f) }
        }
    };
}
leveled!(run_baseline,);
#[cfg(target_arch = "x86_64")]
leveled!(run_avx2, "avx2,fma");
#[cfg(target_arch = "x86_64")]
leveled!(run_avx512, "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma");

/// Runs [`blocks`] at the process's [`level`], split across threads when the output is large
/// ([`super::parallel::split`]).
///
/// # Safety
/// As [`blocks`].
#[inline(always)]
pub unsafe fn contiguous<T, R, const A: bool, const B: bool>(
    a: *const u8,
    b: *const u8,
    out: *mut u8,
    n: usize,
    f: impl Fn(T, T) -> R + Sync,
) where
    T: Element + Default,
    R: Element + Default,
{
    let (ts, rs) = (size_of::<T>(), size_of::<R>());
    let apart = |x: *const u8, all: bool| disjoint(x, if all { n * ts } else { ts }, out, n * rs);
    let (apart_a, apart_b) = (apart(a, A), apart(b, B));
    if !((apart_a || out.cast_const() == a) && (apart_b || out.cast_const() == b)) {
        // `out` overlaps an input it does not equal (lying below it: see `blocks`): one pass
        // in increasing address order, through the cache.
        // The caller gives n readable input and n writable output elements, and an overlapping
        // `out` lies below the inputs.
        // SAFETY: a forward pass over those elements is then correct.
        return unsafe { leveled::<T, R, A, B>(a, b, out, n, false, &f) };
    }
    let stream = n * rs >= STREAM_BYTES
        && (LANES * rs) % 32 == 0
        && (out as usize) % rs == 0
        && apart_a
        && apart_b;
    // During `split` the inputs are only read and each piece writes only its elements lo..hi
    // of `out`, which is apart from the inputs or equal to a contiguous one (checked above;
    // `ufunc::hazard` copies a broadcast input that overlaps `out` before this runs).
    // SAFETY: so no piece reads what another writes (`Shared::new`'s contract).
    let ptrs = unsafe { Shared::new((a, b, out)) };
    split(n, rs, |lo, hi| {
        let (a, b, out) = ptrs.get();
        let a = if A { a.wrapping_add(lo * ts) } else { a };
        let b = if B { b.wrapping_add(lo * ts) } else { b };
        // SAFETY: elements lo .. hi are a part of the caller's range.
        unsafe { leveled::<T, R, A, B>(a, b, out.wrapping_add(lo * rs), hi - lo, stream, &f) }
    });
}

/// [`blocks`] at the process's [`level`], with streamed stores when `stream`.
///
/// # Safety
/// As [`blocks`]; with `stream`, `out` is disjoint from both inputs.
#[inline(always)]
unsafe fn leveled<T, R, const A: bool, const B: bool>(
    a: *const u8,
    b: *const u8,
    out: *mut u8,
    n: usize,
    stream: bool,
    f: &impl Fn(T, T) -> R,
) where
    T: Element + Default,
    R: Element + Default,
{
    match level() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the level is at least AVX2 and `out` is disjoint from the inputs.
        Level::Avx2 | Level::Avx512 if stream => unsafe {
            run_avx2_stream::<T, R, A, B>(a, b, out, n, f)
        },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the level is never above what the CPU reported.
        Level::Avx512 => unsafe { run_avx512::<T, R, A, B>(a, b, out, n, f) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the level is never above what the CPU reported.
        Level::Avx2 => unsafe { run_avx2::<T, R, A, B>(a, b, out, n, f) },
        // SAFETY: the caller's bounds and overlap contract is `blocks`', which this runs.
        _ => unsafe { run_baseline::<T, R, A, B>(a, b, out, n, f) },
    }
}

/// `acc[j] = f(..f(f(acc[j], r_0[j]), r_1[j]).., r_last[j])` for `j < n`, where row `k` is `n`
/// contiguous elements at `inp + k*rs` and `acc` is contiguous: each block of [`LANES`]
/// accumulators is loaded once for all the rows and stays in registers. Every accumulator sees
/// the rows in the same order as `rows` separate row-by-row passes, so the results are identical.
///
/// # Safety
/// The rows must be readable and `acc` writable for `n` elements of `T`; `acc` must not overlap
/// the rows.
#[inline(always)]
unsafe fn rows_body<T: Element + Default>(
    inp: *const u8,
    rs: isize,
    acc: *mut u8,
    n: usize,
    rows: usize,
    f: &impl Fn(T, T) -> T,
) {
    let ts = size_of::<T>();
    let mut j = 0;
    while j + LANES <= n {
        let mut v = [T::default(); LANES];
        for (l, vl) in v.iter_mut().enumerate() {
            // SAFETY: accumulator j + l < n (caller's contract).
            *vl = unsafe { T::load(acc.add((j + l) * ts), false) };
        }
        for k in 0..rows {
            let row = inp.wrapping_offset(k as isize * rs);
            for (l, vl) in v.iter_mut().enumerate() {
                // SAFETY: element j + l < n of row k (caller's contract).
                *vl = f(*vl, unsafe { T::load(row.add((j + l) * ts), false) });
            }
        }
        for (l, vl) in v.iter().enumerate() {
            // SAFETY: as the loads above.
            unsafe { vl.store(acc.add((j + l) * ts), false) };
        }
        j += LANES;
    }
    for j in j..n {
        // SAFETY: accumulator j < n and element j of every row (caller's contract).
        unsafe {
            let mut v = T::load(acc.add(j * ts), false);
            for k in 0..rows {
                v = f(
                    v,
                    T::load(inp.wrapping_offset(k as isize * rs).add(j * ts), false),
                );
            }
            v.store(acc.add(j * ts), false);
        }
    }
}

macro_rules! leveled_rows {
    ($name:ident, $($feat:literal)?) => {
        /// # Safety
        /// As [`rows_body`], and the CPU has the enabled features.
        $(#[target_feature(enable = $feat)])?
        unsafe fn $name<T: Element + Default>(
            inp: *const u8,
            rs: isize,
            acc: *mut u8,
            n: usize,
            rows: usize,
            f: &impl Fn(T, T) -> T,
        ) {
            // The dispatcher checked the target features.
            // SAFETY: the caller gives `rows_body`'s contract (runs and row in bounds, apart).
            unsafe { rows_body(inp, rs, acc, n, rows, f) }
        }
    };
}
leveled_rows!(rows_baseline,);
#[cfg(target_arch = "x86_64")]
leveled_rows!(rows_avx2, "avx2,fma");

/// [`rows_body`] at the process's [`level`] (AVX2 at most: the loop is bound by loads).
///
/// # Safety
/// As [`rows_body`].
#[inline(always)]
pub unsafe fn fold_rows<T: Element + Default>(
    inp: *const u8,
    rs: isize,
    acc: *mut u8,
    n: usize,
    rows: usize,
    f: impl Fn(T, T) -> T,
) {
    match level() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the level is never above what the CPU reported.
        Level::Avx2 | Level::Avx512 => unsafe { rows_avx2(inp, rs, acc, n, rows, &f) },
        // SAFETY: the caller's contract is `rows_body`'s, which this runs.
        _ => unsafe { rows_baseline(inp, rs, acc, n, rows, &f) },
    }
}

/// Writes the block `v` to `out` with non-temporal 16-byte stores (SSE2, part of x86-64), or
/// with plain stores on other targets; [`stream_fence`] must follow the last one.
///
/// # Safety
/// `out` is 16-byte aligned and writable for the block; `size_of::<[T; LANES]>()` is a multiple
/// of 16.
#[inline(always)]
pub unsafe fn stream_block<T: Element + Default>(out: *mut u8, v: &[T; LANES]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_stream_si128};
        let src = v.as_ptr().cast::<u8>();
        for k in 0..size_of::<[T; LANES]>() / 16 {
            // SAFETY: chunk k lies within the block and within `out` (aligned, caller's contract).
            unsafe {
                let x = _mm_loadu_si128(src.add(16 * k).cast::<__m128i>());
                _mm_stream_si128(out.add(16 * k).cast::<__m128i>(), x);
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    for (j, x) in v.iter().enumerate() {
        // SAFETY: element j of the block is writable (caller's contract).
        unsafe { x.store(out.add(j * size_of::<T>()), false) };
    }
}

/// Orders the non-temporal stores of [`stream_block`] before any later store.
#[inline(always)]
pub fn stream_fence() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of x86-64; the fence has no other requirement.
    unsafe {
        std::arch::x86_64::_mm_sfence()
    };
}
