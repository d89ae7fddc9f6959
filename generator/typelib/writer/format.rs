//! The MSFT type library format's constants, named as in Wine's typelib.h and oaidl.h.
//!
//! A library is a header ([`MSFT_HEADER_SIZE`] bytes), the offsets of its typeinfos, a
//! segment directory ([`MSFT_SEG_MAX`] entries of `MSFT_pSeg`), the segments themselves,
//! then each typeinfo's function and variable records.

/// `MSFT_Header.magic1`: "MSFT".
pub const MSFT_SIGNATURE: i32 = 0x5446_534d;
/// `MSFT_Header.magic2`: the format's version, as every MSFT writer stores it.
pub const MSFT_VERSION: i32 = 0x0001_0002;
/// `sizeof(MSFT_Header)`.
pub const MSFT_HEADER_SIZE: usize = 0x54;
/// `sizeof(MSFT_TypeInfoBase)`.
pub const MSFT_TYPEINFO_SIZE: usize = 0x64;
/// `sizeof(MSFT_GuidEntry)`: the GUID, its hreftype and the next entry in its hash chain.
pub const MSFT_GUID_ENTRY_SIZE: usize = 24;
/// `sizeof(MSFT_ImpInfo)`.
pub const MSFT_IMPINFO_SIZE: usize = 12;
/// `sizeof(MSFT_RefRecord)`: one implemented interface of a coclass.
pub const MSFT_REF_RECORD_SIZE: usize = 16;
/// Buckets of the GUID hash table (`MSFT_SEG_GUIDHASH`, 0x80 bytes).
pub const GUID_HASH_BUCKETS: usize = 32;
/// Buckets of the name hash table (`MSFT_SEG_NAMEHASH`, 0x200 bytes).
pub const NAME_HASH_BUCKETS: usize = 128;
/// The bytes that fill padding, as in every MSFT file ("W").
pub const PAD: u8 = 0x57;

/// `MSFT_ImpInfo.flags`: `oGuid` is the offset of the imported type's GUID.
pub const MSFT_IMPINFO_OFFSET_IS_GUID: i32 = 0x0001_0000;

/// Segment indices of `MSFT_SegDir` (enum MSFT_segment_index in widl).
pub const MSFT_SEG_TYPEINFO: usize = 0;
pub const MSFT_SEG_IMPORTINFO: usize = 1;
pub const MSFT_SEG_IMPORTFILES: usize = 2;
pub const MSFT_SEG_REFERENCES: usize = 3;
pub const MSFT_SEG_GUIDHASH: usize = 4;
pub const MSFT_SEG_GUID: usize = 5;
pub const MSFT_SEG_NAMEHASH: usize = 6;
pub const MSFT_SEG_NAME: usize = 7;
pub const MSFT_SEG_STRING: usize = 8;
pub const MSFT_SEG_TYPEDESC: usize = 9;
pub const MSFT_SEG_ARRAYDESC: usize = 10;
pub const MSFT_SEG_CUSTDATA: usize = 11;
pub const MSFT_SEG_CUSTDATAGUID: usize = 12;
pub const MSFT_SEG_MAX: usize = 15;

/// The order segments are laid out in the file (not their directory order).
pub const FILE_ORDER: [usize; 13] = [
    MSFT_SEG_TYPEINFO,
    MSFT_SEG_GUIDHASH,
    MSFT_SEG_GUID,
    MSFT_SEG_REFERENCES,
    MSFT_SEG_IMPORTINFO,
    MSFT_SEG_IMPORTFILES,
    MSFT_SEG_NAMEHASH,
    MSFT_SEG_NAME,
    MSFT_SEG_STRING,
    MSFT_SEG_TYPEDESC,
    MSFT_SEG_ARRAYDESC,
    MSFT_SEG_CUSTDATA,
    MSFT_SEG_CUSTDATAGUID,
];

/// SYSKIND, the low nibble of `MSFT_Header.varflags`.
pub const SYS_WIN32: i32 = 1;
pub const SYS_WIN64: i32 = 3;
/// `MSFT_Header.varflags` besides the SYSKIND.
pub const VARFLAGS_BASE: i32 = 0x40;
/// LCID of the library and the locale its names are hashed in: US English.
pub const LCID_EN_US: i32 = 0x0409;

/// TYPEKIND.
pub const TKIND_ENUM: i32 = 0;
pub const TKIND_RECORD: i32 = 1;
pub const TKIND_INTERFACE: i32 = 3;
pub const TKIND_DISPATCH: i32 = 4;
pub const TKIND_COCLASS: i32 = 5;
pub const TKIND_UNION: i32 = 7;

/// TYPEFLAGS.
pub const TYPEFLAG_FCANCREATE: i32 = 0x2;
pub const TYPEFLAG_FDUAL: i32 = 0x40;
pub const TYPEFLAG_FOLEAUTOMATION: i32 = 0x100;
pub const TYPEFLAG_FDISPATCHABLE: i32 = 0x1000;

/// IMPLTYPEFLAGS.
pub const IMPLTYPEFLAG_FDEFAULT: i32 = 0x1;
pub const IMPLTYPEFLAG_FSOURCE: i32 = 0x2;

/// FUNCKIND.
pub const FUNC_PUREVIRTUAL: i32 = 1;
pub const FUNC_DISPATCH: i32 = 4;

/// INVOKEKIND.
pub const INVOKE_FUNC: i32 = 1;
pub const INVOKE_PROPERTYGET: i32 = 2;
pub const INVOKE_PROPERTYPUT: i32 = 4;
pub const INVOKE_PROPERTYPUTREF: i32 = 8;

/// CALLCONV.
pub const CC_STDCALL: i32 = 4;

/// VARKIND.
pub const VAR_PERINSTANCE: i32 = 0;
pub const VAR_CONST: i32 = 2;
pub const VAR_DISPATCH: i32 = 3;

/// VARFLAGS.
pub const VARFLAG_FREADONLY: i32 = 0x1;

/// PARAMFLAGS.
pub const PARAMFLAG_FIN: i32 = 0x1;
pub const PARAMFLAG_FOUT: i32 = 0x2;
pub const PARAMFLAG_FLCID: i32 = 0x4;
pub const PARAMFLAG_FRETVAL: i32 = 0x8;
pub const PARAMFLAG_FOPT: i32 = 0x10;
pub const PARAMFLAG_FHASDEFAULT: i32 = 0x20;

/// VARTYPE.
pub const VT_EMPTY: i32 = 0;
pub const VT_I2: i32 = 2;
pub const VT_I4: i32 = 3;
pub const VT_R4: i32 = 4;
pub const VT_R8: i32 = 5;
pub const VT_CY: i32 = 6;
pub const VT_DATE: i32 = 7;
pub const VT_BSTR: i32 = 8;
pub const VT_DISPATCH: i32 = 9;
pub const VT_ERROR: i32 = 10;
pub const VT_BOOL: i32 = 11;
pub const VT_VARIANT: i32 = 12;
pub const VT_UNKNOWN: i32 = 13;
pub const VT_DECIMAL: i32 = 14;
pub const VT_I1: i32 = 16;
pub const VT_UI1: i32 = 17;
pub const VT_UI2: i32 = 18;
pub const VT_UI4: i32 = 19;
pub const VT_I8: i32 = 20;
pub const VT_UI8: i32 = 21;
pub const VT_INT: i32 = 22;
pub const VT_UINT: i32 = 23;
pub const VT_VOID: i32 = 24;
pub const VT_HRESULT: i32 = 25;
pub const VT_PTR: i32 = 26;
pub const VT_SAFEARRAY: i32 = 27;
pub const VT_CARRAY: i32 = 28;
pub const VT_USERDEFINED: i32 = 29;
pub const VT_LPSTR: i32 = 30;
pub const VT_LPWSTR: i32 = 31;
pub const VT_TYPEMASK: i32 = 0xfff;
pub const VT_ARRAY: i32 = 0x2000;
pub const VT_BYREF: i32 = 0x4000;

/// stdole2.tlb, where IUnknown and IDispatch live: LIBID and version 2.0.
pub const STDOLE2_LIBID: u128 = 0x00020430_0000_0000_c000_000000000046;
pub const STDOLE2_FILE: &str = "stdole2.tlb";
pub const IID_IUNKNOWN: u128 = 0x00000000_0000_0000_c000_000000000046;
pub const IID_IDISPATCH: u128 = 0x00020400_0000_0000_c000_000000000046;
pub const IID_IENUMVARIANT: u128 = 0x00020404_0000_0000_c000_000000000046;
