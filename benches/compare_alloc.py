#!/usr/bin/env python3
"""Fresh large buffers, ndmem vs NumPy in the same run: allocate 80 MB and fill it once.

Both ask the kernel for transparent huge pages; the ratio ndmem/NumPy should be about 1, and
each library's huge-page gain (vs. NumPy with huge pages switched off) is printed too.
Run: make build && PYTHONPATH=bindings/python .venv/bin/python benches/compare_alloc.py
"""
import numpy as np
from timing import best_ms

import ndmem

N = 10_000_000  # float64 elements: 80 MB


def ndmem_fresh():
    np.asarray(ndmem.empty(N)).fill(1.0)


def numpy_fresh():
    np.empty(N).fill(1.0)


def main():
    rows = []
    for _ in range(3):  # alternate the two, so drift on a shared machine hits both
        rows.append((best_ms(ndmem_fresh), best_ms(numpy_fresh)))
    ours = min(r[0] for r in rows)
    theirs = min(r[1] for r in rows)
    np._core.multiarray._set_madvise_hugepage(False)
    numpy_4k = best_ms(numpy_fresh)
    np._core.multiarray._set_madvise_hugepage(True)
    print("fresh 80 MB empty + fill, best of 75:")
    print(f"  ndmem / NumPy                      {ours / theirs:5.2f}")
    print(f"  NumPy 4k pages / NumPy huge pages  {numpy_4k / theirs:5.2f}")
    print(f"  NumPy 4k pages / ndmem             {numpy_4k / ours:5.2f}")


if __name__ == "__main__":
    main()
