# valkey-cli's interactive mode through a pseudo-terminal (Tcl Expect):
# the prompt with [db] and (TX), a command's formatted output, tab
# completion, hints, HELP, history (file and up-arrow), the editing keys,
# CONNECT, reconnecting after a server restart, QUIT.

file_tags {cli}

if {[catch {package require Expect}]} {
    puts "\[skip\] cli_interactive.tcl: Tcl Expect is not installed (Debian package 'expect')"
    return
}
log_user 0
# HELP @group prints several kilobytes: keep all of it for the matches.
match_max -d 200000

set ::cli_bin [file normalize [file join [file dirname [info script]] .. .. src valkey-cli]]

# Waits for text from the cli; fails the test with what was seen instead.
proc cli_want {what {mode -exact} {ms 5000}} {
    set ::timeout [expr {$ms / 1000.0 < 1 ? 1 : $ms / 1000}]
    expect -i $::cli_id $mode $what {
        return $expect_out(buffer)
    } timeout {
        set seen ""
        catch {set seen [exp_internal 0]}
        tf::fail "expected: valkey-cli to print [tf::show $what]\nactual:   timeout after $ms ms"
    } eof {
        tf::fail "expected: valkey-cli to print [tf::show $what]\nactual:   the cli exited"
    }
}

proc cli_start {args} {
    set ::env(VALKEYCLI_HISTFILE) [file join [srv dir] history]
    set ::env(TERM) xterm
    set pid [spawn -noecho $::cli_bin {*}$args]
    set ::cli_id $spawn_id
    return $pid
}

# A new prompt after a reply: the line editor redraws the prompt on every
# key, but only a fresh one follows a newline.
proc cli_prompt {prompt} { return [cli_want "\n\r$prompt"] }

proc cli_send {s} { exp_send -i $::cli_id -- $s }

proc cli_stop {} {
    catch {exp_close -i $::cli_id}
    catch {exp_wait -i $::cli_id}
}

# The server answers COMMAND DOCS (Valkey, Redis 7), or only names are known.
proc server_has_docs {} { return [expr {![catch {r command docs get} d] && [llength $d] > 0}] }

with_server {
    set port [srv port]
    set prompt "127.0.0.1:$port> "

    test "prompt, a command and its formatted reply" {
        cli_start -p $port
        cli_want $prompt
        cli_send "set greeting \"hello world\"\r"
        cli_want "OK"
        cli_want $prompt
        cli_send "get greeting\r"
        cli_want "\"hello world\"\r\n"
        cli_send "incr counter\r"
        cli_want "(integer) 1"
        cli_send "get nosuchkey\r"
        cli_want "(nil)"
        cli_send "nosuchcommand arg\r"
        cli_want "(error) ERR unknown command 'nosuchcommand', with args beginning with: 'arg'"
        cli_send "set \"unbalanced\r"
        cli_want "Invalid argument(s)"
        cli_send "quit\r"
        expect -i $::cli_id eof {} timeout { tf::fail "expected: QUIT to end the cli" }
        cli_stop
        expect_eq [r get greeting] "hello world"
    }

    test "repeat counts, a refused count, and the time a slow command took" {
        r del rpt
        cli_start -p $port
        cli_want $prompt
        cli_send "3 incr rpt\r"
        cli_want "(integer) 3"
        cli_want $prompt
        cli_send "0 incr rpt\r"
        cli_want "Invalid valkey-cli repeat command option value."
        cli_want $prompt
        expect_eq [r get rpt] 3
        if {![catch {r debug sleep 0}]} {
            cli_send "debug sleep 0.6\r"
            # The time depends on the machine's load: its shape is what is checked.
            cli_want {OK\r\n\([0-9]+\.[0-9][0-9]s\)\r\n} -re
            cli_want $prompt
        }
        cli_stop
    }

    test "SELECT shows the database in the prompt, MULTI shows (TX)" {
        cli_start -p $port
        cli_want $prompt
        cli_send "select 2\r"
        cli_want "127.0.0.1:$port\[2\]> "
        cli_send "set indb2 x\r"
        cli_want "OK"
        expect_eq [r exists indb2] 0
        if {![catch {r multi}]} {
            r discard
            cli_send "multi\r"
            cli_want "127.0.0.1:$port\[2\](TX)> "
            cli_send "discard\r"
            cli_want "127.0.0.1:$port\[2\]> "
        }
        cli_send "select 0\r"
        cli_want $prompt
        cli_stop
        # -n starts in a database.
        cli_start -p $port -n 2
        cli_want "127.0.0.1:$port\[2\]> "
        cli_send "get indb2\r"
        cli_want "\"x\""
        cli_stop
    }

    test "tab completes command names, keeping the typed case" {
        cli_start -p $port
        cli_want $prompt
        cli_send "pin\t\r"
        cli_want "PONG"
        cli_want $prompt
        cli_send "ECH\t hi\r"
        cli_want "\"hi\""
        cli_want $prompt
        # A second TAB moves to the next candidate (GETDEL after GET... the
        # order is by name), ESC goes back to what was typed.
        cli_send "dbsi\t\033\r"
        cli_want "(error) ERR unknown command 'dbsi'"
        cli_stop
    }

    test "editing keys: ctrl-u, ctrl-w, ctrl-a, ctrl-k, arrows, history" {
        cli_start -p $port
        cli_want $prompt
        cli_send "get greeting\025ping\r"
        cli_want "PONG"
        cli_send "echo one two\027\027three\r"
        cli_want "\"three\""
        cli_send "cho x\001e\r"
        cli_want "\"x\""
        cli_send "echo kept dropped\033\[D\033\[D\033\[D\033\[D\033\[D\033\[D\033\[D\013\r"
        cli_want "\"kept\""
        cli_want $prompt
        # Up arrow brings back the last line.
        cli_send "echo again\r"
        cli_want "\"again\""
        cli_want $prompt
        cli_send "\033\[A\r"
        cli_want "\"again\""
        cli_stop
        set fh [open [file join [srv dir] history]]
        set hist [split [string trim [read $fh]] \n]
        close $fh
        expect_eq [lindex $hist end] "echo again"
        expect_true {[lsearch -exact $hist "echo kept dropped"] == -1}
        expect_true {[lsearch -exact $hist "echo kept "] >= 0}
        # The next session starts with that history.
        cli_start -p $port
        cli_want $prompt
        cli_send "\033\[A\r"
        cli_want "\"again\""
        cli_stop
    }

    test "HELP <command>, HELP @group and the intro" {
        cli_start -p $port
        cli_want $prompt
        cli_send "help get\r"
        set out [cli_want "group:" -exact]
        cli_prompt $prompt
        expect_glob "*GET*" $out
        if {[server_has_docs]} {
            cli_send "help set\r"
            set out [cli_want "group:"]
            expect_glob "*SET*key value*NX|XX*summary:*" $out
            expect_true {[string first "no docs from the server" $out] < 0} "docs from the server"
        } else {
            expect_glob "*summary:*(no docs from the server)*" $out
        }
        cli_prompt $prompt
        cli_send "help @string\r"
        set out [cli_want "STRLEN"]
        append out [cli_prompt $prompt]
        foreach c {APPEND GETRANGE INCRBYFLOAT SETRANGE STRLEN} { expect_glob "*$c*" $out }
        expect_true {[string first "LPUSH" $out] < 0} "no list commands in @string"
        cli_send "help\r"
        cli_want "\"help @<group>\""
        cli_want $prompt
        cli_send "help config g\t\r"
        cli_want "CONFIG GET"
        cli_stop
    }

    test "hints show the arguments still to type" {
        if {![server_has_docs]} {
            # Without COMMAND DOCS there are no argument lists to show.
            return
        }
        cli_start -p $port
        cli_want $prompt
        cli_send "set "
        cli_want "key value"
        cli_send "k "
        cli_want "value \[NX|XX\]"
        cli_send "\025"
        cli_send ":set nohints\r"
        cli_want $prompt
        cli_send "getrange "
        set ::timeout 1
        expect -i $::cli_id "key start end" { tf::fail "hint shown after :set nohints" } timeout {}
        cli_stop
    }

    test "CLEAR, CONNECT to another server, reconnect after a restart" {
        cli_start -p $port
        cli_want $prompt
        cli_send "clear\r"
        cli_want "\033\[H\033\[2J"
        set h2 [srvh::start]
        set p2 [dict get $h2 port]
        set c2 [resp::connect 127.0.0.1 $p2]
        $c2 set onsecond yes
        $c2 .close
        cli_send "connect 127.0.0.1 $p2\r"
        cli_want "127.0.0.1:$p2> "
        cli_send "get onsecond\r"
        cli_want "\"yes\""
        cli_send "connect 127.0.0.1 $port\r"
        cli_want $prompt
        srvh::stop $h2
        r set beforerestart 1
        restart_server
        # The first command after the restart finds the connection closed,
        # the cli reconnects and runs it.
        cli_send "ping\r"
        cli_want "PONG"
        cli_want $prompt
        cli_send "ping\r"
        cli_want "PONG"
        cli_stop
    }

    test "a server that is down gives a not-connected prompt, not an exit" {
        set dead [srvh::free_port]
        cli_start -p $dead
        cli_want "Could not connect to Valkey at 127.0.0.1:$dead: Connection refused"
        cli_want "not connected> "
        cli_send "ping\r"
        cli_want "Could not connect"
        cli_send "exit\r"
        expect -i $::cli_id eof {} timeout { tf::fail "expected: EXIT to end the cli" }
        cli_stop
    }
}
