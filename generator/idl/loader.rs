//! Reading input files and their imports: decoding, include-directory search, the
//! built-in stand-ins, and parsing each file exactly once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::builtin;
use crate::diagnostic::{Diagnostic, closest};
use crate::idl::ast::{Item, StrLit};
use crate::idl::lower::ParsedFile;
use crate::idl::{Error, lexer, parser, preprocess};
use crate::source::{FileId, Origin, SourceMap};

/// Import nesting deeper than this is reported instead of followed.
const MAX_IMPORT_DEPTH: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A file on disk.
    File(PathBuf),
    /// A file embedded in oscgen, by name (`osc.idl`).
    Builtin(String),
}

#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Searched for imports after the importing file's own directory, before the
    /// built-in stand-ins.
    pub include_dirs: Vec<PathBuf>,
}

/// Where an import resolved to; the key identifies a file so it is read only once.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Resolved {
    Disk(PathBuf),
    Builtin(&'static str),
}

struct Frame {
    id: FileId,
    items: Vec<Item>,
    imports: Vec<StrLit>,
    next: usize,
    is_root: bool,
}

pub struct Loader<'a> {
    sources: &'a mut SourceMap,
    options: &'a LoadOptions,
    seen: HashSet<Resolved>,
    /// Import names already handled, lower-case: MIDL imports a name once per compilation.
    seen_names: HashSet<String>,
    dir_cache: HashMap<PathBuf, Vec<String>>,
    done: Vec<ParsedFile>,
}

/// Reads `inputs` and everything they import, imports first.
pub fn load(sources: &mut SourceMap, inputs: &[Input], options: &LoadOptions) -> Result<Vec<ParsedFile>, Error> {
    let mut loader = Loader {
        sources,
        options,
        seen: HashSet::new(),
        seen_names: HashSet::new(),
        dir_cache: HashMap::new(),
        done: Vec::new(),
    };
    for input in inputs {
        let resolved = match input {
            Input::File(path) => {
                if !path.is_file() {
                    return Err(Error::Input {
                        path: path.clone(),
                        message: if path.is_dir() {
                            "is a directory, not an IDL file".into()
                        } else {
                            "no such file".into()
                        },
                    });
                }
                Resolved::Disk(path.clone())
            }
            Input::Builtin(name) => match builtin::find(name) {
                Some(file) => Resolved::Builtin(file.name),
                None => {
                    return Err(Error::Input {
                        path: PathBuf::from(name),
                        message: "is not a built-in metadata file".into(),
                    });
                }
            },
        };
        // A built-in given as a root is skipped when an input already imported that name.
        if let Some(name) = file_name(&resolved)
            && !loader.seen_names.insert(name.to_ascii_lowercase())
            && matches!(resolved, Resolved::Builtin(_))
        {
            continue;
        }
        loader.walk(resolved, true)?;
    }
    Ok(loader.done)
}

fn file_name(r: &Resolved) -> Option<String> {
    match r {
        Resolved::Disk(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()),
        Resolved::Builtin(n) => Some(n.to_string()),
    }
}

impl Loader<'_> {
    /// Depth-first over imports with an explicit stack, so deep chains cannot overflow.
    fn walk(&mut self, root: Resolved, is_root: bool) -> Result<(), Error> {
        let Some(frame) = self.read(root, is_root)? else {
            return Ok(());
        };
        let mut stack = vec![frame];
        while let Some(top) = stack.last_mut() {
            if top.next == top.imports.len() {
                let frame = stack.pop().expect("non-empty");
                self.done.push(ParsedFile {
                    items: frame.items,
                    is_root: frame.is_root,
                });
                continue;
            }
            let import = top.imports[top.next].clone();
            top.next += 1;
            let from = top.id;
            if !self.seen_names.insert(import.value.to_ascii_lowercase()) {
                continue;
            }
            let resolved = self.resolve(from, &import)?;
            if stack.len() >= MAX_IMPORT_DEPTH {
                return Err(Error::Diagnostics(vec![
                    Diagnostic::at(import.span, format!("imports nested more than {MAX_IMPORT_DEPTH} deep"))
                        .with_note("is there an import cycle through differently named files?"),
                ]));
            }
            if let Some(frame) = self.read(resolved, false)? {
                stack.push(frame);
            }
        }
        Ok(())
    }

    fn read(&mut self, file: Resolved, is_root: bool) -> Result<Option<Frame>, Error> {
        let key = match &file {
            Resolved::Disk(p) => Resolved::Disk(p.canonicalize().unwrap_or_else(|_| p.clone())),
            other => other.clone(),
        };
        if !self.seen.insert(key) {
            return Ok(None);
        }
        let (name, origin, text) = match &file {
            Resolved::Disk(path) => {
                let bytes = std::fs::read(path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                (path.display().to_string(), Origin::Disk(path.clone()), decode(&bytes))
            }
            Resolved::Builtin(name) => {
                let file = builtin::find(name).expect("resolved built-in exists");
                (
                    format!("<oscgen>/{}", file.path),
                    Origin::Builtin,
                    file.text.to_string(),
                )
            }
        };
        let id = self.sources.add(name, origin, text);
        let tokens = lexer::lex(id, &self.sources.file(id).text).map_err(|d| Error::Diagnostics(vec![d]))?;
        let tokens = preprocess::run(self.sources, tokens).map_err(|d| Error::Diagnostics(vec![d]))?;
        let items = parser::parse(self.sources, &tokens).map_err(|d| Error::Diagnostics(vec![d]))?;
        let mut imports = Vec::new();
        collect_imports(&items, &mut imports);
        Ok(Some(Frame {
            id,
            items,
            imports,
            next: 0,
            is_root,
        }))
    }

    /// MIDL's search order: the importing file's directory, then `-I` directories, then
    /// (oscgen's addition) the built-in stand-ins. Names match case-insensitively when no
    /// exact match exists, as they would on Windows.
    fn resolve(&mut self, from: FileId, import: &StrLit) -> Result<Resolved, Error> {
        let name = import.value.as_str();
        if name.contains('/') || name.contains('\\') {
            let path = PathBuf::from(name.replace('\\', "/"));
            if path.is_file() {
                return Ok(Resolved::Disk(path));
            }
        }
        let mut dirs: Vec<PathBuf> = Vec::new();
        let from_builtin = match &self.sources.file(from).origin {
            Origin::Disk(path) => {
                dirs.push(path.parent().map(Path::to_path_buf).unwrap_or_default());
                false
            }
            Origin::Builtin => true,
        };
        // A built-in file's imports resolve among the built-ins first.
        if let Some(f) = builtin::find(name).filter(|_| from_builtin) {
            return Ok(Resolved::Builtin(f.name));
        }
        dirs.extend(self.options.include_dirs.iter().cloned());
        for dir in &dirs {
            let candidate = if dir.as_os_str().is_empty() {
                PathBuf::from(name)
            } else {
                dir.join(name)
            };
            if candidate.is_file() {
                return Ok(Resolved::Disk(candidate));
            }
        }
        for dir in &dirs {
            let entries = self.listing(dir);
            if let Some(found) = entries.iter().find(|e| e.eq_ignore_ascii_case(name)) {
                return Ok(Resolved::Disk(dir.join(found)));
            }
        }
        if let Some(f) = builtin::find(name) {
            return Ok(Resolved::Builtin(f.name));
        }
        let mut known: Vec<String> = builtin::STANDARD.iter().map(|f| f.name.to_string()).collect();
        for dir in &dirs {
            known.extend(
                self.listing(dir)
                    .iter()
                    .filter(|n| n.ends_with(".idl") || n.ends_with(".h"))
                    .cloned(),
            );
        }
        let mut diag = Diagnostic::at(import.span, format!("cannot find imported file `{name}`")).with_label(
            import.span,
            "not found in the importing file's directory, the -I directories, or oscgen's built-in files",
        );
        if let Some(s) = closest(name, known.iter().map(String::as_str)) {
            diag = diag.with_note(format!("did you mean `{s}`?"));
        }
        if self.options.include_dirs.is_empty() {
            diag = diag.with_note("pass the directory that holds it with -I DIR");
        }
        Err(Error::Diagnostics(vec![diag]))
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

fn collect_imports(items: &[Item], out: &mut Vec<StrLit>) {
    for item in items {
        match item {
            Item::Import(files) => out.extend(files.iter().cloned()),
            Item::Library(lib) => collect_imports(&lib.items, out),
            Item::Namespace(_, body) | Item::Module(_, _, body) => collect_imports(body, out),
            Item::Interface(iface) => collect_imports(&iface.members, out),
            _ => {}
        }
    }
}

/// UTF-8 (a BOM is dropped), UTF-16 with a BOM, and otherwise Windows-1252, which is what
/// IDL files that are not UTF-8 are written in.
pub fn decode(bytes: &[u8]) -> String {
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
