//! Memory accounting from C: counters, scopes, the copy policy and its callback, tags, the
//! retention report, the leak report at exit, and the allocation hook (tracemalloc).

use super::args;
use super::handle::ndm_array;
use super::pools::{leak_report, snapshot};
use super::status::{ndm_status, run, same_code};
use crate::accounting::{self, scope, CopyPolicy, Counts, Origin, Reason, ORIGINS, REASONS};
use crate::bail;
use crate::error::Result;
use std::ffi::{c_char, c_void, CString};
use std::sync::atomic::{AtomicPtr, Ordering::*};
use std::sync::Arc;

/// Origin code (`ndm_mem_counts.live_*_by_origin` index, `ndm_buffer_info.origin`): heap memory
/// ndmem allocated.
pub const NDM_ORIGIN_HEAP: i32 = 0;
/// Origin code: heap memory ndmem allocated with transparent huge pages advised (4 MiB and up).
pub const NDM_ORIGIN_HUGE_PAGE: i32 = 1;
/// Origin code: a caller's memory (`ndm_from_ptr`: C, Fortran, NumPy buffers).
pub const NDM_ORIGIN_FOREIGN: i32 = 2;
/// Origin code: a memory map of a file.
pub const NDM_ORIGIN_MAPPED: i32 = 3;
/// Entries of the by-origin arrays of `ndm_mem_counts` (room for origins added later).
pub const NDM_ORIGIN_SLOTS: usize = 8;

/// Implicit-copy reason (`ndm_mem_counts.implicit_*_by_reason` index, copy callback): `reshape`
/// with copy-if-needed found no view of the new shape.
pub const NDM_COPY_REASON_RESHAPE: i32 = 0;
/// Reason: `ravel` (also inside `take`/`compress`/`concatenate` with no axis) of an array that
/// is not contiguous.
pub const NDM_COPY_REASON_RAVEL: i32 = 1;
/// Reason: a ufunc's `out` overlaps an input (or the `where` mask) so that no visiting order is
/// safe: that operand is copied first.
pub const NDM_COPY_REASON_UFUNC_OVERLAP: i32 = 2;
/// Reason: `ndm_copyto` (or assignment) whose source overlaps the destination.
pub const NDM_COPY_REASON_COPYTO_OVERLAP: i32 = 3;
/// Reason: an operand converted whole first (index arrays that are not native int64 in C
/// order, a condition that is not bool).
pub const NDM_COPY_REASON_OPERAND_CONVERSION: i32 = 4;
/// Reason: a reduction accumulates in a temporary of the result's size (an `out` of another
/// dtype or overlapping the input, a mean into `out`, a float16 mean, a mean's `where` counts).
pub const NDM_COPY_REASON_REDUCTION_RESULT: i32 = 5;
/// Reason: a growable array outgrew its capacity while views kept its buffer, so its rows
/// moved to a new buffer (`ndm_append`; without views the buffer is resized by `realloc` and
/// nothing is counted).
pub const NDM_COPY_REASON_GROWTH: i32 = 6;
/// Entries of the by-reason arrays of `ndm_mem_counts` (room for reasons added later).
pub const NDM_COPY_REASON_SLOTS: usize = 16;

/// Copy policy: implicit copies are made and counted.
pub const NDM_COPY_POLICY_ALLOW: i32 = 0;
/// Copy policy: implicit copies are made, counted and reported to the copy callback (stderr
/// when none is set).
pub const NDM_COPY_POLICY_WARN: i32 = 1;
/// Copy policy: an implicit copy whose size grows with the data fails with
/// `NDM_ERR_COPY_REQUIRED` before anything is written; explicit copies and fixed-size block
/// buffers are never refused.
pub const NDM_COPY_POLICY_FORBID: i32 = 2;
/// For `ndm_set_thread_copy_policy`: follow the process-wide policy.
pub const NDM_COPY_POLICY_PROCESS: i32 = -1;

/// The tracemalloc domain the Python binding reports ndmem's allocations under
/// (`tracemalloc.DomainFilter(True, NDM_TRACEMALLOC_DOMAIN)`).
pub const NDM_TRACEMALLOC_DOMAIN: u32 = 0x006e_646d;

same_code!(
    NDM_ORIGIN_HEAP = Origin::Heap,
    NDM_ORIGIN_HUGE_PAGE = Origin::HugePage,
    NDM_ORIGIN_FOREIGN = Origin::Foreign,
    NDM_ORIGIN_MAPPED = Origin::Mapped,
    NDM_COPY_REASON_RESHAPE = Reason::Reshape,
    NDM_COPY_REASON_RAVEL = Reason::Ravel,
    NDM_COPY_REASON_UFUNC_OVERLAP = Reason::UfuncOverlap,
    NDM_COPY_REASON_COPYTO_OVERLAP = Reason::CopytoOverlap,
    NDM_COPY_REASON_OPERAND_CONVERSION = Reason::OperandConversion,
    NDM_COPY_REASON_REDUCTION_RESULT = Reason::ReductionResult,
    NDM_COPY_REASON_GROWTH = Reason::Growth,
    NDM_COPY_POLICY_ALLOW = CopyPolicy::Allow,
    NDM_COPY_POLICY_WARN = CopyPolicy::Warn,
    NDM_COPY_POLICY_FORBID = CopyPolicy::Forbid,
);
const _: () = assert!(ORIGINS <= NDM_ORIGIN_SLOTS && REASONS <= NDM_COPY_REASON_SLOTS);

/// Memory counters, filled by `ndm_mem_stats` (the process) and `ndm_mem_scope_end` (one
/// scope). Set `size` to `sizeof(ndm_mem_counts)` before the call: ndmem fills that many bytes
/// at most and sets `size` to the bytes it filled, so fields added at the end later never
/// break a caller compiled against this header.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct ndm_mem_counts {
    /// In: the caller's `sizeof(ndm_mem_counts)`; out: the bytes filled.
    pub size: u64,
    /// Live buffers of every origin (0 for a scope).
    pub live_buffers: u64,
    /// Their bytes (0 for a scope).
    pub live_bytes: u64,
    /// Live buffers by `NDM_ORIGIN_*`.
    pub live_buffers_by_origin: [u64; NDM_ORIGIN_SLOTS],
    /// Their bytes by `NDM_ORIGIN_*`.
    pub live_bytes_by_origin: [u64; NDM_ORIGIN_SLOTS],
    /// Bytes ndmem allocated minus bytes it freed: for the process, its own memory live now
    /// (heap and huge-page); for a scope, what the region added (negative if it freed more).
    pub owned_bytes: i64,
    /// The highest `owned_bytes` reached: since start or `ndm_mem_reset_peak` for the process,
    /// within the region for a scope.
    pub peak_bytes: i64,
    /// Buffers ndmem allocated.
    pub allocations: u64,
    /// Their bytes.
    pub bytes_allocated: u64,
    /// Copies the caller asked for (copy, astype, flatten, ascontiguousarray of a
    /// non-contiguous array, take, compress, concatenate, save, byteswap, repack).
    pub explicit_copies: u64,
    /// Their bytes.
    pub explicit_bytes: u64,
    /// Copies ndmem chose to make, every reason.
    pub implicit_copies: u64,
    /// Their bytes.
    pub implicit_bytes: u64,
    /// Implicit copies by `NDM_COPY_REASON_*`.
    pub implicit_copies_by_reason: [u64; NDM_COPY_REASON_SLOTS],
    /// Their bytes by `NDM_COPY_REASON_*`.
    pub implicit_bytes_by_reason: [u64; NDM_COPY_REASON_SLOTS],
    /// Fixed-size block buffers used (casting, alignment, scalar operands, file writes): bounded
    /// by a constant per operand, never refused.
    pub block_buffers: u64,
    /// Their bytes.
    pub block_bytes: u64,
    /// Live `ndm_array` handles (0 for a scope).
    pub live_arrays: u64,
    /// Live `ndm_dtype` handles (0 for a scope).
    pub live_dtypes: u64,
    /// Live `ndm_record_builder` handles (0 for a scope).
    pub live_record_builders: u64,
    /// Live `ndm_growable` handles (0 for a scope).
    pub live_growables: u64,
}

fn with_counts(c: &Counts) -> ndm_mem_counts {
    let mut s = ndm_mem_counts {
        owned_bytes: c.net_bytes,
        peak_bytes: c.peak_bytes,
        allocations: c.allocations,
        bytes_allocated: c.bytes_allocated,
        explicit_copies: c.explicit_copies,
        explicit_bytes: c.explicit_bytes,
        block_buffers: c.block_buffers,
        block_bytes: c.block_bytes,
        ..Default::default()
    };
    (s.implicit_copies, s.implicit_bytes) = c.implicit_total();
    s.implicit_copies_by_reason[..REASONS].copy_from_slice(&c.implicit_copies);
    s.implicit_bytes_by_reason[..REASONS].copy_from_slice(&c.implicit_bytes);
    s
}

/// Copies `stats` into the caller's struct: its first `out->size` bytes at most (rounded down
/// to whole fields), never more than this library's struct (see `ndm_mem_counts`).
fn deliver(out: *mut ndm_mem_counts, mut stats: ndm_mem_counts) -> Result<()> {
    if out.is_null() {
        bail!(NullArg, "argument 'out' is NULL");
    }
    // The caller's struct may be shorter than ours (an older header): it is only ever read and
    // written through the raw pointer, within the `size` bytes it declares.
    // SAFETY: `out` is non-NULL and points to at least its first field, `size` (u64).
    let room = unsafe { std::ptr::addr_of!((*out).size).read_unaligned() } as usize;
    let field = std::mem::size_of::<u64>();
    if room < field {
        bail!(
            InvalidArg,
            "out->size is {room}: set it to sizeof(ndm_mem_counts) before the call"
        );
    }
    let n = room.min(std::mem::size_of::<ndm_mem_counts>()) / field * field;
    stats.size = n as u64;
    // The caller promises `room` >= n writable bytes at `out` (the meaning of `size`); `stats`
    // is a local of at least n bytes, so the ranges lie inside both and are disjoint.
    // SAFETY: as just said.
    unsafe {
        std::ptr::copy_nonoverlapping(
            (&stats as *const ndm_mem_counts).cast::<u8>(),
            out.cast::<u8>(),
            n,
        )
    };
    Ok(())
}

/// Fills `out` with the process's memory counters: live buffers and bytes by origin, ndmem's
/// own live bytes and their peak, allocations, explicit and implicit copies (by reason), block
/// buffers, and live handles by type. Counting is lock-free; a snapshot taken while other
/// threads work sees each counter at a recent value. Set `out->size` first (see the struct).
#[no_mangle]
pub unsafe extern "C" fn ndm_mem_stats(out: *mut ndm_mem_counts) -> ndm_status {
    run(|| {
        let mut s = with_counts(&accounting::process());
        let (buffers, bytes) = accounting::live();
        s.live_buffers_by_origin[..ORIGINS].copy_from_slice(&buffers);
        s.live_bytes_by_origin[..ORIGINS].copy_from_slice(&bytes);
        s.live_buffers = buffers.iter().sum();
        s.live_bytes = bytes.iter().sum();
        (
            s.live_arrays,
            s.live_dtypes,
            s.live_record_builders,
            s.live_growables,
        ) = super::pools::live();
        deliver(out, s)
    })
}

/// Lowers the process's `peak_bytes` to its `owned_bytes` now, to measure the peak of what
/// follows.
#[no_mangle]
pub extern "C" fn ndm_mem_reset_peak() -> ndm_status {
    run(|| {
        accounting::reset_peak();
        Ok(())
    })
}

/// Opens a memory scope on the calling thread (inside any open one): until the matching
/// `ndm_mem_scope_end`, every allocation, free and copy the thread makes (including work ndmem
/// does for it on its worker threads) is also counted in this scope.
#[no_mangle]
pub extern "C" fn ndm_mem_scope_begin() -> ndm_status {
    run(|| {
        scope::begin();
        Ok(())
    })
}

/// Closes the innermost memory scope of the calling thread and fills `out` (NULL: discard)
/// with its counts: allocations, `owned_bytes` added, `peak_bytes` reached, copies and block
/// buffers; the live and handle fields are 0. `NDM_ERR_INVALID_ARG` when no scope is open.
#[no_mangle]
pub unsafe extern "C" fn ndm_mem_scope_end(out: *mut ndm_mem_counts) -> ndm_status {
    run(|| {
        if !out.is_null() {
            // Checked before the scope is closed: a failure leaves it open.
            // SAFETY: a non-NULL `out` points to at least its `size` field.
            let room = unsafe { std::ptr::addr_of!((*out).size).read_unaligned() };
            if room < std::mem::size_of::<u64>() as u64 {
                return deliver(out, ndm_mem_counts::default());
            }
        }
        let Some(counts) = scope::end() else {
            bail!(
                InvalidArg,
                "no memory scope is open on this thread (ndm_mem_scope_begin opens one)"
            );
        };
        if out.is_null() {
            return Ok(());
        }
        deliver(out, with_counts(&counts))
    })
}

fn policy(code: i32) -> Result<CopyPolicy> {
    match CopyPolicy::from_code(code) {
        Some(p) => Ok(p),
        None => bail!(
            InvalidArg,
            "unknown copy policy {code}: use NDM_COPY_POLICY_ALLOW, _WARN or _FORBID"
        ),
    }
}

/// Sets the process-wide copy policy (`NDM_COPY_POLICY_ALLOW`, `_WARN`, `_FORBID`), which
/// every thread follows unless it set its own.
#[no_mangle]
pub extern "C" fn ndm_set_copy_policy(policy: i32) -> ndm_status {
    run(|| {
        accounting::policy::set_process(self::policy(policy)?);
        Ok(())
    })
}

/// Sets the calling thread's own copy policy, which wins over the process-wide one on this
/// thread; `NDM_COPY_POLICY_PROCESS` makes the thread follow the process-wide policy again.
#[no_mangle]
pub extern "C" fn ndm_set_thread_copy_policy(policy: i32) -> ndm_status {
    run(|| {
        let p = if policy == NDM_COPY_POLICY_PROCESS {
            None
        } else {
            Some(self::policy(policy)?)
        };
        accounting::policy::set_thread(p);
        Ok(())
    })
}

/// The calling thread's own copy policy, or `NDM_COPY_POLICY_PROCESS` when it follows the
/// process-wide one (to restore a thread's setting after changing it).
#[no_mangle]
pub extern "C" fn ndm_get_thread_copy_policy() -> i32 {
    accounting::policy::thread().map_or(NDM_COPY_POLICY_PROCESS, |p| p as i32)
}

/// The copy policy in force on the calling thread (its own, else the process-wide one).
#[no_mangle]
pub extern "C" fn ndm_get_copy_policy() -> i32 {
    accounting::policy::current() as i32
}

/// Receives each implicit copy made under `NDM_COPY_POLICY_WARN`: the `NDM_COPY_REASON_*`
/// code, the bytes copied, the operation's name (valid during the call) and the userdata given
/// to `ndm_set_copy_callback`. Called on the thread that makes the copy, before the copy.
pub type ndm_copy_callback =
    Option<unsafe extern "C" fn(reason: i32, bytes: u64, op: *const c_char, userdata: *mut c_void)>;

/// Sets the function told about implicit copies under `NDM_COPY_POLICY_WARN` (NULL: none, the
/// copies are then reported on stderr). Process-wide; `userdata` is passed back unchanged.
#[no_mangle]
pub extern "C" fn ndm_set_copy_callback(
    callback: ndm_copy_callback,
    userdata: *mut c_void,
) -> ndm_status {
    run(|| {
        let userdata = userdata as usize;
        accounting::policy::set_callback(callback.map(|f| {
            Arc::new(move |reason: Reason, bytes: usize, op: &str| {
                let op = CString::new(op).unwrap_or_default();
                // The caller registered `f` for exactly this signature and promised it may be
                // called from any thread that uses ndmem; `op` lives until it returns.
                // SAFETY: so this is a valid call of the caller's function.
                unsafe {
                    f(
                        reason as i32,
                        bytes as u64,
                        op.as_ptr(),
                        userdata as *mut c_void,
                    )
                }
            }) as accounting::policy::Callback
        }));
        Ok(())
    })
}

/// A short English name of an `NDM_COPY_REASON_*` code ("output overlaps an input"), or
/// "unknown reason". Never NULL; the text is static.
#[no_mangle]
pub extern "C" fn ndm_copy_reason_name(reason: i32) -> *const c_char {
    static NAMES: std::sync::OnceLock<Vec<CString>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let mut v: Vec<CString> = Reason::ALL
            .iter()
            .map(|r| CString::new(r.name()).expect("no NUL"))
            .collect();
        v.push(CString::new("unknown reason").expect("no NUL"));
        v
    });
    let i = usize::try_from(reason).map_or(REASONS, |r| r.min(REASONS));
    names[i].as_ptr()
}

/// Names the buffer behind `a` in the retention and leak reports (every view of that buffer
/// shows the name); `tag` NULL removes it. The text is copied.
#[no_mangle]
pub unsafe extern "C" fn ndm_set_tag(a: *const ndm_array, tag: *const c_char) -> ndm_status {
    run(|| {
        let a = args::array(a, "a")?;
        let tag = if tag.is_null() {
            None
        } else {
            Some(args::text(tag, "tag")?)
        };
        a.buffer().set_tag(tag);
        Ok(())
    })
}

/// Records where each buffer created from now on was allocated (a short backtrace of the
/// caller's frames, shown by the reports), or stops recording. Off by default, unless the
/// environment has `NDMEM_TRACK=1`. Recording costs a backtrace per buffer.
#[no_mangle]
pub extern "C" fn ndm_mem_set_tracking(on: bool) -> ndm_status {
    run(|| {
        accounting::set_tracking(on);
        Ok(())
    })
}

/// One live buffer in the retention report (`ndm_mem_report`). Pointers are valid during the
/// callback only.
#[repr(C)]
pub struct ndm_buffer_info {
    /// Address of the buffer's first byte.
    pub start: *const c_void,
    /// Its length in bytes.
    pub bytes: u64,
    /// `NDM_ORIGIN_*`.
    pub origin: i32,
    /// Live array handles viewing it.
    pub handles: u64,
    /// Bytes of it inside at least one of those views' extents.
    pub reachable_bytes: u64,
    /// The tag given with `ndm_set_tag`, or NULL.
    pub tag: *const c_char,
    /// Where it was allocated (tracking on), or NULL.
    pub site: *const c_char,
    /// The report's sentence: "1.00 GiB heap buffer kept alive by 1 view of 8 bytes (99.99%
    /// unreachable)".
    pub summary: *const c_char,
}

/// Receives one `ndm_buffer_info` per live buffer; return 0 to continue, anything else stops.
pub type ndm_report_callback =
    Option<unsafe extern "C" fn(info: *const ndm_buffer_info, userdata: *mut c_void) -> i32>;

/// Calls `callback` for every buffer viewed by a live array handle, largest first, with what
/// keeps it alive and how much of it those views can reach. Handles cannot be freed while the
/// report is being made (the report is taken first; the callback may free handles).
#[no_mangle]
pub unsafe extern "C" fn ndm_mem_report(
    callback: ndm_report_callback,
    userdata: *mut c_void,
) -> ndm_status {
    run(|| {
        let Some(f) = callback else {
            bail!(NullArg, "argument 'callback' is NULL");
        };
        for r in snapshot() {
            let notes = r.buffer.notes();
            let text =
                |s: Option<Arc<str>>| s.map(|s| CString::new(s.as_bytes()).unwrap_or_default());
            let (tag, site) = (text(notes.tag), text(notes.site));
            let summary = CString::new(r.summary()).unwrap_or_default();
            let info = ndm_buffer_info {
                start: r.buffer.as_ptr().cast(),
                bytes: r.buffer.len() as u64,
                origin: r.buffer.origin() as i32,
                handles: r.views as u64,
                reachable_bytes: r.reachable as u64,
                tag: tag.as_ref().map_or(std::ptr::null(), |t| t.as_ptr()),
                site: site.as_ref().map_or(std::ptr::null(), |t| t.as_ptr()),
                summary: summary.as_ptr(),
            };
            // The caller's function of this signature; `info` and its strings live until it
            // returns.
            // SAFETY: a valid call of the caller's callback.
            if unsafe { f(&info, userdata) } != 0 {
                break;
            }
        }
        Ok(())
    })
}

/// Writes the leak report (live handles, the buffers they keep alive, tags, allocation sites)
/// to stderr now. With `NDMEM_LEAK_REPORT=1` in the environment it is written at process exit.
#[no_mangle]
pub extern "C" fn ndm_mem_leak_report() -> ndm_status {
    run(|| {
        eprint!("{}", leak_report());
        Ok(())
    })
}

/// Told that `size` bytes at `ptr` were allocated (CPython's `PyTraceMalloc_Track` has this
/// signature).
pub type ndm_track_fn =
    Option<unsafe extern "C" fn(domain: u32, ptr: libc::uintptr_t, size: usize) -> i32>;
/// Told that the allocation at `ptr` was freed (`PyTraceMalloc_Untrack`).
pub type ndm_untrack_fn = Option<unsafe extern "C" fn(domain: u32, ptr: libc::uintptr_t) -> i32>;

/// The caller's hook functions; the core calls the trampolines below, which call these. They
/// change only while the core has no hook installed (see `ndm_set_alloc_hook`), so a
/// trampoline never sees a function being replaced.
static C_TRACK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());
static C_UNTRACK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());

type TrackC = unsafe extern "C" fn(u32, libc::uintptr_t, usize) -> i32;
type UntrackC = unsafe extern "C" fn(u32, libc::uintptr_t) -> i32;

fn track_trampoline(domain: usize, ptr: usize, size: usize) {
    let f = C_TRACK.load(Acquire);
    if !f.is_null() {
        // C_TRACK holds null or the caller's `track` (stored by ndm_set_alloc_hook), installed
        // for this signature with the promise that any thread may call it.
        // SAFETY: so this is a valid call of the caller's function, with numbers only.
        unsafe { std::mem::transmute::<*mut (), TrackC>(f)(domain as u32, ptr, size) };
    }
}

fn untrack_trampoline(domain: usize, ptr: usize) {
    let f = C_UNTRACK.load(Acquire);
    if !f.is_null() {
        // SAFETY: as in `track_trampoline`, for the caller's `untrack`.
        unsafe { std::mem::transmute::<*mut (), UntrackC>(f)(domain as u32, ptr) };
    }
}

/// Installs an allocation hook: `track(domain, ptr, size)` after ndmem allocates a buffer and
/// `untrack(domain, ptr)` before it frees one (heap and huge-page buffers; not foreign memory
/// or maps). Both NULL remove the hook. The functions may be called from any thread. When this
/// returns, calls of the previous hook have finished and none will start, so its code may be
/// unloaded. The Python binding installs CPython's `PyTraceMalloc_Track`/`Untrack` with
/// `NDM_TRACEMALLOC_DOMAIN` and removes them at interpreter exit.
#[no_mangle]
pub extern "C" fn ndm_set_alloc_hook(
    track: ndm_track_fn,
    untrack: ndm_untrack_fn,
    domain: u32,
) -> ndm_status {
    run(|| {
        if track.is_some() != untrack.is_some() {
            bail!(
                InvalidArg,
                "give both track and untrack, or neither (to remove the hook)"
            );
        }
        // Quiesce the core's hook before the functions behind the trampolines change.
        accounting::hook::set(None, 0);
        C_TRACK.store(
            track.map_or(std::ptr::null_mut(), |f| f as *mut ()),
            Release,
        );
        C_UNTRACK.store(
            untrack.map_or(std::ptr::null_mut(), |f| f as *mut ()),
            Release,
        );
        if track.is_some() {
            let trampolines = (track_trampoline as _, untrack_trampoline as _);
            accounting::hook::set(Some(trampolines), domain as usize);
        }
        Ok(())
    })
}
