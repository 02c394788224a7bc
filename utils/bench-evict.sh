#!/usr/bin/env bash
# bench-evict.sh - a server as a cache at its memory limit: ours side by
# side with Debian's redis-server 7.0, both with maxmemory MAXMEMORY (64mb)
# and maxmemory-policy POLICY (allkeys-lru), no persistence, loopback.
#
# 1. Throughput while evicting: the limit is filled first (SET with -r
#    10000000), then `valkey-benchmark -t set -r 10000000 -n N -c 50` is
#    timed, the two servers taking turns ROUNDS times; requests/s of each
#    round, the median, the ratio ours/redis, and the keys each evicted.
# 2. Instructions per request while evicting, with callgrind as
#    utils/callgrind.sh measures them: the limit is filled with
#    instrumentation off, then (Ir(N2) - Ir(N1)) / (N2 - N1) for SET
#    -r 10000000 from one client.
# 3. Hit ratio of a skewed cache workload: a seeded sequence of GETs where
#    HOT_PCT% go to HOT_KEYS hot keys and the rest spread over UNIVERSE
#    keys (far more than fit); each miss is followed by a SET of the key
#    (cache-aside), values of VALUE_SIZE (100) bytes: with the defaults
#    (80% of REQUESTS on 200000 hot keys) the hot keys take about half
#    the limit and the cold traffic more than the rest.  The same
#    seeded sequences go to both servers; the figure is keyspace_hits /
#    (hits + misses) of a second pass (another seed) after a warm-up one,
#    as INFO counts them.
#
#   utils/bench-evict.sh                    all three parts
#   PARTS=tput,hits utils/bench-evict.sh    (parts: tput, cg, hits)
#   OURS=/path/to/valkey-server utils/bench-evict.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. utils/bench-lib.sh
PARTS=${PARTS:-tput,cg,hits}
MAXMEMORY=${MAXMEMORY:-64mb}
POLICY=${POLICY:-allkeys-lru}
N=${N:-1000000}
ROUNDS=${ROUNDS:-3}
N1=${N1:-20000}
N2=${N2:-60000}
REQUESTS=${REQUESTS:-1000000}
UNIVERSE=${UNIVERSE:-2000000}
HOT_KEYS=${HOT_KEYS:-200000}
HOT_PCT=${HOT_PCT:-80}
VALUE_SIZE=${VALUE_SIZE:-100}
if [ -z "${OURS:-}" ]; then
    make -s all
    OURS=src/valkey-server
fi
REDIS=${REDIS:-$(command -v redis-server || true)}
BENCH=${BENCH:-src/valkey-benchmark}
CLI=${CLI:-src/valkey-cli}
command -v python3 >/dev/null || { echo "python3 not installed"; exit 1; }

tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
wait_ready() { # port
    wait_ping "$1" || { echo "server on port $1 did not start"; exit 1; }
}
start() { # binary -> PORT, PID
    PORT=$(free_port)
    mkdir -p "$tmp/$PORT"
    "$1" --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp/$PORT" \
        --maxmemory "$MAXMEMORY" --maxmemory-policy "$POLICY" >"$tmp/$PORT/log" 2>&1 &
    PID=$!
    pids+=("$PID")
    wait_ready "$PORT"
}
stop() { # port pid
    "$CLI" -p "$1" shutdown nosave >/dev/null 2>&1 || true
    wait "$2" 2>/dev/null || true
}
info_field() { # port field
    "$CLI" -p "$1" info all | awk -F: -v f="$2" '$1 == f {gsub("\r", "", $2); print $2}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

servers=(ours)
[ -n "$REDIS" ] && servers+=(redis)
bin_of() { if [ "$1" = ours ]; then echo "$OURS"; else echo "$REDIS"; fi; }

# ------------------------------------------------------------ throughput
if [[ ,$PARTS, == *,tput,* ]]; then
    echo "== SET -r 10000000 -n $N -c 50 with maxmemory $MAXMEMORY $POLICY (requests/s)"
    declare -A port pid
    for s in "${servers[@]}"; do
        start "$(bin_of "$s")"
        port[$s]=$PORT pid[$s]=$PID
        # Fill to the limit first, so every measured SET evicts.
        "$BENCH" -p "$PORT" -c 50 -P 16 -n 2000000 -r 10000000 -t set -q >/dev/null 2>&1
    done
    for s in "${servers[@]}"; do echo -n >"$tmp/tput.$s"; done
    for r in $(seq "$ROUNDS"); do
        for s in "${servers[@]}"; do
            rps=$("$BENCH" -p "${port[$s]}" -c 50 -n "$N" -r 10000000 -t set --csv 2>/dev/null |
                awk -F, '/"SET"/ {gsub("\"", "", $2); print $2}')
            echo "$rps" >>"$tmp/tput.$s"
            echo "round $r $s: $rps"
        done
    done
    for s in "${servers[@]}"; do
        m=$(median <"$tmp/tput.$s")
        echo "$m" >"$tmp/tput_median.$s"
        echo "$s: median $m requests/s, used_memory $(info_field "${port[$s]}" used_memory)," \
            "evicted_keys $(info_field "${port[$s]}" evicted_keys), keys $("$CLI" -p "${port[$s]}" dbsize)"
        stop "${port[$s]}" "${pid[$s]}"
    done
    if [ -n "$REDIS" ]; then
        echo "throughput ratio ours/redis: $(ratio "$(cat "$tmp/tput_median.ours")" "$(cat "$tmp/tput_median.redis")")"
    fi
fi

# -------------------------------------------------------------- callgrind
if [[ ,$PARTS, == *,cg,* ]]; then
    command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 1; }
    echo "== instructions per SET -r 10000000 while evicting (callgrind, $N1 and $N2 requests)"
    cg_cost() { # binary
        local p cgpid out a b
        p=$(free_port)
        out="$tmp/cg.$p"
        valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" "$1" --port "$p" \
            --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" --maxmemory "$MAXMEMORY" \
            --maxmemory-policy "$POLICY" >"$tmp/cglog.$p" 2>&1 &
        cgpid=$!
        pids+=("$cgpid")
        wait_ready "$p"
        "$BENCH" -p "$p" -c 20 -P 32 -n 1500000 -r 10000000 -t set -q >/dev/null 2>&1
        callgrind_control -i on "$cgpid" >/dev/null 2>&1
        last() { local f; f=$(ls -t "$out".* | head -1); awk '/^summary:/{print $2}' "$f"; rm -f "$f"; }
        callgrind_control -z "$cgpid" >/dev/null 2>&1
        "$BENCH" -p "$p" -c 1 -n "$N1" -r 10000000 -t set -q >/dev/null 2>&1
        callgrind_control -d "$cgpid" >/dev/null 2>&1
        a=$(last)
        callgrind_control -z "$cgpid" >/dev/null 2>&1
        "$BENCH" -p "$p" -c 1 -n "$N2" -r 10000000 -t set -q >/dev/null 2>&1
        callgrind_control -d "$cgpid" >/dev/null 2>&1
        b=$(last)
        echo "$(basename "$1"): evicted_keys $(info_field "$p" evicted_keys) after the fill and both phases" >&2
        stop "$p" "$cgpid"
        echo $(((b - a) / (N2 - N1)))
    }
    o=$(cg_cost "$OURS")
    echo "ours:  $o instructions/request"
    if [ -n "$REDIS" ]; then
        r=$(cg_cost "$REDIS")
        echo "redis: $r instructions/request"
        echo "instructions ratio ours/redis: $(ratio "$o" "$r")"
    fi
fi

# ---------------------------------------------------------------- hit ratio
if [[ ,$PARTS, == *,hits,* ]]; then
    echo "== skewed cache workload: $REQUESTS GETs, $HOT_PCT% on $HOT_KEYS hot keys of $UNIVERSE," \
        "SET on miss, values of $VALUE_SIZE bytes"
    cat >"$tmp/skew.py" <<'EOF'
import random, socket, sys
port, requests, universe, hot, hot_pct, vsize, seed = (int(a) for a in sys.argv[1:8])
rng = random.Random(seed)
value = b"v" * vsize
sock = socket.create_connection(("127.0.0.1", port))
rfile = sock.makefile("rb")
def cmd(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)
def read_reply():
    line = rfile.readline()
    if line[:1] == b"$":
        n = int(line[1:-2])
        if n >= 0:
            rfile.read(n + 2)
            return True
        return False
    if line[:1] == b"-":
        raise SystemExit("error reply: %r" % line)
    return None
batch = 200
done = 0
while done < requests:
    n = min(batch, requests - done)
    keys = []
    for _ in range(n):
        if rng.randrange(100) < hot_pct:
            k = rng.randrange(hot)
        else:
            k = hot + rng.randrange(universe - hot)
        keys.append(b"key:%d" % k)
    sock.sendall(b"".join(cmd(b"GET", k) for k in keys))
    misses = [k for k in keys if not read_reply()]
    if misses:
        sock.sendall(b"".join(cmd(b"SET", k, value) for k in misses))
        for _ in misses:
            read_reply()
    done += n
EOF
    declare -A hr
    for s in "${servers[@]}"; do
        start "$(bin_of "$s")"
        # A warm-up pass, then the measured pass (another seed) from fresh
        # counters.
        python3 "$tmp/skew.py" "$PORT" "$REQUESTS" "$UNIVERSE" "$HOT_KEYS" "$HOT_PCT" "$VALUE_SIZE" 1
        "$CLI" -p "$PORT" config resetstat >/dev/null
        python3 "$tmp/skew.py" "$PORT" "$REQUESTS" "$UNIVERSE" "$HOT_KEYS" "$HOT_PCT" "$VALUE_SIZE" 2
        h=$(info_field "$PORT" keyspace_hits)
        m=$(info_field "$PORT" keyspace_misses)
        hr[$s]=$(awk -v h="$h" -v m="$m" 'BEGIN { printf "%.4f", h / (h + m) }')
        echo "$s: hits $h misses $m hit ratio ${hr[$s]}, used_memory $(info_field "$PORT" used_memory)," \
            "evicted_keys $(info_field "$PORT" evicted_keys), keys $("$CLI" -p "$PORT" dbsize)"
        stop "$PORT" "$PID"
    done
    if [ -n "$REDIS" ]; then echo "hit ratio ours/redis: $(ratio "${hr[ours]}" "${hr[redis]}")"; fi
fi
