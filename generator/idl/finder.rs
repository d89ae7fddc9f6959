//! Finding and reading the files imports and `#include`s name: MIDL's search order, the
//! case-insensitive fallback Windows gives, oscgen's built-in stand-ins, and decoding.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::builtin;
use crate::diagnostic::{Diagnostic, closest};
use crate::idl::Error;
use crate::idl::lexer;
use crate::idl::loader::LoadOptions;
use crate::idl::preprocess::Includes;
use crate::idl::token::Token;
use crate::source::{FileId, Origin, SourceMap, Span};

/// Where an import resolved to; the key identifies a file so it is read only once.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Resolved {
    Disk(PathBuf),
    Builtin(&'static str),
}

/// File lookup shared by imports and `#include`: search order, case-insensitive
/// fallback, directory listings and included files read once per session.
pub(super) struct Finder<'a> {
    options: &'a LoadOptions,
    dir_cache: HashMap<PathBuf, Vec<String>>,
    included: HashMap<Resolved, (FileId, Rc<Vec<Token>>)>,
    /// Resolutions by (the user's directory, used from a built-in, name).
    found: HashMap<(Option<PathBuf>, bool, String), Option<Resolved>>,
    /// `canonicalize` by path, which identifies a file read twice under two names.
    pub(super) canonical: HashMap<PathBuf, PathBuf>,
}

/// Reads a resolved file into the source map.
pub(super) fn add_file(sources: &mut SourceMap, file: &Resolved) -> Result<FileId, Error> {
    let (name, origin, text) = match file {
        Resolved::Disk(path) => {
            let bytes = std::fs::read(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            // UTF-8 without a BOM, the common case, is taken as it is, without a copy.
            let text = match String::from_utf8(bytes) {
                Ok(text) if !text.starts_with('\u{feff}') => text,
                Ok(text) => decode(text.as_bytes()),
                Err(e) => decode(e.as_bytes()),
            };
            (path.display().to_string(), Origin::Disk(path.clone()), text)
        }
        Resolved::Builtin(name) => {
            let file = builtin::find(name).expect("resolved built-in exists");
            (builtin::shown_name(file), Origin::Builtin, file.text.to_string())
        }
    };
    Ok(sources.add(name, origin, text))
}

impl<'a> Finder<'a> {
    pub(super) fn new(options: &'a LoadOptions) -> Finder<'a> {
        Finder {
            options,
            dir_cache: HashMap::new(),
            included: HashMap::new(),
            found: HashMap::new(),
            canonical: HashMap::new(),
        }
    }

    /// The directories searched for a name used in `from`: its own directory first
    /// (unless `angled`, as for `#include <name>`), then the `-I` directories.
    fn dirs(&self, sources: &SourceMap, from: FileId, angled: bool) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Origin::Disk(path) = &sources.file(from).origin
            && !angled
        {
            dirs.push(path.parent().map(Path::to_path_buf).unwrap_or_default());
        }
        dirs.extend(self.options.include_dirs.iter().cloned());
        dirs
    }

    /// Where `name`, used in `from`, resolves to. Answers are kept per directory of the
    /// user: a session reads hundreds of files importing the same few names.
    pub(super) fn find(&mut self, sources: &SourceMap, name: &str, from: FileId, angled: bool) -> Option<Resolved> {
        let from_dir = match &sources.file(from).origin {
            Origin::Disk(path) if !angled => Some(path.parent().map(Path::to_path_buf).unwrap_or_default()),
            _ => None,
        };
        let from_builtin = sources.file(from).origin == Origin::Builtin;
        let key = (from_dir, from_builtin, name.to_string());
        if let Some(found) = self.found.get(&key) {
            return found.clone();
        }
        let found = self.search(sources, name, from, angled, from_builtin);
        self.found.insert(key, found.clone());
        found
    }

    fn search(
        &mut self,
        sources: &SourceMap,
        name: &str,
        from: FileId,
        angled: bool,
        from_builtin: bool,
    ) -> Option<Resolved> {
        let name = name.replace('\\', "/");
        let name = name.as_str();
        // A built-in file's imports resolve among the built-ins first.
        if let Some(f) = builtin::find(name).filter(|_| from_builtin) {
            return Some(Resolved::Builtin(f.name));
        }
        let dirs = self.dirs(sources, from, angled);
        for dir in &dirs {
            let candidate = if dir.as_os_str().is_empty() {
                PathBuf::from(name)
            } else {
                dir.join(name)
            };
            if candidate.is_file() {
                return Some(Resolved::Disk(candidate));
            }
        }
        for dir in &dirs {
            // `sub/Name.IDL`: each component may differ in case.
            let mut current = dir.clone();
            let mut found = true;
            for part in name.split('/') {
                let entries = self.listing(&current);
                match entries.iter().find(|e| e.eq_ignore_ascii_case(part)) {
                    Some(e) => current = current.join(e),
                    None => {
                        found = false;
                        break;
                    }
                }
            }
            if found && current.is_file() {
                return Some(Resolved::Disk(current));
            }
        }
        // A path (`sub/x.idl`, `/abs/x.idl`) is also taken as it is, as widl does.
        let path = PathBuf::from(name);
        if name.contains('/') && path.is_file() {
            return Some(Resolved::Disk(path));
        }
        builtin::find(name).map(|f| Resolved::Builtin(f.name))
    }

    /// "cannot find", with the closest name in the searched directories and the built-ins.
    pub(super) fn not_found(
        &mut self,
        sources: &SourceMap,
        name: &str,
        from: FileId,
        at: Span,
        what: &str,
    ) -> Diagnostic {
        let dirs = self.dirs(sources, from, false);
        let mut known: Vec<String> = builtin::STANDARD
            .iter()
            .chain(builtin::HEADERS)
            .map(|f| f.name.to_string())
            .collect();
        for dir in &dirs {
            known.extend(
                self.listing(dir)
                    .iter()
                    .filter(|n| n.ends_with(".idl") || n.ends_with(".h"))
                    .cloned(),
            );
        }
        let verb = if what == "imported file" {
            "importing"
        } else {
            "including"
        };
        let mut diag = Diagnostic::at(at, format!("cannot find {what} `{name}`")).with_label(
            at,
            format!("not found in the {verb} file's directory, the -I directories, or oscgen's built-in files"),
        );
        let base = name.rsplit('/').next().unwrap_or(name);
        if let Some(s) = closest(base, known.iter().map(String::as_str)) {
            diag = diag.with_note(format!("did you mean `{s}`?"));
        }
        if self.options.include_dirs.is_empty() {
            diag = diag.with_note("pass the directory that holds it with -I DIR");
        }
        diag
    }

    fn listing(&mut self, dir: &Path) -> &Vec<String> {
        self.dir_cache.entry(dir.to_path_buf()).or_insert_with(|| {
            let read = if dir.as_os_str().is_empty() {
                std::fs::read_dir(".")
            } else {
                std::fs::read_dir(dir)
            };
            let mut names: Vec<String> = read
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            names
        })
    }
}

impl Includes for Finder<'_> {
    fn include(
        &mut self,
        sources: &mut SourceMap,
        name: &str,
        angled: bool,
        from: FileId,
        at: Span,
    ) -> Result<(FileId, Rc<Vec<Token>>), Diagnostic> {
        let Some(found) = self.find(sources, name, from, angled) else {
            return Err(self.not_found(sources, name, from, at, "included file"));
        };
        if let Some((id, tokens)) = self.included.get(&found) {
            return Ok((*id, tokens.clone()));
        }
        let id = add_file(sources, &found).map_err(|e| Diagnostic::at(at, e.to_string()))?;
        let tokens = Rc::new(lexer::lex(id, &sources.file(id).text)?);
        self.included.insert(found, (id, tokens.clone()));
        Ok((id, tokens))
    }
}

/// UTF-8 (a BOM is dropped), UTF-16 with a BOM, and otherwise Windows-1252, which is what
/// IDL files that are not UTF-8 are written in.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    bytes.iter().map(|&b| windows_1252(b)).collect()
}

fn windows_1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d,
        0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
        0x0153, 0x9d, 0x017e, 0x0178,
    ];
    match b {
        0x80..=0x9f => char::from_u32(HIGH[(b - 0x80) as usize] as u32).unwrap_or('\u{fffd}'),
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_bom_and_windows_1252() {
        assert_eq!(decode(b"\xef\xbb\xbfinterface"), "interface");
        assert_eq!(decode(b"// caf\xe9 \x93q\x94"), "// caf\u{e9} \u{201c}q\u{201d}");
        assert_eq!(decode(b"\xff\xfea\x00b\x00"), "ab");
    }
}
