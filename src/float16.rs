//! IEEE binary16, NumPy's float16: the element type and a correctly rounded conversion from
//! binary64.

use crate::cast::Element;

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
        // SAFETY: forwarded contract.
        F16::from_bits(unsafe { u16::load(p, swap) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut u8, swap: bool) {
        // SAFETY: forwarded contract.
        unsafe { self.to_bits().store(p, swap) }
    }
}
