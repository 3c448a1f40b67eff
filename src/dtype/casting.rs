//! NumPy's casting rules: which conversions `casting='no' | 'equiv' | 'safe' | 'same_kind' |
//! 'unsafe'` allows (`np.can_cast(from, to, casting)`).

use super::{Dtype, DtypeKind, Record, ScalarKind};

/// How permissive a conversion may be, as NumPy's `casting=` argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Casting {
    /// Only identical dtypes (byte order included).
    No,
    /// Identical up to byte order.
    Equiv,
    /// Conversions that preserve every value.
    Safe,
    /// Safe conversions, or conversions within a kind or to a higher kind (e.g. float64 to float32).
    SameKind,
    /// Any conversion.
    Unsafe,
}

impl Casting {
    /// NumPy's spelling of the rule, used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Casting::No => "no",
            Casting::Equiv => "equiv",
            Casting::Safe => "safe",
            Casting::SameKind => "same_kind",
            Casting::Unsafe => "unsafe",
        }
    }
}

/// Position of a kind in NumPy's `same_kind` ordering (bool < unsigned < signed < float < complex).
fn kind_rank(k: ScalarKind) -> u8 {
    match k.kind_char() {
        'b' => 0,
        'u' => 1,
        'i' => 2,
        'f' => 3,
        _ => 4,
    }
}

/// Characters NumPy reserves for the text of any value of `k` (its safe casts to `S<n>`).
fn text_width(k: ScalarKind) -> usize {
    use ScalarKind::*;
    match k {
        Bool => 5,
        Int8 => 4,
        UInt8 => 3,
        Int16 => 6,
        UInt16 => 5,
        Int32 => 11,
        UInt32 => 10,
        Int64 => 21,
        UInt64 => 20,
        Float16 | Float32 | Float64 => 32,
        Complex64 | Complex128 => 64,
    }
}

/// True when every value of `from` is exactly representable in `to`.
fn safe_scalar(from: ScalarKind, to: ScalarKind) -> bool {
    let (fs, ts) = (from.itemsize(), to.itemsize());
    match (from.kind_char(), to.kind_char()) {
        (_, _) if from == to => true,
        ('b', _) => true,
        (_, 'b') => false,
        ('u', 'u') | ('i', 'i') | ('f', 'f') | ('c', 'c') => ts >= fs,
        ('u', 'i') => ts > fs,
        ('i', 'u') => false,
        // Integers: 8 bits fit binary16's significand, 16 bits binary32's; everything goes to
        // binary64 (NumPy counts int64 -> float64 as safe).
        ('u' | 'i', 'f') => ts == 8 || fs < ts,
        ('u' | 'i', 'c') => ts == 16 || fs <= 2,
        ('f', 'c') => ts >= 2 * fs,
        _ => false,
    }
}

/// Whether NumPy's `can_cast(from, to, casting)` allows the conversion.
pub fn can_cast(from: &Dtype, to: &Dtype, casting: Casting) -> bool {
    cast_level(from, to).is_some_and(|needed| needed <= casting)
}

/// The least permissive `casting` that allows converting `from` to `to`, or `None` when NumPy
/// has no conversion at all (records with different field counts, a record to raw bytes).
pub fn cast_level(from: &Dtype, to: &Dtype) -> Option<Casting> {
    if from == to {
        return Some(Casting::No);
    }
    Some(match (from.kind(), to.kind()) {
        (DtypeKind::Record(a), DtypeKind::Record(b)) => return record_level(a, b),
        // A one-field record converts to its field's type; a number fills every field.
        (DtypeKind::Record(a), _) => match a.fields() {
            [f] => {
                cast_level(&f.dtype, to)?;
                Casting::Unsafe
            }
            _ => return None,
        },
        // NumPy also allows raw void to a record (unsafe), though its conversion then fails.
        (_, DtypeKind::Record(_)) => Casting::Unsafe,
        (DtypeKind::Scalar(f), DtypeKind::Scalar(t)) if f == t => Casting::Equiv,
        (DtypeKind::Scalar(f), DtypeKind::Scalar(t)) if safe_scalar(*f, *t) => Casting::Safe,
        (DtypeKind::Scalar(f), DtypeKind::Scalar(t)) if kind_rank(*f) <= kind_rank(*t) => {
            Casting::SameKind
        }
        (DtypeKind::Bytes(n), DtypeKind::Bytes(m)) if m >= n => Casting::Safe,
        (DtypeKind::Bytes(_), DtypeKind::Bytes(_)) => Casting::SameKind,
        // Numbers print into bytes: safe when every value's text fits.
        (DtypeKind::Scalar(k), DtypeKind::Bytes(m)) if *m >= text_width(*k) => Casting::Safe,
        (DtypeKind::Scalar(_), DtypeKind::Bytes(_)) => Casting::SameKind,
        // Text: longer is safe, shorter truncates; bytes and numbers widen into it like S.
        (DtypeKind::Unicode(n), DtypeKind::Unicode(m)) if n == m => Casting::Equiv,
        (DtypeKind::Unicode(n) | DtypeKind::Bytes(n), DtypeKind::Unicode(m)) if m >= n => {
            Casting::Safe
        }
        (DtypeKind::Unicode(_) | DtypeKind::Bytes(_), DtypeKind::Unicode(_)) => Casting::SameKind,
        (DtypeKind::Scalar(k), DtypeKind::Unicode(m)) if *m >= text_width(*k) => Casting::Safe,
        (DtypeKind::Scalar(_), DtypeKind::Unicode(_)) => Casting::SameKind,
        // Raw bytes take anything that fits; a shorter void truncates (same_kind).
        (DtypeKind::Void(n), DtypeKind::Void(m)) if m < n => Casting::SameKind,
        (_, DtypeKind::Void(m)) if from.itemsize() <= *m => Casting::Safe,
        _ => Casting::Unsafe,
    })
}

/// Records convert field by field in position order (NumPy 2): names may differ (at least
/// `safe`), offsets and itemsize may differ (at least `equiv`), the field counts may not.
fn record_level(a: &Record, b: &Record) -> Option<Casting> {
    if a.fields().len() != b.fields().len() {
        return None;
    }
    let mut level = Casting::No;
    for (fa, fb) in a.fields().iter().zip(b.fields()) {
        // Shapes that differ follow NumPy's subarray rules: a plain number broadcasts safely;
        // a record into a subarray is a record-to-unstructured cast (one field only);
        // otherwise the base types must convert (a record's one field), unsafely.
        let field = match (
            fa.shape == fb.shape,
            fa.shape.is_empty(),
            fa.dtype.as_record(),
        ) {
            (true, _, _) => cast_level(&fa.dtype, &fb.dtype)?,
            (false, true, None) => cast_level(&fa.dtype, &fb.dtype)?.max(Casting::Safe),
            (false, true, Some(r)) => match r.fields() {
                [only] => {
                    cast_level(&only.dtype, &fb.dtype)?;
                    Casting::Unsafe
                }
                _ => return None,
            },
            (false, false, inner) => {
                // Into a plain field, a record subarray converts only through its one field.
                match (fb.shape.is_empty(), inner.map(|r| r.fields())) {
                    (false, _) | (true, None) => cast_level(&fa.dtype, &fb.dtype)?,
                    (true, Some([only])) => cast_level(&only.dtype, &fb.dtype)?,
                    (true, Some(_)) => return None,
                };
                Casting::Unsafe
            }
        };
        level = level.max(field);
        if fa.name != fb.name || fa.title != fb.title {
            level = level.max(Casting::Safe);
        }
        if fa.offset != fb.offset {
            level = level.max(Casting::Equiv);
        }
    }
    if a.itemsize() != b.itemsize() {
        level = level.max(Casting::Equiv);
    }
    Some(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dtype {
        s.parse().unwrap()
    }

    #[test]
    fn numpy_examples() {
        assert!(can_cast(&d("i8"), &d("f8"), Casting::Safe));
        assert!(!can_cast(&d("i8"), &d("f4"), Casting::Safe));
        assert!(can_cast(&d("i2"), &d("f4"), Casting::Safe));
        assert!(!can_cast(&d("f8"), &d("i8"), Casting::SameKind));
        assert!(can_cast(&d("f8"), &d("f4"), Casting::SameKind));
        assert!(can_cast(&d("u8"), &d("i1"), Casting::SameKind));
        assert!(!can_cast(&d("i8"), &d("u8"), Casting::SameKind));
        assert!(can_cast(&d("<f8"), &d(">f8"), Casting::Equiv));
        assert!(!can_cast(&d("<f8"), &d(">f8"), Casting::No));
        assert!(can_cast(&d("S3"), &d("S5"), Casting::Safe));
        assert!(!can_cast(&d("S5"), &d("S3"), Casting::Safe));
    }

    #[test]
    fn records_cast_by_position() {
        let p = d("[('a','i4'),('b','f8')]");
        let aligned =
            super::super::spec::parse_with_align("[('a','i4'),('b','f8')]", true).unwrap();
        assert_eq!(cast_level(&p, &aligned), Some(Casting::Equiv));
        assert_eq!(
            cast_level(&p, &d("[('x','i4'),('y','f8')]")),
            Some(Casting::Safe)
        );
        assert_eq!(
            cast_level(&p, &d("[('a','i2'),('b','f8')]")),
            Some(Casting::SameKind)
        );
        assert_eq!(cast_level(&p, &d("[('a','i4')]")), None);
        assert_eq!(cast_level(&p, &d("f8")), None);
        assert_eq!(
            cast_level(&d("[('a','f8')]"), &d("f8")),
            Some(Casting::Unsafe)
        );
        assert_eq!(cast_level(&d("f8"), &p), Some(Casting::Unsafe));
    }
}
