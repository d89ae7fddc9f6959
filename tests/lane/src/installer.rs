//! The project's `installer/` under Wine. `installer/build-msi.sh` builds the MSI with wixl;
//! `msiexec /i` installs it, the template's client runs against the installed DLL, and after
//! `msiexec /x` every key and the installed file and folder must be gone. Then
//! `install.cmd` and `uninstall.cmd` (Wine's cmd): per user with Outlook's `Bitness` where an
//! MSI Office keeps it, then `/allusers /c2r` with it where Click-to-Run Office keeps it.
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cargo;
use crate::project::{Project, trees};
use crate::register::run_template_client;
use crate::report::{Report, show_log};
use crate::sample::{Ctx, expected_keys, for_target};
use crate::target::Target;
use crate::wine::winpath;

const C2R_MACHINE: &str = r"HKLM\SOFTWARE\Microsoft\Office\ClickToRun\REGISTRY\MACHINE";

pub fn check(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path, client: Option<&Path>) {
    let bitness = match c.target {
        Target::X64 => "x64",
        Target::X86 => "x86",
    };
    let Some(msi) = build(r, c, p, label, logs, bitness) else {
        return;
    };
    if !c.run {
        return;
    }
    msi_checks(r, c, p, label, logs, &msi, client);
    script_checks(r, c, p, label, logs, bitness);
}

/// `sh installer/build-msi.sh <bitness>`, as its author runs it: the release build (already
/// done, so cargo finds it fresh), the debug info moved out, wixl.
fn build(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path, bitness: &str) -> Option<PathBuf> {
    let log = logs.join("build-msi.log");
    let status = std::fs::File::create(&log).and_then(|out| {
        let err = out.try_clone()?;
        Command::new("sh")
            .arg("installer/build-msi.sh")
            .arg(bitness)
            .current_dir(&p.dir)
            .env("CARGO", cargo::cargo())
            .env("CARGO_TARGET_DIR", c.tdir(p))
            .stdout(out)
            .stderr(err)
            .status()
    });
    let msi = p
        .dir
        .join("target/installer")
        .join(format!("{}-{bitness}.msi", p.crate_name));
    if status.is_ok_and(|s| s.success()) && msi.is_file() {
        let size = std::fs::metadata(&msi).map(|m| m.len()).unwrap_or(0);
        r.pass(format!(
            "{label}: installer/build-msi.sh {bitness} -> {} ({size} bytes, wixl)",
            msi.file_name().unwrap_or_default().to_string_lossy()
        ));
        Some(msi)
    } else {
        show_log(&log, 20);
        r.fail(format!(
            "{label}: installer/build-msi.sh {bitness} (log: {})",
            log.display()
        ));
        None
    }
}

fn msi_checks(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path, msi: &Path, client: Option<&Path>) {
    let Some(clsid) = p.clsid() else {
        return;
    };
    let (expected, _) = expected_keys(p, c.target);
    let mirror = format!(r"HKLM\Software\Classes\CLSID\{clsid}");
    let mut preclean = trees(&expected);
    preclean.push(mirror.clone());
    c.wine.delete(&logs.join("msi-preclean.cmd"), &preclean);
    let msi_win = winpath(msi);
    let msi_name = msi.file_name().unwrap_or_default().to_string_lossy().into_owned();

    let rc = c
        .wine
        .run(&["msiexec", "/i", &msi_win, "/qn"], &logs.join("msiexec-i.log"));
    r.check(
        rc == 0,
        format!("{label}: msiexec /i {msi_name} /qn"),
        format!("{label}: msiexec /i {msi_name} /qn exited with {rc}"),
    );
    let present = c.wine.present(&logs.join("msi-installed.cmd"), &expected).len();
    r.check(
        present == expected.len(),
        format!("{label}: the MSI wrote all {} keys of {}", expected.len(), p.reg_name()),
        format!(
            "{label}: the MSI wrote {present} of the {} keys of {}",
            expected.len(),
            p.reg_name()
        ),
    );
    let inproc = format!(r"HKCU\Software\Classes\CLSID\{clsid}\InprocServer32");
    let installed = c
        .wine
        .default_value(&inproc, &logs.join("msi-inproc.txt"))
        .unwrap_or_default();
    let suffix = format!(r"\Programs\{}\{}", p.crate_name, p.dll_name());
    let installed_file = installed_path(&installed);
    r.check(
        installed.ends_with(&suffix) && installed_file.as_ref().is_some_and(|f| f.is_file()),
        format!("{label}: InprocServer32 is the installed DLL ({installed})"),
        format!("{label}: InprocServer32 is '{installed}', expected an installed ...{suffix}"),
    );

    run_template_client(r, c, p, &format!("{label}: installed"), logs, client);

    let rc = c
        .wine
        .run(&["msiexec", "/x", &msi_win, "/qn"], &logs.join("msiexec-x.log"));
    r.check(
        rc == 0,
        format!("{label}: msiexec /x {msi_name} /qn"),
        format!("{label}: msiexec /x {msi_name} /qn exited with {rc}"),
    );
    let mut query = expected.clone();
    query.push(mirror);
    let left = c.wine.present(&logs.join("msi-uninstalled.cmd"), &query);
    let folder = installed_file.as_ref().and_then(|f| f.parent().map(Path::to_path_buf));
    let files_left = installed_file.as_ref().is_some_and(|f| f.exists()) || folder.as_ref().is_some_and(|d| d.exists());
    r.check(
        left.is_empty() && !files_left,
        format!(
            "{label}: after msiexec /x, all {} keys, the DLL and its folder are gone",
            expected.len()
        ),
        format!(
            "{label}: after msiexec /x, still there: {}{}",
            left.join(" "),
            if files_left {
                format!(" {}", folder.map(|d| d.display().to_string()).unwrap_or_default())
            } else {
                String::new()
            }
        ),
    );
    if !left.is_empty() {
        c.wine.delete(&logs.join("msi-cleanup.cmd"), &preclean);
    }
}

/// The Linux path of a `C:\...` path in the Wine prefix.
fn installed_path(win: &str) -> Option<PathBuf> {
    let prefix = std::env::var_os("WINEPREFIX")?;
    let rest = win.strip_prefix("C:\\").or_else(|| win.strip_prefix("c:\\"))?;
    Some(Path::new(&prefix).join("drive_c").join(rest.replace('\\', "/")))
}

/// install.cmd and uninstall.cmd from the package build-msi.sh assembled, with a stand-in
/// for Outlook's `Bitness` value.
fn script_checks(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path, bitness: &str) {
    let package = p.dir.join("target/installer/package");
    let install = winpath(&package.join("install.cmd"));
    let uninstall = winpath(&package.join("uninstall.cmd"));
    let view = if bitness == "x86" { "/reg:32" } else { "/reg:64" };
    let office = r"HKLM\SOFTWARE\Microsoft\Office\16.0\Outlook".to_string();
    let c2r_office = format!(r"{C2R_MACHINE}\Software\Microsoft\Office\16.0\Outlook");
    let set_bitness = |key: &str, log: &str| {
        c.wine.run(
            &["reg", "add", key, "/v", "Bitness", "/d", bitness, "/f", view],
            &logs.join(log),
        )
    };
    let clear = |log: &str| {
        c.wine
            .delete(&logs.join(log), &[office.clone(), C2R_MACHINE.to_string()]);
    };
    let (expected, _) = expected_keys(p, c.target);
    clear("cmd-preclean.cmd");

    // Per user: regsvr32 of Outlook's bitness.
    set_bitness(&office, "cmd-bitness.log");
    let rc = c.wine.run_cmd(&[&install], &logs.join("install-cmd.log"));
    let present = c.wine.present(&logs.join("cmd-installed.cmd"), &expected).len();
    r.check(
        rc == 0 && present == expected.len(),
        format!(
            "{label}: install.cmd (Outlook's Bitness {bitness}) registered all {} keys for the current user",
            expected.len()
        ),
        format!(
            "{label}: install.cmd exited with {rc}; {present} of {} keys (log: {})",
            expected.len(),
            logs.join("install-cmd.log").display()
        ),
    );
    let rc = c.wine.run_cmd(&[&uninstall], &logs.join("uninstall-cmd.log"));
    let left = c.wine.present(&logs.join("cmd-uninstalled.cmd"), &expected);
    r.check(
        rc == 0 && left.is_empty(),
        format!("{label}: uninstall.cmd removed every key"),
        format!(
            "{label}: uninstall.cmd exited with {rc}; still there: {}",
            left.join(" ")
        ),
    );
    if !left.is_empty() {
        c.wine.delete(&logs.join("cmd-cleanup.cmd"), &trees(&expected));
    }
    clear("cmd-clear.cmd");

    // All users, Click-to-Run: Bitness only where Click-to-Run Office keeps it.
    set_bitness(&c2r_office, "cmd-c2r-bitness.log");
    // The keys as the DLL of Outlook's bitness writes them (a 32-bit one's type library
    // under `\0\win32`), which is the one install.cmd picks.
    let keys: Vec<String> = p.keys.iter().map(|k| for_target(k, c.target)).collect();
    let machine: Vec<String> = keys.iter().map(|k| k.replacen("HKCU\\", "HKLM\\", 1)).collect();
    let c2r: Vec<String> = keys
        .iter()
        .map(|k| c2r_key(k.trim_start_matches("HKCU\\"), bitness == "x86"))
        .collect();
    let all: Vec<String> = machine.iter().chain(&c2r).cloned().collect();
    // What Outlook reads: the HKLM keys in the view of a process of Outlook's bitness, for
    // x86 a 32-bit one (CLSID under Classes\Wow6432Node, the ProgID shared, as install.cmd's
    // `reg add /reg:32` wrote them); Click-to-Run's keys in the 64-bit view, where its
    // `ClickToRun\REGISTRY` is for an x86 Office too (install.cmd's `/reg:64`).
    let query = |name: &str| -> Vec<String> {
        let mut found = c.wine.present_as_dll(&logs.join(format!("{name}.cmd")), &machine);
        found.extend(c.wine.present_64(&logs.join(format!("{name}-c2r.cmd")), &c2r));
        found
    };
    let rc = c
        .wine
        .run_cmd(&[&install, "/allusers", "/c2r"], &logs.join("install-cmd-allusers.log"));
    let present = query("cmd-allusers").len();
    r.check(
        rc == 0 && present == all.len(),
        format!(
            "{label}: install.cmd /allusers /c2r (Bitness {bitness} from Click-to-Run) wrote all {} keys under HKLM and Click-to-Run's HKLM",
            all.len()
        ),
        format!(
            "{label}: install.cmd /allusers /c2r exited with {rc}; {present} of {} keys (log: {})",
            all.len(),
            logs.join("install-cmd-allusers.log").display()
        ),
    );
    let rc = c.wine.run_cmd(
        &[&uninstall, "/allusers", "/c2r"],
        &logs.join("uninstall-cmd-allusers.log"),
    );
    let left = query("cmd-allusers-gone");
    r.check(
        rc == 0 && left.is_empty(),
        format!("{label}: uninstall.cmd /allusers /c2r removed every key"),
        format!(
            "{label}: uninstall.cmd /allusers /c2r exited with {rc}; still there: {}",
            left.join(" ")
        ),
    );
    c.wine
        .delete_as_dll(&logs.join("cmd-allusers-cleanup.cmd"), &trees(&machine));
    c.wine
        .delete_64(&logs.join("cmd-allusers-cleanup-c2r.cmd"), &trees(&c2r));
    clear("cmd-clear2.cmd");
}

/// A key under Click-to-Run's HKLM, where a 32-bit Office has its 32-bit view's keys.
fn c2r_key(path: &str, x86: bool) -> String {
    let path = if !x86 {
        path.to_string()
    } else if let Some(rest) = path.strip_prefix(r"Software\Classes\CLSID\") {
        format!(r"Software\Classes\Wow6432Node\CLSID\{rest}")
    } else if path.starts_with(r"Software\Classes\") {
        path.to_string()
    } else if let Some(rest) = path.strip_prefix(r"Software\") {
        format!(r"Software\Wow6432Node\{rest}")
    } else {
        path.to_string()
    };
    format!(r"{C2R_MACHINE}\{path}")
}
