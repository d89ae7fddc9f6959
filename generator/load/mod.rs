//! The one loader between the front ends and the model: it recognizes each input by its
//! content, hands it to its front end (IDL, WinMD, type library), links the parts they return
//! ([`link`]) and builds the validated model. Front ends never call each other; this is
//! the only place that combines them.

mod importlib;
mod link;

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::idl::{self, Input, LoadOptions};
use crate::model::scope::Scope;
use crate::model::{Model, ModelError, ModelParts};
use crate::source::SourceMap;
use crate::typelib;
use crate::winmd;

pub use importlib::TypeLibReader;
pub use link::LinkError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Idl(#[from] idl::Error),
    #[error("{}", display_metadata(.0))]
    Metadata(#[from] winmd::LoadError),
    #[error("{}", display_typelib(.0))]
    TypeLib(#[from] typelib::LoadError),
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    Model(#[from] ModelError),
}

fn display_metadata(e: &winmd::LoadError) -> String {
    let (path, message) = e.path_and_message();
    format!("{} {message}", path.display())
}

fn display_typelib(e: &typelib::LoadError) -> String {
    let (path, message) = e.path_and_message();
    format!("{}: {message}", path.display())
}

impl Error {
    /// The positioned diagnostics, when the error is about source text.
    pub fn diagnostics(&self) -> Option<&[Diagnostic]> {
        match self {
            Error::Idl(idl::Error::Diagnostics(d)) => Some(d),
            Error::Idl(idl::Error::ImportLib { at, .. }) => Some(std::slice::from_ref(&**at)),
            Error::Model(ModelError(d)) => Some(d),
            _ => None,
        }
    }
}

/// The kind of an input, told by its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Idl,
    /// ECMA-335 metadata: a .winmd file or a .NET assembly (a PE file).
    Metadata,
    /// An MSFT type library: a .tlb or .olb file, or the TYPELIB resource of a native PE file.
    TypeLib,
}

pub fn kind(input: &Input) -> Kind {
    match input {
        // A native DLL with a TYPELIB resource is a type library; a PE file with a CLI
        // header (an assembly, a .winmd) is metadata.
        Input::File(path) if typelib::is_typelib_file(path) => Kind::TypeLib,
        Input::File(path) if winmd::is_metadata_file(path) => Kind::Metadata,
        _ => Kind::Idl,
    }
}

/// The validated model of `inputs`, of any kinds and in any mix.
pub fn load_model(sources: &mut SourceMap, inputs: &[Input], options: &LoadOptions) -> Result<Model, Error> {
    load_model_with_warnings(sources, inputs, options).map(|(model, _)| model)
}

/// [`load_model`], with the warnings about the inputs (a name resolved in another letter
/// case) for the caller to show.
pub fn load_model_with_warnings(
    sources: &mut SourceMap,
    inputs: &[Input],
    options: &LoadOptions,
) -> Result<(Model, Vec<Diagnostic>), Error> {
    load_model_within(sources, inputs, options, &Scope::Everything)
}

/// [`load_model_with_warnings`] for a caller that will ask the model for no more than
/// `scope`. Metadata inputs are read only that far when they are all the inputs. With IDL
/// beside them, the IDL may name types the metadata declares, which the link takes from
/// the metadata as far as the whole file's interfaces reach them: the metadata is read
/// whole.
pub fn load_model_within(
    sources: &mut SourceMap,
    inputs: &[Input],
    options: &LoadOptions,
    scope: &Scope,
) -> Result<(Model, Vec<Diagnostic>), Error> {
    // Told once per input: telling a PE file's kind reads it.
    let kinds: Vec<Kind> = inputs.iter().map(kind).collect();
    let files_of = |wanted: Kind| -> Vec<&std::path::Path> {
        inputs
            .iter()
            .zip(&kinds)
            .filter_map(|(i, k)| match i {
                Input::File(p) if *k == wanted => Some(p.as_path()),
                _ => None,
            })
            .collect()
    };
    let metadata = files_of(Kind::Metadata);
    let typelibs = files_of(Kind::TypeLib);
    if metadata.is_empty() && typelibs.is_empty() {
        // IDL alone: every name must be declared, so nothing is linked in.
        let (parts, warnings) = idl_parts(sources, inputs, options)?;
        // The warnings go with the model's errors too: one may explain them (an
        // `importlib` that found no library, so a base is unknown).
        let model = Model::new(parts).map_err(|mut e| {
            e.0.splice(0..0, warnings.iter().cloned());
            e
        })?;
        return Ok((model, warnings));
    }
    let idl_inputs: Vec<Input> = inputs
        .iter()
        .zip(&kinds)
        .filter(|(_, k)| **k == Kind::Idl)
        .map(|(i, _)| i.clone())
        .collect();
    let idl_first = kinds.first() == Some(&Kind::Idl);
    let scope = if idl_inputs.is_empty() {
        scope
    } else {
        &Scope::Everything
    };
    let extract = if metadata.is_empty() {
        winmd::reader::Extract::default()
    } else {
        winmd::read(&metadata, scope)?
    };
    let mut warnings = Vec::new();
    let libs = if typelibs.is_empty() {
        None
    } else {
        let libs = typelib::read_all(&typelibs, &options.include_dirs)?;
        warnings.extend(libs.warnings.iter().map(Diagnostic::warning));
        Some(libs)
    };
    let idl = if idl_inputs.is_empty() {
        None
    } else {
        let (mut parts, idl_warnings) = idl_parts(sources, &idl_inputs, options)?;
        warnings.extend(idl_warnings);
        // A built-in given with metadata (the class factory's unknwn.idl) is a supplement, as
        // when an IDL input imports it: its interfaces are not the inputs' own.
        let builtin: std::collections::BTreeSet<String> = parts
            .interfaces
            .iter()
            .filter(|i| i.origin.builtin)
            .map(|i| i.name.clone())
            .collect();
        parts.roots.retain(|r| !builtin.contains(r));
        Some(parts)
    };
    let paths: Vec<PathBuf> = metadata.iter().map(|p| p.to_path_buf()).collect();
    let parts = link::link(extract, libs, idl, idl_first, &paths, || stand_ins(sources))?;
    Ok((Model::new(parts)?, warnings))
}

/// The IDL inputs' parts, with the type libraries they `importlib` read from the search
/// path when there.
fn idl_parts(
    sources: &mut SourceMap,
    inputs: &[Input],
    options: &LoadOptions,
) -> Result<(ModelParts, Vec<Diagnostic>), idl::Error> {
    let reader = TypeLibReader::new(&options.include_dirs);
    idl::load_parts_with_libraries(sources, inputs, options, &reader)
}

/// oscgen's stand-ins for the SDK headers, all of them, as imports: nothing from them is a root.
fn stand_ins(sources: &mut SourceMap) -> Result<ModelParts, idl::Error> {
    let inputs: Vec<Input> = crate::builtin::STANDARD
        .iter()
        .map(|f| Input::Builtin(f.name.into()))
        .collect();
    let (mut parts, _) = idl_parts(sources, &inputs, &LoadOptions::default())?;
    parts.roots.clear();
    for c in &mut parts.constants {
        c.root = false;
    }
    Ok(parts)
}

/// The model of what a generated server's plumbing calls (IClassFactory, IUnknown), from
/// oscgen's own stand-in, whatever the project's inputs declare.
pub fn plumbing(sources: &mut SourceMap) -> Result<Model, Error> {
    let (parts, _) = idl_parts(sources, &[Input::Builtin("unknwn.idl".into())], &LoadOptions::default())?;
    Ok(Model::new(parts)?)
}
