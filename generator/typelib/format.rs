//! The MSFT type library format, as MIDL and widl write it and oleaut32 reads it: the
//! header, the segment directory, the typeinfo records, the function and variable
//! records, and the codes (VARTYPE, TYPEKIND, FUNCKIND, INVOKEKIND, flags) they hold.
//!
//! This module describes the format and nothing else, for the reader and the writer
//! alike: constants, record sizes and offsets, and small bounds-checked helpers to take
//! little-endian integers out of a byte slice. All integers are little-endian. Offsets
//! inside a segment are relative to the segment's start unless said otherwise; the
//! segment directory's offsets are relative to the start of the library (the `.tlb`
//! file, or the TYPELIB resource's data).
//!
//! The names follow Wine's `dlls/oleaut32/typelib.h`, which documents the format best.

/// `"MSFT"`, the first four bytes of an MSFT library.
pub const MSFT_MAGIC: u32 = 0x5446_534d;
/// `"SLTG"`, the first four bytes of the older format (16-bit era, still in some OCXs).
pub const SLTG_MAGIC: u32 = 0x4754_4c53;
/// The format version MIDL and widl write in the header's second field.
pub const MSFT_VERSION: u32 = 0x0001_0002;

/// The LIBID of stdole2 (version 2.0) and stdole32 (version 1.0), which share it: where
/// IUnknown and IDispatch live for every library that imports them.
pub const STDOLE_LIBID: u128 = 0x00020430_0000_0000_c000_000000000046;

/// The MEMBERID MIDL and widl give a function without `[id]`: 0x6000 plus the number of
/// interfaces the function's interface derives from in the high word, its index among
/// that interface's own functions in the low word. IDispatch serves the same numbers.
pub const fn default_memid(depth: i32, index: i32) -> i32 {
    ((0x6000 | depth) << 16) | index
}

/// The fixed header (`MSFT_Header`).
pub mod header {
    pub const SIZE: usize = 0x54;
    pub const MAGIC1: usize = 0x00;
    pub const MAGIC2: usize = 0x04;
    /// Offset of the LIBID in the GUID table, or -1.
    pub const POSGUID: usize = 0x08;
    pub const LCID: usize = 0x0c;
    pub const LCID2: usize = 0x10;
    /// Low nibble: SYSKIND. [`HELPDLL_FLAG`] says a help DLL offset follows the header.
    pub const VARFLAGS: usize = 0x14;
    /// Major version in the low word, minor in the high word.
    pub const VERSION: usize = 0x18;
    /// LIBFLAGS.
    pub const FLAGS: usize = 0x1c;
    pub const NRTYPEINFOS: usize = 0x20;
    pub const HELPSTRING: usize = 0x24;
    pub const HELPSTRINGCONTEXT: usize = 0x28;
    pub const HELPCONTEXT: usize = 0x2c;
    pub const NAMETABLECOUNT: usize = 0x30;
    pub const NAMETABLECHARS: usize = 0x34;
    /// The library's name: an offset in the name table.
    pub const NAME_OFFSET: usize = 0x38;
    pub const HELPFILE: usize = 0x3c;
    pub const CUSTOM_DATA_OFFSET: usize = 0x40;
    pub const RES44: usize = 0x44;
    pub const RES48: usize = 0x48;
    /// HREFTYPE of IDispatch, or -1.
    pub const DISPATCHPOS: usize = 0x4c;
    pub const NIMPINFOS: usize = 0x50;
    /// In [`VARFLAGS`]: a 4-byte help DLL name offset follows the header.
    pub const HELPDLL_FLAG: u32 = 0x100;
    /// In [`VARFLAGS`]: set by MIDL and widl in every library (meaning undocumented).
    pub const VARFLAGS_BASE: u32 = 0x40;
    pub const SYSKIND_MASK: u32 = 0xf;
}

/// After the header (and the optional help DLL offset): one 4-byte offset per typeinfo
/// into the typeinfo segment, then the segment directory.
pub const TYPEINFO_OFFSET_SIZE: usize = 4;

/// The segment directory (`MSFT_SegDir`): fifteen `MSFT_pSeg` entries.
pub mod segdir {
    pub const COUNT: usize = 15;
    /// offset, length, res08 (-1), res0c (0xf).
    pub const ENTRY_SIZE: usize = 16;
    pub const SIZE: usize = COUNT * ENTRY_SIZE;
}

/// The segments, in directory order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum Segment {
    /// [`typeinfo::SIZE`] bytes per typeinfo.
    TypeInfo = 0,
    /// [`impinfo::SIZE`] bytes per imported type.
    ImpInfo = 1,
    /// Imported libraries ([`impfile`]), variable size, 4-byte aligned.
    ImpFiles = 2,
    /// Implemented-interface lists ([`reftab`]).
    RefTab = 3,
    GuidHash = 4,
    /// [`guid_entry::SIZE`] bytes per GUID.
    Guid = 5,
    NameHash = 6,
    /// Names ([`name_entry`]).
    Name = 7,
    /// Strings: a 2-byte length, then the bytes.
    String = 8,
    /// Type descriptions ([`typedesc`]), 8 bytes each.
    TypeDesc = 9,
    /// Array descriptions ([`arraydesc`]).
    ArrayDesc = 10,
    /// Custom data and constant values ([`value`]).
    CustData = 11,
    CdGuids = 12,
    Res0e = 13,
    Res0f = 14,
}

/// A typeinfo record (`MSFT_TypeInfoBase`).
pub mod typeinfo {
    pub const SIZE: usize = 0x64;
    /// Low nibble: TYPEKIND; bits 11..16: alignment in bytes.
    pub const TYPEKIND: usize = 0x00;
    /// Offset in the library of the member block ([`super::members`]).
    pub const MEMOFFSET: usize = 0x04;
    /// Low word: number of functions; high word: number of variables.
    pub const CELEMENT: usize = 0x18;
    /// Offset of the typeinfo's GUID in the GUID table, or -1.
    pub const POSGUID: usize = 0x2c;
    /// TYPEFLAGS.
    pub const FLAGS: usize = 0x30;
    pub const NAME_OFFSET: usize = 0x34;
    pub const VERSION: usize = 0x38;
    pub const DOCSTRING: usize = 0x3c;
    pub const HELPSTRINGCONTEXT: usize = 0x40;
    pub const HELPCONTEXT: usize = 0x44;
    pub const CUSTDATA: usize = 0x48;
    /// 2 bytes: number of implemented interfaces.
    pub const CIMPLTYPES: usize = 0x4c;
    /// 2 bytes: vtable size in bytes, inherited slots included.
    pub const CBSIZEVFT: usize = 0x4e;
    /// Size in bytes of an instance (records, unions, enums).
    pub const SIZE_FIELD: usize = 0x50;
    /// Interfaces: HREFTYPE of the base. Coclasses: offset in the ref table. Aliases: the
    /// aliased type (a type code, see [`super::typedesc`]). Dispinterfaces: HREFTYPE of the
    /// interface a dual or wrapping dispinterface stands for, or -1.
    pub const DATATYPE1: usize = 0x54;
    pub const DATATYPE2: usize = 0x58;
    pub const KIND_MASK: u32 = 0xf;
    pub const ALIGN_SHIFT: u32 = 11;
    pub const ALIGN_MASK: u32 = 0x1f;
}

/// The member block of a typeinfo, at its `MEMOFFSET`: a 4-byte length `L` of the
/// records that follow, the function records then the variable records, then four
/// tables of `n = cFuncs + cVars` 4-byte entries each: MEMIDs, name offsets, record
/// offsets (relative to the first record) and, not read here, per-member extras.
pub mod members {
    /// The first 4 bytes of every record: low 16 bits (functions) or low 8 bits
    /// (variables) are the record's size, this word included.
    pub const INFO_SIZE: usize = 4;
}

/// A function record (`MSFT_FuncRecord`), offsets from the record's start (its Info word).
pub mod func {
    pub const DATATYPE: usize = 0x04;
    /// FUNCFLAGS in the low word.
    pub const FLAGS: usize = 0x08;
    /// 2 bytes: offset in the vtable, in bytes of 4-byte slots for 32-bit libraries and
    /// of 8-byte slots for 64-bit ones; bit 0 is a flag, not part of the offset.
    pub const VTABLE_OFFSET: usize = 0x0c;
    pub const FUNCDESC_SIZE: usize = 0x0e;
    /// See [`FKCCIC_FUNCKIND_MASK`] and the following constants.
    pub const FKCCIC: usize = 0x10;
    /// 2 bytes each.
    pub const NRARGS: usize = 0x14;
    pub const NROARGS: usize = 0x16;
    /// The fixed part; optional fields (help context, help string, entry, ...) follow,
    /// then one default value per argument when [`FKCCIC_HAS_DEFAULTS`], then the
    /// [`super::param`] records, which end the record.
    pub const FIXED_SIZE: usize = 0x18;
    pub const FKCCIC_FUNCKIND_MASK: u32 = 0x7;
    pub const FKCCIC_INVKIND_SHIFT: u32 = 3;
    pub const FKCCIC_INVKIND_MASK: u32 = 0xf;
    pub const FKCCIC_CUSTDATA: u32 = 0x80;
    pub const FKCCIC_CALLCONV_SHIFT: u32 = 8;
    pub const FKCCIC_CALLCONV_MASK: u32 = 0xf;
    pub const FKCCIC_HAS_DEFAULTS: u32 = 0x1000;
    pub const FKCCIC_ENTRY_IS_NUMERIC: u32 = 0x2000;
    pub const FKCCIC_HAS_RETVAL: u32 = 0x4000;
    pub const RECORD_SIZE_MASK: u32 = 0xffff;
}

/// A parameter record (`MSFT_ParameterInfo`): type code, name offset (or -1), PARAMFLAGS.
pub mod param {
    pub const SIZE: usize = 12;
    pub const DATATYPE: usize = 0;
    pub const NAME: usize = 4;
    pub const FLAGS: usize = 8;
}

/// A variable record (`MSFT_VarRecord`), offsets from the record's start.
pub mod var {
    pub const DATATYPE: usize = 0x04;
    /// VARFLAGS in the low word.
    pub const FLAGS: usize = 0x08;
    /// 2 bytes: VARKIND.
    pub const VARKIND: usize = 0x0c;
    /// Field offset in the instance (VAR_PERINSTANCE) or the value (VAR_CONST, see
    /// [`super::value`]).
    pub const OFFS_VALUE: usize = 0x10;
    pub const FIXED_SIZE: usize = 0x14;
    pub const RECORD_SIZE_MASK: u32 = 0xff;
}

/// An entry of the ref table (`MSFT_RefRecord`): a coclass's implemented interfaces.
pub mod reftab {
    pub const SIZE: usize = 16;
    pub const REFTYPE: usize = 0;
    /// IMPLTYPEFLAGS.
    pub const FLAGS: usize = 4;
    pub const CUSTDATA: usize = 8;
    /// Offset of the next entry, or -1.
    pub const NEXT: usize = 12;
}

/// The GUID hash table (the GuidHash segment): per bucket, the offset in the GUID table
/// of the first entry of its chain, or -1.
pub mod guid_hash {
    pub const BUCKETS: usize = 32;
}

/// An entry of the GUID table (`MSFT_GuidEntry`): the GUID, then its HREFTYPE and hash chain.
pub mod guid_entry {
    pub const SIZE: usize = 24;
    pub const HREFTYPE: usize = 16;
}

/// The name hash table (the NameHash segment): per bucket, the offset in the name table
/// of the first entry of its chain, or -1.
pub mod name_hash {
    pub const BUCKETS: usize = 128;
}

/// An entry of the name table (`MSFT_NameIntro`): HREFTYPE, hash chain, then a word
/// whose low byte is the name's length; the name's bytes follow, padded to 4.
pub mod name_entry {
    pub const HREFTYPE: usize = 0;
    pub const NAMELEN: usize = 8;
    pub const INTRO_SIZE: usize = 12;
    pub const LEN_MASK: u32 = 0xff;
}

/// An imported type (`MSFT_ImpInfo`).
pub mod impinfo {
    pub const SIZE: usize = 12;
    /// Bits 24..28: TYPEKIND of the imported type; [`OFFSET_IS_GUID`].
    pub const FLAGS: usize = 0;
    /// Offset of the library in the ImpFiles segment.
    pub const IMPFILE: usize = 4;
    /// An offset in the GUID table ([`OFFSET_IS_GUID`]) or the type's index in its library.
    pub const GUID_OR_INDEX: usize = 8;
    pub const OFFSET_IS_GUID: u32 = 0x0001_0000;
    pub const TYPEKIND_SHIFT: u32 = 24;
}

/// An imported library (`MSFT_ImpFile`): GUID offset, LCID, major and minor version (2
/// bytes each), a 2-byte word `(length << 2) | flags`, the file name's bytes; the next
/// entry starts at the following 4-byte boundary.
pub mod impfile {
    pub const GUID: usize = 0;
    pub const LCID: usize = 4;
    pub const MAJOR: usize = 8;
    pub const MINOR: usize = 10;
    pub const NAME_LEN: usize = 12;
    pub const NAME: usize = 14;
    pub const NAME_LEN_SHIFT: u32 = 2;
}

/// Type codes: a negative 32-bit code is a simple VARTYPE in its low 12 bits (bit 31
/// set); a non-negative one is an offset in the TypeDesc segment. A TypeDesc entry is
/// 8 bytes: the VARTYPE in the first 2 bytes and a 4-byte operand at offset 4: for
/// `VT_PTR` and `VT_SAFEARRAY` the pointee's type code, for `VT_CARRAY` an offset in the
/// ArrayDesc segment, for `VT_USERDEFINED` an HREFTYPE.
pub mod typedesc {
    pub const SIZE: usize = 8;
    pub const VT: usize = 0;
    pub const OPERAND: usize = 4;
    pub const SIMPLE_FLAG: u32 = 0x8000_0000;
}

/// An array description: the element's type code, a 2-byte dimension count, 2 bytes,
/// then per dimension the element count and the lower bound (4 bytes each).
pub mod arraydesc {
    pub const ELEMENT: usize = 0;
    pub const DIMS: usize = 4;
    pub const BOUNDS: usize = 8;
    pub const BOUND_SIZE: usize = 8;
}

/// A constant's value (a VAR_CONST's `OFFS_VALUE`, a default parameter value): when bit
/// 31 is set the value is inline, VARTYPE in bits 26..31 and a 26-bit value below;
/// otherwise an offset in the CustData segment, where a 2-byte VARTYPE precedes the
/// value (for `VT_BSTR`, a 4-byte length then the bytes).
pub mod value {
    pub const INLINE_FLAG: u32 = 0x8000_0000;
    pub const INLINE_VT_SHIFT: u32 = 26;
    pub const INLINE_VT_MASK: u32 = 0x1f;
    pub const INLINE_VALUE_MASK: u32 = 0x03ff_ffff;
}

/// HREFTYPEs: in this library when the low two bits are clear (then `href / 0x64` is
/// the typeinfo's index); otherwise `href & !3` is an offset in the ImpInfo segment.
pub fn href_is_local(href: u32) -> bool {
    href & 3 == 0
}

/// TYPEKIND.
pub mod tkind {
    pub const ENUM: u32 = 0;
    pub const RECORD: u32 = 1;
    pub const MODULE: u32 = 2;
    pub const INTERFACE: u32 = 3;
    pub const DISPATCH: u32 = 4;
    pub const COCLASS: u32 = 5;
    pub const ALIAS: u32 = 6;
    pub const UNION: u32 = 7;

    pub fn name(kind: u32) -> &'static str {
        match kind {
            ENUM => "enum",
            RECORD => "record",
            MODULE => "module",
            INTERFACE => "interface",
            DISPATCH => "dispatch",
            COCLASS => "coclass",
            ALIAS => "alias",
            UNION => "union",
            _ => "unknown",
        }
    }
}

/// TYPEFLAGS.
pub mod typeflag {
    pub const APPOBJECT: u32 = 0x1;
    pub const CANCREATE: u32 = 0x2;
    pub const LICENSED: u32 = 0x4;
    pub const PREDECLID: u32 = 0x8;
    pub const HIDDEN: u32 = 0x10;
    pub const CONTROL: u32 = 0x20;
    pub const DUAL: u32 = 0x40;
    pub const NONEXTENSIBLE: u32 = 0x80;
    pub const OLEAUTOMATION: u32 = 0x100;
    pub const RESTRICTED: u32 = 0x200;
    pub const AGGREGATABLE: u32 = 0x400;
    pub const REPLACEABLE: u32 = 0x800;
    pub const DISPATCHABLE: u32 = 0x1000;
    pub const REVERSEBIND: u32 = 0x2000;
    pub const PROXY: u32 = 0x4000;
}

/// FUNCKIND.
pub mod funckind {
    pub const VIRTUAL: u32 = 0;
    pub const PUREVIRTUAL: u32 = 1;
    pub const NONVIRTUAL: u32 = 2;
    pub const STATIC: u32 = 3;
    pub const DISPATCH: u32 = 4;
}

/// INVOKEKIND (bit flags).
pub mod invkind {
    pub const FUNC: u32 = 1;
    pub const PROPERTYGET: u32 = 2;
    pub const PROPERTYPUT: u32 = 4;
    pub const PROPERTYPUTREF: u32 = 8;
}

/// CALLCONV, in a function record's [`func::FKCCIC`].
pub mod callconv {
    pub const STDCALL: u32 = 4;
}

/// VARKIND.
pub mod varkind {
    pub const PERINSTANCE: u32 = 0;
    pub const STATIC: u32 = 1;
    pub const CONST: u32 = 2;
    pub const DISPATCH: u32 = 3;
}

/// VARFLAGS.
pub mod varflag {
    pub const READONLY: u32 = 0x1;
}

/// PARAMFLAGS.
pub mod paramflag {
    pub const IN: u32 = 0x1;
    pub const OUT: u32 = 0x2;
    pub const LCID: u32 = 0x4;
    pub const RETVAL: u32 = 0x8;
    pub const OPT: u32 = 0x10;
    pub const HASDEFAULT: u32 = 0x20;
    pub const HASCUSTDATA: u32 = 0x40;
}

/// IMPLTYPEFLAGS.
pub mod impltypeflag {
    pub const DEFAULT: u32 = 0x1;
    pub const SOURCE: u32 = 0x2;
    pub const RESTRICTED: u32 = 0x4;
    pub const DEFAULTVTABLE: u32 = 0x8;
}

/// SYSKIND, in the header's VARFLAGS: the pointer size the library was built for.
pub mod syskind {
    pub const WIN16: u32 = 0;
    pub const WIN32: u32 = 1;
    pub const MAC: u32 = 2;
    pub const WIN64: u32 = 3;
}

/// VARTYPE codes a type library uses.
pub mod vt {
    pub const EMPTY: u16 = 0;
    pub const NULL: u16 = 1;
    pub const I2: u16 = 2;
    pub const I4: u16 = 3;
    pub const R4: u16 = 4;
    pub const R8: u16 = 5;
    pub const CY: u16 = 6;
    pub const DATE: u16 = 7;
    pub const BSTR: u16 = 8;
    pub const DISPATCH: u16 = 9;
    pub const ERROR: u16 = 10;
    pub const BOOL: u16 = 11;
    pub const VARIANT: u16 = 12;
    pub const UNKNOWN: u16 = 13;
    pub const DECIMAL: u16 = 14;
    pub const I1: u16 = 16;
    pub const UI1: u16 = 17;
    pub const UI2: u16 = 18;
    pub const UI4: u16 = 19;
    pub const I8: u16 = 20;
    pub const UI8: u16 = 21;
    pub const INT: u16 = 22;
    pub const UINT: u16 = 23;
    pub const VOID: u16 = 24;
    pub const HRESULT: u16 = 25;
    pub const PTR: u16 = 26;
    pub const SAFEARRAY: u16 = 27;
    pub const CARRAY: u16 = 28;
    pub const USERDEFINED: u16 = 29;
    pub const LPSTR: u16 = 30;
    pub const LPWSTR: u16 = 31;
    pub const RECORD: u16 = 36;
    pub const INT_PTR: u16 = 37;
    pub const UINT_PTR: u16 = 38;
    pub const FILETIME: u16 = 64;
    pub const BLOB: u16 = 65;
    pub const STREAM: u16 = 66;
    pub const STORAGE: u16 = 67;
    pub const STREAMED_OBJECT: u16 = 68;
    pub const STORED_OBJECT: u16 = 69;
    pub const BLOB_OBJECT: u16 = 70;
    pub const CF: u16 = 71;
    pub const CLSID: u16 = 72;
    pub const TYPEMASK: u16 = 0x0fff;
    pub const VECTOR: u16 = 0x1000;
    pub const ARRAY: u16 = 0x2000;
    pub const BYREF: u16 = 0x4000;
}

/// The little-endian 2-byte integer at `at`, if the bytes are there.
pub fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

/// The little-endian 4-byte integer at `at`, if the bytes are there.
pub fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

pub fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

/// [`u32_at`], signed: offsets of -1 mean "none" throughout the format.
pub fn i32_at(bytes: &[u8], at: usize) -> Option<i32> {
    u32_at(bytes, at).map(|v| v as i32)
}

/// A non-negative offset as an index, `None` for -1 and other negative values.
pub fn offset(value: i32) -> Option<usize> {
    usize::try_from(value).ok()
}

/// Whether `bytes` start like an MSFT library.
pub fn is_msft(bytes: &[u8]) -> bool {
    u32_at(bytes, 0) == Some(MSFT_MAGIC)
}

/// Whether `bytes` start like an SLTG library.
pub fn is_sltg(bytes: &[u8]) -> bool {
    u32_at(bytes, 0) == Some(SLTG_MAGIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_read_within_bounds_only() {
        let bytes = [0x4d, 0x53, 0x46, 0x54, 0xff, 0xff];
        assert_eq!(u32_at(&bytes, 0), Some(MSFT_MAGIC));
        assert_eq!(u16_at(&bytes, 4), Some(0xffff));
        assert_eq!(u32_at(&bytes, 4), None);
        assert_eq!(u32_at(&bytes, usize::MAX - 1), None);
        assert_eq!(offset(-1), None);
        assert_eq!(offset(0x64), Some(0x64));
        assert!(is_msft(&bytes) && !is_sltg(&bytes));
    }

    #[test]
    fn hreftypes_tell_local_from_imported() {
        assert!(href_is_local(2 * typeinfo::SIZE as u32));
        assert!(!href_is_local(0x19));
    }
}
