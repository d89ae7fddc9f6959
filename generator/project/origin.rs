//! Where the running oscgen came from, so that a project's CI installs the same oscgen that
//! generated it: `oscgen generate --check` compares against what *that* version writes.
//!
//! Two records say it, tried in this order:
//! - cargo's install record (`.crates2.json` in the install root, the directory above the
//!   `bin/` holding the running executable): `cargo install --git URL` records the URL and
//!   the exact commit, a crates.io install the version;
//! - the git checkout oscgen was built from (`build.rs`): its `origin` remote, when that is a
//!   URL a CI runner can reach, and its commit.
//!
//! With neither (built from a checkout without a public remote), the workflow says so and
//! fails until the user names an install command.

use std::path::Path;

/// How a CI runner installs this oscgen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `cargo install --git URL --rev REV`.
    Git { url: String, rev: String },
    /// `cargo install oscgen --version VERSION` from crates.io.
    CratesIo { version: String },
    /// Neither record names a source a CI runner can reach.
    Unknown,
}

const PACKAGE: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");

impl Origin {
    /// The origin of the running executable.
    pub fn detect() -> Origin {
        let record = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.canonicalize().ok())
            .and_then(|exe| install_record(&exe));
        record.or_else(built_from).unwrap_or(Origin::Unknown)
    }

    /// The shell command that installs this oscgen, or `None` when it is not known.
    pub fn install_command(&self) -> Option<String> {
        match self {
            Origin::Git { url, rev } => Some(format!("cargo install --locked --git {url} --rev {rev} {PACKAGE}")),
            Origin::CratesIo { version } => Some(format!("cargo install --locked {PACKAGE} --version {version}")),
            Origin::Unknown => None,
        }
    }

    /// The origin one entry of cargo's install record names, as `cargo install --list`
    /// keys it: `NAME VERSION (SOURCE)`.
    pub fn from_install_key(key: &str) -> Option<Origin> {
        let (name_version, source) = key.split_once(" (")?;
        let source = source.strip_suffix(')')?;
        let (name, version) = name_version.split_once(' ')?;
        if name != PACKAGE {
            return None;
        }
        if let Some(git) = source.strip_prefix("git+") {
            // git+URL[?branch=..|?tag=..|?rev=..]#COMMIT: the commit is what was built.
            let (url, commit) = git.split_once('#')?;
            let url = url.split_once('?').map_or(url, |(u, _)| u);
            return is_commit(commit).then(|| Origin::Git {
                url: url.to_string(),
                rev: commit.to_string(),
            });
        }
        let crates_io = [
            "registry+https://github.com/rust-lang/crates.io-index",
            "sparse+https://index.crates.io/",
        ];
        crates_io.contains(&source).then(|| Origin::CratesIo {
            version: version.to_string(),
        })
    }
}

/// The entry of cargo's install record for `exe`, if cargo installed it.
fn install_record(exe: &Path) -> Option<Origin> {
    let bin_dir = exe.parent()?;
    if bin_dir.file_name()? != "bin" {
        return None;
    }
    let text = std::fs::read_to_string(bin_dir.parent()?.join(".crates2.json")).ok()?;
    let record: serde_json::Value = serde_json::from_str(&text).ok()?;
    let exe_name = exe.file_name()?.to_str()?;
    let bin_name = exe_name.strip_suffix(".exe").unwrap_or(exe_name);
    record
        .get("installs")?
        .as_object()?
        .iter()
        .filter(|(_, entry)| {
            entry
                .get("bins")
                .and_then(|b| b.as_array())
                .is_some_and(|bins| bins.iter().any(|b| b.as_str() == Some(bin_name)))
        })
        .find_map(|(key, _)| Origin::from_install_key(key))
        .filter(|origin| !matches!(origin, Origin::CratesIo { version } if version != VERSION))
}

/// The checkout this build came from, when its remote is reachable from a CI runner.
fn built_from() -> Option<Origin> {
    let url = option_env!("OSCGEN_GIT_REMOTE")?;
    let rev = option_env!("OSCGEN_GIT_COMMIT")?;
    (is_public_url(url) && is_commit(rev)).then(|| Origin::Git {
        url: url.to_string(),
        rev: rev.to_string(),
    })
}

/// A URL a hosted runner can clone: not a path on the machine that built oscgen.
pub fn is_public_url(url: &str) -> bool {
    ["https://", "http://", "ssh://", "git://"]
        .iter()
        .any(|p| url.starts_with(p))
        || url
            .split_once(':')
            .is_some_and(|(host, _)| host.contains('@') && !host.contains('/'))
}

fn is_commit(rev: &str) -> bool {
    (7..=64).contains(&rev.len()) && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::{Origin, is_public_url};

    #[test]
    fn git_installs_name_their_commit() {
        let key =
            "oscgen 0.1.0 (git+https://github.com/contoso/oscgen?branch=main#0123456789abcdef0123456789abcdef01234567)";
        let origin = Origin::from_install_key(key).unwrap();
        assert_eq!(
            origin.install_command().unwrap(),
            "cargo install --locked --git https://github.com/contoso/oscgen --rev 0123456789abcdef0123456789abcdef01234567 oscgen"
        );
        let plain = "oscgen 0.1.0 (git+ssh://git@example.com/oscgen.git#89abcdef)";
        assert!(
            matches!(Origin::from_install_key(plain), Some(Origin::Git { url, .. }) if url == "ssh://git@example.com/oscgen.git")
        );
    }

    #[test]
    fn crates_io_installs_name_their_version() {
        for source in [
            "registry+https://github.com/rust-lang/crates.io-index",
            "sparse+https://index.crates.io/",
        ] {
            let origin = Origin::from_install_key(&format!("oscgen 0.3.1 ({source})")).unwrap();
            assert_eq!(
                origin.install_command().unwrap(),
                "cargo install --locked oscgen --version 0.3.1"
            );
        }
    }

    #[test]
    fn local_installs_and_other_packages_are_not_origins() {
        assert_eq!(
            Origin::from_install_key("oscgen 0.1.0 (path+file:///home/me/oscgen)"),
            None
        );
        assert_eq!(
            Origin::from_install_key("cargo-fuzz 0.13.2 (registry+https://github.com/rust-lang/crates.io-index)"),
            None
        );
        assert_eq!(
            Origin::from_install_key("oscgen 0.1.0 (git+https://example.com/o#main)"),
            None
        );
        assert_eq!(Origin::Unknown.install_command(), None);
    }

    #[test]
    fn only_reachable_remotes_are_public() {
        assert!(is_public_url("https://github.com/contoso/oscgen"));
        assert!(is_public_url("git@github.com:contoso/oscgen.git"));
        assert!(!is_public_url("/srv/git/oscgen"));
        assert!(!is_public_url("file:///srv/git/oscgen"));
        assert!(!is_public_url("../oscgen"));
    }
}
