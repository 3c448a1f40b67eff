//! Universal functions: `ndm_ufunc_binary`, `ndm_ufunc_unary` and reductions (`ndm_reduce`).

use super::args::{self, new_array};
use super::handle::{ndm_array, ndm_dtype};
use super::status::ndm_status;
use crate::bail;
use crate::ufunc::{self, BinaryOp, MathFn, Options, ReduceOp, ReduceOptions, Scalar, UnaryOp};

/// Binary op code: `np.add`.
pub const NDM_ADD: i32 = 0;
/// Binary op code: `np.subtract`.
pub const NDM_SUBTRACT: i32 = 1;
/// Binary op code: `np.multiply`.
pub const NDM_MULTIPLY: i32 = 2;
/// Binary op code: `np.true_divide`.
pub const NDM_TRUE_DIVIDE: i32 = 3;
/// Binary op code: `np.maximum` (NaN-propagating).
pub const NDM_MAXIMUM: i32 = 4;
/// Binary op code: `np.minimum` (NaN-propagating).
pub const NDM_MINIMUM: i32 = 5;
/// Binary op code: `np.equal`.
pub const NDM_EQUAL: i32 = 6;
/// Binary op code: `np.not_equal`.
pub const NDM_NOT_EQUAL: i32 = 7;
/// Binary op code: `np.less`.
pub const NDM_LESS: i32 = 8;
/// Binary op code: `np.less_equal`.
pub const NDM_LESS_EQUAL: i32 = 9;
/// Binary op code: `np.greater`.
pub const NDM_GREATER: i32 = 10;
/// Binary op code: `np.greater_equal`.
pub const NDM_GREATER_EQUAL: i32 = 11;

/// Binary op code: `np.logical_and` (bool result).
pub const NDM_LOGICAL_AND: i32 = 12;
/// Binary op code: `np.logical_or` (bool result).
pub const NDM_LOGICAL_OR: i32 = 13;
/// Binary op code: `np.logical_xor` (bool result).
pub const NDM_LOGICAL_XOR: i32 = 14;
/// Binary op code: `np.bitwise_and` (integers and bool).
pub const NDM_BITWISE_AND: i32 = 15;
/// Binary op code: `np.bitwise_or` (integers and bool).
pub const NDM_BITWISE_OR: i32 = 16;
/// Binary op code: `np.bitwise_xor` (integers and bool).
pub const NDM_BITWISE_XOR: i32 = 17;
/// Binary op code: `np.left_shift` (integers; counts >= the bit width give 0).
pub const NDM_LEFT_SHIFT: i32 = 18;
/// Binary op code: `np.right_shift` (integers; counts >= the bit width give 0 or -1).
pub const NDM_RIGHT_SHIFT: i32 = 19;

/// Binary op code: `np.floor_divide` (integers and floats).
pub const NDM_FLOOR_DIVIDE: i32 = 20;
/// Binary op code: `np.remainder` (integers and floats; the sign of the divisor).
pub const NDM_REMAINDER: i32 = 21;
/// Binary op code: `np.power` (integers: a negative exponent is `NDM_ERR_INVALID_ARG`).
pub const NDM_POWER: i32 = 22;

/// Unary op code: `np.negative` (integers wrap; bool refused).
pub const NDM_NEGATIVE: i32 = 0;
/// Unary op code: `np.positive`.
pub const NDM_POSITIVE: i32 = 1;
/// Unary op code: `np.absolute` (complex gives the matching float).
pub const NDM_ABSOLUTE: i32 = 2;
/// Unary op code: `np.square`.
pub const NDM_SQUARE: i32 = 3;
/// Unary op code: `np.reciprocal`.
pub const NDM_RECIPROCAL: i32 = 4;
/// Unary op code: `np.conjugate`.
pub const NDM_CONJUGATE: i32 = 5;
/// Unary op code: `np.floor`.
pub const NDM_FLOOR: i32 = 6;
/// Unary op code: `np.ceil`.
pub const NDM_CEIL: i32 = 7;
/// Unary op code: `np.invert` (integers and bool).
pub const NDM_INVERT: i32 = 8;
/// Unary op code: `np.logical_not` (bool result).
pub const NDM_LOGICAL_NOT: i32 = 9;
/// Unary op code: `np.isnan` (bool result).
pub const NDM_ISNAN: i32 = 10;
/// Unary op code: `np.isinf` (bool result).
pub const NDM_ISINF: i32 = 11;
/// Unary op code: `np.isfinite` (bool result).
pub const NDM_ISFINITE: i32 = 12;
/// Unary op code: `np.sqrt` (integers and bool go to float16/32/64 by size, as NumPy's loops).
pub const NDM_SQRT: i32 = 13;
/// Unary op code: `np.exp`.
pub const NDM_EXP: i32 = 14;
/// Unary op code: `np.expm1`.
pub const NDM_EXPM1: i32 = 15;
/// Unary op code: `np.log`.
pub const NDM_LOG: i32 = 16;
/// Unary op code: `np.log1p`.
pub const NDM_LOG1P: i32 = 17;
/// Unary op code: `np.sin` (float64: vectorised, below 1 ULP).
pub const NDM_SIN: i32 = 18;
/// Unary op code: `np.cos` (float64: vectorised, below 1 ULP).
pub const NDM_COS: i32 = 19;
/// Unary op code: `np.tan`.
pub const NDM_TAN: i32 = 20;
/// Unary op code: `np.rint` (round half to even).
pub const NDM_RINT: i32 = 21;

/// Optional ufunc arguments; pass NULL for NumPy's defaults (casting same_kind, no dtype,
/// no mask).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ndm_ufunc_opts {
    /// `NDM_CASTING_*` for inputs and output (NumPy's default: `NDM_CASTING_SAME_KIND`).
    pub casting: i32,
    /// `dtype=`: the loop dtype, or NULL to resolve it from the inputs.
    pub dtype: *const ndm_dtype,
    /// `where=`: a bool array broadcast to the output, or NULL; unselected elements of `out`
    /// keep their values (and are uninitialised in an allocated result, as in NumPy).
    pub where_mask: *const ndm_array,
}

/// `op(a, b, out=out)`: element-wise with broadcasting, NumPy 2's type resolution and casting
/// rules, and results as if the inputs had been copied first even when `out` overlaps them.
/// `out` may be NULL (a new K-ordered array is allocated); it is never broadcast. `*result`
/// gets a new handle to the result (`out` itself when given); `result` may be NULL when `out` is
/// given (nothing to return: the cheapest call, no handle is made). Errors: `NDM_ERR_CASTING`
/// (with NumPy's message), `NDM_ERR_SHAPE` (broadcasting), `NDM_ERR_READONLY` (read-only out,
/// as everywhere a write is refused). Small same-dtype contiguous calls with `out` take an allocation-free path.
#[no_mangle]
pub unsafe extern "C" fn ndm_ufunc_binary(
    op: i32,
    a: *const ndm_array,
    b: *const ndm_array,
    out: *const ndm_array,
    opts: *const ndm_ufunc_opts,
    result: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        let result = optional_result(result, out)?;
        let Some(&op) = usize::try_from(op).ok().and_then(|i| BinaryOp::ALL.get(i)) else {
            bail!(InvalidArg, "op code {op} is not one of the binary NDM_* op codes (0..=22)");
        };
        let (a, b) = (args::array(a, "a")?, args::array(b, "b")?);
        let out = if out.is_null() { None } else { Some(args::array(out, "out")?) };
        if let (None, true, Some(o)) = (&result, opts.is_null(), out) {
            // No handle to return and default options: try the path that touches no reference
            // count and allocates nothing.
            if ufunc::try_same_layout(op, a, b, o) {
                return Ok(());
            }
        }
        let r = ufunc::binary(op, a, b, out, &options(opts)?)?;
        deliver(result, r);
        Ok(())
    }
}

/// The result out-pointer: required unless `out` is given.
fn optional_result<'a>(
    result: *mut *mut ndm_array,
    out: *const ndm_array,
) -> crate::error::Result<Option<&'a mut *mut ndm_array>> {
    if result.is_null() && !out.is_null() {
        return Ok(None);
    }
    args::out(result, "result").map(Some)
}

/// The vector instruction set the kernels use: "baseline", "avx2" or "avx512" for memory-bound
/// loops, then "/" and the level for compute-bound ones (sin, cos, exp), e.g. "avx2/avx512".
/// Chosen once per process from the CPU; `NDMEM_SIMD=baseline|avx2|avx512` lowers or raises
/// it (never above what the CPU has). Static string.
#[no_mangle]
pub extern "C" fn ndm_simd_level() -> *const std::ffi::c_char {
    use crate::ufunc::simd::{compute_level, level};
    static TEXT: std::sync::OnceLock<std::ffi::CString> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let text = format!("{}/{}", level().name(), compute_level().name());
        std::ffi::CString::new(text).expect("level names have no NUL")
    })
    .as_ptr()
}

/// Sets how many threads large element-wise loops use: `n` in 1..=1024, or 0 for the default
/// (`NDMEM_NUM_THREADS` when set, else the CPUs available to the process). Only contiguous runs
/// whose output is at least 4 MiB are split, in pieces of at least 2 MiB, and results never
/// depend on the count; 1 means ndmem never starts a thread. Threads are started per call and
/// joined before it returns. The setting is process-wide.
#[no_mangle]
pub extern "C" fn ndm_set_num_threads(n: i64) -> ndm_status {
    super::status::run(|| {
        if !(0..=1024).contains(&n) {
            bail!(
                InvalidArg,
                "num_threads must be in 0..=1024 (0 restores the default), got {n}"
            );
        }
        ufunc::set_num_threads(n as usize);
        Ok(())
    })
}

/// The number of threads large element-wise loops use now (at least 1).
#[no_mangle]
pub extern "C" fn ndm_get_num_threads() -> i64 {
    ufunc::num_threads() as i64
}

/// Scalar kind code for `ndm_scalar`: a Python `bool` (`value.b`).
pub const NDM_SCALAR_BOOL: i32 = 0;
/// Scalar kind code: a Python `int` that fits int64 (`value.i`).
pub const NDM_SCALAR_INT: i32 = 1;
/// Scalar kind code: a Python `int` in 2^63 .. 2^64-1 (`value.u`).
pub const NDM_SCALAR_UINT: i32 = 2;
/// Scalar kind code: a Python `float` (`value.f`).
pub const NDM_SCALAR_FLOAT: i32 = 3;
/// Scalar kind code: a Python `complex` (`value.f` real part, `imag` imaginary part).
pub const NDM_SCALAR_COMPLEX: i32 = 4;

/// A "weak" scalar operand (NumPy 2's rules for Python scalars, NEP 50): it takes the other
/// operand's dtype when its kind allows, so `int8 + 3` stays int8 and `int8 + 300` is
/// `NDM_ERR_OVERFLOW`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ndm_scalar {
    /// `NDM_SCALAR_*`.
    pub kind: i32,
    /// Bool and integer kinds: the value (`NDM_SCALAR_BOOL`: 0 or 1; `NDM_SCALAR_UINT`: the
    /// uint64 bit pattern).
    pub i: i64,
    /// `NDM_SCALAR_FLOAT` / `NDM_SCALAR_COMPLEX`: the (real) value.
    pub f: f64,
    /// `NDM_SCALAR_COMPLEX`: the imaginary part.
    pub imag: f64,
}

/// `op(a, s)`, or `op(s, a)` when `scalar_first`, with `s` a weak Python-style scalar (see
/// `ndm_scalar`): NumPy 2 semantics for `a + 1`, `a *= 2.5`, `1 - a`. Other arguments and
/// errors as `ndm_ufunc_binary`; an integer that `a`'s integer dtype cannot hold is
/// `NDM_ERR_OVERFLOW` ("Python integer 300 out of bounds for int8") except in comparisons.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ndm_ufunc_scalar(
    op: i32,
    a: *const ndm_array,
    s: *const ndm_scalar,
    scalar_first: bool,
    out: *const ndm_array,
    opts: *const ndm_ufunc_opts,
    result: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        let result = optional_result(result, out)?;
        let Some(&op) = usize::try_from(op).ok().and_then(|i| BinaryOp::ALL.get(i)) else {
            bail!(InvalidArg, "op code {op} is not one of the binary NDM_* op codes (0..=22)");
        };
        let a = args::array(a, "a")?;
        if s.is_null() {
            bail!(NullArg, "argument 's' is NULL");
        }
        // SAFETY: non-NULL; the caller guarantees it points to an ndm_scalar.
        let s = unsafe { *s };
        let value = match s.kind {
            NDM_SCALAR_BOOL => Scalar::Bool(s.i != 0),
            NDM_SCALAR_INT => Scalar::Int(s.i.into()),
            NDM_SCALAR_UINT => Scalar::Int((s.i as u64).into()),
            NDM_SCALAR_FLOAT => Scalar::Float(s.f),
            NDM_SCALAR_COMPLEX => Scalar::Complex(s.f, s.imag),
            k => bail!(InvalidArg, "scalar kind {k} is not one of the NDM_SCALAR_* codes (0..=4)"),
        };
        let out = if out.is_null() { None } else { Some(args::array(out, "out")?) };
        let r = ufunc::binary_scalar(op, a, value, scalar_first, out, &options(opts)?)?;
        deliver(result, r);
        Ok(())
    }
}

/// Hands `r` to the caller when a result pointer was given.
fn deliver(result: Option<&mut *mut ndm_array>, r: crate::ffi::args::ArrayRef) {
    if let Some(result) = result {
        *result = new_array(r);
    }
}

/// Decodes the optional arguments (NULL: NumPy's defaults).
fn options(opts: *const ndm_ufunc_opts) -> crate::error::Result<Options> {
    let mut options = Options::default();
    if !opts.is_null() {
        // SAFETY: the caller guarantees a non-NULL `opts` points to an ndm_ufunc_opts.
        let o = unsafe { *opts };
        options.casting = args::casting(o.casting)?;
        if !o.dtype.is_null() {
            options.dtype = Some(args::dtype(o.dtype, "opts.dtype")?.clone());
        }
        if !o.where_mask.is_null() {
            options.mask = Some(args::array(o.where_mask, "opts.where_mask")?.clone());
        }
    }
    Ok(options)
}

/// `op(a, out=out)` for a unary operation (`NDM_NEGATIVE` .. `NDM_RINT`), with the same
/// conventions as `ndm_ufunc_binary`.
#[no_mangle]
pub unsafe extern "C" fn ndm_ufunc_unary(
    op: i32,
    a: *const ndm_array,
    out: *const ndm_array,
    opts: *const ndm_ufunc_opts,
    result: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        let result = optional_result(result, out)?;
        let Some(&op) = usize::try_from(op).ok().and_then(|i| UnaryOp::ALL.get(i)) else {
            bail!(InvalidArg, "op code {op} is not one of the unary NDM_* op codes (0..=21)");
        };
        let a = args::array(a, "a")?;
        let out = if out.is_null() { None } else { Some(args::array(out, "out")?) };
        let r = ufunc::unary(op, a, out, &options(opts)?)?;
        deliver(result, r);
        Ok(())
    }
}

/// Reduction-only op code for `ndm_reduce`: `np.mean` (the sum divided by the count, in
/// float64 for integer and bool inputs, binary32 for float16 ones with a float16 result).
pub const NDM_MEAN: i32 = 64;

/// `op.reduce(a, axis=axes, out=out, keepdims=keepdims, dtype=, where=)` for `op` one of
/// `NDM_ADD` (np.sum), `NDM_MULTIPLY` (np.prod), `NDM_MAXIMUM` (np.max), `NDM_MINIMUM` (np.min),
/// `NDM_LOGICAL_AND` (np.all), `NDM_LOGICAL_OR` (np.any) or `NDM_MEAN` (np.mean).
///
/// `naxes == NDM_ALL_AXES` reduces every axis (`axis=None`; `axes` may then be NULL); otherwise
/// the `naxes` axes listed (negative ones count from the end; `naxes == 0` reduces nothing, also
/// with `axes == NULL`). The accumulation dtype is
/// `opts->dtype` or NumPy's default (sum/prod widen bool and small integers to int64/uint64;
/// all/any give bool). Inputs and result are cast with casting 'unsafe' (NumPy's reductions do;
/// `opts->casting` is ignored). `opts->where_mask` selects elements (not allowed for
/// maximum/minimum, which have no identity). Floats are summed pairwise in NumPy's order, so
/// results equal NumPy's to the bit for the same input. `*result` gets a new handle to the result
/// (`out` when given; a 0-d array for a full reduction); `result` may be NULL when `out` is
/// given. Errors: `NDM_ERR_AXIS`, `NDM_ERR_INVALID_ARG` (duplicate axis, wrong `out` shape, empty
/// max/min), `NDM_ERR_READONLY` (read-only out).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ndm_reduce(
    op: i32,
    a: *const ndm_array,
    axes: *const i64,
    naxes: i32,
    keepdims: bool,
    out: *const ndm_array,
    opts: *const ndm_ufunc_opts,
    result: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        let result = optional_result(result, out)?;
        let op = match op {
            NDM_ADD => ReduceOp::Add,
            NDM_MULTIPLY => ReduceOp::Multiply,
            NDM_MAXIMUM => ReduceOp::Maximum,
            NDM_MINIMUM => ReduceOp::Minimum,
            NDM_LOGICAL_AND => ReduceOp::LogicalAnd,
            NDM_LOGICAL_OR => ReduceOp::LogicalOr,
            NDM_MEAN => ReduceOp::Mean,
            _ => bail!(
                InvalidArg,
                "op code {op} cannot reduce (NDM_ADD, NDM_MULTIPLY, NDM_MAXIMUM, NDM_MINIMUM, NDM_LOGICAL_AND, NDM_LOGICAL_OR or NDM_MEAN)"
            ),
        };
        let a = args::array(a, "a")?;
        let axes = args::axes(axes, naxes, "axes")?;
        let out = if out.is_null() { None } else { Some(args::array(out, "out")?) };
        let o = options(opts)?;
        let ropts = ReduceOptions { axes: axes.map(<[i64]>::to_vec), keepdims, dtype: o.dtype, mask: o.mask };
        deliver(result, ufunc::reduce(op, a, out, &ropts)?);
        Ok(())
    }
}

// Each op code decodes (by indexing `ALL`) to the operation it is named after: a misordered
// `ALL` or constant does not compile. Every entry of `ALL` has a code.
macro_rules! decodes {
    ($all:expr, $($code:ident => $op:pat),* $(,)?) => {
        const _: () = {
            $(assert!(($code as usize) < $all.len() && matches!($all[$code as usize], $op));)*
            assert!([$($code),*].len() == $all.len());
        };
    };
}
decodes!(
    BinaryOp::ALL,
    NDM_ADD => BinaryOp::Add,
    NDM_SUBTRACT => BinaryOp::Subtract,
    NDM_MULTIPLY => BinaryOp::Multiply,
    NDM_TRUE_DIVIDE => BinaryOp::TrueDivide,
    NDM_MAXIMUM => BinaryOp::Maximum,
    NDM_MINIMUM => BinaryOp::Minimum,
    NDM_EQUAL => BinaryOp::Equal,
    NDM_NOT_EQUAL => BinaryOp::NotEqual,
    NDM_LESS => BinaryOp::Less,
    NDM_LESS_EQUAL => BinaryOp::LessEqual,
    NDM_GREATER => BinaryOp::Greater,
    NDM_GREATER_EQUAL => BinaryOp::GreaterEqual,
    NDM_LOGICAL_AND => BinaryOp::LogicalAnd,
    NDM_LOGICAL_OR => BinaryOp::LogicalOr,
    NDM_LOGICAL_XOR => BinaryOp::LogicalXor,
    NDM_BITWISE_AND => BinaryOp::BitwiseAnd,
    NDM_BITWISE_OR => BinaryOp::BitwiseOr,
    NDM_BITWISE_XOR => BinaryOp::BitwiseXor,
    NDM_LEFT_SHIFT => BinaryOp::LeftShift,
    NDM_RIGHT_SHIFT => BinaryOp::RightShift,
    NDM_FLOOR_DIVIDE => BinaryOp::FloorDivide,
    NDM_REMAINDER => BinaryOp::Remainder,
    NDM_POWER => BinaryOp::Power,
);
decodes!(
    UnaryOp::ALL,
    NDM_NEGATIVE => UnaryOp::Negative,
    NDM_POSITIVE => UnaryOp::Positive,
    NDM_ABSOLUTE => UnaryOp::Absolute,
    NDM_SQUARE => UnaryOp::Square,
    NDM_RECIPROCAL => UnaryOp::Reciprocal,
    NDM_CONJUGATE => UnaryOp::Conjugate,
    NDM_FLOOR => UnaryOp::Floor,
    NDM_CEIL => UnaryOp::Ceil,
    NDM_INVERT => UnaryOp::Invert,
    NDM_LOGICAL_NOT => UnaryOp::LogicalNot,
    NDM_ISNAN => UnaryOp::IsNan,
    NDM_ISINF => UnaryOp::IsInf,
    NDM_ISFINITE => UnaryOp::IsFinite,
    NDM_SQRT => UnaryOp::Math(MathFn::Sqrt),
    NDM_EXP => UnaryOp::Math(MathFn::Exp),
    NDM_EXPM1 => UnaryOp::Math(MathFn::Expm1),
    NDM_LOG => UnaryOp::Math(MathFn::Log),
    NDM_LOG1P => UnaryOp::Math(MathFn::Log1p),
    NDM_SIN => UnaryOp::Math(MathFn::Sin),
    NDM_COS => UnaryOp::Math(MathFn::Cos),
    NDM_TAN => UnaryOp::Math(MathFn::Tan),
    NDM_RINT => UnaryOp::Math(MathFn::Rint),
);
