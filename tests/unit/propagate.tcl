# Propagation: what each string and key command hands to the AOF (and
# later replicas), read back with DEBUG PROPAGATED.  Commands that replay
# differently are rewritten to their deterministic form (SET EX -> SET
# PXAT, EXPIRE -> PEXPIREAT, INCRBYFLOAT -> SET KEEPTTL, GETDEL -> DEL,
# expiry -> DEL, or UNLINK where the matching lazyfree-lazy-* option is on,
# as it is by default in Valkey 8); commands that change nothing are not
# propagated; SELECT precedes a command whenever the database changes.  Also the key events
# each command fires (DEBUG KEY-EVENTS), Valkey's event names.

file_tags {propagation}

# The server derives its clock from a monotonic reading between wall-clock
# samples, so it can be a few ms off the test's own clock.
set ::clock_slack 20

with_server {
    r select 9
    test "A plain write is propagated as written, after a SELECT" {
        r del k
        set p [propagated { r set k v }]
        expect_eq $p {{select 9} {set k v}}
    }
    test "Reads and writes that change nothing are not propagated" {
        r set k v
        set p [propagated {
            r get k
            r exists k
            r set k v2 nx
            r del nosuchkey
            r expire nosuchkey 10
            r persist k
        }]
        expect_eq $p {}
    }
    test "SELECT is written only when the database changes" {
        set p [propagated {
            r set a 1
            r set b 2
            r select 10
            r set c 3
            r select 9
            r set d 4
        }]
        expect_eq $p {{select 9} {set a 1} {set b 2} {select 10} {set c 3} {select 9} {set d 4}}
    }
    test "SET with EX, PX and EXAT becomes SET key value PXAT ms" {
        foreach {o val unit} {ex 100 1000 px 100000 1} {
            set before [clock milliseconds]
            set p [propagated { r set k v $o $val }]
            set after [clock milliseconds]
            expect_eq [llength $p] 2
            lassign [lindex $p 1] cmd key value pxat ms
            expect_eq [list $cmd $key $value $pxat] {set k v PXAT}
            expect_between $ms [expr {$before + $val * $unit - $::clock_slack}] [expr {$after + $val * $unit + $::clock_slack}]
        }
        set at [expr {[clock seconds] + 1000}]
        set p [propagated { r set k v exat $at }]
        expect_eq [lindex $p 1] [list set k v PXAT [expr {$at * 1000}]]
    }
    test "SET PXAT and SET KEEPTTL replay as written; GET is dropped" {
        set at [expr {[clock milliseconds] + 100000}]
        set p [propagated { r set k v pxat $at }]
        expect_eq [lindex $p 1] [list set k v pxat $at]
        set p [propagated { r set k v2 keepttl }]
        expect_eq [lindex $p 1] {set k v2 keepttl}
        set p [propagated { r set k v3 get }]
        expect_eq [lindex $p 1] {set k v3}
        set p [propagated { r set k v4 nx get }]
        expect_eq $p {}
    }
    test "SETEX and PSETEX become SET PXAT" {
        set before [clock milliseconds]
        set p [propagated { r setex k 100 v }]
        lassign [lindex $p 1] cmd key value pxat ms
        expect_eq [list $cmd $key $value $pxat] {set k v PXAT}
        expect_between $ms [expr {$before + 100000 - $::clock_slack}] [expr {[clock milliseconds] + 100000 + $::clock_slack}]
        set p [propagated { r psetex k 5000 v }]
        expect_eq [lrange [lindex $p 1] 0 3] {set k v PXAT}
    }
    test "GETSET becomes SET; GETDEL becomes DEL" {
        r set k v
        set p [propagated { r getset k w }]
        expect_eq [lindex $p 1] {set k w}
        set p [propagated { r getdel k }]
        expect_eq [lindex $p 1] {unlink k}
        r config set lazyfree-lazy-user-del no
        r set k v
        set p [propagated { r getdel k }]
        expect_eq [lindex $p 1] {del k}
        r config set lazyfree-lazy-user-del yes
        set p [propagated { r getdel k }]
        expect_eq $p {}
    }
    test "GETEX: EX becomes PEXPIREAT, PXAT stays, PERSIST becomes PERSIST" {
        r set k v
        set before [clock milliseconds]
        set p [propagated { r getex k ex 100 }]
        lassign [lindex $p 1] cmd key ms
        expect_eq [list $cmd $key] {pexpireat k}
        expect_between $ms [expr {$before + 100000 - $::clock_slack}] [expr {[clock milliseconds] + 100000 + $::clock_slack}]
        set at [expr {[clock milliseconds] + 200000}]
        set p [propagated { r getex k pxat $at }]
        expect_eq [lindex $p 1] [list getex k pxat $at]
        set p [propagated { r getex k persist }]
        expect_eq [lindex $p 1] {persist k}
        set p [propagated { r getex k persist }]
        expect_eq $p {}
        set p [propagated { r getex k pxat 1 }]
        expect_eq [lindex $p 1] {unlink k}
        expect_eq [r exists k] 0
    }
    test "INCRBYFLOAT becomes SET value KEEPTTL; other counters replay as written" {
        r set f 10.5
        set p [propagated { r incrbyfloat f 0.25 }]
        expect_eq [lindex $p 1] {set f 10.75 KEEPTTL}
        r set n 1
        set p [propagated {
            r incr n
            r decr n
            r incrby n 5
            r decrby n 2
        }]
        expect_eq [lrange $p 1 end] {{incr n} {decr n} {incrby n 5} {decrby n 2}}
    }
    test "APPEND, SETRANGE, SETNX, MSET, MSETNX replay as written" {
        r del s t u
        set p [propagated {
            r append s abc
            r setrange s 1 X
            r setnx t 1
            r setnx t 2
            r mset u 1 t 2
            r msetnx u 5 w 6
        }]
        expect_eq [lrange $p 1 end] {{append s abc} {setrange s 1 X} {setnx t 1} {mset u 1 t 2}}
    }
    test "EXPIRE family becomes PEXPIREAT with the options kept" {
        r set k v
        set before [clock milliseconds]
        set p [propagated { r expire k 100 }]
        lassign [lindex $p 1] cmd key ms
        expect_eq [list $cmd $key] {pexpireat k}
        expect_between $ms [expr {$before + 100000 - $::clock_slack}] [expr {[clock milliseconds] + 100000 + $::clock_slack}]
        set p [propagated { r pexpire k 200000 gt }]
        expect_eq [lindex [lindex $p 1] 0] pexpireat
        expect_eq [lindex [lindex $p 1] 3] gt
        set at [expr {[clock seconds] + 300}]
        set p [propagated { r expireat k $at }]
        expect_eq [lindex $p 1] [list pexpireat k [expr {$at * 1000}]]
        set p [propagated { r pexpireat k [expr {$at * 1000 + 5}] }]
        expect_eq [lindex $p 1] [list pexpireat k [expr {$at * 1000 + 5}]]
        set p [propagated { r expire k 10 nx }]
        expect_eq $p {}
        set p [propagated { r persist k }]
        expect_eq [lindex $p 1] {persist k}
    }
    test "An expire time in the past deletes the key and replays as UNLINK (DEL without lazy expire)" {
        r set k v
        set p [propagated { r expire k -1 }]
        expect_eq [lindex $p 1] {unlink k}
        expect_eq [r exists k] 0
        r config set lazyfree-lazy-expire no
        r set k v
        set p [propagated { r pexpireat k 1 }]
        expect_eq [lindex $p 1] {del k}
        r config set lazyfree-lazy-expire yes
    }
    test "Lazy expiry on access propagates a DEL before the command" {
        r debug set-active-expire 0
        r set lz v px 1
        after 5
        set p [propagated { r set lz w nx }]
        expect_eq $p {{select 9} {unlink lz} {set lz w nx}}
        r set lz2 v px 1
        after 5
        set p [propagated { r get lz2 }]
        # The capture sink starts with a SELECT, as a new AOF does.
        expect_eq $p {{select 9} {unlink lz2}}
        r debug set-active-expire 1
    }
    test "Active expiry propagates DEL (UNLINK with lazyfree-lazy-expire)" {
        r config set lazyfree-lazy-expire no
        r set ae v px 20
        r debug propagated start
        wait_for {[r exists ae] == 0 && [llength [r debug propagated get]] > 0}
        set p [r debug propagated get]
        r debug propagated stop
        expect_true {[lsearch -exact $p {DEL ae}] >= 0} "propagated: $p"
        r config set lazyfree-lazy-expire yes
    }
    test "Key commands: DEL, UNLINK, RENAME, RENAMENX, MOVE, COPY, FLUSHDB, SWAPDB" {
        r flushdb
        r mset a 1 b 2 c 3
        set p [propagated {
            r del a nosuch
            r unlink b
            r rename c d
            r renamenx d e
            r renamenx e e
            r move e 10
            r set x 1
            r copy x y
            r copy x y
            r swapdb 9 11
            r flushdb
        }]
        expect_eq [lrange $p 1 end] {{del a nosuch} {unlink b} {rename c d} {renamenx d e} {move e 10} {set x 1} {copy x y} {swapdb 9 11} flushdb}
        r swapdb 9 11
        r select 11
        r flushdb
        r select 10
        r flushdb
        r select 9
    }
}

with_server {
    r select 3
    test "Key events: string commands fire Valkey's event names" {
        r del k n f s
        set e [events {
            r set k v
            r set k v2 ex 100
            r incr n
            r incrbyfloat f 1.5
            r append s x
            r setrange s 3 y
            r getdel k
        }]
        expect_eq $e {{3 new k} {3 set k} {3 set k} {3 expire k} {3 new n} {3 incrby n} {3 new f} {3 incrbyfloat f} {3 new s} {3 append s} {3 setrange s} {3 del k}}
    }
    test "Key events: key commands" {
        r flushdb
        r mset a 1 b 2
        set e [events {
            r rename a c
            r expire c 100
            r persist c
            r copy c d
            r move d 4
            r del b
        }]
        expect_eq $e {{3 new c} {3 rename_from a} {3 rename_to c} {3 expire c} {3 persist c} {3 new d} {3 copy_to d} {4 new d} {3 move_from d} {4 move_to d} {3 del b}}
        r select 4
        r flushdb
        r select 3
    }
    test "Key events: expiry fires expired" {
        r debug set-active-expire 0
        r set x v px 1
        after 5
        set e [events { r get x }]
        expect_eq $e {{3 expired x}}
        r debug set-active-expire 1
    }
}

with_server {
    test "Keyspace invariants hold after a mixed workload" {
        for {set i 0} {$i < 300} {incr i} {
            r set k$i $i
            if {$i % 3 == 0} { r expire k$i 1000 }
            if {$i % 5 == 0} { r persist k$i }
            if {$i % 7 == 0} { r rename k$i r$i }
            if {$i % 11 == 0} { r append k$i xyz }
        }
        expect_eq [r debug keyspace-check] OK
    }
}
