# The CLIENT container: ID, SETNAME/GETNAME, SETINFO, INFO and LIST (every
# field, TYPE and ID filters), KILL (old form and filters), REPLY,
# PAUSE/UNPAUSE (WRITE and ALL, ordering, expiry held back), UNBLOCK,
# NO-EVICT/NO-TOUCH, CAPA, the tracking subcommands, HELP; each with its
# errors.

file_tags {client}

# Fields of one CLIENT LIST/INFO line as a dict (order kept in `order`).
proc client_fields {line {ordervar ""}} {
    if {$ordervar ne ""} { upvar 1 $ordervar order; set order {} }
    set d [dict create]
    foreach kv [split [string trim $line] " "] {
        set i [string first = $kv]
        set k [string range $kv 0 [expr {$i - 1}]]
        dict set d $k [string range $kv [expr {$i + 1}] end]
        if {$ordervar ne ""} { lappend order $k }
    }
    return $d
}

# The CLIENT LIST line of client id, or "".
proc client_line {id} {
    foreach line [split [string trim [r client list]] \n] {
        if {[dict get [client_fields $line] id] == $id} { return $line }
    }
    return ""
}

with_server {
    test "CLIENT ID is an integer, distinct per connection, and matches CLIENT LIST" {
        set a [r client id]
        set c [new_client]
        set b [$c client id]
        expect_is integer $a
        expect_gt $b $a
        expect_eq [dict get [client_fields [client_line $b]] id] $b
        $c .close
    }
    test "CLIENT SETNAME/GETNAME and their errors" {
        expect_null {r client getname}
        expect_eq [r client setname myconn] OK
        expect_eq [r client getname] myconn
        expect_eq [dict get [client_fields [r client info]] name] myconn
        expect_err "ERR Client names cannot contain spaces, newlines or special characters." {r client setname "a b"}
        expect_err "ERR Client names cannot contain spaces, newlines or special characters." {r client setname "a\nb"}
        expect_eq [r client getname] myconn
        expect_eq [r client setname ""] OK
        expect_null {r client getname}
        expect_err "ERR wrong number of arguments for 'client|setname' command" {r client setname}
        expect_err "ERR wrong number of arguments for 'client|getname' command" {r client getname x}
    }
    test "CLIENT SETINFO lib-name/lib-ver and errors" {
        expect_eq [r client setinfo lib-name mylib] OK
        expect_eq [r client setinfo LIB-VER 1.2.3] OK
        set f [client_fields [r client info]]
        expect_eq [dict get $f lib-name] mylib
        expect_eq [dict get $f lib-ver] 1.2.3
        expect_err "ERR Unrecognized option 'foo'" {r client setinfo foo bar}
        expect_err "ERR lib-name cannot contain spaces, newlines or special characters." {r client setinfo lib-name "a b"}
        expect_err "ERR wrong number of arguments for 'client|setinfo' command" {r client setinfo lib-name}
    }
    test "CLIENT INFO: every Valkey 8 field, in order, with true values" {
        set c [new_client]
        $c set k v
        $c get k
        set line [$c client info]
        expect_eq [string index $line end] "\n"
        set f [client_fields $line order]
        expect_eq $order {id addr laddr fd name age idle flags db sub psub ssub multi watch qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp lib-name lib-ver tot-net-in tot-net-out tot-cmds}
        expect_eq [dict get $f cmd] client|info
        expect_eq [dict get $f flags] N
        expect_eq [dict get $f db] 0
        expect_eq [dict get $f user] default
        expect_eq [dict get $f resp] 2
        expect_eq [dict get $f multi] -1
        expect_eq [dict get $f events] r
        expect_eq [dict get $f laddr] 127.0.0.1:[srv port]
        expect_glob 127.0.0.1:* [dict get $f addr]
        # Two commands ran before this one; SET+GET+CLIENT INFO were read.
        expect_eq [dict get $f tot-cmds] 2
        expect_gt [dict get $f tot-net-in] 40
        expect_gt [dict get $f tot-net-out] 5
        # argv-mem: the bytes of "client" and "info".
        expect_eq [dict get $f argv-mem] 10
        $c select 3
        expect_eq [dict get [client_fields [$c client info]] db] 3
        $c .close
    }
    test "CLIENT INFO is a verbatim string in RESP3" {
        set c [new_client -resp 3]
        set t [$c .typed client info]
        expect_eq [lindex $t 0] verbatim
        expect_eq [lindex $t 1] txt
        expect_eq [dict get [client_fields [lindex $t 2]] resp] 3
        $c .close
    }
    test "CLIENT LIST lists every client, oldest first, one line each" {
        wait_for {[llength [split [string trim [r client list]] \n]] == 1}
        set c1 [new_client]
        set c2 [new_client]
        # Replies prove the server has accepted both before it lists them.
        $c1 ping
        $c2 ping
        set ids {}
        foreach line [split [string trim [r client list]] \n] { lappend ids [dict get [client_fields $line] id] }
        expect_eq [llength $ids] 3
        expect_eq $ids [lsort -integer $ids]
        expect_true {[lsearch $ids [$c2 client id]] >= 0}
        $c1 .close
        $c2 .close
        wait_for {[llength [split [string trim [r client list]] \n]] == 1}
    }
    test "CLIENT LIST TYPE and ID filters, and their errors" {
        wait_for {[llength [split [string trim [r client list]] \n]] == 1}
        set c [new_client]
        set id [$c client id]
        set me [r client id]
        expect_eq [llength [split [string trim [r client list type normal]] \n]] 2
        expect_eq [r client list type pubsub] ""
        expect_eq [r client list type replica] ""
        expect_eq [r client list type master] ""
        set lines [split [string trim [r client list id $id 999999 $me]] \n]
        expect_eq [llength $lines] 2
        expect_eq [dict get [client_fields [lindex $lines 0]] id] $id
        expect_eq [dict get [client_fields [lindex $lines 1]] id] $me
        expect_eq [r client list id 999999] ""
        expect_err "ERR Unknown client type 'foo'" {r client list type foo}
        expect_err "ERR Invalid client ID" {r client list id abc}
        expect_err "ERR syntax error" {r client list foo}
        expect_err "ERR syntax error" {r client list type normal id 1}
        $c .close
    }
    test "CLIENT LIST flags: U for Unix, e and T for NO-EVICT/NO-TOUCH" {
        expect_eq [r client no-evict on] OK
        expect_eq [r client no-touch on] OK
        expect_eq [dict get [client_fields [r client info]] flags] eT
        expect_eq [r client no-evict off] OK
        expect_eq [r client no-touch off] OK
        expect_eq [dict get [client_fields [r client info]] flags] N
        expect_err "ERR syntax error" {r client no-evict maybe}
        expect_err "ERR syntax error" {r client no-touch maybe}
    }

    # ---- KILL ------------------------------------------------------------------
    test "CLIENT KILL addr (old form) closes that client; errors" {
        set c [new_client]
        set addr [dict get [client_fields [$c client info]] addr]
        expect_eq [r client kill $addr] OK
        expect_eq [$c .closed 5000] 1
        $c .close
        expect_err "ERR No such client" {r client kill 1.2.3.4:5}
        expect_err "ERR No such client" {r client kill $addr}
    }
    test "CLIENT KILL ID / ADDR / LADDR / USER / TYPE filters reply with a count" {
        # Clients closed by earlier tests may not be reaped yet: they would
        # be counted by the filters that match everyone.
        wait_for {[llength [split [string trim [r client list]] \n]] == 1}
        set a [new_client]
        set b [new_client]
        expect_eq [r client kill id [$a client id]] 1
        expect_eq [$a .closed 5000] 1
        expect_eq [$b ping] PONG
        expect_eq [r client kill id 999999] 0
        set baddr [dict get [client_fields [$b client info]] addr]
        expect_eq [r client kill addr $baddr skipme yes] 1
        expect_eq [$b .closed 5000] 1
        set c1 [new_client]
        set c2 [new_client]
        # A connect can complete before the server accepts it: a reply
        # proves each client is registered before the KILL counts them.
        $c1 ping
        $c2 ping
        # LADDR matches every client on this listener but the caller.
        expect_eq [r client kill laddr 127.0.0.1:[srv port]] 2
        expect_eq [$c1 .closed 5000] 1
        expect_eq [$c2 .closed 5000] 1
        set c3 [new_client]
        $c3 ping
        expect_eq [r client kill user default] 1
        expect_eq [$c3 .closed 5000] 1
        set c4 [new_client]
        $c4 ping
        expect_eq [r client kill type pubsub] 0
        expect_eq [r client kill type normal] 1
        expect_eq [$c4 .closed 5000] 1
        expect_eq [r ping] PONG
        foreach x [list $a $b $c1 $c2 $c3 $c4] { $x .close }
    }
    test "CLIENT KILL SKIPME no kills the caller after its reply; MAXAGE" {
        wait_for {[llength [split [string trim [r client list]] \n]] == 1}
        set c [new_client]
        set other [new_client]
        # Nobody is a day old.
        expect_eq [$c client kill maxage 86400] 0
        $c .send client kill id [$c client id] skipme no
        expect_eq [$c .read] 1
        expect_eq [$c .closed 5000] 1
        $c .close
        expect_eq [$other ping] PONG
        $other .close
    }
    test "CLIENT KILL errors" {
        expect_err "ERR client-id should be greater than 0" {r client kill id abc}
        expect_err "ERR client-id should be greater than 0" {r client kill id 0}
        expect_err "ERR Unknown client type 'foo'" {r client kill type foo}
        expect_err "ERR No such user 'nobody'" {r client kill user nobody}
        expect_err "ERR syntax error" {r client kill skipme maybe}
        expect_err "ERR syntax error" {r client kill id 5 skipme}
        expect_err "ERR syntax error" {r client kill foo bar}
        expect_err "ERR maxage is not an integer or out of range" {r client kill maxage xyz}
        expect_err "ERR wrong number of arguments for 'client|kill' command" {r client kill}
    }

    # ---- REPLY -----------------------------------------------------------------
    test "CLIENT REPLY OFF / ON / SKIP" {
        set c [new_client]
        $c .send client reply off
        $c .send set r1 a
        $c .send client reply on
        expect_eq [$c .read] OK
        expect_eq [$c get r1] a
        $c .send client reply skip
        $c .send set r2 b
        $c .send get r2
        expect_eq [$c .read] b
        expect_err "ERR syntax error" {$c client reply maybe}
        $c .close
    }

    # ---- PAUSE -----------------------------------------------------------------
    test "CLIENT PAUSE WRITE holds writes but not reads, then runs them in order" {
        set w1 [new_client]
        set w2 [new_client]
        set rd [new_client]
        set id2 [$w2 client id]
        r set pk 0
        expect_eq [r client pause 100000 write] OK
        $w1 .send incr pk
        $w2 .send append pk x
        # Reads go on while the writes wait.
        expect_eq [$rd get pk] 0
        wait_for {[dict get [client_fields [client_line $id2]] flags] eq "b"}
        expect_eq [r get pk] 0
        expect_eq [r client unpause] OK
        expect_eq [$w1 .read] 1
        expect_eq [$w2 .read] 2
        expect_eq [r get pk] 1x
        foreach x [list $w1 $w2 $rd] { $x .close }
    }
    test "CLIENT PAUSE ALL holds every command until its deadline" {
        r client unpause
        set c [new_client]
        set t0 [clock milliseconds]
        expect_eq [r client pause 400 all] OK
        $c .send ping
        $c .send get nosuchkey
        expect_eq [$c .read] PONG
        expect_eq [$c .read] ""
        expect_ge [expr {[clock milliseconds] - $t0}] 350
        $c .close
    }
    test "a paused client is listed with flag b and can be killed" {
        r client unpause
        set c [new_client]
        set id [$c client id]
        expect_eq [r client pause 100000 write] OK
        $c .send set victim 1
        wait_for {[dict get [client_fields [client_line $id]] flags] eq "b"}
        expect_eq [r client kill id $id] 1
        expect_eq [$c .closed 5000] 1
        expect_eq [r client unpause] OK
        expect_eq [r exists victim] 0
        $c .close
    }
    # Active expiry is off until the pause is in force: on a slow run the
    # short-lived key would otherwise be reaped before the pause began and
    # the test would check nothing.  Every wait below is a poll or a lower
    # bound, never a deadline.
    test "CLIENT PAUSE WRITE holds back expiry deletions" {
        r client unpause
        r flushall
        expect_eq [r debug set-active-expire 0] OK
        try {
            r set ek v px 50
            expect_eq [r client pause 100000 write] OK
            # Poll PTTL, which never deletes: -2 once the 50 ms are over.
            wait_for {[r pttl ek] == -2}
            # Expiry may run again: the pause alone must now keep the key.
            expect_eq [r debug set-active-expire 1] OK
            after 300
            # Expired for readers, but still stored until the pause ends.
            expect_eq [r exists ek] 0
            expect_eq [r get ek] ""
            expect_eq [r dbsize] 1
            expect_eq [r client unpause] OK
            wait_for {[r dbsize] == 0}
        } finally {
            r debug set-active-expire 1
            r client unpause
        }
    } -tags {needs:debug-set-active-expire}
    test "CLIENT PAUSE errors" {
        expect_err "ERR timeout is not an integer or out of range" {r client pause abc}
        expect_err "ERR timeout is negative" {r client pause -1}
        expect_err "ERR CLIENT PAUSE mode must be WRITE or ALL" {r client pause 10 foo}
        expect_err "ERR syntax error" {r client pause 10 write extra}
        expect_err "ERR wrong number of arguments for 'client|pause' command" {r client pause}
        expect_err "ERR wrong number of arguments for 'client|unpause' command" {r client unpause x}
    }

    # ---- UNBLOCK, tracking, CAPA, HELP ----------------------------------------------
    test "CLIENT UNBLOCK: 0 for a client that is not blocked; errors" {
        set c [new_client]
        expect_eq [r client unblock [$c client id]] 0
        expect_eq [r client unblock [$c client id] timeout] 0
        expect_eq [r client unblock 999999 error] 0
        expect_err "ERR value is not an integer or out of range" {r client unblock abc}
        expect_err "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR" {r client unblock 1 foo}
        $c .close
    }
    test "tracking subcommands answer for a connection that never tracks" {
        expect_eq [r client tracking off] OK
        expect_err "ERR syntax error" {r client tracking maybe}
        expect_eq [r client getredir] -1
        expect_eq [r client trackinginfo] {flags off redirect -1 prefixes {}}
        expect_err "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled" {r client caching yes}
        # The tracking mode is checked before the argument, as in Valkey.
        expect_err "ERR CLIENT CACHING can be called only when the client is in tracking mode*" {r client caching maybe}
        set c [new_client -resp 3]
        set t [$c .typed client trackinginfo]
        expect_eq [lindex $t 0] map
        expect_eq [lindex [lindex $t 1] 1] {set {{bulk off}}}
        $c .close
    }
    test "CLIENT CAPA accepts capabilities, known or not" {
        expect_eq [r client capa redirect] OK
        expect_eq [r client capa something-new] OK
        expect_err "ERR wrong number of arguments for 'client|capa' command" {r client capa}
    }
    test "CLIENT HELP and unknown subcommands" {
        set h [r client help]
        expect_glob "CLIENT <subcommand>*" [lindex $h 0]
        foreach sub {KILL PAUSE UNPAUSE UNBLOCK TRACKING NO-EVICT NO-TOUCH SETINFO CAPA} {
            expect_true {[lsearch -glob $h "$sub*"] >= 0} "$sub in help"
        }
        expect_err "ERR unknown subcommand 'nosuch'. Try CLIENT HELP." {r client nosuch}
    }
}

with_server -config {unixsocket %DIR%/s.sock unixsocketperm 700} {
    test "CLIENT LIST over a Unix socket: flag U, addr and laddr name the socket" {
        set c [new_unix_client [srv unixsocket]]
        set f [client_fields [$c client info]]
        expect_eq [dict get $f flags] U
        expect_glob "*s.sock*" [dict get $f laddr]
        $c .close
    }
}
