"""empty/zeros/full/arange against NumPy: shape, strides, flags, dtype, values, errors."""
import math

import numpy as np
import pytest
from conftest import assert_same_array, numeric_dtypes, ptr
from hypothesis import assume, given
from hypothesis import strategies as st

import ndmem

shapes = st.lists(st.integers(0, 6), max_size=5).map(tuple)


@given(shape=shapes, dtype=numeric_dtypes, order=st.sampled_from("CF"))
def test_zeros_and_empty_like_numpy(shape, dtype, order):
    for ours, theirs in ((ndmem.zeros, np.zeros), (ndmem.empty, np.empty)):
        x, n = ours(shape, dtype, order), theirs(shape, dtype, order)
        assert x.shape == n.shape and x.strides == n.strides
        assert x.dtype.str == n.dtype.str
        assert x.size == n.size and x.nbytes == n.nbytes and x.itemsize == n.itemsize
        assert x.ndim == n.ndim
        for flag in ("c_contiguous", "f_contiguous", "owndata", "writeable", "aligned"):
            assert getattr(x.flags, flag) == getattr(n.flags, flag), flag
        assert x.base is None
        assert x.data_ptr % 64 == 0
    assert_same_array(ndmem.zeros(shape, dtype, order), np.zeros(shape, dtype, order))


@given(shape=shapes, value=st.one_of(st.integers(-100, 100), st.floats(allow_nan=True, width=32),
                                     st.booleans(), st.complex_numbers(max_magnitude=1e6)),
       dtype=st.one_of(st.none(), numeric_dtypes))
def test_full_like_numpy(shape, value, dtype):
    try:
        with np.errstate(all="ignore"):
            expected = np.full(shape, value, dtype)
    except (OverflowError, TypeError, ValueError):
        assume(False)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = ndmem.full(shape, value, dtype)
    assert_same_array(x, expected)


@given(start=st.integers(-50, 50), stop=st.integers(-50, 50),
       step=st.integers(-7, 7).filter(bool), dtype=numeric_dtypes)
def test_arange_integers_like_numpy(start, stop, step, dtype):
    try:
        expected = np.arange(start, stop, step, dtype=dtype)
    except (OverflowError, TypeError, ValueError):
        assume(False)
    assert_same_array(ndmem.arange(start, stop, step, dtype=dtype), expected)


@given(start=st.floats(-1e3, 1e3), stop=st.floats(-1e3, 1e3),
       step=st.floats(-50, 50).filter(lambda s: abs(s) > 1e-2),
       dtype=st.sampled_from(["f8", "f4", ">f8", "c16", "c8"]))
def test_arange_floats_bit_identical(start, stop, step, dtype):
    expected = np.arange(start, stop, step, dtype=dtype)
    assert_same_array(ndmem.arange(start, stop, step, dtype=dtype), expected)


def test_arange_forms_and_errors():
    assert_same_array(ndmem.arange(5), np.arange(5))
    assert_same_array(ndmem.arange(1.5, 4), np.arange(1.5, 4))
    assert_same_array(ndmem.arange(2, dtype=bool), np.arange(2, dtype=bool))
    with pytest.raises(TypeError, match="at most length 2"):
        ndmem.arange(3, dtype=bool)
    with pytest.raises(ZeroDivisionError):
        ndmem.arange(0, 3, 0)
    with pytest.raises(ValueError, match="Maximum allowed size exceeded"):
        ndmem.arange(0, np.inf)
    with pytest.raises(TypeError):
        ndmem.arange(3, dtype="S3")
    # lengths whose quotient underflows, and huge lengths, fail or succeed as in NumPy
    assert_same_array(ndmem.arange(0, 5e-324, 2.0), np.arange(0, 5e-324, 2.0))
    assert_same_array(ndmem.arange(0, -5e-324, 2.0), np.arange(0, -5e-324, 2.0))
    with pytest.raises(ValueError, match="array is too big"):
        np.arange(0, 2e18)
    with pytest.raises(ValueError, match="array is too big"):
        ndmem.arange(0, 2e18)
    with pytest.raises(MemoryError):
        ndmem.arange(0, 1e18)


def test_shape_errors_like_numpy():
    for shape in [(-1,), (3, -2)]:
        with pytest.raises(ValueError, match="negative dimensions are not allowed"):
            ndmem.empty(shape)
        with pytest.raises(ValueError, match="negative dimensions are not allowed"):
            np.empty(shape)
    for shape in [(2**40, 2**40), (0, 2**40, 2**40), (2**62,)]:
        with pytest.raises(ValueError, match="array is too big"):
            ndmem.zeros(shape)
        with pytest.raises(ValueError, match="array is too big"):
            np.zeros(shape)
    with pytest.raises(ValueError, match="maximum supported dimension"):
        ndmem.empty((1,) * 65)
    with pytest.raises(ValueError, match="maximum supported dimension"):
        np.empty((1,) * 65)
    assert ndmem.empty((1,) * 64).ndim == 64
    with pytest.raises(ValueError):
        ndmem.empty(3, order="K")


def test_impossible_allocation_is_memory_error_with_numpy_message():
    with pytest.raises(MemoryError) as ours:
        ndmem.empty((2**50,))
    with pytest.raises(MemoryError) as theirs:
        np.empty((2**50,))
    assert str(ours.value) == str(theirs.value)


def test_zero_size_and_zero_dim():
    assert_same_array(ndmem.zeros(()), np.zeros(()))
    assert ndmem.full((), 2.5).item() == 2.5
    x = ndmem.zeros((0, 3))
    assert x.strides == np.zeros((0, 3)).strides == (0, 0)
    assert ptr(np.asarray(x)) == x.data_ptr != 0
    assert math.prod(x.shape) == 0
