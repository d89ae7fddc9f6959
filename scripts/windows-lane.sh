#!/usr/bin/env bash
# The Windows lane (issue #4): every generated provider cross-builds as an x86_64 Windows DLL
# and behaves under Wine as Outlook's Social Connector expects.
#
#   bash scripts/windows-lane.sh                    # every samples/*/ that has an oscgen.toml
#   bash scripts/windows-lane.sh samples/osc-provider [DIR ..]
#   OSCGEN_SKIP_WINDOWS_LANE=1 bash scripts/...     # skip locally (ignored when CI is set)
#
# Per sample: cross-build (release) for x86_64-pc-windows-gnu, check the four Dll* exports,
# regsvr32 and the keys of the project's .reg file, the OSC host simulator (tests/osc-host)
# through CoCreateInstance, every XML document it received against the OSC 2013 schema,
# regsvr32 /u and a check that every key is gone, then the sample's own `cargo test` with
# Wine as cargo's target runner. One line per check (PASS/FAIL), then `N passed, N failed`;
# non-zero exit on any failure. Needs root only to apt-get install what is missing.
#
# Everything built once (the Windows std sysroot, the Wine prefix, the bcryptprimitives
# stand-in, the cargo target dir, logs) lives under ${OSCGEN_WINCROSS_DIR:-~/.cache/oscgen-wincross},
# outside the repository; the recipe behind it is ../shared/tools/wincross/README.md.
set -euo pipefail
# Project directories given as arguments are relative to where the script was called from.
CALLER_PWD=$PWD
cd "$(dirname "$0")/.."
REPO=$PWD
T_START=$(date +%s.%N)

if [[ -n "${OSCGEN_SKIP_WINDOWS_LANE:-}" && "${OSCGEN_SKIP_WINDOWS_LANE}" != 0 ]]; then
    if [[ -n "${CI:-}" ]]; then
        echo "note: OSCGEN_SKIP_WINDOWS_LANE=$OSCGEN_SKIP_WINDOWS_LANE is ignored because CI is set: CI always runs the Windows lane"
    else
        echo "SKIPPED: Windows lane, because OSCGEN_SKIP_WINDOWS_LANE=$OSCGEN_SKIP_WINDOWS_LANE (unset it to cross-build for Windows and test under Wine)"
        exit 0
    fi
fi

TARGET=x86_64-pc-windows-gnu
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${OSCGEN_WINCROSS_DIR:-$HOME/.cache/oscgen-wincross}
DEB_RUSTC=/usr/bin/rustc      # rustc-web: its std source (rust-web-src) matches it exactly
DEB_CARGO=/usr/bin/cargo      # cargo-web; rustup's cargo would do too, with RUSTC=/usr/bin/rustc
WINE=/usr/lib/wine/wine64     # package wine64 (Debian has no /usr/bin/wine64)
WINESERVER=/usr/lib/wine/wineserver64
XSD=$REPO/../shared/reference/xsd/OutlookSocialProvider_2013.xsd
HOST_DIR=$REPO/tests/osc-host

passed=0
failed=0
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f s", b - a }'; }
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() {
    echo "windows lane: $(since "$T_START") (caches in $CACHE)"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
# A setup step failed: nothing after it can run.
abort() {
    fail "$*"
    finish || true
    exit 1
}
# The last lines of a log, indented, after a failure.
show_log() { tail -n "${2:-25}" "$1" | sed 's/^/    | /'; }

case "$CACHE/" in
    "$REPO"/*) abort "setup: OSCGEN_WINCROSS_DIR ($CACHE) must be outside the repository" ;;
esac
mkdir -p "$CACHE/logs"
# One lane at a time per cache: runs share the Wine prefix and its registry.
exec 9>"$CACHE/lane.lock"
flock 9

# Samples: the arguments, or every samples/*/ with an oscgen.toml.
samples=()
if [ $# -gt 0 ]; then
    for arg in "$@"; do
        case "$arg" in /*) dir=$arg ;; *) dir=$CALLER_PWD/$arg ;; esac
        [ -f "$dir/oscgen.toml" ] || abort "setup: $arg is not a generated project (no oscgen.toml)"
        samples+=("$(cd "$dir" && pwd)")
    done
else
    for toml in "$REPO"/samples/*/oscgen.toml; do
        [ -f "$toml" ] && samples+=("$(dirname "$toml")")
    done
fi
[ ${#samples[@]} -gt 0 ] || abort "setup: no sample with an oscgen.toml under samples/"

########################################################################################
# 1. Debian packages (installed only when missing)
########################################################################################
PKGS=(rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 wine64 libxml2-utils)
missing=()
for p in "${PKGS[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || abort "setup: missing packages (${missing[*]}); as root: apt-get install --no-install-recommends ${missing[*]}"
    echo "== apt-get install ${missing[*]}"
    t0=$(date +%s.%N)
    log=$CACHE/logs/apt.log
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        show_log "$log"
        abort "setup: apt-get install ${missing[*]} (log: $log)"
    fi
    pass "setup: installed ${missing[*]} ($(since "$t0"))"
fi
for f in "$DEB_RUSTC" "$DEB_CARGO" /usr/bin/x86_64-w64-mingw32-gcc /usr/bin/x86_64-w64-mingw32-objdump "$WINE" "$WINESERVER" /usr/bin/xmllint; do
    [ -x "$f" ] || abort "setup: $f is missing"
done

########################################################################################
# 2. The Windows std, built once per rustc into a cached sysroot
########################################################################################
RUSTC_VV=$("$DEB_RUSTC" -vV)
RUSTC_RELEASE=$(sed -n 's/^release: //p' <<<"$RUSTC_VV")
RUSTC_KEY=$(printf '%s' "$RUSTC_VV" | sha256sum | cut -c1-12)
SYSROOT=$CACHE/sysroot-$RUSTC_RELEASE-$RUSTC_KEY
STD_SRC=$("$DEB_RUSTC" --print sysroot)/lib/rustlib/src/rust/library
if [ "$(cat "$SYSROOT/.stamp" 2>/dev/null || true)" != "$RUSTC_VV" ]; then
    [ -f "$STD_SRC/sysroot/Cargo.toml" ] || abort "setup: no std source at $STD_SRC (package rust-web-src)"
    echo "== building std for $TARGET from $STD_SRC (once per rustc, about a minute)"
    log=$CACHE/logs/std-build.log
    t0=$(date +%s.%N)
    rm -rf "$CACHE"/sysroot-* "$CACHE/stdtarget"
    # What x.py does for a std dist build, offline against Debian's vendored std crates:
    # -Zforce-unstable-if-unmarked as bootstrap passes, -Cembed-bitcode=yes so `lto = true`
    # projects link; -Zavoid-dev-deps because std's dev-dependencies are not vendored.
    # RUSTFLAGS is set for this one command only, never for the projects built below.
    if ! env RUSTC="$DEB_RUSTC" RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zforce-unstable-if-unmarked -Cembed-bitcode=yes" \
        CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
        "$DEB_CARGO" build -Zavoid-dev-deps --offline --locked --release --target "$TARGET" \
        --manifest-path "$STD_SRC/sysroot/Cargo.toml" -p sysroot --features "panic-unwind backtrace" \
        --target-dir "$CACHE/stdtarget" \
        --config "source.crates-io.replace-with='debian-std-vendor'" \
        --config "source.debian-std-vendor.directory='$STD_SRC/vendor'" >"$log" 2>&1; then
        show_log "$log"
        abort "setup: std build for $TARGET (log: $log)"
    fi
    mkdir -p "$SYSROOT.tmp/lib/rustlib/$TARGET/lib"
    for f in "$CACHE/stdtarget/$TARGET/release/deps/"lib*.rlib; do
        case $(basename "$f") in libsysroot-*) ;; *) cp "$f" "$SYSROOT.tmp/lib/rustlib/$TARGET/lib/" ;; esac
    done
    echo "$RUSTC_VV" >"$SYSROOT.tmp/.stamp"
    mv "$SYSROOT.tmp" "$SYSROOT"
    rm -rf "$CACHE/stdtarget"
    pass "setup: std for $TARGET built into $SYSROOT ($(since "$t0"))"
fi
ls "$SYSROOT/lib/rustlib/$TARGET/lib/"libstd*.rlib "$SYSROOT/lib/rustlib/$TARGET/lib/"libtest-*.rlib >/dev/null 2>&1 \
    || abort "setup: sysroot $SYSROOT is incomplete (delete it and run again)"

# The environment of every cargo run below. Target-specific variables only: a global
# RUSTFLAGS would replace them (and apply to build scripts), so it is removed.
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS RUSTDOCFLAGS CARGO_ENCODED_RUSTDOCFLAGS CARGO_BUILD_TARGET CARGO_TARGET_DIR RUSTC_WRAPPER
export RUSTC=$DEB_RUSTC RUSTDOC=/usr/bin/rustdoc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS="--sysroot=$SYSROOT"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTDOCFLAGS="--sysroot=$SYSROOT"   # doctests, cross-run by Wine
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$WINE
export CARGO_TERM_COLOR=never

########################################################################################
# 3. Wine: a prefix of our own, and Wine 8's missing bcryptprimitives.dll
########################################################################################
export WINEPREFIX=$CACHE/wineprefix
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="   # no Mono or Gecko install prompts
unset DISPLAY WAYLAND_DISPLAY                # console programs only: no X needed
WINE_VERSION=$("$WINE" --version)
if [ "$(cat "$WINEPREFIX/.oscgen-wine-version" 2>/dev/null || true)" != "$WINE_VERSION" ]; then
    echo "== creating the Wine prefix $WINEPREFIX ($WINE_VERSION)"
    "$WINESERVER" -k >/dev/null 2>&1 || true
    rm -rf "$WINEPREFIX"
    log=$CACHE/logs/wineboot.log
    t0=$(date +%s.%N)
    if ! { "$WINE" wineboot -i && "$WINESERVER" -w; } </dev/null >"$log" 2>&1; then
        show_log "$log"
        abort "setup: wineboot -i (log: $log)"
    fi
    echo "$WINE_VERSION" >"$WINEPREFIX/.oscgen-wine-version"
    pass "setup: Wine prefix created, $WINE_VERSION ($(since "$t0"))"
fi

# Wine workaround 1: every Rust >= 1.78 Windows binary imports ProcessPrng from
# bcryptprimitives.dll, which Wine 8.0 lacks (Wine 9 has it). A stand-in built with mingw
# forwards it to BCryptGenRandom. Test-only: nothing of it ships with a provider.
if [ ! -e "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/bcryptprimitives.dll" ]; then
    SHIM=$CACHE/shim
    mkdir -p "$SHIM"
    cat >"$SHIM/bcryptprimitives.c.new" <<'C_EOF'
/* bcryptprimitives.dll stand-in for Wine < 9 (see scripts/windows-lane.sh in oscgen). */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
C_EOF
    if cmp -s "$SHIM/bcryptprimitives.c.new" "$SHIM/bcryptprimitives.c" && [ -f "$SHIM/bcryptprimitives.dll" ]; then
        rm "$SHIM/bcryptprimitives.c.new"
    else
        mv "$SHIM/bcryptprimitives.c.new" "$SHIM/bcryptprimitives.c"
        x86_64-w64-mingw32-gcc -O2 -s -shared -static-libgcc -o "$SHIM/bcryptprimitives.dll" \
            "$SHIM/bcryptprimitives.c" -lbcrypt >"$CACHE/logs/shim.log" 2>&1 \
            || { show_log "$CACHE/logs/shim.log"; abort "setup: building the bcryptprimitives.dll stand-in"; }
        pass "setup: bcryptprimitives.dll stand-in built (Wine 8 lacks ProcessPrng)"
    fi
    SYS32=$WINEPREFIX/drive_c/windows/system32
    cmp -s "$SHIM/bcryptprimitives.dll" "$SYS32/bcryptprimitives.dll" || cp "$SHIM/bcryptprimitives.dll" "$SYS32/"
fi

# A detached wineserver kept alive for the whole lane: otherwise each Wine call starts one
# (2-3 s when its output is captured). Stopped on exit; -p300 ends it anyway 5 minutes after
# the last Wine process if this script is killed before its trap runs.
"$WINESERVER" -k >/dev/null 2>&1 || true     # a server left by an interrupted run of this prefix
"$WINESERVER" -p300 </dev/null >/dev/null 2>&1
stop_wine() { "$WINESERVER" -k >/dev/null 2>&1 || true; }
new_lock=""   # a Cargo.lock that cargo created during this run, removed again
on_exit() {
    if [ -n "$new_lock" ]; then rm -f "$new_lock"; fi
    stop_wine
}
trap on_exit EXIT
"$WINE" cmd /c ver </dev/null >/dev/null 2>&1 || abort "setup: Wine does not start (WINEPREFIX=$WINEPREFIX)"

# Runs a Windows program under Wine; output to a file, never a pipe.
wine_run() { "$WINE" "$@" </dev/null; }
winpath() { local p=$1; printf 'Z:%s' "${p//\//\\}"; }
# Queries or deletes many registry keys in one Wine process (a batch file): each Wine process
# costs 50-300 ms. `reg_batch FILE query KEY..` prints "1 KEY" or "0 KEY" per key.
reg_batch() {
    local file=$1 op=$2 k
    shift 2
    {
        printf '@echo off\r\n'
        for k in "$@"; do
            if [ "$op" = query ]; then
                printf 'reg query "%s" >nul 2>&1\r\nif errorlevel 1 (echo 0 %s) else (echo 1 %s)\r\n' "$k" "$k" "$k"
            else
                printf 'reg delete "%s" /f >nul 2>&1\r\n' "$k"
            fi
        done
    } >"$file"
    wine_run cmd /c "$(winpath "$file")" >"$file.out" 2>/dev/null || true
    tr -d '\r' <"$file.out"
}

########################################################################################
# 4. Each sample
########################################################################################
# One target dir for all samples and the host: the dependencies are built once.
tdir=$CACHE/target
check_sample() {
    local sdir=$1
    logs=$CACHE/logs/$name
    rm -rf "$logs"
    mkdir -p "$logs" "$tdir"
    echo "== $name"

    # --- cross-build the DLL (release, as it ships)
    if ! (cd "$sdir" && "$DEB_CARGO" build --release --target "$TARGET" --target-dir "$tdir" \
        --message-format=json-render-diagnostics) >"$logs/build.json" 2>"$logs/build.log"; then
        show_log "$logs/build.log" 40
        fail "$name: cargo build --release --target $TARGET (log: $logs/build.log)"
        return 0
    fi
    dlls=$(grep '"reason":"compiler-artifact"' "$logs/build.json" | grep '"cdylib"' \
        | grep -o '"[^"]*\.dll"' | tr -d '"' | sort -u || true)
    if [ "$(printf '%s' "$dlls" | grep -c . || true)" != 1 ] || [ ! -f "$dlls" ]; then
        fail "$name: expected one cdylib .dll from the build, found: ${dlls:-none}"
        return 0
    fi
    dll=$dlls
    pass "$name: cargo build --release --target $TARGET -> $(basename "$dll") ($(stat -c %s "$dll") bytes)"
    # scripts/bench.sh reports the size of the last lane's DLL from here.
    mkdir -p "$REPO/target/windows-lane/$TARGET/release"
    cp "$dll" "$REPO/target/windows-lane/$TARGET/release/"

    # --- exports
    x86_64-w64-mingw32-objdump -p "$dll" >"$logs/objdump.txt"
    exports=$(sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' "$logs/objdump.txt")
    for e in DllGetClassObject DllCanUnloadNow DllRegisterServer DllUnregisterServer; do
        if grep -qE "\] $e\$" <<<"$exports"; then pass "$name: export $e"; else fail "$name: export $e missing"; fi
    done
    imports=$(sed -n 's/^\s*DLL Name: //p' "$logs/objdump.txt" | sort -fu | tr '\n' ' ')
    if grep -qiE 'libgcc_s|libwinpthread|libstdc\+\+' <<<"$imports"; then
        fail "$name: the DLL needs a mingw runtime DLL that Windows does not have: $imports"
    else
        pass "$name: imports only system DLLs ($imports)"
    fi

    # --- the registry keys registration writes, from the project's .reg file
    reg_file=""
    for f in provider.reg server.reg; do
        if [ -f "$sdir/$f" ]; then reg_file=$sdir/$f; break; fi
    done
    keys=()
    if [ -n "$reg_file" ]; then
        while IFS= read -r k; do keys+=("$k"); done < <(sed -n 's/\r$//; s/^\[HKEY_CURRENT_USER\\\(.*\)\]$/HKCU\\\1/p' "$reg_file")
    fi
    if [ ${#keys[@]} -eq 0 ]; then
        fail "$name: no HKEY_CURRENT_USER keys in provider.reg or server.reg"
        return 0
    fi
    reg_name=$(basename "$reg_file")
    clsid=$(grep -oiE 'CLSID\\\{[0-9a-f-]{36}\}' <<<"${keys[*]}" | head -n1 | sed 's/^CLSID\\//' || true)
    if [ -z "$clsid" ]; then
        fail "$name: $reg_name registers no CLSID"
        return 0
    fi
    # An OSC provider has a SocialProviders key; other templates get every check but the host.
    prog_id=$(sed -n 's/\r$//; s/^\[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\Outlook\\SocialConnector\\SocialProviders\\\([^\\]*\)\]$/\1/p' "$reg_file" | head -n1)
    # The trees registration creates: keys whose parent is not itself in the list.
    trees=()
    for k in "${keys[@]}"; do
        top=1
        for p in "${keys[@]}"; do [[ "$k" == "$p\\"* ]] && top=0; done
        [ $top = 1 ] && trees+=("$k")
    done
    mirror="HKLM\\Software\\Classes\\CLSID\\$clsid"
    # Leftovers of an interrupted run would hide what this run's registration does.
    reg_batch "$logs/preclean.cmd" delete "${trees[@]}" "$mirror" >/dev/null

    # --- regsvr32 (DllRegisterServer), as a user would
    dll_win=$(winpath "$dll")
    if wine_run regsvr32 /s "$dll_win" >"$logs/regsvr32.log" 2>&1; then
        pass "$name: regsvr32 $(basename "$dll")"
    else
        fail "$name: regsvr32 $(basename "$dll") (exit $?)"
    fi
    present=$(reg_batch "$logs/registered.cmd" query "${keys[@]}" | grep -c '^1 ' || true)
    if [ "$present" = ${#keys[@]} ]; then
        pass "$name: registry has all ${#keys[@]} keys of $reg_name"
    else
        fail "$name: registry has $present of the ${#keys[@]} keys of $reg_name"
    fi
    inproc="HKCU\\Software\\Classes\\CLSID\\$clsid\\InprocServer32"
    wine_run reg query "$inproc" /ve >"$logs/inproc.txt" 2>&1 || true
    registered=$(sed -n 's/\r$//; s/^.*REG_SZ[[:space:]]*//p' "$logs/inproc.txt" | head -n1)
    if [ "${registered,,}" = "${dll_win,,}" ]; then
        pass "$name: InprocServer32 is the DLL's path ($registered)"
    else
        fail "$name: InprocServer32 is '${registered}', expected '$dll_win'"
    fi

    # --- the OSC host simulator, against the registered DLL, through COM only
    host_ok=1
    if [ -z "$prog_id" ]; then
        echo "    $reg_name has no SocialProviders key: $name is not an OSC provider, so no OSC host simulation"
        host_ok=none
    elif ! OSC_HOST_SAMPLE="$sdir" "$DEB_CARGO" build --release --target "$TARGET" --target-dir "$tdir" \
        --locked --manifest-path "$HOST_DIR/Cargo.toml" >"$logs/host-build.log" 2>&1; then
        show_log "$logs/host-build.log" 40
        fail "$name: building tests/osc-host against $name's bindings (log: $logs/host-build.log)"
        host_ok=0
    fi
    xml_dir=$logs/xml
    mkdir -p "$xml_dir"
    if [ "$host_ok" = 1 ]; then
        host_rc=0
        wine_run "$tdir/$TARGET/release/osc-host.exe" --prog-id "$prog_id" --xml-dir "$(winpath "$xml_dir")" \
            >"$logs/host.log" 2>&1 || host_rc=$?
        host_fails=0
        while IFS= read -r line; do
            line=${line%$'\r'}
            case $line in
                PASS\ *) pass "$name: host: ${line#PASS }" ;;
                FAIL\ *) fail "$name: host: ${line#FAIL }"; host_fails=$((host_fails + 1)) ;;
                *) [ -n "$line" ] && echo "    $line" ;;
            esac
        done <"$logs/host.log"
        if [ $host_rc != 0 ] && [ $host_fails = 0 ]; then
            fail "$name: host: osc-host.exe exited with code $host_rc (log: $logs/host.log)"
        elif [ $host_rc = 0 ] && [ $host_fails != 0 ]; then
            fail "$name: host: osc-host.exe reported failures but exited with 0"
        fi
    fi

    # --- every XML document the host received, against the OSC 2013 schema
    docs=("$xml_dir"/*.xml)
    if [ "$host_ok" = 1 ] && [ ! -e "${docs[0]}" ]; then
        fail "$name: schema: the host wrote no XML document to check"
    elif [ "$host_ok" = 1 ]; then
        if [ ! -f "$XSD" ]; then
            fail "$name: schema: $XSD is missing (../shared/reference must sit beside the repository)"
        else
            for doc in "${docs[@]}"; do
                if xmllint --noout --schema "$XSD" "$doc" >"$logs/xmllint.log" 2>&1; then
                    pass "$name: schema: $(basename "$doc") is valid against OutlookSocialProvider_2013.xsd"
                else
                    show_log "$logs/xmllint.log" 10
                    fail "$name: schema: $(basename "$doc") is not valid against OutlookSocialProvider_2013.xsd"
                fi
            done
        fi
    fi

    # --- regsvr32 /u (DllUnregisterServer) removes every key of provider.reg
    if wine_run regsvr32 /u /s "$dll_win" >"$logs/regsvr32-u.log" 2>&1; then
        pass "$name: regsvr32 /u $(basename "$dll")"
    else
        fail "$name: regsvr32 /u $(basename "$dll") (exit $?)"
    fi
    reg_batch "$logs/unregistered.cmd" query "${keys[@]}" "$mirror" >"$logs/unregistered.txt"
    left=$(grep '^1 ' "$logs/unregistered.txt" | cut -c3- | grep -vxF "$mirror" | tr '\n' ' ' || true)
    if [ -z "$left" ]; then
        pass "$name: all ${#keys[@]} keys of $reg_name are gone after unregistration"
    else
        fail "$name: still in the registry after unregistration: $left"
        reg_batch "$logs/cleanup.cmd" delete "${trees[@]}" >/dev/null
    fi
    # Wine workaround 2 (per-user COM classes copied to HKLM, done by the host) was undone.
    if grep -qxF "1 $mirror" "$logs/unregistered.txt"; then
        fail "$name: the Wine workaround's copy $mirror was left behind"
        reg_batch "$logs/cleanup.cmd" delete "$mirror" >/dev/null
    else
        pass "$name: the Wine workaround's HKLM copy of the class is gone"
    fi

    # --- the sample's own tests, for Windows, run by Wine (cargo's target runner)
    if (cd "$sdir" && "$DEB_CARGO" test --target "$TARGET" --target-dir "$tdir") >"$logs/test.log" 2>&1 \
        && grep -q '^test result: ok' "$logs/test.log"; then
        counts=$(awk '/^test result: ok/ { n += $4 } END { print n + 0 }' "$logs/test.log")
        pass "$name: cargo test --target $TARGET under Wine ($counts tests passed)"
    else
        show_log "$logs/test.log" 40
        fail "$name: cargo test --target $TARGET under Wine (log: $logs/test.log)"
    fi
}

for sdir in "${samples[@]}"; do
    name=$(basename "$sdir")
    t_sample=$(date +%s.%N)
    # cargo writes a Cargo.lock into a project that has none; the lane leaves the tree as it was.
    new_lock=""
    [ -f "$sdir/Cargo.lock" ] || new_lock=$sdir/Cargo.lock
    check_sample "$sdir"
    if [ -n "$new_lock" ]; then rm -f "$new_lock"; fi
    new_lock=""
    echo "    ($name: $(since "$t_sample"))"
done

finish
