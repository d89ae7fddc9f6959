//! The one model every front end fills and every back end reads: interfaces with their
//! vtables, the types their signatures use, constants and type libraries.

pub mod guid;
pub mod interface;
pub mod param;
pub mod scope;
pub mod types;
pub mod vtable;

use std::collections::{HashMap, HashSet};

use crate::hash::NameMap;

use crate::diagnostic::{Diagnostic, closest};
use crate::model::guid::Guid;
use crate::model::interface::Interface;
use crate::model::types::{Type, TypeDef, TypeDefKind};
use crate::model::vtable::Vtable;
use crate::source::Span;

#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    Int(i128),
    Str(String),
    /// An expression oscgen could not fold, as written.
    Expr(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Constant {
    pub name: String,
    pub ty: Type,
    pub value: ConstValue,
    pub span: Option<Span>,
    /// Declared in an input file itself rather than in one of its imports.
    pub root: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Coclass {
    pub name: String,
    pub clsid: Option<Guid>,
    pub interfaces: Vec<CoclassInterface>,
}

/// An interface a coclass lists, with the attributes that say how clients use it.
#[derive(Clone, Debug, PartialEq)]
pub struct CoclassInterface {
    pub name: String,
    /// `[default]`: what a client gets when it asks for the class's default interface
    /// (one incoming, one `[source]`).
    pub default: bool,
    /// `[source]`: an outgoing (event) interface the class calls, not one it implements.
    pub source: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Library {
    pub name: String,
    pub libid: Option<Guid>,
    /// `version(1.1)` as written.
    pub version: Option<String>,
    pub interfaces: Vec<String>,
    pub coclasses: Vec<Coclass>,
    /// Declared in the inputs themselves, not in a file they import (urlmon.idl's import
    /// of msxml.idl declares MSXML's library in every file importing ocidl.idl).
    pub root: bool,
}

/// Everything a front end read, before validation.
#[derive(Debug, Default)]
pub struct ModelParts {
    pub interfaces: Vec<Interface>,
    pub types: Vec<TypeDef>,
    pub constants: Vec<Constant>,
    pub libraries: Vec<Library>,
    /// Interfaces declared in the inputs themselves (not in their imports), in order.
    pub roots: Vec<String>,
}

/// The validated model: every base exists, no chain loops, no IID is used twice, and every
/// type a signature names is declared.
#[derive(Debug)]
pub struct Model {
    interfaces: Vec<Interface>,
    index: NameMap<String, usize>,
    /// By name. A hash map: validation looks up every name every signature uses, and
    /// SDK imports bring thousands of types; [`Model::types`] sorts when asked.
    types: NameMap<String, TypeDef>,
    pub constants: Vec<Constant>,
    pub libraries: Vec<Library>,
    roots: Vec<String>,
}

/// Invalid input found while building the model; every error found, not just the first.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.first().map(|d| d.message.as_str()).unwrap_or("invalid model"))]
pub struct ModelError(pub Vec<Diagnostic>);

impl Model {
    pub fn new(parts: ModelParts) -> Result<Model, ModelError> {
        let mut errors = Vec::new();
        let mut index = NameMap::default();
        for (i, iface) in parts.interfaces.iter().enumerate() {
            if let Some(&first) = index.get(&iface.name) {
                let first: &Interface = &parts.interfaces[first];
                errors.push(
                    located(iface.span, format!("interface `{}` is defined twice", iface.name))
                        .with_secondary_opt(first.span, "first defined here"),
                );
            } else {
                index.insert(iface.name.clone(), i);
            }
        }
        let interfaces = parts.interfaces;
        let mut types: NameMap<String, TypeDef> =
            NameMap::with_capacity_and_hasher(parts.types.len(), Default::default());
        for t in parts.types {
            // A full definition replaces a forward declaration or an opaque stand-in.
            match types.get(&t.name) {
                Some(existing)
                    if !matches!(existing.kind, TypeDefKind::Opaque | TypeDefKind::Interface)
                        && matches!(t.kind, TypeDefKind::Opaque) => {}
                _ => {
                    types.insert(t.name.clone(), t);
                }
            }
        }
        for iface in &interfaces {
            types.entry(iface.name.clone()).or_insert_with(|| TypeDef {
                name: iface.name.clone(),
                kind: TypeDefKind::Interface,
                span: iface.span,
                pack: None,
                layout: None,
                uuid: None,
            });
        }
        let model = Model {
            interfaces,
            index,
            types,
            constants: parts.constants,
            libraries: parts.libraries,
            roots: parts.roots,
        };
        model.check_bases(&mut errors);
        model.check_iids(&mut errors);
        model.check_types(&mut errors);
        if errors.is_empty() {
            Ok(model)
        } else {
            Err(ModelError(errors))
        }
    }

    fn check_bases(&self, errors: &mut Vec<Diagnostic>) {
        for iface in &self.interfaces {
            let Some(base) = &iface.base else { continue };
            if self.interface(base).is_none() {
                let at = iface.base_span.or(iface.span);
                let mut d = located(at, format!("unknown base interface `{base}` of `{}`", iface.name));
                if matches!(self.types.get(base).map(|t| &t.kind), Some(TypeDefKind::Interface)) {
                    d = d.with_note(format!(
                        "`{base}` is only forward-declared (`interface {base};`); its methods are needed for the vtable"
                    ));
                } else if let Some(s) = closest(base, self.interfaces.iter().map(|i| i.name.as_str())) {
                    d = d.with_note(format!("did you mean `{s}`?"));
                } else {
                    d = d.with_note("import the file that declares it, or pass its directory with -I");
                }
                errors.push(d);
            }
        }
        for iface in &self.interfaces {
            let mut seen = vec![iface.name.as_str()];
            let mut current = iface;
            while let Some(base) = current.base.as_deref().and_then(|b| self.interface(b)) {
                if base.name == iface.name {
                    seen.push(&base.name);
                    errors.push(located(
                        iface.base_span.or(iface.span),
                        format!("inheritance cycle: {}", seen.join(" -> ")),
                    ));
                    break;
                }
                if seen.contains(&base.name.as_str()) {
                    break; // a cycle further up, reported from its own members
                }
                seen.push(&base.name);
                current = base;
            }
        }
    }

    /// Two interfaces the user declared with one IID is a copy-paste slip that makes
    /// QueryInterface ambiguous. Real SDK files have a few on purpose or by old mistake
    /// (`IDWriteFont3` reuses `IDWriteFont2`'s IID, mshtml's `[local]` IE8/IE9 twins,
    /// placeholder nil IIDs), and widl and MIDL accept them; so only interfaces declared
    /// in the inputs themselves, not `[local]`, with a real IID, are checked.
    fn check_iids(&self, errors: &mut Vec<Diagnostic>) {
        let roots: HashSet<&str> = self.roots.iter().map(String::as_str).collect();
        let mut seen: HashMap<Guid, &Interface> = HashMap::new();
        for iface in &self.interfaces {
            let Some(iid) = iface.iid.filter(|g| g.0 != 0) else {
                continue;
            };
            if iface.local || !roots.contains(iface.name.as_str()) {
                continue;
            }
            if let Some(first) = seen.get(&iid) {
                // Metadata (no source span) cannot be edited, and the Windows SDK itself
                // declares aliases (IXMLHttpRequest and IXMLHTTPRequest): only IDL is wrong.
                if iface.span.is_none() || first.span.is_none() {
                    continue;
                }
                errors.push(
                    located(
                        iface.span,
                        format!(
                            "duplicate IID {iid}: `{}` has the same IID as `{}`",
                            iface.name, first.name
                        ),
                    )
                    .with_secondary_opt(first.span, format!("`{}` declared here", first.name)),
                );
            } else {
                seen.insert(iid, iface);
            }
        }
    }

    fn check_types(&self, errors: &mut Vec<Diagnostic>) {
        let mut reported = HashSet::new();
        // Every signature of every interface is checked, thousands with SDK imports:
        // names are looked at in place, and only a missing one costs anything more.
        let mut names: Vec<&str> = Vec::new();
        for iface in &self.interfaces {
            for m in &iface.methods {
                names.clear();
                m.ret.name_refs(&mut names);
                let ret_names = names.len();
                for p in &m.params {
                    p.ty.name_refs(&mut names);
                }
                for (i, &name) in names.iter().enumerate() {
                    if self.types.contains_key(name)
                        || !reported.insert((iface.name.clone(), m.name.clone(), name.to_string()))
                    {
                        continue;
                    }
                    let span = if i < ret_names {
                        m.span
                    } else {
                        m.params
                            .iter()
                            .find(|p| {
                                let mut n = Vec::new();
                                p.ty.name_refs(&mut n);
                                n.contains(&name)
                            })
                            .and_then(|p| p.span)
                            .or(m.span)
                    };
                    let mut d = located(span, format!("unknown type `{name}` in `{}::{}`", iface.name, m.name));
                    if let Some(s) = closest(name, self.types.keys().map(String::as_str)) {
                        d = d.with_note(format!("did you mean `{s}`?"));
                    } else {
                        d = d.with_note("declare it, or import the file that does");
                    }
                    errors.push(d);
                }
            }
        }
    }

    pub fn interfaces(&self) -> &[Interface] {
        &self.interfaces
    }

    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.index.get(name).map(|&i| &self.interfaces[i])
    }

    /// The interfaces declared in the inputs themselves, in declaration order.
    pub fn root_interfaces(&self) -> impl Iterator<Item = &Interface> {
        self.roots.iter().filter_map(|n| self.interface(n))
    }

    pub fn vtable(&self, name: &str) -> Option<Vtable<'_>> {
        self.interface(name).map(|i| Vtable::of(self, i))
    }

    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(name)
    }

    /// Every type, by name.
    pub fn types(&self) -> impl Iterator<Item = &TypeDef> {
        let mut sorted: Vec<&TypeDef> = self.types.values().collect();
        sorted.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        sorted.into_iter()
    }

    pub fn constant(&self, name: &str) -> Option<&Constant> {
        self.constants.iter().find(|c| c.name == name)
    }
}

fn located(span: Option<Span>, message: String) -> Diagnostic {
    match span {
        Some(span) => Diagnostic::at(span, message),
        None => Diagnostic::error(message),
    }
}

trait WithSecondaryOpt {
    fn with_secondary_opt(self, span: Option<Span>, text: impl Into<String>) -> Self;
}

impl WithSecondaryOpt for Diagnostic {
    fn with_secondary_opt(self, span: Option<Span>, text: impl Into<String>) -> Diagnostic {
        match span {
            Some(span) => self.with_secondary(span, text),
            None => self,
        }
    }
}
