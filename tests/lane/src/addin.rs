//! The outlook-addin template's client: `tests/lane/c/addin_host.c`, a Windows program that
//! does what an Office application does with its COM add-ins at start-up and shutdown (the
//! Addins key, CoCreateInstance by ProgID, IDTExtensibility2, GetCustomUI, each `onAction`
//! through GetIDsOfNames and Invoke, OnDisconnection, the last Release), using only the IIDs
//! and DISPIDs of docs/reference/office-addin.md. The ribbon XML it received must then be
//! well-formed for xmllint.
use std::path::Path;
use std::process::Command;

use crate::project::Project;
use crate::report::{Report, show_log};
use crate::sample::Ctx;
use crate::wine::{run_logged, winpath};

/// The first Office application oscgen.toml's `[office_addin] hosts` names.
fn host(p: &Project) -> Option<String> {
    let text = std::fs::read_to_string(p.dir.join("oscgen.toml")).ok()?;
    let table: toml::Table = text.parse().ok()?;
    let first = table.get("office_addin")?.get("hosts")?.as_array()?.first()?.as_str()?;
    (!first.is_empty()).then(|| first.to_string())
}

/// Builds the host simulator for the target and runs it against the registered add-in.
pub fn check(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path) {
    let Some(app) = host(p) else {
        r.fail(format!(
            "{label}: addin-host: oscgen.toml names no [office_addin] hosts"
        ));
        return;
    };
    let gcc = format!("{}-gcc", c.target.mingw());
    let exe = logs.join("addin-host.exe");
    let source = c.lane.repo.join("tests/lane/c/addin_host.c");
    let log = logs.join("addin-host-gcc.log");
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
        "-ladvapi32",
        "-static-libgcc",
    ];
    if run_logged(Path::new(&gcc), &args, &log) != 0 {
        show_log(&log, 20);
        r.fail(format!(
            "{label}: addin-host: {gcc} addin_host.c (log: {})",
            log.display()
        ));
        return;
    }
    let xml = logs.join("ribbon-from-getcustomui.xml");
    let _ = std::fs::remove_file(&xml);
    c.wine.run_client(
        r,
        &format!("{label}: addin-host {app}"),
        &logs.join("addin-host.log"),
        &exe,
        &[&app, &winpath(&xml)],
    );
    let lint = Command::new("xmllint").arg("--noout").arg(&xml).output();
    match lint {
        Ok(out) if out.status.success() => r.pass(format!(
            "{label}: addin-host: the ribbon XML GetCustomUI returned is well-formed (xmllint)"
        )),
        Ok(out) => r.fail(format!(
            "{label}: addin-host: xmllint {}: {}",
            xml.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => r.fail(format!("{label}: addin-host: running xmllint: {e}")),
    }
}
