//! The command line: argument parsing and the error edge. Each subcommand loads the
//! model through a front end and hands it to a back end; nothing else lives here.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::builtin;
use crate::idl::{Input, LoadOptions};
use crate::model::Model;
use crate::model::scope::Scope;
use crate::source::SourceMap;

mod host;
mod inspect;
mod project;
mod tlb;
mod winmd;

const EXAMPLES: &str = "\
Examples:
  oscgen new contoso-social --network-name Contoso   a new OSC provider project
  cd contoso-social && oscgen generate               regenerate what oscgen owns
  oscgen generate --check                            in CI: fail if generated files are stale
  oscgen inspect --interface ISocialProfile          one interface's vtable, slot by slot
  oscgen inspect --json my.idl -I include/           every interface in my.idl, as JSON";

const INSPECT_EXAMPLES: &str = "\
Examples:
  oscgen inspect                            vtables of the built-in OSC and MAPI interfaces
  oscgen inspect --interface ISocialProfile
  oscgen inspect --interface IStream        interfaces from the imports count too
  oscgen inspect --json my.idl -I include/  every interface in my.idl, as JSON
  oscgen inspect my.winmd                   WinMD (and .NET interop assemblies) read too
  oscgen inspect win32 --interface IDropTarget   the Win32 metadata windows-bindgen uses";

const PROBE_CLIENT_EXAMPLES: &str = "\
Examples:
  oscgen probe-client my-server --out-dir target/probe   the C client and the headers it needs
  x86_64-w64-mingw32-widl -h -o target/probe/calculator.h -I <mingw-w64 IDL> my-server/idl/calculator.idl
  x86_64-w64-mingw32-gcc -o target/probe/probe-client.exe target/probe/probe-client.c -lole32 -loleaut32 -luuid
  oscgen probe-client drop-target --out-dir target/probe --sdk-include /usr/share/mingw-w64/include
                                            SDK interfaces (from win32 too) from mingw-w64's headers";

const HOST_EXAMPLES: &str = "\
Examples:
  oscgen host                        in a provider project: Outlook's calls, in-process
  OSCGEN_HOST_PASSWORD=... oscgen host --xml-dir target/osc-xml
  oscgen host --dll target\\release\\contoso_social.dll -- --release     on Windows: the built DLL

oscgen.toml may say whom to log on and whom to look up (the password comes from
OSCGEN_HOST_PASSWORD, not from the committed file):
  [host]
  user = \"melissa\"
  language = \"en-US\"
  people = [[\"melissa@contoso.com\"], [\"kim@contoso.com\", \"kim@fabrikam.com\"]]
  follow = \"kim@contoso.com,Kim Akers\"";

const WINMD_EXAMPLES: &str = "\
Examples:
  oscgen winmd metadata/osc.idl -o metadata/osc.winmd
  oscgen winmd my.idl -I include/ -o my.winmd --namespace Contoso.Social
  oscgen inspect my.winmd                   read it back: every vtable, slot by slot";

const TLB_EXAMPLES: &str = "\
Examples:
  oscgen tlb metadata/osc.idl -o osc.tlb          the IDL's `library` block, for 64-bit Windows
  oscgen tlb my.idl -I include/ -o my.tlb --win32  the same for 32-bit Windows (4-byte slots)
  oscgen tlb my.winmd --name Contoso --libid 6a1b2c3d-0000-4000-8000-000000000001 -o contoso.tlb
                                            inputs without a library: name one, give it a LIBID
The same inputs always give the same bytes. IUnknown and IDispatch are referenced from
stdole2.tlb, as MIDL and widl do with importlib(\"stdole2.tlb\"). An importlib in the
IDL reads the library it names from the importing file's directory or -I, else oscgen's
stand-in for stdole2.tlb/stdole32.tlb.";

const NEW_EXAMPLES: &str = "\
Examples:
  oscgen new contoso-social
  oscgen new contoso-social --network-name Contoso --url https://www.contoso.com/
  oscgen new my-provider --input my-osc.idl -I idl/
  oscgen new ctx-menu --template com-server --input win32 --implement IContextMenu,IShellExtInit
  oscgen new drop --template com-server --input shobjidl.idl -I sdk/ -D BOOL=WINBOOL --implement IDropTarget";

const GENERATE_EXAMPLES: &str = "\
Examples:
  oscgen generate                    in the project directory
  oscgen generate path/to/project
  oscgen generate --check            exit 1 with a diff when anything is out of date (for CI)
  oscgen generate --dry-run          list what would change";

#[derive(Parser, Debug)]
#[command(
    name = "oscgen",
    version,
    about = "Generate Rust in-process COM servers from IDL, WinMD or type libraries, with exact vtable order",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print what was read and what did not change
    #[arg(short, long, global = true)]
    verbose: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new COM server project (an OSC provider unless --template says otherwise)
    ///
    /// Writes a ready-to-build Rust project: the COM bindings and plumbing (in
    /// src/generated/, owned by oscgen), a stub for every method with a TODO saying what
    /// the host expects (yours to edit), tests through the vtables, and oscgen.toml with a
    /// fresh CLSID. Templates: an Outlook Social Connector provider (the default), a COM
    /// server for any interfaces (`--template com-server` with --input and --implement), a
    /// fake IMAPISession for testing MAPI clients, and an Office COM add-in
    /// (`--template outlook-addin`).
    #[command(after_help = NEW_EXAMPLES)]
    New(project::NewArgs),
    /// Regenerate the files oscgen owns in a project, keeping everything you wrote
    ///
    /// Rewrites src/generated/ and provider.reg from oscgen.toml and the interfaces. Your
    /// files are never overwritten: when an interface gains a method, its stub is added to
    /// your impl block. Writes are atomic: on any error the project is left as it was.
    #[command(after_help = GENERATE_EXAMPLES)]
    Generate(project::GenerateArgs),
    /// Run Outlook's call sequence against a provider project, printing each call and HRESULT
    ///
    /// Builds and runs the project's host simulator (src/generated/host/, a test oscgen writes): the
    /// class factory, Load, GetCapabilities, the logon the capabilities declare, the logged-on
    /// user, friends, GetPeopleDetails with addresses hashed by the declared hashFunction,
    /// activities and follow, each document parsed and checked. On Linux it calls the
    /// provider in-process through its vtables; with --dll it loads a built DLL. Exits 1 if
    /// any call fails.
    #[command(after_help = HOST_EXAMPLES)]
    Host(host::HostArgs),
    /// Show every interface's vtable, slot by slot: index, method, declaring interface, signature
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect(inspect::InspectArgs),
    /// Write the inputs' interfaces, types and constants as a .winmd file (Windows Metadata)
    ///
    /// The file follows the Win32 metadata's conventions, so windows-bindgen reads it as
    /// it is (with `--in default FILE.winmd`). The same inputs always give the same bytes.
    #[command(after_help = WINMD_EXAMPLES)]
    Winmd(winmd::WinmdArgs),
    /// Write the inputs' library as a type library (.tlb, the MSFT format MIDL and widl -t write)
    ///
    /// Interfaces with their vtable offsets, dual interfaces and dispinterfaces with their
    /// DISPIDs, coclasses with their [default]/[source] interfaces, and the enums, records
    /// and unions their signatures use, with sizes for the chosen platform. What a client
    /// such as VBA, .NET's tlbimp or the universal marshaler reads through ITypeLib.
    #[command(after_help = TLB_EXAMPLES)]
    Tlb(tlb::TlbArgs),
    /// Write the slot probe's C client of a project (docs/probe.md)
    ///
    /// Writes probe-client.c to --out-dir: a Windows program that creates the project's
    /// class with CoCreateInstance and calls every method of every interface it implements
    /// through the C vtable of headers oscgen did not write, checking that each stub answers
    /// its slot's probe code (build the DLL with `--features oscgen-probe`). Prints one line
    /// per header to make with widl: the header's name, the IDL file, then widl's -I and -D
    /// arguments, tab-separated. Built-in IDL files (osc.idl, mapi.idl) are written to
    /// --out-dir too. With --sdk-include, an SDK interface's header is the SDK's own; a
    /// header that declares an interface for C++ only makes the client probe-client.cpp.
    #[command(after_help = PROBE_CLIENT_EXAMPLES)]
    ProbeClient(project::ProbeClientArgs),
    /// Print a shell completion script: `oscgen completions bash > /etc/bash_completion.d/oscgen`
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `oscgen man > oscgen.1 && man ./oscgen.1`
    Man,
}

#[derive(Args, Debug)]
pub(crate) struct InputArgs {
    /// IDL or WinMD files to read (`win32`: the Win32 metadata); none means the built-in
    /// metadata (OSC interfaces and IMAPISession)
    #[arg(value_name = "INPUT")]
    pub(crate) inputs: Vec<PathBuf>,
    /// Directory searched for imports, after the importing file's own directory and
    /// before oscgen's built-in stand-ins (unknwn.idl, oaidl.idl, ...); repeatable. An
    /// IDL `importlib("stdole2.tlb")` reads the type library of that name found there
    /// (any letter case), else the stand-in for stdole2.tlb or stdole32.tlb
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    pub(crate) include_dirs: Vec<PathBuf>,
    /// Define a preprocessor macro for every file read, as `#define NAME VALUE` (VALUE
    /// defaults to 1); repeatable. __midl=501, __WIDL__, _WIN32 and _WIN64 are predefined
    #[arg(short = 'D', long = "define", value_name = "NAME[=VALUE]")]
    pub(crate) defines: Vec<String>,
    /// Remove a predefined or -D macro; repeatable, applied after every -D
    #[arg(short = 'U', long = "undefine", value_name = "NAME")]
    pub(crate) undefines: Vec<String>,
}

/// A failure to report: already rendered (diagnostics with snippets) or a plain message.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: format!("error: {}", message.into()),
            code: 2,
        }
    }
}

/// How much the commands print besides errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

static VERBOSITY: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(1);

pub(crate) fn verbosity() -> Verbosity {
    match VERBOSITY.load(std::sync::atomic::Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        1 => Verbosity::Normal,
        _ => Verbosity::Verbose,
    }
}

/// Colour on a terminal only, and never when NO_COLOR is set (https://no-color.org).
pub fn color_enabled(is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty())
}

fn paint_errors(message: &str) -> String {
    use std::io::IsTerminal;
    if !color_enabled(std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR")) {
        return message.to_string();
    }
    message.replace("error: ", "\x1b[1;31merror\x1b[0m: ")
}

/// `--version`: oscgen's version and what its built-in metadata describes.
fn long_version() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let mut out = env!("CARGO_PKG_VERSION").to_string();
        out.push_str("\nbuilt-in metadata:");
        for (file, what) in builtin::DESCRIPTIONS {
            out.push_str(&format!("\n  {file}: {what}"));
        }
        out
    })
}

pub fn main() -> ExitCode {
    let command = Cli::command().long_version(long_version());
    let cli = match command.try_get_matches().and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(failure) => {
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "{}", paint_errors(failure.message.trim_end()));
            ExitCode::from(failure.code)
        }
    }
}

pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let level = if cli.quiet {
        0
    } else if cli.verbose {
        2
    } else {
        1
    };
    VERBOSITY.store(level, std::sync::atomic::Ordering::Relaxed);
    match cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "oscgen", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let page = clap_mangen::Man::new(Cli::command().long_version(long_version()));
            page.render(&mut std::io::stdout())
                .map_err(|e| Failure::usage(format!("cannot write the manual page: {e}")))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::New(args) => project::new(args),
        Command::Generate(args) => project::generate(args),
        Command::Host(args) => host::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Winmd(args) => winmd::run(args),
        Command::Tlb(args) => tlb::run(args),
        Command::ProbeClient(args) => project::probe_client(args),
    }
}

/// Loads the model from the inputs, or from the built-in sets when there are none.
pub(crate) fn load(sources: &mut SourceMap, args: &InputArgs) -> Result<Model, Failure> {
    load_within(sources, args, &Scope::Everything)
}

/// [`load`] for a caller that asks the model for no more than `scope`.
pub(crate) fn load_within(sources: &mut SourceMap, args: &InputArgs, scope: &Scope) -> Result<Model, Failure> {
    let (model, warnings) = load_with_warnings(sources, args, scope)?;
    print_warnings(sources, &warnings);
    Ok(model)
}

/// [`load_within`], leaving the warnings to the caller.
pub(crate) fn load_with_warnings(
    sources: &mut SourceMap,
    args: &InputArgs,
    scope: &Scope,
) -> Result<(Model, Vec<crate::diagnostic::Diagnostic>), Failure> {
    let inputs: Vec<Input> = if args.inputs.is_empty() {
        builtin::SETS
            .iter()
            .map(|f| Input::Builtin(f.name.to_string()))
            .collect()
    } else {
        args.inputs.iter().cloned().map(Input::File).collect()
    };
    let options = LoadOptions {
        include_dirs: args.include_dirs.clone(),
        defines: args.defines.clone(),
        undefines: args.undefines.clone(),
    };
    crate::load::load_model_within(sources, &inputs, &options, scope).map_err(|e| render_error(sources, e))
}

/// Warnings about the inputs (a name resolved in another letter case), on stderr.
pub(crate) fn print_warnings(sources: &SourceMap, warnings: &[crate::diagnostic::Diagnostic]) {
    let mut stderr = std::io::stderr().lock();
    for w in warnings {
        let _ = writeln!(stderr, "{}", w.render(sources).trim_end());
    }
}

pub(crate) fn render_error(sources: &SourceMap, e: crate::load::Error) -> Failure {
    match e.diagnostics() {
        Some(diags) => Failure {
            message: diags.iter().map(|d| d.render(sources)).collect::<Vec<_>>().join("\n"),
            code: 2,
        },
        None => Failure::usage(e.to_string()),
    }
}
