"""`python -m ndmem --cflags --libs` (and `--includedir`, `--libdir`, `--cmakedir`,
`--pkgconfigdir`, `--version`): what a C, C++ or CMake build needs to compile against the
library this package loads, as pybind11's `python -m pybind11 --includes` does.

    cc prog.c $(python -m ndmem --cflags --libs)
    cmake -Dndmem_DIR=$(python -m ndmem --cmakedir) ...

An installed package (`pip install`) carries its own prefix (`ndmem/include`, `ndmem/lib`); in
a source checkout the answers are the checkout's `include/` and cargo's build of the library.
"""
import sys
from pathlib import Path

from . import _lib


def _dirs():
    """(include dir, lib dir, prefix or None) of the library `_lib` loaded."""
    library = Path(_lib.lib._name).resolve()
    if library.parent == _lib.PACKAGE / "lib":
        return _lib.PACKAGE / "include", library.parent, _lib.PACKAGE
    return _lib.PACKAGE.parents[2] / "include", library.parent, None


def answer(option):
    include, lib, prefix = _dirs()
    values = {
        "--cflags": f"-I{include}",
        "--libs": f"-L{lib} -Wl,-rpath,{lib} -lndmem",
        "--includedir": str(include),
        "--libdir": str(lib),
        "--cmakedir": str(lib / "cmake" / "ndmem") if prefix else None,
        "--pkgconfigdir": str(lib / "pkgconfig") if prefix else None,
        "--version": _lib._ffi.NDM_VERSION_STRING,
    }
    if option not in values:
        raise SystemExit(f"python -m ndmem: unknown option {option!r}; use one or more of "
                         + ", ".join(values))
    if values[option] is None:
        raise SystemExit(f"python -m ndmem: {option} needs an installed package (pip install): "
                         "a source checkout has no CMake package or pkg-config file; "
                         "`make install` writes them")
    return values[option]


def main(argv):
    if not argv:
        raise SystemExit(__doc__)
    print(" ".join(answer(option) for option in argv))


if __name__ == "__main__":
    main(sys.argv[1:])
