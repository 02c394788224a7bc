# Lazy freeing: UNLINK of a 1M-element set leaves the server answering
# PING within 5 ms while the background thread frees it (latency measured
# from the client), DEL/overwrite/FLUSHALL/FLUSHDB follow the lazyfree-*
# options and ASYNC/SYNC, small values are freed at once, and
# used_memory/lazyfree_pending_objects/lazyfreed_objects stay right.

file_tags {lazyfree}

proc lf_freed {} { return [info_field memory lazyfreed_objects] }
proc lf_pending {} { return [info_field memory lazyfree_pending_objects] }
proc lf_used {} { return [info_field memory used_memory] }

# A set of n members m0..m(n-1), built with pipelined SADDs.
proc lf_make_set {key n} {
    set per 1000
    set cmds 0
    for {set i 0} {$i < $n} {incr i $per} {
        set args {}
        for {set j $i} {$j < min($i + $per, $n)} {incr j} { lappend args m$j }
        r .send sadd $key {*}$args
        incr cmds
        if {$cmds % 50 == 0} {
            for {set k 0} {$k < 50} {incr k} { r .read }
        }
    }
    for {set k 0} {$k < $cmds % 50} {incr k} { r .read }
}

with_server {
    # One attempt: build the set, UNLINK it, time PINGs from another client
    # until the thread is done.  Returns {unlink_us worst_us pings}.
    proc lf_unlink_attempt {} {
        lf_make_set big 1000000
        expect_eq [r scard big] 1000000
        set probe [new_client]
        # Sanitizer builds check every value's invariants from cron once
        # a second (a 1M-element set takes them several ms): hold the cron
        # for the measurement, which is about what freeing costs the loop.
        r debug pause-cron 1
        set t0 [clock microseconds]
        expect_eq [r unlink big] 1
        set unlink_us [expr {[clock microseconds] - $t0}]
        set worst 0
        set pings 0
        set deadline [expr {[clock milliseconds] + 3000}]
        while {[clock milliseconds] < $deadline} {
            set t [clock microseconds]
            expect_eq [$probe ping] PONG
            set d [expr {[clock microseconds] - $t}]
            if {$d > $worst} { set worst $d }
            incr pings
            if {$pings % 20 == 0 && [lf_pending] == 0} break
        }
        $probe .close
        r debug pause-cron 0
        expect_eq [r exists big] 0
        wait_for {[lf_pending] == 0}
        return [list $unlink_us $worst $pings]
    }

    test "UNLINK of a 1M-element set: PING stays under 5 ms while it is freed" {
        r config set lazyfree-lazy-user-del no
        set base [lf_used]
        set freed [lf_freed]
        # On a machine shared with other work one scheduling hiccup can
        # exceed 5 ms: a second attempt is allowed, and both must show the
        # UNLINK itself fast (a synchronous free takes ~60 ms here).
        # Sanitizer builds and qemu leave this test out (needs:native-speed).
        set bound 5000
        set tries {}
        for {set attempt 0} {$attempt < 2} {incr attempt} {
            lassign [lf_unlink_attempt] unlink_us worst pings
            lappend tries "unlink ${unlink_us} us, worst PING ${worst} us of $pings"
            expect_true {$unlink_us < $bound} "UNLINK itself took too long: $tries"
            if {$worst < $bound} break
        }
        expect_true {$worst < $bound} "worst PING round trip over [expr {$bound / 1000}] ms: $tries"
        expect_eq [lf_freed] [expr {$freed + $attempt + 1}]
        # The memory came back (within 1 MB of where it started).
        wait_for {[lf_used] < $base + 1024 * 1024}
    } -tags {needs:native-speed}

    test "expiry follows lazyfree-lazy-expire (lazy and active expiry)" {
        r config set lazyfree-lazy-expire no
        lf_make_set e1 1000
        set freed [lf_freed]
        r pexpire e1 1
        wait_for {[r exists e1] == 0}
        expect_eq [lf_freed] $freed
        r config set lazyfree-lazy-expire yes
        lf_make_set e2 1000
        r pexpire e2 1
        # Found expired by a lookup, or by the active cycle: either way lazily.
        wait_for {[r exists e2] == 0}
        wait_for {[lf_freed] == $freed + 1}
        # Small values are freed at once even then.
        r set small v px 1
        wait_for {[r exists small] == 0}
        expect_eq [lf_freed] [expr {$freed + 1}]
    }

    test "DEL follows lazyfree-lazy-user-del" {
        r config set lazyfree-lazy-user-del no
        lf_make_set s1 1000
        set freed [lf_freed]
        expect_eq [r del s1] 1
        expect_eq [lf_freed] $freed
        r config set lazyfree-lazy-user-del yes
        lf_make_set s2 1000
        expect_eq [r del s2] 1
        wait_for {[lf_freed] == $freed + 1}
        expect_eq [r exists s2] 0
    }

    test "values with a small free effort are freed at once, even by UNLINK" {
        set freed [lf_freed]
        lf_make_set small 64
        r rpush l a b c
        r set str [string repeat x 100000]
        expect_eq [r unlink small l str] 3
        expect_eq [lf_freed] $freed
        expect_eq [lf_pending] 0
        # A set big enough to be a hash table goes to the thread.
        lf_make_set bigger 1000
        expect_eq [r object encoding bigger] hashtable
        expect_eq [r unlink bigger] 1
        wait_for {[lf_freed] == $freed + 1}
    }

    test "overwriting a big value follows lazyfree-lazy-server-del" {
        r config set lazyfree-lazy-server-del yes
        set freed [lf_freed]
        lf_make_set ow 5000
        r set ow plain
        wait_for {[lf_freed] == $freed + 1}
        expect_eq [r get ow] plain
        r config set lazyfree-lazy-server-del no
        lf_make_set ow2 5000
        r set ow2 plain
        expect_eq [lf_freed] [expr {$freed + 1}]
    }

    test "FLUSHALL ASYNC empties at once and frees every key on the thread" {
        r flushall sync
        set base [lf_used]
        r debug populate 100000 k 100
        r select 1
        r debug populate 1000 other 10
        r select 0
        set freed [lf_freed]
        expect_eq [r flushall async] OK
        expect_eq [r dbsize] 0
        r select 1
        expect_eq [r dbsize] 0
        r select 0
        wait_for {[lf_pending] == 0}
        expect_eq [lf_freed] [expr {$freed + 101000}]
        wait_for {[lf_used] < $base + 512 * 1024}
        # The new tables work as before.
        r set after v
        expect_eq [r get after] v
    }

    test "FLUSHDB ASYNC frees one database; SYNC and the default follow the option" {
        r flushall sync
        r debug populate 2000 a 10
        r select 1
        r debug populate 10 b 10
        r select 0
        set freed [lf_freed]
        expect_eq [r flushdb async] OK
        expect_eq [r dbsize] 0
        r select 1
        expect_eq [r dbsize] 10
        r select 0
        wait_for {[lf_freed] == $freed + 2000}
        r debug populate 500 c 10
        r config set lazyfree-lazy-user-flush no
        expect_eq [r flushdb] OK
        expect_eq [lf_freed] [expr {$freed + 2000}]
        r debug populate 500 c 10
        r config set lazyfree-lazy-user-flush yes
        expect_eq [r flushdb] OK
        wait_for {[lf_freed] == $freed + 2500}
        r debug populate 500 c 10
        expect_eq [r flushdb sync] OK
        expect_eq [lf_freed] [expr {$freed + 2500}]
        expect_err "ERR syntax error" {r flushdb lazy}
        expect_err "ERR syntax error" {r flushall async sync}
    }

    test "MEMORY USAGE and used_memory stay right around lazy frees" {
        r flushall sync
        set base [lf_used]
        lf_make_set mu 20000
        set usage [r memory usage mu]
        set grown [expr {[lf_used] - $base}]
        # MEMORY USAGE accounts for what the key holds.
        expect_gt $usage [expr {$grown * 8 / 10}]
        expect_eq [r unlink mu] 1
        wait_for {[lf_pending] == 0}
        wait_for {[lf_used] < $base + 64 * 1024}
        r debug keyspace-check
    }
}
