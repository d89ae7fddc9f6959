//! Oracle: type libraries built by Microsoft's MIDL (the test files of comtypes 1.4.17,
//! which scripts/fetch-midl-typelibs.sh caches outside the repository). Read by oscgen,
//! each gives the model of the IDL it was built from, and the model of the library widl
//! writes from that IDL: same interfaces with the same IIDs, slots, parameter directions
//! and DISPIDs, same dispatch members, same coclasses, enums and records (see
//! tests/common/tlb.rs), with each slot's parameter and return types and parameter names.
//! Where MIDL's library differs, the difference is listed below with why. `oscgen inspect
//! --json` reads each library, and Wine's oleaut32 reports what oscgen reads.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::Corpus;
use common::tlb::{
    differences, enum_facts, facts_with, library_enumerators, library_members, library_records, model, record_facts,
    wine_dir,
};
use common::tlbdump::{
    GCC, WINE, WINE_PREFIX, check_expected, env_or, expected_from_model, on_path, parse_dump, run, wine_prefix,
};
use oscgen::model::Model;
use oscgen::model::param::ParamAttr;

/// Where scripts/fetch-midl-typelibs.sh puts the files.
fn midl_dir() -> PathBuf {
    let cache = std::env::var_os("OSCGEN_MIDL_DIR").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/oscgen-midl"),
        PathBuf::from,
    );
    // Absolute: widl runs in a scratch directory.
    std::path::absolute(cache.join("comtypes-1.4.17")).unwrap()
}

/// Each MIDL-built library and its IDL: a file beside it, or (`corpus:`) a corpus file.
const LIBRARIES: &[(&str, &str)] = &[
    ("TestComServer.tlb", "TestComServer.idl"),
    ("TestDispServer.tlb", "TestDispServer.idl"),
    ("mylib.tlb", "mylib.idl"),
    // No IDL ships with it: its interfaces are the Windows SDK's urlhist.idl, which the
    // corpus has as Wine's (mingw-w64's copy is the same text). It declares no library.
    ("urlhist.tlb", "corpus:wine/urlhist.idl"),
];

/// Differences between each MIDL library and the model of its IDL: each a fact only the
/// library has (`-`) or only the IDL has (`+`).
fn expected_idl() -> BTreeMap<&'static str, Vec<&'static str>> {
    BTreeMap::from([
        (
            "TestComServer.tlb",
            // A `[propput]` accessor's value parameter: MIDL (as widl) stores no name for
            // it, and oscgen calls it `param0`.
            vec![
                "+ itestcomserver: names put_name(name)",
                "- itestcomserver: names put_name(param0)",
            ],
        ),
        (
            "mylib.tlb",
            vec![
                "+ imyinterface: names put_name(name)",
                "- imyinterface: names put_name(param0)",
            ],
        ),
        (
            "urlhist.tlb",
            vec![
                // The library urlhist.tlb was built with declares the UrlHistory coclass, and
                // the flags as enums; urlhist.idl has no library, and the flags are C
                // `#define`s in `cpp_quote`, which no type library can hold.
                "- coclass urlhistory: clsid 3c374a40-bae4-11cf-bf7d-00aa006946ee",
                "- coclass urlhistory: iurlhistorystg default=true source=false",
                "+ coclass urlhistory: missing",
                "- enumerator staturl_queryflag_iscached = 0x10000",
                "- enumerator staturl_queryflag_notitle = 0x40000",
                "- enumerator staturl_queryflag_nourl = 0x20000",
                "- enumerator staturl_queryflag_toplevel = 0x80000",
                "- enumerator staturlflag_iscached = 0x1",
                "- enumerator staturlflag_istoplevel = 0x2",
                // MIDL names a record by its struct tag (`_STATURL`, `_tagOLECMD`), not by
                // the typedef, and stores a conformant array parameter (`OLECMD prgCmds[]`,
                // sized by `size_is`) as a pointer to its element.
                "- ienumstaturl: slot 3 types hresult (unsigned long, _staturl*, unsigned long*)",
                "+ ienumstaturl: slot 3 types hresult (unsigned long, staturl*, unsigned long*)",
                "- iolecommandtarget: slot 3 types hresult (guid*, unsigned long, _tagolecmd*, _tagolecmdtext*)",
                "+ iolecommandtarget: slot 3 types hresult (guid*, unsigned long, olecmd[], olecmdtext*)",
                "- iurlhistorystg: slot 5 types hresult (short*, unsigned long, _staturl*)",
                "+ iurlhistorystg: slot 5 types hresult (short*, unsigned long, staturl*)",
            ],
        ),
    ])
}

/// Differences between each MIDL library and widl's library of the same IDL: `-` only
/// MIDL's, `+` only widl's.
fn expected_widl() -> BTreeMap<&'static str, Vec<&'static str>> {
    BTreeMap::from([
        (
            "TestComServer.tlb",
            // The default value widl's copy says instead (see WIDL_EDITS).
            vec![
                "+ itestcomserver: names do_cy value = 32",
                "- itestcomserver: names do_cy value = 32.78",
            ],
        ),
        (
            "TestDispServer.tlb",
            vec![
                "+ dtestdispserver: dispatch names do_cy value = 32",
                "- dtestdispserver: dispatch names do_cy value = 32.78",
            ],
        ),
        (
            "mylib.tlb",
            vec![
                // The element type widl's copy of mylib.idl says instead (see WIDL_EDITS).
                "+ imyinterface: slot 15 types hresult (safearray(variant))",
                "- imyinterface: slot 15 types hresult (safearray(variant*))",
            ],
        ),
    ])
}

/// What widl 7.0 rejects in these IDL files, and what the copy given to widl says instead;
/// the facts that changes are in [`expected_widl`].
const WIDL_EDITS: &[(&str, &str, &str)] = &[
    // widl's grammar has no floating-point literal in `defaultvalue`.
    ("TestComServer.idl", "defaultvalue(32.78)", "defaultvalue(32)"),
    ("TestDispServer.idl", "defaultvalue(32.78)", "defaultvalue(32)"),
    // widl allows no `helpstring` on a dispinterface's properties ("inapplicable attribute").
    ("TestDispServer.idl", ", helpstring(\"the id of the server\")", ""),
    ("TestDispServer.idl", ", helpstring(\"the name of the server\")", ""),
    // widl's grammar takes no pointer as a SAFEARRAY's element type.
    ("mylib.idl", "SAFEARRAY(VARIANT *)", "SAFEARRAY(VARIANT)"),
    // The library has no `importlib("stdole2.tlb")`, which MIDL adds on its own; widl 7.0
    // crashes (SIGSEGV) writing a dual interface without it.
    (
        "mylib.idl",
        "library TestLib {",
        "library TestLib { importlib(\"stdole2.tlb\");",
    ),
];

/// The facts of `lib` over the members, enums and records of the library at `path`;
/// `own` when `lib` is read from that library, whose records are then taken as it
/// declares them (an IDL's model is searched for records of the same fields).
fn all_facts(lib: &Model, path: &Path, members: &(Vec<String>, Vec<String>), own: bool) -> BTreeSet<String> {
    let mut out = facts_with(lib, &members.0, &members.1, true);
    out.extend(name_facts(lib, &members.0));
    let enums = library_enumerators(path);
    out.extend(enum_facts(lib, &enums));
    let records = library_records(path);
    if own {
        out.extend(records);
    } else {
        out.extend(record_facts(lib, &records));
    }
    out
}

/// Each own slot's parameter names and default values, and each dispatch member's.
fn name_facts(model: &Model, interfaces: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for name in interfaces {
        let Some(iface) = model.interfaces().iter().find(|i| i.name.eq_ignore_ascii_case(name)) else {
            continue;
        };
        let dispatch = iface.dispatch.iter().flat_map(|d| &d.methods);
        for (kind, m) in iface
            .methods
            .iter()
            .map(|m| ("names", m))
            .chain(dispatch.map(|m| ("dispatch names", m)))
        {
            let names: Vec<&str> = m.params.iter().map(|p| &*p.name).collect();
            out.insert(format!("{}: {kind} {}({})", iface.name, m.name, names.join(", ")));
            for p in &m.params {
                for a in &p.attrs {
                    if let ParamAttr::DefaultValue(v) = a {
                        out.insert(format!("{}: {kind} {} {} = {}", iface.name, m.name, p.name, v.text));
                    }
                }
            }
        }
    }
    out
}

/// widl's library of `idl`, or `None` when the IDL declares no library.
fn widl_library(widl: &Path, idl: &Path, include_dirs: &[PathBuf], defines: &[String], out: &Path) -> Option<PathBuf> {
    let mut cmd = Command::new(widl);
    // In the scratch directory: widl leaves its temporary files in the current one.
    cmd.current_dir(out.parent().unwrap());
    cmd.arg("-t").arg("-o").arg(out).arg("-L").arg(wine_dir());
    for dir in include_dirs {
        cmd.arg("-I").arg(dir);
    }
    for d in defines {
        cmd.arg("-D").arg(d);
    }
    let name = idl.file_name().unwrap().to_str().unwrap();
    let mut text = std::fs::read_to_string(idl).unwrap();
    for (_, from, to) in WIDL_EDITS.iter().filter(|(file, _, _)| *file == name) {
        assert!(text.contains(from), "{name} has {from}");
        text = text.replace(from, to);
    }
    let copy = out.with_extension("idl");
    std::fs::write(&copy, text).unwrap();
    let status = cmd.arg("-I").arg(idl.parent().unwrap()).arg(&copy).output().unwrap();
    assert!(
        status.status.success(),
        "widl -t {}: {}",
        idl.display(),
        String::from_utf8_lossy(&status.stderr)
    );
    out.is_file().then(|| out.to_path_buf())
}

fn compare(found: Vec<String>, wanted: Option<&Vec<&str>>, what: &str, report: &mut Vec<String>) {
    let wanted: Vec<String> = wanted
        .map(|v| v.iter().map(|s| s.to_string()).collect())
        .unwrap_or_default();
    if found != wanted {
        report.push(format!("{what}:\n  {}", found.join("\n  ")));
    }
}

#[test]
fn midl_type_libraries_equal_their_idl_and_widls_library() {
    let dir = midl_dir();
    if !dir.join("mylib.tlb").is_file() {
        common::skip(&format!(
            "{} not found (run scripts/fetch-midl-typelibs.sh)",
            dir.display()
        ));
        return;
    }
    if !wine_dir().join("stdole2.tlb").is_file() {
        common::skip(&format!("{} not found (apt-get install wine64)", wine_dir().display()));
        return;
    }
    let Some(widl) = common::widl_or_skip() else { return };
    let Some(corpus) = Corpus::open() else { return };
    let scratch = common::scratch_dir("typelib-midl");
    let (expected_idl, expected_widl) = (expected_idl(), expected_widl());
    let mut report = Vec::new();
    let (mut typeinfos, mut facts_compared) = (0, 0);
    for (binary, source) in LIBRARIES {
        let path = dir.join(binary);
        let (idl_path, mut include_dirs, defines) = match source.strip_prefix("corpus:") {
            Some(label) => {
                let f = corpus
                    .files
                    .iter()
                    .find(|f| f.label == label)
                    .unwrap_or_else(|| panic!("{label} is not in the corpus"));
                (f.path.clone(), f.include_dirs.clone(), f.defines.clone())
            }
            None => {
                // The corpus's setup for a file of its own folder: Wine's IDL for the imports.
                let mut dirs = corpus
                    .files
                    .iter()
                    .find(|f| f.label.starts_with("wine/"))
                    .unwrap()
                    .include_dirs
                    .clone();
                dirs[0] = dir.clone();
                (dir.join(source), dirs, Vec::new())
            }
        };
        let tlb = model(&path, std::slice::from_ref(&wine_dir()), &[]).unwrap_or_else(|e| panic!("{binary}: {e}"));
        let members = library_members(&tlb);
        typeinfos += oscgen::typelib::read_file(&path).unwrap().typeinfos.len();
        let tlb_facts = all_facts(&tlb, &path, &members, true);
        facts_compared += tlb_facts.len();
        include_dirs.push(wine_dir());
        let idl = model(&idl_path, &include_dirs, &defines).unwrap_or_else(|e| panic!("{source}: {e}"));
        let found = differences(&tlb_facts, &all_facts(&idl, &path, &members, false));
        compare(
            found,
            expected_idl.get(binary),
            &format!("{binary} vs {source}"),
            &mut report,
        );
        let out = scratch.join(format!("widl-{binary}"));
        if let Some(widl_tlb) = widl_library(&widl, &idl_path, &include_dirs, &defines, &out) {
            let other = model(&widl_tlb, std::slice::from_ref(&wine_dir()), &[]).unwrap();
            let found = differences(&tlb_facts, &all_facts(&other, &widl_tlb, &members, true));
            compare(
                found,
                expected_widl.get(binary),
                &format!("{binary} vs widl -t {source}"),
                &mut report,
            );
        }
        inspect_json(&path);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(report.is_empty(), "{}", report.join("\n"));
    println!(
        "{} MIDL libraries, {typeinfos} typeinfos, {facts_compared} facts compared",
        LIBRARIES.len()
    );
}

/// `oscgen inspect --json` reads the library and writes JSON.
fn inspect_json(path: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("inspect")
        .arg("--json")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "oscgen inspect --json {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let _: serde_json::Value = serde_json::from_slice(&out.stdout).expect("inspect --json writes JSON");
}

/// The files are MIDL's: MSFT format 1.2 for SYSKIND_WIN32 (widl's are SYSKIND_WIN64 on
/// x86_64), with the library custom data MIDL writes, {DE77BA64-517C-11D1-A2DA-
/// 0000F8773CE9} (MIDL's version; widl writes it too, imitating MIDL 7.0), and, from MIDL 6
/// on, {DE77BA65-...} "Created by MIDL version ...". TestComServer.tlb (MIDL 5.01.0164)
/// has no such string.
#[test]
fn the_libraries_are_written_by_midl() {
    let dir = midl_dir();
    if !dir.join("mylib.tlb").is_file() {
        common::skip(&format!(
            "{} not found (run scripts/fetch-midl-typelibs.sh)",
            dir.display()
        ));
        return;
    }
    let midl_version_guid: [u8; 16] = [
        0x64, 0xba, 0x77, 0xde, 0x7c, 0x51, 0xd1, 0x11, 0xa2, 0xda, 0x00, 0x00, 0xf8, 0x77, 0x3c, 0xe9,
    ];
    for (binary, _) in LIBRARIES {
        let bytes = std::fs::read(dir.join(binary)).unwrap();
        assert_eq!(&bytes[..8], b"MSFT\x02\x00\x01\x00", "{binary}: MSFT 1.2");
        let lib = oscgen::typelib::read::read(&bytes).unwrap();
        assert_eq!(lib.syskind, oscgen::typelib::format::syskind::WIN32, "{binary}");
        assert!(
            bytes.windows(16).any(|w| w == midl_version_guid),
            "{binary}: MIDL's version in custom data"
        );
        let created = bytes.windows(11).position(|w| w == b"Created by ");
        if let Some(at) = created {
            assert!(bytes[at..].starts_with(b"Created by MIDL version "), "{binary}");
        } else {
            assert_eq!(*binary, "TestComServer.tlb");
        }
    }
}

/// Wine's oleaut32 loads each MIDL library, and what it reports (tests/typelib/tlbdump.c)
/// has, per interface and coclass of oscgen's model of the library, the kind and flags,
/// each function's MEMBERID, INVOKEKIND, vtable offset and parameter flags, each
/// dispinterface property, and each coclass's interfaces with their flags.
#[test]
fn oleaut32_reports_what_oscgen_reads() {
    let dir = midl_dir();
    if !dir.join("mylib.tlb").is_file() {
        common::skip(&format!(
            "{} not found (run scripts/fetch-midl-typelibs.sh)",
            dir.display()
        ));
        return;
    }
    let wine = env_or("OSCGEN_WINE", WINE);
    if !wine.is_file() || !on_path(GCC) {
        common::skip(&format!(
            "{} or {GCC} not found (apt-get install wine64 gcc-mingw-w64-x86-64)",
            wine.display()
        ));
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("typelib_midl");
    std::fs::create_dir_all(&work).unwrap();
    let dump_exe = work.join("tlbdump.exe");
    run(Command::new(GCC)
        .args(["-municode", "-O1", "-o"])
        .arg(&dump_exe)
        .arg(root.join("tests/typelib/tlbdump.c"))
        .args(["-loleaut32", "-lole32", "-luuid"]));
    let files: Vec<PathBuf> = LIBRARIES.iter().map(|(binary, _)| dir.join(binary)).collect();
    let lock = WINE_PREFIX.lock().unwrap_or_else(|e| e.into_inner());
    let out = run(Command::new(&wine)
        .env("WINEPREFIX", wine_prefix())
        .env("WINEDEBUG", "-all")
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
        .arg(&dump_exe)
        .args(&files));
    drop(lock);
    let dumps = parse_dump(&String::from_utf8_lossy(&out.stdout));
    let mut problems = Vec::new();
    let (mut typeinfos, mut lines) = (0, 0);
    for (binary, _) in LIBRARIES {
        let lib = model(&dir.join(binary), std::slice::from_ref(&wine_dir()), &[]).unwrap();
        let (interfaces, _) = library_members(&lib);
        let coclasses: Vec<_> = lib.libraries.iter().flat_map(|l| l.coclasses.iter().cloned()).collect();
        let dump = &dumps[*binary];
        // oleaut32 reports vtable offsets in the loading process's pointers: these SYS_WIN32
        // libraries' 4-byte slots read as 8-byte ones in the 64-bit dump program.
        for (name, expected) in expected_from_model(&lib, &interfaces, &coclasses, 8) {
            typeinfos += 1;
            lines += expected.len();
            match dump.1.get(&name) {
                None => problems.push(format!("{binary}: oleaut32 reports no typeinfo {name}")),
                Some(block) => problems.extend(check_expected(binary, &name, &expected, block)),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    println!("oleaut32 agrees on {typeinfos} typeinfos, {lines} lines");
}
