#!/usr/bin/env bash
# Type libraries built by Microsoft's MIDL, with the IDL they were built from, for
# tests/typelib_midl.rs: the test files of comtypes 1.4.17 (PyPI sdist, MIT licence).
# They go to a cache outside the repository (${OSCGEN_MIDL_DIR:-~/.cache/oscgen-midl}),
# never into it. Idempotent; silent when the cache is complete.
set -euo pipefail

version=1.4.17
sdist="comtypes-$version.tar.gz"
sha256=3d9c1e92ad8daf7600d371e76ee16161a627a5fb70c3144f6e52e78af6034363
url="https://files.pythonhosted.org/packages/0e/ff/c7836bd0d78fc615281016f154f514e9d523d7cb9ab9e8b4d344adc5f5e7/$sdist"
files=(TestComServer.tlb TestComServer.idl TestDispServer.tlb TestDispServer.idl mylib.tlb mylib.idl urlhist.tlb)

dir="${OSCGEN_MIDL_DIR:-$HOME/.cache/oscgen-midl}"
out="$dir/comtypes-$version"
complete=true
for f in "${files[@]}"; do
    [ -f "$out/$f" ] || complete=false
done
$complete && exit 0

mkdir -p "$dir"
if ! echo "$sha256  $dir/$sdist" | sha256sum --check --status 2>/dev/null; then
    rm -f "$dir/$sdist"
    echo "== fetching $sdist into $dir"
    if python3 -m pip --version >/dev/null 2>&1; then
        python3 -m pip download --quiet --no-deps --no-binary :all: \
            "comtypes==$version" -d "$dir" 2>/dev/null || true
    fi
    # Without pip (or if pip would not fetch it): the same file from PyPI's file host.
    if [ ! -f "$dir/$sdist" ]; then
        command -v curl >/dev/null || { echo "error: fetching $sdist needs python3 -m pip or curl" >&2; exit 1; }
        curl -fsSL --retry 3 -o "$dir/$sdist" "$url"
    fi
    if ! echo "$sha256  $dir/$sdist" | sha256sum --check --status; then
        echo "error: $dir/$sdist does not have sha256 $sha256" >&2
        rm -f "$dir/$sdist"
        exit 1
    fi
fi
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
tar -xzf "$dir/$sdist" -C "$out.tmp" --strip-components=3 --wildcards \
    "comtypes-$version/comtypes/test/*.tlb" "comtypes-$version/comtypes/test/*.idl"
rm -rf "$out"
mv "$out.tmp" "$out"
