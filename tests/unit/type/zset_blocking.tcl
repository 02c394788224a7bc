# Blocking sorted set pops: BZPOPMIN, BZPOPMAX and BZMPOP, with the cases
# of the blocking list tests: answers at once when a zset has elements,
# waits and is served by any write that fills a key (ZADD, ZINCRBY, the
# STORE commands, RENAME, MOVE, SWAPDB), first blocked first served,
# several keys per client, timeouts (fractions of a second, 0 = forever,
# Valkey's error texts), CLIENT UNBLOCK, keys deleted or of another type
# while clients wait, INFO and CLIENT LIST, commandstats, what a served
# waiter propagates (BZPOPMIN -> ZPOPMIN key, BZMPOP -> ZPOPMIN/ZPOPMAX key
# count) and the events it fires.

file_tags {zset blocking needs:zset}

with_server {
    btest "BZPOPMIN and BZPOPMAX answer at once from the first non-empty zset" {
        r del k1 k2 k3
        r zadd k2 1 a 2 b 3 c
        r zadd k3 9 x
        expect_eq [r bzpopmin k1 k2 k3 0] {k2 a 1}
        expect_eq [r bzpopmax k1 k2 k3 0] {k2 c 3}
        expect_eq [r bzpopmax k1 k3 k2 0] {k3 x 9}
        expect_eq [r exists k3] 0
        expect_eq [r bzpopmin k2 1] {k2 b 2}
        expect_eq [r exists k2] 0
        r zadd k1 1.5 m
        expect_eq [r bzmpop 0 2 k0 k1 min] {k1 {{m 1.5}}}
    }
    btest "BZPOPMIN waits and is served by a later ZADD" {
        r del bk
        set rd [blocked_client bzpopmin bk 0]
        expect_eq [r zadd bk 2 b 1 a] 2
        expect_eq [$rd .read] {bk a 1}
        expect_eq [r zrange bk 0 -1] b
        expect_eq [blocked_count] 0
        $rd .close
    }
    btest "BZPOPMAX waits on several keys and names the one served" {
        r del w1 w2 w3
        set rd [blocked_client bzpopmax w1 w2 w3 0]
        r zadd w3 1 x 2 y
        expect_eq [$rd .read] {w3 y 2}
        $rd .close
    }
    btest "Writes other than ZADD serve waiters: ZINCRBY, STORE commands, RENAME" {
        r del s1 s2 src
        r zadd src 5 p 6 q
        set rd [blocked_client bzpopmin s1 0]
        r zincrby s1 2.5 inc
        expect_eq [$rd .read] {s1 inc 2.5}
        $rd .send bzpopmax s1 0
        wait_blocked 1
        r zunionstore s1 1 src
        expect_eq [$rd .read] {s1 q 6}
        $rd .send bzpopmin s2 0
        wait_blocked 1
        r zrangestore s2 src 0 0
        expect_eq [$rd .read] {s2 p 5}
        $rd .send bzpopmin s2 0
        wait_blocked 1
        r rename src s2
        expect_eq [$rd .read] {s2 p 5}
        expect_eq [r zrange s2 0 -1] q
        $rd .close
    }
    btest "The same key twice waits once" {
        r del dup
        set rd [blocked_client bzpopmin dup dup 0]
        expect_eq [blocking_keys_count] 1
        r zadd dup 1 v
        expect_eq [$rd .read] {dup v 1}
        $rd .close
    }
    btest "First blocked, first served" {
        r del fifo
        set c1 [blocked_client bzpopmin fifo 0]
        set c2 [blocked_client bzpopmax fifo 0]
        set c3 [blocked_client bzpopmin fifo 0]
        r zadd fifo 1 a 2 b
        expect_eq [$c1 .read] {fifo a 1}
        expect_eq [$c2 .read] {fifo b 2}
        expect_eq [blocked_count] 1
        r zadd fifo 3 c
        expect_eq [$c3 .read] {fifo c 3}
        foreach c [list $c1 $c2 $c3] { $c .close }
    }
    btest "Timeouts: fractions of a second, then a null array (RESP3: null)" {
        r del tk
        set t0 [clock milliseconds]
        expect_rtype nullarray {r bzpopmin tk 0.1}
        set took [expr {[clock milliseconds] - $t0}]
        expect_between $took 90 2000
        expect_rtype nullarray {r bzpopmax tk 0.01}
        expect_rtype nullarray {r bzmpop 0.01 1 tk min}
        expect_rtype nullarray {r bzpopmin tk 0.0001}
        expect_eq [blocked_count] 0
        set c [new_client -resp 3]
        expect_eq [$c bzpopmin tk 0.01] ""
        expect_eq [$c .lasttype] null
        expect_eq [$c bzmpop 0.01 1 tk max count 2] ""
        expect_eq [$c .lasttype] null
        $c .close
    }
    btest "Timeout errors" {
        foreach cmd {{bzpopmin k TO} {bzpopmax k TO} {bzmpop TO 1 k min}} {
            foreach {bad msg} {
                x "ERR timeout is not a float or out of range"
                nan "ERR timeout is not a float or out of range"
                "" "ERR timeout is not a float or out of range"
                " 1" "ERR timeout is not a float or out of range"
                -1 "ERR timeout is negative"
                -0.5 "ERR timeout is negative"
                1e300 "ERR timeout is out of range"
                inf "ERR timeout is out of range"
            } {
                set c [string map [list TO [list $bad]] $cmd]
                expect_err $msg [list r {*}$c]
            }
        }
        r set str v
        expect_err "ERR timeout is negative" {r bzpopmin str -1}
        expect_err "WRONGTYPE*" {r bzpopmin nokey str 0}
    }
    btest "BZMPOP waits and pops with a count; argument errors come before the timeout" {
        r del mp1 mp2
        set rd [blocked_client bzmpop 0 2 mp1 mp2 max count 2]
        r zadd mp2 1 a 2 b 3 c
        expect_eq [$rd .read] {mp2 {{c 3} {b 2}}}
        expect_eq [r zrange mp2 0 -1] a
        expect_eq [r bzmpop 0 2 mp1 mp2 min count 5] {mp2 {{a 1}}}
        $rd .close
        expect_err "ERR numkeys should be greater than 0" {r bzmpop -1 0 k min}
        expect_err "ERR syntax error" {r bzmpop -1 1 k middle}
        expect_err "ERR count should be greater than 0" {r bzmpop -1 1 k min count 0}
        expect_err "ERR syntax error" {r bzmpop 0 2 k min}
        expect_err "ERR timeout is negative" {r bzmpop -1 1 k min count 1}
    }
    btest "A waiter in RESP3 gets a double score" {
        r del r3
        set c [new_client -resp 3]
        $c .send bzpopmin r3 0
        wait_blocked 1
        r zadd r3 2.5 m
        expect_eq [$c .readtyped] {array {{bulk r3} {bulk m} {double 2.5}}}
        $c .close
    }
    btest "CLIENT UNBLOCK ends a wait with a timeout or an error" {
        r del ub
        set rd [new_client]
        set id [$rd client id]
        $rd .send bzpopmin ub 0
        wait_blocked 1
        expect_eq [r client unblock $id] 1
        expect_rtype nullarray {$rd .read}
        $rd .send bzmpop 0 1 ub min
        wait_blocked 1
        expect_eq [r client unblock $id error] 1
        expect_err "UNBLOCKED client unblocked via CLIENT UNBLOCK" {$rd .read}
        expect_eq [blocked_count] 0
        expect_eq [$rd ping] PONG
        $rd .close
    }
    btest "A closed blocked client stops waiting" {
        r del gone
        set rd [blocked_client bzpopmin gone 0]
        $rd .close
        wait_blocked 0
        r zadd gone 1 a
        expect_eq [r zcard gone] 1
        expect_eq [blocking_keys_count] 0
    }
    btest "A key of another type, or deleted, keeps its waiters waiting" {
        r del tc
        set rd [blocked_client bzpopmin tc 0]
        r set tc string
        after 50
        expect_eq [blocked_count] 1
        r del tc
        r rpush tc v
        after 50
        expect_eq [blocked_count] 1
        r del tc
        r zadd tc 7 v
        expect_eq [$rd .read] {tc v 7}
        $rd .close
    }
    btest "A zset emptied by the first waiter leaves the second waiting" {
        r del em
        set c1 [blocked_client bzpopmax em 0]
        set c2 [blocked_client bzpopmin em 0]
        r zadd em 1 only
        expect_eq [$c1 .read] {em only 1}
        after 50
        expect_eq [blocked_count] 1
        r zadd em 2 next
        expect_eq [$c2 .read] {em next 2}
        $c1 .close
        $c2 .close
    }
    btest "Waiters are per database; MOVE and SWAPDB wake them" {
        r select 9
        r del dbk swk
        set rd [new_client]
        $rd select 9
        $rd .send bzpopmin dbk 0
        wait_blocked 1
        r select 0
        r del dbk swk
        r zadd dbk 1 zero
        after 50
        expect_eq [blocked_count] 1
        expect_eq [r move dbk 9] 1
        expect_eq [$rd .read] {dbk zero 1}
        $rd .send bzpopmin swk 0
        wait_blocked 1
        r zadd swk 2 fromzero
        r swapdb 0 9
        expect_eq [$rd .read] {swk fromzero 2}
        r swapdb 0 9
        r select 0
        $rd .close
    }
    btest "INFO blocked_clients, total_blocking_keys and CLIENT LIST flag b" {
        r del i1 i2
        set c1 [new_client]
        set id [$c1 client id]
        $c1 .send bzpopmin i1 i2 0
        wait_blocked 1
        expect_eq [blocking_keys_count] 2
        expect_glob "*flags=b*" [r client list id $id]
        r zadd i2 1 a
        expect_eq [$c1 .read] {i2 a 1}
        expect_eq [blocked_count] 0
        expect_eq [blocking_keys_count] 0
        $c1 .close
    }
    btest "A blocking pop is counted once in commandstats" {
        r config resetstat
        r del cs
        set rd [blocked_client bzpopmin cs 0]
        r zadd cs 1 v
        expect_eq [$rd .read] {cs v 1}
        expect_glob "*cmdstat_bzpopmin:calls=1,*" [r info commandstats]
        $rd .close
    }
    btest "Served waiters propagate ZPOPMIN/ZPOPMAX, after the write that served them" {
        r select 9
        r del pq1 pq2
        set c1 [new_client]
        $c1 select 9
        r debug propagated start
        $c1 .send bzpopmin pq1 0
        wait_blocked 1
        r zadd pq1 1 a 2 b
        expect_eq [$c1 .read] {pq1 a 1}
        $c1 .send bzpopmax pq1 0
        wait_blocked 0
        expect_eq [$c1 .read] {pq1 b 2}
        $c1 .send bzmpop 0 1 pq2 max count 5
        wait_blocked 1
        r zadd pq2 1 x 2 y
        expect_eq [$c1 .read] {pq2 {{y 2} {x 1}}}
        $c1 bzpopmin pq9 0.01
        set p [propagated_lower [r debug propagated get]]
        r debug propagated stop
        expect_eq $p [list {select 9} {zadd pq1 1 a 2 b} {zpopmin pq1} {zpopmax pq1} {zadd pq2 1 x 2 y} {zpopmax pq2 5}]
        r select 0
        $c1 .close
    }
    btest "A served waiter's pop fires its events" {
        r del ke
        set rd [blocked_client bzpopmin ke 0]
        r debug key-events start
        r zadd ke 1 v
        expect_eq [$rd .read] {ke v 1}
        set ev [r debug key-events get]
        r debug key-events stop
        expect_eq $ev {{0 new ke} {0 zadd ke} {0 zpopmin ke} {0 del ke}}
        $rd .close
    }
    btest "DEBUG KEYSPACE-CHECK passes after the blocking tests" {
        expect_eq [blocked_count] 0
        expect_eq [r debug keyspace-check] OK
    }
}
