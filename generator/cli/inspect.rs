//! `oscgen inspect`.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;

use crate::cli::{Failure, InputArgs, load, load_with_warnings, load_within, render_error};
use crate::diagnostic::closest;
use crate::emit::inspect;
use crate::idl::ast::Item;
use crate::idl::{Input, LoadOptions, Session};
use crate::model::interface::Interface;
use crate::model::scope::Scope;
use crate::source::{FileId, Origin, SourceMap};

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
    /// Parse many files in one run instead of printing vtables: each INPUT and every
    /// file it imports or includes is preprocessed and parsed (each file once per run),
    /// without building the model. Prints parse errors and one line of counts; exits 2
    /// if any input failed. For timing the front end and checking syntax in bulk
    #[arg(long, conflicts_with_all = ["interface", "json"], requires = "inputs")]
    parse_only: bool,
}

pub fn run(args: InspectArgs) -> Result<ExitCode, Failure> {
    if args.parse_only {
        return parse_only(&args.input);
    }
    let mut sources = SourceMap::new();
    let model = match &args.interface {
        // One interface's table shows its base chain and nothing else: metadata is read
        // only as far as the interface reaches.
        Some(name) => {
            let scope = Scope::Closure {
                interfaces: vec![name.clone()],
                constants: Vec::new(),
            };
            load_within(&mut sources, &args.input, &scope)?
        }
        None => load(&mut sources, &args.input)?,
    };
    let interfaces: Vec<&Interface> = match &args.interface {
        Some(name) => match model.interface(name) {
            Some(i) => vec![i],
            None => {
                // The suggestion is picked from every interface, not only the ones read.
                let (everything, _) = load_with_warnings(&mut sources, &args.input, &Scope::Everything)?;
                let mut msg = format!("no interface named `{name}` in the input");
                if let Some(s) = closest(name, everything.interfaces().iter().map(|i| i.name.as_str())) {
                    msg.push_str(&format!("\n  = did you mean `{s}`?"));
                }
                return Err(Failure::usage(msg));
            }
        },
        None => model.root_interfaces().collect(),
    };
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = if args.json {
        inspect::write_json(&mut stdout, &model, &interfaces)
    } else {
        inspect::write_table(&mut stdout, &model, &interfaces)
    };
    // A closed pipe (`oscgen inspect | head`) is not an error worth a message.
    let _ = written.and_then(|()| stdout.flush());
    drop(interfaces);
    leave_to_exit(model);
    leave_to_exit(sources);
    Ok(ExitCode::SUCCESS)
}

/// Leaves `value` for the process exit to reclaim. The process ends right after the
/// output is written, and freeing a model with every SDK import in it, node by node,
/// costs a noticeable share of a run.
fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// `--parse-only`: every input on its own, through one session.
fn parse_only(args: &InputArgs) -> Result<ExitCode, Failure> {
    let options = LoadOptions {
        include_dirs: args.include_dirs.clone(),
        defines: args.defines.clone(),
        undefines: args.undefines.clone(),
    };
    {
        let mut sources = SourceMap::new();
        let session = Session::new(&mut sources, &options).map_err(|e| render_error(&sources, e.into()))?;
        let mut session = session.without_syntax_trees();
        let (mut failed, mut interfaces) = (0usize, 0usize);
        let mut stderr = std::io::stderr().lock();
        for path in &args.inputs {
            match session.load(&mut sources, &[Input::File(path.clone())]) {
                Ok(files) => interfaces += files.iter().map(|f| count_interfaces(&f.items)).sum::<usize>(),
                Err(e) => {
                    failed += 1;
                    let _ = writeln!(stderr, "{}", render_error(&sources, e.into()).message.trim_end());
                }
            }
        }
        let bytes: usize = (0..sources.len())
            .map(|i| sources.file(FileId(i as u32)))
            .filter(|f| matches!(f.origin, Origin::Disk(_)))
            .map(|f| f.text.len())
            .sum();
        let _ = writeln!(
            std::io::stdout().lock(),
            "{} inputs parsed, {failed} failed; {} files read with their imports and includes ({:.1} MB); \
             {interfaces} interfaces declared",
            args.inputs.len(),
            sources.len(),
            bytes as f64 / 1e6
        );
        Ok(if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        })
    }
}

/// Interfaces, dispinterfaces and delegates declared in a file, at any nesting.
fn count_interfaces(items: &[Item]) -> usize {
    items
        .iter()
        .map(|item| match item {
            Item::Interface(_) | Item::Dispinterface(_) | Item::Delegate(_) => 1,
            Item::Library(lib) => count_interfaces(&lib.items),
            Item::Namespace(_, body) | Item::Module(_, _, body) => count_interfaces(body),
            _ => 0,
        })
        .sum()
}
