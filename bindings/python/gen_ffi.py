#!/usr/bin/env python3
"""Generate bindings/python/ndmem/_ffi.py (ctypes declarations) from include/ndmem.h.

The declarations are never typed by hand, so they cannot drift from the C API:
    python3 bindings/python/gen_ffi.py           # rewrite _ffi.py
    python3 bindings/python/gen_ffi.py --check   # exit 1 if _ffi.py is stale
Only the shapes of declarations that cbindgen emits for ndmem are understood; anything else
is an error, so a new kind of declaration is noticed here rather than mistranslated.
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cheader  # noqa: E402  (bindings/cheader.py, shared with the Fortran generator)

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "ndmem.h"
OUTPUT = Path(__file__).resolve().parent / "ndmem" / "_ffi.py"

# Functions returning ndm_status as data rather than as their outcome (no automatic check).
STATUS_IS_DATA = {"ndm_last_status", "ndm_set_last_error"}

SCALARS = {
    "void": "None",
    "bool": "ctypes.c_bool",
    "char": "ctypes.c_char",
    "double": "ctypes.c_double",
    "float": "ctypes.c_float",
    "int8_t": "ctypes.c_int8",
    "int16_t": "ctypes.c_int16",
    "int32_t": "ctypes.c_int32",
    "int64_t": "ctypes.c_int64",
    "uint8_t": "ctypes.c_uint8",
    "uint16_t": "ctypes.c_uint16",
    "uint32_t": "ctypes.c_uint32",
    "uint64_t": "ctypes.c_uint64",
    "size_t": "ctypes.c_size_t",
}


def ctype(decl, aliases, opaque):
    """The ctypes expression for a C type such as 'const int64_t *' or 'ndm_array **' (or a
    fixed array field 'uint64_t[LENGTH]')."""
    m = re.fullmatch(r"(.+)\[(\w+)\]", decl)
    if m:
        return f"({ctype(m.group(1), aliases, opaque)} * {m.group(2)})"
    t = decl.replace("const ", "").strip()
    stars = t.count("*")
    base = t.replace("*", "").strip()
    if base in opaque:
        # Handles are passed as plain addresses.
        inner, stars = "ctypes.c_void_p", stars - 1
    elif base == "char" and stars >= 1:
        # Strings are c_char_p, so arrays of strings are POINTER(c_char_p).
        inner, stars = "ctypes.c_char_p", stars - 1
    elif base == "void" and stars >= 1:
        inner, stars = "ctypes.c_void_p", stars - 1
    elif base in SCALARS:
        inner = SCALARS[base]
    elif base in aliases:
        inner = base
    else:
        raise SystemExit(f"gen_ffi: unknown C type {decl!r}")
    for _ in range(stars):
        inner = f"ctypes.POINTER({inner})"
    return inner


def parse(text):
    """The header's declarations as ctypes expressions."""
    constants, opaque, raw_structs, typedefs, raw_functions = cheader.parse(text)
    aliases = {name: name for name, _ in raw_structs}
    for name, target in typedefs:
        if isinstance(target, tuple):
            ret, params = target
            types = [ctype(ret, aliases, opaque)] + [ctype(t, aliases, opaque) for t, _ in params]
            aliases[name] = f"ctypes.CFUNCTYPE({', '.join(types)})"
        else:
            aliases[name] = ctype(target, aliases, opaque)
    structs = [(name, [(f, ctype(t, aliases, opaque)) for f, t in fields])
               for name, fields in raw_structs]
    functions = [(name, ctype(ret, aliases, opaque), [ctype(t, aliases, opaque) for t, _ in params])
                 for name, ret, params in raw_functions]
    return constants, aliases, structs, functions


def render(constants, aliases, structs, functions):
    out = [
        '"""ctypes declarations of the ndmem C API.',
        "",
        "GENERATED from include/ndmem.h by bindings/python/gen_ffi.py; do not edit by hand.",
        '"""',
        "import ctypes",
        "",
    ]
    for name, value in constants:
        value = re.sub(r"(\d+)[uUlL]+\b", r"\1", value)
        out.append(f"{name} = {value}")
    out.append("")
    struct_names = {name for name, _ in structs}
    # Plain aliases first, then the structs, then function pointer types (which may take
    # pointers to the structs, as ndm_report_callback does).
    later = {n for n, e in aliases.items() if e.startswith("ctypes.CFUNCTYPE")}
    for name, expr in aliases.items():
        if name not in struct_names and name not in later:
            out.append(f"{name} = {expr}")
    out.append("")
    for name, fields in structs:
        out.append("")
        out.append(f"class {name}(ctypes.Structure):")
        out.append(f'    """C struct {name}."""')
        out.append("")
        out.append("    _fields_ = [")
        for fname, ftype in fields:
            out.append(f"        ({fname!r}, {ftype}),")
        out.append("    ]")
        out.append("")
    for name in sorted(later, key=list(aliases).index):
        out.append(f"{name} = {aliases[name]}")
    out.append("")
    out.append("FUNCTIONS = {")
    for name, ret, params in functions:
        out.append(f"    {name!r}: ({ret}, [{', '.join(params)}]),")
    out.append("}")
    out.append("")
    out.append("")
    checked = sorted(name for name, ret, _ in functions if ret == "ndm_status" and name not in STATUS_IS_DATA)
    out.append("# The functions that report their outcome as an ndm_status (checked after every call).")
    out.append("CHECKED = frozenset([")
    for name in checked:
        out.append(f"    {name!r},")
    out.append("])")
    out.append("")
    out.append("")
    out.append("def declare(lib, check):")
    out.append('    """Set restype and argtypes of every ndmem function on a loaded CDLL, and make every')
    out.append("    function that reports its outcome as an ndm_status call `check(status)` after each")
    out.append('    call (ctypes errcheck), so that no caller can forget it."""')
    out.append("")
    out.append("    def errcheck(status, func, args):")
    out.append("        check(status)")
    out.append("        return status")
    out.append("")
    out.append("    for name, (restype, argtypes) in FUNCTIONS.items():")
    out.append("        fn = getattr(lib, name, None)")
    out.append("        if fn is None:")
    out.append("            raise ImportError(f\"ndmem: the library lacks {name} (built from other sources \"")
    out.append("                              f\"than the header {NDM_VERSION_STRING} these bindings were \"")
    out.append("                              \"generated from): rebuild it\")")
    out.append("        fn.restype = restype")
    out.append("        fn.argtypes = argtypes")
    out.append("        if name in CHECKED:")
    out.append("            fn.errcheck = errcheck")
    out.append("    return lib")
    out.append("")
    return "\n".join(out)


def main():
    text = render(*parse(HEADER.read_text()))
    if "--check" in sys.argv[1:]:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print(f"{OUTPUT.relative_to(ROOT)} is stale: run python3 bindings/python/gen_ffi.py",
                  file=sys.stderr)
            return 1
        return 0
    if not OUTPUT.exists() or OUTPUT.read_text() != text:
        OUTPUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
