#!/bin/sh
# ndmem installed as users install it, and used only from where it was installed (make
# install-test, part of make test). Everything happens in a temporary directory, removed at the
# end. Needs: CC, CXX, FC, PYTHON, MAKE; cmake, pkg-config, readelf, nm.
set -eu
ROOT=$(pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
P="$T/prefix"
say() { echo "install-test: $*"; }
fail() { echo "install-test: FAILED: $*"; exit 1; }
info() { "$PYTHON" packaging/install_files.py --print "$1"; }
REAL=$(info realname)
SO=$(info soname)
SOVERSION=$(info soversion)

# 1. make install into a prefix; DESTDIR staging puts the same tree under a root and keeps the
#    final prefix in ndmem.pc; make uninstall leaves no file behind.
$MAKE -s install PREFIX="$P" >/dev/null
$MAKE -s install DESTDIR="$T/stage" PREFIX=/opt/ndmem >/dev/null
test -f "$T/stage/opt/ndmem/include/ndmem.h" || fail "DESTDIR staging"
grep -qx 'prefix=/opt/ndmem' "$T/stage/opt/ndmem/lib/pkgconfig/ndmem.pc" || fail "ndmem.pc prefix"
$MAKE -s uninstall DESTDIR="$T/stage" PREFIX=/opt/ndmem >/dev/null
test -z "$(ls -A "$T/stage/opt/ndmem")" || fail "uninstall left $(find "$T/stage" -mindepth 1)"
say "installed: $(cd "$P" && find . ! -type d | sort | tr '\n' ' ')"

# 2. The shared library: its SONAME, the symlinks, and only ndm_* symbols exported.
readelf -d "$P/lib/$REAL" | grep -q "Library soname: \[$SO\]" || fail "SONAME is not $SO"
test "$(readlink "$P/lib/$SO")" = "$REAL" && test "$(readlink "$P/lib/libndmem.so")" = "$REAL" \
    || fail "symlinks"
exported=$(nm -D --defined-only "$P/lib/$REAL" | awk '{print $3}')
test "$(echo "$exported" | grep -c '^ndm_')" -gt 100 || fail "too few ndm_ symbols"
others=$(echo "$exported" | grep -v '^ndm_' || true)
test -z "$others" || fail "exported beyond ndm_*: $others"
say "SONAME $SO; $(echo "$exported" | wc -l) symbols exported, all ndm_*"

# 3. C with pkg-config (the README's command), linked against the SONAME; C++ likewise.
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
cp examples/c/foreign_buffer.c "$T/app.c"
(cd "$T" && $CC -std=c11 -Wall -Werror app.c $(pkg-config --cflags --libs ndmem) \
    -Wl,-rpath,"$P/lib" -o app && ./app >/dev/null) || fail "C with pkg-config"
readelf -d "$T/app" | grep -q "NEEDED.*\[$SO\]" || fail "the program does not need $SO"
(cd "$T" && $CC -std=c11 app.c -I"$P/include" -L"$P/lib" -lndmem -Wl,-rpath,"$P/lib" -o app_cc \
    && ./app_cc >/dev/null) || fail "C with plain cc flags"
$CXX -std=c++17 -Wall -Werror examples/cpp/shared_vector.cpp $(pkg-config --cflags --libs ndmem) \
    -Wl,-rpath,"$P/lib" -o "$T/app_cpp" && "$T/app_cpp" >/dev/null || fail "C++ with pkg-config"
say "C built with pkg-config and with plain flags, C++ with pkg-config, and run"

# 4. CMake: the README's project with find_package, then the static target; an older minor
#    version is refused (0.x: a new minor version may break the ABI).
mkdir -p "$T/cmake" "$T/cmake_static" "$T/cmake_old"
"$PYTHON" - "$T" <<'PY'
import re, sys
readme = open("README.md").read()
block = re.search(r"```cmake\n(.*?)```", readme, re.S).group(1)
t = sys.argv[1]
open(f"{t}/cmake/CMakeLists.txt", "w").write(block)
open(f"{t}/cmake_static/CMakeLists.txt", "w").write(block.replace("ndmem::ndmem", "ndmem::ndmem_static"))
old = re.sub(r"find_package\(ndmem (\d+)\.(\d+)",
             lambda m: f"find_package(ndmem {m[1]}.{int(m[2]) - 1}", block)
open(f"{t}/cmake_old/CMakeLists.txt", "w").write(old)
PY
grep -q "find_package(ndmem $SOVERSION CONFIG REQUIRED)" "$T/cmake/CMakeLists.txt" \
    || fail "README's find_package asks for another version than $SOVERSION"
for d in cmake cmake_static; do
    cp "$T/app.c" "$T/$d/main.c"
    cmake -S "$T/$d" -B "$T/$d/build" -DCMAKE_PREFIX_PATH="$P" >/dev/null \
        && cmake --build "$T/$d/build" >/dev/null && "$T/$d/build/app" >/dev/null || fail "CMake ($d)"
done
if [ "$SOVERSION" != "${SOVERSION#0.}" ]; then
    cp "$T/app.c" "$T/cmake_old/main.c"
    if cmake -S "$T/cmake_old" -B "$T/cmake_old/build" -DCMAKE_PREFIX_PATH="$P" >/dev/null 2>&1; then
        fail "an older minor version was accepted by find_package"
    fi
fi
say "CMake: find_package(ndmem $SOVERSION), ndmem::ndmem and ndmem::ndmem_static built and run"

# 5. Fortran from the installed module sources and shim: the README's commands, run as written
#    (with this prefix, the example program and the compilers given).
mkdir "$T/fortran"
cp "$ROOT/examples/fortran/section.f90" "$T/fortran/app.f90"
"$PYTHON" - "$P" "$T/fortran/build.sh" <<'PY'
import re, sys
readme = open("README.md").read()
start = readme.index("Fortran: compile the installed module sources")
block = re.search(r"```sh\n(.*?)```", readme[start:], re.S).group(1)
block = block.replace("<prefix>", sys.argv[1]).replace("gfortran", "$FC").replace("cc ", "$CC ", 1)
open(sys.argv[2], "w").write("set -e\n" + block)
PY
(cd "$T/fortran" && FC="$FC -std=f2018" CC="$CC" sh build.sh) || fail "Fortran build (README's commands)"
test "$(LD_LIBRARY_PATH="$P/lib" "$T/fortran/app" | tr -s ' ' | head -1)" = " 100. 2. 300. 4." \
    || fail "Fortran run"
say "Fortran built from the installed module sources and run"

$MAKE -s uninstall PREFIX="$P" >/dev/null
test -z "$(ls -A "$P")" || fail "uninstall left $(find "$P" -mindepth 1)"
say "make uninstall: the prefix is empty"

# 6. pip: a platform wheel, installed into a fresh venv; the example runs from elsewhere with no
#    ndmem variable set, and C builds with the flags `python -m ndmem` prints.
"$PYTHON" -m venv "$T/venv"
env -u NDMEM_LIBRARY -u PYTHONPATH CARGO_TARGET_DIR="$ROOT/target" \
    "$T/venv/bin/pip" wheel -q --disable-pip-version-check --no-deps -w "$T/wheels" "$ROOT"
wheel=$(ls "$T"/wheels/ndmem-*.whl)
case "$wheel" in *-py3-none-linux_*.whl) ;; *) fail "not a py3-none platform wheel: $wheel";; esac
numpy=$(grep '^numpy==' bindings/python/requirements-test.txt)
"$T/venv/bin/pip" install -q --disable-pip-version-check "$wheel" "$numpy"
cp examples/python/zero_copy.py "$T/"
(cd "$T" && env -i PATH=/usr/bin:/bin "$T/venv/bin/python" zero_copy.py >/dev/null) \
    || fail "the Python example, from outside the checkout"
flags=$(cd "$T" && env -i PATH=/usr/bin:/bin "$T/venv/bin/python" -m ndmem --cflags --libs)
(cd "$T" && $CC -std=c11 -Wall -Werror app.c $flags -o app_pip && env -i ./app_pip >/dev/null) \
    || fail "C with python -m ndmem --cflags --libs ($flags)"
cmakedir=$(cd "$T" && env -i PATH=/usr/bin:/bin "$T/venv/bin/python" -m ndmem --cmakedir)
cmake -S "$T/cmake" -B "$T/cmake/pip" -Dndmem_DIR="$cmakedir" >/dev/null \
    && cmake --build "$T/cmake/pip" >/dev/null && env -i "$T/cmake/pip/app" >/dev/null \
    || fail "CMake against the pip-installed package"
say "pip: $(basename "$wheel"); example and C (python -m ndmem --cflags --libs) run outside the checkout"
