#!/usr/bin/env bash
# Large-input figures: time and peak memory of `oscgen inspect` on generated IDL files of
# 10, 20 and 40 MB. Linear time shows as time doubling with size; bounded memory as peak
# RSS staying a small multiple of the input.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release
oscgen=$PWD/target/release/oscgen
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
printf '%-8s %-10s %-12s %s\n' size seconds "peak RSS" interfaces
for mb in 10 20 40; do
    /usr/bin/time -f '%e %M' -o "$work/t" "$oscgen" inspect --json "$work/big$mb.idl" > "$work/out.json"
    read -r secs kb < "$work/t"
    n=$(grep -c '"name": "IBig' "$work/out.json" || true)
    printf '%-8s %-10s %-12s %s\n' "${mb} MB" "$secs" "$((kb / 1024)) MB" "$n"
done
