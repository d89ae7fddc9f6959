//! Rust bindings for a set of interfaces: quote, then prettyplease.
//!
//! Bindings hold a closure and nothing else: the interfaces asked for, their bases, every
//! interface their signatures reach (transitively, so a stub receives a typed `IDataObject`
//! it can call), every type those signatures use, and the constants asked for by name or
//! declared in the user's own input files.

mod interface;
pub mod types;

pub use interface::{DefaultCall, default_call, impl_signature, result_param, returns_result, rust_method_names};

use quote::quote;

use crate::emit::format;
use crate::model::interface::Interface;
use crate::model::types::{Type, TypeDefKind};
use crate::model::vtable::Vtable;
use crate::model::{ConstValue, Constant, Model};

pub use types::ident;

/// The module of the generated crate that holds the HRESULTs generated code returns
/// (`templates/runtime/hresult.rs`): fixed, whatever the input declares.
pub const HRESULT_MODULE: &str = "hresult";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("interface `{0}` has no IID: add [uuid(...)] to it, COM finds interfaces by IID")]
    MissingIid(String),
    #[error("no interface named `{0}` in the input")]
    UnknownInterface(String),
    #[error("generated bindings do not parse (a bug in oscgen): {0}")]
    Syntax(#[from] syn::Error),
}

/// What a bindings file holds.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// The interfaces asked for; their bases and what they reach come with them.
    pub interfaces: Vec<String>,
    /// Constants asked for by name (a template's own code uses them).
    pub constants: Vec<String>,
    /// Whether the constants declared in the user's own input files come too.
    pub root_constants: bool,
    /// Which interfaces get the server side (the `_Impl` trait and `_Vtbl::new`); the
    /// others are bound for calling only.
    pub server: ServerSide,
}

/// The interfaces Rust code may implement. An interface a signature merely reaches (the
/// IDataObject that IShellExtInit::Initialize receives, and the IStorage, IMoniker, ...
/// that IDataObject's methods reach in turn) is called, not implemented, by a server: its
/// server side would be most of the bindings and none of what the server uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ServerSide {
    /// Every bound interface.
    #[default]
    Everything,
    /// These interfaces and their bases.
    Closure(Vec<String>),
}

/// The interfaces to bind, in order: each requested one preceded by its bases.
pub fn closure<'m>(model: &'m Model, names: &[String]) -> Result<Vec<&'m Interface>, Error> {
    let mut out: Vec<&Interface> = Vec::new();
    for name in names {
        let iface = model
            .interface(name)
            .ok_or_else(|| Error::UnknownInterface(name.clone()))?;
        push_with_bases(model, iface, &mut out);
    }
    Ok(out)
}

fn push_with_bases<'m>(model: &'m Model, iface: &'m Interface, out: &mut Vec<&'m Interface>) {
    let mut chain = Vtable::ancestors(model, iface);
    chain.reverse();
    chain.push(iface);
    for i in chain {
        if i.name != "IUnknown" && !out.iter().any(|o| o.name == i.name) {
            out.push(i);
        }
    }
}

/// [`closure`], then every interface the bound interfaces' signatures reach, through
/// pointers, aliases and struct fields, until nothing new is reached.
pub fn reach<'m>(model: &'m Model, names: &[String]) -> Result<Vec<&'m Interface>, Error> {
    let mut out = closure(model, names)?;
    let mut seen_types = std::collections::HashSet::new();
    let mut next = 0;
    while next < out.len() {
        let iface = out[next];
        next += 1;
        let mut found = Vec::new();
        for m in iface.methods.iter().filter(|m| m.has_slot()) {
            interfaces_in(model, &m.ret, &mut seen_types, &mut found);
            for p in &m.params {
                interfaces_in(model, &p.ty, &mut seen_types, &mut found);
            }
        }
        for name in found {
            if let Some(reached) = model.interface(&name) {
                push_with_bases(model, reached, &mut out);
            }
        }
    }
    Ok(out)
}

/// The interfaces a type names, looking through aliases and into struct and union fields.
fn interfaces_in<'m>(
    model: &'m Model,
    ty: &'m Type,
    seen: &mut std::collections::HashSet<&'m str>,
    out: &mut Vec<String>,
) {
    let mut names = Vec::new();
    ty.name_refs(&mut names);
    for name in names {
        if !seen.insert(name) {
            continue;
        }
        if model.interface(name).is_some() {
            out.push(name.to_string());
            continue;
        }
        match model.type_def(name).map(|t| &t.kind) {
            Some(TypeDefKind::Alias(inner)) => interfaces_in(model, inner, seen, out),
            Some(TypeDefKind::Struct(fields) | TypeDefKind::Union(fields)) => {
                for f in fields {
                    interfaces_in(model, &f.ty, seen, out);
                }
            }
            _ => {}
        }
    }
}

/// The text of `bindings.rs` for a selection.
pub fn bindings(model: &Model, selection: &Selection, header: &[&str]) -> Result<String, Error> {
    let interfaces = reach(model, &selection.interfaces)?;
    let server: Option<Vec<&Interface>> = match &selection.server {
        ServerSide::Everything => None,
        ServerSide::Closure(names) => Some(closure(model, names)?),
    };
    let mut mapper = types::TypeMapper::new(model, interfaces.iter().map(|i| i.name.clone()));
    let mut items = Vec::new();
    for iface in &interfaces {
        // Win32 declares a few interfaces without a GUID (ITextHost): reached from a
        // signature, they bind with the zero IID as windows-bindgen does; asked for by name,
        // they cannot be implemented, since COM finds interfaces by IID.
        let iid = match iface.iid {
            Some(iid) => iid.0,
            None if selection.interfaces.contains(&iface.name) => return Err(Error::MissingIid(iface.name.clone())),
            None => 0,
        };
        let implementable = server.as_ref().is_none_or(|s| s.iter().any(|i| i.name == iface.name));
        items.push(interface::interface(
            &mut mapper,
            &Vtable::of(model, iface),
            iid,
            implementable,
        ));
    }
    let wanted = |c: &&Constant| (selection.root_constants && c.root) || selection.constants.contains(&c.name);
    let mut emitted = std::collections::HashSet::new();
    let consts: Vec<_> = model
        .constants
        .iter()
        .filter(wanted)
        // The first declaration of a name wins, as in the model's types.
        .filter(|c| emitted.insert(c.name.as_str()))
        .filter_map(|c| constant(&mut mapper, c))
        .collect();
    let declarations = mapper.declarations();
    let tokens = quote! {
        #![allow(non_snake_case, non_camel_case_types, non_upper_case_globals, dead_code, unused_imports)]
        #![allow(clippy::all)]
        use super::oleaut::{BSTR, SAFEARRAY, SAFEARRAYBOUND, VARIANT_BOOL};
        use windows_core::IUnknown;
        #(#items)*
        #(#consts)*
        #declarations
    };
    Ok(format::rust_file(header, tokens)?)
}

fn constant(mapper: &mut types::TypeMapper, c: &Constant) -> Option<proc_macro2::TokenStream> {
    let ConstValue::Int(v) = c.value else { return None };
    // A struct-typed constant (a PROPERTYKEY) has no integer literal form.
    if !mapper.is_integer(&c.ty) {
        return None;
    }
    let name = ident(&c.name);
    if mapper.is_named(&c.ty, "HRESULT") {
        let v: proc_macro2::Literal = format!("0x{:08X}_u32", v as u32).parse().expect("literal");
        return Some(quote!(pub const #name: windows_core::HRESULT = windows_core::HRESULT(#v as i32);));
    }
    let ty = mapper.rust(&c.ty);
    // The value as the integer it is stored in: `0x80000000` in an `int` enum is negative,
    // `(DWORD)(~X)` in a DWORD is positive.
    let v = mapper.integer_scalar(&c.ty).map_or(v, |s| types::wrap(s, v));
    // What is still negative converts as C does: a suffixed literal, because `-1 as T`
    // does not compile for an unsigned T.
    let v = if v < 0 {
        match i64::try_from(v) {
            Ok(v) => proc_macro2::Literal::i64_suffixed(v),
            Err(_) => proc_macro2::Literal::i128_suffixed(v),
        }
    } else {
        proc_macro2::Literal::i128_unsuffixed(v)
    };
    Some(quote!(pub const #name: #ty = #v as #ty;))
}
