//! What keeps buffers alive: for each buffer viewed by a set of arrays, how many views hold it
//! and how much of it they can still reach (the union of their extents), and the sentence that
//! says so ("1.00 GiB heap buffer kept alive by 1 view of 8 bytes (99.99% unreachable)").

use crate::accounting::human_bytes;
use crate::array::Array;
use crate::buffer::{Buffer, Notes};
use std::sync::Arc;

/// One live buffer and the arrays that keep it alive.
pub struct Retained {
    /// The buffer.
    pub buffer: Arc<Buffer>,
    /// How many of the given arrays view it.
    pub views: usize,
    /// Bytes of the buffer inside at least one view's extent.
    pub reachable: usize,
}

impl Retained {
    /// Bytes no view can reach.
    pub fn unreachable(&self) -> usize {
        self.buffer.len().saturating_sub(self.reachable)
    }

    /// The report's sentence for this buffer.
    pub fn summary(&self) -> String {
        let b = &self.buffer;
        let notes: Notes = b.notes();
        let tag = notes.tag.map(|t| format!(" '{t}'")).unwrap_or_default();
        let views = match self.views {
            1 => "1 view".to_string(),
            n => format!("{n} views"),
        };
        // Rounded, but never to 0% or 100% unless exactly so: "99.99%" for 8 bytes of 1 GiB.
        let (part, whole) = (self.unreachable(), b.len());
        let share = match (part, whole) {
            (0, _) | (_, 0) => 0.0,
            _ if part == whole => 100.0,
            _ => (100.0 * part as f64 / whole as f64).clamp(0.01, 99.99),
        };
        format!(
            "{} {} buffer{tag} kept alive by {views} of {} ({share:.2}% unreachable)",
            human_bytes(b.len()),
            b.origin().name(),
            human_bytes(self.reachable),
        )
    }
}

/// The buffers viewed by `arrays`, largest first, each with its views and reachable bytes.
pub fn retained<'a>(arrays: impl IntoIterator<Item = &'a Array>) -> Vec<Retained> {
    // Per buffer (by address): the buffer, its views' byte ranges, and how many views.
    struct Seen {
        buffer: Arc<Buffer>,
        ranges: Vec<(usize, usize)>,
        views: usize,
    }
    let mut seen: Vec<Seen> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for a in arrays {
        let key = Arc::as_ptr(a.buffer()) as usize;
        let i = *index.entry(key).or_insert_with(|| {
            seen.push(Seen {
                buffer: Arc::clone(a.buffer()),
                ranges: Vec::new(),
                views: 0,
            });
            seen.len() - 1
        });
        seen[i].views += 1;
        if let Some(range) = a.byte_range() {
            seen[i].ranges.push(range);
        }
    }
    let mut out: Vec<Retained> = seen
        .into_iter()
        .map(|s| Retained {
            buffer: s.buffer,
            views: s.views,
            reachable: union_len(s.ranges),
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.buffer.len()));
    out
}

/// Total length of the union of the half-open ranges.
fn union_len(mut ranges: Vec<(usize, usize)>) -> usize {
    ranges.sort_unstable();
    let mut total = 0;
    let mut end = 0;
    for (lo, hi) in ranges {
        let lo = lo.max(end);
        if hi > lo {
            total += hi - lo;
            end = hi;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::{Dtype, ScalarKind};
    use crate::layout::{index::IndexItem, MemOrder};

    #[test]
    fn a_small_view_of_a_large_buffer_reads_plainly() {
        let big = Arc::new(
            Array::zeros(Dtype::scalar(ScalarKind::Float64), &[1 << 17], MemOrder::C).unwrap(),
        );
        let one = crate::view::index(&big, &[IndexItem::Int(5)]).unwrap();
        let r = retained([&one]);
        assert_eq!((r.len(), r[0].views, r[0].reachable), (1, 1, 8));
        assert_eq!(
            r[0].summary(),
            "1.00 MiB heap buffer kept alive by 1 view of 8 bytes (99.99% unreachable)"
        );
        let both = retained([&one, &*big]);
        assert_eq!((both[0].views, both[0].reachable), (2, 1 << 20));
        assert_eq!(union_len(vec![(0, 4), (2, 6), (10, 12)]), 8);
    }
}
