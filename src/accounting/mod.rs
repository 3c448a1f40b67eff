//! Memory accounting: what ndmem allocates, copies and keeps alive, and the copy policy.
//!
//! Every buffer counts as live from its creation to its drop, by [`Origin`]; every allocation
//! ndmem makes, every copy the caller asked for (explicit), every copy ndmem chose to make on
//! the caller's behalf (implicit, with a [`Reason`]) and every fixed-size block buffer is
//! counted in the process's [`Tally`] and in each [`scope`] open on the thread doing it. Implicit
//! copies whose size grows with the data first ask the [`policy`], which may refuse them.
//! Counting takes no lock: relaxed atomics, and a thread-local check for open scopes.

pub mod hook;
pub mod policy;
pub mod scope;
pub mod tally;

pub use policy::CopyPolicy;
pub use tally::{Counts, Origin, Reason, Tally, ORIGINS, REASONS};

use crate::error::{Error, ErrorKind, Result};
use std::sync::atomic::{AtomicU8, Ordering::Relaxed};

static PROCESS: Tally = Tally::new();
static LIVE: tally::Live = tally::Live::new();

/// Counts a new buffer of `bytes` from `origin` (an allocation when ndmem owns it) and tells
/// the allocation hook.
pub(crate) fn buffer_created(origin: Origin, ptr: *const u8, bytes: usize) {
    LIVE.add(origin, bytes);
    if origin.is_owned() {
        PROCESS.allocated(bytes);
        scope::each(|t| t.allocated(bytes));
        hook::track(ptr, bytes);
    }
}

/// Counts a buffer's drop (see [`buffer_created`]).
pub(crate) fn buffer_dropped(origin: Origin, ptr: *const u8, bytes: usize) {
    LIVE.remove(origin, bytes);
    if origin.is_owned() {
        PROCESS.freed(bytes);
        scope::each(|t| t.freed(bytes));
        hook::untrack(ptr);
    }
}

/// Counts a copy of `bytes` the caller asked for. Never refused.
pub fn explicit_copy(bytes: usize) {
    PROCESS.explicit_copy(bytes);
    scope::each(|t| t.explicit_copy(bytes));
}

/// Asks the copy policy for an implicit copy of `bytes` (a temporary that grows with the data)
/// made by `op` for `reason`; `why` says what forced it. Callers ask once the operation's
/// arguments are checked, just before the temporary is made; an empty one is no copy. Under `Forbid` this is a
/// `CopyRequired` error naming all of that, returned before anything is written; otherwise the
/// copy is counted (and under `Warn` reported to the callback).
pub fn implicit_copy(
    reason: Reason,
    bytes: usize,
    op: &str,
    why: impl FnOnce() -> String,
) -> Result<()> {
    if bytes == 0 {
        return Ok(()); // an empty temporary copies nothing
    }
    match policy::current() {
        CopyPolicy::Forbid => {
            return Err(Error::new(
                ErrorKind::CopyRequired,
                format!(
                    "{op}: {}, which needs an implicit copy of {} ({}); the copy policy forbids implicit copies: copy explicitly or allow them",
                    why(),
                    human_bytes(bytes),
                    reason.name()
                ),
            ))
        }
        CopyPolicy::Warn => policy::warn(reason, bytes, op),
        CopyPolicy::Allow => {}
    }
    PROCESS.implicit_copy(reason, bytes);
    scope::each(|t| t.implicit_copy(reason, bytes));
    Ok(())
}

/// Counts a fixed-size block buffer of `bytes` (casting, alignment, tiles, file writes: bounded
/// by a constant per operand). Never refused.
pub fn block_buffer(bytes: usize) {
    PROCESS.block(bytes);
    scope::each(|t| t.block(bytes));
}

/// The process's counts since it started (`net_bytes`: owned bytes live now).
pub fn process() -> Counts {
    PROCESS.counts()
}

/// (buffers, bytes) live now, by origin.
pub fn live() -> ([u64; ORIGINS], [u64; ORIGINS]) {
    LIVE.now()
}

/// Lowers the process's peak to the owned bytes live now.
pub fn reset_peak() {
    PROCESS.reset_peak();
}

const TRACK_UNREAD: u8 = 2;
static TRACKING: AtomicU8 = AtomicU8::new(TRACK_UNREAD);

/// Whether new buffers record where they were allocated (`NDMEM_TRACK=1`, or [`set_tracking`]).
pub fn tracking() -> bool {
    match TRACKING.load(Relaxed) {
        TRACK_UNREAD => {
            let on = std::env::var("NDMEM_TRACK").is_ok_and(|v| !v.is_empty() && v != "0");
            let _ = TRACKING.compare_exchange(TRACK_UNREAD, on as u8, Relaxed, Relaxed);
            TRACKING.load(Relaxed) == 1
        }
        v => v == 1,
    }
}

/// Switches recording of allocation sites on or off for buffers created from now on.
pub fn set_tracking(on: bool) {
    TRACKING.store(on as u8, Relaxed);
}

/// Formats a byte count the way NumPy's MemoryError does ("8.00 TiB").
pub fn human_bytes(n: usize) -> String {
    const UNITS: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.2} {}", UNITS[unit])
}
