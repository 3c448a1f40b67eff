//! Synchronisation that race detectors can see.
//!
//! Valgrind's helgrind understands pthread locks but not the futexes behind Rust's
//! `std::sync::Mutex` nor atomic release/acquire pairs, so it reports every access that they
//! order as a race. Built with the `helgrind` feature (`make test` builds such a library for its
//! thread-stress test), ndmem tells helgrind about each ordering it relies on through Valgrind's
//! client requests: [`Mutex`] for its locks, [`release`]/[`acquire`] around the handle pools'
//! atomic publication. Without the feature both are free (inlined to nothing), so a release
//! build is unchanged. What remains unseen is the standard library's own synchronisation (its
//! threads' stack-guard table, `Arc` reference counts, `Once`); `c_tests/helgrind.supp` names
//! what of it shows up in the stress test, one entry per mechanism.

use std::ops::{Deref, DerefMut};

/// Everything written by this thread before this call happens before whatever a thread does
/// after a later [`acquire`] of the same `tag` (an address standing for the synchronising
/// object).
#[inline(always)]
pub fn release<T: ?Sized>(tag: &T) {
    #[cfg(all(feature = "helgrind", target_arch = "x86_64", target_os = "linux"))]
    client_request(USERSO_SEND_PRE, tag as *const T as *const u8 as usize);
    let _ = tag;
}

/// See [`release`].
#[inline(always)]
pub fn acquire<T: ?Sized>(tag: &T) {
    #[cfg(all(feature = "helgrind", target_arch = "x86_64", target_os = "linux"))]
    client_request(USERSO_RECV_POST, tag as *const T as *const u8 as usize);
    let _ = tag;
}

/// helgrind.h's `_VG_USERREQ__HG_USERSO_SEND_PRE` (`ANNOTATE_HAPPENS_BEFORE`).
#[cfg(all(feature = "helgrind", target_arch = "x86_64", target_os = "linux"))]
const USERSO_SEND_PRE: usize = 0x4847_0121;
/// helgrind.h's `_VG_USERREQ__HG_USERSO_RECV_POST` (`ANNOTATE_HAPPENS_AFTER`).
#[cfg(all(feature = "helgrind", target_arch = "x86_64", target_os = "linux"))]
const USERSO_RECV_POST: usize = 0x4847_0122;

/// Valgrind's client request on x86-64 (valgrind.h's `VALGRIND_DO_CLIENT_REQUEST_EXPR`): a
/// marker sequence that does nothing on a real CPU and that Valgrind recognises, with the
/// request's words addressed by rax.
#[cfg(all(feature = "helgrind", target_arch = "x86_64", target_os = "linux"))]
#[inline(always)]
fn client_request(request: usize, arg: usize) {
    let words: [usize; 6] = [request, arg, 0, 0, 0, 0];
    // Outside Valgrind the four rotations turn rdi by 128 bits in all (declared clobbered
    // anyway) and `xchg rbx, rbx` exchanges rbx with itself: nothing changes but the flags.
    // Under Valgrind the sequence reads `words` (alive across the asm) and writes rdx. No
    // `readonly` option: the implied memory clobber keeps the accesses the request orders on
    // their side of it.
    // SAFETY: so the asm touches no memory but `words`, which it only reads.
    unsafe {
        std::arch::asm!(
            "rol rdi, 3", "rol rdi, 13", "rol rdi, 61", "rol rdi, 51", "xchg rbx, rbx",
            in("rax") words.as_ptr(),
            inout("rdx") 0usize => _,
            inout("rdi") 0usize => _,
            options(nostack),
        );
    }
}

/// `std::sync::Mutex` whose lock and unlock race detectors see, and which ignores poisoning:
/// ndmem's locked data stays consistent across a panic (it is only counters, lists and notes
/// updated in one step), and the C boundary reports the panic itself.
#[derive(Debug, Default)]
pub struct Mutex<T>(std::sync::Mutex<T>);

/// The guard of a [`Mutex`].
pub struct MutexGuard<'a, T> {
    lock: &'a Mutex<T>,
    guard: std::sync::MutexGuard<'a, T>,
}

impl<T> Mutex<T> {
    /// A new lock around `value`.
    pub const fn new(value: T) -> Mutex<T> {
        Mutex(std::sync::Mutex::new(value))
    }

    /// Locks, waiting for other holders.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        let guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        acquire(self);
        MutexGuard { lock: self, guard }
    }

    /// The value, for an owner that no other thread can reach.
    pub fn into_inner(self) -> T {
        self.0.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        // Before the inner guard (a field, dropped after this) unlocks.
        release(self.lock);
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}
