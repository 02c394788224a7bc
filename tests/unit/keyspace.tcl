# Generic keyspace commands: DEL/UNLINK/EXISTS/TYPE, KEYS glob matching,
# SCAN (options and its full-iteration guarantee), RENAME, MOVE, COPY,
# RANDOMKEY, DBSIZE, FLUSHDB/FLUSHALL, SWAPDB, SELECT, TOUCH, OBJECT.

file_tags {keyspace}

# Iterate SCAN to the end; returns every key returned (duplicates kept).
proc scan_all {args} {
    set cursor 0
    set keys {}
    while 1 {
        lassign [r scan $cursor {*}$args] cursor batch
        lappend keys {*}$batch
        if {$cursor eq "0"} break
    }
    return $keys
}

with_server {
    test "DEL returns the number of keys removed" {
        r flushdb
        r mset a 1 b 2 c 3
        expect_eq [r del a b nosuch] 2
        expect_eq [r del a] 0
        expect_eq [r exists c] 1
    }
    test "DEL of the same key twice counts it once" {
        r set d 1
        expect_eq [r del d d] 1
    }
    test "UNLINK behaves like DEL" {
        r mset u1 1 u2 2
        expect_eq [r unlink u1 u2 u3] 2
        expect_eq [r exists u1 u2] 0
    }
    test "EXISTS counts duplicates" {
        r flushdb
        r set x 1
        expect_eq [r exists x] 1
        expect_eq [r exists x x x] 3
        expect_eq [r exists x nosuch x] 2
        expect_eq [r exists nosuch] 0
    }
    test "TYPE of a string and of a missing key" {
        r set t1 v
        expect_eq [r type t1] string
        expect_eq [r type nosuch] none
        expect_rtype simple {r type t1}
    }
    test "wrong arity for generic commands" {
        expect_err "ERR wrong number of arguments for 'del' command" {r del}
        expect_err "ERR wrong number of arguments for 'exists' command" {r exists}
        expect_err "ERR wrong number of arguments for 'type' command" {r type a b}
        expect_err "ERR wrong number of arguments for 'rename' command" {r rename a}
    }

    # ---- KEYS -------------------------------------------------------------------
    test "KEYS * returns every key" {
        r flushdb
        r mset k1 a k2 b other c
        expect_set [r keys *] {k1 k2 other}
    }
    test "KEYS with ? and * patterns" {
        r flushdb
        r mset abc 1 abd 1 aXc 1 ac 1 abbc 1
        expect_set [r keys a?c] {abc aXc}
        expect_set [r keys a*c] {abc aXc ac abbc}
        expect_set [r keys ab*] {abc abd abbc}
        expect_eq [r keys nomatch*] {}
    }
    test "KEYS with character classes" {
        r flushdb
        r mset hallo 1 hello 1 hillo 1 hxllo 1 h-llo 1
        expect_set [r keys {h[ae]llo}] {hallo hello}
        expect_set [r keys {h[^e]llo}] {hallo hillo hxllo h-llo}
        expect_set [r keys {h[a-i]llo}] {hallo hello hillo}
        # '!' is not a negation: it is just another member of the class
        expect_set [r keys {h[!e]llo}] {hello}
    }
    test "KEYS with escaped special characters" {
        r flushdb
        r mset {a*b} 1 {a?b} 1 axb 1 {a[b} 1
        expect_set [r keys {a\*b}] {a*b}
        expect_set [r keys {a\?b}] {a?b}
        expect_set [r keys {a?b}] {a*b a?b axb {a[b}}
        expect_set [r keys {a\[b}] {{a[b}}
    }
    test "KEYS with binary keys" {
        r flushdb
        r set "bin\0key" 1
        expect_eq [r keys "bin*"] [list "bin\0key"]
    }

    # ---- SCAN -------------------------------------------------------------------
    test "SCAN returns a cursor and a list" {
        r flushdb
        r set s1 v
        set res [r scan 0]
        expect_eq [llength $res] 2
        expect_is integer [lindex $res 0]
        set t [r .typed scan 0]
        expect_eq [lindex $t 0] array
        expect_eq [lindex $t 1 0 0] bulk
    }
    test "SCAN iterates every key exactly as set" {
        r flushdb
        for {set i 0} {$i < 500} {incr i} { r set key:$i $i }
        set keys [lsort -unique [scan_all COUNT 10]]
        expect_eq [llength $keys] 500
    }
    test "SCAN MATCH" {
        r flushdb
        for {set i 0} {$i < 100} {incr i} { r set foo:$i 1; r set bar:$i 1 }
        set keys [lsort -unique [scan_all MATCH foo:* COUNT 20]]
        expect_eq [llength $keys] 100
        foreach k $keys { expect_glob foo:* $k }
    }
    test "SCAN TYPE" {
        r flushdb
        for {set i 0} {$i < 50} {incr i} { r set str:$i 1 }
        expect_eq [llength [lsort -unique [scan_all TYPE string]]] 50
        expect_eq [scan_all TYPE list] {}
        expect_eq [scan_all TYPE hash COUNT 100] {}
    }
    test "SCAN returns each key present for the whole scan while the table grows" {
        r flushdb
        for {set i 0} {$i < 200} {incr i} { r set orig:$i $i }
        set cursor 0
        set seen {}
        set added 0
        while 1 {
            lassign [r scan $cursor COUNT 5] cursor batch
            foreach k $batch { dict set seen $k 1 }
            # Grow the keyspace during the scan so the table rehashes.
            if {$added < 3000} {
                for {set j 0} {$j < 50} {incr j} { r set new:[incr added] 1 }
            }
            if {$cursor eq "0"} break
        }
        set missing {}
        for {set i 0} {$i < 200} {incr i} {
            if {![dict exists $seen orig:$i]} { lappend missing orig:$i }
        }
        expect_eq $missing {} "keys present during the whole scan were missed"
        expect_gt $added 200
    }
    test "SCAN errors" {
        expect_err "ERR invalid cursor" {r scan abc}
        expect_err "ERR invalid cursor" {r scan 18446744073709551616}
        expect_err "ERR invalid cursor" {r scan 1x}
        expect_err "ERR syntax error*" {r scan 0 FOO}
        expect_err "ERR syntax error*" {r scan 0 COUNT 0}
        expect_err "ERR value is not an integer or out of range" {r scan 0 COUNT x}
        expect_err "ERR syntax error*" {r scan 0 MATCH}
    }

    # ---- RENAME / RENAMENX ----------------------------------------------------------
    test "RENAME moves the value and the TTL" {
        r flushdb
        r set src v EX 100
        expect_eq [r rename src dst] OK
        expect_eq [r exists src] 0
        expect_eq [r get dst] v
        expect_gt [r ttl dst] 0
    }
    test "RENAME overwrites the destination and its TTL" {
        r set src2 a
        r set dst2 b EX 100
        r rename src2 dst2
        expect_eq [r get dst2] a
        expect_eq [r ttl dst2] -1
    }
    test "RENAME of a missing key" {
        r del nosuch
        expect_err "ERR no such key" {r rename nosuch x}
        expect_err "ERR no such key" {r renamenx nosuch x}
    }
    test "RENAME a key to itself" {
        r set same v
        expect_eq [r rename same same] OK
        expect_eq [r get same] v
        expect_eq [r renamenx same same] 0
        expect_err "ERR no such key" {r rename nosuch nosuch}
    }
    test "RENAMENX only when the destination is missing" {
        r mset rn1 a rn2 b
        expect_eq [r renamenx rn1 rn2] 0
        expect_eq [r get rn2] b
        r del rn3
        expect_eq [r renamenx rn1 rn3] 1
        expect_eq [r get rn3] a
        expect_eq [r exists rn1] 0
    }

    # ---- MOVE / COPY ----------------------------------------------------------------
    test "MOVE to another DB" {
        r select 9
        r flushdb
        r select 0
        r set mv v EX 100
        expect_eq [r move mv 9] 1
        expect_eq [r exists mv] 0
        r select 9
        expect_eq [r get mv] v
        expect_gt [r ttl mv] 0
        r select 0
    }
    test "MOVE does not overwrite or move a missing key" {
        r set mv2 here
        r select 9
        r set mv2 there
        r select 0
        expect_eq [r move mv2 9] 0
        expect_eq [r get mv2] here
        expect_eq [r move nosuch 9] 0
    }
    test "MOVE errors" {
        r set mv3 v
        expect_err "ERR source and destination objects are the same" {r move mv3 0}
        expect_err "ERR DB index is out of range" {r move mv3 16}
        expect_err "ERR value is not an integer or out of range" {r move mv3 x}
    }
    test "COPY within a DB" {
        r set cp v EX 100
        r del cp2
        expect_eq [r copy cp cp2] 1
        expect_eq [r get cp2] v
        expect_gt [r ttl cp2] 0
        r set cp v2
        expect_eq [r get cp2] v
    }
    test "COPY does not overwrite unless REPLACE" {
        r mset cpa a cpb b
        expect_eq [r copy cpa cpb] 0
        expect_eq [r get cpb] b
        expect_eq [r copy cpa cpb REPLACE] 1
        expect_eq [r get cpb] a
        expect_eq [r copy nosuch cpb] 0
    }
    test "COPY to another DB" {
        r select 9
        r del cpx
        r select 0
        r set cpx val
        expect_eq [r copy cpx cpx DB 9] 1
        r select 9
        expect_eq [r get cpx] val
        r select 0
        expect_eq [r get cpx] val
    }
    test "COPY errors" {
        r set cpe v
        expect_err "ERR source and destination objects are the same" {r copy cpe cpe}
        expect_err "ERR DB index is out of range" {r copy cpe x DB 99}
        expect_err "ERR syntax error*" {r copy cpe x FOO}
    }

    # ---- RANDOMKEY / DBSIZE / FLUSH* -----------------------------------------------------
    test "RANDOMKEY on an empty DB is null" {
        r flushdb
        expect_null {r randomkey}
    }
    test "RANDOMKEY returns existing keys" {
        r mset ra 1 rb 2 rc 3
        set seen {}
        for {set i 0} {$i < 100} {incr i} { dict set seen [r randomkey] 1 }
        expect_set [dict keys $seen] {ra rb rc}
    }
    test "DBSIZE counts keys per DB" {
        r flushdb
        expect_eq [r dbsize] 0
        r mset a 1 b 2
        expect_eq [r dbsize] 2
        r select 9
        r flushdb
        expect_eq [r dbsize] 0
        r select 0
    }
    test "FLUSHDB clears only the selected DB" {
        r set f0 v
        r select 9
        r set f9 v
        r select 0
        expect_eq [r flushdb] OK
        expect_eq [r dbsize] 0
        r select 9
        expect_eq [r dbsize] 1
        r select 0
    }
    test "FLUSHALL clears every DB" {
        r set a 1
        r select 9
        r set b 1
        expect_eq [r flushall] OK
        expect_eq [r dbsize] 0
        r select 0
        expect_eq [r dbsize] 0
    }
    test "FLUSHDB / FLUSHALL ASYNC and SYNC" {
        r mset a 1 b 2
        expect_eq [r flushdb ASYNC] OK
        expect_eq [r dbsize] 0
        r mset a 1 b 2
        expect_eq [r flushall SYNC] OK
        expect_eq [r dbsize] 0
        expect_err "ERR syntax error*" {r flushall FOO}
        expect_err "ERR syntax error*" {r flushdb FOO}
    }

    # ---- SWAPDB / SELECT ---------------------------------------------------------------
    test "SWAPDB exchanges two DBs" {
        r flushall
        r set k0 zero
        r select 1
        r set k1 one
        expect_eq [r swapdb 0 1] OK
        expect_eq [r get k0] zero
        expect_eq [r exists k1] 0
        r select 0
        expect_eq [r get k1] one
        expect_eq [r swapdb 0 0] OK
        expect_eq [r get k1] one
    }
    test "SWAPDB errors" {
        expect_err "ERR invalid first DB index" {r swapdb a 1}
        expect_err "ERR invalid second DB index" {r swapdb 0 b}
        expect_err "ERR DB index is out of range" {r swapdb 0 16}
        expect_err "ERR DB index is out of range" {r swapdb -1 0}
    }
    test "SELECT switches DB and rejects bad indexes" {
        r select 3
        r set seldb v
        r select 0
        expect_eq [r exists seldb] 0
        expect_err "ERR DB index is out of range" {r select 16}
        expect_err "ERR DB index is out of range" {r select -1}
        expect_err "ERR value is not an integer or out of range" {r select x}
    }
    test "SELECT is per connection" {
        set c2 [new_client]
        $c2 select 5
        $c2 set only5 v
        expect_eq [r exists only5] 0
        $c2 .close
    }

    # ---- TOUCH / OBJECT ---------------------------------------------------------------
    test "TOUCH counts existing keys" {
        r flushdb
        r mset a 1 b 2
        expect_eq [r touch a b c] 2
        expect_eq [r touch c] 0
    }
    test "OBJECT ENCODING of a missing key is null" {
        expect_null {r object encoding nosuch}
    }
    test "OBJECT REFCOUNT of a plain string" {
        r set rc "not shared"
        expect_eq [r object refcount rc] 1
    }
    test "OBJECT IDLETIME grows and TOUCH resets it" {
        r set idle v
        expect_between [r object idletime idle] 0 1
        wait_for {[r object idletime idle] >= 2} -timeout 5000 -interval 100
        r touch idle
        expect_eq [r object idletime idle] 0
        wait_for {[r object idletime idle] >= 1} -timeout 5000 -interval 100
        r get idle
        expect_eq [r object idletime idle] 0
    }
    test "OBJECT FREQ needs an LFU policy" {
        r set fq v
        expect_err "ERR An LFU maxmemory policy is not selected*" {r object freq fq}
        r config set maxmemory-policy allkeys-lfu
        r get fq
        expect_is integer [r object freq fq]
        expect_err "ERR An LFU maxmemory policy is selected, idle time not tracked*" {r object idletime fq}
        r config set maxmemory-policy noeviction
    }
    test "A new value keeps the key's LFU count (SET over every string form, and over another type)" {
        r config set maxmemory-policy allkeys-lfu
        r config set lfu-log-factor 0
        # factor 0: every access counts, so the count is known exactly
        r set lf v
        for {set i 0} {$i < 40} {incr i} { r get lf }
        set before [r object freq lf]
        expect_gt $before 30
        # a reset would bring it back to 5
        foreach v [list w 12 1234567890123 {a longer embedded value} [string repeat x 200] y] {
            r set lf $v
            expect_eq [r get lf] $v
            expect_ge [r object freq lf] $before
            set before [r object freq lf]
        }
        r del lf
        r rpush lf a
        for {set i 0} {$i < 10} {incr i} { r lrange lf 0 0 }
        set before [r object freq lf]
        r set lf v
        expect_ge [r object freq lf] $before
        r config set lfu-log-factor 10
        r config set maxmemory-policy noeviction
    }
    test "SET over an existing string keeps or drops the TTL as asked, whatever the value's form" {
        foreach {old new} {v w 12 13 abc 1234 1234 abcd x {a value long enough to be held apart from the key, past the inline limit of an embedded string in this server}} {
            r set t $old ex 100
            r set t $new keepttl
            expect_eq [r get t] $new
            expect_between [r ttl t] 90 100
            r set t $old ex 100
            r set t $new
            expect_eq [r get t] $new
            expect_eq [r ttl t] -1
        }
        r del t
    }
    test "OBJECT HELP and bad subcommands" {
        set help [r object help]
        expect_gt [llength $help] 4
        expect_glob "*ENCODING*" [join $help]
        expect_err "ERR unknown subcommand 'foo'*" {r object foo x}
        expect_err "ERR wrong number of arguments for 'object|encoding' command" {r object encoding}
    }
}
