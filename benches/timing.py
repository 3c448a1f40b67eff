"""Shared timing helper for the comparison scripts: best of several runs, in milliseconds."""
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
