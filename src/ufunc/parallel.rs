//! Large element-wise loops split across threads.
//!
//! A contiguous run whose output is at least [`MIN_BYTES`] is cut into equal pieces of whole
//! 4 KiB pages (so no two threads write one cache line and streamed stores stay aligned), at
//! least [`PIECE_BYTES`] each, one per thread. The calling thread runs the first piece and waits
//! for the others. Threads are scoped and spawned per call: nothing outlives the call, so
//! `fork()` and unloading the library stay safe, and a thread the system refuses to create is
//! replaced by the calling thread running that piece. Element-wise results do not depend on
//! the split.
//!
//! The number of threads is `NDMEM_NUM_THREADS` when set (read once), otherwise the number of
//! CPUs this process may run on; [`set_num_threads`] (`ndm_set_num_threads`) overrides it, and
//! 1 means the library never starts a thread.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Outputs smaller than this run on the calling thread.
pub const MIN_BYTES: usize = 4 << 20;

/// The smallest piece of output given to one thread.
pub const PIECE_BYTES: usize = 2 << 20;

/// The count set by [`set_num_threads`]; 0 when unset.
static SET: AtomicUsize = AtomicUsize::new(0);

/// The default thread count: `NDMEM_NUM_THREADS`, else the CPUs available to the process.
fn default_threads() -> usize {
    static DEFAULT: OnceLock<usize> = OnceLock::new();
    *DEFAULT.get_or_init(|| {
        std::env::var("NDMEM_NUM_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    })
}

/// The number of threads large loops use.
pub fn num_threads() -> usize {
    match SET.load(Ordering::Relaxed) {
        0 => default_threads(),
        n => n,
    }
}

/// Sets the number of threads large loops use (1: none besides the caller); 0 restores the
/// default.
pub fn set_num_threads(n: usize) {
    SET.store(n, Ordering::Relaxed);
}

/// Calls `f(lo, hi)` for disjoint ranges that cover `0..n`, concurrently when the `n` elements
/// of `elem` bytes of output are large enough (see the module documentation).
pub fn split(n: usize, elem: usize, f: impl Fn(usize, usize) + Sync) {
    let bytes = n.saturating_mul(elem.max(1));
    let threads = if bytes < MIN_BYTES {
        1
    } else {
        num_threads().min(bytes / PIECE_BYTES).max(1)
    };
    if threads == 1 {
        return f(0, n);
    }
    let unit = (4096 / elem.max(1)).max(1);
    let per = n.div_ceil(threads).div_ceil(unit) * unit;
    let f = &f;
    // Work done on a worker counts in the memory scopes of the thread it is done for.
    let scopes = &crate::accounting::scope::inherit();
    std::thread::scope(|s| {
        let mut workers = Vec::with_capacity(threads - 1);
        for k in 1..threads {
            let (lo, hi) = ((k * per).min(n), ((k + 1) * per).min(n));
            let piece = move || {
                let _counted_for_caller = scopes.enter();
                f(lo, hi)
            };
            if lo < hi {
                match std::thread::Builder::new().spawn_scoped(s, piece) {
                    Ok(w) => workers.push(w),
                    Err(_) => f(lo, hi),
                }
            }
        }
        f(0, per.min(n));
        // Joined one by one (pthread_join), not only by the scope's end: a join is the
        // synchronisation that race detectors such as helgrind see.
        for w in workers {
            if let Err(panic) = w.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

/// True when the byte ranges `[a, a + a_len)` and `[b, b + b_len)` do not meet.
pub fn disjoint(a: *const u8, a_len: usize, b: *const u8, b_len: usize) -> bool {
    let (a, b) = (a as usize, b as usize);
    a.saturating_add(a_len) <= b || b.saturating_add(b_len) <= a
}

/// The input and output pointers of one element-wise loop, handed to the pieces of one
/// [`split`] call (raw pointers are neither `Send` nor `Sync`). Read them with [`Shared::get`],
/// so that closures capture the wrapper. Only the two pointer shapes of the loops that split,
/// `(input, output)` and `(input, input, output)`, can cross threads.
#[derive(Clone, Copy)]
pub struct Shared<P>(P);

impl<P: Copy> Shared<P> {
    /// Wraps the pointers of one loop.
    ///
    /// # Safety
    /// Until the [`split`] call they are given to returns, the pointed-to inputs must stay
    /// readable and unmodified by anyone but the loop, and each piece may write only the output
    /// elements of its own range `lo..hi` (which `split` keeps disjoint).
    pub unsafe fn new(pointers: P) -> Self {
        Shared(pointers)
    }

    /// The wrapped pointers.
    pub fn get(self) -> P {
        self.0
    }
}

// SAFETY (the four impls): `Shared::new`'s contract makes sharing these pointers across the
// pieces of one `split` call race-free: inputs are only read, and the threads write disjoint
// output ranges; `split` joins every thread before the pointers' owner can drop the memory.
unsafe impl Send for Shared<(*const u8, *mut u8)> {}
unsafe impl Sync for Shared<(*const u8, *mut u8)> {}
unsafe impl Send for Shared<(*const u8, *const u8, *mut u8)> {}
unsafe impl Sync for Shared<(*const u8, *const u8, *mut u8)> {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn pieces_cover_the_range_once() {
        for (n, elem) in [
            (0, 8),
            (10, 8),
            (1 << 20, 8),
            (3_000_001, 4),
            (5_000_000, 2),
        ] {
            let seen = Mutex::new(Vec::new());
            split(n, elem, |lo, hi| seen.lock().unwrap().push((lo, hi)));
            let mut seen = seen.into_inner().unwrap();
            seen.sort();
            let mut next = 0;
            for (lo, hi) in seen {
                assert_eq!(lo, next);
                assert!(hi > lo || n == 0);
                assert!(lo % (4096 / elem) == 0);
                next = hi;
            }
            assert_eq!(next, n);
        }
    }
}
