"""ndmem.Array and the functions that create and copy arrays."""
import ctypes
import itertools
from builtins import bool as builtins_bool
import operator
import threading

from . import _ffi
from ._dtype import dtype
from ._lib import call, int64s, lib, new_handle

_ORDERS = {"C": _ffi.NDM_ORDER_C, "F": _ffi.NDM_ORDER_F, "A": _ffi.NDM_ORDER_A, "K": _ffi.NDM_ORDER_K}
_CASTINGS = {
    "no": _ffi.NDM_CASTING_NO,
    "equiv": _ffi.NDM_CASTING_EQUIV,
    "safe": _ffi.NDM_CASTING_SAFE,
    "same_kind": _ffi.NDM_CASTING_SAME_KIND,
    "unsafe": _ffi.NDM_CASTING_UNSAFE,
}


def order_code(order, allowed="CFAK"):
    """The NDM_ORDER_* code of a NumPy order string."""
    key = "C" if order is None else str(order).upper()
    if key not in _ORDERS or key not in allowed:
        choices = ", ".join(f"'{c}'" for c in allowed)
        raise ValueError(f"order must be one of {choices} (got {order!r})")
    return _ORDERS[key]


def casting_code(casting):
    """The NDM_CASTING_* code of a NumPy casting string."""
    if casting not in _CASTINGS:
        raise ValueError("casting must be one of 'no', 'equiv', 'safe', 'same_kind', or 'unsafe'")
    return _CASTINGS[casting]


def _shape_tuple(shape):
    if isinstance(shape, (tuple, list)):
        return tuple(operator.index(n) for n in shape)
    return (operator.index(shape),)


class Flags:
    """The flags of an array, NumPy style (`.c_contiguous`, `flags['WRITEABLE']`, ...)."""

    _NAMES = {
        "C_CONTIGUOUS": _ffi.NDM_FLAG_C_CONTIGUOUS, "C": _ffi.NDM_FLAG_C_CONTIGUOUS,
        "F_CONTIGUOUS": _ffi.NDM_FLAG_F_CONTIGUOUS, "F": _ffi.NDM_FLAG_F_CONTIGUOUS,
        "OWNDATA": _ffi.NDM_FLAG_OWNDATA, "O": _ffi.NDM_FLAG_OWNDATA,
        "ALIGNED": _ffi.NDM_FLAG_ALIGNED, "A": _ffi.NDM_FLAG_ALIGNED,
        "WRITEABLE": _ffi.NDM_FLAG_WRITEABLE, "W": _ffi.NDM_FLAG_WRITEABLE,
    }

    def __init__(self, bits):
        self.bits = bits

    def __getitem__(self, name):
        return bool(self.bits & self._NAMES[name.upper()])

    c_contiguous = property(lambda self: self["C"])
    f_contiguous = property(lambda self: self["F"])
    owndata = property(lambda self: self["O"])
    aligned = property(lambda self: self["A"])
    writeable = property(lambda self: self["W"])
    contiguous = c_contiguous
    fortran = property(lambda self: self["F"] and not self["C"])

    def __repr__(self):
        keys = ("C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE", "ALIGNED")
        return "\n".join(f"  {k} : {self[k]}" for k in keys)


class Array:
    """An n-dimensional array: a handle to an ndmem array (dtype, shape, byte strides, buffer).

    `np.asarray(x)` views the same memory with no copy; `ndmem.asarray(np_array)` wraps NumPy
    memory with no copy. The buffer lives while any array (ndmem or NumPy) refers to it.
    """

    __slots__ = ("_h", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("use ndmem.empty/zeros/full/arange/asarray to create arrays")

    @classmethod
    def _adopt(cls, handle):
        a = object.__new__(cls)
        a._h = handle
        return a

    def __del__(self):
        handle, self._h = getattr(self, "_h", None), None
        if handle and lib is not None:  # lib can be gone at interpreter shutdown
            lib.ndm_array_free(handle)

    # --- introspection -----------------------------------------------------------------------
    @property
    def ndim(self):
        """Number of axes."""
        return lib.ndm_ndim(self._h)

    @property
    def shape(self):
        """Axis lengths."""
        p = lib.ndm_shape(self._h)
        return tuple(p[i] for i in range(self.ndim))

    @property
    def strides(self):
        """Byte strides of the axes (may be negative or zero)."""
        p = lib.ndm_strides(self._h)
        return tuple(p[i] for i in range(self.ndim))

    @property
    def size(self):
        """Number of elements."""
        return lib.ndm_size(self._h)

    @property
    def itemsize(self):
        """Bytes per element."""
        return lib.ndm_itemsize(self._h)

    @property
    def nbytes(self):
        """size * itemsize."""
        return lib.ndm_nbytes(self._h)

    @property
    def dtype(self):
        """The element type (an ndmem.dtype; `np.dtype(x.dtype)` gives NumPy's)."""
        return dtype._adopt(new_handle("ndm_array_dtype", self._h))

    @property
    def flags(self):
        """C_CONTIGUOUS, F_CONTIGUOUS, OWNDATA, ALIGNED, WRITEABLE, as NumPy defines them."""
        return Flags(lib.ndm_flags(self._h))

    @property
    def base(self):
        """The array this one views, or None."""
        h = new_handle("ndm_base", self._h)
        return Array._adopt(h) if h else None

    @property
    def data_ptr(self):
        """Address of element 0."""
        return lib.ndm_data(self._h) or 0

    @property
    def __array_interface__(self):
        flags = self.flags
        shape, strides, itemsize = self.shape, self.strides, self.itemsize
        fresh = []
        step = itemsize
        for n in reversed(shape):
            fresh.append(step)
            step *= max(n, 1)
        # None means "C-contiguous with fresh strides"; anything else is given exactly, so that
        # NumPy sees the same strides (size-0 and length-1 axes included).
        exact = strides == tuple(reversed(fresh))
        d = self.dtype
        return {
            "version": 3,
            "shape": shape,
            "typestr": d.str,
            "descr": _interface_descr(d),
            "data": (self.data_ptr, not flags.writeable),
            "strides": None if exact else strides,
        }

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __bool__(self):
        if self.size == 0:
            raise ValueError("The truth value of an empty array is ambiguous. Use `array.size > 0` "
                             "to check that an array is not empty.")
        if self.size != 1:
            raise ValueError("The truth value of an array with more than one element is "
                             "ambiguous. Use a.any() or a.all()")
        return builtins_bool(self.item())

    def __repr__(self):
        try:
            import numpy

            body = repr(numpy.asarray(self))
            return "ndmem." + body
        except ImportError:
            return f"ndmem.Array(shape={self.shape}, dtype={self.dtype})"

    # --- elements ----------------------------------------------------------------------------
    def item(self, *index):
        """The element at a full integer index as a Python scalar (NumPy's `item`)."""
        if len(index) == 1 and isinstance(index[0], tuple):
            index = index[0]
        if not index and self.size == 1 and self.ndim:
            index = (0,) * self.ndim
        if len(index) == 1 and self.ndim > 1:
            flat = operator.index(index[0])
            if not -self.size <= flat < self.size:
                raise IndexError(f"index {flat} is out of bounds for size {self.size}")
            flat %= self.size
            idx = []
            for n in reversed(self.shape):
                idx.append(flat % n)
                flat //= n
            index = tuple(reversed(idx))
        if self.dtype.names is not None:
            import numpy

            return numpy.asarray(self).item(index)
        kind = self.dtype.kind
        if kind in "SV":
            buf = ctypes.create_string_buffer(self.itemsize)
            call("ndm_get_item", self._h, int64s(index), len(index), _ffi.NDM_KIND_BYTES, buf)
            return buf.raw.rstrip(b"\0") if kind == "S" else buf.raw
        ctype, code, convert = _ITEM_TYPES[kind]
        value = ctype()
        call("ndm_get_item", self._h, int64s(index), len(index), code, ctypes.byref(value))
        return convert(value)

    # --- views (see _views.py) ----------------------------------------------------------------
    def __getitem__(self, key):
        from . import _views

        return _views.getitem(self, key)

    def __setitem__(self, key, value):
        from . import _views

        _views.setitem(self, key, value)

    @property
    def T(self):
        """The transposed view."""
        return self.transpose()

    def transpose(self, *axes):
        """A view with permuted axes (`x.transpose(1, 0)` or `x.transpose((1, 0))`)."""
        from . import _views

        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return _views.transpose(self, axes or None)

    def swapaxes(self, axis1, axis2):
        """A view with two axes exchanged."""
        from . import _views

        return _views.swapaxes(self, axis1, axis2)

    def reshape(self, *shape, order="C", copy=None):
        """NumPy's reshape (`x.reshape(2, 3)` or `x.reshape((2, 3))`)."""
        from . import _views

        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return _views.reshape(self, shape, order=order, copy=copy)

    def ravel(self, order="C"):
        """A 1-D view when possible, else a copy."""
        from . import _views

        return _views.ravel(self, order)

    def flatten(self, order="C"):
        """A new 1-D array owning its data."""
        from . import _views

        return _views.flatten(self, order)

    def squeeze(self, axis=None):
        """A view without length-1 axes."""
        from . import _views

        return _views.squeeze(self, axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        """A read-only view of a diagonal."""
        from . import _views

        return _views.diagonal(self, offset, axis1, axis2)

    # --- copies ------------------------------------------------------------------------------
    def copy(self, order="C"):
        """A new array owning a copy of the elements (NumPy's default order here is 'C')."""
        return Array._adopt(new_handle("ndm_copy", self._h, order_code(order)))

    def astype(self, dtype_, order="K", casting="unsafe", copy=True):
        """The elements converted to `dtype_` (NumPy's astype); copy=False returns an array over
        the same memory when no conversion is needed."""
        mode = _ffi.NDM_COPY_ALWAYS if copy else _ffi.NDM_COPY_IF_NEEDED
        d = dtype(dtype_)
        return Array._adopt(new_handle("ndm_astype", self._h, d._h, casting_code(casting),
                                       order_code(order), mode))

    def view(self, dtype_):
        """The same memory read as `dtype_` (NumPy's `view(dtype)`): no copy, no conversion; a
        different itemsize rescales the contiguous last axis."""
        d = dtype(dtype_)
        return Array._adopt(new_handle("ndm_view_dtype", self._h, d._h))

    def byteswap(self, inplace=False):
        """Every number's bytes reversed, dtype unchanged (NumPy's `byteswap`); with
        inplace=True this array's memory is swapped and the array itself returned."""
        h = new_handle("ndm_byteswap", self._h, bool(inplace))
        if inplace:
            lib.ndm_array_free(h)
            return self
        return Array._adopt(h)

    def tolist(self):
        """The elements as nested Python lists."""
        import numpy

        return numpy.asarray(self).tolist()


def _interface_descr(d):
    """`__array_interface__['descr']`: NumPy's descr list when NumPy rebuilds the same dtype
    from it; for aligned records and records with gaps, overlapping or out-of-order fields, the
    NumPy dtype itself (NumPy accepts any dtype spec there), because NumPy would turn a list's
    padding entries into named fields and drop `isalignedstruct`."""
    if d.names is None:
        return d.descr
    try:
        descr = d.descr
    except ValueError:
        descr = None
    if descr is not None and _no_padding(descr) and not d.isalignedstruct:
        return descr
    return d.dtype if _has_numpy() else descr


def _no_padding(descr):
    return all(e[0] != "" and (not isinstance(e[1], list) or _no_padding(e[1])) for e in descr)


def _has_numpy():
    try:
        import numpy  # noqa: F401

        return True
    except ImportError:
        return False


def repack_fields(a):
    """A copy of record array `a` with its fields packed in order with no padding (NumPy's
    `numpy.lib.recfunctions.repack_fields`, but always a new array)."""
    a = asarray(a)
    return Array._adopt(new_handle("ndm_repack", a._h))


_ITEM_TYPES = {
    "b": (ctypes.c_bool, _ffi.NDM_KIND_BOOL, lambda v: bool(v.value)),
    "i": (ctypes.c_int64, _ffi.NDM_KIND_INT64, lambda v: v.value),
    "u": (ctypes.c_uint64, _ffi.NDM_KIND_UINT64, lambda v: v.value),
    "f": (ctypes.c_double, _ffi.NDM_KIND_FLOAT64, lambda v: v.value),
    "c": (ctypes.c_double * 2, _ffi.NDM_KIND_COMPLEX128, lambda v: complex(v[0], v[1])),
}


# --- creation ---------------------------------------------------------------------------------
def _create(name, shape, dtype_, order, *extra):
    shape = _shape_tuple(shape)
    d = dtype(dtype_)  # keep the dtype handle alive during the call
    return Array._adopt(new_handle(name, d._h, len(shape), int64s(shape),
                                   order_code(order, "CF"), *extra))


def empty(shape, dtype=float, order="C"):
    """A new array with uninitialised contents (NumPy's `empty`)."""
    return _create("ndm_empty", shape, dtype, order)


def zeros(shape, dtype=float, order="C"):
    """A new array of zeros (NumPy's `zeros`)."""
    return _create("ndm_zeros", shape, dtype, order)


def full(shape, fill_value, dtype=None, order="C"):
    """A new array with every element `fill_value` (NumPy's `full`: the value is converted to
    the dtype by NumPy's rules; dtype=None takes the value's NumPy dtype)."""
    import numpy

    np_dtype = numpy.array(fill_value).dtype if dtype is None else _numpy_dtype(dtype)
    one = numpy.empty((), np_dtype)
    numpy.copyto(one, fill_value, casting="unsafe")  # NumPy's own conversion, as np.full does
    raw = one.tobytes()
    value = ctypes.create_string_buffer(raw, max(len(raw), 1))
    return _create("ndm_full", shape, np_dtype, order, value)


def _numpy_dtype(d):
    import numpy

    return d.dtype if isinstance(d, dtype) else numpy.dtype(d)


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
    d = globals()["dtype"](dtype)
    return Array._adopt(new_handle("ndm_arange", float(start), float(stop), float(step), d._h))


# --- sharing memory with NumPy ------------------------------------------------------------------
_keep_lock = threading.Lock()
_keep = {}
_keys = itertools.count(1)


@_ffi.ndm_release_fn
def _release(data, ctx):
    # Runs exactly once, when the last ndmem array over a wrapped NumPy buffer is freed.
    with _keep_lock:
        _keep.pop(ctx, None)


def asarray(obj):
    """An ndmem.Array over `obj`'s memory with no copy (anything `np.asarray` accepts; a list is
    first converted by NumPy). The NumPy object stays alive while any ndmem array uses it."""
    if isinstance(obj, Array):
        return obj
    import numpy

    a = numpy.asarray(obj)
    d = dtype(a.dtype)
    info = a.__array_interface__
    ptr = info["data"][0]
    itemsize = a.itemsize
    lo = sum(s * (n - 1) for n, s in zip(a.shape, a.strides) if s < 0) if a.size else 0
    hi = (sum(s * (n - 1) for n, s in zip(a.shape, a.strides) if s > 0) + itemsize) if a.size else 0
    if ptr == 0:  # NumPy gives 0-size arrays a real address; be safe anyway
        a = a.copy()
        ptr, lo, hi = a.__array_interface__["data"][0], 0, 0
    key = next(_keys)
    with _keep_lock:
        _keep[key] = a
    flags = _ffi.NDM_FLAG_WRITEABLE if a.flags.writeable else 0
    try:
        h = new_handle("ndm_from_ptr", ptr + lo, hi - lo, -lo, d._h, a.ndim, int64s(a.shape),
                       int64s(a.strides), flags, _release, key)
    except BaseException:
        with _keep_lock:
            _keep.pop(key, None)
        raise
    return Array._adopt(h)


def copyto(dst, src, casting="same_kind"):
    """NumPy's `copyto`: copy `src` into `dst` with broadcasting, casting rule and memmove
    semantics when the two overlap. `src` may be anything `np.asarray` accepts."""
    if not isinstance(dst, Array):
        raise TypeError(f"copyto() argument 1 must be ndmem.Array, not {type(dst).__name__}")
    s = asarray(src)  # keep the source handle alive during the call
    call("ndm_copyto", dst._h, s._h, casting_code(casting))
