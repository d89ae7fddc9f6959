//! IDL -> model -> .winmd -> model, and what the written files are good for.
//!
//! "The same model" is defined by [`assert_same_model`]: the same root interfaces in the
//! same order; for each of them and every interface in its base chain the same name,
//! IID and base; the same slots in the same order, each with the same name, property
//! kind, return type and parameters (name, direction, `[retval]`, type, and a
//! `size_is(n)` naming another parameter or a number); the same definition for every
//! type those signatures reach (through aliases and struct fields); the same root
//! constants (name, type, value) in order.
//!
//! Left out, because ECMA-335 metadata has no place for them: source positions and file
//! names, the type as the IDL spells it (`Param::written`, re-derived from the type),
//! other parameter attributes (`length_is`, `iid_is`, `string`, `size_is` with an
//! expression), `[local]`, `[call_as]` methods (they own no slot and are not written),
//! libraries and coclasses, constants whose value is an unevaluated expression. Types are
//! compared as WinMD can spell them: C's 8-bit `char` is a byte (as in the Win32
//! metadata), `const` survives only on the innermost pointee (`const IID*`) and never on an
//! interface pointer, `T[]` is `T*`, a function type is `void*`, and an interface that
//! is only forward-declared, like a struct without fields, reads back as an opaque type.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use oscgen::idl::{Input, LoadOptions};
use oscgen::model::interface::{Interface, Method};
use oscgen::model::param::ParamAttr;
use oscgen::model::types::{Field, Scalar, Type, TypeDefKind};
use oscgen::model::vtable::Vtable;
use oscgen::model::{ConstValue, Model};
use oscgen::source::SourceMap;
use oscgen::winmd::names::winmd_name;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oscgen-winmd-roundtrip-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn load(inputs: &[PathBuf]) -> Model {
    let inputs: Vec<Input> = inputs.iter().cloned().map(Input::File).collect();
    oscgen::load::load_model(&mut SourceMap::new(), &inputs, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn oscgen(args: &[&str], dir: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oscgen"));
    cmd.args(args);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "oscgen {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A type as WinMD can spell it (see the module documentation).
fn canonical(ty: &Type, is_interface: &dyn Fn(&str) -> bool) -> Type {
    let mut depth = 0;
    let mut current = ty;
    loop {
        match current {
            Type::Pointer(inner) => {
                depth += 1;
                current = inner;
            }
            Type::Const(inner) if matches!(inner.as_ref(), Type::Pointer(_)) => current = inner,
            _ => break,
        }
    }
    let base = match current {
        Type::Const(inner) if depth > 0 && !matches!(inner.as_ref(), Type::Named(n) if is_interface(n)) => {
            Type::Const(Box::new(canonical(inner, is_interface)))
        }
        Type::Const(inner) => canonical(inner, is_interface),
        Type::Scalar(Scalar::Char) => Type::Scalar(Scalar::U8),
        Type::SafeArray(inner) => Type::SafeArray(Box::new(canonical(inner, is_interface))),
        Type::Array(inner, Some(n)) => Type::Array(Box::new(canonical(inner, is_interface)), Some(*n)),
        Type::Array(inner, None) => {
            depth += 1;
            canonical(inner, is_interface)
        }
        Type::Function(..) => {
            depth = depth.max(1);
            Type::Void
        }
        Type::Pointer(_) => unreachable!("pointers were counted"),
        // WinMD spells C's tag names bare (`struct _SPropValue` is `_SPropValue`).
        Type::Named(n) => Type::Named(winmd_name(n).into()),
        other => other.clone(),
    };
    (0..depth).fold(base, |t, _| Type::pointer(t))
}

/// The `size_is` attributes WinMD carries: a parameter's name or a number.
fn simple_size_is(attrs: &[ParamAttr], m: &Method) -> Vec<ParamAttr> {
    attrs
        .iter()
        .filter(|a| match a {
            ParamAttr::SizeIs(args) if args.len() == 1 => {
                let arg = &*args[0];
                m.params.iter().any(|p| *p.name == *arg) || arg.parse::<i32>().is_ok()
            }
            _ => false,
        })
        .cloned()
        .collect()
}

fn fields(fields: &[Field], is_interface: &dyn Fn(&str) -> bool) -> Vec<(String, Type)> {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = if f.name.is_empty() {
                format!("Anonymous{i}")
            } else {
                f.name.clone()
            };
            (name, canonical(&f.ty, is_interface))
        })
        .collect()
}

fn assert_same_model(idl: &Model, winmd: &Model, what: &str) -> (usize, usize, usize) {
    let is_interface = |n: &str| {
        idl.interface(n).is_some() || matches!(idl.type_def(n).map(|t| &t.kind), Some(TypeDefKind::Interface))
    };
    // The file declares the inputs' interfaces, then the non-SDK ones they reach; all of
    // them read back as the file's own.
    let roots = |m: &Model| m.root_interfaces().map(|i| i.name.clone()).collect::<Vec<_>>();
    let (a, b) = (roots(idl), roots(winmd));
    assert_eq!(a, b[..a.len().min(b.len())], "{what}: root interfaces");
    for extra in &b[a.len()..] {
        assert!(
            idl.interface(extra).is_some(),
            "{what}: {extra} is not in the IDL model"
        );
    }
    let mut checked: BTreeSet<String> = BTreeSet::new();
    let mut pending_types = Vec::new();
    let mut slots = 0;
    for root in idl.root_interfaces() {
        let mut chain = vec![root];
        chain.extend(Vtable::ancestors(idl, root));
        for a in chain {
            if !checked.insert(a.name.clone()) {
                continue;
            }
            let b: &Interface = winmd
                .interface(&a.name)
                .unwrap_or_else(|| panic!("{what}: no {}", a.name));
            let at = format!("{what}: {}", a.name);
            assert_eq!(a.iid, b.iid, "{at}: IID");
            assert_eq!(a.base, b.base, "{at}: base");
            let ma: Vec<&Method> = a.methods.iter().filter(|m| m.has_slot()).collect();
            let mb: Vec<&Method> = b.methods.iter().filter(|m| m.has_slot()).collect();
            assert_eq!(
                ma.iter().map(|m| &m.name).collect::<Vec<_>>(),
                mb.iter().map(|m| &m.name).collect::<Vec<_>>(),
                "{at}: slots"
            );
            for (x, y) in ma.iter().zip(&mb) {
                let at = format!("{at}::{}", x.name);
                slots += 1;
                assert_eq!((x.kind, &x.idl_name), (y.kind, &y.idl_name), "{at}: property kind");
                assert_eq!(
                    canonical(&x.ret, &is_interface),
                    canonical(&y.ret, &is_interface),
                    "{at}: return type"
                );
                x.ret.names(&mut pending_types);
                assert_eq!(x.params.len(), y.params.len(), "{at}: parameter count");
                for (p, q) in x.params.iter().zip(&y.params) {
                    let at = format!("{at}({})", p.name);
                    assert_eq!(p.name, q.name, "{at}: name");
                    assert_eq!(p.dir, q.dir, "{at}: direction");
                    assert_eq!(p.retval, q.retval, "{at}: [retval]");
                    assert_eq!(
                        canonical(&p.ty, &is_interface),
                        canonical(&q.ty, &is_interface),
                        "{at}: type"
                    );
                    assert_eq!(
                        simple_size_is(&p.attrs, x),
                        simple_size_is(&q.attrs, y),
                        "{at}: size_is"
                    );
                    p.ty.names(&mut pending_types);
                }
            }
        }
    }
    let mut types = 0;
    let mut seen = BTreeSet::new();
    while let Some(name) = pending_types.pop() {
        if idl.interface(&name).is_some() || !seen.insert(name.clone()) {
            continue;
        }
        let mut a = &idl
            .type_def(&name)
            .unwrap_or_else(|| panic!("{what}: {name} undeclared in IDL"))
            .kind;
        // `typedef struct X X;`: in WinMD the alias and its tag are one struct `X`.
        if let TypeDefKind::Alias(Type::Named(target)) = a
            && winmd_name(target) == winmd_name(&name)
            && let Some(def) = idl.type_def(target)
        {
            a = &def.kind;
        }
        // The SDK's types come back from the stand-ins, under the model's own names.
        let b = &winmd
            .type_def(&name)
            .or_else(|| winmd.type_def(winmd_name(&name)))
            .unwrap_or_else(|| panic!("{what}: {name} undeclared in WinMD"))
            .kind;
        types += 1;
        let at = format!("{what}: type {name}");
        match (a, b) {
            (TypeDefKind::Alias(x), TypeDefKind::Alias(y)) => {
                assert_eq!(canonical(x, &is_interface), canonical(y, &is_interface), "{at}");
                x.names(&mut pending_types);
            }
            (TypeDefKind::Struct(x), TypeDefKind::Struct(y)) | (TypeDefKind::Union(x), TypeDefKind::Union(y)) => {
                assert_eq!(fields(x, &is_interface), fields(y, &is_interface), "{at}");
                for f in x {
                    f.ty.names(&mut pending_types);
                }
            }
            (TypeDefKind::Enum(_, x), TypeDefKind::Enum(_, y)) => assert_eq!(x, y, "{at}"),
            (TypeDefKind::Interface | TypeDefKind::Opaque, TypeDefKind::Opaque)
            | (TypeDefKind::Interface, TypeDefKind::Interface) => {}
            (TypeDefKind::Struct(x), TypeDefKind::Opaque) if x.is_empty() => {}
            (x, y) => panic!("{at}: {x:?} became {y:?}"),
        }
    }
    let constants = |m: &Model| {
        m.constants
            .iter()
            .filter(|c| c.root && !matches!(c.value, ConstValue::Expr(_)))
            .map(|c| (c.name.clone(), canonical(&c.ty, &is_interface), c.value.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(constants(idl), constants(winmd), "{what}: constants");
    (checked.len(), slots, types)
}

fn round_trip(inputs: &[PathBuf], what: &str) -> (usize, usize, usize) {
    let idl = load(inputs);
    let roots: Vec<&Interface> = idl.root_interfaces().collect();
    if roots.is_empty() {
        return (0, 0, 0); // wtypes.idl: types only, nothing of its own to write
    }
    let (bytes, _) = oscgen::winmd::write(&idl, &roots, "RoundTrip").unwrap();
    let dir = scratch(what);
    let file = dir.join(format!("{what}.winmd"));
    fs::write(&file, &bytes).unwrap();
    let winmd = load(std::slice::from_ref(&file));
    let counts = assert_same_model(&idl, &winmd, what);
    let _ = fs::remove_dir_all(&dir);
    counts
}

#[test]
fn osc_and_mapi_round_trip_to_the_same_model() {
    let (interfaces, slots, types) = round_trip(&[repo().join("metadata/osc.idl")], "osc");
    assert_eq!((interfaces, slots), (6, 39), "five OSC interfaces and IUnknown");
    assert!(types >= 5, "{types} types");
    let (interfaces, _, types) = round_trip(&[repo().join("metadata/mapi.idl")], "mapi");
    assert_eq!(interfaces, 15, "fourteen MAPI interfaces and IUnknown");
    assert!(types >= 40, "{types} types");
}

/// The stand-ins, given as files (not as oscgen's built-ins, which a written file only
/// refers to): dozens of interfaces, structs, unions, enums and `size_is` parameters.
#[test]
fn the_sdk_stand_ins_round_trip_to_the_same_model() {
    let mut files: Vec<PathBuf> = fs::read_dir(repo().join("metadata/std"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "idl"))
        .collect();
    files.sort();
    // One file at a time: a file another input imports would not be a root of its own.
    let (mut interfaces, mut slots, mut types) = (0, 0, 0);
    for file in &files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let (i, s, t) = round_trip(std::slice::from_ref(file), &stem);
        (interfaces, slots, types) = (interfaces + i, slots + s, types + t);
    }
    println!("stand-ins: {interfaces} interfaces, {slots} slots, {types} types compared");
    assert!(
        interfaces >= 30 && slots >= 140 && types >= 100,
        "{interfaces} {slots} {types}"
    );
}

#[test]
fn writing_is_deterministic_and_the_committed_files_are_current() {
    let dir = scratch("determinism");
    for (idl, winmd) in [("osc.idl", "osc.winmd"), ("mapi.idl", "mapi.winmd")] {
        let a = dir.join(format!("a-{winmd}"));
        let b = dir.join(format!("b-{winmd}"));
        let input = repo().join("metadata").join(idl);
        oscgen(&["winmd", input.to_str().unwrap(), "-o", a.to_str().unwrap()], None);
        oscgen(&["winmd", input.to_str().unwrap(), "-o", b.to_str().unwrap()], None);
        let (a, b) = (fs::read(a).unwrap(), fs::read(b).unwrap());
        assert_eq!(a, b, "{winmd}: two runs differ");
        let committed = fs::read(repo().join("metadata").join(winmd)).unwrap();
        assert!(
            a == committed,
            "metadata/{winmd} is stale: run `oscgen winmd metadata/{idl} -o metadata/{winmd}`"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

/// Reading a written file and writing it again gives the same bytes: the model is a
/// fixed point of the WinMD front and back ends.
#[test]
fn a_written_file_read_and_written_again_is_the_same_file() {
    let dir = scratch("fixed-point");
    for (winmd, namespace) in [("osc.winmd", "OutlookSocialProvider"), ("mapi.winmd", "mapi")] {
        let input = repo().join("metadata").join(winmd);
        let again = dir.join(winmd);
        oscgen(
            &[
                "winmd",
                input.to_str().unwrap(),
                "-o",
                again.to_str().unwrap(),
                "--namespace",
                namespace,
            ],
            None,
        );
        assert!(
            fs::read(&again).unwrap() == fs::read(&input).unwrap(),
            "{winmd} changed"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// `oscgen new --input osc.winmd`, then the same oscgen.toml (same GUIDs) with osc.idl
/// as the input: every file is byte-identical, except the lines that name the input,
/// oscgen.toml's `idl = [...]` and the header of src/generated/bindings.rs, which must
/// be equal once the input's name is replaced.
#[test]
fn a_project_from_osc_winmd_is_the_project_from_osc_idl() {
    let dir = scratch("project");
    fs::copy(repo().join("metadata/osc.winmd"), dir.join("osc.winmd")).unwrap();
    fs::copy(repo().join("metadata/osc.idl"), dir.join("osc.idl")).unwrap();
    let target = dir.join("from-winmd");
    oscgen(
        &[
            "new",
            target.to_str().unwrap(),
            "--name",
            "osc-provider",
            "--input",
            "osc.winmd",
        ],
        Some(&dir),
    );
    let toml = fs::read_to_string(dir.join("from-winmd/oscgen.toml")).unwrap();
    assert!(toml.contains("\"../osc.winmd\""), "{toml}");
    fs::create_dir_all(dir.join("from-idl")).unwrap();
    fs::write(
        dir.join("from-idl/oscgen.toml"),
        toml.replace("\"../osc.winmd\"", "\"../osc.idl\""),
    )
    .unwrap();
    oscgen(&["generate", dir.join("from-idl").to_str().unwrap()], Some(&dir));
    let (a, b) = (dir.join("from-idl"), dir.join("from-winmd"));
    assert_eq!(tree(&a), tree(&b), "the same files");
    let mut differing = Vec::new();
    for file in tree(&a) {
        let (x, y) = (fs::read(a.join(&file)).unwrap(), fs::read(b.join(&file)).unwrap());
        if x == y {
            continue;
        }
        let (x, y) = (String::from_utf8(x).unwrap(), String::from_utf8(y).unwrap());
        assert_eq!(x.lines().count(), y.lines().count(), "{}", file.display());
        for (l, m) in x.lines().zip(y.lines()) {
            if l != m {
                assert!(m.contains("osc.winmd"), "{}: {l:?} vs {m:?}", file.display());
                assert_eq!(l, m.replace("osc.winmd", "osc.idl"), "{}", file.display());
            }
        }
        differing.push(file.display().to_string());
    }
    assert_eq!(differing, ["oscgen.toml", "src/generated/bindings.rs"]);
    let _ = fs::remove_dir_all(&dir);
}
