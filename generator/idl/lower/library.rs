//! Type libraries in lowering: what an `importlib` read is added as an import's
//! declarations ([`Lowering::library`]), gives way to a later IDL declaration, and an
//! `importlib` that found nothing is pointed out when a base interface is then unknown.

use crate::diagnostic::Diagnostic;
use crate::hash::NameSet;
use crate::idl::importlib::ImportedLibrary;
use crate::idl::lower::Lowering;
use crate::model::interface::Interface;
use crate::model::{Constant, ModelParts};
use crate::source::Span;

impl Lowering {
    /// Adds what a type library declares, as an import's declarations: visible to what
    /// follows, none of it the file's own. A name declared already (by an IDL file
    /// imported before it) keeps that declaration, as a second import of it would.
    pub fn library(&mut self, lib: &ImportedLibrary) {
        let parts = &mut self.state.parts;
        let mut interfaces: NameSet<String> = parts.interfaces.iter().map(|i| i.name.clone()).collect();
        let mut types: NameSet<String> = parts.types.iter().map(|t| t.name.clone()).collect();
        types.extend(interfaces.iter().cloned());
        let mut constants: NameSet<String> = parts.constants.iter().map(|c| c.name.clone()).collect();
        for i in &lib.parts.interfaces {
            if interfaces.insert(i.name.clone()) {
                self.state.library_files.insert(i.origin.file.to_string());
                parts.interfaces.push(i.clone());
            }
        }
        for t in &lib.parts.types {
            if !types.contains(&t.name) {
                parts.types.push(t.clone());
            }
        }
        types.extend(lib.parts.types.iter().map(|t| t.name.clone()));
        for c in &lib.parts.constants {
            if constants.insert(c.name.clone()) {
                parts.constants.push(Constant {
                    root: false,
                    ..c.clone()
                });
            }
        }
    }

    /// An `importlib` that found no library and has no stand-in: it imports nothing,
    /// which [`Lowering::finish_with_warnings`] points out if a base interface is then
    /// unknown.
    pub fn library_not_found(&mut self, name: &str, at: Span) {
        self.state.missing_libraries.push((name.to_string(), at));
    }
}

/// A warning at each `importlib` that found nothing, when an interface derives from one
/// no file declares: the library may well be what declares it.
pub(super) fn warn_missing(parts: &ModelParts, missing: &[(String, Span)], warnings: &mut Vec<Diagnostic>) {
    if missing.is_empty() {
        return;
    }
    let declared: NameSet<&str> = parts.interfaces.iter().map(|i| i.name.as_str()).collect();
    let Some(base) = parts
        .interfaces
        .iter()
        .filter_map(|i| i.base.as_deref())
        .find(|b| !declared.contains(b))
    else {
        return;
    };
    for (name, at) in missing {
        warnings.push(
            Diagnostic::warning_at(
                *at,
                format!("no type library `{name}` in the importing file's directory or the -I directories"),
            )
            .with_note(format!(
                "nothing is imported from it; the unknown base interface `{base}` may be one it declares: \
                 pass the directory that holds `{name}` with -I"
            )),
        );
    }
}

/// An interface a type library brought gives way to one an IDL file declares after the
/// `importlib`: Wine's olepro32 imports stdole2.tlb and declares IFont itself, and an SDK
/// file imported after it (ocidl.idl from -I) declares IFont too. The stand-ins have given
/// way already ([`super::drop_shadowed_stand_ins`]).
pub(super) fn drop_shadowed_interfaces(parts: &mut ModelParts, library_files: &NameSet<String>) {
    if library_files.is_empty() {
        return;
    }
    let from_library = |i: &Interface| library_files.contains(&*i.origin.file);
    let declared: NameSet<String> = parts
        .interfaces
        .iter()
        .filter(|i| !from_library(i))
        .map(|i| i.name.clone())
        .collect();
    parts
        .interfaces
        .retain(|i| !from_library(i) || !declared.contains(&i.name));
}
