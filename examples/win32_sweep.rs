//! Bindings for every COM interface in Windows.Win32.winmd, checked by `cargo check` in
//! chunks (tests/sweep/mod.rs). Run by scripts/check-win32-bindings.sh:
//!
//!     cargo run --example win32_sweep [CHUNK]
//!
//! Prints how many interfaces compiled and exits non-zero if any did not. An example, not
//! part of oscgen: it uses the dev-dependency windows-default for the metadata.

#[path = "../tests/sweep/mod.rs"]
mod sweep;

use std::time::Instant;

fn main() {
    let chunk: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300);
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("SWEEP_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("oscgen-win32-sweep-{}", std::process::id())));
    std::fs::create_dir_all(&dir).expect("sweep dir");
    let start = Instant::now();
    let model = sweep::win32_model(&dir);
    let names = sweep::interface_names(&model);
    let no_iid = sweep::without_iid(&model);
    println!(
        "{} interfaces without an IID, bound only where reached: {}",
        no_iid.len(),
        no_iid.join(", ")
    );
    let outcome = sweep::sweep(
        &sweep::chunks(&model, &names, chunk),
        &dir,
        &repo.join("target/win32-sweep"),
    );
    for f in &outcome.failures {
        println!("FAILED {} ({} interfaces):", f.label, f.interfaces.len());
        for e in f.errors.iter().take(30) {
            println!("  {e}");
        }
    }
    println!(
        "{} of {} interfaces compiled in {} chunks of {chunk} ({:.0} s)",
        outcome.compiled,
        outcome.total,
        outcome.total.div_ceil(chunk),
        start.elapsed().as_secs_f64()
    );
    if outcome.compiled != outcome.total {
        std::process::exit(1);
    }
}
