//! The type library writer: a model as an MSFT type library (`.tlb`), the format MIDL
//! and widl `-t` write and `LoadTypeLib` reads.
//!
//! The bytes follow widl's write_msft.c field by field, so a library written here and
//! one widl writes from the same IDL load the same. Unlike widl's, the file records no
//! creation time (widl's custom data "Created by WIDL ... at <time>"): equal models give
//! equal bytes.

mod build;
mod encode;
pub mod hash;
mod members;
mod tables;
mod typeinfo;

use crate::model::guid::Guid;
use crate::model::{Library, Model};
use crate::typelib::format::{self, MSFT_MAGIC, MSFT_VERSION, Segment, TYPEINFO_OFFSET_SIZE, header, segdir, syskind};
use crate::typelib::writer::build::Builder;

/// The order widl writes the segments in after the segment directory (not their
/// directory order); the two reserved segments are always empty.
const SEGMENTS_IN_FILE_ORDER: [Segment; 13] = [
    Segment::TypeInfo,
    Segment::GuidHash,
    Segment::Guid,
    Segment::RefTab,
    Segment::ImpInfo,
    Segment::ImpFiles,
    Segment::NameHash,
    Segment::Name,
    Segment::String,
    Segment::TypeDesc,
    Segment::ArrayDesc,
    Segment::CustData,
    Segment::CdGuids,
];

/// The LCID the library declares, and the locale its names are hashed in: US English.
const LIBRARY_LCID: i32 = 0x0409;

/// What the library is and which platform it describes.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The library to write when the inputs declare several, or the name of the library
    /// made of the inputs' interfaces when they declare none.
    pub name: Option<String>,
    /// The LIBID, when the inputs declare no library (or to override the declared one).
    pub libid: Option<Guid>,
    /// `major.minor`, when the inputs declare no library or no version.
    pub version: Option<String>,
    /// SYS_WIN32 (4-byte pointers) rather than SYS_WIN64.
    pub win32: bool,
    /// Interfaces described besides the library's own members: a project's implemented
    /// ones, whose IDispatch the library backs even when the library does not name them.
    pub also: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the inputs declare no `library`: pass --name and --libid to make one of their interfaces")]
    NoLibrary,
    #[error("the inputs declare {} libraries ({}): choose one with --name", .0.len(), .0.join(", "))]
    ManyLibraries(Vec<String>),
    #[error("the inputs declare no library `{0}`")]
    UnknownLibrary(String),
    #[error("library `{0}` has no uuid: pass --libid")]
    NoLibid(String),
    #[error("`{0}` is not a version: expected major.minor, as 1.0")]
    Version(String),
    #[error("`{0}` cannot be described in a type library (an unknown, opaque or function type)")]
    Type(String),
    #[error("`{0}` holds itself by value, so it has no size")]
    HoldsItself(String),
    #[error("defaultvalue({0}) is not an integer or string constant")]
    Default(String),
    #[error("the name `{0}` cannot be stored in a type library (empty, or longer than 255 bytes)")]
    Name(String),
    #[error("dispinterface `{0}` is the dispatch view of `{1}` (`interface {1};`), which is not declared")]
    DispatchView(String, String),
}

/// What was written.
#[derive(Debug)]
pub struct Written {
    pub bytes: Vec<u8>,
    pub name: String,
    pub typeinfos: usize,
}

fn parse_version(text: &str) -> Result<i32, Error> {
    let err = || Error::Version(text.to_string());
    let (major, minor) = text.trim().split_once('.').unwrap_or((text.trim(), "0"));
    let major: u16 = major.trim().parse().map_err(|_| err())?;
    let minor: u16 = minor.trim().parse().map_err(|_| err())?;
    Ok(i32::from(major) | (i32::from(minor) << 16))
}

/// Writes the library the inputs declare (or, with none, one of their own interfaces).
pub fn write(model: &Model, options: &Options) -> Result<Written, Error> {
    // Imports declare libraries too (msxml's, for a file importing ocidl.idl): the inputs'
    // own are those they declare, even empty (vsprov.idl's holds only an importlib).
    let own: Vec<Library> = model.libraries.iter().filter(|l| l.root).cloned().collect();
    let candidates = if own.is_empty() || options.name.is_some() {
        &model.libraries
    } else {
        &own
    };
    let declared = match (&options.name, candidates.as_slice()) {
        (_, []) => None,
        (None, [one]) => Some(one),
        (None, many) => return Err(Error::ManyLibraries(many.iter().map(|l| l.name.clone()).collect())),
        (Some(name), many) => match many.iter().find(|l| &l.name == name) {
            Some(l) => Some(l),
            None if options.libid.is_some() => None,
            None => return Err(Error::UnknownLibrary(name.clone())),
        },
    };
    let name = match (declared, &options.name) {
        (Some(l), _) => l.name.clone(),
        (None, Some(n)) => n.clone(),
        (None, None) => return Err(Error::NoLibrary),
    };
    let libid = options
        .libid
        .or(declared.and_then(|l| l.libid))
        .ok_or_else(|| match declared {
            Some(_) => Error::NoLibid(name.clone()),
            None => Error::NoLibrary,
        })?;
    let version = match options
        .version
        .as_deref()
        .or(declared.and_then(|l| l.version.as_deref()))
    {
        Some(v) => parse_version(v)?,
        None => 0,
    };
    let ptr = if options.win32 { 4 } else { 8 };
    let mut b = Builder::new(model, ptr);
    // The order of widl's create_msft_typelib: LIBID, then the library's name.
    let posguid = b.t.alloc_guid(libid, -2) as i32;
    let name_offset = b.t.alloc_name(members::checked_name(&name)?) as i32;
    match declared {
        Some(lib) => {
            for member in &lib.interfaces {
                if let Some(iface) = model.interface(member) {
                    b.add_interface(iface)?;
                }
            }
            for class in &lib.coclasses {
                b.add_coclass(class)?;
            }
        }
        None => {
            for iface in model.root_interfaces() {
                b.add_interface(iface)?;
            }
        }
    }
    for iface in options.also.iter().filter_map(|n| model.interface(n)) {
        b.add_interface(iface)?;
    }
    let syskind = if options.win32 { syskind::WIN32 } else { syskind::WIN64 };
    let header = [
        MSFT_MAGIC as i32,
        MSFT_VERSION as i32,
        posguid,
        LIBRARY_LCID,
        0, // lcid2
        (header::VARFLAGS_BASE | syskind) as i32,
        version,
        0, // flags
        b.infos.len() as i32,
        -1, // helpstring
        0,  // helpstringcontext
        0,  // helpcontext
        b.t.name_count,
        b.t.name_chars,
        name_offset,
        -1,   // helpfile
        -1,   // CustomDataOffset: no creation time, no tool version
        0x20, // res44
        0x80, // res48
        b.dispatchpos,
        b.t.impinfo_count,
    ];
    let typeinfos = b.infos.len();
    let mut bytes = serialize(&mut b, &header);
    bytes.shrink_to_fit();
    Ok(Written { bytes, name, typeinfos })
}

/// `save_all_changes`: header, typeinfo offsets, segment directory, segments, records.
fn serialize(b: &mut Builder<'_>, header: &[i32]) -> Vec<u8> {
    let n = b.infos.len();
    b.t.segments[Segment::TypeInfo as usize] = vec![0; n * format::typeinfo::SIZE];
    let mut pos = header::SIZE + segdir::SIZE + n * TYPEINFO_OFFSET_SIZE;
    let mut directory = [(-1i32, 0i32); segdir::COUNT];
    for seg in SEGMENTS_IN_FILE_ORDER {
        let len = b.t.segments[seg as usize].len();
        if len > 0 {
            directory[seg as usize] = (pos as i32, len as i32);
        }
        pos += len;
    }
    let mut memoffset = pos as i32;
    for ti in &mut b.infos {
        ti.memoffset = memoffset;
        memoffset += ti.records_size();
    }
    let bases: Vec<u8> = b.infos.iter().flat_map(|ti| ti.base_bytes()).collect();
    b.t.segments[Segment::TypeInfo as usize] = bases;
    let mut out = Vec::with_capacity(memoffset as usize);
    for w in header {
        out.extend_from_slice(&w.to_le_bytes());
    }
    for i in 0..n {
        out.extend_from_slice(&((i * format::typeinfo::SIZE) as i32).to_le_bytes());
    }
    for (offset, len) in directory {
        for w in [offset, len, -1, 0x0f] {
            out.extend_from_slice(&w.to_le_bytes());
        }
    }
    for seg in SEGMENTS_IN_FILE_ORDER {
        out.extend_from_slice(&b.t.segments[seg as usize]);
    }
    for ti in &b.infos {
        ti.write_records(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn versions_are_major_then_minor() {
        assert_eq!(parse_version("1.2").unwrap(), 1 | (2 << 16));
        assert_eq!(parse_version("3").unwrap(), 3);
        assert!(parse_version("1.x").is_err());
        assert!(parse_version("70000.0").is_err());
    }
}
