//! Bindings for the interfaces of a fixed sample of the corpus's mingw-w64 IDL files that
//! widl accepts (every 10th, by name) pass `cargo check`: the affordable slice of the full
//! sweep that scripts/check-mingw-bindings.sh runs over every accepted file.

mod common;
#[path = "sweep/mingw.rs"]
mod mingw;
// The Win32 half of the sweep module is not used here.
#[allow(dead_code)]
mod sweep;

#[test]
fn bindings_for_every_10th_mingw_w64_file_compile() {
    let Some(corpus) = common::Corpus::open() else { return };
    let Some(widl) = common::widl_or_skip() else { return };
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = common::scratch_dir("mingw-sweep-test");
    let files = mingw::modules(&corpus, &widl, 10);
    println!(
        "{} mingw-w64 files, widl accepts {}; {} sampled files bind",
        files.files,
        files.accepted,
        files.modules.len()
    );
    assert!(files.accepted > 200, "widl accepted only {} files", files.accepted);
    assert!(
        files.modules.len() > 15,
        "the sample shrank: {} files",
        files.modules.len()
    );
    let outcome = sweep::sweep(
        &mingw::crates(files.modules, 40),
        &dir,
        &repo.join("target/mingw-sweep"),
    );
    let report: Vec<String> = outcome
        .failures
        .iter()
        .map(|f| format!("{}:\n  {}", f.label, f.errors.join("\n  ")))
        .collect();
    assert!(outcome.total > 150, "the sample shrank: {} interfaces", outcome.total);
    assert_eq!(outcome.compiled, outcome.total, "{}", report.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The shapes of mingw-w64's IDL the sweep first failed on, in one small file that needs
/// no corpus: a `[local]` interface chain without IUnknown at its root (d3d10effect.idl),
/// a union whose arms are anonymous structs (axextend.idl's REGFILTER2) and a field
/// named `_` (uianimation.idl); and one it compiled wrongly, a struct named by a typedef
/// before its body (dwrite.idl's DWRITE_GLYPH_RUN, oaidl.idl's VARIANT), which bound
/// without fields.
#[test]
fn bindings_for_shapes_from_mingw_w64_compile() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = common::scratch_dir("mingw-shapes");
    let idl = dir.join("shapes.idl");
    std::fs::write(
        &idl,
        r#"import "unknwn.idl";
typedef struct { int _; } KEYFRAME;
typedef struct RUN RUN;
struct RUN { UINT count; FLOAT size; };
typedef struct {
    DWORD version;
    [switch_is(version)] [switch_type(DWORD)] union {
        [case(1)] struct { ULONG count; [size_is(count)] const DWORD *items; };
        [case(2)] struct { ULONG count2; [size_is(count2)] const GUID *items2; };
        [default] ;
    };
} FILTER;
[local, object, uuid(ae897105-00e6-45bf-bb8e-281dd6db8e1b)]
interface IVariable { BOOL IsValid(); HRESULT Frame([in] KEYFRAME *k); }
[local, object, uuid(00e48f7b-d2c8-49e8-a86c-022dee53431f)]
interface IScalar : IVariable { HRESULT SetInt([in] int value); }
[object, local, uuid(51b0ca8b-ec0b-4519-870d-8ee1cb5017c7)]
interface IEffect : IUnknown {
    IScalar *GetVariable([in] UINT index);
    HRESULT Register([in] const FILTER *filter);
    RUN Run();
}
"#,
    )
    .expect("write shapes.idl");
    let model = oscgen::load::load_model(
        &mut oscgen::source::SourceMap::new(),
        &[oscgen::idl::Input::File(idl)],
        &oscgen::idl::LoadOptions::default(),
    )
    .expect("read shapes.idl");
    let names = ["IEffect".to_string()];
    let module = sweep::Module::bind(&model, "shapes", "shapes.idl", &names);
    let text = module.text.as_ref().expect("bindings").clone();
    assert!(text.contains("define_interface!(IVariable, IVariable_Vtbl)"), "{text}");
    assert!(text.contains("pub __: i32"), "{text}");
    assert!(text.contains("pub count: UINT"), "{text}");
    assert!(!text.contains("union __anonymous1 {}"), "{text}");
    let outcome = sweep::sweep(&[vec![module]], &dir, &repo.join("target/mingw-sweep"));
    let report: Vec<String> = outcome.failures.iter().flat_map(|f| f.errors.clone()).collect();
    assert_eq!(outcome.compiled, 1, "{}\n{text}", report.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
}
