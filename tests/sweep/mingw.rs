//! The mingw-w64 bindings sweep: for each file of the corpus's mingw-w64/ that widl
//! accepts, bindings for the file's own interfaces that have an IID, read with the
//! include setup and `-D BOOL=WINBOOL` mingw-w64 builds its IDL with (tests/common), one
//! module per file, several files per crate (tests/sweep/mod.rs). Shared by
//! examples/mingw_sweep.rs (every file) and tests/mingw_sweep.rs (a fixed sample).

use std::path::Path;

use oscgen::idl::{Input, LoadOptions, Session};
use oscgen::source::SourceMap;

use crate::common::{Corpus, CorpusFile, parallel, scratch_dir, threads, widl_accepts};
use crate::sweep::Module;

pub struct Files {
    /// mingw-w64/*.idl in the corpus.
    pub files: usize,
    /// Those widl accepts.
    pub accepted: usize,
    /// Accepted files (of the sample) that declare no interface with an IID of their own.
    pub without_interfaces: Vec<String>,
    /// One module per sampled file with interfaces.
    pub modules: Vec<Module>,
}

/// The mingw-w64 files of the corpus.
pub fn mingw_files(corpus: &Corpus) -> Vec<&CorpusFile> {
    corpus
        .files
        .iter()
        .filter(|f| f.label.starts_with("mingw-w64/"))
        .collect()
}

/// Bindings for every `every`th accepted file (in name order; 1 for all).
pub fn modules(corpus: &Corpus, widl: &Path, every: usize) -> Files {
    let files = mingw_files(corpus);
    let out = scratch_dir("mingw-sweep-widl");
    let accepted: Vec<&CorpusFile> = parallel(&files, threads(), |f| {
        widl_accepts(widl, f, &out.join(format!("{}.h", f.label.replace('/', "_"))))
    })
    .into_iter()
    .zip(&files)
    .filter_map(|(ok, f)| ok.then_some(*f))
    .collect();
    let _ = std::fs::remove_dir_all(&out);
    let sample: Vec<&CorpusFile> = accepted.iter().step_by(every.max(1)).copied().collect();
    let options = LoadOptions {
        include_dirs: sample.first().map(|f| f.include_dirs.clone()).unwrap_or_default(),
        defines: vec!["BOOL=WINBOOL".into()],
        undefines: Vec::new(),
    };
    let mut sources = SourceMap::new();
    let mut session = Session::new(&mut sources, &options).expect("predefined macros");
    let mut result = Files {
        files: files.len(),
        accepted: accepted.len(),
        without_interfaces: Vec::new(),
        modules: Vec::new(),
    };
    for file in sample {
        let label = file.label.clone();
        let name = module_name(&label);
        let model = match session
            .load_parts(&mut sources, &[Input::File(file.path.clone())])
            .map_err(|e| e.to_string())
            .and_then(|(parts, _)| oscgen::model::Model::new(parts).map_err(|e| e.to_string()))
        {
            Ok(model) => model,
            Err(e) => {
                result.modules.push(Module {
                    name,
                    label,
                    interfaces: Vec::new(),
                    text: Err(format!("oscgen cannot read it: {e}")),
                });
                continue;
            }
        };
        let mut names: Vec<String> = model
            .root_interfaces()
            .filter(|i| i.name != "IUnknown" && i.iid.is_some())
            .map(|i| i.name.clone())
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            result.without_interfaces.push(label);
            continue;
        }
        result.modules.push(Module::bind(&model, &name, &label, &names));
    }
    result
}

/// `mingw-w64/d3d10_1.idl` is module `idl_d3d10_1`.
fn module_name(label: &str) -> String {
    let stem = label.rsplit('/').next().unwrap_or(label).trim_end_matches(".idl");
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("idl_{stem}")
}

/// The modules in crates of `per_crate` files.
pub fn crates(modules: Vec<Module>, per_crate: usize) -> Vec<Vec<Module>> {
    let mut crates = Vec::new();
    let mut current = Vec::new();
    for m in modules {
        current.push(m);
        if current.len() == per_crate.max(1) {
            crates.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        crates.push(current);
    }
    crates
}
