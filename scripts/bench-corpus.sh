#!/usr/bin/env bash
# Front-end speed on the real-world corpus (../shared/corpus, 945 IDL files), side by side
# with Debian's widl 7.0 in one run:
#   1. each file in its own process: `oscgen inspect FILE` (preprocess, parse, lower,
#      validate, print every vtable) against `widl -h FILE` (the same reading, then a C
#      header), same include directories and defines as tests/corpus.rs; the median of
#      $RUNS hyperfine runs per file and tool, the ratio per file, the median over the corpus;
#   2. the whole corpus in one process: `oscgen inspect --parse-only` over all 945 files
#      (each file and every file it imports or includes preprocessed and parsed once).
# Figures only, no pass/fail. RUNS=3 for a quicker, noisier run; EVERY=5 times every
# fifth file only. BENCH_TABLE=FILE also writes each file's times and ratio there.
# Installs widl, mingw-w64's headers and hyperfine from Debian when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(cd ../shared/corpus && pwd)
mingw=/usr/share/mingw-w64/include
widl=x86_64-w64-mingw32-widl
runs=${RUNS:-5}
every=${EVERY:-1}
# What the run needs from Debian, installed when missing (as root), as .ci/run does.
need=()
command -v "$widl" >/dev/null || need+=(mingw-w64-tools)
[ -d "$mingw" ] || need+=(mingw-w64-common)
command -v hyperfine >/dev/null || need+=(hyperfine)
if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "error: missing ${need[*]}; as root: apt-get install ${need[*]}" >&2; exit 1; }
    echo "== installing ${need[*]}"
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

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

# Each command is timed by hyperfine (-N: spawned directly, no shell), which is what a
# build system pays per file: process start-up, reading, the work, exit. A shell loop with
# `date` around each run would add about 2 ms of its own forks to both sides.
echo "== ${#files[@]} files (every ${every}th timed), each in its own process, median of $runs runs after 1 warm-up: oscgen inspect vs $widl -h"
mkdir -p "$work/json"
i=0
for f in "${files[@]}"; do
    i=$((i + 1))
    [ $((i % every)) -eq 0 ] || continue
    args="-I $(dirname "$f") -I $corpus/wine -I $mingw -I $work/include"
    case "$f" in "$corpus"/mingw-w64/*) args="$args -D BOOL=WINBOOL" ;; esac
    hyperfine -N --style none --warmup 1 --runs "$runs" --ignore-failure --export-json "$work/json/$i.json" \
        --command-name oscgen "$oscgen inspect $f $args" \
        --command-name widl "$widl -h -o $work/out/h.h $args $f" >/dev/null 2>&1
    printf '%s\t%s\n' "$i.json" "${f#"$corpus"/}" >>"$work/names"
    [ $((i % 100)) -eq 0 ] && echo "   $i files"
done
python3 - "$work/json" "$work/names" "${BENCH_TABLE:-}" <<'PY'
import json, os, statistics, sys
names = dict(line.rstrip("\n").split("\t") for line in open(sys.argv[2]))
rows = []
table = []
fails = {"oscgen": 0, "widl": 0}
for name in os.listdir(sys.argv[1]):
    results = {r["command"]: r for r in json.load(open(os.path.join(sys.argv[1], name)))["results"]}
    ok = {c: all(code == 0 for code in r["exit_codes"]) for c, r in results.items()}
    for c in fails:
        fails[c] += not ok[c]
    if all(ok.values()):
        o, w = results["oscgen"]["median"] * 1e3, results["widl"]["median"] * 1e3
        rows.append((o, w))
        table.append(f"{w / o:.2f}\t{o:.2f}\t{w:.2f}\t{names[name]}")
if sys.argv[3]:
    with open(sys.argv[3], "w") as f:
        f.write("ratio\toscgen_ms\twidl_ms\tfile\n" + "\n".join(sorted(table)) + "\n")
ratios = sorted(w / o for o, w in rows)
print(f"files both read: {len(rows)} (widl rejects {fails['widl']}, oscgen {fails['oscgen']})")
print(f"oscgen per file: median {statistics.median(o for o, _ in rows):.2f} ms")
print(f"widl -h per file: median {statistics.median(w for _, w in rows):.2f} ms")
q = statistics.quantiles(ratios, n=4)
print(f"widl time / oscgen time, per file: median {statistics.median(ratios):.2f}x "
      f"(quartiles {q[0]:.2f}x / {q[2]:.2f}x, lowest {ratios[0]:.2f}x, highest {ratios[-1]:.2f}x; "
      f"{sum(r >= 2 for r in ratios)} of {len(ratios)} files at 2x or more)")
PY

echo "== the whole corpus in one process: oscgen inspect --parse-only (median of $runs runs)"
"$oscgen" inspect --parse-only "${files[@]}" -I "$corpus/wine" -I "$mingw" -I "$work/include"
printf '%s\n' "${files[@]}" >"$work/list"
hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/whole.json" \
    "$oscgen inspect --parse-only $(tr '\n' ' ' <"$work/list") -I $corpus/wine -I $mingw -I $work/include" >/dev/null
python3 - "$work/whole.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"whole corpus, one process: median {r['median'] * 1e3:.0f} ms, best {r['min'] * 1e3:.0f} ms")
PY
