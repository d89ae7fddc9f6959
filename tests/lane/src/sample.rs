//! The checks of one project for one target: cross-build, PE exports and imports, the
//! clients built against its bindings, regsvr32 and its keys, the client by template, regsvr32
//! /u, the slot probe, and its own tests run by Wine.
use std::path::{Path, PathBuf};

use crate::cargo;
use crate::pe;
use crate::probe::{self, file_name};
use crate::project::Project;
use crate::report::{Report, show_log};
use crate::target::Target;
use crate::wine::Wine;

/// What every project's checks share.
pub struct Lane {
    pub repo: PathBuf,
    pub cache: PathBuf,
    pub oscgen: PathBuf,
    /// mingw-w64's IDL (../shared/corpus/mingw-w64), on widl's include path.
    pub mingw_idl: PathBuf,
    pub xsd: PathBuf,
}

pub struct Ctx<'a> {
    pub lane: &'a Lane,
    pub target: Target,
    /// Whether this target's programs run here (the i686 ones need 32-bit Wine).
    pub run: bool,
    pub wine: Wine,
}

impl Ctx<'_> {
    /// One target dir for all projects and the clients, so that the dependencies are built
    /// once, except for the projects of another group (see [`Project::group`]).
    pub fn tdir(&self, p: &Project) -> PathBuf {
        self.lane.cache.join(format!("target{}", p.group))
    }

    /// The target dir of the DLLs built with the slot probe.
    pub fn probe_tdir(&self, p: &Project) -> PathBuf {
        self.lane.cache.join(format!("target-probe{}", p.group))
    }

    /// Where the clients (tests/harness) are built.
    fn client_tdir(&self) -> PathBuf {
        self.lane.cache.join("target")
    }
}

pub fn check(r: &mut Report, c: &Ctx, p: &Project) {
    let arch = c.target.arch();
    let triple = c.target.triple();
    let label = format!("{} {arch}", p.name);
    let logs = c.lane.cache.join("logs").join(&p.name).join(arch);
    let _ = std::fs::remove_dir_all(&logs);
    if let Err(e) = std::fs::create_dir_all(&logs).and_then(|_| std::fs::create_dir_all(c.tdir(p))) {
        r.fail(format!("{label}: creating {}: {e}", logs.display()));
        return;
    }
    println!("== {} ({triple})", p.name);
    let tdir = c.tdir(p).display().to_string();

    // --- cross-build the DLL (release, as it ships)
    let json = logs.join("build.json");
    let build_log = logs.join("build.log");
    let args = [
        "build",
        "--release",
        "--target",
        triple,
        "--target-dir",
        &tdir,
        "--message-format=json-render-diagnostics",
    ];
    if !cargo::run(&p.dir, &args, &[], &json, &build_log) {
        show_log(&build_log, 40);
        r.fail(format!(
            "{label}: cargo build --release --target {triple} (log: {})",
            build_log.display()
        ));
        return;
    }
    let dlls = cargo::cdylibs(&json);
    let dll = match dlls.as_slice() {
        [one] if one.is_file() => one.clone(),
        _ => {
            let found: Vec<String> = dlls.iter().map(|d| d.display().to_string()).collect();
            r.fail(format!(
                "{label}: expected one cdylib .dll from the build, found: {}",
                if found.is_empty() {
                    "none".into()
                } else {
                    found.join(" ")
                }
            ));
            return;
        }
    };
    let size = std::fs::metadata(&dll).map(|m| m.len()).unwrap_or(0);
    r.pass(format!(
        "{label}: cargo build --release --target {triple} -> {} ({size} bytes, debug info included)",
        file_name(&dll)
    ));

    // --- machine, exports and imports, read from the DLL as built: on i686 the check needs
    // its symbols (objcopy --strip-all below leaves the export table as it is)
    pe::check_dll(r, &label, &dll, c.target);

    // --- the DLL as it ships, debug info moved out: every check below uses it
    let Some((dll, debug)) = split_debuginfo(r, &label, &dll, c.target, &logs.join("ship")) else {
        return;
    };
    // scripts/bench.sh reports the size of the last lane's DLL from here.
    let bench = c.lane.repo.join("target/windows-lane").join(triple).join("release");
    if std::fs::create_dir_all(&bench).is_ok() {
        let _ = std::fs::copy(&dll, bench.join(file_name(&dll)));
        let _ = std::fs::copy(&debug, bench.join(file_name(&debug)));
    }

    // --- the client, built for this target against this project's own bindings
    let client = match p.template.as_str() {
        "osc-provider" => Some(("osc-host", "OSC_HOST_SAMPLE")),
        "mapi-session" => Some(("mapi-client", "MAPI_CLIENT_SAMPLE")),
        _ => None,
    };
    let mut client_ok = false;
    if let Some((bin, var)) = client {
        let log = logs.join(format!("{bin}-build.log"));
        let manifest = c.lane.repo.join("tests/harness/Cargo.toml");
        let manifest_s = manifest.display().to_string();
        let tdir = c.client_tdir().display().to_string();
        let args = [
            "build",
            "--release",
            "--target",
            triple,
            "--target-dir",
            &tdir,
            "--locked",
            "--manifest-path",
            &manifest_s,
            "--bin",
            bin,
        ];
        if cargo::run(&c.lane.repo, &args, &[(var, &p.dir)], &log, &log) {
            client_ok = true;
            if !c.run {
                r.pass(format!(
                    "{label}: tests/harness {bin} built for {triple} against {}'s bindings",
                    p.name
                ));
            }
        } else {
            show_log(&log, 40);
            r.fail(format!(
                "{label}: building tests/harness {bin} against {}'s bindings (log: {})",
                p.name,
                log.display()
            ));
        }
    }

    if p.keys.is_empty() {
        r.fail(format!("{label}: no HKEY_CURRENT_USER keys in {}", p.reg_name()));
        return;
    }
    if !c.run {
        crate::installer::check(r, c, p, &label, &logs, None);
        not_run(r, c, p, &label, &logs, &dll, client.map(|(b, _)| b));
        return;
    }
    let client_exe = client.map(|(bin, _)| c.client_tdir().join(triple).join("release").join(format!("{bin}.exe")));
    crate::register::registered_checks(r, c, p, &label, &logs, &dll, client_ok.then_some(client_exe).flatten());
    own_tests(r, c, p, &label, &logs);
    host_with_dll(r, c, p, &label, &logs, &dll);
}

/// `oscgen host --dll`, as a provider's author runs it: Outlook's call sequence from the
/// project's host test, which cargo runs under Wine, against the DLL as built, loaded with
/// LoadLibrary rather than linked into the test.
fn host_with_dll(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path, dll: &Path) {
    if !p.dir.join("src/generated/host/mod.rs").is_file() {
        return;
    }
    let triple = c.target.triple();
    let tdir = c.tdir(p).display().to_string();
    let log = logs.join("oscgen-host-dll.log");
    let mut cmd = std::process::Command::new(&c.lane.oscgen);
    cmd.args(["host", "--dll"])
        .arg(dll)
        .arg(&p.dir)
        .args(["--", "--target", triple, "--target-dir", &tdir])
        .env("CARGO", cargo::cargo());
    if c.target == Target::X86 {
        // As for the project's own tests: Wine 8's 32-bit dbghelp and a backtrace.
        cmd.env("RUST_BACKTRACE", "0");
    }
    let ok = std::fs::File::create(&log)
        .and_then(|out| {
            let err = out.try_clone()?;
            cmd.stdin(std::process::Stdio::null()).stdout(out).stderr(err).status()
        })
        .is_ok_and(|s| s.success());
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let loaded = text.lines().any(|l| l.starts_with("PASS LoadLibrary("));
    let failed = text.lines().filter(|l| l.starts_with("FAIL ")).count();
    if ok && loaded && failed == 0 {
        let passed = text.lines().filter(|l| l.starts_with("PASS ")).count();
        r.pass(format!(
            "{label}: oscgen host --dll {}: Outlook's call sequence against the built DLL under Wine ({passed} checks)",
            file_name(dll)
        ));
    } else {
        show_log(&log, 40);
        r.fail(format!(
            "{label}: oscgen host --dll: {}, DLL {}, {failed} failed checks (log: {})",
            if ok { "exit code 0" } else { "failed" },
            if loaded { "loaded" } else { "not loaded" },
            log.display()
        ));
    }
}

/// The mingw linker keeps the release profile's debug info inside the DLL (cargo's
/// `split-debuginfo` has no effect on windows-gnu), so objcopy moves it into `<dll>.debug`
/// and leaves a debug link in the stripped DLL, as the project's README tells its author
/// to. Returns the stripped DLL and the debug file, both in `dir`.
fn split_debuginfo(
    r: &mut Report,
    label: &str,
    built: &Path,
    target: Target,
    dir: &Path,
) -> Option<(PathBuf, PathBuf)> {
    let name = file_name(built);
    let debug_name = format!("{name}.debug");
    let objcopy = format!("{}-objcopy", target.mingw());
    let _ = std::fs::remove_dir_all(dir);
    let copied = std::fs::create_dir_all(dir).and_then(|()| std::fs::copy(built, dir.join(&name)));
    if let Err(e) = copied {
        r.fail(format!(
            "{label}: copying {} into {}: {e}",
            built.display(),
            dir.display()
        ));
        return None;
    }
    // Run in `dir`: the debug link records the file name as given.
    let steps: [&[&str]; 2] = [
        &["--only-keep-debug", &name, &debug_name],
        &["--strip-all", &format!("--add-gnu-debuglink={debug_name}"), &name],
    ];
    for args in steps {
        match std::process::Command::new(&objcopy)
            .args(args)
            .current_dir(dir)
            .output()
        {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                r.fail(format!(
                    "{label}: {objcopy} {}: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
                return None;
            }
            Err(e) => {
                r.fail(format!("{label}: running {objcopy}: {e}"));
                return None;
            }
        }
    }
    let (dll, debug) = (dir.join(&name), dir.join(&debug_name));
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    r.pass(format!(
        "{label}: {name} as shipped, debug info moved out by {objcopy}: {} bytes, {debug_name} {} bytes",
        size(&dll),
        size(&debug)
    ));
    Some((dll, debug))
}

/// No Wine for this target: the tests are compiled (the vtable layout checks are evaluated
/// by the compiler for this target's pointer size), the probe built, nothing run.
fn not_run(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path, dll: &Path, client: Option<&str>) {
    let triple = c.target.triple();
    let tdir = c.tdir(p).display().to_string();
    let log = logs.join("test.log");
    let args = ["test", "--no-run", "--target", triple, "--target-dir", &tdir];
    if cargo::run(&p.dir, &args, &[], &log, &log) {
        let t = cargo::test_log(&log);
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let layout = if text.contains("Executable unittests src/lib.rs") {
            ", src/generated/layout.rs: every slot at 4 x its index, checked at compile time"
        } else {
            ""
        };
        r.pass(format!(
            "{label}: cargo test --no-run --target {triple} ({} test executables built{layout})",
            t.built
        ));
    } else {
        show_log(&log, 40);
        r.fail(format!(
            "{label}: cargo test --no-run --target {triple} (log: {})",
            log.display()
        ));
    }
    // What only a 32-bit DLL registers is compiled into this one (the x86_64 run checks that
    // the 64-bit DLL does not write it).
    if !p.keys32.is_empty() {
        let bytes = std::fs::read(dll).unwrap_or_default();
        let carried = p
            .keys32
            .iter()
            .filter(|k| {
                let needle = k.trim_start_matches("HKCU\\").as_bytes();
                bytes.windows(needle.len()).any(|w| w == needle)
            })
            .count();
        r.check(
            carried == p.keys32.len(),
            format!(
                "{label}: the DLL carries the {} 32-bit-only key(s) of {} that its DllRegisterServer writes ({})",
                p.keys32.len(),
                p.reg_name(),
                p.keys32.join(" ")
            ),
            format!(
                "{label}: the DLL carries {carried} of the {} 32-bit-only keys of {}",
                p.keys32.len(),
                p.reg_name()
            ),
        );
    }
    probe::build(r, c, label, logs, p);
    println!(
        "    {label}: not run (regsvr32, {}, probe-client, cargo test): no 32-bit Wine, see the closing note",
        client.unwrap_or("no client")
    );
}

/// The project's own tests, for Windows, run by Wine (cargo's target runner). Every test
/// executable cargo ran must have printed its `test result: ok` line: a loader that starts
/// nothing and exits 0 would otherwise pass.
fn own_tests(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path) {
    let triple = c.target.triple();
    let tdir = c.tdir(p).display().to_string();
    let log = logs.join("test.log");
    // A test panics on purpose (a stub's panic stays inside the DLL), and with
    // RUST_BACKTRACE set std's hook then prints a backtrace. On i686-pc-windows-gnu std
    // walks and symbolizes the stack with dbghelp, and Wine 8's 32-bit dbghelp dies reading
    // the test executable's DWARF (strlen(NULL) in its dwarf2 parser, after "Unhandled Tag
    // type 0x33", a Rust enum's DW_TAG_variant_part): a page fault that kills the test
    // run. Windows' dbghelp does not read DWARF; x86_64 std unwinds without dbghelp. So
    // the i686 tests run without backtraces, whatever the caller's environment says.
    let envs: &[(&str, &Path)] = match c.target {
        Target::X86 => &[("RUST_BACKTRACE", Path::new("0"))],
        Target::X64 => &[],
    };
    let ok = cargo::run(
        &p.dir,
        &["test", "--target", triple, "--target-dir", &tdir],
        envs,
        &log,
        &log,
    );
    let t = cargo::test_log(&log);
    if ok && t.runs > 0 && t.ok == t.runs && t.passed > 0 {
        r.pass(format!(
            "{label}: cargo test --target {triple} under Wine ({} tests passed in {} test executables)",
            t.passed, t.runs
        ));
    } else {
        show_log(&log, 40);
        r.fail(format!(
            "{label}: cargo test --target {triple} under Wine: {}, {} of {} test executables reported ok, {} tests passed (log: {})",
            if ok { "exit code 0" } else { "failed" },
            t.ok,
            t.runs,
            t.passed,
            log.display()
        ));
    }
}

/// The registry keys registration must write, and those it must not.
pub fn expected_keys(p: &Project, target: Target) -> (Vec<String>, Vec<String>) {
    let mut expected: Vec<String> = p.keys.iter().map(|k| for_target(k, target)).collect();
    let mut absent = Vec::new();
    if target == Target::X86 {
        expected.extend(p.keys32.iter().cloned());
    } else {
        absent = p.keys32.clone();
    }
    (expected, absent)
}

/// A key of the .reg file as a DLL of `target` writes it: the file shows a type library's
/// `TypeLib\{LIBID}\ver\0\win64`, which a 32-bit DLL registers as `...\0\win32`.
pub fn for_target(key: &str, target: Target) -> String {
    match key.strip_suffix(r"\0\win64") {
        Some(base) if target == Target::X86 && key.contains(r"\TypeLib\") => format!(r"{base}\0\win32"),
        _ => key.to_string(),
    }
}
