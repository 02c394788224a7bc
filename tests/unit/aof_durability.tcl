# aof_durability.tcl - what the AOF promises when things go wrong:
#  - power-cut tails: the last command cut at every byte, zero-filled and
#    random tails, an unfinished MULTI: start-up cuts them off (one log
#    line naming the file and offset) and loses nothing before the cut;
#    with aof-load-truncated no a cut command stops start-up;
#  - appendfsync always: SIGKILL at random moments under a write load from
#    several clients, 50 rounds: every acknowledged write is there after
#    the restart;
#  - everysec on a slow disk (VALKEY_AOF_TEST_FSYNC_DELAY_MS): the loop
#    keeps serving, "Asynchronous AOF fsync is taking too long" and
#    aof_delayed_fsync;
#  - a disk that refuses writes (VALKEY_AOF_TEST_FAIL_IF_EXISTS): -MISCONF
#    for writes, and writing resumes by itself, nothing acknowledged lost;
#    with appendfsync always the server exits before replying (Valkey's
#    choice: the promise cannot be kept otherwise).

file_tags {aof persistence needs:aof}

proc resp_cmd {args} {
    set s "*[llength $args]\r\n"
    foreach a $args { append s "\$[string length $a]\r\n$a\r\n" }
    return $s
}
proc log_size {} { return [file size [srv log]] }
proc log_since {off} {
    set fh [open [srv log] rb]
    seek $fh $off
    set d [read $fh]
    close $fh
    return $d
}

with_server -config {appendonly yes appendfsync always} {
    test "the last command cut at every byte: start-up cuts it off, logs file and offset, keeps the rest" {
        for {set i 0} {$i < 20} {incr i} { r set key:$i val:$i }
        set name [aof_last_incr]
        kill_server
        set good [aof_read $name]
        set last [resp_cmd SET last-key [string repeat v 13]]
        set len [string length $last]
        for {set cut 1} {$cut < $len} {incr cut} {
            aof_write $name "$good[string range $last 0 [expr {$cut - 1}]]"
            set off [log_size]
            aof_restart
            expect_eq [r dbsize] 20 "cut at $cut"
            expect_eq [r get key:19] val:19
            expect_eq [r exists last-key] 0
            expect_re "AOF $name: .* at offset [string length $good] \\($cut bytes\\) cut off" [log_since $off]
            kill_server
            # The file was truncated on disk: new commands follow a whole one.
            expect_eq [file size [file join [aof_dir] $name]] [string length $good]
        }
        # The whole command: loaded.
        aof_write $name "$good$last"
        aof_restart
        expect_eq [r get last-key] [string repeat v 13]
    }

    test "zero-filled tails (after a whole command and inside one) are cut off" {
        set name [aof_last_incr]
        kill_server
        set good [aof_read $name]
        foreach {tail what} [list [string repeat \x00 4096] "a zero-filled tail" \
                                 "[string range [resp_cmd SET z 1] 0 9][string repeat \x00 100]" "garbage"] {
            aof_write $name "$good$tail"
            set off [log_size]
            aof_restart
            expect_eq [r get last-key] [string repeat v 13]
            expect_eq [r exists z] 0
            expect_re "AOF $name: $what.* at offset [string length $good]" [log_since $off]
            kill_server
            expect_eq [file size [file join [aof_dir] $name]] [string length $good]
        }
        aof_restart
    }

    test "random garbage tails are cut off; writes after the restart load again" {
        expr {srand(4242)}
        set name [aof_last_incr]
        for {set round 0} {$round < 10} {incr round} {
            r set round $round
            kill_server
            set good [aof_read $name]
            set tail ""
            set n [expr {1 + int(rand() * 300)}]
            for {set i 0} {$i < $n} {incr i} { append tail [binary format cu [expr {int(rand() * 256)}]] }
            # A tail that happens to start like a command is still a tail.
            aof_write $name "$good$tail"
            aof_restart
            expect_eq [r get round] $round
            expect_eq [r get last-key] [string repeat v 13]
        }
    }

    test "an unfinished MULTI at the end is cut off whole" {
        set name [aof_last_incr]
        kill_server
        set good [aof_read $name]
        aof_write $name "$good[resp_cmd MULTI][resp_cmd SET in-multi 1][resp_cmd SET in-multi-2 1]"
        set off [log_size]
        aof_restart
        expect_eq [r exists in-multi] 0
        expect_re "AOF $name: an unfinished MULTI block.* at offset [string length $good]" [log_since $off]
        # A finished one is loaded.
        kill_server
        aof_write $name "$good[resp_cmd MULTI][resp_cmd SET in-multi 1][resp_cmd EXEC]"
        aof_restart
        expect_eq [r get in-multi] 1
    }

    test "aof-load-truncated no: a cut last command stops start-up with the offset" {
        set name [aof_last_incr]
        kill_server
        set good [aof_read $name]
        aof_write $name "$good[string range [resp_cmd SET x y] 0 10]"
        set off [log_size]
        catch {restart_server -kill 1 -config {aof-load-truncated no}}
        expect_re "Unexpected end of file reading the append only file $name at offset [string length $good]" [log_since $off]
        aof_write $name $good
        aof_restart -config {aof-load-truncated yes}
        expect_eq [r get in-multi] 1
    }
}

with_server -config {appendonly yes appendfsync always} {
    test "appendfsync always: SIGKILL under a 4-client write load, 50 rounds, no acknowledged write lost" {
        expr {srand(777)}
        set acked {0 0 0 0}
        set rounds 50
        for {set round 0} {$round < $rounds} {incr round} {
            set clients {}
            for {set c 0} {$c < 4} {incr c} { lappend clients [new_client] }
            set next [list]
            foreach a $acked { lappend next [expr {$a + 1}] }
            set sent $next
            set steps [expr {5 + int(rand() * 60)}]
            for {set s 0} {$s < $steps} {incr s} {
                set c [expr {int(rand() * 4)}]
                set cl [lindex $clients $c]
                # Pipelined: a few requests outstanding when the kill comes.
                $cl .send RPUSH list:$c [lindex $sent $c]
                lset sent $c [expr {[lindex $sent $c] + 1}]
                if {rand() < 0.5} {
                    if {[catch {$cl .read} v]} break
                    lset acked $c [expr {[lindex $acked $c] + 1}]
                    expect_eq $v [lindex $acked $c]
                }
            }
            exec kill -9 [srv pid]
            # Replies that arrived before the kill are acknowledgements too.
            for {set c 0} {$c < 4} {incr c} {
                set cl [lindex $clients $c]
                $cl .timeout 200
                while {[lindex $acked $c] + 1 < [lindex $sent $c]} {
                    if {[catch {$cl .read} v]} break
                    lset acked $c [expr {[lindex $acked $c] + 1}]
                }
                catch {$cl .close}
            }
            aof_restart
            for {set c 0} {$c < 4} {incr c} {
                set len [r llen list:$c]
                # Every acknowledged element is there, in order, and
                # nothing that was never sent.
                expect_ge $len [lindex $acked $c]
                expect_lt $len [lindex $sent $c]
                if {[lindex $acked $c] > 0} {
                    expect_eq [r lindex list:$c [expr {[lindex $acked $c] - 1}]] [lindex $acked $c]
                }
                if {$len > 0} { expect_eq [r lindex list:$c -1] $len }
                lset acked $c $len
            }
        }
    }
}

with_server -config {appendonly yes appendfsync everysec} {
    test "everysec on a slow disk: the loop keeps serving; 'fsync is taking too long' and aof_delayed_fsync" {
        set ::env(VALKEY_AOF_TEST_FSYNC_DELAY_MS) 3000
        aof_restart
        unset ::env(VALKEY_AOF_TEST_FSYNC_DELAY_MS)
        set off [log_size]
        set t0 [clock milliseconds]
        set n 0
        while {[clock milliseconds] - $t0 < 5000} {
            set t [clock milliseconds]
            r set slow $n
            # No request waits for the disk.
            expect_lt [expr {[clock milliseconds] - $t}] 1000
            incr n
            after 5
            if {[aof_info aof_delayed_fsync] > 0} break
        }
        wait_for {[aof_info aof_delayed_fsync] > 0} -timeout 10000
        expect_re {Asynchronous AOF fsync is taking too long \(disk is busy\?\)} [log_since $off]
        expect_eq [aof_info aof_last_write_status] ok
        set v [r get slow]
        aof_restart
        expect_eq [r get slow] $v
    }
}

with_server -config {appendonly yes appendfsync everysec} {
    test "a disk that refuses writes: -MISCONF for writes, reads go on, writing resumes by itself" {
        set flag [file join [srv dir] fail-writes]
        set ::env(VALKEY_AOF_TEST_FAIL_IF_EXISTS) $flag
        aof_restart
        unset ::env(VALKEY_AOF_TEST_FAIL_IF_EXISTS)
        r set before 1
        close [open $flag w]
        set off [log_size]
        # This write is acknowledged and kept in memory for the retry.
        r set during 1
        wait_for {[aof_info aof_last_write_status] eq "err"}
        expect_err "MISCONF Errors writing to the AOF file: *" {r set refused 1}
        expect_eq [r get before] 1
        expect_re {Error writing to the AOF file} [log_since $off]
        file delete $flag
        wait_for {[aof_info aof_last_write_status] eq "ok"} -timeout 5000
        expect_re {AOF write error looks solved} [log_since $off]
        r set after 1
        r waitaof 1 0 0
        aof_restart
        expect_eq [r get before] 1
        expect_eq [r get during] 1
        expect_eq [r get after] 1
        expect_eq [r exists refused] 0
    }
}

with_server -config {appendonly yes appendfsync always} {
    test "appendfsync always and a refused write: the server exits before the reply (as Valkey), nothing acknowledged lost" {
        set flag [file join [srv dir] fail-writes]
        set ::env(VALKEY_AOF_TEST_FAIL_IF_EXISTS) $flag
        aof_restart
        unset ::env(VALKEY_AOF_TEST_FAIL_IF_EXISTS)
        r set acked 1
        close [open $flag w]
        set off [log_size]
        # No reply comes: the write could not be made durable.
        expect_true {[catch {r set unacked 1}]}
        expect_true {[srvh::wait_exit [srv pid] 5000]}
        expect_re {Can't recover from AOF write error when the AOF fsync policy is 'always'} [log_since $off]
        file delete $flag
        aof_restart
        expect_eq [r get acked] 1
        expect_eq [r exists unacked] 0
    }
}
