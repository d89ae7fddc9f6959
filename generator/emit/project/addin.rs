//! The `outlook-addin` template: an Office COM add-in. Its connect class implements
//! IDTExtensibility2 (load and unload) and IRibbonExtensibility (the ribbon XML), both
//! dual, from the built-in office.idl; the ribbon's `onAction` callbacks exist only as
//! names, which Office resolves and calls through IDispatch: oscgen implements that
//! IDispatch from `ribbon.callbacks` (`src/generated/callbacks.rs`), and the user's file
//! holds an `impl RibbonCallbacks` with a method per callback.

use askama::Template;
use quote::{format_ident, quote};

use crate::emit::format;
use crate::emit::project::dispatch::{self, ArgErr};
use crate::emit::project::files::RuntimeModule;
use crate::emit::project::plan::{Ownership, Plan, StubImpl, StubMethod};
use crate::emit::project::{Error, Inputs, OWNED_HEADER, ObjectSpec, Project, render};
use crate::emit::registry::Registration;
use crate::emit::stubs::KnowledgeBase;
use crate::model::Model;
use crate::project::config::Config;
use crate::project::office_addin::OfficeHost;

const STUBS: &str = include_str!("../../../templates/outlook-addin/stubs.toml");

/// The callback `oscgen new` declares, which the template's ribbon button names.
pub const CALLBACK: &str = "OnGreet";

/// The generated IDispatch of the connect class: the callbacks by name.
pub const GLUE: &str = "src/generated/callbacks.rs";
const GLUE_SUMMARY: &str = "the ribbon callbacks' trait and the connect class's IDispatch, from `ribbon.callbacks`.";

/// The runtime the glue calls: reading the control argument off Invoke's DISPPARAMS.
const RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "ribbon",
    text: include_str!("../../../templates/runtime/ribbon.rs"),
    summary: "the control argument of a ribbon callback, as Office passes it to Invoke.",
    dependencies: &[],
};

/// The trait the user implements, one method per callback.
const TRAIT: &str = "RibbonCallbacks";

#[derive(Template)]
#[template(path = "outlook-addin/src/connect.rs", escape = "none")]
struct ConnectRs<'a> {
    impls: &'a str,
    callbacks: &'a str,
}

#[derive(Template)]
#[template(path = "outlook-addin/src/ribbon.xml", escape = "none")]
struct RibbonXml<'a> {
    crate_name: &'a str,
    /// The `idMso` of the first host's Home tab.
    tab: &'a str,
    title: &'a str,
    callback: &'a str,
}

#[derive(Template)]
#[template(path = "outlook-addin/src/tests.rs", escape = "none")]
struct TestsRs<'a> {
    callbacks: &'a [(String, i32)],
}

#[derive(Template)]
#[template(path = "outlook-addin/README.md", escape = "none")]
struct ReadmeMd<'a> {
    title: &'a str,
    dll_name: &'a str,
    oscgen_version: &'a str,
    clsid_braced: &'a str,
    prog_id: &'a str,
    log_env: &'a str,
    log_file: &'a str,
}

/// The callbacks oscgen.toml declares, with their DISPIDs: 1, 2, ... in its order.
fn callbacks(config: &Config) -> Vec<(String, i32)> {
    let names = config
        .ribbon
        .as_ref()
        .map(|r| r.callbacks.as_slice())
        .unwrap_or_default();
    names.iter().zip(1..).map(|(n, id)| (n.clone(), id)).collect()
}

pub fn plan(inputs: &Inputs, config: &Config) -> Result<Plan, Error> {
    let mut p = Project::new(inputs, config)?;
    let title = config
        .provider
        .description
        .clone()
        .unwrap_or_else(|| format!("{} Office add-in", config.project.name));
    let mut registration = Registration::new(&p.dll_name);
    registration.com_class(
        config.clsid(),
        &config.provider.prog_id,
        &title,
        config.provider.threading,
    );
    if let Some(addin) = &config.office_addin {
        registration.office_addins(addin, &config.provider.prog_id, &title);
    }
    let mut objects = p.object_specs();
    // IDispatch is the callbacks', which oscgen writes: the user's file has no IDispatch block.
    objects[0].dispatch = Some(dispatch::INTERFACE.to_string());
    p.modules.push(("callbacks", GLUE_SUMMARY));
    p.generated_files(
        &registration,
        proc_macro2::TokenStream::new(),
        &[],
        &[dispatch::RUNTIME, RUNTIME],
    )?;
    let callbacks = callbacks(config);
    p.plan
        .add(GLUE, glue(inputs.model, &objects[0], &callbacks), Ownership::Generated);
    p.common_user_files(&title)?;
    let readme = render(
        "README.md",
        &ReadmeMd {
            title: &title,
            dll_name: &p.dll_name,
            oscgen_version: p.version,
            clsid_braced: &config.clsid().braced_upper(),
            prog_id: &config.provider.prog_id,
            log_env: &crate::emit::project::identity::log_env(config),
            log_file: &crate::emit::project::identity::log_file(config),
        },
    )?;
    p.plan.add("README.md", readme, Ownership::User);
    let first = callbacks.first().map_or(CALLBACK, |(n, _)| n.as_str());
    let ribbon = render(
        "src/ribbon.xml",
        &RibbonXml {
            crate_name: p.crate_name,
            tab: config
                .office_addin
                .as_ref()
                .and_then(|a| a.hosts.first())
                .map_or(OfficeHost::Outlook.home_tab(), |h| h.home_tab()),
            title: &title,
            callback: first,
        },
    )?;
    p.plan.add("src/ribbon.xml", ribbon, Ownership::User);
    p.lib_rs(
        &format!("{title}: an Office COM add-in."),
        &["connect"],
        "the connect class",
    )?;
    let tests = render("src/tests.rs", &TestsRs { callbacks: &callbacks })?;
    p.tests_rs(tests, "tests/connect.rs");
    let knowledge = KnowledgeBase::parse(STUBS, "$crate::generated::hresult::E_NOTIMPL")
        .expect("templates/outlook-addin/stubs.toml is valid");
    let object = &objects[0];
    let callback_block = callback_impl(object, &callbacks);
    let render_object = |_: &ObjectSpec, impls: &str| -> Result<String, Error> {
        render(
            "src/connect.rs",
            &ConnectRs {
                impls,
                callbacks: callback_block.text.trim_end(),
            },
        )
    };
    p.objects(&objects, &knowledge, &render_object)?;
    // The callbacks' block is kept complete as the interfaces' blocks are: a callback added
    // to oscgen.toml gets its stub, one removed is reported.
    if let Some(file) = p
        .plan
        .files
        .iter_mut()
        .find(|f| f.path.as_os_str() == object.file.as_str())
    {
        file.stubs.push(callback_block.spec);
    }
    Ok(p.plan)
}

/// The user's `impl RibbonCallbacks for Connect_Impl`, and what keeps it complete.
struct CallbackBlock {
    text: String,
    spec: StubImpl,
}

fn callback_impl(object: &ObjectSpec, callbacks: &[(String, i32)]) -> CallbackBlock {
    let self_type = format!("{}_Impl", object.type_name);
    let methods: Vec<StubMethod> = callbacks
        .iter()
        .map(|(name, _)| {
            let signature = format!("fn {name}(&self, control: &IRibbonControl) -> Result<()>");
            let text = format!(
                "    /// TODO: what `onAction=\"{name}\"` does. Office calls it on its UI thread when the\n    \
                 /// control is clicked; `control` tells which (its Id and Tag, as the ribbon XML sets\n    \
                 /// them). Return quickly: Office waits.\n    \
                 {signature} {{\n        let _ = control;\n        Ok(())\n    }}\n"
            );
            StubMethod {
                name: name.clone(),
                signature,
                text,
            }
        })
        .collect();
    let body: Vec<&str> = methods.iter().map(|m| m.text.as_str()).collect();
    let text = format!("impl {TRAIT} for {self_type} {{\n{}}}\n", body.join("\n"));
    CallbackBlock {
        text,
        spec: StubImpl {
            trait_name: TRAIT.to_string(),
            self_type,
            methods,
        },
    }
}

/// `src/generated/callbacks.rs`: the trait, the name table and the connect class's IDispatch.
fn glue(model: &Model, object: &ObjectSpec, callbacks: &[(String, i32)]) -> String {
    let module = format_ident!("{}", object.file.trim_start_matches("src/").trim_end_matches(".rs"));
    let impl_type = format_ident!("{}_Impl", object.type_name);
    let trait_ident = format_ident!("{}", TRAIT);
    let methods = callbacks.iter().map(|(name, _)| {
        let ident = format_ident!("{}", name);
        let doc = format!(" `onAction=\"{name}\"`: `control` is the control that was clicked.");
        quote! {
            #[doc = #doc]
            fn #ident(&self, control: &IRibbonControl) -> Result<()>;
        }
    });
    let members = callbacks
        .iter()
        .map(|(name, id)| quote!(Member { name: #name, dispid: #id, params: &["control"] }));
    let arms = callbacks.iter().map(|(name, id)| {
        let ident = format_ident!("{}", name);
        quote!(#id => #trait_ident::#ident(self, &control()?),)
    });
    let control = if callbacks.is_empty() {
        quote!(let _ = (w_flags, p_disp_params);)
    } else {
        quote! {
            // SAFETY: Invoke's DISPPARAMS, live for the call.
            let control = || unsafe {
                ribbon::control_argument::<IRibbonControl>(w_flags, p_disp_params as *const core::ffi::c_void)
            };
        }
    };
    // Callbacks take one argument, an object: no argument index to report.
    let ArgErr {
        param: arg_err_param,
        ret: arg_err_ret,
        finish: arg_err_finish,
        ..
    } = ArgErr::of(model, true);
    let arg_err_finish = if arg_err_finish.is_empty() {
        arg_err_finish
    } else {
        quote!(.map(|()| 0))
    };
    let tokens = quote! {
        use windows_core::Result;

        use super::bindings::{
            IDispatch_Impl, IRibbonControl, ITypeInfo, DISPID, DISPPARAMS, EXCEPINFO, LCID, LPOLESTR, REFIID, UINT, VARIANT, WORD,
        };
        use super::dispatch::{self, Member};
        use super::ribbon;
        use crate::#module::#impl_type;

        /// The ribbon's callbacks (oscgen.toml `ribbon.callbacks`): your file implements them.
        /// Named as the ribbon XML names them, which Office matches ignoring case.
        #[allow(non_snake_case)]
        pub trait #trait_ident {
            #(#methods)*
        }

        /// The callbacks by name, as GetIDsOfNames resolves them (ASCII case ignored).
        pub static CALLBACKS: &[Member] = &[#(#members),*];

        impl IDispatch_Impl for #impl_type {
            fn GetTypeInfoCount(&self) -> Result<UINT> {
                // The callbacks are in no type library.
                Ok(0)
            }

            fn GetTypeInfo(&self, _i_t_info: UINT, _lcid: LCID) -> Result<ITypeInfo> {
                Err(dispatch::DISP_E_BADINDEX.into())
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
                unsafe { dispatch::ids_from_table(CALLBACKS, rgsz_names as *const *const u16, c_names, rg_disp_id) }
            }

            fn Invoke(
                &self,
                disp_id_member: DISPID,
                _riid: REFIID,
                _lcid: LCID,
                w_flags: WORD,
                p_disp_params: *mut DISPPARAMS,
                _p_var_result: *mut VARIANT,
                _p_excep_info: *mut EXCEPINFO,
                #arg_err_param
            ) -> Result<#arg_err_ret> {
                #control
                let called: Result<()> = match disp_id_member {
                    #(#arms)*
                    _ => Err(dispatch::DISP_E_MEMBERNOTFOUND.into()),
                };
                called #arg_err_finish
            }
        }
    };
    let header = [
        OWNED_HEADER,
        "",
        &format!(
            "IDispatch of {}: the ribbon callbacks oscgen.toml declares, by name. Office resolves",
            object.type_name
        ),
        "each `onAction` name with GetIDsOfNames and calls it with Invoke; IDTExtensibility2 and",
        "IRibbonExtensibility it calls through their vtables.",
    ];
    let text = format::rust_file(&header, tokens).expect("generated tokens parse");
    format::skip_rustfmt(&text)
}
