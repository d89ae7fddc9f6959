//! `oscgen winmd`: the inputs' interfaces as a .winmd file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::cli::{Failure, InputArgs, load};
use crate::model::Model;
use crate::model::interface::Interface;
use crate::source::SourceMap;
use crate::winmd;

#[derive(Args, Debug)]
pub struct WinmdArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The .winmd file to write
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
    /// Namespace of the written types [default: the input's library name, else its file name]
    #[arg(long, value_name = "NS")]
    namespace: Option<String>,
}

pub fn run(args: WinmdArgs) -> Result<ExitCode, Failure> {
    let mut sources = SourceMap::new();
    let model = load(&mut sources, &args.input)?;
    let roots: Vec<&Interface> = model.root_interfaces().collect();
    let namespace = args
        .namespace
        .clone()
        .unwrap_or_else(|| default_namespace(&model, args.input.inputs.first().map(PathBuf::as_path)));
    let (bytes, written) =
        winmd::write(&model, &roots, &namespace).map_err(|e| Failure::usage(format!("cannot write a .winmd: {e}")))?;
    std::fs::write(&args.output, &bytes)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", args.output.display())))?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "wrote {} ({} bytes): namespace {namespace}, {} interfaces, {} types, {} constants",
        args.output.display(),
        bytes.len(),
        written.interfaces,
        written.types,
        written.constants
    );
    if !written.skipped_constants.is_empty() {
        let _ = writeln!(
            std::io::stderr().lock(),
            "warning: constants with unevaluated values are not written: {}",
            written.skipped_constants.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The one library the inputs declare (`OutlookSocialProvider`), else the first input's
/// file stem (`mapi`), else `Oscgen` for the built-in metadata.
fn default_namespace(model: &Model, first: Option<&Path>) -> String {
    if let [library] = model.libraries.as_slice() {
        return library.name.clone();
    }
    first
        .and_then(|p| p.file_stem())
        .map(|s| {
            s.to_string_lossy()
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "_")
        })
        .filter(|s| s.starts_with(|c: char| c.is_ascii_alphabetic()))
        .unwrap_or_else(|| "Oscgen".to_string())
}
