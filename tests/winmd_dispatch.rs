//! IDispatch in .NET interop assemblies: a dual interface's DISPIDs and parameter
//! attributes, the `[lcid]` parameter tlbimp takes out of the managed signature, and a
//! dispinterface's vtable (IDispatch's alone).
//!
//! tests/fixtures/interop/DispatchInterop.cs, compiled with Mono's C# compiler, declares
//! them as tlbimp writes them; [`IDL`] declares the same in IDL, and the two models must
//! agree slot by slot; widl's header for that IDL must list the same slots. The
//! hand-built assemblies cover what a C# compiler does not write.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use oscgen::idl::{Input, LoadOptions};
use oscgen::model::Model;
use oscgen::model::interface::{Method, MethodKind};
use oscgen::model::param::ParamAttr;
use oscgen::source::SourceMap;
use serde_json::Value as Json;
use windows_metadata::writer::{self, AttributeType, HasAttribute, MemberRefParent, TypeDefOrRef};
use windows_metadata::{
    MethodAttributes, MethodCallAttributes, MethodImplAttributes, ParamAttributes, Signature, Type, TypeAttributes,
    TypeName, Value,
};

/// What DispatchInterop.cs declares, as the type library tlbimp would read it from.
const IDL: &str = r#"
import "oaidl.idl";

[object, uuid(6B3F1C2A-8D44-4E51-9A7C-1F2E3D4C5B60), dual, oleautomation]
interface IAccount : IDispatch
{
    [id(1), propget] HRESULT Name([out, retval] BSTR* retval);
    [id(1), propput] HRESULT Name([in] BSTR value);
    [id(2)] HRESULT Withdraw([in] long amount, [in, optional, defaultvalue(5)] long fee,
                             [in, optional] VARIANT memo, [out, retval] long* retval);
    [id(3)] HRESULT Describe([in] long detail, [in, lcid] long lcid, [out, retval] BSTR* retval);
    [id(-4)] HRESULT Reset();
    [id(5), propget] HRESULT Balance([out, retval] long* retval);
}

[uuid(6B3F1C2A-8D44-4E51-9A7C-1F2E3D4C5B61)]
dispinterface DAccountEvents
{
properties:
methods:
    [id(1)] void Changed([in] BSTR name);
    [id(2)] void Closed();
    [id(3), propget] BSTR Status();
    [id(3), propput] void Status([in] BSTR value);
};
"#;

fn load(path: &Path) -> Model {
    let inputs = [Input::File(path.to_path_buf())];
    oscgen::load::load_model(&mut SourceMap::new(), &inputs, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// A method as the ABI and `IDispatch::Invoke` see it: everything but spans and the
/// IDL's spelling of types.
fn entry(m: &Method) -> String {
    let params: Vec<String> = m
        .params
        .iter()
        .map(|p| {
            let attrs: Vec<String> = p.attrs.iter().map(ToString::to_string).collect();
            format!(
                "[{}{}{}] {} {}",
                p.dir.as_str(),
                if p.retval { ", retval" } else { "" },
                attrs.iter().map(|a| format!(", {a}")).collect::<String>(),
                p.ty,
                p.name
            )
        })
        .collect();
    format!(
        "{:?} {} {}({}) dispid {:?}",
        m.kind,
        m.ret,
        m.name,
        params.join(", "),
        m.dispid
    )
}

/// Every vtable slot of `name`, as `declaring::entry`.
fn slots(model: &Model, name: &str) -> Vec<String> {
    model
        .vtable(name)
        .unwrap_or_else(|| panic!("{name}: no vtable"))
        .slots
        .iter()
        .map(|s| format!("{}::{}", s.declared_in.name, entry(s.method)))
        .collect()
}

fn compile(dir: &Path) -> Option<PathBuf> {
    let mcs = Command::new("mcs").arg("--version").output();
    if !mcs.is_ok_and(|o| o.status.success()) {
        common::skip("mcs not found (apt-get install mono-mcs); DispatchInterop.cs is not compared");
        return None;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dll = dir.join("DispatchInterop.dll");
    let out = Command::new("mcs")
        .arg("-target:library")
        .arg(format!("-out:{}", dll.display()))
        .arg(root.join("tests/fixtures/interop/DispatchInterop.cs"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mcs failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(dll)
}

#[test]
fn the_interop_assembly_reads_as_the_idl() {
    let dir = common::scratch_dir("interop-dispatch");
    let Some(dll) = compile(&dir) else { return };
    let idl_path = dir.join("account.idl");
    fs::write(&idl_path, IDL).unwrap();
    let (from_dll, from_idl) = (load(&dll), load(&idl_path));

    // The dual interface: IDispatch's seven slots, then its own, with their DISPIDs, the
    // [optional]/[defaultvalue] parameters and the [lcid] one at position 1.
    let dual = slots(&from_dll, "IAccount");
    assert_eq!(dual.len(), 7 + 6, "{dual:#?}");
    assert_eq!(dual[..7], slots(&from_idl, "IDispatch")[..]);
    let own: Vec<&str> = dual[7..].iter().map(String::as_str).collect();
    assert_eq!(
        own,
        [
            "IAccount::PropGet HRESULT get_Name([out, retval] BSTR* retval) dispid Some(1)",
            "IAccount::PropPut HRESULT put_Name([in] BSTR value) dispid Some(1)",
            "IAccount::Plain HRESULT Withdraw([in] long amount, [in, optional, defaultvalue(5)] long fee, \
             [in, optional] VARIANT memo, [out, retval] long* retval) dispid Some(2)",
            "IAccount::Plain HRESULT Describe([in] long detail, [in, lcid] long lcid, [out, retval] BSTR* retval) \
             dispid Some(3)",
            "IAccount::Plain HRESULT Reset() dispid Some(-4)",
            // [DispId] on the property alone.
            "IAccount::PropGet HRESULT get_Balance([out, retval] long* retval) dispid Some(5)",
        ]
    );
    // Slot by slot, DISPID by DISPID, attribute by attribute, the IDL's model.
    assert_eq!(dual, slots(&from_idl, "IAccount"));
    let (a, b) = (
        from_dll.interface("IAccount").unwrap(),
        from_idl.interface("IAccount").unwrap(),
    );
    assert_eq!((&a.iid, &a.base, &a.dispatch), (&b.iid, &b.base, &b.dispatch));
    assert!(a.dispatch.as_ref().is_some_and(|d| d.dual));
    assert!(a.oleautomation);
    let describe = &a.methods.iter().find(|m| m.name == "Describe").unwrap().params;
    assert_eq!(describe.iter().position(|p| p.attrs == [ParamAttr::Lcid]), Some(1));

    // The dispinterface: IDispatch's vtable exactly; its members by DISPID, as declared.
    let events = slots(&from_dll, "DAccountEvents");
    assert_eq!(events, slots(&from_idl, "IDispatch"));
    assert_eq!(events, slots(&from_idl, "DAccountEvents"));
    let (a, b) = (
        from_dll.interface("DAccountEvents").unwrap(),
        from_idl.interface("DAccountEvents").unwrap(),
    );
    assert!(a.methods.is_empty());
    assert_eq!((&a.iid, &a.base, a.oleautomation), (&b.iid, &b.base, b.oleautomation));
    let (da, db) = (a.dispatch.as_ref().unwrap(), b.dispatch.as_ref().unwrap());
    assert!(!da.dual);
    assert_eq!((da.interface.as_ref(), da.properties.len()), (None, 0));
    let members = |d: &oscgen::model::interface::Dispatch| d.methods.iter().map(entry).collect::<Vec<_>>();
    assert_eq!(
        members(da),
        [
            "Plain void Changed([in] BSTR name) dispid Some(1)",
            "Plain void Closed() dispid Some(2)",
            "PropGet BSTR get_Status() dispid Some(3)",
            "PropPut void put_Status([in] BSTR value) dispid Some(3)",
        ]
    );
    assert_eq!(members(da), members(db));
    let _ = fs::remove_dir_all(&dir);
}

/// widl, from the same IDL against mingw-w64's oaidl.idl, lays out the vtables the
/// assembly gives: IAccount's slots by name and parameter count (the [lcid] one among
/// them), and DAccountEvents as IDispatch's seven.
#[test]
fn widl_lays_out_the_vtables_the_assembly_gives() {
    let Some(widl) = common::widl_or_skip() else { return };
    let Some(corpus) = common::Corpus::open() else { return };
    let dir = common::scratch_dir("interop-dispatch-widl");
    let Some(dll) = compile(&dir) else { return };
    let (idl, header) = (dir.join("account.idl"), dir.join("account.h"));
    fs::write(&idl, IDL).unwrap();
    let out = Command::new(&widl)
        .arg("-I")
        .arg(corpus.root.join("mingw-w64"))
        .arg("-I")
        .arg(common::MINGW_INCLUDE)
        .arg("-h")
        .arg("-o")
        .arg(&header)
        .arg(&idl)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", widl.display()));
    assert!(out.status.success(), "widl: {}", String::from_utf8_lossy(&out.stderr));
    let text = fs::read_to_string(&header).unwrap();
    let vtbls = common::parse_header(&text);
    let model = load(&dll);
    for name in ["IAccount", "DAccountEvents"] {
        let widl: Vec<(String, usize)> = vtbls
            .iter()
            .find(|v| v.interface == name)
            .unwrap_or_else(|| panic!("widl wrote no {name}Vtbl"))
            .methods
            .iter()
            .map(|m| (m.name.clone(), m.params))
            .collect();
        let ours: Vec<(String, usize)> = model
            .vtable(name)
            .unwrap()
            .slots
            .iter()
            .map(|s| (s.c_name().into_owned(), s.method.params.len()))
            .collect();
        assert_eq!(ours, widl, "{name}");
    }
    let describe = text.find("*Describe)(").expect("Describe in widl's header");
    let params: String = text[describe..].split(';').next().unwrap().split_whitespace().collect();
    assert!(params.contains("LONGdetail,LONGlcid,BSTR*retval)"), "{params}");
    let _ = fs::remove_dir_all(&dir);
}

/// The type-library writer, a back end that writes DISPIDs, dual flags, dispinterfaces
/// and parameter flags, writes the same bytes from the assembly as from the IDL.
#[test]
fn the_type_library_from_the_assembly_is_the_idl_s() {
    let dir = common::scratch_dir("interop-dispatch-tlb");
    let Some(dll) = compile(&dir) else { return };
    let idl = dir.join("account.idl");
    fs::write(&idl, IDL).unwrap();
    let tlb = |input: &Path, output: &str| -> Vec<u8> {
        let path = dir.join(output);
        let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
            .args([
                "tlb",
                "--name",
                "AccountLib",
                "--libid",
                "6B3F1C2A-8D44-4E51-9A7C-1F2E3D4C5B6F",
            ])
            .arg(input)
            .arg("-o")
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        fs::read(&path).unwrap()
    };
    let (from_dll, from_idl) = (tlb(&dll, "dll.tlb"), tlb(&idl, "idl.tlb"));
    assert!(from_dll == from_idl, "the type libraries differ");
    let _ = fs::remove_dir_all(&dir);
}

/// oscgen's WinMD writer writes the Win32 metadata's shape, which has no DISPIDs (see
/// `interface` in generator/winmd/writer.rs): the vtables come back whole, slot by slot.
#[test]
fn the_winmd_writer_keeps_the_vtables() {
    let dir = common::scratch_dir("interop-dispatch-winmd");
    let Some(dll) = compile(&dir) else { return };
    let written = dir.join("Account.winmd");
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("winmd")
        .arg(&dll)
        .arg("-o")
        .arg(&written)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (before, after) = (load(&dll), load(&written));
    let abi = |model: &Model, name: &str| -> Vec<String> {
        let vtable = model.vtable(name).unwrap();
        vtable
            .slots
            .iter()
            .map(|s| {
                let params: Vec<String> = s
                    .method
                    .params
                    .iter()
                    .map(|p| format!("{} {}", p.dir.as_str(), p.ty))
                    .collect();
                format!("{} {}({})", s.method.ret, s.c_name(), params.join(", "))
            })
            .collect()
    };
    for name in ["IAccount", "DAccountEvents"] {
        assert_eq!(abi(&before, name), abi(&after, name), "{name}");
    }
    assert_eq!(abi(&after, "DAccountEvents").len(), 7);
    let _ = fs::remove_dir_all(&dir);
}

fn inspect_json(input: &Path) -> Json {
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .args(["inspect", "--json"])
        .arg(input)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn find<'j>(doc: &'j Json, name: &str) -> &'j Json {
    doc["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("{name} missing"))
}

/// `oscgen inspect` shows what the assembly says about IDispatch: DISPIDs, parameter
/// attributes, the dispinterface's members, in text and JSON.
#[test]
fn inspect_shows_dispids_and_parameter_attributes() {
    let dir = common::scratch_dir("interop-dispatch-inspect");
    let Some(dll) = compile(&dir) else { return };
    let doc = inspect_json(&dll);
    let account = find(&doc, "IAccount");
    assert_eq!(account["dispatch"]["dual"], true);
    let slots = account["slots"].as_array().unwrap();
    let withdraw = &slots[9];
    assert_eq!(
        (&withdraw["name"], &withdraw["dispid"]),
        (&"Withdraw".into(), &2.into())
    );
    assert_eq!(
        withdraw["params"][1]["attributes"],
        serde_json::json!(["optional", "defaultvalue(5)"])
    );
    assert_eq!(withdraw["params"][2]["attributes"], serde_json::json!(["optional"]));
    let describe = &slots[10];
    assert_eq!(describe["params"][1]["name"], "lcid");
    assert_eq!(describe["params"][1]["attributes"], serde_json::json!(["lcid"]));
    let events = find(&doc, "DAccountEvents");
    assert_eq!(events["slots"].as_array().unwrap().len(), 7);
    assert_eq!(events["dispatch"]["dual"], false);
    let members: Vec<(String, i64)> = events["dispatch"]["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["name"].as_str().unwrap().to_string(), m["dispid"].as_i64().unwrap()))
        .collect();
    let expected = [("Changed", 1), ("Closed", 2), ("get_Status", 3), ("put_Status", 3)];
    assert_eq!(members, expected.map(|(n, d)| (n.to_string(), d)));

    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("inspect")
        .arg(&dll)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  dispatch (dual)\n"), "{text}");
    assert!(text.contains("  dispatch (dispinterface)\n"), "{text}");
    assert!(
        text.contains("[in, optional, defaultvalue(5)] long fee, [in, optional] VARIANT memo"),
        "{text}"
    );
    assert!(text.contains("[in] long detail, [in, lcid] long lcid,"), "{text}");
    let _ = fs::remove_dir_all(&dir);
}

const INTEROP: &str = "System.Runtime.InteropServices";

/// Assemblies built row by row, for what a C# compiler does not write.
struct Assembly {
    file: writer::File,
}

impl Assembly {
    fn new() -> Assembly {
        Assembly {
            file: writer::File::new("Interop.Built"),
        }
    }

    fn attribute(&mut self, target: HasAttribute, name: &str, args: Vec<(Type, Value)>) {
        let tr = self.file.TypeRef(INTEROP, name);
        let sig = Signature {
            flags: MethodCallAttributes::HASTHIS,
            return_type: Type::Void,
            types: args.iter().map(|a| a.0.clone()).collect(),
        };
        let ctor = self.file.MemberRef(".ctor", &sig, MemberRefParent::TypeRef(tr));
        let values: Vec<(String, Value)> = args.into_iter().map(|a| (String::new(), a.1)).collect();
        self.file.Attribute(target, AttributeType::MemberRef(ctor), &values);
    }

    /// An interface with one method `void M(int a, int b)`, both parameters flagged
    /// Optional; `interop` makes it a [ComImport] IUnknown interface with
    /// `[LCIDConversion(lcid)]` on M when `lcid` is given.
    fn interface(&mut self, name: &str, interop: bool, lcid: Option<i32>) {
        let mut flags = TypeAttributes::Public | TypeAttributes::Interface | TypeAttributes::Abstract;
        if interop {
            flags |= TypeAttributes::Import;
        }
        let td = self.file.TypeDef("Interop.Built", name, TypeDefOrRef::default(), flags);
        self.attribute(
            HasAttribute::TypeDef(td),
            "GuidAttribute",
            vec![(
                Type::String,
                Value::Utf8(format!("5b2f1d0e-2c4a-4c1e-9a11-{:012x}", name.len())),
            )],
        );
        if !interop {
            // The Win32 metadata names the base in an InterfaceImpl row.
            let unknown = TypeName::named("Windows.Win32.System.Com", "IUnknown");
            self.file.InterfaceImpl(td, &Type::ClassName(unknown));
        } else {
            self.attribute(
                HasAttribute::TypeDef(td),
                "InterfaceTypeAttribute",
                vec![(Type::I16, Value::I16(1))],
            );
        }
        let sig = Signature {
            flags: MethodCallAttributes::HASTHIS,
            return_type: Type::Void,
            types: vec![Type::I32, Type::I32],
        };
        let attrs = MethodAttributes::Public
            | MethodAttributes::Virtual
            | MethodAttributes::HideBySig
            | MethodAttributes::NewSlot
            | MethodAttributes::Abstract;
        let md = self.file.MethodDef("M", &sig, attrs, MethodImplAttributes::PreserveSig);
        for (i, p) in ["a", "b"].into_iter().enumerate() {
            self.file
                .Param(p, i as u16 + 1, ParamAttributes::In | ParamAttributes::Optional);
        }
        if let Some(n) = lcid {
            self.attribute(
                HasAttribute::MethodDef(md),
                "LCIDConversionAttribute",
                vec![(Type::I32, Value::I32(n))],
            );
        }
    }

    fn write(self, dir: &Path) -> PathBuf {
        let path = dir.join("Interop.Built.dll");
        fs::write(&path, self.file.into_stream()).unwrap();
        path
    }
}

/// The Win32 metadata's Optional is SAL's `_opt_`, not automation's `[optional]`; an
/// interop interface's is. `[LCIDConversion(n)]` counts from 0, up to after the last
/// parameter.
#[test]
fn optional_is_automation_only_in_interop_interfaces() {
    let dir = common::scratch_dir("interop-dispatch-built");
    let mut asm = Assembly::new();
    asm.interface("INative", false, None);
    asm.interface("IInterop", true, None);
    asm.interface("ILcidFirst", true, Some(0));
    asm.interface("ILcidLast", true, Some(2));
    let model = load(&asm.write(&dir));
    let params = |name: &str| -> Vec<(String, Vec<ParamAttr>)> {
        let m = &model.interface(name).unwrap().methods[0];
        assert_eq!((m.kind, m.dispid), (MethodKind::Plain, None));
        m.params.iter().map(|p| (p.name.to_string(), p.attrs.clone())).collect()
    };
    let plain = |n: &str| (n.to_string(), vec![]);
    let optional = |n: &str| (n.to_string(), vec![ParamAttr::Optional]);
    let lcid = ("lcid".to_string(), vec![ParamAttr::Lcid]);
    assert_eq!(params("INative"), [plain("a"), plain("b")]);
    assert_eq!(params("IInterop"), [optional("a"), optional("b")]);
    assert_eq!(params("ILcidFirst"), [lcid.clone(), optional("a"), optional("b")]);
    assert_eq!(params("ILcidLast"), [optional("a"), optional("b"), lcid]);
    let _ = fs::remove_dir_all(&dir);
}

/// An LCID position past the parameters is an error naming the method, not a guess.
#[test]
fn an_lcid_past_the_parameters_is_refused() {
    let dir = common::scratch_dir("interop-dispatch-bad-lcid");
    let mut asm = Assembly::new();
    asm.interface("IBadLcid", true, Some(3));
    let file = asm.write(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("inspect")
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("IBadLcid::M") && stderr.contains("LCIDConversion(3)"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let _ = fs::remove_dir_all(&dir);
}
