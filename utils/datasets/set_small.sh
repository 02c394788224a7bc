#!/usr/bin/env bash
# set_small.sh - the "many small integer sets" dataset: 100,000 sets
# s:%08d, set number i holding the 50 consecutive integers i .. i+49 (so
# the first ~32,700 are 16-bit intsets and the rest 32-bit ones; with this
# layout Debian's redis-server 7.0 reports the 25.9 MiB the issue quotes).
# Prints RESP for `valkey-cli --pipe`, one SADD per set.  SETS=n changes
# the count.
set -euo pipefail
awk -v n="${SETS:-100000}" 'BEGIN {
    for (i = 0; i < n; i++) {
        printf "*52\r\n$4\r\nSADD\r\n$10\r\ns:%08d\r\n", i
        for (j = i; j < i + 50; j++) printf "$%d\r\n%d\r\n", length(j ""), j
    }
}'
