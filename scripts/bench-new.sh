#!/usr/bin/env bash
# `oscgen new --template com-server --input win32 --implement IContextMenu,IShellExtInit`
# (a whole project from the Win32 metadata) beside windows-bindgen 0.100 generating
# bindings for the same two interfaces, in one run. Figures only, no pass/fail; the
# targets are in README ("Evidence at scale"). INTERFACES=IFoo,IBar picks others.
set -euo pipefail
cd "$(dirname "$0")/.."
interfaces=${INTERFACES:-IContextMenu,IShellExtInit}
runs=${RUNS:-10}
command -v hyperfine >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
}
cargo build --quiet --release
cargo build --quiet --release --example bench_bindgen_pair
oscgen=$PWD/target/release/oscgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== oscgen new --input win32 --implement $interfaces ($runs runs, process start to exit)"
hyperfine -N --style basic --warmup 2 --runs "$runs" --prepare "rm -rf $work/p" \
    "$oscgen new $work/p --quiet --template com-server --input win32 --implement $interfaces" \
    --export-json "$work/new.json" >/dev/null
python3 - "$work/new.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
# On a shared machine the wall time swings with the other load; the CPU time less so.
print(f"oscgen new: median {r['median']*1000:.0f} ms, min {r['min']*1000:.0f} ms; "
      f"CPU {(r['user'] + r['system'])*1000:.0f} ms (user + system, mean)")
PY
rm -rf "$work/p"
/usr/bin/time -f "%M" -o "$work/rss" "$oscgen" new "$work/p" --quiet --template com-server --input win32 --implement "$interfaces"
echo "oscgen new: peak RSS $(( $(cat "$work/rss") / 1024 )) MiB; bindings.rs $(wc -l <"$work/p/src/generated/bindings.rs") lines"

echo "== windows-bindgen 0.100, the same interfaces"
./target/release/examples/bench_bindgen_pair 5 ${interfaces//,/ }
