#!/usr/bin/env bash
# callgrind-geo.sh - instructions the server executes per GEO request on
# an index of 100,000 members, ours and Debian's redis-server side by
# side, with valgrind's callgrind (deterministic, like utils/callgrind.sh).
#
# Each server runs once under callgrind with instrumentation off while
# utils/datasets/geo_100k.sh loads "geo" (N members over lon 5..15, lat
# 40..50); then instrumentation goes on and, for each test, the counters
# are zeroed, N1 requests run and are dumped, N2 more run and are dumped:
# (Ir(N2) - Ir(N1)) / (N2 - N1) is the cost of one request, connection
# set-up and the phase's fixed costs cancelled out.  One client.
#
#   utils/callgrind-geo.sh
#   N1=500 N2=1500 TESTS=geosearch utils/callgrind-geo.sh
#
# Tests (the searches find 96 members, 15 km around 10,45):
#   geoadd          GEOADD geo 14.<rand> 49.<rand> m:<rand> (-r 100000: new
#                   members mostly, some updates; far from the searches,
#                   and run last, so they do not change what those find)
#   geosearch       GEOSEARCH geo FROMLONLAT 10 45 BYRADIUS 15 km
#   geosearch_asc   ... ASC WITHDIST
#   geosearch_coord ... ASC WITHCOORD WITHDIST WITHHASH
#   geosearch_count ... COUNT 10 (nearest 10)
#   geosearch_box   GEOSEARCH geo FROMLONLAT 10 45 BYBOX 30 30 km ASC
#   georadius       GEORADIUS geo 10 45 15 km
set -euo pipefail
cd "$(dirname "$0")/.."
TESTS=${TESTS:-geosearch,geosearch_asc,geosearch_coord,geosearch_count,geosearch_box,georadius,geoadd}
N=${N:-100000}
N1=${N1:-1000}
N2=${N2:-3000}
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 1; }
command -v callgrind_control >/dev/null || { echo "callgrind_control not installed"; exit 1; }
if [ -z "${OURS:-}" ]; then
    make -s all
    OURS=src/valkey-server
fi
REDIS=${REDIS:-$(command -v redis-server || true)}
BENCH=${BENCH:-src/valkey-benchmark}
CLI=${CLI:-src/valkey-cli}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
free_port() {
    echo 'set s [socket -server none -myaddr 127.0.0.1 0]; puts [lindex [fconfigure $s -sockname] 2]; close $s' | tclsh
}

# The benchmark arguments of a test.
bench_args() {
    local s="GEOSEARCH geo FROMLONLAT 10 45 BYRADIUS 15 km"
    case "$1" in
        geoadd) echo "-r 100000 GEOADD geo 14.__rand_int__ 49.__rand_int__ m:__rand_int__" ;;
        geosearch) echo "$s" ;;
        geosearch_asc) echo "$s ASC WITHDIST" ;;
        geosearch_coord) echo "$s ASC WITHCOORD WITHDIST WITHHASH" ;;
        geosearch_count) echo "$s COUNT 10" ;;
        geosearch_box) echo "GEOSEARCH geo FROMLONLAT 10 45 BYBOX 30 30 km ASC" ;;
        georadius) echo "GEORADIUS geo 10 45 15 km" ;;
        *) echo "unknown test $1" >&2; exit 1 ;;
    esac
}

# Instructions of the part dumped last (the file callgrind just wrote).
last_dump_ir() {
    local f
    f=$(ls -t "$1".* 2>/dev/null | head -1)
    awk '/^summary:/{print $2}' "$f"
    rm -f "$f"
}

# One server: load, then per-request cost of each test.
measure() { # binary label
    local bin=$1 port out vpid
    port=$(free_port)
    out="$tmp/cg.$2"
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" "$bin" --port "$port" \
        --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" >"$tmp/log.$2" 2>&1 &
    vpid=$!
    for _ in $(seq 300); do "$CLI" -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    N=$N utils/datasets/geo_100k.sh | "$CLI" -p "$port" --pipe >/dev/null
    callgrind_control -i on "$vpid" >/dev/null 2>&1
    for t in ${TESTS//,/ }; do
        # shellcheck disable=SC2046
        callgrind_control -z "$vpid" >/dev/null 2>&1
        "$BENCH" -p "$port" -c 1 -n "$N1" -q $(bench_args "$t") >/dev/null 2>&1
        callgrind_control -d "$vpid" >/dev/null 2>&1
        local a b
        a=$(last_dump_ir "$out")
        callgrind_control -z "$vpid" >/dev/null 2>&1
        # shellcheck disable=SC2046
        "$BENCH" -p "$port" -c 1 -n "$N2" -q $(bench_args "$t") >/dev/null 2>&1
        callgrind_control -d "$vpid" >/dev/null 2>&1
        b=$(last_dump_ir "$out")
        echo "$t $(( (b - a) / (N2 - N1) ))"
    done
    "$CLI" -p "$port" shutdown nosave >/dev/null 2>&1 || true
    wait "$vpid" 2>/dev/null || true
}

measure "$OURS" ours >"$tmp/ours.txt"
if [ -n "$REDIS" ]; then measure "$REDIS" redis >"$tmp/redis.txt"; fi
printf "%-16s %12s %12s %8s\n" test ours redis ratio
while read -r t o; do
    r=$(awk -v t="$t" '$1 == t {print $2}' "$tmp/redis.txt" 2>/dev/null || true)
    if [ -n "$r" ]; then
        printf "%-16s %12s %12s %8s\n" "$t" "$o" "$r" "$(awk -v a="$o" -v b="$r" 'BEGIN{printf "%.2f", a/b}')"
    else
        printf "%-16s %12s %12s %8s\n" "$t" "$o" "-" "-"
    fi
done <"$tmp/ours.txt"
