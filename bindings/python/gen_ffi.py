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

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "ndmem.h"
OUTPUT = Path(__file__).resolve().parent / "ndmem" / "_ffi.py"

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
    """The ctypes expression for a C type such as 'const int64_t *' or 'ndm_array **'."""
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
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    constants, aliases, opaque, functions = [], {}, [], []
    for line in text.splitlines():
        m = re.match(r"#define\s+(NDM_\w+)\s+(.+)$", line.strip())
        if m:
            constants.append((m.group(1), m.group(2).strip()))
    body = "\n".join(l for l in text.splitlines() if not l.strip().startswith("#"))
    body = re.sub(r'extern\s+"C"\s*\{|\}\s*//\s*extern\s+"C"', "", body)
    opaque.extend(re.findall(r"typedef struct (\w+) \1;", body))
    structs = []
    for m in re.finditer(r"typedef struct \{(.*?)\} (\w+);", body, flags=re.S):
        fields = []
        for decl in m.group(1).split(";"):
            decl = " ".join(decl.split())
            if decl:
                fm = re.fullmatch(r"(.+?)\s*\b(\w+)", decl)
                fields.append((fm.group(2), ctype(fm.group(1), aliases, opaque)))
        structs.append((m.group(2), fields))
        aliases[m.group(2)] = m.group(2)
    body = re.sub(r"typedef struct \{.*?\} \w+;", "", body, flags=re.S)
    for stmt in body.split(";"):
        s = " ".join(stmt.split())
        if not s or s in ("}",):
            continue
        if re.fullmatch(r"typedef struct (\w+) \1", s):
            continue  # opaque handle types, collected above
        m = re.fullmatch(r"typedef (\w+) (\w+)", s)
        if m:
            aliases[m.group(2)] = ctype(m.group(1), aliases, opaque)
            continue
        m = re.fullmatch(r"typedef (.+?) ?\(\*(\w+)\)\((.*)\)", s)
        if m:
            ret = ctype(m.group(1), aliases, opaque)
            params = [param_type(p, aliases, opaque) for p in split_params(m.group(3))]
            aliases[m.group(2)] = f"ctypes.CFUNCTYPE({', '.join([ret] + params)})"
            continue
        m = re.fullmatch(r"(.+?) ?\b(ndm_\w+)\((.*)\)", s)
        if m:
            ret = ctype(m.group(1), aliases, opaque)
            params = [param_type(p, aliases, opaque) for p in split_params(m.group(3))]
            functions.append((m.group(2), ret, params))
            continue
        raise SystemExit(f"gen_ffi: cannot translate declaration: {s!r}")
    return constants, aliases, structs, functions


def param_type(param, aliases, opaque):
    """The ctypes type of one named parameter, e.g. 'const int64_t *shape'."""
    m = re.fullmatch(r"(.+?)\s*\b(\w+)", param.strip())
    if not m:
        raise SystemExit(f"gen_ffi: cannot parse parameter {param!r}")
    return ctype(m.group(1), aliases, opaque)


def split_params(text):
    text = text.strip()
    if text in ("", "void"):
        return []
    return [p.strip() for p in text.split(",")]


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
    for name, expr in aliases.items():
        if name not in struct_names:
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
    out.append("")
    out.append("FUNCTIONS = {")
    for name, ret, params in functions:
        out.append(f"    {name!r}: ({ret}, [{', '.join(params)}]),")
    out.append("}")
    out.append("")
    out.append("")
    out.append("def declare(lib):")
    out.append('    """Set restype and argtypes of every ndmem function on a loaded CDLL."""')
    out.append("    for name, (restype, argtypes) in FUNCTIONS.items():")
    out.append("        fn = getattr(lib, name)")
    out.append("        fn.restype = restype")
    out.append("        fn.argtypes = argtypes")
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
