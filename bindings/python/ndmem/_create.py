"""Making arrays: creation (`empty`, `zeros`, `full`, `arange`, the `_like`s), conversion from
anything NumPy's `asarray` takes (wrapping NumPy and buffer memory without a copy), `copyto`."""
import ctypes

from . import _dtype, _ffi
from ._base import ArrayBase, new_array, _shape_tuple
from ._codes import casting_code, order_code
from ._dtype import dtype
from ._lib import address, int64, int64s, lib, new_handle, numpy


def repack_fields(a):
    """A copy of record array `a` with its fields packed in order with no padding (NumPy's
    `numpy.lib.recfunctions.repack_fields`, but always a new array)."""
    a = asarray(a)
    return new_array(new_handle(lib.ndm_repack, a._h))


# --- creation ---------------------------------------------------------------------------------
newaxis = None


def _create(function, shape, dtype_, order, *extra):
    shape = _shape_tuple(shape)
    d = dtype(dtype_)  # keep the dtype handle alive during the call
    return new_array(new_handle(function, d._h, len(shape), int64s(shape),
                                   order_code(order, "CF"), *extra))


def empty(shape, dtype=float, order="C"):
    """A new array with uninitialised contents (NumPy's `empty`)."""
    return _create(lib.ndm_empty, shape, dtype, order)


def zeros(shape, dtype=float, order="C"):
    """A new array of zeros (NumPy's `zeros`)."""
    return _create(lib.ndm_zeros, shape, dtype, order)


def ones(shape, dtype=None, order="C"):
    """A new array of ones (NumPy's `ones`; float64 unless `dtype` is given)."""
    return full(shape, 1, float if dtype is None else dtype, order)


def full(shape, fill_value, dtype=None, order="C"):
    """A new array with every element `fill_value` (NumPy's `full`: the value is converted to
    the dtype by NumPy's rules; dtype=None takes the value's NumPy dtype)."""
    np_dtype, value = _fill_bytes(fill_value, dtype)
    return _create(lib.ndm_full, shape, np_dtype, order, value)


def _fill_bytes(fill_value, dtype_):
    """(NumPy dtype, one element's bytes) of `fill_value` converted as NumPy's `full` does."""
    np_dtype = numpy.array(fill_value).dtype if dtype_ is None else _numpy_dtype(dtype_)
    one = numpy.empty((), np_dtype)
    numpy.copyto(one, fill_value, casting="unsafe")  # NumPy's own conversion, as np.full does
    raw = one.tobytes()
    return np_dtype, ctypes.create_string_buffer(raw, max(len(raw), 1))


def _numpy_dtype(d):
    return d.dtype if isinstance(d, dtype) else numpy.dtype(d)


def empty_like(prototype, dtype=None, order="K", shape=None):
    """NumPy's `empty_like`: a new array of `prototype`'s shape (or `shape`) and dtype (or
    `dtype`), uninitialised, laid out like the prototype ('K', the default) or in order 'C',
    'F' or 'A'. Nothing of the prototype is read."""
    return _like(prototype, dtype, order, shape, False)


def zeros_like(prototype, dtype=None, order="K", shape=None):
    """NumPy's `zeros_like`: `empty_like` filled with zeros."""
    return _like(prototype, dtype, order, shape, True)


def ones_like(prototype, dtype=None, order="K", shape=None):
    """NumPy's `ones_like`: `empty_like` filled with ones."""
    return full_like(prototype, 1, dtype, order, shape)


def full_like(prototype, fill_value, dtype=None, order="K", shape=None):
    """NumPy's `full_like`: `empty_like` filled with `fill_value` (converted to the result's
    dtype as NumPy's assignment does)."""
    out = _like(prototype, dtype, order, shape, False)
    out.fill(fill_value)
    return out


def _like(prototype, dtype_, order, shape, zeroed):
    proto = asarray(prototype)
    d = proto.dtype if dtype_ is None else dtype(dtype_)
    order = "C" if order is None else str(order).upper()
    if shape is not None:
        shape = _shape_tuple(shape)
        # A new shape keeps only the prototype's Fortran order ('A'; 'K' too when the rank is
        # the same), as NumPy's.
        f = order == "F" or (proto.flags.fortran and (order == "A" or
                                                      (order == "K" and len(shape) == proto.ndim)))
        return (zeros if zeroed else empty)(shape, d, "F" if f else "C")
    return new_array(new_handle(lib.ndm_empty_like, proto._h, d._h, order_code(order), zeroed))


def arange(start, stop=None, step=None, dtype=None):
    """NumPy's `arange`: `arange(stop)`, `arange(start, stop[, step])`, values and length as
    NumPy computes them (dtype=None: int64 for integer arguments, float64 otherwise)."""
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    args = (start, stop, step)
    if dtype is None:
        dtype = "int64" if all(isinstance(a, int) and not isinstance(a, bool) for a in args) else "float64"
    if step == 0:
        raise ZeroDivisionError("division by zero")
    d = _dtype.dtype(dtype)
    return new_array(new_handle(lib.ndm_arange, float(start), float(stop), float(step), d._h))


# --- sharing memory with NumPy and buffers -------------------------------------------------------
# The release of wrapped memory is the library's `ndm_python_release`, a C function: it drops
# the reference taken below, with the GIL, whenever and on whichever thread the last ndmem array
# over the memory goes (a DLPack consumer may free it after this module is gone), and does
# nothing once the interpreter is shutting down.
_RELEASE = _ffi.ndm_release_fn(address(lib.ndm_python_release))
_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_decref = ctypes.pythonapi.Py_DecRef
_decref.argtypes = [ctypes.py_object]


def _wrap(a, base):
    """An Array over NumPy array `a`'s memory, no copy; `a` stays alive while any ndmem array
    uses it, and `base` (the object the caller gave) becomes the array's `.base`."""
    d = dtype(a.dtype)
    info = a.__array_interface__
    ptr = info["data"][0]
    itemsize = a.itemsize
    lo = sum(s * (n - 1) for n, s in zip(a.shape, a.strides) if s < 0) if a.size else 0
    hi = (sum(s * (n - 1) for n, s in zip(a.shape, a.strides) if s > 0) + itemsize) if a.size else 0
    if ptr == 0:  # NumPy gives 0-size arrays a real address; be safe anyway
        a = a.copy()
        ptr, lo, hi = a.__array_interface__["data"][0], 0, 0
    flags = _ffi.NDM_FLAG_WRITEABLE if a.flags.writeable else 0
    _incref(a)  # the reference ndm_python_release drops
    try:
        h = new_handle(lib.ndm_from_ptr, ptr + lo, hi - lo, -lo, d._h, a.ndim, int64s(a.shape),
                       int64s(a.strides), flags, _RELEASE, id(a))
    except BaseException:
        if lib.ndm_last_status() != _ffi.NDM_OK:  # not wrapped: the reference is still ours
            _decref(a)
        raise
    x = new_array(h)
    x._base = base
    return x


_COPY_NEEDED = ("Unable to avoid copy while creating an array as requested.\n"
                "If using `np.array(obj, copy=False)` replace it with `np.asarray(obj)` to allow "
                "a copy when needed (no behavior change in NumPy 1.x).")


def _satisfies(x, order):
    return order not in ("C", "F") or (x.flags.c_contiguous if order == "C" else x.flags.f_contiguous)


def _convert(obj, dtype_, order):
    """(array, fresh): `obj` itself if an Array; an Array over its memory if it exposes memory
    (an ndarray, NumPy's array interface, the buffer protocol), else (a list, a scalar) NumPy's
    conversion copied into memory ndmem owns, with `fresh` True."""
    if isinstance(obj, ArrayBase):
        return obj, False
    a = numpy.asarray(obj)
    if a is obj or a.base is not None:
        return _wrap(a, obj), False
    if dtype_ is not None:
        a = numpy.asarray(obj, dtype=_numpy_dtype(dtype_))
    fresh = _wrap(a, None)
    code = order_code("F" if order == "F" else "C")
    return new_array(new_handle(lib.ndm_copy, fresh._h, code)), True


def asarray(obj, dtype=None, order=None, *, copy=None):
    """An ndmem.Array over `obj`'s memory with no copy (NumPy's `asarray`): an ndmem array is
    returned as is; a NumPy array, or anything with NumPy's array interface or the buffer
    protocol, is wrapped (it stays alive while any ndmem array uses it, and is the result's
    `.base`). A list or scalar is converted by NumPy into memory ndmem owns. A copy is made
    only when `dtype` or `order` ('C', 'F') asks for what the memory does not have, or with
    `copy=True`; `copy=False` raises ValueError instead of copying."""
    order = None if order is None else str(order).upper()
    if order is not None:
        order_code(order)
    x, fresh = _convert(obj, dtype, order)
    if fresh:
        if copy is False:
            raise ValueError(_COPY_NEEDED)
        return x
    same_dtype = dtype is None or x.dtype == _dtype.dtype(dtype)
    if copy is True or not same_dtype or not _satisfies(x, order):
        if copy is False:
            raise ValueError(_COPY_NEEDED)
        return x.astype(x.dtype if dtype is None else dtype, order=order or "K", copy=True)
    return x


def array(obj, dtype=None, *, copy=True, order="K"):
    """NumPy's `array`: a new array owning a copy of `obj`'s elements (`copy=True`, the
    default), converted to `dtype` if given, laid out in `order` ('K' keeps an array's layout;
    'C', 'F', 'A'). `copy=None` copies only when needed and `copy=False` never copies (ValueError
    when it would have to), as `asarray`."""
    order = "K" if order is None else str(order).upper()
    if copy is not True:
        return asarray(obj, dtype, None if order in "KA" else order, copy=copy)
    x, fresh = _convert(obj, dtype, order)
    if fresh and _satisfies(x, order):
        return x
    return x.astype(x.dtype if dtype is None else dtype, order=order, copy=True)


def copy(a, order="K"):
    """NumPy's `copy`: a new array owning a copy of `a`'s elements, laid out like `a` ('K')."""
    return asarray(a).copy(order=order)


def frombuffer(buffer, dtype=float, count=-1, offset=0):
    """NumPy's `frombuffer`: the bytes of `buffer` (any object with the buffer protocol) from
    byte `offset` read as `count` elements of `dtype` (-1: as many as fit), with no copy. The
    array is read-only when the buffer is (bytes), writeable otherwise (bytearray,
    memoryview of writeable memory); `buffer` is its `.base` and stays alive with it."""
    d = _dtype.dtype(dtype)
    count, offset = int64(count), int64(offset)
    raw = numpy.frombuffer(buffer, dtype=numpy.uint8)
    n, item = raw.size, d.itemsize
    if offset < 0 or offset > n:
        raise ValueError(f"offset must be non-negative and no greater than buffer length ({n})")
    if item == 0:
        raise ValueError("itemsize cannot be zero in type")
    if count < 0:
        if (n - offset) % item:
            raise ValueError("buffer size must be a multiple of element size")
        count = (n - offset) // item
    elif n - offset < count * item:
        raise ValueError("buffer is smaller than requested size")
    whole = _wrap(raw, buffer)
    h = new_handle(lib.ndm_view_buffer, whole._h, d._h, offset, 1, int64s((count,)), None, True)
    x = new_array(h, whole)
    x._base = buffer
    return x


def copyto(dst, src, casting="same_kind"):
    """NumPy's `copyto`: copy `src` into `dst` with broadcasting, casting rule and memmove
    semantics when the two overlap. `src` may be anything `np.asarray` accepts."""
    if not isinstance(dst, ArrayBase):
        raise TypeError(f"copyto() argument 1 must be ndmem.Array, not {type(dst).__name__}")
    s = asarray(src)  # keep the source handle alive during the call
    lib.ndm_copyto(dst._h, s._h, casting_code(casting))
