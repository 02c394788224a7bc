# fuzz_input.tcl - seeded random hostile input: sessions mixing well-formed
# multibulk commands with hostile arguments (huge and negative numbers,
# binary junk, every container's subcommands), raw garbage bytes and inline
# lines.  After every session the server must still answer PING on a fresh
# connection, and at the end it must still hold the data a clean client
# wrote.  The seed is printed, so a failure can be replayed with
# FUZZ_SEED=<n>.  (Commands that would legitimately stop or freeze the
# server - SHUTDOWN, CLIENT PAUSE, DEBUG SEGFAULT/PANIC/ASSERT/SLEEP - are
# left out of the vocabulary.)

file_tags {fuzz}

set fuzz_seed [expr {[info exists ::env(FUZZ_SEED)] ? $::env(FUZZ_SEED) : 20261121}]
set fuzz_sessions [expr {[info exists ::env(FUZZ_SESSIONS)] ? $::env(FUZZ_SESSIONS) : 400}]

proc fuzz_rand {n} { expr {int(rand() * $n)} }
proc fuzz_pick {list} { lindex $list [fuzz_rand [llength $list]] }
proc fuzz_bytes {n} {
    set s ""
    for {set i 0} {$i < $n} {incr i} { append s [format %c [fuzz_rand 256]] }
    return $s
}

set fuzz_cmds {GET SET SETRANGE GETRANGE GETEX APPEND INCRBYFLOAT INCRBY LCS MSET MGET
    EXPIRE PEXPIREAT TTL SCAN KEYS COPY RENAME MOVE OBJECT TYPE DEL SELECT SWAPDB
    CONFIG CLIENT COMMAND INFO MEMORY LATENCY SLOWLOG HELLO AUTH ECHO PING DEBUG}
set fuzz_words {GET SET LIST INFO DOCS GETKEYS GETKEYSANDFLAGS KILL USAGE ENCODING
    HISTOGRAM HELP RESETSTAT SETNAME REPLY NO-TOUCH PROTOCOL OBJECT DIGEST-VALUE
    EX PX EXAT PXAT KEEPTTL NX XX GT LT IDX LEN MINMATCHLEN WITHMATCHLEN MATCH
    COUNT TYPE ID ADDR LADDR SKIPME MAXAGE FILTERBY PATTERN ACLCAT * ?}
set fuzz_numbers {0 1 -1 2 9223372036854775807 -9223372036854775808
    9223372036854775808 18446744073709551616 100000000000000000000 536870912
    1.5 -0.0 inf -inf nan 1e308 0x10 " 1" ""}

proc fuzz_arg {} {
    set r [expr {rand()}]
    if {$r < 0.35} { return [fuzz_pick $::fuzz_words] }
    if {$r < 0.6} { return [fuzz_pick $::fuzz_numbers] }
    if {$r < 0.7} { return "fz:[fuzz_rand 8]" }
    return [fuzz_bytes [fuzz_rand 24]]
}

proc fuzz_multibulk {args} {
    set out "*[llength $args]\r\n"
    foreach a $args { append out "\$[string length $a]\r\n$a\r\n" }
    return $out
}

proc fuzz_session {} {
    set payload ""
    for {set j [expr {1 + [fuzz_rand 15]}]} {$j > 0} {incr j -1} {
        set kind [expr {rand()}]
        if {$kind < 0.7} {
            set argv [list [fuzz_pick $::fuzz_cmds]]
            for {set k [fuzz_rand 7]} {$k > 0} {incr k -1} { lappend argv [fuzz_arg] }
            append payload [fuzz_multibulk {*}$argv]
        } elseif {$kind < 0.85} {
            append payload [fuzz_bytes [expr {1 + [fuzz_rand 40]}]]
        } else {
            set words {}
            for {set k [expr {1 + [fuzz_rand 5]}]} {$k > 0} {incr k -1} { lappend words [fuzz_arg] }
            append payload [join $words " "] "\r\n"
        }
    }
    return $payload
}

with_server {
    test "the server survives $fuzz_sessions random hostile sessions (seed $fuzz_seed)" {
        expr {srand($fuzz_seed)}
        r select 0
        r set fz:canary alive
        for {set i 0} {$i < $fuzz_sessions} {incr i} {
            set payload [fuzz_session]
            set c [new_client]
            $c .rawsend $payload
            # The replies do not matter; the server may also close the
            # connection on a protocol error.  Wait for one of the two.
            $c .close
            set p [new_client]
            if {[catch {$p ping} pong] || $pong ne "PONG"} {
                tf::fail "session $i (seed $fuzz_seed) left the server unable to answer PING: $pong"
            }
            $p .close
        }
        # Sessions may SELECT, SWAPDB or FLUSH nothing (FLUSH* is not in the
        # vocabulary), so the canary written in db 0 is still there, in
        # db 0 or a swapped db.
        set found 0
        for {set db 0} {$db < 16} {incr db} {
            r select $db
            if {[r get fz:canary] eq "alive"} { set found 1 }
        }
        expect_eq $found 1
        expect_eq [r ping] PONG
        # The sessions really ran: more commands were executed than there
        # were sessions (a protocol error ends a session early, as it
        # should), and many of them were refused with an error.
        set stats [r info stats]
        regexp {total_commands_processed:(\d+)} $stats -> processed
        regexp {total_error_replies:(\d+)} $stats -> errors
        expect_gt $processed [expr {$fuzz_sessions * 2}]
        expect_gt $errors [expr {$fuzz_sessions / 4}]
    }
}
