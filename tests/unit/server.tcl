# Whole-server behaviour: start-up log lines, INFO sections and the fields
# clients rely on, DBSIZE, TIME, DEBUG (SLEEP, OBJECT, DIGEST,
# DIGEST-VALUE), and a prompt, clean shutdown on SIGTERM.

file_tags {server}

# Value of one "field:value" line of an INFO text.
proc info_get {text field} {
    if {[regexp "(?n)^[string map {. \\.} $field]:(\[^\r\n\]*)" $text -> v]} { return $v }
    return ""
}

with_server {
    test "start-up log lines" {
        set log [server_log]
        expect_glob "*Server initialized*" $log
        # Redis 7.0 logs "Ready to accept connections"; Valkey 8 (and Redis
        # 7.2+) add the connection type: "Ready to accept connections tcp".
        if {[is_valkey]} {
            expect_glob "*Ready to accept connections tcp*" $log
        } else {
            expect_glob "*Ready to accept connections*" $log
        }
        expect_glob "*pid=[srv pid]*" $log
    }

    # ---- INFO ------------------------------------------------------------------
    test "INFO server fields" {
        set info [r info server]
        expect_glob "# Server*" $info
        expect_eq [info_get $info process_id] [srv pid]
        expect_eq [info_get $info tcp_port] [srv port]
        expect_re {^[0-9a-f]{40}$} [info_get $info run_id]
        expect_eq [info_get $info config_file] [srv conf]
        expect_is integer [info_get $info uptime_in_seconds]
        # Valkey 8 renamed redis_mode to server_mode.
        if {[is_valkey]} {
            expect_eq [info_get $info server_mode] standalone
        } else {
            expect_eq [info_get $info redis_mode] standalone
        }
        expect_re {^\d+\.\d+\.\d+$} [info_get $info redis_version]
    }
    test "INFO server identifies Valkey 8 with a Redis 7.2.4 compat version" {
        set info [r info server]
        # Valkey reports the Redis version it is compatible with plus its
        # own; Redis has neither valkey_version nor server_name.
        if {[is_valkey]} {
            expect_eq [info_get $info redis_version] 7.2.4
            expect_eq [info_get $info valkey_version] 8.0.0
            expect_eq [info_get $info server_name] valkey
        } else {
            expect_eq [info_get $info valkey_version] ""
            expect_glob 7.* [info_get $info redis_version]
        }
    }
    test "INFO clients" {
        set c [new_client]
        # The server has accepted it once it answers (under qemu the
        # connect can complete before the accept).
        $c ping
        set info [r info clients]
        expect_glob "# Clients*" $info
        expect_eq [info_get $info connected_clients] 2
        expect_eq [info_get $info blocked_clients] 0
        $c .close
        wait_for {[info_get [r info clients] connected_clients] == 1}
    }
    test "INFO memory" {
        set info [r info memory]
        expect_glob "# Memory*" $info
        expect_is integer [info_get $info used_memory]
        expect_gt [info_get $info used_memory] 0
        expect_re {^(jemalloc|libc)} [info_get $info mem_allocator]
        expect_is integer [info_get $info maxmemory]
    }
    test "used_memory grows with data" {
        r flushall
        set before [info_get [r info memory] used_memory]
        for {set i 0} {$i < 1000} {incr i} { r set memkey:$i [string repeat x 100] }
        set after [info_get [r info memory] used_memory]
        expect_gt [expr {$after - $before}] 100000
        r flushall
    }
    test "INFO stats counts commands and connections" {
        set a [info_get [r info stats] total_commands_processed]
        r ping
        r ping
        set b [info_get [r info stats] total_commands_processed]
        # the two PINGs and the INFO itself
        expect_eq [expr {$b - $a}] 3
        set c0 [info_get [r info stats] total_connections_received]
        set c [new_client]
        $c ping
        $c .close
        expect_eq [info_get [r info stats] total_connections_received] [expr {$c0 + 1}]
    }
    test "INFO stats keyspace hits and misses" {
        r set hit v
        set s [r info stats]
        set h [info_get $s keyspace_hits]
        set m [info_get $s keyspace_misses]
        r get hit
        r get nosuch
        r get nosuch
        set s [r info stats]
        expect_eq [info_get $s keyspace_hits] [expr {$h + 1}]
        expect_eq [info_get $s keyspace_misses] [expr {$m + 2}]
    }
    test "INFO keyspace" {
        r flushall
        expect_eq [string trim [r info keyspace]] "# Keyspace"
        r mset a 1 b 2 c 3
        r expire a 1000
        r select 5
        r set x 1
        r select 0
        set info [r info keyspace]
        expect_re {(?n)^db0:keys=3,expires=1,avg_ttl=\d+} $info
        expect_re {(?n)^db5:keys=1,expires=0,avg_ttl=0} $info
        expect_true {![regexp {db1:} $info]}
    }
    test "INFO with several sections and with none" {
        set info [r info server clients]
        expect_glob "*# Server*" $info
        expect_glob "*# Clients*" $info
        expect_true {![string match "*# Memory*" $info]}
        set all [r info]
        foreach s {Server Clients Memory Persistence Stats Replication CPU Keyspace} {
            expect_glob "*# $s*" $all
        }
        expect_eq [r info nosuchsection] ""
    }
    test "INFO lines end with CRLF" {
        set info [r info server]
        expect_glob "*\r\n*" $info
        expect_eq [regexp -all {[^\r]\n} $info] 0 "bare LF found"
        expect_eq [string range $info end-1 end] "\r\n"
    }

    # ---- DBSIZE / TIME --------------------------------------------------------------
    test "DBSIZE" {
        r flushall
        expect_eq [r dbsize] 0
        r set a 1
        expect_eq [r dbsize] 1
        expect_err "ERR wrong number of arguments for 'dbsize' command" {r dbsize x}
    }
    test "TIME returns seconds and microseconds" {
        set t [r time]
        expect_eq [llength $t] 2
        lassign $t s us
        expect_is integer $s
        expect_between $us 0 999999
        expect_between $s [expr {[clock seconds] - 2}] [expr {[clock seconds] + 2}]
        expect_eq [lindex [r .typed time] 1 0 0] bulk
    }
    test "TIME moves forward" {
        lassign [r time] s1 u1
        lassign [r time] s2 u2
        expect_ge [expr {$s2 * 1000000 + $u2}] [expr {$s1 * 1000000 + $u1}]
    }

    # ---- DEBUG ---------------------------------------------------------------------
    test "DEBUG SLEEP 0" {
        expect_eq [r debug sleep 0] OK
    }
    test "DEBUG SLEEP blocks the server for that long" {
        set c [new_client]
        set t0 [clock milliseconds]
        $c .send debug sleep 0.3
        expect_eq [$c .read] OK
        expect_ge [expr {[clock milliseconds] - $t0}] 290
        $c .close
    }
    test "DEBUG OBJECT" {
        r set dobj hello
        set d [r debug object dobj]
        expect_glob "Value at:*" $d
        expect_glob "*refcount:1*" $d
        expect_glob "*encoding:embstr*" $d
        expect_re {serializedlength:\d+} $d
        r set dint 12345
        expect_glob "*encoding:int*" [r debug object dint]
        expect_err "ERR no such key" {r debug object nosuch}
    }
    test "DEBUG DIGEST of an empty server is zero" {
        r flushall
        expect_eq [r debug digest] [string repeat 0 40]
    }
    test "DEBUG DIGEST changes with data and depends only on content" {
        r flushall
        r set a 1
        set d1 [r debug digest]
        expect_re {^[0-9a-f]{40}$} $d1
        expect_ne $d1 [string repeat 0 40]
        r set a 2
        set d2 [r debug digest]
        expect_ne $d2 $d1
        r set a 1
        expect_eq [r debug digest] $d1
        r set b 1
        expect_ne [r debug digest] $d1
        r del b
        expect_eq [r debug digest] $d1
    }
    test "DEBUG DIGEST sees TTLs and DB numbers" {
        r flushall
        r set a 1
        set plain [r debug digest]
        r expire a 1000
        expect_ne [r debug digest] $plain
        r persist a
        expect_eq [r debug digest] $plain
        r move a 3
        expect_ne [r debug digest] $plain
    }
    test "DEBUG DIGEST-VALUE" {
        r flushall
        r set a hello
        r set b hello
        r set c other
        set dv [r debug digest-value a b c nosuch]
        expect_eq [llength $dv] 4
        expect_eq [lindex $dv 0] [lindex $dv 1]
        expect_ne [lindex $dv 0] [lindex $dv 2]
        expect_eq [lindex $dv 3] [string repeat 0 40]
        r set a hellO
        expect_ne [lindex [r debug digest-value a] 0] [lindex $dv 0]
    }
    test "DEBUG with an unknown subcommand" {
        expect_err "ERR *" {r debug no-such-subcommand}
    }
}

with_server -config {enable-debug-command no} {
    test "DEBUG is refused when enable-debug-command is no" {
        expect_err "ERR *DEBUG command not allowed*" {r debug sleep 0}
    }
}

with_server {
    test "SIGTERM shuts the server down promptly and cleanly" {
        r set before-shutdown 1
        set pid [srv pid]
        set t0 [clock milliseconds]
        exec kill -TERM $pid
        set gone [srvh::wait_exit $pid 5000]
        expect_eq $gone 1
        expect_lt [expr {[clock milliseconds] - $t0}] 5000
        set log [server_log]
        expect_glob "*Received SIGTERM*" $log
        expect_glob "*ready to exit, bye bye*" $log
    }
    test "the port is free again after shutdown" {
        set ok [expr {![catch {socket -server {apply {args {}}} -myaddr 127.0.0.1 [srv port]} s]}]
        if {$ok} { close $s }
        expect_eq $ok 1
    }
}

with_server {
    test "SHUTDOWN NOSAVE stops the server and closes the connection" {
        set pid [srv pid]
        r .send shutdown nosave
        expect_eq [r .closed 5000] 1
        expect_eq [srvh::wait_exit $pid 5000] 1
    }
}

with_server {
    test "restart keeps the directory and port and gets a new pid" {
        set dir [srv dir]
        set port [srv port]
        set pid [srv pid]
        r set k v
        restart_server
        expect_eq [srv dir] $dir
        expect_eq [srv port] $port
        expect_ne [srv pid] $pid
        expect_eq [r ping] PONG
        # no RDB or AOF configured: nothing comes back
        expect_eq [r dbsize] 0
    }
    test "SIGKILL stops the server at once" {
        set pid [srv pid]
        kill_server
        expect_eq [srvh::alive $pid] 0
        expect_eq [r .closed 2000] 1
        restart_server -kill 1
        expect_eq [r ping] PONG
    }
}
