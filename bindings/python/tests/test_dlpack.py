"""DLPack against NumPy as the other side, both ways: `np.from_dlpack(ndmem_array)` and
`ndmem.from_dlpack(numpy_array)` are views of the same memory, with the layout NumPy itself
gives for the same exchange; the capsule rules of DLPack's Python specification; refusals with
NumPy's exception classes; interpreter exit with tensors alive; JAX as a second, independent
consumer and producer; and the C test compiled against a real dlpack.h."""
import gc
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ndmem
from conftest import ptr, strided_views

ROOT = Path(__file__).resolve().parents[3]


@st.composite
def exchanged_views(draw):
    """A NumPy view of any layout (negative steps, transposes, size-0 and size-1 axes, any
    numeric dtype and byte order, read-only or not), sometimes broadcast (zero strides)."""
    v = draw(strided_views())
    if draw(st.booleans()) and v.ndim < 4:
        v = np.broadcast_to(v, (draw(st.integers(0, 3)),) + v.shape)
    return v


def ndmem_view(v):
    """An ndmem array over `v`'s own memory (no copy), with `v`'s layout and flags."""
    return ndmem.asarray(v)


@given(exchanged_views())
def test_numpy_takes_ndmem_arrays_as_it_takes_its_own(v):
    x = ndmem_view(v)
    try:
        expected = np.from_dlpack(v)
    except BufferError as e:  # NumPy refuses (byte order): so does ndmem, with the same class
        with pytest.raises(BufferError):
            np.from_dlpack(x)
        assert "byte order" in str(e)
        return
    y = np.from_dlpack(x)
    assert ptr(y) == x.ctypes.data == ptr(v)
    assert (y.shape, y.strides, y.dtype) == (expected.shape, expected.strides, expected.dtype)
    assert y.flags.writeable == v.flags.writeable == expected.flags.writeable
    assert y.tobytes() == v.tobytes()
    if y.flags.writeable and y.size:  # writes are seen on the other side
        y.flat[0] = 1 - y.flat[0] if y.dtype != bool else not y.flat[0]
        assert np.asarray(x).tobytes() == y.tobytes()


@given(exchanged_views())
def test_ndmem_takes_numpy_arrays_as_numpy_does(v):
    try:
        expected = np.from_dlpack(v)
    except BufferError:
        with pytest.raises(BufferError):
            ndmem.from_dlpack(v)
        return
    w = ndmem.from_dlpack(v)
    assert w.ctypes.data == ptr(v) == ptr(expected)
    assert (w.shape, w.strides) == (expected.shape, expected.strides)
    assert w.dtype.str == expected.dtype.str
    assert w.flags.writeable == expected.flags.writeable
    assert np.asarray(w).tobytes() == v.tobytes()
    if w.flags.writeable and w.size:
        w[(0,) * w.ndim] = 0
        assert v[(0,) * v.ndim] == 0


@given(exchanged_views())
def test_copy_true_exports_a_native_copy(v):
    x = ndmem_view(v)
    y = np.from_dlpack(x, copy=True)
    assert ptr(y) != ptr(v) or v.size == 0
    assert y.dtype.isnative and y.flags.c_contiguous and y.flags.writeable
    np.testing.assert_array_equal(y, v)
    if v.dtype.isnative:  # NumPy exports no other byte order, even as a copy
        w = ndmem.from_dlpack(v, copy=True)
        assert w.ctypes.data != ptr(v) or v.size == 0
        np.testing.assert_array_equal(np.asarray(w), v)


def test_every_dtype_maps_to_numpys_type():
    for kind in ["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8",
                 "c16"]:
        x = ndmem.arange(6).astype(kind).reshape(2, 3)[:, ::-1]
        y = np.from_dlpack(x)
        assert y.dtype == np.dtype(kind) and ptr(y) == x.ctypes.data
        assert ndmem.from_dlpack(y).dtype == np.dtype(kind)


def test_capsules_follow_the_python_specification():
    x = ndmem.arange(4.0)
    assert x.__dlpack_device__() == (1, 0)
    for max_version, name in [(None, "dltensor"), ((0, 8), "dltensor"), ((1, 0), "dltensor_versioned"),
                              ((1, 3), "dltensor_versioned"), ((2, 0), "dltensor_versioned")]:
        capsule = x.__dlpack__(max_version=max_version)
        assert repr(capsule).startswith(f'<capsule object "{name}"')

    class Producer:
        def __init__(self, capsule):
            self.capsule = capsule

        def __dlpack__(self, **kwargs):
            return self.capsule

        def __dlpack_device__(self):
            return (1, 0)

    capsule = x.__dlpack__(max_version=(1, 0))
    y = ndmem.from_dlpack(Producer(capsule))
    assert repr(capsule).startswith('<capsule object "used_dltensor_versioned"')
    assert y.base is capsule
    with pytest.raises(ValueError, match="unconsumed DLPack capsule"):  # consumed twice
        ndmem.from_dlpack(Producer(capsule))
    with pytest.raises(ValueError):  # NumPy refuses it too
        np.from_dlpack(Producer(capsule))
    legacy = x.__dlpack__()
    z = ndmem.from_dlpack(Producer(legacy))  # an unversioned capsule: read-only, as in NumPy
    assert not z.flags.writeable and not np.from_dlpack(Producer(x.__dlpack__())).flags.writeable
    assert repr(legacy).startswith('<capsule object "used_dltensor"')


def live_buffers():
    gc.collect()
    return ndmem.memory_stats().live_buffers


def test_an_unconsumed_capsule_frees_its_tensor_and_an_export_outlives_its_array():
    before = live_buffers()
    x = ndmem.arange(1000.0)
    capsule = x.__dlpack__(max_version=(1, 0))
    legacy = x.__dlpack__()
    del x
    assert live_buffers() == before + 1  # the capsules hold the memory
    del capsule
    assert live_buffers() == before + 1
    del legacy
    assert live_buffers() == before  # ... and each freed its tensor once

    x = ndmem.arange(1000.0)
    y = np.from_dlpack(x)
    del x
    assert live_buffers() == before + 1
    assert y.sum() == 499500.0
    del y
    assert live_buffers() == before


def test_nothing_is_copied_and_the_counters_say_so():
    a = np.arange(1_000_000.0)
    x = ndmem.arange(1_000_000.0)
    before = ndmem.memory_stats()
    w = ndmem.from_dlpack(a)
    y = np.from_dlpack(x)
    after = ndmem.memory_stats()
    for key in ("explicit_copies", "implicit_copies", "bytes_allocated", "owned_bytes"):
        assert getattr(after, key) == getattr(before, key), key
    assert ndmem.shares_memory(w, a) and np.shares_memory(y, np.asarray(x))


def test_refusals_say_why_with_numpys_classes():
    for dt in ["S3", "U2", "V4", [("a", "i4"), ("b", "f8")], ">f8"]:
        v = np.zeros(3, dt)
        with pytest.raises(BufferError):
            v.__dlpack__()
        with pytest.raises(BufferError, match="DLPack cannot describe dtype"):
            ndmem.asarray(v).__dlpack__()
    x = ndmem.asarray(np.zeros(3, ">f8"))
    assert np.from_dlpack(x, copy=True).dtype == np.dtype("f8")  # a copy cures byte order
    field = ndmem.zeros(4, [("a", "i4"), ("b", "f8")])["b"]
    with pytest.raises(BufferError, match="stride of 12 bytes.*copy=True"):
        field.__dlpack__()
    assert np.from_dlpack(field, copy=True).strides == (8,)
    read_only = ndmem.arange(3.0)
    read_only.flags.writeable = False
    with pytest.raises(BufferError, match="read-only"):
        read_only.__dlpack__()  # the unversioned struct cannot say it
    assert not np.from_dlpack(read_only).flags.writeable
    with pytest.raises(RuntimeError, match="stream=None"):
        read_only.__dlpack__(stream=1)
    with pytest.raises(BufferError, match="unsupported device"):
        read_only.__dlpack__(dl_device=(2, 0))
    assert read_only.__dlpack__(dl_device=(1, 0), max_version=(1, 0)) is not None
    with pytest.raises(TypeError, match="DLPack protocol"):
        ndmem.from_dlpack([1, 2, 3])
    with pytest.raises(ValueError, match="device"):
        ndmem.from_dlpack(np.zeros(2), device="cuda")
    for call in [lambda a: a.__dlpack__(dl_device="cpu"), lambda a: a.__dlpack__(dl_device=(2, 0))]:
        with pytest.raises(Exception) as theirs:  # NumPy's classes for bad devices
            call(np.zeros(2))
        with pytest.raises(type(theirs.value)):
            call(ndmem.zeros(2))
    with pytest.raises(ValueError, match="cpu"):
        ndmem.from_dlpack(np.zeros(2), device=(1, 0))

    class Old:  # a producer before DLPack 1.0's Python protocol: no keywords
        def __init__(self, a):
            self.a = a

        def __dlpack__(self):
            return self.a.__dlpack__()

    assert ndmem.from_dlpack(Old(np.arange(3.0))).tolist() == [0.0, 1.0, 2.0]
    for kwargs in [{"copy": True}, {"copy": False}, {"device": "cpu"}]:
        with pytest.raises(TypeError):  # it could not honour them: NumPy refuses too
            np.from_dlpack(Old(np.arange(3.0)), **kwargs)
        with pytest.raises(TypeError):
            ndmem.from_dlpack(Old(np.arange(3.0)), **kwargs)
    assert ndmem.from_dlpack(np.zeros(2), device="cpu").shape == (2,)


def test_growable_rows_export_and_outlive_growth():
    g = ndmem.empty((0, 3), float, capacity=2)
    g.append([1.0, 2.0, 3.0])
    y = np.from_dlpack(g)
    assert ptr(y) == g.rows().ctypes.data
    for _ in range(100):
        g.append([0.0, 0.0, 0.0])  # moves the rows: the export keeps the old ones
    assert y.tolist() == [[1.0, 2.0, 3.0]]


def test_interpreter_exit_with_exported_tensors_alive_is_clean():
    script = """
import sys
import numpy as np, ndmem
heap = ndmem.arange(100.0)
wrapped = ndmem.asarray(np.arange(100.0))
kept = [np.from_dlpack(heap), np.from_dlpack(wrapped[::-1]), np.from_dlpack(heap.T)]
capsules = [heap.__dlpack__(), heap.__dlpack__(max_version=(1, 0)), wrapped.__dlpack__()]
imported = [ndmem.from_dlpack(np.arange(10.0)), ndmem.from_dlpack(kept[1])]
cycle = [capsules]
cycle.append(cycle)
# Held by modules torn down after ndmem's: their tensors are freed when ndmem's Python code is
# gone (the releases and deleters are C functions; Python-owned memory is then left to exit).
np._late = np.from_dlpack(ndmem.asarray(np.arange(10.0)))
sys._late = ndmem.asarray(np.arange(10.0)).__dlpack__()
sys._late_versioned = ndmem.frombuffer(bytearray(80), dtype="f8").__dlpack__(max_version=(1, 0))
del heap, wrapped
print("ok")
"""
    env = dict(os.environ)
    r = subprocess.run([sys.executable, "-X", "dev", "-c", script], capture_output=True, text=True,
                       env=env, timeout=120)
    assert (r.returncode, r.stdout, r.stderr) == (0, "ok\n", "")


def test_c_and_cpp_tests_compile_against_a_real_dlpack_h(tmp_path):
    """c_tests/test_dlpack.c and the C++ wrapper's tests with dlpack.h 1.x included first:
    ndmem's header defers to it, and every check passes with DLPack's own declarations."""
    tvm_ffi = pytest.importorskip("tvm_ffi")
    include = Path(tvm_ffi.__file__).parent / "include"
    assert (include / "dlpack" / "dlpack.h").exists()
    lib = Path(os.environ["NDMEM_LIBRARY"]).parent
    exe = tmp_path / "test"
    for compiler, std, source in [("cc", "-std=c11", "c_tests/test_dlpack.c"),
                                  ("c++", "-std=c++17", "bindings/cpp/tests/test_cpp.cpp")]:
        subprocess.run([compiler, std, "-Wall", "-Wextra", "-Werror", "-include", "dlpack/dlpack.h",
                        f"-I{include}", f"-I{ROOT / 'include'}", f"-I{ROOT / 'bindings' / 'cpp'}",
                        f"-DNDM_TEST_DATA=\"{ROOT / 'tests' / 'data'}\"", str(ROOT / source),
                        f"-L{lib}", f"-Wl,-rpath,{lib}", "-lndmem", "-lm", "-pthread", "-o", str(exe)],
                       check=True)
        out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300)
        assert out.returncode == 0 and ", 0 failed" in out.stdout, out.stdout + out.stderr


class TestJax:
    """JAX (CPU build), a second DLPack implementation: it asks for unversioned capsules only,
    and takes memory without a copy when it is aligned to 64 bytes (ndmem's buffers are)."""

    @pytest.fixture(autouse=True)
    def jax(self):
        jax = pytest.importorskip("jax")
        jax.config.update("jax_enable_x64", True)
        return jax

    def test_jax_takes_ndmem_memory(self, jax):
        import jax.numpy as jnp

        for kind in ["?", "i1", "u2", "i4", "i8", "f2", "f4", "f8", "c8", "c16"]:
            x = ndmem.arange(12).astype(kind).reshape(3, 4)
            j = jnp.from_dlpack(x)
            assert j.unsafe_buffer_pointer() == x.ctypes.data, kind
            np.testing.assert_array_equal(np.asarray(j), np.asarray(x))
        t = ndmem.arange(12.0).reshape(3, 4).T  # a permutation: still no copy
        assert jnp.from_dlpack(t).unsafe_buffer_pointer() == t.ctypes.data
        read_only = ndmem.arange(3.0)
        read_only.flags.writeable = False
        with pytest.raises(BufferError, match="read-only"):  # JAX asks for DLPack 0.x
            jnp.from_dlpack(read_only)

    def test_ndmem_takes_jax_memory(self, jax):
        import jax.numpy as jnp

        j = jnp.arange(12.0).reshape(3, 4)
        w = ndmem.from_dlpack(j)
        assert w.ctypes.data == j.unsafe_buffer_pointer()
        assert not w.flags.writeable  # JAX's arrays are immutable, and its capsules unversioned
        np.testing.assert_array_equal(np.asarray(w), np.asarray(j))
        del j
        gc.collect()
        assert float(ndmem.sum(w)) == 66.0  # the memory lives while ndmem's view does
        k = jnp.asarray(np.arange(5, dtype=np.int32))
        assert ndmem.from_dlpack(k, copy=True).ctypes.data != k.unsafe_buffer_pointer()
