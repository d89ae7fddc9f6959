//! Records the git checkout oscgen is built from (its `origin` remote and commit), so that
//! `oscgen new` can write a CI workflow that installs this very oscgen
//! (generator/project/origin.rs). Outside a checkout, or without git, it records nothing.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    // The package's own checkout only: a crate built inside someone else's repository
    // (vendored, or a path dependency) must not take that repository's remote.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let top = git(&["-C", &manifest_dir, "rev-parse", "--show-toplevel"]);
    let own = top.is_some_and(|t| std::fs::canonicalize(t).ok() == std::fs::canonicalize(&manifest_dir).ok());
    if !own {
        return;
    }
    // A new commit moves HEAD or the branch it names (or packed-refs, after `git gc`).
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    watched.extend(git(&["-C", &manifest_dir, "symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(path) = git(&[
            "-C",
            &manifest_dir,
            "rev-parse",
            "--path-format=absolute",
            "--git-path",
            &name,
        ]) {
            println!("cargo::rerun-if-changed={path}");
        }
    }
    if let Some(commit) = git(&["-C", &manifest_dir, "rev-parse", "HEAD"]) {
        println!("cargo::rustc-env=OSCGEN_GIT_COMMIT={commit}");
    }
    if let Some(remote) = git(&["-C", &manifest_dir, "remote", "get-url", "origin"]) {
        println!("cargo::rustc-env=OSCGEN_GIT_REMOTE={remote}");
    }
}
