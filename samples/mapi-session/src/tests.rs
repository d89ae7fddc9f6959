//! The fake session from a client's side: through the caller wrappers, and through the raw
//! vtable by slot index, as a C client compiled against MAPIX.h would call it. A method that
//! is still a stub answers MAPI_E_NO_SUPPORT, or with `--features oscgen-probe` the code of its
//! own slot (`stub_answer`).
//!
//! Written once by `oscgen new`; this file is yours.

// The crate under the name a client of the DLL would give it: the tests call the exports
// and vtables as Outlook does, not the Rust items behind them.
use crate as dll;

use core::ffi::c_void;

use windows_core::{GUID, HRESULT, Interface};

use dll::DllGetClassObject;
use dll::generated::bindings::{IMAPISession, MAPI_E_NOT_FOUND};
use dll::generated::factory::IClassFactory;
use dll::generated::identity::CLSID_SESSION;
use dll::generated::probe::{self, stub_answer};

const S_OK: HRESULT = HRESULT(0);

fn session() -> IMAPISession {
    let mut ppv: *mut c_void = core::ptr::null_mut();
    let hr = unsafe { DllGetClassObject(&CLSID_SESSION, &IClassFactory::IID, &mut ppv) };
    assert_eq!(hr, S_OK);
    let factory = unsafe { IClassFactory::from_raw(ppv) };
    let mut ppv: *mut c_void = core::ptr::null_mut();
    unsafe { factory.CreateInstance(None, &IMAPISession::IID, &mut ppv) }.expect("CreateInstance");
    unsafe { IMAPISession::from_raw(ppv) }
}

/// The function pointer in slot `index` of the object's vtable.
unsafe fn slot(object: *mut c_void, index: usize) -> *const c_void {
    unsafe { *(*(object as *const *const *const c_void)).add(index) }
}

#[test]
fn caller_wrappers_reach_the_fake() {
    let session = session();
    unsafe {
        assert!(
            session
                .GetLastError(S_OK, 0)
                .expect("GetLastError")
                .is_null()
        );
        assert_eq!(
            session.GetMsgStoresTable(0).err().map(|e| e.code()),
            Some(stub_answer(probe::IMAPISession::GetMsgStoresTable))
        );
        let a = [1u8, 2, 3, 4, 5];
        let b = [1u8, 2, 3, 4, 5];
        let same = session
            .CompareEntryIDs(5, a.as_ptr() as _, 5, b.as_ptr() as _, 0)
            .expect("CompareEntryIDs");
        assert_eq!(same, 1);
        let token = session
            .PrepareForm(core::ptr::null(), None)
            .expect("PrepareForm");
        assert!(
            token > u32::MAX as usize || cfg!(target_pointer_width = "32"),
            "a ULONG_PTR token: {token:#x}"
        );
        session.Logoff(0, 0, 0).expect("Logoff");
    }
}

/// Every slot, by index, with the signature MAPIX.h gives it: a wrong slot order would make
/// a method answer for its neighbour.
#[test]
fn every_slot_answers_as_its_method() {
    type Flags = unsafe extern "system" fn(*mut c_void, u32, *mut *mut c_void) -> HRESULT;
    let session = session();
    let raw = session.as_raw();
    unsafe {
        // 3 GetLastError(HRESULT, ULONG, LPMAPIERROR*)
        let f: unsafe extern "system" fn(*mut c_void, HRESULT, u32, *mut *mut c_void) -> HRESULT =
            core::mem::transmute(slot(raw, 3));
        let mut error = core::ptr::dangling_mut::<c_void>();
        assert_eq!(f(raw, S_OK, 0, &mut error), S_OK);
        assert!(error.is_null());
        // 4 GetMsgStoresTable, 8 GetStatusTable, 19 AdminServices: (ULONG, out pointer)
        for (index, stub) in [
            (4, probe::IMAPISession::GetMsgStoresTable),
            (8, probe::IMAPISession::GetStatusTable),
            (19, probe::IMAPISession::AdminServices),
        ] {
            let f: Flags = core::mem::transmute(slot(raw, index));
            let mut out = core::ptr::null_mut();
            assert_eq!(f(raw, 0, &mut out), stub_answer(stub), "slot {index}");
        }
        // 9 OpenEntry(ULONG, LPENTRYID, LPCIID, ULONG, ULONG*, LPUNKNOWN*)
        let f: unsafe extern "system" fn(
            *mut c_void,
            u32,
            *mut c_void,
            *const GUID,
            u32,
            *mut u32,
            *mut *mut c_void,
        ) -> HRESULT = core::mem::transmute(slot(raw, 9));
        let (mut kind, mut unk) = (0u32, core::ptr::null_mut());
        assert_eq!(
            f(
                raw,
                0,
                core::ptr::null_mut(),
                core::ptr::null(),
                0,
                &mut kind,
                &mut unk
            ),
            MAPI_E_NOT_FOUND
        );
        // 10 CompareEntryIDs(ULONG, LPENTRYID, ULONG, LPENTRYID, ULONG, ULONG*)
        let f: unsafe extern "system" fn(
            *mut c_void,
            u32,
            *const u8,
            u32,
            *const u8,
            u32,
            *mut u32,
        ) -> HRESULT = core::mem::transmute(slot(raw, 10));
        let (a, b) = ([7u8, 7], [7u8, 8]);
        let mut result = 9u32;
        assert_eq!(f(raw, 2, a.as_ptr(), 2, b.as_ptr(), 0, &mut result), S_OK);
        assert_eq!(result, 0);
        // 12 Unadvise(ULONG_PTR) of an unknown connection
        let f: unsafe extern "system" fn(*mut c_void, usize) -> HRESULT =
            core::mem::transmute(slot(raw, 12));
        assert_eq!(f(raw, 12345), MAPI_E_NOT_FOUND);
        // 13 MessageOptions and 14 QueryDefaultMessageOpt: undocumented, present
        let f: unsafe extern "system" fn(*mut c_void, usize, u32, *mut u8, *mut c_void) -> HRESULT =
            core::mem::transmute(slot(raw, 13));
        assert_eq!(
            f(raw, 0, 0, core::ptr::null_mut(), core::ptr::null_mut()),
            stub_answer(probe::IMAPISession::MessageOptions)
        );
        let f: unsafe extern "system" fn(
            *mut c_void,
            *mut u8,
            u32,
            *mut u32,
            *mut *mut c_void,
        ) -> HRESULT = core::mem::transmute(slot(raw, 14));
        let (mut count, mut values) = (0u32, core::ptr::null_mut());
        assert_eq!(
            f(raw, core::ptr::null_mut(), 0, &mut count, &mut values),
            stub_answer(probe::IMAPISession::QueryDefaultMessageOpt)
        );
        // 15 EnumAdrTypes(ULONG, ULONG*, LPTSTR**): S_OK with zero types
        let f: unsafe extern "system" fn(*mut c_void, u32, *mut u32, *mut *mut *mut u8) -> HRESULT =
            core::mem::transmute(slot(raw, 15));
        let (mut count, mut types) = (77u32, core::ptr::dangling_mut::<*mut u8>());
        assert_eq!(
            f(raw, 0, &mut count, &mut types),
            S_OK,
            "slot 15 is EnumAdrTypes"
        );
        assert_eq!((count, types.is_null()), (0, true));
        // 16 QueryIdentity(ULONG*, LPENTRYID*)
        let f: unsafe extern "system" fn(*mut c_void, *mut u32, *mut *mut c_void) -> HRESULT =
            core::mem::transmute(slot(raw, 16));
        let (mut cb, mut id) = (0u32, core::ptr::null_mut());
        assert_eq!(
            f(raw, &mut cb, &mut id),
            stub_answer(probe::IMAPISession::QueryIdentity)
        );
        // 18 SetDefaultStore(ULONG, ULONG, LPENTRYID)
        let f: unsafe extern "system" fn(*mut c_void, u32, u32, *mut c_void) -> HRESULT =
            core::mem::transmute(slot(raw, 18));
        assert_eq!(
            f(raw, 0, 0, core::ptr::null_mut()),
            stub_answer(probe::IMAPISession::SetDefaultStore)
        );
        // 21 PrepareForm(LPCIID, LPMESSAGE, ULONG_PTR*): writes a full pointer-sized token
        let f: unsafe extern "system" fn(
            *mut c_void,
            *const GUID,
            *mut c_void,
            *mut usize,
        ) -> HRESULT = core::mem::transmute(slot(raw, 21));
        let mut token = 0usize;
        assert_eq!(
            f(raw, core::ptr::null(), core::ptr::null_mut(), &mut token),
            S_OK,
            "slot 21 is PrepareForm"
        );
        assert_eq!(token & 0xF, 0xF);
        assert_ne!(
            token >> (usize::BITS - 16),
            0,
            "the high half of the ULONG_PTR was written: {token:#x}"
        );
        // 17 Logoff(ULONG_PTR, ULONG, ULONG)
        let f: unsafe extern "system" fn(*mut c_void, usize, u32, u32) -> HRESULT =
            core::mem::transmute(slot(raw, 17));
        assert_eq!(f(raw, 0, 0, 0), S_OK);
    }
}
