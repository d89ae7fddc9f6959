//! Hostile input to the command line: whatever it is fed, oscgen answers with a clear
//! message and exit code 2, never a panic or a crash, and writes nothing partial.
//! (Timing figures for large inputs live in scripts/bench-hostile.sh, not here.)

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn oscgen(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run oscgen")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oscgen-hostile-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2, a message, and no sign of a panic or a signal.
fn assert_clean_failure(o: &Output, expect: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "exit code; stderr:\n{err}");
    assert!(!err.contains("panicked") && !err.contains("overflow"), "{err}");
    assert!(err.contains(expect), "expected {expect:?} in:\n{err}");
}

/// A large file of ordinary declarations parses (the bench script measures how fast).
#[test]
fn a_20_mb_idl_file_is_read_in_one_go() {
    let dir = scratch("big");
    let mut text = String::from("import \"unknwn.idl\";\n");
    let mut i = 0;
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&format!(
            "[object, uuid({i:08x}-0000-4000-8000-000000000000)]\ninterface IBig{i} : IUnknown\n{{\n    HRESULT Get{i}([in] ULONG a, [out, retval] ULONG *b);\n    HRESULT Put{i}([in] ULONG a);\n}}\n"
        ));
        i += 1;
    }
    fs::write(dir.join("big.idl"), &text).unwrap();
    let out = oscgen(&["inspect", "big.idl", "--interface", "IBig7"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Put7"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn expressions_nested_100000_deep_are_an_error_not_a_crash() {
    let dir = scratch("deep-expr");
    let depth = 100_000;
    fs::write(
        dir.join("deep.idl"),
        format!("const long X = {}1{};\n", "(".repeat(depth), ")".repeat(depth)),
    )
    .unwrap();
    assert_clean_failure(&oscgen(&["inspect", "deep.idl"], &dir), "nesting deeper than");
    fs::write(
        dir.join("deep.idl"),
        format!("const long X = {}1;\n", "-".repeat(depth)),
    )
    .unwrap();
    assert_clean_failure(&oscgen(&["inspect", "deep.idl"], &dir), "nesting deeper than");
    fs::write(
        dir.join("deep.idl"),
        format!(
            "typedef struct {} int x; {} S;\n",
            "struct { ".repeat(depth),
            "} a; ".repeat(depth)
        ),
    )
    .unwrap();
    assert_clean_failure(&oscgen(&["inspect", "deep.idl"], &dir), "nesting deeper than");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn import_cycles_and_self_imports_terminate() {
    let dir = scratch("cycle");
    fs::write(dir.join("self.idl"), "import \"self.idl\";\nimport \"unknwn.idl\";\n[object, uuid(11111111-0000-4000-8000-000000000001)] interface ISelf : IUnknown { HRESULT F(); }\n").unwrap();
    let out = oscgen(&["inspect", "self.idl"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    // A long ring of files importing the next one.
    let n = 300;
    for k in 0..n {
        fs::write(
            dir.join(format!("r{k}.idl")),
            format!("import \"r{}.idl\";\n", (k + 1) % n),
        )
        .unwrap();
    }
    let out = oscgen(&["inspect", "r0.idl"], &dir);
    assert_clean_failure(&out, "imports nested more than");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn binary_garbage_and_nul_bytes_are_errors() {
    let dir = scratch("garbage");
    // Deterministic pseudo-random bytes.
    let mut x: u32 = 0x1234_5678;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    fs::write(dir.join("garbage.idl"), &bytes).unwrap();
    let out = oscgen(&["inspect", "garbage.idl"], &dir);
    assert_clean_failure(&out, "garbage.idl:");
    fs::write(dir.join("nul.idl"), b"interface I\0 : IUnknown {};\n").unwrap();
    assert_clean_failure(&oscgen(&["inspect", "nul.idl"], &dir), "NUL byte");
    // Every prefix of a real file: truncated input is an error, never a crash.
    let osc = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/metadata/osc.idl")).unwrap();
    for cut in (0..osc.len()).step_by(997) {
        if !osc.is_char_boundary(cut) {
            continue;
        }
        fs::write(dir.join("cut.idl"), &osc[..cut]).unwrap();
        let out = oscgen(&["inspect", "cut.idl"], &dir);
        assert!(
            matches!(out.status.code(), Some(0) | Some(2)),
            "cut at {cut}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"), "cut at {cut}: {}", stderr(&out));
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// `src/generated` replaced by a link to a directory outside the project: generate refuses
/// and writes nothing there (nor anywhere else).
#[cfg(unix)]
#[test]
fn a_symlinked_generated_directory_is_refused() {
    let dir = scratch("symlink");
    let project = dir.join("proj");
    let outside = dir.join("outside");
    fs::create_dir_all(&outside).unwrap();
    let out = oscgen(&["new", project.to_str().unwrap()], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    fs::remove_dir_all(project.join("src/generated")).unwrap();
    std::os::unix::fs::symlink(&outside, project.join("src/generated")).unwrap();
    let before = fs::read(project.join("src/provider.rs")).unwrap();
    let out = oscgen(&["generate", project.to_str().unwrap()], &dir);
    assert_clean_failure(&out, "symbolic link");
    assert_eq!(
        fs::read_dir(&outside).unwrap().count(),
        0,
        "nothing written outside the project"
    );
    assert_eq!(fs::read(project.join("src/provider.rs")).unwrap(), before);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn self_including_files_and_deep_includes_are_an_error_not_a_crash() {
    let dir = scratch("includes");
    fs::write(dir.join("self.idl"), "#include \"self.idl\"\ninterface I;\n").unwrap();
    assert_clean_failure(&oscgen(&["inspect", "self.idl"], &dir), "include");
    // A chain of 100,000 distinct headers, each including the next.
    let n = 100_000;
    fs::create_dir_all(dir.join("h")).unwrap();
    for k in 0..n {
        fs::write(
            dir.join("h").join(format!("{k}.h")),
            format!("#include \"{}.h\"\n", k + 1),
        )
        .unwrap();
    }
    fs::write(dir.join("h").join(format!("{n}.h")), "").unwrap();
    fs::write(dir.join("deep.idl"), "#include \"h/0.h\"\n").unwrap();
    assert_clean_failure(&oscgen(&["inspect", "deep.idl", "-I", "h"], &dir), "include");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mutually_recursive_macros_terminate() {
    let dir = scratch("macros");
    fs::write(
        dir.join("m.idl"),
        "#define A B\n#define B A\n#define F(x) G(x)\n#define G(x) F(x)\nimport \"unknwn.idl\";\n\
         [object, uuid(11111111-0000-4000-8000-0000000000aa)] interface IM : IUnknown { HRESULT M([in] ULONG A); }\n\
         const long C = F(1);\n",
    )
    .unwrap();
    let out = oscgen(&["inspect", "m.idl"], &dir);
    assert!(matches!(out.status.code(), Some(0) | Some(2)), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("panicked") && !stderr(&out).contains("overflow"),
        "{}",
        stderr(&out)
    );
    fs::remove_dir_all(&dir).unwrap();
}
