//! windows-bindgen 0.100 generating bindings for a few Win32 interfaces (default:
//! IContextMenu and IShellExtInit), the peer of `oscgen new --template com-server --input
//! win32 --implement ...` in scripts/bench-new.sh. Prints the median wall time and the
//! size of what it wrote.
//!
//!     cargo run --release --example bench_bindgen_pair [RUNS] [INTERFACE ..]
//!
//! An example, not part of oscgen: windows-bindgen is a dev-dependency.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5).max(1);
    let mut names: Vec<String> = args.map(|n| format!("Windows.Win32.{n}")).collect();
    if names.is_empty() {
        names = vec![
            "Windows.Win32.IContextMenu".into(),
            "Windows.Win32.IShellExtInit".into(),
        ];
    }
    let dir = std::env::temp_dir().join(format!("oscgen-bench-pair-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("bindings.rs");
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        windows_bindgen::builder().output(&out).flat().filters(&names).write();
        times.push(start.elapsed());
    }
    times.sort();
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    println!(
        "windows-bindgen 0.100 ({}): median {:.0} ms of {runs} (in process), {} lines",
        names.join(", "),
        times[runs / 2].as_secs_f64() * 1000.0,
        text.lines().count()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
