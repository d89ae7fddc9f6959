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

{{ impls }}
