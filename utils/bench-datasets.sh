#!/usr/bin/env bash
# bench-datasets.sh - used_memory of the data types' datasets, ours and
# Debian's redis-server 7.0 side by side: each dataset (utils/datasets/)
# is loaded with `valkey-cli --pipe` into a fresh server of each kind, and
# the table shows used_memory in MiB, the ratio, and the issue's target.
#
#   utils/bench-datasets.sh                    every dataset
#   DATASETS="list_1m hash_small" utils/bench-datasets.sh
#   OURS=/path/to/valkey-server utils/bench-datasets.sh
# Both servers run without persistence, on loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. utils/bench-lib.sh
if [ -z "${OURS:-}" ]; then
    make -s all
    OURS=src/valkey-server
fi
REDIS=$(command -v redis-server || true)
CLI=src/valkey-cli
# dataset  target-MiB  (the issues' targets; "-" where the target is a ratio)
TARGETS="list_1m 12.5
hash_small 21
hash_big 37
set_big 28
set_small 24.4
zset_1m 59
zset_small 12
stream_1m 9.5
stream_group -
geo_100k -"
DATASETS=${DATASETS:-$(echo "$TARGETS" | awk '{print $1}')}
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# used_memory after loading one dataset into a fresh server.
measure() { # binary dataset
    local port out
    port=$(free_port)
    "$1" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" >"$tmp/log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do "$CLI" -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
    "utils/datasets/$2.sh" | "$CLI" -p "$port" --pipe >/dev/null
    out=$("$CLI" -p "$port" info memory | awk -F: '/^used_memory:/{print $2+0}')
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
    echo "$out"
}

printf "%-13s %10s %10s %7s %8s\n" dataset ours-MiB redis-MiB ratio target
for ds in $DATASETS; do
    o=$(measure "$OURS" "$ds")
    r="-"
    [ -n "$REDIS" ] && r=$(measure "$REDIS" "$ds")
    t=$(echo "$TARGETS" | awk -v d="$ds" '$1 == d {print $2}')
    awk -v d="$ds" -v o="$o" -v r="$r" -v t="${t:--}" 'BEGIN {
        om = o / 1048576; rm = (r == "-") ? "-" : sprintf("%.2f", r / 1048576);
        ratio = (r == "-") ? "-" : sprintf("%.2f", o / r);
        printf "%-13s %10.2f %10s %7s %8s\n", d, om, rm, ratio, t }'
done
