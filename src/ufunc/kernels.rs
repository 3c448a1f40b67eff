//! Element-wise binary kernels on native, contiguous-or-strided data: one inner loop per
//! (operation, type), chosen once per call, so no per-element dispatch. Integer arithmetic
//! wraps (as NumPy's C loops); float maximum/minimum propagate NaN; complex division is
//! NumPy's (Smith's method) so that results match to the bit.

use super::{ops::BinaryOp, simd};
use crate::dtype::ScalarKind;
use crate::element::{Element, F16};
use crate::transfer::with_element_type;
use num_complex::Complex;

/// Arithmetic and ordering as NumPy's loops define them for one element type.
pub(super) trait Arith: Element + Default {
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn div(self, o: Self) -> Self;
    fn max_nan(self, o: Self) -> Self;
    fn min_nan(self, o: Self) -> Self;
    fn eq(self, o: Self) -> bool;
    fn lt(self, o: Self) -> bool;
    fn le(self, o: Self) -> bool;
    /// Non-zero (NaN counts as true; complex: either part non-zero).
    fn truthy(self) -> bool;
    /// `floor_divide` and `remainder` (integers and floats only).
    fn divmod_op(self, _o: Self, _op: BinaryOp) -> Self {
        unreachable!("type resolution sends only integers and floats here")
    }
    /// `np.power`: integers by binary exponentiation with wrapping (negative exponents are
    /// refused before the loop runs), floats by the C library's `pow`, complex as NumPy's.
    fn pow(self, o: Self) -> Self;
    /// Bitwise operations and shifts: integers (and bool for the bitwise ones) only.
    fn bits(self, _o: Self, _op: BinaryOp) -> Self {
        unreachable!("type resolution sends only integers here")
    }
}

macro_rules! int_arith {
    ($($t:ty),*) => {$(
        impl Arith for $t {
            #[inline(always)]
            fn add(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)]
            fn sub(self, o: Self) -> Self { self.wrapping_sub(o) }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self.wrapping_mul(o) }
            #[inline(always)]
            fn div(self, _o: Self) -> Self { unreachable!("true_divide resolves to floats") }
            #[inline(always)]
            fn max_nan(self, o: Self) -> Self { if self > o { self } else { o } }
            #[inline(always)]
            fn min_nan(self, o: Self) -> Self { if self < o { self } else { o } }
            #[inline(always)]
            fn eq(self, o: Self) -> bool { self == o }
            #[inline(always)]
            fn lt(self, o: Self) -> bool { self < o }
            #[inline(always)]
            fn le(self, o: Self) -> bool { self <= o }
            #[inline(always)]
            fn truthy(self) -> bool { self != 0 }
            #[allow(unused_comparisons)]
            fn divmod_op(self, o: Self, op: BinaryOp) -> Self {
                if o == 0 {
                    return 0; // NumPy: 0 and a divide-by-zero warning
                }
                if op == BinaryOp::FloorDivide {
                    // MIN / -1 wraps to MIN, as NumPy returns.
                    let r = self.wrapping_div(o);
                    if (self > 0) != (o > 0) && r.wrapping_mul(o) != self { r.wrapping_sub(1) } else { r }
                } else {
                    let rem = self.wrapping_rem(o);
                    if (self > 0) == (o > 0) || rem == 0 { rem } else { rem.wrapping_add(o) }
                }
            }
            #[allow(unused_comparisons)]
            fn pow(self, o: Self) -> Self {
                if o <= 0 {
                    return 1; // negative exponents were refused before the loop
                }
                let (mut base, mut e) = (self, o);
                let mut out: Self = if e & 1 == 1 { base } else { 1 };
                e >>= 1;
                while e > 0 {
                    base = base.wrapping_mul(base);
                    if e & 1 == 1 {
                        out = out.wrapping_mul(base);
                    }
                    e >>= 1;
                }
                out
            }
            fn bits(self, o: Self, op: BinaryOp) -> Self {
                const BITS: u64 = <$t>::BITS as u64;
                // NumPy compares the count as unsigned: negative counts are "too large".
                let count = o as i64 as u64;
                match op {
                    BinaryOp::BitwiseAnd => self & o,
                    BinaryOp::BitwiseOr => self | o,
                    BinaryOp::BitwiseXor => self ^ o,
                    BinaryOp::LeftShift if count < BITS => self << count,
                    BinaryOp::LeftShift => 0,
                    BinaryOp::RightShift if count < BITS => self >> count,
                    #[allow(unused_comparisons)]
                    BinaryOp::RightShift => if self < 0 { !0 } else { 0 },
                    _ => unreachable!("not a bitwise operation"),
                }
            }
        }
    )*};
}
int_arith!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float_arith {
    ($($t:ty),*) => {$(
        impl Arith for $t {
            #[inline(always)]
            fn add(self, o: Self) -> Self { self + o }
            #[inline(always)]
            fn sub(self, o: Self) -> Self { self - o }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self * o }
            #[inline(always)]
            fn div(self, o: Self) -> Self { self / o }
            // NumPy: `in1 > in2 || isnan(in1) ? in1 : in2` (so equal values give in2).
            #[inline(always)]
            fn max_nan(self, o: Self) -> Self { if self > o || self.is_nan() { self } else { o } }
            #[inline(always)]
            fn min_nan(self, o: Self) -> Self { if self < o || self.is_nan() { self } else { o } }
            #[allow(clippy::float_cmp)]
            #[inline(always)]
            fn eq(self, o: Self) -> bool { self == o }
            #[inline(always)]
            fn lt(self, o: Self) -> bool { self < o }
            #[inline(always)]
            fn le(self, o: Self) -> bool { self <= o }
            #[inline(always)]
            fn pow(self, o: Self) -> Self { self.powf(o) }
            #[inline(always)]
            fn truthy(self) -> bool { self != 0.0 }
            fn divmod_op(self, o: Self, op: BinaryOp) -> Self {
                // NumPy's npy_floor_divide / npy_remainder (npymath's npy_divmod).
                let (a, b) = (self, o);
                if b == 0.0 {
                    return if op == BinaryOp::FloorDivide { a / b } else { a % b };
                }
                let mut m = a % b;
                let mut div = (a - m) / b;
                if m != 0.0 {
                    if (b < 0.0) != (m < 0.0) {
                        m += b;
                        div -= 1.0;
                    }
                } else {
                    m = (0.0 as $t).copysign(b);
                }
                if op == BinaryOp::Remainder {
                    return m;
                }
                if div != 0.0 {
                    let mut f = div.floor();
                    if div - f > 0.5 {
                        f += 1.0;
                    }
                    f
                } else {
                    (0.0 as $t).copysign(a / b)
                }
            }
        }
        impl Arith for Complex<$t> {
            #[inline(always)]
            fn add(self, o: Self) -> Self { self + o }
            #[inline(always)]
            fn sub(self, o: Self) -> Self { self - o }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self * o }
            #[inline]
            fn div(self, o: Self) -> Self {
                // NumPy's complex division (Smith's method, with its zero-divisor branch).
                let (ar, ai, br, bi) = (self.re, self.im, o.re, o.im);
                let (abs_r, abs_i) = (br.abs(), bi.abs());
                if abs_r >= abs_i {
                    if abs_r == 0.0 && abs_i == 0.0 {
                        Complex::new(ar / abs_r, ai / abs_i)
                    } else {
                        let rat = bi / br;
                        let scl = 1.0 / (br + bi * rat);
                        Complex::new((ar + ai * rat) * scl, (ai - ar * rat) * scl)
                    }
                } else {
                    let rat = br / bi;
                    let scl = 1.0 / (bi + br * rat);
                    Complex::new((ar * rat + ai) * scl, (ai * rat - ar) * scl)
                }
            }
            #[inline]
            fn max_nan(self, o: Self) -> Self {
                if self.re.is_nan() || self.im.is_nan() || o.le(self) { self } else { o }
            }
            #[inline]
            fn min_nan(self, o: Self) -> Self {
                if self.re.is_nan() || self.im.is_nan() || self.le(o) { self } else { o }
            }
            #[allow(clippy::float_cmp)]
            #[inline(always)]
            fn eq(self, o: Self) -> bool { self.re == o.re && self.im == o.im }
            // NumPy's lexicographic order: real parts first, NaN never orders.
            #[allow(clippy::float_cmp)]
            #[inline]
            fn lt(self, o: Self) -> bool {
                (self.re < o.re && !self.im.is_nan() && !o.im.is_nan())
                    || (self.re == o.re && self.im < o.im)
            }
            #[allow(clippy::float_cmp)]
            #[inline]
            fn le(self, o: Self) -> bool {
                (self.re < o.re && !self.im.is_nan() && !o.im.is_nan())
                    || (self.re == o.re && self.im <= o.im)
            }
            fn pow(self, o: Self) -> Self {
                // NumPy's nc_pow: small integral real exponents by repeated multiplication,
                // everything else by the C library's cpow (exp(b log a)).
                let (one, zero) = (<$t>::from(1u8), <$t>::from(0u8));
                if o.re == zero && o.im == zero {
                    return Complex::new(one, zero);
                }
                if self.re == zero && self.im == zero {
                    return if o.re > zero {
                        Complex::new(zero, zero)
                    } else {
                        Complex::new(<$t>::NAN, <$t>::NAN)
                    };
                }
                let n = o.re as i64;
                if o.im == zero && o.re == n as $t && n > -100 && n < 100 {
                    let (mut acc, mut base, mut e) = (Complex::new(one, zero), self, n.unsigned_abs());
                    while e > 0 {
                        if e & 1 == 1 {
                            acc *= base;
                        }
                        base = base * base;
                        e >>= 1;
                    }
                    return if n < 0 { Complex::new(one, zero).div(acc) } else { acc };
                }
                let wide = |z: Complex<$t>| Complex::new(z.re as f64, z.im as f64);
                let r = super::libm::cpow(wide(self), wide(o));
                Complex::new(r.re as $t, r.im as $t)
            }
            #[inline(always)]
            fn truthy(self) -> bool { self.re != 0.0 || self.im != 0.0 }
        }
    )*};
}
float_arith!(f32, f64);

/// NumPy's float16 loops: each operation in binary32, rounded back (exact for + - * /).
impl Arith for F16 {
    #[inline]
    fn add(self, o: Self) -> Self {
        F16::from_f32(self.to_f32() + o.to_f32())
    }
    #[inline]
    fn sub(self, o: Self) -> Self {
        F16::from_f32(self.to_f32() - o.to_f32())
    }
    #[inline]
    fn mul(self, o: Self) -> Self {
        F16::from_f32(self.to_f32() * o.to_f32())
    }
    #[inline]
    fn div(self, o: Self) -> Self {
        F16::from_f32(self.to_f32() / o.to_f32())
    }
    // NumPy's half maximum/minimum use >= / <= (so equal values give the first operand).
    #[inline]
    fn max_nan(self, o: Self) -> Self {
        if self.to_f32() >= o.to_f32() || self.is_nan() {
            self
        } else {
            o
        }
    }
    #[inline]
    fn min_nan(self, o: Self) -> Self {
        if self.to_f32() <= o.to_f32() || self.is_nan() {
            self
        } else {
            o
        }
    }
    #[inline]
    fn eq(self, o: Self) -> bool {
        self.to_f32() == o.to_f32()
    }
    #[inline]
    fn lt(self, o: Self) -> bool {
        self.to_f32() < o.to_f32()
    }
    #[inline]
    fn le(self, o: Self) -> bool {
        self.to_f32() <= o.to_f32()
    }
    #[inline]
    fn truthy(self) -> bool {
        self.to_f32() != 0.0
    }
    fn divmod_op(self, o: Self, op: BinaryOp) -> Self {
        F16::from_f32(self.to_f32().divmod_op(o.to_f32(), op))
    }
    fn pow(self, o: Self) -> Self {
        F16::from_f32(self.to_f32().powf(o.to_f32()))
    }
}

impl Arith for bool {
    #[inline]
    fn add(self, o: Self) -> Self {
        self | o
    }
    #[inline]
    fn sub(self, o: Self) -> Self {
        self ^ o
    }
    #[inline]
    fn mul(self, o: Self) -> Self {
        self & o
    }
    #[inline]
    fn div(self, _o: Self) -> Self {
        unreachable!("true_divide resolves to floats")
    }
    #[inline]
    fn max_nan(self, o: Self) -> Self {
        self | o
    }
    #[inline]
    fn min_nan(self, o: Self) -> Self {
        self & o
    }
    #[inline]
    fn eq(self, o: Self) -> bool {
        self == o
    }
    #[allow(clippy::bool_comparison)]
    #[inline]
    fn lt(self, o: Self) -> bool {
        self < o
    }
    #[allow(clippy::bool_comparison)]
    #[inline]
    fn le(self, o: Self) -> bool {
        self <= o
    }
    #[inline]
    fn truthy(self) -> bool {
        self
    }
    fn pow(self, _o: Self) -> Self {
        unreachable!("bool power resolves to int8")
    }
    fn bits(self, o: Self, op: BinaryOp) -> Self {
        match op {
            BinaryOp::BitwiseAnd => self & o,
            BinaryOp::BitwiseOr => self | o,
            BinaryOp::BitwiseXor => self ^ o,
            _ => unreachable!("shifts on bool resolve to int8"),
        }
    }
}

/// One inner loop: `out[i] = a[i] op b[i]` for `n` elements, strides in bytes.
pub type BinaryKernel = unsafe fn(*const u8, isize, *const u8, isize, *mut u8, isize, usize);

/// # Safety
/// Every `a + i*sa`, `b + i*sb` must be readable as `T` and `out + i*so` writable as `R`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn each<T: Element + Default, R: Element + Default>(
    a: *const u8,
    sa: isize,
    b: *const u8,
    sb: isize,
    out: *mut u8,
    so: isize,
    n: usize,
    f: impl Fn(T, T) -> R + Sync,
) {
    let (ts, rs) = (size_of::<T>() as isize, size_of::<R>() as isize);
    if so == rs && (sa == ts || sa == 0) && (sb == ts || sb == 0) {
        // SAFETY: the same elements as the strided loop below, in blocks.
        unsafe {
            match (sa != 0, sb != 0) {
                (true, true) => simd::contiguous::<T, R, true, true>(a, b, out, n, f),
                (true, false) => simd::contiguous::<T, R, true, false>(a, b, out, n, f),
                (false, true) => simd::contiguous::<T, R, false, true>(a, b, out, n, f),
                (false, false) => simd::contiguous::<T, R, false, false>(a, b, out, n, f),
            }
        }
        return;
    }
    let (mut pa, mut pb, mut po) = (a, b, out);
    for _ in 0..n {
        // SAFETY: the caller guarantees element i is in bounds for every operand.
        unsafe { f(T::load(pa, false), T::load(pb, false)).store(po, false) };
        pa = pa.wrapping_offset(sa);
        pb = pb.wrapping_offset(sb);
        po = po.wrapping_offset(so);
    }
}

/// Defines one strided inner loop per entry: `name -> Out = |x, y| body;` (`Out` is `T` or
/// `bool`), each a monomorphisable [`BinaryKernel`] over an [`Arith`] type `T`.
macro_rules! loops {
    ($($name:ident -> $out:ident = |$x:ident, $y:ident| $body:expr;)*) => {$(
        /// # Safety
        /// As [`BinaryKernel`].
        unsafe fn $name<T: Arith>(
            a: *const u8,
            sa: isize,
            b: *const u8,
            sb: isize,
            out: *mut u8,
            so: isize,
            n: usize,
        ) {
            // SAFETY: the caller gives `BinaryKernel`'s contract: n in-bounds elements each.
            unsafe { each::<T, $out>(a, sa, b, sb, out, so, n, |$x: T, $y: T| $body) }
        }
    )*};
}
loops! {
    add_loop -> T = |x, y| x.add(y);
    sub_loop -> T = |x, y| x.sub(y);
    mul_loop -> T = |x, y| x.mul(y);
    div_loop -> T = |x, y| x.div(y);
    max_loop -> T = |x, y| x.max_nan(y);
    min_loop -> T = |x, y| x.min_nan(y);
    eq_loop -> bool = |x, y| x.eq(y);
    ne_loop -> bool = |x, y| !x.eq(y);
    lt_loop -> bool = |x, y| x.lt(y);
    le_loop -> bool = |x, y| x.le(y);
    gt_loop -> bool = |x, y| y.lt(x);
    ge_loop -> bool = |x, y| y.le(x);
    and_loop -> bool = |x, y| x.truthy() && y.truthy();
    or_loop -> bool = |x, y| x.truthy() || y.truthy();
    xor_loop -> bool = |x, y| x.truthy() != y.truthy();
    band_loop -> T = |x, y| x.bits(y, BinaryOp::BitwiseAnd);
    bor_loop -> T = |x, y| x.bits(y, BinaryOp::BitwiseOr);
    bxor_loop -> T = |x, y| x.bits(y, BinaryOp::BitwiseXor);
    shl_loop -> T = |x, y| x.bits(y, BinaryOp::LeftShift);
    shr_loop -> T = |x, y| x.bits(y, BinaryOp::RightShift);
    floordiv_loop -> T = |x, y| x.divmod_op(y, BinaryOp::FloorDivide);
    rem_loop -> T = |x, y| x.divmod_op(y, BinaryOp::Remainder);
    pow_loop -> T = |x, y| x.pow(y);
}

fn for_type<T: Arith>(op: BinaryOp) -> BinaryKernel {
    match op {
        BinaryOp::Add => add_loop::<T>,
        BinaryOp::Subtract => sub_loop::<T>,
        BinaryOp::Multiply => mul_loop::<T>,
        BinaryOp::TrueDivide => div_loop::<T>,
        BinaryOp::Maximum => max_loop::<T>,
        BinaryOp::Minimum => min_loop::<T>,
        BinaryOp::Equal => eq_loop::<T>,
        BinaryOp::NotEqual => ne_loop::<T>,
        BinaryOp::Less => lt_loop::<T>,
        BinaryOp::LessEqual => le_loop::<T>,
        BinaryOp::Greater => gt_loop::<T>,
        BinaryOp::GreaterEqual => ge_loop::<T>,
        BinaryOp::LogicalAnd => and_loop::<T>,
        BinaryOp::LogicalOr => or_loop::<T>,
        BinaryOp::LogicalXor => xor_loop::<T>,
        BinaryOp::BitwiseAnd => band_loop::<T>,
        BinaryOp::BitwiseOr => bor_loop::<T>,
        BinaryOp::BitwiseXor => bxor_loop::<T>,
        BinaryOp::LeftShift => shl_loop::<T>,
        BinaryOp::RightShift => shr_loop::<T>,
        BinaryOp::FloorDivide => floordiv_loop::<T>,
        BinaryOp::Remainder => rem_loop::<T>,
        BinaryOp::Power => pow_loop::<T>,
    }
}

/// # Safety
/// As [`BinaryKernel`], with `A` elements in the first operand and `B` in the second.
#[allow(clippy::too_many_arguments)]
unsafe fn compare_mixed<A: Element + Into<i128>, B: Element + Into<i128>>(
    op: BinaryOp,
    a: *const u8,
    sa: isize,
    b: *const u8,
    sb: isize,
    out: *mut u8,
    so: isize,
    n: usize,
) {
    let (mut pa, mut pb, mut po) = (a, b, out);
    for _ in 0..n {
        // SAFETY: the caller guarantees element i is in bounds for every operand.
        let (ea, eb) = unsafe { (A::load(pa, false), B::load(pb, false)) };
        let (x, y): (i128, i128) = (ea.into(), eb.into());
        let r = match op {
            BinaryOp::Equal => x == y,
            BinaryOp::NotEqual => x != y,
            BinaryOp::Less => x < y,
            BinaryOp::LessEqual => x <= y,
            BinaryOp::Greater => x > y,
            _ => x >= y,
        };
        // SAFETY: the caller guarantees element i of the bool output is writable.
        unsafe { r.store(po, false) };
        pa = pa.wrapping_offset(sa);
        pb = pb.wrapping_offset(sb);
        po = po.wrapping_offset(so);
    }
}

macro_rules! mixed_loops {
    ($($name:ident: $op:expr;)*) => {$(
        /// # Safety
        /// As [`BinaryKernel`]: int64 against uint64, in either operand order.
        unsafe fn $name<A: Element + Into<i128>, B: Element + Into<i128>>(a: *const u8, sa: isize, b: *const u8, sb: isize, out: *mut u8, so: isize, n: usize) {
            // SAFETY: the caller gives n A at a, n B at b, n bools at out: `compare_mixed`'s.
            unsafe { compare_mixed::<A, B>($op, a, sa, b, sb, out, so, n) }
        }
    )*};
}
mixed_loops! {
    mixed_eq: BinaryOp::Equal;
    mixed_ne: BinaryOp::NotEqual;
    mixed_lt: BinaryOp::Less;
    mixed_le: BinaryOp::LessEqual;
    mixed_gt: BinaryOp::Greater;
    mixed_ge: BinaryOp::GreaterEqual;
}

/// The exact comparison loop of int64 with uint64 (`first` is the first operand's kind).
pub fn mixed_int_compare(op: BinaryOp, first: ScalarKind) -> BinaryKernel {
    macro_rules! pick {
        ($a:ty, $b:ty) => {
            match op {
                BinaryOp::Equal => mixed_eq::<$a, $b>,
                BinaryOp::NotEqual => mixed_ne::<$a, $b>,
                BinaryOp::Less => mixed_lt::<$a, $b>,
                BinaryOp::LessEqual => mixed_le::<$a, $b>,
                BinaryOp::Greater => mixed_gt::<$a, $b>,
                _ => mixed_ge::<$a, $b>,
            }
        };
    }
    if first == ScalarKind::Int64 {
        pick!(i64, u64)
    } else {
        pick!(u64, i64)
    }
}

/// The inner loop of `op` for native elements of `kind`.
pub fn binary_loop(op: BinaryOp, kind: ScalarKind) -> BinaryKernel {
    with_element_type!(kind, T => for_type::<T>(op))
}
