# timeseries_example.tcl - runs the README's "time series on a device"
# example exactly as a user would: utils/examples/timeseries/producer.sh
# appending readings with XADD ... MAXLEN ~ and consumer.sh reading them
# with XREADGROUP BLOCK and acknowledging them with XACK, both through
# valkey-cli over the server's Unix socket.  Checked: the consumer prints
# every reading the producer added, in order, with its value; nothing is
# left pending; a consumer restarted under the same name first handles
# the readings it had been given but not acknowledged; two consumers
# share the readings without overlap; MAXLEN ~ keeps the stream bounded
# by whole nodes.

file_tags {integration stream needs:stream}

set ::ts_dir [file normalize [file join [file dirname [info script]] .. .. utils examples timeseries]]
set ::ts_cli [file normalize [file join [file dirname [info script]] .. .. src valkey-cli]]

# Starts an example script in the background; returns {pid outfile}.
proc ts_start {script out args} {
    set env [list SOCK=[srv unixsocket] VALKEY_CLI=$::ts_cli {*}$args]
    set pid [exec env {*}$env sh [file join $::ts_dir $script] > $out 2>@1 &]
    return [list $pid $out]
}

proc ts_running {pid} {
    return [expr {![catch {exec kill -0 $pid}]}]
}

proc ts_wait {p} {
    wait_for {![ts_running [lindex $p 0]]} -timeout 30000 -msg "[lindex $p 1] did not finish"
    set fh [open [lindex $p 1]]
    set text [read $fh]
    close $fh
    return [split [string trim $text] "\n"]
}

# The stream as "<id> <temp>" lines.
proc ts_stream_lines {key} {
    set out {}
    foreach e [r xrange $key - +] { lappend out "[lindex $e 0] [lindex $e 1 1]" }
    return $out
}

with_server -config {unixsocket %DIR%/ts.sock unixsocketperm 700} {
    test "the producer and the consumer of the README, over the Unix socket" {
        r del sensor
        set dir [srv dir]
        set c [ts_start consumer.sh $dir/consumer.out COUNT=20 NAME=pi]
        # The consumer creates the group at the end of the stream: wait for
        # it before producing (readings before that are not for it).
        wait_for {[r exists sensor] && [llength [r xinfo groups sensor]] == 1}
        set p [ts_start producer.sh $dir/producer.out COUNT=20 INTERVAL=0.02]
        set added [ts_wait $p]
        set handled [ts_wait $c]
        expect_eq [llength $added] 20
        expect_glob "added *-*" [lindex $added 0]
        expect_eq [r xlen sensor] 20
        expect_eq $handled [ts_stream_lines sensor]
        foreach line $handled { expect_between [lindex $line 1] -400 1500 }
        expect_eq [r xpending sensor readers] {0 {} {} {}}
        set g [lindex [r xinfo groups sensor] 0]
        expect_eq [dict get $g lag] 0
        expect_eq [dict get $g last-delivered-id] [lindex [lindex $handled end] 0]
    }
    test "a consumer restarted under its name first handles what it left pending" {
        # Three readings given to "pi" and never acknowledged (a crash).
        r xadd sensor * temp 211
        r xadd sensor * temp 212
        r xadd sensor * temp 213
        set lost [r xreadgroup group readers pi count 2 streams sensor >]
        expect_eq [llength [lindex $lost 0 1]] 2
        set dir [srv dir]
        set c [ts_start consumer.sh $dir/again.out COUNT=3 NAME=pi]
        set handled [ts_wait $c]
        expect_eq [lmap l $handled {lindex $l 1}] {211 212 213}
        expect_eq [r xpending sensor readers] {0 {} {} {}}
    }
    test "two consumers share the readings; MAXLEN ~ keeps the stream bounded" {
        r del sensor
        r config set stream-node-max-entries 10
        set dir [srv dir]
        set a [ts_start consumer.sh $dir/a.out COUNT=10 NAME=a BATCH=1]
        set b [ts_start consumer.sh $dir/b.out COUNT=10 NAME=b BATCH=1]
        wait_for {[r exists sensor] && [llength [r xinfo groups sensor]] == 1}
        wait_for {[llength [r xinfo consumers sensor readers]] == 2}
        set p [ts_start producer.sh $dir/p.out COUNT=40 INTERVAL=0.01 KEEP=15]
        ts_wait $p
        # Each consumer stops after 10: 20 of the 40 readings get handled.
        set ha [ts_wait $a]
        set hb [ts_wait $b]
        expect_eq [llength $ha] 10
        expect_eq [llength $hb] 10
        set ida [lmap l $ha {lindex $l 0}]
        set idb [lmap l $hb {lindex $l 0}]
        foreach id $ida { expect_true {[lsearch -exact $idb $id] < 0} "$id read by both" }
        # Whole nodes of 10 go: between 15 and 24 readings remain.
        expect_between [r xlen sensor] 15 24
        expect_eq [lindex [r xpending sensor readers] 0] 0
        r config set stream-node-max-entries 100
    }
}
