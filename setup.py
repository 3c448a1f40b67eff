"""`pip install .` / `pip wheel .`: builds the Rust library with cargo and packages the Python
binding (bindings/python/ndmem) with it, as a platform wheel (`py3-none-<platform>`: no Python
extension, one C library loaded through ctypes, for every Python 3).

Inside the package, the library and what a C, C++ or CMake build needs sit under a prefix of
their own, as `make install` lays them out (packaging/install_files.py says what goes there):
`ndmem/lib/libndmem.so.MAJOR.MINOR`, `ndmem/lib/libndmem.so` (a linker script naming it, since
a wheel cannot hold symlinks), `ndmem/include/`, the pkg-config file and the CMake package (the
static library is left to `make install`, which keeps the wheel small). `python -m ndmem --cflags --libs` prints the flags that build against it.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "packaging"))
import install_files  # noqa: E402  (packaging/install_files.py, beside this script)


class BuildWithLibrary(build_py):
    """Copies the Python modules, then builds libndmem (release) and adds it, the headers and
    the build files to the package."""

    def run(self):
        super().run()
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        cargo = os.environ.get("CARGO", "cargo")
        subprocess.run([cargo, "build", "--release", "--lib"], cwd=ROOT, check=True,
                       env={**os.environ, "CARGO_TARGET_DIR": str(target)})
        prefix = Path(self.build_lib) / "ndmem"
        lib = prefix / "lib"
        shutil.rmtree(lib, ignore_errors=True)  # nothing left from an earlier build
        lib.mkdir(parents=True)
        shutil.copyfile(target / "release" / "libndmem.so", lib / install_files.SONAME)
        (lib / "libndmem.so").write_text(f"INPUT({install_files.SONAME})\n")
        # The release profile keeps line tables for profiling (Cargo.toml); the package drops
        # them and every symbol but the exported ones.
        strip = os.environ.get("STRIP", "strip")
        subprocess.run([strip, "--strip-unneeded", str(lib / install_files.SONAME)], check=True)
        (prefix / "include").mkdir(exist_ok=True)
        for header in install_files.HEADERS:
            shutil.copyfile(ROOT / header, prefix / "include" / Path(header).name)
        install_files.write(prefix)
        # The CMake package expects the real file name; in the wheel it is the SONAME.
        config = lib / "cmake" / "ndmem" / "ndmemConfig.cmake"
        config.write_text(config.read_text().replace(install_files.REALNAME, install_files.SONAME))


class PlatformWheel(bdist_wheel):
    """A wheel for this platform and any Python 3: the package holds a native library but no
    extension module."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(
    version=install_files.VERSION,
    distclass=BinaryDistribution,
    cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PlatformWheel},
    # Keep setuptools' own build files out of the source tree.
    options={"build": {"build_base": "target/python-build"}, "egg_info": {"egg_base": "target"}},
)
