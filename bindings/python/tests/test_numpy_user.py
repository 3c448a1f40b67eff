"""The Python binding as a NumPy user expects it (issue 15): copies and pickles own their
handles, `.base` chains, exact integers at and beyond int64, NEP 50 big Python ints, dtype forms
(comma strings with subarrays, nested subarrays, empty records, dict-of-fields, dtype indexing),
file errors as OSError, NumPy's header limit, and the seeds' idioms. NumPy is the oracle."""
import copy
import ctypes
import errno
import gc
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from conftest import NUMERIC, ptr, strided_views
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ndmem

FAMILIES = (IndexError, ValueError, TypeError, OverflowError, KeyError, OSError)


def outcome(call):
    """("ok", value) or ("raises", exception)."""
    try:
        return "ok", call()
    except Exception as e:  # noqa: BLE001 - the oracle decides what is right
        return "raises", e


def same_outcome(ours, theirs):
    """Both calls succeed, or both raise exceptions of the same builtin family."""
    o, t = outcome(ours), outcome(theirs)
    assert o[0] == t[0], (o, t)
    if t[0] == "raises":
        for family in FAMILIES:
            if isinstance(t[1], family):
                assert isinstance(o[1], family), (o[1], t[1])
    return o[1], t[1]


def same_array(x, ref):
    got = np.asarray(x)
    assert got.dtype == ref.dtype and got.shape == ref.shape and got.strides == ref.strides
    if got.dtype.names:  # tobytes of a strided record view leaves padding bytes undefined
        assert repr(got.tolist()) == repr(ref.tolist())
    else:
        assert got.tobytes() == ref.tobytes()


RECORD = np.dtype([("a", "<i4"), ("b", ">f8", (2,)), ("c", "S3")], align=True)


def records(n):
    r = np.zeros(n, RECORD)
    r["a"] = np.arange(n)
    r["b"] = np.arange(2 * n).reshape(n, 2) * 0.5
    r["c"] = [str(i).encode() for i in range(n)]
    return r


# --- 1. copies and pickles own their handles -----------------------------------------------------
@given(view=strided_views())
def test_copies_own_their_handles_and_copy_like_numpy(view):
    x = ndmem.asarray(view)
    for ours, theirs in ((copy.copy(x), copy.copy(view)), (copy.deepcopy(x), copy.deepcopy(view))):
        assert ours._h != x._h
        assert ours.flags.owndata and ours.flags.writeable
        same_array(ours, theirs)
        if view.size:
            assert not np.shares_memory(np.asarray(ours), view)
    c = copy.copy(x)
    del x
    gc.collect()
    assert c.shape == view.shape  # the copy's handle outlives the original's


@given(n=st.integers(0, 12), index=st.slices(12), order=st.sampled_from([">", "<", "="]),
       protocol=st.integers(0, pickle.HIGHEST_PROTOCOL))
def test_copies_and_pickles_of_record_views_like_numpy(n, index, order, protocol):
    r = records(n).astype(RECORD.newbyteorder(order))[index]
    x = ndmem.asarray(r)
    for ours, theirs in ((copy.copy(x), copy.copy(r)), (copy.deepcopy(x), copy.deepcopy(r)),
                         (pickle.loads(pickle.dumps(x, protocol)), r)):
        got = np.asarray(ours)
        assert got.dtype == r.dtype and got.shape == r.shape and ours._h != x._h
        assert repr(got.tolist()) == repr(theirs.tolist())


@given(view=strided_views(), protocol=st.integers(0, pickle.HIGHEST_PROTOCOL))
@example(view=np.arange(8).astype(bool).reshape(2, 2, 2).transpose(0, 2, 1), protocol=5)
def test_pickles_carry_data_like_numpy(view, protocol):
    x = ndmem.asarray(view)
    data = pickle.dumps(x, protocol)
    assert str(x._h).encode() not in data or len(str(x._h)) < 4  # never the handle
    back = pickle.loads(data)
    got, theirs = np.asarray(back), pickle.loads(pickle.dumps(view, protocol))
    # NumPy's own round trip drops the byte order of 0-d arrays; ours keeps the dtype.
    assert got.dtype == view.dtype and got.shape == view.shape
    assert got.strides == theirs.strides or view.size == 0  # NumPy's own vary for size 0
    assert got.tobytes() == np.ascontiguousarray(view).tobytes() or got.tobytes() == theirs.tobytes()
    assert back._h != x._h


@pytest.mark.parametrize("make", [
    lambda: ndmem.asarray(records(5)),
    lambda: ndmem.asarray(records(6))[::-2],
    lambda: ndmem.asarray(np.arange(12, dtype=">i2").reshape(3, 4).T),
    lambda: ndmem.asarray(np.array(["ab", "c", ""], dtype="<U2")),
    lambda: ndmem.zeros((0, 3)),
    lambda: ndmem.asarray(np.float64(2.5)),
])
def test_pickles_of_records_byte_orders_and_odd_shapes(make):
    x = make()
    ref = np.asarray(x)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(x, protocol))
        assert np.asarray(back).dtype == ref.dtype
        assert np.asarray(back).tobytes() == np.ascontiguousarray(ref).tobytes() or \
            np.array_equal(np.asarray(back), ref)


def test_protocol_5_sends_the_data_out_of_band_without_copies():
    x = ndmem.arange(1 << 16, dtype="f8")
    buffers = []
    data = pickle.dumps(x, 5, buffer_callback=buffers.append)
    assert len(buffers) == 1 and len(data) < 1000
    raw = buffers[0].raw()
    assert raw.nbytes == x.nbytes
    assert np.frombuffer(raw, np.uint8).__array_interface__["data"][0] == x.data_ptr  # no copy
    back = pickle.loads(data, buffers=buffers)
    assert back.data_ptr == x.data_ptr  # the unpickled array views the same buffer
    np.testing.assert_array_equal(np.asarray(back), np.arange(1 << 16, dtype="f8"))


def test_memory_maps_pickle_by_reference(tmp_path):
    path = tmp_path / "m.npy"
    np.save(path, records(2000))
    for mode in ("r", "r+"):
        m = ndmem.load(path, mmap_mode=mode)
        views = [m, m[::-3], m["b"], m["b"][5:, ::-1], m[10:20]["c"]]
        for v in views:
            data = pickle.dumps(v, 5)
            assert len(data) < 1000, len(data)  # the file reference, not the 48 kB of data
            back = pickle.loads(data)
            same_array(back, np.asarray(v))
            assert back.flags.writeable == v.flags.writeable
            assert ndmem.memmap_info(back) == ndmem.memmap_info(v)
    w = ndmem.load(path, mmap_mode="r+")
    back = pickle.loads(pickle.dumps(w["a"][::2]))
    back[...] = -7
    w.flush()
    back.flush()
    assert (np.load(path)["a"][::2] == -7).all()  # the unpickled view writes the same file
    c = ndmem.load(path, mmap_mode="c")
    c["a"][...] = 99
    data = pickle.dumps(c)
    assert len(data) > 40000  # copy-on-write changes are private: the data travels
    assert (np.asarray(pickle.loads(data))["a"] == 99).all()


@pytest.fixture(scope="module")
def mapped_records(tmp_path_factory):
    path = tmp_path_factory.mktemp("maps") / "r.npy"
    a = np.zeros((6, 5, 4), np.dtype([("a", "<i2"), ("b", ">f8", (3,)), ("c", "u1")]))
    a.view("u1")[...] = (np.arange(a.nbytes) % 251).reshape(a.view("u1").shape)
    np.save(path, a)
    return path


@given(index=hnp.basic_indices((6, 5, 4), allow_newaxis=False), perm=st.permutations(range(3)),
       mode=st.sampled_from(["r", "r+", "c"]), field=st.sampled_from([None, "a", "b"]),
       protocol=st.integers(2, 5))
def test_random_views_of_maps_pickle_by_reference(mapped_records, index, perm, mode, field,
                                                   protocol):
    m = ndmem.load(mapped_records, mmap_mode=mode)
    v = m[index]
    if not isinstance(v, ndmem.Array):
        return  # a full integer index gives a Python scalar
    v = v if field is None else v[field]
    if v.ndim == 3:
        v = v.transpose(perm)
    data = pickle.dumps(v, protocol)
    back = pickle.loads(data)
    if mode == "c":  # copy-on-write: the data travels, contiguous
        assert repr(back.tolist()) == repr(v.tolist()) and back.dtype == v.dtype
        return
    same_array(back, np.asarray(v))
    assert len(data) < 1000  # by reference
    assert ndmem.memmap_info(back) == ndmem.memmap_info(v)


def test_created_and_raw_maps_pickle_without_truncating(tmp_path):
    path = tmp_path / "w.npy"
    m = ndmem.open_memmap(path, mode="w+", dtype="<f4", shape=(100, 3))
    m[...] = 1.5
    m.flush()
    back = pickle.loads(pickle.dumps(m.T))
    assert np.asarray(back).shape == (3, 100) and (np.asarray(back) == 1.5).all()
    assert np.load(path).shape == (100, 3)  # reopened 'r+', not recreated
    raw = tmp_path / "raw.bin"
    raw.write_bytes(bytes(range(256)) * 40)
    r = ndmem.memmap(raw, dtype=">u2", mode="r", offset=5000, shape=(10, 20))
    back = pickle.loads(pickle.dumps(r[2:, ::-1]))
    same_array(back, np.memmap(raw, dtype=">u2", mode="r", offset=5000, shape=(10, 20))[2:, ::-1])


def test_dtypes_copy_and_pickle_without_sharing_handles():
    for d in (ndmem.dtype(">f4"), ndmem.dtype(RECORD), ndmem.dtype([("c", ("<f8", (5,)), (2,))])["c"]):
        for c in (copy.copy(d), copy.deepcopy(d), pickle.loads(pickle.dumps(d))):
            assert c == d and c.dtype == d.dtype
    d = ndmem.dtype("i2")
    c = pickle.loads(pickle.dumps(d))
    del d
    gc.collect()
    assert c.str == "<i2"


# --- 2. base chains ------------------------------------------------------------------------------
def test_base_chains_as_numpy():
    n = np.arange(12.0)
    x = ndmem.asarray(n)
    assert x.base is n  # np.asarray(obj with __array_interface__).base is obj
    assert x[2:].base is x and x[2:][1:].base is x  # collapsed to the first non-view
    owner = ndmem.zeros(10)
    assert owner.base is None
    v = owner[::2]
    assert v.base is owner and v[1:].reshape(2, 2).base is owner
    assert owner.copy().base is None and ndmem.asarray([1, 2]).base is None
    # The seeds' "walk .base to the owner" idiom.
    y = owner[1:][::2][1:]
    while y.base is not None:
        y = y.base
    assert y is owner
    assert np.asarray(owner[3:]).base is not None  # NumPy's view keeps the ndmem array alive


# --- 3. Python ints beyond int64 next to arrays (NEP 50) ----------------------------------------
@pytest.mark.parametrize("dt", ["f2", "f4", "f8", "c8", "c16", "i1", "i4", "i8", "u8", "?"])
@pytest.mark.parametrize("value", [2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**70, -2**70, 2**2000])
def test_big_python_ints_like_numpy(dt, value):
    a = np.ones(3, dt)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for op in ("add", "multiply", "maximum"):
            ours, theirs = same_outcome(lambda: getattr(ndmem, op)(ndmem.asarray(a), value),
                                        lambda: getattr(np, op)(a, value))
            if isinstance(theirs, np.ndarray):
                same_array(ours, theirs)
        same_outcome(lambda: ndmem.asarray(a) + value, lambda: a + value)
        same_outcome(lambda: value * ndmem.asarray(a), lambda: value * a)
        for op in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"):
            for args in ((a, value), (value, a)):
                nd_args = [ndmem.asarray(v) if isinstance(v, np.ndarray) else v for v in args]
                ours, theirs = same_outcome(lambda: getattr(ndmem, op)(*nd_args),
                                            lambda: getattr(np, op)(*args))
                if isinstance(theirs, np.ndarray):
                    same_array(ours, theirs)


# --- 4. comma strings ----------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "(2,3)i2, u1, (3,)f4", "2i4, f8", "i4,", "i4, (2,)f8, S3", "(2,)i4,(3,2)f8", "3u1,>f8",
    "(2,3)i2", "3u1", "i4,,f8", "(2,2)(3,)f8, i1",
])
def test_comma_strings_like_numpy(text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ours, theirs = outcome(lambda: ndmem.dtype(text)), outcome(lambda: np.dtype(text))
    if theirs[0] == "ok" and theirs[1].subdtype is not None:
        assert ours[0] == "raises" and "only as record fields" in str(ours[1])  # 0-d subarray
        return
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "ok":
        assert ours[1].dtype == theirs[1] and ours[1].descr == theirs[1].descr


# --- 5. file errors are OSError with errno --------------------------------------------------------
def test_file_system_failures_are_oserrors_with_errno(tmp_path):
    for call in (lambda p: ndmem.load(p), lambda p: ndmem.load(p, mmap_mode="r"),
                 lambda p: ndmem.open_memmap(p, mode="r"), lambda p: ndmem.memmap(p, mode="r")):
        for path, cls, code in (("", FileNotFoundError, errno.ENOENT),
                                (tmp_path / "missing.npy", FileNotFoundError, errno.ENOENT),
                                (tmp_path, IsADirectoryError, errno.EISDIR)):
            with pytest.raises(cls) as e:
                call(path)
            assert e.value.errno == code and isinstance(e.value, ndmem.Error)
    with pytest.raises(FileNotFoundError):
        np.load("")
    with pytest.raises(FileNotFoundError) as e:
        ndmem.save(tmp_path / "no" / "dir.npy", ndmem.zeros(2))
    assert e.value.errno == errno.ENOENT


# --- 6. integers beyond int64 never wrap -------------------------------------------------------
BIG = [2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**64 + 1, 2**64 + 3, -2**63, -2**63 - 1, -2**64,
       -2**64 - 1, 2**100]
st_big = st.sampled_from(BIG)


def _entry_points(n):
    """(ndmem call, NumPy call) pairs that take the integer `n` somewhere."""
    a, x = np.arange(6.0), ndmem.arange(6.0)
    swv = np.lib.stride_tricks.sliding_window_view

    def set_(arr, key):
        arr[key] = 5.0
        return arr

    return [
        (lambda: ndmem.zeros((n,)), lambda: np.zeros((n,))),
        (lambda: ndmem.empty((2, n)), lambda: np.empty((2, n))),
        (lambda: x[n], lambda: a[n]),
        (lambda: np.asarray(x[n:]), lambda: a[n:]),
        (lambda: np.asarray(x[n:n + 3]), lambda: a[n:n + 3]),
        (lambda: np.asarray(x[-n:2]), lambda: a[-n:2]),
        (lambda: np.asarray(x[::n]) if n else None, lambda: a[::n] if n else None),
        (lambda: set_(x, n), lambda: set_(a, n)),
        (lambda: x.reshape(n, 3), lambda: a.reshape(n, 3)),
        (lambda: x.reshape(2, 3).transpose(n, 0), lambda: a.reshape(2, 3).transpose(n, 0)),
        (lambda: ndmem.sliding_window_view(x, n), lambda: swv(a, n)),
        (lambda: ndmem.sliding_window_view(x, 2, axis=n), lambda: swv(a, 2, axis=n)),
        (lambda: ndmem.broadcast_to(x, (n, 6)), lambda: np.broadcast_to(a, (n, 6))),
        (lambda: ndmem.full((n,), 1.0), lambda: np.full((n,), 1.0)),
        (lambda: x.reshape(1, 6).swapaxes(n, 0), lambda: a.reshape(1, 6).swapaxes(n, 0)),
        (lambda: ndmem.moveaxis(x, n, 0), lambda: np.moveaxis(a, n, 0)),
        (lambda: x.reshape(1, 6).squeeze(n), lambda: a.reshape(1, 6).squeeze(n)),
        (lambda: ndmem.expand_dims(x, n), lambda: np.expand_dims(a, n)),
        (lambda: ndmem.take(x, [n]), lambda: np.take(a, [n])),
        (lambda: ndmem.concatenate([x], axis=n), lambda: np.concatenate([a], axis=n)),
        (lambda: x.sum(axis=n), lambda: a.sum(axis=n)),
        (lambda: x.item(n), lambda: a.item(n)),
        (lambda: ndmem.compress([True], x, axis=n), lambda: np.compress([True], a, axis=n)),
        (lambda: ndmem.empty_like(x, shape=(n,)), lambda: np.empty_like(a, shape=(n,))),
        (lambda: ndmem.frombuffer(b"abcd", "u1", count=n), lambda: np.frombuffer(b"abcd", "u1", count=n)),
        (lambda: ndmem.frombuffer(b"abcd", "u1", offset=n), lambda: np.frombuffer(b"abcd", "u1", offset=n)),
        (lambda: x.reshape(2, 3).diagonal(n), lambda: a.reshape(2, 3).diagonal(n)),
    ]


# Axis numbers and offsets that NumPy reads as C ints: within int64 ndmem answers itself (an
# AxisError, an empty diagonal) where NumPy overflows its C int; beyond int64 both overflow.
C_INT_ARGS = {9, 14, 15, 16, 17, 19, 20, 22}
DIAGONAL = 26


@given(n=st_big, which=st.integers(0, 26))
def test_integers_beyond_int64_raise_like_numpy(n, which):
    ours, theirs = _entry_points(n)[which]
    if which == DIAGONAL and -2**63 <= n < 2**63:
        assert ours().shape == (0,)  # an offset beyond the matrix: an empty diagonal
        return
    if which in C_INT_ARGS and -2**63 <= n < 2**63:
        with pytest.raises((ValueError, IndexError)):
            ours()  # an AxisError (ValueError and IndexError), never a wrapped axis
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o, t = same_outcome(ours, theirs)
    if isinstance(t, np.ndarray):
        assert np.asarray(o).tolist() == t.tolist()


@given(n=st_big)
def test_as_strided_integers_beyond_int64_raise(n):
    # NumPy's unchecked as_strided is no oracle here (it reads outside memory); ndmem's is
    # checked: every such layout is refused with a ValueError or OverflowError.
    x = ndmem.arange(6.0)
    for call in (lambda: ndmem.as_strided(x, strides=(n,)), lambda: ndmem.as_strided(x, shape=(n,)),
                 lambda: ndmem.as_strided(x, (2, 3), (n, 8))):
        with pytest.raises((ValueError, OverflowError)):
            call()


def test_values_just_inside_int64_are_exact():
    x = ndmem.arange(5)
    assert np.asarray(x[2**63 - 1:]).size == 0 and np.asarray(x[-2**63:2]).tolist() == [0, 1]
    with pytest.raises(IndexError):
        x[2**63 - 1]
    with pytest.raises(ValueError):
        ndmem.zeros(2**62)  # too big to allocate: NumPy's ValueError, not a wrapped size


# --- 7. item() and tolist() for every kind ----------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: np.array([True, False]), lambda: np.array([-3, 4], "i1"),
    lambda: np.array([2**64 - 1, 5], "u8"), lambda: np.array([1.5, -0.0], ">f2"),
    lambda: np.array([1.5, np.inf], "f4"), lambda: np.array([1 + 2j, -1j], ">c8"),
    lambda: np.array([b"ab", b""], "S3"), lambda: np.zeros(3, "V4"),
    lambda: np.array(["ab", "", "xyz"], "<U3"), lambda: np.array(["ab", "\u20ac"], ">U2"),
    lambda: np.zeros(3, dtype="U3"), lambda: records(3), lambda: np.arange(6).reshape(2, 3),
])
def test_item_and_tolist_every_kind_like_numpy(make):
    n = make()
    x = ndmem.asarray(n)
    for i in range(n.size):
        got, expected = x.item(i), n.item(i)
        assert repr(got) == repr(expected) and type(got) is type(expected)
    assert repr(x.tolist()) == repr(n.tolist())


# --- 8. dead handles ---------------------------------------------------------------------------
def test_every_access_through_a_freed_handle_raises():
    x = ndmem.zeros((2, 3))
    ndmem.lib.ndm_array_free(x._h)  # as if another owner had freed it
    for get in (lambda: x.ndim, lambda: x.shape, lambda: x.strides, lambda: x.size,
                lambda: x.itemsize, lambda: x.nbytes, lambda: x.flags, lambda: x.dtype,
                lambda: x.data_ptr, lambda: x.item(0), lambda: x.__array_interface__,
                lambda: x[0], lambda: x + 1, lambda: x.sum(), lambda: len(x)):
        with pytest.raises(ndmem.Error) as e:
            get()
        assert type(e.value).__name__ == "BadHandleError"
    x._h = None  # keep __del__ from freeing it twice


# --- files as NumPy's own .npy tests see them ------------------------------------------------
NESTED = [
    [("c", ("<f8", (5,)), (2,))],
    [("t", (">f4", (2, 2)), (1,))],
    [("a", "i1"), ("b", (("<i2", (3,)), (2,)), (4,))],
    [("x", [("y", "<f4", (2,)), ("z", ("u1", (3,)), (2,))], (2,))],
]


@pytest.mark.parametrize("spec", NESTED, ids=str)
def test_nested_subarray_fields_like_numpy(spec, tmp_path):
    d = np.dtype(spec)
    nd = ndmem.dtype(spec)
    assert np.dtype(nd.dtype) == d and nd.descr == d.descr and nd.itemsize == d.itemsize
    name = d.names[-1]
    assert nd[name].shape == d[name].shape and nd[name].base.dtype == d[name].base
    assert nd[name].subdtype[1] == d[name].subdtype[1]
    a = np.zeros(3, d)
    a.view("u1")[...] = np.arange(a.nbytes) % 251
    np.save(tmp_path / "theirs.npy", a)
    for x in (ndmem.load(tmp_path / "theirs.npy"), ndmem.load(tmp_path / "theirs.npy", mmap_mode="r")):
        assert np.asarray(x).dtype == d and np.asarray(x).tobytes() == a.tobytes()
    ndmem.save(tmp_path / "ours.npy", ndmem.asarray(a))
    assert (tmp_path / "ours.npy").read_bytes() == (tmp_path / "theirs.npy").read_bytes()
    m = ndmem.open_memmap(tmp_path / "w.npy", mode="w+", dtype=nd, shape=(3,))
    del m
    ref = np.lib.format.open_memmap(tmp_path / "ref.npy", mode="w+", dtype=d, shape=(3,))
    del ref
    assert (tmp_path / "w.npy").read_bytes() == (tmp_path / "ref.npy").read_bytes()


def test_field_names_empty_records_and_files(tmp_path):
    spec = {"names": ["a", "", "b"], "formats": ["i4"] * 3}
    assert ndmem.dtype(spec).names == np.dtype(spec).names == ("a", "", "b")
    assert ndmem.dtype([("a", "i4"), ("", "i4")]).names == ("a", "f1")
    for spec in ([], {"names": [], "formats": [], "itemsize": 8}):
        d, nd = np.dtype(spec), ndmem.dtype(spec)
        assert (nd.itemsize, nd.alignment, nd.names, nd.descr) == \
            (d.itemsize, d.alignment, d.names, d.descr)
        assert np.dtype(nd.dtype) == d
    e = np.zeros(4, np.dtype({"names": [], "formats": [], "itemsize": 8}))
    np.save(tmp_path / "e.npy", e)
    x = ndmem.load(tmp_path / "e.npy")
    assert np.asarray(x).dtype == e.dtype and x.shape == (4,)


def test_save_refuses_objects_and_warns_as_numpy(tmp_path):
    obj = np.array([1, None], dtype=object)
    with pytest.raises(ValueError, match="Object arrays cannot be saved when allow_pickle=False"):
        ndmem.save(tmp_path / "o.npy", obj, allow_pickle=False)
    meta = np.zeros(2, dtype=np.dtype("f8", metadata={"a": 1}))
    with pytest.warns(UserWarning, match="metadata on a dtype is not saved"):
        ndmem.save(tmp_path / "m.npy", meta)
    big = [("a" * 70000, "i1")]
    with pytest.warns(UserWarning, match="format 2.0"):
        ndmem.open_memmap(tmp_path / "v2.npy", mode="w+", dtype=big, shape=(1,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ndmem.open_memmap(tmp_path / "v1.npy", mode="w+", dtype="f8", shape=(1,))


def test_max_header_size_as_numpy(tmp_path):
    path = tmp_path / "h.npy"
    np.save(path, np.zeros(1, [("f" * 12000, "i1")]))
    for ours, theirs in (
        (lambda: ndmem.load(path), lambda: np.load(path)),
        (lambda: ndmem.load(path, mmap_mode="r"), lambda: np.load(path, mmap_mode="r")),
        (lambda: ndmem.open_memmap(path, mode="r"), lambda: np.lib.format.open_memmap(path, mode="r")),
    ):
        _, theirs_e = same_outcome(ours, theirs)
        assert "max_header_size" in str(outcome(ours)[1]) and "max_header_size" in str(theirs_e)
    assert ndmem.load(path, max_header_size=20000).shape == (1,)
    assert ndmem.load(path, allow_pickle=True).shape == (1,)  # a trusted file
    assert ndmem.load(path, mmap_mode="r", allow_pickle=True).shape == (1,)
    small = tmp_path / "s.npy"
    np.save(small, np.zeros(3))
    with pytest.raises(ValueError, match="max_header_size"):
        ndmem.load(small, max_header_size=10)


# --- record dtypes as NumPy's own dtype tests see them -------------------------------------
def test_dict_of_fields_form_like_numpy():
    for spec in ({"f0": ("i4", 0), "f1": ("u1", 4)}, {"f1": ("u1", 4), "f0": ("i4", 0)},
                 {"f0": ("i4", 0, "tt"), "f1": ("u1", 4)}):
        assert np.dtype(ndmem.dtype(spec).dtype) == np.dtype(spec)
    d = np.dtype([(("title", "x"), "<i4"), ("y", ">f8")])
    assert np.dtype(ndmem.dtype(dict(d.fields)).dtype) == d  # what `d.fields` returns


@pytest.mark.parametrize("spec", [
    {"names": ["a", "b"], "formats": {"i4", "f8"}},
    {"names": ["a"], "formats": ["i4"], "offsets": [np.int8(4)], "itemsize": np.int64(16)},
    [("a", "i4", (np.int8(2),))],
    [("a", "i4", (np.int64(2), np.uint8(3)))],
    {"names": ["a"], "formats": ["i4"], "offsets": [2**64]},
    {"names": ["a"], "formats": ["i4"], "itemsize": 2**64},
    [("a", "i4", (2**64,))],
    [("a", "i4", 2**40)],
    {"names": ["a"], "formats": [("i4", np.int16(3))]},
])
def test_dtype_integers_and_containers_like_numpy(spec):
    ours, theirs = same_outcome(lambda: ndmem.dtype(spec), lambda: np.dtype(spec))
    if isinstance(theirs, np.dtype):
        assert np.dtype(ours.dtype) == theirs


@pytest.mark.parametrize("key", [np.int8(1), -1, 0, ["B", "col1"], ["B"], [], 1.0, None,
                                 ["B", "B"], ["Z"], 5, (1,), b"B", "A", "nope", True])
def test_dtype_indexing_like_numpy(key):
    spec = [("A", "<i4"), ("B", "<f8"), ("col1", "u1")]
    d, nd = np.dtype(spec), ndmem.dtype(spec)
    ours, theirs = same_outcome(lambda: nd[key], lambda: d[key])
    if isinstance(theirs, np.dtype):
        assert np.dtype(ours.dtype) == theirs


# --- the seeds' idioms -----------------------------------------------------------------------
@pytest.mark.parametrize("obj", [[1, 2, 3], [[1.5, 2], [3, 4]], 7, [], [True, False],
                                 np.arange(6).reshape(2, 3)[:, ::2]])
@pytest.mark.parametrize("dt", [None, "f4", ">i2", "c16"])
@pytest.mark.parametrize("order", ["K", "C", "F"])
def test_array_like_numpy(obj, dt, order):
    ours, theirs = same_outcome(lambda: ndmem.array(obj, dtype=dt, order=order),
                                lambda: np.array(obj, dtype=dt, order=order))
    if isinstance(theirs, np.ndarray):
        same_array(ours, theirs)
        assert ours.flags.owndata and ours.base is None


def test_asarray_dtype_order_and_copy_like_numpy():
    n = np.arange(6.0).reshape(2, 3)
    assert ndmem.asarray(n, dtype="f8").data_ptr == ptr(n)
    same_array(ndmem.asarray(n, dtype="f4"), np.asarray(n, dtype="f4"))
    same_array(ndmem.asarray(n, order="F"), np.asarray(n, order="F"))
    same_array(ndmem.asarray([1, 2], dtype="i2"), np.asarray([1, 2], dtype="i2"))
    with pytest.raises(ValueError, match="Unable to avoid copy"):
        ndmem.asarray(n, dtype="f4", copy=False)
    with pytest.raises(ValueError, match="Unable to avoid copy"):
        ndmem.array([1, 2.5], copy=False)
    assert ndmem.array(n, copy=False).data_ptr == ptr(n)
    assert ndmem.asarray(n, copy=True).data_ptr != ptr(n)


@given(view=strided_views(), dt=st.sampled_from([None] + NUMERIC[:6]),
       order=st.sampled_from("KCFA"))
def test_creation_like_numpy(view, dt, order):
    x = ndmem.asarray(view)
    for ours, theirs in (
        (ndmem.empty_like(x, dtype=dt, order=order), np.empty_like(view, dtype=dt, order=order)),
        (ndmem.zeros_like(x, dtype=dt, order=order), np.zeros_like(view, dtype=dt, order=order)),
        (ndmem.ones_like(x, dtype=dt, order=order), np.ones_like(view, dtype=dt, order=order)),
        (ndmem.full_like(x, 3, dtype=dt, order=order), np.full_like(view, 3, dtype=dt, order=order)),
    ):
        got = np.asarray(ours)
        assert got.shape == theirs.shape and got.dtype == theirs.dtype
        assert got.strides == theirs.strides and ours.flags.owndata
    for ours, theirs in (
        (ndmem.zeros_like(x, dtype=dt, order=order), np.zeros_like(view, dtype=dt, order=order)),
        (ndmem.ones_like(x, dtype=dt, order=order), np.ones_like(view, dtype=dt, order=order)),
        (ndmem.full_like(x, 3, dtype=dt, order=order), np.full_like(view, 3, dtype=dt, order=order)),
    ):
        same_array(ours, theirs)
    same_array(ndmem.copy(x), np.copy(view))
    if view.ndim != 2 or view.flags.c_contiguous != view.flags.f_contiguous:
        # (NumPy's 'K' with a new shape of the same rank follows the prototype's stride order,
        # which for a both-C-and-F prototype is its internal choice: not compared.)
        same_array(ndmem.zeros_like(x, shape=(2, 3)), np.zeros_like(view, shape=(2, 3)))
    for o in "CF":
        same_array(ndmem.ones_like(x, shape=(2, 3), order=o), np.ones_like(view, shape=(2, 3), order=o))


def test_ones_newaxis_copy_fill():
    same_array(ndmem.ones((2, 3)), np.ones((2, 3)))
    same_array(ndmem.ones(4, dtype="i2", order="F"), np.ones(4, dtype="i2", order="F"))
    x, n = ndmem.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(2, 3)
    assert ndmem.newaxis is None is np.newaxis
    same_array(x[ndmem.newaxis, :, ndmem.newaxis], n[np.newaxis, :, np.newaxis])
    a, b = ndmem.zeros(3, "i4"), np.zeros(3, "i4")
    a.fill(2.5)
    b.fill(2.5)
    same_array(a, b)
    same_outcome(lambda: a.fill(2**40), lambda: b.fill(2**40))
    c = ndmem.zeros(2, "U3")
    c.fill("abcd")
    assert c.tolist() == ["abc", "abc"]


def test_frombuffer_like_numpy():
    raw = np.array([1.0, 2.0], "<f4").tobytes()
    # The seed's byte-order example.
    x = ndmem.frombuffer(raw, dtype=">f4").view("<f4")
    same_array(x, np.frombuffer(raw, dtype=">f4").view("<f4"))
    assert not x.flags.writeable  # bytes are immutable
    ba = bytearray(16)
    y = ndmem.frombuffer(ba, dtype="<i4", count=2, offset=4)
    same_array(y, np.frombuffer(ba, dtype="<i4", count=2, offset=4))
    assert y.flags.writeable and y.base is ba
    y[0] = 7
    assert ba[4] == 7  # the same memory
    for args in ((b"\0" * 15, "<f4"), (b"\0" * 8, "<f4", 3), (b"\0" * 8, "u1", -1, 9),
                 (b"\0" * 8, "u1", -1, -1)):
        same_outcome(lambda: ndmem.frombuffer(*args), lambda: np.frombuffer(*args))


def test_ctypes_hands_a_pointer_to_c():
    x = ndmem.arange(5.0)
    p = x.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
    assert [p[i] for i in range(5)] == [0.0, 1.0, 2.0, 3.0, 4.0]
    p[2] = 9.0
    assert x.item(2) == 9.0
    assert x.ctypes.data == x.data_ptr
    v = x[::-2]
    assert list(v.ctypes.shape) == [3] and list(v.ctypes.strides) == [-16]
    del x, v
    gc.collect()
    assert p[4] == 4.0  # the pointer keeps the array alive


def test_writeable_flag_like_numpy(tmp_path):
    a = ndmem.zeros(3)
    a.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        a[0] = 1.0
    with pytest.raises(ValueError):
        ndmem.add(a, 1, out=a)
    assert a.flags.owndata  # still the owner
    v = a[1:]
    with pytest.raises(ValueError, match="cannot set WRITEABLE flag to True"):
        v.flags.writeable = True  # its base is read-only (NumPy's rule)
    a.flags.writeable = True
    a[0] = 1.0
    assert a.item(0) == 1.0
    w = a[:]
    a.flags.writeable = False
    with pytest.raises(ValueError, match="cannot set WRITEABLE flag to True"):
        w.flags.writeable = True  # NumPy refuses: the base is read-only now
    n = np.zeros(3)
    n.flags.writeable = False
    x = ndmem.asarray(n)
    with pytest.raises(ValueError):
        x.flags.writeable = True
    np.save(tmp_path / "r.npy", np.zeros(3))
    m = ndmem.load(tmp_path / "r.npy", mmap_mode="r")
    with pytest.raises(ValueError, match="cannot set WRITEABLE flag to True"):
        m.flags.writeable = True  # a read-only map stays read-only
    b = ndmem.broadcast_to(ndmem.arange(3.0), (2, 3))
    with pytest.raises(ValueError):
        b.flags.writeable = True  # overlapping elements: stricter than NumPy, never writeable
    f = ndmem.zeros(2)
    f.flags["WRITEABLE"] = False
    assert not f.flags["W"]


def test_getsizeof_counts_owned_data():
    owner = ndmem.zeros(10000)
    view = owner[:5]
    assert sys.getsizeof(owner) >= 80000 > sys.getsizeof(view)
    assert sys.getsizeof(owner) - sys.getsizeof(view) == 80000


def test_as_strided_as_the_seed_writes_it():
    a = ndmem.arange(10.0)
    windows = ndmem.as_strided(a, (8, 3), (8, 8))  # overlapping windows, no writeable argument
    n = np.lib.stride_tricks.as_strided(np.arange(10.0), (8, 3), (8, 8))
    same_array(windows, n)
    assert not windows.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        windows[0, 0] = 1.0
    assert ndmem.as_strided(a, (5,), (16,)).flags.writeable
    with pytest.raises(ValueError, match="overlap"):
        ndmem.as_strided(a, (8, 3), (8, 8), writeable=True)


def test_interpreter_exit_with_pickled_and_copied_arrays_is_clean(tmp_path):
    code = ("import copy, pickle, ndmem\n"
            "x = ndmem.arange(10.0); c = copy.copy(x); p = pickle.loads(pickle.dumps(x[::2], 5))\n"
            "d = copy.deepcopy(ndmem.dtype('f8'))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stderr == "", r.stderr
