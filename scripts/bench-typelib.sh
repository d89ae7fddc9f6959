#!/usr/bin/env bash
# Side by side, in one run, on Wine's mshtml.tlb (Debian package wine64): oscgen reading
# the type library and printing every interface's vtable and dispatch members, and
# winedump (package wine64-tools) dumping the same library. winedump dumps only a
# standalone MSFT file, not the TYPELIB resource of the PE file Wine ships, so both are
# given the library's bytes taken out of that resource (oscgen reads the PE file too; its
# time on it is printed as well). Figures only, no pass/fail: the target is oscgen's time
# under winedump's.
set -euo pipefail
cd "$(dirname "$0")/.."
wine_dir=${OSCGEN_WINE_DLLS:-/usr/lib/x86_64-linux-gnu/wine/x86_64-windows}
winedump=$(command -v winedump || command -v winedump-stable || echo /usr/lib/wine/winedump)
if [ ! -f "$wine_dir/mshtml.tlb" ] || [ ! -x "$winedump" ]; then
    echo "needs Wine's type libraries and winedump: apt-get install wine64 wine64-tools" >&2
    exit 1
fi
cargo build --quiet --release
oscgen=$PWD/target/release/oscgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The TYPELIB resource's bytes: the resource directory's TYPELIB / 1 / first language.
python3 - "$wine_dir/mshtml.tlb" "$work/mshtml.msft.tlb" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
pe = struct.unpack_from("<I", data, 0x3C)[0]
nsect = struct.unpack_from("<H", data, pe + 6)[0]
opt = struct.unpack_from("<H", data, pe + 20)[0]
magic = struct.unpack_from("<H", data, pe + 24)[0]
dirs = pe + 24 + (96 if magic == 0x10B else 112)
rsrc_rva = struct.unpack_from("<I", data, dirs + 2 * 8)[0]
sections = pe + 24 + opt
def to_off(rva):
    for i in range(nsect):
        s = sections + 40 * i
        vsize, va, rawsize, raw = struct.unpack_from("<IIII", data, s + 8)
        if va <= rva < va + max(vsize, rawsize):
            return raw + rva - va
    raise SystemExit("rva outside the sections")
base = to_off(rsrc_rva)
def entries(off):
    named, ids = struct.unpack_from("<HH", data, base + off + 12)
    for i in range(named + ids):
        name, target = struct.unpack_from("<II", data, base + off + 16 + 8 * i)
        yield name, target
def name_of(name):
    if name & 0x80000000:
        o = base + (name & 0x7FFFFFFF)
        n = struct.unpack_from("<H", data, o)[0]
        return data[o + 2:o + 2 + 2 * n].decode("utf-16-le")
    return name
for name, target in entries(0):
    if name_of(name) == "TYPELIB":
        _, target = next(entries(target & 0x7FFFFFFF))
        _, target = next(entries(target & 0x7FFFFFFF))
        rva, size = struct.unpack_from("<II", data, base + target)
        off = to_off(rva)
        open(sys.argv[2], "wb").write(data[off:off + size])
        break
else:
    raise SystemExit("no TYPELIB resource")
PY

ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_it() {   # LABEL OUT COMMAND...
    local label=$1 out=$2
    shift 2
    for i in $(seq 10); do
        t0=$(ns); "$@" >"$out"; t1=$(ns)
        echo $(( (t1 - t0) / 1000 ))
    done | median | awk -v l="$label" '{printf "%s: median %.1f ms (10 runs)\n", l, $1/1000}'
    echo "   $(wc -l <"$out") lines, $(( $(stat -c %s "$out") / 1024 )) KiB of output"
}

echo "== mshtml.tlb: $(stat -c %s "$wine_dir/mshtml.tlb") bytes as Wine ships it, $(stat -c %s "$work/mshtml.msft.tlb") bytes of MSFT"
time_it "oscgen inspect (the MSFT bytes), every vtable and dispatch member" "$work/oscgen.txt" \
    "$oscgen" inspect "$work/mshtml.msft.tlb"
echo "   $(grep -c ' slots, ' "$work/oscgen.txt") interfaces"
time_it "oscgen inspect (the PE file Wine ships)" "$work/oscgen-pe.txt" "$oscgen" inspect "$wine_dir/mshtml.tlb"
time_it "winedump (the MSFT bytes)" "$work/winedump.txt" "$winedump" "$work/mshtml.msft.tlb"
