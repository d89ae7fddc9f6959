//! The few ole32 and kernel32 functions the host needs, bound with `windows_core::link!`,
//! and HRESULT names for the reports.
use core::ffi::c_void;

use windows_core::{GUID, HRESULT, Interface};

windows_core::link!("ole32.dll" "system" fn CoInitializeEx(reserved: *const c_void, coinit: u32) -> HRESULT);
windows_core::link!("ole32.dll" "system" fn CoUninitialize());
windows_core::link!("ole32.dll" "system" fn CoCreateInstance(
    clsid: *const GUID, outer: *mut c_void, context: u32, iid: *const GUID, object: *mut *mut c_void
) -> HRESULT);
windows_core::link!("kernel32.dll" "system" fn GetModuleHandleW(name: *const u16) -> *mut c_void);
windows_core::link!("kernel32.dll" "system" fn GetProcAddress(module: *mut c_void, name: *const u8) -> *const c_void);

/// Outlook's UI thread, where it creates providers, is a single-threaded apartment.
pub const COINIT_APARTMENTTHREADED: u32 = 2;
pub const CLSCTX_INPROC_SERVER: u32 = 1;

pub const S_OK: HRESULT = HRESULT(0);
pub const E_NOTIMPL: HRESULT = HRESULT(0x8000_4001_u32 as i32);
pub const E_FAIL: HRESULT = HRESULT(0x8000_4005_u32 as i32);
pub const E_POINTER: HRESULT = HRESULT(0x8000_4003_u32 as i32);
pub const OSC_E_AUTH_ERROR: HRESULT = HRESULT(0x8004_1404_u32 as i32);
pub const OSC_E_NOT_FOUND: HRESULT = HRESULT(0x8004_1405_u32 as i32);
/// Also OSC_E_SERVER_VERSION_NOT_SUPPORTED: the documentation gives both the same value.
pub const OSC_E_NO_CHANGES: HRESULT = HRESULT(0x8004_1406_u32 as i32);

const NAMES: &[(u32, &str)] = &[
    (0x0000_0000, "S_OK"),
    (0x0000_0001, "S_FALSE"),
    (0x8000_4001, "E_NOTIMPL"),
    (0x8000_4002, "E_NOINTERFACE"),
    (0x8000_4003, "E_POINTER"),
    (0x8000_4005, "E_FAIL"),
    (0x8000_FFFF, "E_UNEXPECTED"),
    (0x8007_000E, "E_OUTOFMEMORY"),
    (0x8007_0057, "E_INVALIDARG"),
    (0x8007_0002, "HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)"),
    (0x8004_0154, "REGDB_E_CLASSNOTREG"),
    (0x8004_0110, "CLASS_E_NOAGGREGATION"),
    (0x8004_0111, "CLASS_E_CLASSNOTAVAILABLE"),
    (0x8007_007E, "HRESULT_FROM_WIN32(ERROR_MOD_NOT_FOUND)"),
    (0x8004_1400, "OSC_E_INTERNAL_ERROR"),
    (0x8004_1401, "OSC_E_VERSION"),
    (0x8004_1402, "OSC_E_COULDNOTCONNECT"),
    (0x8004_1403, "OSC_E_PERMISSION_DENIED"),
    (0x8004_1404, "OSC_E_AUTH_ERROR"),
    (0x8004_1405, "OSC_E_NOT_FOUND"),
    (0x8004_1406, "OSC_E_NO_CHANGES"),
    // MAPI's, for tests/mapi-client (which shares this file); MAPI_E_INVALID_PARAMETER is E_INVALIDARG.
    (0x8004_0102, "MAPI_E_NO_SUPPORT"),
    (0x8004_010F, "MAPI_E_NOT_FOUND"),
];

/// `S_OK (0x00000000)`.
pub fn hr_text(hr: HRESULT) -> String {
    let code = hr.0 as u32;
    let name = NAMES.iter().find(|(c, _)| *c == code).map_or("HRESULT", |(_, n)| n);
    format!("{name} (0x{code:08X})")
}

/// The HRESULT of a call's outcome.
pub fn code<T>(result: &windows_core::Result<T>) -> HRESULT {
    match result {
        Ok(_) => S_OK,
        Err(e) => e.code(),
    }
}

/// CoCreateInstance(clsid, NULL, CLSCTX_INPROC_SERVER, T::IID): how Outlook gets a provider.
pub fn create_instance<T: Interface>(clsid: &GUID) -> windows_core::Result<T> {
    let mut object = core::ptr::null_mut();
    // SAFETY: valid GUIDs and out-pointer; on success `object` holds a T reference we own.
    unsafe {
        CoCreateInstance(clsid, core::ptr::null_mut(), CLSCTX_INPROC_SERVER, &T::IID, &mut object).ok()?;
        if object.is_null() {
            return Err(E_POINTER.into());
        }
        Ok(T::from_raw(object))
    }
}

/// The Wine version when running under Wine (ntdll exports `wine_get_version`), else None.
pub fn wine_version() -> Option<String> {
    let ntdll: Vec<u16> = "ntdll.dll\0".encode_utf16().collect();
    // SAFETY: NUL-terminated names; ntdll is always loaded. wine_get_version returns a
    // static NUL-terminated string.
    unsafe {
        let module = GetModuleHandleW(ntdll.as_ptr());
        if module.is_null() {
            return None;
        }
        let f = GetProcAddress(module, c"wine_get_version".as_ptr().cast());
        if f.is_null() {
            return None;
        }
        let f: unsafe extern "C" fn() -> *const core::ffi::c_char = core::mem::transmute(f);
        Some(core::ffi::CStr::from_ptr(f()).to_string_lossy().into_owned())
    }
}

/// `{3F18666F-CBE6-4FF4-A1F4-58C107487DC6}`, as the registry writes CLSIDs.
pub fn braced(guid: &GUID) -> String {
    format!("{{{}}}", format!("{guid:?}").to_ascii_uppercase())
}

/// Parses `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` (braces optional).
pub fn parse_guid(text: &str) -> Option<GUID> {
    let hex: String = text.trim().trim_start_matches('{').trim_end_matches('}').to_string();
    let groups: Vec<&str> = hex.split('-').collect();
    if groups.iter().map(|g| g.len()).collect::<Vec<_>>() != [8, 4, 4, 4, 12] {
        return None;
    }
    u128::from_str_radix(&groups.concat(), 16).ok().map(GUID::from_u128)
}
