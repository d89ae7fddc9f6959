//! `importlib` in type libraries: a library whose interface derives from one in another
//! library (both written by widl -t) is read with the other found by the file name it
//! records (beside it), by LIBID in a `-I` directory under another name, or not at all:
//! then the derived interface is left out with a warning, never given a guessed vtable.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::tlb::wine_dir;

const IA: &str = r#"import "oaidl.idl";
[object, uuid(5c0b0a7e-0000-4000-8000-0000000000a1), dual, oleautomation]
interface IA : IDispatch
{
    [id(1)] HRESULT First([in] long x);
    [propget, id(2)] HRESULT Name([out, retval] BSTR *name);
}
"#;

const A: &str = r#"import "ia.idl";
[uuid(5c0b0a7e-0000-4000-8000-00000000000a), version(1.2)]
library LibA
{
    importlib("stdole2.tlb");
    interface IA;
}
"#;

const B: &str = r#"import "ia.idl";
[uuid(5c0b0a7e-0000-4000-8000-00000000000b), version(1.0)]
library LibB
{
    importlib("stdole2.tlb");
    importlib("a.tlb");
    [object, uuid(5c0b0a7e-0000-4000-8000-0000000000b1), oleautomation]
    interface IB : IA
    {
        HRESULT Second([in] IA *other);
    }
}
"#;

fn widl_t(widl: &Path, dir: &Path, idl: &str) {
    let std = Path::new(env!("CARGO_MANIFEST_DIR")).join("metadata/std");
    let out = Path::new(idl).with_extension("tlb");
    let status = Command::new(widl)
        .current_dir(dir)
        .arg("-t")
        .arg("-o")
        .arg(&out)
        .arg("-I")
        .arg(".")
        .arg("-I")
        .arg(&std)
        .arg("-L")
        .arg(wine_dir())
        .arg("-L")
        .arg(".")
        .arg(idl)
        .status()
        .unwrap();
    assert!(status.success(), "widl -t {idl}");
}

fn inspect(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("inspect")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn imported_libraries_are_found_by_name_and_by_libid() {
    let Some(widl) = common::widl_or_skip() else { return };
    if !wine_dir().join("stdole2.tlb").is_file() {
        common::skip(&format!("{} not found (apt-get install wine64)", wine_dir().display()));
        return;
    }
    let dir = common::scratch_dir("typelib-imports");
    for (name, text) in [("ia.idl", IA), ("a.idl", A), ("b.idl", B)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    widl_t(&widl, &dir, "a.idl");
    widl_t(&widl, &dir, "b.idl");
    let b = dir.join("b.tlb");

    // Beside it, under the name b.tlb records.
    let out = inspect(&[&b]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(table.starts_with("IB : IA : IDispatch : IUnknown"), "{table}");
    assert!(table.contains("     7  First             IA"), "{table}");
    assert!(
        table.contains("     9  Second            IB           HRESULT Second([in] IA* other)"),
        "{table}"
    );

    // Elsewhere under another name: found by LIBID through -I.
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::rename(dir.join("a.tlb"), elsewhere.join("renamed.tlb")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("inspect")
        .arg("-I")
        .arg(&elsewhere)
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), table);

    // Not found: IB is left out, with a warning naming it.
    let out = inspect(&[&b]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: ") && stderr.contains("interface `IB` is left out"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("IB :"));
    let _ = std::fs::remove_dir_all(&dir);
}
