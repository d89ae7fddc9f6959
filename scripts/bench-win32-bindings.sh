#!/usr/bin/env bash
# Bindings for a fixed sample of Win32 interfaces, oscgen beside windows-bindgen 0.100 in
# one run: each one's generation time (in process, from the Windows.Win32.winmd of
# windows-default 0.100) and the `cargo check` time of a crate holding its output, with
# windows-core already built (examples/bench_win32_bindings.rs). The sample: every
# interface of the server kinds in scripts/server-kinds.txt that the metadata has.
# EVERY=N takes every Nth COM interface of the metadata instead; RUNS=n (default 3).
# Figures only; it fails only if a crate does not compile.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
cargo build --quiet --release --example bench_win32_bindings
if [[ -n ${EVERY:-} ]]; then
    sample=(--every "$EVERY")
else
    mapfile -t sample < <(awk '!/^#/ && NF && $4 ~ /win32/ {print $2}' scripts/server-kinds.txt | tr , '\n' | sort -u)
fi
./target/release/examples/bench_win32_bindings "$runs" "${sample[@]}"
