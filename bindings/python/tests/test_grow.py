"""Growable arrays against NumPy: appends (rows, blocks, scalars; broadcasting and same_kind
casting as NumPy's assignment) equal `np.concatenate` of the same rows; NumPy views share the
memory; views taken before a move keep their values (a hypothesis state machine against a list
model); moves are counted, refused when asked; `.npy` files appended in place load with NumPy
after every flush, also when the writer is killed at random points."""
import ctypes
import gc
import os
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import ndmem
from conftest import numeric_dtypes, ptr, same_error, strided_views

ROW_DTYPES = ["f8", "i4", "u1", "c8", "?", ">i2", "f2"]


def rows_model(model, row_shape, dtype, order):
    """The array NumPy makes from the rows appended so far (the growing axis first in C,
    last in F)."""
    a = np.array(model, dtype=dtype).reshape((len(model),) + tuple(row_shape))
    return np.moveaxis(a, 0, -1) if order == "F" else a


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dt", ROW_DTYPES)
def test_append_equals_numpy(order, dt):
    rng = np.random.default_rng(5)
    row = (2, 3)
    x = ndmem.empty((0,) + row if order == "C" else row + (0,), dt, order, capacity=0)
    parts = []
    for k in [1, 0, 3, 1, 7, 2]:
        block = (rng.integers(0, 100, (k,) + row)).astype(dt)
        x.append(block if order == "C" else np.moveaxis(block, 0, -1))
        parts.append(block)
    x.append(np.array(5, dt))  # a scalar fills a row
    x.append(np.arange(3).astype(dt))  # a row broadcast over the first row axis
    parts += [np.full((1,) + row, 5, dt), np.broadcast_to(np.arange(3).astype(dt), (1,) + row)]
    want = np.concatenate(parts).astype(dt)  # (concatenate makes byte order native)
    want = np.asfortranarray(np.moveaxis(want, 0, -1)) if order == "F" else want
    got = np.asarray(x)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == want.dtype and got.strides == want.strides
    assert got.flags.c_contiguous == want.flags.c_contiguous
    assert got.flags.f_contiguous == want.flags.f_contiguous and got.flags.writeable
    assert x.shape == want.shape and x.strides == want.strides and len(x) == len(want)
    assert x.capacity >= (x.shape[-1] if order == "F" else x.shape[0])


@given(strided_views(max_dims=3), numeric_dtypes, st.sampled_from("CF"), st.integers(0, 3))
def test_appending_any_layout_is_numpy_assignment(v, dt, order, rows_before):
    """A block of any layout, dtype and byte order appended to a growable of any dtype: the new
    rows are what `np.copyto(rows, block, casting='same_kind')` writes, or the same error and
    nothing appended."""
    if v.ndim == 0:
        v = v[None]
    fortran = order == "F" and v.ndim > 1
    row = v.shape[:-1] if fortran else v.shape[1:]
    start = (row + (rows_before,)) if fortran else ((rows_before,) + row)
    x = ndmem.empty(start, dt, order, capacity=0)
    x[...] = 0
    before = np.asarray(x).copy()
    want = np.zeros(v.shape, dt, order="F" if fortran else "C")
    axis = -1 if fortran else 0
    if not np.can_cast(v.dtype, dt, "same_kind"):
        same_error(lambda: x.append(v), lambda: np.copyto(want, v, casting="same_kind"))
        np.testing.assert_array_equal(np.asarray(x), before)
        return
    np.copyto(want, v, casting="same_kind")
    x.append(v)
    got = np.asarray(x)
    np.testing.assert_array_equal(got, np.concatenate([before, want], axis=axis))
    assert got.dtype == np.dtype(dt) and got.flags["F_CONTIGUOUS" if fortran else "C_CONTIGUOUS"]


def test_numpy_sees_the_same_memory_and_writes_both_ways():
    x = ndmem.empty(0, "f8", capacity=10)
    x.extend([1.0, 2.0, 3.0])
    a = np.asarray(x)
    assert ptr(a) == x.data_ptr and not a.flags.owndata
    a[0] = 9
    assert x[0] == 9
    x[1] = 8
    assert a[1] == 8
    x.append(4.0)  # within capacity: nothing moves, `a` still views the growable's rows
    assert ptr(np.asarray(x)) == ptr(a)
    np.testing.assert_array_equal(np.asarray(x), [9, 8, 3, 4])
    assert np.asarray(x, dtype="f4").dtype == np.float32
    assert not np.shares_memory(np.array(x), a)


def test_casting_and_broadcasting_follow_numpy_assignment():
    x = ndmem.empty((0, 3), "i4", capacity=4)
    with pytest.raises(TypeError) as ours:
        x.append(np.ones(3))  # float64 -> int32 is not same_kind
    with pytest.raises(TypeError) as theirs:
        np.copyto(np.empty(3, "i4"), np.ones(3), casting="same_kind")
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError) as ours:
        x.append(np.ones(2, "i4"))
    with pytest.raises(ValueError) as theirs:
        np.copyto(np.empty(3, "i4"), np.ones(2, "i4"))
    assert str(ours.value) == str(theirs.value)
    assert x.shape == (0, 3)  # nothing was appended, nothing moved
    x.append(np.ones((2, 3), "i8"))  # same kind, narrower: allowed as in NumPy's assignment
    x.append(True)
    np.testing.assert_array_equal(np.asarray(x), [[1] * 3, [1] * 3, [1] * 3])


def test_views_keep_their_rows_when_the_array_moves():
    x = ndmem.empty(0, "f8", capacity=4)
    x.extend(np.arange(4.0))
    before = ndmem.memory_stats().implicit_by_reason["growth moved rows that views keep"]
    a, v = np.asarray(x), x[1:3]
    x.append(4.0)  # outgrows: rows move, `a` and `v` keep the old buffer
    after = ndmem.memory_stats().implicit_by_reason["growth moved rows that views keep"]
    assert after == (before[0] + 1, before[1] + 32)
    np.testing.assert_array_equal(a, [0, 1, 2, 3])
    np.testing.assert_array_equal(np.asarray(v), [1, 2])
    a[0] = -1  # the old buffer is no longer the growable's
    assert x[0] == 0 and ptr(np.asarray(x)) != ptr(a)
    np.testing.assert_array_equal(np.asarray(x), np.arange(5.0))


def test_no_copy_without_views_and_refusals():
    x = ndmem.empty(0, "f8", capacity=0)
    before = ndmem.memory_stats().implicit_copies
    for i in range(1000):
        x.append(float(i))
    assert ndmem.memory_stats().implicit_copies == before
    assert x.live_views == 0
    x.shrink_to_fit()
    assert x.capacity == 1000
    v = x[::2]
    assert x.live_views == 1
    x.on_move = "refuse"
    with pytest.raises(BufferError, match="1 live view"):
        x.append(1.0)
    with pytest.raises(ndmem.InUseError):
        x.reserve(2000)
    x.on_move = "move"
    with ndmem.copy_policy("forbid"):
        with pytest.raises(ndmem.CopyRequiredError, match="growth moved rows"):
            x.append(1.0)
        del v
        gc.collect()
        x.append(1.0)  # no view: the pages move, no copy
    assert x.shape == (1001,)
    with pytest.raises(ValueError, match="on_move"):
        x.on_move = "sometimes"


def test_space_and_commit_through_the_c_functions():
    x = ndmem.empty(0, "i4", capacity=0)
    x._rows = None  # its own snapshot would count as a live view (and go stale)
    room = ctypes.c_void_p()
    ndmem.lib.ndm_append_space(x._g, 5, ctypes.byref(room))
    values = np.arange(5, dtype="i4")
    ctypes.memmove(room, values.ctypes.data, values.nbytes)
    ndmem.lib.ndm_append_commit(x._g, 3)
    with pytest.raises(ValueError, match="holds 2 more"):
        ndmem.lib.ndm_append_commit(x._g, 3)
    with pytest.raises(ValueError, match="negative"):
        ndmem.lib.ndm_append_space(x._g, -1, ctypes.byref(room))
    x._rows = None  # rows committed behind its back
    np.testing.assert_array_equal(np.asarray(x), [0, 1, 2])


def test_results_are_plain_arrays_and_nothing_leaks():
    before = ndmem.memory_stats().live_arrays
    x = ndmem.empty((0, 2), "f4", capacity=8)
    x.extend([[1, 2], [3, 4]])
    results = [x.copy(), x.astype("f8"), x.view("i4"), x.byteswap(), ndmem.array(x),
               ndmem.asarray(x), x + 1, x.sum(axis=0), x.T, x[1], ndmem.add(x, 1)]
    for r in results:
        assert type(r) is ndmem.Array
    np.testing.assert_array_equal(np.asarray(results[-1]), [[2, 3], [4, 5]])
    y = x
    x += 1  # in place on the rows; x stays the growable array
    assert x is y and isinstance(x, ndmem.GrowableArray)
    np.testing.assert_array_equal(np.asarray(x), [[2, 3], [4, 5]])
    del results, r
    x.close()
    gc.collect()
    assert ndmem.memory_stats().live_arrays == before


def test_appending_itself_and_python_values():
    x = ndmem.empty(0, "u1", capacity=0)
    x.append(7)  # a Python int into uint8, as NumPy's assignment converts it
    x.extend([1, 2])
    x.append(x)  # np.append(a, a): its own rows, read before they grow
    x.extend(x)
    np.testing.assert_array_equal(np.asarray(x), [7, 1, 2] * 4)
    with pytest.raises(OverflowError) as ours:
        x.append(300)
    with pytest.raises(OverflowError) as theirs:
        np.empty(1, "u1")[0] = 300
    assert str(ours.value) == str(theirs.value)
    f = ndmem.empty(0, "i8", capacity=0)
    f.append(2.75)  # a Python float into int64 truncates, as NumPy's assignment does
    assert f[0] == 2


def test_reading_while_another_thread_appends():
    x = ndmem.empty((0, 3), "i8", capacity=0)
    stop = threading.Event()
    seen, errors = [], []

    def read():
        try:
            while not stop.is_set():
                a = np.asarray(x)
                n = x.shape[0]
                assert a.shape[1] == 3 and 0 <= n < 10**6
                assert (a[:, 0] == np.arange(len(a))).all()
                seen.append(len(a))
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    for i in range(3000):
        x.append(np.array([i, i, i]))
    stop.set()
    for t in readers:
        t.join()
    assert errors == [] and len(x) == 3000 and seen


def test_bad_arguments():
    with pytest.raises(ValueError, match="0-dimensional"):
        ndmem.empty((), "f8", capacity=3)
    with pytest.raises(ValueError, match="negative"):
        ndmem.empty(0, "f8", capacity=-1)
    with pytest.raises(MemoryError):
        ndmem.empty(0, "f8", capacity=2**62)
    with pytest.raises(OverflowError):
        ndmem.empty(0, "f8", capacity=2**64)
    x = ndmem.empty(0, "f8", capacity=1)
    with pytest.raises(ValueError, match="negative"):
        x.reserve(-1)
    with pytest.raises(MemoryError):
        x.reserve(2**61)
    x.close()
    with pytest.raises(ndmem.Error, match="closed"):
        x.append(1.0)
    with pytest.raises(ndmem.Error):
        x.shape
    x.close()  # twice is fine


def test_threads_appending_to_one_array():
    x = ndmem.empty((0, 2), "i8", capacity=0)

    def work(k):
        for i in range(2000):
            x.append(np.array([k, i]))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a = np.asarray(x)
    assert a.shape == (8000, 2)
    for k in range(4):
        np.testing.assert_array_equal(a[a[:, 0] == k, 1], np.arange(2000))


# --- the state machine: random appends, reserves, views taken, written and dropped, shrinks ---
class GrowthMachine(RuleBasedStateMachine):
    """Checks a growable against a list of rows. Each view remembers the values it must show
    and the growable's data pointer when it was taken: while that is still the growable's
    buffer, writes through the view are the growable's too."""

    def __init__(self):
        super().__init__()
        self.row = (2,)
        self.x = ndmem.empty((0,) + self.row, "i8", capacity=0)
        self.model = []
        self.views = []  # (ndarray or ndmem view, expected ndarray, data pointer when taken)

    def base_ptr(self):
        return self.x.ctypes.data

    def same_buffer(self, p):
        return len(self.model) > 0 and p == self.base_ptr()

    @rule(k=st.integers(0, 9), v=st.integers(-50, 50))
    def append_block(self, k, v):
        block = np.arange(k * 2).reshape(k, 2) + v
        self.x.append(block)
        self.model += [list(r) for r in block]

    @rule(v=st.integers(-50, 50))
    def append_scalar(self, v):
        self.x.append(v)
        self.model.append([v, v])

    @rule(n=st.integers(0, 100))
    def reserve(self, n):
        self.x.reserve(n)
        assert self.x.capacity >= n

    @rule()
    def shrink(self):
        self.x.shrink_to_fit()
        if not self.views:
            assert self.x.capacity == len(self.model)

    @precondition(lambda self: len(self.model) > 0)
    @rule(numpy_view=st.booleans())
    def take_view(self, numpy_view):
        v = np.asarray(self.x) if numpy_view else self.x[:]
        self.views.append((v, np.array(self.model, "i8").reshape(-1, 2), self.base_ptr()))

    @precondition(lambda self: self.views)
    @rule(i=st.integers(0, 100), value=st.integers(-1000, 1000))
    def write_view(self, i, value):
        v, expected, p = self.views[i % len(self.views)]
        r = i % len(expected)
        v[r, 0] = value
        for _, e, q in self.views:  # every view of the same buffer that reaches row r
            if q == p and r < len(e):
                e[r, 0] = value
        if self.same_buffer(p):
            self.model[r][0] = value

    @precondition(lambda self: self.views)
    @rule(i=st.integers(0, 100))
    def drop_view(self, i):
        del self.views[i % len(self.views)]

    @invariant()
    def matches_model(self):
        want = np.array(self.model, "i8").reshape(-1, 2)
        np.testing.assert_array_equal(np.asarray(self.x), want)
        assert self.x.capacity >= len(self.model)
        for v, expected, _ in self.views:
            np.testing.assert_array_equal(np.asarray(v), expected)

    def teardown(self):
        self.x.close()


TestGrowthMachine = GrowthMachine.TestCase
# A fifth of the profile's examples (60 in make test, 600 in make test-explore), 30 steps each.
TestGrowthMachine.settings = settings(max_examples=settings.default.max_examples // 5,
                                      stateful_step_count=30)


# --- files -----------------------------------------------------------------------------------
@pytest.mark.parametrize("order", ["C", "F"])
def test_open_append_loads_with_numpy(tmp_path, order):
    path = tmp_path / "rows.npy"
    with ndmem.open_append(path, "f4", (3,), order=order) as x:
        assert x.shape == ((0, 3) if order == "C" else (3, 0))
        with pytest.raises(OSError, match="open for appending already"):
            ndmem.open_append(path)  # one writer at a time
        np.testing.assert_array_equal(np.load(path), np.empty(x.shape, "f4"))
        parts = []
        for i in range(20):
            block = np.arange(i * 3, dtype="f4").reshape(i, 3) + i
            x.append(block if order == "C" else np.asfortranarray(block.T))
            parts.append(block)
            if i % 5 == 4:
                x.flush()
                want = np.concatenate(parts)
                want = want.T if order == "F" else want
                np.testing.assert_array_equal(np.load(path), want)
                np.testing.assert_array_equal(np.load(path, mmap_mode="r"), want)
        view = np.asarray(x)
        assert view.base is not None and np.load(path).dtype == np.float32
    # A view still maps the file: its spare room stays (a cut would fault the view's pages).
    assert os.path.getsize(path) >= 128 + 190 * 12
    np.testing.assert_array_equal(np.asarray(view), want)
    del view
    with ndmem.open_append(path) as x:  # reopened: dtype, rows and order from the file
        x.append(np.zeros(3, "f4"))
        assert x.dtype == np.float32
    assert np.load(path).shape == ((191, 3) if order == "C" else (3, 191))
    assert os.path.getsize(path) == 128 + 191 * 12  # cut to its rows when closed
    with pytest.raises(ValueError, match="dtype <f4"):
        ndmem.open_append(path, "f8")
    with pytest.raises(ValueError, match="needs the dtype"):
        ndmem.open_append(tmp_path / "new.npy")


def test_open_append_continues_a_numpy_file(tmp_path):
    path = tmp_path / "numpy.npy"
    np.save(path, np.arange(6).reshape(3, 2))
    with ndmem.open_append(path, capacity=100) as x:
        assert x.capacity >= 100
        x.append([6, 7])
    np.testing.assert_array_equal(np.load(path), np.arange(8).reshape(4, 2))
    assert os.path.getsize(path) == 128 + 64


CHILD = """
import sys, numpy as np, ndmem
path, chunk = sys.argv[1], int(sys.argv[2])
x = ndmem.open_append(path, "i8", (4,))
n = 0
print("ready", flush=True)
while True:
    block = np.arange(n * 4, (n + chunk) * 4, dtype="i8").reshape(chunk, 4)
    x.append(block)
    n += chunk
    x.flush()
"""


def test_killed_writer_leaves_a_loadable_file(tmp_path):
    """A child appends and flushes in a loop; it is killed with SIGKILL after a random delay
    (seeded: the verdict does not depend on when), 20 times. Every time the file loads and
    holds exactly the rows of some completed flush: a whole number of chunks, values in order."""
    rng = np.random.default_rng(2026)
    env = dict(os.environ)
    for run in range(20):
        path = tmp_path / f"killed{run}.npy"
        chunk = int(rng.integers(1, 300))
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(chunk)], env=env,
                                 stdout=subprocess.PIPE)
        assert child.stdout.readline() == b"ready\n"
        threading.Event().wait(float(rng.uniform(0, 0.05)))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        for loaded in (np.load(path), np.load(path, mmap_mode="r")):
            assert loaded.shape[1:] == (4,) and loaded.shape[0] % chunk == 0
            np.testing.assert_array_equal(loaded.ravel(), np.arange(loaded.size))


@given(st.lists(st.integers(0, 40), max_size=12), st.sampled_from(ROW_DTYPES))
def test_random_appends_to_files(tmp_path_factory, sizes, dt):
    path = tmp_path_factory.mktemp("grow") / "r.npy"
    want = []
    with ndmem.open_append(path, dt, (2,)) as x:
        for k in sizes:
            block = (np.arange(k * 2) % 7).reshape(k, 2).astype(dt)
            x.append(block)
            want.append(block)
    want = np.concatenate(want) if want else np.empty((0, 2), dt)
    got = np.load(path)
    assert got.dtype == np.dtype(dt)
    np.testing.assert_array_equal(got, want)
