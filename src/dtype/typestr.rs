//! NumPy typestr text: parsing (`"<f8"`, `"float64"`, `"=i2"`, `"|S32"`, `"d"`) and printing.

use super::{ByteOrder, Dtype, DtypeKind, ScalarKind};
use crate::bail;
use crate::error::Result;
use std::fmt;

/// Largest itemsize accepted for `S<n>` and `V<n>` (NumPy's limit for flexible types).
const MAX_FLEXIBLE_ITEMSIZE: usize = i32::MAX as usize;

/// NumPy's names and one-character codes for the supported scalar types.
fn named(name: &str) -> Option<ScalarKind> {
    use ScalarKind::*;
    Some(match name {
        "bool" | "?" | "bool_" => Bool,
        "int8" | "b" | "byte" => Int8,
        "int16" | "h" | "short" => Int16,
        "int32" | "i" | "intc" => Int32,
        "int64" | "l" | "q" | "p" | "long" | "longlong" | "int" | "intp" | "int_" => Int64,
        "uint8" | "B" | "ubyte" => UInt8,
        "uint16" | "H" | "ushort" => UInt16,
        "uint32" | "I" | "uintc" => UInt32,
        "uint64" | "L" | "Q" | "P" | "ulong" | "ulonglong" | "uint" | "uintp" => UInt64,
        "float16" | "e" | "half" => Float16,
        "float32" | "f" | "single" => Float32,
        "float64" | "d" | "double" | "float" => Float64,
        "complex64" | "F" | "csingle" => Complex64,
        "complex128" | "D" | "cdouble" | "complex" => Complex128,
        _ => return None,
    })
}

/// NumPy types that exist but ndmem does not store, with the reason named in the error.
fn known_unsupported(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "str" | "str_" => "unicode text of unspecified length",
        "O" | "object" => "Python objects",
        "M" | "M8" | "datetime64" => "datetime64",
        "m" | "m8" | "timedelta64" => "timedelta64",
        "g" | "longdouble" | "G" | "clongdouble" => "long double",
        _ => return None,
    })
}

fn not_understood(text: &str) -> crate::error::Error {
    crate::error::Error::new(
        crate::error::ErrorKind::Dtype,
        format!("data type '{text}' not understood"),
    )
}

/// A typestr or name: one element type, no fields.
pub(super) fn parse_plain(text: &str) -> Result<Dtype> {
    if let Some(k) = named(text) {
        return Ok(Dtype::scalar(k));
    }
    let (order, rest) = match text.chars().next() {
        Some('<') => (ByteOrder::Little, &text[1..]),
        Some('>') => (ByteOrder::Big, &text[1..]),
        Some('=') => (ByteOrder::NATIVE, &text[1..]),
        Some('|') => (ByteOrder::NotApplicable, &text[1..]),
        _ => (ByteOrder::NATIVE, text),
    };
    if rest.is_empty() {
        return Err(not_understood(text));
    }
    // One-character codes with a byte-order prefix ("<d", ">i").
    if rest.len() == 1 {
        if let Some(k) = named(rest) {
            return Ok(Dtype::new(DtypeKind::Scalar(k), order));
        }
        if rest == "c" {
            return Ok(Dtype::new(DtypeKind::Bytes(1), order));
        }
    }
    let split = rest
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (kind, digits) = rest.split_at(split);
    // "f2", "f16", "c32" are valid NumPy typestrs for half and long double.
    let sized_unsupported = match (kind, digits) {
        ("f", "12" | "16") | ("c", "24" | "32") => Some("long double"),
        _ => None,
    };
    if let Some(what) = known_unsupported(kind).or(sized_unsupported) {
        bail!(
            Dtype,
            "data type '{text}' ({what}) is not supported by ndmem"
        );
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || kind.len() != 1 {
        return Err(not_understood(text));
    }
    let size: usize = match digits.parse() {
        Ok(n) if n <= MAX_FLEXIBLE_ITEMSIZE => n,
        _ => bail!(Dtype, "data type '{text}': itemsize {digits} is too large"),
    };
    let kind_char = kind.chars().next().unwrap_or(' ');
    let dkind = match kind_char {
        'S' | 'V' | 'U' if size == 0 => bail!(
            Dtype,
            "data type '{text}': zero-sized elements are not supported by ndmem"
        ),
        'S' => DtypeKind::Bytes(size),
        'U' if size <= MAX_FLEXIBLE_ITEMSIZE / 4 => DtypeKind::Unicode(size),
        'U' => bail!(Dtype, "data type '{text}': itemsize {digits} is too large"),
        'V' => DtypeKind::Void(size),
        'b' | 'i' | 'u' | 'f' | 'c' => match ScalarKind::from_kind_and_size(kind_char, size) {
            Some(k) => DtypeKind::Scalar(k),
            None => return Err(not_understood(text)),
        },
        _ => return Err(not_understood(text)),
    };
    Ok(Dtype::new(dkind, order))
}

impl fmt::Display for Dtype {
    /// NumPy's `dtype.str`: byte-order prefix, kind character, itemsize (`<f8`, `|S32`, `|V8`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind() {
            DtypeKind::Scalar(k) => k.kind_char(),
            DtypeKind::Bytes(_) => 'S',
            DtypeKind::Unicode(n) => return write!(f, "{}U{n}", self.byte_order().prefix()),
            DtypeKind::Void(_) | DtypeKind::Record(_) => 'V',
        };
        write!(
            f,
            "{}{}{}",
            self.byte_order().prefix(),
            kind,
            self.itemsize()
        )
    }
}

impl Dtype {
    /// What NumPy prints inside `dtype('...')`: the type name for native numbers (`float64`,
    /// `bool`), the typestr for non-native ones (`>f4`), `S5` / `V8` for flexible types.
    pub fn repr_name(&self) -> String {
        match self.kind() {
            DtypeKind::Scalar(k) if self.is_native() => k.name().to_string(),
            DtypeKind::Scalar(_) => self.to_string(),
            DtypeKind::Bytes(n) => format!("S{n}"),
            DtypeKind::Unicode(n) if self.is_native() => format!("U{n}"),
            DtypeKind::Unicode(_) => self.to_string(),
            DtypeKind::Void(n) => format!("V{n}"),
            DtypeKind::Record(r) if r.is_packed() && !r.is_aligned_struct() => {
                self.descr().unwrap_or_default()
            }
            DtypeKind::Record(r) => {
                let mut s = String::new();
                r.write_dict(&mut s);
                s
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(text: &str, expect: &str) {
        let d: Dtype = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(d.to_string(), expect, "{text}");
    }

    #[test]
    fn parses_numpy_forms() {
        roundtrip("<f8", "<f8");
        roundtrip(">i4", ">i4");
        roundtrip("|S32", "|S32");
        roundtrip("|b1", "|b1");
        roundtrip("<c16", "<c16");
        roundtrip("f8", "<f8");
        roundtrip("float64", "<f8");
        roundtrip("=i2", "<i2");
        roundtrip("<i1", "|i1");
        roundtrip("?", "|b1");
        roundtrip(">d", ">f8");
        roundtrip("V8", "|V8");
        roundtrip("c8", "<c8");
        roundtrip("U3", "<U3");
        roundtrip(">U1", ">U1");
    }

    #[test]
    fn rejects_with_a_clear_message() {
        for bad in [
            "",
            "<",
            "f3",
            "x8",
            "float65",
            "S",
            "S0",
            "i8 ",
            "<<f8",
            "S99999999999",
        ] {
            let e = bad.parse::<Dtype>().unwrap_err();
            assert!(e.message.contains(bad), "{bad}: {}", e.message);
        }
        let e = "<M8".parse::<Dtype>().unwrap_err();
        assert!(e.message.contains("not supported"), "{}", e.message);
    }
}
