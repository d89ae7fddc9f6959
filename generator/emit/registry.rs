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

/// One key under HKEY_CURRENT_USER and its values; a value name "" is the default value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegKey {
    /// The key as the runtime's table names it: `{win}` stands for the DLL's bitness.
    pub path: String,
    /// The key as the `.reg` file names it, for the 64-bit DLL (`{win}` as `win64`).
    pub reg_path: String,
    pub entries: Vec<(String, String)>,
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
        let key = self.reg_key(path, entries);
        self.keys.push(key);
    }

    fn reg_key(&self, path: String, entries: &[(&str, &str)]) -> RegKey {
        let entries: Vec<(String, String)> = entries.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        let values = entries
            .iter()
            .map(|(name, value)| {
                let value = value
                    .replace("{dll}", &format!(r"C:\path\to\{}", self.dll_name))
                    .replace("{dir}", r"C:\path\to");
                let value = reg_escape(&value);
                if name.is_empty() {
                    format!("@=\"{value}\"")
                } else {
                    format!("\"{}\"=\"{value}\"", reg_escape(name))
                }
            })
            .collect();
        let reg_path = path.replace("{win}", "win64");
        RegKey {
            path,
            reg_path,
            entries,
            values,
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
        let wow64 = self.reg_key(format!(r"{SOCIAL_PROVIDERS_WOW64}\{prog_id}"), &values);
        self.keys_32.push(wow64);
        self.trees_32.push(format!(r"{SOCIAL_PROVIDERS_WOW64}\{prog_id}"));
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
