#!/usr/bin/env bash
# bench-pubsub.sh - pub/sub and transaction cost, ours and Debian's
# redis-server side by side (a measurement, not a test):
#
#   channel   PUBLISH bench.ch <32 bytes> with 100 clients subscribed to
#             bench.ch;
#   pattern   PUBLISH bench.p.x <32 bytes> with 100 clients subscribed to
#             the pattern bench.p.*;
#   multi     MULTI / SET bench:k <3 bytes> / EXEC, pipelined by one client.
#
# For each it prints the server's instructions per delivered message (per
# transaction for multi), counted with valgrind's callgrind as in
# utils/callgrind.sh: the server runs with instrumentation off until the
# subscribers are connected, then the counters are zeroed, N1 publishes
# run, the subscribers are waited for until they got every message, the
# counts are dumped; again with N2: (Ir(N2) - Ir(N1)) / (N2 - N1) is the
# cost of one PUBLISH (connection set-up and fixed costs cancelled), and
# divided by the 100 receivers, of one delivered message.  Then, without
# valgrind, messages delivered per second in one run: PUBLISHes from
# valkey-benchmark (one client, pipeline 16) until every subscriber has
# read every message, from the first PUBLISH sent to the last byte read
# (the median of RATE_RUNS runs).
#
# The 100 subscribers are one python3 process (no client library needed)
# that reads and throws away what arrives; the pubsub output-buffer limit
# is off in both servers so a subscriber that falls behind is not cut.
#
#   utils/bench-pubsub.sh
#   TESTS=channel,pattern N1=500 N2=1500 SUBS=100 utils/bench-pubsub.sh
#   RATE_N=50000 RATE_RUNS=9 utils/bench-pubsub.sh   (publishes per rate run, runs)
#   CALLGRIND=0 utils/bench-pubsub.sh           (only the rate run)
set -euo pipefail
cd "$(dirname "$0")/.."
. utils/bench-lib.sh
TESTS=${TESTS:-channel,pattern,multi}
N1=${N1:-1000}
N2=${N2:-3000}
SUBS=${SUBS:-100}
RATE_N=${RATE_N:-20000}
RATE_RUNS=${RATE_RUNS:-5}
CALLGRIND=${CALLGRIND:-1}
MSG=${MSG:-abcdefghijklmnopqrstuvwxyz012345}
if [ -z "${OURS:-}" ]; then
    make -s all
    OURS=src/valkey-server
fi
REDIS=${REDIS:-$(command -v redis-server || true)}
BENCH=${BENCH:-src/valkey-benchmark}
CLI=${CLI:-src/valkey-cli}
command -v python3 >/dev/null || { echo "python3 not installed"; exit 1; }
if [ "$CALLGRIND" = 1 ]; then
    command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 1; }
    command -v callgrind_control >/dev/null || { echo "callgrind_control not installed"; exit 1; }
fi
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

# The subscribers: SUBS connections, each (P)SUBSCRIBEd; they write the
# number of messages read so far (all connections together) to a file.
cat >"$tmp/drain.py" <<'EOF'
import selectors, socket, sys, time
host, port, kind, name, n, status = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
channel, msg = sys.argv[7], sys.argv[8]
def bulk(s):
    return b"$%d\r\n%s\r\n" % (len(s), s.encode())
if kind == "subscribe":
    one = b"*3\r\n" + bulk("message") + bulk(channel) + bulk(msg)
else:
    one = b"*4\r\n" + bulk("pmessage") + bulk(name) + bulk(channel) + bulk(msg)
sel = selectors.DefaultSelector()
socks = []
for i in range(n):
    s = socket.create_connection((host, port))
    cmd = b"*2\r\n" + bulk(kind) + bulk(name)
    s.sendall(cmd)
    buf = b""
    while buf.count(b"\r\n") < 6:
        buf += s.recv(4096)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    socks.append(s)
total = 0
last = 0.0
def report():
    with open(status + ".tmp", "w") as f:
        f.write("%d\n" % (total // len(one)))
    import os
    os.replace(status + ".tmp", status)
report()
while True:
    for key, _ in sel.select(0.05):
        d = key.fileobj.recv(1 << 20)
        if not d:
            sys.exit(0)
        total += len(d)
    now = time.monotonic()
    if now - last > 0.02:
        report()
        last = now
EOF

# Waits until the subscribers have read at least $2 messages.
wait_messages() { # statusfile count
    for _ in $(seq 60000); do
        if [ -s "$1" ] && [ "$(cat "$1")" -ge "$2" ]; then return 0; fi
        sleep 0.01
    done
    echo "subscribers got $(cat "$1") of $2 messages" >&2
    return 1
}

# Starts the subscribers of a test; sets drain_pid and statusfile.
start_subscribers() { # port test
    local kind name
    statusfile="$tmp/status.$2.$1"
    rm -f "$statusfile"
    if [ "$2" = channel ]; then kind=subscribe; name=bench.ch; else kind=psubscribe; name='bench.p.*'; fi
    python3 "$tmp/drain.py" 127.0.0.1 "$1" "$kind" "$name" "$SUBS" "$statusfile" "$(channel_of "$2")" "$MSG" &
    drain_pid=$!
    pids+=("$drain_pid")
    wait_messages "$statusfile" 0
}

channel_of() { if [ "$1" = channel ]; then echo bench.ch; else echo bench.p.x; fi; }

# A file of n pipelined MULTI / SET / EXEC transactions.
multi_file() { # n file
    awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$7\r\nbench:k\r\n$3\r\nxyz\r\n*1\r\n$4\r\nEXEC\r\n" }' >"$2"
}

start_server() { # binary port [valgrind-out]
    local args=(--port "$2" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp"
        --client-output-buffer-limit "pubsub 0 0 0")
    if [ -n "${3:-}" ]; then
        valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$3" "$1" "${args[@]}" >"$tmp/log.$2" 2>&1 &
    else
        "$1" "${args[@]}" >"$tmp/log.$2" 2>&1 &
    fi
    server_pid=$!
    pids+=("$server_pid")
    wait_ping "$2" || { echo "server $1 did not start"; cat "$tmp/log.$2"; exit 1; }
}

stop_server() { # port
    "$CLI" -p "$1" shutdown nosave >/dev/null 2>&1 || true
    wait "$server_pid" 2>/dev/null || true
}

last_dump_ir() {
    local f
    f=$(ls -t "$1".* 2>/dev/null | head -1)
    awk '/^summary:/{print $2}' "$f"
    rm -f "$f"
}

# Instructions of one run of n requests of a test (counters zeroed first).
run_counted() { # port test n vpid out already
    callgrind_control -z "$4" >/dev/null 2>&1
    if [ "$2" = multi ]; then
        multi_file "$3" "$tmp/multi.resp"
        "$CLI" -p "$1" --pipe <"$tmp/multi.resp" >/dev/null 2>&1
    else
        "$BENCH" -p "$1" -c 1 -n "$3" -q PUBLISH "$(channel_of "$2")" "$MSG" >/dev/null 2>&1
        wait_messages "$statusfile" $(( ($6 + $3) * SUBS ))
    fi
    callgrind_control -d "$4" >/dev/null 2>&1
    last_dump_ir "$5"
}

# Per-message (per-transaction) instructions of each test, one server.
measure_ir() { # binary label
    local port out a b t per
    for t in ${TESTS//,/ }; do
        port=$(free_port)
        out="$tmp/cg.$2.$t"
        start_server "$1" "$port" "$out"
        local vpid=$server_pid
        if [ "$t" != multi ]; then start_subscribers "$port" "$t"; fi
        callgrind_control -i on "$vpid" >/dev/null 2>&1
        a=$(run_counted "$port" "$t" "$N1" "$vpid" "$out" 0)
        b=$(run_counted "$port" "$t" "$N2" "$vpid" "$out" "$N1")
        per=$(( (b - a) / (N2 - N1) ))
        if [ "$t" != multi ]; then
            echo "$t $(( per / SUBS ))"
            kill "$drain_pid" 2>/dev/null || true
        else
            echo "$t $per"
        fi
        stop_server "$port"
    done
}

# Messages delivered per second, one server: the median of RATE_RUNS runs
# (the machine's other work moves a single run a lot).
measure_rate() { # binary
    local port t t0 t1 run rates
    for t in channel pattern; do
        case ",$TESTS," in *",$t,"*) ;; *) continue ;; esac
        rates=()
        for run in $(seq "$RATE_RUNS"); do
            port=$(free_port)
            start_server "$1" "$port"
            start_subscribers "$port" "$t"
            t0=$(date +%s.%N)
            "$BENCH" -p "$port" -c 1 -P 16 -n "$RATE_N" -q PUBLISH "$(channel_of "$t")" "$MSG" >/dev/null 2>&1
            wait_messages "$statusfile" $(( RATE_N * SUBS ))
            t1=$(date +%s.%N)
            rates+=("$(awk -v n=$((RATE_N * SUBS)) -v a="$t0" -v b="$t1" 'BEGIN{printf "%d", n / (b - a)}')")
            kill "$drain_pid" 2>/dev/null || true
            stop_server "$port"
        done
        echo "$t $(printf '%s\n' "${rates[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')"
    done
}

table() { # title unit ours-file redis-file
    echo "$1"
    printf "%-10s %14s %14s %8s\n" test ours redis ratio
    while read -r t o; do
        r=$(awk -v t="$t" '$1 == t {print $2}' "$4" 2>/dev/null || true)
        if [ -n "$r" ] && [ "$r" != 0 ]; then
            printf "%-10s %14s %14s %8s\n" "$t" "$o" "$r" "$(awk -v a="$o" -v b="$r" 'BEGIN{printf "%.2f", a/b}')"
        else
            printf "%-10s %14s %14s %8s\n" "$t" "$o" "-" "-"
        fi
    done <"$3"
}

touch "$tmp/redis.ir" "$tmp/redis.rate"
if [ "$CALLGRIND" = 1 ]; then
    measure_ir "$OURS" ours >"$tmp/ours.ir"
    if [ -n "$REDIS" ]; then measure_ir "$REDIS" redis >"$tmp/redis.ir"; fi
    table "instructions per delivered message (channel, pattern; $SUBS subscribers) / per transaction (multi)" \
        ir "$tmp/ours.ir" "$tmp/redis.ir"
    echo
fi
measure_rate "$OURS" >"$tmp/ours.rate"
if [ -n "$REDIS" ]; then measure_rate "$REDIS" >"$tmp/redis.rate"; fi
table "messages delivered per second ($SUBS subscribers, $RATE_N publishes, one publisher, pipeline 16; median of $RATE_RUNS)" \
    rate "$tmp/ours.rate" "$tmp/redis.rate"
