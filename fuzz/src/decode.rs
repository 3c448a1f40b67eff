//! How `c_api_calls` reads its decisions from the fuzzer's bytes: small values mostly, the
//! edges of what the C API accepts sometimes.

/// Integers that sit at the edges of what the C API accepts.
const EDGES: &[i64] = &[
    i64::MIN,
    i64::MIN + 1,
    i64::MAX,
    i64::MAX - 1,
    i64::MAX / 2,
    1 << 31,
    -(1 << 31),
    1 << 32,
    1 << 62,
    4096,
    -4096,
    65,
    64,
    -65,
    100,
    -100,
];

/// The fuzzer's bytes, read front to back; `None` when they run out.
pub struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    /// Reads `data` from the front.
    pub fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data }
    }

    /// The next byte.
    pub fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.data.split_first()?;
        self.data = rest;
        Some(b)
    }
    /// A value in `0..n`.
    pub fn below(&mut self, n: usize) -> Option<usize> {
        Some(self.byte()? as usize % n)
    }
    /// A bool.
    pub fn flag(&mut self) -> Option<bool> {
        Some(self.byte()? & 1 == 1)
    }
    /// Mostly small signed integers, sometimes an edge value.
    pub fn int(&mut self) -> Option<i64> {
        let b = self.byte()?;
        Some(if b & 1 == 0 {
            (b as i8 >> 1) as i64 % 9
        } else {
            EDGES[(b >> 1) as usize % EDGES.len()]
        })
    }
    /// An axis length: mostly 0..=5, sometimes an edge value.
    pub fn axis_len(&mut self) -> Option<i64> {
        let b = self.byte()?;
        Some(if b < 0xf0 {
            b as i64 % 6
        } else {
            EDGES[b as usize % EDGES.len()]
        })
    }
    /// `n` values read with `f`.
    pub fn ints(&mut self, n: usize, f: impl Fn(&mut Self) -> Option<i64>) -> Option<Vec<i64>> {
        (0..n).map(|_| f(self)).collect()
    }
}
