//! Element conversion kernels: load an element of one numeric type (in either byte order),
//! convert it as NumPy's C casts do, store it as another. [`converter`] picks the loop for a
//! pair of dtypes once, so no per-element dispatch happens.
//!
//! Conversions follow C (NumPy's `astype`): integers wrap, floats to integers truncate toward
//! zero, complex to real keeps the real part, anything to bool is `!= 0`. Where C leaves the result
//! undefined (NaN or out-of-range floats to integers) NumPy's answer is what x86-64's conversion
//! instructions give, and ndmem computes the same values (see `FromFloat`).

use crate::bail;
use crate::dtype::{Dtype, DtypeKind, ScalarKind};
use crate::element::{Element, F16};
use crate::error::Result;
use num_complex::Complex;

/// A value conversion with C semantics, from `S` to `Self`.
pub trait CastFrom<S>: Sized {
    /// Converts one value.
    fn cast_from(s: S) -> Self;
}

macro_rules! prim_casts {
    ($src:ty => $($dst:ty),*) => {$(
        impl CastFrom<$src> for $dst {
            #[inline(always)]
            fn cast_from(s: $src) -> Self { s as $dst }
        }
    )*};
}
/// x86-64's `cvttsd2si` to 32 bits: truncation, or `i32::MIN` for NaN and out-of-range values.
fn cvt32(v: f64) -> i32 {
    if v > -2147483649.0 && v < 2147483648.0 {
        v as i32
    } else {
        i32::MIN
    }
}

/// x86-64's `cvttsd2si` to 64 bits: truncation, or `i64::MIN` for NaN and out-of-range values.
fn cvt64(v: f64) -> i64 {
    if (-9223372036854775808.0..9223372036854775808.0).contains(&v) {
        v as i64
    } else {
        i64::MIN
    }
}

/// Float to integer conversion as NumPy's C loops compile on x86-64 (the platform ndmem
/// matches): in-range values truncate toward zero; NaN and out-of-range values give what the
/// instructions give (small types go through 32 bits, unsigned ones through the signed
/// instruction with a 2^31 / 2^63 offset).
trait FromFloat {
    fn from_float(v: f64) -> Self;
}
macro_rules! via_cvt32 {
    ($($t:ty),*) => {$(
        impl FromFloat for $t {
            fn from_float(v: f64) -> Self { cvt32(v) as $t }
        }
    )*};
}
via_cvt32!(i8, i16, i32, u8, u16);
impl FromFloat for i64 {
    fn from_float(v: f64) -> Self {
        cvt64(v)
    }
}
impl FromFloat for u32 {
    fn from_float(v: f64) -> Self {
        if v >= 2147483648.0 {
            (cvt32(v - 2147483648.0) as u32) ^ 0x8000_0000
        } else {
            cvt32(v) as u32
        }
    }
}
impl FromFloat for u64 {
    fn from_float(v: f64) -> Self {
        if v >= 9223372036854775808.0 {
            (cvt64(v - 9223372036854775808.0) as u64) ^ (1 << 63)
        } else {
            cvt64(v) as u64
        }
    }
}
macro_rules! float_int_casts {
    ($src:ty => $($dst:ty),*) => {$(
        impl CastFrom<$src> for $dst {
            #[inline(always)]
            fn cast_from(s: $src) -> Self { <$dst as FromFloat>::from_float(s as f64) }
        }
    )*};
}
macro_rules! int_sources {
    ($($src:ty),*) => {$( prim_casts!($src => i8, i16, i32, i64, u8, u16, u32, u64, f32, f64); )*};
}
int_sources!(i8, i16, i32, i64, u8, u16, u32, u64);
prim_casts!(f32 => f32, f64);
prim_casts!(f64 => f32, f64);
float_int_casts!(f32 => i8, i16, i32, i64, u8, u16, u32, u64);
float_int_casts!(f64 => i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! bool_and_complex_casts {
    ($($p:ty),*) => {$(
        impl CastFrom<bool> for $p {
            #[inline(always)]
            fn cast_from(s: bool) -> Self { s as u8 as $p }
        }
        impl CastFrom<$p> for bool {
            #[inline(always)]
            #[allow(clippy::float_cmp)]
            fn cast_from(s: $p) -> Self { s != (0 as $p) }
        }
        impl CastFrom<$p> for Complex<f32> {
            #[inline(always)]
            fn cast_from(s: $p) -> Self { Complex::new(s as f32, 0.0) }
        }
        impl CastFrom<$p> for Complex<f64> {
            #[inline(always)]
            fn cast_from(s: $p) -> Self { Complex::new(s as f64, 0.0) }
        }
        impl CastFrom<Complex<f32>> for $p {
            #[inline(always)]
            fn cast_from(s: Complex<f32>) -> Self { <$p as CastFrom<f32>>::cast_from(s.re) }
        }
        impl CastFrom<Complex<f64>> for $p {
            #[inline(always)]
            fn cast_from(s: Complex<f64>) -> Self { <$p as CastFrom<f64>>::cast_from(s.re) }
        }
    )*};
}
bool_and_complex_casts!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

// float16 as NumPy converts it: integers and binary32 through binary32, binary64 directly; out of
// float16, through binary32 with that type's rules.
macro_rules! half_casts {
    ($($t:ty),*) => {$(
        impl CastFrom<$t> for F16 {
            #[inline(always)]
            fn cast_from(s: $t) -> Self { F16::from_f32(s as f32) }
        }
        impl CastFrom<F16> for $t {
            #[inline(always)]
            fn cast_from(s: F16) -> Self { <$t as CastFrom<f32>>::cast_from(s.to_f32()) }
        }
    )*};
}
half_casts!(i8, i16, i32, i64, u8, u16, u32, u64, f32);
impl CastFrom<f64> for F16 {
    #[inline(always)]
    fn cast_from(s: f64) -> Self {
        crate::element::from_f64(s)
    }
}
impl CastFrom<F16> for f64 {
    #[inline(always)]
    fn cast_from(s: F16) -> Self {
        s.to_f64()
    }
}
impl CastFrom<F16> for F16 {
    #[inline(always)]
    fn cast_from(s: F16) -> Self {
        s
    }
}
impl CastFrom<bool> for F16 {
    #[inline(always)]
    fn cast_from(s: bool) -> Self {
        F16::from_f32(s as u8 as f32)
    }
}
impl CastFrom<F16> for bool {
    #[inline(always)]
    fn cast_from(s: F16) -> Self {
        s.to_f32() != 0.0
    }
}
impl CastFrom<Complex<f32>> for F16 {
    #[inline(always)]
    fn cast_from(s: Complex<f32>) -> Self {
        F16::from_f32(s.re)
    }
}
impl CastFrom<Complex<f64>> for F16 {
    #[inline(always)]
    fn cast_from(s: Complex<f64>) -> Self {
        crate::element::from_f64(s.re)
    }
}
impl CastFrom<F16> for Complex<f32> {
    #[inline(always)]
    fn cast_from(s: F16) -> Self {
        Complex::new(s.to_f32(), 0.0)
    }
}
impl CastFrom<F16> for Complex<f64> {
    #[inline(always)]
    fn cast_from(s: F16) -> Self {
        Complex::new(s.to_f64(), 0.0)
    }
}

impl CastFrom<bool> for bool {
    #[inline(always)]
    fn cast_from(s: bool) -> Self {
        s
    }
}
macro_rules! complex_casts {
    ($($f:ty),*) => {$(
        impl CastFrom<bool> for Complex<$f> {
            #[inline(always)]
            fn cast_from(s: bool) -> Self { Complex::new(s as u8 as $f, 0.0) }
        }
        impl CastFrom<Complex<$f>> for bool {
            #[inline(always)]
            fn cast_from(s: Complex<$f>) -> Self { s.re != 0.0 || s.im != 0.0 }
        }
        impl CastFrom<Complex<$f>> for Complex<f32> {
            #[inline(always)]
            fn cast_from(s: Complex<$f>) -> Self { Complex::new(s.re as f32, s.im as f32) }
        }
        impl CastFrom<Complex<$f>> for Complex<f64> {
            #[inline(always)]
            fn cast_from(s: Complex<$f>) -> Self { Complex::new(s.re as f64, s.im as f64) }
        }
    )*};
}
complex_casts!(f32, f64);

/// The conversion loop for one pair of dtypes, chosen once by [`converter`]; [`Converter::run`]
/// converts a strided run of elements with no per-element dispatch.
pub struct Converter(Box<dyn Fn(*const u8, isize, *mut u8, isize, usize) + Send + Sync>);

impl Converter {
    /// Converts `n` elements: the i-th is read at `src + i * src_stride` as an element of the
    /// source dtype and written at `dst + i * dst_stride` as one of the destination dtype
    /// (strides in bytes, any sign, no alignment needed).
    ///
    /// # Safety
    /// For every i < n, the source itemsize bytes at `src + i * src_stride` must be readable and
    /// the destination itemsize bytes at `dst + i * dst_stride` writable, and no destination
    /// element may overlap any source element of the call.
    #[inline]
    pub unsafe fn run(
        &self,
        src: *const u8,
        src_stride: isize,
        dst: *mut u8,
        dst_stride: isize,
        n: usize,
    ) {
        (self.0)(src, src_stride, dst, dst_stride, n)
    }
}

/// Converts `n` elements from `src` (stride `ss`) to `dst` (stride `ds`).
///
/// # Safety
/// Every `src + i*ss` must be readable as `S` and every `dst + i*ds` writable as `D`, for i < n.
unsafe fn cast_loop<S: Element, D: Element + CastFrom<S>>(
    src: *const u8,
    ss: isize,
    dst: *mut u8,
    ds: isize,
    n: usize,
    swap_src: bool,
    swap_dst: bool,
) {
    let (mut s, mut d) = (src, dst);
    for _ in 0..n {
        // SAFETY: the caller guarantees the i-th source and destination elements are in bounds.
        unsafe {
            D::cast_from(S::load(s, swap_src)).store(d, swap_dst);
        }
        s = s.wrapping_offset(ss);
        d = d.wrapping_offset(ds);
    }
}

type CastFn = unsafe fn(*const u8, isize, *mut u8, isize, usize, bool, bool);

/// Evaluates `$body` with `$T` naming the Rust element type of the `ScalarKind` `$kind`: the one
/// place where each kind's type is written (`with_element_type!(k, T => size_of::<T>())`).
macro_rules! with_element_type {
    ($kind:expr, $T:ident => $body:expr) => {{
        use $crate::dtype::ScalarKind as Kind;
        match $kind {
            Kind::Bool => {
                type $T = bool;
                $body
            }
            Kind::Int8 => {
                type $T = i8;
                $body
            }
            Kind::Int16 => {
                type $T = i16;
                $body
            }
            Kind::Int32 => {
                type $T = i32;
                $body
            }
            Kind::Int64 => {
                type $T = i64;
                $body
            }
            Kind::UInt8 => {
                type $T = u8;
                $body
            }
            Kind::UInt16 => {
                type $T = u16;
                $body
            }
            Kind::UInt32 => {
                type $T = u32;
                $body
            }
            Kind::UInt64 => {
                type $T = u64;
                $body
            }
            Kind::Float16 => {
                type $T = $crate::element::F16;
                $body
            }
            Kind::Float32 => {
                type $T = f32;
                $body
            }
            Kind::Float64 => {
                type $T = f64;
                $body
            }
            Kind::Complex64 => {
                type $T = num_complex::Complex<f32>;
                $body
            }
            Kind::Complex128 => {
                type $T = num_complex::Complex<f64>;
                $body
            }
        }
    }};
}
pub(crate) use with_element_type;

fn cast_fn(from: ScalarKind, to: ScalarKind) -> CastFn {
    with_element_type!(from, S => with_element_type!(to, D => cast_loop::<S, D> as CastFn))
}

/// Copies `n` elements of `itemsize` bytes between strided locations that do not overlap.
///
/// # Safety
/// Every `src + i*ss` must be readable and every `dst + i*ds` writable for `itemsize` bytes, for
/// i < n, and no source element may overlap a destination element.
pub unsafe fn copy_strided(
    src: *const u8,
    ss: isize,
    dst: *mut u8,
    ds: isize,
    n: usize,
    itemsize: usize,
) {
    if ss == itemsize as isize && ds == ss {
        // SAFETY: both ranges are contiguous, in bounds and disjoint (caller's contract).
        unsafe { std::ptr::copy_nonoverlapping(src, dst, n * itemsize) };
        return;
    }
    macro_rules! typed {
        ($t:ty) => {{
            let (mut s, mut d) = (src, dst);
            for _ in 0..n {
                // SAFETY: element i is in bounds on both sides (caller's contract).
                unsafe {
                    d.cast::<$t>()
                        .write_unaligned(s.cast::<$t>().read_unaligned())
                };
                s = s.wrapping_offset(ss);
                d = d.wrapping_offset(ds);
            }
        }};
    }
    match itemsize {
        1 => typed!(u8),
        2 => typed!(u16),
        4 => typed!(u32),
        8 => typed!(u64),
        16 => typed!(u128),
        _ => {
            let (mut s, mut d) = (src, dst);
            for _ in 0..n {
                // SAFETY: element i is in bounds on both sides and they do not overlap.
                unsafe { std::ptr::copy_nonoverlapping(s, d, itemsize) };
                s = s.wrapping_offset(ss);
                d = d.wrapping_offset(ds);
            }
        }
    }
}

/// Fixed-length text to another length: the first `keep` bytes copied, the rest of the `n_to`
/// zero-filled; with `swap`, each 4-byte character (`U`) is byte-reversed.
fn resize_text(keep: usize, n_to: usize, swap: bool) -> Converter {
    Converter(Box::new(move |s, ss, d, ds, n| {
        let (mut s, mut d) = (s, d);
        for _ in 0..n {
            // `Converter::run`'s contract gives a whole source element at s and a whole destination
            // element at d, not overlapping; keep <= both itemsizes.
            // SAFETY: both ranges below lie inside those elements.
            unsafe {
                std::ptr::copy_nonoverlapping(s, d, keep);
                d.add(keep).write_bytes(0, n_to - keep);
            }
            if swap {
                for c in (0..keep).step_by(4) {
                    let unit = d.wrapping_add(c).cast::<[u8; 4]>();
                    // SAFETY: the 4 bytes at unit are inside the element just written.
                    unsafe {
                        unit.write_unaligned(
                            u32::from_ne_bytes(unit.read_unaligned())
                                .swap_bytes()
                                .to_ne_bytes(),
                        )
                    };
                }
            }
            s = s.wrapping_offset(ss);
            d = d.wrapping_offset(ds);
        }
    }))
}

/// The loop that converts elements of `from` into elements of `to`, or a `Dtype` error
/// when ndmem has no conversion between them. Which conversions are *allowed* is the caller's
/// business (`dtype::can_cast`); this only says how to do one.
pub fn converter(from: &Dtype, to: &Dtype) -> Result<Converter> {
    if from == to {
        let itemsize = from.itemsize();
        // SAFETY: `Converter::run`'s contract is `copy_strided`'s for elements of `itemsize`.
        return Ok(Converter(Box::new(move |s, ss, d, ds, n| unsafe {
            copy_strided(s, ss, d, ds, n, itemsize)
        })));
    }
    match (from.kind(), to.kind()) {
        (DtypeKind::Scalar(f), DtypeKind::Scalar(t)) => {
            let func = cast_fn(*f, *t);
            let (swap_src, swap_dst) = (!from.is_native(), !to.is_native());
            // `Converter::run`'s contract gives n readable elements of kind f and n writable,
            // non-overlapping elements of kind t.
            // SAFETY: exactly what `func` needs.
            Ok(Converter(Box::new(move |s, ss, d, ds, n| unsafe {
                func(s, ss, d, ds, n, swap_src, swap_dst)
            })))
        }
        (DtypeKind::Unicode(n_from), DtypeKind::Unicode(n_to)) => {
            let swap = from.byte_order() != to.byte_order();
            Ok(resize_text(4 * n_from.min(n_to), 4 * n_to, swap))
        }
        (DtypeKind::Bytes(n_from), DtypeKind::Bytes(n_to)) => {
            Ok(resize_text(*n_from.min(n_to), *n_to, false))
        }
        (DtypeKind::Void(a), DtypeKind::Void(b)) if a == b => converter(from, from),
        (DtypeKind::Record(_), _) | (_, DtypeKind::Record(_)) => record_converter(from, to),
        _ => bail!(
            Dtype,
            "ndmem cannot convert elements of dtype '{from}' to dtype '{to}'"
        ),
    }
}

/// One piece of a record conversion: `count` elements converted by `run`, the i-th read at
/// `src_offset + i * src_step` and written at `dst_offset + i * dst_step` inside each item.
struct Part {
    run: Converter,
    src_offset: usize,
    src_step: usize,
    dst_offset: usize,
    dst_step: usize,
    count: usize,
}

/// Conversions involving records, as NumPy 2 does them: record to record field by field in
/// position order (a plain field broadcasts into a subarray field), a one-field record to its
/// field's type, and a number into every field (and subarray element) of a record.
fn record_converter(from: &Dtype, to: &Dtype) -> Result<Converter> {
    let cannot = || {
        crate::error::Error::new(
            crate::error::ErrorKind::Dtype,
            format!(
                "ndmem cannot convert elements of dtype '{}' to dtype '{}'",
                from.repr_name(),
                to.repr_name()
            ),
        )
    };
    let mut parts = Vec::new();
    match (from.as_record(), to.as_record()) {
        (Some(a), Some(b)) if a.fields().len() == b.fields().len() => {
            for (fa, fb) in a.fields().iter().zip(b.fields()) {
                let src_step = match (fa.shape == fb.shape, fa.shape.is_empty()) {
                    (true, _) => fa.dtype.itemsize(),
                    (false, true) => 0,
                    (false, false) => return Err(cannot()),
                };
                parts.push(Part {
                    run: converter(&fa.dtype, &fb.dtype)?,
                    src_offset: fa.offset,
                    src_step,
                    dst_offset: fb.offset,
                    dst_step: fb.dtype.itemsize(),
                    count: fb.count(),
                });
            }
        }
        (Some(a), None) => match a.fields() {
            [f] if f.shape.is_empty() => parts.push(Part {
                run: converter(&f.dtype, to)?,
                src_offset: f.offset,
                src_step: 0,
                dst_offset: 0,
                dst_step: 0,
                count: 1,
            }),
            _ => return Err(cannot()),
        },
        (None, Some(b)) if !matches!(from.kind(), DtypeKind::Void(_)) => {
            for fb in b.fields() {
                parts.push(Part {
                    run: converter(from, &fb.dtype)?,
                    src_offset: 0,
                    src_step: 0,
                    dst_offset: fb.offset,
                    dst_step: fb.dtype.itemsize(),
                    count: fb.count(),
                });
            }
        }
        _ => return Err(cannot()),
    }
    Ok(Converter(Box::new(move |s, ss, d, ds, n| {
        for p in &parts {
            for i in 0..p.count {
                let si = p.src_offset + i * p.src_step;
                let di = p.dst_offset + i * p.dst_step;
                // The part's elements lie inside each source and destination item.
                // SAFETY: `Converter::run`'s guarantee for whole items covers them.
                unsafe { p.run.run(s.wrapping_add(si), ss, d.wrapping_add(di), ds, n) };
            }
        }
    })))
}

/// Element types that `arange` can fill: `v0 + i * delta` in the type's own arithmetic.
trait Affine: Element {
    fn from_f64(v: f64) -> Self;
    fn minus(self, other: Self) -> Self;
    fn step(v0: Self, delta: Self, i: usize) -> Self;
}

macro_rules! affine_int {
    ($($t:ty),*) => {$(
        impl Affine for $t {
            fn from_f64(v: f64) -> Self { v as $t }
            fn minus(self, o: Self) -> Self { self.wrapping_sub(o) }
            fn step(v0: Self, d: Self, i: usize) -> Self { v0.wrapping_add((i as $t).wrapping_mul(d)) }
        }
    )*};
}
affine_int!(i8, i16, i32, i64, u8, u16, u32, u64);
macro_rules! affine_float {
    ($($t:ty),*) => {$(
        impl Affine for $t {
            fn from_f64(v: f64) -> Self { v as $t }
            fn minus(self, o: Self) -> Self { self - o }
            fn step(v0: Self, d: Self, i: usize) -> Self { v0 + (i as $t) * d }
        }
        impl Affine for Complex<$t> {
            fn from_f64(v: f64) -> Self { Complex::new(v as $t, 0.0) }
            fn minus(self, o: Self) -> Self { self - o }
            fn step(v0: Self, d: Self, i: usize) -> Self {
                Complex::new(v0.re + (i as $t) * d.re, v0.im + (i as $t) * d.im)
            }
        }
    )*};
}
affine_float!(f32, f64);
/// NumPy's `HALF_fill`: the delta and each value in binary32, rounded to binary16.
impl Affine for F16 {
    fn from_f64(v: f64) -> Self {
        crate::element::from_f64(v)
    }
    fn minus(self, o: Self) -> Self {
        F16::from_f32(self.to_f32() - o.to_f32())
    }
    fn step(v0: Self, d: Self, i: usize) -> Self {
        F16::from_f32(v0.to_f32() + i as f32 * d.to_f32())
    }
}
impl Affine for bool {
    fn from_f64(v: f64) -> Self {
        v != 0.0
    }
    fn minus(self, _o: Self) -> Self {
        self
    }
    fn step(v0: Self, d: Self, i: usize) -> Self {
        if i == 0 {
            v0
        } else {
            d
        }
    }
}

/// # Safety
/// `dst` must be writable for `n` contiguous native elements of `T`.
unsafe fn fill_affine<T: Affine>(dst: *mut u8, n: usize, start: f64, step: f64) {
    let v0 = T::from_f64(start);
    let v1 = T::from_f64(start + step);
    // bool has no subtraction: its "delta" is simply the second value.
    let delta = if std::any::TypeId::of::<T>() == std::any::TypeId::of::<bool>() {
        v1
    } else {
        v1.minus(v0)
    };
    let size = std::mem::size_of::<T>();
    for i in 0..n {
        let v = match i {
            0 => v0,
            1 => v1,
            _ => T::step(v0, delta, i),
        };
        // SAFETY: element i < n of a contiguous native buffer (caller's contract).
        unsafe { v.store(dst.add(i * size), false) };
    }
}

/// Writes NumPy's `arange(start, start + n*step, step)` values into `n` contiguous native
/// elements of `kind` at `dst`: element 0 is `start`, element 1 is `start + step` (both
/// converted to the type), later ones `v0 + i*(v1 - v0)` in the type's own arithmetic.
///
/// # Safety
/// `dst` must be writable for `n * kind.itemsize()` bytes.
pub unsafe fn arange_fill(kind: ScalarKind, dst: *mut u8, n: usize, start: f64, step: f64) {
    // The macro picks the element type of `kind`.
    // SAFETY: the caller gives `n` writable elements of `kind` at `dst`.
    with_element_type!(kind, T => unsafe { fill_affine::<T>(dst, n, start, step) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(from: &str, to: &str, src: &[u8]) -> Vec<u8> {
        let (f, t): (Dtype, Dtype) = (from.parse().unwrap(), to.parse().unwrap());
        let n = src.len() / f.itemsize();
        let mut out = vec![0u8; n * t.itemsize()];
        let conv = converter(&f, &t).unwrap();
        // SAFETY: n whole source items in src, n destination items in out, separate buffers.
        unsafe {
            conv.run(
                src.as_ptr(),
                f.itemsize() as isize,
                out.as_mut_ptr(),
                t.itemsize() as isize,
                n,
            )
        };
        out
    }

    #[test]
    fn conversions() {
        assert_eq!(convert("<i2", "|i1", &300i16.to_le_bytes()), vec![44]);
        assert_eq!(
            convert(">f4", "<f4", &1.0f32.to_be_bytes()),
            1.0f32.to_le_bytes()
        );
        assert_eq!(convert("<f8", "|b1", &f64::NAN.to_le_bytes()), vec![1]);
        assert_eq!(
            convert("<f8", "<i4", &(-2.7f64).to_le_bytes()),
            (-2i32).to_le_bytes()
        );
        assert_eq!(convert("S3", "S5", b"abc"), b"abc\0\0");
        assert_eq!(convert("S3", "S2", b"abc"), b"ab");
        let c = [3.5f64.to_le_bytes(), 1.0f64.to_le_bytes()].concat();
        assert_eq!(convert("<c16", "<f8", &c), 3.5f64.to_le_bytes());
        assert!(converter(&"<f8".parse().unwrap(), &"S8".parse().unwrap()).is_err());
    }

    #[test]
    fn undefined_float_to_int_like_numpy_on_x86_64() {
        let v = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e30,
            -3e9,
            -70000.5,
            -1.0,
            2f64.powi(64),
            1e19,
        ];
        let u8s: Vec<u8> = v.iter().map(|&x| u8::cast_from(x)).collect();
        assert_eq!(u8s, [0, 0, 0, 0, 0, 144, 255, 0, 0]);
        let i32s: Vec<i32> = v.iter().map(|&x| i32::cast_from(x)).collect();
        assert_eq!(
            i32s[..7],
            [i32::MIN, i32::MIN, i32::MIN, i32::MIN, i32::MIN, -70000, -1]
        );
        let u32s: Vec<u32> = v.iter().map(|&x| u32::cast_from(x)).collect();
        assert_eq!(
            u32s,
            [1 << 31, 0, 1 << 31, 0, 1 << 31, 4294897296, u32::MAX, 0, 0]
        );
        let u64s: Vec<u64> = v.iter().map(|&x| u64::cast_from(x)).collect();
        assert_eq!(
            u64s,
            [
                1 << 63,
                0,
                1 << 63,
                0,
                18446744070709551616,
                18446744073709481616,
                u64::MAX,
                0,
                10000000000000000000
            ]
        );
    }

    #[test]
    fn arange_like_numpy() {
        let mut out = [0f32; 4];
        // SAFETY: out holds 4 f32.
        unsafe { arange_fill(ScalarKind::Float32, out.as_mut_ptr().cast(), 4, 0.1, 0.37) };
        let v0 = 0.1f32;
        let d = (0.1f64 + 0.37) as f32 - v0;
        assert_eq!(out[3], v0 + 3.0 * d);
    }
}
