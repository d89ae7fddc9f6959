//! Comparing a model read from a type library with the model of the IDL it was built
//! from: per interface its IID, its vtable slot by slot (name, parameter count and
//! directions, DISPID) and its dispatch members; per coclass its CLSID and interfaces.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use oscgen::idl::{Input, LoadOptions};
use oscgen::load;
use oscgen::model::Model;
use oscgen::model::types::{Scalar, Type, TypeDefKind};
use oscgen::source::SourceMap;

/// Wine's PE directory (Debian's wine64 package), where its type libraries are;
/// `OSCGEN_WINE_DIR` overrides it.
pub const WINE_DIR: &str = "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows";

pub fn wine_dir() -> PathBuf {
    std::env::var_os("OSCGEN_WINE_DIR").map_or_else(|| PathBuf::from(WINE_DIR), PathBuf::from)
}

/// The model of `path` (IDL or type library), with `include_dirs` searched.
pub fn model(path: &Path, include_dirs: &[PathBuf], defines: &[String]) -> Result<Model, String> {
    let mut sources = SourceMap::new();
    let options = LoadOptions {
        include_dirs: include_dirs.to_vec(),
        defines: defines.to_vec(),
        undefines: Vec::new(),
    };
    load::load_model(&mut sources, &[Input::File(path.to_path_buf())], &options).map_err(|e| match e.diagnostics() {
        Some(d) => d.iter().map(|d| d.render(&sources)).collect::<Vec<_>>().join("\n"),
        None => e.to_string(),
    })
}

/// One line per fact the two models must agree on, for the interfaces and coclasses of
/// `lib`'s library (the type library's).
pub fn facts(model: &Model, interfaces: &[String], coclasses: &[String]) -> BTreeSet<String> {
    facts_with(model, interfaces, coclasses, false)
}

/// [`facts`], with each slot's types in their [`vt_form`] when `types` is set.
pub fn facts_with(model: &Model, interfaces: &[String], coclasses: &[String], types: bool) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for name in interfaces {
        // Names are case-insensitive in a type library: msado15's interface `Parameters`
        // is spelled as the parameter `parameters` met first.
        let found = model
            .interface(name)
            .or_else(|| model.interfaces().iter().find(|i| i.name.eq_ignore_ascii_case(name)));
        let Some(iface) = found else {
            out.insert(format!("{name}: missing"));
            continue;
        };
        let name = &iface.name;
        out.insert(format!(
            "{name}: iid {}",
            iface.iid.map_or_else(|| "none".into(), |g| g.to_string())
        ));
        out.insert(format!("{name}: base {:?}", iface.base));
        // Each interface's own slots: an inherited one is its base's fact (a type library
        // may declare IDispatch itself, as stdole2 does, slightly unlike oaidl.idl).
        if let Some(vt) = model.vtable(name) {
            // The slots as a type library holds them: a `[local]` method is in it only
            // through its `[call_as]` twin, which takes its slot; one without a twin is
            // not in it at all (widl writes only what can be called remotely, and
            // numbers the slots without them). A no-op for a model read from a library.
            let mut index = 0;
            for s in &vt.slots {
                let method = if s.method.local {
                    match s
                        .declared_in
                        .methods
                        .iter()
                        .find(|m| m.call_as.as_deref() == Some(s.method.idl_name.as_str()))
                    {
                        Some(twin) => twin,
                        // oaidl.idl's `[local] Invoke` (the stand-ins' IDispatch, which a
                        // model takes over stdole2.tlb's) is in every library, via stdole2.
                        None if matches!(s.declared_in.name.as_str(), "IUnknown" | "IDispatch") => {
                            index += 1;
                            continue;
                        }
                        None => continue,
                    }
                } else {
                    s.method
                };
                if s.declared_in.name == *name {
                    let dirs: Vec<&str> = method.params.iter().map(|p| p.dir.as_str()).collect();
                    let retval = method.params.iter().any(|p| p.retval);
                    out.insert(format!(
                        "{name}: slot {index} {} ({}){}",
                        method.name,
                        dirs.join(" "),
                        if retval { " retval" } else { "" }
                    ));
                    if types {
                        let params: Vec<String> = method.params.iter().map(|p| vt_form(model, &p.ty)).collect();
                        out.insert(format!(
                            "{name}: slot {index} types {} ({})",
                            vt_form(model, &method.ret),
                            params.join(", ")
                        ));
                    }
                }
                index += 1;
            }
        }
        if let Some(d) = &iface.dispatch {
            out.insert(format!("{name}: dispatch dual={}", d.dual));
            if iface.dispatch.as_ref().is_some_and(|d| d.dual) {
                for m in &iface.methods {
                    out.insert(format!("{name}: dispid {} {}", m.name, id(m.dispid)));
                }
            }
            for p in &d.properties {
                out.insert(format!(
                    "{name}: property {} {} readonly={}",
                    p.name,
                    id(p.dispid),
                    p.readonly
                ));
            }
            for m in &d.methods {
                out.insert(format!(
                    "{name}: method {} {} params {}",
                    m.name,
                    id(m.dispid),
                    m.params.len()
                ));
            }
            if let Some(i) = &d.interface {
                out.insert(format!("{name}: wraps {i}"));
            }
        }
    }
    let all: Vec<&oscgen::model::Coclass> = model.libraries.iter().flat_map(|l| l.coclasses.iter()).collect();
    for name in coclasses {
        // Names are case-insensitive in a type library (msxml3 has `DOMDocument` and
        // `domDocument`): the exact spelling first, then any.
        let found = all
            .iter()
            .find(|c| &c.name == name)
            .or_else(|| all.iter().find(|c| c.name.eq_ignore_ascii_case(name)));
        let Some(c) = found else {
            out.insert(format!("coclass {name}: missing"));
            continue;
        };
        out.insert(format!(
            "coclass {name}: clsid {}",
            c.clsid.map_or_else(|| "none".into(), |g| g.to_string())
        ));
        // With no `[default]`, widl and MIDL mark the first incoming and the first
        // source interface default in the library, as clients take them.
        let mut defaults = [false, false];
        for i in &c.interfaces {
            defaults[i.source as usize] |= i.default;
        }
        let mut first = [true, true];
        for i in &c.interfaces {
            let side = i.source as usize;
            let default = i.default || (!defaults[side] && first[side]);
            first[side] = false;
            out.insert(format!(
                "coclass {name}: {} default={default} source={}",
                i.name, i.source
            ));
        }
    }
    out
}

/// The names a type library gives VARTYPEs: an alias of one of them is kept by name.
const VT_NAMES: &[&str] = &[
    "BSTR",
    "VARIANT",
    "VARIANT_BOOL",
    "HRESULT",
    "DATE",
    "CY",
    "DECIMAL",
    "SCODE",
    "LPSTR",
    "LPWSTR",
    "IUnknown",
    "IDispatch",
];

/// A type as a type library can say it: aliases resolved (a library records `LONG` as
/// VT_I4), except the names VARTYPEs stand for, a `const` dropped, wide characters as
/// VT_I2.
pub fn vt_form(model: &Model, ty: &Type) -> String {
    resolve(model, ty, 0).to_string()
}

fn resolve(model: &Model, ty: &Type, depth: u32) -> Type {
    let again = |t: &Type| Box::new(resolve(model, t, depth + 1));
    match ty {
        Type::Named(n) if depth < 16 && !VT_NAMES.contains(&&**n) => match model.type_def(n).map(|t| &t.kind) {
            Some(TypeDefKind::Alias(inner)) => resolve(model, inner, depth + 1),
            _ => ty.clone(),
        },
        // A type library has no wchar_t: widl writes VT_I2 for it, and VT_LPWSTR for a
        // `[string] wchar_t*`.
        Type::Scalar(Scalar::WChar) => Type::Scalar(Scalar::I16),
        Type::Named(n) if &**n == "LPWSTR" => Type::pointer(Type::Scalar(Scalar::I16)),
        Type::Pointer(t) => Type::Pointer(again(t)),
        Type::Const(t) => resolve(model, t, depth + 1),
        Type::Array(t, n) => Type::Array(again(t), *n),
        Type::SafeArray(t) => Type::SafeArray(again(t)),
        _ => ty.clone(),
    }
}

fn id(dispid: Option<i32>) -> String {
    dispid.map_or_else(|| "id=?".into(), |d| format!("id={d}"))
}

/// One fact per enumerator of every enum of `model` whose name is in `members` (the
/// enumerators of a library's own enums): the model of its IDL must give each the same
/// value. By enumerator, not by enum: a library names an enum by its tag or by a name
/// widl makes up (`__widl_..._generated_name_N`) where the IDL names the typedef.
pub fn enum_facts(model: &Model, members: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for t in model.types() {
        if let TypeDefKind::Enum(_, values) = &t.kind {
            for (member, value) in values.iter().filter(|(m, _)| members.contains(m)) {
                // As the 32 bits of a MIDL enum: the IDL's `0x80000000` is the library's
                // -2147483648.
                out.insert(format!("enumerator {member} = {:#x}", *value as u32));
            }
        }
    }
    out
}

/// One fact per record or union of `model` whose field names, in order, are one of
/// `layouts` (a library's own records): a record the library has and its IDL's model has
/// not shows as a difference. By fields, not by name, for the reason [`enum_facts`] gives.
pub fn record_facts(model: &Model, layouts: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for t in model.types() {
        let (kind, fields) = match &t.kind {
            TypeDefKind::Struct(f) => ("struct", f),
            TypeDefKind::Union(f) => ("union", f),
            _ => continue,
        };
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        let fact = format!("{kind} {{ {} }}", names.join("; ")).to_ascii_lowercase();
        if layouts.contains(&fact) {
            out.insert(fact);
        }
    }
    out
}

/// The field lists of the records and unions a type library file declares itself, as
/// [`record_facts`] writes them (in lower case: a library's names are case-insensitive).
pub fn library_records(path: &Path) -> BTreeSet<String> {
    let Ok(lib) = oscgen::typelib::read_file(path) else {
        return BTreeSet::new();
    };
    lib.typeinfos
        .iter()
        .filter_map(|t| {
            let kind = match t.kind {
                oscgen::typelib::format::tkind::RECORD => "struct",
                oscgen::typelib::format::tkind::UNION => "union",
                _ => return None,
            };
            let names: Vec<&str> = t.vars.iter().map(|v| v.name.as_str()).collect();
            Some(format!("{kind} {{ {} }}", names.join("; ")).to_ascii_lowercase())
        })
        .collect()
}

/// The enumerators of the enums a type library file declares itself.
pub fn library_enumerators(path: &Path) -> BTreeSet<String> {
    oscgen::typelib::read_file(path)
        .map(|lib| {
            lib.typeinfos
                .iter()
                .filter(|t| t.kind == oscgen::typelib::format::tkind::ENUM)
                .flat_map(|t| t.vars.iter().map(|v| v.name.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The interfaces and coclasses a type library's model declares as its own.
pub fn library_members(model: &Model) -> (Vec<String>, Vec<String>) {
    let interfaces = model.root_interfaces().map(|i| i.name.clone()).collect();
    let coclasses = model
        .libraries
        .iter()
        .flat_map(|l| l.coclasses.iter().map(|c| c.name.clone()))
        .collect();
    (interfaces, coclasses)
}

/// The facts one side has and the other not, marked `-` (type library only) and `+`
/// (IDL only).
///
/// Compared without letter case: a type library's name table holds each name once, in
/// the first spelling it met (mshtml's `URL` property and `url` parameter share one), as
/// MIDL and widl write it. A DISPID the IDL front end could not fold (an `[id(NAME)]` whose
/// macro is in a C header the corpus does not have) is not compared.
pub fn differences(tlb: &BTreeSet<String>, idl: &BTreeSet<String>) -> Vec<String> {
    let fold = |set: &BTreeSet<String>| -> BTreeSet<String> { set.iter().map(|f| f.to_ascii_lowercase()).collect() };
    let (tlb, idl) = (fold(tlb), fold(idl));
    let unfolded: BTreeSet<String> = idl
        .iter()
        .filter_map(|f| f.split_once(" id=?").map(|(head, _)| head.to_string()))
        .collect();
    let idl: BTreeSet<String> = idl.into_iter().filter(|f| !f.contains(" id=?")).collect();
    let tlb: BTreeSet<String> = tlb
        .into_iter()
        .filter(|f| !unfolded.iter().any(|u| f.starts_with(u.as_str())))
        .collect();
    let (tlb, idl) = (&tlb, &idl);
    let mut out: Vec<String> = tlb.difference(idl).map(|f| format!("- {f}")).collect();
    out.extend(idl.difference(tlb).map(|f| format!("+ {f}")));
    out.sort_by(|a, b| a[2..].cmp(&b[2..]).then(a.cmp(b)));
    out
}
