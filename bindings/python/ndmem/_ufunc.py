"""Universal functions with NumPy's names: add, subtract, multiply, true_divide (divide),
maximum, minimum and the comparisons, with out=, where=, casting=, dtype=."""
import builtins
import ctypes

from . import _ffi
from ._array import Array, asarray
from ._codes import casting_code
from ._dtype import dtype
from ._lib import lib, new_handle



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
    if out is not None and not isinstance(out, Array):
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
        import numpy

        keep.append(where if isinstance(where, Array) else asarray(numpy.asarray(where, dtype=bool)))
        opts.where_mask = keep[-1]._h
    return opts, keep


def _call(function, code, inputs, out, where, casting, dtype_, extra=()):
    """Run `function` (lib.ndm_ufunc_binary, _scalar or _unary) on the input arrays with
    NumPy's keyword semantics."""
    out = check_out(out)
    opts, keep = options(casting, dtype_, where)  # noqa: F841 - keep lives across the call
    h = new_handle(function, code, *[x._h for x in inputs], *extra,
                   None if out is None else out._h, ctypes.byref(opts))
    result = Array._adopt(h)
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


def _binary(code):
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

    return ufunc


def _unary(code):
    def ufunc(a, out=None, *, where=True, casting="same_kind", dtype=None):
        return _call(lib.ndm_ufunc_unary, code, (asarray(a),), out, where, casting, dtype)

    return ufunc


negative = _unary(_ffi.NDM_NEGATIVE)
positive = _unary(_ffi.NDM_POSITIVE)
absolute = _unary(_ffi.NDM_ABSOLUTE)
square = _unary(_ffi.NDM_SQUARE)
reciprocal = _unary(_ffi.NDM_RECIPROCAL)
conjugate = conj = _unary(_ffi.NDM_CONJUGATE)
floor = _unary(_ffi.NDM_FLOOR)
ceil = _unary(_ffi.NDM_CEIL)
invert = bitwise_not = _unary(_ffi.NDM_INVERT)
logical_not = _unary(_ffi.NDM_LOGICAL_NOT)
isnan = _unary(_ffi.NDM_ISNAN)
isinf = _unary(_ffi.NDM_ISINF)
isfinite = _unary(_ffi.NDM_ISFINITE)
sqrt = _unary(_ffi.NDM_SQRT)
exp = _unary(_ffi.NDM_EXP)
expm1 = _unary(_ffi.NDM_EXPM1)
log = _unary(_ffi.NDM_LOG)
log1p = _unary(_ffi.NDM_LOG1P)
sin = _unary(_ffi.NDM_SIN)
cos = _unary(_ffi.NDM_COS)
tan = _unary(_ffi.NDM_TAN)
rint = _unary(_ffi.NDM_RINT)
UNARY_NAMES = ("negative", "positive", "absolute", "square", "reciprocal", "conjugate", "floor",
               "ceil", "invert", "logical_not", "isnan", "isinf", "isfinite")
MATH_NAMES = ("sqrt", "exp", "expm1", "log", "log1p", "sin", "cos", "tan", "rint")

add = _binary(_ffi.NDM_ADD)
subtract = _binary(_ffi.NDM_SUBTRACT)
multiply = _binary(_ffi.NDM_MULTIPLY)
true_divide = divide = _binary(_ffi.NDM_TRUE_DIVIDE)
maximum = _binary(_ffi.NDM_MAXIMUM)
minimum = _binary(_ffi.NDM_MINIMUM)
equal = _binary(_ffi.NDM_EQUAL)
not_equal = _binary(_ffi.NDM_NOT_EQUAL)
less = _binary(_ffi.NDM_LESS)
less_equal = _binary(_ffi.NDM_LESS_EQUAL)
greater = _binary(_ffi.NDM_GREATER)
greater_equal = _binary(_ffi.NDM_GREATER_EQUAL)
logical_and = _binary(_ffi.NDM_LOGICAL_AND)
logical_or = _binary(_ffi.NDM_LOGICAL_OR)
logical_xor = _binary(_ffi.NDM_LOGICAL_XOR)
bitwise_and = _binary(_ffi.NDM_BITWISE_AND)
bitwise_or = _binary(_ffi.NDM_BITWISE_OR)
bitwise_xor = _binary(_ffi.NDM_BITWISE_XOR)
left_shift = _binary(_ffi.NDM_LEFT_SHIFT)
right_shift = _binary(_ffi.NDM_RIGHT_SHIFT)
floor_divide = _binary(_ffi.NDM_FLOOR_DIVIDE)
remainder = mod = _binary(_ffi.NDM_REMAINDER)
power = _binary(_ffi.NDM_POWER)

NAMES = ("add", "subtract", "multiply", "true_divide", "maximum", "minimum", "equal",
         "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
         "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift",
         "right_shift", "floor_divide", "remainder", "power")
for _name in NAMES + UNARY_NAMES:
    globals()[_name].__name__ = _name
    _args = "a" if _name in UNARY_NAMES else "a, b"
    globals()[_name].__doc__ = (f"NumPy's `{_name}({_args}, out=None, *, where=True, "
                                f"casting='same_kind', dtype=None)` on ndmem arrays.")

_OPERATORS = {"add": add, "sub": subtract, "mul": multiply, "truediv": true_divide,
              "and": bitwise_and, "or": bitwise_or, "xor": bitwise_xor, "lshift": left_shift,
              "rshift": right_shift, "floordiv": floor_divide, "mod": remainder,
              "pow": power}
_COMPARISONS = {"eq": equal, "ne": not_equal, "lt": less, "le": less_equal, "gt": greater,
                "ge": greater_equal}


def install_operators(cls):
    """Give Array NumPy's arithmetic and comparison operators (in-place ones write through)."""
    for name, fn in _OPERATORS.items():
        setattr(cls, f"__{name}__", lambda self, other, fn=fn: fn(self, other))
        setattr(cls, f"__r{name}__", lambda self, other, fn=fn: fn(other, self))
        setattr(cls, f"__i{name}__", lambda self, other, fn=fn: fn(self, other, out=self))
    cls.__neg__ = lambda self: negative(self)
    cls.__pos__ = lambda self: positive(self)
    cls.__abs__ = lambda self: absolute(self)
    cls.__invert__ = lambda self: invert(self)
    for name, fn in _COMPARISONS.items():
        setattr(cls, f"__{name}__", lambda self, other, fn=fn: fn(self, other))
    cls.__hash__ = None


def set_num_threads(n):
    """How many threads large element-wise loops use (contiguous outputs of 4 MiB or more):
    1..1024, or 0 for the default (NDMEM_NUM_THREADS, else the CPUs available). Results never
    depend on it; 1 means ndmem starts no thread. Process-wide. Returns the previous count."""
    previous = get_num_threads()
    lib.ndm_set_num_threads(n)
    return previous


def get_num_threads():
    """The number of threads large element-wise loops use now."""
    return lib.ndm_get_num_threads()
