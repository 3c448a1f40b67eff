#!/bin/sh
# Peak resident memory while summing a 2 GB float64 .npy file: ndmem walking it in blocks and
# releasing each block's pages (examples/c/large_file_sum.c) versus NumPy's
# np.load(f, mmap_mode='r').sum(), both measured with /usr/bin/time -v on the same file.
# Needs 2 GB free in ${NDMEM_BENCH_DIR:-/tmp}. Run: make bench
set -eu
CC=${CC:-cc}
PY=${PY:-.venv/bin/python}
dir=$(mktemp -d "${NDMEM_BENCH_DIR:-/tmp}/ndmem_large.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir -p build
$CC -std=c11 -O2 -Iinclude examples/c/large_file_sum.c -Ltarget/release \
    -Wl,-rpath,"$(pwd)/target/release" -lndmem -o build/large_file_sum
rss() { grep 'Maximum resident' "$1" | awk '{print $NF}'; }
/usr/bin/time -v build/large_file_sum "$dir/big.npy" 2048 >"$dir/create.out" 2>"$dir/create.time"
/usr/bin/time -v build/large_file_sum "$dir/big.npy" >"$dir/ours.out" 2>"$dir/ours.time"
/usr/bin/time -v $PY -c "import numpy as np; print(repr(float(np.load('$dir/big.npy', mmap_mode='r').sum())))" \
    >"$dir/np.out" 2>"$dir/np.time"
echo "2 GiB float64 .npy, peak RSS (MB): ndmem create $(($(rss "$dir/create.time") / 1024)), ndmem sum $(($(rss "$dir/ours.time") / 1024)), NumPy mmap sum $(($(rss "$dir/np.time") / 1024))"
echo "  ndmem: $(cat "$dir/ours.out");  NumPy: $(cat "$dir/np.out")"
