"""Growable arrays: `ndmem.empty(shape, capacity=n)` and `ndmem.open_append(file, ...)` make a
`GrowableArray`, which grows with `append`, `extend` and `reserve` in amortised O(row size), in
memory or at the end of an `.npy` file, and otherwise behaves as the `ndmem.Array` of its rows.

Everything read from it is a snapshot that holds the rows it was made from: a NumPy array
(`np.asarray(x)`), an ndmem view (`x[1:3]`, `x.T`), a pointer (`x.ctypes`), a method's result.
A later append never invalidates one. Within `capacity` appends move nothing and snapshots see
the growable's memory; past it the growable moves (snapshots keep the old memory, unchanged:
an implicit copy that `memory_stats` counts and that `on_move="refuse"` or a forbidding copy
policy turns into an error). Without live snapshots the memory is resized by `realloc` and no
copy is counted."""
import ctypes
import threading

from . import _ffi
from ._base import ArrayBase, _shape_tuple, new_array
from ._codes import order_code
from ._create import asarray, empty as _empty
from ._dtype import dtype as _as_dtype
from ._file import _path
from ._lib import _BY_STATUS, int64, int64s, lib, new_handle, numpy

_addressof, _c_char = ctypes.addressof, ctypes.c_char
np_ndarray = numpy.ndarray if numpy else None
_POLICIES = {"move": _ffi.NDM_GROW_MOVE, "refuse": _ffi.NDM_GROW_REFUSE}
_RELEASED = _BY_STATUS[_ffi.NDM_ERR_BAD_HANDLE]


def _policy_code(on_move):
    try:
        return _POLICIES[on_move]
    except (KeyError, TypeError):
        raise ValueError(f"on_move must be 'move' or 'refuse' (got {on_move!r})") from None


def _on_rows(name):
    """A special method applied to the rows (Python looks special methods up on the class,
    so `__getattr__` cannot supply them)."""
    def method(self, *args):
        return getattr(self.rows(), name)(*args)
    method.__name__ = name
    return method


def _in_place(name):
    """`x op= y` applied to the rows in place; `x` stays the growable array."""
    def method(self, other):
        getattr(self.rows(), name)(other)
        return self
    method.__name__ = name
    return method


class GrowableArray:
    """An array that grows by rows along its outermost memory axis (axis 0 in C order, the
    last axis in F order). Attributes and methods of `ndmem.Array` (shape, dtype, indexing,
    operators, reductions, `copy`, ...) apply to `rows()`, the array of its rows now. Safe to
    share between threads: growth is serialised, and every reader works on its own snapshot."""

    __slots__ = ("_g", "_lock", "_fast", "_policy", "_rows", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("use ndmem.empty(..., capacity=n) or ndmem.open_append to create growable arrays")

    @classmethod
    def _wrap(cls, g, on_move="move", shape=None, np_dtype=None):
        """A GrowableArray owning `g` (whose shape and NumPy dtype are asked when not given)."""
        x = object.__new__(cls)
        x._g, x._lock, x._rows, x._policy = g, threading.Lock(), None, "move"
        if on_move != "move":
            x.on_move = on_move
        if shape is None:
            shape, np_dtype = x.shape, x.dtype.dtype if numpy else None
        fortran = len(shape) > 1 and lib.ndm_growable_axis(g) > 0
        # What `append` compares a NumPy array with to copy its bytes as they are.
        x._fast = (np_dtype, len(shape), fortran, shape[:-1] if fortran else shape[1:])
        return x

    def _handle(self):
        g = self._g
        if g is None:
            raise _RELEASED("this growable array was closed")
        return g

    def rows(self):
        """The rows now as an `ndmem.Array` (a view, no copy), kept until the next growth: it
        stays valid, with these rows, whatever the growable does next."""
        r = self._rows
        if r is None:
            with self._lock:
                r = self._rows
                if r is None:
                    r = self._rows = new_array(new_handle(lib.ndm_growable_view, self._handle()))
        return r

    def __getattr__(self, name):
        if name.startswith("__"):  # NumPy's protocols would keep this object, not the rows
            raise AttributeError(name)
        return getattr(self.rows(), name)

    def __array__(self, dtype=None, copy=None):
        a = numpy.asarray(self.rows())
        if dtype is not None:
            return a.astype(dtype, copy=bool(copy))
        return a.copy() if copy else a

    def __repr__(self):
        return "ndmem.GrowableArray(" + repr(self.rows())[len("ndmem."):] + ")" \
            if numpy else f"ndmem.GrowableArray(shape={self.shape}, dtype={self.dtype})"

    __dlpack__ = _on_rows("__dlpack__")  # the tensor keeps the rows it shows
    __dlpack_device__ = _on_rows("__dlpack_device__")
    __len__ = _on_rows("__len__")
    __getitem__ = _on_rows("__getitem__")
    __setitem__ = _on_rows("__setitem__")
    __iter__ = _on_rows("__iter__")
    __bool__ = _on_rows("__bool__")
    __neg__, __pos__, __abs__, __invert__ = (_on_rows(n) for n in (
        "__neg__", "__pos__", "__abs__", "__invert__"))
    __eq__, __ne__, __lt__, __le__, __gt__, __ge__ = (_on_rows(n) for n in (
        "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"))
    __hash__ = None
    __add__, __radd__, __sub__, __rsub__, __mul__, __rmul__ = (_on_rows(n) for n in (
        "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__"))
    __truediv__, __rtruediv__, __floordiv__, __rfloordiv__, __mod__, __rmod__ = (
        _on_rows(n) for n in ("__truediv__", "__rtruediv__", "__floordiv__",
                              "__rfloordiv__", "__mod__", "__rmod__"))
    __pow__, __rpow__, __and__, __rand__, __or__, __ror__, __xor__, __rxor__ = (
        _on_rows(n) for n in ("__pow__", "__rpow__", "__and__", "__rand__", "__or__",
                              "__ror__", "__xor__", "__rxor__"))
    __lshift__, __rlshift__, __rshift__, __rrshift__ = (_on_rows(n) for n in (
        "__lshift__", "__rlshift__", "__rshift__", "__rrshift__"))
    __iadd__, __isub__, __imul__, __itruediv__, __ifloordiv__, __imod__, __ipow__ = (
        _in_place(n) for n in ("__iadd__", "__isub__", "__imul__", "__itruediv__",
                               "__ifloordiv__", "__imod__", "__ipow__"))
    __iand__, __ior__, __ixor__, __ilshift__, __irshift__ = (_in_place(n) for n in (
        "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__"))

    def __copy__(self):
        return self.rows().copy(order="K")

    def __deepcopy__(self, memo):
        return self.rows().copy(order="K")

    def __reduce_ex__(self, protocol):
        """Pickles as the `ndmem.Array` of its rows (a growable is a writer, not a value)."""
        return self.rows().__reduce_ex__(protocol)

    # --- growth ------------------------------------------------------------------------------
    def _grow(self, function, *args):
        with self._lock:
            g = self._handle()
            self._rows = None  # this object's snapshot must not pin the memory
            function(g, *args)

    def append(self, values):
        """Appends one row (`values` with fewer dimensions than the array, broadcast to the row
        shape) or a block of rows (as many dimensions, its length along the growing axis).
        Arrays are cast with casting='same_kind' (TypeError otherwise) and Python values
        converted as NumPy's assignment converts them; nothing changes when they do not fit."""
        raw = self._raw_rows(values)
        if raw is not None:
            self._grow(lib.ndm_append_raw, *raw)
            return
        if isinstance(values, GrowableArray):
            values = values.rows()
        elif not isinstance(values, ArrayBase) and not (numpy and isinstance(values,
                                                                             numpy.ndarray)):
            values = numpy.asarray(values, dtype=self._fast[0]) if numpy else values
        a = values if isinstance(values, ArrayBase) else asarray(values)
        self._grow(lib.ndm_append, a._h)

    def _raw_rows(self, values):
        """(address, rows) when `values` is a NumPy array whose bytes are rows as they are
        stored (same dtype, contiguous in the array's order): one copy, no conversion."""
        np_dtype, ndim, fortran, row = self._fast
        if type(values) is not np_ndarray or values.dtype != np_dtype:
            return None
        shape = values.shape
        if len(shape) == ndim:
            rows, rest = (shape[-1], shape[:-1]) if fortran else (shape[0], shape[1:])
        else:
            rows, rest = 1, shape
        if rest != row or not (values.flags.f_contiguous if fortran
                               else values.flags.c_contiguous):
            return None
        try:  # the buffer protocol is the cheapest way to the address (writeable arrays)
            return _addressof(_c_char.from_buffer(values)), rows
        except (TypeError, ValueError):  # read-only, or no elements
            return values.ctypes.data, rows

    def extend(self, rows):
        """Appends each row of the iterable `rows` (an array is appended as one block)."""
        if isinstance(rows, (ArrayBase, GrowableArray)) or numpy and isinstance(rows,
                                                                                numpy.ndarray):
            self.append(rows if len(getattr(rows, "shape", ())) == self._fast[1]
                        else asarray(rows)[None])
            return
        for row in rows:
            self.append(row)

    def reserve(self, rows):
        """Makes room for at least `rows` rows in all (never shrinks)."""
        self._grow(lib.ndm_reserve, int64(rows))

    def shrink_to_fit(self):
        """Gives back the room past the last row when no snapshot holds the memory (or maps the
        file); with live snapshots it does nothing."""
        self._grow(lib.ndm_shrink_to_fit)

    @property
    def capacity(self):
        """Rows that fit before the next move."""
        with self._lock:
            return lib.ndm_capacity(self._handle())

    @property
    def live_views(self):
        """Arrays (snapshots, their views, NumPy arrays over them) that hold the memory now,
        this object's own snapshot not counted."""
        with self._lock:
            g = self._handle()
            own = self._rows is not None
            return lib.ndm_growable_live_views(g) - own

    @property
    def on_move(self):
        """'move' (the default: snapshots keep the old memory when the array must move) or
        'refuse' (such an append raises BufferError naming the live views)."""
        return self._policy

    @on_move.setter
    def on_move(self, value):
        code = _policy_code(value)
        with self._lock:
            lib.ndm_growable_set_policy(self._handle(), code)
            self._policy = value

    def flush(self):
        """For a file from `open_append`: writes the rows, then makes the header count them,
        so the file loads with them even if the process dies later. A no-op in memory."""
        with self._lock:
            lib.ndm_growable_flush(self._handle())

    def close(self):
        """Flushes a file and releases the growable (snapshots stay valid). Further use of this
        object raises BadHandleError; closing twice is fine."""
        with self._lock:
            g, self._g, self._rows = self._g, None, None
            if g is not None:
                lib.ndm_growable_free(g)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        g = getattr(self, "_g", None)
        if g is None or lib is None:  # never made, closed, or interpreter shutdown
            return
        self._g = self._rows = None
        try:
            lib.ndm_growable_free(g)
        except Exception:  # an I/O error flushing a file: nobody left to tell
            pass


def empty(shape, dtype=float, order="C", *, capacity=None, on_move="move"):
    """NumPy's `empty`; with `capacity` (rows), a `GrowableArray` of `shape` (its growing axis,
    0 in C order and the last in F order, is the initial rows, usually 0) with room for that
    many rows before it moves."""
    if capacity is None:
        return _empty(shape, dtype, order)
    shape = _shape_tuple(shape)
    d = _as_dtype(dtype)
    code = order_code(order, "CF")
    _policy_code(on_move)
    g = new_handle(lib.ndm_empty_growable, d._h, len(shape), int64s(shape), int64(capacity), code)
    return GrowableArray._wrap(g, on_move, shape, d.dtype if numpy else None)


def open_append(file, dtype=None, row_shape=None, *, order=None, capacity=None,
                on_move="move"):
    """Opens the `.npy` file `file` for appending rows in place (a `GrowableArray` over it).
    An existing file keeps its rows and must match `dtype`, `row_shape` and `order` where
    given; a missing file is created with no rows (`dtype` and `row_shape` needed). After
    `flush()` and `close()` the file is a complete `.npy` file (`np.load` reads it); if the
    process dies in between, it loads with the rows of the last flush."""
    _policy_code(on_move)
    d = None if dtype is None else _as_dtype(dtype)
    row = None if row_shape is None else _shape_tuple(row_shape)
    g = new_handle(lib.ndm_open_append, _path(file), None if d is None else d._h,
                   -1 if row is None else len(row), int64s(row or ()),
                   order_code("A" if order is None else order, "CFA"))
    x = GrowableArray._wrap(g, on_move)
    if capacity is not None:
        x.reserve(capacity)
    return x
