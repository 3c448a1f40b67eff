//! The handle pools of the C API (arrays, dtypes, record builders) and what they hold, and the
//! reports made from them: the live handles, the buffers they keep alive, the leak report.

use super::handle::Pool;
use crate::array::Array;
use crate::dtype::{Dtype, FieldSpec};
use crate::retention;
use crate::sync::Mutex;
use std::ffi::CString;
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

/// Live (array, dtype, record builder) handles.
pub fn live() -> (u64, u64, u64) {
    (
        ARRAYS.live() as u64,
        DTYPES.live() as u64,
        BUILDERS.live() as u64,
    )
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
        "ndmem leak report: {} array, {} dtype and {} record builder handle(s) live; {} buffer(s) viewed by them\n",
        ARRAYS.live(),
        DTYPES.live(),
        BUILDERS.live(),
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
