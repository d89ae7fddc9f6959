//! `oscgen new` and `oscgen generate`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::cli::{Failure, Verbosity, print_warnings, render_error, verbosity};
use crate::emit::probe::client::Sdk;
use crate::project::config::Threading;
use crate::project::office_addin::OfficeHost;
use crate::project::run::{self, NewProject, Outcome};
use crate::project::template::Template;
use crate::project::write::{ChangeKind, Mode};
use crate::source::SourceMap;

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
    /// Kind of project
    #[arg(long, value_enum, default_value_t = Template::OscProvider)]
    template: Template,
    /// IDL or WinMD files (or .NET interop assemblies) declaring the interfaces, instead of
    /// the built-in ones (osc.idl, mapi.idl); `win32` means the Win32 metadata. Recorded in
    /// oscgen.toml, relative to the project
    #[arg(long = "input", value_name = "FILE")]
    inputs: Vec<PathBuf>,
    /// com-server: the interfaces the server object implements (comma-separated or repeated)
    #[arg(long, value_name = "IFoo,IBar", value_delimiter = ',')]
    implement: Vec<String>,
    /// Directory searched for imports of the --input files, and for the type libraries they
    /// importlib; repeatable, recorded in oscgen.toml
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    include_dirs: Vec<PathBuf>,
    /// Define a preprocessor macro for the IDL inputs (`-D BOOL=WINBOOL` for mingw-w64's
    /// IDL); repeatable, recorded in oscgen.toml
    #[arg(short = 'D', long = "define", value_name = "NAME[=VALUE]")]
    defines: Vec<String>,
    /// Remove a predefined or -D macro; repeatable, recorded in oscgen.toml
    #[arg(short = 'U', long = "undefine", value_name = "NAME")]
    undefines: Vec<String>,
    /// com-server: write the inputs' type library, embed it in the DLL and register it
    /// (`[typelib]` in oscgen.toml; a fresh LIBID when the inputs declare no library)
    #[arg(long)]
    typelib: bool,
    /// com-server: `apartment` registers ThreadingModel=Apartment and makes the object
    /// non-agile, so COM calls it on its creating thread only and gives other apartments a
    /// proxy; `both` (the default) lets any thread call it
    #[arg(long, value_enum, default_value = "both")]
    threading: Threading,
    /// outlook-addin (or com-server): the Office application that loads the add-in,
    /// repeatable; registered under HKCU\Software\Microsoft\Office\<APP>\Addins
    /// (`[office_addin]` in oscgen.toml). An outlook-addin defaults to Outlook
    #[arg(long = "office-app", value_enum, value_name = "APP")]
    office_apps: Vec<OfficeHost>,
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
    /// Where to write probe-client.c (or .cpp) and the built-in IDL files widl reads
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// The SDK's C headers (/usr/share/mingw-w64/include): the client includes the one that
    /// declares each interface, if one does (needed for WinMD inputs, which have no IDL)
    #[arg(long, value_name = "DIR")]
    sdk_include: Option<PathBuf>,
    /// The SDK's IDL files: for an interface no --sdk-include header declares, widl writes
    /// the header from the IDL file here that defines it (listed on stdout)
    #[arg(long, value_name = "DIR")]
    sdk_idl: Option<PathBuf>,
}

pub fn new(args: NewArgs) -> Result<ExitCode, Failure> {
    let request = NewProject {
        dir: args.dir,
        template: args.template,
        name: args.name,
        network_name: args.network_name,
        url: args.url,
        prog_id: args.prog_id,
        inputs: args.inputs,
        implement: args.implement,
        include_dirs: args.include_dirs,
        defines: args.defines,
        undefines: args.undefines,
        typelib: args.typelib,
        threading: args.threading,
        office_apps: args.office_apps,
    };
    let mut sources = SourceMap::new();
    let outcome = run::new(&mut sources, &request).map_err(|e| failure(&sources, e))?;
    report(&sources, &request.dir, &outcome);
    if verbosity() == Verbosity::Quiet {
        return Ok(ExitCode::SUCCESS);
    }
    let dir = &request.dir;
    let mut out = std::io::stdout().lock();
    if verbosity() == Verbosity::Verbose {
        for c in &outcome.changes {
            let _ = writeln!(out, "created {}", c.path.display());
        }
    }
    let _ = writeln!(
        out,
        "Created {} ({} files) for {}.",
        dir.display(),
        outcome.changes.len(),
        outcome.config.network_name()
    );
    let _ = writeln!(out, "Next: cd {} && cargo test", dir.display());
    Ok(ExitCode::SUCCESS)
}

pub fn generate(args: GenerateArgs) -> Result<ExitCode, Failure> {
    let dir = &args.dir;
    let mode = if args.check {
        Mode::Check
    } else if args.dry_run {
        Mode::DryRun
    } else {
        Mode::Write
    };
    let mut sources = SourceMap::new();
    let outcome = run::generate(&mut sources, dir, mode).map_err(|e| failure(&sources, e))?;
    report(&sources, dir, &outcome);
    let changes = outcome.changes;
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

/// `oscgen probe-client`: the C client of the project's class, and on stdout one line per
/// header widl must write for it: name, IDL file and widl's flags, tab-separated.
pub fn probe_client(args: ProbeClientArgs) -> Result<ExitCode, Failure> {
    let mut sources = SourceMap::new();
    let sdk = Sdk {
        include: args.sdk_include,
        idl: args.sdk_idl,
    };
    let written = run::probe_client(&mut sources, &args.dir, &args.out_dir, &sdk).map_err(|e| failure(&sources, e))?;
    if verbosity() != Verbosity::Quiet && written.source.extension().is_some_and(|e| e == "cpp") {
        eprintln!(
            "note: {} is C++: a header declares an interface for C++ only; compile it with g++",
            written.source.display()
        );
    }
    let mut out = std::io::stdout().lock();
    for h in written.headers {
        let mut line = vec![h.name, h.idl.display().to_string()];
        line.extend(h.flags);
        let _ = writeln!(out, "{}", line.join("\t"));
    }
    Ok(ExitCode::SUCCESS)
}

/// The inputs' warnings, and what the user must change by hand (whatever the mode: oscgen
/// never rewrites the user's code), on stderr.
/// `--quiet` promises errors only, so it silences both.
fn report(sources: &SourceMap, dir: &Path, outcome: &Outcome) {
    if verbosity() == Verbosity::Quiet {
        return;
    }
    print_warnings(sources, &outcome.warnings);
    let mut err = std::io::stderr().lock();
    for notice in &outcome.notices {
        let shown = dir.join(&notice.path);
        let _ = writeln!(err, "warning: {}:{}: {}", shown.display(), notice.line, notice.message);
    }
}

/// A load error shows its diagnostics (file:line:column, exit 2); the rest, its message.
fn failure(sources: &SourceMap, e: run::Error) -> Failure {
    match e {
        run::Error::Load(e) => render_error(sources, e),
        other => Failure::usage(other.to_string()),
    }
}
