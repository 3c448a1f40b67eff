"""Reductions against NumPy: sum/prod/max/min/all/any/mean over random views, dtypes, axes,
keepdims, out= and where=. Float sums must be bit-identical (same pairwise order as NumPy)."""
import warnings

import numpy as np
import pytest
from conftest import NUMERIC, same_error, strided_views
from hypothesis import given
from hypothesis import strategies as st

import ndmem

NAMES = ["sum", "prod", "max", "min", "all", "any", "mean"]


def spread(d, n, seed=0):
    """Values over many magnitudes (floats) so that summation order shows in the last bits."""
    rng = np.random.default_rng(seed)
    if d.kind in "fc":
        v = rng.standard_normal(n) * np.exp(rng.uniform(-8, 8, n))
        if d.kind == "c":
            v = v + 1j * rng.standard_normal(n) * np.exp(rng.uniform(-8, 8, n))
        return v.astype(d)
    return (rng.integers(-50, 50, n) if d.kind == "i" else rng.integers(0, 100, n)).astype(d)


def numpy_result(name, x, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(np, name)(x, **kw)


def same_value(ours, theirs, name=None):
    theirs = np.asarray(theirs)
    ours = np.asarray(ours)
    if name == "prod" and theirs.dtype.kind == "c":
        # NumPy's complex multiply fuses (FMA) in its contiguous SIMD loop and not in its
        # reduce/strided loops; products agree to rounding, not to the bit.
        np.testing.assert_allclose(np.asarray(ours, dtype=theirs.dtype), theirs, rtol=1e-5)
        return
    if theirs.ndim == 0:
        # A full reduction returns a Python scalar; compare as NumPy's type.
        assert np.array_equal(np.asarray(ours, dtype=theirs.dtype), theirs, equal_nan=True), (ours, theirs)
        return
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert np.array_equal(ours, theirs, equal_nan=True), (ours, theirs)


@pytest.mark.parametrize("dt", NUMERIC)
@pytest.mark.parametrize("name", NAMES)
def test_every_dtype_like_numpy(name, dt):
    x = spread(dt, 3 * 5 * 211).reshape(3, 5, 211)
    for axis in [None, 0, 1, 2, -1, (0, 2), (1, 2), ()]:
        for keepdims in (False, True):
            kw = dict(axis=axis, keepdims=keepdims)
            theirs = numpy_result(name, x, **kw)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ours = getattr(ndmem, name)(ndmem.asarray(x), **kw)
            if dt.byteorder == ">" and dt.kind in "fc" and name in ("sum", "mean"):
                # Non-native floats are converted in blocks; NumPy's buffered order differs in
                # the last bits.
                np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-5)
                continue
            same_value(ours, theirs, name)


@given(strided_views(max_dims=4, max_side=9), st.data())
def test_random_views_axes_like_numpy(x, data):
    name = data.draw(st.sampled_from(NAMES))
    axes = data.draw(st.one_of(st.none(), st.lists(st.integers(-x.ndim, x.ndim - 1), unique_by=lambda a: a % max(x.ndim, 1), max_size=x.ndim).map(tuple))) if x.ndim else None
    keepdims = data.draw(st.booleans())
    x = x.copy() if data.draw(st.booleans()) else x
    x = x * 1.37 if x.dtype.kind == "f" and x.dtype.byteorder != ">" else x
    kw = dict(axis=axes, keepdims=keepdims)
    try:
        theirs = numpy_result(name, x, **kw)
    except ValueError as e:
        with pytest.raises(ValueError, match=str(e).split(" which")[0]):
            getattr(ndmem, name)(ndmem.asarray(x), **kw)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = getattr(ndmem, name)(ndmem.asarray(x), **kw)
    if x.dtype.byteorder == ">" and x.dtype.kind in "fc" and name in ("sum", "mean"):
        np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-5)
    else:
        same_value(ours, theirs, name)


@pytest.mark.parametrize("name", NAMES)
def test_empty_axis_tuple_reduces_nothing(name):
    # axis=() is no axis (the C call gets naxes 0), axis=None every axis (NDM_ALL_AXES).
    x = np.arange(6, dtype=np.float64).reshape(2, 3) + 1
    for axis in [(), None]:
        same_value(getattr(ndmem, name)(ndmem.asarray(x), axis=axis), numpy_result(name, x, axis=axis), name)


@pytest.mark.parametrize("n", [1, 7, 8, 9, 127, 128, 129, 1000, 8192, 8193, 100_003])
def test_pairwise_sum_bit_identical(n):
    for dt in ("f8", "f4", "f2", "c16", "c8"):
        x = spread(np.dtype(dt), n, seed=n)
        assert np.array_equal(np.asarray(ndmem.sum(ndmem.asarray(x), keepdims=True)), x.sum(keepdims=True))
        assert np.array_equal(np.asarray(ndmem.sum(ndmem.asarray(x[::3]), keepdims=True)), x[::3].sum(keepdims=True))
        assert np.array_equal(np.asarray(ndmem.mean(ndmem.asarray(x), keepdims=True)), x.mean(keepdims=True))


def test_out_where_dtype_like_numpy():
    x = spread(np.dtype("f8"), 6 * 301).reshape(6, 301)
    mask = np.arange(301) % 4 != 1
    for name in ("sum", "prod", "all", "any", "mean"):
        same_value(getattr(ndmem, name)(ndmem.asarray(x), axis=0, where=mask),
                   numpy_result(name, x, axis=0, where=mask))
    out = np.zeros(6)
    r = ndmem.sum(ndmem.asarray(x), axis=1, out=ndmem.asarray(out))
    assert np.array_equal(out, x.sum(axis=1)) and np.asarray(r).__array_interface__["data"][0] == out.ctypes.data
    out32 = np.zeros(6, "f4")
    ndmem.sum(ndmem.asarray(x), axis=1, out=ndmem.asarray(out32))
    assert np.array_equal(out32, np.sum(x, axis=1, out=np.zeros(6, "f4")))
    same_value(ndmem.sum(ndmem.asarray(x), dtype="f4"), np.sum(x, dtype="f4"))
    same_value(ndmem.prod(ndmem.asarray(np.arange(1, 9, dtype="i1")), dtype="i1"),
               np.prod(np.arange(1, 9, dtype="i1"), dtype="i1"))
    # An input that overlaps out is read as if copied first.
    y = np.arange(12.0).reshape(3, 4)
    expected = y.sum(axis=0)
    ndmem.sum(ndmem.asarray(y), axis=0, out=ndmem.asarray(y[0]))
    assert np.array_equal(y[0], expected)
    # Methods.
    a = ndmem.asarray(x)
    assert a.sum() == x.sum() and a.max() == x.max() and np.array_equal(np.asarray(a.mean(axis=1)), x.mean(axis=1))


def test_errors_like_numpy():
    x = np.ones((2, 3))
    a = ndmem.asarray(x)
    same_error(lambda: ndmem.sum(a, axis=2), lambda: np.sum(x, axis=2))
    same_error(lambda: ndmem.sum(a, axis=(0, 0)), lambda: np.sum(x, axis=(0, 0)))
    same_error(lambda: ndmem.max(ndmem.asarray(np.zeros((0, 3))), axis=0), lambda: np.max(np.zeros((0, 3)), axis=0))
    same_error(lambda: ndmem.max(a, where=np.array([True, False, True])),
               lambda: np.max(x, where=np.array([True, False, True])))
    same_error(lambda: ndmem.sum(a, axis=0, out=ndmem.zeros((2, 3))), lambda: np.sum(x, axis=0, out=np.zeros((2, 3))))
    assert np.asarray(ndmem.max(ndmem.asarray(np.zeros((0, 3))), axis=1)).shape == (0,)
    assert ndmem.sum(ndmem.asarray(np.zeros(0))) == 0.0 and ndmem.prod(ndmem.asarray(np.zeros(0))) == 1.0


@pytest.mark.parametrize("dt", ["f8", "f4", "i8", "c16"])
def test_column_sums_bit_identical(dt):
    """Reducing the outer axis of C-ordered data (rows folded into a row of sums, several rows at
    a time) keeps NumPy's order to the bit: any row count, reversed and strided rows and columns,
    axis=(0, 1) of 3-D data, mean."""
    for rows in list(range(1, 20)) + [31, 32, 33, 64, 127, 130]:
        for cols in (1, 3, 16, 17, 100, 257):
            x = spread(np.dtype(dt), rows * cols, seed=rows * 1000 + cols).reshape(rows, cols)
            views = [x, x[::-1], x[:, ::-1], x[::2], x[:, ::3]]
            for v in views:
                for name in ("sum", "mean"):
                    same_value(getattr(ndmem, name)(ndmem.asarray(v), axis=0), numpy_result(name, v, axis=0))
            y = x.reshape(rows, 1, cols) if cols > 1 else x
            same_value(ndmem.sum(ndmem.asarray(y), axis=0), y.sum(axis=0))
    z = spread(np.dtype(dt), 7 * 9 * 40, seed=3).reshape(7, 9, 40)
    for axis in [(0, 1), 0, 1, (0, 2)]:
        same_value(ndmem.sum(ndmem.asarray(z), axis=axis), z.sum(axis=axis))
        same_value(ndmem.sum(ndmem.asarray(z[::-1, 1:]), axis=axis), z[::-1, 1:].sum(axis=axis))
