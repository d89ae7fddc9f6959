//! Bad type libraries get one clear `error: PATH: message` line and exit code 2, never a
//! panic: a truncated library, an SLTG library, a DLL without a TYPELIB resource, and (as
//! a sweep) thousands of single-byte corruptions of a real library, read in process.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::tlb::wine_dir;
use oscgen::typelib::{self, read};

fn inspect(file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .args(["inspect", file.to_str().unwrap()])
        .output()
        .unwrap()
}

fn assert_refused(file: &Path, expected: &str) {
    let out = inspect(file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}: {stderr}", file.display());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with(&format!("error: {}: ", file.display())), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "expected {expected:?} in: {stderr}");
}

fn stdole2() -> Option<Vec<u8>> {
    let path = wine_dir().join("stdole2.tlb");
    if !path.is_file() {
        common::skip(&format!("{} not found (apt-get install wine64)", path.display()));
        return None;
    }
    Some(typelib::library_bytes(&path).unwrap().1)
}

#[test]
fn truncated_and_foreign_libraries_are_refused() {
    let Some(bytes) = stdole2() else { return };
    let dir = common::scratch_dir("typelib-errors");
    for (name, len) in [
        ("header.tlb", 40),
        ("segments.tlb", 200),
        ("records.tlb", bytes.len() / 2),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, &bytes[..len]).unwrap();
        assert_refused(&file, "is truncated");
    }
    let sltg = dir.join("old.tlb");
    std::fs::write(&sltg, b"SLTG\x01\x00\x00\x00 and more").unwrap();
    assert_refused(&sltg, "SLTG type libraries are not supported");
    let text = dir.join("text.tlb");
    std::fs::write(&text, "not a type library\n").unwrap();
    assert_refused(&text, "is not a type library");
    let scrrun = wine_dir().join("scrrun.dll");
    assert_refused(
        Path::new(&format!("{}#7", scrrun.display())),
        "has no TYPELIB resource 7",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every byte of the library's first 6,000, set to a value that breaks it differently:
/// each read ends in a model or an error, within the file's bounds, without a panic.
#[test]
fn single_byte_corruptions_never_panic() {
    let Some(bytes) = stdole2() else { return };
    let mut errors = 0;
    for at in 0..bytes.len().min(6000) {
        let mut bad = bytes.clone();
        bad[at] = match at % 3 {
            0 => 0xff,
            1 => bad[at] ^ 0x80,
            _ => 0x7f,
        };
        let outcome = std::panic::catch_unwind(|| read::read(&bad).is_err());
        match outcome {
            Ok(true) => errors += 1,
            Ok(false) => {}
            Err(_) => panic!("reading with byte {at:#x} corrupted panicked"),
        }
    }
    println!("{errors} of the corruptions were refused, the rest read");
}
