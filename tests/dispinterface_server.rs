//! A server of a dispinterface (an event sink): `oscgen new --template com-server` on
//! tests/fixtures/dispatch/events.idl gives the user a trait of the dispinterface's members
//! to implement (they own no vtable slot) and an IDispatch that calls them. With the
//! members implemented as a user would (tests/fixtures/dispatch/events/object.rs), the
//! project builds, is clippy-clean (generated code included), passes the late-bound calls
//! of events/late_bound.rs (names in any case, properties, conversions, an optional
//! argument, an object argument, DISP_E_* codes, EXCEPINFO) and stays clean under
//! `oscgen generate --check`.

mod common;

use std::path::Path;
use std::process::Command;

use common::kinds::{cargo, lint_and_check, run};

#[test]
fn a_dispinterface_server_answers_late_bound_calls() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = repo.join("tests/fixtures/dispatch");
    let project = common::scratch_dir("dispinterface-server").join("events");
    let _ = std::fs::remove_dir_all(&project);
    let mut new = Command::new(env!("CARGO_BIN_EXE_oscgen"));
    new.args([
        "new",
        "--quiet",
        "--template",
        "com-server",
        "--typelib",
        "--implement",
        "DCounterEvents",
    ])
    .arg("--input")
    .arg(fixtures.join("events.idl"))
    .arg(&project);
    run("oscgen new", &mut new).unwrap();

    let object = std::fs::read_to_string(project.join("src/object.rs")).unwrap();
    for stub in [
        "fn get_Label(&self)",
        "fn put_Label(&self, value: &BSTR)",
        "fn Tick(&self, step: i32, why: &BSTR)",
    ] {
        assert!(object.contains(stub), "the stubs have {stub}:\n{object}");
    }
    assert!(!object.contains("fn put_Count"), "Count is readonly:\n{object}");
    assert!(!object.contains("IDispatch_Impl"), "IDispatch is oscgen's:\n{object}");

    std::fs::copy(fixtures.join("events/object.rs"), project.join("src/object.rs")).unwrap();
    let mut tests = std::fs::read_to_string(project.join("src/tests.rs")).unwrap();
    tests.push_str(&std::fs::read_to_string(fixtures.join("events/late_bound.rs")).unwrap());
    std::fs::write(project.join("src/tests.rs"), tests).unwrap();
    std::fs::copy(repo.join("samples/com-server/Cargo.lock"), project.join("Cargo.lock")).unwrap();

    let target = repo.join("target/server-kinds");
    run("cargo test", &mut cargo(&project, &target, &["test", "--quiet"])).unwrap();
    let late_bound = &[
        "test",
        "--quiet",
        "--lib",
        "dcounterevents_members_answer_through_invoke",
    ];
    let out = run(
        "cargo test (the late-bound test)",
        &mut cargo(&project, &target, late_bound),
    )
    .unwrap();
    assert!(out.contains("1 passed"), "the late-bound test ran:\n{out}");
    lint_and_check(Path::new(env!("CARGO_BIN_EXE_oscgen")), &project, &target).unwrap();
}

/// A dual interface read from a real type library, Wine's scrrun.dll (IDictionary), whose
/// `stdole2.tlb` import sits beside it as System32's does: stdole2's IUnknown and IDispatch
/// declare automation's types (`void **pptinfo`, `char **rgszNames`), and the model takes
/// the SDK's from the stand-ins, the signatures the generated IDispatch implements. Every
/// member gets an Invoke arm (`[in] VARIANT *` keys, an enum property), and the project
/// builds, passes its tests, is clippy-clean and stays clean under `generate --check`.
#[test]
fn a_server_of_a_type_librarys_dual_interface_builds() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scrrun = common::tlb::wine_dir().join("scrrun.dll");
    if !scrrun.is_file() || !common::tlb::wine_dir().join("stdole2.tlb").is_file() {
        common::skip(&format!("{} not found (apt-get install wine64)", scrrun.display()));
        return;
    }
    let model = common::tlb::model(&scrrun, &[], &[]).unwrap();
    let dispatch = model.interface("IDispatch").unwrap();
    let written: Vec<&str> = dispatch.methods[1].params.iter().map(|p| &*p.written).collect();
    assert_eq!(written, ["UINT", "LCID", "ITypeInfo**"], "the SDK's GetTypeInfo");

    let project = common::scratch_dir("typelib-server").join("dictionary");
    let mut new = Command::new(env!("CARGO_BIN_EXE_oscgen"));
    new.args([
        "new",
        "--quiet",
        "--template",
        "com-server",
        "--typelib",
        "--implement",
        "IDictionary",
    ])
    .arg("--input")
    .arg(&scrrun)
    .arg(&project);
    run("oscgen new", &mut new).unwrap();
    let idispatch = std::fs::read_to_string(project.join("src/generated/idispatch.rs")).unwrap();
    assert!(
        !idispatch.contains("call.unsupported()"),
        "every IDictionary member has an arm:\n{idispatch}"
    );
    std::fs::copy(repo.join("samples/com-server/Cargo.lock"), project.join("Cargo.lock")).unwrap();
    let target = repo.join("target/server-kinds");
    run("cargo test", &mut cargo(&project, &target, &["test", "--quiet"])).unwrap();
    lint_and_check(Path::new(env!("CARGO_BIN_EXE_oscgen")), &project, &target).unwrap();
}
