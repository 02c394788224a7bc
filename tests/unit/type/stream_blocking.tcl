# Blocking stream reads: XREAD BLOCK and XREADGROUP BLOCK on blocked.c.
# Served when XADD appends (several streams per call, first blocked first
# served for a group, every XREAD waiter for plain reads), `$` resolved
# when the command blocks, `+` on an empty stream, timeouts (0 = for
# ever) kept across re-runs, CLIENT UNBLOCK, the stream deleted, replaced
# by another type, flushed or its group destroyed while a client waits
# (XREAD keeps waiting; XREADGROUP answers NOGROUP or WRONGTYPE, as
# Valkey 8), a stream that ran dry, RESP3's map, INFO's counters, and what
# a served XREADGROUP propagates.

file_tags {stream blocking needs:stream}

with_server {
    btest "XREAD BLOCK answers at once when there is something to read" {
        r del s
        r xadd s 1 f v
        expect_eq [r xread block 0 streams s 0] {{s {{1-0 {f v}}}}}
        expect_eq [r xread block 1000 count 1 streams s +] {{s {{1-0 {f v}}}}}
    }
    btest "XREAD BLOCK \$ waits for the next XADD" {
        r del s
        r xadd s 1 f old
        set rd [blocked_client xread block 0 streams s $]
        expect_eq [info_field clients total_blocking_keys] 1
        expect_eq [info_field clients total_blocking_keys_on_nokey] 0
        r xadd s 2 f new
        expect_eq [$rd .read] {{s {{2-0 {f new}}}}}
        expect_eq [blocked_count] 0
        $rd .close
    }
    btest "\$ is resolved when the command blocks, not when it is served" {
        r del s
        r xadd s 1 f a
        set rd [blocked_client xread block 0 streams s $]
        # Two entries arrive in one pipeline: the waiter gets the first,
        # served right after the command that added it.
        set w [new_client]
        $w .send xadd s 2 f b
        $w .send xadd s 3 f c
        $w .read
        $w .read
        expect_eq [$rd .read] {{s {{2-0 {f b}}}}}
        $rd .close
        $w .close
    }
    btest "Every XREAD waiter of a stream is served; several streams per call" {
        r del s1 s2
        set a [blocked_client xread block 0 streams s1 s2 $ $]
        set b [blocked_client xread block 0 streams s2 $]
        set c [blocked_client xread block 0 count 5 streams s1 $]
        r xadd s2 7 x y
        expect_eq [$a .read] {{s2 {{7-0 {x y}}}}}
        expect_eq [$b .read] {{s2 {{7-0 {x y}}}}}
        expect_eq [blocked_count] 1
        r xadd s1 9 p q
        expect_eq [$c .read] {{s1 {{9-0 {p q}}}}}
        foreach x [list $a $b $c] { $x .close }
    }
    btest "XREAD BLOCK with + on an empty stream waits for the first entry" {
        r del s
        set rd [blocked_client xread block 0 streams s +]
        r xadd s 5 f v
        expect_eq [$rd .read] {{s {{5-0 {f v}}}}}
        $rd .close
    }
    btest "XREAD BLOCK times out with a null; BLOCK 0 waits for ever" {
        r del s
        set start [clock milliseconds]
        expect_null {r xread block 60 streams s $}
        expect_ge [expr {[clock milliseconds] - $start}] 55
        set rd [blocked_client xread block 0 streams s $]
        after 150
        expect_eq [blocked_count] 1
        r xadd s 1 f v
        expect_eq [$rd .read] {{s {{1-0 {f v}}}}}
        $rd .close
    }
    btest "XREAD waits on through DEL, SET and a re-created stream" {
        r del s
        r xadd s 666 f v
        set rd [blocked_client xread block 0 streams s $]
        r del s
        r set s str
        r del s
        expect_eq [blocked_count] 1
        r xadd s 667 f v
        expect_eq [$rd .read] {{s {{667-0 {f v}}}}}
        $rd .close
    }
    btest "CLIENT UNBLOCK ends an XREAD wait (null or UNBLOCKED error)" {
        r del s
        set rd [new_client]
        set id [$rd client id]
        $rd .send xread block 0 streams s $
        wait_blocked 1
        expect_eq [r client unblock $id] 1
        expect_null {$rd .read}
        $rd .send xread block 0 streams s $
        wait_blocked 1
        expect_eq [r client unblock $id error] 1
        expect_err "UNBLOCKED*" {$rd .read}
        $rd .close
    }
    btest "XREAD BLOCK in RESP3 is served a map" {
        r del s
        set rd [new_client]
        $rd hello 3
        $rd .send xread block 0 streams s $
        wait_blocked 1
        r xadd s 3 f v
        set t [$rd .readtyped]
        expect_eq [lindex $t 0] map
        $rd .close
    }

    # ---- XREADGROUP ----------------------------------------------------------
    btest "XREADGROUP BLOCK: first blocked, first served; each entry to one consumer" {
        r del s
        r xgroup create s g $ mkstream
        set a [blocked_client xreadgroup group g alice count 1 block 0 streams s >]
        set b [blocked_client xreadgroup group g bob count 1 block 0 streams s >]
        expect_eq [info_field clients total_blocking_keys_on_nokey] 1
        r xadd s 1 f v
        expect_eq [$a .read] {{s {{1-0 {f v}}}}}
        expect_eq [blocked_count] 1
        r xadd s 2 f v
        expect_eq [$b .read] {{s {{2-0 {f v}}}}}
        expect_eq [r xpending s g] {2 1-0 2-0 {{alice 1} {bob 1}}}
        $a .close
        $b .close
    }
    btest "XREADGROUP BLOCK with a history ID answers at once" {
        r del s
        r xgroup create s g $ mkstream
        r xadd s 666 k v
        r xdel s 666
        foreach id {0 600 666 700} {
            expect_eq [r xreadgroup group g c block 0 streams s $id] {{s {}}}
        }
    }
    btest "XREADGROUP on a stream that ran dry blocks, then is served" {
        r del s
        r xgroup create s g $ mkstream
        r xadd s 666 k v
        r xdel s 666
        expect_null {r xreadgroup group g c block 20 streams s >}
        set rd [blocked_client xreadgroup group g c block 0 streams s >]
        r xadd s 667 k v
        expect_eq [$rd .read] {{s {{667-0 {k v}}}}}
        $rd .close
    }
    btest "XREADGROUP waiters answer NOGROUP when the key is deleted" {
        r del s
        r xadd s 666 f v
        r xgroup create s g $
        set rd [blocked_client xreadgroup group g alice block 0 streams s >]
        r del s
        expect_err "NOGROUP*" {$rd .read}
        expect_eq [info_field clients total_blocking_keys_on_nokey] 0
        expect_eq [blocked_count] 0
        $rd .close
    }
    btest "XREADGROUP waiters answer WRONGTYPE when the key becomes another type" {
        r del s
        r xadd s 666 f v
        r xgroup create s g $
        set rd [blocked_client xreadgroup group g alice block 0 streams s >]
        r set s val
        expect_err "*WRONGTYPE*" {$rd .read}
        $rd .close
    }
    btest "XGROUP DESTROY unblocks its XREADGROUP waiters with NOGROUP" {
        r del s
        r xgroup create s g $ mkstream
        r xgroup create s other $
        set rd [blocked_client xreadgroup group g alice block 0 streams s >]
        set ro [blocked_client xreadgroup group other bob block 0 streams s >]
        r xgroup destroy s g
        expect_err "NOGROUP*" {$rd .read}
        expect_eq [blocked_count] 1
        r xadd s 1 f v
        expect_eq [$ro .read] {{s {{1-0 {f v}}}}}
        $rd .close
        $ro .close
    }
    btest "RENAME onto a waited key serves or fails the waiter by its groups" {
        r del s s2
        r xgroup create s g $ mkstream
        set rd [blocked_client xreadgroup group g alice block 0 streams s >]
        r xgroup create s2 g $ mkstream
        r xadd s2 100 f v
        r rename s2 s
        expect_eq [$rd .read] {{s {{100-0 {f v}}}}}
        $rd .send xreadgroup group g alice block 0 streams s >
        wait_blocked 1
        r xadd s3 100 f v
        r rename s3 s
        expect_err "*NOGROUP*" {$rd .read}
        $rd .close
    }
    btest "A re-run keeps the original deadline" {
        r del s
        r xgroup create s g $ mkstream
        set a [blocked_client xreadgroup group g u block 0 streams s >]
        set start [clock milliseconds]
        set b [blocked_client xreadgroup group g u block 400 streams s >]
        after 150
        r xadd s * f v
        $a .read
        expect_null {$b .read}
        set took [expr {[clock milliseconds] - $start}]
        expect_between $took 380 550
        $a .close
        $b .close
    }
    btest "A served XREADGROUP propagates XCLAIM and XGROUP SETID, and counts its call once" {
        r del s
        r xgroup create s g $ mkstream
        r config resetstat
        set rd [blocked_client xreadgroup group g alice block 0 streams s >]
        r debug propagated start
        r xadd s 1 f v
        expect_eq [$rd .read] {{s {{1-0 {f v}}}}}
        set p [r debug propagated get]
        r debug propagated stop
        set p [lsearch -all -inline -not -nocase -glob $p {SELECT*}]
        expect_eq [lindex $p 0] {xadd s 1 f v}
        expect_eq [string tolower [lindex $p 1]] multi
        expect_glob "XCLAIM s g alice 0 1-0 TIME * RETRYCOUNT 1 FORCE JUSTID LASTID 1-0" [lindex $p 2]
        expect_eq [lindex $p 3] {XGROUP SETID s g 1-0 ENTRIESREAD 1}
        expect_glob "*cmdstat_xreadgroup:calls=1,*" [r info commandstats]
        $rd .close
    }
    btest "XREAD and XREADGROUP waiters on one key: a deletion ends only XREADGROUP's" {
        r del s
        r xgroup create s g $ mkstream
        set rd [blocked_client xreadgroup group g c block 0 streams s >]
        set x [blocked_client xread block 0 streams s $]
        expect_eq [info_field clients total_blocking_keys] 1
        expect_eq [info_field clients total_blocking_keys_on_nokey] 1
        r del s
        expect_err "NOGROUP*" {$rd .read}
        expect_eq [info_field clients total_blocking_keys_on_nokey] 0
        expect_eq [blocked_count] 1
        r xadd s 1 f v
        expect_eq [$x .read] {{s {{1-0 {f v}}}}}
        $x .close
        $rd .close
    }
    btest "XREADGROUP queued behind a BLPOP on the same key is still served by XADD" {
        r del mix
        set l [blocked_client blpop mix 0]
        r xgroup create mix g $ mkstream
        set x [blocked_client xreadgroup group g c block 0 streams mix >]
        r xadd mix 1-1 f v
        expect_eq [$x .read] {{mix {{1-1 {f v}}}}}
        expect_eq [blocked_count] 1
        $l .close
        $x .close
    }
    btest "FLUSHALL wakes an XREADGROUP waiter with NOGROUP" {
        r del fl
        r xgroup create fl g $ mkstream
        set x [blocked_client xreadgroup group g c block 0 streams fl >]
        r flushall
        expect_err "NOGROUP*" {$x .read}
        $x .close
    }
    test "DEBUG KEYSPACE-CHECK after all of the above" {
        expect_eq [r debug keyspace-check] OK
    }
}
