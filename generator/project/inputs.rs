//! The model a project is generated from: its configured IDL files, or the built-in OSC
//! metadata, plus the standard stand-in that declares IClassFactory.

use std::path::{Path, PathBuf};

use crate::idl::{self, Input, LoadOptions};
use crate::model::Model;
use crate::project::config::Config;
use crate::source::SourceMap;

/// Where the project's interfaces come from, in words, for generated file headers.
pub fn describe(config: &Config) -> String {
    if config.input.idl.is_empty() {
        format!("oscgen's built-in metadata ({})", builtin_for(config))
    } else {
        config.input.idl.join(", ")
    }
}

/// The built-in metadata a template uses when oscgen.toml names no input.
fn builtin_for(config: &Config) -> &'static str {
    match config.project.template.as_str() {
        "mapi-session" => "mapi.idl",
        _ => "osc.idl",
    }
}

pub fn load(sources: &mut SourceMap, config: &Config, root: &Path) -> Result<Model, idl::Error> {
    let mut inputs: Vec<Input> = if config.input.idl.is_empty() {
        vec![Input::Builtin(builtin_for(config).into())]
    } else {
        config.input.idl.iter().map(|p| Input::File(resolve(root, p))).collect()
    };
    // The class factory's interface; skipped when the inputs import their own unknwn.idl.
    inputs.push(Input::Builtin("unknwn.idl".into()));
    let options = LoadOptions {
        include_dirs: config.input.include_dirs.iter().map(|d| resolve(root, d)).collect(),
        ..LoadOptions::default()
    };
    // A .winmd input is recognized by content and read by the WinMD front end.
    crate::winmd::load_model(sources, &inputs, &options)
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
