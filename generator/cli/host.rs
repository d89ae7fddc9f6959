//! `oscgen host`: runs a provider project's host simulator (`src/generated/host/`, a test
//! module oscgen writes) with the account and people of oscgen.toml's `[host]` section.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Args;

use crate::cli::Failure;
use crate::project::config::{Config, HostSection};
use crate::project::template::Template;

#[derive(Args, Debug)]
pub struct HostArgs {
    /// The provider project [default: the current directory]
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Load this built DLL instead of the provider linked into the test, as Outlook does
    /// (on Windows, or for a Windows target whose tests cargo runs under Wine)
    #[arg(long, value_name = "PATH")]
    dll: Option<PathBuf>,
    /// Write every XML document the provider returns to this directory, to check it with
    /// `xmllint --schema`
    #[arg(long, value_name = "DIR")]
    xml_dir: Option<PathBuf>,
    /// Arguments for `cargo test`, after `--` (`-- --release`, `-- --target ...`)
    #[arg(last = true, value_name = "CARGO_ARGS")]
    cargo_args: Vec<String>,
}

pub fn run(args: HostArgs) -> Result<ExitCode, Failure> {
    let config = Config::load(&args.dir).map_err(|e| Failure::usage(e.to_string()))?;
    if config.project.template != Template::OscProvider {
        return Err(Failure::usage(format!(
            "{} is a {} project: `oscgen host` drives an Outlook Social Connector provider (the osc-provider template)",
            args.dir.display(),
            config.project.template
        )));
    }
    if !args.dir.join("src/generated/host/mod.rs").is_file() {
        return Err(Failure::usage(format!(
            "{} has no src/generated/host/mod.rs: run `oscgen generate` in it first",
            args.dir.display()
        )));
    }
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .current_dir(&args.dir)
        .args(["test", "--lib"])
        .args(&args.cargo_args)
        .args(["--", "--nocapture", "--exact", "generated::host::outlook_host"]);
    for (name, value) in environment(config.host.as_ref().unwrap_or(&HostSection::default())) {
        cargo.env(name, value);
    }
    if let Some(dll) = &args.dll {
        cargo.env("OSCGEN_HOST_DLL", dll_for_test(&absolute(dll)?, &args.cargo_args));
    }
    if let Some(dir) = &args.xml_dir {
        cargo.env("OSCGEN_HOST_XML_DIR", absolute(dir)?);
    }
    let status = cargo
        .status()
        .map_err(|e| Failure::usage(format!("cannot run cargo: {e}")))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The host's settings as src/generated/host/mod.rs reads them. The password is not one of them:
/// it comes from OSCGEN_HOST_PASSWORD in oscgen's own environment, which cargo inherits.
fn environment(host: &HostSection) -> Vec<(&'static str, String)> {
    let mut vars = Vec::new();
    if let Some(user) = &host.user {
        vars.push(("OSCGEN_HOST_USER", user.clone()));
    }
    if let Some(language) = &host.language {
        vars.push(("OSCGEN_HOST_LANGUAGE", language.clone()));
    }
    if !host.people.is_empty() {
        let people: Vec<String> = host.people.iter().map(|p| p.join(",")).collect();
        vars.push(("OSCGEN_HOST_PEOPLE", people.join(";")));
    }
    if let Some(follow) = &host.follow {
        vars.push(("OSCGEN_HOST_FOLLOW", follow.clone()));
    }
    vars
}

/// A path the test process finds whatever its working directory (cargo runs it in the project).
fn absolute(path: &Path) -> Result<PathBuf, Failure> {
    std::path::absolute(path).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))
}

/// The DLL's path as the test process opens it. A test built for a Windows target on
/// another system runs under Wine (cargo's target runner), where LoadLibrary takes a
/// Unix path for one on the current drive: Wine's `Z:` drive is the Unix root.
fn dll_for_test(path: &Path, cargo_args: &[String]) -> String {
    let shown = path.display().to_string();
    if cfg!(windows) || !targets_windows(cargo_args) {
        return shown;
    }
    format!("Z:{}", shown.replace('/', "\\"))
}

/// Whether `cargo test` is asked for a Windows target (`--target T` or `--target=T`).
fn targets_windows(cargo_args: &[String]) -> bool {
    let mut args = cargo_args.iter();
    while let Some(arg) = args.next() {
        let target = match arg.strip_prefix("--target=") {
            Some(t) => Some(t),
            None if arg == "--target" => args.next().map(String::as_str),
            None => None,
        };
        if target.is_some_and(|t| t.contains("-windows")) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_windows_targets_dll_is_named_as_wine_sees_it() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let dll = Path::new("/work/p/target/x86_64-pc-windows-gnu/release/p.dll");
        let wine = args(&["--release", "--target", "x86_64-pc-windows-gnu"]);
        if cfg!(windows) {
            assert_eq!(dll_for_test(dll, &wine), dll.display().to_string());
        } else {
            assert_eq!(
                dll_for_test(dll, &wine),
                r"Z:\work\p\target\x86_64-pc-windows-gnu\release\p.dll"
            );
            assert!(dll_for_test(dll, &args(&["--target=i686-pc-windows-gnu"])).starts_with(r"Z:\"));
        }
        assert_eq!(dll_for_test(dll, &args(&["--release"])), dll.display().to_string());
        assert!(!targets_windows(&args(&["--target", "x86_64-unknown-linux-gnu"])));
        assert!(!targets_windows(&args(&["--target"])));
    }

    #[test]
    fn people_and_follow_become_the_variables_the_host_reads() {
        let host = HostSection {
            user: Some("kim".into()),
            language: None,
            people: vec![
                vec!["a@contoso.com".into(), "a@fabrikam.com".into()],
                vec!["b@contoso.com".into()],
            ],
            follow: Some("b@contoso.com,B".into()),
        };
        assert_eq!(
            environment(&host),
            [
                ("OSCGEN_HOST_USER", "kim".to_string()),
                (
                    "OSCGEN_HOST_PEOPLE",
                    "a@contoso.com,a@fabrikam.com;b@contoso.com".to_string()
                ),
                ("OSCGEN_HOST_FOLLOW", "b@contoso.com,B".to_string()),
            ]
        );
    }
}
