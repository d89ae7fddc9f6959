#!/usr/bin/env bash
# CI smoke for the fuzz targets (fuzz/README.md): each target about 60 s under libFuzzer,
# built by cargo-fuzz on the stable toolchain with RUSTC_BOOTSTRAP=1. Where that build does
# not work (no cargo-fuzz and no way to install it, no C++ compiler for libFuzzer), falls back
# to the stable proptest-style test tests/fuzz_smoke.rs. A crash fails the script; its input
# is in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${OSCGEN_FUZZ_SMOKE_SECONDS:-60}"
targets=(idl winmd config)

fallback() {
    echo "fuzz/smoke.sh: $1; running the stable fallback tests/fuzz_smoke.rs" >&2
    (cd .. && cargo test --quiet --test fuzz_smoke --test fuzz_regressions)
    exit 0
}

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked --quiet >/dev/null 2>&1 || fallback "cargo-fuzz is not installed and cannot be"
fi
export RUSTC_BOOTSTRAP=1
# RUSTC_BOOTSTRAP=1 lets the stable rustc take cargo fuzz's -Z flags (-Zsanitizer=address).
# -O: a release build without debug assertions, as the 30-minute runs used.
cargo fuzz build -O >build.log 2>&1 || { tail -20 build.log >&2; fallback "cargo fuzz build failed"; }
rm -f build.log

# A fresh corpus from the seeds: a long run's corpus takes longer to load than the smoke lasts.
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
OSCGEN_FUZZ_CORPUS="$corpus" bash seed.sh >/dev/null
mkdir -p logs
status=0
for t in "${targets[@]}"; do
    echo "-- fuzz $t for ${seconds}s"
    if cargo fuzz run -O "$t" "$corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        >"logs/smoke-$t.log" 2>&1; then
        grep -E '^Done [0-9]+ runs' "logs/smoke-$t.log" || true
    else
        echo "error: fuzz target $t failed; see fuzz/logs/smoke-$t.log and fuzz/artifacts/$t/" >&2
        tail -40 "logs/smoke-$t.log" >&2
        status=1
    fi
done
exit $status
