#!/usr/bin/env bash
# Large-input figures: time and peak memory of `oscgen inspect` on generated IDL files of
# 10, 20 and 40 MB, side by side with Debian's widl 7.0 (`widl -h`, the same reading and
# a C header) up to $WIDL_UP_TO_MB MB (default 20: widl takes minutes beyond). Linear time
# shows as time doubling with size; bounded memory as peak RSS staying a fixed multiple
# of the input.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release
oscgen=$PWD/target/release/oscgen
widl=x86_64-w64-mingw32-widl
mingw=/usr/share/mingw-w64/include
widl_up_to=${WIDL_UP_TO_MB:-20}
if ! command -v "$widl" >/dev/null || [ ! -d "$mingw" ] || ! command -v /usr/bin/time >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "error: needs widl, mingw-w64's headers and GNU time; as root: apt-get install mingw-w64-tools mingw-w64-common time" >&2; exit 1; }
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mingw-w64-tools mingw-w64-common time >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
for mb in (10, 20, 40):
    parts = ['import "unknwn.idl";\n']
    size, i = len(parts[0]), 0
    while size < mb * 1024 * 1024:
        s = (f"[object, uuid({i:08x}-0000-4000-8000-000000000000)]\ninterface IBig{i} : IUnknown\n{{\n"
             f"    HRESULT Get{i}([in] ULONG a, [out, retval] ULONG *b);\n    HRESULT Put{i}([in] ULONG a);\n}}\n")
        parts.append(s); size += len(s); i += 1
    open(f"{work}/big{mb}.idl", "w").write("".join(parts))
PY
printf '%-8s %-22s %-22s %s\n' size "oscgen s / peak RSS" "widl -h s / peak RSS" interfaces
for mb in 10 20 40; do
    /usr/bin/time -f '%e %M' -o "$work/t" "$oscgen" inspect --json "$work/big$mb.idl" > "$work/out.json"
    read -r secs kb < "$work/t"
    n=$(grep -c '"name": "IBig' "$work/out.json" || true)
    ours="$secs s / $((kb / 1024)) MB ($((kb / 1024 / mb))x)"
    theirs="-"
    if [ "$mb" -le "$widl_up_to" ]; then
        # widl reads the same imports oscgen does: oscgen's stand-ins in metadata/std/.
        /usr/bin/time -f '%e %M' -o "$work/w" "$widl" -h -o "$work/h.h" -I metadata/std -I "$mingw" "$work/big$mb.idl"
        read -r wsecs wkb < "$work/w"
        theirs="$wsecs s / $((wkb / 1024)) MB ($((wkb / 1024 / mb))x)"
    fi
    printf '%-8s %-22s %-22s %s\n' "${mb} MB" "$ours" "$theirs" "$n"
done
