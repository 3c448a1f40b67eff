//! Copies: `ndm_copy`, `ndm_copyto`, `ndm_astype`.

use super::args;
use super::handle::{ndm_array, ndm_dtype};
use super::status::ndm_status;
use crate::copy;
use std::sync::Arc;

/// NumPy's `empty_like(prototype, dtype, order)` (`zeroed`: `zeros_like`): a new array owning
/// its data, of `prototype`'s shape, of `dtype` (NULL: the prototype's), laid out in `order`
/// (`NDM_ORDER_K`: like the prototype's strides, `NDM_ORDER_A`: F if the prototype is only
/// F-contiguous, else C). Contents uninitialised unless `zeroed`; nothing of the prototype
/// is read.
#[no_mangle]
pub unsafe extern "C" fn ndm_empty_like(
    prototype: *const ndm_array,
    dtype: *const ndm_dtype,
    order: i32,
    zeroed: bool,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let a = args::array(prototype, "prototype")?;
            let d = match dtype.is_null() {
                true => a.dtype().clone(),
                false => args::dtype(dtype, "dtype")?.clone(),
            };
            Ok(Arc::new(copy::empty_like(a, d, args::order(order)?, zeroed)?))
        })
    }
}

/// A new array owning a copy of `a`'s elements, laid out in `order` (`NDM_ORDER_C`, `_F`, `_A`:
/// F if `a` is F- and not C-contiguous, `_K`: keep `a`'s memory order, NumPy's rule).
#[no_mangle]
pub unsafe extern "C" fn ndm_copy(
    a: *const ndm_array,
    order: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let c = copy::copy(args::array(a, "a")?, args::order(order)?)?;
            Ok(Arc::new(c))
        })
    }
}

/// Copies `src` into `dst` (NumPy's `np.copyto`): `src` broadcasts to `dst`'s shape
/// (`NDM_ERR_SHAPE` if it cannot), values are converted if `casting` (`NDM_CASTING_*`) allows
/// (`NDM_ERR_CASTING` otherwise), a read-only `dst` is `NDM_ERR_READONLY`. When the two overlap
/// in memory the result is as if `src` had been copied first (memmove semantics).
#[no_mangle]
pub unsafe extern "C" fn ndm_copyto(
    dst: *const ndm_array,
    src: *const ndm_array,
    casting: i32,
) -> ndm_status {
    boundary! {
        let casting = args::casting(casting)?;
        copy::copyto(args::array(dst, "dst")?, args::array(src, "src")?, casting)
    }
}

/// `a` converted to `dtype` in `order`, if `casting` allows it (NumPy's `astype`; its default
/// casting is `NDM_CASTING_UNSAFE`). `copy_mode`: `NDM_COPY_ALWAYS` always makes a new array;
/// `NDM_COPY_IF_NEEDED` returns a new handle to `a` itself when the dtype is equal and the layout
/// satisfies `order`; `NDM_COPY_NEVER` fails with `NDM_ERR_COPY_REQUIRED` when a copy is needed.
#[no_mangle]
pub unsafe extern "C" fn ndm_astype(
    a: *const ndm_array,
    dtype: *const ndm_dtype,
    casting: i32,
    order: i32,
    copy_mode: i32,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            let r = copy::astype(
            args::array(a, "a")?,
            args::dtype(dtype, "dtype")?,
            args::casting(casting)?,
            args::order(order)?,
            args::copy_mode(copy_mode)?,
            )?;
            Ok(r)
        })
    }
}
