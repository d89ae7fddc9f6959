//! The Win32 bindings sweep: bindings for COM interfaces of Windows.Win32.winmd, written
//! as small crates (chunks of interfaces in sorted order) and `cargo check`ed one by one
//! with one shared target directory, so windows-core builds once. Shared by
//! examples/win32_sweep.rs (every interface) and tests/win32_sweep.rs (a fixed sample).

use std::path::{Path, PathBuf};
use std::process::Command;

use oscgen::emit::bindings::{Selection, bindings};
use oscgen::idl::{Input, LoadOptions};
use oscgen::model::Model;
use oscgen::source::SourceMap;

/// The Win32 metadata's model, read from a copy of the file windows-default ships.
pub fn win32_model(scratch: &Path) -> Model {
    let winmd = scratch.join("Windows.Win32.winmd");
    std::fs::write(&winmd, windows_default::WIN32).expect("write the Win32 metadata");
    oscgen::load::load_model(&mut SourceMap::new(), &[Input::File(winmd)], &LoadOptions::default())
        .expect("read the Win32 metadata")
}

/// Every COM interface in the model that bindings can be asked for, sorted by name.
/// IUnknown is windows-core's own; one without an IID cannot be asked for by name
/// ([`without_iid`]), only reached from a signature.
pub fn interface_names(model: &Model) -> Vec<String> {
    let mut names: Vec<String> = model
        .root_interfaces()
        .filter(|i| i.name != "IUnknown" && i.iid.is_some())
        .map(|i| i.name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The interfaces without an IID.
pub fn without_iid(model: &Model) -> Vec<String> {
    model
        .root_interfaces()
        .filter(|i| i.iid.is_none())
        .map(|i| i.name.clone())
        .collect()
}

/// One module of bindings: a Rust module name in its crate, what it came from (a file,
/// a range of interfaces), the interfaces asked for, and the bindings (or why there are
/// none).
pub struct Module {
    pub name: String,
    pub label: String,
    pub interfaces: Vec<String>,
    pub text: Result<String, String>,
}

impl Module {
    /// Bindings for `interfaces` of `model`, as module `name`.
    pub fn bind(model: &Model, name: &str, label: &str, interfaces: &[String]) -> Module {
        let selection = Selection {
            interfaces: interfaces.to_vec(),
            constants: vec![],
            root_constants: false,
            ..Selection::default()
        };
        Module {
            name: name.to_string(),
            label: label.to_string(),
            interfaces: interfaces.to_vec(),
            text: bindings(model, &selection, &[]).map_err(|e| e.to_string()),
        }
    }
}

/// One module that did not pass, and why.
pub struct Failure {
    /// The module's label (`file.idl`, or `IA .. IZ` for a chunk).
    pub label: String,
    pub interfaces: Vec<String>,
    pub errors: Vec<String>,
}

pub struct Outcome {
    pub total: usize,
    pub compiled: usize,
    pub failures: Vec<Failure>,
}

/// The Win32 chunks: `chunk` interfaces (in the given order) per crate, one module each.
pub fn chunks(model: &Model, names: &[String], chunk: usize) -> Vec<Vec<Module>> {
    names
        .chunks(chunk.max(1))
        .map(|group| {
            let label = format!("{} .. {}", group[0], group[group.len() - 1]);
            vec![Module::bind(model, "bindings", &label, group)]
        })
        .collect()
}

/// Writes one crate per entry of `crates` under `dir` (its modules beside the runtime's
/// oleaut.rs and hresult.rs) and checks each. A crate that passes compiles all its
/// bound modules' interfaces; in one that fails, each module with an error is a
/// [`Failure`] (all of them when the errors name no module), and the rest count as
/// neither compiled nor failed. A module without bindings is a failure.
pub fn sweep(crates: &[Vec<Module>], dir: &Path, target: &Path) -> Outcome {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut outcome = Outcome {
        total: crates.iter().flatten().map(|m| m.interfaces.len()).sum(),
        compiled: 0,
        failures: Vec::new(),
    };
    for (n, modules) in crates.iter().enumerate() {
        if modules.is_empty() {
            continue;
        }
        let krate = dir.join(format!("sweep{n:03}"));
        let errors = match write_crate(modules, &krate, repo) {
            Ok(()) => check(&krate, target),
            Err(e) => vec![e],
        };
        let unbound = modules.iter().filter(|m| m.text.is_err()).count();
        let last = &modules[modules.len() - 1].label;
        eprintln!(
            "crate {n}: {}{}: {}{}",
            modules[0].label,
            if modules.len() > 1 {
                format!(" .. {last}")
            } else {
                String::new()
            },
            if errors.is_empty() {
                "ok".to_string()
            } else {
                format!("{} errors", errors.len())
            },
            if unbound > 0 {
                format!(", {unbound} modules without bindings")
            } else {
                String::new()
            }
        );
        let named_any = modules
            .iter()
            .any(|m| errors.iter().any(|e| e.contains(&format!("src/{}.rs:", m.name))));
        for m in modules {
            let file = format!("src/{}.rs:", m.name);
            let mine: Vec<String> = match &m.text {
                Err(e) => vec![format!("bindings: {e}")],
                Ok(_) if named_any => errors.iter().filter(|e| e.contains(&file)).cloned().collect(),
                Ok(_) => errors.clone(),
            };
            if mine.is_empty() && errors.is_empty() {
                outcome.compiled += m.interfaces.len();
            } else if !mine.is_empty() {
                outcome.failures.push(Failure {
                    label: m.label.clone(),
                    interfaces: m.interfaces.clone(),
                    errors: mine,
                });
            }
        }
    }
    outcome
}

/// One crate under `krate`: `modules` beside the runtime's oleaut.rs, hresult.rs and trace.rs.
pub fn write_crate(modules: &[Module], krate: &Path, repo: &Path) -> Result<(), String> {
    let src = krate.join("src");
    std::fs::create_dir_all(&src).map_err(|e| e.to_string())?;
    let name = krate.file_name().and_then(|n| n.to_str()).unwrap_or("sweep");
    let mut lib = String::from("pub mod hresult;\npub mod oleaut;\npub mod trace;\n");
    let mut files: Vec<(PathBuf, String)> = vec![
        (
            krate.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
                 [dependencies]\nwindows-core = \"0.100\"\nlog = \"0.4\"\n\n[workspace]\n"
            ),
        ),
        (src.join("trace.rs"), read(&repo.join("templates/runtime/trace.rs"))?),
        (src.join("oleaut.rs"), read(&repo.join("templates/runtime/oleaut.rs"))?),
        (
            src.join("hresult.rs"),
            read(&repo.join("templates/runtime/hresult.rs"))?,
        ),
    ];
    for m in modules {
        if let Ok(text) = &m.text {
            lib.push_str(&format!("pub mod {};\n", m.name));
            files.push((src.join(format!("{}.rs", m.name)), text.clone()));
        }
    }
    files.push((src.join("lib.rs"), lib));
    for (path, text) in files {
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    // A sample's lock pins windows-core and its dependencies, so the check resolves them
    // without a registry update.
    std::fs::copy(repo.join("samples/osc-provider/Cargo.lock"), krate.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// `cargo check` of one crate: its error lines, none if it passes.
pub fn check(krate: &Path, target: &Path) -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--message-format", "short"])
        .current_dir(krate)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "")
        .output()
        .expect("run cargo check");
    if out.status.success() {
        return Vec::new();
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains("error"))
        .filter(|l| !l.starts_with("error: could not compile"))
        .map(str::to_string)
        .collect();
    if errors.is_empty() {
        vec![stderr.into_owned()]
    } else {
        errors
    }
}
