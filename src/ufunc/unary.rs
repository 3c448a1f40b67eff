//! Unary ufuncs whose results keep the input's kind: negative, positive, absolute, square,
//! reciprocal, conjugate, floor, ceil, invert, logical_not, isnan, isinf, isfinite.
//! Type resolution follows NumPy 2's loops (bool goes to int8 where NumPy has no bool loop;
//! complex absolute gives the matching float). Kernels share the binary loop signature and
//! ignore their second operand.

use super::kernels::{each, BinaryKernel};
use super::math::MathFn;
use super::resolve::LoopDtypes;
use crate::bail;
use crate::dtype::{Dtype, ScalarKind};
use crate::element::{Element, F16};
use crate::error::Result;
use crate::transfer::CastFrom;
use num_complex::Complex;

/// The unary operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `np.negative` (integers wrap)
    Negative,
    /// `np.positive`
    Positive,
    /// `np.absolute` (complex → magnitude by `hypot`)
    Absolute,
    /// `np.square`
    Square,
    /// `np.reciprocal` (integers: `1.0 / x` converted back, as NumPy's C loop)
    Reciprocal,
    /// `np.conjugate`
    Conjugate,
    /// `np.floor` (integers unchanged)
    Floor,
    /// `np.ceil` (integers unchanged)
    Ceil,
    /// `np.invert` (bitwise not; logical not for bool)
    Invert,
    /// `np.logical_not` (bool result)
    LogicalNot,
    /// `np.isnan` (bool result)
    IsNan,
    /// `np.isinf` (bool result)
    IsInf,
    /// `np.isfinite` (bool result)
    IsFinite,
    /// A floating-point function (sqrt, exp, expm1, log, log1p, sin, cos, tan, rint).
    Math(MathFn),
}

impl UnaryOp {
    /// Every unary operation, in the order of their C codes.
    pub const ALL: [UnaryOp; 22] = [
        UnaryOp::Negative,
        UnaryOp::Positive,
        UnaryOp::Absolute,
        UnaryOp::Square,
        UnaryOp::Reciprocal,
        UnaryOp::Conjugate,
        UnaryOp::Floor,
        UnaryOp::Ceil,
        UnaryOp::Invert,
        UnaryOp::LogicalNot,
        UnaryOp::IsNan,
        UnaryOp::IsInf,
        UnaryOp::IsFinite,
        UnaryOp::Math(MathFn::Sqrt),
        UnaryOp::Math(MathFn::Exp),
        UnaryOp::Math(MathFn::Expm1),
        UnaryOp::Math(MathFn::Log),
        UnaryOp::Math(MathFn::Log1p),
        UnaryOp::Math(MathFn::Sin),
        UnaryOp::Math(MathFn::Cos),
        UnaryOp::Math(MathFn::Tan),
        UnaryOp::Math(MathFn::Rint),
    ];

    /// NumPy's ufunc name.
    pub fn name(self) -> &'static str {
        match self {
            UnaryOp::Negative => "negative",
            UnaryOp::Positive => "positive",
            UnaryOp::Absolute => "absolute",
            UnaryOp::Square => "square",
            UnaryOp::Reciprocal => "reciprocal",
            UnaryOp::Conjugate => "conjugate",
            UnaryOp::Floor => "floor",
            UnaryOp::Ceil => "ceil",
            UnaryOp::Invert => "invert",
            UnaryOp::LogicalNot => "logical_not",
            UnaryOp::IsNan => "isnan",
            UnaryOp::IsInf => "isinf",
            UnaryOp::IsFinite => "isfinite",
            UnaryOp::Math(f) => match f {
                MathFn::Sqrt => "sqrt",
                MathFn::Exp => "exp",
                MathFn::Expm1 => "expm1",
                MathFn::Log => "log",
                MathFn::Log1p => "log1p",
                MathFn::Sin => "sin",
                MathFn::Cos => "cos",
                MathFn::Tan => "tan",
                MathFn::Rint => "rint",
            },
        }
    }
}

/// The loop for `op` on an input of dtype `a` (or with `dtype=` forced).
pub fn resolve(op: UnaryOp, a: &Dtype, forced: Option<&Dtype>) -> Result<LoopDtypes> {
    let Some(kind) = forced.unwrap_or(a).scalar_kind() else {
        bail!(
            Dtype,
            "ufunc '{}' did not contain a loop with signature matching types ({}) -> None",
            op.name(),
            a.repr_name()
        );
    };
    let kc = kind.kind_char();
    let unsupported = || {
        crate::error::Error::new(
            crate::error::ErrorKind::Casting,
            format!(
                "ufunc '{}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''",
                op.name()
            ),
        )
    };
    let input = match (op, kind) {
        (UnaryOp::Negative, ScalarKind::Bool) => bail!(
            Casting,
            "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead."
        ),
        (UnaryOp::Positive, ScalarKind::Bool) => bail!(
            Casting,
            "ufunc 'positive' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None"
        ),
        (UnaryOp::Square | UnaryOp::Reciprocal | UnaryOp::Conjugate, ScalarKind::Bool) => ScalarKind::Int8,
        (UnaryOp::Invert, _) if kc == 'f' || kc == 'c' => return Err(unsupported()),
        (UnaryOp::Floor | UnaryOp::Ceil, _) if kc == 'c' => return Err(unsupported()),
        // NumPy's float loops e, f, d, F, D: the smallest that holds the input safely.
        (UnaryOp::Math(_), k) if kc != 'f' && kc != 'c' => match k.itemsize() {
            1 => ScalarKind::Float16,
            2 => ScalarKind::Float32,
            _ => ScalarKind::Float64,
        },
        _ => kind,
    };
    let output = match (op, input) {
        (UnaryOp::LogicalNot | UnaryOp::IsNan | UnaryOp::IsInf | UnaryOp::IsFinite, _) => {
            ScalarKind::Bool
        }
        (UnaryOp::Absolute, ScalarKind::Complex64) => ScalarKind::Float32,
        (UnaryOp::Absolute, ScalarKind::Complex128) => ScalarKind::Float64,
        (_, k) => k,
    };
    Ok(LoopDtypes {
        input: Dtype::scalar(input),
        input_b: Dtype::scalar(input),
        output: Dtype::scalar(output),
    })
}

/// Element operations for the unary loops.
trait UnaryArith: Element + Default {
    fn neg(self) -> Self;
    fn abs(self) -> Self;
    fn square(self) -> Self;
    fn recip(self) -> Self;
    fn conj(self) -> Self {
        self
    }
    fn floor(self) -> Self {
        self
    }
    fn ceil(self) -> Self {
        self
    }
    fn invert(self) -> Self {
        unreachable!("invert resolves to integers and bool")
    }
    fn truthy(self) -> bool;
    fn is_nan(self) -> bool {
        false
    }
    fn is_inf(self) -> bool {
        false
    }
}

macro_rules! int_unary {
    ($($t:ty),*) => {$(
        impl UnaryArith for $t {
            #[inline(always)]
            fn neg(self) -> Self { self.wrapping_neg() }
            #[allow(unused_comparisons)]
            #[inline(always)]
            fn abs(self) -> Self { if self < 0 { self.wrapping_neg() } else { self } }
            #[inline(always)]
            fn square(self) -> Self { self.wrapping_mul(self) }
            // NumPy's integer reciprocal is `1.0 / x` in double, converted back like C does.
            #[inline(always)]
            fn recip(self) -> Self { <$t as CastFrom<f64>>::cast_from(1.0 / self as f64) }
            #[inline(always)]
            fn invert(self) -> Self { !self }
            #[inline(always)]
            fn truthy(self) -> bool { self != 0 }
        }
    )*};
}
int_unary!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float_unary {
    ($($t:ty),*) => {$(
        impl UnaryArith for $t {
            #[inline(always)]
            fn neg(self) -> Self { -self }
            #[inline(always)]
            fn abs(self) -> Self { self.abs() }
            #[inline(always)]
            fn square(self) -> Self { self * self }
            #[inline(always)]
            fn recip(self) -> Self { 1.0 / self }
            #[inline(always)]
            fn floor(self) -> Self { self.floor() }
            #[inline(always)]
            fn ceil(self) -> Self { self.ceil() }
            #[inline(always)]
            fn truthy(self) -> bool { self != 0.0 }
            #[inline(always)]
            fn is_nan(self) -> bool { self.is_nan() }
            #[inline(always)]
            fn is_inf(self) -> bool { self.is_infinite() }
        }
        impl UnaryArith for Complex<$t> {
            #[inline(always)]
            fn neg(self) -> Self { -self }
            #[inline(always)]
            fn abs(self) -> Self { unreachable!("complex absolute has a float output") }
            #[inline(always)]
            fn square(self) -> Self { self * self }
            fn recip(self) -> Self {
                // NumPy's complex reciprocal (a Smith-style division of 1 by z).
                let (re, im) = (self.re, self.im);
                if im.abs() <= re.abs() {
                    let r = im / re;
                    let d = re + im * r;
                    Complex::new(1.0 / d, -r / d)
                } else {
                    let r = re / im;
                    let d = re * r + im;
                    Complex::new(r / d, -1.0 / d)
                }
            }
            #[inline(always)]
            fn conj(self) -> Self { Complex::new(self.re, -self.im) }
            #[inline(always)]
            fn truthy(self) -> bool { self.re != 0.0 || self.im != 0.0 }
            #[inline(always)]
            fn is_nan(self) -> bool { self.re.is_nan() || self.im.is_nan() }
            #[inline(always)]
            fn is_inf(self) -> bool { self.re.is_infinite() || self.im.is_infinite() }
        }
    )*};
}
float_unary!(f32, f64);

/// NumPy's float16 loops: sign operations on the bits, the rest in binary32 and rounded.
impl UnaryArith for F16 {
    fn neg(self) -> Self {
        -self
    }
    fn abs(self) -> Self {
        F16::from_bits(self.to_bits() & 0x7fff)
    }
    fn square(self) -> Self {
        F16::from_f32(self.to_f32() * self.to_f32())
    }
    fn recip(self) -> Self {
        F16::from_f32(1.0 / self.to_f32())
    }
    fn floor(self) -> Self {
        F16::from_f32(self.to_f32().floor())
    }
    fn ceil(self) -> Self {
        F16::from_f32(self.to_f32().ceil())
    }
    fn truthy(self) -> bool {
        self.to_f32() != 0.0
    }
    fn is_nan(self) -> bool {
        self.is_nan()
    }
    fn is_inf(self) -> bool {
        self.is_infinite()
    }
}

impl UnaryArith for bool {
    fn neg(self) -> Self {
        unreachable!("refused by resolution")
    }
    fn abs(self) -> Self {
        self
    }
    fn square(self) -> Self {
        unreachable!("bool square resolves to int8")
    }
    fn recip(self) -> Self {
        unreachable!("bool reciprocal resolves to int8")
    }
    fn invert(self) -> Self {
        !self
    }
    fn truthy(self) -> bool {
        self
    }
}

macro_rules! unary_loops {
    ($($name:ident: |$x:ident| $body:expr => $out:ty;)*) => {$(
        /// # Safety
        /// As [`BinaryKernel`]; the second operand is not read.
        unsafe fn $name<T: UnaryArith>(a: *const u8, sa: isize, _b: *const u8, _sb: isize, out: *mut u8, so: isize, n: usize) {
            // `a` is passed again as the unread second operand.
            // SAFETY: the caller gives n readable T at a and n writable outputs at out.
            unsafe { each::<T, $out>(a, sa, a, sa, out, so, n, |$x: T, _| $body) }
        }
    )*};
}
unary_loops! {
    neg_loop: |x| x.neg() => T;
    pos_loop: |x| x => T;
    abs_loop: |x| x.abs() => T;
    square_loop: |x| x.square() => T;
    recip_loop: |x| x.recip() => T;
    conj_loop: |x| x.conj() => T;
    floor_loop: |x| x.floor() => T;
    ceil_loop: |x| x.ceil() => T;
    invert_loop: |x| x.invert() => T;
    not_loop: |x| !x.truthy() => bool;
    isnan_loop: |x| x.is_nan() => bool;
    isinf_loop: |x| x.is_inf() => bool;
    isfinite_loop: |x| !x.is_nan() && !x.is_inf() => bool;
}

/// # Safety
/// As [`BinaryKernel`]: complex magnitudes as NumPy computes them (see [`Magnitude`]).
unsafe fn cabs_loop<F: Magnitude>(
    a: *const u8,
    sa: isize,
    _b: *const u8,
    _sb: isize,
    out: *mut u8,
    so: isize,
    n: usize,
) where
    Complex<F>: Element + Default,
{
    // `a` is passed again as the unread second operand.
    // SAFETY: the caller gives n complex at a and n writable reals at out.
    unsafe { each::<Complex<F>, F>(a, sa, a, sa, out, so, n, |z, _| F::magnitude(z.re, z.im)) }
}

/// NumPy's complex absolute value: `max * sqrt(fma(r, r, 1))` with `r = min / max` (not libm's
/// `hypot`, which differs in the last bit now and then); infinities win over NaN, 0 stays 0.
trait Magnitude: Element + Default {
    fn magnitude(re: Self, im: Self) -> Self;
}
macro_rules! magnitude {
    ($($t:ty),*) => {$(
        impl Magnitude for $t {
            fn magnitude(re: Self, im: Self) -> Self {
                let (re, im) = (re.abs(), im.abs());
                if re.is_infinite() || im.is_infinite() {
                    return <$t>::INFINITY;
                }
                if re.is_nan() || im.is_nan() {
                    return <$t>::NAN;
                }
                let (big, small) = if re > im { (re, im) } else { (im, re) };
                if big == 0.0 {
                    return 0.0;
                }
                let r = small / big;
                r.mul_add(r, 1.0).sqrt() * big
            }
        }
    )*};
}
magnitude!(f32, f64);

fn for_type<T: UnaryArith>(op: UnaryOp) -> BinaryKernel {
    match op {
        UnaryOp::Negative => neg_loop::<T>,
        UnaryOp::Positive => pos_loop::<T>,
        UnaryOp::Absolute => abs_loop::<T>,
        UnaryOp::Square => square_loop::<T>,
        UnaryOp::Reciprocal => recip_loop::<T>,
        UnaryOp::Conjugate => conj_loop::<T>,
        UnaryOp::Floor => floor_loop::<T>,
        UnaryOp::Ceil => ceil_loop::<T>,
        UnaryOp::Invert => invert_loop::<T>,
        UnaryOp::LogicalNot => not_loop::<T>,
        UnaryOp::IsNan => isnan_loop::<T>,
        UnaryOp::IsInf => isinf_loop::<T>,
        UnaryOp::IsFinite => isfinite_loop::<T>,
        UnaryOp::Math(_) => unreachable!("math functions have their own loops"),
    }
}

/// The inner loop of a resolved unary call.
pub fn kernel(op: UnaryOp, lp: &LoopDtypes) -> BinaryKernel {
    match (op, lp.input.scalar_kind().expect("numeric loop")) {
        (UnaryOp::Math(f), k) => super::math::kernel(f, k),
        (UnaryOp::Absolute, ScalarKind::Complex64) => cabs_loop::<f32>,
        (UnaryOp::Absolute, ScalarKind::Complex128) => cabs_loop::<f64>,
        (_, ScalarKind::Bool) => for_type::<bool>(op),
        (_, ScalarKind::Int8) => for_type::<i8>(op),
        (_, ScalarKind::Int16) => for_type::<i16>(op),
        (_, ScalarKind::Int32) => for_type::<i32>(op),
        (_, ScalarKind::Int64) => for_type::<i64>(op),
        (_, ScalarKind::UInt8) => for_type::<u8>(op),
        (_, ScalarKind::UInt16) => for_type::<u16>(op),
        (_, ScalarKind::UInt32) => for_type::<u32>(op),
        (_, ScalarKind::UInt64) => for_type::<u64>(op),
        (_, ScalarKind::Float16) => for_type::<F16>(op),
        (_, ScalarKind::Float32) => for_type::<f32>(op),
        (_, ScalarKind::Float64) => for_type::<f64>(op),
        (_, ScalarKind::Complex64) => for_type::<Complex<f32>>(op),
        (_, ScalarKind::Complex128) => for_type::<Complex<f64>>(op),
    }
}
