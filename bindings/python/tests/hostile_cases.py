"""Hostile arguments from Python (issue 14): every public function given None, bools, huge and
negative ints, NaN and infinities, strings, bytes, lists, tuples, slices with step 0, dicts,
arbitrary objects and arrays where it expects something else raises the exception class NumPy
would (TypeError, ValueError, OverflowError, IndexError, KeyError, ZeroDivisionError, OSError,
MemoryError or an ndmem.Error) and leaves the library usable: never a crash, never a
ctypes.ArgumentError, AttributeError or SystemError from inside the binding."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import ndmem

OK = (TypeError, ValueError, OverflowError, IndexError, KeyError, MemoryError, ZeroDivisionError,
      OSError, ndmem.TooHardError, ndmem.Error)
hostile = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True, allow_infinity=True),
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

@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=settings.default.max_examples // 5)  # x 47 functions; explore: 10x more
@given(h=hostile)
def test_hostile_arguments_raise_cleanly(name, h):
    x = ndmem.arange(6.0)
    try:
        run(lambda: CALLS[name](h, x))
    finally:
        ndmem.set_num_threads(0)
        ndmem.set_copy_policy("allow")
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] or name.startswith(("setitem", "copyto"))
