//! The handle pools of the C API (arrays, dtypes, record builders) and what they hold, and the
//! reports made from them: the live handles, the buffers they keep alive, the leak report.

use super::handle::Pool;
use crate::array::Array;
use crate::bail;
use crate::buffer::Buffer;
use crate::dtype::{Dtype, FieldSpec};
use crate::error::Result;
use crate::grow::Growable;
use crate::retention;
use crate::sync::Mutex;
use std::cell::UnsafeCell;
use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};

/// The value that a handle to an array holds.
pub type ArrayRef = Arc<Array>;

/// A dtype handle's value: the dtype and the text the getters hand out, valid while it lives.
pub struct DtypeValue {
    /// The data type.
    pub dtype: Dtype,
    /// Its NumPy typestr, NUL-terminated.
    pub text: CString,
    /// Its descr text (or why there is none), made on first request.
    pub descr: std::sync::OnceLock<std::result::Result<CString, crate::error::Error>>,
    /// Field names, titles and subarray shapes as C data, made on first request.
    pub fields: std::sync::OnceLock<Vec<FieldText>>,
}

/// One record field's name, title and subarray shape as C data.
pub struct FieldText {
    /// The name, NUL-terminated.
    pub name: CString,
    /// The title, if any.
    pub title: Option<CString>,
    /// Subarray axes.
    pub shape: Vec<i64>,
    /// Axes per nested subarray level, outermost first.
    pub levels: Vec<i32>,
}

/// Array handles (`ndm_array`).
pub static ARRAYS: Pool<ArrayRef> = Pool::new("ndm_array");
/// Dtype handles (`ndm_dtype`).
pub static DTYPES: Pool<DtypeValue> = Pool::new("ndm_dtype");

/// Record builders under construction (`ndm_record_builder_new`).
pub static BUILDERS: Pool<Mutex<Vec<FieldSpec>>> = Pool::new("ndm_record_builder");

/// Growable arrays (`ndm_empty_growable`, `ndm_open_append`).
pub static GROWABLES: Pool<GrowCell> = Pool::new("ndm_growable");

/// A growable handle's value. Like `std::vector`, a growable is used by one thread at a time
/// (the header says so): a lock would cost more than a whole one-value append, so there is
/// none. `busy` catches most overlapping calls (a relaxed flag, free on x86) and turns them into
/// an error instead of a race; it cannot catch all, which is the caller's part of the contract.
pub struct GrowCell {
    busy: AtomicBool,
    growable: UnsafeCell<Growable>,
}

// SAFETY: the growable is reached only through `GrowCell::with`, whose callers promise (the
// header's contract for `ndm_growable`) that calls on one growable do not overlap; so `&mut`
// access is exclusive. Growable itself is Send (buffers and files move between threads).
unsafe impl Sync for GrowCell {}

impl GrowCell {
    /// A cell holding `g`.
    pub fn new(g: Growable) -> GrowCell {
        GrowCell {
            busy: AtomicBool::new(false),
            growable: UnsafeCell::new(g),
        }
    }

    /// Whether a call on the growable is running (as far as this thread can see).
    pub fn is_busy(&self) -> bool {
        self.busy.load(Ordering::Relaxed)
    }

    /// Runs `f` with the growable, refusing a call that overlaps another one it notices.
    pub fn with<R>(&self, f: impl FnOnce(&mut Growable) -> Result<R>) -> Result<R> {
        struct Idle<'a>(&'a AtomicBool);
        impl Drop for Idle<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        if self.is_busy() {
            bail!(
                InvalidArg,
                "the growable array is in use by another call: a growable array must be used by one thread at a time, and not from a callback of a call on it"
            );
        }
        self.busy.store(true, Ordering::Relaxed);
        let _idle = Idle(&self.busy);
        // The header's contract: calls on one growable never overlap, so nothing else holds a
        // reference into it now (and `busy` refused the overlaps it saw).
        // SAFETY: so this `&mut` is the only reference for the duration of `f`.
        f(unsafe { &mut *self.growable.get() })
    }
}

/// Live (array, dtype, record builder, growable) handles.
pub fn live() -> (u64, u64, u64, u64) {
    (
        ARRAYS.live() as u64,
        DTYPES.live() as u64,
        BUILDERS.live() as u64,
        GROWABLES.live() as u64,
    )
}

/// How many live array handles view `buffer`.
pub fn handles_viewing(buffer: &Arc<Buffer>) -> usize {
    let mut n = 0;
    ARRAYS.for_each_live(|a| n += Arc::ptr_eq(a.buffer(), buffer) as usize);
    n
}

/// The retention report of every live array handle, taken while no handle can be freed.
pub(crate) fn snapshot() -> Vec<retention::Retained> {
    let mut arrays = Vec::new();
    ARRAYS.for_each_live(|a| arrays.push(Arc::clone(a)));
    retention::retained(arrays.iter().map(|a| &**a))
}

/// The leak report: live handles by type and every buffer they keep alive, with tags and
/// allocation sites.
pub(crate) fn leak_report() -> String {
    let report = snapshot();
    let mut text = format!(
        "ndmem leak report: {} array, {} dtype, {} record builder and {} growable handle(s) live; {} buffer(s) viewed by arrays\n",
        ARRAYS.live(),
        DTYPES.live(),
        BUILDERS.live(),
        GROWABLES.live(),
        report.len()
    );
    for r in &report {
        text += &format!("  {}\n", r.summary());
        if let Some(site) = r.buffer.notes().site {
            for line in site.lines() {
                text += &format!("      at {line}\n");
            }
        }
    }
    text
}

extern "C" fn leak_report_at_exit() {
    let _ = std::panic::catch_unwind(|| eprint!("{}", leak_report()));
}

/// Arms the leak report at exit when `NDMEM_LEAK_REPORT` asks for it (once, at the first
/// handle of any kind).
pub(crate) fn arm_leak_report() {
    static ARMED: Once = Once::new();
    ARMED.call_once(|| {
        if std::env::var("NDMEM_LEAK_REPORT").is_ok_and(|v| !v.is_empty() && v != "0") {
            // atexit only records the function pointer; the handler never unwinds.
            // SAFETY: `leak_report_at_exit` is a valid `extern "C" fn()` for the whole process.
            unsafe { libc::atexit(leak_report_at_exit) };
        }
    });
}
