# SHUTDOWN and its flags, shutdown by SIGTERM/SIGINT with
# shutdown-on-sigterm / shutdown-on-sigint, what the server cleans up (pid
# file, Unix socket) and what it logs; the errors of each.

file_tags {shutdown}

proc log_has {pattern} { return [string match $pattern [server_log]] }

with_server -config {pidfile %DIR%/server.pid unixsocket %DIR%/s.sock} {
    test "SHUTDOWN argument errors leave the server running" {
        expect_err "ERR syntax error" {r shutdown foo}
        expect_err "ERR syntax error" {r shutdown save nosave}
        expect_err "ERR syntax error" {r shutdown abort now}
        expect_err "ERR syntax error" {r shutdown nosave abort}
        expect_err "ERR No shutdown in progress." {r shutdown abort}
        expect_eq [r ping] PONG
    }
    test "SHUTDOWN closes the connection without a reply, removes pid file and socket, exits" {
        set pidfile [file join [srv dir] server.pid]
        set sock [file join [srv dir] s.sock]
        wait_for {[file exists $pidfile]}
        expect_eq [string trim [exec cat $pidfile]] [srv pid]
        expect_true {[file exists $sock]}
        r .send shutdown
        expect_eq [r .closed 5000] 1
        expect_true {[srvh::wait_exit [srv pid] 5000]} "server exited"
        expect_true {![file exists $pidfile]} "pid file removed"
        expect_true {![file exists $sock]} "unix socket removed"
        set log [server_log]
        expect_glob "*User requested shutdown...*" $log
        expect_glob "*Removing the pid file.*" $log
        expect_glob "*Removing the unix socket file.*" $log
        expect_glob "*is now ready to exit, bye bye...*" $log
    }
}

foreach flags {{nosave} {save} {now} {force} {nosave now force} {SAVE NOW}} {
    with_server {
        test "SHUTDOWN $flags exits cleanly" {
            r .send shutdown {*}$flags
            expect_eq [r .closed 5000] 1
            expect_true {[srvh::wait_exit [srv pid] 5000]}
            expect_glob "*ready to exit, bye bye...*" [server_log]
        }
    }
}

with_server {
    test "SIGTERM schedules a clean shutdown" {
        exec kill -TERM [srv pid]
        expect_true {[srvh::wait_exit [srv pid] 5000]}
        set log [server_log]
        expect_glob "*Received SIGTERM scheduling shutdown...*" $log
        expect_glob "*User requested shutdown...*" $log
        expect_glob "*ready to exit, bye bye...*" $log
    }
}

with_server -config {shutdown-on-sigint {nosave now}} {
    test "SIGINT with shutdown-on-sigint set shuts down cleanly" {
        expect_eq [lindex [r config get shutdown-on-sigint] 1] "nosave now"
        exec kill -INT [srv pid]
        expect_true {[srvh::wait_exit [srv pid] 5000]}
        expect_glob "*Received SIGINT scheduling shutdown...*" [server_log]
        expect_glob "*ready to exit, bye bye...*" [server_log]
    }
}

with_server {
    test "shutdown-on-sigterm / shutdown-on-sigint: CONFIG SET, GET and errors" {
        expect_eq [r config set shutdown-on-sigterm "save now"] OK
        expect_eq [lindex [r config get shutdown-on-sigterm] 1] "save now"
        expect_eq [r config set shutdown-on-sigterm default] OK
        expect_eq [lindex [r config get shutdown-on-sigterm] 1] default
        expect_eq [r config set shutdown-on-sigint force] OK
        expect_eq [lindex [r config get shutdown-on-sigint] 1] force
        expect_err "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigterm')*" \
            {r config set shutdown-on-sigterm sometimes}
        expect_eq [r config set shutdown-timeout 3] OK
        expect_eq [lindex [r config get shutdown-timeout] 1] 3
        expect_err "ERR CONFIG SET failed (possibly related to argument 'shutdown-timeout')*" \
            {r config set shutdown-timeout -1}
    }
    test "shutdown-on-sigterm set at run time applies to the next SIGTERM" {
        r config set shutdown-on-sigterm nosave
        exec kill -TERM [srv pid]
        expect_true {[srvh::wait_exit [srv pid] 5000]}
        expect_glob "*ready to exit, bye bye...*" [server_log]
    }
}

with_server {
    test "SHUTDOWN while another client is paused still exits" {
        set c [new_client]
        r client pause 100000 write
        $c .send set k v
        r .send shutdown nosave
        expect_eq [r .closed 5000] 1
        expect_true {[srvh::wait_exit [srv pid] 5000]}
        $c .close
    }
}
