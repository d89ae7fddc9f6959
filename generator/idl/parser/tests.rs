//! One test per construct of the grammar, on small inputs.

use crate::idl::ast::{AttrArg, Attrs, BaseType, ExprKind, ForwardKind, Item, Sign, TypeKind, WinRtKind};
use crate::idl::lexer::lex;
use crate::idl::parser::{ItemReader, parse};
use crate::source::{Origin, SourceMap};

fn items(text: &str) -> Vec<Item> {
    let mut sources = SourceMap::new();
    let id = sources.add("t.idl".into(), Origin::Builtin, text.into());
    let tokens = lex(id, text).unwrap();
    parse(&sources, &tokens).unwrap_or_else(|d| panic!("{}", d.render(&sources)))
}

fn parse_error(text: &str) -> String {
    let mut sources = SourceMap::new();
    let id = sources.add("t.idl".into(), Origin::Builtin, text.into());
    let tokens = lex(id, text).unwrap();
    let d = parse(&sources, &tokens).unwrap_err();
    d.render(&sources)
}

fn interface(item: &Item) -> &crate::idl::ast::Interface {
    match item {
        Item::Interface(i) => i,
        other => panic!("not an interface: {other:?}"),
    }
}

#[test]
fn imports_one_or_several_files() {
    let parsed = items(r#"import "unknwn.idl"; import "a.idl", "b.idl";"#);
    let names: Vec<Vec<&str>> = parsed
        .iter()
        .map(|i| match i {
            Item::Import(files) => files.iter().map(|f| f.value.as_str()).collect(),
            _ => panic!(),
        })
        .collect();
    assert_eq!(names, vec![vec!["unknwn.idl"], vec!["a.idl", "b.idl"]]);
}

#[test]
fn interface_with_base_attributes_and_methods() {
    let parsed = items(
        "[object, uuid(5afe10c7-cab3-4b77-89c9-2e4fd62e7a1f), pointer_default(unique), helpstring(\"S\")]
         interface ISocialSession : IUnknown {
             HRESULT Logon([in] BSTR userName, [in] BSTR password);
             [propput] HRESULT SiteUrl([in] BSTR url);
             HRESULT LogonWeb([in] BSTR connectIn, [out] BSTR *connectOut);
         };",
    );
    let i = interface(&parsed[0]);
    assert_eq!(&*i.name.name, "ISocialSession");
    assert_eq!(&*i.base.as_ref().unwrap().name, "IUnknown");
    assert!(i.attrs.has("object"));
    match &i.attrs.attr("uuid").unwrap().args[0] {
        AttrArg::Uuid(text, _) => assert_eq!(text, "5afe10c7-cab3-4b77-89c9-2e4fd62e7a1f"),
        other => panic!("{other:?}"),
    }
    match &i.attrs.attr("helpstring").unwrap().args[0] {
        AttrArg::Expr(e) => assert_eq!(e.kind, ExprKind::Str("S".into())),
        other => panic!("{other:?}"),
    }
    assert_eq!(i.members.len(), 3);
    let Item::Declaration(attrs, name, ty) = &i.members[1] else {
        panic!()
    };
    assert_eq!(&*name.name, "SiteUrl");
    assert!(attrs.has("propput"));
    let TypeKind::Function(_, params) = &ty.kind else {
        panic!()
    };
    assert!(params[0].attrs.has("in"));
    let Item::Declaration(_, _, ty) = &i.members[2] else {
        panic!()
    };
    let TypeKind::Function(ret, params) = &ty.kind else {
        panic!()
    };
    assert_eq!(ret.kind, TypeKind::Named("HRESULT".into()));
    assert!(matches!(&params[1].ty.kind, TypeKind::Pointer(inner) if inner.kind == TypeKind::Named("BSTR".into())));
    assert_eq!(&*params[1].name.as_ref().unwrap().name, "connectOut");
}

#[test]
fn forward_declarations() {
    let parsed = items("interface IFoo; dispinterface DFoo; coclass CFoo;");
    let kinds: Vec<ForwardKind> = parsed
        .iter()
        .map(|i| match i {
            Item::Forward(k, _) => *k,
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        kinds,
        [ForwardKind::Interface, ForwardKind::Dispinterface, ForwardKind::Coclass]
    );
}

#[test]
fn typedef_struct_with_several_declarators() {
    let parsed = items("typedef struct tagMAPIUID { BYTE ab[16]; } MAPIUID, *LPMAPIUID;");
    let Item::Typedef(t) = &parsed[0] else { panic!() };
    assert_eq!(t.decls.len(), 2);
    assert_eq!(&*t.decls[0].0.name, "MAPIUID");
    let TypeKind::Struct(s) = &t.decls[0].1.kind else {
        panic!()
    };
    let fields = s.fields.as_ref().unwrap();
    assert_eq!(&*fields[0].name.as_ref().unwrap().name, "ab");
    assert!(matches!(&fields[0].ty.kind, TypeKind::Array(_, Some(_))));
    assert!(matches!(&t.decls[1].1.kind, TypeKind::Pointer(_)));
}

#[test]
fn typedef_enum_with_explicit_and_expression_values() {
    let parsed = items("typedef [v1_enum] enum tagE { A = 1, B, C = A | 4, D = (1 << 3), } E;");
    let Item::Typedef(t) = &parsed[0] else { panic!() };
    assert!(t.attrs.has("v1_enum"));
    let TypeKind::Enum(e) = &t.base.kind else { panic!() };
    let names: Vec<&str> = e
        .variants
        .as_ref()
        .unwrap()
        .iter()
        .map(|v| v.name.name.as_ref())
        .collect();
    assert_eq!(names, ["A", "B", "C", "D"]);
    assert!(e.variants.as_ref().unwrap()[1].value.is_none());
}

#[test]
fn unions_plain_and_discriminated() {
    let parsed = items(
        "typedef union { LONG l; BYTE b; } U;
         typedef [switch_type(DWORD)] union tagV { [case(1)] LONG l; [default] ; } V;
         typedef union W switch (DWORD kind) u { case 1: LONG l; case 2: case 3: BYTE b; default: ; } W;",
    );
    let Item::Typedef(t) = &parsed[1] else { panic!() };
    assert!(matches!(
        &t.attrs.attr("switch_type").unwrap().args[0],
        AttrArg::Type(_)
    ));
    let Item::Typedef(t) = &parsed[2] else { panic!() };
    let TypeKind::Union(u) = &t.base.kind else { panic!() };
    let arms = u.arms.as_ref().unwrap();
    assert_eq!(arms[1].cases.len(), 2);
    assert!(arms[2].is_default && arms[2].field.is_none());
    assert_eq!(&*u.switch.as_ref().unwrap().1.name, "kind");
}

#[test]
fn pointer_and_function_typedefs() {
    let parsed = items(
        "typedef IUnknown *LPUNKNOWN;
         typedef HRESULT (__stdcall *PFN)([in] DWORD a, [out] void **b);
         typedef unsigned long ULONG;",
    );
    let Item::Typedef(t) = &parsed[1] else { panic!() };
    let (name, ty) = &t.decls[0];
    assert_eq!(&*name.name, "PFN");
    let TypeKind::Pointer(f) = &ty.kind else {
        panic!("{ty:?}")
    };
    let TypeKind::Function(_, params) = &f.kind else {
        panic!()
    };
    assert_eq!(params.len(), 2);
    let Item::Typedef(t) = &parsed[2] else { panic!() };
    assert_eq!(t.decls[0].1.kind, TypeKind::Base(BaseType::Long, Some(Sign::Unsigned)));
}

#[test]
fn constants_and_cpp_quote() {
    let parsed = items(
        "const HRESULT OSC_E_VERSION = 0x80041401;
         const LPCWSTR NAME = L\"x\";
         cpp_quote(\"#define X \\\"y\\\"\")",
    );
    let Item::Const(c) = &parsed[0] else { panic!() };
    assert_eq!(&*c.name.name, "OSC_E_VERSION");
    assert_eq!(c.value.kind, ExprKind::Number("0x80041401".into()));
    let Item::CppQuote(q) = &parsed[2] else { panic!() };
    assert_eq!(q.value, "#define X \"y\"");
}

#[test]
fn library_coclass_importlib() {
    let parsed = items(
        "[uuid(1F8E79BA-9268-4889-ADF3-6D2AABB3C32C), version(1.1)]
         library L {
             importlib(\"stdole2.tlb\");
             interface ISocialProvider;
             [uuid(29A3703F-D234-4571-B601-DA03A1E12F60)] coclass C { [default] interface ISocialProvider; };
         };",
    );
    let Item::Library(lib) = &parsed[0] else { panic!() };
    assert_eq!(&*lib.name.name, "L");
    assert!(matches!(&lib.items[0], Item::ImportLib(s) if s.value == "stdole2.tlb"));
    assert!(matches!(&lib.items[1], Item::Forward(ForwardKind::Interface, _)));
    let Item::Coclass(c) = &lib.items[2] else { panic!() };
    assert!(c.members[0].attrs.has("default"));
}

#[test]
fn midl_pragma_and_pragma_lines() {
    let parsed = items("midl_pragma warning(disable: 2400 2401)\n#pragma pack(push, 8)\ninterface I;");
    assert!(matches!(parsed[0], Item::MidlPragma(_)));
    assert!(matches!(&parsed[1], Item::Pragma(text, _) if text.starts_with("pack")));
    assert_eq!(parsed.len(), 3);
}

#[test]
fn safearray_types() {
    let parsed = items("interface I { HRESULT F([in] SAFEARRAY(BSTR) a, [out, retval] SAFEARRAY(unsigned char) *b); }");
    let Item::Declaration(_, _, ty) = &interface(&parsed[0]).members[0] else {
        panic!()
    };
    let TypeKind::Function(_, params) = &ty.kind else {
        panic!()
    };
    assert!(matches!(&params[0].ty.kind, TypeKind::SafeArray(_)));
    let TypeKind::Pointer(inner) = &params[1].ty.kind else {
        panic!()
    };
    let TypeKind::SafeArray(elem) = &inner.kind else {
        panic!()
    };
    assert_eq!(elem.kind, TypeKind::Base(BaseType::Char, Some(Sign::Unsigned)));
    assert!(params[1].attrs.has("retval"));
}

#[test]
fn attributes_with_arguments() {
    let parsed = items(
        "interface I {
             [local] HRESULT Next([in] ULONG n, [out, size_is(n), length_is(*f)] IUnknown **u, [out] ULONG *f);
             [call_as(Next)] HRESULT RemoteNext([in] ULONG n);
             HRESULT Q([in] REFIID riid, [out, iid_is(riid)] void **ppv);
             HRESULT R([in, size_is(, *pcb)] BYTE **pp, [in] ULONG *pcb);
         }",
    );
    let members = &interface(&parsed[0]).members;
    let Item::Declaration(attrs, _, ty) = &members[0] else {
        panic!()
    };
    assert!(attrs.has("local"));
    let TypeKind::Function(_, params) = &ty.kind else {
        panic!()
    };
    assert_eq!(params[1].attrs.attr("size_is").unwrap().args.len(), 1);
    let Item::Declaration(attrs, _, _) = &members[1] else {
        panic!()
    };
    assert!(
        matches!(&attrs.attr("call_as").unwrap().args[0], AttrArg::Expr(e) if e.kind == ExprKind::Ident("Next".into()))
    );
    let Item::Declaration(_, _, ty) = &members[3] else {
        panic!()
    };
    let TypeKind::Function(_, params) = &ty.kind else {
        panic!()
    };
    let args = &params[0].attrs.attr("size_is").unwrap().args;
    assert!(matches!(args[0], AttrArg::Empty(_)));
    assert!(matches!(&args[1], AttrArg::Expr(e) if matches!(e.kind, ExprKind::Unary(..))));
}

#[test]
fn attribute_words_are_names_outside_brackets() {
    // `in`, `out` and `string` are keywords only inside `[...]`.
    let parsed = items("typedef struct { int in; LPSTR string; } S; interface I { HRESULT out([in] int in); }");
    assert_eq!(parsed.len(), 2);
}

#[test]
fn missing_semicolon_points_after_the_statement() {
    let text = parse_error("import \"unknwn.idl\"\ninterface I;");
    assert!(
        text.starts_with("t.idl:1:20: error: expected `;`, found `interface`"),
        "{text}"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("const int X = {}1{};", "(".repeat(100_000), ")".repeat(100_000));
    let err = parse_error(&text);
    assert!(err.contains("nesting deeper than"), "{err}");
}

#[test]
fn nesting_beyond_the_in_place_limit_still_parses() {
    // Deeper than what parses on the caller's stack, shallower than the limit.
    let text = format!("const int X = {}1{};", "(".repeat(100), ")".repeat(100));
    assert!(matches!(items(&text)[0], Item::Const(_)));
}

#[test]
fn items_read_one_at_a_time_are_the_items_of_the_whole_file() {
    // Item by item (as a lowering load reads) and whole (as `parse`) agree, including an
    // item nested past the in-place limit, read again on the parser's own stack, a lone
    // `;`, and a statement that makes several items.
    let text = format!(
        "import \"unknwn.idl\"; ; const int X = {}1{};\n\
         typedef struct S {{ int a; }} S1, *PS1; int f1(void), f2(void);\n\
         [object, uuid(5afe10c7-cab3-4b77-89c9-2e4fd62e7a1f)] interface I : IUnknown {{ HRESULT F(); }}",
        "(".repeat(100),
        ")".repeat(100)
    );
    let mut sources = SourceMap::new();
    let id = sources.add("t.idl".into(), Origin::Builtin, text.clone());
    let tokens = lex(id, &text).unwrap();
    let mut reader = ItemReader::new(&sources, &tokens, 0);
    let mut one_by_one = Vec::new();
    let mut reads = 0;
    while reader.next(&mut one_by_one).unwrap() {
        reads += 1;
    }
    assert_eq!((reads, one_by_one.len()), (5, 6));
    assert_eq!(reader.pos(), tokens.len());
    assert_eq!(one_by_one, items(&text));
}

#[test]
fn pure_virtual_markers_and_empty_attributes() {
    // `= 0` after a method (mingw-w64's sensorsapi.idl) and empty attribute entries
    // (`[, object]`, `[uuid(...),, local]`) are accepted, as widl accepts them.
    let parsed = items(
        "[, object,, local] interface I { HRESULT A([in] ULONG n) = 0; HRESULT B(); }
         const DWORD C = (DWORD)-1; const char *Name(void);",
    );
    let i = interface(&parsed[0]);
    assert!(i.attrs.has("object") && i.attrs.has("local"));
    assert!(matches!(&i.members[0], Item::Declaration(_, n, _) if &*n.name == "A"));
    assert_eq!(i.members.len(), 2);
    assert!(matches!(&parsed[1], Item::Const(c) if &*c.name.name == "C"));
    assert!(
        matches!(&parsed[2], Item::Declaration(_, n, ty) if &*n.name == "Name" && matches!(ty.kind, TypeKind::Function(..)))
    );
}

#[test]
fn rpc_interface_attributes() {
    let parsed = items(
        "[uuid(56D58B64-8780-4c22-A8BC-8B0B29E4A9F8), implicit_handle(handle_t rpc_handle)]
         interface IRemote { UINT Call([in] __int3264 n); extern const long X; }",
    );
    let i = interface(&parsed[0]);
    assert!(matches!(
        i.attrs.attr("implicit_handle").unwrap().args[0],
        AttrArg::Type(_)
    ));
    let Item::Declaration(_, _, ty) = &i.members[0] else {
        panic!()
    };
    let TypeKind::Function(_, params) = &ty.kind else {
        panic!()
    };
    assert_eq!(params[0].ty.kind, TypeKind::Base(BaseType::Int3264, None));
}

#[test]
fn winrt_declarations() {
    let parsed = items(
        "namespace Windows.Foundation {
             typedef struct Point Point;
             interface IClosable;
             runtimeclass Uri;
             apicontract FoundationContract {}
             declare { interface Windows.Foundation.Collections.IVector<HSTRING>; }
             delegate HRESULT DeferralCompletedHandler();
             delegate HRESULT TypedEventHandler<TSender, TResult>([in] TSender sender, [in] TResult args);
             interface IVectorView<T> : IInspectable { HRESULT GetAt([in] UINT32 i, [out, retval] T *value); }
             [contract(Windows.Foundation.FoundationContract, 1.0), uuid(d6269732-3b7f-46a7-b40b-4fdca2a2c693)]
             interface IDeferral : IInspectable requires Windows.Foundation.IClosable
             {
                 HRESULT Complete([in] Windows.Foundation.Collections.IVector<IVector<HSTRING>> *v);
                 [eventadd] HRESULT Closed([in] Windows.Foundation.TypedEventHandler<IInspectable *, IInspectable *> *h,
                                           [out, retval] EventRegistrationToken *token);
             }
         }",
    );
    let Item::Namespace(path, body) = &parsed[0] else {
        panic!()
    };
    let path: Vec<&str> = path.iter().map(|p| p.name.as_ref()).collect();
    assert_eq!(path, ["Windows", "Foundation"]);
    assert!(matches!(&body[2], Item::WinRt(WinRtKind::RuntimeClass, Some(n), _) if &*n.name == "Uri"));
    assert!(matches!(&body[3], Item::WinRt(WinRtKind::ApiContract, _, _)));
    assert!(matches!(&body[4], Item::WinRt(WinRtKind::Declare, None, _)));
    assert!(matches!(&body[5], Item::Delegate(d) if &*d.name.name == "DeferralCompletedHandler"));
    assert!(matches!(&body[6], Item::WinRt(WinRtKind::Template, Some(n), _) if &*n.name == "TypedEventHandler"));
    assert!(matches!(&body[7], Item::WinRt(WinRtKind::Template, Some(n), _) if &*n.name == "IVectorView"));
    let i = interface(&body[8]);
    let Item::Declaration(_, _, ty) = &i.members[0] else {
        panic!()
    };
    let TypeKind::Function(_, params) = &ty.kind else {
        panic!()
    };
    // `>>` closing two argument lists at once.
    let TypeKind::Pointer(inner) = &params[0].ty.kind else {
        panic!()
    };
    let TypeKind::Generic(name, args) = &inner.kind else {
        panic!()
    };
    assert_eq!(name, "Windows.Foundation.Collections.IVector");
    assert!(matches!(&args[0].kind, TypeKind::Generic(n, _) if n == "IVector"));
}

#[test]
fn every_kind_of_deep_nesting_is_an_error() {
    for text in [
        format!("typedef long {}X;", "*".repeat(10_000)),
        format!("typedef long X{};", "[1]".repeat(10_000)),
        format!("const long X = {}1;", "-".repeat(10_000)),
        format!("const long X = 1{};", "+1".repeat(10_000)),
        format!("const long X = {}1{};", "1?".repeat(10_000), ":1".repeat(10_000)),
        format!("const long X = a{};", "[1]".repeat(10_000)),
        format!("const long X = {}1;", "(long)".repeat(10_000)),
        format!("{}{}", "namespace A { ".repeat(10_000), "}".repeat(10_000)),
    ] {
        let err = parse_error(&text);
        assert!(err.contains("nesting deeper than 128 levels"), "{err}");
    }
}
