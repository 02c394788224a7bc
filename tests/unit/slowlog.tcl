# SLOWLOG GET|LEN|RESET|HELP: what is logged (slowlog-log-slower-than),
# how many entries are kept (slowlog-max-len), the entry shape, argument
# trimming (32 arguments, 128 bytes each), password redaction, client
# name and address, and the errors.

file_tags {slowlog}

with_server -config {slowlog-log-slower-than 0 slowlog-max-len 128} {
    test "every command is logged with threshold 0, newest first" {
        r slowlog reset
        r set slowkey v1
        r get slowkey
        set log [r slowlog get]
        # GET is newest; SET before it.
        expect_eq [lindex $log 0 3] {get slowkey}
        expect_eq [lindex $log 1 3] {set slowkey v1}
        expect_gt [lindex $log 0 0] [lindex $log 1 0]
    }
    test "entry shape: id, timestamp, duration, argv, addr, name" {
        r slowlog reset
        r client setname slowcli
        r ping
        set e [lindex [r slowlog get 1] 0]
        expect_eq [llength $e] 6
        expect_is integer [lindex $e 0]
        expect_between [lindex $e 1] [expr {[clock seconds] - 60}] [expr {[clock seconds] + 60}]
        expect_is integer [lindex $e 2]
        expect_eq [lindex $e 3] ping
        expect_re {^127\.0\.0\.1:\d+$} [lindex $e 4]
        expect_eq [lindex $e 5] slowcli
        r client setname ""
    }
    test "SLOWLOG LEN counts and RESET empties; SLOWLOG itself is logged too" {
        expect_eq [r slowlog reset] OK
        # The RESET is logged once it has run, as in Valkey.
        expect_eq [r slowlog len] 1
        expect_eq [lindex [r slowlog get 2] 1 3] {slowlog reset}
        r ping
        r ping
        # The RESET, LEN and GET above, then the two PINGs.
        expect_eq [r slowlog len] 5
    }
    test "SLOWLOG GET count: default 10, -1 all, 0 none" {
        r slowlog reset
        for {set i 0} {$i < 15} {incr i} { r ping }
        # The log now holds the RESET, the 15 PINGs, then each GET.
        expect_eq [llength [r slowlog get]] 10
        expect_eq [llength [r slowlog get 3]] 3
        expect_eq [llength [r slowlog get 0]] 0
        expect_eq [llength [r slowlog get -1]] 19
        expect_eq [llength [r slowlog get 1000]] 20
    }
    test "SLOWLOG GET errors" {
        expect_err "ERR count should be greater than or equal to -1" {r slowlog get -2}
        expect_err "ERR count should be greater than or equal to -1" {r slowlog get abc}
        expect_err "ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP." {r slowlog get 1 2}
        expect_err "ERR unknown subcommand 'nope'. Try SLOWLOG HELP." {r slowlog nope}
        expect_err "ERR wrong number of arguments for 'slowlog|len' command" {r slowlog len x}
    }
    test "slowlog-max-len bounds the log" {
        r config set slowlog-max-len 5
        for {set i 0} {$i < 20} {incr i} { r ping }
        expect_eq [r slowlog len] 5
        r config set slowlog-max-len 128
    }
    test "ids keep growing across RESET" {
        r ping
        set id1 [lindex [r slowlog get 1] 0 0]
        r slowlog reset
        r ping
        set id2 [lindex [r slowlog get 1] 0 0]
        expect_gt $id2 $id1
    }
    test "more than 32 arguments: 31 kept and a count of the rest" {
        r slowlog reset
        set args {}
        for {set i 0} {$i < 40} {incr i} { lappend args k$i }
        r del {*}$args
        set argv [lindex [r slowlog get 1] 0 3]
        expect_eq [llength $argv] 32
        expect_eq [lindex $argv 0] del
        expect_eq [lindex $argv 30] k29
        # 41 arguments in all; 31 shown, so 10 more.
        expect_eq [lindex $argv 31] "... (10 more arguments)"
    }
    test "long arguments are cut at 128 bytes" {
        r slowlog reset
        r set longarg [string repeat x 200]
        set argv [lindex [r slowlog get 1] 0 3]
        expect_eq [lindex $argv 2] "[string repeat x 128]... (72 more bytes)"
        r del longarg
    }
    test "passwords are redacted: AUTH, CONFIG SET requirepass" {
        r slowlog reset
        catch {r auth secretpw}
        r config set requirepass ""
        set log [r slowlog get 2]
        expect_eq [lindex $log 1 3] {auth (redacted)}
        expect_eq [lindex $log 0 3] {config set requirepass (redacted)}
        expect_true {[string first secretpw [r slowlog get -1]] < 0}
    }
    test "negative threshold disables, a high one filters" {
        r config set slowlog-log-slower-than -1
        r slowlog reset
        r ping
        expect_eq [r slowlog len] 0
        r config set slowlog-log-slower-than 100000000
        r ping
        expect_eq [r slowlog len] 0
        r config set slowlog-log-slower-than 0
        r ping
        # The CONFIG SET that turned it back on, and the PING.
        expect_eq [lindex [r slowlog get] 0 3] ping
        expect_eq [r slowlog len] 3
    }
    test "SLOWLOG HELP" {
        set h [r slowlog help]
        expect_glob "SLOWLOG <subcommand>*" [lindex $h 0]
        expect_true {[lsearch -exact $h "GET \[<count>\]"] > 0}
        expect_true {[lsearch -exact $h "RESET"] > 0}
    }
    test "SLOWLOG GET in RESP3 is an array of arrays" {
        set c [new_client -resp 3]
        $c ping
        set t [$c .typed slowlog get 1]
        expect_eq [lindex $t 0] array
        expect_eq [lindex $t 1 0 0] array
        expect_eq [lindex $t 1 0 1 0 0] int
        $c .close
    }
}

with_server -config {slowlog-log-slower-than 10000} {
    test "a slow command crosses the default 10ms threshold" {
        r slowlog reset
        r ping
        expect_eq [r slowlog len] 0
        # The harness enables DEBUG, whose SLEEP makes a reliably slow command.
        r debug sleep 0.02
        expect_eq [r slowlog len] 1
        set e [lindex [r slowlog get 1] 0]
        expect_eq [lindex $e 3] {debug sleep 0.02}
        expect_ge [lindex $e 2] 20000
    }
}
