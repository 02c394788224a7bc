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
. utils/callgrind-lib.sh
TESTS=${TESTS:-set,get}
N1=${N1:-20000}
N2=${N2:-60000}
CLIENTS=${CLIENTS:-1}
cg_init ""

# Total instructions of one server run serving n requests of test t.
run_once() { # binary test n
    local bin=$1 t=$2 n=$3
    cg_start "$bin" run
    # Reads read something: the same keys are written first in both runs
    # (the fill cancels out in the difference).
    case "$t" in
        get) "$BENCH" -p "$CG_PORT" -c "$CLIENTS" -n 100000 -r 100000 -t set -q >/dev/null 2>&1 ;;
        lpop | rpop) "$BENCH" -p "$CG_PORT" -c "$CLIENTS" -n 100000 -t rpush -q >/dev/null 2>&1 ;;
    esac
    "$BENCH" -p "$CG_PORT" -c "$CLIENTS" -n "$n" -r 100000 -t "$t" -q >/dev/null 2>&1
    cg_stop
    awk '/^summary:/{print $2}' "$CG_OUT"
    rm -f "$CG_OUT"
}

per_request() { # binary test
    local a b
    a=$(run_once "$1" "$2" "$N1")
    b=$(run_once "$1" "$2" "$N2")
    echo $(( (b - a) / (N2 - N1) ))
}

for t in ${TESTS//,/ }; do echo "$t $(per_request "$OURS" "$t")"; done >"$tmp/ours.txt"
if [ -n "$REDIS" ]; then
    for t in ${TESTS//,/ }; do echo "$t $(per_request "$REDIS" "$t")"; done >"$tmp/redis.txt"
fi
cg_table 10
