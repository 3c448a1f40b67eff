#!/usr/bin/env python3
"""Copies through views, ndmem vs NumPy in the same run on the same memory.

Each row copies a view of one 2048 x 2048 float64 array (32 MiB) into a new C-ordered array,
once with NumPy and once with ndmem (which wraps the NumPy array with no copy), alternating,
best of 15. Ratios below 1 mean ndmem is faster. The last column compares with this machine's
memory bandwidth (a plain contiguous copy of the same bytes by NumPy).
Run: make bench   (or PYTHONPATH=bindings/python .venv/bin/python benches/compare_copy.py)
"""
import numpy as np
from timing import best_ms

import ndmem

N = 2048


def main():
    a = np.arange(N * N, dtype=np.float64).reshape(N, N)
    x = ndmem.asarray(a)
    rows = [
        ("contiguous copy", lambda: a.copy(), lambda: x.copy()),
        ("transpose -> C copy", lambda: a.T.copy(), lambda: x.T.copy()),
        ("every other column", lambda: a[:, ::2].copy(), lambda: x[:, ::2].copy()),
        ("reversed rows", lambda: a[::-1].copy(), lambda: x[::-1].copy()),
        ("ravel of transpose", lambda: a.T.ravel(), lambda: x.T.ravel()),
    ]
    bandwidth = best_ms(lambda: a.copy())
    print(f"{'row':24} {'ndmem/NumPy':>12} {'ndmem/memcpy':>13}")
    for name, theirs, ours in rows:
        t_np = t_nd = float("inf")
        for _ in range(3):  # alternate, so that drift on a shared machine hits both
            t_np = min(t_np, best_ms(theirs, 5))
            t_nd = min(t_nd, best_ms(ours, 5))
        print(f"{name:24} {t_nd / t_np:12.2f} {t_nd / bandwidth:13.2f}")


if __name__ == "__main__":
    main()
