//! `importlib("stdole2.tlb")` reads the type library when the importing file's directory
//! or `-I` has it (here Wine's stdole2.tlb and stdole32.tlb, Debian's wine64 package),
//! and oscgen's stand-ins otherwise: the same vtables either way, for a small library and
//! for every file of the corpus that imports a library. A library found but unreadable
//! is an error at the `importlib`, exit code 2.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::tlb::wine_dir;
use common::{Corpus, CorpusFile, parallel, threads};
use oscgen::idl::{Input, LoadOptions, Session, lower};
use oscgen::load;
use oscgen::model::Model;
use oscgen::source::SourceMap;

const LIBRARY: &str = r#"[uuid(5e3f4d2a-1111-4a2b-9c3d-000000000001), version(1.0)]
library L
{
    importlib("stdole2.tlb");

    [object, uuid(5e3f4d2a-1111-4a2b-9c3d-000000000002), dual, oleautomation]
    interface I : IDispatch
    {
        HRESULT M([in] BSTR s, [out, retval] VARIANT_BOOL *ok);
    }
}
"#;

/// Wine's directory when it holds stdole2.tlb and stdole32.tlb, else `None` after
/// saying so (and failing under CI, which installs wine64).
fn wine_or_skip() -> Option<PathBuf> {
    let dir = wine_dir();
    for lib in ["stdole2.tlb", "stdole32.tlb"] {
        if !dir.join(lib).is_file() {
            common::skip(&format!(
                "{} not found (apt-get install wine64)",
                dir.join(lib).display()
            ));
            return None;
        }
    }
    Some(dir)
}

fn model(path: &Path, include_dirs: &[PathBuf], defines: &[String]) -> Result<Model, String> {
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

/// Each root interface's vtable, one line per slot: index, name, declaring interface
/// and parameter count. Types are left out: the type library spells IDispatch's
/// parameters in its own types (`unsigned long` for UINT).
fn vtables(model: &Model) -> Vec<String> {
    let mut out = Vec::new();
    for iface in model.root_interfaces() {
        let vtable = model.vtable(&iface.name).expect("a root interface has a vtable");
        for slot in &vtable.slots {
            out.push(format!(
                "{}[{}] {} from {} ({} params)",
                iface.name,
                slot.index,
                slot.method.name,
                slot.declared_in.name,
                slot.method.params.len()
            ));
        }
    }
    out
}

#[test]
fn idispatch_comes_from_wines_stdole2_with_the_stand_ins_slots() {
    let Some(wine) = wine_or_skip() else { return };
    let dir = common::scratch_dir("importlib-tlb");
    let idl = dir.join("lib.idl");
    std::fs::write(&idl, LIBRARY).unwrap();

    let from_tlb = model(&idl, std::slice::from_ref(&wine), &[]).unwrap();
    let stdole2 = wine.join("stdole2.tlb");
    let idispatch = from_tlb.interface("IDispatch").expect("IDispatch");
    assert_eq!(&*idispatch.origin.file, stdole2.display().to_string());
    assert!(!idispatch.origin.builtin && !idispatch.origin.stand_in);
    assert_eq!(from_tlb.vtable("IDispatch").unwrap().slots.len(), 7);
    // Imported, not the file's own.
    let roots: Vec<&str> = from_tlb.root_interfaces().map(|i| i.name.as_str()).collect();
    assert_eq!(roots, ["I"]);

    let from_stand_in = model(&idl, &[], &[]).unwrap();
    let stand_in = from_stand_in.interface("IDispatch").unwrap();
    assert!(stand_in.origin.stand_in, "{:?}", stand_in.origin);
    let slots = vtables(&from_tlb);
    assert_eq!(slots.len(), 8, "{slots:#?}");
    assert_eq!(slots, vtables(&from_stand_in));
    assert_eq!(slots[7], "I[7] M from I (2 params)");

    // A session that keeps the parsed files hands the library to lowering among them.
    let options = LoadOptions {
        include_dirs: vec![wine.clone()],
        ..LoadOptions::default()
    };
    let reader = load::TypeLibReader::new(&options.include_dirs);
    let mut sources = SourceMap::new();
    let mut session = Session::new(&mut sources, &options)
        .unwrap()
        .with_type_libraries(&reader);
    let files = session.load(&mut sources, &[Input::File(idl.clone())]).unwrap();
    assert!(files.iter().any(|f| f.library.is_some()));
    let whole = Model::new(lower::lower(&sources, &files).unwrap()).unwrap();
    assert_eq!(vtables(&whole), slots);
    assert_eq!(whole.interface("IDispatch").unwrap().origin, idispatch.origin);

    // `inspect` names the type library as where IDispatch is declared.
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .args(["inspect", "--interface", "IDispatch", "-I"])
        .arg(&wine)
        .arg(&idl)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("IDispatch : IUnknown") && first.contains(&format!("{}]", stdole2.display())),
        "{stdout}"
    );

    // The type library oscgen writes references IDispatch in stdole2.tlb either way.
    let write = |out: &Path, include: Option<&Path>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_oscgen"));
        cmd.arg("tlb").arg(&idl).arg("-o").arg(out);
        if let Some(dir) = include {
            cmd.arg("-I").arg(dir);
        }
        let done = cmd.output().unwrap();
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
        std::fs::read(out).unwrap()
    };
    assert_eq!(
        write(&dir.join("real.tlb"), Some(&wine)),
        write(&dir.join("stand-in.tlb"), None)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_corrupt_library_on_the_path_is_an_error_at_the_importlib() {
    let Some(wine) = wine_or_skip() else { return };
    let dir = common::scratch_dir("importlib-corrupt");
    let idl = dir.join("lib.idl");
    std::fs::write(&idl, LIBRARY).unwrap();
    let libs = dir.join("libs");
    std::fs::create_dir_all(&libs).unwrap();
    // Half a library, and under another letter case: found as Windows would find it.
    let bytes = std::fs::read(wine.join("stdole2.tlb")).unwrap();
    std::fs::write(libs.join("STDOLE2.TLB"), &bytes[..bytes.len() / 2]).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .args(["inspect", "-I"])
        .arg(&libs)
        .arg(&idl)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(!stderr.contains("panicked"), "{stderr}");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!(
            "{}:4:15: error: cannot import type library `stdole2.tlb`: ",
            idl.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&libs.join("STDOLE2.TLB").display().to_string()),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// What became of a corpus file: its vtables, and how many interfaces of its model were
/// read from a type library; or why it has no model.
type Outcome = Result<(Vec<String>, usize), String>;

/// The files of one group (one set of options), each loaded on its own, through one
/// session so the files they share are parsed once; with `wine` on the path after the
/// group's include directories when given.
fn load_group(files: &[&CorpusFile], wine: Option<&Path>) -> Vec<Outcome> {
    let mut dirs = files[0].include_dirs.clone();
    dirs.extend(wine.map(Path::to_path_buf));
    let options = LoadOptions {
        include_dirs: dirs.clone(),
        defines: files[0].defines.clone(),
        undefines: Vec::new(),
    };
    let reader = load::TypeLibReader::new(&dirs);
    let mut sources = SourceMap::new();
    let mut session = Session::new(&mut sources, &options)
        .expect("predefined macros")
        .with_type_libraries(&reader);
    files
        .iter()
        .map(|f| {
            let (parts, _) = session
                .load_parts(&mut sources, &[Input::File(f.path.clone())])
                .map_err(|e| format!("{e}"))?;
            let model = Model::new(parts).map_err(|e| e.0[0].message.clone())?;
            // Every corpus file imports the SDK's IDL (oaidl.idl) before its library
            // block, so IUnknown and IDispatch come from there; the library brings the
            // rest of what it declares (IFont, IPicture, OLE_COLOR, ...).
            let from_library = model
                .interfaces()
                .iter()
                .filter(|i| wine.is_some_and(|w| Path::new(&*i.origin.file).starts_with(w)))
                .count();
            Ok((vtables(&model), from_library))
        })
        .collect()
}

#[test]
fn corpus_files_importing_a_library_keep_their_vtables_with_wines_libraries() {
    let Some(wine) = wine_or_skip() else { return };
    let Some(corpus) = Corpus::open() else { return };
    let imports_a_library = |f: &CorpusFile| {
        std::fs::read_to_string(&f.path).is_ok_and(|text| text.contains("importlib(") || text.contains("importlib ("))
    };
    let groups: Vec<Vec<&CorpusFile>> = corpus
        .groups()
        .into_iter()
        .map(|g| g.into_iter().filter(|f| imports_a_library(f)).collect::<Vec<_>>())
        .filter(|g| !g.is_empty())
        .collect();
    let results = parallel(&groups, threads(), |g| {
        (load_group(g, None), load_group(g, Some(&wine)))
    });
    let (mut files, mut compared, mut slots) = (0, 0, 0);
    let (mut using_library, mut library_slots) = (0, 0);
    let mut failures = Vec::new();
    for (group, (stand_ins, reals)) in groups.iter().zip(results) {
        for ((f, stand_in), real) in group.iter().zip(stand_ins).zip(reals) {
            files += 1;
            // A file that does not load with the stand-ins (a fragment) is not compared.
            let Ok((stand_in, _)) = stand_in else { continue };
            match real {
                Ok((real, from_library)) if real == stand_in => {
                    compared += 1;
                    slots += real.len();
                    using_library += usize::from(from_library > 0);
                    library_slots += from_library;
                }
                Ok((real, _)) => {
                    let only_real: Vec<&String> = real.iter().filter(|s| !stand_in.contains(s)).collect();
                    let only_stand_in: Vec<&String> = stand_in.iter().filter(|s| !real.contains(s)).collect();
                    failures.push(format!(
                        "{}: vtables differ; with the library only {only_real:?}, with the stand-in only {only_stand_in:?}",
                        f.label
                    ));
                }
                Err(e) => failures.push(format!("{}: fails with Wine's libraries: {e}", f.label)),
            }
        }
    }
    println!(
        "{files} corpus files import a type library; {compared} load with the stand-ins and give the same \
         {slots} slots with Wine's libraries on -I; {using_library} of them have {library_slots} interfaces \
         read from a library"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The corpus holds 94 such files (Wine's and mingw-w64's), all complete.
    assert!(files >= 90 && compared >= 90, "{files} {compared}");
    assert!(using_library >= 90, "{using_library} files read a type library");
}
