//! What is counted: buffers by origin, allocations, and copies by kind and reason.
//!
//! A [`Tally`] counts one region of work: the whole process, or a scope of one thread (see
//! `accounting::scope`). Every counter is a relaxed atomic: counting takes no lock, and a
//! snapshot taken while other threads work sees each counter at some recent value.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};

/// Where the bytes of a buffer come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Origin {
    /// Allocated by ndmem on the heap.
    Heap = 0,
    /// Allocated by ndmem with transparent huge pages advised (large buffers).
    HugePage = 1,
    /// A caller's memory (`ndm_from_ptr`, a NumPy array, a Fortran array), not ndmem's.
    Foreign = 2,
    /// A memory map of a file.
    Mapped = 3,
}

/// The number of [`Origin`]s.
pub const ORIGINS: usize = 4;

impl Origin {
    /// Every origin, in discriminant order.
    pub const ALL: [Origin; ORIGINS] = [
        Origin::Heap,
        Origin::HugePage,
        Origin::Foreign,
        Origin::Mapped,
    ];

    /// True for memory ndmem allocated itself (heap or huge-page).
    pub fn is_owned(self) -> bool {
        matches!(self, Origin::Heap | Origin::HugePage)
    }

    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Heap => "heap",
            Origin::HugePage => "huge-page heap",
            Origin::Foreign => "foreign",
            Origin::Mapped => "memory-mapped",
        }
    }
}

/// Why ndmem copied data the caller did not ask it to copy (an implicit copy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Reason {
    /// `reshape` with copy-if-needed: the strides allow no view of the new shape.
    Reshape = 0,
    /// `ravel`: the array is not contiguous in the requested order.
    Ravel = 1,
    /// A ufunc's `out` overlaps an input in a way no iteration order makes safe: the input is
    /// copied first.
    UfuncOverlap = 2,
    /// `copyto` (and assignment) whose source overlaps the destination: the source is copied
    /// first.
    CopytoOverlap = 3,
    /// An operand converted whole before the work: index arrays to int64 (`take`), a `where=`
    /// mask or condition to bool.
    OperandConversion = 4,
    /// A reduction computed into a temporary of the result's size, then copied into the result
    /// (a different output dtype, or an `out` that overlaps the input).
    ReductionResult = 5,
    /// A growable array outgrew its capacity while views kept its buffer: its rows moved to a
    /// new buffer (without views the buffer is resized by `realloc` and nothing is counted).
    Growth = 6,
}

/// The number of [`Reason`]s.
pub const REASONS: usize = 7;

impl Reason {
    /// Every reason, in discriminant order.
    pub const ALL: [Reason; REASONS] = [
        Reason::Reshape,
        Reason::Ravel,
        Reason::UfuncOverlap,
        Reason::CopytoOverlap,
        Reason::OperandConversion,
        Reason::ReductionResult,
        Reason::Growth,
    ];

    /// The name used in messages and reports.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Reshape => "reshape needs a copy",
            Reason::Ravel => "ravel needs a copy",
            Reason::UfuncOverlap => "output overlaps an input",
            Reason::CopytoOverlap => "source overlaps destination",
            Reason::OperandConversion => "operand converted whole",
            Reason::ReductionResult => "reduction result temporary",
            Reason::Growth => "growth moved rows that views keep",
        }
    }
}

/// Counts of one region of work (the process, or a scope). All relaxed atomics.
#[derive(Default)]
pub struct Tally {
    allocations: AtomicU64,
    bytes_allocated: AtomicU64,
    /// Owned bytes allocated minus owned bytes freed (for the process: the live owned bytes).
    net_bytes: AtomicI64,
    peak_bytes: AtomicI64,
    explicit_copies: AtomicU64,
    explicit_bytes: AtomicU64,
    implicit_copies: [AtomicU64; REASONS],
    implicit_bytes: [AtomicU64; REASONS],
    block_buffers: AtomicU64,
    block_bytes: AtomicU64,
}

/// A snapshot of a [`Tally`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Owned buffers allocated.
    pub allocations: u64,
    /// Bytes of those allocations.
    pub bytes_allocated: u64,
    /// Owned bytes allocated minus owned bytes freed.
    pub net_bytes: i64,
    /// The highest `net_bytes` reached (since the start or the last reset).
    pub peak_bytes: i64,
    /// Copies the caller asked for.
    pub explicit_copies: u64,
    /// Bytes of those copies.
    pub explicit_bytes: u64,
    /// Copies ndmem chose to make, by [`Reason`].
    pub implicit_copies: [u64; REASONS],
    /// Bytes of those copies, by [`Reason`].
    pub implicit_bytes: [u64; REASONS],
    /// Fixed-size block buffers (casting, alignment, tiles) used.
    pub block_buffers: u64,
    /// Bytes of those blocks.
    pub block_bytes: u64,
}

impl Counts {
    /// Implicit copies of every reason.
    pub fn implicit_total(&self) -> (u64, u64) {
        (
            self.implicit_copies.iter().sum(),
            self.implicit_bytes.iter().sum(),
        )
    }
}

fn add(c: &AtomicU64, n: usize) {
    c.fetch_add(n as u64, Relaxed);
}

impl Tally {
    /// A tally with every count zero.
    pub const fn new() -> Tally {
        Tally {
            allocations: AtomicU64::new(0),
            bytes_allocated: AtomicU64::new(0),
            net_bytes: AtomicI64::new(0),
            peak_bytes: AtomicI64::new(0),
            explicit_copies: AtomicU64::new(0),
            explicit_bytes: AtomicU64::new(0),
            implicit_copies: [const { AtomicU64::new(0) }; REASONS],
            implicit_bytes: [const { AtomicU64::new(0) }; REASONS],
            block_buffers: AtomicU64::new(0),
            block_bytes: AtomicU64::new(0),
        }
    }

    pub(crate) fn allocated(&self, bytes: usize) {
        add(&self.allocations, 1);
        add(&self.bytes_allocated, bytes);
        let now = self.net_bytes.fetch_add(bytes as i64, Relaxed) + bytes as i64;
        self.peak_bytes.fetch_max(now, Relaxed);
    }

    pub(crate) fn freed(&self, bytes: usize) {
        self.net_bytes.fetch_sub(bytes as i64, Relaxed);
    }

    pub(crate) fn explicit_copy(&self, bytes: usize) {
        add(&self.explicit_copies, 1);
        add(&self.explicit_bytes, bytes);
    }

    pub(crate) fn implicit_copy(&self, reason: Reason, bytes: usize) {
        add(&self.implicit_copies[reason as usize], 1);
        add(&self.implicit_bytes[reason as usize], bytes);
    }

    pub(crate) fn block(&self, bytes: usize) {
        add(&self.block_buffers, 1);
        add(&self.block_bytes, bytes);
    }

    /// Lowers the peak to the present `net_bytes`.
    pub(crate) fn reset_peak(&self) {
        self.peak_bytes.store(self.net_bytes.load(Relaxed), Relaxed);
    }

    /// The counts now.
    pub fn counts(&self) -> Counts {
        let load = |c: &AtomicU64| c.load(Relaxed);
        Counts {
            allocations: load(&self.allocations),
            bytes_allocated: load(&self.bytes_allocated),
            net_bytes: self.net_bytes.load(Relaxed),
            peak_bytes: self.peak_bytes.load(Relaxed),
            explicit_copies: load(&self.explicit_copies),
            explicit_bytes: load(&self.explicit_bytes),
            implicit_copies: self.implicit_copies.each_ref().map(load),
            implicit_bytes: self.implicit_bytes.each_ref().map(load),
            block_buffers: load(&self.block_buffers),
            block_bytes: load(&self.block_bytes),
        }
    }
}

/// Live buffers and their bytes, by [`Origin`] (process-wide only).
pub struct Live {
    buffers: [AtomicU64; ORIGINS],
    bytes: [AtomicU64; ORIGINS],
}

impl Live {
    pub(crate) const fn new() -> Live {
        Live {
            buffers: [const { AtomicU64::new(0) }; ORIGINS],
            bytes: [const { AtomicU64::new(0) }; ORIGINS],
        }
    }

    pub(crate) fn add(&self, origin: Origin, bytes: usize) {
        add(&self.buffers[origin as usize], 1);
        add(&self.bytes[origin as usize], bytes);
    }

    pub(crate) fn remove(&self, origin: Origin, bytes: usize) {
        self.buffers[origin as usize].fetch_sub(1, Relaxed);
        self.bytes[origin as usize].fetch_sub(bytes as u64, Relaxed);
    }

    /// (buffers, bytes) live now, by origin.
    pub fn now(&self) -> ([u64; ORIGINS], [u64; ORIGINS]) {
        let load = |c: &AtomicU64| c.load(Relaxed);
        (
            self.buffers.each_ref().map(load),
            self.bytes.each_ref().map(load),
        )
    }
}
