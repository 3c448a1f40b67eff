"""Universal functions with NumPy's names: add, subtract, multiply, true_divide (divide),
maximum, minimum and the comparisons, with out=, where=, casting=, dtype=."""
import builtins
import ctypes

from . import _ffi
from ._base import ArrayBase, new_array
from ._codes import casting_code
from ._create import asarray
from ._dtype import dtype
from ._lib import int64, lib, new_handle, numpy



_SCALARS = (bool, int, float, complex)


def _scalar(value, array):
    """An ndm_scalar for a Python bool/int/float/complex next to `array` (NumPy 2's weak
    scalars, NEP 50). A Python int beyond int64 and uint64 becomes a float next to a floating
    or complex array (OverflowError if it exceeds the float range), as NumPy converts it to
    the array's dtype; next to any other array it is NumPy's OverflowError."""
    if isinstance(value, int) and not isinstance(value, builtins.bool) \
            and not -2**63 <= value < 2**64 and array.dtype.kind in "fc":
        value = float(value)
    s = _ffi.ndm_scalar()
    if isinstance(value, builtins.bool):
        s.kind, s.i = _ffi.NDM_SCALAR_BOOL, int(value)
    elif isinstance(value, int):
        if -2**63 <= value < 2**63:
            s.kind, s.i = _ffi.NDM_SCALAR_INT, value
        elif 2**63 <= value < 2**64:
            s.kind, s.i = _ffi.NDM_SCALAR_UINT, value - 2**64
        else:
            raise OverflowError(f"Python int too large to convert to C long: {value}")
    elif isinstance(value, float):
        s.kind, s.f = _ffi.NDM_SCALAR_FLOAT, value
    else:
        s.kind, s.f, s.imag = _ffi.NDM_SCALAR_COMPLEX, value.real, value.imag
    return s


def check_out(out):
    """NumPy's out= argument: an Array, a 1-tuple holding one, or None."""
    if isinstance(out, tuple):
        (out,) = out
    if out is not None and not isinstance(out, ArrayBase):
        raise TypeError("return arrays must be of ArrayType")
    return out


def options(casting, dtype_, where):
    """An ndm_ufunc_opts and the handles it points to (keep them alive across the call)."""
    opts = _ffi.ndm_ufunc_opts()
    opts.casting = casting_code(casting)
    keep = []
    if dtype_ is not None:
        keep.append(dtype(dtype_))
        opts.dtype = keep[-1]._h
    if where is not True:
        keep.append(where if isinstance(where, ArrayBase) else asarray(numpy.asarray(where, dtype=bool)))
        opts.where_mask = keep[-1]._h
    return opts, keep


def _call(function, code, inputs, out, where, casting, dtype_, extra=()):
    """Run `function` (lib.ndm_ufunc_binary, _scalar or _unary) on the input arrays with
    NumPy's keyword semantics."""
    out = check_out(out)
    opts, keep = options(casting, dtype_, where)  # noqa: F841 - keep lives across the call
    h = new_handle(function, code, *[x._h for x in inputs], *extra,
                   None if out is None else out._h, ctypes.byref(opts))
    result = new_array(h)
    return out if out is not None else result


# A comparison of an integer array with a Python int beyond every integer dtype has one
# answer for every element (NumPy 2; bool arrays raise): `x < 2**70` is `x <= 2**64 - 1`,
# `x == 2**70` is `x > 2**64 - 1`, and below -2**63 likewise. _ABOVE and _BELOW give the
# comparison to make against the extreme representable value instead.
_MIRROR = {_ffi.NDM_LESS: _ffi.NDM_GREATER, _ffi.NDM_LESS_EQUAL: _ffi.NDM_GREATER_EQUAL,
           _ffi.NDM_GREATER: _ffi.NDM_LESS, _ffi.NDM_GREATER_EQUAL: _ffi.NDM_LESS_EQUAL}
_ABOVE = {_ffi.NDM_LESS: _ffi.NDM_LESS_EQUAL, _ffi.NDM_LESS_EQUAL: _ffi.NDM_LESS_EQUAL,
          _ffi.NDM_GREATER: _ffi.NDM_GREATER, _ffi.NDM_GREATER_EQUAL: _ffi.NDM_GREATER,
          _ffi.NDM_EQUAL: _ffi.NDM_GREATER, _ffi.NDM_NOT_EQUAL: _ffi.NDM_LESS_EQUAL}
_BELOW = {_ffi.NDM_LESS: _ffi.NDM_LESS, _ffi.NDM_LESS_EQUAL: _ffi.NDM_LESS,
          _ffi.NDM_GREATER: _ffi.NDM_GREATER_EQUAL, _ffi.NDM_GREATER_EQUAL: _ffi.NDM_GREATER_EQUAL,
          _ffi.NDM_EQUAL: _ffi.NDM_LESS, _ffi.NDM_NOT_EQUAL: _ffi.NDM_GREATER_EQUAL}


def _comparison_beyond(code, value, scalar_left):
    """(code, value) for comparing with an out-of-range Python int (see _ABOVE)."""
    if scalar_left:  # `v < x` is `x > v`
        code = _MIRROR.get(code, code)
    if value >= 2**64:
        return _ABOVE[code], 2**64 - 1
    return _BELOW[code], -2**63


def _named(ufunc, name, args):
    ufunc.__name__ = ufunc.__qualname__ = name
    ufunc.__doc__ = (f"NumPy's `{name}({args}, out=None, *, where=True, casting='same_kind', "
                     f"dtype=None)` on ndmem arrays.")
    return ufunc


def _binary(code, name):
    def ufunc(a, b, out=None, *, where=True, casting="same_kind", dtype=None):
        a_scalar, b_scalar = isinstance(a, _SCALARS), isinstance(b, _SCALARS)
        if a_scalar != b_scalar:  # one Python scalar next to an array: the C scalar form
            array = asarray(b if a_scalar else a)
            value = a if a_scalar else b
            op = code
            if code in _ABOVE and type(value) is int and not -2**63 <= value < 2**64 \
                    and array.dtype.kind in "iu":
                op, value = _comparison_beyond(code, value, a_scalar)
                a_scalar = False
            s = _scalar(value, array)
            return _call(lib.ndm_ufunc_scalar, op, (array,), out, where, casting, dtype,
                         extra=(ctypes.byref(s), a_scalar))
        return _call(lib.ndm_ufunc_binary, code, (asarray(a), asarray(b)), out, where, casting, dtype)

    return _named(ufunc, name, "a, b")


def _unary(code, name):
    def ufunc(a, out=None, *, where=True, casting="same_kind", dtype=None):
        return _call(lib.ndm_ufunc_unary, code, (asarray(a),), out, where, casting, dtype)

    return _named(ufunc, name, "a")


negative = _unary(_ffi.NDM_NEGATIVE, "negative")
positive = _unary(_ffi.NDM_POSITIVE, "positive")
absolute = _unary(_ffi.NDM_ABSOLUTE, "absolute")
square = _unary(_ffi.NDM_SQUARE, "square")
reciprocal = _unary(_ffi.NDM_RECIPROCAL, "reciprocal")
conjugate = conj = _unary(_ffi.NDM_CONJUGATE, "conjugate")
floor = _unary(_ffi.NDM_FLOOR, "floor")
ceil = _unary(_ffi.NDM_CEIL, "ceil")
invert = bitwise_not = _unary(_ffi.NDM_INVERT, "invert")
logical_not = _unary(_ffi.NDM_LOGICAL_NOT, "logical_not")
isnan = _unary(_ffi.NDM_ISNAN, "isnan")
isinf = _unary(_ffi.NDM_ISINF, "isinf")
isfinite = _unary(_ffi.NDM_ISFINITE, "isfinite")
sqrt = _unary(_ffi.NDM_SQRT, "sqrt")
exp = _unary(_ffi.NDM_EXP, "exp")
expm1 = _unary(_ffi.NDM_EXPM1, "expm1")
log = _unary(_ffi.NDM_LOG, "log")
log1p = _unary(_ffi.NDM_LOG1P, "log1p")
sin = _unary(_ffi.NDM_SIN, "sin")
cos = _unary(_ffi.NDM_COS, "cos")
tan = _unary(_ffi.NDM_TAN, "tan")
rint = _unary(_ffi.NDM_RINT, "rint")

add = _binary(_ffi.NDM_ADD, "add")
subtract = _binary(_ffi.NDM_SUBTRACT, "subtract")
multiply = _binary(_ffi.NDM_MULTIPLY, "multiply")
true_divide = divide = _binary(_ffi.NDM_TRUE_DIVIDE, "true_divide")
maximum = _binary(_ffi.NDM_MAXIMUM, "maximum")
minimum = _binary(_ffi.NDM_MINIMUM, "minimum")
equal = _binary(_ffi.NDM_EQUAL, "equal")
not_equal = _binary(_ffi.NDM_NOT_EQUAL, "not_equal")
less = _binary(_ffi.NDM_LESS, "less")
less_equal = _binary(_ffi.NDM_LESS_EQUAL, "less_equal")
greater = _binary(_ffi.NDM_GREATER, "greater")
greater_equal = _binary(_ffi.NDM_GREATER_EQUAL, "greater_equal")
logical_and = _binary(_ffi.NDM_LOGICAL_AND, "logical_and")
logical_or = _binary(_ffi.NDM_LOGICAL_OR, "logical_or")
logical_xor = _binary(_ffi.NDM_LOGICAL_XOR, "logical_xor")
bitwise_and = _binary(_ffi.NDM_BITWISE_AND, "bitwise_and")
bitwise_or = _binary(_ffi.NDM_BITWISE_OR, "bitwise_or")
bitwise_xor = _binary(_ffi.NDM_BITWISE_XOR, "bitwise_xor")
left_shift = _binary(_ffi.NDM_LEFT_SHIFT, "left_shift")
right_shift = _binary(_ffi.NDM_RIGHT_SHIFT, "right_shift")
floor_divide = _binary(_ffi.NDM_FLOOR_DIVIDE, "floor_divide")
remainder = mod = _binary(_ffi.NDM_REMAINDER, "remainder")
power = _binary(_ffi.NDM_POWER, "power")


def operators(ufunc):
    """`Array`'s three operators for a binary ufunc: `a op b`, `b op a` (reflected) and
    `a op= b` (in place: writes through `a`, which NumPy's overlap rules make safe)."""
    def forward(self, other):
        return ufunc(self, other)

    def reflected(self, other):
        return ufunc(other, self)

    def in_place(self, other):
        return ufunc(self, other, out=self)

    return forward, reflected, in_place


def method(ufunc):
    """`ufunc` as an `Array` method: a unary operator (`-a`) or a comparison (`a < b`)."""
    def method(self, *other):
        return ufunc(self, *other)

    return method


def set_num_threads(n):
    """How many threads large element-wise loops use (contiguous outputs of 4 MiB or more):
    1..1024, or 0 for the default (NDMEM_NUM_THREADS, else the CPUs available). Results never
    depend on it; 1 means ndmem starts no thread. Process-wide. Returns the previous count."""
    n = int64(n, ValueError, "num_threads must be in 0..=1024")
    previous = get_num_threads()
    lib.ndm_set_num_threads(n)
    return previous


def get_num_threads():
    """The number of threads large element-wise loops use now."""
    return lib.ndm_get_num_threads()
