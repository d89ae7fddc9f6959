//! Points each client at the generated bindings of the project under test.
//!
//! The clients use the interfaces exactly as oscgen generated them for the project (its
//! `src/generated/bindings.rs`, `hresult.rs`, `oleaut.rs` and `trace.rs`, which the
//! bindings' vtable entries call), never a hand-written copy:
//! `OSC_HOST_SAMPLE` names the provider project osc-host is built against (default:
//! samples/osc-provider) and `MAPI_CLIENT_SAMPLE` the session project of mapi-client
//! (default: samples/mapi-session). This script writes `$OUT_DIR/provider_modules.rs` and
//! `$OUT_DIR/session_modules.rs` with `#[path]` modules to those files. Only their
//! declarations are used; each DLL is reached through CoCreateInstance alone.
use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    write_modules(
        &manifest_dir,
        &out_dir,
        "OSC_HOST_SAMPLE",
        "samples/osc-provider",
        "provider_modules.rs",
    );
    write_modules(
        &manifest_dir,
        &out_dir,
        "MAPI_CLIENT_SAMPLE",
        "samples/mapi-session",
        "session_modules.rs",
    );
}

fn write_modules(manifest_dir: &Path, out_dir: &Path, var: &str, default: &str, file_name: &str) {
    println!("cargo:rerun-if-env-changed={var}");
    let sample = env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("../..").join(default));
    let generated = sample.join("src/generated");
    let generated = generated
        .canonicalize()
        .unwrap_or_else(|e| panic!("{var}: no generated project at {}: {e}", sample.display()));
    let mut modules = format!("// Written by build.rs from {var}: the project's generated modules.\n");
    for module in ["bindings", "hresult", "oleaut", "trace"] {
        let file = generated.join(format!("{module}.rs"));
        assert!(file.is_file(), "{} is missing", file.display());
        println!("cargo:rerun-if-changed={}", file.display());
        let path = file.to_str().expect("a UTF-8 path");
        modules.push_str(&format!("#[path = {path:?}]\npub mod {module};\n"));
    }
    let out = out_dir.join(file_name);
    if fs::read_to_string(&out).ok().as_deref() != Some(modules.as_str()) {
        fs::write(&out, modules).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
    }
}
