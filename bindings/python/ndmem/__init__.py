"""ndmem: NumPy's array memory model from a Rust library with a C ABI.

Arrays are handles to shared buffers: `ndmem.asarray(np_array)` wraps NumPy memory with no copy
and `np.asarray(ndmem_array)` views ndmem memory with no copy. Names and semantics follow NumPy.
"""
from ._array import Array
from ._base import Flags
from ._create import (arange, array, asarray, copy, copyto, empty_like, frombuffer, full,
                      full_like, newaxis, ones, ones_like, repack_fields, zeros, zeros_like)
from ._dlpack import from_dlpack
from ._dtype import can_cast, dtype
from ._growable import GrowableArray, empty, open_append
from ._file import (flush, iter_blocks, load, memmap, memmap_info, open_memmap,
                    release_pages, save)
from ._lib import (AxisError, CopyRequiredError, CopyWarning, Error, ExchangeError, InUseError,
                   TooHardError, last_error, lib)
from ._memory import (TRACEMALLOC_DOMAIN, copy_policy, explain, get_copy_policy, memory_report,
                      memory_stats, reset_peak, set_copy_policy, set_tag, set_tracking, track)
from ._ufunc import (absolute, ceil, conj, conjugate, floor, invert, isfinite, isinf, isnan,
                     logical_not, negative, positive, reciprocal, square)
from ._ufunc import cos, exp, expm1, log, log1p, rint, sin, sqrt, tan
from ._ufunc import get_num_threads, set_num_threads
from ._ufunc import (add, bitwise_and, bitwise_or, bitwise_xor, divide, equal, floor_divide,
                     greater, remainder,
                     greater_equal, left_shift, less, less_equal,
                     logical_and, logical_or, logical_xor, maximum, minimum, multiply,
                     not_equal, power, right_shift, subtract, true_divide)
from ._reduce import all, amax, amin, any, max, mean, min, prod, sum
from ._views import (as_strided, ascontiguousarray, asfortranarray, broadcast_shapes,
                     broadcast_to, compress, concatenate, diagonal, expand_dims, flatten,
                     is_self_overlapping, may_share_memory, moveaxis, ravel, reshape,
                     shares_memory, sliding_window_view, squeeze, swapaxes, take, transpose)

__version__ = lib.ndm_version().decode()

__all__ = [
    "Array", "AxisError", "Error", "Flags", "TooHardError", "arange", "array", "as_strided",
    "copy", "empty_like", "frombuffer", "full_like", "newaxis", "ones", "ones_like",
    "zeros_like",
    "asarray", "ascontiguousarray", "asfortranarray", "broadcast_shapes", "broadcast_to",
    "can_cast", "compress", "concatenate", "copyto", "diagonal", "dtype", "empty",
    "expand_dims", "flatten", "full", "is_self_overlapping", "last_error", "may_share_memory",
    "moveaxis", "ravel", "reshape", "shares_memory", "sliding_window_view", "squeeze",
    "swapaxes", "take", "transpose", "zeros", "add", "subtract", "multiply", "true_divide",
    "divide", "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater",
    "greater_equal", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
    "bitwise_xor", "left_shift", "right_shift", "floor_divide", "remainder", "negative",
    "positive", "absolute", "square", "reciprocal", "conjugate", "conj", "floor", "ceil",
    "invert", "logical_not", "isnan", "isinf", "isfinite", "sum", "prod", "max", "min", "amax",
    "amin", "all", "any", "mean", "power", "sqrt", "exp", "expm1", "log", "log1p", "sin", "cos", "tan",
    "rint", "repack_fields", "save", "load", "open_memmap", "memmap", "flush",
    "release_pages", "memmap_info", "iter_blocks", "set_num_threads", "get_num_threads",
    "CopyRequiredError", "CopyWarning", "TRACEMALLOC_DOMAIN", "copy_policy", "explain",
    "get_copy_policy", "memory_report", "memory_stats", "reset_peak", "set_copy_policy",
    "set_tag", "set_tracking", "track", "GrowableArray", "InUseError", "open_append",
    "ExchangeError", "from_dlpack",
]
