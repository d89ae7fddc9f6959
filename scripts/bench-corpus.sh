#!/usr/bin/env bash
# Front-end speed on the real-world corpus (../shared/corpus, 945 IDL files), side by side
# with Debian's widl 7.0 in one run:
#   1. each file in its own process: `oscgen inspect FILE` (preprocess, parse, lower,
#      validate, print every vtable) against `widl -h FILE` (the same reading, then a C
#      header), same include directories and defines as tests/corpus.rs; best of $RUNS
#      runs per file and tool, the ratio per file, the median over the corpus;
#   2. the whole corpus in one process: `oscgen inspect --parse-only` over all 945 files
#      (each file and every file it imports or includes preprocessed and parsed once).
# Figures only, no pass/fail. RUNS=1 for a quicker, noisier run; EVERY=5 times every
# fifth file only.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(cd ../shared/corpus && pwd)
mingw=/usr/share/mingw-w64/include
widl=x86_64-w64-mingw32-widl
runs=${RUNS:-3}
every=${EVERY:-1}
command -v "$widl" >/dev/null || { echo "error: $widl not found (apt-get install mingw-w64-tools)" >&2; exit 1; }
[ -d "$mingw" ] || { echo "error: $mingw not found (apt-get install mingw-w64-common)" >&2; exit 1; }

cargo build --quiet --release
oscgen=${CARGO_TARGET_DIR:-$PWD/target}/release/oscgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The layout the files were written for, as tests/common/mod.rs builds it: wine-dlls/
# back into its dlls/... tree, Wine's include/wine/ as wine/, empty stand-ins for the
# Wine-internal DISPID headers that are not in the corpus.
mkdir -p "$work/include" "$work/tree" "$work/out"
ln -s "$corpus/wine-include-wine" "$work/include/wine"
for h in ihost_dispid.h jsglobal_dispid.h msiserver_dispids.h msxml6did.h server_defines.h vbscript_defs.h; do
    : >"$work/include/$h"
done
files=()
for f in "$corpus"/wine/*.idl "$corpus"/wine-include-wine/*.idl "$corpus"/mingw-w64/*.idl; do files+=("$f"); done
for f in "$corpus"/wine-dlls/*.idl; do
    rebuilt="$work/tree/$(basename "$f" | sed 's/__/\//g')"
    mkdir -p "$(dirname "$rebuilt")"
    ln -s "$f" "$rebuilt"
    files+=("$rebuilt")
done

ns() { date +%s%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Best of $runs wall times of a command, in microseconds; prints "fail" if it fails.
best() {
    local best= t0 t1 t
    for _ in $(seq "$runs"); do
        t0=$(ns)
        "$@" >/dev/null 2>&1 || { echo fail; return; }
        t1=$(ns)
        t=$(( (t1 - t0) / 1000 ))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    echo "$best"
}

echo "== ${#files[@]} files (every ${every}th timed), each in its own process, best of $runs: oscgen inspect vs $widl -h"
: >"$work/times"
i=0
for f in "${files[@]}"; do
    i=$((i + 1))
    [ $((i % every)) -eq 0 ] || continue
    args=(-I "$(dirname "$f")" -I "$corpus/wine" -I "$mingw" -I "$work/include")
    case "$f" in "$corpus"/mingw-w64/*) args+=(-D BOOL=WINBOOL) ;; esac
    o=$(best "$oscgen" inspect "$f" "${args[@]}")
    w=$(best "$widl" -h -o "$work/out/h.h" "${args[@]}" "$f")
    echo "$o $w" >>"$work/times"
    [ $((i % 100)) -eq 0 ] && echo "   $i files"
done
awk '$1 != "fail" && $2 != "fail" {print $2 / $1}' "$work/times" >"$work/ratios"
awk '$1 != "fail" {print $1 / 1000}' "$work/times" >"$work/oscgen_ms"
awk '$2 != "fail" {print $2 / 1000}' "$work/times" >"$work/widl_ms"
echo "files both read: $(wc -l <"$work/ratios") (widl rejects $(awk '$2 == "fail"' "$work/times" | wc -l), oscgen $(awk '$1 == "fail"' "$work/times" | wc -l))"
echo "oscgen per file: median $(median <"$work/oscgen_ms") ms"
echo "widl -h per file: median $(median <"$work/widl_ms") ms"
echo "widl time / oscgen time, per file: median $(median <"$work/ratios")x, lowest $(sort -g "$work/ratios" | head -1)x"

echo "== the whole corpus in one process: oscgen inspect --parse-only (best of $runs)"
t=$(best "$oscgen" inspect --parse-only "${files[@]}" -I "$corpus/wine" -I "$mingw" -I "$work/include")
"$oscgen" inspect --parse-only "${files[@]}" -I "$corpus/wine" -I "$mingw" -I "$work/include"
awk -v t="$t" 'BEGIN {printf "whole corpus, one process: %.0f ms\n", t / 1000}'
