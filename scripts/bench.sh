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

echo "== the provider DLL for each Windows target: cargo build --release, debug info moved out by objcopy"
# The x64 and x86 DLLs (stripped) before the release profile, when the crate was also an
# rlib and cargo applied no LTO: what the figures below compare with.
declare -A before=([x86_64-pc-windows-gnu]=1107456 [i686-pc-windows-gnu]=1142784)
cache=${OSCGEN_WINCROSS_DIR:-$HOME/.cache/oscgen-wincross}
sysroot=""
for d in "$cache"/sysroot-*; do [ -d "$d" ] && sysroot=$d; done
for t in x86_64-pc-windows-gnu i686-pc-windows-gnu; do
    case $t in x86_64-*) mingw=x86_64-w64-mingw32 ;; *) mingw=i686-w64-mingw32 ;; esac
    if [ -z "$sysroot" ] || [ ! -f "$sysroot/.stamp-$t" ] || ! command -v "$mingw-gcc" >/dev/null; then
        echo "$t: skipped, no cross toolchain (scripts/windows-lane.sh sets it up)"
        continue
    fi
    v=CARGO_TARGET_$(echo "$t" | tr a-z- A-Z_)
    (cd "$work/gen1" && env RUSTC=/usr/bin/rustc "${v}_LINKER=$mingw-gcc" "${v}_RUSTFLAGS=--sysroot=$sysroot" \
        /usr/bin/cargo build --release --quiet --target "$t" --target-dir "$work/target")
    out=$work/ship-$t
    mkdir -p "$out"
    cp "$work/target/$t/release/osc_provider.dll" "$out/"
    (cd "$out" && "$mingw-objcopy" --only-keep-debug osc_provider.dll osc_provider.dll.debug \
        && "$mingw-objcopy" --strip-all --add-gnu-debuglink=osc_provider.dll.debug osc_provider.dll)
    size=$(stat -c %s "$out/osc_provider.dll")
    awk -v t="$t" -v s="$size" -v d="$(stat -c %s "$out/osc_provider.dll.debug")" -v b="${before[$t]}" \
        'BEGIN {printf "%s: %d bytes (%.0f KiB) stripped, %.0f KiB of debug info in osc_provider.dll.debug; before the release profile: %.0f KiB\n", t, s, s/1024, d/1024, b/1024}'
done
deps=$(cd "$work/gen1" && cargo tree --edges normal --prefix none --target all 2>/dev/null | sed 's/ (\*)//' | sort -u | wc -l)
echo "crates in the generated project's dependency tree (itself included): $deps"
(cd "$work/gen1" && cargo tree --edges normal --depth 1 --target all 2>/dev/null)
