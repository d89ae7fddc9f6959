//! A person of the social network: ISocialPerson, and `Member`, which answers the six
//! ISocialPerson methods for both a Person and the logged-on user's Profile.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when the interfaces gain a method, it only adds that method's stub.

use std::sync::Arc;

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::context::Context;
use crate::generated::prelude::*;

#[implement(ISocialPerson)]
pub struct Person {
    member: Member,
    _module: ModuleRef,
}

impl Person {
    pub fn new(context: Arc<Context>, user_id: &str) -> Person {
        Person {
            member: Member::new(context, user_id),
            _module: ModuleRef::default(),
        }
    }
}

/// A member of the network as Outlook sees them. ISocialProfile's vtable starts with
/// ISocialPerson's six methods: Person and Profile both answer them from here, so a fix
/// reaches the logged-on user's profile too.
pub struct Member {
    pub context: Arc<Context>,
    pub user_id: String,
}

impl Member {
    pub fn new(context: Arc<Context>, user_id: &str) -> Member {
        Member {
            context,
            user_id: user_id.to_string(),
        }
    }

    /// GetDetails: a `person` document. When activities lack a publisher's name or address,
    /// Outlook asks for them here: include fullName and emailAddress.
    pub fn details(&self) -> Result<BSTR> {
        Ok(BSTR::from(person_details(&self.user_id).to_xml()))
    }

    /// GetFriendsAndColleagues (cacheFriends true): a `friends` document with this member's
    /// friends. Outlook syncs them into a contacts folder named after the network, every 24
    /// hours.
    pub fn friends_and_colleagues(&self) -> Result<BSTR> {
        Ok(BSTR::from(Friends::default().to_xml()))
    }

    /// GetPicture: the bytes of a .png, .bmp or .jpeg file. TODO: fetch it from the network
    /// (a cache in the context spares Outlook's repeated asks).
    pub fn picture(&self) -> Result<*mut SAFEARRAY> {
        Err(not_implemented!(ISocialPerson::GetPicture).into())
    }

    /// GetActivities: deprecated in OSC 2013, never called; the slot stays in the vtable.
    pub fn activities(&self, start_time: DATE) -> Result<BSTR> {
        let _ = start_time;
        Err(not_implemented!(ISocialPerson::GetActivities).into())
    }

    /// GetFriendsAndColleaguesIDs: documented as not supported by Outlook.
    pub fn friends_and_colleagues_ids(&self) -> Result<*mut SAFEARRAY> {
        Err(not_implemented!(ISocialPerson::GetFriendsAndColleaguesIDs).into())
    }

    /// GetStatus: documented as not supported by Outlook.
    pub fn status(&self) -> Result<BSTR> {
        Err(not_implemented!(ISocialPerson::GetStatus).into())
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
    /// Written once, in `Member` (src/person.rs), for a Person and the Profile alike.
    fn GetActivities(&self, start_time: DATE) -> Result<BSTR> {
        self.member.activities(start_time)
    }

    /// TODO: Cached contacts (cacheFriends true): a `friends` document with this person's friends.
    /// Outlook syncs them into a contacts folder named after the network, every 24 hours.
    /// Written once, in `Member` (src/person.rs), for a Person and the Profile alike.
    fn GetFriendsAndColleagues(&self) -> Result<BSTR> {
        self.member.friends_and_colleagues()
    }

    /// TODO: Not supported by Outlook (documented as such).
    /// Written once, in `Member` (src/person.rs), for a Person and the Profile alike.
    fn GetFriendsAndColleaguesIDs(&self) -> Result<*mut SAFEARRAY> {
        self.member.friends_and_colleagues_ids()
    }

    /// TODO: The person's picture as the bytes of a .png, .bmp or .jpeg file.
    /// Written once, in `Member` (src/person.rs), for a Person and the Profile alike.
    fn GetPicture(&self) -> Result<*mut SAFEARRAY> {
        self.member.picture()
    }

    /// TODO: Not supported by Outlook (documented as such).
    /// Written once, in `Member` (src/person.rs), for a Person and the Profile alike.
    fn GetStatus(&self) -> Result<BSTR> {
        self.member.status()
    }

    /// TODO: A `person` document with this person's details. When activities lack a publisher's
    /// name or address, Outlook asks for them here: include fullName and emailAddress.
    /// Written once, in `Member` (src/person.rs), for a Person and the Profile alike.
    fn GetDetails(&self) -> Result<BSTR> {
        self.member.details()
    }
}
