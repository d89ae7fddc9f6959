//! The slot probe (docs/probe.md) on Linux: a com-server project generated from the
//! sample's IDL, with one method implemented by hand, built with and without the cargo
//! feature `oscgen-probe`. Through the vtable, with the feature every stub answers
//! MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, base + slot) as `src/generated/probe.rs`
//! lists it (the codes are spelled out below, not read from that table), without it
//! E_NOTIMPL; the implemented method answers as written either way.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A test of the project's own: it calls the object through caller wrappers and through raw
/// vtable slots, and checks the generated table against the codes the scheme gives.
const PROBE_TEST: &str = r#"
use core::ffi::c_void;

use crate as probe_calc;

use windows_core::{HRESULT, IUnknown, Interface};

use probe_calc::DllGetClassObject;
use probe_calc::generated::bindings::{IHistory, IScientific};
use probe_calc::generated::factory::IClassFactory;
use probe_calc::generated::identity::CLSID_PROBE_CALC;
use probe_calc::generated::oleaut::{BSTR, VARIANT_BOOL};
use probe_calc::generated::probe::INTERFACES;

const PROBE: bool = cfg!(feature = "oscgen-probe");

fn create() -> IUnknown {
    let mut ppv: *mut c_void = core::ptr::null_mut();
    let hr = unsafe { DllGetClassObject(&CLSID_PROBE_CALC, &IClassFactory::IID, &mut ppv) };
    assert!(hr.is_ok(), "DllGetClassObject: {hr:?}");
    let factory = unsafe { IClassFactory::from_raw(ppv) };
    let mut ppv: *mut c_void = core::ptr::null_mut();
    unsafe { factory.CreateInstance(None, &IUnknown::IID, &mut ppv) }.expect("CreateInstance");
    unsafe { IUnknown::from_raw(ppv) }
}

/// The stub's answer: its probe code with the feature, E_NOTIMPL without.
fn stub(code: u32) -> Option<u32> {
    Some(if PROBE { code } else { 0x8000_4001 })
}

fn code<T>(r: windows_core::Result<T>) -> Option<u32> {
    r.err().map(|e| e.code().0 as u32)
}

#[test]
fn stubs_answer_their_slot_and_implemented_methods_their_own() {
    let object = create();
    let scientific: IScientific = object.cast().expect("IScientific");
    let history: IHistory = object.cast().expect("IHistory");
    unsafe {
        // ICalculator::Add (slot 3) is implemented by hand.
        assert_eq!(scientific.Add(2, 3).ok(), Some(5));
        assert_eq!(code(scientific.Divide(1.0, 2.0)), stub(0x8004_C004));
        assert_eq!(code(scientific.get_Precision()), stub(0x8004_C005));
        assert_eq!(code(scientific.put_Precision(4)), stub(0x8004_C006));
        assert_eq!(code(scientific.Power(2.0, 3.0)), stub(0x8004_C107));
        assert_eq!(code(scientific.Describe(&BSTR::new())), stub(0x8004_C108));
        assert_eq!(code(history.Entries()), stub(0x8004_C203));
        assert_eq!(code(history.Clear()), stub(0x8004_C204));
        assert_eq!(code(history.Calculator()), stub(0x8004_C205));
        assert_eq!(code(history.Replay(None, VARIANT_BOOL(0))), stub(0x8004_C206));

        // The same through raw slots, as a C client calls them: IScientific's slot 7 is
        // Power(double, double, double *), slot 4 the inherited Divide.
        let this = scientific.as_raw();
        let vtable = *(this as *const *const *const c_void);
        type Binary = unsafe extern "system" fn(*mut c_void, f64, f64, *mut f64) -> HRESULT;
        let mut result = 0.0;
        let power: Binary = core::mem::transmute(*vtable.add(7));
        assert_eq!(Some(power(this, 2.0, 3.0, &mut result).0 as u32), stub(0x8004_C107));
        let divide: Binary = core::mem::transmute(*vtable.add(4));
        assert_eq!(Some(divide(this, 1.0, 2.0, &mut result).0 as u32), stub(0x8004_C004));
    }
}

#[test]
fn the_table_gives_each_interface_a_base_and_each_method_its_slot() {
    let bases: Vec<(&str, u16)> = INTERFACES.iter().map(|i| (i.name, i.base)).collect();
    assert_eq!(bases, [("ICalculator", 0xC000), ("IScientific", 0xC100), ("IHistory", 0xC200)]);
    let slots: Vec<Vec<(&str, u16)>> = INTERFACES
        .iter()
        .map(|i| i.methods.iter().map(|m| (m.name, m.slot)).collect())
        .collect();
    assert_eq!(
        slots,
        [
            vec![("Add", 3), ("Divide", 4), ("get_Precision", 5), ("put_Precision", 6)],
            vec![("Power", 7), ("Describe", 8)],
            vec![("Entries", 3), ("Clear", 4), ("Calculator", 5), ("Replay", 6)],
        ]
    );
    for i in INTERFACES {
        for m in i.methods {
            assert_eq!(m.code.0 as u32, 0x8004_0000 | u32::from(i.base + m.slot), "{}::{}", i.name, m.name);
        }
    }
}
"#;

fn run(what: &str, cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn cargo(project: &Path, target: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    cmd
}

#[test]
fn a_probe_build_answers_the_table_codes_through_the_vtable() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = common::scratch_dir("probe");
    let project: PathBuf = dir.join("probe-calc");
    run(
        "oscgen new",
        Command::new(env!("CARGO_BIN_EXE_oscgen"))
            .arg("new")
            .arg(&project)
            .args(["--quiet", "--template", "com-server", "--input"])
            .arg(repo.join("samples/com-server/idl/calculator.idl"))
            .args(["--implement", "IScientific,IHistory"]),
    );
    std::fs::copy(repo.join("samples/com-server/Cargo.lock"), project.join("Cargo.lock")).unwrap();
    // The user implements ICalculator::Add: it no longer calls not_implemented!.
    let object = project.join("src/object.rs");
    let text = std::fs::read_to_string(&object).unwrap();
    let stub = "let _ = (a, b);\n        Err(not_implemented!(ICalculator::Add).into())";
    assert!(text.contains(stub), "the stub of Add calls the probe's macro:\n{text}");
    std::fs::write(&object, text.replace(stub, "Ok(a + b)")).unwrap();
    // Its generated tests expect Add to be a stub; this test replaces them.
    std::fs::write(project.join("src/tests.rs"), PROBE_TEST).unwrap();
    let target = repo.join("target/samples");
    run("cargo test", &mut cargo(&project, &target, &["test", "--quiet"]));
    run(
        "cargo test --features oscgen-probe",
        &mut cargo(&project, &target, &["test", "--quiet", "--features", "oscgen-probe"]),
    );
    run(
        "cargo clippy --features oscgen-probe",
        &mut cargo(
            &project,
            &target,
            &[
                "clippy",
                "--quiet",
                "--all-targets",
                "--features",
                "oscgen-probe",
                "--",
                "-D",
                "warnings",
            ],
        ),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The stubs a user file still has, as `oscgen probe-client` reads them.
#[test]
fn stubs_are_the_methods_that_call_the_macro() {
    let source = r#"
impl IFoo_Impl for Foo_Impl {
    fn A(&self) -> Result<()> {
        Err(not_implemented!(IFoo::A).into())
    }
    fn B(&self) -> Result<()> {
        Ok(())
    }
    fn C(&self) -> Result<()> {
        if true { return Err(crate::generated::probe::not_implemented!(IFoo::C).into()); }
        Ok(())
    }
}
impl IFoo_Impl for Other_Impl {
    fn A(&self) -> Result<()> {
        Ok(())
    }
}
"#;
    let found = oscgen::emit::probe::scan_stubs(source, "Foo").expect("parses");
    let found: Vec<(&str, &str, bool)> = found.iter().map(|(i, m, s)| (i.as_str(), m.as_str(), *s)).collect();
    assert_eq!(found, [("IFoo", "A", true), ("IFoo", "B", false), ("IFoo", "C", true)]);
    assert!(oscgen::emit::probe::scan_stubs("fn (", "Foo").is_none());
}

/// `oscgen probe-client` on the com-server sample: the header widl must write, and a C
/// client that calls each slot by the header's member name and expects the table's code.
/// Where mingw-w64's gcc is installed (the Windows lane installs it), the client compiles
/// against widl's header with `-Wall -Wextra -Werror`.
#[test]
fn probe_client_writes_a_c_client_from_the_model() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = common::scratch_dir("probe-client");
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("probe-client")
        .arg(repo.join("samples/com-server"))
        .arg("--out-dir")
        .arg(&dir)
        .output()
        .expect("run oscgen probe-client");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Vec<&str>> = listed.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 1, "one header for widl:\n{listed}");
    assert_eq!(lines[0][0], "calculator.h");
    assert!(lines[0][1].ends_with("idl/calculator.idl"), "{listed}");
    let c = std::fs::read_to_string(dir.join("probe-client.c")).unwrap();
    for expected in [
        "#include \"calculator.h\"",
        "CoCreateInstance(PROBE_GUID(&model_clsid), NULL, CLSCTX_INPROC_SERVER, PROBE_GUID(&IID_IUnknown),",
        // IScientific's own slot 7, and the inherited Divide (ICalculator's slot 4) through it.
        "hr = obj->lpVtbl->Power(obj, 0, 0, SCRATCH(0));",
        "expect_slot(hr, \"ComServer: IScientific\", \"Power\", \"IScientific\", 7, (HRESULT)0x8004C107UL, 1);",
        "expect_slot(hr, \"ComServer: IScientific\", \"Divide\", \"ICalculator\", 4, (HRESULT)0x8004C004UL, 1);",
        "SysFreeString(*(BSTR *)SCRATCH(0));",
        // The header's layout against the model's, at compile time.
        "_Static_assert(SLOT(IScientificVtbl, Power) == 7, ",
        "_Static_assert(sizeof(IScientificVtbl) == 9 * sizeof(void *), ",
        "DllCanUnloadNow",
    ] {
        assert!(c.contains(expected), "probe-client.c lacks {expected:?}");
    }
    let gcc = "x86_64-w64-mingw32-gcc";
    let Some(widl) = common::widl_or_skip() else { return };
    if Command::new(gcc).arg("--version").output().is_err() {
        println!("SKIPPED: compiling the client: {gcc} not found (apt-get install gcc-mingw-w64-x86-64)");
        return;
    }
    run(
        "widl",
        Command::new(widl)
            .args(["-h", "-o"])
            .arg(dir.join("calculator.h"))
            .arg("-I")
            .arg(repo.join("../shared/corpus/mingw-w64"))
            .arg(lines[0][1]),
    );
    run(
        gcc,
        Command::new(gcc)
            .args(["-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I"])
            .arg(&dir)
            .arg(dir.join("probe-client.c")),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--sdk-include` and `--sdk-idl` on a project read from the Win32 metadata, against SDK
/// directories made here: the header with the C vtable struct; a header that declares the
/// interface only with `DECLARE_INTERFACE_IID_` (the client is then C++); an IDL file that
/// defines it (a header for widl); none (an error naming the option).
#[test]
fn probe_client_finds_sdk_interfaces_in_the_sdk_directories() {
    let dir = common::scratch_dir("probe-sdk");
    let project = dir.join("dt");
    run(
        "oscgen new",
        Command::new(env!("CARGO_BIN_EXE_oscgen"))
            .arg("new")
            .arg(&project)
            .args(["--quiet", "--template", "com-server", "--input", "win32"])
            .args(["--implement", "IDropTarget"]),
    );
    let probe = |out: &str, sdk: &[(&str, &Path)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_oscgen"));
        cmd.args(["--quiet", "probe-client"])
            .arg(&project)
            .arg("--out-dir")
            .arg(dir.join(out));
        for (option, path) in sdk {
            cmd.arg(option).arg(path);
        }
        cmd.output().expect("run oscgen probe-client")
    };
    let write = |path: PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let none = dir.join("none");
    std::fs::create_dir_all(&none).unwrap();

    let failed = probe("out", &[]);
    let err = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no header declares IDropTarget") && err.contains("--sdk-include"),
        "{err}"
    );

    let c_sdk = dir.join("c-sdk");
    write(
        c_sdk.join("dragdrop.h"),
        "DEFINE_GUID(IID_IDropTarget, 0x00000122, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46);\ntypedef struct IDropTargetVtbl {\n",
    );
    let c = probe("out", &[("--sdk-include", &c_sdk)]);
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    assert!(c.stdout.is_empty(), "no header for widl");
    let text = std::fs::read_to_string(dir.join("out/probe-client.c")).unwrap();
    assert!(text.contains("#include <dragdrop.h>"), "{text}");
    assert!(text.contains("obj->lpVtbl->DragEnter(obj, 0, 0, "), "{text}");

    let cpp_sdk = dir.join("cpp-sdk");
    write(
        cpp_sdk.join("shell.h"),
        "#define INTERFACE IDropTarget\n  DECLARE_INTERFACE_IID_ (IDropTarget, IUnknown, \"00000122-0000-0000-c000-000000000046\") {\n",
    );
    write(
        cpp_sdk.join("guids.h"),
        "DEFINE_GUID (IID_IDropTarget, 0x00000122, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46);\n",
    );
    let cpp = probe("out", &[("--sdk-include", &cpp_sdk)]);
    assert!(cpp.status.success(), "{}", String::from_utf8_lossy(&cpp.stderr));
    assert!(
        !dir.join("out/probe-client.c").exists(),
        "the C client of the run before is removed"
    );
    let text = std::fs::read_to_string(dir.join("out/probe-client.cpp")).unwrap();
    for expected in [
        "#ifndef __cplusplus\n#error \"compile as C++: shell.h declares IDropTarget for C++ only",
        "#include <guids.h>",
        "#include <shell.h>",
        "hr = obj->DragEnter(probe_zero(), probe_zero(), ",
    ] {
        assert!(text.contains(expected), "probe-client.cpp lacks {expected:?}:\n{text}");
    }

    let idl_sdk = dir.join("idl-sdk");
    write(
        idl_sdk.join("dragdrop.idl"),
        "interface IDropTarget;\n[object, uuid(00000122-0000-0000-c000-000000000046)]\ninterface IDropTarget : IUnknown {\n",
    );
    let idl = probe("out", &[("--sdk-include", &none), ("--sdk-idl", &idl_sdk)]);
    assert!(idl.status.success(), "{}", String::from_utf8_lossy(&idl.stderr));
    let listed = String::from_utf8(idl.stdout).unwrap();
    let expected = format!(
        "dragdrop.h\t{}\t-I{}\t-DBOOL=WINBOOL\n",
        idl_sdk.join("dragdrop.idl").display(),
        idl_sdk.display()
    );
    assert_eq!(listed, expected);
    let text = std::fs::read_to_string(dir.join("out/probe-client.c")).unwrap();
    assert!(text.contains("#include \"dragdrop.h\" /* widl */"), "{text}");

    let missing = probe("out", &[("--sdk-include", &none), ("--sdk-idl", &none)]);
    let err = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{err}");
    assert!(err.contains("and no IDL file of"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
