#!/usr/bin/env tclsh
# gen-redis70.tcl - makes the Redis 7.0 fixtures beside it from
# redis70-dataset.txt, with Debian's redis-server 7.0:
#
#   redis70.rdb         the dataset as redis-server 7.0 saves it (RDB 10)
#   redis70-dumps.txt   one line per key: db, key and its DUMP payload, in
#                       hex (payloads carry RDB version 10)
#
#   tclsh tests/assets/rdb/gen-redis70.tcl [path/to/redis-server]
#
# It starts its own redis-server on a free loopback port in a temporary
# directory, sends the dataset's commands one by one (each line is a Tcl
# list), saves, DUMPs every key, and stops the server.  The fixtures are
# committed; rerun this only to change the dataset (and commit all three).

set here [file dirname [file normalize [info script]]]
set binary [expr {[llength $argv] ? [lindex $argv 0] : "redis-server"}]

proc free_port {} {
    set s [socket -server none -myaddr 127.0.0.1 0]
    set p [lindex [fconfigure $s -sockname] 2]
    close $s
    return $p
}

# A minimal RESP client: send one command, read one reply.
proc cmd {fd args} {
    set out "*[llength $args]\r\n"
    foreach a $args { append out "\$[string length $a]\r\n$a\r\n" }
    puts -nonewline $fd $out
    flush $fd
    return [reply $fd]
}

proc reply {fd} {
    set line [gets $fd]
    set t [string index $line 0]
    set rest [string range $line 1 end-1]
    switch -- $t {
        + { return $rest }
        - { error "redis-server: $rest" }
        : { return $rest }
        $ {
            if {$rest < 0} { return "" }
            set data [read $fd [expr {$rest + 2}]]
            return [string range $data 0 end-2]
        }
        * {
            set l {}
            for {set i 0} {$i < $rest} {incr i} { lappend l [reply $fd] }
            return $l
        }
        default { error "unexpected reply: $line" }
    }
}

set tmp [file join [expr {[info exists env(TMPDIR)] ? $env(TMPDIR) : "/tmp"}] gen-redis70.[pid]]
file mkdir $tmp
set port [free_port]
set pid [exec $binary --port $port --bind 127.0.0.1 --dir $tmp --save "" --appendonly no \
             --enable-debug-command yes --daemonize no > [file join $tmp log] 2>@1 &]
set fd ""
for {set i 0} {$i < 100} {incr i} {
    if {![catch {socket 127.0.0.1 $port} fd]} break
    after 50
}
fconfigure $fd -translation binary -buffering none
set version [lindex [regexp -inline {redis_version:([0-9.]+)} [cmd $fd info server]] 1]
puts "redis-server $version on port $port"

set fh [open [file join $here redis70-dataset.txt]]
set n 0
foreach line [split [read $fh] \n] {
    if {[string trim $line] eq "" || [string index $line 0] eq "#"} continue
    cmd $fd {*}$line
    incr n
}
close $fh
cmd $fd save
file copy -force [file join $tmp dump.rdb] [file join $here redis70.rdb]

set out [open [file join $here redis70-dumps.txt] w]
puts $out "# db key payload-hex (DUMP of redis-server $version; made by gen-redis70.tcl)"
for {set db 0} {$db < 3} {incr db} {
    cmd $fd select $db
    foreach key [lsort [cmd $fd keys *]] {
        binary scan [cmd $fd dump $key] H* hex
        puts $out [list $db $key $hex]
    }
}
close $out
catch {cmd $fd shutdown nosave}
close $fd
catch {exec kill $pid}
file delete -force $tmp
puts "sent $n commands; wrote redis70.rdb and redis70-dumps.txt"
