//! What the fuzz targets assert about every answer of the C API: a failure is a known status with
//! a message and no handle; a handle describes memory that lies inside its buffer.

use ndmem::ffi::dtype::{
    ndm_dtype_byteorder, ndm_dtype_free, ndm_dtype_itemsize, ndm_dtype_kind, NDM_BYTEORDER_BIG,
    NDM_KIND_COMPLEX128, NDM_KIND_COMPLEX64, NDM_KIND_FLOAT16, NDM_KIND_FLOAT32, NDM_KIND_FLOAT64,
};
use ndmem::ffi::getters::{
    ndm_array_dtype, ndm_buffer_range, ndm_data, ndm_itemsize, ndm_ndim, ndm_shape, ndm_size,
    ndm_strides,
};
use ndmem::ffi::handle::{ndm_array, ndm_dtype};
use ndmem::ffi::status::{ndm_last_error, ndm_status, NDM_ERR_INTERNAL, NDM_OK};
use std::ffi::{c_void, CStr};
use std::ptr;

/// The largest array (in elements) whose elements the targets read or compute on: larger ones
/// (a zero-stride view can claim billions of elements) are only described, never iterated.
pub const MAX_ITERATED: i64 = 1 << 12;

/// The last error message of this thread.
pub fn last_error() -> String {
    // ndm_last_error returns NULL or a NUL-terminated string valid until the next ndmem call
    // on this thread.
    // SAFETY: so it may be read now; it is copied before any other call.
    unsafe {
        let p = ndm_last_error();
        if p.is_null() {
            String::new()
        } else {
            CStr::from_ptr(p).to_string_lossy().into_owned()
        }
    }
}

/// Checks the answer of a call that makes a handle: `Some(handle)` on success (a handle that
/// passes [`check_array`] when it is an array), `None` on a failure, which must be a known
/// status other than `NDM_ERR_INTERNAL`, name its problem and leave `*out` NULL.
pub fn answer<T>(what: &str, st: ndm_status, out: *mut T) -> Option<*mut T> {
    if st == NDM_OK {
        assert!(!out.is_null(), "{what}: NDM_OK without a handle");
        return Some(out);
    }
    let message = last_error();
    assert!(
        (1..NDM_ERR_INTERNAL).contains(&st),
        "{what}: status {st}: {message}"
    );
    assert!(!message.is_empty(), "{what}: status {st} without a message");
    assert!(out.is_null(), "{what}: failed (status {st}) but set *out");
    None
}

/// Checks a status-only answer the same way; true on success.
pub fn status(what: &str, st: ndm_status) -> bool {
    st == NDM_OK || answer::<u8>(what, st, ptr::null_mut()).is_some()
}

/// What the getters say of a live array handle.
pub struct Layout {
    /// Axis lengths.
    pub shape: Vec<i64>,
    /// Byte strides.
    pub strides: Vec<i64>,
    /// Bytes per element.
    pub itemsize: i64,
    /// Elements.
    pub size: i64,
    /// `NDM_KIND_*` of the dtype.
    pub kind: i32,
    /// Big-endian elements.
    pub big: bool,
    /// The first element.
    pub data: *mut u8,
}

/// Reads a live handle's layout and checks that it is consistent and that every element lies
/// inside the handle's buffer.
pub fn check_array(a: *const ndm_array) -> Layout {
    // `a` is a live handle (the caller's invariant).
    // SAFETY: so the getters return arrays of ndim entries that live as long as the handle.
    unsafe {
        let nd = ndm_ndim(a);
        assert!((0..=64).contains(&nd), "ndim {nd}");
        let nd = nd as usize;
        let (sp, tp) = (ndm_shape(a), ndm_strides(a));
        let shape = if nd == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(sp, nd).to_vec()
        };
        let strides = if nd == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(tp, nd).to_vec()
        };
        let size = ndm_size(a);
        let product = shape.iter().try_fold(1i64, |p, &n| {
            assert!(n >= 0, "negative axis length in {shape:?}");
            p.checked_mul(n)
        });
        assert_eq!(product, Some(size), "size of {shape:?}");
        let itemsize = ndm_itemsize(a);
        let mut dt: *mut ndm_dtype = ptr::null_mut();
        assert_eq!(ndm_array_dtype(a, &mut dt), NDM_OK);
        assert_eq!(ndm_dtype_itemsize(dt), itemsize, "itemsize");
        let kind = ndm_dtype_kind(dt);
        let big = ndm_dtype_byteorder(dt) == NDM_BYTEORDER_BIG;
        ndm_dtype_free(dt);
        let data = ndm_data(a).cast::<u8>();
        let mut start: *mut c_void = ptr::null_mut();
        let mut len = 0usize;
        assert_eq!(ndm_buffer_range(a, &mut start, &mut len), NDM_OK);
        if size > 0 && itemsize > 0 {
            let (mut lo, mut hi) = (data as i128, data as i128 + itemsize as i128);
            for (&n, &s) in shape.iter().zip(&strides) {
                let reach = (n as i128 - 1) * s as i128;
                if reach < 0 {
                    lo += reach;
                } else {
                    hi += reach;
                }
            }
            let (b0, b1) = (start as i128, start as i128 + len as i128);
            assert!(
                b0 <= lo && hi <= b1,
                "elements [{lo:#x}, {hi:#x}) outside the buffer [{b0:#x}, {b1:#x}): shape {shape:?} strides {strides:?}"
            );
        }
        Layout {
            shape,
            strides,
            itemsize,
            size,
            kind,
            big,
            data,
        }
    }
}

/// The byte offsets of the elements of `l` from its first element, in C order.
pub fn offsets(l: &Layout) -> Vec<i64> {
    let mut out = Vec::with_capacity(l.size.max(0) as usize);
    if l.size == 0 {
        return out;
    }
    let mut index = vec![0i64; l.shape.len()];
    loop {
        out.push(index.iter().zip(&l.strides).map(|(i, s)| i * s).sum());
        let mut axis = l.shape.len();
        loop {
            if axis == 0 {
                return out;
            }
            axis -= 1;
            index[axis] += 1;
            if index[axis] < l.shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
}

/// The bytes of every element of a checked layout, in C order.
pub fn elements(l: &Layout) -> Vec<Vec<u8>> {
    if l.itemsize == 0 {
        return vec![Vec::new(); l.size.max(0) as usize];
    }
    offsets(l)
        .into_iter()
        .map(|off| {
            // check_array proved every element (offset from the first one, itemsize bytes)
            // inside the buffer, which the live handle keeps alive.
            // SAFETY: so these bytes are readable.
            unsafe {
                std::slice::from_raw_parts(l.data.offset(off as isize), l.itemsize as usize)
                    .to_vec()
            }
        })
        .collect()
}

/// Whether two elements of a layout's dtype hold the same value: equal bytes, or NaN in the
/// same float parts (kernels may differ in the NaN payload and sign they produce).
pub fn same_value(l: &Layout, x: &[u8], y: &[u8]) -> bool {
    if x == y {
        return true;
    }
    let part = match l.kind {
        NDM_KIND_FLOAT16 => 2,
        NDM_KIND_FLOAT32 | NDM_KIND_COMPLEX64 => 4,
        NDM_KIND_FLOAT64 | NDM_KIND_COMPLEX128 => 8,
        _ => return false,
    };
    x.chunks(part)
        .zip(y.chunks(part))
        .all(|(a, b)| a == b || (is_nan(a, l.big) && is_nan(b, l.big)))
}

/// Whether `bytes` (2, 4 or 8 of them) hold an IEEE NaN.
fn is_nan(bytes: &[u8], big: bool) -> bool {
    let mut v = 0u64;
    for i in 0..bytes.len() {
        let b = if big {
            bytes[i]
        } else {
            bytes[bytes.len() - 1 - i]
        };
        v = v << 8 | b as u64;
    }
    let (exp_bits, man_bits) = match bytes.len() {
        2 => (5, 10),
        4 => (8, 23),
        _ => (11, 52),
    };
    let exp = (v >> man_bits) & ((1 << exp_bits) - 1);
    exp == (1 << exp_bits) - 1 && v & ((1 << man_bits) - 1) != 0
}
