//! Fuzz target (b): arbitrary text as a dtype in every form ndmem accepts (typestrs, names,
//! one-letter codes, comma strings, descr lists, the dict form; with and without `align`).
//!
//! Asserted: every failure is a known status with a message; what `ndm_dtype_parse` accepts,
//! `ndm_dtype_parse_align(.., false)` accepts as the same dtype; a parsed dtype survives its
//! typestr (when not a record) or its descr (a record without padding entries) and a byte-order swap and back; it can be
//! cast to itself under `no`; an array of two elements of it is a valid handle.

use crate::check::{answer, check_array, status};
use ndmem::ffi::args::{NDM_CASTING_NO, NDM_ORDER_C};
use ndmem::ffi::create::{ndm_array_free, ndm_zeros};
use ndmem::ffi::dtype::{
    ndm_can_cast, ndm_dtype_equal, ndm_dtype_free, ndm_dtype_itemsize, ndm_dtype_kind,
    ndm_dtype_parse, ndm_dtype_str, NDM_KIND_RECORD,
};
use ndmem::ffi::handle::{ndm_array, ndm_dtype};
use ndmem::ffi::record::{
    ndm_dtype_descr, ndm_dtype_newbyteorder, ndm_dtype_parse_align, NDM_BYTEORDER_SWAP,
};
use ndmem::ffi::status::NDM_OK;
use std::ffi::{c_char, CStr, CString};
use std::ptr;

/// Dtypes up to this itemsize are also made into arrays.
const MAX_ITEMSIZE: i64 = 1 << 12;

/// One execution: the first byte chooses `align`, the rest (up to a NUL) is the text.
pub fn run(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    let text = CString::new(&rest[..end]).expect("no NUL before end");
    let plain = parse("ndm_dtype_parse", &text, None);
    let unaligned = parse("ndm_dtype_parse_align(false)", &text, Some(false));
    if let Some(p) = plain {
        let u = unaligned.expect("parse_align(false) refused what parse accepted");
        assert_eq!(
            equal(p, u),
            1,
            "parse and parse_align(false) disagree on {text:?}"
        );
    }
    let aligned = if flags & 1 == 1 {
        parse("ndm_dtype_parse_align(true)", &text, Some(true))
    } else {
        None
    };
    for d in [plain, unaligned, aligned].into_iter().flatten() {
        properties(d, &text);
        // SAFETY: a live dtype handle, freed once.
        unsafe { ndm_dtype_free(d) };
    }
}

fn parse(what: &str, text: &CStr, align: Option<bool>) -> Option<*mut ndm_dtype> {
    let mut d: *mut ndm_dtype = ptr::null_mut();
    // SAFETY: a NUL-terminated text and a valid out-pointer.
    let st = unsafe {
        match align {
            None => ndm_dtype_parse(text.as_ptr(), &mut d),
            Some(a) => ndm_dtype_parse_align(text.as_ptr(), a, &mut d),
        }
    };
    answer(what, st, d)
}

fn equal(a: *const ndm_dtype, b: *const ndm_dtype) -> i32 {
    // SAFETY: live dtype handles.
    unsafe { ndm_dtype_equal(a, b) }
}

/// `p` back through text it hands out: equal to `d`.
fn reparses(d: *const ndm_dtype, what: &str, p: *const c_char, source: &CStr) {
    // SAFETY: the getters return NUL-terminated text valid while `d` lives.
    let text = unsafe { CStr::from_ptr(p) };
    let again = parse(what, text, Some(false))
        .unwrap_or_else(|| panic!("{what} {text:?} of {source:?} does not parse"));
    assert_eq!(
        equal(d, again),
        1,
        "{what} {text:?} of {source:?} parses to another dtype"
    );
    // SAFETY: a live dtype handle, freed once.
    unsafe { ndm_dtype_free(again) };
}

fn properties(d: *mut ndm_dtype, source: &CStr) {
    // SAFETY: `d` is live, every out-pointer valid; handles made here are freed once.
    unsafe {
        let s = ndm_dtype_str(d);
        assert!(!s.is_null(), "no typestr for {source:?}");
        // A record's typestr is only its size (`|V12`); `[]` is a record with no fields.
        let record = ndm_dtype_kind(d) == NDM_KIND_RECORD;
        if !record {
            reparses(d, "typestr", s, source);
        }
        // NumPy's own rule: np.dtype(d.descr) == d for records without padding entries
        // (`('', '|V<n>')`, which only the .npy reader turns back into offsets; the npy_file
        // target covers that); a plain dtype's descr is a one-field record.
        let descr = ndm_dtype_descr(d);
        if descr.is_null() {
            assert!(
                record,
                "no descr for a dtype that is not a record: {source:?}"
            );
        } else {
            let text = CStr::from_ptr(descr).to_string_lossy();
            if record && !text.contains("('', ") {
                reparses(d, "descr", descr, source);
            }
        }
        let mut swapped: *mut ndm_dtype = ptr::null_mut();
        let st = ndm_dtype_newbyteorder(d, NDM_BYTEORDER_SWAP, &mut swapped);
        if let Some(sw) = answer("ndm_dtype_newbyteorder", st, swapped) {
            let mut back: *mut ndm_dtype = ptr::null_mut();
            assert_eq!(
                ndm_dtype_newbyteorder(sw, NDM_BYTEORDER_SWAP, &mut back),
                NDM_OK
            );
            assert_eq!(
                equal(d, back),
                1,
                "a byte-order swap twice changes {source:?}"
            );
            ndm_dtype_free(back);
            ndm_dtype_free(sw);
        }
        let mut castable = false;
        assert!(status(
            "ndm_can_cast",
            ndm_can_cast(d, d, NDM_CASTING_NO, &mut castable)
        ));
        assert!(castable, "{source:?} cannot be cast to itself under 'no'");
        if ndm_dtype_itemsize(d) <= MAX_ITEMSIZE {
            let mut a: *mut ndm_array = ptr::null_mut();
            let st = ndm_zeros(d, 1, [2i64].as_ptr(), NDM_ORDER_C, &mut a);
            if let Some(a) = answer("ndm_zeros", st, a) {
                check_array(a);
                assert_eq!(ndm_array_free(a), NDM_OK);
            }
        }
    }
}
