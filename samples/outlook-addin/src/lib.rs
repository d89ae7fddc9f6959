//! Greeter, the Office add-in sample of oscgen: an Office COM add-in.
//!
//! Written once by `oscgen new`; this file is yours. The four DLL exports below are what
//! COM and regsvr32 call; each hands over to code in `generated/`, which oscgen owns and
//! rewrites on `oscgen generate`.

// COM methods receive raw pointers (out-parameters, SAFEARRAYs) whose validity the caller
// guarantees by contract; the trait methods cannot be `unsafe fn` without breaking the
// vtable shape, so clippy's lint about it does not apply here.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use core::ffi::c_void;

use windows_core::{GUID, HRESULT};
pub mod connect;
pub mod generated;

// In the crate rather than in tests/: the crate is a cdylib only (see Cargo.toml).
#[cfg(test)]
mod tests;

/// COM asks for the class factory of a CLSID this DLL serves.
///
/// # Safety
/// Called by COM with valid pointers (null ones are answered with E_POINTER).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn DllGetClassObject(
    rclsid: *const GUID,
    riid: *const GUID,
    ppv: *mut *mut c_void,
) -> HRESULT {
    // SAFETY: forwarded as received.
    unsafe { generated::server::get_class_object(generated::identity::CLASSES, rclsid, riid, ppv) }
}

/// S_OK when no object of this DLL is alive and no server lock is held.
#[unsafe(no_mangle)]
pub extern "system" fn DllCanUnloadNow() -> HRESULT {
    generated::server::can_unload_now()
}

/// `regsvr32 outlook_addin.dll`: registers the connect class for the current user.
#[unsafe(no_mangle)]
pub extern "system" fn DllRegisterServer() -> HRESULT {
    generated::identity::register().map_or_else(|e| e.code(), |()| HRESULT(0))
}

/// `regsvr32 /u outlook_addin.dll`: removes exactly what DllRegisterServer wrote.
#[unsafe(no_mangle)]
pub extern "system" fn DllUnregisterServer() -> HRESULT {
    generated::identity::unregister().map_or_else(|e| e.code(), |()| HRESULT(0))
}
