#!/usr/bin/env bash
# bench-aof.sh - the append-only file under load, ours side by side with
# Debian's redis-server 7.0, alternating A B A B (ROUNDS rounds):
#
#   t3: redis-benchmark -t set -n $N -r 1000000 -c 50, appendonly yes,
#       appendfsync everysec: requests/s, server CPU seconds per million
#       requests, bytes written to the device per SET (/proc/<pid>/io
#       write_bytes of the server);
#   t4: the same with 1,000,000 keys preloaded and a rewrite in progress
#       all the time (BGREWRITEAOF again whenever none runs): the same
#       figures, bytes counting the rewrite children too (their
#       /proc/<pid>/io sampled every 0.1 s, so a child's last 0.1 s may
#       be missed), and our t4/t3 ratio;
#   always: appendfsync always with 50 clients: requests/s and fdatasync
#       calls per second (strace -c on the server for the run, when
#       strace is installed; it slows both servers alike).
#
#   utils/bench-aof.sh                  N=5000000, 2 rounds (the issue's figure)
#   N=300000 ROUNDS=1 utils/bench-aof.sh    a quicker look
#   PARTS="t3 always" utils/bench-aof.sh    a subset
# Files live in a temporary directory on the disk holding the tree (not
# /tmp, which may be a tmpfs and write nothing to a device).
set -euo pipefail
cd "$(dirname "$0")/.."
. utils/bench-lib.sh
N=${N:-5000000}
ROUNDS=${ROUNDS:-2}
PARTS=${PARTS:-"t3 t4 always"}
ALWAYS_N=${ALWAYS_N:-$((N / 20))}
if [ -z "${OURS:-}" ]; then
    make -s all
    OURS=src/valkey-server
fi
command -v redis-server >/dev/null || { echo "redis-server not installed: nothing to compare with"; exit 1; }
command -v redis-benchmark >/dev/null || { echo "redis-benchmark not installed"; exit 1; }

mkdir -p build
tmp=$(mktemp -d build/bench-aof.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
bin_of() { if [ "$1" = ours ]; then echo "$OURS"; else command -v redis-server; fi; }
start() { # name fsync -> PORT, PID
    local name=$1 fsync=$2
    PORT=$(free_port)
    rm -rf "${tmp:?}/$name"
    mkdir -p "$tmp/$name"
    "$(bin_of "$name")" --port "$PORT" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync "$fsync" \
        --auto-aof-rewrite-percentage 0 --dir "$(pwd)/$tmp/$name" >"$tmp/$name.log" 2>&1 &
    PID=$!
    pids+=("$PID")
    CLI=redis-cli wait_ping "$PORT" || { echo "server $name did not start"; cat "$tmp/$name.log"; exit 1; }
}
stop() { redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
cpu_ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
wbytes() { awk '/^write_bytes/{print $2}' "/proc/$1/io" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)
rps_of() { awk -F'"' '/"SET"/{print $4}' "$1"; }

# Sums the children's write_bytes while $PID lives: child pid -> last value.
child_sampler() {
    local parent=$1 out=$2
    declare -A seen=()
    while kill -0 "$parent" 2>/dev/null && [ ! -e "$out.stop" ]; do
        for c in $(cat "/proc/$parent/task/$parent/children" 2>/dev/null); do
            v=$(wbytes "$c"); [ -n "$v" ] && seen[$c]=$v
        done
        sleep 0.1
    done
    local sum=0
    for c in "${!seen[@]}"; do sum=$((sum + seen[$c])); done
    echo "$sum" >"$out"
}
rewrite_loop() { # keep a rewrite running until the stop file appears
    local port=$1 stopfile=$2
    while [ ! -e "$stopfile" ]; do
        if redis-cli -p "$port" info persistence 2>/dev/null | grep -q '^aof_rewrite_in_progress:0'; then
            redis-cli -p "$port" bgrewriteaof >/dev/null 2>&1 || true
        fi
        sleep 0.1
    done
}

declare -A R
run_set() { # name part -> R[name.part.*] accumulated
    local name=$1 part=$2 fsync=everysec n=$N
    [ "$part" = always ] && { fsync=always; n=$ALWAYS_N; }
    start "$name" "$fsync"
    if [ "$part" = t4 ]; then
        redis-cli -p "$PORT" debug populate 1000000 >/dev/null 2>&1 ||
            redis-benchmark -p "$PORT" -t set -n 1000000 -r 1000000 -c 50 -P 32 -q >/dev/null
        redis-cli -p "$PORT" bgrewriteaof >/dev/null
        sleep 1
    fi
    local c0 w0 stopf="$tmp/stop.$name.$part" sampler_out="$tmp/child.$name.$part" strace_out="$tmp/strace.$name"
    rm -f "$stopf" "$sampler_out" "$sampler_out.stop"
    local rl="" sp="" st=""
    if [ "$part" = t4 ]; then
        rewrite_loop "$PORT" "$stopf" & rl=$!
        child_sampler "$PID" "$sampler_out" & sp=$!
    fi
    if [ "$part" = always ] && command -v strace >/dev/null; then
        strace -f -c -e trace=fdatasync,fsync -p "$PID" -o "$strace_out" 2>/dev/null & st=$!
        sleep 0.3
    fi
    c0=$(cpu_ticks "$PID"); w0=$(wbytes "$PID")
    local t0 t1
    t0=$(date +%s.%N)
    redis-benchmark -p "$PORT" -t set -n "$n" -r 1000000 -c 50 --csv >"$tmp/out.csv" 2>/dev/null
    t1=$(date +%s.%N)
    local c1 w1
    c1=$(cpu_ticks "$PID"); w1=$(wbytes "$PID")
    local child=0
    if [ -n "$rl" ]; then
        touch "$stopf" "$sampler_out.stop"; wait "$rl" 2>/dev/null || true; wait "$sp" 2>/dev/null || true
        child=$(cat "$sampler_out" 2>/dev/null || echo 0)
    fi
    local fs=0
    if [ -n "$st" ]; then
        kill -INT "$st" 2>/dev/null || true; wait "$st" 2>/dev/null || true
        fs=$(awk '$NF=="fdatasync"||$NF=="fsync"{s+=$4} END{print s+0}' "$strace_out" 2>/dev/null || echo 0)
    fi
    stop
    local rps cpu_pm bps
    rps=$(rps_of "$tmp/out.csv")
    cpu_pm=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v n="$n" 'BEGIN{printf "%.3f", (b-a)/hz/n*1e6}')
    bps=$(awk -v a="$w0" -v b="$w1" -v c="$child" -v n="$n" 'BEGIN{printf "%.1f", (b-a+c)/n}')
    local fps
    fps=$(awk -v f="$fs" -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", f/(b-a)}')
    printf "  %-5s %-6s %10s req/s  %7s CPU s/M req  %8s bytes/SET%s\n" "$name" "$part" "$rps" "$cpu_pm" "$bps" \
        "$([ "$part" = always ] && echo "  $fps fsyncs/s")"
    R[$name.$part.rps]=$(awk -v a="${R[$name.$part.rps]:-0}" -v b="$rps" 'BEGIN{print a+b}')
    R[$name.$part.cpu]=$(awk -v a="${R[$name.$part.cpu]:-0}" -v b="$cpu_pm" 'BEGIN{print a+b}')
    R[$name.$part.bps]=$(awk -v a="${R[$name.$part.bps]:-0}" -v b="$bps" 'BEGIN{print a+b}')
}

echo "== AOF benchmark: N=$N, ROUNDS=$ROUNDS, ours=$OURS vs $(redis-server --version | awk '{print $3}')"
for part in $PARTS; do
    echo "== $part"
    for ((r = 1; r <= ROUNDS; r++)); do
        run_set ours "$part"
        run_set redis "$part"
    done
done
echo "== means and ratios (ours / redis)"
for part in $PARTS; do
    awk -v p="$part" -v r="$ROUNDS" -v or="${R[ours.$part.rps]}" -v rr="${R[redis.$part.rps]}" \
        -v oc="${R[ours.$part.cpu]}" -v rc="${R[redis.$part.cpu]}" -v ob="${R[ours.$part.bps]}" -v rb="${R[redis.$part.bps]}" \
        'BEGIN{printf "  %-6s ours %.0f req/s, %.3f CPU s/M, %.1f B/SET | redis %.0f req/s, %.3f CPU s/M, %.1f B/SET | throughput x%.2f, CPU x%.2f, bytes x%.2f\n",
               p, or/r, oc/r, ob/r, rr/r, rc/r, rb/r, (rr?or/rr:0), (rc?oc/rc:0), (rb?ob/rb:0)}'
done
if [[ " $PARTS " == *" t3 "* && " $PARTS " == *" t4 "* ]]; then
    awk -v a="${R[ours.t4.rps]}" -v b="${R[ours.t3.rps]}" 'BEGIN{printf "  ours t4/t3 throughput: %.2f\n", a/b}'
    awk -v a="${R[redis.t4.rps]}" -v b="${R[redis.t3.rps]}" 'BEGIN{printf "  redis t4/t3 throughput: %.2f\n", a/b}'
fi
