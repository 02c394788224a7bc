#!/bin/sh
# stream_group.sh - dataset: a stream "sensor" of N readings `temp
# <200..249>` like stream_1m.sh, then a consumer group "g" whose consumer
# "c" has read every entry (XREADGROUP ... COUNT 1000 STREAMS sensor >,
# repeated) and acknowledged half of them (XACK, 1000 IDs a call): the
# issue's second memory row.  The IDs are explicit, (1700000000000 +
# i/1000)-(i%1000) for entry i, the density of a fast producer (1000
# readings a millisecond), since a pipe cannot know generated ones.  As
# RESP on stdout for `valkey-cli --pipe`.
#   utils/datasets/stream_group.sh | src/valkey-cli --pipe
# N overrides the count, KEY the stream's name, ACK which half is
# acknowledged: "half" the older half (a consumer that keeps up),
# "alternate" every other entry.
N=${N:-1000000}
KEY=${KEY:-sensor}
ACK=${ACK:-half}
exec awk -v n="$N" -v key="$KEY" -v ack="$ACK" '
function id(i) { return sprintf("%.0f-%d", 1700000000000 + int(i / 1000), i % 1000) }
function cmd(argc) { printf "*%d\r\n", argc }
function arg(s) { printf "$%d\r\n%s\r\n", length(s), s }
BEGIN {
    for (i = 0; i < n; i++) {
        cmd(5); arg("XADD"); arg(key); arg(id(i)); arg("temp"); arg(200 + i % 50)
    }
    cmd(5); arg("XGROUP"); arg("CREATE"); arg(key); arg("g"); arg("0")
    for (i = 0; i < n; i += 1000) {
        cmd(9); arg("XREADGROUP"); arg("GROUP"); arg("g"); arg("c"); arg("COUNT"); arg("1000"); arg("STREAMS"); arg(key); arg(">")
    }
    if (ack == "alternate") { last = n; step = 2 } else { last = n / 2; step = 1 }
    for (i = 0; i < last; ) {
        k = 0
        line = ""
        for (; i < last && k < 1000; i += step) { s = id(i); line = line sprintf("$%d\r\n%s\r\n", length(s), s); k++ }
        cmd(k + 3); arg("XACK"); arg(key); arg("g"); printf "%s", line
    }
}'
