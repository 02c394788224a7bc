#!/usr/bin/env bash
# run-all.sh - runs every test suite `make test` promises and prints, as its
# last line, the sum of their counts: "N passed, M failed".
#
#   layering          utils/check-layers.py      (no #include points up the layers)
#   outside reads     utils/check-outside.py     (no test/build file reads outside the repo)
#   harness           tests/harness/selfcheck.tcl (known passes and failures counted right)
#   C unit tests      $BUILD/tests/test_*        (src/ds, deps, the parser)
#   hiredis tests     $BUILD/hiredis/*           (against one server of ours)
#   differential      $BUILD/hiredis/difftest    (ours vs Debian's redis-server)
#   Tcl suite         tests/run.tcl              (its own servers, in parallel;
#                                                 skips the needs:* tags the
#                                                 server cannot run, and says so)
#
# Each suite prints "N passed, M failed" last; a suite that crashes or
# prints no such line counts as one failure.  Environment: BUILD (object
# dir, from the Makefile), ONLY=checks|unit|hiredis|tcl to run one kind,
# TCL_ARGS for extra runner options, SERVER (binary to test).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:?BUILD must name the build directory}
SERVER=${SERVER:-src/valkey-server}
ONLY=${ONLY:-}
total_pass=0
total_fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/valkey-tests.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT

# Adds a suite's closing counts; $1 = name, $2 = file with its output, $3 = exit code.
tally() {
    local line pass fail
    line=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$2" | tail -1)
    if [ -z "$line" ]; then
        echo "[$1] crashed or printed no result line (exit $3); last output:"
        tail -20 "$2" | sed 's/^/    /'
        total_fail=$((total_fail + 1))
        return
    fi
    pass=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
    fail=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
    if [ "$3" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi
    echo "[$1] $pass passed, $fail failed"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
}

free_port() {
    echo 'set s [socket -server none -myaddr 127.0.0.1 0]; puts [lindex [fconfigure $s -sockname] 2]; close $s' | tclsh
}

# Starts a server in the background; waits until it answers PING.
start_server() { # $1 = binary, $2 = port, $3 = dir, rest = extra args
    local bin=$1 port=$2 dir=$3
    shift 3
    mkdir -p "$dir"
    "$bin" --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no "$@" >"$dir/log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 100); do
        if echo 'set s [socket 127.0.0.1 '"$port"']; fconfigure $s -translation binary; puts -nonewline $s "PING\r\n"; flush $s; puts [gets $s]' | tclsh 2>/dev/null | grep -q PONG; then
            return 0
        fi
        sleep 0.1
    done
    echo "server $bin on port $port did not start:"; tail -20 "$dir/log"
    return 1
}

if [ -z "$ONLY" ] || [ "$ONLY" = checks ]; then
    for check in layers outside; do
        python3 "utils/check-$check.py" >"$tmp/out" 2>&1
        rc=$?
        grep -vE '^[0-9]+ passed, [0-9]+ failed' "$tmp/out" | head -40
        tally "check $check" "$tmp/out" "$rc"
    done
    # The harness against itself: tests/harness/selfcheck.tcl has 2 tests
    # that must pass and 4 that must fail, each failing another way.
    tclsh tests/run.tcl --no-probe --file tests/harness/selfcheck.tcl >"$tmp/out" 2>&1
    if [ "$(tail -1 "$tmp/out")" = "2 passed, 4 failed" ]; then
        echo "1 passed, 0 failed" >"$tmp/out"
    else
        echo "harness selfcheck: expected \"2 passed, 4 failed\", got:"; tail -20 "$tmp/out"
        echo "0 passed, 1 failed" >"$tmp/out"
    fi
    tally "check harness" "$tmp/out" 0
fi

if [ -z "$ONLY" ] || [ "$ONLY" = unit ]; then
    for t in "$BUILD"/tests/test_*; do
        [ -x "$t" ] || continue
        "$t" >"$tmp/out" 2>&1
        rc=$?
        grep -E '^FAIL' "$tmp/out" | head -20
        tally "unit $(basename "$t")" "$tmp/out" "$rc"
    done
fi

if [ -z "$ONLY" ] || [ "$ONLY" = hiredis ]; then
    port=$(free_port)
    sock="$tmp/valkey.sock"
    if start_server "$SERVER" "$port" "$tmp/ours" --unixsocket "$sock" --unixsocketperm 700 --enable-debug-command yes; then
        export VALKEY_HOST=127.0.0.1 VALKEY_PORT=$port VALKEY_SOCKET=$sock
        unset REDIS_PORT
        if command -v redis-server >/dev/null; then
            rport=$(free_port)
            start_server "$(command -v redis-server)" "$rport" "$tmp/redis" && export REDIS_PORT=$rport
        fi
        for t in "$BUILD"/hiredis/*; do
            [ -x "$t" ] || continue
            "$t" >"$tmp/out" 2>&1
            rc=$?
            grep -E '^FAIL' -A3 "$tmp/out" | head -40
            tally "hiredis $(basename "$t")" "$tmp/out" "$rc"
        done
    else
        total_fail=$((total_fail + 1))
    fi
fi

if [ -z "$ONLY" ] || [ "$ONLY" = tcl ]; then
    # The runner asks the server which needs:* features it has and leaves
    # the other tags out, printing "[skip] tag: reason" for each.
    # shellcheck disable=SC2086
    # A sanitizer build runs several times slower, so the few latency
    # bounds in milliseconds (needs:native-speed) are left to the plain build.
    case "$BUILD" in
    *-address* | *-undefined*) TCL_ARGS="${TCL_ARGS:-} --tags -needs:native-speed" ;;
    esac
    tclsh tests/run.tcl --server "$SERVER" ${TCL_ARGS:-} >"$tmp/out" 2>&1
    rc=$?
    grep -E '^\[skip\]' "$tmp/out" | sed 's/^/    /'
    grep -E '^\[(err|exception|fail)|FAIL|Error|ERROR' "$tmp/out" | head -100
    tally "tcl" "$tmp/out" $rc
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
