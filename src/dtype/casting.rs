//! NumPy's casting rules: which conversions `casting='no' | 'equiv' | 'safe' | 'same_kind' |
//! 'unsafe'` allows (`np.can_cast(from, to, casting)`).

use super::{Dtype, DtypeKind, ScalarKind};

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
    if casting == Casting::Unsafe || from == to {
        return true;
    }
    let equiv = from.kind() == to.kind();
    match casting {
        Casting::No => false,
        Casting::Equiv => equiv,
        Casting::Safe | Casting::SameKind => match (from.kind(), to.kind()) {
            (DtypeKind::Scalar(f), DtypeKind::Scalar(t)) => {
                safe_scalar(*f, *t)
                    || (casting == Casting::SameKind && kind_rank(*f) <= kind_rank(*t))
            }
            (DtypeKind::Bytes(n), DtypeKind::Bytes(m)) => casting == Casting::SameKind || m >= n,
            _ => equiv,
        },
        Casting::Unsafe => true,
    }
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
}
