//! Scopes: the counts of one region of a thread's work, nested.
//!
//! `begin` opens a scope on the calling thread and `end` closes the innermost one, returning
//! what happened inside it: every allocation, free and copy made by the thread while the scope
//! was open is counted in the process's tally and in each open scope of the thread. Work ndmem
//! runs for the thread on its worker threads counts in the same scopes ([`Inherited`]).

use super::tally::{Counts, Tally};
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    static OPEN: RefCell<Vec<Arc<Tally>>> = const { RefCell::new(Vec::new()) };
}

/// Opens a scope on the calling thread (inside any scope already open).
pub fn begin() {
    OPEN.with_borrow_mut(|open| open.push(Arc::new(Tally::new())));
}

/// Closes the innermost scope of the calling thread and returns its counts; `None` when no
/// scope is open.
pub fn end() -> Option<Counts> {
    OPEN.with_borrow_mut(|open| open.pop()).map(|t| t.counts())
}

/// How many scopes the calling thread has open.
pub fn depth() -> usize {
    OPEN.with_borrow(|open| open.len())
}

/// Calls `f` on every open scope of the calling thread. Nothing happens on a thread whose
/// thread-locals are being destroyed (a buffer dropped by another thread-local's destructor).
pub(crate) fn each(f: impl Fn(&Tally)) {
    let _ = OPEN.try_with(|open| {
        if let Ok(open) = open.try_borrow() {
            open.iter().for_each(|t| f(t));
        }
    });
}

/// The open scopes of a thread, carried to the worker threads that run part of its work.
pub struct Inherited(Vec<Arc<Tally>>);

/// The calling thread's open scopes, for [`Inherited::enter`] on a worker thread.
pub fn inherit() -> Inherited {
    Inherited(OPEN.with_borrow(|open| open.clone()))
}

impl Inherited {
    /// Counts the calling (worker) thread's work in the inherited scopes until the guard is
    /// dropped.
    pub fn enter(&self) -> Entered {
        let before = OPEN.with_borrow_mut(|open| std::mem::replace(open, self.0.clone()));
        Entered(before)
    }
}

/// Restores a worker thread's own scopes when dropped (see [`Inherited::enter`]).
pub struct Entered(Vec<Arc<Tally>>);

impl Drop for Entered {
    fn drop(&mut self) {
        let before = std::mem::take(&mut self.0);
        let _ = OPEN.try_with(|open| *open.borrow_mut() = before);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_follow_work_onto_worker_threads() {
        begin();
        begin();
        each(|t| t.allocated(10));
        let carried = inherit();
        std::thread::scope(|s| {
            s.spawn(|| {
                let _in_callers_scopes = carried.enter();
                each(|t| t.explicit_copy(7)); // on the worker, for the caller
            });
            s.spawn(|| each(|t| t.explicit_copy(1000))); // another thread's own work: not ours
        });
        let inner = end().expect("inner scope");
        each(|t| t.allocated(5));
        let outer = end().expect("outer scope");
        assert_eq!((inner.allocations, inner.explicit_bytes), (1, 7));
        assert_eq!(
            (
                outer.allocations,
                outer.bytes_allocated,
                outer.explicit_bytes
            ),
            (2, 15, 7)
        );
        assert_eq!((outer.net_bytes, outer.peak_bytes), (15, 15));
        assert!(end().is_none() && depth() == 0);
    }
}
