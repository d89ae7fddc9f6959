//! `oscgen tlb` against oracles oscgen did not write: Wine's oleaut32 loads each library
//! (tests/typelib/tlbdump.c, run under Wine, prints what ITypeLib/ITypeInfo report) and
//! what it reports must equal (1) what oscgen's model says and (2) what it reports for
//! the library widl `-t` writes from the same IDL; and (3) writing twice gives the same
//! bytes.
//!
//! Differences from widl that are the model's, not the writer's, are normalized away,
//! each for a stated reason (see `normalize` in tests/common/tlbdump.rs): the model does not keep help strings,
//! typeinfo versions, type and function flags other than dual/oleautomation/dispatchable,
//! `[public]` typedefs, typedefs of the library no signature uses, nor whether `[in]` was
//! written (a parameter without a direction is `[in]` to the model, flagged
//! PARAMFLAG_FIN; widl flags it 0), nor `int` apart from `long`. Typeinfos are compared by name: widl adds a type
//! where the library's statements declare it, oscgen where it is first used.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::tlbdump::{
    GCC, WINE, WINE_PREFIX, WINE_WINDOWS_DIR, check_expected, compare_with_widl, env_or, expected_from_model, on_path,
    parse_dump, run, wine_prefix,
};
use oscgen::idl::{Input, LoadOptions};
use oscgen::source::SourceMap;

struct Case {
    label: &'static str,
    idl: PathBuf,
    includes: Vec<PathBuf>,
    win32: bool,
}

#[test]
fn wine_loads_what_oscgen_writes_as_widl_writes_it() {
    let Some(widl) = common::widl_or_skip() else { return };
    let wine = env_or("OSCGEN_WINE", WINE);
    let wine_windows = env_or("OSCGEN_WINE_WINDOWS_DIR", WINE_WINDOWS_DIR);
    if !wine.is_file() || !wine_windows.join("stdole2.tlb").is_file() {
        common::skip(&format!(
            "{} or Wine's stdole2.tlb not found (apt-get install wine64)",
            wine.display()
        ));
        return;
    }
    if !on_path(GCC) {
        common::skip(&format!("{GCC} not found (apt-get install gcc-mingw-w64-x86-64)"));
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus");
    if !corpus.join("wine").is_dir() {
        common::skip("../shared/corpus not found");
        return;
    }
    let corpus = corpus.canonicalize().unwrap();
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("typelib_write");
    std::fs::create_dir_all(&work).unwrap();
    let dump_exe = work.join("tlbdump.exe");
    run(Command::new(GCC)
        .args(["-municode", "-O1", "-o"])
        .arg(&dump_exe)
        .arg(root.join("tests/typelib/tlbdump.c"))
        .args(["-loleaut32", "-lole32", "-luuid"]));

    let sdk = vec![corpus.join("wine"), PathBuf::from(common::MINGW_INCLUDE)];
    let fixture = root.join("tests/fixtures/typelib/automation.idl");
    let dll = |name: &str| corpus.join("wine-dlls").join(name);
    let cases = [
        Case {
            label: "automation",
            idl: fixture.clone(),
            includes: sdk.clone(),
            win32: false,
        },
        Case {
            label: "automation-win32",
            idl: fixture,
            includes: sdk.clone(),
            win32: true,
        },
        Case {
            label: "osc",
            idl: root.join("metadata/osc.idl"),
            includes: sdk.clone(),
            win32: false,
        },
        Case {
            label: "scrrun",
            idl: dll("dlls__scrrun__scrrun.idl"),
            includes: sdk.clone(),
            win32: false,
        },
        Case {
            label: "scrobj",
            idl: dll("dlls__scrobj__scrobj.idl"),
            includes: sdk.clone(),
            win32: false,
        },
        Case {
            label: "riched_tom",
            idl: dll("dlls__riched20__riched_tom.idl"),
            includes: sdk.clone(),
            win32: false,
        },
        Case {
            label: "hhctrl",
            idl: dll("dlls__hhctrl.ocx__hhctrl_tlb.idl"),
            includes: sdk.clone(),
            win32: false,
        },
        Case {
            label: "test_reg",
            idl: dll("dlls__oleaut32__tests__test_reg.idl"),
            includes: sdk.clone(),
            win32: false,
        },
        Case {
            label: "test_simple",
            idl: dll("dlls__oleaut32__tests__test_simple.idl"),
            includes: sdk.clone(),
            win32: false,
        },
        // WMI's scripting library: `[defaultvalue(wbemFlagReturnImmediately |
        // wbemQueryFlagDeep)]`, expressions of enumerators that must be folded as widl does.
        Case {
            label: "wbemdisp",
            idl: corpus.join("wine/wbemdisp.idl"),
            includes: sdk,
            win32: false,
        },
    ];
    let oscgen = env!("CARGO_BIN_EXE_oscgen");
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for case in &cases {
        let ours = work.join(format!("oscgen-{}.tlb", case.label));
        let again = work.join(format!("again-{}.tlb", case.label));
        for out in [&ours, &again] {
            let mut cmd = Command::new(oscgen);
            cmd.arg("-q").arg("tlb").arg(&case.idl).arg("-o").arg(out);
            for dir in &case.includes {
                cmd.arg("-I").arg(dir);
            }
            if case.win32 {
                cmd.arg("--win32");
            }
            run(&mut cmd);
        }
        if std::fs::read(&ours).unwrap() != std::fs::read(&again).unwrap() {
            problems.push(format!("{}: two runs wrote different bytes", case.label));
        }
        let theirs = work.join(format!("widl-{}.tlb", case.label));
        let mut cmd = Command::new(&widl);
        cmd.current_dir(&work)
            .arg("-t")
            .arg("-o")
            .arg(&theirs)
            .arg("-L")
            .arg(&wine_windows);
        cmd.arg(if case.win32 { "--win32" } else { "--win64" });
        for dir in &case.includes {
            cmd.arg("-I").arg(dir);
        }
        run(cmd.arg(&case.idl));
        files.push(ours);
        files.push(theirs);
    }

    // A WinMD input, which has no library: named on the command line. metadata/osc.winmd
    // is osc.idl written by `oscgen winmd`.
    let from_winmd = work.join("oscgen-osc-winmd.tlb");
    run(Command::new(oscgen)
        .args(["-q", "tlb"])
        .arg(root.join("metadata/osc.winmd"))
        .arg("-o")
        .arg(&from_winmd)
        .args([
            "--name",
            "OutlookSocialProvider",
            "--libid",
            "1f8e79ba-9268-4889-adf3-6d2aabb3c32c",
        ])
        .args(["--lib-version", "1.1"]));
    files.push(from_winmd);

    let lock = WINE_PREFIX.lock().unwrap_or_else(|e| e.into_inner());
    let out = run(Command::new(&wine)
        .env("WINEPREFIX", wine_prefix())
        .env("WINEDEBUG", "-all")
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
        .arg(&dump_exe)
        .args(&files));
    drop(lock);
    let dumps = parse_dump(&String::from_utf8_lossy(&out.stdout));

    for case in &cases {
        let ours = &dumps[&format!("oscgen-{}.tlb", case.label)];
        let theirs = &dumps[&format!("widl-{}.tlb", case.label)];
        problems.extend(compare_with_widl(case.label, ours, theirs));

        let mut sources = SourceMap::new();
        let options = LoadOptions {
            include_dirs: case.includes.clone(),
            ..LoadOptions::default()
        };
        let model = oscgen::load::load_model(&mut sources, &[Input::File(case.idl.clone())], &options)
            .unwrap_or_else(|e| panic!("{}: {e}", case.label));
        let library = ours.0[0].strip_prefix("library ").unwrap();
        let lib = model.libraries.iter().find(|l| l.name == library).expect("the library");
        // oleaut32 reports vtable offsets in the loading process's pointers: a SYS_WIN32
        // library's 4-byte slots read as 8-byte ones in the 64-bit dump program (the
        // stored offsets are checked by the comparison with widl --win32).
        for (name, expected) in expected_from_model(&model, &lib.interfaces, &lib.coclasses, 8) {
            match ours.1.get(&name) {
                None => problems.push(format!("{}: oleaut32 reports no typeinfo {name}", case.label)),
                Some(block) => problems.extend(check_expected(case.label, &name, &expected, block)),
            }
        }
    }
    // From the .winmd, the library is osc.idl's as widl writes it, but for
    // [oleautomation], which a .winmd does not carry.
    let winmd_model = oscgen::load::load_model(
        &mut SourceMap::new(),
        &[Input::File(root.join("metadata/osc.winmd"))],
        &LoadOptions::default(),
    )
    .expect("osc.winmd");
    let ours = &dumps["oscgen-osc-winmd.tlb"];
    let mut theirs = dumps["widl-osc.tlb"].clone();
    for block in theirs.1.values_mut() {
        for line in block.iter_mut().filter(|l| l.starts_with("  kind 3 flags ")) {
            *line = "  kind 3 flags 0x0".to_string();
        }
    }
    problems.extend(compare_with_widl("osc.winmd", ours, &theirs));
    let roots: Vec<String> = winmd_model.root_interfaces().map(|i| i.name.clone()).collect();
    for (name, expected) in expected_from_model(&winmd_model, &roots, &[], 8) {
        match ours.1.get(&name) {
            None => problems.push(format!("osc.winmd: oleaut32 reports no typeinfo {name}")),
            Some(block) => problems.extend(check_expected("osc.winmd", &name, &expected, block)),
        }
    }

    // Where widl adds the typeinfos in oscgen's order, the name table (names with their
    // LHashValOfNameSysA hashes) and its hash buckets are widl's byte for byte.
    for seg in [MSFT_SEG_NAMEHASH, MSFT_SEG_NAME] {
        let ours = segment(&work.join("oscgen-test_simple.tlb"), seg);
        let theirs = segment(&work.join("widl-test_simple.tlb"), seg);
        if ours != theirs {
            problems.push(format!("test_simple: segment {seg} differs from widl's"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every library of the corpus (Wine's and mingw-w64's IDL): `oscgen tlb` writes it or
/// says in one `error:` why not (a type the model cannot describe, two libraries, a
/// forward-declared interface), never panics; and Wine's oleaut32 loads every library
/// written, every function and variable of every typeinfo.
#[test]
fn wine_loads_every_corpus_library_oscgen_writes() {
    let wine = env_or("OSCGEN_WINE", WINE);
    if !wine.is_file() || !on_path(GCC) {
        common::skip(&format!(
            "{} or {GCC} not found (apt-get install wine64 gcc-mingw-w64-x86-64)",
            wine.display()
        ));
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus");
    if !corpus.join("wine").is_dir() {
        common::skip("../shared/corpus not found");
        return;
    }
    let corpus = corpus.canonicalize().unwrap();
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("typelib_corpus");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let dump_exe = work.join("tlbdump.exe");
    run(Command::new(GCC)
        .args(["-municode", "-O1", "-o"])
        .arg(&dump_exe)
        .arg(root.join("tests/typelib/tlbdump.c"))
        .args(["-loleaut32", "-lole32", "-luuid"]));
    let mut inputs = Vec::new();
    for folder in ["wine", "wine-dlls", "mingw-w64"] {
        let mut names: Vec<PathBuf> = std::fs::read_dir(corpus.join(folder))
            .unwrap()
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "idl"))
            .filter(|p| {
                std::fs::read_to_string(p).is_ok_and(|t| t.lines().any(|l| l.trim_start().starts_with("library ")))
            })
            .collect();
        names.sort();
        inputs.extend(names.into_iter().map(|p| (folder, p)));
    }
    let oscgen = env!("CARGO_BIN_EXE_oscgen");
    let results = common::parallel(&inputs, common::threads(), |(folder, idl)| {
        let out = work.join(format!("{folder}_{}.tlb", idl.file_stem().unwrap().to_string_lossy()));
        let mut cmd = Command::new(oscgen);
        cmd.args(["-q", "tlb"]).arg(idl).arg("-o").arg(&out);
        for dir in [
            idl.parent().unwrap(),
            &corpus.join("wine"),
            Path::new(common::MINGW_INCLUDE),
        ] {
            cmd.arg("-I").arg(dir);
        }
        if *folder == "mingw-w64" {
            cmd.args(["-D", "BOOL=WINBOOL"]);
        }
        let result = cmd.output().expect("run oscgen");
        (
            out,
            result.status.code(),
            String::from_utf8_lossy(&result.stderr).into_owned(),
        )
    });
    let mut problems = Vec::new();
    let mut written = Vec::new();
    for ((_, idl), (out, code, stderr)) in inputs.iter().zip(results) {
        match code {
            Some(0) => written.push(out),
            Some(2) if stderr.contains("error: ") && !stderr.contains("panicked") => {}
            _ => problems.push(format!("{}: exit {code:?}\n{stderr}", idl.display())),
        }
    }
    let lock = WINE_PREFIX.lock().unwrap_or_else(|e| e.into_inner());
    let dump = run(Command::new(&wine)
        .env("WINEPREFIX", wine_prefix())
        .env("WINEDEBUG", "-all")
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
        .arg(&dump_exe)
        .args(&written));
    drop(lock);
    let text = String::from_utf8_lossy(&dump.stdout);
    let mut file = "";
    for line in text.lines() {
        if let Some(f) = line.strip_prefix("=== ") {
            file = f;
        } else if line.starts_with("error:") || line.contains(" failed") || line.contains(" ? ") {
            problems.push(format!("{file}: {line}"));
        }
    }
    let loaded = text.lines().filter(|l| l.starts_with("library ")).count();
    println!(
        "{} corpus libraries, {} written, {loaded} loaded by oleaut32",
        inputs.len(),
        written.len()
    );
    assert_eq!(loaded, written.len(), "every library written loads");
    // The corpus's libraries oscgen writes today; fewer is a regression.
    assert!(
        written.len() >= 100,
        "only {} of {} written",
        written.len(),
        inputs.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

const MSFT_SEG_NAMEHASH: usize = 6;
const MSFT_SEG_NAME: usize = 7;

/// One segment of an MSFT file, found through the segment directory after the header
/// (0x54 bytes, no help string DLL) and the typeinfo offsets.
fn segment(path: &Path, index: usize) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    let word = |at: usize| i32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let directory = 0x54 + word(0x20) as usize * 4;
    let (offset, length) = (word(directory + index * 16), word(directory + index * 16 + 4));
    if offset < 0 {
        return Vec::new();
    }
    bytes[offset as usize..(offset + length) as usize].to_vec()
}

fn oscgen_tlb(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("tlb")
        .args(args)
        .output()
        .expect("run oscgen")
}

#[test]
fn inputs_without_a_library_need_a_name_and_a_libid() {
    let dir = common::scratch_dir("tlb-nolib");
    let idl = dir.join("plain.idl");
    std::fs::write(
        &idl,
        "import \"unknwn.idl\";\n[object, uuid(6a1b2c3d-0000-4000-8000-0000000000a1)]\ninterface IPlain : IUnknown { HRESULT Ping([in] long n); };\n",
    )
    .unwrap();
    let out_path = dir.join("plain.tlb");
    let out = oscgen_tlb(&[idl.as_os_str(), "-o".as_ref(), out_path.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write a type library: the inputs declare no `library`"),
        "{stderr}"
    );
    assert!(!out_path.exists(), "nothing is written on failure");

    let args = [
        idl.as_os_str(),
        "-o".as_ref(),
        out_path.as_os_str(),
        "--name".as_ref(),
        "Plain".as_ref(),
        "--libid".as_ref(),
        "6a1b2c3d-0000-4000-8000-0000000000a0".as_ref(),
        "--lib-version".as_ref(),
        "2.5".as_ref(),
    ];
    let out = oscgen_tlb(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let first = std::fs::read(&out_path).unwrap();
    assert_eq!(&first[..4], b"MSFT");
    assert_eq!(
        i32::from_le_bytes(first[0x18..0x1c].try_into().unwrap()),
        2 | (5 << 16),
        "version 2.5"
    );
    assert_eq!(oscgen_tlb(&args).status.code(), Some(0));
    assert_eq!(std::fs::read(&out_path).unwrap(), first, "same input, same bytes");

    let bad = oscgen_tlb(&[
        idl.as_os_str(),
        "-o".as_ref(),
        out_path.as_os_str(),
        "--libid".as_ref(),
        "nope".as_ref(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("error:"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A library an import declares is not the inputs' own, even when theirs holds nothing
/// (the SDK's vsprov.idl: an empty `library VSSProvider`, and msxml.idl's MSXML reached
/// through ocidl.idl and urlmon.idl).
#[test]
fn the_library_written_is_the_inputs_own_not_an_imports() {
    let dir = common::scratch_dir("tlb-own");
    std::fs::write(
        dir.join("other.idl"),
        "import \"unknwn.idl\";\n[uuid(6a1b2c3d-0000-4000-8000-0000000000e1)]\nlibrary Other\n{\n    [object, uuid(6a1b2c3d-0000-4000-8000-0000000000e2)]\n    interface IOther : IUnknown { HRESULT Ping(); };\n}\n",
    )
    .unwrap();
    let idl = dir.join("mine.idl");
    std::fs::write(
        &idl,
        "import \"other.idl\";\n[object, uuid(6a1b2c3d-0000-4000-8000-0000000000e3)]\ninterface IMine : IUnknown { HRESULT Pong(); };\n[uuid(6a1b2c3d-0000-4000-8000-0000000000e4), version(1.0)]\nlibrary Mine\n{\n    importlib(\"stdole2.tlb\");\n}\n",
    )
    .unwrap();
    let out_path = dir.join("mine.tlb");
    let out = oscgen_tlb(&[idl.as_os_str(), "-o".as_ref(), out_path.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let model = common::tlb::model(&out_path, &[], &[]).unwrap();
    let names: Vec<&str> = model.libraries.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Mine"]);
    assert_eq!(
        model.libraries[0].libid.map(|g| g.to_string().to_lowercase()),
        Some("6a1b2c3d-0000-4000-8000-0000000000e4".to_string())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_record_holding_itself_is_an_error_not_a_crash() {
    let dir = common::scratch_dir("tlb-self");
    let idl = dir.join("self.idl");
    std::fs::write(
        &idl,
        "import \"unknwn.idl\";\n[uuid(6a1b2c3d-0000-4000-8000-0000000000d1)]\nlibrary Selfish\n{\n    struct Loop { long n; struct Loop inner; };\n    [object, uuid(6a1b2c3d-0000-4000-8000-0000000000d2)]\n    interface ISelf : IUnknown { HRESULT Take([in] struct Loop *l); };\n}\n",
    )
    .unwrap();
    let out_path = dir.join("self.tlb");
    let out = oscgen_tlb(&[idl.as_os_str(), "-o".as_ref(), out_path.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "error: cannot write a type library: `struct Loop` holds itself by value, so it has no size"
    );
    assert!(!out_path.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
