#!/usr/bin/env bash
# callgrind-bitops.sh - instructions the server executes per bitmap and
# HyperLogLog request, ours and Debian's redis-server side by side, with
# valgrind's callgrind (deterministic, like utils/callgrind.sh).
#
# Each server runs once under callgrind with instrumentation off while the
# data is loaded: "bitmap", a 1 MB string (bit 8388607 set plus 50,000
# pseudo-random bits), and "hll1".."hll3", dense sketches of 20,000
# distinct elements each ("hll0" for PFADD starts the same way).  Then
# instrumentation goes on and, for each test, the counters are zeroed, N1
# requests run and are dumped, N2 more run and are dumped:
# (Ir(N2) - Ir(N1)) / (N2 - N1) is the cost of one request, connection
# set-up and the phase's fixed costs cancelled out.  One client, the
# benchmark's random numbers seeded (--seed 1, then 2) so both servers get
# the same requests.
#
#   utils/callgrind-bitops.sh
#   TESTS=bitcount,pfcount3 utils/callgrind-bitops.sh
#
# Tests:
#   setbit    SETBIT bitmap 4194304 1 (the bit stays set: a lookup, a
#             bit test and the reply; __rand_int__ is a 12-digit number
#             with leading zeros, which is no valid offset)
#   getbit    GETBIT bitmap 4194304
#   bitcount  BITCOUNT bitmap (1 MB)
#   pfadd10   PFADD hll0 with 10 random elements
#   pfcount3  PFCOUNT hll1 hll2 hll3 (the union of three dense sketches)
set -euo pipefail
cd "$(dirname "$0")/.."
TESTS=${TESTS:-setbit,getbit,bitcount,pfadd10,pfcount3}
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

# The data, as RESP on stdout.
load_data() {
    awk 'function cmd3(a, b, c) { printf "*3\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(a), a, length(b), b, length(c), c }
    BEGIN {
        printf "*4\r\n$6\r\nSETBIT\r\n$6\r\nbitmap\r\n$7\r\n8388607\r\n$1\r\n1\r\n"
        x = 12345
        for (i = 0; i < 50000; i++) {
            x = (x * 1103515245 + 12345) % 2147483648
            off = sprintf("%d", x % 8388608)
            printf "*4\r\n$6\r\nSETBIT\r\n$6\r\nbitmap\r\n$%d\r\n%s\r\n$1\r\n1\r\n", length(off), off
        }
        for (k = 0; k < 4; k++) {
            key = "hll" k
            for (i = 0; i < 20000; i++) cmd3("PFADD", key, sprintf("k%d:%d", k, i))
        }
    }'
}

# Benchmark arguments and request counts of a test.
bench_args() {
    local r="__rand_int__"
    case "$1" in
        setbit) echo "SETBIT bitmap 4194304 1" ;;
        getbit) echo "GETBIT bitmap 4194304" ;;
        bitcount) echo "BITCOUNT bitmap" ;;
        pfadd10) echo "-r 1000000000 PFADD hll0 $r $r $r $r $r $r $r $r $r $r" ;;
        pfcount3) echo "PFCOUNT hll1 hll2 hll3" ;;
        *) echo "unknown test $1" >&2; exit 1 ;;
    esac
}
counts() {
    case "$1" in
        bitcount | pfcount3) echo "200 600" ;;
        *) echo "2000 6000" ;;
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
    load_data | "$CLI" -p "$port" --pipe >/dev/null
    callgrind_control -i on "$vpid" >/dev/null 2>&1
    for t in ${TESTS//,/ }; do
        local n1 n2 a b
        read -r n1 n2 <<<"$(counts "$t")"
        # shellcheck disable=SC2046
        callgrind_control -z "$vpid" >/dev/null 2>&1
        "$BENCH" -p "$port" -c 1 -n "$n1" --seed 1 -q $(bench_args "$t") >/dev/null 2>&1
        callgrind_control -d "$vpid" >/dev/null 2>&1
        a=$(last_dump_ir "$out")
        callgrind_control -z "$vpid" >/dev/null 2>&1
        # shellcheck disable=SC2046
        "$BENCH" -p "$port" -c 1 -n "$n2" --seed 2 -q $(bench_args "$t") >/dev/null 2>&1
        callgrind_control -d "$vpid" >/dev/null 2>&1
        b=$(last_dump_ir "$out")
        echo "$t $(( (b - a) / (n2 - n1) ))"
    done
    "$CLI" -p "$port" shutdown nosave >/dev/null 2>&1 || true
    wait "$vpid" 2>/dev/null || true
}

measure "$OURS" ours >"$tmp/ours.txt"
if [ -n "$REDIS" ]; then measure "$REDIS" redis >"$tmp/redis.txt"; fi
printf "%-10s %12s %12s %8s\n" test ours redis ratio
while read -r t o; do
    r=$(awk -v t="$t" '$1 == t {print $2}' "$tmp/redis.txt" 2>/dev/null || true)
    if [ -n "$r" ]; then
        printf "%-10s %12s %12s %8s\n" "$t" "$o" "$r" "$(awk -v a="$o" -v b="$r" 'BEGIN{printf "%.2f", a/b}')"
    else
        printf "%-10s %12s %12s %8s\n" "$t" "$o" "-" "-"
    fi
done <"$tmp/ours.txt"
