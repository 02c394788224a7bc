#!/bin/sh
# publisher.sh - the sending side of the pub/sub example: publishes an
# event on CHANNEL every INTERVAL seconds over the server's Unix socket,
# here the machine's 1-minute load ("seq=<n> load=<value>"; put your own
# in `event`), and prints how many subscribers received each one.  A
# message nobody listens to is simply dropped: pub/sub does not store.
#
#   SOCK=/tmp/valkey.sock utils/examples/ipc/publisher.sh
#
# Settings (environment): SOCK, CHANNEL (events.<hostname>), INTERVAL
# (seconds, fractions allowed; 1), COUNT (events to publish before
# exiting; 0, the default, runs for ever), VALKEY_CLI (valkey-cli).
SOCK=${SOCK:-/tmp/valkey.sock}
CHANNEL=${CHANNEL:-events.$(hostname)}
INTERVAL=${INTERVAL:-1}
COUNT=${COUNT:-0}
CLI=${VALKEY_CLI:-valkey-cli}

cli() { "$CLI" -s "$SOCK" "$@"; }

# The event to publish: one line of text.
event() {
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
    echo "seq=$1 load=$load"
}

n=0
while [ "$COUNT" -eq 0 ] || [ "$n" -lt "$COUNT" ]; do
    n=$((n + 1))
    msg=$(event "$n")
    receivers=$(cli PUBLISH "$CHANNEL" "$msg") || exit 1
    echo "published $CHANNEL $msg to $receivers"
    [ "$COUNT" -gt 0 ] && [ "$n" -ge "$COUNT" ] && break
    sleep "$INTERVAL"
done
