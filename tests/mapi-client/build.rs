//! Points the client at the generated bindings of the session project under test.
//!
//! Only the declarations of the project's `src/generated/bindings.rs` (IIDs, MAPI_E_* codes,
//! the advise sink interface) and `oleaut.rs` (which bindings.rs uses) are compiled in:
//! `MAPI_CLIENT_SAMPLE` names the project (default: samples/mapi-session), and this script
//! writes `$OUT_DIR/session_modules.rs` with `#[path]` modules to those files. The
//! session's methods are called by vtable index with the signatures of Microsoft's MAPIX.h,
//! never through the generated wrappers, and the DLL is reached through CoCreateInstance.
use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=MAPI_CLIENT_SAMPLE");
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let sample = env::var_os("MAPI_CLIENT_SAMPLE")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("../../samples/mapi-session"));
    let generated = sample.join("src/generated");
    let generated = generated
        .canonicalize()
        .unwrap_or_else(|e| panic!("MAPI_CLIENT_SAMPLE: no generated project at {}: {e}", sample.display()));
    let mut modules = String::from("// Written by build.rs: the session project's generated modules.\n");
    for module in ["bindings", "hresult", "oleaut"] {
        let file = generated.join(format!("{module}.rs"));
        assert!(file.is_file(), "{} is missing", file.display());
        println!("cargo:rerun-if-changed={}", file.display());
        let path = file.to_str().expect("a UTF-8 path");
        modules.push_str(&format!("#[path = {path:?}]\npub mod {module};\n"));
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR")).join("session_modules.rs");
    if fs::read_to_string(&out).ok().as_deref() != Some(modules.as_str()) {
        fs::write(&out, modules).expect("write session_modules.rs");
    }
}
