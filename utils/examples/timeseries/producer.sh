#!/bin/sh
# producer.sh - the sensor side of the time-series example: reads a
# temperature every INTERVAL seconds and appends it to the stream STREAM
# with `XADD STREAM MAXLEN ~ KEEP * temp <tenths of a degree>`, over the
# server's Unix socket.  `~` lets the server drop whole old nodes only,
# so the stream keeps about the last KEEP readings at almost no cost.
#
#   SOCK=/tmp/valkey.sock utils/examples/timeseries/producer.sh
#
# The reading is the first thermal zone of /sys (a Raspberry Pi's CPU)
# or, where there is none, a made-up 20.0 to 24.9 degrees.  Settings
# (environment): SOCK, STREAM (sensor), INTERVAL (1), KEEP (10000),
# COUNT (readings to take; 0, the default, runs for ever), VALKEY_CLI
# (valkey-cli).
SOCK=${SOCK:-/tmp/valkey.sock}
STREAM=${STREAM:-sensor}
INTERVAL=${INTERVAL:-1}
KEEP=${KEEP:-10000}
COUNT=${COUNT:-0}
CLI=${VALKEY_CLI:-valkey-cli}

read_sensor() {
    zone=/sys/class/thermal/thermal_zone0/temp
    if [ -r "$zone" ]; then
        echo $(($(cat "$zone") / 100))
    else
        echo $((200 + $(od -An -N1 -tu1 /dev/urandom) % 50))
    fi
}

n=0
while :; do
    id=$("$CLI" -s "$SOCK" XADD "$STREAM" MAXLEN '~' "$KEEP" '*' temp "$(read_sensor)") || exit 1
    echo "added $id"
    n=$((n + 1))
    if [ "$COUNT" -gt 0 ] && [ "$n" -ge "$COUNT" ]; then break; fi
    sleep "$INTERVAL"
done
