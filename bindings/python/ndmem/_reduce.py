"""Reductions with NumPy's names: sum, prod, max (amax), min (amin), all, any, mean, with
axis=, dtype=, out=, keepdims=, where=. A reduction to a single value returns a Python scalar
(NumPy returns a NumPy scalar), unless out= is given."""
import ctypes

from . import _ffi
from ._base import new_array
from ._create import asarray
from ._lib import int64s, lib, new_handle
from ._ufunc import check_out, options


def _reduce(code, a, axis, dtype, out, keepdims, where):
    a = asarray(a)
    out = check_out(out)
    if axis is None:
        axes, naxes = None, _ffi.NDM_ALL_AXES
    else:
        axis = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
        axes, naxes = int64s([int(x) for x in axis]), len(axis)
    # Reductions cast with 'unsafe' like NumPy's (the C function ignores opts.casting).
    opts, keep = options("unsafe", dtype, where)  # noqa: F841 - keep lives across the call
    h = new_handle(lib.ndm_reduce, code, a._h, axes, naxes, bool(keepdims),
                   None if out is None else out._h, ctypes.byref(opts))
    result = new_array(h)
    if out is not None:
        return out
    return result.item() if result.ndim == 0 else result


def _reduction(code, name, doc):
    def reduction(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
        return _reduce(code, a, axis, dtype, out, keepdims, where)

    reduction.__name__ = reduction.__qualname__ = name
    reduction.__doc__ = doc
    return reduction


sum = _reduction(_ffi.NDM_ADD, "sum", "np.sum: pairwise summation in NumPy's order.")
prod = _reduction(_ffi.NDM_MULTIPLY, "prod", "np.prod.")
max = amax = _reduction(_ffi.NDM_MAXIMUM, "max", "np.max (NaN-propagating; no identity).")
min = amin = _reduction(_ffi.NDM_MINIMUM, "min", "np.min (NaN-propagating; no identity).")
all = _reduction(_ffi.NDM_LOGICAL_AND, "all", "np.all (logical_and.reduce).")
any = _reduction(_ffi.NDM_LOGICAL_OR, "any", "np.any (logical_or.reduce).")
mean = _reduction(_ffi.NDM_MEAN, "mean", "np.mean.")


def method(reduction):
    """`reduction` as an `Array` method (`x.sum(axis=0)`), with NumPy's signature."""
    def method(self, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
        return reduction(self, axis, dtype, out, keepdims, where=where)

    method.__name__ = reduction.__name__
    method.__doc__ = reduction.__doc__
    return method
