#!/usr/bin/env python3
"""DLPack hand-overs from Python, ndmem vs NumPy in the same run (alternating rounds, median of
the per-round ratios; below 1: ndmem faster). Each timed call loops 10,000 hand-overs of a
1000x1000 float64 array (nothing is copied: the time is the fixed cost of a hand-over):

- `np.from_dlpack(x)` of an ndmem array vs `np.from_dlpack(y)` of a NumPy array (NumPy as the
  consumer of both producers);
- `ndmem.from_dlpack(y)` of a NumPy array vs `np.from_dlpack(y)` (ndmem as the consumer);
- the unit of a call from Python into the library through ctypes (`ndm_ndim(handle)`), which
  bounds what a binding without a compiler can reach.
The round trip from C (target: at most 100 ns) is measured by benches/c/dlpack.c.
Run: make bench   (or PYTHONPATH=bindings/python .venv/bin/python benches/compare_dlpack.py)
"""
import numpy as np
from timing import rounds

import ndmem

CALLS = 10_000


def main():
    y = np.zeros((1000, 1000))
    x = ndmem.zeros((1000, 1000))
    assert np.from_dlpack(x).ctypes.data == x.ctypes.data
    assert ndmem.from_dlpack(y).ctypes.data == y.ctypes.data

    def loop(f, a):
        return lambda: [f(a) for _ in range(CALLS)]

    ndim, h = ndmem.lib.ndm_ndim, x._h
    rows = [
        ("np.from_dlpack(ndmem array) / np.from_dlpack(numpy array)",
         loop(np.from_dlpack, y), loop(np.from_dlpack, x)),
        ("ndmem.from_dlpack(numpy array) / np.from_dlpack(numpy array)",
         loop(np.from_dlpack, y), loop(ndmem.from_dlpack, y)),
        ("one ctypes call into ndmem (ndm_ndim) / np.from_dlpack(numpy array)",
         loop(np.from_dlpack, y), lambda: [ndim(h) for _ in range(CALLS)]),
    ]
    print("DLPack hand-overs from Python (10,000 per timing; ratio ndmem / NumPy, NumPy's time per call)")
    for name, theirs, ours in rows:
        ratio, t_np = rounds(theirs, ours, n=7, repeats=3)
        print(f"  {name:72s} {ratio:6.2f}   NumPy {t_np * 1e3 / CALLS:6.2f} us")


if __name__ == "__main__":
    main()
