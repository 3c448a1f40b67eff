"""Zero-copy sharing with NumPy, both ways, and buffer lifetime."""
import ctypes
import gc
import re
import weakref

import numpy as np
import pytest
from conftest import flags_of, ptr, strided_views
from hypothesis import given

import ndmem
from ndmem import _ffi, _lib


@given(view=strided_views())
def test_asarray_wraps_numpy_memory_without_copy(view):
    x = ndmem.asarray(view)
    assert x.shape == view.shape
    assert x.strides == view.strides
    assert x.dtype.str == view.dtype.str
    assert x.data_ptr == ptr(view)
    assert (x.flags.c_contiguous, x.flags.f_contiguous, x.flags.aligned, x.flags.writeable) == \
        flags_of(view)
    assert not x.flags.owndata
    back = np.asarray(x)
    assert ptr(back) == ptr(view)
    assert back.strides == view.strides
    assert flags_of(back) == flags_of(view)
    assert back.tobytes() == view.tobytes()
    if view.size:
        assert np.shares_memory(back, view)
    if view.flags.writeable and view.size:
        idx = (0,) * view.ndim
        back[idx] = 0 if back[idx] else 1
        assert view[idx] == back[idx]


def test_writes_are_seen_both_ways():
    n = np.zeros((3, 4))
    x = ndmem.asarray(n)
    n[1, 2] = 5.0
    assert x.item(1, 2) == 5.0
    v = np.asarray(x)
    v[2, 3] = -1.0
    assert n[2, 3] == -1.0
    y = ndmem.zeros(4, dtype="i4")
    w = np.asarray(y)
    w[:] = [1, 2, 3, 4]
    assert [y.item(i) for i in range(4)] == [1, 2, 3, 4]
    assert w.flags.writeable and not w.flags.owndata


def test_numpy_object_lives_while_ndmem_uses_it():
    n = np.arange(10.0)
    alive = weakref.ref(n)
    x = ndmem.asarray(n[::2])
    del n
    gc.collect()
    assert alive() is not None
    assert x.item(4) == 8.0
    del x
    gc.collect()
    assert alive() is None


def test_ndmem_array_lives_while_numpy_views_it():
    x = ndmem.arange(6.0)
    alive = weakref.ref(x)
    v = np.asarray(x)
    del x
    gc.collect()
    assert alive() is not None
    assert v.tolist() == [0, 1, 2, 3, 4, 5]
    del v
    gc.collect()
    assert alive() is None


def test_read_only_numpy_memory_stays_read_only():
    n = np.arange(4)
    n.flags.writeable = False
    x = ndmem.asarray(n)
    assert not x.flags.writeable
    assert not np.asarray(x).flags.writeable
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        ndmem.copyto(x, [1, 2, 3, 4])


def test_lists_and_scalars_are_converted_by_numpy():
    x = ndmem.asarray([[1, 2], [3, 4]])
    assert x.shape == (2, 2) and x.dtype == np.int64
    assert ndmem.asarray(3.5).shape == ()
    assert ndmem.asarray(x) is x


@pytest.mark.parametrize("data", [np.array([object()]), np.zeros(2, "M8[s]"),
                                  np.zeros(2, [("a", "m8[s]")])])
def test_unsupported_dtypes_raise_type_error(data):
    with pytest.raises(TypeError):
        ndmem.asarray(data)


@pytest.mark.parametrize("data", [np.array(["ab", "λ"]), np.zeros(2, [("a", ">U3"), ("b", "i2")])])
def test_text_arrays_are_shared_without_copy(data):
    x = ndmem.asarray(data)
    assert np.asarray(x).dtype == data.dtype
    assert ndmem.shares_memory(x, ndmem.asarray(np.asarray(x)))
    assert np.asarray(x).__array_interface__["data"][0] == data.__array_interface__["data"][0]


def test_array_interface_describes_the_array():
    x = ndmem.asarray(np.zeros((4, 6), ">f4")[::2, ::-3])
    info = x.__array_interface__
    n = np.asarray(x)
    assert info["typestr"] == ">f4" == n.dtype.str
    assert info["strides"] == (48, -12)
    assert info["descr"] == [("", ">f4")]
    c = ndmem.zeros((2, 2))
    assert c.__array_interface__["strides"] is None


def test_truth_value_like_numpy():
    for data in ([], [0], [3], [1, 2]):
        n = np.array(data)
        try:
            expected = bool(n)
        except ValueError as e:
            with pytest.raises(ValueError) as ours:
                bool(ndmem.asarray(n))
            assert str(ours.value) == str(e)
            continue
        assert bool(ndmem.asarray(n)) == expected


def test_readme_python_example_runs_and_shares_memory():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    start = readme.index("```python\n") + len("```python\n")
    code = readme[start:readme.index("```", start)]
    scope = {}
    exec(compile(code, "README.md", "exec"), scope)
    x, v = scope["x"], scope["v"]
    assert np.array_equal(np.asarray(x), np.arange(12.0).reshape(3, 4)[:, ::-2])
    assert x.strides == (32, -16)  # the NumPy view's own strides: wrapped, not copied
    assert v.flags.f_contiguous and v.dtype == np.float32 and not v.flags.owndata


def test_every_readme_python_block_runs():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    blocks = readme.split("```python\n")[1:]
    assert len(blocks) >= 2
    for block in blocks:
        exec(compile(block[:block.index("```")], "README.md", "exec"), {})


def test_a_binding_layer_records_its_own_error():
    # ndm_set_last_error: a layer above the C API (the Fortran shim, a ctypes extension) reports
    # its own failure through the same last-error channel, raised here as the status's class.
    assert _lib.lib.ndm_set_last_error(_ffi.NDM_ERR_DTYPE, b"my layer: no such type") == _ffi.NDM_ERR_DTYPE
    with pytest.raises(TypeError, match="my layer: no such type") as e:
        _lib.check(_ffi.NDM_ERR_DTYPE)
    assert type(e.value).__name__ == "DtypeError"
    assert _lib.lib.ndm_set_last_error(0, None) == _ffi.NDM_ERR_INVALID_ARG
    assert "0 is not an NDM_ERR_* status" in _lib.last_error()


def test_every_status_code_has_its_exception_class():
    # The status numbers come from the generated _ffi (the header); each maps to one class.
    codes = {name: value for name, value in vars(_ffi).items() if name.startswith("NDM_ERR_")}
    assert len(codes) == 19
    assert set(_lib._BY_STATUS) == set(codes.values())
    for name, value in codes.items():
        assert _lib._BY_STATUS[value].status == value


def test_status_checks_come_with_the_declarations():
    # Every C function that reports its outcome as a status raises on failure by itself
    # (ctypes errcheck set by the generated _ffi.declare): no call site can forget it.
    out = ctypes.c_void_p()
    with pytest.raises(ValueError, match="'a'") as e:
        _lib.lib.ndm_copy(None, _ffi.NDM_ORDER_C, ctypes.byref(out))
    assert e.value.status == _ffi.NDM_ERR_NULL_ARG and out.value is None
    assert "ndm_last_status" not in _ffi.CHECKED and "ndm_copy" in _ffi.CHECKED
    assert "ndm_ndim" not in _ffi.CHECKED  # an int32 result that is not a status


def test_a_library_of_another_version_is_refused():
    def ndm_version():
        return b"9.9.9"

    with pytest.raises(ImportError, match=r"version 9\.9\.9, but these bindings were generated "
                       r"for " + re.escape(_ffi.NDM_VERSION_STRING)):
        _lib.check_version(ndm_version, "/elsewhere/libndmem.so")
    assert ndmem.__version__ == _ffi.NDM_VERSION_STRING


def test_python_m_ndmem_prints_what_a_c_build_needs(tmp_path):
    """`python -m ndmem --cflags --libs` (a source checkout here; the installed package is
    checked by make install-test): a C program builds with exactly those flags and runs."""
    import subprocess
    import sys
    from pathlib import Path

    run = lambda *args: subprocess.run([sys.executable, "-m", "ndmem", *args], capture_output=True,
                                       text=True)
    flags = run("--cflags", "--libs")
    assert flags.returncode == 0, flags.stderr
    include = Path(run("--includedir").stdout.strip())
    assert (include / "ndmem.h").exists()
    assert run("--version").stdout.strip() == ndmem.lib.ndm_version().decode()
    assert "needs an installed package" in run("--cmakedir").stderr
    assert "unknown option" in run("--bogus").stderr
    src = tmp_path / "v.c"
    src.write_text('#include <stdio.h>\n#include "ndmem.h"\n'
                   'int main(void) { puts(ndm_version()); return 0; }\n')
    exe = tmp_path / "v"
    subprocess.run(["cc", str(src), *flags.stdout.split(), "-o", str(exe)], check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, env={}).stdout
    assert out.strip() == ndmem.lib.ndm_version().decode()
