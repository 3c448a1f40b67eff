"""ndmem: NumPy's array memory model from a Rust library with a C ABI.

Arrays are handles to shared buffers: `ndmem.asarray(np_array)` wraps NumPy memory with no copy
and `np.asarray(ndmem_array)` views ndmem memory with no copy. Names and semantics follow NumPy.
"""
from . import _ffi
from ._array import Array, Flags, arange, asarray, copyto, empty, full, zeros
from ._dtype import can_cast, dtype
from ._lib import AxisError, Error, TooHardError, last_error, lib

__version__ = lib.ndm_version().decode()

__all__ = [
    "Array", "AxisError", "Error", "Flags", "TooHardError", "arange", "asarray", "can_cast",
    "copyto", "dtype", "empty", "full", "last_error", "zeros",
]
