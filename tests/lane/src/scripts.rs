//! samples/automation driven by Wine's own script hosts: `cscript.exe` runs a VBScript and a
//! JScript (tests/lane/scripts/) that create the Greeter by ProgID and call it late-bound,
//! through the IDispatch oscgen generates, with strings, numbers, booleans, dates, objects,
//! properties and the errors the Rust code raises. The 32-bit run uses SysWOW64's cscript.
//! Then a late-bound C client (tests/lane/c/late_bound.c) sends what scripts never do: named
//! arguments, and wrong ones whose index must come back in puArgErr.
use std::path::{Path, PathBuf};

use crate::project::Project;
use crate::report::{Report, show_log};
use crate::sample::Ctx;
use crate::target::Target;
use crate::wine::{run_logged, winpath};

/// The per-user COM keys of the registered sample, as trees under `Software\Classes`: its
/// class, ProgID, type library and interfaces.
fn class_trees(p: &Project) -> Vec<String> {
    let mut trees: Vec<String> = Vec::new();
    for key in &p.keys {
        let Some(rest) = key.strip_prefix(r"HKCU\Software\Classes\") else {
            continue;
        };
        let parts: Vec<&str> = rest.split('\\').collect();
        let depth = match parts[0] {
            "CLSID" | "TypeLib" | "Interface" => 2,
            _ => 1,
        };
        if parts.len() < depth {
            continue;
        }
        let tree = parts[..depth].join("\\");
        if !trees.contains(&tree) {
            trees.push(tree);
        }
    }
    trees
}

/// Runs both scripts against the registered DLL.
pub fn check(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path) {
    let trees = class_trees(p);
    // Wine 8 reads COM's keys from HKLM\Software\Classes only (see README, Windows lane):
    // the per-user ones are copied there for the scripts, by a `reg` of the DLL's bitness.
    let mut copy = String::from("@echo off\r\n");
    for tree in &trees {
        copy.push_str(&format!(
            "reg copy \"HKCU\\Software\\Classes\\{tree}\" \"HKLM\\Software\\Classes\\{tree}\" /s /f >nul\r\nif errorlevel 1 echo failed: {tree}\r\n"
        ));
    }
    let batch = logs.join("scripts-copy.cmd");
    let log = logs.join("scripts-copy.log");
    let copied = std::fs::write(&batch, copy).is_ok() && c.wine.run_cmd(&[&winpath(&batch)], &log) == 0;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    r.check(
        copied && !text.contains("failed:"),
        format!(
            "{label}: scripts: Wine workaround: {} per-user class keys copied to HKLM",
            trees.len()
        ),
        format!(
            "{label}: scripts: copying the class keys to HKLM failed (log: {})",
            log.display()
        ),
    );
    // SysWOW64's by its Unix path: the client's summary line is named after the file stem.
    let syswow64 = std::env::var_os("WINEPREFIX")
        .map(|p| Path::new(&p).join("drive_c/windows/syswow64/cscript.exe"))
        .unwrap_or_default();
    let cscript = match c.target {
        Target::X86 => syswow64,
        Target::X64 => PathBuf::from("cscript"),
    };
    for script in ["greeter.vbs", "greeter.js"] {
        let path = c.lane.repo.join("tests/lane/scripts").join(script);
        let stem = script.replace('.', "-");
        c.wine.run_client(
            r,
            &format!("{label}: {script}"),
            &logs.join(format!("cscript-{stem}.log")),
            &cscript,
            &["//nologo", &winpath(&path)],
        );
    }
    late_bound(r, c, p, label, logs);
    let machine: Vec<String> = trees.iter().map(|t| format!(r"HKLM\Software\Classes\{t}")).collect();
    c.wine.delete_as_dll(&logs.join("scripts-uncopy.cmd"), &machine);
    let left = c.wine.present_as_dll(&logs.join("scripts-uncopied.cmd"), &machine);
    r.check(
        left.is_empty(),
        format!("{label}: scripts: Wine workaround undone: the HKLM copies are gone"),
        format!("{label}: scripts: still in HKLM: {}", left.join(" ")),
    );
}

/// Builds tests/lane/c/late_bound.c with mingw-w64's gcc (its headers and oleaut32 only) and
/// runs it on the ProgID, while the class keys are visible in HKLM.
fn late_bound(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path) {
    let Some(prog_id) = &p.prog_id else {
        r.fail(format!("{label}: late-bound: {} registers no ProgID", p.reg_name()));
        return;
    };
    let gcc = format!("{}-gcc", c.target.mingw());
    let exe = logs.join("late-bound.exe");
    let source = c.lane.repo.join("tests/lane/c/late_bound.c");
    let log = logs.join("late-bound-gcc.log");
    let (exe_s, source_s) = (exe.display().to_string(), source.display().to_string());
    let args = [
        "-O1",
        "-Wall",
        "-Werror",
        "-o",
        &exe_s,
        &source_s,
        "-lole32",
        "-loleaut32",
        "-luuid",
        "-static-libgcc",
    ];
    if run_logged(Path::new(&gcc), &args, &log) != 0 {
        show_log(&log, 20);
        r.fail(format!(
            "{label}: late-bound: {gcc} late_bound.c (log: {})",
            log.display()
        ));
        return;
    }
    c.wine
        .run_client(r, label, &logs.join("late-bound.log"), &exe, &[prog_id]);
}
