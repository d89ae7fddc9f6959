//! Reading input files and their imports: decoding, include-directory search, the
//! built-in stand-ins, and parsing each file exactly once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::builtin;
use crate::diagnostic::{Diagnostic, closest};
use crate::idl::ast::{Item, StrLit};
use crate::idl::lower::{Lowering, ParsedFile};
use crate::idl::parser::ItemReader;
use crate::idl::preprocess::{Includes, Preprocessor};
use crate::idl::token::Token;
use crate::idl::{Error, lexer, parser};
use crate::source::{FileId, Origin, SourceMap, Span};

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
    /// Searched for imports and `#include`s after the importing file's own directory,
    /// before the built-in stand-ins.
    pub include_dirs: Vec<PathBuf>,
    /// `-D NAME` or `-D NAME=VALUE`: macros every file starts with, after the predefined ones.
    pub defines: Vec<String>,
    /// `-U NAME`: macros removed from that set, after the `-D`s.
    pub undefines: Vec<String>,
}

/// Where an import resolved to; the key identifies a file so it is read only once.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Resolved {
    Disk(PathBuf),
    Builtin(&'static str),
}

struct Frame {
    items: Rc<Vec<Item>>,
    imports: Rc<Vec<StrLit>>,
    next: usize,
    is_root: bool,
}

/// A file lowered item by item as it is parsed ([`Loader::walk_streaming`]): only the
/// items waiting for their imports are held, never the file's whole tree.
struct StreamFrame {
    tokens: Vec<Token>,
    /// The token the next unread item starts at.
    pos: usize,
    is_root: bool,
    /// Items read but not lowered: they import files, which are lowered first.
    waiting: Vec<Item>,
    imports: Vec<StrLit>,
    next_import: usize,
    /// The waiting items start at a top-level namespace and run to the end of the
    /// file: they are lowered together, as a whole file is.
    rest_of_file: bool,
    read_all: bool,
}

/// What loads share: the preprocessor's starting macros, file lookup caches, and every
/// file already parsed. Loads through one session must use one source map; a file that
/// many inputs import is then read and parsed once (`oscgen inspect --parse-only`, the
/// corpus tests). Each load still lowers its own files.
pub struct Session<'o> {
    preprocessor: Preprocessor,
    finder: Finder<'o>,
    parsed: HashMap<Resolved, Parsed>,
    keep_syntax: bool,
}

struct Parsed {
    items: Rc<Vec<Item>>,
    imports: Rc<Vec<StrLit>>,
}

struct Loader<'s, 'o> {
    sources: &'s mut SourceMap,
    session: &'s mut Session<'o>,
    seen: HashSet<Resolved>,
    /// Import names already handled, lower-case: MIDL imports a name once per compilation.
    seen_names: HashSet<String>,
    done: Done,
}

/// What becomes of a file once it and its imports are read.
enum Done {
    /// Kept, in order, for the caller.
    Collect(Vec<ParsedFile>),
    /// Lowered at once; its tree is dropped unless the session keeps it.
    Lower(Box<Lowering>),
}

/// File lookup shared by imports and `#include`: search order, case-insensitive
/// fallback, directory listings and included files read once per session.
struct Finder<'a> {
    options: &'a LoadOptions,
    dir_cache: HashMap<PathBuf, Vec<String>>,
    included: HashMap<Resolved, (FileId, Rc<Vec<Token>>)>,
    /// Resolutions by (the user's directory, used from a built-in, name).
    found: HashMap<(Option<PathBuf>, bool, String), Option<Resolved>>,
    /// `canonicalize` by path, which identifies a file read twice under two names.
    canonical: HashMap<PathBuf, PathBuf>,
}

/// Reads `inputs` and everything they import, imports first.
pub fn load(sources: &mut SourceMap, inputs: &[Input], options: &LoadOptions) -> Result<Vec<ParsedFile>, Error> {
    Session::new(sources, options)?.load(sources, inputs)
}

impl<'o> Session<'o> {
    pub fn new(sources: &mut SourceMap, options: &'o LoadOptions) -> Result<Session<'o>, Error> {
        let preprocessor = Preprocessor::new(sources, &options.defines, &options.undefines)
            .map_err(|d| Error::Diagnostics(vec![d]))?;
        Ok(Session {
            preprocessor,
            finder: Finder {
                options,
                dir_cache: HashMap::new(),
                included: HashMap::new(),
                found: HashMap::new(),
                canonical: HashMap::new(),
            },
            parsed: HashMap::new(),
            keep_syntax: true,
        })
    }

    /// Parse without keeping syntax trees: later loads still skip files already read,
    /// but hand back no items for them (for `--parse-only`, which needs no model, in
    /// far less memory).
    pub fn without_syntax_trees(mut self) -> Self {
        self.keep_syntax = false;
        self
    }

    /// Reads `inputs` and everything they import, imports first, as one compilation.
    pub fn load(&mut self, sources: &mut SourceMap, inputs: &[Input]) -> Result<Vec<ParsedFile>, Error> {
        match self.run(sources, inputs, Done::Collect(Vec::new()))? {
            Done::Collect(files) => Ok(files),
            Done::Lower(_) => unreachable!("a collecting load collects"),
        }
    }

    /// [`Session::load`], lowering each file as soon as its imports are lowered.
    pub fn load_lowered(&mut self, sources: &mut SourceMap, inputs: &[Input]) -> Result<Lowering, Error> {
        match self.run(sources, inputs, Done::Lower(Box::default()))? {
            Done::Lower(lowering) => Ok(*lowering),
            Done::Collect(_) => unreachable!("a lowering load lowers"),
        }
    }

    fn run(&mut self, sources: &mut SourceMap, inputs: &[Input], done: Done) -> Result<Done, Error> {
        let mut loader = Loader {
            sources,
            session: self,
            seen: HashSet::new(),
            seen_names: HashSet::new(),
            done,
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
            if matches!(loader.done, Done::Lower(_)) && !loader.session.keep_syntax {
                loader.walk_streaming(resolved)?;
            } else {
                loader.walk(resolved, true)?;
            }
        }
        Ok(loader.done)
    }
}

fn file_name(r: &Resolved) -> Option<String> {
    match r {
        Resolved::Disk(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()),
        Resolved::Builtin(n) => Some(n.to_string()),
    }
}

impl Loader<'_, '_> {
    /// Depth-first over imports with an explicit stack, so deep chains cannot overflow.
    fn walk(&mut self, root: Resolved, is_root: bool) -> Result<(), Error> {
        let Some(frame) = self.read(root, is_root)? else {
            return Ok(());
        };
        let mut stack = vec![frame];
        while let Some(top) = stack.last_mut() {
            if top.next == top.imports.len() {
                let frame = stack.pop().expect("non-empty");
                self.finish(frame);
                continue;
            }
            let import = top.imports[top.next].clone();
            top.next += 1;
            if let Some(resolved) = self.import(&import, stack.len())?
                && let Some(frame) = self.read(resolved, false)?
            {
                stack.push(frame);
            }
        }
        Ok(())
    }

    /// [`Loader::walk`] for a lowering load that keeps no syntax trees: each file is
    /// parsed one top-level item at a time, and an item is lowered (and freed) as soon as
    /// the files it imports are. Peak memory is then a file's tokens and the model, not
    /// the file's whole syntax tree. Imports nest with an explicit stack, as in `walk`.
    fn walk_streaming(&mut self, root: Resolved) -> Result<(), Error> {
        let Some(frame) = self.preprocessed(root, true)? else {
            return Ok(());
        };
        let mut stack = vec![frame];
        while let Some(top) = stack.last_mut() {
            if top.next_import < top.imports.len() {
                let import = top.imports[top.next_import].clone();
                top.next_import += 1;
                if let Some(resolved) = self.import(&import, stack.len())?
                    && let Some(frame) = self.preprocessed(resolved, false)?
                {
                    stack.push(frame);
                }
                continue;
            }
            let Done::Lower(lowering) = &mut self.done else {
                unreachable!("only lowering loads stream");
            };
            let waiting = std::mem::take(&mut top.waiting);
            if top.rest_of_file {
                lowering.file_owned(self.sources, waiting, top.is_root);
            } else {
                for item in waiting {
                    lowering.item(self.sources, item, top.is_root);
                }
            }
            if top.read_all {
                stack.pop();
                continue;
            }
            read_items(self.sources, lowering, top).map_err(|d| Error::Diagnostics(vec![d]))?;
        }
        Ok(())
    }

    /// The file an import names, unless this load has imported that name already.
    /// `depth` is how many imports enclose it.
    fn import(&mut self, import: &StrLit, depth: usize) -> Result<Option<Resolved>, Error> {
        // An import inside an `#include`d file is relative to that file.
        let from = self.sources.use_site(import.span).file;
        if !self.seen_names.insert(import.value.to_ascii_lowercase()) {
            return Ok(None);
        }
        let resolved = self.resolve(from, import)?;
        if depth >= MAX_IMPORT_DEPTH {
            return Err(Error::Diagnostics(vec![
                Diagnostic::at(import.span, format!("imports nested more than {MAX_IMPORT_DEPTH} deep"))
                    .with_note("is there an import cycle through differently named files?"),
            ]));
        }
        Ok(Some(resolved))
    }

    /// Reads and preprocesses a file for [`Loader::walk_streaming`]; `None` if this load
    /// has read it already.
    fn preprocessed(&mut self, file: Resolved, is_root: bool) -> Result<Option<StreamFrame>, Error> {
        let key = self.key(&file);
        if !self.seen.insert(key) {
            return Ok(None);
        }
        let id = add_file(self.sources, &file)?;
        let session = &mut *self.session;
        let tokens = lexer::lex(id, &self.sources.file(id).text).map_err(|d| Error::Diagnostics(vec![d]))?;
        let tokens = session
            .preprocessor
            .run(self.sources, id, tokens, &mut session.finder)
            .map_err(|d| Error::Diagnostics(vec![d]))?;
        Ok(Some(StreamFrame {
            tokens,
            pos: 0,
            is_root,
            waiting: Vec::new(),
            imports: Vec::new(),
            next_import: 0,
            rest_of_file: false,
            read_all: false,
        }))
    }

    /// The identity of a file, so that one read under two names is read once.
    fn key(&mut self, file: &Resolved) -> Resolved {
        match file {
            Resolved::Disk(p) => {
                let canonical = &mut self.session.finder.canonical;
                let c = canonical
                    .entry(p.clone())
                    .or_insert_with(|| p.canonicalize().unwrap_or_else(|_| p.clone()));
                Resolved::Disk(c.clone())
            }
            other => other.clone(),
        }
    }

    fn finish(&mut self, frame: Frame) {
        match &mut self.done {
            Done::Collect(files) => files.push(ParsedFile {
                items: frame.items,
                is_root: frame.is_root,
            }),
            Done::Lower(lowering) => match Rc::try_unwrap(frame.items) {
                Ok(items) => lowering.file_owned(self.sources, items, frame.is_root),
                Err(shared) => lowering.file(self.sources, &shared, frame.is_root),
            },
        }
    }

    fn read(&mut self, file: Resolved, is_root: bool) -> Result<Option<Frame>, Error> {
        let key = self.key(&file);
        if !self.seen.insert(key.clone()) {
            return Ok(None);
        }
        if let Some(parsed) = self.session.parsed.get(&key) {
            return Ok(Some(Frame {
                items: parsed.items.clone(),
                imports: parsed.imports.clone(),
                next: 0,
                is_root,
            }));
        }
        let id = add_file(self.sources, &file)?;
        let session = &mut *self.session;
        let tokens = lexer::lex(id, &self.sources.file(id).text).map_err(|d| Error::Diagnostics(vec![d]))?;
        let tokens = session
            .preprocessor
            .run(self.sources, id, tokens, &mut session.finder)
            .map_err(|d| Error::Diagnostics(vec![d]))?;
        let items = parser::parse(self.sources, &tokens).map_err(|d| Error::Diagnostics(vec![d]))?;
        let mut imports = Vec::new();
        collect_imports(&items, &mut imports);
        let parsed = Parsed {
            items: Rc::new(items),
            imports: Rc::new(imports),
        };
        let kept = Parsed {
            items: if self.session.keep_syntax {
                parsed.items.clone()
            } else {
                Rc::default()
            },
            imports: parsed.imports.clone(),
        };
        let frame = Frame {
            items: parsed.items.clone(),
            imports: parsed.imports.clone(),
            next: 0,
            is_root,
        };
        self.session.parsed.insert(key, kept);
        Ok(Some(frame))
    }

    /// MIDL's search order: the importing file's directory, then `-I` directories, then
    /// (oscgen's addition) the built-in stand-ins. Names match case-insensitively when no
    /// exact match exists, as they would on Windows.
    fn resolve(&mut self, from: FileId, import: &StrLit) -> Result<Resolved, Error> {
        let name = import.value.as_str();
        match self.session.finder.find(self.sources, name, from, false) {
            Some(found) => Ok(found),
            None => Err(Error::Diagnostics(vec![self.session.finder.not_found(
                self.sources,
                name,
                from,
                import.span,
                "imported file",
            )])),
        }
    }
}

/// Parses the frame's next items, lowering each one that imports nothing, until one
/// imports files (it waits in the frame while they are read) or the file ends. From a
/// top-level namespace on, the rest of the file is read whole and waits too.
fn read_items(sources: &SourceMap, lowering: &mut Lowering, frame: &mut StreamFrame) -> Result<(), Diagnostic> {
    let mut reader = ItemReader::new(sources, &frame.tokens, frame.pos);
    let mut items = Vec::new();
    loop {
        if !reader.next(&mut items)? {
            frame.read_all = true;
            break;
        }
        if items.iter().any(|item| matches!(item, Item::Namespace(..))) {
            while reader.next(&mut items)? {}
            collect_imports(&items, &mut frame.imports);
            frame.waiting = items;
            frame.rest_of_file = true;
            frame.read_all = true;
            break;
        }
        collect_imports(&items, &mut frame.imports);
        if frame.imports.len() > frame.next_import {
            frame.waiting = items;
            break;
        }
        for item in items.drain(..) {
            lowering.item(sources, item, frame.is_root);
        }
    }
    frame.pos = reader.pos();
    Ok(())
}

/// Reads a resolved file into the source map.
fn add_file(sources: &mut SourceMap, file: &Resolved) -> Result<FileId, Error> {
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
            (
                format!("<oscgen>/{}", file.path),
                Origin::Builtin,
                file.text.to_string(),
            )
        }
    };
    Ok(sources.add(name, origin, text))
}

impl Finder<'_> {
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
    fn find(&mut self, sources: &SourceMap, name: &str, from: FileId, angled: bool) -> Option<Resolved> {
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
    fn not_found(&mut self, sources: &SourceMap, name: &str, from: FileId, at: Span, what: &str) -> Diagnostic {
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
