#!/usr/bin/env bash
# hash_small.sh - the "many small hashes" dataset: 100,000 hashes h:%08d,
# each with 10 fields field0..field9 whose values are value<n>, n a global
# counter over all pairs (hash h, field k: n = 10*h + k, so 0..999999 and
# values up to 11 bytes).  Prints RESP for `valkey-cli --pipe`, one HSET
# per hash.  HASHES=n changes the count.
set -euo pipefail
awk -v n="${HASHES:-100000}" 'BEGIN {
    for (h = 0; h < n; h++) {
        key = sprintf("h:%08d", h)
        printf "*22\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n", length(key), key
        for (k = 0; k < 10; k++) {
            v = "value" (10 * h + k)
            printf "$6\r\nfield%d\r\n$%d\r\n%s\r\n", k, length(v), v
        }
    }
}'
