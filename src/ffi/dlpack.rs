//! DLPack 1.x from C: `ndm_to_dlpack` / `ndm_to_dlpack_unversioned` hand an array to another
//! library, `ndm_from_dlpack_versioned` / `ndm_from_dlpack` take one, both without a copy (the
//! capsules of DLPack's Python protocol are in `ffi::python`).
//!
//! The structs mirror dlpack.h field for field. The header declares them by hand (cbindgen.toml,
//! under dlpack.h's own include guard, so that a file including dlpack.h first still compiles),
//! and the C tests check this layout against a real dlpack.h.

use super::args;
use super::handle::ndm_array;
use super::status::ndm_status;
use crate::array::Array;
use crate::bail;
use crate::buffer::{Buffer, Release};
use crate::copy;
use crate::dlpack::{self, DataType};
use crate::dtype::{ByteOrder, Casting};
use crate::error::Result;
use crate::layout::{CopyMode, Order};
use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::Arc;

/// dlpack.h's `DLPackVersion`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DLPackVersion {
    /// Major version; ndmem takes tensors of major version 1.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
}

/// dlpack.h's `DLDevice` (`device_type` is its `DLDeviceType` enum, an int).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DLDevice {
    /// `kDLCPU` (1) for everything ndmem exports.
    pub device_type: i32,
    /// The device number (0 for the CPU).
    pub device_id: i32,
}

/// dlpack.h's `DLDataType`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DLDataType {
    /// `kDLInt` 0, `kDLUInt` 1, `kDLFloat` 2, `kDLComplex` 5, `kDLBool` 6, ...
    pub code: u8,
    /// Bits per lane.
    pub bits: u8,
    /// Lanes per element.
    pub lanes: u16,
}

/// dlpack.h's `DLTensor`.
#[repr(C)]
#[derive(Debug)]
pub struct DLTensor {
    /// Start of the memory; element 0 is at `data + byte_offset`.
    pub data: *mut c_void,
    /// Where the memory lives.
    pub device: DLDevice,
    /// Number of axes.
    pub ndim: i32,
    /// Element type.
    pub dtype: DLDataType,
    /// `ndim` lengths.
    pub shape: *mut i64,
    /// `ndim` strides in elements, or NULL for C-contiguous.
    pub strides: *mut i64,
    /// Bytes from `data` to element 0.
    pub byte_offset: u64,
}

/// dlpack.h's `DLManagedTensor` (DLPack before 1.0: no version, no flags).
#[repr(C)]
#[derive(Debug)]
pub struct DLManagedTensor {
    /// The tensor.
    pub dl_tensor: DLTensor,
    /// The producer's context.
    pub manager_ctx: *mut c_void,
    /// Called once by the consumer when it no longer needs the memory.
    pub deleter: Option<unsafe extern "C" fn(*mut DLManagedTensor)>,
}

/// dlpack.h's `DLManagedTensorVersioned` (DLPack 1.x).
#[repr(C)]
#[derive(Debug)]
pub struct DLManagedTensorVersioned {
    /// The DLPack version the producer wrote.
    pub version: DLPackVersion,
    /// The producer's context.
    pub manager_ctx: *mut c_void,
    /// Called once by the consumer when it no longer needs the memory.
    pub deleter: Option<unsafe extern "C" fn(*mut DLManagedTensorVersioned)>,
    /// `DLPACK_FLAG_BITMASK_*`.
    pub flags: u64,
    /// The tensor.
    pub dl_tensor: DLTensor,
}

/// `ndm_to_dlpack` flag: export a C-contiguous copy in the native byte order (marked
/// `DLPACK_FLAG_BITMASK_IS_COPIED`), which works for every numeric array.
pub const NDM_DLPACK_COPY: u32 = 1;

/// dlpack.h's `DLPACK_FLAG_BITMASK_READ_ONLY`.
const READ_ONLY: u64 = 1;
/// dlpack.h's `DLPACK_FLAG_BITMASK_IS_COPIED`.
const IS_COPIED: u64 = 2;

/// One exported tensor and what it keeps alive; `managed` comes first, so a pointer to it is a
/// pointer to the whole (what the deleter gets back).
#[repr(C)]
struct Exported<M> {
    managed: M,
    /// The shape, then the strides in elements.
    dims: Vec<i64>,
    array: Arc<Array>,
}

/// The `manager_ctx` of every tensor ndmem exports: the address of this static, which no other
/// library's tensor can have, tells an import of ndmem's own tensor.
static EXPORTED_BY_NDMEM: u8 = 0;

fn ndmem_ctx() -> *mut c_void {
    std::ptr::addr_of!(EXPORTED_BY_NDMEM).cast_mut().cast()
}

/// Calls the deleter of a tensor, if it has one.
///
/// # Safety
/// `m` is NULL or a live managed tensor whose deleter has not been called.
pub(crate) unsafe fn delete<M: Managed>(m: *mut M) {
    // SAFETY: the caller's contract.
    if let Some(deleter) = unsafe { m.as_ref() }.and_then(|t| t.deleter()) {
        // SAFETY: the producer's deleter, called once with its own tensor.
        unsafe { deleter(m) }
    }
}

/// The deleter of every tensor ndmem exports: frees it and releases its array. No Python, no
/// lock; NULL is a no-op.
unsafe extern "C" fn delete_exported<M>(managed: *mut M) {
    if !managed.is_null() {
        // `managed` is the first field (repr(C): offset 0) of a leaked `Box<Exported<M>>`.
        // SAFETY: that box, freed once: DLPack's contract is that the deleter runs once.
        let exported = unsafe { Box::from_raw(managed.cast::<Exported<M>>()) };
        // Dropping the array may run a foreign release; a panic must not cross into C.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(exported)));
    }
}

/// The array to export (a copy with `NDM_DLPACK_COPY`) and whether it is a copy.
fn source(a: &Arc<Array>, flags: u32) -> Result<(Arc<Array>, bool)> {
    if flags & !NDM_DLPACK_COPY != 0 {
        bail!(
            InvalidArg,
            "flags {flags:#x}: only NDM_DLPACK_COPY may be given"
        );
    }
    if flags & NDM_DLPACK_COPY == 0 {
        return Ok((Arc::clone(a), false));
    }
    // Refuse what no copy can fix (a text dtype) before copying anything.
    let native = a.dtype().with_order(ByteOrder::NATIVE);
    dlpack::data_type(&native)?;
    Ok((
        copy::astype(a, &native, Casting::Equiv, Order::C, CopyMode::Always)?,
        true,
    ))
}

/// The two managed structs: their tensor, context and deleter.
pub(crate) trait Managed: Sized {
    fn tensor(&self) -> &DLTensor;
    fn ctx(&self) -> *mut c_void;
    fn deleter(&self) -> Option<unsafe extern "C" fn(*mut Self)>;
}

macro_rules! managed {
    ($($t:ty),*) => {$(
        impl Managed for $t {
            fn tensor(&self) -> &DLTensor {
                &self.dl_tensor
            }
            fn ctx(&self) -> *mut c_void {
                self.manager_ctx
            }
            fn deleter(&self) -> Option<unsafe extern "C" fn(*mut Self)> {
                self.deleter
            }
        }
    )*};
}
managed!(DLManagedTensor, DLManagedTensorVersioned);

/// Builds the tensor of `a` (element 0 at `data`, strides always given) inside the managed
/// struct `wrap` makes (given the tensor, the context and the deleter), and leaks it: the
/// consumer's call to the deleter frees it. One allocation besides the shape and strides.
fn export<M: Managed>(
    a: Arc<Array>,
    wrap: impl FnOnce(DLTensor, *mut c_void, unsafe extern "C" fn(*mut M)) -> M,
) -> Result<*mut M> {
    let t = dlpack::describe(&a)?;
    let mut dims = Vec::with_capacity(2 * a.ndim());
    dims.extend_from_slice(a.shape());
    dims.extend(dlpack::element_strides(&a));
    let tensor = DLTensor {
        data: a.data_ptr().cast(),
        device: DLDevice {
            device_type: dlpack::DEVICE_CPU,
            device_id: 0,
        },
        ndim: i32::try_from(a.ndim()).expect("at most 64 axes"),
        dtype: DLDataType {
            code: t.code,
            bits: t.bits,
            lanes: t.lanes,
        },
        shape: dims.as_mut_ptr(),
        strides: dims.as_mut_ptr().wrapping_add(a.ndim()),
        byte_offset: 0,
    };
    let managed = wrap(tensor, ndmem_ctx(), delete_exported::<M>);
    Ok(Box::into_raw(Box::new(Exported {
        managed,
        dims,
        array: a,
    }))
    .cast::<M>())
}

/// The array of a tensor ndmem exported and nobody changed (every field as exported), if `m`
/// is one: importing it is a view of that array, with no new buffer, and the tensor is freed
/// at once.
///
/// # Safety
/// `tensor` points to a valid tensor whose deleter has not been called.
unsafe fn own_export<'a, M: Managed>(tensor: *mut M) -> Option<&'a Arc<Array>> {
    // SAFETY: the caller's contract.
    let m = unsafe { &*tensor };
    // A tensor whose deleter was replaced (a consumer interposing its own) takes the general
    // road. Function addresses may differ between copies of one function, never match another
    // library's: at worst an own tensor is wrapped like a foreign one, which is also right.
    #[allow(unpredictable_function_pointer_comparisons)]
    let ours = m.deleter() == Some(delete_exported::<M>);
    if m.ctx() != ndmem_ctx() || !ours {
        return None;
    }
    // Only ndmem's exports have this context, each the first field of an `Exported<M>` that
    // lives until its deleter runs; it is read through the pointer to the whole allocation.
    // SAFETY: so `tensor` points to a live `Exported<M>` (the caller owns it until then).
    let e = unsafe { &*tensor.cast::<Exported<M>>() };
    let (t, a, n) = (m.tensor(), &e.array, e.array.ndim());
    let itemsize = a.itemsize() as i64;
    let same = t.data == a.data_ptr().cast()
        && t.device.device_type == dlpack::DEVICE_CPU
        && (t.ndim, t.byte_offset) == (n as i32, 0)
        && dlpack::data_type(a.dtype()).is_ok_and(|d| {
            (d.code, d.bits, d.lanes) == (t.dtype.code, t.dtype.bits, t.dtype.lanes)
        })
        && std::ptr::eq(t.shape, e.dims.as_ptr())
        && std::ptr::eq(t.strides, e.dims.as_ptr().wrapping_add(n))
        && e.dims[..n] == *a.shape()
        && e.dims[n..]
            .iter()
            .zip(a.strides())
            .all(|(&d, &s)| d * itemsize == s);
    same.then_some(a)
}

/// Hands `a` to another library as a DLPack 1.x tensor, without a copy: `*out` points to a
/// `DLManagedTensorVersioned` (version 1.1) whose memory is `a`'s; `flags` 0 or
/// `NDM_DLPACK_COPY`.
///
/// The tensor keeps `a`'s buffer alive (freeing `a` is fine) until its `deleter` is called,
/// which the consumer must do exactly once; the deleter needs no Python runtime and may run on
/// any thread at any time. Element 0 is at `data` (`byte_offset` 0); `strides` is always given,
/// in elements, exactly (negative and zero strides included); `DLPACK_FLAG_BITMASK_READ_ONLY` is
/// set for a read-only array, `DLPACK_FLAG_BITMASK_IS_COPIED` for a copy.
///
/// `NDM_ERR_EXCHANGE`, with the reason, for what DLPack cannot describe: a text, bytes, raw or
/// record dtype, a non-native byte order, or a stride that is not a multiple of the itemsize
/// (a record field view). `NDM_DLPACK_COPY` exports a C-contiguous native-order copy instead,
/// which cures the last two.
#[no_mangle]
pub unsafe extern "C" fn ndm_to_dlpack(
    a: *const ndm_array,
    flags: u32,
    out: *mut *mut DLManagedTensorVersioned,
) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        let (a, copied) = source(args::array(a, "a")?, flags)?;
        let mut bits = if a.is_writeable() { 0 } else { READ_ONLY };
        if copied {
            bits |= IS_COPIED;
        }
        *out = export(a, |dl_tensor, manager_ctx, deleter| DLManagedTensorVersioned {
            version: DLPackVersion { major: dlpack::VERSION.0, minor: dlpack::VERSION.1 },
            manager_ctx,
            deleter: Some(deleter),
            flags: bits,
            dl_tensor,
        })?;
        Ok(())
    }
}

/// Like `ndm_to_dlpack`, as the unversioned `DLManagedTensor` of DLPack before 1.0, for older
/// consumers. That struct cannot say "read-only", so a read-only array is `NDM_ERR_EXCHANGE`
/// (export it with `ndm_to_dlpack`, or a copy).
#[no_mangle]
pub unsafe extern "C" fn ndm_to_dlpack_unversioned(
    a: *const ndm_array,
    flags: u32,
    out: *mut *mut DLManagedTensor,
) -> ndm_status {
    boundary! {
        let out = args::out(out, "out")?;
        let (a, _) = source(args::array(a, "a")?, flags)?;
        if !a.is_writeable() {
            bail!(
                Exchange,
                "the unversioned DLManagedTensor cannot mark an array read-only, and this one is: export it as DLPack 1.x (ndm_to_dlpack; max_version=(1, 0) in Python), or a copy"
            );
        }
        *out = export(a, |dl_tensor, manager_ctx, deleter| DLManagedTensor {
            dl_tensor,
            manager_ctx,
            deleter: Some(deleter),
        })?;
        Ok(())
    }
}

/// A producer's deleter and its tensor, called when the last ndmem view of the memory goes.
struct ProducerDeleter<M> {
    deleter: unsafe extern "C" fn(*mut M),
    managed: *mut M,
}
// SAFETY: ndm_from_dlpack's contract (the header) says the producer's deleter may be called on
// any thread, once.
unsafe impl<M> Send for ProducerDeleter<M> {}

/// Wraps the memory of `t` as an array whose buffer calls `release` when the last view of it is
/// freed. Everything is checked first, so that on failure `release` is dropped uncalled.
fn import(t: &DLTensor, read_only: bool, release: Option<Release>) -> Result<Array> {
    if !dlpack::HOST_DEVICES.contains(&t.device.device_type) {
        bail!(
            Exchange,
            "the tensor lives on DLPack device type {} (device {}), which the CPU cannot address; ndmem takes kDLCPU (1), kDLCUDAHost (3), kDLROCMHost (11) and kDLCUDAManaged (13)",
            t.device.device_type,
            t.device.device_id
        );
    }
    let shape = args::i64s(t.shape, t.ndim.into(), "dl_tensor.shape")?;
    let strides = args::opt_i64s(t.strides, t.ndim, "dl_tensor.strides")?;
    let dtype = DataType {
        code: t.dtype.code,
        bits: t.dtype.bits,
        lanes: t.dtype.lanes,
    };
    let l = dlpack::layout_of(dtype, shape, strides)?;
    // Where the lowest byte is, as a distance from `data` (byte_offset to element 0, then
    // `low` back), checked as numbers before any pointer moves.
    let delta = i128::from(t.byte_offset) + i128::from(l.low);
    let lowest = t.data as usize as i128 + delta;
    // A tensor with elements starts above address 0 and ends inside the address space.
    let fits = match l.len {
        0 => lowest >= 0,
        len => lowest > 0 && lowest + len as i128 <= usize::MAX as i128,
    };
    let Some(delta) = isize::try_from(delta).ok().filter(|_| fits) else {
        bail!(
            Bounds,
            "the tensor's data {:p} + byte_offset {} with strides {:?} wraps around the address space",
            t.data,
            t.byte_offset,
            strides
        );
    };
    // The producer's pointer (its provenance), moved by whole bytes; an empty tensor keeps its
    // address too (NumPy shows it), and may have none.
    let ptr = match NonNull::new(t.data.cast::<u8>()) {
        Some(data) => match NonNull::new(data.as_ptr().wrapping_offset(delta)) {
            Some(lowest) => lowest,
            None => data, // an empty tensor whose lowest address would be 0: nothing is read
        },
        None if l.len == 0 => NonNull::dangling(),
        None => bail!(NullArg, "the tensor's data is NULL and it has elements"),
    };
    let writeable = !read_only;
    Array::checked_strides(l.len, -l.low, &l.dtype, shape, Some(&l.strides))?;
    // DLPack's contract: the producer keeps the memory valid until its deleter runs.
    // SAFETY: so `[ptr, ptr + len)` stays valid (writable unless read-only) until `release`.
    let buffer = Arc::new(unsafe { Buffer::foreign(ptr, l.len, release) });
    Array::from_buffer(buffer, -l.low, l.dtype, shape, Some(&l.strides), writeable)
}

/// The release of an imported tensor: its producer's deleter, if it has one.
fn deleter_of<M: 'static>(
    deleter: Option<unsafe extern "C" fn(*mut M)>,
    managed: *mut M,
) -> Option<Release> {
    deleter.map(|deleter| {
        let d = ProducerDeleter { deleter, managed };
        Box::new(move || {
            let d = d;
            // SAFETY: the producer asked for exactly this call, once, when the memory is done with.
            unsafe { (d.deleter)(d.managed) }
        }) as Release
    })
}

/// The array over the memory of `tensor` (NULL: an error), which is ndmem's on success.
///
/// # Safety
/// `tensor` is NULL or a valid tensor whose deleter has not been called.
unsafe fn take<M: Managed + 'static>(tensor: *mut M, read_only: bool) -> Result<Array> {
    // SAFETY: the caller's contract.
    let Some(m) = (unsafe { tensor.as_ref() }) else {
        bail!(NullArg, "argument 'tensor' is NULL");
    };
    // SAFETY: as above.
    if let Some(a) = unsafe { own_export(tensor) } {
        let view = a.view(a.strided(), a.is_writeable() && !read_only);
        // The tensor is ndmem's now (nothing can fail past here) and the view holds the memory.
        // SAFETY: `tensor` is valid and not yet deleted; neither `m` nor `a` is used again.
        unsafe { delete(tensor) };
        return Ok(view);
    }
    import(m.tensor(), read_only, deleter_of(m.deleter(), tensor))
}

/// Takes another library's DLPack 1.x tensor as an array, without a copy. On success the
/// tensor is ndmem's (do not touch it again): its `deleter` (if not NULL) is called exactly
/// once, at the latest on whichever thread frees the last ndmem array over the memory (views
/// included); a tensor ndmem itself exported comes back as a view of its array, and is freed at
/// once. On failure the deleter is **not** called and the tensor stays the caller's (including
/// a tensor of another major version, which DLPack says to free with its deleter without
/// reading anything else).
///
/// The array is read-only when the tensor has `DLPACK_FLAG_BITMASK_READ_ONLY`. The memory
/// must be addressable by the CPU (`kDLCPU`, `kDLCUDAHost`, `kDLROCMHost`, `kDLCUDAManaged`),
/// the type one of ndmem's (bool, int and uint of 8-64 bits, float of 16-64 bits, complex of
/// 64 or 128 bits, one lane), else `NDM_ERR_EXCHANGE`; `strides` NULL means C-contiguous.
#[no_mangle]
pub unsafe extern "C" fn ndm_from_dlpack_versioned(
    tensor: *mut DLManagedTensorVersioned,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            // SAFETY: the header's contract: `tensor` is NULL or points to a valid tensor.
            let Some(m) = (unsafe { tensor.as_ref() }) else {
                bail!(NullArg, "argument 'tensor' is NULL");
            };
            if m.version.major != dlpack::VERSION.0 {
                bail!(
                    Exchange,
                    "the tensor is DLPack {}.{}, whose layout this ndmem (DLPack {}.x) cannot read; it stays yours (call its deleter)",
                    m.version.major,
                    m.version.minor,
                    dlpack::VERSION.0
                );
            }
            // SAFETY: as above.
            Ok(Arc::new(unsafe { take(tensor, m.flags & READ_ONLY != 0) }?))
        })
    }
}

/// Like `ndm_from_dlpack_versioned`, for the unversioned `DLManagedTensor` of DLPack before
/// 1.0. That struct cannot say whether the memory may be written, so the array is read-only,
/// as NumPy makes it (wrap the memory with `ndm_from_ptr` if you know it may be written).
#[no_mangle]
pub unsafe extern "C" fn ndm_from_dlpack(
    tensor: *mut DLManagedTensor,
    out: *mut *mut ndm_array,
) -> ndm_status {
    boundary! {
        args::produce(out, || {
            // SAFETY: the header's contract: `tensor` is NULL or points to a valid tensor.
            Ok(Arc::new(unsafe { take(tensor, true) }?))
        })
    }
}
