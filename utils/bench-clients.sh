#!/usr/bin/env bash
# bench-clients.sh - what many connections cost: our server side by side
# with Debian's redis-server, in one run.
#
# Idle clients: IDLE_CLIENTS (3000) connections, each sends one PING and
# reads the reply, then stays open doing nothing.  The figure is the
# server's RSS growth divided by the number of connections (bytes per
# idle client), read IDLE_WAIT seconds after the last reply, and again
# after IDLE_SETTLE more seconds (once the server had time to give back
# what idle clients no longer need).
#
# Tail latency: SLOW_CLIENTS (2000) connections each send one byte a
# second (the bytes of "PING\r\n", so each completes a command every six
# seconds and reads its reply), spread evenly over each second, for
# SLOW_SECONDS (20).  Meanwhile a separate probe process sends a PING
# every 5 ms on its own connection and times the round trip, from a
# second before the slow clients connect until after they all hang up at
# once; the figures are the probe's median, 99th percentile and worst
# round trip, and when (seconds into the probe) the worst one was.  The
# two servers take turns TAIL_ROUNDS (3) times; a worst case is one
# sample, and other work on the machine can make one run's worst, so the
# last line gives the median of each server's worst cases.
#
#   utils/bench-clients.sh                   both parts
#   PARTS=idle utils/bench-clients.sh        only the idle-client figure
#   PARTS=tail SLOW_SECONDS=60 utils/bench-clients.sh
#   OURS=/path/to/valkey-server utils/bench-clients.sh   (e.g. an older build)
# Both servers run with no persistence, on loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. utils/bench-lib.sh
PARTS=${PARTS:-idle,tail}
IDLE_CLIENTS=${IDLE_CLIENTS:-3000}
IDLE_WAIT=${IDLE_WAIT:-1}
IDLE_SETTLE=${IDLE_SETTLE:-6}
SLOW_CLIENTS=${SLOW_CLIENTS:-2000}
SLOW_SECONDS=${SLOW_SECONDS:-20}
TAIL_ROUNDS=${TAIL_ROUNDS:-3}
if [ -z "${OURS:-}" ]; then
    make -s all
    OURS=src/valkey-server
fi
REDIS=${REDIS:-$(command -v redis-server || true)}
command -v python3 >/dev/null || { echo "python3 not installed"; exit 1; }
need=$((IDLE_CLIENTS > SLOW_CLIENTS ? IDLE_CLIENTS : SLOW_CLIENTS))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((need + 100)) ]; then
    ulimit -n $((need + 100)) 2>/dev/null || { echo "ulimit -n is below $((need + 100)): raise it first"; exit 1; }
fi

tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
start() { # name binary -> sets PORT_<name>, PID_<name>
    local name=$1 bin=$2 port
    port=$(free_port)
    mkdir -p "$tmp/$name"
    "$bin" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --maxclients $((need + 1000)) \
        --dir "$tmp/$name" >"$tmp/$name/log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 100); do
        python3 - "$port" <<'EOF' 2>/dev/null && break
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
s.sendall(b"PING\r\n")
assert s.recv(64).startswith(b"+PONG")
EOF
        sleep 0.05
    done
    eval "PORT_$name=$port PID_$name=$pid"
}

# ---------------------------------------------------------------- idle
cat >"$tmp/idle.py" <<'EOF'
import socket, sys, time
port, pid, n, wait, settle = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
def rss():
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
time.sleep(0.5)
before = rss()
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"*1\r\n$4\r\nPING\r\n")
    socks.append(s)
for s in socks:
    got = b""
    while not got.endswith(b"\r\n"):
        got += s.recv(64)
    assert got == b"+PONG\r\n", got
time.sleep(wait)
after = rss()
time.sleep(settle)
settled = rss()
print("%d %d %d" % (before, after, settled))
for s in socks:
    s.close()
EOF

idle_run() { # name
    local port_var=PORT_$1 pid_var=PID_$1
    python3 "$tmp/idle.py" "${!port_var}" "${!pid_var}" "$IDLE_CLIENTS" "$IDLE_WAIT" "$IDLE_SETTLE"
}

# ---------------------------------------------------------------- tail
cat >"$tmp/slow.py" <<'EOF'
import selectors, socket, sys, time
port, n, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
msg = b"PING\r\n"
sel = selectors.DefaultSelector()
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    socks.append(s)
print("ready", flush=True)
start = time.monotonic()
sent = 0
while True:
    now = time.monotonic() - start
    if now >= seconds:
        break
    # Client i sends its next byte at i/n past each whole second.
    due = int(now * n)
    while sent < due:
        i = sent % n
        k = sent // n
        socks[i].send(msg[k % len(msg):k % len(msg) + 1])
        sent += 1
    for key, _ in sel.select(timeout=0.5 / n):
        try:
            key.fileobj.recv(4096)
        except BlockingIOError:
            pass
EOF
cat >"$tmp/probe.py" <<'EOF'
import socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
lat = []
start = time.monotonic()
end = start + seconds
worst_at = 0.0
while time.monotonic() < end:
    t0 = time.perf_counter()
    s.sendall(b"PING\r\n")
    got = b""
    while not got.endswith(b"\r\n"):
        got += s.recv(64)
    ms = (time.perf_counter() - t0) * 1000
    if not lat or ms > max(lat):
        worst_at = time.monotonic() - start
    lat.append(ms)
    time.sleep(0.005)
lat.sort()
print("%.3f %.3f %.3f %d %.1f" % (lat[len(lat) // 2], lat[int(len(lat) * 0.99)], lat[-1], len(lat), worst_at))
EOF

tail_run() { # name
    local port_var=PORT_$1
    local port=${!port_var}
    # The probe runs from before the slow clients connect until after
    # they are gone: the connection storm is part of what it measures.
    python3 "$tmp/probe.py" "$port" "$((SLOW_SECONDS + 2))" >"$tmp/probe.out" &
    local probe=$!
    sleep 1
    python3 "$tmp/slow.py" "$port" "$SLOW_CLIENTS" "$SLOW_SECONDS" >/dev/null
    wait "$probe"
    cat "$tmp/probe.out"
}

start ours "$OURS"
[ -n "$REDIS" ] && start redis "$REDIS"
whos="ours"
[ -n "$REDIS" ] && whos="ours redis"

if [[ ",$PARTS," == *,idle,* ]]; then
    echo "== idle clients: $IDLE_CLIENTS connections, each sent one PING (RSS growth per connection)"
    for who in $whos; do
        read -r before after settled < <(idle_run "$who")
        printf "  %-5s %6d bytes/client after %ss, %6d bytes/client after %ss more (rss %d -> %d -> %d kB)\n" "$who" \
            $(((after - before) / IDLE_CLIENTS)) "$IDLE_WAIT" $(((settled - before) / IDLE_CLIENTS)) "$IDLE_SETTLE" \
            $((before / 1024)) $((after / 1024)) $((settled / 1024))
    done
fi
if [[ ",$PARTS," == *,tail,* ]]; then
    echo "== tail latency: $SLOW_CLIENTS clients each sending one byte a second, PING probe every 5 ms for ${SLOW_SECONDS}s"
    declare -A worsts
    for round in $(seq "$TAIL_ROUNDS"); do
        for who in $whos; do
            read -r med p99 worst count at < <(tail_run "$who")
            printf "  %-5s median %7.3f ms   p99 %7.3f ms   worst %8.3f ms at %5.1fs   (%d probes)\n" "$who" "$med" \
                "$p99" "$worst" "$at" "$count"
            worsts[$who]="${worsts[$who]:-} $worst"
        done
    done
    line="  median of the worst cases:"
    for who in $whos; do
        m=$(echo "${worsts[$who]}" | tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
        line="$line $who $m ms"
    done
    echo "$line"
fi
