#!/usr/bin/env bash
# Regenerates every sample from its oscgen.toml (and its own idl/, if any) alone, user-owned files included, so the
# samples stay exactly what `oscgen new` would write today. Run it after changing templates/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release
for toml in samples/*/oscgen.toml; do
    dir="$(dirname "$toml")"
    find "$dir" -mindepth 1 -maxdepth 1 ! -name oscgen.toml ! -name idl ! -name target ! -name Cargo.lock -exec rm -rf {} +
    ./target/release/oscgen generate "$dir" >/dev/null
    echo "refreshed $dir"
done
