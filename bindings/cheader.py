"""The declarations cbindgen writes into include/ndmem.h, read for the binding generators
(bindings/python/gen_ffi.py, bindings/fortran/gen_interfaces.py).

Only the shapes of declarations cbindgen emits for ndmem are understood; anything else is an
error, so a new kind of declaration is noticed rather than mistranslated. C types are returned
as text (`const int64_t *`), each generator maps them to its language.
"""
import re


def split_params(text):
    """`(type, name)` pairs of a parameter list."""
    text = text.strip()
    if text in ("", "void"):
        return []
    params = []
    for p in text.split(","):
        m = re.fullmatch(r"(.+?)\s*\b(\w+)", p.strip())
        if not m:
            raise SystemExit(f"cheader: cannot parse parameter {p!r}")
        params.append((m.group(1), m.group(2)))
    return params


def parse(text):
    """Returns (constants, opaque, structs, typedefs, functions):
    constants [(name, value text)] (object-like macros; function-like ones such as NDM_F64(x) and
    brace initialisers such as NDM_ALL are skipped), opaque [handle type names, and DLPack's managed tensors, passed by address], structs [(name, [(field, type)])]
    (a fixed array field has type "element[LENGTH]"),
    typedefs [(name, type)] or [(name, (return type, [(type, name)]))] for function pointers, in
    header order, and functions [(name, return type, [(type, name)])]."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    # DLPack's structs, declared by hand under dlpack.h's include guard: the bindings pass the
    # managed tensors by address only, like handles.
    dlpack = re.search(r"#ifndef DLPACK_DLPACK_H_\n(.*?\} DLManagedTensorVersioned;)\n#endif[^\n]*\n",
                       text, flags=re.S)
    text = text.replace(dlpack.group(0), "")
    managed = re.findall(r"\} (DLManagedTensor\w*);", dlpack.group(1))
    constants = []
    for line in text.splitlines():
        m = re.match(r"#define\s+(NDM_\w+)\s+(.+)$", line.strip())
        if m and not m.group(2).startswith("{"):  # struct initialisers are for C and C++ only
            constants.append((m.group(1), m.group(2).strip()))
    body = "\n".join(l for l in text.splitlines() if not l.strip().startswith("#"))
    body = re.sub(r'extern\s+"C"\s*\{|\}\s*//\s*extern\s+"C"', "", body)
    opaque = re.findall(r"typedef struct (\w+) \1;", body) + managed
    structs = []
    for m in re.finditer(r"typedef struct \{(.*?)\} (\w+);", body, flags=re.S):
        fields = []
        for decl in m.group(1).split(";"):
            decl = " ".join(decl.split())
            if decl:  # `type name` or a fixed array `type name[LENGTH]` (type "type[LENGTH]")
                fm = re.fullmatch(r"(.+?)\s*\b(\w+)(?:\[(\w+)\])?", decl)
                if not fm:
                    raise SystemExit(f"cheader: cannot parse field {decl!r}")
                ftype = fm.group(1) + (f"[{fm.group(3)}]" if fm.group(3) else "")
                fields.append((fm.group(2), ftype))
        structs.append((m.group(2), fields))
    body = re.sub(r"typedef struct \{.*?\} \w+;", "", body, flags=re.S)
    typedefs, functions = [], []
    for stmt in body.split(";"):
        s = " ".join(stmt.split())
        if not s or s == "}" or re.fullmatch(r"typedef struct (\w+) \1", s):
            continue
        m = re.fullmatch(r"typedef (\w+) (\w+)", s)
        if m:
            typedefs.append((m.group(2), m.group(1)))
            continue
        m = re.fullmatch(r"typedef (.+?) ?\(\*(\w+)\)\((.*)\)", s)
        if m:
            typedefs.append((m.group(2), (m.group(1), split_params(m.group(3)))))
            continue
        m = re.fullmatch(r"(.+?) ?\b(ndm_\w+)\((.*)\)", s)
        if m:
            functions.append((m.group(2), m.group(1).strip(), split_params(m.group(3))))
            continue
        raise SystemExit(f"cheader: cannot translate declaration: {s!r}")
    return constants, opaque, structs, typedefs, functions
