//! The names WinMD conventions give things: namespaces of the attributes oscgen reads
//! and writes, and the COM vocabulary the Win32 metadata already declares.
//!
//! Written files follow the Win32 metadata's conventions (the ones windows-bindgen
//! reads), so a written file needs no companion of its own: the names below resolve
//! against the Windows.Win32.winmd that windows-bindgen ships.

/// The namespace of everything in the Win32 metadata windows-bindgen 0.100 ships (it is flat).
pub const WIN32: &str = "Windows.Win32";

/// Namespaces under this prefix are the Windows SDK's (the Win32 and WinRT metadata).
pub const SDK_NAMESPACE_PREFIX: &str = "Windows.";

/// Where the Win32 metadata keeps its own attribute types (`NativeTypedefAttribute`, ...).
pub const WIN32_METADATA: &str = "Windows.Win32.Metadata";

/// The interface-ID attribute of WinRT and Win32 metadata: the GUID's fields as arguments.
pub const GUID_ATTRIBUTE_WINRT: (&str, &str) = ("Windows.Foundation.Metadata", "GuidAttribute");

/// The interface-ID attribute of .NET interop assemblies: the GUID as a string.
pub const GUID_ATTRIBUTE_DOTNET: (&str, &str) = ("System.Runtime.InteropServices", "GuidAttribute");

/// The namespace of .NET's COM interop attributes.
pub const INTEROP: &str = "System.Runtime.InteropServices";

/// `[DispId(n)]`: a member's DISPID.
pub const DISPID_ATTRIBUTE: &str = "DispIdAttribute";

/// `[LCIDConversion(n)]`: where the COM call takes the `[lcid]` argument the managed
/// signature leaves out.
pub const LCID_CONVERSION_ATTRIBUTE: &str = "LCIDConversionAttribute";

/// .NET's `[InterfaceType(ComInterfaceType)]`: whether an interop interface derives from
/// IUnknown or IDispatch (its base is implicit, not an InterfaceImpl row).
pub const INTERFACE_TYPE_ATTRIBUTE: &str = "InterfaceTypeAttribute";

/// A single-field struct that stands for a C typedef (`HRESULT`, `BSTR`, `DATE`).
pub const NATIVE_TYPEDEF: &str = "NativeTypedefAttribute";

/// The parameter MIDL marks `[retval]`.
pub const RETVAL: &str = "RetValAttribute";

/// `size_is(count)`: the parameter is an array whose length another parameter holds.
pub const NATIVE_ARRAY_INFO: &str = "NativeArrayInfoAttribute";

/// `byte_count(size)`: the parameter is a buffer whose byte size another parameter holds.
pub const MEMORY_SIZE: &str = "MemorySizeAttribute";

/// oscgen's own attribute: the element type of a `SAFEARRAY(T)` parameter or field, which
/// Win32 metadata spells as a bare `SAFEARRAY*`. Other readers ignore it.
pub const SAFEARRAY_ATTRIBUTE: (&str, &str) = ("Oscgen.Metadata", "SafeArrayAttribute");

/// The class that holds a namespace's constants as literal fields (Win32 convention).
pub const APIS: &str = "Apis";

/// Model type names that the Win32 metadata declares with the same meaning. A written
/// file refers to these instead of declaring its own copy, so windows-bindgen maps them
/// onto windows-core's types (`HRESULT`, `BSTR`) as it does for the Windows API.
pub const WIN32_VALUE_TYPES: &[&str] = &[
    "HRESULT",
    "BSTR",
    "VARIANT_BOOL",
    "SAFEARRAY",
    "SAFEARRAYBOUND",
    "VARIANT",
];

/// `GUID` is `System.Guid` in every ECMA-335 file.
pub const GUID: (&str, &str) = ("System", "Guid");

/// The WinMD spelling of a model name. The model keeps C's tag namespace apart
/// (`struct _ADRPARM`, `union __anonymous2`, the target of `typedef struct X X;`); WinMD
/// has one namespace of type names, as the Win32 metadata spells C's: the bare tag.
pub fn winmd_name(model_name: &str) -> &str {
    ["struct ", "union ", "enum "]
        .iter()
        .find_map(|keyword| model_name.strip_prefix(keyword))
        .unwrap_or(model_name)
}
