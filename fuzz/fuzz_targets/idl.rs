//! Arbitrary bytes as an IDL file: preprocessor, parser, lowering and model validation.
//! Imports resolve to the built-in stand-ins (no include directories).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use oscgen::idl::{Input, LoadOptions};
use oscgen::source::SourceMap;

/// One file per process, rewritten for every input; in its own directory so that imports
/// cannot find anything beside it but the built-in stand-ins.
fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("oscgen-fuzz-idl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("fuzz.idl")
    })
}

fuzz_target!(|data: &[u8]| {
    let path = path();
    std::fs::write(path, data).expect("write the input");
    let mut sources = SourceMap::new();
    let _ = oscgen::load::load_model(&mut sources, &[Input::File(path.clone())], &LoadOptions::default());
});
