"""Shared strategies and helpers: NumPy is the oracle for every test in this suite."""
import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# `make test` (profile "ci", the default) is deterministic: hypothesis seeds each test from a
# hash of the test itself and keeps no example database, so every run draws the same examples
# and nothing passes or fails by chance. `make test-explore` (profile "explore") draws fresh
# random examples, many more of them, and is run before an issue is resolved; a failure it
# finds becomes an explicit regression test.
_EXAMPLES = int(os.environ.get("NDMEM_HYPOTHESIS_EXAMPLES", "300"))
settings.register_profile(
    "ci", max_examples=_EXAMPLES, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore", max_examples=int(os.environ.get("NDMEM_HYPOTHESIS_EXAMPLES", "3000")),
    deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("NDMEM_HYPOTHESIS_PROFILE", "ci"))

KINDS = ["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"]
# Canonical dtypes, as np.dtype(text) makes them (native order shows as '=' like NumPy's own).
NUMERIC = [np.dtype(np.dtype(k).newbyteorder(o).str) for k in KINDS for o in "<>"]
NUMERIC = list(dict.fromkeys(NUMERIC))  # 1-byte types have one byte order

numeric_dtypes = st.sampled_from(NUMERIC)
orders = st.sampled_from("CFAK")
castings = st.sampled_from(["no", "equiv", "safe", "same_kind", "unsafe"])


def ptr(a):
    """Data pointer of a NumPy array."""
    return a.__array_interface__["data"][0]


def flags_of(a):
    f = a.flags
    return (f.c_contiguous, f.f_contiguous, f.aligned, f.writeable)


@st.composite
def strided_views(draw, dtype=numeric_dtypes, max_dims=4, max_side=5):
    """A NumPy view with arbitrary basic slicing (steps, negative steps) and axis order, over a
    buffer holding small integer values that every numeric dtype represents exactly."""
    d = draw(dtype)
    shape = tuple(draw(st.lists(st.integers(0, max_side), max_size=max_dims)))
    base = (np.arange(math.prod(shape)) % 100).astype(d).reshape(shape)
    index = draw(hnp.basic_indices(shape, allow_newaxis=False, allow_ellipsis=True))
    index = index if isinstance(index, tuple) else (index,)
    if not any(i is Ellipsis for i in index):
        index = index + (Ellipsis,)  # so that all-integer indices give a 0-d view, not a scalar
    view = base[index]
    perm = draw(st.permutations(range(view.ndim)))
    view = view.transpose(perm)
    if draw(st.booleans()):
        view.flags.writeable = False
    return view


def same_error(call_ours, call_theirs):
    """Both calls raise, with the same exception family and the same message."""
    with pytest.raises(Exception) as theirs:
        call_theirs()
    with pytest.raises(Exception) as ours:
        call_ours()
    t, o = theirs.value, ours.value
    for family in (IndexError, ValueError, TypeError, OverflowError):
        if isinstance(t, family):
            assert isinstance(o, family), (o, t)
    assert str(o) == str(t)


def assert_same_array(x, expected):
    """ndmem array `x` has NumPy array `expected`'s shape, strides, dtype and values."""
    got = np.asarray(x)
    assert x.shape == expected.shape
    assert x.strides == expected.strides
    assert x.dtype.str == expected.dtype.str
    assert got.dtype == expected.dtype
    assert got.tobytes() == expected.tobytes()


@pytest.fixture
def ndmem():
    import ndmem as module

    return module
