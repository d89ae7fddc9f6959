//! The logged-on user's profile: ISocialProfile, which inherits ISocialPerson's methods
//! (its vtable starts with them), so this object implements both traits.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when the interfaces gain a method, it only adds that method's stub.
{{ imports }}
use windows_core::implement;

use crate::generated::server::ModuleRef;

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
