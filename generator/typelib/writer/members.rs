//! Function and variable records (FUNCDESC and VARDESC as stored), as widl's
//! add_func_desc and add_var_desc write them.

use crate::model::interface::{Direction, Method, MethodKind};
use crate::model::param::ParamAttr;
use crate::model::types::Type;
use crate::typelib::writer::Error;
use crate::typelib::writer::build::Builder;
use crate::typelib::writer::format::{
    CC_STDCALL, FUNC_DISPATCH, FUNC_PUREVIRTUAL, INVOKE_FUNC, INVOKE_PROPERTYGET, INVOKE_PROPERTYPUT,
    INVOKE_PROPERTYPUTREF, MSFT_TYPEINFO_SIZE, PARAMFLAG_FHASDEFAULT, PARAMFLAG_FIN, PARAMFLAG_FLCID, PARAMFLAG_FOPT,
    PARAMFLAG_FOUT, PARAMFLAG_FRETVAL, TKIND_DISPATCH, TKIND_ENUM, TKIND_RECORD, TKIND_UNION, VAR_CONST, VAR_DISPATCH,
    VAR_PERINSTANCE, VT_BSTR, VT_I4, VT_INT, VT_USERDEFINED,
};

/// A variable to record: a record's field, an enum's constant or a dispinterface's property.
pub struct Var<'a> {
    pub name: &'a str,
    pub ty: &'a Type,
    pub id: Option<i32>,
    pub flags: i32,
    /// An enum constant's value.
    pub value: i64,
}

/// A `defaultvalue(...)` the writer can store: an integer or a string.
enum Default {
    Int(i32),
    Str(String),
}

fn parse_default(text: &str) -> Option<Default> {
    let t = text.trim();
    if let Some(s) = t.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return Some(Default::Str(s.to_string()));
    }
    if let Some(s) = t.strip_prefix("L\"").and_then(|s| s.strip_suffix('"')) {
        return Some(Default::Str(s.to_string()));
    }
    let (negative, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d.trim()),
        None => (false, t),
    };
    let digits = digits.trim_end_matches(['L', 'l', 'U', 'u']);
    let value = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<i64>().ok()?,
    };
    let value = if negative { -value } else { value };
    Some(Default::Int(value as i32))
}

impl Builder<'_> {
    /// Marks the name's entry as used by the typeinfo, as widl does: the first user owns
    /// it; bit 4 of the flags says "owned by one member only".
    fn claim_name(&mut self, name_offset: usize, info: usize, exclusive: bool, constant: bool) {
        let hreftype = (info * MSFT_TYPEINFO_SIZE) as i32;
        if self.t.name_owner(name_offset) == -1 {
            self.t.set_name_owner(name_offset, hreftype);
            if exclusive {
                *self.t.name_flags(name_offset) |= 0x10;
            }
        } else {
            *self.t.name_flags(name_offset) &= !0x10;
        }
        if constant {
            *self.t.name_flags(name_offset) |= 0x20;
        }
    }

    /// `add_func_desc`, for a method that owns a vtable slot. widl skips `[local]`
    /// methods and writes their `[call_as]` twins; the model gives the slot to the
    /// `[local]` one, as the headers do, and the library follows the model's vtable.
    pub fn add_func(&mut self, info: usize, m: &Method, index: i32) -> Result<bool, Error> {
        if !m.has_slot() {
            return Ok(false);
        }
        let kind = self.infos[info].kind;
        let funckind = if kind == TKIND_DISPATCH {
            FUNC_DISPATCH
        } else {
            FUNC_PUREVIRTUAL
        };
        let mut id = ((0x6000 | (self.infos[info].datatype2 & 0xffff)) << 16) | index;
        let num_params = m.params.len() as i32;
        let has = |p: &crate::model::interface::Param, f: fn(&ParamAttr) -> bool| p.attrs.iter().any(f);
        let num_defaults = m
            .params
            .iter()
            .filter(|p| has(p, |a| matches!(a, ParamAttr::DefaultValue(_))))
            .count() as i32;
        let num_optional = m
            .params
            .iter()
            .filter(|p| has(p, |a| matches!(a, ParamAttr::Optional)))
            .count() as i32;
        let name_offset = self.t.alloc_name(checked_name(&m.idl_name)?);
        let invkind = match m.kind {
            MethodKind::Plain => INVOKE_FUNC,
            MethodKind::PropGet => INVOKE_PROPERTYGET,
            MethodKind::PropPut => INVOKE_PROPERTYPUT,
            MethodKind::PropPutRef => INVOKE_PROPERTYPUTREF,
        };
        if let Some(d) = m.dispid {
            id = d;
        }
        let ti = &self.infos[info];
        if let Some(i) = ti.funcs.names.iter().position(|&n| n == name_offset as i32) {
            id = ti.funcs.ids[i];
        }
        // Functions of one MEMBERID are chained through the high word of word 4.
        let mut next_idx = index;
        if let Some(i) = ti.funcs.ids.iter().position(|&x| x == id) {
            let word = (ti.funcs.offsets[i] / 4) as usize + 4;
            let ti = &mut self.infos[info];
            next_idx = ti.funcs.data[word] >> 16;
            ti.funcs.data[word] = (ti.funcs.data[word] & 0xffff) | (index << 16);
        }
        let size = 0x18 + num_params * if num_defaults > 0 { 16 } else { 12 };
        let mut rec = vec![0i32; (size / 4) as usize];
        rec[0] = size | (index << 16);
        let (ret, decoded, _) = self.encode_var(&m.ret)?;
        rec[1] = ret;
        rec[2] = 0;
        rec[3] = ((52 + decoded) << 16) | self.infos[info].cb_size_vft;
        rec[4] = (next_idx << 16) | (CC_STDCALL << 8) | (invkind << 3) | funckind;
        if num_defaults > 0 {
            rec[4] |= 0x1000;
        }
        rec[5] = (num_optional << 16) | num_params;
        rec[3] += (16 * num_params) << 16;
        rec[3] += (24 * num_defaults) << 16;
        let param_base = 6 + if num_defaults > 0 { num_params as usize } else { 0 };
        let mut lcid_retval = 0;
        for (i, p) in m.params.iter().enumerate() {
            if num_defaults > 0 {
                rec[6 + i] = -1;
            }
            let (encoded, decoded, _) = self.encode_var(&p.ty)?;
            let mut flags = 0;
            for a in &p.attrs {
                match a {
                    ParamAttr::DefaultValue(text) => {
                        flags |= PARAMFLAG_FHASDEFAULT | PARAMFLAG_FOPT;
                        if let Some(v) = self.default_value(&p.ty, text)? {
                            rec[6 + i] = v;
                        }
                    }
                    ParamAttr::Optional => flags |= PARAMFLAG_FOPT,
                    ParamAttr::Lcid => {
                        flags |= PARAMFLAG_FLCID;
                        lcid_retval += 1;
                    }
                    _ => {}
                }
            }
            match p.dir {
                Direction::In => flags |= PARAMFLAG_FIN,
                Direction::Out => flags |= PARAMFLAG_FOUT,
                Direction::InOut => flags |= PARAMFLAG_FIN | PARAMFLAG_FOUT,
            }
            if p.retval {
                flags |= PARAMFLAG_FRETVAL;
                lcid_retval += 1;
            }
            let at = param_base + i * 3;
            rec[at] = encoded;
            rec[at + 1] = -1;
            rec[at + 2] = flags;
            rec[3] += decoded << 16;
        }
        if lcid_retval == 1 {
            rec[4] |= 0x4000;
        } else if lcid_retval == 2 {
            rec[4] |= 0x8000;
        }
        let ptr = self.ptr;
        let ti = &mut self.infos[info];
        let offset = ti.funcs.bytes();
        ti.funcs.ids.push(id);
        ti.funcs.offsets.push(offset);
        ti.funcs.names.push(name_offset as i32);
        if ti.res2 == 0 {
            ti.res2 = 0x20;
        }
        ti.res2 <<= 1;
        if index < 2 {
            ti.res2 += num_params << 4;
        }
        if ti.res3 == -1 {
            ti.res3 = 0;
        }
        ti.res3 += 0x38 + num_params * 0x10;
        if num_defaults > 0 {
            ti.res3 += num_params * 4;
        }
        ti.cb_size_vft += ptr;
        ti.c_element += 1;
        self.claim_name(name_offset, info, false, false);
        // The value of a property put has no name: it is the right-hand side.
        let unnamed_last = matches!(invkind, INVOKE_PROPERTYPUT | INVOKE_PROPERTYPUTREF);
        for (i, p) in m.params.iter().enumerate() {
            if unnamed_last && i + 1 == m.params.len() {
                continue;
            }
            rec[param_base + i * 3 + 1] = self.t.alloc_name(checked_name(&p.name)?) as i32;
        }
        self.infos[info].funcs.data.extend(rec);
        Ok(true)
    }

    /// `write_default_value`: `None` for a value the format cannot hold inline.
    fn default_value(&mut self, ty: &Type, text: &str) -> Result<Option<i32>, Error> {
        let Some(value) = parse_default(text) else {
            return Err(Error::Default(text.to_string()));
        };
        let resolved = self.resolve(ty).clone();
        match value {
            Default::Str(s) if self.vt_of(&resolved)? == VT_BSTR => Ok(Some(self.t.string_value(&s))),
            Default::Str(_) => Err(Error::Default(text.to_string())),
            Default::Int(v) => {
                let vt = match &resolved {
                    Type::Named(n)
                        if matches!(
                            self.model.type_def(n).map(|t| &t.kind),
                            Some(crate::model::types::TypeDefKind::Enum(..))
                        ) =>
                    {
                        VT_I4
                    }
                    Type::Pointer(inner) => match self.vt_of(inner)? {
                        VT_USERDEFINED => VT_I4,
                        vt => vt,
                    },
                    t => self.vt_of(t)?,
                };
                // widl writes only integer kinds; others keep no value, as there.
                if !matches!(vt, 2 | 3 | 4 | 11 | 16 | 17 | 18 | 19 | 22 | 23 | 25) {
                    return Ok(None);
                }
                Ok(Some(self.t.int_value(vt, v)))
            }
        }
    }

    /// `add_var_desc`.
    pub fn add_var(&mut self, info: usize, index: i32, var: &Var<'_>) -> Result<(), Error> {
        let kind = self.infos[info].kind;
        let id = var.id.unwrap_or(0x4000_0000 + index);
        let (width, align) = if kind == TKIND_ENUM {
            (4, 4)
        } else {
            self.layout(var.ty)?
        };
        let (encoded, mut decoded) = if kind == TKIND_ENUM {
            // An enum's constants are `int`s in widl.
            (self.encode_type(VT_INT, var.ty)?.0, 0)
        } else {
            let (e, d, _) = self.encode_var(var.ty)?;
            (e, d)
        };
        let ptr = self.ptr;
        let value = if kind == TKIND_ENUM {
            Some(self.t.int_value(VT_I4, var.value as i32))
        } else {
            None
        };
        let ti = &mut self.infos[info];
        let mut rec = [0x14 | (index << 16), encoded, var.flags, 36 << 16, 0];
        // A union's members all start at 0: only its width grows.
        if kind != TKIND_UNION {
            ti.datawidth = (ti.datawidth + align - 1) & !(align - 1);
        }
        let varkind = match kind {
            TKIND_ENUM => {
                rec[4] = value.unwrap_or(0);
                decoded += 16;
                ti.datawidth = width;
                VAR_CONST
            }
            TKIND_RECORD => {
                rec[4] = ti.datawidth;
                ti.datawidth += width;
                VAR_PERINSTANCE
            }
            TKIND_UNION => {
                rec[4] = 0;
                ti.datawidth = ti.datawidth.max(width);
                VAR_PERINSTANCE
            }
            _ => {
                ti.datawidth = ptr;
                VAR_DISPATCH
            }
        };
        rec[3] += (decoded << 16) | varkind;
        let mut alignment = ti.alignment();
        if alignment < align {
            alignment = align;
            ti.set_alignment(alignment);
        }
        if ti.res2 == 0 {
            ti.res2 = 0x1a;
        }
        if matches!(index, 0 | 1 | 2 | 4 | 9) {
            ti.res2 <<= 1;
        }
        if ti.res3 == -1 {
            ti.res3 = 0;
        }
        ti.res3 += 0x2c;
        ti.c_element += 0x10000;
        ti.size = (ti.datawidth + alignment - 1) & !(alignment - 1);
        let offset = ti.vars.bytes();
        ti.vars.ids.push(id);
        ti.vars.offsets.push(offset);
        ti.vars.data.extend(rec);
        let name_offset = self.t.alloc_name(checked_name(var.name)?);
        self.claim_name(name_offset, info, kind != TKIND_DISPATCH, kind == TKIND_ENUM);
        self.infos[info].vars.names.push(name_offset as i32);
        Ok(())
    }
}

/// A name the format can store: its length is one byte.
pub fn checked_name(name: &str) -> Result<&str, Error> {
    if name.len() > 255 || name.is_empty() {
        return Err(Error::Name(name.to_string()));
    }
    Ok(name)
}
