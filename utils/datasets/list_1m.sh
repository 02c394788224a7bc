#!/bin/sh
# list_1m.sh - dataset: one list of 1,000,000 RPUSHed values v%09d (10
# bytes each), as RESP commands on stdout for `valkey-cli --pipe`.
#   utils/datasets/list_1m.sh | src/valkey-cli --pipe
# N overrides the count, KEY the list's name, BATCH the values per RPUSH
# (1 by default: one command per value, as the dataset is defined).
N=${N:-1000000}
KEY=${KEY:-biglist}
BATCH=${BATCH:-1}
exec awk -v n="$N" -v key="$KEY" -v batch="$BATCH" 'BEGIN {
    for (i = 0; i < n; i += batch) {
        m = (n - i < batch) ? n - i : batch
        printf "*%d\r\n$5\r\nRPUSH\r\n$%d\r\n%s\r\n", m + 2, length(key), key
        for (j = 0; j < m; j++) printf "$10\r\nv%09d\r\n", i + j
    }
}'
