"""The layer every array operation stands on: `ArrayBase` owns one handle and answers what the
handle knows (shape, strides, dtype, flags, elements, the NumPy interfaces) and makes the
copies that are one C call (`copy`, `astype`, `view`, `byteswap`). `ndmem.Array` (in `_array`,
the top of the package) extends it with the views, operators, reductions and pickling of the
layers in between; this layer makes its arrays as instances of that class (`new_array`)
without importing it."""
import ctypes
from builtins import bool as builtins_bool
import sys
import weakref

from . import _ffi
from ._dtype import dtype
from ._codes import casting_code, order_code
from ._lib import _BY_STATUS, check, int64, int64s, lib, new_handle, numpy

_BAD_HANDLE = _BY_STATUS[_ffi.NDM_ERR_BAD_HANDLE]

_MAX_DIM = "Maximum allowed dimension exceeded"


def _shape_tuple(shape):
    """A shape as a tuple of ints (one int means a 1-D shape), each within int64 (NumPy's
    ValueError otherwise)."""
    if not isinstance(shape, (tuple, list)):
        shape = (shape,)
    return tuple(int64(n, ValueError, _MAX_DIM) for n in shape)


def new_array(handle, source=None):
    """A new ndmem.Array owning `handle` (see `ArrayBase._adopt`)."""
    return ArrayBase._array_class._adopt(handle, source)


def _owner(x):
    """NumPy's base collapsing: the first array along `x`'s base chain that owns its data or
    whose base is not an ndmem array (a NumPy array, a buffer object, a mapped file)."""
    while isinstance(x, ArrayBase) and not lib.ndm_flags(x._h) & _ffi.NDM_FLAG_OWNDATA \
            and isinstance(x._base, (ArrayBase, weakref.ref)):
        up = x.base
        if up is None:
            break
        x = up
    return x


def _held(base):
    """How a view holds its base. A writeable ndmem array whose memory only handles hold (it
    owns its data, or views memory of no Python object: the rows of a growable array), weakly:
    the view's own handle keeps the memory alive, so a small view never keeps a large base
    *array* reachable, and the retention report, `explain` and a growable's count of live
    views say what really holds the memory. Anything else strongly, as NumPy does: a
    memory-mapped root (it pickles by file reference), a read-only base (`flags.writeable =
    True` on the view asks it), foreign objects (NumPy arrays, buffers)."""
    if isinstance(base, ArrayBase) and base._file is None:
        flags = lib.ndm_flags(base._h)
        only_handles = flags & _ffi.NDM_FLAG_OWNDATA or base._base is None
        if only_handles and flags & _ffi.NDM_FLAG_WRITEABLE:
            return weakref.ref(base)
    return base


def _base_of(x):
    """`x`'s base object if it is still alive, else None."""
    b = x._base
    return b() if isinstance(b, weakref.ref) else b


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
        key = name.decode("ascii", "replace") if isinstance(name, bytes) else name
        bit = self._NAMES.get(key.upper()) if isinstance(key, str) else None
        if bit is None:
            raise KeyError("Unknown flag")  # NumPy's error for any other key
        return bool(self.bits & bit)

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


class ArrayBase:
    """An ndmem array's handle and what it knows; see `ndmem.Array`, the class of every array."""

    __slots__ = ("_h", "_base", "_file", "__weakref__")

    _array_class = None  # ndmem.Array, the class that extends this one (set by __init_subclass__)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if ArrayBase._array_class is None:
            ArrayBase._array_class = cls

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
            a._base = _held(_owner(source))
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
            base = _base_of(self)
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
        array owns its data. `view.base is arr` holds for a view of `arr` while `arr` lives;
        a view does not keep an ndmem base alive (its memory, yes), so once `arr` is gone
        `.base` is a new array over the same owner's memory."""
        b = self._base
        if not isinstance(b, weakref.ref):
            return b
        base = b()
        if base is None:  # rebuilt over the owner's memory, then kept: `v.base is v.base`
            h = new_handle(lib.ndm_base, self._h)
            base = self._adopt(h) if h else None
            self._base = base
        return base

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
        if not numpy:
            return f"ndmem.Array(shape={self.shape}, dtype={self.dtype})"
        return "ndmem." + repr(numpy.asarray(self))

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

    # --- copies ------------------------------------------------------------------------------
    def copy(self, order="C"):
        """A new array owning a copy of the elements (NumPy's default order here is 'C')."""
        return self._adopt(new_handle(lib.ndm_copy, self._h, order_code(order)))

    def astype(self, dtype_, order="K", casting="unsafe", copy=True):
        """The elements converted to `dtype_` (NumPy's astype); copy=False returns an array over
        the same memory when no conversion is needed."""
        mode = _ffi.NDM_COPY_ALWAYS if copy else _ffi.NDM_COPY_IF_NEEDED
        d = dtype(dtype_)
        return self._adopt(new_handle(lib.ndm_astype, self._h, d._h, casting_code(casting),
                                       order_code(order), mode), self)

    def view(self, dtype_):
        """The same memory read as `dtype_` (NumPy's `view(dtype)`): no copy, no conversion; a
        different itemsize rescales the contiguous last axis."""
        d = dtype(dtype_)
        return self._adopt(new_handle(lib.ndm_view_dtype, self._h, d._h), self)

    def byteswap(self, inplace=False):
        """Every number's bytes reversed, dtype unchanged (NumPy's `byteswap`); with
        inplace=True this array's memory is swapped and the array itself returned."""
        h = new_handle(lib.ndm_byteswap, self._h, bool(inplace))
        if inplace:
            lib.ndm_array_free(h)
            return self
        return self._adopt(h)

    def tolist(self):
        """The elements as nested Python lists."""
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
    return d.dtype if numpy else descr


def _no_padding(descr):
    return all(e[0] != "" and (not isinstance(e[1], list) or _no_padding(e[1])) for e in descr)


_ITEM_TYPES = {
    "b": (ctypes.c_bool, _ffi.NDM_KIND_BOOL, lambda v: bool(v.value)),
    "i": (ctypes.c_int64, _ffi.NDM_KIND_INT64, lambda v: v.value),
    "u": (ctypes.c_uint64, _ffi.NDM_KIND_UINT64, lambda v: v.value),
    "f": (ctypes.c_double, _ffi.NDM_KIND_FLOAT64, lambda v: v.value),
    "c": (ctypes.c_double * 2, _ffi.NDM_KIND_COMPLEX128, lambda v: complex(v[0], v[1])),
}


