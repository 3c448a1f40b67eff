#!/usr/bin/env python3
"""Ufuncs and reductions, ndmem vs NumPy in the same run on the same memory.

Every row runs NumPy and ndmem (which wraps the NumPy arrays with no copy) on the same arrays,
alternating 5 rounds of best-of-5, and prints the median of the per-round ratios
ndmem / NumPy (below 1: ndmem is faster), the issue's target for the row, and the bytes moved
per second as a fraction of this machine's memory bandwidth (a plain NumPy copy of 80 MB,
measured in the same run). Ratios, not times: these machines are shared and noisy.
ndmem runs with its default thread count (large contiguous loops split across the CPUs; NumPy's
ufuncs are single-threaded); the last column repeats each row with ndmem on one thread.
Run: make bench   (or PYTHONPATH=bindings/python .venv/bin/python benches/compare_ufunc.py)
"""
import warnings

import numpy as np
from timing import best_ms, rounds

import ndmem

N = 10_000_000


def main():
    warnings.simplefilter("ignore")
    rows = []
    for dt in ("f8", "f4"):
        a = np.random.default_rng(1).uniform(-100, 100, N).astype(dt)
        b = np.random.default_rng(2).uniform(-100, 100, N).astype(dt)
        A, B = ndmem.asarray(a), ndmem.asarray(b)
        nb = a.nbytes
        rows += [
            (f"a *= 2 ({dt})", lambda a=a: np.multiply(a, 2, out=a), lambda A=A: ndmem.multiply(A, 2, out=A), 1.0, 2 * nb),
            (f"multiply(a, 2, out=b) ({dt})", lambda a=a, b=b: np.multiply(a, 2, out=b),
             lambda A=A, B=B: ndmem.multiply(A, 2, out=B), 1.0, 2 * nb),
            (f"c = a + b ({dt})", lambda a=a, b=b: a + b, lambda A=A, B=B: A + B, 1.0, 3 * nb),
            (f"a += b ({dt})", lambda a=a, b=b: np.add(a, b, out=a), lambda A=A, B=B: ndmem.add(A, B, out=A), 1.0, 3 * nb),
        ]
    a = np.random.default_rng(3).uniform(-100, 100, N)  # written by the a[::2] row
    x = np.random.default_rng(5).uniform(-100, 100, N)  # read-only input of the function rows
    p = np.abs(x)
    b = np.empty(N)
    A, B, P, X = ndmem.asarray(a), ndmem.asarray(b), ndmem.asarray(p), ndmem.asarray(x)
    rows += [
        ("a[::2] *= 2 (f8)", lambda: np.multiply(a[::2], 2, out=a[::2]),
         lambda: ndmem.multiply(A[::2], 2, out=A[::2]), 1.0, a.nbytes),
        ("sqrt(a, out=b)", lambda: np.sqrt(p, out=b), lambda: ndmem.sqrt(P, out=B), 0.55, 2 * a.nbytes),
        ("exp(a, out=b)", lambda: np.exp(x, out=b), lambda: ndmem.exp(X, out=B), 1.0, 2 * a.nbytes),
        ("sin(a, out=b)", lambda: np.sin(x, out=b), lambda: ndmem.sin(X, out=B), 0.5, 2 * a.nbytes),
        ("cos(a, out=b)", lambda: np.cos(x, out=b), lambda: ndmem.cos(X, out=B), 0.5, 2 * a.nbytes),
    ]
    m = np.random.default_rng(4).standard_normal((5000, 5000))
    M = ndmem.asarray(m)
    rows += [
        ("sum() 5000x5000", lambda: m.sum(), lambda: ndmem.sum(M), 1.0, m.nbytes),
        ("sum(axis=0) 5000x5000", lambda: m.sum(axis=0), lambda: ndmem.sum(M, axis=0), 0.75, m.nbytes),
        ("sum(axis=1) 5000x5000", lambda: m.sum(axis=1), lambda: ndmem.sum(M, axis=1), 1.0, m.nbytes),
    ]
    src = np.ones(N)
    dst = np.empty(N)
    bandwidth = 2 * src.nbytes / (best_ms(lambda: np.copyto(dst, src), 10) / 1e3)  # bytes/s
    threads = ndmem.get_num_threads()
    print(f"memory bandwidth (NumPy copy of 80 MB): {bandwidth / 1e9:.1f} GB/s; SIMD level "
          f"{ndmem.lib.ndm_simd_level().decode()}; ndmem threads {threads}")
    print(f"{'row':30} {'ndmem/NumPy':>11} {'target':>7} {'met':>4} {'ndmem/bandwidth':>16} "
          f"{'1 thread':>9}")
    for name, theirs, ours, target, moved in rows:
        ratio, t_np = rounds(theirs, ours)
        t_nd = ratio * t_np / 1e3
        frac = moved / t_nd / bandwidth
        previous = ndmem.set_num_threads(1)
        single, _ = rounds(theirs, ours)
        ndmem.set_num_threads(previous)
        print(f"{name:30} {ratio:11.2f} {target:7.2f} {'yes' if ratio <= target else 'NO':>4} "
              f"{frac:16.2f} {single:9.2f}")


if __name__ == "__main__":
    main()
