//! Bad input: every fixture in tests/fixtures/errors/ is run through `oscgen inspect`
//! and must fail with exit code 2 and exactly the diagnostic in the `.stderr` file beside
//! it (file:line:column, the source line, a caret, what was expected).
//!
//! Fixtures listed under `warnings!` are accepted input: exit code 0, the model on
//! stdout, and exactly the warnings in the `.stderr` file.
//!
//! `OSCGEN_BLESS=1 cargo test --test cli_errors` rewrites the expected files.

use std::path::Path;
use std::process::Command;

fn run_fixture(name: &str) {
    run(name, 2);
}

fn run(name: &str, code: i32) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = format!("tests/fixtures/errors/{name}.idl");
    let output = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .current_dir(root)
        .args(["inspect", &input])
        .output()
        .expect("run oscgen");
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert_eq!(output.status.code(), Some(code), "{name}: exit code; stderr:\n{stderr}");
    if code == 0 {
        assert!(!output.stdout.is_empty(), "{name}: the model on stdout");
        assert!(!stderr.contains("error:"), "{name}: {stderr}");
    } else {
        assert!(output.stdout.is_empty(), "{name}: nothing on stdout on failure");
    }
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    let expected_path = root.join(format!("tests/fixtures/errors/{name}.stderr"));
    if std::env::var_os("OSCGEN_BLESS").is_some() {
        std::fs::write(&expected_path, &stderr).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
        panic!(
            "missing {}; run with OSCGEN_BLESS=1 to create it",
            expected_path.display()
        )
    });
    assert_eq!(
        stderr,
        expected,
        "{name}: diagnostic differs from {}",
        expected_path.display()
    );
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { run_fixture(stringify!($name)); })*
    };
}

fixtures!(
    unterminated_comment,
    missing_semicolon,
    unknown_base,
    duplicate_iid,
    unknown_import,
    unknown_type,
    inheritance_cycle,
    bad_uuid,
    control_byte,
    pp_error_directive,
    pp_unterminated_if,
    pp_include_not_found,
    pp_error_in_macro,
    pp_unknown_type_in_macro,
    importlib_not_found,
);

macro_rules! warnings {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { run(stringify!($name), 0); })*
    };
}

warnings!(case_mismatch);

#[test]
fn missing_input_file_is_exit_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .args(["inspect", "no/such/file.idl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no/such/file.idl") && stderr.contains("no such file"),
        "{stderr}"
    );
}

#[test]
fn unknown_interface_suggests_a_name() {
    let output = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .args(["inspect", "--interface", "ISocialProfil"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("did you mean `ISocialProfile`?"), "{stderr}");
}
