//! Where Outlook looks for providers, and the Wine workaround for per-user COM classes
//! (osc-host and mapi-client).
use windows_registry::{CURRENT_USER, Key, LOCAL_MACHINE};

/// OSC finds a provider as a ProgID subkey of this key (osc-interfaces.md 3.1).
pub const SOCIAL_PROVIDERS: &str = r"Software\Microsoft\Office\Outlook\SocialConnector\SocialProviders";

/// The ProgIDs listed under HKCU\...\SocialProviders.
pub fn social_providers() -> windows_core::Result<Vec<String>> {
    Ok(CURRENT_USER.open(SOCIAL_PROVIDERS)?.keys()?.collect())
}

/// A string value; `""` names the default value.
pub fn read_string(path: &str, name: &str) -> windows_core::Result<String> {
    CURRENT_USER.open(path)?.get_string(name)
}

/// WINE WORKAROUND, not what Outlook or Windows do. Windows merges HKCU\Software\Classes into
/// HKEY_CLASSES_ROOT, so a per-user registration is enough for CoCreateInstance. Wine 8's
/// HKCR reads only HKLM\Software\Classes, so under Wine the class's per-user key is copied
/// there for the run and removed afterwards (and only if the host created it).
pub struct HklmCopy {
    path: String,
    removed: bool,
}

impl HklmCopy {
    /// Copies HKCU\Software\Classes\CLSID\{clsid} to HKLM; None when HKLM already has it.
    pub fn create(clsid_braced: &str) -> windows_core::Result<Option<HklmCopy>> {
        let path = format!(r"Software\Classes\CLSID\{clsid_braced}");
        if LOCAL_MACHINE.open(&path).is_ok() {
            return Ok(None);
        }
        let source = CURRENT_USER.open(&path)?;
        let copy = HklmCopy { path, removed: false };
        // Dropping `copy` on an error removes what was copied so far.
        copy_tree(&source, &LOCAL_MACHINE.create(&copy.path)?)?;
        Ok(Some(copy))
    }

    pub fn path(&self) -> String {
        format!(r"HKLM\{}", self.path)
    }

    pub fn remove(&mut self) -> windows_core::Result<()> {
        self.removed = true;
        LOCAL_MACHINE.remove_tree(&self.path)
    }
}

impl Drop for HklmCopy {
    fn drop(&mut self) {
        if !self.removed {
            let _ = self.remove();
        }
    }
}

fn copy_tree(from: &Key, to: &Key) -> windows_core::Result<()> {
    for (name, value) in from.values()? {
        to.set_value(&name, &value)?;
    }
    for sub in from.keys()? {
        copy_tree(&from.open(&sub)?, &to.create(&sub)?)?;
    }
    Ok(())
}
