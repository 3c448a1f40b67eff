//! The allocation hook: a pair of C functions told about every buffer ndmem allocates and frees
//! (the Python binding points them at CPython's `PyTraceMalloc_Track`/`Untrack`, so ndmem's
//! memory appears in `tracemalloc`).
//!
//! Setting a new hook (or none) waits for calls of the old one in flight on other threads to
//! return, so once it returns the old functions are never called again (the Python binding
//! removes its hook at interpreter exit and relies on this).

use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicUsize, Ordering::*};
use std::sync::Mutex;

/// Told that `size` bytes at `ptr` were allocated, in the caller's `domain`.
pub type TrackFn = unsafe extern "C" fn(domain: u32, ptr: usize, size: usize) -> i32;
/// Told that the allocation at `ptr` was freed.
pub type UntrackFn = unsafe extern "C" fn(domain: u32, ptr: usize) -> i32;

static TRACK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());
static UNTRACK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());
static DOMAIN: AtomicU32 = AtomicU32::new(0);
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static SETTING: Mutex<()> = Mutex::new(());

/// Installs `track`/`untrack` for `domain` (both `None`: no hook). Returns once no call of the
/// previous hook is running.
pub fn set(track: Option<TrackFn>, untrack: Option<UntrackFn>, domain: u32) {
    let _one_at_a_time = SETTING.lock().unwrap_or_else(|p| p.into_inner());
    TRACK.store(std::ptr::null_mut(), SeqCst);
    UNTRACK.store(std::ptr::null_mut(), SeqCst);
    while IN_FLIGHT.load(SeqCst) != 0 {
        std::thread::yield_now();
    }
    DOMAIN.store(domain, SeqCst);
    UNTRACK.store(
        untrack.map_or(std::ptr::null_mut(), |f| f as *mut ()),
        SeqCst,
    );
    TRACK.store(track.map_or(std::ptr::null_mut(), |f| f as *mut ()), SeqCst);
}

/// Runs `call` with the hook function in `slot` when one is set, counted as in flight.
fn with_hook(slot: &AtomicPtr<()>, call: impl FnOnce(*mut (), u32)) {
    if slot.load(Relaxed).is_null() {
        return; // the common case: no hook, no atomic write
    }
    IN_FLIGHT.fetch_add(1, SeqCst);
    let f = slot.load(SeqCst);
    if !f.is_null() {
        call(f, DOMAIN.load(SeqCst));
    }
    IN_FLIGHT.fetch_sub(1, SeqCst);
}

/// Tells the hook about a new allocation.
pub(crate) fn track(ptr: *const u8, size: usize) {
    with_hook(&TRACK, |f, domain| {
        // SAFETY: `f` was stored by `set` from a `TrackFn`, and `set` waits for this call to
        // return before the function may go away; the hook only receives numbers.
        let f: TrackFn = unsafe { std::mem::transmute::<*mut (), TrackFn>(f) };
        // SAFETY: the caller of `set` promised a function with this signature that may be
        // called from any thread.
        unsafe { f(domain, ptr as usize, size) };
    });
}

/// Tells the hook that an allocation was freed.
pub(crate) fn untrack(ptr: *const u8) {
    with_hook(&UNTRACK, |f, domain| {
        // SAFETY: as in `track`, for an `UntrackFn`.
        let f: UntrackFn = unsafe { std::mem::transmute::<*mut (), UntrackFn>(f) };
        // SAFETY: as in `track`.
        unsafe { f(domain, ptr as usize) };
    });
}
