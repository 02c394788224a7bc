# aof.tcl - the append-only file: the multi-part layout (manifest, base,
# incremental files), what is written for each write, round trips across
# SIGKILL for seeded random datasets of every type (DEBUG DIGEST
# unchanged) with and without a rewrite and with both kinds of base,
# BGREWRITEAOF and its INFO fields, CONFIG SET appendonly at run time,
# WAITAOF, the upgrade of an old single file, and refused corruption.
# Power-cut tails and the durability of appendfsync always under SIGKILL
# are in aof_durability.tcl.

file_tags {aof persistence needs:aof}
source [asset_path rdb/helpers.tcl]


proc expect_false_file {path} {
    if {[file exists $path]} { tf::fail "expected: $path does not exist\nactual:   it does" }
}
proc expect_false_alive {} {
    if {[srvh::alive [srv pid]]} { tf::fail "expected: the server refused to start\nactual:   it runs" }
}

with_server -config {appendonly yes appendfsync always enable-debug-command yes} {
    test "appendonly yes at start-up creates the directory, a base, an incr file and the manifest" {
        expect_true {[file isdirectory [aof_dir]]}
        expect_eq [aof_manifest] "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
        expect_eq [string range [aof_read appendonly.aof.1.base.rdb] 0 8] REDIS0011
        expect_eq [aof_info aof_enabled] 1
        expect_eq [aof_info aof_last_write_status] ok
        expect_eq [aof_info aof_last_bgrewrite_status] ok
        foreach f {aof_current_size aof_base_size aof_buffer_length aof_pending_bio_fsync aof_delayed_fsync
                   aof_rewrite_in_progress aof_rewrite_scheduled aof_last_rewrite_time_sec aof_rewrites
                   aof_current_rewrite_time_sec aof_rewrites_consecutive_failures aof_pending_rewrite} {
            expect_re {^-?\d+$} [aof_info $f]
        }
    }

    test "writes reach the incr file as RESP commands with SELECT, before the reply" {
        r set foo bar
        r select 3
        r incr n
        r select 0
        # appendfsync always: the bytes are there when the reply arrives.
        set text [aof_read appendonly.aof.1.incr.aof]
        expect_eq $text "*2\r\n\$6\r\nSELECT\r\n\$1\r\n0\r\n*3\r\n\$3\r\nset\r\n\$3\r\nfoo\r\n\$3\r\nbar\r\n*2\r\n\$6\r\nSELECT\r\n\$1\r\n3\r\n*2\r\n\$4\r\nincr\r\n\$1\r\nn\r\n"
        expect_eq [aof_info aof_current_size] [expr {[file size [file join [aof_dir] appendonly.aof.1.base.rdb]] + [string length $text]}]
    }

    test "a transaction is written as MULTI ... EXEC; reads and failed writes write nothing" {
        set before [file size [file join [aof_dir] appendonly.aof.1.incr.aof]]
        r get foo
        catch {r incr foo}
        expect_eq [file size [file join [aof_dir] appendonly.aof.1.incr.aof]] $before
        r multi
        r set a 1
        r set b 2
        r exec
        set text [string range [aof_read appendonly.aof.1.incr.aof] $before end]
        expect_re {^(\*2\r\n\$6\r\nSELECT\r\n\$1\r\n0\r\n)?\*1\r\n\$5\r\nMULTI\r\n.*\*1\r\n\$4\r\nEXEC\r\n$} $text
    }

    test "SET EX is written in its deterministic form (PXAT)" {
        set before [file size [file join [aof_dir] appendonly.aof.1.incr.aof]]
        r set ttlkey v ex 100
        set text [string range [aof_read appendonly.aof.1.incr.aof] $before end]
        expect_re {(?i)pxat} $text
    }

    test "SIGKILL and restart: every write is back (DEBUG DIGEST unchanged)" {
        set d [r debug digest]
        aof_restart
        expect_eq [r debug digest] $d
        expect_eq [r get foo] bar
        expect_gt [r pttl ttlkey] 90000
    }

    test "DEBUG LOADAOF flushes the AOF and loads the dataset back from its files" {
        r set loadaof:a 1
        r rpush loadaof:l x y
        set d [r debug digest]
        expect_eq [r debug loadaof] OK
        expect_eq [r debug digest] $d
        # It really reads the files: a command added to the incr file by
        # hand is there after the next DEBUG LOADAOF.
        set name [aof_last_incr]
        set fh [open [file join [aof_dir] $name] ab]
        puts -nonewline $fh "*3\r\n\$3\r\nSET\r\n\$9\r\nloadaof:b\r\n\$1\r\n2\r\n"
        close $fh
        expect_eq [r exists loadaof:b] 0
        expect_eq [r debug loadaof] OK
        expect_eq [r get loadaof:b] 2
        expect_glob "*Append Only File loaded by DEBUG LOADAOF*" [server_log]
        r del loadaof:a loadaof:l loadaof:b
    }

    test "DEBUG AOF-FLUSH-SLEEP delays each AOF write (a slow device)" {
        expect_eq [r debug aof-flush-sleep 600000] OK
        try {
            set t0 [clock milliseconds]
            r set flushsleep:a 1
            # Written before the next event-loop pass ends: a second command
            # waits for it at the latest.
            r set flushsleep:b 2
            expect_ge [expr {[clock milliseconds] - $t0}] 600
        } finally {
            r debug aof-flush-sleep 0
        }
        set t0 [clock milliseconds]
        r set flushsleep:c 3
        r set flushsleep:d 4
        expect_lt [expr {[clock milliseconds] - $t0}] 500
        r del flushsleep:a flushsleep:b flushsleep:c flushsleep:d
    }

    # Streams are left out of this digest comparison: a replay gives
    # consumers the replay time as their seen/active times (as in Valkey),
    # and DEBUG DIGEST covers those.  tests/unit/type/stream_group.tcl
    # checks that replaying the propagated stream commands rebuilds the
    # groups, and the rewrite tests below cover streams in the base.
    test "seeded random datasets of every type but streams survive SIGKILL through the incr file" {
        foreach seed {5 6} {
            r flushall
            rdb_populate $seed 25 {5}
            set d [r debug digest]
            set listing [rdb_listing]
            aof_restart
            expect_eq [r debug digest] $d "seed $seed"
            expect_eq [rdb_listing] $listing
            expect_eq [r debug keyspace-check] OK
        }
    }

    tagged needs:native-fork {
        foreach preamble {yes no} {
            test "BGREWRITEAOF (aof-use-rdb-preamble $preamble): new base, new incr, history removed, digest kept" {
                r config set aof-use-rdb-preamble $preamble
                r flushall
                rdb_populate [expr {$preamble eq "yes" ? 7 : 8}] 25
                set d [r debug digest]
                set listing [rdb_listing]
                set rewrites [aof_info aof_rewrites]
                expect_eq [r bgrewriteaof] "Background append only file rewriting started"
                aof_wait_rewrite
                expect_eq [aof_info aof_last_bgrewrite_status] ok
                expect_eq [aof_info aof_rewrites] [expr {$rewrites + 1}]
                set m [aof_manifest]
                set ext [expr {$preamble eq "yes" ? "rdb" : "aof"}]
                expect_re "^file appendonly\\.aof\\.\\d+\\.base\\.$ext seq \\d+ type b\nfile appendonly\\.aof\\.\\d+\\.incr\\.aof seq \\d+ type i\n\$" $m
                # Only the files the manifest names are left.
                set names {}
                foreach line [split [string trim $m] \n] { lappend names [lindex $line 1] }
                expect_eq [lsort [glob -tails -directory [aof_dir] *]] [lsort [concat $names appendonly.aof.manifest]]
                r set after-rewrite 1
                aof_restart
                r del after-rewrite
                # Commands cannot set a stream consumer's seen/active
                # times (Valkey's rewrite neither): the plain base keeps
                # everything else, which the listing compares.
                if {$preamble eq "yes"} { expect_eq [r debug digest] $d }
                expect_eq [rdb_listing] $listing
                expect_eq [r debug keyspace-check] OK
            }
        }

        test "a plain-AOF base is made of ordinary commands (SET, RPUSH, SADD, ZADD, HMSET, PEXPIREAT, X*)" {
            r config set aof-use-rdb-preamble no
            r flushall
            r set s v
            r rpush l a b
            r sadd st x
            r sadd is 1 2
            r zadd z 1.5 m
            r hset h f v
            r pexpire s 100000000
            r xadd x 1-1 f v
            r xgroup create x g 0
            r xreadgroup group g alice streams x >
            r xgroup createconsumer x g bob
            r bgrewriteaof
            aof_wait_rewrite
            set base [lindex [split [aof_manifest] " "] 1]
            set text [aof_read $base]
            foreach cmd {SELECT SET RPUSH SADD ZADD HMSET PEXPIREAT XADD XSETID XGROUP XCLAIM CREATECONSUMER} { expect_re "\r\n$cmd\r\n" $text }
            expect_eq [string first RESTORE $text] -1
            expect_eq [string first REDIS $text] -1
        }

        test "a plain-AOF base holds the function libraries (FUNCTION LOAD), which a restart loads" {
            r config set aof-use-rdb-preamble no
            r function flush
            r function load "#!lua name=aoflib\nredis.register_function('aof_ping', function() return 'pong' end)"
            r bgrewriteaof
            aof_wait_rewrite
            set base [lindex [split [aof_manifest] " "] 1]
            set text [aof_read $base]
            expect_re "\r\nFUNCTION\r\n\\\$4\r\nLOAD\r\n" $text
            aof_restart
            expect_eq [r fcall aof_ping 0] pong
            r function flush
        }

        test "BGREWRITEAOF while one runs is refused; during a BGSAVE it is scheduled" {
            r config set rdb-key-save-delay 2000
            r flushall
            for {set i 0} {$i < 50} {incr i} { r set k$i $i }
            r bgrewriteaof
            expect_err "*already in progress*" {r bgrewriteaof}
            r config set rdb-key-save-delay 0
            aof_wait_rewrite
            r config set rdb-key-save-delay 2000
            r bgsave
            expect_eq [r bgrewriteaof] "Background append only file rewriting scheduled"
            expect_eq [aof_info aof_rewrite_scheduled] 1
            r config set rdb-key-save-delay 0
            aof_wait_rewrite
            expect_eq [aof_info aof_last_bgrewrite_status] ok
        }

        test "a rewrite while clients keep writing loses nothing" {
            r config set aof-use-rdb-preamble yes
            r flushall
            r debug populate 20000
            r config set rdb-key-save-delay 20
            r bgrewriteaof
            set i 0
            while {[aof_info aof_rewrite_in_progress] == 1 || $i < 200} {
                r incr counter
                r rpush list $i
                incr i
                if {$i > 200000} break
            }
            r config set rdb-key-save-delay 0
            aof_wait_rewrite
            expect_eq [aof_info aof_last_bgrewrite_status] ok
            set d [r debug digest]
            aof_restart
            expect_eq [r debug digest] $d
            expect_eq [r get counter] $i
            expect_eq [r llen list] $i
        }

        test "a killed rewrite child leaves the old files valid" {
            r config set rdb-key-save-delay 100000
            r set before-kill 1
            set m [aof_manifest]
            r bgrewriteaof
            # The child (slow on a loaded machine or a sanitizer build).
            wait_for {![catch {exec pgrep -P [srv pid]} kids] && [llength $kids] > 0} -timeout 10000
            exec kill -9 [lindex $kids 0]
            wait_for {[aof_info aof_rewrite_in_progress] == 0}
            expect_eq [aof_info aof_last_bgrewrite_status] err
            r config set rdb-key-save-delay 0
            r set after-kill 1
            set d [r debug digest]
            aof_restart
            expect_eq [r debug digest] $d
        }

        test "auto-aof-rewrite-percentage/min-size start a rewrite on growth" {
            r flushall
            r bgrewriteaof
            aof_wait_rewrite
            r config set auto-aof-rewrite-min-size 10000
            r config set auto-aof-rewrite-percentage 100
            set n [aof_info aof_rewrites]
            for {set i 0} {$i < 2000} {incr i} { r set growth:$i [string repeat x 20] }
            wait_for {[aof_info aof_rewrites] > $n} -timeout 10000
            aof_wait_rewrite
            r config set auto-aof-rewrite-percentage 0
            set d [r debug digest]
            aof_restart
            expect_eq [r debug digest] $d
        }
    }

    test "WAITAOF: numlocal 1 answers 1 once the writes are fsynced; argument errors" {
        r set w 1
        expect_eq [r waitaof 1 0 0] {1 0}
        r config set appendfsync everysec
        r set w 2
        expect_eq [r waitaof 1 0 100] {1 0}
        r config set appendfsync always
        expect_err "*timeout is negative*" {r waitaof 0 0 -1}
        expect_err "*not an integer*" {r waitaof x 0 0}
    }

    test "the manifest is written atomically: no temp file is left behind" {
        expect_eq [llength [glob -nocomplain -directory [aof_dir] temp-*]] 0
    }
}

with_server -config {enable-debug-command yes} {
    test "WAITAOF numlocal with appendonly no is refused" {
        expect_err "*WAITAOF cannot be used when numlocal is set but appendonly is disabled*" {r waitaof 1 0 0}
        expect_eq [r waitaof 0 0 0] {0 0}
        expect_eq [aof_info aof_enabled] 0
    }

    tagged needs:native-fork {
        test "CONFIG SET appendonly yes at run time writes a base first, then appends" {
            r flushall
            rdb_populate 9 20
            r config set appendonly yes
            wait_for {[aof_info aof_rewrite_in_progress] == 0 && [aof_info aof_enabled] == 1 &&
                      [file exists [file join [aof_dir] appendonly.aof.manifest]]} -timeout 20000
            aof_wait_rewrite
            expect_re {^file appendonly\.aof\.\d+\.base\.rdb seq \d+ type b\nfile appendonly\.aof\.\d+\.incr\.aof seq \d+ type i\n$} [aof_manifest]
            r set after-enable 1
            set d [r debug digest]
            aof_restart -config {appendonly yes}
            expect_eq [r debug digest] $d
            expect_eq [r get after-enable] 1
        }

        test "CONFIG SET appendonly yes during a BGSAVE: the base rewrite waits for it, then runs" {
            r config set appendonly no
            r config set rdb-key-save-delay 1000
            r bgsave
            r config set appendonly yes
            expect_eq [aof_info aof_rewrite_scheduled] 1
            expect_eq [aof_info aof_enabled] 1
            r set during-wait 1
            r config set rdb-key-save-delay 0
            aof_wait_rewrite
            wait_for {[regexp {rdb_bgsave_in_progress:0} [r info persistence]]}
            expect_eq [aof_info aof_last_bgrewrite_status] ok
            r set after-wait 1
            set d [r debug digest]
            aof_restart -config {appendonly yes}
            expect_eq [r debug digest] $d
        }

        test "CONFIG SET appendonly no stops writing" {
            r config set appendonly no
            expect_eq [aof_info aof_enabled] 0
            set f [file join [aof_dir] [aof_last_incr]]
            set size [file size $f]
            r set not-logged 1
            expect_eq [file size $f] $size
        }
    }
}

with_server -config {enable-debug-command yes} {
    tagged needs:native-fork {
        test "BGREWRITEAOF with appendonly no writes a directory with a base alone" {
            r set k v
            expect_eq [r bgrewriteaof] "Background append only file rewriting started"
            aof_wait_rewrite
            expect_re {^file appendonly\.aof\.1\.base\.rdb seq 1 type b\n$} [aof_manifest]
            expect_eq [aof_info aof_enabled] 0
            aof_restart -config {appendonly yes}
            expect_eq [r get k] v
            r config set appendonly no
            file delete -force [aof_dir]
        }
    }

    test "an old single appendonly.aof is moved into the directory and loaded" {
        r config set appendonly no
        set text "*2\r\n\$6\r\nSELECT\r\n\$1\r\n0\r\n*3\r\n\$3\r\nSET\r\n\$3\r\nold\r\n\$5\r\nvalue\r\n"
        kill_server
        file delete -force [aof_dir]
        set fh [open [file join [srv dir] appendonly.aof] wb]
        puts -nonewline $fh $text
        close $fh
        aof_restart -config {appendonly yes}
        expect_eq [r get old] value
        expect_false_file [file join [srv dir] appendonly.aof]
        expect_re {^file appendonly\.aof seq 1 type b\nfile appendonly\.aof\.1\.incr\.aof seq 1 type i\n$} [aof_manifest]
        r set new 1
        aof_restart
        expect_eq [r get old] value
        expect_eq [r get new] 1
    }

    test "corruption before the last command stops start-up, naming the file and offset" {
        set name [aof_last_incr]
        kill_server
        set good "*3\r\n\$3\r\nSET\r\n\$1\r\na\r\n\$1\r\n1\r\n"
        aof_write $name "${good}*3\r\n\$3\r\nSET\r\n\$1\r\nb\r\n\$X\r\n2\r\n${good}"
        catch {restart_server -kill 1} err
        set log [server_log]
        expect_re "Bad file format reading the append only file $name at offset [string length $good]" $log
        expect_false_alive
        # Put the file right for the harness's clean-up.
        aof_write $name $good
        aof_restart
        expect_eq [r get a] 1
    }

    test "an unknown command in the middle stops start-up" {
        set name [aof_last_incr]
        kill_server
        set good "*3\r\n\$3\r\nSET\r\n\$1\r\na\r\n\$1\r\n1\r\n"
        aof_write $name "${good}*1\r\n\$7\r\nNOSUCHX\r\n${good}"
        catch {restart_server -kill 1} err
        expect_re "Unknown command 'NOSUCHX' reading the append only file $name at offset [string length $good]" [server_log]
        aof_write $name $good
        aof_restart
        expect_eq [r get a] 1
    }
}

