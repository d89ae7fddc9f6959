//! The lane's tally: one `PASS`/`FAIL` line per check, a summary per architecture, then
//! `N passed, N failed` over everything.
use std::collections::BTreeMap;
use std::fmt::Display;

#[derive(Default)]
pub struct Report {
    passed: usize,
    failed: usize,
    /// The architecture the current checks belong to (`None` for the common setup).
    arch: Option<&'static str>,
    per_arch: BTreeMap<&'static str, (usize, usize)>,
}

impl Report {
    /// Starts from the checks the setup script already made and printed.
    pub fn with_setup(passed: usize, failed: usize) -> Self {
        Report {
            passed,
            failed,
            ..Report::default()
        }
    }

    pub fn set_arch(&mut self, arch: Option<&'static str>) {
        self.arch = arch;
        if let Some(a) = arch {
            self.per_arch.entry(a).or_default();
        }
    }

    pub fn pass(&mut self, what: impl Display) {
        println!("PASS {what}");
        self.passed += 1;
        if let Some(a) = self.arch {
            self.per_arch.entry(a).or_default().0 += 1;
        }
    }

    pub fn fail(&mut self, what: impl Display) {
        println!("FAIL {what}");
        self.failed += 1;
        if let Some(a) = self.arch {
            self.per_arch.entry(a).or_default().1 += 1;
        }
    }

    /// `pass(ok)` or `fail(bad)`.
    pub fn check(&mut self, ok: bool, good: impl Display, bad: impl Display) -> bool {
        if ok {
            self.pass(good);
        } else {
            self.fail(bad);
        }
        ok
    }

    pub fn failed(&self) -> usize {
        self.failed
    }

    /// The per-architecture lines (in the order given) and the closing `N passed, N failed`.
    pub fn summary(&self, archs: &[(&'static str, &str)]) {
        for (arch, triple) in archs {
            let (p, f) = self.per_arch.get(arch).copied().unwrap_or_default();
            println!("{arch} ({triple}): {p} passed, {f} failed");
        }
    }

    pub fn closing_line(&self) {
        println!("{} passed, {} failed", self.passed, self.failed);
    }
}

/// The last lines of a log, indented, after a failure.
pub fn show_log(path: &std::path::Path, lines: usize) {
    let text = std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    for line in &all[all.len().saturating_sub(lines)..] {
        println!("    | {}", line.trim_end_matches('\r'));
    }
}
