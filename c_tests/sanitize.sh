#!/bin/sh
# `make sanitize` (not in `make test`: it needs nightly Rust and builds the library twice more).
#   AddressSanitizer: the library built with -Zsanitizer=address; every C test, the C++ tests
#   (C++17 and C++20) and the Fortran tests built with -fsanitize=address against it and run
#   from a scratch directory (no test may depend on the current directory).
#   ThreadSanitizer: the library and the Rust standard library built with -Zsanitizer=thread,
#   and the thread-stress test (c_tests/test_threads.c) built with -fsanitize=thread.
# Any report fails the run.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
CC=${CC:-cc}
CXX=${CXX:-c++}
FC=${FC:-gfortran}
target=x86_64-unknown-linux-gnu
out=$root/target/sanitize

rustup run nightly rustc --version >/dev/null 2>&1 || {
    echo "error: make sanitize needs a nightly Rust toolchain: rustup toolchain install nightly"
    exit 1
}

build_lib() { # $1: address | thread
    # --target keeps build scripts uninstrumented; the library alone carries the sanitizer.
    # ThreadSanitizer must see the standard library's own synchronisation too (its mutexes'
    # slow paths, Arc, Once), so that build compiles std from source with the sanitizer
    # (-Zbuild-std, which needs the rust-src component).
    std=""
    if [ "$1" = thread ]; then
        rustup component list --toolchain nightly --installed | grep -q '^rust-src' ||
            rustup component add rust-src --toolchain nightly >&2
        std="-Zbuild-std"
    fi
    RUSTFLAGS="-Zsanitizer=$1" cargo +nightly build --quiet --lib $std --target $target \
        --target-dir "$out/$1"
    echo "$out/$1/$target/debug"
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
data="-DNDM_TEST_DATA=\"$root/tests/data\""

echo "--- AddressSanitizer ---"
lib=$(build_lib address)
link="-L$lib -Wl,-rpath,$lib -lndmem"
export ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1:abort_on_error=0:halt_on_error=1
bin=$out/address/bin
mkdir -p "$bin" "$bin/mod"
for src in c_tests/test_*.c; do
    name=$(basename "$src" .c)
    $CC -std=c11 -g -fsanitize=address -fno-omit-frame-pointer -Iinclude "$data" "$src" $link \
        -lm -pthread -o "$bin/$name"
    (cd "$scratch" && "$bin/$name" >/dev/null) || { echo "sanitize: $name failed under ASan"; exit 1; }
    echo "asan: $name: clean"
done
for std in c++17 c++20; do
    $CXX -std=$std -g -fsanitize=address -fno-omit-frame-pointer -Iinclude -Ibindings/cpp "$data" \
        bindings/cpp/tests/test_cpp.cpp $link -o "$bin/test_cpp_$std"
    (cd "$scratch" && "$bin/test_cpp_$std" >/dev/null) || { echo "sanitize: test_cpp ($std) failed under ASan"; exit 1; }
    echo "asan: test_cpp ($std): clean"
done
fflags="-std=f2018 -g -fsanitize=address -J $bin/mod -I$bin/mod"
for f in ndmem_c ndmem_pointers ndmem; do
    $FC $fflags -c bindings/fortran/$f.f90 -o "$bin/mod/$f.o"
done
$CC -std=c11 -g -fsanitize=address -Iinclude -I"$($FC -print-file-name=include)" \
    -c bindings/fortran/ndmem_cfi.c -o "$bin/mod/ndmem_cfi.o"
$FC $fflags -cpp -ffree-line-length-none -DNDM_TEST_DATA="'$root/tests/data'" \
    bindings/fortran/tests/test_fortran.f90 "$bin"/mod/*.o $link -o "$bin/test_fortran"
(cd "$scratch" && "$bin/test_fortran" >/dev/null) || { echo "sanitize: test_fortran failed under ASan"; exit 1; }
echo "asan: test_fortran: clean"

echo "--- ThreadSanitizer ---"
lib=$(build_lib thread)
bin=$out/thread/bin
mkdir -p "$bin"
# The C file is instrumented by the C compiler; the program links rustc's own ThreadSanitizer
# runtime (that of the LLVM that instrumented the library, which calls entry points such as
# __tsan_memcpy that gcc 12's libtsan lacks).
rt="$(rustc +nightly --print sysroot)/lib/rustlib/$target/lib/librustc-nightly_rt.tsan.a"
$CC -std=c11 -g -fsanitize=thread -Iinclude "$data" -c c_tests/test_threads.c -o "$bin/test_threads.o"
$CC "$bin/test_threads.o" -Wl,--whole-archive "$rt" -Wl,--no-whole-archive -L"$lib" \
    -Wl,-rpath,"$lib" -lndmem -lm -lpthread -ldl -lstdc++ -o "$bin/test_threads"
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
(cd "$scratch" && "$bin/test_threads" >/dev/null) || { echo "sanitize: test_threads failed under TSan"; exit 1; }
echo "tsan: test_threads: no races"
echo "make sanitize: ASan and TSan clean"
