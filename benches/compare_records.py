#!/usr/bin/env python3
"""Records, ndmem vs NumPy in the same run on the same memory.

The issue's row: the mean of the `salary` field of 10M records `[('name', 'S32'), ('age', 'i4'),
('salary', 'f8')]` through a field view (no copy), both packed (itemsize 44, salary unaligned)
and aligned (itemsize 48); plus field-view creation, byteswap of a float64 array and a
non-native-order sum. Alternating rounds, median ratio ndmem / NumPy (below 1: ndmem faster),
and bytes read per second as a fraction of this machine's memory bandwidth.
Run: make bench   (or PYTHONPATH=bindings/python .venv/bin/python benches/compare_records.py)
"""

import numpy as np
from timing import best_ms, rounds

import ndmem

N = 10_000_000


def main():
    rows = []
    for align in (False, True):
        dt = np.dtype([("name", "S32"), ("age", "i4"), ("salary", "f8")], align=align)
        data = np.zeros(N, dt)
        data["salary"] = np.random.default_rng(1).uniform(1e3, 1e5, N)
        data["age"] = 40
        t = ndmem.asarray(data)  # the same memory
        label = "aligned" if align else "packed"
        rows.append((f"data['salary'].mean() {label} ({dt.itemsize} B)",
                     lambda d=data: d["salary"].mean(), lambda t=t: ndmem.mean(t["salary"]),
                     1.1, data.nbytes))
        assert ndmem.mean(t["salary"]) == data["salary"].mean()
    rows.append(("data['salary'] (view only)", lambda d=data: d["salary"], lambda t=t: t["salary"],
                 None, 0))
    x = np.random.default_rng(2).uniform(-1, 1, N)
    X = ndmem.asarray(x)
    rows.append(("x.byteswap() (f8)", lambda: x.byteswap(), lambda: X.byteswap(), None,
                 2 * x.nbytes))
    be = x.astype(">f8")
    BE = ndmem.asarray(be)
    rows.append(("sum() of >f8", lambda: be.sum(), lambda: ndmem.sum(BE), None, be.nbytes))

    src, dst = np.ones(N), np.empty(N)
    bandwidth = 2 * src.nbytes / (best_ms(lambda: np.copyto(dst, src), 10) / 1e3)
    print(f"memory bandwidth (NumPy copy of 80 MB): {bandwidth / 1e9:.1f} GB/s")
    print(f"{'row':42} {'ndmem/NumPy':>11} {'target':>7} {'met':>4} {'ndmem/bandwidth':>16}")
    for name, theirs, ours, target, moved in rows:
        ratio, t_np = rounds(theirs, ours, repeats=3)
        frac = moved / (ratio * t_np / 1e3) / bandwidth if moved else float("nan")
        met = "" if target is None else ("yes" if ratio <= target else "NO")
        tgt = "" if target is None else f"{target:.2f}"
        print(f"{name:42} {ratio:11.2f} {tgt:>7} {met:>4} {frac:16.2f}")


if __name__ == "__main__":
    main()
