# ipc_example.tcl - runs the README's "processes on one device" example
# exactly as a user would: utils/examples/ipc/publisher.sh publishing
# events and subscriber.sh receiving them through a pattern, and
# enqueue.sh filling a work queue that several worker.sh processes empty
# with BLPOP, all through valkey-cli over the server's Unix socket.
# Checked: the subscriber prints every event the publisher sent, in order,
# and leaves no subscription behind; the publisher sees how many
# subscribers got each event (0 when none); every job is done exactly
# once, by one of the workers, and the queue ends empty; idle workers
# wait in BLPOP rather than poll.

file_tags {integration pubsub needs:pubsub needs:list needs:blocking}

set ::ipc_dir [file normalize [file join [file dirname [info script]] .. .. utils examples ipc]]
set ::ipc_cli [file normalize [file join [file dirname [info script]] .. .. src valkey-cli]]

# Starts an example script in the background; returns {pid outfile}.
proc ipc_start {script out args} {
    set vars [list SOCK=[srv unixsocket] VALKEY_CLI=$::ipc_cli {*}$args]
    set pid [exec env {*}$vars sh [file join $::ipc_dir $script] > $out 2>@1 &]
    return [list $pid $out]
}

proc ipc_running {pid} {
    return [expr {![catch {exec kill -0 $pid}]}]
}

# Waits for the script to finish; returns its output lines.
proc ipc_wait {p} {
    wait_for {![ipc_running [lindex $p 0]]} -timeout 30000 -msg "[lindex $p 1] did not finish"
    set fh [open [lindex $p 1]]
    set text [read $fh]
    close $fh
    return [split [string trim $text] "\n"]
}

# Runs a script in the foreground with its arguments and input on stdin;
# returns its lines.
proc ipc_run {script input args} {
    set vars [list SOCK=[srv unixsocket] VALKEY_CLI=$::ipc_cli]
    set out [exec env {*}$vars sh [file join $::ipc_dir $script] {*}$args << $input 2>@1]
    return [split [string trim $out] "\n"]
}

proc blocked_clients {} {
    regexp {blocked_clients:(\d+)} [r info clients] -> n
    return $n
}

with_server -config {unixsocket %DIR%/ipc.sock unixsocketperm 700} {
    test "the publisher and the pattern subscriber of the README, over the Unix socket" {
        set dir [srv dir]
        set s [ipc_start subscriber.sh $dir/sub.out COUNT=20]
        # Start publishing once it listens (events before that are lost:
        # pub/sub does not store).
        wait_for {[r pubsub numpat] == 1}
        set p [ipc_start publisher.sh $dir/pub.out COUNT=20 INTERVAL=0.01 CHANNEL=events.pi]
        set sent [ipc_wait $p]
        set got [ipc_wait $s]
        expect_eq [llength $sent] 20
        set want {}
        set i 0
        foreach line $sent {
            incr i
            expect_true {[regexp "^published events.pi (seq=$i load=\[0-9.\]+) to 1\$" $line -> msg]} $line
            lappend want "events.pi $msg"
        }
        expect_eq $got $want
        # The subscriber's valkey-cli went with it.
        wait_for {[r pubsub numpat] == 0}
        expect_eq [regexp {pubsub_clients:0} [r info clients]] 1
    }
    test "two subscribers with different patterns; an event nobody listens to" {
        set dir [srv dir]
        set a [ipc_start subscriber.sh $dir/a.out COUNT=3 PATTERN=events.*]
        set b [ipc_start subscriber.sh $dir/b.out COUNT=3 PATTERN=events.k?tchen]
        wait_for {[r pubsub numpat] == 2}
        set p [ipc_start publisher.sh $dir/p1.out COUNT=3 INTERVAL=0.01 CHANNEL=events.kitchen]
        set sent [ipc_wait $p]
        foreach line $sent { expect_glob "published events.kitchen seq=* to 2" $line }
        expect_eq [llength [ipc_wait $a]] 3
        expect_eq [llength [ipc_wait $b]] 3
        expect_eq [lindex [ipc_wait $a] 0] "events.kitchen [lindex [split [lindex $sent 0]] 2] [lindex [split [lindex $sent 0]] 3]"
        wait_for {[r pubsub numpat] == 0}
        set p [ipc_start publisher.sh $dir/p2.out COUNT=1 CHANNEL=events.nobody]
        expect_glob "published events.nobody seq=1 load=* to 0" [lindex [ipc_wait $p] 0]
    }
    test "the work queue of the README: every job done exactly once by one of three workers" {
        r del jobs
        set dir [srv dir]
        set workers {}
        foreach name {w1 w2 w3} {
            lappend workers [ipc_start worker.sh $dir/$name.out NAME=$name IDLE=2]
        }
        # Idle workers wait in BLPOP, they do not poll.
        wait_for {[blocked_clients] == 3}
        set jobs {}
        for {set i 1} {$i <= 10} {incr i} { lappend jobs "resize:photo$i.jpg" }
        set out [ipc_run enqueue.sh "" {*}$jobs]
        expect_eq [llength $out] 10
        expect_glob "queued resize:photo1.jpg (*)" [lindex $out 0]
        # More jobs from standard input, one per line, spaces kept.
        set more {}
        for {set i 1} {$i <= 20} {incr i} { lappend more "job number $i" }
        set out [ipc_run enqueue.sh [join $more "\n"]]
        expect_eq [llength $out] 20
        expect_glob "queued job number 20 (* waiting)" [lindex $out end]
        set done {}
        foreach w $workers {
            foreach line [ipc_wait $w] {
                if {$line eq ""} continue
                expect_true {[regexp {^(w[123]) (.*)$} $line -> who job]} $line
                lappend done $job
            }
        }
        expect_eq [lsort $done] [lsort [concat $jobs $more]]
        expect_eq [llength $done] 30
        expect_eq [r llen jobs] 0
        expect_eq [blocked_clients] 0
    }
    test "a worker with COUNT stops after that many jobs, leaving the rest queued" {
        wait_for {[blocked_clients] == 0}
        r del jobs
        ipc_run enqueue.sh "" a b c d
        set w [ipc_start worker.sh [srv dir]/one.out NAME=solo COUNT=3]
        expect_eq [ipc_wait $w] {{solo a} {solo b} {solo c}}
        expect_eq [r lrange jobs 0 -1] d
    }
}
