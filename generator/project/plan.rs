//! The file plan: every file a project should contain, and who owns it.

use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ownership {
    /// oscgen's: rewritten on every `generate`, compared by `generate --check`.
    Generated,
    /// The user's: written once; afterwards only missing method stubs are added.
    User,
}

/// An impl block oscgen keeps complete in a user file: the stubs of every method, so a
/// method the interface gains can be added to the user's block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StubImpl {
    /// `ISocialProvider_Impl`.
    pub trait_name: String,
    /// `Provider_Impl`.
    pub self_type: String,
    /// (method name, the stub's text indented for the impl block).
    pub methods: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedFile {
    /// Relative to the project root, `/`-separated.
    pub path: PathBuf,
    pub contents: Vec<u8>,
    pub ownership: Ownership,
    pub stubs: Vec<StubImpl>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
    /// What the slot probe's C client needs to know of the project.
    pub probe: crate::emit::probe::ProbeInfo,
}

impl Plan {
    pub fn add(&mut self, path: &str, contents: impl Into<Vec<u8>>, ownership: Ownership) -> &mut PlannedFile {
        self.files.push(PlannedFile {
            path: PathBuf::from(path),
            contents: contents.into(),
            ownership,
            stubs: Vec::new(),
        });
        self.files.last_mut().expect("just pushed")
    }

    pub fn get(&self, path: &str) -> Option<&PlannedFile> {
        self.files.iter().find(|f| f.path == std::path::Path::new(path))
    }
}
