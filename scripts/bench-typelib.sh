#!/usr/bin/env bash
# Side by side on Wine's mshtml.tlb (Debian's wine64 package; OSCGEN_WINE_DIR overrides
# its directory): oscgen reading the library and printing every interface's vtable, and
# winedump (wine64-tools) dumping the same library's records. winedump reads only a
# standalone MSFT file, and Wine ships mshtml.tlb inside a PE file, so the library is
# first taken out of it (not timed). Figures only, no pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."
wine=${OSCGEN_WINE_DIR:-/usr/lib/x86_64-linux-gnu/wine/x86_64-windows}
winedump=$(command -v winedump || command -v winedump-stable || true)
[ -f "$wine/mshtml.tlb" ] || { echo "error: $wine/mshtml.tlb not found (apt-get install wine64)" >&2; exit 2; }
[ -n "$winedump" ] || { echo "error: winedump not found (apt-get install wine64-tools)" >&2; exit 2; }
cargo build --quiet --release
oscgen=$PWD/target/release/oscgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$wine/mshtml.tlb" "$work/mshtml.tlb" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(data[data.index(b'MSFT'):])
PY

ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "== oscgen inspect mshtml.tlb: read the library, print every vtable (10 runs)"
for i in $(seq 10); do
    t0=$(ns); "$oscgen" inspect "$wine/mshtml.tlb" >"$work/vtables.txt"; t1=$(ns)
    echo $(( (t1 - t0) / 1000 ))
done | median | awk '{printf "oscgen: median %.0f ms\n", $1/1000}'
echo "   $(grep -c ' slots, ' "$work/vtables.txt") interfaces, $(wc -l <"$work/vtables.txt") lines"

echo "== winedump mshtml.tlb: dump the library's records (10 runs)"
for i in $(seq 10); do
    t0=$(ns); "$winedump" "$work/mshtml.tlb" >"$work/dump.txt"; t1=$(ns)
    echo $(( (t1 - t0) / 1000 ))
done | median | awk '{printf "winedump: median %.0f ms\n", $1/1000}'
echo "   $(wc -l <"$work/dump.txt") lines"
