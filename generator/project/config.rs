//! `oscgen.toml`: a project's identity and inputs, written once by `oscgen new` and read
//! by every `oscgen generate`. Its GUIDs are the provider's identity in the registry and in
//! Outlook, so nothing ever rewrites them.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::guid::Guid;
use crate::project::naming::{crate_name, is_crate_name};
use crate::project::office_addin::OfficeAddinSection;
use crate::project::template::{Binding, Template};

pub const FILE_NAME: &str = "oscgen.toml";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub project: ProjectSection,
    pub provider: ProviderSection,
    #[serde(default)]
    pub input: InputSection,
    /// The project's type library (com-server template): written, embedded and registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typelib: Option<TypelibSection>,
    /// The Office applications that load the class as a COM add-in (com-server template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_addin: Option<OfficeAddinSection>,
    /// What `oscgen host` passes to the provider (osc-provider template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<HostSection>,
    /// The ribbon's callbacks (outlook-addin template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ribbon: Option<RibbonSection>,
}

/// The procedures the add-in's ribbon XML names (`onAction="OnGreet"`): Office finds each
/// by name through the connect class's IDispatch, which oscgen implements from this list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RibbonSection {
    /// `onAction` callbacks: each gets a DISPID and a method of the `RibbonCallbacks` trait,
    /// called with the IRibbonControl the user clicked.
    #[serde(default)]
    pub callbacks: Vec<String>,
}

/// The account and the people `oscgen host` uses, as Outlook would pass them. The password
/// is not kept here (oscgen.toml is committed): `oscgen host` reads OSCGEN_HOST_PASSWORD.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSection {
    /// The user name of the logon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The language tag Load receives (`en-US`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The people a People Pane refresh asks about: each person's SMTP addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<Vec<String>>,
    /// Whom "Add" follows: `address` or `address,Display Name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    /// The crate name; the DLL is named after it.
    pub name: String,
    /// The kind of project: `osc-provider`, `mapi-session` or `com-server`.
    pub template: Template,
}

/// The COM class the DLL serves; the OSC keys only for the osc-provider template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSection {
    /// The social network's display name (get_SocialNetworkName, FriendlyName).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_name: Option<String>,
    pub prog_id: String,
    /// The COM class ID of the object the DLL serves.
    pub clsid: Guid,
    /// The social network's GUID (get_SocialNetworkGuid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_guid: Option<Guid>,
    /// The network's site (get_DefaultSiteUrls, the registry's Url value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The provider's version (get_Version), "Major.Minor".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// What the COM class is, for the registry's description (non-OSC templates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The class's threading model (com-server template).
    #[serde(default, skip_serializing_if = "Threading::is_both")]
    pub threading: Threading,
}

/// Which apartments may call the server's objects: the registry's `ThreadingModel`, and
/// whether the objects are agile (windows-core's `#[implement]` aggregates the free-threaded
/// marshaler unless it is given `Agile = false`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Threading {
    /// `ThreadingModel=Both`, agile: any thread calls the object itself.
    #[default]
    Both,
    /// `ThreadingModel=Apartment`, not agile: COM calls the object only on the thread that
    /// created it, and hands other apartments a proxy (for `[oleautomation]` and dual
    /// interfaces, the universal marshaler's, from the registered type library).
    Apartment,
}

impl Threading {
    fn is_both(&self) -> bool {
        *self == Threading::Both
    }

    /// The registry's `ThreadingModel` value.
    pub fn model(self) -> &'static str {
        match self {
            Threading::Both => "Both",
            Threading::Apartment => "Apartment",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputSection {
    /// IDL files, relative to the project; empty means oscgen's built-in OSC metadata.
    #[serde(default)]
    pub idl: Vec<String>,
    /// Include directories for imports, relative to the project.
    #[serde(default)]
    pub include_dirs: Vec<String>,
    /// Preprocessor macros, `NAME` or `NAME=VALUE`, as `-D` gives them (mingw-w64's IDL
    /// wants `BOOL=WINBOOL`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defines: Vec<String>,
    /// Macros removed after the defines, as `-U` gives them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undefines: Vec<String>,
    /// The interfaces the server object implements (com-server template).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implement: Vec<String>,
    /// Interfaces the project's code implements on objects of its own besides the class
    /// (an IEnumFORMATETC it returns, an IAdviseSink it passes): bound with their `_Impl`
    /// traits. Every other interface the signatures reach is bound for calling only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub callbacks: Vec<String>,
}

/// The type library oscgen writes from the inputs (one for each bitness), embeds as the
/// DLL's TYPELIB resource 1 and registers with its `[oleautomation]` and dual interfaces.
/// Only for a library the project declares itself: registering an interface's key points
/// every client of that interface at this DLL's library.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypelibSection {
    /// Write, embed and register the type library.
    #[serde(default)]
    pub embed: bool,
    /// The LIBID, when the inputs declare no `library` (or to override the declared one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub libid: Option<Guid>,
    /// `major.minor`, when the inputs declare no library or no version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Config {
    pub fn load(dir: &Path) -> Result<Config, ConfigError> {
        let path = dir.join(FILE_NAME);
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        Config::parse(&text, &shown)
    }

    pub fn parse(text: &str, shown: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: shown.to_string(),
            message: describe_toml_error(text, &e),
        })?;
        config.validate().map_err(|message| ConfigError::Invalid {
            path: shown.to_string(),
            message,
        })?;
        Ok(config)
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if !is_crate_name(&self.project.name) {
            let hint = crate_name(&self.project.name)
                .map(|n| format!(" (`{n}` is)"))
                .unwrap_or_default();
            return Err(format!(
                "`project.name` = {:?} is not a crate name oscgen writes: lowercase ASCII letters, digits and `-`, starting with a letter{hint}",
                self.project.name
            ));
        }
        let template = self.project.template;
        let spec = template.spec();
        if spec.social_network {
            let present = [
                ("provider.network_name", self.provider.network_name.is_some()),
                ("provider.network_guid", self.provider.network_guid.is_some()),
                ("provider.url", self.provider.url.is_some()),
                ("provider.version", self.provider.version.is_some()),
            ];
            if let Some((key, _)) = present.iter().find(|(_, p)| !p) {
                return Err(format!("`{key}` is required by the {template} template"));
            }
            if self.provider.network_guid == Some(self.provider.clsid) {
                return Err("`provider.clsid` and `provider.network_guid` must differ".into());
            }
        }
        if spec.builtin_input.is_none() && self.input.idl.is_empty() {
            return Err(format!(
                "`input.idl` must name the IDL or WinMD files of the {template} template"
            ));
        }
        if spec.binding == Binding::Implemented && self.input.implement.is_empty() {
            return Err(format!(
                "`input.implement` must name the interfaces the {template} object implements"
            ));
        }
        if self.provider.threading != Threading::Both && template != Template::ComServer {
            return Err(format!(
                "`provider.threading` = \"{}\" is for com-server projects: the {template} template's host calls its objects from any thread (ThreadingModel=Both)",
                self.provider.threading.model().to_lowercase()
            ));
        }
        if let Some(ribbon) = &self.ribbon {
            if template != Template::OutlookAddin {
                return Err(format!(
                    "`[ribbon]` is for outlook-addin projects, whose connect class implements IRibbonExtensibility, not the {template} template"
                ));
            }
            for (i, name) in ribbon.callbacks.iter().enumerate() {
                let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    return Err(format!(
                        "`ribbon.callbacks` entry {name:?} is not a callback name: ASCII letters, digits and `_`, starting with a letter, as the ribbon XML's onAction gives it"
                    ));
                }
                if ribbon.callbacks[..i].iter().any(|n| n.eq_ignore_ascii_case(name)) {
                    return Err(format!(
                        "`ribbon.callbacks` names {name:?} twice (Office compares callback names ignoring case)"
                    ));
                }
            }
        }
        if self.embeds_typelib() && template != Template::ComServer {
            return Err(format!(
                "`typelib.embed` is for com-server projects, whose inputs declare their own library, not the {template} template"
            ));
        }
        if let Some(addin) = &self.office_addin {
            if !matches!(template, Template::ComServer | Template::OutlookAddin) {
                return Err(format!(
                    "`[office_addin]` is for outlook-addin and com-server projects, whose class an Office application loads as an add-in, not the {template} template"
                ));
            }
            addin.validate()?;
        }
        Ok(())
    }

    /// Whether `generate` writes, embeds and registers the type library.
    pub fn embeds_typelib(&self) -> bool {
        self.typelib.as_ref().is_some_and(|t| t.embed)
    }

    pub fn clsid(&self) -> Guid {
        self.provider.clsid
    }

    /// The social network's GUID; only the osc-provider template has one.
    pub fn network_guid(&self) -> Option<Guid> {
        self.provider.network_guid
    }

    pub fn network_name(&self) -> &str {
        self.provider.network_name.as_deref().unwrap_or(&self.project.name)
    }

    /// The file's text, with a header saying what it is.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("serializable");
        let reg_file = self.project.template.spec().reg_file;
        format!(
            "# oscgen.toml: this project's identity and inputs, read by `oscgen generate`.\n\
             # The GUIDs identify the provider to COM and to Outlook: keep them.\n\
             # oscgen owns src/generated/ and {reg_file}: `oscgen generate` rewrites them.\n\
             # Every other file is yours; oscgen only adds stubs of new methods to your impl blocks.\n\n{body}"
        )
    }
}

fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let mut message = e.message().trim_end().to_string();
    if let Some(suggestion) = unknown_field_suggestion(&message) {
        message.push_str(&format!(" (did you mean `{suggestion}`?)"));
    }
    match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line = text[..start].matches('\n').count() + 1;
            match value_key(text, start) {
                Some(key) => format!("line {line}: `{key}`: {message}"),
                None => format!("line {line}: {message}"),
            }
        }
        None => message,
    }
}

/// `provider.clsid` when `at` is inside the value of `clsid = ...` under `[provider]`: a
/// value's error (a bad GUID, an unknown template) names its key.
fn value_key(text: &str, at: usize) -> Option<String> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let (key, _) = text[line_start..at].split_once('=')?;
    let key = key.trim();
    let section = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim());
    Some(match section {
        Some(section) => format!("{section}.{key}"),
        None => key.to_string(),
    })
}

/// For serde's "unknown field `ulr`, expected one of `url`, ..." the closest expected field
/// (or variant: `com-sever`).
fn unknown_field_suggestion(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    crate::diagnostic::closest(field, expected).map(str::to_string)
}

/// A fresh random GUID (version 4), from the operating system's randomness.
pub fn fresh_guid() -> Guid {
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if read.is_err() {
        // No /dev/urandom (Windows): std's per-process random hasher keys, mixed with time.
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_usize(i);
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    let mut v = u128::from_be_bytes(bytes);
    v = (v & !(0xf << 76)) | (0x4 << 76); // version 4
    v = (v & !(0x3 << 62)) | (0x2 << 62); // RFC 4122 variant
    Guid(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Config {
        Config {
            project: ProjectSection {
                name: "contoso-social".into(),
                template: Template::OscProvider,
            },
            provider: ProviderSection {
                network_name: Some("Contoso".into()),
                prog_id: "ContosoSocial.Provider".into(),
                clsid: "7d1c9a3e-0000-4000-8000-000000000001".parse().unwrap(),
                network_guid: Some("7d1c9a3e-0000-4000-8000-000000000002".parse().unwrap()),
                url: Some("https://www.contoso.com/".into()),
                version: Some("1.0".into()),
                description: None,
                threading: Threading::Both,
            },
            input: InputSection::default(),
            typelib: None,
            office_addin: None,
            host: None,
            ribbon: None,
        }
    }

    #[test]
    fn round_trips() {
        let c = sample();
        assert_eq!(Config::parse(&c.to_toml(), "oscgen.toml").unwrap(), c);
    }

    #[test]
    fn unknown_keys_and_bad_guids_are_errors_with_lines() {
        let text = sample().to_toml().replace("url =", "ulr =");
        let err = Config::parse(&text, "oscgen.toml").unwrap_err().to_string();
        let line = text.lines().position(|l| l.starts_with("ulr =")).unwrap() + 1;
        assert!(err.contains("ulr") && err.contains(&format!("line {line}")), "{err}");
        assert!(err.contains("did you mean `url`?"), "{err}");
        let text = sample()
            .to_toml()
            .replace("7d1c9a3e-0000-4000-8000-000000000001", "nope");
        let err = Config::parse(&text, "oscgen.toml").unwrap_err().to_string();
        assert!(err.contains("`provider.clsid`"), "{err}");
        let text = sample().to_toml().replace("\"osc-provider\"", "\"com-sever\"");
        let err = Config::parse(&text, "oscgen.toml").unwrap_err().to_string();
        assert!(
            err.contains("`project.template`") && err.contains("did you mean `com-server`?"),
            "{err}"
        );
    }

    #[test]
    fn fresh_guids_are_version_4_and_differ() {
        let (a, b) = (fresh_guid(), fresh_guid());
        assert_ne!(a, b);
        assert_eq!((a.0 >> 76) & 0xf, 4);
        assert_eq!((a.0 >> 62) & 0x3, 2);
    }
}
