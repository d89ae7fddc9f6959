//! .NET interop assemblies whose interfaces derive from others. tlbimp redeclares a base
//! chain's methods ahead of a derived interface's own; oscgen gives such an interface its
//! base back and keeps only the rest as its own (generator/winmd/dotnet.rs has the rule).
//!
//! The OSC interop assembly is compiled from tests/fixtures/interop/OutlookSocialProvider.cs
//! with Mono's C# compiler and must inspect as metadata/osc.idl does; the hand-built
//! assemblies below cover what tlbimp never writes.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use oscgen::idl::{Input, LoadOptions};
use oscgen::model::Model;
use oscgen::model::types::{Scalar, Type as MType, TypeDefKind};
use oscgen::source::SourceMap;
use serde_json::Value as Json;
use windows_metadata::writer::{self, AttributeType, HasAttribute, MemberRefParent, TypeDefOrRef};
use windows_metadata::{
    MethodAttributes, MethodCallAttributes, MethodImplAttributes, Signature, Type, TypeAttributes, TypeName, Value,
};

const INTEROP: &str = "System.Runtime.InteropServices";
const OSC: [&str; 5] = [
    "ISocialProvider",
    "ISocialSession",
    "ISocialSession2",
    "ISocialPerson",
    "ISocialProfile",
];

fn load(path: &Path) -> Model {
    let inputs = [Input::File(path.to_path_buf())];
    oscgen::load::load_model(&mut SourceMap::new(), &inputs, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// `(base, own methods, every slot as "declaring::method")` of one interface.
fn shape(model: &Model, name: &str) -> (String, Vec<String>, Vec<String>) {
    let iface = model.interface(name).unwrap_or_else(|| panic!("{name} missing"));
    let own = iface.methods.iter().map(|m| m.name.clone()).collect();
    let slots = model
        .vtable(name)
        .unwrap()
        .slots
        .iter()
        .map(|s| format!("{}::{}", s.declared_in.name, s.method.name))
        .collect();
    (iface.base.clone().unwrap_or_default(), own, slots)
}

/// An interop assembly as tlbimp lays one out, built row by row.
struct Assembly {
    file: writer::File,
    guids: u32,
}

/// `ComInterfaceType`: how .NET lays out the vtable ahead of an interface's methods.
#[derive(Clone, Copy)]
enum Kind {
    Unknown,
    Dual,
    /// A dispinterface: IDispatch's vtable, members reached through Invoke only.
    Dispatch,
}

impl Assembly {
    fn new() -> Assembly {
        Assembly {
            file: writer::File::new("Interop.Hierarchy"),
            guids: 0,
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

    /// A [ComImport] interface with InterfaceImpl rows for `impls` (namespace.name) and
    /// methods `string M(int index)`.
    fn interface(&mut self, name: &str, kind: Kind, impls: &[&str], methods: &[&str]) {
        let flags =
            TypeAttributes::Public | TypeAttributes::Interface | TypeAttributes::Abstract | TypeAttributes::Import;
        let td = self
            .file
            .TypeDef("Interop.Hierarchy", name, TypeDefOrRef::default(), flags);
        for path in impls {
            let (ns, base) = path.rsplit_once('.').unwrap();
            self.file.InterfaceImpl(td, &Type::ClassName(TypeName::named(ns, base)));
        }
        self.guids += 1;
        let guid = format!("5b2f1d0e-2c4a-4c1e-9a11-{:012x}", self.guids);
        self.attribute(
            HasAttribute::TypeDef(td),
            "GuidAttribute",
            vec![(Type::String, Value::Utf8(guid))],
        );
        let kind = match kind {
            Kind::Unknown => 1,
            Kind::Dual => 0,
            Kind::Dispatch => 2,
        };
        self.attribute(
            HasAttribute::TypeDef(td),
            "InterfaceTypeAttribute",
            vec![(Type::I16, Value::I16(kind))],
        );
        let attrs = MethodAttributes::Public
            | MethodAttributes::Virtual
            | MethodAttributes::HideBySig
            | MethodAttributes::NewSlot
            | MethodAttributes::Abstract;
        for method in methods {
            let sig = Signature {
                flags: MethodCallAttributes::HASTHIS,
                return_type: Type::String,
                types: vec![Type::I32],
            };
            self.file
                .MethodDef(method, &sig, attrs, MethodImplAttributes::default());
            self.file.Param("index", 1, windows_metadata::ParamAttributes::In);
        }
    }

    fn write(self, dir: &Path) -> PathBuf {
        let path = dir.join("Interop.Hierarchy.dll");
        fs::write(&path, self.file.into_stream()).unwrap();
        path
    }
}

fn names(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn redeclared_base_methods_make_the_base() {
    let dir = common::scratch_dir("interop-redeclared");
    let mut asm = Assembly::new();
    asm.interface("IPerson", Kind::Unknown, &[], &["A", "B"]);
    asm.interface(
        "IProfile",
        Kind::Unknown,
        &["Interop.Hierarchy.IPerson"],
        &["A", "B", "C"],
    );
    // Three levels, with the C# compiler's habit of naming every interface up the chain.
    asm.interface(
        "IAdmin",
        Kind::Unknown,
        &["Interop.Hierarchy.IPerson", "Interop.Hierarchy.IProfile"],
        &["A", "B", "C", "D"],
    );
    asm.interface("IAutoBase", Kind::Dual, &[], &["X"]);
    asm.interface("IAuto", Kind::Dual, &["Interop.Hierarchy.IAutoBase"], &["X", "Y"]);
    let model = load(&asm.write(&dir));
    let (base, own, slots) = shape(&model, "IProfile");
    assert_eq!((base.as_str(), own), ("IPerson", names(&["C"])));
    assert_eq!(
        slots[3..],
        names(&["IPerson::A", "IPerson::B", "IProfile::C"]),
        "{slots:?}"
    );
    let (base, own, _) = shape(&model, "IAdmin");
    assert_eq!((base.as_str(), own), ("IProfile", names(&["D"])));
    let (base, own, slots) = shape(&model, "IAuto");
    assert_eq!((base.as_str(), own), ("IAutoBase", names(&["Y"])));
    assert_eq!(
        slots,
        names(&[
            "IUnknown::QueryInterface",
            "IUnknown::AddRef",
            "IUnknown::Release",
            "IDispatch::GetTypeInfoCount",
            "IDispatch::GetTypeInfo",
            "IDispatch::GetIDsOfNames",
            "IDispatch::Invoke",
            "IAutoBase::X",
            "IAuto::Y",
        ])
    );
    let _ = fs::remove_dir_all(&dir);
}

/// `InterfaceIsIDispatch` is a dispinterface: its vtable is IDispatch's seven slots and
/// nothing more, whatever methods the assembly declares, and it is no interface's base.
#[test]
fn a_dispinterface_has_idispatch_vtable_alone() {
    let dir = common::scratch_dir("interop-dispinterface");
    let mut asm = Assembly::new();
    asm.interface("DEvents", Kind::Dispatch, &[], &["Fired", "Closed"]);
    // Starts with the dispinterface's methods, as if redeclaring them: still not its base.
    asm.interface(
        "IOverEvents",
        Kind::Dual,
        &["Interop.Hierarchy.DEvents"],
        &["Fired", "Other"],
    );
    let model = load(&asm.write(&dir));
    let (base, own, slots) = shape(&model, "DEvents");
    assert_eq!((base.as_str(), own.len()), ("IDispatch", 0), "{slots:?}");
    assert_eq!(slots.len(), 7, "{slots:?}");
    let d = model
        .interface("DEvents")
        .unwrap()
        .dispatch
        .as_ref()
        .expect("a dispinterface");
    assert!(!d.dual);
    let members: Vec<&str> = d.methods.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(members, ["Fired", "Closed"]);
    let (base, own, slots) = shape(&model, "IOverEvents");
    assert_eq!((base.as_str(), own), ("IDispatch", names(&["Fired", "Other"])));
    assert_eq!(slots.len(), 9, "{slots:?}");
    let _ = fs::remove_dir_all(&dir);
}

/// C# written by hand relies on .NET inheritance and does not redeclare; .NET then lays
/// out only the interface's own methods after IUnknown, and so does oscgen.
#[test]
fn an_interface_that_does_not_redeclare_keeps_its_own_vtable() {
    let dir = common::scratch_dir("interop-not-redeclared");
    let mut asm = Assembly::new();
    asm.interface("IPerson", Kind::Unknown, &[], &["A", "B"]);
    asm.interface("IHandWritten", Kind::Unknown, &["Interop.Hierarchy.IPerson"], &["C"]);
    asm.interface("IPartial", Kind::Unknown, &["Interop.Hierarchy.IPerson"], &["A", "C"]);
    asm.interface(
        "IReordered",
        Kind::Unknown,
        &["Interop.Hierarchy.IPerson"],
        &["B", "A", "C"],
    );
    // Same methods, but the base's vtable has IDispatch's four slots and this one has not.
    asm.interface("IDualBase", Kind::Dual, &[], &["A"]);
    asm.interface(
        "IOverDual",
        Kind::Unknown,
        &["Interop.Hierarchy.IDualBase"],
        &["A", "C"],
    );
    let model = load(&asm.write(&dir));
    for (name, own) in [
        ("IHandWritten", names(&["C"])),
        ("IPartial", names(&["A", "C"])),
        ("IReordered", names(&["B", "A", "C"])),
        ("IOverDual", names(&["A", "C"])),
    ] {
        let (base, methods, slots) = shape(&model, name);
        assert_eq!((base.as_str(), &methods), ("IUnknown", &own), "{name}");
        assert_eq!(slots.len(), 3 + own.len(), "{name}");
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn odd_hierarchies_load_without_panic() {
    let dir = common::scratch_dir("interop-odd");
    let mut asm = Assembly::new();
    asm.interface("IPerson", Kind::Unknown, &[], &["A", "B"]);
    asm.interface("IShort", Kind::Unknown, &["Interop.Hierarchy.IPerson"], &["A"]);
    asm.interface("IEmpty", Kind::Unknown, &["Interop.Hierarchy.IPerson"], &[]);
    asm.interface("IOrphan", Kind::Unknown, &["Elsewhere.IMissing"], &["A"]);
    asm.interface("ILoop1", Kind::Unknown, &["Interop.Hierarchy.ILoop2"], &["L", "M"]);
    asm.interface("ILoop2", Kind::Unknown, &["Interop.Hierarchy.ILoop1"], &["L"]);
    asm.interface("ISelf", Kind::Unknown, &["Interop.Hierarchy.ISelf"], &["S"]);
    let file = asm.write(&dir);
    let model = load(&file);
    assert_eq!(shape(&model, "IShort").1, names(&["A"]));
    assert_eq!(shape(&model, "IEmpty").0, "IUnknown");
    assert_eq!(shape(&model, "IOrphan").0, "IUnknown");
    assert_eq!(shape(&model, "ISelf").0, "IUnknown");
    // The cycle is broken where it was entered: ILoop2 is read first and cannot take
    // ILoop1 (not settled yet); ILoop1 then redeclares ILoop2's method.
    assert_eq!(shape(&model, "ILoop2").0, "IUnknown");
    assert_eq!(shape(&model, "ILoop1").2.last().map(String::as_str), Some("ILoop1::M"));
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("inspect")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
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

/// Every place the two documents differ, as `interface.slot.param field: idl | dll`,
/// except the `file` column and the names of `[retval]` parameters (checked apart).
fn differences(idl: &Json, dll: &Json) -> Vec<String> {
    let mut out = Vec::new();
    for name in OSC {
        let (a, b) = (find(idl, name), find(dll, name));
        for field in ["iid", "base"] {
            if a[field] != b[field] {
                out.push(format!("{name} {field}: {} | {}", a[field], b[field]));
            }
        }
        let (sa, sb) = (a["slots"].as_array().unwrap(), b["slots"].as_array().unwrap());
        if sa.len() != sb.len() {
            out.push(format!("{name} slots: {} | {}", sa.len(), sb.len()));
        }
        for (x, y) in sa.iter().zip(sb) {
            let at = format!("{name}.{}", x["name"].as_str().unwrap());
            for field in ["index", "name", "declared_in", "return"] {
                if x[field] != y[field] {
                    out.push(format!("{at} {field}: {} | {}", x[field], y[field]));
                }
            }
            let (pa, pb) = (x["params"].as_array().unwrap(), y["params"].as_array().unwrap());
            if pa.len() != pb.len() {
                out.push(format!("{at} params: {} | {}", pa.len(), pb.len()));
            }
            for (p, q) in pa.iter().zip(pb) {
                let at = format!("{at}.{}", p["name"].as_str().unwrap());
                for field in ["type", "dir", "retval", "attributes"] {
                    if p[field] != q[field] {
                        out.push(format!("{at} {field}: {} | {}", p[field], q[field]));
                    }
                }
                let retval = p["retval"] == true && q["retval"] == true;
                if p["name"] != q["name"] && !(retval && q["name"] == "retval") {
                    out.push(format!("{at} name: {} | {}", p["name"], q["name"]));
                }
            }
        }
    }
    out
}

/// `oscgen inspect` on the OSC interop assembly (compiled from tlbimp-style C#) equals
/// `oscgen inspect metadata/osc.idl` for the five interfaces, but for what an interop
/// assembly cannot carry:
/// - `file`: the assembly's path, not the IDL's;
/// - `[retval]` parameter names: the retval is the .NET return value, which has no name
///   (oscgen calls it `retval`);
/// - `put_SiteUrl`'s parameter: C# names every property setter's parameter `value` (the
///   type library itself keeps no name for a propput's right-hand side);
/// - `GetStatusSettings`'s `INT*`: tlbimp resolves typedefs, so the assembly says `int`,
///   which is the IDL's `INT` (checked against the IDL model).
#[test]
fn the_osc_interop_assembly_inspects_as_osc_idl() {
    let mcs = Command::new("mcs").arg("--version").output();
    if !mcs.is_ok_and(|o| o.status.success()) {
        common::skip("mcs not found (apt-get install mono-mcs); the OSC interop assembly is not compared");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = common::scratch_dir("interop-osc");
    let dll = dir.join("OutlookSocialProvider.dll");
    let out = Command::new("mcs")
        .arg("-target:library")
        .arg(format!("-out:{}", dll.display()))
        .arg(root.join("tests/fixtures/interop/OutlookSocialProvider.cs"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mcs failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let idl_path = root.join("metadata/osc.idl");
    let (idl, from_dll) = (inspect_json(&idl_path), inspect_json(&dll));
    for name in OSC {
        assert_eq!(find(&from_dll, name)["file"], dll.display().to_string());
    }
    let idl_model =
        oscgen::load::load_model(&mut SourceMap::new(), &[Input::File(idl_path)], &LoadOptions::default()).unwrap();
    let int = idl_model.type_def("INT").map(|t| &t.kind);
    assert!(
        matches!(int, Some(TypeDefKind::Alias(MType::Scalar(Scalar::I32)))),
        "{int:?}"
    );
    let found = differences(&idl, &from_dll);
    println!("inspect differs only in: {found:#?}");
    assert_eq!(
        found,
        [
            "ISocialProvider.GetStatusSettings.maxStatusLength type: \"INT*\" | \"long*\"",
            "ISocialSession.put_SiteUrl.url name: \"url\" | \"value\"",
        ]
    );
    // The model behind it: ISocialProfile derives from ISocialPerson, as in the IDL.
    let model = load(&dll);
    let (base, own, _) = shape(&model, "ISocialProfile");
    assert_eq!(base, "ISocialPerson");
    assert_eq!(
        own,
        names(&[
            "AreFriendsOrColleagues",
            "GetActivitiesOfFriendsAndColleagues",
            "SetStatus"
        ])
    );
    let _ = fs::remove_dir_all(&dir);
}
