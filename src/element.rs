//! Elements in memory: the [`Element`] types kernels load and store at any byte address, in
//! either byte order (integers, floats, complex, bool, and IEEE binary16 as [`F16`] with a
//! correctly rounded conversion from binary64).

use num_complex::Complex;

/// One element type that kernels can load and store at any byte address.
pub trait Element: Copy + 'static {
    /// Reads one element at `p`, reversing its bytes first when `swap`.
    ///
    /// # Safety
    /// `p` must be valid for reads of `size_of::<Self>()` bytes (no alignment needed).
    unsafe fn load(p: *const u8, swap: bool) -> Self;
    /// Writes one element at `p`, byte-reversed when `swap`.
    ///
    /// # Safety
    /// `p` must be valid for writes of `size_of::<Self>()` bytes (no alignment needed).
    unsafe fn store(self, p: *mut u8, swap: bool);
}

macro_rules! int_element {
    ($($t:ty),*) => {$(
        impl Element for $t {
            #[inline(always)]
            unsafe fn load(p: *const u8, swap: bool) -> Self {
                // SAFETY: the caller guarantees `p` is readable for this many bytes.
                let v = unsafe { p.cast::<$t>().read_unaligned() };
                if swap { v.swap_bytes() } else { v }
            }
            #[inline(always)]
            unsafe fn store(self, p: *mut u8, swap: bool) {
                let v = if swap { self.swap_bytes() } else { self };
                // SAFETY: the caller guarantees `p` is writable for this many bytes.
                unsafe { p.cast::<$t>().write_unaligned(v) }
            }
        }
    )*};
}
int_element!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float_element {
    ($($t:ty => $bits:ty),*) => {$(
        impl Element for $t {
            #[inline(always)]
            unsafe fn load(p: *const u8, swap: bool) -> Self {
                // SAFETY: the caller gives size_of::<$t>() readable bytes at p, the size of $bits.
                <$t>::from_bits(unsafe { <$bits>::load(p, swap) })
            }
            #[inline(always)]
            unsafe fn store(self, p: *mut u8, swap: bool) {
                // SAFETY: the caller gives size_of::<$t>() writable bytes at p, the size of $bits.
                unsafe { self.to_bits().store(p, swap) }
            }
        }
        impl Element for Complex<$t> {
            #[inline(always)]
            unsafe fn load(p: *const u8, swap: bool) -> Self {
                const W: usize = std::mem::size_of::<$t>();
                // SAFETY: a complex element is two components of W bytes each.
                unsafe { Complex::new(<$t>::load(p, swap), <$t>::load(p.add(W), swap)) }
            }
            #[inline(always)]
            unsafe fn store(self, p: *mut u8, swap: bool) {
                const W: usize = std::mem::size_of::<$t>();
                // SAFETY: a complex element is two components of W bytes each.
                unsafe {
                    self.re.store(p, swap);
                    self.im.store(p.add(W), swap);
                }
            }
        }
    )*};
}
float_element!(f32 => u32, f64 => u64);

impl Element for bool {
    #[inline(always)]
    unsafe fn load(p: *const u8, _swap: bool) -> Self {
        // SAFETY: one readable byte; any non-zero byte reads as true.
        unsafe { p.read() != 0 }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut u8, _swap: bool) {
        // SAFETY: one writable byte.
        unsafe { p.write(self as u8) }
    }
}

/// NumPy's float16 (`half::f16`; conversions from binary32 are correctly rounded, as NumPy's
/// `npy_float_to_half`; from binary64 use [`from_f64`]).
pub type F16 = half::f16;

/// `v` rounded to the nearest binary16, ties to even, as NumPy's `npy_double_to_half`.
///
/// `half::f16::from_f64` is not used: it drops the low 32 bits of the mantissa before rounding, so
/// a value just above a tie rounds down (`sqrt(4.73828125)` gave 2.1758 instead of 2.1777). Here
/// `v` is first rounded to binary32 *to odd* (an inexact result keeps an odd last bit), which
/// preserves every rounding decision binary16 needs, since binary32 has more than 11 + 2 bits.
#[inline]
pub fn from_f64(v: f64) -> F16 {
    let f = v as f32;
    if !v.is_finite() || f as f64 == v {
        return F16::from_f32(f);
    }
    // The binary32 neighbour of v toward zero (f itself, or one step back when f rounded away
    // from zero), with its last bit set.
    let toward_zero = if (f as f64).abs() > v.abs() {
        f.to_bits() - 1
    } else {
        f.to_bits()
    };
    F16::from_f32(f32::from_bits(toward_zero | 1))
}

impl Element for F16 {
    #[inline(always)]
    unsafe fn load(p: *const u8, swap: bool) -> Self {
        // SAFETY: the caller guarantees 2 readable bytes at p, the size of u16.
        F16::from_bits(unsafe { u16::load(p, swap) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut u8, swap: bool) {
        // SAFETY: the caller guarantees 2 writable bytes at p, the size of u16.
        unsafe { self.to_bits().store(p, swap) }
    }
}
