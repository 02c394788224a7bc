# Connection-level commands and behaviour: PING ECHO QUIT RESET SELECT,
# HELLO and RESP3, AUTH with requirepass, unknown-command and arity errors,
# maxclients, idle timeout, Unix socket connections.

file_tags {connection}

with_server {
    test "PING without and with an argument" {
        expect_eq [expect_rtype simple {r ping}] PONG
        expect_eq [expect_rtype bulk {r ping "hello world"}] "hello world"
        expect_err "ERR wrong number of arguments for 'ping' command" {r ping a b}
    }
    test "ECHO returns its argument, binary safe" {
        expect_eq [r echo "a\0b\r\n"] "a\0b\r\n"
        expect_eq [r echo ""] ""
        expect_err "ERR wrong number of arguments for 'echo' command" {r echo}
    }
    test "unknown command error text" {
        expect_err "ERR unknown command 'foo', with args beginning with: 'bar' " {r foo bar}
        expect_err "ERR unknown command 'foo', with args beginning with: 'a' 'b' " {r foo a b}
        expect_err "ERR unknown command 'nosuchcmd', with args beginning with: " {r nosuchcmd}
    }
    test "wrong arity error text" {
        expect_err "ERR wrong number of arguments for 'get' command" {r get}
        expect_err "ERR wrong number of arguments for 'set' command" {r set a}
        expect_err "ERR wrong number of arguments for 'getrange' command" {r getrange a 1}
    }
    test "commands are case-insensitive" {
        expect_eq [r PiNg] PONG
        r SeT casekey v
        expect_eq [r GET casekey] v
    }
    test "SELECT changes the DB of this connection only" {
        set c [new_client]
        expect_eq [$c select 2] OK
        $c set seltest two
        expect_eq [r exists seltest] 0
        r select 2
        expect_eq [r get seltest] two
        r select 0
        expect_err "ERR DB index is out of range" {$c select 16}
        expect_eq [$c get seltest] two
        $c .close
    }
    test "QUIT replies OK and closes the connection" {
        set c [new_client]
        $c .send quit
        expect_eq [$c .read] OK
        expect_eq [$c .closed 5000] 1
        $c .close
        expect_eq [r ping] PONG
    }
    test "RESET returns RESET and restores connection state" {
        set c [new_client]
        $c select 4
        $c hello 3
        $c client setname myname
        expect_eq [$c reset] RESET
        expect_eq [$c client getname] {}
        $c set resetkey v
        expect_eq [r get resetkey] v
        expect_eq [lindex [$c .typed get nosuch] 0] nullbulk
        $c .close
    }

    # ---- HELLO / RESP3 --------------------------------------------------------
    test "HELLO 3 reply is a map with the server fields" {
        set c [new_client]
        set t [$c .typed hello 3]
        expect_eq [lindex $t 0] map
        set h [resp::plain $t]
        expect_set [dict keys $h] {server version proto id mode role modules}
        expect_eq [dict get $h proto] 3
        expect_is integer [dict get $h id]
        expect_eq [dict get $h mode] standalone
        expect_eq [dict get $h role] master
        expect_eq [dict get $h modules] {}
        # Valkey names itself and its own version; Redis says redis.
        if {[is_valkey]} {
            expect_eq [dict get $h server] valkey
            expect_eq [dict get $h version] [server_info_field valkey_version]
        } else {
            expect_eq [dict get $h server] redis
            expect_eq [dict get $h version] [server_info_field redis_version]
        }
        $c .close
    }
    test "HELLO 2 reply is a flat array" {
        set c [new_client]
        set t [$c .typed hello 2]
        expect_eq [lindex $t 0] array
        set h [resp::plain $t]
        expect_eq [dict get $h proto] 2
        expect_eq [dict get $h id] [$c client id]
        $c .close
    }
    test "HELLO without a version reports the current protocol" {
        set c [new_client]
        expect_eq [dict get [$c hello] proto] 2
        $c hello 3
        expect_eq [dict get [$c hello] proto] 3
        $c .close
    }
    test "HELLO with unsupported or invalid versions" {
        expect_err "NOPROTO unsupported protocol version" {r hello 4}
        expect_err "NOPROTO unsupported protocol version" {r hello 1}
        expect_err "ERR Protocol version is not an integer or out of range" {r hello abc}
        expect_eq [dict get [r hello] proto] 2
    }
    test "HELLO SETNAME sets the client name" {
        set c [new_client]
        $c hello 3 SETNAME conn-one
        expect_eq [$c client getname] conn-one
        $c .close
    }
    test "HELLO AUTH without requirepass accepts the default user" {
        set c [new_client]
        expect_eq [dict get [$c hello 3 AUTH default anything] proto] 3
        $c .close
    }
    test "RESP3 null, map and array types" {
        set c [new_client -resp 3]
        $c del nosuch
        expect_eq [$c .typed get nosuch] {null}
        expect_eq [$c .typed mget nosuch] [list array [list [list null]]]
        expect_eq [lindex [$c .typed config get maxclients] 0] map
        expect_eq [$c .typed exists nosuch] {int 0}
        expect_eq [$c .typed ping] {simple PONG}
        $c .close
    }
    test "RESP2 null types" {
        expect_eq [r .typed get nosuch] {nullbulk}
        expect_eq [lindex [r .typed config get maxclients] 0] array
    }
    test "INCRBYFLOAT stays a bulk string in RESP3" {
        set c [new_client -resp 3]
        $c set fl 1.5
        expect_eq [$c .typed incrbyfloat fl 1] {bulk 2.5}
        $c .close
    }
    test "AUTH without a configured password" {
        expect_err "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?" {r auth foo}
    }
}

with_server -config {requirepass s3cret} -noclient 1 {
    test "commands need AUTH when requirepass is set" {
        set c [new_client]
        expect_err "NOAUTH Authentication required." {$c get foo}
        expect_err "NOAUTH Authentication required." {$c set foo bar}
        $c .close
    }
    test "wrong password" {
        set c [new_client]
        expect_err "WRONGPASS invalid username-password pair or user is disabled." {$c auth nope}
        expect_err "WRONGPASS invalid username-password pair or user is disabled." {$c auth default nope}
        expect_err "NOAUTH Authentication required." {$c ping}
        $c .close
    }
    test "AUTH with the right password, with and without a user name" {
        set c [new_client]
        expect_eq [$c auth s3cret] OK
        expect_eq [$c ping] PONG
        $c .close
        set c [new_client]
        expect_eq [$c auth default s3cret] OK
        expect_eq [$c set a b] OK
        $c .close
    }
    test "HELLO AUTH authenticates and switches protocol" {
        set c [new_client]
        expect_err "WRONGPASS*" {$c hello 3 AUTH default wrong}
        set h [$c hello 3 AUTH default s3cret]
        expect_eq [dict get $h proto] 3
        expect_eq [$c ping] PONG
        $c .close
    }
    test "HELLO without AUTH is refused when a password is needed" {
        set c [new_client]
        expect_err "NOAUTH*" {$c hello 3}
        $c .close
    }
    test "AUTH is per connection" {
        set a [new_client]
        set b [new_client]
        $a auth s3cret
        expect_eq [$a ping] PONG
        expect_err "NOAUTH*" {$b ping}
        $a .close
        $b .close
    }
}

with_server -config {maxclients 3} {
    test "maxclients rejects extra connections" {
        # Connections of the harness's own start-up checks may still be
        # closing (slow under qemu): start from this one client alone.
        wait_for {[llength [split [string trim [r client list]] \n]] == 1}
        set c1 [new_client]
        set c2 [new_client]
        expect_eq [$c1 ping] PONG
        expect_eq [$c2 ping] PONG
        set c3 [new_client]
        # The server writes the error and closes without reading a command.
        expect_eq [$c3 .readline] "-ERR max number of clients reached"
        expect_eq [$c3 .closed 5000] 1
        $c3 .close
        $c2 .close
        # A slot is free again once a client is gone.
        wait_for {[llength [split [string trim [r client list]] \n]] == 2}
        set c4 [new_client]
        expect_eq [$c4 ping] PONG
        $c4 .close
        $c1 .close
    }
}

with_server -config {timeout 1} {
    test "idle clients are closed after timeout" {
        set c [new_client]
        expect_eq [$c ping] PONG
        expect_eq [$c .closed 6000] 1
        $c .close
    }
    test "a busy client is not closed by timeout" {
        set c [new_client]
        set end [expr {[clock milliseconds] + 2500}]
        while {[clock milliseconds] < $end} {
            expect_eq [$c ping] PONG
            after 100
        }
        $c .close
    }
}

with_server -config {unixsocket %DIR%/valkey.sock unixsocketperm 700} {
    test "unix socket accepts commands" {
        set u [new_unix_client [srv unixsocket]]
        expect_eq [$u ping] PONG
        $u set viaunix v
        $u .close
        expect_eq [r get viaunix] v
    }
    test "unixsocketperm sets the socket file mode" {
        set path [srv unixsocket]
        expect_eq [file type $path] socket
        expect_eq [format %o [expr {[file attributes $path -permissions] & 0777}]] 700
    }
    test "unix socket client reports its address in CLIENT LIST" {
        set u [new_unix_client [srv unixsocket]]
        $u client setname unixone
        set line ""
        foreach l [split [r client list] \n] {
            if {[string match *name=unixone* $l]} { set line $l }
        }
        expect_glob "*addr=[srv unixsocket]*" $line
        $u .close
    }
}
