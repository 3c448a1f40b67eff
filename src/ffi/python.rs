//! Helpers for Python bindings that have no compiler (ctypes, cffi's ABI mode): the pieces that
//! must be C functions because CPython may call them at any time, interpreter shutdown
//! included, when no Python code can safely run. They find CPython's functions in the running
//! process (`dlsym`); in a process without Python they do nothing.
//!
//! - `ndm_python_release`: the release callback of memory a Python object owns (a NumPy array
//!   wrapped with `ndm_from_ptr`): drops one reference, with the GIL.
//! - `ndm_dlpack_capsule_name` / `ndm_dlpack_capsule_destructor`: DLPack capsules.

use super::dlpack::{delete, DLManagedTensor, DLManagedTensorVersioned};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

type IsValid = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
type GetPointer = unsafe extern "C" fn(*mut c_void, *const c_char) -> *mut c_void;
type NoArgInt = unsafe extern "C" fn() -> c_int;
type IntArg = unsafe extern "C" fn(c_int);
type ObjectArg = unsafe extern "C" fn(*mut c_void);

/// The CPython functions these helpers call, as found in the process.
struct Api {
    /// `PyCapsule_IsValid(capsule, name)`.
    capsule_is_valid: IsValid,
    /// `PyCapsule_GetPointer(capsule, name)`.
    capsule_pointer: GetPointer,
    /// `Py_IsInitialized()`: 0 from the start of interpreter shutdown on.
    is_initialized: NoArgInt,
    /// `PyGILState_Ensure()`.
    gil_ensure: NoArgInt,
    /// `PyGILState_Release(state)`.
    gil_release: IntArg,
    /// `Py_DecRef(object)`.
    decref: ObjectArg,
}

/// CPython's functions in this process, if it runs a Python interpreter.
fn api() -> Option<&'static Api> {
    static API: OnceLock<Option<Api>> = OnceLock::new();
    API.get_or_init(|| {
        // SAFETY: dlsym with RTLD_DEFAULT and a NUL-terminated name only looks a symbol up.
        let find = |name: &CStr| unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
        let found = [
            c"PyCapsule_IsValid",
            c"PyCapsule_GetPointer",
            c"Py_IsInitialized",
            c"PyGILState_Ensure",
            c"PyGILState_Release",
            c"Py_DecRef",
        ]
        .map(find);
        if found.iter().any(|f| f.is_null()) {
            return None;
        }
        // CPython's stable ABI; PyGILState_STATE is a C enum, an int.
        // SAFETY: these symbols are CPython's functions of exactly these C signatures.
        unsafe {
            Some(Api {
                capsule_is_valid: std::mem::transmute::<*mut c_void, IsValid>(found[0]),
                capsule_pointer: std::mem::transmute::<*mut c_void, GetPointer>(found[1]),
                is_initialized: std::mem::transmute::<*mut c_void, NoArgInt>(found[2]),
                gil_ensure: std::mem::transmute::<*mut c_void, NoArgInt>(found[3]),
                gil_release: std::mem::transmute::<*mut c_void, IntArg>(found[4]),
                decref: std::mem::transmute::<*mut c_void, ObjectArg>(found[5]),
            })
        }
    })
    .as_ref()
}

/// An `ndm_release_fn` for memory a Python object owns: `ndm_from_ptr(..., ndm_python_release,
/// object)` after taking a reference to `object` (`Py_IncRef`); when the last ndmem array over
/// the memory goes, this drops that reference, on any thread, taking the GIL. Once the
/// interpreter is shutting down it does nothing (the object is left to the process's exit, as
/// NumPy's own DLPack deleter does), so a late release never runs into a torn-down Python.
#[no_mangle]
pub unsafe extern "C" fn ndm_python_release(data: *mut c_void, object: *mut c_void) {
    let _ = data; // the memory is the object's; only the object is released
    let Some(api) = api() else { return };
    // `object` holds the reference the binding took for this release.
    // SAFETY: it is dropped once, with the GIL, while the interpreter is running.
    unsafe {
        if (api.is_initialized)() == 0 {
            return;
        }
        let state = (api.gil_ensure)();
        (api.decref)(object);
        (api.gil_release)(state);
    }
}

const CAPSULE_NAMES: [[&CStr; 2]; 2] = [
    [c"dltensor", c"used_dltensor"],
    [c"dltensor_versioned", c"used_dltensor_versioned"],
];

/// The name a Python DLPack capsule carries: `"dltensor"` / `"dltensor_versioned"` (`used`:
/// `"used_..."`, the name a consumer gives a capsule it took). Static strings, so a capsule
/// named with them never outlives its name, even during interpreter shutdown.
#[no_mangle]
pub extern "C" fn ndm_dlpack_capsule_name(versioned: bool, used: bool) -> *const c_char {
    CAPSULE_NAMES[usize::from(versioned)][usize::from(used)].as_ptr()
}

/// A `PyCapsule_Destructor` for capsules named by `ndm_dlpack_capsule_name` that hold a
/// tensor from `ndm_to_dlpack(_unversioned)`: it calls the tensor's deleter only if no consumer
/// took the capsule (renamed it `used_...`), and runs no Python code.
#[no_mangle]
pub unsafe extern "C" fn ndm_dlpack_capsule_destructor(capsule: *mut c_void) {
    let Some(api) = api() else { return };
    let [unversioned, versioned] = CAPSULE_NAMES.map(|[fresh, _]| fresh.as_ptr());
    // CPython calls a capsule destructor with the capsule, holding the GIL; a name is checked
    // before GetPointer, which then cannot fail (so no Python error is left set).
    // SAFETY: the capsule's pointer is the tensor named, from ndm_to_dlpack, not yet deleted.
    unsafe {
        if (api.capsule_is_valid)(capsule, versioned) == 1 {
            let t = (api.capsule_pointer)(capsule, versioned);
            delete(t.cast::<DLManagedTensorVersioned>());
        } else if (api.capsule_is_valid)(capsule, unversioned) == 1 {
            delete((api.capsule_pointer)(capsule, unversioned).cast::<DLManagedTensor>());
        }
    }
}
