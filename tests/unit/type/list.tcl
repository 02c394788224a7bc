# Lists: every non-blocking list command and option, reply shapes in RESP2
# and RESP3, error texts, binary values, the listpack <-> quicklist
# conversions at Valkey 8's thresholds (and back), compression and plain
# nodes, propagation, key events, digests, memory, the generic commands on
# list keys, and a randomized comparison with a Tcl model under several
# node sizes.  The blocking commands are in list_blocking.tcl.

file_tags {list}

proc expect_encoding {enc key} {
    expect_eq [r object encoding $key] $enc "OBJECT ENCODING $key"
}

# A fresh list key holding vals.
proc mklist {key vals} {
    r del $key
    if {[llength $vals]} { r rpush $key {*}$vals }
}

with_server {
    # ---- pushes ---------------------------------------------------------------
    test "LPUSH and RPUSH return the new length and keep order" {
        r del l
        expect_eq [r rpush l a b c] 3
        expect_eq [r lpush l x y] 5
        expect_eq [r lrange l 0 -1] {y x a b c}
        expect_eq [r type l] list
        expect_encoding listpack l
    }
    test "LPUSHX and RPUSHX push only onto an existing list" {
        r del lx
        expect_eq [r lpushx lx a] 0
        expect_eq [r rpushx lx a b] 0
        expect_eq [r exists lx] 0
        r rpush lx m
        expect_eq [r lpushx lx a b] 3
        expect_eq [r rpushx lx y z] 5
        expect_eq [r lrange lx 0 -1] {b a m y z}
    }
    test "Integers, signs and leading zeros round-trip as written" {
        set vals [list 0 -0 1 -1 007 12345678901234567890 9223372036854775807 -9223372036854775808 +5 " 1" 1.5 0x10 ""]
        mklist ints $vals
        expect_eq [r lrange ints 0 -1] $vals
        expect_eq [r lindex ints 7] -9223372036854775808
        expect_eq [r lpos ints -0] 1
        expect_eq [r lpos ints 0] 0
        expect_eq [r lpos ints 7] ""
        expect_eq [r lpos ints 007] 4
    }
    test "Binary values with NUL, CR and LF" {
        set v1 "a\x00b\r\nc"
        set v2 "\r\n"
        set v3 "\x00"
        mklist bin [list $v1 $v2 $v3]
        expect_eq [r lrange bin 0 -1] [list $v1 $v2 $v3]
        expect_eq [r lpos bin $v2] 1
        expect_eq [r lrem bin 0 $v3] 1
        expect_eq [r lindex bin 0] $v1
        expect_eq [r linsert bin after $v2 "\x00\x01"] 3
        expect_eq [r rpop bin] "\x00\x01"
    }
    test "Elements of every listpack string size class" {
        set vals {}
        foreach n {0 1 63 64 4095 4096 70000} { lappend vals [string repeat x $n] }
        mklist sizes $vals
        expect_eq [r lrange sizes 0 -1] $vals
        expect_eq [r llen sizes] 7
    }

    # ---- pops -------------------------------------------------------------------
    test "LPOP and RPOP without a count reply with a bulk string" {
        mklist p {a b c}
        expect_rtype bulk {r lpop p}
        expect_eq [r rpop p] c
        expect_eq [r lrange p 0 -1] b
        r del nop
        expect_rtype nullbulk {r lpop nop}
        expect_rtype nullbulk {r rpop nop}
    }
    test "LPOP and RPOP with a count reply with an array" {
        mklist p {a b c d e}
        expect_eq [r lpop p 2] {a b}
        expect_eq [r rpop p 2] {e d}
        expect_eq [r rpop p 10] {c}
        expect_eq [r exists p] 0
        expect_rtype nullarray {r lpop p 3}
        expect_rtype nullarray {r rpop p 0}
        mklist p {a}
        expect_rtype array {r lpop p 0}
        expect_eq [r lpop p 0] {}
        expect_eq [r llen p] 1
        expect_eq [r lpop p 9223372036854775807] a
    }
    test "LPOP count errors" {
        mklist p {a b}
        expect_err "ERR value is out of range, must be positive" {r lpop p -1}
        expect_err "ERR value is out of range, must be positive" {r rpop p x}
        expect_err "ERR value is out of range, must be positive" {r lpop p 9223372036854775808}
        expect_err "ERR wrong number of arguments for 'lpop' command" {r lpop p 1 2}
        expect_err "ERR wrong number of arguments for 'rpop' command" {r rpop p 1 2}
        # The count is checked before the key.
        expect_err "ERR value is out of range, must be positive" {r lpop nokey -1}
        expect_eq [r llen p] 2
    }
    test "The last pop deletes the key" {
        mklist p {a}
        r rpop p
        expect_eq [r exists p] 0
        mklist p {a b}
        r lpop p 5
        expect_eq [r exists p] 0
    }

    # ---- reading ----------------------------------------------------------------
    test "LLEN" {
        mklist l {a b c}
        expect_eq [r llen l] 3
        r del nol
        expect_eq [r llen nol] 0
    }
    test "LINDEX with positive, negative and out-of-range indexes" {
        mklist l {a b c}
        expect_eq [r lindex l 0] a
        expect_eq [r lindex l 2] c
        expect_eq [r lindex l -1] c
        expect_eq [r lindex l -3] a
        expect_null {r lindex l 3}
        expect_null {r lindex l -4}
        expect_null {r lindex l 9223372036854775807}
        expect_null {r lindex l -9223372036854775808}
        expect_err "ERR value is not an integer or out of range" {r lindex l x}
        # The key is looked up first: a missing key answers null.
        expect_null {r lindex nokey x}
    }
    test "LRANGE clamps its range as Valkey does" {
        mklist l {a b c d e}
        expect_eq [r lrange l 1 3] {b c d}
        expect_eq [r lrange l -2 -1] {d e}
        expect_eq [r lrange l -100 1] {a b}
        expect_eq [r lrange l 3 100] {d e}
        expect_eq [r lrange l 3 1] {}
        expect_eq [r lrange l 5 10] {}
        expect_eq [r lrange l 0 -6] {}
        expect_eq [r lrange l -9223372036854775808 9223372036854775807] {a b c d e}
        expect_rtype array {r lrange nokey 0 -1}
        expect_err "ERR value is not an integer or out of range" {r lrange l a 1}
        expect_err "ERR value is not an integer or out of range" {r lrange nokey 0 b}
    }
    test "LPOS with RANK, COUNT and MAXLEN" {
        mklist l {a b c a b c a}
        expect_eq [r lpos l a] 0
        expect_eq [r lpos l c] 2
        expect_eq [r lpos l a rank 2] 3
        expect_eq [r lpos l a rank -1] 6
        expect_eq [r lpos l a rank -2] 3
        expect_eq [r lpos l a count 0] {0 3 6}
        expect_eq [r lpos l a count 2] {0 3}
        expect_eq [r lpos l a count 2 rank -1] {6 3}
        expect_eq [r lpos l a rank 2 count 0] {3 6}
        expect_eq [r lpos l a count 0 maxlen 4] {0 3}
        expect_eq [r lpos l c maxlen 2] ""
        expect_eq [r lpos l a rank -1 maxlen 1] 6
        expect_eq [r lpos l a rank -1 maxlen 2 count 0] {6}
        expect_eq [r lpos l a rank 9223372036854775807] ""
        expect_eq [r lpos l zz] ""
        expect_rtype nullbulk {r lpos l zz}
        expect_eq [r lpos l zz count 0] {}
        expect_rtype array {r lpos l zz count 1}
        expect_rtype nullbulk {r lpos nokey a}
        expect_rtype array {r lpos nokey a count 3}
    }
    test "LPOS errors" {
        mklist l {a}
        expect_err "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list" {r lpos l a rank 0}
        expect_err "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807" {r lpos l a rank -9223372036854775808}
        expect_err "ERR value is not an integer or out of range" {r lpos l a rank x}
        expect_err "ERR COUNT can't be negative" {r lpos l a count -1}
        expect_err "ERR COUNT can't be negative" {r lpos l a count x}
        expect_err "ERR MAXLEN can't be negative" {r lpos l a maxlen -1}
        expect_err "ERR syntax error" {r lpos l a foo 1}
        expect_err "ERR syntax error" {r lpos l a rank}
        # Options are parsed before the key is looked up.
        expect_err "ERR syntax error" {r lpos nokey a count}
        r set str v
        expect_err "WRONGTYPE*" {r lpos str a}
    }

    # ---- writes -----------------------------------------------------------------
    test "LINSERT before and after a pivot" {
        mklist l {a b c}
        expect_eq [r linsert l before b x] 4
        expect_eq [r linsert l after c y] 5
        expect_eq [r linsert l BEFORE a z] 6
        expect_eq [r lrange l 0 -1] {z a x b c y}
        expect_eq [r linsert l after nosuch q] -1
        r del nol
        expect_eq [r linsert nol after a b] 0
        expect_eq [r exists nol] 0
        expect_err "ERR syntax error" {r linsert l middle a b}
        expect_err "ERR syntax error" {r linsert nol middle a b}
        # Integers compare by value text.
        mklist li {1 2 3}
        expect_eq [r linsert li after 2 2.5] 4
        expect_eq [r lrange li 0 -1] {1 2 2.5 3}
    }
    test "LSET replaces by index" {
        mklist l {a b c}
        expect_eq [r lset l 0 x] OK
        expect_eq [r lset l -1 z] OK
        expect_eq [r lrange l 0 -1] {x b z}
        expect_err "ERR index out of range" {r lset l 3 q}
        expect_err "ERR index out of range" {r lset l -4 q}
        expect_err "ERR index out of range" {r lset l 4294967296 q}
        expect_err "ERR no such key" {r lset nokey 0 q}
        expect_err "ERR value is not an integer or out of range" {r lset l x q}
        expect_eq [r lrange l 0 -1] {x b z}
    }
    test "LREM from the head, from the tail, and all" {
        mklist l {a b a c a b a}
        expect_eq [r lrem l 2 a] 2
        expect_eq [r lrange l 0 -1] {b c a b a}
        expect_eq [r lrem l -1 b] 1
        expect_eq [r lrange l 0 -1] {b c a a}
        expect_eq [r lrem l 0 a] 2
        expect_eq [r lrange l 0 -1] {b c}
        expect_eq [r lrem l 0 zz] 0
        expect_eq [r lrem nokey 0 a] 0
        expect_err "ERR value is not an integer or out of range" {r lrem l x a}
        mklist l {a a}
        expect_eq [r lrem l -9223372036854775808 a] 2
        expect_eq [r exists l] 0
    }
    test "LTRIM keeps a range, deletes the key when nothing is left" {
        mklist l {a b c d e}
        expect_eq [r ltrim l 1 -2] OK
        expect_eq [r lrange l 0 -1] {b c d}
        r ltrim l 0 100
        expect_eq [r lrange l 0 -1] {b c d}
        r ltrim l -2 -1
        expect_eq [r lrange l 0 -1] {c d}
        r ltrim l 5 10
        expect_eq [r exists l] 0
        mklist l {a b}
        r ltrim l 1 0
        expect_eq [r exists l] 0
        expect_eq [r ltrim nokey 0 1] OK
        expect_err "ERR value is not an integer or out of range" {r ltrim l x 1}
        mklist l {a b c}
        r ltrim l -9223372036854775808 9223372036854775807
        expect_eq [r llen l] 3
    }

    # ---- LMOVE / RPOPLPUSH / LMPOP ---------------------------------------------
    test "LMOVE in all four directions" {
        foreach {from to res_src res_dst moved} {
            left left {b c} {a x} a
            left right {b c} {x a} a
            right left {a b} {c x} c
            right right {a b} {x c} c
        } {
            mklist src {a b c}
            mklist dst {x}
            expect_eq [r lmove src dst $from $to] $moved
            expect_eq [r lrange src 0 -1] $res_src
            expect_eq [r lrange dst 0 -1] $res_dst
        }
    }
    test "LMOVE and RPOPLPUSH edge cases" {
        r del nosrc dst
        expect_rtype nullbulk {r lmove nosrc dst left left}
        expect_rtype nullbulk {r rpoplpush nosrc dst}
        expect_eq [r exists dst] 0
        # Rotation on one list.
        mklist rot {a b c}
        expect_eq [r rpoplpush rot rot] c
        expect_eq [r lrange rot 0 -1] {c a b}
        expect_eq [r lmove rot rot left right] c
        expect_eq [r lrange rot 0 -1] {a b c}
        # One element moved onto itself keeps the key.
        mklist one {a}
        expect_eq [r lmove one one left left] a
        expect_eq [r lrange one 0 -1] a
        # The source emptied is deleted; the destination is created.
        mklist src {a}
        r del newdst
        expect_eq [r rpoplpush src newdst] a
        expect_eq [r exists src] 0
        expect_eq [r lrange newdst 0 -1] a
        # A destination of another type: WRONGTYPE, source untouched.
        mklist src {a b}
        r set strdst v
        expect_err "WRONGTYPE*" {r lmove src strdst left left}
        expect_err "WRONGTYPE*" {r rpoplpush src strdst}
        expect_eq [r lrange src 0 -1] {a b}
        expect_err "WRONGTYPE*" {r lmove strdst src left left}
        expect_err "ERR syntax error" {r lmove src dst up left}
        expect_err "ERR syntax error" {r lmove src dst left down}
    }
    test "LMPOP picks the first non-empty list" {
        r del m1 m2 m3
        r rpush m2 a b c
        r rpush m3 x
        expect_eq [r lmpop 3 m1 m2 m3 left] {m2 a}
        expect_eq [r lmpop 3 m1 m2 m3 right count 10] {m2 {c b}}
        expect_eq [r exists m2] 0
        expect_eq [r lmpop 2 m1 m3 LEFT COUNT 1] {m3 x}
        expect_rtype nullarray {r lmpop 2 m1 m3 left}
        r rpush m1 1 2 3
        expect_eq [r lmpop 1 m1 left count 2] {m1 {1 2}}
    }
    test "LMPOP errors" {
        r del m1
        r rpush m1 a
        expect_err "ERR numkeys should be greater than 0" {r lmpop 0 m1 left}
        expect_err "ERR numkeys should be greater than 0" {r lmpop -1 m1 left}
        expect_err "ERR numkeys should be greater than 0" {r lmpop x m1 left}
        expect_err "ERR syntax error" {r lmpop 2 m1 left}
        expect_err "ERR syntax error" {r lmpop 3 m1 m2 left}
        expect_err "ERR syntax error" {r lmpop 9223372036854775807 m1 left}
        expect_err "ERR syntax error" {r lmpop 1 m1 up}
        expect_err "ERR syntax error" {r lmpop 1 m1 left count}
        expect_err "ERR syntax error" {r lmpop 1 m1 left count 1 count 1}
        expect_err "ERR syntax error" {r lmpop 1 m1 left foo}
        expect_err "ERR count should be greater than 0" {r lmpop 1 m1 left count 0}
        expect_err "ERR count should be greater than 0" {r lmpop 1 m1 left count -1}
        expect_err "ERR count should be greater than 0" {r lmpop 1 m1 left count x}
        r set s v
        expect_err "WRONGTYPE*" {r lmpop 2 s m1 left}
        # A non-list key after a non-empty list is never reached.
        expect_eq [r lmpop 2 m1 s left] {m1 a}
        expect_eq [r llen m1] 0
    }

    # ---- wrong type ----------------------------------------------------------------
    test "List commands on a string key fail with WRONGTYPE" {
        r set s v
        foreach cmd {
            {lpush s a} {rpush s a} {lpushx s a} {rpushx s a} {lpop s} {rpop s} {lpop s 2}
            {llen s} {lindex s 0} {linsert s before a b} {lset s 0 a} {lrange s 0 -1}
            {lrem s 0 a} {ltrim s 0 1} {lpos s a} {lmove s d left left} {rpoplpush s d}
            {lmpop 1 s left} {blpop s 0} {brpop s 0} {blmove s d left left 0}
            {brpoplpush s d 0} {blmpop 0 1 s left}
        } {
            expect_err "WRONGTYPE Operation against a key holding the wrong kind of value" [list r {*}$cmd]
        }
        expect_eq [r get s] v
    }

    # ---- RESP3 ---------------------------------------------------------------------
    test "RESP3 reply shapes" {
        set c [new_client -resp 3]
        $c del r3 nokey
        $c rpush r3 a b c
        expect_eq [$c lpop r3] a
        expect_eq [$c lpop nokey] ""
        expect_eq [$c .lasttype] null
        expect_eq [$c lpop nokey 2] ""
        expect_eq [$c .lasttype] null
        expect_eq [$c lpop r3 0] {}
        expect_eq [$c .lasttype] array
        expect_eq [$c lpop r3 5] {b c}
        expect_eq [$c .lasttype] array
        expect_eq [$c lmpop 1 nokey left] ""
        expect_eq [$c .lasttype] null
        $c rpush r3 x
        expect_eq [$c lmpop 1 r3 left] {r3 x}
        expect_eq [$c lindex nokey 0] ""
        expect_eq [$c .lasttype] null
        expect_eq [$c lpos nokey a] ""
        expect_eq [$c .lasttype] null
        expect_eq [$c lrange nokey 0 -1] {}
        expect_eq [$c .lasttype] array
        expect_eq [$c rpoplpush nokey x] ""
        expect_eq [$c .lasttype] null
        $c .close
    }

    # ---- encodings -------------------------------------------------------------------
    test "A small list is a listpack; past list-max-listpack-size a quicklist" {
        r config set list-max-listpack-size 4
        mklist e {a b c d}
        expect_encoding listpack e
        r rpush e x
        expect_encoding quicklist e
        # LPUSH of several elements at once converts before pushing.
        r del e2
        r lpush e2 1 2 3 4 5
        expect_encoding quicklist e2
        expect_eq [r lrange e2 0 -1] {5 4 3 2 1}
        r config set list-max-listpack-size -2
    }
    test "A quicklist turns back into a listpack at half the limit" {
        r config set list-max-listpack-size 4
        mklist e {a b c d e}
        expect_encoding quicklist e
        r rpop e
        expect_encoding quicklist e
        r rpop e
        expect_encoding quicklist e
        r rpop e
        expect_encoding listpack e
        expect_eq [r lrange e 0 -1] {a b}
        # Through LTRIM, LREM and LMOVE too.
        mklist e {a b c d e f}
        r ltrim e 0 1
        expect_encoding listpack e
        mklist e {a b c d e}
        r lrem e 0 e
        expect_encoding quicklist e
        r lrem e 2 a
        expect_encoding quicklist e
        mklist e {a b c d e}
        r del other
        r lmove e other right left
        r lmove e other right left
        r lmove e other right left
        expect_encoding listpack e
        r config set list-max-listpack-size -2
    }
    test "Byte limits: -1 is 4 KB, -2 8 KB (the default)" {
        r config set list-max-listpack-size -1
        r del b1
        r rpush b1 [string repeat a 2000] [string repeat b 2000]
        expect_encoding listpack b1
        r rpush b1 [string repeat c 100]
        expect_encoding quicklist b1
        r config set list-max-listpack-size -2
        r del b2
        r rpush b2 [string repeat a 4000] [string repeat b 4000]
        expect_encoding listpack b2
        r rpush b2 [string repeat c 200]
        expect_encoding quicklist b2
        # One element bigger than the node limit: a quicklist at once.
        r del b3
        r rpush b3 [string repeat x 9000]
        expect_encoding quicklist b3
        expect_eq [string length [r lindex b3 0]] 9000
    }
    test "Counted fills keep Valkey's 8 KB safety limit" {
        r config set list-max-listpack-size 1000
        r del c1
        r rpush c1 [string repeat a 5000]
        expect_encoding listpack c1
        r rpush c1 [string repeat a 5000]
        expect_encoding quicklist c1
        r config set list-max-listpack-size -2
    }
    test "LINSERT converts before looking for the pivot (even when absent)" {
        r config set list-max-listpack-size 3
        mklist ins {a b c}
        expect_eq [r linsert ins after nosuch x] -1
        expect_encoding quicklist ins
        r config set list-max-listpack-size -2
    }
    test "LSET of a large value converts; replacing it with a small one converts back" {
        r del ls
        r rpush ls [string repeat x 10000]
        expect_encoding quicklist ls
        r lset ls 0 small
        expect_encoding listpack ls
        expect_eq [r lrange ls 0 -1] small
        mklist ls {a b c}
        r lset ls 1 [string repeat y 10000]
        expect_encoding quicklist ls
        expect_eq [string length [r lindex ls 1]] 10000
        expect_eq [r lindex ls 2] c
    }
    test "DEBUG LISTPACK answers for listpack lists only" {
        mklist dl {a b}
        expect_glob "*" [r debug listpack dl]
        r rpush dl [string repeat x 9000]
        expect_err "*not represented using an listpack*" {r debug listpack dl}
    }
    test "list-compress-depth compresses inner nodes (less memory, same content)" {
        r config set list-max-listpack-size -1
        foreach depth {0 1 2} {
            r config set list-compress-depth $depth
            r del cz$depth
            for {set i 0} {$i < 3000} {incr i} {
                r rpush cz$depth "compressible-element-[expr {$i % 10}]-compressible-element"
            }
        }
        expect_eq [r lrange cz1 0 -1] [r lrange cz0 0 -1]
        expect_eq [r lrange cz2 1000 1010] [r lrange cz0 1000 1010]
        expect_eq [r lindex cz1 1500] [r lindex cz0 1500]
        set m0 [r memory usage cz0 samples 0]
        set m1 [r memory usage cz1 samples 0]
        expect_lt [expr {$m1 * 3}] $m0
        # Changes in the middle of a compressed list.
        r lset cz1 1500 changed
        r linsert cz1 before changed inserted
        expect_eq [r lrange cz1 1499 1502] [list [r lindex cz0 1499] inserted changed [r lindex cz0 1501]]
        expect_eq [r lrem cz1 0 inserted] 1
        r lset cz1 1500 [r lindex cz0 1500]
        expect_eq [r debug digest-value cz1] [r debug digest-value cz0]
        r ltrim cz2 1000 -1000
        expect_eq [r lrange cz2 0 -1] [r lrange cz0 1000 -1000]
        r config set list-compress-depth 0
        r config set list-max-listpack-size -2
    }
    test "DEBUG QUICKLIST-PACKED-THRESHOLD: plain nodes for small elements" {
        expect_err "ERR argument must be a memory value bigger than 1 and smaller than 4gb" {r debug quicklist-packed-threshold 5gb}
        r debug quicklist-packed-threshold 10b
        r config set list-max-listpack-size 4
        foreach depth {0 1} {
            r config set list-compress-depth $depth
            r del pl
            set model {}
            for {set i 0} {$i < 40} {incr i} {
                set v [expr {$i % 3 ? "short$i" : [string repeat "long-value-$i-" 5]}]
                r rpush pl $v
                lappend model $v
            }
            expect_encoding quicklist pl
            expect_eq [r lrange pl 0 -1] $model
            r linsert pl before short1 [string repeat z 30]
            set model [linsert $model 1 [string repeat z 30]]
            r lset pl 5 tiny
            lset model 5 tiny
            r lset pl 6 [string repeat w 40]
            lset model 6 [string repeat w 40]
            expect_eq [r lpos pl tiny] 5
            expect_eq [r lrem pl 0 short2] 1
            set model [lsearch -all -inline -not -exact $model short2]
            expect_eq [r lrange pl 0 -1] $model
            expect_eq [r lpop pl 3] [lrange $model 0 2]
            expect_eq [r rpop pl 3] [lreverse [lrange $model end-2 end]]
        }
        r debug quicklist-packed-threshold 0
        r config set list-compress-depth 0
        r config set list-max-listpack-size -2
    }

    # ---- propagation -------------------------------------------------------------------
    test "List writes propagate as written; no-ops do not" {
        r select 9
        r del pk pk2
        set p [propagated {
            r rpush pk a b c d e f
            r lpush pk z
            r lpushx nopk a
            r lpop pk
            r rpop pk 2
            r lpop pk 0
            r lset pk 0 q
            r linsert pk after q w
            r linsert pk after nosuch w
            r lrem pk 1 w
            r lrem pk 0 nosuch
            r ltrim pk 0 100
            r ltrim pk 0 1
            r lmove pk pk2 left right
            r rpoplpush pk pk2
            r rpoplpush nopk pk2
            r lpos pk2 q
        }]
        expect_eq $p [list {select 9} {rpush pk a b c d e f} {lpush pk z} {lpop pk} {rpop pk 2} {lset pk 0 q} \
            {linsert pk after q w} {lrem pk 1 w} {ltrim pk 0 1} {lmove pk pk2 left right} {rpoplpush pk pk2}]
        r select 0
    }
    test "LMPOP propagates as LPOP/RPOP with the count popped" {
        r select 9
        r del m1 m2
        r rpush m2 a b c
        set p [propagated {
            r lmpop 2 m1 m2 left
            r lmpop 2 m1 m2 right count 10
            r lmpop 2 m1 m2 right count 10
        }]
        expect_eq $p {{select 9} {lpop m2 1} {rpop m2 2}}
        r select 0
    }
    test "Blocking commands that need not wait propagate as the plain commands" {
        r select 9
        r del b1 b2
        r rpush b1 a b c d e f
        set p [propagated {
            r blpop nokey b1 0
            r brpop b1 0
            r blmove b1 b2 right left 0
            r brpoplpush b1 b2 0
            r blmpop 0 2 nokey b1 right count 10
        }]
        expect_eq $p {{select 9} {lpop b1} {rpop b1} {lmove b1 b2 right left} {rpoplpush b1 b2} {rpop b1 2}}
        r select 0
    }

    # ---- key events ---------------------------------------------------------------------
    test "Key events of the list commands" {
        r del ev ev2
        expect_eq [events { r rpush ev a b c }] {{0 new ev} {0 rpush ev}}
        expect_eq [events { r lpush ev x }] {{0 lpush ev}}
        expect_eq [events { r lpushx noev x }] {}
        expect_eq [events { r linsert ev before a y }] {{0 linsert ev}}
        expect_eq [events { r linsert ev before nosuch y }] {}
        expect_eq [events { r lset ev 0 q }] {{0 lset ev}}
        expect_eq [events { r lrem ev 1 q }] {{0 lrem ev}}
        expect_eq [events { r lrem ev 1 nosuch }] {}
        expect_eq [events { r ltrim ev 0 100 }] {{0 ltrim ev}}
        expect_eq [events { r lmove ev ev2 left right }] {{0 new ev2} {0 rpush ev2} {0 lpop ev}}
        expect_eq [events { r lpop ev }] {{0 lpop ev}}
        expect_eq [events { r rpop ev 10 }] {{0 rpop ev} {0 del ev}}
        expect_eq [events { r lmpop 1 ev2 left }] {{0 lpop ev2} {0 del ev2}}
        r rpush ev a
        expect_eq [events { r ltrim ev 1 0 }] {{0 ltrim ev} {0 del ev}}
    }

    # ---- digests and memory ----------------------------------------------------------
    test "DEBUG DIGEST-VALUE is the same in both encodings and depends on order" {
        r config set list-max-listpack-size 2
        mklist dq {a b c 1 2}
        expect_encoding quicklist dq
        r config set list-max-listpack-size -2
        mklist dlp {a b c 1 2}
        expect_encoding listpack dlp
        expect_eq [r debug digest-value dq] [r debug digest-value dlp]
        mklist dlp2 {b a c 1 2}
        expect_ne [r debug digest-value dlp2] [r debug digest-value dlp]
        mklist dlp3 {ab c 1 2}
        expect_ne [r debug digest-value dlp3] [r debug digest-value dlp]
    }
    test "MEMORY USAGE grows with the list and stays close to the data size" {
        r del mu
        r rpush mu a
        set small [r memory usage mu]
        set hundred {}
        for {set i 0} {$i < 100} {incr i} { lappend hundred [format v%09d $i] }
        for {set i 0} {$i < 100} {incr i} { r rpush mu {*}$hundred }
        set big [r memory usage mu]
        set exact [r memory usage mu samples 0]
        expect_gt $big $small
        # 10,000 elements of 12 listpack bytes each.
        expect_between $exact 120000 140000
        expect_between $big [expr {$exact * 9 / 10}] [expr {$exact * 11 / 10}]
    }

    # ---- generic commands ---------------------------------------------------------------
    test "COPY, RENAME, MOVE, DEL, TYPE, SCAN TYPE, RANDOMKEY with list keys" {
        r flushdb
        mklist g1 {a b c}
        r config set list-max-listpack-size 2
        mklist g2 {a b c}
        r config set list-max-listpack-size -2
        expect_eq [r copy g1 g1c] 1
        expect_eq [r copy g2 g2c] 1
        expect_encoding listpack g1c
        expect_encoding quicklist g2c
        r rpush g2c d
        expect_eq [r lrange g2 0 -1] {a b c}
        expect_eq [r lrange g2c 0 -1] {a b c d}
        r rename g1c g1r
        expect_eq [r lrange g1r 0 -1] {a b c}
        expect_eq [r type g1r] list
        r set str v
        expect_eq [lsort [lindex [r scan 0 type list count 100] 1]] {g1 g1r g2 g2c}
        for {set i 0} {$i < 20} {incr i} {
            expect_true {[lsearch -exact {g1 g1r g2 g2c str} [r randomkey]] >= 0}
        }
        expect_eq [r move g1r 3] 1
        r select 3
        expect_eq [r lrange g1r 0 -1] {a b c}
        r del g1r
        r select 0
        expect_eq [r del g1 g2 g2c] 3
        expect_eq [r exists g1 g2 g2c] 0
    }
    test "An expired list is gone" {
        mklist ex {a b}
        r pexpire ex 20
        after 50
        expect_eq [r llen ex] 0
        expect_eq [r exists ex] 0
        mklist ex {a b}
        r expire ex 100
        r rpush ex c
        expect_between [r ttl ex] 99 100
    }

    # ---- randomized -------------------------------------------------------------------
    test "Random operations agree with a Tcl model for several node sizes" {
        set seed [expr {[info exists ::env(LIST_SEED)] ? $::env(LIST_SEED) : 12345}]
        expr {srand($seed)}
        foreach fill {-2 -1 1 3 5 128} depth {0 1 0 2 1 0} {
            r config set list-max-listpack-size $fill
            r config set list-compress-depth $depth
            r del rl
            set m {}
            for {set op 0} {$op < 600} {incr op} {
                set k [expr {int(rand() * 11)}]
                set v [expr {rand() < 0.3 ? int(rand() * 100) : rand() < 0.05 ? [string repeat x [expr {int(rand() * 9000)}]] : "v[expr {int(rand() * 50)}]"}]
                switch $k {
                    0 - 1 { r rpush rl $v; lappend m $v }
                    2 { r lpush rl $v; set m [linsert $m 0 $v] }
                    3 {
                        set got [r lpop rl]
                        expect_eq $got [lindex $m 0]
                        set m [lrange $m 1 end]
                    }
                    4 {
                        set got [r rpop rl]
                        expect_eq $got [lindex $m end]
                        set m [lrange $m 0 end-1]
                    }
                    5 {
                        if {[llength $m]} {
                            set i [expr {int(rand() * [llength $m])}]
                            r lset rl $i $v
                            lset m $i $v
                        }
                    }
                    6 {
                        if {[llength $m]} {
                            set i [expr {int(rand() * [llength $m])}]
                            set pivot [lindex $m $i]
                            set first [lsearch -exact $m $pivot]
                            if {rand() < 0.5} {
                                r linsert rl before $pivot $v
                                set m [linsert $m $first $v]
                            } else {
                                r linsert rl after $pivot $v
                                set m [linsert $m [expr {$first + 1}] $v]
                            }
                        }
                    }
                    7 {
                        set n [r lrem rl 1 $v]
                        set i [lsearch -exact $m $v]
                        expect_eq $n [expr {$i >= 0}]
                        if {$i >= 0} { set m [lreplace $m $i $i] }
                    }
                    8 {
                        set a [expr {int(rand() * 5)}]
                        set b [expr {-1 - int(rand() * 5)}]
                        r ltrim rl $a $b
                        set m [lrange $m $a end-[expr {-1 - $b}]]
                    }
                    9 {
                        if {[llength $m] < 300} {
                            set vals {}
                            for {set j 0} {$j < 50} {incr j} { lappend vals "bulk$j" }
                            r rpush rl {*}$vals
                            lappend m {*}$vals
                        }
                    }
                    10 {
                        set i [expr {int(rand() * ([llength $m] + 2)) - 1}]
                        expect_eq [r lindex rl $i] [expr {$i >= 0 ? [lindex $m $i] : [lindex $m end]}]
                    }
                }
                if {$op % 50 == 0} { expect_eq [r lrange rl 0 -1] $m "fill $fill depth $depth op $op seed $seed" }
            }
            expect_eq [r lrange rl 0 -1] $m "fill $fill depth $depth seed $seed"
            expect_eq [r llen rl] [llength $m]
        }
        r config set list-max-listpack-size -2
        r config set list-compress-depth 0
    }

    test "DEBUG KEYSPACE-CHECK passes after all of the above" {
        expect_eq [r debug keyspace-check] OK
    }
}
