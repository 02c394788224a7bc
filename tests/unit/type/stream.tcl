# Stream entry commands: XADD (explicit, "*" and "ms-*" IDs, NOMKSTREAM,
# MAXLEN/MINID with = and ~ and LIMIT), XRANGE/XREVRANGE (- +, exclusive
# bounds, incomplete IDs, COUNT), XLEN, XDEL, XTRIM, XSETID and XREAD
# without blocking; ID arithmetic at the edges (the largest ID, sequence
# overflow into the next millisecond, IDs that do not increase), every
# error text in Valkey 8's order, binary fields and values, node
# boundaries at stream-node-max-entries/-bytes (XINFO's radix-tree-keys
# and whole-node `~` trimming), RESP2 and RESP3 shapes, propagation (the
# generated ID, `~` made exact), key events, the dirty counter, and the
# generic key commands on streams.  Groups: stream_group.tcl; blocking
# reads: stream_blocking.tcl.

file_tags {stream needs:stream}

# `propagated` (tests/harness/observe.tcl) leaves the SELECTs out here.
propagated_skip {select *}

# A dict view of XINFO STREAM.
proc xinfo_field {key field} {
    return [dict get [r xinfo stream $key] $field]
}

# IDs of XRANGE key - +.
proc ids {key} {
    set out {}
    foreach e [r xrange $key - +] { lappend out [lindex $e 0] }
    return $out
}

with_server {
    expect_eq [r config get stream-node-max-entries] {stream-node-max-entries 100}
    expect_eq [r config get stream-node-max-bytes] {stream-node-max-bytes 4096}

    # ---- XADD ----------------------------------------------------------------
    test "XADD with explicit IDs, then XRANGE and XLEN" {
        r del s
        expect_eq [r xadd s 1-1 a 1] 1-1
        expect_eq [r xadd s 1-2 a 2 b 3] 1-2
        expect_eq [r xadd s 5 temp 215] 5-0
        expect_eq [r xlen s] 3
        expect_eq [r xrange s - +] {{1-1 {a 1}} {1-2 {a 2 b 3}} {5-0 {temp 215}}}
        expect_eq [r type s] stream
        expect_eq [r object encoding s] stream
    }
    test "XADD * makes IDs from the clock, never going back" {
        r del s
        set before [clock milliseconds]
        set id [r xadd s * f v]
        set after [clock milliseconds]
        expect_re {^\d+-0$} $id
        set ms [lindex [split $id -] 0]
        expect_between $ms [expr {$before - 5}] [expr {$after + 5}]
        # A last ID in the future: the sequence goes on in that millisecond.
        r xadd s 99999999999999-5 f v
        expect_eq [r xadd s * f v] 99999999999999-6
        expect_eq [r xadd s * f v] 99999999999999-7
    }
    test "XADD ms-* takes the next sequence of that millisecond (0 for a new one)" {
        r del s
        expect_eq [r xadd s 7-* f v] 7-0
        expect_eq [r xadd s 7-* f v] 7-1
        expect_eq [r xadd s 7-* f v] 7-2
        expect_eq [r xadd s 9-* f v] 9-0
        expect_err "ERR The ID specified in XADD is equal or smaller*" {r xadd s 8-* f v}
        expect_err "ERR The ID specified in XADD is equal or smaller*" {r xadd s 0-* f v2}
    }
    test "XADD ID edges: the largest ID, sequence overflow to the next millisecond" {
        r del s
        expect_eq [r xadd s 5-18446744073709551615 f v] 5-18446744073709551615
        # "5-*" would need sequence 2^64: refused.
        expect_err "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s 5-* f v}
        r del s
        r xadd s 99999999999999-18446744073709551615 f v
        # A generated ID carries into the next millisecond.
        expect_eq [r xadd s * f v] 100000000000000-0
        r del s
        expect_eq [r xadd s 18446744073709551615-18446744073709551614 f v] 18446744073709551615-18446744073709551614
        expect_eq [r xadd s 18446744073709551615-* f v] 18446744073709551615-18446744073709551615
        expect_err "ERR The stream has exhausted the last possible ID, unable to add more items" {r xadd s * f v}
        expect_err "ERR The stream has exhausted the last possible ID, unable to add more items" {r xadd s 1-1 f v}
        expect_eq [r xlen s] 2
        expect_eq [r xrange s - +] {{18446744073709551615-18446744073709551614 {f v}} {18446744073709551615-18446744073709551615 {f v}}}
        expect_eq [r xrevrange s + - count 1] {{18446744073709551615-18446744073709551615 {f v}}}
    }
    test "XADD with an ID not above the last one, or 0-0" {
        r del s
        r xadd s 10-5 f v
        expect_err "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s 10-5 f v}
        expect_err "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s 10-4 f v}
        expect_err "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s 9 f v}
        expect_err "ERR The ID specified in XADD must be greater than 0-0" {r xadd s 0-0 f v}
        expect_err "ERR The ID specified in XADD must be greater than 0-0" {r xadd nosuch 0 f v}
        expect_eq [r exists nosuch] 0
        # The last ID stays after its entry is deleted.
        r xdel s 10-5
        expect_eq [r xlen s] 0
        expect_err "ERR The ID specified in XADD is equal or smaller*" {r xadd s 10-5 f v}
        expect_eq [r xadd s 10-6 f v] 10-6
    }
    test "XADD ID syntax: Valkey's parser (strtoull fallback, 127-byte limit)" {
        r del s
        foreach bad {abc 1-abc -1 1-- 1-2-3 - + "" 1.5 0x10 1-*x 18446744073709551616} {
            expect_err "ERR Invalid stream ID specified as stream command argument" [list r xadd s $bad f v]
        }
        expect_err "ERR Invalid stream ID*" [list r xadd s [string repeat 1 128] f v]
        # What strtoull accepts: leading zeros, a plus sign, leading spaces.
        expect_eq [r xadd s 007-1 f v] 7-1
        expect_eq [r xadd s +8-01 f v] 8-1
        expect_eq [r xadd s " 9-2" f v] 9-2
        expect_eq [r xlen s] 3
    }
    test "XADD arity and syntax errors" {
        r del s
        expect_err "ERR wrong number of arguments for 'xadd' command" {r xadd s * f}
        expect_err "ERR wrong number of arguments for 'xadd' command" {r xadd s * f v g}
        expect_err "ERR wrong number of arguments for 'xadd' command" {r xadd s maxlen 5 * f}
        expect_err "ERR syntax error, MAXLEN and MINID options at the same time are not compatible" {r xadd s maxlen 5 minid 1 * f v}
        expect_err "ERR The MAXLEN argument must be >= 0." {r xadd s maxlen -1 * f v}
        expect_err "ERR value is not an integer or out of range" {r xadd s maxlen x * f v}
        expect_err "ERR The LIMIT argument must be >= 0." {r xadd s maxlen ~ 5 limit -1 * f v}
        expect_err "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy" {r xadd s limit 5 * f v}
        expect_err "ERR syntax error, LIMIT cannot be used without the special ~ option" {r xadd s maxlen 5 limit 5 * f v}
        expect_err "ERR syntax error, LIMIT cannot be used without the special ~ option" {r xadd s maxlen = 5 limit 5 * f v}
        expect_err "ERR Invalid stream ID*" {r xadd s minid - * f v}
        expect_eq [r exists s] 0
    }
    test "XADD NOMKSTREAM" {
        r del s
        expect_null {r xadd s nomkstream * f v}
        expect_eq [r exists s] 0
        r xadd s 1 f v
        expect_eq [r xadd s nomkstream 2 f v] 2-0
        expect_eq [r xlen s] 2
    }
    test "XADD against another type" {
        r del str
        r set str x
        expect_err "WRONGTYPE*" {r xadd str * f v}
        expect_err "WRONGTYPE*" {r xadd str nomkstream * f v}
        expect_err "WRONGTYPE*" {r xlen str}
        expect_err "WRONGTYPE*" {r xrange str - +}
        expect_err "WRONGTYPE*" {r xrevrange str + -}
        expect_err "WRONGTYPE*" {r xdel str 1}
        expect_err "WRONGTYPE*" {r xtrim str maxlen 1}
        expect_err "WRONGTYPE*" {r xsetid str 1}
        expect_err "WRONGTYPE*" {r xread streams str 0}
    }
    test "Fields and values are binary safe; integers keep their text" {
        r del s
        set bin "a\x00b\r\nc"
        r xadd s 1 $bin $bin "" "" 0 -0 007 +1 -9223372036854775808 9223372036854775807 18446744073709551616 x
        expect_eq [r xrange s - +] [list [list 1-0 [list $bin $bin "" "" 0 -0 007 +1 -9223372036854775808 9223372036854775807 18446744073709551616 x]]]
        set long [string repeat "xy\x00" 3000]
        r xadd s 2 f $long $long 12
        expect_eq [r xrange s 2 2] [list [list 2-0 [list f $long $long 12]]]
    }

    # ---- trimming ------------------------------------------------------------
    test "XADD MAXLEN = trims exactly" {
        r del s
        for {set i 1} {$i <= 10} {incr i} { r xadd s maxlen 5 $i f $i }
        expect_eq [r xlen s] 5
        expect_eq [ids s] {6-0 7-0 8-0 9-0 10-0}
        r xadd s maxlen = 2 11 f v
        expect_eq [ids s] {10-0 11-0}
        r xadd s maxlen 0 12 f v
        expect_eq [r xlen s] 0
        expect_eq [xinfo_field s recorded-first-entry-id] 0-0
    }
    test "XADD MAXLEN ~ removes whole nodes only" {
        r del s
        with_config stream-node-max-entries 10 {
            for {set i 1} {$i <= 95} {incr i} { r xadd s $i f v }
            expect_eq [xinfo_field s radix-tree-keys] 10
            # 95 entries in nodes of 10: ~ 50 keeps the newest whole nodes.
            r xadd s maxlen ~ 50 96 f v
            expect_eq [r xlen s] 56
            expect_eq [lindex [ids s] 0] 41-0
            # Nothing to remove without going below the threshold.
            r xadd s maxlen ~ 50 97 f v
            expect_eq [r xlen s] 57
            # LIMIT caps the entries removed (whole nodes).
            r xadd s maxlen ~ 0 limit 15 98 f v
            expect_eq [r xlen s] 48
            expect_eq [r xtrim s maxlen ~ 0 limit 9] 0
            expect_eq [r xtrim s maxlen ~ 0 limit 10] 10
            expect_eq [r xtrim s maxlen ~ 20] 10
            expect_eq [r xlen s] 28
        }
    }
    test "MINID trimming, exact and approximate" {
        r del s
        with_config stream-node-max-entries 4 {
            for {set i 1} {$i <= 12} {incr i} { r xadd s $i f v }
            expect_eq [r xtrim s minid ~ 6] 4
            expect_eq [lindex [ids s] 0] 5-0
            expect_eq [r xtrim s minid 7] 2
            expect_eq [lindex [ids s] 0] 7-0
            expect_eq [xinfo_field s recorded-first-entry-id] 7-0
            expect_eq [r xadd s minid = 10 13 f v] 13-0
            expect_eq [ids s] {10-0 11-0 12-0 13-0}
            expect_eq [r xtrim s minid 100] 4
            expect_eq [r xlen s] 0
        }
    }
    test "XTRIM errors and a missing key" {
        r del s
        expect_eq [r xtrim s maxlen 1] 0
        expect_err "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy" {r xtrim s limit 5}
        expect_err "ERR syntax error, XTRIM must be called with a trimming strategy" {r xtrim s limit 0}
        expect_err "ERR syntax error" {r xtrim s maxlen 1 nomkstream}
        expect_err "ERR syntax error" {r xtrim s maxlen 1 foo}
        expect_err "ERR wrong number of arguments for 'xtrim' command" {r xtrim s maxlen}
        expect_err "ERR syntax error, LIMIT cannot be used without the special ~ option" {r xtrim s minid 5 limit 5}
        expect_err "ERR The MAXLEN argument must be >= 0." {r xtrim s maxlen -3}
    }
    test "Node boundaries follow stream-node-max-entries and stream-node-max-bytes" {
        r del s
        with_config stream-node-max-entries 3 {
            for {set i 1} {$i <= 10} {incr i} { r xadd s $i f v }
            expect_eq [xinfo_field s radix-tree-keys] 4
        }
        r del s
        with_config stream-node-max-bytes 100 {
            # Each entry is about 12 listpack bytes: Valkey starts a node
            # when the listpack plus the new entry's strings reach 100.
            for {set i 1} {$i <= 30} {incr i} { r xadd s $i f vvvvvvvvvv }
            expect_eq [xinfo_field s radix-tree-keys] 8
            expect_eq [r xlen s] 30
        }
        r del s
        for {set i 1} {$i <= 250} {incr i} { r xadd s $i temp [expr {200 + $i % 50}] }
        expect_eq [xinfo_field s radix-tree-keys] 3
    }

    # ---- XRANGE / XREVRANGE --------------------------------------------------
    test "XRANGE and XREVRANGE with - +, incomplete IDs, COUNT" {
        r del s
        foreach id {1-0 1-1 1-2 2-0 2-5 3-0} { r xadd s $id f $id }
        expect_eq [llength [r xrange s - +]] 6
        expect_eq [lindex [r xrange s 1 1] end 0] 1-2
        expect_eq [llength [r xrange s 1 1]] 3
        expect_eq [llength [r xrange s 2 +]] 3
        expect_eq [r xrange s 2-1 2-5] {{2-5 {f 2-5}}}
        expect_eq [llength [r xrange s - + count 2]] 2
        expect_eq [lindex [r xrevrange s + - count 2] 1 0] 2-5
        expect_eq [r xrevrange s 1 - count 1] {{1-2 {f 1-2}}}
        expect_eq [r xrange s 4 +] {}
        expect_eq [r xrange s 3 2] {}
        expect_eq [r xrange nosuch - +] {}
        expect_rtype array {r xrange nosuch - +}
        # COUNT 0 is a null array; a negative COUNT counts as 0.
        expect_null {r xrange s - + count 0}
        expect_null {r xrange s - + count -5}
        expect_eq [llength [r xrange s - + count 1 count 3]] 3
    }
    test "Exclusive ranges with ( and their edges" {
        r del s
        foreach id {1-0 1-1 1-2 2-0} { r xadd s $id f v }
        expect_eq [lindex [r xrange s (1-0 +] 0 0] 1-1
        expect_eq [llength [r xrange s (1-0 (2-0]] 2
        expect_eq [lindex [r xrevrange s (2-0 - count 1] 0 0] 1-2
        expect_eq [llength [r xrange s (1 +]] 3
        expect_eq [llength [r xrevrange s (2 -]] 4
        expect_eq [r xrange s (18446744073709551615-18446744073709551614 +] {}
        expect_err "ERR invalid start ID for the interval" {r xrange s (18446744073709551615-18446744073709551615 +}
        expect_err "ERR invalid end ID for the interval" {r xrange s - (0-0}
        expect_err "ERR invalid start ID for the interval" {r xrevrange s + (18446744073709551615-18446744073709551615}
        expect_err "ERR Invalid stream ID*" {r xrange s (- +}
        expect_err "ERR Invalid stream ID*" {r xrange s - (+}
        # "(" alone is an ID (invalid), not an exclusion.
        expect_err "ERR Invalid stream ID*" {r xrange s ( +}
    }
    test "XRANGE errors come in Valkey's order" {
        r del s
        r set str x
        expect_err "ERR Invalid stream ID*" {r xrange str x +}
        expect_err "ERR value is not an integer or out of range" {r xrange str - + count x}
        expect_err "ERR syntax error" {r xrange str - + foo}
        expect_err "ERR syntax error" {r xrange str - + count}
        expect_err "WRONGTYPE*" {r xrange str - + count 5}
        expect_err "ERR wrong number of arguments for 'xrange' command" {r xrange s -}
    }
    test "XRANGE over many nodes, both ways, skipping deleted entries" {
        r del s
        set want {}
        for {set i 1} {$i <= 1000} {incr i} {
            r xadd s $i-[expr {$i % 3}] n $i
            if {$i % 7 != 0} { lappend want $i-[expr {$i % 3}] }
        }
        for {set i 7} {$i <= 1000} {incr i 7} { r xdel s $i-[expr {$i % 3}] }
        expect_eq [ids s] $want
        set rev {}
        foreach e [r xrevrange s + -] { lappend rev [lindex $e 0] }
        expect_eq $rev [lreverse $want]
        expect_eq [r xlen s] [llength $want]
        set part {}
        foreach e [r xrevrange s 500 400 count 1000] { lappend part [lindex $e 0] }
        set wpart {}
        foreach id [lreverse $want] {
            set ms [lindex [split $id -] 0]
            if {$ms >= 400 && $ms <= 500} { lappend wpart $id }
        }
        expect_eq $part $wpart
    }

    # ---- XDEL / XLEN / XSETID ------------------------------------------------
    test "XDEL counts deleted entries and keeps the metadata right" {
        r del s
        foreach id {1 2 3 4} { r xadd s $id f v }
        expect_eq [r xdel s 2 2 99] 1
        expect_eq [r xdel s 1 3] 2
        expect_eq [xinfo_field s max-deleted-entry-id] 3-0
        expect_eq [xinfo_field s recorded-first-entry-id] 4-0
        expect_eq [xinfo_field s entries-added] 4
        expect_eq [r xlen s] 1
        expect_eq [r xdel s 4] 1
        expect_eq [r xlen s] 0
        expect_eq [xinfo_field s recorded-first-entry-id] 0-0
        expect_eq [xinfo_field s last-generated-id] 4-0
        # An empty stream stays (unlike lists).
        expect_eq [r exists s] 1
        expect_eq [r xdel nosuch 1] 0
        expect_eq [r xdel nosuch bad] 0
        expect_err "ERR Invalid stream ID*" {r xdel s 1 bad}
        expect_err "ERR Invalid stream ID*" {r xdel s +}
    }
    test "XSETID and its checks" {
        r del s
        expect_err "ERR no such key" {r xsetid s 1}
        r xadd s 5 f v
        r xadd s 6 f v
        expect_err "ERR The ID specified in XSETID is smaller than the target stream top item" {r xsetid s 5-9}
        expect_eq [r xsetid s 6] OK
        expect_eq [r xsetid s 100-7] OK
        expect_eq [xinfo_field s last-generated-id] 100-7
        expect_err "ERR The ID specified in XADD is equal or smaller*" {r xadd s 100-7 f v}
        expect_eq [r xadd s 100-* f v] 100-8
        expect_err "ERR The entries_added specified in XSETID is smaller than the target stream length" {r xsetid s 200 entriesadded 2}
        expect_eq [r xsetid s 200 entriesadded 3 maxdeletedid 150] OK
        expect_eq [xinfo_field s entries-added] 3
        expect_eq [xinfo_field s max-deleted-entry-id] 150-0
        expect_err "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id" {r xsetid s 149}
        expect_err "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id" {r xsetid s 300 maxdeletedid 301}
        expect_err "ERR entries_added must be positive" {r xsetid s 300 entriesadded -1}
        expect_err "ERR syntax error" {r xsetid s 300 foo}
        expect_err "ERR syntax error" {r xsetid s 300 entriesadded}
        expect_err "ERR Invalid stream ID*" {r xsetid s +}
        expect_err "ERR Invalid stream ID*" {r xsetid s 300 maxdeletedid -}
        # An empty stream accepts a smaller ID (but not below max deleted).
        r del s
        r xadd s 10 f v
        r xdel s 10
        expect_eq [r xsetid s 11] OK
        expect_eq [r xsetid s 10] OK
        expect_err "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id" {r xsetid s 9}
    }

    # ---- XREAD (no blocking) -------------------------------------------------
    test "XREAD from several streams, COUNT, $ and +" {
        r del s1 s2 s3
        r xadd s1 1 a 1
        r xadd s1 2 a 2
        r xadd s2 5 b 5
        expect_eq [r xread streams s1 s2 0 0] {{s1 {{1-0 {a 1}} {2-0 {a 2}}}} {s2 {{5-0 {b 5}}}}}
        expect_eq [r xread count 1 streams s1 s2 0 0] {{s1 {{1-0 {a 1}}}} {s2 {{5-0 {b 5}}}}}
        expect_eq [r xread streams s1 s2 1 5] {{s1 {{2-0 {a 2}}}}}
        expect_null {r xread streams s1 s2 s3 2 5 0}
        expect_null {r xread streams s1 $}
        # + reads the last entry.
        expect_eq [r xread streams s1 s2 + +] {{s1 {{2-0 {a 2}}}} {s2 {{5-0 {b 5}}}}}
        expect_null {r xread streams s3 +}
        expect_eq [r xread count -3 streams s1 1] {{s1 {{2-0 {a 2}}}}}
    }
    test "XREAD errors" {
        r del s1
        r set str x
        expect_err "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '\$' must be specified." {r xread streams s1 s2 0}
        expect_err "ERR syntax error" {r xread count 1 s1 0}
        expect_err "ERR syntax error" {r xread count 1 block}
        expect_err "ERR value is not an integer or out of range" {r xread count x streams s1 0}
        expect_err "ERR timeout is not an integer or out of range" {r xread block x streams s1 0}
        expect_err "ERR timeout is negative" {r xread block -1 streams s1 0}
        expect_err "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead." {r xread group g c streams s1 0}
        expect_err "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead." {r xread noack streams s1 0}
        expect_err "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option." {r xread streams s1 >}
        expect_err "ERR Invalid stream ID*" {r xread streams s1 -}
        expect_err "WRONGTYPE*" {r xread streams s1 str 0 0}
        expect_err "ERR wrong number of arguments for 'xread' command" {r xread streams s1}
    }
    test "XREAD in RESP3 answers a map" {
        r del s1 s2
        r xadd s1 1 a 1
        r xadd s2 2 b 2
        r hello 3
        set t [r .typed xread streams s1 s2 0 0]
        expect_eq [lindex $t 0] map
        expect_eq [r xread streams s1 s2 0 0] {s1 {{1-0 {a 1}}} s2 {{2-0 {b 2}}}}
        expect_rtype null {r xread streams s1 5}
        expect_rtype null {r xrange s1 - + count 0}
        set info [r .typed xinfo stream s1]
        expect_eq [lindex $info 0] map
        r hello 2
        expect_rtype nullarray {r xread streams s1 5}
    }

    # ---- effects -------------------------------------------------------------
    test "Propagation: the generated ID, and ~ made exact" {
        r del s
        set p [propagated {
            r xadd s 5-* f v
            r xadd s 7-1 f v
            set id [r xadd s * f v]
        }]
        expect_eq $p [list {xadd s 5-0 f v} {xadd s 7-1 f v} "xadd s $id f v"]
        r del s
        with_config stream-node-max-entries 2 {
            for {set i 1} {$i <= 6} {incr i} { r xadd s $i f v }
            set p [propagated {
                r xadd s maxlen ~ 3 7 f v
                r xadd s maxlen ~ 3 limit 10 8 f v
                r xadd s minid ~ 6 * f v
                r xtrim s maxlen ~ 2
                r xtrim s maxlen ~ 100
                r xtrim s maxlen 2
                r xtrim s minid ~ 0
            }]
        }
        set gen [lindex [lindex $p 2] 5]
        # (checked against redis-server: nodes of 2, so ~ keeps 3, then 4)
        expect_eq $p [list {xadd s maxlen = 3 7 f v} {xadd s maxlen = 4 limit 10 8 f v} "xadd s minid = 5-0 $gen f v" {xtrim s maxlen = 3} {xtrim s maxlen 2}]
    }
    test "Propagation of XDEL and XSETID; nothing for misses" {
        r del s
        r xadd s 1 f v
        r xadd s 2 f v
        set p [propagated {
            r xdel s 1 9
            r xdel s 9
            r xsetid s 5
            r xtrim s maxlen 10
            r xadd nosuch nomkstream * f v
        }]
        expect_eq $p {{xdel s 1 9} {xsetid s 5}}
    }
    test "Key events: new, xadd, xtrim, xdel, xsetid" {
        r del s
        set ev [events {
            r xadd s maxlen 1 1 f v
            r xadd s maxlen 1 2 f v
            r xdel s 2
            r xdel s 2
            r xtrim s maxlen 0
            r xsetid s 9
        }]
        expect_eq $ev {{0 new s} {0 xadd s} {0 xadd s} {0 xtrim s} {0 xdel s} {0 xsetid s}}
    }
    test "The dirty counter: one per XADD, one per deleted entry" {
        r del s
        set d0 [dirty]
        r xadd s 1 f v
        r xadd s 2 f v
        r xadd s 3 f v
        expect_eq [expr {[dirty] - $d0}] 3
        set d0 [dirty]
        r xdel s 1 2 7
        expect_eq [expr {[dirty] - $d0}] 2
        set d0 [dirty]
        r xtrim s maxlen 0
        r xtrim s maxlen 0
        r xsetid s 10
        expect_eq [expr {[dirty] - $d0}] 2
    }

    # ---- generic key commands ------------------------------------------------
    test "COPY, RENAME, MOVE, DEL, EXPIRE, SCAN TYPE and DEBUG DIGEST-VALUE" {
        r flushdb
        for {set i 1} {$i <= 300} {incr i} { r xadd s $i f $i g x }
        r xgroup create s g 0
        r xreadgroup group g c count 10 streams s >
        expect_eq [r copy s s2] 1
        expect_eq [r debug digest-value s] [r debug digest-value s2]
        expect_eq [r xrange s - +] [r xrange s2 - +]
        expect_eq [r xinfo stream s2 full] [r xinfo stream s full]
        r xadd s2 301 f v
        expect_ne [r debug digest-value s] [r debug digest-value s2]
        r rename s2 s3
        expect_eq [r xlen s3] 301
        expect_eq [r type s3] stream
        set sc [r scan 0 type stream count 100]
        expect_eq [lindex $sc 0] 0
        expect_eq [lsort [lindex $sc 1]] {s s3}
        expect_true {[r randomkey] in {s s3}}
        expect_eq [r move s3 5] 1
        r select 5
        expect_eq [r xlen s3] 301
        r del s3
        r select 0
        r pexpire s 50
        wait_for {[r exists s] == 0}
        expect_eq [r keys *] {}
    }
    test "MEMORY USAGE is sane, and small for a million-reading-sized node" {
        r del s
        r xadd s 1 temp 215
        set one [r memory usage s]
        expect_between $one 40 400
        for {set i 2} {$i <= 10000} {incr i} { r xadd s $i temp [expr {200 + $i % 50}] }
        set many [r memory usage s]
        # About 4 bytes a reading (Valkey's listpacks take about 13).
        expect_lt $many 60000
        expect_gt $many 30000
    }
    test "Huge counts and limits" {
        r del s
        for {set i 1} {$i <= 5} {incr i} { r xadd s $i f $i }
        expect_eq [llength [r xrange s - + count 9223372036854775807]] 5
        expect_eq [llength [r xrevrange s + - count 9223372036854775807]] 5
        expect_err "ERR value is not an integer or out of range" {r xrange s - + count 9223372036854775808}
        expect_eq [llength [lindex [r xread count 9223372036854775807 streams s 0] 0 1]] 5
        expect_eq [r xtrim s maxlen ~ 9223372036854775807] 0
        expect_eq [r xtrim s maxlen 9223372036854775807] 0
        expect_eq [llength [dict get [r xinfo stream s full count 9223372036854775807] entries]] 5
        expect_eq [r xtrim s maxlen ~ 0 limit 9223372036854775807] 5
        with_config stream-node-max-entries 0 {
            with_config stream-node-max-bytes 0 {
                r del u
                for {set i 1} {$i <= 500} {incr i} { r xadd u $i f [string repeat x 20] }
                # No limits: one node (Valkey's 1 GB listpack cap aside).
                expect_eq [xinfo_field u radix-tree-keys] 1
                expect_eq [r xtrim u maxlen ~ 10] 0
                # Exact trimming flags entries inside that node.
                expect_eq [r xtrim u maxlen 10] 490
            }
        }
        expect_eq [r xlen u] 10
    }
    test "DEBUG KEYSPACE-CHECK after all of the above" {
        expect_eq [r debug keyspace-check] OK
    }
}
