"""Views (indexing, axes, reshape, broadcasting, as_strided, windows), overlap queries and
selection copies (take, compress, concatenate), with NumPy's names and semantics."""
import ctypes
import operator

from . import _ffi
from ._base import ArrayBase, new_array
from ._codes import casting_code, order_code
from ._create import asarray
from ._dtype import dtype
from ._lib import (_BY_STATUS, INT64_MAX, INT64_MIN, TooHardError, int64, int64s, lib, new_handle,
                   numpy)

_COPY_MODES = {True: _ffi.NDM_COPY_ALWAYS, None: _ffi.NDM_COPY_IF_NEEDED,
               False: _ffi.NDM_COPY_NEVER}


_MAX_DIM = "Maximum allowed dimension exceeded"
_BAD_INDEX = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
              "integer or boolean arrays are valid indices")


def _axes(values, error=OverflowError, message="Python int too large to convert to C long"):
    """Axis numbers, lengths or strides as a tuple of ints that fit int64 (`error(message)`
    otherwise: NumPy's exception for the argument at hand)."""
    if not isinstance(values, (tuple, list)):
        values = (values,)
    return tuple(int64(v, error, message) for v in values)


def _view(function, x, *args):
    """`function(x, *args, &out)` (e.g. `lib.ndm_transpose`) as a new Array whose base is x's
    owner when it is a view."""
    return new_array(new_handle(function, x._h, *args), x)


def _new(function, *args):
    """`function(*args, &out)`'s new array (a copy: it owns its data)."""
    return new_array(new_handle(function, *args))


def _index_int(k):
    """An integer index: NumPy's OverflowError from 2**63 up to 2**64, IndexError beyond."""
    k = operator.index(k)
    if INT64_MIN <= k <= INT64_MAX:
        return k
    if INT64_MAX < k < 2**64:
        raise OverflowError("Python int too large to convert to C long")
    raise IndexError(_BAD_INDEX)


def _slice_bound(v):
    """A slice bound or step clamped to int64, as Python's slice.indices clamps: `[2**64:]`
    is empty rather than an error."""
    return max(INT64_MIN + 1, min(INT64_MAX, operator.index(v)))


# --- indexing ---------------------------------------------------------------------------------
def _basic_items(key):
    """ndm_index_item entries for a basic index, or None if the key needs advanced indexing."""
    if not isinstance(key, tuple):
        key = (key,)
    items = []
    for k in key:
        it = _ffi.ndm_index_item()
        if k is None:
            it.kind = _ffi.NDM_INDEX_NEWAXIS
        elif k is Ellipsis:
            it.kind = _ffi.NDM_INDEX_ELLIPSIS
        elif isinstance(k, slice):
            it.kind = _ffi.NDM_INDEX_SLICE
            it.step = 1 if k.step is None else _slice_bound(k.step)
            if k.start is None:
                it.flags |= _ffi.NDM_SLICE_NO_START
            else:
                it.start = _slice_bound(k.start)
            if k.stop is None:
                it.flags |= _ffi.NDM_SLICE_NO_STOP
            else:
                it.stop = _slice_bound(k.stop)
        elif isinstance(k, bool) or type(k).__name__ == "bool":
            return None
        else:
            try:
                it.start = _index_int(k)
            except TypeError:
                return None
            it.kind = _ffi.NDM_INDEX_INT
        items.append(it)
    return items


def index_view(x, key):
    """The view `x[key]` for a basic index (always an array, 0-d for a full integer index)."""
    items = _basic_items(key)
    if items is None:
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) "
                         "and one integer or boolean array are valid indices")
    arr = (_ffi.ndm_index_item * max(len(items), 1))(*items)
    return _view(lib.ndm_index, x, arr, len(items))


def getitem(x, key):
    """NumPy's `x[key]`: basic indices give views (a Python scalar for a full integer index);
    one integer array gives `take(axis=0)` and a boolean mask gives `compress`, as copies.
    A field name (or a list of them) gives a field view of a record array."""
    fv = _field_view(x, key)
    if fv is not None:
        return fv
    items = _basic_items(key)
    if items is not None:
        view = index_view(x, key)
        full_int = all(i.kind == _ffi.NDM_INDEX_INT for i in items) and len(items) == x.ndim
        return view.item() if full_int else view
    k = numpy.asarray(key)
    if k.size == 0 and k.dtype.kind == "f":
        k = k.astype(numpy.intp)  # an empty list indexes like an empty integer array
    if k.dtype == bool:
        if k.shape == x.shape:
            return compress(k.ravel(), x)
        if k.ndim == 1 and x.ndim >= 1:
            if k.shape[0] != x.shape[0]:
                raise IndexError(
                    f"boolean index did not match indexed array along axis 0; size of axis is "
                    f"{x.shape[0]} but size of corresponding boolean axis is {k.shape[0]}")
            return compress(k, x, axis=0)
        raise IndexError("ndmem supports boolean masks of the array's shape or of its first axis")
    if k.dtype.kind in "iu":
        return take(x, k, axis=0)
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) "
                     "and integer or boolean arrays are valid indices")


def _field_view(x, key):
    """`x['name']` or `x[['a', 'b']]` as a view, or None when `key` is not about fields."""
    if isinstance(key, str):
        return _view(lib.ndm_field, x, key.encode())
    if isinstance(key, list) and key and all(isinstance(k, str) for k in key):
        names = x.dtype.names or ()
        titles = {f[2] for f in (x.dtype.fields or {}).values() if len(f) > 2}
        for k in key:
            if k not in names and k not in titles:
                raise KeyError(k)
        arr = (ctypes.c_char_p * len(key))(*(k.encode() for k in key))
        return _view(lib.ndm_fields, x, arr, len(key))
    return None


def setitem(x, key, value):
    """NumPy's `x[key] = value` through basic indexing: broadcasting, unsafe casting as NumPy's
    assignment, out-of-range Python integers raise OverflowError, overlap-safe."""
    target = _field_view(x, key)
    if target is None:
        target = index_view(x, key)
    if not isinstance(value, ArrayBase):
        np_dtype = target.dtype.dtype
        if isinstance(value, (int, float, complex, bool)):
            value = numpy.array(value, dtype=np_dtype)
    lib.ndm_copyto(target._h, (src := asarray(value))._h, _ffi.NDM_CASTING_UNSAFE)
    del src


# --- axis views -------------------------------------------------------------------------------
def transpose(x, axes=None):
    """A view with permuted axes (reversed when `axes` is None)."""
    x = asarray(x)
    if axes is None:
        return _view(lib.ndm_transpose, x, None, _ffi.NDM_ALL_AXES)
    axes = _axes(axes, ValueError, _MAX_DIM)
    return _view(lib.ndm_transpose, x, int64s(axes), len(axes))


def swapaxes(x, axis1, axis2):
    """A view with two axes exchanged."""
    x = asarray(x)
    return _view(lib.ndm_swapaxes, x, int64(axis1), int64(axis2))


def moveaxis(x, source, destination):
    """A view with axes moved to new positions."""
    x = asarray(x)
    s, d = _axes(source), _axes(destination)
    if len(s) != len(d):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    return _view(lib.ndm_moveaxis, x, int64s(s), int64s(d), len(s))


def squeeze(x, axis=None):
    """A view without length-1 axes (all of them, or those in `axis`)."""
    x = asarray(x)
    if axis is None:
        return _view(lib.ndm_squeeze, x, None, _ffi.NDM_ALL_AXES)
    axes = _axes(axis)
    return _view(lib.ndm_squeeze, x, int64s(axes), len(axes))


def expand_dims(x, axis):
    """A view with new length-1 axes at the positions `axis` of the result."""
    x = asarray(x)
    axes = _axes(axis)
    return _view(lib.ndm_expand_dims, x, int64s(axes), len(axes))


def diagonal(x, offset=0, axis1=0, axis2=1):
    """A read-only view of a diagonal (the last axis of the result)."""
    x = asarray(x)
    return _view(lib.ndm_diagonal, x, int64(offset), int64(axis1), int64(axis2))


# --- reshape and friends ------------------------------------------------------------------------
def reshape(x, shape, order="C", copy=None):
    """NumPy's reshape: a view when the strides allow it (copy=None: else a copy; copy=False:
    else ValueError; copy=True: always a copy)."""
    x = asarray(x)
    shape = _axes(shape, ValueError, _MAX_DIM)
    if order is not None and str(order).upper() == "K":
        raise ValueError("order 'K' is not permitted for reshaping")
    if copy not in _COPY_MODES:
        raise ValueError("copy must be True, False or None")
    return _view(lib.ndm_reshape, x, len(shape), int64s(shape), order_code(order, "CFA"),
                  _COPY_MODES[copy])


def ravel(x, order="C"):
    """A 1-D view when one exists with stride == itemsize, else a copy."""
    x = asarray(x)
    return _view(lib.ndm_ravel, x, order_code(order))


def flatten(x, order="C"):
    """A new 1-D array owning its data."""
    return _new(lib.ndm_flatten, asarray(x)._h, order_code(order))


def ascontiguousarray(x):
    """x's memory when C-contiguous (ndim >= 1), else a C-ordered copy."""
    x = asarray(x)
    return _view(lib.ndm_ascontiguousarray, x)


def asfortranarray(x):
    """x's memory when F-contiguous (ndim >= 1), else an F-ordered copy."""
    x = asarray(x)
    return _view(lib.ndm_asfortranarray, x)


# --- broadcasting, as_strided, windows ----------------------------------------------------------
def broadcast_shapes(*shapes):
    """The broadcast shape of several shapes (NumPy's errors)."""
    shapes = [_axes(s, ValueError, _MAX_DIM) for s in shapes]
    arrays = [int64s(s) for s in shapes]
    ptrs = (ctypes.POINTER(ctypes.c_int64) * max(len(shapes), 1))(*arrays)
    ndims = (ctypes.c_int32 * max(len(shapes), 1))(*[len(s) for s in shapes])
    out_ndim = ctypes.c_int32()
    out = (ctypes.c_int64 * _ffi.NDM_MAX_NDIM)()
    lib.ndm_broadcast_shapes(len(shapes), ndims, ptrs, ctypes.byref(out_ndim), out)
    return tuple(out[i] for i in range(out_ndim.value))


def broadcast_to(x, shape):
    """A read-only view of `x` broadcast to `shape` (stride 0 on stretched axes)."""
    x = asarray(x)
    shape = _axes(shape, ValueError, _MAX_DIM)
    return _view(lib.ndm_broadcast_to, x, len(shape), int64s(shape))


def as_strided(x, shape=None, strides=None, subok=False, writeable=None):
    """NumPy's `as_strided`, checked: every element must lie inside x's buffer (ValueError
    otherwise), so it cannot read or corrupt other memory. Elements that overlap each other
    (windows, zero strides) are never writeable: without `writeable` the view is writeable
    when x is and its elements are disjoint, read-only otherwise (a write then fails with
    NumPy's read-only error); an explicit `writeable=True` for overlapping elements is refused."""
    x = asarray(x)
    shape = x.shape if shape is None else _axes(shape)
    strides = x.strides if strides is None else _axes(strides)
    if len(shape) != len(strides):
        raise ValueError("mismatch in length of strides and shape")
    args = (len(shape), int64s(shape), int64s(strides))
    if writeable is None:
        try:
            return _view(lib.ndm_as_strided, x, *args, True)
        except _BY_STATUS[_ffi.NDM_ERR_INVALID_ARG]:  # overlapping elements: read-only
            return _view(lib.ndm_as_strided, x, *args, False)
    return _view(lib.ndm_as_strided, x, *args, bool(writeable))


def sliding_window_view(x, window_shape, axis=None, *, writeable=False):
    """NumPy's sliding_window_view: read-only unless writeable=True."""
    x = asarray(x)
    window = _axes(window_shape, ValueError, "window shape cannot be larger than input array shape")
    if axis is None:
        return _view(lib.ndm_sliding_window_view, x, len(window), int64s(window), None,
                      bool(writeable))
    axes = _axes(axis)
    if any(not -2**31 <= a < 2**31 for a in axes):  # NumPy takes axes as C ints here
        raise OverflowError("Python int too large to convert to C int")
    if len(axes) != len(window):
        raise ValueError(
            f"Must provide matching length window_shape and axis; got {len(window)} "
            f"window_shape elements and {len(axes)} axes elements.")
    return _view(lib.ndm_sliding_window_view, x, len(window), int64s(window), int64s(axes),
                  bool(writeable))


# --- overlap ----------------------------------------------------------------------------------
def _max_work(max_work, default):
    if max_work is None:
        return default
    if not isinstance(max_work, int) or isinstance(max_work, bool):
        raise ValueError("max_work must be an integer")
    if max_work < -2:
        raise ValueError("Invalid value for max_work")
    if max_work > 2**63 - 1:
        raise OverflowError("max_work is too large")
    return max_work


def shares_memory(a, b, max_work=None):
    """Exactly whether a and b share a byte; TooHardError if more than max_work steps are needed."""
    a, b = asarray(a), asarray(b)
    answer = ctypes.c_int32()
    lib.ndm_shares_memory(a._h, b._h, _max_work(max_work, -1), ctypes.byref(answer))
    if answer.value == _ffi.NDM_OVERLAP_TOO_HARD:
        raise TooHardError("Exceeded max_work")
    return answer.value == _ffi.NDM_OVERLAP_YES


def may_share_memory(a, b, max_work=None):
    """Whether a and b might share memory: byte extents by default (max_work=None), or the exact
    answer within max_work steps (True when that is too hard)."""
    a, b = asarray(a), asarray(b)
    if max_work is None:
        result = ctypes.c_bool()
        lib.ndm_may_share_memory(a._h, b._h, ctypes.byref(result))
        return result.value
    answer = ctypes.c_int32()
    lib.ndm_shares_memory(a._h, b._h, _max_work(max_work, 0), ctypes.byref(answer))
    return answer.value != _ffi.NDM_OVERLAP_NO


def is_self_overlapping(x, max_work=-1):
    """Whether two distinct elements of x share a byte (None when too hard for max_work)."""
    x = asarray(x)
    answer = ctypes.c_int32()
    lib.ndm_is_self_overlapping(x._h, int64(max_work), ctypes.byref(answer))
    return {_ffi.NDM_OVERLAP_NO: False, _ffi.NDM_OVERLAP_YES: True}.get(answer.value)


# --- selection copies -------------------------------------------------------------------------
def _axis_ptr(axis):
    return None if axis is None else ctypes.byref(ctypes.c_int64(int64(axis)))


def take(a, indices, axis=None):
    """NumPy's take (mode 'raise'): a new array."""
    if not isinstance(indices, ArrayBase):
        idx = numpy.asarray(indices)
        if idx.dtype.kind == "O":  # Python ints beyond int64: NumPy's OverflowError
            idx = numpy.asarray(indices, dtype=numpy.int64)
        if idx.dtype.kind == "u" and idx.size and idx.max() > INT64_MAX:  # would wrap negative
            raise OverflowError("Python int too large to convert to C long")
        indices = idx
    a, idx = asarray(a), asarray(indices)
    return _new(lib.ndm_take, a._h, idx._h, _axis_ptr(axis))


def compress(condition, a, axis=None):
    """NumPy's compress: a new array of the slabs where the 1-D condition is true."""
    a = asarray(a)
    cond = asarray(numpy.asarray(condition, dtype=bool))
    return _new(lib.ndm_compress, a._h, cond._h, _axis_ptr(axis))


def concatenate(arrays, axis=0, dtype_=None, casting="same_kind", **kwargs):
    """NumPy's concatenate: a new array; dtype promotes the inputs unless given (`dtype=`)."""
    if "dtype" in kwargs:
        dtype_ = kwargs.pop("dtype")
    if kwargs:
        raise TypeError(f"unexpected keyword arguments: {sorted(kwargs)}")
    items = [asarray(x) for x in arrays]
    handles = (ctypes.c_void_p * max(len(items), 1))(*[x._h for x in items])
    d = None if dtype_ is None else dtype(dtype_)
    return _new(lib.ndm_concatenate, len(items), handles, _axis_ptr(axis),
                  None if d is None else d._h, casting_code(casting))
