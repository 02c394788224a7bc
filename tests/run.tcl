#!/usr/bin/env tclsh
# Test runner for the Tcl suites in tests/unit/.
#
#   tclsh tests/run.tcl [--server PATH] [--clients N] [--tags a,-b]
#                       [--file NAME ...] [--verbose] [--keep-tmp]
#                       [--timeout SECONDS]   (per test file, default 900)
#
# The parent process hands whole test files to N worker processes (this
# script again, with --worker), collects their output and prints it file by
# file.  The last line printed is always "N passed, M failed"; the exit
# status is non-zero when anything failed or a file errored.

set root [file dirname [file dirname [file normalize [info script]]]]
set tests_dir [file join $root tests]

proc usage {} {
    puts stderr "usage: tclsh tests/run.tcl ?--server PATH? ?--clients N? ?--tags t1,-t2? ?--file NAME ...? ?--verbose? ?--keep-tmp?"
    exit 2
}

set opt(server) [file join $root src valkey-server]
set opt(clients) 2
set opt(tags) ""
set opt(files) {}
set opt(verbose) 0
set opt(keep) 0
set opt(worker) 0
set opt(slot) 0
set opt(timeout) 900

for {set i 0} {$i < [llength $argv]} {incr i} {
    set a [lindex $argv $i]
    switch -- $a {
        --server  { set opt(server) [file normalize [lindex $argv [incr i]]] }
        --clients { set opt(clients) [lindex $argv [incr i]] }
        --tags    { set opt(tags) [lindex $argv [incr i]] }
        --file    {
            # --file takes one or more names until the next option
            while {$i + 1 < [llength $argv] && ![string match --* [lindex $argv $i+1]]} {
                lappend opt(files) [lindex $argv [incr i]]
            }
        }
        --verbose { set opt(verbose) 1 }
        --keep-tmp { set opt(keep) 1 }
        --worker  { set opt(worker) 1 }
        --slot    { set opt(slot) [lindex $argv [incr i]] }
        --timeout { set opt(timeout) [lindex $argv [incr i]] }
        -h - --help { usage }
        default   { puts stderr "unknown option: $a"; usage }
    }
}
if {![string is integer -strict $opt(clients)] || $opt(clients) < 1} { usage }

# ---------------------------------------------------------------- worker ----
proc run_worker {} {
    global opt tests_dir
    foreach f {resp.tcl server.tcl check.tcl} {
        source [file join $tests_dir harness $f]
    }
    srvh::init $opt(server) [file join $tests_dir tmp] $opt(slot)
    set srvh::keep_tmp $opt(keep)
    set srvh::announce 1
    set tf::verbose $opt(verbose)
    tf::set_filter $opt(tags)
    set file [lindex $opt(files) 0]
    set tf::file [file tail $file]
    set code [catch {uplevel #0 [list source $file]} err opts]
    if {$code == 1} {
        incr tf::failed
        puts "\[ERROR\] $tf::file: file aborted[expr {$tf::current ne "" ? " in test '$tf::current'" : ""}]: $err"
        # errorInfo starts with the message itself; show only the trace.
        set trace [lrange [split [dict get $opts -errorinfo] \n] [llength [split $err \n]] end]
        foreach line [lrange $trace 0 12] { puts "    $line" }
    }
    srvh::kill_all
    puts "@@RESULT $tf::passed $tf::failed $tf::skipped"
    flush stdout
    exit 0
}

if {$opt(worker)} { run_worker }

# ---------------------------------------------------------------- parent ----
if {[llength $opt(files)] == 0} {
    set files [lsort [glob -nocomplain -directory [file join $tests_dir unit] *.tcl]]
} else {
    set files {}
    foreach n $opt(files) {
        set cands [list $n [file join $tests_dir unit $n] [file join $tests_dir unit $n.tcl]]
        set found ""
        foreach c $cands { if {[file isfile $c]} { set found [file normalize $c]; break } }
        if {$found eq ""} { puts stderr "no such test file: $n"; exit 2 }
        lappend files $found
    }
}
if {![file executable $opt(server)]} {
    puts "server binary not found or not executable: $opt(server)"
    puts "0 passed, 1 failed"
    exit 1
}
file mkdir [file join $tests_dir tmp]

set total_pass 0
set total_fail 0
set queue $files
set running 0
set free_slots {}
for {set s 0} {$s < $opt(clients)} {incr s} { lappend free_slots $s }
set start [clock milliseconds]

proc launch {} {
    global queue running free_slots opt tests_dir job
    while {[llength $queue] && [llength $free_slots]} {
        set f [lindex $queue 0]
        set queue [lrange $queue 1 end]
        set slot [lindex $free_slots 0]
        set free_slots [lrange $free_slots 1 end]
        set cmd [list [info nameofexecutable] [file join $tests_dir run.tcl] --worker \
                    --slot $slot --server $opt(server) --tags $opt(tags) --file $f]
        if {$opt(verbose)} { lappend cmd --verbose }
        if {$opt(keep)} { lappend cmd --keep-tmp }
        set fd [open |[concat $cmd [list 2>@1]] r]
        fconfigure $fd -blocking 0 -buffering line
        set job($fd) [dict create file [file tail $f] slot $slot out {} result "" \
                          t0 [clock milliseconds] servers {} timedout 0]
        dict set job($fd) timer [after [expr {$opt(timeout) * 1000}] [list on_timeout $fd]]
        fileevent $fd readable [list on_output $fd]
        incr running
    }
}

proc on_output {fd} {
    global job
    while {[gets $fd line] >= 0} {
        if {[string match "@@RESULT *" $line]} {
            dict set job($fd) result [lrange $line 1 end]
        } elseif {[string match "@@SPAWN *" $line]} {
            dict lappend job($fd) servers [lindex $line 1]
        } elseif {[string match "@@REAP *" $line]} {
            set l [dict get $job($fd) servers]
            set i [lsearch -exact $l [lindex $line 1]]
            if {$i >= 0} { dict set job($fd) servers [lreplace $l $i $i] }
        } else {
            dict lappend job($fd) out $line
        }
    }
    if {[eof $fd]} { finish $fd }
}

# A test file ran too long: kill its worker (its servers are killed when the
# worker's pipe closes, in finish).
proc on_timeout {fd} {
    global job
    if {![info exists job($fd)]} return
    dict set job($fd) timedout 1
    foreach p [pid $fd] { catch {exec kill -KILL $p} }
}

proc finish {fd} {
    global job running free_slots total_pass total_fail done opt
    after cancel [dict get $job($fd) timer]
    # Servers the worker started and did not stop (crash or timeout).
    foreach p [dict get $job($fd) servers] { catch {exec kill -KILL $p} }
    fconfigure $fd -blocking 1
    set status [catch {close $fd} cerr]
    set j $job($fd)
    unset job($fd)
    set name [dict get $j file]
    foreach line [dict get $j out] { puts $line }
    set res [dict get $j result]
    if {[dict get $j timedout]} {
        puts "\[ERROR\] $name: timed out after $opt(timeout)s and was killed"
    }
    if {$res eq ""} {
        puts "\[ERROR\] $name: worker exited without a result[expr {$status ? ": $cerr" : ""}]"
        set p 0; set f 1
    } else {
        lassign $res p f
    }
    incr total_pass $p
    incr total_fail $f
    set secs [format %.1f [expr {([clock milliseconds] - [dict get $j t0]) / 1000.0}]]
    puts "\[done\] $name: $p passed, $f failed (${secs}s)"
    flush stdout
    lappend free_slots [dict get $j slot]
    incr running -1
    launch
    if {$running == 0} { set done 1 }
}

launch
if {$running > 0} { vwait done }
puts "$total_pass passed, $total_fail failed"
exit [expr {$total_fail > 0 ? 1 : 0}]
