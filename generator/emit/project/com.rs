//! The `com-server` template: an in-process COM server for any set of interfaces.

use askama::Template;
use quote::{format_ident, quote};

use crate::emit::bindings::types::TypeMapper;
use crate::emit::bindings::{DefaultCall, default_call, ident, rust_method_names};
use crate::emit::format;
use crate::emit::project::{Class, Error, Inputs, ObjectSpec, Project, camel_case, render};
use crate::emit::registry::Registration;
use crate::emit::stubs::KnowledgeBase;
use crate::model::Model;
use crate::model::vtable::Vtable;
use crate::project::config::Config;
use crate::project::plan::{Ownership, Plan};

/// E_NOTIMPL is oscgen's own constant, not the input's; `not_implemented!` is the probe's.
const HELPERS: &[(&str, &str)] = &[
    ("E_NOTIMPL", "crate::generated::hresult"),
    ("not_implemented", "crate::generated::probe"),
];

#[derive(Template)]
#[template(path = "com-server/src/object.rs", escape = "none")]
struct ObjectRs<'a> {
    imports: &'a str,
    impls: &'a str,
    implement_list: &'a str,
    type_name: &'a str,
}

#[derive(Template)]
#[template(path = "com-server/README.md", escape = "none")]
struct ReadmeMd<'a> {
    title: &'a str,
    dll_name: &'a str,
    oscgen_version: &'a str,
    clsid_braced: &'a str,
    prog_id: &'a str,
    implement_list: &'a str,
    inputs: &'a str,
}

pub fn plan(inputs: &Inputs, config: &Config) -> Result<Plan, Error> {
    let model = inputs.model;
    let implement = &config.input.implement;
    for name in implement {
        if model.interface(name).is_none() {
            return Err(Error::UnknownImplement(name.clone()));
        }
    }
    let mut p = Project::new(inputs, config, implement.clone(), &[])?;
    let title = config
        .provider
        .description
        .clone()
        .unwrap_or_else(|| format!("{} COM server", config.project.name));
    let type_name = camel_case(&config.project.name);
    let const_name = format!("CLSID_{}", config.project.name.replace('-', "_").to_ascii_uppercase());
    let mut registration = Registration::new(&p.dll_name);
    registration.com_class(config.clsid(), &config.provider.prog_id, &title);
    let classes = [Class {
        const_name: const_name.clone(),
        clsid: config.clsid(),
        create_path: format!("crate::object::{type_name}"),
    }];
    p.generated_files(&classes, &registration, proc_macro2::TokenStream::new(), "server.reg")?;
    p.common_user_files(&title)?;
    let implement_list = implement.join(", ");
    let readme = render(
        "README.md",
        &ReadmeMd {
            title: &title,
            dll_name: &p.dll_name,
            oscgen_version: p.version,
            clsid_braced: &config.clsid().braced_upper(),
            prog_id: &config.provider.prog_id,
            implement_list: &implement_list,
            inputs: inputs.description,
        },
    )?;
    p.plan.add("README.md", readme, Ownership::User);
    p.lib_rs(
        &format!("{title}: an in-process COM server."),
        &["object"],
        "the COM class",
    )?;
    let object = ObjectSpec {
        file: "src/object.rs".into(),
        type_name: type_name.clone(),
        implements: implement.clone(),
    };
    let tests = server_test(model, &p.bound, &p.crate_ident, &const_name, &object);
    p.plan.add("tests/server.rs", tests, Ownership::User);
    let knowledge = KnowledgeBase::empty("$crate::generated::hresult::E_NOTIMPL");
    let render_object = |o: &ObjectSpec, imports: &str, impls: &str| -> Result<String, Error> {
        render(
            "src/object.rs",
            &ObjectRs {
                imports,
                impls,
                implement_list: &implement_list,
                type_name: &o.type_name,
            },
        )
    };
    p.objects(&[object], &knowledge, HELPERS, &render_object)?;
    Ok(p.plan)
}

/// `tests/server.rs`: the object through the class factory; every interface it implements
/// (bases included) by QueryInterface; every method through the vtable, answering E_NOTIMPL
/// (its probe code under the feature) while it is a stub.
fn server_test(model: &Model, bound: &[String], crate_ident: &str, const_name: &str, object: &ObjectSpec) -> String {
    let krate = format_ident!("{}", crate_ident);
    let clsid = format_ident!("{}", const_name);
    let mut mapper = TypeMapper::new(model, bound.iter().cloned());
    let interfaces = object.impl_interfaces(model);
    let names: Vec<_> = interfaces.iter().map(|n| ident(n)).collect();
    let first = &names[0];
    let mut needs_bstr = false;
    let mut tests = Vec::new();
    for name in &interfaces {
        let iface = model.interface(name).expect("checked");
        let id = ident(name);
        let test = format_ident!("{}_methods_answer_through_the_vtable", name.to_ascii_lowercase());
        let receiver = quote!(object);
        let vt = Vtable::of(model, iface);
        let calls: Vec<_> = vt
            .own_slots()
            .zip(rust_method_names(&vt))
            .map(|(s, rust_name)| {
                let DefaultCall {
                    call,
                    is_result,
                    uses_bstr,
                } = default_call(&mut mapper, s.method, &rust_name, &receiver);
                needs_bstr |= uses_bstr;
                if is_result {
                    let what = rust_name.to_string();
                    quote!(assert_eq!((#call).err().map(|e| e.code()), Some(stub_answer(probe::#id::#rust_name)), #what);)
                } else {
                    quote!(let _ = #call;)
                }
            })
            .collect();
        tests.push(quote! {
            #[test]
            fn #test() {
                let object: #id = create().cast().expect(concat!("QueryInterface ", stringify!(#id)));
                unsafe {
                    #(#calls)*
                }
            }
        });
    }
    let bstr = needs_bstr.then(|| quote!(use #krate::generated::oleaut::BSTR;));
    let tokens = quote! {
        use core::ffi::c_void;

        use windows_core::{IUnknown, Interface};

        use #krate::DllGetClassObject;
        use #krate::generated::bindings::{#(#names),*};
        use #krate::generated::factory::IClassFactory;
        use #krate::generated::identity::#clsid;
        use #krate::generated::probe::{self, stub_answer};
        #bstr

        fn create() -> IUnknown {
            let mut ppv: *mut c_void = core::ptr::null_mut();
            let hr = unsafe { DllGetClassObject(&#clsid, &IClassFactory::IID, &mut ppv) };
            assert!(hr.is_ok(), "DllGetClassObject: {hr:?}");
            let factory = unsafe { IClassFactory::from_raw(ppv) };
            let mut ppv: *mut c_void = core::ptr::null_mut();
            unsafe { factory.CreateInstance(None, &#first::IID, &mut ppv) }.expect("CreateInstance");
            unsafe { #first::from_raw(ppv) }.cast().expect("IUnknown")
        }

        #[test]
        fn every_interface_is_one_object() {
            let unknown = create();
            #(
                let other: #names = unknown.cast().expect(stringify!(#names));
                let back: IUnknown = other.cast().expect("IUnknown");
                assert_eq!(back.as_raw(), unknown.as_raw(), "COM identity");
            )*
        }

        #(#tests)*
    };
    format::rust_file(
        &[
            "Written once by `oscgen new`; this file is yours. It creates the object through the class",
            "factory and calls every method through the vtable. While a method is a stub it answers",
            "E_NOTIMPL (with `--features oscgen-probe`, its interface and slot's code from",
            "`generated::probe`); replace the expectation when you implement it.",
        ],
        tokens,
    )
    .expect("server test tokens parse")
}
