"""ndmem.Array and the functions that create and copy arrays."""
import ctypes
import itertools
from builtins import bool as builtins_bool
import sys
import threading

from . import _ffi
from ._dtype import dtype
from ._codes import casting_code, order_code  # noqa: F401  (re-exported to the layers above)
from ._lib import _BY_STATUS, check, int64, int64s, lib, new_handle

_BAD_HANDLE = _BY_STATUS[_ffi.NDM_ERR_BAD_HANDLE]

_MAX_DIM = "Maximum allowed dimension exceeded"


def _shape_tuple(shape):
    """A shape as a tuple of ints (one int means a 1-D shape), each within int64 (NumPy's
    ValueError otherwise)."""
    if not isinstance(shape, (tuple, list)):
        shape = (shape,)
    return tuple(int64(n, ValueError, _MAX_DIM) for n in shape)


def _owner(x):
    """NumPy's base collapsing: the first array along `x`'s base chain that owns its data or
    whose base is not an ndmem array (a NumPy array, a buffer object, a mapped file)."""
    while isinstance(x, Array) and x._base is not None and isinstance(x._base, Array) \
            and not lib.ndm_flags(x._h) & _ffi.NDM_FLAG_OWNDATA:
        x = x._base
    return x


class Flags:
    """The flags of an array, NumPy style (`.c_contiguous`, `flags['WRITEABLE']`, ...).
    `flags.writeable = False` makes the array read-only; `= True` makes it writeable again
    when its memory and its base allow (NumPy's rule)."""

    __slots__ = ("_array", "bits")

    _NAMES = {
        "C_CONTIGUOUS": _ffi.NDM_FLAG_C_CONTIGUOUS, "C": _ffi.NDM_FLAG_C_CONTIGUOUS,
        "F_CONTIGUOUS": _ffi.NDM_FLAG_F_CONTIGUOUS, "F": _ffi.NDM_FLAG_F_CONTIGUOUS,
        "OWNDATA": _ffi.NDM_FLAG_OWNDATA, "O": _ffi.NDM_FLAG_OWNDATA,
        "ALIGNED": _ffi.NDM_FLAG_ALIGNED, "A": _ffi.NDM_FLAG_ALIGNED,
        "WRITEABLE": _ffi.NDM_FLAG_WRITEABLE, "W": _ffi.NDM_FLAG_WRITEABLE,
    }

    def __init__(self, array):
        self._array = array
        self.bits = array._flag_bits()

    def __getitem__(self, name):
        return bool(self.bits & self._NAMES[name.upper()])

    def __setitem__(self, name, value):
        if self._NAMES.get(str(name).upper()) != _ffi.NDM_FLAG_WRITEABLE:
            raise KeyError(f"only the WRITEABLE flag can be set, not {name!r}")
        self.writeable = value

    c_contiguous = property(lambda self: self["C"])
    f_contiguous = property(lambda self: self["F"])
    owndata = property(lambda self: self["O"])
    aligned = property(lambda self: self["A"])
    contiguous = c_contiguous
    fortran = property(lambda self: self["F"] and not self["C"])

    @property
    def writeable(self):
        return self["W"]

    @writeable.setter
    def writeable(self, value):
        self._array._set_writeable(builtins_bool(value))
        self.bits = self._array._flag_bits()

    def __repr__(self):
        keys = ("C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE", "ALIGNED")
        return "\n".join(f"  {k} : {self[k]}" for k in keys)


class _CtypesInterface:
    """NumPy's `arr.ctypes`: the data address and layout as ctypes objects, for handing the
    memory to C (`arr.ctypes.data_as(ctypes.POINTER(ctypes.c_double))`). Pointers it makes keep
    the array alive."""

    __slots__ = ("_array",)

    def __init__(self, array):
        self._array = array

    @property
    def data(self):
        """Address of element 0 as an int."""
        return self._array.data_ptr

    def data_as(self, obj):
        """The address cast to the ctypes type `obj` (e.g. `POINTER(c_double)`)."""
        ptr = ctypes.cast(self.data, obj)
        ptr._arr = self._array
        return ptr

    def shape_as(self, obj):
        """The shape as a ctypes array of `obj` (an integer type)."""
        return (obj * self._array.ndim)(*self._array.shape)

    def strides_as(self, obj):
        """The byte strides as a ctypes array of `obj`."""
        return (obj * self._array.ndim)(*self._array.strides)

    @property
    def shape(self):
        """The shape as a ctypes array of int64."""
        return self.shape_as(ctypes.c_int64)

    @property
    def strides(self):
        """The byte strides as a ctypes array of int64."""
        return self.strides_as(ctypes.c_int64)

    @property
    def _as_parameter_(self):
        return ctypes.c_void_p(self.data)


class Array:
    """An n-dimensional array: a handle to an ndmem array (dtype, shape, byte strides, buffer).

    `np.asarray(x)` views the same memory with no copy; `ndmem.asarray(np_array)` wraps NumPy
    memory with no copy. The buffer lives while any array (ndmem or NumPy) refers to it. Every
    Array owns its own handle: copies (`copy.copy`, `copy.deepcopy`) copy the data, pickles carry
    the data (or, for a memory-mapped array, the file reference), never the handle.
    """

    __slots__ = ("_h", "_base", "_file", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("use ndmem.array/empty/zeros/full/arange/asarray to create arrays")

    @classmethod
    def _adopt(cls, handle, source=None):
        """Wrap a new handle. `source` is the object it was made from: when the new array does
        not own its data, its `.base` is `source`'s owner (NumPy's base collapsing)."""
        a = object.__new__(cls)
        a._h = handle
        a._file = None
        a._base = None
        if source is not None and not lib.ndm_flags(handle) & _ffi.NDM_FLAG_OWNDATA:
            a._base = _owner(source)
        return a

    def __del__(self):
        handle, self._h = getattr(self, "_h", None), None
        if handle and lib is not None:  # lib can be gone at interpreter shutdown
            try:
                lib.ndm_array_free(handle)
            except Exception:  # freed behind our back (a BadHandleError): nothing left to free
                pass

    def _dead(self):
        """Raise BadHandleError: this array's handle was freed or is not an array handle."""
        if self._h is None:
            raise _BAD_HANDLE("this array's handle was released")
        check(_ffi.NDM_ERR_BAD_HANDLE)

    # --- introspection -----------------------------------------------------------------------
    @property
    def ndim(self):
        """Number of axes."""
        n = lib.ndm_ndim(self._h)
        if n < 0:
            self._dead()
        return n

    @property
    def shape(self):
        """Axis lengths."""
        n, p = self.ndim, lib.ndm_shape(self._h)
        return tuple(p[i] for i in range(n))

    @property
    def strides(self):
        """Byte strides of the axes (may be negative or zero)."""
        n, p = self.ndim, lib.ndm_strides(self._h)
        return tuple(p[i] for i in range(n))

    def _count(self, getter):
        n = getter(self._h)
        if n < 0:
            self._dead()
        return n

    @property
    def size(self):
        """Number of elements."""
        return self._count(lib.ndm_size)

    @property
    def itemsize(self):
        """Bytes per element."""
        return self._count(lib.ndm_itemsize)

    @property
    def nbytes(self):
        """size * itemsize."""
        return self._count(lib.ndm_nbytes)

    @property
    def dtype(self):
        """The element type (an ndmem.dtype; `np.dtype(x.dtype)` gives NumPy's)."""
        return dtype._adopt(new_handle(lib.ndm_array_dtype, self._h))

    def _flag_bits(self):
        self.ndim  # raises for a dead handle (ndm_flags returns 0 then)
        return lib.ndm_flags(self._h)

    @property
    def flags(self):
        """C_CONTIGUOUS, F_CONTIGUOUS, OWNDATA, ALIGNED, WRITEABLE, as NumPy defines them;
        `x.flags.writeable = False` (or True) as in NumPy."""
        return Flags(self)

    def _set_writeable(self, value):
        if value:  # NumPy's rule: only while the base is writeable
            base = self._base
            base_flags = getattr(base, "flags", None)
            if base_flags is not None and not getattr(base_flags, "writeable", True):
                raise ValueError("cannot set WRITEABLE flag to True of this array")
        new = new_handle(lib.ndm_with_writeable, self._h, value)
        old, self._h = self._h, new
        lib.ndm_array_free(old)

    @property
    def base(self):
        """The object whose memory this array views (NumPy's rule: the first owner along the
        chain of views, or the foreign object: a NumPy array, a buffer), or None when this
        array owns its data. `view.base is arr` holds for a view of `arr`."""
        return self._base

    @property
    def data_ptr(self):
        """Address of element 0."""
        self.ndim
        return lib.ndm_data(self._h) or 0

    @property
    def ctypes(self):
        """NumPy's `arr.ctypes`: `.data`, `.data_as(POINTER(c_double))`, `.shape`, `.strides`."""
        return _CtypesInterface(self)

    def __sizeof__(self):
        # As NumPy's: an array that owns its data counts the data.
        owned = self.nbytes if self._flag_bits() & _ffi.NDM_FLAG_OWNDATA else 0
        return object.__sizeof__(self) + owned

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

    # --- copies and pickles -------------------------------------------------------------------
    def __copy__(self):
        """A new array with a copy of the data, same layout (NumPy's `copy.copy`)."""
        return self.copy(order="K")

    def __deepcopy__(self, memo):
        return self.copy(order="K")

    def __reduce_ex__(self, protocol):
        """Pickles carry the data (protocol 5: as an out-of-band buffer when the pickler takes
        them, so a large array is not copied twice), or for an array memory-mapped from a file
        opened 'r' or 'r+' (or created 'w+'), the file reference: path, mode, offset, dtype,
        shape and strides; the unpickled array maps the same file. Never the handle."""
        from . import _pickle

        return _pickle.reduce(self, protocol)

    # --- elements ----------------------------------------------------------------------------
    def item(self, *index):
        """The element at a full integer index as a Python scalar (NumPy's `item`): bool, int,
        float, complex, bytes (S: trailing NULs removed; V: raw), str (U), tuple (records)."""
        if len(index) == 1 and isinstance(index[0], tuple):
            index = index[0]
        index = tuple(int64(i) for i in index)
        if not index and self.size == 1 and self.ndim:
            index = (0,) * self.ndim
        if len(index) == 1 and self.ndim > 1:
            flat = index[0]
            if not -self.size <= flat < self.size:
                raise IndexError(f"index {flat} is out of bounds for size {self.size}")
            flat %= self.size
            idx = []
            for n in reversed(self.shape):
                idx.append(flat % n)
                flat //= n
            index = tuple(reversed(idx))
        d = self.dtype
        if d.names is not None:
            import numpy

            return numpy.asarray(self).item(index)
        kind = d.kind
        if kind in "SVU":
            buf = ctypes.create_string_buffer(max(self.itemsize, 1))
            lib.ndm_get_item(self._h, int64s(index), len(index), _ffi.NDM_KIND_BYTES, buf)
            raw = buf.raw[:self.itemsize]
            if kind == "S":
                return raw.rstrip(b"\0")
            if kind == "U":
                big = d.byteorder == ">" or (d.byteorder == "=" and sys.byteorder == "big")
                return raw.decode("utf-32-be" if big else "utf-32-le").rstrip("\0")
            return raw
        ctype, code, convert = _ITEM_TYPES[kind]
        value = ctype()
        lib.ndm_get_item(self._h, int64s(index), len(index), code, ctypes.byref(value))
        return convert(value)

    def fill(self, value):
        """Set every element to `value`, converted as NumPy's assignment does (NumPy's `fill`)."""
        self[...] = value

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
        return Array._adopt(new_handle(lib.ndm_copy, self._h, order_code(order)))

    def astype(self, dtype_, order="K", casting="unsafe", copy=True):
        """The elements converted to `dtype_` (NumPy's astype); copy=False returns an array over
        the same memory when no conversion is needed."""
        mode = _ffi.NDM_COPY_ALWAYS if copy else _ffi.NDM_COPY_IF_NEEDED
        d = dtype(dtype_)
        return Array._adopt(new_handle(lib.ndm_astype, self._h, d._h, casting_code(casting),
                                       order_code(order), mode), self)

    def view(self, dtype_):
        """The same memory read as `dtype_` (NumPy's `view(dtype)`): no copy, no conversion; a
        different itemsize rescales the contiguous last axis."""
        d = dtype(dtype_)
        return Array._adopt(new_handle(lib.ndm_view_dtype, self._h, d._h), self)

    def byteswap(self, inplace=False):
        """Every number's bytes reversed, dtype unchanged (NumPy's `byteswap`); with
        inplace=True this array's memory is swapped and the array itself returned."""
        h = new_handle(lib.ndm_byteswap, self._h, bool(inplace))
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
    return Array._adopt(new_handle(lib.ndm_repack, a._h))


_ITEM_TYPES = {
    "b": (ctypes.c_bool, _ffi.NDM_KIND_BOOL, lambda v: bool(v.value)),
    "i": (ctypes.c_int64, _ffi.NDM_KIND_INT64, lambda v: v.value),
    "u": (ctypes.c_uint64, _ffi.NDM_KIND_UINT64, lambda v: v.value),
    "f": (ctypes.c_double, _ffi.NDM_KIND_FLOAT64, lambda v: v.value),
    "c": (ctypes.c_double * 2, _ffi.NDM_KIND_COMPLEX128, lambda v: complex(v[0], v[1])),
}


# --- creation ---------------------------------------------------------------------------------
newaxis = None


def _create(function, shape, dtype_, order, *extra):
    shape = _shape_tuple(shape)
    d = dtype(dtype_)  # keep the dtype handle alive during the call
    return Array._adopt(new_handle(function, d._h, len(shape), int64s(shape),
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
    import numpy

    np_dtype = numpy.array(fill_value).dtype if dtype_ is None else _numpy_dtype(dtype_)
    one = numpy.empty((), np_dtype)
    numpy.copyto(one, fill_value, casting="unsafe")  # NumPy's own conversion, as np.full does
    raw = one.tobytes()
    return np_dtype, ctypes.create_string_buffer(raw, max(len(raw), 1))


def _numpy_dtype(d):
    import numpy

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
    return Array._adopt(new_handle(lib.ndm_empty_like, proto._h, d._h, order_code(order), zeroed))


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
    return Array._adopt(new_handle(lib.ndm_arange, float(start), float(stop), float(step), d._h))


# --- sharing memory with NumPy and buffers -------------------------------------------------------
_keep_lock = threading.Lock()
_keep = {}
_keys = itertools.count(1)


@_ffi.ndm_release_fn
def _release(data, ctx):
    # Runs exactly once, when the last ndmem array over a wrapped NumPy buffer is freed.
    with _keep_lock:
        _keep.pop(ctx, None)


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
    key = next(_keys)
    with _keep_lock:
        _keep[key] = a
    flags = _ffi.NDM_FLAG_WRITEABLE if a.flags.writeable else 0
    try:
        h = new_handle(lib.ndm_from_ptr, ptr + lo, hi - lo, -lo, d._h, a.ndim, int64s(a.shape),
                       int64s(a.strides), flags, _release, key)
    except BaseException:
        with _keep_lock:
            _keep.pop(key, None)
        raise
    x = Array._adopt(h)
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
    if isinstance(obj, Array):
        return obj, False
    import numpy

    a = numpy.asarray(obj)
    if a is obj or a.base is not None:
        return _wrap(a, obj), False
    if dtype_ is not None:
        a = numpy.asarray(obj, dtype=_numpy_dtype(dtype_))
    fresh = _wrap(a, None)
    code = order_code("F" if order == "F" else "C")
    return Array._adopt(new_handle(lib.ndm_copy, fresh._h, code)), True


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
    same_dtype = dtype is None or x.dtype == globals()["dtype"](dtype)
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
    import numpy

    d = globals()["dtype"](dtype)
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
    x = Array._adopt(h, whole)
    x._base = buffer
    return x


def copyto(dst, src, casting="same_kind"):
    """NumPy's `copyto`: copy `src` into `dst` with broadcasting, casting rule and memmove
    semantics when the two overlap. `src` may be anything `np.asarray` accepts."""
    if not isinstance(dst, Array):
        raise TypeError(f"copyto() argument 1 must be ndmem.Array, not {type(dst).__name__}")
    s = asarray(src)  # keep the source handle alive during the call
    lib.ndm_copyto(dst._h, s._h, casting_code(casting))
