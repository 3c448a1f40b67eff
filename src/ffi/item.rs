//! Element access for tests and small programs: `ndm_get_item`, `ndm_set_item`.

use super::args;
use super::dtype::{scalar_kind, NDM_KIND_BYTES, NDM_KIND_VOID};
use super::handle::ndm_array;
use super::status::ndm_status;
use crate::array::Array;
use crate::bail;
use crate::dtype::Dtype;
use crate::error::Result;
use std::ffi::c_void;

/// The dtype of the caller's variable: a native number, or the array's own dtype for raw bytes.
fn caller_dtype(a: &Array, kind: i32) -> Result<Dtype> {
    match (scalar_kind(kind), kind) {
        (Some(k), _) => Ok(Dtype::scalar(k)),
        (None, NDM_KIND_BYTES | NDM_KIND_VOID) => Ok(a.dtype().clone()),
        _ => bail!(
            InvalidArg,
            "kind code {kind} is not a number kind (NDM_KIND_BOOL..=NDM_KIND_COMPLEX128, NDM_KIND_FLOAT16) or NDM_KIND_BYTES/NDM_KIND_VOID for raw element bytes"
        ),
    }
}

/// Reads the element at `index` (`nindex` == ndim entries; negative entries count from the end)
/// into `*value`, a native variable of kind `kind` (`NDM_KIND_FLOAT64` → `double`, ...),
/// converting as a C assignment would. `NDM_KIND_BYTES`/`_VOID` copy the element's raw
/// `itemsize` bytes. Out-of-range indices are `NDM_ERR_INDEX`.
#[no_mangle]
pub unsafe extern "C" fn ndm_get_item(
    a: *const ndm_array,
    index: *const i64,
    nindex: i32,
    kind: i32,
    value: *mut c_void,
) -> ndm_status {
    boundary! {
        let a = args::array(a, "a")?;
        let index = args::i64s(index, nindex.into(), "index")?;
        if value.is_null() {
            bail!(NullArg, "argument 'value' is NULL");
        }
        let bytes = a.get_item(index, &caller_dtype(a, kind)?)?;
        // SAFETY: the caller guarantees `value` holds one variable of `kind` (bytes.len() bytes).
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), value.cast::<u8>(), bytes.len()) };
        Ok(())
    }
}

/// Writes `*value` (a native variable of kind `kind`, or raw element bytes for
/// `NDM_KIND_BYTES`/`_VOID`) to the element at `index`, converting as a C assignment would.
/// A read-only array is `NDM_ERR_READONLY`.
#[no_mangle]
pub unsafe extern "C" fn ndm_set_item(
    a: *const ndm_array,
    index: *const i64,
    nindex: i32,
    kind: i32,
    value: *const c_void,
) -> ndm_status {
    boundary! {
        let a = args::array(a, "a")?;
        let index = args::i64s(index, nindex.into(), "index")?;
        if value.is_null() {
            bail!(NullArg, "argument 'value' is NULL");
        }
        let d = caller_dtype(a, kind)?;
        // SAFETY: the caller guarantees `value` holds one variable of `kind` (itemsize bytes).
        let bytes = unsafe { std::slice::from_raw_parts(value.cast::<u8>(), d.itemsize()) };
        a.set_item(index, bytes, &d)
    }
}
