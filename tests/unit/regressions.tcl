# regressions.tcl - one test per bug the differential fuzzer
# (tests/hiredis/difftest.c) found against redis-server, so each stays fixed
# even when the fuzzer's random sequences stop hitting it.

file_tags {regression}

with_server {
    test "SETRANGE with an offset near 2^63 is refused, not allocated" {
        expect_err "ERR string exceeds maximum allowed size*" {r setrange big 9223372036854775807 x}
        expect_err "ERR string exceeds maximum allowed size*" {r setrange big 536870911 xy}
        expect_eq [r ping] PONG
        expect_eq [r exists big] 0
    }
    test "APPEND past proto-max-bulk-len is refused" {
        r config set proto-max-bulk-len 1048576
        r set ap [string repeat a 1048570]
        expect_err "ERR string exceeds maximum allowed size*" {r append ap 1234567}
        expect_eq [r strlen ap] 1048570
        r config set proto-max-bulk-len 536870912
    }
    test "SET accepts a repeated option; the last expire wins" {
        expect_eq [r set rk v NX NX] OK
        expect_null {r set rk v NX NX}
        expect_null {r set nokey v XX XX}
        expect_eq [r set rk v2 GET GET] v
        expect_eq [r set rk v3 EX 100 EX 200] OK
        expect_between [r ttl rk] 190 200
        expect_eq [r set rk v4 KEEPTTL KEEPTTL] OK
        expect_between [r ttl rk] 190 200
    }
    test "SET with two kinds of expire or NX with XX is still a syntax error" {
        expect_err "ERR syntax error*" {r set rk v EX 1 PX 100}
        expect_err "ERR syntax error*" {r set rk v NX XX}
        expect_err "ERR syntax error*" {r set rk v KEEPTTL EX 1}
    }
    test "SET validates only the last of repeated expire values" {
        expect_eq [r set rk v PXAT -9223372036854775808 PXAT 99999999999999] OK
        expect_err "ERR value is not an integer*" {r set rk v PXAT 99999999999999 PXAT foo}
    }
    test "GETEX accepts a repeated option" {
        r set gk v
        expect_eq [r getex gk EX 100 EX 200] v
        expect_between [r ttl gk] 190 200
        expect_eq [r getex gk PERSIST PERSIST] v
        expect_eq [r ttl gk] -1
        expect_err "ERR value is not an integer*" {r getex gk EX 5 EX 12345678901234567890123}
    }
    test "INCRBYFLOAT rejects values and increments with NUL bytes" {
        r set nf "5\x00x"
        expect_err "ERR value is not a valid float" {r incrbyfloat nf 1}
        r del nf2
        expect_err "ERR value is not a valid float" {r incrbyfloat nf2 "7\x00"}
        expect_eq [r exists nf2] 0
    }
    test "EXPIRE's unsupported-option error carries the whole option" {
        set longopt [string repeat abc 100]
        r set ek v
        expect_err "ERR Unsupported option $longopt" [list r expire ek 10 $longopt]
    }
    test "EXPIRETIME rounds without overflow at the largest timestamps" {
        r set tk v
        r pexpireat tk 9223372036854775807
        expect_eq [r expiretime tk] 9223372036854776
        expect_eq [r pexpiretime tk] 9223372036854775807
    }
    test "SET with a timestamp in the past: the key is gone for readers" {
        expect_eq [r set pk v PXAT 4294967296] OK
        expect_null {r get pk}
        expect_eq [r exists pk] 0
        wait_for {[r dbsize] == [llength [r keys *]]} -timeout 5000
    }
    test "Inline commands end at a NUL byte" {
        set c [new_client]
        $c .rawsend "SET inl ab\x00cd\r\n"
        expect_eq [$c .readline] "+OK"
        expect_eq [r get inl] ab
        $c .close
    }
}
