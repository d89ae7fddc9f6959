//! Metadata files in: recognizing them, reading their bytes (or the Win32 metadata's, for
//! the name `win32`), and the errors of doing so. Linking what they declare with other
//! inputs is the loader's (`crate::load`).

use std::path::{Path, PathBuf};

use crate::model::scope::Scope;
use crate::winmd::container::{self, ContainerError};
use crate::winmd::reader::{self, Extract, ReadError, Source};
use crate::winmd::win32::{self, Win32};
use crate::winmd::{apis, dispatch};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{} cannot be read: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{} {source}", path.display())]
    Container { path: PathBuf, source: ContainerError },
    #[error("{} is not readable metadata: {source}", path.display())]
    Unreadable { path: PathBuf, source: ReadError },
    #[error(transparent)]
    Win32(#[from] win32::NotFound),
}

impl LoadError {
    /// The file the error is about and what is wrong with it, for one `error: PATH MESSAGE` line.
    pub fn path_and_message(&self) -> (PathBuf, String) {
        let path = match &self {
            LoadError::Read { path, .. } | LoadError::Container { path, .. } | LoadError::Unreadable { path, .. } => {
                path.clone()
            }
            LoadError::Win32(_) => PathBuf::from(win32::INPUT_NAME),
        };
        let shown = path.display().to_string();
        let text = self.to_string();
        let message = text
            .strip_prefix(&shown)
            .unwrap_or(&text)
            .trim_start_matches(':')
            .trim_start()
            .to_string();
        (path, message)
    }
}

/// Whether a file is metadata: by content (`MZ`), or by the `.winmd` extension for a
/// file too damaged to tell (so it gets a metadata error, not an IDL syntax error).
pub fn is_metadata_file(path: &Path) -> bool {
    if win32::is_shortcut(path) {
        return true;
    }
    let mut head = [0u8; 2];
    let starts_mz = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && container::is_pe(&head);
    starts_mz
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("winmd") && path.is_file())
}

/// Reads metadata files (or the Win32 metadata, for the name `win32`) after checking every
/// offset the reader will follow, as far as `scope` reaches.
pub fn read(paths: &[&Path], scope: &Scope) -> Result<Extract, LoadError> {
    let mut shown = Vec::new();
    let mut files = Vec::new();
    for &path in paths {
        let (name, bytes) = if win32::is_shortcut(path) {
            match win32::locate()? {
                Win32::Embedded(bytes) => (Win32::Embedded(bytes).display_name(), bytes.to_vec()),
                Win32::File(file) => {
                    let bytes = std::fs::read(&file).map_err(|source| LoadError::Read {
                        path: file.clone(),
                        source,
                    })?;
                    (file.display().to_string(), bytes)
                }
            }
        } else {
            let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            (path.display().to_string(), bytes)
        };
        let layout = container::check(&bytes).map_err(|source| LoadError::Container {
            path: PathBuf::from(&name),
            source,
        })?;
        let mut bytes = bytes;
        let apis = apis::hide(&mut bytes, &layout);
        let accessors = dispatch::accessors(&bytes, &layout);
        shown.push(PathBuf::from(&name));
        files.push(Source {
            name,
            bytes,
            apis,
            accessors,
        });
    }
    reader::read(files, scope).map_err(|(at, source)| LoadError::Unreadable {
        path: at.map(|i| shown[i].clone()).unwrap_or_else(|| joined(&shown)),
        source,
    })
}

pub(crate) fn joined(paths: &[PathBuf]) -> PathBuf {
    PathBuf::from(
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    )
}
