"""Loading the shared library and turning failing status codes into Python exceptions."""
import ctypes
import os
from pathlib import Path

from . import _ffi

_NAMES = ("libndmem.so", "libndmem.dylib", "ndmem.dll")


def _candidates():
    env = os.environ.get("NDMEM_LIBRARY")
    if env:
        yield Path(env)
        return
    here = Path(__file__).resolve().parent
    for name in _NAMES:
        yield here / name
    repo = here.parents[2]
    for profile in ("release", "debug"):
        for name in _NAMES:
            yield repo / "target" / profile / name


def _load():
    tried = []
    for path in _candidates():
        tried.append(str(path))
        if path.exists():
            return _ffi.declare(ctypes.CDLL(str(path)))
    raise ImportError(
        "ndmem: shared library not found (set NDMEM_LIBRARY, or run `cargo build --release`); "
        "looked in: " + ", ".join(tried)
    )


lib = _load()


class Error(Exception):
    """Base class of every error raised by the ndmem library; `.status` is the C status code."""

    status = None


class AxisError(ValueError, IndexError):
    """An axis out of range (NumPy's AxisError is both a ValueError and an IndexError)."""


class TooHardError(RuntimeError):
    """A bounded computation exceeded its work limit (NumPy's TooHardError)."""


def _error_class(name, builtin):
    return type(name, (Error, builtin), {"__module__": "ndmem"})


_BY_STATUS = {
    _ffi.NDM_ERR_NULL_ARG: _error_class("NullArgumentError", ValueError),
    _ffi.NDM_ERR_BAD_HANDLE: _error_class("BadHandleError", ValueError),
    _ffi.NDM_ERR_INVALID_ARG: _error_class("InvalidArgumentError", ValueError),
    _ffi.NDM_ERR_SHAPE: _error_class("ShapeError", ValueError),
    _ffi.NDM_ERR_ALLOC: _error_class("AllocationError", MemoryError),
    _ffi.NDM_ERR_DTYPE: _error_class("DtypeError", TypeError),
    _ffi.NDM_ERR_CASTING: _error_class("CastingError", TypeError),
    _ffi.NDM_ERR_INDEX: _error_class("IndexOutOfRangeError", IndexError),
    _ffi.NDM_ERR_AXIS: _error_class("AxisOutOfRangeError", AxisError),
    _ffi.NDM_ERR_BOUNDS: _error_class("BoundsError", ValueError),
    _ffi.NDM_ERR_READONLY: _error_class("ReadOnlyError", ValueError),
    _ffi.NDM_ERR_COPY_REQUIRED: _error_class("CopyRequiredError", ValueError),
    _ffi.NDM_ERR_OVERFLOW: _error_class("OverflowArithmeticError", OverflowError),
    _ffi.NDM_ERR_TOO_HARD: _error_class("WorkLimitError", TooHardError),
    _ffi.NDM_ERR_IO: _error_class("IOFailure", OSError),
    _ffi.NDM_ERR_FORMAT: _error_class("FormatError", ValueError),
    _ffi.NDM_ERR_INTERNAL: _error_class("InternalError", RuntimeError),
}
for _status, _cls in _BY_STATUS.items():
    _cls.status = _status


def last_error():
    """The library's message for the last failure on this thread."""
    return lib.ndm_last_error().decode("utf-8", "replace")


def check(status):
    """Raise the exception for a failing status, with the library's message."""
    if status != _ffi.NDM_OK:
        cls = _BY_STATUS.get(status, _error_class("UnknownError", RuntimeError))
        raise cls(last_error())


def call(name, *args):
    """Call `ndm_<name>` and raise on a failing status."""
    check(getattr(lib, name)(*args))


def new_handle(name, *args):
    """Call a constructor `ndm_<name>(..., &out)` and return the new handle (an int)."""
    out = ctypes.c_void_p()
    check(getattr(lib, name)(*args, ctypes.byref(out)))
    return out.value


def int64s(values):
    """A ctypes int64 array holding `values` (shapes, strides, indices)."""
    values = list(values)
    return (ctypes.c_int64 * max(len(values), 1))(*values)
