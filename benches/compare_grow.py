#!/usr/bin/env python3
"""Growth, ndmem vs NumPy's ways of growing, in the same run (alternating rounds, median of the
per-round ratios; below 1: ndmem faster).

- 1,000,000 float64 appended in chunks of 10,000 to `ndmem.empty(0, capacity=0)` (every
  growth included) vs `np.append` in a loop (target: at most 0.002 of its time) and vs a list
  of the chunks followed by one `np.concatenate` (target: at most 1.0). The floor: copying the
  same chunks once into memory that exists already (`out[i:j] = chunk`), which no growing
  method can beat, is printed as a ratio to `np.append` too; and the same megabyte appended in
  10 chunks of 100,000, which shows what the 100 calls from Python cost.
- 200 MB of float64 rows appended to an `.npy` file in 100 chunks (`ndmem.open_append`, then
  `close`, which flushes: fdatasync, header, fdatasync) vs the same chunks written with
  `ndarray.tofile` to an open file, then fsync (target: at most 1.25).
Run: make bench   (or PYTHONPATH=bindings/python .venv/bin/python benches/compare_grow.py)
"""
import os
import tempfile

import numpy as np
from timing import rounds

import ndmem

CHUNK, CHUNKS = 10_000, 100
FILE_ROWS, FILE_CHUNKS = 25_000_000, 100  # 200 MB


def main():
    chunks = [np.random.default_rng(i).uniform(-1, 1, CHUNK) for i in range(CHUNKS)]
    want = np.concatenate(chunks)

    def numpy_append():
        a = np.empty(0)
        for c in chunks:
            a = np.append(a, c)
        return a

    def numpy_concatenate():
        parts = []
        for c in chunks:
            parts.append(c)
        return np.concatenate(parts)

    out = np.empty(CHUNK * CHUNKS)

    def copy_once():
        for i, c in enumerate(chunks):
            out[i * CHUNK:(i + 1) * CHUNK] = c
        return out

    def ndmem_append(parts=chunks):
        x = ndmem.empty(0, "f8", capacity=0)
        for c in parts:
            x.append(c)
        return x

    big = [np.concatenate(chunks[i:i + 10]) for i in range(0, CHUNKS, 10)]

    assert np.array_equal(np.asarray(ndmem_append()), want)
    assert np.array_equal(numpy_append(), want)

    file_chunks = np.array_split(np.arange(FILE_ROWS, dtype="f8"), FILE_CHUNKS)
    with tempfile.TemporaryDirectory(dir=os.environ.get("NDMEM_BENCH_DIR")) as d:
        theirs_path, ours_path = os.path.join(d, "theirs.bin"), os.path.join(d, "ours.npy")

        def numpy_tofile():
            with open(theirs_path, "wb") as f:
                for c in file_chunks:
                    c.tofile(f)
                f.flush()
                os.fsync(f.fileno())
            os.remove(theirs_path)

        def ndmem_file():
            with ndmem.open_append(ours_path, "f8", ()) as x:
                for c in file_chunks:
                    x.append(c)
            os.remove(ours_path)

        ndmem_file_check = ndmem.open_append(ours_path, "f8", ())
        for c in file_chunks[:3]:
            ndmem_file_check.append(c)
        ndmem_file_check.close()
        assert np.array_equal(np.load(ours_path), np.concatenate(file_chunks[:3]))
        os.remove(ours_path)

        rows = [
            ("append 1M f8 in 10k chunks vs np.append loop", numpy_append, ndmem_append, 0.002,
             3),
            ("  floor: copy the chunks once vs np.append", numpy_append, copy_once, None, 3),
            ("append 1M f8 in 10k chunks vs list+concatenate", numpy_concatenate, ndmem_append,
             1.0, 25),
            ("  same 1M f8 in 100k chunks (10 calls) vs concat", lambda: np.concatenate(list(big)),
             lambda: ndmem_append(big), None, 25),
            (".npy append 200 MB in 100 chunks vs tofile", numpy_tofile, ndmem_file, 1.25, 2),
        ]
        print(f"{'row':48} {'ndmem/NumPy':>11} {'target':>7} {'met':>4} {'NumPy ms':>9}")
        for name, theirs, ours, target, repeats in rows:
            ratio, t_np = rounds(theirs, ours, n=5, repeats=repeats)
            met = "" if target is None else ("yes" if ratio <= target else "NO")
            print(f"{name:48} {ratio:11.4f} {target or '':>7} {met:>4} {t_np:9.2f}")


if __name__ == "__main__":
    main()
