//! The provider object Outlook creates first: ISocialProvider.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when the interfaces gain a method, it only adds that method's stub.

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::prelude::*;
use crate::session::Session;

/// How Outlook hashes the addresses it asks about (GetPeopleDetails, GetActivitiesEx).
/// Declared once: the capabilities announce it and your lookups hash with it.
pub const HASH_FUNCTION: HashFunction = HashFunction::Md5;

/// What this provider supports (GetCapabilities): on-demand contacts looked up by hashed
/// address (GetPeopleDetails), on-demand activities (GetActivitiesEx) and cached-credential
/// logon (LogonCached). Turn on only what the provider implements.
pub fn capabilities() -> Capabilities {
    Capabilities {
        get_friends: true,
        get_activities: true,
        dynamic_activities_lookup: Some(false),
        hide_hyperlinks: Some(true),
        supports_auto_configure: Some(false),
        contact_sync_restart_interval: Some(60),
        dynamic_activities_lookup_ex: Some(true),
        dynamic_contacts_lookup: Some(true),
        use_logon_cached: Some(true),
        hide_remember_my_password: Some(false),
        show_on_demand_activities_when_minimized: Some(true),
        show_on_demand_contacts_when_minimized: Some(true),
        hash_function: Some(HASH_FUNCTION),
        allow_changes_to_auto_configure: Some(false),
        ..Capabilities::new()
    }
}

/// The network's icon: replace src/xml/icon.png.
const ICON: &[u8] = include_bytes!("xml/icon.png");

/// The class Outlook creates from the CLSID in oscgen.toml.
#[implement(ISocialProvider)]
#[derive(Default)]
pub struct Provider {
    _module: ModuleRef,
}

{{ impls }}
