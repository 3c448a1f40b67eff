//! Opaque handles and how freed or foreign handles are detected.
//!
//! Policy (also in the README):
//! - Handles live in per-type pools of slots whose memory is never returned to the system while
//!   the library is loaded. A pointer is accepted only if it is the address of a slot of the
//!   right pool, found by comparing addresses (it is never dereferenced before that), and the
//!   slot holds a live value. So a **foreign** pointer (never returned by ndmem, or a dtype
//!   handle passed as an array) and a **freed** handle give `NDM_ERR_BAD_HANDLE`, never undefined
//!   behaviour, and a double free is reported instead of corrupting memory.
//! - A freed slot is reused only after at least [`QUARANTINE`] more handles of its kind were
//!   freed; a stale pointer used after that refers to the new handle (as with `malloc`), which
//!   cannot be detected.
//! - Freeing a handle while another thread is using it is the caller's race, as in C.

use crate::bail;
use crate::error::Result;
use crate::sync::{self, Mutex};
use std::cell::UnsafeCell;
use std::collections::VecDeque;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

/// Opaque handle to an array (a view of a buffer). Release with `ndm_array_free`.
pub struct ndm_array {
    _opaque: [u8; 0],
}

/// Opaque handle to a growable array (rows appended in memory or to an `.npy` file). Release
/// with `ndm_growable_free`. Not thread-safe: calls on one growable must not overlap.
pub struct ndm_growable {
    _opaque: [u8; 0],
}

/// Opaque handle to a data type. Release with `ndm_dtype_free`.
pub struct ndm_dtype {
    _opaque: [u8; 0],
}

/// Freed slots held back before reuse, so a stale handle is detected for a long while.
pub const QUARANTINE: usize = 1024;
const FIRST_CHUNK: usize = 64;
const MAX_CHUNKS: usize = 40;
const LIVE: u32 = 0x4E44_4D4C;
const FREE: u32 = 0;

struct Slot<T> {
    state: AtomicU32,
    value: UnsafeCell<MaybeUninit<T>>,
}

struct PoolState {
    chunks: usize,
    used_in_last: usize,
    free: VecDeque<usize>,
    /// Live handles (counted under the lock `insert` and `remove` take anyway).
    live: usize,
}

/// A pool of handle slots for values of type `T`.
pub struct Pool<T> {
    chunks: [AtomicPtr<Slot<T>>; MAX_CHUNKS],
    state: Mutex<PoolState>,
    kind: &'static str,
}

// SAFETY: slots are handed between threads only as addresses; a value is written before its
// state is published as LIVE (Release) and read after observing LIVE (Acquire). `T` must itself
// be Send + Sync because handles can be used from any thread.
unsafe impl<T: Send + Sync> Sync for Pool<T> {}

impl<T: Send + Sync + 'static> Pool<T> {
    /// An empty pool; `kind` names the handle type in error messages.
    pub const fn new(kind: &'static str) -> Pool<T> {
        Pool {
            chunks: [const { AtomicPtr::new(ptr::null_mut()) }; MAX_CHUNKS],
            state: Mutex::new(PoolState {
                chunks: 0,
                used_in_last: 0,
                free: VecDeque::new(),
                live: 0,
            }),
            kind,
        }
    }

    /// How many handles of this pool are live.
    pub fn live(&self) -> usize {
        self.state.lock().live
    }

    /// Calls `f` on the value of every live handle, while no handle of this pool can be freed
    /// (a free running meanwhile waits before it drops its value).
    pub fn for_each_live(&self, mut f: impl FnMut(&T)) {
        let st = self.state.lock();
        for k in 0..st.chunks {
            let base = self.chunks[k].load(Ordering::Acquire);
            let used = if k + 1 == st.chunks {
                st.used_in_last
            } else {
                Self::chunk_len(k)
            };
            for i in 0..used {
                // Slot i of chunk k exists: chunks are never freed and `used` slots were made.
                // SAFETY: so the reference is to a live `Slot`.
                let slot = unsafe { &*base.add(i) };
                if slot.state.load(Ordering::Acquire) == LIVE {
                    sync::acquire(slot);
                    // The slot is LIVE, so its value was written before it was published; a
                    // `remove` that wins the LIVE -> FREE race now takes the value out only
                    // under the lock this function holds.
                    // SAFETY: so the value stays initialised and unchanged during `f`.
                    f(unsafe { (*slot.value.get()).assume_init_ref() });
                }
            }
        }
    }

    fn chunk_len(k: usize) -> usize {
        FIRST_CHUNK << k
    }

    /// The slot at `addr`, if `addr` is exactly the address of a slot of this pool.
    fn find(&self, addr: usize) -> Option<&'static Slot<T>> {
        let size = std::mem::size_of::<Slot<T>>();
        for (k, chunk) in self.chunks.iter().enumerate() {
            let base = chunk.load(Ordering::Acquire);
            if base.is_null() {
                break;
            }
            sync::acquire(chunk);
            let start = base as usize;
            let end = start + Self::chunk_len(k) * size;
            if (start..end).contains(&addr) && (addr - start) % size == 0 {
                // SAFETY: addr is the address of an element of a chunk that is never freed.
                return Some(unsafe { &*(addr as *const Slot<T>) });
            }
        }
        None
    }

    /// Stores `value` in a slot and returns the slot's address as the handle.
    pub fn insert(&self, value: T) -> *mut u8 {
        let mut st = self.state.lock();
        st.live += 1;
        let addr = if st.free.len() > QUARANTINE {
            st.free.pop_front().expect("non-empty free list")
        } else {
            if st.chunks == 0 || st.used_in_last == Self::chunk_len(st.chunks - 1) {
                assert!(st.chunks < MAX_CHUNKS, "handle pool exhausted");
                let n = Self::chunk_len(st.chunks);
                let chunk: Box<[Slot<T>]> = (0..n)
                    .map(|_| Slot {
                        state: AtomicU32::new(FREE),
                        value: UnsafeCell::new(MaybeUninit::uninit()),
                    })
                    .collect();
                let base = Box::leak(chunk).as_mut_ptr();
                sync::release(&self.chunks[st.chunks]);
                self.chunks[st.chunks].store(base, Ordering::Release);
                st.chunks += 1;
                st.used_in_last = 0;
            }
            let base = self.chunks[st.chunks - 1].load(Ordering::Acquire);
            let addr = base.wrapping_add(st.used_in_last) as usize;
            st.used_in_last += 1;
            addr
        };
        drop(st);
        let slot = self.find(addr).expect("slot of this pool");
        // The slot is FREE and was taken from the pool under the lock.
        // SAFETY: so no other thread reads or writes its value until it is published as LIVE.
        unsafe { (*slot.value.get()).write(value) };
        sync::release(slot);
        slot.state.store(LIVE, Ordering::Release);
        addr as *mut u8
    }

    /// The live value behind `handle`; `what` names the argument in error messages.
    pub fn get(&self, handle: *const u8, what: &str) -> Result<&'static T> {
        if handle.is_null() {
            bail!(NullArg, "argument '{what}' is NULL");
        }
        let Some(slot) = self.find(handle as usize) else {
            bail!(
                BadHandle,
                "argument '{what}' is not an {} handle created by ndmem",
                self.kind
            );
        };
        if slot.state.load(Ordering::Acquire) != LIVE {
            bail!(
                BadHandle,
                "argument '{what}' is an {} handle that was already freed",
                self.kind
            );
        }
        sync::acquire(slot);
        // SAFETY: the slot is LIVE, so its value was initialised before the state was published.
        Ok(unsafe { (*slot.value.get()).assume_init_ref() })
    }

    /// Drops the value behind `handle` and returns its slot to the pool. NULL is a no-op.
    pub fn remove(&self, handle: *mut u8, what: &str) -> Result<()> {
        if handle.is_null() {
            return Ok(());
        }
        let Some(slot) = self.find(handle as usize) else {
            bail!(
                BadHandle,
                "argument '{what}' is not an {} handle created by ndmem",
                self.kind
            );
        };
        if slot
            .state
            .compare_exchange(LIVE, FREE, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            bail!(
                BadHandle,
                "argument '{what}' is an {} handle that was already freed",
                self.kind
            );
        }
        sync::acquire(slot);
        let mut st = self.state.lock();
        st.live -= 1;
        // This thread won the LIVE -> FREE transition, so it alone takes the value, and under
        // the lock, so `for_each_live` is not reading it.
        // SAFETY: the value is initialised and taken once; the slot is now logically empty.
        let value = unsafe { (*slot.value.get()).assume_init_read() };
        st.free.push_back(handle as usize);
        drop(st);
        // Dropped outside the lock: a release callback may free other handles.
        drop(value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static POOL: Pool<String> = Pool::new("test");

    #[test]
    fn detects_freed_and_foreign_handles() {
        let h = POOL.insert("x".to_string());
        assert_eq!(POOL.get(h, "h").unwrap(), "x");
        POOL.remove(h, "h").unwrap();
        assert!(POOL
            .get(h, "h")
            .unwrap_err()
            .message
            .contains("already freed"));
        assert!(POOL.remove(h, "h").is_err());
        let local = 5u64;
        let foreign = &local as *const u64 as *const u8;
        assert!(POOL
            .get(foreign, "h")
            .unwrap_err()
            .message
            .contains("not an test handle"));
        assert!(POOL.get(h.wrapping_add(1), "h").is_err());
        let many: Vec<_> = (0..200).map(|i| POOL.insert(i.to_string())).collect();
        for h in many {
            POOL.remove(h, "h").unwrap();
        }
    }
}
