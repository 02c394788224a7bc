#!/bin/sh
# zset_small.sh - dataset: 100,000 sorted sets z:%08d of 10 members m0..m9
# with scores 0..9 (one ZADD of ten pairs per key), as RESP commands on
# stdout for `valkey-cli --pipe`.
#   utils/datasets/zset_small.sh | src/valkey-cli --pipe
# N overrides the number of keys.
N=${N:-100000}
exec awk -v n="$N" 'BEGIN {
    for (i = 0; i < n; i++) {
        printf "*22\r\n$4\r\nZADD\r\n$10\r\nz:%08d\r\n", i
        for (j = 0; j < 10; j++) printf "$1\r\n%d\r\n$2\r\nm%d\r\n", j, j
    }
}'
