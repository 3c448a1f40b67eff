//! Who owns the bytes behind an array.
//!
//! A [`Buffer`] is a contiguous byte range `[ptr, ptr + len)` and an owner:
//! - **Owned**: allocated here, 64-byte aligned (aligned-vec). Not zeroed unless asked. Buffers of
//!   4 MiB or more ask the kernel for transparent huge pages, as NumPy does, which makes the first
//!   touch of a large fresh array several times cheaper (fewer page faults).
//! - **Foreign**: a caller's pointer and byte length, with an optional release closure that runs
//!   exactly once, when the last array referring to the buffer is dropped.
//!
//! Arrays share a buffer through `Arc<Buffer>`, and every element they can reach lies inside it.

use crate::error::{Error, ErrorKind, Result};
use aligned_vec::{AVec, ConstAlign};
use std::mem::MaybeUninit;
use std::ptr::NonNull;

/// Alignment of every owned buffer, in bytes.
pub const BUFFER_ALIGN: usize = 64;

/// Owned buffers at least this large are advised to use transparent huge pages.
pub const HUGE_PAGE_THRESHOLD: usize = 4 << 20;

/// Runs once when a foreign buffer is released.
pub type Release = Box<dyn FnOnce() + Send>;

enum Owner {
    Owned(#[allow(dead_code)] AVec<MaybeUninit<u8>, ConstAlign<BUFFER_ALIGN>>),
    Foreign(Option<Release>),
}

/// A byte range and the owner responsible for freeing it.
pub struct Buffer {
    ptr: NonNull<u8>,
    len: usize,
    owner: Owner,
}

// SAFETY: a Buffer is a raw byte range plus its owner. The owned AVec and the pointer are only
// used to hand out raw pointers (never references to the bytes), and the release closure is
// `Send` and only ever called from `drop`, which has exclusive access.
unsafe impl Send for Buffer {}
// SAFETY: shared access (`&Buffer`) only reads `ptr` and `len`; concurrent writes through the raw
// pointers are the caller's responsibility, exactly as with C memory.
unsafe impl Sync for Buffer {}

/// Options for [`Buffer::allocate`].
#[derive(Clone, Copy, Debug)]
pub struct AllocOptions {
    /// Fill the buffer with zero bytes.
    pub zeroed: bool,
    /// Ask for transparent huge pages when the buffer is at least [`HUGE_PAGE_THRESHOLD`] bytes.
    pub huge_pages: bool,
}

impl Default for AllocOptions {
    fn default() -> Self {
        AllocOptions {
            zeroed: false,
            huge_pages: true,
        }
    }
}

impl Buffer {
    /// Allocates `len` bytes, 64-byte aligned. Failure to allocate is an `Alloc` error, never an abort.
    pub fn allocate(len: usize, options: AllocOptions) -> Result<Buffer> {
        if len > isize::MAX as usize {
            return Err(Error::new(
                ErrorKind::Alloc,
                format!("cannot allocate {len} bytes: larger than the address space allows"),
            ));
        }
        let mut vec = AVec::<MaybeUninit<u8>, ConstAlign<BUFFER_ALIGN>>::new(BUFFER_ALIGN);
        // Always allocate at least one byte so that every buffer has a real address (as NumPy does).
        vec.try_reserve_exact(len.max(1)).map_err(|_| {
            Error::new(
                ErrorKind::Alloc,
                format!("unable to allocate {}", human_bytes(len)),
            )
        })?;
        // SAFETY: the capacity is at least `len`, and MaybeUninit<u8> needs no initialisation.
        unsafe { vec.set_len(len) };
        let ptr = NonNull::new(vec.as_mut_ptr().cast::<u8>()).expect("allocation is non-null");
        if options.huge_pages && len >= HUGE_PAGE_THRESHOLD {
            advise_huge_pages(ptr.as_ptr(), len);
        }
        if options.zeroed {
            // SAFETY: `ptr` is valid for writes of `len` bytes (just allocated, owned here).
            unsafe { ptr.as_ptr().write_bytes(0, len) };
        }
        Ok(Buffer {
            ptr,
            len,
            owner: Owner::Owned(vec),
        })
    }

    /// Wraps a caller's memory `[ptr, ptr + len)`; `release` runs once when the buffer is dropped.
    ///
    /// # Safety
    /// `ptr` must be valid for reads (and for writes, if arrays over it are writeable) of `len`
    /// bytes for as long as the buffer lives, i.e. until `release` is called.
    pub unsafe fn foreign(ptr: NonNull<u8>, len: usize, release: Option<Release>) -> Buffer {
        Buffer {
            ptr,
            len,
            owner: Owner::Foreign(release),
        }
    }

    /// A new owned buffer holding a copy of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Buffer> {
        let b = Buffer::allocate(bytes.len(), AllocOptions::default())?;
        // SAFETY: `b` was just allocated with room for `bytes.len()` bytes; the ranges are disjoint.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), b.as_ptr(), bytes.len()) };
        Ok(b)
    }

    /// A copy of the bytes `[offset, offset + len)`; panics if the range is outside the buffer.
    pub fn read_bytes(&self, offset: usize, len: usize) -> Vec<u8> {
        assert!(
            offset.checked_add(len).is_some_and(|end| end <= self.len),
            "range outside buffer"
        );
        let mut out = vec![0u8; len];
        // SAFETY: the range was checked to lie inside the buffer; `out` is a distinct allocation.
        unsafe { std::ptr::copy_nonoverlapping(self.as_ptr().add(offset), out.as_mut_ptr(), len) };
        out
    }

    /// Address of the first byte.
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for a zero-length buffer.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when the bytes were allocated by ndmem (false for foreign memory).
    pub fn is_owned(&self) -> bool {
        matches!(self.owner, Owner::Owned(_))
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        if let Owner::Foreign(release) = &mut self.owner {
            if let Some(release) = release.take() {
                release();
            }
        }
    }
}

/// Advises the kernel to back the page-aligned interior of `[ptr, ptr+len)` with huge pages.
#[cfg(target_os = "linux")]
fn advise_huge_pages(ptr: *mut u8, len: usize) {
    const PAGE: usize = 4096;
    let start = (ptr as usize).next_multiple_of(PAGE);
    let end = (ptr as usize + len) & !(PAGE - 1);
    if end > start {
        // madvise only changes paging policy; a failure (THP disabled) is harmless and ignored.
        // SAFETY: [start, end) lies inside our own live allocation; the contents are untouched.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_ptr: *mut u8, _len: usize) {}

/// Formats a byte count the way NumPy's MemoryError does ("8.00 TiB").
pub fn human_bytes(n: usize) -> String {
    const UNITS: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.2} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn owned_is_aligned_and_zeroed_on_request() {
        let b = Buffer::allocate(
            1000,
            AllocOptions {
                zeroed: true,
                huge_pages: true,
            },
        )
        .unwrap();
        assert_eq!(b.as_ptr() as usize % BUFFER_ALIGN, 0);
        // SAFETY: the buffer holds 1000 initialised bytes.
        let bytes = unsafe { std::slice::from_raw_parts(b.as_ptr(), b.len()) };
        assert!(bytes.iter().all(|&x| x == 0));
        assert!(Buffer::allocate(0, AllocOptions::default()).is_ok());
    }

    #[test]
    fn impossible_allocation_is_an_error() {
        let e = Buffer::allocate(1 << 60, AllocOptions::default())
            .err()
            .unwrap();
        assert_eq!(e.kind, ErrorKind::Alloc);
    }

    #[test]
    fn release_runs_once_when_last_reference_goes() {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        let mut data = [0u8; 16];
        let ptr = NonNull::new(data.as_mut_ptr()).unwrap();
        // SAFETY: `data` outlives the buffer.
        let b = Arc::new(unsafe {
            Buffer::foreign(
                ptr,
                16,
                Some(Box::new(|| {
                    CALLS.fetch_add(1, Ordering::SeqCst);
                })),
            )
        });
        let b2 = Arc::clone(&b);
        drop(b);
        assert_eq!(CALLS.load(Ordering::SeqCst), 0);
        drop(b2);
        assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn human_bytes_matches_numpy() {
        assert_eq!(human_bytes(8 << 40), "8.00 TiB");
        assert_eq!(human_bytes(100), "100 bytes");
    }
}
