//! Inputs of either kind into one model. A file is metadata when its content says so
//! (a PE file, `MZ`) or its name ends in `.winmd`; anything else is IDL. The name `win32`
//! stands for the Win32 metadata.
//!
//! Metadata files refer to the SDK's types and interfaces (IUnknown, BSTR) without
//! declaring them. Those come from oscgen's IDL stand-ins, as an IDL file's imports
//! would; what neither declares becomes an opaque type, so no slot is ever dropped.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::builtin;
use crate::idl::{self, Input, LoadOptions, loader, lower};
use crate::model::interface::Interface;
use crate::model::types::{TypeDef, TypeDefKind};
use crate::model::{Model, ModelParts};
use crate::source::SourceMap;
use crate::winmd::container::{self, ContainerError};
use crate::winmd::reader::{self, Extract, ReadError, Source};
use crate::winmd::win32::{self, Win32};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{} cannot be read: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{} {source}", path.display())]
    Container { path: PathBuf, source: ContainerError },
    #[error("{} is not readable metadata: {source}", path.display())]
    Unreadable { path: PathBuf, source: ReadError },
    #[error("{} has a cyclic base chain: {}", path.display(), chain.join(" -> "))]
    CyclicBase { path: PathBuf, chain: Vec<String> },
    #[error(
        "{} derives `{interface}` from `{base}`, which neither the inputs nor oscgen's stand-ins \
         for the SDK declare: pass the metadata that declares it too",
        path.display()
    )]
    UnknownBase {
        path: PathBuf,
        interface: String,
        base: String,
    },
    #[error(transparent)]
    Win32(#[from] win32::NotFound),
}

impl LoadError {
    /// As the IDL front end's error, which is what `inspect` and `generate` report: the
    /// path and the message, exit code 2.
    pub fn into_idl(self) -> idl::Error {
        let path = match &self {
            LoadError::Read { path, .. }
            | LoadError::Container { path, .. }
            | LoadError::Unreadable { path, .. }
            | LoadError::CyclicBase { path, .. }
            | LoadError::UnknownBase { path, .. } => path.clone(),
            LoadError::Win32(_) => PathBuf::from(win32::INPUT_NAME),
        };
        let shown = path.display().to_string();
        let text = self.to_string();
        let message = text
            .strip_prefix(&shown)
            .unwrap_or(&text)
            .trim_start_matches(':')
            .trim_start();
        idl::Error::Input {
            path,
            message: message.to_string(),
        }
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

/// The model of `inputs`, IDL and metadata alike; IDL only goes straight to the IDL front end.
pub fn load_model(sources: &mut SourceMap, inputs: &[Input], options: &LoadOptions) -> Result<Model, idl::Error> {
    let metadata: Vec<&Path> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File(p) if is_metadata_file(p) => Some(p.as_path()),
            _ => None,
        })
        .collect();
    if metadata.is_empty() {
        return idl::load_model(sources, inputs, options);
    }
    let idl_inputs: Vec<Input> = inputs
        .iter()
        .filter(|i| !matches!(i, Input::File(p) if metadata.contains(&p.as_path())))
        .cloned()
        .collect();
    let idl_first = matches!(inputs.first(), Some(i) if !idl_inputs.is_empty() && idl_inputs[0] == *i);
    let extract = read_metadata(&metadata).map_err(LoadError::into_idl)?;
    let idl_parts = if idl_inputs.is_empty() {
        None
    } else {
        Some(idl_parts(sources, &idl_inputs, options)?)
    };
    let parts = assemble(sources, extract, idl_parts, idl_first, &metadata)?;
    Ok(Model::new(parts)?)
}

fn read_metadata(paths: &[&Path]) -> Result<Extract, LoadError> {
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
        container::check(&bytes).map_err(|source| LoadError::Container {
            path: PathBuf::from(&name),
            source,
        })?;
        shown.push(PathBuf::from(&name));
        files.push(Source { name, bytes });
    }
    reader::read(files).map_err(|(at, source)| LoadError::Unreadable {
        path: at.map(|i| shown[i].clone()).unwrap_or_else(|| joined(&shown)),
        source,
    })
}

fn joined(paths: &[PathBuf]) -> PathBuf {
    PathBuf::from(
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn idl_parts(sources: &mut SourceMap, inputs: &[Input], options: &LoadOptions) -> Result<ModelParts, idl::Error> {
    let files = loader::load(sources, inputs, options)?;
    let mut parts = lower::lower(sources, &files).map_err(idl::Error::Diagnostics)?;
    // A built-in given with metadata (the class factory's unknwn.idl) is a supplement, as
    // when an IDL input imports it: its interfaces are not the inputs' own.
    let builtin: BTreeSet<String> = parts
        .interfaces
        .iter()
        .filter(|i| i.file.starts_with("<oscgen>/"))
        .map(|i| i.name.clone())
        .collect();
    parts.roots.retain(|r| !builtin.contains(r));
    Ok(parts)
}

/// The stand-ins for the SDK headers, all of them, as imports: nothing from them is a root.
fn stand_ins(sources: &mut SourceMap) -> Result<ModelParts, idl::Error> {
    let inputs: Vec<Input> = builtin::STANDARD
        .iter()
        .map(|f| Input::Builtin(f.name.into()))
        .collect();
    let files = loader::load(sources, &inputs, &LoadOptions::default())?;
    let mut parts = lower::lower(sources, &files).map_err(idl::Error::Diagnostics)?;
    parts.roots.clear();
    for c in &mut parts.constants {
        c.root = false;
    }
    Ok(parts)
}

/// Metadata first, then IDL inputs, then the stand-ins: the first declaration of a name wins.
fn assemble(
    sources: &mut SourceMap,
    extract: Extract,
    idl: Option<ModelParts>,
    idl_first: bool,
    paths: &[&Path],
) -> Result<ModelParts, idl::Error> {
    let metadata_roots: Vec<String> = extract.interfaces.iter().map(|i| i.name.clone()).collect();
    let mut parts = ModelParts::default();
    let mut layers = vec![ModelParts {
        interfaces: extract.interfaces,
        types: extract.types,
        constants: extract.constants,
        libraries: Vec::new(),
        roots: Vec::new(),
    }];
    let idl_roots = idl.as_ref().map(|p| p.roots.clone()).unwrap_or_default();
    layers.extend(idl);
    let declared = |layers: &[ModelParts], name: &str| {
        layers
            .iter()
            .any(|l| l.interfaces.iter().any(|i| i.name == name) || l.types.iter().any(|t| t.name == name))
    };
    let needs_stand_ins = extract.missing.iter().any(|m| !declared(&layers, m));
    if needs_stand_ins {
        layers.push(stand_ins(sources)?);
    }
    let mut seen_interfaces = BTreeSet::new();
    let mut seen_types = BTreeSet::new();
    for layer in layers {
        for i in layer.interfaces {
            if seen_interfaces.insert(i.name.clone()) {
                parts.interfaces.push(i);
            }
        }
        // Within a layer every declaration goes to the model, which lets a definition
        // replace a forward declaration; across layers the earlier one wins.
        let names: Vec<String> = layer.types.iter().map(|t| t.name.clone()).collect();
        parts
            .types
            .extend(layer.types.into_iter().filter(|t| !seen_types.contains(&t.name)));
        seen_types.extend(names);
        parts.constants.extend(layer.constants);
        parts.libraries.extend(layer.libraries);
    }
    let dropped = keep_com(&mut parts.interfaces, &metadata_roots, paths).map_err(LoadError::into_idl)?;
    let kept: BTreeSet<&str> = parts.interfaces.iter().map(|i| i.name.as_str()).collect();
    let metadata_roots: Vec<String> = metadata_roots
        .into_iter()
        .filter(|r| kept.contains(r.as_str()))
        .collect();
    parts.roots = if idl_first {
        idl_roots.into_iter().chain(metadata_roots).collect()
    } else {
        metadata_roots.into_iter().chain(idl_roots).collect()
    };
    // What no layer declares (and the interfaces that are not COM) is opaque: a slot that
    // uses it keeps its place and its pointer.
    let mut declared: BTreeSet<String> = parts.types.iter().map(|t| t.name.clone()).collect();
    declared.extend(parts.interfaces.iter().map(|i| i.name.clone()));
    let mut opaque: BTreeSet<String> = dropped.into_iter().filter(|d| !declared.contains(d)).collect();
    for name in referenced(&parts) {
        if !declared.contains(&name) {
            opaque.insert(name);
        }
    }
    parts.types.extend(opaque.into_iter().map(|name| TypeDef {
        name,
        kind: TypeDefKind::Opaque,
        span: None,
    }));
    Ok(parts)
}

/// Keeps the interfaces whose base chain ends at IUnknown (the metadata's own; IDL
/// interfaces are the IDL front end's business) and returns the names of the others.
fn keep_com(interfaces: &mut Vec<Interface>, candidates: &[String], paths: &[&Path]) -> Result<Vec<String>, LoadError> {
    let bases: HashMap<&str, Option<&str>> = interfaces
        .iter()
        .map(|i| (i.name.as_str(), i.base.as_deref()))
        .collect();
    let file_of: HashMap<&str, &str> = interfaces.iter().map(|i| (i.name.as_str(), i.file.as_str())).collect();
    let path_of = |name: &str| {
        file_of
            .get(name)
            .map(PathBuf::from)
            .unwrap_or_else(|| joined(&paths.iter().map(|p| p.to_path_buf()).collect::<Vec<_>>()))
    };
    let mut dropped = Vec::new();
    for name in candidates {
        let mut chain = vec![name.as_str()];
        let mut current = name.as_str();
        let com = loop {
            match bases.get(current) {
                Some(Some(base)) => {
                    if let Some(start) = chain.iter().position(|c| c == base) {
                        let mut cycle: Vec<String> = chain[start..].iter().map(|s| s.to_string()).collect();
                        cycle.push(base.to_string());
                        return Err(LoadError::CyclicBase {
                            path: path_of(name),
                            chain: cycle,
                        });
                    }
                    chain.push(base);
                    current = base;
                }
                Some(None) => break current == "IUnknown",
                None => {
                    return Err(LoadError::UnknownBase {
                        path: path_of(name),
                        interface: chain[chain.len() - 2].to_string(),
                        base: current.to_string(),
                    });
                }
            }
        };
        if !com {
            dropped.push(name.clone());
        }
    }
    interfaces.retain(|i| !dropped.contains(&i.name));
    Ok(dropped)
}

/// Every name the interfaces' signatures, the aliases and the struct fields refer to.
fn referenced(parts: &ModelParts) -> BTreeSet<String> {
    let mut names = Vec::new();
    for i in &parts.interfaces {
        for m in &i.methods {
            m.ret.names(&mut names);
            for p in &m.params {
                p.ty.names(&mut names);
            }
        }
    }
    for t in &parts.types {
        match &t.kind {
            TypeDefKind::Alias(ty) => ty.names(&mut names),
            TypeDefKind::Struct(fields) | TypeDefKind::Union(fields) => {
                for f in fields {
                    f.ty.names(&mut names);
                }
            }
            _ => {}
        }
    }
    for c in &parts.constants {
        c.ty.names(&mut names);
    }
    names.into_iter().collect()
}
