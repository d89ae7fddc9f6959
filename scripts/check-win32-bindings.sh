#!/usr/bin/env bash
# Bindings for every COM interface in Windows.Win32.winmd (windows-default 0.100), checked
# by `cargo check` in chunks of CHUNK interfaces (default 300). Prints how many compiled;
# exits non-zero if any did not. tests/win32_sweep.rs runs the same on a fixed sample.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --example win32_sweep
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SWEEP_DIR=$work ./target/debug/examples/win32_sweep "${1:-300}"
