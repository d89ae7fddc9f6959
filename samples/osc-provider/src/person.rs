//! A person of the social network: ISocialPerson.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when the interfaces gain a method, it only adds that method's stub.

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::prelude::*;

#[implement(ISocialPerson)]
pub struct Person {
    user_id: String,
    _module: ModuleRef,
}

impl Person {
    pub fn new(user_id: &str) -> Person {
        Person {
            user_id: user_id.to_string(),
            _module: ModuleRef::default(),
        }
    }
}

/// The `person` document for a user. TODO: fill in what the network knows.
pub fn person_details(user_id: &str) -> PersonDetails {
    PersonDetails {
        full_name: Some(user_id.to_string()),
        ..PersonDetails::new(user_id)
    }
}

impl ISocialPerson_Impl for Person_Impl {
    /// TODO: Deprecated in OSC 2013: Outlook never calls it. The slot stays in the vtable.
    fn GetActivities(&self, start_time: DATE) -> Result<BSTR> {
        let _ = start_time;
        Err(not_implemented!(ISocialPerson::GetActivities).into())
    }

    /// TODO: Cached contacts (cacheFriends true): a `friends` document with this person's friends.
    /// Outlook syncs them into a contacts folder named after the network, every 24 hours.
    fn GetFriendsAndColleagues(&self) -> Result<BSTR> {
        Ok(BSTR::from(Friends::default().to_xml()))
    }

    /// TODO: Not supported by Outlook (documented as such).
    fn GetFriendsAndColleaguesIDs(&self) -> Result<*mut SAFEARRAY> {
        Err(not_implemented!(ISocialPerson::GetFriendsAndColleaguesIDs).into())
    }

    /// TODO: The person's picture as the bytes of a .png, .bmp or .jpeg file.
    fn GetPicture(&self) -> Result<*mut SAFEARRAY> {
        Err(not_implemented!(ISocialPerson::GetPicture).into())
    }

    /// TODO: Not supported by Outlook (documented as such).
    fn GetStatus(&self) -> Result<BSTR> {
        Err(not_implemented!(ISocialPerson::GetStatus).into())
    }

    /// TODO: A `person` document with this person's details. When activities lack a publisher's
    /// name or address, Outlook asks for them here: include fullName and emailAddress.
    fn GetDetails(&self) -> Result<BSTR> {
        Ok(BSTR::from(person_details(&self.user_id).to_xml()))
    }
}
