//! Bindings for the COM interfaces of every mingw-w64 IDL file of the corpus that widl
//! accepts, checked by `cargo check` (tests/sweep/mingw.rs). Run by
//! scripts/check-mingw-bindings.sh:
//!
//!     cargo run --example mingw_sweep [FILES_PER_CRATE]
//!
//! Prints how many interfaces compiled, names each failing file with its errors, and
//! exits non-zero if any did not compile.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/sweep/mingw.rs"]
mod mingw;
#[path = "../tests/sweep/mod.rs"]
#[allow(dead_code)]
mod sweep;

use std::time::Instant;

fn main() {
    let per_crate: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(40);
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("SWEEP_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("oscgen-mingw-sweep-{}", std::process::id())));
    std::fs::create_dir_all(&dir).expect("sweep dir");
    let start = Instant::now();
    let Some(corpus) = common::Corpus::open() else {
        std::process::exit(2)
    };
    let Some(widl) = common::widl_or_skip() else {
        std::process::exit(2)
    };
    let files = mingw::modules(&corpus, &widl, 1);
    println!(
        "{} mingw-w64 files, widl accepts {}; {} of those declare no interface with an IID: {}",
        files.files,
        files.accepted,
        files.without_interfaces.len(),
        files.without_interfaces.join(", ")
    );
    let with = files.modules.len();
    let outcome = sweep::sweep(
        &mingw::crates(files.modules, per_crate),
        &dir,
        &repo.join("target/mingw-sweep"),
    );
    for f in &outcome.failures {
        println!("FAILED {} ({}):", f.label, f.interfaces.join(", "));
        for e in f.errors.iter().take(30) {
            println!("  {e}");
        }
    }
    println!(
        "{} of {} interfaces (from {with} files) compiled in {} crates of {per_crate} files ({:.0} s)",
        outcome.compiled,
        outcome.total,
        with.div_ceil(per_crate),
        start.elapsed().as_secs_f64()
    );
    if outcome.compiled != outcome.total || !outcome.failures.is_empty() {
        std::process::exit(1);
    }
}
