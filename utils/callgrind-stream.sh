#!/usr/bin/env bash
# callgrind-stream.sh - instructions the server executes per stream request,
# ours and Debian's redis-server side by side, with valgrind's callgrind
# (deterministic, like utils/callgrind.sh).
#
# Each server runs once under callgrind with instrumentation off while
# utils/datasets/stream_1m.sh loads "sensor" (N readings `temp
# <200..249>`, generated IDs) and a group "g" is created on it at 0; then
# instrumentation goes on and, for each test, the counters are zeroed, N1
# requests run and are dumped, N2 more run and are dumped: (Ir(N2) -
# Ir(N1)) / (N2 - N1) is the cost of one request, connection set-up and
# the phase's fixed costs cancelled out.  One client.
#
#   utils/callgrind-stream.sh
#   N=100000 N1=1000 N2=3000 utils/callgrind-stream.sh
#   TESTS=xrange100 utils/callgrind-stream.sh
#
# Tests:
#   xadd          valkey-benchmark's XADD (XADD mystream * myfield <3 bytes>)
#   xrange100     XRANGE sensor - + COUNT 100
#   xreadgroup10  XREADGROUP GROUP g c COUNT 10 STREAMS sensor > (each
#                 request delivers 10 new entries into the pending lists)
set -euo pipefail
cd "$(dirname "$0")/.."
. utils/callgrind-lib.sh
TESTS=${TESTS:-xadd,xrange100,xreadgroup10}
N=${N:-1000000}
N1=${N1:-2000}
N2=${N2:-6000}
cg_init callgrind_control

# The benchmark arguments of a test.
bench_args() {
    case "$1" in
        xadd) echo "-t xadd" ;;
        xrange100) echo "XRANGE sensor - + COUNT 100" ;;
        xreadgroup10) echo "XREADGROUP GROUP g c COUNT 10 STREAMS sensor >" ;;
        *) echo "unknown test $1" >&2; exit 1 ;;
    esac
}

load_data() { # port
    N=$N utils/datasets/stream_1m.sh | "$CLI" -p "$1" --pipe >/dev/null
    "$CLI" -p "$1" xgroup create sensor g 0 >/dev/null
}

cg_compare 14
