//! Bindings for a sample of Win32 interfaces, oscgen beside windows-bindgen 0.100, in one
//! run: each one's generation time (in process) and the `cargo check` time of a crate
//! holding what it wrote. Run by scripts/bench-win32-bindings.sh:
//!
//!     cargo run --release --example bench_win32_bindings -- RUNS IFoo IBar ..
//!     cargo run --release --example bench_win32_bindings -- RUNS --every N
//!
//! `--every N` takes every Nth COM interface of the metadata (by sorted name), as
//! tests/win32_sweep.rs does. Both crates share one target directory under
//! target/bench-win32-bindings, where windows-core is built before anything is timed, so
//! a check times the crate itself, from scratch each run. An example, not part of oscgen: it uses the
//! dev-dependencies windows-bindgen and windows-default.

#[allow(dead_code)]
#[path = "../tests/sweep/mod.rs"]
mod sweep;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use oscgen::emit::bindings::{Selection, bindings};
use oscgen::idl::{Input, LoadOptions};
use oscgen::model::Model;
use oscgen::model::scope::Scope;
use oscgen::source::SourceMap;

// The oscgen binary's allocator and policy (generator/main.rs), so its side is timed as
// the CLI runs; windows-bindgen runs on the same.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// The Win32 metadata's model, as far as `scope` reaches: what `--input win32` reads.
fn win32(scope: &Scope) -> Model {
    let input = [Input::File(PathBuf::from(oscgen::winmd::win32::INPUT_NAME))];
    oscgen::load::load_model_within(&mut SourceMap::new(), &input, &LoadOptions::default(), scope)
        .expect("read the Win32 metadata")
        .0
}

fn main() {
    oscgen::alloc_policy::keep_freed_memory();
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3).max(1);
    let rest: Vec<String> = args.collect();
    let names: Vec<String> = match rest.as_slice() {
        [flag, n] if flag == "--every" => {
            let every: usize = n.parse().expect("--every takes a number");
            let all = sweep::interface_names(&win32(&Scope::Everything));
            all.into_iter().step_by(every.max(1)).collect()
        }
        [] => vec!["IContextMenu".into(), "IShellExtInit".into()],
        names => names.to_vec(),
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = repo.join("target/bench-win32-bindings");
    let target = root.join("target");
    println!("{} interfaces: {}", names.len(), names.join(", "));

    // oscgen: the model as far as the interfaces reach, then their bindings, as
    // `oscgen new --input win32` reads and binds them.
    let scope = Scope::Closure {
        interfaces: names.clone(),
        constants: Vec::new(),
    };
    let selection = Selection {
        interfaces: names.clone(),
        constants: Vec::new(),
        root_constants: false,
        ..Selection::default()
    };
    let (mut times, mut model_times) = (Vec::new(), Vec::new());
    let mut text = String::new();
    for _ in 0..runs {
        let start = Instant::now();
        let model = win32(&scope);
        model_times.push(start.elapsed());
        text = bindings(&model, &selection, &[]).expect("bindings");
        times.push(start.elapsed());
    }
    let oscgen_generate = median(times);
    let oscgen_model = median(model_times);
    let oscgen_crate = root.join("oscgen");
    let _ = std::fs::remove_dir_all(&oscgen_crate);
    let module = sweep::Module {
        name: "bindings".into(),
        label: "sample".into(),
        interfaces: names.clone(),
        text: Ok(text.clone()),
    };
    sweep::write_crate(&[module], &oscgen_crate, repo).expect("write oscgen's crate");
    let oscgen_lines = text.lines().count();

    // windows-bindgen: the same interfaces from the same file, flat, as one module.
    let filters: Vec<String> = names.iter().map(|n| format!("Windows.Win32.{n}")).collect();
    let bindgen_crate = root.join("bindgen");
    let _ = std::fs::remove_dir_all(&bindgen_crate);
    std::fs::create_dir_all(bindgen_crate.join("src")).expect("bindgen crate");
    let out = bindgen_crate.join("src/bindings.rs");
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        windows_bindgen::builder().output(&out).flat().filters(&filters).write();
        times.push(start.elapsed());
    }
    let bindgen_generate = median(times);
    write_bindgen_crate(&bindgen_crate, &out, repo);
    let bindgen_lines = std::fs::read_to_string(&out).unwrap_or_default().lines().count();

    // windows-core and its dependencies are built by the first check of each crate,
    // which is not timed.
    let mut failed = false;
    let mut report = Vec::new();
    for (who, krate, generate, lines) in [
        (
            format!("oscgen (model {})", ms(oscgen_model)),
            &oscgen_crate,
            oscgen_generate,
            oscgen_lines,
        ),
        (
            "windows-bindgen 0.100".to_string(),
            &bindgen_crate,
            bindgen_generate,
            bindgen_lines,
        ),
    ] {
        let errors = sweep::check(krate, &target);
        if !errors.is_empty() {
            failed = true;
            println!("{who}: cargo check FAILED:");
            for e in errors.iter().take(20) {
                println!("  {e}");
            }
            continue;
        }
        let times = (0..runs).map(|_| timed_check(krate, &target)).collect();
        report.push(format!(
            "{who}: generate {} (in process), {lines} lines; cargo check {}",
            ms(generate),
            ms(median(times))
        ));
    }
    println!("median of {runs} runs each:");
    for line in report {
        println!("  {line}");
    }
    if failed {
        std::process::exit(1);
    }
}

/// A crate around windows-bindgen's output (`src/bindings.rs`): it needs only
/// windows-core, except off Windows, where windows-core 0.100 has no BSTR: there the crate
/// takes the same-layout stand-in oscgen's own crates use (templates/runtime/oleaut.rs),
/// so both sides compile against the same definitions.
fn write_bindgen_crate(krate: &Path, bindings: &Path, repo: &Path) {
    let mut lib = String::from(
        "#![allow(non_snake_case, non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]\npub mod bindings;\n",
    );
    if !cfg!(windows) {
        let text = std::fs::read_to_string(bindings).expect("windows-bindgen's output");
        std::fs::write(bindings, text.replace("windows_core::BSTR", "crate::oleaut::BSTR")).expect("bindings");
        std::fs::copy(repo.join("templates/runtime/oleaut.rs"), krate.join("src/oleaut.rs")).expect("oleaut.rs");
        lib.push_str("pub mod oleaut;\n");
    }
    std::fs::write(krate.join("src/lib.rs"), lib).expect("bindgen lib.rs");
    std::fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"bench-bindgen\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nwindows-core = \"0.100\"\n\n[workspace]\n",
    )
    .expect("bindgen Cargo.toml");
    // The same pinned dependencies as oscgen's crate, so neither side resolves anything.
    std::fs::copy(repo.join("samples/osc-provider/Cargo.lock"), krate.join("Cargo.lock")).expect("Cargo.lock");
}

/// `cargo check` of the crate alone, from scratch: its source touched so cargo checks it
/// again, without incremental compilation so nothing of the last check is reused; its
/// dependencies are built already.
fn timed_check(krate: &Path, target: &Path) -> Duration {
    std::fs::File::options()
        .append(true)
        .open(krate.join("src/lib.rs"))
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .expect("touch src/lib.rs");
    let start = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(["check", "--quiet"])
        .current_dir(krate)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("RUSTFLAGS", "")
        .status()
        .expect("run cargo check");
    let elapsed = start.elapsed();
    assert!(status.success(), "{}: a check that passed fails", krate.display());
    elapsed
}
