//! The logged-on user's profile: ISocialProfile, which inherits ISocialPerson's methods
//! (its vtable starts with them), so this object implements both traits.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when the interfaces gain a method, it only adds that method's stub.

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::prelude::*;
use crate::person::person_details;

#[implement(ISocialProfile)]
pub struct Profile {
    user_id: String,
    _module: ModuleRef,
}

impl Profile {
    pub fn new(user_id: &str) -> Profile {
        Profile {
            user_id: user_id.to_string(),
            _module: ModuleRef::default(),
        }
    }
}

impl ISocialPerson_Impl for Profile_Impl {
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

impl ISocialProfile_Impl for Profile_Impl {
    /// TODO: For each user ID in user_ids, whether that user is a friend of this profile's user: a
    /// SAFEARRAY of VARIANT_BOOL of the same length.
    fn AreFriendsOrColleagues(&self, user_ids: *mut SAFEARRAY) -> Result<*mut SAFEARRAY> {
        // SAFETY: Outlook passes a SAFEARRAY of BSTR (or null).
        let ids = unsafe { read_bstr_array(user_ids)? };
        // TODO: ask the network; this answers "not a friend" for everyone.
        bool_array(&vec![false; ids.len()])
    }

    /// TODO: Deprecated in OSC 2013: Outlook never calls it. The slot stays in the vtable.
    fn GetActivitiesOfFriendsAndColleagues(&self, start_time: DATE) -> Result<BSTR> {
        let _ = start_time;
        Err(not_implemented!(ISocialProfile::GetActivitiesOfFriendsAndColleagues).into())
    }

    /// TODO: Not supported by Outlook (documented as such).
    fn SetStatus(&self, status: &BSTR) -> Result<()> {
        let _ = status;
        Err(not_implemented!(ISocialProfile::SetStatus).into())
    }
}
