//! NumPy's type promotion (`np.promote_types` / `np.result_type` for arrays): the smallest type
//! both operands cast to safely. The result is always in native byte order, as NumPy's.

use super::{can_cast, Casting, Dtype, DtypeKind, ScalarKind};
use crate::bail;
use crate::error::Result;

/// Candidate results in NumPy's promotion order: for two numeric types the answer is the first
/// candidate both cast to safely (u1+i1 → i2, u8+i8 → f8, i4+f4 → f8, f8+c8 → c16).
const LADDER: [ScalarKind; 14] = [
    ScalarKind::Bool,
    ScalarKind::Int8,
    ScalarKind::UInt8,
    ScalarKind::Int16,
    ScalarKind::UInt16,
    ScalarKind::Int32,
    ScalarKind::UInt32,
    ScalarKind::Int64,
    ScalarKind::UInt64,
    ScalarKind::Float16,
    ScalarKind::Float32,
    ScalarKind::Float64,
    ScalarKind::Complex64,
    ScalarKind::Complex128,
];

/// `np.promote_types(a, b)` for the supported kinds.
pub fn promote(a: &Dtype, b: &Dtype) -> Result<Dtype> {
    match (a.kind(), b.kind()) {
        (DtypeKind::Scalar(_), DtypeKind::Scalar(_)) => {
            for k in LADDER {
                let d = Dtype::scalar(k);
                if can_cast(a, &d, Casting::Safe) && can_cast(b, &d, Casting::Safe) {
                    return Ok(d);
                }
            }
            unreachable!("complex128 holds every numeric type")
        }
        (DtypeKind::Bytes(n), DtypeKind::Bytes(m)) => Ok(Dtype::new(
            DtypeKind::Bytes(*n.max(m)),
            super::ByteOrder::NotApplicable,
        )),
        (DtypeKind::Void(n), DtypeKind::Void(m)) if n == m => Ok(a.clone()),
        (
            DtypeKind::Unicode(n) | DtypeKind::Bytes(n),
            DtypeKind::Unicode(m) | DtypeKind::Bytes(m),
        ) => Ok(Dtype::new(
            DtypeKind::Unicode(*n.max(m)),
            super::ByteOrder::NATIVE,
        )),
        _ => bail!(
            Dtype,
            "The dtypes {} and {} could not be promoted to a common dtype",
            a.repr_name(),
            b.repr_name()
        ),
    }
}

/// Promotion over several dtypes (left to right), e.g. for `concatenate`.
pub fn promote_all<'a>(mut dtypes: impl Iterator<Item = &'a Dtype>) -> Result<Dtype> {
    let Some(first) = dtypes.next() else {
        bail!(InvalidArg, "at least one dtype is needed for promotion");
    };
    dtypes.try_fold(first.to_native(), |acc, d| promote(&acc, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(a: &str, b: &str) -> String {
        promote(&a.parse().unwrap(), &b.parse().unwrap())
            .unwrap()
            .to_string()
    }

    #[test]
    fn numpy_promotions() {
        assert_eq!(p("u1", "i1"), "<i2");
        assert_eq!(p("u8", "i8"), "<f8");
        assert_eq!(p("i4", "f4"), "<f8");
        assert_eq!(p("i2", "f4"), "<f4");
        assert_eq!(p("i1", "f2"), "<f2");
        assert_eq!(p("u1", "f2"), "<f2");
        assert_eq!(p("i2", "f2"), "<f4");
        assert_eq!(p("f2", "c8"), "<c8");
        assert_eq!(p("f8", "c8"), "<c16");
        assert_eq!(p("?", "i1"), "|i1");
        assert_eq!(p(">f8", ">f8"), "<f8");
        assert_eq!(p("S3", "S5"), "|S5");
        assert!(promote(&"f8".parse().unwrap(), &"S3".parse().unwrap()).is_err());
    }
}
