""".npy files and memory maps against NumPy: files both ways (byte-identical output), every map
mode, np.memmap's offset rounding and file extension, hostile files and header mutations."""
import gc
import io
import math
import mmap as pymmap
import os
import random
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import flags_of, ptr, strided_views
from hypothesis import given
from hypothesis import strategies as st
from test_records import field_lists, leaf_bytes

import ndmem

REPO = Path(__file__).resolve().parents[3]
VECTORS = sorted((REPO / "tests" / "data" / "npy").glob("*.npy"))
CORPUS = sorted((REPO / "tests" / "data" / "npy_fuzz").glob("*.npy"))
PAGE = pymmap.ALLOCATIONGRANULARITY


def np_load(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # NumPy's note on Python-2-style headers
        return np.load(path, allow_pickle=False, max_header_size=1 << 24, **kw)


def nd_load(path, **kw):
    """ndmem.load with the header limit np_load uses."""
    return ndmem.load(path, max_header_size=1 << 24, **kw)


def same_array(x, ref):
    """ndmem array `x` equals NumPy array `ref`: dtype, shape, strides, flags, bytes."""
    y = np.asarray(x)
    assert y.dtype == ref.dtype and y.shape == ref.shape and y.strides == ref.strides
    assert flags_of(y)[:3] == flags_of(ref)[:3]
    # NumPy's copies leave record padding unspecified: compare the fields' bytes.
    assert leaf_bytes(y) == leaf_bytes(ref)


# --- NumPy's own files -----------------------------------------------------------------------
@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.name)
def test_shared_vectors_load_and_write_back_identically(path, tmp_path):
    ref = np_load(path)
    x = nd_load(path)
    same_array(x, ref)
    version = {1: None, 2: (2, 0), 3: (3, 0)}[path.read_bytes()[6]]
    src = x
    if path.name == "noncontig_f8.npy":
        src = ndmem.asarray(np.arange(12.0).reshape(3, 4))[:, ::2]
    out = tmp_path / "out.npy"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ndmem.save(out, src, version=version)
    assert out.read_bytes() == path.read_bytes()
    m = nd_load(path, mmap_mode="r")
    same_array(m, np_load(path, mmap_mode="r"))
    assert ndmem.memmap_info(m) == ("r", np_load(path, mmap_mode="r").offset)


def test_version_choice_warns_like_numpy(tmp_path):
    wide = np.zeros(1, [(f"field_number_{i}", "<i4") for i in range(3000)])  # 78 KB header
    greek = np.zeros(2, [("λ", "<i2")])
    for arr, version in ((wide, 2), (greek, 3)):
        with pytest.warns(UserWarning) as ours:
            ndmem.save(tmp_path / "a.npy", ndmem.asarray(arr))
        with pytest.warns(UserWarning) as theirs:
            np.save(tmp_path / "b.npy", arr)
        assert str(ours[0].message) == str(theirs[0].message)
        assert (tmp_path / "a.npy").read_bytes() == (tmp_path / "b.npy").read_bytes()
        assert (tmp_path / "a.npy").read_bytes()[6] == version
    with pytest.raises(ValueError, match="latin-1"):
        ndmem.save(tmp_path / "c.npy", ndmem.asarray(greek), version=(1, 0))


def test_save_replaces_a_longer_file_and_refuses_its_own_source(tmp_path):
    p = tmp_path / "f.npy"
    np.save(p, np.arange(1000.0))
    ndmem.save(p, ndmem.arange(3.0))
    np.save(tmp_path / "ref.npy", np.arange(3.0))
    assert p.read_bytes() == (tmp_path / "ref.npy").read_bytes()
    m = nd_load(p, mmap_mode="r")
    with pytest.raises(ValueError, match="memory-mapped from that file"):
        ndmem.save(p, m)
    assert p.read_bytes() == (tmp_path / "ref.npy").read_bytes()
    ndmem.save(tmp_path / "other.npy", m)
    assert (tmp_path / "other.npy").read_bytes() == p.read_bytes()


def test_save_adds_the_suffix_like_numpy(tmp_path):
    ndmem.save(str(tmp_path / "plain"), ndmem.arange(3))
    np.save(str(tmp_path / "ref"), np.arange(3))
    assert (tmp_path / "plain.npy").read_bytes() == (tmp_path / "ref.npy").read_bytes()


# --- round trips over random arrays ----------------------------------------------------------
TEXT = [np.dtype(t) for t in ("|S1", "|S4", "<U1", ">U3", "|V3")]


@st.composite
def any_arrays(draw):
    """Random NumPy arrays: numbers of both byte orders, text, raw bytes and records (packed or
    aligned, nested, subarrays), 0-d and 0-size shapes, C/F/strided/transposed layouts."""
    which = draw(st.integers(0, 3))
    if which < 2:
        return draw(strided_views(max_dims=3, max_side=6))
    if which == 2:
        dt = draw(st.sampled_from(TEXT))
    else:
        dt = np.dtype(draw(field_lists(depth=1)), align=draw(st.booleans()))
    shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    raw = rng.integers(0, 256, size=math.prod(shape) * dt.itemsize, dtype=np.uint8)
    if dt.kind == "U":
        raw = rng.integers(32, 0x2FFF, size=math.prod(shape) * dt.itemsize // 4).astype(
            dt.byteorder.replace("=", "<").replace("|", "<") + "u4").view(np.uint8)
    x = raw.view(dt).reshape(shape)
    if x.ndim and draw(st.booleans()):
        x = x[::-1, ...] if draw(st.booleans()) else x[::2, ...]
    if x.ndim > 1 and draw(st.booleans()):
        x = x.T
    return x


def write_np(path, arr, version=None):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, arr, version=version, allow_pickle=False)


@given(any_arrays(), st.sampled_from([None, (1, 0), (2, 0), (3, 0)]))
def test_round_trips_both_ways(tmp_path_factory, arr, version):
    d = tmp_path_factory.mktemp("rt")
    x = ndmem.asarray(arr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ndmem.save(d / "ours.npy", x, version=version)
        write_np(d / "theirs.npy", arr, version)
    # Same bytes as NumPy's writer for the same memory (padding bytes included).
    assert (d / "ours.npy").read_bytes() == (d / "theirs.npy").read_bytes()
    back = np_load(d / "ours.npy")
    assert back.dtype == arr.dtype and back.shape == arr.shape
    assert leaf_bytes(back) == leaf_bytes(arr)
    same_array(nd_load(d / "theirs.npy"), np_load(d / "theirs.npy"))
    for mode in ("r", "c", "r+"):
        m = nd_load(d / "theirs.npy", mmap_mode=mode)
        ref = np_load(d / "theirs.npy", mmap_mode=mode)
        same_array(m, ref)
        assert flags_of(np.asarray(m))[3] == flags_of(ref)[3]
        assert ptr(np.asarray(m)) % PAGE == ptr(ref) % PAGE
        assert ndmem.memmap_info(m) == ({"r+": "r+"}.get(mode, mode), ref.offset)
        del m, ref


def test_streamed_write_of_a_large_strided_view(tmp_path):
    base = np.arange(3 * 1000 * 700, dtype="<f8").reshape(3, 1000, 700)
    view = base[::-1, ::3, 1::2].transpose(1, 0, 2)  # 2.8 MB: several 1 MiB blocks
    ndmem.save(tmp_path / "a.npy", ndmem.asarray(view))
    np.save(tmp_path / "b.npy", view)
    assert (tmp_path / "a.npy").read_bytes() == (tmp_path / "b.npy").read_bytes()
    wide = np.zeros((2, 3), [("blob", "<f8", (150000,))])[:, ::2]  # one element > 1 MiB
    ndmem.save(tmp_path / "c.npy", ndmem.asarray(wide))
    np.save(tmp_path / "d.npy", wide)
    assert (tmp_path / "c.npy").read_bytes() == (tmp_path / "d.npy").read_bytes()


# --- memory-map modes -------------------------------------------------------------------------
def test_modes_behave_like_numpy(tmp_path):
    p = tmp_path / "m.npy"
    np.save(p, np.arange(12.0).reshape(3, 4))
    r = nd_load(p, mmap_mode="r")
    with pytest.raises(ValueError, match="read-only"):
        r[0, 0] = 5
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(r)[0, 0] = 5
    c = nd_load(p, mmap_mode="c")
    c[0] = -1
    c.flush()
    assert np_load(p)[0, 0] == 0 and np.asarray(c)[0, 0] == -1
    with pytest.raises(ValueError, match="copy-on-write"):
        ndmem.release_pages(c)
    w = nd_load(p, mmap_mode="r+")
    ndmem.multiply(w[1:, ::2], 10, out=w[1:, ::2])  # an in-place ufunc on a strided section
    w.flush()
    expect = np.arange(12.0).reshape(3, 4)
    expect[1:, ::2] *= 10
    assert np.array_equal(np_load(p), expect)
    assert np.array_equal(np.asarray(r), expect)  # a shared read-only map sees the change
    with pytest.raises(ValueError, match="w\\+"):
        nd_load(p, mmap_mode="w+")
    assert np_load(p).shape == (3, 4)  # untouched (NumPy would have truncated it)


def test_open_memmap_create_matches_numpy(tmp_path):
    for fortran in (False, True):
        ours = ndmem.open_memmap(tmp_path / "a.npy", "w+", "<i4", (3, 5), fortran)
        theirs = np.lib.format.open_memmap(tmp_path / "b.npy", "w+", "<i4", (3, 5), fortran)
        same_array(ours, theirs)
        assert ndmem.memmap_info(ours) == (theirs.mode, theirs.offset)
        np.asarray(ours)[...] = np.arange(15).reshape(3, 5)
        theirs[...] = np.arange(15).reshape(3, 5)
        ours.flush()
        theirs.flush()
        del ours, theirs
        assert (tmp_path / "a.npy").read_bytes() == (tmp_path / "b.npy").read_bytes()
    with pytest.raises(ValueError, match="shape"):
        ndmem.open_memmap(tmp_path / "c.npy", "w+", "<f8")


def test_views_keep_the_map_alive(tmp_path):
    p = tmp_path / "v.npy"
    np.save(p, np.arange(100.0))
    m = nd_load(p, mmap_mode="r")
    v = m[10:20:3]
    assert ndmem.memmap_info(v) == ("r", 128 + 80)
    del m
    gc.collect()
    assert np.asarray(v).tolist() == [10.0, 13.0, 16.0, 19.0]
    os.remove(p)  # the mapping outlives the file's name and its descriptor
    assert np.asarray(v).tolist() == [10.0, 13.0, 16.0, 19.0]
    fds = os.listdir("/proc/self/fd")
    assert not any(os.readlink(f"/proc/self/fd/{fd}").endswith("v.npy (deleted)") for fd in fds
                   if os.path.exists(f"/proc/self/fd/{fd}"))


@given(st.integers(0, 3 * PAGE), st.sampled_from(["u1", "<i2", ">f8", "<c8"]),
       st.one_of(st.none(), st.tuples(st.integers(0, 7), st.integers(0, 9))), st.sampled_from("CF"),
       st.sampled_from(["r", "c", "r+", "w+"]), st.integers(0, 4 * PAGE))
def test_raw_memmap_matches_numpy(tmp_path_factory, offset, dt, shape, order, mode, file_len):
    d = tmp_path_factory.mktemp("raw")
    content = bytes(random.Random(file_len).randrange(256) for _ in range(file_len))
    for name in ("a", "b"):
        (d / name).write_bytes(content)
    if mode == "w+" and shape is None:
        shape = (3, 2)
    outcome = []
    for name, make in (("a", ndmem.memmap), ("b", np.memmap)):
        try:
            m = make(d / name, dtype=dt, mode=mode, offset=offset, shape=shape, order=order)
            a = np.asarray(m)
            outcome.append((a.shape, a.strides, a.tobytes(), ptr(a) % PAGE, a.flags.writeable))
            del m, a
        except (ValueError, OSError, TypeError, OverflowError) as e:
            outcome.append(type(e).__mro__[1] if isinstance(e, ndmem.Error) else ValueError)
    if isinstance(outcome[0], tuple) or isinstance(outcome[1], tuple):
        assert outcome[0] == outcome[1]
        assert (d / "a").read_bytes() == (d / "b").read_bytes()  # r+/w+ extend files alike


def test_release_pages_bounds_resident_memory(tmp_path):
    n = 64 << 20
    p = tmp_path / "big.npy"
    m = ndmem.open_memmap(p, "w+", "<f8", (n // 8,))
    np.asarray(m)[...] = 1.0
    m.flush()
    del m

    def rss_file_kb():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("RssFile:"):
                    return int(line.split()[1])
        pytest.skip("no RssFile in /proc/self/status")

    m = nd_load(p, mmap_mode="r")
    before = rss_file_kb()
    total = sum(ndmem.sum(b) for b in ndmem.iter_blocks(m, 4 << 20))
    after = rss_file_kb()
    assert total == n // 8
    assert after - before < 16 << 10  # well under the 64 MiB walked
    assert float(np.asarray(m)[-1]) == 1.0  # values are still there


# --- hostile input ----------------------------------------------------------------------------
def outcome(load, path, catch):
    try:
        a = np.asarray(load(path))
        return ("ok", a.dtype, a.shape, leaf_bytes(a))
    except catch as e:
        return ("error", e)


NDMEM_UNSUPPORTED = ("Python objects", "not supported by ndmem", "ndmem cannot load",
                     "records nested too deeply", "subarray dtype is supported only",
                     "zero-sized elements", "Unable to allocate")


def compare_with_numpy(path):
    ours = outcome(nd_load, path, (ndmem.Error, OSError))
    theirs = outcome(np_load, path, Exception)  # NumPy raises whatever its parser raises
    if ours[0] == "ok":
        # Whatever ndmem accepts, NumPy reads identically.
        assert theirs[0] == "ok", (path, theirs)
        assert ours[1:] == theirs[1:]
    else:
        assert isinstance(ours[1], (ndmem.Error, OSError)), ours
        assert isinstance(ours[1], (ValueError, OSError))
        if theirs[0] == "ok":
            # Only where ndmem does not support NumPy's dtype.
            assert any(s in str(ours[1]) for s in NDMEM_UNSUPPORTED), (path, ours[1], theirs[1])
    return ours[0]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_kept_corpus_against_numpy(path):
    compare_with_numpy(path)
    for mode in ("r", "c"):
        try:
            nd_load(path, mmap_mode=mode)
        except (ValueError, OSError) as e:
            assert isinstance(e, ndmem.Error)


MUTATION_TOKENS = [b"(", b")", b"[", b"]", b"{", b"}", b"'", b",", b":", b"-1", b"9" * 25, b"True",
                   b"None", b"'|O'", b"\x00", b"\xff", b"\n", b"(((", b"'shape'", b"2147483647"]


@given(any_arrays(), st.data())
def test_mutated_headers_fail_cleanly_or_load_like_numpy(tmp_path_factory, arr, data):
    f = io.BytesIO()
    np.lib.format.write_array(f, arr, allow_pickle=False)
    raw = bytearray(f.getvalue())
    end = raw.index(b"\n") + 1
    for _ in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.integers(0, 3))
        end = min(end, len(raw))
        if kind == 0 and end > 0:
            i = data.draw(st.integers(0, end - 1))
            raw[i] = data.draw(st.integers(0, 255))
        elif kind == 1:
            del raw[data.draw(st.integers(0, len(raw))):]
        elif kind == 2:
            i = data.draw(st.integers(min(10, len(raw)), max(end - 1, min(10, len(raw)))))
            raw[i:i] = data.draw(st.sampled_from(MUTATION_TOKENS))
        elif kind == 3:
            size = 2 if raw[6:7] == b"\x01" else 4
            raw[8:8 + size] = data.draw(st.integers(0, 2 ** (8 * size) - 1)).to_bytes(size, "little")
    p = tmp_path_factory.mktemp("mut") / "m.npy"
    p.write_bytes(bytes(raw))
    compare_with_numpy(p)


def test_errors_are_numpys_classes(tmp_path):
    with pytest.raises(OSError):
        nd_load(tmp_path / "missing.npy")
    (tmp_path / "t.npy").write_bytes(b"\x93NUMPY\x07\x00")
    with pytest.raises(ValueError, match=r"not \(7, 0\)"):
        nd_load(tmp_path / "t.npy")
    with pytest.raises(ValueError, match="could only read"):
        (tmp_path / "s.npy").write_bytes(
            np.lib.format.magic(1, 0) + b"\x46\x00" + b"{'descr': '<f8', 'fortran_order': False, "
            b"'shape': (4,), }" + b" " * 12 + b"\n" + b"\0" * 9)
        nd_load(tmp_path / "s.npy")
    with pytest.raises(ValueError, match="not memory-mapped"):
        ndmem.arange(3).flush()
    with pytest.raises(TypeError):
        nd_load(io.BytesIO(b""))


def test_a_live_map_is_never_truncated(tmp_path):
    """Saving over, or creating ('w+'), a file that a live map reads would make the next read
    through the map kill the process with SIGBUS (NumPy's trap): ndmem refuses with an OSError
    naming the map. Run in a child process, which must exit normally."""
    import subprocess
    import sys

    code = f"""
import numpy as np, ndmem
p = {str(tmp_path / "live.npy")!r}
np.save(p, np.arange(1 << 16, dtype="f8"))
m = ndmem.load(p, mmap_mode="r")
for attempt in (lambda: ndmem.save(p, np.zeros(2)),
                lambda: ndmem.open_memmap(p, mode="w+", dtype="f8", shape=(2,)),
                lambda: ndmem.memmap(p, dtype="f8", mode="w+", shape=(2,))):
    try:
        attempt()
        raise SystemExit("a live map's file was replaced")
    except OSError as e:
        assert isinstance(e, ndmem.Error) and "live memory map" in str(e), e
assert m[-1] == (1 << 16) - 1  # SIGBUS here if the file had been truncated
del m
ndmem.save(p, np.zeros(2))  # no map left: allowed
assert np.load(p).shape == (2,)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (r.returncode, r.stderr)
