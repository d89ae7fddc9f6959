//! Real-world MIDL: every file of the 945-file corpus in ../shared/corpus (Wine's and
//! mingw-w64's IDL, SOURCES.txt there says where each comes from) is preprocessed,
//! parsed and lowered with all its imports and includes resolved, and builds a model
//! with every vtable, unless it is a fragment meant to be `#include`d by another file.
//!
//! A fragment (Wine's oledb pieces like dbinit.idl, axcore.idl, sapiaut.idl) names
//! interfaces or constants that no file it imports declares. Such a file still has to
//! parse and lower; only the model's check that every name is declared may fail, and
//! only with "unknown ..." errors. corpus_widl.rs checks that widl rejects each of them
//! too. Include directories, as for widl: the file's own folder, corpus/wine,
//! /usr/share/mingw-w64/include (see tests/common for the layout details).

mod common;

use std::time::Instant;

use oscgen::idl::{Error, Input, LoadOptions, Session, lower};
use oscgen::model::Model;
use oscgen::source::SourceMap;

use common::{Corpus, CorpusFile, parallel, threads};

/// What became of one file.
enum Outcome {
    Model {
        interfaces: usize,
        slots: usize,
    },
    /// Parsed and lowered; names it uses are declared nowhere in its imports.
    Fragment(String),
    Failed(String),
}

/// Model errors that only say a name is declared nowhere the file can see.
fn is_unresolved_name(message: &str) -> bool {
    message.starts_with("unknown base interface")
        || message.starts_with("unknown type")
        || message.starts_with("cannot compute the value of enumerator")
}

fn check_group(files: &[&CorpusFile]) -> Vec<(String, Outcome)> {
    let options = LoadOptions {
        include_dirs: files[0].include_dirs.clone(),
        defines: files[0].defines.clone(),
        undefines: Vec::new(),
    };
    {
        let mut sources = SourceMap::new();
        let mut session = Session::new(&mut sources, &options).expect("predefined macros");
        files
            .iter()
            .map(|f| {
                let outcome = match session.load(&mut sources, &[Input::File(f.path.clone())]) {
                    Err(e) => Outcome::Failed(render(&sources, e)),
                    Ok(parsed) => match lower::lower(&sources, &parsed) {
                        Err(diags) if diags.iter().all(|d| is_unresolved_name(&d.message)) => {
                            Outcome::Fragment(diags[0].message.clone())
                        }
                        Err(diags) => Outcome::Failed(render(&sources, Error::Diagnostics(diags))),
                        Ok(parts) => match Model::new(parts) {
                            Ok(model) => {
                                let roots: Vec<_> = model.root_interfaces().collect();
                                let slots = roots
                                    .iter()
                                    .map(|i| model.vtable(&i.name).map_or(0, |v| v.slots.len()))
                                    .sum();
                                Outcome::Model {
                                    interfaces: roots.len(),
                                    slots,
                                }
                            }
                            Err(e) if e.0.iter().all(|d| is_unresolved_name(&d.message)) => {
                                Outcome::Fragment(e.0[0].message.clone())
                            }
                            Err(e) => Outcome::Failed(render(&sources, Error::Diagnostics(e.0))),
                        },
                    },
                };
                (f.label.clone(), outcome)
            })
            .collect()
    }
}

fn render(sources: &SourceMap, e: Error) -> String {
    match e {
        Error::Diagnostics(diags) => diags.iter().map(|d| d.render(sources)).collect(),
        other => other.to_string(),
    }
}

#[test]
fn every_corpus_file_parses_and_lowers() {
    let Some(corpus) = Corpus::open() else { return };
    let started = Instant::now();
    let groups = corpus.groups();
    let results: Vec<(String, Outcome)> = parallel(&groups, threads(), |g| check_group(g))
        .into_iter()
        .flatten()
        .collect();

    let (mut models, mut interfaces, mut slots) = (0, 0, 0);
    let mut fragments = Vec::new();
    let mut failures = Vec::new();
    for (label, outcome) in &results {
        match outcome {
            Outcome::Model {
                interfaces: i,
                slots: s,
            } => {
                models += 1;
                interfaces += i;
                slots += s;
            }
            Outcome::Fragment(why) => fragments.push(format!("{label}: {why}")),
            Outcome::Failed(error) => failures.push(format!("{label}:\n{error}")),
        }
    }
    fragments.sort();
    println!(
        "corpus: {} files in {}: {} parsed and lowered with every import resolved, {models} built a \
         model ({interfaces} interfaces, {slots} vtable slots), {} are fragments for #include, {} failed ({:.1} s)",
        results.len(),
        corpus.root.display(),
        results.len() - failures.len(),
        fragments.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    for f in &fragments {
        println!("fragment {f}");
    }
    assert_eq!(results.len(), corpus.files.len());
    assert!(
        results.len() >= 945,
        "the corpus has 945 files, found {}",
        results.len()
    );
    assert!(
        failures.is_empty(),
        "{} files failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(interfaces > 5000, "suspiciously few interfaces: {interfaces}");
}
