//! Golden bindings: every `tests/fixtures/bindings/<construct>.idl` renders to exactly the
//! `<construct>.rs` beside it (the `bindings.rs` text for the interfaces the IDL declares);
//! a `<construct>.win32` names Win32 metadata interfaces instead (one a line), for what
//! only the metadata has (`u32` enums, its bitfield storage, ClassLayout packing). All of
//! them compile together: one scratch crate under `target/bindings-golden`, a
//! module per fixture holding its bindings, the runtime's `oleaut`, `hresult` and `trace`, and the
//! `<construct>.check.rs` beside the fixture if there is one (`const` layout assertions).
//!
//! `OSCGEN_BLESS=1 cargo test --test bindings_golden` rewrites the expected files.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use oscgen::emit::bindings::{Selection, bindings};
use oscgen::idl::{Input, LoadOptions};
use oscgen::model::Model;
use oscgen::source::SourceMap;

const FIXTURES: &[&str] = &[
    "structs_packing",
    "unions",
    "nested_anonymous",
    "fixed_arrays",
    "bitfields",
    "enums",
    "function_pointers",
    "handles",
    "pointer_sized",
    "const_pointers",
    "strings",
    "interface_pointers",
    "iid_is",
    "size_is",
    "keywords",
    "collisions",
    "method_chain",
    "win32_packing",
    "win32_bitfields",
    "win32_typed_enums",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Win32 metadata's model, read once.
fn win32() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let dir = root().join("target/bindings-golden");
        std::fs::create_dir_all(&dir).unwrap();
        let winmd = dir.join("Windows.Win32.winmd");
        write(winmd.clone(), windows_default::WIN32);
        oscgen::load::load_model(&mut SourceMap::new(), &[Input::File(winmd)], &LoadOptions::default())
            .expect("read the Win32 metadata")
    })
}

/// The bindings for every interface the fixture itself declares, and its constants, as a
/// project generates them; or for the Win32 interfaces a `.win32` fixture names.
fn render(name: &str) -> String {
    let win32_list = root().join(format!("tests/fixtures/bindings/{name}.win32"));
    if let Ok(list) = std::fs::read_to_string(&win32_list) {
        let interfaces = list
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        let selection = Selection {
            interfaces,
            ..Selection::default()
        };
        return bindings(win32(), &selection, &[]).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let input = root().join(format!("tests/fixtures/bindings/{name}.idl"));
    let mut sources = SourceMap::new();
    let model = oscgen::load::load_model(&mut sources, &[Input::File(input)], &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let interfaces = model
        .interfaces()
        .iter()
        .filter(|i| !i.origin.builtin && i.name != "IUnknown")
        .map(|i| i.name.clone())
        .collect();
    let selection = Selection {
        interfaces,
        constants: vec![],
        root_constants: true,
        ..Selection::default()
    };
    bindings(&model, &selection, &[]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn golden(name: &str) {
    let text = render(name);
    let expected_path = root().join(format!("tests/fixtures/bindings/{name}.rs"));
    if std::env::var_os("OSCGEN_BLESS").is_some() {
        std::fs::write(&expected_path, &text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
        panic!(
            "missing {}; run with OSCGEN_BLESS=1 to create it",
            expected_path.display()
        )
    });
    assert!(
        text == expected,
        "{name}: bindings differ from {}:\n{}",
        expected_path.display(),
        similar::TextDiff::from_lines(&expected, &text).unified_diff()
    );
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { golden(stringify!($name)); })*
        #[test]
        fn every_fixture_has_a_test() {
            let listed = [$(stringify!($name)),*];
            assert_eq!(listed, FIXTURES);
            let mut on_disk: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/bindings"))
                .unwrap()
                .filter_map(|e| {
                    let file = e.ok()?.file_name().into_string().ok()?;
                    let stem = file.strip_suffix(".idl").or_else(|| file.strip_suffix(".win32"))?;
                    Some(stem.to_string())
                })
                .collect();
            on_disk.sort();
            let mut listed: Vec<&str> = listed.to_vec();
            listed.sort();
            assert_eq!(on_disk, listed);
        }
    };
}

fixtures!(
    structs_packing,
    unions,
    nested_anonymous,
    fixed_arrays,
    bitfields,
    enums,
    function_pointers,
    handles,
    pointer_sized,
    const_pointers,
    strings,
    interface_pointers,
    iid_is,
    size_is,
    keywords,
    collisions,
    method_chain,
    win32_packing,
    win32_bitfields,
    win32_typed_enums,
);

fn write(path: PathBuf, text: impl AsRef<[u8]>) {
    let text = text.as_ref();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    // Unchanged files keep their timestamps, so a rerun checks nothing again.
    if std::fs::read(&path).ok().as_deref() != Some(text) {
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn every_fixture_compiles() {
    let krate = root().join("target/bindings-golden/crate");
    let src = krate.join("src");
    write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"bindings-golden\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nwindows-core = \"0.100\"\nlog = \"0.4\"\n\n[workspace]\n",
    );
    let lock = std::fs::read_to_string(root().join("samples/osc-provider/Cargo.lock")).unwrap();
    write(krate.join("Cargo.lock"), lock);
    let runtime = |file: &str| std::fs::read_to_string(root().join("templates/runtime").join(file)).unwrap();
    write(src.join("oleaut.rs"), runtime("oleaut.rs"));
    write(src.join("hresult.rs"), runtime("hresult.rs"));
    write(src.join("trace.rs"), runtime("trace.rs"));
    let mut lib = String::from("pub mod hresult;\npub mod oleaut;\npub mod trace;\n");
    for name in FIXTURES {
        lib.push_str(&format!("pub mod {name};\n"));
        let check = root().join(format!("tests/fixtures/bindings/{name}.check.rs"));
        let check = std::fs::read_to_string(&check).unwrap_or_default();
        write(
            src.join(name).join("mod.rs"),
            format!("pub use crate::{{hresult, oleaut, trace}};\npub mod bindings;\n{check}"),
        );
        write(src.join(name).join("bindings.rs"), render(name));
    }
    write(src.join("lib.rs"), &lib);
    let out = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--message-format", "short"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", root().join("target/bindings-golden/target"))
        .env("RUSTFLAGS", "")
        .output()
        .expect("run cargo check");
    assert!(
        out.status.success(),
        "the fixtures' bindings do not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
