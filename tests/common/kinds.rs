//! The server kinds of scripts/server-kinds.txt, and the `oscgen new` that makes a project
//! of one kind from one source, exactly as scripts/check-server-kinds.sh runs it.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Kind {
    pub name: String,
    /// `IContextMenu,IShellExtInit`: as `--implement` takes it.
    pub interfaces: String,
    /// mingw-w64's IDL file in ../shared/corpus/mingw-w64 (`-` if none).
    pub idl: String,
    /// `win32`, `idl`.
    pub sources: Vec<String>,
}

/// scripts/server-kinds.txt: `name interfaces idl-file sources`, `#` comments.
pub fn kinds(repo: &Path) -> Vec<Kind> {
    let text = std::fs::read_to_string(repo.join("scripts/server-kinds.txt")).expect("scripts/server-kinds.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 4, "malformed line in scripts/server-kinds.txt: {l}");
            Kind {
                name: f[0].to_string(),
                interfaces: f[1].to_string(),
                idl: f[2].to_string(),
                sources: f[3].split(',').map(str::to_string).collect(),
            }
        })
        .collect()
}

/// `oscgen new DIR/NAME-SOURCE --template com-server --input ... --implement ...`, and the
/// project's directory.
pub fn new_project(oscgen: &Path, corpus: &Path, dir: &Path, kind: &Kind, source: &str) -> (Command, PathBuf) {
    let project = dir.join(format!("{}-{source}", kind.name));
    let mut new = Command::new(oscgen);
    new.arg("new")
        .arg(&project)
        .args(["--quiet", "--template", "com-server", "--name", &kind.name]);
    if source == "win32" {
        new.args(["--input", "win32"]);
    } else {
        new.arg("--input")
            .arg(corpus.join(&kind.idl))
            .arg("-I")
            .arg(corpus)
            .args(["-I", super::MINGW_INCLUDE, "-D", "BOOL=WINBOOL"]);
    }
    new.args(["--implement", &kind.interfaces]);
    (new, project)
}

/// Runs `cmd`; on failure, the last 40 lines of its output.
pub fn run(what: &str, cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        return Ok(stdout);
    }
    let text = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let tail: Vec<&str> = text.lines().rev().take(40).collect();
    Err(format!(
        "{what} failed:\n{}",
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    ))
}

/// `cargo <args>` in a generated project, with the shared target dir and none of the
/// caller's RUSTFLAGS.
pub fn cargo(project: &Path, target: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    cmd
}

/// clippy with `-D warnings` (`oscgen_lint`: src/generated/ is held to clippy's lints too,
/// though it asks users' clippy to skip it), then `oscgen generate --check`.
pub fn lint_and_check(oscgen: &Path, project: &Path, target: &Path) -> Result<(), String> {
    run(
        "cargo clippy",
        cargo(
            project,
            target,
            &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
        )
        .env("RUSTFLAGS", "--cfg oscgen_lint"),
    )?;
    let mut check = Command::new(oscgen);
    check.args(["generate", "--check", "--quiet"]).arg(project);
    run("oscgen generate --check", &mut check).map(drop)
}
