//! oscgen.toml's `[office_addin]`: a com-server DLL that an Office application loads as a
//! COM add-in, by the key `Software\Microsoft\Office\<Host>\Addins\<ProgID>`.

use serde::{Deserialize, Serialize};

/// The Office applications the section names, as their registry keys spell them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum OfficeHost {
    #[value(name = "Outlook")]
    Outlook,
    #[value(name = "Word")]
    Word,
    #[value(name = "Excel")]
    Excel,
    #[value(name = "PowerPoint")]
    PowerPoint,
}

impl OfficeHost {
    /// The application's key under `Software\Microsoft\Office`.
    pub fn key(self) -> &'static str {
        match self {
            OfficeHost::Outlook => "Outlook",
            OfficeHost::Word => "Word",
            OfficeHost::Excel => "Excel",
            OfficeHost::PowerPoint => "PowerPoint",
        }
    }

    /// The `idMso` of the application's Home tab, where the template's ribbon puts its
    /// button: Outlook's main window calls it TabMail.
    pub fn home_tab(self) -> &'static str {
        match self {
            OfficeHost::Outlook => "TabMail",
            OfficeHost::Word | OfficeHost::Excel | OfficeHost::PowerPoint => "TabHome",
        }
    }
}

/// The `LoadBehavior` values Office documents: 0 and 1 unloaded and loaded (not at
/// startup), 2 and 3 at startup (unloaded, loaded), 8 and 9 on demand, 16 loaded once at
/// the next start and then on demand.
pub const LOAD_BEHAVIORS: [u32; 7] = [0, 1, 2, 3, 8, 9, 16];

/// Load at startup, the default.
pub const LOAD_AT_STARTUP: u32 = 3;

fn load_at_startup() -> u32 {
    LOAD_AT_STARTUP
}

fn is_load_at_startup(value: &u32) -> bool {
    *value == load_at_startup()
}

/// Registers the class as a COM add-in of each host, per user (DllRegisterServer, the
/// .reg file, the MSI) or for every user (`install.cmd /allusers`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeAddinSection {
    /// The applications that load the add-in.
    pub hosts: Vec<OfficeHost>,
    /// The add-in's name in the application's COM Add-ins dialog; default: the class's
    /// description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
    /// What the add-in does; default: `provider.description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the application loads the add-in: one of [`LOAD_BEHAVIORS`].
    #[serde(default = "load_at_startup", skip_serializing_if = "is_load_at_startup")]
    pub load_behavior: u32,
}

impl OfficeAddinSection {
    /// What is wrong with the section on its own, as `Config::validate` reports it.
    pub fn validate(&self) -> Result<(), String> {
        let allowed = "Outlook, Word, Excel, PowerPoint";
        if self.hosts.is_empty() {
            return Err(format!("`office_addin.hosts` must name at least one of {allowed}"));
        }
        if let Some((i, host)) = self
            .hosts
            .iter()
            .enumerate()
            .find(|(i, h)| self.hosts[..*i].contains(h))
            .map(|(i, h)| (i, h.key()))
        {
            return Err(format!("`office_addin.hosts` names {host} twice (entry {})", i + 1));
        }
        if !LOAD_BEHAVIORS.contains(&self.load_behavior) {
            let values: Vec<String> = LOAD_BEHAVIORS.iter().map(u32::to_string).collect();
            return Err(format!(
                "`office_addin.load_behavior` = {} is not one of Office's values: {}",
                self.load_behavior,
                values.join(", ")
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(hosts: Vec<OfficeHost>, load_behavior: u32) -> OfficeAddinSection {
        OfficeAddinSection {
            hosts,
            friendly_name: None,
            description: None,
            load_behavior,
        }
    }

    #[test]
    fn hosts_and_load_behavior_are_checked() {
        assert_eq!(
            section(vec![OfficeHost::Outlook, OfficeHost::PowerPoint], 16).validate(),
            Ok(())
        );
        let err = section(vec![], 3).validate().unwrap_err();
        assert!(
            err.contains("`office_addin.hosts`") && err.contains("Outlook, Word, Excel, PowerPoint"),
            "{err}"
        );
        let err = section(vec![OfficeHost::Word, OfficeHost::Excel, OfficeHost::Word], 3)
            .validate()
            .unwrap_err();
        assert_eq!(err, "`office_addin.hosts` names Word twice (entry 3)");
        let err = section(vec![OfficeHost::Word], 7).validate().unwrap_err();
        assert!(err.contains("`office_addin.load_behavior` = 7"), "{err}");
    }

    #[test]
    fn the_default_load_behavior_is_load_at_startup_and_is_not_written() {
        let parsed: OfficeAddinSection = toml::from_str("hosts = [\"Excel\"]").unwrap();
        assert_eq!(parsed, section(vec![OfficeHost::Excel], 3));
        assert_eq!(toml::to_string(&parsed).unwrap(), "hosts = [\"Excel\"]\n");
    }
}
