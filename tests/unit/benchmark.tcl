# valkey-benchmark driven as a subprocess against a server the harness
# starts: every default test, the full report, -q and --csv formats, a
# command from the command line with __rand_int__, pipelining, clients and
# threads (the server counts what arrived), keep-alive off, -l, AUTH,
# --dbnum, -u URIs, -x (last argument from stdin), -I idle connections
# (and the server refusing them), Unix sockets, and the failures: bad
# options, a closed port, error replies with and without -e.

file_tags {benchmark tools}

set ::bench_bin [file join $::root src valkey-benchmark]

# Runs the benchmark; returns {exit-status stdout stderr}. The outer
# `timeout` turns a hang into a failure instead of a stuck suite.
# "-stdin data" first feeds data to stdin.
proc bench {args} {
    set errf [file join $::tests_dir tmp bench.[pid].[clock clicks].err]
    file mkdir [file dirname $errf]
    set inf [file rootname $errf].in
    set fh [open $inf w]
    fconfigure $fh -translation binary
    if {[lindex $args 0] eq "-stdin"} {
        puts -nonewline $fh [lindex $args 1]
        set args [lrange $args 2 end]
    }
    close $fh
    set status 0
    if {[catch {exec timeout 120 $::bench_bin {*}$args < $inf 2> $errf} out opts]} {
        set ec [dict get $opts -errorcode]
        if {[lindex $ec 0] eq "CHILDSTATUS"} {
            set status [lindex $ec 2]
            # exec appends its own line to the child's stdout.
            regsub {\n?child process exited abnormally$} $out {} out
        } else {
            set status -1
            set out $opts
        }
    }
    set fh [open $errf]
    set err [read $fh]
    close $fh
    file delete $errf $inf
    return [list $status $out $err]
}

# The benchmark against the innermost server; fails the test on a
# non-zero exit and returns stdout.
proc bench_ok {args} {
    lassign [bench -h 127.0.0.1 -p [srv port] {*}$args] status out err
    if {$status != 0} { tf::fail "valkey-benchmark $args\nexit $status\nstderr: $err\nstdout: [string range $out 0 500]" }
    return $out
}

# Lines of output as a terminal would end up showing them: the progress
# line is overwritten with CR, so keep what follows the last CR.
proc screen_lines {out} {
    set lines {}
    foreach l [split $out "\n"] {
        set parts [split $l "\r"]
        lappend lines [lindex $parts end]
    }
    return $lines
}

# {title rps p50} for every -q line.
proc quiet_results {out} {
    set res {}
    foreach l [screen_lines $out] {
        if {[regexp {^(.+): ([0-9.]+|inf) requests per second, p50=([0-9]+\.[0-9]{3}) msec$} $l -> t rps p50]} {
            lappend res [list $t $rps $p50]
        }
    }
    return $res
}

set default_titles {
    PING_INLINE PING_MBULK SET GET INCR LPUSH RPUSH LPOP RPOP SADD HSET SPOP ZADD ZPOPMIN
    {LPUSH (needed to benchmark LRANGE)} {LRANGE_100 (first 100 elements)} {LRANGE_300 (first 300 elements)}
    {LRANGE_500 (first 500 elements)} {LRANGE_600 (first 600 elements)} {MSET (10 keys)} XADD
}

with_server {
    test "every default test reports a rate and completes exactly -n requests" {
        # -e: types the server lacks answer with errors, which -e counts
        # instead of stopping the run.
        set out [bench_ok -n 300 -c 10 -e]
        set lines [screen_lines $out]
        set titles {}
        for {set i 0} {$i < [llength $lines]} {incr i} {
            set l [lindex $lines $i]
            if {![regexp {^====== (.+) ======$} $l -> t]} continue
            lappend titles $t
            expect_re {^  300 requests completed in [0-9]+\.[0-9]{2} seconds$} [lindex $lines [expr {$i + 1}]]
            expect_eq [lindex $lines [expr {$i + 2}]] "  10 parallel clients"
            expect_eq [lindex $lines [expr {$i + 3}]] "  3 bytes payload"
            expect_eq [lindex $lines [expr {$i + 4}]] "  keep alive: 1"
            # The throughput line of this block.
            for {set j $i} {$j < [llength $lines]} {incr j} {
                if {[regexp {^  throughput summary: ([0-9.]+|inf) requests per second$} [lindex $lines $j] -> rps]} break
            }
            expect_true {$rps eq "inf" || $rps > 0} "rate of $t"
            # The summary: six numbers, avg..max, ordered where they must be.
            set vals [lindex $lines [expr {$j + 3}]]
            expect_eq [llength $vals] 6
            lassign $vals avg min p50 p95 p99 max
            expect_le $min $p50
            expect_le $p50 $p95
            expect_le $p95 $p99
            expect_le $p99 $max
            expect_between $avg $min $max
        }
        expect_eq $titles [lrange $default_titles 0 end]
    }

    test "the report's distributions are cumulative and end at the total" {
        set lines [screen_lines [bench_ok -t get -n 1000 -c 5]]
        set sect ""
        set seen {}
        foreach l $lines {
            if {$l eq "Latency by percentile distribution:" || $l eq "Cumulative distribution of latencies:"} {
                set sect $l
                set last -1
                continue
            }
            if {$sect ne "" && [regexp {^([0-9]+\.[0-9]{3})% <= ([0-9]+\.[0-9]{3}) milliseconds \(cumulative count ([0-9]+)\)$} $l -> pct v n]} {
                expect_ge $n $last
                set last $n
                dict set seen $sect $n
                continue
            }
            set sect ""
        }
        expect_eq [dict get $seen "Latency by percentile distribution:"] 1000
        expect_eq [dict get $seen "Cumulative distribution of latencies:"] 1000
        expect_true {[lsearch -exact $lines {  host configuration "appendonly": no}] >= 0}
        expect_true {[lsearch -exact $lines {  multi-thread: no}] >= 0}
    }

    test "-n is exact: an INCR counter ends at -n" {
        r del counter:__rand_int__
        bench_ok -t incr -n 777 -c 9 -q
        expect_eq [r get counter:__rand_int__] 777
    }

    test "-q prints one line per test in Valkey's format" {
        set out [bench_ok -t set,get -n 500 -q]
        set res [quiet_results $out]
        expect_eq [lmap x $res {lindex $x 0}] {SET GET}
        foreach x $res {
            expect_true {[lindex $x 1] eq "inf" || [lindex $x 1] > 0}
            expect_gt [lindex $x 2] 0
        }
        # Nothing but progress lines, results and blank lines.
        foreach l [screen_lines $out] {
            expect_true {$l eq "" || [string trim $l] eq "" || [regexp {requests per second} $l]} "line: $l"
        }
    }

    test "--csv: a header and one parsable row per test" {
        set out [bench_ok -t ping,set,get -n 400 --csv]
        set lines [split [string trimright $out "\n"] "\n"]
        expect_eq [lindex $lines 0] {"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"}
        set names {}
        foreach l [lrange $lines 1 end] {
            expect_re {^"[^"]+"(,"[0-9]+\.[0-9]+"){7}$} $l
            set f [split [string map {\" ""} $l] ,]
            lappend names [lindex $f 0]
            expect_gt [lindex $f 1] 0
            lassign [lrange $f 2 end] avg min p50 p95 p99 max
            foreach v [lrange $f 2 end] { expect_true {[string is double -strict $v]} }
            expect_le $min $p50
            expect_le $p50 $max
        }
        expect_eq $names {PING_INLINE PING_MBULK SET GET}
        expect_true {![string match "*\r*" $out]} "no progress lines in CSV mode"
    }

    test "a command line with __rand_int__ creates keys of that shape" {
        r flushall
        set out [bench_ok -r 50 -n 3000 -q set bk:__rand_int__ v:__rand_int__]
        expect_eq [lindex [lindex [quiet_results $out] 0] 0] {set bk:__rand_int__ v:__rand_int__}
        set keys [r keys *]
        expect_between [llength $keys] 40 50
        expect_eq [r dbsize] [llength $keys]
        foreach k $keys {
            expect_re {^bk:[0-9]{12}$} $k
            expect_lt [scan [string range $k 3 end] %d] 50
            expect_re {^v:[0-9]{12}$} [r get $k]
        }
    }

    test "without -r the placeholder stays as typed" {
        r flushall
        bench_ok -n 100 -q set nk:__rand_int__ x
        expect_eq [r keys *] {nk:__rand_int__}
    }

    test "default tests use Valkey's key names with -r" {
        r flushall
        bench_ok -t set,incr,mset -r 1000 -n 200 -q
        foreach k [r keys *] { expect_re {^(key|counter):[0-9]{12}$} $k }
        expect_gt [llength [r keys key:*]] 100
        expect_gt [llength [r keys counter:*]] 100
    }

    foreach {p c extra} {1 1 {} 16 1 {} 7 13 {} 100 3 {} 4 5 {--threads 2} 1 8 {--threads 3} 9 50 {}} {
        test "-P $p -c $c $extra sends exactly -n requests" {
            r del pcount
            bench_ok -P $p -c $c {*}$extra -n 1234 -q incr pcount
            expect_eq [r get pcount] 1234
        }
    }

    test "-k 0 reconnects for each request and still counts right" {
        r del kcount
        set before [server_info_field total_connections_received stats]
        bench_ok -k 0 -c 4 -n 60 -q incr kcount
        expect_eq [r get kcount] 60
        set after [server_info_field total_connections_received stats]
        expect_ge [expr {$after - $before}] 60
    }

    test "--dbnum selects the database" {
        r flushall
        bench_ok --dbnum 3 -n 10 -q set dbkey v
        expect_eq [r exists dbkey] 0
        r select 3
        expect_eq [r get dbkey] v
        r select 0
    }

    test "-d sets the payload size" {
        r flushall
        bench_ok -t set -d 100 -n 10 -q
        expect_eq [r strlen key:__rand_int__] 100
    }

    test "an error reply ends the run unless -e" {
        lassign [bench -p [srv port] -n 50 -q nosuchcmd a] status out err
        expect_eq $status 1
        expect_glob "*Error from server: ERR unknown command 'nosuchcmd'*" $err
        set out [bench_ok -n 50 -q -e nosuchcmd a]
        expect_glob "*Error from server: ERR unknown command 'nosuchcmd'*" $out
        expect_eq [lindex [lindex [quiet_results $out] 0] 0] {nosuchcmd a}
    }

    test "-u gives host, port and database, as valkey:// or redis://" {
        r flushall
        bench_ok -n 10 -q set plain v
        lassign [bench -u "valkey://127.0.0.1:[srv port]/3" -n 10 -q set ukey v] status out err
        expect_eq $status 0 "stderr: $err"
        expect_eq [lmap x [quiet_results $out] {lindex $x 0}] {{set ukey v}}
        lassign [bench -u "redis://127.0.0.1:[srv port]/4" -n 10 -q set rkey v] status out err
        expect_eq $status 0 "stderr: $err"
        expect_eq [r exists ukey rkey] 0
        r select 3
        expect_eq [r get ukey] v
        r select 4
        expect_eq [r get rkey] v
        r select 0
        # Later options win over the URI's parts, as with the cli.
        lassign [bench -u "valkey://127.0.0.1:1/3" -p [srv port] --dbnum 0 -n 10 -q set later v] status out err
        expect_eq $status 0 "stderr: $err"
        expect_eq [r get later] v
        foreach {uri msg} {http://127.0.0.1 "Invalid URI scheme" valkeys://127.0.0.1 "*TLS*"
                           valkey://127.0.0.1:99999 "*bad port*" valkey://127.0.0.1/x "*bad database*"} {
            lassign [bench -u $uri -n 1 -q ping] status out err
            expect_eq $status 1 "-u $uri"
            expect_glob "$msg*" [string trim $err]
        }
    }

    test "-x reads the command's last argument from stdin, binary safe" {
        r del xkey
        lassign [bench -stdin "from\x00stdin\n" -p [srv port] -x -n 10 -q set xkey] status out err
        expect_eq $status 0 "stderr: $err"
        expect_eq [r get xkey] "from\x00stdin\n"
        # The title is the command line as typed.
        expect_eq [lmap x [quiet_results $out] {lindex $x 0}] {{set xkey}}
        # Every word can come from stdin when it is the only one.
        r del xcount
        lassign [bench -stdin "xcount" -p [srv port] -x -n 7 -q incr] status out err
        expect_eq [r get xcount] 7
    }

    test "-I opens -c idle connections, sends nothing and shows the count" {
        # Earlier tests' connections may still be closing: start from the
        # harness's own connection alone.
        wait_for {[server_info_field connected_clients clients] == 1}
        set before 1
        set cmds [server_info_field total_commands_processed stats]
        set fh [open |[list $::bench_bin -p [srv port] -c 7 -I] r]
        fconfigure $fh -blocking 0 -translation binary
        set out ""
        wait_for {[regexp {clients: 7\r} [append out [read $fh]]]} -timeout 10000
        expect_eq [server_info_field connected_clients clients] [expr {$before + 7}]
        # Only the set-up connection's two CONFIG GETs and this test's INFO
        # calls were commands: the idle ones said nothing.
        expect_eq [expr {[server_info_field total_commands_processed stats] - $cmds}] 4
        set idle [regexp -all -line {cmd=NULL} [r client list]]
        expect_eq $idle 7
        catch {exec kill {*}[pid $fh]}
        catch {close $fh}
        expect_eq [string range $out 0 [string first "\n" $out]] \
            "Creating 7 idle connections and waiting forever (Ctrl+C when done)\n"
        wait_for {[server_info_field connected_clients clients] == $before}
    }

    test "-I reports the server refusing a client: max number of clients reached" {
        set max [lindex [r config get maxclients] 1]
        r config set maxclients [expr {[server_info_field connected_clients clients] + 3}]
        lassign [bench -p [srv port] -c 10 -I] status out err
        r config set maxclients $max
        expect_eq $status 1
        expect_eq $out "Creating 10 idle connections and waiting forever (Ctrl+C when done)"
        expect_eq $err "Error from server: ERR max number of clients reached\n"
    }

    test "-l runs the tests again and again" {
        set fh [open |[list $::bench_bin -p [srv port] -l -t ping_mbulk -n 200 -q 2>@1] r]
        fconfigure $fh -blocking 0
        set buf ""
        set deadline [expr {[clock milliseconds] + 20000}]
        while {[regexp -all {PING_MBULK: [0-9.]+ requests} $buf] < 3 && [clock milliseconds] < $deadline} {
            append buf [read $fh]
            if {[eof $fh]} break
            after 10
        }
        set running [expr {![eof $fh]}]
        catch {exec kill {*}[pid $fh]}
        catch {close $fh}
        expect_ge [regexp -all {PING_MBULK: [0-9.]+ requests} $buf] 3
        expect_eq $running 1
    }
}

with_server -config {unixsocket %DIR%/valkey.sock unixsocketperm 700} {
    test "-s connects over a Unix socket" {
        lassign [bench -s [srv unixsocket] -t ping_mbulk,set -n 200 -q] status out err
        expect_eq $status 0 "stderr: $err"
        expect_eq [lmap x [quiet_results $out] {lindex $x 0}] {PING_MBULK SET}
    }
}

with_server -config {requirepass s3cret} -noclient 1 {
    test "-u carries the password, with or without a user" {
        foreach uri [list "valkey://:s3cret@127.0.0.1:[srv port]" "valkey://default:s3cret@127.0.0.1:[srv port]/2" \
                          "redis://s3cret@127.0.0.1:[srv port]" "valkey://default:s3%63ret@127.0.0.1:[srv port]"] {
            lassign [bench -u $uri -t set -n 20 -c 2 -q] status out err
            expect_eq $status 0 "-u $uri: $err"
            expect_eq [lmap x [quiet_results $out] {lindex $x 0}] {SET} "-u $uri"
        }
        lassign [bench -u "valkey://:wrong@127.0.0.1:[srv port]" -t set -n 20 -q] status out err
        expect_eq $status 1
        expect_glob "*replied with error*" $err
    }

    test "-a authenticates every connection; without it the run stops" {
        lassign [bench -p [srv port] -t set -n 100 -q] status out err
        expect_eq $status 1
        expect_glob "*NOAUTH*" $err
        lassign [bench -p [srv port] -a wrong -t set -n 100 -q] status out err
        expect_eq $status 1
        expect_glob "*replied with error*" $err
        lassign [bench -p [srv port] -a s3cret -t set,get -n 100 -c 3 -q] status out err
        expect_eq $status 0 "stderr: $err"
        expect_eq [lmap x [quiet_results $out] {lindex $x 0}] {SET GET}
    }
}

test "a bad option is an error with a non-zero exit" {
    lassign [bench --no-such-option] status out err
    expect_eq $status 1
    expect_glob {Invalid option "--no-such-option"*} $err
    lassign [bench -n] status out err
    expect_eq $status 1
    expect_glob {Invalid option "-n"*} $err
    lassign [bench -n abc] status out err
    expect_eq $status 1
    expect_glob {*"-n"*not an integer*} $err
    lassign [bench -t set,nosuchtest] status out err
    expect_eq $status 1
    expect_glob {*Unknown test "nosuchtest"*} $err
}

test "--help and --version exit 0" {
    lassign [bench --help] status out err
    expect_eq $status 0
    expect_glob "Usage: valkey-benchmark*" $out
    lassign [bench --version] status out err
    expect_eq $status 0
    expect_re {^valkey-benchmark [0-9]+\.[0-9]+\.[0-9]+} $out
}

test "a closed port fails cleanly" {
    set port [srvh::free_port]
    lassign [bench -p $port -n 10 -q] status out err
    expect_eq $status 1
    expect_eq [string trim $err] "Could not connect to server at 127.0.0.1:$port: Connection refused"
}
