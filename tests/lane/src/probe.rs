//! The slot probe of a project (docs/probe.md): `oscgen probe-client` writes the C client,
//! widl writes the headers of the project's IDL (mingw-w64's IDL on its include path), the
//! target's mingw gcc compiles it against those and mingw-w64's SDK headers, and the DLL is
//! built with `--features oscgen-probe` into a target dir of its own (the release DLL the
//! other checks use stays as it ships).
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cargo;
use crate::project::Project;
use crate::report::{Report, show_log};
use crate::sample::Ctx;
use crate::wine::run_logged;

/// mingw-w64's C headers, the SDK the clients are compiled against.
const MINGW_INCLUDE: &str = "/usr/share/mingw-w64/include";

pub struct Probe {
    pub dll: PathBuf,
    pub exe: PathBuf,
}

pub fn build(r: &mut Report, c: &Ctx, label: &str, logs: &Path, p: &Project) -> Option<Probe> {
    let dir = p.dir.as_path();
    let out = logs.join("probe");
    let _ = std::fs::remove_dir_all(&out);
    if let Err(e) = std::fs::create_dir_all(&out) {
        r.fail(format!("{label}: probe: creating {}: {e}", out.display()));
        return None;
    }
    let gen_log = logs.join("probe-client-gen.log");
    let headers_txt = out.join("headers.txt");
    let generated = Command::new(&c.lane.oscgen)
        .arg("probe-client")
        .arg(dir)
        .arg("--out-dir")
        .arg(&out)
        .arg("--sdk-include")
        .arg(MINGW_INCLUDE)
        .arg("--sdk-idl")
        .arg(&c.lane.mingw_idl)
        .stdin(std::process::Stdio::null())
        .output();
    let ok = match generated {
        Ok(o) => {
            let _ = std::fs::write(&headers_txt, &o.stdout);
            let _ = std::fs::write(&gen_log, &o.stderr);
            o.status.success()
        }
        Err(e) => {
            let _ = std::fs::write(&gen_log, format!("starting {}: {e}\n", c.lane.oscgen.display()));
            false
        }
    };
    if !ok {
        show_log(&gen_log, 25);
        r.fail(format!(
            "{label}: probe: oscgen probe-client (log: {})",
            gen_log.display()
        ));
        return None;
    }

    // One line per header widl must write: name, IDL file, then widl's -I/-D arguments.
    let widl = format!("{}-widl", c.target.mingw());
    let widl_log = logs.join("probe-widl.log");
    let _ = std::fs::remove_file(&widl_log);
    let mut names = Vec::new();
    let mut widl_failed = false;
    let listing = std::fs::read_to_string(&headers_txt).unwrap_or_default();
    for line in listing.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = line.split('\t');
        let (Some(header), Some(idl)) = (fields.next(), fields.next()) else {
            continue;
        };
        let mut args: Vec<String> = vec!["-h".into(), "-o".into(), out.join(header).display().to_string()];
        args.extend(["-I".to_string(), c.lane.mingw_idl.display().to_string()]);
        args.extend(fields.flat_map(|f| f.split_whitespace()).map(str::to_string));
        args.push(idl.to_string());
        let step_log = logs.join("probe-widl-step.log");
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let rc = run_logged(Path::new(&widl), &refs, &step_log);
        append(&widl_log, &step_log);
        if rc == 0 {
            names.push(header.to_string());
        } else {
            widl_failed = true;
        }
    }
    if widl_failed {
        show_log(&widl_log, 25);
        r.fail(format!("{label}: probe: {widl} (log: {})", widl_log.display()));
        return None;
    }

    // A client of interfaces mingw-w64 declares with its C++ macros is C++ (docs/probe.md).
    let cpp = out.join("probe-client.cpp");
    let (source, compiler) = if cpp.is_file() {
        (cpp, "g++")
    } else {
        (out.join("probe-client.c"), "gcc")
    };
    let source_name = file_name(&source);
    let gcc = format!("{}-{compiler}", c.target.mingw());
    let exe = out.join("probe-client.exe");
    let gcc_log = logs.join("probe-gcc.log");
    let include = out.display().to_string();
    let (exe_s, source_s) = (exe.display().to_string(), source.display().to_string());
    let gcc_args = [
        "-Wall",
        "-Wextra",
        "-Werror",
        "-O1",
        "-I",
        &include,
        "-o",
        &exe_s,
        &source_s,
        "-lole32",
        "-loleaut32",
        "-luuid",
        "-ladvapi32",
        // No mingw runtime DLL beside the client (i686 g++ would need libgcc_s_dw2-1.dll).
        "-static-libgcc",
        "-static-libstdc++",
    ];
    if run_logged(Path::new(&gcc), &gcc_args, &gcc_log) != 0 {
        show_log(&gcc_log, 30);
        r.fail(format!(
            "{label}: probe: {gcc} {source_name} (log: {})",
            gcc_log.display()
        ));
        return None;
    }
    let headers = if names.is_empty() {
        " (none)".to_string()
    } else {
        format!(" {}", names.join(" "))
    };
    r.pass(format!(
        "{label}: probe: {source_name} compiled by {gcc} against widl's{headers} and mingw-w64's headers"
    ));

    let json = logs.join("probe-build.json");
    let build_log = logs.join("probe-build.log");
    let ptdir = c.probe_tdir(p);
    let ptdir_s = ptdir.display().to_string();
    let args = [
        "build",
        "--release",
        "--features",
        "oscgen-probe",
        "--target",
        c.target.triple(),
        "--target-dir",
        &ptdir_s,
        "--message-format=json-render-diagnostics",
    ];
    if !cargo::run(dir, &args, &[], &json, &build_log) {
        show_log(&build_log, 40);
        r.fail(format!(
            "{label}: probe: cargo build --release --features oscgen-probe (log: {})",
            build_log.display()
        ));
        return None;
    }
    let Some(dll) = cargo::cdylibs(&json).into_iter().next().filter(|d| d.is_file()) else {
        r.fail(format!(
            "{label}: probe: no cdylib .dll from cargo build --features oscgen-probe"
        ));
        return None;
    };
    let size = std::fs::metadata(&dll).map(|m| m.len()).unwrap_or(0);
    r.pass(format!(
        "{label}: probe: cargo build --release --features oscgen-probe -> {} ({size} bytes)",
        file_name(&dll)
    ));
    Some(Probe { dll, exe })
}

pub fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn append(to: &Path, from: &Path) {
    use std::io::Write;
    let data = std::fs::read(from).unwrap_or_default();
    if let Ok(mut f) = std::fs::File::options().create(true).append(true).open(to) {
        let _ = f.write_all(&data);
    }
}
