//! Scratch files of the fuzz targets: one name per thread (tests replay in parallel), in
//! `/dev/shm` when the machine has it (a write per execution stays in memory).

use std::cell::Cell;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static ID: Cell<Option<usize>> = const { Cell::new(None) };
}

/// This thread's scratch file `which` (the path and the same as a C string).
pub fn path(which: &str) -> (PathBuf, CString) {
    let id = ID.with(|c| {
        let id = c
            .get()
            .unwrap_or_else(|| NEXT.fetch_add(1, Ordering::Relaxed));
        c.set(Some(id));
        id
    });
    let shm = PathBuf::from("/dev/shm");
    let dir = if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    };
    let p = dir.join(format!("ndmem-fuzz-{}-{id}-{which}", std::process::id()));
    let c = CString::new(p.as_os_str().as_bytes()).expect("no NUL in a temporary path");
    (p, c)
}
