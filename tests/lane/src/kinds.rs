//! The server kinds of scripts/server-kinds.txt, generated on the fly as
//! scripts/check-server-kinds.sh generates them: `oscgen new --template com-server` from each
//! listed source (the Win32 metadata, mingw-w64's IDL). A project is generated into a staging
//! dir and only the files that changed are copied over the kept one, so a warm run rebuilds
//! nothing.
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::report::{Report, show_log};

pub struct Kind {
    pub name: String,
    pub interfaces: String,
    pub idl: String,
    pub sources: Vec<String>,
}

/// The kinds listed in `list`, those named in `only` (all when empty).
pub fn read_list(list: &Path, only: &[String]) -> Result<Vec<Kind>, String> {
    let text = std::fs::read_to_string(list).map_err(|e| format!("{}: {e}", list.display()))?;
    let mut kinds = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [name, interfaces, idl, sources] = fields[..] else {
            return Err(format!(
                "{}:{}: expected: name interfaces idl-file sources",
                list.display(),
                n + 1
            ));
        };
        kinds.push(Kind {
            name: name.into(),
            interfaces: interfaces.into(),
            idl: idl.into(),
            sources: sources.split(',').map(str::to_string).collect(),
        });
    }
    for o in only {
        if !kinds.iter().any(|k| &k.name == o) {
            let known: Vec<&str> = kinds.iter().map(|k| k.name.as_str()).collect();
            return Err(format!("unknown server kind {o} (known: {})", known.join(" ")));
        }
    }
    kinds.retain(|k| only.is_empty() || only.contains(&k.name));
    Ok(kinds)
}

/// Generates every (kind, source) project under `root`; the directories of those generated,
/// each with its target dir group: `-idl` for those from IDL, whose crate names are those of
/// the Win32 ones.
pub fn generate(
    r: &mut Report,
    oscgen: &Path,
    repo: &Path,
    root: &Path,
    logs: &Path,
    kinds: &[Kind],
) -> Vec<(PathBuf, String)> {
    let corpus = repo.join("../shared/corpus/mingw-w64");
    let mingw = Path::new("/usr/share/mingw-w64/include");
    let staging = root.join(".staging");
    let lock = repo.join("samples/com-server/Cargo.lock");
    let mut dirs = Vec::new();
    for kind in kinds {
        for source in &kind.sources {
            let id = format!("{}-{source}", kind.name);
            let stage = staging.join(&id);
            let _ = std::fs::remove_dir_all(&stage);
            let _ = std::fs::create_dir_all(&staging);
            let mut cmd = Command::new(oscgen);
            cmd.arg("new")
                .arg(&stage)
                .args(["--quiet", "--template", "com-server", "--name", &kind.name]);
            match source.as_str() {
                "win32" => {
                    cmd.args(["--input", "win32"]);
                }
                "idl" => {
                    cmd.arg("--input")
                        .arg(corpus.join(&kind.idl))
                        .arg("-I")
                        .arg(&corpus)
                        .arg("-I")
                        .arg(mingw)
                        .args(["-D", "BOOL=WINBOOL"]);
                }
                other => {
                    r.fail(format!("kinds: {id}: unknown source {other} (win32 or idl)"));
                    continue;
                }
            }
            cmd.args(["--implement", &kind.interfaces]);
            let log = logs.join(format!("kind-{id}-new.log"));
            let ok = match std::fs::File::create(&log) {
                Ok(f) => {
                    let e = f.try_clone().expect("duplicating a file handle");
                    cmd.stdin(Stdio::null())
                        .stdout(f)
                        .stderr(e)
                        .status()
                        .is_ok_and(|s| s.success())
                }
                Err(_) => false,
            };
            let what = format!(
                "oscgen new --template com-server --name {} --input {} --implement {}",
                kind.name,
                if source == "win32" {
                    "win32".to_string()
                } else {
                    kind.idl.clone()
                },
                kind.interfaces
            );
            if !ok {
                show_log(&log, 20);
                r.fail(format!("kinds: {id}: {what} (log: {})", log.display()));
                continue;
            }
            let dest = root.join(&id);
            // `oscgen new` draws a fresh CLSID: the kept project's is written back, so that
            // an unchanged kind is the same source as before and cargo rebuilds nothing.
            if let (Some(old), Some(new)) = (clsid(&dest), clsid(&stage))
                && old != new
                && let Err(e) = replace_in_tree(&stage, &new, &old)
            {
                r.fail(format!("kinds: {id}: keeping the CLSID {old}: {e}"));
                continue;
            }
            match sync(&stage, &dest) {
                Ok(changed) => {
                    // The com-server sample's versions, as check-server-kinds.sh pins them;
                    // cargo then keeps the project's own lock up to date.
                    if lock.is_file() && !dest.join("Cargo.lock").exists() {
                        let _ = std::fs::copy(&lock, dest.join("Cargo.lock"));
                    }
                    r.pass(format!("kinds: {id}: {what} ({changed} files changed)"));
                    dirs.push((dest, if source == "idl" { "-idl".into() } else { String::new() }));
                }
                Err(e) => r.fail(format!("kinds: {id}: copying the project to {}: {e}", dest.display())),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&staging);
    dirs
}

/// The `clsid` of a project's oscgen.toml, lower case.
fn clsid(project: &Path) -> Option<String> {
    let text = std::fs::read_to_string(project.join("oscgen.toml")).ok()?;
    let table: toml::Table = text.parse().ok()?;
    table
        .values()
        .find_map(|v| v.get("clsid")?.as_str().map(str::to_ascii_lowercase))
}

/// Replaces a GUID in every file under `dir`, in each form oscgen writes it: lower case
/// (oscgen.toml), upper case (.reg file, registry keys) and as a `u128` literal
/// (`0x047bc79e_52b7_...`).
fn replace_in_tree(dir: &Path, from: &str, to: &str) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            replace_in_tree(&path, from, to)?;
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            let forms = [
                (from.to_string(), to.to_string()),
                (from.to_ascii_uppercase(), to.to_ascii_uppercase()),
                (from.replace('-', "_"), to.replace('-', "_")),
            ];
            if forms.iter().any(|(f, _)| text.contains(f.as_str())) {
                let text = forms.iter().fold(text, |t, (f, to)| t.replace(f.as_str(), to));
                std::fs::write(&path, text)?;
            }
        }
    }
    Ok(())
}

/// Makes `dest` hold the files of `src`: writes only those whose content differs (cargo's
/// fingerprints see the others unchanged) and removes those `src` does not have, except
/// `Cargo.lock` and `target/`. The number of files written or removed.
fn sync(src: &Path, dest: &Path) -> std::io::Result<usize> {
    let mut changed = 0;
    std::fs::create_dir_all(dest)?;
    for entry in std::fs::read_dir(src)? {
        let entry = entry?;
        let to = dest.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            changed += sync(&entry.path(), &to)?;
        } else {
            let data = std::fs::read(entry.path())?;
            if std::fs::read(&to).ok().as_deref() != Some(&data[..]) {
                std::fs::write(&to, &data)?;
                changed += 1;
            }
        }
    }
    for entry in std::fs::read_dir(dest)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == "Cargo.lock" || src.join(&name).exists() {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
        changed += 1;
    }
    Ok(changed)
}
