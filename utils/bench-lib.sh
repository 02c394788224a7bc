# shellcheck shell=bash
# bench-lib.sh - what the benchmark scripts in utils/ share, sourced by
# each (after `set -euo pipefail` and `cd` to the tree's root), and by
# utils/callgrind-lib.sh:
#
#   free_port        a free loopback TCP port
#   wait_ping PORT   waits up to 30 s for PING to answer on PORT; returns 1
#                    if it never does (the caller says what failed)
#
# Servers under test bind 127.0.0.1 only.

free_port() {
    echo 'set s [socket -server none -myaddr 127.0.0.1 0]; puts [lindex [fconfigure $s -sockname] 2]; close $s' | tclsh
}

wait_ping() { # port
    local i
    for i in $(seq 600); do
        if "${CLI:-src/valkey-cli}" -p "$1" ping 2>/dev/null | grep -q PONG; then return 0; fi
        sleep 0.05
    done
    return 1
}
