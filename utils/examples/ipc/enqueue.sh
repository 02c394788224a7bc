#!/bin/sh
# enqueue.sh - adds jobs to the work queue QUEUE (a list) over the
# server's Unix socket: its arguments, or else one job per line of its
# standard input.  Workers (worker.sh) take them in order, each job by
# exactly one worker.
#
#   SOCK=/tmp/valkey.sock utils/examples/ipc/enqueue.sh resize:photo1.jpg resize:photo2.jpg
#   ls *.jpg | sed 's/^/resize:/' | SOCK=/tmp/valkey.sock utils/examples/ipc/enqueue.sh
#
# Settings (environment): SOCK, QUEUE (jobs), VALKEY_CLI (valkey-cli).
SOCK=${SOCK:-/tmp/valkey.sock}
QUEUE=${QUEUE:-jobs}
CLI=${VALKEY_CLI:-valkey-cli}

cli() { "$CLI" -s "$SOCK" "$@"; }

if [ $# -gt 0 ]; then
    for job in "$@"; do
        len=$(cli RPUSH "$QUEUE" "$job") || exit 1
        echo "queued $job ($len waiting)"
    done
else
    # (A last line without its newline is a job too.)
    while IFS= read -r job || [ -n "$job" ]; do
        len=$(cli RPUSH "$QUEUE" "$job") || exit 1
        echo "queued $job ($len waiting)"
    done
fi
