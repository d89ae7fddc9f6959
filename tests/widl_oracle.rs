//! Oracle test: Wine's IDL compiler (widl, Debian package mingw-w64-tools) writes the C
//! `...Vtbl` struct of every interface in a file. Its method order is the vtable order
//! MIDL would produce, so oscgen's vtables must list the same methods, in the same
//! order, with the same number of parameters, for every built-in IDL file.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use oscgen::builtin::{self, BuiltinFile};
use oscgen::idl::{Input, LoadOptions};
use oscgen::load::load_model;
use oscgen::source::SourceMap;

mod common;

use common::{c_type_key, parse_header, scratch_dir, widl_or_skip};

fn run_widl(widl: &Path, repo: &Path, file: &BuiltinFile, out_dir: &Path) -> String {
    let input = repo.join("metadata").join(file.path);
    let stem = file.name.trim_end_matches(".idl");
    let output = out_dir.join(format!("{stem}.h"));
    let result = Command::new(widl)
        .arg("--nostdinc")
        .arg("-I")
        .arg(repo.join("metadata").join("std"))
        .arg("-h")
        .arg("-o")
        .arg(&output)
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", widl.display()));
    assert!(
        result.status.success(),
        "widl failed on {} ({}):\n{}{}",
        input.display(),
        result.status,
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    std::fs::read_to_string(&output).unwrap_or_else(|e| panic!("cannot read {}: {e}", output.display()))
}

#[derive(Default)]
struct Totals {
    interfaces: usize,
    slots: usize,
    mismatches: Vec<String>,
}

/// Compares widl's vtables for one built-in file with oscgen's model of it.
fn compare_file(widl: &Path, repo: &Path, out_dir: &Path, file: &BuiltinFile, totals: &mut Totals) {
    let header = run_widl(widl, repo, file, out_dir);
    let vtbls = parse_header(&header);
    let mut sources = SourceMap::new();
    let model = load_model(
        &mut sources,
        &[Input::Builtin(file.name.into())],
        &LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("oscgen cannot load built-in {}: {e}", file.name));

    let widl_names: BTreeSet<&str> = vtbls.iter().map(|v| v.interface.as_str()).collect();
    let oscgen_roots: BTreeSet<&str> = model.root_interfaces().map(|i| i.name.as_str()).collect();
    for extra in oscgen_roots.difference(&widl_names) {
        totals.mismatches.push(format!(
            "{}: oscgen declares {extra} here but widl wrote no {extra}Vtbl",
            file.name
        ));
    }
    // Only wtypes.idl and wtypesbase.idl declare no interface at all.
    assert_eq!(
        vtbls.is_empty(),
        oscgen_roots.is_empty(),
        "{}: widl wrote {} vtables, oscgen has {} root interfaces",
        file.name,
        vtbls.len(),
        oscgen_roots.len()
    );

    let mut compared = 0;
    for w in &vtbls {
        let Some(vt) = model.vtable(&w.interface) else {
            totals.mismatches.push(format!(
                "{}: {} has a Vtbl in widl's header but is not in oscgen's model",
                file.name, w.interface
            ));
            continue;
        };
        compared += 1;
        totals.interfaces += 1;
        let ours: Vec<String> = vt.slots.iter().map(|s| s.c_name().into_owned()).collect();
        let theirs: Vec<&str> = w.methods.iter().map(|m| m.name.as_str()).collect();
        if ours != theirs {
            totals.mismatches.push(format!(
                "{}: {} slot names differ\n    widl:   {theirs:?}\n    oscgen: {ours:?}",
                file.name, w.interface
            ));
        }
        for (slot, m) in vt.slots.iter().zip(&w.methods) {
            totals.slots += 1;
            if slot.c_name() != m.name {
                continue; // already reported above
            }
            if slot.method.params.len() != m.params {
                totals.mismatches.push(format!(
                    "{}: {} slot {} {}: widl has {} parameters, oscgen {}",
                    file.name,
                    w.interface,
                    slot.index,
                    m.name,
                    m.params,
                    slot.method.params.len()
                ));
            }
            let ret = slot.method.ret.to_string();
            if c_type_key(&ret) != c_type_key(&m.ret) {
                totals.mismatches.push(format!(
                    "{}: {} slot {} {}: widl returns {}, oscgen {ret}",
                    file.name, w.interface, slot.index, m.name, m.ret
                ));
            }
        }
    }
    if !vtbls.is_empty() {
        assert!(compared > 0, "{}: no interface compared", file.name);
    }
    println!(
        "widl oracle: {:<16} {compared} interfaces ({})",
        file.name,
        vtbls
            .iter()
            .map(|v| v.interface.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
}

#[test]
fn widl_vtables_match_oscgen() {
    let Some(widl) = widl_or_skip() else { return };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = scratch_dir("widl-oracle");

    // Every stand-in on disk is a built-in, so none escapes the comparison.
    let on_disk: BTreeSet<String> = std::fs::read_dir(repo.join("metadata/std"))
        .expect("read metadata/std")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".idl"))
        .collect();
    let standard: BTreeSet<String> = builtin::STANDARD
        .iter()
        .map(|f| f.name.to_string())
        .chain(
            builtin::TYPELIBS
                .iter()
                .map(|f| f.path.trim_start_matches("std/").to_string()),
        )
        .collect();
    assert_eq!(on_disk, standard, "metadata/std and builtin::STANDARD, TYPELIBS differ");
    let sets: Vec<&str> = builtin::SETS.iter().map(|f| f.name).collect();
    assert!(sets.contains(&"osc.idl") && sets.contains(&"mapi.idl"));

    let mut totals = Totals::default();
    // office.idl's dual interfaces make widl check their SAFEARRAY and VARIANT arguments for
    // marshaling; the stand-in oaidl.idl wire_marshals VARIANT as the SDK does, so widl takes
    // them (tests/office_reference.rs also compares them with the SDK's oaidl.idl).
    for file in builtin::SETS.iter().chain(builtin::STANDARD).chain(builtin::TYPELIBS) {
        compare_file(&widl, repo, &out_dir, file, &mut totals);
    }
    let _ = std::fs::remove_dir_all(&out_dir);

    println!(
        "widl oracle: {} interfaces, {} slots compared, {} mismatches",
        totals.interfaces,
        totals.slots,
        totals.mismatches.len()
    );
    for m in &totals.mismatches {
        println!("MISMATCH {m}");
    }
    assert!(totals.interfaces > 0, "no interface compared");
    assert!(
        totals.mismatches.is_empty(),
        "oscgen disagrees with widl:\n{}",
        totals.mismatches.join("\n")
    );
}

/// samples/automation's dual interface passes VARIANT and SAFEARRAY(VARIANT): widl takes it
/// with the stand-ins on its include path as it does with the SDK's IDL (the Windows lane's
/// cross-apartment client is built from widl's header of it).
#[test]
fn widl_takes_variant_arguments_of_a_dual_interface_with_the_stand_ins() {
    let Some(widl) = widl_or_skip() else { return };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = scratch_dir("widl-automation");
    let header = out_dir.join("automation.h");
    let result = Command::new(&widl)
        .arg("--nostdinc")
        .arg("-I")
        .arg(repo.join("metadata/std"))
        .arg("-h")
        .arg("-o")
        .arg(&header)
        .arg(repo.join("samples/automation/idl/automation.idl"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", widl.display()));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "widl failed: {stderr}");
    let text = std::fs::read_to_string(&header).expect("widl's header");
    for method in ["Join", "Split", "Describe", "Echo"] {
        assert!(
            text.contains(&format!("IGreeter_{method}(This")),
            "{method} missing from widl's header"
        );
    }
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[test]
fn header_parser_reads_widl_layout() {
    let header = "\
typedef struct IFooVtbl {
    BEGIN_INTERFACE

    /*** IUnknown methods ***/
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(
        IFoo *This,
        REFIID riid,
        void **ppvObject);

    ULONG (STDMETHODCALLTYPE *AddRef)(
        IFoo *This);

    /*** IFoo methods ***/
    void (STDMETHODCALLTYPE *Call)(
        IFoo *This,
        void (STDMETHODCALLTYPE *callback)(int a, int b),
        int n[2]);

    END_INTERFACE
} IFooVtbl;
";
    let vtbls = parse_header(header);
    assert_eq!(vtbls.len(), 1);
    assert_eq!(vtbls[0].interface, "IFoo");
    let got: Vec<(&str, &str, usize)> = vtbls[0]
        .methods
        .iter()
        .map(|m| (m.name.as_str(), m.ret.as_str(), m.params))
        .collect();
    assert_eq!(
        got,
        [
            ("QueryInterface", "HRESULT", 2),
            ("AddRef", "ULONG", 0),
            ("Call", "void", 2)
        ]
    );
}
