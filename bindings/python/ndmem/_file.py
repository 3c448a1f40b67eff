"""`.npy` files and memory maps: NumPy's `save`, `load`, `open_memmap` and `memmap`."""
import ctypes
import os
import warnings

from . import _ffi
from ._base import ArrayBase, new_array
from ._codes import order_code
from ._create import asarray
from ._dtype import dtype as _dtype
from ._lib import _BY_STATUS, int64, int64s, lib, new_handle

_VERSIONS = {None: 0, (1, 0): 1, (2, 0): 2, (3, 0): 3}
_MODES = {_ffi.NDM_MMAP_READ: "r", _ffi.NDM_MMAP_READWRITE: "r+", _ffi.NDM_MMAP_COPY: "c"}


def _path(file):
    if not isinstance(file, (str, bytes, os.PathLike)):
        raise TypeError(f"ndmem reads and writes files by path, not {type(file).__name__}")
    return os.fsencode(file)


def _version_code(version):
    try:
        return _VERSIONS[None if version is None else tuple(version)]
    except (KeyError, TypeError):
        raise ValueError("we only support format version (1,0), (2,0), and (3,0), "
                         f"not {version!r}") from None


def _warn_version(used):
    if used == 2:
        warnings.warn("Stored array in format 2.0. It can only be"
                      "read by NumPy >= 1.9", UserWarning, stacklevel=3)
    elif used == 3:
        warnings.warn("Stored array in format 3.0. It can only be "
                      "read by NumPy >= 1.17", UserWarning, stacklevel=3)


_MAX_HEADER_SIZE = _ffi.NDM_NPY_MAX_HEADER_SIZE  # NumPy's default `max_header_size`
_MODE_NAMES = {"readonly": "r", "r": "r", "copyonwrite": "c", "c": "c", "readwrite": "r+",
               "r+": "r+", "write": "w+", "w+": "w+"}


def _mode(mode):
    try:
        return _MODE_NAMES[mode]
    except (KeyError, TypeError):
        raise ValueError(f"mode must be one of {sorted(_MODE_NAMES)} (got {mode!r})") from None


def _warn_metadata(d):
    if getattr(d, "metadata", None):
        warnings.warn("metadata on a dtype is not saved to an npy/npz. Use another format (such "
                      "as pickle) to store it.", UserWarning, stacklevel=3)


def save(file, arr, allow_pickle=True, *, version=None):
    """NumPy's `np.save`: writes `arr` (an ndmem array or anything `ndmem.asarray` takes) to
    `file`, adding `.npy` to a name without it. Same bytes as NumPy; a non-contiguous view is
    streamed in blocks, never copied whole. `version=(1, 0)`, `(2, 0)` or `(3, 0)` forces a
    format (an extension; NumPy chooses, and warns when it has to use 2.0 or 3.0). Object
    arrays cannot be saved (ValueError with allow_pickle=False, as NumPy)."""
    path = _path(file)
    if not path.endswith(b".npy"):
        path += b".npy"
    if not isinstance(arr, ArrayBase):
        np_dtype = getattr(arr, "dtype", None)
        if getattr(np_dtype, "hasobject", False) and not allow_pickle:
            raise ValueError("Object arrays cannot be saved when allow_pickle=False")
        _warn_metadata(np_dtype)
    a = arr if isinstance(arr, ArrayBase) else asarray(arr)
    used = ctypes.c_int32()
    lib.ndm_save_npy(path, a._h, _version_code(version), ctypes.byref(used))
    if version is None:
        _warn_version(used.value)


def _limit(max_header_size):
    """NumPy's `max_header_size` as the C call takes it (None: no limit but the hard cap)."""
    return _ffi.NDM_NPY_MAX_HEADER_LEN if max_header_size is None else int64(max_header_size)


def load(file, mmap_mode=None, allow_pickle=False, max_header_size=_MAX_HEADER_SIZE):
    """NumPy's `np.load` for `.npy` files: a new array, or with `mmap_mode` 'r', 'r+' or 'c'
    a memory-mapped one (see `open_memmap`). Object arrays cannot be loaded. Headers longer
    than `max_header_size` (NumPy's 10,000 by default) are refused unless `allow_pickle=True`
    says the file is trusted (then up to `NDM_NPY_MAX_HEADER_LEN`)."""
    path = _path(file)
    if mmap_mode is not None and _mode(mmap_mode) == "w+":
        raise ValueError("mmap_mode 'w+' would truncate the file it is asked to load; "
                         "use open_memmap(file, 'w+', dtype, shape) to create one")
    limit = None if allow_pickle else max_header_size
    if mmap_mode is None:
        return new_array(new_handle(lib.ndm_load_npy_ex, path, _limit(limit)))
    return open_memmap(file, mode=mmap_mode, max_header_size=limit)


def open_memmap(filename, mode="r+", dtype=None, shape=None, fortran_order=False,
                version=None, *, max_header_size=_MAX_HEADER_SIZE):
    """NumPy's `np.lib.format.open_memmap`: maps the data of a `.npy` file. Mode 'w+' creates
    the file with a header for `dtype` (float64 if None), `shape` and `fortran_order` (warning
    as NumPy when it has to use format 2.0 or 3.0); the other modes read the header from the
    file (at most `max_header_size` long) and ignore those arguments."""
    path = _path(filename)
    mode = _mode(mode)
    if mode == "w+":
        if shape is None:
            raise ValueError("shape must be given if mode == 'w+'")
        shape = (shape,) if not isinstance(shape, (tuple, list)) else tuple(shape)
        _warn_metadata(dtype)
        d = _dtype(float if dtype is None else dtype)
        h = new_handle(lib.ndm_open_memmap, path, mode.encode(), d._h, len(shape),
                       int64s(shape), bool(fortran_order), _version_code(version))
        if version is None:
            with open(path, "rb") as f:
                _warn_version(f.read(7)[6])  # the format's major version, as written
    else:
        h = new_handle(lib.ndm_open_memmap_ex, path, mode.encode(), None, 0, None, False, 0,
                       _limit(max_header_size))
    x = new_array(h)
    x._file = ("npy", os.path.abspath(path), "r+" if mode == "w+" else mode)
    return x


def memmap(filename, dtype="uint8", mode="r+", offset=0, shape=None, order="C"):
    """NumPy's `np.memmap`: the raw bytes of a file (no header) from byte `offset` as an array.
    Without `shape`, 1-D over the rest of the file. 'r+' and 'w+' extend a short file."""
    path = _path(filename)
    mode = _mode(mode)
    d = _dtype(dtype)
    if shape is None:
        ndim, dims = -1, int64s(())
    else:
        shape = (shape,) if not isinstance(shape, (tuple, list)) else tuple(shape)
        ndim, dims = len(shape), int64s(shape, ValueError, "Maximum allowed dimension exceeded")
    h = new_handle(lib.ndm_memmap_raw, path, d._h, mode.encode(), int64(offset), ndim, dims,
                   order_code(order, "CF"))
    x = new_array(h)
    x._file = ("raw", os.path.abspath(path), "r+" if mode == "w+" else mode, d._text(),
               int64(offset), x.shape, order)
    return x


def reopen(recipe):
    """The root array of a pickled file reference, mapped again (`_pickle`)."""
    if recipe[0] == "npy":
        return open_memmap(recipe[1], mode=recipe[2], max_header_size=None)
    _, path, mode, dtype_text, offset, shape, order = recipe
    return memmap(path, dtype=dtype_text, mode=mode, offset=offset, shape=shape, order=order)


def flush(a):
    """Writes the changes to a memory-mapped array back to its file (NumPy's `memmap.flush`);
    a no-op for modes 'r' and 'c'. ValueError if `a` is not memory-mapped."""
    lib.ndm_flush(a._h)


def release_pages(a):
    """Drops the file pages under `a` from resident memory (values unchanged; they are read
    back from the file when touched again). ValueError for mode 'c' or unmapped arrays."""
    lib.ndm_release_pages(a._h)


def memmap_info(a):
    """`(mode, offset)` of a memory-mapped array: mode 'r', 'r+' or 'c', and the file offset
    of its element 0; None when `a` is not memory-mapped."""
    info = _ffi.ndm_map_info()
    try:
        lib.ndm_memmap_info(a._h, ctypes.byref(info))
    except _BY_STATUS[_ffi.NDM_ERR_INVALID_ARG]:  # not memory-mapped
        return None
    return _MODES[info.mode], info.offset


def iter_blocks(a, nbytes=8 << 20):
    """Views of `a` along its first axis, each at most `nbytes` (at least one row). For a
    memory-mapped array opened 'r' or 'r+' the pages of each block are released once the loop
    moves on, so walking a file larger than memory keeps resident memory bounded."""
    if a.ndim == 0:
        yield a
        return
    row = max(a.nbytes // max(a.shape[0], 1), 1)
    step = max(nbytes // row, 1)
    info = memmap_info(a)
    release = info is not None and info[0] != "c"
    for start in range(0, a.shape[0], step):
        block = a[start:start + step]
        yield block
        if release:
            release_pages(block)
