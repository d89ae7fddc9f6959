//! Applying a plan to a project directory: write, check (`--check`) or list (`--dry-run`).
//!
//! Writing is all or nothing: every new content is staged in a temporary file next to its
//! target first, then the temporaries are renamed into place; if anything fails, what was
//! renamed is restored and what was created is removed. Nothing is ever written outside
//! the project directory, and no path through a symbolic link is followed.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::emit::project::plan::{OWNED_MARK, Ownership, Plan};
use crate::project::merge::{MergeError, merge};
use crate::project::review::{Notice, Removed, stale_uses};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
    DryRun,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    /// A generated file whose content changes.
    Update,
    /// Stubs, and interfaces in `#[implement(...)]`, added to a user file.
    AddStubs {
        stubs: usize,
        interfaces: Vec<String>,
    },
    /// A file an earlier oscgen owned and this one no longer writes.
    Remove,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub path: PathBuf,
    pub kind: ChangeKind,
    /// A unified diff from the current content (empty for a new file).
    pub diff: String,
    new_contents: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}: {message}", path.display())]
    Unsafe { path: PathBuf, message: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Merge(#[from] MergeError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What applying a plan changes, and what the user has to change by hand.
#[derive(Debug, Default)]
pub struct Applied {
    pub changes: Vec<Change>,
    /// User code that no longer matches the interfaces (never rewritten by oscgen).
    pub notices: Vec<Notice>,
}

/// Works out what applying `plan` under `root` changes, and in `Mode::Write` applies it.
pub fn apply(root: &Path, plan: &Plan, mode: Mode) -> Result<Applied, WriteError> {
    match fs::symlink_metadata(root) {
        Ok(meta) if !meta.is_dir() && !meta.file_type().is_symlink() => {
            return Err(WriteError::Unsafe {
                path: root.to_path_buf(),
                message: "exists and is not a directory".into(),
            });
        }
        Ok(meta) if meta.file_type().is_symlink() && !root.is_dir() => {
            return Err(WriteError::Unsafe {
                path: root.to_path_buf(),
                message: "is a symbolic link to something that is not a directory".into(),
            });
        }
        _ => {}
    }
    let mut changes = Vec::new();
    let mut notices = Vec::new();
    for file in &plan.files {
        let target = checked_target(root, &file.path)?;
        let current = match fs::read(&target) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(&target)(e)),
        };
        let (new, kind) = match (&current, file.ownership) {
            (None, _) => (file.contents.clone(), ChangeKind::Create),
            (Some(cur), Ownership::Generated) if *cur == file.contents => continue,
            (Some(_), Ownership::Generated) => (file.contents.clone(), ChangeKind::Update),
            (Some(cur), Ownership::User) => {
                if file.stubs.is_empty() && file.objects.is_empty() {
                    continue;
                }
                let text = String::from_utf8_lossy(cur);
                let shown = file.path.display().to_string();
                let merged = merge(&shown, &text, &file.stubs, &file.objects)?;
                notices.extend(merged.notices);
                if merged.stubs == 0 && merged.interfaces.is_empty() {
                    continue;
                }
                let kind = ChangeKind::AddStubs {
                    stubs: merged.stubs,
                    interfaces: merged.interfaces,
                };
                (merged.text.into_bytes(), kind)
            }
        };
        let diff = match &current {
            Some(cur) => unified_diff(
                &file.path,
                &String::from_utf8_lossy(cur),
                &String::from_utf8_lossy(&new),
            ),
            None => unified_diff(&file.path, "", &String::from_utf8_lossy(&new)),
        };
        changes.push(Change {
            path: file.path.clone(),
            kind,
            diff,
            new_contents: new,
        });
    }
    let removed: Vec<Removed> = notices.iter().filter_map(|n| n.removed.clone()).collect();
    if !removed.is_empty() {
        for file in plan.files.iter().filter(|f| f.ownership == Ownership::User) {
            if file.path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let target = checked_target(root, &file.path)?;
            let Ok(text) = fs::read_to_string(&target) else {
                continue;
            };
            // A file that does not parse was reported above, or is not oscgen's to judge.
            if let Ok(parsed) = syn::parse_file(&text) {
                notices.extend(stale_uses(&file.path.display().to_string(), &parsed, &removed));
            }
        }
        // One notice a line: an impl block of a dropped interface also names it.
        let mut seen = std::collections::BTreeSet::new();
        notices.retain(|n| seen.insert((n.path.clone(), n.line)));
    }
    for path in &plan.retired {
        let target = checked_target(root, path)?;
        let Ok(current) = fs::read(&target) else { continue };
        if !current.starts_with(OWNED_MARK.as_bytes()) {
            continue;
        }
        changes.push(Change {
            path: path.clone(),
            kind: ChangeKind::Remove,
            diff: unified_diff(path, &String::from_utf8_lossy(&current), ""),
            new_contents: Vec::new(),
        });
    }
    if mode == Mode::Write {
        commit(root, &changes)?;
    }
    Ok(Applied { changes, notices })
}

fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// The absolute target of a planned path, refusing `..`, absolute paths and any existing
/// symbolic link between the project root and the file.
fn checked_target(root: &Path, relative: &Path) -> Result<PathBuf, WriteError> {
    let mut current = root.to_path_buf();
    for component in relative.components() {
        match component {
            Component::Normal(part) => current.push(part),
            _ => {
                return Err(WriteError::Unsafe {
                    path: relative.to_path_buf(),
                    message: "is not a plain relative path inside the project".into(),
                });
            }
        }
        if let Ok(meta) = fs::symlink_metadata(&current)
            && meta.file_type().is_symlink()
        {
            return Err(WriteError::Unsafe {
                path: current.clone(),
                message: "is a symbolic link; oscgen does not write through links, so that it never writes outside the project".into(),
            });
        }
    }
    Ok(current)
}

/// What was done so far, to undo on failure.
#[derive(Default)]
struct Journal {
    created_dirs: Vec<PathBuf>,
    temps: Vec<PathBuf>,
    /// (target, previous content or None if the file was new)
    replaced: Vec<(PathBuf, Option<Vec<u8>>)>,
}

impl Journal {
    fn rollback(self) {
        for temp in &self.temps {
            let _ = fs::remove_file(temp);
        }
        for (target, previous) in self.replaced.iter().rev() {
            match previous {
                Some(bytes) => {
                    let _ = fs::write(target, bytes);
                }
                None => {
                    let _ = fs::remove_file(target);
                }
            }
        }
        for dir in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

fn commit(root: &Path, changes: &[Change]) -> Result<(), WriteError> {
    let mut journal = Journal::default();
    match stage_and_rename(root, changes, &mut journal) {
        Ok(()) => Ok(()),
        Err(e) => {
            journal.rollback();
            Err(e)
        }
    }
}

fn stage_and_rename(root: &Path, changes: &[Change], journal: &mut Journal) -> Result<(), WriteError> {
    // Stage: every directory and temporary file, before any target is touched.
    let mut staged = Vec::new();
    let mut removed = Vec::new();
    for change in changes {
        let target = checked_target(root, &change.path)?;
        if change.kind == ChangeKind::Remove {
            removed.push(target);
            continue;
        }
        let parent = target.parent().unwrap_or(root).to_path_buf();
        create_dirs(&parent, journal)?;
        let file_name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = parent.join(format!(".{file_name}.oscgen-tmp"));
        let mut f = fs::File::create(&temp).map_err(io(&temp))?;
        journal.temps.push(temp.clone());
        f.write_all(&change.new_contents).map_err(io(&temp))?;
        f.sync_all().map_err(io(&temp))?;
        staged.push((temp, target));
    }
    // Commit: rename each temporary over its target, remembering what it replaced.
    for (temp, target) in staged {
        let previous = match fs::read(&target) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(&target)(e)),
        };
        fs::rename(&temp, &target).map_err(io(&target))?;
        journal.temps.retain(|t| *t != temp);
        journal.replaced.push((target, previous));
    }
    for target in removed {
        let previous = fs::read(&target).map_err(io(&target))?;
        fs::remove_file(&target).map_err(io(&target))?;
        journal.replaced.push((target, Some(previous)));
    }
    Ok(())
}

fn create_dirs(dir: &Path, journal: &mut Journal) -> Result<(), WriteError> {
    let mut missing = Vec::new();
    let mut cur = dir.to_path_buf();
    // A relative path pops down to "", which is the current directory, not a directory to make.
    while !cur.as_os_str().is_empty() && !cur.exists() {
        missing.push(cur.clone());
        if !cur.pop() {
            break;
        }
    }
    for d in missing.into_iter().rev() {
        fs::create_dir(&d).map_err(io(&d))?;
        journal.created_dirs.push(d);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("oscgen-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn plan() -> Plan {
        let mut plan = Plan::default();
        plan.add("src/generated/a.rs", "generated\n", Ownership::Generated);
        plan.add("src/user.rs", "user\n", Ownership::User);
        plan
    }

    #[test]
    fn writes_then_finds_nothing_to_change() {
        let dir = temp_dir("idempotent");
        let changes = apply(&dir, &plan(), Mode::Write).unwrap().changes;
        assert_eq!(changes.len(), 2);
        assert_eq!(fs::read_to_string(dir.join("src/user.rs")).unwrap(), "user\n");
        assert!(apply(&dir, &plan(), Mode::Check).unwrap().changes.is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn user_files_are_not_overwritten_and_generated_ones_are() {
        let dir = temp_dir("ownership");
        apply(&dir, &plan(), Mode::Write).unwrap();
        fs::write(dir.join("src/user.rs"), "edited\n").unwrap();
        fs::write(dir.join("src/generated/a.rs"), "hand edit\n").unwrap();
        let changes = apply(&dir, &plan(), Mode::Check).unwrap().changes;
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].kind, ChangeKind::Update);
        assert!(
            changes[0].diff.contains("-hand edit\n+generated\n"),
            "{}",
            changes[0].diff
        );
        apply(&dir, &plan(), Mode::Write).unwrap();
        assert_eq!(fs::read_to_string(dir.join("src/user.rs")).unwrap(), "edited\n");
        assert_eq!(
            fs::read_to_string(dir.join("src/generated/a.rs")).unwrap(),
            "generated\n"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn retired_files_are_removed_while_oscgen_still_owns_them() {
        let dir = temp_dir("retired");
        fs::create_dir_all(dir.join("tests")).unwrap();
        fs::write(dir.join("tests/old.rs"), format!("{OWNED_MARK}: ...\n")).unwrap();
        fs::write(dir.join("tests/kept.rs"), "// the user's now\n").unwrap();
        let mut plan = plan();
        plan.retired = vec!["tests/old.rs".into(), "tests/kept.rs".into(), "tests/gone.rs".into()];
        let changes = apply(&dir, &plan, Mode::Check).unwrap().changes;
        let removals: Vec<_> = changes.iter().filter(|c| c.kind == ChangeKind::Remove).collect();
        assert_eq!(removals.len(), 1);
        assert_eq!(removals[0].path, PathBuf::from("tests/old.rs"));
        assert!(dir.join("tests/old.rs").exists(), "--check removes nothing");
        apply(&dir, &plan, Mode::Write).unwrap();
        assert!(!dir.join("tests/old.rs").exists());
        assert!(dir.join("tests/kept.rs").exists());
        assert!(apply(&dir, &plan, Mode::Check).unwrap().changes.is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_out_of_the_tree() {
        let dir = temp_dir("symlink");
        let outside = temp_dir("symlink-outside");
        fs::create_dir_all(dir.join("src")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("src/generated")).unwrap();
        let err = apply(&dir, &plan(), Mode::Write).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(fs::read_dir(&outside).unwrap().count(), 0, "nothing written outside");
        assert!(!dir.join("src/user.rs").exists(), "nothing written at all");
        fs::remove_dir_all(&dir).unwrap();
        fs::remove_dir_all(&outside).unwrap();
    }

    #[test]
    fn refuses_paths_that_leave_the_project() {
        let dir = temp_dir("dotdot");
        let mut plan = Plan::default();
        plan.add("../escape.txt", "x", Ownership::Generated);
        assert!(apply(&dir, &plan, Mode::Write).is_err());
        assert!(!dir.parent().unwrap().join("escape.txt").exists());
    }

    #[test]
    fn a_file_as_root_is_an_error() {
        let dir = temp_dir("file-root");
        fs::write(&dir, "I am a file").unwrap();
        let err = apply(&dir, &plan(), Mode::Write).unwrap_err();
        assert!(err.to_string().contains("not a directory"), "{err}");
        fs::remove_file(&dir).unwrap();
    }
}
