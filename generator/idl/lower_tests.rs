//! Lowering of the constructs whose vtables are not simply "the methods, in order".

use std::rc::Rc;

use crate::idl::lexer::lex;
use crate::idl::lower::{ParsedFile, lower};
use crate::idl::parser::parse;
use crate::idl::{Input, LoadOptions, loader};
use crate::model::Model;
use crate::model::types::TypeDefKind;
use crate::source::{Origin, SourceMap};

/// `text` lowered on top of oscgen's oaidl.idl stand-in (IUnknown, IDispatch, BSTR ...).
fn model(text: &str) -> Model {
    let mut sources = SourceMap::new();
    let mut files = loader::load(
        &mut sources,
        &[Input::Builtin("oaidl.idl".into())],
        &LoadOptions::default(),
    )
    .unwrap();
    for f in &mut files {
        f.is_root = false;
    }
    let id = sources.add("t.idl".into(), Origin::Builtin, text.into());
    let tokens = lex(id, text).unwrap();
    let items = parse(&sources, &tokens).unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    files.push(ParsedFile {
        items: Rc::new(items),
        is_root: true,
        library: None,
    });
    let parts = lower(&sources, &files).unwrap_or_else(|d| panic!("{}", d[0].render(&sources)));
    Model::new(parts).unwrap_or_else(|e| panic!("{}", e.0[0].render(&sources)))
}

fn slots(model: &Model, name: &str) -> Vec<String> {
    model
        .vtable(name)
        .unwrap_or_else(|| panic!("no interface {name}"))
        .slots
        .iter()
        .map(|s| s.method.name.clone())
        .collect()
}

const IDISPATCH: [&str; 7] = [
    "QueryInterface",
    "AddRef",
    "Release",
    "GetTypeInfoCount",
    "GetTypeInfo",
    "GetIDsOfNames",
    "Invoke",
];

#[test]
fn dispinterfaces_have_idispatchs_vtable() {
    let m = model(
        "[uuid(11111111-0000-0000-0000-000000000001)] dispinterface DEvents {
             properties: [id(1)] long Count;
             methods: [id(2)] void Fired([in] long n);
         }
         [object, dual, uuid(11111111-0000-0000-0000-000000000002)] interface IDual : IDispatch { HRESULT M(); }
         [uuid(11111111-0000-0000-0000-000000000003)] dispinterface DDual { interface IDual; }",
    );
    assert_eq!(slots(&m, "DEvents"), IDISPATCH);
    assert_eq!(slots(&m, "DDual"), IDISPATCH);
}

#[test]
fn dispatch_members_keep_their_dispids() {
    let m = model(
        "[uuid(11111111-0000-0000-0000-000000000001)] dispinterface DEvents {
             properties: [id(1), readonly] long Count;
             methods: [id(0x80010000)] void Fired([in] long n); [id(-4)] IUnknown *NewEnum();
         }
         [object, dual, uuid(11111111-0000-0000-0000-000000000002)] interface IDual : IDispatch {
             [id(7), propget] HRESULT Name([out, retval] BSTR *p); HRESULT M();
         }
         [uuid(11111111-0000-0000-0000-000000000003)] dispinterface DDual { interface IDual; }
         [uuid(11111111-0000-0000-0000-000000000005), version(1.0)] library L {
             [uuid(11111111-0000-0000-0000-000000000004)] coclass C {
                 [default] interface IDual; [default, source] dispinterface DEvents;
             }
         }",
    );
    let events = m.interface("DEvents").unwrap().dispatch.as_ref().unwrap();
    assert!(!events.dual);
    assert_eq!(events.properties[0].name, "Count");
    assert_eq!(events.properties[0].dispid, Some(1));
    assert!(events.properties[0].readonly);
    let ids: Vec<(&str, Option<i32>)> = events.methods.iter().map(|m| (&*m.name, m.dispid)).collect();
    assert_eq!(ids, [("Fired", Some(0x8001_0000_u32 as i32)), ("NewEnum", Some(-4))]);
    let dual = m.interface("IDual").unwrap();
    assert!(dual.dispatch.as_ref().unwrap().dual && dual.oleautomation);
    assert_eq!((&*dual.methods[0].name, dual.methods[0].dispid), ("get_Name", Some(7)));
    assert_eq!(dual.methods[1].dispid, None);
    let view = m.interface("DDual").unwrap().dispatch.as_ref().unwrap();
    assert_eq!(view.interface.as_deref(), Some("IDual"));
    let members: Vec<(&str, bool, bool)> = m.libraries[0].coclasses[0]
        .interfaces
        .iter()
        .map(|i| (i.name.as_str(), i.default, i.source))
        .collect();
    assert_eq!(members, [("IDual", true, false), ("DEvents", true, true)]);
}

#[test]
fn the_local_method_owns_the_slot_of_a_call_as_pair() {
    let m = model(
        "[object, uuid(11111111-0000-0000-0000-000000000004)] interface IEnumX : IUnknown {
             [local] HRESULT Next([in] ULONG n, [out] ULONG *got);
             [call_as(Next)] HRESULT RemoteNext([in] ULONG n, [out] ULONG *got);
             HRESULT Reset();
         }",
    );
    assert_eq!(
        slots(&m, "IEnumX"),
        ["QueryInterface", "AddRef", "Release", "Next", "Reset"]
    );
}

#[test]
fn async_uuid_makes_the_async_twin() {
    let m = model(
        "[object, uuid(11111111-0000-0000-0000-000000000005), async_uuid(11111111-0000-0000-0000-000000000006)]
         interface IWork : IUnknown { HRESULT Run([in] ULONG a, [in, out] ULONG *b, [out] ULONG *c); }",
    );
    assert_eq!(
        slots(&m, "AsyncIWork"),
        ["QueryInterface", "AddRef", "Release", "Begin_Run", "Finish_Run"]
    );
    let twin = m.interface("AsyncIWork").unwrap();
    assert_eq!(twin.iid.unwrap().to_string(), "11111111-0000-0000-0000-000000000006");
    let params = |i: usize| -> Vec<&str> { twin.methods[i].params.iter().map(|p| &*p.name).collect() };
    assert_eq!(params(0), ["a", "b"]);
    assert_eq!(params(1), ["b", "c"]);
    assert!(m.root_interfaces().any(|i| i.name == "AsyncIWork"));
}

#[test]
fn rpc_interfaces_have_no_vtable_but_keep_their_declarations() {
    let m = model(
        "[uuid(11111111-0000-0000-0000-000000000007), version(1.0)] interface IRemote {
             typedef long REMOTE_ID;
             const long REMOTE_MAX = 4;
             long Call([in] handle_t h, [in] REMOTE_ID id);
         }",
    );
    assert!(m.interface("IRemote").is_none());
    assert!(matches!(m.type_def("IRemote").unwrap().kind, TypeDefKind::Opaque));
    assert!(m.type_def("REMOTE_ID").is_some());
    assert!(m.constant("REMOTE_MAX").is_some());
}

#[test]
fn a_name_redeclared_down_the_chain_keeps_its_idl_name() {
    let m = model(
        "[object, uuid(11111111-0000-0000-0000-000000000008)] interface IA : IUnknown {
             HRESULT Get([out] ULONG *a); [propget] HRESULT Size([out, retval] ULONG *s);
         }
         [object, uuid(11111111-0000-0000-0000-000000000009)] interface IB : IA {
             HRESULT Get([out] ULONG *a, [out] ULONG *b); [propget] HRESULT Size([out, retval] ULONG *s); HRESULT Own();
         }",
    );
    let names = [
        "QueryInterface",
        "AddRef",
        "Release",
        "Get",
        "get_Size",
        "Get",
        "get_Size",
        "Own",
    ];
    assert_eq!(slots(&m, "IB"), names);
    let vt = m.vtable("IB").unwrap();
    let redeclared: Vec<bool> = vt.slots.iter().map(|s| s.redeclares).collect();
    assert_eq!(redeclared, [false, false, false, false, false, true, true, false]);
    // The C vtable struct, as MIDL and widl write it, cannot hold a name twice.
    let c: Vec<String> = vt.slots.iter().map(|s| s.c_name().into_owned()).collect();
    assert_eq!(c[3..], ["Get", "get_Size", "IB_Get", "IB_Size", "Own"]);
    assert_eq!(m.interface("IB").unwrap().methods[0].name, "Get");
}

#[test]
fn winrt_names_resolve_through_namespaces() {
    let m = model(
        "typedef struct EventRegistrationToken { __int64 value; } EventRegistrationToken;
         [object, uuid(AF86E2E0-B12D-4c6a-9C5A-D7AA65101E90)] interface IInspectable : IUnknown { HRESULT GetRuntimeClassName([out] BSTR *n); }
         namespace Windows.Foundation {
             interface IClosable;
             runtimeclass Uri;
             delegate HRESULT TypedEventHandler<TSender, TResult>([in] TSender sender, [in] TResult args);
             [uuid(a4ed5c81-76c9-40bd-8be6-b1d90fb20ae7)] delegate HRESULT AsyncActionCompletedHandler([in] ULONG status);
             [uuid(30d5a829-7fa4-4026-83bb-d75bae4ea99e)] interface IClosable : IInspectable { HRESULT Close(); }
             [uuid(9e365e57-48b2-4160-956f-c7385120bbfc)] interface IUriRuntimeClass : IInspectable requires IClosable {
                 [propget] HRESULT Host([out, retval] Uri **uri);
                 [eventadd] HRESULT Closed([in] TypedEventHandler<IInspectable *, IInspectable *> *h, [out, retval] EventRegistrationToken *t);
                 [eventremove] HRESULT Closed([in] EventRegistrationToken t);
                 HRESULT Wait([in] Windows.Foundation.AsyncActionCompletedHandler *done);
             }
         }",
    );
    assert_eq!(
        slots(&m, "Windows.Foundation.IUriRuntimeClass")[4..],
        ["get_Host", "add_Closed", "remove_Closed", "Wait"]
    );
    assert_eq!(
        m.interface("Windows.Foundation.IClosable").unwrap().base.as_deref(),
        Some("IInspectable")
    );
    assert_eq!(
        slots(&m, "Windows.Foundation.AsyncActionCompletedHandler"),
        ["QueryInterface", "AddRef", "Release", "Invoke"]
    );
    assert!(matches!(
        m.type_def("Windows.Foundation.Uri").unwrap().kind,
        TypeDefKind::Opaque
    ));
    assert!(
        m.type_def("Windows.Foundation.TypedEventHandler<IInspectable*, IInspectable*>")
            .is_some()
    );
}

#[test]
fn enum_values_are_constant_expressions() {
    let m = model(
        "const long BASE = 8;
         typedef [v1_enum] enum { A = BASE << 2, B, C = (BASE) - 1, D = (DWORD)-1, E = A | C } E;",
    );
    let TypeDefKind::Enum(_, values) = &m.type_def("E").unwrap().kind else {
        panic!()
    };
    let v: Vec<i64> = values.iter().map(|(_, v)| *v).collect();
    assert_eq!(v, [32, 33, 7, -1, 39]);
}

#[test]
fn an_encapsulated_union_is_a_struct_of_its_discriminant_and_arms() {
    let m = model(
        "typedef union _U switch (long fContext) u { case 1: long a; case 2: short b; default: ; } U;
         typedef union _V switch (short kind) { case 0: long x; } V;",
    );
    let fields = |name: &str| -> Vec<(String, String)> {
        let def = m.type_def(name).unwrap_or_else(|| panic!("{name}"));
        let TypeDefKind::Struct(fields) = &def.kind else {
            panic!("{name} is not a struct: {:?}", def.kind);
        };
        fields.iter().map(|f| (f.name.clone(), f.ty.to_string())).collect()
    };
    let u = fields("U");
    assert_eq!((u[0].0.as_str(), u[0].1.as_str()), ("fContext", "long"));
    assert_eq!(u[1].0, "u");
    let TypeDefKind::Union(arms) = &m.type_def(&u[1].1).unwrap().kind else {
        panic!("the arms are not a union");
    };
    let arms: Vec<&str> = arms.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(arms, ["a", "b"]);
    assert_eq!(fields("V")[1].0, "tagged_union");
}

#[test]
fn default_values_fold_and_typedef_uuids_and_libraries_know_their_file() {
    let m = model(
        "typedef [v1_enum, uuid(6a1b2c3d-0000-4000-8000-0000000000f1)] enum Flags { fA = 0x10, fB = 0x20 } Flags;\n\
         [object, uuid(6a1b2c3d-0000-4000-8000-0000000000f2)] interface IQ : IUnknown {\n\
         HRESULT Q([in, defaultvalue(fA | fB)] long a, [in, defaultvalue(-1)] long b, [in, defaultvalue(L\"x\")] BSTR c);\n\
         };\n\
         [uuid(6a1b2c3d-0000-4000-8000-0000000000f3)] library L { interface IQ; };",
    );
    let q = &m.interface("IQ").unwrap().methods[0];
    let defaults: Vec<(String, Option<i64>)> = q
        .params
        .iter()
        .flat_map(|p| &p.attrs)
        .filter_map(|a| match a {
            crate::model::param::ParamAttr::DefaultValue(d) => Some((d.text.to_string(), d.int)),
            _ => None,
        })
        .collect();
    assert_eq!(
        defaults,
        [
            ("fA | fB".to_string(), Some(0x30)),
            ("-1".to_string(), Some(-1)),
            ("L\"x\"".to_string(), None)
        ]
    );
    let flags = m.type_def("Flags").unwrap();
    assert_eq!(
        flags.uuid.map(|g| g.to_string().to_lowercase()),
        Some("6a1b2c3d-0000-4000-8000-0000000000f1".to_string())
    );
    let roots: Vec<(&str, bool)> = m.libraries.iter().map(|l| (l.name.as_str(), l.root)).collect();
    assert_eq!(roots, [("L", true)]);
}
