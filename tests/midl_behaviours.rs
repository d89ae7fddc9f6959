//! What MIDL accepts and real SDK IDL relies on, each with a small IDL written for it:
//! `importlib` of the OLE Automation type libraries, names in the wrong letter case,
//! `bool`, GUIDs carried through macro arguments, `##` pasting a string literal, and
//! method names redeclared down a base chain.

mod common;

use std::path::{Path, PathBuf};

use oscgen::diagnostic::Diagnostic;
use oscgen::idl::{Input, LoadOptions};
use oscgen::load::{load_model, load_model_with_warnings};
use oscgen::model::types::{Scalar, Type};
use oscgen::model::{ConstValue, Model};
use oscgen::source::SourceMap;

fn write(name: &str, text: &str) -> PathBuf {
    let path = common::scratch_dir("midl").join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn load(path: &Path, include_dirs: &[&str]) -> Result<(Model, Vec<Diagnostic>), String> {
    let mut sources = SourceMap::new();
    let options = LoadOptions {
        include_dirs: include_dirs.iter().map(PathBuf::from).collect(),
        ..LoadOptions::default()
    };
    load_model_with_warnings(&mut sources, &[Input::File(path.to_path_buf())], &options).map_err(|e| {
        match e.diagnostics() {
            Some(d) => d.iter().map(|d| d.render(&sources)).collect(),
            None => e.to_string(),
        }
    })
}

fn model(name: &str, text: &str) -> Model {
    let (model, warnings) = load(&write(name, text), &[]).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    model
}

fn slots(model: &Model, name: &str) -> Vec<String> {
    let vt = model.vtable(name).unwrap_or_else(|| panic!("no interface {name}"));
    vt.slots.iter().map(|s| s.method.name.clone()).collect()
}

fn param_type(model: &Model, iface: &str, method: &str, param: usize) -> Type {
    let i = model.interface(iface).unwrap();
    let m = i.methods.iter().find(|m| m.name == method).unwrap();
    m.params[param].ty.clone()
}

/// An Automation library whose only source of IUnknown, IDispatch and the OLE_* types is
/// `importlib("stdole2.tlb")`, written after the interface that uses them.
const STDOLE2_ONLY: &str = r#"
[uuid(6d5e2f10-0000-4000-8000-0000000000a0), version(1.0)]
library Widgets
{
    [object, uuid(6d5e2f10-0000-4000-8000-0000000000a1), dual, oleautomation]
    interface IWidget : IDispatch
    {
        [propget] HRESULT Color([out, retval] OLE_COLOR *color);
        HRESULT Move([in] OLE_XPOS_PIXELS x, [in] OLE_YPOS_PIXELS y, [in, out] OLE_CANCELBOOL *cancel);
        HRESULT State([out, retval] OLE_TRISTATE *state);
        HRESULT Look([in] IFont *font, [in] IPicture *picture, [in] OLE_HANDLE handle);
        HRESULT Items([out, retval] IEnumVARIANT **items);
        HRESULT Name([in] BSTR name, [in] VARIANT value, [in] GUID *id, [in] EXCEPINFO *info);
    }
    importlib("stdole2.tlb");
}
"#;

#[test]
fn importlib_stdole2_declares_the_automation_types_for_the_whole_library() {
    let m = model("stdole2_only.idl", STDOLE2_ONLY);
    let s = slots(&m, "IWidget");
    assert_eq!(s.len(), 13, "{s:?}");
    assert_eq!(
        &s[..7],
        [
            "QueryInterface",
            "AddRef",
            "Release",
            "GetTypeInfoCount",
            "GetTypeInfo",
            "GetIDsOfNames",
            "Invoke"
        ]
    );
    for name in [
        "OLE_COLOR",
        "OLE_XPOS_PIXELS",
        "OLE_CANCELBOOL",
        "OLE_TRISTATE",
        "OLE_HANDLE",
        "IFont",
        "IPicture",
    ] {
        assert!(m.type_def(name).is_some(), "{name} is not declared");
    }
    // What the type library brings is imported, not the file's own.
    let roots: Vec<&str> = m.root_interfaces().map(|i| i.name.as_str()).collect();
    assert_eq!(roots, ["IWidget"]);
    assert!(m.interface("IFont").is_some() && m.interface("IEnumVARIANT").is_some());
    assert_eq!(m.libraries.len(), 1);
    assert_eq!(m.libraries[0].interfaces, ["IWidget"]);
}

#[test]
fn importlib_after_importing_the_sdk_files_declares_nothing_twice() {
    let text = format!("import \"oaidl.idl\";\nimport \"ocidl.idl\";\n{STDOLE2_ONLY}");
    let m = model("stdole2_after_imports.idl", &text);
    assert_eq!(slots(&m, "IWidget").len(), 13);
    // stdole32.tlb, the older library, brings IUnknown and IDispatch alone.
    let m = model(
        "stdole32.idl",
        r#"[uuid(6d5e2f10-0000-4000-8000-0000000000b0)] library Old {
               importlib("stdole32.tlb");
               [object, uuid(6d5e2f10-0000-4000-8000-0000000000b1)] interface IOld : IDispatch { HRESULT Go(void); }
           }"#,
    );
    assert_eq!(slots(&m, "IOld").len(), 8);
}

#[test]
fn importlib_of_an_unknown_library_brings_nothing() {
    let path = write(
        "unknown_tlb.idl",
        r#"[uuid(6d5e2f10-0000-4000-8000-0000000000c0)] library L {
               importlib("contoso.tlb");
               [object, uuid(6d5e2f10-0000-4000-8000-0000000000c1)] interface IC : IDispatch { HRESULT Go(void); }
           }"#,
    );
    let err = load(&path, &[]).unwrap_err();
    assert!(err.contains("unknown base interface `IDispatch`"), "{err}");
}

#[test]
fn a_name_in_another_letter_case_resolves_with_a_warning() {
    let path = write(
        "case.idl",
        r#"import "unknwn.idl";
[object, uuid(6d5e2f10-0000-4000-8000-0000000000d0)] interface IBar : iunknown { HRESULT Ping(void); }
[object, uuid(6d5e2f10-0000-4000-8000-0000000000d1)] interface IFoo : Ibar { HRESULT Take([in] ibar *bar); }
"#,
    );
    let (m, warnings) = load(&path, &[]).unwrap();
    assert_eq!(m.interface("IBar").unwrap().base.as_deref(), Some("IUnknown"));
    assert_eq!(m.interface("IFoo").unwrap().base.as_deref(), Some("IBar"));
    assert_eq!(
        param_type(&m, "IFoo", "Take", 0),
        Type::Pointer(Box::new(Type::Named("IBar".into())))
    );
    assert_eq!(
        slots(&m, "IFoo"),
        ["QueryInterface", "AddRef", "Release", "Ping", "Take"]
    );
    let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "base interface `iunknown` is declared as `IUnknown`",
            "base interface `Ibar` is declared as `IBar`",
            "type `ibar` is declared as `IBar`"
        ]
    );
    assert!(warnings.iter().all(Diagnostic::is_warning));
    // A name that differs in more than case is still an error.
    let path = write(
        "case_typo.idl",
        "import \"unknwn.idl\";\n[object, uuid(6d5e2f10-0000-4000-8000-0000000000d2)] interface IX : IUnknwn { HRESULT P(void); }\n",
    );
    assert!(
        load(&path, &[])
            .unwrap_err()
            .contains("unknown base interface `IUnknwn`")
    );
}

#[test]
fn bool_is_one_unsigned_byte_unless_declared() {
    let m = model(
        "bool.idl",
        r#"import "unknwn.idl";
[object, uuid(6d5e2f10-0000-4000-8000-0000000000e0)]
interface IFlags : IUnknown { HRESULT Set([in] bool on, [out] bool *was); }
"#,
    );
    assert_eq!(param_type(&m, "IFlags", "Set", 0), Type::Scalar(Scalar::U8));
    assert_eq!(
        param_type(&m, "IFlags", "Set", 1),
        Type::Pointer(Box::new(Type::Scalar(Scalar::U8)))
    );
    assert_eq!(&*m.interface("IFlags").unwrap().methods[0].params[0].written, "bool");
    let m = model(
        "bool_typedef.idl",
        r#"import "unknwn.idl";
typedef long bool;
[object, uuid(6d5e2f10-0000-4000-8000-0000000000e1)]
interface IFlags : IUnknown { HRESULT Set([in] bool on); }
"#,
    );
    assert_eq!(param_type(&m, "IFlags", "Set", 0), Type::Named("bool".into()));
}

#[test]
fn a_guid_passes_through_macro_arguments() {
    let m = model(
        "guid_macro.idl",
        r#"import "unknwn.idl";
#define declare_guid(name, guid) [uuid(guid)] coclass name { interface IUnknown; }
#define declare_iface(name, guid) [object, uuid(guid)] interface name : IUnknown { HRESULT Go(void); }
declare_iface(IExp, 0000001E-874B-457D-9FDF-7397777868EC)
declare_iface(ILead, 1e2d3e37-8e4b-4e7d-9fdf-73977778686c)
[uuid(6d5e2f10-0000-4000-8000-0000000000f0)]
library Classes
{
    declare_guid(CLSID_X, 12D3E372-874B-457D-9FDF-73977778686C);
}
"#,
    );
    let iid = |n: &str| m.interface(n).unwrap().iid.unwrap().to_string();
    assert_eq!(iid("IExp"), "0000001e-874b-457d-9fdf-7397777868ec");
    assert_eq!(iid("ILead"), "1e2d3e37-8e4b-4e7d-9fdf-73977778686c");
    let class = &m.libraries[0].coclasses[0];
    assert_eq!(class.name, "CLSID_X");
    assert_eq!(class.clsid.unwrap().to_string(), "12d3e372-874b-457d-9fdf-73977778686c");
}

#[test]
fn pasting_onto_a_string_makes_a_wide_string_literal() {
    let m = model(
        "paste.idl",
        r#"#define WIDE(x) L ## #x
#define WIDEN(s) L ## s
#define PREFIXED(s) WIDEN(s)
const wchar_t *NAME = WIDE(hello);
const wchar_t *TITLE = WIDEN("there");
const wchar_t *NESTED = PREFIXED("again");
const char *PLAIN = "as is";
"#,
    );
    let value = |n: &str| match &m.constant(n).unwrap_or_else(|| panic!("no {n}")).value {
        ConstValue::Str(s) => s.clone(),
        other => panic!("{n}: {other:?}"),
    };
    assert_eq!(value("NAME"), "hello");
    assert_eq!(value("TITLE"), "there");
    assert_eq!(value("NESTED"), "again");
    assert_eq!(value("PLAIN"), "as is");
}

/// dwrite.idl: IDWriteTextLayout redeclares GetFontCollection (and more) of its base
/// IDWriteTextFormat, as C++ overloads. The model keeps MIDL's names; only the C vtable
/// struct needs the `Interface_` prefix.
#[test]
fn methods_redeclared_down_the_chain_keep_their_names() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/mingw-w64");
    if !corpus.is_dir() {
        common::skip(&format!("{} not found", corpus.display()));
        return;
    }
    let mut sources = SourceMap::new();
    let options = LoadOptions {
        include_dirs: vec![corpus.clone(), PathBuf::from(common::MINGW_INCLUDE)],
        ..LoadOptions::default()
    };
    let m =
        load_model(&mut sources, &[Input::File(corpus.join("dwrite.idl"))], &options).unwrap_or_else(|e| panic!("{e}"));
    let vt = m.vtable("IDWriteTextLayout").unwrap();
    let fonts: Vec<_> = vt
        .slots
        .iter()
        .filter(|s| s.method.name == "GetFontCollection")
        .collect();
    assert_eq!(fonts.len(), 2);
    assert_eq!(fonts[0].declared_in.name, "IDWriteTextFormat");
    assert_eq!(fonts[1].declared_in.name, "IDWriteTextLayout");
    assert!(!fonts[0].redeclares && fonts[1].redeclares);
    assert_eq!(fonts[1].c_name(), "IDWriteTextLayout_GetFontCollection");
    assert!(vt.slots.iter().all(|s| !s.method.name.contains('_') || !s.redeclares));
}

/// A library may declare what its type library import also brings (Wine's olepro32
/// declares IFont beside `importlib("stdole2.tlb")`): its own declaration wins.
#[test]
fn a_declaration_of_the_file_shadows_the_type_library_stand_in() {
    let m = model(
        "shadow.idl",
        r#"[uuid(6d5e2f10-0000-4000-8000-000000000100)]
library OwnFont
{
    importlib("stdole2.tlb");
    [object, uuid(bef6e002-a874-101a-8bba-00aa00300cab)]
    interface IFont : IUnknown { HRESULT OnlyThis(void); }
}
"#,
    );
    assert_eq!(slots(&m, "IFont"), ["QueryInterface", "AddRef", "Release", "OnlyThis"]);
    let roots: Vec<&str> = m.root_interfaces().map(|i| i.name.as_str()).collect();
    assert_eq!(roots, ["IFont"]);
}
