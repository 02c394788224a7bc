#!/usr/bin/env tclsh
# Test runner for the Tcl suites: every *.tcl file under tests/unit/ and
# tests/integration/, found recursively (tests/unit/type/list.tcl runs
# without being listed anywhere).
#
#   tclsh tests/run.tcl [--server PATH] [--clients N] [--tags a,-b]
#                       [--file NAME ...] [--verbose] [--keep-tmp]
#                       [--timeout SECONDS]   (per test file, default 900)
#                       [--no-probe] [--list]
#
# --file NAME: a path, or a name relative to tests/unit/, tests/integration/
# or tests/ with or without ".tcl" (string, type/list, integration/restart).
# --tags: t runs only tests tagged t, -t leaves tests tagged t out.
# Before the run the server is started once and asked which `needs:*`
# features it has (tests/harness/features.tcl); tags it cannot run are left
# out and named ("[skip] needs:list: ..."), unless --tags asks for them or
# --no-probe is given.  --list prints the files that would run and exits.
#
# The parent process hands whole test files to N worker processes (this
# script again, with --worker), collects their output and prints it file by
# file.  Every test file found must have been scheduled and must report a
# result, unless the run was narrowed with --file or an including --tags;
# a file left out counts as a failure.  The last line printed is always
# "N passed, M failed"; the exit status is non-zero when anything failed
# or a file errored.

set root [file dirname [file dirname [file normalize [info script]]]]
set tests_dir [file join $root tests]
# Where test files live; searched recursively.
set test_dirs [list [file join $tests_dir unit] [file join $tests_dir integration]]

proc usage {} {
    puts stderr "usage: tclsh tests/run.tcl ?--server PATH? ?--clients N? ?--tags t1,-t2? ?--file NAME ...? ?--verbose? ?--keep-tmp? ?--timeout S? ?--no-probe? ?--list?"
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
set opt(probe) 1
set opt(list) 0

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
        --no-probe { set opt(probe) 0 }
        --list    { set opt(list) 1 }
        -h - --help { usage }
        default   { puts stderr "unknown option: $a"; usage }
    }
}
if {![string is integer -strict $opt(clients)] || $opt(clients) < 1} { usage }

# A test file's name in reports: its path below tests/ (unit/type/list.tcl).
proc rel_name {path} {
    global tests_dir
    set p [file split [file normalize $path]]
    set t [file split $tests_dir]
    if {[lrange $p 0 [llength $t]-1] eq $t} { return [file join {*}[lrange $p [llength $t] end]] }
    return $path
}

# ---------------------------------------------------------------- worker ----
proc run_worker {} {
    global opt tests_dir
    foreach f {resp.tcl server.tcl check.tcl assets.tcl observe.tcl blocking.tcl
               stats.tcl persist.tcl} {
        source [file join $tests_dir harness $f]
    }
    srvh::init $opt(server) [file join $tests_dir tmp] $opt(slot)
    set srvh::keep_tmp $opt(keep)
    set srvh::announce 1
    set tf::verbose $opt(verbose)
    tf::set_filter $opt(tags)
    set file [lindex $opt(files) 0]
    set tf::file [rel_name $file]
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
# Every *.tcl under dir and its subdirectories, sorted.
proc find_test_files {dir} {
    set out [glob -nocomplain -types f -directory $dir *.tcl]
    foreach sub [lsort [glob -nocomplain -types d -directory $dir *]] {
        lappend out {*}[find_test_files $sub]
    }
    return [lsort $out]
}

# Resolves a --file argument to one test file (see the header).
proc resolve_test_file {n} {
    global tests_dir test_dirs
    set found {}
    # A path as given: absolute, or relative to the current directory.
    foreach c [list $n $n.tcl] {
        if {[file isfile $c]} { lappend found [file normalize $c] }
    }
    # A name relative to a test directory, or to tests/ when that still
    # lands inside one (integration/restart; never tests/run.tcl).
    foreach d [concat $test_dirs [list $tests_dir]] {
        foreach c [list [file join $d $n] [file join $d $n.tcl]] {
            if {[file isfile $c] && [lindex [file split [rel_name $c]] 0] in {unit integration}} {
                lappend found [file normalize $c]
            }
        }
    }
    set found [lsort -unique $found]
    if {[llength $found] == 0} { puts stderr "no such test file: $n"; exit 2 }
    if {[llength $found] > 1} {
        puts stderr "ambiguous test file name $n: [join [lmap f $found {rel_name $f}] {, }]"
        exit 2
    }
    return [lindex $found 0]
}

if {[llength $opt(files)] == 0} {
    set files {}
    foreach d $test_dirs { lappend files {*}[find_test_files $d] }
} else {
    set files [lmap n $opt(files) {resolve_test_file $n}]
}
if {$opt(list)} {
    foreach f $files { puts [rel_name $f] }
    exit 0
}

# The run is narrowed on purpose when the user named files or asked for
# tags to include; otherwise every test file must run.
set user_include 0
foreach t [split $opt(tags) ,] {
    set t [string trim $t]
    if {$t ne "" && [string index $t 0] ne "-"} { set user_include 1 }
}
set narrowed [expr {[llength $opt(files)] > 0 || $user_include}]

file mkdir [file join $tests_dir tmp]

set total_pass 0
set total_fail 0

# Ask the server which needs:* features it has; leave out the others.
set run_tags $opt(tags)
if {$opt(probe)} {
    foreach f {resp.tcl server.tcl features.tcl} { source [file join $tests_dir harness $f] }
    # A port range of its own, above the workers' ranges.
    srvh::init $opt(server) [file join $tests_dir tmp] $opt(clients)
    set asked {}
    foreach t [split $opt(tags) ,] { lappend asked [string trimleft [string trim $t] -] }
    if {[catch {features::unsupported $asked} skip]} {
        puts "\[ERROR\] probing the server's features failed: $skip"
        incr total_fail
    } else {
        dict for {tag why} $skip {
            puts "\[skip\] $tag: $why"
            if {$run_tags ne ""} { append run_tags , }
            append run_tags -$tag
        }
    }
    flush stdout
}
set queue $files
set running 0
set free_slots {}
for {set s 0} {$s < $opt(clients)} {incr s} { lappend free_slots $s }
set start [clock milliseconds]

proc launch {} {
    global queue running free_slots opt tests_dir job run_tags
    while {[llength $queue] && [llength $free_slots]} {
        set f [lindex $queue 0]
        set queue [lrange $queue 1 end]
        set slot [lindex $free_slots 0]
        set free_slots [lrange $free_slots 1 end]
        set cmd [list [info nameofexecutable] [file join $tests_dir run.tcl] --worker \
                    --slot $slot --server $opt(server) --tags $run_tags --file $f]
        if {$opt(verbose)} { lappend cmd --verbose }
        if {$opt(keep)} { lappend cmd --keep-tmp }
        set fd [open |[concat $cmd [list 2>@1]] r]
        fconfigure $fd -blocking 0 -buffering line
        set job($fd) [dict create file [rel_name $f] path $f slot $slot out {} result "" \
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
    global job running free_slots total_pass total_fail done opt reported
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
        lappend reported [file normalize [dict get $j path]]
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

set reported {}
launch
if {$running > 0} { vwait done }

# A test file that never ran is a failure, not silence.  The list is made
# here independently of the scheduler (find(1), not glob), so a filter or
# discovery bug there cannot hide a file from this check.
if {!$narrowed} {
    foreach d $test_dirs {
        if {![file isdirectory $d]} continue
        foreach f [lsort [split [exec find $d -type f -name *.tcl] \n]] {
            if {$f eq "" || [file normalize $f] in $reported} continue
            puts "\[ERROR\] [rel_name $f]: test file was not run (not scheduled or no result)"
            incr total_fail
        }
    }
}
puts "$total_pass passed, $total_fail failed"
exit [expr {$total_fail > 0 ? 1 : 0}]
