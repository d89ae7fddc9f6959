//! `oscgen new` and `oscgen generate`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::cli::{Failure, Verbosity, render_error, verbosity};
use crate::emit::project::{self, camel_case};
use crate::project::config::{self, Config, InputSection, ProjectSection, ProviderSection, fresh_guid};
use crate::project::inputs;
use crate::project::naming;
use crate::project::write::{self, ChangeKind, Mode};
use crate::source::SourceMap;
use crate::winmd::win32;

#[derive(Args, Debug)]
pub struct NewArgs {
    /// Directory to create (it must not exist, or be empty)
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// The project's name, as people read it ("Contoso Social"): the network name and the
    /// registry's description use it as given, and the crate (and DLL) name is derived from
    /// it: lowercase ASCII words joined by `-` ("contoso-social", "contoso_social.dll")
    /// [default: from the directory's name]
    #[arg(long)]
    name: Option<String>,
    /// The social network's display name [default: from the crate name]
    #[arg(long, value_name = "TEXT")]
    network_name: Option<String>,
    /// The network's web site (get_DefaultSiteUrls and the registry's Url value)
    #[arg(long, value_name = "URL", default_value = "https://www.example.com/")]
    url: String,
    /// COM ProgID [default: <Name>.Provider]
    #[arg(long, value_name = "PROGID")]
    prog_id: Option<String>,
    /// Kind of project: an Outlook Social Connector provider, a fake IMAPISession for
    /// testing MAPI clients, or an in-process COM server for any interfaces (--input, --implement)
    #[arg(long, default_value = "osc-provider", value_parser = ["osc-provider", "mapi-session", "com-server"])]
    template: String,
    /// IDL or WinMD files (or .NET interop assemblies) declaring the interfaces, instead of
    /// the built-in ones (osc.idl, mapi.idl); `win32` means the Win32 metadata. Recorded in
    /// oscgen.toml, relative to the project
    #[arg(long = "input", value_name = "FILE")]
    inputs: Vec<PathBuf>,
    /// com-server: the interfaces the server object implements (comma-separated or repeated)
    #[arg(long, value_name = "IFoo,IBar", value_delimiter = ',')]
    implement: Vec<String>,
    /// Directory searched for imports of the --input files; repeatable, recorded in oscgen.toml
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    include_dirs: Vec<PathBuf>,
    /// Define a preprocessor macro for the IDL inputs (`-D BOOL=WINBOOL` for mingw-w64's
    /// IDL); repeatable, recorded in oscgen.toml
    #[arg(short = 'D', long = "define", value_name = "NAME[=VALUE]")]
    defines: Vec<String>,
    /// Remove a predefined or -D macro; repeatable, recorded in oscgen.toml
    #[arg(short = 'U', long = "undefine", value_name = "NAME")]
    undefines: Vec<String>,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// The project directory (the one holding oscgen.toml)
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Write nothing; exit 1 and print a unified diff if any file would change
    #[arg(long, conflicts_with = "dry_run")]
    check: bool,
    /// Write nothing; list the files that would change
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args, Debug)]
pub struct ProbeClientArgs {
    /// The project directory (the one holding oscgen.toml)
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Where to write probe-client.c (and the built-in IDL files widl reads)
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
}

pub fn new(args: NewArgs) -> Result<ExitCode, Failure> {
    let dir = &args.dir;
    if let Ok(meta) = std::fs::symlink_metadata(dir) {
        if !meta.is_dir() {
            return Err(Failure::usage(format!(
                "{} exists and is not a directory",
                dir.display()
            )));
        }
        let empty = std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty {
            return Err(Failure::usage(format!(
                "{} already exists and is not empty\n  = to regenerate an existing project, run `oscgen generate {}`",
                dir.display(),
                dir.display()
            )));
        }
    }
    // The name as given is the display name (network name, registry description); the
    // crate name, and with it the DLL's, is derived from it.
    let (display, name) = match &args.name {
        Some(n) => (n.clone(), naming::crate_name(n)),
        None => {
            let base = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| Failure::usage(format!("cannot take a name from {}; pass --name", dir.display())))?;
            (title_case(&base), naming::crate_name(&base))
        }
    };
    let name = name.map_err(|e| Failure::usage(e.to_string()))?;
    let camel = camel_case(&name);
    let osc = args.template == "osc-provider";
    let config = Config {
        project: ProjectSection {
            name: name.clone(),
            template: args.template.clone(),
        },
        provider: ProviderSection {
            network_name: osc.then(|| args.network_name.clone().unwrap_or_else(|| display.clone())),
            prog_id: args.prog_id.clone().unwrap_or_else(|| {
                let suffix = if osc { "Provider" } else { "Server" };
                format!("{camel}.{suffix}")
            }),
            clsid: fresh_guid().to_string(),
            network_guid: osc.then(|| fresh_guid().to_string()),
            url: osc.then(|| args.url.clone()),
            version: osc.then(|| "1.0".to_string()),
            description: (!osc).then(|| match args.template.as_str() {
                "mapi-session" => format!("{display} (a test double of MAPI's IMAPISession)"),
                _ => format!("{display} COM server"),
            }),
        },
        input: InputSection {
            idl: args
                .inputs
                .iter()
                .map(|p| {
                    if win32::is_shortcut(p) {
                        win32::INPUT_NAME.to_string()
                    } else {
                        inputs::relative_to(dir, p)
                    }
                })
                .collect(),
            include_dirs: args.include_dirs.iter().map(|p| inputs::relative_to(dir, p)).collect(),
            defines: args.defines.clone(),
            undefines: args.undefines.clone(),
            implement: args
                .implement
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        },
    };
    if args.template == "com-server" && (args.inputs.is_empty() || config.input.implement.is_empty()) {
        return Err(Failure::usage(
            "the com-server template needs --input (an .idl, a .winmd, or win32) and --implement IFoo[,IBar..]\n  = example: oscgen new my-server --template com-server --input win32 --implement IDropTarget",
        ));
    }
    // Check the inputs exist before anything is written, with the paths the user typed.
    for input in &args.inputs {
        if !input.is_file() && !win32::is_shortcut(input) {
            return Err(Failure::usage(format!("{}: no such input file", input.display())));
        }
    }
    let changes = build(dir, &config, Mode::Write)?;
    if verbosity() == Verbosity::Quiet {
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    if verbosity() == Verbosity::Verbose {
        for c in &changes {
            let _ = writeln!(out, "created {}", c.path.display());
        }
    }
    let _ = writeln!(
        out,
        "Created {} ({} files) for {}.",
        dir.display(),
        changes.len(),
        config.network_name()
    );
    let _ = writeln!(out, "Next: cd {} && cargo test", dir.display());
    Ok(ExitCode::SUCCESS)
}

pub fn generate(args: GenerateArgs) -> Result<ExitCode, Failure> {
    let dir = &args.dir;
    if !dir.join(config::FILE_NAME).is_file() {
        return Err(Failure::usage(format!(
            "{} has no {} (create a project with `oscgen new`)",
            dir.display(),
            config::FILE_NAME
        )));
    }
    let config = Config::load(dir).map_err(|e| Failure::usage(e.to_string()))?;
    let mode = if args.check {
        Mode::Check
    } else if args.dry_run {
        Mode::DryRun
    } else {
        Mode::Write
    };
    let changes = build(dir, &config, mode)?;
    let mut out = std::io::stdout().lock();
    match mode {
        Mode::Check => {
            for c in &changes {
                let _ = out.write_all(c.diff.as_bytes());
            }
            if changes.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            let mut err = std::io::stderr().lock();
            let _ = writeln!(
                err,
                "error: {} file(s) are out of date; run `oscgen generate` to update them",
                changes.len()
            );
            Ok(ExitCode::from(1))
        }
        Mode::DryRun | Mode::Write => {
            let verb = |k: &ChangeKind| {
                let (would, did) = match k {
                    ChangeKind::Create => ("would create".to_string(), "created".to_string()),
                    ChangeKind::Update => ("would update".to_string(), "updated".to_string()),
                    ChangeKind::Remove => (
                        "would remove (no longer oscgen's)".to_string(),
                        "removed (no longer oscgen's)".to_string(),
                    ),
                    ChangeKind::AddStubs { stubs, interfaces } => {
                        let mut what = Vec::new();
                        if !interfaces.is_empty() {
                            what.push(format!("{} to #[implement(...)]", interfaces.join(", ")));
                        }
                        if *stubs > 0 {
                            what.push(format!("{stubs} method stub(s)"));
                        }
                        let what = what.join(" and ");
                        (format!("would add {what} to"), format!("added {what} to"))
                    }
                };
                if mode == Mode::DryRun { would } else { did }
            };
            if verbosity() == Verbosity::Quiet && mode == Mode::Write {
                return Ok(ExitCode::SUCCESS);
            }
            for c in &changes {
                let _ = writeln!(out, "{} {}", verb(&c.kind), c.path.display());
            }
            if changes.is_empty() {
                let _ = writeln!(out, "up to date");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Loads the model, plans the project and applies the plan; what the user must change by
/// hand is printed as warnings, whatever the mode, since oscgen never rewrites the user's
/// code.
fn build(dir: &Path, config: &Config, mode: Mode) -> Result<Vec<write::Change>, Failure> {
    let (_, plan) = plan(dir, config)?;
    let applied = write::apply(dir, &plan, mode).map_err(|e| Failure::usage(e.to_string()))?;
    let mut err = std::io::stderr().lock();
    for notice in &applied.notices {
        let shown = dir.join(&notice.path);
        let _ = writeln!(err, "warning: {}:{}: {}", shown.display(), notice.line, notice.message);
    }
    Ok(applied.changes)
}

/// `oscgen probe-client`: the C client of the project's class.
pub fn probe_client(args: ProbeClientArgs) -> Result<ExitCode, Failure> {
    use crate::emit::probe::StubScan;
    use crate::emit::probe::client::{self, HeaderSource};
    let dir = &args.dir;
    let config = Config::load(dir).map_err(|e| Failure::usage(e.to_string()))?;
    let (model, plan) = plan(dir, &config)?;
    let info = &plan.probe;
    // Which methods are still stubs: from each object's user file as it is now.
    let scanned: Vec<(String, Option<StubScan>)> = info
        .objects
        .iter()
        .map(|o| {
            let found = std::fs::read_to_string(dir.join(&o.file))
                .ok()
                .and_then(|text| crate::emit::probe::scan_stubs(&text, &o.type_name));
            (o.type_name.clone(), found)
        })
        .collect();
    struct Scanned(Vec<(String, Option<StubScan>)>);
    impl client::Stubs for Scanned {
        fn is_stub(&self, object: &str, interface: &str, rust_name: &str) -> Option<bool> {
            let (_, list) = self.0.iter().find(|(o, _)| o == object)?;
            list.as_ref()?
                .iter()
                .find(|(i, m, _)| i == interface && m == rust_name)
                .map(|(_, _, stub)| *stub)
        }
    }
    let scanned = Scanned(scanned);
    let spec = client::Spec {
        model: &model,
        table: &info.table,
        objects: &info.objects,
        prog_id: &info.prog_id,
        dll_name: &info.dll_name,
        stubs: &scanned,
    };
    let c = client::c_client(&spec).ok_or_else(|| Failure::usage("the project serves no class to probe"))?;
    let out_dir = &args.out_dir;
    let io = |e: std::io::Error| Failure::usage(format!("{}: {e}", out_dir.display()));
    std::fs::create_dir_all(out_dir).map_err(io)?;
    std::fs::write(out_dir.join(format!("{}.c", client::PROGRAM)), &c.source).map_err(io)?;
    let mut out = std::io::stdout().lock();
    let mut flags: Vec<String> = config
        .input
        .include_dirs
        .iter()
        .map(|d| format!("-I{}", dir.join(d).display()))
        .collect();
    flags.extend(config.input.defines.iter().map(|d| format!("-D{d}")));
    flags.extend(config.input.undefines.iter().map(|d| format!("-U{d}")));
    for h in &c.headers {
        let idl = match &h.source {
            HeaderSource::System => continue,
            HeaderSource::Builtin(name, text) => {
                let path = out_dir.join(name);
                std::fs::write(&path, text).map_err(io)?;
                path
            }
            HeaderSource::Idl(path) => path.clone(),
        };
        let mut line = vec![h.name.clone(), idl.display().to_string()];
        line.extend(flags.iter().cloned());
        let _ = writeln!(out, "{}", line.join("\t"));
    }
    Ok(ExitCode::SUCCESS)
}

/// Loads the model and plans the project.
fn plan(dir: &Path, config: &Config) -> Result<(crate::model::Model, crate::project::plan::Plan), Failure> {
    let mut sources = SourceMap::new();
    let scope = project::scope(config);
    let (model, warnings) = inputs::load(&mut sources, config, dir, &scope).map_err(|e| render_error(&sources, e))?;
    crate::cli::print_warnings(&sources, &warnings);
    let plumbing = crate::load::plumbing(&mut sources).map_err(|e| render_error(&sources, e))?;
    let description = inputs::describe(config);
    let inputs = project::Inputs {
        model: &model,
        plumbing: &plumbing,
        description: &description,
    };
    let plan = project::plan(&inputs, config).map_err(|e| Failure::usage(e.to_string()))?;
    Ok((model, plan))
}

/// `My Provider` from `my-provider`.
fn title_case(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(camel_case)
        .collect::<Vec<_>>()
        .join(" ")
}
