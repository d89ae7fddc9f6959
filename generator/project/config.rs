//! `oscgen.toml`: a project's identity and inputs, written once by `oscgen new` and read
//! by every `oscgen generate`. Its GUIDs are the provider's identity in the registry and in
//! Outlook, so nothing ever rewrites them.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::guid::Guid;

pub const FILE_NAME: &str = "oscgen.toml";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub project: ProjectSection,
    pub provider: ProviderSection,
    #[serde(default)]
    pub input: InputSection,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    /// The crate name; the DLL is named after it.
    pub name: String,
    /// The kind of project: `osc-provider`.
    pub template: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSection {
    /// The social network's display name (get_SocialNetworkName, FriendlyName).
    pub network_name: String,
    pub prog_id: String,
    /// The provider's COM class ID.
    pub clsid: String,
    /// The social network's GUID (get_SocialNetworkGuid).
    pub network_guid: String,
    /// The network's site (get_DefaultSiteUrls, the registry's Url value).
    pub url: String,
    /// The provider's version (get_Version), "Major.Minor".
    pub version: String,
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

    fn validate(&self) -> Result<(), String> {
        for (key, value) in [
            ("provider.clsid", &self.provider.clsid),
            ("provider.network_guid", &self.provider.network_guid),
        ] {
            value.parse::<Guid>().map_err(|e| format!("`{key}`: {e}"))?;
        }
        if self.provider.clsid.parse::<Guid>().ok() == self.provider.network_guid.parse::<Guid>().ok() {
            return Err("`provider.clsid` and `provider.network_guid` must differ".into());
        }
        if !crate_name_ok(&self.project.name) {
            return Err(format!(
                "`project.name` = {:?} is not a valid crate name (letters, digits, `-` and `_`, starting with a letter)",
                self.project.name
            ));
        }
        if self.project.template != "osc-provider" {
            return Err(format!(
                "`project.template` = {:?}: the known template is \"osc-provider\"",
                self.project.template
            ));
        }
        Ok(())
    }

    pub fn clsid(&self) -> Guid {
        self.provider.clsid.parse().expect("validated")
    }

    pub fn network_guid(&self) -> Guid {
        self.provider.network_guid.parse().expect("validated")
    }

    /// The file's text, with a header saying what it is.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("serializable");
        format!(
            "# oscgen.toml: this project's identity and inputs, read by `oscgen generate`.\n\
             # The GUIDs identify the provider to COM and to Outlook: keep them.\n\n{body}"
        )
    }
}

fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().to_string();
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

pub fn crate_name_ok(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64
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
                template: "osc-provider".into(),
            },
            provider: ProviderSection {
                network_name: "Contoso".into(),
                prog_id: "ContosoSocial.Provider".into(),
                clsid: "7d1c9a3e-0000-4000-8000-000000000001".into(),
                network_guid: "7d1c9a3e-0000-4000-8000-000000000002".into(),
                url: "https://www.contoso.com/".into(),
                version: "1.0".into(),
            },
            input: InputSection::default(),
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
        assert!(err.contains("ulr") && err.contains("line "), "{err}");
        let text = sample()
            .to_toml()
            .replace("7d1c9a3e-0000-4000-8000-000000000001", "nope");
        let err = Config::parse(&text, "oscgen.toml").unwrap_err().to_string();
        assert!(err.contains("provider.clsid"), "{err}");
    }

    #[test]
    fn fresh_guids_are_version_4_and_differ() {
        let (a, b) = (fresh_guid(), fresh_guid());
        assert_ne!(a, b);
        assert_eq!((a.0 >> 76) & 0xf, 4);
        assert_eq!((a.0 >> 62) & 0x3, 2);
    }
}
