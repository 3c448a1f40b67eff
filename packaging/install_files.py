"""What an installation of ndmem holds, stated once for `make install` (Makefile) and for the
Python package (setup.py): the library's file names from the version in Cargo.toml (cargo-c's
convention: SONAME `libndmem.so.MAJOR.MINOR` while MAJOR is 0, `libndmem.so.MAJOR` after), the
headers, the Fortran sources, and the text of `ndmem.pc` and of the CMake package files.

    python3 packaging/install_files.py DEST [--prefix PREFIX]   # write DEST/lib/pkgconfig/ndmem.pc
                                                                # and DEST/lib/cmake/ndmem/*.cmake
    python3 packaging/install_files.py --print NAME              # print a value (soname, version...)

The CMake files find everything relative to themselves, and `ndmem.pc` too unless `--prefix`
names the final prefix (`make install` gives it; the Python package is relocatable).
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

VERSION = re.search(r'^version = "([^"]+)"', (ROOT / "Cargo.toml").read_text(), re.M).group(1)
MAJOR, MINOR, PATCH = VERSION.split(".")
SOVERSION = f"{MAJOR}.{MINOR}" if MAJOR == "0" else MAJOR
SONAME = f"libndmem.so.{SOVERSION}"
REALNAME = f"libndmem.so.{VERSION}"
# What Rust's standard library needs from the system when libndmem.a is linked statically
# (`cargo rustc --release -- --print native-static-libs`).
STATIC_DEPS = ["gcc_s", "util", "rt", "pthread", "m", "dl", "c"]

HEADERS = ["include/ndmem.h", "bindings/cpp/ndmem.hpp", "bindings/cpp/ndmem_memory.hpp"]
# Fortran: module sources, not a compiled .mod (compiler-specific), and the C shim they need.
FORTRAN = ["bindings/fortran/ndmem_c.f90", "bindings/fortran/ndmem_pointers.f90",
           "bindings/fortran/ndmem.f90", "bindings/fortran/ndmem_cfi.c"]


def pkg_config(prefix):
    static = " ".join(f"-l{lib}" for lib in STATIC_DEPS)
    return f"""prefix={prefix}
libdir=${{prefix}}/lib
includedir=${{prefix}}/include

Name: ndmem
Description: NumPy's array memory model behind a C ABI
Version: {VERSION}
Libs: -L${{libdir}} -lndmem
Libs.private: {static}
Cflags: -I${{includedir}}
"""


def cmake_config():
    static = ";".join(STATIC_DEPS)
    return f"""# ndmem's CMake package: find_package(ndmem {MAJOR}.{MINOR} CONFIG REQUIRED), then link
# ndmem::ndmem (the shared library) or ndmem::ndmem_static. Paths are relative to this file.
get_filename_component(_ndmem_prefix "${{CMAKE_CURRENT_LIST_DIR}}/../../.." ABSOLUTE)
if(NOT TARGET ndmem::ndmem)
  add_library(ndmem::ndmem SHARED IMPORTED)
  set_target_properties(ndmem::ndmem PROPERTIES
    IMPORTED_LOCATION "${{_ndmem_prefix}}/lib/{REALNAME}"
    IMPORTED_SONAME "{SONAME}"
    INTERFACE_INCLUDE_DIRECTORIES "${{_ndmem_prefix}}/include")
endif()
if(NOT TARGET ndmem::ndmem_static AND EXISTS "${{_ndmem_prefix}}/lib/libndmem.a")
  add_library(ndmem::ndmem_static STATIC IMPORTED)
  set_target_properties(ndmem::ndmem_static PROPERTIES
    IMPORTED_LOCATION "${{_ndmem_prefix}}/lib/libndmem.a"
    INTERFACE_INCLUDE_DIRECTORIES "${{_ndmem_prefix}}/include"
    INTERFACE_LINK_LIBRARIES "{static}")
endif()
set(ndmem_INCLUDE_DIR "${{_ndmem_prefix}}/include")
set(ndmem_FORTRAN_DIR "${{_ndmem_prefix}}/share/ndmem/fortran")
unset(_ndmem_prefix)
"""


def cmake_version():
    # 0.x: a new minor version may break the ABI (the SONAME changes), so only the same
    # MAJOR.MINOR is compatible, at the same or a lower patch; from 1.0 on, the same MAJOR.
    same = "MAJOR.MINOR" if MAJOR == "0" else "MAJOR"
    return f"""# The version of ndmem's CMake package ({VERSION}); compatible: same {same}.
set(PACKAGE_VERSION "{VERSION}")
set(PACKAGE_VERSION_COMPATIBLE FALSE)
if(PACKAGE_FIND_VERSION_MAJOR EQUAL {MAJOR}
   AND ({MAJOR} GREATER 0 OR PACKAGE_FIND_VERSION_MINOR EQUAL {MINOR})
   AND NOT PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
if(NOT CMAKE_SIZEOF_VOID_P EQUAL 8)
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
  set(PACKAGE_VERSION "{VERSION} (64-bit)")
endif()
"""


def write(dest, prefix="${pcfiledir}/../.."):
    """Writes the pkg-config file and the CMake package under `dest` (a prefix)."""
    dest = Path(dest)
    files = {
        dest / "lib" / "pkgconfig" / "ndmem.pc": pkg_config(prefix),
        dest / "lib" / "cmake" / "ndmem" / "ndmemConfig.cmake": cmake_config(),
        dest / "lib" / "cmake" / "ndmem" / "ndmemConfigVersion.cmake": cmake_version(),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return list(files)


def main(argv):
    if argv[:1] == ["--print"]:
        print({"version": VERSION, "soname": SONAME, "realname": REALNAME,
               "soversion": SOVERSION, "headers": " ".join(HEADERS),
               "fortran": " ".join(FORTRAN)}[argv[1]])
    elif len(argv) == 3 and argv[1] == "--prefix":
        write(argv[0], argv[2])
    elif len(argv) == 1:
        write(argv[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
