//! The allocation hook: functions told about every buffer ndmem allocates and frees (the C API
//! installs trampolines to a caller's C functions; the Python binding points those at
//! CPython's `PyTraceMalloc_Track`/`Untrack`, so ndmem's memory appears in `tracemalloc`).
//!
//! Setting a new hook (or none) waits for calls of the old one in flight on other threads to
//! return, so once it returns the old functions are never called again (the Python binding
//! removes its hook at interpreter exit and relies on this).

use crate::sync::Mutex;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering::*};

/// Told that `size` bytes at `ptr` were allocated; `ctx` is the word given to [`set`].
pub type TrackFn = fn(ctx: usize, ptr: usize, size: usize);
/// Told that the allocation at `ptr` was freed.
pub type UntrackFn = fn(ctx: usize, ptr: usize);

static TRACK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());
static UNTRACK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());
static CTX: AtomicUsize = AtomicUsize::new(0);
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static SETTING: Mutex<()> = Mutex::new(());

/// Installs `hooks` (`None`: no hook) with the context word `ctx`. Returns once no call of
/// the previous hook is running.
pub fn set(hooks: Option<(TrackFn, UntrackFn)>, ctx: usize) {
    let _one_at_a_time = SETTING.lock();
    TRACK.store(std::ptr::null_mut(), SeqCst);
    UNTRACK.store(std::ptr::null_mut(), SeqCst);
    while IN_FLIGHT.load(SeqCst) != 0 {
        std::thread::yield_now();
    }
    if let Some((track, untrack)) = hooks {
        CTX.store(ctx, SeqCst);
        UNTRACK.store(untrack as *mut (), SeqCst);
        TRACK.store(track as *mut (), SeqCst);
    }
}

/// Runs `call` with the function stored in `slot` when one is set, counted as in flight.
fn with_hook(slot: &AtomicPtr<()>, call: impl FnOnce(*mut (), usize)) {
    if slot.load(Relaxed).is_null() {
        return; // the common case: no hook, no atomic write
    }
    IN_FLIGHT.fetch_add(1, SeqCst);
    let f = slot.load(SeqCst);
    if !f.is_null() {
        call(f, CTX.load(SeqCst));
    }
    IN_FLIGHT.fetch_sub(1, SeqCst);
}

/// Tells the hook about a new allocation.
pub(crate) fn track(ptr: *const u8, size: usize) {
    with_hook(&TRACK, |f, ctx| {
        // SAFETY: TRACK only ever holds null or a `TrackFn` stored by `set`.
        let f = unsafe { std::mem::transmute::<*mut (), TrackFn>(f) };
        f(ctx, ptr as usize, size);
    });
}

/// Tells the hook that an allocation was freed.
pub(crate) fn untrack(ptr: *const u8) {
    with_hook(&UNTRACK, |f, ctx| {
        // SAFETY: UNTRACK only ever holds null or an `UntrackFn` stored by `set`.
        let f = unsafe { std::mem::transmute::<*mut (), UntrackFn>(f) };
        f(ctx, ptr as usize);
    });
}
