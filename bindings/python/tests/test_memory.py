"""Memory accounting through the Python binding: counters, `track` scopes, the copy policy
(NumPy is the oracle for which calls copy), CopyWarning, the zero-copy ledger of every hand-off,
the retention report and `explain`, tags, the leak report and tracemalloc (in subprocesses),
and exact counts after concurrent work on 4 threads."""
import gc
import os
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ndmem
from conftest import strided_views

CopyRequiredError = ndmem.CopyRequiredError


def run_python(code, **env):
    """Runs `code` in a fresh interpreter with this binding; returns (stdout, stderr)."""
    e = dict(os.environ, **env)
    e["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(ndmem.__file__))] + sys.path)
    p = subprocess.run([sys.executable, "-c", code], env=e, capture_output=True, text=True, check=True)
    return p.stdout, p.stderr


def test_counters_follow_allocations_and_origins():
    before = ndmem.memory_stats()
    x = ndmem.zeros(100)
    big = ndmem.empty(1 << 20)  # 8 MiB: huge pages advised
    wrapped = ndmem.asarray(np.ones(6))
    s = ndmem.memory_stats()
    assert s.allocations == before.allocations + 2
    assert s.bytes_allocated == before.bytes_allocated + 800 + (8 << 20)
    assert s.live_by_origin["heap"][0] == before.live_by_origin["heap"][0] + 1
    assert s.live_by_origin["huge-page"][1] == before.live_by_origin["huge-page"][1] + (8 << 20)
    assert s.live_by_origin["foreign"] == (before.live_by_origin["foreign"][0] + 1,
                                          before.live_by_origin["foreign"][1] + 48)
    assert s.owned_bytes == before.owned_bytes + 800 + (8 << 20) and s.peak >= s.owned_bytes
    assert s.live_arrays == before.live_arrays + 3
    del big, x, wrapped
    ndmem.reset_peak()
    after = ndmem.memory_stats()
    assert after.owned_bytes == before.owned_bytes and after.peak == after.owned_bytes
    assert after.live_arrays == before.live_arrays and after.live_buffers == before.live_buffers


# --- NumPy decides which calls copy --------------------------------------------------------
@given(strided_views(), st.data())
def test_reshape_copies_exactly_when_numpy_does(view, data):
    x = ndmem.asarray(view)
    n = view.size
    shapes = [(n,), (-1, 1), (1, n)] + ([(2, n // 2)] if n % 2 == 0 else [])
    shape = data.draw(st.sampled_from(shapes))
    order = data.draw(st.sampled_from("CF"))
    expected = np.reshape(view, shape, order=order)
    copied = not np.shares_memory(expected, view) and view.size > 0
    with ndmem.track() as t:
        y = ndmem.reshape(x, shape, order=order)
    assert np.array_equal(np.asarray(y), expected)
    assert (t.implicit_copies, t.implicit_by_reason["reshape needs a copy"][0]) == (copied, copied)
    assert t.implicit_bytes == (view.nbytes if copied else 0) and t.explicit_copies == 0
    with ndmem.copy_policy("forbid"):
        if copied:
            with pytest.raises(CopyRequiredError, match="reshape: .*reshape needs a copy"):
                ndmem.reshape(x, shape, order=order)
        else:
            ndmem.reshape(x, shape, order=order)


@given(strided_views())
def test_ravel_copies_exactly_when_numpy_does(view):
    x = ndmem.asarray(view)
    copied = not np.shares_memory(np.ravel(view), view) and view.size > 0
    with ndmem.track() as t:
        flat = x.ravel()
    assert np.array_equal(np.asarray(flat), np.ravel(view))
    assert t.implicit_by_reason["ravel needs a copy"] == (int(copied), view.nbytes if copied else 0)
    with ndmem.track() as t:
        x.flatten()
    assert (t.explicit_copies, t.explicit_bytes, t.implicit_copies) == (1, view.nbytes, 0)


def test_every_implicit_copy_site_is_counted_refused_and_warned():
    sq = lambda: ndmem.asarray(np.arange(16.0).reshape(4, 4))  # noqa: E731
    i4 = np.array([1, 2], np.int32)
    sites = [  # (operation, reason, bytes, call)
        ("reshape", "reshape needs a copy", 128, lambda a: ndmem.reshape(a.T, 16)),
        ("ravel", "ravel needs a copy", 128, lambda a: a.T.ravel()),
        ("take", "ravel needs a copy", 128, lambda a: ndmem.take(a.T, [0])),
        ("concatenate", "ravel needs a copy", 128, lambda a: ndmem.concatenate([a, a.T], axis=None)),
        ("add", "output overlaps an input", 128, lambda a: ndmem.add(a.T, a, out=a)),
        ("copyto", "source overlaps destination", 128, lambda a: ndmem.copyto(a, a.T)),
        ("take", "operand converted whole", 16, lambda a: ndmem.take(a, i4, axis=0)),
        ("add", "reduction result temporary", 32,
         lambda a: ndmem.sum(a, axis=0, out=ndmem.zeros(4, "f4"))),
    ]
    for op, reason, nbytes, call in sites:
        a = sq()
        with ndmem.copy_policy("forbid"):
            with pytest.raises(CopyRequiredError, match=f"^{op}: .*{reason}.*forbids implicit"):
                call(a)
        assert np.array_equal(np.asarray(a), np.arange(16.0).reshape(4, 4))  # untouched
        with ndmem.copy_policy("warn"):
            with pytest.warns(ndmem.CopyWarning, match=f"{op}: an implicit copy of {nbytes} bytes"):
                call(a)
        a = sq()
        with ndmem.track() as t:
            call(a)
        assert t.implicit_by_reason[reason] == (1, nbytes), op
        assert t.implicit_copies == 1 and t.implicit_bytes == nbytes


def test_warnings_as_errors_make_the_call_raise_and_leak_nothing():
    a = ndmem.zeros((3, 4))
    before = ndmem.memory_stats().live_arrays
    with warnings.catch_warnings():
        warnings.simplefilter("error", ndmem.CopyWarning)
        for _ in range(5):
            with ndmem.copy_policy("warn"), pytest.raises(ndmem.CopyWarning):
                a.T.reshape(12)
    gc.collect()  # the tracebacks kept by pytest.raises hold the a.T temporaries
    assert ndmem.memory_stats().live_arrays == before  # the copy made before the warning is freed
    with ndmem.copy_policy("warn"), pytest.raises(ValueError, match="cannot reshape"):
        a.T.reshape(5)  # a failure is reported as itself, not hidden by a warning


def test_views_hold_a_large_owner_weakly_but_keep_numpys_base_rules():
    a = ndmem.zeros(10)
    v = a[2:]
    w = v[1:]
    assert v.base is a and w.base is a  # collapsed to the owner while it lives
    del a
    assert v.base is v.base and v.base.flags.owndata  # rebuilt over the owner, then kept
    x = v[1:]
    assert x.base is v.base  # collapses through the rebuilt owner
    b = ndmem.zeros(4)
    b.flags.writeable = False
    u = b[:]
    del b
    with pytest.raises(ValueError, match="WRITEABLE"):
        u.flags.writeable = True  # a read-only base is held, and still asked
    n = np.arange(5.0)
    x = ndmem.asarray(n)
    y = x[1:]
    del x
    assert y.base.base is n  # a base over foreign memory is held, as NumPy holds it


def test_explicit_copies_and_blocks_are_never_refused():
    a = ndmem.asarray(np.arange(12.0).reshape(3, 4))
    with ndmem.copy_policy("forbid"), ndmem.track() as t:
        a.copy()
        a.astype("f4")
        a.T.flatten()
        ndmem.ascontiguousarray(a.T)
        ndmem.take(a, [0, 2], axis=0)
        ndmem.compress([True, False, True], a, axis=0)
        ndmem.concatenate([a, a])
        a.byteswap()
        a + np.arange(4, dtype=np.int32)  # converted in fixed-size blocks
    assert t.explicit_copies == 8 and t.implicit_copies == 0
    assert t.explicit_bytes == 96 + 48 + 96 + 96 + 64 + 64 + 192 + 96
    assert t.block_buffers >= 1
    assert ndmem.get_copy_policy() == "allow"


def test_policies_nest_per_thread_and_process():
    ndmem.set_copy_policy("forbid")
    try:
        assert ndmem.get_copy_policy() == "forbid"
        with ndmem.copy_policy("allow"):
            ndmem.zeros((2, 3)).T.reshape(6)  # this thread allows
        seen = []
        t = threading.Thread(target=lambda: seen.append(ndmem.get_copy_policy()))
        t.start()
        t.join()
        assert seen == ["forbid"]
    finally:
        ndmem.set_copy_policy("allow")
    with pytest.raises(ValueError, match="'allow', 'warn' or 'forbid'"):
        ndmem.set_copy_policy("never")


def test_track_nests_and_reports_peak():
    with ndmem.track() as outer:
        x = ndmem.zeros(10)
        with ndmem.track() as inner:
            y = x.copy()
            del y
        z = x.copy()
    assert (inner.allocations, inner.explicit_copies, inner.owned_bytes, inner.peak) == (1, 1, 0, 80)
    assert (outer.allocations, outer.copies, outer.bytes_copied) == (3, 2, 160)
    assert outer.owned_bytes == 160 and outer.peak == 160
    del x, z


# --- the zero-copy ledger --------------------------------------------------------------------
def test_zero_copy_ledger_of_every_hand_off():
    np_side = np.arange(12.0).reshape(3, 4)
    rec_dtype = np.dtype([("id", "<i4"), ("x", "<f8")])
    records = np.zeros(3, rec_dtype)
    with ndmem.track() as t:
        x = ndmem.asarray(np_side)  # NumPy -> ndmem
        back = np.asarray(x)  # ndmem -> NumPy
        view = np.asarray(ndmem.asarray(np_side[::-1, 1::2]))  # strided, both ways
        r = ndmem.asarray(records)
        r["x"][1] = 2.5  # a field view written in place
        ndmem.multiply(x, 2, out=x)  # in place through the wrapper
    assert (t.copies, t.bytes_copied) == (0, 0)
    assert t.allocations == t.block_buffers == 1  # the 0-d operand holding the scalar 2
    assert np.shares_memory(back, np_side) and np.shares_memory(view, np_side)
    assert np_side[0, 1] == 2 and records["x"][1] == 2.5


# --- retention report, explain, tags -----------------------------------------------------------
def test_a_small_view_of_a_large_buffer_reads_plainly():
    big = ndmem.zeros(64 << 17)  # 64 MiB
    ndmem.set_tag(big, "big")
    one = big[5:6]
    del big
    mine = [r for r in ndmem.memory_report() if r.tag == "big"]
    assert len(mine) == 1 and mine[0].handles == 1 and mine[0].reachable_bytes == 8
    assert mine[0].summary == ("64.00 MiB huge-page heap buffer 'big' kept alive by 1 view of "
                               "8 bytes (99.99% unreachable)")
    text = ndmem.explain(one)
    assert text.splitlines()[0] == mine[0].summary
    assert "No other ndmem array keeps it alive." in text
    assert f"{(64 << 20) - 8} bytes of it are unreachable" in text
    assert "big" in str(ndmem.memory_report())


def test_report_covers_windows_broadcasts_fields_and_maps(tmp_path):
    row = ndmem.arange(10.0)
    w = ndmem.sliding_window_view(row, 3)
    b = ndmem.broadcast_to(row[2:3], (4, 1))
    recs = ndmem.zeros(10, [("a", "<i4"), ("b", "<f8")])
    field = recs["b"]
    del recs
    path = tmp_path / "m.npy"
    np.save(path, np.arange(512.0))
    m = ndmem.load(path, mmap_mode="r")
    part = m[:2]
    del m
    by_start = {r.start: r for r in ndmem.memory_report()}

    def record(x):
        return next(r for r in by_start.values() if r.start <= x.data_ptr < r.start + max(r.bytes, 1))

    assert (record(w).handles, record(w).reachable_bytes) == (3, 80)
    assert record(b) is record(w)
    assert (record(field).handles, record(field).reachable_bytes, record(field).origin) == (1, 116, "heap")
    # A view of a map keeps the root array (which pickles by file reference) alive.
    assert (record(part).origin, record(part).handles, record(part).reachable_bytes) == ("mapped", 2, 4096)
    del part, w, b, field, row


def test_leak_report_at_exit_names_what_is_left():
    code = ("import ctypes, ndmem\n"
            "x = ndmem.zeros(1000)\n"
            "ndmem.set_tag(x, 'forgotten')\n"
            "ctypes.pythonapi.Py_IncRef(ctypes.py_object(x))  # never freed\n")
    _, err = run_python(code, NDMEM_LEAK_REPORT="1", NDMEM_TRACK="1")
    assert "ndmem leak report: 1 array" in err
    assert "7.81 KiB heap buffer 'forgotten' kept alive by 1 view of 7.81 KiB" in err
    _, err = run_python("import ndmem\nx = ndmem.zeros(3)\ndel x\n", NDMEM_LEAK_REPORT="1")
    assert "ndmem leak report: 0 array" in err


def test_tracemalloc_sees_ndmem_allocations_in_its_domain():
    code = ("import tracemalloc\n"
            "tracemalloc.start()\n"
            "import ndmem\n"
            "keep = [ndmem.zeros(1000), ndmem.ones((30, 30)), ndmem.arange(10.0)]\n"
            "del keep[1]\n"
            "snap = tracemalloc.take_snapshot().filter_traces(\n"
            "    [tracemalloc.DomainFilter(True, ndmem.TRACEMALLOC_DOMAIN)])\n"
            "print(sum(t.size for t in snap.traces), ndmem.memory_stats().owned_bytes)\n")
    out, _ = run_python(code)
    traced, owned = map(int, out.split())
    assert traced == owned == 8000 + 80


def test_counts_are_exact_after_work_on_four_threads():
    before = ndmem.memory_stats()
    results = []

    def work():
        with ndmem.track() as t:
            for _ in range(50):
                a = ndmem.zeros(16)
                b = a.copy()
                del a, b
        results.append((t.allocations, t.explicit_copies, t.explicit_bytes, t.owned_bytes))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [(100, 50, 6400, 0)] * 4
    after = ndmem.memory_stats()
    assert after.allocations == before.allocations + 400
    assert after.explicit_copies == before.explicit_copies + 200
    assert after.owned_bytes == before.owned_bytes
