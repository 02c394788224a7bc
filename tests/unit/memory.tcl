# MEMORY USAGE|STATS|DOCTOR|MALLOC-STATS|PURGE|HELP: sizes that follow
# the data, Valkey's MEMORY STATS field set, errors, RESP3 shapes.

file_tags {memory}

proc expect_false_db0 {st} {
    expect_true {![dict exists $st db.0]} "db.0 listed for an empty db"
}

with_server {
    test "MEMORY USAGE of a missing key is null" {
        expect_null {r memory usage nosuchkey}
    }
    test "MEMORY USAGE grows with the value" {
        r set small x
        r set big [string repeat x 10000]
        set s [r memory usage small]
        set b [r memory usage big]
        expect_is integer $s
        expect_gt $s 0
        expect_ge $b 10000
        expect_lt $b 12000
        expect_gt $b $s
        # A TTL costs something too.
        r set ttlkey [string repeat y 100]
        set before [r memory usage ttlkey]
        r expire ttlkey 100
        expect_ge [r memory usage ttlkey] $before
    }
    test "MEMORY USAGE SAMPLES and its errors" {
        r set k v
        expect_eq [r memory usage k samples 5] [r memory usage k]
        expect_eq [r memory usage k SAMPLES 0] [r memory usage k]
        expect_err "ERR syntax error" {r memory usage k samples -1}
        expect_err "ERR value is not an integer or out of range" {r memory usage k samples x}
        expect_err "ERR syntax error" {r memory usage k samples}
        expect_err "ERR syntax error" {r memory usage k foo}
        expect_err "ERR wrong number of arguments for 'memory|usage' command" {r memory usage}
    }
    test "MEMORY STATS has Valkey's fields, with true values" {
        r flushall
        set st [r memory stats]
        set fields {peak.allocated total.allocated startup.allocated replication.backlog clients.slaves
                   clients.normal cluster.links aof.buffer lua.caches functions.caches
                   overhead.total keys.count keys.bytes-per-key dataset.bytes dataset.percentage
                   peak.percentage allocator.allocated allocator.active allocator.resident
                   allocator-fragmentation.ratio allocator-fragmentation.bytes allocator-rss.ratio
                   allocator-rss.bytes rss-overhead.ratio rss-overhead.bytes fragmentation fragmentation.bytes}
        # Added after Redis 7.0.
        if {[is_valkey]} {
            lappend fields overhead.db.hashtable.lut overhead.db.hashtable.rehashing db.dict.rehashing.count \
                allocator.muzzy
            # 31 fields, plus one per database holding keys (none here).
            expect_eq [dict size $st] 31
        }
        foreach f $fields {
            expect_true {[dict exists $st $f]} "missing $f"
        }
        expect_eq [dict get $st keys.count] 0
        expect_false_db0 $st
        set used0 [dict get $st total.allocated]
        for {set i 0} {$i < 200} {incr i} { r set key:$i [string repeat v 100] }
        set st [r memory stats]
        expect_eq [dict get $st keys.count] 200
        expect_gt [dict get $st total.allocated] $used0
        expect_true {[dict exists $st db.0]}
        set db0 [dict get $st db.0]
        expect_gt [dict get $db0 overhead.hashtable.main] 0
        expect_true {[dict exists $db0 overhead.hashtable.expires]}
        expect_ge [dict get $st peak.allocated] [dict get $st total.allocated]
        expect_between [dict get $st dataset.percentage] 0 100
        # It agrees with INFO memory's used_memory within what the INFO
        # reply itself allocates.
        regexp {used_memory:(\d+)} [r info memory] -> used
        expect_between $used [expr {[dict get $st total.allocated] - 100000}] [expr {[dict get $st total.allocated] + 100000}]
    }
    test "MEMORY STATS in RESP3 is a map with doubles" {
        set c [new_client -resp 3]
        set t [$c .typed memory stats]
        expect_eq [lindex $t 0] map
        set kv [lindex $t 1]
        set idx [lsearch -exact -index 1 $kv dataset.percentage]
        expect_eq [lindex $kv [expr {$idx + 1}] 0] double
        $c .close
    }
    test "MEMORY DOCTOR answers text" {
        set d [r memory doctor]
        expect_gt [string length $d] 20
        set c [new_client -resp 3]
        expect_eq [lindex [$c .typed memory doctor] 0] verbatim
        $c .close
    }
    test "MEMORY MALLOC-STATS reports the allocator" {
        set s [r memory malloc-stats]
        regexp {mem_allocator:([^\r\n]*)} [r info memory] -> alloc
        if {[string match jemalloc* $alloc]} {
            expect_glob "*jemalloc statistics*" $s
        } else {
            expect_eq $s "Stats not supported for the current allocator"
        }
    }
    test "MEMORY PURGE" {
        expect_eq [r memory purge] OK
    }
    test "MEMORY HELP and errors" {
        set h [r memory help]
        expect_glob "MEMORY <subcommand>*" [lindex $h 0]
        expect_true {[lsearch -exact $h "USAGE <key> \[SAMPLES <count>\]"] > 0}
        expect_err "ERR unknown subcommand 'nope'. Try MEMORY HELP." {r memory nope}
        expect_err "ERR wrong number of arguments for 'memory|stats' command" {r memory stats x}
    }
}
