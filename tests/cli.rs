//! The command line as users meet it: --version, --help with examples for every
//! subcommand, completions, the man page, --quiet and --verbose, colour rules.

use std::process::{Command, Output};

fn oscgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .args(args)
        .output()
        .expect("run oscgen")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn version_names_the_builtin_metadata() {
    let out = oscgen(&["--version"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with(concat!("oscgen ", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(
        text.contains("osc.idl") && text.contains("OutlookSocialProvider 1.1"),
        "{text}"
    );
    assert!(text.contains("mapi.idl"), "{text}");
    // The version claimed is the one the metadata carries.
    assert!(include_str!("../metadata/osc.idl").contains("version(1.1)"));
}

#[test]
fn every_subcommand_has_help_with_examples() {
    for sub in ["new", "generate", "inspect", "winmd", "tlb"] {
        let out = oscgen(&[sub, "--help"]);
        assert!(out.status.success(), "{sub}");
        let text = stdout(&out);
        assert!(text.contains("Examples:"), "{sub} --help:\n{text}");
        assert!(
            text.contains(&format!("oscgen {sub}")),
            "{sub} --help shows its own commands:\n{text}"
        );
    }
    let top = stdout(&oscgen(&["--help"]));
    for sub in ["new", "generate", "inspect", "winmd", "tlb", "completions", "man"] {
        assert!(top.contains(sub), "{sub} listed in --help");
    }
}

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = oscgen(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        assert!(
            stdout(&out).contains("generate"),
            "{shell} completion knows the subcommands"
        );
    }
    let man = stdout(&oscgen(&["man"]));
    assert!(man.contains(".TH oscgen 1") && man.contains("inspect"), "{man}");
    assert_eq!(oscgen(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn quiet_prints_nothing_and_verbose_lists_files() {
    let dir = std::env::temp_dir().join(format!("oscgen-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let quiet = oscgen(&["--quiet", "new", dir.to_str().unwrap()]);
    assert!(quiet.status.success());
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty());
    std::fs::remove_file(dir.join("src/generated/xml.rs")).unwrap();
    let verbose = oscgen(&["generate", "-v", dir.to_str().unwrap()]);
    assert!(
        stdout(&verbose).contains("created src/generated/xml.rs"),
        "{}",
        stdout(&verbose)
    );
    assert_eq!(
        oscgen(&["-q", "-v", "inspect"]).status.code(),
        Some(2),
        "--quiet and --verbose conflict"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    use oscgen::cli::color_enabled;
    assert!(color_enabled(true, None));
    assert!(!color_enabled(false, None));
    assert!(!color_enabled(true, Some("1".into())));
    assert!(color_enabled(true, Some("".into())), "an empty NO_COLOR does not count");
    // Tests run without a terminal: errors come out plain.
    let out = oscgen(&["inspect", "no-such-file.idl"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\x1b'));
}
