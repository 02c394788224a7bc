# MONITOR: the line format (+<sec>.<usec> [<db> <addr>] "arg" ...), the
# escaping of arguments, redaction of passwords (AUTH, HELLO AUTH, CONFIG
# SET requirepass), what is not shown (admin commands, rejected commands,
# the monitor's own commands), and several monitors at once.

file_tags {monitor}

# Read lines from a monitor client until one matches pattern; returns it.
proc monitor_wait_line {m pattern} {
    for {set i 0} {$i < 100} {incr i} {
        set line [$m .read]
        if {[string match $pattern $line]} { return $line }
    }
    tf::fail "no MONITOR line matching $pattern"
}

with_server {
    test "MONITOR replies OK and then streams commands" {
        set m [new_client]
        expect_eq [$m monitor] OK
        r set monkey "hello"
        set line [$m .read]
        expect_re {^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "set" "monkey" "hello"$} $line
        $m .close
    }
    test "a monitor shows flag O in CLIENT LIST, and RESET ends MONITOR mode" {
        set m [new_client]
        $m client setname watcher
        expect_eq [$m monitor] OK
        expect_glob "*name=watcher * flags=O *" [r client list]
        expect_eq [$m reset] RESET
        expect_glob "* flags=N *" [r client list id [$m client id]]
        # After RESET the connection is an ordinary client: no more feed.
        r set after-reset 1
        expect_eq [$m get after-reset] 1
        $m .close
    }
    test "the db number and the escaping of arguments" {
        set m [new_client]
        $m monitor
        r select 3
        r set "k\"q" "a\\b\r\n\t\x01\xff end"
        r select 0
        # SELECT 3 is shown with the db it switched to, as Valkey does.
        expect_glob {*\[3 *"select" "3"} [monitor_wait_line $m {*"select" "3"}]
        set line [$m .read]
        set rest [string range $line [expr {[string first "\] " $line] + 2}] end]
        expect_eq $rest {"set" "k\"q" "a\\b\r\n\t\x01\xff end"}
        expect_glob {*\[3 127.0.0.1:*\]*} $line
        $m .close
    }
    test "passwords are redacted" {
        set m [new_client]
        $m monitor
        catch {r auth wrongpass}
        catch {r hello 2 auth default secretpw}
        r set after-auth 1
        set l1 [monitor_wait_line $m {*"auth"*}]
        expect_glob {*"auth" "(redacted)"} $l1
        set l2 [monitor_wait_line $m {*"hello"*}]
        expect_glob {*"hello" "2" "auth" "(redacted)" "(redacted)"} $l2
        monitor_wait_line $m {*"after-auth"*}
        $m .close
    }
    test "admin and rejected commands are not shown" {
        set m [new_client]
        $m monitor
        r config set requirepass ""
        r slowlog len
        catch {r nosuchcommand}
        catch {r get}
        r set visible 1
        set line [$m .read]
        expect_glob {*"set" "visible" "1"} $line
        $m .close
    }
    test "a failing command is still shown" {
        set m [new_client]
        $m monitor
        r set strkey v
        catch {r incr strkey}
        monitor_wait_line $m {*"incr" "strkey"}
        $m .close
    }
    test "the monitor does not see its own commands; others do" {
        set m1 [new_client]
        set m2 [new_client]
        $m1 monitor
        $m2 monitor
        expect_eq [$m1 echo from-m1] from-m1
        r set marker 1
        # m2 sees m1's ECHO then the SET; m1 sees only the SET.
        expect_glob {*"echo" "from-m1"} [$m2 .read]
        expect_glob {*"set" "marker" "1"} [$m2 .read]
        # Our MONITOR leaves out the monitor's own commands (Redis 7.0
        # shows them to it as well).
        if {[is_valkey]} { expect_glob {*"set" "marker" "1"} [$m1 .read] }
        $m1 .close
        $m2 .close
    }
    test "a closed monitor is dropped; the server keeps serving" {
        set m [new_client]
        $m monitor
        $m .close
        r set after-close 1
        expect_eq [r get after-close] 1
        set m [new_client]
        $m monitor
        r ping
        expect_glob {*"ping"} [$m .read]
        $m .close
    }
    test "MONITOR takes no arguments" {
        expect_err "ERR wrong number of arguments for 'monitor' command" {r monitor extra}
    }
}

with_server -config {unixsocket %DIR%/mon.sock} {
    test "a Unix socket client shows as unix:<path>" {
        set m [new_client]
        $m monitor
        set u [new_unix_client [srv unixsocket]]
        $u ping
        set line [$m .read]
        set rest [string range $line [string first " " $line] end]
        expect_eq $rest " \[0 unix:[srv unixsocket]\] \"ping\""
        $u .close
        $m .close
    }
}
