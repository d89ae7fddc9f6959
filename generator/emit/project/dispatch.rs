//! IDispatch, owned by oscgen for an object whose dual interface the project's embedded
//! type library describes: `src/generated/dispatch.rs` (the runtime: the type library on
//! Windows, a member table elsewhere) and `src/generated/idispatch.rs`, the object's
//! `impl IDispatch_Impl` and the interface's member table. The user's file then has no
//! IDispatch stubs: what automation needs is all in the type library already.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::bindings::types::TypeMapper;
use crate::emit::bindings::{ident, result_param};
use crate::emit::format;
use crate::emit::project::files::RuntimeModule;
use crate::emit::project::invoke::{Callable, Target};
use crate::emit::project::{OWNED_HEADER, ObjectSpec, invoke};
use crate::emit::registry::TypeLibrary;
use crate::model::Model;
use crate::model::interface::Interface;
use crate::model::vtable::Vtable;

pub const INTERFACE: &str = "IDispatch";
pub const GLUE: &str = "src/generated/idispatch.rs";
pub const GLUE_SUMMARY: &str = "IDispatch of the object's dual interface, from the type library (see `dispatch`).";

pub const RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "dispatch",
    text: include_str!("../../../templates/runtime/dispatch.rs"),
    summary: "IDispatch from the DLL's own type library (oleaut32) on Windows, from a member table elsewhere.",
    dependencies: &[],
};

/// The dual interface or dispinterface whose IDispatch oscgen serves for `object`: the
/// first one it implements that the embedded type library describes.
pub fn served<'m>(model: &'m Model, object: &ObjectSpec, library: &TypeLibrary) -> Option<&'m Interface> {
    // One the object names: `#[implement]` gives it the interface's own vtable, whose
    // type info inherits its bases' members.
    object.implements.iter().filter_map(|n| model.interface(n)).find(|i| {
        i.dispatch.is_some()
            && library.described.contains(&i.name)
            && Vtable::ancestors(model, i).iter().any(|a| a.name == INTERFACE)
    })
}

/// How the bindings shape IDispatch::Invoke's `puArgErr`, which the glue must match: a
/// parameter when oaidl.idl annotates it `_Out_opt_` (oscgen's stand-in, as the Windows
/// SDK does), the method's result when the oaidl.idl read does not (mingw-w64's, Wine's).
pub struct ArgErr {
    /// The parameter after `p_excep_info`, or nothing.
    pub param: TokenStream,
    /// What Invoke returns in its `Result`.
    pub ret: TokenStream,
    /// Where the runtime writes the index: the caller's pointer, or a local `arg_err`.
    pub target: TokenStream,
    /// Declares the local, when there is one.
    pub local: TokenStream,
    /// Turns the runtime's `Result<()>` into Invoke's.
    pub finish: TokenStream,
}

impl ArgErr {
    pub fn of(model: &Model, unused: bool) -> ArgErr {
        let lifted = model
            .interface(INTERFACE)
            .and_then(|i| i.methods.iter().find(|m| m.name == "Invoke"))
            .is_some_and(|m| result_param(&mut TypeMapper::new(model, [INTERFACE.to_string()]), m).is_some());
        let name = if unused {
            quote!(_pu_arg_err)
        } else {
            quote!(pu_arg_err)
        };
        if lifted {
            ArgErr {
                param: quote!(),
                ret: quote!(UINT),
                target: quote!(&mut arg_err),
                local: quote!(let mut arg_err: UINT = 0;),
                finish: quote!(.map(|()| arg_err)),
            }
        } else {
            ArgErr {
                param: quote!(#name: *mut UINT,),
                ret: quote!(()),
                target: name,
                local: quote!(),
                finish: quote!(),
            }
        }
    }
}

/// A member of the dispatch view: name, DISPID, parameter names.
pub struct Member {
    pub name: String,
    pub dispid: i32,
    pub params: Vec<String>,
}

/// The interface's members by name, with the DISPIDs its type library gives them: the
/// declared `[id(n)]`, or the one the type library writer assigns (0x6000 and the number
/// of bases in the high word, the method's index in the low one). A property's get and put
/// share one name and DISPID.
pub fn members(model: &Model, iface: &Interface) -> Vec<Member> {
    let mut out: Vec<Member> = Vec::new();
    for Callable { method: m, dispid, .. } in Callable::of(model, iface) {
        if out.iter().any(|o| o.name == m.idl_name) {
            continue;
        }
        let params = m
            .params
            .iter()
            .filter(|p| !p.retval)
            .map(|p| p.name.to_string())
            .collect();
        out.push(Member {
            name: m.idl_name.clone(),
            dispid,
            params,
        });
    }
    out
}

/// Whether `iface` is a dispinterface: its members own no vtable slot.
fn is_dispinterface(iface: &Interface) -> bool {
    iface.dispatch.as_ref().is_some_and(|d| !d.dual)
}

/// `src/generated/idispatch.rs`: the member table, `impl IDispatch_Impl` for the object,
/// and the arms Invoke runs without the type library (see `invoke`).
pub fn glue(model: &Model, bound: &[String], object: &ObjectSpec, iface: &Interface) -> String {
    let interface = ident(&iface.name);
    let module = format_ident!("{}", object.file.trim_start_matches("src/").trim_end_matches(".rs"));
    let impl_type = format_ident!("{}_Impl", object.type_name);
    let table = format_ident!("{}", iface.name.to_ascii_uppercase());
    let members = members(model, iface).into_iter().map(|m| {
        let Member { name, dispid, params } = m;
        quote!(Member { name: #name, dispid: #dispid, params: &[#(#params),*] })
    });
    let doc = format!(" {}'s members, as its type library names them.", iface.name);
    let ArgErr {
        param: arg_err_param,
        ret: arg_err_ret,
        target: arg_err_target,
        local: arg_err_local,
        finish: arg_err_finish,
    } = ArgErr::of(model, false);
    let mut mapper = TypeMapper::new(model, bound.iter().cloned());
    let target = if is_dispinterface(iface) {
        Target::Impl
    } else {
        Target::Vtable
    };
    let invoke::Dispatcher {
        tokens: dispatcher,
        bindings,
        helpers,
    } = invoke::dispatcher(model, iface, &mut mapper, &target);
    let dispatcher_name = format_ident!("invoke_{}", iface.name.to_ascii_lowercase());
    let vtbl = format_ident!("{}_Vtbl", interface);
    let iface_impl = format_ident!("{}_Impl", interface);
    let bindings: Vec<proc_macro2::Ident> = bindings
        .iter()
        .filter(|n| **n != iface.name)
        .map(|n| ident(n))
        .collect();
    let helpers: Vec<TokenStream> = helpers.iter().map(|h| h.parse().expect("a path")).collect();
    let call_new = quote! {
        let mut call = unsafe {
            Call::new(
                p_disp_params.cast_const().cast(),
                w_flags,
                lcid,
                p_var_result.cast(),
                p_excep_info.cast(),
                #arg_err_target,
            )
        }?;
    };
    let (imports, invoke_body) = match target {
        Target::Vtable => (
            quote! {
                use core::ffi::c_void;

                use windows_core::{ComObjectInterface, Interface, Result};

                use super::bindings::{
                    IDispatch_Impl, ITypeInfo, DISPID, DISPPARAMS, EXCEPINFO, LCID, LPOLESTR, REFIID, UINT, VARIANT,
                    WORD, #interface, #vtbl, #(#bindings),*
                };
            },
            quote! {
                // The dual interface's own vtable: the type library's functions are its slots.
                let this = ComObjectInterface::<#interface>::as_interface_ref(self).as_raw();
                // SAFETY: the caller's pointers, as IDispatch::Invoke receives them; `this`
                // lives while `self` does.
                let typed = unsafe {
                    #table.invoke_from_type_library(
                        this,
                        disp_id_member,
                        w_flags,
                        p_disp_params.cast(),
                        p_var_result.cast(),
                        p_excep_info.cast(),
                        #arg_err_target,
                    )
                };
                if let Some(outcome) = typed {
                    return outcome #arg_err_finish;
                }
                // SAFETY: as above.
                #call_new
                // SAFETY: `this` is the object's interface pointer, live while `self` is.
                let outcome = unsafe { #dispatcher_name(this, disp_id_member, &mut call) };
            },
        ),
        // A dispinterface's functions are no vtable's slots, so oleaut32's DispInvoke
        // cannot call them: its members are the trait's methods, on every platform.
        Target::Impl => (
            quote! {
                use windows_core::{Interface, Result};

                use super::bindings::{
                    IDispatch_Impl, ITypeInfo, DISPID, DISPPARAMS, EXCEPINFO, LCID, LPOLESTR, REFIID, UINT, VARIANT,
                    WORD, #interface, #iface_impl, #(#bindings),*
                };
            },
            quote! {
                // SAFETY: the caller's pointers, as IDispatch::Invoke receives them.
                #call_new
                let outcome = #dispatcher_name(self, disp_id_member, &mut call);
            },
        ),
    };
    let tokens = quote! {
        #imports
        use super::dispatch::{Dispatch, Member};
        use super::invoke::Call;
        #(use super::#helpers;)*
        use crate::#module::#impl_type;

        #[doc = #doc]
        pub static #table: Dispatch = Dispatch::new(#interface::IID, &[#(#members),*]);

        impl IDispatch_Impl for #impl_type {
            fn GetTypeInfoCount(&self) -> Result<UINT> {
                Ok(#table.type_info_count())
            }

            fn GetTypeInfo(&self, i_t_info: UINT, _lcid: LCID) -> Result<ITypeInfo> {
                #table.type_info(i_t_info)
            }

            fn GetIDsOfNames(
                &self,
                _riid: REFIID,
                rgsz_names: *mut LPOLESTR,
                c_names: UINT,
                _lcid: LCID,
                rg_disp_id: *mut DISPID,
            ) -> Result<()> {
                // SAFETY: the caller's arrays, as IDispatch::GetIDsOfNames receives them.
                unsafe { #table.ids_of_names(rgsz_names as *const *const u16, c_names, rg_disp_id) }
            }

            fn Invoke(
                &self,
                disp_id_member: DISPID,
                _riid: REFIID,
                lcid: LCID,
                w_flags: WORD,
                p_disp_params: *mut DISPPARAMS,
                p_var_result: *mut VARIANT,
                p_excep_info: *mut EXCEPINFO,
                #arg_err_param
            ) -> Result<#arg_err_ret> {
                #arg_err_local
                #invoke_body
                call.finish(outcome) #arg_err_finish
            }
        }

        #dispatcher
    };
    let header = [
        OWNED_HEADER,
        "",
        &format!(
            "IDispatch of {}, served from {}: oscgen implements it from the type library the",
            object.type_name, iface.name
        ),
        "DLL embeds, so your file has only the dual interface's own methods. See `dispatch`",
        "for what each platform answers.",
    ];
    let text = format::rust_file(&header, tokens).expect("generated tokens parse");
    format::skip_rustfmt(&text)
}

/// The test `src/tests.rs` gets (the user's file, laid out as rustfmt's defaults lay it
/// out): names resolve through IDispatch whatever their case, on every platform, to the
/// DISPIDs the interface declares; an unknown name and an unknown DISPID fail as COM says.
pub fn names_test(model: &Model, iface: &Interface) -> String {
    let members = members(model, iface);
    let Some(first) = members.first() else {
        return String::new();
    };
    let mut unknown_name = "NoSuchMember".to_string();
    while members.iter().any(|m| m.name.eq_ignore_ascii_case(&unknown_name)) {
        unknown_name.push('_');
    }
    let unknown_id = members.iter().map(|m| m.dispid).max().unwrap_or(0).wrapping_add(1);
    let (name, id) = (&first.name, first.dispid);
    let (outs, nulls) = if ArgErr::of(model, false).param.is_empty() {
        ("out, excep", "null_mut(), null_mut()")
    } else {
        ("out, excep, arg", "null_mut(), null_mut(), null_mut()")
    };
    let cases: String = [name.clone(), name.to_ascii_lowercase(), name.to_ascii_uppercase()]
        .iter()
        .map(|n| format!("    assert_eq!(id(\"{n}\"), (None, {id}));\n"))
        .collect();
    format!(
        "
/// IDispatch is oscgen's (`generated::idispatch`): a name resolves to the DISPID the
/// interface gives it whatever its case, an unknown one to DISP_E_UNKNOWNNAME, and Invoke
/// of a DISPID no member has answers DISP_E_MEMBERNOTFOUND.
#[test]
fn dispatch_names_resolve_whatever_their_case() {{
    use core::ptr::null_mut;
    use dll::generated::dispatch;
    let object: IDispatch = create().cast().expect(\"QueryInterface\");
    // IID_NULL, as a pointer either shape of REFIID takes (the stand-in's `*const`,
    // mingw-w64's `*mut`).
    let mut null_iid = windows_core::GUID::zeroed();
    let riid: *mut windows_core::GUID = &mut null_iid;
    let id = |name: &str| {{
        let wide: Vec<u16> = name.encode_utf16().chain([0]).collect();
        let mut names = [wide.as_ptr().cast_mut()];
        let mut id = 0;
        let result = unsafe {{ object.GetIDsOfNames(riid, names.as_mut_ptr(), 1, 0, &mut id) }};
        (code(result), id)
    }};
{cases}    assert_eq!(
        id(\"{unknown_name}\"),
        (Some(dispatch::DISP_E_UNKNOWNNAME), dispatch::DISPID_UNKNOWN)
    );
    let mut params = unsafe {{ core::mem::zeroed() }};
    let ({outs}) = ({nulls});
    let result = unsafe {{ object.Invoke({unknown_id}, riid, 0, 1, &mut params, {outs}) }};
    assert_eq!(code(result), Some(dispatch::DISP_E_MEMBERNOTFOUND));
}}
"
    )
}
