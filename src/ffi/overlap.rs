//! Memory overlap queries: `ndm_may_share_memory`, `ndm_shares_memory`,
//! `ndm_is_self_overlapping`.

use super::args;
use super::handle::ndm_array;
use super::status::ndm_status;
use crate::overlap::{self, Footprint, Overlap};
use crate::view;

/// Overlap answer: no byte is shared.
pub const NDM_OVERLAP_NO: i32 = 0;
/// Overlap answer: some byte is shared.
pub const NDM_OVERLAP_YES: i32 = 1;
/// Overlap answer: the work limit was reached first.
pub const NDM_OVERLAP_TOO_HARD: i32 = 2;

fn code(o: Overlap) -> i32 {
    match o {
        Overlap::No => NDM_OVERLAP_NO,
        Overlap::Yes => NDM_OVERLAP_YES,
        Overlap::TooHard => NDM_OVERLAP_TOO_HARD,
    }
}

/// Whether the byte extents of `a` and `b` overlap (NumPy's `may_share_memory`; cheap).
#[no_mangle]
pub unsafe extern "C" fn ndm_may_share_memory(
    a: *const ndm_array,
    b: *const ndm_array,
    result: *mut bool,
) -> ndm_status {
    boundary! {
        let result = args::out(result, "result")?;
        let (a, b) = (args::array(a, "a")?, args::array(b, "b")?);
        *result = overlap::may_share_memory(&Footprint::of(a), &Footprint::of(b));
        Ok(())
    }
}

/// Whether `a` and `b` share a byte, exactly (NumPy's `shares_memory`): `*answer` is
/// `NDM_OVERLAP_NO`, `_YES` or `_TOO_HARD` when more than `max_work` failed branches would be
/// needed (`max_work < 0`: unlimited; `0`: TOO_HARD whenever the extents overlap).
/// `NDM_ERR_OVERFLOW` if the arithmetic overflows 128 bits.
#[no_mangle]
pub unsafe extern "C" fn ndm_shares_memory(
    a: *const ndm_array,
    b: *const ndm_array,
    max_work: i64,
    answer: *mut i32,
) -> ndm_status {
    boundary! {
        let answer = args::out(answer, "answer")?;
        let (a, b) = (args::array(a, "a")?, args::array(b, "b")?);
        *answer = code(overlap::shares_memory(&Footprint::of(a), &Footprint::of(b), max_work)?);
        Ok(())
    }
}

/// Whether two distinct elements of `a` share a byte (`NDM_OVERLAP_*` in `*answer`), with at
/// most `max_work` failed branches (`< 0`: unlimited).
#[no_mangle]
pub unsafe extern "C" fn ndm_is_self_overlapping(
    a: *const ndm_array,
    max_work: i64,
    answer: *mut i32,
) -> ndm_status {
    boundary! {
        let answer = args::out(answer, "answer")?;
        *answer = code(view::is_self_overlapping(args::array(a, "a")?, max_work)?);
        Ok(())
    }
}
