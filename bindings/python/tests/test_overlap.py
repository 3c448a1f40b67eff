"""shares_memory / may_share_memory against NumPy's vectors, NumPy itself, and brute force."""
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.lib.stride_tricks import as_strided as np_as_strided

import ndmem

VECTORS = json.loads((Path(__file__).parent / "data" / "overlap_vectors.json").read_text())


def build(buf, spec):
    x = np.ndarray((1,), f"V{spec['itemsize']}", buffer=buf, offset=spec["offset_bytes"])
    return np_as_strided(x, tuple(spec["shape"]), tuple(spec["strides"]), writeable=False)


def slow(v):
    return "SLOW" in (v.get("note") or "")


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: str(v["id"]))
def test_vectors_give_numpys_answers(v):
    buf = np.zeros(v["buffer_bytes"], "u1")
    a, b = build(buf, v["a"]), build(buf, v["b"])
    x, y = ndmem.asarray(a), ndmem.asarray(b)
    assert x.data_ptr == a.__array_interface__["data"][0]
    assert ndmem.may_share_memory(x, y) == v["may_share_memory"]
    expected_1 = v["max_work_1"]
    if expected_1 == "too_hard":
        with pytest.raises(ndmem.TooHardError, match="Exceeded max_work"):
            ndmem.shares_memory(x, y, max_work=1)
        assert ndmem.may_share_memory(x, y, max_work=1) is True
    else:
        assert ndmem.shares_memory(x, y, max_work=1) == (expected_1 == "yes")
    if slow(v):
        with pytest.raises(ndmem.TooHardError):
            ndmem.shares_memory(x, y, max_work=100000)
        return
    assert ndmem.shares_memory(x, y) == v["shares_memory"]
    assert ndmem.shares_memory(y, x) == v["shares_memory"]


def test_slow_vector_exact_answer():
    """The hard instance NumPy needs ~10 s for: exact answer NO."""
    v = next(v for v in VECTORS if slow(v))
    buf = np.zeros(v["buffer_bytes"], "u1")
    x, y = ndmem.asarray(build(buf, v["a"])), ndmem.asarray(build(buf, v["b"]))
    assert ndmem.shares_memory(x, y) == v["shares_memory"]


def footprint(spec):
    """Every byte offset an as_strided view touches."""
    out = set()
    shape, strides = spec["shape"], spec["strides"]
    if 0 in shape:
        return out
    idx = [0] * len(shape)
    while True:
        base = spec["offset_bytes"] + sum(i * s for i, s in zip(idx, strides))
        out.update(range(base, base + spec["itemsize"]))
        for d in reversed(range(len(shape))):
            idx[d] += 1
            if idx[d] < shape[d]:
                break
            idx[d] = 0
        else:
            return out


@st.composite
def view_specs(draw, size=64):
    itemsize = draw(st.integers(1, 4))
    ndim = draw(st.integers(0, 3))
    shape = [draw(st.integers(0, 4)) for _ in range(ndim)]
    strides = [draw(st.integers(-12, 12)) for _ in range(ndim)]
    lo = sum(s * (n - 1) for n, s in zip(shape, strides) if s < 0 and n > 0)
    hi = sum(s * (n - 1) for n, s in zip(shape, strides) if s > 0 and n > 0) + itemsize
    if hi - lo > size:
        shape = [min(n, 1) for n in shape]
        lo, hi = 0, itemsize
    offset = draw(st.integers(-lo, size - hi))
    return {"offset_bytes": offset, "shape": shape, "strides": strides, "itemsize": itemsize}


@given(a=view_specs(), b=view_specs(), max_work=st.sampled_from([None, 0, 1, 2, 10]))
def test_random_pairs_against_numpy_and_brute_force(a, b, max_work):
    buf = np.zeros(64, "u1")
    na, nb = build(buf, a), build(buf, b)
    x, y = ndmem.asarray(na), ndmem.asarray(nb)
    truth = bool(footprint(a) & footprint(b))
    assert ndmem.shares_memory(x, y) == truth == np.shares_memory(na, nb)
    assert ndmem.may_share_memory(x, y) == np.may_share_memory(na, nb)
    if max_work is not None:
        try:
            expected = np.shares_memory(na, nb, max_work=max_work)
        except np.exceptions.TooHardError:
            with pytest.raises(ndmem.TooHardError):
                ndmem.shares_memory(x, y, max_work=max_work)
        else:
            assert ndmem.shares_memory(x, y, max_work=max_work) == expected
        assert ndmem.may_share_memory(x, y, max_work=max_work) == \
            np.may_share_memory(na, nb, max_work=max_work)


@given(spec=view_specs())
def test_self_overlap_against_brute_force(spec):
    buf = np.zeros(64, "u1")
    x = ndmem.asarray(build(buf, spec))
    touched, total = set(), 0
    elements = []
    shape = spec["shape"]
    if 0 not in shape:
        for flat in range(int(np.prod(shape))):
            idx = np.unravel_index(flat, shape) if shape else ()
            base = spec["offset_bytes"] + sum(i * s for i, s in zip(idx, spec["strides"]))
            elements.append(set(range(base, base + spec["itemsize"])))
    for e in elements:
        total += len(e)
        touched |= e
    assert ndmem.is_self_overlapping(x) == (len(touched) < total)


def test_max_work_validation_like_numpy():
    a = np.zeros(4)
    for bad, exc in [(1.5, ValueError), (-3, ValueError)]:
        with pytest.raises(exc):
            ndmem.shares_memory(a, a, max_work=bad)
        with pytest.raises(exc):
            np.shares_memory(a, a, max_work=bad)
    assert ndmem.shares_memory(a, a[::-1]) is True
    assert ndmem.shares_memory([1, 2], [1, 2]) is False
