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

/// A com-server project over its own copy of calculator.idl, with its Cargo.lock.
struct Calculator {
    dir: PathBuf,
    idl: PathBuf,
    project: PathBuf,
}

impl Calculator {
    fn new(name: &str) -> Calculator {
        let dir = scratch(name);
        let idl = dir.join("calculator.idl");
        fs::copy(repo().join("samples/com-server/idl/calculator.idl"), &idl).unwrap();
        let project = dir.join("calc");
        let mut new = oscgen(&["new", project.to_str().unwrap(), "--quiet", "--template", "com-server"]);
        new.args(["--input", idl.to_str().unwrap(), "--implement", "IScientific,IHistory"]);
        ok("oscgen new", &run(&mut new));
        fs::copy(repo().join("samples/com-server/Cargo.lock"), project.join("Cargo.lock")).unwrap();
        Calculator { dir, idl, project }
    }

    fn edit(&self, path: &Path, from: &str, to: &str) {
        let text = fs::read_to_string(path).unwrap();
        assert!(text.contains(from), "{}: no {from:?} in\n{text}", path.display());
        fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    fn edit_idl(&self, from: &str, to: &str) {
        self.edit(&self.idl, from, to);
    }

    fn generate(&self) -> String {
        ok(
            "oscgen generate",
            &run(&mut oscgen(&["generate", self.project.to_str().unwrap()])),
        )
    }

    fn cargo(&self, args: &[&str]) -> Output {
        run(&mut cargo(&self.project, args))
    }

    fn builds_and_passes(&self, when: &str) {
        ok(&format!("cargo test ({when})"), &self.cargo(&["test", "--quiet"]));
    }

    fn read(&self, path: &str) -> String {
        fs::read_to_string(self.project.join(path)).unwrap()
    }

    /// The 1-based line of the first line of `path` containing `text`.
    fn line_of(&self, path: &str, text: &str) -> usize {
        self.read(path)
            .lines()
            .position(|l| l.contains(text))
            .unwrap_or_else(|| panic!("{path}: no {text:?}"))
            + 1
    }

    /// Deletes lines `first..=last` (1-based) of `path`.
    fn delete_lines(&self, path: &str, first: usize, last: usize) {
        let text = self.read(path);
        let kept: Vec<&str> = text
            .lines()
            .enumerate()
            .filter(|(i, _)| !(first..=last).contains(&(i + 1)))
            .map(|(_, l)| l)
            .collect();
        fs::write(self.project.join(path), kept.join("\n") + "\n").unwrap();
    }
}

/// `path:LINE: ... (lines A-B)` in oscgen's output: the lines to delete.
fn lines_to_delete(output: &str, path: &str) -> (usize, usize) {
    let notice = output
        .lines()
        .find(|l| l.contains(path) && l.contains("(lines "))
        .unwrap_or_else(|| panic!("no notice for {path} in\n{output}"));
    let range = notice.split("(lines ").nth(1).unwrap();
    let range = &range[..range.find(')').unwrap()];
    let (a, b) = range.split_once('-').unwrap();
    (a.parse().unwrap(), b.parse().unwrap())
}

#[test]
fn every_change_to_the_interfaces_has_a_defined_outcome() {
    let c = Calculator::new("outcomes");
    c.builds_and_passes("as new");

    // A method added: its stub, and the project builds.
    c.edit_idl(
        "    HRESULT Add(",
        "    HRESULT Negate([in] LONG value, [out, retval] LONG *negated);\n    HRESULT Add(",
    );
    let out = c.generate();
    assert!(out.contains("added 1 method stub(s) to src/object.rs"), "{out}");
    c.builds_and_passes("method added");

    // Methods reordered: nothing in the user's files moves; the vtable follows the IDL.
    let user_files = ["src/object.rs", "src/lib.rs", "src/tests.rs"];
    let before: Vec<String> = user_files.iter().map(|f| c.read(f)).collect();
    c.edit_idl(
        "    HRESULT Power([in] double base, [in] double exponent, [out, retval] double *result);\n    HRESULT Describe([in] BSTR expression, [out, retval] BSTR *description);",
        "    HRESULT Describe([in] BSTR expression, [out, retval] BSTR *description);\n    HRESULT Power([in] double base, [in] double exponent, [out, retval] double *result);",
    );
    let out = c.generate();
    assert!(out.contains("updated src/generated/bindings.rs"), "{out}");
    let after: Vec<String> = user_files.iter().map(|f| c.read(f)).collect();
    assert_eq!(before, after, "user files untouched by a reorder");
    let bindings = c.read("src/generated/bindings.rs");
    assert!(
        bindings.find("pub Describe:").unwrap() < bindings.find("pub Power:").unwrap(),
        "IScientific_Vtbl follows the IDL"
    );
    c.builds_and_passes("methods reordered");

    // A parameter renamed: reported with the new signature; it still builds.
    c.edit_idl("HRESULT Add([in] LONG a,", "HRESULT Add([in] LONG augend,");
    let out = c.generate();
    let line = c.line_of("src/object.rs", "fn Add(");
    assert!(
        out.contains(&format!("src/object.rs:{line}: `Add`: ICalculator names its parameters differently now: `fn Add(&self, augend: LONG, b: LONG) -> Result<LONG>`")),
        "{out}"
    );
    c.builds_and_passes("parameter renamed");

    // A parameter retyped: reported with file:line and the new signature; the compiler
    // refuses the old one, never a silent ABI mismatch; with the reported one it builds.
    c.edit_idl("[in] double divisor", "[in] LONG divisor");
    let out = c.generate();
    let line = c.line_of("src/object.rs", "fn Divide(");
    let expected = "fn Divide(&self, dividend: f64, divisor: LONG) -> Result<f64>";
    assert!(
        out.contains(&format!(
            "src/object.rs:{line}: `Divide` no longer matches ICalculator; it is now `{expected}`"
        )),
        "{out}"
    );
    assert!(
        !c.cargo(&["build", "--quiet"]).status.success(),
        "the old signature does not build"
    );
    c.edit(
        &c.project.join("src/object.rs"),
        "fn Divide(&self, dividend: f64, divisor: f64) -> Result<f64>",
        expected,
    );
    c.builds_and_passes("parameter retyped, signature updated as reported");

    // A method removed: the user's impl is kept and reported with the lines to delete, and
    // so are the calls of it; deleting what the messages name, the project builds.
    let object_before = c.read("src/object.rs");
    c.edit_idl("    HRESULT Clear();\n", "");
    let out = c.generate();
    assert_eq!(
        c.read("src/object.rs"),
        object_before,
        "oscgen deletes nothing of the user's"
    );
    let (first, last) = lines_to_delete(&out, "src/object.rs");
    // From the stub's doc comment to its closing brace.
    assert_eq!(first + 1, c.line_of("src/object.rs", "fn Clear("), "{out}");
    let call = c.line_of("src/tests.rs", "object.Clear()");
    assert!(
        out.contains(&format!(
            "src/tests.rs:{call}: calls `Clear`, which IHistory no longer has"
        )),
        "{out}"
    );
    assert!(!c.cargo(&["build", "--quiet"]).status.success());
    c.delete_lines("src/object.rs", first, last);
    // The call and the assertion after it, however many lines rustfmt gave that.
    let tests = c.read("src/tests.rs");
    let assertion_end = call + 1 + tests.lines().skip(call).position(|l| l.ends_with(");")).unwrap();
    c.delete_lines("src/tests.rs", call, assertion_end);
    c.builds_and_passes("method removed, its impl and call deleted");

    // An interface added to `implement`: its impl block and its place in #[implement(...)].
    // (IMemory takes IHistory's attributes; IHistory gets a new IID.)
    c.edit_idl(
        "interface IHistory : IUnknown",
        "interface IMemory : IUnknown\n{\n    HRESULT Store([in] double value);\n};\n\n[\n    object,\n    uuid(6b1f3c52-9a3e-4f0d-8c1b-2d7e5a9f0c14),\n    pointer_default(unique)\n]\ninterface IHistory : IUnknown",
    );
    let config = c.project.join("oscgen.toml");
    c.edit(
        &config,
        "implement = [\"IScientific\", \"IHistory\"]",
        "implement = [\"IScientific\", \"IHistory\", \"IMemory\"]",
    );
    let out = c.generate();
    assert!(
        out.contains("added IMemory to #[implement(...)] and 1 method stub(s) to src/object.rs"),
        "{out}"
    );
    assert!(
        c.read("src/object.rs")
            .contains("#[implement(IScientific, IHistory, IMemory)]")
    );
    c.builds_and_passes("interface added");

    // An interface removed from `implement`: its impl block, its #[implement] entry and the
    // tests' uses of it are reported; deleting them, the project builds.
    c.edit(&config, "\"IHistory\", ", "");
    let out = c.generate();
    let (first, last) = lines_to_delete(&out, "src/object.rs");
    assert_eq!(first, c.line_of("src/object.rs", "impl IHistory_Impl"), "{out}");
    let attr = c.line_of("src/object.rs", "#[implement(");
    assert!(
        out.contains(&format!(
            "src/object.rs:{attr}: Calc no longer implements IHistory: take `IHistory` out of `#[implement(...)]`"
        )),
        "{out}"
    );
    assert!(out.contains("src/tests.rs:"), "{out}");
    c.delete_lines("src/object.rs", first, last);
    c.edit(&c.project.join("src/object.rs"), "IHistory, ", "");
    // The tests: the reported lines name IHistory; its test function goes as a whole.
    let tests = c.read("src/tests.rs");
    let start = c.line_of("src/tests.rs", "fn ihistory_methods_answer_through_the_vtable");
    let end = start + tests.lines().skip(start).position(|l| l == "}").unwrap() + 1;
    c.delete_lines("src/tests.rs", start - 1, end);
    c.edit(&c.project.join("src/tests.rs"), ", IHistory", "");
    c.edit(
        &c.project.join("src/tests.rs"),
        "    let other: IHistory = unknown.cast().expect(\"QueryInterface\");\n    let back: IUnknown = other.cast().expect(\"IUnknown\");\n    assert_eq!(back.as_raw(), unknown.as_raw(), \"COM identity\");\n",
        "",
    );
    c.builds_and_passes("interface removed, its block and uses deleted");

    // oscgen upgraded with changed templates: owned files rewritten and reported, user
    // files untouched.
    let user_before: Vec<String> = user_files.iter().map(|f| c.read(f)).collect();
    fs::write(
        c.project.join("src/generated/server.rs"),
        "//! Generated by oscgen and owned by it: an older version.\n",
    )
    .unwrap();
    fs::remove_file(c.project.join("src/generated/prelude.rs")).unwrap();
    let out = c.generate();
    assert!(out.contains("updated src/generated/server.rs"), "{out}");
    assert!(out.contains("created src/generated/prelude.rs"), "{out}");
    let user_after: Vec<String> = user_files.iter().map(|f| c.read(f)).collect();
    assert_eq!(user_before, user_after);
    c.builds_and_passes("after an upgrade");
    fs::remove_dir_all(&c.dir).unwrap();
}

/// A project generated before the tests moved into src/tests.rs (its Cargo.toml builds an
/// rlib too, for tests/ to link): `generate` keeps its tests file where it is and adds the
/// test object's new stubs there, and says how to get the LTO'd DLL.
#[test]
fn a_project_of_the_earlier_layout_keeps_its_tests_and_hears_of_the_release_profile() {
    let dir = scratch("earlier-layout");
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
    // The layout of the earlier oscgen, as its `new` wrote it.
    let manifest = fs::read_to_string(project.join("Cargo.toml")).unwrap();
    let profile = manifest.find("[profile.release]").unwrap();
    let workspace = manifest.find("# Stand-alone").unwrap();
    let manifest = format!("{}{}", &manifest[..profile], &manifest[workspace..])
        .replace("crate-type = [\"cdylib\"]", "crate-type = [\"cdylib\", \"rlib\"]");
    fs::write(project.join("Cargo.toml"), manifest).unwrap();
    let lib = fs::read_to_string(project.join("src/lib.rs")).unwrap();
    let declaration = "\n// In the crate rather than in tests/: the crate is a cdylib only (see Cargo.toml).\n#[cfg(test)]\nmod tests;\n";
    assert!(lib.contains(declaration), "{lib}");
    fs::write(project.join("src/lib.rs"), lib.replace(declaration, "")).unwrap();
    let tests = fs::read_to_string(project.join("src/tests.rs"))
        .unwrap()
        .replace("use crate as dll;", "use proj as dll;")
        // The runtime's test lock exists for the crate's own tests only.
        .replace(
            "dll::generated::server::test_lock()",
            "static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());\n    SERIAL.lock().unwrap_or_else(|p| p.into_inner())",
        );
    fs::create_dir_all(project.join("tests")).unwrap();
    fs::write(project.join("tests/provider.rs"), tests).unwrap();
    fs::remove_file(project.join("src/tests.rs")).unwrap();

    let grown = fs::read_to_string(&idl).unwrap().replace(
        "    HRESULT GetDetails([out, retval] BSTR *details);",
        "    HRESULT GetDetails([out, retval] BSTR *details);\n    HRESULT GetSession([out, retval] ISocialSession **s);",
    );
    fs::write(&idl, grown).unwrap();
    let out = ok(
        "oscgen generate",
        &run(&mut oscgen(&["generate", project.to_str().unwrap()])),
    );
    assert!(out.contains("added 1 method stub(s) to tests/provider.rs"), "{out}");
    assert!(!project.join("src/tests.rs").exists(), "{out}");
    assert!(
        out.contains("cargo does not apply LTO to a library that is also an rlib"),
        "{out}"
    );
    assert!(out.contains("no [profile.release]"), "{out}");
    ok("cargo test", &run(&mut cargo(&project, &["test", "--quiet"])));
    fs::remove_dir_all(&dir).unwrap();
}

/// A project whose object still has the IDispatch stubs oscgen wrote before it implemented
/// IDispatch itself (for a dual interface the embedded type library describes): `generate`
/// leaves the user's block alone, since it may hold their own code, and reports it with the
/// lines to delete; once they are gone, and the test of the stubs with them, it builds and
/// its test resolves names through the generated IDispatch.
#[test]
fn idispatch_stubs_of_an_earlier_project_are_reported_not_duplicated() {
    let dir = scratch("idispatch-stubs");
    let idl = dir.join("automation.idl");
    fs::copy(repo().join("samples/automation/idl/automation.idl"), &idl).unwrap();
    let project = dir.join("greeter");
    ok(
        "oscgen new",
        &run(&mut oscgen(&[
            "new",
            project.to_str().unwrap(),
            "--quiet",
            "--template",
            "com-server",
            "--input",
            idl.to_str().unwrap(),
            "--implement",
            "IGreeter",
        ])),
    );
    // Without an embedded type library IDispatch stays the user's, stubs and all: the
    // project as earlier versions of oscgen wrote it.
    let object = fs::read_to_string(project.join("src/object.rs")).unwrap();
    assert!(object.contains("impl IDispatch_Impl for Greeter_Impl {"), "{object}");
    assert!(!project.join("src/generated/idispatch.rs").exists());

    let config = project.join("oscgen.toml");
    let toml = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{toml}\n[typelib]\nembed = true\n")).unwrap();
    let out = ok(
        "oscgen generate",
        &run(&mut oscgen(&["generate", project.to_str().unwrap()])),
    );
    assert!(out.contains("oscgen now implements IDispatch for Greeter"), "{out}");
    assert!(project.join("src/generated/idispatch.rs").is_file(), "{out}");
    // What `generate` asks of the user's Cargo.toml for the type library's build.rs.
    assert!(out.contains("embed-resource"), "{out}");
    let manifest = project.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        format!("{text}\n[build-dependencies]\nembed-resource = \"3\"\n"),
    )
    .unwrap();
    assert_eq!(
        fs::read_to_string(project.join("src/object.rs")).unwrap(),
        object,
        "the user's file is left as it was"
    );
    let (first, last) = lines_to_delete(&out, "src/object.rs");
    assert_eq!(
        object.lines().nth(first - 1),
        Some("impl IDispatch_Impl for Greeter_Impl {")
    );
    let delete = |path: &Path, first: usize, last: usize| {
        let text = fs::read_to_string(path).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .enumerate()
            .filter(|(i, _)| !(first..=last).contains(&(i + 1)))
            .map(|(_, l)| l)
            .collect();
        fs::write(path, kept.join("\n") + "\n").unwrap();
    };
    // The block and the blank line after it.
    delete(&project.join("src/object.rs"), first, last + 1);
    // The test expecting the stubs' E_NOTIMPL, which the generated IDispatch no longer answers.
    let tests = project.join("src/tests.rs");
    let text = fs::read_to_string(&tests).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == "fn idispatch_methods_answer_through_the_vtable() {")
        .unwrap();
    let end = start + lines[start..].iter().position(|l| *l == "}").unwrap();
    // From its `#[test]` line through its closing brace and the blank line after it.
    delete(&tests, start, end + 2);

    let out = ok(
        "oscgen generate",
        &run(&mut oscgen(&["generate", project.to_str().unwrap()])),
    );
    assert!(!out.contains("IDispatch"), "{out}");
    ok("cargo test", &run(&mut cargo(&project, &["test", "--quiet"])));
    fs::remove_dir_all(&dir).unwrap();
}

/// `oscgen new --typelib` over a dual interface: IDispatch is oscgen's, the object's file
/// has only the interface's own stubs, and the project's own tests resolve names through
/// the generated IDispatch in any case (`dispatch_names_resolve_whatever_their_case`).
#[test]
fn a_dual_interface_with_an_embedded_type_library_gets_the_generated_idispatch() {
    let dir = scratch("idispatch-new");
    let project = dir.join("greeter");
    let idl = repo().join("samples/automation/idl/automation.idl");
    ok(
        "oscgen new",
        &run(&mut oscgen(&[
            "new",
            project.to_str().unwrap(),
            "--quiet",
            "--template",
            "com-server",
            "--input",
            idl.to_str().unwrap(),
            "--implement",
            "IGreeter",
            "--typelib",
        ])),
    );
    let object = fs::read_to_string(project.join("src/object.rs")).unwrap();
    assert!(!object.contains("IDispatch_Impl"), "{object}");
    assert!(object.contains("impl IGreeter_Impl for Greeter_Impl {"), "{object}");
    let glue = fs::read_to_string(project.join("src/generated/idispatch.rs")).unwrap();
    assert!(glue.contains("impl IDispatch_Impl for Greeter_Impl {"), "{glue}");
    let tests = fs::read_to_string(project.join("src/tests.rs")).unwrap();
    for expected in [
        "assert_eq!(id(\"Greet\"), (None, 1));",
        "assert_eq!(id(\"greet\"), (None, 1));",
        "assert_eq!(id(\"GREET\"), (None, 1));",
        "(Some(dispatch::DISP_E_UNKNOWNNAME), dispatch::DISPID_UNKNOWN)",
    ] {
        assert!(tests.contains(expected), "{expected} in\n{tests}");
    }
    assert!(
        !tests.contains("idispatch_methods_answer_through_the_vtable"),
        "{tests}"
    );
    let out = ok(
        "cargo test",
        &run(&mut cargo(&project, &["test", "--quiet", "dispatch_names"])),
    );
    assert!(out.contains("1 passed"), "{out}");
    ok("cargo test", &run(&mut cargo(&project, &["test", "--quiet"])));
    fs::remove_dir_all(&dir).unwrap();
}
