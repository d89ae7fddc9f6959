//! From model types to Rust types, and the declarations (aliases, structs, enums, opaque
//! types) that the selected interfaces' signatures need.
//!
//! A handful of names are the vocabulary of COM and map to fixed Rust types instead of
//! being declared again: GUID and HRESULT come from windows-core, BSTR, VARIANT_BOOL and
//! SAFEARRAY from the generated `oleaut` module, IUnknown from windows-core.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::Model;
use crate::model::types::{Scalar, Type, TypeDefKind};

/// Names that map to a fixed Rust type rather than to a declaration.
fn well_known(name: &str) -> Option<TokenStream> {
    Some(match name {
        "GUID" => quote!(windows_core::GUID),
        "HRESULT" => quote!(windows_core::HRESULT),
        "BSTR" => quote!(BSTR),
        "VARIANT_BOOL" => quote!(VARIANT_BOOL),
        "SAFEARRAY" => quote!(SAFEARRAY),
        "SAFEARRAYBOUND" => quote!(SAFEARRAYBOUND),
        "IUnknown" => quote!(windows_core::IUnknown),
        _ => return None,
    })
}

/// A 128-bit GUID as a readable Rust literal: `0x90d17471_0e8e_415b_ade0_8b414cb3b96e`.
pub fn guid_literal(value: u128) -> proc_macro2::Literal {
    let hex = format!("{value:032x}");
    format!(
        "0x{}_{}_{}_{}_{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
    .parse()
    .expect("literal")
}

/// A snake_case Rust identifier for a parameter name: `connectIn` becomes `connect_in`,
/// `lppMAPIError` becomes `lpp_mapi_error`.
pub fn param_ident(name: &str) -> Ident {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = if i > 0 { chars[i - 1] } else { '_' };
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            // `IDs` is an acronym in the plural, not `I` then `Ds`.
            let plural_s = chars.get(i + 1) == Some(&'s') && chars.get(i + 2).is_none_or(|c| !c.is_ascii_lowercase());
            let acronym_end = prev.is_ascii_uppercase() && next_lower && !plural_s;
            if i > 0 && prev != '_' && (prev.is_ascii_lowercase() || prev.is_ascii_digit() || acronym_end) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    ident(&out)
}

/// A Rust identifier for any model name: `struct tagX` becomes `tagX`, keywords get a `_`.
pub fn ident(name: &str) -> Ident {
    let bare = name.rsplit(' ').next().unwrap_or(name);
    let mut s: String = bare
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if is_keyword(&s) {
        s.push('_');
    }
    Ident::new(&s, Span::call_site())
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        // `_` is no identifier: uianimation.idl names a field `_`.
        "_" | "as"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
            | "union"
    )
}

pub struct TypeMapper<'m> {
    model: &'m Model,
    /// Interfaces that get full bindings; other interfaces travel as raw pointers.
    bound: BTreeSet<String>,
    /// Declarations needed so far, by name, in a stable order.
    needed: BTreeMap<String, ()>,
    /// Enum constants declared so far: a repeated name must not be declared twice.
    enum_consts: BTreeSet<String>,
    /// Inside a struct or union, where an owning `BSTR` cannot be (it is not `Copy`).
    in_field: bool,
}

impl<'m> TypeMapper<'m> {
    pub fn new(model: &'m Model, bound: impl IntoIterator<Item = String>) -> TypeMapper<'m> {
        TypeMapper {
            model,
            bound: bound.into_iter().collect(),
            needed: BTreeMap::new(),
            enum_consts: BTreeSet::new(),
            in_field: false,
        }
    }

    pub fn is_bound_interface(&self, name: &str) -> bool {
        self.bound.contains(name) || name == "IUnknown"
    }

    /// The interface a type names, if it is an interface with bindings (through aliases).
    pub fn interface_name(&self, ty: &Type) -> Option<String> {
        match ty.unqualified() {
            Type::Named(n) if self.is_bound_interface(n) => Some(n.to_string()),
            Type::Named(n) => match self.model.type_def(n).map(|t| &t.kind) {
                Some(TypeDefKind::Alias(inner)) => self.interface_name(inner),
                _ => None,
            },
            _ => None,
        }
    }

    /// If `ty` is (an alias of) a pointer to a bound interface, that interface.
    pub fn interface_pointer(&self, ty: &Type) -> Option<String> {
        match self.resolve_pointer(ty) {
            Some(inner) => self.interface_name(&inner),
            None => None,
        }
    }

    /// The pointee of a pointer type, looking through aliases (`LPUNKNOWN` is `IUnknown*`).
    pub fn resolve_pointer(&self, ty: &Type) -> Option<Type> {
        match ty.unqualified() {
            Type::Pointer(inner) => Some((**inner).clone()),
            Type::Named(n) if well_known(n).is_none() && !self.is_interface(n) => {
                match self.model.type_def(n).map(|t| &t.kind) {
                    Some(TypeDefKind::Alias(inner)) => self.resolve_pointer(inner),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn is_interface(&self, name: &str) -> bool {
        matches!(self.model.type_def(name).map(|t| &t.kind), Some(TypeDefKind::Interface))
    }

    /// Whether the type is (an alias of) BSTR.
    pub fn is_bstr(&self, ty: &Type) -> bool {
        self.is_named(ty, "BSTR")
    }

    /// Whether a value of the type is an integer at the ABI (through aliases and enums), so
    /// a constant of it can be written as an integer literal.
    pub fn is_integer(&self, ty: &Type) -> bool {
        match ty.unqualified() {
            Type::Scalar(s) => !matches!(s, Scalar::F32 | Scalar::F64),
            Type::Named(n) if well_known(n).is_some() => &**n == "HRESULT",
            Type::Named(n) => match self.model.type_def(n).map(|t| &t.kind) {
                Some(TypeDefKind::Alias(inner)) => self.is_integer(inner),
                Some(TypeDefKind::Enum(..)) => true,
                _ => false,
            },
            _ => false,
        }
    }

    /// The integer a value of the type is at the ABI, through aliases and enums.
    pub fn integer_scalar(&self, ty: &Type) -> Option<Scalar> {
        match ty.unqualified() {
            Type::Scalar(s) => Some(*s),
            Type::Named(n) if well_known(n).is_some() => None,
            Type::Named(n) => match self.model.type_def(n).map(|t| &t.kind) {
                Some(TypeDefKind::Alias(inner)) => self.integer_scalar(inner),
                Some(TypeDefKind::Enum(repr, _)) => Some(*repr),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn is_named(&self, ty: &Type, wanted: &str) -> bool {
        match ty.unqualified() {
            Type::Named(n) if **n == *wanted => true,
            Type::Named(n) if well_known(n).is_none() => match self.model.type_def(n).map(|t| &t.kind) {
                Some(TypeDefKind::Alias(inner)) => self.is_named(inner, wanted),
                _ => false,
            },
            _ => false,
        }
    }

    pub fn is_void(&self, ty: &Type) -> bool {
        matches!(ty.unqualified(), Type::Void)
    }

    /// The Rust type of a value of this type at the ABI.
    pub fn rust(&mut self, ty: &Type) -> TokenStream {
        match ty {
            Type::Void => quote!(core::ffi::c_void),
            Type::Scalar(s) => scalar(*s),
            Type::Const(inner) => self.rust(inner),
            Type::Named(n) => self.named(n),
            Type::Pointer(inner) => {
                if self.interface_name(inner).is_some() || self.is_interface_named(inner) {
                    return quote!(*mut core::ffi::c_void);
                }
                if self.is_function(inner) {
                    return self.rust(inner);
                }
                let is_const = matches!(**inner, Type::Const(_));
                let inner = self.rust(inner);
                if is_const {
                    quote!(*const #inner)
                } else {
                    quote!(*mut #inner)
                }
            }
            Type::Array(inner, len) => {
                let inner = self.rust(inner);
                let len = len.unwrap_or(1) as usize;
                quote!([#inner; #len])
            }
            Type::SafeArray(_) => quote!(*mut SAFEARRAY),
            Type::Function(ret, params) => {
                let ret = if self.is_void(ret) {
                    quote!()
                } else {
                    let r = self.rust(ret);
                    quote!(-> #r)
                };
                let params: Vec<TokenStream> = params.iter().map(|p| self.rust(p)).collect();
                quote!(Option<unsafe extern "system" fn(#(#params),*) #ret>)
            }
        }
    }

    /// `pub name: Type` for each field; unnamed ones (anonymous members) get `anonymousN`.
    fn fields(&mut self, fields: &[crate::model::types::Field]) -> Vec<TokenStream> {
        fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let name = if f.name.is_empty() {
                    format_ident!("anonymous{}", i)
                } else {
                    ident(&f.name)
                };
                let ty = self.field(&f.ty);
                quote!(pub #name: #ty)
            })
            .collect()
    }

    fn field(&mut self, ty: &Type) -> TokenStream {
        self.in_field = true;
        let out = self.rust(ty);
        self.in_field = false;
        out
    }

    fn is_interface_named(&self, ty: &Type) -> bool {
        matches!(ty.unqualified(), Type::Named(n) if self.is_interface(n))
    }

    fn named(&mut self, name: &str) -> TokenStream {
        if name == "BSTR" && self.in_field {
            return quote!(*const u16);
        }
        if let Some(known) = well_known(name) {
            return known;
        }
        if self.is_interface(name) {
            // An interface by value only occurs behind a pointer, handled by the caller.
            return quote!(core::ffi::c_void);
        }
        self.needed.insert(name.to_string(), ());
        let id = self.type_ident(name);
        quote!(#id)
    }

    /// The Rust name of a declared type: [`ident`], with `_` appended while that names an
    /// item the bindings generate for an interface (a struct `IFoo_Vtbl` beside interface
    /// `IFoo`) or another declared type.
    fn type_ident(&self, name: &str) -> Ident {
        let mut id = ident(name).to_string();
        let generated = |s: &str| {
            self.bound.iter().any(|b| {
                let b = ident(b).to_string();
                s == b
                    || s.strip_prefix(b.as_str())
                        .is_some_and(|rest| rest == "_Vtbl" || rest == "_Impl")
            })
        };
        if generated(&id) {
            id.push('_');
            while generated(&id) || self.model.type_def(&id).is_some() {
                id.push('_');
            }
        }
        Ident::new(&id, Span::call_site())
    }

    /// Whether the type is (an alias of) a function type: a pointer to it is the function
    /// pointer itself, `Option<unsafe extern "system" fn(..)>`.
    fn is_function(&self, ty: &Type) -> bool {
        match ty.unqualified() {
            Type::Function(..) => true,
            Type::Named(n) if well_known(n).is_none() => match self.model.type_def(n).map(|t| &t.kind) {
                Some(TypeDefKind::Alias(inner)) => self.is_function(inner),
                _ => false,
            },
            _ => false,
        }
    }

    /// Declarations for every named type used so far, and for the types those use.
    pub fn declarations(&mut self) -> TokenStream {
        let mut done = BTreeSet::new();
        let mut out = Vec::new();
        while let Some(name) = self.needed.keys().find(|n| !done.contains(*n)).cloned() {
            done.insert(name.clone());
            out.push((name.clone(), self.declaration(&name)));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        let items = out.into_iter().map(|(_, t)| t);
        quote!(#(#items)*)
    }

    fn declaration(&mut self, name: &str) -> TokenStream {
        let id = self.type_ident(name);
        // Pointer-sized on every target, whatever width an IDL stand-in gives them.
        match name {
            "ULONG_PTR" | "UINT_PTR" | "DWORD_PTR" | "SIZE_T" => return quote!(pub type #id = usize;),
            "LONG_PTR" | "INT_PTR" | "SSIZE_T" => return quote!(pub type #id = isize;),
            _ => {}
        }
        if let Some(fields) = numerics(name) {
            let fields = fields.iter().map(|f| format_ident!("{}", f));
            return quote! {
                #[repr(C)]
                #[derive(Clone, Copy)]
                pub struct #id { #(pub #fields: f32),* }
            };
        }
        let Some(def) = self.model.type_def(name) else {
            // Copy, so a struct that holds one by value can still be Copy.
            return quote!(#[repr(C)] #[derive(Clone, Copy)] pub struct #id { _opaque: [u8; 0] });
        };
        match def.kind.clone() {
            TypeDefKind::Alias(target) => {
                let target = self.rust(&target);
                if id == target.to_string() {
                    return quote!();
                }
                quote!(pub type #id = #target;)
            }
            TypeDefKind::Struct(fields) => {
                let fields = self.fields(&fields);
                let repr = repr(def.pack);
                quote! {
                    #repr
                    #[derive(Clone, Copy)]
                    pub struct #id { #(#fields),* }
                }
            }
            TypeDefKind::Union(fields) => {
                let fields = self.fields(&fields);
                let repr = repr(def.pack);
                quote! {
                    #repr
                    #[derive(Clone, Copy)]
                    pub union #id { #(#fields),* }
                }
            }
            TypeDefKind::Enum(repr, values) => {
                let consts: Vec<TokenStream> = values
                    .iter()
                    .map(|(n, v)| {
                        // Scoped enums (DXCore's) reuse member names (`None`) across enums, and a
                        // prelude name would shadow Option's or Result's: such a constant takes
                        // its enum's name as a prefix.
                        let prelude = matches!(n.as_str(), "None" | "Some" | "Ok" | "Err");
                        let c = if prelude || !self.enum_consts.insert(n.clone()) {
                            ident(&format!("{name}_{n}"))
                        } else {
                            ident(n)
                        };
                        let v = enum_value(repr, *v);
                        quote!(pub const #c: #id = #v;)
                    })
                    .collect();
                let repr = scalar(repr);
                quote! {
                    pub type #id = #repr;
                    #(#consts)*
                }
            }
            TypeDefKind::Interface | TypeDefKind::Opaque => quote! {
                #[repr(C)]
                #[derive(Clone, Copy)]
                pub struct #id { _opaque: [u8; 0] }
            },
        }
    }
}

/// `#[repr(C)]`, or `#[repr(C, packed(N))]` for a struct or union packed below its natural
/// alignment (`#pragma pack`, WinMD's ClassLayout).
fn repr(pack: Option<u16>) -> TokenStream {
    match pack {
        Some(n) => {
            let n = proc_macro2::Literal::usize_unsuffixed(n as usize);
            quote!(#[repr(C, packed(#n))])
        }
        None => quote!(#[repr(C)]),
    }
}

/// Win32 metadata uses Windows.Foundation.Numerics (Direct2D's vectors and matrices) from
/// the WinRT metadata, which is not in the file: their fields, all f32, as WinRT defines them.
fn numerics(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "Vector2" => &["X", "Y"],
        "Vector3" => &["X", "Y", "Z"],
        "Vector4" => &["X", "Y", "Z", "W"],
        "Matrix3x2" => &["M11", "M12", "M21", "M22", "M31", "M32"],
        "Matrix4x4" => &[
            "M11", "M12", "M13", "M14", "M21", "M22", "M23", "M24", "M31", "M32", "M33", "M34", "M41", "M42", "M43",
            "M44",
        ],
        _ => return None,
    })
}

/// An integer as the value a `Scalar` of it holds (two's complement wrapping).
pub fn wrap(s: Scalar, v: i128) -> i128 {
    match s {
        Scalar::I8 => (v as i8).into(),
        Scalar::U8 | Scalar::Char => (v as u8).into(),
        Scalar::I16 => (v as i16).into(),
        Scalar::U16 | Scalar::WChar => (v as u16).into(),
        Scalar::I32 => (v as i32).into(),
        Scalar::U32 => (v as u32).into(),
        Scalar::I64 | Scalar::ISize => (v as i64).into(),
        Scalar::U64 | Scalar::USize => (v as u64).into(),
        Scalar::F32 | Scalar::F64 => v,
    }
}

/// An enumerator's value as a literal of its enum's integer: MIDL's `0x80000000` is the
/// `int` -2147483648, a `u32` enum's 0xFFFFFFFF stays 4294967295.
fn enum_value(repr: Scalar, v: i64) -> proc_macro2::Literal {
    use proc_macro2::Literal;
    match repr {
        Scalar::I8 => Literal::i8_suffixed(v as i8),
        Scalar::U8 | Scalar::Char => Literal::u8_suffixed(v as u8),
        Scalar::I16 => Literal::i16_suffixed(v as i16),
        Scalar::U16 | Scalar::WChar => Literal::u16_suffixed(v as u16),
        Scalar::U32 => Literal::u32_suffixed(v as u32),
        Scalar::I64 => Literal::i64_suffixed(v),
        Scalar::U64 => Literal::u64_suffixed(v as u64),
        Scalar::ISize => Literal::isize_suffixed(v as isize),
        Scalar::USize => Literal::usize_suffixed(v as usize),
        // An enum is an integer; a float backing is not valid metadata.
        Scalar::I32 | Scalar::F32 | Scalar::F64 => Literal::i32_suffixed(v as i32),
    }
}

fn scalar(s: Scalar) -> TokenStream {
    match s {
        Scalar::I8 => quote!(i8),
        Scalar::U8 | Scalar::Char => quote!(u8),
        Scalar::I16 => quote!(i16),
        Scalar::U16 | Scalar::WChar => quote!(u16),
        Scalar::I32 => quote!(i32),
        Scalar::U32 => quote!(u32),
        Scalar::I64 => quote!(i64),
        Scalar::U64 => quote!(u64),
        Scalar::ISize => quote!(isize),
        Scalar::USize => quote!(usize),
        Scalar::F32 => quote!(f32),
        Scalar::F64 => quote!(f64),
    }
}

#[cfg(test)]
mod tests {
    use super::param_ident;

    #[test]
    fn parameter_names_become_snake_case() {
        let cases = [
            ("connectIn", "connect_in"),
            ("userIDs", "user_ids"),
            ("userID", "user_id"),
            ("lppMAPIError", "lpp_mapi_error"),
            ("ulUIParam", "ul_ui_param"),
            ("riid", "riid"),
            ("type", "type_"),
        ];
        for (from, to) in cases {
            assert_eq!(param_ident(from).to_string(), to, "{from}");
        }
    }
}
