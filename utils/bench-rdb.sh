#!/usr/bin/env bash
# bench-rdb.sh - RDB snapshots, ours and Debian's redis-server 7.0 side by
# side, each on the same data loaded with `valkey-cli --pipe`:
#
#   SAVE time (on an open connection), file size and start-up load time ("DB loaded from disk: N
#   seconds", as both servers log it) for 1,000,000 small strings
#   (key:%012d -> a 3-byte value) and the data types' datasets
#   (utils/datasets/*.sh); the best of ROUNDS saves and loads;
#
#   writes/s of `valkey-benchmark -t set` alone and while BGSAVE runs
#   back to back (a save in progress for most of the run), the ratio, the
#   server's page faults per save and its resident pages, and what a page
#   fault after a fork costs on this machine (utils/cow-cost.c).
#
#   utils/bench-rdb.sh                              everything
#   DATASETS="strings_1m hash_small" utils/bench-rdb.sh
#   ROUNDS=1 PARTS=save utils/bench-rdb.sh          PARTS: save, bgsave (default both)
#   OURS=/path/to/valkey-server utils/bench-rdb.sh
# Targets (issue 13): save and load at least 1.2x faster than redis-server
# 7.0 and the file no bigger; BGSAVE throughput at least 0.9x of none.
set -euo pipefail
cd "$(dirname "$0")/.."
. utils/bench-lib.sh
if [ -z "${OURS:-}" ]; then
    make -s all
    OURS=src/valkey-server
fi
REDIS=$(command -v redis-server || true)
CLI=src/valkey-cli
BENCH=src/valkey-benchmark
ROUNDS=${ROUNDS:-3}
PARTS=${PARTS:-"save bgsave"}
DATASETS=${DATASETS:-"strings_1m list_1m hash_small hash_big set_big set_small zset_1m zset_small stream_1m"}
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT


dataset() { # name -> RESP on stdout
    if [ "$1" = strings_1m ]; then
        awk 'BEGIN { for (i = 0; i < 1000000; i++) {
            k = sprintf("key:%012d", i); printf "*3\r\n$3\r\nSET\r\n$16\r\n%s\r\n$3\r\nxyz\r\n", k } }'
    else
        "utils/datasets/$1.sh"
    fi
}

start() { # binary dir port
    "$1" --port "$3" --bind 127.0.0.1 --save "" --appendonly no --dir "$2" >>"$2/log" 2>&1 &
    pid=$!
    wait_ping "$3" || { echo "server $1 did not start"; tail -5 "$2/log"; exit 1; }
}

stop() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
}

# The best of ROUNDS SAVEs, timed around the command on one connection
# opened beforehand (starting valkey-cli each time would add its own
# start-up, a few ms, to both servers' figures).
save_seconds() { # port rounds
    tclsh <<TCL
set s [socket 127.0.0.1 $1]
fconfigure \$s -translation binary -buffering none
puts -nonewline \$s "PING\r\n"; gets \$s
set best 1e9
for {set i 0} {\$i < $2} {incr i} {
    set t0 [clock microseconds]
    puts -nonewline \$s "SAVE\r\n"
    set reply [gets \$s]
    set t [expr {[clock microseconds] - \$t0}]
    if {![string match "+OK*" \$reply]} { puts stderr "SAVE: \$reply"; exit 1 }
    if {\$t < \$best} { set best \$t }
}
puts [format %.6f [expr {\$best / 1e6}]]
TCL
}

# One server, one dataset: "save-seconds file-bytes load-seconds".
measure() { # binary dataset
    local dir="$tmp/$(basename "$1")-$2" port best_save best_load=999 l size
    rm -rf "$dir"; mkdir -p "$dir"
    port=$(free_port)
    start "$1" "$dir" "$port"
    dataset "$2" | "$CLI" -p "$port" --pipe >/dev/null
    best_save=$(save_seconds "$port" "$ROUNDS")
    size=$(stat -c %s "$dir/dump.rdb")
    stop
    for _ in $(seq "$ROUNDS"); do
        : >"$dir/log"
        start "$1" "$dir" "$port"
        l=$(grep -o 'DB loaded from disk: [0-9.]*' "$dir/log" | awk '{print $5}' | tail -1)
        best_load=$(echo "if ($l < $best_load) $l else $best_load" | bc -l)
        stop
    done
    echo "$best_save $size $best_load"
}

if [[ " $PARTS " == *" save "* ]]; then
    printf "%-12s %9s %9s %6s | %10s %10s %6s | %9s %9s %6s\n" dataset save-ours save-redis x \
        size-ours size-redis ratio load-ours load-redis x
    for ds in $DATASETS; do
        read -r os osz ol < <(measure "$OURS" "$ds")
        if [ -n "$REDIS" ]; then read -r rs rsz rl < <(measure "$REDIS" "$ds"); else rs=0 rsz=0 rl=0; fi
        awk -v d="$ds" -v os="$os" -v rs="$rs" -v osz="$osz" -v rsz="$rsz" -v ol="$ol" -v rl="$rl" 'BEGIN {
            printf "%-12s %9.3f %9.3f %6.2f | %10d %10d %6.3f | %9.3f %9.3f %6.2f\n", d, os, rs,
                (os > 0 ? rs / os : 0), osz, rsz, (rsz > 0 ? osz / rsz : 0), ol, rl, (ol > 0 ? rl / ol : 0) }'
    done
    echo "(seconds, best of $ROUNDS; x = redis time / ours, ratio = our size / redis size)"
fi

# writes/s of SET with and without BGSAVE running back to back.
bgsave_run() { # binary
    local dir="$tmp/bg-$(basename "$1")" port base during
    rm -rf "$dir"; mkdir -p "$dir"
    port=$(free_port)
    start "$1" "$dir" "$port"
    dataset strings_1m | "$CLI" -p "$port" --pipe >/dev/null
    base=$("$BENCH" -p "$port" -t set -n 3000000 -r 1000000 -P 16 -c 50 -q --csv | tail -1 | cut -d, -f2 | tr -d '"')
    # BGSAVE whenever none is running, for as long as the benchmark runs.
    ( while :; do "$CLI" -p "$port" bgsave >/dev/null 2>&1 || true; sleep 0.05; done ) &
    local saver=$! faults0 faults1
    faults0=$(minor_faults "$pid")
    during=$("$BENCH" -p "$port" -t set -n 3000000 -r 1000000 -P 16 -c 50 -q --csv | tail -1 | cut -d, -f2 | tr -d '"')
    faults1=$(minor_faults "$pid")
    kill "$saver" 2>/dev/null || true
    wait "$saver" 2>/dev/null || true
    local saves pages
    saves=$("$CLI" -p "$port" info persistence | awk -F: '/^rdb_saves:/{print $2+0}')
    pages=$(( $("$CLI" -p "$port" info memory | awk -F: '/^used_memory_rss:/{print $2+0}') / 4096 ))
    stop
    echo "$base $during $saves $(( (faults1 - faults0) / (saves > 0 ? saves : 1) )) $pages"
}

# The server's page faults so far (field 10 of /proc/PID/stat: minor
# faults; the command name in field 2 has no spaces here).
minor_faults() { awk '{print $10}' "/proc/$1/stat"; }

if [[ " $PARTS " == *" bgsave "* ]]; then
    printf "\n%-8s %12s %14s %6s %6s %12s %6s\n" server "set/s" "set/s+bgsave" ratio saves faults/save pages
    row() { awk -v s="$1" -v b="$2" -v d="$3" -v n="$4" -v f="$5" -v p="$6" \
        'BEGIN { printf "%-8s %12.0f %14.0f %6.2f %6d %12d %6d\n", s, b, d, d / b, n, f, p }'; }
    read -r b d n f p < <(bgsave_run "$OURS")
    row ours "$b" "$d" "$n" "$f" "$p"
    if [ -n "$REDIS" ]; then
        read -r b d n f p < <(bgsave_run "$REDIS")
        row redis "$b" "$d" "$n" "$f" "$p"
    fi
    # What each of those faults costs here: after a fork every page the
    # server writes traps once, whatever the child does.
    cc -O2 -o "$tmp/cow-cost" utils/cow-cost.c && "$tmp/cow-cost"
fi
