//! How imports resolve: the importing file's directory, then -I directories, then oscgen's
//! built-in stand-ins; each file read once; names matched case-insensitively as a fallback.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oscgen-imports-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn inspect_json(args: &[&str], cwd: &PathBuf) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("inspect")
        .arg("--json")
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn slot_names(doc: &serde_json::Value, iface: &str) -> Vec<String> {
    let i = doc["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == iface)
        .expect("interface");
    i["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

const USER: &str = r#"import "unknwn.idl";
[object, uuid(0b5a1e52-6c8b-4e0f-9d1c-0c1d2e3f4a5b)]
interface IGreeter : IUnknown { HRESULT Greet([in] ULONG n); }
"#;

#[test]
fn builtin_stand_ins_work_from_any_directory() {
    let dir = scratch("builtin");
    fs::write(dir.join("greeter.idl"), USER).unwrap();
    let doc = inspect_json(&["greeter.idl"], &dir);
    assert_eq!(
        slot_names(&doc, "IGreeter"),
        ["QueryInterface", "AddRef", "Release", "Greet"]
    );
    assert_eq!(
        doc["interfaces"].as_array().unwrap().len(),
        1,
        "only the input's own interfaces are listed"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_include_directory_takes_precedence_over_the_stand_ins() {
    let dir = scratch("precedence");
    fs::create_dir_all(dir.join("sdk")).unwrap();
    fs::create_dir_all(dir.join("src")).unwrap();
    fs::write(dir.join("src/greeter.idl"), USER).unwrap();
    // A different IUnknown, recognisable by its extra method, and ULONG.
    fs::write(
        dir.join("sdk/unknwn.idl"),
        "typedef unsigned long ULONG; typedef struct _GUID { ULONG a; } GUID; typedef GUID *REFIID;\n\
         [object, local, uuid(00000000-0000-0000-C000-000000000046)]\n\
         interface IUnknown { HRESULT QueryInterface([in] REFIID riid, [out] void **ppv); ULONG AddRef(); ULONG Release(); HRESULT Marker(); }\n\
         typedef long HRESULT;\n",
    )
    .unwrap();
    let doc = inspect_json(&["src/greeter.idl", "-I", "sdk"], &dir);
    assert_eq!(
        slot_names(&doc, "IGreeter"),
        ["QueryInterface", "AddRef", "Release", "Marker", "Greet"]
    );
    assert!(doc["interfaces"][0]["slots"][0]["declared_in"] == "IUnknown");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn imports_match_case_insensitively_and_cycles_are_read_once() {
    let dir = scratch("case");
    fs::write(dir.join("A.idl"), "import \"b.IDL\";\nimport \"unknwn.idl\";\n[object, uuid(11111111-0000-0000-0000-000000000001)] interface IA : IB { HRESULT A(); }\n").unwrap();
    fs::write(dir.join("B.idl"), "import \"a.idl\";\nimport \"unknwn.idl\";\n[object, uuid(11111111-0000-0000-0000-000000000002)] interface IB : IUnknown { HRESULT B(); }\n").unwrap();
    let doc = inspect_json(&["A.idl"], &dir);
    assert_eq!(
        slot_names(&doc, "IA"),
        ["QueryInterface", "AddRef", "Release", "B", "A"]
    );
    fs::remove_dir_all(&dir).unwrap();
}
