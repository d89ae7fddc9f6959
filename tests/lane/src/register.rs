//! The checks that run the DLL: regsvr32 and the keys of its .reg file, the client its
//! template has, regsvr32 /u and every key gone, then the slot probe registered and called.
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::probe::{self, file_name};
use crate::project::{Project, trees};
use crate::report::{Report, show_log};
use crate::sample::{Ctx, expected_keys};
use crate::target::Target;
use crate::wine::winpath;

pub fn registered_checks(
    r: &mut Report,
    c: &Ctx,
    p: &Project,
    label: &str,
    logs: &Path,
    dll: &Path,
    client: Option<PathBuf>,
) {
    let reg_name = p.reg_name();
    let Some(clsid) = p.clsid() else {
        r.fail(format!("{label}: {reg_name} registers no CLSID"));
        return;
    };
    let (expected, absent) = expected_keys(p, c.target);
    let trees = trees(&expected);
    let mirror = format!(r"HKLM\Software\Classes\CLSID\{clsid}");
    // Leftovers of an interrupted run would hide what this run's registration does.
    let mut preclean = trees.clone();
    preclean.extend(absent.iter().cloned());
    preclean.push(mirror.clone());
    c.wine.delete(&logs.join("preclean.cmd"), &preclean);

    // --- regsvr32 (DllRegisterServer), as a user would: the 32-bit one for a 32-bit DLL
    let regsvr32 = if c.target == Target::X86 {
        r"C:\windows\syswow64\regsvr32.exe"
    } else {
        "regsvr32"
    };
    let dll_win = winpath(dll);
    let dll_name = file_name(dll);
    let log = logs.join("regsvr32.log");
    let rc = c.wine.run(&[regsvr32, "/s", &dll_win], &log);
    if rc == 0 {
        r.pass(format!("{label}: {regsvr32} {dll_name}"));
    } else {
        show_log(&log, 5);
        let why = c
            .wine
            .errors_of(&[regsvr32, "/s", &dll_win], &logs.join("regsvr32-err.log"));
        r.fail(format!("{label}: {regsvr32} {dll_name} (exit code {rc}{why})"));
    }
    let present = c.wine.present(&logs.join("registered.cmd"), &expected).len();
    let mut what = format!("all {} keys of {reg_name}", p.keys.len());
    if c.target == Target::X86 && !p.keys32.is_empty() {
        what.push_str(&format!(" and its {} 32-bit-only keys", p.keys32.len()));
    }
    r.check(
        present == expected.len(),
        format!("{label}: registry has {what}"),
        format!(
            "{label}: registry has {present} of the {} keys ({what})",
            expected.len()
        ),
    );
    if !absent.is_empty() {
        let stray = c.wine.present(&logs.join("absent.cmd"), &absent);
        r.check(
            stray.is_empty(),
            format!(
                "{label}: the 64-bit DLL writes none of the 32-bit-only keys of {reg_name} ({})",
                absent.join(" ")
            ),
            format!("{label}: the 64-bit DLL wrote 32-bit-only keys: {}", stray.join(" ")),
        );
    }
    let inproc = format!(r"HKCU\Software\Classes\CLSID\{clsid}\InprocServer32");
    let registered = c
        .wine
        .default_value(&inproc, &logs.join("inproc.txt"))
        .unwrap_or_default();
    r.check(
        registered.eq_ignore_ascii_case(&dll_win),
        format!("{label}: InprocServer32 is the DLL's path ({registered})"),
        format!("{label}: InprocServer32 is '{registered}', expected '{dll_win}'"),
    );

    // --- the client, against the registered DLL, through COM only
    let has_client = run_template_client(r, c, p, label, logs, client.as_deref());
    if crate::apartments::applies(p) {
        crate::apartments::check(r, c, p, label, logs);
        crate::scripts::check(r, c, p, label, logs);
    }

    // --- regsvr32 /u (DllUnregisterServer) removes every key it wrote
    let log = logs.join("regsvr32-u.log");
    let rc = c.wine.run(&[regsvr32, "/u", "/s", &dll_win], &log);
    if rc == 0 {
        r.pass(format!("{label}: {regsvr32} /u {dll_name}"));
    } else {
        show_log(&log, 5);
        r.fail(format!("{label}: {regsvr32} /u {dll_name} (exit code {rc})"));
    }
    let mut query = expected.clone();
    query.push(mirror.clone());
    let left = c.wine.present(&logs.join("unregistered.cmd"), &query);
    let left_keys: Vec<&String> = left.iter().filter(|k| **k != mirror).collect();
    if left_keys.is_empty() {
        r.pass(format!(
            "{label}: all {} keys it wrote are gone after unregistration",
            expected.len()
        ));
    } else {
        r.fail(format!(
            "{label}: still in the registry after unregistration: {}",
            left_keys.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" ")
        ));
        c.wine.delete(&logs.join("cleanup.cmd"), &trees);
    }
    // Wine workaround 2 (per-user COM classes copied to HKLM, done by the clients) was undone.
    if left.contains(&mirror) {
        r.fail(format!("{label}: the Wine workaround's copy {mirror} was left behind"));
        c.wine.delete(&logs.join("cleanup.cmd"), std::slice::from_ref(&mirror));
    } else if has_client {
        r.pass(format!("{label}: the Wine workaround's HKLM copy of the class is gone"));
    }

    // --- installer/: the MSI, then install.cmd and uninstall.cmd
    crate::installer::check(r, c, p, label, logs, client.as_deref());

    // --- the slot probe: the DLL built with --features oscgen-probe, registered, and called
    // slot by slot by a C client compiled against widl's and mingw-w64's headers
    let Some(probe) = probe::build(r, c, label, logs, p) else {
        return;
    };
    let mut preclean = trees.clone();
    preclean.push(mirror.clone());
    c.wine.delete(&logs.join("probe-preclean.cmd"), &preclean);
    let probe_win = winpath(&probe.dll);
    let probe_name = file_name(&probe.dll);
    let log = logs.join("probe-regsvr32.log");
    let rc = c.wine.run(&[regsvr32, "/s", &probe_win], &log);
    if rc == 0 {
        r.pass(format!(
            "{label}: probe: {regsvr32} {probe_name} (built with --features oscgen-probe)"
        ));
        c.wine.run_client(
            r,
            &format!("{label}: probe"),
            &logs.join("probe-client.log"),
            &probe.exe,
            &[],
        );
    } else {
        show_log(&log, 5);
        let why = c
            .wine
            .errors_of(&[regsvr32, "/s", &probe_win], &logs.join("probe-regsvr32-err.log"));
        r.fail(format!("{label}: probe: {regsvr32} {probe_name} (exit code {rc}{why})"));
    }
    let log = logs.join("probe-regsvr32-u.log");
    let rc = c.wine.run(&[regsvr32, "/u", "/s", &probe_win], &log);
    let left = c.wine.present(&logs.join("probe-unregistered.cmd"), &query);
    if rc == 0 && left.is_empty() {
        r.pass(format!(
            "{label}: probe: {regsvr32} /u removed all {} keys and the Wine workaround's HKLM copy",
            expected.len()
        ));
    } else {
        r.fail(format!(
            "{label}: probe: {regsvr32} /u exited with {rc}; still in the registry: {}",
            if left.is_empty() {
                "nothing".to_string()
            } else {
                left.join(" ")
            }
        ));
        c.wine.delete(&logs.join("probe-cleanup.cmd"), &preclean);
    }
}

/// Runs the client of the project's template, if it has one; whether it has one.
pub fn run_template_client(r: &mut Report, c: &Ctx, p: &Project, label: &str, logs: &Path, exe: Option<&Path>) -> bool {
    let reg_name = p.reg_name();
    match p.template.as_str() {
        "osc-provider" => {
            let Some(social) = &p.social else {
                r.fail(format!(
                    "{label}: {reg_name} of an osc-provider project has no SocialProviders key"
                ));
                return true;
            };
            let Some(exe) = exe else { return true };
            let xml_dir = logs.join("xml");
            let _ = std::fs::create_dir_all(&xml_dir);
            let xml_win = winpath(&xml_dir);
            // The provider's call log, switched on as an author would: Outlook's DebugProviders.
            let switched = c
                .wine
                .set_dword(SOCIAL_CONNECTOR, "DebugProviders", 1, &logs.join("debug-providers.log"));
            let host_log = logs.join("host.log");
            c.wine.run_client_env(
                r,
                &format!("{label}: host"),
                &host_log,
                exe,
                &["--prog-id", social, "--xml-dir", &xml_win],
                &[("WINEDEBUG", ODS_CHANNELS)],
            );
            c.wine.delete_value(
                SOCIAL_CONNECTOR,
                "DebugProviders",
                &logs.join("debug-providers-off.log"),
            );
            if switched {
                check_call_log(r, label, &host_log);
            } else {
                r.fail(format!(
                    "{label}: call log: reg add {SOCIAL_CONNECTOR} DebugProviders failed"
                ));
            }
            check_schema(r, c, label, logs, &xml_dir);
            true
        }
        "mapi-session" => {
            let Some(prog_id) = &p.prog_id else {
                r.fail(format!("{label}: {reg_name} has no ProgID key for the MAPI client"));
                return true;
            };
            if let Some(exe) = exe {
                c.wine.run_client(
                    r,
                    &format!("{label}: mapi-client"),
                    &logs.join("mapi-client.log"),
                    exe,
                    &["--prog-id", prog_id],
                );
            }
            true
        }
        "outlook-addin" => {
            crate::addin::check(r, c, p, label, logs);
            true
        }
        t => {
            println!(
                "    {label}: template {t} has no client simulator; COM is exercised by the probe client and its own tests below"
            );
            false
        }
    }
}

const SOCIAL_CONNECTOR: &str = r"HKCU\Software\Microsoft\Office\Outlook\SocialConnector";

/// The call a provider logs for GetCapabilities, which the host always makes.
const CAPABILITIES_CALL: &str = "ISocialProvider::GetCapabilities -> 0x00000000 in ";

/// The Wine debug channels that print OutputDebugString's text: `debugstr` for the ANSI
/// function; Wine 8 prints the wide one's, which the provider calls, as a warning of `seh`.
const ODS_CHANNELS: &str = "-all,+debugstr,warn+seh";

/// With DebugProviders=1 the provider logs every call to OutputDebugString (in the host's
/// log: `0024:warn:seh:OutputDebugStringA "..."`) and to its file under %LOCALAPPDATA%,
/// which the first line names: `... com: log on, pid N, file C:\users\...\<crate>.log`.
fn check_call_log(r: &mut Report, label: &str, host_log: &Path) {
    let text = String::from_utf8_lossy(&std::fs::read(host_log).unwrap_or_default()).into_owned();
    // Wine escapes the text as a C string: `\\` for each backslash.
    let debug: Vec<String> = text
        .lines()
        .filter(|l| crate::wine::is_wine_debug(l) && l.contains(":OutputDebugString"))
        .map(|l| l.replace("\\\\", "\\"))
        .collect();
    let call = debug.iter().any(|l| l.contains(CAPABILITIES_CALL));
    r.check(
        call,
        format!("{label}: call log: OutputDebugString has {CAPABILITIES_CALL}... (DebugProviders=1)"),
        format!(
            "{label}: call log: no OutputDebugString line with {CAPABILITIES_CALL}... ({} OutputDebugString lines; log: {})",
            debug.len(),
            host_log.display()
        ),
    );
    let Some(on) = debug.iter().find_map(|l| Some(&l[l.find("log on, pid ")?..])) else {
        r.fail(format!(
            "{label}: call log: no `log on` line on OutputDebugString (log: {})",
            host_log.display()
        ));
        return;
    };
    let on = on.trim_end().trim_end_matches('"').trim_end_matches("\\n");
    let Some(file) = on.split_once(", file ").map(|(_, f)| f) else {
        r.fail(format!("{label}: call log: `{on}` names no file"));
        return;
    };
    let Some(unix) = unix_path(file) else {
        r.fail(format!("{label}: call log: `{on}`: the file is not on a drive"));
        return;
    };
    let written = std::fs::read_to_string(&unix).unwrap_or_default();
    // The file collects every run: this run's lines follow its own `log on` line.
    let ours = written.find(on).map(|at| &written[at..]).unwrap_or_default();
    r.check(
        ours.contains(CAPABILITIES_CALL),
        format!("{label}: call log: {file} has {CAPABILITIES_CALL}..."),
        format!(
            "{label}: call log: {} has no line with {CAPABILITIES_CALL}... after `{on}`",
            unix.display()
        ),
    );
}

/// `C:\users\x\f.log` as the Linux path Wine keeps it at: the prefix's dosdevices link.
fn unix_path(windows: &str) -> Option<PathBuf> {
    let prefix = std::env::var_os("WINEPREFIX")?;
    let (drive, rest) = windows.split_once(':')?;
    let drive = drive.to_ascii_lowercase();
    (drive.len() == 1).then_some(())?;
    let mut path = Path::new(&prefix).join("dosdevices").join(format!("{drive}:"));
    path.extend(rest.split('\\').filter(|p| !p.is_empty()));
    Some(path)
}

/// Every XML document the host received, against the OSC 2013 schema (xmllint).
fn check_schema(r: &mut Report, c: &Ctx, label: &str, logs: &Path, xml_dir: &Path) {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(xml_dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    docs.retain(|d| d.extension().is_some_and(|e| e == "xml"));
    docs.sort();
    if docs.is_empty() {
        r.fail(format!("{label}: schema: the host wrote no XML document to check"));
        return;
    }
    if !c.lane.xsd.is_file() {
        r.fail(format!(
            "{label}: schema: {} is missing (../shared/reference must sit beside the repository)",
            c.lane.xsd.display()
        ));
        return;
    }
    let log = logs.join("xmllint.log");
    for doc in docs {
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&c.lane.xsd)
            .arg(&doc)
            .output();
        let ok = match out {
            Ok(o) => {
                let _ = std::fs::write(&log, [o.stdout, o.stderr].concat());
                o.status.success()
            }
            Err(e) => {
                let _ = std::fs::write(&log, format!("starting xmllint: {e}\n"));
                false
            }
        };
        let name = file_name(&doc);
        if ok {
            r.pass(format!(
                "{label}: schema: {name} is valid against OutlookSocialProvider_2013.xsd"
            ));
        } else {
            show_log(&log, 10);
            r.fail(format!(
                "{label}: schema: {name} is not valid against OutlookSocialProvider_2013.xsd"
            ));
        }
    }
}
