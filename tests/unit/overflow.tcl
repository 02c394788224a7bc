# "now + what the user asked": every place the server adds a user's value
# to the current time refuses a sum that would overflow, with Valkey's
# error, instead of wrapping into the past (deleting the key at once),
# capping silently, or hanging.  EXPIRE family, SET EX/PX/EXAT/PXAT,
# GETEX, CLIENT PAUSE, CLIENT KILL MAXAGE, DEBUG SLEEP.  (The blocking
# commands' timeout parser, src/server/timeout.c, is unit-tested in
# tests/c/test_server_timeout.c.)

file_tags {overflow}

set max 9223372036854775807
set min -9223372036854775808

with_server {
    test "EXPIRE family: sums past INT64_MAX are invalid expire times" {
        r set k v
        foreach {cmd val} [list expire $max expire [expr {$max / 1000}] pexpire $max pexpire [expr {$max - 1000}] \
                               expireat $max expireat [expr {$max / 1000 + 1}]] {
            expect_err "ERR invalid expire time in '$cmd' command" {r $cmd k $val}
        }
        foreach {cmd val} [list expire $min expireat $min] {
            expect_err "ERR invalid expire time in '$cmd' command" {r $cmd k $val}
        }
        # The key is untouched by the refusals.
        expect_eq [r get k] v
        expect_eq [r ttl k] -1
    }
    test "SET EX/PX/EXAT/PXAT and GETEX: sums past INT64_MAX are refused" {
        foreach {o val} [list ex $max ex [expr {$max / 1000}] px $max px [expr {$max - 1000}] exat $max] {
            expect_err "ERR invalid expire time in 'set' command" {r set k2 v $o $val}
        }
        expect_eq [r exists k2] 0
        r set k3 v
        foreach {o val} [list ex $max px $max exat $max] {
            expect_err "ERR invalid expire time in 'getex' command" {r getex k3 $o $val}
        }
        expect_eq [r ttl k3] -1
        # Large but valid times still work.
        expect_eq [r set k4 v ex 100000000] OK
        expect_between [r ttl k4] 99999990 100000000
    }
    test "CLIENT PAUSE: a timeout whose end overflows is refused, and nothing is paused" {
        foreach val [list $max [expr {$max - 1000}]] {
            expect_err "ERR timeout is out of range" {r client pause $val}
        }
        expect_err "ERR timeout is not an integer or out of range" {r client pause 9223372036854775808}
        expect_err "ERR timeout is negative" {r client pause $min}
        expect_eq [r set notpaused 1] OK
    }
    test "CLIENT KILL MAXAGE: any positive age, huge ones included, compares without overflow" {
        set c [new_client]
        $c ping
        expect_eq [r client kill maxage $max] 0
        expect_eq [$c ping] PONG
        expect_err "ERR maxage should be greater than 0" {r client kill maxage 0}
        expect_err "ERR maxage should be greater than 0" {r client kill maxage $min}
        expect_err "ERR maxage is not an integer or out of range" {r client kill maxage 9223372036854775808}
        # A client older than maxage goes (the caller is skipped).
        after 2100
        expect_eq [r client kill maxage 1] 1
        expect_eq [$c .closed 2000] 1
        $c .close
    }
    test "DEBUG SLEEP: out-of-range times answer an error at once" {
        set t0 [clock milliseconds]
        expect_err "ERR DEBUG SLEEP time is out of range" {r debug sleep 1e300}
        expect_err "ERR DEBUG SLEEP time is out of range" {r debug sleep $max}
        expect_lt [expr {[clock milliseconds] - $t0}] 1000
    }
}
