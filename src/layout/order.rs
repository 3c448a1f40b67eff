//! The vocabulary of results: in which memory order a new array is laid out ([`Order`]) and
//! whether an operation may return its input instead of a copy ([`CopyMode`]).

/// Memory order of a new array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Row-major.
    C,
    /// Column-major.
    F,
    /// F if the source is F-contiguous and not C-contiguous, else C.
    A,
    /// Keep the source's memory order as closely as possible.
    K,
}

/// When an operation may return its input instead of a copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyMode {
    /// Always make a new array.
    Always,
    /// Return the input itself when it already satisfies the request.
    IfNeeded,
    /// Never copy: fail with `CopyRequired` when a copy would be needed.
    Never,
}
