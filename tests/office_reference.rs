//! Specification test for metadata/office.idl: every IID, slot, DISPID and enum value of
//! the Office add-in interfaces, as docs/reference/office-addin.md records them from
//! public sources (Microsoft's documentation, headers generated from Office's own type
//! libraries). The expected values are copied from that file, not from oscgen's output;
//! and widl's header for the same file, compiled against mingw-w64's own oaidl.idl (from
//! ../shared/corpus), must list the same slots.

use std::path::{Path, PathBuf};
use std::process::Command;

use oscgen::idl::{Input, LoadOptions};
use oscgen::load::load_model;
use oscgen::model::Model;
use oscgen::model::types::TypeDefKind;
use oscgen::source::SourceMap;

mod common;

use common::{Corpus, MINGW_INCLUDE, parse_header, scratch_dir, widl_or_skip};

/// (interface, IID, [(slot, vtable name, DISPID, parameter count)])
type Expected = (&'static str, &'static str, &'static [(usize, &'static str, i32, usize)]);

#[rustfmt::skip]
const INTERFACES: &[Expected] = &[
    ("IDTExtensibility2", "b65ad801-abaf-11d0-bb8b-00a0c90f2744", &[
        (7, "OnConnection", 1, 4),
        (8, "OnDisconnection", 2, 2),
        (9, "OnAddInsUpdate", 3, 1),
        (10, "OnStartupComplete", 4, 1),
        (11, "OnBeginShutdown", 5, 1),
    ]),
    ("IRibbonExtensibility", "000c0396-0000-0000-c000-000000000046", &[
        (7, "GetCustomUI", 1, 2),
    ]),
    ("IRibbonControl", "000c0395-0000-0000-c000-000000000046", &[
        (7, "get_Id", 1, 1),
        (8, "get_Context", 2, 1),
        (9, "get_Tag", 3, 1),
    ]),
];

#[rustfmt::skip]
const ENUMS: &[(&str, &[(&str, i64)])] = &[
    ("ext_ConnectMode", &[("ext_cm_AfterStartup", 0), ("ext_cm_Startup", 1), ("ext_cm_External", 2), ("ext_cm_CommandLine", 3)]),
    ("ext_DisconnectMode", &[("ext_dm_HostShutdown", 0), ("ext_dm_UserClosed", 1)]),
];

fn office_idl() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("metadata/office.idl")
}

fn model() -> Model {
    let mut sources = SourceMap::new();
    load_model(&mut sources, &[Input::File(office_idl())], &LoadOptions::default())
        .unwrap_or_else(|e| panic!("metadata/office.idl does not load: {e}"))
}

#[test]
fn slots_dispids_and_iids_are_the_published_ones() {
    let model = model();
    for (name, iid, rows) in INTERFACES {
        let iface = model.interface(name).unwrap_or_else(|| panic!("{name} is missing"));
        assert_eq!(iface.iid.map(|g| g.to_string()).as_deref(), Some(*iid), "{name}'s IID");
        let dispatch = iface.dispatch.as_ref().unwrap_or_else(|| panic!("{name} is not dual"));
        assert!(
            dispatch.dual && iface.oleautomation,
            "{name} must be [dual, oleautomation]"
        );
        let vtable = model.vtable(name).unwrap();
        let own: Vec<(usize, &str, i32, usize)> = vtable
            .slots
            .iter()
            .filter(|s| s.declared_in.name == *name)
            .map(|s| {
                let id = s
                    .method
                    .dispid
                    .unwrap_or_else(|| panic!("{name}::{} has no [id]", s.method.name));
                (s.index, s.method.name.as_str(), id, s.method.params.len())
            })
            .collect();
        assert_eq!(own, *rows, "{name}: slots, DISPIDs and parameter counts");
        assert_eq!(vtable.slots.len(), 7 + rows.len(), "{name} derives from IDispatch");
    }
}

#[test]
fn enum_values_are_the_published_ones() {
    let model = model();
    for (name, values) in ENUMS {
        let def = model.type_def(name).unwrap_or_else(|| panic!("{name} is missing"));
        let TypeDefKind::Enum(_, members) = &def.kind else {
            panic!("{name} is not an enum: {:?}", def.kind);
        };
        let members: Vec<(&str, i64)> = members.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        assert_eq!(members, *values, "{name}");
    }
}

#[test]
fn widl_lays_out_the_same_vtables() {
    let Some(widl) = widl_or_skip() else { return };
    let Some(corpus) = Corpus::open() else { return };
    let out = scratch_dir("office-widl").join("office.h");
    let status = Command::new(&widl)
        .arg("-I")
        .arg(corpus.root.join("mingw-w64"))
        .arg("-I")
        .arg(MINGW_INCLUDE)
        .arg("-h")
        .arg("-o")
        .arg(&out)
        .arg(office_idl())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", widl.display()));
    assert!(
        status.status.success(),
        "widl refused office.idl: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let header = std::fs::read_to_string(&out).unwrap();
    let vtbls = parse_header(&header);
    for (name, _, rows) in INTERFACES {
        let vtbl = vtbls
            .iter()
            .find(|v| v.interface == *name)
            .unwrap_or_else(|| panic!("widl wrote no {name}Vtbl"));
        let names: Vec<&str> = vtbl.methods.iter().skip(7).map(|m| m.name.as_str()).collect();
        let expected: Vec<&str> = rows.iter().map(|r| r.1).collect();
        assert_eq!(names, expected, "{name}: widl's slot order");
        let counts: Vec<usize> = vtbl.methods.iter().skip(7).map(|m| m.params).collect();
        let expected: Vec<usize> = rows.iter().map(|r| r.3).collect();
        assert_eq!(counts, expected, "{name}: widl's parameter counts");
    }
}
