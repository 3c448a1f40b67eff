"""Growable arrays: `ndmem.empty(shape, capacity=n)` and `ndmem.open_append(file, ...)` make a
`GrowableArray`, an `ndmem.Array` of the rows appended so far that grows with `append`,
`extend` and `reserve` in amortised O(row size), in memory or at the end of an `.npy` file.

Every NumPy view of it (`np.asarray(x)`), every ndmem view (`x[1:3]`, `x.T`) and every pointer
handed out (`x.ctypes`) holds the rows it was made from: a later append never invalidates it.
Within `capacity` appends move nothing and such views see the growable's memory; past it the
growable moves (views keep the old memory, unchanged: an implicit copy that `memory_stats`
counts and that `on_move="refuse"` or a forbidding copy policy turns into an error). Without
live views the memory moves with no copy at all."""
import threading

from . import _ffi
from ._array import Array
from ._base import ArrayBase, _shape_tuple, new_array
from ._codes import order_code
from ._create import asarray, empty as _empty
from ._dtype import dtype as _as_dtype
from ._file import _path
from ._lib import int64, int64s, lib, new_handle, numpy

_VIEW = ArrayBase._h  # the slot that holds an array's handle: here, a view of the current rows
_POLICIES = {"move": _ffi.NDM_GROW_MOVE, "refuse": _ffi.NDM_GROW_REFUSE}


def _policy_code(on_move):
    try:
        return _POLICIES[on_move]
    except (KeyError, TypeError):
        raise ValueError(f"on_move must be 'move' or 'refuse' (got {on_move!r})") from None


class GrowableArray(Array):
    """An ndmem array that grows by rows along its outermost memory axis (axis 0 in C order,
    the last axis in F order). Everything an `ndmem.Array` does applies to its current rows.
    Not for use from two threads at once without a lock (as a Python list being appended to
    while read); its views are ordinary arrays."""

    __slots__ = ("_g", "_lock", "_row", "_fast", "_policy")

    def _current(self):
        h = _VIEW.__get__(self)
        if h is None and self._g is not None:
            h = new_handle(lib.ndm_growable_view, self._g)
            _VIEW.__set__(self, h)
        return h

    def _set_current(self, h):
        _VIEW.__set__(self, h)

    # The handle every inherited method uses: a view of the rows now, made when first asked.
    _h = property(_current, _set_current)

    @classmethod
    def _wrap(cls, g, on_move="move"):
        x = object.__new__(cls)
        _VIEW.__set__(x, None)
        x._g, x._lock, x._base, x._file = g, threading.Lock(), None, None
        x._fast = x._row = None
        x._policy = "move"
        x.on_move = on_move
        return x

    def _release_view(self):
        """Frees this object's own view, so that it does not count as a live view (and the
        rows can move without a copy)."""
        h = _VIEW.__get__(self)
        if h is not None:
            _VIEW.__set__(self, None)
            lib.ndm_array_free(h)

    def _grow(self, function, *args):
        with self._lock:
            if self._g is None:
                self._dead()
            self._release_view()
            function(self._g, *args)

    def _snapshot(self):
        """An ordinary array of the rows now: what is handed to NumPy and C, so that what they
        hold stays valid whatever this array does next."""
        with self._lock:
            if self._g is None:
                self._dead()
            return new_array(new_handle(lib.ndm_growable_view, self._g))

    # --- NumPy and C see a snapshot ----------------------------------------------------------
    @property
    def __array_interface__(self):
        # NumPy would keep this object (whose memory may move) as the base: it asks __array__.
        raise AttributeError("a growable array is handed to NumPy through __array__")

    def __array__(self, dtype=None, copy=None):
        a = numpy.asarray(self._snapshot())
        if dtype is not None:
            return a.astype(dtype, copy=bool(copy))
        return a.copy() if copy else a

    @property
    def ctypes(self):
        """`arr.ctypes` of a snapshot: pointers made from it stay valid after appends."""
        return self._snapshot().ctypes

    # --- growth ------------------------------------------------------------------------------
    def append(self, values):
        """Appends one row (`values` with fewer dimensions than the array, broadcast to the row
        shape) or a block of rows (as many dimensions, its length along the growing axis).
        Values are cast with casting='same_kind' (TypeError otherwise), as NumPy's assignment;
        nothing changes when the values do not fit."""
        raw = self._raw_rows(values)
        if raw is not None:
            self._grow(lib.ndm_append_raw, *raw)
            return
        a = values if isinstance(values, ArrayBase) else asarray(values)
        self._grow(lib.ndm_append, a._h)

    def _raw_rows(self, values):
        """(address, rows) when `values` is a NumPy array whose bytes are rows as they are
        stored (same dtype, contiguous in the array's order): one copy, no conversion."""
        if numpy is None or type(values) is not numpy.ndarray:
            return None
        if self._fast is None:
            ndim = self.ndim
            self._fast = (self.dtype.dtype, ndim, ndim > 1 and lib.ndm_growable_axis(self._g) > 0)
        np_dtype, ndim, fortran = self._fast
        if values.dtype != np_dtype or not (values.flags.f_contiguous if fortran
                                            else values.flags.c_contiguous):
            return None
        row = self._row_shape()
        if values.ndim == ndim:
            rows = values.shape[-1] if fortran else values.shape[0]
            rest = values.shape[:-1] if fortran else values.shape[1:]
        else:
            rows, rest = 1, values.shape
        if rest != row:
            return None
        return values.ctypes.data, rows

    def _row_shape(self):
        if self._row is None:
            shape = self.shape
            self._row = shape[:-1] if self._fast[2] else shape[1:]
        return self._row

    def extend(self, rows):
        """Appends each row of the iterable `rows` (an array is appended as one block)."""
        if isinstance(rows, ArrayBase) or numpy and isinstance(rows, numpy.ndarray):
            a = rows if isinstance(rows, ArrayBase) else asarray(rows)
            self._grow(lib.ndm_append, a._h)
            return
        for row in rows:
            self.append(row)

    def reserve(self, rows):
        """Makes room for at least `rows` rows in all (never shrinks)."""
        self._grow(lib.ndm_reserve, int64(rows))

    def shrink_to_fit(self):
        """Gives back the room past the last row when no view holds the memory (or maps the
        file); with live views it does nothing."""
        self._grow(lib.ndm_shrink_to_fit)

    @property
    def capacity(self):
        """Rows that fit before the next move."""
        return self._ask(lib.ndm_capacity)

    @property
    def live_views(self):
        """Arrays (ndmem views, NumPy arrays through them) that hold the current memory."""
        with self._lock:
            self._release_view()
            return self._ask(lib.ndm_growable_live_views)

    def _ask(self, getter):
        if self._g is None:
            self._dead()
        n = getter(self._g)
        if n < 0:
            self._dead()
        return n

    @property
    def on_move(self):
        """'move' (the default: views keep the old memory when the array must move) or
        'refuse' (such an append raises BufferError naming the live views)."""
        return self._policy

    @on_move.setter
    def on_move(self, value):
        code = _policy_code(value)
        with self._lock:
            if self._g is None:
                self._dead()
            lib.ndm_growable_set_policy(self._g, code)
            self._policy = value

    def flush(self):
        """For a file from `open_append`: writes the rows, then makes the header count them,
        so the file loads with them even if the process dies later. A no-op in memory."""
        with self._lock:
            if self._g is None:
                self._dead()
            lib.ndm_growable_flush(self._g)

    def close(self):
        """Flushes a file and releases the growable (its views stay valid). Further use of this
        object raises BadHandleError."""
        with self._lock:
            g, self._g = self._g, None
            self._release_view()
            if g is not None:
                lib.ndm_growable_free(g)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            g, h = self._g, _VIEW.__get__(self)
        except AttributeError:  # never fully made
            return
        self._g = None
        if lib is None:  # interpreter shutdown
            return
        for free, handle in ((lib.ndm_array_free, h), (lib.ndm_growable_free, g)):
            if handle:
                try:
                    free(handle)
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
    g = new_handle(lib.ndm_empty_growable, d._h, len(shape), int64s(shape), int64(capacity),
                   order_code(order, "CF"))
    return GrowableArray._wrap(g, on_move)


def open_append(file, dtype=None, row_shape=None, *, order=None, capacity=None,
                on_move="move"):
    """Opens the `.npy` file `file` for appending rows in place (a `GrowableArray` over it).
    An existing file keeps its rows and must match `dtype`, `row_shape` and `order` where
    given; a missing file is created with no rows (`dtype` and `row_shape` needed). After
    `flush()` and `close()` the file is a complete `.npy` file (`np.load` reads it); if the
    process dies in between, it loads with the rows of the last flush."""
    d = None if dtype is None else _as_dtype(dtype)
    row = None if row_shape is None else _shape_tuple(row_shape)
    g = new_handle(lib.ndm_open_append, _path(file), None if d is None else d._h,
                   -1 if row is None else len(row), int64s(row or ()),
                   order_code("A" if order is None else order, "CFA"))
    x = GrowableArray._wrap(g, on_move)
    if capacity is not None:
        x.reserve(capacity)
    return x
