//! Types between the model and ECMA-335 signatures, both ways.
//!
//! The model spells C: an interface is always behind a pointer (`IStream*`). A signature
//! spells it as a class reference whose pointer is implied (`class IStream`), so one
//! pointer level moves in and out of the interface name at this boundary. Everything
//! else maps level for level.

use windows_metadata::{Type as WType, TypeName};

use crate::model::types::{Scalar, Type};
use crate::winmd::names;

/// How a class reference in a signature is passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassKind {
    /// An interface or class: a pointer to an object.
    Object,
    /// A delegate: the Win32 metadata's function-pointer typedef, already a pointer.
    Delegate,
}

/// From a signature type to the model's, given how to classify class references.
pub fn from_winmd(ty: &WType, class_kind: &dyn Fn(&TypeName) -> ClassKind) -> Type {
    match ty {
        WType::Void => Type::Void,
        // .NET interop marshals `bool` as VARIANT_BOOL by default; Win32 metadata has no bool.
        WType::Bool => Type::Named("VARIANT_BOOL".into()),
        WType::Char => Type::Scalar(Scalar::WChar),
        WType::I8 => Type::Scalar(Scalar::I8),
        WType::U8 => Type::Scalar(Scalar::U8),
        WType::I16 => Type::Scalar(Scalar::I16),
        WType::U16 => Type::Scalar(Scalar::U16),
        WType::I32 => Type::Scalar(Scalar::I32),
        WType::U32 => Type::Scalar(Scalar::U32),
        WType::I64 => Type::Scalar(Scalar::I64),
        WType::U64 => Type::Scalar(Scalar::U64),
        WType::F32 => Type::Scalar(Scalar::F32),
        WType::F64 => Type::Scalar(Scalar::F64),
        WType::ISize => Type::Scalar(Scalar::ISize),
        WType::USize => Type::Scalar(Scalar::USize),
        // COM interop's defaults for the two .NET reference types that are not interfaces.
        WType::String => Type::Named("BSTR".into()),
        WType::Object => Type::Named("VARIANT".into()),
        WType::ClassName(tn) => match (tn.namespace.as_str(), tn.name.as_str()) {
            ("System", "Object") => Type::Named("VARIANT".into()),
            ("System", "String") => Type::Named("BSTR".into()),
            _ => match class_kind(tn) {
                ClassKind::Delegate => Type::Named(model_name(tn).into()),
                ClassKind::Object => Type::pointer(Type::Named(model_name(tn).into())),
            },
        },
        WType::ValueName(tn) => match (tn.namespace.as_str(), tn.name.as_str()) {
            names::GUID => Type::Named("GUID".into()),
            ("System", "DateTime") => Type::Named("DATE".into()),
            ("System", "Decimal") => Type::Named("DECIMAL".into()),
            _ => Type::Named(model_name(tn).into()),
        },
        // An SZARRAY in a COM signature is .NET interop's SAFEARRAY.
        WType::Array(inner) => Type::SafeArray(Box::new(from_winmd(inner, class_kind))),
        WType::Generic(name, _) => Type::Named(name.as_str().into()),
        WType::RefMut(inner) => Type::pointer(from_winmd(inner, class_kind)),
        WType::RefConst(inner) => Type::Const(Box::new(from_winmd(inner, class_kind))),
        WType::PtrMut(inner, n) => pointers(from_winmd(inner, class_kind), *n),
        WType::PtrConst(inner, n) => pointers(Type::Const(Box::new(from_winmd(inner, class_kind))), *n),
        WType::ArrayFixed(inner, n) => Type::Array(Box::new(from_winmd(inner, class_kind)), Some(*n as u64)),
    }
}

/// The model's name for a metadata type: generic arity (`IVector`1`) dropped.
pub fn model_name(tn: &TypeName) -> String {
    windows_metadata::trim_tick(&tn.name).to_string()
}

fn pointers(mut ty: Type, n: usize) -> Type {
    for _ in 0..n {
        ty = Type::pointer(ty);
    }
    ty
}

/// What the writer needs to know about a model name.
pub trait NameScope {
    /// Whether the name is an interface (passed as a class reference).
    fn is_interface(&self, name: &str) -> bool;
    /// The namespace the name lives in: the file's own, or the Win32 metadata's.
    fn namespace_of(&self, name: &str) -> &str;
}

/// From a model type to a signature type. A `const` on a value or between pointer levels,
/// a function type and an unsized array have no ECMA-335 spelling and are dropped (as
/// `const`), or become `void*` and `T*`; the round-trip test documents which.
pub fn to_winmd(ty: &Type, scope: &dyn NameScope) -> WType {
    match ty {
        Type::Void => WType::Void,
        Type::Scalar(s) => scalar(*s),
        Type::Named(n) if &**n == "GUID" => WType::ValueName(TypeName::named(names::GUID.0, names::GUID.1)),
        Type::Named(n) if scope.is_interface(n) => {
            WType::ClassName(TypeName::named(scope.namespace_of(n), names::winmd_name(n)))
        }
        Type::Named(n) => WType::ValueName(TypeName::named(scope.namespace_of(n), names::winmd_name(n))),
        Type::Const(inner) => to_winmd(inner, scope),
        Type::Pointer(_) => pointer_chain(ty, scope),
        Type::Array(inner, Some(n)) => WType::ArrayFixed(Box::new(to_winmd(inner, scope)), *n as usize),
        Type::Array(inner, None) => add_pointers(to_winmd(inner, scope), 1, false),
        Type::SafeArray(_) => safearray_pointer(1),
        Type::Function(..) => WType::PtrMut(Box::new(WType::Void), 1),
    }
}

fn safearray_pointer(n: usize) -> WType {
    WType::PtrMut(
        Box::new(WType::ValueName(TypeName::named(names::WIN32, "SAFEARRAY"))),
        n,
    )
}

/// `T**` and friends: the pointer depth, whether the innermost pointee is `const`, and
/// the pointee. A `const` between pointer levels (`T* const*`) has no ECMA-335 spelling.
fn pointer_chain(ty: &Type, scope: &dyn NameScope) -> WType {
    let mut depth = 0;
    let mut current = ty;
    loop {
        match current {
            Type::Pointer(inner) => {
                depth += 1;
                current = inner;
            }
            Type::Const(inner) if matches!(inner.as_ref(), Type::Pointer(_)) => current = inner,
            _ => break,
        }
    }
    let (is_const, base) = match current {
        Type::Const(inner) => (true, inner.as_ref()),
        other => (false, other),
    };
    match base {
        Type::Named(n) if &**n != "GUID" && scope.is_interface(n) => {
            let class = WType::ClassName(TypeName::named(scope.namespace_of(n), names::winmd_name(n)));
            add_pointers(class, depth - 1, is_const)
        }
        Type::SafeArray(_) => safearray_pointer(depth + 1),
        Type::Function(..) => WType::PtrMut(Box::new(WType::Void), depth),
        other => add_pointers(to_winmd(other, scope), depth, is_const),
    }
}

fn add_pointers(inner: WType, n: usize, is_const: bool) -> WType {
    if n == 0 {
        return inner;
    }
    match (inner, is_const) {
        (WType::PtrMut(t, m), false) => WType::PtrMut(t, m + n),
        (WType::PtrConst(t, m), true) => WType::PtrConst(t, m + n),
        (t, false) => WType::PtrMut(Box::new(t), n),
        (t, true) => WType::PtrConst(Box::new(t), n),
    }
}

pub(crate) fn scalar(s: Scalar) -> WType {
    match s {
        Scalar::I8 => WType::I8,
        // ECMA-335 has no 8-bit text char; Win32 metadata spells C `char` as a byte too.
        Scalar::U8 | Scalar::Char => WType::U8,
        Scalar::I16 => WType::I16,
        Scalar::U16 => WType::U16,
        Scalar::I32 => WType::I32,
        Scalar::U32 => WType::U32,
        Scalar::I64 => WType::I64,
        Scalar::U64 => WType::U64,
        Scalar::ISize => WType::ISize,
        Scalar::USize => WType::USize,
        Scalar::F32 => WType::F32,
        Scalar::F64 => WType::F64,
        Scalar::WChar => WType::Char,
    }
}

/// The element type of the `SAFEARRAY(T)` a parameter or field type holds, if any.
pub fn safearray_element(ty: &Type) -> Option<&Type> {
    match ty {
        Type::SafeArray(inner) => Some(inner),
        Type::Pointer(inner) | Type::Const(inner) => safearray_element(inner),
        _ => None,
    }
}

/// Puts an element type back into a `SAFEARRAY*` read from a signature: the innermost
/// `SAFEARRAY*` becomes `SAFEARRAY(element)`. Types without one are returned unchanged.
pub fn with_safearray_element(ty: Type, element: Type) -> Type {
    match ty {
        Type::Pointer(inner) if matches!(inner.as_ref(), Type::Named(n) if &**n == "SAFEARRAY") => {
            Type::SafeArray(Box::new(element))
        }
        Type::Pointer(inner) => Type::Pointer(Box::new(with_safearray_element(*inner, element))),
        Type::Const(inner) => Type::Const(Box::new(with_safearray_element(*inner, element))),
        other => other,
    }
}

/// Reads back a type written with the model's C-like `Display` (`unsigned char`,
/// `IUnknown*`, `SAFEARRAY(BSTR)`). Returns `None` for anything else.
pub fn parse_c_type(text: &str) -> Option<Type> {
    let t = text.trim();
    if let Some(rest) = t.strip_suffix('*') {
        return parse_c_type(rest).map(Type::pointer);
    }
    if let Some(rest) = t.strip_suffix(" const") {
        return parse_c_type(rest).map(|i| Type::Const(Box::new(i)));
    }
    if let Some(rest) = t.strip_prefix("const ") {
        return parse_c_type(rest).map(|i| Type::Const(Box::new(i)));
    }
    if let Some(inner) = t.strip_prefix("SAFEARRAY(").and_then(|r| r.strip_suffix(')')) {
        return parse_c_type(inner).map(|i| Type::SafeArray(Box::new(i)));
    }
    let scalar = match t {
        "void" => return Some(Type::Void),
        "small" => Scalar::I8,
        "unsigned char" => Scalar::U8,
        "short" => Scalar::I16,
        "unsigned short" => Scalar::U16,
        "long" => Scalar::I32,
        "unsigned long" => Scalar::U32,
        "hyper" => Scalar::I64,
        "unsigned hyper" => Scalar::U64,
        "__int3264" => Scalar::ISize,
        "unsigned __int3264" => Scalar::USize,
        "float" => Scalar::F32,
        "double" => Scalar::F64,
        "char" => Scalar::Char,
        "wchar_t" => Scalar::WChar,
        name if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            return Some(Type::Named(name.into()));
        }
        _ => return None,
    };
    Some(Type::Scalar(scalar))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Scope;

    impl NameScope for Scope {
        fn is_interface(&self, name: &str) -> bool {
            name.starts_with('I')
        }
        fn namespace_of(&self, _: &str) -> &str {
            "Test"
        }
    }

    fn kind(_: &TypeName) -> ClassKind {
        ClassKind::Object
    }

    #[test]
    fn interface_pointers_absorb_one_level() {
        let ty = Type::pointer(Type::pointer(Type::Named("IFoo".into())));
        let w = to_winmd(&ty, &Scope);
        assert_eq!(w, WType::PtrMut(Box::new(WType::class_named("Test", "IFoo")), 1));
        assert_eq!(from_winmd(&w, &kind), ty);
    }

    #[test]
    fn const_pointee_and_safearrays_round_trip() {
        let ty = Type::pointer(Type::Const(Box::new(Type::Named("RECT".into()))));
        assert_eq!(from_winmd(&to_winmd(&ty, &Scope), &kind), ty);
        let sa = Type::pointer(Type::SafeArray(Box::new(Type::Named("BSTR".into()))));
        let w = to_winmd(&sa, &Scope);
        assert_eq!(w, safearray_pointer(2));
        let back = with_safearray_element(from_winmd(&w, &kind), Type::Named("BSTR".into()));
        assert_eq!(back, sa);
    }

    #[test]
    fn c_spellings_parse_back() {
        for ty in [
            Type::Scalar(Scalar::U8),
            Type::Named("VARIANT_BOOL".into()),
            Type::pointer(Type::Named("IUnknown".into())),
            Type::pointer(Type::Const(Box::new(Type::Scalar(Scalar::USize)))),
            Type::SafeArray(Box::new(Type::Named("BSTR".into()))),
        ] {
            assert_eq!(parse_c_type(&ty.to_string()), Some(ty.clone()), "{ty}");
        }
        assert_eq!(parse_c_type("int (*)(void)"), None);
    }
}
