//! The built-in interface sets (metadata/osc.idl, mapi.idl, office.idl) are real IDL: widl
//! accepts them with the SDK's IDL (mingw-w64's) on the import path and none of
//! oscgen's stand-ins, and oscgen reads the same interfaces from them either way.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use oscgen::builtin;
use oscgen::idl::{Input, LoadOptions};
use oscgen::load::load_model;
use oscgen::model::Model;
use oscgen::model::param::ParamAttr;
use oscgen::model::types::{Type, TypeDefKind};
use oscgen::source::SourceMap;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The SDK's IDL directory and mingw-w64's C headers, or `None` (after a skip notice).
fn sdk_or_skip() -> Option<Vec<PathBuf>> {
    let idl = repo().join("../shared/corpus/mingw-w64");
    let headers = PathBuf::from(common::MINGW_INCLUDE);
    for dir in [&idl, &headers] {
        if !dir.is_dir() {
            common::skip(&format!(
                "{} not found: the SDK's IDL (../shared/corpus) and mingw-w64-common are needed",
                dir.display()
            ));
            return None;
        }
    }
    Some(vec![idl, headers])
}

#[test]
fn widl_accepts_the_builtin_sets_with_the_sdk_and_no_stand_ins() {
    let Some(widl) = common::widl_or_skip() else { return };
    let Some(dirs) = sdk_or_skip() else { return };
    let out = common::scratch_dir("builtin-sdk");
    for file in builtin::SETS {
        let header = out.join(file.name.replace(".idl", ".h"));
        let mut cmd = Command::new(&widl);
        for dir in &dirs {
            cmd.arg("-I").arg(dir);
        }
        let result = cmd
            .arg("-h")
            .arg("-o")
            .arg(&header)
            .arg(repo().join("metadata").join(file.path))
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", widl.display()));
        assert!(
            result.status.success(),
            "widl rejects metadata/{} with the SDK's IDL:\n{}",
            file.path,
            String::from_utf8_lossy(&result.stderr)
        );
        let text = std::fs::read_to_string(&header).unwrap();
        assert!(text.contains("Vtbl"), "{}: widl wrote no vtable", file.name);
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// OLE Automation's own structures, which office.idl's interfaces reach through IDispatch
/// and SAFEARRAY(VARIANT): compared by name. The SDK spells VARIANT's nameless unions with
/// `__VARIANT_NAME_*` macros and EXCEPINFO's reserved pointers as ULONG_PTR where the
/// stand-in has the unions' members and void*, so their expansions differ in spelling.
const AUTOMATION_TYPES: &[&str] = &["VARIANT", "VARIANTARG", "EXCEPINFO", "DISPPARAMS"];

/// A type down to what the ABI sees: typedefs followed, structs by their fields.
fn abi(model: &Model, ty: &Type, depth: usize) -> String {
    match ty {
        Type::Named(name) if AUTOMATION_TYPES.iter().any(|t| **t == **name) => name.to_string(),
        Type::Named(name) => match model.type_def(name).map(|t| &t.kind) {
            Some(TypeDefKind::Alias(t)) if depth < 8 => abi(model, t, depth + 1),
            Some(TypeDefKind::Struct(fields) | TypeDefKind::Union(fields)) if depth < 3 => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{}: {}", f.name, abi(model, &f.ty, depth + 1)))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            }
            Some(TypeDefKind::Enum(..)) => "enum".into(),
            Some(TypeDefKind::Interface) | None if model.interface(name).is_some() => format!("interface {name}"),
            _ => name.to_string(),
        },
        Type::Pointer(t) => format!("{}*", abi(model, t, depth)),
        // `const` does not change the ABI, and the SDK writes it where the stand-ins may not.
        Type::Const(t) => abi(model, t, depth),
        Type::Array(t, n) => format!("{}[{n:?}]", abi(model, t, depth)),
        Type::SafeArray(t) => format!("SAFEARRAY({})", abi(model, t, depth)),
        Type::Function(r, ps) => {
            let ps: Vec<String> = ps.iter().map(|p| abi(model, p, depth)).collect();
            format!("fn({}) -> {}", ps.join(", "), abi(model, r, depth))
        }
        other => other.to_string(),
    }
}

/// The file's own interfaces, slot by slot, as text that differs wherever models do.
fn describe(model: &Model) -> Vec<String> {
    let mut out = Vec::new();
    for iface in model.root_interfaces() {
        out.push(format!("{} iid {:?} base {:?}", iface.name, iface.iid, iface.base));
        for slot in &model.vtable(&iface.name).unwrap().slots {
            let m = slot.method;
            out.push(format!(
                "  {} {} ({} {:?}) -> {} [{}]",
                slot.index,
                m.name,
                m.idl_name,
                m.kind,
                abi(model, &m.ret, 0),
                slot.declared_in.name
            ));
            for p in &m.params {
                // Attributes as IDL writes them; spacing inside an argument may differ. SAL
                // annotations are left out: the stand-ins carry the Windows SDK's where
                // they shape the bindings (IDispatch::Invoke's `_Out_opt_`), mingw-w64's
                // IDL has none, and neither changes the ABI.
                let attrs: Vec<String> = p
                    .attrs
                    .iter()
                    .filter(|a| !matches!(a, ParamAttr::Annotation(_)))
                    .map(|a| a.to_string().split_whitespace().collect())
                    .collect();
                out.push(format!(
                    "    {} {:?} retval={} {} / {} {:?}",
                    p.name,
                    p.dir,
                    p.retval,
                    p.ty,
                    abi(model, &p.ty, 0),
                    attrs
                ));
            }
        }
    }
    out
}

#[test]
fn the_builtin_sets_give_the_same_model_with_stand_ins_and_with_the_sdk() {
    let Some(dirs) = sdk_or_skip() else { return };
    for file in builtin::SETS {
        let mut sources = SourceMap::new();
        let stand_ins = load_model(
            &mut sources,
            &[Input::Builtin(file.name.into())],
            &LoadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{} with the stand-ins: {e}", file.name));
        let options = LoadOptions {
            include_dirs: dirs.clone(),
            ..LoadOptions::default()
        };
        let path = repo().join("metadata").join(file.path);
        let mut sources = SourceMap::new();
        let sdk = load_model(&mut sources, &[Input::File(path)], &options).unwrap_or_else(|e| {
            let text = match e.diagnostics() {
                Some(d) => d.iter().map(|d| d.render(&sources)).collect(),
                None => e.to_string(),
            };
            panic!("{} with the SDK: {text}", file.name)
        });
        let (ours, theirs) = (describe(&stand_ins), describe(&sdk));
        assert!(ours.len() > 20, "{}: {ours:?}", file.name);
        let differ: Vec<String> = ours
            .iter()
            .zip(&theirs)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("stand-ins: {a}\n      SDK: {b}"))
            .take(20)
            .collect();
        assert!(
            differ.is_empty() && ours.len() == theirs.len(),
            "{}: the models differ ({} lines against {}):\n{}",
            file.name,
            ours.len(),
            theirs.len(),
            differ.join("\n")
        );
    }
}
