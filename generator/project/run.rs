//! What each project command does, as one call: `new` (a fresh oscgen.toml, then every
//! file), `generate` (oscgen.toml as it is, then every file) and `probe-client` (the C
//! client of the slot probe). The CLI parses arguments and prints; the rest is here.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::emit::probe::client::{self, HeaderSource};
use crate::emit::probe::{StubScan, scan_stubs};
use crate::emit::project::addin::CALLBACK as ADDIN_CALLBACK;
use crate::emit::project::plan::{Dependency, Plan};
use crate::emit::project::{self, CI_WORKFLOW, TESTS_RS, camel_case};
use crate::model::Model;
use crate::project::config::{
    self, Config, ConfigError, InputSection, ProjectSection, ProviderSection, RibbonSection, Threading, TypelibSection,
    fresh_guid,
};
use crate::project::inputs;
use crate::project::naming::{self, NameError};
use crate::project::office_addin::{LOAD_AT_STARTUP, OfficeAddinSection, OfficeHost};
use crate::project::origin::Origin;
use crate::project::review::Notice;
use crate::project::template::{Binding, Template};
use crate::project::write::{self, Change, ChangeKind, Mode, WriteError};
use crate::source::SourceMap;
use crate::winmd::win32;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} exists and is not a directory", .0.display())]
    NotADirectory(PathBuf),
    #[error(
        "{} already exists and is not empty\n  = to regenerate an existing project, run `oscgen generate {}`",
        .0.display(), .0.display()
    )]
    NotEmpty(PathBuf),
    #[error("cannot take a name from {}; pass --name", .0.display())]
    NoName(PathBuf),
    #[error("{} has no {} (create a project with `oscgen new`)", .0.display(), config::FILE_NAME)]
    NotAProject(PathBuf),
    #[error("{}: no such input file", .0.display())]
    NoSuchInput(PathBuf),
    #[error(
        "the {0} template needs --input (an .idl, a .winmd, or win32) and --implement IFoo[,IBar..]\n  = example: oscgen new my-server --template {0} --input win32 --implement IDropTarget"
    )]
    NeedsInputs(Template),
    #[error(transparent)]
    Name(#[from] NameError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The inputs did not load; its diagnostics point into the caller's `SourceMap`.
    #[error(transparent)]
    Load(#[from] crate::load::Error),
    #[error(transparent)]
    Plan(#[from] project::Error),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("the project serves no class to probe")]
    NothingToProbe,
    #[error(transparent)]
    Header(#[from] client::HeaderError),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// What `oscgen new` is asked for.
#[derive(Clone, Debug)]
pub struct NewProject {
    pub dir: PathBuf,
    pub template: Template,
    /// The display name; `None`: from the directory's name.
    pub name: Option<String>,
    pub network_name: Option<String>,
    pub url: String,
    pub prog_id: Option<String>,
    pub inputs: Vec<PathBuf>,
    pub implement: Vec<String>,
    pub include_dirs: Vec<PathBuf>,
    pub defines: Vec<String>,
    pub undefines: Vec<String>,
    /// Write, embed and register the inputs' type library (`[typelib]` in oscgen.toml).
    pub typelib: bool,
    /// The class's threading model (`provider.threading`).
    pub threading: Threading,
    /// The Office applications that load the add-in (`office_addin.hosts`).
    pub office_apps: Vec<OfficeHost>,
}

/// What a command did to the project.
#[derive(Debug)]
pub struct Outcome {
    pub config: Config,
    /// Files created, updated or removed; under `--check` and `--dry-run`, those that would be.
    pub changes: Vec<Change>,
    /// User code that no longer matches the interfaces (oscgen never rewrites it).
    pub notices: Vec<Notice>,
    /// Warnings about the inputs (a name resolved in another letter case).
    pub warnings: Vec<Diagnostic>,
}

/// `oscgen new`: a project in `request.dir`, which must not exist or be empty. Nothing is
/// written unless everything loads and plans.
pub fn new(sources: &mut SourceMap, request: &NewProject) -> Result<Outcome, Error> {
    let dir = &request.dir;
    if let Ok(meta) = std::fs::symlink_metadata(dir) {
        if !meta.is_dir() {
            return Err(Error::NotADirectory(dir.clone()));
        }
        let empty = std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty {
            return Err(Error::NotEmpty(dir.clone()));
        }
    }
    let mut config = config_for(request)?;
    // The inputs must exist before anything is written, as the user typed them.
    if let Some(missing) = request.inputs.iter().find(|i| !i.is_file() && !win32::is_shortcut(i)) {
        return Err(Error::NoSuchInput(missing.clone()));
    }
    if config.embeds_typelib() && config.project.template != Template::ComServer {
        return Err(Error::Config(ConfigError::Invalid {
            path: "--typelib".to_string(),
            message: format!(
                "`typelib.embed` is for com-server projects, whose inputs declare their own library, not the {} template",
                config.project.template
            ),
        }));
    }
    if config.provider.threading != Threading::Both && config.project.template != Template::ComServer {
        return Err(Error::Config(ConfigError::Invalid {
            path: "--threading".to_string(),
            message: format!(
                "`provider.threading` is for com-server projects: the {} template's host calls its objects from any thread (ThreadingModel=Both)",
                config.project.template
            ),
        }));
    }
    // What oscgen.toml would be refused for at the next `generate` (`--office-app` on a
    // template no Office application loads, ...), refused before anything is written.
    config.validate().map_err(|message| {
        Error::Config(ConfigError::Invalid {
            path: "oscgen new".to_string(),
            message,
        })
    })?;
    if config.embeds_typelib() {
        // Inputs that declare no library get one of their own: a fresh LIBID, kept in
        // oscgen.toml as the CLSID is. A declared library keeps its own uuid and version.
        let (model, _) = inputs::load(sources, &config, dir, &project::scope(&config))?;
        if crate::emit::project::typelib::declared(&model).is_none() {
            config.typelib = Some(TypelibSection {
                embed: true,
                libid: Some(fresh_guid()),
                version: Some("1.0".to_string()),
            });
        }
    }
    apply(sources, dir, config, Mode::Write)
}

/// `oscgen generate`: the project's files from its oscgen.toml, written, checked or
/// previewed as `mode` says.
pub fn generate(sources: &mut SourceMap, dir: &Path, mode: Mode) -> Result<Outcome, Error> {
    if !dir.join(config::FILE_NAME).is_file() {
        return Err(Error::NotAProject(dir.to_path_buf()));
    }
    let config = Config::load(dir)?;
    apply(sources, dir, config, mode)
}

/// A header the probe client includes that widl must write first, from `idl`.
#[derive(Debug)]
pub struct ClientHeader {
    pub name: String,
    pub idl: PathBuf,
    /// widl's `-I`, `-D` and `-U` arguments, from oscgen.toml.
    pub flags: Vec<String>,
}

/// What `oscgen probe-client` wrote.
#[derive(Debug)]
pub struct ProbeClient {
    /// `probe-client.c`, or `probe-client.cpp` when a header declares an interface for C++ only.
    pub source: PathBuf,
    /// The headers widl must write beside it.
    pub headers: Vec<ClientHeader>,
}

/// `oscgen probe-client`: writes `probe-client.c` (or `.cpp`, see [`ProbeClient`]) and the
/// built-in IDL it needs into `out_dir`; `sdk` says where the SDK's headers and IDL are.
pub fn probe_client(
    sources: &mut SourceMap,
    dir: &Path,
    out_dir: &Path,
    sdk: &client::Sdk,
) -> Result<ProbeClient, Error> {
    let config = Config::load(dir)?;
    let (model, plan, _) = plan(sources, dir, &config, &Origin::Unknown)?;
    let info = &plan.probe;
    // Which methods are still stubs: from each object's user file as it is now.
    let scanned = Scanned(
        info.objects
            .iter()
            .map(|o| {
                let found = std::fs::read_to_string(dir.join(&o.file))
                    .ok()
                    .and_then(|text| scan_stubs(&text, &o.type_name));
                (o.type_name.clone(), found)
            })
            .collect(),
    );
    let spec = client::Spec {
        model: &model,
        table: &info.table,
        objects: &info.objects,
        prog_id: &info.prog_id,
        dll_name: &info.dll_name,
        stubs: &scanned,
        sdk,
    };
    let c = client::c_client(&spec)?.ok_or(Error::NothingToProbe)?;
    let io = |source| Error::Io {
        path: out_dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(out_dir).map_err(io)?;
    // The other language's file of an earlier run would be compiled by mistake.
    for stale in [client::Dialect::C, client::Dialect::Cpp] {
        if stale != c.dialect {
            let _ = std::fs::remove_file(out_dir.join(stale.file_name()));
        }
    }
    let source = out_dir.join(c.dialect.file_name());
    std::fs::write(&source, &c.source).map_err(io)?;
    let mut flags: Vec<String> = config
        .input
        .include_dirs
        .iter()
        .map(|d| format!("-I{}", dir.join(d).display()))
        .collect();
    flags.extend(config.input.defines.iter().map(|d| format!("-D{d}")));
    flags.extend(config.input.undefines.iter().map(|d| format!("-U{d}")));
    let mut headers = Vec::new();
    for h in &c.headers {
        let idl = match &h.source {
            HeaderSource::System => continue,
            HeaderSource::Builtin(name, text) => {
                let path = out_dir.join(name);
                std::fs::write(&path, text).map_err(io)?;
                path
            }
            HeaderSource::Idl(path) => path.clone(),
            HeaderSource::SdkIdl(path) => {
                // The SDK's IDL imports its neighbours; mingw-w64's headers call wtypes.idl's
                // BOOL WINBOOL, and its IDL files use that name.
                let dir = path.parent().unwrap_or(Path::new("."));
                headers.push(ClientHeader {
                    name: h.name.clone(),
                    idl: path.clone(),
                    flags: vec![format!("-I{}", dir.display()), "-DBOOL=WINBOOL".to_string()],
                });
                continue;
            }
        };
        headers.push(ClientHeader {
            name: h.name.clone(),
            idl,
            flags: flags.clone(),
        });
    }
    Ok(ProbeClient { source, headers })
}

/// The stubs each object's file still has, by object type name.
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

fn apply(sources: &mut SourceMap, dir: &Path, config: Config, mode: Mode) -> Result<Outcome, Error> {
    let origin = Origin::detect();
    let (_, mut plan, warnings) = plan(sources, dir, &config, &origin)?;
    keep_earlier_tests(dir, &config, &mut plan);
    let applied = write::apply(dir, &plan, mode)?;
    let mut notices = applied.notices;
    let workflow = Path::new(CI_WORKFLOW);
    let writes_workflow = applied
        .changes
        .iter()
        .any(|c| c.path == workflow && c.kind == ChangeKind::Create);
    if writes_workflow && origin.install_command().is_none() {
        let line = plan
            .files
            .iter()
            .find(|f| f.path == workflow)
            .and_then(|f| {
                f.contents
                    .split(|&b| b == b'\n')
                    .position(|l| l.ends_with(b"name: Install oscgen"))
            })
            .map_or(1, |i| i + 1);
        notices.push(Notice {
            path: CI_WORKFLOW.to_string(),
            line,
            message: "this oscgen was not installed from crates.io or a public git URL, so the CI \
                      workflow cannot install it: write the command that does in this step"
                .to_string(),
            removed: None,
        });
    }
    notices.extend(missing_dependencies(dir, &plan.dependencies));
    notices.extend(missing_build_dependencies(dir, &plan.build_dependencies));
    notices.extend(release_profile(dir));
    Ok(Outcome {
        config,
        changes: applied.changes,
        notices,
        warnings,
    })
}

/// The model of the project's inputs, read as far as its template needs, and the plan of
/// every file.
fn plan(
    sources: &mut SourceMap,
    dir: &Path,
    config: &Config,
    origin: &Origin,
) -> Result<(Model, Plan, Vec<Diagnostic>), Error> {
    let scope = project::scope(config);
    let (model, warnings) = inputs::load(sources, config, dir, &scope)?;
    let plumbing = crate::load::plumbing(sources)?;
    let description = inputs::describe(config);
    let inputs = project::Inputs {
        model: &model,
        plumbing: &plumbing,
        description: &description,
        oscgen: origin,
    };
    let plan = project::plan(&inputs, config)?;
    Ok((model, plan, warnings))
}

/// oscgen.toml for a new project: the template's defaults, fresh GUIDs, and the inputs as
/// paths relative to the project.
fn config_for(request: &NewProject) -> Result<Config, Error> {
    let dir = &request.dir;
    let spec = request.template.spec();
    // The name as given is the display name (network name, registry description); the
    // crate name, and with it the DLL's, is derived from it.
    let (display, name) = match &request.name {
        Some(n) => (n.clone(), naming::crate_name(n)?),
        None => {
            let base = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| Error::NoName(dir.clone()))?;
            (title_case(&base), naming::crate_name(&base)?)
        }
    };
    let implement: Vec<String> = request
        .implement
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let takes_inputs = spec.binding == Binding::Implemented;
    if takes_inputs && (request.inputs.is_empty() || implement.is_empty()) {
        return Err(Error::NeedsInputs(request.template));
    }
    let osc = spec.social_network;
    let camel = camel_case(&name);
    Ok(Config {
        project: ProjectSection {
            name,
            template: request.template,
        },
        provider: ProviderSection {
            network_name: osc.then(|| request.network_name.clone().unwrap_or_else(|| display.clone())),
            prog_id: request
                .prog_id
                .clone()
                .unwrap_or_else(|| format!("{camel}.{}", spec.prog_id_suffix)),
            clsid: fresh_guid(),
            network_guid: osc.then(fresh_guid),
            url: osc.then(|| request.url.clone()),
            version: osc.then(|| "1.0".to_string()),
            description: spec.description(&display),
            threading: request.threading,
        },
        input: InputSection {
            idl: request
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
            include_dirs: request
                .include_dirs
                .iter()
                .map(|p| inputs::relative_to(dir, p))
                .collect(),
            defines: request.defines.clone(),
            undefines: request.undefines.clone(),
            implement,
            callbacks: Vec::new(),
        },
        typelib: request
            .typelib
            .then(TypelibSection::default)
            .map(|t| TypelibSection { embed: true, ..t }),
        office_addin: office_addin(request),
        host: None,
        // The button the template's ribbon XML declares calls this.
        ribbon: (request.template == Template::OutlookAddin).then(|| RibbonSection {
            callbacks: vec![ADDIN_CALLBACK.to_string()],
        }),
    })
}

/// An outlook-addin project registers with the applications `--office-app` names, Outlook
/// when none; other templates get a section only when asked.
fn office_addin(request: &NewProject) -> Option<OfficeAddinSection> {
    let mut hosts = request.office_apps.clone();
    if hosts.is_empty() {
        if request.template != Template::OutlookAddin {
            return None;
        }
        hosts.push(OfficeHost::Outlook);
    }
    Some(OfficeAddinSection {
        hosts,
        friendly_name: None,
        description: None,
        load_behavior: LOAD_AT_STARTUP,
    })
}

/// `My Provider` from `my-provider`.
fn title_case(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(camel_case)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The project's Cargo.toml, parsed; `None` when it is missing or does not parse (cargo's
/// to report).
fn manifest(dir: &Path) -> Option<(String, toml::Table)> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let table = text.parse::<toml::Table>().ok()?;
    Some((text, table))
}

/// Whether the library is built as an rlib, as projects generated before the tests moved
/// into `src/tests.rs` build it (beside the cdylib) for their `tests/` to link.
fn builds_rlib(manifest: &toml::Table) -> bool {
    let Some(lib) = manifest.get("lib").and_then(|l| l.as_table()) else {
        return false;
    };
    lib.get("crate-type")
        .and_then(|t| t.as_array())
        .is_none_or(|types| types.iter().any(|t| matches!(t.as_str(), Some("rlib" | "lib"))))
}

/// A project generated before the tests moved into `src/tests.rs` keeps them where they
/// are, as an integration test of the rlib its Cargo.toml still builds: new test-object
/// stubs go there, and a deleted tests file comes back there.
fn keep_earlier_tests(dir: &Path, config: &Config, plan: &mut Plan) {
    let Some(earlier) = plan.earlier_tests.clone() else {
        return;
    };
    if dir.join(TESTS_RS).exists() || !manifest(dir).is_some_and(|(_, m)| builds_rlib(&m)) {
        return;
    }
    if let Some(file) = plan.files.iter_mut().find(|f| f.path == Path::new(TESTS_RS)) {
        let crate_ident = config.project.name.replace('-', "_");
        file.contents = String::from_utf8_lossy(&file.contents)
            .replace("use crate as dll;", &format!("use {crate_ident} as dll;"))
            .into_bytes();
        file.path = earlier;
    }
}

/// Cargo.toml is the user's: a project generated before the release profile existed gets
/// no LTO (its library is also an rlib) and is told how to get the small DLL.
fn release_profile(dir: &Path) -> Vec<Notice> {
    let Some((text, manifest)) = manifest(dir) else {
        return Vec::new();
    };
    let line_of = |wanted: &dyn Fn(&str) -> bool| text.lines().position(|l| wanted(l.trim())).map_or(1, |i| i + 1);
    let mut notices = Vec::new();
    if builds_rlib(&manifest) {
        notices.push(Notice {
            path: "Cargo.toml".to_string(),
            line: line_of(&|l| l.starts_with("crate-type")),
            message: format!(
                "cargo does not apply LTO to a library that is also an rlib: for a DLL about a third \
                 the size, set `crate-type = [\"cdylib\"]` and move the tests into {TESTS_RS} \
                 (`#[cfg(test)] mod tests;` in src/lib.rs, `use crate as dll;` in the tests), as a \
                 new project has them"
            ),
            removed: None,
        });
    }
    let profile = manifest
        .get("profile")
        .and_then(|p| p.as_table())
        .and_then(|p| p.get("release"));
    if profile.is_none() {
        notices.push(Notice {
            path: "Cargo.toml".to_string(),
            line: line_of(&|l| l == "[workspace]"),
            message: "no [profile.release]: add the one a new project has (`lto = \"fat\"`, \
                      `codegen-units = 1`, `opt-level = \"z\"`, `debug = true`, `strip = \"none\"`, \
                      `panic = \"unwind\"`; README, \"Release build\") for a DLL about a third the size"
                .to_string(),
            removed: None,
        });
    }
    notices
}

/// Cargo.toml is the user's: when `src/generated/` needs a crate it does not list (a newer
/// oscgen's runtime, or a line the user deleted), say which line to add and where; likewise
/// the feature that turns on an optional crate, whose absence would leave the module's
/// `#[cfg(feature = ...)]` naming an unknown feature.
/// What the generated build.rs uses and the user's Cargo.toml does not list (a project
/// whose oscgen.toml turned `typelib.embed` on after `new`).
fn missing_build_dependencies(dir: &Path, needed: &[Dependency]) -> Vec<Notice> {
    let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
        return Vec::new();
    };
    let Ok(manifest) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let listed = |key: &str| {
        manifest
            .get("build-dependencies")
            .and_then(|t| t.as_table())
            .is_some_and(|t| t.contains_key(key))
    };
    needed
        .iter()
        .filter(|d| !listed(&d.name))
        .map(|d| Notice {
            path: "Cargo.toml".to_string(),
            line: 1,
            message: format!("add `{}` under [build-dependencies]: build.rs uses it", d.line()),
            removed: None,
        })
        .collect()
}

fn missing_dependencies(dir: &Path, needed: &[Dependency]) -> Vec<Notice> {
    let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
        return Vec::new();
    };
    // An unparsable Cargo.toml is cargo's to report.
    let Ok(manifest) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let section_line = |header: &str| text.lines().position(|l| l.trim() == header).map_or(1, |i| i + 1);
    let listed = |section: &str, key: &str| {
        manifest
            .get(section)
            .and_then(|t| t.as_table())
            .is_some_and(|t| t.contains_key(key))
    };
    let mut notices: Vec<Notice> = needed
        .iter()
        .filter(|d| !listed("dependencies", &d.name))
        .map(|d| Notice {
            path: "Cargo.toml".to_string(),
            line: section_line("[dependencies]"),
            message: match &d.feature {
                None => format!("add `{}` under [dependencies]: src/generated/ uses it", d.line()),
                Some(feature) => format!(
                    "add `{}` under [dependencies]: src/generated/ uses it with feature `{feature}`",
                    d.line()
                ),
            },
            removed: None,
        })
        .collect();
    let mut features: Vec<&str> = needed.iter().filter_map(|d| d.feature.as_deref()).collect();
    features.sort_unstable();
    features.dedup();
    for feature in features.into_iter().filter(|f| !listed("features", f)) {
        let enables: Vec<String> = needed
            .iter()
            .filter(|d| d.feature.as_deref() == Some(feature))
            .map(|d| format!("\"dep:{}\"", d.name))
            .collect();
        notices.push(Notice {
            path: "Cargo.toml".to_string(),
            line: section_line("[features]"),
            message: format!(
                "add `{feature} = [{}]` under [features]: src/generated/{feature}.rs is compiled with it",
                enables.join(", ")
            ),
            removed: None,
        });
    }
    notices
}
