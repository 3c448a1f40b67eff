"""Views against NumPy: shape, strides, data-pointer offset, flags, view-or-copy, values, errors."""
import math

import numpy as np
import pytest
from conftest import same_error, flags_of, ptr, strided_views
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ndmem


def assert_view_like(ours, theirs, source):
    """`ours` (ndmem) matches NumPy's `theirs`, both derived from the NumPy array `source`."""
    got = np.asarray(ours)
    assert ours.shape == theirs.shape
    assert ours.strides == theirs.strides
    assert ours.dtype.str == theirs.dtype.str
    assert ours.data_ptr == ptr(theirs) or theirs.size == 0 and not source.size
    assert (ours.flags.c_contiguous, ours.flags.f_contiguous, ours.flags.aligned,
            ours.flags.writeable) == flags_of(theirs)
    assert got.tobytes() == theirs.tobytes()




def views_share(ours, source):
    return source.size > 0 and ours.size > 0 and np.shares_memory(np.asarray(ours), source)


@st.composite
def indexed(draw):
    v = draw(strided_views())
    idx = draw(hnp.basic_indices(v.shape, allow_newaxis=True, allow_ellipsis=True))
    return v, idx


@given(case=indexed())
def test_basic_indexing_like_numpy(case):
    v, idx = case
    x = ndmem.asarray(v)
    expected = v[idx]
    got = x[idx]
    if isinstance(expected, np.generic):
        assert got == expected.item()
        return
    assert_view_like(got, expected, v)
    assert got.base is not None and not got.flags.owndata


@given(v=strided_views(), data=st.data())
def test_bad_indices_like_numpy(v, data):
    x = ndmem.asarray(v)
    assume(v.ndim > 0)
    axis = data.draw(st.integers(0, v.ndim - 1))
    bad = data.draw(st.sampled_from([v.shape[axis], -v.shape[axis] - 1, v.shape[axis] + 5]))
    key = (slice(None),) * axis + (bad,)
    same_error(lambda: x[key], lambda: v[key])
    same_error(lambda: x[(0,) * (v.ndim + 1)], lambda: v[(0,) * (v.ndim + 1)])
    same_error(lambda: x[::0], lambda: v[::0])
    same_error(lambda: x[..., ...], lambda: v[..., ...])
    deep = (None,) * (65 - v.ndim)
    same_error(lambda: x[deep], lambda: v[deep])


@given(v=strided_views(), data=st.data())
def test_transpose_swap_move_like_numpy(v, data):
    x = ndmem.asarray(v)
    assert_view_like(x.T, v.T, v)
    perm = data.draw(st.permutations(range(v.ndim)))
    assert_view_like(x.transpose(perm), v.transpose(perm), v)
    if v.ndim:
        a1, a2 = data.draw(st.integers(-v.ndim - 1, v.ndim)), data.draw(st.integers(-v.ndim, v.ndim - 1))
        try:
            expected = np.swapaxes(v, a1, a2)
        except np.exceptions.AxisError:
            same_error(lambda: ndmem.swapaxes(x, a1, a2), lambda: np.swapaxes(v, a1, a2))
        else:
            assert_view_like(ndmem.swapaxes(x, a1, a2), expected, v)
        src = data.draw(st.lists(st.integers(-v.ndim, v.ndim - 1), max_size=v.ndim))
        dst = data.draw(st.lists(st.integers(-v.ndim, v.ndim - 1), min_size=len(src), max_size=len(src)))
        try:
            expected = np.moveaxis(v, src, dst)
        except (ValueError, np.exceptions.AxisError):
            same_error(lambda: ndmem.moveaxis(x, src, dst), lambda: np.moveaxis(v, src, dst))
        else:
            assert_view_like(ndmem.moveaxis(x, src, dst), expected, v)
    same_error(lambda: x.transpose(*([0] * (v.ndim + 1))), lambda: v.transpose(*([0] * (v.ndim + 1))))


@given(v=strided_views(), data=st.data())
def test_squeeze_expand_diagonal_like_numpy(v, data):
    assert_view_like(ndmem.asarray(v).squeeze(()), v.squeeze(()), v)  # no axis, not all
    x = ndmem.asarray(v)
    assert_view_like(x.squeeze(), v.squeeze(), v)
    if v.ndim:
        ax = data.draw(st.integers(-v.ndim, v.ndim - 1))
        try:
            expected = v.squeeze(ax)
        except ValueError:
            same_error(lambda: x.squeeze(ax), lambda: v.squeeze(ax))
        else:
            assert_view_like(x.squeeze(ax), expected, v)
    axes = tuple(data.draw(st.lists(st.integers(-v.ndim - 2, v.ndim + 1), max_size=3)))
    try:
        expected = np.expand_dims(v, axes)
    except (ValueError, np.exceptions.AxisError):
        same_error(lambda: ndmem.expand_dims(x, axes), lambda: np.expand_dims(v, axes))
    else:
        assert_view_like(ndmem.expand_dims(x, axes), expected, v)
    if v.ndim >= 2:
        off = data.draw(st.integers(-6, 6))
        a1, a2 = data.draw(st.integers(0, v.ndim - 1)), data.draw(st.integers(-v.ndim, v.ndim - 1))
        try:
            expected = v.diagonal(off, a1, a2)
        except ValueError:
            same_error(lambda: x.diagonal(off, a1, a2), lambda: v.diagonal(off, a1, a2))
        else:
            assert_view_like(x.diagonal(off, a1, a2), expected, v)


@st.composite
def reshape_targets(draw, size):
    """A shape with `size` elements (and sometimes one -1), or a wrong one."""
    factors = []
    n = max(size, 1)
    for p in (2, 3, 5, 7, 11, 13):
        while n % p == 0:
            factors.append(p)
            n //= p
    if n > 1:
        factors.append(n)
    ndim = draw(st.integers(0 if size == 1 else 1, 4))
    dims = [1] * max(ndim, 1)
    for f in factors:
        dims[draw(st.integers(0, len(dims) - 1))] *= f
    if size == 0:
        dims = [draw(st.integers(0, 3)) for _ in dims]
        dims[draw(st.integers(0, len(dims) - 1))] = 0
    if ndim == 0:
        dims = []
    if dims and draw(st.booleans()):
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    if draw(st.integers(0, 9)) == 0:
        dims.append(draw(st.integers(2, 3)))
    return tuple(dims)


@given(v=strided_views(), data=st.data())
def test_reshape_like_numpy(v, data):
    x = ndmem.asarray(v)
    shape = data.draw(reshape_targets(v.size))
    order = data.draw(st.sampled_from("CFA"))
    copy = data.draw(st.sampled_from([None, False, True]))
    try:
        expected = v.reshape(shape, order=order, copy=copy)
    except ValueError:
        same_error(lambda: x.reshape(shape, order=order, copy=copy),
                   lambda: v.reshape(shape, order=order, copy=copy))
        return
    got = x.reshape(shape, order=order, copy=copy)
    assert got.shape == expected.shape and got.strides == expected.strides
    assert views_share(got, v) == (v.size > 0 and expected.size > 0 and np.shares_memory(expected, v))
    assert np.asarray(got).tobytes() == expected.tobytes()
    assert got.flags.c_contiguous == expected.flags.c_contiguous
    assert got.flags.f_contiguous == expected.flags.f_contiguous


def test_reshape_k_is_refused():
    same_error(lambda: ndmem.arange(6).reshape(6, order="K"), lambda: np.arange(6).reshape(6, order="K"))


@given(v=strided_views(), order=st.sampled_from("CFAK"))
def test_ravel_flatten_like_numpy(v, order):
    x = ndmem.asarray(v)
    r, expected = x.ravel(order), v.ravel(order)
    assert r.shape == expected.shape and r.strides == expected.strides
    is_view = v.size > 0 and np.shares_memory(expected, v)
    assert views_share(r, v) == is_view
    if is_view:
        assert r.data_ptr == ptr(expected)
    assert np.asarray(r).tobytes() == expected.tobytes()
    f, fe = x.flatten(order), v.flatten(order)
    assert f.flags.owndata and not views_share(f, v)
    assert f.strides == fe.strides and np.asarray(f).tobytes() == fe.tobytes()


@given(v=strided_views())
def test_contiguous_conversions_like_numpy(v):
    x = ndmem.asarray(v)
    for ours, theirs in ((ndmem.ascontiguousarray, np.ascontiguousarray),
                         (ndmem.asfortranarray, np.asfortranarray)):
        got, expected = ours(x), theirs(v)
        assert got.shape == expected.shape and got.strides == expected.strides
        assert views_share(got, v) == (v.size > 0 and np.shares_memory(expected, v))
        assert np.asarray(got).tobytes() == expected.tobytes()


@given(v=strided_views(max_dims=3), data=st.data())
def test_broadcast_to_like_numpy(v, data):
    x = ndmem.asarray(v)
    lead = data.draw(st.lists(st.integers(0, 3), max_size=2))
    tail = [data.draw(st.integers(0, 3)) if n == 1 else n for n in v.shape]
    if data.draw(st.booleans()) and tail:
        tail[0] = data.draw(st.integers(0, 4))  # maybe incompatible
    shape = tuple(lead + tail)
    try:
        expected = np.broadcast_to(v, shape)
    except ValueError:
        same_error(lambda: ndmem.broadcast_to(x, shape), lambda: np.broadcast_to(v, shape))
        return
    got = ndmem.broadcast_to(x, shape)
    assert got.shape == expected.shape and got.strides == expected.strides
    assert not got.flags.writeable
    assert got.data_ptr == ptr(expected)
    assert np.asarray(got).tobytes() == expected.tobytes()


@given(shapes=st.lists(st.lists(st.integers(0, 3), max_size=3).map(tuple), max_size=4))
def test_broadcast_shapes_like_numpy(shapes):
    try:
        expected = np.broadcast_shapes(*shapes)
    except ValueError:
        same_error(lambda: ndmem.broadcast_shapes(*shapes), lambda: np.broadcast_shapes(*shapes))
        return
    assert ndmem.broadcast_shapes(*shapes) == expected


def test_broadcast_to_errors_like_numpy():
    a = np.arange(3)
    for shape in [(), (-1, 3), (4,), (3, 2)]:
        same_error(lambda: ndmem.broadcast_to(a, shape), lambda: np.broadcast_to(a, shape))


@given(v=strided_views(max_dims=3), data=st.data())
def test_sliding_window_view_like_numpy(v, data):
    x = ndmem.asarray(v)
    swv = np.lib.stride_tricks.sliding_window_view
    use_axis = data.draw(st.booleans()) and v.ndim > 0
    if use_axis:
        axis = tuple(data.draw(st.lists(st.integers(-v.ndim, v.ndim - 1), min_size=1, max_size=3)))
        window = tuple(data.draw(st.integers(0, 4)) for _ in axis)
    else:
        axis = None
        window = tuple(data.draw(st.integers(0, 4)) for _ in range(v.ndim))
    writeable = data.draw(st.booleans())
    try:
        expected = swv(v, window, axis, writeable=writeable)
    except ValueError:
        same_error(lambda: ndmem.sliding_window_view(x, window, axis, writeable=writeable),
                   lambda: swv(v, window, axis, writeable=writeable))
        return
    got = ndmem.sliding_window_view(x, window, axis)
    assert got.shape == expected.shape and got.strides == expected.strides
    assert not got.flags.writeable
    assert got.data_ptr == ptr(expected)
    assert np.asarray(got).tobytes() == expected.tobytes()
    if writeable and expected.flags.writeable:
        # NumPy hands out writeable overlapping windows; ndmem refuses them as as_strided does.
        if ndmem.is_self_overlapping(got):
            with pytest.raises(ValueError, match="overlap"):
                ndmem.sliding_window_view(x, window, axis, writeable=True)
        else:
            assert ndmem.sliding_window_view(x, window, axis, writeable=True).flags.writeable


def element_bytes(shape, strides, itemsize, offset):
    if 0 in shape:
        return []
    out = []
    for flat in range(math.prod(shape)):
        idx = [int(i) for i in np.unravel_index(flat, shape)] if shape else []
        base = offset + sum(i * s for i, s in zip(idx, strides))
        out.append(range(base, base + itemsize))
    return out


@given(data=st.data())
def test_as_strided_is_bounds_checked(data):
    n = data.draw(st.integers(1, 12))
    base = np.arange(n, dtype="i4")
    start = data.draw(st.integers(0, n - 1))
    v = base[start:]
    ndim = data.draw(st.integers(0, 3))
    shape = tuple(data.draw(st.integers(0, 4)) for _ in range(ndim))
    strides = tuple(data.draw(st.sampled_from([-8, -4, -2, 0, 1, 4, 8, 12, 2**62])) for _ in range(ndim))
    elements = element_bytes(shape, strides, 4, start * 4)
    inside = all(0 <= e.start and e.stop <= 4 * n for e in elements)
    x = ndmem.asarray(base)[start:]
    if not inside:
        with pytest.raises(ValueError, match="outside its buffer"):
            ndmem.as_strided(x, shape, strides, writeable=False)
        return
    got = ndmem.as_strided(x, shape, strides, writeable=False)
    expected = np.lib.stride_tricks.as_strided(v, shape, strides, writeable=False)
    assert got.shape == expected.shape and got.strides == expected.strides
    assert got.data_ptr == ptr(expected)
    assert np.asarray(got).tobytes() == expected.tobytes()
    overlapping = len({b for e in elements for b in e}) < sum(len(e) for e in elements)
    if overlapping:
        with pytest.raises(ValueError, match="overlap"):
            ndmem.as_strided(x, shape, strides, writeable=True)
        # Without `writeable`, NumPy's call works and gives a read-only view.
        assert not ndmem.as_strided(x, shape, strides).flags.writeable
    else:
        w = ndmem.as_strided(x, shape, strides)
        assert w.flags.writeable


def test_as_strided_cannot_reach_outside_memory():
    buf = np.arange(10, dtype="u1")
    x = ndmem.asarray(buf[8:])  # a foreign wrap of 2 bytes: only they are reachable
    with pytest.raises(ValueError, match="outside its buffer"):
        ndmem.as_strided(x, (5,), (4,))
    y = ndmem.arange(10, dtype="u1")[8:]  # a view of ndmem memory: its whole buffer is reachable
    assert ndmem.as_strided(y, (2,), (-8,), writeable=False).tolist() == [8, 0]
    with pytest.raises(ValueError, match="outside"):
        ndmem.as_strided(y, (3,), (-8,))
    with pytest.raises(ValueError, match="outside"):
        ndmem.as_strided(y, (2,), (2**62,))


@given(v=strided_views(), data=st.data())
def test_setitem_like_numpy(v, data):
    assume(v.flags.writeable)
    idx = data.draw(hnp.basic_indices(v.shape, allow_newaxis=True, allow_ellipsis=True))
    target_shape = v[idx].shape if isinstance(v[idx], np.ndarray) else ()
    value = data.draw(st.one_of(
        st.integers(0, 100),
        st.floats(0, 100),
        hnp.arrays(np.int16, hnp.broadcastable_shapes(target_shape, max_dims=len(target_shape), min_side=0),
                   elements=st.integers(0, 100))))
    expected = v.copy()
    x = ndmem.asarray(v)
    try:
        expected[idx] = value
    except ValueError:
        same_error(lambda: x.__setitem__(idx, value), lambda: v.copy().__setitem__(idx, value))
        return
    x[idx] = value
    assert v.tobytes() == expected.tobytes()


def test_setitem_overlap_and_errors_like_numpy():
    a = np.arange(10)
    x = ndmem.asarray(a)
    x[1:] = x[:-1]
    assert a.tolist() == [0, 0, 1, 2, 3, 4, 5, 6, 7, 8]
    small = ndmem.zeros(3, "i1")
    with pytest.raises(OverflowError):
        small[0] = 300
    ro = ndmem.broadcast_to(ndmem.arange(3), (2, 3))
    with pytest.raises(ValueError, match="read-only"):
        ro[0] = 1


@given(v=strided_views(max_dims=3), data=st.data())
def test_take_compress_like_numpy(v, data):
    x = ndmem.asarray(v)
    axis = data.draw(st.one_of(st.none(), st.integers(-v.ndim - 1, v.ndim))) if v.ndim else None
    n = v.size if axis is None else (v.shape[axis] if -v.ndim <= axis < v.ndim else 3)
    idx = np.array(data.draw(st.lists(st.integers(-n - 2, n + 1), max_size=5)), dtype=np.int64)
    if data.draw(st.booleans()) and idx.size >= 4:
        idx = idx[:4].reshape(2, 2)
    try:
        expected = np.take(v, idx, axis=axis)
    except (IndexError, ValueError, np.exceptions.AxisError):
        same_error(lambda: ndmem.take(x, idx, axis=axis), lambda: np.take(v, idx, axis=axis))
    else:
        got = ndmem.take(x, idx, axis=axis)
        assert got.shape == expected.shape and got.strides == expected.strides
        assert np.asarray(got).tobytes() == expected.tobytes() and got.flags.owndata
    cond = data.draw(st.lists(st.booleans(), max_size=n + 2))
    try:
        expected = np.compress(cond, v, axis=axis)
    except (IndexError, ValueError, np.exceptions.AxisError):
        same_error(lambda: ndmem.compress(cond, x, axis=axis), lambda: np.compress(cond, v, axis=axis))
    else:
        got = ndmem.compress(cond, x, axis=axis)
        assert got.shape == expected.shape and got.strides == expected.strides
        assert np.asarray(got).tobytes() == expected.tobytes()


@given(v=strided_views(max_dims=3), data=st.data())
def test_advanced_getitem_like_numpy(v, data):
    x = ndmem.asarray(v)
    mask = data.draw(hnp.arrays(bool, v.shape))
    got, expected = x[mask], v[mask]
    assert got.shape == expected.shape and np.asarray(got).tobytes() == expected.tobytes()
    if v.ndim:
        idx = data.draw(st.lists(st.integers(-v.shape[0], v.shape[0] - 1), max_size=4)) if v.shape[0] else []
        got, expected = x[idx], v[np.array(idx, dtype=np.intp)]
        assert got.shape == expected.shape and np.asarray(got).tobytes() == expected.tobytes()


@st.composite
def concat_cases(draw):
    ndim = draw(st.integers(1, 3))
    axis = draw(st.one_of(st.none(), st.integers(-ndim - 1, ndim)))
    shape = [draw(st.integers(0, 3)) for _ in range(ndim)]
    arrays = []
    for _ in range(draw(st.integers(1, 3))):
        s = list(shape)
        if axis is not None and -ndim <= axis < ndim:
            s[axis] = draw(st.integers(0, 3))
        if draw(st.integers(0, 9)) == 0:
            s = s[1:]  # a wrong ndim, now and then
        dt = draw(st.sampled_from(["i1", "u1", "i4", "f4", "f8", ">f8", "c8", "?"]))
        a = (np.arange(math.prod(s)) % 7).astype(dt).reshape(s)
        order = draw(st.sampled_from(["C", "F"]))
        a = np.asfortranarray(a) if order == "F" else a
        if draw(st.booleans()) and a.ndim:
            a = a[..., ::-1]
        arrays.append(a)
    return arrays, axis


@given(case=concat_cases())
def test_concatenate_like_numpy(case):
    arrays, axis = case
    try:
        expected = np.concatenate(arrays, axis=axis)
    except (ValueError, np.exceptions.AxisError):
        same_error(lambda: ndmem.concatenate(arrays, axis=axis),
                   lambda: np.concatenate(arrays, axis=axis))
        return
    got = ndmem.concatenate(arrays, axis=axis)
    assert got.shape == expected.shape and got.strides == expected.strides
    assert got.dtype.str == expected.dtype.str
    assert np.asarray(got).tobytes() == expected.tobytes()


def test_concatenate_errors_like_numpy():
    same_error(lambda: ndmem.concatenate([]), lambda: np.concatenate([]))
    z = np.zeros(())
    same_error(lambda: ndmem.concatenate([z, z]), lambda: np.concatenate([z, z]))
