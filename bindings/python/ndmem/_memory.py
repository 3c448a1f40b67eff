"""Where did my memory go: ndmem's memory counters, scopes (`track`), the copy policy
(`copy_policy`, `CopyWarning`), tags, the retention report (`memory_report`, `explain`) and
tracemalloc visibility of ndmem's own allocations."""
import atexit
import contextlib
import ctypes
import sys
import threading
import tracemalloc
from dataclasses import dataclass, field

from . import _ffi
from ._base import ArrayBase
from ._lib import CopyWarning, address, defer_warning, lib

ORIGINS = {_ffi.NDM_ORIGIN_HEAP: "heap", _ffi.NDM_ORIGIN_HUGE_PAGE: "huge-page",
           _ffi.NDM_ORIGIN_FOREIGN: "foreign", _ffi.NDM_ORIGIN_MAPPED: "mapped"}
# The reason codes and names as the library states them (codes past the last are "unknown").
REASONS = {code: name for code in range(_ffi.NDM_COPY_REASON_SLOTS)
           if (name := lib.ndm_copy_reason_name(code).decode()) != "unknown reason"}
POLICIES = {"allow": _ffi.NDM_COPY_POLICY_ALLOW, "warn": _ffi.NDM_COPY_POLICY_WARN,
            "forbid": _ffi.NDM_COPY_POLICY_FORBID}


@dataclass
class MemoryStats:
    """ndmem's memory counters (`ndm_mem_counts`): for the process (`memory_stats()`) or for
    one `with ndmem.track()` block. Byte counts are in bytes."""

    live_buffers: int = 0
    live_bytes: int = 0
    live_by_origin: dict = field(default_factory=dict)  # origin -> (buffers, bytes)
    owned_bytes: int = 0  # ndmem's own memory live now (process) or added (block)
    peak: int = 0  # the highest owned_bytes reached
    allocations: int = 0
    bytes_allocated: int = 0
    explicit_copies: int = 0
    explicit_bytes: int = 0
    implicit_copies: int = 0
    implicit_bytes: int = 0
    implicit_by_reason: dict = field(default_factory=dict)  # reason -> (copies, bytes)
    block_buffers: int = 0
    block_bytes: int = 0
    live_arrays: int = 0
    live_dtypes: int = 0
    live_record_builders: int = 0

    @property
    def copies(self):
        """Copies of both kinds."""
        return self.explicit_copies + self.implicit_copies

    @property
    def bytes_copied(self):
        """Bytes of copies of both kinds."""
        return self.explicit_bytes + self.implicit_bytes

    @classmethod
    def _from(cls, c):
        return cls(
            live_buffers=c.live_buffers, live_bytes=c.live_bytes,
            live_by_origin={name: (c.live_buffers_by_origin[code], c.live_bytes_by_origin[code])
                            for code, name in ORIGINS.items()},
            owned_bytes=c.owned_bytes, peak=c.peak_bytes, allocations=c.allocations,
            bytes_allocated=c.bytes_allocated, explicit_copies=c.explicit_copies,
            explicit_bytes=c.explicit_bytes, implicit_copies=c.implicit_copies,
            implicit_bytes=c.implicit_bytes,
            implicit_by_reason={name: (c.implicit_copies_by_reason[code],
                                       c.implicit_bytes_by_reason[code])
                                for code, name in REASONS.items()},
            block_buffers=c.block_buffers, block_bytes=c.block_bytes, live_arrays=c.live_arrays,
            live_dtypes=c.live_dtypes, live_record_builders=c.live_record_builders)


def _counts():
    c = _ffi.ndm_mem_counts()
    c.size = ctypes.sizeof(c)
    return c


def memory_stats():
    """The process's counters now: live buffers by origin, ndmem's own live bytes and their
    peak, allocations, explicit and implicit copies (by reason), block buffers, live handles."""
    c = _counts()
    lib.ndm_mem_stats(ctypes.byref(c))
    return MemoryStats._from(c)


def reset_peak():
    """Lowers the process's peak to ndmem's own live bytes now."""
    lib.ndm_mem_reset_peak()


@contextlib.contextmanager
def track():
    """`with ndmem.track() as t:` counts what the block does on this thread (and on ndmem's
    worker threads for it); afterwards `t` is a `MemoryStats` of the block (`t.copies`,
    `t.bytes_copied`, `t.peak`, `t.allocations`, ...). Blocks nest."""
    t = MemoryStats()
    lib.ndm_mem_scope_begin()
    try:
        yield t
    finally:
        c = _counts()
        lib.ndm_mem_scope_end(ctypes.byref(c))
        vars(t).update(vars(MemoryStats._from(c)))


def _policy_code(policy):
    try:
        return POLICIES[str(policy).lower()]
    except KeyError:
        raise ValueError(f"copy policy must be 'allow', 'warn' or 'forbid', not {policy!r}") from None


@ctypes.CFUNCTYPE(None, ctypes.c_int32, ctypes.c_uint64, ctypes.c_char_p, ctypes.c_void_p)
def _on_copy(reason, nbytes, op, userdata):
    # Deferred: raised as a warning when the ndmem call returns, so that a warnings filter
    # of "error" makes the call raise.
    name = REASONS.get(reason, "unknown reason")
    defer_warning(CopyWarning(f"{op.decode()}: an implicit copy of {nbytes} bytes ({name})"))


_callback_lock = threading.Lock()
_callback_set = False


def _install_callback():
    global _callback_set
    with _callback_lock:
        if not _callback_set:
            lib.ndm_set_copy_callback(_on_copy, None)
            # Removed at interpreter exit, before the thunk goes away.
            atexit.register(lib.ndm_set_copy_callback, _ffi.ndm_copy_callback(), None)
            _callback_set = True


def set_copy_policy(policy):
    """Sets the process-wide copy policy: 'allow' (implicit copies are made and counted),
    'warn' (also a `CopyWarning` each) or 'forbid' (an implicit copy whose size grows with the
    data raises `CopyRequiredError` before anything is written; explicit copies never do)."""
    code = _policy_code(policy)
    if code == _ffi.NDM_COPY_POLICY_WARN:
        _install_callback()
    lib.ndm_set_copy_policy(code)


def get_copy_policy():
    """The copy policy in force on this thread: 'allow', 'warn' or 'forbid'."""
    code = lib.ndm_get_copy_policy()
    return next(name for name, c in POLICIES.items() if c == code)


@contextlib.contextmanager
def copy_policy(policy):
    """`with ndmem.copy_policy("forbid"):` sets this thread's copy policy for the block (see
    `set_copy_policy`) and restores the thread's previous setting afterwards."""
    code = _policy_code(policy)
    if code == _ffi.NDM_COPY_POLICY_WARN:
        _install_callback()
    previous = lib.ndm_get_thread_copy_policy()
    lib.ndm_set_thread_copy_policy(code)
    try:
        yield
    finally:
        lib.ndm_set_thread_copy_policy(previous)


def set_tag(a, tag):
    """Names the buffer behind `a` in the reports (every view of it shows the name); None
    removes the name."""
    if not isinstance(a, ArrayBase):
        raise TypeError(f"set_tag() argument 1 must be ndmem.Array, not {type(a).__name__}")
    lib.ndm_set_tag(a._h, None if tag is None else str(tag).encode())


def set_tracking(on):
    """Records where each buffer created from now on was allocated (shown by the reports); also
    switched on by NDMEM_TRACK=1."""
    lib.ndm_mem_set_tracking(bool(on))


@dataclass
class BufferRecord:
    """One live buffer of the retention report."""

    start: int
    bytes: int
    origin: str
    handles: int  # live array handles viewing it
    reachable_bytes: int  # bytes inside at least one of their extents
    tag: object  # str or None
    site: object  # str or None (tracking on)
    summary: str

    @property
    def unreachable_bytes(self):
        return self.bytes - self.reachable_bytes


class MemoryReport(list):
    """The retention report: a list of `BufferRecord`s, largest buffer first; `str()` is a
    readable table."""

    def __str__(self):
        if not self:
            return "ndmem: no live buffers viewed by arrays"
        lines = [f"{'bytes':>14} {'origin':<10} {'views':>5} {'reachable':>14}  tag / summary"]
        for r in self:
            lines.append(f"{r.bytes:>14} {r.origin:<10} {r.handles:>5} {r.reachable_bytes:>14}  "
                         f"{r.tag or ''}{' / ' if r.tag else ''}{r.summary}")
            if r.site:
                lines += [f"{'':>16}at {s}" for s in r.site.splitlines()]
        return "\n".join(lines)


def _text(p):
    return None if not p else p.decode("utf-8", "replace")


def memory_report():
    """Every buffer viewed by a live ndmem array, with its size, origin, the number of arrays
    viewing it, the bytes they can reach, its tag and (tracking on) allocation site."""
    records = MemoryReport()

    def collect(info, userdata):
        i = info.contents
        records.append(BufferRecord(i.start or 0, i.bytes, ORIGINS.get(i.origin, "?"), i.handles,
                                    i.reachable_bytes, _text(i.tag), _text(i.site),
                                    _text(i.summary)))
        return 0

    callback = _ffi.ndm_report_callback(collect)
    lib.ndm_mem_report(callback, None)
    return records


def explain(x):
    """Who owns `x`'s memory, how big it is, what else keeps it alive and how much of it no
    view can reach, in plain words."""
    if not isinstance(x, ArrayBase):
        raise TypeError(f"explain() argument must be ndmem.Array, not {type(x).__name__}")
    start = ctypes.c_void_p()
    length = ctypes.c_size_t()
    lib.ndm_buffer_range(x._h, ctypes.byref(start), ctypes.byref(length))
    mine = next((r for r in memory_report() if r.start == (start.value or 0)), None)
    if mine is None:  # a buffer only this array's handle sees cannot be missing; be safe
        return f"ndmem array over {length.value} bytes"
    others = mine.handles - 1
    owner = {"heap": "ndmem (heap)", "huge-page": "ndmem (huge-page heap)",
             "foreign": "another owner (wrapped without a copy)",
             "mapped": "a memory-mapped file"}[mine.origin]
    lines = [mine.summary,
             f"This array sees {x.nbytes} bytes of a buffer owned by {owner}.",
             f"{others} other ndmem array(s) keep the same buffer alive." if others else
             "No other ndmem array keeps it alive."]
    if mine.unreachable_bytes:
        lines.append(f"{mine.unreachable_bytes} bytes of it are unreachable from any view: "
                     "copy what you need (x.copy()) and drop the views to free them.")
    return "\n".join(lines)


# --- tracemalloc: ndmem's own allocations under NDM_TRACEMALLOC_DOMAIN ----------------------
TRACEMALLOC_DOMAIN = _ffi.NDM_TRACEMALLOC_DOMAIN


def _install_tracemalloc_hook():
    """Points ndmem's allocation hook at CPython's tracemalloc. Up to CPython 3.12 these
    functions return at once when tracemalloc is not tracing; later versions may take the GIL
    first, so there the hook is installed only when tracemalloc traces at import."""
    api = ctypes.pythonapi
    if not hasattr(api, "PyTraceMalloc_Track"):  # not CPython
        return
    if sys.version_info >= (3, 13) and not tracemalloc.is_tracing():
        return
    track = address(api.PyTraceMalloc_Track)
    untrack = address(api.PyTraceMalloc_Untrack)
    lib.ndm_set_alloc_hook(_ffi.ndm_track_fn(track), _ffi.ndm_untrack_fn(untrack), TRACEMALLOC_DOMAIN)
    # Removed at interpreter exit: ndmem never calls into a finalised interpreter.
    atexit.register(lib.ndm_set_alloc_hook, _ffi.ndm_track_fn(), _ffi.ndm_untrack_fn(), 0)


_install_tracemalloc_hook()
