//! samples/automation across apartments: a C client compiled against widl's header of the
//! sample's IDL (tests/lane/c/cross_apartment.c) creates the apartment-threaded object on one
//! STA and calls it from a second one through CoMarshalInterThreadInterfaceInStream. The calls
//! must arrive on the object's thread through a proxy, which for a dual interface is the
//! universal marshaler's, built from the type library the DLL embeds and registers. The control
//! run hides the interface's registration and must get no proxy.
use std::path::Path;

use crate::project::Project;
use crate::report::{Report, show_log};
use crate::sample::Ctx;
use crate::wine::run_logged;

/// The sample the client is written for, and its IDL.
const SAMPLE: &str = "automation";
const IDL: &str = "idl/automation.idl";

/// Whether `p` is the project the client calls.
pub fn applies(p: &Project) -> bool {
    p.name == SAMPLE && p.dir.join(IDL).is_file()
}

/// Builds the client and runs it twice against the registered DLL.
pub fn check(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path) {
    let Some(clsid) = p.clsid() else {
        r.fail(format!("{label}: cross-apartment: {} registers no CLSID", p.reg_name()));
        return;
    };
    let out = logs.join("cross-apartment");
    if let Err(e) = std::fs::create_dir_all(&out) {
        r.fail(format!("{label}: cross-apartment: creating {}: {e}", out.display()));
        return;
    }
    let widl = format!("{}-widl", c.target.mingw());
    let idl = p.dir.join(IDL);
    let (mingw_idl, idl_s) = (c.lane.mingw_idl.display().to_string(), idl.display().to_string());
    // The header, then (-u) automation_i.c with the IIDs and the LIBID, both from widl,
    // each named by -o: widl writes one output per run where -o says.
    for (kind, file) in [("-h", "automation.h"), ("-u", "automation_i.c")] {
        let out_file = out.join(file).display().to_string();
        let log = logs.join(format!("cross-apartment-widl{kind}.log"));
        let args = [kind, "-o", &out_file, "-I", &mingw_idl, &idl_s];
        if run_logged(Path::new(&widl), &args, &log) != 0 {
            show_log(&log, 20);
            r.fail(format!(
                "{label}: cross-apartment: {widl} {kind} {IDL} (log: {})",
                log.display()
            ));
            return;
        }
    }
    let gcc = format!("{}-gcc", c.target.mingw());
    let exe = out.join("cross-apartment.exe");
    let source = c.lane.repo.join("tests/lane/c/cross_apartment.c");
    let log = logs.join("cross-apartment-gcc.log");
    let (exe_s, source_s, iids, include) = (
        exe.display().to_string(),
        source.display().to_string(),
        out.join("automation_i.c").display().to_string(),
        format!("-I{}", out.display()),
    );
    let args = [
        "-O1",
        "-Wall",
        "-Werror",
        "-o",
        &exe_s,
        &source_s,
        &iids,
        &include,
        "-lole32",
        "-loleaut32",
        "-luuid",
        "-ladvapi32",
        "-static-libgcc",
    ];
    if run_logged(Path::new(&gcc), &args, &log) != 0 {
        show_log(&log, 20);
        r.fail(format!(
            "{label}: cross-apartment: {gcc} cross_apartment.c (log: {})",
            log.display()
        ));
        return;
    }
    r.pass(format!(
        "{label}: cross-apartment: cross_apartment.c compiled by {gcc} against widl's header of {IDL}"
    ));
    c.wine.run_client(
        r,
        &format!("{label}: cross-apartment"),
        &logs.join("cross-apartment.log"),
        &exe,
        &[&clsid],
    );
    c.wine.run_client(
        r,
        &format!("{label}: cross-apartment, the interface unregistered"),
        &logs.join("cross-apartment-control.log"),
        &exe,
        &[&clsid, "--no-interface"],
    );
}
