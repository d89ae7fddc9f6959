#!/usr/bin/env bash
# Bindings for the COM interfaces of every mingw-w64 IDL file in ../shared/corpus that
# widl accepts (the file's own interfaces with an IID), checked by `cargo check`,
# FILES_PER_CRATE files per crate (default 40). Prints how many interfaces compiled and
# names each failing file; exits non-zero if any did not compile. tests/mingw_sweep.rs
# runs the same on a fixed sample.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --example mingw_sweep
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SWEEP_DIR=$work ./target/debug/examples/mingw_sweep "${1:-40}"
