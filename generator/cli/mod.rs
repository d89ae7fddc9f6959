//! The command line: argument parsing and the error edge. Each subcommand loads the
//! model through a front end and hands it to a back end; nothing else lives here.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::builtin;
use crate::idl::{self, Input, LoadOptions};
use crate::model::Model;
use crate::source::SourceMap;

mod inspect;
mod project;

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
  oscgen inspect --json my.idl -I include/  every interface in my.idl, as JSON";

const NEW_EXAMPLES: &str = "\
Examples:
  oscgen new contoso-social
  oscgen new contoso-social --network-name Contoso --url https://www.contoso.com/
  oscgen new my-provider --input my-osc.idl -I idl/";

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
    about = "Generate Rust COM providers (Outlook Social Connector, MAPI) from IDL, with exact vtable order",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new Outlook Social Connector provider project
    ///
    /// Writes a ready-to-build Rust project: the COM bindings and plumbing (in
    /// src/generated/, owned by oscgen), a stub for every method with a TODO saying what
    /// Outlook expects (yours to edit), tests through the vtables, and oscgen.toml with a
    /// fresh CLSID and social network GUID.
    #[command(after_help = NEW_EXAMPLES)]
    New(project::NewArgs),
    /// Regenerate the files oscgen owns in a project, keeping everything you wrote
    ///
    /// Rewrites src/generated/ and provider.reg from oscgen.toml and the interfaces. Your
    /// files are never overwritten: when an interface gains a method, its stub is added to
    /// your impl block. Writes are atomic: on any error the project is left as it was.
    #[command(after_help = GENERATE_EXAMPLES)]
    Generate(project::GenerateArgs),
    /// Show every interface's vtable, slot by slot: index, method, declaring interface, signature
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect(inspect::InspectArgs),
}

#[derive(Args, Debug)]
pub(crate) struct InputArgs {
    /// IDL files to read; none means the built-in metadata (OSC interfaces and IMAPISession)
    #[arg(value_name = "INPUT")]
    pub(crate) inputs: Vec<PathBuf>,
    /// Directory searched for imports, after the importing file's own directory and
    /// before oscgen's built-in stand-ins (unknwn.idl, oaidl.idl, ...); repeatable
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    pub(crate) include_dirs: Vec<PathBuf>,
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

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
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
            let _ = writeln!(stderr, "{}", failure.message.trim_end());
            ExitCode::from(failure.code)
        }
    }
}

pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::New(args) => project::new(args),
        Command::Generate(args) => project::generate(args),
        Command::Inspect(args) => inspect::run(args),
    }
}

/// Loads the model from the inputs, or from the built-in sets when there are none.
pub(crate) fn load(sources: &mut SourceMap, args: &InputArgs) -> Result<Model, Failure> {
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
    };
    idl::load_model(sources, &inputs, &options).map_err(|e| render_error(sources, e))
}

pub(crate) fn render_error(sources: &SourceMap, e: idl::Error) -> Failure {
    match e {
        idl::Error::Diagnostics(diags) => Failure {
            message: diags.iter().map(|d| d.render(sources)).collect::<Vec<_>>().join("\n"),
            code: 2,
        },
        other => Failure::usage(other.to_string()),
    }
}
