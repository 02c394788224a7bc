# LATENCY LATEST|HISTORY|RESET|GRAPH|DOCTOR|HISTOGRAM|HELP: the latency
# monitor (latency-monitor-threshold, "command" and "fast-command"
# events) and per-command latency tracking (latency-tracking,
# latency-tracking-info-percentiles, INFO latencystats).

file_tags {latency}

proc info_get {text field} {
    if {[regexp "(?n)^[string map {. \\. | \\|} $field]:(\[^\r\n\]*)" $text -> v]} { return $v }
    return ""
}

with_server -config {latency-monitor-threshold 0} {
    test "no events while the monitor is off" {
        r debug sleep 0.02
        expect_eq [r latency latest] {}
        expect_eq [r latency history command] {}
        expect_err "ERR No samples available for event 'command'" {r latency graph command}
        expect_glob "*latency-monitor-threshold*" [r latency doctor]
    }
}

with_server -config {latency-monitor-threshold 10} {
    test "a slow command is a 'command' event" {
        r latency reset
        r debug sleep 0.03
        set latest [r latency latest]
        expect_eq [llength $latest] 1
        set e [lindex $latest 0]
        expect_eq [lindex $e 0] command
        expect_between [lindex $e 1] [expr {[clock seconds] - 60}] [expr {[clock seconds] + 60}]
        expect_ge [lindex $e 2] 30
        expect_ge [lindex $e 3] [lindex $e 2]
        set h [r latency history command]
        expect_eq [llength $h] 1
        expect_eq [llength [lindex $h 0]] 2
        expect_ge [lindex $h 0 1] 30
    }
    test "two samples in the same second keep the larger" {
        r latency reset
        # Poll until we are at the start of a second, so both land in it.
        wait_for {[clock milliseconds] % 1000 < 300}
        r debug sleep 0.05
        r debug sleep 0.02
        set h [r latency history command]
        if {[llength $h] == 1} {
            expect_ge [lindex $h 0 1] 50
        } else {
            # The second boundary was crossed after all: two samples.
            expect_eq [llength $h] 2
        }
        expect_ge [lindex [r latency latest] 0 3] 50
    }
    test "fast commands below the threshold record nothing" {
        r latency reset
        for {set i 0} {$i < 50} {incr i} { r ping }
        expect_eq [r latency latest] {}
    }
    test "LATENCY RESET counts the events it removed" {
        r latency reset
        r debug sleep 0.02
        expect_eq [r latency reset nosuch] 0
        expect_eq [r latency reset command nosuch] 1
        expect_eq [r latency latest] {}
        r debug sleep 0.02
        expect_eq [r latency reset] 1
        expect_eq [r latency reset] 0
    }
    test "LATENCY GRAPH draws the event" {
        r latency reset
        r debug sleep 0.02
        set g [r latency graph command]
        expect_re {^command - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n-{80}\n} $g
        expect_err "ERR No samples available for event 'nosuch'" {r latency graph nosuch}
        expect_err "ERR wrong number of arguments for 'latency|graph' command" {r latency graph}
    }
    test "LATENCY DOCTOR names the event" {
        r latency reset
        r debug sleep 0.02
        set d [r latency doctor]
        expect_glob "*command: 1 latency spikes*" $d
        set c [new_client -resp 3]
        expect_eq [lindex [$c .typed latency doctor] 0] verbatim
        $c .close
    }
    test "LATENCY errors and HELP" {
        expect_err "ERR unknown subcommand 'foo'. Try LATENCY HELP." {r latency foo}
        expect_err "ERR wrong number of arguments for 'latency|history' command" {r latency history}
        expect_err "ERR wrong number of arguments for 'latency' command" {r latency}
        set h [r latency help]
        expect_glob "LATENCY <subcommand>*" [lindex $h 0]
        expect_true {[lsearch -exact $h "HISTOGRAM \[COMMAND ...\]"] > 0}
    }
}

with_server {
    test "LATENCY HISTOGRAM for named commands" {
        r config resetstat
        r set hk v
        r set hk v
        r get hk
        set h [r latency histogram set]
        expect_eq [dict keys $h] set
        set s [dict get $h set]
        expect_eq [dict get $s calls] 2
        set buckets [dict get $s histogram_usec]
        # Cumulative counts over power-of-two microsecond bounds, ending at
        # the total number of calls.
        expect_eq [lindex $buckets end] 2
        set prev 0
        foreach {bound count} $buckets {
            expect_is integer $bound
            expect_gt $count $prev
            set prev $count
        }
        # Every bound is the level 1024ns * 2^k as Valkey names it: the top
        # of its sub-bucket (2 significant digits) in whole microseconds.
        set valid {}
        for {set k 10} {$k < 31} {incr k} { lappend valid [expr {((1 << $k) + (1 << ($k - 7)) - 1) / 1000}] }
        foreach {bound count} $buckets { expect_true {[lsearch -exact $valid $bound] >= 0} "bound $bound" }
    }
    test "LATENCY HISTOGRAM with no names lists every called command" {
        r config resetstat
        r set a b
        r config get maxmemory
        set h [r latency histogram]
        expect_true {[dict exists $h set]}
        expect_true {[dict exists $h config|get]}
        expect_eq [dict get $h set calls] 1
    }
    test "LATENCY HISTOGRAM: containers, subcommands, unknown names" {
        r config resetstat
        r config get maxmemory
        # CONFIG RESETSTAT is itself recorded once it has run.
        expect_set [dict keys [r latency histogram config]] {config|get config|resetstat}
        expect_eq [dict keys [r latency histogram CONFIG|GET]] config|get
        expect_eq [r latency histogram nosuchcmd] {}
        # Not yet called since the reset: absent.
        expect_eq [r latency histogram get] {}
    }
    test "LATENCY HISTOGRAM in RESP3 is a map of maps" {
        set c [new_client -resp 3]
        $c set a b
        set t [$c .typed latency histogram set]
        expect_eq [lindex $t 0] map
        expect_eq [lindex $t 1 1 0] map
        $c .close
    }
    test "INFO latencystats: percentiles per command" {
        r config resetstat
        r set a b
        r config get maxmemory
        set info [r info latencystats]
        expect_glob "# Latencystats*" $info
        expect_re {^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$} [info_get $info latency_percentiles_usec_set]
        expect_ne [info_get $info latency_percentiles_usec_config|get] ""
        expect_eq [info_get $info latency_percentiles_usec_get] ""
    }
    test "latency-tracking-info-percentiles changes the INFO line" {
        r config set latency-tracking-info-percentiles "50 99.99 100"
        r set a b
        set info [r info latencystats]
        expect_re {^p50=[0-9.]+,p99\.99=[0-9.]+,p100=[0-9.]+$} [info_get $info latency_percentiles_usec_set]
        r config set latency-tracking-info-percentiles "50 99 99.9"
    }
    test "latency-tracking no stops recording" {
        r config resetstat
        r config set latency-tracking no
        r set a b
        expect_eq [r latency histogram set] {}
        expect_eq [info_get [r info latencystats] latency_percentiles_usec_set] ""
        r config set latency-tracking yes
        r set a b
        expect_eq [dict get [r latency histogram set] set calls] 1
    }
    test "CONFIG RESETSTAT clears the histograms" {
        r set a b
        expect_ne [r latency histogram set] {}
        r config resetstat
        expect_eq [r latency histogram set] {}
    }
    test "a slow command lands in a high bucket" {
        r config resetstat
        r debug sleep 0.02
        set b [dict get [r latency histogram debug] debug histogram_usec]
        # 20ms falls under the 2^25 ns level (named 33816 us), past the
        # 2^24 ns one (16908 us); a slow machine (qemu) may land it higher.
        expect_ge [lindex $b 0] 33816
        expect_eq [lindex $b 1] 1
    }
}
