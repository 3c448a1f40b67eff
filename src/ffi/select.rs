//! Selection copies: `ndm_take`, `ndm_compress`, `ndm_concatenate`.

use super::args;
use super::handle::{ndm_array, ndm_dtype};
use super::status::ndm_status;
use crate::bail;
use crate::error::Result;
use crate::select;
use std::sync::Arc;

fn opt_axis(axis: *const i64) -> Option<i64> {
    // SAFETY: the caller guarantees a non-NULL `axis` points to one int64.
    (!axis.is_null()).then(|| unsafe { *axis })
}

/// `np.take(a, indices, axis)`: a new array of the elements at integer `indices` along `*axis`
/// (`axis == NULL`: of the flattened array). Out-of-range indices are `NDM_ERR_INDEX`;
/// non-integer indices `NDM_ERR_CASTING`.
#[no_mangle]
pub unsafe extern "C" fn ndm_take(
    a: *const ndm_array,
    indices: *const ndm_array,
    axis: *const i64,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let r = select::take(args::array(a, "a")?, args::array(indices, "indices")?, opt_axis(axis))?;
            Ok(Arc::new(r))
        })
    }
}

/// `np.compress(condition, a, axis)`: a new array of the slabs along `*axis` where the 1-D
/// `condition` is true (`axis == NULL`: of the flattened array).
#[no_mangle]
pub unsafe extern "C" fn ndm_compress(
    a: *const ndm_array,
    condition: *const ndm_array,
    axis: *const i64,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let r = select::compress(args::array(a, "a")?, args::array(condition, "condition")?, opt_axis(axis))?;
            Ok(Arc::new(r))
        })
    }
}

/// `np.concatenate(arrays, axis, dtype, casting)`: `count` arrays joined along `*axis`
/// (`axis == NULL`: flattened first). `dtype == NULL` promotes the inputs' dtypes as NumPy does.
#[no_mangle]
pub unsafe extern "C" fn ndm_concatenate(
    count: i32,
    arrays: *const *const ndm_array,
    axis: *const i64,
    dtype: *const ndm_dtype,
    casting: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            if count < 0 {
            bail!(InvalidArg, "count {count} is negative");
            }
            if count > 0 && arrays.is_null() {
            bail!(NullArg, "argument 'arrays' is NULL");
            }
            let list = (0..count as usize)
            // SAFETY: the caller guarantees `count` handles in `arrays`.
            .map(|i| args::array(unsafe { *arrays.add(i) }, "arrays[i]").cloned())
            .collect::<Result<Vec<_>>>()?;
            let dt = if dtype.is_null() { None } else { Some(args::dtype(dtype, "dtype")?) };
            let r = select::concatenate(&list, opt_axis(axis), dt, args::casting(casting)?)?;
            Ok(Arc::new(r))
        })
    }
}
