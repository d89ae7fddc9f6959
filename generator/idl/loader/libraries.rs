//! `importlib` in the loader: finding the type library an `importlib` names and handing
//! what it declares to lowering, or falling back to oscgen's stand-in.

use std::rc::Rc;

use crate::builtin;
use crate::diagnostic::Diagnostic;
use crate::idl::Error;
use crate::idl::ast::StrLit;
use crate::idl::finder::Resolved;
use crate::idl::importlib::{self, ImportedLibrary};
use crate::idl::loader::{Done, Imported, Loader};
use crate::idl::lower::ParsedFile;

impl Loader<'_, '_> {
    /// What an `importlib` brings: the type library of that name found where an import
    /// would be (the importing file's directory, then `-I`, any letter case), read by the
    /// session's reader; else oscgen's stand-in of that name; else nothing, as before
    /// type libraries were read. Older widl looked an importlib up on its include path
    /// too; current widl searches only its `-L` directories and Wine's own library
    /// directory. oscgen has no `-L`: one search path for both keeps the command line
    /// and oscgen.toml's `include_dirs` as they are.
    pub(super) fn import_lib(&mut self, import: &StrLit) -> Result<Option<Imported>, Error> {
        let name = importlib::file_name(&import.value);
        if !self.seen_names.insert(name.to_ascii_lowercase()) {
            return Ok(None);
        }
        let stand_in = builtin::typelib(name).map(|s| Imported::File(Resolved::Builtin(s.name)));
        let Some(libraries) = self.session.libraries else {
            return Ok(stand_in);
        };
        let from = self.sources.use_site(import.span).file;
        let Some(Resolved::Disk(path)) = self.session.finder.find(self.sources, name, from, false) else {
            if stand_in.is_none()
                && let Done::Lower(lowering) = &mut self.done
            {
                lowering.library_not_found(name, import.span);
            }
            return Ok(stand_in);
        };
        let Resolved::Disk(key) = self.key(&Resolved::Disk(path.clone())) else {
            unreachable!("a file on disk keys as one");
        };
        if let Some(lib) = self.session.read_libraries.get(&key) {
            return Ok(Some(Imported::Library(lib.clone())));
        }
        match libraries.read(&path) {
            Ok(lib) => {
                let lib = Rc::new(lib);
                self.session.read_libraries.insert(key, lib.clone());
                Ok(Some(Imported::Library(lib)))
            }
            Err(source) => {
                let mut at = Diagnostic::at(import.span, format!("cannot import type library `{name}`: {source}"))
                    .with_label(import.span, format!("found as {}", path.display()));
                if stand_in.is_some() {
                    at = at.with_note(format!(
                        "without a `{name}` on the search path oscgen's stand-in for it is imported"
                    ));
                }
                Err(Error::ImportLib {
                    at: Box::new(at),
                    source,
                })
            }
        }
    }

    /// Hands a type library's declarations to lowering, in import order.
    pub(super) fn library(&mut self, lib: Rc<ImportedLibrary>) {
        match &mut self.done {
            Done::Collect(files) => files.push(ParsedFile {
                items: Rc::default(),
                is_root: false,
                library: Some(lib),
            }),
            Done::Lower(lowering) => lowering.library(&lib),
        }
    }
}
