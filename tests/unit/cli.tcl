# valkey-cli driven as a subprocess against a server the harness starts:
# one-shot commands, every reply type (DEBUG PROTOCOL) in raw, formatted,
# CSV and JSON output over RESP2 and RESP3, FAKETTY (terminal formatting
# through a pipe), -x, -r, -e and exit codes, commands from stdin (the
# interactive loop without a terminal: repeat counts, QUIT, timing),
# --pipe mass insertion with its summary line, --scan --pattern,
# --bigkeys, URIs, bad options.  Where Debian's redis-cli is installed,
# the same invocations are compared with it.

file_tags {cli}

set ::cli_bin [file normalize [file join [file dirname [info script]] .. .. src valkey-cli]]

# Runs the cli; returns {exit-code stdout stderr}, output bytes exact.
# -stdin data feeds stdin (otherwise it is empty); -bin picks another cli;
# -env {NAME value ...} sets environment variables for this run only.
proc cli_run {args} {
    set o [dict create -stdin "" -bin $::cli_bin -env {}]
    while {[string match -* [lindex $args 0]] && [dict exists $o [lindex $args 0]]} {
        dict set o [lindex $args 0] [lindex $args 1]
        set args [lrange $args 2 end]
    }
    set errf [file join [srv dir] cli.stderr]
    set inf [file join [srv dir] cli.stdin]
    set fh [open $inf w]
    fconfigure $fh -translation binary
    puts -nonewline $fh [dict get $o -stdin]
    close $fh
    set outf [file join [srv dir] cli.stdout]
    set code 0
    set saved {}
    foreach {name value} [dict get $o -env] {
        if {[info exists ::env($name)]} { lappend saved $name 1 $::env($name) } else { lappend saved $name 0 {} }
        set ::env($name) $value
    }
    # Both streams go to files: exec would otherwise add its own text to
    # the output of a child that exits non-zero.
    set failed [catch {exec [dict get $o -bin] {*}$args < $inf > $outf 2> $errf} msg opts]
    foreach {name had value} $saved {
        if {$had} { set ::env($name) $value } else { unset ::env($name) }
    }
    if {$failed} {
        set ec [dict get $opts -errorcode]
        if {[lindex $ec 0] eq "CHILDSTATUS"} {
            set code [lindex $ec 2]
        } else {
            error "cli did not run: $msg"
        }
    }
    set fh [open $outf]
    fconfigure $fh -translation binary
    set out [read $fh]
    close $fh
    set fh [open $errf]
    fconfigure $fh -translation binary
    set err [read $fh]
    close $fh
    return [list $code $out $err]
}

# The cli against the current server, stdout only; fails the test on a
# non-zero exit.
proc cli {args} {
    lassign [cli_run -p [srv port] {*}$args] code out err
    if {$code != 0} { tf::fail "expected: valkey-cli $args to exit 0\nactual:   exit $code, stderr: $err" }
    return $out
}

set ::have_redis_cli [expr {[auto_execok redis-cli] ne ""}]

with_server {
    test "one-shot commands print raw replies when stdout is not a tty" {
        expect_eq [cli set k1 hello] "OK\n"
        expect_eq [r get k1] hello
        expect_eq [cli get k1] "hello\n"
        expect_eq [cli incr n1] "1\n"
        expect_eq [cli get nosuchkey] "\n"
        expect_eq [cli ping] "PONG\n"
        # Binary-safe arguments pass untouched.
        cli set bin "a b\tc"
        expect_eq [r get bin] "a b\tc"
    }

    test "--no-raw formats replies as on a terminal" {
        expect_eq [cli --no-raw get k1] "\"hello\"\n"
        expect_eq [cli --no-raw incr n1] "(integer) 2\n"
        expect_eq [cli --no-raw get nosuchkey] "(nil)\n"
        expect_eq [cli --no-raw set k1 hello] "OK\n"
        r set quoted "a\"b\\c\n\x01\xff"
        expect_eq [cli --no-raw get quoted] "\"a\\\"b\\\\c\\n\\x01\\xff\"\n"
        expect_eq [cli --no-raw ping] "PONG\n"
        # --raw wins back raw output.
        expect_eq [cli --raw get k1] "hello\n"
    }

    # Expected output of DEBUG PROTOCOL <type> per output mode and protocol.
    set cases {
        string   2 {Hello World} {"Hello World"} {"Hello World"} {"Hello World"}
        string   3 {Hello World} {"Hello World"} {"Hello World"} {"Hello World"}
        integer  2 12345 {(integer) 12345} 12345 12345
        integer  3 12345 {(integer) 12345} 12345 12345
        double   2 3.141 {"3.141"} {"3.141"} {"3.141"}
        double   3 3.141 {(double) 3.141} 3.141 3.141
        bignum   2 1234567999999999999999999999999999999 {"1234567999999999999999999999999999999"} {"1234567999999999999999999999999999999"} {"1234567999999999999999999999999999999"}
        bignum   3 1234567999999999999999999999999999999 {(big number) 1234567999999999999999999999999999999} 1234567999999999999999999999999999999 1234567999999999999999999999999999999
        null     2 {} (nil) NULL null
        null     3 {} (nil) NULL null
        true     2 1 {(integer) 1} 1 1
        true     3 (true) (true) true true
        false    2 0 {(integer) 0} 0 0
        false    3 (false) (false) false false
        verbatim 2 "This is a verbatim\nstring" {"This is a verbatim\nstring"} {"This is a verbatim\nstring"} {"This is a verbatim\nstring"}
        verbatim 3 "This is a verbatim\nstring" "This is a verbatim\nstring" {"This is a verbatim\nstring"} {"This is a verbatim\nstring"}
        array    2 "0\n1\n2" "1) (integer) 0\n2) (integer) 1\n3) (integer) 2" 0,1,2 {[0,1,2]}
        array    3 "0\n1\n2" "1) (integer) 0\n2) (integer) 1\n3) (integer) 2" 0,1,2 {[0,1,2]}
        set      2 "0\n1\n2" "1) (integer) 0\n2) (integer) 1\n3) (integer) 2" 0,1,2 {[0,1,2]}
        set      3 "0\n1\n2" "1~ (integer) 0\n2~ (integer) 1\n3~ (integer) 2" 0,1,2 {[0,1,2]}
        map      2 "0\n0\n1\n1\n2\n0" "1) (integer) 0\n2) (integer) 0\n3) (integer) 1\n4) (integer) 1\n5) (integer) 2\n6) (integer) 0" 0,0,1,1,2,0 {[0,0,1,1,2,0]}
        map      3 "0 (false)\n1 (true)\n2 (false)" "1# (integer) 0 => (false)\n2# (integer) 1 => (true)\n3# (integer) 2 => (false)" 0,false,1,true,2,false {{"0":false,"1":true,"2":false}}
        attrib   2 {Some real reply following the attribute} {"Some real reply following the attribute"} {"Some real reply following the attribute"} {"Some real reply following the attribute"}
        attrib   3 {Some real reply following the attribute} {"Some real reply following the attribute"} {"Some real reply following the attribute"} {"Some real reply following the attribute"}
        push     3 {Some real reply following the push reply} {"Some real reply following the push reply"} {"Some real reply following the push reply"} {"Some real reply following the push reply"}
    }
    test "every reply type in raw, formatted, CSV and JSON output, RESP2 and RESP3" {
        foreach {type proto raw tty csv json} $cases {
            expect_eq [cli -$proto debug protocol $type] "$raw\n" "raw $type RESP$proto"
            expect_eq [cli -$proto --no-raw debug protocol $type] "$tty\n" "formatted $type RESP$proto"
            expect_eq [cli -$proto --csv debug protocol $type] "$csv\n" "csv $type RESP$proto"
            expect_eq [cli -$proto --json debug protocol $type] "$json\n" "json $type RESP$proto"
        }
    }

    test "nested and empty aggregates are indented and named as valkey-cli does" {
        # HELLO 3 answers a map holding an empty array.
        set out [cli -3 --no-raw hello 3]
        expect_re {^1# "server" => "(valkey|redis)"\n2# "version" => } $out
        expect_re {\n7# "modules" => \(empty array\)\n$} $out
        expect_eq [cli --no-raw keys nomatch*] "(empty array)\n"
        # Two-level nesting: children indented under a two-digit index.
        for {set i 0} {$i < 10} {incr i} { r set nest:$i v }
        set out [cli --no-raw scan 0 match nest:* count 1000]
        expect_re {^1\) "0"\n2\)  1\) "nest:\d"\n    2\) "nest:\d"\n} $out
        expect_re {\n   10\) "nest:\d"\n$} $out
    }

    test "JSON: RESP3 is the default, -2 keeps RESP2; --quoted-json escapes binary" {
        expect_eq [cli --json debug protocol map] "{\"0\":false,\"1\":true,\"2\":false}\n"
        expect_eq [cli --json -2 debug protocol map] "\[0,0,1,1,2,0\]\n"
        r set utf "\xc3\xa9\x01\"\\"
        expect_eq [cli --json get utf] "\"\xc3\xa9\\u0001\\\"\\\\\"\n"
        expect_eq [cli --quoted-json get utf] "\"\\\\xc3\\\\xa9\\\\x01\\\\\\\"\\\\\\\\\"\n"
    }

    test "error replies: formatted, raw, CSV; -e makes the exit code 1" {
        set e "ERR unknown command 'nosuchcmd', with args beginning with: "
        lassign [cli_run -p [srv port] nosuchcmd] code out err
        expect_eq $code 0
        expect_eq $out "$e\n\n"
        lassign [cli_run -p [srv port] --no-raw nosuchcmd] code out err
        expect_eq $out "(error) $e\n"
        lassign [cli_run -p [srv port] --csv nosuchcmd] code out err
        expect_eq $out "ERROR,\"$e\"\n"
        lassign [cli_run -p [srv port] -e nosuchcmd] code out err
        expect_eq $code 1
        expect_eq $out ""
        expect_eq $err "$e\n"
        lassign [cli_run -p [srv port] -e --no-raw get k1] code out err
        expect_eq $code 0
        expect_eq [lindex [cli_run -p [srv port] -e get] 0] 1
    }

    test "connection failures and bad options exit 1 with a message" {
        set port [srvh::free_port]
        lassign [cli_run -p $port ping] code out err
        expect_eq $code 1
        expect_eq $err "Could not connect to Valkey at 127.0.0.1:$port: Connection refused\n"
        lassign [cli_run -p [srv port] --no-such-option] code out err
        expect_eq $code 1
        expect_eq $err "Unrecognized option or bad number of args for: '--no-such-option'\n"
        lassign [cli_run -p] code out err
        expect_eq $code 1
        lassign [cli_run -p [srv port] -r notanumber ping] code out err
        expect_eq $code 1
        expect_glob "*-r*not an integer*" $err
        lassign [cli_run -u http://127.0.0.1] code out err
        expect_eq $code 1
        expect_glob "*Invalid URI scheme*" $err
        lassign [cli_run --version] code out err
        expect_re {^valkey-cli \d+\.\d+\.\d+} $out
        lassign [cli_run --help] code out err
        expect_eq $code 0
        foreach o {-h -p -s -a --user --pass -u -r -i -n -2 -3 -x -d -e --raw --no-raw --csv --json
                     --quoted-json --pipe --pipe-timeout --scan --pattern --count --stat --latency
                     --latency-history --latency-dist --bigkeys --memkeys --eval --no-auth-warning --version} {
            expect_true {[string first "  $o " $out] >= 0} "--help mentions $o"
        }
    }

    test "-x takes the last argument from stdin, binary safe" {
        lassign [cli_run -stdin "line one\nline two\n\x00end" -p [srv port] -x set fromstdin] code out err
        expect_eq $out "OK\n"
        expect_eq [r get fromstdin] "line one\nline two\n\x00end"
    }

    test "-r repeats, -i waits between repeats" {
        r del rep
        expect_eq [cli -r 5 incr rep] "1\n2\n3\n4\n5\n"
        expect_eq [r get rep] 5
        set t0 [clock milliseconds]
        expect_eq [cli -r 3 -i 0.1 incr rep] "6\n7\n8\n"
        expect_ge [expr {[clock milliseconds] - $t0}] 200
        expect_eq [cli -r 0 incr rep] ""
        expect_eq [r get rep] 8
    }

    test "-d and -D delimiters in raw output" {
        r del d1 d2
        r set d1 a
        r set d2 b
        expect_eq [cli -d , mget d1 d2] "a,b\n"
        expect_eq [cli -D : -r 2 get d1] "a:a:"
    }

    test "-n selects the database; URIs give host, port, db and password" {
        expect_eq [cli -n 3 set indb3 x] "OK\n"
        expect_eq [r exists indb3] 0
        r select 3
        expect_eq [r get indb3] x
        r select 0
        expect_eq [cli_run -u "valkey://127.0.0.1:[srv port]/3" get indb3] [list 0 "x\n" ""]
        expect_eq [lindex [cli_run -u "redis://127.0.0.1:[srv port]/3" get indb3] 1] "x\n"
        lassign [cli_run -u "valkeys://127.0.0.1:[srv port]" ping] code out err
        expect_eq $code 1
    }

    test "commands from stdin, one per line, with quoting" {
        set in "set sin1 \"a b\"\nget sin1\n\nincr sinctr\nget \"x\\x41y\"\nset \"sin2\" 'it''s'\n"
        r set xAy hex
        lassign [cli_run -stdin $in -p [srv port]] code out err
        expect_eq $code 0
        # valkey-cli's interactive loop reads the pipe: it says so on stdout.
        expect_eq $out "OK\na b\n1\nhex\nInvalid argument(s)\n"
        expect_eq [r get sin1] "a b"
        expect_eq $err ""
        # An error reply does not stop the input, and the loop ends with 0
        # even with -e, as valkey-cli's does.
        lassign [cli_run -stdin "set s1 1\nnosuch\nget s1\n" -p [srv port] -e] code out err
        expect_eq $code 0
        expect_eq $out "OK\nERR unknown command 'nosuch', with args beginning with: \n\n1\n"
        # A last line without a newline still runs.
        expect_eq [lindex [cli_run -stdin "incr sinctr" -p [srv port]] 1] "2\n"
    }

    test "commands from stdin: repeat counts, QUIT and EXIT, local commands" {
        r del rc
        set in "3 incr rc\n+2 incr rc\n0 incr rc\n-1 incr rc\n99999999999999999999 incr rc\n2x incr rc\n"
        lassign [cli_run -stdin $in -p [srv port]] code out err
        set bad "Invalid valkey-cli repeat command option value.\n"
        expect_eq $out "1\n2\n3\n4\n5\n$bad$bad${bad}ERR unknown command '2x', with args beginning with: 'incr' 'rc' \n\n"
        expect_eq $code 0
        # QUIT and EXIT end the input there, without reaching the server.
        lassign [cli_run -stdin "incr rc\nquit\nincr rc\n" -p [srv port]] code out err
        expect_eq $out "6\n"
        expect_eq $code 0
        lassign [cli_run -stdin "EXIT\nincr rc\n" -p [srv port]] code out err
        expect_eq $out ""
        expect_eq [r get rc] 6
        lassign [cli_run -stdin "restart\n" -p [srv port]] code out err
        expect_eq $out "Use 'restart' only in Lua debugging mode.\n"
        # HELP is answered locally.
        lassign [cli_run -stdin "help get\n" -p [srv port]] code out err
        expect_glob "*GET*summary:*" $out
        # The server gone: the error, the rest of the input tried, exit 0.
        set dead [srvh::free_port]
        lassign [cli_run -stdin "ping\nping\n" -p $dead] code out err
        expect_eq $code 0
        expect_eq $out ""
        expect_eq $err [string repeat "Could not connect to Valkey at 127.0.0.1:$dead: Connection refused\n" 3]
    }

    test "FAKETTY: one-shot replies formatted as on a terminal through a pipe" {
        set tty {-env {FAKETTY 1}}
        r del ft:n
        r set ft:s "tab\tnewline\n"
        r mset ft:a foo ft:b bar
        expect_eq [lindex [cli_run {*}$tty -p [srv port] incr ft:n] 1] "(integer) 1\n"
        expect_eq [lindex [cli_run {*}$tty -p [srv port] get ft:s] 1] "\"tab\\tnewline\\n\"\n"
        expect_eq [lindex [cli_run {*}$tty -p [srv port] get ft:nosuch] 1] "(nil)\n"
        expect_eq [lindex [cli_run {*}$tty -p [srv port] mget ft:a ft:b ft:c] 1] "1) \"foo\"\n2) \"bar\"\n3) (nil)\n"
        expect_eq [lindex [cli_run {*}$tty -p [srv port] keys ft:none*] 1] "(empty array)\n"
        expect_eq [lindex [cli_run {*}$tty -p [srv port] set ft:x y] 1] "OK\n"
        expect_eq [lindex [cli_run {*}$tty -p [srv port] nosuchcmd] 1] \
            "(error) ERR unknown command 'nosuchcmd', with args beginning with: \n"
        # Any value counts, even empty; --raw and --csv still win.
        expect_eq [lindex [cli_run -env {FAKETTY ""} -p [srv port] incr ft:n] 1] "(integer) 2\n"
        expect_eq [lindex [cli_run {*}$tty -p [srv port] --raw incr ft:n] 1] "3\n"
        expect_eq [lindex [cli_run {*}$tty -p [srv port] --csv mget ft:a ft:b] 1] "\"foo\",\"bar\"\n"
        # Without it the same pipe gets raw output.
        expect_eq [lindex [cli_run -p [srv port] incr ft:n] 1] "4\n"
        # INFO stays verbatim, as on a terminal.
        expect_re {^# Server\r\n} [lindex [cli_run {*}$tty -p [srv port] info server] 1]
        # HELP is colored as on a terminal.
        set out [lindex [cli_run {*}$tty -p [srv port] help get] 1]
        expect_ge [string first "\033\[1mGET\033\[0m" $out] 0
    }

    test "FAKETTY: commands piped to stdin get the interactive formatting" {
        r del ft:n
        r mset ft:a foo ft:b bar
        set in "incr ft:n\nmget ft:a ft:b\nget ft:nosuch\n2 incr ft:n\nnosuchcmd\n"
        lassign [cli_run -env {FAKETTY 1} -stdin $in -p [srv port]] code out err
        expect_eq $code 0
        expect_eq $out "(integer) 1\n1) \"foo\"\n2) \"bar\"\n(nil)\n(integer) 2\n(integer) 3\n(error) ERR unknown command 'nosuchcmd', with args beginning with: \n"
        # No prompt is printed: stdin is not a terminal.
        expect_eq [string first "> " $out] -1
        # A slow command is followed by the time it took.
        if {![catch {r debug sleep 0}]} {
            lassign [cli_run -env {FAKETTY 1} -stdin "debug sleep 0.6\nping\n" -p [srv port]] code out err
            regexp {\(([0-9.]+)s\)} $out -> took
            expect_re {^OK\n\([0-9]+\.[0-9][0-9]s\)\nPONG\n$} $out
            expect_ge $took 0.5
            lassign [cli_run -stdin "debug sleep 0.6\n" -p [srv port]] code out err
            expect_eq $out "OK\n"
        }
    }

    test "--pipe mass insertion of 100000 commands prints the summary" {
        set fh [open [file join [srv dir] mass.txt] w]
        fconfigure $fh -translation binary
        for {set i 0} {$i < 50000} {incr i} {
            puts -nonewline $fh "*3\r\n\$3\r\nSET\r\n\$[string length pk:$i]\r\npk:$i\r\n\$[string length v$i]\r\nv$i\r\n"
        }
        # Half inline, as `echo SET a b` users send it.
        for {set i 50000} {$i < 100000} {incr i} { puts -nonewline $fh "SET pk:$i v$i\r\n" }
        close $fh
        set fh [open [file join [srv dir] mass.txt]]
        fconfigure $fh -translation binary
        set data [read $fh]
        close $fh
        r flushall
        lassign [cli_run -stdin $data -p [srv port] --pipe] code out err
        expect_eq $code 0
        expect_eq $out "All data transferred. Waiting for the last reply...\nLast reply received from server.\nerrors: 0, replies: 100000\n"
        expect_eq [r dbsize] 100000
        expect_eq [r get pk:0] v0
        expect_eq [r get pk:99999] v99999
    }

    test "--pipe counts error replies and exits 1" {
        lassign [cli_run -stdin "SET a 1\r\nNOSUCH x\r\nGET a\r\n" -p [srv port] --pipe] code out err
        expect_eq $code 1
        expect_re {errors: 1, replies: 3\n$} $out
        expect_glob "*unknown command 'NOSUCH'*" $err
    }

    test "--scan --pattern lists every matching key once" {
        r flushall
        for {set i 0} {$i < 300} {incr i} { r set scan:a:$i x; r set scan:b:$i y }
        set keys [split [string trimright [cli --scan --pattern scan:a:*] \n] \n]
        expect_eq [llength $keys] 300
        expect_eq [llength [lsort -unique $keys]] 300
        foreach k $keys { if {![string match scan:a:* $k]} { tf::fail "unexpected key $k" } }
        set all [split [string trimright [cli --scan --count 50] \n] \n]
        expect_eq [llength [lsort -unique $all]] 600
    }

    test "--bigkeys reports the biggest string; --memkeys explains a missing MEMORY USAGE" {
        r flushall
        r set small x
        r set big [string repeat z 1000]
        r set mid [string repeat z 10]
        set out [cli --bigkeys]
        expect_glob "*Sampled 3 keys in the keyspace!*" $out
        expect_glob "*Biggest string found '\"big\"' has 1000 bytes*" $out
        expect_glob "*3 strings with 1011 bytes (100.00% of keys, avg size 337.00)*" $out
        lassign [cli_run -p [srv port] --memkeys] code out err
        if {[catch {r memory usage big} e]} {
            expect_eq $code 1
            expect_glob "*MEMORY USAGE is not available*" $err
        } else {
            expect_eq $code 0
            expect_glob "*Biggest string found '\"big\"' has * bytes*" $out
        }
    }

    test "--latency without a terminal prints one line of numbers" {
        lassign [cli_run -p [srv port] --latency -i 0.3] code out err
        expect_eq $code 0
        expect_re {^\d+ \d+ \d+\.\d\d \d+\n$} $out
        expect_gt [lindex $out 3] 5
    }

    test "--stat prints a header and a line of numbers" {
        set fd [open |[list $::cli_bin -p [srv port] --stat -i 0.05] r]
        fconfigure $fd -blocking 0
        set out ""
        wait_for {[regexp {\n\d+ +[\d.]+[BKMG] +\d+ +\d+ +\d+ \(\+\d+\) +\d+ *\n} [append out [read $fd]]]}
        foreach p [pid $fd] { catch {exec kill $p} }
        catch {close $fd}
        expect_glob "*keys       mem      clients blocked requests*" $out
    }

    test "--eval says scripting is missing when the server has no EVAL" {
        set f [file join [srv dir] script.lua]
        set fh [open $f w]
        puts $fh "return 1"
        close $fh
        lassign [cli_run -p [srv port] --eval $f] code out err
        if {[catch {r eval "return 1" 0}]} {
            expect_eq $code 1
            expect_glob "*does not support scripting*" $err
        } else {
            expect_eq $out "1\n"
        }
        lassign [cli_run -p [srv port] --eval /nonexistent/file.lua] code out err
        expect_eq $code 1
        expect_glob "*Can't open file*" $err
    }

    test "AUTH from -a and --user, with the password warning" {
        r config set requirepass secret
        lassign [cli_run -p [srv port] -a secret ping] code out err
        expect_eq $out "PONG\n"
        expect_glob "*Warning: Using a password*" $err
        lassign [cli_run -p [srv port] -a secret --no-auth-warning ping] code out err
        expect_eq $err ""
        lassign [cli_run -p [srv port] --user default --pass secret --no-auth-warning ping] code out err
        expect_eq $out "PONG\n"
        lassign [cli_run -p [srv port] -a wrong --no-auth-warning ping] code out err
        expect_glob "AUTH failed: *" $err
        expect_glob "NOAUTH*" $out
        expect_eq [lindex [cli_run -u "valkey://:secret@127.0.0.1:[srv port]" --no-auth-warning ping] 1] "PONG\n"
        r auth secret
        r config set requirepass ""
    }

    if {$::have_redis_cli} {
        test "output matches Debian's redis-cli for the same replies" {
            r set cmp:s "bin\x00ary\n"
            r set cmp:n 42
            # redis-cli 7.0 cannot read bignum and attribute replies; Valkey 8's
            # cli can, so those two are checked above only.
            set invocations {}
            foreach type {string integer double null true false verbatim array set map push} {
                foreach proto {-2 -3} {
                    foreach mode {{} --no-raw --csv --json} {
                        lappend invocations [concat $proto $mode [list debug protocol $type]]
                    }
                }
            }
            lappend invocations {get cmp:s} {--no-raw get cmp:s} {--csv get cmp:s} {--json get cmp:s} \
                {--no-raw get cmp:n} {--no-raw mget cmp:n nosuch cmp:s} {nosuchcmd a b} \
                {--no-raw nosuchcmd} {--csv nosuchcmd} {-d : mget cmp:n cmp:n} {--no-raw keys cmp:*}
            foreach inv $invocations {
                set ours [cli_run -p [srv port] {*}$inv]
                set theirs [cli_run -bin [auto_execok redis-cli] -p [srv port] {*}$inv]
                expect_eq $ours $theirs "valkey-cli vs redis-cli: $inv"
            }
        }

        test "FAKETTY and piped commands: output matches Debian's redis-cli" {
            r del cmp:c
            r mset cmp:a a cmp:b "b c" cmp:z "\x00" cmp:n 42
            foreach inv {{strlen cmp:s} {exists cmp:a cmp:b} {mget cmp:a cmp:b cmp:z nosuch} {get cmp:s} {get nosuch} {keys nomatch*}
                         {nosuchcmd x} {--raw mget cmp:a cmp:b} {-3 debug protocol map}} {
                set ours [cli_run -env {FAKETTY 1} -p [srv port] {*}$inv]
                set theirs [cli_run -env {FAKETTY 1} -bin [auto_execok redis-cli] -p [srv port] {*}$inv]
                expect_eq $ours $theirs "FAKETTY valkey-cli vs redis-cli: $inv"
            }
            # The interactive loop fed from a pipe, with and without FAKETTY;
            # the repeat-count message names the program, so it is left out.
            set in "incr cmp:c\n2 incr cmp:c\nmget cmp:a cmp:b cmp:z\nset cmp:q \"x\nget cmp:s\nnosuch\n\nquit\nincr cmp:c\n"
            foreach vars {{} {FAKETTY 1}} {
                set ours [cli_run -env $vars -stdin $in -p [srv port]]
                set theirs [cli_run -env $vars -bin [auto_execok redis-cli] -stdin $in -p [srv port]]
                # Each run increments cmp:c three times: compare the shape.
                regsub -all {\d+} $ours N ours
                regsub -all {\d+} $theirs N theirs
                expect_eq $ours $theirs "piped commands, env {$vars}: valkey-cli vs redis-cli"
            }
        }
    }
}

# SHUTDOWN closes the connection instead of replying; the cli must take
# that as success (no error text, exit 0), as valkey-cli does.  Its own
# server, since this one goes away.
with_server {
    test "SHUTDOWN through the cli exits 0 without an error" {
        set pid [srv pid]
        lassign [cli_run -p [srv port] shutdown] code out err
        expect_eq $code 0
        expect_eq $out ""
        expect_eq $err ""
        wait_for {![srvh::alive $pid]} -timeout 5000
    }
}
