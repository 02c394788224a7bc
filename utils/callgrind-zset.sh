#!/usr/bin/env bash
# callgrind-zset.sh - instructions the server executes per sorted set
# request on a big set, ours and Debian's redis-server side by side, with
# valgrind's callgrind (deterministic, like utils/callgrind.sh).
#
# Each server runs once under callgrind with instrumentation off while
# utils/datasets/zset_1m.sh loads "bigzset" (N members member:%09d, score
# n*1.5); then instrumentation goes on and, for each test, the counters
# are zeroed, N1 requests run and are dumped, N2 more run and are dumped:
# (Ir(N2) - Ir(N1)) / (N2 - N1) is the cost of one request, connection
# set-up and the phase's fixed costs cancelled out.  One client.
#
#   utils/callgrind-zset.sh
#   N=100000 N1=1000 N2=3000 utils/callgrind-zset.sh
#   TESTS=zrange100,zrangebyscore utils/callgrind-zset.sh
#
# Tests:
#   zadd           valkey-benchmark's ZADD (myzset, random scores/members, -r 100000)
#   zpopmin        ZPOPMIN bigzset
#   zrange100      ZRANGE bigzset 0 99 WITHSCORES
#   zrangebyscore  ZRANGEBYSCORE bigzset 750000 750148.5 (100 members)
set -euo pipefail
cd "$(dirname "$0")/.."
. utils/callgrind-lib.sh
TESTS=${TESTS:-zadd,zpopmin,zrange100,zrangebyscore}
N=${N:-1000000}
N1=${N1:-2000}
N2=${N2:-6000}
cg_init callgrind_control

# The benchmark arguments of a test.
bench_args() {
    case "$1" in
        zadd) echo "-r 100000 -t zadd" ;;
        zpopmin) echo "ZPOPMIN bigzset" ;;
        zrange100) echo "ZRANGE bigzset 0 99 WITHSCORES" ;;
        zrangebyscore) echo "ZRANGEBYSCORE bigzset 750000 750148.5" ;;
        *) echo "unknown test $1" >&2; exit 1 ;;
    esac
}

load_data() { # port
    N=$N utils/datasets/zset_1m.sh | "$CLI" -p "$1" --pipe >/dev/null
}

cg_compare 14
