//! The simple references that `c_api_calls` compares the C API with: element loops over the
//! bytes the getters describe, and the same call made on copies.

use crate::check::{self, check_array, elements, offsets, same_value, Layout, MAX_ITERATED};
use ndmem::ffi::args::NDM_ORDER_K;
use ndmem::ffi::copy::ndm_copy;
use ndmem::ffi::create::{ndm_array_free, ndm_zeros};
use ndmem::ffi::dtype::{ndm_dtype_equal, ndm_dtype_free, ndm_dtype_parse, NDM_KIND_UINT64};
use ndmem::ffi::getters::{ndm_array_dtype, ndm_data};
use ndmem::ffi::handle::{ndm_array, ndm_dtype};
use ndmem::ffi::overlap::{ndm_is_self_overlapping, NDM_OVERLAP_NO};
use ndmem::ffi::status::{ndm_status, NDM_OK};
use std::ptr;

/// Frees a handle made for a reference.
pub fn free_temp(h: *mut ndm_array) {
    // SAFETY: a live handle made by the caller, freed once.
    assert_eq!(unsafe { ndm_array_free(h) }, NDM_OK);
}

/// Whether two distinct elements of a live handle share a byte (exact answer).
fn self_overlapping(a: *mut ndm_array) -> bool {
    let mut answer = -1;
    // SAFETY: a live handle, a valid out-pointer; -1 asks for the exact answer.
    let st = unsafe { ndm_is_self_overlapping(a, -1, &mut answer) };
    assert_eq!(st, NDM_OK);
    answer != NDM_OVERLAP_NO
}

/// Whether two live handles have equal dtypes.
fn same_dtype(a: *mut ndm_array, b: *mut ndm_array) -> bool {
    let (mut da, mut db): (*mut ndm_dtype, *mut ndm_dtype) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: live handles, valid out-pointers; the dtype handles are freed once.
    unsafe {
        assert_eq!(ndm_array_dtype(a, &mut da), NDM_OK);
        assert_eq!(ndm_array_dtype(b, &mut db), NDM_OK);
        let same = ndm_dtype_equal(da, db) == 1;
        ndm_dtype_free(da);
        ndm_dtype_free(db);
        same
    }
}

/// What `copyto(dst, src)` must leave in `dst`: `src`'s elements, read before the call and
/// broadcast to `dst`'s shape (when both have one dtype and `dst`'s elements are distinct).
pub struct Snapshot {
    expected: Vec<Vec<u8>>,
}

impl Snapshot {
    /// `None` when there is no simple reference (or the call must fail).
    pub fn take(dst: *mut ndm_array, src: *mut ndm_array, live: bool) -> Option<Snapshot> {
        if !live || !same_dtype(dst, src) || self_overlapping(dst) {
            return None;
        }
        let (d, s) = (check_array(dst), check_array(src));
        let lead = d.shape.len().checked_sub(s.shape.len())?;
        let broadcasts = s
            .shape
            .iter()
            .zip(&d.shape[lead..])
            .all(|(&m, &n)| m == n || m == 1);
        if !broadcasts {
            return None;
        }
        let values = elements(&s);
        let mut expected = Vec::with_capacity(d.size as usize);
        for_each_index(&d.shape, |index| {
            let flat = s
                .shape
                .iter()
                .zip(&index[lead..])
                .fold(0, |f, (&m, &i)| f * m + if m == 1 { 0 } else { i });
            expected.push(values[flat as usize].clone());
        });
        Some(Snapshot { expected })
    }

    /// Checks `dst` after a successful `copyto`.
    pub fn check_copyto(&self, dst: *mut ndm_array) {
        assert!(
            elements(&check_array(dst)) == self.expected,
            "ndm_copyto against an element loop"
        );
    }
}

/// Calls `f` with every multi-index of `shape` in C order.
fn for_each_index(shape: &[i64], mut f: impl FnMut(&[i64])) {
    if shape.contains(&0) {
        return;
    }
    let mut index = vec![0i64; shape.len()];
    loop {
        f(&index);
        let mut axis = shape.len();
        loop {
            if axis == 0 {
                return;
            }
            axis -= 1;
            index[axis] += 1;
            if index[axis] < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
}

/// The same computation on copies: the inputs copied before the call, into a copy of `out`.
pub struct Twin {
    ins: Vec<*mut ndm_array>,
    out: *mut ndm_array,
}

impl Twin {
    /// `None` when `out` has elements that share bytes (the result then depends on the order
    /// of the writes).
    pub fn make(ins: &[*mut ndm_array], out: *mut ndm_array) -> Option<Twin> {
        if self_overlapping(out) {
            return None;
        }
        let copies: Vec<*mut ndm_array> = ins
            .iter()
            .chain([&out])
            .map(|&a| {
                let mut c: *mut ndm_array = ptr::null_mut();
                // SAFETY: a live handle, a valid out-pointer.
                let st = unsafe { ndm_copy(a, NDM_ORDER_K, &mut c) };
                assert_eq!(st, NDM_OK, "ndm_copy: {}", check::last_error());
                c
            })
            .collect();
        let (out, ins) = copies.split_last().expect("out");
        Some(Twin {
            ins: ins.to_vec(),
            out: *out,
        })
    }

    /// Runs `call` on the copies and compares `out` with the copy of `out`: for any dtype, or
    /// only when every operand is an integer or bool.
    pub fn check(
        &self,
        out: *mut ndm_array,
        call: &impl Fn(&[*mut ndm_array], *mut ndm_array, &mut *mut ndm_array) -> ndm_status,
        any_dtype: bool,
        copies_allowed: bool,
    ) {
        let mut r: *mut ndm_array = ptr::null_mut();
        let st = call(&self.ins, self.out, &mut r);
        assert_eq!(
            st,
            NDM_OK,
            "the same call on copies failed (copies allowed: {copies_allowed}): {}",
            check::last_error()
        );
        free_temp(r);
        let integral = |l: &Layout| (0..=NDM_KIND_UINT64).contains(&l.kind);
        let (got, want) = (check_array(out), check_array(self.out));
        let exact = integral(&got) && self.ins.iter().all(|&a| integral(&check_array(a)));
        if !(any_dtype || exact) {
            return;
        }
        let (g, w) = (elements(&got), elements(&want));
        let same = g.iter().zip(&w).all(|(x, y)| same_value(&got, x, y));
        assert!(same, "with an overlapping out: {g:?}\nwith copies: {w:?}");
    }

    /// Frees the copies.
    pub fn free(self) {
        for h in self.ins.into_iter().chain([self.out]) {
            free_temp(h);
        }
    }
}

/// A 1-D array of `values`: int64, or bool (`value != 0`) for a condition.
pub fn index_array(values: &[i64], condition: bool) -> *mut ndm_array {
    let text = if condition { c"?" } else { c"<i8" };
    let mut d: *mut ndm_dtype = ptr::null_mut();
    let mut a: *mut ndm_array = ptr::null_mut();
    // NUL-terminated text, valid out-pointers, one axis length; the fresh array holds
    // `values.len()` contiguous elements of 1 or 8 bytes that nothing else references.
    // SAFETY: so every pointer is valid for what is read and written.
    unsafe {
        assert_eq!(ndm_dtype_parse(text.as_ptr(), &mut d), NDM_OK);
        let st = ndm_zeros(d, 1, [values.len() as i64].as_ptr(), 0, &mut a);
        ndm_dtype_free(d);
        assert_eq!(st, NDM_OK);
        let data = ndm_data(a);
        for (i, &v) in values.iter().enumerate() {
            if condition {
                *data.cast::<u8>().add(i) = (v != 0) as u8;
            } else {
                *data.cast::<i64>().add(i) = v;
            }
        }
    }
    a
}

/// Checks `take(a, values)` / `compress(values != 0, a)` over the flattened `a` against an
/// index loop.
pub fn check_selection(a: *mut ndm_array, values: &[i64], condition: bool, got: *mut ndm_array) {
    let flat = elements(&check_array(a));
    let n = flat.len() as i64;
    let expected: Vec<Vec<u8>> = if condition {
        values
            .iter()
            .zip(&flat)
            .filter(|(&v, _)| v != 0)
            .map(|(_, x)| x.clone())
            .collect()
    } else {
        values
            .iter()
            .map(|&v| flat[(if v < 0 { v + n } else { v }) as usize].clone())
            .collect()
    };
    assert!(
        elements(&check_array(got)) == expected,
        "take/compress against an index loop"
    );
}

/// Checks that a copy holds its source's elements.
pub fn check_same_elements(a: *mut ndm_array, copy: *mut ndm_array) {
    let (la, lc) = (check_array(a), check_array(copy));
    assert_eq!(la.shape, lc.shape, "ndm_copy: shape");
    assert!(elements(&la) == elements(&lc), "ndm_copy: elements");
}

/// Whether two live handles' elements share a byte, from the bytes themselves; `None` for
/// arrays too large to list.
pub fn share_bytes(a: *mut ndm_array, b: *mut ndm_array) -> Option<bool> {
    let spans = |h| {
        let l = check_array(h);
        if l.size > MAX_ITERATED {
            return None;
        }
        let mut s: Vec<(i128, i128)> = offsets(&l)
            .into_iter()
            .map(|o| {
                (
                    l.data as i128 + o as i128,
                    l.data as i128 + o as i128 + l.itemsize as i128,
                )
            })
            .filter(|(lo, hi)| lo < hi)
            .collect();
        s.sort_unstable();
        Some(s)
    };
    let (x, y) = (spans(a)?, spans(b)?);
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        if x[i].0 < y[j].1 && y[j].0 < x[i].1 {
            return Some(true);
        }
        if x[i].1 <= y[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    Some(false)
}
