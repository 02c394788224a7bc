#!/bin/sh
# worker.sh - one worker of the work-queue example: waits on the list
# QUEUE with BLPOP over the server's Unix socket (no polling: the server
# hands each job to exactly one waiting worker, the longest waiting first)
# and handles it, here by printing "<name> <job>" (put your own work in
# `handle`).  Start as many as you like.  A job taken by a worker that
# then crashes is gone: where that matters, move jobs to a processing
# list with BLMOVE and remove them with LREM once done.
#
#   SOCK=/tmp/valkey.sock utils/examples/ipc/worker.sh
#
# Settings (environment): SOCK, QUEUE (jobs), NAME (this worker's name),
# IDLE (seconds to wait for a job before exiting; 0, the default, waits
# for ever), COUNT (jobs to handle before exiting; 0: no limit),
# VALKEY_CLI (valkey-cli).
SOCK=${SOCK:-/tmp/valkey.sock}
QUEUE=${QUEUE:-jobs}
NAME=${NAME:-worker$$}
IDLE=${IDLE:-0}
COUNT=${COUNT:-0}
CLI=${VALKEY_CLI:-valkey-cli}

cli() { "$CLI" -s "$SOCK" "$@"; }

handle() { echo "$NAME $1"; }

handled=0
while [ "$COUNT" -eq 0 ] || [ "$handled" -lt "$COUNT" ]; do
    # The reply is the list's name, then the job; an empty line when IDLE
    # seconds passed with nothing to do.
    out=$(cli --raw BLPOP "$QUEUE" "$IDLE") || exit 1
    [ -n "$out" ] || break
    handle "$(printf '%s\n' "$out" | sed -n 2p)"
    handled=$((handled + 1))
done
