//! Oracle test: windows-bindgen 0.100 reads the same metadata and writes a `_Vtbl` struct
//! per interface, one field per slot after `base__`. oscgen's vtables must list the same
//! slots in the same order, with the same base, for
//!
//! - every COM interface in the Windows.Win32.winmd windows-bindgen ships (the fixed
//!   rule: all of them, in name order, except IUnknown and IInspectable, which bindgen
//!   maps onto windows-core's own types), and
//! - the interfaces of metadata/osc.winmd and metadata/mapi.winmd, the files oscgen
//!   writes, read by bindgen together with its default metadata.
//!
//! bindgen names fields by its own rule, applied here to oscgen's names: a property
//! accessor (SpecialName) `get_X` becomes `X` and `put_X` becomes `SetX`, a repeated
//! name gets `2`, `3`, ..., a keyword is a raw identifier and `Self` is `Self_`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use oscgen::idl::{Input, LoadOptions};
use oscgen::model::Model;
use oscgen::model::interface::MethodKind;
use oscgen::model::vtable::Vtable;
use oscgen::source::SourceMap;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oscgen-winmd-bindgen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn load(inputs: &[PathBuf]) -> Model {
    let inputs: Vec<Input> = inputs.iter().cloned().map(Input::File).collect();
    oscgen::load::load_model(&mut SourceMap::new(), &inputs, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// One `_Vtbl` struct as bindgen wrote it: the base's name and the fields after `base__`.
#[derive(Debug, PartialEq, Eq)]
struct BindgenVtable {
    base: String,
    fields: Vec<String>,
}

/// The `X_Vtbl` structs of a bindgen output file, by interface name. Each struct is cut
/// out of the (rustfmt-formatted) text and parsed with syn on its own: the whole file
/// is tens of megabytes for the Win32 metadata.
fn bindgen_vtables(file: &Path) -> HashMap<String, BindgenVtable> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = HashMap::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("pub struct ") {
        let tail = &rest[at..];
        let header_end = tail.find(['{', ';', '(']).unwrap_or(tail.len());
        let name = tail["pub struct ".len()..header_end].trim();
        let Some(interface) = name.strip_suffix("_Vtbl") else {
            rest = &tail[header_end.min(tail.len() - 1) + 1..];
            continue;
        };
        let end = tail.find("\n}").expect("struct end") + 2;
        let item: syn::ItemStruct = syn::parse_str(&tail[..end]).unwrap_or_else(|e| panic!("{e}: {}", &tail[..end]));
        let mut base = String::new();
        let mut fields = Vec::new();
        for field in &item.fields {
            let fname = field.ident.as_ref().unwrap().to_string();
            if fname == "base__" {
                let syn::Type::Path(p) = &field.ty else {
                    panic!("base__ type")
                };
                let last = p.path.segments.last().unwrap().ident.to_string();
                base = last.strip_suffix("_Vtbl").unwrap_or(&last).to_string();
                continue;
            }
            // A cfg-gated slot appears twice, as the function and as `usize`: one slot.
            let negated = field
                .attrs
                .iter()
                .any(|a| a.path().is_ident("cfg") && quote::quote!(#a).to_string().contains("not"));
            if !negated {
                fields.push(fname.trim_start_matches("r#").to_string());
            }
        }
        out.insert(interface.to_string(), BindgenVtable { base, fields });
        rest = &tail[end..];
    }
    out
}

/// oscgen's vtable of `name` as bindgen would name its own fields.
fn expected(model: &Model, name: &str) -> BindgenVtable {
    let vt = model.vtable(name).unwrap();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let fields = vt
        .own_slots()
        .map(|s| {
            let m = s.method;
            let base = match m.kind {
                MethodKind::Plain => m.name.clone(),
                MethodKind::PropGet => m.name[4..].to_string(),
                MethodKind::PropPut | MethodKind::PropPutRef => format!("Set{}", &m.name[4..]),
            };
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            match base.as_str() {
                _ if *n > 1 => format!("{base}{n}"),
                "Self" | "self" => format!("{base}_"),
                "_" => "unused".to_string(),
                _ => base,
            }
        })
        .collect();
    let base = vt.interface.base.clone().unwrap_or_default();
    BindgenVtable { base, fields }
}

fn compare(model: &Model, names: &[String], bindgen: &HashMap<String, BindgenVtable>) -> Vec<String> {
    let mut failures = Vec::new();
    for name in names {
        let want = expected(model, name);
        match bindgen.get(name) {
            None => failures.push(format!("{name}: no {name}_Vtbl in bindgen's output")),
            Some(got) if *got != want => failures.push(format!("{name}:\n  oscgen  {want:?}\n  bindgen {got:?}")),
            Some(_) => {}
        }
    }
    failures
}

fn win32_winmd(dir: &Path) -> PathBuf {
    let path = dir.join("Windows.Win32.winmd");
    std::fs::write(&path, windows_default::WIN32).unwrap();
    path
}

#[test]
fn every_win32_com_interface_has_bindgens_slots() {
    let dir = scratch("win32");
    let model = load(&[win32_winmd(&dir)]);
    let mut names: Vec<String> = model
        .root_interfaces()
        .map(|i| i.name.clone())
        .filter(|n| n != "IUnknown" && n != "IInspectable")
        .collect();
    names.sort();
    assert!(names.len() > 4000, "only {} COM interfaces read", names.len());
    let out = dir.join("bindings.rs");
    let filters: Vec<String> = names.iter().map(|n| format!("Windows.Win32.{n}")).collect();
    windows_bindgen::builder().output(&out).flat().filters(&filters).write();
    let bindgen = bindgen_vtables(&out);
    let failures = compare(&model, &names, &bindgen);
    let slots: usize = names.iter().map(|n| expected(&model, n).fields.len()).sum();
    println!(
        "compared {} interfaces ({slots} own slots) with windows-bindgen",
        names.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The committed .winmd files: bindgen accepts them next to its default metadata, and
/// its vtables are oscgen's, as read from the IDL they were written from.
#[test]
fn bindgen_reads_the_written_files_with_the_same_slots() {
    for (idl, winmd, namespace) in [
        ("osc.idl", "osc.winmd", "OutlookSocialProvider"),
        ("mapi.idl", "mapi.winmd", "mapi"),
    ] {
        let from_idl = load(&[repo().join("metadata").join(idl)]);
        let names: Vec<String> = from_idl.root_interfaces().map(|i| i.name.clone()).collect();
        let dir = scratch(namespace);
        let out = dir.join("bindings.rs");
        windows_bindgen::builder()
            .input_default()
            .input(repo().join("metadata").join(winmd))
            .output(&out)
            .flat()
            // A namespace filter takes the Win32 types it uses only when listed.
            .filters([namespace, "Windows.Win32.SAFEARRAY"])
            .write();
        let bindgen = bindgen_vtables(&out);
        let failures = compare(&from_idl, &names, &bindgen);
        assert!(failures.is_empty(), "{winmd}:\n{}", failures.join("\n"));
        // Every method has its full signature: no slot fell back to `usize`.
        let text = std::fs::read_to_string(&out).unwrap();
        let placeholders: BTreeMap<&str, ()> = text
            .lines()
            .filter(|l| l.trim_end().ends_with(": usize,") && !l.contains("pub "))
            .map(|l| (l.trim(), ()))
            .collect();
        assert!(
            placeholders.is_empty(),
            "{winmd}: slots without a signature: {placeholders:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn bindgen_field_names_follow_its_rule() {
    let model = load(&[repo().join("metadata/osc.idl")]);
    let e = expected(&model, "ISocialProvider");
    assert_eq!(e.base, "IUnknown");
    assert_eq!(&e.fields[..2], ["GetCapabilities", "Version"]);
    let session = expected(&model, "ISocialSession");
    assert_eq!(session.fields[1], "SetSiteUrl");
    assert!(
        Vtable::of(&model, model.interface("ISocialProfile").unwrap())
            .slots
            .len()
            == 12
    );
}
