//! `importlib` references: the libraries a library imports from, found by LIBID and major
//! version in the search directories (the file name the library records first, then
//! every `.tlb` and `.olb` there), read once each and lowered as imports (nothing in them
//! is a root). PE files are looked in only under the recorded name: a directory of DLLs
//! (Wine's holds 900, 670 MB) is not read whole to find one library.
//!
//! Nearly every library imports stdole2 (or stdole32) for IUnknown and IDispatch. When
//! neither is on the search path, the types it is referenced for are named by their GUID
//! from [`STDOLE`]: the loader then takes them from oscgen's stand-ins for the SDK, as
//! IDL's `importlib("stdole2.tlb")` does.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::model::ModelParts;
use crate::model::guid::Guid;
use crate::typelib::format::STDOLE_LIBID;
use crate::typelib::lower::{self, Lowered};
use crate::typelib::read::{self, Import, ImportedLib, TypeLib};

pub struct Resolver {
    dirs: Vec<PathBuf>,
    /// Every library read, by LIBID and major version.
    loaded: BTreeMap<(Guid, u16), TypeLib>,
    /// The imported libraries already lowered (or being lowered).
    lowered: BTreeSet<(Guid, u16)>,
    /// Libraries looked for and not found.
    absent: BTreeSet<(Guid, u16)>,
    /// What each file scanned holds, so a directory is read once.
    scanned: BTreeMap<PathBuf, Option<(Guid, u16)>>,
    imported: ModelParts,
    unresolved: Vec<String>,
}

impl Resolver {
    pub fn new(dirs: &[PathBuf]) -> Resolver {
        Resolver {
            dirs: dirs.to_vec(),
            loaded: BTreeMap::new(),
            lowered: BTreeSet::new(),
            absent: BTreeSet::new(),
            scanned: BTreeMap::new(),
            imported: ModelParts::default(),
            unresolved: Vec::new(),
        }
    }

    pub fn set_dirs(&mut self, dirs: Vec<PathBuf>) {
        self.dirs = dirs;
    }

    /// An input: its declarations are the input's, not an import's.
    pub fn add_loaded(&mut self, lib: &TypeLib) {
        if let Some(id) = lib.libid {
            self.lowered.insert((id, lib.major));
            self.loaded.entry((id, lib.major)).or_insert_with(|| lib.clone());
        }
    }

    /// `lib` lowered, with the libraries it imports from read and lowered as imports.
    pub fn lower_with_imports(&mut self, lib: &TypeLib, file: &str, root: bool) -> Lowered {
        for imp in &lib.imports {
            self.ensure(imp);
        }
        let loaded = &self.loaded;
        let names = |imp: &Import| name_in(loaded, lib, imp);
        let lowered = lower::lower(lib, file, root, &names);
        for n in &lowered.unresolved {
            if !self.unresolved.contains(n) {
                self.unresolved.push(n.clone());
            }
        }
        lowered
    }

    /// The imported libraries' declarations.
    pub fn take_imported(&mut self) -> ModelParts {
        std::mem::take(&mut self.imported)
    }

    pub fn unresolved(&self) -> &[String] {
        &self.unresolved
    }

    fn ensure(&mut self, imp: &ImportedLib) {
        let Some(id) = imp.guid else { return };
        let key = (id, imp.major);
        if self.lowered.contains(&key) || self.absent.contains(&key) {
            return;
        }
        let Some((path, lib)) = self.find(imp) else {
            self.absent.insert(key);
            return;
        };
        self.lowered.insert(key);
        self.loaded.insert(key, lib.clone());
        let lowered = self.lower_with_imports(&lib, &path.display().to_string(), false);
        let parts = lowered.parts;
        self.imported.interfaces.extend(parts.interfaces);
        self.imported.types.extend(parts.types);
        self.imported.constants.extend(parts.constants);
    }

    fn find(&mut self, imp: &ImportedLib) -> Option<(PathBuf, TypeLib)> {
        let id = imp.guid?;
        let wanted = (id, imp.major);
        // The recorded file name, in each directory; then everything there.
        // MIDL records a Windows path (`C:\Windows\System32\stdole2.tlb`) or a bare name.
        let recorded = imp
            .file_name
            .rsplit(['/', '\\'])
            .next()
            .filter(|n| !n.is_empty())
            .map(PathBuf::from);
        for dir in self.dirs.clone() {
            if let Some(name) = &recorded
                && let Some(found) = self.try_file(&dir.join(name), wanted)
            {
                return Some(found);
            }
        }
        for dir in self.dirs.clone() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|e| ["tlb", "olb"].iter().any(|x| e.eq_ignore_ascii_case(x)))
                })
                .collect();
            files.sort();
            for f in files {
                if let Some(found) = self.try_file(&f, wanted) {
                    return Some(found);
                }
            }
        }
        None
    }

    fn try_file(&mut self, path: &Path, wanted: (Guid, u16)) -> Option<(PathBuf, TypeLib)> {
        if let Some(known) = self.scanned.get(path)
            && *known != Some(wanted)
        {
            return None;
        }
        if !path.is_file() {
            return None;
        }
        let lib = super::library_bytes(path).ok().and_then(|(_, b)| read::read(&b).ok());
        let id = lib.as_ref().and_then(|l| l.libid.map(|g| (g, l.major)));
        self.scanned.insert(path.to_path_buf(), id);
        if id == Some(wanted) {
            lib.map(|l| (path.to_path_buf(), l))
        } else {
            None
        }
    }
}

/// The stdole types a library refers to by GUID that oscgen's stand-ins declare
/// (metadata/std: unknwn.idl, oaidl.idl, ocidl.idl, stdole2.idl), by GUID.
const STDOLE: &[(u128, &str)] = &[
    (0x00000000_0000_0000_c000_000000000046, "IUnknown"),
    (0x00020400_0000_0000_c000_000000000046, "IDispatch"),
    (0x00020404_0000_0000_c000_000000000046, "IEnumVARIANT"),
    (0xbef6e002_a874_101a_8bba_00aa00300cab, "IFont"),
    (0xbef6e003_a874_101a_8bba_00aa00300cab, "IFontDisp"),
    (0x7bf80980_bf32_101a_8bbb_00aa00300cab, "IPicture"),
    (0x7bf80981_bf32_101a_8bbb_00aa00300cab, "IPictureDisp"),
    (0x66504301_be0f_101a_8bbb_00aa00300cab, "OLE_COLOR"),
    (0x66504302_be0f_101a_8bbb_00aa00300cab, "OLE_XPOS_PIXELS"),
    (0x66504303_be0f_101a_8bbb_00aa00300cab, "OLE_YPOS_PIXELS"),
    (0x66504304_be0f_101a_8bbb_00aa00300cab, "OLE_XSIZE_PIXELS"),
    (0x66504305_be0f_101a_8bbb_00aa00300cab, "OLE_YSIZE_PIXELS"),
    (0xbf030640_9069_101b_ae2d_08002b2ec713, "OLE_XPOS_CONTAINER"),
    (0xbf030641_9069_101b_ae2d_08002b2ec713, "OLE_YPOS_CONTAINER"),
    (0xbf030642_9069_101b_ae2d_08002b2ec713, "OLE_XSIZE_CONTAINER"),
    (0xbf030643_9069_101b_ae2d_08002b2ec713, "OLE_YSIZE_CONTAINER"),
    (0x6650430b_be0f_101a_8bbb_00aa00300cab, "OLE_OPTEXCLUSIVE"),
    (0xbf030644_9069_101b_ae2d_08002b2ec713, "OLE_CANCELBOOL"),
    (0xbf030645_9069_101b_ae2d_08002b2ec713, "OLE_ENABLEDEFAULTBOOL"),
    (0x6650430a_be0f_101a_8bbb_00aa00300cab, "OLE_TRISTATE"),
    (0x6650430d_be0f_101a_8bbb_00aa00300cab, "FONTNAME"),
    (0x6650430e_be0f_101a_8bbb_00aa00300cab, "FONTSIZE"),
    (0x6650430f_be0f_101a_8bbb_00aa00300cab, "FONTBOLD"),
    (0x66504310_be0f_101a_8bbb_00aa00300cab, "FONTITALIC"),
    (0x66504311_be0f_101a_8bbb_00aa00300cab, "FONTUNDERSCORE"),
    (0x66504312_be0f_101a_8bbb_00aa00300cab, "FONTSTRIKETHROUGH"),
];

/// stdole's records have no GUID, so a library refers to them by index: stdole2 and
/// stdole32 (Microsoft's and Wine's alike) begin with these three.
const STDOLE_BY_INDEX: &[&str] = &["GUID", "DISPPARAMS", "EXCEPINFO"];

/// The name of the type `imp` refers to, in the imported library if it was found, else
/// from [`STDOLE`] for a stdole type.
fn name_in(loaded: &BTreeMap<(Guid, u16), TypeLib>, lib: &TypeLib, imp: &Import) -> Option<String> {
    let file = lib.imports.get(imp.file)?;
    let Some(other) = loaded.get(&(file.guid?, file.major)) else {
        if file.guid?.0 != STDOLE_LIBID {
            return None;
        }
        return match (imp.guid, imp.index) {
            (Some(guid), _) => STDOLE.iter().find(|(g, _)| *g == guid.0).map(|(_, n)| n.to_string()),
            (None, Some(i)) => STDOLE_BY_INDEX.get(i as usize).map(|n| n.to_string()),
            (None, None) => None,
        };
    };
    let ti = match (imp.guid, imp.index) {
        (Some(g), _) => other.typeinfos.iter().find(|t| t.guid == Some(g))?,
        (None, Some(i)) => other.typeinfos.get(i as usize)?,
        (None, None) => return None,
    };
    Some(ti.name.clone())
}
