#!/usr/bin/env python3
""".npy files and memory maps, ndmem vs NumPy in the same run on the same file.

The issue's rows: `load(mmap_mode='r')` then `sum()` of a 400 MB float64 file, and `save` of the
same array (written to the page cache; the disk is not part of the measurement), both over an
existing file (ndmem rewrites its pages in place, NumPy truncates and reallocates them) and to a
new file (the removal is timed on both sides). Alternating
rounds, median ratio ndmem / NumPy (below 1: ndmem faster).
Run: make bench   (or PYTHONPATH=bindings/python .venv/bin/python benches/compare_npy.py)
"""
import os
import tempfile

import numpy as np
from timing import rounds

import ndmem

N = 50_000_000  # 400 MB of float64


def fresh(save, path, arr):
    if os.path.exists(path):
        os.remove(path)
    save(path, arr)


def main():
    a = np.random.default_rng(3).uniform(-1, 1, N)
    x = ndmem.asarray(a)  # the same memory
    with tempfile.TemporaryDirectory(dir=os.environ.get("NDMEM_BENCH_DIR")) as d:
        path = os.path.join(d, "data.npy")
        np.save(path, a)
        ours_sum = ndmem.sum(ndmem.load(path, mmap_mode="r"))
        assert ours_sum == np.load(path, mmap_mode="r").sum()
        rows = [
            ("load(mmap_mode='r').sum() 400 MB",
             lambda: np.load(path, mmap_mode="r").sum(),
             lambda: ndmem.sum(ndmem.load(path, mmap_mode="r")), 1.0),
            ("save 400 MB (replacing the file)",
             lambda: np.save(os.path.join(d, "theirs.npy"), a),
             lambda: ndmem.save(os.path.join(d, "ours.npy"), x), 1.0),
            ("save 400 MB (new file)",
             lambda: fresh(np.save, os.path.join(d, "theirs.npy"), a),
             lambda: fresh(ndmem.save, os.path.join(d, "ours.npy"), x), 1.0),
            ("load (into memory) 400 MB",
             lambda: np.load(path), lambda: ndmem.load(path), None),
            ("save a[::2] (strided, streamed) 200 MB",
             lambda: np.save(os.path.join(d, "theirs.npy"), a[::2]),
             lambda: ndmem.save(os.path.join(d, "ours.npy"), x[::2]), None),
        ]
        print(f"{'row':42} {'ndmem/NumPy':>11} {'target':>7} {'met':>4} {'NumPy ms':>9}")
        for name, theirs, ours, target in rows:
            ratio, t_np = rounds(theirs, ours, n=5, repeats=3)
            met = "" if target is None else ("yes" if ratio <= target else "NO")
            print(f"{name:42} {ratio:11.2f} {target or '':>7} {met:>4} {t_np:9.1f}")


if __name__ == "__main__":
    main()
