//! One typeinfo: its `MSFT_TypeInfoBase` and its function and variable records, kept as
//! widl's write_msft.c keeps them, including the fields whose meaning no one documents
//! (`res2`, `res3`) but which MIDL and widl fill the same way.

use crate::typelib::writer::format::MSFT_TYPEINFO_SIZE;

pub struct TypeInfo {
    /// TYPEKIND in the low nibble, alignment in bits 6-15, the index in the high word.
    pub typekind: i32,
    pub memoffset: i32,
    pub res2: i32,
    pub res3: i32,
    /// Functions in the low word, variables in the high word.
    pub c_element: i32,
    pub posguid: i32,
    pub flags: i32,
    pub name_offset: i32,
    pub version: i32,
    pub cb_size_vft: i32,
    pub c_impl_types: i32,
    pub size: i32,
    pub datatype1: i32,
    pub datatype2: i32,
    /// The TYPEKIND the records are written for: a dual interface is stored as
    /// TKIND_DISPATCH, but its functions are its vtable's (FUNC_PUREVIRTUAL).
    pub kind: i32,
    /// Where the next record field goes (records and unions) or the width so far.
    pub datawidth: i32,
    pub funcs: Records,
    pub vars: Records,
}

/// Function or variable records: their bytes (as words), and per record its MEMBERID,
/// name offset and offset within the records.
#[derive(Default)]
pub struct Records {
    pub data: Vec<i32>,
    pub ids: Vec<i32>,
    pub names: Vec<i32>,
    pub offsets: Vec<i32>,
}

impl Records {
    pub fn bytes(&self) -> i32 {
        (self.data.len() * 4) as i32
    }
}

impl TypeInfo {
    pub fn new(index: usize, name_offset: usize) -> TypeInfo {
        TypeInfo {
            typekind: (index as i32) << 16,
            memoffset: -1,
            res2: 0,
            res3: -1,
            c_element: 0,
            posguid: -1,
            flags: 0,
            name_offset: name_offset as i32,
            version: 0,
            cb_size_vft: 0,
            c_impl_types: 0,
            size: 0,
            datatype1: -1,
            datatype2: 0,
            kind: 0,
            datawidth: 0,
            funcs: Records::default(),
            vars: Records::default(),
        }
    }

    pub fn alignment(&self) -> i32 {
        (self.typekind >> 11) & 0x1f
    }

    pub fn set_alignment(&mut self, alignment: i32) {
        self.typekind &= !0xffc0;
        self.typekind |= (alignment << 11) | (alignment << 6);
    }

    /// The bytes its records take after the segments (0 without records).
    pub fn records_size(&self) -> i32 {
        let mut size = 0;
        if !self.funcs.data.is_empty() {
            size += self.funcs.bytes() + self.funcs.ids.len() as i32 * 12;
        }
        if !self.vars.data.is_empty() {
            size += self.vars.bytes() + self.vars.ids.len() as i32 * 12;
        }
        if size > 0 { size + 4 } else { 0 }
    }

    /// `MSFT_TypeInfoBase`.
    pub fn base_bytes(&self) -> [u8; MSFT_TYPEINFO_SIZE] {
        let words: [i32; 25] = [
            self.typekind,
            self.memoffset,
            self.res2,
            self.res3,
            3, // res4
            0, // res5
            self.c_element,
            0, // res7
            0, // res8
            0, // res9
            0, // resA
            self.posguid,
            self.flags,
            self.name_offset,
            self.version,
            -1, // docstringoffs: help strings are not in the model
            0,  // helpstringcontext
            0,  // helpcontext
            -1, // oCustData
            (self.c_impl_types & 0xffff) | (self.cb_size_vft << 16),
            self.size,
            self.datatype1,
            self.datatype2,
            0,  // res18
            -1, // res19
        ];
        let mut out = [0u8; MSFT_TYPEINFO_SIZE];
        for (i, w) in words.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
        }
        out
    }

    /// The records as the loader reads them from `memoffset`: their total size, the
    /// function then variable records, then ids, names and offsets (variables' offsets
    /// counted from the start of the function records).
    pub fn write_records(&self, out: &mut Vec<u8>) {
        if self.funcs.data.is_empty() && self.vars.data.is_empty() {
            return;
        }
        let mut words = vec![self.funcs.bytes() + self.vars.bytes()];
        words.extend(&self.funcs.data);
        words.extend(&self.vars.data);
        words.extend(&self.funcs.ids);
        words.extend(&self.vars.ids);
        words.extend(&self.funcs.names);
        words.extend(&self.vars.names);
        words.extend(&self.funcs.offsets);
        let add = self.funcs.bytes();
        words.extend(self.vars.offsets.iter().map(|o| o + add));
        for w in words {
            out.extend_from_slice(&w.to_le_bytes());
        }
    }
}
