//! Who owns the bytes behind an array.
//!
//! A [`Buffer`] is a contiguous byte range `[ptr, ptr + len)` and an owner:
//! - **Owned**: allocated here, 64-byte aligned (aligned-vec). Not zeroed unless asked. Buffers of
//!   4 MiB or more ask the kernel for transparent huge pages, as NumPy does, which makes the first
//!   touch of a large fresh array several times cheaper (fewer page faults).
//! - **Foreign**: a caller's pointer and byte length, with an optional release closure that runs
//!   exactly once, when the last array referring to the buffer is dropped.
//! - **Mapped**: a memory map of part of a file, unmapped when the last array goes. The file
//!   descriptor is not kept: a mapping stays valid after its descriptor is closed.
//! - **Resizable**: a block of the C library's allocator that [`Buffer::resize`] grows or
//!   shrinks with `realloc` while nothing else refers to the buffer (large blocks move by
//!   remapping their pages, not by copying). 16-byte aligned. Growable arrays use them.
//!
//! Arrays share a buffer through `Arc<Buffer>`, and every element they can reach lies inside it.

use crate::accounting::{self, Origin};
use crate::bail;
use crate::error::{Error, ErrorKind, Result};
use crate::sync::{Mutex, MutexGuard};
use aligned_vec::{AVec, ConstAlign};
use std::mem::MaybeUninit;
use std::ptr::NonNull;
use std::sync::Arc;

/// Alignment of every owned buffer, in bytes.
pub const BUFFER_ALIGN: usize = 64;

/// Owned buffers at least this large are advised to use transparent huge pages.
pub const HUGE_PAGE_THRESHOLD: usize = 4 << 20;

/// Runs once when a foreign buffer is released.
pub type Release = Box<dyn FnOnce() + Send>;

enum Owner {
    Owned(#[allow(dead_code)] AVec<MaybeUninit<u8>, ConstAlign<BUFFER_ALIGN>>),
    Foreign(Option<Release>),
    Mapped(Mapping),
    Resizable,
}

/// How the pages of a file mapping relate to the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapAccess {
    /// Read-only, shared with the file.
    Read,
    /// Read-write, shared: writes reach the file.
    Write,
    /// Read-write, private (copy-on-write): writes never reach the file.
    Copy,
}

/// Where a mapped buffer comes from: its access and the file offset of its first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// Access of the pages.
    pub access: MapAccess,
    /// File offset of the buffer's first byte (a multiple of the page size).
    pub file_offset: u64,
    /// The file's device and inode numbers, which identify it whatever its name.
    pub file_id: (u64, u64),
}

/// Every live file mapping of this process, by the file's (device, inode): the end (file offset
/// just past the last mapped byte) of each. A file under a live mapping must not be shrunk or
/// replaced: reading a mapped page beyond the file's end kills the process with SIGBUS. Writers
/// in this library ask [`live_maps`] first; other processes are outside its control.
static LIVE_MAPS: Mutex<Vec<((u64, u64), u64)>> = Mutex::new(Vec::new());

fn live_maps_lock() -> MutexGuard<'static, Vec<((u64, u64), u64)>> {
    LIVE_MAPS.lock()
}

/// How many live mappings of the file `file_id` (device, inode) this process has, and the
/// furthest file offset they reach; `None` when it has none.
pub fn live_maps(file_id: (u64, u64)) -> Option<(usize, u64)> {
    let maps = live_maps_lock();
    let ends = maps
        .iter()
        .filter(|(id, _)| *id == file_id)
        .map(|(_, end)| *end);
    let (count, end) = ends.fold((0, 0), |(n, e), end| (n + 1, e.max(end)));
    (count > 0).then_some((count, end))
}

/// Refuses to replace or shrink the file `file` (named `path` in the message) while this
/// process maps it: `what` is the operation.
pub fn refuse_if_mapped(file: &std::fs::File, path: &std::path::Path, what: &str) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = file.metadata() else {
        return Ok(());
    };
    if let Some((count, end)) = live_maps((meta.dev(), meta.ino())) {
        bail!(
            Io,
            "cannot {what} '{}': {count} live memory map(s) of this process read it (up to byte {end}), and replacing or shrinking the file under them would kill the process with SIGBUS on their next read; free the arrays over those maps first",
            path.display()
        );
    }
    Ok(())
}

/// A byte range and the owner responsible for freeing it.
pub struct Buffer {
    ptr: NonNull<u8>,
    len: usize,
    owner: Owner,
    origin: Origin,
    notes: Mutex<Notes>,
}

/// What the retention report says about a buffer besides its size and origin.
#[derive(Clone, Default)]
pub struct Notes {
    /// A name given by the caller (`ndm_set_tag`), shared by every view of the buffer.
    pub tag: Option<Arc<str>>,
    /// Where the buffer was created, recorded when tracking is on (`NDMEM_TRACK=1`).
    pub site: Option<Arc<str>>,
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
                format!("unable to allocate {}", accounting::human_bytes(len)),
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
        let huge = options.huge_pages && len >= HUGE_PAGE_THRESHOLD;
        let origin = if huge { Origin::HugePage } else { Origin::Heap };
        Ok(Buffer::counted(ptr, len, Owner::Owned(vec), origin))
    }

    /// Wraps a caller's memory `[ptr, ptr + len)`; `release` runs once when the buffer is dropped.
    ///
    /// # Safety
    /// `ptr` must be valid for reads (and for writes, if arrays over it are writeable) of `len`
    /// bytes for as long as the buffer lives, i.e. until `release` is called.
    pub unsafe fn foreign(ptr: NonNull<u8>, len: usize, release: Option<Release>) -> Buffer {
        Buffer::counted(ptr, len, Owner::Foreign(release), Origin::Foreign)
    }

    /// Allocates `len` bytes (uninitialised) that [`Buffer::resize`] can resize, from the C
    /// library's allocator (`malloc`; 16-byte aligned, enough for every dtype). No huge-page
    /// advice: measured, it made growth by `realloc` slower (compaction at each new region).
    /// An `Alloc` error when the system refuses.
    pub fn allocate_resizable(len: usize) -> Result<Buffer> {
        if len > isize::MAX as usize {
            bail!(
                Alloc,
                "cannot allocate {len} bytes: larger than the address space allows"
            );
        }
        // SAFETY: malloc has no precondition; a null result is handled.
        let p = unsafe { libc::malloc(len.max(1)) };
        let Some(ptr) = NonNull::new(p.cast::<u8>()) else {
            bail!(Alloc, "unable to allocate {}", accounting::human_bytes(len));
        };
        Ok(Buffer::counted(ptr, len, Owner::Resizable, Origin::Heap))
    }

    /// Resizes a buffer from [`Buffer::allocate_resizable`] to `len` bytes, keeping the first
    /// `min(old, new)` bytes (bytes added hold unspecified values): `realloc`, which grows in
    /// place when it can, moves large blocks by remapping their pages (no copy) and reuses
    /// memory already touched. The address may change, which is why this takes `&mut self`: no
    /// array can refer to the buffer meanwhile. Returns false, changing nothing, for buffers of
    /// any other kind or when the system has no room (the caller then copies into a new buffer).
    pub fn resize(&mut self, len: usize) -> bool {
        if !matches!(self.owner, Owner::Resizable) || len > isize::MAX as usize {
            return false;
        }
        // `&mut self` means no array refers to the buffer, so a move invalidates no pointer
        // anyone holds; the block came from malloc (allocate_resizable) and is live.
        // SAFETY: so realloc may take it.
        let p = unsafe { libc::realloc(self.ptr.as_ptr().cast(), len.max(1)) };
        let Some(ptr) = NonNull::new(p.cast::<u8>()) else {
            return false; // the old block is untouched
        };
        accounting::buffer_dropped(self.origin, self.ptr.as_ptr(), self.len);
        (self.ptr, self.len) = (ptr, len);
        accounting::buffer_created(self.origin, ptr.as_ptr(), len);
        true
    }

    /// A buffer counted as live from now until its drop (`accounting`).
    fn counted(ptr: NonNull<u8>, len: usize, owner: Owner, origin: Origin) -> Buffer {
        accounting::buffer_created(origin, ptr.as_ptr(), len);
        let site = accounting::tracking().then(|| allocation_site().into());
        Buffer {
            ptr,
            len,
            owner,
            origin,
            notes: Mutex::new(Notes { tag: None, site }),
        }
    }

    /// Maps `len` bytes of `file` starting at `file_offset` (a multiple of [`page_size`]).
    /// `len` must be at least 1; the caller checked that the file is long enough (pages past
    /// the end of a file raise SIGBUS when touched).
    #[cfg(unix)]
    pub fn map_file(
        file: &std::fs::File,
        file_offset: u64,
        len: usize,
        access: MapAccess,
    ) -> Result<Buffer> {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::MetadataExt;
        let file_id = match file.metadata() {
            Ok(m) => (m.dev(), m.ino()),
            Err(e) => return Err(Error::os(format!("cannot stat the file to map: {e}"), &e)),
        };
        let (prot, kind) = match access {
            MapAccess::Read => (libc::PROT_READ, libc::MAP_SHARED),
            MapAccess::Write => (libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED),
            MapAccess::Copy => (libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE),
        };
        let offset = match libc::off_t::try_from(file_offset) {
            Ok(o) if len > 0 && file_offset % page_size() as u64 == 0 => o,
            _ => bail!(
                InvalidArg,
                "cannot map {len} bytes at file offset {file_offset}: need a length of at least 1 and a page-aligned offset"
            ),
        };
        // The descriptor is open for the duration of the call.
        // SAFETY: mmap with a null hint creates a new mapping and touches no existing memory.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                prot,
                kind,
                file.as_raw_fd(),
                offset,
            )
        };
        if p == libc::MAP_FAILED {
            let e = std::io::Error::last_os_error();
            return Err(Error::os(
                format!("mmap of {len} bytes at file offset {file_offset} failed: {e}"),
                &e,
            ));
        }
        live_maps_lock().push((file_id, file_offset + len as u64));
        let ptr = NonNull::new(p.cast::<u8>()).expect("mmap never returns null on success");
        let mapping = Mapping {
            access,
            file_offset,
            file_id,
        };
        Ok(Buffer::counted(
            ptr,
            len,
            Owner::Mapped(mapping),
            Origin::Mapped,
        ))
    }

    /// The file mapping behind this buffer, if it is one.
    pub fn mapping(&self) -> Option<Mapping> {
        match self.owner {
            Owner::Mapped(m) => Some(m),
            _ => None,
        }
    }

    /// Page-aligned `[start, end)` byte offsets covering `[offset, offset + len)`, clipped to
    /// the buffer; `None` when the range is empty.
    fn page_range(&self, offset: usize, len: usize) -> Option<(usize, usize)> {
        let page = page_size();
        let end = offset.saturating_add(len).min(self.len);
        let start = offset - offset % page;
        (len > 0 && start < end).then_some((start, end))
    }

    /// Writes the dirty pages of a shared mapping covering `[offset, offset + len)` back to the
    /// file and waits for the write (`msync(MS_SYNC)`). A no-op for read-only and copy-on-write
    /// mappings, whose pages never reach the file. `InvalidArg` if this is not a mapping.
    pub fn flush(&self, offset: usize, len: usize) -> Result<()> {
        let Some(m) = self.mapping() else {
            bail!(
                InvalidArg,
                "the array is not memory-mapped: nothing to flush"
            );
        };
        if m.access != MapAccess::Write {
            return Ok(());
        }
        if let Some((start, end)) = self.page_range(offset, len) {
            let first = self.as_ptr().wrapping_add(start).cast();
            // SAFETY: [start, end) lies inside this live mapping and starts on a page boundary.
            let r = unsafe { libc::msync(first, end - start, libc::MS_SYNC) };
            if r != 0 {
                let e = std::io::Error::last_os_error();
                let message = format!("msync of {} bytes failed: {e}", end - start);
                return Err(Error::os(message, &e));
            }
        }
        Ok(())
    }

    /// Drops the pages of a mapping covering `[offset, offset + len)` from this process's
    /// resident memory (`madvise(MADV_DONTNEED)`), writing dirty shared pages back first. The
    /// contents stay what they were: the next read faults the pages back in from the file.
    /// Refused (`InvalidArg`) for copy-on-write mappings, whose changed pages would be lost, and
    /// for buffers that are not mappings.
    pub fn release_pages(&self, offset: usize, len: usize) -> Result<()> {
        let Some(m) = self.mapping() else {
            bail!(
                InvalidArg,
                "the array is not memory-mapped: it has no file pages to release"
            );
        };
        if m.access == MapAccess::Copy {
            bail!(
                InvalidArg,
                "cannot release the pages of a copy-on-write (mode 'c') mapping: its changes exist only in those pages"
            );
        }
        self.flush(offset, len)?;
        if let Some((start, end)) = self.page_range(offset, len) {
            // MADV_DONTNEED on a shared file mapping only unmaps the pages; their contents
            // remain in the file (dirty pages were written back just above).
            // SAFETY: [start, end) lies inside this live shared mapping, page-aligned.
            let r = unsafe {
                libc::madvise(
                    self.as_ptr().add(start).cast(),
                    end - start,
                    libc::MADV_DONTNEED,
                )
            };
            if r != 0 {
                let e = std::io::Error::last_os_error();
                let message = format!(
                    "madvise(MADV_DONTNEED) of {} bytes failed: {e}",
                    end - start
                );
                return Err(Error::os(message, &e));
            }
        }
        Ok(())
    }

    /// A new owned buffer holding a copy of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Buffer> {
        let b = Buffer::allocate(bytes.len(), AllocOptions::default())?;
        // SAFETY: `b` was just allocated with room for `bytes.len()` bytes; the ranges are disjoint.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), b.as_ptr(), bytes.len()) };
        Ok(b)
    }

    /// Panics unless `[offset, offset + len)` lies inside the buffer.
    fn assert_range(&self, offset: usize, len: usize) {
        assert!(
            offset.checked_add(len).is_some_and(|end| end <= self.len),
            "range outside buffer"
        );
    }

    /// A copy of the bytes `[offset, offset + len)`; panics if the range is outside the buffer.
    pub fn read_bytes(&self, offset: usize, len: usize) -> Vec<u8> {
        self.assert_range(offset, len);
        let mut out = vec![0u8; len];
        // SAFETY: the range was checked to lie inside the buffer; `out` is a distinct allocation.
        unsafe { std::ptr::copy_nonoverlapping(self.as_ptr().add(offset), out.as_mut_ptr(), len) };
        out
    }

    /// Fills `[offset, offset + len)` from `r` (all of it, or an error).
    /// Panics if the range is outside the buffer.
    pub fn read_from(
        &self,
        offset: usize,
        len: usize,
        r: &mut impl std::io::Read,
    ) -> std::io::Result<()> {
        self.assert_range(offset, len);
        // Writing these bytes while another thread reads them is the caller's race, as in C.
        // SAFETY: the range lies inside the buffer (checked above).
        let bytes = unsafe { std::slice::from_raw_parts_mut(self.as_ptr().add(offset), len) };
        r.read_exact(bytes)
    }

    /// Writes the bytes `[offset, offset + len)` to `w`.
    /// Panics if the range is outside the buffer.
    pub fn write_to(
        &self,
        offset: usize,
        len: usize,
        w: &mut impl std::io::Write,
    ) -> std::io::Result<()> {
        self.assert_range(offset, len);
        // Concurrent writes to these bytes are the caller's race, as in C.
        // SAFETY: the range lies inside the buffer (checked above); the slice lives for this call.
        let bytes = unsafe { std::slice::from_raw_parts(self.as_ptr().add(offset), len) };
        w.write_all(bytes)
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

    /// True when the bytes were allocated by ndmem (false for foreign memory and mappings).
    pub fn is_owned(&self) -> bool {
        matches!(self.owner, Owner::Owned(_) | Owner::Resizable)
    }

    /// Where the bytes come from.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The buffer's tag and allocation site.
    pub fn notes(&self) -> Notes {
        self.notes.lock().clone()
    }

    /// Names the buffer in reports (`None` removes the name).
    pub fn set_tag(&self, tag: Option<&str>) {
        self.notes.lock().tag = tag.map(Arc::from);
    }
}

/// The caller's frames outside ndmem, innermost first, as "function (file:line)" lines: a short
/// backtrace recorded when tracking is on.
fn allocation_site() -> String {
    let trace = std::backtrace::Backtrace::force_capture().to_string();
    let mut lines = Vec::new();
    let mut frames = trace.lines().map(str::trim).peekable();
    while let Some(line) = frames.next() {
        let Some((_, name)) = line.split_once(": ") else {
            continue;
        };
        let place = frames
            .next_if(|l| l.starts_with("at "))
            .map(|l| l.trim_start_matches("at "));
        let ours = name.starts_with("ndmem::")
            || name.starts_with("std::")
            || name.starts_with("core::")
            || name.starts_with("alloc::")
            || name.starts_with("<")
            || name.contains("backtrace");
        if !ours {
            lines.push(match place {
                Some(p) => format!("{name} ({p})"),
                None => name.to_string(),
            });
        }
        if lines.len() == 4 {
            break;
        }
    }
    if lines.is_empty() {
        "(no frames outside ndmem; build the caller with debug info)".to_string()
    } else {
        lines.join("\n")
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        accounting::buffer_dropped(self.origin, self.ptr.as_ptr(), self.len);
        match &mut self.owner {
            Owner::Foreign(release) => {
                if let Some(release) = release.take() {
                    release();
                }
            }
            Owner::Mapped(m) => {
                // munmap of a live mapping only fails for invalid arguments, which cannot
                // happen here; there is nobody to report to from a destructor. This is the last
                // reference to the buffer, so no array refers to the mapping any more.
                // SAFETY: ptr/len are exactly the mapping created in `map_file`.
                unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
                let entry = (m.file_id, m.file_offset + self.len as u64);
                let mut maps = live_maps_lock();
                if let Some(i) = maps.iter().position(|e| *e == entry) {
                    maps.swap_remove(i);
                }
            }
            Owner::Resizable => {
                // SAFETY: the block came from malloc/realloc and this is its last reference.
                unsafe { libc::free(self.ptr.as_ptr().cast()) };
            }
            Owner::Owned(_) => {}
        }
    }
}

/// Asks the file system to reserve `[offset, offset + len)` of `file` before it is written
/// (`fallocate` with `FALLOC_FL_KEEP_SIZE`, as NumPy's `tofile` does): one allocation instead of
/// many makes large writes, and later truncation of the file, much cheaper. Advice only: file
/// systems without it are simply written without a reservation.
pub fn reserve_file_space(file: &std::fs::File, offset: u64, len: u64) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        if let (Ok(o), Ok(l)) = (libc::off_t::try_from(offset), libc::off_t::try_from(len)) {
            if l > 0 {
                // SAFETY: fallocate only acts on the open descriptor; no memory is touched.
                unsafe { libc::fallocate(file.as_raw_fd(), libc::FALLOC_FL_KEEP_SIZE, o, l) };
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, offset, len);
}

/// Extends `file` to `offset + len` bytes with blocks allocated on disk for `[offset, offset +
/// len)` (`fallocate`), so that writing them through a memory map cannot fail for want of
/// space: a full disk is this function's error (ENOSPC), not a SIGBUS at the first store. File
/// systems without `fallocate` get a plain (sparse) extension.
pub fn extend_file(file: &std::fs::File, offset: u64, len: u64) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let (Ok(o), Ok(l)) = (libc::off_t::try_from(offset), libc::off_t::try_from(len)) else {
            return Err(std::io::Error::from_raw_os_error(libc::EFBIG));
        };
        if l == 0 {
            return Ok(());
        }
        // SAFETY: fallocate only acts on the open descriptor; no memory is touched.
        if unsafe { libc::fallocate(file.as_raw_fd(), 0, o, l) } == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EOPNOTSUPP) {
            return Err(e);
        }
    }
    file.set_len(offset + len)
}

/// Takes the exclusive advisory lock of `file` (`flock`, held until the file is closed) if no
/// other open of the file, in this process or another, holds it; false when one does.
pub fn lock_exclusive(file: &std::fs::File) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock only acts on the open descriptor; no memory is touched.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EWOULDBLOCK) => Ok(false),
        _ => Err(e),
    }
}

/// The size of a memory page (mapping offsets are multiples of it; NumPy's
/// `mmap.ALLOCATIONGRANULARITY` on Linux).
pub fn page_size() -> usize {
    // SAFETY: sysconf only reads a system constant.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 {
        n as usize
    } else {
        4096
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounting::human_bytes;
    use std::sync::atomic::{AtomicUsize, Ordering};

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

    #[test]
    fn buffers_are_counted_by_origin() {
        // A scope counts this thread's work only (other tests allocate and free meanwhile).
        crate::accounting::scope::begin();
        let b = Buffer::allocate(100, AllocOptions::default()).unwrap();
        let mut r = Buffer::allocate_resizable(100).unwrap();
        assert!(r.resize(300_000));
        let c = crate::accounting::scope::end().expect("the scope begun above");
        assert_eq!((c.allocations, c.net_bytes), (3, 300_100));
        assert_eq!((b.origin(), r.origin()), (Origin::Heap, Origin::Heap));
    }
}
