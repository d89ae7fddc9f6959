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

{{ impls }}
