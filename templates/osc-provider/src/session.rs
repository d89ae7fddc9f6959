//! A logged-on session: ISocialSession, and ISocialSession2 on the same object (Outlook
//! asks for it with QueryInterface).
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when the interfaces gain a method, it only adds that method's stub.

use std::sync::Arc;

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::context::{Account, Context};
use crate::generated::prelude::*;
use crate::person::Person;
use crate::profile::Profile;

/// A session of the provider: its state (the account once logged on) is the shared
/// context's, so the people it hands out see it too.
#[implement(ISocialSession, ISocialSession2)]
pub struct Session {
    context: Arc<Context>,
    _module: ModuleRef,
}

impl Session {
    pub fn new(context: Arc<Context>) -> Session {
        Session {
            context,
            _module: ModuleRef::default(),
        }
    }

    fn log_on(&self, user: &str) -> Result<()> {
        if user.is_empty() {
            return Err(OSC_E_AUTH_ERROR.into());
        }
        self.context.write().account = Some(Account {
            user_id: user.to_string(),
            token: token_for(user),
        });
        Ok(())
    }

    /// The logged-on user, or OSC_E_AUTH_ERROR before logon.
    fn user(&self) -> Result<String> {
        Ok(self.context.account()?.user_id)
    }
}

/// The opaque connect_out of LogonCached. TODO: replace with the network's own token (a
/// refresh token, say): Outlook stores it encrypted and hands it back on the next start.
fn token_for(user: &str) -> String {
    let hex: String = user.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{TOKEN_PREFIX}{hex}")
}

fn user_from_token(token: &str) -> Option<String> {
    let hex = token.strip_prefix(TOKEN_PREFIX)?;
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect();
    String::from_utf8(bytes?).ok().filter(|u| !u.is_empty())
}

const TOKEN_PREFIX: &str = "{{ crate_name }}:v1:";

{{ impls }}
