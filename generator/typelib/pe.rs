//! Type libraries inside PE files (DLL, OCX, EXE): the `TYPELIB` resources, found through
//! the `object` crate's PE reader, and the CLI header that tells a .NET assembly (whose
//! metadata the WinMD front end reads) from a native DLL.

use object::LittleEndian as LE;
use object::pe;
use object::read::pe::{ImageNtHeaders, PeFile, PeFile32, PeFile64, ResourceDirectory, ResourceNameOrId};

/// What oscgen needs to know of a PE file.
#[derive(Debug, Default)]
pub struct PeTypeLibs<'a> {
    /// A CLI header: the file is a .NET assembly or a WinMD file.
    pub cli: bool,
    /// The `TYPELIB` resources, by resource ID (named ones get `None`), in directory order.
    pub typelibs: Vec<(Option<u16>, &'a [u8])>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PeError {
    #[error("is not a valid PE file: {0}")]
    Invalid(String),
    #[error("has no TYPELIB resource")]
    NoTypeLib,
    #[error("has no TYPELIB resource {0} (it has {1})")]
    NoSuchIndex(u16, String),
}

/// The CLI header and TYPELIB resources of the PE file `data`.
pub fn scan(data: &[u8]) -> Result<PeTypeLibs<'_>, PeError> {
    match object::FileKind::parse(data) {
        Ok(object::FileKind::Pe32) => scan_as::<pe::ImageNtHeaders32>(PeFile32::parse(data), data),
        Ok(object::FileKind::Pe64) => scan_as::<pe::ImageNtHeaders64>(PeFile64::parse(data), data),
        Ok(other) => Err(PeError::Invalid(format!("it is a {other:?} file"))),
        Err(e) => Err(PeError::Invalid(e.to_string())),
    }
}

fn scan_as<'a, H: ImageNtHeaders>(
    file: object::Result<PeFile<'a, H, &'a [u8]>>,
    data: &'a [u8],
) -> Result<PeTypeLibs<'a>, PeError> {
    let file = file.map_err(|e| PeError::Invalid(e.to_string()))?;
    let dirs = file.data_directories();
    let cli = dirs
        .get(pe::IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR)
        .is_some_and(|d| d.virtual_address.get(LE) != 0);
    let sections = file.section_table();
    let invalid = |e: object::Error| PeError::Invalid(e.to_string());
    let Some(rsrc) = dirs.resource_directory(data, &sections).map_err(invalid)? else {
        return Ok(PeTypeLibs {
            cli,
            typelibs: Vec::new(),
        });
    };
    let mut typelibs = Vec::new();
    for entry in rsrc.root().map_err(invalid)?.entries {
        let ResourceNameOrId::Name(name) = entry.name_or_id() else {
            continue;
        };
        if !name
            .to_string_lossy(rsrc)
            .map_err(invalid)?
            .eq_ignore_ascii_case("TYPELIB")
        {
            continue;
        }
        let Some(ids) = entry.data(rsrc).map_err(invalid)?.table() else {
            continue;
        };
        for id in ids.entries {
            let number = match id.name_or_id() {
                ResourceNameOrId::Id(n) => Some(n),
                ResourceNameOrId::Name(_) => None,
            };
            if let Some(bytes) = first_language(id, rsrc, &sections, data)? {
                typelibs.push((number, bytes));
            }
        }
    }
    Ok(PeTypeLibs { cli, typelibs })
}

/// A resource's data, in its first language (a TYPELIB resource has one).
fn first_language<'a>(
    entry: &pe::ImageResourceDirectoryEntry,
    rsrc: ResourceDirectory<'a>,
    sections: &object::read::pe::SectionTable<'a>,
    data: &'a [u8],
) -> Result<Option<&'a [u8]>, PeError> {
    let invalid = |e: object::Error| PeError::Invalid(e.to_string());
    let mut current = entry.data(rsrc).map_err(invalid)?;
    // ID level, then language level, then the data entry: at most two tables deep.
    for _ in 0..2 {
        match current {
            object::read::pe::ResourceDirectoryEntryData::Table(t) => {
                let Some(first) = t.entries.first() else {
                    return Ok(None);
                };
                current = first.data(rsrc).map_err(invalid)?;
            }
            object::read::pe::ResourceDirectoryEntryData::Data(d) => {
                let rva = d.offset_to_data.get(LE);
                let size = d.size.get(LE) as usize;
                let bytes = sections
                    .pe_data_at(data, rva)
                    .filter(|b| b.len() >= size)
                    .ok_or_else(|| {
                        PeError::Invalid(format!("the TYPELIB resource at RVA {rva:#x} is outside the file"))
                    })?;
                return Ok(Some(&bytes[..size]));
            }
        }
    }
    Ok(None)
}

/// The TYPELIB resource `index` (as `file.dll#2` gives it), or the first one (LoadTypeLib
/// takes resource 1 when no index is given, which is the first one in practice).
pub fn select<'a>(libs: &PeTypeLibs<'a>, index: Option<u16>) -> Result<&'a [u8], PeError> {
    if libs.typelibs.is_empty() {
        return Err(PeError::NoTypeLib);
    }
    match index {
        None => Ok(libs
            .typelibs
            .iter()
            .find(|(id, _)| *id == Some(1))
            .unwrap_or(&libs.typelibs[0])
            .1),
        Some(n) => libs
            .typelibs
            .iter()
            .find(|(id, _)| *id == Some(n))
            .map(|(_, b)| *b)
            .ok_or_else(|| {
                let have: Vec<String> = libs
                    .typelibs
                    .iter()
                    .map(|(id, _)| id.map_or_else(|| "a named one".to_string(), |i| i.to_string()))
                    .collect();
                PeError::NoSuchIndex(n, have.join(", "))
            }),
    }
}
