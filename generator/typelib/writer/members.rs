//! Function and variable records (FUNCDESC and VARDESC as stored), as widl's
//! add_func_desc and add_var_desc write them.

use crate::model::ConstValue;
use crate::model::interface::{Direction, Method, MethodKind, Param};
use crate::model::param::{DefaultValue, ParamAttr};
use crate::model::types::{Type, TypeDefKind};
use crate::typelib::format::{callconv, default_memid, funckind, invkind, paramflag, tkind, typeinfo, varkind, vt};
use crate::typelib::writer::Error;
use crate::typelib::writer::build::Builder;

/// A variable to record: a record's field, an enum's constant or a dispinterface's property.
pub struct Var<'a> {
    pub name: &'a str,
    pub ty: &'a Type,
    pub id: Option<i32>,
    /// VARFLAGS.
    pub flags: u32,
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
        let hreftype = (info * typeinfo::SIZE) as i32;
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
        let funckind = if kind == tkind::DISPATCH {
            funckind::DISPATCH
        } else {
            funckind::PUREVIRTUAL
        };
        let mut id = default_memid(self.infos[info].datatype2 & 0xffff, index);
        let num_params = m.params.len() as i32;
        let has = |p: &Param, f: fn(&ParamAttr) -> bool| p.attrs.iter().any(f);
        let num_defaults = m
            .params
            .iter()
            .filter(|p| has(p, |a| matches!(a, ParamAttr::DefaultValue(_))))
            .count() as i32;
        let num_optional = if m.params.iter().any(|p| has(p, |a| matches!(a, ParamAttr::Vararg))) {
            -1
        } else {
            m.params
                .iter()
                .filter(|p| has(p, |a| matches!(a, ParamAttr::Optional)))
                .count() as i32
        };
        let name_offset = self.t.alloc_name(checked_name(&m.idl_name)?);
        let invkind = match m.kind {
            MethodKind::Plain => invkind::FUNC,
            MethodKind::PropGet => invkind::PROPERTYGET,
            MethodKind::PropPut => invkind::PROPERTYPUT,
            MethodKind::PropPutRef => invkind::PROPERTYPUTREF,
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
        rec[4] = (next_idx << 16) | ((callconv::STDCALL << 8) | (invkind << 3) | funckind) as i32;
        if num_defaults > 0 {
            rec[4] |= 0x1000;
        }
        rec[5] = ((num_optional & 0xffff) << 16) | num_params;
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
                    // A value the format cannot hold inline (a 64-bit integer, a
                    // VARIANT) is left out, and so is PARAMFLAG_FHASDEFAULT: widl keeps
                    // the flag without a value, and oleaut32's GetFuncDesc then fails.
                    ParamAttr::DefaultValue(d) => {
                        flags |= paramflag::OPT;
                        if let Some(v) = self.default_value(&p.ty, d)? {
                            flags |= paramflag::HASDEFAULT;
                            rec[6 + i] = v;
                        }
                    }
                    ParamAttr::Optional => flags |= paramflag::OPT,
                    ParamAttr::Lcid => {
                        flags |= paramflag::LCID;
                        lcid_retval += 1;
                    }
                    _ => {}
                }
            }
            match p.dir {
                Direction::In => flags |= paramflag::IN,
                Direction::Out => flags |= paramflag::OUT,
                Direction::InOut => flags |= paramflag::IN | paramflag::OUT,
            }
            if p.retval {
                flags |= paramflag::RETVAL;
                lcid_retval += 1;
            }
            let at = param_base + i * 3;
            rec[at] = encoded;
            rec[at + 1] = -1;
            rec[at + 2] = flags as i32;
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
        let unnamed_last = matches!(invkind, invkind::PROPERTYPUT | invkind::PROPERTYPUTREF);
        for (i, p) in m.params.iter().enumerate() {
            if unnamed_last && i + 1 == m.params.len() {
                continue;
            }
            // An unnamed parameter (`HRESULT f(long)`) keeps no name.
            if !p.name.is_empty() {
                rec[param_base + i * 3 + 1] = self.t.alloc_name(checked_name(&p.name)?) as i32;
            }
        }
        self.infos[info].funcs.data.extend(rec);
        Ok(true)
    }

    /// `write_default_value`: `None` for a value the format cannot hold inline.
    fn default_value(&mut self, ty: &Type, d: &DefaultValue) -> Result<Option<i32>, Error> {
        let text = &*d.text;
        // An enumerator or a constant stands for its value; NULL for a null pointer.
        let named = match self.model.constant(text.trim()) {
            Some(c) => match &c.value {
                ConstValue::Int(v) => Some(Default::Int(*v as i32)),
                ConstValue::Str(s) => Some(Default::Str(s.clone())),
                ConstValue::Expr(_) => None,
            },
            // Macros of windows.h, which the model does not keep.
            None => match text.trim() {
                "NULL" | "FALSE" | "VARIANT_FALSE" => Some(Default::Int(0)),
                "TRUE" => Some(Default::Int(1)),
                "VARIANT_TRUE" => Some(Default::Int(-1)),
                _ => None,
            },
        };
        let folded = d.int.map(|v| Default::Int(v as i32));
        let Some(value) = folded.or_else(|| parse_default(text)).or(named) else {
            return Err(Error::Default(text.to_string()));
        };
        let resolved = self.resolve(ty).clone();
        match value {
            Default::Str(s) if self.vt_of(&resolved)? == vt::BSTR => Ok(Some(self.t.string_value(&s))),
            Default::Str(_) => Err(Error::Default(text.to_string())),
            Default::Int(v) => {
                let code = match &resolved {
                    Type::Named(n)
                        if matches!(self.model.type_def(n).map(|t| &t.kind), Some(TypeDefKind::Enum(..))) =>
                    {
                        vt::I4
                    }
                    // A pointer's default is written as its pointee's kind, as widl does:
                    // `[out, retval, defaultvalue(0)] DATE *` gets a DATE.
                    Type::Pointer(inner) => match self.vt_of(inner)? {
                        vt::USERDEFINED => vt::I4,
                        code => code,
                    },
                    t => self.vt_of(t)?,
                };
                // Integer kinds, and for a pointer its pointee's DATE, IDispatch or IUnknown
                // (`[defaultvalue(0)] IDispatch *`); widl writes a pointer's VT_PTR too,
                // which oleaut32's GetFuncDesc then refuses.
                let integer = matches!(code, 2 | 3 | 4 | 11 | 16 | 17 | 18 | 19 | 22 | 23 | 25);
                let pointee = matches!(resolved, Type::Pointer(_)) && matches!(code, 7 | 9 | 13);
                if !integer && !pointee {
                    return Ok(None);
                }
                Ok(Some(self.t.int_value(code, v)))
            }
        }
    }

    /// `add_var_desc`.
    pub fn add_var(&mut self, info: usize, index: i32, var: &Var<'_>) -> Result<(), Error> {
        let kind = self.infos[info].kind;
        let id = var.id.unwrap_or(0x4000_0000 + index);
        let (width, align) = if kind == tkind::ENUM {
            (4, 4)
        } else {
            self.layout(var.ty)?
        };
        let (encoded, mut decoded) = if kind == tkind::ENUM {
            // An enum's constants are `int`s in widl.
            (self.encode_type(vt::INT, var.ty)?.0, 0)
        } else {
            let (e, d, _) = self.encode_var(var.ty)?;
            (e, d)
        };
        let ptr = self.ptr;
        let value = if kind == tkind::ENUM {
            Some(self.t.int_value(vt::I4, var.value as i32))
        } else {
            None
        };
        let ti = &mut self.infos[info];
        let mut rec = [0x14 | (index << 16), encoded, var.flags as i32, 36 << 16, 0];
        // A union's members all start at 0: only its width grows.
        if kind != tkind::UNION {
            ti.datawidth = (ti.datawidth + align - 1) & !(align - 1);
        }
        let varkind = match kind {
            tkind::ENUM => {
                rec[4] = value.unwrap_or(0);
                decoded += 16;
                ti.datawidth = width;
                varkind::CONST
            }
            tkind::RECORD => {
                rec[4] = ti.datawidth;
                ti.datawidth += width;
                varkind::PERINSTANCE
            }
            tkind::UNION => {
                rec[4] = 0;
                ti.datawidth = ti.datawidth.max(width);
                varkind::PERINSTANCE
            }
            _ => {
                ti.datawidth = ptr;
                varkind::DISPATCH
            }
        };
        rec[3] += (decoded << 16) | varkind as i32;
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
        // An anonymous member (a union inside a struct) keeps no name.
        if var.name.is_empty() {
            self.infos[info].vars.names.push(-1);
            return Ok(());
        }
        let name_offset = self.t.alloc_name(checked_name(var.name)?);
        self.claim_name(name_offset, info, kind != tkind::DISPATCH, kind == tkind::ENUM);
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
