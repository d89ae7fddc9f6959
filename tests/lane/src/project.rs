//! A generated project as the lane sees it: its template (from oscgen.toml, through `toml`)
//! and the registry keys of its .reg file.
use std::path::{Path, PathBuf};

pub struct Project {
    pub dir: PathBuf,
    /// The label of its checks: the directory's name.
    pub name: String,
    pub template: String,
    /// `[project] name` of oscgen.toml: the crate's name, the DLL's with `_` for `-`.
    pub crate_name: String,
    pub reg_file: PathBuf,
    /// `HKCU\...` keys of the .reg file: what registration writes.
    pub keys: Vec<String>,
    /// The commented (`;[HKEY_CURRENT_USER\...]`) keys: what only a 32-bit DLL writes.
    pub keys32: Vec<String>,
    /// The ProgID: `HKCU\Software\Classes\<ProgID>\CLSID`.
    pub prog_id: Option<String>,
    /// The OSC provider's key under SocialProviders.
    pub social: Option<String>,
    /// The suffix of its target dirs (`""` or `-idl`): cargo names a cdylib without a hash,
    /// so two projects of one crate name (a kind generated from the Win32 metadata and from
    /// IDL) would overwrite each other's DLL in one target dir.
    pub group: String,
}

const SOCIAL_PROVIDERS: &str = r"HKCU\Software\Microsoft\Office\Outlook\SocialConnector\SocialProviders\";

impl Project {
    pub fn load(dir: &Path) -> Result<Project, String> {
        let toml_path = dir.join("oscgen.toml");
        let text = std::fs::read_to_string(&toml_path)
            .map_err(|e| format!("{}: {e} (not a generated project)", toml_path.display()))?;
        let table: toml::Table = text
            .parse()
            .map_err(|e| format!("{}: not valid TOML: {e}", toml_path.display()))?;
        let template = match table.get("project").and_then(|p| p.get("template")) {
            None => "osc-provider".to_string(),
            Some(toml::Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(format!(
                    "{}: [project] template must be a string, found {other}",
                    toml_path.display()
                ));
            }
        };
        let crate_name = table
            .get("project")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .ok_or_else(|| format!("{}: no [project] name", toml_path.display()))?
            .to_string();
        let reg_file = ["provider.reg", "server.reg"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.is_file())
            .ok_or_else(|| format!("{}: no provider.reg or server.reg", dir.display()))?;
        let reg = std::fs::read_to_string(&reg_file).map_err(|e| format!("{}: {e}", reg_file.display()))?;
        let mut keys = Vec::new();
        let mut keys32 = Vec::new();
        for line in reg.lines().map(|l| l.trim_end_matches('\r')) {
            let (list, rest) = match line.strip_prefix(';') {
                Some(rest) => (&mut keys32, rest),
                None => (&mut keys, line),
            };
            if let Some(key) = rest
                .strip_prefix("[HKEY_CURRENT_USER\\")
                .and_then(|k| k.strip_suffix(']'))
            {
                list.push(format!("HKCU\\{key}"));
            }
        }
        let prog_id = keys.iter().find_map(|k| {
            k.strip_prefix(r"HKCU\Software\Classes\")
                .and_then(|k| k.strip_suffix(r"\CLSID"))
                .filter(|p| !p.contains('\\'))
                .map(str::to_string)
        });
        let social = keys.iter().find_map(|k| {
            k.strip_prefix(SOCIAL_PROVIDERS)
                .filter(|p| !p.is_empty() && !p.contains('\\'))
                .map(str::to_string)
        });
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string());
        Ok(Project {
            dir: dir.to_path_buf(),
            name,
            template,
            crate_name,
            reg_file,
            keys,
            keys32,
            prog_id,
            social,
            group: String::new(),
        })
    }

    pub fn dll_name(&self) -> String {
        format!("{}.dll", self.crate_name.replace('-', "_"))
    }

    pub fn reg_name(&self) -> String {
        self.reg_file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The CLSID (`{...}`) of the first `CLSID\{...}` key.
    pub fn clsid(&self) -> Option<String> {
        self.keys.iter().find_map(|k| {
            let i = k.to_ascii_uppercase().find("CLSID\\{")?;
            let guid = k.get(i + 6..i + 6 + 38)?;
            (guid.ends_with('}') && guid.len() == 38).then(|| guid.to_string())
        })
    }
}

/// The trees registration creates: keys whose parent is not itself in the list.
pub fn trees(keys: &[String]) -> Vec<String> {
    keys.iter()
        .filter(|k| !keys.iter().any(|p| k.starts_with(&format!("{p}\\"))))
        .cloned()
        .collect()
}
