//! Finding a metadata type by the name a signature or the model gives it.
//!
//! windows-metadata's index already maps (namespace, name) to rows, so a name is looked
//! up there, in each namespace, on demand; nothing is built for the types nobody asks
//! about. The Win32 metadata holds tens of thousands of types and a project reaches a
//! few hundred of them.

use std::cell::OnceCell;

use windows_metadata::reader::{Index, TypeDef};
use windows_metadata::{AsRow, TypeAttributes};

use crate::hash::NameMap;

pub struct Lookup<'a> {
    index: &'a Index,
    /// Every namespace that holds types, searched for a name given without one.
    namespaces: Vec<&'a str>,
    /// Nested types (a union inside VARIANT) by name: built the first time a name is not
    /// a top-level type's.
    nested: OnceCell<NameMap<&'a str, TypeDef<'a>>>,
}

/// Where a row is declared: declarations are taken in this order, the first one of a
/// name winning.
pub fn position(t: TypeDef) -> (usize, usize) {
    (t.to_row().file, t.pos())
}

impl<'a> Lookup<'a> {
    pub fn new(index: &'a Index) -> Lookup<'a> {
        Lookup {
            index,
            namespaces: index.namespaces().collect(),
            nested: OnceCell::new(),
        }
    }

    /// Every top-level type, in declaration order.
    pub fn all(&self) -> Vec<TypeDef<'a>> {
        let mut all: Vec<TypeDef<'a>> = self.index.types().collect();
        all.sort_by_key(|&t| position(t));
        all
    }

    /// The first declaration of `namespace.name`.
    pub fn qualified(&self, namespace: &str, name: &str) -> Option<TypeDef<'a>> {
        self.index.get(namespace, windows_metadata::trim_tick(name)).next()
    }

    /// The top-level types of a name in any namespace, in declaration order.
    pub fn top_level(&self, name: &str) -> Vec<TypeDef<'a>> {
        let name = windows_metadata::trim_tick(name);
        let mut found: Vec<TypeDef<'a>> = self.namespaces.iter().flat_map(|ns| self.index.get(ns, name)).collect();
        found.sort_by_key(|&t| position(t));
        found
    }

    /// The type a name without a namespace means: the first top-level declaration, else
    /// the first nested one (signatures name nested types alone).
    pub fn named(&self, name: &str) -> Option<TypeDef<'a>> {
        if let Some(&t) = self.top_level(name).first() {
            return Some(t);
        }
        self.nested
            .get_or_init(|| self.nested_by_name())
            .get(windows_metadata::trim_tick(name))
            .copied()
    }

    /// The first COM-style (not WinRT) interface of a name.
    pub fn interface(&self, name: &str) -> Option<TypeDef<'a>> {
        self.top_level(name).into_iter().find(|&t| is_interface(t))
    }

    fn nested_by_name(&self) -> NameMap<&'a str, TypeDef<'a>> {
        let mut nested = NameMap::default();
        for t in self.all() {
            for inner in self.index.nested_recursive(t) {
                nested.entry(windows_metadata::trim_tick(inner.name())).or_insert(inner);
            }
        }
        nested
    }
}

/// An interface the model takes: COM-style, not a WinRT one.
pub fn is_interface(t: TypeDef) -> bool {
    let flags = t.flags();
    flags.contains(TypeAttributes::Interface) && !flags.contains(TypeAttributes::WindowsRuntime)
}
