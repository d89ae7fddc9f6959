//! The library-wide segments: names, GUIDs, strings, type descriptions, array
//! descriptions, custom data, imports and coclass references, each deduplicated the way
//! widl's write_msft.c does, so equal inputs give equal files.

use crate::model::guid::Guid;
use crate::typelib::writer::format::{
    GUID_HASH_BUCKETS, MSFT_GUID_ENTRY_SIZE, MSFT_IMPINFO_SIZE, MSFT_SEG_ARRAYDESC, MSFT_SEG_CUSTDATA, MSFT_SEG_GUID,
    MSFT_SEG_GUIDHASH, MSFT_SEG_IMPORTFILES, MSFT_SEG_IMPORTINFO, MSFT_SEG_MAX, MSFT_SEG_NAME, MSFT_SEG_NAMEHASH,
    MSFT_SEG_REFERENCES, MSFT_SEG_TYPEDESC, NAME_HASH_BUCKETS, PAD,
};
use crate::typelib::writer::hash::lhash_val_of_name;

/// The segments' bytes, indexed by `MSFT_SEG_*`, and the counts the header records.
pub struct Tables {
    pub segments: [Vec<u8>; MSFT_SEG_MAX],
    pub name_count: i32,
    pub name_chars: i32,
    pub impinfo_count: i32,
}

pub fn read_i32(seg: &[u8], at: usize) -> i32 {
    i32::from_le_bytes([seg[at], seg[at + 1], seg[at + 2], seg[at + 3]])
}

pub fn write_i32(seg: &mut [u8], at: usize, value: i32) {
    seg[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// A GUID's 16 bytes as Windows stores the struct: Data1-3 little-endian, Data4 as is.
pub fn guid_bytes(g: Guid) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[0..4].copy_from_slice(&g.data1().to_le_bytes());
    out[4..6].copy_from_slice(&g.data2().to_le_bytes());
    out[6..8].copy_from_slice(&g.data3().to_le_bytes());
    out[8..16].copy_from_slice(&g.data4());
    out
}

/// `ctl2_encode_string`: a 16-bit length, the bytes, padded with 'W' to a multiple of
/// four (short strings to at least eight bytes).
fn encode_string(s: &[u8]) -> Vec<u8> {
    let mut length = s.len();
    if length < 3 {
        length += 4;
    }
    let mut out = vec![PAD; (length + 5) & !3];
    out[0..2].copy_from_slice(&(s.len() as u16).to_le_bytes());
    out[2..2 + s.len()].copy_from_slice(s);
    out
}

impl Tables {
    pub fn new() -> Tables {
        let mut segments: [Vec<u8>; MSFT_SEG_MAX] = Default::default();
        segments[MSFT_SEG_GUIDHASH] = vec![0xff; GUID_HASH_BUCKETS * 4];
        segments[MSFT_SEG_NAMEHASH] = vec![0xff; NAME_HASH_BUCKETS * 4];
        Tables {
            segments,
            name_count: 0,
            name_chars: 0,
            impinfo_count: 0,
        }
    }

    /// Reserves `size` bytes at the end of a segment, as `ctl2_alloc_segment` does.
    pub fn alloc(&mut self, segment: usize, size: usize) -> usize {
        let seg = &mut self.segments[segment];
        let at = seg.len();
        seg.resize(at + size, PAD);
        at
    }

    fn guid_hash(bytes: &[u8; 16]) -> usize {
        let mut hash: i32 = 0;
        for pair in bytes.chunks_exact(2) {
            hash ^= i32::from(i16::from_le_bytes([pair[0], pair[1]]));
        }
        (hash & 0x1f) as usize
    }

    pub fn find_guid(&self, g: Guid) -> Option<usize> {
        let bytes = guid_bytes(g);
        let seg = &self.segments[MSFT_SEG_GUID];
        let mut offset = read_i32(&self.segments[MSFT_SEG_GUIDHASH], Self::guid_hash(&bytes) * 4);
        while offset != -1 {
            let at = offset as usize;
            if seg[at..at + 16] == bytes {
                return Some(at);
            }
            offset = read_i32(seg, at + 20);
        }
        None
    }

    /// `ctl2_alloc_guid`: the GUID's entry, added with `hreftype` if it is new.
    pub fn alloc_guid(&mut self, g: Guid, hreftype: i32) -> usize {
        if let Some(at) = self.find_guid(g) {
            return at;
        }
        let bytes = guid_bytes(g);
        let bucket = Self::guid_hash(&bytes) * 4;
        let at = self.alloc(MSFT_SEG_GUID, MSFT_GUID_ENTRY_SIZE);
        let next = read_i32(&self.segments[MSFT_SEG_GUIDHASH], bucket);
        let seg = &mut self.segments[MSFT_SEG_GUID];
        seg[at..at + 16].copy_from_slice(&bytes);
        write_i32(seg, at + 16, hreftype);
        write_i32(seg, at + 20, next);
        write_i32(&mut self.segments[MSFT_SEG_GUIDHASH], bucket, at as i32);
        at
    }

    /// `ctl2_alloc_name`: names are unique without regard to case, as oleaut32 looks
    /// them up; the entry is the hreftype that owns it, the hash chain, then the name.
    pub fn alloc_name(&mut self, name: &str) -> usize {
        let bytes = name.as_bytes();
        let hash = lhash_val_of_name(bytes);
        let mut encoded = vec![PAD; (bytes.len() + 7) & !3];
        encoded[0] = bytes.len() as u8;
        encoded[1] = 0;
        encoded[2] = hash as u8;
        encoded[3] = (hash >> 8) as u8;
        encoded[4..4 + bytes.len()].copy_from_slice(bytes);
        let bucket = usize::from(encoded[2] & 0x7f) * 4;
        let seg = &self.segments[MSFT_SEG_NAME];
        let mut offset = read_i32(&self.segments[MSFT_SEG_NAMEHASH], bucket);
        while offset != -1 {
            let at = offset as usize;
            let same_intro = seg[at + 8] == encoded[0] && seg[at + 10] == encoded[2] && seg[at + 11] == encoded[3];
            if same_intro && seg[at + 12..at + 12 + bytes.len()].eq_ignore_ascii_case(bytes) {
                return at;
            }
            offset = read_i32(seg, at + 4);
        }
        let at = self.alloc(MSFT_SEG_NAME, encoded.len() + 8);
        let next = read_i32(&self.segments[MSFT_SEG_NAMEHASH], bucket);
        let seg = &mut self.segments[MSFT_SEG_NAME];
        write_i32(seg, at, -1);
        write_i32(seg, at + 4, next);
        seg[at + 8..at + 8 + encoded.len()].copy_from_slice(&encoded);
        write_i32(&mut self.segments[MSFT_SEG_NAMEHASH], bucket, at as i32);
        self.name_count += 1;
        self.name_chars += i32::from(encoded[0]);
        at
    }

    /// The hreftype a name entry records (its first owner), and its flags byte.
    pub fn name_owner(&self, at: usize) -> i32 {
        read_i32(&self.segments[MSFT_SEG_NAME], at)
    }

    pub fn set_name_owner(&mut self, at: usize, hreftype: i32) {
        write_i32(&mut self.segments[MSFT_SEG_NAME], at, hreftype);
    }

    pub fn name_flags(&mut self, at: usize) -> &mut u8 {
        &mut self.segments[MSFT_SEG_NAME][at + 9]
    }

    /// The TYPEDESC entry `(word0, word1)`, shared if one equal to it exists (widl
    /// matches on `matches`, which compares what identifies the description).
    pub fn typedesc(&mut self, matches: impl Fn(i32, i32) -> bool, word0: i32, word1: i32) -> i32 {
        let seg = &self.segments[MSFT_SEG_TYPEDESC];
        let mut at = 0;
        while at < seg.len() {
            if matches(read_i32(seg, at), read_i32(seg, at + 4)) {
                return at as i32;
            }
            at += 8;
        }
        self.new_typedesc(word0, word1)
    }

    pub fn new_typedesc(&mut self, word0: i32, word1: i32) -> i32 {
        let at = self.alloc(MSFT_SEG_TYPEDESC, 8);
        let seg = &mut self.segments[MSFT_SEG_TYPEDESC];
        write_i32(seg, at, word0);
        write_i32(seg, at + 4, word1);
        at as i32
    }

    pub fn typedesc_word0(&self, at: i32) -> i32 {
        read_i32(&self.segments[MSFT_SEG_TYPEDESC], at as usize)
    }

    /// An ARRAYDESC: the element type, then each dimension's bound and lower bound 0.
    pub fn arraydesc(&mut self, element: i32, dims: &[u64]) -> i32 {
        let at = self.alloc(MSFT_SEG_ARRAYDESC, (2 + 2 * dims.len()) * 4);
        let seg = &mut self.segments[MSFT_SEG_ARRAYDESC];
        write_i32(seg, at, element);
        write_i32(seg, at + 4, dims.len() as i32 | (((dims.len() * 8) as i32) << 16));
        for (i, &d) in dims.iter().enumerate() {
            write_i32(seg, at + 8 + i * 8, d as i32);
            write_i32(seg, at + 12 + i * 8, 0);
        }
        at as i32
    }

    /// `write_int_value`: small values inline in the returned word, others in the
    /// custom data segment.
    pub fn int_value(&mut self, vt: i32, value: i32) -> i32 {
        let lv = match vt {
            2 | 11 | 18 => value as u32 & 0xffff,
            16 | 17 => value as u32 & 0xff,
            _ => value as u32,
        };
        if lv & 0x3ff_ffff == lv {
            return (0x8000_0000u32 | ((vt as u32) << 26) | lv) as i32;
        }
        let at = self.alloc(MSFT_SEG_CUSTDATA, 8);
        let seg = &mut self.segments[MSFT_SEG_CUSTDATA];
        seg[at..at + 2].copy_from_slice(&(vt as u16).to_le_bytes());
        seg[at + 2..at + 6].copy_from_slice(&value.to_le_bytes());
        seg[at + 6..at + 8].copy_from_slice(&[PAD, PAD]);
        at as i32
    }

    /// `write_string_value`: a BSTR constant in the custom data segment.
    pub fn string_value(&mut self, s: &str) -> i32 {
        let len = s.len();
        let at = self.alloc(MSFT_SEG_CUSTDATA, (len + 6 + 3) & !3);
        let seg = &mut self.segments[MSFT_SEG_CUSTDATA];
        seg[at..at + 2].copy_from_slice(&8u16.to_le_bytes());
        seg[at + 2..at + 6].copy_from_slice(&(len as i32).to_le_bytes());
        seg[at + 6..at + 6 + len].copy_from_slice(s.as_bytes());
        at as i32
    }

    /// `alloc_importfile`: the imported library's GUID entry, LCID 0, version and file name.
    pub fn import_file(&mut self, guid_offset: usize, major: u16, minor: u16, file: &str) -> usize {
        let mut encoded = encode_string(file.as_bytes());
        encoded[0] = (encoded[0] << 2) | 1;
        let seg = &self.segments[MSFT_SEG_IMPORTFILES];
        let mut at = 0;
        while at < seg.len() {
            if seg[at + 12..].starts_with(&encoded) {
                return at;
            }
            let len = (usize::from(seg[at + 13]) << 8 | usize::from(seg[at + 12])) >> 2;
            at += ((len + 5) & !3) + 12;
        }
        let at = self.alloc(MSFT_SEG_IMPORTFILES, encoded.len() + 12);
        let seg = &mut self.segments[MSFT_SEG_IMPORTFILES];
        write_i32(seg, at, guid_offset as i32);
        write_i32(seg, at + 4, 0);
        write_i32(seg, at + 8, i32::from(major) | (i32::from(minor) << 16));
        seg[at + 12..at + 12 + encoded.len()].copy_from_slice(&encoded);
        at
    }

    /// `alloc_msft_importinfo`: an imported type (flags, import file, GUID offset),
    /// numbered in the flags' low word in the order they are first used.
    pub fn import_info(&mut self, flags: i32, impfile: usize, guid_offset: usize) -> usize {
        let mut record = [0u8; MSFT_IMPINFO_SIZE];
        write_i32(&mut record, 0, flags);
        write_i32(&mut record, 4, impfile as i32);
        write_i32(&mut record, 8, guid_offset as i32);
        let seg = &self.segments[MSFT_SEG_IMPORTINFO];
        if let Some(i) = seg.chunks_exact(MSFT_IMPINFO_SIZE).position(|r| r == record) {
            return i * MSFT_IMPINFO_SIZE;
        }
        write_i32(&mut record, 0, flags | self.impinfo_count);
        self.impinfo_count += 1;
        let at = self.alloc(MSFT_SEG_IMPORTINFO, MSFT_IMPINFO_SIZE);
        self.segments[MSFT_SEG_IMPORTINFO][at..at + MSFT_IMPINFO_SIZE].copy_from_slice(&record);
        at
    }

    /// A coclass's `MSFT_RefRecord`s, chained: (hreftype, IMPLTYPEFLAGS) each.
    pub fn references(&mut self, refs: &[(i32, i32)]) -> usize {
        let at = self.alloc(MSFT_SEG_REFERENCES, refs.len() * 16);
        let seg = &mut self.segments[MSFT_SEG_REFERENCES];
        for (i, &(hreftype, flags)) in refs.iter().enumerate() {
            let r = at + i * 16;
            write_i32(seg, r, hreftype);
            write_i32(seg, r + 4, flags);
            write_i32(seg, r + 8, -1);
            let next = if i + 1 < refs.len() {
                (at + (i + 1) * 16) as i32
            } else {
                -1
            };
            write_i32(seg, r + 12, next);
        }
        at
    }
}
