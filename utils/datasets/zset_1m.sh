#!/bin/sh
# zset_1m.sh - dataset: one sorted set of 1,000,000 members member:%09d
# (16 bytes) with score n*1.5, one ZADD per member, as RESP commands on
# stdout for `valkey-cli --pipe`.
#   utils/datasets/zset_1m.sh | src/valkey-cli --pipe
# N overrides the count, KEY the sorted set's name.
N=${N:-1000000}
KEY=${KEY:-bigzset}
exec awk -v n="$N" -v key="$KEY" 'BEGIN {
    for (i = 0; i < n; i++) {
        t = 3 * i
        score = (t % 2 == 0) ? sprintf("%d", t / 2) : sprintf("%d.5", (t - 1) / 2)
        printf "*4\r\n$4\r\nZADD\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$16\r\nmember:%09d\r\n", \
            length(key), key, length(score), score, i
    }
}'
