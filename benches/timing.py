"""Shared timing helper for the comparison scripts: best of several runs, in milliseconds."""
import statistics
import time


def best_ms(fn, repeats=25):
    """The fastest of `repeats` calls of `fn`, in ms (the minimum is the least noisy figure on a
    shared machine)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def rounds(theirs, ours, n=5, repeats=5):
    """NumPy (`theirs`) and ndmem (`ours`) alternated for `n` rounds of best-of-`repeats`: the
    median of the per-round ratios ndmem / NumPy, and NumPy's best time in ms."""
    ratios, t_np = [], float("inf")
    for _ in range(n):
        t = best_ms(theirs, repeats)
        ratios.append(best_ms(ours, repeats) / t)
        t_np = min(t_np, t)
    return statistics.median(ratios), t_np
