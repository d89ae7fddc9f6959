//! The `win32` input: the Windows.Win32.winmd that windows-bindgen 0.100 uses, shipped
//! by the windows-default crate.
//!
//! It is 13 MB, twice oscgen's own binary, and only `inspect` needs it, so it is not
//! embedded by default. It is found, in order: embedded (built with `--features win32`),
//! at `$OSCGEN_WIN32_WINMD`, or in the Cargo registry, where any build that depends on
//! windows-bindgen or windows-default 0.100 (oscgen's own tests do) has unpacked it.

use std::path::{Path, PathBuf};

/// The input name that stands for the Win32 metadata (`oscgen inspect win32`). A file
/// of that name is still reachable as `./win32`.
pub const INPUT_NAME: &str = "win32";

/// The variable that points at a Windows.Win32.winmd to use instead of the registry's.
pub const ENV_VAR: &str = "OSCGEN_WIN32_WINMD";

const FILE_NAME: &str = "Windows.Win32.winmd";
const CRATE_DIR_PREFIX: &str = "windows-default-0.100.";

#[derive(Debug, thiserror::Error)]
#[error(
    "the Win32 metadata ({FILE_NAME}) was not found: set {ENV_VAR} to its path, run `cargo fetch` \
     in a project that depends on windows-default = \"0.100\" (its crate ships the file), or build \
     oscgen with `--features win32` to embed it"
)]
pub struct NotFound;

/// Where the Win32 metadata comes from.
pub enum Win32 {
    Embedded(&'static [u8]),
    File(PathBuf),
}

impl Win32 {
    /// The name shown for it in messages and in `inspect`.
    pub fn display_name(&self) -> String {
        match self {
            Win32::Embedded(_) => format!("<oscgen>/{FILE_NAME}"),
            Win32::File(path) => path.display().to_string(),
        }
    }
}

/// Whether an input path means the Win32 metadata.
pub fn is_shortcut(path: &Path) -> bool {
    path.as_os_str() == INPUT_NAME
}

pub fn locate() -> Result<Win32, NotFound> {
    #[cfg(feature = "win32")]
    {
        return Ok(Win32::Embedded(windows_default::WIN32));
    }
    #[allow(unreachable_code)]
    if let Some(path) = std::env::var_os(ENV_VAR) {
        return Ok(Win32::File(PathBuf::from(path)));
    }
    registry_copy().map(Win32::File).ok_or(NotFound)
}

/// The newest windows-default 0.100.x in `$CARGO_HOME/registry/src/*/`.
fn registry_copy() -> Option<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let mut found: Vec<(Vec<u64>, PathBuf)> = Vec::new();
    for index in std::fs::read_dir(cargo_home.join("registry").join("src"))
        .ok()?
        .flatten()
    {
        let Ok(crates) = std::fs::read_dir(index.path()) else {
            continue;
        };
        for entry in crates.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(patch) = name.strip_prefix(CRATE_DIR_PREFIX) else {
                continue;
            };
            let file = entry.path().join(FILE_NAME);
            if file.is_file() {
                // Numeric patch order: 0.100.10 is newer than 0.100.9.
                let key = patch.split(['.', '-', '+']).map(|p| p.parse().unwrap_or(0)).collect();
                found.push((key, file));
            }
        }
    }
    found.sort();
    found.pop().map(|(_, file)| file)
}
