//! The model a project is generated from: its configured inputs, or the built-in OSC
//! metadata.

use std::path::{Path, PathBuf};

use crate::idl::{Input, LoadOptions};
use crate::load;
use crate::model::Model;
use crate::model::scope::Scope;
use crate::project::config::Config;
use crate::source::SourceMap;

/// Where the project's interfaces come from, in words, for generated file headers.
pub fn describe(config: &Config) -> String {
    match builtin_input(config) {
        Some(builtin) => format!("oscgen's built-in metadata ({builtin})"),
        None => config.input.idl.join(", "),
    }
}

/// The built-in metadata the project reads: its template's, when oscgen.toml names no input.
fn builtin_input(config: &Config) -> Option<&'static str> {
    if config.input.idl.is_empty() {
        config.project.template.spec().builtin_input
    } else {
        None
    }
}

/// The model of the project's inputs, read as far as `scope` (what the template will ask
/// for) reaches.
pub fn load(
    sources: &mut SourceMap,
    config: &Config,
    root: &Path,
    scope: &Scope,
) -> Result<(Model, Vec<crate::diagnostic::Diagnostic>), load::Error> {
    let inputs: Vec<Input> = if let Some(builtin) = builtin_input(config) {
        vec![Input::Builtin(builtin.into())]
    } else {
        config
            .input
            .idl
            .iter()
            .map(|p| {
                // `win32` names the Win32 metadata, not a file in the project.
                if crate::winmd::win32::is_shortcut(Path::new(p)) {
                    Input::File(PathBuf::from(p))
                } else {
                    Input::File(resolve(root, p))
                }
            })
            .collect()
    };
    let options = LoadOptions {
        include_dirs: config.input.include_dirs.iter().map(|d| resolve(root, d)).collect(),
        defines: config.input.defines.clone(),
        undefines: config.input.undefines.clone(),
    };
    load::load_model_within(sources, &inputs, &options, scope)
}

/// A path from oscgen.toml: relative to the project directory unless absolute. `..` is
/// resolved by name, so it works before the project directory exists.
fn resolve(root: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    let joined = if p.is_absolute() { p.to_path_buf() } else { root.join(p) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// How oscgen.toml should spell an input path given on the command line: relative to the
/// project directory when that is possible, absolute otherwise.
pub fn relative_to(root: &Path, path: &Path) -> String {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        p.canonicalize().unwrap_or(p)
    };
    let target = abs(path);
    let mut base = abs(root);
    let mut ups = 0;
    loop {
        if let Ok(rest) = target.strip_prefix(&base) {
            let mut out = PathBuf::new();
            for _ in 0..ups {
                out.push("..");
            }
            out.push(rest);
            return out.to_string_lossy().replace('\\', "/");
        }
        if !base.pop() {
            return target.to_string_lossy().into_owned();
        }
        ups += 1;
    }
}
