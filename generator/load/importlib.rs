//! The type libraries IDL files `importlib`: the IDL front end finds them on its search
//! path and asks this reader, which hands them to the type library front end. It lives
//! here because only the loader may combine two front ends.

use std::path::{Path, PathBuf};

use crate::idl::importlib::{ImportedLibrary, ReadError, TypeLibraries};
use crate::typelib;

/// Reads a type library with the `-I` directories searched for the libraries it imports
/// in turn (then its own directory, as for a type library input). Public for callers
/// that drive an IDL [`crate::idl::Session`] themselves.
pub struct TypeLibReader {
    search: Vec<PathBuf>,
}

impl TypeLibReader {
    pub fn new(include_dirs: &[PathBuf]) -> TypeLibReader {
        TypeLibReader {
            search: include_dirs.to_vec(),
        }
    }
}

impl TypeLibraries for TypeLibReader {
    fn read(&self, path: &Path) -> Result<ImportedLibrary, ReadError> {
        let extract = typelib::read_all(&[path], &self.search)?;
        let mut parts = extract.parts;
        // Imported: nothing in it is the importing file's own, and its library entry is
        // not the one the importer describes.
        parts.roots.clear();
        parts.libraries.clear();
        for c in &mut parts.constants {
            c.root = false;
        }
        Ok(ImportedLibrary {
            parts,
            uses_sdk_names: !extract.missing.is_empty(),
        })
    }
}
