#!/usr/bin/env bash
# callgrind.sh - instructions the server executes per request, measured
# with valgrind's callgrind (deterministic: the same binary and inputs give
# the same count on a busy or a quiet machine), ours and Debian's
# redis-server side by side.
#
# Each server runs under callgrind twice per test, serving N1 and then N2
# requests from valkey-benchmark; (Ir(N2) - Ir(N1)) / (N2 - N1) is the
# cost of one request with start-up and shutdown cancelled out.  One
# client by default: with several, how many requests one loop iteration
# serves depends on timing, and so does the count.
#
#   utils/callgrind.sh                          set,get
#   TESTS=set,get,lpush,rpush utils/callgrind.sh
#   OURS=/path/to/valkey-server utils/callgrind.sh   (e.g. an older build)
set -euo pipefail
cd "$(dirname "$0")/.."
TESTS=${TESTS:-set,get}
N1=${N1:-20000}
N2=${N2:-60000}
CLIENTS=${CLIENTS:-1}
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 1; }
if [ -z "${OURS:-}" ]; then
    make -s all
    OURS=src/valkey-server
fi
REDIS=${REDIS:-$(command -v redis-server || true)}
BENCH=${BENCH:-src/valkey-benchmark}
[ -x "$BENCH" ] || make -s all
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
free_port() {
    echo 'set s [socket -server none -myaddr 127.0.0.1 0]; puts [lindex [fconfigure $s -sockname] 2]; close $s' | tclsh
}

# Total instructions of one server run serving n requests of test t.
run_once() { # binary test n
    local bin=$1 t=$2 n=$3 port out
    port=$(free_port)
    out="$tmp/cg.$$.$RANDOM"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" --port "$port" --bind 127.0.0.1 \
        --save "" --appendonly no --dir "$tmp" >"$tmp/log" 2>&1 &
    local vpid=$!
    for _ in $(seq 300); do "$BENCH" -p "$port" -n 1 -t ping -q >/dev/null 2>&1 && break; sleep 0.1; done
    # Reads read something: the same keys are written first in both runs
    # (the fill cancels out in the difference).
    case "$t" in
        get) "$BENCH" -p "$port" -c "$CLIENTS" -n 100000 -r 100000 -t set -q >/dev/null 2>&1 ;;
        lpop | rpop) "$BENCH" -p "$port" -c "$CLIENTS" -n 100000 -t rpush -q >/dev/null 2>&1 ;;
    esac
    "$BENCH" -p "$port" -c "$CLIENTS" -n "$n" -r 100000 -t "$t" -q >/dev/null 2>&1
    "$BENCH" -p "$port" -n 1 shutdown nosave >/dev/null 2>&1 || true
    wait "$vpid" 2>/dev/null || true
    awk '/^summary:/{print $2}' "$out"
    rm -f "$out"
}

per_request() { # binary test
    local a b
    a=$(run_once "$1" "$2" "$N1")
    b=$(run_once "$1" "$2" "$N2")
    echo $(( (b - a) / (N2 - N1) ))
}

printf "%-10s %12s %12s %8s\n" test ours redis ratio
for t in ${TESTS//,/ }; do
    o=$(per_request "$OURS" "$t")
    if [ -n "$REDIS" ]; then
        r=$(per_request "$REDIS" "$t")
        printf "%-10s %12s %12s %8s\n" "$t" "$o" "$r" "$(awk -v a="$o" -v b="$r" 'BEGIN{printf "%.2f", a/b}')"
    else
        printf "%-10s %12s %12s %8s\n" "$t" "$o" "-" "-"
    fi
done
