//! The command line: argument parsing and the error edge. Each subcommand loads the
//! model through a front end and hands it to a back end; nothing else lives here.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::builtin;
use crate::diagnostic::closest;
use crate::emit::inspect;
use crate::idl::{self, Input, LoadOptions};
use crate::model::Model;
use crate::model::interface::Interface;
use crate::source::SourceMap;

const EXAMPLES: &str = "\
Examples:
  oscgen inspect                          vtables of the built-in OSC and MAPI interfaces
  oscgen inspect --interface ISocialProfile
  oscgen inspect --json my.idl -I include/  every interface in my.idl, as JSON";

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
    /// Show every interface's vtable, slot by slot: index, method, signature, declaring interface
    #[command(after_help = EXAMPLES)]
    Inspect(InspectArgs),
}

#[derive(Args, Debug)]
struct InputArgs {
    /// IDL files to read; none means the built-in metadata (OSC interfaces and IMAPISession)
    #[arg(value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Directory searched for imports, after the importing file's own directory and
    /// before oscgen's built-in stand-ins (unknwn.idl, oaidl.idl, ...); repeatable
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    include_dirs: Vec<PathBuf>,
}

#[derive(Args, Debug)]
struct InspectArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Show only this interface (it may come from an import, e.g. IUnknown)
    #[arg(long, value_name = "NAME")]
    interface: Option<String>,
    /// Print JSON (schema in docs/inspect-json.md) instead of a table
    #[arg(long)]
    json: bool,
}

/// A failure to report: already rendered (diagnostics with snippets) or a plain message.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
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
        Command::Inspect(args) => inspect_cmd(args),
    }
}

/// Loads the model from the inputs, or from the built-in sets when there are none.
fn load(sources: &mut SourceMap, args: &InputArgs) -> Result<Model, Failure> {
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

fn render_error(sources: &SourceMap, e: idl::Error) -> Failure {
    match e {
        idl::Error::Diagnostics(diags) => Failure {
            message: diags.iter().map(|d| d.render(sources)).collect::<Vec<_>>().join("\n"),
            code: 2,
        },
        other => Failure::usage(other.to_string()),
    }
}

fn inspect_cmd(args: InspectArgs) -> Result<ExitCode, Failure> {
    let mut sources = SourceMap::new();
    let model = load(&mut sources, &args.input)?;
    let interfaces: Vec<&Interface> = match &args.interface {
        Some(name) => match model.interface(name) {
            Some(i) => vec![i],
            None => {
                let mut msg = format!("no interface named `{name}` in the input");
                if let Some(s) = closest(name, model.interfaces().iter().map(|i| i.name.as_str())) {
                    msg.push_str(&format!("\n  = did you mean `{s}`?"));
                }
                return Err(Failure::usage(msg));
            }
        },
        None => model.root_interfaces().collect(),
    };
    let text = if args.json {
        inspect::json(&model, &interfaces)
    } else {
        inspect::table(&model, &interfaces)
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).is_err() {
        // A closed pipe (`oscgen inspect | head`) is not an error worth a message.
        return Ok(ExitCode::SUCCESS);
    }
    Ok(ExitCode::SUCCESS)
}
