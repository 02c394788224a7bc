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
. utils/callgrind-lib.sh
N1=${N1:-2000}
N2=${N2:-6000}
SCRIPTS=${SCRIPTS:-10000}
TESTS=evalsha,fcall
cg_init callgrind_control

BODY="redis.call('get', KEYS[1]); return redis.call('set', KEYS[1], ARGV[1])"
LIB="#!lua name=bench
redis.register_function('getset', function(KEYS, ARGV) $BODY end)"

# The script and the function, and the keys they read (GET reads
# something, SET overwrites).
load_data() { # port
    sha=$("$CLI" -p "$1" script load "$BODY")
    "$CLI" -p "$1" function load "$LIB" >/dev/null
    "$BENCH" -p "$1" -c 1 -n 100000 -r 100000 -t set -q >/dev/null 2>&1
}

bench_args() {
    case "$1" in
        evalsha) echo "-r 100000 EVALSHA $sha 1 key:__rand_int__ xxx" ;;
        fcall) echo "-r 100000 FCALL getset 1 key:__rand_int__ xxx" ;;
    esac
}

# Bytes per cached script: used_memory + used_memory_lua, after minus before.
script_memory() { # binary
    local port pid before after
    port=$(free_port)
    "$1" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" >"$tmp/mem.log" 2>&1 &
    pid=$!
    cg_wait_ready "$port"
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

label() {
    case "$1" in
        evalsha) echo "evalsha (instr/call)" ;;
        fcall) echo "fcall (instr/call)" ;;
        scripts) echo "cached script (bytes each)" ;;
        *) echo "$1" ;;
    esac
}

cg_measure "$OURS" ours >"$tmp/ours.txt"
echo "scripts $(script_memory "$OURS")" >>"$tmp/ours.txt"
if [ -n "$REDIS" ]; then
    cg_measure "$REDIS" redis >"$tmp/redis.txt"
    echo "scripts $(script_memory "$REDIS")" >>"$tmp/redis.txt"
fi
cg_table 28 label
