#!/usr/bin/env bash
# Prints oscgen's performance figures: generation time, the generated provider's cold
# release build time and binary size, and its dependency count. Figures only, no pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release
oscgen=$PWD/target/release/oscgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "== generate samples/osc-provider from its oscgen.toml (20 runs, fresh directory each)"
for i in $(seq 20); do
    mkdir "$work/gen$i"
    cp samples/osc-provider/oscgen.toml "$work/gen$i/"
    t0=$(ns); "$oscgen" generate "$work/gen$i" >/dev/null; t1=$(ns)
    echo $(( (t1 - t0) / 1000 ))
done | median | awk '{printf "generate: median %.1f ms\n", $1/1000}'

echo "== oscgen inspect of the built-in metadata (20 runs)"
for i in $(seq 20); do
    t0=$(ns); "$oscgen" inspect >/dev/null; t1=$(ns)
    echo $(( (t1 - t0) / 1000 ))
done | median | awk '{printf "inspect: median %.1f ms\n", $1/1000}'

echo "== cold cargo build --release of the generated project (crates already downloaded)"
(cd "$work/gen1" && cargo fetch --quiet)
t0=$(ns)
(cd "$work/gen1" && CARGO_TARGET_DIR="$work/target" cargo build --release --quiet)
t1=$(ns)
awk -v t=$(( (t1 - t0) / 1000000 )) 'BEGIN {printf "cold release build: %.1f s\n", t/1000}'
so="$work/target/release/libosc_provider.so"
echo "cdylib size (Linux .so, release, not stripped): $(stat -c %s "$so") bytes"
dll=target/windows-lane/x86_64-pc-windows-gnu/release/osc_provider.dll
if [ -f "$dll" ]; then
    echo "Windows DLL size (from the last windows-lane run): $(stat -c %s "$dll") bytes"
fi
deps=$(cd "$work/gen1" && cargo tree --edges normal --prefix none --target all 2>/dev/null | sed 's/ (\*)//' | sort -u | wc -l)
echo "crates in the generated project's dependency tree (itself included): $deps"
(cd "$work/gen1" && cargo tree --edges normal --depth 1 --target all 2>/dev/null)
