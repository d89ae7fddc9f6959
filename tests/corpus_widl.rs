//! Oracle test over the real-world corpus: for every file of ../shared/corpus that
//! Debian's widl 7.0 accepts (`x86_64-w64-mingw32-widl -h`, same include directories
//! and defines as tests/corpus.rs), each `<Interface>Vtbl` struct in widl's header lists
//! the same methods, in the same order, with the same number of parameters, as oscgen's
//! vtable for that interface; and every COM interface oscgen reads from the file has
//! such a struct. Files widl rejects (newer WinRT syntax than widl 7.0 knows, Wine test
//! files whose `id()`s come from headers outside the corpus, fragments) are counted, and
//! must still load in oscgen unless they are fragments, which widl must then reject too.
//!
//! widl runs once per file, on as many threads as there are cores.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use oscgen::idl::{Input, LoadOptions, Session};
use oscgen::model::Model;
use oscgen::source::SourceMap;

use common::{Corpus, CorpusFile, WidlVtbl, c_type_key, parallel, parse_header, scratch_dir, threads, widl_or_skip};

#[derive(Default)]
struct Tally {
    files: usize,
    widl_accepted: usize,
    widl_rejected: usize,
    /// Files both widl and oscgen reject as incomplete.
    both_reject: usize,
    interfaces: usize,
    slots: usize,
    mismatches: Vec<String>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.files += other.files;
        self.widl_accepted += other.widl_accepted;
        self.widl_rejected += other.widl_rejected;
        self.both_reject += other.both_reject;
        self.interfaces += other.interfaces;
        self.slots += other.slots;
        self.mismatches.extend(other.mismatches);
    }
}

/// widl's header for `file`, or `None` when widl rejects the file.
fn widl_header(widl: &Path, file: &CorpusFile, out: &Path) -> Option<Vec<WidlVtbl>> {
    let mut cmd = Command::new(widl);
    cmd.arg("-h").arg("-o").arg(out);
    for dir in &file.include_dirs {
        cmd.arg("-I").arg(dir);
    }
    for d in &file.defines {
        cmd.arg("-D").arg(d);
    }
    let result = cmd
        .arg(&file.path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", widl.display()));
    if !result.status.success() {
        return None;
    }
    let header = std::fs::read_to_string(out).unwrap_or_else(|e| panic!("read {}: {e}", out.display()));
    let _ = std::fs::remove_file(out);
    Some(parse_header(&header))
}

fn compare(label: &str, model: &Model, vtbls: &[WidlVtbl], tally: &mut Tally) {
    for w in vtbls {
        let Some(vt) = model.vtable(&w.interface) else {
            tally.mismatches.push(format!(
                "{label}: widl wrote {}Vtbl, oscgen has no such interface",
                w.interface
            ));
            continue;
        };
        tally.interfaces += 1;
        tally.slots += w.methods.len();
        let ours: Vec<String> = vt.slots.iter().map(|s| s.c_name().into_owned()).collect();
        let theirs: Vec<&str> = w.methods.iter().map(|m| m.name.as_str()).collect();
        if ours != theirs {
            tally.mismatches.push(format!(
                "{label}: {} slots differ\n    widl:   {theirs:?}\n    oscgen: {ours:?}",
                w.interface
            ));
            continue;
        }
        for (slot, m) in vt.slots.iter().zip(&w.methods) {
            if slot.method.params.len() != m.params {
                tally.mismatches.push(format!(
                    "{label}: {} slot {} {}: widl has {} parameters, oscgen {}",
                    w.interface,
                    slot.index,
                    m.name,
                    m.params,
                    slot.method.params.len()
                ));
            }
            let ret = slot.method.ret.to_string();
            if c_type_key(&ret) != c_type_key(&m.ret) {
                tally.mismatches.push(format!(
                    "{label}: {} slot {} {}: widl returns {}, oscgen {ret}",
                    w.interface, slot.index, m.name, m.ret
                ));
            }
        }
    }
    let written: BTreeSet<&str> = vtbls.iter().map(|v| v.interface.as_str()).collect();
    for iface in model.root_interfaces() {
        if !written.contains(iface.name.as_str()) {
            tally.mismatches.push(format!(
                "{label}: oscgen has COM interface {} with {} slots, widl wrote no Vtbl for it",
                iface.name,
                model.vtable(&iface.name).map_or(0, |v| v.slots.len())
            ));
        }
    }
}

fn check_group(widl: &Path, out_dir: &Path, files: &[&CorpusFile]) -> Tally {
    let options = LoadOptions {
        include_dirs: files[0].include_dirs.clone(),
        defines: files[0].defines.clone(),
        undefines: Vec::new(),
    };
    {
        let mut sources = SourceMap::new();
        let mut session = Session::new(&mut sources, &options).expect("predefined macros");
        let mut tally = Tally::default();
        for file in files {
            tally.files += 1;
            let out = out_dir.join(format!("{}.h", file.label.replace('/', "_")));
            let widl = widl_header(widl, file, &out);
            let ours = session
                .load_parts(&mut sources, &[Input::File(file.path.clone())])
                .map_err(|e| e.to_string())
                .and_then(|(parts, _)| Model::new(parts).map_err(|e| e.to_string()));
            match (widl, ours) {
                (Some(vtbls), Ok(model)) => {
                    tally.widl_accepted += 1;
                    compare(&file.label, &model, &vtbls, &mut tally);
                }
                (Some(_), Err(e)) => {
                    tally.widl_accepted += 1;
                    tally
                        .mismatches
                        .push(format!("{}: widl accepts it, oscgen fails: {e}", file.label));
                }
                (None, ours) => {
                    tally.widl_rejected += 1;
                    tally.both_reject += usize::from(ours.is_err());
                }
            }
        }
        tally
    }
}

#[test]
fn widl_vtables_match_oscgen_over_the_corpus() {
    let Some(corpus) = Corpus::open() else { return };
    let Some(widl) = widl_or_skip() else { return };
    let started = Instant::now();
    let out_dir = scratch_dir("corpus-widl");
    let groups = corpus.groups();
    let mut total = Tally::default();
    for t in parallel(&groups, threads(), |g| check_group(&widl, &out_dir, g)) {
        total.add(t);
    }
    let _ = std::fs::remove_dir_all(&out_dir);
    println!(
        "corpus vs widl 7.0: {} files; widl accepted {} and rejected {} ({} of those oscgen rejects too); \
         {} interfaces and {} vtable slots compared; {} mismatches ({:.1} s)",
        total.files,
        total.widl_accepted,
        total.widl_rejected,
        total.both_reject,
        total.interfaces,
        total.slots,
        total.mismatches.len(),
        started.elapsed().as_secs_f64()
    );
    for m in &total.mismatches {
        println!("MISMATCH {m}");
    }
    assert_eq!(total.files, corpus.files.len());
    assert!(
        total.widl_accepted > 500,
        "widl accepted only {} files",
        total.widl_accepted
    );
    assert!(
        total.mismatches.is_empty(),
        "{} mismatches between widl and oscgen (first: {})",
        total.mismatches.len(),
        total.mismatches[0]
    );
}
