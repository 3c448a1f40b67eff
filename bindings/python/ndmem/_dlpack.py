"""DLPack, the array ecosystem's zero-copy exchange (NumPy 2, PyTorch, JAX, CuPy, ...), both ways:
`Array.__dlpack__` / `__dlpack_device__` (the producer side of DLPack's Python specification)
and `from_dlpack` (the consumer side), over the C functions `ndm_to_dlpack` and
`ndm_from_dlpack_versioned`.

A capsule is made and read with CPython's capsule functions through ctypes. Its name and its
destructor are the library's (`ndm_dlpack_capsule_name`, `ndm_dlpack_capsule_destructor`):
static strings and a C function that runs no Python, so a capsule freed during interpreter
shutdown never reaches freed memory or a torn-down module.
"""
import ctypes
import threading

from . import _ffi
from ._base import new_array
from ._lib import address, lib, new_handle

KDLCPU = 1  # DLPack's device type of CPU memory: every ndmem array is there, device 0
VERSION = (1, 1)  # the DLPack version ndmem produces (and the newest it asks producers for)

_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
_capsule_is_valid = ctypes.pythonapi.PyCapsule_IsValid
_capsule_is_valid.restype = ctypes.c_int
_capsule_is_valid.argtypes = [ctypes.py_object, ctypes.c_void_p]
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_void_p]
_capsule_rename = ctypes.pythonapi.PyCapsule_SetName
_capsule_rename.restype = ctypes.c_int
_capsule_rename.argtypes = [ctypes.py_object, ctypes.c_void_p]


# The names as addresses (ctypes would turn a returned `char *` into a bytes copy).
_name_of = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_bool, ctypes.c_bool)(
    address(lib.ndm_dlpack_capsule_name))
_NAME = {(versioned, used): _name_of(versioned, used)
         for versioned in (False, True) for used in (False, True)}
_DESTRUCTOR = address(lib.ndm_dlpack_capsule_destructor)
_taking = threading.Lock()


def device(a):
    """`__dlpack_device__()`: (kDLCPU, 0)."""
    a.ndim  # a released handle raises here, as every other method does
    return (KDLCPU, 0)


def _check_dl_device(dl_device):
    """`__dlpack__`'s `dl_device`: None or a (type, id) tuple naming the CPU (NumPy's rules)."""
    if dl_device is None:
        return
    if not isinstance(dl_device, tuple):
        raise TypeError("dl_device must be a tuple")
    if dl_device != (KDLCPU, 0):
        raise BufferError(f"unsupported device requested: {dl_device!r}; ndmem's memory is the "
                          f"CPU's, device (kDLCPU={KDLCPU}, 0)")


def to_capsule(a, stream=None, max_version=None, dl_device=None, copy=None):
    """`__dlpack__`: a capsule holding a DLPack tensor over `a`'s memory (a copy if `copy`).

    `max_version` None or below (1, 0) gets the unversioned "dltensor" capsule of DLPack 0.x,
    which cannot mark memory read-only, so a read-only array is then a BufferError; otherwise a
    "dltensor_versioned" capsule (DLPack 1.1) whose read-only flag is the array's. What DLPack
    cannot describe (text, bytes, records, a non-native byte order, strides that are not a
    multiple of the itemsize) is a BufferError saying why; `copy=True` exports a native,
    C-contiguous copy, which cures the last two."""
    if stream is not None:
        raise RuntimeError("ndmem only supports stream=None: its memory is the CPU's")
    _check_dl_device(dl_device)
    versioned = max_version is not None and max_version[0] >= VERSION[0]
    export = lib.ndm_to_dlpack if versioned else lib.ndm_to_dlpack_unversioned
    tensor = ctypes.c_void_p()
    export(a._h, _ffi.NDM_DLPACK_COPY if copy else 0, ctypes.byref(tensor))  # ExchangeError
    return _capsule_new(tensor.value, _NAME[versioned, False], _DESTRUCTOR)


def from_dlpack(obj, *, copy=None, device=None):
    """An ndmem array over the memory of `obj`, any object with `__dlpack__` (a NumPy array,
    a PyTorch tensor, a JAX array, another ndmem array), without a copy unless `copy` is True
    (False: never copy). The producer's memory stays alive until the last ndmem view of it is
    freed. Read-only travels: a read-only tensor, or one from a producer that speaks only
    DLPack 0.x (which cannot say), is a read-only array, as in NumPy."""
    if device not in (None, "cpu"):
        raise ValueError(f'Only "cpu" is allowed as device, got {device!r}: ndmem\'s memory is '
                         "the CPU's")
    if not hasattr(obj, "__dlpack__"):
        raise TypeError(f"{type(obj).__name__!r} object does not implement the DLPack protocol "
                        "(__dlpack__)")
    kwargs = {"max_version": VERSION}
    if copy is not None:
        kwargs["copy"] = copy
    if device is not None:
        kwargs["dl_device"] = (KDLCPU, 0)  # a producer on another device copies to the host
    try:
        capsule = obj.__dlpack__(**kwargs)
    except TypeError:
        # A producer older than DLPack 1.0's Python protocol: it cannot honour `copy` or
        # `dl_device`, so only a call that asks for neither falls back (NumPy's rule).
        if copy is not None or device is not None:
            raise
        capsule = obj.__dlpack__()
    return take(capsule)


def take(capsule):
    """The array of an unconsumed DLPack capsule, which this marks consumed ("used_...")."""
    with _taking:  # two threads never take one capsule
        for versioned in (True, False):
            if _capsule_is_valid(capsule, _NAME[versioned, False]):
                break
        else:
            raise ValueError("expected an unconsumed DLPack capsule (named 'dltensor_versioned' "
                             "or 'dltensor'); a capsule a consumer took is renamed 'used_...', "
                             "and may be taken only once")
        tensor = _capsule_pointer(capsule, _NAME[versioned, False])
        take_ = lib.ndm_from_dlpack_versioned if versioned else lib.ndm_from_dlpack
        # Marked consumed before the tensor is taken: from the moment ndmem owns it, however
        # this call ends (an exception between the C call and the return included), the
        # producer's capsule destructor must not free it too.
        _capsule_rename(capsule, _NAME[versioned, True])
        try:
            x = new_array(new_handle(take_, tensor))
        except BaseException:
            if lib.ndm_last_status() != _ffi.NDM_OK:  # refused: the tensor is still the capsule's
                _capsule_rename(capsule, _NAME[versioned, False])
            raise
    x._base = capsule  # as NumPy's from_dlpack: the base of the memory is the capsule
    return x
