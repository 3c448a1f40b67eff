"""Record dtypes, field views, byte order: differential tests against NumPy."""
import ctypes

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ndmem

BASIC = ["|b1", "|i1", "<i2", ">i2", "<i4", ">i4", "<i8", ">u8", "|u1", "<u2", "<f2", "<f4",
         ">f4", "<f8", ">f8", "<c8", ">c16", "<c16", "|S3", "|S1", "|V2"]
NAMES = st.text(alphabet="abxyz", min_size=1, max_size=3)
SHAPES = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3)),
                   st.tuples(st.integers(1, 3), st.integers(1, 2)))


def field_lists(depth=2):
    fmt = st.sampled_from(BASIC)
    if depth > 0:
        fmt = st.one_of(fmt, fmt, fmt, st.deferred(lambda: field_lists(depth - 1)))
    field = st.one_of(st.tuples(NAMES, fmt), st.tuples(NAMES, fmt, SHAPES))
    return st.lists(field, min_size=1, max_size=5, unique_by=lambda f: f[0])


def layout(d):
    """Everything that defines a dtype's memory layout, comparable between NumPy and ndmem."""
    fields = d.fields
    out = {
        "itemsize": d.itemsize,
        "alignment": d.alignment,
        "str": d.str,
        "names": d.names,
        "isalignedstruct": d.isalignedstruct,
        "isnative": d.isnative,
    }
    if fields is not None:
        out["fields"] = {k: (v[0].str, v[0].shape, v[1]) + tuple(v[2:]) for k, v in fields.items()}
    try:
        out["descr"] = d.descr
    except ValueError as e:
        out["descr"] = ("ValueError", str(e))
    return out


def same_layout(spec, align):
    n = np.dtype(spec, align=align)
    m = ndmem.dtype(spec, align=align)
    assert layout(m) == layout(n), spec
    assert np.dtype(m.dtype) == n
    assert m.dtype.isalignedstruct == n.isalignedstruct
    return m, n


@given(field_lists(), st.booleans())
def test_list_layouts_match_numpy(spec, align):
    m, n = same_layout(spec, align)
    # The same spec as text goes through the C parser's literal reader.
    assert layout(ndmem.dtype(repr(spec), align=align)) == layout(n)
    # NumPy dtype objects convert exactly, and back.
    assert layout(ndmem.dtype(n)) == layout(n)
    assert ndmem.dtype(n) == m


@given(st.lists(st.tuples(st.sampled_from(BASIC), st.integers(0, 24)), min_size=1, max_size=4),
       st.one_of(st.none(), st.integers(0, 48)), st.booleans(), st.booleans())
def test_dict_layouts_and_errors_match_numpy(fmts, itemsize, align, titled):
    spec = {"names": [f"n{i}" for i in range(len(fmts))], "formats": [f for f, _ in fmts],
            "offsets": [o for _, o in fmts]}
    if itemsize is not None:
        spec["itemsize"] = itemsize
    if titled:
        spec["titles"] = [f"T{i}" if i % 2 else None for i in range(len(fmts))]
    try:
        np.dtype(spec, align=align)  # NumPy refuses it, or same_layout compares below
    except ValueError as e:
        with pytest.raises(ValueError) as err:
            ndmem.dtype(spec, align=align)
        assert str(err.value) == str(e)
        return
    same_layout(spec, align)


@pytest.mark.parametrize("spec", [
    "i1,f8,i2", "3i4,(2,3)f8", "i4,", "u1, >f4", "S5,i8,(2,)c8",
])
@pytest.mark.parametrize("align", [False, True])
def test_comma_strings(spec, align):
    same_layout(spec, align)


@pytest.mark.parametrize("align", [False, True])
def test_semantics_examples(align):
    same_layout([("a", "i1"), ("b", "f8"), ("c", "i2")], align)
    same_layout([("x", "i1"), ("y", "i4"), ("z", "i1"), ("w", "f2")], align)
    same_layout([("tag", "i1"), ("pt", [("p", "i1"), ("q", "f4")]), ("n", "i2")], align)
    packed_inner = np.dtype([("p", "i1"), ("q", "f4")])
    same_layout([("tag", "i1"), ("pt", packed_inner), ("n", "i2")], align)
    same_layout([("id", "<i4"), ("m", "<f4", (2, 3)), ("name", "S5"), ("c", "<c16")], align)
    same_layout([(("Salary in USD", "salary"), "f8"), ("age", "i4")], align)


def test_packed_inner_record_keeps_its_alignment_inside_an_aligned_one():
    inner = ndmem.dtype([("p", "i1"), ("q", "f4")])
    outer = ndmem.dtype([("tag", "i1"), ("pt", inner), ("n", "i2")], align=True)
    expect = np.dtype([("tag", "i1"), ("pt", np.dtype([("p", "i1"), ("q", "f4")])), ("n", "i2")],
                      align=True)
    assert layout(outer) == layout(expect)


@pytest.mark.parametrize("spec, align, exc", [
    ([("a", "i4"), ("a", "f8")], False, ValueError),
    ({"names": ["a", "b"], "formats": ["i4", "f8"], "offsets": [0, 4]}, True, ValueError),
    ({"names": ["a", "b"], "formats": ["i4", "f8"], "offsets": [0, 4], "itemsize": 8}, False,
     ValueError),
    ({"names": ["a", "b"], "formats": ["i4", "f8"], "offsets": [0, -4]}, False, ValueError),
    ({"names": ["a", "b"], "formats": ["i4"]}, False, ValueError),
    ([("a", "f4", -1)], False, ValueError),
    ([("a", "xyz")], False, TypeError),
    ([(("t", "a"), "i4"), ("t", "f8")], False, ValueError),
])
def test_errors_are_numpys(spec, align, exc):
    with pytest.raises(exc):
        np.dtype(spec, align=align)
    with pytest.raises(exc):
        ndmem.dtype(spec, align=align)


def test_descr_of_overlapping_fields_is_refused_like_numpy():
    spec = {"names": ["a", "b"], "formats": ["<i4", "<i4"], "offsets": [4, 0]}
    with pytest.raises(ValueError, match="overlapping or out-of-order"):
        np.dtype(spec).descr
    with pytest.raises(ValueError, match="overlapping or out-of-order"):
        ndmem.dtype(spec).descr


# --- arrays of records ----------------------------------------------------------------------------
def record_arrays():
    """(NumPy array with random bytes, index) pairs: random record dtype, shape and slicing."""
    @st.composite
    def build(draw):
        spec = draw(field_lists(depth=1))
        align = draw(st.booleans())
        shape = draw(st.lists(st.integers(0, 4), min_size=0, max_size=3))
        dt = np.dtype(spec, align=align)
        raw = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).integers(
            0, 256, size=int(np.prod(shape)) * dt.itemsize, dtype=np.uint8)
        x = raw.view(dt).reshape(shape) if dt.itemsize else np.zeros(shape, dt)
        if x.ndim and draw(st.booleans()):
            x = x[::-1] if draw(st.booleans()) else x[::2]
        return x
    return build()


def leaf_bytes(arr):
    """The bytes of every non-record field, in field order (padding bytes excluded: NumPy leaves
    them unspecified in its copies)."""
    if arr.dtype.names is None:
        return [np.ascontiguousarray(arr).tobytes()]
    return [b for name in arr.dtype.names for b in leaf_bytes(arr[name])]


def same_view(v, n, base_np, base_nd):
    assert v.shape == n.shape and v.strides == n.strides
    assert v.dtype == ndmem.dtype(n.dtype)
    assert np.dtype(v.dtype.dtype) == n.dtype
    assert v.data_ptr - base_nd.data_ptr == n.__array_interface__["data"][0] - \
        base_np.__array_interface__["data"][0]
    for flag in ("C_CONTIGUOUS", "F_CONTIGUOUS", "ALIGNED", "WRITEABLE"):
        assert v.flags[flag] == n.flags[flag], flag
    assert not v.flags.owndata
    # NumPy sees the very same memory, so the values are NumPy's.
    w = np.asarray(v)
    assert w.dtype == n.dtype and w.shape == n.shape and w.strides == n.strides
    assert w.__array_interface__["data"][0] == n.__array_interface__["data"][0]


@given(record_arrays(), st.data())
def test_field_views_match_numpy(x, data):
    a = ndmem.asarray(x)
    assert a.dtype == ndmem.dtype(x.dtype)
    for name in x.dtype.names:
        same_view(a[name], x[name], x, a)
    keys = data.draw(st.lists(st.sampled_from(x.dtype.names), min_size=1, unique=True))
    same_view(a[keys], x[keys], x, a)
    if x.size:
        name = keys[0]
        f = a[name]
        snapshot = x[name].copy()
        f[...] = ndmem.zeros(f.shape, f.dtype)
        # The write went through to NumPy's memory (read back as raw bytes: an ndmem copy of a
        # record copies whole items, padding included, into a contiguous array).
        assert not np.asarray(ndmem.asarray(x)[name].copy()).tobytes().strip(b"\0")
        x[name] = snapshot


@given(record_arrays())
def test_zero_copy_both_ways(x):
    a = ndmem.asarray(x)
    back = np.asarray(a)
    assert back.dtype == x.dtype and back.dtype.isalignedstruct == x.dtype.isalignedstruct
    assert back.shape == x.shape and back.strides == x.strides
    assert back.__array_interface__["data"][0] == x.__array_interface__["data"][0]
    fresh = ndmem.zeros(x.shape, a.dtype)
    view = np.asarray(fresh)
    assert view.dtype == x.dtype
    assert view.__array_interface__["data"][0] == fresh.data_ptr


@given(record_arrays())
def test_repack_matches_numpy(x):
    from numpy.lib import recfunctions as rfn

    a = ndmem.asarray(x)
    names = list(x.dtype.names)[::-1]
    expect = rfn.repack_fields(x[names])
    got = ndmem.repack_fields(a[names])
    assert np.dtype(got.dtype.dtype) == expect.dtype
    assert got.flags.owndata
    if not np.shares_memory(expect, x):  # NumPy returns already packed input as it is
        assert got.strides == expect.strides or x.size == 0
    assert leaf_bytes(np.asarray(got)) == leaf_bytes(expect)


def test_record_copies_and_casts_by_position():
    src = np.array([(1, 2.5, b"ab"), (-3, 4.25, b"xyz")], dtype=[("a", "i4"), ("b", "f8"), ("s", "S3")])
    a = ndmem.asarray(src)
    for target, align in [([("a", "i4"), ("b", "f8"), ("s", "S3")], True),
                          ([("x", "i8"), ("y", "f4"), ("z", "S5")], False),
                          ([("b", ">f8"), ("a", ">i2"), ("s", "S2")], True)]:
        nt = np.dtype(target, align=align)
        got = a.astype(ndmem.dtype(target, align=align))
        assert leaf_bytes(np.asarray(got)) == leaf_bytes(src.astype(nt))
        for casting in ("no", "equiv", "safe", "same_kind", "unsafe"):
            assert ndmem.can_cast(a.dtype, got.dtype, casting) == np.can_cast(src.dtype, nt, casting)
    # A one-field record converts to its field's type; a number fills every field.
    one = np.array([(1.5,), (2.5,)], dtype=[("v", "f8")])
    assert np.asarray(ndmem.asarray(one).astype("i4")).tolist() == one.astype("i4").tolist()
    num = np.arange(3, dtype="i2")
    filled = ndmem.asarray(num).astype(ndmem.dtype([("a", "f4"), ("b", "i8", (2,))]))
    assert leaf_bytes(np.asarray(filled)) == leaf_bytes(num.astype([("a", "f4"), ("b", "i8", (2,))]))
    with pytest.raises(TypeError):
        a.astype(ndmem.dtype([("a", "i4")]))  # field counts differ: NumPy has no cast either


@given(field_lists(depth=1), field_lists(depth=1), st.booleans(), st.booleans())
def test_can_cast_between_records_matches_numpy(s1, s2, al1, al2):
    d1, d2 = np.dtype(s1, align=al1), np.dtype(s2, align=al2)
    for a, b in [(d1, d2), (d1, d1.newbyteorder()), (d1, np.dtype(s1, align=not al1))]:
        for casting in ("no", "equiv", "safe", "same_kind", "unsafe"):
            assert ndmem.can_cast(a, b, casting) == np.can_cast(a, b, casting), (a, b, casting)


# --- byte order ---------------------------------------------------------------------------------
PLAIN = ["<i2", ">i2", "<u4", ">i8", "<f2", ">f4", "<f8", ">f8", "<c8", ">c16", "|b1", "|i1", "|S4"]


@given(st.sampled_from(PLAIN), st.lists(st.integers(0, 4), max_size=3), st.booleans())
def test_byteswap_and_byte_order_views(typestr, shape, inplace):
    rng = np.random.default_rng(len(shape))
    dt = np.dtype(typestr)
    raw = rng.integers(0, 256, size=int(np.prod(shape)) * dt.itemsize, dtype=np.uint8)
    x = raw.view(dt).reshape(shape)
    a = ndmem.asarray(x.copy())
    swapped = a.byteswap(inplace=inplace)
    assert np.asarray(swapped).tobytes() == x.byteswap().tobytes()
    assert swapped.dtype == a.dtype
    assert (swapped is a) == inplace
    v = a.view(a.dtype.newbyteorder())
    assert np.asarray(v).dtype == x.dtype.newbyteorder()
    assert v.data_ptr == a.data_ptr and (ndmem.shares_memory(v, a) or x.size == 0)
    # Value-preserving conversion to native order.
    if x.size and dt.kind in "iufc":
        y = x.astype(dt.newbyteorder())
        b = ndmem.asarray(y).astype(dt.newbyteorder("="))
        assert b.dtype.isnative
        np.testing.assert_array_equal(np.asarray(b), x)


def test_record_byteswap_swaps_each_field():
    dt = np.dtype([("a", ">i4"), ("s", "S3"), ("c", "<c8"), ("m", "<u2", (2,))], align=True)
    x = np.array([(1, b"abc", 1 + 2j, [3, 4])], dtype=dt)
    a = ndmem.asarray(x.copy())
    assert leaf_bytes(np.asarray(a.byteswap())) == leaf_bytes(x.byteswap())
    assert ndmem.dtype(dt).newbyteorder() == ndmem.dtype(dt.newbyteorder())
    assert not ndmem.dtype(dt).isnative and ndmem.dtype(dt.newbyteorder("=")).isnative


def test_read_only_byteswap_is_refused():
    x = np.zeros(3, ">f8")
    x.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        ndmem.asarray(x).byteswap(inplace=True)


@given(st.sampled_from(["<i4", "<f8", "|u1", "<c16", "|V4"]),
       st.sampled_from(["<i2", "<i8", "|u1", ">f4", "|V16", "|V3", "<c8"]),
       st.lists(st.integers(0, 4), max_size=3), st.integers(0, 3))
def test_view_dtype_matches_numpy(src, dst, shape, cut):
    x = np.zeros(shape, src)
    if x.ndim:
        x = [x, x[..., ::2], x[..., :cut], np.swapaxes(x, 0, -1)][cut % 4]
    a = ndmem.asarray(x)
    try:
        n = x.view(dst)
    except ValueError as e:
        with pytest.raises(ValueError) as err:
            a.view(dst)
        assert str(err.value) == str(e)
        return
    v = a.view(dst)
    assert v.shape == n.shape and v.strides == n.strides
    assert v.data_ptr == a.data_ptr
    assert v.dtype == ndmem.dtype(n.dtype)


def test_ufuncs_take_non_native_inputs_and_give_native_results():
    x = np.linspace(-2, 2, 1001).astype(">f8")
    y = np.arange(1001, dtype=">i4")
    a, b = ndmem.asarray(x), ndmem.asarray(y)
    got = ndmem.add(a, b)
    assert got.dtype == ndmem.dtype("=f8")
    np.testing.assert_array_equal(np.asarray(got), x + y)
    np.testing.assert_array_equal(np.asarray(ndmem.sqrt(ndmem.absolute(a))), np.sqrt(np.abs(x)))
    assert ndmem.sum(a) == x.sum()
    out = ndmem.zeros(1001, ">f8")
    ndmem.multiply(a, 2, out=out)
    np.testing.assert_array_equal(np.asarray(out), x * 2)


def test_salary_example_field_by_field():
    people = np.zeros(5, dtype=[("name", "S32"), ("age", "i4"), ("salary", "f8")])
    people["age"] = np.arange(5) + 30
    people["salary"] = np.linspace(1000, 5000, 5)
    t = ndmem.asarray(people)
    s = t["salary"]
    s *= 1.5  # in place through the field view: NumPy sees it
    np.testing.assert_array_equal(people["salary"], np.linspace(1000, 5000, 5) * 1.5)
    assert ndmem.mean(s) == people["salary"].mean()
    assert t[2] == people[2].item()


def test_builder_from_c_matches_numpy_aligned_layouts():
    lib = ndmem.lib
    b = ctypes.c_void_p()
    assert lib.ndm_dtype_record_new(ctypes.byref(b)) == 0
    try:
        for name, fmt, shape in [("a", "i1", ()), ("m", "<f4", (2, 3)), ("c", "<c16", ())]:
            d = ndmem.dtype(fmt)
            dims = (ctypes.c_int64 * 3)(*shape)
            assert lib.ndm_dtype_record_add_field_ex(b, name.encode(), None, d._h, len(shape),
                                                     dims, -1) == 0
        for align in (False, True):
            out = ctypes.c_void_p()
            assert lib.ndm_dtype_record_finish(b, align, 0, ctypes.byref(out)) == 0
            got = ndmem.dtype._adopt(out.value)
            expect = np.dtype([("a", "i1"), ("m", "<f4", (2, 3)), ("c", "<c16")], align=align)
            assert layout(got) == layout(expect)
    finally:
        lib.ndm_dtype_record_free(b)
