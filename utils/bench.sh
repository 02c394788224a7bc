#!/usr/bin/env bash
# bench.sh - our server side by side with Debian's redis-server, in one run.
#
# Throughput: redis-benchmark -t set,get -r 1000000 -n $N, without
# pipelining and with -P 8, alternating ours / redis (A B A B) so drift in
# the machine's load hits both; for each: requests/s and server CPU seconds
# per million requests (from /proc/<pid>/stat), then the ratios.
# Memory: idle RSS right after start, then 1,000,000 keys "key:%012d" with
# a 3-byte value loaded through redis-cli --pipe; used_memory and RSS;
# then the data types' datasets (utils/bench-datasets.sh) and the client
# figures (utils/bench-clients.sh).  DATASETS_PART=0 / CLIENTS_PART=0 skip
# those.
# Connections (utils/bench-clients.sh, last): RSS per idle client (3,000
# connections that sent one PING) and the worst PING round trip while
# 2,000 clients each send a byte a second, both side by side with redis.
#
#   utils/bench.sh                 N=5000000 requests per test (the issue's figure)
#   N=500000 ROUNDS=1 utils/bench.sh   a quicker look
#   CLIENTS_PART=0 utils/bench.sh      without the connections part
# Both servers run with no persistence, on loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-5000000}
ROUNDS=${ROUNDS:-2}
CLIENTS=${CLIENTS:-50}
utils/install-deps.sh bench >/dev/null
if [ -z "${OURS:-}" ]; then
    # Measure the default build: src/valkey-server may be a sanitizer or
    # cross build left by an earlier make.
    make -s all
    OURS=src/valkey-server
fi
command -v redis-server >/dev/null || { echo "redis-server not installed: nothing to compare with"; exit 1; }

tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
free_port() {
    echo 'set s [socket -server none -myaddr 127.0.0.1 0]; puts [lindex [fconfigure $s -sockname] 2]; close $s' | tclsh
}
start() { # name binary -> sets PORT_<name>, PID_<name>
    local name=$1 bin=$2 port
    port=$(free_port)
    mkdir -p "$tmp/$name"
    "$bin" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp/$name" >"$tmp/$name/log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
    eval "PORT_$name=$port PID_$name=$pid"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }

start ours "$OURS"
start redis "$(command -v redis-server)"
sleep 0.5
echo "== idle RSS after start"
printf "  ours: %s kB   redis: %s kB\n" "$(rss_kb "$PID_ours")" "$(rss_kb "$PID_redis")"

hz=$(getconf CLK_TCK)
declare -A rps cpu
for mode in "nopipe" "P8"; do
    pflag=""
    [ "$mode" = P8 ] && pflag="-P 8"
    for test in set get; do
        for who in ours redis; do rps[$who]=0; cpu[$who]=0; done
        for round in $(seq "$ROUNDS"); do
            for who in ours redis; do
                port_var=PORT_$who pid_var=PID_$who
                before=$(cpu_ticks "${!pid_var}")
                # shellcheck disable=SC2086
                r=$(redis-benchmark -p "${!port_var}" -t "$test" -r 1000000 -n "$N" -c "$CLIENTS" $pflag --csv 2>/dev/null |
                    awk -F, 'NR==2{gsub(/"/,"",$2); print $2}')
                after=$(cpu_ticks "${!pid_var}")
                rps[$who]=$(echo "${rps[$who]} + $r / $ROUNDS" | bc -l)
                cpu[$who]=$(echo "${cpu[$who]} + ($after - $before) / $hz / ($N / 1000000) / $ROUNDS" | bc -l)
            done
        done
        printf "== %-3s %-6s ours %10.0f req/s %6.3f cpu-s/Mreq | redis %10.0f req/s %6.3f cpu-s/Mreq | throughput ratio %.2f, cpu ratio %.2f\n" \
            "$test" "$mode" "${rps[ours]}" "${cpu[ours]}" "${rps[redis]}" "${cpu[redis]}" \
            "$(echo "${rps[ours]} / ${rps[redis]}" | bc -l)" "$(echo "${cpu[ours]} / ${cpu[redis]}" | bc -l)"
    done
done

echo "== memory for 1,000,000 keys key:%012d with a 3-byte value"
awk 'BEGIN { for (i = 0; i < 1000000; i++) { k = sprintf("key:%012d", i);
     printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$3\r\nval\r\n", length(k), k } }' >"$tmp/load.resp"
declare -A used rss
for who in ours redis; do
    port_var=PORT_$who pid_var=PID_$who
    redis-cli -p "${!port_var}" flushall >/dev/null
    redis-cli -p "${!port_var}" --pipe <"$tmp/load.resp" >/dev/null
    used[$who]=$(redis-cli -p "${!port_var}" info memory | awk -F: '/^used_memory:/{print $2+0}')
    rss[$who]=$(( $(rss_kb "${!pid_var}") * 1024 ))
    keys=$(redis-cli -p "${!port_var}" dbsize)
    printf "  %-5s keys=%s used_memory=%s (%.1f MiB) rss=%s (%.1f MiB)\n" "$who" "$keys" "${used[$who]}" \
        "$(echo "${used[$who]} / 1048576" | bc -l)" "${rss[$who]}" "$(echo "${rss[$who]} / 1048576" | bc -l)"
done
printf "  used_memory ratio %.2f, rss ratio %.2f\n" "$(echo "${used[ours]} / ${used[redis]}" | bc -l)" \
    "$(echo "${rss[ours]} / ${rss[redis]}" | bc -l)"

if [ "${DATASETS_PART:-1}" != 0 ]; then
    echo "== used_memory of the data types' datasets (utils/bench-datasets.sh)"
    OURS="$OURS" utils/bench-datasets.sh
fi

if [ "${CLIENTS_PART:-1}" != 0 ]; then
    # Its own servers, so the connections do not share a process with the
    # million keys above.
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    OURS="$OURS" utils/bench-clients.sh
fi
