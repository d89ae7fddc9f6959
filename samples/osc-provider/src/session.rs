//! A logged-on session: ISocialSession, and ISocialSession2 on the same object (Outlook
//! asks for it with QueryInterface).
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when the interfaces gain a method, it only adds that method's stub.

use std::sync::{Mutex, MutexGuard};

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::prelude::*;
use crate::person::Person;
use crate::profile::Profile;

/// Outlook may call one session from several threads (ThreadingModel=Both), so its state
/// sits behind a lock.
#[implement(ISocialSession, ISocialSession2)]
#[derive(Default)]
pub struct Session {
    state: Mutex<State>,
    _module: ModuleRef,
}

#[derive(Default)]
struct State {
    user: Option<String>,
    site_url: String,
}

impl Session {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held is already reported; the state is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn log_on(&self, user: &str) -> Result<()> {
        if user.is_empty() {
            return Err(OSC_E_AUTH_ERROR.into());
        }
        self.state().user = Some(user.to_string());
        Ok(())
    }

    /// The logged-on user, or OSC_E_AUTH_ERROR before logon.
    fn user(&self) -> Result<String> {
        self.state()
            .user
            .clone()
            .ok_or_else(|| OSC_E_AUTH_ERROR.into())
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

const TOKEN_PREFIX: &str = "osc-provider:v1:";

impl ISocialSession_Impl for Session_Impl {
    /// TODO: Basic authentication (useLogonWebAuth false, useLogonCached false): check the user
    /// name and password with the network. OSC_E_AUTH_ERROR when they are wrong,
    /// OSC_E_COULDNOTCONNECT when the network cannot be reached.
    fn Logon(&self, user_name: &BSTR, password: &BSTR) -> Result<()> {
        let _ = password;
        self.log_on(&bstr_to_string(user_name))
    }

    /// TODO: The site URL the user typed in the account dialog, when it differs from the default.
    fn put_SiteUrl(&self, url: &BSTR) -> Result<()> {
        self.state().site_url = bstr_to_string(url);
        Ok(())
    }

    /// TODO: Forms-based logon (useLogonWebAuth true). First call: connect_in is empty, return
    /// OSC_E_AUTH_ERROR; Outlook then calls GetLogonUrl and shows that page. Second call:
    /// connect_in is the URL the page ended on; return the credentials to keep, or
    /// OSC_E_AUTH_ERROR.
    fn LogonWeb(&self, connect_in: &BSTR) -> Result<BSTR> {
        let _ = connect_in;
        Err(not_implemented!(ISocialSession::LogonWeb).into())
    }

    /// TODO: Forms-based logon only: the URL of the network's logon page.
    fn GetLogonUrl(&self) -> Result<BSTR> {
        Err(not_implemented!(ISocialSession::GetLogonUrl).into())
    }

    /// TODO: An identifier for the network instance (for example a tenant), so two accounts on
    /// the same network stay apart. May return E_NOTIMPL.
    fn GetNetworkIdentifier(&self) -> Result<BSTR> {
        Ok(BSTR::new())
    }

    /// TODO: The profile of the user who logged on.
    fn GetLoggedOnUser(&self) -> Result<ISocialProfile> {
        let user = self.user()?;
        Ok(Profile::new(&user).into())
    }

    /// TODO: The network's ID for the logged-on user.
    fn get_LoggedOnUserID(&self) -> Result<BSTR> {
        Ok(BSTR::from(self.user()?.as_str()))
    }

    /// TODO: The logged-on user's display name.
    fn get_LoggedOnUserName(&self) -> Result<BSTR> {
        Ok(BSTR::from(self.user()?.as_str()))
    }

    /// TODO: The person with this network user ID. OSC_E_NOT_FOUND for an unknown ID.
    fn GetPerson(&self, user_id: &BSTR) -> Result<ISocialPerson> {
        Ok(Person::new(&bstr_to_string(user_id)).into())
    }

    /// TODO: A `friends` XML document with the person whose user ID this is.
    fn FindPerson(&self, user_id: &BSTR) -> Result<BSTR> {
        let _ = user_id;
        Err(not_implemented!(ISocialSession::FindPerson).into())
    }

    /// TODO: Deprecated since OSC 1.1: Outlook never calls it. The slot stays in the vtable.
    fn GetActivities(&self, email_addresses: *mut SAFEARRAY, start_time: DATE) -> Result<BSTR> {
        let _ = (email_addresses, start_time);
        Err(not_implemented!(ISocialSession::GetActivities).into())
    }

    /// TODO: Adds the person with this SMTP address as a friend (capabilities followPerson true).
    /// Outlook calls it when ISocialSession2::FollowPersonEx is missing or returns E_NOTIMPL.
    /// OSC_E_NOT_FOUND for an unknown person, OSC_E_FAIL when following is off.
    fn FollowPerson(&self, email_address: &BSTR) -> Result<()> {
        let _ = email_address;
        Err(not_implemented!(ISocialSession::FollowPerson).into())
    }

    /// TODO: Stops following the person (capabilities doNotFollowPerson true).
    fn UnFollowPerson(&self, user_id: &BSTR) -> Result<()> {
        let _ = user_id;
        Err(not_implemented!(ISocialSession::UnFollowPerson).into())
    }
}

impl ISocialSession2_Impl for Session_Impl {
    /// TODO: On-demand contacts (dynamicContactsLookup true): persons_addresses is a
    /// `hashedAddresses` document (sent WITHOUT the OSC namespace) listing people by the hashes
    /// of their e-mail addresses, made with the capabilities' hashFunction. Return a `friends`
    /// document with one `person` per person you know, carrying the input `index`; leave out
    /// people you do not know. Until you write it, this stub knows nobody: it answers an empty,
    /// valid `friends` document, so a provider shipped unchanged shows no invented people.
    fn GetPeopleDetails(&self, persons_addresses: &BSTR) -> Result<BSTR> {
        let request = HashedAddresses::parse(&bstr_to_string(persons_addresses))?;
        // TODO: for each of `request.people` whose hashes match an address the network knows
        // (hashed with crate::provider::HASH_FUNCTION), add a PersonDetails whose `index` is
        // that entry's index.
        let friends = Friends::default();
        let _ = request;
        Ok(BSTR::from(friends.to_xml()))
    }

    /// TODO: On-demand activities (dynamicActivitiesLookupEx true): an `activityFeed` document
    /// with the activities since start_time (UTC) of the people whose hashed addresses are
    /// given. Every activity needs start_time < publishDate <= now
    /// (`DateTime::from_ole_date(start_time)`). Return OSC_E_NO_CHANGES when nothing is new;
    /// otherwise an `ActivityFeed`'s `to_xml()`.
    fn GetActivitiesEx(&self, hashed_addresses: *mut SAFEARRAY, start_time: DATE) -> Result<BSTR> {
        let _ = (hashed_addresses, start_time);
        Err(OSC_E_NO_CHANGES.into())
    }

    /// TODO: Follow with more context: element [0] of email_addresses is the primary SMTP address;
    /// display_name may be empty. Returning E_NOTIMPL makes Outlook fall back to
    /// ISocialSession::FollowPerson.
    fn FollowPersonEx(&self, email_addresses: *mut SAFEARRAY, display_name: &BSTR) -> Result<()> {
        let _ = (email_addresses, display_name);
        Err(not_implemented!(ISocialSession2::FollowPersonEx).into())
    }

    /// TODO: Cached-credentials logon (useLogonCached true). First call: connect_in is empty; check
    /// user_name and password and return an opaque token in connect_out (the result), never the
    /// password itself. Outlook encrypts and stores it, and passes it back as connect_in on
    /// later calls. On failure return OSC_E_AUTH_ERROR.
    fn LogonCached(&self, connect_in: &BSTR, user_name: &BSTR, password: &BSTR) -> Result<BSTR> {
        let _ = password;
        let connect_in = bstr_to_string(connect_in);
        let user = if connect_in.is_empty() {
            // TODO: check user_name and password with the network.
            bstr_to_string(user_name)
        } else {
            user_from_token(&connect_in)
                .ok_or_else(|| windows_core::Error::from_hresult(OSC_E_AUTH_ERROR))?
        };
        self.log_on(&user)?;
        Ok(BSTR::from(token_for(&user)))
    }
}
