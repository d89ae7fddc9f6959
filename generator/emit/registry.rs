//! The registry entries of a provider: one list, from which both `DllRegisterServer`'s
//! table (identity.rs) and `provider.reg` are made, so the two cannot disagree.

use crate::project::config::Config;

/// One key under HKEY_CURRENT_USER and its values; a value name "" is the default value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegKey {
    pub path: String,
    pub entries: Vec<(String, String)>,
    /// The values as regedit writes them (`@="..."`, `"Name"="..."`), for provider.reg.
    pub values: Vec<String>,
}

/// Where the Social Connector looks for providers, per user.
pub const SOCIAL_PROVIDERS: &str = r"Software\Microsoft\Office\Outlook\SocialConnector\SocialProviders";

fn key(path: String, entries: &[(&str, &str)], dll_name: &str) -> RegKey {
    let entries: Vec<(String, String)> = entries.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    let values = entries
        .iter()
        .map(|(name, value)| {
            let value = reg_escape(&value.replace("{dll}", &format!(r"C:\path\to\{dll_name}")));
            if name.is_empty() {
                format!("@=\"{value}\"")
            } else {
                format!("\"{}\"=\"{value}\"", reg_escape(name))
            }
        })
        .collect();
    RegKey { path, entries, values }
}

fn reg_escape(s: &str) -> String {
    s.replace('\\', r"\\").replace('"', "\\\"")
}

/// The keys and values registration writes for an OSC provider.
pub fn osc_keys(config: &Config) -> Vec<RegKey> {
    let clsid = config.clsid().braced_upper();
    let prog_id = config.provider.prog_id.as_str();
    let description = format!("{} Outlook Social Connector provider", config.provider.network_name);
    let dll = format!("{}.dll", config.project.name.replace('-', "_"));
    let key = |path: String, entries: &[(&str, &str)]| key(path, entries, &dll);
    vec![
        key(format!(r"Software\Classes\CLSID\{clsid}"), &[("", &description)]),
        key(
            format!(r"Software\Classes\CLSID\{clsid}\InprocServer32"),
            &[("", "{dll}"), ("ThreadingModel", "Both")],
        ),
        key(format!(r"Software\Classes\CLSID\{clsid}\ProgID"), &[("", prog_id)]),
        key(format!(r"Software\Classes\{prog_id}"), &[("", &description)]),
        key(format!(r"Software\Classes\{prog_id}\CLSID"), &[("", &clsid)]),
        key(
            format!(r"{SOCIAL_PROVIDERS}\{prog_id}"),
            &[
                ("FriendlyName", &config.provider.network_name),
                ("Url", &config.provider.url),
            ],
        ),
    ]
}

/// The key trees unregistration removes: the ones registration created, nothing above.
pub fn osc_trees(config: &Config) -> Vec<String> {
    let clsid = config.clsid().braced_upper();
    let prog_id = &config.provider.prog_id;
    vec![
        format!(r"Software\Classes\CLSID\{clsid}"),
        format!(r"Software\Classes\{prog_id}"),
        format!(r"{SOCIAL_PROVIDERS}\{prog_id}"),
    ]
}
