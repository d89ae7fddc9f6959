//! `importlib("name.tlb")`: the type libraries an IDL library block imports. Reading a
//! type library is another front end's work, so the IDL front end asks for one through
//! [`TypeLibraries`], which the loader (`crate::load`) provides; without it, as with no
//! file of that name on the search path, oscgen's stand-ins (stdole2.tlb, stdole32.tlb)
//! are imported instead and any other library brings nothing.

use std::path::Path;

use crate::model::ModelParts;

/// Why a type library that was found could not be read: the reader's own error, kept as
/// the source of the IDL error that points at the `importlib`.
pub type ReadError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Reads the type library at a path into the declarations an importing IDL file sees.
pub trait TypeLibraries {
    fn read(&self, path: &Path) -> Result<ImportedLibrary, ReadError>;
}

/// What a type library declares, none of it the importing file's own: no roots, no
/// root constants, and no `library` entry (the importer's library is the one it builds).
#[derive(Debug, Default)]
pub struct ImportedLibrary {
    pub parts: ModelParts,
    /// Whether its declarations use names it does not declare (HRESULT, BSTR, VARIANT:
    /// the SDK's, which a type library refers to by its built-in types). The importing
    /// file then imports `oaidl.idl` too, as oscgen's stand-in for stdole2.tlb does.
    pub uses_sdk_names: bool,
}

/// The name an `importlib` string is looked up by: its last path component, since a
/// type library is searched for in directories, not at the path the IDL's author had.
pub fn file_name(importlib: &str) -> &str {
    importlib.rsplit(['/', '\\']).next().unwrap_or(importlib)
}
