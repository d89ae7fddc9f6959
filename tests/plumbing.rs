//! The server's plumbing does not depend on how the input declares COM's basics: the same
//! `--implement` set from oscgen's stand-ins, from mingw-w64's own IDL (`REFIID`,
//! `IClassFactory` and `BOOL` as the SDK spells them) and from the Win32 metadata gives
//! byte-identical class factory, HRESULT and server files, and bindings that declare the
//! implemented interface. Needs ../shared/corpus and the Win32 metadata (a dev-dependency).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const PLUMBING: &[&str] = &[
    "src/generated/factory.rs",
    "src/generated/hresult.rs",
    "src/generated/server.rs",
    "src/generated/registry.rs",
];

fn new_project(dir: &Path, args: &[&str]) -> PathBuf {
    let project = dir.join(format!("p{}", dir.read_dir().map(|d| d.count()).unwrap_or(0)));
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("new")
        .arg(&project)
        .args(["--quiet", "--template", "com-server", "--name", "drop-target"])
        .args(args)
        .output()
        .expect("run oscgen");
    assert!(
        out.status.success(),
        "oscgen new {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    project
}

#[test]
fn the_same_interfaces_give_the_same_plumbing_from_every_kind_of_input() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/mingw-w64");
    if !corpus.is_dir() || !Path::new(common::MINGW_INCLUDE).is_dir() {
        common::skip("../shared/corpus/mingw-w64 or mingw-w64-common is missing");
        return;
    }
    let dir = common::scratch_dir("plumbing");
    let stand_in = dir.join("drop.idl");
    std::fs::write(&stand_in, "import \"oleidl.idl\";\n").unwrap();
    let corpus_str = corpus.to_str().unwrap();
    let projects = [
        new_project(
            &dir,
            &["--input", stand_in.to_str().unwrap(), "--implement", "IDropTarget"],
        ),
        new_project(
            &dir,
            &[
                "--input",
                corpus.join("oleidl.idl").to_str().unwrap(),
                "-I",
                corpus_str,
                "-I",
                common::MINGW_INCLUDE,
                "-D",
                "BOOL=WINBOOL",
                "--implement",
                "IDropTarget",
            ],
        ),
        new_project(&dir, &["--input", "win32", "--implement", "IDropTarget"]),
    ];
    for file in PLUMBING {
        let first = std::fs::read_to_string(projects[0].join(file)).unwrap();
        for other in &projects[1..] {
            let text = std::fs::read_to_string(other.join(file)).unwrap();
            assert_eq!(
                first,
                text,
                "{file} differs between {} and {}",
                projects[0].display(),
                other.display()
            );
        }
    }
    for p in &projects {
        let bindings = std::fs::read_to_string(p.join("src/generated/bindings.rs")).unwrap();
        // Compared without white space: the formatter may wrap the macro call.
        let bindings: String = bindings.split_whitespace().collect();
        assert!(
            bindings.contains("define_interface!(IDropTarget,IDropTarget_Vtbl,0x00000122_0000_0000_c000_000000000046)"),
            "{}",
            p.display()
        );
    }
    let toml = std::fs::read_to_string(projects[1].join("oscgen.toml")).unwrap();
    assert!(toml.contains("defines = [\"BOOL=WINBOOL\"]"), "{toml}");
    let _ = std::fs::remove_dir_all(&dir);
}
