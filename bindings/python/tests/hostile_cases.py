"""Hostile input from Python, run batch by batch in subprocesses by test_hostile.py (so that a
crash is seen as one, with the batch that caused it):
- every public function given None, bools, huge and negative ints, NaN and infinities, strings,
  bytes, lists, tuples, slices with step 0, dicts, arbitrary objects and arrays where it expects
  something else raises the exception class NumPy would (TypeError, ValueError, OverflowError,
  IndexError, KeyError, ZeroDivisionError, OSError, MemoryError or an ndmem.Error) and leaves
  the library usable: never a crash, never a ctypes.ArgumentError, AttributeError or SystemError
  from inside the binding;
- the same functions on an array whose handle was freed (by `__del__`, or behind the binding's
  back through the C API) raise, never crash;
- user objects whose `__index__` or `__array_interface__` call back into ndmem (make arrays,
  free the very array being worked on, change the copy policy, raise) give the result of the
  plain value, or raise, never crash.
Usage: python hostile_cases.py NAME... (names from CASES)."""
import gc
import importlib
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import ndmem
from ndmem._lib import lib

importlib.import_module("conftest")  # the suite's hypothesis profiles (derandomised in make test)

OK = (TypeError, ValueError, OverflowError, IndexError, KeyError, MemoryError, ZeroDivisionError,
      OSError, ndmem.TooHardError, ndmem.Error)
hostile = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70),
    st.sampled_from([2**63 - 1, -2**63, 2**63, 2**62, -2**62, 2**31, 2**32 + 1]),  # int64's edges
    st.lists(st.sampled_from([2**63 - 1, -2**63, 2**62, -1, 0, 8]), min_size=1, max_size=3),  # strides
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4), st.binary(max_size=4), st.lists(st.integers(-2**65, 2**65), max_size=4),
    st.tuples(st.integers(-2**65, 2**65), st.integers(-2**65, 2**65)), st.just(Ellipsis), st.just(object()),
    st.just(slice(None, None, 0)), st.just({"a": 1}), st.just(np.float64("nan")), st.just(ndmem.zeros(2)),
)

def _save(h, x):
    """`save` to a hostile file argument; a name goes under a directory that does not exist, so
    that the test never writes a file."""
    if isinstance(h, str):
        h = "/nonexistent/" + h
    elif isinstance(h, bytes):
        h = b"/nonexistent/" + h
    ndmem.save(h, x)


def _in_policy(h):
    with ndmem.copy_policy(h):
        pass


def run(f):
    try:
        f()
    except OK:
        pass

CALLS = {
    "zeros": lambda h, x: ndmem.zeros(h),
    "empty_dtype": lambda h, x: ndmem.empty(3, dtype=h),
    "full": lambda h, x: ndmem.full(h, h),
    "arange": lambda h, x: ndmem.arange(h),
    "arange3": lambda h, x: ndmem.arange(0, 10, h),
    "reshape": lambda h, x: x.reshape(h),
    "transpose": lambda h, x: x.transpose(h),
    "getitem": lambda h, x: x[h],
    "setitem": lambda h, x: x.__setitem__(h, h),
    "setitem_val": lambda h, x: x.__setitem__(0, h),
    "as_strided": lambda h, x: ndmem.as_strided(x, h, h),
    "window": lambda h, x: ndmem.sliding_window_view(x, h),
    "take": lambda h, x: ndmem.take(x, h),
    "concatenate": lambda h, x: ndmem.concatenate(h),
    "add": lambda h, x: ndmem.add(x, h),
    "add_out": lambda h, x: ndmem.add(x, x, out=h),
    "sum_axis": lambda h, x: ndmem.sum(x, axis=h),
    "sum_dtype": lambda h, x: ndmem.sum(x, dtype=h),
    "dtype": lambda h, x: ndmem.dtype(h),
    "frombuffer": lambda h, x: ndmem.frombuffer(h),
    "astype": lambda h, x: x.astype(h),
    "view": lambda h, x: x.view(h),
    "set_tag": lambda h, x: ndmem.set_tag(x, h),
    "set_tag_a": lambda h, x: ndmem.set_tag(h, "t"),
    "copy_policy": lambda h, x: ndmem.set_copy_policy(h),
    "explain": lambda h, x: ndmem.explain(h),
    "asarray": lambda h, x: ndmem.asarray(h),
    "broadcast_to": lambda h, x: ndmem.broadcast_to(x, h),
    "squeeze": lambda h, x: x.squeeze(h),
    "moveaxis": lambda h, x: ndmem.moveaxis(x, h, 0),
    "copyto": lambda h, x: ndmem.copyto(x, h),
    "item": lambda h, x: x.item(h),
    "diagonal": lambda h, x: ndmem.diagonal(x.reshape(2, 3), h),
    "shares": lambda h, x: ndmem.shares_memory(x, x, max_work=h),
    "num_threads": lambda h, x: ndmem.set_num_threads(h),
    "load": lambda h, x: ndmem.load(h),
    "memmap_mode": lambda h, x: ndmem.open_memmap("/nonexistent/m.npy", mode=h),
    "memmap": lambda h, x: ndmem.memmap("/nonexistent/m.bin", dtype=h, shape=h),
    "save": lambda h, x: _save(h, x),
    "writeable": lambda h, x: setattr(x.flags, "writeable", h) if not isinstance(h, float) else None,
    "flags_key": lambda h, x: x.flags[h],
    "expand_dims": lambda h, x: ndmem.expand_dims(x, h),
    "swapaxes": lambda h, x: ndmem.swapaxes(x, h, 0),
    "compress": lambda h, x: ndmem.compress(h, x),
    "mean_where": lambda h, x: ndmem.mean(x, where=h),
    "multiply_casting": lambda h, x: ndmem.multiply(x, 2, casting=h),
    "copy_policy_block": lambda h, x: _in_policy(h),
}


def _reset():
    ndmem.set_num_threads(0)
    ndmem.set_copy_policy("allow")


def hostile_arguments(name):
    @settings(max_examples=max(1, settings.default.max_examples // 5))  # x 47 functions; explore: 10x
    @given(h=hostile)
    def check(h):
        x = ndmem.arange(6.0)
        try:
            run(lambda: CALLS[name](h, x))
        finally:
            _reset()
        assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] or name.startswith(("setitem", "copyto"))
    check()


def _free(x, how):
    if how == "del":
        x.__del__()  # the binding drops its handle: later calls see None
    else:
        lib.ndm_array_free(x._h)  # freed behind the binding's back: a stale handle


def freed_array(name):
    """CALLS[name] with an array whose handle was freed: raises (or does not need the array)."""
    @settings(max_examples=max(1, settings.default.max_examples // 20))
    @given(h=hostile, how=st.sampled_from(["del", "behind"]))
    def check(h, how):
        x = ndmem.arange(6.0)
        _free(x, how)
        try:
            run(lambda: CALLS[name](h, x))
        finally:
            _reset()
    check()
    # The array's own operations refuse a freed array with BadHandleError or NullArgumentError.
    for how in ("del", "behind"):
        for op in (lambda x: x[1], lambda x: x.reshape(2, 3), lambda x: x + 1, lambda x: x.sum(),
                   lambda x: x.copy(), lambda x: x.tolist(), lambda x: np.asarray(x), lambda x: x.shape):
            x = ndmem.arange(6.0)
            _free(x, how)
            try:
                op(x)
            except (ndmem.Error, ValueError):
                pass
            else:
                raise AssertionError(f"an operation on an array freed by {how} did not raise")


class Reentrant:
    """An integer whose `__index__` runs `action` first (a call back into ndmem)."""

    def __init__(self, value, action):
        self.value, self.action = value, action

    def __index__(self):
        self.action()
        return self.value


class FromIndex(Exception):
    pass


def _raise():
    raise FromIndex("raised by __index__")


USES = {  # what an index-like argument is used for, with the array it is used on
    "getitem": lambda x, i: x[i],
    "reshape": lambda x, i: x.reshape(i, -1),
    "zeros": lambda x, i: ndmem.zeros(i),
    "sum_axis": lambda x, i: ndmem.sum(x, axis=i),
    "take": lambda x, i: ndmem.take(x, [i]),
    "arange": lambda x, i: ndmem.arange(i),
    "item": lambda x, i: x.item(i),
    "expand_dims": lambda x, i: ndmem.expand_dims(x, i),
    "broadcast_to": lambda x, i: ndmem.broadcast_to(x, (i, 6)),
    "full": lambda x, i: ndmem.full((i, 2), 1.5),
    "slice": lambda x, i: x[i:],
    "window": lambda x, i: ndmem.sliding_window_view(x, i),
}


def reentrant_index():
    @settings(max_examples=max(1, settings.default.max_examples // 2))
    @given(use=st.sampled_from(sorted(USES)), value=st.integers(-7, 7),
           action=st.sampled_from(["work", "gc", "free_target", "forbid_copies", "raise"]))
    def check(use, value, action):
        x = ndmem.arange(6.0)
        actions = {
            "work": lambda: ndmem.arange(10.0).reshape(2, 5).T.copy().sum(),
            "gc": gc.collect,
            "free_target": x.__del__,
            "forbid_copies": lambda: ndmem.set_copy_policy("forbid"),
            "raise": _raise,
        }
        try:
            expected = USES[use](ndmem.arange(6.0), value)
            expected = expected.tolist() if isinstance(expected, ndmem.Array) else expected
        except OK:
            expected = None
        try:
            got = USES[use](x, Reentrant(value, actions[action]))
        except FromIndex:
            assert action == "raise"
            return
        except OK:
            assert expected is None or action in ("free_target", "forbid_copies")
            return
        finally:
            _reset()
        got = got.tolist() if isinstance(got, ndmem.Array) else got
        assert action != "raise"
        if action in ("work", "gc"):
            assert got == expected, (use, value, action)
    check()


class Interface:
    """An object with NumPy's array interface made by `make` on each access."""

    def __init__(self, make):
        self.make = make

    @property
    def __array_interface__(self):
        return self.make()


def reentrant_interface():
    held = np.arange(6.0)
    good = dict(held.__array_interface__)

    @settings(max_examples=max(1, settings.default.max_examples // 2))
    @given(key=st.sampled_from(["shape", "typestr", "strides", "descr", "version", "data", None]),
           value=hostile.filter(lambda v: not isinstance(v, int) or isinstance(v, bool)),
           work=st.booleans())
    def check(key, value, work):
        def make():
            if work:  # a call back into ndmem while NumPy reads the interface
                ndmem.zeros(3).sum()
                gc.collect()
            d = dict(good)
            if key is not None:
                d[key] = value
            return d
        try:
            x = ndmem.asarray(Interface(make))
        except OK:
            return
        finally:
            _reset()
        if key is None:
            assert x.tolist() == held.tolist() and np.shares_memory(np.asarray(x), held)
    check()


CASES = {f"args:{name}": (lambda n: lambda: hostile_arguments(n))(name) for name in CALLS}
CASES.update({f"freed:{name}": (lambda n: lambda: freed_array(n))(name) for name in CALLS})
CASES["reentrant:index"] = reentrant_index
CASES["reentrant:interface"] = reentrant_interface

if __name__ == "__main__":
    for name in sys.argv[1:]:
        CASES[name]()
    print(f"{len(sys.argv) - 1} cases passed")
