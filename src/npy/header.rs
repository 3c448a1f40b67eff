//! The `.npy` header (NUMPY_SEMANTICS.md §8): the magic string, the version, the header length,
//! and the dict text `{'descr': ..., 'fortran_order': ..., 'shape': ..., }`, written byte for
//! byte as NumPy writes it and read as strictly as NumPy reads it — but without trusting it:
//! every length is checked against the file before anything is allocated.

use crate::bail;
use crate::dtype::literal::{write_shape_repr, Literal};
use crate::dtype::{Dtype, DtypeKind, FieldSpec, Record};
use crate::error::{Error, ErrorKind, Result};
use crate::layout;

/// The first six bytes of every `.npy` file.
pub const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// Data starts at a multiple of this many bytes.
const ARRAY_ALIGN: usize = 64;

/// Room left after the first (or, in Fortran order, last) length so that a writer can grow the
/// array in place (NumPy's `GROWTH_AXIS_MAX_DIGITS`).
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

/// Longest header text read. NumPy's default limit is 10,000 characters because it parses
/// headers with Python's `literal_eval`; ndmem's parser is linear-time and depth-bounded, so a
/// larger limit is safe, and a 3,000-field record header (72 KB, which NumPy writes) loads.
pub const MAX_HEADER_LEN: usize = 16 << 20;

/// What a header describes: element type, shape and whether the data is in column-major order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Element type (`descr`).
    pub dtype: Dtype,
    /// Axis lengths (`shape`).
    pub shape: Vec<i64>,
    /// The data is the array's bytes in Fortran (column-major) order.
    pub fortran_order: bool,
}

/// The fixed-size start of a file: format version and where the data begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefix {
    /// Major version: 1, 2 or 3 (the minor version is always 0).
    pub major: u8,
    /// Bytes before the header text (10 for version 1, 12 otherwise).
    pub prefix_len: usize,
    /// Length of the header text including its padding and newline.
    pub header_len: usize,
}

impl Prefix {
    /// Byte offset of the data.
    pub fn data_start(&self) -> u64 {
        (self.prefix_len + self.header_len) as u64
    }
}

/// Bytes of the length field for a major version.
fn len_field_size(major: u8) -> usize {
    if major == 1 {
        2
    } else {
        4
    }
}

/// Longest prefix: magic, two version bytes, a four-byte length.
pub const MAX_PREFIX_LEN: usize = 12;

/// Reads the magic string, version and header length from the first bytes of a file
/// (`bytes` holds up to [`MAX_PREFIX_LEN`] bytes, fewer if the file is shorter).
pub fn parse_prefix(bytes: &[u8]) -> Result<Prefix> {
    if bytes.len() < 8 && MAGIC.starts_with(&bytes[..bytes.len().min(6)]) {
        bail!(
            Format,
            "not a .npy file: only {} bytes, too short for the magic string and version",
            bytes.len()
        );
    }
    if bytes.len() < 8 || &bytes[..6] != MAGIC {
        let shown: Vec<u8> = bytes.iter().take(6).copied().collect();
        bail!(
            Format,
            "not a .npy file: the magic string is not correct; expected b'\\x93NUMPY', got {}",
            py_bytes(&shown)
        );
    }
    let (major, minor) = (bytes[6], bytes[7]);
    if !matches!((major, minor), (1, 0) | (2, 0) | (3, 0)) {
        bail!(
            Format,
            "we only support format version (1,0), (2,0), and (3,0), not ({major}, {minor})"
        );
    }
    let size = len_field_size(major);
    let Some(field) = bytes.get(8..8 + size) else {
        bail!(
            Format,
            "EOF: reading array header length, expected {size} bytes got {}",
            bytes.len() - 8
        );
    };
    let header_len = field
        .iter()
        .rev()
        .fold(0usize, |acc, &b| (acc << 8) | b as usize);
    Ok(Prefix {
        major,
        prefix_len: 8 + size,
        header_len,
    })
}

/// Python's `repr(bytes)` for short byte strings in messages.
fn py_bytes(b: &[u8]) -> String {
    let mut s = String::from("b'");
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\'' => s.push_str("\\'"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('\'');
    s
}

impl Header {
    /// The header NumPy writes for an array of `dtype` with this `shape` and `strides`:
    /// Fortran order only when the array is F-contiguous and not C-contiguous.
    pub fn describe(dtype: &Dtype, shape: &[i64], strides: &[i64]) -> Header {
        let itemsize = dtype.itemsize();
        let fortran_order = !layout::is_c_contiguous(shape, strides, itemsize)
            && layout::is_f_contiguous(shape, strides, itemsize);
        Header {
            dtype: dtype.clone(),
            shape: shape.to_vec(),
            fortran_order,
        }
    }

    /// The dict text before padding: `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`
    /// plus NumPy's growth spaces.
    pub fn dict_text(&self) -> Result<String> {
        let descr = match self.dtype.kind() {
            DtypeKind::Record(_) => self.dtype.descr()?,
            _ => format!("'{}'", self.dtype),
        };
        let order = if self.fortran_order { "True" } else { "False" };
        let mut text = format!("{{'descr': {descr}, 'fortran_order': {order}, 'shape': ");
        let dims: Vec<usize> = self.shape.iter().map(|&n| n as usize).collect();
        write_shape_repr(&mut text, &dims).expect("writing to a String cannot fail");
        text.push_str(", }");
        let grow = if self.fortran_order {
            self.shape.last()
        } else {
            self.shape.first()
        };
        if let Some(n) = grow {
            let digits = n.to_string().len();
            text.extend(std::iter::repeat_n(
                ' ',
                GROWTH_AXIS_MAX_DIGITS.saturating_sub(digits),
            ));
        }
        Ok(text)
    }

    /// The complete bytes before the data: magic, version, length, header text, padding and
    /// newline, so that the data starts at a multiple of 64. `version` 1, 2 or 3 forces that
    /// format; `None` chooses as NumPy does (1.0 if the length fits in 16 bits, else 2.0 if the
    /// text is latin-1, else 3.0). Returns the bytes and the major version used.
    pub fn encode(&self, version: Option<u8>) -> Result<(Vec<u8>, u8)> {
        let text = self.dict_text()?;
        match version {
            Some(v @ 1..=3) => Ok((wrap(&text, v)?, v)),
            Some(v) => bail!(
                InvalidArg,
                "we only support format version (1,0), (2,0), and (3,0), not ({v}, 0)"
            ),
            None => {
                for v in [1, 2, 3] {
                    if let Ok(bytes) = wrap(&text, v) {
                        return Ok((bytes, v));
                    }
                }
                bail!(
                    InvalidArg,
                    "header of {} bytes is too long for any .npy version",
                    text.len()
                )
            }
        }
    }

    /// Memory order of the data.
    pub fn order(&self) -> layout::MemOrder {
        if self.fortran_order {
            layout::MemOrder::F
        } else {
            layout::MemOrder::C
        }
    }

    /// Number of elements and data bytes, checked for overflow.
    pub fn sizes(&self) -> Result<(usize, u64)> {
        let count = layout::check_shape(&self.shape, self.dtype.itemsize()).map_err(|e| {
            Error::new(
                ErrorKind::Format,
                format!("shape is not valid: {}", e.message),
            )
        })?;
        Ok((count, count as u64 * self.dtype.itemsize() as u64))
    }
}

/// `text` encoded for version `major` with its prefix, padding and newline.
fn wrap(text: &str, major: u8) -> Result<Vec<u8>> {
    let encoded: Vec<u8> = if major == 3 {
        text.as_bytes().to_vec()
    } else {
        match text.chars().map(u8::try_from).collect::<std::result::Result<Vec<u8>, _>>() {
            Ok(b) => b,
            Err(_) => bail!(
                InvalidArg,
                "the header contains characters outside latin-1 (a field name?): use format version 3.0"
            ),
        }
    };
    let size = len_field_size(major);
    let hlen = encoded.len() + 1;
    let padlen = ARRAY_ALIGN - (8 + size + hlen) % ARRAY_ALIGN;
    let total = hlen + padlen;
    if size == 2 && total > u16::MAX as usize || total > u32::MAX as usize {
        bail!(
            InvalidArg,
            "Header length {hlen} too big for version=({major}, 0)"
        );
    }
    let mut out = Vec::with_capacity(8 + size + total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[major, 0]);
    out.extend_from_slice(&(total as u32).to_le_bytes()[..size]);
    out.extend_from_slice(&encoded);
    out.extend(std::iter::repeat_n(b' ', padlen));
    out.push(b'\n');
    Ok(out)
}

/// Parses the header text (the `header_len` bytes after the prefix) of a version-`major` file.
pub fn parse_dict(bytes: &[u8], major: u8) -> Result<Header> {
    let text: String = if major == 3 {
        match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            Err(e) => bail!(Format, "the header of a version 3.0 file is not UTF-8: {e}"),
        }
    } else {
        bytes.iter().map(|&b| b as char).collect()
    };
    let lit = Literal::parse(&text).map_err(|e| {
        Error::new(
            ErrorKind::Format,
            format!("Cannot parse header: {}", e.message),
        )
    })?;
    let Literal::Dict(entries) = &lit else {
        bail!(Format, "Header is not a dictionary: {}", short(&text));
    };
    // Python keeps the last value of a repeated key.
    let value = |key: &str| {
        entries
            .iter()
            .rev()
            .find(|(k, _)| matches!(k, Literal::Str(s) if s == key))
            .map(|(_, v)| v)
    };
    let known = |k: &Literal| matches!(k, Literal::Str(s) if s == "descr" || s == "fortran_order" || s == "shape");
    let (Some(descr), Some(order), Some(shape)) =
        (value("descr"), value("fortran_order"), value("shape"))
    else {
        bail!(
            Format,
            "Header does not contain the correct keys: it needs exactly 'descr', 'fortran_order' and 'shape' ({})",
            short(&text)
        );
    };
    if !entries.iter().all(|(k, _)| known(k)) {
        bail!(
            Format,
            "Header does not contain the correct keys: it has keys other than 'descr', 'fortran_order' and 'shape' ({})",
            short(&text)
        );
    }
    let shape = match shape {
        Literal::Tuple(items) => items
            .iter()
            .map(|v| match v {
                Literal::Int(n) => Ok(*n),
                _ => Err(()),
            })
            .collect::<std::result::Result<Vec<i64>, ()>>()
            .ok(),
        _ => None,
    };
    let Some(shape) = shape else {
        bail!(Format, "shape is not valid: it must be a tuple of ints");
    };
    if shape.len() > layout::MAX_NDIM {
        bail!(
            Format,
            "shape is not valid: {} dimensions (at most {} are supported)",
            shape.len(),
            layout::MAX_NDIM
        );
    }
    if let Some(n) = shape.iter().find(|&&n| n < 0) {
        bail!(Format, "shape is not valid: negative dimension {n}");
    }
    let Literal::Bool(fortran_order) = *order else {
        bail!(Format, "fortran_order is not a valid bool");
    };
    let dtype = descr_to_dtype(descr, 0).map_err(|e| {
        Error::new(
            ErrorKind::Format,
            format!("descr is not a valid dtype descriptor: {}", e.message),
        )
    })?;
    Ok(Header {
        dtype,
        shape,
        fortran_order,
    })
}

/// NumPy's `descr_to_dtype`: a typestr, a `(descr, shape)` subarray, or a field list in which
/// unnamed void entries are padding (they advance the offset but make no field).
fn descr_to_dtype(descr: &Literal, depth: usize) -> Result<Dtype> {
    if depth > crate::dtype::literal::MAX_DEPTH {
        bail!(Dtype, "records nested too deeply");
    }
    match descr {
        Literal::Str(s) => {
            if s.trim_start_matches(['<', '>', '|', '=']).starts_with('O') {
                bail!(
                    Dtype,
                    "'{s}' holds Python objects (pickled data), which ndmem cannot load"
                );
            }
            s.parse::<Dtype>()
        }
        Literal::List(items) => {
            let mut specs = Vec::with_capacity(items.len());
            let mut offset = 0usize;
            for item in items {
                let parts = match item {
                    Literal::Tuple(p) if p.len() == 2 || p.len() == 3 => p,
                    _ => bail!(
                        Dtype,
                        "a field must be (name, descr) or (name, descr, shape)"
                    ),
                };
                let (dtype, mut levels) = field_descr(&parts[1], depth + 1)?;
                if let Some(s) = parts.get(2) {
                    levels.insert(0, subarray_shape(s)?);
                }
                levels.retain(|l| !l.is_empty());
                let shape: Vec<i64> = levels.concat();
                if shape.iter().any(|&n| !(0..=i32::MAX as i64).contains(&n)) {
                    bail!(
                        Dtype,
                        "invalid subarray shape {}",
                        layout::shape_str(&shape)
                    );
                }
                let count = shape
                    .iter()
                    .try_fold(1usize, |acc, &n| acc.checked_mul(n as usize));
                let size = count.and_then(|c| c.checked_mul(dtype.itemsize()));
                let Some(size) = size.filter(|&s| s <= i32::MAX as usize) else {
                    bail!(
                        Dtype,
                        "a field of {} elements is too large",
                        layout::shape_str(&shape)
                    );
                };
                let (title, name) = match &parts[0] {
                    Literal::Str(n) => (None, n.clone()),
                    Literal::Tuple(tn) if tn.len() == 2 => match (&tn[0], &tn[1]) {
                        (Literal::Str(t), Literal::Str(n)) => (Some(t.clone()), n.clone()),
                        _ => bail!(Dtype, "a field title and name must be strings"),
                    },
                    _ => bail!(Dtype, "a field name must be a string or (title, name)"),
                };
                let padding = name.is_empty() && matches!(dtype.kind(), DtypeKind::Void(_));
                if !padding {
                    specs.push(FieldSpec {
                        name,
                        title,
                        dtype,
                        shape: shape.iter().map(|&n| n as usize).collect(),
                        levels: levels.iter().map(Vec::len).collect(),
                        offset: Some(offset),
                    });
                }
                offset = match offset.checked_add(size) {
                    Some(o) if o <= i32::MAX as usize => o,
                    _ => bail!(Dtype, "a record larger than 2 GiB"),
                };
            }
            Ok(Dtype::record(Record::build(specs, false, Some(offset))?))
        }
        Literal::Tuple(parts) if parts.len() == 2 => {
            bail!(
                Dtype,
                "a subarray dtype is supported only as a record field"
            )
        }
        _ => bail!(Dtype, "expected a string or a list of fields"),
    }
}

/// A field's descr: `(descr, shape)` subarrays (nested ones too) give their axes level by level,
/// outermost first, and the element dtype.
fn field_descr(descr: &Literal, depth: usize) -> Result<(Dtype, Vec<Vec<i64>>)> {
    match descr {
        Literal::Tuple(parts) if parts.len() == 2 => {
            if depth > crate::dtype::literal::MAX_DEPTH {
                bail!(Dtype, "subarrays nested too deeply");
            }
            let (dtype, mut levels) = field_descr(&parts[0], depth + 1)?;
            levels.insert(0, subarray_shape(&parts[1])?);
            Ok((dtype, levels))
        }
        _ => Ok((descr_to_dtype(descr, depth)?, Vec::new())),
    }
}

/// A subarray shape: an int or a tuple of ints.
fn subarray_shape(lit: &Literal) -> Result<Vec<i64>> {
    match lit {
        Literal::Int(n) => Ok(vec![*n]),
        Literal::Tuple(t) => t
            .iter()
            .map(|v| match v {
                Literal::Int(n) => Ok(*n),
                _ => Err(Error::new(
                    ErrorKind::Dtype,
                    "a subarray shape must be ints",
                )),
            })
            .collect(),
        _ => bail!(Dtype, "a subarray shape must be an int or a tuple of ints"),
    }
}

/// The start of a long text, for messages.
fn short(text: &str) -> String {
    let t = text.trim_end();
    match t.char_indices().nth(120) {
        Some((i, _)) => format!("{}...", &t[..i]),
        None => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(descr: &str, shape: &[i64], f: bool) -> Header {
        Header {
            dtype: descr.parse().unwrap(),
            shape: shape.to_vec(),
            fortran_order: f,
        }
    }

    #[test]
    fn numpy_layout_of_a_small_header() {
        let (bytes, v) = header("<f8", &[2, 3], false).encode(None).unwrap();
        assert_eq!(v, 1);
        assert_eq!(bytes.len(), 128);
        assert_eq!(&bytes[..10], b"\x93NUMPY\x01\x00\x76\x00");
        let text = std::str::from_utf8(&bytes[10..]).unwrap();
        assert!(text.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"));
        assert!(text.ends_with(" \n"));
        let p = parse_prefix(&bytes[..12]).unwrap();
        assert_eq!(p.data_start(), 128);
        assert_eq!(
            parse_dict(&bytes[10..], 1).unwrap(),
            header("<f8", &[2, 3], false)
        );
    }

    #[test]
    fn an_aligned_header_still_gets_padding() {
        // 8 + 2 + len + 1 == 64 would give padlen 0 in a naive formula; NumPy adds 64.
        for n in 0..200 {
            let h = header("<f8", &[n], false);
            let (bytes, _) = h.encode(Some(1)).unwrap();
            assert_eq!(bytes.len() % 64, 0);
            assert!(bytes[..bytes.len() - 1].ends_with(b" "));
        }
    }

    #[test]
    fn padding_entries_are_skipped_on_read() {
        let text = "{'descr': [('a', '|i1'), ('', '|V7'), ('b', '<f8')], 'fortran_order': False, 'shape': (2,), }";
        let h = parse_dict(text.as_bytes(), 1).unwrap();
        let r = h.dtype.as_record().unwrap();
        assert_eq!(r.itemsize(), 16);
        assert_eq!(r.fields().len(), 2);
        assert_eq!(r.fields()[1].offset, 8);
    }

    #[test]
    fn hostile_headers_are_format_errors() {
        for text in [
            "[1, 2]",
            "{'descr': '<f8', 'shape': (2,)}",
            "{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': [2]}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}",
            "{'descr': '|O', 'fortran_order': False, 'shape': (1,)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}",
            "{'descr': [('a', '<f8', (2147483647, 2147483647))], 'fortran_order': False, 'shape': ()}",
        ] {
            let e = parse_dict(text.as_bytes(), 1).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Format, "{text}: {}", e.message);
        }
    }
}
