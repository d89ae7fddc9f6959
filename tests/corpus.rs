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

use oscgen::diagnostic::Diagnostic;
use oscgen::idl::{Error, Input, LoadOptions, Session, lower};
use oscgen::model::types::TypeDef;
use oscgen::model::{Model, ModelParts};
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
                    Ok(parsed) => match streamed_agrees(&options, f, lower::lower(&sources, &parsed)) {
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

/// The lowering a command runs (`idl::load_parts`: each file lowered item by item as it
/// is parsed, no syntax tree kept) gives the same model parts as lowering whole parsed
/// files. Spans are left out: the two loads number their source files apart. A
/// difference becomes this file's failure.
fn streamed_agrees(
    options: &LoadOptions,
    f: &CorpusFile,
    whole: Result<ModelParts, Vec<Diagnostic>>,
) -> Result<ModelParts, Vec<Diagnostic>> {
    let mut sources = SourceMap::new();
    let streamed = Session::new(&mut sources, options)
        .expect("predefined macros")
        .without_syntax_trees()
        .load_lowered(&mut sources, &[Input::File(f.path.clone())]);
    let streamed = match streamed {
        Ok(lowering) => lowering.finish(),
        Err(e) => {
            let message = render(&sources, e);
            return Err(vec![Diagnostic::error(format!("streamed lowering failed: {message}"))]);
        }
    };
    let shape = |r: &Result<ModelParts, Vec<Diagnostic>>| match r {
        Ok(parts) => Ok(without_spans(parts)),
        Err(diags) => Err(diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>()),
    };
    if shape(&whole) != shape(&streamed) {
        return Err(vec![Diagnostic::error(
            "lowering item by item and lowering whole files give different model parts".to_string(),
        )]);
    }
    whole
}

/// The parts without spans, and with interfaces, types, constants and libraries sorted: a
/// file lowered item by item puts what it declares before an import (forward
/// declarations, mostly) ahead of the import's declarations, as widl does, where a
/// whole-file lowering puts it after. Nothing reads the parts by position.
fn without_spans(parts: &ModelParts) -> String {
    let mut interfaces: Vec<String> = parts
        .interfaces
        .iter()
        .map(|i| {
            let mut i = i.clone();
            i.span = None;
            i.base_span = None;
            let dispatch_methods = i.dispatch.iter_mut().flat_map(|d| d.methods.iter_mut());
            for m in i.methods.iter_mut().chain(dispatch_methods) {
                m.span = None;
                for p in &mut m.params {
                    p.span = None;
                }
            }
            format!("{i:?}")
        })
        .collect();
    let mut types: Vec<String> = parts
        .types
        .iter()
        .map(|t| {
            format!(
                "{:?}",
                TypeDef {
                    span: None,
                    ..t.clone()
                }
            )
        })
        .collect();
    let mut constants: Vec<String> = parts
        .constants
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.span = None;
            format!("{c:?}")
        })
        .collect();
    let mut libraries: Vec<String> = parts.libraries.iter().map(|l| format!("{l:?}")).collect();
    for list in [&mut interfaces, &mut types, &mut constants, &mut libraries] {
        for entry in list.iter_mut() {
            *entry = without_anonymous_numbers(entry);
        }
        list.sort();
    }
    format!(
        "{interfaces:?}\n{types:?}\n{constants:?}\n{libraries:?}\n{:?}",
        parts.roots
    )
}

/// `__anonymous3` as `__anonymous`: unnamed structs are numbered in the order they are
/// lowered, and an `importlib` inside a library lowers its stand-in's after the items
/// before the library when streaming, before the whole file otherwise.
fn without_anonymous_numbers(text: &str) -> String {
    const MARK: &str = "__anonymous";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at + MARK.len()]);
        rest = rest[at + MARK.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
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
