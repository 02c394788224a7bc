# Blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP.
# Timeouts (fractions of a second, 0 = forever, Valkey's error texts),
# first blocked first served per key, several keys per client, chains of
# BLMOVE/BRPOPLPUSH whose destination is itself awaited, CLIENT UNBLOCK,
# keys renamed into place, deleted or changed to another type while
# clients wait, wrong destination types, databases, INFO and CLIENT LIST,
# commandstats, and what is propagated when a waiter is served.

file_tags {list blocking}

with_server {
    btest "BLPOP and BRPOP answer at once from the first non-empty list" {
        r del k1 k2 k3
        r rpush k2 a b c
        r rpush k3 x
        expect_eq [r blpop k1 k2 k3 0] {k2 a}
        expect_eq [r brpop k1 k2 k3 0] {k2 c}
        expect_eq [r brpop k1 k3 k2 0] {k3 x}
        expect_eq [r exists k3] 0
        expect_eq [r blpop k2 1] {k2 b}
        expect_eq [r exists k2] 0
    }
    btest "BLPOP waits and is served by a later push" {
        r del bk
        set rd [blocked_client blpop bk 0]
        expect_eq [r rpush bk a b] 2
        expect_eq [$rd .read] {bk a}
        expect_eq [r lrange bk 0 -1] b
        expect_eq [blocked_count] 0
        $rd .close
    }
    btest "BRPOP waits on several keys and names the one served" {
        r del w1 w2 w3
        set rd [blocked_client brpop w1 w2 w3 0]
        r rpush w3 x y
        expect_eq [$rd .read] {w3 y}
        $rd .close
    }
    btest "The same key twice waits once" {
        r del dup
        set rd [blocked_client blpop dup dup 0]
        expect_eq [blocking_keys_count] 1
        r lpush dup v
        expect_eq [$rd .read] {dup v}
        $rd .close
    }
    btest "First blocked, first served" {
        r del fifo
        set c1 [blocked_client blpop fifo 0]
        set c2 [blocked_client blpop fifo 0]
        set c3 [blocked_client brpop fifo 0]
        r rpush fifo a b
        expect_eq [$c1 .read] {fifo a}
        expect_eq [$c2 .read] {fifo b}
        expect_eq [blocked_count] 1
        r rpush fifo c
        expect_eq [$c3 .read] {fifo c}
        foreach c [list $c1 $c2 $c3] { $c .close }
    }
    btest "A push served to waiters leaves the rest in the list" {
        r del part
        set c1 [blocked_client blpop part 0]
        r rpush part a b c
        expect_eq [$c1 .read] {part a}
        expect_eq [r lrange part 0 -1] {b c}
        $c1 .close
    }
    btest "Timeouts: fractions of a second, then a null array" {
        r del tk
        set t0 [clock milliseconds]
        expect_rtype nullarray {r blpop tk 0.1}
        set took [expr {[clock milliseconds] - $t0}]
        expect_between $took 90 2000
        expect_rtype nullarray {r brpop tk 0.01}
        expect_rtype nullarray {r blmove tk other left left 0.01}
        expect_rtype nullarray {r brpoplpush tk other 0.01}
        expect_rtype nullarray {r blmpop 0.01 1 tk left}
        # Rounded up to a whole millisecond: never "forever".
        expect_rtype nullarray {r blpop tk 0.0001}
        expect_eq [blocked_count] 0
    }
    btest "Timeouts in RESP3 are a null" {
        set c [new_client -resp 3]
        $c del tk
        expect_eq [$c blpop tk 0.01] ""
        expect_eq [$c .lasttype] null
        expect_eq [$c blmove tk other left left 0.01] ""
        expect_eq [$c .lasttype] null
        $c .close
    }
    btest "Timeout errors" {
        foreach cmd {
            {blpop k TO} {brpop k TO} {blmove k d left left TO} {brpoplpush k d TO} {blmpop TO 1 k left}
        } {
            foreach {bad msg} {
                x "ERR timeout is not a float or out of range"
                1e5000 "ERR timeout is not a float or out of range"
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
        # A timeout is checked before the keys.
        r set str v
        expect_err "ERR timeout is negative" {r blpop str -1}
    }
    btest "A waiter whose timeout has not come is served; the timeout is then void" {
        r del tv
        set rd [blocked_client blpop tv 1.5]
        r rpush tv v
        expect_eq [$rd .read] {tv v}
        after 1600
        expect_eq [blocked_count] 0
        $rd .close
    }
    btest "BLMOVE in all directions when it has to wait" {
        foreach {from to result} {
            left left {v a} right left {v a} left right {a v} right right {a v}
        } {
            r del bsrc bdst
            r rpush bdst a
            set rd [blocked_client blmove bsrc bdst $from $to 0]
            r rpush bsrc v
            expect_eq [$rd .read] v
            expect_eq [r lrange bdst 0 -1] $result
            expect_eq [r exists bsrc] 0
            $rd .close
        }
    }
    btest "Chains: a BLMOVE destination another client waits on" {
        r del ch1 ch2 ch3
        set c1 [blocked_client blmove ch1 ch2 right left 0]
        set c2 [blocked_client blmove ch2 ch3 left right 0]
        set c3 [blocked_client blpop ch3 0]
        r rpush ch1 foo
        expect_eq [$c1 .read] foo
        expect_eq [$c2 .read] foo
        expect_eq [$c3 .read] {ch3 foo}
        expect_eq [r exists ch1 ch2 ch3] 0
        foreach c [list $c1 $c2 $c3] { $c .close }
    }
    btest "Circular BRPOPLPUSH" {
        r del cl1 cl2
        set c1 [blocked_client brpoplpush cl1 cl2 0]
        set c2 [blocked_client brpoplpush cl2 cl1 0]
        r rpush cl1 foo
        expect_eq [$c1 .read] foo
        expect_eq [$c2 .read] foo
        expect_eq [r lrange cl1 0 -1] foo
        expect_eq [r exists cl2] 0
        $c1 .close
        $c2 .close
    }
    btest "Self-referential BRPOPLPUSH" {
        r del self
        set rd [blocked_client brpoplpush self self 0]
        r rpush self foo
        expect_eq [$rd .read] foo
        expect_eq [r lrange self 0 -1] foo
        $rd .close
    }
    btest "BRPOPLPUSH with a wrong destination type: WRONGTYPE, the element stays" {
        r del wsrc
        r set wdst notalist
        set rd [blocked_client brpoplpush wsrc wdst 0]
        r rpush wsrc foo
        expect_err "WRONGTYPE*" {$rd .read}
        expect_eq [r lrange wsrc 0 -1] foo
        expect_eq [r get wdst] notalist
        $rd .close
    }
    btest "Several BRPOPLPUSH waiters, the first with a wrong destination" {
        r del msrc mdst2
        r set mdst1 notalist
        set c1 [blocked_client brpoplpush msrc mdst1 0]
        set c2 [blocked_client brpoplpush msrc mdst2 0]
        r rpush msrc foo
        expect_err "WRONGTYPE*" {$c1 .read}
        expect_eq [$c2 .read] foo
        expect_eq [r lrange mdst2 0 -1] foo
        expect_eq [r exists msrc] 0
        $c1 .close
        $c2 .close
    }
    btest "BLMPOP waits and pops with a count" {
        r del mp1 mp2
        set rd [blocked_client blmpop 0 2 mp1 mp2 right count 2]
        r rpush mp2 a b c
        expect_eq [$rd .read] {mp2 {c b}}
        expect_eq [r lrange mp2 0 -1] a
        expect_eq [r blmpop 0 2 mp1 mp2 left count 5] {mp2 a}
        $rd .close
    }
    btest "BLMPOP argument errors come before the timeout" {
        expect_err "ERR numkeys should be greater than 0" {r blmpop -1 0 k left}
        expect_err "ERR syntax error" {r blmpop -1 1 k middle}
        expect_err "ERR count should be greater than 0" {r blmpop -1 1 k left count 0}
        expect_err "ERR syntax error" {r blmpop 0 2 k left}
        expect_err "ERR timeout is negative" {r blmpop -1 1 k left count 1}
        expect_err "ERR syntax error" {r blmove k d up left -1}
        expect_err "ERR timeout is negative" {r blmove k d left left -1}
    }
    btest "CLIENT UNBLOCK ends a wait with a timeout or an error" {
        r del ub
        set rd [new_client]
        set id [$rd client id]
        $rd .send blpop ub 0
        wait_blocked 1
        expect_eq [r client unblock $id] 1
        expect_rtype nullarray {$rd .read}
        $rd .send brpoplpush ub ub2 0
        wait_blocked 1
        expect_eq [r client unblock $id error] 1
        expect_err "UNBLOCKED client unblocked via CLIENT UNBLOCK" {$rd .read}
        expect_eq [r client unblock $id] 0
        expect_eq [blocked_count] 0
        # The client goes on with its next command.
        expect_eq [$rd ping] PONG
        $rd .close
    }
    btest "A closed blocked client stops waiting" {
        r del gone
        set rd [blocked_client blpop gone 0]
        $rd .close
        wait_blocked 0
        r rpush gone a
        expect_eq [r lrange gone 0 -1] a
        expect_eq [blocking_keys_count] 0
    }
    btest "A key renamed into place serves its waiter" {
        r del rdest rsrc
        set rd [blocked_client blpop rdest 0]
        r rpush rsrc abc
        r rename rsrc rdest
        expect_eq [$rd .read] {rdest abc}
        expect_eq [r exists rdest] 0
        $rd .close
    }
    btest "A key of another type keeps its waiters waiting" {
        r del tc
        set rd [blocked_client blpop tc 0]
        r set tc string
        after 50
        expect_eq [blocked_count] 1
        r del tc
        r rpush tc v
        expect_eq [$rd .read] {tc v}
        $rd .close
    }
    btest "A key deleted while clients wait keeps them waiting" {
        r del dk
        set rd [blocked_client blmove dk dk2 left left 0]
        r rpush other x
        r del dk
        after 50
        expect_eq [blocked_count] 1
        r rpush dk v
        expect_eq [$rd .read] v
        $rd .close
    }
    btest "Waiters are per database; SWAPDB and MOVE wake them" {
        r select 9
        r del dbk
        set rd [new_client]
        $rd select 9
        $rd .send blpop dbk 0
        wait_blocked 1
        r select 0
        r del dbk
        r rpush dbk zero
        after 50
        expect_eq [blocked_count] 1
        expect_eq [r move dbk 9] 1
        expect_eq [$rd .read] {dbk zero}
        # SWAPDB: the data moves, the waiter stays with database 9.
        $rd .send blpop swk 0
        wait_blocked 1
        r rpush swk fromzero
        r swapdb 0 9
        expect_eq [$rd .read] {swk fromzero}
        r swapdb 0 9
        r select 0
        $rd .close
    }
    btest "INFO blocked_clients, total_blocking_keys and CLIENT LIST flag b" {
        r del i1 i2 i3
        set c1 [new_client]
        set id [$c1 client id]
        $c1 .send blpop i1 i2 0
        wait_blocked 1
        set c2 [blocked_client blmove i2 i3 left left 0]
        expect_eq [blocked_count] 2
        expect_eq [blocking_keys_count] 2
        expect_glob "*flags=b*" [r client list id $id]
        r rpush i2 a
        expect_eq [$c1 .read] {i2 a}
        expect_eq [blocked_count] 1
        expect_eq [blocking_keys_count] 1
        expect_glob "*flags=N*" [r client list id $id]
        r rpush i2 b
        expect_eq [$c2 .read] b
        expect_eq [blocked_count] 0
        expect_eq [blocking_keys_count] 0
        $c1 .close
        $c2 .close
    }
    btest "A blocking command is counted once in commandstats" {
        r config resetstat
        r del cs
        set rd [blocked_client blpop cs 0]
        r rpush cs v
        expect_eq [$rd .read] {cs v}
        expect_glob "*cmdstat_blpop:calls=1,*" [r info commandstats]
        r config resetstat
        $rd .send blpop cs 0.01
        expect_rtype nullarray {$rd .read}
        expect_glob "*cmdstat_blpop:calls=1,*" [r info commandstats]
        $rd .close
    }
    btest "Served waiters propagate what they did, after the push that served them" {
        r select 9
        r del pq1 pq2 pq3 pq4
        set c1 [new_client]
        $c1 select 9
        r debug propagated start
        $c1 .send blpop pq1 0
        wait_blocked 1
        r rpush pq1 a b
        expect_eq [$c1 .read] {pq1 a}
        $c1 .send blmove pq2 pq3 right left 0
        wait_blocked 1
        r rpush pq2 c
        expect_eq [$c1 .read] c
        $c1 .send brpoplpush pq2 pq3 0
        wait_blocked 1
        r rpush pq2 d
        expect_eq [$c1 .read] d
        $c1 .send blmpop 0 1 pq4 right count 5
        wait_blocked 1
        r rpush pq4 x y
        expect_eq [$c1 .read] {pq4 {y x}}
        # A timeout propagates nothing.
        $c1 blpop pq9 0.01
        set p [propagated_lower [r debug propagated get]]
        r debug propagated stop
        expect_eq $p [list {select 9} {rpush pq1 a b} {lpop pq1} {rpush pq2 c} {lmove pq2 pq3 right left} \
            {rpush pq2 d} {rpoplpush pq2 pq3} {rpush pq4 x y} {rpop pq4 2}]
        r select 0
        $c1 .close
    }
    btest "A served waiter's pop fires its events" {
        r del ke
        set rd [blocked_client blpop ke 0]
        r debug key-events start
        r rpush ke v
        expect_eq [$rd .read] {ke v}
        set ev [r debug key-events get]
        r debug key-events stop
        expect_eq $ev {{0 new ke} {0 rpush ke} {0 lpop ke} {0 del ke}}
        $rd .close
    }
    btest "Successive pushes serve waiters in order, each push at once" {
        r del pp
        set c1 [blocked_client blpop pp 0]
        set c2 [blocked_client blpop pp 0]
        expect_eq [r lpush pp a] 1
        expect_eq [$c1 .read] {pp a}
        expect_eq [r lpush pp b] 1
        expect_eq [$c2 .read] {pp b}
        expect_eq [r exists pp] 0
        $c1 .close
        $c2 .close
    }
    btest "A waiter is served right after the command that fills its key (pipelining)" {
        # Valkey serves ready keys after every top-level command: the
        # client already waiting gets the element, not the pipelining
        # client's own BLPOP that follows its LPUSH.
        r del fair
        set a [blocked_client blpop fair 0]
        set b [new_client]
        $b .rawsend "*3\r\n\$5\r\nLPUSH\r\n\$4\r\nfair\r\n\$1\r\nx\r\n*3\r\n\$5\r\nBLPOP\r\n\$4\r\nfair\r\n\$3\r\n0.2\r\n"
        expect_eq [$b .read] 1
        expect_eq [$a .read] {fair x}
        expect_eq [$b .read] {}
        $a .close
        $b .close
    }
    btest "Served in the order the pushes made keys ready, each waiter once" {
        r del ka kb
        set c1 [blocked_client blpop ka 0]
        set c2 [blocked_client blpop kb 0]
        set c3 [blocked_client blpop ka kb 0]
        r rpush kb 1
        r rpush ka 2
        expect_eq [$c2 .read] {kb 1}
        expect_eq [$c1 .read] {ka 2}
        r rpush ka 3
        expect_eq [$c3 .read] {ka 3}
        foreach c [list $c1 $c2 $c3] { $c .close }
    }
    btest "DEBUG KEYSPACE-CHECK passes after the blocking tests" {
        expect_eq [blocked_count] 0
        expect_eq [r debug keyspace-check] OK
    }
}
