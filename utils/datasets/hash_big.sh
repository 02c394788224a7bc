#!/usr/bin/env bash
# hash_big.sh - the "one big hash" dataset: one hash "bighash" with
# 1,000,000 fields f%09d whose values are v<n>, n the field's number
# (f000000042 = v42: values up to 7 bytes).  Prints RESP for
# `valkey-cli --pipe`, 100 pairs per HSET.  FIELDS=n changes the count.
set -euo pipefail
awk -v n="${FIELDS:-1000000}" 'BEGIN {
    per = 100
    for (i = 0; i < n; i += per) {
        m = (n - i < per) ? n - i : per
        printf "*%d\r\n$4\r\nHSET\r\n$7\r\nbighash\r\n", 2 + 2 * m
        for (j = i; j < i + m; j++) {
            v = "v" j
            printf "$10\r\nf%09d\r\n$%d\r\n%s\r\n", j, length(v), v
        }
    }
}'
