//! cargo runs of the projects under test: builds whose cdylib artifacts are read from
//! cargo's JSON messages, and `cargo test` whose output must show every test executable ok.
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The cargo of the cross builds (the one the setup built the Windows std for).
pub fn cargo() -> PathBuf {
    std::env::var_os("OSCGEN_LANE_CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"))
}

/// Runs cargo in `dir` with `args`; stdout to `out`, stderr to `err` (the same file when
/// equal). Whether it succeeded.
pub fn run(dir: &Path, args: &[&str], envs: &[(&str, &Path)], out: &Path, err: &Path) -> bool {
    let Ok(o) = File::create(out) else {
        eprintln!("creating {}", out.display());
        return false;
    };
    // One file for both streams: one handle, so that neither overwrites the other.
    let e = if out == err { o.try_clone() } else { File::create(err) };
    let Ok(e) = e else {
        eprintln!("creating {}", err.display());
        return false;
    };
    let mut cmd = Command::new(cargo());
    cmd.current_dir(dir).args(args).stdin(Stdio::null()).stdout(o).stderr(e);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    match cmd.status() {
        Ok(s) => s.success(),
        Err(x) => {
            let _ = std::fs::write(err, format!("starting {}: {x}\n", cargo().display()));
            false
        }
    }
}

/// The `.dll` files of cdylib artifacts in cargo's `--message-format=json` output.
pub fn cdylibs(json: &Path) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(json).unwrap_or_default();
    let mut dlls: Vec<PathBuf> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "cdylib"))
        })
        .flat_map(|m| {
            m["filenames"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .filter_map(|f| f.as_str().map(str::to_string))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .filter(|f| f.ends_with(".dll"))
        .map(PathBuf::from)
        .collect();
    dlls.sort();
    dlls.dedup();
    dlls
}

/// What a `cargo test` log shows: test executables run, those that printed their
/// `test result: ok` line, and tests passed.
pub struct TestRun {
    pub runs: usize,
    pub ok: usize,
    pub passed: usize,
    pub built: usize,
}

pub fn test_log(log: &Path) -> TestRun {
    let text = String::from_utf8_lossy(&std::fs::read(log).unwrap_or_default()).into_owned();
    let mut t = TestRun {
        runs: 0,
        ok: 0,
        passed: 0,
        built: 0,
    };
    let mut in_run = false;
    for line in text.lines().map(|l| l.trim_end_matches('\r')) {
        let trimmed = line.trim_start();
        if trimmed.starts_with("Running ") {
            t.runs += 1;
            in_run = true;
        } else if trimmed.starts_with("Doc-tests ") {
            in_run = false;
        } else if trimmed.starts_with("Executable ") {
            t.built += 1;
        }
        if let Some(rest) = line.strip_prefix("test result: ok. ") {
            if in_run {
                t.ok += 1;
            }
            t.passed += rest
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
        }
    }
    t
}
