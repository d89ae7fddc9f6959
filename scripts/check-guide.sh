#!/usr/bin/env bash
# Runs every ```sh block of docs/guide.md, in order, in one shell, the way a newcomer would:
# a fresh HOME, oscgen installed with `cargo install`, the project created under ~.
# `path/to/oscgen` in the guide stands for this checkout. Prints `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Keep the real toolchain and crate cache; everything else starts empty.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export OSCGEN_WINCROSS_DIR="${OSCGEN_WINCROSS_DIR:-$HOME/.cache/oscgen-wincross}"
export CARGO_INSTALL_ROOT="$work/install"
export PATH="$CARGO_INSTALL_ROOT/bin:$PATH"
export HOME="$work/home"
mkdir -p "$HOME"

script="$work/guide.sh"
{
    echo 'set -euo pipefail'
    echo "cd '$REPO'"
    awk '/^```sh$/ {inblock=1; n++; printf "echo \"== guide block %d\"\n", n; next}
         /^```/ && inblock {inblock=0; next}
         inblock {print}' docs/guide.md | sed "s#path/to/oscgen#$REPO#g"
} > "$script"
blocks=$(grep -c '^```sh$' docs/guide.md)
if bash "$script"; then
    echo "guide: all $blocks blocks ran"
    echo "1 passed, 0 failed"
else
    echo "guide: a command failed (see above)"
    echo "0 passed, 1 failed"
    exit 1
fi
