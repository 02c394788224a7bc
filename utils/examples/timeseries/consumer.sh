#!/bin/sh
# consumer.sh - the reading side of the time-series example: consumer
# NAME of the group GROUP on the stream STREAM, over the server's Unix
# socket.  It waits for new readings with `XREADGROUP ... BLOCK`, prints
# each as "<id> <temp>", and acknowledges what it handled with XACK, so
# the group's pending list only holds readings being handled.  Started
# again under the same NAME (after a crash, say) it first handles the
# readings it had been given but not acknowledged.  Consumers with
# different names share the readings.  The group is created at the end of
# the stream ("$") when it does not exist yet.
#
#   SOCK=/tmp/valkey.sock utils/examples/timeseries/consumer.sh
#
# Settings (environment): SOCK, STREAM (sensor), GROUP (readers), NAME
# (this host's name), BATCH (readings per call, 10), COUNT (readings to
# handle before exiting; 0, the default, runs for ever), VALKEY_CLI
# (valkey-cli).
SOCK=${SOCK:-/tmp/valkey.sock}
STREAM=${STREAM:-sensor}
GROUP=${GROUP:-readers}
NAME=${NAME:-$(hostname)}
BATCH=${BATCH:-10}
COUNT=${COUNT:-0}
CLI=${VALKEY_CLI:-valkey-cli}

cli() { "$CLI" -s "$SOCK" "$@"; }

handled=0
done_yet() { [ "$COUNT" -gt 0 ] && [ "$handled" -ge "$COUNT" ]; }

# What to do with a reading: here, print it.
handle() { echo "$1 $2"; }

# BUSYGROUP (it exists already) is fine.
cli XGROUP CREATE "$STREAM" "$GROUP" '$' MKSTREAM >/dev/null 2>&1

# Readings given to this consumer before and never acknowledged (one
# that was trimmed away meanwhile has no value any more).
while ! done_yet; do
    ids=$(cli XPENDING "$STREAM" "$GROUP" - + "$BATCH" "$NAME" | paste - - - - | cut -f1)
    [ -n "$ids" ] || break
    for id in $ids; do
        handle "$id" "$(cli XRANGE "$STREAM" "$id" "$id" | sed -n 3p)"
    done
    # shellcheck disable=SC2086
    cli XACK "$STREAM" "$GROUP" $ids >/dev/null || exit 1
    handled=$((handled + $(echo $ids | wc -w)))
done

# New readings, as they come.  The raw reply is the stream's name, then
# id, field and value for each reading.
while ! done_yet; do
    out=$(cli XREADGROUP GROUP "$GROUP" "$NAME" COUNT "$BATCH" BLOCK 5000 STREAMS "$STREAM" '>') || exit 1
    lines=$(printf '%s\n' "$out" | sed -n '2,$p' | paste - - -)
    [ -n "$lines" ] || continue
    printf '%s\n' "$lines" | while read -r id field value; do handle "$id" "$value"; done
    ids=$(printf '%s\n' "$lines" | cut -f1)
    # shellcheck disable=SC2086
    cli XACK "$STREAM" "$GROUP" $ids >/dev/null || exit 1
    handled=$((handled + $(echo $ids | wc -w)))
done
