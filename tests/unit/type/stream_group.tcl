# Consumer groups: XGROUP CREATE (MKSTREAM, ENTRIESREAD, $) / SETID /
# DESTROY / CREATECONSUMER / DELCONSUMER / HELP, XREADGROUP (">" and
# history reads, NOACK, COUNT, several streams), XACK, XPENDING (summary
# and extended forms, IDLE, consumer filter), XCLAIM (IDLE, TIME,
# RETRYCOUNT, FORCE, JUSTID, LASTID), XAUTOCLAIM (COUNT, JUSTID, the
# deleted entries it reports, its cursor), XINFO STREAM FULL / GROUPS /
# CONSUMERS (Valkey 8's seen-time, active-time, idle, inactive), the
# pending-entries bookkeeping across all of these, entries-read and lag
# after XDEL, XTRIM and XSETID (Valkey 7's rules), every error text,
# RESP3 shapes, propagation (XREADGROUP as XCLAIM + XGROUP SETID, NOACK's
# XGROUP CREATECONSUMER, XCLAIM/XAUTOCLAIM as XCLAIM) replayed on a
# second key to check it rebuilds the same group state, key events and
# the dirty counter.  Blocking XREADGROUP: stream_blocking.tcl.

file_tags {stream needs:stream}

# `propagated` (tests/harness/observe.tcl) leaves the SELECTs out here.
propagated_skip {select *}

# XINFO GROUPS of key as a dict group name -> field dict.
proc groups_info {key} {
    set out {}
    foreach g [r xinfo groups $key] { dict set out [dict get $g name] $g }
    return $out
}

proc group_field {key group field} {
    return [dict get [dict get [groups_info $key] $group] $field]
}

# XINFO CONSUMERS as a dict consumer -> field dict.
proc consumers_info {key group} {
    set out {}
    foreach c [r xinfo consumers $key $group] { dict set out [dict get $c name] $c }
    return $out
}

# The group state that must survive a replay: last ID, entries read, and
# the pending list with owners and delivery counts (not times).
proc group_state {key group} {
    set g [dict get [groups_info $key] $group]
    set pel {}
    foreach p [r xpending $key $group - + 1000000] { lappend pel [list [lindex $p 0] [lindex $p 1] [lindex $p 3]] }
    set cons {}
    foreach c [r xinfo consumers $key $group] { lappend cons [list [dict get $c name] [dict get $c pending]] }
    return [list [dict get $g last-delivered-id] [dict get $g entries-read] [dict get $g pending] $pel $cons]
}

# Replays propagated commands with the key renamed.
proc replay {cmds from to} {
    foreach cmd $cmds {
        set out {}
        foreach a $cmd { lappend out [expr {$a eq $from ? $to : $a}] }
        if {[lindex $out 0] in {multi exec}} continue
        r {*}$out
    }
}

with_server {
    # ---- XGROUP --------------------------------------------------------------
    test "XGROUP CREATE: IDs, $, MKSTREAM, ENTRIESREAD, BUSYGROUP" {
        r del s
        expect_err "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically." {r xgroup create s g $}
        expect_eq [r xgroup create s g $ mkstream] OK
        expect_eq [r type s] stream
        expect_eq [r xlen s] 0
        expect_err "BUSYGROUP Consumer Group name already exists" {r xgroup create s g 0}
        r xadd s 5 f v
        expect_eq [r xgroup create s g2 $] OK
        expect_eq [group_field s g2 last-delivered-id] 5-0
        expect_eq [r xgroup create s g3 3 entriesread 7] OK
        expect_eq [group_field s g3 last-delivered-id] 3-0
        expect_eq [group_field s g3 entries-read] 7
        expect_eq [group_field s g entries-read] {}
        expect_eq [r xgroup create s g4 0 entriesread -1 mkstream] OK
        expect_err "ERR value for ENTRIESREAD must be positive or -1" {r xgroup create s g5 0 entriesread -2}
        expect_err "ERR value is not an integer or out of range" {r xgroup create s g5 0 entriesread x}
        expect_err "ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP." {r xgroup create s g5 0 foo}
        expect_err "ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP." {r xgroup create s g5 0 entriesread}
        expect_err "ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP." {r xgroup create s g5 0 mkstream mkstream mkstream mkstream}
        expect_err "ERR Invalid stream ID*" {r xgroup create s g5 -}
        expect_err "ERR Invalid stream ID*" {r xgroup create s g5 x}
        expect_err "ERR wrong number of arguments for 'xgroup|create' command" {r xgroup create s g5}
        expect_eq [llength [r xinfo groups s]] 4
        # Names are binary, listed in byte order.
        r xgroup create s "a\x00b" 0
        expect_eq [lindex [r xinfo groups s] 0 1] "a\x00b"
        r set str x
        expect_err "WRONGTYPE*" {r xgroup create str g 0}
        expect_err "WRONGTYPE*" {r xgroup create str g 0 mkstream}
    }
    test "XGROUP SETID, DESTROY, CREATECONSUMER, DELCONSUMER and their errors" {
        r del s
        r xadd s 1 f v
        r xadd s 2 f v
        r xgroup create s g 0
        expect_eq [r xgroup setid s g $] OK
        expect_eq [group_field s g last-delivered-id] 2-0
        expect_eq [r xgroup setid s g 1 entriesread 1] OK
        expect_eq [group_field s g entries-read] 1
        expect_eq [r xgroup setid s g -] OK
        expect_eq [group_field s g last-delivered-id] 0-0
        expect_eq [r xgroup setid s g +] OK
        expect_eq [group_field s g last-delivered-id] 18446744073709551615-18446744073709551615
        expect_err "NOGROUP No such consumer group 'nog' for key name 's'" {r xgroup setid s nog 0}
        expect_err "ERR unknown subcommand or wrong number of arguments for 'setid'. Try XGROUP HELP." {r xgroup setid s g 0 mkstream}
        expect_err "ERR unknown subcommand or wrong number of arguments for 'setid'. Try XGROUP HELP." {r xgroup setid s g 0 entriesread 1 entriesread 2}
        expect_err "ERR The XGROUP subcommand requires the key to exist*" {r xgroup setid nosuch g 0}
        expect_eq [r xgroup createconsumer s g alice] 1
        expect_eq [r xgroup createconsumer s g alice] 0
        expect_err "NOGROUP No such consumer group 'nog' for key name 's'" {r xgroup createconsumer s nog bob}
        expect_eq [r xgroup delconsumer s g bob] 0
        expect_eq [r xgroup delconsumer s g alice] 0
        expect_err "NOGROUP*" {r xgroup delconsumer s nog alice}
        expect_eq [r xgroup destroy s nog] 0
        expect_eq [r xgroup destroy s g] 1
        expect_eq [r xgroup destroy s g] 0
        expect_err "ERR The XGROUP subcommand requires the key to exist*" {r xgroup destroy nosuch g}
        expect_err "ERR unknown subcommand 'foo'. Try XGROUP HELP." {r xgroup foo}
        expect_err "ERR wrong number of arguments for 'xgroup|destroy' command" {r xgroup destroy s}
        expect_err "ERR wrong number of arguments for 'xgroup|createconsumer' command" {r xgroup createconsumer s g}
        set help [r xgroup help]
        expect_glob "XGROUP <subcommand>*" [lindex $help 0]
        expect_true {[lsearch -glob $help "CREATECONSUMER*"] >= 0}
    }

    # ---- XREADGROUP ----------------------------------------------------------
    test "XREADGROUP > delivers new entries once, records them as pending" {
        r del s
        foreach id {1 2 3 4} { r xadd s $id f $id }
        r xgroup create s g 0
        expect_eq [r xreadgroup group g alice count 2 streams s >] {{s {{1-0 {f 1}} {2-0 {f 2}}}}}
        expect_eq [r xreadgroup group g bob streams s >] {{s {{3-0 {f 3}} {4-0 {f 4}}}}}
        expect_null {r xreadgroup group g bob streams s >}
        expect_eq [r xpending s g] {4 1-0 4-0 {{alice 2} {bob 2}}}
        expect_eq [group_field s g last-delivered-id] 4-0
        expect_eq [group_field s g entries-read] 4
        expect_eq [group_field s g lag] 0
        expect_eq [group_field s g consumers] 2
        expect_eq [group_field s g pending] 4
        # History: the consumer's own pending entries, counting deliveries.
        expect_eq [r xreadgroup group g alice streams s 0] {{s {{1-0 {f 1}} {2-0 {f 2}}}}}
        expect_eq [r xreadgroup group g alice count 1 streams s 1] {{s {{2-0 {f 2}}}}}
        expect_eq [r xreadgroup group g alice streams s 2] {{s {}}}
        expect_eq [r xreadgroup group g carol streams s 0] {{s {}}}
        set p [r xpending s g - + 10 alice]
        expect_eq [lindex $p 0 3] 2
        expect_eq [lindex $p 1 3] 3
        # A deleted pending entry shows as [id, nil] in the history.
        r xdel s 1
        expect_eq [r xreadgroup group g alice streams s 0] {{s {{1-0 {}} {2-0 {f 2}}}}}
        expect_eq [llength [r xpending s g - + 10 alice]] 2
    }
    test "XREADGROUP over several streams, NOACK, and a group moved back by SETID" {
        r del s1 s2
        r xadd s1 1 a 1
        r xadd s2 2 b 2
        r xgroup create s1 g 0
        r xgroup create s2 g 0
        expect_eq [r xreadgroup group g c noack streams s1 s2 > >] {{s1 {{1-0 {a 1}}}} {s2 {{2-0 {b 2}}}}}
        expect_eq [r xpending s1 g] {0 {} {} {}}
        expect_eq [group_field s1 g last-delivered-id] 1-0
        # SETID back: entries owned by someone else move to the reader.
        r xadd s1 3 a 3
        expect_eq [llength [lindex [r xreadgroup group g alice streams s1 >] 0 1]] 1
        r xgroup setid s1 g 0
        expect_eq [llength [lindex [r xreadgroup group g bob streams s1 >] 0 1]] 2
        expect_eq [r xpending s1 g] {2 1-0 3-0 {{bob 2}}}
        expect_eq [lindex [r xpending s1 g - + 10] 1 3] 1
    }
    test "XREADGROUP errors, in Valkey's order" {
        r del s
        r xadd s 1 f v
        r xgroup create s g 0
        r set str x
        expect_err "ERR Missing GROUP option for XREADGROUP" {r xreadgroup count 1 count 1 streams s >}
        expect_err "ERR syntax error" {r xreadgroup group g c count 1 noack}
        expect_err "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified." {r xreadgroup group g c noack streams s}
        expect_err "NOGROUP No such key 'nosuch' or consumer group 'g' in XREADGROUP with GROUP option" {r xreadgroup group g c streams nosuch >}
        expect_err "NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option" {r xreadgroup group nog c streams s >}
        expect_err "WRONGTYPE*" {r xreadgroup group g c streams str >}
        expect_err "ERR The \$ ID is meaningless in the context of XREADGROUP*" {r xreadgroup group g c streams s $}
        expect_err "ERR The + ID is meaningless in the context of XREADGROUP*" {r xreadgroup group g c streams s +}
        expect_err "ERR Invalid stream ID*" {r xreadgroup group g c streams s x}
        expect_err "ERR wrong number of arguments for 'xreadgroup' command" {r xreadgroup group g c streams s}
        expect_err "ERR wrong number of arguments for 'xreadgroup' command" {r xreadgroup streams s >}
        # Nothing was created by the failed calls.
        expect_eq [group_field s g consumers] 0
    }

    # ---- XACK / XPENDING -----------------------------------------------------
    test "XACK removes from the group and the owner; all or nothing" {
        r del s
        foreach id {1 2 3 4 5} { r xadd s $id f v }
        r xgroup create s g 0
        r xreadgroup group g a count 3 streams s >
        r xreadgroup group g b streams s >
        expect_eq [r xack s g 1 2 9] 2
        expect_eq [r xack s g 1] 0
        expect_err "ERR Invalid stream ID*" {r xack s g 3 bad}
        expect_eq [lindex [r xpending s g] 0] 3
        expect_eq [r xack nosuch g 1] 0
        expect_eq [r xack s nog 1] 0
        expect_eq [r xack s nog bad] 0
        expect_eq [dict get [dict get [consumers_info s g] a] pending] 1
        expect_eq [dict get [dict get [consumers_info s g] b] pending] 2
        expect_eq [r xack s g 3 4 5] 3
        expect_eq [r xpending s g] {0 {} {} {}}
    }
    test "XPENDING extended form: ranges, COUNT, IDLE, consumer" {
        r del s
        foreach id {1 2 3 4} { r xadd s $id f v }
        r xgroup create s g 0
        r xreadgroup group g a count 2 streams s >
        after 30
        r xreadgroup group g b streams s >
        set all [r xpending s g - + 10]
        expect_eq [llength $all] 4
        expect_eq [lindex $all 0 0] 1-0
        expect_eq [lindex $all 0 1] a
        expect_ge [lindex $all 0 2] 30
        expect_eq [lindex $all 0 3] 1
        expect_eq [llength [r xpending s g - + 1]] 1
        expect_eq [llength [r xpending s g - + 0]] 0
        expect_eq [llength [r xpending s g - + -3]] 0
        expect_eq [lindex [r xpending s g (1 + 10] 0 0] 2-0
        expect_eq [llength [r xpending s g - (3 10]] 3
        expect_eq [llength [r xpending s g - (3-0 10]] 2
        expect_eq [llength [r xpending s g idle 25 - + 10]] 2
        expect_eq [llength [r xpending s g idle 25 - + 10 b]] 0
        expect_eq [llength [r xpending s g - + 10 b]] 2
        expect_eq [r xpending s g - + 10 nobody] {}
        expect_err "ERR syntax error" {r xpending s g -}
        expect_err "ERR syntax error" {r xpending s g idle 10 - +}
        expect_err "ERR value is not an integer or out of range" {r xpending s g - + x}
        expect_err "ERR value is not an integer or out of range" {r xpending s g idle x - + 10}
        expect_err "ERR Invalid stream ID*" {r xpending s g x + 10}
        expect_err "ERR invalid start ID for the interval" {r xpending s g (18446744073709551615-18446744073709551615 + 10}
        expect_err "NOGROUP No such key 's' or consumer group 'nog'" {r xpending s nog}
        expect_err "NOGROUP No such key 'nosuch' or consumer group 'g'" {r xpending nosuch g - + 10}
        r set str x
        expect_err "WRONGTYPE*" {r xpending str g}
    }

    # ---- XCLAIM --------------------------------------------------------------
    test "XCLAIM moves pending entries, respecting min-idle-time" {
        r del s
        foreach id {1 2 3} { r xadd s $id f $id }
        r xgroup create s g 0
        r xreadgroup group g a streams s >
        expect_eq [r xclaim s g b 100000 1] {}
        expect_eq [r xclaim s g b 0 1 2] {{1-0 {f 1}} {2-0 {f 2}}}
        set p [r xpending s g - + 10]
        expect_eq [lindex $p 0 1] b
        expect_eq [lindex $p 0 3] 2
        expect_eq [lrange [lindex $p 2] 1 1] a
        # JUSTID does not count a delivery.
        expect_eq [r xclaim s g c 0 1 justid] {1-0}
        expect_eq [lindex [r xpending s g - + 1] 0 3] 2
        # IDLE / TIME / RETRYCOUNT set the delivery data.
        r xclaim s g c 0 2 idle 5000 retrycount 7
        set p [r xpending s g - + 10 c]
        expect_ge [lindex $p 1 2] 5000
        expect_eq [lindex $p 1 3] 7
        r xclaim s g c 0 2 time [expr {[clock milliseconds] - 9000}]
        expect_ge [lindex [r xpending s g 2 2 1] 0 2] 9000
        # A time in the future means now.
        r xclaim s g c 0 2 time [expr {[clock milliseconds] + 100000}]
        expect_lt [lindex [r xpending s g 2 2 1] 0 2] 1000
        # Not pending: ignored unless FORCE.
        r xack s g 3
        expect_eq [r xclaim s g d 0 3] {}
        expect_eq [r xclaim s g d 0 3 force] {{3-0 {f 3}}}
        expect_eq [lindex [r xpending s g 3 3 1] 0 1] d
        # Entries gone from the stream are dropped from the PEL.
        r xdel s 1
        expect_eq [r xclaim s g d 0 1 2] {{2-0 {f 2}}}
        expect_eq [lindex [r xpending s g] 0] 2
        expect_eq [r xclaim s g d 0 99 force] {}
        # LASTID moves the group forward only.
        r xclaim s g d 0 2 lastid 50
        expect_eq [group_field s g last-delivered-id] 50-0
        r xclaim s g d 0 2 lastid 10
        expect_eq [group_field s g last-delivered-id] 50-0
    }
    test "XCLAIM errors" {
        r del s
        r xadd s 1 f v
        r xgroup create s g 0
        expect_err "NOGROUP No such key 's' or consumer group 'nog'" {r xclaim s nog c 0 1}
        expect_err "NOGROUP No such key 'nosuch' or consumer group 'g'" {r xclaim nosuch g c 0 1}
        expect_err "ERR Invalid min-idle-time argument for XCLAIM" {r xclaim s g c x 1}
        expect_err "ERR Invalid IDLE option argument for XCLAIM" {r xclaim s g c 0 1 idle x}
        expect_err "ERR Invalid TIME option argument for XCLAIM" {r xclaim s g c 0 1 time x}
        expect_err "ERR Invalid RETRYCOUNT option argument for XCLAIM" {r xclaim s g c 0 1 retrycount x}
        expect_err "ERR Invalid stream ID*" {r xclaim s g c 0 1 lastid x}
        expect_err "ERR Unrecognized XCLAIM option 'foo'" {r xclaim s g c 0 1 foo}
        expect_err "ERR Unrecognized XCLAIM option 'idle'" {r xclaim s g c 0 1 idle}
        expect_err "ERR Unrecognized XCLAIM option 'x'" {r xclaim s g c 0 x 1}
        r set str x
        expect_err "WRONGTYPE*" {r xclaim str g c 0 1}
    }

    # ---- XAUTOCLAIM ----------------------------------------------------------
    test "XAUTOCLAIM: COUNT, the cursor, JUSTID and deleted entries" {
        r del s
        for {set i 1} {$i <= 10} {incr i} { r xadd s $i f $i }
        r xgroup create s g 0
        r xreadgroup group g a streams s >
        set res [r xautoclaim s g b 0 0 count 3]
        expect_eq [lindex $res 0] 4-0
        expect_eq [lindex $res 1] {{1-0 {f 1}} {2-0 {f 2}} {3-0 {f 3}}}
        expect_eq [lindex $res 2] {}
        expect_eq [r xautoclaim s g b 0 4 count 2 justid] {6-0 {4-0 5-0} {}}
        # JUSTID did not count a delivery; the plain form did.
        expect_eq [lindex [r xpending s g 4 4 1] 0 3] 1
        expect_eq [lindex [r xpending s g 1 1 1] 0 3] 2
        # Entries deleted from the stream are reported and dropped.
        r xdel s 6 7
        set res [r xautoclaim s g c 0 (5 count 3]
        expect_eq $res {9-0 {{8-0 {f 8}}} {6-0 7-0}}
        expect_eq [lindex [r xpending s g] 0] 8
        expect_eq [r xautoclaim s g c 0 9] {0-0 {{9-0 {f 9}} {10-0 {f 10}}} {}}
        # min-idle-time filters.
        expect_eq [r xautoclaim s g d 100000 0] {0-0 {} {}}
        expect_eq [dict get [dict get [consumers_info s g] d] pending] 0
    }
    test "XAUTOCLAIM errors" {
        r del s
        r xadd s 1 f v
        r xgroup create s g 0
        expect_err "ERR Invalid min-idle-time argument for XAUTOCLAIM" {r xautoclaim s g c x 0}
        expect_err "ERR Invalid stream ID*" {r xautoclaim s g c 0 x}
        expect_err "ERR invalid start ID for the interval" {r xautoclaim s g c 0 (18446744073709551615-18446744073709551615}
        expect_err "ERR COUNT must be > 0" {r xautoclaim s g c 0 0 count 0}
        expect_err "ERR COUNT must be > 0" {r xautoclaim s g c 0 0 count x}
        expect_err "ERR COUNT must be > 0" {r xautoclaim s g c 0 0 count 9223372036854775807}
        expect_err "ERR syntax error" {r xautoclaim s g c 0 0 foo}
        expect_err "ERR syntax error" {r xautoclaim s g c 0 0 count}
        expect_err "NOGROUP No such key 's' or consumer group 'nog'" {r xautoclaim s nog c 0 0}
        r set str x
        expect_err "WRONGTYPE*" {r xautoclaim str g c 0 0}
    }

    # ---- PEL bookkeeping -----------------------------------------------------
    test "Pending entries across XCLAIM, XAUTOCLAIM, XACK and consumer deletion" {
        r del s
        for {set i 1} {$i <= 20} {incr i} { r xadd s $i f $i }
        r xgroup create s g 0
        r xreadgroup group g a count 10 streams s >
        r xreadgroup group g b streams s >
        r xclaim s g b 0 1 2 3
        r xautoclaim s g c 0 11 count 5
        r xack s g 2 12 19
        set ci [consumers_info s g]
        expect_eq [dict get [dict get $ci a] pending] 7
        expect_eq [dict get [dict get $ci b] pending] 6
        expect_eq [dict get [dict get $ci c] pending] 4
        expect_eq [r xpending s g] {17 1-0 20-0 {{a 7} {b 6} {c 4}}}
        expect_eq [lindex [r xpending s g - + 100 b] 0 0] 1-0
        # Deleting a consumer drops its pending entries from the group.
        expect_eq [r xgroup delconsumer s g c] 4
        expect_eq [lindex [r xpending s g] 0] 13
        expect_eq [r xpending s g - + 100 c] {}
        expect_eq [llength [r xpending s g - + 100 a]] 7
        expect_eq [r xgroup delconsumer s g a] 7
        expect_eq [r xgroup delconsumer s g b] 6
        expect_eq [r xpending s g] {0 {} {} {}}
        expect_eq [group_field s g consumers] 0
        expect_eq [r debug keyspace-check] OK
    }

    # ---- lag -----------------------------------------------------------------
    test "entries-read and lag as entries are added, read, deleted and trimmed" {
        r del s
        r xgroup create s g $ mkstream
        expect_eq [group_field s g lag] 0
        expect_eq [group_field s g entries-read] {}
        foreach id {1 2 3 4 5} { r xadd s $id f v }
        expect_eq [group_field s g lag] 5
        r xreadgroup group g c count 2 streams s >
        expect_eq [group_field s g entries-read] 2
        expect_eq [group_field s g lag] 3
        # A deletion after the group's position makes the lag unknown.
        r xdel s 4
        expect_eq [group_field s g lag] {}
        # (read past the tombstone: the counter is unknown, as in Valkey)
        r xreadgroup group g c count 1 streams s >
        expect_eq [group_field s g entries-read] {}
        expect_eq [group_field s g lag] {}
        r xreadgroup group g c streams s >
        expect_eq [group_field s g last-delivered-id] 5-0
        expect_eq [group_field s g entries-read] 5
        expect_eq [group_field s g lag] 0
        # Deleting before the group's position does not matter.
        r xdel s 2
        expect_eq [group_field s g lag] 0
        r xadd s 6 f v
        expect_eq [group_field s g lag] 1
        # A group created with an arbitrary ID: lag estimated when possible.
        r xgroup create s g2 0
        expect_eq [group_field s g2 lag] {}
        r del s
        foreach id {1 2 3 4 5 6} { r xadd s $id f v }
        r xgroup create s g 0
        expect_eq [group_field s g lag] 6
        r xtrim s maxlen 3
        expect_eq [group_field s g lag] 3
        expect_eq [group_field s g entries-read] {}
        r xreadgroup group g c count 1 streams s >
        expect_eq [group_field s g entries-read] 4
        expect_eq [group_field s g lag] 2
        r xgroup setid s g $
        expect_eq [group_field s g lag] 0
        r xgroup setid s g 5 entriesread 5
        expect_eq [group_field s g lag] 1
        r xsetid s 6 entriesadded 10
        expect_eq [group_field s g lag] 5
    }

    # ---- XINFO ---------------------------------------------------------------
    test "XINFO STREAM, FULL with COUNT, and its errors" {
        r del s
        for {set i 1} {$i <= 15} {incr i} { r xadd s $i f $i }
        r xdel s 15
        r xgroup create s g 0
        r xreadgroup group g alice count 12 streams s >
        set info [r xinfo stream s]
        expect_eq [dict keys $info] {length radix-tree-keys radix-tree-nodes last-generated-id max-deleted-entry-id entries-added recorded-first-entry-id groups first-entry last-entry}
        expect_eq [dict get $info length] 14
        expect_eq [dict get $info radix-tree-keys] 1
        expect_eq [dict get $info last-generated-id] 15-0
        expect_eq [dict get $info max-deleted-entry-id] 15-0
        expect_eq [dict get $info entries-added] 15
        expect_eq [dict get $info recorded-first-entry-id] 1-0
        expect_eq [dict get $info groups] 1
        expect_eq [dict get $info first-entry] {1-0 {f 1}}
        expect_eq [dict get $info last-entry] {14-0 {f 14}}
        set full [r xinfo stream s full]
        expect_eq [dict keys $full] {length radix-tree-keys radix-tree-nodes last-generated-id max-deleted-entry-id entries-added recorded-first-entry-id entries groups}
        expect_eq [llength [dict get $full entries]] 10
        set g [lindex [dict get $full groups] 0]
        expect_eq [dict keys $g] {name last-delivered-id entries-read lag pel-count pending consumers}
        expect_eq [dict get $g pel-count] 12
        expect_eq [llength [dict get $g pending]] 10
        expect_eq [lindex [dict get $g pending] 0 1] alice
        set c [lindex [dict get $g consumers] 0]
        expect_eq [dict keys $c] {name seen-time active-time pel-count pending}
        expect_eq [dict get $c pel-count] 12
        expect_eq [llength [dict get $c pending]] 10
        set full [r xinfo stream s full count 0]
        expect_eq [llength [dict get $full entries]] 14
        expect_eq [llength [dict get [lindex [dict get $full groups] 0] pending]] 12
        set full [r xinfo stream s full count 2]
        expect_eq [llength [dict get $full entries]] 2
        expect_eq [llength [dict get $full entries]] 2
        expect_eq [llength [dict get [r xinfo stream s full count -1] entries]] 10
        r del e
        r xgroup create e g $ mkstream
        set info [r xinfo stream e]
        expect_eq [dict get $info first-entry] {}
        expect_eq [dict get $info last-entry] {}
        expect_err "ERR no such key" {r xinfo stream nosuch}
        expect_err "ERR no such key" {r xinfo stream nosuch full foo}
        expect_err "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP." {r xinfo stream s foo}
        expect_err "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP." {r xinfo stream s full count}
        expect_err "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP." {r xinfo stream s full foo 1}
        expect_err "ERR value is not an integer or out of range" {r xinfo stream s full count x}
        r set str x
        expect_err "WRONGTYPE*" {r xinfo stream str}
        expect_err "ERR unknown subcommand 'foo'. Try XINFO HELP." {r xinfo foo s}
        expect_glob "XINFO <subcommand>*" [lindex [r xinfo help] 0]
    }
    test "XINFO CONSUMERS: idle, inactive (Valkey 8), seen-time and active-time" {
        r del s
        r xadd s 1 f v
        r xgroup create s g 0
        r xgroup createconsumer s g idler
        after 40
        r xreadgroup group g reader streams s >
        r xreadgroup group g empty streams s >
        set ci [consumers_info s g]
        expect_eq [dict keys [dict get $ci idler]] {name pending idle inactive}
        expect_ge [dict get [dict get $ci idler] idle] 40
        # Never read anything successfully: inactive -1.
        expect_eq [dict get [dict get $ci idler] inactive] -1
        expect_eq [dict get [dict get $ci empty] inactive] -1
        # The reader read at least 40 ms after idler was created; both
        # figures come from the same XINFO (robust on a slow machine).
        set idle [dict get [dict get $ci idler] idle]
        expect_lt [dict get [dict get $ci reader] inactive] [expr {$idle - 38}]
        expect_eq [dict get [dict get $ci reader] pending] 1
        set full [r xinfo stream s full]
        foreach c [dict get [lindex [dict get $full groups] 0] consumers] {
            if {[dict get $c name] eq "idler"} { expect_eq [dict get $c active-time] -1 }
            if {[dict get $c name] eq "reader"} { expect_gt [dict get $c active-time] 0 }
        }
        expect_err "NOGROUP No such consumer group 'nog' for key name 's'" {r xinfo consumers s nog}
        expect_err "ERR no such key" {r xinfo consumers nosuch g}
        expect_err "ERR no such key" {r xinfo groups nosuch2}
    }
    test "XINFO GROUPS in RESP3" {
        r del s
        r xadd s 1 f v
        r xgroup create s g 0
        r hello 3
        set t [r .typed xinfo groups s]
        expect_eq [lindex $t 0] array
        expect_eq [lindex $t 1 0 0] map
        expect_eq [r xpending s g] {0 {} {} {}}
        r hello 2
    }

    # ---- propagation, events, dirty ------------------------------------------
    test "XREADGROUP propagates XCLAIM per entry and XGROUP SETID; a replay rebuilds the group" {
        r del s rs
        foreach id {1 2 3 4 5} { r xadd s $id f $id }
        r xgroup create s g 0
        r xdel s 3
        set p [propagated {
            r xreadgroup group g alice count 3 streams s >
        }]
        expect_eq [lindex $p 0] multi
        expect_eq [lindex $p end] exec
        expect_eq [llength $p] 6
        expect_glob "xclaim s g alice 0 1-0 TIME * RETRYCOUNT 1 FORCE JUSTID LASTID 1-0" [lindex $p 1]
        expect_glob "xclaim s g alice 0 4-0 TIME * RETRYCOUNT 1 FORCE JUSTID LASTID 4-0" [lindex $p 3]
        # 3-0 was deleted before the read: the read counter is unknown.
        expect_eq [lindex $p 4] {xgroup SETID s g 4-0 ENTRIESREAD -1}
        # Replaying everything on a copy gives the same group state.
        r del rs
        foreach id {1 2 3 4 5} { r xadd rs $id f $id }
        r xdel rs 3
        r xgroup create rs g 0
        replay $p s rs
        expect_eq [group_state rs g] [group_state s g]
        # NOACK: the consumer's creation and the group's position.
        set p [propagated { r xreadgroup group g bob noack streams s > }]
        expect_eq $p {multi {xgroup CREATECONSUMER s g bob} {xgroup SETID s g 5-0 ENTRIESREAD 5} exec}
        replay $p s rs
        expect_eq [group_state rs g] [group_state s g]
        # History reads and empty reads by a known consumer propagate nothing.
        expect_eq [propagated { r xreadgroup group g alice streams s 0 }] {}
        expect_eq [propagated { r xreadgroup group g alice streams s > }] {}
        # A consumer created by a read that delivers nothing (new entries
        # or history) is propagated, so a replay has it too (Valkey 8 loses
        # it: no XCLAIM creates it there).
        expect_eq [propagated { r xreadgroup group g carol streams s > }] {{xgroup CREATECONSUMER s g carol}}
        expect_eq [propagated { r xreadgroup group g dave streams s 0 }] {{xgroup CREATECONSUMER s g dave}}
        set p [propagated { r xreadgroup group g erin block 10 streams s > }]
        expect_eq $p {{xgroup CREATECONSUMER s g erin}}
        replay [list {xgroup CREATECONSUMER s g carol} {xgroup CREATECONSUMER s g dave} {xgroup CREATECONSUMER s g erin}] s rs
        # The consumers match (delivery counts differ: alice's history read
        # counted deliveries that, as in Valkey, are not propagated).
        expect_eq [lindex [group_state rs g] end] [lindex [group_state s g] end]
    }
    test "XCLAIM and XAUTOCLAIM propagate XCLAIM; deleted entries too; replay matches" {
        r del s rs
        foreach id {1 2 3 4} { r xadd s $id f $id }
        r xgroup create s g 0
        r xreadgroup group g a streams s >
        r copy s rs
        r xdel s 2
        r xdel rs 2
        set p [propagated {
            r xclaim s g b 0 1 2 retrycount 5
            r xautoclaim s g c 0 0 count 10
            r xclaim s g d 0 99 lastid 50
            r xack s g 4
        }]
        # Each command's effects replay as one MULTI/EXEC unit.
        expect_eq [lsearch -all -exact $p multi] {0 4}
        expect_glob "xclaim s g b 0 1 TIME * RETRYCOUNT 5 FORCE JUSTID LASTID 4-0" [lindex $p 1]
        # 2 was deleted: its pending entry is dropped by the replay too.
        expect_glob "xclaim s g a 0 2 TIME * RETRYCOUNT 1 FORCE JUSTID LASTID 4-0" [lindex $p 2]
        expect_glob "xclaim s g c 0 1-0 TIME * RETRYCOUNT 6 FORCE JUSTID LASTID 4-0" [lindex $p 5]
        expect_glob "xclaim s g c 0 3-0 *" [lindex $p 6]
        expect_glob "xclaim s g c 0 4-0 *" [lindex $p 7]
        expect_eq [lindex $p 9] {xgroup SETID s g 50-0 ENTRIESREAD 4}
        expect_eq [lindex $p 10] {xack s g 4}
        # Valkey propagates no XGROUP CREATECONSUMER for a consumer that
        # XCLAIM created without claiming anything (only XREADGROUP NOACK
        # does): the replay has every consumer but that one.
        replay $p s rs
        r xgroup delconsumer s g d
        expect_eq [group_state rs g] [group_state s g]
    }
    test "Key events and the dirty counter of group commands" {
        r del s s2
        r xadd s 1 f v
        set ev [events {
            r xgroup create s g 0
            r xgroup create s g2 0 mkstream
            r xgroup createconsumer s g c1
            r xreadgroup group g c2 streams s >
            r xgroup setid s g 0
            r xgroup delconsumer s g c1
            r xclaim s g c3 0 1
            r xack s g 1
            r xgroup destroy s g
            r xgroup create s2 g 0 mkstream
        }]
        expect_eq $ev {{0 xgroup-create s} {0 xgroup-create s} {0 xgroup-createconsumer s} {0 xgroup-createconsumer s} {0 xgroup-setid s} {0 xgroup-delconsumer s} {0 xgroup-createconsumer s} {0 xgroup-destroy s} {0 new s2} {0 xgroup-create s2}}
        set d0 [dirty]
        r xreadgroup group g2 c streams s >
        expect_eq [expr {[dirty] - $d0}] 2
        set d0 [dirty]
        r xack s g2 1
        r xack s g2 1
        expect_eq [expr {[dirty] - $d0}] 1
    }
    test "DEBUG KEYSPACE-CHECK after all of the above" {
        expect_eq [r debug keyspace-check] OK
    }
    test "SHUTDOWN with streams, groups, pending entries and a blocked reader leaves no sanitizer report" {
        r del s
        for {set i 1} {$i <= 300} {incr i} { r xadd s $i f $i }
        r xgroup create s g 0
        r xreadgroup group g a count 120 streams s >
        r xclaim s g b 0 1 2 3
        r xgroup createconsumer s g idle
        r copy s s2
        r xdel s 5 6 7
        r xtrim s maxlen 250
        r xgroup create s g2 $
        set rd [new_client]
        $rd .send xreadgroup group g2 w block 0 streams s >
        wait_for {[regexp {blocked_clients:1} [r info clients]]}
        r .send shutdown nosave
        expect_eq [r .closed 5000] 1
        expect_true {[srvh::wait_exit [srv pid] 10000]} "server exited"
        set fh [open [srv stderr]]
        set err [read $fh]
        close $fh
        expect_true {![string match "*Sanitizer*" $err]} "stderr: [tf::show $err 2000]"
        expect_true {![string match "*runtime error*" $err]} "stderr: [tf::show $err 2000]"
    }
}
