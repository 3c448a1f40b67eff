"""ndmem.Array, the class of every ndmem array, at the top of the package.

Its body declares every method. What one handle knows (shape, dtype, flags, elements, the NumPy
interfaces, one-call copies) comes from `ArrayBase` (`_base`); views, operators, reductions,
pickling and files delegate to the layers in between, which make their results as instances of
this class (`_base.new_array`) without importing it.
"""
from . import _dlpack, _file, _pickle, _reduce, _ufunc, _views
from ._base import ArrayBase


class Array(ArrayBase):
    """An n-dimensional array: a handle to an ndmem array (dtype, shape, byte strides, buffer).

    `np.asarray(x)` views the same memory with no copy; `ndmem.asarray(np_array)` wraps NumPy
    memory with no copy. The buffer lives while any array (ndmem or NumPy) refers to it. Every
    Array owns its own handle: copies (`copy.copy`, `copy.deepcopy`) copy the data, pickles carry
    the data (or, for a memory-mapped array, the file reference), never the handle.
    """

    __slots__ = ()

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
        return _pickle.reduce(self, protocol)

    # --- DLPack (_dlpack) ---------------------------------------------------------------------
    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule over this array's memory, no copy (DLPack's Python protocol; what
        `np.from_dlpack`, `torch.from_dlpack` and `jax.dlpack.from_dlpack` call)."""
        return _dlpack.to_capsule(self, stream, max_version, dl_device, copy)

    def __dlpack_device__(self):
        """(kDLCPU, 0): ndmem's memory is the CPU's."""
        return _dlpack.device(self)

    # --- indexing and views (_views) ----------------------------------------------------------
    def __getitem__(self, key):
        return _views.getitem(self, key)

    def __setitem__(self, key, value):
        _views.setitem(self, key, value)

    def fill(self, value):
        """Set every element to `value`, converted as NumPy's assignment does (NumPy's `fill`)."""
        self[...] = value

    @property
    def T(self):
        """The transposed view."""
        return self.transpose()

    def transpose(self, *axes):
        """A view with permuted axes (`x.transpose(1, 0)` or `x.transpose((1, 0))`)."""
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return _views.transpose(self, axes or None)

    def swapaxes(self, axis1, axis2):
        """A view with two axes exchanged."""
        return _views.swapaxes(self, axis1, axis2)

    def reshape(self, *shape, order="C", copy=None):
        """NumPy's reshape (`x.reshape(2, 3)` or `x.reshape((2, 3))`)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return _views.reshape(self, shape, order=order, copy=copy)

    def ravel(self, order="C"):
        """A 1-D view when possible, else a copy."""
        return _views.ravel(self, order)

    def flatten(self, order="C"):
        """A new 1-D array owning its data."""
        return _views.flatten(self, order)

    def squeeze(self, axis=None):
        """A view without length-1 axes."""
        return _views.squeeze(self, axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        """A read-only view of a diagonal."""
        return _views.diagonal(self, offset, axis1, axis2)

    # --- operators (_ufunc): a op b, b op a, a op= b ------------------------------------------
    __add__, __radd__, __iadd__ = _ufunc.operators(_ufunc.add)
    __sub__, __rsub__, __isub__ = _ufunc.operators(_ufunc.subtract)
    __mul__, __rmul__, __imul__ = _ufunc.operators(_ufunc.multiply)
    __truediv__, __rtruediv__, __itruediv__ = _ufunc.operators(_ufunc.true_divide)
    __floordiv__, __rfloordiv__, __ifloordiv__ = _ufunc.operators(_ufunc.floor_divide)
    __mod__, __rmod__, __imod__ = _ufunc.operators(_ufunc.remainder)
    __pow__, __rpow__, __ipow__ = _ufunc.operators(_ufunc.power)
    __and__, __rand__, __iand__ = _ufunc.operators(_ufunc.bitwise_and)
    __or__, __ror__, __ior__ = _ufunc.operators(_ufunc.bitwise_or)
    __xor__, __rxor__, __ixor__ = _ufunc.operators(_ufunc.bitwise_xor)
    __lshift__, __rlshift__, __ilshift__ = _ufunc.operators(_ufunc.left_shift)
    __rshift__, __rrshift__, __irshift__ = _ufunc.operators(_ufunc.right_shift)
    __neg__ = _ufunc.method(_ufunc.negative)
    __pos__ = _ufunc.method(_ufunc.positive)
    __abs__ = _ufunc.method(_ufunc.absolute)
    __invert__ = _ufunc.method(_ufunc.invert)
    __eq__ = _ufunc.method(_ufunc.equal)
    __ne__ = _ufunc.method(_ufunc.not_equal)
    __lt__ = _ufunc.method(_ufunc.less)
    __le__ = _ufunc.method(_ufunc.less_equal)
    __gt__ = _ufunc.method(_ufunc.greater)
    __ge__ = _ufunc.method(_ufunc.greater_equal)
    __hash__ = None  # mutable, and == is element-wise (as NumPy's)

    # --- reductions (_reduce) -----------------------------------------------------------------
    sum = _reduce.method(_reduce.sum)
    prod = _reduce.method(_reduce.prod)
    max = _reduce.method(_reduce.max)
    min = _reduce.method(_reduce.min)
    all = _reduce.method(_reduce.all)
    any = _reduce.method(_reduce.any)
    mean = _reduce.method(_reduce.mean)

    # --- files (_file) ------------------------------------------------------------------------
    def flush(self):
        """Writes the changes to a memory-mapped array back to its file (NumPy's
        `memmap.flush`); a no-op for modes 'r' and 'c'. ValueError if not memory-mapped."""
        _file.flush(self)
