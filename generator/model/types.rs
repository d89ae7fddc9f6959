//! Types as the model knows them: scalars with a fixed size, names of declared types,
//! and the ways to build one type from another.

use std::fmt;
use std::sync::Arc;

use crate::model::guid::Guid;
use crate::source::Span;

/// A scalar with a fixed ABI size. `ISize`/`USize` are pointer-sized (`__int3264`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scalar {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    ISize,
    USize,
    F32,
    F64,
    /// MIDL `char`: 8 bits, used for narrow text.
    Char,
    /// `wchar_t`: 16 bits on Windows.
    WChar,
}

/// A name or text the model shares between its many uses (every parameter of type
/// `ULONG` holds the same one), rather than a copy each.
pub type Name = Arc<str>;

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Void,
    Scalar(Scalar),
    /// A declared type (typedef, struct, union, enum or interface), by name.
    Named(Name),
    Pointer(Box<Type>),
    /// A `const`-qualified type.
    Const(Box<Type>),
    Array(Box<Type>, Option<u64>),
    /// `SAFEARRAY(T)`: at the ABI, a `SAFEARRAY*` whose elements are `T`.
    SafeArray(Box<Type>),
    Function(Box<Type>, Vec<Type>),
}

impl Type {
    pub fn pointer(inner: Type) -> Type {
        Type::Pointer(Box::new(inner))
    }

    /// The type without `const`.
    pub fn unqualified(&self) -> &Type {
        match self {
            Type::Const(inner) => inner.unqualified(),
            t => t,
        }
    }

    /// What a pointer points to, if this is a pointer.
    pub fn pointee(&self) -> Option<&Type> {
        match self.unqualified() {
            Type::Pointer(inner) => Some(inner),
            _ => None,
        }
    }

    /// Every name this type refers to, without copying them.
    pub fn name_refs<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Type::Named(n) => out.push(n),
            Type::Pointer(t) | Type::Const(t) | Type::Array(t, _) | Type::SafeArray(t) => t.name_refs(out),
            Type::Function(r, ps) => {
                r.name_refs(out);
                for p in ps {
                    p.name_refs(out);
                }
            }
            Type::Void | Type::Scalar(_) => {}
        }
    }

    /// Every name this type refers to, for checking that each is declared.
    pub fn names(&self, out: &mut Vec<String>) {
        match self {
            Type::Named(n) => out.push(n.to_string()),
            Type::Pointer(t) | Type::Const(t) | Type::Array(t, _) | Type::SafeArray(t) => t.names(out),
            Type::Function(r, ps) => {
                r.names(out);
                for p in ps {
                    p.names(out);
                }
            }
            Type::Void | Type::Scalar(_) => {}
        }
    }
}

/// C-like rendering, the way a header would spell the type: `const GUID*`, `SAFEARRAY(BSTR)*`.
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Void => f.write_str("void"),
            Type::Scalar(s) => f.write_str(match s {
                Scalar::I8 => "small",
                Scalar::U8 => "unsigned char",
                Scalar::I16 => "short",
                Scalar::U16 => "unsigned short",
                Scalar::I32 => "long",
                Scalar::U32 => "unsigned long",
                Scalar::I64 => "hyper",
                Scalar::U64 => "unsigned hyper",
                Scalar::ISize => "__int3264",
                Scalar::USize => "unsigned __int3264",
                Scalar::F32 => "float",
                Scalar::F64 => "double",
                Scalar::Char => "char",
                Scalar::WChar => "wchar_t",
            }),
            Type::Named(n) => f.write_str(n),
            Type::Pointer(t) => write!(f, "{t}*"),
            Type::Const(t) => match t.as_ref() {
                Type::Pointer(_) => write!(f, "{t} const"),
                _ => write!(f, "const {t}"),
            },
            Type::Array(t, Some(n)) => write!(f, "{t}[{n}]"),
            Type::Array(t, None) => write!(f, "{t}[]"),
            Type::SafeArray(t) => write!(f, "SAFEARRAY({t})"),
            Type::Function(r, ps) => {
                write!(f, "{r}(")?;
                for (i, p) in ps.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{p}")?;
                }
                f.write_str(")")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub ty: Type,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeDefKind {
    /// `typedef T Name;`
    Alias(Type),
    Struct(Vec<Field>),
    Union(Vec<Field>),
    /// The integer an enum is at the ABI (`I32` for MIDL's; WinMD's say, and some are
    /// `U32` or `U8`), and its enumerators with their values, in declaration order.
    Enum(Scalar, Vec<(String, i64)>),
    /// An interface (declared or only forward-declared): used through pointers.
    Interface,
    /// A type whose layout oscgen does not know (forward-declared struct, unknown WinMD type).
    Opaque,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    pub name: String,
    pub kind: TypeDefKind,
    pub span: Option<Span>,
    /// A struct's packing when it is not the natural one (WinMD's ClassLayout `#pragma
    /// pack`): its fields sit at other offsets than `repr(C)` gives.
    pub pack: Option<u16>,
    /// The size and alignment the input states (a type library records them for its
    /// structs, unions and enums); `None` where the layout follows from the fields.
    pub layout: Option<Layout>,
    /// `typedef [uuid(...)] enum ...`: the GUID a type library gives the type.
    pub uuid: Option<Guid>,
}

/// A type's size and alignment in bytes, as an input states them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub size: u32,
    pub align: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_a_header() {
        let t = Type::pointer(Type::SafeArray(Box::new(Type::Named("BSTR".into()))));
        assert_eq!(t.to_string(), "SAFEARRAY(BSTR)*");
        let t = Type::pointer(Type::Const(Box::new(Type::Named("GUID".into()))));
        assert_eq!(t.to_string(), "const GUID*");
        let t = Type::Array(Box::new(Type::Named("BYTE".into())), Some(16));
        assert_eq!(t.to_string(), "BYTE[16]");
    }
}
