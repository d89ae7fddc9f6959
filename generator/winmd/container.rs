//! The PE/CLI container of a metadata file, checked before windows-metadata sees it.
//!
//! windows-metadata 0.100 trusts its input: an index past a heap, an unknown stream or
//! table, or a zero list index panics inside it. This module walks the same layout it
//! computes (the PE headers, the CLI header, the stream headers, every table's extent)
//! and checks every heap offset and row index a row holds, so such a file is refused
//! with a message instead. It mirrors windows-metadata's own size rules on purpose:
//! what matters is that the offsets *it* will compute stay inside the file. What it
//! found (where each table is) comes back as a [`Layout`], to read or change a cell.

/// Why a file is not readable metadata.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContainerError {
    #[error("is not a PE file (it does not start with `MZ`): WinMD files and .NET assemblies are PE files")]
    NotPe,
    #[error("is truncated: {0} ends past the end of the file")]
    Truncated(&'static str),
    #[error(
        "is a PE file without CLI metadata (it has no COM descriptor directory): not a WinMD file or .NET assembly"
    )]
    NoMetadata,
    #[error("has malformed metadata: {0}")]
    Malformed(String),
    #[error("uses {0}, which oscgen does not read")]
    Unsupported(String),
}

/// Whether the bytes look like a PE file (the DOS header's `MZ`); the rest is for [`check`].
pub fn is_pe(bytes: &[u8]) -> bool {
    bytes.starts_with(b"MZ")
}

const COR20_HEADER_SIZE: usize = 72;
const METADATA_SIGNATURE: u32 = 0x424A_5342;
const COM_DESCRIPTOR: usize = 14;

/// Table ids (ECMA-335 II.22).
pub mod t {
    pub const MODULE: usize = 0x00;
    pub const TYPE_REF: usize = 0x01;
    pub const TYPE_DEF: usize = 0x02;
    pub const FIELD: usize = 0x04;
    pub const METHOD_DEF: usize = 0x06;
    pub const PARAM: usize = 0x08;
    pub const INTERFACE_IMPL: usize = 0x09;
    pub const MEMBER_REF: usize = 0x0a;
    pub const CONSTANT: usize = 0x0b;
    pub const CUSTOM_ATTRIBUTE: usize = 0x0c;
    pub const FIELD_MARSHAL: usize = 0x0d;
    pub const DECL_SECURITY: usize = 0x0e;
    pub const CLASS_LAYOUT: usize = 0x0f;
    pub const FIELD_LAYOUT: usize = 0x10;
    pub const STAND_ALONE_SIG: usize = 0x11;
    pub const EVENT_MAP: usize = 0x12;
    pub const EVENT: usize = 0x14;
    pub const PROPERTY_MAP: usize = 0x15;
    pub const PROPERTY: usize = 0x17;
    pub const METHOD_SEMANTICS: usize = 0x18;
    pub const METHOD_IMPL: usize = 0x19;
    pub const MODULE_REF: usize = 0x1a;
    pub const TYPE_SPEC: usize = 0x1b;
    pub const IMPL_MAP: usize = 0x1c;
    pub const FIELD_RVA: usize = 0x1d;
    pub const ASSEMBLY: usize = 0x20;
    pub const ASSEMBLY_PROCESSOR: usize = 0x21;
    pub const ASSEMBLY_OS: usize = 0x22;
    pub const ASSEMBLY_REF: usize = 0x23;
    pub const ASSEMBLY_REF_PROCESSOR: usize = 0x24;
    pub const ASSEMBLY_REF_OS: usize = 0x25;
    pub const FILE: usize = 0x26;
    pub const EXPORTED_TYPE: usize = 0x27;
    pub const MANIFEST_RESOURCE: usize = 0x28;
    pub const NESTED_CLASS: usize = 0x29;
    pub const GENERIC_PARAM: usize = 0x2a;
    pub const METHOD_SPEC: usize = 0x2b;
    pub const GENERIC_PARAM_CONSTRAINT: usize = 0x2c;
    /// A tag no table answers to.
    pub const NONE: usize = usize::MAX;
}

/// The coded indexes: the tables each tag selects, in tag order (ECMA-335 II.24.2.6).
#[derive(Clone, Copy, Debug)]
enum Code {
    TypeDefOrRef,
    HasConstant,
    HasCustomAttribute,
    HasFieldMarshal,
    HasDeclSecurity,
    MemberRefParent,
    HasSemantics,
    MethodDefOrRef,
    MemberForwarded,
    Implementation,
    CustomAttributeType,
    ResolutionScope,
    TypeOrMethodDef,
}

impl Code {
    fn tags(self) -> &'static [usize] {
        match self {
            Code::TypeDefOrRef => &[t::TYPE_DEF, t::TYPE_REF, t::TYPE_SPEC],
            Code::HasConstant => &[t::FIELD, t::PARAM, t::PROPERTY],
            Code::HasCustomAttribute => &[
                t::METHOD_DEF,
                t::FIELD,
                t::TYPE_REF,
                t::TYPE_DEF,
                t::PARAM,
                t::INTERFACE_IMPL,
                t::MEMBER_REF,
                t::MODULE,
                t::DECL_SECURITY,
                t::PROPERTY,
                t::EVENT,
                t::STAND_ALONE_SIG,
                t::MODULE_REF,
                t::TYPE_SPEC,
                t::ASSEMBLY,
                t::ASSEMBLY_REF,
                t::FILE,
                t::EXPORTED_TYPE,
                t::MANIFEST_RESOURCE,
                t::GENERIC_PARAM,
                t::GENERIC_PARAM_CONSTRAINT,
                t::METHOD_SPEC,
            ],
            Code::HasFieldMarshal => &[t::FIELD, t::PARAM],
            Code::HasDeclSecurity => &[t::TYPE_DEF, t::METHOD_DEF, t::ASSEMBLY],
            Code::MemberRefParent => &[t::TYPE_DEF, t::TYPE_REF, t::MODULE_REF, t::METHOD_DEF, t::TYPE_SPEC],
            Code::HasSemantics => &[t::EVENT, t::PROPERTY],
            Code::MethodDefOrRef => &[t::METHOD_DEF, t::MEMBER_REF],
            Code::MemberForwarded => &[t::FIELD, t::METHOD_DEF],
            Code::Implementation => &[t::FILE, t::ASSEMBLY_REF, t::EXPORTED_TYPE],
            Code::CustomAttributeType => &[t::NONE, t::NONE, t::METHOD_DEF, t::MEMBER_REF, t::NONE],
            Code::ResolutionScope => &[t::MODULE, t::MODULE_REF, t::ASSEMBLY_REF, t::TYPE_REF],
            Code::TypeOrMethodDef => &[t::TYPE_DEF, t::METHOD_DEF],
        }
    }

    /// The tables windows-metadata sizes this index by. It leaves DeclSecurity out of
    /// HasCustomAttribute; its layout is what counts here, so it is copied as it is.
    fn sized_by(self) -> Vec<usize> {
        match self {
            Code::HasCustomAttribute => self.tags().iter().copied().filter(|&x| x != t::DECL_SECURITY).collect(),
            _ => self.tags().to_vec(),
        }
    }

    fn bits(self) -> u32 {
        let n = self.tags().len();
        usize::BITS - (n - 1).leading_zeros()
    }
}

#[derive(Clone, Copy, Debug)]
enum Col {
    Fixed(usize),
    /// Two bytes windows-metadata converts to `u8` with `unwrap` (Constant.Type).
    Byte,
    Str,
    Guid,
    Blob,
    /// A row of another table, or 0 for none.
    Index(usize),
    /// The first row of a run in another table: 1 to its length + 1.
    List(usize),
    /// A row of another table that must be present (windows-metadata subtracts 1).
    Row(usize),
    Coded(Code),
    /// A coded index windows-metadata decodes without a null check.
    CodedRequired(Code),
}

/// The columns of each table windows-metadata reads, as it lays them out.
fn schema(table: usize) -> Option<&'static [Col]> {
    use Code::{
        CustomAttributeType, HasConstant, HasCustomAttribute, HasDeclSecurity, HasFieldMarshal, HasSemantics,
        Implementation, MemberForwarded, MemberRefParent, MethodDefOrRef, ResolutionScope, TypeDefOrRef,
        TypeOrMethodDef,
    };
    use Col::{Blob, Byte, Coded, CodedRequired, Fixed, Guid, Index, List, Row, Str};
    Some(match table {
        t::MODULE => &[Fixed(2), Str, Guid, Guid, Guid],
        t::TYPE_REF => &[Coded(ResolutionScope), Str, Str],
        t::TYPE_DEF => &[
            Fixed(4),
            Str,
            Str,
            Coded(TypeDefOrRef),
            List(t::FIELD),
            List(t::METHOD_DEF),
        ],
        t::FIELD => &[Fixed(2), Str, Blob],
        t::METHOD_DEF => &[Fixed(4), Fixed(2), Fixed(2), Str, Blob, List(t::PARAM)],
        t::PARAM => &[Fixed(2), Fixed(2), Str],
        t::INTERFACE_IMPL => &[Index(t::TYPE_DEF), CodedRequired(TypeDefOrRef)],
        t::MEMBER_REF => &[CodedRequired(MemberRefParent), Str, Blob],
        t::CONSTANT => &[Byte, CodedRequired(HasConstant), Blob],
        t::CUSTOM_ATTRIBUTE => &[
            CodedRequired(HasCustomAttribute),
            CodedRequired(CustomAttributeType),
            Blob,
        ],
        t::FIELD_MARSHAL => &[Coded(HasFieldMarshal), Blob],
        t::DECL_SECURITY => &[Fixed(2), Coded(HasDeclSecurity), Blob],
        t::CLASS_LAYOUT => &[Fixed(2), Fixed(4), Index(t::TYPE_DEF)],
        t::FIELD_LAYOUT => &[Fixed(4), Index(t::FIELD)],
        t::STAND_ALONE_SIG => &[Blob],
        t::EVENT_MAP => &[Index(t::TYPE_DEF), List(t::EVENT)],
        t::EVENT => &[Fixed(2), Str, Coded(TypeDefOrRef)],
        t::PROPERTY_MAP => &[Index(t::TYPE_DEF), List(t::PROPERTY)],
        t::PROPERTY => &[Fixed(2), Str, Blob],
        t::METHOD_SEMANTICS => &[Fixed(2), Index(t::METHOD_DEF), Coded(HasSemantics)],
        t::METHOD_IMPL => &[Index(t::TYPE_DEF), Coded(MethodDefOrRef), Coded(MethodDefOrRef)],
        t::MODULE_REF => &[Str],
        t::TYPE_SPEC => &[Blob],
        t::IMPL_MAP => &[Fixed(2), CodedRequired(MemberForwarded), Str, Index(t::MODULE_REF)],
        t::FIELD_RVA => &[Fixed(4), Index(t::FIELD)],
        t::ASSEMBLY => &[Fixed(4), Fixed(8), Fixed(4), Blob, Str, Str],
        t::ASSEMBLY_PROCESSOR => &[Fixed(4)],
        t::ASSEMBLY_OS => &[Fixed(4), Fixed(4), Fixed(4)],
        t::ASSEMBLY_REF => &[Fixed(8), Fixed(4), Blob, Str, Str, Blob],
        t::ASSEMBLY_REF_PROCESSOR => &[Fixed(4), Index(t::ASSEMBLY_REF)],
        t::ASSEMBLY_REF_OS => &[Fixed(4), Fixed(4), Fixed(4), Index(t::ASSEMBLY_REF)],
        t::FILE => &[Fixed(4), Str, Blob],
        t::EXPORTED_TYPE => &[Fixed(4), Fixed(4), Str, Str, Coded(Implementation)],
        t::MANIFEST_RESOURCE => &[Fixed(4), Fixed(4), Str, Coded(Implementation)],
        t::NESTED_CLASS => &[Row(t::TYPE_DEF), Row(t::TYPE_DEF)],
        t::GENERIC_PARAM => &[Fixed(2), Fixed(2), CodedRequired(TypeOrMethodDef), Str],
        t::METHOD_SPEC => &[Coded(MethodDefOrRef), Blob],
        t::GENERIC_PARAM_CONSTRAINT => &[Index(t::GENERIC_PARAM), Coded(TypeDefOrRef)],
        _ => return None,
    })
}

fn table_name(table: usize) -> &'static str {
    match table {
        t::MODULE => "Module",
        t::TYPE_REF => "TypeRef",
        t::TYPE_DEF => "TypeDef",
        t::FIELD => "Field",
        t::METHOD_DEF => "MethodDef",
        t::PARAM => "Param",
        t::INTERFACE_IMPL => "InterfaceImpl",
        t::MEMBER_REF => "MemberRef",
        t::CONSTANT => "Constant",
        t::CUSTOM_ATTRIBUTE => "CustomAttribute",
        t::NESTED_CLASS => "NestedClass",
        t::GENERIC_PARAM => "GenericParam",
        t::IMPL_MAP => "ImplMap",
        _ => "metadata",
    }
}

/// Little-endian reads that name what they were reading when the file ends too early.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn slice(&self, offset: usize, len: usize, what: &'static str) -> Result<&[u8], ContainerError> {
        offset
            .checked_add(len)
            .and_then(|end| self.0.get(offset..end))
            .ok_or(ContainerError::Truncated(what))
    }

    fn u8(&self, offset: usize, what: &'static str) -> Result<u8, ContainerError> {
        Ok(self.slice(offset, 1, what)?[0])
    }

    fn u16(&self, offset: usize, what: &'static str) -> Result<u16, ContainerError> {
        let b = self.slice(offset, 2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&self, offset: usize, what: &'static str) -> Result<u32, ContainerError> {
        let b = self.slice(offset, 4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&self, offset: usize, what: &'static str) -> Result<u64, ContainerError> {
        let b = self.slice(offset, 8, what)?;
        let mut a = [0; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

struct Section {
    virtual_address: u32,
    virtual_size: u32,
    raw_offset: u32,
}

/// A heap: where it starts in the file and how long its stream header says it is.
#[derive(Clone, Copy, Default)]
struct Heap {
    start: usize,
    len: usize,
}

/// Checks everything windows-metadata's reader indexes with, so that it cannot panic on
/// the container, the heaps' bounds or the row indexes; returns where the tables are.
pub fn check(bytes: &[u8]) -> Result<Layout, ContainerError> {
    if !is_pe(bytes) {
        return Err(ContainerError::NotPe);
    }
    let b = Bytes(bytes);
    let e_lfanew = b.u32(0x3c, "the DOS header")? as usize;
    if b.slice(e_lfanew, 4, "the PE header")? != b"PE\0\0" {
        return Err(ContainerError::Malformed(
            "no `PE` signature where the DOS header points: a DOS program, not a PE file".into(),
        ));
    }
    let file_header = e_lfanew + 4;
    let sections = b.u16(file_header + 2, "the COFF file header")? as usize;
    let optional = file_header + 20;
    // windows-metadata reads the fixed-size optional header and the section table right
    // after it, whatever SizeOfOptionalHeader says; the check follows it.
    let (directories, optional_len) = match b.u16(optional, "the optional header")? {
        0x10b => (optional + 96, 224),
        0x20b => (optional + 112, 240),
        magic => {
            return Err(ContainerError::Malformed(format!(
                "unknown optional header magic {magic:#06x}"
            )));
        }
    };
    b.slice(optional, optional_len, "the optional header")?;
    let directory_count = b.u32(directories - 4, "the optional header")? as usize;
    let com_rva = b.u32(directories + COM_DESCRIPTOR * 8, "the data directories")?;
    if directory_count <= COM_DESCRIPTOR || com_rva == 0 {
        return Err(ContainerError::NoMetadata);
    }
    let mut table = Vec::with_capacity(sections);
    for i in 0..sections {
        let at = optional + optional_len + i * 40;
        let section = Section {
            virtual_size: b.u32(at + 8, "the section table")?,
            virtual_address: b.u32(at + 12, "the section table")?,
            raw_offset: b.u32(at + 20, "the section table")?,
        };
        if section.virtual_address.checked_add(section.virtual_size).is_none()
            || section.raw_offset.checked_add(section.virtual_size).is_none()
        {
            return Err(ContainerError::Malformed(format!(
                "section {i} wraps around the address space"
            )));
        }
        table.push(section);
    }
    let to_offset = |rva: u32, what: &str| -> Result<usize, ContainerError> {
        table
            .iter()
            .find(|s| rva >= s.virtual_address && rva < s.virtual_address + s.virtual_size)
            .map(|s| (rva - s.virtual_address + s.raw_offset) as usize)
            .ok_or_else(|| ContainerError::Malformed(format!("{what} (RVA {rva:#x}) is in no section")))
    };
    let cli = to_offset(com_rva, "the CLI header")?;
    if b.u32(cli, "the CLI header")? as usize != COR20_HEADER_SIZE {
        return Err(ContainerError::Malformed("the CLI header has the wrong size".into()));
    }
    b.slice(cli, COR20_HEADER_SIZE, "the CLI header")?;
    let root = to_offset(b.u32(cli + 8, "the CLI header")?, "the metadata root")?;
    if b.u32(root, "the metadata root")? != METADATA_SIGNATURE {
        return Err(ContainerError::Malformed(
            "the metadata root has no BSJB signature".into(),
        ));
    }
    let version_len = b.u32(root + 12, "the metadata root")? as usize;
    let after_version = root
        .checked_add(version_len)
        .ok_or(ContainerError::Truncated("the metadata root"))?;
    let streams = b.u16(after_version + 18, "the metadata root")?;
    let mut at = after_version + 20;
    let (mut strings, mut blobs, mut tables) = (None, None, None);
    for _ in 0..streams {
        let offset = b.u32(at, "a stream header")? as usize;
        let len = b.u32(at + 4, "a stream header")? as usize;
        let name_area = b.slice(at + 8, bytes.len().saturating_sub(at + 8).min(32), "a stream header")?;
        let name_len = name_area
            .iter()
            .position(|&c| c == 0)
            .ok_or_else(|| ContainerError::Malformed("a stream name is not terminated".into()))?;
        let name = &name_area[..name_len];
        let start = root.checked_add(offset).ok_or(ContainerError::Truncated("a stream"))?;
        let heap = Heap { start, len };
        match name {
            b"#Strings" => strings = Some(heap),
            b"#Blob" => blobs = Some(heap),
            b"#~" => tables = Some(heap),
            b"#GUID" | b"#US" => {}
            b"#-" => return Err(ContainerError::Unsupported("uncompressed metadata tables (#-)".into())),
            other => {
                return Err(ContainerError::Unsupported(format!(
                    "the metadata stream `{}`",
                    String::from_utf8_lossy(other)
                )));
            }
        }
        b.slice(start, len, "a metadata stream")?;
        at += 8 + name_len + (4 - name_len % 4);
    }
    let missing = |name: &str| ContainerError::Malformed(format!("no {name} stream"));
    let strings = strings.ok_or_else(|| missing("#Strings"))?;
    let blobs = blobs.ok_or_else(|| missing("#Blob"))?;
    let tables = tables.ok_or_else(|| missing("#~"))?;
    let tables = Tables::read(&b, tables, strings, blobs)?;
    tables.check()?;
    Ok(Layout {
        offset: tables.offset,
        width: tables.width,
        len: tables.len,
        columns: tables.columns,
        strings,
    })
}

/// Where a checked file's tables and #Strings heap are, to read a cell of a row without
/// windows-metadata (and to change one before it reads them).
pub struct Layout {
    offset: [usize; 64],
    width: [usize; 64],
    len: [usize; 64],
    columns: [Vec<(Col, usize)>; 64],
    strings: Heap,
}

impl Layout {
    /// The number of rows of a table ([`t`]).
    pub fn rows(&self, table: usize) -> usize {
        self.len.get(table).copied().unwrap_or(0)
    }

    /// Where a cell is in the file and how many bytes it takes; `row` from 0.
    pub fn cell(&self, table: usize, row: usize, column: usize) -> Option<(usize, usize)> {
        if row >= self.rows(table) {
            return None;
        }
        let columns = &self.columns[table];
        let size = columns.get(column)?.1;
        let before: usize = columns[..column].iter().map(|&(_, size)| size).sum();
        Some((self.offset[table] + row * self.width[table] + before, size))
    }

    /// The value of a cell (a 2- or 4-byte index, offset or number).
    pub fn value(&self, bytes: &[u8], table: usize, row: usize, column: usize) -> Option<usize> {
        let (at, size) = self.cell(table, row, column)?;
        let b = bytes.get(at..at + size)?;
        Some(match size {
            2 => u16::from_le_bytes([b[0], b[1]]) as usize,
            4 => u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize,
            _ => return None,
        })
    }

    /// The string at an offset of the #Strings heap, if one is there.
    pub fn string<'b>(&self, bytes: &'b [u8], offset: usize) -> Option<&'b str> {
        let heap = bytes.get(self.strings.start..self.strings.start + self.strings.len)?;
        let rest = heap.get(offset..)?;
        let end = memchr::memchr(0, rest)?;
        std::str::from_utf8(&rest[..end]).ok()
    }
}

struct Tables<'a> {
    bytes: &'a [u8],
    blobs: Heap,
    len: [usize; 64],
    offset: [usize; 64],
    width: [usize; 64],
    columns: [Vec<(Col, usize)>; 64],
    /// Whether a string may start at a heap offset (a NUL ends it, and it is UTF-8).
    string_starts: Bits,
}

impl<'a> Tables<'a> {
    fn read(b: &Bytes<'a>, stream: Heap, strings: Heap, blobs: Heap) -> Result<Tables<'a>, ContainerError> {
        let base = stream.start;
        let heap_sizes = b.u8(base + 6, "the metadata tables header")?;
        if heap_sizes & 0x40 != 0 {
            return Err(ContainerError::Unsupported("an edit-and-continue tables header".into()));
        }
        let valid = b.u64(base + 8, "the metadata tables header")?;
        let mut len = [0; 64];
        let mut at = base + 24;
        for (i, slot) in len.iter_mut().enumerate() {
            if valid >> i & 1 == 0 {
                continue;
            }
            if schema(i).is_none() {
                return Err(ContainerError::Unsupported(format!("metadata table {i:#04x}")));
            }
            *slot = b.u32(at, "the metadata table row counts")? as usize;
            at += 4;
        }
        let str_size = if heap_sizes & 1 != 0 { 4 } else { 2 };
        let guid_size = if heap_sizes & 2 != 0 { 4 } else { 2 };
        let blob_size = if heap_sizes & 4 != 0 { 4 } else { 2 };
        let index_size = |table: usize| if len[table] < 1 << 16 { 2 } else { 4 };
        let coded_size = |c: Code| {
            let small = 1usize << (16 - c.bits());
            if c.sized_by().iter().all(|&x| x == t::NONE || len[x] < small) {
                2
            } else {
                4
            }
        };
        let mut tables = Tables {
            bytes: b.0,
            blobs,
            len,
            offset: [0; 64],
            width: [0; 64],
            columns: std::array::from_fn(|_| Vec::new()),
            string_starts: Bits::default(),
        };
        let end = stream.start + stream.len;
        for (table, &rows) in len.iter().enumerate() {
            let Some(cols) = schema(table) else { continue };
            let mut width = 0;
            for &col in cols {
                let size = match col {
                    Col::Fixed(n) => n,
                    Col::Byte => 2,
                    Col::Str => str_size,
                    Col::Guid => guid_size,
                    Col::Blob => blob_size,
                    Col::Index(x) | Col::List(x) | Col::Row(x) => index_size(x),
                    Col::Coded(c) | Col::CodedRequired(c) => coded_size(c),
                };
                tables.columns[table].push((col, size));
                width += size;
            }
            tables.width[table] = width;
            if rows == 0 {
                continue;
            }
            tables.offset[table] = at;
            at = rows
                .checked_mul(width)
                .and_then(|n| n.checked_add(at))
                .ok_or(ContainerError::Truncated("the metadata tables"))?;
            if at > end || at > b.0.len() {
                return Err(ContainerError::Truncated("the metadata tables"));
            }
        }
        tables.string_starts = string_starts(b.slice(strings.start, strings.len, "the #Strings heap")?);
        Ok(tables)
    }

    fn value(&self, at: usize, size: usize) -> usize {
        let b = &self.bytes[at..at + size];
        match size {
            2 => u16::from_le_bytes([b[0], b[1]]) as usize,
            4 => u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize,
            _ => 0,
        }
    }

    fn check(&self) -> Result<(), ContainerError> {
        for table in 0..64 {
            for row in 0..self.len[table] {
                let mut at = self.offset[table] + row * self.width[table];
                for (column, &(col, size)) in self.columns[table].iter().enumerate() {
                    if !matches!(col, Col::Fixed(_) | Col::Guid) {
                        let v = self.value(at, size);
                        self.check_value(col, v).map_err(|why| {
                            ContainerError::Malformed(format!(
                                "{} row {}, column {}: {why}",
                                table_name(table),
                                row + 1,
                                column + 1
                            ))
                        })?;
                    }
                    at += size;
                }
            }
        }
        Ok(())
    }

    fn check_value(&self, col: Col, v: usize) -> Result<(), String> {
        match col {
            Col::Fixed(_) | Col::Guid => Ok(()),
            Col::Byte if v <= 0xff => Ok(()),
            Col::Byte => Err(format!("{v:#x} is not an element type")),
            Col::Str => {
                if self.string_starts.get(v) {
                    Ok(())
                } else {
                    Err(format!(
                        "string offset {v:#x} is outside the #Strings heap or not a UTF-8 string"
                    ))
                }
            }
            Col::Blob => self.check_blob(v),
            Col::Index(x) if v <= self.len[x] => Ok(()),
            Col::Row(x) if v >= 1 && v <= self.len[x] => Ok(()),
            Col::List(x) if v >= 1 && v <= self.len[x] + 1 => Ok(()),
            Col::Index(x) | Col::Row(x) | Col::List(x) => Err(format!(
                "row index {v} is outside the {} table ({} rows)",
                table_name(x),
                self.len[x]
            )),
            Col::Coded(c) | Col::CodedRequired(c) => {
                let bits = c.bits();
                let tag = v & ((1 << bits) - 1);
                let row = v >> bits;
                if row == 0 {
                    return if matches!(col, Col::CodedRequired(_)) {
                        Err("a required reference is null".into())
                    } else {
                        Ok(())
                    };
                }
                match c.tags().get(tag) {
                    Some(&x) if x != t::NONE && row <= self.len[x] => Ok(()),
                    Some(&x) if x != t::NONE => Err(format!(
                        "row index {row} is outside the {} table ({} rows)",
                        table_name(x),
                        self.len[x]
                    )),
                    _ => Err(format!("coded index tag {tag} is not valid for {c:?}")),
                }
            }
        }
    }

    /// A blob's length prefix as windows-metadata decodes it, and its end inside the heap.
    fn check_blob(&self, v: usize) -> Result<(), String> {
        let heap = &self.bytes[self.blobs.start..self.blobs.start + self.blobs.len];
        let outside = || format!("blob offset {v:#x} is outside the #Blob heap");
        let first = *heap.get(v).ok_or_else(outside)?;
        let (mut size, prefix) = match first >> 5 {
            0..=3 => ((first & 0x7f) as usize, 1),
            4..=5 => ((first & 0x3f) as usize, 2),
            6 => ((first & 0x1f) as usize, 4),
            _ => return Err(format!("blob at {v:#x} has an invalid length prefix")),
        };
        for i in 1..prefix {
            size = (size << 8) | *heap.get(v + i).ok_or_else(outside)? as usize;
        }
        if v + prefix + size > heap.len() {
            return Err(format!("blob at {v:#x} ends past the #Blob heap"));
        }
        Ok(())
    }
}

/// For each heap offset, whether a valid string starts there: windows-metadata reads up to
/// the next NUL and insists on UTF-8, so the run must be NUL-terminated, valid UTF-8, and
/// the offset must not split a character.
fn string_starts(heap: &[u8]) -> Bits {
    let mut starts = Bits::new(heap.len());
    let mut begin = 0;
    for nul in memchr::memchr_iter(0, heap) {
        let run = &heap[begin..nul];
        // Metadata names are nearly all ASCII, where every byte starts a valid string:
        // one fill instead of a test per byte.
        if run.is_ascii() {
            starts.set_range(begin, nul);
        } else if std::str::from_utf8(run).is_ok() {
            for (i, &byte) in run.iter().enumerate() {
                if byte & 0xC0 != 0x80 {
                    starts.set_range(begin + i, begin + i + 1);
                }
            }
        }
        starts.set_range(nul, nul + 1);
        begin = nul + 1;
    }
    starts
}

/// A bit per offset. The Win32 metadata's #Strings heap is megabytes, and memory oscgen
/// touches costs page faults: a bit a byte is an eighth of a `bool` a byte.
#[derive(Default)]
struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    fn new(len: usize) -> Bits {
        Bits {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    fn get(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] >> (i % 64) & 1 != 0
    }

    /// Sets bits `start..end`.
    fn set_range(&mut self, start: usize, end: usize) {
        let mut i = start;
        while i < end {
            let bit = i % 64;
            let n = (64 - bit).min(end - i);
            let mask = if n == 64 { u64::MAX } else { ((1u64 << n) - 1) << bit };
            self.words[i / 64] |= mask;
            i += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_metadata_file() {
        assert_eq!(check(b"import \"oaidl.idl\";").err(), Some(ContainerError::NotPe));
        assert_eq!(check(b"MZ").err(), Some(ContainerError::Truncated("the DOS header")));
    }

    #[test]
    fn bit_ranges_cross_words() {
        let mut bits = Bits::new(200);
        bits.set_range(60, 130);
        bits.set_range(192, 200);
        let set: Vec<usize> = (0..210).filter(|&i| bits.get(i)).collect();
        let expected: Vec<usize> = (60..130).chain(192..200).collect();
        assert_eq!(set, expected);
    }

    #[test]
    fn string_starts_follow_nul_and_utf8() {
        let heap = b"\0ab\0\xC3\xA9\0\xFF\0tail";
        let bits = string_starts(heap);
        let starts: Vec<bool> = (0..heap.len()).map(|i| bits.get(i)).collect();
        assert_eq!(
            starts,
            [
                true, true, true, true, true, false, true, false, true, false, false, false, false
            ]
        );
    }
}
