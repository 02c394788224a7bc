# shellcheck shell=bash
# callgrind-lib.sh - what utils/callgrind.sh and utils/callgrind-*.sh share,
# sourced by each (after `set -euo pipefail` and `cd` to the tree's root):
# starting a server under valgrind's callgrind, the per-request cost of
# one benchmark command, and the side-by-side table of ours and Debian's
# redis-server.  Each script keeps only what it measures: its tests, their
# valkey-benchmark arguments and the data it loads first.
#
# Per-request cost: with instrumentation off while the data loads, then for
# each test the counters are zeroed, N1 requests run and are dumped, the
# counters are zeroed again, N2 more run and are dumped; (Ir(N2) - Ir(N1))
# / (N2 - N1) is one request with connection set-up and the phase's fixed
# costs cancelled out.  One client, so how many requests one loop iteration
# serves does not depend on timing.
#
#   cg_init [callgrind_control]   checks the tools, builds when OURS is not
#                                 given; sets OURS REDIS BENCH CLI and tmp (a
#                                 directory removed at exit)
#   free_port                     a free loopback TCP port (bench-lib.sh)
#   cg_wait_ready PORT            waits up to 30 s for PING to answer there
#   cg_start BIN LABEL [VALGRIND-OPTION...]
#                                 BIN under callgrind (output $tmp/cg.LABEL,
#                                 log $tmp/log.LABEL) on a free port, once it
#                                 answers PING; sets CG_PORT CG_PID CG_OUT
#   cg_stop                       SHUTDOWN NOSAVE (again while it lives) and
#                                 wait for it
#   cg_measure BIN LABEL          cg_start with instrumentation off, the
#                                 script's `load_data PORT`, then for each
#                                 test of $TESTS a line "test instr/request"
#                                 (arguments from the script's `bench_args
#                                 TEST`, request counts from its `counts
#                                 TEST` when defined, else N1 and N2; with
#                                 CG_SEED=1 the two phases run with
#                                 valkey-benchmark --seed 1 and --seed 2, so
#                                 both servers get the same requests)
#   cg_table WIDTH [LABEL_FN]     the table of $tmp/ours.txt and
#                                 $tmp/redis.txt ("name value" lines): test,
#                                 ours, redis, ratio; "-" where redis-server
#                                 has no value.  LABEL_FN NAME prints the
#                                 name shown (default: NAME)
#   cg_compare WIDTH              cg_measure for ours and redis-server (when
#                                 installed), then cg_table WIDTH

. utils/bench-lib.sh

cg_init() { # [callgrind_control]
    command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 1; }
    if [ "${1:-}" = callgrind_control ]; then
        command -v callgrind_control >/dev/null || { echo "callgrind_control not installed"; exit 1; }
    fi
    if [ -z "${OURS:-}" ]; then
        make -s all
        OURS=src/valkey-server
    fi
    REDIS=${REDIS:-$(command -v redis-server || true)}
    BENCH=${BENCH:-src/valkey-benchmark}
    CLI=${CLI:-src/valkey-cli}
    if [ ! -x "$BENCH" ] || [ ! -x "$CLI" ]; then make -s all; fi
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
}


cg_start() { # binary label [valgrind options]
    local bin=$1 label=$2
    shift 2
    CG_PORT=$(free_port)
    CG_OUT="$tmp/cg.$label"
    valgrind --tool=callgrind "$@" --callgrind-out-file="$CG_OUT" "$bin" --port "$CG_PORT" \
        --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" >"$tmp/log.$label" 2>&1 &
    CG_PID=$!
    cg_wait_ready "$CG_PORT"
}

# Up to 30 s for a server on port to answer PING.
cg_wait_ready() { # port
    wait_ping "$1" || true
}

# Asks again while the server lives: one lost SHUTDOWN would leave the
# script waiting for it forever.
cg_stop() {
    for _ in $(seq 100); do
        "$CLI" -p "$CG_PORT" shutdown nosave >/dev/null 2>&1 || true
        # Gone, or a zombie until `wait` (kill -0 would still succeed).
        case "$(ps -o stat= -p "$CG_PID" 2>/dev/null || true)" in "" | Z*) break ;; esac
        sleep 0.2
    done
    wait "$CG_PID" 2>/dev/null || true
}

# Instructions of the part dumped last (the file callgrind just wrote).
cg_last_dump_ir() {
    local f
    f=$(ls -t "$CG_OUT".* 2>/dev/null | head -1)
    awk '/^summary:/{print $2}' "$f"
    rm -f "$f"
}

# Instructions one request costs: two dumped phases of n1 and n2 requests.
cg_request_cost() { # n1 n2 benchmark-arguments...
    local n1=$1 n2=$2 a b s1=() s2=()
    shift 2
    if [ -n "${CG_SEED:-}" ]; then s1=(--seed 1); s2=(--seed 2); fi
    callgrind_control -z "$CG_PID" >/dev/null 2>&1
    "$BENCH" -p "$CG_PORT" -c 1 -n "$n1" "${s1[@]}" -q "$@" >/dev/null 2>&1
    callgrind_control -d "$CG_PID" >/dev/null 2>&1
    a=$(cg_last_dump_ir)
    callgrind_control -z "$CG_PID" >/dev/null 2>&1
    "$BENCH" -p "$CG_PORT" -c 1 -n "$n2" "${s2[@]}" -q "$@" >/dev/null 2>&1
    callgrind_control -d "$CG_PID" >/dev/null 2>&1
    b=$(cg_last_dump_ir)
    echo $(( (b - a) / (n2 - n1) ))
}

cg_measure() { # binary label
    local t n1 n2
    cg_start "$1" "$2" --instr-atstart=no
    load_data "$CG_PORT"
    callgrind_control -i on "$CG_PID" >/dev/null 2>&1
    for t in ${TESTS//,/ }; do
        n1=${N1:-} n2=${N2:-}
        if declare -F counts >/dev/null; then read -r n1 n2 <<<"$(counts "$t")"; fi
        # shellcheck disable=SC2046
        echo "$t $(cg_request_cost "$n1" "$n2" $(bench_args "$t"))"
    done
    cg_stop
}

cg_table() { # width [label_fn]
    local w=$1 label_fn=${2:-echo} t o r
    printf "%-${w}s %12s %12s %8s\n" test ours redis ratio
    while read -r t o; do
        r=$(awk -v t="$t" '$1 == t {print $2}' "$tmp/redis.txt" 2>/dev/null || true)
        if [ -n "$r" ]; then
            printf "%-${w}s %12s %12s %8s\n" "$($label_fn "$t")" "$o" "$r" "$(awk -v a="$o" -v b="$r" 'BEGIN{printf "%.2f", a/b}')"
        else
            printf "%-${w}s %12s %12s %8s\n" "$($label_fn "$t")" "$o" "-" "-"
        fi
    done <"$tmp/ours.txt"
}

cg_compare() { # width
    cg_measure "$OURS" ours >"$tmp/ours.txt"
    if [ -n "$REDIS" ]; then cg_measure "$REDIS" redis >"$tmp/redis.txt"; fi
    cg_table "$1"
}
