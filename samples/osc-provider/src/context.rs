//! What the provider's objects share: the Provider makes one `Arc<Context>` when Outlook
//! creates it, and hands it to each Session it opens and each Person or Profile a session
//! returns, so every object sees the language Load received, the logged-on account and the
//! network client.
//!
//! Written once by `oscgen new`; this file is yours.

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::generated::prelude::*;

/// Outlook may call the provider's objects from several threads (ThreadingModel=Both), so
/// what changes after creation sits behind a lock. Add the network client here (with the
/// `http` feature, the runtime's `HttpClient`) and the caches every object shares.
#[derive(Debug, Default)]
pub struct Context {
    state: RwLock<State>,
}

#[derive(Clone, Debug, Default)]
pub struct State {
    /// The RFC 4646 tag Load received ("en-US"): localize names and messages with it.
    pub language: String,
    /// The OSC interface version Load received ("15.0.4420.1017" for Outlook 2013).
    pub interface_version: String,
    /// The site URL the user typed in the account dialog (put_SiteUrl), if any.
    pub site_url: Option<String>,
    /// Set by a successful logon.
    pub account: Option<Account>,
}

/// Who is logged on, and what the network gave the provider for them.
#[derive(Clone, Debug)]
pub struct Account {
    /// The network's ID for the user (get_LoggedOnUserID, the profile's userID).
    pub user_id: String,
    /// TODO: the network's token (an OAuth refresh token, say), which LogonCached hands to
    /// Outlook to store; never the password.
    pub token: String,
}

impl Context {
    pub fn new() -> Arc<Context> {
        Arc::new(Context::default())
    }

    pub fn read(&self) -> RwLockReadGuard<'_, State> {
        // A panic while the lock was held is already reported; the state is still usable.
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The logged-on account, or OSC_E_AUTH_ERROR before logon (Outlook then logs on again).
    pub fn account(&self) -> Result<Account> {
        self.read()
            .account
            .clone()
            .ok_or_else(|| OSC_E_AUTH_ERROR.into())
    }
}
