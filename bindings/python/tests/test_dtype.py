"""Dtype parsing, printing and casting rules against NumPy."""
import numpy as np
import pytest
from conftest import NUMERIC, castings

import ndmem

SPECS = ["<f8", ">i4", "|S32", "|b1", "<c16", "f8", "float64", "=i2", "?", "b", "B", "h", "H",
         "i", "I", "l", "L", "q", "Q", "f", "d", "F", "D", "int8", "uint64", "complex64", "bool",
         ">f4", "<u2", "|u1", ">i1", "V8", "S5", ">c8", "int", "float", "complex", "double",
         "single", "uint", "intp", "uintp", "c"]


@pytest.mark.parametrize("spec", SPECS)
def test_parse_like_numpy(spec):
    d, n = ndmem.dtype(spec), np.dtype(spec)
    assert d.str == n.str
    assert d.itemsize == n.itemsize
    assert d.alignment == n.alignment
    assert d.kind == n.kind
    assert d.byteorder == n.byteorder
    assert d.isnative == n.isnative
    assert d.name == n.name
    assert d.descr == n.descr
    assert repr(d) == repr(n)
    assert np.dtype(d.dtype) == n
    assert d == n and d == spec


@pytest.mark.parametrize("dt", NUMERIC, ids=str)
def test_numpy_dtypes_and_python_types(dt):
    assert ndmem.dtype(dt).str == dt.str
    assert ndmem.dtype(ndmem.dtype(dt)) == dt


@pytest.mark.parametrize("t", [float, int, bool, complex, None, np.float32, np.int16])
def test_type_objects(t):
    assert ndmem.dtype(t).str == np.dtype(t).str


@pytest.mark.parametrize("spec", ["f3", "x8", "float65", "<<f8", "i8 ", "i9", "S-1", "", "q8"])
def test_not_understood_like_numpy(spec):
    with pytest.raises(TypeError) as ours:
        ndmem.dtype(spec)
    with pytest.raises(TypeError) as theirs:
        np.dtype(spec)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("spec", ["U", "str", "O", "M8[ns]", "f16", "g", "G", "m8"])
def test_unsupported_kinds_are_type_errors(spec):
    np.dtype(spec)  # valid for NumPy
    with pytest.raises(TypeError, match="not supported by ndmem|not understood"):
        ndmem.dtype(spec)


@pytest.mark.parametrize("casting", ["no", "equiv", "safe", "same_kind", "unsafe"])
def test_can_cast_every_numeric_pair(casting):
    for a in NUMERIC:
        for b in NUMERIC:
            assert ndmem.can_cast(a, b, casting) == np.can_cast(a, b, casting), (a.str, b.str)


@pytest.mark.parametrize("casting", ["no", "equiv", "safe", "same_kind", "unsafe"])
def test_can_cast_bytes(casting):
    for n in (1, 3, 5):
        for m in (1, 3, 5):
            a, b = f"S{n}", f"S{m}"
            assert ndmem.can_cast(a, b, casting) == np.can_cast(a, b, casting)


def test_bad_casting_name():
    with pytest.raises(ValueError, match="casting must be one of"):
        ndmem.can_cast("f8", "f4", "sometimes")
    assert castings is not None


TEXT_KINDS = ["<U1", ">U1", "<U3", ">U3", "<U21", "|S1", "|S3", "|S21", "<i8", "|u1", "<f8", "|b1"]


@pytest.mark.parametrize("casting", ["no", "equiv", "safe", "same_kind", "unsafe"])
def test_unicode_layout_and_casting_match_numpy(casting):
    for a in TEXT_KINDS:
        n = np.dtype(a)
        m = ndmem.dtype(a)
        assert (m.str, m.itemsize, m.alignment, m.isnative) == (n.str, n.itemsize, n.alignment,
                                                                n.isnative)
        for b in TEXT_KINDS:
            if "U" in a or "U" in b:
                assert ndmem.can_cast(a, b, casting) == np.can_cast(a, b, casting), (a, b)


@pytest.mark.parametrize("src,dst", [("<U3", ">U3"), (">U3", "<U5"), ("<U5", "<U2"), (">U4", ">U4")])
def test_unicode_conversions_and_byteswap_match_numpy(src, dst):
    a = np.array(["ab", "xyz", "", "λμν"], src)
    x = ndmem.asarray(a)
    assert np.asarray(x).tolist() == a.tolist()
    y = x.astype(dst)
    assert np.asarray(y).dtype == np.dtype(dst)
    assert np.asarray(y).tobytes() == a.astype(dst).tobytes()
    assert np.asarray(x.byteswap()).tobytes() == a.byteswap().tobytes()


def test_float64_to_float16_rounds_like_numpy():
    """Every binary16 tie and its binary64 neighbours (the half crate's from_f64 rounded values
    just above a tie down), underflow, overflow and specials; astype and a float16 ufunc."""
    h = np.arange(0, 0x7C00, dtype=np.uint16).view(np.float16).astype(np.float64)
    mid = (h[:-1] + h[1:]) / 2
    vals = np.concatenate([h, mid, np.nextafter(mid, np.inf), np.nextafter(mid, -np.inf),
                           [65519.99, 65520.0, 1e300, 1e-300, 2.0**-25, np.nextafter(2.0**-25, 1), 2.0**-26]])
    vals = np.concatenate([vals, -vals, [np.nan, np.inf, -np.inf]])
    ours = np.asarray(ndmem.asarray(vals).astype("f2"))
    assert np.array_equal(ours.view(np.uint16)[:-3], vals.astype("f2").view(np.uint16)[:-3])
    assert np.isnan(ours[-3]) and list(ours[-2:]) == [np.inf, -np.inf]
    x = h[(h > 0) & (h < 60000)].astype("f2")
    with np.errstate(all="ignore"):
        assert np.array_equal(np.asarray(ndmem.sqrt(ndmem.asarray(x))), np.sqrt(x))
