#!/bin/sh
# stream_1m.sh - dataset: one stream "sensor" of 1,000,000 readings, each
# `XADD sensor * temp <200..249>` (generated IDs, one field), as RESP on
# stdout for `valkey-cli --pipe`: the issue's memory target (Valkey 8.0
# holds it in 13.5 MiB of used_memory).
#   utils/datasets/stream_1m.sh | src/valkey-cli --pipe
# N overrides the count, KEY the stream's name.
N=${N:-1000000}
KEY=${KEY:-sensor}
exec awk -v n="$N" -v key="$KEY" 'BEGIN {
    for (i = 0; i < n; i++)
        printf "*5\r\n$4\r\nXADD\r\n$%d\r\n%s\r\n$1\r\n*\r\n$4\r\ntemp\r\n$3\r\n%d\r\n", length(key), key, 200 + i % 50
}'
