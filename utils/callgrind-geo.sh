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
. utils/callgrind-lib.sh
TESTS=${TESTS:-geosearch,geosearch_asc,geosearch_coord,geosearch_count,geosearch_box,georadius,geoadd}
N=${N:-100000}
N1=${N1:-1000}
N2=${N2:-3000}
cg_init callgrind_control

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

load_data() { # port
    N=$N utils/datasets/geo_100k.sh | "$CLI" -p "$1" --pipe >/dev/null
}

cg_compare 16
