#!/usr/bin/env bash
# test-arm.sh - cross-compiles the server and the C unit tests for 64-bit
# (aarch64) and 32-bit (armhf) ARM, then runs them under qemu-user: the
# unit tests directly, the Tcl suite against each ARM server over loopback.
# The ARM builds use libc malloc (the Makefile picks it from the target).
#
#   utils/test-arm.sh            both targets
#   ARCHES=armhf utils/test-arm.sh
set -u
cd "$(dirname "$0")/.."
ARCHES=${ARCHES:-"aarch64 armhf"}
status=0
summary=""
for arch in $ARCHES; do
    case "$arch" in
        aarch64) cc=aarch64-linux-gnu-gcc qemu=qemu-aarch64 sysroot=/usr/aarch64-linux-gnu ;;
        armhf) cc=arm-linux-gnueabihf-gcc qemu=qemu-arm sysroot=/usr/arm-linux-gnueabihf ;;
        *) echo "unknown arch $arch"; exit 2 ;;
    esac
    target=$($cc -dumpmachine)
    build=build/$target-libc
    echo "== $arch: building with $cc"
    units=$(ls tests/c/test_*.c 2>/dev/null | sed "s|tests/c/\(.*\)\.c|$build/tests/\1|")
    if ! make -s -j2 CC="$cc" "$build/valkey-server" $units; then
        echo "== $arch: build failed"
        status=1
        continue
    fi
    # The harness starts "the server" by path: a wrapper runs it under qemu.
    wrapper=$build/valkey-server-qemu
    printf '#!/bin/sh\nexec %s -L %s %s "$@"\n' "$qemu" "$sysroot" "$(pwd)/$build/valkey-server" >"$wrapper"
    chmod +x "$wrapper"
    unit_pass=0 unit_fail=0
    for t in $units; do
        out=$("$qemu" -L "$sysroot" "$t" 2>&1)
        rc=$?
        line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
        p=$(echo "$line" | grep -oE '^[0-9]+'); f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
        [ -z "$line" ] && { p=0; f=1; echo "$out" | tail -5; }
        [ "$rc" != 0 ] && [ "${f:-0}" = 0 ] && f=1
        unit_pass=$((unit_pass + p)); unit_fail=$((unit_fail + f))
        [ "$f" != 0 ] && echo "$out" | grep -i fail | head -10
    done
    echo "== $arch: unit tests $unit_pass passed, $unit_fail failed"
    # Emulation is several times slower: one worker per core.  Process-title
    # tests are left out: under qemu-user /proc shows the emulator's
    # command line, not the title the server sets.
    tclsh tests/run.tcl --server "$wrapper" --clients 2 --tags -needs:list,-needs:pubsub,-needs:native-proc >"$build/tcl.log" 2>&1
    rc=$?
    grep -E '^\[FAIL\]|^\[err' -A4 "$build/tcl.log" | head -60
    tcl=$(tail -1 "$build/tcl.log")
    echo "== $arch: Tcl suite $tcl"
    summary="$summary$arch: unit $unit_pass passed, $unit_fail failed; tcl $tcl\n"
    [ "$rc" != 0 ] || [ "$unit_fail" != 0 ] && status=1
done
printf "%b" "$summary"
exit $status
