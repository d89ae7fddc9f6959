//! `oscgen host` runs Outlook's call sequence against a provider project in-process: with
//! the account and people of oscgen.toml's `[host]` section, every call printed with its
//! HRESULT, exit 1 when the provider answers wrong, and every document it wrote validating
//! against the OSC 2013 schema (the real xmllint).
//!
//! The schema is read from ../shared/reference/xsd; without it, or without xmllint, the
//! test says so and skips, except under CI, where a skip is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use md5::{Digest, Md5};

fn skip_or_fail(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{why}: required in CI");
    }
    println!("SKIPPED: {why}");
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of samples/osc-provider (its Cargo.lock too) under target/, with `extra` appended
/// to its oscgen.toml. Each copy is a package of its own name, so that cargo, which judges
/// freshness by modification times, never takes one copy's build for another's in the
/// shared target directory; the library keeps the name the code uses.
fn provider_copy(name: &str, extra: &str) -> PathBuf {
    let dir = repo().join("target/host-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    copy_tree(&repo().join("samples/osc-provider"), &dir);
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let renamed = text
        .replacen("name = \"osc-provider\"", &format!("name = \"osc-provider-{name}\""), 1)
        .replacen("[lib]\n", "[lib]\nname = \"osc_provider\"\n", 1);
    assert!(renamed.contains("[lib]\nname = \"osc_provider\""), "{text}");
    std::fs::write(&manifest, renamed).unwrap();
    let toml = dir.join("oscgen.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + extra;
    std::fs::write(&toml, text).unwrap();
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_tree(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The copies share one crate name and target directory: one build at a time.
static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn oscgen_host(dir: &Path, args: &[&str]) -> Output {
    let _build = BUILD.lock().unwrap_or_else(|p| p.into_inner());
    Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("host")
        .arg(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", repo().join("target/samples"))
        .env("OSCGEN_HOST_PASSWORD", "host-test secret")
        .output()
        .expect("run oscgen host")
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn host_runs_outlooks_sequence_with_the_configured_people_and_its_documents_validate() {
    let schema = repo().join("../shared/reference/xsd/OutlookSocialProvider_2013.xsd");
    if !schema.is_file() {
        return skip_or_fail("../shared/reference/xsd/OutlookSocialProvider_2013.xsd not found");
    }
    if Command::new("xmllint").arg("--version").output().is_err() {
        return skip_or_fail("xmllint not found (apt-get install libxml2-utils)");
    }
    let dir = provider_copy(
        "configured",
        "\n[host]\nuser = \"kim\"\nlanguage = \"fr-FR\"\npeople = [[\"Kim@Contoso.com\", \"kim@fabrikam.com\"], [\"pat@contoso.com\"]]\nfollow = \"pat@contoso.com,Pat\"\n",
    );
    let xml_dir = dir.join("osc-xml");
    let out = oscgen_host(&dir, &["--xml-dir", xml_dir.to_str().unwrap()]);
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    for line in [
        "PASS Load(\"15.0.4420.1017\", \"fr-FR\") -> S_OK",
        "PASS LogonCached(\"\", \"kim\", <password>) -> S_OK",
        "PASS GetPeopleDetails(2 people, MD5 hashes, no namespace) -> S_OK",
        "PASS UnFollowPerson(\"pat@contoso.com\")",
        "PASS DllCanUnloadNow -> S_OK",
        "host: ",
    ] {
        assert!(log.contains(line), "missing {line:?} in:\n{log}");
    }
    assert!(
        !log.contains("host-test secret"),
        "the password must not be printed:\n{log}"
    );
    // The request carries the configured addresses, hashed as the capabilities declare (MD5
    // of the trimmed, lower-cased address), computed here with the md-5 crate.
    let md5 = |a: &str| format!("{:x}", Md5::digest(a.trim().to_lowercase().as_bytes()));
    for address in ["Kim@Contoso.com", "kim@fabrikam.com", "pat@contoso.com"] {
        let hash = format!("<hashedAddress>{}</hashedAddress>", md5(address));
        assert!(log.contains(&hash), "no {hash} for {address} in:\n{log}");
    }
    let mut documents: Vec<PathBuf> = std::fs::read_dir(&xml_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    documents.sort();
    assert!(documents.len() >= 3, "{documents:?}");
    for doc in &documents {
        let out = Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(&schema)
            .arg(doc)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: {}", doc.display(), text(&out));
    }
}

#[test]
fn host_fails_with_the_call_that_went_wrong() {
    let dir = provider_copy("broken", "");
    // The logged-on user's details without a userID: Outlook could not match the profile.
    let person = dir.join("src/person.rs");
    let code = std::fs::read_to_string(&person).unwrap();
    let broken = code.replace("..PersonDetails::new(user_id)", "..PersonDetails::new(\"\")");
    assert_ne!(code, broken, "src/person.rs writes userID as the test expects");
    std::fs::write(&person, broken).unwrap();
    let out = oscgen_host(&dir, &[]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("FAIL GetDetails (ISocialPerson slot 8 on the ISocialProfile) -> S_OK (0x00000000): the person has no userID"),
        "{log}"
    );
}

#[test]
fn host_refuses_a_project_that_is_not_a_provider() {
    let out = oscgen_host(&repo().join("samples/com-server"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: ") && err.contains("is a com-server project") && err.lines().count() == 1,
        "{err}"
    );
}
