//! The Win32 metadata windows-bindgen 0.100 uses (Windows.Win32.winmd from the
//! windows-default crate) through oscgen: `inspect` on the file and through the `win32`
//! shortcut, the IDL stand-ins' interfaces against the metadata's, bindings from the part
//! a project reads against those from the whole file, and .NET interop
//! assemblies' conventions (string GUIDs, implied IUnknown/IDispatch base, HRESULT
//! hidden unless PreserveSig).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use oscgen::builtin;
use oscgen::emit::bindings::{Selection, bindings};
use oscgen::idl::{Input, LoadOptions};
use oscgen::model::Model;
use oscgen::model::scope::Scope;
use oscgen::source::SourceMap;
use windows_metadata::writer::{self, AttributeType, HasAttribute, MemberRefParent, TypeDefOrRef};
use windows_metadata::{
    MethodAttributes, MethodCallAttributes, MethodImplAttributes, ParamAttributes, Signature, Type, TypeAttributes,
    Value,
};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oscgen-winmd-win32-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn win32_winmd(dir: &Path) -> PathBuf {
    let path = dir.join("Windows.Win32.winmd");
    fs::write(&path, windows_default::WIN32).unwrap();
    path
}

fn oscgen(args: &[&str], env: &[(&str, Option<&Path>)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oscgen"));
    cmd.args(args);
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.output().unwrap()
}

fn load(inputs: &[Input]) -> Model {
    oscgen::load::load_model(&mut SourceMap::new(), inputs, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

const IDROPTARGET: [&str; 7] = [
    "QueryInterface",
    "AddRef",
    "Release",
    "DragEnter",
    "DragOver",
    "DragLeave",
    "Drop",
];

fn assert_idroptarget_json(out: &Output) {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let iface = &doc["interfaces"][0];
    assert_eq!(iface["name"], "IDropTarget");
    assert_eq!(iface["iid"], "00000122-0000-0000-c000-000000000046");
    assert_eq!(iface["base"], "IUnknown");
    let slots = iface["slots"].as_array().unwrap();
    let names: Vec<&str> = slots.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, IDROPTARGET);
    let drag_enter = &slots[3]["params"];
    let params: Vec<(&str, &str, &str)> = drag_enter
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["type"].as_str().unwrap(),
                p["dir"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        params,
        [
            ("pDataObj", "IDataObject*", "in"),
            ("grfKeyState", "unsigned long", "in"),
            ("pt", "POINTL", "in"),
            ("pdwEffect", "unsigned long*", "in,out"),
        ]
    );
}

#[test]
fn inspect_reads_idroptarget_from_the_win32_metadata() {
    let dir = scratch("inspect");
    let file = win32_winmd(&dir);
    let out = oscgen(
        &[
            "inspect",
            "--json",
            "--interface",
            "IDropTarget",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_idroptarget_json(&out);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn the_win32_shortcut_finds_the_metadata() {
    let dir = scratch("shortcut");
    let file = win32_winmd(&dir);
    let args = ["inspect", "--json", "--interface", "IDropTarget", "win32"];
    assert_idroptarget_json(&oscgen(&args, &[("OSCGEN_WIN32_WINMD", Some(&file))]));
    // Without the variable: the copy windows-default (a dev-dependency) unpacked in the
    // Cargo registry.
    assert_idroptarget_json(&oscgen(&args, &[("OSCGEN_WIN32_WINMD", None)]));
    // Neither: a message that says how to get it, exit code 2.
    let empty = dir.join("empty-home");
    fs::create_dir_all(&empty).unwrap();
    let out = oscgen(
        &args,
        &[
            ("OSCGEN_WIN32_WINMD", None),
            ("CARGO_HOME", Some(&empty)),
            ("HOME", Some(&empty)),
        ],
    );
    if !cfg!(feature = "win32") {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("OSCGEN_WIN32_WINMD") && stderr.contains("--features win32"),
            "{stderr}"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

/// A com-server project reads the metadata only as far as its interfaces reach
/// (`Scope::Closure`); its bindings must be what the whole file gives, for the server
/// kinds' interface sets and a spread of others.
#[test]
fn bindings_from_a_closure_are_those_from_the_whole_metadata() {
    let dir = scratch("closure");
    let input = [Input::File(win32_winmd(&dir))];
    let whole = load(&input);
    let mut all: Vec<String> = whole
        .root_interfaces()
        .filter(|i| i.name != "IUnknown" && i.iid.is_some())
        .map(|i| i.name.clone())
        .collect();
    all.sort();
    let mut groups: Vec<Vec<String>> = [
        &["IContextMenu", "IShellExtInit"][..],
        &[
            "IPreviewHandler",
            "IInitializeWithFile",
            "IObjectWithSite",
            "IOleWindow",
        ],
        &["ITfTextInputProcessor"],
        &["ICredentialProvider", "ICredentialProviderCredential"],
    ]
    .iter()
    .map(|g| g.iter().map(|n| n.to_string()).collect())
    .collect();
    groups.extend(all.iter().step_by(400).map(|n| vec![n.clone()]));
    for group in groups {
        let scope = Scope::Closure {
            interfaces: group.clone(),
            constants: Vec::new(),
        };
        let (part, _) = oscgen::load::load_model_within(&mut SourceMap::new(), &input, &LoadOptions::default(), &scope)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(part.interfaces().len() < whole.interfaces().len() / 10, "{group:?}");
        let selection = Selection {
            interfaces: group.clone(),
            constants: Vec::new(),
            root_constants: true,
            ..Selection::default()
        };
        let text = |model: &Model| bindings(model, &selection, &[]).map_err(|e| e.to_string());
        assert!(text(&part) == text(&whole), "{group:?}: the bindings differ");
    }
    let _ = fs::remove_dir_all(&dir);
}

/// The reader renames the Win32 metadata's `Apis` class before windows-metadata indexes
/// the file (winmd/apis.rs) and reads its constants from the class's rows: the model has
/// every constant of the class a plain index of the file finds, in order.
#[test]
fn every_win32_constant_reaches_the_model() {
    use windows_metadata::AsRow;
    use windows_metadata::reader::{File, Index};
    let dir = scratch("constants");
    let model = load(&[Input::File(win32_winmd(&dir))]);
    let index = Index::new(vec![File::new(windows_default::WIN32.to_vec()).unwrap()]);
    let mut apis: Vec<_> = index.namespaces().flat_map(|ns| index.get(ns, "Apis")).collect();
    apis.sort_by_key(|t| (t.to_row().file, t.pos()));
    let expected: Vec<&str> = apis
        .iter()
        .flat_map(|t| t.fields())
        .filter(|f| f.constant().is_some())
        .map(|f| f.name())
        .collect();
    // The metadata's come first; oscgen's SDK stand-ins, linked in for the names the
    // metadata does not declare, bring a few of their own after them.
    let got: Vec<&str> = model
        .constants
        .iter()
        .take(expected.len())
        .map(|c| c.name.as_str())
        .collect();
    assert!(expected.len() > 70_000, "{} constants", expected.len());
    assert!(got == expected, "the model's constants are not the file's");
    let _ = fs::remove_dir_all(&dir);
}

/// Only what windows-metadata would expand as an `Apis` class is renamed before it
/// indexes a file (winmd/apis.rs): a struct of that name keeps it, and the class's
/// constants still reach the model.
#[test]
fn only_apis_classes_are_renamed() {
    use oscgen::winmd::{apis, container};
    use windows_metadata::FieldAttributes;
    use windows_metadata::reader::{File, Index};
    let mut f = writer::File::new("Test.Apis");
    let object = f.TypeRef("System", "Object");
    let value_type = f.TypeRef("System", "ValueType");
    let class = TypeAttributes::Public | TypeAttributes::Abstract | TypeAttributes::Sealed;
    f.TypeDef("Test.Consts", "Apis", TypeDefOrRef::TypeRef(object), class);
    let literal = FieldAttributes::Public | FieldAttributes::Static | FieldAttributes::Literal;
    let answer = f.Field("ANSWER", &Type::I32, literal);
    f.Constant(writer::HasConstant::Field(answer), &Value::I32(42));
    let structure = TypeAttributes::Public | TypeAttributes::SequentialLayout;
    f.TypeDef("Test.Types", "Apis", TypeDefOrRef::TypeRef(value_type), structure);
    f.Field("Value", &Type::I32, FieldAttributes::Public);
    let bytes = f.into_stream();

    let layout = container::check(&bytes).unwrap();
    let mut renamed = bytes.clone();
    assert_eq!(apis::hide(&mut renamed, &layout).len(), 1);
    let index = Index::new(vec![File::new(renamed).unwrap()]);
    assert!(index.get("Test.Consts", "Apis").next().is_none());
    assert!(index.get("Test.Types", "Apis").next().is_some());

    let dir = scratch("apis");
    let file = dir.join("Test.Apis.winmd");
    fs::write(&file, &bytes).unwrap();
    let model = load(&[Input::File(file)]);
    let constant = model.constant("ANSWER").expect("the class's constant");
    assert_eq!(constant.value, oscgen::model::ConstValue::Int(42));
    let _ = fs::remove_dir_all(&dir);
}

/// For every interface oscgen's IDL stand-ins declare that the Win32 metadata also has:
/// the same base, the same methods in the same order, the same parameter counts.
#[test]
fn the_idl_stand_ins_match_the_win32_metadata() {
    let dir = scratch("stand-ins");
    let win32 = load(&[Input::File(win32_winmd(&dir))]);
    let inputs: Vec<Input> = builtin::STANDARD
        .iter()
        .map(|f| Input::Builtin(f.name.into()))
        .collect();
    let idl = oscgen::load::load_model(&mut SourceMap::new(), &inputs, &LoadOptions::default()).unwrap();
    let mut compared = Vec::new();
    let mut failures = Vec::new();
    for iface in idl.interfaces() {
        let Some(other) = win32.interface(&iface.name) else {
            continue;
        };
        let shape = |m: &Model, name: &str| {
            let vt = m.vtable(name).unwrap();
            vt.own_slots()
                .map(|s| (s.method.name.clone(), s.method.params.len()))
                .collect::<Vec<_>>()
        };
        let (a, b) = (shape(&idl, &iface.name), shape(&win32, &iface.name));
        if a != b || iface.base != other.base || iface.iid != other.iid {
            failures.push(format!(
                "{}:\n  IDL   {:?} {a:?}\n  WinMD {:?} {b:?}",
                iface.name, iface.base, other.base
            ));
        }
        compared.push(iface.name.clone());
    }
    println!(
        "compared {} stand-in interfaces with the Win32 metadata: {compared:?}",
        compared.len()
    );
    for required in [
        "IUnknown",
        "IClassFactory",
        "ISequentialStream",
        "IStream",
        "IDropTarget",
        "IPersistFile",
        "IDispatch",
    ] {
        assert!(compared.iter().any(|c| c == required), "{required} not compared");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let _ = fs::remove_dir_all(&dir);
}

fn attribute(f: &mut writer::File, target: HasAttribute, ns: &str, name: &str, args: Vec<(Type, Value)>) {
    let tr = f.TypeRef(ns, name);
    let sig = Signature {
        flags: MethodCallAttributes::HASTHIS,
        return_type: Type::Void,
        types: args.iter().map(|a| a.0.clone()).collect(),
    };
    let ctor = f.MemberRef(".ctor", &sig, MemberRefParent::TypeRef(tr));
    let values: Vec<(String, Value)> = args.into_iter().map(|a| (String::new(), a.1)).collect();
    f.Attribute(target, AttributeType::MemberRef(ctor), &values);
}

/// What tlbimp writes for `interface IThing : IUnknown` and a dual `IAuto`: [ComImport]
/// interfaces, string GuidAttribute, InterfaceTypeAttribute, and signatures with the
/// HRESULT hidden unless PreserveSig.
fn interop_assembly() -> Vec<u8> {
    let mut f = writer::File::new("Interop.Thing");
    let flags = TypeAttributes::Public | TypeAttributes::Interface | TypeAttributes::Abstract | TypeAttributes::Import;
    let method = MethodAttributes::Public
        | MethodAttributes::Virtual
        | MethodAttributes::HideBySig
        | MethodAttributes::NewSlot
        | MethodAttributes::Abstract;
    let interop = "System.Runtime.InteropServices";
    let thing = f.TypeDef("Interop.Thing", "IThing", TypeDefOrRef::default(), flags);
    attribute(
        &mut f,
        HasAttribute::TypeDef(thing),
        interop,
        "GuidAttribute",
        vec![(Type::String, Value::Utf8("5B2F1D0E-2C4A-4C1E-9A11-223344556601".into()))],
    );
    attribute(
        &mut f,
        HasAttribute::TypeDef(thing),
        interop,
        "InterfaceTypeAttribute",
        vec![(Type::I16, Value::I16(1))],
    );
    let sig = |ret: Type, types: Vec<Type>| Signature {
        flags: MethodCallAttributes::HASTHIS,
        return_type: ret,
        types,
    };
    // string GetName(int index)  ==  HRESULT GetName([in] long index, [out, retval] BSTR*)
    f.MethodDef(
        "GetName",
        &sig(Type::String, vec![Type::I32]),
        method,
        Default::default(),
    );
    f.Param("index", 1, ParamAttributes::In);
    // [PreserveSig] int Ping(ref int value)
    f.MethodDef(
        "Ping",
        &sig(Type::I32, vec![Type::RefMut(Box::new(Type::I32))]),
        method,
        MethodImplAttributes::PreserveSig,
    );
    f.Param("value", 1, ParamAttributes::In | ParamAttributes::Out);
    // void SetNames(string[] names)  ==  HRESULT SetNames([in] SAFEARRAY(BSTR) names)
    f.MethodDef(
        "SetNames",
        &sig(Type::Void, vec![Type::Array(Box::new(Type::String))]),
        method,
        Default::default(),
    );
    f.Param("names", 1, ParamAttributes::In);
    let auto = f.TypeDef("Interop.Thing", "IAuto", TypeDefOrRef::default(), flags);
    attribute(
        &mut f,
        HasAttribute::TypeDef(auto),
        interop,
        "GuidAttribute",
        vec![(Type::String, Value::Utf8("5b2f1d0e-2c4a-4c1e-9a11-223344556602".into()))],
    );
    f.MethodDef("Run", &sig(Type::Void, vec![]), method, Default::default());
    f.into_stream()
}

#[test]
fn dotnet_interop_assemblies_read_with_their_conventions() {
    let dir = scratch("interop");
    let file = dir.join("Interop.Thing.dll");
    fs::write(&file, interop_assembly()).unwrap();
    let model = load(&[Input::File(file)]);
    let thing = model.interface("IThing").unwrap();
    assert_eq!(
        thing.iid.map(|g| g.to_string()).as_deref(),
        Some("5b2f1d0e-2c4a-4c1e-9a11-223344556601")
    );
    assert_eq!(thing.base.as_deref(), Some("IUnknown"));
    let signatures: Vec<String> = thing.methods.iter().map(oscgen::emit::inspect::signature).collect();
    assert_eq!(
        signatures,
        [
            "HRESULT GetName([in] long index, [out, retval] BSTR* retval)",
            "long Ping([in,out] long* value)",
            "HRESULT SetNames([in] SAFEARRAY(BSTR) names)",
        ]
    );
    let auto = model.vtable("IAuto").unwrap();
    assert_eq!(model.interface("IAuto").unwrap().base.as_deref(), Some("IDispatch"));
    assert_eq!(auto.slots.len(), 8, "IUnknown's 3, IDispatch's 4, Run");
    let _ = fs::remove_dir_all(&dir);
}

/// A context-menu handler's bindings hold the closure of IContextMenu and IShellExtInit
/// (IDataObject, the storage and moniker interfaces it reaches, ...) in the low thousands of
/// lines: only the implemented interfaces, and the callbacks oscgen.toml names, get the
/// server side (`_Impl` trait and `_Vtbl::new`); what they reach is bound for calling.
#[test]
fn reached_interfaces_are_bound_for_calling_and_callbacks_for_implementing() {
    let dir = scratch("closure-size");
    let file = win32_winmd(&dir);
    let project = dir.join("ctx");
    let out = oscgen(
        &[
            "new",
            project.to_str().unwrap(),
            "--quiet",
            "--template",
            "com-server",
            "--input",
            file.to_str().unwrap(),
            "--implement",
            "IContextMenu,IShellExtInit",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bindings = project.join("src/generated/bindings.rs");
    let text = fs::read_to_string(&bindings).unwrap();
    let lines = text.lines().count();
    assert!(lines < 3_000, "bindings.rs has {lines} lines");
    for reached in ["IDataObject", "IStorage", "IMoniker", "IEnumFORMATETC"] {
        assert!(
            text.contains(&format!("define_interface!(\n    {reached}, ")),
            "{reached} is bound"
        );
        assert!(
            !text.contains(&format!("pub trait {reached}_Impl")),
            "{reached} is only called"
        );
    }
    for implemented in ["IContextMenu", "IShellExtInit"] {
        assert!(text.contains(&format!("pub trait {implemented}_Impl")));
    }

    // A callback: the server's own IEnumFORMATETC, with IUnknown's methods from its base.
    let toml = project.join("oscgen.toml");
    let config = fs::read_to_string(&toml).unwrap();
    let config = config.replace("implement = [", "callbacks = [\"IEnumFORMATETC\"]\nimplement = [");
    fs::write(&toml, config).unwrap();
    let out = oscgen(&["generate", "--quiet", project.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = fs::read_to_string(&bindings).unwrap();
    assert!(text.contains("pub trait IEnumFORMATETC_Impl: windows_core::IUnknownImpl"));
    assert!(!text.contains("pub trait IDataObject_Impl"));

    let wrong = fs::read_to_string(&toml)
        .unwrap()
        .replace("IEnumFORMATETC", "IEnumFORMATETX");
    fs::write(&toml, wrong).unwrap();
    let out = oscgen(&["generate", "--quiet", project.to_str().unwrap()], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("`IEnumFORMATETX`") && stderr.contains("input.callbacks"),
        "{stderr}"
    );
    let _ = fs::remove_dir_all(&dir);
}
