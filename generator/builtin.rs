//! Metadata embedded in the oscgen binary, so it works from any directory with no SDK:
//! the OSC and MAPI interface sets, and oscgen's own stand-ins for the standard imports.

pub struct BuiltinFile {
    /// The name imports use (`oaidl.idl`).
    pub name: &'static str,
    /// The path in the repository's metadata/ folder, shown in diagnostics.
    pub path: &'static str,
    pub text: &'static str,
}

impl BuiltinFile {
    /// One of oscgen's stand-ins for an SDK file (or C header), not a built-in interface set.
    pub fn is_stand_in(&self) -> bool {
        !SETS.iter().any(|s| std::ptr::eq(s, self))
    }
}

macro_rules! builtin {
    ($name:literal, $path:literal) => {
        BuiltinFile {
            name: $name,
            path: $path,
            text: include_str!(concat!("../metadata/", $path)),
        }
    };
}

/// The interface sets oscgen generates from when no input is given.
pub const SETS: &[BuiltinFile] = &[
    builtin!("osc.idl", "osc.idl"),
    builtin!("mapi.idl", "mapi.idl"),
    builtin!("office.idl", "office.idl"),
];

/// Stand-ins for the SDK files real IDL imports. A directory given with `-I` takes precedence.
pub const STANDARD: &[BuiltinFile] = &[
    builtin!("wtypesbase.idl", "std/wtypesbase.idl"),
    builtin!("wtypes.idl", "std/wtypes.idl"),
    builtin!("unknwn.idl", "std/unknwn.idl"),
    builtin!("objidlbase.idl", "std/objidlbase.idl"),
    builtin!("objidl.idl", "std/objidl.idl"),
    builtin!("oaidl.idl", "std/oaidl.idl"),
    builtin!("oleidl.idl", "std/oleidl.idl"),
    builtin!("servprov.idl", "std/servprov.idl"),
    builtin!("ocidl.idl", "std/ocidl.idl"),
];

/// Stand-ins for type libraries, by the name `importlib("...")` gives: IDL declaring
/// what the library describes, imported when no library of that name is on the search
/// path. An `importlib` of any other name that is not on the path brings nothing.
pub const TYPELIBS: &[BuiltinFile] = &[
    builtin!("stdole2.tlb", "std/stdole2.idl"),
    builtin!("stdole32.tlb", "std/stdole32.idl"),
];

/// Stand-ins for C headers that IDL files import or include (`import "amva.h";`),
/// searched after the include directories. They hold the declarations IDL needs, written
/// in the IDL subset of C that widl reads from real headers.
pub const HEADERS: &[BuiltinFile] = &[builtin!("amva.h", "std/amva.h")];

/// What each built-in interface set describes, for `oscgen --version`.
pub const DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "osc.idl",
        "Outlook Social Connector provider interfaces, type library OutlookSocialProvider 1.1 (OSC 2013)",
    ),
    (
        "mapi.idl",
        "MAPI IMAPISession and the interfaces it hands out, x64 signatures of Microsoft's MAPIX.h",
    ),
    (
        "office.idl",
        "Office COM add-in interfaces: IDTExtensibility2, IRibbonExtensibility, IRibbonControl",
    ),
];

/// A built-in file by name, ignoring case as Windows file names do.
pub fn find(name: &str) -> Option<&'static BuiltinFile> {
    SETS.iter()
        .chain(STANDARD)
        .chain(HEADERS)
        .chain(TYPELIBS)
        .find(|f| f.name.eq_ignore_ascii_case(name))
}

/// The name diagnostics and `inspect` show for a built-in file: `<oscgen>/std/unknwn.idl`.
pub fn shown_name(file: &BuiltinFile) -> String {
    format!("<oscgen>/{}", file.path)
}

/// The built-in file a source map shows under `shown` ([`shown_name`]).
pub fn by_shown_name(shown: &str) -> Option<&'static BuiltinFile> {
    let path = shown.strip_prefix("<oscgen>/")?;
    SETS.iter()
        .chain(STANDARD)
        .chain(HEADERS)
        .chain(TYPELIBS)
        .find(|f| f.path == path)
}

/// The stand-in for the type library `importlib` names, ignoring case and any directory.
pub fn typelib(name: &str) -> Option<&'static BuiltinFile> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    TYPELIBS.iter().find(|f| f.name.eq_ignore_ascii_case(base))
}
