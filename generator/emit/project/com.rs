//! The `com-server` template: an in-process COM server for any set of interfaces.

use askama::Template;

use crate::emit::bindings::types::TypeMapper;
use crate::emit::bindings::{DefaultCall, default_call, ident, rust_method_names};
use crate::emit::project::files::{RuntimeModule, VARIANT_RUNTIME};
use crate::emit::project::plan::{Ownership, Plan};
use crate::emit::project::{Error, Inputs, ObjectSpec, Project, dispatch, identity, invoke, render, typelib};
use crate::emit::registry::{Registration, TypeLibrary};
use crate::emit::stubs::KnowledgeBase;
use crate::model::Model;
use crate::model::vtable::Vtable;
use crate::project::config::{Config, Threading};

#[derive(Template)]
#[template(path = "com-server/src/object.rs", escape = "none")]
struct ObjectRs<'a> {
    impls: &'a str,
    implement_list: &'a str,
    type_name: &'a str,
    /// `provider.threading = "apartment"`: not agile, so COM proxies other apartments' calls.
    apartment: bool,
}

#[derive(Template)]
#[template(path = "com-server/README.md", escape = "none")]
struct ReadmeMd<'a> {
    title: &'a str,
    dll_name: &'a str,
    oscgen_version: &'a str,
    clsid_braced: &'a str,
    prog_id: &'a str,
    /// The call log's environment variable and file (`trace`).
    log_env: &'a str,
    log_file: &'a str,
    implement_list: &'a str,
    inputs: &'a str,
    /// The dual interface whose IDispatch oscgen implements, or empty.
    dispatch: &'a str,
}

pub fn plan(inputs: &Inputs, config: &Config) -> Result<Plan, Error> {
    let model = inputs.model;
    let implement = &config.input.implement;
    let mut p = Project::new(inputs, config)?;
    let title = config
        .provider
        .description
        .clone()
        .unwrap_or_else(|| format!("{} COM server", config.project.name));
    let class = p.class();
    let mut registration = Registration::new(&p.dll_name);
    registration.com_class(
        config.clsid(),
        &config.provider.prog_id,
        &title,
        config.provider.threading,
    );
    let library = if config.embeds_typelib() {
        let library = typelib::plan(model, config, p.crate_name, &mut p.plan)?;
        registration.type_library(&library);
        Some(library)
    } else {
        None
    };
    if let Some(addin) = &config.office_addin {
        registration.office_addins(addin, &config.provider.prog_id, &title);
    }
    let mut objects = p.object_specs();
    // IDispatch is oscgen's when the type library the DLL embeds describes the object's
    // dual interface: oleaut32 can then dispatch every call from it.
    let served = library.as_ref().and_then(|l| dispatch::served(model, &objects[0], l));
    objects[0].dispatch = served.map(|i| i.name.clone());
    let runtime: &[RuntimeModule] = match served {
        Some(_) => &[VARIANT_RUNTIME, dispatch::RUNTIME, invoke::RUNTIME],
        None => &[VARIANT_RUNTIME],
    };
    if served.is_some() {
        p.modules.push(("idispatch", dispatch::GLUE_SUMMARY));
    }
    p.generated_files(
        &registration,
        proc_macro2::TokenStream::new(),
        &[("variant", &["Variant"])],
        runtime,
    )?;
    if let Some(iface) = served {
        let glue = dispatch::glue(model, &p.bound, &objects[0], iface);
        p.plan.add(dispatch::GLUE, glue, Ownership::Generated);
    }
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
            log_env: &identity::log_env(config),
            log_file: &identity::log_file(config),
            implement_list: &implement_list,
            inputs: inputs.description,
            dispatch: served.map_or("", |i| i.name.as_str()),
        },
    )?;
    p.plan.add("README.md", readme, Ownership::User);
    p.lib_rs(
        &format!("{title}: an in-process COM server."),
        &["object"],
        "the COM class",
    )?;
    let mut tests = server_test(model, &p.bound, &class.const_name, &objects[0]);
    if let Some(iface) = served {
        tests.push_str(&dispatch::names_test(model, iface));
    }
    if let Some(library) = &library {
        tests.push_str(&registration_test(library));
    }
    p.tests_rs(tests, "tests/server.rs");
    let knowledge = KnowledgeBase::empty("$crate::generated::hresult::E_NOTIMPL");
    let render_object = |o: &ObjectSpec, impls: &str| -> Result<String, Error> {
        render(
            "src/object.rs",
            &ObjectRs {
                impls,
                implement_list: &implement_list,
                type_name: &o.type_name,
                apartment: config.provider.threading == Threading::Apartment,
            },
        )
    };
    p.objects(&objects, &knowledge, &render_object)?;
    Ok(p.plan)
}

/// `src/tests.rs`: the object through the class factory; every interface it implements
/// (bases included) by QueryInterface; every method through the vtable, answering E_NOTIMPL
/// (its probe code under the feature) while it is a stub. The user's file: written as text
/// laid out the way rustfmt's defaults lay it out, so `cargo fmt` leaves it as it is.
fn server_test(model: &Model, bound: &[String], const_name: &str, object: &ObjectSpec) -> String {
    let mut mapper = TypeMapper::new(model, bound.iter().cloned());
    let interfaces = object.impl_interfaces(model);
    let names: Vec<String> = interfaces.iter().map(|n| ident(n).to_string()).collect();
    let stubbed = object.stub_interfaces(model);
    let mut tests = String::new();
    let mut uses_bstr = false;
    let mut uses_zeroed = false;
    for (name, id) in interfaces.iter().zip(&names) {
        if !stubbed.contains(name) {
            continue;
        }
        let iface = model.interface(name).expect("checked");
        let vt = Vtable::of(model, iface);
        // A dispinterface's members are reached through IDispatch, which has its own test.
        if vt.own_slots().next().is_none() {
            continue;
        }
        tests.push_str(&format!(
            "\n#[test]\nfn {}_methods_answer_through_the_vtable() {{\n",
            name.to_ascii_lowercase()
        ));
        tests.push_str(&format!(
            "    let object: {id} = create().cast().expect(\"QueryInterface\");\n"
        ));
        tests.push_str("    unsafe {\n");
        for (slot, rust_name) in vt.own_slots().zip(rust_method_names(&vt)) {
            let DefaultCall { args, is_result } = default_call(&mut mapper, slot.method);
            uses_bstr |= args.contains(&"&BSTR::new()");
            uses_zeroed |= args.contains(&"zeroed()");
            let binding = if is_result { "result" } else { "_" };
            tests.push_str(&call_statement(binding, &format!("object.{rust_name}"), &args));
            if is_result {
                tests.push_str(&expect_not_implemented(id, &rust_name.to_string()));
            }
        }
        tests.push_str("    }\n}\n");
    }
    let mut uses = vec![
        "use dll::DllGetClassObject;".to_string(),
        use_statement("dll::generated::bindings", &names),
        "use dll::generated::factory::IClassFactory;".to_string(),
        format!("use dll::generated::identity::{const_name};"),
    ];
    if !tests.is_empty() {
        uses.push("use dll::generated::probe::{self, stub_answer};".to_string());
    }
    if uses_bstr {
        uses.push("use dll::generated::oleaut::BSTR;".to_string());
    }
    uses.sort();
    let core_uses = if uses_zeroed {
        "use core::ffi::c_void;\nuse core::mem::zeroed;\n"
    } else {
        "use core::ffi::c_void;\n"
    };
    let identity: String = names
        .iter()
        .map(|id| {
            format!(
                "    let other: {id} = unknown.cast().expect(\"QueryInterface\");\n    let back: IUnknown = other.cast().expect(\"IUnknown\");\n    assert_eq!(back.as_raw(), unknown.as_raw(), \"COM identity\");\n"
            )
        })
        .collect();
    format!(
        "//! Written once by `oscgen new`; this file is yours. It creates the object through the class
//! factory and calls every method through the vtable. While a method is a stub it answers
//! E_NOTIMPL (with `--features oscgen-probe`, its interface and slot's code from
//! `generated::probe`); replace the expectation when you implement it.

// The crate under the name a client of the DLL would give it: the tests call the exports
// and vtables as a COM client does, not the Rust items behind them.
use crate as dll;

{core_uses}
use windows_core::{{HRESULT, IUnknown, Interface}};

{uses}

fn create() -> IUnknown {{
    let mut ppv: *mut c_void = core::ptr::null_mut();
    let hr = unsafe {{ DllGetClassObject(&{const_name}, &IClassFactory::IID, &mut ppv) }};
    assert!(hr.is_ok(), \"DllGetClassObject: {{hr:?}}\");
    let factory = unsafe {{ IClassFactory::from_raw(ppv) }};
    let mut ppv: *mut c_void = core::ptr::null_mut();
    unsafe {{ factory.CreateInstance(None, &IUnknown::IID, &mut ppv) }}.expect(\"CreateInstance\");
    unsafe {{ IUnknown::from_raw(ppv) }}
}}

/// The HRESULT a call failed with, if it failed.
fn code<T>(result: windows_core::Result<T>) -> Option<HRESULT> {{
    result.err().map(|e| e.code())
}}

#[test]
fn every_interface_is_one_object() {{
    let unknown = create();
{identity}}}
{tests}",
        uses = uses.join("\n"),
    )
}

/// A test of DllRegisterServer and DllUnregisterServer against the runtime's in-memory
/// registry (other hosts than Windows): the type library's keys for the DLL's bitness, the
/// universal marshaler for its automation interfaces, and nothing left afterwards.
fn registration_test(library: &TypeLibrary) -> String {
    let libid = library.libid.braced_upper();
    let version = &library.version;
    let mut interfaces = String::new();
    for (iid, _) in &library.interfaces {
        let iid = iid.braced_upper();
        interfaces.push_str(&format!(
            "    let key = r\"Software\\Classes\\Interface\\{iid}\";\n    assert_eq!(value(&format!(r\"{{key}}\\ProxyStubClsid32\"), \"\"), Some(PSOA));\n    assert_eq!(value(&format!(r\"{{key}}\\TypeLib\"), \"Version\"), Some(\"{version}\"));\n"
        ));
    }
    format!(
        "
/// DllRegisterServer writes the type library's keys for this DLL's bitness and the universal
/// marshaler for its automation interfaces; DllUnregisterServer removes them all. Checked in
/// the runtime's in-memory registry, which stands in for Windows' on other hosts.
#[cfg(not(windows))]
#[test]
fn registration_writes_the_type_library_and_removes_it() {{
    use dll::generated::registry;
{psoa}    let dll_path = registry::dll_path().expect(\"dll_path\");
    assert_eq!(dll::DllRegisterServer(), HRESULT(0));
    let snapshot = registry::snapshot();
    let value = |key: &str, name: &str| {{
        let wanted = (key.to_ascii_lowercase(), name.to_ascii_lowercase());
        snapshot
            .iter()
            .find(|(k, _)| *k == wanted)
            .map(|(_, v)| v.as_str())
    }};
    let lib = r\"Software\\Classes\\TypeLib\\{libid}\\{version}\";
    assert_eq!(value(lib, \"\"), Some(\"{name}\"));
    let bits = if cfg!(target_pointer_width = \"64\") {{
        \"win64\"
    }} else {{
        \"win32\"
    }};
    assert_eq!(
        value(&format!(r\"{{lib}}\\0\\{{bits}}\"), \"\"),
        Some(dll_path.as_str())
    );
    assert_eq!(value(&format!(r\"{{lib}}\\FLAGS\"), \"\"), Some(\"0\"));
{interfaces}    assert_eq!(dll::DllUnregisterServer(), HRESULT(0));
    let left = registry::snapshot();
    assert!(
        !left
            .iter()
            .any(|((k, _), _)| k.contains(\"{lower_libid}\")),
        \"{{left:?}}\"
    );
}}
",
        name = library.name,
        lower_libid = libid.to_ascii_lowercase(),
        // Only the automation interfaces' keys name the universal marshaler.
        psoa = if library.interfaces.is_empty() {
            ""
        } else {
            "    const PSOA: &str = \"{00020424-0000-0000-C000-000000000046}\";\n"
        },
    )
}

/// `{A, B}` as rustfmt sorts a use list (`A` alone needs no braces).
/// The 2024 style edition's version sort of names: runs of digits compare as numbers
/// (`IFoo2` before `IFoo10`).
fn version_key(name: &str) -> Vec<(String, u128)> {
    let mut key = Vec::new();
    let mut rest = name;
    while !rest.is_empty() {
        let text_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let (text, tail) = rest.split_at(text_len);
        let digits_len = tail.find(|c: char| !c.is_ascii_digit()).unwrap_or(tail.len());
        let (digits, tail) = tail.split_at(digits_len);
        key.push((text.to_string(), digits.parse().unwrap_or(0)));
        rest = tail;
    }
    key
}

/// `use path::{A, B};`, as rustfmt lays it out: on one line when it fits, else the names
/// fill lines of their own between the braces.
fn use_statement(path: &str, names: &[String]) -> String {
    let mut sorted = names.to_vec();
    sorted.sort_by_key(|name| version_key(name));
    let line = match sorted.as_slice() {
        [one] => format!("use {path}::{one};"),
        _ => format!("use {path}::{{{}}};", sorted.join(", ")),
    };
    if line.len() <= 100 {
        return line;
    }
    let mut out = format!("use {path}::{{\n");
    let mut current = String::new();
    for name in &sorted {
        if !current.is_empty() && 4 + current.len() + 1 + name.len() + 1 > 100 {
            out.push_str(&format!("    {current}\n"));
            current.clear();
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(name);
        current.push(',');
    }
    out.push_str(&format!("    {current}\n}};"));
    out
}

/// `assert_eq!(code(result), Some(stub_answer(probe::IFoo::Method)), "Method");` inside `unsafe { }` in a test
/// function, laid out as rustfmt does (its `fn_call_width`, 60, applies to macro arguments).
fn expect_not_implemented(interface: &str, method: &str) -> String {
    let args = [
        "code(result)".to_string(),
        format!("Some(stub_answer(probe::{interface}::{method}))"),
        format!("\"{method}\""),
    ];
    let listed = args.join(", ");
    if listed.len() <= 60 {
        return format!("        assert_eq!({listed});\n");
    }
    // `Some(..)`'s one argument is itself a call: past 60 columns rustfmt breaks inside
    // both parentheses and puts the path on a line of its own.
    let answer = format!("stub_answer(probe::{interface}::{method})");
    let [code, some, name] = args;
    let some = if answer.len() <= 60 {
        format!("            {some}")
    } else {
        format!("            Some(stub_answer(\n                probe::{interface}::{method}\n            ))")
    };
    format!("        assert_eq!(\n            {code},\n{some},\n            {name}\n        );\n")
}

/// `let binding = callee(args);` inside `unsafe { }` in a test function, laid out as rustfmt
/// does: on one line while the arguments fit its `fn_call_width` (60) and the line fits in
/// 100 columns, else one argument a line.
fn call_statement(binding: &str, callee: &str, args: &[&str]) -> String {
    let listed = args.join(", ");
    let line = format!("        let {binding} = {callee}({listed});\n");
    if listed.len() <= 60 && line.len() <= 101 {
        return line;
    }
    // rustfmt moves a call that then fits on one line below the `=`.
    let below = format!("            {callee}({listed});\n");
    if listed.len() <= 60 && below.len() <= 101 {
        return format!("        let {binding} =\n{below}");
    }
    let mut out = format!("        let {binding} = {callee}(\n");
    for arg in args {
        out.push_str(&format!("            {arg},\n"));
    }
    out.push_str("        );\n");
    out
}

#[cfg(test)]
mod tests {
    use super::{call_statement, expect_not_implemented, use_statement};

    /// A use list past 100 columns fills lines between the braces, as rustfmt 1.8 does.
    #[test]
    fn use_lists_are_laid_out_as_rustfmt_lays_them_out() {
        let names: Vec<String> = ["IDispatch", "IShellDispatch"]
            .into_iter()
            .map(String::from)
            .chain((2..=10).map(|n| format!("IShellDispatch{n}")))
            .collect();
        assert_eq!(
            use_statement("dll::generated::bindings", &names[..2]),
            "use dll::generated::bindings::{IDispatch, IShellDispatch};"
        );
        assert_eq!(
            use_statement("dll::generated::bindings", &names),
            "use dll::generated::bindings::{\n    IDispatch, IShellDispatch, IShellDispatch2, IShellDispatch3, IShellDispatch4, IShellDispatch5,\n    IShellDispatch6, IShellDispatch7, IShellDispatch8, IShellDispatch9, IShellDispatch10,\n};"
        );
    }

    /// The three layouts of a stub call, as rustfmt 1.8 writes them.
    #[test]
    fn calls_are_laid_out_as_rustfmt_lays_them_out() {
        let four = ["&BSTR::new()"; 4];
        assert_eq!(
            call_statement("result", "object.Install", &four),
            "        let result = object.Install(&BSTR::new(), &BSTR::new(), &BSTR::new(), &BSTR::new());\n"
        );
        assert_eq!(
            call_statement("result", "object.InstallComponent", &four),
            "        let result =\n            object.InstallComponent(&BSTR::new(), &BSTR::new(), &BSTR::new(), &BSTR::new());\n"
        );
        let long = "object.InstallComponentXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
        assert_eq!(
            call_statement("result", long, &four),
            format!(
                "        let result = {long}(\n{}        );\n",
                "            &BSTR::new(),\n".repeat(4)
            )
        );
    }

    /// The three layouts, as rustfmt 1.8 (edition 2024, default settings) writes them.
    #[test]
    fn assertions_are_laid_out_as_rustfmt_lays_them_out() {
        assert_eq!(
            expect_not_implemented("IFoo", "Bar"),
            "        assert_eq!(code(result), Some(stub_answer(probe::IFoo::Bar)), \"Bar\");\n"
        );
        assert_eq!(
            expect_not_implemented("IRegistrationInfo", "get_Source"),
            "        assert_eq!(\n            code(result),\n            Some(stub_answer(probe::IRegistrationInfo::get_Source)),\n            \"get_Source\"\n        );\n"
        );
        assert_eq!(
            expect_not_implemented("IRegistrationInfo", "get_SecurityDescriptor"),
            "        assert_eq!(\n            code(result),\n            Some(stub_answer(\n                probe::IRegistrationInfo::get_SecurityDescriptor\n            )),\n            \"get_SecurityDescriptor\"\n        );\n"
        );
    }
}
