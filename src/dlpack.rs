//! DLPack's view of an array (dmlc/dlpack 1.x), without C: which dtypes it can carry (a type
//! code and a bit width), strides counted in elements, and the byte layout of a tensor another
//! library hands over. The C structs, the ownership hand-over and the deleters are in
//! `ffi::dlpack`; this module only decides what can be said and says it exactly.
//!
//! What DLPack cannot describe is refused with [`ErrorKind::Exchange`], never exported wrong:
//! text, bytes, raw and record dtypes, a non-native byte order, and strides that are not a
//! multiple of the itemsize (a record field view). A copy (`astype` to the native dtype, in C
//! order) can always be exported.

use crate::array::Array;
use crate::bail;
use crate::dtype::{Dtype, ScalarKind};
use crate::error::Result;
use crate::layout;

/// `kDLInt`: signed integers.
pub const CODE_INT: u8 = 0;
/// `kDLUInt`: unsigned integers.
pub const CODE_UINT: u8 = 1;
/// `kDLFloat`: IEEE floating point.
pub const CODE_FLOAT: u8 = 2;
/// `kDLComplex`: two IEEE floats, real then imaginary.
pub const CODE_COMPLEX: u8 = 5;
/// `kDLBool`: one byte, 0 or 1.
pub const CODE_BOOL: u8 = 6;

/// `kDLCPU`, the device ndmem exports.
pub const DEVICE_CPU: i32 = 1;
/// Devices whose memory the CPU reads and writes directly, which ndmem imports: `kDLCPU`,
/// `kDLCUDAHost` (pinned host memory), `kDLROCMHost`, `kDLCUDAManaged`.
pub const HOST_DEVICES: [i32; 4] = [DEVICE_CPU, 3, 11, 13];

/// The DLPack version ndmem produces; it consumes every 1.x.
pub const VERSION: (u32, u32) = (1, 1);

/// An element type as DLPack writes it: type code, bits per lane, lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataType {
    /// One of the `CODE_*` constants (or another library's code, on import).
    pub code: u8,
    /// Bits of one lane.
    pub bits: u8,
    /// Lanes per element (vector types); ndmem's elements have one.
    pub lanes: u16,
}

/// What ndmem would say after "cannot export": the cure, for every refusal.
const CURE: &str = "export a copy instead (copy=True in Python, NDM_DLPACK_COPY in C)";

/// DLPack's type code of each of ndmem's scalar kinds (its bits are the itemsize's).
const CODES: [(ScalarKind, u8); 14] = [
    (ScalarKind::Bool, CODE_BOOL),
    (ScalarKind::Int8, CODE_INT),
    (ScalarKind::Int16, CODE_INT),
    (ScalarKind::Int32, CODE_INT),
    (ScalarKind::Int64, CODE_INT),
    (ScalarKind::UInt8, CODE_UINT),
    (ScalarKind::UInt16, CODE_UINT),
    (ScalarKind::UInt32, CODE_UINT),
    (ScalarKind::UInt64, CODE_UINT),
    (ScalarKind::Float16, CODE_FLOAT),
    (ScalarKind::Float32, CODE_FLOAT),
    (ScalarKind::Float64, CODE_FLOAT),
    (ScalarKind::Complex64, CODE_COMPLEX),
    (ScalarKind::Complex128, CODE_COMPLEX),
];

fn bits(kind: ScalarKind) -> u8 {
    u8::try_from(kind.itemsize() * 8).expect("itemsize is at most 16 bytes")
}

/// DLPack's type for `d`, or why there is none.
pub fn data_type(d: &Dtype) -> Result<DataType> {
    let Some(kind) = d.scalar_kind() else {
        bail!(
            Exchange,
            "DLPack cannot describe dtype {}: it carries only bool, integers, floats and complex numbers (text, bytes, raw and record dtypes have no DLPack type)",
            d.repr_name()
        );
    };
    if !d.is_native() {
        bail!(
            Exchange,
            "DLPack cannot describe dtype {}: it carries only the machine's byte order; {CURE}",
            d.repr_name()
        );
    }
    let (_, code) = CODES
        .into_iter()
        .find(|&(k, _)| k == kind)
        .expect("every kind has a code");
    Ok(DataType {
        code,
        bits: bits(kind),
        lanes: 1,
    })
}

/// The native dtype of a DLPack type, or why ndmem has none.
pub fn dtype_of(t: DataType) -> Result<Dtype> {
    let found = CODES
        .into_iter()
        .find(|&(k, code)| (code, bits(k), 1) == (t.code, t.bits, t.lanes));
    match found {
        Some((k, _)) => Ok(Dtype::scalar(k)),
        None => bail!(
            Exchange,
            "ndmem has no dtype for DLPack type code {} with {} bits and {} lanes (it takes bool (6, 8 bits), int (0) and uint (1) of 8-64 bits, float (2) of 16-64 bits and complex (5) of 64 or 128 bits, one lane each)",
            t.code,
            t.bits,
            t.lanes
        ),
    }
}

/// DLPack's type for `a`, or why `a` cannot be described: its dtype (see [`data_type`]), or a
/// stride that is not a multiple of the itemsize along an axis of more than one element (the
/// stride of an axis of length 1, or of an empty array, is never followed, and is divided
/// rounding toward zero as NumPy does: see [`element_strides`]).
pub fn describe(a: &Array) -> Result<DataType> {
    let dtype = data_type(a.dtype())?;
    let itemsize = a.itemsize() as i64;
    let followed = |&(&n, &s): &(&i64, &i64)| n > 1 && a.size() > 0 && s % itemsize != 0;
    if let Some((_, s)) = a.shape().iter().zip(a.strides()).find(followed) {
        bail!(
            Exchange,
            "DLPack counts strides in elements, and this array has a stride of {s} bytes for items of {itemsize} bytes (a record field view?); {CURE}"
        );
    }
    Ok(dtype)
}

/// `a`'s strides in elements, as DLPack gives them (for an array [`describe`] accepts).
pub fn element_strides(a: &Array) -> impl Iterator<Item = i64> + '_ {
    let itemsize = a.itemsize() as i64;
    a.strides().iter().map(move |s| s / itemsize)
}

/// A tensor handed over by another library, in ndmem's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The element type.
    pub dtype: Dtype,
    /// Strides in bytes.
    pub strides: Vec<i64>,
    /// Byte offset, from element 0, of the lowest byte any element occupies (zero or negative).
    pub low: i64,
    /// Bytes from the lowest to one past the highest byte any element occupies (0 when empty).
    pub len: usize,
}

/// The byte layout of a tensor of `shape` with `strides` in elements (C-contiguous when
/// `None`, as DLPack allows; one per axis), or why it is not one: an unknown type, a negative
/// length, or an extent that overflows.
pub fn layout_of(t: DataType, shape: &[i64], strides: Option<&[i64]>) -> Result<Layout> {
    let dtype = dtype_of(t)?;
    assert!(
        strides.is_none_or(|s| s.len() == shape.len()),
        "one stride per axis"
    );
    let itemsize = dtype.itemsize();
    layout::check_shape(shape, itemsize)?;
    let strides = match strides {
        None => layout::fresh_strides(shape, itemsize, layout::MemOrder::C),
        Some(s) => {
            let bytes = s.iter().map(|&e| e.checked_mul(itemsize as i64));
            match bytes.collect::<Option<Vec<i64>>>() {
                Some(b) => b,
                None => bail!(
                    Overflow,
                    "a DLPack stride of {s:?} elements overflows in bytes"
                ),
            }
        }
    };
    let (low, len) = match layout::extent(shape, &strides, itemsize)? {
        None => (0, 0),
        Some((lo, hi)) => match isize::try_from(i128::from(hi) - i128::from(lo)) {
            Ok(len) => (lo, len as usize),
            Err(_) => bail!(Overflow, "the tensor's elements span more bytes than memory has (shape {shape:?}, strides {strides:?} bytes)"),
        },
    };
    Ok(Layout {
        dtype,
        strides,
        low,
        len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::ByteOrder;
    use crate::error::ErrorKind;
    use crate::layout::MemOrder;
    use std::sync::Arc;

    #[test]
    fn every_scalar_kind_round_trips_through_its_code() {
        for k in ScalarKind::ALL {
            let t = data_type(&Dtype::scalar(k)).unwrap();
            assert_eq!((t.bits as usize, t.lanes), (k.itemsize() * 8, 1));
            assert_eq!(dtype_of(t).unwrap(), Dtype::scalar(k));
        }
        let bool_code = data_type(&Dtype::scalar(ScalarKind::Bool)).unwrap();
        assert_eq!(
            bool_code,
            DataType {
                code: CODE_BOOL,
                bits: 8,
                lanes: 1
            }
        );
    }

    #[test]
    fn refusals_say_why() {
        let swapped = Dtype::scalar(ScalarKind::Float64).with_order(ByteOrder::NATIVE.swapped());
        let e = data_type(&swapped).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Exchange);
        assert!(e.message.contains("byte order"), "{}", e.message);
        let e = data_type(&"S4".parse::<Dtype>().unwrap()).unwrap_err();
        assert!(e.message.contains("text, bytes"), "{}", e.message);
        for t in [(4, 16, 1), (2, 64, 2), (2, 8, 1), (1, 1, 1), (9, 8, 1)] {
            let e = dtype_of(DataType {
                code: t.0,
                bits: t.1,
                lanes: t.2,
            })
            .unwrap_err();
            assert_eq!(e.kind, ErrorKind::Exchange);
        }
    }

    #[test]
    fn strides_are_counted_in_elements_and_must_divide() {
        let a =
            Arc::new(Array::zeros(Dtype::scalar(ScalarKind::Int32), &[3, 4], MemOrder::C).unwrap());
        let t = crate::view::transpose(&a, None).unwrap();
        describe(&t).unwrap();
        assert_eq!(element_strides(&t).collect::<Vec<_>>(), vec![1, 4]);
        let rec = "[('a', '<i4'), ('b', '<f8')]".parse::<Dtype>().unwrap();
        let r = Arc::new(Array::zeros(rec, &[5], MemOrder::C).unwrap());
        let b = crate::fields::field(&r, "b").unwrap();
        let e = describe(&b).unwrap_err();
        assert!(e.message.contains("stride of 12 bytes"), "{}", e.message);
    }

    #[test]
    fn import_layouts_cover_negative_and_zero_strides() {
        let f8 = data_type(&Dtype::scalar(ScalarKind::Float64)).unwrap();
        let l = layout_of(f8, &[3, 2], Some(&[-2, 0])).unwrap();
        assert_eq!((l.strides.clone(), l.low, l.len), (vec![-16, 0], -32, 40));
        let c = layout_of(f8, &[2, 3], None).unwrap();
        assert_eq!((c.strides, c.low, c.len), (vec![24, 8], 0, 48));
        assert_eq!(layout_of(f8, &[0, 5], Some(&[5, 1])).unwrap().len, 0);
        assert!(layout_of(f8, &[2], Some(&[i64::MAX])).is_err());
        assert!(layout_of(f8, &[-1], None).is_err());
        let i1 = data_type(&Dtype::scalar(ScalarKind::Int8)).unwrap();
        let e = layout_of(i1, &[2, 2], Some(&[i64::MIN + 1, i64::MAX - 1])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Overflow);
    }
}
