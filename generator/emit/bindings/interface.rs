//! One interface in the shape windows-bindgen 0.100 gives COM interfaces: the
//! `define_interface!` type, caller wrappers, the `_Vtbl` struct, the `_Impl` trait and
//! `_Vtbl::new`, which builds a vtable over any `#[implement]` type.
//!
//! Two things differ from bindgen on purpose: every vtable entry catches panics (a panic
//! must not unwind into the host) and answers E_POINTER for a null out-pointer.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::bindings::types::{self, TypeMapper, ident};
use crate::model::interface::{Direction, Interface, Method, Param};
use crate::model::param::ParamAttr;
use crate::model::types::Type;
use crate::model::vtable::Vtable;

/// How a parameter crosses from the ABI to the `_Impl` trait.
enum ParamShape {
    /// `[in] BSTR`: borrowed as `&BSTR`.
    Bstr,
    /// `[in] IFoo*`: borrowed as `windows_core::Ref<IFoo>`.
    Interface(proc_macro2::Ident),
    /// Everything else passes as its ABI type.
    Plain(TokenStream),
}

/// What the `_Impl` method returns on success.
enum RetShape {
    /// No trailing out-parameter: `Result<()>`.
    Unit,
    Bstr,
    Interface(proc_macro2::Ident),
    Value(TokenStream),
    /// The method does not return HRESULT: the raw return type, no `Result`.
    Raw(TokenStream),
}

struct MethodShape {
    name: proc_macro2::Ident,
    /// The method's name as the input declares it, for the call log.
    declared: String,
    params: Vec<(proc_macro2::Ident, ParamShape)>,
    /// The name of the out-parameter that carries the result, when there is one.
    ret_param: Option<proc_macro2::Ident>,
    ret: RetShape,
}

impl MethodShape {
    fn new(mapper: &mut TypeMapper, method: &Method) -> MethodShape {
        let returns_hresult = mapper.is_named(&method.ret, "HRESULT");
        let mut params: Vec<&Param> = method.params.iter().collect();
        let mut ret = if returns_hresult {
            RetShape::Unit
        } else if mapper.is_void(&method.ret) {
            RetShape::Raw(quote!(()))
        } else {
            RetShape::Raw(mapper.rust(&method.ret))
        };
        let mut ret_param = None;
        if returns_hresult
            && let Some(last) = params.last()
            && let Some(shape) = retval_shape(mapper, last)
        {
            ret_param = Some(param_ident(last));
            ret = shape;
            params.pop();
        }
        let params = params
            .into_iter()
            .map(|p| {
                let shape = if p.dir == Direction::In && mapper.is_bstr(&p.ty) {
                    ParamShape::Bstr
                } else if let Some(iface) = mapper.interface_pointer(&p.ty).filter(|_| p.dir == Direction::In) {
                    ParamShape::Interface(ident(&iface))
                } else {
                    ParamShape::Plain(abi_type(mapper, &p.ty))
                };
                (param_ident(p), shape)
            })
            .collect();
        MethodShape {
            name: ident(&method.name),
            declared: method.name.clone(),
            params,
            ret_param,
            ret,
        }
    }
}

fn param_ident(p: &Param) -> proc_macro2::Ident {
    types::param_ident(&p.name)
}

/// The ABI type of a parameter; a pointer to BSTR stays `*mut BSTR` (same layout, clearer).
fn abi_type(mapper: &mut TypeMapper, ty: &Type) -> TokenStream {
    if mapper.is_bstr(ty) {
        return quote!(*mut core::ffi::c_void);
    }
    mapper.rust(ty)
}

/// A trailing `[out]` pointer becomes the method's result, as in windows-bindgen; not one
/// the SDK annotates `_opt_` (IDispatch::Invoke's `puArgErr`): the callee writes it also
/// when the call fails, and a result is written only on success.
fn retval_shape(mapper: &mut TypeMapper, p: &Param) -> Option<RetShape> {
    if p.dir != Direction::Out
        || p.attrs.iter().any(|a| match a {
            ParamAttr::SizeIs(_) | ParamAttr::LengthIs(_) => true,
            ParamAttr::Annotation(sal) => sal.contains("_opt_"),
            _ => false,
        })
    {
        return None;
    }
    let pointee = mapper.resolve_pointer(&p.ty)?;
    if mapper.is_void(&pointee) || matches!(pointee.unqualified(), Type::Array(..)) {
        return None;
    }
    // `void**` with iid_is is QueryInterface-like: left to the caller as a raw pointer.
    if mapper
        .resolve_pointer(&pointee)
        .is_some_and(|inner| mapper.is_void(&inner))
    {
        return None;
    }
    if mapper.is_bstr(&pointee) {
        return Some(RetShape::Bstr);
    }
    if let Some(iface) = mapper.interface_pointer(&pointee) {
        return Some(RetShape::Interface(ident(&iface)));
    }
    Some(RetShape::Value(mapper.rust(&pointee)))
}

fn impl_param_type(shape: &ParamShape) -> TokenStream {
    match shape {
        ParamShape::Bstr => quote!(&BSTR),
        ParamShape::Interface(i) => quote!(windows_core::Ref<'_, #i>),
        ParamShape::Plain(t) => t.clone(),
    }
}

fn abi_param_type(shape: &ParamShape) -> TokenStream {
    match shape {
        ParamShape::Bstr | ParamShape::Interface(_) => quote!(*mut core::ffi::c_void),
        ParamShape::Plain(t) => t.clone(),
    }
}

fn impl_return(ret: &RetShape) -> TokenStream {
    match ret {
        RetShape::Unit => quote!(windows_core::Result<()>),
        RetShape::Bstr => quote!(windows_core::Result<BSTR>),
        RetShape::Interface(i) => quote!(windows_core::Result<#i>),
        RetShape::Value(t) => quote!(windows_core::Result<#t>),
        RetShape::Raw(t) => t.clone(),
    }
}

fn abi_ret_param(ret: &RetShape) -> Option<TokenStream> {
    match ret {
        RetShape::Bstr | RetShape::Interface(_) => Some(quote!(*mut *mut core::ffi::c_void)),
        RetShape::Value(t) => Some(quote!(*mut #t)),
        RetShape::Unit | RetShape::Raw(_) => None,
    }
}

fn abi_return(ret: &RetShape) -> TokenStream {
    match ret {
        RetShape::Raw(t) => t.clone(),
        _ => quote!(windows_core::HRESULT),
    }
}

/// The interface's bindings; without `implementable`, only what calls it (no `_Impl` trait,
/// no `_Vtbl::new`).
pub fn interface(mapper: &mut TypeMapper, vtable: &Vtable, iid: u128, implementable: bool) -> TokenStream {
    let iid = types::guid_literal(iid);
    let iface = vtable.interface;
    let name = ident(&iface.name);
    let vtbl = format_ident!("{}_Vtbl", name);
    let impl_trait = format_ident!("{}_Impl", name);
    let ancestors: Vec<&Interface> = vtable
        .slots
        .iter()
        .map(|s| s.declared_in)
        .fold(Vec::new(), |mut acc, i| {
            if !acc.iter().any(|a: &&Interface| a.name == i.name) && i.name != iface.name {
                acc.push(i);
            }
            acc
        });
    // A `[local]` interface may have no base at all (d3d10effect.idl's
    // ID3D10EffectVariable): its vtable starts with its own methods, without IUnknown's.
    // Such a chain binds as windows-bindgen binds one: `define_interface!` without an IID
    // (a bare pointer, no reference counting), no `base__` at its root, no hierarchy to
    // IUnknown and no `matches`.
    let unknown = ancestors.iter().any(|a| a.name == "IUnknown");
    let base = iface.base.as_deref().unwrap_or("IUnknown");
    let (base_vtbl, base_impl) = if base == "IUnknown" {
        (quote!(windows_core::IUnknown_Vtbl), quote!(windows_core::IUnknownImpl))
    } else {
        let (v, i) = (
            format_ident!("{}_Vtbl", ident(base)),
            format_ident!("{}_Impl", ident(base)),
        );
        (quote!(#v), quote!(#i))
    };
    let rooted = unknown || iface.base.is_some();
    let base_field = rooted.then(|| quote!(pub base__: #base_vtbl,));
    let base_init = rooted.then(|| quote!(base__: #base_vtbl::new::<Identity, OFFSET>(),));
    let base_bound = rooted.then(|| quote!(: #base_impl));

    let mut shapes: Vec<MethodShape> = vtable.own_slots().map(|s| MethodShape::new(mapper, s.method)).collect();
    for (shape, name) in shapes.iter_mut().zip(rust_method_names(vtable)) {
        shape.name = name;
    }

    // The hierarchy, nearest base last as bindgen orders it: IUnknown, then the chain down.
    let hierarchy: Vec<TokenStream> = ancestors
        .iter()
        .map(|a| {
            if a.name == "IUnknown" {
                quote!(windows_core::IUnknown)
            } else {
                let i = ident(&a.name);
                quote!(#i)
            }
        })
        .collect();
    let deref = if base != "IUnknown" {
        let b = ident(base);
        quote! {
            impl core::ops::Deref for #name {
                type Target = #b;
                fn deref(&self) -> &Self::Target {
                    unsafe { core::mem::transmute(self) }
                }
            }
        }
    } else {
        quote!()
    };

    let wrappers = shapes.iter().map(caller_wrapper);
    let vtbl_fields = shapes.iter().map(|m| {
        let n = &m.name;
        let params = m.params.iter().map(|(_, s)| abi_param_type(s));
        let ret_param = abi_ret_param(&m.ret);
        let ret = abi_return(&m.ret);
        quote!(pub #n: unsafe extern "system" fn(*mut core::ffi::c_void, #(#params,)* #ret_param) -> #ret)
    });
    let trait_methods = shapes.iter().map(|m| {
        let n = &m.name;
        let params = m.params.iter().map(|(p, s)| {
            let t = impl_param_type(s);
            quote!(#p: #t)
        });
        let ret = impl_return(&m.ret);
        quote!(fn #n(&self, #(#params),*) -> #ret;)
    });
    // A dispinterface's members own no slot: the object's IDispatch (oscgen's, from
    // `emit::project::invoke`) calls them, as the trait's methods.
    let dispatch_methods: Vec<TokenStream> = iface
        .dispatch
        .as_ref()
        .filter(|_| implementable)
        .map(|d| d.as_methods())
        .unwrap_or_default()
        .iter()
        .map(|m| {
            let signature = impl_signature(mapper, m, &ident(&m.name));
            quote!(#signature;)
        })
        .collect();
    let shims = shapes.iter().map(|m| vtable_shim(m, &iface.name, &impl_trait));
    let field_inits = shapes.iter().map(|m| {
        let n = &m.name;
        quote!(#n: #n::<Identity, OFFSET>)
    });
    let matches = std::iter::once(quote!(<#name as windows_core::Interface>::IID)).chain(
        ancestors.iter().filter(|a| a.name != "IUnknown").map(|a| {
            let i = ident(&a.name);
            quote!(<#i as windows_core::Interface>::IID)
        }),
    );
    let matches: Vec<TokenStream> = matches.map(|m| quote!(iid == &#m)).collect();

    let define = if unknown {
        quote!(windows_core::imp::define_interface!(#name, #vtbl, #iid);)
    } else {
        quote!(windows_core::imp::define_interface!(#name, #vtbl);)
    };
    let hierarchy =
        (!hierarchy.is_empty()).then(|| quote!(windows_core::imp::interface_hierarchy!(#name, #(#hierarchy),*);));
    let matches = unknown.then(|| {
        quote! {
            pub fn matches(iid: &windows_core::GUID) -> bool {
                #(#matches)||*
            }
        }
    });
    let runtime_name = unknown.then(|| quote!(impl windows_core::RuntimeName for #name {}));
    let server = implementable.then(|| {
        quote! {
            pub trait #impl_trait #base_bound {
                #(#trait_methods)*
                #(#dispatch_methods)*
            }
            impl #vtbl {
                pub const fn new<Identity: #impl_trait, const OFFSET: isize>() -> Self {
                    #(#shims)*
                    Self {
                        #base_init
                        #(#field_inits,)*
                    }
                }
                #matches
            }
        }
    });

    quote! {
        #define
        #deref
        #hierarchy
        impl #name {
            #(#wrappers)*
        }
        #[repr(C)]
        pub struct #vtbl {
            #base_field
            #(#vtbl_fields,)*
        }
        #server
        #runtime_name
    }
}

/// The Rust name of each of the interface's own methods, in vtable order: the one source
/// of a method's Rust name for the bindings (wrapper, vtable field, `_Impl` trait), the
/// stubs in user files and the generated tests.
///
/// Win32 metadata keeps C++ overloads (ID2D1SvgElement's two `SetAttributeValue`) as
/// methods of one name; Rust items need distinct ones. As windows-bindgen does, a repeat
/// gets its occurrence number (`SetAttributeValue2`), past any name already taken. Only
/// the Rust names change: the model keeps the metadata's.
pub fn rust_method_names(vtable: &Vtable) -> Vec<proc_macro2::Ident> {
    let names: Vec<&str> = vtable.own_slots().map(|s| s.method.name.as_str()).collect();
    disambiguate(&names)
}

fn disambiguate(names: &[&str]) -> Vec<proc_macro2::Ident> {
    let mut taken: std::collections::HashSet<String> = names.iter().map(|n| n.to_string()).collect();
    let mut seen = std::collections::HashMap::<&str, usize>::new();
    names
        .iter()
        .map(|&name| {
            let count = seen.entry(name).or_insert(0);
            *count += 1;
            if *count == 1 {
                return ident(name);
            }
            let mut n = *count;
            while taken.contains(&format!("{name}{n}")) {
                n += 1;
            }
            taken.insert(format!("{name}{n}"));
            ident(&format!("{name}{n}"))
        })
        .collect()
}

/// `pub unsafe fn M(&self, ...) -> Result<T>`: calls through the vtable.
fn caller_wrapper(m: &MethodShape) -> TokenStream {
    let n = &m.name;
    let params = m.params.iter().map(|(p, s)| {
        let t = match s {
            ParamShape::Bstr => quote!(&BSTR),
            ParamShape::Interface(i) => quote!(Option<&#i>),
            ParamShape::Plain(t) => t.clone(),
        };
        quote!(#p: #t)
    });
    let args = m.params.iter().map(|(p, s)| match s {
        ParamShape::Bstr => quote!(core::mem::transmute_copy(#p)),
        ParamShape::Interface(_) => {
            quote!(#p.map_or(core::ptr::null_mut(), |p| windows_core::Interface::as_raw(p)))
        }
        ParamShape::Plain(_) => quote!(#p),
    });
    let mut args: Vec<TokenStream> = args.collect();
    if m.ret_param.is_some() {
        args.push(quote!(&mut result__));
    }
    let call = quote!((windows_core::Interface::vtable(self).#n)(windows_core::Interface::as_raw(self), #(#args),*));
    let (ret, body) = match &m.ret {
        RetShape::Unit => (quote!(windows_core::Result<()>), quote!(#call.ok())),
        RetShape::Raw(t) => (t.clone(), call),
        RetShape::Bstr => (
            quote!(windows_core::Result<BSTR>),
            quote! {
                let mut result__: *mut core::ffi::c_void = core::ptr::null_mut();
                #call.map(|| core::mem::transmute(result__))
            },
        ),
        RetShape::Interface(i) => (
            quote!(windows_core::Result<#i>),
            quote! {
                let mut result__: *mut core::ffi::c_void = core::ptr::null_mut();
                #call.and_then(|| {
                    if result__.is_null() {
                        Err(windows_core::Error::from_hresult(super::hresult::E_POINTER))
                    } else {
                        Ok(<#i as windows_core::Interface>::from_raw(result__))
                    }
                })
            },
        ),
        RetShape::Value(t) => (
            quote!(windows_core::Result<#t>),
            quote! {
                let mut result__: #t = core::mem::zeroed();
                #call.map(|| result__)
            },
        ),
    };
    quote! {
        pub unsafe fn #n(&self, #(#params),*) -> #ret {
            unsafe { #body }
        }
    }
}

/// The `extern "system"` function a vtable slot points to: it finds the implementing
/// object from `this`, converts the arguments, and never lets a panic escape.
fn vtable_shim(m: &MethodShape, interface: &str, impl_trait: &proc_macro2::Ident) -> TokenStream {
    let n = &m.name;
    let method = &m.declared;
    let abi_params = m.params.iter().map(|(p, s)| {
        let t = abi_param_type(s);
        quote!(#p: #t)
    });
    let ret_param = m.ret_param.as_ref().map(|r| {
        let t = abi_ret_param(&m.ret).expect("result parameter type");
        quote!(#r: #t)
    });
    let abi_ret = abi_return(&m.ret);
    let args = m.params.iter().map(|(p, s)| match s {
        ParamShape::Bstr => quote!(core::mem::transmute::<&*mut core::ffi::c_void, &BSTR>(&#p)),
        ParamShape::Interface(_) => quote!(core::mem::transmute_copy(&#p)),
        ParamShape::Plain(_) => quote!(#p),
    });
    let call = quote!(#impl_trait::#n(this, #(#args),*));
    let e_pointer = quote!(super::hresult::E_POINTER);
    // `trace` catches a panic (E_UNEXPECTED, or zero for a raw return) and logs the call.
    let (guard, run) = match (&m.ret, &m.ret_param) {
        (RetShape::Raw(_), _) => (
            quote!(),
            quote!(super::trace::call_raw(#interface, #method, || #call, || core::mem::zeroed())),
        ),
        (RetShape::Unit, _) => (
            quote!(),
            quote!(super::trace::call(#interface, #method, || #call.into())),
        ),
        (_, Some(r)) => (
            quote! {
                if #r.is_null() {
                    return #e_pointer;
                }
                #r.write(core::mem::zeroed());
            },
            {
                // Ownership of a BSTR or interface passes to the caller: no drop here.
                let store = match &m.ret {
                    RetShape::Value(_) => quote!(#r.write(ok__)),
                    _ => quote!(#r.write(core::mem::transmute(ok__))),
                };
                quote! {
                    super::trace::call(#interface, #method, || match #call {
                        Ok(ok__) => {
                            #store;
                            windows_core::HRESULT(0)
                        }
                        Err(err) => err.into(),
                    })
                }
            },
        ),
        (_, None) => unreachable!("a result shape always has its out-parameter"),
    };
    quote! {
        unsafe extern "system" fn #n<Identity: #impl_trait, const OFFSET: isize>(
            this: *mut core::ffi::c_void,
            #(#abi_params,)*
            #ret_param
        ) -> #abi_ret {
            unsafe {
                #guard
                let this: &Identity = &*((this as *const *const ()).offset(OFFSET) as *const Identity);
                #run
            }
        }
    }
}

/// The `_Impl` trait method's signature, `fn M(&self, ...) -> R`, for stubs; `name` is
/// the method's [`rust_method_names`] entry.
pub fn impl_signature(mapper: &mut TypeMapper, method: &Method, name: &proc_macro2::Ident) -> TokenStream {
    let m = MethodShape::new(mapper, method);
    let n = name;
    let params = m.params.iter().map(|(p, s)| {
        let t = impl_param_type(s);
        quote!(#p: #t)
    });
    let ret = impl_return(&m.ret);
    quote!(fn #n(&self, #(#params),*) -> #ret)
}

/// The `[out]` parameter the bindings return as the method's result, if one is.
pub fn result_param(mapper: &mut TypeMapper, method: &Method) -> Option<String> {
    MethodShape::new(mapper, method).ret_param.map(|p| p.to_string())
}

/// What a stub returns when it is not implemented: the error for `Result`, zero otherwise.
pub fn returns_result(mapper: &mut TypeMapper, method: &Method) -> bool {
    !matches!(MethodShape::new(mapper, method).ret, RetShape::Raw(_))
}

/// A call of the caller wrapper with neutral arguments (an empty BSTR, no interface,
/// zeroes and null pointers), for tests through the vtable.
pub struct DefaultCall {
    /// The arguments as Rust text: `&BSTR::new()`, `None`, `zeroed()` (`core::mem::zeroed`).
    pub args: Vec<&'static str>,
    /// Whether the wrapper returns a `Result`.
    pub is_result: bool,
}

pub fn default_call(mapper: &mut TypeMapper, method: &Method) -> DefaultCall {
    let m = MethodShape::new(mapper, method);
    DefaultCall {
        args: m
            .params
            .iter()
            .map(|(_, s)| match s {
                ParamShape::Bstr => "&BSTR::new()",
                ParamShape::Interface(_) => "None",
                ParamShape::Plain(_) => "zeroed()",
            })
            .collect(),
        is_result: !matches!(m.ret, RetShape::Raw(_)),
    }
}

#[cfg(test)]
mod tests {
    use super::disambiguate;

    #[test]
    fn overloads_get_their_occurrence_number_past_taken_names() {
        let names = ["Set", "Set2", "Set", "Set", "Get"];
        let names: Vec<String> = disambiguate(&names).iter().map(|n| n.to_string()).collect();
        assert_eq!(names, ["Set", "Set2", "Set3", "Set4", "Get"]);
    }
}
