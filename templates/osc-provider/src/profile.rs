//! The logged-on user's profile: ISocialProfile, which inherits ISocialPerson's methods
//! (its vtable starts with them), so this object implements both traits. The ISocialPerson
//! ones are answered by the same `Member` code as a Person's (src/person.rs).
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when the interfaces gain a method, it only adds that method's stub.

use std::sync::Arc;

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::context::Context;
use crate::generated::prelude::*;
use crate::person::Member;

#[implement(ISocialProfile)]
pub struct Profile {
    member: Member,
    _module: ModuleRef,
}

impl Profile {
    pub fn new(context: Arc<Context>, user_id: &str) -> Profile {
        Profile {
            member: Member::new(context, user_id),
            _module: ModuleRef::default(),
        }
    }
}

{{ impls }}
