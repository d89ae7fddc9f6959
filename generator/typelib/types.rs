//! Type library types into the model's: each VARTYPE as the IDL that widl and MIDL
//! turn into it spells it, so a library read back gives the types its IDL gives.

use crate::model::types::{Scalar, Type};
use crate::typelib::format::vt;
use crate::typelib::read::{Href, TypeDesc};

/// The model's type for `t`; `named` names a referenced typeinfo.
pub fn lower(t: &TypeDesc, named: &mut dyn FnMut(&Href) -> String) -> Type {
    match t {
        TypeDesc::Simple(code) => simple(*code),
        TypeDesc::Ptr(inner) => Type::pointer(lower(inner, named)),
        TypeDesc::SafeArray(inner) => Type::SafeArray(Box::new(lower(inner, named))),
        TypeDesc::CArray(inner, dims) => {
            // `T a[2][3]`: the outer array has the first dimension.
            let mut ty = lower(inner, named);
            for &n in dims.iter().rev() {
                ty = Type::Array(Box::new(ty), Some(n as u64));
            }
            ty
        }
        TypeDesc::User(href) => Type::Named(named(href).into()),
    }
}

fn simple(code: u16) -> Type {
    let named = |n: &str| Type::Named(n.into());
    match code {
        vt::I2 => Type::Scalar(Scalar::I16),
        vt::I4 | vt::INT => Type::Scalar(Scalar::I32),
        vt::R4 => Type::Scalar(Scalar::F32),
        vt::R8 => Type::Scalar(Scalar::F64),
        vt::CY => named("CY"),
        vt::DATE => named("DATE"),
        vt::BSTR => named("BSTR"),
        vt::DISPATCH => Type::pointer(named("IDispatch")),
        vt::ERROR => named("SCODE"),
        vt::BOOL => named("VARIANT_BOOL"),
        vt::VARIANT => named("VARIANT"),
        vt::UNKNOWN => Type::pointer(named("IUnknown")),
        vt::DECIMAL => named("DECIMAL"),
        vt::I1 => Type::Scalar(Scalar::Char),
        vt::UI1 => Type::Scalar(Scalar::U8),
        vt::UI2 => Type::Scalar(Scalar::U16),
        vt::UI4 | vt::UINT => Type::Scalar(Scalar::U32),
        vt::I8 => Type::Scalar(Scalar::I64),
        vt::UI8 => Type::Scalar(Scalar::U64),
        vt::HRESULT => named("HRESULT"),
        vt::LPSTR => named("LPSTR"),
        vt::LPWSTR => named("LPWSTR"),
        vt::INT_PTR => Type::Scalar(Scalar::ISize),
        vt::UINT_PTR => Type::Scalar(Scalar::USize),
        vt::FILETIME => named("FILETIME"),
        vt::CLSID => named("CLSID"),
        vt::BLOB => named("BLOB"),
        vt::CF => named("CLIPDATA"),
        vt::STREAM | vt::STREAMED_OBJECT => Type::pointer(named("IStream")),
        vt::STORAGE | vt::STORED_OBJECT => Type::pointer(named("IStorage")),
        vt::VOID | vt::EMPTY | vt::NULL => Type::Void,
        // A VARTYPE a library should not hold: opaque, so the slot keeps its place.
        other => named(&format!("VARTYPE_{other}")),
    }
}
