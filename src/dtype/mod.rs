//! Data types: what one element's bytes mean.
//!
//! A [`Dtype`] is a kind ([`DtypeKind`]) plus a byte order. Numbers are [`ScalarKind`]s; `S<n>`
//! (fixed bytes) and `V<n>` (raw bytes) are flexible kinds with an explicit itemsize; records
//! ([`Record`]) are named fields at byte offsets, each with its own dtype and byte order.

mod casting;
pub mod literal;
mod promote;
mod record;
mod spec;
mod typestr;

pub use casting::{can_cast, Casting};
pub use promote::{promote, promote_all};
pub use record::{Field, FieldSpec, Record};
pub use spec::parse_with_align;
use std::sync::Arc;

/// Byte order of a dtype, as NumPy's typestr prefix says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// `<`: least significant byte first.
    Little,
    /// `>`: most significant byte first.
    Big,
    /// `|`: single bytes, raw bytes and booleans, which have no byte order.
    NotApplicable,
}

impl ByteOrder {
    /// The byte order of the machine running this code.
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "little") {
        ByteOrder::Little
    } else {
        ByteOrder::Big
    };

    /// The typestr prefix character.
    pub fn prefix(self) -> char {
        match self {
            ByteOrder::Little => '<',
            ByteOrder::Big => '>',
            ByteOrder::NotApplicable => '|',
        }
    }
}

/// The numeric element types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarKind {
    /// `|b1`, one byte holding 0 or 1.
    Bool,
    /// `|i1`.
    Int8,
    /// `i2`.
    Int16,
    /// `i4`.
    Int32,
    /// `i8`.
    Int64,
    /// `|u1`.
    UInt8,
    /// `u2`.
    UInt16,
    /// `u4`.
    UInt32,
    /// `u8`.
    UInt64,
    /// `f2`, IEEE binary16 (arithmetic runs in binary32 and rounds, as NumPy's loops).
    Float16,
    /// `f4`, IEEE binary32.
    Float32,
    /// `f8`, IEEE binary64.
    Float64,
    /// `c8`, two binary32 (real, imaginary).
    Complex64,
    /// `c16`, two binary64 (real, imaginary).
    Complex128,
}

impl ScalarKind {
    /// Every scalar kind, in NumPy's type-number order of kinds (bool, signed, unsigned, float, complex).
    pub const ALL: [ScalarKind; 14] = [
        ScalarKind::Bool,
        ScalarKind::Int8,
        ScalarKind::Int16,
        ScalarKind::Int32,
        ScalarKind::Int64,
        ScalarKind::UInt8,
        ScalarKind::UInt16,
        ScalarKind::UInt32,
        ScalarKind::UInt64,
        ScalarKind::Float16,
        ScalarKind::Float32,
        ScalarKind::Float64,
        ScalarKind::Complex64,
        ScalarKind::Complex128,
    ];

    /// Bytes per element.
    pub fn itemsize(self) -> usize {
        use ScalarKind::*;
        match self {
            Bool | Int8 | UInt8 => 1,
            Int16 | UInt16 | Float16 => 2,
            Int32 | UInt32 | Float32 => 4,
            Int64 | UInt64 | Float64 | Complex64 => 8,
            Complex128 => 16,
        }
    }

    /// Required alignment in bytes (a complex number aligns like its components).
    pub fn alignment(self) -> usize {
        match self {
            ScalarKind::Complex64 => 4,
            ScalarKind::Complex128 => 8,
            k => k.itemsize(),
        }
    }

    /// NumPy's kind character: `b`, `i`, `u`, `f` or `c`.
    pub fn kind_char(self) -> char {
        use ScalarKind::*;
        match self {
            Bool => 'b',
            Int8 | Int16 | Int32 | Int64 => 'i',
            UInt8 | UInt16 | UInt32 | UInt64 => 'u',
            Float16 | Float32 | Float64 => 'f',
            Complex64 | Complex128 => 'c',
        }
    }

    /// NumPy's name for the type (`float64`, `uint8`, `bool`, ...).
    pub fn name(self) -> &'static str {
        use ScalarKind::*;
        match self {
            Bool => "bool",
            Int8 => "int8",
            Int16 => "int16",
            Int32 => "int32",
            Int64 => "int64",
            UInt8 => "uint8",
            UInt16 => "uint16",
            UInt32 => "uint32",
            UInt64 => "uint64",
            Float16 => "float16",
            Float32 => "float32",
            Float64 => "float64",
            Complex64 => "complex64",
            Complex128 => "complex128",
        }
    }

    /// The kind with this kind character and itemsize, if it exists.
    pub fn from_kind_and_size(kind: char, size: usize) -> Option<ScalarKind> {
        ScalarKind::ALL
            .into_iter()
            .find(|k| k.kind_char() == kind && k.itemsize() == size)
    }
}

/// What kind of element a dtype describes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DtypeKind {
    /// A number or boolean.
    Scalar(ScalarKind),
    /// `S<n>`: fixed-length bytes, zero-padded.
    Bytes(usize),
    /// `U<n>`: `n` characters of fixed-length UCS-4 text (4 bytes each, zero-padded), with a
    /// byte order. ndmem stores, views, byte-swaps, saves and converts it between lengths and
    /// byte orders; arithmetic on text is not supported.
    Unicode(usize),
    /// `V<n>`: raw bytes with no interpretation.
    Void(usize),
    /// A structured record (typestr `|V<itemsize>`).
    Record(Arc<Record>),
}

/// A data type: element kind plus byte order.
///
/// Byte order is normalised on construction: types whose elements are single bytes (and `S`/`V`
/// and records, whose fields carry their own) always have [`ByteOrder::NotApplicable`], so two
/// dtypes describing the same bytes compare equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dtype {
    kind: DtypeKind,
    order: ByteOrder,
}

impl Dtype {
    /// A numeric dtype in native byte order.
    pub fn scalar(kind: ScalarKind) -> Dtype {
        Dtype::new(DtypeKind::Scalar(kind), ByteOrder::NATIVE)
    }

    /// A dtype of `kind` with byte order `order` (ignored where byte order does not apply).
    pub fn new(kind: DtypeKind, order: ByteOrder) -> Dtype {
        let applies = match &kind {
            DtypeKind::Scalar(k) => k.itemsize() > 1 && *k != ScalarKind::Bool,
            DtypeKind::Unicode(_) => true,
            _ => false,
        };
        let order = if !applies {
            ByteOrder::NotApplicable
        } else if order == ByteOrder::NotApplicable {
            ByteOrder::NATIVE
        } else {
            order
        };
        Dtype { kind, order }
    }

    /// The element kind.
    pub fn kind(&self) -> &DtypeKind {
        &self.kind
    }

    /// The numeric kind, if this is a numeric dtype.
    pub fn scalar_kind(&self) -> Option<ScalarKind> {
        match self.kind {
            DtypeKind::Scalar(k) => Some(k),
            _ => None,
        }
    }

    /// The byte order.
    pub fn byte_order(&self) -> ByteOrder {
        self.order
    }

    /// True when the elements are stored in the machine's byte order (or have none); for a
    /// record, when every field is.
    pub fn is_native(&self) -> bool {
        match &self.kind {
            DtypeKind::Record(r) => r.fields().iter().all(|f| f.dtype.is_native()),
            _ => self.order != ByteOrder::NATIVE.swapped(),
        }
    }

    /// The same dtype in native byte order (record fields included).
    pub fn to_native(&self) -> Dtype {
        self.new_byte_order(NewOrder::Set(ByteOrder::NATIVE))
    }

    /// NumPy's `dtype.newbyteorder(order)`: applied to every field of a record, nested ones too.
    pub fn new_byte_order(&self, order: NewOrder) -> Dtype {
        match (&self.kind, order) {
            (DtypeKind::Record(r), _) => Dtype::record(r.map_dtypes(&|d| d.new_byte_order(order))),
            (_, NewOrder::Swap) => Dtype::new(self.kind.clone(), self.order.swapped()),
            (_, NewOrder::Set(o)) => Dtype::new(self.kind.clone(), o),
            (_, NewOrder::Keep) => self.clone(),
        }
    }

    /// A record dtype.
    pub fn record(r: Record) -> Dtype {
        Dtype::new(DtypeKind::Record(Arc::new(r)), ByteOrder::NotApplicable)
    }

    /// The record layout, if this is a record dtype.
    pub fn as_record(&self) -> Option<&Record> {
        match &self.kind {
            DtypeKind::Record(r) => Some(r),
            _ => None,
        }
    }

    /// The same dtype with byte order `order`.
    pub fn with_order(&self, order: ByteOrder) -> Dtype {
        Dtype::new(self.kind.clone(), order)
    }

    /// Bytes per element.
    pub fn itemsize(&self) -> usize {
        match self.kind {
            DtypeKind::Scalar(k) => k.itemsize(),
            DtypeKind::Bytes(n) | DtypeKind::Void(n) => n,
            DtypeKind::Unicode(n) => 4 * n,
            DtypeKind::Record(ref r) => r.itemsize(),
        }
    }

    /// Required alignment in bytes (NUMPY_SEMANTICS.md §3).
    pub fn alignment(&self) -> usize {
        match self.kind {
            DtypeKind::Scalar(k) => k.alignment(),
            DtypeKind::Bytes(_) | DtypeKind::Void(_) => 1,
            DtypeKind::Unicode(_) => 4,
            DtypeKind::Record(ref r) => r.alignment(),
        }
    }

    /// NumPy's `dtype.descr` text: `[('', '<f8')]` for a plain dtype, the field list with
    /// padding entries for a record (an error for overlapping or out-of-order fields).
    pub fn descr(&self) -> crate::error::Result<String> {
        match &self.kind {
            DtypeKind::Record(r) => {
                let mut s = String::new();
                r.write_descr(&mut s)?;
                Ok(s)
            }
            _ => Ok(format!("[('', '{self}')]")),
        }
    }
}

/// The byte order requested of [`Dtype::new_byte_order`] (NumPy's `'S'`, `'<'`, `'>'`, `'='`, `'|'`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewOrder {
    /// Swap the current order.
    Swap,
    /// Set this order.
    Set(ByteOrder),
    /// Leave as it is (`'|'`).
    Keep,
}

impl ByteOrder {
    /// The opposite byte order (`NotApplicable` stays as it is).
    pub fn swapped(self) -> ByteOrder {
        match self {
            ByteOrder::Little => ByteOrder::Big,
            ByteOrder::Big => ByteOrder::Little,
            ByteOrder::NotApplicable => ByteOrder::NotApplicable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_is_normalised() {
        let b = Dtype::new(DtypeKind::Scalar(ScalarKind::Int8), ByteOrder::Big);
        assert_eq!(b.byte_order(), ByteOrder::NotApplicable);
        let f = Dtype::new(
            DtypeKind::Scalar(ScalarKind::Float64),
            ByteOrder::NotApplicable,
        );
        assert_eq!(f, Dtype::scalar(ScalarKind::Float64));
        assert!(!Dtype::scalar(ScalarKind::Int32)
            .with_order(ByteOrder::NATIVE.swapped())
            .is_native());
    }

    #[test]
    fn sizes_and_alignment() {
        assert_eq!(Dtype::scalar(ScalarKind::Complex128).itemsize(), 16);
        assert_eq!(Dtype::scalar(ScalarKind::Complex128).alignment(), 8);
        assert_eq!(
            Dtype::new(DtypeKind::Bytes(32), ByteOrder::Little).alignment(),
            1
        );
    }
}
