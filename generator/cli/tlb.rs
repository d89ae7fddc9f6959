//! `oscgen tlb`: the inputs' library as an MSFT type library (.tlb).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::cli::{Failure, InputArgs, Verbosity, load, verbosity};
use crate::model::guid::Guid;
use crate::source::SourceMap;
use crate::typelib::writer::{self, Options};

#[derive(Args, Debug)]
pub struct TlbArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The .tlb file to write (written whole or not at all)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
    /// The library to write when the inputs declare several; with no `library` block in
    /// the inputs, the name of the library made of their interfaces (needs --libid)
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// The LIBID, for inputs without a `library` block (or to replace the declared one)
    #[arg(long, value_name = "GUID")]
    libid: Option<Guid>,
    /// The library's version, major.minor [default: the declared one, else 0.0]
    #[arg(long = "lib-version", value_name = "MAJOR.MINOR")]
    lib_version: Option<String>,
    /// Describe 32-bit Windows (SYS_WIN32: 4-byte pointers and vtable slots)
    #[arg(long, conflicts_with = "win64")]
    win32: bool,
    /// Describe 64-bit Windows (SYS_WIN64), the default
    #[arg(long)]
    win64: bool,
}

pub fn run(args: TlbArgs) -> Result<ExitCode, Failure> {
    let mut sources = SourceMap::new();
    let model = load(&mut sources, &args.input)?;
    let options = Options {
        name: args.name.clone(),
        libid: args.libid,
        version: args.lib_version.clone(),
        win32: args.win32,
        also: Vec::new(),
    };
    let written =
        writer::write(&model, &options).map_err(|e| Failure::usage(format!("cannot write a type library: {e}")))?;
    write_whole(&args.output, &written.bytes)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", args.output.display())))?;
    if verbosity() >= Verbosity::Normal {
        let _ = writeln!(
            std::io::stdout().lock(),
            "wrote {} ({} bytes): library {}, {} typeinfos, {}",
            args.output.display(),
            written.bytes.len(),
            written.name,
            written.typeinfos,
            if args.win32 { "win32" } else { "win64" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes beside the target, then renames: a failure leaves no half-written library.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{file}.{}.tmp", std::process::id()));
    let result = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
