//! The MSFT bytes into plain records: the library's attributes, its typeinfos with their
//! functions, variables and implemented interfaces, and the libraries it imports from.
//! Every offset and count is checked against the data before it is followed or used to
//! size anything, so a damaged library is an error, never a panic or a huge allocation.

use crate::model::guid::Guid;
use crate::typelib::format::{
    self, Segment, arraydesc, func, guid_entry, header, i32_at, impfile, impinfo, members, name_entry, param, reftab,
    segdir, typedesc, typeinfo, u16_at, u32_at, u64_at, value, var, vt,
};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    #[error("is truncated: {0} lies beyond the end of the type library")]
    Truncated(String),
    #[error("is a corrupted type library: {0}")]
    Corrupt(String),
    #[error("is not a type library (no MSFT signature)")]
    NotMsft,
    #[error("is an SLTG type library; SLTG type libraries are not supported (only MSFT, what MIDL and widl write)")]
    Sltg,
}

type Result<T> = std::result::Result<T, FormatError>;

/// A type as a type library describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeDesc {
    /// A VARTYPE with no operand.
    Simple(u16),
    Ptr(Box<TypeDesc>),
    SafeArray(Box<TypeDesc>),
    /// A fixed array: element type and the element count of each dimension.
    CArray(Box<TypeDesc>, Vec<u32>),
    User(Href),
}

/// A reference to a typeinfo, here or in an imported library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Href {
    Local(usize),
    Imported(Import),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// Index in [`TypeLib::imports`].
    pub file: usize,
    pub guid: Option<Guid>,
    /// The typeinfo's index in its library, when the reference is by index.
    pub index: Option<u32>,
    pub kind: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedLib {
    pub guid: Option<Guid>,
    pub major: u16,
    pub minor: u16,
    pub file_name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    /// VT_R4, VT_R8, and VT_DATE (days since 1899-12-30).
    Float(f64),
    /// VT_CY: a 64-bit count of ten-thousandths, as MIDL stores `defaultvalue(32.78)` on a
    /// CURRENCY parameter.
    Currency(i64),
    Str(String),
    /// A VARTYPE whose value is not kept.
    Other(u16),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParamRec {
    pub name: Option<String>,
    pub ty: TypeDesc,
    pub flags: u32,
    pub default: Option<Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FuncRec {
    pub name: String,
    pub memid: i32,
    pub funckind: u32,
    pub invkind: u32,
    /// Slot index in the vtable.
    pub slot: u32,
    pub flags: u32,
    pub ret: TypeDesc,
    pub params: Vec<ParamRec>,
    /// cParamsOpt: how many parameters are optional; -1 for a `[vararg]` function.
    pub optional: i16,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VarRec {
    pub name: String,
    pub memid: i32,
    pub kind: u32,
    pub flags: u32,
    pub ty: TypeDesc,
    /// VAR_CONST's value.
    pub value: Option<Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeInfo {
    pub kind: u32,
    pub name: String,
    pub guid: Option<Guid>,
    pub flags: u32,
    pub align: u32,
    pub size: u32,
    /// Vtable size in slots.
    pub vtable_slots: u32,
    /// An interface's base, a dual or wrapping dispinterface's interface.
    pub base: Option<Href>,
    /// An alias's type.
    pub alias: Option<TypeDesc>,
    /// A coclass's interfaces with their IMPLTYPEFLAGS.
    pub implemented: Vec<(Href, u32)>,
    pub funcs: Vec<FuncRec>,
    pub vars: Vec<VarRec>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeLib {
    pub name: String,
    pub libid: Option<Guid>,
    pub major: u16,
    pub minor: u16,
    pub syskind: u32,
    pub typeinfos: Vec<TypeInfo>,
    pub imports: Vec<ImportedLib>,
}

/// The typeinfo types can nest this deep (a pointer to a pointer to ...) before the
/// library is taken for corrupt: real ones nest a few levels, and a loop in the TypeDesc
/// segment must not recurse forever.
const MAX_TYPE_DEPTH: u32 = 16;

struct Reader<'a> {
    bytes: &'a [u8],
    segs: [(usize, usize); segdir::COUNT],
    /// Bytes per vtable slot in the function records' vtable offsets.
    slot_size: u32,
}

/// Reads an MSFT library from `bytes`.
pub fn read(bytes: &[u8]) -> Result<TypeLib> {
    if format::is_sltg(bytes) {
        return Err(FormatError::Sltg);
    }
    if bytes.len() < 4 || !format::is_msft(bytes) {
        if bytes.len() < 4 && b"MSFT".starts_with(bytes) {
            return Err(FormatError::Truncated("the header".into()));
        }
        return Err(FormatError::NotMsft);
    }
    if bytes.len() < header::SIZE {
        return Err(FormatError::Truncated("the header".into()));
    }
    let h = |at: usize| u32_at(bytes, at).ok_or_else(|| FormatError::Truncated("the header".into()));
    let varflags = h(header::VARFLAGS)?;
    let count = h(header::NRTYPEINFOS)? as usize;
    let mut at = header::SIZE;
    if varflags & header::HELPDLL_FLAG != 0 {
        at += 4;
    }
    let offsets_at = at;
    // Each typeinfo needs at least its 4-byte offset and its record: a count the file
    // cannot hold is corruption, caught before anything is sized by it.
    if count > bytes.len() / (format::TYPEINFO_OFFSET_SIZE + typeinfo::SIZE) {
        return Err(FormatError::Truncated(format!("the table of {count} typeinfos")));
    }
    let segdir_at = offsets_at + count * format::TYPEINFO_OFFSET_SIZE;
    if segdir_at + segdir::SIZE > bytes.len() {
        return Err(FormatError::Truncated("the segment directory".into()));
    }
    let mut segs = [(0usize, 0usize); segdir::COUNT];
    for (i, seg) in segs.iter_mut().enumerate() {
        let off = i32_at(bytes, segdir_at + i * segdir::ENTRY_SIZE).unwrap_or(-1);
        let len = i32_at(bytes, segdir_at + i * segdir::ENTRY_SIZE + 4).unwrap_or(0);
        // An absent segment has offset -1.
        let (Some(off), Some(len)) = (format::offset(off), format::offset(len)) else {
            continue;
        };
        if off.checked_add(len).is_none_or(|end| end > bytes.len()) {
            return Err(FormatError::Truncated(format!("segment {i} ({len} bytes at {off:#x})")));
        }
        *seg = (off, len);
    }
    let syskind = varflags & header::SYSKIND_MASK;
    let r = Reader {
        bytes,
        segs,
        slot_size: if syskind == format::syskind::WIN64 { 8 } else { 4 },
    };
    let name = r.name(i32_at(bytes, header::NAME_OFFSET).unwrap_or(-1))?;
    let libid = r.guid(i32_at(bytes, header::POSGUID).unwrap_or(-1))?;
    let version = h(header::VERSION)?;
    let imports = r.imports()?;
    let mut typeinfos = Vec::with_capacity(count);
    for i in 0..count {
        let off = i32_at(bytes, offsets_at + i * 4).unwrap_or(-1);
        let off =
            format::offset(off).ok_or_else(|| FormatError::Corrupt(format!("typeinfo {i} has a negative offset")))?;
        typeinfos.push(r.typeinfo(i, off, count)?);
    }
    Ok(TypeLib {
        name,
        libid,
        major: version as u16,
        minor: (version >> 16) as u16,
        syskind,
        typeinfos,
        imports,
    })
}

impl<'a> Reader<'a> {
    fn seg(&self, s: Segment) -> &'a [u8] {
        let (off, len) = self.segs[s as usize];
        &self.bytes[off..off + len]
    }

    fn seg_u32(&self, s: Segment, at: usize, what: &str) -> Result<u32> {
        u32_at(self.seg(s), at).ok_or_else(|| FormatError::Truncated(format!("{what} at {at:#x} of segment {s:?}")))
    }

    fn seg_i32(&self, s: Segment, at: usize, what: &str) -> Result<i32> {
        self.seg_u32(s, at, what).map(|v| v as i32)
    }

    fn file_u32(&self, at: usize, what: &str) -> Result<u32> {
        u32_at(self.bytes, at).ok_or_else(|| FormatError::Truncated(format!("{what} at {at:#x}")))
    }

    fn name(&self, off: i32) -> Result<String> {
        let Some(off) = format::offset(off) else {
            return Ok(String::new());
        };
        let seg = self.seg(Segment::Name);
        let len = u32_at(seg, off + name_entry::NAMELEN)
            .ok_or_else(|| FormatError::Truncated(format!("the name at {off:#x}")))?
            & name_entry::LEN_MASK;
        let start = off + name_entry::INTRO_SIZE;
        let text = seg
            .get(start..start + len as usize)
            .ok_or_else(|| FormatError::Truncated(format!("the name at {off:#x}")))?;
        Ok(latin1(text))
    }

    fn guid(&self, off: i32) -> Result<Option<Guid>> {
        let Some(off) = format::offset(off) else {
            return Ok(None);
        };
        let b = self
            .seg(Segment::Guid)
            .get(off..off + guid_entry::SIZE)
            .ok_or_else(|| FormatError::Truncated(format!("the GUID at {off:#x}")))?;
        let d1 = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let d2 = u16::from_le_bytes([b[4], b[5]]);
        let d3 = u16::from_le_bytes([b[6], b[7]]);
        let mut d4 = [0u8; 8];
        d4.copy_from_slice(&b[8..16]);
        Ok(Some(Guid::from_fields(d1, d2, d3, d4)))
    }

    fn imports(&self) -> Result<Vec<ImportedLib>> {
        let seg = self.seg(Segment::ImpFiles);
        let mut out = Vec::new();
        let mut at = 0;
        while at + impfile::NAME <= seg.len() {
            let guid = self.guid(i32_at(seg, at + impfile::GUID).unwrap_or(-1))?;
            let major = u16_at(seg, at + impfile::MAJOR).unwrap_or(0);
            let minor = u16_at(seg, at + impfile::MINOR).unwrap_or(0);
            let len = (u16_at(seg, at + impfile::NAME_LEN).unwrap_or(0) as u32 >> impfile::NAME_LEN_SHIFT) as usize;
            let name = seg
                .get(at + impfile::NAME..at + impfile::NAME + len)
                .ok_or_else(|| FormatError::Truncated(format!("the imported library name at {at:#x}")))?;
            out.push(ImportedLib {
                guid,
                major,
                minor,
                file_name: latin1(name),
            });
            at = (at + impfile::NAME + len + 3) & !3;
        }
        Ok(out)
    }

    /// The offset in the ImpFiles segment of each imported library, in order.
    fn impfile_index(&self, off: usize) -> Option<usize> {
        let seg = self.seg(Segment::ImpFiles);
        let mut at = 0;
        let mut i = 0;
        while at + impfile::NAME <= seg.len() {
            if at == off {
                return Some(i);
            }
            let len = (u16_at(seg, at + impfile::NAME_LEN)? as u32 >> impfile::NAME_LEN_SHIFT) as usize;
            at = (at + impfile::NAME + len + 3) & !3;
            i += 1;
        }
        None
    }

    fn href(&self, href: i32, count: usize) -> Result<Href> {
        let h = href as u32;
        if format::href_is_local(h) {
            let index = h as usize / typeinfo::SIZE;
            if href < 0 || index >= count {
                return Err(FormatError::Corrupt(format!("type reference {h:#x} names no typeinfo")));
            }
            return Ok(Href::Local(index));
        }
        let at = (h & !3) as usize;
        let flags = self.seg_u32(Segment::ImpInfo, at + impinfo::FLAGS, "an imported type")?;
        let file_off = self.seg_i32(Segment::ImpInfo, at + impinfo::IMPFILE, "an imported type")?;
        let target = self.seg_i32(Segment::ImpInfo, at + impinfo::GUID_OR_INDEX, "an imported type")?;
        let file = format::offset(file_off)
            .and_then(|o| self.impfile_index(o))
            .ok_or_else(|| FormatError::Corrupt(format!("imported type {h:#x} names no imported library")))?;
        let (guid, index) = if flags & impinfo::OFFSET_IS_GUID != 0 {
            (self.guid(target)?, None)
        } else {
            (None, Some(target as u32))
        };
        Ok(Href::Imported(Import {
            file,
            guid,
            index,
            kind: (flags >> impinfo::TYPEKIND_SHIFT) & 0xf,
        }))
    }

    fn typedesc(&self, code: i32, count: usize, depth: u32) -> Result<TypeDesc> {
        if depth > MAX_TYPE_DEPTH {
            return Err(FormatError::Corrupt(
                "a type description nests too deep (a loop?)".into(),
            ));
        }
        if code < 0 {
            return Ok(TypeDesc::Simple(code as u16 & vt::TYPEMASK));
        }
        let at = code as usize;
        let seg = self.seg(Segment::TypeDesc);
        let what = || FormatError::Truncated(format!("the type description at {at:#x}"));
        let kind = u16_at(seg, at + typedesc::VT).ok_or_else(what)? & vt::TYPEMASK;
        let operand = i32_at(seg, at + typedesc::OPERAND).ok_or_else(what)?;
        let inner = |operand: i32| -> Result<TypeDesc> {
            if operand < 0 {
                // The pointee is a simple VARTYPE, in the operand's low word.
                Ok(TypeDesc::Simple(operand as u16 & vt::TYPEMASK))
            } else {
                self.typedesc(operand, count, depth + 1)
            }
        };
        Ok(match kind {
            vt::PTR => TypeDesc::Ptr(Box::new(inner(operand)?)),
            vt::SAFEARRAY => TypeDesc::SafeArray(Box::new(inner(operand)?)),
            vt::USERDEFINED => TypeDesc::User(self.href(operand, count)?),
            vt::CARRAY => {
                let a = format::offset(operand)
                    .ok_or_else(|| FormatError::Corrupt(format!("array description at {operand:#x}")))?;
                let aseg = self.seg(Segment::ArrayDesc);
                let what = || FormatError::Truncated(format!("the array description at {a:#x}"));
                let elem = i32_at(aseg, a + arraydesc::ELEMENT).ok_or_else(what)?;
                let dims = u16_at(aseg, a + arraydesc::DIMS).ok_or_else(what)? as usize;
                if a + arraydesc::BOUNDS + dims * arraydesc::BOUND_SIZE > aseg.len() {
                    return Err(what());
                }
                let bounds = (0..dims)
                    .map(|d| u32_at(aseg, a + arraydesc::BOUNDS + d * arraydesc::BOUND_SIZE).unwrap_or(0))
                    .collect();
                TypeDesc::CArray(Box::new(inner(elem)?), bounds)
            }
            other => TypeDesc::Simple(other),
        })
    }

    fn value(&self, raw: i32) -> Result<Value> {
        let r = raw as u32;
        if r & value::INLINE_FLAG != 0 {
            let kind = ((r >> value::INLINE_VT_SHIFT) & value::INLINE_VT_MASK) as u16;
            let v = r & value::INLINE_VALUE_MASK;
            // The 26-bit value is sign-extended for the signed types.
            // The 26 bits are the value as oleaut32 reads it (a negative 32-bit value is
            // never inline); a 16- or 8-bit type reads its own low bits, so VARIANT_TRUE
            // (0xffff) is -1.
            let v = match kind {
                vt::I1 => v as u8 as i8 as i64,
                vt::I2 | vt::BOOL => v as u16 as i16 as i64,
                _ => v as i64,
            };
            return Ok(Value::Int(v));
        }
        let at = r as usize;
        let seg = self.seg(Segment::CustData);
        let what = || FormatError::Truncated(format!("the value at {at:#x}"));
        let kind = u16_at(seg, at).ok_or_else(what)?;
        let d = at + 2;
        Ok(match kind {
            vt::I1 => Value::Int(*seg.get(d).ok_or_else(what)? as i8 as i64),
            vt::UI1 => Value::Int(*seg.get(d).ok_or_else(what)? as i64),
            vt::I2 | vt::BOOL => Value::Int(u16_at(seg, d).ok_or_else(what)? as i16 as i64),
            vt::UI2 => Value::Int(u16_at(seg, d).ok_or_else(what)? as i64),
            vt::I4 | vt::INT | vt::ERROR | vt::HRESULT => Value::Int(i32_at(seg, d).ok_or_else(what)? as i64),
            vt::UI4 | vt::UINT => Value::Int(u32_at(seg, d).ok_or_else(what)? as i64),
            vt::I8 | vt::UI8 => Value::Int(u64_at(seg, d).ok_or_else(what)? as i64),
            vt::CY => Value::Currency(u64_at(seg, d).ok_or_else(what)? as i64),
            vt::R4 => Value::Float(f32::from_bits(u32_at(seg, d).ok_or_else(what)?) as f64),
            vt::R8 | vt::DATE => Value::Float(f64::from_bits(u64_at(seg, d).ok_or_else(what)?)),
            vt::BSTR => {
                let len = u32_at(seg, d).ok_or_else(what)?;
                if len == u32::MAX {
                    Value::Str(String::new())
                } else {
                    let text = seg.get(d + 4..d + 4 + len as usize).ok_or_else(what)?;
                    Value::Str(latin1(text))
                }
            }
            other => Value::Other(other),
        })
    }

    fn typeinfo(&self, index: usize, off: usize, count: usize) -> Result<TypeInfo> {
        let seg = self.seg(Segment::TypeInfo);
        if off + typeinfo::SIZE > seg.len() {
            return Err(FormatError::Truncated(format!("typeinfo {index}")));
        }
        let u = |at: usize| u32_at(seg, off + at).unwrap_or(0);
        let i = |at: usize| i32_at(seg, off + at).unwrap_or(-1);
        let kind_word = u(typeinfo::TYPEKIND);
        let kind = kind_word & typeinfo::KIND_MASK;
        let name = self.name(i(typeinfo::NAME_OFFSET))?;
        let guid = self.guid(i(typeinfo::POSGUID))?;
        let celement = u(typeinfo::CELEMENT);
        let cfuncs = (celement & 0xffff) as usize;
        let cvars = (celement >> 16) as usize;
        let cb_vft = u16_at(seg, off + typeinfo::CBSIZEVFT).unwrap_or(0) as u32;
        let datatype1 = i(typeinfo::DATATYPE1);
        let mut info = TypeInfo {
            kind,
            name,
            guid,
            flags: u(typeinfo::FLAGS),
            align: (kind_word >> typeinfo::ALIGN_SHIFT) & typeinfo::ALIGN_MASK,
            size: u(typeinfo::SIZE_FIELD),
            // cbSizeVft is in bytes: 8 per slot in a 64-bit library, 4 in a 32-bit one.
            vtable_slots: cb_vft / self.slot_size,
            base: None,
            alias: None,
            implemented: Vec::new(),
            funcs: Vec::new(),
            vars: Vec::new(),
        };
        match kind {
            format::tkind::COCLASS => {
                let mut at = datatype1;
                // The list cannot be longer than the table holds entries, nor than it says.
                let limit = self.seg(Segment::RefTab).len() / reftab::SIZE;
                while let Some(o) = format::offset(at) {
                    if info.implemented.len() >= limit {
                        return Err(FormatError::Corrupt(format!("{}'s interface list loops", info.name)));
                    }
                    let href = self.seg_i32(Segment::RefTab, o + reftab::REFTYPE, "an implemented interface")?;
                    let flags = self.seg_u32(Segment::RefTab, o + reftab::FLAGS, "an implemented interface")?;
                    info.implemented.push((self.href(href, count)?, flags));
                    at = self.seg_i32(Segment::RefTab, o + reftab::NEXT, "an implemented interface")?;
                }
            }
            format::tkind::ALIAS => info.alias = Some(self.typedesc(datatype1, count, 0)?),
            format::tkind::INTERFACE | format::tkind::DISPATCH if datatype1 != -1 => {
                info.base = Some(self.href(datatype1, count)?);
            }
            _ => {}
        }
        if cfuncs + cvars > 0 {
            let memoffset = format::offset(i(typeinfo::MEMOFFSET))
                .ok_or_else(|| FormatError::Corrupt(format!("{}'s members have no offset", info.name)))?;
            self.members(&mut info, memoffset, cfuncs, cvars, count)?;
        }
        Ok(info)
    }

    fn members(&self, info: &mut TypeInfo, at: usize, cfuncs: usize, cvars: usize, count: usize) -> Result<()> {
        let n = cfuncs + cvars;
        let infolen = self.file_u32(at, "a member block")? as usize;
        let records = at + members::INFO_SIZE;
        let tables = records
            .checked_add(infolen)
            .filter(|t| t.checked_add(n * 12).is_some_and(|end| end <= self.bytes.len()))
            .ok_or_else(|| FormatError::Truncated(format!("{}'s {n} members", info.name)))?;
        let memid = |k: usize| self.file_u32(tables + k * 4, "a MEMID").map(|v| v as i32);
        let name_off = |k: usize| self.file_u32(tables + (n + k) * 4, "a member name").map(|v| v as i32);
        let rec_off = |k: usize| self.file_u32(tables + (2 * n + k) * 4, "a member record");
        let block = &self.bytes[records..tables];
        let mut prev_name = String::new();
        for k in 0..cfuncs {
            let r = rec_off(k)? as usize;
            let size = (u32_at(block, r).ok_or_else(|| FormatError::Truncated("a function record".into()))?
                & func::RECORD_SIZE_MASK) as usize;
            let rec = block
                .get(r..r + size)
                .filter(|rec| rec.len() >= func::FIXED_SIZE)
                .ok_or_else(|| FormatError::Truncated(format!("{}'s function {k}", info.name)))?;
            let fkccic = u32_at(rec, func::FKCCIC).unwrap_or(0);
            let nargs = u16_at(rec, func::NRARGS).unwrap_or(0) as usize;
            let params_at = size
                .checked_sub(nargs * param::SIZE)
                .filter(|&p| p >= func::FIXED_SIZE)
                .ok_or_else(|| FormatError::Corrupt(format!("{}'s function {k} has too many parameters", info.name)))?;
            let defaults_at = (fkccic & func::FKCCIC_HAS_DEFAULTS != 0)
                .then(|| params_at.checked_sub(nargs * 4))
                .flatten()
                .filter(|&d| d >= func::FIXED_SIZE);
            // The second function of a propget/propput pair may leave its name to the first.
            let raw_name = name_off(k)?;
            let name = if raw_name == -1 {
                prev_name.clone()
            } else {
                self.name(raw_name)?
            };
            prev_name = name.clone();
            let mut params = Vec::with_capacity(nargs);
            for p in 0..nargs {
                let pa = params_at + p * param::SIZE;
                let flags = u32_at(rec, pa + param::FLAGS).unwrap_or(0);
                let pname = i32_at(rec, pa + param::NAME).unwrap_or(-1);
                let default = match defaults_at {
                    Some(d) if flags & format::paramflag::HASDEFAULT != 0 => {
                        Some(self.value(i32_at(rec, d + p * 4).unwrap_or(-1))?)
                    }
                    _ => None,
                };
                params.push(ParamRec {
                    name: if pname == -1 { None } else { Some(self.name(pname)?) },
                    ty: self.typedesc(i32_at(rec, pa + param::DATATYPE).unwrap_or(-1), count, 0)?,
                    flags,
                    default,
                });
            }
            let voff = (u16_at(rec, func::VTABLE_OFFSET).unwrap_or(0) & !1) as u32;
            info.funcs.push(FuncRec {
                name,
                memid: memid(k)?,
                funckind: fkccic & func::FKCCIC_FUNCKIND_MASK,
                invkind: (fkccic >> func::FKCCIC_INVKIND_SHIFT) & func::FKCCIC_INVKIND_MASK,
                slot: voff / self.slot_size,
                flags: u32_at(rec, func::FLAGS).unwrap_or(0) & 0xffff,
                ret: self.typedesc(i32_at(rec, func::DATATYPE).unwrap_or(-1), count, 0)?,
                params,
                optional: u16_at(rec, func::NROARGS).unwrap_or(0) as i16,
            });
        }
        for k in cfuncs..n {
            let r = rec_off(k)? as usize;
            let size = (u32_at(block, r).ok_or_else(|| FormatError::Truncated("a variable record".into()))?
                & var::RECORD_SIZE_MASK) as usize;
            let rec = block
                .get(r..r + size)
                .filter(|rec| rec.len() >= var::FIXED_SIZE)
                .ok_or_else(|| FormatError::Truncated(format!("{}'s variable {}", info.name, k - cfuncs)))?;
            let kind = u16_at(rec, var::VARKIND).unwrap_or(0) as u32;
            let raw = i32_at(rec, var::OFFS_VALUE).unwrap_or(0);
            info.vars.push(VarRec {
                name: self.name(name_off(k)?)?,
                memid: memid(k)?,
                kind,
                flags: u32_at(rec, var::FLAGS).unwrap_or(0) & 0xffff,
                ty: self.typedesc(i32_at(rec, var::DATATYPE).unwrap_or(-1), count, 0)?,
                value: if kind == format::varkind::CONST {
                    Some(self.value(raw)?)
                } else {
                    None
                },
            });
        }
        Ok(())
    }
}

/// Names are in the library's code page; the ASCII part is what real libraries use,
/// and the rest is read as Latin-1 so every byte stays a character.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_and_short_inputs_are_errors() {
        assert_eq!(read(b"SLTG\x01\x00"), Err(FormatError::Sltg));
        assert_eq!(read(b"hello"), Err(FormatError::NotMsft));
        assert!(matches!(read(b"MSFT\x02\x00\x01\x00"), Err(FormatError::Truncated(_))));
    }

    /// A header that claims more typeinfos than the file could hold is refused before
    /// anything is sized by the count.
    #[test]
    fn an_impossible_count_is_refused() {
        let mut bytes = vec![0u8; header::SIZE + segdir::SIZE];
        bytes[..4].copy_from_slice(b"MSFT");
        bytes[header::NRTYPEINFOS..header::NRTYPEINFOS + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(read(&bytes), Err(FormatError::Truncated(_))));
    }

    #[test]
    fn inline_values_keep_their_sign_at_their_width() {
        let r = Reader {
            bytes: &[],
            segs: [(0, 0); segdir::COUNT],
            slot_size: 8,
        };
        let inline = |kind: u16, v: u32| (value::INLINE_FLAG | ((kind as u32) << value::INLINE_VT_SHIFT) | v) as i32;
        assert_eq!(r.value(inline(vt::BOOL, 0xffff)), Ok(Value::Int(-1)));
        assert_eq!(r.value(inline(vt::I4, 0x0200_0000)), Ok(Value::Int(0x0200_0000)));
        assert_eq!(r.value(inline(vt::UI4, 7)), Ok(Value::Int(7)));
        assert!(matches!(r.value(0x10), Err(FormatError::Truncated(_))));
    }

    /// MIDL stores `defaultvalue(32.78)` on a CURRENCY parameter as VT_CY and
    /// `defaultvalue(32)` on a DATE one as VT_DATE, each 8 bytes in the CustData segment
    /// (comtypes' TestComServer.tlb); both are kept.
    #[test]
    fn currency_and_date_values_are_kept() {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&vt::CY.to_le_bytes());
        bytes.extend_from_slice(&327_800i64.to_le_bytes());
        bytes.extend_from_slice(&vt::DATE.to_le_bytes());
        bytes.extend_from_slice(&32f64.to_le_bytes());
        let mut segs = [(0, 0); segdir::COUNT];
        segs[Segment::CustData as usize] = (0, bytes.len());
        let r = Reader {
            bytes: &bytes,
            segs,
            slot_size: 4,
        };
        assert_eq!(r.value(0), Ok(Value::Currency(327_800)));
        assert_eq!(r.value(10), Ok(Value::Float(32.0)));
        assert!(matches!(r.value(20), Err(FormatError::Truncated(_))));
    }
}
