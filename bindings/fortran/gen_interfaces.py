#!/usr/bin/env python3
"""Generate bindings/fortran/ndmem_c.f90 (module ndmem_c: iso_c_binding interfaces of
include/ndmem.h) and bindings/fortran/ndmem_pointers.f90 (module ndmem_pointers: the generic
ndm_pointer over the shim's ndmf_to_descriptor), one module per file.

The interfaces are never typed by hand, so a new C function needs no hand-written glue:
    python3 bindings/fortran/gen_interfaces.py           # rewrite both files
    python3 bindings/fortran/gen_interfaces.py --check   # exit 1 if either is stale
Mapping: handles and other pointers are type(c_ptr) passed by value (NULL = c_null_ptr), except
`T **out` (type(c_ptr) by reference), `T *const *` input lists (type(c_ptr) arrays),
`const int64_t *` inputs (integer(c_int64_t) arrays), `const char *` inputs (NUL-terminated character arrays) and pointers to ndmem structs (the
bind(C) derived type by reference, optional where C accepts NULL). Parameters listed in NULLABLE
are optional too (absent: NULL), e.g. `ndm_reduce`'s axes and the ufuncs' result when out is given. Unknown declarations are an
error, so a new kind of declaration is noticed here rather than mistranslated.
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cheader  # noqa: E402  (bindings/cheader.py, shared with the Python generator)

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "ndmem.h"
OUTPUT = Path(__file__).resolve().parent / "ndmem_c.f90"
POINTERS = Path(__file__).resolve().parent / "ndmem_pointers.f90"

SCALARS = {
    "bool": "logical(c_bool)", "char": "character(kind=c_char)", "double": "real(c_double)",
    "float": "real(c_float)", "int8_t": "integer(c_int8_t)", "int16_t": "integer(c_int16_t)",
    "int32_t": "integer(c_int32_t)", "int64_t": "integer(c_int64_t)",
    "uint8_t": "integer(c_int8_t)", "uint16_t": "integer(c_int16_t)",
    "uint32_t": "integer(c_int32_t)", "uint64_t": "integer(c_int64_t)", "size_t": "integer(c_size_t)",
}

# Struct-pointer parameters that are arrays in C (the rest point to one struct).
STRUCT_ARRAYS = {"items"}

# Pointer parameters to which C gives a meaning when NULL (see each function in ndmem.h), passed
# by reference in Fortran: they are `optional`, and an absent argument passes NULL. (A list
# whose length argument is 0 may also be NULL in C; in Fortran pass an empty array.) Handles and other pointers
# passed by value cannot be optional in a bind(C) interface; pass c_null_ptr for those.
NULLABLE = {
    "ndm_ufunc_binary": {"result"}, "ndm_ufunc_scalar": {"result"}, "ndm_ufunc_unary": {"result"},
    "ndm_reduce": {"axes", "result"}, "ndm_transpose": {"axes"}, "ndm_squeeze": {"axes"},
    "ndm_sliding_window_view": {"axes"}, "ndm_take": {"axis"}, "ndm_compress": {"axis"},
    "ndm_concatenate": {"axis"}, "ndm_from_ptr": {"strides"},
    "ndm_view_buffer": {"strides"}, "ndm_byteswap": {"out"},
    "ndm_dtype_record_add_field_ex": {"title"}, "ndm_set_last_error": {"message"},
    "ndm_open_memmap": {"shape"}, "ndm_open_memmap_ex": {"shape"}, "ndm_memmap_raw": {"shape"},
    "ndm_index": {"items"}, "ndm_set_tag": {"tag"},
}


def parse(text):
    constants, opaque, structs, typedefs, functions = cheader.parse(text)
    aliases = {name: "funptr" if isinstance(t, tuple) else t for name, t in typedefs}
    return constants, aliases, set(opaque), structs, functions


def resolve(t, aliases):
    base = t.replace("const ", "").replace("*", "").strip()
    while base in aliases and aliases[base] != "funptr":
        base = aliases[base]
    return base


def field_type(decl, aliases, opaque, structs):
    """The Fortran type of a struct field and its dimension ("" or "(length)")."""
    m = re.fullmatch(r"(.+)\[(\w+)\]", decl.strip())
    if m:
        return field_type(m.group(1), aliases, opaque, structs)[0], f"({m.group(2).lower()})"
    t = decl.strip()
    if "*" in t:
        return "type(c_ptr)", ""
    base = resolve(t, aliases)
    if base in SCALARS:
        return SCALARS[base], ""
    raise SystemExit(f"gen_interfaces: unknown field type {decl!r}")


def dummy(ctype, name, aliases, opaque, structs):
    """The Fortran declaration of one dummy argument."""
    stars = ctype.count("*")
    const = ctype.startswith("const ")
    base = resolve(ctype, aliases)
    raw = ctype.replace("const ", "").replace("*", "").strip()
    if aliases.get(raw) == "funptr":
        return f"type(c_funptr), value :: {name}"
    if stars == 0:
        if base in SCALARS:
            return f"{SCALARS[base]}, value :: {name}"
        raise SystemExit(f"gen_interfaces: unknown type {ctype!r}")
    if stars == 2 and "*const *" in ctype:  # an input list of pointers (handles, strings, shapes)
        return f"type(c_ptr), dimension(*), intent(in) :: {name}"
    if stars == 2:
        return f"type(c_ptr), intent(out) :: {name}"
    if base == "char" and const:
        return f"character(kind=c_char), dimension(*), intent(in) :: {name}"
    if base == "int64_t" and const:
        return f"integer(c_int64_t), dimension(*), intent(in) :: {name}"
    if raw in {s for s, _ in structs} and name in STRUCT_ARRAYS:
        return f"type({raw}), dimension(*), intent(in) :: {name}"
    if raw in {s for s, _ in structs}:
        # A struct whose first field is its own size is read (the size) and written.
        sized = any(s == raw and fields and fields[0][0] == "size" for s, fields in structs)
        intent = "intent(in)" if const else "intent(inout)" if sized else "intent(out)"
        return f"type({raw}), {intent}, optional :: {name}"
    return f"type(c_ptr), value :: {name}"


def render(constants, aliases, opaque, structs, functions):
    out = ["! GENERATED by bindings/fortran/gen_interfaces.py from include/ndmem.h; do not edit.",
           "! The C API of ndmem as iso_c_binding interfaces (see that script for the mapping).",
           "module ndmem_c",
           "  use, intrinsic :: iso_c_binding",
           "  implicit none",
           "  public", ""]
    for name, value in constants:
        v = value.strip("()")
        m = re.fullmatch(r"(\d+) << (\d+)", v)
        v = str(int(m.group(1)) << int(m.group(2))) if m else v
        if not re.fullmatch(r"-?\d+", v):
            continue  # strings and expressions are for C only
        kind = "c_int64_t" if abs(int(v)) > 2**31 - 1 else "c_int32_t"
        out.append(f"  integer({kind}), parameter :: {name.lower()} = {v}_{kind}")
    out.append("")
    for name, fields in structs:
        out.append(f"  type, bind(C) :: {name}")
        for fname, ftype in fields:
            ftype, dims = field_type(ftype, aliases, opaque, structs)
            out.append(f"    {ftype} :: {fname}{dims}")
        out.append(f"  end type {name}")
        out.append("")
    out.append("  interface")
    for name, ret, params in functions:
        names = [p for _, p in params]
        args = ", ".join(names)
        rbase = resolve(ret, aliases)
        if ret == "void":
            head, tail = f"    subroutine {name}({args}) bind(C, name='{name}')", "    end subroutine"
            rdecl = None
        else:
            head, tail = f"    function {name}({args}) bind(C, name='{name}') result(r)", "    end function"
            rdecl = "type(c_ptr) :: r" if "*" in ret else f"{SCALARS[rbase]} :: r"
        line = head
        while len(line) > 100:  # free-form continuation
            cut = line.rfind(", ", 0, 96) + 1
            out.append(line[:cut] + " &")
            line = "        " + line[cut:].lstrip()
        out.append(line)
        out.append("      import")
        if rdecl:
            out.append(f"      {rdecl}")
        nullable = NULLABLE.get(name, set())
        unknown = nullable - set(names)
        if unknown:
            raise SystemExit(f"gen_interfaces: {name} has no parameter {sorted(unknown)}")
        for ctype, pname in params:
            decl = dummy(ctype, pname, aliases, opaque, structs)
            if pname in nullable:
                if "value" in decl:
                    raise SystemExit(f"gen_interfaces: {name}({pname}) is passed by value")
                decl = decl.replace(" :: ", ", optional :: ") if "optional" not in decl else decl
            out.append(f"      {decl}")
        out.append(tail)
    out.append("  end interface")
    out.append("end module ndmem_c")
    return "\n".join(out) + "\n"


POINTER_TYPES = [("f4", "real(c_float)"), ("f8", "real(c_double)"), ("i4", "integer(c_int32_t)"),
                 ("i8", "integer(c_int64_t)"), ("c8", "complex(c_float_complex)"),
                 ("c16", "complex(c_double_complex)")]


def render_pointers():
    """Module ndmem_pointers: generic ndm_pointer(arr, p) for the common types, ranks 1 to 7,
    through the shim's ndmf_to_descriptor (the pointer is nullified first so that the C side
    always receives a defined descriptor)."""
    out = ["! GENERATED by bindings/fortran/gen_interfaces.py; do not edit.",
           "! Fortran pointers over ndmem arrays: generic ndm_pointer(arr, p), types x ranks 1-7.",
           "module ndmem_pointers", "  use, intrinsic :: iso_c_binding", "  implicit none",
           "  private", "  public :: ndm_pointer", "", "  interface ndm_pointer"]
    names = [f"pointer_{t}_{r}" for t, _ in POINTER_TYPES for r in range(1, 8)]
    for i in range(0, len(names), 4):
        out.append("    module procedure " + ", ".join(names[i:i + 4]))
    out += ["  end interface", "", "  interface"]
    for t, ftype in POINTER_TYPES:
        for r in range(1, 8):
            dims = ", ".join([":"] * r)
            out += [f"    function c_{t}_{r}(a, p) bind(C, name='ndmf_to_descriptor') result(s)",
                    "      import", "      type(c_ptr), value :: a",
                    f"      {ftype}, pointer, intent(inout) :: p({dims})",
                    "      integer(c_int32_t) :: s", "    end function"]
    out += ["  end interface", "", "contains"]
    for t, ftype in POINTER_TYPES:
        for r in range(1, 8):
            dims = ", ".join([":"] * r)
            out += [f"  function pointer_{t}_{r}(arr, p) result(status)",
                    "    type(c_ptr), intent(in) :: arr",
                    f"    {ftype}, pointer, intent(inout) :: p({dims})",
                    "    integer(c_int32_t) :: status", "    nullify(p)",
                    f"    status = c_{t}_{r}(arr, p)", "  end function"]
    out.append("end module ndmem_pointers")
    return "\n".join(out) + "\n"


def main():
    files = {OUTPUT: render(*parse(HEADER.read_text())), POINTERS: render_pointers()}
    if "--check" in sys.argv[1:]:
        for path, text in files.items():
            if not path.exists() or path.read_text() != text:
                print(f"{path} is stale: run python3 bindings/fortran/gen_interfaces.py")
                sys.exit(1)
        return
    for path, text in files.items():
        path.write_text(text)


if __name__ == "__main__":
    main()
