//! Rust bindings for a set of interfaces: quote, then prettyplease.

mod interface;
pub mod types;

pub use interface::{default_call, impl_signature, returns_result};

use quote::quote;

use crate::emit::format;
use crate::model::interface::Interface;
use crate::model::vtable::Vtable;
use crate::model::{ConstValue, Model};

pub use types::ident;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("interface `{0}` has no IID: add [uuid(...)] to it, COM finds interfaces by IID")]
    MissingIid(String),
    #[error("no interface named `{0}` in the input")]
    UnknownInterface(String),
    #[error("generated bindings do not parse (a bug in oscgen): {0}")]
    Syntax(#[from] syn::Error),
}

/// The interfaces to bind, in order: each requested one preceded by its bases.
pub fn closure<'m>(model: &'m Model, names: &[String]) -> Result<Vec<&'m Interface>, Error> {
    let mut out: Vec<&Interface> = Vec::new();
    for name in names {
        let iface = model
            .interface(name)
            .ok_or_else(|| Error::UnknownInterface(name.clone()))?;
        let mut chain = Vtable::ancestors(model, iface);
        chain.reverse();
        chain.push(iface);
        for i in chain {
            if i.name != "IUnknown" && !out.iter().any(|o| o.name == i.name) {
                out.push(i);
            }
        }
    }
    Ok(out)
}

/// The text of `bindings.rs` for `interfaces` (with their bases) and the root constants.
pub fn bindings(model: &Model, names: &[String], header: &[&str]) -> Result<String, Error> {
    let interfaces = closure(model, names)?;
    let mut mapper = types::TypeMapper::new(model, interfaces.iter().map(|i| i.name.clone()));
    let mut items = Vec::new();
    for iface in &interfaces {
        let iid = iface.iid.ok_or_else(|| Error::MissingIid(iface.name.clone()))?;
        items.push(interface::interface(&mut mapper, &Vtable::of(model, iface), iid.0));
    }
    let consts = model.constants.iter().filter(|c| c.root).filter_map(|c| {
        let ConstValue::Int(v) = c.value else { return None };
        let name = ident(&c.name);
        if mapper.is_named(&c.ty, "HRESULT") {
            let v: proc_macro2::Literal = format!("0x{:08X}_u32", v as u32).parse().expect("literal");
            return Some(quote!(pub const #name: windows_core::HRESULT = windows_core::HRESULT(#v as i32);));
        }
        let ty = mapper.rust(&c.ty);
        let v = proc_macro2::Literal::i128_unsuffixed(v);
        Some(quote!(pub const #name: #ty = #v as #ty;))
    });
    let consts: Vec<_> = consts.collect();
    let declarations = mapper.declarations();
    let tokens = quote! {
        #![allow(non_snake_case, non_camel_case_types, non_upper_case_globals, dead_code, unused_imports)]
        #![allow(clippy::all)]
        use super::oleaut::{BSTR, SAFEARRAY, SAFEARRAYBOUND, VARIANT_BOOL};
        use windows_core::IUnknown;
        /// A null out-pointer was passed.
        pub const E_POINTER: windows_core::HRESULT = windows_core::HRESULT(0x80004003_u32 as i32);
        /// Not implemented.
        pub const E_NOTIMPL: windows_core::HRESULT = windows_core::HRESULT(0x80004001_u32 as i32);
        /// Returned instead of unwinding when a method panics.
        pub const E_UNEXPECTED: windows_core::HRESULT = windows_core::HRESULT(0x8000FFFF_u32 as i32);
        #(#items)*
        #(#consts)*
        #declarations
    };
    Ok(format::rust_file(header, tokens)?)
}
