# Key expiry: EXPIRE family with NX/XX/GT/LT, TTL/PTTL/EXPIRETIME, PERSIST,
# past and negative times, lazy expiry on access, active expiry of keys
# nobody reads, DEBUG SET-ACTIVE-EXPIRE, overflow of expire values.

file_tags {expire}

with_server {
    test "EXPIRE sets a TTL and returns 1; missing key returns 0" {
        r set e1 v
        expect_eq [r expire e1 100] 1
        expect_between [r ttl e1] 99 100
        r del nosuch
        expect_eq [r expire nosuch 100] 0
    }
    test "PEXPIRE sets a TTL in ms" {
        r set e2 v
        expect_eq [r pexpire e2 100000] 1
        expect_between [r pttl e2] 99000 100000
        expect_between [r ttl e2] 99 100
    }
    test "EXPIREAT and PEXPIREAT" {
        r set e3 v
        set at [expr {[clock seconds] + 500}]
        expect_eq [r expireat e3 $at] 1
        expect_eq [r expiretime e3] $at
        set pat [expr {[clock milliseconds] + 600000}]
        expect_eq [r pexpireat e3 $pat] 1
        expect_eq [r pexpiretime e3] $pat
        # EXPIRETIME rounds the millisecond time to the nearest second
        expect_eq [r expiretime e3] [expr {($pat + 500) / 1000}]
        set s [expr {[clock seconds] + 700}]
        r pexpireat e3 [expr {$s * 1000 + 600}]
        expect_eq [r expiretime e3] [expr {$s + 1}]
        r pexpireat e3 [expr {$s * 1000 + 400}]
        expect_eq [r expiretime e3] $s
    }
    test "TTL and PTTL of persistent and missing keys" {
        r set p1 v
        r del nosuch
        expect_eq [r ttl p1] -1
        expect_eq [r pttl p1] -1
        expect_eq [r ttl nosuch] -2
        expect_eq [r pttl nosuch] -2
    }
    test "EXPIRETIME and PEXPIRETIME of persistent and missing keys" {
        expect_eq [r expiretime p1] -1
        expect_eq [r pexpiretime p1] -1
        expect_eq [r expiretime nosuch] -2
        expect_eq [r pexpiretime nosuch] -2
    }
    test "PERSIST removes the TTL" {
        r set p2 v EX 100
        expect_eq [r persist p2] 1
        expect_eq [r ttl p2] -1
        expect_eq [r persist p2] 0
        expect_eq [r persist nosuch] 0
    }
    test "EXPIRE NX only without an existing TTL" {
        r set n1 v
        expect_eq [r expire n1 100 NX] 1
        expect_eq [r expire n1 200 NX] 0
        expect_between [r ttl n1] 99 100
    }
    test "EXPIRE XX only with an existing TTL" {
        r set x1 v
        expect_eq [r expire x1 100 XX] 0
        expect_eq [r ttl x1] -1
        r expire x1 100
        expect_eq [r expire x1 200 XX] 1
        expect_between [r ttl x1] 199 200
    }
    test "EXPIRE GT only when greater (no TTL counts as infinite)" {
        r set g1 v
        expect_eq [r expire g1 100 GT] 0
        expect_eq [r ttl g1] -1
        r expire g1 100
        expect_eq [r expire g1 50 GT] 0
        expect_eq [r expire g1 200 GT] 1
        expect_between [r ttl g1] 199 200
    }
    test "EXPIRE LT only when lower (no TTL counts as infinite)" {
        r set l1 v
        expect_eq [r expire l1 100 LT] 1
        expect_eq [r expire l1 200 LT] 0
        expect_eq [r expire l1 50 LT] 1
        expect_between [r ttl l1] 49 50
    }
    test "EXPIRE XX GT and XX LT combinations" {
        r set c1 v
        expect_eq [r expire c1 100 XX GT] 0
        r expire c1 100
        expect_eq [r expire c1 150 XX GT] 1
        expect_eq [r expire c1 120 XX LT] 1
        expect_between [r ttl c1] 119 120
    }
    test "options work for PEXPIRE, EXPIREAT, PEXPIREAT too" {
        r set o1 v
        expect_eq [r pexpire o1 100000 XX] 0
        expect_eq [r pexpire o1 100000 NX] 1
        set at [expr {[clock seconds] + 50}]
        expect_eq [r expireat o1 $at GT] 0
        expect_eq [r expireat o1 $at LT] 1
        set pat [expr {[clock milliseconds] + 200000}]
        expect_eq [r pexpireat o1 $pat GT] 1
        expect_eq [r pexpiretime o1] $pat
    }
    test "incompatible EXPIRE options" {
        r set i1 v
        expect_err "ERR NX and XX, GT or LT options at the same time are not compatible" {r expire i1 10 NX XX}
        expect_err "ERR NX and XX, GT or LT options at the same time are not compatible" {r expire i1 10 NX GT}
        expect_err "ERR NX and XX, GT or LT options at the same time are not compatible" {r pexpire i1 10 LT NX}
        expect_err "ERR GT and LT options at the same time are not compatible" {r expire i1 10 GT LT}
        expect_err "ERR Unsupported option foo" {r expire i1 10 foo}
        expect_eq [r ttl i1] -1
    }
    test "EXPIRE with a non-integer time" {
        expect_err "ERR value is not an integer or out of range" {r expire i1 abc}
        expect_err "ERR value is not an integer or out of range" {r expire i1 1.5}
        expect_err "ERR value is not an integer or out of range" {r pexpireat i1 99999999999999999999}
    }
    test "overflowing expire times are rejected" {
        r set ov v
        expect_err "ERR invalid expire time in 'expire' command" {r expire ov 9223372036854775807}
        expect_err "ERR invalid expire time in 'expire' command" {r expire ov -9223372036854775807}
        expect_err "ERR invalid expire time in 'pexpire' command" {r pexpire ov 9223372036854775807}
        expect_err "ERR invalid expire time in 'expireat' command" {r expireat ov 9223372036854775807}
        expect_err "ERR invalid expire time in 'setex' command" {r setex ov 9223372036854775807 v}
        expect_eq [r ttl ov] -1
        expect_eq [r get ov] v
    }
    test "EXPIRE with a negative or zero time deletes the key" {
        r set d1 v
        expect_eq [r expire d1 -1] 1
        expect_eq [r exists d1] 0
        r set d2 v
        expect_eq [r pexpire d2 0] 1
        expect_eq [r exists d2] 0
    }
    test "EXPIREAT in the past deletes the key" {
        r set d3 v
        expect_eq [r expireat d3 1] 1
        expect_eq [r exists d3] 0
        r set d4 v
        expect_eq [r pexpireat d4 [expr {[clock milliseconds] - 1000}]] 1
        expect_eq [r exists d4] 0
    }
    test "a key with a short TTL disappears" {
        r set short v PX 100
        expect_eq [r get short] v
        wait_for {[r exists short] == 0} -timeout 3000
        expect_null {r get short}
        expect_eq [r ttl short] -2
    }
    test "SET KEEPTTL keeps, plain SET drops the TTL" {
        r set kt a EX 100
        r set kt b KEEPTTL
        expect_between [r ttl kt] 99 100
        r set kt c
        expect_eq [r ttl kt] -1
    }
    test "writes to an expired key start from scratch" {
        r set cnt 5 PX 50
        wait_for {[r pttl cnt] == -2} -timeout 3000
        expect_eq [r incr cnt] 1
        expect_eq [r ttl cnt] -1
    }
    test "EXPIRE arity" {
        expect_err "ERR wrong number of arguments for 'expire' command" {r expire k}
        expect_err "ERR wrong number of arguments for 'ttl' command" {r ttl}
        expect_err "ERR wrong number of arguments for 'persist' command" {r persist a b}
    }
}

with_server -config {hz 100} {
    test "active expiry removes keys nobody reads" {
        r flushall
        for {set i 0} {$i < 100} {incr i} { r set ax:$i v PX 100 }
        r set keeper v
        expect_eq [r dbsize] 101
        # Only DBSIZE and INFO: neither touches the keys.
        wait_for {[r dbsize] == 1} -timeout 5000
        expect_eq [r get keeper] v
        set info [r info stats]
        regexp {expired_keys:(\d+)} $info -> expired
        expect_ge $expired 100
    }
    test "DEBUG SET-ACTIVE-EXPIRE 0 leaves expired keys until accessed" {
        r flushall
        expect_eq [r debug set-active-expire 0] OK
        for {set i 0} {$i < 20} {incr i} { r set lz:$i v PX 20 }
        # With hz 100 an active cycle would run many times in 400 ms;
        # DBSIZE must stay at 20 the whole time.
        set end [expr {[clock milliseconds] + 400}]
        set min 20
        while {[clock milliseconds] < $end} {
            set n [r dbsize]
            if {$n < $min} { set min $n }
            after 20
        }
        expect_eq $min 20
        # Lazy expiry: each access deletes the expired key.
        expect_null {r get lz:0}
        expect_eq [r dbsize] 19
        expect_eq [r exists lz:1 lz:2] 0
        expect_eq [r dbsize] 17
        expect_eq [r debug set-active-expire 1] OK
        wait_for {[r dbsize] == 0} -timeout 5000
    }
    test "expired keys are not returned by KEYS or SCAN" {
        r flushall
        r debug set-active-expire 0
        r set live v
        set at [expr {[clock milliseconds] + 30}]
        r set dead v PXAT $at
        wait_for {[clock milliseconds] > $at + 5}
        expect_eq [r dbsize] 2
        expect_eq [r keys *] {live}
        expect_eq [lindex [r scan 0] 1] {live}
        r debug set-active-expire 1
    }
    test "INFO keyspace counts keys with an expire" {
        r flushall
        r set a 1
        r set b 2 EX 1000
        set info [r info keyspace]
        expect_re {db0:keys=2,expires=1,avg_ttl=\d+} $info
    }
}
