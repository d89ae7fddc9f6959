//! Bindings for a fixed sample of Windows.Win32.winmd's COM interfaces (every 20th, by
//! sorted name) pass `cargo check`: the affordable slice of the full sweep that
//! scripts/check-win32-bindings.sh runs over every interface.

// The example reports what the test does not need (interfaces without an IID).
#[allow(dead_code)]
mod sweep;

#[test]
fn bindings_for_every_20th_win32_interface_compile() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("oscgen-win32-sweep-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("sweep dir");
    let model = sweep::win32_model(&dir);
    let names: Vec<String> = sweep::interface_names(&model).into_iter().step_by(20).collect();
    assert!(names.len() > 200, "the sample shrank: {} interfaces", names.len());
    let outcome = sweep::sweep(
        &sweep::chunks(&model, &names, 110),
        &dir,
        &repo.join("target/win32-sweep"),
    );
    let report: Vec<String> = outcome
        .failures
        .iter()
        .map(|f| format!("{}:\n  {}", f.label, f.errors.join("\n  ")))
        .collect();
    assert_eq!(outcome.compiled, outcome.total, "{}", report.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
}
