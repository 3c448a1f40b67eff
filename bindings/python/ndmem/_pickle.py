"""Pickling arrays and dtypes: the data (or a mapped file's reference), never a handle.

A handle is an address in this process: pickling it would let two Python objects own it, and
would carry a dangling address into another process. So:
- a heap array pickles its elements in C or Fortran order (protocol 5: as a `PickleBuffer`, which
  a pickler with `buffer_callback` sends out of band without copying);
- an array memory-mapped from a `.npy` or raw file opened 'r' or 'r+' (or created 'w+')
  pickles the file reference: how the file was opened, and where in the mapping the array's
  element 0 lies with which dtype, shape and strides. Unpickling maps the file again ('w+' as
  'r+', so the file is not truncated). Copy-on-write maps ('c') pickle their data: their
  changes are private to this process.
"""
import ctypes
import pickle

from ._base import ArrayBase, new_array
from ._create import frombuffer
from ._dtype import dtype
from ._file import reopen
from ._lib import int64s, lib, new_handle, numpy


def reduce(a, protocol):
    """`Array.__reduce_ex__`."""
    mapped = _mapped_root(a)
    if mapped is not None:
        root, recipe = mapped
        return _rebuild_mapped, (recipe, _view_spec(a, root))
    if protocol >= 5 and not (a.flags.c_contiguous or a.flags.f_contiguous) and a.size:
        # NumPy 2 keeps the layout of an array that is contiguous in some other axis order (a
        # transposed array): its memory goes out as is, with the axis order to restore.
        perm = sorted(range(a.ndim), key=lambda i: -a.strides[i])
        dense = a.transpose(perm)
        if dense.flags.c_contiguous:
            flat = numpy.asarray(dense).reshape(-1)
            axis_order = tuple(sorted(range(a.ndim), key=perm.__getitem__))
            return _rebuild_transposed, (pickle.PickleBuffer(flat.view("u1")),
                                         dense.dtype._text(), dense.shape, axis_order)
    order = "F" if a.flags.f_contiguous and not a.flags.c_contiguous else "C"
    contiguous = a if (a.flags.c_contiguous or a.flags.f_contiguous) else a.copy(order="C")
    data = numpy.asarray(contiguous)  # a NumPy view of the same memory, keeping it alive
    text = contiguous.dtype._text()
    if protocol >= 5:
        flat = data.reshape(-1, order="A") if data.ndim else data.reshape(1)
        return _rebuild, (pickle.PickleBuffer(flat.view("u1") if flat.size else flat.tobytes()),
                          text, a.shape, order, False)
    return _rebuild, (data.tobytes(order="A"), text, a.shape, order, True)


def _rebuild(data, dtype_text, shape, order, copy):
    """Unpickles a heap array: the bytes viewed (protocol 5, writeable if the buffer is) or
    copied into a new array (older protocols)."""
    d = dtype(dtype_text)
    flat = frombuffer(data, dtype=d)
    x = flat.reshape(shape, order=order)
    return x.copy(order=order) if copy else x


def _rebuild_transposed(data, dtype_text, shape, axis_order):
    """Unpickles an array contiguous in the axis order `axis_order` undoes (protocol 5)."""
    return frombuffer(data, dtype=dtype(dtype_text)).reshape(shape).transpose(axis_order)


def _mapped_root(a):
    """(root, recipe) when `a` views a file map that pickles by reference, else None."""
    root = a if a._file is not None else a.base
    if not isinstance(root, ArrayBase) or root._file is None:
        return None
    recipe = root._file
    if recipe[2] == "c":
        return None
    return root, recipe


def _view_spec(a, root):
    """Where `a`'s element 0 lies in the buffer it shares with `root`, and its layout."""
    start = ctypes.c_void_p()
    length = ctypes.c_size_t()
    lib.ndm_buffer_range(root._h, ctypes.byref(start), ctypes.byref(length))
    return (a.data_ptr - (start.value or 0), a.dtype._text(), a.shape, a.strides,
            a.flags.writeable)


def _rebuild_mapped(recipe, spec):
    """Maps the file again and rebuilds the view `spec` of it."""
    root = reopen(recipe)
    offset, dtype_text, shape, strides, writeable = spec
    d = dtype(dtype_text)
    h = new_handle(lib.ndm_view_buffer, root._h, d._h, offset, len(shape), int64s(shape),
                   int64s(strides), bool(writeable))
    return new_array(h, root)
