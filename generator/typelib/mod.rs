//! The type library front end: MSFT type libraries (what MIDL and widl write), standalone
//! (`.tlb`, `.olb`) or as the `TYPELIB` resource of a PE file (`file.dll#2` picks resource
//! 2, as LoadTypeLib does), into model parts for the loader to link.
//!
//! [`format`] describes the on-disk format; [`read`] takes the bytes into plain records,
//! [`lower`] and [`types`] turn those into the model, [`imports`] finds the libraries a
//! library imports from, [`pe`] finds type libraries inside PE files.

pub mod format;
pub mod imports;
pub mod lower;
pub mod pe;
pub mod read;
pub mod types;
pub mod writer;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::model::ModelParts;
use crate::model::types::{TypeDef, TypeDefKind};

pub use read::FormatError;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot be read: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    Format { path: PathBuf, source: FormatError },
    #[error("{}: {source}", path.display())]
    Pe { path: PathBuf, source: pe::PeError },
}

impl LoadError {
    /// The file the error is about and what is wrong with it, for one `error: PATH: MESSAGE` line.
    pub fn path_and_message(&self) -> (PathBuf, String) {
        let (path, message) = match self {
            LoadError::Io { path, source } => (path, format!("cannot be read: {source}")),
            LoadError::Format { path, source } => (path, source.to_string()),
            LoadError::Pe { path, source } => (path, source.to_string()),
        };
        (path.clone(), message)
    }
}

/// What the type libraries give the loader.
#[derive(Debug, Default)]
pub struct Extract {
    pub parts: ModelParts,
    /// Names the libraries use that none of them declares (BSTR, VARIANT, HRESULT: the
    /// SDK's, from oscgen's stand-ins).
    pub missing: BTreeSet<String>,
    /// Imported libraries that were not found, with what was made opaque.
    pub warnings: Vec<String>,
}

/// A path with an optional `#N` resource index: `scrrun.dll#1`.
pub fn split_index(path: &Path) -> (PathBuf, Option<u16>) {
    if path.is_file() {
        return (path.to_path_buf(), None);
    }
    let text = path.to_string_lossy();
    if let Some((file, n)) = text.rsplit_once('#')
        && let Ok(n) = n.parse::<u16>()
        && Path::new(file).is_file()
    {
        return (PathBuf::from(file), Some(n));
    }
    (path.to_path_buf(), None)
}

/// Whether `path` is a type library, by content: MSFT or SLTG magic, or a PE file with a
/// TYPELIB resource and no CLI header (an assembly is metadata even with a TYPELIB).
/// A `.tlb` or `.olb` too damaged to tell is one too, so it gets a type library error.
pub fn is_typelib_file(path: &Path) -> bool {
    let (file, index) = split_index(path);
    // The first bytes tell all but a PE file, which is read whole only then.
    let mut head = [0u8; 4];
    let Ok(n) = std::fs::File::open(&file).and_then(|mut f| std::io::Read::read(&mut f, &mut head)) else {
        return false;
    };
    let head = &head[..n];
    if format::is_msft(head) || format::is_sltg(head) {
        return true;
    }
    if head.starts_with(b"MZ") {
        let Ok(bytes) = std::fs::read(&file) else {
            return false;
        };
        return match pe::scan(&bytes) {
            Ok(libs) => !libs.cli && (!libs.typelibs.is_empty() || index.is_some()),
            Err(_) => index.is_some() || has_typelib_extension(&file),
        };
    }
    has_typelib_extension(&file)
}

fn has_typelib_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tlb") || e.eq_ignore_ascii_case("olb"))
}

/// The MSFT bytes of `path` (a `.tlb`, or a PE file's TYPELIB resource).
pub fn library_bytes(path: &Path) -> Result<(PathBuf, Vec<u8>), LoadError> {
    let (file, index) = split_index(path);
    let bytes = std::fs::read(&file).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if bytes.starts_with(b"MZ") {
        let libs = pe::scan(&bytes).map_err(|source| LoadError::Pe {
            path: path.to_path_buf(),
            source,
        })?;
        let lib = pe::select(&libs, index).map_err(|source| LoadError::Pe {
            path: path.to_path_buf(),
            source,
        })?;
        return Ok((file, lib.to_vec()));
    }
    Ok((file, bytes))
}

/// Reads one type library file.
pub fn read_file(path: &Path) -> Result<read::TypeLib, LoadError> {
    let (_, bytes) = library_bytes(path)?;
    read::read(&bytes).map_err(|source| LoadError::Format {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads the type libraries `paths`, resolving their imports through `search` (then each
/// input's own directory), into model parts: the inputs' declarations are roots, the
/// imported libraries' are not.
pub fn read_all(paths: &[&Path], search: &[PathBuf]) -> Result<Extract, LoadError> {
    let mut out = Extract::default();
    let mut resolver = imports::Resolver::new(search);
    for &path in paths {
        let lib = read_file(path)?;
        let mut dirs = search.to_vec();
        if let Some(dir) = split_index(path).0.parent() {
            dirs.push(if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir.to_path_buf()
            });
        }
        resolver.set_dirs(dirs);
        resolver.add_loaded(&lib);
        let lowered = resolver.lower_with_imports(&lib, &path.display().to_string(), true);
        for name in &lowered.unresolved {
            out.warnings.push(format!(
                "{}: imported type `{name}` is not resolved (its library is not on the search path (-I), or the reference names no type in it); it is opaque",
                path.display()
            ));
        }
        merge(&mut out.parts, lowered.parts);
    }
    merge(&mut out.parts, resolver.take_imported());
    let mut unresolved: Vec<String> = resolver.unresolved().to_vec();
    // An interface whose base is in a library not found has no known vtable: it is left
    // out (opaque, as its pointers need a name), never given a guessed one.
    while let Some(at) = out
        .parts
        .interfaces
        .iter()
        .position(|i| i.base.as_ref().is_some_and(|b| unresolved.contains(b)))
    {
        let iface = out.parts.interfaces.remove(at);
        out.warnings.push(format!(
            "{}: interface `{}` is left out: its base `{}` is an unresolved imported type",
            iface.origin.file,
            iface.name,
            iface.base.as_deref().unwrap_or_default()
        ));
        out.parts.roots.retain(|r| *r != iface.name);
        unresolved.push(iface.name);
    }
    let declared: BTreeSet<&str> = out
        .parts
        .interfaces
        .iter()
        .map(|i| i.name.as_str())
        .chain(out.parts.types.iter().map(|t| t.name.as_str()))
        .collect();
    let mut missing = BTreeSet::new();
    let mut names = Vec::new();
    for i in &out.parts.interfaces {
        if let Some(b) = &i.base {
            names.push(b.clone());
        }
        for m in i.methods.iter().chain(i.dispatch.iter().flat_map(|d| d.methods.iter())) {
            m.ret.names(&mut names);
            for p in &m.params {
                p.ty.names(&mut names);
            }
        }
        for p in i.dispatch.iter().flat_map(|d| d.properties.iter()) {
            p.ty.names(&mut names);
        }
    }
    for t in &out.parts.types {
        match &t.kind {
            TypeDefKind::Alias(ty) => ty.names(&mut names),
            TypeDefKind::Struct(f) | TypeDefKind::Union(f) => f.iter().for_each(|f| f.ty.names(&mut names)),
            _ => {}
        }
    }
    for c in &out.parts.constants {
        c.ty.names(&mut names);
    }
    for n in names {
        if !declared.contains(n.as_str()) {
            missing.insert(n);
        }
    }
    // An unresolved import is opaque: used through pointers its slot keeps its place.
    for name in unresolved {
        missing.remove(&name);
        out.parts.types.push(TypeDef {
            name,
            kind: TypeDefKind::Opaque,
            span: None,
            pack: None,
            layout: None,
            uuid: None,
        });
    }
    out.missing = missing;
    Ok(out)
}

fn merge(into: &mut ModelParts, from: ModelParts) {
    into.interfaces.extend(from.interfaces);
    into.types.extend(from.types);
    into.constants.extend(from.constants);
    into.libraries.extend(from.libraries);
    into.roots.extend(from.roots);
}
