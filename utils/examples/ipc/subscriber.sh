#!/bin/sh
# subscriber.sh - the listening side of the pub/sub example: subscribes to
# every channel matching PATTERN (a glob: `*`, `?`, `[abc]`) over the
# server's Unix socket and handles each message as it arrives, here by
# printing "<channel> <message>" (put your own handling in `handle`).
# Messages published while it is not running are not seen later: for
# that, use a list or a stream instead.  Messages are read one line each.
#
#   SOCK=/tmp/valkey.sock utils/examples/ipc/subscriber.sh
#
# Settings (environment): SOCK, PATTERN (events.*), COUNT (messages to
# handle before exiting; 0, the default, runs for ever), VALKEY_CLI
# (valkey-cli).
SOCK=${SOCK:-/tmp/valkey.sock}
PATTERN=${PATTERN:-events.*}
COUNT=${COUNT:-0}
CLI=${VALKEY_CLI:-valkey-cli}

handle() { echo "$1 $2"; }

# valkey-cli stays subscribed and prints each message as four lines
# (pmessage, pattern, channel, message); it writes them into a FIFO that
# the loop below reads, so the script can stop it when it is done.
fifo=$(mktemp -u "${TMPDIR:-/tmp}/subscriber.XXXXXX")
mkfifo "$fifo" || exit 1
"$CLI" -s "$SOCK" --raw PSUBSCRIBE "$PATTERN" >"$fifo" &
cli=$!
trap 'kill $cli 2>/dev/null; rm -f "$fifo"' EXIT
trap 'exit 130' INT TERM

handled=0
{
    # The confirmation first: psubscribe, the pattern, the count.
    read -r kind && read -r pat && read -r n || exit 1
    while read -r kind && read -r pat && read -r channel && read -r message; do
        handle "$channel" "$message"
        handled=$((handled + 1))
        [ "$COUNT" -gt 0 ] && [ "$handled" -ge "$COUNT" ] && break
    done
} <"$fifo"
