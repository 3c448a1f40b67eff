"""Floating-point ufuncs (sqrt, exp, expm1, log, log1p, sin, cos, tan, rint) against NumPy:
result dtypes for every input dtype, special values, strided/out=/where= calls, and accuracy:
at most 1 ULP from a long-double reference over 10^6 points for the float64 functions."""
import warnings

import numpy as np
import pytest
from conftest import NUMERIC, strided_views
from hypothesis import given
from hypothesis import strategies as st

import ndmem

FUNCS = ["sqrt", "exp", "expm1", "log", "log1p", "sin", "cos", "tan", "rint"]
SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e300, -1e300, 5e-324, 1e-310, 709.7,
                    709.8, 710.0, -745.1, -746.0, -708.5, 1e22, 2.0**19 + 0.5, -2.0**19 - 1,
                    1e-20, -1e-20, np.pi, -np.pi / 2, 0.5, 2.5, -1.5, -1.0, 1.0])


def quiet(f, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*args, **kw)


def ulps(ours, ref):
    """|ours - ref| in ULPs of the float64 nearest ref (ref in long double)."""
    ref64 = ref.astype(np.float64)
    finite = np.isfinite(ref64) & (ref64 != 0)
    spacing = np.spacing(np.abs(ref64[finite])).astype(np.longdouble)
    return np.abs(ours[finite].astype(np.longdouble) - ref[finite]) / spacing


def max_ulps_for(dtype):
    """NumPy's own loops for float16/32 differ from a correctly rounded result by up to a few
    ULPs; ours are computed in float64 and rounded once."""
    return {"e": 1, "f": 4, "d": 2, "F": 4, "D": 2}[dtype.char]


@pytest.mark.parametrize("name", ["sin", "cos", "exp", "log", "sqrt", "expm1", "log1p", "tan"])
def test_float64_within_one_ulp_of_long_double(name):
    rng = np.random.default_rng(7)
    ranges = {"exp": (-700, 700), "expm1": (-40, 700), "log": (0, 1e6), "sqrt": (0, 1e12),
              "log1p": (-0.999, 1e6)}
    lo, hi = ranges.get(name, (-1e5, 1e5))
    x = np.concatenate([rng.uniform(lo, hi, 500_000),
                        rng.uniform(max(lo, -10), min(hi, 10), 300_000),
                        np.exp(rng.uniform(-30, np.log(min(abs(hi), 1e5)), 200_000))])
    ours = np.asarray(getattr(ndmem, name)(ndmem.asarray(x)))
    ref = getattr(np, name)(x.astype(np.longdouble))
    assert ulps(ours, ref).max() <= 1.0


@pytest.mark.parametrize("name", FUNCS)
def test_special_values_like_numpy(name):
    ours = np.asarray(quiet(getattr(ndmem, name), ndmem.asarray(SPECIAL)))
    theirs = quiet(getattr(np, name), SPECIAL)
    # NaN, infinities, zeros (with their signs) and overflow/underflow exactly as NumPy ...
    exact = ~np.isfinite(theirs) | (theirs == 0) | ~np.isfinite(ours) | (ours == 0)
    assert np.array_equal(ours[exact], theirs[exact], equal_nan=True)
    assert np.array_equal(np.signbit(ours[exact]), np.signbit(theirs[exact]))
    # ... and ordinary results within NumPy's own distance from the truth.
    np.testing.assert_array_max_ulp(ours[~exact], theirs[~exact], maxulp=2)


@pytest.mark.parametrize("dt", NUMERIC)
@pytest.mark.parametrize("name", FUNCS)
def test_every_dtype_like_numpy(name, dt):
    rng = np.random.default_rng(3)
    x = quiet(lambda: (rng.uniform(-4, 6, 500) if dt.kind != "u" else rng.uniform(0, 9, 500)).astype(dt))
    theirs = quiet(getattr(np, name), x)
    ours = np.asarray(quiet(getattr(ndmem, name), ndmem.asarray(x)))
    assert ours.dtype == theirs.dtype
    real = np.dtype(theirs.dtype.char.lower()) if theirs.dtype.kind == "c" else theirs.dtype
    if theirs.dtype.kind == "c":
        # Complex functions are the C library's (ours in double precision for complex64).
        # NumPy's complex64 log1p/expm1 work in single precision and lose digits near 0.
        rtol = 2e-5 if real == np.float32 else 8 * np.finfo(real).eps
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=8 * np.finfo(real).tiny)
        return
    both_nan = np.isnan(ours) & np.isnan(theirs)
    ok = (ours == theirs) | both_nan
    diff = np.abs(ours[~ok].astype(np.float64) - theirs[~ok].astype(np.float64))
    spacing = np.spacing(np.abs(theirs[~ok])).astype(np.float64)
    assert (diff <= max_ulps_for(theirs.dtype) * spacing).all()


@given(strided_views(dtype=st.sampled_from([np.dtype("f8"), np.dtype("f4"), np.dtype(">f8")]),
                     max_side=40, max_dims=3), st.sampled_from(FUNCS), st.data())
def test_strided_out_where_like_numpy(x, name, data):
    x = (x - 30) * 0.37
    out = np.full(x.shape, -7.0, dtype=data.draw(st.sampled_from(["f8", "f4"])))
    where = data.draw(st.sampled_from([True, None]))
    mask = True if where else (np.arange(x.size).reshape(x.shape) % 3 == 0)
    theirs_out = out.copy()
    quiet(getattr(np, name), x, out=theirs_out, where=mask, casting="unsafe")
    quiet(getattr(ndmem, name), ndmem.asarray(x), out=ndmem.asarray(out), where=mask, casting="unsafe")
    coarser = min(x.dtype, out.dtype, key=lambda d: d.itemsize)  # the loop's or the output's
    assert np.allclose(out, theirs_out, rtol=4 * np.finfo(coarser).eps, equal_nan=True)


def test_in_place_and_overlap():
    x = np.linspace(-20, 20, 1001)
    y = x.copy()
    ndmem.sin(ndmem.asarray(y), out=ndmem.asarray(y))
    np.testing.assert_array_max_ulp(y, np.sin(x), maxulp=1)
    z = x.copy()
    ndmem.exp(ndmem.asarray(z[:-1]), out=ndmem.asarray(z[1:]))  # shifted overlap: as if copied
    np.testing.assert_array_max_ulp(z[1:], np.exp(x[:-1]), maxulp=1)
