#!/usr/bin/env bash
# test-arm.sh - cross-compiles the server and the C unit tests for 64-bit
# (aarch64) and 32-bit (armhf) ARM, then runs them under qemu-user: the
# unit tests directly, the Tcl suite against each ARM server over loopback.
# The ARM builds use libc malloc (the Makefile picks it from the target).
#
#   utils/test-arm.sh            both targets
#   ARCHES=armhf utils/test-arm.sh
#
# Output: one "[<arch> unit|tcl] N passed, M failed" line per part (a build
# that fails counts as one failure), the time each arch took, and as the
# last line the sum over everything, "N passed, M failed"; exit status 1
# when M > 0.  The Tcl runner leaves out the needs:* tags the server cannot
# run (it asks the server); this script only adds the platform's own
# exclusions: needs:native-proc, since under qemu-user /proc shows the
# emulator's command line, not the title the server sets, and
# needs:native-speed, the few tests that assert a latency in milliseconds
# (emulation is 10-20 times slower).
#
# The ARM binaries are linked statically (make STATIC=1): qemu-user 7.2 on
# newer kernels hangs in pthread_create and breaks fork() of dynamically
# linked glibc guests, while static guests thread and fork normally.  Each
# unit test gets UNIT_TIMEOUT seconds (default 600), so a hang is one
# failure, not a stalled CI.
set -u
cd "$(dirname "$0")/.."
ARCHES=${ARCHES:-"aarch64 armhf"}
tmplog=$(mktemp)
trap 'rm -f "$tmplog"' EXIT
total_pass=0
total_fail=0
summary=""

# The suite's cli and benchmark tests drive the native tools against the
# ARM server: build them (and the native server they come with) first.
if ! make -s -j2 all; then
    echo "== native build of the tools failed"
    echo "0 passed, 1 failed"
    exit 1
fi

# Adds one part's counts; $1 = label, $2 = passed, $3 = failed.
add() {
    summary="$summary[$1] $2 passed, $3 failed\n"
    echo "[$1] $2 passed, $3 failed"
    total_pass=$((total_pass + $2))
    total_fail=$((total_fail + $3))
}

for arch in $ARCHES; do
    t0=$(date +%s)
    case "$arch" in
        aarch64) cc=aarch64-linux-gnu-gcc qemu=qemu-aarch64 sysroot=/usr/aarch64-linux-gnu ;;
        armhf) cc=arm-linux-gnueabihf-gcc qemu=qemu-arm sysroot=/usr/arm-linux-gnueabihf ;;
        *) echo "unknown arch $arch"; exit 2 ;;
    esac
    if ! command -v "$cc" >/dev/null || ! command -v "$qemu" >/dev/null; then
        echo "== $arch: $cc or $qemu missing (utils/install-deps.sh arm installs them)"
        add "$arch build" 0 1
        continue
    fi
    target=$($cc -dumpmachine)
    build=build/$target-libc-static
    echo "== $arch: building with $cc"
    units=$(ls tests/c/test_*.c 2>/dev/null | sed "s|tests/c/\(.*\)\.c|$build/tests/\1|")
    # The linker's note that a static getaddrinfo needs glibc's NSS modules
    # at run time is left out: the suite resolves numeric loopback only.
    make -s -j2 CC="$cc" STATIC=1 "$build/valkey-server" $units >"$tmplog" 2>&1
    rc=$?
    grep -v "statically linked applications requires at runtime\|bin/ld: .*: in function .*:$" "$tmplog"
    if [ "$rc" != 0 ]; then
        echo "== $arch: build failed"
        add "$arch build" 0 1
        continue
    fi
    # The harness starts "the server" by path: a wrapper runs it under qemu.
    wrapper=$build/valkey-server-qemu
    printf '#!/bin/sh\nexec %s -L %s %s "$@"\n' "$qemu" "$sysroot" "$(pwd)/$build/valkey-server" >"$wrapper"
    chmod +x "$wrapper"
    unit_pass=0 unit_fail=0
    for t in $units; do
        out=$(timeout "${UNIT_TIMEOUT:-600}" "$qemu" -L "$sysroot" "$t" 2>&1)
        rc=$?
        line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
        p=$(echo "$line" | grep -oE '^[0-9]+'); f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
        if [ -z "$line" ]; then
            p=0 f=1
            echo "== $arch: $(basename "$t") printed no result line (exit $rc):"
            echo "$out" | tail -5
        fi
        [ "$rc" != 0 ] && [ "${f:-0}" = 0 ] && f=1
        unit_pass=$((unit_pass + p)); unit_fail=$((unit_fail + f))
        [ "$f" != 0 ] && echo "$out" | grep -i fail | head -10
    done
    add "$arch unit" "$unit_pass" "$unit_fail"
    # Emulation is several times slower: one worker per core.
    tclsh tests/run.tcl --server "$wrapper" --clients 2 --tags -needs:native-proc,-needs:native-speed >"$build/tcl.log" 2>&1
    rc=$?
    grep -E '^\[FAIL\]|^\[ERROR\]|^\[err' -A4 "$build/tcl.log" | head -60
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$build/tcl.log" | tail -1)
    if [ -z "$line" ]; then
        echo "== $arch: the Tcl runner printed no result line (exit $rc); see $build/tcl.log"
        add "$arch tcl" 0 1
    else
        p=${line%% passed*}
        f=${line#*passed, }; f=${f%% failed}
        [ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
        add "$arch tcl" "$p" "$f"
    fi
    echo "== $arch: $(( $(date +%s) - t0 ))s"
done
printf "%b" "$summary"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
