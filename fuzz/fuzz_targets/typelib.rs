//! Arbitrary bytes as a type library: the MSFT header, segments, records, imports and the model.
//! The file is named `.tlb`, so oscgen reads it as a type library whatever its content.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use oscgen::idl::{Input, LoadOptions};
use oscgen::source::SourceMap;

fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("oscgen-fuzz-typelib-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("fuzz.tlb")
    })
}

fuzz_target!(|data: &[u8]| {
    let path = path();
    std::fs::write(path, data).expect("write the input");
    let mut sources = SourceMap::new();
    let _ = oscgen::load::load_model(&mut sources, &[Input::File(path.clone())], &LoadOptions::default());
});
