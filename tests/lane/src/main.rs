//! The Windows lane's checks (README "Windows lane"), run by scripts/windows-lane.sh once it
//! has installed the packages, built the Windows std for each target and made the Wine
//! prefix; it exports the cross-build and Wine environment and calls
//!
//! ```text
//! cargo run --manifest-path tests/lane/Cargo.toml -- --cache DIR --targets "T.." --run-i686 0|1
//!     --oscgen PATH [--setup PASSED FAILED] [--wine32-note FILE] [--kinds all|none|K,K..] [PROJECT..]
//! ```
//!
//! Every project (the arguments, else every samples/*/ with an oscgen.toml, plus the server
//! kinds of scripts/server-kinds.txt generated on the fly) is checked for each target. One
//! `PASS`/`FAIL` line per check, a summary per architecture, then `N passed, N failed`; exit
//! code 1 on any failure.
mod addin;
mod apartments;
mod cargo;
mod installer;
mod kinds;
mod pe;
mod probe;
mod project;
mod register;
mod report;
mod sample;
mod scripts;
mod target;
mod wine;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use project::Project;
use report::Report;
use sample::{Ctx, Lane};
use target::Target;
use wine::Wine;

const WINE64: &str = "/usr/lib/wine/wine64";
const WINE32: &str = "/usr/lib/wine/wine";

struct Args {
    cache: PathBuf,
    targets: Vec<Target>,
    run_i686: bool,
    oscgen: PathBuf,
    /// The repository whose scripts, clients and IDL the checks use: the script's.
    repo: Option<PathBuf>,
    setup: (usize, usize),
    wine32_note: Option<PathBuf>,
    /// `None`: every kind when no project is named, none otherwise.
    kinds: Option<Vec<String>>,
    projects: Vec<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut a = Args {
        cache: PathBuf::new(),
        targets: Target::ALL.to_vec(),
        run_i686: false,
        oscgen: PathBuf::new(),
        repo: None,
        setup: (0, 0),
        wine32_note: None,
        kinds: None,
        projects: Vec::new(),
    };
    let value =
        |it: &mut dyn Iterator<Item = String>, flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--cache" => a.cache = value(&mut it, &arg)?.into(),
            "--oscgen" => a.oscgen = value(&mut it, &arg)?.into(),
            "--repo" => a.repo = Some(value(&mut it, &arg)?.into()),
            "--run-i686" => a.run_i686 = value(&mut it, &arg)? == "1",
            "--wine32-note" => a.wine32_note = Some(value(&mut it, &arg)?.into()),
            "--targets" => {
                a.targets = value(&mut it, &arg)?
                    .split_whitespace()
                    .map(|t| Target::parse(t).ok_or_else(|| format!("--targets: unknown target {t}")))
                    .collect::<Result<_, _>>()?;
            }
            "--setup" => {
                let n = |s: String| s.parse::<usize>().map_err(|e| format!("--setup: {s}: {e}"));
                a.setup = (n(value(&mut it, &arg)?)?, n(value(&mut it, &arg)?)?);
            }
            "--kinds" => {
                let v = value(&mut it, &arg)?;
                a.kinds = Some(match v.as_str() {
                    "all" => Vec::new(),
                    "none" => vec![String::new()],
                    list => list.split(',').map(str::to_string).collect(),
                });
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ => a.projects.push(arg.into()),
        }
    }
    if a.cache.as_os_str().is_empty() || a.oscgen.as_os_str().is_empty() {
        return Err("--cache and --oscgen are required (scripts/windows-lane.sh passes them)".into());
    }
    Ok(a)
}

fn main() -> ExitCode {
    let started = Instant::now();
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("lane: {e}");
            return ExitCode::from(2);
        }
    };
    // The cached lane binary serves every checkout that shares the cache: cargo does not
    // rebuild it for another worktree with the same sources, so the directory it was built
    // in may be another checkout's. The script names its own.
    let repo = args
        .repo
        .clone()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."));
    let repo = repo.canonicalize().unwrap_or(repo);
    let mut r = Report::with_setup(args.setup.0, args.setup.1);
    let lane = Lane {
        repo: repo.clone(),
        cache: args.cache.clone(),
        oscgen: args.oscgen.clone(),
        mingw_idl: repo.join("../shared/corpus/mingw-w64"),
        xsd: repo.join("../shared/reference/xsd/OutlookSocialProvider_2013.xsd"),
    };

    // The projects: the arguments, else every samples/*/ with an oscgen.toml, then the kinds.
    let mut dirs: Vec<(PathBuf, String)> = if args.projects.is_empty() {
        samples(&repo)
    } else {
        args.projects.clone()
    }
    .into_iter()
    .map(|d| (d, String::new()))
    .collect();
    let kinds_wanted = match &args.kinds {
        None if args.projects.is_empty() => Some(Vec::new()),
        None => None,
        Some(v) if v.len() == 1 && v[0].is_empty() => None,
        Some(v) => Some(v.clone()),
    };
    if let Some(only) = kinds_wanted {
        match kinds::read_list(&repo.join("scripts/server-kinds.txt"), &only) {
            Ok(list) => {
                let root = args.cache.join("kinds");
                let logs = args.cache.join("logs");
                println!("== generating {} server kinds into {}", list.len(), root.display());
                dirs.extend(kinds::generate(&mut r, &args.oscgen, &repo, &root, &logs, &list));
            }
            Err(e) => r.fail(format!("kinds: {e}")),
        }
    }
    let mut projects = Vec::new();
    for (d, group) in &dirs {
        match Project::load(d) {
            Ok(mut p) => {
                p.group = group.clone();
                projects.push(p);
            }
            Err(e) => r.fail(format!("setup: {e}")),
        }
    }
    if projects.is_empty() {
        r.fail("setup: no project to check");
    }

    for &target in &args.targets {
        r.set_arch(Some(target.arch()));
        let (loader, regview) = match target {
            Target::X64 => (WINE64, None),
            Target::X86 => (WINE32, Some("/reg:32")),
        };
        let ctx = Ctx {
            lane: &lane,
            target,
            run: target == Target::X64 || args.run_i686,
            wine: Wine {
                wine64: WINE64.into(),
                loader: loader.into(),
                regview,
            },
        };
        for p in &projects {
            let t = Instant::now();
            // cargo writes a Cargo.lock into a project that has none; the lane leaves it as it was.
            let lock = p.dir.join("Cargo.lock");
            let new_lock = !lock.exists();
            sample::check(&mut r, &ctx, p);
            if new_lock {
                let _ = std::fs::remove_file(&lock);
            }
            println!("    ({} {}: {} s)", p.name, target.arch(), t.elapsed().as_secs());
        }
    }
    r.set_arch(None);

    println!(
        "windows lane checks: {} s (caches in {})",
        started.elapsed().as_secs(),
        args.cache.display()
    );
    let archs: Vec<(&'static str, &str)> = args.targets.iter().map(|t| (t.arch(), t.triple())).collect();
    r.summary(&archs);
    if args.targets.contains(&Target::X86) && !args.run_i686 {
        wine32_note(&args, &lane);
    }
    r.closing_line();
    if r.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn samples(repo: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo.join("samples"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    dirs.retain(|d| d.join("oscgen.toml").is_file());
    dirs.sort();
    dirs
}

/// Why the i686 programs were not run, and what the 64-bit loader makes of one.
fn wine32_note(args: &Args, lane: &Lane) {
    println!("note: the i686 DLLs, clients and tests were built and checked, not run:");
    let note = args
        .wine32_note
        .as_ref()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .unwrap_or_else(|| "32-bit Wine is not available".into());
    for line in note.lines() {
        println!("    {line}");
    }
    let release = lane.cache.join("target").join(Target::X86.triple()).join("release");
    let exe = std::fs::read_dir(&release).ok().and_then(|d| {
        d.filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == "exe"))
    });
    if let Some(exe) = exe {
        let log = lane.cache.join("logs/i686-probe.log");
        let exe_s = exe.display().to_string();
        let rc = std::process::Command::new(WINE64)
            .args([&exe_s, "--help"])
            .env("WINEDEBUG", "err+all")
            .stdin(std::process::Stdio::null())
            .output();
        let (code, text) = match rc {
            Ok(o) => (
                o.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&[o.stdout, o.stderr].concat()).into_owned(),
            ),
            Err(e) => (-1, e.to_string()),
        };
        let _ = std::fs::write(&log, &text);
        println!(
            "    Without it, the 64-bit loader runs {} (i686) as follows (exit code {code}, no output):",
            probe::file_name(&exe)
        );
        for l in text.lines().filter(|l| l.contains("err:")).take(3) {
            println!("    {l}");
        }
    }
}
