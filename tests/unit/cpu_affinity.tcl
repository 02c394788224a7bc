# cpu_affinity.tcl - the cpulist directives: server-cpulist binds the main
# thread, bio-cpulist the background threads, bgsave-cpulist and
# aof-rewrite-cpulist the forked children (read back from
# /proc/PID/status); a malformed list is ignored with a line in the log.
# The lists name CPUs the test runner itself may use, so they apply on
# any machine: the main thread gets the first, everything else the last
# (the same CPU on a one-CPU machine, where these tests check less).

file_tags {config}

proc cpus_allowed {pid {tid ""}} {
    if {$tid eq ""} { set tid $pid }
    if {[catch {read_bytes /proc/$pid/task/$tid/status} status]} { return "" }
    regexp -line {^Cpus_allowed_list:\s*(\S+)} $status -> list
    return $list
}

# The CPUs in a kernel list ("0-3,6") one by one.
proc expand_cpus {list} {
    set out {}
    foreach item [split $list ,] {
        if {[regexp {^(\d+)-(\d+)$} $item -> a b]} {
            for {set c $a} {$c <= $b} {incr c} { lappend out $c }
        } else {
            lappend out $item
        }
    }
    return $out
}

# Polls (up to 5 s) until the affinity of pid/tid is want; returns what it saw.
proc wait_affinity {want pid {tid ""}} {
    set deadline [expr {[clock milliseconds] + 5000}]
    while {[set seen [cpus_allowed $pid $tid]] ne $want && [clock milliseconds] < $deadline} { after 10 }
    return $seen
}

set runner_cpus [expand_cpus [cpus_allowed [pid]]]
set main_cpu [lindex $runner_cpus 0]
set other_cpu [lindex $runner_cpus end]

with_server -config [list server-cpulist $main_cpu bio-cpulist $other_cpu bgsave-cpulist $other_cpu \
                         aof-rewrite-cpulist $other_cpu appendonly yes] {
    test "server-cpulist binds the main thread" {
        expect_eq [cpus_allowed [srv pid]] $main_cpu
        expect_eq [lindex [r config get server-cpulist] 1] $main_cpu
    } -tags {needs:native-proc}

    test "bio-cpulist binds the background threads" {
        # appendfsync everysec starts the fsync thread on the first write.
        r set k v
        set threads {}
        wait_for {[llength [set threads [glob -nocomplain -tails -directory /proc/[srv pid]/task *]]] > 1} -timeout 5000
        foreach tid $threads {
            if {$tid == [srv pid]} continue
            expect_eq [wait_affinity $other_cpu [srv pid] $tid] $other_cpu
        }
    } -tags {needs:native-proc needs:aof}

    test "bgsave-cpulist and aof-rewrite-cpulist bind the children" {
        r debug populate 2000
        foreach {cmd done} {bgsave wait_bgsave_done bgrewriteaof aof_wait_rewrite} {
            r config set rdb-key-save-delay 2000
            r $cmd
            set child ""
            wait_for {[llength [set child [server_children]]] == 1} -timeout 5000
            set seen [wait_affinity $other_cpu $child]
            r config set rdb-key-save-delay 0
            catch {exec kill -USR1 $child}
            $done
            expect_eq $seen $other_cpu
        }
        expect_eq [cpus_allowed [srv pid]] $main_cpu
    } -tags {needs:native-proc needs:native-fork needs:aof}
}

with_server -config {bgsave-cpulist 1- server-cpulist 0-3:0} {
    test "a malformed cpulist is ignored with a warning" {
        expect_glob "*Invalid server-cpulist '0-3:0': ignored*" [server_log]
        expect_glob "*Invalid bgsave-cpulist '1-': ignored*" [server_log]
        expect_eq [lindex [r config get bgsave-cpulist] 1] 1-
        expect_eq [cpus_allowed [srv pid]] [cpus_allowed [pid]]
        expect_eq [r ping] PONG
    } -tags {needs:native-proc}
}
