//! Every input the fuzz targets (fuzz/README.md) found to crash or hang oscgen, kept under
//! tests/fixtures/fuzz/<target>/ and fed through the same entry point as the target: each
//! must now return without panicking, and an error must carry a message.
//!
//! A new finding goes into the target's directory (`cp fuzz/artifacts/<target>/crash-* ...`);
//! the `every_*_fixture` tests pick it up. Findings that are bugs oscgen has not fixed yet
//! get their own `#[ignore]`d test below, naming the bug, and stay out of the directories.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use oscgen::idl::{Input, LoadOptions};
use oscgen::source::SourceMap;

/// libFuzzer ran each input with `-timeout=10` in a release build; a debug build gets more.
const SLOW: Duration = Duration::from_secs(60);

fn fixtures(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = match fs::read_dir(&dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn scratch(target: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oscgen-fuzz-regress-{target}-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `idl` target: the bytes as an IDL file, imports from the built-in stand-ins.
fn load_idl(data: &[u8], path: &Path) -> Option<String> {
    fs::write(path, data).unwrap();
    let mut sources = SourceMap::new();
    oscgen::load::load_model(
        &mut sources,
        &[Input::File(path.to_path_buf())],
        &LoadOptions::default(),
    )
    .err()
    .map(|e| e.to_string())
}

/// The `winmd` target: the bytes as a `.winmd` file.
fn load_winmd(data: &[u8], path: &Path) -> Option<String> {
    fs::write(path, data).unwrap();
    let mut sources = SourceMap::new();
    oscgen::load::load_model(
        &mut sources,
        &[Input::File(path.to_path_buf())],
        &LoadOptions::default(),
    )
    .err()
    .map(|e| e.to_string())
}

/// The `config` target: the bytes as oscgen.toml.
fn parse_config(data: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    oscgen::project::config::Config::parse(&text, "oscgen.toml")
        .err()
        .map(|e| e.to_string())
}

/// Runs one fixture: no panic, an error with a message, and no hang.
fn check(file: &Path, run: impl FnOnce(&[u8]) -> Option<String>) {
    let data = fs::read(file).unwrap();
    let start = Instant::now();
    match catch_unwind(AssertUnwindSafe(|| run(&data))) {
        Ok(Some(message)) => assert!(
            !message.trim().is_empty(),
            "{}: an error with no message",
            file.display()
        ),
        Ok(None) => {}
        Err(_) => panic!("{}: oscgen panicked", file.display()),
    }
    assert!(start.elapsed() < SLOW, "{}: took {:?}", file.display(), start.elapsed());
}

#[test]
fn every_idl_fixture_loads_or_fails_cleanly() {
    let path = scratch("idl").join("fuzz.idl");
    for file in fixtures("idl") {
        check(&file, |data| load_idl(data, &path));
    }
}

#[test]
fn every_winmd_fixture_loads_or_fails_cleanly() {
    let path = scratch("winmd").join("fuzz.winmd");
    for file in fixtures("winmd") {
        check(&file, |data| load_winmd(data, &path));
    }
}

#[test]
fn every_config_fixture_parses_or_fails_cleanly() {
    for file in fixtures("config") {
        check(&file, parse_config);
    }
}
