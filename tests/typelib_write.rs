//! `oscgen tlb` against oracles oscgen did not write: Wine's oleaut32 loads each library
//! (tests/typelib/tlbdump.c, run under Wine, prints what ITypeLib/ITypeInfo report) and
//! what it reports must equal (1) what oscgen's model says and (2) what it reports for
//! the library widl `-t` writes from the same IDL; and (3) writing twice gives the same
//! bytes.
//!
//! Differences from widl that are the model's, not the writer's, are normalized away,
//! each for a stated reason (see `normalize`): the model does not keep help strings,
//! typeinfo versions, type and function flags other than dual/oleautomation/dispatchable,
//! `[public]` typedefs, typedefs of the library no signature uses, nor whether `[in]` was
//! written (a parameter without a direction is `[in]` to the model, flagged
//! PARAMFLAG_FIN; widl flags it 0), nor `int` apart from `long`. Typeinfos are compared by name: widl adds a type
//! where the library's statements declare it, oscgen where it is first used.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use oscgen::idl::{Input, LoadOptions};
use oscgen::model::interface::{Direction, Interface, MethodKind};
use oscgen::model::param::ParamAttr;
use oscgen::model::{Coclass, Model};
use oscgen::source::SourceMap;

/// Debian's wine64 loader and the directory holding Wine's stdole2.tlb (for widl's
/// `importlib`); `OSCGEN_WINE` and `OSCGEN_WINE_WINDOWS_DIR` override them.
const WINE: &str = "/usr/lib/wine/wine64";
const WINE_WINDOWS_DIR: &str = "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows";
const GCC: &str = "x86_64-w64-mingw32-gcc";

struct Case {
    label: &'static str,
    idl: PathBuf,
    includes: Vec<PathBuf>,
    win32: bool,
}

fn env_or(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

/// The dump of each library, by file name: the library lines, then each typeinfo's
/// block by name (a dual interface's vtable view stays in its block).
type Dump = BTreeMap<String, (Vec<String>, BTreeMap<String, Vec<String>>)>;

fn parse_dump(text: &str) -> Dump {
    let mut out = Dump::new();
    let mut file = String::new();
    let mut block: Option<String> = None;
    for line in text.lines() {
        if let Some(path) = line.strip_prefix("=== ") {
            file = path.rsplit(['\\', '/']).next().unwrap_or(path).to_string();
            out.entry(file.clone()).or_default();
            block = None;
            continue;
        }
        let entry = out.get_mut(&file).expect("a file line first");
        if let Some(name) = line.strip_prefix("typeinfo ") {
            block = Some(name.to_string());
            entry.1.insert(name.to_string(), vec![line.to_string()]);
        } else if let Some(b) = &block {
            entry.1.get_mut(b).unwrap().push(line.to_string());
        } else {
            entry.0.push(line.to_string());
        }
    }
    out
}

/// What the model does not carry, taken out of both dumps (see the module's comment).
fn normalize(line: &str) -> String {
    let mut line = line.to_string();
    if let Some(at) = line.find(" version=") {
        line.truncate(at);
    }
    if line.starts_with("    detail ")
        && let Some(at) = line.find(" flags=0x")
    {
        let rest = &line[at + 9..];
        let end = rest.find(' ').unwrap_or(rest.len());
        line = format!("{}{}", &line[..at], &rest[end..]);
    }
    if let Some(flags) = line.strip_prefix("  kind ").and_then(|r| r.split_once(" flags 0x")) {
        let kept = u32::from_str_radix(flags.1, 16).unwrap_or(0) & 0x1140;
        line = format!("  kind {} flags 0x{kept:x}", flags.0);
    }
    if line.starts_with("    param ") {
        line = line.replace(" flags=0x0 ", " flags=0x1 ");
    }
    // The model has one 32-bit integer for `int` and `long`: widl's VT_INT and VT_UINT
    // (for `int`) are VT_I4 and VT_UI4 to oscgen.
    for (from, to) in [
        ("(UINT)", "(UI4)"),
        ("(INT)", "(I4)"),
        ("=UINT", "=UI4"),
        ("=INT", "=I4"),
    ] {
        line = line.replace(from, to);
    }
    line
}

/// Typeinfos widl writes that oscgen's model cannot: enums, records and aliases
/// declared in the library but used by no signature, and `[public]` aliases.
fn model_cannot_have(block: &[String]) -> bool {
    block
        .iter()
        .any(|l| l.starts_with("  kind 0 ") || l.starts_with("  kind 1 ") || l.starts_with("  kind 6 "))
}

fn compare_with_widl(
    label: &str,
    ours: &(Vec<String>, BTreeMap<String, Vec<String>>),
    widl: &(Vec<String>, BTreeMap<String, Vec<String>>),
) -> Vec<String> {
    let mut problems = Vec::new();
    if ours.0 != widl.0 {
        problems.push(format!(
            "{label}: library differs:\n  oscgen {:?}\n  widl   {:?}",
            ours.0, widl.0
        ));
    }
    for (name, block) in &ours.1 {
        let Some(theirs) = widl.1.get(name) else {
            problems.push(format!("{label}: oscgen writes {name}, widl does not"));
            continue;
        };
        let a: Vec<String> = block.iter().map(|l| normalize(l)).collect();
        let b: Vec<String> = theirs.iter().map(|l| normalize(l)).collect();
        if a != b {
            let first = a
                .iter()
                .zip(&b)
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            problems.push(format!(
                "{label}: {name} differs from widl's at line {first}:\n  oscgen {:?}\n  widl   {:?}",
                a.get(first),
                b.get(first)
            ));
        }
    }
    for (name, block) in &widl.1 {
        if !ours.1.contains_key(name) && !model_cannot_have(block) {
            problems.push(format!("{label}: widl writes {name}, oscgen does not"));
        }
    }
    problems
}

/// The lines oleaut32 must report for the model's library: each expected line must
/// appear, in order, in the typeinfo's block.
fn expected_from_model(
    model: &Model,
    interfaces: &[String],
    coclasses: &[Coclass],
    ptr: usize,
) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let guid = |g: Option<oscgen::model::guid::Guid>| {
        format!(
            "  guid {{{}}}",
            g.map_or_else(|| "00000000-0000-0000-0000-000000000000".into(), |g| g.to_string())
        )
    };
    for name in interfaces {
        let Some(iface) = model.interface(name) else { continue };
        let mut lines = vec![format!("typeinfo {name}"), guid(iface.iid)];
        match &iface.dispatch {
            Some(d) if !d.dual => {
                lines.push("  kind 4 flags 0x1000".to_string());
                let mut memids = Vec::new();
                for m in &d.methods {
                    lines.extend(func_lines(model, iface, m, m.dispid.unwrap_or(0), 0, &mut memids));
                }
                for p in &d.properties {
                    lines.push(format!(
                        "  var {} memid=0x{:x} kind=3 flags=0x{:x}",
                        p.name,
                        p.dispid.unwrap_or(0),
                        u8::from(p.readonly)
                    ));
                }
            }
            dispatch => {
                let dual = dispatch.is_some();
                let vtable = model.vtable(name).unwrap();
                let parents = oscgen::model::vtable::Vtable::ancestors(model, iface).len() as i32;
                if dual {
                    lines.push("  kind 4 flags 0x1040".to_string());
                    lines.push(format!("vtable {name}"));
                    lines.push(guid(iface.iid));
                    lines.push("  kind 3 flags 0x1140".to_string());
                } else {
                    let dispatchable = oscgen::model::vtable::Vtable::ancestors(model, iface)
                        .iter()
                        .any(|a| a.name == "IDispatch");
                    let flags = if iface.oleautomation { 0x100 } else { 0 } | if dispatchable { 0x1000 } else { 0 };
                    lines.push(format!("  kind 3 flags 0x{flags:x}"));
                }
                let mut memids = Vec::new();
                for (i, slot) in vtable.own_slots().enumerate() {
                    let memid = slot.method.dispid.unwrap_or(((0x6000 | parents) << 16) | i as i32);
                    lines.extend(func_lines(
                        model,
                        iface,
                        slot.method,
                        memid,
                        slot.index * ptr,
                        &mut memids,
                    ));
                }
            }
        }
        out.insert(name.clone(), lines);
    }
    for class in coclasses {
        let mut lines = vec![
            format!("typeinfo {}", class.name),
            guid(class.clsid),
            "  kind 5 flags 0x2".to_string(),
        ];
        let has_default = |source: bool| class.interfaces.iter().any(|m| m.default && m.source == source);
        let mut first = [true, true];
        for m in &class.interfaces {
            let group = usize::from(m.source);
            let default = m.default || (!has_default(m.source) && first[group]);
            first[group] = false;
            lines.push(format!(
                "  impl {} flags=0x{:x}",
                m.name,
                u8::from(default) | (u8::from(m.source) << 1)
            ));
        }
        out.insert(class.name.clone(), lines);
    }
    out
}

/// A function's line and its parameters' flags. Functions of one name share the first
/// one's MEMBERID (a property's get and put), and oleaut32 names them by it.
fn func_lines(
    model: &Model,
    _iface: &Interface,
    m: &oscgen::model::interface::Method,
    memid: i32,
    ovft: usize,
    memids: &mut Vec<(String, i32)>,
) -> Vec<String> {
    let _ = model;
    let memid = match memids.iter().find(|(n, _)| n.eq_ignore_ascii_case(&m.idl_name)) {
        Some(&(_, id)) => id,
        None => {
            memids.push((m.idl_name.clone(), memid));
            memid
        }
    };
    let invkind = match m.kind {
        MethodKind::Plain => 1,
        MethodKind::PropGet => 2,
        MethodKind::PropPut => 4,
        MethodKind::PropPutRef => 8,
    };
    let mut lines = vec![format!(
        "  func {} memid=0x{:x} invkind={invkind} oVft={ovft} params={}",
        m.idl_name,
        memid,
        m.params.len()
    )];
    for p in &m.params {
        let mut flags = match p.dir {
            Direction::In => 1,
            Direction::Out => 2,
            Direction::InOut => 3,
        };
        if p.retval {
            flags |= 8;
        }
        for a in &p.attrs {
            flags |= match a {
                ParamAttr::Lcid => 4,
                ParamAttr::Optional => 0x10,
                ParamAttr::DefaultValue(_) => 0x30,
                _ => 0,
            };
        }
        lines.push(format!("    param flags=0x{flags:x}"));
    }
    lines
}

/// Whether `expected` appears in order in `block` (parameter lines compared by flags).
fn check_expected(label: &str, name: &str, expected: &[String], block: &[String]) -> Option<String> {
    let mut at = 0;
    for want in expected {
        let found = block[at..].iter().position(|line| {
            if let Some(flags) = want.strip_prefix("    param ") {
                line.starts_with("    param ") && line.contains(&format!(" {flags} "))
            } else {
                // oleaut32 names a member by the name table's spelling, shared without
                // regard to case (a method `Count`, a parameter `count`).
                let (line, want) = (line.to_ascii_lowercase(), want.to_ascii_lowercase());
                line == want || line.starts_with(&format!("{want} "))
            }
        });
        match found {
            Some(i) => at += i + 1,
            None => {
                return Some(format!(
                    "{label}: {name}: oleaut32 does not report {want:?} (after line {at})\n{}",
                    block.join("\n")
                ));
            }
        }
    }
    None
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
            label: "test_simple",
            idl: dll("dlls__oleaut32__tests__test_simple.idl"),
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

    let prefix = work.join("wineprefix");
    let out = run(Command::new(&wine)
        .env("WINEPREFIX", &prefix)
        .env("WINEDEBUG", "-all")
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
        .arg(&dump_exe)
        .args(&files));
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
