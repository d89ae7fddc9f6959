//! docs/guide.md's walk from `oscgen new` to a provider that answers GetPeopleDetails from a
//! small directory: the code it has the author write is counted (under 40 lines, and the
//! number the guide states), and its commands run in a fresh project, whose tests then pass
//! (clippy and rustfmt included, as the project's CI runs them).

mod common;

use std::path::Path;
use std::process::Command;

const SECTION: &str = "## 3. Answer GetPeopleDetails from a directory";

fn guide() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guide.md")).unwrap()
}

/// The `sh` blocks of the directory section, in order.
fn section_blocks(guide: &str) -> Vec<String> {
    let start = guide.find(SECTION).expect("the guide has the directory section");
    let section = &guide[start + SECTION.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut blocks = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if line == "```sh" {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push(body.join("\n"));
        }
    }
    blocks
}

/// The lines of provider code the section has the author write: every non-blank line a heredoc
/// writes under `src/`, and every line a patch adds. Tests are not the provider's code.
fn author_lines(blocks: &[String]) -> Vec<String> {
    let mut counted = Vec::new();
    for block in blocks {
        let mut lines = block.lines();
        while let Some(line) = lines.next() {
            let Some(heredoc) = line.split_once("<<'EOF'") else {
                continue;
            };
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "EOF").collect();
            let command = heredoc.0.trim();
            if command.starts_with("cat > src/") {
                counted.extend(body.iter().filter(|l| !l.trim().is_empty()).map(|l| l.to_string()));
            } else if command.starts_with("patch") {
                counted.extend(
                    body.iter()
                        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
                        .map(|l| l[1..].to_string())
                        .filter(|l| !l.trim().is_empty()),
                );
            }
        }
    }
    counted
}

#[test]
fn the_author_writes_under_40_lines_and_the_guide_says_how_many() {
    let guide = guide();
    let blocks = section_blocks(&guide);
    assert_eq!(blocks.len(), 4, "directory, patch, test, oscgen host");
    let lines = author_lines(&blocks);
    assert!(lines.len() < 40, "{} lines:\n{}", lines.len(), lines.join("\n"));
    let section = &guide[guide.find(SECTION).unwrap()..];
    let words = section.split_whitespace().collect::<Vec<_>>().join(" ");
    let claim = format!("{} lines", lines.len());
    assert!(words.contains(&claim), "the guide states the count as \"{claim}\"");
}

fn run(what: &str, command: &mut Command) {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_directory_walk_builds_and_its_tests_pass() {
    if Command::new("patch").arg("--version").output().is_err() {
        return common::skip("patch not found (apt-get install patch)");
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = common::scratch_dir("guide");
    // The guide's step 2, with this build of oscgen.
    run(
        "oscgen new",
        Command::new(env!("CARGO_BIN_EXE_oscgen"))
            .args(["new", "contoso-social", "--network-name", "Contoso"])
            .args(["--url", "https://www.contoso.com/"])
            .current_dir(&work),
    );
    let project = work.join("contoso-social");
    // The sample has the same dependencies: its lock file spares a registry lookup.
    let _ = std::fs::copy(repo.join("samples/osc-provider/Cargo.lock"), project.join("Cargo.lock"));
    let target = repo.join("target/guide");
    // `oscgen host` in the last block: this build of oscgen, first on the PATH.
    let bin = Path::new(env!("CARGO_BIN_EXE_oscgen")).parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin.to_path_buf()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    for (n, block) in section_blocks(&guide()).iter().enumerate() {
        run(
            &format!("guide block {}", n + 1),
            Command::new("bash")
                .args(["-euo", "pipefail", "-c", block])
                .current_dir(&project)
                .env("CARGO_TARGET_DIR", &target)
                .env("PATH", &path),
        );
    }
    run(
        "cargo clippy",
        Command::new(env!("CARGO"))
            .args(["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"])
            .current_dir(&project)
            .env("CARGO_TARGET_DIR", &target),
    );
    run(
        "cargo fmt --check",
        Command::new(env!("CARGO"))
            .args(["fmt", "--check"])
            .current_dir(&project),
    );
    let _ = std::fs::remove_dir_all(&work);
}
