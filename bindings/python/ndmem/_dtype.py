"""ndmem.dtype: NumPy-compatible data types backed by ndmem dtype handles."""
import ast
import builtins
import ctypes
import operator
import sys

from . import _ffi
from ._codes import casting_code
from ._lib import int64, last_error, lib, new_handle, numpy

_PYTHON_TYPES = {builtins.float: "float64", builtins.int: "int64", builtins.bool: "bool",
                 builtins.complex: "complex128"}

_KIND_CHARS = {"b": "bool", "i": "int", "u": "uint", "f": "float", "c": "complex", "S": "bytes",
               "V": "void"}


class dtype:
    """A data type: NumPy typestr semantics (`.str`, `.itemsize`, `.alignment`, `.byteorder`).

    Accepts what `np.dtype` accepts for the supported kinds: typestrs ('<f8', '>i4', '|S32'),
    names ('float64'), one-letter codes ('d'), Python types (float, int, bool, complex), NumPy
    dtypes and ndmem dtypes, and records: descr lists ([('a', 'i1'), ('b', '<f8', (2, 3))]),
    comma strings ('i1,f8'), the dict form ({'names': ..., 'formats': ..., 'offsets': ...}),
    with `align=True` for the C compiler's struct layout. Unsupported specs raise TypeError,
    invalid layouts ValueError, as NumPy does.
    """

    # _sub: for a record field's subarray type, the axes of each nested level, outermost
    # first (`(('<f8', (5,)), (2,))` has ((2,), (5,))); () otherwise. _h is the element type.
    __slots__ = ("_h", "_sub")

    def __init__(self, spec=None, align=False):
        self._h = None
        self._sub = ()
        if isinstance(spec, dtype):
            if spec._sub:
                raise TypeError("subarray dtypes are supported only as record fields")
            self._h = new_handle(lib.ndm_dtype_clone, spec._h)
            return
        text = _spec_text(spec)
        self._h = new_handle(lib.ndm_dtype_parse_align, text.encode(), bool(align))

    @classmethod
    def _adopt(cls, handle, sub=()):
        d = cls.__new__(cls)
        d._h = handle
        d._sub = tuple(tuple(level) for level in sub)
        return d

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self  # dtypes are immutable

    def __reduce__(self):
        """Pickles carry the text form (which `ndmem.dtype` parses back to an equal dtype) and
        the subarray levels, never the handle."""
        return _rebuild, (self._element()._text(), self._sub)

    def _element(self):
        """The element type of a subarray dtype (self otherwise)."""
        return dtype._adopt(new_handle(lib.ndm_dtype_clone, self._h)) if self._sub else self

    @property
    def _shape(self):
        """All subarray axes, flattened."""
        return tuple(n for level in self._sub for n in level)

    def __del__(self):
        handle, self._h = getattr(self, "_h", None), None
        if handle and lib is not None:  # lib can be gone at interpreter shutdown
            try:
                lib.ndm_dtype_free(handle)
            except Exception:  # freed behind our back (a BadHandleError): nothing left to free
                pass

    @property
    def str(self):
        """NumPy's typestr: '<f8', '|b1', '>i4', '|S32', '|V24' for records and subarrays."""
        if self._sub:
            return f"|V{self.itemsize}"
        return lib.ndm_dtype_str(self._h).decode()

    @property
    def itemsize(self):
        """Bytes per element (a subarray's whole size)."""
        n = lib.ndm_dtype_itemsize(self._h)
        for k in self._shape:
            n *= k
        return n

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
        if self._sub:
            return "|"  # NumPy's subarray dtypes report no byte order (and count as native)
        code = lib.ndm_dtype_byteorder(self._h)
        if code == _ffi.NDM_BYTEORDER_NA:
            return "|"
        native = _ffi.NDM_BYTEORDER_LITTLE if sys.byteorder == "little" else _ffi.NDM_BYTEORDER_BIG
        if code == native:
            return "="
        return "<" if code == _ffi.NDM_BYTEORDER_LITTLE else ">"

    @property
    def isnative(self):
        """True if the elements are in the machine's byte order (or have none); for a record,
        if every field is."""
        if self.names is not None:
            return all(f[0].isnative for f in self._field_list())
        return self.byteorder in "=|"

    @property
    def name(self):
        """NumPy's name: 'float64', 'bool', 'bytes40' (S5), 'void64' (V8 and records)."""
        kind = self.kind
        if kind == "b":
            return "bool"
        bits = self.itemsize * 8
        return f"{_KIND_CHARS[kind]}{bits}"

    # --- records -----------------------------------------------------------------------------
    @property
    def shape(self):
        """Subarray axes of a field's dtype (the outermost level); () otherwise."""
        return self._sub[0] if self._sub else ()

    @property
    def base(self):
        """The element type of a subarray dtype (a subarray itself when nested); the dtype
        itself otherwise."""
        return dtype._adopt(new_handle(lib.ndm_dtype_clone, self._h), self._sub[1:]) \
            if self._sub else self

    @property
    def subdtype(self):
        """(base, shape) for a subarray dtype, else None."""
        return (self.base, self.shape) if self._sub else None

    def _is_record(self):
        return not self._sub and lib.ndm_dtype_kind(self._h) == _ffi.NDM_KIND_RECORD

    def _field_list(self):
        """[(dtype, offset, title, name)] in definition order."""
        if not self._is_record():
            return []
        out = []
        for i in range(lib.ndm_dtype_nfields(self._h)):
            info = _ffi.ndm_field_info()
            lib.ndm_dtype_field(self._h, i, ctypes.byref(info))
            shape = [info.shape[k] for k in range(info.ndim)]
            levels = []
            for k in range(info.nlevels):
                n = info.levels[k]
                levels.append(shape[:n])
                shape = shape[n:]
            fd = dtype._adopt(new_handle(lib.ndm_dtype_field_dtype, self._h, i), levels)
            title = info.title.decode() if info.title else None
            out.append((fd, info.offset, title, info.name.decode()))
        return out

    @property
    def names(self):
        """Field names in definition order ((): a record without fields), or None for a
        non-record dtype."""
        if not self._is_record():
            return None
        return tuple(f[3] for f in self._field_list())

    @property
    def fields(self):
        """{name: (dtype, offset)} ({name: (dtype, offset, title)} with titles, and the title as
        a key too), or None for a non-record dtype, as NumPy's."""
        if not self._is_record():
            return None
        fields = self._field_list()
        out = {}
        for fd, off, title, name in fields:
            out[name] = (fd, off) if title is None else (fd, off, title)
            if title is not None:
                out[title] = (fd, off, title)
        return out

    @property
    def isalignedstruct(self):
        """True for a record built with align=True (C-struct layout)."""
        return lib.ndm_dtype_is_aligned_struct(self._h) == 1

    def __getitem__(self, key):
        """NumPy's field lookup: by name or title, by position (negative counts from the end),
        or a list of names (a record of those fields at their offsets, same itemsize)."""
        if not self._is_record():
            raise KeyError(f"There are no fields in dtype {self}.")
        fields = self._field_list()
        if isinstance(key, builtins.str):
            for fd, _, title, name in fields:
                if key in (name, title):
                    return fd
            raise KeyError(f"Field named '{key}' not found.")
        if isinstance(key, list) and all(isinstance(k, builtins.str) for k in key):
            return self._subset(fields, key)
        if not isinstance(key, builtins.bool):
            try:
                i = operator.index(key)
            except TypeError:
                i = None
            if i is not None:
                if not -len(fields) <= i < len(fields):
                    raise IndexError(f"Field index {i} out of range.")
                return fields[i][0]
        raise TypeError("Field key must be an integer field offset, single field name, or list "
                        "of field names.")

    def _subset(self, fields, keys):
        by_key = {}
        for f in fields:
            by_key[f[3]] = f
            if f[2] is not None:
                by_key[f[2]] = f
        chosen = []
        for k in keys:
            if k not in by_key:
                raise KeyError(k)
            if any(c[3] == by_key[k][3] for c in chosen):
                raise ValueError(f"duplicate field of name '{k}'")
            chosen.append(by_key[k])
        spec = (f"{{'names': [{', '.join(repr(f[3]) for f in chosen)}], "
                f"'formats': [{', '.join(f[0]._text() for f in chosen)}], "
                f"'offsets': [{', '.join(str(f[1]) for f in chosen)}], "
                f"'titles': [{', '.join(repr(f[2]) for f in chosen)}], "
                f"'itemsize': {self.itemsize}}}")
        return dtype(spec)

    def __len__(self):
        return len(self._field_list())

    def newbyteorder(self, new_order="S"):
        """NumPy's newbyteorder: 'S' swap, '<'/'L', '>'/'B', '='/'N' native, '|'/'I' unchanged;
        applied to every field of a record."""
        codes = {"S": _ffi.NDM_BYTEORDER_SWAP, "<": _ffi.NDM_BYTEORDER_LITTLE,
                 "L": _ffi.NDM_BYTEORDER_LITTLE, ">": _ffi.NDM_BYTEORDER_BIG,
                 "B": _ffi.NDM_BYTEORDER_BIG, "=": _ffi.NDM_BYTEORDER_NATIVE,
                 "N": _ffi.NDM_BYTEORDER_NATIVE, "|": _ffi.NDM_BYTEORDER_NA,
                 "I": _ffi.NDM_BYTEORDER_NA}
        key = new_order[:1].upper() if isinstance(new_order, builtins.str) else None
        if key not in codes:
            raise ValueError(f"{new_order!r} is an invalid value for keyword new_order")
        return dtype._adopt(new_handle(lib.ndm_dtype_newbyteorder, self._h, codes[key]), self._sub)

    @property
    def descr(self):
        """NumPy's `dtype.descr`: [('', typestr)] for plain types; records list their fields with
        ('', '|V<n>') padding entries (ValueError for overlapping or out-of-order fields)."""
        if self._sub:
            return [("", self.str)]
        text = lib.ndm_dtype_descr(self._h)
        if text is None:
            raise ValueError(last_error())
        return ast.literal_eval(text.decode())

    def _text(self):
        """Text that ndm_dtype_parse turns back into exactly this dtype (records: the dict form
        with explicit offsets, itemsize and 'aligned')."""
        if self._sub:
            return f"({self.base._text()}, {self.shape!r})"
        if not self._is_record():
            return repr(self.str)
        fields = self._field_list()
        names = ", ".join(repr(f[3]) for f in fields)
        formats = ", ".join(f[0]._text() for f in fields)
        offsets = ", ".join(str(f[1]) for f in fields)
        titles = ", ".join(repr(f[2]) for f in fields)
        return (f"{{'names': [{names}], 'formats': [{formats}], 'offsets': [{offsets}], "
                f"'titles': [{titles}], 'itemsize': {self.itemsize}, "
                f"'aligned': {self.isalignedstruct}}}")

    @property
    def dtype(self):
        """The equal `numpy.dtype` (so that `np.dtype(x.dtype)` works)."""
        if self._sub:
            return numpy.dtype((self.base.dtype, self.shape))
        if not self._is_record():
            return numpy.dtype(self.str)
        fields = self._field_list()
        spec = {"names": [f[3] for f in fields], "formats": [f[0].dtype for f in fields],
                "offsets": [f[1] for f in fields], "itemsize": self.itemsize}
        if any(f[2] is not None for f in fields):
            spec["titles"] = [f[2] for f in fields]
        return numpy.dtype(spec, align=self.isalignedstruct)

    def __eq__(self, other):
        try:
            other = other if isinstance(other, dtype) else dtype(other)
        except (TypeError, ValueError):
            return NotImplemented
        if self._sub != other._sub:
            return False
        return lib.ndm_dtype_equal(self._h, other._h) == 1

    def __hash__(self):
        return hash((self.str, self.names))

    def __repr__(self):
        if self._sub:
            text = repr(self._element().str)
            for level in reversed(self._sub):
                text = f"({text}, {level!r})"
            return f"dtype({text})"
        if self.names is not None:
            try:
                return repr(self.dtype)
            except ImportError:
                return f"dtype({self._text()})"
        if self.isnative and self.kind in "biufc":
            return f"dtype('{self.name}')"
        text = self.str
        return f"dtype('{text[1:] if text[0] == '|' else text}')"

    __str__ = __repr__


def _spec_text(spec):
    """The text ndm_dtype_parse_align reads for anything np.dtype accepts."""
    if spec is None:
        return "float64"
    if isinstance(spec, builtins.str):
        return spec  # a typestr, name, comma string or literal list/dict
    if isinstance(spec, dtype):
        return spec._text()
    if isinstance(spec, type) and spec in _PYTHON_TYPES:
        return _PYTHON_TYPES[spec]
    if isinstance(spec, list):
        return "[" + ", ".join(_field_text(f) for f in spec) + "]"
    if isinstance(spec, dict):
        if "names" not in spec and "formats" not in spec:
            spec = _fields_dict(spec)
        parts = []
        for key, value in spec.items():
            if key in ("names", "formats", "offsets", "titles") \
                    and not isinstance(value, (list, tuple)):
                raise TypeError(f"'{type(value).__name__}' object is not subscriptable")
            if key == "formats":
                parts.append(f"'formats': [{', '.join(_format_text(v) for v in value)}]")
            elif key == "offsets":
                parts.append(f"'offsets': {[_int64(v) for v in value]!r}")
            elif key == "itemsize":
                parts.append(f"'itemsize': {_int64(value)}")
            elif key in ("names", "titles", "aligned"):
                parts.append(f"{key!r}: {_literal(value, key)}")
            else:
                raise TypeError(f"data type {spec!r} not understood (key {key!r})")
        return "{" + ", ".join(parts) + "}"
    if isinstance(spec, tuple):
        return _format_text(spec)
    if hasattr(spec, "str") and hasattr(spec, "itemsize"):  # numpy.dtype
        if spec.subdtype is not None:
            raise TypeError(f"data type {spec!r}: subarray dtypes are supported only as record fields")
        if spec.names is None:
            return spec.str
        fields = [spec.fields[n] for n in spec.names]
        titles = [f[2] if len(f) > 2 else None for f in fields]
        return (f"{{'names': {list(spec.names)!r}, "
                f"'formats': [{', '.join(_format_text(f[0]) for f in fields)}], "
                f"'offsets': {[f[1] for f in fields]!r}, 'titles': {titles!r}, "
                f"'itemsize': {spec.itemsize}, 'aligned': {spec.isalignedstruct}}}")
    if hasattr(spec, "dtype") and hasattr(spec.dtype, "str"):  # numpy scalar types
        return spec.dtype.str
    try:
        return _spec_text(numpy.dtype(spec))
    except Exception:
        raise TypeError(f"data type {spec!r} not understood") from None


def _fields_dict(spec):
    """NumPy's dict-of-fields form (what `dtype.fields` returns: `{name: (format, offset[,
    title])}`) as the names/formats/offsets/titles form, fields in offset order. An entry keyed
    by its own title is the title's alias, not another field."""
    entries = []
    for name, value in spec.items():
        if not isinstance(value, tuple) or len(value) not in (2, 3):
            raise TypeError(f"data type {spec!r} not understood: a field must be "
                            "(format, offset) or (format, offset, title)")
        if len(value) == 3 and value[2] == name:
            continue
        entries.append((_int64(value[1]), name, value[0], value[2] if len(value) == 3 else None))
    entries.sort(key=lambda e: e[0])
    return {"names": [e[1] for e in entries], "formats": [e[2] for e in entries],
            "offsets": [e[0] for e in entries], "titles": [e[3] for e in entries]}


def _int64(value):
    """An offset or itemsize: any integer (NumPy integers, `__index__`), within int64."""
    return int64(value)


def _shape_text(value):
    """A subarray shape: an int or a sequence of ints (NumPy integers, `__index__`), each
    within a C int as NumPy requires."""
    dims = value if isinstance(value, (tuple, list)) else (value,)
    out = []
    for n in dims:
        n = operator.index(n)
        if n >= 2**31:
            raise ValueError("invalid shape in fixed-type tuple: dimension does not fit into a "
                             "C int.")
        out.append(n)
    return repr(tuple(out)) if isinstance(value, (tuple, list)) else repr(out[0])


def _literal(value, what):
    """A plain Python literal (names, offsets, itemsize...) as text, checked to be one."""
    text = repr(value)
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise TypeError(f"data type entry {what}={value!r} not understood") from None
    return text


def _format_text(fmt):
    """A field format: a string, a nested spec, (format, shape), or a dtype object."""
    if isinstance(fmt, builtins.str):
        return repr(fmt)
    if isinstance(fmt, tuple) and len(fmt) == 2:
        return f"({_format_text(fmt[0])}, {_shape_text(fmt[1])})"
    if hasattr(fmt, "subdtype") and getattr(fmt, "subdtype", None) is not None:
        base, shape = fmt.subdtype
        return f"({_format_text(base)}, {shape!r})"
    text = _spec_text(fmt)
    return text if text[:1] in "[{('\"" else repr(text)


def _field_text(field):
    if not isinstance(field, (tuple, list)) or len(field) not in (2, 3):
        raise TypeError(f"data type field {field!r} not understood: expected (name, format[, shape])")
    name = field[0]
    if isinstance(name, tuple):
        name_text = f"({_literal(name[0], 'title')}, {_literal(name[1], 'name')})"
    elif isinstance(name, builtins.str):
        name_text = repr(name)
    else:
        raise TypeError(f"field name {name!r} must be a str")
    shape = f", {_shape_text(field[2])}" if len(field) == 3 else ""
    return f"({name_text}, {_format_text(field[1])}{shape})"


def can_cast(from_, to, casting="safe"):
    """NumPy's `can_cast` for two dtypes (anything `ndmem.dtype` accepts)."""
    result = ctypes.c_bool()
    a, b = dtype(from_), dtype(to)
    lib.ndm_can_cast(a._h, b._h, casting_code(casting), ctypes.byref(result))
    return result.value


def _rebuild(text, sub):
    """Unpickles a dtype (see `dtype.__reduce__`)."""
    d = dtype(text)
    return dtype._adopt(new_handle(lib.ndm_dtype_clone, d._h), sub) if sub else d
