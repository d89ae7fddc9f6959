//! The registry entries of a COM server: one list, from which both `DllRegisterServer`'s
//! table (identity.rs) and the `.reg` file are made, so the two cannot disagree.
//!
//! A DLL registers what Windows and Outlook need for its own bitness. The COM class needs
//! nothing extra for a 32-bit DLL: registered by the 32-bit regsvr32 (SysWOW64), its
//! `Software\Classes\CLSID` key lands in the 32-bit view of the registry, where 32-bit
//! Outlook looks. Keys that a 32-bit process must name explicitly (the `Wow6432Node`
//! twin of the Social Connector key) are kept apart in [`Registration::keys_32`], which
//! identity.rs writes as a table used on 32-bit targets only and the `.reg` file as a
//! commented section.

use crate::model::guid::Guid;
use crate::project::config::Threading;
use crate::project::office_addin::OfficeAddinSection;

/// The data of a registry value, of its registry type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegData {
    /// REG_SZ; `{dll}` and `{dir}` stand for the DLL's path and its directory.
    String(String),
    /// REG_DWORD.
    Dword(u32),
}

impl RegData {
    /// The text of a REG_SZ value; `None` for any other type.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            RegData::String(s) => Some(s),
            RegData::Dword(_) => None,
        }
    }
}

/// One key under HKEY_CURRENT_USER and its values; a value name "" is the default value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegKey {
    /// The key as the runtime's table names it: `{win}` stands for the DLL's bitness.
    pub path: String,
    /// The key as the `.reg` file names it, for the 64-bit DLL (`{win}` as `win64`).
    pub reg_path: String,
    pub entries: Vec<(String, RegData)>,
    /// The values as regedit writes them (`@="..."`, `"Name"="..."`), for the .reg file.
    pub values: Vec<String>,
}

/// Where the Social Connector looks for providers, per user.
pub const SOCIAL_PROVIDERS: &str = r"Software\Microsoft\Office\Outlook\SocialConnector\SocialProviders";

/// Where 32-bit Outlook on 64-bit Windows also looks for providers, per user.
pub const SOCIAL_PROVIDERS_WOW64: &str =
    r"Software\Wow6432Node\Microsoft\Office\Outlook\SocialConnector\SocialProviders";

/// What registration writes and removes; built from the pieces below.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registration {
    pub keys: Vec<RegKey>,
    /// The key trees unregistration removes: the ones registration created, nothing above.
    pub trees: Vec<String>,
    /// What a 32-bit DLL writes in addition to `keys` (and removes, `trees_32`).
    pub keys_32: Vec<RegKey>,
    pub trees_32: Vec<String>,
    /// Whether a key depends on the DLL's bitness (the type library's `win64`/`win32`).
    pub has_bitness: bool,
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
        let entries: Vec<(&str, RegData)> = entries
            .iter()
            .map(|(n, v)| (*n, RegData::String(v.to_string())))
            .collect();
        let key = self.reg_key(path, entries);
        self.keys.push(key);
    }

    fn reg_key(&self, path: String, entries: Vec<(&str, RegData)>) -> RegKey {
        let entries: Vec<(String, RegData)> = entries.into_iter().map(|(n, v)| (n.to_string(), v)).collect();
        let values = entries.iter().map(|(name, data)| self.reg_line(name, data)).collect();
        let reg_path = path.replace("{win}", "win64");
        RegKey {
            path,
            reg_path,
            entries,
            values,
        }
    }

    /// A value as regedit writes it: `@="..."`, `"Name"="..."`, `"Name"=dword:00000003`.
    fn reg_line(&self, name: &str, data: &RegData) -> String {
        let data = match data {
            RegData::String(value) => {
                let value = value
                    .replace("{dll}", &format!(r"C:\path\to\{}", self.dll_name))
                    .replace("{dir}", r"C:\path\to");
                format!("\"{}\"", reg_escape(&value))
            }
            RegData::Dword(value) => format!("dword:{value:08x}"),
        };
        if name.is_empty() {
            format!("@={data}")
        } else {
            format!("\"{}\"={data}", reg_escape(name))
        }
    }

    /// The COM class: CLSID with its in-process server and threading model, and the ProgID.
    pub fn com_class(&mut self, clsid: Guid, prog_id: &str, description: &str, threading: Threading) {
        let clsid = clsid.braced_upper();
        self.key(format!(r"Software\Classes\CLSID\{clsid}"), &[("", description)]);
        self.key(
            format!(r"Software\Classes\CLSID\{clsid}\InprocServer32"),
            &[("", "{dll}"), ("ThreadingModel", threading.model())],
        );
        self.key(format!(r"Software\Classes\CLSID\{clsid}\ProgID"), &[("", prog_id)]);
        self.key(format!(r"Software\Classes\{prog_id}"), &[("", description)]);
        self.key(format!(r"Software\Classes\{prog_id}\CLSID"), &[("", &clsid)]);
        self.trees.push(format!(r"Software\Classes\CLSID\{clsid}"));
        self.trees.push(format!(r"Software\Classes\{prog_id}"));
    }

    /// The key by which the Social Connector finds a provider; a 32-bit DLL also writes its
    /// `Wow6432Node` twin, where 32-bit Outlook on 64-bit Windows looks.
    pub fn social_provider(&mut self, prog_id: &str, friendly_name: &str, url: &str) {
        let values = [("FriendlyName", friendly_name), ("Url", url)];
        self.key(format!(r"{SOCIAL_PROVIDERS}\{prog_id}"), &values);
        self.trees.push(format!(r"{SOCIAL_PROVIDERS}\{prog_id}"));
        let values = values.map(|(n, v)| (n, RegData::String(v.to_string()))).to_vec();
        let wow64 = self.reg_key(format!(r"{SOCIAL_PROVIDERS_WOW64}\{prog_id}"), values);
        self.keys_32.push(wow64);
        self.trees_32.push(format!(r"{SOCIAL_PROVIDERS_WOW64}\{prog_id}"));
    }
}

/// Where an Office application finds its COM add-ins, per user: `<Host>` is `Outlook`,
/// `Word`, `Excel` or `PowerPoint`.
pub const OFFICE_ADDINS: &str = r"Software\Microsoft\Office\{host}\Addins";

impl Registration {
    /// The key by which an Office application loads the class as a COM add-in, with its
    /// name and description in the COM Add-ins dialog and when to load it. Unlike the
    /// Social Connector's key, HKCU\Software\Microsoft\Office is shared between the 32-bit
    /// and 64-bit registry views (WOW64 does not redirect it), so this one key serves
    /// Office of either bitness and a 32-bit DLL writes no twin.
    pub fn office_addin(
        &mut self,
        host: &str,
        prog_id: &str,
        friendly_name: &str,
        description: &str,
        load_behavior: u32,
    ) {
        let path = format!(r"{}\{prog_id}", OFFICE_ADDINS.replace("{host}", host));
        let values = vec![
            ("FriendlyName", RegData::String(friendly_name.to_string())),
            ("Description", RegData::String(description.to_string())),
            ("LoadBehavior", RegData::Dword(load_behavior)),
        ];
        let key = self.reg_key(path.clone(), values);
        self.keys.push(key);
        self.trees.push(path);
    }

    /// The add-in keys of oscgen.toml's `[office_addin]`, one per host; the name and
    /// description default to the class's description.
    pub fn office_addins(&mut self, addin: &OfficeAddinSection, prog_id: &str, title: &str) {
        let friendly_name = addin.friendly_name.as_deref().unwrap_or(title);
        let description = addin.description.as_deref().unwrap_or(title);
        for host in &addin.hosts {
            self.office_addin(host.key(), prog_id, friendly_name, description, addin.load_behavior);
        }
    }
}

/// The universal marshaler (PSOAInterface), the proxy/stub of every interface a registered
/// type library describes as `[oleautomation]` or `[dual]`: what RegisterTypeLib writes as
/// their `ProxyStubClsid32`.
pub const UNIVERSAL_MARSHALER: &str = "{00020424-0000-0000-C000-000000000046}";

/// A type library and the interfaces the universal marshaler carries through it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeLibrary {
    pub name: String,
    pub libid: Guid,
    /// `major.minor`, in hexadecimal digits as the registry spells it (`1.0`, `1.a`).
    pub version: String,
    /// (IID, name) of each `[oleautomation]` or `[dual]` interface the library declares.
    pub interfaces: Vec<(Guid, String)>,
    /// Every interface it describes: those, and the project's implemented ones it does
    /// not declare (registered by whoever declares them, not by this DLL).
    pub described: Vec<String>,
}

impl Registration {
    /// The type library embedded as the DLL's TYPELIB resource 1, registered as
    /// RegisterTypeLib would for the current user: `TypeLib\{LIBID}\{version}` with the
    /// DLL for its own bitness (`{win}`: `win64` or `win32`), and every `[oleautomation]` or
    /// dual interface with the universal marshaler as its proxy/stub.
    pub fn type_library(&mut self, lib: &TypeLibrary) {
        let libid = lib.libid.braced_upper();
        let version = &lib.version;
        let base = format!(r"Software\Classes\TypeLib\{libid}\{version}");
        self.key(base.clone(), &[("", &lib.name)]);
        self.key(format!(r"{base}\0\{{win}}"), &[("", "{dll}")]);
        self.key(format!(r"{base}\FLAGS"), &[("", "0")]);
        self.key(format!(r"{base}\HELPDIR"), &[("", "{dir}")]);
        self.trees.push(format!(r"Software\Classes\TypeLib\{libid}"));
        self.has_bitness = true;
        for (iid, name) in &lib.interfaces {
            let key = format!(r"Software\Classes\Interface\{}", iid.braced_upper());
            self.key(key.clone(), &[("", name)]);
            self.key(format!(r"{key}\ProxyStubClsid"), &[("", UNIVERSAL_MARSHALER)]);
            self.key(format!(r"{key}\ProxyStubClsid32"), &[("", UNIVERSAL_MARSHALER)]);
            self.key(format!(r"{key}\TypeLib"), &[("", &libid), ("Version", version)]);
            self.trees.push(key);
        }
    }
}

fn reg_escape(s: &str) -> String {
    s.replace('\\', r"\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_office_addin_key_writes_its_load_behavior_as_a_dword() {
        let mut r = Registration::new("contoso.dll");
        r.office_addin("Outlook", "Contoso.AddIn", "Contoso \"add-in\"", "Files mail", 3);
        let key = &r.keys[0];
        assert_eq!(key.path, r"Software\Microsoft\Office\Outlook\Addins\Contoso.AddIn");
        assert_eq!(key.entries[2], ("LoadBehavior".to_string(), RegData::Dword(3)));
        assert_eq!(
            key.values,
            [
                r#""FriendlyName"="Contoso \"add-in\"""#,
                r#""Description"="Files mail""#,
                r#""LoadBehavior"=dword:00000003"#,
            ]
        );
        assert_eq!(r.trees.as_slice(), std::slice::from_ref(&key.path));
        assert!(r.keys_32.is_empty());
        r.office_addin("Word", "Contoso.AddIn", "C", "D", 16);
        assert_eq!(r.keys[1].values[2], r#""LoadBehavior"=dword:00000010"#);
    }
}
