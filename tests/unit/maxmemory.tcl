# maxmemory: each eviction policy evicts what it should (LRU keeps a
# touched subset, LFU keeps frequent keys, volatile-* never touch keys
# without a TTL, volatile-ttl takes the nearest expiry), filling beyond the
# limit ends near it with the server responsive, noeviction refuses writes
# but serves reads and DEL, evictions are propagated and fire "evicted",
# time-sliced eviction finishes from the timer, client eviction
# (maxmemory-clients, CLIENT NO-EVICT), and the INFO fields.

file_tags {maxmemory}

proc mm_used {} { return [info_field memory used_memory] }
proc mm_evicted {} { return [info_field stats evicted_keys] }

# Pipelined SETs of n keys prefix:0..n-1 with values of size bytes (and a
# TTL in seconds when ttl > 0), in batches so the query buffer stays small.
proc mm_fill {prefix n size {ttl 0} {from 0}} {
    set val [string repeat x $size]
    set batch 50
    for {set i $from} {$i < $from + $n} {incr i $batch} {
        set end [expr {min($i + $batch, $from + $n)}]
        for {set j $i} {$j < $end} {incr j} {
            if {$ttl > 0} {
                r .send set $prefix:$j $val ex [expr {$ttl + $j}]
            } else {
                r .send set $prefix:$j $val
            }
        }
        for {set j $i} {$j < $end} {incr j} { r .read }
    }
}

proc mm_count_existing {prefix from to} {
    set n 0
    for {set i $from} {$i < $to} {incr i} { r .send exists $prefix:$i }
    for {set i $from} {$i < $to} {incr i} { incr n [r .read] }
    return $n
}

proc mm_reset {} {
    r config set maxmemory 0
    r config resetstat
    r flushall sync
    r config set maxmemory-policy noeviction
    r config set maxmemory-samples 5
    r config set maxmemory-eviction-tenacity 10
    r config set lazyfree-lazy-eviction yes
}

with_server {
    test "INFO has the eviction and lazyfree fields" {
        foreach {section field} {stats evicted_keys stats evicted_clients stats total_eviction_exceeded_time
            stats current_eviction_exceeded_time memory mem_not_counted_for_evict memory maxmemory
            memory maxmemory_human memory maxmemory_policy memory lazyfree_pending_objects
            memory lazyfreed_objects} {
            expect_ne [info_field $section $field] ""
        }
        r config set maxmemory 64mb
        expect_eq [info_field memory maxmemory] 67108864
        expect_eq [info_field memory maxmemory_human] 64.00M
        r config set maxmemory-policy allkeys-lfu
        expect_eq [info_field memory maxmemory_policy] allkeys-lfu
        mm_reset
    }

    test "noeviction: writes get -OOM, reads and DEL still work" {
        mm_reset
        mm_fill k 2000 200
        r config set maxmemory [expr {[mm_used] / 2}]
        expect_err "OOM command not allowed when used memory > 'maxmemory'." {r set newkey v}
        expect_err "OOM command not allowed when used memory > 'maxmemory'." {r lpush l a}
        expect_err "OOM command not allowed when used memory > 'maxmemory'." {r append k:1 more}
        expect_eq [r get k:1] [string repeat x 200]
        expect_eq [r exists k:2] 1
        expect_eq [r del k:1] 1
        expect_eq [r dbsize] 1999
        expect_eq [mm_evicted] 0
        expect_eq [r ping] PONG
        # Inside MULTI every queued command is refused (queueing costs
        # memory), and the refusal aborts EXEC; DISCARD still works.
        r multi
        expect_err "OOM command not allowed*" {r set a b}
        expect_err "OOM command not allowed*" {r get k:2}
        expect_err "EXECABORT Transaction discarded because of previous errors." {r exec}
        r multi
        expect_eq [r discard] OK
        mm_reset
    }

    test "EXEC of a transaction with a write is refused once over the limit" {
        mm_reset
        mm_fill k 500 200
        set half [expr {[mm_used] / 2}]
        r multi
        r set x y
        r get k:1
        set other [new_client]
        $other config set maxmemory $half
        expect_err "EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'." {r exec}
        expect_null {r get x}
        # Without a write in it, EXEC runs.
        $other config set maxmemory 0
        r multi
        r get k:1
        $other config set maxmemory $half
        expect_eq [r exec] [list [string repeat x 200]]
        $other .close
        mm_reset
    }

    foreach policy {allkeys-lru allkeys-lfu allkeys-random volatile-lru volatile-lfu volatile-random volatile-ttl} {
        test "$policy: filling beyond maxmemory ends near it, server responsive" {
            mm_reset
            r config set maxmemory-policy $policy
            set limit [expr {[mm_used] + 2 * 1024 * 1024}]
            r config set maxmemory $limit
            set ttl [expr {[string match volatile-* $policy] ? 100000 : 0}]
            # About 10 MB of values against a 2 MB margin.
            mm_fill f 10000 1000 $ttl
            set used [mm_used]
            expect_le $used [expr {$limit * 105 / 100}]
            expect_gt [mm_evicted] 5000
            expect_gt [r dbsize] 1000
            expect_eq [r ping] PONG
            r config set maxmemory 0
        }
    }

    foreach policy {volatile-lru volatile-lfu volatile-random volatile-ttl} {
        test "$policy never evicts keys without a TTL, and refuses once only those remain" {
            mm_reset
            mm_fill keep 500 500
            r config set maxmemory-policy $policy
            r config set maxmemory [expr {[mm_used] + 1024 * 1024}]
            mm_fill vol 4000 500 100000
            expect_gt [mm_evicted] 1000
            expect_eq [mm_count_existing keep 0 500] 500
            # Lower the limit below what the persistent keys take: the
            # volatile ones all go, then writes are refused.
            r config set maxmemory 200000
            # Eviction runs in time slices (a command meanwhile is not
            # refused): once the volatile keys are gone, writes are.
            wait_for {[r dbsize] == 500}
            expect_err "OOM command not allowed*" {r set another v}
            expect_eq [mm_count_existing vol 0 4000] 0
            expect_eq [mm_count_existing keep 0 500] 500
            expect_eq [r get keep:7] [string repeat x 500]
            mm_reset
        }
    }

    test "volatile-ttl evicts the nearest expiries first" {
        mm_reset
        r config set maxmemory-samples 10
        # t:i expires in 100000 + 100 * i seconds: low i expire first.
        for {set i 0} {$i < 2000} {incr i} { r .send set t:$i [string repeat x 500] ex [expr {100000 + 100 * $i}] }
        for {set i 0} {$i < 2000} {incr i} { r .read }
        r config set maxmemory-policy volatile-ttl
        r config set maxmemory [expr {[mm_used] - 300 * 1024}]
        r set trigger v
        set low [mm_count_existing t 0 1000]
        set high [mm_count_existing t 1000 2000]
        expect_lt $low 1000
        expect_gt $high 980
        mm_reset
    }

    test "allkeys-lru keeps a recently touched subset" {
        mm_reset
        r config set maxmemory-samples 10
        mm_fill old 1000 300
        # The LRU clock counts seconds: let the old keys age.
        after 2200
        for {set i 0} {$i < 100} {incr i} { r .send get old:$i }
        for {set i 0} {$i < 100} {incr i} { r .read }
        r config set maxmemory-policy allkeys-lru
        r config set maxmemory [expr {[mm_used] + 20 * 1024}]
        set n 0
        while {[mm_evicted] < 500 && $n < 5000} {
            mm_fill new 100 300 0 $n
            incr n 100
        }
        expect_ge [mm_evicted] 500
        set touched [mm_count_existing old 0 100]
        set untouched [mm_count_existing old 100 1000]
        expect_ge $touched 95
        expect_lt $untouched 600
        mm_reset
    }

    test "allkeys-lfu keeps frequently used keys; OBJECT FREQ grows with use" {
        mm_reset
        r config set maxmemory-policy allkeys-lfu
        r config set maxmemory-samples 10
        mm_fill lfu 1000 300
        expect_eq [r object freq lfu:500] 5
        for {set round 0} {$round < 60} {incr round} {
            for {set i 0} {$i < 100} {incr i} { r .send get lfu:$i }
            for {set i 0} {$i < 100} {incr i} { r .read }
        }
        set hot [r object freq lfu:3]
        expect_gt $hot 5
        expect_eq [r object freq lfu:900] 5
        r config set maxmemory [expr {[mm_used] + 20 * 1024}]
        set n 0
        while {[mm_evicted] < 500 && $n < 5000} {
            mm_fill fresh 100 300 0 $n
            incr n 100
        }
        expect_ge [mm_evicted] 500
        expect_ge [mm_count_existing lfu 0 100] 95
        expect_lt [mm_count_existing lfu 100 1000] 700
        mm_reset
    }

    test "OBJECT FREQ and IDLETIME answer per policy" {
        mm_reset
        r set k v
        expect_err "*An LFU maxmemory policy is not selected*" {r object freq k}
        expect_ge [r object idletime k] 0
        r config set maxmemory-policy volatile-lfu
        expect_err "*An LFU maxmemory policy is selected*" {r object idletime k}
        r set k2 v
        expect_eq [r object freq k2] 5
        # TYPE, TTL and OBJECT do not count as accesses.
        for {set i 0} {$i < 50} {incr i} { r type k2; r ttl k2; r object freq k2 }
        expect_eq [r object freq k2] 5
        # Nor does EXISTS; TOUCH does.
        for {set i 0} {$i < 50} {incr i} { r exists k2 }
        expect_eq [r object freq k2] 5
        r set k3 v
        for {set i 0} {$i < 50} {incr i} { r touch k3 }
        expect_gt [r object freq k3] 5
        # CLIENT NO-TOUCH reads do not count either.
        r client no-touch on
        for {set i 0} {$i < 50} {incr i} { r get k2 }
        r client no-touch off
        expect_eq [r object freq k2] 5
        for {set i 0} {$i < 50} {incr i} { r get k2 }
        expect_gt [r object freq k2] 5
        mm_reset
    }

    test "evictions fire 'evicted' and are propagated as DEL (UNLINK when lazy)" {
        mm_reset
        mm_fill ev 200 1000
        r config set maxmemory-policy allkeys-random
        r config set lazyfree-lazy-eviction no
        # Eviction runs before every command, so both observers start
        # before the limit is lowered.
        r debug propagated start
        r debug key-events start
        r config set maxmemory [expr {[mm_used] - 10 * 1024}]
        r set trigger x
        # No more evictions from here on, so both see the same ones.
        r config set maxmemory 0
        set evs [r debug key-events get]
        set out [propagated_lower [r debug propagated get]]
        r debug key-events stop
        r debug propagated stop
        set dels [lsearch -all -inline -glob $out {del ev:*}]
        expect_gt [llength $dels] 0
        expect_eq [lindex [lsearch -all -inline -glob $out {set *}] end] {set trigger x}
        # Each event is {db event key}.
        set evicted [lsearch -all -inline -index 1 -exact $evs evicted]
        expect_glob ev:* [lindex $evicted 0 2]
        expect_eq [llength $evicted] [llength $dels]
        r config set lazyfree-lazy-eviction yes
        r debug propagated start
        r config set maxmemory [expr {[mm_used] - 10 * 1024}]
        r set trigger2 x
        set out [propagated_lower [r debug propagated get]]
        r debug propagated stop
        expect_gt [llength [lsearch -all -inline -glob $out {unlink ev:*}]] 0
        mm_reset
    }

    test "keyspace notification for evicted keys" {
        mm_reset
        mm_fill nk 200 1000
        r config set notify-keyspace-events Ee
        set sub [new_client]
        $sub psubscribe __keyevent@*__:evicted
        r config set maxmemory-policy allkeys-lru
        r config set maxmemory [expr {[mm_used] - 10 * 1024}]
        r set trigger v
        set msg [$sub .read]
        expect_eq [lindex $msg 0] pmessage
        expect_eq [lindex $msg 2] __keyevent@0__:evicted
        expect_glob nk:* [lindex $msg 3]
        $sub .close
        r config set notify-keyspace-events ""
        mm_reset
    }

    test "a big eviction with tenacity 0 goes on from the timer and ends under the limit" {
        mm_reset
        mm_fill big 20000 200
        r config set maxmemory-policy allkeys-lru
        r config set maxmemory-eviction-tenacity 0
        set limit [expr {[mm_used] / 3}]
        r config set maxmemory $limit
        # Not refused: eviction is still running.
        expect_eq [r set trigger v] OK
        # INFO's own reply is counted while it is built: allow for it.
        wait_for {[mm_used] <= $limit + 32 * 1024} -timeout 10000
        expect_gt [mm_evicted] 10000
        expect_gt [info_field stats total_eviction_exceeded_time] -1
        expect_eq [info_field stats current_eviction_exceeded_time] 0
        mm_reset
    }

    test "CLIENT PAUSE WRITE holds evictions back until it ends" {
        mm_reset
        mm_fill pz 300 500
        r config set maxmemory-policy allkeys-lru
        r client pause 100000 write
        r config set maxmemory [expr {[mm_used] / 2}]
        expect_eq [r get pz:1] [string repeat x 500]
        expect_eq [r dbsize] 300
        expect_eq [mm_evicted] 0
        r client unpause
        wait_for {[mm_evicted] > 0}
        mm_reset
    }

    test "allkeys policy with nothing left to evict answers OOM" {
        mm_reset
        r config set maxmemory-policy allkeys-lru
        r config set maxmemory 1
        expect_err "OOM command not allowed*" {r set k v}
        expect_null {r get k}
        expect_eq [r ping] PONG
        mm_reset
    }
}

with_server {
    test "maxmemory-clients evicts the biggest client; CLIENT NO-EVICT exempts" {
        r client no-evict on
        r config set maxmemory-clients 300kb
        set before [info_field stats evicted_clients]
        set big [new_client]
        set kept [new_client]
        $kept client no-evict on
        # Half a megabyte of a bulk argument still being read: it sits in
        # each client's own query buffer.
        set head "*3\r\n\$3\r\nset\r\n\$1\r\nk\r\n\$1000000\r\n"
        $kept .rawsend "$head[string repeat y 500000]"
        $big .rawsend "$head[string repeat y 500000]"
        wait_for {[info_field stats evicted_clients] > $before} -timeout 5000
        expect_eq [$big .closed 3000] 1
        expect_eq [info_field stats evicted_clients] [expr {$before + 1}]
        # The exempt client is still connected and can finish its command.
        $kept .rawsend "[string repeat y 500000]\r\n"
        expect_eq [$kept .read] OK
        expect_eq [string length [r get k]] 1000000
        $kept .close
        r config set maxmemory-clients 0
        r config resetstat
        expect_eq [info_field stats evicted_clients] 0
        expect_eq [info_field stats total_eviction_exceeded_time] 0
    }
}
