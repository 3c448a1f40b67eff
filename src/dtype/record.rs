//! Structured records: named fields at byte offsets (NUMPY_SEMANTICS.md §7). Packed layout by
//! default; with `align`, C-struct layout (each field at the next multiple of its alignment,
//! itemsize rounded up to the largest alignment), which is what the platform C compiler does.

use super::literal::{write_shape_repr, write_str_repr};
use super::Dtype;
use crate::bail;
use crate::error::Result;
use std::fmt::Write;
use std::hash::{Hash, Hasher};

/// Largest record itemsize (NumPy's limit for flexible types).
const MAX_ITEMSIZE: usize = i32::MAX as usize;

/// One field of a record.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// The field's name (never empty: unnamed fields are called `f<position>`).
    pub name: String,
    /// NumPy's optional title, an alias for the name.
    pub title: Option<String>,
    /// The element type (the base type for subarray fields).
    pub dtype: Dtype,
    /// Subarray axes (`('m', '<f4', (2, 3))`), empty for a plain field.
    pub shape: Vec<usize>,
    /// When the field's type is a subarray of a subarray (NumPy's `('c', ('<f8', (5,)), (2,))`:
    /// `shape` `[2, 5]`), the number of axes of each level, outermost first (`[1, 1]`); empty
    /// for a plain field or a single level. The memory layout is `shape`'s either way; the
    /// levels only tell how NumPy describes the type (they take part in equality).
    pub levels: Vec<usize>,
    /// Byte offset inside the record.
    pub offset: usize,
}

impl Field {
    /// The subarray axes level by level, outermost first (one level for a plain subarray,
    /// none for a plain field).
    pub fn level_shapes(&self) -> Vec<&[usize]> {
        if self.levels.is_empty() {
            return if self.shape.is_empty() {
                vec![]
            } else {
                vec![&self.shape[..]]
            };
        }
        let mut rest = &self.shape[..];
        self.levels
            .iter()
            .map(|&n| {
                let (level, tail) = rest.split_at(n);
                rest = tail;
                level
            })
            .collect()
    }

    /// Elements of `dtype` in the field (1 for a plain field).
    pub fn count(&self) -> usize {
        self.shape.iter().product()
    }

    /// Bytes the field occupies.
    pub fn itemsize(&self) -> usize {
        self.count() * self.dtype.itemsize()
    }
}

/// A record layout: fields, itemsize, alignment, and whether it was built with C-struct rules.
#[derive(Clone, Debug)]
pub struct Record {
    fields: Vec<Field>,
    itemsize: usize,
    alignment: usize,
    aligned: bool,
}

/// Equality as NumPy's: same fields (names, titles, dtypes, shapes, offsets) and itemsize. How
/// the layout was requested (`align`) does not matter.
impl PartialEq for Record {
    fn eq(&self, other: &Record) -> bool {
        self.fields == other.fields && self.itemsize == other.itemsize
    }
}
impl Eq for Record {}
impl Hash for Record {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.fields.hash(h);
        self.itemsize.hash(h);
    }
}

/// A field as requested, before layout.
#[derive(Clone, Debug)]
pub struct FieldSpec {
    /// Name; empty means `f<position>`.
    pub name: String,
    /// Optional title.
    pub title: Option<String>,
    /// Element type.
    pub dtype: Dtype,
    /// Subarray axes.
    pub shape: Vec<usize>,
    /// Axes per nested subarray level (see [`Field::levels`]); empty for one level.
    pub levels: Vec<usize>,
    /// Explicit offset (the dict form), or `None` to lay out in order.
    pub offset: Option<usize>,
}

impl FieldSpec {
    /// A plain field laid out in order.
    pub fn new(name: &str, dtype: Dtype) -> FieldSpec {
        FieldSpec {
            name: name.to_string(),
            title: None,
            dtype,
            shape: Vec::new(),
            levels: Vec::new(),
            offset: None,
        }
    }
}

fn round_up(n: usize, to: usize) -> Option<usize> {
    n.checked_next_multiple_of(to.max(1))
}

impl Record {
    /// Lays out `specs` (all with offsets, or none) packed or with C-struct rules, with an
    /// optional explicit itemsize that may enlarge but not shrink the record. Names are kept as
    /// given (an empty name stays empty, as in NumPy's dict form; the list form names unnamed
    /// fields `f<position>` before calling this). No fields is a valid, empty record.
    pub fn build(specs: Vec<FieldSpec>, align: bool, itemsize: Option<usize>) -> Result<Record> {
        let explicit = specs.iter().filter(|s| s.offset.is_some()).count();
        if explicit != 0 && explicit != specs.len() {
            bail!(
                InvalidArg,
                "record fields need offsets for all fields or for none ({explicit} of {} given)",
                specs.len()
            );
        }
        let mut fields: Vec<Field> = Vec::with_capacity(specs.len());
        let (mut end, mut max_align, mut next) = (0usize, 1usize, 0usize);
        for spec in specs {
            let texts = [Some(&spec.name), spec.title.as_ref()];
            if texts.iter().flatten().any(|t| t.contains('\0')) {
                bail!(
                    InvalidArg,
                    "field names and titles cannot contain NUL characters"
                );
            }
            let name = spec.name;
            for used in fields.iter() {
                if used.name == name || used.title.as_deref() == Some(&name) {
                    bail!(InvalidArg, "field '{name}' occurs more than once");
                }
                if let Some(t) = &spec.title {
                    if *t == name || used.name == *t || used.title.as_deref() == Some(t) {
                        bail!(InvalidArg, "title '{t}' already used as a name or title.");
                    }
                }
            }
            let size = spec
                .shape
                .iter()
                .try_fold(spec.dtype.itemsize(), |acc, &n| acc.checked_mul(n))
                .filter(|&n| n <= MAX_ITEMSIZE);
            let Some(size) = size else {
                bail!(
                    InvalidArg,
                    "field '{name}' is larger than {MAX_ITEMSIZE} bytes"
                );
            };
            let a = spec.dtype.alignment();
            let offset = match spec.offset {
                Some(off) if align && off % a != 0 => bail!(
                    InvalidArg,
                    "offset {off} for NumPy dtype with fields is not divisible by the field alignment {a} with align=True"
                ),
                Some(off) => off,
                None if align => round_up(next, a).unwrap_or(usize::MAX),
                None => next,
            };
            let Some(stop) = offset.checked_add(size).filter(|&e| e <= MAX_ITEMSIZE) else {
                bail!(InvalidArg, "record is larger than {MAX_ITEMSIZE} bytes");
            };
            next = stop;
            end = end.max(stop);
            max_align = max_align.max(a);
            let levels = match spec.levels.iter().filter(|&&n| n > 0).count() {
                0 | 1 => Vec::new(),
                _ => spec.levels.into_iter().filter(|&n| n > 0).collect(),
            };
            if !levels.is_empty() && levels.iter().sum::<usize>() != spec.shape.len() {
                bail!(
                    InvalidArg,
                    "field '{name}': subarray levels {levels:?} do not add up to its {} axes",
                    spec.shape.len()
                );
            }
            fields.push(Field {
                name,
                title: spec.title,
                dtype: spec.dtype,
                shape: spec.shape,
                levels,
                offset,
            });
        }
        if align {
            end = round_up(end, max_align).unwrap_or(usize::MAX);
        }
        let mut total = match itemsize {
            Some(n) if n < end => bail!(
                InvalidArg,
                "NumPy dtype descriptor requires {end} bytes, cannot override to smaller itemsize of {n}"
            ),
            Some(n) if align && n % max_align != 0 => bail!(
                InvalidArg,
                "NumPy dtype descriptor requires alignment of {max_align} bytes, which is not divisible into the specified itemsize {n}"
            ),
            Some(n) => n,
            None => end,
        };
        if align {
            total = round_up(total, max_align).unwrap_or(usize::MAX);
        }
        if total > MAX_ITEMSIZE {
            bail!(InvalidArg, "record is larger than {MAX_ITEMSIZE} bytes");
        }
        Ok(Record {
            fields,
            itemsize: total,
            alignment: if align { max_align } else { 1 },
            aligned: align,
        })
    }

    /// The fields in definition order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Bytes per record.
    pub fn itemsize(&self) -> usize {
        self.itemsize
    }

    /// Required alignment (1 unless built with `align`).
    pub fn alignment(&self) -> usize {
        self.alignment
    }

    /// NumPy's `isalignedstruct`: built with C-struct rules.
    pub fn is_aligned_struct(&self) -> bool {
        self.aligned
    }

    /// The field called `key` (a name or a title).
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name == key || f.title.as_deref() == Some(key))
    }

    /// The same layout with every field's dtype passed through `f` (offsets and sizes kept).
    pub fn map_dtypes(&self, f: &dyn Fn(&Dtype) -> Dtype) -> Record {
        let mut r = self.clone();
        for field in r.fields.iter_mut() {
            field.dtype = f(&field.dtype);
        }
        r
    }

    /// A record of the fields `keys` (in that order) at their original offsets, with the
    /// original itemsize: NumPy's multi-field index.
    pub fn subset(&self, keys: &[&str]) -> Result<Record> {
        let mut fields: Vec<Field> = Vec::with_capacity(keys.len());
        for key in keys {
            let Some(f) = self.field(key) else {
                bail!(InvalidArg, "no field of name {key}");
            };
            if fields.iter().any(|g| g.name == f.name) {
                bail!(InvalidArg, "duplicate field of name '{key}'");
            }
            fields.push(f.clone());
        }
        Ok(Record {
            fields,
            itemsize: self.itemsize,
            alignment: self.alignment,
            aligned: self.aligned,
        })
    }

    /// The same fields packed in order with no padding (NumPy's `repack_fields`).
    pub fn packed(&self) -> Record {
        let specs = self
            .fields
            .iter()
            .map(|f| FieldSpec {
                name: f.name.clone(),
                title: f.title.clone(),
                dtype: f.dtype.clone(),
                shape: f.shape.clone(),
                levels: f.levels.clone(),
                offset: None,
            })
            .collect();
        Record::build(specs, false, None).expect("a valid record stays valid when packed")
    }

    /// True when the fields follow each other in order with no gaps, overlaps or tail padding:
    /// the layout NumPy's list form describes without padding entries.
    pub fn is_packed(&self) -> bool {
        let mut next = 0;
        for f in &self.fields {
            if f.offset != next {
                return false;
            }
            next += f.itemsize();
        }
        next == self.itemsize
    }

    /// NumPy's `dtype.descr` text: `(name, typestr[, shape])` per field, padding entries
    /// `('', '|V<n>')` for gaps and trailing bytes, nested records as nested lists.
    pub fn write_descr(&self, out: &mut String) -> Result<()> {
        out.push('[');
        let mut pos = 0;
        let mut first = true;
        let mut sep = |out: &mut String| {
            if !std::mem::take(&mut first) {
                out.push_str(", ");
            }
        };
        for f in &self.fields {
            if f.offset < pos {
                bail!(
                    InvalidArg,
                    "dtype.descr is not defined for types with overlapping or out-of-order fields"
                );
            }
            if f.offset > pos {
                sep(out);
                let _ = write!(out, "('', '|V{}')", f.offset - pos);
            }
            sep(out);
            out.push('(');
            match &f.title {
                Some(t) => {
                    out.push('(');
                    let _ = write_str_repr(out, t);
                    out.push_str(", ");
                    let _ = write_str_repr(out, &f.name);
                    out.push(')');
                }
                None => {
                    let _ = write_str_repr(out, &f.name);
                }
            }
            out.push_str(", ");
            let levels = f.level_shapes();
            let (outer, inner) = levels
                .split_first()
                .map_or((None, &[][..]), |(o, i)| (Some(o), i));
            for _ in inner {
                out.push('(');
            }
            match f.dtype.as_record() {
                Some(r) => r.write_descr(out)?,
                None => {
                    let _ = write!(out, "'{}'", f.dtype);
                }
            }
            for level in inner.iter().rev() {
                out.push_str(", ");
                let _ = write_shape_repr(out, level);
                out.push(')');
            }
            if let Some(outer) = outer {
                out.push_str(", ");
                let _ = write_shape_repr(out, outer);
            }
            out.push(')');
            pos = f.offset + f.itemsize();
        }
        if self.itemsize > pos {
            sep(out);
            let _ = write!(out, "('', '|V{}')", self.itemsize - pos);
        }
        out.push(']');
        Ok(())
    }

    /// NumPy's dict form (`{'names': [...], 'formats': [...], 'offsets': [...], 'itemsize': n}`),
    /// which describes any layout, including overlapping and out-of-order fields.
    pub fn write_dict(&self, out: &mut String) {
        out.push_str("{'names': [");
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write_str_repr(out, &f.name);
        }
        out.push_str("], 'formats': [");
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let levels = f.level_shapes();
            for _ in &levels {
                out.push('(');
            }
            match f.dtype.as_record() {
                Some(inner) => inner.write_dict(out),
                None => {
                    let _ = write!(out, "'{}'", f.dtype);
                }
            }
            for level in levels.iter().rev() {
                out.push_str(", ");
                let _ = write_shape_repr(out, level);
                out.push(')');
            }
        }
        out.push_str("], 'offsets': [");
        for (i, f) in self.fields.iter().enumerate() {
            let _ = write!(out, "{}{}", if i > 0 { ", " } else { "" }, f.offset);
        }
        out.push(']');
        if self.fields.iter().any(|f| f.title.is_some()) {
            out.push_str(", 'titles': [");
            for (i, f) in self.fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match &f.title {
                    Some(t) => {
                        let _ = write_str_repr(out, t);
                    }
                    None => out.push_str("None"),
                }
            }
            out.push(']');
        }
        let _ = write!(out, ", 'itemsize': {}", self.itemsize);
        if self.aligned {
            out.push_str(", 'aligned': True");
        }
        out.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::ScalarKind;

    fn specs(list: &[(&str, ScalarKind)]) -> Vec<FieldSpec> {
        list.iter()
            .map(|(n, k)| FieldSpec::new(n, Dtype::scalar(*k)))
            .collect()
    }

    #[test]
    fn numpy_layouts() {
        use ScalarKind::*;
        let s = specs(&[("a", Int8), ("b", Float64), ("c", Int16)]);
        let p = Record::build(s.clone(), false, None).unwrap();
        let offs: Vec<usize> = p.fields().iter().map(|f| f.offset).collect();
        assert_eq!((offs, p.itemsize(), p.alignment()), (vec![0, 1, 9], 11, 1));
        let a = Record::build(s, true, None).unwrap();
        let offs: Vec<usize> = a.fields().iter().map(|f| f.offset).collect();
        assert_eq!((offs, a.itemsize(), a.alignment()), (vec![0, 8, 16], 24, 8));
        let mut d = String::new();
        a.write_descr(&mut d).unwrap();
        assert_eq!(
            d,
            "[('a', '|i1'), ('', '|V7'), ('b', '<f8'), ('c', '<i2'), ('', '|V6')]"
        );
    }

    #[test]
    fn numpy_errors() {
        use ScalarKind::*;
        let e = Record::build(specs(&[("a", Int8), ("a", Int8)]), false, None).unwrap_err();
        assert_eq!(e.message, "field 'a' occurs more than once");
        let mut s = specs(&[("a", Int32), ("b", Float64)]);
        s[0].offset = Some(0);
        s[1].offset = Some(4);
        let e = Record::build(s.clone(), true, None).unwrap_err();
        assert!(e.message.contains("not divisible by the field alignment 8"));
        let e = Record::build(s, false, Some(8)).unwrap_err();
        assert!(e.message.contains("requires 12 bytes"));
    }
}
