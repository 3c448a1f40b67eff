//! Strided traversal of N operands that share one shape.
//!
//! [`Plan::new`] drops length-1 axes, optionally orders the axes by the first operand's memory
//! layout (flipping axes it walks backwards), and coalesces axes that every operand can walk as
//! one. [`Plan::for_each`] then calls an inner loop once per innermost run, so kernels see
//! `(pointers, byte strides, count)` and no per-element dispatch.
//!
//! Nothing here dereferences a pointer: pointers move with `wrapping_offset`, and callers ensure
//! (through the array invariant) that every element they visit lies in its buffer.

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
    pub fn new(
        shape: &[i64],
        strides: [&[i64]; N],
        mut ptrs: [*mut u8; N],
        reorder: bool,
    ) -> Plan<N> {
        let empty = shape.contains(&0);
        let mut axes: Vec<(usize, [isize; N])> = Vec::with_capacity(shape.len());
        for (ax, &n) in shape.iter().enumerate() {
            if n > 1 {
                axes.push((n as usize, std::array::from_fn(|k| strides[k][ax] as isize)));
            }
        }
        if reorder && !empty {
            for (n, st) in axes.iter_mut() {
                if st[0] < 0 {
                    for k in 0..N {
                        ptrs[k] = ptrs[k].wrapping_offset(st[k] * (*n as isize - 1));
                        st[k] = -st[k];
                    }
                }
            }
            axes.sort_by_key(|(_, st)| std::cmp::Reverse(st[0].unsigned_abs()));
        }
        // Coalesce from the innermost axis outwards.
        let mut merged: Vec<(usize, [isize; N])> = Vec::with_capacity(axes.len());
        for &(n, st) in axes.iter().rev() {
            if let Some((inner_n, inner_st)) = merged.last_mut() {
                if (0..N).all(|k| st[k] == inner_st[k] * *inner_n as isize) {
                    *inner_n *= n;
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
        let mut idx = vec![0usize; self.outer.len()];
        let mut ptrs = self.base;
        loop {
            f(ptrs, self.inner_strides, self.inner_len);
            // Odometer over the outer axes, innermost outer axis first.
            let mut d = self.outer.len();
            loop {
                if d == 0 {
                    return;
                }
                d -= 1;
                let (n, st) = self.outer[d];
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
