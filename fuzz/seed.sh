#!/usr/bin/env bash
# Builds the working corpora under fuzz/corpus/<target>/ (gitignored) from the committed
# seeds (fuzz/seeds/, copied from this repository's metadata and samples) plus about 50 IDL
# files from ../shared/corpus, picked deterministically (sorted paths, an even stride).
# Existing corpus entries are kept, so re-running after a fuzz run only adds seeds.
set -euo pipefail
cd "$(dirname "$0")"

shared="${OSCGEN_SHARED_CORPUS:-../../shared/corpus}"
count="${OSCGEN_SHARED_SEEDS:-50}"
corpus="${OSCGEN_FUZZ_CORPUS:-corpus}"

for target in idl winmd typelib config; do
    mkdir -p "$corpus/$target"
    cp -f seeds/"$target"/* "$corpus/$target/"
done

# Refresh the repository's own files too, in case seeds/ is stale.
cp -f ../metadata/*.idl "$corpus"/idl/
for f in ../metadata/std/*.idl; do cp -f "$f" "$corpus/idl/std-$(basename "$f")"; done
cp -f ../metadata/*.winmd "$corpus"/winmd/
for s in ../samples/*/oscgen.toml; do cp -f "$s" "$corpus/config/$(basename "$(dirname "$s")").toml"; done

if [ -d "$shared" ]; then
    mapfile -t files < <(find "$shared" -type f -name '*.idl' -size -256k | LC_ALL=C sort)
    total=${#files[@]}
    if [ "$total" -gt 0 ]; then
        stride=$(( total / count )); [ "$stride" -ge 1 ] || stride=1
        copied=0
        for (( i = 0; i < total && copied < count; i += stride )); do
            f="${files[$i]}"
            # Flattened name: the path below the corpus root, '/' as '__'.
            name="shared__${f#"$shared"/}"; name="${name//\//__}"
            cp -f "$f" "$corpus/idl/$name"
            copied=$((copied + 1))
        done
        echo "seed.sh: $copied IDL files from $shared (of $total)"
    fi
else
    echo "seed.sh: $shared not found; $corpus/idl has only the repository's IDL" >&2
fi
for target in idl winmd typelib config; do
    echo "seed.sh: $corpus/$target: $(find "$corpus/$target" -type f | wc -l) files"
done
