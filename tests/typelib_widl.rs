//! Oracle: widl's type libraries. For corpus files that declare a library, `widl -t`
//! writes the type library (with `-L` at Wine's type libraries, so `importlib
//! ("stdole2.tlb")` resolves); oscgen reads it back, and the model equals the IDL's:
//! interfaces with their IIDs, own slots, parameter directions and DISPIDs, dispatch
//! members, coclasses (see tests/common/tlb.rs).
//!
//! CI runs the fixed sample below; `cargo test --test typelib_widl -- --ignored` runs
//! widl -t on every corpus file and compares every library it writes (figures in README).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::tlb::{
    differences, enum_facts, facts, facts_with, library_enumerators, library_members, library_records, model,
    record_facts, wine_dir,
};
use common::{Corpus, CorpusFile};

/// A sample across the corpus's folders: automation libraries with dual interfaces,
/// dispinterfaces, coclasses with source interfaces, enums and records, `[local]` and
/// `[call_as]` methods (sapi), names that differ only in case (msado15).
const SAMPLE: &[&str] = &[
    "wine-dlls/dlls__scrrun__scrrun.idl",
    "wine-dlls/dlls__wshom.ocx__wshom.idl",
    "wine-dlls/dlls__activeds.tlb__activeds_tlb.idl",
    "wine-dlls/dlls__stdole2.tlb__stdole2.idl",
    "wine/sapi.idl",
    "wine/msado15_backcompat.idl",
];

enum Outcome {
    /// widl rejected the file: no oracle.
    Rejected,
    /// widl accepted it and wrote no type library: it declares none.
    NoLibrary,
    /// Typeinfos compared and the differences found.
    Compared(usize, Vec<String>),
}

fn check(widl: &Path, file: &CorpusFile, scratch: &Path) -> Outcome {
    let wine = wine_dir();
    let out = scratch.join(format!("{}.tlb", file.label.replace('/', "__")));
    let mut cmd = Command::new(widl);
    cmd.current_dir(scratch)
        .arg("-t")
        .arg("-o")
        .arg(&out)
        .arg("-L")
        .arg(&wine);
    for dir in &file.include_dirs {
        cmd.arg("-I").arg(dir);
    }
    for d in &file.defines {
        cmd.arg("-D").arg(d);
    }
    let ok = cmd.arg(&file.path).output().is_ok_and(|o| o.status.success());
    if !ok {
        return Outcome::Rejected;
    }
    if !out.is_file() {
        return Outcome::NoLibrary;
    }
    let tlb = match model(&out, std::slice::from_ref(&wine), &[]) {
        Ok(m) => m,
        Err(e) => return Outcome::Compared(0, vec![format!("oscgen cannot read widl's library: {e}")]),
    };
    let mut include_dirs = file.include_dirs.clone();
    include_dirs.push(wine);
    let idl = match model(&file.path, &include_dirs, &file.defines) {
        Ok(m) => m,
        Err(e) => return Outcome::Compared(0, vec![format!("oscgen cannot load the IDL: {e}")]),
    };
    let enums = library_enumerators(&out);
    let records = library_records(&out);
    let _ = std::fs::remove_file(&out);
    let (interfaces, coclasses) = library_members(&tlb);
    let mut tlb_facts = facts(&tlb, &interfaces, &coclasses);
    tlb_facts.extend(enum_facts(&tlb, &enums));
    tlb_facts.extend(records.iter().cloned());
    let mut idl_facts = facts(&idl, &interfaces, &coclasses);
    idl_facts.extend(enum_facts(&idl, &enums));
    idl_facts.extend(record_facts(&idl, &records));
    let found = differences(&tlb_facts, &idl_facts);
    Outcome::Compared(interfaces.len() + coclasses.len(), found)
}

fn run(labels: Option<&[&str]>) -> Option<Figures> {
    let widl = common::widl_or_skip()?;
    if !wine_dir().join("stdole2.tlb").is_file() {
        common::skip(&format!("{} not found (apt-get install wine64)", wine_dir().display()));
        return None;
    }
    let corpus = Corpus::open()?;
    let files: Vec<&CorpusFile> = corpus
        .files
        .iter()
        .filter(|f| labels.is_none_or(|l| l.contains(&f.label.as_str())))
        .collect();
    if let Some(l) = labels {
        assert_eq!(files.len(), l.len(), "every sample file is in the corpus");
    }
    let scratch: PathBuf = common::scratch_dir("typelib-widl");
    let outcomes = common::parallel(&files, common::threads(), |f| check(&widl, f, &scratch));
    let _ = std::fs::remove_dir_all(&scratch);
    let (mut libraries, mut typeinfos, mut rejected) = (0, 0, 0);
    let mut report = Vec::new();
    for (f, o) in files.iter().zip(outcomes) {
        if matches!(o, Outcome::Rejected) {
            rejected += 1;
        }
        if let Outcome::Compared(n, diffs) = o {
            libraries += 1;
            typeinfos += n;
            if !diffs.is_empty() {
                report.push(format!("{}:\n  {}", f.label, diffs.join("\n  ")));
            }
        }
    }
    Some(Figures {
        files: files.len(),
        rejected,
        libraries,
        typeinfos,
        report,
    })
}

struct Figures {
    files: usize,
    /// Files widl rejects.
    rejected: usize,
    /// Libraries widl wrote and oscgen compared.
    libraries: usize,
    typeinfos: usize,
    report: Vec<String>,
}

#[test]
fn widl_type_libraries_read_back_as_their_idl() {
    let Some(f) = run(Some(SAMPLE)) else { return };
    assert_eq!(f.libraries, f.files, "widl writes a library for every sample file");
    assert!(f.report.is_empty(), "{}", f.report.join("\n"));
    println!("{} libraries, {} typeinfos compared", f.libraries, f.typeinfos);
}

#[test]
#[ignore = "the whole corpus: run with --ignored"]
fn every_corpus_library_reads_back_as_its_idl() {
    let Some(f) = run(None) else { return };
    println!(
        "{} corpus files: widl -t rejects {}, writes {} libraries; {} typeinfos compared; {} libraries differ",
        f.files,
        f.rejected,
        f.libraries,
        f.typeinfos,
        f.report.len()
    );
    assert!(f.report.is_empty(), "{}", f.report.join("\n"));
}

/// The OSC interfaces' own library: widl's type library of metadata/osc.idl, read back
/// with no `-I` (stdole2's IUnknown and IDispatch then come from oscgen's stand-ins),
/// is osc.idl's model.
#[test]
fn the_osc_type_library_reads_back_as_osc_idl() {
    let Some(widl) = common::widl_or_skip() else { return };
    if !wine_dir().join("stdole2.tlb").is_file() {
        common::skip(&format!("{} not found (apt-get install wine64)", wine_dir().display()));
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let idl_path = repo.join("metadata/osc.idl");
    let scratch = common::scratch_dir("typelib-osc");
    let out = scratch.join("osc.tlb");
    let status = Command::new(&widl)
        .current_dir(&scratch)
        .arg("-t")
        .arg("-o")
        .arg(&out)
        .arg("-L")
        .arg(wine_dir())
        .arg("-I")
        .arg(repo.join("metadata/std"))
        .arg(&idl_path)
        .status()
        .unwrap();
    assert!(status.success(), "widl -t metadata/osc.idl");
    let tlb = model(&out, &[], &[]).unwrap();
    let idl = model(&idl_path, &[], &[]).unwrap();
    let _ = std::fs::remove_dir_all(&scratch);
    let (interfaces, coclasses) = library_members(&tlb);
    assert!(interfaces.len() >= 5, "{interfaces:?}");
    let found = differences(
        &facts_with(&tlb, &interfaces, &coclasses, true),
        &facts_with(&idl, &interfaces, &coclasses, true),
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}
