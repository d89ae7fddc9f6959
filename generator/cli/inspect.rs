//! `oscgen inspect`.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;

use crate::cli::{Failure, InputArgs, load};
use crate::diagnostic::closest;
use crate::emit::inspect;
use crate::model::interface::Interface;
use crate::source::SourceMap;

#[derive(Args, Debug)]
pub struct InspectArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Show only this interface (it may come from an import, e.g. IUnknown)
    #[arg(long, value_name = "NAME")]
    interface: Option<String>,
    /// Print JSON (schema in docs/inspect-json.md) instead of a table
    #[arg(long)]
    json: bool,
}

pub fn run(args: InspectArgs) -> Result<ExitCode, Failure> {
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
