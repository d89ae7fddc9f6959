#!/usr/bin/env bash
# The Windows lane (issues #4, #6, #10, #16): every generated project cross-builds as a 64-bit and
# a 32-bit Windows DLL and behaves under Wine as its client (Outlook's Social Connector, a
# MAPI client, COM) expects.
#
#   bash scripts/windows-lane.sh                    # every samples/*/ that has an oscgen.toml
#   bash scripts/windows-lane.sh samples/osc-provider [DIR ..]
#   OSCGEN_SKIP_WINDOWS_LANE=1 bash scripts/...     # skip locally (ignored when CI is set)
#   OSCGEN_LANE_TARGETS=x86_64-pc-windows-gnu ...   # one target only (local runs; ignored when CI is set)
#
# Per sample and target (x86_64-pc-windows-gnu, i686-pc-windows-gnu): cross-build (release),
# check the four Dll* exports (on i686 also that each is the stdcall function `_Name@N`,
# exported undecorated as COM looks it up) and the imports, regsvr32 and the keys of the
# project's .reg file, then by template: the OSC host simulator (tests/harness, bin osc-host) and every
# XML document it received against the OSC 2013 schema, or the MAPI client (tests/harness, bin mapi-client)
# calling every IMAPISession slot by vtable index; regsvr32 /u and a check that every key is
# gone; the slot probe (docs/probe.md): the DLL built again with --features oscgen-probe, and a
# C client that `oscgen probe-client` writes, compiled by mingw gcc against the header widl
# writes from the project's IDL and mingw-w64's SDK headers, calls every method of every
# object through those headers' vtables (registered, then unregistered and every key gone);
# then the sample's own `cargo test` with Wine as cargo's target runner. The i686 run
# needs 32-bit Wine (Debian's wine32, i386 architecture); where it cannot be installed, the
# i686 DLLs, clients (the probe's too) and tests are still built (the vtable layout checks are
# evaluated at compile time) and the closing note gives the exact error. One line per check (PASS/FAIL),
# a summary per architecture, then `N passed, N failed`; non-zero exit on any failure.
# Needs root only to apt-get install what is missing.
#
# Everything built once (the Windows std sysroots, the Wine prefix, the bcryptprimitives
# stand-ins, the cargo target dir, logs) lives under ${OSCGEN_WINCROSS_DIR:-~/.cache/oscgen-wincross},
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

ALL_TARGETS=(x86_64-pc-windows-gnu i686-pc-windows-gnu)
TARGETS=("${ALL_TARGETS[@]}")
if [[ -n "${OSCGEN_LANE_TARGETS:-}" ]]; then
    if [[ -n "${CI:-}" ]]; then
        echo "note: OSCGEN_LANE_TARGETS=$OSCGEN_LANE_TARGETS is ignored because CI is set: CI runs every target"
    else
        read -ra TARGETS <<<"$OSCGEN_LANE_TARGETS"
        for t in "${TARGETS[@]}"; do
            [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { echo "OSCGEN_LANE_TARGETS: unknown target $t (known: ${ALL_TARGETS[*]})" >&2; exit 2; }
        done
        echo "note: OSCGEN_LANE_TARGETS limits this run to ${TARGETS[*]}"
    fi
fi
has_target() { [[ " ${TARGETS[*]} " == *" $1 "* ]]; }
arch_of() { case $1 in x86_64-*) echo x86_64 ;; i686-*) echo i686 ;; esac; }
mingw_of() { case $1 in x86_64-*) echo x86_64-w64-mingw32 ;; i686-*) echo i686-w64-mingw32 ;; esac; }
# CARGO_TARGET_<TRIPLE>_ variable prefix.
cargo_var() { local t=${1^^}; echo "CARGO_TARGET_${t//-/_}"; }

HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${OSCGEN_WINCROSS_DIR:-$HOME/.cache/oscgen-wincross}
DEB_RUSTC=/usr/bin/rustc      # rustc-web: its std source (rust-web-src) matches it exactly
DEB_CARGO=/usr/bin/cargo      # cargo-web; rustup's cargo would do too, with RUSTC=/usr/bin/rustc
WINE=/usr/lib/wine/wine64     # package wine64 (Debian has no /usr/bin/wine64)
WINE32=/usr/lib/wine/wine     # package wine32:i386, the 32-bit loader
WINESERVER=/usr/lib/wine/wineserver64
XSD=$REPO/../shared/reference/xsd/OutlookSocialProvider_2013.xsd
HOST_DIR=$REPO/tests/harness
CLIENT_DIR=$REPO/tests/harness

passed=0
failed=0
declare -A arch_passed=() arch_failed=()
ARCH=""         # the architecture the current checks belong to ("" for the common setup)
WINE32_NOTE=""  # why the i686 binaries were not run, when they were not
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f s", b - a }'; }
pass() {
    echo "PASS $*"
    passed=$((passed + 1))
    if [ -n "$ARCH" ]; then arch_passed[$ARCH]=$((${arch_passed[$ARCH]:-0} + 1)); fi
}
fail() {
    echo "FAIL $*"
    failed=$((failed + 1))
    if [ -n "$ARCH" ]; then arch_failed[$ARCH]=$((${arch_failed[$ARCH]:-0} + 1)); fi
}
finish() {
    echo "windows lane: $(since "$T_START") (caches in $CACHE)"
    local t a
    for t in "${TARGETS[@]}"; do
        a=$(arch_of "$t")
        echo "$a ($t): ${arch_passed[$a]:-0} passed, ${arch_failed[$a]:-0} failed"
    done
    if [ -n "$WINE32_NOTE" ]; then
        echo "note: the i686 DLLs, clients and tests were built and checked, not run:"
        echo "$WINE32_NOTE" | sed 's/^/    /'
    fi
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
PKGS=(rustc-web cargo-web rust-web-src wine64 libxml2-utils mingw-w64-tools)
has_target x86_64-pc-windows-gnu && PKGS+=(gcc-mingw-w64-x86-64)
has_target i686-pc-windows-gnu && PKGS+=(gcc-mingw-w64-i686)
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }
missing=()
for p in "${PKGS[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || abort "setup: missing packages (${missing[*]}); as root: apt-get install --no-install-recommends ${missing[*]}"
    echo "== apt-get install ${missing[*]}"
    t0=$(date +%s.%N)
    log=$CACHE/logs/apt.log
    # An unrelated index that fails to download (apt-get update exits 100) must not stop
    # the install: whether the packages install is what counts.
    apt-get update -qq >"$log" 2>&1 || true
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
        show_log "$log"
        abort "setup: apt-get install ${missing[*]} (log: $log)"
    fi
    pass "setup: installed ${missing[*]} ($(since "$t0"))"
fi
for f in "$DEB_RUSTC" "$DEB_CARGO" "$WINE" "$WINESERVER" /usr/bin/xmllint; do
    [ -x "$f" ] || abort "setup: $f is missing"
done
for t in "${TARGETS[@]}"; do
    for tool in gcc objdump nm widl; do
        [ -x "/usr/bin/$(mingw_of "$t")-$tool" ] || abort "setup: /usr/bin/$(mingw_of "$t")-$tool is missing"
    done
done

# 32-bit Wine (package wine32 of the i386 architecture) runs the i686 binaries. Installing
# it may fail where the i386 archive cannot be used; then the i686 binaries are built and
# checked but not run, and the reason is kept for a day (delete the file to retry sooner).
WINE32_RECORD=$CACHE/wine32-unavailable.txt
wine32_ok() { installed wine32:i386 && [ -x "$WINE32" ]; }
if has_target i686-pc-windows-gnu && ! wine32_ok; then
    if [ -f "$WINE32_RECORD" ] && [ $(($(date +%s) - $(stat -c %Y "$WINE32_RECORD"))) -lt 86400 ]; then
        WINE32_NOTE="$(cat "$WINE32_RECORD")
(tried $(date -r "$WINE32_RECORD" '+%F %T'); delete $WINE32_RECORD to try again)"
    elif [ "$(id -u)" != 0 ]; then
        WINE32_NOTE="wine32:i386 is not installed, and installing it needs root: dpkg --add-architecture i386; apt-get update; apt-get install --no-install-recommends wine32:i386"
    else
        echo "== 32-bit Wine: dpkg --add-architecture i386; apt-get update; apt-get install wine32:i386"
        t0=$(date +%s.%N)
        log=$CACHE/logs/apt-wine32.log
        added_i386=0
        if ! dpkg --print-foreign-architectures | grep -qx i386; then
            dpkg --add-architecture i386
            added_i386=1
        fi
        update_rc=0
        apt-get update >"$log" 2>&1 || update_rc=$?
        if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wine32:i386 >"$log.install" 2>&1; then
            cat "$log.install" >>"$log"
            count=$(grep -c '^Setting up ' "$log" || true)
            pass "setup: installed wine32:i386 and $((count - 1)) more packages ($(since "$t0"))"
            rm -f "$WINE32_RECORD"
        else
            cat "$log.install" >>"$log"
            {
                echo "apt-get install wine32:i386 failed (log: $log):"
                { grep -E '^E:' "$log" | grep -v '^E: Some index files failed' \
                    ; grep -E ' : Depends: | but it is not (going to be )?installable' "$log.install" ; } \
                    | sed 's/[[:space:]]\+$//' | head -n 8
                [ "$update_rc" = 0 ] || echo "(apt-get update exited with $update_rc)"
            } >"$WINE32_RECORD"
            WINE32_NOTE=$(cat "$WINE32_RECORD")
            echo "    32-bit Wine cannot be installed ($(since "$t0")): the i686 binaries are built and checked, not run"
            # Leave the package system as it was: no i386 architecture that breaks apt-get update.
            if [ "$added_i386" = 1 ] && [ -z "$(dpkg-query -W -f='${Package}:${Architecture}\n' 2>/dev/null | grep ':i386$' || true)" ]; then
                dpkg --remove-architecture i386 && apt-get update -qq >/dev/null 2>&1 || true
            fi
        fi
        rm -f "$log.install"
    fi
fi
if has_target i686-pc-windows-gnu && [ -z "$WINE32_NOTE" ] && ! wine32_ok; then
    WINE32_NOTE="wine32:i386 is installed but $WINE32 is missing"
fi
# Whether the i686 binaries run here.
RUN_I686=0
if has_target i686-pc-windows-gnu && [ -z "$WINE32_NOTE" ]; then RUN_I686=1; fi

########################################################################################
# 2. The Windows std for each target, built once per rustc into a cached sysroot
########################################################################################
RUSTC_VV=$("$DEB_RUSTC" -vV)
RUSTC_RELEASE=$(sed -n 's/^release: //p' <<<"$RUSTC_VV")
RUSTC_KEY=$(printf '%s' "$RUSTC_VV" | sha256sum | cut -c1-12)
SYSROOT=$CACHE/sysroot-$RUSTC_RELEASE-$RUSTC_KEY
STD_SRC=$("$DEB_RUSTC" --print sysroot)/lib/rustlib/src/rust/library
for d in "$CACHE"/sysroot-*; do
    if [ -d "$d" ] && [ "$d" != "$SYSROOT" ]; then rm -rf "$d"; fi   # other rustc versions
done
# Before i686, the sysroot had one stamp for x86_64 alone.
if [ -f "$SYSROOT/.stamp" ]; then mv "$SYSROOT/.stamp" "$SYSROOT/.stamp-x86_64-pc-windows-gnu"; fi
for TARGET in "${TARGETS[@]}"; do
    ARCH=$(arch_of "$TARGET")
    libdir=$SYSROOT/lib/rustlib/$TARGET/lib
    stamp=$SYSROOT/.stamp-$TARGET
    if [ "$(cat "$stamp" 2>/dev/null || true)" != "$RUSTC_VV" ]; then
        [ -f "$STD_SRC/sysroot/Cargo.toml" ] || abort "setup: no std source at $STD_SRC (package rust-web-src)"
        echo "== building std for $TARGET from $STD_SRC (once per rustc, about a minute)"
        log=$CACHE/logs/std-build-$TARGET.log
        t0=$(date +%s.%N)
        stdtarget=$CACHE/stdtarget-$TARGET
        rm -rf "$stdtarget" "$libdir.tmp"
        mkdir -p "$libdir.tmp"
        extra=""
        if [ "$ARCH" = i686 ]; then
            # i686-pc-windows-gnu links every image between rsbegin.o and rsend.o (DWARF unwind
            # frame registration); x.py builds them from library/rtstartup into the sysroot.
            for obj in rsbegin rsend; do
                if ! RUSTC_BOOTSTRAP=1 "$DEB_RUSTC" --target "$TARGET" --emit=obj -o "$libdir.tmp/$obj.o" \
                    "$STD_SRC/rtstartup/$obj.rs" >>"$log" 2>&1; then
                    show_log "$log"
                    abort "setup: $obj.o for $TARGET (log: $log)"
                fi
            done
            extra="-Lnative=$libdir.tmp"
        fi
        # What x.py does for a std dist build, offline against Debian's vendored std crates:
        # -Zforce-unstable-if-unmarked as bootstrap passes, -Cembed-bitcode=yes so `lto = true`
        # projects link; -Zavoid-dev-deps because std's dev-dependencies are not vendored.
        # RUSTFLAGS is set for this one command only, never for the projects built below.
        if ! env RUSTC="$DEB_RUSTC" RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zforce-unstable-if-unmarked -Cembed-bitcode=yes $extra" \
            "$(cargo_var "$TARGET")_LINKER=$(mingw_of "$TARGET")-gcc" \
            "$DEB_CARGO" build -Zavoid-dev-deps --offline --locked --release --target "$TARGET" \
            --manifest-path "$STD_SRC/sysroot/Cargo.toml" -p sysroot --features "panic-unwind backtrace" \
            --target-dir "$stdtarget" \
            --config "source.crates-io.replace-with='debian-std-vendor'" \
            --config "source.debian-std-vendor.directory='$STD_SRC/vendor'" >>"$log" 2>&1; then
            show_log "$log"
            abort "setup: std build for $TARGET (log: $log)"
        fi
        for f in "$stdtarget/$TARGET/release/deps/"lib*.rlib; do
            case $(basename "$f") in libsysroot-*) ;; *) cp "$f" "$libdir.tmp/" ;; esac
        done
        rm -rf "$libdir"
        mv "$libdir.tmp" "$libdir"
        echo "$RUSTC_VV" >"$stamp"
        rm -rf "$stdtarget"
        pass "setup: std for $TARGET built into $SYSROOT ($(since "$t0"))"
    fi
    ls "$libdir/"libstd*.rlib "$libdir/"libtest-*.rlib >/dev/null 2>&1 \
        || abort "setup: sysroot $SYSROOT is incomplete for $TARGET (delete it and run again)"
done
ARCH=""

# oscgen itself, for `oscgen probe-client` (the slot probe's C clients), built as CI builds it.
OSCGEN=$REPO/target/release/oscgen
log=$CACHE/logs/oscgen-build.log
if ! (cd "$REPO" && env -u CARGO_TARGET_DIR cargo build --release --quiet --bin oscgen) >"$log" 2>&1; then
    show_log "$log"
    abort "setup: cargo build --release --bin oscgen (log: $log)"
fi
# mingw-w64's IDL, which the projects' IDL imports (oaidl.idl, ...), for widl.
MINGW_IDL=$REPO/../shared/corpus/mingw-w64
[ -f "$MINGW_IDL/oaidl.idl" ] || abort "setup: $MINGW_IDL/oaidl.idl is missing (../shared/corpus must sit beside the repository)"

# The environment of every cargo run below. Target-specific variables only: a global
# RUSTFLAGS would replace them (and apply to build scripts), so it is removed.
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS RUSTDOCFLAGS CARGO_ENCODED_RUSTDOCFLAGS CARGO_BUILD_TARGET CARGO_TARGET_DIR RUSTC_WRAPPER
export RUSTC=$DEB_RUSTC RUSTDOC=/usr/bin/rustdoc
export CARGO_TERM_COLOR=never
for TARGET in "${TARGETS[@]}"; do
    v=$(cargo_var "$TARGET")
    export "${v}_LINKER=$(mingw_of "$TARGET")-gcc"
    export "${v}_RUSTFLAGS=--sysroot=$SYSROOT"
    export "${v}_RUSTDOCFLAGS=--sysroot=$SYSROOT"   # doctests, cross-run by Wine
done
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$WINE
if [ "$RUN_I686" = 1 ]; then export CARGO_TARGET_I686_PC_WINDOWS_GNU_RUNNER=$WINE32; fi

########################################################################################
# 3. Wine: a prefix of our own, and Wine 8's missing bcryptprimitives.dll
########################################################################################
export WINEPREFIX=$CACHE/wineprefix
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="   # no Mono or Gecko install prompts
unset DISPLAY WAYLAND_DISPLAY                # console programs only: no X needed
# The prefix is made for the loaders installed: with wine32 it also has a syswow64.
WINE_STAMP=$("$WINE" --version)
if [ "$RUN_I686" = 1 ]; then WINE_STAMP="$WINE_STAMP + wine32 + HKCU Wow6432Node"; fi
if [ "$(cat "$WINEPREFIX/.oscgen-wine-version" 2>/dev/null || true)" != "$WINE_STAMP" ]; then
    echo "== creating the Wine prefix $WINEPREFIX ($WINE_STAMP)"
    "$WINESERVER" -k >/dev/null 2>&1 || true
    rm -rf "$WINEPREFIX"
    log=$CACHE/logs/wineboot.log
    t0=$(date +%s.%N)
    if ! { "$WINE" wineboot -i && "$WINESERVER" -w; } </dev/null >"$log" 2>&1; then
        show_log "$log"
        abort "setup: wineboot -i (log: $log)"
    fi
    # Wine workaround 3 (32-bit Wine 8): once HKCU\Software has a Wow6432Node subkey, Wine
    # sends 32-bit processes' HKCU\Software accesses into it (Windows does not redirect
    # HKCU\Software), so keys a 32-bit process wrote before the first such subkey appears
    # vanish from its view. A 32-bit osc-provider writes HKCU\Software\Wow6432Node\... for
    # 32-bit Outlook, after its HKCU\Software\Classes keys. With the subkey there from the
    # start, every 32-bit access sees one consistent view.
    if [ "$RUN_I686" = 1 ] && ! { "$WINE" reg add 'HKCU\Software\Wow6432Node' /f && "$WINESERVER" -w; } </dev/null >>"$log" 2>&1; then
        show_log "$log"
        abort "setup: reg add HKCU\Software\Wow6432Node (log: $log)"
    fi
    echo "$WINE_STAMP" >"$WINEPREFIX/.oscgen-wine-version"
    pass "setup: Wine prefix created, $WINE_STAMP ($(since "$t0"))"
fi

# Wine workaround 1: every Rust >= 1.78 Windows binary imports ProcessPrng from
# bcryptprimitives.dll, which Wine 8.0 lacks (Wine 9 has it). A stand-in built with mingw
# forwards it to BCryptGenRandom: a 64-bit one in system32 and, for 32-bit Wine, a 32-bit one
# in syswow64. Test-only: nothing of it ships with a provider.
shim_for() {   # TARGET WINE-DLL-DIR PREFIX-DIR
    local target=$1 wine_dir=$2 dest=$3 shim=$CACHE/shim/$(arch_of "$1")
    [ -e "$wine_dir/bcryptprimitives.dll" ] && return 0
    mkdir -p "$shim"
    cat >"$shim/bcryptprimitives.c.new" <<'C_EOF'
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
    # The 32-bit one needs a .def: its export must be ProcessPrng, not ProcessPrng@8.
    printf 'LIBRARY bcryptprimitives.dll\nEXPORTS\n    ProcessPrng\n' >"$shim/bcryptprimitives.def"
    if cmp -s "$shim/bcryptprimitives.c.new" "$shim/bcryptprimitives.c" && [ -f "$shim/bcryptprimitives.dll" ]; then
        rm "$shim/bcryptprimitives.c.new"
    else
        mv "$shim/bcryptprimitives.c.new" "$shim/bcryptprimitives.c"
        "$(mingw_of "$target")-gcc" -O2 -s -shared -static-libgcc -o "$shim/bcryptprimitives.dll" \
            "$shim/bcryptprimitives.c" "$shim/bcryptprimitives.def" -lbcrypt >"$CACHE/logs/shim-$(arch_of "$target").log" 2>&1 \
            || { show_log "$CACHE/logs/shim-$(arch_of "$target").log"; abort "setup: building the $(arch_of "$target") bcryptprimitives.dll stand-in"; }
        pass "setup: $(arch_of "$target") bcryptprimitives.dll stand-in built (Wine 8 lacks ProcessPrng)"
    fi
    cmp -s "$shim/bcryptprimitives.dll" "$dest/bcryptprimitives.dll" || cp "$shim/bcryptprimitives.dll" "$dest/"
}
rm -f "$CACHE/shim/bcryptprimitives."*   # the layout before i686: one shim, no per-arch directory
shim_for x86_64-pc-windows-gnu /usr/lib/x86_64-linux-gnu/wine/x86_64-windows "$WINEPREFIX/drive_c/windows/system32"
if [ "$RUN_I686" = 1 ]; then
    shim_for i686-pc-windows-gnu /usr/lib/i386-linux-gnu/wine/i386-windows "$WINEPREFIX/drive_c/windows/syswow64"
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
if [ "$RUN_I686" = 1 ] && ! "$WINE32" cmd /c ver </dev/null >/dev/null 2>&1; then
    WINE32_NOTE="32-bit Wine does not start: $WINE32 cmd /c ver failed (WINEPREFIX=$WINEPREFIX)"
    RUN_I686=0
    unset CARGO_TARGET_I686_PC_WINDOWS_GNU_RUNNER
fi

# Runs a Windows program under Wine ($LOADER: the 64-bit or 32-bit loader); output to a
# file, never a pipe.
LOADER=$WINE
wine_run() { "$LOADER" "$@" </dev/null; }
winpath() { local p=$1; printf 'Z:%s' "${p//\//\\}"; }
# Queries or deletes many registry keys in one Wine process (a batch file): each Wine process
# costs 50-300 ms. `reg_batch FILE query KEY..` prints "1 KEY" or "0 KEY" per key. $REGVIEW
# (/reg:32 for a 32-bit DLL) picks the registry view a process of the DLL's bitness sees.
REGVIEW=""
reg_batch() {
    local file=$1 op=$2 k
    shift 2
    {
        printf '@echo off\r\n'
        for k in "$@"; do
            if [ "$op" = query ]; then
                printf 'reg query "%s" %s >nul 2>&1\r\nif errorlevel 1 (echo 0 %s) else (echo 1 %s)\r\n' "$k" "$REGVIEW" "$k" "$k"
            else
                printf 'reg delete "%s" /f %s >nul 2>&1\r\n' "$k" "$REGVIEW"
            fi
        done
    } >"$file"
    "$WINE" cmd /c "$(winpath "$file")" </dev/null >"$file.out" 2>/dev/null || true
    tr -d '\r' <"$file.out"
}
# Runs a client (osc-host.exe, mapi-client.exe) and turns its PASS/FAIL lines into checks.
# Its closing line `<name>: N checks, M failures` must be there: a client that dies early, or
# a loader that starts nothing and exits 0, is a failure.
run_client() {   # LABEL LOG EXE ARGS..
    local label=$1 log=$2 exe=$3 rc=0 fails=0 line
    shift 3
    wine_run "$exe" "$@" >"$log" 2>&1 || rc=$?
    while IFS= read -r line; do
        line=${line%$'\r'}
        case $line in
            PASS\ *) pass "$label: ${line#PASS }" ;;
            FAIL\ *) fail "$label: ${line#FAIL }"; fails=$((fails + 1)) ;;
            *) [ -n "$line" ] && echo "    $line" ;;
        esac
    done <"$log"
    local exe_name summary
    exe_name=$(basename "$exe" .exe)
    summary=$(tr -d '\r' <"$log" | grep -E "^$exe_name: [0-9]+ checks, [0-9]+ failures$" || true)
    if [ -z "$summary" ]; then
        fail "$label: $exe_name.exe ended (exit code $rc) without its summary line (log: $log)"
    elif [ "$rc" != 0 ] && [ "$fails" = 0 ]; then
        fail "$label: $exe_name.exe exited with code $rc (log: $log)"
    elif [ "$rc" = 0 ] && [ "$fails" != 0 ]; then
        fail "$label: $exe_name.exe reported failures but exited with 0"
    fi
}

########################################################################################
# 4. Each sample, for each target
########################################################################################
# One target dir for all samples and the clients: the dependencies are built once per target.
tdir=$CACHE/target
check_sample() {
    local sdir=$1 TARGET=$2 run=$3
    local arch label logs mingw
    arch=$(arch_of "$TARGET")
    label="$name $arch"
    logs=$CACHE/logs/$name/$arch
    mingw=$(mingw_of "$TARGET")
    rm -rf "$logs"
    mkdir -p "$logs" "$tdir"
    echo "== $name ($TARGET)"
    local template
    template=$(sed -n 's/^template *= *"\([^"]*\)".*/\1/p' "$sdir/oscgen.toml" | head -n1)
    template=${template:-osc-provider}

    # --- cross-build the DLL (release, as it ships)
    if ! (cd "$sdir" && "$DEB_CARGO" build --release --target "$TARGET" --target-dir "$tdir" \
        --message-format=json-render-diagnostics) >"$logs/build.json" 2>"$logs/build.log"; then
        show_log "$logs/build.log" 40
        fail "$label: cargo build --release --target $TARGET (log: $logs/build.log)"
        return 0
    fi
    local dlls dll
    dlls=$(grep '"reason":"compiler-artifact"' "$logs/build.json" | grep '"cdylib"' \
        | grep -o '"[^"]*\.dll"' | tr -d '"' | sort -u || true)
    if [ "$(printf '%s' "$dlls" | grep -c . || true)" != 1 ] || [ ! -f "$dlls" ]; then
        fail "$label: expected one cdylib .dll from the build, found: ${dlls:-none}"
        return 0
    fi
    dll=$dlls
    pass "$label: cargo build --release --target $TARGET -> $(basename "$dll") ($(stat -c %s "$dll") bytes)"
    # scripts/bench.sh reports the size of the last lane's DLL from here.
    mkdir -p "$REPO/target/windows-lane/$TARGET/release"
    cp "$dll" "$REPO/target/windows-lane/$TARGET/release/"

    # --- exports: the plain names COM (DllGetClassObject, DllCanUnloadNow) and regsvr32
    # (DllRegisterServer, DllUnregisterServer) ask GetProcAddress for
    "$mingw-objdump" -p "$dll" >"$logs/objdump.txt"
    local exports
    exports=$(sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' "$logs/objdump.txt")
    if [ "$arch" = i686 ]; then
        # On x86 each is stdcall: `_Name@N` in the object code, N the bytes of its arguments.
        # The export must be the plain name, at that function's address.
        "$mingw-nm" "$dll" >"$logs/nm.txt" 2>&1 || true
        local base e n rva addr
        base=$(awk '$1 == "ImageBase" { print $2 }' "$logs/objdump.txt")
        for e in DllGetClassObject@12 DllCanUnloadNow@0 DllRegisterServer@0 DllUnregisterServer@0; do
            n=${e%@*}
            # The export's ordinal index, then its RVA in the Export Address Table.
            rva=$(awk -v name="$n" '
                /^Export Address Table -- Ordinal Base/ { eat = 1; next }
                eat && /^\t\[ *[0-9]+\] \+base\[ *[0-9]+\] [0-9a-f]+ Export RVA/ {
                    line = $0; sub(/^\t\[ */, "", line); idx = line + 0
                    split($0, f, "] "); split(f[3], g, " "); rvas[idx] = g[1]; next }
                /\[Ordinal\/Name Pointer\] Table/ { names = 1; eat = 0; next }
                names && /^\t\[ *[0-9]+\] / {
                    line = $0; sub(/^\t\[ */, "", line); idx = line + 0
                    sub(/^[0-9]+\] /, "", line); if (line == name) { print rvas[idx]; exit } }
                ' "$logs/objdump.txt")
            addr=$(awk -v s="_$e" '$3 == s { print $1; exit }' "$logs/nm.txt")
            if [ -z "$rva" ]; then
                fail "$label: export $n missing (exports: $(grep -oE '\] [^ ]+$' <<<"$exports" | cut -c3- | tr '\n' ' '))"
            elif [ -z "$addr" ]; then
                fail "$label: export $n is not the stdcall function _$e (no such symbol in the DLL)"
            elif [ $((16#$base + 16#$rva)) != $((16#$addr)) ]; then
                fail "$label: export $n is at RVA 0x$rva, but the stdcall function _$e is at 0x$addr"
            else
                pass "$label: export $n (undecorated, as GetProcAddress asks) is the stdcall function _$e"
            fi
        done
        local decorated
        decorated=$(grep -oE '\] [^ ]+@[0-9]+$' <<<"$exports" | cut -c3- | tr '\n' ' ' || true)
        if [ -n "$decorated" ]; then
            fail "$label: decorated export names that COM would not find: $decorated"
        else
            pass "$label: no decorated (@N) export names"
        fi
    else
        local e
        for e in DllGetClassObject DllCanUnloadNow DllRegisterServer DllUnregisterServer; do
            if grep -qE "\] $e\$" <<<"$exports"; then pass "$label: export $e"; else fail "$label: export $e missing"; fi
        done
    fi
    local imports
    imports=$(sed -n 's/^\s*DLL Name: //p' "$logs/objdump.txt" | sort -fu | tr '\n' ' ')
    if grep -qiE 'libgcc_s|libwinpthread|libstdc\+\+|^std-|[[:space:]]std-' <<<"$imports"; then
        fail "$label: the DLL needs a mingw or Rust runtime DLL that Windows does not have: $imports"
    else
        pass "$label: imports only system DLLs ($imports)"
    fi

    # --- the clients, built for this target against this project's own bindings
    local client="" client_dir="" client_var=""
    case $template in
        osc-provider) client=osc-host client_dir=$HOST_DIR client_var=OSC_HOST_SAMPLE ;;
        mapi-session) client=mapi-client client_dir=$CLIENT_DIR client_var=MAPI_CLIENT_SAMPLE ;;
    esac
    local client_ok=0
    if [ -n "$client" ]; then
        if env "$client_var=$sdir" "$DEB_CARGO" build --release --target "$TARGET" --target-dir "$tdir" \
            --locked --manifest-path "$client_dir/Cargo.toml" >"$logs/$client-build.log" 2>&1; then
            client_ok=1
            [ "$run" = 1 ] || pass "$label: tests/$client built for $TARGET against $name's bindings"
        else
            show_log "$logs/$client-build.log" 40
            fail "$label: building tests/$client against $name's bindings (log: $logs/$client-build.log)"
        fi
    fi

    # --- the registry keys registration writes, from the project's .reg file
    local reg_file="" f
    for f in provider.reg server.reg; do
        if [ -f "$sdir/$f" ]; then reg_file=$sdir/$f; break; fi
    done
    local keys=() keys32=() k
    if [ -n "$reg_file" ]; then
        while IFS= read -r k; do keys+=("$k"); done < <(sed -n 's/\r$//; s/^\[HKEY_CURRENT_USER\\\(.*\)\]$/HKCU\\\1/p' "$reg_file")
        # The commented section: what only a 32-bit DLL writes.
        while IFS= read -r k; do keys32+=("$k"); done < <(sed -n 's/\r$//; s/^;\[HKEY_CURRENT_USER\\\(.*\)\]$/HKCU\\\1/p' "$reg_file")
    fi
    if [ ${#keys[@]} -eq 0 ]; then
        fail "$label: no HKEY_CURRENT_USER keys in provider.reg or server.reg"
        return 0
    fi
    if [ "$run" != 1 ]; then
        # --- no Wine for this target: the tests are compiled (the vtable layout checks are
        # evaluated by the compiler for this target's pointer size), not run
        if (cd "$sdir" && "$DEB_CARGO" test --no-run --target "$TARGET" --target-dir "$tdir") >"$logs/test.log" 2>&1; then
            local exes layout=""
            exes=$(grep -c '^ *Executable ' "$logs/test.log" || true)
            grep -q 'Executable unittests src/lib.rs' "$logs/test.log" && layout=", src/generated/layout.rs: every slot at 4 x its index, checked at compile time"
            pass "$label: cargo test --no-run --target $TARGET ($exes test executables built$layout)"
        else
            show_log "$logs/test.log" 40
            fail "$label: cargo test --no-run --target $TARGET (log: $logs/test.log)"
        fi
        # What only a 32-bit DLL registers is compiled into this one (the x86_64 run checks
        # that the 64-bit DLL does not write it).
        if [ ${#keys32[@]} -gt 0 ]; then
            local carried=0
            for k in "${keys32[@]}"; do grep -aqF "${k#HKCU\\}" "$dll" && carried=$((carried + 1)); done
            if [ "$carried" = ${#keys32[@]} ]; then
                pass "$label: the DLL carries the ${#keys32[@]} 32-bit-only key(s) of $(basename "$reg_file") that its DllRegisterServer writes (${keys32[*]})"
            else
                fail "$label: the DLL carries $carried of the ${#keys32[@]} 32-bit-only keys of $(basename "$reg_file")"
            fi
        fi
        probe_build "$sdir" || true
        echo "    $label: not run (regsvr32, ${client:-no client}, probe-client, cargo test): no 32-bit Wine, see the closing note"
        return 0
    fi

    local reg_name clsid
    reg_name=$(basename "$reg_file")
    clsid=$(grep -oiE 'CLSID\\\{[0-9a-f-]{36}\}' <<<"${keys[*]}" | head -n1 | sed 's/^CLSID\\//' || true)
    if [ -z "$clsid" ]; then
        fail "$label: $reg_name registers no CLSID"
        return 0
    fi
    # The keys this DLL must write, and the ones it must not (a 64-bit DLL: the 32-bit-only ones).
    local expected=("${keys[@]}") absent=()
    if [ "$arch" = i686 ]; then expected+=("${keys32[@]}"); else absent=("${keys32[@]}"); fi
    # The trees registration creates: keys whose parent is not itself in the list.
    local trees=() top p
    for k in "${expected[@]}"; do
        top=1
        for p in "${expected[@]}"; do [[ "$k" == "$p\\"* ]] && top=0; done
        [ $top = 1 ] && trees+=("$k")
    done
    local mirror="HKLM\\Software\\Classes\\CLSID\\$clsid"
    # Leftovers of an interrupted run would hide what this run's registration does.
    reg_batch "$logs/preclean.cmd" delete "${trees[@]}" "${absent[@]}" "$mirror" >/dev/null

    # --- regsvr32 (DllRegisterServer), as a user would: the 32-bit one for a 32-bit DLL
    local dll_win regsvr32=regsvr32
    dll_win=$(winpath "$dll")
    [ "$arch" = i686 ] && regsvr32='C:\windows\syswow64\regsvr32.exe'
    local rc=0
    wine_run "$regsvr32" /s "$dll_win" >"$logs/regsvr32.log" 2>&1 || rc=$?
    if [ "$rc" = 0 ]; then
        pass "$label: $regsvr32 $(basename "$dll")"
    else
        show_log "$logs/regsvr32.log" 5
        fail "$label: $regsvr32 $(basename "$dll") (exit code $rc)"
    fi
    local present
    present=$(reg_batch "$logs/registered.cmd" query "${expected[@]}" | grep -c '^1 ' || true)
    local what="all ${#keys[@]} keys of $reg_name"
    [ "$arch" = i686 ] && [ ${#keys32[@]} -gt 0 ] && what="$what and its ${#keys32[@]} 32-bit-only keys"
    if [ "$present" = ${#expected[@]} ]; then
        pass "$label: registry has $what"
    else
        fail "$label: registry has $present of the ${#expected[@]} keys ($what)"
    fi
    if [ ${#absent[@]} -gt 0 ]; then
        local stray
        stray=$(reg_batch "$logs/absent.cmd" query "${absent[@]}" | grep '^1 ' | cut -c3- | tr '\n' ' ' || true)
        if [ -z "$stray" ]; then
            pass "$label: the 64-bit DLL writes none of the 32-bit-only keys of $reg_name (${absent[*]})"
        else
            fail "$label: the 64-bit DLL wrote 32-bit-only keys: $stray"
        fi
    fi
    local inproc="HKCU\\Software\\Classes\\CLSID\\$clsid\\InprocServer32" registered
    "$WINE" reg query "$inproc" /ve $REGVIEW </dev/null >"$logs/inproc.txt" 2>&1 || true
    registered=$(sed -n 's/\r$//; s/^.*REG_SZ[[:space:]]*//p' "$logs/inproc.txt" | head -n1)
    if [ "${registered,,}" = "${dll_win,,}" ]; then
        pass "$label: InprocServer32 is the DLL's path ($registered)"
    else
        fail "$label: InprocServer32 is '${registered}', expected '$dll_win'"
    fi

    # --- the client, against the registered DLL, through COM only
    local prog_id
    prog_id=$(sed -n 's/\r$//; s/^\[HKEY_CURRENT_USER\\Software\\Classes\\\([^\\]*\)\\CLSID\]$/\1/p' "$reg_file" | head -n1)
    local xml_dir=$logs/xml
    case $template in
        osc-provider)
            local social
            social=$(sed -n 's/\r$//; s/^\[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\Outlook\\SocialConnector\\SocialProviders\\\([^\\]*\)\]$/\1/p' "$reg_file" | head -n1)
            if [ -z "$social" ]; then
                fail "$label: $reg_name of an osc-provider project has no SocialProviders key"
            elif [ "$client_ok" = 1 ]; then
                mkdir -p "$xml_dir"
                run_client "$label: host" "$logs/host.log" "$tdir/$TARGET/release/osc-host.exe" \
                    --prog-id "$social" --xml-dir "$(winpath "$xml_dir")"
                # Every XML document the host received, against the OSC 2013 schema.
                local docs=("$xml_dir"/*.xml) doc
                if [ ! -e "${docs[0]}" ]; then
                    fail "$label: schema: the host wrote no XML document to check"
                elif [ ! -f "$XSD" ]; then
                    fail "$label: schema: $XSD is missing (../shared/reference must sit beside the repository)"
                else
                    for doc in "${docs[@]}"; do
                        if xmllint --noout --schema "$XSD" "$doc" >"$logs/xmllint.log" 2>&1; then
                            pass "$label: schema: $(basename "$doc") is valid against OutlookSocialProvider_2013.xsd"
                        else
                            show_log "$logs/xmllint.log" 10
                            fail "$label: schema: $(basename "$doc") is not valid against OutlookSocialProvider_2013.xsd"
                        fi
                    done
                fi
            fi
            ;;
        mapi-session)
            if [ -z "$prog_id" ]; then
                fail "$label: $reg_name has no ProgID key for the MAPI client"
            elif [ "$client_ok" = 1 ]; then
                run_client "$label: mapi-client" "$logs/mapi-client.log" "$tdir/$TARGET/release/mapi-client.exe" \
                    --prog-id "$prog_id"
            fi
            ;;
        *) echo "    $label: template $template has no client simulator; COM is exercised by its own tests below" ;;
    esac

    # --- regsvr32 /u (DllUnregisterServer) removes every key it wrote
    rc=0
    wine_run "$regsvr32" /u /s "$dll_win" >"$logs/regsvr32-u.log" 2>&1 || rc=$?
    if [ "$rc" = 0 ]; then
        pass "$label: $regsvr32 /u $(basename "$dll")"
    else
        show_log "$logs/regsvr32-u.log" 5
        fail "$label: $regsvr32 /u $(basename "$dll") (exit code $rc)"
    fi
    reg_batch "$logs/unregistered.cmd" query "${expected[@]}" "$mirror" >"$logs/unregistered.txt"
    local left
    left=$(grep '^1 ' "$logs/unregistered.txt" | cut -c3- | grep -vxF "$mirror" | tr '\n' ' ' || true)
    if [ -z "$left" ]; then
        pass "$label: all ${#expected[@]} keys it wrote are gone after unregistration"
    else
        fail "$label: still in the registry after unregistration: $left"
        reg_batch "$logs/cleanup.cmd" delete "${trees[@]}" >/dev/null
    fi
    # Wine workaround 2 (per-user COM classes copied to HKLM, done by the clients) was undone.
    if grep -qxF "1 $mirror" "$logs/unregistered.txt"; then
        fail "$label: the Wine workaround's copy $mirror was left behind"
        reg_batch "$logs/cleanup.cmd" delete "$mirror" >/dev/null
    elif [ -n "$client" ]; then
        pass "$label: the Wine workaround's HKLM copy of the class is gone"
    fi

    # --- the slot probe: the DLL built with --features oscgen-probe, registered, and called
    # slot by slot by a C client compiled against widl's and mingw-w64's headers
    if probe_build "$sdir"; then
        reg_batch "$logs/probe-preclean.cmd" delete "${trees[@]}" "$mirror" >/dev/null
        local probe_win
        probe_win=$(winpath "$PROBE_DLL")
        rc=0
        wine_run "$regsvr32" /s "$probe_win" >"$logs/probe-regsvr32.log" 2>&1 || rc=$?
        if [ "$rc" = 0 ]; then
            pass "$label: probe: $regsvr32 $(basename "$PROBE_DLL") (built with --features oscgen-probe)"
            run_client "$label: probe" "$logs/probe-client.log" "$PROBE_EXE"
        else
            show_log "$logs/probe-regsvr32.log" 5
            fail "$label: probe: $regsvr32 $(basename "$PROBE_DLL") (exit code $rc)"
        fi
        rc=0
        wine_run "$regsvr32" /u /s "$probe_win" >"$logs/probe-regsvr32-u.log" 2>&1 || rc=$?
        reg_batch "$logs/probe-unregistered.cmd" query "${expected[@]}" "$mirror" >"$logs/probe-unregistered.txt"
        left=$(grep '^1 ' "$logs/probe-unregistered.txt" | cut -c3- | tr '\n' ' ' || true)
        if [ "$rc" = 0 ] && [ -z "$left" ]; then
            pass "$label: probe: $regsvr32 /u removed all ${#expected[@]} keys and the Wine workaround's HKLM copy"
        else
            fail "$label: probe: $regsvr32 /u exited with $rc; still in the registry: ${left:-nothing}"
            reg_batch "$logs/probe-cleanup.cmd" delete "${trees[@]}" "$mirror" >/dev/null
        fi
    fi

    # --- the sample's own tests, for Windows, run by Wine (cargo's target runner). Every test
    # executable cargo ran must have printed its `test result: ok` line: a loader that starts
    # nothing and exits 0 would otherwise pass.
    local test_rc=0 runs results counts
    (cd "$sdir" && "$DEB_CARGO" test --target "$TARGET" --target-dir "$tdir") >"$logs/test.log" 2>&1 || test_rc=$?
    runs=$(grep -c '^ *Running ' "$logs/test.log" || true)
    results=$(awk '/^ *Running / { r = 1 } /^ *Doc-tests / { r = 0 } r && /^test result: ok/ { n++ } END { print n + 0 }' "$logs/test.log")
    counts=$(awk '/^test result: ok/ { n += $4 } END { print n + 0 }' "$logs/test.log")
    if [ "$test_rc" = 0 ] && [ "$runs" -gt 0 ] && [ "$results" = "$runs" ] && [ "$counts" -gt 0 ]; then
        pass "$label: cargo test --target $TARGET under Wine ($counts tests passed in $runs test executables)"
    else
        show_log "$logs/test.log" 40
        fail "$label: cargo test --target $TARGET under Wine: exit code $test_rc, $results of $runs test executables reported ok, $counts tests passed (log: $logs/test.log)"
    fi
}

# The slot probe of a sample, built (run by check_sample): `oscgen probe-client` writes the C
# client from the model; widl writes the headers of the project's IDL (mingw-w64's IDL on its
# include path); the target's mingw gcc compiles it against those and mingw-w64's SDK headers;
# the DLL is built with --features oscgen-probe into a target dir of its own (the release DLL
# the other checks use stays as it ships). Sets PROBE_DLL and PROBE_EXE.
ptdir=$CACHE/target-probe
probe_build() {
    local sdir=$1 out=$logs/probe hdr idl rest failed=0
    PROBE_DLL="" PROBE_EXE=""
    rm -rf "$out"
    mkdir -p "$out"
    if ! "$OSCGEN" probe-client "$sdir" --out-dir "$out" >"$out/headers.txt" 2>"$logs/probe-client-gen.log"; then
        show_log "$logs/probe-client-gen.log"
        fail "$label: probe: oscgen probe-client (log: $logs/probe-client-gen.log)"
        return 1
    fi
    local names=""
    while IFS=$'\t' read -r hdr idl rest; do
        [ -n "$hdr" ] || continue
        # shellcheck disable=SC2086 # rest: widl's -I/-D arguments, tab-separated, no spaces
        if "$mingw-widl" -h -o "$out/$hdr" -I "$MINGW_IDL" ${rest//$'\t'/ } "$idl" >>"$logs/probe-widl.log" 2>&1; then
            names="$names $hdr"
        else
            failed=1
        fi
    done <"$out/headers.txt"
    if [ "$failed" = 1 ]; then
        show_log "$logs/probe-widl.log"
        fail "$label: probe: $mingw-widl (log: $logs/probe-widl.log)"
        return 1
    fi
    if "$mingw-gcc" -Wall -Wextra -Werror -O1 -I "$out" -o "$out/probe-client.exe" "$out/probe-client.c" \
        -lole32 -loleaut32 -luuid -ladvapi32 >"$logs/probe-gcc.log" 2>&1; then
        pass "$label: probe: probe-client.c compiled by $mingw-gcc against widl's${names:- (none)} and mingw-w64's headers"
        PROBE_EXE=$out/probe-client.exe
    else
        show_log "$logs/probe-gcc.log" 30
        fail "$label: probe: $mingw-gcc probe-client.c (log: $logs/probe-gcc.log)"
        return 1
    fi
    if ! (cd "$sdir" && "$DEB_CARGO" build --release --features oscgen-probe --target "$TARGET" --target-dir "$ptdir" \
        --message-format=json-render-diagnostics) >"$logs/probe-build.json" 2>"$logs/probe-build.log"; then
        show_log "$logs/probe-build.log" 40
        fail "$label: probe: cargo build --release --features oscgen-probe (log: $logs/probe-build.log)"
        return 1
    fi
    PROBE_DLL=$(grep '"reason":"compiler-artifact"' "$logs/probe-build.json" | grep '"cdylib"' \
        | grep -o '"[^"]*\.dll"' | tr -d '"' | sort -u | head -n1 || true)
    if [ -z "$PROBE_DLL" ] || [ ! -f "$PROBE_DLL" ]; then
        fail "$label: probe: no cdylib .dll from cargo build --features oscgen-probe"
        return 1
    fi
    pass "$label: probe: cargo build --release --features oscgen-probe -> $(basename "$PROBE_DLL") ($(stat -c %s "$PROBE_DLL") bytes)"
}

for TARGET in "${TARGETS[@]}"; do
    ARCH=$(arch_of "$TARGET")
    run=1
    LOADER=$WINE
    REGVIEW=""
    if [ "$ARCH" = i686 ]; then
        run=$RUN_I686
        LOADER=$WINE32
        REGVIEW=/reg:32
    fi
    for sdir in "${samples[@]}"; do
        name=$(basename "$sdir")
        t_sample=$(date +%s.%N)
        # cargo writes a Cargo.lock into a project that has none; the lane leaves the tree as it was.
        new_lock=""
        [ -f "$sdir/Cargo.lock" ] || new_lock=$sdir/Cargo.lock
        check_sample "$sdir" "$TARGET" "$run"
        if [ -n "$new_lock" ]; then rm -f "$new_lock"; fi
        new_lock=""
        echo "    ($name $ARCH: $(since "$t_sample"))"
    done
    # Without 32-bit Wine: what the 64-bit loader makes of an i686 program, for the note.
    if [ "$ARCH" = i686 ] && [ "$run" != 1 ]; then
        probe=$(ls "$tdir/$TARGET/release/"*.exe 2>/dev/null | head -n1 || true)
        if [ -n "$probe" ]; then
            probe_rc=0
            WINEDEBUG=err+all "$WINE" "$probe" --help </dev/null >"$CACHE/logs/i686-probe.log" 2>&1 || probe_rc=$?
            WINE32_NOTE="$WINE32_NOTE
Without it, the 64-bit loader runs $(basename "$probe") (i686) as follows (exit code $probe_rc, no output):
$(grep -E 'err:' "$CACHE/logs/i686-probe.log" | head -n 3)"
        fi
    fi
done
ARCH=""

finish
