#!/usr/bin/env bash
# set_big.sh - the "one big set" dataset: one set "bigset" with 1,000,000
# members member:%09d (16 bytes each).  Prints RESP for `valkey-cli
# --pipe`, 100 members per SADD.  MEMBERS=n changes the count.
set -euo pipefail
awk -v n="${MEMBERS:-1000000}" 'BEGIN {
    per = 100
    for (i = 0; i < n; i += per) {
        m = (n - i < per) ? n - i : per
        printf "*%d\r\n$4\r\nSADD\r\n$6\r\nbigset\r\n", 2 + m
        for (j = i; j < i + m; j++) printf "$16\r\nmember:%09d\r\n", j
    }
}'
