//! A fake MAPI session: IMAPISession for testing MAPI clients without Outlook.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when the interface gains a method, it only adds that method's stub.

use std::sync::{Mutex, MutexGuard};

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::prelude::*;

/// Any thread may call the session (ThreadingModel=Both), so its state sits behind a lock.
#[implement(IMAPISession)]
#[derive(Default)]
pub struct Session {
    state: Mutex<State>,
    _module: ModuleRef,
}

#[derive(Default)]
pub struct State {
    pub logged_off: bool,
    connections: Vec<usize>,
    issued: usize,
}

/// Connections and form tokens use the high half of a 64-bit value, so a caller that keeps
/// only 32 bits (ULONG instead of ULONG_PTR) sees a different number. On 32-bit Windows a
/// ULONG_PTR is 4 bytes: the high half of those.
#[cfg(target_pointer_width = "64")]
const HIGH_BITS: usize = 0x5E55_0000_0000_0000;
#[cfg(not(target_pointer_width = "64"))]
const HIGH_BITS: usize = 0x5E55_0000;

impl State {
    fn advise(&mut self) -> usize {
        self.issued += 1;
        let connection = HIGH_BITS | self.issued;
        self.connections.push(connection);
        connection
    }

    fn unadvise(&mut self, connection: usize) -> Result<()> {
        let before = self.connections.len();
        self.connections.retain(|c| *c != connection);
        if self.connections.len() == before {
            Err(MAPI_E_NOT_FOUND.into())
        } else {
            Ok(())
        }
    }

    fn form_token(&mut self) -> usize {
        self.issued += 1;
        HIGH_BITS | (self.issued << 4) | 0xF
    }
}

impl Session {
    pub fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held is already reported; the state is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The bytes of an entry ID (MAPI passes its size separately); empty for null.
///
/// # Safety
/// `entry_id` must be null or point at `size` readable bytes.
unsafe fn entry_id_bytes<'a>(size: ULONG, entry_id: LPENTRYID) -> &'a [u8] {
    if entry_id.is_null() {
        return &[];
    }
    // SAFETY: the caller guarantees `size` readable bytes.
    unsafe { core::slice::from_raw_parts(entry_id as *const u8, size as usize) }
}

impl IMAPISession_Impl for Session_Impl {
    /// TODO: Extended information about the last error: a MAPIERROR the caller frees with
    /// MAPIFreeBuffer. The fake keeps none and answers with a null pointer and S_OK, which MAPI
    /// allows ("no information").
    fn GetLastError(&self, h_result: HRESULT, ul_flags: ULONG) -> Result<LPMAPIERROR> {
        let _ = (h_result, ul_flags);
        Ok(core::ptr::null_mut())
    }

    /// TODO: The table of the profile's message stores (one row per store).
    fn GetMsgStoresTable(&self, ul_flags: ULONG) -> Result<IMAPITable> {
        let _ = ul_flags;
        Err(not_implemented!(IMAPISession::GetMsgStoresTable).into())
    }

    /// TODO: Opens the store with this entry ID. ul_ui_param is a window handle: pointer-sized
    /// (ULONG_PTR), not a ULONG.
    fn OpenMsgStore(
        &self,
        ul_ui_param: ULONG_PTR,
        cb_entry_id: ULONG,
        lp_entry_id: LPENTRYID,
        lp_interface: LPCIID,
        ul_flags: ULONG,
    ) -> Result<IMsgStore> {
        let _ = (
            ul_ui_param,
            cb_entry_id,
            lp_entry_id,
            lp_interface,
            ul_flags,
        );
        Err(not_implemented!(IMAPISession::OpenMsgStore).into())
    }

    /// TODO: The session's address book.
    fn OpenAddressBook(
        &self,
        ul_ui_param: ULONG_PTR,
        lp_interface: LPCIID,
        ul_flags: ULONG,
    ) -> Result<IAddrBook> {
        let _ = (ul_ui_param, lp_interface, ul_flags);
        Err(not_implemented!(IMAPISession::OpenAddressBook).into())
    }

    /// TODO: A section of the current profile, by its MAPIUID.
    fn OpenProfileSection(
        &self,
        lp_uid: LPMAPIUID,
        lp_interface: LPCIID,
        ul_flags: ULONG,
    ) -> Result<IProfSect> {
        let _ = (lp_uid, lp_interface, ul_flags);
        Err(not_implemented!(IMAPISession::OpenProfileSection).into())
    }

    /// TODO: The status table: one row per service provider and the MAPI subsystem.
    fn GetStatusTable(&self, ul_flags: ULONG) -> Result<IMAPITable> {
        let _ = ul_flags;
        Err(not_implemented!(IMAPISession::GetStatusTable).into())
    }

    /// TODO: Opens any object (store, folder, message, recipient) by entry ID and says its type
    /// in lpul_obj_type. The fake knows no entry IDs.
    fn OpenEntry(
        &self,
        cb_entry_id: ULONG,
        lp_entry_id: LPENTRYID,
        lp_interface: LPCIID,
        ul_flags: ULONG,
        lpul_obj_type: *mut ULONG,
    ) -> Result<IUnknown> {
        let _ = (
            cb_entry_id,
            lp_entry_id,
            lp_interface,
            ul_flags,
            lpul_obj_type,
        );
        Err(MAPI_E_NOT_FOUND.into())
    }

    /// TODO: Whether two entry IDs name the same object (TRUE or FALSE). The fake compares bytes;
    /// a real session asks the provider that issued them.
    fn CompareEntryIDs(
        &self,
        cb_entry_id1: ULONG,
        lp_entry_id1: LPENTRYID,
        cb_entry_id2: ULONG,
        lp_entry_id2: LPENTRYID,
        ul_flags: ULONG,
    ) -> Result<ULONG> {
        let _ = ul_flags;
        // SAFETY: MAPI passes each entry ID with its byte count.
        let (first, second) = unsafe {
            (
                entry_id_bytes(cb_entry_id1, lp_entry_id1),
                entry_id_bytes(cb_entry_id2, lp_entry_id2),
            )
        };
        Ok(ULONG::from(first == second))
    }

    /// TODO: Registers lp_advise_sink for notifications about an object. The connection number is a
    /// ULONG_PTR (8 bytes on x64): Wine's mapix.h says ULONG, Microsoft's header ULONG_PTR.
    fn Advise(
        &self,
        cb_entry_id: ULONG,
        lp_entry_id: LPENTRYID,
        ul_event_mask: ULONG,
        lp_advise_sink: Ref<'_, IMAPIAdviseSink>,
    ) -> Result<ULONG_PTR> {
        let _ = (cb_entry_id, lp_entry_id, ul_event_mask);
        if lp_advise_sink.is_null() {
            return Err(MAPI_E_INVALID_PARAMETER.into());
        }
        Ok(self.state().advise())
    }

    /// TODO: Cancels a registration made with Advise.
    fn Unadvise(&self, ul_connection: ULONG_PTR) -> Result<()> {
        self.state().unadvise(ul_connection)
    }

    /// TODO: Undocumented ("not supported"), but it owns vtable slot 13: shows the message options
    /// dialog of an address type.
    fn MessageOptions(
        &self,
        ul_ui_param: ULONG_PTR,
        ul_flags: ULONG,
        lpsz_adr_type: LPTSTR,
        lp_message: Ref<'_, IMessage>,
    ) -> Result<()> {
        let _ = (ul_ui_param, ul_flags, lpsz_adr_type, lp_message);
        Err(not_implemented!(IMAPISession::MessageOptions).into())
    }

    /// TODO: Undocumented ("not supported"), but it owns vtable slot 14: the default message
    /// options of an address type, as properties.
    fn QueryDefaultMessageOpt(
        &self,
        lpsz_adr_type: LPTSTR,
        ul_flags: ULONG,
        lpc_values: *mut ULONG,
    ) -> Result<LPSPropValue> {
        let _ = (lpsz_adr_type, ul_flags, lpc_values);
        Err(not_implemented!(IMAPISession::QueryDefaultMessageOpt).into())
    }

    /// TODO: The address types (SMTP, EX, ...) the session's transports handle, in an array the
    /// caller frees with MAPIFreeBuffer. The fake has no transport: zero types.
    fn EnumAdrTypes(&self, ul_flags: ULONG, lpc_adr_types: *mut ULONG) -> Result<*mut LPTSTR> {
        let _ = ul_flags;
        if lpc_adr_types.is_null() {
            return Err(MAPI_E_INVALID_PARAMETER.into());
        }
        // SAFETY: checked for null; MAPI passes a writable count.
        unsafe { lpc_adr_types.write(0) };
        Ok(core::ptr::null_mut())
    }

    /// TODO: The entry ID of the object that represents the session's user, allocated with
    /// MAPIAllocateBuffer.
    fn QueryIdentity(&self, lpcb_entry_id: *mut ULONG) -> Result<LPENTRYID> {
        let _ = lpcb_entry_id;
        Err(not_implemented!(IMAPISession::QueryIdentity).into())
    }

    /// TODO: Ends the session. Later calls on it should fail; the object itself stays alive until
    /// released.
    fn Logoff(&self, ul_ui_param: ULONG_PTR, ul_flags: ULONG, ul_reserved: ULONG) -> Result<()> {
        let _ = (ul_ui_param, ul_flags, ul_reserved);
        self.state().logged_off = true;
        Ok(())
    }

    /// TODO: Makes a store the default (or the default for some purpose, by ul_flags).
    fn SetDefaultStore(
        &self,
        ul_flags: ULONG,
        cb_entry_id: ULONG,
        lp_entry_id: LPENTRYID,
    ) -> Result<()> {
        let _ = (ul_flags, cb_entry_id, lp_entry_id);
        Err(not_implemented!(IMAPISession::SetDefaultStore).into())
    }

    /// TODO: The message service administration object of the profile.
    fn AdminServices(&self, ul_flags: ULONG) -> Result<IMsgServiceAdmin> {
        let _ = ul_flags;
        Err(not_implemented!(IMAPISession::AdminServices).into())
    }

    /// TODO: Shows a message form. ul_message_token comes from PrepareForm and is pointer-sized.
    fn ShowForm(
        &self,
        ul_ui_param: ULONG_PTR,
        lp_msg_store: Ref<'_, IMsgStore>,
        lp_parent_folder: Ref<'_, IMAPIFolder>,
        lp_interface: LPCIID,
        ul_message_token: ULONG_PTR,
        lp_message_sent: Ref<'_, IMessage>,
        ul_flags: ULONG,
        ul_message_status: ULONG,
        ul_message_flags: ULONG,
        ul_access: ULONG,
        lpsz_message_class: LPSTR,
    ) -> Result<()> {
        let _ = (
            ul_ui_param,
            lp_msg_store,
            lp_parent_folder,
            lp_interface,
            ul_message_token,
            lp_message_sent,
        );
        let _ = (
            ul_flags,
            ul_message_status,
            ul_message_flags,
            ul_access,
            lpsz_message_class,
        );
        Err(not_implemented!(IMAPISession::ShowForm).into())
    }

    /// TODO: Prepares a message for ShowForm and returns its token: a ULONG_PTR (8 bytes on x64),
    /// so the fake's tokens use the high half too, and a 4-byte write would show.
    fn PrepareForm(
        &self,
        lp_interface: LPCIID,
        lp_message: Ref<'_, IMessage>,
    ) -> Result<ULONG_PTR> {
        let _ = (lp_interface, lp_message);
        Ok(self.state().form_token())
    }
}
