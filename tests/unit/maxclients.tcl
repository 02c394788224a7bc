# maxclients against the open files limit, as Valkey does it: the server
# asks for maxclients + 32 descriptors, raising the soft limit (and the
# hard one where it may); when the system refuses, maxclients is lowered
# to what fits at start-up, and CONFIG SET answers Valkey's error naming
# the number that can be handled.  Each server here runs under a lowered
# limit through a small shell wrapper (the wrapper execs the server, so
# the pid the harness watches is the server's).

file_tags {maxclients connection}

# A script that runs `cmd` after `ulimit` args; drops CAP_SYS_RESOURCE
# where setpriv can (so root cannot raise the hard limit back and the
# refusal path is what runs).
proc limited_script {name ulimit_args cmd} {
    set path [file join $srvh::tmproot "limited-$name-[pid].sh"]
    set fh [open $path w]
    puts $fh "#!/bin/sh"
    puts $fh "ulimit $ulimit_args || exit 111"
    puts $fh "if command -v setpriv >/dev/null 2>&1 && setpriv --bounding-set -sys_resource true 2>/dev/null; then"
    puts $fh "    exec setpriv --bounding-set -sys_resource $cmd"
    puts $fh "fi"
    puts $fh "exec $cmd"
    close $fh
    file attributes $path -permissions 0755
    return $path
}

proc limited_binary {name ulimit_args} {
    return [limited_script $name $ulimit_args "[list $srvh::binary] \"\$@\""]
}

# Runs body with servers started through the wrapper.
proc with_limit {name ulimit_args body} {
    set saved $srvh::binary
    set srvh::binary [limited_binary $name $ulimit_args]
    set code [catch {uplevel 1 $body} res opts]
    file delete $srvh::binary
    set srvh::binary $saved
    return -options $opts $res
}

proc nofile_limits {pid} {
    set fh [open /proc/$pid/limits]
    set d [read $fh]
    close $fh
    regexp {Max open files\s+(\S+)\s+(\S+)} $d -> soft hard
    return [list $soft $hard]
}

# Whether a process under the same wrapper could raise its hard limit.
proc can_raise_hard {} {
    set probe [limited_script probe "-n 256" "sh -c 'ulimit -n 300'"]
    set ok [expr {![catch {exec $probe 2>/dev/null}]}]
    file delete $probe
    return $ok
}

with_limit hard256 "-n 256" {
    with_server -config {maxclients 10000} {
        set raised [can_raise_hard]
        test "with ulimit -n 256, maxclients is lowered to 224 (256 - 32) at start-up" {
            if {$raised} {
                # This system lets the server raise its hard limit anyway.
                expect_eq [lindex [r config get maxclients] 1] 10000
            } else {
                expect_eq [lindex [r config get maxclients] 1] 224
                expect_eq [nofile_limits [server_pid]] {256 256}
                expect_glob "*maxclients has been reduced to 224*" [server_log]
            }
        }
        test "with ulimit -n 256, 224 clients are served and the next one is refused" {
            if {$raised} { r config set maxclients 224 }
            set clients {}
            # r is one of the 224.
            for {set i 1} {$i < 224} {incr i} {
                set c [new_client]
                lappend clients $c
            }
            foreach c $clients { $c .send ping }
            foreach c $clients { expect_eq [$c .read] PONG }
            set extra [new_client]
            expect_eq [$extra .readline] "-ERR max number of clients reached"
            $extra .close
            foreach c $clients { $c .close }
            wait_for {[llength [split [string trim [r client list]] \n]] == 1}
            expect_eq [r ping] PONG
        }
        test "CONFIG SET maxclients past what the system allows names the number that can be handled" {
            if {$raised} {
                expect_eq [r config set maxclients 1000] OK
                expect_ge [lindex [nofile_limits [server_pid]] 0] 1032
            } else {
                expect_err "ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is not able to handle the specified number of clients, try with 224" {
                    r config set maxclients 1000
                }
                # Rolled back: still 224, and lower values are fine.
                expect_eq [lindex [r config get maxclients] 1] 224
                expect_eq [r config set maxclients 100] OK
                expect_eq [lindex [r config get maxclients] 1] 100
                expect_eq [r config set maxclients 224] OK
            }
        }
    }
}

# Only the soft limit is low: the server raises it up to the hard limit.
set hard [exec sh -c {ulimit -Hn}]
if {$hard ne "unlimited" && $hard >= 2100} {
    with_limit soft256 "-Sn 256" {
        with_server -config {maxclients 2000} {
            test "a low soft limit is raised to maxclients + 32" {
                expect_eq [lindex [r config get maxclients] 1] 2000
                expect_eq [lindex [nofile_limits [server_pid]] 0] 2032
                expect_glob "*Increased maximum number of open files to 2032 (it was originally set to 256)*" [server_log]
            }
            test "CONFIG SET maxclients raises the soft limit again" {
                expect_eq [r config set maxclients 2050] OK
                expect_eq [lindex [nofile_limits [server_pid]] 0] 2082
            }
        }
    }
}
