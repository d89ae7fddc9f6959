//! The registry entries of a COM server: one list, from which both `DllRegisterServer`'s
//! table (identity.rs) and the `.reg` file are made, so the two cannot disagree.

use crate::model::guid::Guid;

/// One key under HKEY_CURRENT_USER and its values; a value name "" is the default value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegKey {
    pub path: String,
    pub entries: Vec<(String, String)>,
    /// The values as regedit writes them (`@="..."`, `"Name"="..."`), for the .reg file.
    pub values: Vec<String>,
}

/// Where the Social Connector looks for providers, per user.
pub const SOCIAL_PROVIDERS: &str = r"Software\Microsoft\Office\Outlook\SocialConnector\SocialProviders";

/// What registration writes and removes; built from the pieces below.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registration {
    pub keys: Vec<RegKey>,
    /// The key trees unregistration removes: the ones registration created, nothing above.
    pub trees: Vec<String>,
    dll_name: String,
}

impl Registration {
    pub fn new(dll_name: &str) -> Registration {
        Registration {
            dll_name: dll_name.to_string(),
            ..Registration::default()
        }
    }

    fn key(&mut self, path: String, entries: &[(&str, &str)]) {
        let entries: Vec<(String, String)> = entries.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        let values = entries
            .iter()
            .map(|(name, value)| {
                let value = reg_escape(&value.replace("{dll}", &format!(r"C:\path\to\{}", self.dll_name)));
                if name.is_empty() {
                    format!("@=\"{value}\"")
                } else {
                    format!("\"{}\"=\"{value}\"", reg_escape(name))
                }
            })
            .collect();
        self.keys.push(RegKey { path, entries, values });
    }

    /// The COM class: CLSID with its in-process server (free-threaded: Both), and the ProgID.
    pub fn com_class(&mut self, clsid: Guid, prog_id: &str, description: &str) {
        let clsid = clsid.braced_upper();
        self.key(format!(r"Software\Classes\CLSID\{clsid}"), &[("", description)]);
        self.key(
            format!(r"Software\Classes\CLSID\{clsid}\InprocServer32"),
            &[("", "{dll}"), ("ThreadingModel", "Both")],
        );
        self.key(format!(r"Software\Classes\CLSID\{clsid}\ProgID"), &[("", prog_id)]);
        self.key(format!(r"Software\Classes\{prog_id}"), &[("", description)]);
        self.key(format!(r"Software\Classes\{prog_id}\CLSID"), &[("", &clsid)]);
        self.trees.push(format!(r"Software\Classes\CLSID\{clsid}"));
        self.trees.push(format!(r"Software\Classes\{prog_id}"));
    }

    /// The key by which the Social Connector finds a provider.
    pub fn social_provider(&mut self, prog_id: &str, friendly_name: &str, url: &str) {
        self.key(
            format!(r"{SOCIAL_PROVIDERS}\{prog_id}"),
            &[("FriendlyName", friendly_name), ("Url", url)],
        );
        self.trees.push(format!(r"{SOCIAL_PROVIDERS}\{prog_id}"));
    }
}

fn reg_escape(s: &str) -> String {
    s.replace('\\', r"\\").replace('"', "\\\"")
}
