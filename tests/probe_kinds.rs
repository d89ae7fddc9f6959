//! The slot probe's client for every server kind of scripts/server-kinds.txt (18 projects:
//! each kind from each of its sources), compiled and linked by mingw-w64's gcc for
//! x86_64 and i686 against headers oscgen did not write: mingw-w64's own SDK headers, and
//! for credentialprovider.h, which Debian's mingw-w64 lacks, the header widl writes from
//! mingw-w64's IDL in ../shared/corpus/mingw-w64. The compile is the proof that each
//! interface's methods, as oscgen models them, have the header's names and arity (C gives
//! `0` to any scalar or pointer, and a zeroed struct of the model's type to a struct).
//! Running the clients needs Wine and the DLLs: the Windows lane does that.
//!
//! Every project, not a sample: nothing here builds Rust, so the 18 projects take about a
//! minute on two cores (oscgen new, probe-client, widl and four compiles each).
//! Needs ../shared/corpus/mingw-w64, mingw-w64-common, gcc-mingw-w64 and g++-mingw-w64
//! (both targets) and mingw-w64-tools (widl): without them the test says SKIPPED, and
//! fails under CI.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::kinds::{Kind, kinds, new_project, run};

const ARCHES: [&str; 2] = ["x86_64", "i686"];

/// The interfaces mingw-w64's headers declare for C++ only (`DECLARE_INTERFACE_IID_`, whose
/// C vtable struct lacks IUnknown's slots): their projects' clients are C++.
const CPLUSPLUS: &[&str] = &["icon-overlay"];

/// The headers widl writes for a kind: the ones Debian's mingw-w64 lacks.
fn widl_headers(kind: &str) -> &'static [&'static str] {
    match kind {
        "credential-provider" => &["credentialprovider.h"],
        _ => &[],
    }
}

fn tools_missing() -> Option<String> {
    let mut tools: Vec<String> = Vec::new();
    for arch in ARCHES {
        for tool in ["gcc", "g++", "widl"] {
            tools.push(format!("{arch}-w64-mingw32-{tool}"));
        }
    }
    let missing: Vec<String> = tools
        .into_iter()
        .filter(|t| Command::new(t).arg("--version").output().is_err())
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "{} not found (apt-get install gcc-mingw-w64 g++-mingw-w64 mingw-w64-tools)",
            missing.join(", ")
        )
    })
}

/// new, probe-client, then per target: widl for the listed headers, and the compile.
fn check(corpus: &Path, dir: &Path, kind: &Kind, source: &str) -> Result<String, String> {
    let oscgen = Path::new(env!("CARGO_BIN_EXE_oscgen"));
    let (mut new, project) = new_project(oscgen, corpus, dir, kind, source);
    run("oscgen new", &mut new)?;
    let out: PathBuf = dir.join(format!("{}-{source}.probe", kind.name));
    let listed = run(
        "oscgen probe-client",
        Command::new(oscgen)
            .arg("probe-client")
            .arg(&project)
            .arg("--out-dir")
            .arg(&out)
            .args(["--sdk-include", common::MINGW_INCLUDE, "--sdk-idl"])
            .arg(corpus),
    )?;
    let lines: Vec<Vec<&str>> = listed.lines().map(|l| l.split('\t').collect()).collect();
    let names: Vec<&str> = lines.iter().map(|l| l[0]).collect();
    if names != widl_headers(&kind.name) {
        return Err(format!(
            "probe-client lists {names:?} for widl, expected {:?}",
            widl_headers(&kind.name)
        ));
    }
    let cplusplus = CPLUSPLUS.contains(&kind.name.as_str());
    let (source_file, other) = if cplusplus {
        ("probe-client.cpp", "probe-client.c")
    } else {
        ("probe-client.c", "probe-client.cpp")
    };
    if !out.join(source_file).is_file() || out.join(other).exists() {
        return Err(format!("probe-client wrote no {source_file}, or also {other}"));
    }
    // The kind's own SDK header is mingw-w64's, when it has one.
    let text = std::fs::read_to_string(out.join(source_file)).map_err(|e| e.to_string())?;
    let sdk_header = kind.idl.replace(".idl", ".h");
    if kind.idl != "-"
        && Path::new(common::MINGW_INCLUDE).join(&sdk_header).is_file()
        && !text.contains(&format!("#include <{sdk_header}>"))
    {
        return Err(format!("{source_file} does not include mingw-w64's <{sdk_header}>"));
    }
    let mut done = Vec::new();
    for arch in ARCHES {
        let include = out.join(arch);
        std::fs::create_dir_all(&include).map_err(|e| e.to_string())?;
        for line in &lines {
            let widl = format!("{arch}-w64-mingw32-widl");
            // widl keeps its preprocessed files in the current directory.
            run(
                &widl,
                Command::new(&widl)
                    .current_dir(&include)
                    .args(["-h", "-o"])
                    .arg(include.join(line[0]))
                    .args(&line[2..])
                    .arg(line[1]),
            )?;
        }
        let compiler = format!("{arch}-w64-mingw32-{}", if cplusplus { "g++" } else { "gcc" });
        run(
            &compiler,
            Command::new(&compiler)
                .args(["-Wall", "-Wextra", "-Werror", "-O1", "-I"])
                .arg(&include)
                .arg("-o")
                .arg(include.join("probe-client.exe"))
                .arg(out.join(source_file))
                .args(["-lole32", "-loleaut32", "-luuid", "-ladvapi32"]),
        )?;
        done.push(compiler);
    }
    Ok(done.join(", "))
}

#[test]
fn every_server_kind_has_a_probe_client_that_compiles_against_mingw_headers() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = repo.join("../shared/corpus/mingw-w64");
    if !corpus.is_dir() || !Path::new(common::MINGW_INCLUDE).is_dir() {
        common::skip("../shared/corpus/mingw-w64 or mingw-w64-common is missing");
        return;
    }
    if let Some(missing) = tools_missing() {
        common::skip(&missing);
        return;
    }
    let kinds = kinds(repo);
    let projects: Vec<(&Kind, &str)> = kinds
        .iter()
        .flat_map(|k| k.sources.iter().map(move |s| (k, s.as_str())))
        .collect();
    assert_eq!(projects.len(), 18, "scripts/server-kinds.txt makes 18 projects");
    let dir = common::scratch_dir("probe-kinds");
    let results = common::parallel(&projects, common::threads(), |(kind, source)| {
        check(&corpus, &dir, kind, source)
    });
    let mut failures = Vec::new();
    for ((kind, source), r) in projects.iter().zip(results) {
        match r {
            Ok(compilers) => println!("{} ({source}): {compilers}", kind.name),
            Err(e) => failures.push(format!("{} ({source}): {e}", kind.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} projects:\n{}",
        failures.len(),
        projects.len(),
        failures.join("\n\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}
