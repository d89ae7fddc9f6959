#!/usr/bin/env bash
# The Windows lane (issues #4, #6, #10, #16): every generated project cross-builds as a 64-bit and
# a 32-bit Windows DLL and behaves under Wine as its client (Outlook's Social Connector, a
# MAPI client, COM) expects.
#
#   bash scripts/windows-lane.sh                    # every samples/*/ with an oscgen.toml, and every server kind
#   bash scripts/windows-lane.sh samples/osc-provider [DIR ..]
#   OSCGEN_SKIP_WINDOWS_LANE=1 bash scripts/...     # skip locally (ignored when CI is set)
#   OSCGEN_LANE_TARGETS=x86_64-pc-windows-gnu ...   # one target only (local runs; ignored when CI is set)
#   OSCGEN_LANE_KINDS=none|all|KIND,KIND ...        # which server kinds (local runs; ignored when CI is set)
#
# This script does the setup only: the Debian packages (apt), 32-bit Wine where it installs,
# the Windows std for each target built once into a cached sysroot, the Wine prefix and its
# bcryptprimitives stand-ins, and a wineserver kept alive for the run. The checks are the
# Rust program tests/lane (README "Windows lane" lists them), which it builds and runs with
# the cross-build and Wine environment set here: per project (the samples, then the ten
# server kinds of scripts/server-kinds.txt generated on the fly from each source) and target,
# the DLL cross-built and its PE machine, exports and imports read, regsvr32 and the keys of
# its .reg file, the template's client (tests/harness: osc-host or mapi-client), regsvr32 /u,
# the slot probe's C client (docs/probe.md) and the project's own tests run by Wine. The i686
# run needs 32-bit Wine (Debian's wine32, i386 architecture); where it cannot be installed,
# the i686 DLLs, clients and tests are still built and the closing note gives the exact
# error. One line per check (PASS/FAIL), a summary per architecture, then
# `N passed, N failed`; non-zero exit on any failure. Needs root only to apt-get install
# what is missing.
#
# Everything built once (the Windows std sysroots, the Wine prefix, the bcryptprimitives
# stand-ins, the cargo target dirs, the generated kinds, logs) lives under ${OSCGEN_WINCROSS_DIR:-~/.cache/oscgen-wincross},
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
PKGS=(rustc-web cargo-web rust-web-src wine64 libxml2-utils mingw-w64-tools wixl)
has_target x86_64-pc-windows-gnu && PKGS+=(gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64)
has_target i686-pc-windows-gnu && PKGS+=(gcc-mingw-w64-i686 g++-mingw-w64-i686)
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
    for tool in gcc g++ widl; do
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

########################################################################################
# 4. The checks: tests/lane, a Rust program, for every project and target
########################################################################################
# It inherits the environment above (the cross-build variables, Wine's) and holds the lock.
LANE_TARGET=$CACHE/target-lane
log=$CACHE/logs/lane-build.log
if ! env -u RUSTFLAGS "$DEB_CARGO" build --quiet --locked --manifest-path "$REPO/tests/lane/Cargo.toml" \
    --target-dir "$LANE_TARGET" >"$log" 2>&1; then
    show_log "$log" 40
    abort "setup: building tests/lane (log: $log)"
fi
note_file=$CACHE/logs/wine32-note.txt
printf '%s\n' "$WINE32_NOTE" >"$note_file"
lane_args=(--cache "$CACHE" --repo "$REPO" --targets "${TARGETS[*]}" --run-i686 "$RUN_I686" --oscgen "$OSCGEN"
    --setup "$passed" "$failed" --wine32-note "$note_file")
if [[ -n "${OSCGEN_LANE_KINDS:-}" ]]; then
    if [[ -n "${CI:-}" ]]; then
        echo "note: OSCGEN_LANE_KINDS=$OSCGEN_LANE_KINDS is ignored because CI is set: CI checks every server kind"
    else
        lane_args+=(--kinds "$OSCGEN_LANE_KINDS")
    fi
fi
# Samples named as arguments (none: every sample, and every server kind).
if [ $# -gt 0 ]; then lane_args+=("${samples[@]}"); fi
lane_rc=0
OSCGEN_LANE_CARGO=$DEB_CARGO "$LANE_TARGET/debug/lane" "${lane_args[@]}" || lane_rc=$?
echo "windows lane: $(since "$T_START") in all"
exit "$lane_rc"
