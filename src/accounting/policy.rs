//! The copy policy: what happens when ndmem would copy data on the caller's behalf.
//!
//! `Allow` copies silently (counted), `Warn` copies and tells the registered callback, `Forbid`
//! refuses with `CopyRequired` before anything is written. The policy is process-wide, and a
//! thread may set its own, which wins on that thread. Explicit copies (the caller asked) and
//! fixed-size block buffers are never refused.

use super::tally::Reason;
use std::cell::Cell;
use std::sync::atomic::{AtomicI32, Ordering::Relaxed};
use std::sync::{Arc, RwLock};

/// What to do about implicit copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum CopyPolicy {
    /// Copy, and count.
    Allow = 0,
    /// Copy, count, and tell the callback (stderr when none is set).
    Warn = 1,
    /// Refuse with `CopyRequired`, naming the operation, the reason and the bytes.
    Forbid = 2,
}

impl CopyPolicy {
    /// The policy with discriminant `code`.
    pub fn from_code(code: i32) -> Option<CopyPolicy> {
        [CopyPolicy::Allow, CopyPolicy::Warn, CopyPolicy::Forbid]
            .into_iter()
            .find(|p| *p as i32 == code)
    }
}

/// Receives each implicit copy made under `Warn`: reason, bytes, operation.
pub type Callback = Arc<dyn Fn(Reason, usize, &str) + Send + Sync>;

static PROCESS: AtomicI32 = AtomicI32::new(CopyPolicy::Allow as i32);
static CALLBACK: RwLock<Option<Callback>> = RwLock::new(None);
const UNSET: i32 = -1;

thread_local! {
    static THREAD: Cell<i32> = const { Cell::new(UNSET) };
}

/// Sets the process-wide policy; returns the previous one.
pub fn set_process(p: CopyPolicy) -> CopyPolicy {
    CopyPolicy::from_code(PROCESS.swap(p as i32, Relaxed)).unwrap_or(CopyPolicy::Allow)
}

/// Sets the calling thread's own policy (`None`: follow the process-wide one); returns the
/// previous setting.
pub fn set_thread(p: Option<CopyPolicy>) -> Option<CopyPolicy> {
    CopyPolicy::from_code(THREAD.replace(p.map_or(UNSET, |p| p as i32)))
}

/// The calling thread's own policy, `None` when it follows the process-wide one.
pub fn thread() -> Option<CopyPolicy> {
    CopyPolicy::from_code(THREAD.try_with(Cell::get).unwrap_or(UNSET))
}

/// The policy in force on the calling thread.
pub fn current() -> CopyPolicy {
    let own = THREAD.try_with(Cell::get).unwrap_or(UNSET);
    let code = if own == UNSET {
        PROCESS.load(Relaxed)
    } else {
        own
    };
    CopyPolicy::from_code(code).unwrap_or(CopyPolicy::Allow)
}

/// Sets (or with `None` removes) the callback told about implicit copies under `Warn`.
pub fn set_callback(cb: Option<Callback>) {
    *CALLBACK.write().unwrap_or_else(|p| p.into_inner()) = cb;
}

/// Tells the callback (or stderr) about an implicit copy.
pub(crate) fn warn(reason: Reason, bytes: usize, op: &str) {
    let cb = CALLBACK.read().unwrap_or_else(|p| p.into_inner()).clone();
    match cb {
        Some(cb) => cb(reason, bytes, op),
        None => eprintln!(
            "ndmem: {op} made an implicit copy of {bytes} bytes ({})",
            reason.name()
        ),
    }
}
