//! Fuzz target (a): arbitrary bytes as a `.npy` file, through the C API as a user opens one:
//! `ndm_load_npy`, `ndm_load_npy_ex` and a read-only `ndm_open_memmap`.
//!
//! Asserted: every failure is a known status with a message; loading and mapping agree (both
//! fail, or both give the same dtype, shape and element bytes); an array that loads saves and
//! loads again unchanged; no handle outlives the run.

use crate::check::{self, answer, check_array, elements};
use crate::scratch;
use ndmem::ffi::create::ndm_array_free;
use ndmem::ffi::dtype::{ndm_dtype_equal, ndm_dtype_free};
use ndmem::ffi::file::{ndm_load_npy, ndm_load_npy_ex, ndm_open_memmap, ndm_save_npy};
use ndmem::ffi::getters::ndm_array_dtype;
use ndmem::ffi::handle::{ndm_array, ndm_dtype};
use ndmem::ffi::status::NDM_OK;
use std::ffi::CStr;
use std::ptr;

/// One execution.
pub fn run(data: &[u8]) {
    let (path, cpath) = scratch::path("in.npy");
    std::fs::write(&path, data).expect("write the scratch file");
    let loaded = load(&cpath);
    let mut m: *mut ndm_array = ptr::null_mut();
    // SAFETY: the path and mode are NUL-terminated; the other arguments are ignored for "r".
    let st = unsafe {
        ndm_open_memmap(
            cpath.as_ptr(),
            c"r".as_ptr(),
            ptr::null(),
            0,
            ptr::null(),
            false,
            0,
            &mut m,
        )
    };
    let mapped = answer("ndm_open_memmap(r)", st, m);
    let trusted = load_trusted(&cpath);
    match (loaded, mapped) {
        (Some(a), Some(m)) => same("load vs memmap", a, m),
        (None, None) => {}
        (a, m) => panic!(
            "ndm_load_npy {} but ndm_open_memmap(r) {}: {}",
            if a.is_some() { "succeeded" } else { "failed" },
            if m.is_some() { "succeeded" } else { "failed" },
            check::last_error()
        ),
    }
    if let Some(a) = loaded {
        let t = trusted.expect("ndm_load_npy_ex(INT64_MAX) refused what ndm_load_npy loaded");
        same("load vs load_ex", a, t);
        round_trip(a);
    }
    for h in [loaded, mapped, trusted].into_iter().flatten() {
        // SAFETY: each handle is live and freed once.
        assert_eq!(unsafe { ndm_array_free(h) }, NDM_OK);
    }
    let _ = std::fs::remove_file(&path);
}

fn load(path: &CStr) -> Option<*mut ndm_array> {
    let mut a: *mut ndm_array = ptr::null_mut();
    // SAFETY: a NUL-terminated path and a valid out-pointer.
    let st = unsafe { ndm_load_npy(path.as_ptr(), &mut a) };
    answer("ndm_load_npy", st, a)
}

/// `ndm_load_npy_ex` with no header limit but the hard cap (a trusted file).
fn load_trusted(path: &CStr) -> Option<*mut ndm_array> {
    let mut a: *mut ndm_array = ptr::null_mut();
    // SAFETY: a NUL-terminated path and a valid out-pointer.
    let st = unsafe { ndm_load_npy_ex(path.as_ptr(), i64::MAX, &mut a) };
    answer("ndm_load_npy_ex(INT64_MAX)", st, a)
}

/// Saves `a`, loads the file again and checks the two agree.
fn round_trip(a: *mut ndm_array) {
    let (path, cpath) = scratch::path("out.npy");
    // SAFETY: a live handle, a NUL-terminated path; the used version may be NULL.
    let st = unsafe { ndm_save_npy(cpath.as_ptr(), a, 0, ptr::null_mut()) };
    if check::status("ndm_save_npy", st) {
        let b = load_trusted(&cpath).expect("ndm_load_npy_ex refused a file ndm_save_npy wrote");
        same("save then load", a, b);
        // SAFETY: a live handle, freed once.
        assert_eq!(unsafe { ndm_array_free(b) }, NDM_OK);
    }
    let _ = std::fs::remove_file(&path);
}

/// `a` and `b` have equal dtypes, shapes and element bytes.
fn same(what: &str, a: *mut ndm_array, b: *mut ndm_array) {
    let (la, lb) = (check_array(a), check_array(b));
    assert_eq!(la.shape, lb.shape, "{what}: shape");
    let (mut da, mut db): (*mut ndm_dtype, *mut ndm_dtype) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: live handles and valid out-pointers; the dtype handles are freed once below.
    unsafe {
        assert_eq!(ndm_array_dtype(a, &mut da), NDM_OK);
        assert_eq!(ndm_array_dtype(b, &mut db), NDM_OK);
        assert_eq!(ndm_dtype_equal(da, db), 1, "{what}: dtype");
        ndm_dtype_free(da);
        ndm_dtype_free(db);
    }
    if la.size <= check::MAX_ITERATED {
        assert!(
            elements(&la) == elements(&lb),
            "{what}: element bytes differ"
        );
    }
}
