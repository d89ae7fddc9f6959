//! Loading input files and their imports, imports first, each file read once per load:
//! preprocessed, parsed, and handed to lowering whole or one top-level item at a time.
//! Finding and decoding the files is `finder`'s.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;

use crate::builtin;
use crate::diagnostic::Diagnostic;
use crate::idl::ast::{Item, StrLit};
use crate::idl::finder::{Finder, Resolved, add_file};
use crate::idl::importlib::{ImportedLibrary, TypeLibraries};
use crate::idl::lower::{Lowering, ParsedFile};
use crate::idl::parser::ItemReader;
use crate::idl::preprocess::Preprocessor;
use crate::idl::token::Token;
use crate::idl::{Error, lexer, parser};
use crate::source::{FileId, SourceMap};

mod libraries;

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

/// An `import` (an IDL file) or an `importlib` (a type library), in the order written.
#[derive(Clone)]
struct ImportRef {
    name: StrLit,
    lib: bool,
}

/// What an import brings.
enum Imported {
    File(Resolved),
    /// A type library read from disk.
    Library(Rc<ImportedLibrary>),
}

struct Frame {
    items: Rc<Vec<Item>>,
    imports: Rc<Vec<ImportRef>>,
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
    imports: Vec<ImportRef>,
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
    /// Reads the type libraries `importlib` finds on the search path; without it every
    /// `importlib` resolves to a stand-in or to nothing.
    libraries: Option<&'o dyn TypeLibraries>,
    /// Type libraries already read, by canonical path.
    read_libraries: HashMap<PathBuf, Rc<ImportedLibrary>>,
}

struct Parsed {
    items: Rc<Vec<Item>>,
    imports: Rc<Vec<ImportRef>>,
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
            finder: Finder::new(options),
            parsed: HashMap::new(),
            keep_syntax: true,
            libraries: None,
            read_libraries: HashMap::new(),
        })
    }

    /// Reads a type library that `importlib` names through `libraries` when the name is
    /// found on the search path, before falling back to oscgen's stand-ins.
    pub fn with_type_libraries(mut self, libraries: &'o dyn TypeLibraries) -> Self {
        self.libraries = Some(libraries);
        self
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

    /// The files to read for an import, none if this load has imported that name
    /// already. A type library read from disk is handed to lowering here, and its
    /// companion `oaidl.idl` is the file returned. `depth` is how many imports enclose it.
    fn import(&mut self, import: &ImportRef, depth: usize) -> Result<Option<Resolved>, Error> {
        if !import.lib {
            return self.import_file(&import.name, depth);
        }
        match self.import_lib(&import.name)? {
            None => Ok(None),
            Some(Imported::File(resolved)) => Ok(Some(resolved)),
            Some(Imported::Library(lib)) => {
                let uses_sdk_names = lib.uses_sdk_names;
                self.library(lib);
                if !uses_sdk_names {
                    return Ok(None);
                }
                // The SDK names the library's declarations use (HRESULT, BSTR, VARIANT)
                // come from the SDK's IDL, as they do for oscgen's stand-in of stdole2.
                let oaidl = StrLit {
                    value: "oaidl.idl".into(),
                    span: import.name.span,
                };
                self.import_file(&oaidl, depth)
            }
        }
    }

    /// The IDL file an `import` names.
    fn import_file(&mut self, import: &StrLit, depth: usize) -> Result<Option<Resolved>, Error> {
        // An import inside an `#include`d file is relative to that file.
        let from = self.sources.use_site(import.span).file;
        if !self.seen_names.insert(import.value.to_ascii_lowercase()) {
            return Ok(None);
        }
        let resolved = match builtin::typelib(&import.value) {
            // `import "stdole2.tlb"`: never a file on disk, as a `.tlb` there is not IDL.
            Some(stand_in) => Resolved::Builtin(stand_in.name),
            None => self.resolve(from, import)?,
        };
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
        let tokens = self.preprocess(&file)?;
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

    /// Reads a file into the source map, lexes and preprocesses it.
    fn preprocess(&mut self, file: &Resolved) -> Result<Vec<Token>, Error> {
        let id = add_file(self.sources, file)?;
        let session = &mut *self.session;
        let tokens = lexer::lex(id, &self.sources.file(id).text).map_err(|d| Error::Diagnostics(vec![d]))?;
        session
            .preprocessor
            .run(self.sources, id, tokens, &mut session.finder)
            .map_err(|d| Error::Diagnostics(vec![d]))
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
                library: None,
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
        let tokens = self.preprocess(&file)?;
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

fn collect_imports(items: &[Item], out: &mut Vec<ImportRef>) {
    for item in items {
        match item {
            Item::Import(files) => out.extend(files.iter().map(|name| ImportRef {
                name: name.clone(),
                lib: false,
            })),
            // A type library is imported: what it declares is visible to the whole
            // library block and after it, and none of it is the file's own.
            Item::ImportLib(lib) => out.push(ImportRef {
                name: lib.clone(),
                lib: true,
            }),
            Item::Library(lib) => collect_imports(&lib.items, out),
            Item::Namespace(_, body) | Item::Module(_, _, body) => collect_imports(body, out),
            Item::Interface(iface) => collect_imports(&iface.members, out),
            _ => {}
        }
    }
}
