//! Record dtypes from C: a builder (`ndm_dtype_record_*`), parsing with `align`, field getters,
//! descr text and byte-order changes.

use super::args::{self, new_dtype, FieldText};
use super::dtype::{
    NDM_BYTEORDER_BIG, NDM_BYTEORDER_LITTLE, NDM_BYTEORDER_NA, NDM_BYTEORDER_NATIVE,
};
use super::pools::{BUILDERS, DTYPES};
use super::status::ndm_status;
use crate::bail;
use crate::dtype::{ByteOrder, Dtype, FieldSpec, NewOrder, Record};
use crate::error::Result;
use crate::sync::Mutex;
use std::ffi::{c_char, CString};

/// Opaque handle to a record dtype under construction.
#[allow(non_camel_case_types)]
pub struct ndm_record_builder {
    _opaque: [u8; 0],
}

/// Byte order code for `ndm_dtype_newbyteorder` only: swap every field's order (NumPy's `'S'`).
pub const NDM_BYTEORDER_SWAP: i32 = 4;

/// Most subarray axes a field may have.
pub const NDM_MAX_FIELD_NDIM: i32 = 32;

/// Facts about one record field, filled by `ndm_dtype_field`. The pointers stay valid while the
/// dtype handle lives.
#[repr(C)]
pub struct ndm_field_info {
    /// The field name (NUL-terminated UTF-8).
    pub name: *const c_char,
    /// The title, or NULL when the field has none.
    pub title: *const c_char,
    /// Byte offset of the field inside the record.
    pub offset: i64,
    /// Number of subarray axes (0 for a plain field).
    pub ndim: i32,
    /// Subarray axis lengths (`ndim` values; NULL when `ndim` is 0).
    pub shape: *const i64,
    /// Bytes the field occupies (its dtype's itemsize times the subarray size).
    pub itemsize: i64,
    /// Number of nested subarray levels: 0 for a plain field, 1 for a subarray, more for a
    /// subarray of subarrays (NumPy's `('c', ('<f8', (5,)), (2,))`: `shape` (2, 5), 2 levels).
    pub nlevels: i32,
    /// Axes of each level, outermost first (`nlevels` values adding up to `ndim`; `[1, 1]` in
    /// the example); NULL when `nlevels` is 0.
    pub levels: *const i32,
}

fn builder<'a>(b: *mut ndm_record_builder) -> Result<&'a Mutex<Vec<FieldSpec>>> {
    BUILDERS.get(b.cast(), "builder")
}

/// Starts an empty record dtype. Add fields with `ndm_dtype_record_add_field[_ex]`, make dtypes
/// with `ndm_dtype_record_finish` (as often as wanted), release with `ndm_dtype_record_free`.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_record_new(out: *mut *mut ndm_record_builder) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        super::pools::arm_leak_report();
        *out = BUILDERS.insert(Mutex::new(Vec::new())).cast();
        Ok(())
    }
}

/// Releases a builder. NULL is a no-op; a freed or foreign handle is `NDM_ERR_BAD_HANDLE`.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_record_free(builder: *mut ndm_record_builder) -> ndm_status {
    boundary! { BUILDERS.remove(builder.cast(), "builder") }
}

/// Appends a field `name` of `dtype` at byte `offset`, or laid out after the previous field when
/// `offset` is -1 (all fields of a record use explicit offsets, or none do). An empty name
/// becomes `f<position>` like NumPy's. The dtype is copied; the caller keeps its handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_record_add_field(
    builder: *mut ndm_record_builder,
    name: *const c_char,
    dtype: *const ndm_dtype,
    offset: i64,
) -> ndm_status {
    // SAFETY: same arguments, with no title and no subarray axes.
    unsafe {
        ndm_dtype_record_add_field_ex(
            builder,
            name,
            std::ptr::null(),
            dtype,
            0,
            std::ptr::null(),
            offset,
        )
    }
}

/// `ndm_dtype_record_add_field` with a title (NULL for none) and subarray axes (`ndim` values
/// at `shape`, each >= 0; `ndim` 0 for a plain field), like NumPy's `(('title', 'name'), fmt, shape)`.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_record_add_field_ex(
    builder: *mut ndm_record_builder,
    name: *const c_char,
    title: *const c_char,
    dtype: *const ndm_dtype,
    ndim: i32,
    shape: *const i64,
    offset: i64,
) -> ndm_status {
    boundary! {
        let b = self::builder(builder)?;
        let name = args::text(name, "name")?.to_string();
        let title = match title.is_null() {
            true => None,
            false => Some(args::text(title, "title")?.to_string()),
        };
        let dtype = args::dtype(dtype, "dtype")?.clone();
        if !(0..=NDM_MAX_FIELD_NDIM).contains(&ndim) {
            bail!(Shape, "field '{name}': ndim {ndim} is not in 0..={NDM_MAX_FIELD_NDIM}");
        }
        let mut dims = Vec::with_capacity(ndim as usize);
        for &n in args::i64s(shape, ndim.into(), "shape")? {
            if !(0..=i32::MAX as i64).contains(&n) {
                bail!(Shape, "field '{name}': subarray axis length {n} is negative or too large");
            }
            dims.push(n as usize);
        }
        let offset = match offset {
            -1 => None,
            o if o >= 0 => Some(o as usize),
            o => bail!(InvalidArg, "offset {o} cannot be negative (use -1 to lay out in order)"),
        };
        let mut specs = b.lock();
        let name = if name.is_empty() { format!("f{}", specs.len()) } else { name };
        specs.push(FieldSpec { name, title, dtype, shape: dims, levels: Vec::new(), offset });
        Ok(())
    }
}

/// Makes the record dtype: packed (`align` false: fields back to back, alignment 1) or with the C
/// compiler's struct layout (`align` true: each field at a multiple of its alignment, itemsize
/// rounded up to the largest). `itemsize` 0 means the computed size; a larger value adds tail
/// padding, a smaller one is `NDM_ERR_DTYPE`. Duplicate names are `NDM_ERR_DTYPE`.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_record_finish(
    builder: *mut ndm_record_builder,
    align: bool,
    itemsize: i64,
    out: *mut *mut ndm_dtype,
) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        let specs = self::builder(builder)?.lock().clone();
        let itemsize = match itemsize {
            0 => None,
            n if n > 0 => Some(n as usize),
            n => bail!(InvalidArg, "itemsize {n} cannot be negative"),
        };
        *out = new_dtype(Dtype::record(Record::build(specs, align, itemsize)?));
        Ok(())
    }
}

/// `ndm_dtype_parse` with NumPy's `align` (`np.dtype(text, align=True)`): record forms get the C
/// struct layout, nested lists too. Accepts typestrs, names, comma strings (`"i1,f8"`), descr
/// lists (`"[('a', '<i4'), ('b', '<f8', (2, 3))]"`) and the dict form (`"{'names': [...],
/// 'formats': [...], 'offsets': [...], 'itemsize': n}"`).
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_parse_align(
    text: *const c_char,
    align: bool,
    out: *mut *mut ndm_dtype,
) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        *out = new_dtype(crate::dtype::parse_with_align(args::text(text, "text")?, align)?);
        Ok(())
    }
}

/// NumPy's `dtype.descr` as Python literal text (`"[('', '<f8')]"`, or the field list with
/// `('', '|V<n>')` padding entries), valid while the handle lives. NULL with `NDM_ERR_DTYPE` as
/// the last error for records with overlapping or out-of-order fields, as NumPy refuses.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_descr(dtype: *const ndm_dtype) -> *const c_char {
    boundary_value!(std::ptr::null(), {
        let v = DTYPES.get(dtype.cast(), "dtype")?;
        let descr = v.descr.get_or_init(|| {
            v.dtype
                .descr()
                .map(|s| CString::new(s).expect("names have no NUL"))
        });
        match descr {
            Ok(s) => Ok(s.as_ptr()),
            Err(e) => Err(e.clone()),
        }
    })
}

/// Number of fields: 0 for a non-record dtype, -1 for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_nfields(dtype: *const ndm_dtype) -> i64 {
    boundary_value!(
        -1,
        Ok(args::dtype(dtype, "dtype")?
            .as_record()
            .map_or(0, |r| r.fields().len() as i64))
    )
}

/// 1 if the dtype is a record built with C-struct layout (NumPy's `isalignedstruct`), 0 if
/// not, -1 for a bad handle.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_is_aligned_struct(dtype: *const ndm_dtype) -> i32 {
    boundary_value!(
        -1,
        Ok(args::dtype(dtype, "dtype")?
            .as_record()
            .is_some_and(|r| r.is_aligned_struct()) as i32)
    )
}

fn field_at<'a>(dtype: *const ndm_dtype, index: i64) -> Result<(&'a args::DtypeValue, usize)> {
    let v = DTYPES.get(dtype.cast(), "dtype")?;
    let Some(r) = v.dtype.as_record() else {
        bail!(
            Dtype,
            "dtype '{}' is not a record and has no fields",
            v.dtype.repr_name()
        );
    };
    let n = r.fields().len();
    if !(0..n as i64).contains(&index) {
        bail!(
            Index,
            "field index {index} is out of range for a record with {n} fields"
        );
    }
    Ok((v, index as usize))
}

/// Fills `*info` with field `index` (0-based, definition order) of a record dtype.
/// `NDM_ERR_DTYPE` for a non-record, `NDM_ERR_INDEX` for an index out of range.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_field(
    dtype: *const ndm_dtype,
    index: i64,
    info: *mut ndm_field_info,
) -> ndm_status {
    boundary! {
        let info = args::out(info, "info")?;
        let (v, i) = field_at(dtype, index)?;
        let r = v.dtype.as_record().expect("checked by field_at");
        let texts = v.fields.get_or_init(|| {
            r.fields()
                .iter()
                .map(|f| FieldText {
                    name: CString::new(f.name.as_str()).expect("no NUL in names"),
                    title: f.title.as_deref().map(|t| CString::new(t).expect("no NUL in titles")),
                    shape: f.shape.iter().map(|&n| n as i64).collect(),
                    levels: f.level_shapes().iter().map(|l| l.len() as i32).collect(),
                })
                .collect()
        });
        let (f, t) = (&r.fields()[i], &texts[i]);
        *info = ndm_field_info {
            name: t.name.as_ptr(),
            title: t.title.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
            offset: f.offset as i64,
            ndim: t.shape.len() as i32,
            shape: if t.shape.is_empty() { std::ptr::null() } else { t.shape.as_ptr() },
            itemsize: f.itemsize() as i64,
            nlevels: t.levels.len() as i32,
            levels: if t.levels.is_empty() { std::ptr::null() } else { t.levels.as_ptr() },
        };
        Ok(())
    }
}

/// A new handle to the dtype of field `index` (the base type for a subarray field).
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_field_dtype(
    dtype: *const ndm_dtype,
    index: i64,
    out: *mut *mut ndm_dtype,
) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        let (v, i) = field_at(dtype, index)?;
        *out = new_dtype(v.dtype.as_record().expect("checked by field_at").fields()[i].dtype.clone());
        Ok(())
    }
}

/// The index of the field called `name` (a name or a title), or -1 when there is none (not an
/// error: no last error is set) or for a bad argument (with the last error set).
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_field_index(
    dtype: *const ndm_dtype,
    name: *const c_char,
) -> i64 {
    boundary_value!(-1, {
        let d = args::dtype(dtype, "dtype")?;
        let name = args::text(name, "name")?;
        Ok(d.as_record()
            .and_then(|r| {
                r.fields()
                    .iter()
                    .position(|f| f.name == name || f.title.as_deref() == Some(name))
            })
            .map_or(-1, |i| i as i64))
    })
}

/// NumPy's `dtype.newbyteorder(order)`: `NDM_BYTEORDER_SWAP` swaps, `_LITTLE`/`_BIG`/`_NATIVE`
/// set, `_NA` leaves it unchanged; applied to every field of a record, nested ones too.
#[no_mangle]
pub unsafe extern "C" fn ndm_dtype_newbyteorder(
    dtype: *const ndm_dtype,
    order: i32,
    out: *mut *mut ndm_dtype,
) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        let d = args::dtype(dtype, "dtype")?;
        let order = match order {
            NDM_BYTEORDER_SWAP => NewOrder::Swap,
            NDM_BYTEORDER_LITTLE => NewOrder::Set(ByteOrder::Little),
            NDM_BYTEORDER_BIG => NewOrder::Set(ByteOrder::Big),
            NDM_BYTEORDER_NATIVE => NewOrder::Set(ByteOrder::NATIVE),
            NDM_BYTEORDER_NA => NewOrder::Keep,
            _ => bail!(InvalidArg, "byte order code {order} is not one of NDM_BYTEORDER_* (0..=4)"),
        };
        *out = new_dtype(d.new_byte_order(order));
        Ok(())
    }
}

use super::handle::ndm_dtype;
