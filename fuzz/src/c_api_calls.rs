//! Fuzz target (c): a sequence of C API calls decoded from the fuzzer's bytes over a small pool
//! of array handles: creation, basic indexing, transpose, reshape, broadcast, `as_strided` with
//! any strides, copies and `copyto`, ufuncs whose `out` overlaps their inputs, reductions,
//! take/compress/concatenate, record fields, byte swaps, windows, items, copy policies, frees,
//! double frees and calls with NULL or freed handles.
//!
//! Asserted after every call: a failure is a known status with a message and no handle; a call
//! given a NULL or freed handle fails; every handle made describes memory inside its buffer.
//! Where a simple reference exists, the result equals it (`reference.rs`): `copyto` against an
//! element loop, ufuncs and integer reductions with an overlapping `out` against the same call
//! on copies, `take`/`compress` against index loops, `shares_memory` against byte sets, copies
//! against their source. At the end every handle made is freed and none is left.

use crate::check::{answer, check_array, status, MAX_ITERATED};
use crate::decode::Bytes;
use crate::reference;
use ndmem::ffi::create::{ndm_array_free, ndm_zeros};
use ndmem::ffi::dtype::{ndm_dtype_free, ndm_dtype_parse};
use ndmem::ffi::getters::{ndm_data, ndm_itemsize, ndm_nbytes, ndm_size};
use ndmem::ffi::handle::{ndm_array, ndm_dtype};
use ndmem::ffi::memory::{ndm_set_thread_copy_policy, NDM_COPY_POLICY_PROCESS};
use ndmem::ffi::pools;
use ndmem::ffi::status::{ndm_status, NDM_ERR_BAD_HANDLE, NDM_OK};
use ndmem::ffi::ufunc::{ndm_scalar, ndm_set_num_threads, ndm_ufunc_opts, NDM_MEAN};
use ndmem::ffi::views::ndm_index_item;
use ndmem::ffi::{copy, fields, item, overlap, select, ufunc, views};
use std::ptr;

/// Live handles the sequence works on; making one more frees the oldest.
const POOL: usize = 8;
/// Calls per execution.
const MAX_CALLS: usize = 256;
/// A freed handle is used again only while fewer than this many handles were freed after it
/// (the pools reuse a slot after 1024 more frees; a stale handle then names a new array).
const STALE_WINDOW: u64 = 512;

/// The dtypes a sequence makes arrays of (its `ndm_view_dtype`/`ndm_astype` targets too).
const DTYPES: &[&std::ffi::CStr] = &[
    c"?",
    c"i1",
    c"i2",
    c"<i4",
    c">i4",
    c"i8",
    c"u1",
    c"u2",
    c"u4",
    c"u8",
    c"<f2",
    c"f4",
    c"<f8",
    c">f8",
    c"c8",
    c"c16",
    c"S3",
    c"U2",
    c"V4",
    c"[('a', '<i4'), ('b', '<f8')]",
    c"[('a', 'u1'), ('b', '>i2', (2,))]",
    c"{'names': ['a', 'b'], 'formats': ['<i2', '<i2'], 'offsets': [0, 1], 'itemsize': 4}",
];

/// A handle argument: a live one, NULL or a freed one.
#[derive(Clone, Copy)]
struct Arg {
    ptr: *mut ndm_array,
    live: bool,
}

/// A call given a NULL or freed handle must fail (with NDM_ERR_NULL_ARG or NDM_ERR_BAD_HANDLE
/// unless another argument is checked first: the header promises no order).
fn hostile_fails(what: &str, args: &[Arg], st: ndm_status) {
    if args.iter().any(|a| !a.live) {
        assert!(st != NDM_OK, "{what} succeeded with a NULL or freed handle");
    }
}

/// Checks a status-only answer given the call's handle arguments; true on success.
fn succeeded(what: &str, args: &[Arg], st: ndm_status) -> bool {
    hostile_fails(what, args, st);
    status(what, st)
}

/// When a computation with `out=` is compared with the same computation on copies.
#[derive(Clone, Copy, PartialEq)]
enum Compare {
    /// Element-wise: each result element depends on its inputs only.
    Always,
    /// Reductions: exactly when every operand is an integer or bool (a float sum depends on
    /// the order of evaluation, hence on the layout).
    IntegersOnly,
    /// A mean.
    Never,
}

/// One execution's handles.
struct Session {
    dtypes: Vec<*mut ndm_dtype>,
    pool: Vec<*mut ndm_array>,
    freed: Vec<(*mut ndm_array, u64)>,
    frees: u64,
    copies_allowed: bool,
}

/// One execution.
pub fn run(data: &[u8]) {
    let before = pools::live().0;
    // One thread (results never depend on it); the process's copy policy.
    ndm_set_num_threads(1);
    ndm_set_thread_copy_policy(NDM_COPY_POLICY_PROCESS);
    let mut s = Session::new();
    let mut b = Bytes::new(data);
    for _ in 0..MAX_CALLS {
        if s.step(&mut b).is_none() {
            break;
        }
    }
    s.finish();
    ndm_set_thread_copy_policy(NDM_COPY_POLICY_PROCESS);
    assert_eq!(pools::live().0, before, "array handles left alive");
}

impl Session {
    fn new() -> Session {
        let dtypes = DTYPES
            .iter()
            .map(|t| {
                let mut d: *mut ndm_dtype = ptr::null_mut();
                // SAFETY: NUL-terminated text, a valid out-pointer.
                let st = unsafe { ndm_dtype_parse(t.as_ptr(), &mut d) };
                assert_eq!(st, NDM_OK, "{t:?}: {}", crate::check::last_error());
                d
            })
            .collect();
        Session {
            dtypes,
            pool: Vec::new(),
            freed: Vec::new(),
            frees: 0,
            copies_allowed: true,
        }
    }

    fn finish(&mut self) {
        for h in std::mem::take(&mut self.pool) {
            self.free(h);
        }
        for d in self.dtypes.drain(..) {
            // SAFETY: a live dtype handle, freed once.
            unsafe { ndm_dtype_free(d) };
        }
    }

    /// Frees a live handle; it becomes a stale one to pass later.
    fn free(&mut self, h: *mut ndm_array) {
        // SAFETY: a live handle of this session, freed once.
        assert_eq!(unsafe { ndm_array_free(h) }, NDM_OK);
        self.frees += 1;
        self.freed.push((h, self.frees));
        if self.freed.len() > 16 {
            self.freed.remove(0);
        }
    }

    /// Keeps a new handle, freeing the oldest one that is not an argument of the current call
    /// (its reference check still reads them).
    fn keep(&mut self, h: *mut ndm_array, args: &[Arg]) {
        check_array(h);
        if self.pool.len() == POOL {
            let k = (0..POOL)
                .find(|&k| args.iter().all(|a| a.ptr != self.pool[k]))
                .expect("more pool slots than arguments");
            let old = self.pool.remove(k);
            self.free(old);
        }
        self.pool.push(h);
    }

    fn pick(&mut self, b: &mut Bytes) -> Option<Arg> {
        let v = b.byte()?;
        let stale = self
            .freed
            .iter()
            .rev()
            .find(|f| self.frees - f.1 < STALE_WINDOW);
        if let (0xfe, Some(&(h, _))) = (v, stale) {
            return Some(Arg {
                ptr: h,
                live: false,
            });
        }
        if v == 0xff || self.pool.is_empty() {
            return Some(Arg {
                ptr: ptr::null_mut(),
                live: false,
            });
        }
        Some(Arg {
            ptr: self.pool[v as usize % self.pool.len()],
            live: true,
        })
    }

    /// An optional handle argument (`out=`): absent, live or freed (NULL means absent).
    fn pick_optional(&mut self, b: &mut Bytes) -> Option<Option<Arg>> {
        Some(if b.flag()? {
            Some(self.pick(b)?).filter(|a| !a.ptr.is_null())
        } else {
            None
        })
    }

    fn dtype(&self, b: &mut Bytes) -> Option<*mut ndm_dtype> {
        Some(self.dtypes[b.below(self.dtypes.len())?])
    }

    /// Checks a call's answer given its handle arguments, keeps a new handle.
    fn made(
        &mut self,
        what: &str,
        args: &[Arg],
        st: ndm_status,
        out: *mut ndm_array,
    ) -> Option<*mut ndm_array> {
        hostile_fails(what, args, st);
        let got = answer(what, st, out)?;
        self.keep(got, args);
        Some(got)
    }

    /// Whether an operation may work on (or allocate for) every element of these arrays.
    fn small(args: &[Arg]) -> bool {
        args.iter().all(|a| {
            // SAFETY: ndm_size takes any pointer; -1 for NULL or stale handles.
            unsafe { ndm_size(a.ptr) <= MAX_ITERATED }
        })
    }

    fn step(&mut self, b: &mut Bytes) -> Option<()> {
        let op = b.below(28)?;
        match op {
            0 => self.create(b),
            1 => self.index(b),
            2..=5 => self.reshape_family(op, b),
            6 => self.copyto(b),
            7..=9 => self.ufunc(op, b),
            10 => self.reduce(b),
            11 | 12 => self.select(op, b),
            13 => self.concatenate(b),
            14..=15 => self.fields(op, b),
            16 => {
                let a = self.pick(b)?;
                if a.live {
                    self.pool.retain(|&h| h != a.ptr);
                    self.free(a.ptr);
                } else {
                    // SAFETY: the pools detect freed handles (that is the test).
                    let st = unsafe { ndm_array_free(a.ptr) };
                    if a.ptr.is_null() {
                        assert_eq!(st, NDM_OK, "ndm_array_free(NULL) is a no-op, as free(NULL)");
                    } else {
                        assert_eq!(st, NDM_ERR_BAD_HANDLE, "a double free");
                    }
                }
                Some(())
            }
            17..=19 => self.copies(op, b),
            20..=23 => self.more_views(op, b),
            24 => self.shares_memory(b),
            25 => self.item(b),
            26 => {
                let policy = b.below(3)? as i32;
                assert!(status(
                    "ndm_set_thread_copy_policy",
                    ndm_set_thread_copy_policy(policy)
                ));
                self.copies_allowed = policy == 0;
                Some(())
            }
            _ => self.squeeze_family(b),
        }
    }

    fn create(&mut self, b: &mut Bytes) -> Option<()> {
        let dt = self.dtype(b)?;
        let ndim = b.below(5)?;
        let shape = b.ints(ndim, |b| Some(b.below(6)? as i64))?;
        let order = b.below(2)? as i32;
        let seed = b.byte()?;
        let mut a: *mut ndm_array = ptr::null_mut();
        // SAFETY: a live dtype, `shape.len()` axis lengths, a valid out-pointer.
        let st = unsafe { ndm_zeros(dt, shape.len() as i32, shape.as_ptr(), order, &mut a) };
        let a = self.made("ndm_zeros", &[], st, a)?;
        // SAFETY: a fresh contiguous array of ndm_nbytes bytes that nothing else references.
        unsafe {
            let n = ndm_nbytes(a) as usize;
            let bytes = std::slice::from_raw_parts_mut(ndm_data(a).cast::<u8>(), n);
            let bool_mask = if dt == self.dtypes[0] { 1 } else { 0xff };
            for (i, x) in bytes.iter_mut().enumerate() {
                *x = seed.wrapping_add((i as u8).wrapping_mul(37)) & bool_mask;
            }
        }
        Some(())
    }

    fn index(&mut self, b: &mut Bytes) -> Option<()> {
        let a = self.pick(b)?;
        let n = b.below(5)?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            let kind = b.below(4)? as i32;
            let flags = b.below(4)? as u32;
            items.push(ndm_index_item {
                kind,
                flags,
                start: b.int()?,
                stop: b.int()?,
                step: b.int()?,
            });
        }
        let mut out: *mut ndm_array = ptr::null_mut();
        // SAFETY: `items.len()` index items, a valid out-pointer; `a` is checked by the pools.
        let st = unsafe { views::ndm_index(a.ptr, items.as_ptr(), n as i32, &mut out) };
        self.made("ndm_index", &[a], st, out).map(|_| ())
    }

    fn reshape_family(&mut self, op: usize, b: &mut Bytes) -> Option<()> {
        let a = self.pick(b)?;
        let n = b.below(6)?;
        let mut out: *mut ndm_array = ptr::null_mut();
        let (what, st) = match op {
            2 => {
                let axes = b.ints(n, Bytes::int)?;
                let axes_ptr = if b.flag()? {
                    ptr::null()
                } else {
                    axes.as_ptr()
                };
                // SAFETY: `n` axes (or NULL), a valid out-pointer.
                ("ndm_transpose", unsafe {
                    views::ndm_transpose(a.ptr, axes_ptr, n as i32, &mut out)
                })
            }
            3 => {
                let shape = b.ints(n, |b| {
                    Some(match b.axis_len()? {
                        5 => -1,
                        v => v,
                    })
                })?;
                let (order, mode) = (b.below(4)? as i32, b.below(3)? as i32);
                if !Self::small(&[a]) && mode != ndmem::ffi::args::NDM_COPY_NEVER {
                    return Some(());
                }
                // SAFETY: `n` axis lengths, a valid out-pointer.
                ("ndm_reshape", unsafe {
                    views::ndm_reshape(a.ptr, n as i32, shape.as_ptr(), order, mode, &mut out)
                })
            }
            4 => {
                let shape = b.ints(n, Bytes::axis_len)?;
                // SAFETY: `n` axis lengths, a valid out-pointer.
                ("ndm_broadcast_to", unsafe {
                    views::ndm_broadcast_to(a.ptr, n as i32, shape.as_ptr(), &mut out)
                })
            }
            _ => {
                let shape = b.ints(n, Bytes::axis_len)?;
                let strides = b.ints(n, |b| {
                    Some(b.int()?.wrapping_mul([1, 2, 4, 8][b.below(4)?]))
                })?;
                let writeable = b.flag()?;
                // SAFETY: `n` lengths and strides, a valid out-pointer.
                ("ndm_as_strided", unsafe {
                    views::ndm_as_strided(
                        a.ptr,
                        n as i32,
                        shape.as_ptr(),
                        strides.as_ptr(),
                        writeable,
                        &mut out,
                    )
                })
            }
        };
        self.made(what, &[a], st, out).map(|_| ())
    }

    fn copyto(&mut self, b: &mut Bytes) -> Option<()> {
        let (dst, src, casting) = (self.pick(b)?, self.pick(b)?, b.below(5)? as i32);
        if !Self::small(&[dst, src]) {
            return Some(());
        }
        let expected = reference::Snapshot::take(dst.ptr, src.ptr, dst.live && src.live);
        // SAFETY: handles checked by the pools.
        let st = unsafe { copy::ndm_copyto(dst.ptr, src.ptr, casting) };
        if succeeded("ndm_copyto", &[dst, src], st) {
            if let Some(e) = expected {
                e.check_copyto(dst.ptr);
            }
        }
        Some(())
    }

    fn ufunc(&mut self, op: usize, b: &mut Bytes) -> Option<()> {
        let (a, x) = (self.pick(b)?, self.pick(b)?);
        let out = self.pick_optional(b)?;
        let code = b.byte()? as i32;
        let casting = b.below(5)? as i32;
        let dtype = if b.below(4)? == 0 {
            self.dtype(b)?
        } else {
            ptr::null_mut()
        };
        let opts = ndm_ufunc_opts {
            casting,
            dtype,
            where_mask: ptr::null(),
        };
        let scalar = ndm_scalar {
            kind: b.below(5)? as i32,
            i: b.int()?,
            f: b.int()? as f64 / 4.0,
            imag: 0.5,
        };
        let first = b.flag()?;
        let mut args = vec![a];
        if op == 7 {
            args.push(x);
        }
        args.extend(out);
        if !Self::small(&args) {
            return Some(());
        }
        let call = |ins: &[*mut ndm_array], out: *mut ndm_array, result: &mut *mut ndm_array| {
            // SAFETY: handles checked by the pools, options and scalar valid for the call.
            unsafe {
                match op {
                    7 => ufunc::ndm_ufunc_binary(code % 23, ins[0], ins[1], out, &opts, result),
                    8 => ufunc::ndm_ufunc_unary(code % 22, ins[0], out, &opts, result),
                    _ => ufunc::ndm_ufunc_scalar(
                        code % 23,
                        ins[0],
                        &scalar,
                        first,
                        out,
                        &opts,
                        result,
                    ),
                }
            }
        };
        let ins: Vec<_> = args[..if op == 7 { 2 } else { 1 }]
            .iter()
            .map(|a| a.ptr)
            .collect();
        self.compute(&args, out, &ins, "ufunc", Compare::Always, call)
    }

    fn reduce(&mut self, b: &mut Bytes) -> Option<()> {
        let a = self.pick(b)?;
        let out = self.pick_optional(b)?;
        let code = match b.below(24)? {
            23 => NDM_MEAN,
            c => c as i32,
        };
        let naxes = b.below(4)? as i32 - 1;
        let axes = b.ints(naxes.max(0) as usize, Bytes::int)?;
        let keepdims = b.flag()?;
        let mut args = vec![a];
        args.extend(out);
        if !Self::small(&args) {
            return Some(());
        }
        let call = |ins: &[*mut ndm_array], out: *mut ndm_array, result: &mut *mut ndm_array| {
            // SAFETY: `naxes` axes (or NULL with NDM_ALL_AXES), handles checked by the pools.
            unsafe {
                ufunc::ndm_reduce(
                    code,
                    ins[0],
                    axes.as_ptr(),
                    naxes,
                    keepdims,
                    out,
                    ptr::null(),
                    result,
                )
            }
        };
        // A mean accumulates in float64, in an order that depends on the layout.
        let compare = if code == NDM_MEAN {
            Compare::Never
        } else {
            Compare::IntegersOnly
        };
        self.compute(&args, out, &[a.ptr], "ndm_reduce", compare, call)
    }

    /// Runs a computing call; with an `out`, also on copies of the inputs into a copy of `out`,
    /// and compares as `compare` says.
    fn compute(
        &mut self,
        args: &[Arg],
        out: Option<Arg>,
        ins: &[*mut ndm_array],
        what: &str,
        compare: Compare,
        call: impl Fn(&[*mut ndm_array], *mut ndm_array, &mut *mut ndm_array) -> ndm_status,
    ) -> Option<()> {
        let twin = match out {
            Some(o) if compare != Compare::Never && args.iter().all(|a| a.live) => {
                reference::Twin::make(ins, o.ptr)
            }
            _ => None,
        };
        let mut result: *mut ndm_array = ptr::null_mut();
        let st = call(ins, out.map_or(ptr::null_mut(), |o| o.ptr), &mut result);
        if out.is_some() {
            // With `out`, the result handle is a new handle to `out`.
            if let Some(r) = self.made(what, args, st, result) {
                if let Some(t) = &twin {
                    t.check(r, &call, compare == Compare::Always, self.copies_allowed);
                }
            }
        } else {
            self.made(what, args, st, result);
        }
        if let Some(t) = twin {
            t.free();
        }
        Some(())
    }

    fn select(&mut self, op: usize, b: &mut Bytes) -> Option<()> {
        let a = self.pick(b)?;
        let n = b.below(5)?;
        let values = b.ints(n, Bytes::int)?;
        let axis = b.int()?;
        let axis_ptr = if b.flag()? {
            ptr::null()
        } else {
            &axis as *const i64
        };
        if !Self::small(&[a]) {
            return Some(());
        }
        let picks = reference::index_array(&values, op == 12);
        let mut out: *mut ndm_array = ptr::null_mut();
        // SAFETY: handles checked by the pools, axis NULL or one int64, a valid out-pointer.
        let st = unsafe {
            match op {
                11 => select::ndm_take(a.ptr, picks, axis_ptr, &mut out),
                _ => select::ndm_compress(a.ptr, picks, axis_ptr, &mut out),
            }
        };
        let got = self.made(
            if op == 11 { "ndm_take" } else { "ndm_compress" },
            &[a],
            st,
            out,
        );
        if let Some(got) = got.filter(|_| axis_ptr.is_null()) {
            reference::check_selection(a.ptr, &values, op == 12, got);
        }
        reference::free_temp(picks);
        Some(())
    }

    fn concatenate(&mut self, b: &mut Bytes) -> Option<()> {
        let n = b.below(4)?;
        let arrays: Vec<Arg> = (0..n).map(|_| self.pick(b)).collect::<Option<_>>()?;
        let axis = b.int()?;
        let axis_ptr = if b.flag()? {
            ptr::null()
        } else {
            &axis as *const i64
        };
        let dtype = if b.flag()? {
            self.dtype(b)?
        } else {
            ptr::null_mut()
        };
        let casting = b.below(5)? as i32;
        if !Self::small(&arrays) {
            return Some(());
        }
        let ptrs: Vec<*const ndm_array> = arrays.iter().map(|a| a.ptr as *const _).collect();
        let mut out: *mut ndm_array = ptr::null_mut();
        // SAFETY: `n` handles checked by the pools, a valid out-pointer.
        let st = unsafe {
            select::ndm_concatenate(n as i32, ptrs.as_ptr(), axis_ptr, dtype, casting, &mut out)
        };
        self.made("ndm_concatenate", &arrays, st, out).map(|_| ())
    }

    fn fields(&mut self, op: usize, b: &mut Bytes) -> Option<()> {
        let a = self.pick(b)?;
        let mut out: *mut ndm_array = ptr::null_mut();
        let (what, st) = if op == 14 {
            let name = [c"a", c"b", c"x", c""][b.below(4)?];
            // SAFETY: a NUL-terminated name, a valid out-pointer.
            ("ndm_field", unsafe {
                fields::ndm_field(a.ptr, name.as_ptr(), &mut out)
            })
        } else {
            let inplace = b.flag()?;
            if inplace && !Self::small(&[a]) {
                return Some(());
            }
            // SAFETY: a valid out-pointer.
            ("ndm_byteswap", unsafe {
                fields::ndm_byteswap(a.ptr, inplace, &mut out)
            })
        };
        self.made(what, &[a], st, out).map(|_| ())
    }

    fn copies(&mut self, op: usize, b: &mut Bytes) -> Option<()> {
        let a = self.pick(b)?;
        let order = b.below(4)? as i32;
        let dt = self.dtype(b)?;
        let (casting, mode) = (b.below(5)? as i32, b.below(3)? as i32);
        if !Self::small(&[a]) {
            return Some(());
        }
        let mut out: *mut ndm_array = ptr::null_mut();
        // SAFETY: handles checked by the pools, a live dtype, a valid out-pointer.
        let (what, st) = unsafe {
            match op {
                17 => ("ndm_copy", copy::ndm_copy(a.ptr, order, &mut out)),
                18 => (
                    "ndm_astype",
                    copy::ndm_astype(a.ptr, dt, casting, order, mode, &mut out),
                ),
                _ => (
                    "ndm_view_dtype",
                    fields::ndm_view_dtype(a.ptr, dt, &mut out),
                ),
            }
        };
        if let Some(got) = self.made(what, &[a], st, out) {
            if op == 17 {
                reference::check_same_elements(a.ptr, got);
            }
        }
        Some(())
    }

    fn more_views(&mut self, op: usize, b: &mut Bytes) -> Option<()> {
        let a = self.pick(b)?;
        let n = b.below(4)?;
        let (w, axes) = (b.ints(n, Bytes::axis_len)?, b.ints(n, Bytes::int)?);
        let (x, y, z) = (b.int()?, b.int()?, b.int()?);
        let flag = b.flag()?;
        let mut out: *mut ndm_array = ptr::null_mut();
        // SAFETY: `n` window lengths and axes (or NULL), a valid out-pointer.
        let (what, st) = unsafe {
            match op {
                20 => {
                    let axes_ptr = if flag { ptr::null() } else { axes.as_ptr() };
                    (
                        "ndm_sliding_window_view",
                        views::ndm_sliding_window_view(
                            a.ptr,
                            n as i32,
                            w.as_ptr(),
                            axes_ptr,
                            flag,
                            &mut out,
                        ),
                    )
                }
                21 => (
                    "ndm_diagonal",
                    views::ndm_diagonal(a.ptr, x, y, z, &mut out),
                ),
                22 => ("ndm_swapaxes", views::ndm_swapaxes(a.ptr, x, y, &mut out)),
                _ => (
                    "ndm_moveaxis",
                    views::ndm_moveaxis(a.ptr, w.as_ptr(), axes.as_ptr(), n as i32, &mut out),
                ),
            }
        };
        self.made(what, &[a], st, out).map(|_| ())
    }

    fn shares_memory(&mut self, b: &mut Bytes) -> Option<()> {
        let (a, x) = (self.pick(b)?, self.pick(b)?);
        let mut answer = -1;
        // Exact for arrays small enough to list their bytes; bounded work for the others.
        let max_work = if Self::small(&[a, x]) { -1 } else { 10_000 };
        // SAFETY: handles checked by the pools, a valid out-pointer.
        let st = unsafe { overlap::ndm_shares_memory(a.ptr, x.ptr, max_work, &mut answer) };
        if succeeded("ndm_shares_memory", &[a, x], st) && max_work < 0 {
            if let Some(expected) = reference::share_bytes(a.ptr, x.ptr) {
                assert_eq!(
                    answer, expected as i32,
                    "ndm_shares_memory against the elements' bytes"
                );
            }
        }
        Some(())
    }

    fn item(&mut self, b: &mut Bytes) -> Option<()> {
        let a = self.pick(b)?;
        let n = b.below(4)?;
        let index = b.ints(n, Bytes::int)?;
        let kind = b.below(19)? as i32;
        let mut value = [0u64; 4];
        value[0] = b.int()? as u64;
        // `index.len()` entries and 32 bytes of value, as large as any element kind except the
        // raw ones, which copy ndm_itemsize bytes: only asked for when that fits.
        // SAFETY: so the index and value pointers are valid for what the calls read and write.
        unsafe {
            if ndm_itemsize(a.ptr) > 32 {
                return Some(());
            }
            let st = item::ndm_set_item(
                a.ptr,
                index.as_ptr(),
                index.len() as i32,
                kind,
                value.as_ptr().cast(),
            );
            succeeded("ndm_set_item", &[a], st);
            let st = item::ndm_get_item(
                a.ptr,
                index.as_ptr(),
                index.len() as i32,
                kind,
                value.as_mut_ptr().cast(),
            );
            succeeded("ndm_get_item", &[a], st);
        }
        Some(())
    }

    fn squeeze_family(&mut self, b: &mut Bytes) -> Option<()> {
        let a = self.pick(b)?;
        let n = b.below(4)?;
        let axes = b.ints(n, Bytes::int)?;
        let expand = b.flag()?;
        let axes_ptr = if !expand && b.flag()? {
            ptr::null()
        } else {
            axes.as_ptr()
        };
        let mut out: *mut ndm_array = ptr::null_mut();
        // SAFETY: `n` axes (or NULL), a valid out-pointer.
        let (what, st) = unsafe {
            if expand {
                (
                    "ndm_expand_dims",
                    views::ndm_expand_dims(a.ptr, axes_ptr, n as i32, &mut out),
                )
            } else {
                (
                    "ndm_squeeze",
                    views::ndm_squeeze(a.ptr, axes_ptr, n as i32, &mut out),
                )
            }
        };
        self.made(what, &[a], st, out).map(|_| ())
    }
}
