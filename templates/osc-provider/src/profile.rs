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

{{ impls }}
