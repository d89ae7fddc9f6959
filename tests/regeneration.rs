//! Regeneration as users live with it: `cargo fmt` (default and custom settings) never makes
//! `oscgen generate --check` fail, and a stub added later for a method whose types the user's
//! file never named builds, through the generated prelude.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oscgen-regeneration-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

fn ok(what: &str, out: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

fn oscgen(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oscgen"));
    cmd.args(args);
    cmd
}

fn cargo(project: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", repo().join("target/regeneration"));
    cmd
}

/// A new project of each template, as `oscgen new` writes it.
fn new_projects(dir: &Path) -> Vec<PathBuf> {
    let calculator = repo().join("samples/com-server/idl/calculator.idl");
    let kinds: [(&str, Vec<&str>); 3] = [
        ("osc", vec![]),
        ("mapi", vec!["--template", "mapi-session"]),
        (
            "com",
            vec![
                "--template",
                "com-server",
                "--input",
                calculator.to_str().unwrap(),
                "--implement",
                "IScientific,IHistory",
            ],
        ),
    ];
    kinds
        .into_iter()
        .map(|(name, args)| {
            let project = dir.join(name);
            let mut cmd = oscgen(&["new", project.to_str().unwrap(), "--quiet"]);
            ok("oscgen new", &run(cmd.args(args)));
            project
        })
        .collect()
}

#[test]
fn cargo_fmt_never_breaks_generate_check() {
    let dir = scratch("fmt");
    for project in new_projects(&dir) {
        let name = project.display().to_string();
        // As written, every file is as rustfmt's defaults format it.
        ok(
            &format!("cargo fmt --check in {name}"),
            &run(&mut cargo(&project, &["fmt", "--check"])),
        );
        // A user's narrower style reformats their own files; oscgen's stay as they are.
        fs::write(project.join("rustfmt.toml"), "max_width = 80\n").unwrap();
        let before = fs::read_to_string(project.join("src/lib.rs")).unwrap();
        ok("cargo fmt", &run(&mut cargo(&project, &["fmt"])));
        assert_ne!(
            fs::read_to_string(project.join("src/lib.rs")).unwrap(),
            before,
            "{name}: max_width = 80 reformats the user's lib.rs"
        );
        let check = run(&mut oscgen(&["generate", "--check", project.to_str().unwrap()]));
        ok(&format!("oscgen generate --check after cargo fmt in {name}"), &check);
        let generate = ok(
            "oscgen generate",
            &run(&mut oscgen(&["generate", project.to_str().unwrap()])),
        );
        assert!(generate.contains("up to date"), "{name}: {generate}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_stub_naming_a_type_the_file_never_used_builds() {
    let dir = scratch("prelude");
    let idl = dir.join("osc.idl");
    fs::copy(repo().join("metadata/osc.idl"), &idl).unwrap();
    let project = dir.join("proj");
    ok(
        "oscgen new",
        &run(&mut oscgen(&[
            "new",
            project.to_str().unwrap(),
            "--quiet",
            "--input",
            idl.to_str().unwrap(),
        ])),
    );
    fs::copy(
        repo().join("samples/osc-provider/Cargo.lock"),
        project.join("Cargo.lock"),
    )
    .unwrap();
    // person.rs never names ISocialSession; the stub for GetSession does.
    let person = fs::read_to_string(project.join("src/person.rs")).unwrap();
    assert!(!person.contains("ISocialSession"), "{person}");
    let grown = fs::read_to_string(&idl).unwrap().replace(
        "    HRESULT GetDetails([out, retval] BSTR *details);",
        "    HRESULT GetDetails([out, retval] BSTR *details);\n    HRESULT GetSession([out, retval] ISocialSession **s);",
    );
    fs::write(&idl, grown).unwrap();
    let out = ok(
        "oscgen generate",
        &run(&mut oscgen(&["generate", project.to_str().unwrap()])),
    );
    assert!(out.contains("added 1 method stub(s) to src/person.rs"), "{out}");
    let person = fs::read_to_string(project.join("src/person.rs")).unwrap();
    assert!(
        person.contains("fn GetSession(&self) -> Result<ISocialSession>"),
        "{person}"
    );
    ok(
        "cargo build",
        &run(&mut cargo(&project, &["build", "--quiet", "--all-targets"])),
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_display_name_gives_a_snake_case_crate_that_clippy_accepts() {
    let dir = scratch("names");
    let project = dir.join("x");
    ok(
        "oscgen new --name",
        &run(&mut oscgen(&[
            "new",
            project.to_str().unwrap(),
            "--quiet",
            "--name",
            "ContosoSocial",
        ])),
    );
    let config = fs::read_to_string(project.join("oscgen.toml")).unwrap();
    assert!(config.contains("name = \"contoso-social\""), "{config}");
    assert!(config.contains("network_name = \"ContosoSocial\""), "{config}");
    fs::copy(
        repo().join("samples/osc-provider/Cargo.lock"),
        project.join("Cargo.lock"),
    )
    .unwrap();
    let mut lock = fs::read_to_string(project.join("Cargo.lock")).unwrap();
    lock = lock.replace("name = \"osc-provider\"", "name = \"contoso-social\"");
    fs::write(project.join("Cargo.lock"), lock).unwrap();
    ok(
        "cargo clippy -D warnings",
        &run(&mut cargo(
            &project,
            &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
        )),
    );
    // A name with nothing to make a crate name of writes nothing.
    let refused = dir.join("refused");
    let out = run(&mut oscgen(&["new", refused.to_str().unwrap(), "--name", "!!!"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no letters"));
    assert!(!refused.exists());
    fs::remove_dir_all(&dir).unwrap();
}
