#!/usr/bin/env bash
# callgrind-script.sh - the cost of scripting, ours and Debian's
# redis-server side by side:
#
#  - instructions per EVALSHA of a script that does one GET and one SET,
#    and per FCALL of the same code loaded as a function, measured with
#    valgrind's callgrind as utils/callgrind-geo.sh measures (one client;
#    counters zeroed, N1 requests, dump, N2 requests, dump:
#    (Ir(N2) - Ir(N1)) / (N2 - N1) is one request, connection set-up and
#    fixed costs cancelled out);
#  - memory per cached script: 10,000 distinct scripts loaded with
#    SCRIPT LOAD into a server without valgrind, (used_memory +
#    used_memory_lua) after minus before, divided by the count.
#
#   utils/callgrind-script.sh
#   N1=2000 N2=6000 SCRIPTS=10000 utils/callgrind-script.sh
#   OURS=/path/to/valkey-server REDIS=/path/to/redis-server utils/callgrind-script.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N1=${N1:-2000}
N2=${N2:-6000}
SCRIPTS=${SCRIPTS:-10000}
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

BODY="redis.call('get', KEYS[1]); return redis.call('set', KEYS[1], ARGV[1])"
LIB="#!lua name=bench
redis.register_function('getset', function(KEYS, ARGV) $BODY end)"

last_dump_ir() {
    local f
    f=$(ls -t "$1".* 2>/dev/null | head -1)
    awk '/^summary:/{print $2}' "$f"
    rm -f "$f"
}

measure() { # binary label
    local bin=$1 port out vpid sha
    port=$(free_port)
    out="$tmp/cg.$2"
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" "$bin" --port "$port" \
        --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" >"$tmp/log.$2" 2>&1 &
    vpid=$!
    for _ in $(seq 300); do "$CLI" -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    sha=$("$CLI" -p "$port" script load "$BODY")
    "$CLI" -p "$port" function load "$LIB" >/dev/null
    # The keys exist: GET reads something, SET overwrites.
    "$BENCH" -p "$port" -c 1 -n 100000 -r 100000 -t set -q >/dev/null 2>&1
    callgrind_control -i on "$vpid" >/dev/null 2>&1
    for t in evalsha fcall; do
        local args
        if [ "$t" = evalsha ]; then args="-r 100000 EVALSHA $sha 1 key:__rand_int__ xxx"
        else args="-r 100000 FCALL getset 1 key:__rand_int__ xxx"; fi
        callgrind_control -z "$vpid" >/dev/null 2>&1
        # shellcheck disable=SC2086
        "$BENCH" -p "$port" -c 1 -n "$N1" -q $args >/dev/null 2>&1
        callgrind_control -d "$vpid" >/dev/null 2>&1
        local a b
        a=$(last_dump_ir "$out")
        callgrind_control -z "$vpid" >/dev/null 2>&1
        # shellcheck disable=SC2086
        "$BENCH" -p "$port" -c 1 -n "$N2" -q $args >/dev/null 2>&1
        callgrind_control -d "$vpid" >/dev/null 2>&1
        b=$(last_dump_ir "$out")
        echo "$t $(( (b - a) / (N2 - N1) ))"
    done
    "$CLI" -p "$port" shutdown nosave >/dev/null 2>&1 || true
    wait "$vpid" 2>/dev/null || true
}

# Bytes per cached script: used_memory + used_memory_lua, after minus before.
script_memory() { # binary
    local port pid before after
    port=$(free_port)
    "$1" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" >"$tmp/mem.log" 2>&1 &
    pid=$!
    for _ in $(seq 300); do "$CLI" -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    mem() {
        "$CLI" -p "$port" info memory | tr -d '\r' |
            awk -F: '$1 == "used_memory" || $1 == "used_memory_lua" {s += $2} END {print s}'
    }
    "$CLI" -p "$port" script load "return 0" >/dev/null
    before=$(mem)
    for i in $(seq 1 "$SCRIPTS"); do
        echo "SCRIPT LOAD \"return redis.call('get', KEYS[1]) or $i\""
    done | "$CLI" -p "$port" >/dev/null
    after=$(mem)
    "$CLI" -p "$port" shutdown nosave >/dev/null 2>&1 || true
    wait "$pid" 2>/dev/null || true
    echo $(( (after - before) / SCRIPTS ))
}

measure "$OURS" ours >"$tmp/ours.txt"
echo "scripts $(script_memory "$OURS")" >>"$tmp/ours.txt"
if [ -n "$REDIS" ]; then
    measure "$REDIS" redis >"$tmp/redis.txt"
    echo "scripts $(script_memory "$REDIS")" >>"$tmp/redis.txt"
fi
printf "%-28s %12s %12s %8s\n" test ours redis ratio
while read -r t o; do
    label=$t
    case "$t" in
        evalsha) label="evalsha (instr/call)" ;;
        fcall) label="fcall (instr/call)" ;;
        scripts) label="cached script (bytes each)" ;;
    esac
    r=$(awk -v t="$t" '$1 == t {print $2}' "$tmp/redis.txt" 2>/dev/null || true)
    if [ -n "$r" ]; then
        printf "%-28s %12s %12s %8s\n" "$label" "$o" "$r" "$(awk -v a="$o" -v b="$r" 'BEGIN{printf "%.2f", a/b}')"
    else
        printf "%-28s %12s %12s %8s\n" "$label" "$o" "-" "-"
    fi
done <"$tmp/ours.txt"
