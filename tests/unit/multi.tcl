# Transactions: MULTI/EXEC/DISCARD and WATCH/UNWATCH with Valkey 8's
# rules.  Queued commands own their arguments; a queue-time error (unknown
# command, wrong arity, a command not allowed in a transaction: nested
# MULTI and WATCH too since Valkey 8.0) aborts EXEC with EXECABORT; a
# runtime error inside EXEC rolls nothing back.  WATCH fails the EXEC when
# the key changes (another client, EXPIRE, RENAME into it, expiry, also a
# key expiring while watched without anyone touching it), for FLUSHDB/
# FLUSHALL and SWAPDB only when the key existed (Valkey's cases of
# expired keys), not for a key of another database; a client whose
# watched key changed drops its watches (CLIENT LIST watch=0, INFO
# counts).  Blocking commands inside EXEC answer at once; EXEC propagates
# its writes as MULTI ... EXEC (one write alone, nothing for reads);
# CLIENT PAUSE WRITE holds an EXEC that writes; CLIENT LIST multi/watch
# and flags x/d; INFO watching_clients/total_watched_keys.

file_tags {multi needs:multi}

# `propagated` (tests/harness/observe.tcl) leaves the SELECTs out here: where
# the SELECT goes is checked on its own.
propagated_skip {select *}

# A field of a client's CLIENT LIST line, asked by `r` (the client itself
# may be inside MULTI, where CLIENT INFO would only be queued).
proc cinfo {c field} {
    global cinfo_ids
    if {![info exists cinfo_ids($c)]} { set cinfo_ids($c) [$c client id] }
    set line [r client list id $cinfo_ids($c)]
    if {[regexp "(?:^| )${field}=(\\S*)" $line -> v]} { return $v }
    return ""
}

# Runs body with active expiry off.
proc no_active_expire {body} {
    r debug set-active-expire 0
    set code [catch {uplevel 1 $body} res opts]
    r debug set-active-expire 1
    return -options $opts $res
}

# Each test starts with no other client, nothing watched, no transaction,
# in database 9.
proc mtest {name body} {
    catch {r discard}
    r unwatch
    r client kill type normal skipme yes
    r select 9
    uplevel 1 [list test $name $body]
}

with_server {
    r select 9
    mtest "MULTI / EXEC basics" {
        r del list
        r rpush list a b c
        expect_eq [r multi] OK
        expect_eq [r lrange list 0 -1] QUEUED
        expect_eq [r ping] QUEUED
        expect_eq [r incr n] QUEUED
        expect_eq [r exec] {{a b c} PONG 1}
        # Out of the transaction again.
        expect_eq [r get n] 1
    }
    mtest "An empty transaction answers an empty array" {
        r multi
        expect_eq [expect_rtype array {r exec}] {}
    }
    mtest "DISCARD drops the queue" {
        r del list
        r rpush list a
        r multi
        expect_eq [r del list] QUEUED
        expect_eq [r discard] OK
        expect_eq [r lrange list 0 -1] a
        expect_err "ERR EXEC without MULTI" {r exec}
    }
    mtest "EXEC and DISCARD without MULTI" {
        expect_err "ERR EXEC without MULTI" {r exec}
        expect_err "ERR DISCARD without MULTI" {r discard}
        expect_err "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command" {r exec x}
        expect_err "ERR wrong number of arguments for 'multi' command" {r multi x}
        expect_err "ERR wrong number of arguments for 'watch' command" {r watch}
        expect_err "ERR wrong number of arguments for 'unwatch' command" {r unwatch x}
    }
    mtest "Nested MULTI and WATCH inside MULTI are refused and abort the transaction (Valkey 8)" {
        r del k
        r multi
        expect_err "ERR Command not allowed inside a transaction" {r multi}
        r set k 1
        expect_err "EXECABORT Transaction discarded because of previous errors." {r exec}
        expect_eq [r exists k] 0
        r multi
        expect_err "ERR Command not allowed inside a transaction" {r watch k}
        r set k 1
        expect_err "EXECABORT*" {r exec}
        expect_eq [r exists k] 0
        # Other commands flagged no_multi too.
        r multi
        expect_err "ERR Command not allowed inside a transaction" {r shutdown}
        expect_err "EXECABORT*" {r exec}
    }
    mtest "EXECABORT after an unknown command or a wrong arity while queueing" {
        r del a b
        r multi
        r set a 1
        expect_err "ERR unknown command 'nosuchcmd'*" {r nosuchcmd x}
        r set b 2
        expect_err "EXECABORT Transaction discarded because of previous errors." {r exec}
        expect_eq [r exists a b] 0
        r multi
        r set a 1
        expect_err "ERR wrong number of arguments for 'get' command" {r get}
        expect_err "EXECABORT*" {r exec}
        r multi
        expect_err "ERR unknown subcommand 'nope'*" {r client nope}
        expect_err "EXECABORT*" {r exec}
        # The state is cleared after the abort.
        expect_eq [r ping] PONG
        expect_eq [r exists a b] 0
        expect_eq [cinfo r multi] -1
    }
    mtest "EXEC itself refused (wrong arity) aborts and ends the transaction" {
        r del a
        r multi
        r set a 1
        expect_err "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command" {r exec extra}
        expect_err "ERR EXEC without MULTI" {r exec}
        expect_eq [r exists a] 0
        # Outside MULTI too; and the watches go.
        r watch a
        expect_err "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command" {r exec extra}
        expect_eq [cinfo r watch] 0
        # A refused DISCARD only flags the transaction.
        r multi
        r set a 1
        expect_err "ERR wrong number of arguments for 'discard' command" {r discard extra}
        expect_err "EXECABORT Transaction discarded because of previous errors." {r exec}
        expect_eq [r exists a] 0
    }
    mtest "EXECABORT is counted: rejected calls of the refused command, a failed EXEC" {
        r config resetstat
        r multi
        catch {r get}
        catch {r exec}
        set stats [r info commandstats]
        expect_re {cmdstat_get:calls=0,.*rejected_calls=1} $stats
        expect_re {cmdstat_exec:calls=1,.*failed_calls=1} $stats
        expect_re {errorstat_EXECABORT:count=1} [r info errorstats]
    }
    mtest "A runtime error inside EXEC does not roll back the others" {
        r del s
        r set s x
        r multi
        r set a 1
        r lpush s v
        r incr s
        r incr a
        set res [r .typed exec]
        expect_eq [lindex $res 0] array
        set items [lindex $res 1]
        expect_eq [lindex $items 0] {simple OK}
        expect_eq [lindex $items 1] {error {WRONGTYPE Operation against a key holding the wrong kind of value}}
        expect_eq [lindex $items 2] {error {ERR value is not an integer or out of range}}
        expect_eq [lindex $items 3] {int 2}
        expect_eq [r get a] 2
        expect_eq [r get s] x
    }
    mtest "Queued commands own their arguments (a long pipelined transaction)" {
        r del big
        set c [new_client]
        $c select 9
        set vals {}
        $c .send multi
        for {set i 0} {$i < 500} {incr i} {
            set v [string repeat [format %03d $i] [expr {1 + $i % 40}]]
            lappend vals $v
            $c .send rpush big $v
        }
        $c .send exec
        expect_eq [$c .read] OK
        for {set i 0} {$i < 500} {incr i} { expect_eq [$c .read] QUEUED }
        set res [$c .read]
        expect_eq [llength $res] 500
        expect_eq [lindex $res end] 500
        expect_eq [r lrange big 0 -1] $vals
        $c .close
    }
    mtest "SELECT inside a transaction changes the database for what follows" {
        r select 9
        r del k
        r select 10
        r del k
        r select 9
        r multi
        r set k nine
        r select 10
        r set k ten
        expect_eq [r exec] {OK OK OK}
        expect_eq [r get k] ten
        r select 9
        expect_eq [r get k] nine
    }
    mtest "RESET and QUIT inside MULTI" {
        set c [new_client]
        $c multi
        $c set k 1
        expect_eq [$c reset] RESET
        expect_err "ERR EXEC without MULTI" {$c exec}
        $c multi
        expect_eq [$c quit] OK
        expect_eq [$c .closed] 1
        $c .close
    }
    mtest "EXEC in RESP3: an array, a null when a watched key changed" {
        set c [new_client -resp 3]
        $c select 9
        $c multi
        $c ping
        expect_eq [$c .typed exec] {array {{simple PONG}}}
        $c watch w
        r set w 1
        $c multi
        $c ping
        expect_eq [$c .typed exec] {null}
        $c .close
    }
    mtest "A RESP2 subscriber cannot start a transaction" {
        set c [new_client]
        $c .send subscribe ch
        $c .read
        expect_err "ERR Can't execute 'multi'*" {$c multi}
        $c .close
    }

    # ---- WATCH ---------------------------------------------------------------

    mtest "EXEC runs when no watched key changed" {
        r set x 1
        r watch x y z
        r watch k
        r multi
        r ping
        expect_eq [r exec] PONG
    }
    mtest "EXEC fails when a watched key is changed by another client" {
        set c [new_client]
        $c select 9
        r set x 30
        r watch a b x k
        $c set x 40
        r multi
        r incr x
        expect_rtype nullarray {r exec}
        expect_eq [r get x] 40
        $c .close
    }
    mtest "A change that writes the same value still counts; a failed write does not" {
        set c [new_client]
        $c select 9
        r set x 1
        r watch x
        $c set x 1
        r multi
        r ping
        expect_rtype nullarray {r exec}
        r set l v
        r watch l
        catch {$c lpush l a}
        $c get l
        $c exists l
        r multi
        r ping
        expect_eq [r exec] PONG
        $c .close
    }
    mtest "The client's own write before MULTI fails its EXEC too" {
        r set x 1
        r watch x
        r set x 2
        r multi
        r ping
        expect_rtype nullarray {r exec}
    }
    mtest "Writes queued in the transaction itself do not fail it" {
        r set x 1
        r watch x
        r multi
        r set x 2
        r incr x
        expect_eq [r exec] {OK 3}
    }
    mtest "After EXEC (run or failed) and DISCARD the keys are no longer watched" {
        r set x 1
        r watch x
        r multi
        r ping
        r exec
        r set x 2
        r multi
        r ping
        expect_eq [r exec] PONG
        r watch x
        r set x 3
        r multi
        r ping
        r exec
        r set x 4
        r multi
        r ping
        expect_eq [r exec] PONG
        r watch x
        r set x 5
        r multi
        r discard
        r multi
        r incr x
        expect_eq [r exec] 6
    }
    mtest "UNWATCH forgets the keys and a change already seen" {
        r set x 1
        r watch x
        r set x 2
        expect_eq [r unwatch] OK
        r multi
        r ping
        expect_eq [r exec] PONG
        expect_eq [r unwatch] OK
        # Inside MULTI, UNWATCH is queued like any command.
        r multi
        expect_eq [r unwatch] QUEUED
        expect_eq [r exec] OK
    }
    mtest "WATCH remembers the database of its key" {
        r select 5
        r set x 30
        r watch x
        r select 6
        r set x 10
        r select 5
        r multi
        r ping
        expect_eq [r exec] PONG
        r select 9
    }
    mtest "Commands that change a watched key: EXPIRE, RENAME into it, RENAME away, DEL, SORT STORE, LPUSH" {
        set cases {
            {set x foo} {expire x 100}
            {set x foo} {rename src x}
            {set x foo} {rename x elsewhere}
            {set x foo} {del x}
            {rpush x a} {sort nolist store x}
            {del x} {lpush x a}
            {del x} {copy src x}
            {set x 1 ex 100} {persist x}
        }
        foreach {setup change} $cases {
            r del x src elsewhere nolist
            r set src v
            r {*}$setup
            r watch x
            set c [new_client]
            $c select 9
            $c {*}$change
            $c .close
            r multi
            r ping
            expect_rtype nullarray {r exec}
        }
        # PERSIST of a key without a TTL changes nothing.
        r del x
        r set x 1
        r watch x
        r persist x
        r multi
        r ping
        expect_eq [r exec] PONG
    }
    mtest "A watched key changed in another database is not this one" {
        r select 9
        r set x 1
        r watch x
        r select 3
        r set x 2
        r select 9
        r multi
        r ping
        expect_eq [r exec] PONG
    }
    mtest "Active expiry of a watched key fails EXEC" {
        r flushdb
        r set x foo px 50
        r watch x
        wait_for {[r dbsize] == 0}
        r multi
        r ping
        expect_rtype nullarray {r exec}
    }
    mtest "A watched key that expires while watched, never touched, fails EXEC" {
        no_active_expire {
            set failed 0
            # Expiry is to the millisecond: a few attempts may be needed
            # for the key to be alive at WATCH time.
            for {set i 0} {$i < 10 && !$failed} {incr i} {
                r set x 1 px 100
                r watch x
                after 120
                r multi
                r incr x
                set res [r exec]
                if {$res eq ""} { set failed 1 } else { r unwatch }
            }
            expect_eq $failed 1
        }
    }
    mtest "A key already expired at WATCH time does not fail EXEC, nor does its deletion" {
        no_active_expire {
            r del x
            r set x foo px 1
            after 5
            r watch x
            r multi
            r ping
            expect_eq [r exec] PONG
            r set x foo px 1
            after 5
            r watch x
            # EXISTS meets it expired and deletes it: logically no change.
            expect_eq [r exists x] 0
            r multi
            r ping
            expect_eq [r exec] PONG
            # But a new value after that is a change.
            r set x foo px 1
            after 5
            r watch x
            r exists x
            r set x bar
            r multi
            r ping
            expect_rtype nullarray {r exec}
        }
    }
    mtest "FLUSHDB and FLUSHALL fail the EXEC of watchers of keys that existed only" {
        foreach flush {flushdb flushall} {
            r set x 30
            r watch x
            r $flush
            r multi
            r ping
            expect_rtype nullarray {r exec}
            r del x
            r watch x
            r $flush
            r multi
            r ping
            expect_eq [r exec] PONG
        }
        # FLUSHALL reaches other databases; FLUSHDB does not.
        r select 4
        r set x 1
        r select 9
        r watch x
        r flushall
        r multi
        r ping
        expect_eq [r exec] PONG
        r select 4
        r set x 1
        r watch x
        r select 9
        r flushdb
        r select 4
        r multi
        r ping
        expect_eq [r exec] PONG
        r select 9
        r select 4
        r watch x
        r flushall
        r multi
        r ping
        expect_rtype nullarray {r exec}
        r select 9
    }
    mtest "FLUSHDB while watching an expired key does not fail EXEC" {
        no_active_expire {
            r del x
            r set x foo px 1
            after 5
            r watch x
            r flushdb
            r multi
            r ping
            expect_eq [r exec] PONG
            # Alive at WATCH, expired since, still in the table: a change.
            r set x foo px 50
            r watch x
            after 80
            r flushdb
            r multi
            r ping
            expect_rtype nullarray {r exec}
        }
    }
    mtest "SWAPDB fails the EXEC when the key exists before or after" {
        r flushall
        r select 0
        r set x 30
        r watch x
        r swapdb 0 1
        r multi
        r ping
        expect_rtype nullarray {r exec}
        r flushall
        r select 1
        r set x 30
        r select 0
        r watch x
        r swapdb 0 1
        r multi
        r ping
        expect_rtype nullarray {r exec}
        # Neither database has it: no change.
        r flushall
        r watch x
        r swapdb 0 1
        r multi
        r ping
        expect_eq [r exec] PONG
        # A database swapped with itself changes nothing.
        r set x 1
        r watch x
        r swapdb 0 0
        r multi
        r ping
        expect_eq [r exec] PONG
        r select 9
    }
    mtest "SWAPDB and expired keys (Valkey's cases)" {
        no_active_expire {
            # A watched expired key replaced with nothing.
            r flushall
            r select 1
            r set x foo px 1
            after 5
            r watch x
            r swapdb 0 1
            r multi
            r ping
            expect_eq [r exec] PONG
            # Nothing replaced with an expired key.
            r flushall
            r select 0
            r set x foo px 1
            after 5
            r select 1
            r watch x
            r swapdb 0 1
            r multi
            r ping
            expect_eq [r exec] PONG
            # An expired key replaced with another expired key.
            r flushall
            r select 1
            r set x foo px 1
            r select 0
            r set x bar px 1
            after 5
            r select 1
            r watch x
            r swapdb 0 1
            r multi
            r ping
            expect_eq [r exec] PONG
            # An expired key replaced with a live one is a change.
            r flushall
            r select 1
            r set x foo px 1
            r select 0
            r set x bar
            after 5
            r select 1
            r watch x
            r swapdb 0 1
            r multi
            r ping
            expect_rtype nullarray {r exec}
            # Nothing replaced with an expired key, which is then deleted
            # and written again: a change.
            r flushall
            r select 0
            r set x foo px 1
            after 5
            r select 1
            r watch x
            r swapdb 0 1
            r exists x
            r set x new
            r multi
            r ping
            expect_rtype nullarray {r exec}
        }
        r flushall
        r select 9
    }
    mtest "WATCH of many keys at once, and several clients on one key" {
        set keys {}
        for {set i 0} {$i < 20000} {incr i} { lappend keys wk:$i }
        r watch {*}$keys
        r watch {*}[lrange $keys 0 99]
        expect_eq [cinfo r watch] 20000
        set cs {}
        for {set i 0} {$i < 5} {incr i} {
            set c [new_client]
            $c select 9
            $c watch wk:12345 other:$i
            lappend cs $c
        }
        expect_eq [info_field clients total_watched_keys] 20005
        expect_eq [info_field clients watching_clients] 6
        set w [new_client]
        $w select 9
        $w set wk:12345 changed
        $w .close
        r multi
        r ping
        expect_rtype nullarray {r exec}
        foreach c $cs {
            expect_eq [cinfo $c watch] 0
            $c multi
            $c ping
            expect_rtype nullarray {$c exec}
            $c .close
        }
        expect_eq [info_field clients total_watched_keys] 0
    }
    mtest "WATCH from a client already dirty watches nothing more" {
        r set x 1
        r watch x
        r set x 2
        r watch y z
        expect_eq [cinfo r watch] 0
        r multi
        r ping
        expect_rtype nullarray {r exec}
    }

    # ---- CLIENT LIST, INFO -------------------------------------------------------

    mtest "CLIENT LIST multi= and watch=, flags x and d; INFO watching_clients and total_watched_keys" {
        r unwatch
        set c [new_client]
        $c select 9
        set c2 [new_client]
        $c2 select 9
        expect_eq [cinfo $c multi] -1
        expect_eq [cinfo $c watch] 0
        expect_eq [cinfo $c2 watch] 0
        expect_eq [info_field clients watching_clients] 0
        expect_eq [info_field clients total_watched_keys] 0
        $c watch a b c
        $c2 watch a d
        # The same key twice in one client counts once.
        $c watch a
        expect_eq [cinfo $c watch] 3
        expect_eq [info_field clients watching_clients] 2
        expect_eq [info_field clients total_watched_keys] 4
        $c multi
        expect_eq [cinfo $c multi] 0
        expect_eq [cinfo $c flags] x
        $c set k v
        $c get k
        expect_eq [cinfo $c multi] 2
        # Another client changes a: both watchers are dirty and drop their
        # watches (Valkey 8).
        r set a 1
        expect_eq [cinfo $c flags] xd
        expect_eq [cinfo $c watch] 0
        expect_eq [cinfo $c2 flags] d
        expect_eq [cinfo $c2 watch] 0
        expect_eq [info_field clients watching_clients] 0
        expect_eq [info_field clients total_watched_keys] 0
        expect_rtype nullarray {$c exec}
        expect_eq [cinfo $c flags] N
        expect_eq [cinfo $c multi] -1
        $c2 unwatch
        expect_eq [cinfo $c2 flags] N
        # A disconnected watcher is forgotten.
        $c watch p q
        expect_eq [info_field clients total_watched_keys] 2
        $c .close
        wait_for {[info_field clients watching_clients] == 0}
        expect_eq [info_field clients total_watched_keys] 0
        $c2 .close
    }
    mtest "RESET unwatches" {
        set c [new_client]
        $c watch a b
        expect_eq [info_field clients total_watched_keys] 2
        $c reset
        expect_eq [info_field clients total_watched_keys] 0
        expect_eq [cinfo $c watch] 0
        $c .close
    }

    # ---- blocking commands inside EXEC ---------------------------------------------

    mtest "Blocking commands inside EXEC answer at once" {
        r del l z s dst
        set t0 [clock milliseconds]
        r multi
        r blpop l 0
        r brpop l 0
        r blmove l dst left left 0
        r brpoplpush l dst 0
        r blmpop 0 1 l left
        r bzpopmin z 0
        r bzpopmax z 0
        r bzmpop 0 1 z min
        r xread block 0 streams s $
        set res [r .typed exec]
        expect_lt [expr {[clock milliseconds] - $t0}] 1000
        expect_eq $res {array {nullarray nullarray nullbulk nullbulk nullarray nullarray nullarray nullarray nullarray}}
        # With something to serve, they serve it.
        r rpush l a b c d
        r zadd z 1 m
        r multi
        r blpop l 0
        r blmove l dst right left 0
        r bzpopmin z 0
        expect_eq [r exec] {{l a} d {z m 1}}
        expect_eq [info_field clients blocked_clients] 0
    }
    mtest "XREADGROUP BLOCK inside EXEC answers at once" {
        r del s
        r xgroup create s g $ mkstream
        r multi
        r xreadgroup group g c block 0 streams s >
        expect_eq [r .typed exec] {array nullarray}
    }
    mtest "Blocking commands inside EXEC in RESP3 answer a null" {
        set c [new_client -resp 3]
        $c select 9
        $c del l
        $c multi
        $c blpop l 0
        $c blmove l d left left 0
        expect_eq [$c .typed exec] {array {null null}}
        $c .close
    }

    # ---- propagation ----------------------------------------------------------------

    mtest "EXEC propagates several writes as MULTI ... EXEC" {
        set out [propagated {
            r multi
            r set a 1
            r get a
            r incr a
            r del nokey
            r rpush l x
            r exec
        }]
        expect_eq $out {multi {set a 1} {incr a} {rpush l x} exec}
    }
    mtest "One write alone propagates without MULTI; reads and no-op writes propagate nothing" {
        expect_eq [propagated {
            r multi
            r set a 2
            r get a
            r exec
        }] {{set a 2}}
        expect_eq [propagated {
            r multi
            r get a
            r exists a
            r exec
        }] {}
        r del nokey
        expect_eq [propagated {
            r multi
            r del nokey
            r exec
        }] {}
        expect_eq [propagated {
            r multi
            r exec
        }] {}
        # A failed EXEC propagates nothing either.
        expect_eq [propagated {
            r watch a
            r set a 3
            r multi
            r set a 4
            r exec
        }] {{set a 3}}
    }
    mtest "Commands inside EXEC propagate in their replayable forms" {
        r del s
        r sadd s only
        set out [propagated {
            r multi
            r set e v ex 100
            r spop s
            r exec
        }]
        expect_eq [llength $out] 4
        expect_eq [lindex $out 0] multi
        expect_eq [string tolower [lrange [lindex $out 1] 0 3]] {set e v pxat}
        expect_eq [lindex $out 2] {srem s only}
        expect_eq [lindex $out 3] exec
    }
    mtest "A transaction's writes to several databases carry their SELECTs" {
        r debug propagated start
        r multi
        r select 1
        r set k a
        r select 2
        r set k b
        r select 9
        r exec
        set out [r debug propagated get]
        r debug propagated stop
        set names [lmap c $out {string tolower [lindex $c 0]}]
        expect_eq [lsearch -all -inline $names set] {set set}
        expect_eq [lindex $names end] exec
        set i [lsearch $names multi]
        expect_ge $i 0
        # Each SET follows a SELECT of its own database.
        set dbs {}
        set cur ""
        foreach c $out {
            set n [string tolower [lindex $c 0]]
            if {$n eq "select"} { set cur [lindex $c 1] }
            if {$n eq "set"} { lappend dbs $cur }
        }
        expect_eq $dbs {1 2}
        r select 9
    }

    # ---- CLIENT PAUSE ---------------------------------------------------------------

    mtest "CLIENT PAUSE WRITE holds an EXEC that writes, not one that only reads" {
        set c [new_client]
        $c select 9
        $c multi
        $c set p 1
        r client pause 10000 write
        $c .send exec
        $c .timeout 200
        expect_eq [catch {$c .read} err] 1
        expect_glob "*timeout*" $err
        $c .timeout 30000
        r client unpause
        expect_eq [$c .read] OK
        expect_eq [r get p] 1
        $c multi
        $c get p
        r client pause 10000 write
        expect_eq [$c exec] 1
        # A write sent while paused is held where it arrives, even queued.
        $c multi
        $c .send set p 2
        $c .timeout 200
        expect_eq [catch {$c .read} err] 1
        expect_glob "*timeout*" $err
        $c .timeout 30000
        r client unpause
        expect_eq [$c .read] QUEUED
        expect_eq [$c exec] OK
        expect_eq [r get p] 2
        $c .close
    }
}

# ---- the same random transactions against redis-server 7.0 --------------------
#
# A seeded stream of MULTI/EXEC/DISCARD/WATCH/UNWATCH and data commands
# (some refused while queueing, some failing inside EXEC, WRONGTYPE, keys
# changed by a second client between WATCH and EXEC) goes to our server
# and to redis-server 7.0, and every reply must be the same.  Left out are
# the Valkey 8 changes: MULTI and WATCH inside MULTI (refused with
# "Command not allowed inside a transaction" and aborting EXEC since 8.0).
# MULTI_SEED=n replays one seed.

# One random data command on the keys k1..k4 (a few refused at queue time).
proc diff_data_cmd {} {
    set k k[expr {1 + int(rand() * 4)}]
    set k2 k[expr {1 + int(rand() * 4)}]
    set v [lindex {a b 1 2 10 x} [expr {int(rand() * 6)}]]
    set cmds [list \
        [list set $k $v] [list get $k] [list incr $k] [list incrby $k $v] [list del $k $k2] \
        [list lpush $k $v] [list rpop $k] [list lrange $k 0 -1] [list sadd $k $v] [list scard $k] \
        [list hset $k f $v] [list hget $k f] [list append $k $v] [list exists $k $k2] [list type $k] \
        [list mset $k $v $k2 $v] [list getset $k $v] [list rename $k $k2] [list persist $k] \
        [list expire $k 1000] [list zadd $k 1 $v] [list zcard $k] [list setnx $k $v] [list strlen $k] \
        [list nosuchcommand $k] [list get] [list set $k] [list lpush $k] [list select 99]]
    return [lindex $cmds [expr {int(rand() * [llength $cmds])}]]
}

proc diff_value {c k} {
    switch -- [$c type $k] {
        none { return none }
        string { return [list string [$c get $k]] }
        list { return [list list [$c lrange $k 0 -1]] }
        set { return [list set [lsort [$c smembers $k]]] }
        hash { return [list hash [lsort -stride 2 [$c hgetall $k]]] }
        zset { return [list zset [$c zrange $k 0 -1]] }
    }
}

set ::redis_handle [start_redis]
if {$::redis_handle ne ""} {
    with_server {
        mtest "Random transactions: every reply as redis-server 7.0's" {
            set seeds [expr {[info exists ::env(MULTI_SEED)] ? $::env(MULTI_SEED) : {11 22 33}}]
            foreach seed $seeds {
                expr {srand($seed)}
                set resp [expr {$seed % 3 == 0 ? 3 : 2}]
                set oa [new_client -resp $resp]
                set ob [new_client -resp $resp]
                set ra [new_client -resp $resp -srv $::redis_handle]
                set rb [new_client -resp $resp -srv $::redis_handle]
                foreach c [list $oa $ob $ra $rb] { $c select 9 }
                $oa flushdb
                $ra flushdb
                set in_multi 0
                for {set step 0} {$step < 1500} {incr step} {
                    set p [expr {int(rand() * 100)}]
                    set second 0
                    if {$p < 8 && !$in_multi} {
                        set cmd [list multi]
                    } elseif {$p < 14 && !$in_multi} {
                        set cmd [list watch k[expr {1 + int(rand() * 4)}]]
                        if {rand() < 0.5} { lappend cmd k[expr {1 + int(rand() * 4)}] }
                    } elseif {$p < 17} {
                        set cmd [list unwatch]
                    } elseif {$p < 26} {
                        set cmd [list exec]
                        if {rand() < 0.05} { lappend cmd extra }
                    } elseif {$p < 30} {
                        set cmd [list discard]
                    } elseif {$p < 45} {
                        # The other client changes a key meanwhile.
                        set second 1
                        set cmd [diff_data_cmd]
                    } else {
                        set cmd [diff_data_cmd]
                    }
                    if {$second} { set o $ob; set rr $rb } else { set o $oa; set rr $ra }
                    set got [$o .typed {*}$cmd]
                    set want [$rr .typed {*}$cmd]
                    expect_eq $got $want "seed $seed step $step: $cmd"
                    if {!$second} {
                        set name [lindex $cmd 0]
                        if {$name eq "multi" && $want eq {simple OK}} { set in_multi 1 }
                        if {$name in {exec discard} && [lindex $want 1] ni {{ERR EXEC without MULTI} {ERR DISCARD without MULTI}}} {
                            # A refused DISCARD leaves the transaction open.
                            if {!($name eq "discard" && [string match "ERR wrong number*" [lindex $want 1]])} {
                                set in_multi 0
                            }
                        }
                    }
                }
                if {$in_multi} {
                    expect_eq [$oa .typed exec] [$ra .typed exec] "seed $seed: the last EXEC"
                }
                foreach k {k1 k2 k3 k4} {
                    expect_eq [diff_value $oa $k] [diff_value $ra $k] "seed $seed: key $k at the end"
                }
                foreach c [list $oa $ob $ra $rb] { $c .close }
            }
        }
    }
    srvh::stop $::redis_handle
}
