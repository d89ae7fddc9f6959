//! The CI workflow `oscgen new` writes works as written. oscgen is installed the way a user
//! installs it from a git host (`cargo install --git URL --rev COMMIT`, here from a bare
//! clone of this repository at HEAD); that oscgen makes a project; its workflow's install
//! step must name the same URL and commit; then every step of the workflow runs, in order,
//! in the project, as a runner runs it (`bash -e`), the install step included.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use yaml_rust2::{Yaml, YamlLoader};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn ok(what: &str, out: std::io::Result<Output>) -> String {
    let out = out.unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

/// `cargo install` and the project's steps share one target dir, kept between runs, and
/// build oscgen without the release profile's LTO: the test is about the steps, not speed.
fn with_build_env(cmd: &mut Command) -> &mut Command {
    cmd.env("CARGO_TARGET_DIR", repo().join("target/ci-workflow"))
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
}

/// The workflow's steps: `(name, run)`, or `(uses, None)` for an action.
fn steps(workflow: &str) -> Vec<(String, Option<String>)> {
    let docs = YamlLoader::load_from_str(workflow).expect("ci.yml is YAML");
    let steps = docs[0]["jobs"]["build"]["steps"]
        .as_vec()
        .expect("ci.yml has jobs.build.steps");
    steps
        .iter()
        .map(|step| match (&step["run"], &step["uses"]) {
            (Yaml::String(run), _) => {
                let name = step["name"].as_str().unwrap_or(run).to_string();
                (name, Some(run.clone()))
            }
            (_, Yaml::String(uses)) => (uses.clone(), None),
            _ => panic!("a step with neither run nor uses: {step:?}"),
        })
        .collect()
}

#[test]
fn the_generated_workflow_runs_step_by_step() {
    if !repo().join(".git").exists() {
        common::skip("not a git checkout: the test installs oscgen with `cargo install --git`");
        return;
    }
    let work = common::scratch_dir("ci-workflow");
    let git = |args: &[&str]| ok("git", Command::new("git").args(args).output()).trim().to_string();
    let rev = git(&["-C", repo().to_str().unwrap(), "rev-parse", "HEAD"]);
    let bare = work.join("oscgen.git");
    git(&[
        "clone",
        "--quiet",
        "--bare",
        repo().to_str().unwrap(),
        bare.to_str().unwrap(),
    ]);
    let url = format!("file://{}", bare.display());

    // As a user installs it: this oscgen records its source in cargo's install record.
    let root = work.join("user-root");
    ok(
        "cargo install --git",
        with_build_env(&mut Command::new(env!("CARGO")))
            .args(["install", "--quiet", "--locked", "--git", &url, "--rev", &rev, "--root"])
            .arg(&root)
            .arg("oscgen")
            .output(),
    );
    let project = work.join("project");
    let calculator = repo().join("samples/com-server/idl/calculator.idl");
    let created = ok(
        "oscgen new",
        Command::new(root.join("bin/oscgen"))
            .arg("new")
            .arg(&project)
            .args(["--template", "com-server", "--input"])
            .arg(&calculator)
            .args(["--implement", "IScientific,IHistory"])
            .output(),
    );
    assert!(
        !created.contains("cannot install it"),
        "an oscgen installed from git knows its source:\n{created}"
    );
    let workflow = fs::read_to_string(project.join(".github/workflows/ci.yml")).unwrap();
    let steps = steps(&workflow);
    let install = format!("cargo install --locked --git {url} --rev {rev} oscgen");
    let names: Vec<&str> = steps.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "actions/checkout@v4",
            "Install oscgen",
            "Generated code is up to date",
            "cargo fmt --check",
            "cargo build --all-targets",
            "cargo test",
            "cargo clippy --all-targets -- -D warnings",
        ]
    );
    assert_eq!(steps[1].1.as_deref(), Some(install.as_str()));

    // The runner: the checkout is the project itself; the install root is the runner's own.
    fs::copy(repo().join("samples/com-server/Cargo.lock"), project.join("Cargo.lock")).unwrap();
    let runner_root = work.join("runner-root");
    let path = std::env::join_paths(
        std::iter::once(runner_root.join("bin"))
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    for (name, run) in &steps {
        let Some(run) = run else { continue };
        ok(
            &format!("step `{name}` ({run})"),
            with_build_env(&mut Command::new("bash"))
                .args(["-e", "-c", run])
                .current_dir(&project)
                .env("PATH", &path)
                .env("CARGO_INSTALL_ROOT", &runner_root)
                .env("CI", "true")
                .output(),
        );
    }
    assert!(
        runner_root.join("bin/oscgen").is_file(),
        "the install step installed oscgen"
    );
    let _ = fs::remove_dir_all(&work);
}

#[test]
fn without_a_known_source_the_workflow_says_what_to_write() {
    // This test's oscgen is a build in target/, not a `cargo install`: unless the checkout's
    // remote is a public URL, it cannot know a source a runner reaches.
    let work = common::scratch_dir("ci-workflow-unknown");
    let project: PathBuf = work.join("p");
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("new")
        .arg(&project)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let workflow = fs::read_to_string(project.join(".github/workflows/ci.yml")).unwrap();
    let install = &steps(&workflow)[1];
    let local = |r: &str| r.starts_with('/') || r.starts_with('.') || r.starts_with("file:");
    if option_env!("OSCGEN_GIT_REMOTE").is_some_and(|r| !local(r)) {
        assert!(
            install
                .1
                .as_deref()
                .unwrap()
                .starts_with("cargo install --locked --git ")
        );
        return;
    }
    assert!(install.1.as_deref().unwrap().contains("exit 1"), "{workflow}");
    let line = workflow
        .lines()
        .position(|l| l.ends_with("name: Install oscgen"))
        .unwrap()
        + 1;
    assert!(
        stderr.contains(&format!(
            "ci.yml:{line}: this oscgen was not installed from crates.io or a public git URL"
        )),
        "{stderr}"
    );
    let _ = fs::remove_dir_all(&work);
}
