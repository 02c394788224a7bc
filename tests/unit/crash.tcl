# The crash report: DEBUG SEGFAULT, DEBUG PANIC and DEBUG ASSERT kill the
# server through the paths a real fault takes; the log must hold the
# framed report (backtrace, INFO, client list, the running client and its
# arguments) and the process must die of the right cause.

file_tags {crash}

proc report_of {log} {
    set s [string first "BUG REPORT START" $log]
    set e [string first "BUG REPORT END" $log]
    if {$s < 0 || $e < $s} { return "" }
    return [string range $log $s $e]
}

# Starts the server in the foreground through a pipe (so its exit status
# can be read), runs script with `c` connected, and returns
# {status log}.  The log goes to stdout (logfile "").
proc crash_run {extra script} {
    set dir [srvh::new_dir]
    set port [srvh::free_port]
    set conf [file join $dir server.conf]
    srvh::write_conf $conf $dir $port $extra
    set fd [open |[list $srvh::binary $conf 2>@1] r]
    fconfigure $fd -blocking 0 -translation binary
    set pid [pid $fd]
    set h [dict create host 127.0.0.1 port $port pid $pid]
    if {[srvh::wait_ready $h 10000] ne "ok"} { error "server did not start" }
    set c [resp::connect 127.0.0.1 $port]
    uplevel 1 [list set c $c]
    uplevel 1 [list set spid $pid]
    uplevel 1 $script
    set out ""
    set deadline [expr {[clock milliseconds] + 10000}]
    while {![eof $fd] && [clock milliseconds] < $deadline} {
        append out [read $fd]
        after 10
    }
    append out [read $fd]
    fconfigure $fd -blocking 1
    set status 0
    if {[catch {close $fd} err opts]} {
        set ec [dict get $opts -errorcode]
        if {[lindex $ec 0] eq "CHILDKILLED"} { set status [lindex $ec 2] } \
        elseif {[lindex $ec 0] eq "CHILDSTATUS"} { set status [lindex $ec 2] }
    }
    catch {$c .close}
    catch {file delete -force $dir}
    return [list $status $out]
}

test "DEBUG SEGFAULT writes the full crash report and dies of SIGSEGV" {
    lassign [crash_run {} {
        $c set somekey someval
        $c client setname crasher
        $c .send debug segfault "arg\x01bin"
        expect_eq [$c .closed 5000] 1
    }] status log
    expect_eq $status SIGSEGV
    set rep [report_of $log]
    expect_ne $rep ""
    expect_glob "*=== VALKEY BUG REPORT START: Cut & paste starting from here ===*" $log
    expect_glob "*=== VALKEY BUG REPORT END. Make sure to include from START to END. ===*" $log
    expect_glob "*crashed by signal: 11*" $rep
    expect_glob "*Accessing address: 0x*" $rep
    expect_glob "*------ STACK TRACE ------*Backtrace:*" $rep
    # INFO sections, with true values.
    expect_glob "*------ INFO OUTPUT ------*# Server*# Clients*# Keyspace*db0:keys=1*" $rep
    expect_glob "*------ CLIENT LIST OUTPUT ------*name=crasher*" $rep
    # The client that ran the command, and its arguments (binary escaped).
    expect_glob "*------ CURRENT CLIENT INFO ------*name=crasher*cmd=debug*" $rep
    expect_glob {*argv\[0\]: '"debug"'*argv\[1\]: '"segfault"'*argv\[2\]: '"arg\\x01bin"'*} $rep
}

test "DEBUG PANIC logs the panic message and the report, then aborts" {
    lassign [crash_run {} {
        $c .send debug panic
        expect_eq [$c .closed 5000] 1
    }] status log
    expect_eq $status SIGABRT
    set rep [report_of $log]
    expect_glob "*Guru Meditation: DEBUG PANIC called at Unix time *" $rep
    expect_glob {*Backtrace:*# Server*argv\[1\]: '"panic"'*} $rep
}

test "DEBUG ASSERT reports the failed assertion; use-exit-on-panic exits with 1" {
    lassign [crash_run {use-exit-on-panic yes} {
        $c .send debug assert
        expect_eq [$c .closed 5000] 1
    }] status log
    expect_eq $status 1
    set rep [report_of $log]
    expect_glob "*=== ASSERTION FAILED ===*" $rep
    expect_glob "*==> *debug.c:* 'one == 2' is not true*" $rep
    expect_glob "*# Server*" $rep
}

test "crash-log-enabled no: the report is framed but has no details" {
    lassign [crash_run {crash-log-enabled no} {
        $c .send debug segfault
        expect_eq [$c .closed 5000] 1
    }] status log
    expect_eq $status SIGSEGV
    set rep [report_of $log]
    expect_glob "*crashed by signal: 11*" $rep
    expect_true {![string match "*INFO OUTPUT*" $rep]} "no INFO in the report"
}

test "a SIGSEGV sent from outside gets a report too, with no running client" {
    lassign [crash_run {} {
        expect_eq [$c ping] PONG
        exec kill -SEGV $spid
        expect_eq [$c .closed 5000] 1
    }] status log
    expect_eq $status SIGSEGV
    set rep [report_of $log]
    expect_glob "*crashed by signal: 11*" $rep
    expect_glob "*CURRENT CLIENT INFO ------*(no client was running a command)*" $rep
}

with_server {
    test "crash-log-enabled can be switched at run time" {
        expect_eq [r config get crash-log-enabled] {crash-log-enabled yes}
        expect_eq [r config set crash-log-enabled no] OK
        expect_eq [r config set crash-log-enabled yes] OK
    }
}

with_server -config {enable-debug-command no} {
    test "DEBUG SEGFAULT with enable-debug-command no is an error, not a crash" {
        expect_err "ERR DEBUG command not allowed.*" {r debug segfault}
        expect_eq [r ping] PONG
    }
}
