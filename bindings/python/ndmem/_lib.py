"""Loading the shared library (checking its version) and turning failing status codes into
Python exceptions: every C function that returns a status is checked after each call."""
import ctypes
import operator
import os
import threading
import warnings
from pathlib import Path

from . import _ffi


class _NoNumPy:
    """Stands in for NumPy when it is not installed: ndmem's own arrays work without it; what
    converts from or to NumPy objects raises ImportError when it reaches for it."""

    def __bool__(self):
        return False

    def __getattr__(self, name):
        raise ImportError(f"this needs NumPy (numpy.{name}), which is not installed: "
                          "pip install numpy")


try:
    import numpy
except ImportError:  # numpy is optional; see _NoNumPy
    numpy = _NoNumPy()

_NAMES = ("libndmem.so", "libndmem.dylib", "ndmem.dll")
# The library's SONAME (cargo-c's convention: MAJOR.MINOR while MAJOR is 0), the name it has
# inside an installed package (`pip install`), under the package's own prefix `ndmem/lib`.
SONAME = "libndmem.so." + (f"0.{_ffi.NDM_VERSION_MINOR}" if _ffi.NDM_VERSION_MAJOR == 0
                           else str(_ffi.NDM_VERSION_MAJOR))
PACKAGE = Path(__file__).resolve().parent


def _candidates():
    """NDMEM_LIBRARY if set; else the library installed inside the package; else, in a source
    checkout, cargo's release then debug build."""
    env = os.environ.get("NDMEM_LIBRARY")
    if env:
        yield Path(env)
        return
    yield PACKAGE / "lib" / SONAME
    repo = PACKAGE.parents[2]
    for profile in ("release", "debug"):
        for name in _NAMES:
            yield repo / "target" / profile / name


class Error(Exception):
    """Base class of every error raised by the ndmem library; `.status` is the C status code."""

    status = None


class AxisError(ValueError, IndexError):
    """An axis out of range (NumPy's AxisError is both a ValueError and an IndexError)."""


class TooHardError(RuntimeError):
    """A bounded computation exceeded its work limit (NumPy's TooHardError)."""


class CopyWarning(UserWarning):
    """ndmem made an implicit copy under the copy policy 'warn' (`ndmem.copy_policy`)."""


_deferred = threading.local()


def defer_warning(w):
    """Queues `w` to be issued when the ndmem call running on this thread returns (from a C
    callback, where an exception could not propagate)."""
    _deferred.__dict__.setdefault("queue", []).append(w)


def _issue_deferred():
    queue, _deferred.queue = _deferred.queue, []
    for w in queue:
        warnings.warn(w, stacklevel=4)


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
    _ffi.NDM_ERR_IN_USE: _error_class("InUseError", BufferError),
    _ffi.NDM_ERR_EXCHANGE: _error_class("ExchangeError", BufferError),
}
for _status, _cls in _BY_STATUS.items():
    _cls.status = _status
CopyRequiredError = _BY_STATUS[_ffi.NDM_ERR_COPY_REQUIRED]  # an implicit copy was forbidden
InUseError = _BY_STATUS[_ffi.NDM_ERR_IN_USE]  # live views keep memory a growable must move
ExchangeError = _BY_STATUS[_ffi.NDM_ERR_EXCHANGE]  # DLPack cannot describe it, or ndmem take it
_IO_BY_ERRNO = {}


def _io_error(errno, message):
    """An `IOFailure` that is also the `OSError` subclass Python gives `errno` (ENOENT:
    FileNotFoundError, EACCES: PermissionError, ...), with `.errno` and `.strerror` set."""
    builtin = type(OSError(errno, ""))
    if builtin is OSError:
        cls = _BY_STATUS[_ffi.NDM_ERR_IO]
    else:
        cls = _IO_BY_ERRNO.get(builtin)
        if cls is None:
            cls = _IO_BY_ERRNO[builtin] = type(builtin.__name__, (_BY_STATUS[_ffi.NDM_ERR_IO], builtin),
                                              {"__module__": "ndmem"})
    return cls(errno, message)


def last_error():
    """The library's message for the last failure on this thread."""
    return lib.ndm_last_error().decode("utf-8", "replace")


def check(status):
    """Raise the exception for a failing status, with the library's message. Failures of the
    operating system are `OSError`s with its `errno` (and the subclass Python gives it).
    Warnings queued during the call (`defer_warning`) are issued first."""
    if getattr(_deferred, "queue", None):
        if status != _ffi.NDM_OK:
            _deferred.queue = []  # the failure is what the caller needs to hear
        else:
            _issue_deferred()
    if status != _ffi.NDM_OK:
        errno = lib.ndm_last_errno() if status == _ffi.NDM_ERR_IO else 0
        if errno:
            raise _io_error(errno, last_error())
        cls = _BY_STATUS.get(status, _error_class("UnknownError", RuntimeError))
        raise cls(last_error())


INT64_MIN, INT64_MAX = -2**63, 2**63 - 1


def _load():
    tried = []
    for path in _candidates():
        tried.append(str(path))
        if path.exists():
            library = ctypes.CDLL(str(path))
            check_version(library.ndm_version, str(path))
            return _ffi.declare(library, check)
    raise ImportError(
        "ndmem: shared library not found (set NDMEM_LIBRARY, or run `cargo build --release`); "
        "looked in: " + ", ".join(tried)
    )


def check_version(ndm_version, path):
    """Refuse a library of another version than the header these bindings were generated from
    (their declarations would not match its functions)."""
    ndm_version.restype = ctypes.c_char_p
    ndm_version.argtypes = []
    found = ndm_version().decode("ascii", "replace")
    if found != _ffi.NDM_VERSION_STRING:
        raise ImportError(
            f"ndmem: {path} is version {found}, but these bindings were generated for "
            f"{_ffi.NDM_VERSION_STRING}: point NDMEM_LIBRARY at a {_ffi.NDM_VERSION_STRING} "
            "library, or regenerate the bindings (bindings/python/gen_ffi.py)"
        )


lib = _load()


def int64(value, error=OverflowError, message="Python int too large to convert to C long"):
    """`value` (an int or an object with `__index__`) checked to fit a C int64, the type every
    integer crossing into the library has; `error(message)` otherwise, as NumPy raises there
    (ctypes would silently keep the low 64 bits)."""
    value = operator.index(value)
    if not INT64_MIN <= value <= INT64_MAX:
        raise error(message)
    return value


def address(function):
    """The address of a C function loaded by ctypes (to pass it on as a function pointer)."""
    return ctypes.cast(function, ctypes.c_void_p).value


def new_handle(function, *args):
    """Call a constructor `function(..., &out)` (e.g. `lib.ndm_copy`) and return the new handle
    (an int); a failing status has already raised."""
    out = ctypes.c_void_p()
    try:
        function(*args, ctypes.byref(out))
    except BaseException:
        # A deferred CopyWarning raised as an error after the call succeeded: the new array
        # handle would be lost, so free it. (Only array-making calls copy.)
        if out.value and lib.ndm_last_status() == _ffi.NDM_OK:
            lib.ndm_array_free(out.value)
        raise
    return out.value


def int64s(values, error=OverflowError, message="Python int too large to convert to C long"):
    """A ctypes int64 array holding `values` (shapes, strides, indices), each checked by
    `int64`."""
    values = [int64(v, error, message) for v in values]
    return (ctypes.c_int64 * max(len(values), 1))(*values)
