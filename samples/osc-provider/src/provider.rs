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

impl ISocialProvider_Impl for Provider_Impl {
    /// TODO: Returns the `capabilities` XML: what this provider supports (friends, activities,
    /// follow, logon style, hash function). Outlook calls it at start-up, possibly offline: never
    /// touch the network here. Edit `capabilities()` in src/provider.rs to declare what you
    /// implement.
    fn GetCapabilities(&self) -> Result<BSTR> {
        Ok(BSTR::from(capabilities().to_xml()))
    }

    /// TODO: The provider's version, "Major.Minor" (for example "1.0"). Set it in oscgen.toml.
    fn get_Version(&self) -> Result<BSTR> {
        Ok(BSTR::from(PROVIDER_VERSION))
    }

    /// TODO: A new session object. Outlook then logs on with Logon, LogonWeb or LogonCached,
    /// as the capabilities declare.
    fn GetSession(&self) -> Result<ISocialSession> {
        Ok(Session::default().into())
    }

    /// TODO: Called only when capabilities declare supportsAutoConfigure: return a session that is
    /// already logged on (for example with the user's Windows credentials). Otherwise
    /// OSC_E_NOT_IMPLEMENTED.
    fn GetAutoConfiguredSession(&self) -> Result<ISocialSession> {
        Err(not_implemented!(ISocialProvider::GetAutoConfiguredSession).into())
    }

    /// TODO: The network's site URLs, as a SAFEARRAY of BSTR. Outlook uses only element [0].
    fn get_DefaultSiteUrls(&self) -> Result<*mut SAFEARRAY> {
        bstr_array(&[SITE_URL])
    }

    /// TODO: The network's icon as the bytes of a .png (with transparency, suggested), .bmp or
    /// .jpeg file, in a SAFEARRAY of unsigned char. Replace src/xml/icon.png.
    fn get_SocialNetworkIcon(&self) -> Result<*mut SAFEARRAY> {
        byte_array(ICON)
    }

    /// TODO: The network's display name, localized for the language Load received. Outlook also
    /// names the contacts folder after it.
    fn get_SocialNetworkName(&self) -> Result<BSTR> {
        Ok(BSTR::from(NETWORK_NAME))
    }

    /// TODO: The network's GUID. It must never change: Outlook keys cached data by it. oscgen
    /// wrote it to oscgen.toml when the project was created.
    fn get_SocialNetworkGuid(&self) -> Result<GUID> {
        Ok(SOCIAL_NETWORK_GUID)
    }

    /// TODO: Not supported by Outlook (documented as such). Answers an empty default status and
    /// the maximum status length, as Microsoft's C++ template did.
    fn GetStatusSettings(&self, status_default: *mut BSTR) -> Result<INT> {
        if !status_default.is_null() {
            // SAFETY: the caller passes a writable BSTR slot; the previous value is not ours.
            unsafe { status_default.write(BSTR::new()) };
        }
        Ok(256)
    }

    /// TODO: First call after creation: the OSC interface version ("X.xxxx"; major 15 for Office
    /// 2013) and the user's RFC 4646 language tag. Keep it quick: long work here delays
    /// Outlook. Return OSC_E_VERSION for an interface version you cannot serve.
    fn Load(&self, social_provider_interface_version: &BSTR, language_tag: &BSTR) -> Result<()> {
        let _ = (social_provider_interface_version, language_tag);
        Ok(())
    }
}
