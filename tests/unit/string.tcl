# String commands: GET/SET and their options, the counters, ranges, LCS,
# binary safety, sizes and the encodings OBJECT ENCODING reports.
# WRONGTYPE checks need a list key and live in the `needs:list` block at the
# end so a strings-only server can run with --tags -needs:list.

file_tags {string}

with_server {
    # ---- GET / SET -----------------------------------------------------------
    test "SET then GET returns the value" {
        expect_eq [r set s1 hello] OK
        expect_eq [r get s1] hello
    }
    test "GET of a missing key is a null bulk" {
        r del nokey
        expect_null {r get nokey}
        expect_rtype nullbulk {r get nokey}
    }
    test "SET overwrites and clears an existing TTL" {
        r set s2 a EX 100
        expect_gt [r ttl s2] 0
        r set s2 b
        expect_eq [r ttl s2] -1
        expect_eq [r get s2] b
    }
    test "SET EX sets a TTL in seconds" {
        r set s3 v EX 100
        expect_between [r ttl s3] 99 100
    }
    test "SET PX sets a TTL in milliseconds" {
        r set s4 v PX 100000
        expect_between [r pttl s4] 99000 100000
    }
    test "SET EXAT sets an absolute unix time in seconds" {
        set at [expr {[clock seconds] + 200}]
        r set s5 v EXAT $at
        expect_eq [r expiretime s5] $at
    }
    test "SET PXAT sets an absolute unix time in milliseconds" {
        set at [expr {[clock milliseconds] + 200000}]
        r set s6 v PXAT $at
        expect_eq [r pexpiretime s6] $at
    }
    test "SET NX only sets a missing key" {
        r del s7
        expect_eq [r set s7 one NX] OK
        expect_null {r set s7 two NX}
        expect_eq [r get s7] one
    }
    test "SET XX only sets an existing key" {
        r del s8
        expect_null {r set s8 one XX}
        expect_eq [r exists s8] 0
        r set s8 one
        expect_eq [r set s8 two XX] OK
        expect_eq [r get s8] two
    }
    test "SET KEEPTTL keeps the existing TTL" {
        r set s9 a EX 100
        r set s9 b KEEPTTL
        expect_between [r ttl s9] 99 100
        expect_eq [r get s9] b
    }
    test "SET GET returns the old value (or null)" {
        r del s10
        expect_null {r set s10 first GET}
        expect_eq [r get s10] first
        expect_eq [r set s10 second GET] first
        expect_eq [r get s10] second
    }
    test "SET GET combined with NX and XX" {
        r del s11
        expect_null {r set s11 a NX GET}
        expect_eq [r get s11] a
        expect_eq [r set s11 b NX GET] a
        expect_eq [r get s11] a
        expect_eq [r set s11 c XX GET] a
        expect_eq [r get s11] c
    }
    test "SET GET with EX sets value and TTL" {
        r set s12 old
        expect_eq [r set s12 new EX 50 GET] old
        expect_between [r ttl s12] 49 50
    }
    test "SET options are case-insensitive" {
        r del s13
        expect_eq [r set s13 v ex 100 nx] OK
        expect_between [r ttl s13] 99 100
    }
    test "SET syntax errors" {
        expect_err "ERR syntax error*" {r set k v NX XX}
        expect_err "ERR syntax error*" {r set k v EX 10 PX 100}
        expect_err "ERR syntax error*" {r set k v EX 10 KEEPTTL}
        expect_err "ERR syntax error*" {r set k v PXAT 10 EXAT 10}
        expect_err "ERR syntax error*" {r set k v EX}
        expect_err "ERR syntax error*" {r set k v BOGUS}
        expect_eq [r exists k] 0
    }
    test "SET with a non-integer expire" {
        expect_err "ERR value is not an integer or out of range" {r set k v EX abc}
        expect_err "ERR value is not an integer or out of range" {r set k v PX 1.5}
    }
    test "SET with zero, negative or overflowing expire" {
        r del k
        expect_err "ERR invalid expire time in 'set' command" {r set k v EX 0}
        expect_err "ERR invalid expire time in 'set' command" {r set k v EX -1}
        expect_err "ERR invalid expire time in 'set' command" {r set k v PX 0}
        expect_err "ERR invalid expire time in 'set' command" {r set k v EXAT 0}
        expect_err "ERR invalid expire time in 'set' command" {r set k v EX 9223372036854775807}
        expect_err "ERR invalid expire time in 'set' command" {r set k v PX 9223372036854775807}
        expect_eq [r exists k] 0
    }
    test "SET with EXAT in the past deletes the key" {
        r set s14 v
        expect_eq [r set s14 v2 EXAT 1] OK
        expect_eq [r exists s14] 0
    }
    test "SET and GET wrong arity" {
        expect_err "ERR wrong number of arguments for 'set' command" {r set onlykey}
        expect_err "ERR wrong number of arguments for 'get' command" {r get a b}
    }

    # ---- SETNX / SETEX / PSETEX ------------------------------------------------
    test "SETNX sets only when missing" {
        r del nx1
        expect_eq [r setnx nx1 a] 1
        expect_eq [r setnx nx1 b] 0
        expect_eq [r get nx1] a
    }
    test "SETNX does not touch a key with a TTL" {
        r set nx2 a EX 100
        expect_eq [r setnx nx2 b] 0
        expect_gt [r ttl nx2] 0
    }
    test "SETEX sets value and TTL" {
        expect_eq [r setex se1 100 v] OK
        expect_eq [r get se1] v
        expect_between [r ttl se1] 99 100
    }
    test "SETEX rejects bad expire times" {
        expect_err "ERR invalid expire time in 'setex' command" {r setex se2 0 v}
        expect_err "ERR invalid expire time in 'setex' command" {r setex se2 -10 v}
        expect_err "ERR value is not an integer or out of range" {r setex se2 ten v}
        expect_eq [r exists se2] 0
    }
    test "PSETEX sets value and TTL in ms" {
        expect_eq [r psetex pse1 100000 v] OK
        expect_between [r pttl pse1] 99000 100000
        expect_err "ERR invalid expire time in 'psetex' command" {r psetex pse1 0 v}
    }

    # ---- MGET / MSET / MSETNX ------------------------------------------------
    test "MSET then MGET with a missing key in the middle" {
        r del m2
        expect_eq [r mset m1 a m3 c] OK
        expect_eq [r mget m1 m2 m3] {a {} c}
        set t [r .typed mget m1 m2 m3]
        expect_eq [lindex $t 0] array
        expect_eq [lindex $t 1 1] nullbulk
    }
    test "MSET with an odd number of arguments" {
        expect_err "ERR wrong number of arguments for 'mset' command" {r mset a 1 b}
    }
    test "MSET: the last of duplicate keys wins" {
        r mset dup 1 dup 2
        expect_eq [r get dup] 2
    }
    test "MSETNX sets all or nothing" {
        r del mn1 mn2 mn3
        expect_eq [r msetnx mn1 a mn2 b] 1
        expect_eq [r msetnx mn2 x mn3 y] 0
        expect_eq [r mget mn1 mn2 mn3] {a b {}}
        expect_err "ERR wrong number of arguments for 'msetnx' command" {r msetnx a 1 b}
    }

    # ---- GETSET / GETDEL / GETEX -------------------------------------------
    test "GETSET returns the old value and sets the new" {
        r del gs
        expect_null {r getset gs a}
        expect_eq [r getset gs b] a
        expect_eq [r get gs] b
    }
    test "GETSET clears the TTL" {
        r set gs2 a EX 100
        r getset gs2 b
        expect_eq [r ttl gs2] -1
    }
    test "GETDEL returns and deletes" {
        r set gd a
        expect_eq [r getdel gd] a
        expect_eq [r exists gd] 0
        expect_null {r getdel gd}
    }
    test "GETEX without options is a GET" {
        r set ge a EX 100
        expect_eq [r getex ge] a
        expect_gt [r ttl ge] 0
    }
    test "GETEX EX / PX / EXAT / PXAT / PERSIST" {
        r set ge1 v
        expect_eq [r getex ge1 EX 100] v
        expect_between [r ttl ge1] 99 100
        expect_eq [r getex ge1 PX 50000] v
        expect_between [r pttl ge1] 49000 50000
        set at [expr {[clock seconds] + 300}]
        r getex ge1 EXAT $at
        expect_eq [r expiretime ge1] $at
        set pat [expr {[clock milliseconds] + 400000}]
        r getex ge1 PXAT $pat
        expect_eq [r pexpiretime ge1] $pat
        expect_eq [r getex ge1 PERSIST] v
        expect_eq [r ttl ge1] -1
    }
    test "GETEX on a missing key is null" {
        r del ge2
        expect_null {r getex ge2 EX 10}
        expect_eq [r exists ge2] 0
    }
    test "GETEX errors" {
        r set ge3 v
        expect_err "ERR syntax error*" {r getex ge3 EX 10 PX 10}
        expect_err "ERR syntax error*" {r getex ge3 PERSIST EX 10}
        expect_err "ERR syntax error*" {r getex ge3 FOO}
        expect_err "ERR invalid expire time in 'getex' command" {r getex ge3 EX 0}
        expect_err "ERR invalid expire time in 'getex' command" {r getex ge3 EX -5}
        expect_err "ERR value is not an integer or out of range" {r getex ge3 EX x}
        expect_eq [r ttl ge3] -1
    }
    test "GETEX with an EXAT in the past deletes the key" {
        r set ge4 v
        expect_eq [r getex ge4 EXAT 1] v
        expect_eq [r exists ge4] 0
    }

    # ---- APPEND / STRLEN -----------------------------------------------------
    test "APPEND creates and extends" {
        r del ap
        expect_eq [r append ap hello] 5
        expect_eq [r append ap " world"] 11
        expect_eq [r get ap] "hello world"
    }
    test "APPEND to an integer-encoded value" {
        r set ap2 12
        expect_eq [r append ap2 34] 4
        expect_eq [r get ap2] 1234
    }
    test "APPEND keeps the TTL" {
        r set ap3 a EX 100
        r append ap3 b
        expect_gt [r ttl ap3] 0
    }
    test "STRLEN of values, integers and missing keys" {
        r set sl hello
        expect_eq [r strlen sl] 5
        r set sl2 -12345
        expect_eq [r strlen sl2] 6
        r del sl3
        expect_eq [r strlen sl3] 0
    }

    # ---- INCR family ---------------------------------------------------------
    test "INCR / DECR on a missing key start from 0" {
        r del c1 c2
        expect_eq [r incr c1] 1
        expect_eq [r decr c2] -1
    }
    test "INCRBY / DECRBY" {
        r set c3 10
        expect_eq [r incrby c3 5] 15
        expect_eq [r decrby c3 20] -5
        expect_eq [r incrby c3 -5] -10
        expect_eq [r get c3] -10
    }
    test "INCR on a value with spaces or a non-number fails" {
        r set c4 " 1"
        expect_err "ERR value is not an integer or out of range" {r incr c4}
        r set c4 "1 "
        expect_err "ERR value is not an integer or out of range" {r incr c4}
        r set c4 abc
        expect_err "ERR value is not an integer or out of range" {r incr c4}
        r set c4 1.5
        expect_err "ERR value is not an integer or out of range" {r incr c4}
        expect_eq [r get c4] 1.5
    }
    test "INCRBY with a non-integer increment" {
        expect_err "ERR value is not an integer or out of range" {r incrby c5 x}
        expect_err "ERR value is not an integer or out of range" {r incrby c5 1.0}
        expect_err "ERR value is not an integer or out of range" {r incrby c5 99999999999999999999}
    }
    test "INCR overflow and underflow" {
        r set c6 9223372036854775807
        expect_err "ERR increment or decrement would overflow" {r incr c6}
        r set c6 -9223372036854775808
        expect_err "ERR increment or decrement would overflow" {r decr c6}
        r set c6 1
        expect_err "ERR increment or decrement would overflow" {r incrby c6 9223372036854775807}
        expect_eq [r get c6] 1
    }
    test "DECRBY of LLONG_MIN is rejected" {
        r set c7 0
        expect_err "ERR decrement would overflow" {r decrby c7 -9223372036854775808}
    }
    test "INCR keeps the TTL" {
        r set c8 1 EX 100
        r incr c8
        expect_gt [r ttl c8] 0
    }
    test "INCR on a big-but-valid value stored as a string" {
        r set c9 9223372036854775806
        expect_eq [r incr c9] 9223372036854775807
    }

    # ---- INCRBYFLOAT ---------------------------------------------------------
    test "INCRBYFLOAT basic" {
        r set f1 10.5
        expect_eq [r incrbyfloat f1 0.1] 10.6
        r del f2
        expect_eq [r incrbyfloat f2 3.0] 3
        expect_eq [r incrbyfloat f2 -1.5] 1.5
    }
    test "INCRBYFLOAT with exponent input" {
        r set f3 5.0e3
        expect_eq [r incrbyfloat f3 2.0e2] 5200
        expect_eq [r incrbyfloat f3 2.5e-1] 5200.25
        expect_eq [r incrbyfloat f3 -1E2] 5100.25
    }
    test "INCRBYFLOAT on an integer value" {
        r set f4 7
        expect_eq [r incrbyfloat f4 0.5] 7.5
        expect_eq [r get f4] 7.5
    }
    test "INCRBYFLOAT NaN and infinity errors" {
        r set f5 1
        expect_err "ERR value is not a valid float" {r incrbyfloat f5 nan}
        expect_err "ERR increment would produce NaN or Infinity" {r incrbyfloat f5 +inf}
        expect_err "ERR value is not a valid float" {r incrbyfloat f5 abc}
        expect_err "ERR increment would produce NaN or Infinity" {r incrbyfloat f5 -inf}
        expect_eq [r get f5] 1
        r set f6 abc
        expect_err "ERR value is not a valid float" {r incrbyfloat f6 1}
    }
    test "INCRBYFLOAT reply stays a bulk string in RESP3" {
        r hello 3
        r set f7 1
        set t [r .typed incrbyfloat f7 1.25]
        r hello 2
        expect_eq $t {bulk 2.25}
    }

    # ---- GETRANGE / SUBSTR / SETRANGE ---------------------------------------
    test "GETRANGE with positive and negative indexes" {
        r set gr "Hello World"
        expect_eq [r getrange gr 0 4] Hello
        expect_eq [r getrange gr -5 -1] World
        expect_eq [r getrange gr 0 -1] "Hello World"
        expect_eq [r getrange gr 6 100] World
        expect_eq [r getrange gr 5 3] ""
        expect_eq [r getrange gr -100 2] Hel
    }
    test "GETRANGE of a missing key and of an integer" {
        r del gr2
        expect_eq [r getrange gr2 0 10] ""
        r set gr3 12345
        expect_eq [r getrange gr3 1 2] 23
    }
    test "GETRANGE with non-integer indexes" {
        expect_err "ERR value is not an integer or out of range" {r getrange gr a 1}
    }
    test "SUBSTR is GETRANGE" {
        r set sb abcdef
        expect_eq [r substr sb 1 3] bcd
        expect_eq [r substr sb -2 -1] ef
    }
    test "SETRANGE overwrites and pads with zero bytes" {
        r set sr "Hello World"
        expect_eq [r setrange sr 6 Redis] 11
        expect_eq [r get sr] "Hello Redis"
        r del sr2
        expect_eq [r setrange sr2 3 x] 4
        expect_eq [r get sr2] "\0\0\0x"
    }
    test "SETRANGE with an empty value" {
        r del sr3
        expect_eq [r setrange sr3 10 ""] 0
        expect_eq [r exists sr3] 0
        r set sr4 abc
        expect_eq [r setrange sr4 10 ""] 3
        expect_eq [r get sr4] abc
    }
    test "SETRANGE on an integer-encoded value" {
        r set sr5 1234
        expect_eq [r setrange sr5 1 xx] 4
        expect_eq [r get sr5] 1xx4
    }
    test "SETRANGE offset errors" {
        expect_err "ERR offset is out of range" {r setrange sr6 -1 x}
        expect_err "ERR value is not an integer or out of range" {r setrange sr6 abc x}
        expect_err "ERR string exceeds maximum allowed size*" {r setrange sr6 536870912 x}
        expect_err "ERR string exceeds maximum allowed size*" {r setrange sr6 536870911 xx}
        expect_eq [r exists sr6] 0
    }
    test "APPEND past the maximum size fails" {
        r config set proto-max-bulk-len 1048576
        r set big [string repeat a 1048575]
        expect_eq [r append big b] 1048576
        expect_err "ERR string exceeds maximum allowed size*" {r append big c}
        expect_err "ERR string exceeds maximum allowed size*" {r setrange big 1048576 x}
        expect_eq [r strlen big] 1048576
        r config set proto-max-bulk-len 536870912
        r del big
    }

    # ---- LCS ---------------------------------------------------------------
    test "LCS plain and LEN" {
        r mset l1 ohmytext l2 mynewtext
        expect_eq [r lcs l1 l2] mytext
        expect_eq [r lcs l1 l2 LEN] 6
    }
    test "LCS with missing keys is empty" {
        r del l3 l4
        expect_eq [r lcs l3 l4] ""
        expect_eq [r lcs l1 l3 LEN] 0
    }
    test "LCS IDX" {
        r mset l1 ohmytext l2 mynewtext
        set res [r lcs l1 l2 IDX]
        expect_eq [dict get $res len] 6
        expect_eq [dict get $res matches] {{{4 7} {5 8}} {{2 3} {0 1}}}
    }
    test "LCS IDX MINMATCHLEN filters short matches" {
        set res [r lcs l1 l2 IDX MINMATCHLEN 4]
        expect_eq [dict get $res matches] {{{4 7} {5 8}}}
        expect_eq [dict get $res len] 6
    }
    test "LCS IDX WITHMATCHLEN" {
        set res [r lcs l1 l2 IDX MINMATCHLEN 2 WITHMATCHLEN]
        expect_eq [dict get $res matches] {{{4 7} {5 8} 4} {{2 3} {0 1} 2}}
    }
    test "LCS IDX is a map in RESP3" {
        r hello 3
        set t [r .typed lcs l1 l2 IDX]
        r hello 2
        expect_eq [lindex $t 0] map
    }
    test "LCS errors" {
        expect_err "ERR If you want both the length and indexes*" {r lcs l1 l2 LEN IDX}
        expect_err "ERR syntax error*" {r lcs l1 l2 FOO}
        expect_err "ERR value is not an integer or out of range" {r lcs l1 l2 IDX MINMATCHLEN x}
    }

    # ---- binary safety and sizes -------------------------------------------
    test "values with NUL, CR and LF round trip" {
        set v "a\0b\r\nc\n\r\0"
        r set bin $v
        expect_eq [r get bin] $v
        expect_eq [r strlen bin] 9
    }
    test "keys with NUL and CRLF are distinct keys" {
        r del kb
        r set "kb\0x" one
        r set "kb\r\nx" two
        expect_eq [r get "kb\0x"] one
        expect_eq [r get "kb\r\nx"] two
        expect_null {r get kb}
        expect_eq [r exists "kb\0x" "kb\r\nx" "kb\0"] 2
    }
    test "all 256 byte values round trip" {
        set v ""
        for {set i 0} {$i < 256} {incr i} { append v [format %c $i] }
        r set allbytes $v
        expect_eq [r get allbytes] $v
        expect_eq [r strlen allbytes] 256
    }
    test "empty string value and empty key" {
        r set empty ""
        expect_eq [r exists empty] 1
        expect_eq [r strlen empty] 0
        expect_eq [r get empty] ""
        expect_rtype bulk {r get empty}
        r set "" emptykey
        expect_eq [r get ""] emptykey
    }
    test "a 1MB value round trips" {
        set v [string repeat "0123456789abcdef" 65536]
        r set big1 $v
        expect_eq [r strlen big1] 1048576
        expect_eq [r get big1] $v
        expect_eq [r getrange big1 1048570 -1] "abcdef"
    }
    test "APPEND builds a large value" {
        r del big2
        for {set i 0} {$i < 100} {incr i} { r append big2 [string repeat x 10000] }
        expect_eq [r strlen big2] 1000000
    }

    # ---- encodings ------------------------------------------------------------
    test "OBJECT ENCODING int for integers" {
        r set e1 12345
        expect_eq [r object encoding e1] int
        r set e1 -9223372036854775808
        expect_eq [r object encoding e1] int
    }
    test "OBJECT ENCODING embstr for short strings" {
        r set e2 hello
        expect_eq [r object encoding e2] embstr
    }
    test "embstr / raw boundary" {
        # Redis 7 embeds values up to 44 bytes.  Valkey 8 embeds the key in
        # the same 64-byte allocation as the value (object header 16 bytes,
        # key and value each as an sds8 with a 3-byte header and NUL, plus
        # one byte for the key header size), so with the two-byte key "e2"
        # and no TTL the largest embedded value is 37 bytes; a TTL takes
        # another 8 bytes.
        if {[is_valkey]} {
            r set e2 [string repeat a 37]
            expect_eq [r object encoding e2] embstr
            r set e2 [string repeat a 38]
            expect_eq [r object encoding e2] raw
            r set e2 [string repeat a 29] EX 100
            expect_eq [r object encoding e2] embstr
            r set e2 [string repeat a 30] EX 100
            expect_eq [r object encoding e2] raw
        } else {
            r set e2 [string repeat a 44]
            expect_eq [r object encoding e2] embstr
            r set e2 [string repeat a 45]
            expect_eq [r object encoding e2] raw
        }
    }
    test "OBJECT ENCODING raw for long strings" {
        r set e3 [string repeat a 45]
        expect_eq [r object encoding e3] raw
        r set e3 [string repeat a 1000]
        expect_eq [r object encoding e3] raw
    }
    test "numbers that are not canonical integers are strings" {
        r set e4 0123
        expect_eq [r object encoding e4] embstr
        r set e4 9223372036854775808
        expect_eq [r object encoding e4] embstr
        r set e4 "+1"
        expect_eq [r object encoding e4] embstr
    }
    test "APPEND and SETRANGE turn int and embstr into raw" {
        r set e5 1
        r append e5 2
        expect_eq [r object encoding e5] raw
        r set e6 abc
        r setrange e6 1 x
        expect_eq [r object encoding e6] raw
    }
    test "INCR result is int encoded" {
        r set e7 abc
        r del e7
        r incr e7
        expect_eq [r object encoding e7] int
        r set e8 100
        r incrby e8 1000
        expect_eq [r object encoding e8] int
    }
    test "INCRBYFLOAT result is a string" {
        r set e9 1
        r incrbyfloat e9 0.5
        expect_glob {*str*} [r object encoding e9]
    }
}

tagged {needs:list} {
    with_server {
        test "string commands on a list key fail with WRONGTYPE" {
            r del lk
            r lpush lk a
            foreach cmd {
                {get lk} {getset lk x} {getdel lk} {getex lk} {append lk x}
                {strlen lk} {incr lk} {decr lk} {incrby lk 1} {decrby lk 1}
                {incrbyfloat lk 1} {getrange lk 0 1} {setrange lk 0 x}
                {substr lk 0 1} {set lk x GET}
            } {
                expect_err "WRONGTYPE Operation against a key holding the wrong kind of value" [list r {*}$cmd]
            }
            expect_eq [r type lk] list
        }
        test "LCS on a list key" {
            r set sk v
            expect_err "ERR The specified keys must contain string values" {r lcs lk sk}
        }
        test "MGET returns null for a non-string key" {
            r set sk v
            expect_eq [r mget sk lk] {v {}}
        }
        test "SET replaces a list key" {
            expect_eq [r set lk str] OK
            expect_eq [r type lk] string
        }
        test "SETNX and MSETNX treat a list key as existing" {
            r lpush lk2 a
            expect_eq [r setnx lk2 x] 0
            expect_eq [r msetnx lk2 x other y] 0
            expect_eq [r type lk2] list
        }
    }
}
