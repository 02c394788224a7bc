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
. utils/callgrind-lib.sh
TESTS=${TESTS:-setbit,getbit,bitcount,pfadd10,pfcount3}
CG_SEED=1
cg_init callgrind_control

# The data, loaded over RESP.
load_data() { # port
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
    }' | "$CLI" -p "$1" --pipe >/dev/null
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

cg_compare 10
