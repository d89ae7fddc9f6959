//! Which header declares each interface the client calls, and where the header comes from.
//!
//! In order: oscgen's stand-ins for the SDK's IDL (unknwn.idl, oaidl.idl, ...) map to the
//! SDK header of the same name; an interface of oscgen's built-in sets (osc.idl, mapi.idl)
//! gets the header widl writes from a copy of the set; then, given the SDK's include
//! directory (mingw-w64's), the header there that declares the interface's C vtable struct
//! (`typedef struct IFooVtbl`) or, failing that, declares it with the SDK's
//! `DECLARE_INTERFACE` macros (shlobj.h does so for IShellIconOverlayIdentifier); an
//! interface read from an IDL file gets the header widl writes from that file; and, given a
//! directory of the SDK's IDL, the header widl writes from the IDL file there that defines
//! the interface (credentialprovider.idl, whose header Debian's mingw-w64 lacks).
//!
//! The SDK's macros declare an interface for C as a vtable struct of its own methods only,
//! without IUnknown's three: a C client would call the wrong slots. Such an interface is
//! called as C++ (the macros then declare a class whose virtual methods follow IUnknown's).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use memchr::memmem;

use crate::builtin;
use crate::model::Model;

/// A header the client includes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Header {
    /// `osc.h`, `unknwn.h`.
    pub name: String,
    pub source: HeaderSource,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HeaderSource {
    /// An SDK header of the compiler (mingw-w64's): `#include <...>`.
    System,
    /// widl writes it from one of oscgen's built-in IDL files, whose name and text these are.
    Builtin(&'static str, &'static str),
    /// widl writes it from this IDL file of the project.
    Idl(PathBuf),
    /// widl writes it from this IDL file of the SDK's (the `--sdk-idl` directory).
    SdkIdl(PathBuf),
}

/// Where the SDK's declarations are looked for: `oscgen probe-client --sdk-include DIR
/// --sdk-idl DIR`.
#[derive(Clone, Debug, Default)]
pub struct Sdk {
    /// The SDK's C headers: /usr/share/mingw-w64/include.
    pub include: Option<PathBuf>,
    /// The SDK's IDL files, for the headers the include directory lacks.
    pub idl: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    #[error("no header declares {interface} (read from {origin})\n  = {hint}")]
    NotFound {
        interface: String,
        origin: String,
        hint: String,
    },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// The headers the client includes, and why it must be compiled as C++ if it must.
#[derive(Debug, Default)]
pub struct Headers {
    pub headers: Vec<Header>,
    /// `(interface, header)` for each interface only the SDK's macros declare.
    pub cplusplus: Vec<(String, String)>,
}

/// What an SDK include directory declares of one interface.
#[derive(Debug, Default)]
struct Declared {
    /// Headers with the C vtable struct (`typedef struct IFooVtbl {`).
    vtbl: Vec<String>,
    /// Headers that declare it with `DECLARE_INTERFACE...(IFoo, ...)`.
    macros: Vec<String>,
    /// Headers with `DEFINE_GUID(IID_IFoo, ...)`.
    guid: Vec<String>,
}

/// The headers declaring `interfaces` (each once, in name order).
pub fn resolve(model: &Model, interfaces: &[&String], sdk: &Sdk) -> Result<Headers, HeaderError> {
    let mut found = Headers::default();
    let mut set: BTreeSet<Header> = BTreeSet::new();
    let mut search: Vec<&str> = Vec::new();
    for name in interfaces {
        let Some(iface) = model.interface(name) else { continue };
        if iface.origin.stand_in || iface.origin.builtin {
            if let Some(h) = from_idl(model, name) {
                set.insert(h);
            }
        } else {
            search.push(name);
        }
    }
    let declared = match &sdk.include {
        Some(dir) if !search.is_empty() => scan_include(dir, &search)?,
        _ => BTreeMap::new(),
    };
    for name in search {
        let origin = model
            .interface(name)
            .map(|i| i.origin.file.to_string())
            .unwrap_or_default();
        let preferred = origin_stem(&origin).map(|s| format!("{s}.h"));
        if let Some(d) = declared.get(name) {
            // The header named as the interface's IDL file, else one that also defines the
            // IID (ocidl.h, rather than datapath.h's second declaration), else the first.
            let pick = |list: &Vec<String>| -> Option<String> {
                preferred
                    .as_ref()
                    .filter(|p| list.contains(p))
                    .or_else(|| list.iter().find(|h| d.guid.contains(h)))
                    .or_else(|| list.first())
                    .cloned()
            };
            let header = pick(&d.vtbl).or_else(|| {
                let h = pick(&d.macros)?;
                found.cplusplus.push((name.to_string(), h.clone()));
                Some(h)
            });
            if let Some(header) = header {
                set.insert(Header {
                    name: header.clone(),
                    source: HeaderSource::System,
                });
                // The IID: from the same header, else from the one that defines it (shlguid.h).
                if !d.guid.contains(&header)
                    && let Some(g) = pick(&d.guid)
                {
                    set.insert(Header {
                        name: g,
                        source: HeaderSource::System,
                    });
                }
                continue;
            }
        }
        if let Some(h) = from_idl(model, name) {
            set.insert(h);
            continue;
        }
        if let Some(dir) = &sdk.idl
            && let Some(idl) = scan_idl(dir, name)?
        {
            let stem = origin_stem(&idl.to_string_lossy()).unwrap_or(name).to_string();
            set.insert(Header {
                name: format!("{stem}.h"),
                source: HeaderSource::SdkIdl(idl),
            });
            continue;
        }
        return Err(HeaderError::NotFound {
            interface: name.to_string(),
            origin,
            hint: match (&sdk.include, &sdk.idl) {
                (None, _) => "pass --sdk-include DIR (the SDK's C headers: /usr/share/mingw-w64/include) \
                    and, for headers it lacks, --sdk-idl DIR (the SDK's IDL files)"
                    .to_string(),
                (Some(include), None) => format!(
                    "no header of {} declares it: pass --sdk-idl DIR (the SDK's IDL files) for widl to write its header",
                    include.display()
                ),
                (Some(include), Some(idl)) => format!(
                    "no header of {} declares it, and no IDL file of {} defines it",
                    include.display(),
                    idl.display()
                ),
            },
        });
    }
    found.headers = set.into_iter().collect();
    Ok(found)
}

/// `shobjidl` of `../corpus/shobjidl.idl`.
fn origin_stem(file: &str) -> Option<&str> {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    base.strip_suffix(".idl")
}

/// The header widl writes from the IDL file an interface was read from (or, for a
/// stand-in, the SDK's header of the same name). None for an interface not read from IDL.
fn from_idl(model: &Model, name: &str) -> Option<Header> {
    let iface = model.interface(name)?;
    let file: &str = &iface.origin.file;
    let stem = origin_stem(file)?;
    let header = format!("{stem}.h");
    let source = if iface.origin.stand_in {
        HeaderSource::System
    } else if iface.origin.builtin {
        let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
        let set = builtin::SETS.iter().find(|s| s.name == base)?;
        HeaderSource::Builtin(set.name, set.text)
    } else {
        HeaderSource::Idl(PathBuf::from(file))
    };
    Some(Header { name: header, source })
}

/// The files of `dir` ending in `ext`, in name order.
fn files(dir: &Path, ext: &str) -> Result<Vec<(String, PathBuf)>, HeaderError> {
    let io = |source| HeaderError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut list = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if name.ends_with(ext) && path.is_file() {
            list.push((name, path));
        }
    }
    list.sort();
    Ok(list)
}

fn read(path: &Path) -> Result<Vec<u8>, HeaderError> {
    std::fs::read(path).map_err(|source| HeaderError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// What the headers of `dir` declare of each of `names`.
fn scan_include(dir: &Path, names: &[&str]) -> Result<BTreeMap<String, Declared>, HeaderError> {
    let mut out: BTreeMap<String, Declared> = BTreeMap::new();
    for (file, path) in files(dir, ".h")? {
        let text = read(&path)?;
        for name in names {
            if memmem::find(&text, name.as_bytes()).is_none() {
                continue;
            }
            let d = out.entry(name.to_string()).or_default();
            if memmem::find(&text, format!("typedef struct {name}Vtbl {{").as_bytes()).is_some() {
                d.vtbl.push(file.clone());
            }
            if macro_declares(&text, name) {
                d.macros.push(file.clone());
            }
            let guid = format!("IID_{name},");
            if memmem::find_iter(&text, guid.as_bytes()).any(|at| preceded_by_define_guid(&text[..at])) {
                d.guid.push(file.clone());
            }
        }
    }
    Ok(out)
}

/// `DECLARE_INTERFACE_IID_ (IFoo, IUnknown, "...")`, `DECLARE_INTERFACE_(IFoo, IUnknown)`,
/// `DECLARE_INTERFACE (IFoo)`.
fn macro_declares(text: &[u8], name: &str) -> bool {
    memmem::find_iter(text, b"DECLARE_INTERFACE").any(|at| {
        let rest = &text[at + b"DECLARE_INTERFACE".len()..];
        let rest = rest.strip_prefix(b"_IID").unwrap_or(rest);
        let rest = rest.strip_prefix(b"_").unwrap_or(rest);
        let rest = trim_start(rest);
        let Some(rest) = rest.strip_prefix(b"(") else {
            return false;
        };
        let Some(rest) = trim_start(rest).strip_prefix(name.as_bytes()) else {
            return false;
        };
        matches!(trim_start(rest).first(), Some(b',' | b')'))
    })
}

/// Whether `before` ends in `DEFINE_GUID(` (spaces allowed before the parenthesis).
fn preceded_by_define_guid(before: &[u8]) -> bool {
    let before = trim_end(before);
    let Some(before) = before.strip_suffix(b"(") else {
        return false;
    };
    trim_end(before).ends_with(b"DEFINE_GUID")
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

fn trim_end(s: &[u8]) -> &[u8] {
    let n = s.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
    &s[..s.len() - n]
}

/// The IDL file of `dir` that defines `interface IFoo : IBase`, the first in name order.
fn scan_idl(dir: &Path, name: &str) -> Result<Option<PathBuf>, HeaderError> {
    let pattern = format!("interface {name}");
    for (_, path) in files(dir, ".idl")? {
        let text = read(&path)?;
        let defines = memmem::find_iter(&text, pattern.as_bytes()).any(|at| {
            let rest = trim_start(&text[at + pattern.len()..]);
            rest.first() == Some(&b':')
        });
        if defines {
            return Ok(Some(path));
        }
    }
    Ok(None)
}
