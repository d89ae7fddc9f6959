#!/usr/bin/env bash
# Side by side, in one run, on the Windows.Win32.winmd that windows-bindgen 0.100 ships
# (crate windows-default): oscgen reading the whole file and listing every COM
# interface's vtable, and windows-bindgen generating bindings for the same interfaces.
# Figures only, no pass/fail (the target for oscgen is under 1 s in release).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release
# The example uses windows-bindgen and windows-default (dev-dependencies), which also
# puts Windows.Win32.winmd in the Cargo registry, where `oscgen inspect win32` finds it.
cargo build --quiet --release --example bench_winmd
oscgen=$PWD/target/release/oscgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "== oscgen inspect win32: read the whole file, print every COM interface's vtable (10 runs)"
for i in $(seq 10); do
    t0=$(ns); "$oscgen" inspect win32 >"$work/vtables.txt"; t1=$(ns)
    echo $(( (t1 - t0) / 1000 ))
done | median | awk '{printf "oscgen inspect win32 (CLI, process start to exit): median %.0f ms\n", $1/1000}'
echo "   $(grep -c ' slots, ' "$work/vtables.txt") interfaces, $(wc -l <"$work/vtables.txt") lines, $(( $(stat -c %s "$work/vtables.txt") / 1024 )) KiB"

echo "== in one process: oscgen's model and table, then windows-bindgen for the same interfaces"
./target/release/examples/bench_winmd 5
