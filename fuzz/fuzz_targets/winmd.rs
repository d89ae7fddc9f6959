//! Arbitrary bytes as a metadata file: PE and CLI headers, tables, the reader and the model.
//! The file is named `.winmd`, so oscgen reads it as metadata whatever its content.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use oscgen::idl::{Input, LoadOptions};
use oscgen::source::SourceMap;

fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("oscgen-fuzz-winmd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("fuzz.winmd")
    })
}

fuzz_target!(|data: &[u8]| {
    let path = path();
    std::fs::write(path, data).expect("write the input");
    let mut sources = SourceMap::new();
    let _ = oscgen::load::load_model(&mut sources, &[Input::File(path.clone())], &LoadOptions::default());
});
