//! Types as a type library describes them: the VARTYPE of a model type, its encoded
//! TYPEDESC (inline for base types, an entry of the TYPEDESC segment otherwise), and the
//! size and alignment fields need, as widl's encode_type/encode_var and
//! type_memsize_and_alignment compute them.

use crate::model::types::{Scalar, Type, TypeDefKind};
use crate::typelib::format::vt;
use crate::typelib::writer::Error;
use crate::typelib::writer::build::Builder;

/// Names widl maps to a VARTYPE before looking at what they alias (its `oatypes`), and
/// the two interfaces a VARTYPE stands for.
fn builtin_vt(name: &str) -> Option<u16> {
    Some(match name {
        "BSTR" => vt::BSTR,
        "CURRENCY" | "CY" => vt::CY,
        "DATE" => vt::DATE,
        "DECIMAL" => vt::DECIMAL,
        "HRESULT" => vt::HRESULT,
        // `[string]` typedefs of char and wchar_t pointers, which widl knows by that
        // attribute and the model by name.
        "LPSTR" | "LPCSTR" => vt::LPSTR,
        "LPWSTR" | "LPCWSTR" | "LPOLESTR" | "LPCOLESTR" => vt::LPWSTR,
        "SCODE" => vt::ERROR,
        "VARIANT" => vt::VARIANT,
        "VARIANT_BOOL" => vt::BOOL,
        "IUnknown" => vt::UNKNOWN,
        "IDispatch" => vt::DISPATCH,
        _ => return None,
    })
}

/// The name a typeinfo of an aggregate carries: its tag without the keyword.
pub fn typeinfo_name(name: &str) -> &str {
    ["struct ", "union ", "enum "]
        .iter()
        .find_map(|k| name.strip_prefix(k))
        .unwrap_or(name)
}

fn align_up(n: i32, align: i32) -> i32 {
    if align <= 1 { n } else { (n + align - 1) & !(align - 1) }
}

impl Builder<'_> {
    /// Follows aliases to what they name, stopping at names with a VARTYPE of their own.
    pub fn resolve<'t>(&'t self, ty: &'t Type) -> &'t Type {
        let mut ty = ty.unqualified();
        for _ in 0..64 {
            let Type::Named(n) = ty else { return ty };
            if builtin_vt(n).is_some() {
                return ty;
            }
            match self.model.type_def(n).map(|t| &t.kind) {
                Some(TypeDefKind::Alias(inner)) => ty = inner.unqualified(),
                _ => return ty,
            }
        }
        ty
    }

    /// `get_type_vt`.
    pub fn vt_of(&self, ty: &Type) -> Result<u16, Error> {
        let ty = self.resolve(ty);
        Ok(match ty {
            Type::Void => vt::VOID,
            Type::Scalar(s) => match s {
                Scalar::I8 | Scalar::Char => vt::I1,
                Scalar::U8 => vt::UI1,
                // mktyplib read wchar_t as short, and widl keeps it so.
                Scalar::I16 | Scalar::WChar => vt::I2,
                Scalar::U16 => vt::UI2,
                Scalar::I32 => vt::I4,
                Scalar::U32 => vt::UI4,
                Scalar::I64 => vt::I8,
                Scalar::U64 => vt::UI8,
                Scalar::ISize if self.ptr == 8 => vt::I8,
                Scalar::USize if self.ptr == 8 => vt::UI8,
                Scalar::ISize => vt::I4,
                Scalar::USize => vt::UI4,
                Scalar::F32 => vt::R4,
                Scalar::F64 => vt::R8,
            },
            Type::Named(n) => match builtin_vt(n) {
                Some(code) => code,
                None => match self.model.type_def(n).map(|t| &t.kind) {
                    Some(TypeDefKind::Struct(_) | TypeDefKind::Union(_) | TypeDefKind::Enum(..)) => vt::USERDEFINED,
                    Some(TypeDefKind::Interface) if self.model.interface(n).is_some() => vt::USERDEFINED,
                    Some(TypeDefKind::Opaque) if self.coclass(n).is_some() => vt::USERDEFINED,
                    _ => return Err(Error::Type(n.to_string())),
                },
            },
            Type::Pointer(_) | Type::Array(_, None) => vt::PTR,
            Type::Array(_, Some(_)) => vt::CARRAY,
            Type::SafeArray(_) => vt::SAFEARRAY,
            Type::Const(_) | Type::Function(..) => return Err(Error::Type(ty.to_string())),
        })
    }

    fn pointee<'t>(&self, ty: &'t Type) -> &'t Type {
        match ty {
            Type::Pointer(inner) | Type::Array(inner, _) => inner,
            t => t,
        }
    }

    /// A VT_PTR entry to `target`, shared with an equal one.
    fn ptr_desc(&mut self, target: i32, mix: Option<i32>) -> i32 {
        let mix = match mix {
            Some(m) => m,
            None if target < 0 => ((target >> 16) & 0x3fff) | i32::from(vt::BYREF),
            None if (self.t.typedesc_word0(target) >> 16) & 0xffff == 0x7fff => 0x7fff,
            None => 0x7ffe,
        };
        self.t.typedesc(
            |w0, w1| w0 & 0xffff == i32::from(vt::PTR) && w1 == target,
            (mix << 16) | i32::from(vt::PTR),
            target,
        )
    }

    /// `encode_var`: the encoded type, the bytes its TYPEDESCs take once loaded, and
    /// whether it is an interface pointer whose pointer is implied by its VARTYPE.
    pub fn encode_var(&mut self, ty: &Type) -> Result<(i32, i32, bool), Error> {
        let ty = self.resolve(ty).clone();
        if let Type::Array(_, Some(_)) = ty {
            let mut dims = Vec::new();
            let mut element = &ty;
            while let Type::Array(inner, Some(n)) = element {
                dims.push(*n);
                element = self.resolve(inner);
            }
            let element = element.clone();
            let (target, _, _) = self.encode_var(&element)?;
            let desc = self.t.arraydesc(target, &dims);
            let encoded = self.t.new_typedesc((0x7ffe << 16) | i32::from(vt::CARRAY), desc);
            return Ok((encoded, 20 + (dims.len() as i32 - 1) * 8, false));
        }
        let code = self.vt_of(&ty)?;
        if code == vt::PTR {
            let inner = self.pointee(&ty).clone();
            let (target, child, implied) = self.encode_var(&inner)?;
            if implied {
                return Ok((target, child, false));
            }
            let mix = if target >= 0 && self.vt_of(&inner)? == vt::SAFEARRAY {
                let Type::SafeArray(element) = self.resolve(&inner).clone() else {
                    unreachable!("VT_SAFEARRAY is a SAFEARRAY")
                };
                Some(i32::from(self.vt_of(&element)? | vt::ARRAY | vt::BYREF))
            } else {
                None
            };
            return Ok((self.ptr_desc(target, mix), 8 + child, false));
        }
        let (encoded, decoded) = self.encode_type(code, &ty)?;
        Ok((encoded, decoded, code == vt::DISPATCH || code == vt::UNKNOWN))
    }

    /// `encode_type`.
    pub fn encode_type(&mut self, code: u16, ty: &Type) -> Result<(i32, i32), Error> {
        let simple = |stored: u16, code: u16| (0x8000_0000u32 as i32) | (i32::from(stored) << 16) | i32::from(code);
        Ok(match code {
            vt::INT => (simple(vt::I4, vt::INT), 0),
            vt::UINT => (simple(vt::UI4, vt::UINT), 0),
            vt::VOID => (simple(vt::EMPTY, vt::VOID), 0),
            vt::LPSTR | vt::LPWSTR => ((0xfffe_0000u32 as i32) | i32::from(code), 0),
            vt::PTR => {
                let inner = self.resolve(self.pointee(self.resolve(ty))).clone();
                let next = self.vt_of(&inner)?;
                let (target, child) = self.encode_type(next, &inner)?;
                if next == vt::DISPATCH || next == vt::UNKNOWN {
                    (target, child)
                } else {
                    (self.ptr_desc(target, None), 8 + child)
                }
            }
            vt::SAFEARRAY => {
                let Type::SafeArray(element) = self.resolve(ty).clone() else {
                    unreachable!("VT_SAFEARRAY is a SAFEARRAY")
                };
                let element = self.resolve(&element).clone();
                let next = self.vt_of(&element)?;
                let (target, child) = self.encode_type(next, &element)?;
                let mix = if target < 0 {
                    ((target >> 16) & i32::from(vt::TYPEMASK)) | i32::from(vt::ARRAY)
                } else if (self.t.typedesc_word0(target) >> 16) & 0xffff == 0x7fff {
                    0x7fff
                } else {
                    0x7ffe
                };
                let encoded = self.t.typedesc(
                    |w0, w1| w0 & 0xffff == i32::from(vt::SAFEARRAY) && w1 == target,
                    (mix << 16) | i32::from(vt::SAFEARRAY),
                    target,
                );
                (encoded, 8 + child)
            }
            vt::USERDEFINED => {
                let Type::Named(name) = self.resolve(ty) else {
                    return Err(Error::Type(ty.to_string()));
                };
                let name = name.to_string();
                let hreftype = self.user_type(&name)?;
                let word0 = (0x7fff << 16) | i32::from(vt::USERDEFINED);
                let encoded = self.t.typedesc(|w0, w1| w0 == word0 && w1 == hreftype, word0, hreftype);
                (encoded, 0)
            }
            vt::CARRAY => return Err(Error::Type(ty.to_string())),
            code => (simple(code, code), 0),
        })
    }

    /// `type_memsize_and_alignment`: the ABI size and alignment of the target platform.
    pub fn layout(&self, ty: &Type) -> Result<(i32, i32), Error> {
        self.layout_within(ty, 0)
    }

    /// [`Builder::layout`], refusing a type that holds itself by value (no real type
    /// nests deeper than a few levels).
    fn layout_within(&self, ty: &Type, depth: usize) -> Result<(i32, i32), Error> {
        let ty = self.resolve(ty);
        let ptr = self.ptr;
        Ok(match ty {
            Type::Void => (0, 1),
            Type::Scalar(s) => {
                let n = match s {
                    Scalar::I8 | Scalar::U8 | Scalar::Char => 1,
                    Scalar::I16 | Scalar::U16 | Scalar::WChar => 2,
                    Scalar::I32 | Scalar::U32 | Scalar::F32 => 4,
                    Scalar::I64 | Scalar::U64 | Scalar::F64 => 8,
                    Scalar::ISize | Scalar::USize => ptr,
                };
                (n, n)
            }
            Type::Pointer(_) | Type::Array(_, None) | Type::SafeArray(_) => (ptr, ptr),
            Type::Array(inner, Some(n)) => {
                let (size, align) = self.layout_within(inner, depth + 1)?;
                (size * *n as i32, align)
            }
            Type::Named(n) => match builtin_vt(n) {
                Some(vt::BSTR | vt::LPSTR | vt::LPWSTR | vt::UNKNOWN | vt::DISPATCH) => (ptr, ptr),
                Some(vt::VARIANT) => (if ptr == 8 { 24 } else { 16 }, 8),
                Some(vt::DECIMAL) => (16, 8),
                Some(vt::CY | vt::DATE) => (8, 8),
                Some(vt::BOOL) => (2, 2),
                Some(_) => (4, 4),
                None => {
                    if depth > 64 {
                        return Err(Error::HoldsItself(n.to_string()));
                    }
                    let def = self.model.type_def(n).ok_or_else(|| Error::Type(n.to_string()))?;
                    if let Some(l) = def.layout {
                        return Ok((l.size as i32, l.align as i32));
                    }
                    let pack = def.pack.map_or(i32::MAX, i32::from);
                    match &def.kind {
                        TypeDefKind::Enum(..) => (4, 4),
                        TypeDefKind::Struct(fields) => {
                            let (mut size, mut align) = (0, 1);
                            for f in fields {
                                let (s, a) = self.layout_within(&f.ty, depth + 1)?;
                                let a = a.min(pack);
                                size = align_up(size, a) + s;
                                align = align.max(a);
                            }
                            (align_up(size, align), align)
                        }
                        TypeDefKind::Union(fields) => {
                            let (mut size, mut align) = (0, 1);
                            for f in fields {
                                let (s, a) = self.layout_within(&f.ty, depth + 1)?;
                                size = size.max(s);
                                align = align.max(a.min(pack));
                            }
                            (align_up(size, align), align)
                        }
                        TypeDefKind::Interface => (ptr, ptr),
                        TypeDefKind::Alias(_) | TypeDefKind::Opaque => return Err(Error::Type(n.to_string())),
                    }
                }
            },
            Type::Const(_) | Type::Function(..) => return Err(Error::Type(ty.to_string())),
        })
    }
}
