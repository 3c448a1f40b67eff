//! Strided traversal of N operands that share one shape.
//!
//! [`Plan::new`] drops length-1 axes, optionally orders the axes by the first operand's memory
//! layout (flipping axes it walks backwards), and coalesces axes that every operand can walk as
//! one. [`Plan::for_each`] then calls an inner loop once per innermost run, so kernels see
//! `(pointers, byte strides, count)` and no per-element dispatch.
//!
//! Nothing here dereferences a pointer: pointers move with `wrapping_offset`, and callers ensure
//! (through the array invariant) that every element they visit lies in its buffer.

/// How [`Plan::build`] orients the axes by operand 0's strides.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flip {
    /// As given.
    Keep,
    /// Operand 0's strides made non-negative.
    Ascending,
    /// Operand 0's strides made non-positive.
    Descending,
}

/// A prepared traversal of `N` operands.
#[derive(Debug, Clone)]
pub struct Plan<const N: usize> {
    /// Outer axes (outermost first): length and per-operand byte stride.
    outer: Vec<(usize, [isize; N])>,
    inner_len: usize,
    inner_strides: [isize; N],
    base: [*mut u8; N],
    empty: bool,
}

impl<const N: usize> Plan<N> {
    /// Plans a traversal of `shape` where operand `k` starts at `ptrs[k]` with `strides[k]`.
    ///
    /// With `reorder`, the visiting order is chosen for speed (memory order of operand 0), which
    /// is only correct when the result does not depend on the order (no operand overlaps another
    /// operand's written elements). Without it, elements are visited in C (row-major) order.
    pub fn new(shape: &[i64], strides: [&[i64]; N], ptrs: [*mut u8; N], reorder: bool) -> Plan<N> {
        let flip = if reorder { Flip::Ascending } else { Flip::Keep };
        Self::build(shape, strides, ptrs, reorder, flip)
    }

    /// Like [`Plan::new`] with `reorder`, but every axis oriented so that operand 0's addresses
    /// decrease when `descending` (increase otherwise); with axes that nest, operand 0 is then
    /// visited in monotonic address order (see `ufunc::hazard`).
    pub fn directed(
        shape: &[i64],
        strides: [&[i64]; N],
        ptrs: [*mut u8; N],
        descending: bool,
    ) -> Plan<N> {
        let flip = if descending {
            Flip::Descending
        } else {
            Flip::Ascending
        };
        Self::build(shape, strides, ptrs, true, flip)
    }

    /// Like [`Plan::new`] with `reorder`, except that every axis keeps its direction: the
    /// order NumPy's reductions use (their iterator is built with `NPY_ITER_DONT_NEGATE_STRIDES`),
    /// so that sums over reversed views add in the same order as NumPy's.
    pub fn keeping_direction(shape: &[i64], strides: [&[i64]; N], ptrs: [*mut u8; N]) -> Plan<N> {
        Self::build(shape, strides, ptrs, true, Flip::Keep)
    }

    fn build(
        shape: &[i64],
        strides: [&[i64]; N],
        mut ptrs: [*mut u8; N],
        reorder: bool,
        flip: Flip,
    ) -> Plan<N> {
        let empty = shape.contains(&0);
        let mut axes: Vec<(usize, [isize; N])> = Vec::with_capacity(shape.len());
        for (ax, &n) in shape.iter().enumerate() {
            if n > 1 {
                axes.push((n as usize, std::array::from_fn(|k| strides[k][ax] as isize)));
            }
        }
        if flip != Flip::Keep && !empty {
            for (n, st) in axes.iter_mut() {
                if (st[0] < 0) == (flip == Flip::Ascending) && st[0] != 0 {
                    for k in 0..N {
                        ptrs[k] = ptrs[k].wrapping_offset(st[k] * (*n as isize - 1));
                        st[k] = -st[k];
                    }
                }
            }
        }
        if reorder && !empty {
            axes.sort_by_key(|(_, st)| std::cmp::Reverse(st[0].unsigned_abs()));
        }
        // Coalesce from the innermost axis outwards.
        let mut merged: Vec<(usize, [isize; N])> = Vec::with_capacity(axes.len());
        for &(n, st) in axes.iter().rev() {
            if let Some((inner_n, inner_st)) = merged.last_mut() {
                // Checked: an empty array may have any strides, and products that overflow
                // (found by the c_api_calls fuzz target) cannot describe contiguous axes.
                let contiguous =
                    (0..N).all(|k| inner_st[k].checked_mul(*inner_n as isize) == Some(st[k]));
                if let Some(len) = inner_n.checked_mul(n).filter(|_| contiguous) {
                    *inner_n = len;
                    continue;
                }
            }
            merged.push((n, st));
        }
        merged.reverse();
        let (inner_len, inner_strides) = merged.pop().unwrap_or((1, [0; N]));
        Plan {
            outer: merged,
            inner_len,
            inner_strides,
            base: ptrs,
            empty,
        }
    }

    /// Number of axes left after dropping and coalescing (the inner axis included).
    pub fn ndim(&self) -> usize {
        self.outer.len() + 1
    }

    /// Length and strides of the innermost run.
    pub fn inner(&self) -> (usize, [isize; N]) {
        (self.inner_len, self.inner_strides)
    }

    /// Calls `f(pointers, inner_strides, inner_len)` for every innermost run, outer axes in order.
    pub fn for_each(&self, mut f: impl FnMut([*mut u8; N], [isize; N], usize)) {
        if self.empty {
            return;
        }
        odometer(&self.outer, self.base, |p| {
            f(p, self.inner_strides, self.inner_len)
        });
    }

    /// Like [`Plan::for_each`], but the outermost-but-inner axis (the last outer one) is visited
    /// in groups of up to `group` consecutive positions: `f(pointers, inner_strides, inner_len,
    /// rows, row_strides)` covers `rows` runs, run `k` starting at `pointers + k*row_strides`.
    pub fn for_each_grouped(
        &self,
        group: usize,
        mut f: impl FnMut([*mut u8; N], [isize; N], usize, usize, [isize; N]),
    ) {
        if self.empty {
            return;
        }
        let Some((&(n_last, st_last), rest)) = self.outer.split_last() else {
            return f(self.base, self.inner_strides, self.inner_len, 1, [0; N]);
        };
        let group = group.max(1);
        odometer(rest, self.base, |p| {
            for g in (0..n_last).step_by(group) {
                let ptrs = std::array::from_fn(|k| p[k].wrapping_offset(g as isize * st_last[k]));
                f(
                    ptrs,
                    self.inner_strides,
                    self.inner_len,
                    group.min(n_last - g),
                    st_last,
                );
            }
        });
    }

    /// Like [`Plan::for_each`] in an order that suits transposed layouts: when operand 1 walks
    /// some outer axis with a smaller |stride| than the inner one (a transpose), that axis and
    /// the inner axis are visited in `tile` x `tile` blocks, so both operands stay in cache.
    /// Only for traversals whose result does not depend on the order (as with `reorder`).
    pub fn for_each_tiled(&self, tile: usize, mut f: impl FnMut([*mut u8; N], [isize; N], usize)) {
        if self.empty {
            return;
        }
        let st_in = self.inner_strides;
        let Some(j) = (0..self.outer.len())
            .filter(|&j| N > 1 && self.outer[j].1[1].unsigned_abs() < st_in[1].unsigned_abs())
            .min_by_key(|&j| self.outer[j].1[1].unsigned_abs())
        else {
            return self.for_each(f);
        };
        let (n_j, st_j) = self.outer[j];
        let rest: Vec<(usize, [isize; N])> = self
            .outer
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != j)
            .map(|(_, &a)| a)
            .collect();
        let n_in = self.inner_len;
        odometer(&rest, self.base, |p| {
            for bj in (0..n_j).step_by(tile) {
                for bk in (0..n_in).step_by(tile) {
                    let len = tile.min(n_in - bk);
                    for jj in bj..(bj + tile).min(n_j) {
                        let ptrs = std::array::from_fn(|k| {
                            p[k].wrapping_offset(jj as isize * st_j[k] + bk as isize * st_in[k])
                        });
                        f(ptrs, st_in, len);
                    }
                }
            }
        });
    }
}

/// Calls `visit` with the pointers of every position of `axes` (outermost first), last axis
/// fastest; once with `base` when there are no axes.
fn odometer<const N: usize>(
    axes: &[(usize, [isize; N])],
    base: [*mut u8; N],
    mut visit: impl FnMut([*mut u8; N]),
) {
    let mut idx = vec![0usize; axes.len()];
    let mut ptrs = base;
    loop {
        visit(ptrs);
        let mut d = axes.len();
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            let (n, st) = axes[d];
            idx[d] += 1;
            if idx[d] < n {
                for k in 0..N {
                    ptrs[k] = ptrs[k].wrapping_offset(st[k]);
                }
                break;
            }
            idx[d] = 0;
            for k in 0..N {
                ptrs[k] = ptrs[k].wrapping_offset(-st[k] * (n as isize - 1));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalesces_contiguous_axes() {
        let p = Plan::<2>::new(
            &[2, 3, 4],
            [&[96, 32, 8], &[96, 32, 8]],
            [std::ptr::null_mut(); 2],
            true,
        );
        assert_eq!(p.ndim(), 1);
        assert_eq!(p.inner(), (24, [8, 8]));
    }

    #[test]
    fn visits_every_element_once() {
        // A transposed, reversed operand against a C-ordered one.
        let base = 1000usize as *mut u8;
        let p = Plan::<2>::new(&[3, 4], [&[4, -12], &[32, 8]], [base, base], true);
        let mut seen = Vec::new();
        p.for_each(|ptrs, st, n| {
            for i in 0..n as isize {
                seen.push((
                    ptrs[0].wrapping_offset(i * st[0]) as isize - 1000,
                    ptrs[1].wrapping_offset(i * st[1]) as isize - 1000,
                ));
            }
        });
        seen.sort();
        let mut tiled = Vec::new();
        p.for_each_tiled(2, |ptrs, st, n| {
            for i in 0..n as isize {
                tiled.push((
                    ptrs[0].wrapping_offset(i * st[0]) as isize - 1000,
                    ptrs[1].wrapping_offset(i * st[1]) as isize - 1000,
                ));
            }
        });
        tiled.sort();
        assert_eq!(tiled, seen);
        let mut expect = Vec::new();
        for i in 0..3isize {
            for j in 0..4isize {
                expect.push((i * 4 - j * 12, i * 32 + j * 8));
            }
        }
        expect.sort();
        assert_eq!(seen, expect);
    }
}
