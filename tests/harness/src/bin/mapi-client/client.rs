//! The client side: ProgID -> CLSID, CoCreateInstance, then every slot of IMAPISession's
//! vtable by index, with the signatures of Microsoft's MAPIX.h.
use core::ffi::c_void;
use core::ptr::{null, null_mut};

use windows_core::{GUID, HRESULT, IUnknown, Interface, implement};

use crate::com::{self, COINIT_APARTMENTTHREADED, S_OK, hr_text};
use crate::registry::{self, HklmCopy};
use crate::session::bindings::{
    IMAPIAdviseSink, IMAPIAdviseSink_Impl, IMAPISession, IMAPITable, LPNOTIFICATION, MAPI_E_INVALID_PARAMETER,
    MAPI_E_NO_SUPPORT, MAPI_E_NOT_FOUND,
};

// MAPIX.h's scalar types, as the Windows headers define them for x86 and x64 alike.
#[allow(clippy::upper_case_acronyms)]
type ULONG = u32;
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
type ULONG_PTR = usize;
/// Every pointer parameter the fake receives (LPENTRYID, LPMESSAGE, LPTSTR, interface
/// pointers, their out-pointers ...): pointer-sized, which is all the ABI knows of them.
type Ptr = *mut c_void;
#[allow(clippy::upper_case_acronyms)]
type LPCIID = *const GUID;

const E_NOINTERFACE: HRESULT = HRESULT(0x8000_4002_u32 as i32);
/// fnevNewMail, for Advise.
const FNEV_NEW_MAIL: ULONG = 0x0000_0002;
/// Written after an out-value, to see that the callee wrote no more than a ULONG_PTR.
const GUARD: usize = 0x6A7D_C0DE;
/// The bits above the low half of a ULONG_PTR: 32..64 on x64, 16..32 on x86.
const HIGH_HALF_SHIFT: u32 = usize::BITS / 2;

/// An out-pointer's value before the call: not null, so that a callee that leaves it alone
/// shows (MAPI sets out-pointers to null on failure).
fn unset<T>() -> *mut T {
    core::ptr::dangling_mut()
}

/// The function pointer in slot `index` of a COM object's vtable, as the function type `F`.
///
/// # Safety
/// `object` must be a live interface pointer whose vtable has more than `index` entries, and
/// `F` an `unsafe extern "system" fn` type with that slot's real signature.
unsafe fn slot<F: Copy>(object: Ptr, index: usize) -> F {
    const { assert!(size_of::<F>() == size_of::<*const c_void>()) };
    // SAFETY: per the contract, the object starts with a vtable pointer to function pointers.
    unsafe {
        let vtable = *(object as *const *const *const c_void);
        let entry = *vtable.add(index);
        core::mem::transmute_copy::<*const c_void, F>(&entry)
    }
}

struct Report {
    passed: usize,
    failed: usize,
}

impl Report {
    fn check(&mut self, ok: bool, text: impl AsRef<str>) -> bool {
        println!("{} {}", if ok { "PASS" } else { "FAIL" }, text.as_ref());
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        ok
    }

    /// `PASS slot 15 EnumAdrTypes -> S_OK (0x00000000): detail`.
    fn slot(&mut self, ok: bool, index: usize, method: &str, hr: HRESULT, detail: impl AsRef<str>) -> bool {
        let detail = detail.as_ref();
        let sep = if detail.is_empty() { "" } else { ": " };
        self.check(ok, format!("slot {index:2} {method} -> {}{sep}{detail}", hr_text(hr)))
    }

    /// A slot that must answer with `expected` and leave its out-pointer (if any) null.
    fn refuses(&mut self, index: usize, method: &str, hr: HRESULT, expected: HRESULT, out: Option<Ptr>) -> bool {
        let null_out = out.is_none_or(|p| p.is_null());
        let detail = match out {
            Some(p) if p.is_null() => "as the fake documents, out-pointer set to null".to_string(),
            Some(p) => format!("out-pointer left at {p:p}, not null"),
            None => "as the fake documents".to_string(),
        };
        let detail = if hr == expected {
            detail
        } else {
            format!("expected {}, {detail}", hr_text(expected))
        };
        self.slot(hr == expected && null_out, index, method, hr, detail)
    }

    fn info(&self, text: impl AsRef<str>) {
        println!("  {}", text.as_ref());
    }
}

/// A client's advise sink: Advise needs a live one.
#[implement(IMAPIAdviseSink)]
struct Sink;

impl IMAPIAdviseSink_Impl for Sink_Impl {
    fn OnNotify(&self, _c_notif: ULONG, _lp_notifications: LPNOTIFICATION) -> ULONG {
        0
    }
}

fn parse_args() -> Result<String, String> {
    let mut prog_id = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--prog-id" => prog_id = args.next(),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    prog_id.ok_or_else(|| "--prog-id PROGID is required".to_string())
}

pub fn main() -> i32 {
    let prog_id = match parse_args() {
        Ok(prog_id) => prog_id,
        Err(e) => {
            eprintln!("mapi-client: {e}\nusage: mapi-client.exe --prog-id PROGID");
            return 2;
        }
    };
    let mut r = Report { passed: 0, failed: 0 };
    let convention = if cfg!(target_arch = "x86") {
        "stdcall"
    } else {
        "the x64 convention"
    };
    r.info(format!(
        "{}-bit client: ULONG_PTR is {} bytes, every method is {convention}{}",
        usize::BITS,
        size_of::<ULONG_PTR>(),
        com::wine_version()
            .map(|v| format!(", under Wine {v}"))
            .unwrap_or_default()
    ));
    run(&mut r, &prog_id);
    println!("mapi-client: {} checks, {} failures", r.passed + r.failed, r.failed);
    if r.failed == 0 { 0 } else { 1 }
}

fn run(r: &mut Report, prog_id: &str) {
    // ProgID -> CLSID through HKCU\Software\Classes, as CLSIDFromProgID does on Windows.
    let clsid_text = registry::read_string(&format!(r"Software\Classes\{prog_id}\CLSID"), "");
    let Some(clsid) = clsid_text.as_ref().ok().and_then(|t| com::parse_guid(t)) else {
        r.check(
            false,
            format!(r"registry: HKCU\Software\Classes\{prog_id}\CLSID is {clsid_text:?}"),
        );
        return;
    };
    let braced = com::braced(&clsid);
    r.check(
        true,
        format!(r"registry: HKCU\Software\Classes\{prog_id}\CLSID -> {braced}"),
    );
    let inproc = format!(r"Software\Classes\CLSID\{braced}\InprocServer32");
    let path = registry::read_string(&inproc, "").unwrap_or_default();
    r.check(!path.is_empty(), format!(r"registry: HKCU\{inproc} = {path:?}"));

    // WINE WORKAROUND (see registry::HklmCopy): not needed, and not done, on Windows.
    let mut hklm_copy = None;
    if let Some(wine) = com::wine_version() {
        match HklmCopy::create(&braced) {
            Ok(Some(copy)) => {
                r.check(
                    true,
                    format!(
                        "Wine workaround ({wine}): per-user class copied to {} for CoCreateInstance",
                        copy.path()
                    ),
                );
                hklm_copy = Some(copy);
            }
            Ok(None) => r.info("Wine workaround: HKLM already has the class; nothing copied"),
            Err(e) => {
                r.check(
                    false,
                    format!("Wine workaround: copying the class to HKLM: {}", hr_text(e.code())),
                );
            }
        }
    }

    // SAFETY: balanced by CoUninitialize below, on this thread.
    let hr = unsafe { com::CoInitializeEx(null(), COINIT_APARTMENTTHREADED) };
    if r.check(
        hr.is_ok(),
        format!("CoInitializeEx(COINIT_APARTMENTTHREADED) -> {}", hr_text(hr)),
    ) {
        match com::create_instance::<IMAPISession>(&clsid) {
            Ok(session) => {
                r.check(
                    true,
                    format!("CoCreateInstance({braced}, CLSCTX_INPROC_SERVER, IID_IMAPISession) -> S_OK (0x00000000)"),
                );
                // The one reference CoCreateInstance gave us; slot 2 releases it at the end.
                let this = session.into_raw();
                // SAFETY: `this` is a live IMAPISession, whose vtable has 22 slots.
                unsafe { every_slot(r, this) };
            }
            Err(e) => {
                r.check(
                    false,
                    format!("CoCreateInstance({braced}, IID_IMAPISession) -> {}", hr_text(e.code())),
                );
            }
        }
        // SAFETY: matches the successful CoInitializeEx; every interface is released.
        unsafe { com::CoUninitialize() };
    }

    if let Some(mut copy) = hklm_copy {
        let path = copy.path();
        match copy.remove() {
            Ok(()) => r.check(true, format!("Wine workaround undone: {path} removed")),
            Err(e) => r.check(
                false,
                format!("Wine workaround not undone: removing {path}: {}", hr_text(e.code())),
            ),
        };
    }
}

/// Slots 0..=21, each through a function pointer type with MAPIX.h's signature, in the order
/// a client would call them: Logoff and the last Release come last. Consumes the reference.
///
/// # Safety
/// `this` must be a live IMAPISession reference owned by the caller.
unsafe fn every_slot(r: &mut Report, this: Ptr) {
    // SAFETY (for the whole function): every transmuted type is the slot's MAPIX.h signature,
    // every pointer passed is valid for what the method may do with it.
    unsafe {
        // 0 QueryInterface(REFIID riid, void **ppvObject)
        type QueryInterface = unsafe extern "system" fn(Ptr, *const GUID, *mut Ptr) -> HRESULT;
        // 1 AddRef(), 2 Release(): ULONG counts
        type RefCount = unsafe extern "system" fn(Ptr) -> ULONG;
        let query: QueryInterface = slot(this, 0);
        let add_ref: RefCount = slot(this, 1);
        let release: RefCount = slot(this, 2);

        let (mut unknown, mut unknown2, mut same, mut table) = (unset(), unset(), unset(), unset());
        let hr = query(this, &IUnknown::IID, &mut unknown);
        let hr2 = query(this, &IUnknown::IID, &mut unknown2);
        let hr_self = query(this, &IMAPISession::IID, &mut same);
        let hr_table = query(this, &IMAPITable::IID, &mut table);
        let ok = hr == S_OK && hr2 == S_OK && !unknown.is_null() && unknown == unknown2;
        let ok_self = hr_self == S_OK && same == this;
        let ok_table = hr_table == E_NOINTERFACE && table.is_null();
        for p in [unknown, unknown2, same] {
            if !p.is_null() && p != unset() {
                let release_p: RefCount = slot(p, 2);
                release_p(p);
            }
        }
        r.slot(
            ok && ok_self && ok_table,
            0,
            "QueryInterface",
            hr,
            format!(
                "IUnknown twice gives one identity ({}), IMAPISession gives this pointer ({}), IMAPITable -> {} with a null pointer ({})",
                ok,
                ok_self,
                hr_text(hr_table),
                ok_table
            ),
        );

        let n1 = add_ref(this);
        let n2 = add_ref(this);
        r.check(
            n1 >= 2 && n2 == n1 + 1,
            format!("slot  1 AddRef -> {n1}, then {n2}: each call counts one more reference"),
        );
        let n3 = release(this);
        let n4 = release(this);
        r.check(
            n3 == n2 - 1 && n4 == n1 - 1,
            format!("slot  2 Release -> {n3}, then {n4}: each call counts one fewer"),
        );

        // 3 GetLastError(HRESULT hResult, ULONG ulFlags, LPMAPIERROR *lppMAPIError)
        type GetLastError = unsafe extern "system" fn(Ptr, HRESULT, ULONG, *mut Ptr) -> HRESULT;
        let f: GetLastError = slot(this, 3);
        let mut error = unset();
        let hr = f(this, MAPI_E_NO_SUPPORT, 0, &mut error);
        r.slot(
            hr == S_OK && error.is_null(),
            3,
            "GetLastError",
            hr,
            format!("no extended error, MAPIERROR pointer null ({})", error.is_null()),
        );

        // 4 GetMsgStoresTable(ULONG ulFlags, LPMAPITABLE *lppTable)
        // 8 GetStatusTable(ULONG ulFlags, LPMAPITABLE *lppTable)
        // 19 AdminServices(ULONG ulFlags, LPSERVICEADMIN *lppServiceAdmin)
        type FlagsOut = unsafe extern "system" fn(Ptr, ULONG, *mut Ptr) -> HRESULT;
        let flags_out = |index: usize, method: &str, r: &mut Report| {
            let f: FlagsOut = slot(this, index);
            let mut out = unset();
            let hr = f(this, 0, &mut out);
            r.refuses(index, method, hr, MAPI_E_NO_SUPPORT, Some(out));
        };
        flags_out(4, "GetMsgStoresTable", r);

        // 5 OpenMsgStore(ULONG_PTR ulUIParam, ULONG cbEntryID, LPENTRYID lpEntryID, LPCIID lpInterface,
        //                ULONG ulFlags, LPMDB *lppMDB)
        type OpenMsgStore = unsafe extern "system" fn(Ptr, ULONG_PTR, ULONG, Ptr, LPCIID, ULONG, *mut Ptr) -> HRESULT;
        let f: OpenMsgStore = slot(this, 5);
        let mut entry_id = [0u8, 0, 0, 0, 0x38, 0xA1, 0xBB, 0x10];
        let mut store = unset();
        let hr = f(this, 0, 8, entry_id.as_mut_ptr().cast(), null(), 0, &mut store);
        r.refuses(5, "OpenMsgStore", hr, MAPI_E_NO_SUPPORT, Some(store));

        // 6 OpenAddressBook(ULONG_PTR ulUIParam, LPCIID lpInterface, ULONG ulFlags, LPADRBOOK *lppAdrBook)
        type OpenAddressBook = unsafe extern "system" fn(Ptr, ULONG_PTR, LPCIID, ULONG, *mut Ptr) -> HRESULT;
        let f: OpenAddressBook = slot(this, 6);
        let mut book = unset();
        let hr = f(this, 0, null(), 0, &mut book);
        r.refuses(6, "OpenAddressBook", hr, MAPI_E_NO_SUPPORT, Some(book));

        // 7 OpenProfileSection(LPMAPIUID lpUID, LPCIID lpInterface, ULONG ulFlags, LPPROFSECT *lppProfSect)
        type OpenProfileSection = unsafe extern "system" fn(Ptr, Ptr, LPCIID, ULONG, *mut Ptr) -> HRESULT;
        let f: OpenProfileSection = slot(this, 7);
        let mut uid = [0x5Au8; 16];
        let mut section = unset();
        let hr = f(this, uid.as_mut_ptr().cast(), null(), 0, &mut section);
        r.refuses(7, "OpenProfileSection", hr, MAPI_E_NO_SUPPORT, Some(section));

        flags_out(8, "GetStatusTable", r);

        // 9 OpenEntry(ULONG cbEntryID, LPENTRYID lpEntryID, LPCIID lpInterface, ULONG ulFlags,
        //             ULONG *lpulObjType, LPUNKNOWN *lppUnk)
        type OpenEntry = unsafe extern "system" fn(Ptr, ULONG, Ptr, LPCIID, ULONG, *mut ULONG, *mut Ptr) -> HRESULT;
        let f: OpenEntry = slot(this, 9);
        let (mut kind, mut unk) = (0u32, unset());
        let hr = f(this, 8, entry_id.as_mut_ptr().cast(), null(), 0, &mut kind, &mut unk);
        r.refuses(9, "OpenEntry", hr, MAPI_E_NOT_FOUND, Some(unk));

        // 10 CompareEntryIDs(ULONG cbEntryID1, LPENTRYID lpEntryID1, ULONG cbEntryID2, LPENTRYID lpEntryID2,
        //                    ULONG ulFlags, ULONG *lpulResult)
        type CompareEntryIDs = unsafe extern "system" fn(Ptr, ULONG, Ptr, ULONG, Ptr, ULONG, *mut ULONG) -> HRESULT;
        let f: CompareEntryIDs = slot(this, 10);
        let mut same_id = entry_id;
        let mut other_id = entry_id;
        other_id[7] ^= 1;
        let (mut equal, mut differ, mut shorter) = (7u32, 7u32, 7u32);
        let hr = f(
            this,
            8,
            entry_id.as_mut_ptr().cast(),
            8,
            same_id.as_mut_ptr().cast(),
            0,
            &mut equal,
        );
        let hr2 = f(
            this,
            8,
            entry_id.as_mut_ptr().cast(),
            8,
            other_id.as_mut_ptr().cast(),
            0,
            &mut differ,
        );
        let hr3 = f(
            this,
            8,
            entry_id.as_mut_ptr().cast(),
            7,
            same_id.as_mut_ptr().cast(),
            0,
            &mut shorter,
        );
        r.slot(
            [hr, hr2, hr3] == [S_OK; 3] && (equal, differ, shorter) == (1, 0, 0),
            10,
            "CompareEntryIDs",
            hr,
            format!(
                "compares bytes: equal IDs -> {equal}, last byte differs -> {differ} ({}), 7 of 8 bytes -> {shorter} ({})",
                hr_text(hr2),
                hr_text(hr3)
            ),
        );

        // 11 Advise(ULONG cbEntryID, LPENTRYID lpEntryID, ULONG ulEventMask, LPMAPIADVISESINK lpAdviseSink,
        //           ULONG_PTR *lpulConnection)
        type Advise = unsafe extern "system" fn(Ptr, ULONG, Ptr, ULONG, Ptr, *mut ULONG_PTR) -> HRESULT;
        let f: Advise = slot(this, 11);
        let sink: IMAPIAdviseSink = Sink.into();
        let mut cells: [ULONG_PTR; 2] = [0, GUARD];
        let hr = f(this, 0, null_mut(), FNEV_NEW_MAIL, sink.as_raw(), &mut cells[0]);
        let connection = cells[0];
        let mut none = 0usize;
        let hr_null = f(this, 0, null_mut(), FNEV_NEW_MAIL, null_mut(), &mut none);
        let ok = hr == S_OK && connection != 0 && connection >> HIGH_HALF_SHIFT != 0 && cells[1] == GUARD;
        r.slot(
            ok && hr_null == MAPI_E_INVALID_PARAMETER,
            11,
            "Advise",
            hr,
            format!(
                "connection {connection:#x}, its high half written ({}), nothing past the ULONG_PTR ({}); a null sink -> {}",
                connection >> HIGH_HALF_SHIFT != 0,
                cells[1] == GUARD,
                hr_text(hr_null)
            ),
        );

        // 12 Unadvise(ULONG_PTR ulConnection)
        type Unadvise = unsafe extern "system" fn(Ptr, ULONG_PTR) -> HRESULT;
        let f: Unadvise = slot(this, 12);
        // On x64 a connection cut to a ULONG (Wine's mapix.h) is a different number.
        let truncated = if cfg!(target_pointer_width = "64") {
            Some(f(this, connection as u32 as ULONG_PTR))
        } else {
            None
        };
        let hr = f(this, connection);
        let hr_again = f(this, connection);
        let truncated_ok = truncated.is_none_or(|t| t == MAPI_E_NOT_FOUND);
        let truncated_text = truncated.map_or(String::new(), |t| format!("; its low 32 bits alone -> {}", hr_text(t)));
        r.slot(
            hr == S_OK && hr_again == MAPI_E_NOT_FOUND && truncated_ok,
            12,
            "Unadvise",
            hr,
            format!(
                "accepts Advise's connection {connection:#x}, a second time -> {}{truncated_text}",
                hr_text(hr_again)
            ),
        );
        drop(sink);

        // 13 MessageOptions(ULONG_PTR ulUIParam, ULONG ulFlags, LPTSTR lpszAdrType, LPMESSAGE lpMessage)
        type MessageOptions = unsafe extern "system" fn(Ptr, ULONG_PTR, ULONG, Ptr, Ptr) -> HRESULT;
        let f: MessageOptions = slot(this, 13);
        let mut smtp = *b"SMTP\0";
        let hr = f(this, 0, 0, smtp.as_mut_ptr().cast(), null_mut());
        r.refuses(13, "MessageOptions (undocumented)", hr, MAPI_E_NO_SUPPORT, None);

        // 14 QueryDefaultMessageOpt(LPTSTR lpszAdrType, ULONG ulFlags, ULONG *lpcValues, LPSPropValue *lppOptions)
        type QueryDefaultMessageOpt = unsafe extern "system" fn(Ptr, Ptr, ULONG, *mut ULONG, *mut Ptr) -> HRESULT;
        let f: QueryDefaultMessageOpt = slot(this, 14);
        let (mut count, mut options) = (0u32, unset());
        let hr = f(this, smtp.as_mut_ptr().cast(), 0, &mut count, &mut options);
        r.refuses(
            14,
            "QueryDefaultMessageOpt (undocumented)",
            hr,
            MAPI_E_NO_SUPPORT,
            Some(options),
        );

        // 15 EnumAdrTypes(ULONG ulFlags, ULONG *lpcAdrTypes, LPTSTR **lpppszAdrTypes)
        type EnumAdrTypes = unsafe extern "system" fn(Ptr, ULONG, *mut ULONG, *mut *mut Ptr) -> HRESULT;
        let f: EnumAdrTypes = slot(this, 15);
        let (mut count, mut types) = (77u32, unset::<Ptr>());
        let hr = f(this, 0, &mut count, &mut types);
        r.slot(
            hr == S_OK && count == 0 && types.is_null(),
            15,
            "EnumAdrTypes",
            hr,
            format!("{count} address types, array pointer null ({})", types.is_null()),
        );

        // 16 QueryIdentity(ULONG *lpcbEntryID, LPENTRYID *lppEntryID)
        type QueryIdentity = unsafe extern "system" fn(Ptr, *mut ULONG, *mut Ptr) -> HRESULT;
        let f: QueryIdentity = slot(this, 16);
        let (mut cb, mut id) = (0u32, unset());
        let hr = f(this, &mut cb, &mut id);
        r.refuses(16, "QueryIdentity", hr, MAPI_E_NO_SUPPORT, Some(id));

        // 18 SetDefaultStore(ULONG ulFlags, ULONG cbEntryID, LPENTRYID lpEntryID)
        type SetDefaultStore = unsafe extern "system" fn(Ptr, ULONG, ULONG, Ptr) -> HRESULT;
        let f: SetDefaultStore = slot(this, 18);
        let hr = f(this, 0, 8, entry_id.as_mut_ptr().cast());
        r.refuses(18, "SetDefaultStore", hr, MAPI_E_NO_SUPPORT, None);

        flags_out(19, "AdminServices", r);

        // 21 PrepareForm(LPCIID lpInterface, LPMESSAGE lpMessage, ULONG_PTR *lpulMessageToken)
        type PrepareForm = unsafe extern "system" fn(Ptr, LPCIID, Ptr, *mut ULONG_PTR) -> HRESULT;
        let f: PrepareForm = slot(this, 21);
        let mut cells: [ULONG_PTR; 2] = [0, GUARD];
        let hr = f(this, null(), null_mut(), &mut cells[0]);
        let token = cells[0];
        let high = token >> HIGH_HALF_SHIFT != 0;
        r.slot(
            hr == S_OK && token & 0xF == 0xF && high && cells[1] == GUARD,
            21,
            "PrepareForm",
            hr,
            format!(
                "token {token:#x}: its high {} bits non-zero ({high}), so all {} bytes of the ULONG_PTR were written; nothing past it ({})",
                usize::BITS / 2,
                size_of::<ULONG_PTR>(),
                cells[1] == GUARD
            ),
        );

        // 20 ShowForm(ULONG_PTR ulUIParam, LPMDB lpMsgStore, LPMAPIFOLDER lpParentFolder, LPCIID lpInterface,
        //             ULONG_PTR ulMessageToken, LPMESSAGE lpMessageSent, ULONG ulFlags, ULONG ulMessageStatus,
        //             ULONG ulMessageFlags, ULONG ulAccess, LPSTR lpszMessageClass)
        type ShowForm = unsafe extern "system" fn(
            Ptr,
            ULONG_PTR,
            Ptr,
            Ptr,
            LPCIID,
            ULONG_PTR,
            Ptr,
            ULONG,
            ULONG,
            ULONG,
            ULONG,
            *const u8,
        ) -> HRESULT;
        let f: ShowForm = slot(this, 20);
        let class = c"IPM.Note";
        let hr = f(
            this,
            0,
            null_mut(),
            null_mut(),
            null(),
            token,
            null_mut(),
            0,
            0,
            0,
            0,
            class.as_ptr().cast(),
        );
        r.refuses(20, "ShowForm", hr, MAPI_E_NO_SUPPORT, None);

        // 17 Logoff(ULONG_PTR ulUIParam, ULONG ulFlags, ULONG ulReserved)
        type Logoff = unsafe extern "system" fn(Ptr, ULONG_PTR, ULONG, ULONG) -> HRESULT;
        let f: Logoff = slot(this, 17);
        let hr = f(this, 0, 0, 0);
        r.slot(
            hr == S_OK,
            17,
            "Logoff",
            hr,
            "the session ends, the object stays until released",
        );

        // 2 Release: the reference CoCreateInstance gave.
        let left = release(this);
        r.check(left == 0, format!("slot  2 Release (the last reference) -> {left}"));
    }
}
