#!/bin/sh
# geo_100k.sh - dataset: one geo index "geo" of 100,000 members m:%06d
# spread pseudo-randomly (the Park-Miller sequence: products below 2^53,
# so every awk computes the same points) over longitudes 5..15 and latitudes 40..50, one GEOADD per
# member, as RESP commands on stdout for `valkey-cli --pipe`.  About 0.12
# members per square km: a 15 km radius around (10, 45) holds ~85.
#   utils/datasets/geo_100k.sh | src/valkey-cli --pipe
# N overrides the count, KEY the key's name.
N=${N:-100000}
KEY=${KEY:-geo}
exec awk -v n="$N" -v key="$KEY" 'BEGIN {
    x = 12345
    for (i = 0; i < n; i++) {
        x = (x * 16807) % 2147483647
        lon = sprintf("%.6f", 5 + 10 * x / 2147483647)
        x = (x * 16807) % 2147483647
        lat = sprintf("%.6f", 40 + 10 * x / 2147483647)
        m = sprintf("m:%06d", i)
        printf "*5\r\n$6\r\nGEOADD\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", \
            length(key), key, length(lon), lon, length(lat), lat, length(m), m
    }
}'
