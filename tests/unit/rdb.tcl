# rdb.tcl - RDB snapshots: SAVE, BGSAVE (and SCHEDULE), LASTSAVE, INFO
# persistence, DEBUG RELOAD and restarts of seeded random datasets over
# every type, encoding and expiry (DEBUG DIGEST unchanged), expired keys
# left out on load, IDLE/FREQ, rdbcompression, rdbchecksum, the save
# points, SHUTDOWN's final save, -LOADING while a long load runs, refused
# files (corrupt, bad CRC, duplicated keys) and valkey-check-rdb.
# Failures of the disk (killed child, full disk, unwritable dir) are in
# rdb_failures.tcl.
# Tests that fork (BGSAVE, save points) are tagged needs:native-fork:
# under qemu-user 7.2 (utils/test-arm.sh) a dynamically linked glibc
# guest's fork() crashes (armhf) or hangs (aarch64) in the child, in
# glibc, before any of our code runs; statically linked ARM servers pass
# them.

file_tags {rdb persistence}
source [asset_path rdb/helpers.tcl]

proc write_bytes {path data} {
    set fh [open $path wb]
    puts -nonewline $fh $data
    close $fh
}
with_server {
    test "SAVE writes dump.rdb, resets the change counter and moves LASTSAVE" {
        r flushall
        r set a 1
        r set b 2
        expect_gt [info_field persistence rdb_changes_since_last_save] 0
        set before [r lastsave]
        after 1100
        expect_eq [r save] OK
        expect_true {[file exists [rdb_file]]}
        expect_eq [info_field persistence rdb_changes_since_last_save] 0
        expect_gt [r lastsave] $before
        expect_eq [info_field persistence rdb_last_save_time] [r lastsave]
        expect_eq [string range [read_bytes [rdb_file]] 0 8] REDIS0011
    }

    test "SAVE over an old dump.rdb: the old file is closed (freed) soon after, never kept open" {
        # The replaced file is held open across the rename and closed by
        # the background thread; no descriptor of it may stay behind.
        proc replaced_fds {} {
            set n 0
            foreach fd [glob -nocomplain /proc/[srv pid]/fd/*] {
                if {![catch {file readlink $fd} target] && [string match "*dump.rdb*" $target]} { incr n }
            }
            return $n
        }
        r set c 3
        expect_eq [r save] OK
        set ino [file stat [rdb_file] st; set st(ino)]
        r set d 4
        expect_eq [r save] OK
        expect_true {[file stat [rdb_file] st; set st(ino)] != $ino}
        wait_for {[replaced_fds] == 0} -timeout 5000
        r del c d
        expect_eq [r save] OK
    } -tags {needs:native-proc}

    test "a saved file holds Valkey 8's AUX fields and passes valkey-check-rdb" {
        set out [exec [check_tool valkey-check-rdb] [rdb_file]]
        expect_re {AUX FIELD valkey-ver = '8\.0\.\d+'} $out
        expect_re {AUX FIELD redis-bits = '(32|64)'} $out
        expect_re {AUX FIELD ctime = '\d+'} $out
        expect_re {AUX FIELD used-mem = '\d+'} $out
        expect_re {AUX FIELD aof-base = '0'} $out
        expect_re {Checksum OK} $out
        expect_re {RDB looks OK} $out
        expect_re {\[info\] 2 keys read} $out
    }

    test "DEBUG RELOAD of seeded random datasets keeps DEBUG DIGEST (every type, encoding, expiry)" {
        foreach seed {11 22 33} {
            r flushall
            rdb_populate $seed 30
            set before [r debug digest]
            set listing [rdb_listing]
            expect_eq [r debug reload] OK
            expect_eq [r debug digest] $before "seed $seed"
            expect_eq [rdb_listing] $listing
            expect_eq [r debug keyspace-check] OK
        }
    }

    test "the random datasets hit every encoding" {
        set seen {}
        foreach db {0 1 9} {
            r select $db
            foreach k [r keys *] { dict set seen "[r type $k]/[r object encoding $k]" 1 }
        }
        r select 0
        foreach want {string/int string/embstr string/raw list/listpack list/quicklist hash/listpack
                      hash/hashtable set/intset set/listpack set/hashtable zset/listpack zset/skiplist
                      stream/stream} {
            expect_true {[dict exists $seen $want]} "an encoding missing: $want"
        }
    }

    test "encodings survive a reload when the limits do not change" {
        r flushall
        r rpush lp a b c
        r rpush ql {*}[lrepeat 300 element]
        r hset hl f v
        r hset ht f [string repeat x 100]
        r sadd si 1 2 3
        r sadd sl a b c
        r sadd sh {*}[lmap i [lrepeat 200 0] {set i m[incr n]}]
        r zadd zl 1 a
        r zadd zs 1 [string repeat y 100]
        set enc {}
        foreach k [lsort [r keys *]] { lappend enc $k [r object encoding $k] }
        r debug reload
        set after {}
        foreach k [lsort [r keys *]] { lappend after $k [r object encoding $k] }
        expect_eq $after $enc
    }

    test "DEBUG RELOAD NOSAVE loads the file as it is; NOFLUSH MERGE replaces keys from it" {
        r flushall
        r set a file-version
        r save
        r set a memory-version
        r set b only-in-memory
        expect_eq [r debug reload nosave] OK
        expect_eq [r get a] file-version
        expect_eq [r exists b] 0
        r set a memory-again
        r set b only-in-memory
        expect_eq [r debug reload nosave noflush merge] OK
        expect_eq [r get a] file-version
        expect_eq [r get b] only-in-memory
    }

    test "DEBUG RELOAD aborts a WATCHing transaction and invalidates client-side caches" {
        r flushall
        r set w 1
        set c [new_client -resp 3]
        $c watch w
        set t [new_client -resp 3]
        $t client tracking on
        $t get w
        r debug reload
        $c multi
        $c set w 2
        expect_eq [$c exec] {}
        expect_eq [$t .readpush] {push {{bulk invalidate} null}}
        expect_eq [r get w] 1
        $c .close
        $t .close
    } -tags {needs:multi}

    test "DEBUG RELOAD NOFLUSH without MERGE refuses a key the dataset already has" {
        r flushall
        r set a 1
        r save
        expect_err "ERR Error trying to load the RDB dump*" {r debug reload nosave noflush}
        expect_glob "*duplicated key 'a'*" [server_log]
    }

    test "a key already present in the middle of a NOFLUSH reload: refused, the keys before it stay as saved" {
        r flushall
        for {set i 0} {$i < 200} {incr i} { r set k$i v$i }
        r save
        r flushall
        r set k100 mine
        expect_err "ERR Error trying to load the RDB dump*" {r debug reload nosave noflush}
        expect_glob "*duplicated key 'k100'*" [server_log]
        # The key read after the duplicate is never added; every key that
        # went in holds its saved value, and the present one is untouched.
        expect_eq [r get k100] mine
        set n [r dbsize]
        expect_between $n 1 200
        for {set i 0} {$i < 200} {incr i} {
            if {$i != 100 && [r exists k$i]} { expect_eq [r get k$i] v$i }
        }
        expect_eq [r debug keyspace-check] OK
    }

    test "INFO reports the last load: keys loaded and keys already expired" {
        r flushall
        r debug set-active-expire 0
        r set keep 1
        r set gone 1 px 50
        r save
        after 100
        r debug reload nosave
        expect_eq [info_field persistence rdb_last_load_keys_loaded] 1
        expect_eq [info_field persistence rdb_last_load_keys_expired] 1
        expect_eq [r exists gone] 0
        expect_eq [r get keep] 1
        r debug set-active-expire 1
    }

    test "TTLs survive a reload to the millisecond" {
        r flushall
        r set k v
        r pexpireat k 4102444800123
        r hset h f v
        r pexpireat h 4102444800456
        r debug reload
        expect_eq [r pexpiretime k] 4102444800123
        expect_eq [r pexpiretime h] 4102444800456
    }

    test "rdbcompression: LZF shrinks compressible values, off stores them raw" {
        r flushall
        r set big [string repeat abcdefgh 2000]
        r config set rdbcompression yes
        r save
        set small [file size [rdb_file]]
        r config set rdbcompression no
        r save
        set raw [file size [rdb_file]]
        r config set rdbcompression yes
        expect_lt $small [expr {$raw / 10}]
        r debug reload nosave
        expect_eq [r get big] [string repeat abcdefgh 2000]
    }

    test "integer-looking strings are stored with the integer encoding" {
        r flushall
        r set k 123
        r save
        set data [read_bytes [rdb_file]]
        # type 0, key "k", value as an int8 encoding (0xC0 0x7B)
        expect_true {[string first "\x00\x01k\xc0\x7b" $data] >= 0}
    }

    test "BGSAVE forks a child that writes the file; INFO follows it" {
        r flushall
        r debug populate 1000
        set forks [info_field stats total_forks]
        expect_eq [r bgsave] "Background saving started"
        wait_bgsave_done
        expect_eq [info_field persistence rdb_last_bgsave_status] ok
        expect_eq [info_field stats total_forks] [expr {$forks + 1}]
        expect_gt [info_field stats latest_fork_usec] 0
        expect_ge [info_field persistence rdb_saves] 1
        expect_ge [info_field persistence rdb_last_bgsave_time_sec] 0
        expect_eq [info_field persistence rdb_changes_since_last_save] 0
        expect_glob "*Background saving terminated with success*" [server_log]
        r debug reload nosave
        expect_eq [r dbsize] 1000
    } -tags {needs:native-fork}

    test "the BGSAVE child runs at the lowest priority, SCHED_IDLE" {
        # nice (field 19 of /proc/PID/stat) and scheduling policy (field
        # 41; 5 = SCHED_IDLE), counted from field 3, the first after the
        # command name.
        proc nice_and_policy {pid} {
            if {[catch {read_bytes /proc/$pid/stat} stat]} { return {} }
            set fields [string range $stat [expr {[string last ")" $stat] + 2}] end]
            return [list [lindex $fields 16] [lindex $fields 38]]
        }
        r config set rdb-key-save-delay 2000
        expect_eq [r bgsave] "Background saving started"
        set child ""
        wait_for {[llength [set child [server_children]]] == 1} -timeout 5000
        # The child lowers itself just after the fork: poll until it has
        # (or 5 s), then stop it before checking, so a failure leaves no
        # save running.
        set deadline [expr {[clock milliseconds] + 5000}]
        while {[set seen [nice_and_policy $child]] ne {19 5} && [clock milliseconds] < $deadline} { after 10 }
        r config set rdb-key-save-delay 0
        catch {exec kill -USR1 $child}
        wait_bgsave_done
        expect_eq $seen {19 5}
        # The parent keeps the priority and policy it was started with
        # (the test runner's).
        expect_eq [nice_and_policy [srv pid]] [nice_and_policy [pid]]
    } -tags {needs:native-fork}

    test "while a BGSAVE child exists the keyspace neither resizes nor records accesses" {
        proc main_table_bytes {} {
            set stats [r memory stats]
            return [dict get $stats db.0 overhead.hashtable.main]
        }
        r flushall
        r debug populate 1000
        r set src v
        r restore idle 0 [r dump src] idletime 1000
        set table [main_table_bytes]
        r config set rdb-key-save-delay 2000
        expect_eq [r bgsave] "Background saving started"
        # Right after the fork (no cron has run yet): three times as many
        # keys as buckets would have grown the table twice without a child.
        r debug populate 3000 more
        set during [main_table_bytes]
        r get idle
        set idle_during [r object idletime idle]
        set child [server_children]
        r config set rdb-key-save-delay 0
        if {$child ne ""} { catch {exec kill -USR1 $child} }
        wait_bgsave_done
        expect_eq $during $table
        expect_ge $idle_during 1000
        # Once the child is gone, cron grows the table and reads touch keys.
        wait_for {[main_table_bytes] > $table} -timeout 5000
        r get idle
        expect_lt [r object idletime idle] 10
        # The next tests expect the 1000 keys of before.
        r flushall
        r debug populate 1000
    } -tags {needs:native-fork}

    test "a BGSAVE in progress refuses SAVE and BGSAVE; MULTI schedules it" {
        r config set rdb-key-save-delay 2000
        expect_eq [r bgsave] "Background saving started"
        expect_eq [info_field persistence rdb_bgsave_in_progress] 1
        expect_ge [info_field persistence rdb_current_bgsave_time_sec] 0
        expect_eq [info_field persistence current_save_keys_total] 1000
        expect_err "ERR Background save already in progress" {r bgsave}
        expect_err "ERR Background save already in progress" {r bgsave schedule}
        expect_err "ERR Background save already in progress" {r save}
        expect_err "ERR syntax error" {r bgsave now}
        r config set rdb-key-save-delay 0
        wait_bgsave_done
        set saves [info_field persistence rdb_saves]
        r multi
        r bgsave
        expect_eq [r exec] {{Background saving scheduled}}
        wait_for {[info_field persistence rdb_saves] == $saves + 1} -timeout 10000
        wait_bgsave_done
        expect_eq [info_field persistence rdb_last_bgsave_status] ok
    } -tags {needs:native-fork}

    test "a save point triggers a background save" {
        r flushall
        r save
        r config set save "1 2"
        r set x 1
        r set y 2
        wait_for {[info_field persistence rdb_changes_since_last_save] == 0} -timeout 10000
        expect_glob "*2 changes in 1 seconds. Saving...*" [server_log]
        r config set save ""
    } -tags {needs:native-fork}

    test "IDLE and FREQ are written and read back under LRU and LFU policies" {
        r flushall
        r config set maxmemory-policy allkeys-lru
        r set idle v
        r debug sleep 2.1
        r debug reload
        expect_ge [r object idletime idle] 2
        r config set maxmemory-policy allkeys-lfu
        r set hot v
        for {set i 0} {$i < 50} {incr i} { r get hot }
        set f [r object freq hot]
        r debug reload
        expect_eq [r object freq hot] $f
        r config set maxmemory-policy noeviction
    }

    test "a dump without the checksum (rdbchecksum no) still loads; check-rdb says so" {
        r flushall
        r set k v
        r save
        set data [read_bytes [rdb_file]]
        write_bytes [rdb_file] [string range $data 0 end-8][string repeat \x00 8]
        expect_eq [r debug reload nosave] OK
        expect_eq [r get k] v
        expect_re {checksum disabled} [exec [check_tool valkey-check-rdb] [rdb_file]]
    }

    test "a wrong checksum refuses the file" {
        r flushall
        r set k v
        r save
        set data [read_bytes [rdb_file]]
        set last [expr {[string length $data] - 1}]
        binary scan [string index $data $last] cu b
        write_bytes [rdb_file] [string range $data 0 end-1][binary format cu [expr {$b ^ 1}]]
        expect_err "ERR Error trying to load*" {r debug reload nosave}
        expect_glob "*Wrong RDB checksum*" [server_log]
        set rc [catch {exec [check_tool valkey-check-rdb] [rdb_file]} out]
        expect_eq $rc 1
        expect_re {RDB ERROR DETECTED} $out
        expect_re {RDB CRC error} $out
        # DEBUG SET-SKIP-CHECKSUM-VALIDATION 1 loads it anyway.
        expect_eq [r debug set-skip-checksum-validation 1] OK
        try {
            expect_eq [r debug reload nosave] OK
            expect_eq [r get k] v
        } finally {
            r debug set-skip-checksum-validation 0
        }
    }
    test "DEBUG SET-SKIP-CHECKSUM-VALIDATION lets RESTORE take a payload with a wrong CRC" {
        r del k k2
        r set k hello
        set p [r dump k]
        set bad [string range $p 0 end-1][binary format cu [expr {[scan [string index $p end] %c] ^ 1}]]
        expect_err "ERR DUMP payload version or checksum are wrong" {r restore k2 0 $bad}
        expect_eq [r debug set-skip-checksum-validation 1] OK
        try {
            expect_eq [r restore k2 0 $bad] OK
            expect_eq [r get k2] hello
        } finally {
            r debug set-skip-checksum-validation 0
        }
        expect_err "ERR unknown subcommand*" {r debug set-skip-checksum-validation}
    }
    test "DEBUG PAUSE-AFTER-FORK stops the server after BGSAVE's fork until SIGCONT" {
        r flushall
        r set k v
        set pid [info_field server process_id]
        expect_eq [r debug pause-after-fork 1] OK
        set c [new_client]
        $c .send bgsave
        # The server stops itself (state T in /proc) once the child exists.
        wait_for {[lindex [split [read_bytes /proc/$pid/stat] " "] 2] eq "T"}
        exec kill -CONT $pid
        expect_eq [$c .read] "Background saving started"
        $c .close
        expect_eq [r debug pause-after-fork 0] OK
        wait_bgsave_done
        expect_eq [info_field persistence rdb_last_bgsave_status] ok
        expect_glob "*Process is about to stop.*Process has been continued.*" [server_log]
    } -tags {needs:native-fork needs:native-proc}
}

with_server -config {save ""} {
    test "a restart (SIGKILL after SAVE) brings the random dataset back" {
        rdb_populate 44 25
        set digest [r debug digest]
        set listing [rdb_listing]
        r save
        restart_server -kill 1
        expect_eq [r debug digest] $digest
        expect_eq [rdb_listing] $listing
        expect_glob "*DB loaded from disk*" [server_log]
    }

    test "a corrupt file stops the start with the offset and the reason" {
        set data [read_bytes [rdb_file]]
        # Cut the file in the middle of a value: the load must fail.
        write_bytes [rdb_file] [string range $data 0 [expr {[string length $data] / 2}]]
        set cfg [srv conf]
        lassign [run_server_once [list $cfg --port [srvh::free_port]]] status out
        expect_eq $status 1
        expect_re {Internal error in RDB reading offset \d+} "$out[server_log]"
        expect_re {Fatal error loading the DB} "$out[server_log]"
        write_bytes [rdb_file] $data
    }
}

with_server -config {enable-protected-configs yes} {
    test "dbfilename is a file name, never a path (CONFIG SET and start-up)" {
        expect_err "*dbfilename can't be a path, just a filename*" {r config set dbfilename /tmp/x.rdb}
        expect_err "*dbfilename can't be a path, just a filename*" {r config set dbfilename sub/x.rdb}
        expect_eq [lindex [r config get dbfilename] 1] dump.rdb
        lassign [run_server_once [list --port [srvh::free_port] --dbfilename sub/x.rdb]] status out
        expect_eq $status 1
        expect_glob "*dbfilename can't be a path, just a filename*" $out
    }
}

with_server -config {save "3600 1"} {
    test "FLUSHALL writes an empty snapshot at once where save points exist" {
        r set k v
        r save
        r set k2 v2
        r flushall
        expect_eq [info_field persistence rdb_changes_since_last_save] 1
        restart_server -kill 1
        expect_eq [r dbsize] 0
    }

    test "SHUTDOWN saves when save points are configured; NOSAVE does not" {
        r set k saved
        catch {r shutdown}
        wait_for {![srvh::alive [srv pid]]} -timeout 10000
        restart_server
        expect_eq [r get k] saved
        r set k not-saved
        catch {r shutdown nosave}
        wait_for {![srvh::alive [srv pid]]} -timeout 10000
        restart_server
        expect_eq [r get k] saved
    }
}

with_server {
    test "SHUTDOWN SAVE saves even without save points" {
        r set k forced
        catch {r shutdown save}
        wait_for {![srvh::alive [srv pid]]} -timeout 10000
        restart_server
        expect_eq [r get k] forced
    }
}

with_server -config {loading-process-events-interval-bytes 1024} {
    test "a long load answers -LOADING and INFO shows loading:1 with its progress" {
        r debug populate 3000 key 10
        r save
        restart_server -config {key-load-delay 1000} -wait 0
        set c ""
        wait_for {![catch {new_client} c]} -timeout 20000
        wait_for {[regexp {(?n)^loading:1} [$c info persistence]]} -timeout 10000
        expect_err "LOADING Valkey is loading the dataset in memory" {$c get key:1}
        set info [$c info persistence]
        expect_re {loading_total_bytes:\d+} $info
        expect_re {loading_loaded_perc:[\d.]+} $info
        expect_re {loading_eta_seconds:\d+} $info
        wait_for {[regexp {(?n)^loading:0} [$c info persistence]]} -timeout 60000
        expect_eq [$c dbsize] 3000
        $c .close
        reconnect
        r config set key-load-delay 0
    }
}
