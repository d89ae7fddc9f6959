//! Side by side, on the Windows.Win32.winmd windows-bindgen 0.100 ships: oscgen reading
//! the whole file and listing every COM interface's vtable, and windows-bindgen
//! generating bindings for the same interfaces. Run by scripts/bench-winmd.sh:
//!
//!     cargo run --release --example bench_winmd [RUNS]
//!
//! An example, not part of oscgen: it uses the dev-dependencies (windows-bindgen,
//! windows-default) that oscgen's normal build does not compile.

use std::path::Path;
use std::time::{Duration, Instant};

use oscgen::emit::inspect;
use oscgen::idl::{Input, LoadOptions};
use oscgen::model::interface::Interface;
use oscgen::source::SourceMap;

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let dir = std::env::temp_dir().join(format!("oscgen-bench-winmd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let winmd = dir.join("Windows.Win32.winmd");
    std::fs::write(&winmd, windows_default::WIN32).expect("write the Win32 metadata");

    let mut oscgen_runs = Vec::new();
    let mut listing = (0, 0, 0);
    let mut names: Vec<String> = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let mut sources = SourceMap::new();
        let model = oscgen::load::load_model(&mut sources, &[Input::File(winmd.clone())], &LoadOptions::default())
            .expect("read the Win32 metadata");
        let interfaces: Vec<&Interface> = model.root_interfaces().collect();
        let mut table = Vec::new();
        inspect::write_table(&mut table, &model, &interfaces).expect("write to memory");
        let table = String::from_utf8(table).expect("the table is UTF-8");
        oscgen_runs.push(start.elapsed());
        let slots = table
            .lines()
            .filter(|l| l.starts_with("  ") && !l.trim_start().starts_with("slot"))
            .count();
        listing = (interfaces.len(), slots, table.len());
        names = interfaces
            .iter()
            // windows-bindgen maps these two onto windows-core's own types.
            .filter(|i| i.name != "IUnknown" && i.name != "IInspectable")
            .map(|i| format!("Windows.Win32.{}", i.name))
            .collect();
    }
    let oscgen_time = median(oscgen_runs);
    println!(
        "oscgen: read Windows.Win32.winmd and list every COM interface's vtable: {} (median of {runs}; {} interfaces, {} slots, {} KiB of text)",
        ms(oscgen_time),
        listing.0,
        listing.1,
        listing.2 / 1024
    );

    let out = dir.join("bindings.rs");
    let bindgen_runs = runs.clamp(1, 3);
    let mut times = Vec::new();
    for _ in 0..bindgen_runs {
        let start = Instant::now();
        windows_bindgen::builder().output(&out).flat().filters(&names).write();
        times.push(start.elapsed());
    }
    let bindgen_time = median(times);
    println!(
        "windows-bindgen 0.100: bindings for the same {} interfaces (--flat, rustfmt included): {} (median of {bindgen_runs}; {} KiB of Rust)",
        names.len(),
        ms(bindgen_time),
        file_len(&out) / 1024
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
