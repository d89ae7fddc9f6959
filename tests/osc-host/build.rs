//! Points the host at the generated bindings of the provider under test.
//!
//! The host uses the interfaces exactly as oscgen generated them for the provider (its
//! `src/generated/bindings.rs`, `hresult.rs` and `oleaut.rs`), never a hand-written copy: `OSC_HOST_SAMPLE`
//! names the provider project (default: samples/osc-provider), and this script writes
//! `$OUT_DIR/provider_modules.rs` with `#[path]` modules to those files. Only their
//! declarations are used; the DLL itself is reached through CoCreateInstance alone.
use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=OSC_HOST_SAMPLE");
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let sample = env::var_os("OSC_HOST_SAMPLE")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("../../samples/osc-provider"));
    let generated = sample.join("src/generated");
    let generated = generated
        .canonicalize()
        .unwrap_or_else(|e| panic!("OSC_HOST_SAMPLE: no generated project at {}: {e}", sample.display()));
    let mut modules = String::from("// Written by build.rs: the provider's generated modules.\n");
    for module in ["bindings", "hresult", "oleaut"] {
        let file = generated.join(format!("{module}.rs"));
        assert!(file.is_file(), "{} is missing", file.display());
        println!("cargo:rerun-if-changed={}", file.display());
        let path = file.to_str().expect("a UTF-8 path");
        modules.push_str(&format!("#[path = {path:?}]\npub mod {module};\n"));
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR")).join("provider_modules.rs");
    if fs::read_to_string(&out).ok().as_deref() != Some(modules.as_str()) {
        fs::write(&out, modules).expect("write provider_modules.rs");
    }
}
