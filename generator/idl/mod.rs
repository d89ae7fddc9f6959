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
use crate::model::ModelParts;
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
