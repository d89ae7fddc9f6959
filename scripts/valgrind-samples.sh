#!/usr/bin/env bash
# Runs every sample's test binaries, and the VARIANT runtime's tests, under valgrind: BSTRs,
# SAFEARRAYs and VARIANTs must be freed exactly once (no bytes definitely lost, no invalid read, write or free).
# Prints one PASS/FAIL line per binary and `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }
passed=0
failed=0
for toml in samples/*/oscgen.toml; do
    sample=$(dirname "$toml")
    binaries=$(cd "$sample" && CARGO_TARGET_DIR=../../target/samples cargo test --no-run --quiet --message-format=json 2>/dev/null \
        | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(m["executable"])')
    for bin in $binaries; do
        name="$sample: $(basename "$bin")"
        log=$(mktemp)
        # --test-threads=1 keeps valgrind's serialisation from timing anything out.
        if (cd "$sample" && valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
                --error-exitcode=99 "$bin" --test-threads=1 >"$log" 2>&1); then
            echo "PASS $name under valgrind"
            passed=$((passed + 1))
        else
            echo "FAIL $name under valgrind"
            tail -n 30 "$log" | sed 's/^/    | /'
            failed=$((failed + 1))
        fi
        rm -f "$log"
    done
done
# The VARIANT runtime's own tests (tests/runtime_variant.rs): strings, interfaces and nested
# arrays moved between Variant, raw VARIANTs and SAFEARRAY(VARIANT) on the oleaut32 stand-in.
bin=$(cargo test --test runtime_variant --no-run --quiet --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(m["executable"])')
log=$(mktemp)
if [ -n "$bin" ] && valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
        --error-exitcode=99 "$bin" --test-threads=1 >"$log" 2>&1; then
    echo "PASS tests/runtime_variant.rs under valgrind"
    passed=$((passed + 1))
else
    echo "FAIL tests/runtime_variant.rs under valgrind"
    tail -n 30 "$log" | sed 's/^/    | /'
    failed=$((failed + 1))
fi
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
