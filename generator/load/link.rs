//! Linking the parts of several inputs into one: metadata first, then IDL inputs, then
//! oscgen's stand-ins for the SDK, the first declaration of a name winning. Metadata files
//! refer to the SDK's types and interfaces (IUnknown, BSTR) without declaring them; those
//! come from the stand-ins, as an IDL file's imports would, and what nothing declares
//! becomes an opaque type, so no slot is ever dropped. Only COM interfaces (whose base
//! chain ends at IUnknown) are kept from metadata.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use crate::idl;
use crate::model::ModelParts;
use crate::model::interface::Interface;
use crate::model::types::{TypeDef, TypeDefKind};
use crate::typelib;
use crate::winmd::input::joined;
use crate::winmd::reader::Extract;

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
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
    StandIns(#[from] idl::Error),
}

/// The interfaces every COM server's code names by their SDK signatures.
const SDK_BASES: &[&str] = &["IUnknown", "IDispatch"];

/// Metadata first, then IDL inputs, then the stand-ins: the first declaration of a name wins.
/// `stand_ins` is called only when the metadata needs a name nothing else declares.
pub fn link(
    extract: Extract,
    libs: Option<typelib::Extract>,
    idl: Option<ModelParts>,
    idl_first: bool,
    paths: &[PathBuf],
    stand_ins: impl FnOnce() -> Result<ModelParts, idl::Error>,
) -> Result<ModelParts, LinkError> {
    let metadata_roots: Vec<String> = extract.interfaces.iter().map(|i| i.name.clone()).collect();
    let mut parts = ModelParts::default();
    let mut layers = vec![ModelParts {
        interfaces: extract.interfaces,
        types: extract.types,
        constants: extract.constants,
        libraries: Vec::new(),
        roots: Vec::new(),
    }];
    // Type libraries' interfaces are COM interfaces by construction; they come after
    // the metadata's, before the IDL's.
    let mut missing = extract.missing;
    let mut lib_roots = Vec::new();
    let mut sdk_bases = false;
    if let Some(libs) = libs {
        missing.extend(libs.missing);
        lib_roots = libs.parts.roots.clone();
        let mut parts = libs.parts;
        // An imported stdole2.tlb (System32's, beside the input) declares IUnknown and
        // IDispatch with automation's types (`void **pptinfo`, `char **rgszNames`): the
        // same slots, but the bindings and the generated IDispatch are written against
        // the SDK's signatures, which the stand-ins give.
        let count = parts.interfaces.len();
        parts
            .interfaces
            .retain(|i| !SDK_BASES.contains(&i.name.as_str()) || lib_roots.contains(&i.name));
        sdk_bases = parts.interfaces.len() != count;
        layers.push(parts);
    }
    let idl_roots = idl.as_ref().map(|p| p.roots.clone()).unwrap_or_default();
    layers.extend(idl);
    let declared = |layers: &[ModelParts], name: &str| {
        layers
            .iter()
            .any(|l| l.interfaces.iter().any(|i| i.name == name) || l.types.iter().any(|t| t.name == name))
    };
    let needs_stand_ins = sdk_bases || missing.iter().any(|m| !declared(&layers, m));
    if needs_stand_ins {
        layers.push(stand_ins()?);
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
    let dropped = keep_com(&mut parts.interfaces, &metadata_roots, paths)?;
    let kept: BTreeSet<&str> = parts.interfaces.iter().map(|i| i.name.as_str()).collect();
    let metadata_roots: Vec<String> = metadata_roots
        .into_iter()
        .filter(|r| kept.contains(r.as_str()))
        .collect();
    let metadata_roots = metadata_roots.into_iter().chain(lib_roots);
    parts.roots = if idl_first {
        idl_roots.into_iter().chain(metadata_roots).collect()
    } else {
        metadata_roots.chain(idl_roots).collect()
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
        pack: None,
        layout: None,
        uuid: None,
    }));
    Ok(parts)
}

/// Keeps the interfaces whose base chain ends at IUnknown (the metadata's own; IDL
/// interfaces are the IDL front end's business) and returns the names of the others.
fn keep_com(
    interfaces: &mut Vec<Interface>,
    candidates: &[String],
    paths: &[PathBuf],
) -> Result<Vec<String>, LinkError> {
    let bases: HashMap<&str, Option<&str>> = interfaces
        .iter()
        .map(|i| (i.name.as_str(), i.base.as_deref()))
        .collect();
    let file_of: HashMap<&str, &str> = interfaces.iter().map(|i| (i.name.as_str(), &*i.origin.file)).collect();
    let path_of = |name: &str| file_of.get(name).map(PathBuf::from).unwrap_or_else(|| joined(paths));
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
                        return Err(LinkError::CyclicBase {
                            path: path_of(name),
                            chain: cycle,
                        });
                    }
                    chain.push(base);
                    current = base;
                }
                Some(None) => break current == "IUnknown",
                None => {
                    return Err(LinkError::UnknownBase {
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
