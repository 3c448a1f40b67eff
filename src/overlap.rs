//! Whether two arrays share memory: `may_share_memory` (byte extents overlap) and the exact,
//! work-bounded `shares_memory` (NUMPY_SEMANTICS.md §4), plus internal overlap (two elements
//! of one array sharing a byte).
//!
//! The exact question is a bounded linear Diophantine equation `Σ c_i x_i = rhs`,
//! `0 ≤ x_i ≤ ub_i`, solved depth-first as NumPy does, counting failed branches against
//! `max_work` so that answers (including TOO_HARD) agree with NumPy. Arithmetic is in i128 and
//! checked; an overflow is reported as an `Overflow` error.

use crate::array::Array;
use crate::bail;
use crate::error::Result;
use crate::layout;

/// The answer of an overlap query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlap {
    /// No byte is shared.
    No,
    /// Some byte is shared.
    Yes,
    /// The work limit was reached before an answer.
    TooHard,
}

/// The bytes an array can reach: address of element 0, shape, byte strides, itemsize.
#[derive(Clone, Debug)]
pub struct Footprint<'a> {
    /// Address of element 0.
    pub addr: i128,
    /// Axis lengths.
    pub shape: &'a [i64],
    /// Byte strides.
    pub strides: &'a [i64],
    /// Bytes per element.
    pub itemsize: usize,
}

impl<'a> Footprint<'a> {
    /// The footprint of an array.
    pub fn of(a: &'a Array) -> Footprint<'a> {
        Footprint {
            addr: a.data_ptr() as usize as i128,
            shape: a.shape(),
            strides: a.strides(),
            itemsize: a.itemsize(),
        }
    }

    /// Absolute byte range `[start, end)`, or `None` when there are no elements.
    fn extent(&self) -> Option<(i128, i128)> {
        if self.shape.contains(&0) {
            return None;
        }
        let mut lo = self.addr;
        let mut hi = self.addr + self.itemsize as i128;
        for (&n, &s) in self.shape.iter().zip(self.strides) {
            let span = (n as i128 - 1) * s as i128;
            if span < 0 {
                lo += span;
            } else {
                hi += span;
            }
        }
        Some((lo, hi))
    }

    fn terms(&self, out: &mut Vec<(i128, i128)>) {
        for (&n, &s) in self.shape.iter().zip(self.strides) {
            if n > 1 && s != 0 {
                out.push(((s as i128).abs(), n as i128 - 1));
            }
        }
    }
}

/// True when the byte extents of `a` and `b` overlap (NumPy's `may_share_memory` default).
pub fn may_share_memory(a: &Footprint, b: &Footprint) -> bool {
    match (a.extent(), b.extent()) {
        (Some((sa, ea)), Some((sb, eb))) => sa < eb && sb < ea,
        _ => false,
    }
}

/// Exact overlap of `a` and `b` with at most `max_work` failed branches (`< 0`: unlimited;
/// `0`: TooHard whenever the extents overlap), as NumPy's `solve_may_share_memory`.
pub fn shares_memory(a: &Footprint, b: &Footprint, max_work: i64) -> Result<Overlap> {
    let ((sa, ea), (sb, eb)) = match (a.extent(), b.extent()) {
        (Some(x), Some(y)) => (x, y),
        _ => return Ok(Overlap::No),
    };
    if !(sa < eb && sb < ea) {
        return Ok(Overlap::No);
    }
    if max_work == 0 {
        return Ok(Overlap::TooHard);
    }
    let rhs = (eb - 1 - sa).min(ea - 1 - sb);
    let mut terms = Vec::new();
    a.terms(&mut terms);
    b.terms(&mut terms);
    for item in [a.itemsize, b.itemsize] {
        if item > 1 {
            terms.push((1, item as i128 - 1));
        }
    }
    // Sort by coefficient, largest first; merge equal coefficients; clip to what rhs allows.
    terms.sort_by_key(|t| std::cmp::Reverse(t.0));
    let mut merged: Vec<(i128, i128)> = Vec::with_capacity(terms.len());
    for (c, ub) in terms {
        match merged.last_mut() {
            Some(last) if last.0 == c => last.1 += ub,
            _ => merged.push((c, ub)),
        }
    }
    let terms: Vec<(i128, i128)> = merged
        .into_iter()
        .map(|(c, ub)| (c, ub.min(rhs / c)))
        .filter(|&(_, ub)| ub > 0)
        .collect();
    Solver::new(terms, max_work, None)?.solve(rhs)
}

/// Whether two distinct elements of one array share a byte, with at most `max_work` failed
/// branches (NumPy's `solve_may_have_internal_overlap`).
pub fn internal_overlap(a: &Footprint, max_work: i64) -> Result<Overlap> {
    if layout::is_c_contiguous(a.shape, a.strides, a.itemsize) {
        return Ok(Overlap::No);
    }
    if a.shape.contains(&0) {
        return Ok(Overlap::No);
    }
    let mut terms: Vec<(i128, i128)> = Vec::new();
    for (&n, &s) in a.shape.iter().zip(a.strides) {
        if n > 1 {
            if s == 0 {
                return Ok(Overlap::Yes);
            }
            terms.push(((s as i128).abs(), n as i128 - 1));
        }
    }
    if a.itemsize > 1 {
        terms.push((1, a.itemsize as i128 - 1));
    }
    // z_i = (i_i - j_i) + ub_i ranges over [0, 2 ub_i]; the midpoint is "the same element".
    let rhs: i128 = terms.iter().map(|&(c, ub)| c * ub).sum();
    let mid: Vec<i128> = terms.iter().map(|&(_, ub)| ub).collect();
    let mut order: Vec<usize> = (0..terms.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(terms[i].0));
    let sorted: Vec<(i128, i128)> = order
        .iter()
        .map(|&i| (terms[i].0, 2 * terms[i].1))
        .collect();
    let mid: Vec<i128> = order.iter().map(|&i| mid[i]).collect();
    let sorted = sorted
        .into_iter()
        .map(|(c, ub)| (c, ub.min(rhs / c)))
        .collect();
    Solver::new(sorted, max_work, Some(mid))?.solve(rhs)
}

/// The depth-first solver. Arithmetic is in i64 as NumPy's (every quantity is bounded by the
/// right-hand side after clipping; setup overflow is reported), with per-level constants
/// precomputed so that each visit costs a few integer operations.
struct Solver {
    c: Vec<i64>,
    ub: Vec<i64>,
    /// gcd(c_0..c_k)
    g: Vec<i64>,
    /// Σ_{i≤k} c_i ub_i: the largest value the first k+1 terms can reach.
    prefix: Vec<i64>,
    /// m_k = g_{k-1} / g_k: candidates for x_k repeat with this period.
    period: Vec<i64>,
    /// Inverse of c_k / g_k modulo m_k (0 when m_k == 1).
    inv: Vec<i64>,
    max_work: i64,
    count: i64,
    exclude: Option<Vec<i64>>,
    x: Vec<i64>,
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

/// The inverse of `a` modulo `m` (gcd(a, m) == 1, m > 1).
fn inverse(a: i64, m: i64) -> i64 {
    let (mut old_r, mut r) = (a.rem_euclid(m) as i128, m as i128);
    let (mut old_s, mut s) = (1i128, 0i128);
    while r != 0 {
        let q = old_r / r;
        (old_r, r) = (r, old_r - q * r);
        (old_s, s) = (s, old_s - q * s);
    }
    old_s.rem_euclid(m as i128) as i64
}

/// `a * b mod m` for `0 <= a, b < m`.
fn mul_mod(a: i64, b: i64, m: i64) -> i64 {
    if m <= 1 << 31 {
        (a * b) % m
    } else {
        ((a as i128 * b as i128) % m as i128) as i64
    }
}

fn overflow<T>() -> Result<T> {
    bail!(Overflow, "Integer overflow in computing overlap")
}

fn narrow(v: i128) -> Result<i64> {
    i64::try_from(v).or_else(|_| overflow())
}

impl Solver {
    fn new(terms: Vec<(i128, i128)>, max_work: i64, exclude: Option<Vec<i128>>) -> Result<Solver> {
        let n = terms.len();
        let mut c = Vec::with_capacity(n);
        let mut ub = Vec::with_capacity(n);
        for (ci, ui) in terms {
            c.push(narrow(ci)?);
            ub.push(narrow(ui)?);
        }
        let mut g: Vec<i64> = Vec::with_capacity(n);
        let mut prefix = Vec::with_capacity(n);
        let mut period = Vec::with_capacity(n);
        let mut inv = Vec::with_capacity(n);
        let mut sum: i64 = 0;
        for k in 0..n {
            let gk = if k == 0 { c[0] } else { gcd(g[k - 1], c[k]) };
            let Some(s) = c[k].checked_mul(ub[k]).and_then(|p| p.checked_add(sum)) else {
                return overflow();
            };
            sum = s;
            let m = if k == 0 { 1 } else { g[k - 1] / gk };
            g.push(gk);
            prefix.push(sum);
            period.push(m);
            inv.push(if m > 1 { inverse(c[k] / gk, m) } else { 0 });
        }
        let exclude = match exclude {
            Some(v) => Some(v.into_iter().map(narrow).collect::<Result<Vec<_>>>()?),
            None => None,
        };
        Ok(Solver {
            c,
            ub,
            g,
            prefix,
            period,
            inv,
            max_work,
            count: 0,
            exclude,
            x: vec![0; n],
        })
    }

    fn solve(mut self, rhs: i128) -> Result<Overlap> {
        let rhs = narrow(rhs)?;
        let n = self.c.len();
        match n {
            0 => Ok(if rhs == 0 && self.exclude.is_none() {
                Overlap::Yes
            } else {
                Overlap::No
            }),
            1 => {
                let ok = rhs % self.c[0] == 0
                    && rhs / self.c[0] <= self.ub[0]
                    && self
                        .exclude
                        .as_ref()
                        .is_none_or(|m| m[0] != rhs / self.c[0]);
                Ok(if ok { Overlap::Yes } else { Overlap::No })
            }
            _ => Ok(self.level(n - 1, rhs)),
        }
    }

    /// Decides `Σ_{i≤v} c_i x_i = r` (NUMPY_SEMANTICS.md §4), counting failed branches.
    fn level(&mut self, v: usize, r: i64) -> Overlap {
        if self.max_work >= 0 && self.count >= self.max_work {
            return Overlap::TooHard;
        }
        let (cv, g, m) = (self.c[v], self.g[v], self.period[v]);
        if r % g != 0 {
            self.count += 1;
            return Overlap::No;
        }
        // Candidates: c_v x ≡ r (mod g_{v-1}), i.e. x ≡ x0 (mod m), within [lo, hi].
        let x0 = if m == 1 {
            0
        } else {
            mul_mod((r / g).rem_euclid(m), self.inv[v], m)
        };
        let hi = self.ub[v].min(r / cv);
        let reach = self.prefix[v - 1];
        let lo = if r > reach {
            (r - reach + cv - 1) / cv
        } else {
            0
        };
        let mut x = hi - (hi - x0).rem_euclid(m);
        if hi < lo || x < lo {
            self.count += 1;
            return Overlap::No;
        }
        if v == 1 && self.exclude.is_none() {
            return Overlap::Yes;
        }
        while x >= lo {
            let rest = r - cv * x;
            let found = if v == 1 {
                self.x[1] = x;
                self.x[0] = rest / self.c[0];
                if self.exclude.as_deref() == Some(self.x.as_slice()) {
                    Overlap::No
                } else {
                    Overlap::Yes
                }
            } else {
                self.x[v] = x;
                self.level(v - 1, rest)
            };
            if found != Overlap::No {
                return found;
            }
            x -= m;
        }
        self.count += 1;
        Overlap::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp<'a>(addr: i128, shape: &'a [i64], strides: &'a [i64], itemsize: usize) -> Footprint<'a> {
        Footprint {
            addr,
            shape,
            strides,
            itemsize,
        }
    }

    #[test]
    fn worked_example_of_the_semantics_doc() {
        // x[:, ::7] vs x[:, 3::3] of an int8 (4, 20) parent: bounds overlap, no shared byte.
        let a = fp(0, &[4, 3], &[20, 7], 1);
        let b = fp(3, &[4, 6], &[20, 3], 1);
        assert!(may_share_memory(&a, &b));
        assert_eq!(shares_memory(&a, &b, -1).unwrap(), Overlap::No);
        assert_eq!(shares_memory(&a, &b, 1).unwrap(), Overlap::TooHard);
        assert_eq!(shares_memory(&a, &b, 0).unwrap(), Overlap::TooHard);
    }

    #[test]
    fn interleaved_and_contiguous() {
        let evens = fp(0, &[5], &[16], 8);
        let odds = fp(8, &[5], &[16], 8);
        assert_eq!(shares_memory(&evens, &odds, -1).unwrap(), Overlap::No);
        let shifted = fp(4, &[5], &[16], 8);
        assert_eq!(shares_memory(&evens, &shifted, -1).unwrap(), Overlap::Yes);
    }

    #[test]
    fn internal_overlap_vectors() {
        let yes = |shape: &[i64], strides: &[i64]| {
            internal_overlap(&fp(0, shape, strides, 1), -1).unwrap() == Overlap::Yes
        };
        assert!(!yes(&[4, 4], &[3, 4]));
        assert!(yes(&[5, 4], &[3, 4]));
        assert!(!yes(&[0], &[0]));
        assert!(!yes(&[1], &[0]));
        assert!(yes(&[2], &[0]));
        assert!(yes(&[87, 22], &[0, -9993]));
        assert!(!yes(&[1, 22], &[0, -9993]));
        assert!(!yes(&[0, 22], &[0, -9993]));
        // f8 windows of stride 4: elements overlap
        assert_eq!(
            internal_overlap(&fp(0, &[3], &[4], 8), -1).unwrap(),
            Overlap::Yes
        );
        assert_eq!(
            internal_overlap(&fp(0, &[3], &[8], 8), -1).unwrap(),
            Overlap::No
        );
    }
}
