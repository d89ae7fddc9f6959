//! The MIDL front end: read, lex, preprocess, parse and lower IDL files into the model.

pub mod ast;
pub mod eval;
mod finder;
pub mod lexer;
pub mod loader;
pub mod lower;
pub mod parser;
pub mod preprocess;
pub mod token;

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::model::{Model, ModelError};
use crate::source::SourceMap;

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
}

impl From<ModelError> for Error {
    fn from(e: ModelError) -> Error {
        Error::Diagnostics(e.0)
    }
}

/// Reads IDL inputs and their imports into a validated model.
pub fn load_model(sources: &mut SourceMap, inputs: &[Input], options: &LoadOptions) -> Result<Model, Error> {
    // A session for one load: nothing would reuse a syntax tree.
    Session::new(sources, options)?
        .without_syntax_trees()
        .load_model(sources, inputs)
}

/// [`load_model`], with the warnings about input MIDL accepts but that is probably not
/// what was meant (a name in the wrong letter case). On failure the warnings are among
/// the diagnostics of [`Error::Diagnostics`], marked [`Diagnostic::is_warning`].
pub fn load_model_with_warnings(
    sources: &mut SourceMap,
    inputs: &[Input],
    options: &LoadOptions,
) -> Result<(Model, Vec<Diagnostic>), Error> {
    Session::new(sources, options)?
        .without_syntax_trees()
        .load_model_with_warnings(sources, inputs)
}

impl Session<'_> {
    /// [`load_model`] through a session: files parsed by earlier loads are reused.
    pub fn load_model(&mut self, sources: &mut SourceMap, inputs: &[Input]) -> Result<Model, Error> {
        self.load_model_with_warnings(sources, inputs).map(|(model, _)| model)
    }

    /// [`load_model_with_warnings`] through a session.
    pub fn load_model_with_warnings(
        &mut self,
        sources: &mut SourceMap,
        inputs: &[Input],
    ) -> Result<(Model, Vec<Diagnostic>), Error> {
        let (parts, warnings) = self
            .load_lowered(sources, inputs)?
            .finish_with_warnings()
            .map_err(Error::Diagnostics)?;
        match Model::new(parts) {
            Ok(model) => Ok((model, warnings)),
            Err(e) => Err(Error::Diagnostics(warnings.into_iter().chain(e.0).collect())),
        }
    }
}
