# The request parser seen from the wire: inline commands and quoting,
# pipelining, byte-at-a-time delivery, malformed multibulk requests, huge
# and negative lengths, proto-max-bulk-len, client-query-buffer-limit.
# After a protocol error the server must reply, close that connection, and
# keep serving everybody else.

file_tags {protocol}

# Send raw bytes on a fresh connection and return the first reply line.
proc raw_line {bytes} {
    set c [new_client]
    $c .rawsend $bytes
    set line [$c .readline]
    $c .close
    return $line
}

# Send raw bytes; expect a protocol error line, then the connection closed.
proc expect_proto_error {bytes pattern} {
    set c [new_client]
    $c .rawsend $bytes
    set line [$c .readline]
    set closed [$c .closed 5000]
    $c .close
    expect_glob "-ERR Protocol error: $pattern" $line
    expect_eq $closed 1 "connection should be closed after a protocol error"
    expect_eq [r ping] PONG
}

with_server {
    # ---- inline ---------------------------------------------------------------
    test "inline PING" {
        expect_eq [raw_line "PING\r\n"] "+PONG"
    }
    test "inline command terminated by LF only" {
        expect_eq [raw_line "PING\n"] "+PONG"
    }
    test "inline SET and GET with spaces between arguments" {
        set c [new_client]
        $c .rawsend "SET   inl    value1  \r\nGET inl\r\n"
        expect_eq [$c .readline] "+OK"
        expect_eq [$c .readline] "\$6"
        expect_eq [$c .readline] "value1"
        $c .close
    }
    test "inline double-quoted argument with escapes" {
        set c [new_client]
        $c .rawsend "SET qk \"hello world\\x41\\n\"\r\n"
        expect_eq [$c .readline] "+OK"
        $c .close
        expect_eq [r get qk] "hello worldA\n"
    }
    test "inline single-quoted argument" {
        set c [new_client]
        $c .rawsend "SET sq 'a \"b\" c'\r\n"
        expect_eq [$c .readline] "+OK"
        $c .close
        expect_eq [r get sq] {a "b" c}
    }
    test "inline empty quoted argument" {
        set c [new_client]
        $c .rawsend "SET eq \"\"\r\nSTRLEN eq\r\n"
        expect_eq [$c .readline] "+OK"
        expect_eq [$c .readline] ":0"
        $c .close
    }
    test "empty inline lines are ignored" {
        expect_eq [raw_line "\r\n\r\n\nPING\r\n"] "+PONG"
    }
    test "inline unknown command gets the usual error and keeps the connection" {
        set c [new_client]
        $c .rawsend "FOO bar\r\nPING\r\n"
        expect_glob "-ERR unknown command 'FOO'*" [$c .readline]
        expect_eq [$c .readline] "+PONG"
        $c .close
    }
    test "inline unbalanced quotes" {
        expect_proto_error "SET k \"abc\r\n" "unbalanced quotes*"
    }
    test "inline unbalanced single quote" {
        expect_proto_error "ECHO 'abc\r\n" "unbalanced quotes*"
    }
    test "inline request too big" {
        expect_proto_error [string repeat a 70000] "too big inline request*"
    }

    # ---- multibulk and pipelining ---------------------------------------------------
    test "a multibulk command split into single bytes" {
        set c [new_client]
        foreach ch [split "*3\r\n\$3\r\nSET\r\n\$2\r\nsb\r\n\$3\r\nxyz\r\n" ""] {
            $c .rawsend $ch
        }
        expect_eq [$c .readline] "+OK"
        $c .close
        expect_eq [r get sb] xyz
    }
    test "pipelining 10000 commands in one write" {
        set c [new_client]
        set out ""
        for {set i 0} {$i < 10000} {incr i} {
            set v "val$i"
            append out "*3\r\n\$3\r\nSET\r\n\$[string length pk$i]\r\npk$i\r\n\$[string length $v]\r\n$v\r\n"
        }
        append out "*2\r\n\$4\r\nINCR\r\n\$3\r\nctr\r\n"
        r del ctr
        $c .rawsend $out
        set bad 0
        for {set i 0} {$i < 10000} {incr i} {
            if {[$c .read] ne "OK"} { incr bad }
        }
        expect_eq $bad 0
        expect_eq [$c .read] 1
        expect_eq [r get pk9999] val9999
        expect_eq [r get pk0] val0
        $c .close
    }
    test "pipelined mixed replies keep their order" {
        set c [new_client]
        $c .send set po 1
        $c .send incr po
        $c .send get nosuch-po
        $c .send incr nosuch-str
        $c .send get po
        expect_eq [$c .read] OK
        expect_eq [$c .read] 2
        expect_eq [$c .read] {}
        expect_eq [$c .read] 1
        expect_eq [$c .read] 2
        $c .close
    }
    test "an error in a pipeline does not stop later commands" {
        set c [new_client]
        $c .rawsend "*1\r\n\$4\r\nPING\r\n*1\r\n\$3\r\nFOO\r\n*1\r\n\$4\r\nPING\r\n"
        expect_eq [$c .readline] "+PONG"
        expect_glob "-ERR unknown command*" [$c .readline]
        expect_eq [$c .readline] "+PONG"
        $c .close
    }
    test "an incomplete command waits for the rest" {
        set c [new_client]
        $c .rawsend "*2\r\n\$4\r\nECHO\r\n\$5\r\nhel"
        $c .timeout 300
        set code [catch {$c .readline} res opts]
        expect_eq [list $code [dict get $opts -errorcode]] {1 {RESP TIMEOUT}}
        $c .timeout 10000
        $c .rawsend "lo\r\n"
        expect_eq [$c .readline] "\$5"
        expect_eq [$c .readline] "hello"
        $c .close
    }
    test "multibulk with zero or negative count is ignored" {
        expect_eq [raw_line "*0\r\n*1\r\n\$4\r\nPING\r\n"] "+PONG"
        expect_eq [raw_line "*-1\r\n*1\r\n\$4\r\nPING\r\n"] "+PONG"
        expect_eq [raw_line "*-10\r\nPING\r\n"] "+PONG"
    }

    # ---- malformed multibulk ------------------------------------------------------
    test "invalid multibulk length" {
        expect_proto_error "*abc\r\n" "invalid multibulk length*"
    }
    test "multibulk length beyond INT_MAX" {
        expect_proto_error "*2147483648\r\n" "invalid multibulk length*"
    }
    test "multibulk length with trailing garbage" {
        expect_proto_error "*1x\r\n" "invalid multibulk length*"
    }
    test "invalid bulk length" {
        expect_proto_error "*1\r\n\$abc\r\n" "invalid bulk length*"
    }
    test "negative bulk length" {
        expect_proto_error "*1\r\n\$-1\r\n" "invalid bulk length*"
    }
    test "huge bulk length beyond proto-max-bulk-len" {
        expect_proto_error "*1\r\n\$536870913\r\n" "invalid bulk length*"
        expect_proto_error "*1\r\n\$99999999999999999999\r\n" "invalid bulk length*"
    }
    test "expected dollar" {
        expect_proto_error "*1\r\nfoo\r\n" "expected '\$', got 'f'*"
        expect_proto_error "*2\r\n\$4\r\nECHO\r\n:5\r\n" "expected '\$', got ':'*"
    }
    test "nested arrays are refused" {
        expect_proto_error "*1\r\n*1\r\n" "expected '\$', got '\\*'*"
    }
    test "a big declared length that never arrives does not hurt others" {
        set c [new_client]
        $c .rawsend "*1\r\n\$400000000\r\n[string repeat x 1000]"
        expect_eq [r ping] PONG
        r set stillhere yes
        expect_eq [r get stillhere] yes
        $c .close
        expect_eq [r ping] PONG
    }
    test "the server keeps working after many protocol errors" {
        for {set i 0} {$i < 20} {incr i} {
            set c [new_client]
            $c .rawsend "*x\r\n"
            $c .closed 5000
            $c .close
        }
        expect_eq [r ping] PONG
    }
}

with_server -config {proto-max-bulk-len 1mb} {
    test "proto-max-bulk-len limits a single argument" {
        expect_eq [r config get proto-max-bulk-len] {proto-max-bulk-len 1048576}
        expect_proto_error "*3\r\n\$3\r\nSET\r\n\$1\r\nk\r\n\$1048577\r\n" "invalid bulk length*"
        set v [string repeat z 1048576]
        expect_eq [r set atlimit $v] OK
        expect_eq [r strlen atlimit] 1048576
    }
}

with_server -config {client-query-buffer-limit 1mb} {
    test "client-query-buffer-limit closes a client that exceeds it" {
        set c [new_client]
        # Declare a 10MB argument and send 3MB of it: the query buffer
        # passes the 1MB limit and the server drops the connection.
        $c .rawsend "*3\r\n\$3\r\nSET\r\n\$1\r\nk\r\n\$10000000\r\n"
        set chunk [string repeat y 65536]
        set closed 0
        for {set i 0} {$i < 48 && !$closed} {incr i} {
            if {[catch {$c .rawsend $chunk}]} { set closed 1 }
        }
        if {!$closed} { set closed [$c .closed 5000] }
        $c .close
        expect_eq $closed 1
        expect_eq [r exists k] 0
        expect_eq [r ping] PONG
    }
    test "a command just under the query buffer limit works" {
        set v [string repeat w 900000]
        expect_eq [r set under $v] OK
        expect_eq [r strlen under] 900000
    }
}

# DEBUG PROTOCOL makes the server emit each reply type on demand: it checks
# the reply encoder for every RESP3 type and its RESP2 downgrade.
tagged {needs:debug-protocol} {
    with_server {
        test "RESP3 encodings of every reply type" {
            set c [new_client -resp 3]
            expect_eq [$c .typed debug protocol string] {bulk {Hello World}}
            expect_eq [$c .typed debug protocol integer] {int 12345}
            expect_eq [$c .typed debug protocol double] {double 3.141}
            expect_eq [$c .typed debug protocol bignum] {bignum 1234567999999999999999999999999999999}
            expect_eq [$c .typed debug protocol null] {null}
            expect_eq [$c .typed debug protocol true] {bool 1}
            expect_eq [$c .typed debug protocol false] {bool 0}
            expect_eq [$c .typed debug protocol array] [list array [list {int 0} {int 1} {int 2}]]
            expect_eq [$c .typed debug protocol set] [list set [list {int 0} {int 1} {int 2}]]
            expect_eq [$c .typed debug protocol map] \
                [list map [list {int 0} {bool 0} {int 1} {bool 1} {int 2} {bool 0}]]
            expect_eq [$c .typed debug protocol verbatim] [list verbatim txt "This is a verbatim\nstring"]
            $c .close
        }
        test "RESP3 attribute precedes the real reply" {
            set c [new_client -resp 3]
            set t [$c .typed debug protocol attrib]
            expect_eq [lindex $t 0] attr
            expect_eq [resp::plain [lindex $t 2]] "Some real reply following the attribute"
            expect_eq [$c debug protocol attrib] "Some real reply following the attribute"
            expect_eq [$c ping] PONG
            $c .close
        }
        test "RESP3 push is out of band and followed by the reply" {
            set c [new_client -resp 3]
            expect_eq [$c debug protocol push] "Some real reply following the push reply"
            set p [$c .readpush]
            expect_eq [resp::plain $p] {server-cpu-usage 42}
            expect_eq [$c ping] PONG
            $c .close
        }
        test "RESP2 downgrades of the RESP3 types" {
            expect_eq [r .typed debug protocol double] {bulk 3.141}
            expect_eq [r .typed debug protocol bignum] {bulk 1234567999999999999999999999999999999}
            expect_eq [r .typed debug protocol null] {nullbulk}
            expect_eq [r .typed debug protocol true] {int 1}
            expect_eq [r .typed debug protocol false] {int 0}
            expect_eq [r .typed debug protocol set] [list array [list {int 0} {int 1} {int 2}]]
            expect_eq [r .typed debug protocol map] \
                [list array [list {int 0} {int 0} {int 1} {int 1} {int 2} {int 0}]]
            expect_eq [r .typed debug protocol verbatim] [list bulk "This is a verbatim\nstring"]
            expect_eq [r .typed debug protocol attrib] {bulk {Some real reply following the attribute}}
            expect_err "ERR RESP2 is not supported by this command" {r debug protocol push}
        }
    }
}

tagged {needs:pubsub} {
    with_server {
        test "RESP3 pub/sub messages arrive as push replies" {
            set sub [new_client -resp 3]
            $sub .send subscribe news
            expect_eq [resp::plain [$sub .readpush]] {subscribe news 1}
            expect_eq [r publish news hello] 1
            expect_eq [$sub .readpush] [list push [list {bulk message} {bulk news} {bulk hello}]]
            # ordinary commands still work on a RESP3 subscriber
            expect_eq [$sub ping] PONG
            $sub .close
        }
    }
}
