//! Dtype handles: create, parse, inspect, compare, check casts, free.

use super::args::{self, new_dtype};
use super::handle::ndm_dtype;
use super::pools::DTYPES;
use super::status::ndm_status;
use crate::bail;
use crate::dtype::{can_cast, ByteOrder, Dtype, DtypeKind, ScalarKind};
use crate::error::Result;
use std::ffi::c_char;

/// Element kind code: bool (`|b1`).
pub const NDM_KIND_BOOL: i32 = 0;
/// Element kind code: int8.
pub const NDM_KIND_INT8: i32 = 1;
/// Element kind code: int16.
pub const NDM_KIND_INT16: i32 = 2;
/// Element kind code: int32.
pub const NDM_KIND_INT32: i32 = 3;
/// Element kind code: int64.
pub const NDM_KIND_INT64: i32 = 4;
/// Element kind code: uint8.
pub const NDM_KIND_UINT8: i32 = 5;
/// Element kind code: uint16.
pub const NDM_KIND_UINT16: i32 = 6;
/// Element kind code: uint32.
pub const NDM_KIND_UINT32: i32 = 7;
/// Element kind code: uint64.
pub const NDM_KIND_UINT64: i32 = 8;
/// Element kind code: float32.
pub const NDM_KIND_FLOAT32: i32 = 9;
/// Element kind code: float64.
pub const NDM_KIND_FLOAT64: i32 = 10;
/// Element kind code: complex64 (two float32).
pub const NDM_KIND_COMPLEX64: i32 = 11;
/// Element kind code: complex128 (two float64).
pub const NDM_KIND_COMPLEX128: i32 = 12;
/// Element kind code: fixed-length bytes `S<n>`.
pub const NDM_KIND_BYTES: i32 = 13;
/// Element kind code: raw bytes `V<n>`.
pub const NDM_KIND_VOID: i32 = 14;
/// Element kind code: float16 (IEEE binary16).
pub const NDM_KIND_FLOAT16: i32 = 15;
/// Element kind code: a structured record (typestr `|V<itemsize>`); built with
/// `ndm_dtype_record_*` or parsed from text, never by `ndm_dtype_new`.
pub const NDM_KIND_RECORD: i32 = 16;
/// Element kind code: fixed-length UCS-4 text (`<U<n>`, 4 bytes per character, with a byte
/// order); `ndm_dtype_new` takes its itemsize in bytes (a multiple of 4).
pub const NDM_KIND_UNICODE: i32 = 17;

/// Byte order code: not applicable (`|`: single bytes, bool, S, V).
pub const NDM_BYTEORDER_NA: i32 = 0;
/// Byte order code: little-endian (`<`).
pub const NDM_BYTEORDER_LITTLE: i32 = 1;
/// Byte order code: big-endian (`>`).
pub const NDM_BYTEORDER_BIG: i32 = 2;
/// Byte order code (input only): the machine's order (`=`).
pub const NDM_BYTEORDER_NATIVE: i32 = 3;

const SCALAR_CODES: [(i32, ScalarKind); 14] = [
    (NDM_KIND_BOOL, ScalarKind::Bool),
    (NDM_KIND_INT8, ScalarKind::Int8),
    (NDM_KIND_INT16, ScalarKind::Int16),
    (NDM_KIND_INT32, ScalarKind::Int32),
    (NDM_KIND_INT64, ScalarKind::Int64),
    (NDM_KIND_UINT8, ScalarKind::UInt8),
    (NDM_KIND_UINT16, ScalarKind::UInt16),
    (NDM_KIND_UINT32, ScalarKind::UInt32),
    (NDM_KIND_UINT64, ScalarKind::UInt64),
    (NDM_KIND_FLOAT16, ScalarKind::Float16),
    (NDM_KIND_FLOAT32, ScalarKind::Float32),
    (NDM_KIND_FLOAT64, ScalarKind::Float64),
    (NDM_KIND_COMPLEX64, ScalarKind::Complex64),
    (NDM_KIND_COMPLEX128, ScalarKind::Complex128),
];

/// The scalar kind for an `NDM_KIND_*` code, if it names a number.
pub fn scalar_kind(code: i32) -> Option<ScalarKind> {
    SCALAR_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, k)| *k)
}

fn kind_code(d: &Dtype) -> i32 {
    match d.kind() {
        DtypeKind::Scalar(k) => SCALAR_CODES
            .iter()
            .find(|(_, s)| s == k)
            .map(|(c, _)| *c)
            .expect("every scalar kind has a code"),
        DtypeKind::Bytes(_) => NDM_KIND_BYTES,
        DtypeKind::Void(_) => NDM_KIND_VOID,
        DtypeKind::Unicode(_) => NDM_KIND_UNICODE,
        DtypeKind::Record(_) => NDM_KIND_RECORD,
    }
}

fn byte_order(code: i32) -> Result<ByteOrder> {
    Ok(match code {
        NDM_BYTEORDER_NA => ByteOrder::NotApplicable,
        NDM_BYTEORDER_LITTLE => ByteOrder::Little,
        NDM_BYTEORDER_BIG => ByteOrder::Big,
        NDM_BYTEORDER_NATIVE => ByteOrder::NATIVE,
        _ => bail!(
            InvalidArg,
            "byte order code {code} is not one of NDM_BYTEORDER_* (0..=3)"
        ),
    })
}

/// Builds a dtype from a kind code, a byte order code and, for `NDM_KIND_BYTES`/`NDM_KIND_VOID`,
/// an itemsize (> 0; for `NDM_KIND_UNICODE` a positive multiple of 4). For numbers `itemsize` must be 0 or the kind's size. Byte order is ignored
/// where it does not apply (1-byte numbers, bool, bytes, void). `*out` gets a new handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_new(
    kind: i32,
    byteorder: i32,
    itemsize: usize,
    out: *mut *mut ndm_dtype,
) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        let order = byte_order(byteorder)?;
        let dkind = match (scalar_kind(kind), kind) {
            (Some(k), _) if itemsize == 0 || itemsize == k.itemsize() => DtypeKind::Scalar(k),
            (Some(k), _) => bail!(
                InvalidArg,
                "itemsize {itemsize} does not match {} (itemsize {})",
                k.name(),
                k.itemsize()
            ),
            (None, NDM_KIND_BYTES | NDM_KIND_VOID) if itemsize == 0 || itemsize > i32::MAX as usize => {
                bail!(InvalidArg, "itemsize {itemsize} for a bytes/void dtype must be in 1..=2147483647")
            }
            (None, NDM_KIND_BYTES) => DtypeKind::Bytes(itemsize),
            (None, NDM_KIND_VOID) => DtypeKind::Void(itemsize),
            (None, NDM_KIND_UNICODE) if itemsize == 0 || itemsize % 4 != 0 || itemsize > i32::MAX as usize => {
                bail!(InvalidArg, "itemsize {itemsize} for a unicode dtype must be a positive multiple of 4 (4 bytes per character)")
            }
            (None, NDM_KIND_UNICODE) => DtypeKind::Unicode(itemsize / 4),
            _ => bail!(InvalidArg, "kind code {kind} is not one of the NDM_KIND_* codes accepted here (0..=15, 17)"),
        };
        *out = new_dtype(Dtype::new(dkind, order));
        Ok(())
    }
}

/// Parses NumPy dtype text: typestrs (`"<f8"`, `">i4"`, `"|S32"`, `"=i2"`, `"f8"`), names
/// (`"float64"`, `"uint8"`, `"bool"`) and one-letter codes (`"d"`). Unknown or unsupported text is
/// `NDM_ERR_DTYPE` with the text in the message. `*out` gets a new handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_parse(
    text: *const c_char,
    out: *mut *mut ndm_dtype,
) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        let d: Dtype = args::text(text, "text")?.parse()?;
        *out = new_dtype(d);
        Ok(())
    }
}

/// A new handle to the same dtype.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_clone(
    dtype: *const ndm_dtype,
    out: *mut *mut ndm_dtype,
) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        *out = new_dtype(args::dtype(dtype, "dtype")?.clone());
        Ok(())
    }
}

/// Releases a dtype handle. NULL is a no-op; a freed or foreign handle is `NDM_ERR_BAD_HANDLE`.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_free(dtype: *mut ndm_dtype) -> ndm_status {
    boundary! { DTYPES.remove(dtype.cast(), "dtype") }
}

/// Bytes per element, or -1 (with the last error set) for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_itemsize(dtype: *const ndm_dtype) -> i64 {
    boundary_value!(-1, Ok(args::dtype(dtype, "dtype")?.itemsize() as i64))
}

/// Required alignment in bytes (NumPy's `dtype.alignment`), or -1 for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_alignment(dtype: *const ndm_dtype) -> i64 {
    boundary_value!(-1, Ok(args::dtype(dtype, "dtype")?.alignment() as i64))
}

/// The `NDM_KIND_*` code, or -1 for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_kind(dtype: *const ndm_dtype) -> i32 {
    boundary_value!(-1, Ok(kind_code(args::dtype(dtype, "dtype")?)))
}

/// The `NDM_BYTEORDER_*` code (never `NATIVE`: it is resolved), or -1 for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_byteorder(dtype: *const ndm_dtype) -> i32 {
    boundary_value!(
        -1,
        Ok(match args::dtype(dtype, "dtype")?.byte_order() {
            ByteOrder::NotApplicable => NDM_BYTEORDER_NA,
            ByteOrder::Little => NDM_BYTEORDER_LITTLE,
            ByteOrder::Big => NDM_BYTEORDER_BIG,
        })
    )
}

/// NumPy's typestr (`dtype.str`: `"<f8"`, `"|S32"`), valid while the handle lives; NULL for a
/// bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_str(dtype: *const ndm_dtype) -> *const c_char {
    boundary_value!(
        std::ptr::null(),
        Ok(DTYPES.get(dtype.cast(), "dtype")?.text.as_ptr())
    )
}

/// 1 if the dtypes are equal (byte order included), 0 if not, -1 for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_equal(a: *const ndm_dtype, b: *const ndm_dtype) -> i32 {
    boundary_value!(
        -1,
        Ok((args::dtype(a, "a")? == args::dtype(b, "b")?) as i32)
    )
}

/// Whether NumPy's `can_cast(from, to, casting)` allows the conversion (`NDM_CASTING_*` code).
#[no_mangle]
pub unsafe extern "C" fn ndm_can_cast(
    from: *const ndm_dtype,
    to: *const ndm_dtype,
    casting: i32,
    result: *mut bool,
) -> ndm_status {
    boundary! {
        let result = args::out(result, "result")?;
        let ok = can_cast(args::dtype(from, "from")?, args::dtype(to, "to")?, args::casting(casting)?);
        *result = ok;
        Ok(())
    }
}
