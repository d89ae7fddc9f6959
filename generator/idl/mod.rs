//! The MIDL front end: read, lex, preprocess, parse and lower IDL files into the model.

pub mod ast;
pub mod eval;
mod finder;
pub mod importlib;
pub mod lexer;
pub mod loader;
pub mod lower;
pub mod parser;
pub mod preprocess;
pub mod token;

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::model::ModelParts;
use crate::source::SourceMap;

pub use importlib::{ImportedLibrary, TypeLibraries};
pub use loader::{Input, LoadOptions, Session};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the IDL text, with positions in the source map.
    #[error("{}", .0.iter().find(|d| !d.is_warning()).or(.0.first()).map(|d| d.message.as_str()).unwrap_or("invalid IDL"))]
    Diagnostics(Vec<Diagnostic>),
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{} {message}", path.display())]
    Input { path: PathBuf, message: String },
    /// A type library that `importlib` names was found but could not be read; `at`
    /// points at the `importlib` and says which file it found.
    #[error("{}", .at.message)]
    ImportLib {
        at: Box<Diagnostic>,
        #[source]
        source: importlib::ReadError,
    },
}

/// Reads IDL inputs and their imports into model parts, with the warnings about input
/// MIDL accepts but that is probably not what was meant (a name in the wrong letter case).
/// Building the model from them is the loader's (`crate::load`). On failure the warnings
/// are among the diagnostics of [`Error::Diagnostics`], marked [`Diagnostic::is_warning`].
pub fn load_parts(
    sources: &mut SourceMap,
    inputs: &[Input],
    options: &LoadOptions,
) -> Result<(ModelParts, Vec<Diagnostic>), Error> {
    // A session for one load: nothing would reuse a syntax tree.
    Session::new(sources, options)?
        .without_syntax_trees()
        .load_parts(sources, inputs)
}

/// [`load_parts`], reading the type libraries `importlib` names through `libraries` when
/// they are on the search path (the importing file's directory, then `-I`).
pub fn load_parts_with_libraries(
    sources: &mut SourceMap,
    inputs: &[Input],
    options: &LoadOptions,
    libraries: &dyn TypeLibraries,
) -> Result<(ModelParts, Vec<Diagnostic>), Error> {
    Session::new(sources, options)?
        .without_syntax_trees()
        .with_type_libraries(libraries)
        .load_parts(sources, inputs)
}

impl Session<'_> {
    /// [`load_parts`] through a session: files parsed by earlier loads are reused.
    pub fn load_parts(
        &mut self,
        sources: &mut SourceMap,
        inputs: &[Input],
    ) -> Result<(ModelParts, Vec<Diagnostic>), Error> {
        self.load_lowered(sources, inputs)?
            .finish_with_warnings()
            .map_err(Error::Diagnostics)
    }
}
