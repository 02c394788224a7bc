# Operator commands and start-up integration: MODULE (no modules load),
# LOLWUT, ROLE, TIME, LASTSAVE, ECHO, AUTH/requirepass, protected-mode on
# loopback, rename-command, supervised systemd (sd_notify datagrams, path
# and abstract sockets) and upstart (SIGSTOP), oom-score-adj, and the
# process title (proc-title-template).

file_tags {admin}

proc proc_title {pid} {
    set fh [open /proc/$pid/cmdline rb]
    set raw [read $fh]
    close $fh
    return [lindex [split $raw "\0"] 0]
}

proc oom_adj {pid} {
    set fh [open /proc/$pid/oom_score_adj]
    set v [string trim [read $fh]]
    close $fh
    return $v
}

# A datagram socket receiver (perl) writing every message to a file.
proc notify_listener {path out} {
    set script {
        use strict; use IO::Socket::UNIX;
        my ($p, $out) = @ARGV;
        $p =~ s/^@/\0/;
        my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM(), Local => $p) or die "listen: $!";
        open(my $fh, '>>', $out) or die; $fh->autoflush(1);
        print $fh "LISTENING\n";
        while (1) { my $b; defined($s->recv($b, 4096)) or last; print $fh $b; }
    }
    set pid [exec perl -e $script $path $out &]
    wait_for {[file exists $out] && [string match "LISTENING*" [read_file_text $out]]}
    return $pid
}

proc read_file_text {f} {
    if {![file exists $f]} { return "" }
    set fh [open $f]
    set d [read $fh]
    close $fh
    return $d
}

with_server {
    # ---- MODULE ------------------------------------------------------------
    test "MODULE LIST is empty and MODULE HELP works without enable-module-command" {
        expect_eq [r module list] {}
        set h [r module help]
        expect_glob "MODULE <subcommand>*" [lindex $h 0]
        expect_true {[lsearch -glob $h "LOADEX*"] >= 0}
    }
    test "MODULE LOAD/LOADEX/UNLOAD are refused while enable-module-command is no" {
        set msg "ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."
        expect_err $msg {r module load /nonexistent.so}
        expect_err $msg {r module loadex /nonexistent.so}
        expect_err $msg {r module unload foo}
        expect_glob "*cmdstat_module|load:calls=0,*rejected_calls=1,*" [r info commandstats]
    }
    test "MODULE errors: arity and unknown subcommand" {
        expect_err "ERR wrong number of arguments for 'module|load' command" {r module load}
        expect_err "ERR wrong number of arguments for 'module|unload' command" {r module unload}
        expect_err "ERR unknown subcommand 'nosuch'. Try MODULE HELP." {r module nosuch}
    }

    # ---- LOLWUT, ROLE, TIME, LASTSAVE, ECHO --------------------------------------
    test "LOLWUT draws art and ends with the version line, as Valkey 8.0 prints it" {
        set out [r lolwut]
        set lines [split [string trimright $out \n] \n]
        expect_eq [lindex $lines end] "Redis ver. 8.0.0"
        expect_gt [llength $lines] 3
        expect_eq [string index $out end] "\n"
        set small [split [string trimright [r lolwut version 5 7 3] \n] \n]
        expect_eq [llength $small] 4
        expect_eq [string length [lindex $small 0]] 7
        expect_eq [lindex $small end] "Redis ver. 8.0.0"
        # Same size, same picture.
        expect_eq [r lolwut 7 3] [r lolwut 7 3]
        expect_err "ERR value is not an integer or out of range" {r lolwut version abc}
        expect_err "ERR value is not an integer or out of range" {r lolwut 10 abc}
    }
    test "LOLWUT is verbatim text in RESP3; extended-redis-compatibility does not change it" {
        set c [new_client -resp 3]
        expect_eq [lindex [$c .typed lolwut 4 1] 0] verbatim
        r config set extended-redis-compatibility yes
        expect_glob "*\nRedis ver. 8.0.0\n" [$c lolwut 4 1]
        r config set extended-redis-compatibility no
        $c .close
    }
    test "ROLE: a primary with offset 0 and no replicas" {
        expect_eq [r role] {master 0 {}}
        set c [new_client -resp 3]
        expect_eq [$c .typed role] {array {{bulk master} {int 0} {array {}}}}
        $c .close
        expect_err "ERR wrong number of arguments for 'role' command" {r role x}
    }
    test "TIME, LASTSAVE, ECHO" {
        lassign [r time] s us
        expect_between $s [expr {[clock seconds] - 5}] [expr {[clock seconds] + 5}]
        expect_between $us 0 999999
        expect_between [r lastsave] [expr {[clock seconds] - 60}] [clock seconds]
        expect_eq [r echo "x y\r\n"] "x y\r\n"
        expect_err "ERR wrong number of arguments for 'time' command" {r time x}
        expect_err "ERR wrong number of arguments for 'lastsave' command" {r lastsave x}
        expect_err "ERR wrong number of arguments for 'echo' command" {r echo a b}
    }
    test "protected-mode: loopback clients are served with no password" {
        expect_eq [lindex [r config get protected-mode] 1] yes
        expect_eq [r ping] PONG
        expect_eq [r config set protected-mode no] OK
        expect_eq [r config set protected-mode yes] OK
    }
}

with_server -config {requirepass pw1} -noclient 1 {
    test "requirepass: NOAUTH before AUTH, WRONGPASS for a bad password, AUTH default" {
        set c [new_client]
        expect_err "NOAUTH Authentication required." {$c get k}
        expect_err "WRONGPASS invalid username-password pair or user is disabled." {$c auth nope}
        expect_err "WRONGPASS invalid username-password pair or user is disabled." {$c auth someone pw1}
        expect_eq [$c auth pw1] OK
        expect_eq [$c ping] PONG
        $c .close
        set c [new_client]
        expect_eq [$c auth default pw1] OK
        $c .close
        set c [new_client]
        expect_eq [dict get [$c hello 3 auth default pw1] proto] 3
        $c .close
    }
}

# ---- rename-command ------------------------------------------------------------
with_server -rawconf "rename-command get my-get\nrename-command flushall \"\"\nrename-command my-get my-get2" {
    test "rename-command renames and removes commands" {
        r set rk v
        expect_err "ERR unknown command 'get', with args beginning with: 'rk' " {r get rk}
        expect_err "ERR unknown command 'my-get', with args beginning with: 'rk' " {r my-get rk}
        expect_eq [r my-get2 rk] v
        expect_eq [r MY-GET2 rk] v
        expect_err "ERR unknown command 'flushall', with args beginning with: " {r flushall}
        # Statistics keep the command's own name.
        expect_glob "*cmdstat_get:calls=2*" [r info commandstats]
    }
}

test "rename-command errors stop the start-up" {
    set dir [srvh::new_dir]
    foreach {line err} {
        "rename-command nosuchcmd x" "No such command in rename-command"
        "rename-command get set" "Target command name already exists"
    } {
        set f [file join $dir bad.conf]
        set fh [open $f w]
        puts $fh "port 0\nunixsocket $dir/s.sock\n$line"
        close $fh
        lassign [run_server_once [list $f]] status out
        expect_eq $status 1
        expect_glob "*FATAL CONFIG FILE ERROR*$err*" $out
    }
    file delete -force $dir
}

# ---- supervised systemd / upstart ------------------------------------------------
foreach kind {path abstract} {
    test "supervised systemd ($kind socket): STATUS, READY=1 and STOPPING=1" {
        set dir [srvh::new_dir]
        set out [file join $dir notify.txt]
        set sock [expr {$kind eq "path" ? [file join $dir notify.sock] : "@valkey-test-notify-[pid]-[clock clicks]"}]
        set lpid [notify_listener $sock $out]
        set ::env(NOTIFY_SOCKET) $sock
        set code [catch {
            with_server -config {supervised systemd} {
                wait_for {[string match "*READY=1*" [read_file_text $out]]}
                set msgs [read_file_text $out]
                expect_glob "*STATUS=Valkey is loading...*STATUS=Ready to accept connections*READY=1*" $msgs
                expect_glob "*Supervised by systemd*" [server_log]
                expect_eq [server_info_field process_supervised] systemd
                r .send shutdown nosave
                r .closed 5000
                srvh::wait_exit [srv pid] 5000
                # The listener writes what it receives a moment later: poll.
                wait_for {[string match "*STOPPING=1*" [read_file_text $out]]}
            }
        } res opts]
        unset ::env(NOTIFY_SOCKET)
        catch {exec kill $lpid}
        file delete -force $dir
        if {$code} { return -options $opts $res }
    }
}

test "supervised systemd without NOTIFY_SOCKET warns and runs unsupervised" {
    with_server -config {supervised systemd} {
        expect_glob "*NOTIFY_SOCKET environment variable not found*" [server_log]
        expect_eq [r ping] PONG
    }
}

test "supervised upstart: the server stops itself when ready" {
    set ::env(UPSTART_JOB) valkey-test
    set code [catch {
        set h [srvh::start -config {supervised upstart} -wait 0]
        set pid [dict get $h pid]
        # State T (stopped) in /proc/<pid>/stat once it raised SIGSTOP.
        wait_for {![catch {set st [read_file_text /proc/$pid/stat]}] && [lindex [split $st " "] 2] eq "T"}
        exec kill -CONT $pid
        expect_eq [srvh::wait_ready $h 10000] ok
        expect_glob "*supervised by upstart, will stop to signal readiness.*" [read_file_text [dict get $h log]]
        srvh::stop $h
    } res opts]
    unset ::env(UPSTART_JOB)
    if {$code} { catch {srvh::kill9 $h}; return -options $opts $res }
}

# ---- oom-score-adj ---------------------------------------------------------------
test "oom-score-adj absolute / relative / no" {
    set base [oom_adj [pid]]
    with_server -config {oom-score-adj absolute oom-score-adj-values "123 200 800"} {
        expect_eq [oom_adj [srv pid]] 123
        expect_eq [r config set oom-score-adj-values "321 200 800"] OK
        expect_eq [oom_adj [srv pid]] 321
        expect_eq [lindex [r config get oom-score-adj-values] 1] "321 200 800"
        expect_eq [r config set oom-score-adj relative oom-score-adj-values "10 200 800"] OK
        expect_eq [oom_adj [srv pid]] [expr {$base + 10}]
        expect_eq [r config set oom-score-adj no] OK
        expect_eq [oom_adj [srv pid]] $base
        expect_err "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - Invalid oom-score-adj-values, elements must be between -2000 and 2000." \
            {r config set oom-score-adj-values "5000 0 0"}
        expect_err "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj')*" {r config set oom-score-adj maybe}
    }
}

# ---- process title ---------------------------------------------------------------
# Tagged needs:native-proc: under qemu-user (make test-arm) /proc/<pid>/cmdline
# shows the emulator's own arguments, not the title the emulated server
# writes into its memory, so there is nothing to observe there.
tagged {needs:native-proc} {
with_server {
    test "the process title follows proc-title-template" {
        expect_glob "*valkey-server 127.0.0.1:[srv port]" [proc_title [srv pid]]
        expect_eq [r config set proc-title-template "{title} port={port} tls={tls-port} cfg={config-file}"] OK
        expect_glob "*valkey-server port=[srv port] tls=0 cfg=[srv conf]" [proc_title [srv pid]]
        expect_eq [r config set proc-title-template "\{\{literal \{listen-addr\}"] OK
        expect_eq [proc_title [srv pid]] "\{literal 127.0.0.1:[srv port]"
    }
    test "proc-title-template errors keep the old template" {
        set msg "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables"
        expect_err $msg {r config set proc-title-template "{nosuch}"}
        expect_err $msg {r config set proc-title-template "\{title"}
        expect_err $msg {r config set proc-title-template "   "}
        expect_eq [proc_title [srv pid]] "\{literal 127.0.0.1:[srv port]"
    }
}

with_server -config {set-proc-title no} {
    test "set-proc-title no leaves the command line alone" {
        expect_glob "*valkey-server" [proc_title [srv pid]]
    }
}
}

test "an invalid proc-title-template stops the start-up" {
    lassign [run_server_once [list --port 0 --unixsocket /tmp/lc-title-[pid].sock --proc-title-template "{bogus}"]] status out
    expect_eq $status 1
    expect_glob "*FATAL CONFIG FILE ERROR*template format is invalid or contains unknown variables*" $out
}
