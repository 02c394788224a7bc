# DEBUG: the enable-debug-command gate (no / yes / local, refusals counted
# as rejected calls), the subcommands added for the server surface (JMAP,
# QUICKLIST-PACKED-THRESHOLD, LISTPACK, CHANGE-REPL-ID, STRINGMATCH-LEN,
# RELOAD) and the ones that existed (checked still working), with errors.
# The crashing subcommands are in crash.tcl.

file_tags {debug}

proc info_field {text field} {
    if {[regexp "(?n)^${field}:(\[^\r\n\]*)" $text -> v]} { return $v }
    return ""
}

with_server {
    test "DEBUG HELP lists the subcommands" {
        set h [r debug help]
        expect_glob "DEBUG <subcommand>*" [lindex $h 0]
        foreach sub {ASSERT CHANGE-REPL-ID DIGEST JMAP LISTPACK PANIC QUICKLIST-PACKED-THRESHOLD RELOAD SEGFAULT SLEEP STRINGMATCH-LEN} {
            expect_true {[lsearch -glob $h "$sub*"] >= 0} "$sub in help"
        }
    }
    test "DEBUG CHANGE-REPL-ID gives a new replication id" {
        set before [info_field [r info replication] master_replid]
        expect_re {^[0-9a-f]{40}$} $before
        expect_eq [r debug change-repl-id] OK
        set after [info_field [r info replication] master_replid]
        expect_re {^[0-9a-f]{40}$} $after
        expect_ne $after $before
        # The run id is not the replication id.
        expect_ne [info_field [r info server] run_id] $after
    }
    test "DEBUG QUICKLIST-PACKED-THRESHOLD accepts sizes below 4gb - 1mb" {
        expect_eq [r debug quicklist-packed-threshold 100] OK
        expect_eq [r debug quicklist-packed-threshold 1mb] OK
        expect_eq [r debug quicklist-packed-threshold 4293918720] OK
        expect_eq [r debug quicklist-packed-threshold 0] OK
        # Valkey's limit: at most 4 GB minus 1 MB.
        foreach bad {abc 4gb 4293918721 5gb -1 1xb} {
            expect_err "ERR argument must be a memory value bigger than 1 and smaller than 4gb" \
                {r debug quicklist-packed-threshold $bad}
        }
    }
    test "DEBUG LISTPACK: no such key, and keys not stored as a listpack" {
        expect_err "ERR no such key" {r debug listpack nosuchkey}
        r set str v
        expect_err "ERR The value stored at the specified key is not represented using an listpack" {r debug listpack str}
    }
    test "DEBUG STRINGMATCH-LEN runs the matcher fuzzer and survives" {
        expect_eq [r debug stringmatch-len] "Apparently Valkey did not crash: test passed"
        expect_eq [r ping] PONG
    }
    test "DEBUG RELOAD fails as Valkey does when it cannot save or load" {
        # A directory named dump.rdb: the save's rename and the load fail.
        set f [file join [srv dir] dump.rdb]
        file delete -force $f
        file mkdir $f
        r set keep me
        expect_err "ERR" {r debug reload}
        # A failed save flushes nothing.
        expect_eq [r get keep] me
        expect_glob "*Error moving temp DB file*Is a directory*" [server_log]
        # A failed load does: Valkey empties the dataset before loading.
        expect_err "ERR Error trying to load the RDB dump, check server logs." {r debug reload nosave}
        expect_eq [r exists keep] 0
        expect_err "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options." {r debug reload foo}
        file delete -force $f
    }
    test "DEBUG JMAP writes allocator statistics to the log" {
        expect_eq [r debug jmap] OK
        wait_for {[string match "*DEBUG JMAP: allocator=*used_memory=*" [server_log]]}
    }
    test "existing subcommands still work: SLEEP, OBJECT, DIGEST, DIGEST-VALUE, LOG, ERROR, PROTOCOL" {
        set t0 [clock milliseconds]
        expect_eq [r debug sleep 0.1] OK
        expect_ge [expr {[clock milliseconds] - $t0}] 90
        r set obj 12345
        expect_glob "*encoding:int*" [r debug object obj]
        expect_re {^[0-9a-f]{40}$} [r debug digest]
        expect_re {^[0-9a-f]{40}$} [lindex [r debug digest-value obj] 0]
        expect_eq [r debug log "hello from debug.tcl"] OK
        wait_for {[string match "*hello from debug.tcl*" [server_log]]}
        expect_err "-CUSTOM my error" {r debug error "-CUSTOM my error"}
        expect_err "plain" {r debug error "plain"}
        expect_eq [r debug protocol integer] 12345
        expect_eq [r debug set-active-expire 1] OK
    }
    test "DEBUG ERROR sends the message verbatim after '-' (Valkey 8)" {
        set c [new_client]
        $c .send debug error "LOADING fake"
        expect_eq [$c .readline] "-LOADING fake"
        $c .send debug error "plain"
        expect_eq [$c .readline] "-plain"
        $c .send debug error "-CUSTOM x"
        expect_eq [$c .readline] "--CUSTOM x"
        $c .close
        expect_err "LOADING fake" {r debug error "LOADING fake"}
        expect_err "READONLY You can't write" {r debug error "READONLY You can't write"}
        # The error code is counted under its own name.
        r config resetstat
        catch {r debug error "NOAUTH fake"}
        expect_glob "*errorstat_NOAUTH:count=1*" [r info errorstats]
    }
    test "DEBUG SLEEP parses leniently, as strtod does" {
        foreach arg [list "0\r\n" "0 " "0" "" "junk" "0.0x" "-1" "nan" "-inf" "1e-300"] {
            expect_eq [r debug sleep $arg] OK
        }
        set t0 [clock milliseconds]
        expect_eq [r debug sleep "0.2 seconds"] OK
        expect_ge [expr {[clock milliseconds] - $t0}] 190
    }
    test "DEBUG SLEEP refuses out-of-range times at once instead of hanging" {
        set t0 [clock milliseconds]
        foreach arg {1e300 inf +inf 9.3e12 1e10} {
            expect_err "ERR DEBUG SLEEP time is out of range" {r debug sleep $arg}
        }
        expect_lt [expr {[clock milliseconds] - $t0}] 2000
        expect_eq [r ping] PONG
    }
    test "DEBUG POPULATE creates key:<n> = value:<n>, skips existing keys" {
        r flushall
        r set key:1 mine
        expect_eq [r debug populate 5] OK
        expect_eq [r dbsize] 5
        expect_eq [r get key:0] value:0
        expect_eq [r get key:1] mine
        expect_eq [r get key:4] value:4
        expect_eq [r exists key:5] 0
        expect_eq [r debug populate 3 pfx] OK
        expect_eq [r get pfx:2] value:2
        # A size cuts the text or pads it with zero bytes.
        expect_eq [r debug populate 2 small 3] OK
        expect_eq [r get small:1] val
        expect_eq [r debug populate 1 big 10] OK
        expect_eq [r get big:0] "value:0\x00\x00\x00"
        expect_eq [r debug populate 0] OK
        expect_err "ERR value is out of range, must be positive" {r debug populate -1}
        expect_err "ERR value is not an integer or out of range" {r debug populate abc}
        expect_err "ERR value is out of range, must be positive" {r debug populate 1 k -5}
        expect_err "ERR unknown subcommand 'populate'. Try DEBUG HELP." {r debug populate 1 a 2 3}
        r flushall
    }
    test "DEBUG POPULATE keys are plain adds: a WATCHer sees them, the dirty count does not" {
        r flushall
        set before [info_field [r info persistence] rdb_changes_since_last_save]
        r debug populate 10
        expect_eq [info_field [r info persistence] rdb_changes_since_last_save] $before
        expect_eq [r dbsize] 10
        r flushall
    }
    test "DEBUG PAUSE-CRON stops the cron (no active expiry, no samples) until resumed" {
        r flushall
        expect_eq [r debug pause-cron 1] OK
        r set short v px 50
        r set other v
        after 400
        # Only the cron would have deleted it: it is still counted.
        expect_eq [r dbsize] 2
        set loops [info_field [r info stats] expired_keys]
        expect_eq $loops 0
        expect_eq [r debug pause-cron 0] OK
        wait_for {[r dbsize] == 1}
        expect_eq [info_field [r info stats] expired_keys] 1
        # Any text reads as atoi does.
        expect_eq [r debug pause-cron x] OK
        expect_eq [r debug pause-cron 0] OK
    }
    test "DEBUG REPLYBUFFER PEAK-RESET-TIME and RESIZING" {
        expect_eq [r debug replybuffer peak-reset-time 100] OK
        expect_eq [r debug replybuffer peak-reset-time never] OK
        expect_eq [r debug replybuffer peak-reset-time reset] OK
        expect_eq [r debug replybuffer resizing 0] OK
        expect_eq [r debug replybuffer resizing 1] OK
        expect_err "ERR value is not an integer or out of range" {r debug replybuffer peak-reset-time soon}
        expect_err "ERR unknown subcommand 'replybuffer'. Try DEBUG HELP." {r debug replybuffer foo 1}
        expect_err "ERR unknown subcommand 'replybuffer'. Try DEBUG HELP." {r debug replybuffer resizing}
    }
    test "DEBUG STRINGMATCH-LEN (and STRINGMATCH-TEST) run the matcher fuzzer" {
        expect_eq [r debug stringmatch-len] "Apparently Valkey did not crash: test passed"
        expect_eq [r debug stringmatch-test] "Apparently Valkey did not crash: test passed"
    }
    test "DEBUG MALLCTL / MALLCTL-STR on jemalloc builds, a clear error otherwise" {
        set alloc [info_field [r info memory] mem_allocator]
        if {[string match jemalloc* $alloc]} {
            expect_gt [r debug mallctl arenas.narenas] 0
            expect_eq [r debug mallctl opt.abort] 0
            expect_glob "5.*" [r debug mallctl-str version]
            # Write-only option, given a value: just written.
            expect_eq [r debug mallctl-str arena.0.purge VOID] OK
            # Setting an integer answers the old value.
            set dirty [r debug mallctl arenas.dirty_decay_ms]
            expect_eq [r debug mallctl arenas.dirty_decay_ms 12345] $dirty
            expect_eq [r debug mallctl arenas.dirty_decay_ms $dirty] 12345
            expect_err "ERR *" {r debug mallctl no.such.option}
            expect_err "ERR value is not an integer or out of range" {r debug mallctl opt.abort x}
        } else {
            expect_err "ERR DEBUG MALLCTL needs a jemalloc build*" {r debug mallctl arenas.narenas}
            expect_err "ERR DEBUG MALLCTL-STR needs a jemalloc build*" {r debug mallctl-str version}
        }
    }
    test "DEBUG errors: unknown subcommand, wrong argument counts" {
        expect_err "ERR unknown subcommand 'nosuch'. Try DEBUG HELP." {r debug nosuch}
        expect_err "ERR unknown subcommand 'jmap'. Try DEBUG HELP." {r debug jmap extra}
        expect_err "ERR unknown subcommand 'change-repl-id'. Try DEBUG HELP." {r debug change-repl-id x}
        expect_err "ERR wrong number of arguments for 'debug' command" {r debug}
    }
}

with_server -config {enable-debug-command no} {
    test "enable-debug-command no refuses DEBUG and counts it as rejected" {
        expect_err "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server." {r debug help}
        expect_err "ERR DEBUG command not allowed.*" {r debug segfault}
        set stats [r info commandstats]
        expect_glob "*cmdstat_debug:calls=0,*rejected_calls=2,*" $stats
        expect_eq [r ping] PONG
    }
    test "enable-debug-command is immutable at run time" {
        expect_err "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config" \
            {r config set enable-debug-command yes}
    }
}

with_server -config {enable-debug-command local} {
    test "enable-debug-command local allows loopback and Unix socket clients" {
        expect_eq [r debug set-active-expire 1] OK
    }
}

with_server -config {enable-protected-configs no} {
    test "enable-protected-configs no refuses protected configs" {
        expect_err "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config" \
            {r config set dir [srv dir]}
    }
}

with_server -config {enable-protected-configs local} {
    test "enable-protected-configs local allows a loopback client" {
        expect_eq [r config set dir [srv dir]] OK
    }
}
