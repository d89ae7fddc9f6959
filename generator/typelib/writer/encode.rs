//! Types as a type library describes them: the VARTYPE of a model type, its encoded
//! TYPEDESC (inline for base types, an entry of the TYPEDESC segment otherwise), and the
//! size and alignment fields need, as widl's encode_type/encode_var and
//! type_memsize_and_alignment compute them.

use crate::model::types::{Scalar, Type, TypeDefKind};
use crate::typelib::writer::Error;
use crate::typelib::writer::build::Builder;
use crate::typelib::writer::format::{
    VT_ARRAY, VT_BOOL, VT_BSTR, VT_BYREF, VT_CARRAY, VT_CY, VT_DATE, VT_DECIMAL, VT_DISPATCH, VT_EMPTY, VT_ERROR,
    VT_HRESULT, VT_I1, VT_I2, VT_I4, VT_I8, VT_INT, VT_LPSTR, VT_LPWSTR, VT_PTR, VT_R4, VT_R8, VT_SAFEARRAY,
    VT_TYPEMASK, VT_UI1, VT_UI2, VT_UI4, VT_UI8, VT_UINT, VT_UNKNOWN, VT_USERDEFINED, VT_VARIANT, VT_VOID,
};

/// Names widl maps to a VARTYPE before looking at what they alias (its `oatypes`), and
/// the two interfaces a VARTYPE stands for.
fn builtin_vt(name: &str) -> Option<i32> {
    Some(match name {
        "BSTR" => VT_BSTR,
        "CURRENCY" | "CY" => VT_CY,
        "DATE" => VT_DATE,
        "DECIMAL" => VT_DECIMAL,
        "HRESULT" => VT_HRESULT,
        "LPSTR" => VT_LPSTR,
        "LPWSTR" => VT_LPWSTR,
        "SCODE" => VT_ERROR,
        "VARIANT" => VT_VARIANT,
        "VARIANT_BOOL" => VT_BOOL,
        "IUnknown" => VT_UNKNOWN,
        "IDispatch" => VT_DISPATCH,
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
    pub fn vt_of(&self, ty: &Type) -> Result<i32, Error> {
        let ty = self.resolve(ty);
        Ok(match ty {
            Type::Void => VT_VOID,
            Type::Scalar(s) => match s {
                Scalar::I8 | Scalar::Char => VT_I1,
                Scalar::U8 => VT_UI1,
                // mktyplib read wchar_t as short, and widl keeps it so.
                Scalar::I16 | Scalar::WChar => VT_I2,
                Scalar::U16 => VT_UI2,
                Scalar::I32 => VT_I4,
                Scalar::U32 => VT_UI4,
                Scalar::I64 => VT_I8,
                Scalar::U64 => VT_UI8,
                Scalar::ISize if self.ptr == 8 => VT_I8,
                Scalar::USize if self.ptr == 8 => VT_UI8,
                Scalar::ISize => VT_I4,
                Scalar::USize => VT_UI4,
                Scalar::F32 => VT_R4,
                Scalar::F64 => VT_R8,
            },
            Type::Named(n) => match builtin_vt(n) {
                Some(vt) => vt,
                None => match self.model.type_def(n).map(|t| &t.kind) {
                    Some(TypeDefKind::Struct(_) | TypeDefKind::Union(_) | TypeDefKind::Enum(..)) => VT_USERDEFINED,
                    Some(TypeDefKind::Interface) if self.model.interface(n).is_some() => VT_USERDEFINED,
                    _ => return Err(Error::Type(n.to_string())),
                },
            },
            Type::Pointer(_) | Type::Array(_, None) => VT_PTR,
            Type::Array(_, Some(_)) => VT_CARRAY,
            Type::SafeArray(_) => VT_SAFEARRAY,
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
            None if target < 0 => ((target >> 16) & 0x3fff) | VT_BYREF,
            None if (self.t.typedesc_word0(target) >> 16) & 0xffff == 0x7fff => 0x7fff,
            None => 0x7ffe,
        };
        self.t.typedesc(
            |w0, w1| w0 & 0xffff == VT_PTR && w1 == target,
            (mix << 16) | VT_PTR,
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
            let encoded = self.t.new_typedesc((0x7ffe << 16) | VT_CARRAY, desc);
            return Ok((encoded, 20 + (dims.len() as i32 - 1) * 8, false));
        }
        let vt = self.vt_of(&ty)?;
        if vt == VT_PTR {
            let inner = self.pointee(&ty).clone();
            let (target, child, implied) = self.encode_var(&inner)?;
            if implied {
                return Ok((target, child, false));
            }
            let mix = if target >= 0 && self.vt_of(&inner)? == VT_SAFEARRAY {
                let Type::SafeArray(element) = self.resolve(&inner).clone() else {
                    unreachable!("VT_SAFEARRAY is a SAFEARRAY")
                };
                Some(self.vt_of(&element)? | VT_ARRAY | VT_BYREF)
            } else {
                None
            };
            return Ok((self.ptr_desc(target, mix), 8 + child, false));
        }
        let (encoded, decoded) = self.encode_type(vt, &ty)?;
        Ok((encoded, decoded, vt == VT_DISPATCH || vt == VT_UNKNOWN))
    }

    /// `encode_type`.
    pub fn encode_type(&mut self, vt: i32, ty: &Type) -> Result<(i32, i32), Error> {
        let inline = |vt: i32| (0x8000_0000u32 as i32) | (vt << 16) | vt;
        Ok(match vt {
            VT_INT => ((0x8000_0000u32 as i32) | (VT_I4 << 16) | VT_INT, 0),
            VT_UINT => ((0x8000_0000u32 as i32) | (VT_UI4 << 16) | VT_UINT, 0),
            VT_VOID => ((0x8000_0000u32 as i32) | (VT_EMPTY << 16) | VT_VOID, 0),
            VT_LPSTR | VT_LPWSTR => ((0xfffe_0000u32 as i32) | vt, 0),
            VT_PTR => {
                let inner = self.resolve(self.pointee(self.resolve(ty))).clone();
                let next = self.vt_of(&inner)?;
                let (target, child) = self.encode_type(next, &inner)?;
                if next == VT_DISPATCH || next == VT_UNKNOWN {
                    (target, child)
                } else {
                    (self.ptr_desc(target, None), 8 + child)
                }
            }
            VT_SAFEARRAY => {
                let Type::SafeArray(element) = self.resolve(ty).clone() else {
                    unreachable!("VT_SAFEARRAY is a SAFEARRAY")
                };
                let element = self.resolve(&element).clone();
                let next = self.vt_of(&element)?;
                let (target, child) = self.encode_type(next, &element)?;
                let mix = if target < 0 {
                    ((target >> 16) & VT_TYPEMASK) | VT_ARRAY
                } else if (self.t.typedesc_word0(target) >> 16) & 0xffff == 0x7fff {
                    0x7fff
                } else {
                    0x7ffe
                };
                let encoded = self.t.typedesc(
                    |w0, w1| w0 & 0xffff == VT_SAFEARRAY && w1 == target,
                    (mix << 16) | VT_SAFEARRAY,
                    target,
                );
                (encoded, 8 + child)
            }
            VT_USERDEFINED => {
                let Type::Named(name) = self.resolve(ty) else {
                    return Err(Error::Type(ty.to_string()));
                };
                let name = name.to_string();
                let hreftype = self.user_type(&name)?;
                let word0 = (0x7fff << 16) | VT_USERDEFINED;
                let encoded = self.t.typedesc(|w0, w1| w0 == word0 && w1 == hreftype, word0, hreftype);
                (encoded, 0)
            }
            VT_CARRAY => return Err(Error::Type(ty.to_string())),
            vt => (inline(vt), 0),
        })
    }

    /// `type_memsize_and_alignment`: the ABI size and alignment of the target platform.
    pub fn layout(&self, ty: &Type) -> Result<(i32, i32), Error> {
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
                let (size, align) = self.layout(inner)?;
                (size * *n as i32, align)
            }
            Type::Named(n) => match builtin_vt(n) {
                Some(VT_BSTR | VT_LPSTR | VT_LPWSTR | VT_UNKNOWN | VT_DISPATCH) => (ptr, ptr),
                Some(VT_VARIANT) => (if ptr == 8 { 24 } else { 16 }, 8),
                Some(VT_DECIMAL) => (16, 8),
                Some(VT_CY | VT_DATE) => (8, 8),
                Some(VT_BOOL) => (2, 2),
                Some(_) => (4, 4),
                None => {
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
                                let (s, a) = self.layout(&f.ty)?;
                                let a = a.min(pack);
                                size = align_up(size, a) + s;
                                align = align.max(a);
                            }
                            (align_up(size, align), align)
                        }
                        TypeDefKind::Union(fields) => {
                            let (mut size, mut align) = (0, 1);
                            for f in fields {
                                let (s, a) = self.layout(&f.ty)?;
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
