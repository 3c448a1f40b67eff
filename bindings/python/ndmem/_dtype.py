"""ndmem.dtype: NumPy-compatible data types backed by ndmem dtype handles."""
import builtins
import sys

from . import _ffi
from ._lib import call, lib, new_handle

_PYTHON_TYPES = {builtins.float: "float64", builtins.int: "int64", builtins.bool: "bool",
                 builtins.complex: "complex128"}

_KIND_CHARS = {"b": "bool", "i": "int", "u": "uint", "f": "float", "c": "complex", "S": "bytes",
               "V": "void"}


class dtype:
    """A data type: NumPy typestr semantics (`.str`, `.itemsize`, `.alignment`, `.byteorder`).

    Accepts what `np.dtype` accepts for the supported kinds: typestrs ('<f8', '>i4', '|S32'),
    names ('float64'), one-letter codes ('d'), Python types (float, int, bool, complex), NumPy
    dtypes and ndmem dtypes. Unsupported or unknown specs raise TypeError.
    """

    __slots__ = ("_h",)

    def __init__(self, spec=None):
        self._h = None
        if isinstance(spec, dtype):
            self._h = new_handle("ndm_dtype_clone", spec._h)
            return
        if spec is None:
            text = "float64"
        elif isinstance(spec, str):
            text = spec
        elif isinstance(spec, type) and spec in _PYTHON_TYPES:
            text = _PYTHON_TYPES[spec]
        elif hasattr(spec, "str") and hasattr(spec, "itemsize"):  # numpy.dtype
            if getattr(spec, "fields", None):
                raise TypeError(f"data type {spec!r}: structured dtypes are not supported yet")
            text = spec.str
        elif hasattr(spec, "dtype") and hasattr(spec.dtype, "str"):  # numpy scalar types
            text = spec.dtype.str
        else:
            try:
                import numpy

                text = numpy.dtype(spec).str
            except Exception:
                raise TypeError(f"data type {spec!r} not understood") from None
        self._h = new_handle("ndm_dtype_parse", text.encode())

    @classmethod
    def _adopt(cls, handle):
        d = cls.__new__(cls)
        d._h = handle
        return d

    def __del__(self):
        handle, self._h = getattr(self, "_h", None), None
        if handle and lib is not None:  # lib can be gone at interpreter shutdown
            lib.ndm_dtype_free(handle)

    @property
    def str(self):
        """NumPy's typestr: '<f8', '|b1', '>i4', '|S32'."""
        return lib.ndm_dtype_str(self._h).decode()

    @property
    def itemsize(self):
        """Bytes per element."""
        return lib.ndm_dtype_itemsize(self._h)

    @property
    def alignment(self):
        """Required alignment in bytes."""
        return lib.ndm_dtype_alignment(self._h)

    @property
    def kind(self):
        """NumPy's kind character: b, i, u, f, c, S or V."""
        return self.str[1]

    @property
    def byteorder(self):
        """'=' for native, '<', '>' for explicit non-native order, '|' when not applicable."""
        code = lib.ndm_dtype_byteorder(self._h)
        if code == _ffi.NDM_BYTEORDER_NA:
            return "|"
        native = _ffi.NDM_BYTEORDER_LITTLE if sys.byteorder == "little" else _ffi.NDM_BYTEORDER_BIG
        if code == native:
            return "="
        return "<" if code == _ffi.NDM_BYTEORDER_LITTLE else ">"

    @property
    def isnative(self):
        """True if the elements are in the machine's byte order (or have none)."""
        return self.byteorder in "=|"

    @property
    def name(self):
        """NumPy's name: 'float64', 'bool', 'bytes40' (S5), 'void64' (V8)."""
        kind = self.kind
        if kind == "b":
            return "bool"
        bits = self.itemsize * 8
        return f"{_KIND_CHARS[kind]}{bits}"

    @property
    def descr(self):
        """NumPy's `__array_interface__` descr: [('', typestr)] for non-structured types."""
        return [("", self.str)]

    @property
    def dtype(self):
        """The equal `numpy.dtype` (so that `np.dtype(x.dtype)` works)."""
        import numpy

        return numpy.dtype(self.str)

    def __eq__(self, other):
        try:
            other = other if isinstance(other, dtype) else dtype(other)
        except (TypeError, ValueError):
            return NotImplemented
        return lib.ndm_dtype_equal(self._h, other._h) == 1

    def __hash__(self):
        return hash(self.str)

    def __repr__(self):
        if self.isnative and self.kind in "biufc":
            return f"dtype('{self.name}')"
        text = self.str
        return f"dtype('{text[1:] if text[0] == '|' else text}')"

    __str__ = __repr__


def can_cast(from_, to, casting="safe"):
    """NumPy's `can_cast` for two dtypes (anything `ndmem.dtype` accepts)."""
    import ctypes

    from ._array import casting_code

    result = ctypes.c_bool()
    a, b = dtype(from_), dtype(to)
    call("ndm_can_cast", a._h, b._h, casting_code(casting), ctypes.byref(result))
    return result.value
