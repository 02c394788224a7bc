# Sorted set commands: every command and option with Valkey 8's replies
# in RESP2 and RESP3 (scores as Valkey prints them: shortest round-trip
# text, integers without a point, inf/-inf), every error text, ties
# ordered by member bytes, binary members, the listpack/skiplist
# encodings at Valkey's thresholds and the conversions back the STORE
# commands make, ZSCAN's cursor guarantee across resizes, propagation, key
# events, the dirty counter, MEMORY USAGE, DEBUG DIGEST-VALUE across
# encodings, the generic key commands, and a seeded comparison of both
# encodings over random commands.  Blocking pops: zset_blocking.tcl.

file_tags {zset needs:zset}

# Creates key as a sorted set of the score/member pairs in encoding enc
# (skiplist: created while zset-max-listpack-entries is 0; it never
# converts back by itself).
proc make_zset {key enc pairs} {
    r del $key
    if {$enc eq "skiplist"} {
        set saved [lindex [r config get zset-max-listpack-entries] 1]
        r config set zset-max-listpack-entries 0
        if {[llength $pairs]} { r zadd $key {*}$pairs }
        r config set zset-max-listpack-entries $saved
    } elseif {[llength $pairs]} {
        r zadd $key {*}$pairs
    }
    if {[llength $pairs]} { expect_eq [r object encoding $key] $enc }
}

with_server {
    expect_eq [r config get zset-max-listpack-entries] {zset-max-listpack-entries 128}
    expect_eq [r config get zset-max-listpack-value] {zset-max-listpack-value 64}

    # ---- basic commands, per encoding ----------------------------------------------
    foreach enc {listpack skiplist} {
        test "ZADD, ZCARD, ZSCORE, ZMSCORE, ZREM ($enc)" {
            make_zset z $enc {1 a 2 b 3 c 1.5 d}
            expect_eq [r zcard z] 4
            expect_eq [r zrange z 0 -1] {a d b c}
            expect_eq [r zscore z d] 1.5
            expect_eq [r zscore z c] 3
            expect_eq [r zscore z nosuch] ""
            expect_rtype nullbulk {r zscore z nosuch}
            expect_eq [r zmscore z a nosuch c] {1 {} 3}
            expect_eq [r zadd z 5 a 6 e] 1
            expect_eq [r zrange z 0 -1 withscores] {d 1.5 b 2 c 3 a 5 e 6}
            expect_eq [r zrem z a nosuch b a] 2
            expect_eq [r zrange z 0 -1] {d c e}
            expect_eq [r type z] zset
            expect_eq [r object encoding z] $enc
            expect_eq [r zrem z d c e] 3
            expect_eq [r exists z] 0
        }
        test "Ties are ordered by member bytes ($enc)" {
            make_zset z $enc {0 b 0 a 0 ab 0 "" 0 "a\x00" 0 B 0 10 0 9 -1 zz 1 aa}
            expect_eq [r zrange z 0 -1] [list zz "" 10 9 B a "a\x00" ab b aa]
            expect_eq [r zrank z ab] 7
            expect_eq [r zrevrank z ab] 2
            expect_eq [r zrank z ""] 1
        }
        test "Binary members: NUL, CR LF, empty ($enc)" {
            set ms [list "" "a\x00b" "\r\n" "x\r\ny\x00" "\x00" "\xff\xfe"]
            set pairs {}
            set i 0
            foreach m $ms { lappend pairs [incr i] $m }
            make_zset z $enc $pairs
            expect_eq [r zrange z 0 -1] $ms
            foreach m $ms score {1 2 3 4 5 6} { expect_eq [r zscore z $m] $score }
            expect_eq [r zscore z "a\x00c"] ""
            expect_eq [r zrem z "a\x00b" ""] 2
            expect_eq [r zcard z] 4
        }
    }
    test "Integer-looking members stay the bytes they were" {
        r del z
        r zadd z 1 12 2 012 3 -0 4 +5 5 9223372036854775808 6 -9223372036854775808
        expect_eq [r object encoding z] listpack
        expect_eq [r zrange z 0 -1] {12 012 -0 +5 9223372036854775808 -9223372036854775808}
        expect_eq [r zscore z 012] 2
        expect_eq [r zscore z 12] 1
        expect_eq [r zrank z -9223372036854775808] 5
    }

    # ---- score text ---------------------------------------------------------------
    test "Scores print as Valkey prints them (RESP2)" {
        r del z
        foreach {in out} {
            1 1 -7 -7 1.5 1.5 0.1 0.1 1.1 1.1 3.0 3 1e3 1000 1e15 1000000000000000
            4611686018427387904 4611686018427387904 1e19 1e+19 1e21 1e+21 1.5e300 1.5e+300
            0.001 0.001 0.00001 0.00001 1e-7 1e-7 1.5e-7 1.5e-7 0.0000123 1.23e-5
            inf inf +inf inf -inf -inf -0 -0 0 0 123456789.123 123456789.123
            2.2250738585072014e-308 2.2250738585072014e-308 5e-324 5e-324
            0x10 16 1E2 100 .5 0.5
        } {
            r del z
            r zadd z $in m
            expect_eq [r zscore z m] $out "score [tf::show $in]"
            expect_eq [r zrange z 0 -1 withscores] [list m $out]
        }
        r zadd z 0.1 m
        expect_eq [r zincrby z 0.2 m] 0.30000000000000004
        expect_eq [r zscore z m] 0.30000000000000004
    }
    test "Scores are RESP3 doubles" {
        set c [new_client -resp 3]
        $c del z
        $c zadd z 1.5 a inf b -inf c 2 d
        expect_eq [$c .typed zscore z a] {double 1.5}
        expect_eq [$c .typed zscore z b] {double inf}
        expect_eq [$c .typed zscore z c] {double -inf}
        expect_eq [$c .typed zscore z d] {double 2}
        expect_eq [$c .typed zscore z x] {null}
        expect_eq [$c .typed zincrby z 1 d] {double 3}
        expect_eq [$c .typed zmscore z a x] {array {{double 1.5} null}}
        expect_eq [$c .typed zrange z 0 1 withscores] {array {{array {{bulk c} {double -inf}}} {array {{bulk a} {double 1.5}}}}}
        expect_eq [$c .typed zrange z 0 1] {array {{bulk c} {bulk a}}}
        expect_eq [$c .typed zrank z a withscore] {array {{int 1} {double 1.5}}}
        expect_eq [$c .typed zrank z x withscore] {null}
        expect_eq [$c .typed zrank z x] {null}
        $c .close
    }
    test "Scores that are not floats" {
        r del z
        foreach bad {nan NaN x "" "1 " " 1" 1e400 -1e400 1x "1\x00" 0x inf1 "(1"} {
            expect_err "ERR value is not a valid float" [list r zadd z $bad m]
            expect_err "ERR value is not a valid float" [list r zincrby z $bad m]
        }
        expect_eq [r exists z] 0
        # Every score is checked before anything changes.
        expect_err "ERR value is not a valid float" {r zadd z 1 a x b}
        expect_eq [r exists z] 0
        # A score that underflows to a denormal is a number; to zero it is not.
        r zadd z 1e-310 m
        expect_eq [r zscore z m] 1e-310
        expect_err "ERR value is not a valid float" {r zadd z 1e-400 m}
    }

    # ---- ZADD options -------------------------------------------------------------
    test "ZADD NX, XX, CH" {
        r del z
        expect_eq [r zadd z xx 1 a] 0
        expect_eq [r exists z] 0
        expect_eq [r zadd z nx 1 a 2 b] 2
        expect_eq [r zadd z nx 5 a 3 c] 1
        expect_eq [r zrange z 0 -1 withscores] {a 1 b 2 c 3}
        expect_eq [r zadd z xx 10 a 20 d] 0
        expect_eq [r zrange z 0 -1 withscores] {b 2 c 3 a 10}
        expect_eq [r zadd z ch 11 a 2 b 4 e] 2
        expect_eq [r zadd z xx ch 12 a 2 b 9 x] 1
        expect_eq [r zadd z CH XX 13 a] 1
        expect_eq [r zcard z] 4
    }
    test "ZADD GT and LT (with XX, CH)" {
        r del z
        r zadd z 10 a 10 b
        expect_eq [r zadd z gt ch 5 a 15 b 1 c] 2
        expect_eq [r zrange z 0 -1 withscores] {c 1 a 10 b 15}
        expect_eq [r zadd z lt ch 5 a 20 b 0 d] 2
        expect_eq [r zrange z 0 -1 withscores] {d 0 c 1 a 5 b 15}
        expect_eq [r zadd z gt xx ch 100 a 100 new] 1
        expect_eq [r zscore z new] ""
        expect_eq [r zadd z lt ch 200 a] 0
        expect_eq [r zadd z gt ch 50 a] 0
        expect_eq [r zscore z a] 100
    }
    test "ZADD INCR: the new score, or null when nothing happened" {
        r del z
        expect_eq [r zadd z incr 5 a] 5
        expect_eq [r zadd z incr 1.5 a] 6.5
        expect_eq [r zadd z nx incr 1 a] ""
        expect_rtype nullbulk {r zadd z nx incr 1 a}
        expect_eq [r zadd z xx incr 1 b] ""
        expect_eq [r exists z] 1
        expect_eq [r zadd z gt incr -1 a] ""
        expect_eq [r zadd z lt incr -1 a] 5.5
        expect_eq [r zadd z gt incr 1 a] 6.5
        expect_eq [r zadd z xx incr 1 a] 7.5
        expect_eq [r zadd z nx incr 3 b] 3
        r del z2
        expect_eq [r zadd z2 xx incr 1 a] ""
        expect_eq [r exists z2] 0
    }
    test "ZADD option errors" {
        r del z
        expect_err "ERR XX and NX options at the same time are not compatible" {r zadd z nx xx 1 a}
        expect_err "ERR GT, LT, and/or NX options at the same time are not compatible" {r zadd z nx gt 1 a}
        expect_err "ERR GT, LT, and/or NX options at the same time are not compatible" {r zadd z nx lt 1 a}
        expect_err "ERR GT, LT, and/or NX options at the same time are not compatible" {r zadd z gt lt 1 a}
        expect_err "ERR INCR option supports a single increment-element pair" {r zadd z incr 1 a 2 b}
        expect_err "ERR syntax error" {r zadd z 1 a 2}
        expect_err "ERR syntax error" {r zadd z nx 1}
        expect_err "ERR syntax error" {r zadd z nx xx}
        expect_err "ERR syntax error" {r zadd z ch incr}
        expect_err "ERR wrong number of arguments for 'zadd' command" {r zadd z 1}
        # Options may repeat; the pair check comes before the mix check.
        expect_eq [r zadd z nx nx ch ch 1 a] 1
        expect_err "ERR syntax error" {r zadd z nx xx 1}
        expect_eq [r exists z] 1
    }
    test "ZINCRBY creates, adds, and refuses NaN" {
        r del z
        expect_eq [r zincrby z 2 a] 2
        expect_eq [r zincrby z -5.5 a] -3.5
        expect_eq [r zincrby z inf a] inf
        expect_err "ERR resulting score is not a number (NaN)" {r zincrby z -inf a}
        expect_eq [r zscore z a] inf
        expect_err "ERR resulting score is not a number (NaN)" {r zadd z incr -inf a}
        expect_eq [r zscore z a] inf
        # An option word where the increment goes: parsed as ZADD options.
        expect_err "ERR syntax error" {r zincrby z nx a}
        expect_err "ERR syntax error" {r zincrby z incr a}
        expect_err "ERR value is not a valid float" {r zincrby z abc a}
    }
    test "A score update moves the element; an equal score changes nothing" {
        foreach enc {listpack skiplist} {
            make_zset z $enc {1 a 2 b 3 c}
            expect_eq [r zadd z 2.5 a] 0
            expect_eq [r zrange z 0 -1] {b a c}
            expect_eq [r zadd z ch 2.5 a] 0
            expect_eq [r zadd z ch 0 c] 1
            expect_eq [r zrange z 0 -1] {c b a}
            # -0 equals 0: not an update, the stored score stays
            expect_eq [r zadd z ch -0 c] 0
            expect_eq [r zscore z c] 0
        }
    }

    # ---- encodings ----------------------------------------------------------------
    test "listpack up to zset-max-listpack-entries, then skiplist (never back on removal)" {
        r del z
        for {set i 0} {$i < 128} {incr i} { r zadd z $i m$i }
        expect_eq [r object encoding z] listpack
        r zadd z 128 m128
        expect_eq [r object encoding z] skiplist
        r zremrangebyrank z 0 -3
        expect_eq [r zcard z] 2
        expect_eq [r object encoding z] skiplist
        # Updates of existing members never convert.
        r del z
        for {set i 0} {$i < 128} {incr i} { r zadd z $i m$i }
        r zadd z 500 m0
        r zincrby z 1 m5
        expect_eq [r object encoding z] listpack
    }
    test "A member longer than zset-max-listpack-value converts" {
        r del z
        r zadd z 1 [string repeat x 64]
        expect_eq [r object encoding z] listpack
        r zadd z 2 [string repeat x 65]
        expect_eq [r object encoding z] skiplist
        r del z
        r zadd z 1 a 2 [string repeat y 65]
        expect_eq [r object encoding z] skiplist
        # XX on an absent long member adds nothing and converts nothing.
        r del z
        r zadd z 1 a
        r zadd z xx 2 [string repeat y 65]
        expect_eq [r object encoding z] listpack
    }
    test "ZADD of more pairs than the entry limit makes a skiplist at once" {
        set pairs {}
        for {set i 0} {$i < 129} {incr i} { lappend pairs 1 same }
        r del z
        r zadd z {*}$pairs
        expect_eq [r zcard z] 1
        expect_eq [r object encoding z] skiplist
        r del z
        r zadd z 1 a
        r zadd z {*}$pairs
        expect_eq [r object encoding z] skiplist
        r del z
        r zadd z {*}[lrange $pairs 0 255]
        expect_eq [r object encoding z] listpack
    }
    test "The *-ziplist-* aliases and limits of 0" {
        with_config zset-max-ziplist-entries 3 {
            expect_eq [r config get zset-max-listpack-entries] {zset-max-listpack-entries 3}
            r del z
            r zadd z 1 a 2 b 3 c
            expect_eq [r object encoding z] listpack
            r zadd z 4 d
            expect_eq [r object encoding z] skiplist
        }
        with_config zset-max-ziplist-value 2 {
            r del z
            r zadd z 1 ab
            expect_eq [r object encoding z] listpack
            r zadd z 1 abc
            expect_eq [r object encoding z] skiplist
        }
        with_config zset-max-listpack-entries 0 {
            r del z
            r zadd z 1 a
            expect_eq [r object encoding z] skiplist
            r del z
            r zincrby z 1 a
            expect_eq [r object encoding z] skiplist
        }
    }
    test "STORE results that fit become listpacks; big ones stay skiplists" {
        make_zset big skiplist {1 a 2 b 3 c 4 d}
        r zrangestore dst big 0 1
        expect_eq [r object encoding dst] listpack
        r zrangestore dst big 0 1 byscore
        expect_eq [r object encoding dst] listpack
        r zunionstore dst 1 big
        expect_eq [r object encoding dst] listpack
        r zinterstore dst 2 big big
        expect_eq [r object encoding dst] listpack
        r zdiffstore dst 1 big
        expect_eq [r object encoding dst] listpack
        r del big
        for {set i 0} {$i < 200} {incr i} { r zadd big $i m$i }
        r zrangestore dst big 0 127
        expect_eq [r object encoding dst] listpack
        r zrangestore dst big 0 128
        expect_eq [r object encoding dst] skiplist
        r zrangestore dst big -inf +inf byscore
        expect_eq [r object encoding dst] skiplist
        r zrangestore dst big -inf +inf byscore limit 0 128
        expect_eq [r object encoding dst] listpack
        r zunionstore dst 1 big
        expect_eq [r object encoding dst] skiplist
        r zadd long 1 [string repeat x 65]
        r zunionstore dst 1 long
        expect_eq [r object encoding dst] skiplist
        r zrangestore dst long 0 -1
        expect_eq [r object encoding dst] skiplist
        r del big long dst
    }

    # ---- ranks ---------------------------------------------------------------------
    foreach enc {listpack skiplist} {
        test "ZRANK, ZREVRANK, WITHSCORE ($enc)" {
            make_zset z $enc {1 a 2 b 3 c}
            expect_eq [r zrank z a] 0
            expect_eq [r zrank z c] 2
            expect_eq [r zrevrank z a] 2
            expect_eq [r zrevrank z c] 0
            expect_eq [r zrank z x] ""
            expect_rtype nullbulk {r zrank z x}
            expect_eq [r zrank z b withscore] {1 2}
            expect_eq [r zrevrank z b WITHSCORE] {1 2}
            expect_eq [r zrank z x withscore] ""
            expect_rtype nullarray {r zrank z x withscore}
            expect_rtype nullarray {r zrank nokey x withscore}
            expect_rtype nullbulk {r zrank nokey x}
            expect_err "ERR syntax error" {r zrank z a withscores}
            expect_err "ERR wrong number of arguments for 'zrank' command" {r zrank z a withscore x}
            expect_err "ERR wrong number of arguments for 'zrevrank' command" {r zrevrank z a withscore x}
        }
    }

    # ---- ZRANGE by rank -------------------------------------------------------------
    foreach enc {listpack skiplist} {
        test "ZRANGE and ZREVRANGE by index ($enc)" {
            make_zset z $enc {1 a 2 b 3 c 4 d 5 e}
            expect_eq [r zrange z 0 -1] {a b c d e}
            expect_eq [r zrange z 1 2] {b c}
            expect_eq [r zrange z -2 -1] {d e}
            expect_eq [r zrange z -100 1] {a b}
            expect_eq [r zrange z 3 100] {d e}
            expect_eq [r zrange z 5 10] {}
            expect_eq [r zrange z 3 2] {}
            expect_eq [r zrange z -1 -2] {}
            expect_eq [r zrange z 0 0 withscores] {a 1}
            expect_eq [r zrange z 0 1 rev] {e d}
            expect_eq [r zrange z 0 1 rev withscores] {e 5 d 4}
            expect_eq [r zrevrange z 0 -1] {e d c b a}
            expect_eq [r zrevrange z 1 3 withscores] {d 4 c 3 b 2}
            expect_eq [r zrevrange z -1 -1] {a}
            expect_eq [r zrange nokey 0 -1] {}
            expect_err "ERR value is not an integer or out of range" {r zrange z a 1}
            expect_err "ERR value is not an integer or out of range" {r zrange z 0 1.5}
            expect_err "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX" {r zrange z 0 1 limit 0 1}
            expect_err "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX" {r zrevrange z 0 1 limit 0 1}
            expect_err "ERR syntax error" {r zrange z 0 1 rev rev}
            expect_err "ERR syntax error" {r zrevrange z 0 1 rev}
            expect_err "ERR syntax error" {r zrange z 0 1 foo}
            expect_err "ERR syntax error" {r zrange z 0 1 limit 0}
            expect_err "ERR syntax error" {r zrange z 0 1 byscore bylex}
        }
    }
    test "Long reverse ranges of a skiplist (fetched backwards in runs)" {
        r del z
        set pairs {}
        for {set i 0} {$i < 1000} {incr i} { lappend pairs [expr {$i / 3}] m[format %04d $i] }
        r zadd z {*}$pairs
        set fwd [r zrange z 0 -1]
        expect_eq [r zrevrange z 0 -1] [lreverse $fwd]
        expect_eq [r zrevrange z 10 200] [lrange [lreverse $fwd] 10 200]
        expect_eq [r zrange z +inf -inf byscore rev limit 63 130] [lrange [lreverse $fwd] 63 192]
        expect_eq [r zrevrangebyscore z 100 50] [lreverse [r zrangebyscore z 50 100]]
    }

    # ---- BYSCORE ------------------------------------------------------------------------
    foreach enc {listpack skiplist} {
        test "Score ranges: inclusive, exclusive, infinite ($enc)" {
            make_zset z $enc {-inf ninf 1 a 2 b 2 bb 3 c 4 d inf pinf}
            expect_eq [r zrangebyscore z 2 3] {b bb c}
            expect_eq [r zrangebyscore z (2 3] {c}
            expect_eq [r zrangebyscore z 2 (3] {b bb}
            expect_eq [r zrangebyscore z (2 (3] {}
            expect_eq [r zrangebyscore z -inf +inf] {ninf a b bb c d pinf}
            expect_eq [r zrangebyscore z (-inf (+inf] {a b bb c d}
            expect_eq [r zrangebyscore z -inf -inf] {ninf}
            expect_eq [r zrangebyscore z inf inf withscores] {pinf inf}
            expect_eq [r zrangebyscore z 3 2] {}
            expect_eq [r zrangebyscore z (2 (2] {}
            expect_eq [r zrangebyscore z 2.5 3.5 withscores] {c 3}
            expect_eq [r zrange z 2 3 byscore] {b bb c}
            expect_eq [r zrange z 3 2 byscore rev] {c bb b}
            expect_eq [r zrevrangebyscore z 3 2] {c bb b}
            expect_eq [r zrevrangebyscore z (3 -inf withscores] {bb 2 b 2 a 1 ninf -inf}
            expect_eq [r zrevrangebyscore z 2 3] {}
            expect_eq [r zcount z 2 3] 3
            expect_eq [r zcount z (2 +inf] 3
            expect_eq [r zcount z -inf +inf] 7
            expect_eq [r zcount z 5 6] 0
            expect_eq [r zcount z 3 2] 0
            expect_eq [r zcount nokey 0 1] 0
            # strtod's view of a range end: spaces before, "", "(" alone, hex, overflow
            expect_eq [r zrangebyscore z " 1" 1] {a}
            expect_eq [r zrangebyscore z "" 1] {a}
            expect_eq [r zrangebyscore z ( 1] {a}
            expect_eq [r zrangebyscore z 0x1 0x2] {a b bb}
            expect_eq [r zrangebyscore z 1e400 +inf] {pinf}
            expect_eq [r zrangebyscore z "1\x00junk" 1] {a}
        }
        test "Score ranges with LIMIT ($enc)" {
            make_zset z $enc {1 a 2 b 3 c 4 d 5 e}
            expect_eq [r zrangebyscore z -inf +inf limit 0 2] {a b}
            expect_eq [r zrangebyscore z -inf +inf limit 1 2 withscores] {b 2 c 3}
            expect_eq [r zrangebyscore z -inf +inf withscores limit 3 100] {d 4 e 5}
            expect_eq [r zrangebyscore z 2 4 limit 1 -1] {c d}
            expect_eq [r zrangebyscore z 2 4 limit 0 0] {}
            expect_eq [r zrangebyscore z -inf +inf limit 5 1] {}
            expect_eq [r zrangebyscore z -inf +inf limit 100 1] {}
            expect_eq [r zrevrangebyscore z +inf -inf limit 1 2] {d c}
            expect_eq [r zrevrangebyscore z 4 2 limit 2 5] {b}
            expect_eq [r zrange z +inf -inf byscore rev limit 0 1 withscores] {e 5}
            expect_eq [r zrange z (1 5 byscore limit 1 2] {c d}
            expect_err "ERR value is not an integer or out of range" {r zrangebyscore z 0 1 limit x 1}
            expect_err "ERR value is not an integer or out of range" {r zrangebyscore z 0 1 limit 0 1.5}
            expect_err "ERR syntax error" {r zrangebyscore z 0 1 limit 0}
            expect_err "ERR syntax error" {r zrangebyscore z 0 1 rev}
            expect_err "ERR syntax error" {r zrangebyscore z 0 1 byscore}
            expect_err "ERR syntax error" {r zrevrangebyscore z 0 1 bylex}
        }
    }
    test "A negative LIMIT offset: nothing from a listpack, counted from the range's end in a skiplist" {
        make_zset z listpack {1 a 2 b 3 c 4 d 5 e}
        expect_eq [r zrangebyscore z -inf +inf limit -1 2] {}
        expect_eq [r zrevrangebyscore z +inf -inf limit -1 2] {}
        make_zset z skiplist {1 a 2 b 3 c 4 d 5 e}
        expect_eq [r zrangebyscore z -inf +inf limit -1 2] {e}
        expect_eq [r zrangebyscore z -inf +inf limit -2 5] {d e}
        expect_eq [r zrangebyscore z 2 4 limit -3 5] {b c d}
        expect_eq [r zrangebyscore z 2 4 limit -4 5] {}
        expect_eq [r zrevrangebyscore z +inf -inf limit -1 2] {a}
        expect_eq [r zrevrangebyscore z 4 2 limit -2 5] {c b}
    }
    test "Score range errors" {
        r del z
        r zadd z 1 a
        foreach {min max} {x 1 1 x nan 1 1 (nan ((1 2 1 "1 " [1 2 1 inf1} {
            expect_err "ERR min or max is not a float" [list r zrangebyscore z $min $max]
            expect_err "ERR min or max is not a float" [list r zcount z $min $max]
            expect_err "ERR min or max is not a float" [list r zremrangebyscore z $min $max]
            expect_err "ERR min or max is not a float" [list r zrange z $min $max byscore]
        }
    }

    # ---- BYLEX ------------------------------------------------------------------------
    foreach enc {listpack skiplist} {
        test "Lex ranges ($enc)" {
            make_zset z $enc {0 a 0 b 0 c 0 d 0 e 0 ee 0 f}
            expect_eq [r zrangebylex z - +] {a b c d e ee f}
            expect_eq [r zrangebylex z {[b} {[d}] {b c d}
            expect_eq [r zrangebylex z (b (d] {c}
            expect_eq [r zrangebylex z {[e} +] {e ee f}
            expect_eq [r zrangebylex z (e +] {ee f}
            expect_eq [r zrangebylex z - (c] {a b}
            expect_eq [r zrangebylex z {[} {[c}] {a b c}
            expect_eq [r zrangebylex z {[d} {[b}] {}
            expect_eq [r zrangebylex z + -] {}
            expect_eq [r zrangebylex z - -] {}
            expect_eq [r zrangebylex z + +] {}
            expect_eq [r zrangebylex z (a (a] {}
            expect_eq [r zrangebylex z {[a} {[a}] {a}
            expect_eq [r zrangebylex z - + limit 2 3] {c d e}
            expect_eq [r zrangebylex z - + limit 5 -1] {ee f}
            expect_eq [r zrevrangebylex z + -] {f ee e d c b a}
            expect_eq [r zrevrangebylex z {[d} (a] {d c b}
            expect_eq [r zrevrangebylex z + - limit 1 2] {ee e}
            expect_eq [r zrange z {[b} {[c} bylex] {b c}
            expect_eq [r zrange z + {[e} bylex rev limit 0 2] {f ee}
            expect_eq [r zlexcount z - +] 7
            expect_eq [r zlexcount z {[b} (e] 3
            expect_eq [r zlexcount z (f +] 0
            expect_eq [r zlexcount z + -] 0
            expect_eq [r zlexcount nokey - +] 0
            foreach {min max} {a b {[a} b - {+a} {-a} + "" + + ""} {
                expect_err "ERR min or max not valid string range item" [list r zrangebylex z $min $max]
                expect_err "ERR min or max not valid string range item" [list r zlexcount z $min $max]
                expect_err "ERR min or max not valid string range item" [list r zremrangebylex z $min $max]
                expect_err "ERR min or max not valid string range item" [list r zrange z $min $max bylex]
            }
            expect_err "ERR syntax error, WITHSCORES not supported in combination with BYLEX" {r zrange z - + bylex withscores}
            expect_err "ERR syntax error, WITHSCORES not supported in combination with BYLEX" {r zrangebylex z - + withscores}
            expect_err "ERR syntax error" {r zrangebylex z - + rev}
        }
    }
    test "Lex ranges compare bytes: binary members and bounds" {
        r del z
        r zadd z 0 "a\x00" 0 a 0 "a\xff" 0 b 0 "\x00"
        expect_eq [r zrangebylex z - +] [list "\x00" a "a\x00" "a\xff" b]
        expect_eq [r zrangebylex z "\[a\x00" (b] [list "a\x00" "a\xff"]
        expect_eq [r zrangebylex z "(a" "\[a\xff"] [list "a\x00" "a\xff"]
    }
    test "Lex ranges on mixed scores follow the stored order, as Valkey's walk does" {
        r del z
        r zadd z 1 b 2 a 3 c
        expect_eq [r zrangebylex z {[a} {[c}] {b a c}
        expect_eq [r zrangebylex z {[a} {[b}] {b a}
        r del z
        r zadd z 1 c 2 a 3 b
        expect_eq [r zrangebylex z {[a} {[b}] {}
        expect_eq [r zlexcount z {[a} {[b}] 0
    }

    # ---- ZREMRANGEBY* -------------------------------------------------------------------
    foreach enc {listpack skiplist} {
        test "ZREMRANGEBYRANK, BYSCORE, BYLEX ($enc)" {
            make_zset z $enc {1 a 2 b 3 c 4 d 5 e}
            expect_eq [r zremrangebyrank z 1 2] 2
            expect_eq [r zrange z 0 -1] {a d e}
            expect_eq [r zremrangebyrank z -1 -1] 1
            expect_eq [r zremrangebyrank z 5 10] 0
            expect_eq [r zremrangebyrank z 1 0] 0
            expect_eq [r zremrangebyrank z -100 100] 2
            expect_eq [r exists z] 0
            make_zset z $enc {1 a 2 b 3 c 4 d 5 e}
            expect_eq [r zremrangebyscore z (1 3] 2
            expect_eq [r zremrangebyscore z 10 20] 0
            expect_eq [r zremrangebyscore z 3 2] 0
            expect_eq [r zrange z 0 -1] {a d e}
            expect_eq [r zremrangebyscore z -inf +inf] 3
            expect_eq [r exists z] 0
            make_zset z $enc {0 a 0 b 0 c 0 d 0 e}
            expect_eq [r zremrangebylex z (a {[c}] 2
            expect_eq [r zremrangebylex z + -] 0
            expect_eq [r zrange z 0 -1] {a d e}
            expect_eq [r zremrangebylex z - +] 3
            expect_eq [r exists z] 0
            expect_eq [r zremrangebyrank nokey 0 -1] 0
            expect_eq [r zremrangebyscore nokey 0 1] 0
            expect_eq [r zremrangebylex nokey - +] 0
            expect_err "ERR value is not an integer or out of range" {r zremrangebyrank z a 1}
        }
    }

    # ---- ZRANGESTORE ---------------------------------------------------------------------
    test "ZRANGESTORE: each range kind, empty results delete, TTL cleared" {
        r del src dst
        r zadd src 1 a 2 b 3 c 0 x 0 y
        expect_eq [r zrangestore dst src 1 2] 2
        expect_eq [r zrange dst 0 -1 withscores] {y 0 a 1}
        expect_eq [r zrangestore dst src 1 2 byscore] 2
        expect_eq [r zrange dst 0 -1 withscores] {a 1 b 2}
        expect_eq [r zrangestore dst src 3 -inf byscore rev limit 0 2] 2
        expect_eq [r zrange dst 0 -1 withscores] {b 2 c 3}
        r del lsrc
        r zadd lsrc 0 p 0 q 0 r
        expect_eq [r zrangestore dst lsrc {[q} + bylex] 2
        expect_eq [r zrange dst 0 -1] {q r}
        expect_eq [r zrangestore dst src 0 0 rev] 1
        expect_eq [r zrange dst 0 -1] {c}
        r expire dst 100
        expect_eq [r zrangestore dst src 0 -1] 5
        expect_eq [r ttl dst] -1
        expect_eq [r zrangestore dst src 10 20] 0
        expect_eq [r exists dst] 0
        expect_eq [r zrangestore dst nokey 0 -1] 0
        r set dst string
        expect_eq [r zrangestore dst src 0 0] 1
        expect_eq [r type dst] zset
        r set dst string
        expect_eq [r zrangestore dst nokey 0 -1] 0
        expect_eq [r exists dst] 0
        # same key as source and destination
        expect_eq [r zrangestore src src 0 1] 2
        expect_eq [r zrange src 0 -1] {x y}
        expect_err "ERR syntax error" {r zrangestore dst src 0 -1 withscores}
        r set str x
        expect_err "WRONGTYPE*" {r zrangestore dst str 0 -1}
        expect_err "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX" {r zrangestore dst src 0 1 limit 0 1}
    }

    # ---- pops ----------------------------------------------------------------------------------
    foreach enc {listpack skiplist} {
        test "ZPOPMIN, ZPOPMAX ($enc)" {
            make_zset z $enc {1 a 2 b 3 c 4 d 5 e}
            expect_eq [r zpopmin z] {a 1}
            expect_eq [r zpopmax z] {e 5}
            expect_eq [r zpopmin z 2] {b 2 c 3}
            expect_eq [r zpopmax z 0] {}
            expect_eq [r zpopmax z 10] {d 4}
            expect_eq [r exists z] 0
            expect_eq [r zpopmin z] {}
            expect_eq [r zpopmin z 3] {}
            expect_err "ERR value is out of range, must be positive" {r zpopmin z -1}
            expect_err "ERR value is out of range, must be positive" {r zpopmin z x}
            expect_err "ERR syntax error" {r zpopmin z 1 2}
        }
    }
    test "Pops in RESP3: a flat pair without a count, pairs with one" {
        set c [new_client -resp 3]
        $c del z
        $c zadd z 1 a 2 b 3 c
        expect_eq [$c .typed zpopmin z] {array {{bulk a} {double 1}}}
        expect_eq [$c .typed zpopmax z 1] {array {{array {{bulk c} {double 3}}}}}
        expect_eq [$c .typed zpopmax z 0] {array {}}
        expect_eq [$c .typed zpopmin nokey] {array {}}
        expect_eq [$c .typed zmpop 1 z min] {array {{bulk z} {array {{array {{bulk b} {double 2}}}}}}}
        expect_eq [$c .typed zmpop 1 z min] {null}
        $c .close
    }
    test "ZMPOP" {
        r del z1 z2 z3
        r zadd z2 1 a 2 b 3 c
        r zadd z3 9 z
        expect_eq [r zmpop 3 z1 z2 z3 min] {z2 {{a 1}}}
        expect_eq [r zmpop 2 z2 z3 max count 10] {z2 {{c 3} {b 2}}}
        expect_eq [r exists z2] 0
        expect_eq [r zmpop 2 z1 z2 max] ""
        expect_rtype nullarray {r zmpop 2 z1 z2 max}
        expect_eq [r zmpop 1 z3 MAX COUNT 1] {z3 {{z 9}}}
        expect_err "ERR numkeys should be greater than 0" {r zmpop 0 z1 min}
        expect_err "ERR numkeys should be greater than 0" {r zmpop -1 z1 min}
        expect_err "ERR numkeys should be greater than 0" {r zmpop x z1 min}
        expect_err "ERR syntax error" {r zmpop 2 z1 min}
        expect_err "ERR syntax error" {r zmpop 1 z1 mid}
        expect_err "ERR syntax error" {r zmpop 1 z1 min count}
        expect_err "ERR syntax error" {r zmpop 1 z1 min count 1 count 1}
        expect_err "ERR count should be greater than 0" {r zmpop 1 z1 min count 0}
        expect_err "ERR count should be greater than 0" {r zmpop 1 z1 min count x}
        expect_err "ERR syntax error" {r zmpop 1 z1 min foo}
        expect_err "ERR syntax error" {r zmpop 9223372036854775807 z1 min}
        r set str x
        r zadd z4 1 a
        expect_err "WRONGTYPE*" {r zmpop 2 str z4 min}
        expect_eq [r zmpop 2 nokey z4 min] {z4 {{a 1}}}
    }

    # ---- ZRANDMEMBER ------------------------------------------------------------------------------
    foreach enc {listpack skiplist} {
        test "ZRANDMEMBER: single, counts, repeats, WITHSCORES ($enc)" {
            set pairs {}
            set ms {}
            for {set i 0} {$i < 20} {incr i} { lappend pairs $i m$i; lappend ms m$i }
            make_zset z $enc $pairs
            expect_true {[lsearch -exact $ms [r zrandmember z]] >= 0}
            foreach n {1 5 13 19 20 25} {
                set got [r zrandmember z $n]
                expect_eq [llength $got] [expr {min($n, 20)}]
                expect_eq [llength [lsort -unique $got]] [llength $got] "distinct for count $n"
                foreach m $got { expect_true {[lsearch -exact $ms $m] >= 0} }
            }
            set got [r zrandmember z -50]
            expect_eq [llength $got] 50
            foreach m $got { expect_true {[lsearch -exact $ms $m] >= 0} }
            set got [r zrandmember z 5 withscores]
            expect_eq [llength $got] 10
            foreach {m s} $got { expect_eq [r zscore z $m] $s }
            set got [r zrandmember z -30 withscores]
            expect_eq [llength $got] 60
            foreach {m s} $got { expect_eq [r zscore z $m] $s }
            expect_eq [r zrandmember z 0] {}
            expect_eq [r zrandmember z 0 withscores] {}
            # every member turns up over many draws
            set seen [lsort -unique [r zrandmember z -2000]]
            expect_eq [llength $seen] 20
        }
    }
    test "ZRANDMEMBER of a missing key, RESP3 shapes, errors" {
        r del nokey
        expect_rtype nullbulk {r zrandmember nokey}
        expect_eq [r zrandmember nokey 5] {}
        expect_eq [r zrandmember nokey -5 withscores] {}
        set c [new_client -resp 3]
        $c del z
        $c zadd z 1 a
        expect_eq [$c .typed zrandmember z 1 withscores] {array {{array {{bulk a} {double 1}}}}}
        expect_eq [$c .typed zrandmember z -2 withscores] {array {{array {{bulk a} {double 1}}} {array {{bulk a} {double 1}}}}}
        expect_eq [$c .typed zrandmember z 2] {array {{bulk a}}}
        expect_eq [$c .typed zrandmember nokey] {null}
        $c .close
        expect_err "ERR value is not an integer or out of range" {r zrandmember z x}
        expect_err "ERR syntax error" {r zrandmember z 1 withscore}
        expect_err "ERR syntax error" {r zrandmember z 1 withscores x}
        expect_err "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807" {r zrandmember z -9223372036854775808}
        expect_err "ERR value is out of range" {r zrandmember z -9223372036854775807 withscores}
        expect_err "ERR value is out of range" {r zrandmember z 4611686018427387904 withscores}
        expect_eq [llength [r zrandmember z 4611686018427387903 withscores]] 2
    }
    test "ZRANDMEMBER picks are uniform (chi-square)" {
        foreach enc {listpack skiplist} {
            set pairs {}
            set ms {}
            for {set i 0} {$i < 10} {incr i} { lappend pairs $i m$i; lappend ms m$i }
            make_zset z $enc $pairs
            set draws [r zrandmember z -10000]
            foreach m $ms { set cnt($m) 0 }
            foreach m $draws { incr cnt($m) }
            set x 0.0
            foreach m $ms { set d [expr {$cnt($m) - 1000}]; set x [expr {$x + $d * $d / 1000.0}] }
            # df 9: exceeded with probability ~1e-7
            expect_true {$x < 55} "$enc repeats: $x"
            # unique picks of 3 from 10, many times
            foreach m $ms { set cnt($m) 0 }
            for {set i 0} {$i < 1000} {incr i} { foreach m [r zrandmember z 3] { incr cnt($m) } }
            set x 0.0
            foreach m $ms { set d [expr {$cnt($m) - 300}]; set x [expr {$x + $d * $d / 300.0}] }
            expect_true {$x < 55} "$enc distinct: $x"
        }
        # a few from a big skiplist (random picks skipping repeats)
        r del big
        for {set i 0} {$i < 300} {incr i} { lappend bp $i b$i }
        r zadd big {*}$bp
        set got [r zrandmember big 50]
        expect_eq [llength [lsort -unique $got]] 50
        set got [r zrandmember big 250 withscores]
        expect_eq [llength $got] 500
        expect_eq [llength [lsort -unique [dict keys $got]]] 250
    }

    # ---- algebra -------------------------------------------------------------------------------
    test "ZUNION, ZINTER, ZDIFF with scores, weights and aggregates" {
        r del a b c
        r zadd a 1 x 2 y 3 z
        r zadd b 10 y 20 z 30 w
        expect_eq [r zunion 2 a b] {x y z w}
        expect_eq [r zunion 2 a b withscores] {x 1 y 12 z 23 w 30}
        expect_eq [r zunion 2 a b weights 2 0.5 withscores] {x 2 y 9 w 15 z 16}
        expect_eq [r zunion 2 a b aggregate min withscores] {x 1 y 2 z 3 w 30}
        expect_eq [r zunion 2 a b aggregate max withscores] {x 1 y 10 z 20 w 30}
        expect_eq [r zunion 3 a b nokey withscores] {x 1 y 12 z 23 w 30}
        expect_eq [r zinter 2 a b withscores] {y 12 z 23}
        expect_eq [r zinter 2 a b weights 1 -1 withscores] {z -17 y -8}
        expect_eq [r zinter 2 a b aggregate max withscores] {y 10 z 20}
        expect_eq [r zinter 3 a b nokey] {}
        expect_eq [r zdiff 2 a b withscores] {x 1}
        expect_eq [r zdiff 2 b a] {w}
        expect_eq [r zdiff 1 a] {x y z}
        expect_eq [r zdiff 2 nokey a] {}
        expect_eq [r zdiff 2 a a] {}
        expect_eq [r zunionstore out 2 a b] 4
        expect_eq [r zrange out 0 -1 withscores] {x 1 y 12 z 23 w 30}
        expect_eq [r zinterstore out 2 a b aggregate min] 2
        expect_eq [r zrange out 0 -1 withscores] {y 2 z 3}
        expect_eq [r zdiffstore out 2 a b] 1
        expect_eq [r zrange out 0 -1 withscores] {x 1}
        expect_eq [r zinterstore out 2 a nokey] 0
        expect_eq [r exists out] 0
        # the destination may be a source
        expect_eq [r zunionstore a 2 a b] 4
        expect_eq [r zrange a 0 -1] {x y z w}
    }
    test "Algebra: NaN and infinities" {
        r del a b
        r zadd a inf x -inf y 1 z
        r zadd b -inf x -inf y 1 z
        expect_eq [r zunion 2 a b withscores] {y -inf x 0 z 2}
        expect_eq [r zunion 1 a weights 0 withscores] {x 0 y 0 z 0}
        expect_eq [r zinter 2 a b weights 0 1 withscores] {x -inf y -inf z 1}
        expect_eq [r zinter 2 a b weights 0 0 aggregate min withscores] {x 0 y 0 z 0}
        expect_eq [r zinter 2 a b aggregate max withscores] {y -inf z 1 x inf}
    }
    test "Algebra with plain sets as inputs (score 1)" {
        r del a s t
        r zadd a 5 x 6 y
        r sadd s x q
        r sadd t 1 2 x
        expect_eq [r zunion 2 a s withscores] {q 1 x 6 y 6}
        expect_eq [r zinter 2 a s withscores] {x 6}
        expect_eq [r zinter 2 s t withscores] {x 2}
        expect_eq [r zunion 2 s t weights 2 3 withscores] {q 2 1 3 2 3 x 5}
        expect_eq [r zdiff 2 s a withscores] {q 1}
        expect_eq [r zdiff 2 a t] {y}
        expect_eq [r zintercard 2 a s] 1
        expect_eq [r zunionstore out 2 s t] 4
        expect_eq [r type out] zset
        r del a s t out
    }
    test "Algebra errors" {
        r del a
        r zadd a 1 x
        r set str v
        r rpush lst v
        expect_err "ERR at least 1 input key is needed for 'zunion' command" {r zunion 0 a}
        expect_err "ERR at least 1 input key is needed for 'zinterstore' command" {r zinterstore out 0 a}
        expect_err "ERR at least 1 input key is needed for 'zdiff' command" {r zdiff -1 a}
        expect_err "ERR at least 1 input key is needed for 'zintercard' command" {r zintercard 0 a}
        expect_err "ERR value is not an integer or out of range" {r zunion x a}
        expect_err "ERR syntax error" {r zunion 2 a}
        expect_err "ERR syntax error" {r zunionstore out 3 a a}
        expect_err "WRONGTYPE*" {r zunion 2 a str}
        expect_err "WRONGTYPE*" {r zinter 2 lst a}
        expect_err "WRONGTYPE*" {r zdiffstore out 2 a str}
        # the type check comes before the options
        expect_err "WRONGTYPE*" {r zunion 2 a str weights x}
        expect_err "ERR weight value is not a float" {r zunion 1 a weights x}
        expect_err "ERR weight value is not a float" {r zinterstore out 1 a weights nan}
        expect_err "ERR syntax error" {r zunion 2 a a weights 1}
        expect_err "ERR syntax error" {r zunion 1 a aggregate avg}
        expect_err "ERR syntax error" {r zunion 1 a aggregate}
        expect_err "ERR syntax error" {r zdiff 1 a weights 1}
        expect_err "ERR syntax error" {r zdiff 1 a aggregate sum}
        expect_err "ERR syntax error" {r zunionstore out 1 a withscores}
        expect_err "ERR syntax error" {r zintercard 1 a withscores}
        expect_err "ERR syntax error" {r zunion 1 a limit 1}
        expect_err "ERR syntax error" {r zintercard 1 a limit}
        expect_err "ERR LIMIT can't be negative" {r zintercard 1 a limit -1}
        expect_err "ERR LIMIT can't be negative" {r zintercard 1 a limit x}
        expect_eq [r zunion 1 a weights 2 weights 3 withscores] {x 3}
        expect_eq [r zunion 1 a aggregate min aggregate max withscores] {x 1}
    }
    test "ZINTERCARD with LIMIT" {
        r del a b
        r zadd a 1 x 2 y 3 z 4 w
        r zadd b 1 x 2 y 3 z
        expect_eq [r zintercard 2 a b] 3
        expect_eq [r zintercard 2 a b limit 0] 3
        expect_eq [r zintercard 2 a b limit 2] 2
        expect_eq [r zintercard 2 a b LIMIT 10] 3
        expect_eq [r zintercard 2 a nokey] 0
        expect_eq [r zintercard 1 a] 4
    }
    test "Algebra replies in RESP3 are pairs" {
        set c [new_client -resp 3]
        $c del a
        $c zadd a 1.5 x
        expect_eq [$c .typed zunion 1 a withscores] {array {{array {{bulk x} {double 1.5}}}}}
        expect_eq [$c .typed zdiff 1 a] {array {{bulk x}}}
        $c .close
    }

    # ---- ZSCAN ------------------------------------------------------------------------------------
    test "ZSCAN of a listpack: everything at once, scores as stored" {
        r del z
        r zadd z 1 a 1.5 b inf c -2 d 0.1 e
        expect_eq [r zscan z 0] {0 {d -2 e 0.1 a 1 b 1.5 c inf}}
        expect_eq [r zscan z 0 match {[ab]}] {0 {a 1 b 1.5}}
        expect_eq [r zscan z 0 noscores] {0 {d e a b c}}
        expect_eq [r zscan z 0 count 1 match a noscores] {0 a}
        expect_eq [r zscan nokey 0] {0 {}}
    }
    test "ZSCAN of a skiplist: the cursor guarantee across resizes" {
        r del z
        for {set i 0} {$i < 600} {incr i} { r zadd z $i m$i }
        set seen [dict create]
        set cursor 0
        set round 0
        while 1 {
            lassign [r zscan z $cursor count 7] cursor items
            foreach {m s} $items { dict set seen $m $s }
            incr round
            # grow then shrink the member table while the scan runs
            if {$round == 3} { for {set i 600} {$i < 2000} {incr i} { r zadd z $i m$i } }
            if {$round == 30} { r zremrangebyrank z 1000 -1 }
            if {$cursor == 0} break
        }
        for {set i 0} {$i < 600} {incr i} {
            if {![dict exists $seen m$i]} { tf::fail "m$i never reported" }
        }
        expect_eq [dict get $seen m5] 5
    }
    test "ZSCAN skiplist scores are printed as %.17g; MATCH, NOSCORES, errors" {
        make_zset z skiplist {1.1 a 1.5 b inf c 3 d -0.5 e}
        lassign [r zscan z 0 count 100] cursor items
        expect_eq $cursor 0
        expect_eq [dict get $items a] 1.1000000000000001
        expect_eq [dict get $items b] 1.5
        expect_eq [dict get $items c] inf
        expect_eq [dict get $items d] 3
        expect_eq [lsort [lindex [r zscan z 0 count 100 noscores] 1]] {a b c d e}
        expect_eq [lindex [r zscan z 0 count 100 match e] 1] {e -0.5}
        expect_err "ERR invalid cursor" {r zscan z x}
        expect_err "ERR invalid cursor" {r zscan z -1}
        expect_err "ERR syntax error" {r zscan z 0 count 0}
        expect_err "ERR value is not an integer or out of range" {r zscan z 0 count x}
        expect_err "ERR syntax error" {r zscan z 0 match}
        expect_err "ERR syntax error" {r zscan z 0 foo}
        expect_err "ERR NOVALUES option can only be used in HSCAN" {r zscan z 0 novalues}
    }

    test "Huge counts, offsets and indexes" {
        set max 9223372036854775807
        set min -9223372036854775808
        foreach enc {listpack skiplist} {
            make_zset z $enc {1 a 2 b 3 c 0 x 0 y}
            expect_eq [r zrange z $min $max] {x y a b c}
            expect_eq [r zrange z 0 $max rev] {c b a y x}
            expect_eq [r zrange z $max $max] {}
            expect_eq [r zrangebyscore z -inf +inf limit 0 $max] {x y a b c}
            expect_eq [r zrangebyscore z -inf +inf limit 0 $min] {x y a b c}
            expect_eq [r zrangebyscore z -inf +inf limit $max 1] {}
            expect_eq [r zrevrangebyscore z +inf -inf limit $max $max] {}
            expect_eq [r zrangebylex z - + limit $max $min] {}
            expect_eq [r zrangebylex z - + limit 0 $min] {x y a b c}
            expect_eq [r zrevrangebylex z + - limit 1 $max] {b a y x}
            expect_eq [llength [r zrandmember z $max]] 5
            expect_eq [r zcount z -inf +inf] 5
            lassign [r zscan z 0 count $max noscores] cursor items
            expect_eq $cursor 0
            expect_eq [lsort $items] {a b c x y}
            expect_eq [r zremrangebyrank z $min $max] 5
            make_zset z $enc {1 a 2 b 3 c}
            expect_eq [r zmpop 1 z max count $max] {z {{c 3} {b 2} {a 1}}}
            make_zset z $enc {1 a 2 b 3 c}
            expect_eq [r zpopmin z $max] {a 1 b 2 c 3}
            expect_eq [r exists z] 0
        }
        # a negative LIMIT offset of LLONG_MIN on a listpack: nothing, no overflow
        make_zset z listpack {1 a}
        expect_eq [r zrangebyscore z -inf +inf limit $min 1] {}
        expect_eq [r zrevrangebyscore z +inf -inf limit $min 1] {}
    }
    # ---- WRONGTYPE ---------------------------------------------------------------------------------
    test "Every sorted set command on a key of another type: WRONGTYPE" {
        r del str
        r set str x
        foreach cmd {
            {zadd str 1 a} {zincrby str 1 a} {zrem str a} {zcard str} {zscore str a} {zmscore str a}
            {zrank str a} {zrevrank str a} {zrange str 0 -1} {zrevrange str 0 -1}
            {zrangebyscore str 0 1} {zrevrangebyscore str 1 0} {zrangebylex str - +} {zrevrangebylex str + -}
            {zcount str 0 1} {zlexcount str - +} {zremrangebyrank str 0 1} {zremrangebyscore str 0 1}
            {zremrangebylex str - +} {zpopmin str} {zpopmax str 2} {zmpop 1 str min} {zrandmember str}
            {zrandmember str 2} {zscan str 0} {zunion 1 str} {zinter 1 str} {zdiff 1 str} {zintercard 1 str}
            {zunionstore out 1 str} {zrangestore out str 0 -1} {bzpopmin str 0} {bzmpop 0 1 str min}
        } {
            expect_err "WRONGTYPE Operation against a key holding the wrong kind of value" [list r {*}$cmd]
        }
        expect_eq [r get str] x
    }
    test "Parse errors come before the type check" {
        r set str x
        expect_err "ERR value is not a valid float" {r zadd str x a}
        expect_err "ERR min or max is not a float" {r zcount str x 1}
        expect_err "ERR syntax error" {r zrange str 0 1 foo}
        expect_err "ERR syntax error" {r zpopmin str 1 2}
        expect_err "ERR value is out of range, must be positive" {r zpopmin str -1}
    }

    # ---- propagation and events ---------------------------------------------------------------------
    test "Writes are propagated as written; no-ops are not" {
        r select 9
        r del z
        set p [propagated {
            r zadd z 1 a 2 b
            r zadd z nx 5 a
            r zadd z xx 3 nosuch
            r zincrby z 1.5 a
            r zrem z nosuch
            r zrem z b
            r zremrangebyscore z 100 200
            r zremrangebyrank z 0 0
            r zadd z 1 a 2 b 3 c
            r zremrangebylex z - (b
            r zrangestore dst z 0 -1
            r zunionstore u 1 z
            r zinterstore i 2 z nokey
            r zinterstore i2 1 z
            r zdiffstore d 1 z
            r zscore z b
            r zadd z incr 1 b
        }]
        expect_eq $p [list {*}{{select 9} {zadd z 1 a 2 b} {zincrby z 1.5 a} {zrem z b} {zremrangebyrank z 0 0}
            {zadd z 1 a 2 b 3 c} {zremrangebylex z - (b} {zrangestore dst z 0 -1} {zunionstore u 1 z}
            {zinterstore i2 1 z} {zdiffstore d 1 z} {zadd z incr 1 b}}]
        r select 0
    }
    test "Pops are propagated in their deterministic form" {
        r select 9
        r del z1 z2
        r zadd z1 1 a 2 b 3 c 4 d
        set p [propagated {
            r zpopmin z1
            r zpopmax z1 1
            r zmpop 2 z2 z1 max count 5
            r zpopmin z1
            r zmpop 1 z1 min
        }]
        expect_eq $p {{select 9} {zpopmin z1} {zpopmax z1 1} {zpopmax z1 5}}
        r zadd z1 1 a
        set p [propagated { r bzpopmin z2 z1 0 }]
        expect_eq $p {{select 9} {zpopmin z1}}
        r zadd z1 1 a
        set p [propagated { r bzmpop 0 2 z2 z1 max count 3 }]
        expect_eq $p {{select 9} {zpopmax z1 3}}
        r select 0
    }
    test "Key events, with Valkey's names" {
        r del z dst
        set ev [events {
            r zadd z 1 a 2 b 3 c 4 d
            r zadd z nx 1 a
            r zincrby z 1 a
            r zadd z incr 1 a
            r zrem z a
            r zremrangebyrank z 0 0
            r zremrangebyscore z 3 3
            r zadd z 4 x 4 y
            r zremrangebylex z {[x} {[x}
            r zpopmin z
            r zpopmax z
        }]
        expect_eq $ev [list {*}{{0 new z} {0 zadd z} {0 zincr z} {0 zincr z} {0 zrem z} {0 zremrangebyrank z}
            {0 zremrangebyscore z} {0 zadd z} {0 zremrangebylex z} {0 zpopmin z} {0 zpopmax z} {0 del z}}]
        r zadd z 1 a 2 b
        set ev [events {
            r zrangestore dst z 0 -1
            r zunionstore dst 1 z
            r zinterstore dst 1 z
            r zdiffstore dst 1 z
            r zrangestore dst nokey 0 -1
            r zunionstore dst 1 nokey
            r zrem z a b
        }]
        expect_eq $ev [list {*}{{0 new dst} {0 zrangestore dst} {0 zunionstore dst} {0 zinterstore dst}
            {0 zdiffstore dst} {0 del dst} {0 zrem z} {0 del z}}]
    }
    test "The dirty counter counts elements, as Valkey's does" {
        r del z
        set d [dirty]
        r zadd z 1 a 2 b 3 c
        expect_eq [expr {[dirty] - $d}] 3
        set d [dirty]
        r zadd z ch 5 a 2 b 6 d
        expect_eq [expr {[dirty] - $d}] 2
        set d [dirty]
        r zrem z a b x
        expect_eq [expr {[dirty] - $d}] 2
        set d [dirty]
        r zpopmin z 5
        expect_eq [expr {[dirty] - $d}] 2
        r zadd z 1 a 2 b 3 c
        set d [dirty]
        r zremrangebyrank z 0 1
        expect_eq [expr {[dirty] - $d}] 2
        set d [dirty]
        r zunionstore u 1 z
        expect_eq [expr {[dirty] - $d}] 1
        set d [dirty]
        r zadd z nx 1 c
        r zscore z c
        expect_eq [expr {[dirty] - $d}] 0
    }

    # ---- memory, digest, generic commands ------------------------------------------------------------
    test "MEMORY USAGE grows with the set, both encodings" {
        r del z
        r zadd z 1 a
        set small [r memory usage z]
        for {set i 0} {$i < 100} {incr i} { r zadd z $i m$i }
        set lp [r memory usage z]
        expect_gt $lp $small
        for {set i 100} {$i < 1000} {incr i} { r zadd z $i m$i }
        expect_eq [r object encoding z] skiplist
        set sk [r memory usage z samples 0]
        expect_gt $sk [expr {$lp * 5}]
        # a 1000-member skiplist of short members: well under 100 bytes each
        expect_lt $sk 100000
        set sampled [r memory usage z]
        expect_between $sampled [expr {$sk / 2}] [expr {$sk * 2}]
    }
    test "DEBUG DIGEST-VALUE is the same for both encodings and changes with any score" {
        set pairs {1 a 2.5 b -inf c 3 "d\x00"}
        make_zset l listpack $pairs
        make_zset s skiplist $pairs
        expect_eq [r debug digest-value l] [r debug digest-value s]
        r zincrby s 0.5 a
        expect_ne [r debug digest-value l] [r debug digest-value s]
        r zincrby l 0.5 a
        expect_eq [r debug digest-value l] [r debug digest-value s]
        r del l s
    }
    test "COPY, RENAME, MOVE, DEL, TYPE, SCAN TYPE, RANDOMKEY, expiry" {
        r flushdb
        foreach enc {listpack skiplist} {
            make_zset z $enc {1 a 2 b}
            expect_eq [r copy z z2] 1
            expect_eq [r object encoding z2] $enc
            r zadd z2 3 c
            expect_eq [r zrange z 0 -1] {a b}
            expect_eq [r zrange z2 0 -1] {a b c}
            expect_eq [r rename z2 z3] OK
            expect_eq [r zcard z3] 3
            expect_eq [r move z3 9] 1
            r select 9
            expect_eq [r zrange z3 0 -1 withscores] {a 1 b 2 c 3}
            r del z3
            r select 0
            expect_eq [r scan 0 type zset] {0 z}
            expect_eq [r randomkey] z
            r pexpire z 30
            wait_for {[r exists z] == 0}
            expect_eq [r del z] 0
        }
    }

    # ---- the compact form of small sorted sets (a scorepack, "listpack" to OBJECT ENCODING) ----------
    test "A ten-pair sorted set costs a 48-byte value (jemalloc), the memory target's budget" {
        set jemalloc [string match jemalloc* [server_info_field mem_allocator memory]]
        r flushdb
        set before [server_info_field used_memory memory]
        for {set k 0} {$k < 2000} {incr k} {
            r zadd [format z:%08d $k] 0 m0 1 m1 2 m2 3 m3 4 m4 5 m5 6 m6 7 m7 8 m8 9 m9
        }
        set per [expr {([server_info_field used_memory memory] - $before) / 2000.0}]
        expect_eq [r object encoding z:00000000] listpack
        # Kv 48 + value 48 + the keyspace table's share; Valkey's listpack
        # alone is an 80-byte block.  The target (12 MiB for 100k keys)
        # needs <= ~125.  Other allocators round differently.
        expect_lt $per [expr {$jemalloc ? 120 : 200}]
        r flushdb
    }
    test "Scores of every stored form read back exactly, replies alike in both encodings" {
        set pairs {-0 a 9007199254740992 b 9007199254740994 c -9007199254740992 d 1e20 e
                   1700000000.25 f 63 g 64 h -64 i -65 j 8192 k inf l -inf m 0.1 n 1e-300 o}
        make_zset l listpack $pairs
        make_zset s skiplist $pairs
        expect_eq [r zrange l 0 -1 withscores] [r zrange s 0 -1 withscores]
        expect_eq [r zrange l 0 -1 withscores] {m -inf d -9007199254740992 j -65 i -64 a -0 o 1e-300 n 0.1 g 63 h 64 k 8192 f 1700000000.25 b 9007199254740992 c 9007199254740994 e 1e+20 l inf}
        # ZSCAN of the small form gives the text Valkey's listpack holds
        expect_eq [r zscan l 0 match {[abcef]}] {0 {a -0 f 1700000000.25 b 9007199254740992 c 9007199254740994 e 1e+20}}
        foreach m {a b c d e f g h i j k l m n o} {
            expect_eq [r zscore l $m] [r zscore s $m]
            expect_eq [r zrank l $m withscore] [r zrank s $m withscore]
        }
        # -0 and 0 are the same score: ties by member
        r zadd l 0 0z
        expect_eq [r zrangebyscore l 0 0] {0z a}
        expect_eq [r debug digest-value l] [r debug digest-value l]
        r del l s
    }
    test "Raised limits: a big small-form value (600 elements, long members) answers as a skiplist" {
        with_config zset-max-listpack-entries 1000 {
            with_config zset-max-listpack-value 300 {
                set pairs {}
                for {set i 0} {$i < 600} {incr i} {
                    set m [string repeat [format %c [expr {97 + $i % 7}]] [expr {1 + ($i * 37) % 200}]]$i
                    lappend pairs [expr {$i % 5 == 0 ? $i / 10.0 : $i % 97}] $m
                }
                r del l s
                r zadd l {*}$pairs
                make_zset s skiplist $pairs
                expect_eq [r object encoding l] listpack
                expect_eq [r zcard l] 600
                foreach cmd {
                    {zrange K 0 -1 withscores} {zrange K 0 -1 rev withscores} {zrange K 100 130}
                    {zrange K -40 -1 rev} {zrangebyscore K 10 20 withscores limit 3 7}
                    {zrevrangebyscore K 50 (10 withscores limit 2 50} {zcount K (5 60}
                    {zrangebyscore K -inf +inf limit 590 20} {zrevrange K 0 9 withscores}
                } {
                    expect_eq [r {*}[string map {K l} $cmd]] [r {*}[string map {K s} $cmd]] $cmd
                }
                foreach {m sc} [lrange [r zrange s 0 -1 withscores] 0 40] {
                    expect_eq [r zrevrank l $m withscore] [r zrevrank s $m withscore]
                }
                # every member at once, in order, from a unique random pick
                expect_eq [lsort [r zrandmember l 600]] [lsort [r zrange s 0 -1]]
                expect_eq [llength [lsort -unique [r zrandmember l 300]]] 300
                expect_eq [r zpopmax l 3] [r zpopmax s 3]
                expect_eq [r zpopmin l 2] [r zpopmin s 2]
                expect_eq [r zremrangebyrank l 100 199] [r zremrangebyrank s 100 199]
                expect_eq [r zremrangebyscore l 20 40] [r zremrangebyscore s 20 40]
                expect_eq [r zrange l 0 -1 withscores] [r zrange s 0 -1 withscores]
                expect_eq [r debug digest-value l] [r debug digest-value s]
                expect_eq [r object encoding l] listpack
                expect_eq [r debug keyspace-check] OK
                r del l s
            }
        }
    }
    test "Lex ranges on a big small-form value of equal scores, both directions" {
        with_config zset-max-listpack-entries 1000 {
            set pairs {}
            for {set i 0} {$i < 300} {incr i} { lappend pairs 0 [format w%03d $i] }
            r del l s
            r zadd l {*}$pairs
            make_zset s skiplist $pairs
            foreach cmd {
                {zrangebylex K [w100 (w200 limit 10 5} {zrevrangebylex K (w250 [w010 limit 0 7}
                {zrevrangebylex K + - limit 295 10} {zlexcount K (w005 [w290} {zrangebylex K - + limit 299 5}
                {zremrangebylex K [w050 (w060} {zrange K 0 -1}
            } {
                expect_eq [r {*}[string map {K l} $cmd]] [r {*}[string map {K s} $cmd]] $cmd
            }
            r del l s
        }
    }

    # ---- both encodings answer alike ----------------------------------------------------------------
    test "Seeded random commands: a listpack and a skiplist answer alike" {
        set seed [expr {[info exists ::env(FUZZ_SEED)] ? $::env(FUZZ_SEED) : 1234}]
        expr {srand($seed)}
        proc rnd {n} { return [expr {int(rand() * $n)}] }
        proc rscore {} {
            switch [rnd 6] {
                0 { return [expr {[rnd 21] - 10}] }
                1 { return [expr {[rnd 11] - 5}].5 }
                2 { return [lindex {inf -inf 0 -0 1e300 0.1} [rnd 6]] }
                default { return [rnd 4] }
            }
        }
        proc rbound {} {
            switch [rnd 4] {
                0 { return "([rscore]" }
                1 { return [lindex {-inf +inf (-inf (+inf} [rnd 4]] }
                default { return [rscore] }
            }
        }
        proc rlex {} {
            switch [rnd 5] {
                0 { return [lindex {- +} [rnd 2]] }
                1 { return "(m[rnd 30]" }
                default { return "\[m[rnd 30]" }
            }
        }
        r del L S
        r zadd L 0 seed
        make_zset S skiplist {0 seed}
        for {set i 0} {$i < 3000} {incr i} {
            set lexonly [expr {$i % 1000 > 800}]
            set w [rnd 14]
            set m m[rnd 30]
            switch $w {
                0 - 1 { set cmd [list zadd K [expr {$lexonly ? 0 : [rscore]}] $m] }
                2 { set cmd [list zincrby K [expr {$lexonly ? 0 : [rscore]}] $m] }
                3 { set cmd [list zrem K $m] }
                4 { set cmd [list zrange K [expr {[rnd 40] - 20}] [expr {[rnd 40] - 20}] {*}[lindex {{} rev withscores {rev withscores}} [rnd 4]]] }
                5 { set cmd [list zrange K [rbound] [rbound] byscore {*}[lindex {{} rev withscores} [rnd 3]] limit [rnd 5] [expr {[rnd 6] - 1}]] }
                6 { set cmd [list zcount K [rbound] [rbound]] }
                7 { set cmd [list zrank K $m withscore] }
                8 { set cmd [list zrevrank K $m] }
                9 { set cmd [list zremrangebyrank K [expr {[rnd 10] - 5}] [expr {[rnd 10] - 5}]] }
                10 { set cmd [list zremrangebyscore K [rbound] [rbound]] }
                11 { set cmd [list zrangebyscore K [rbound] [rbound] withscores] }
                12 {
                    if {!$lexonly} { set cmd [list zscore K $m] } else {
                        set cmd [list zrangebylex K [rlex] [rlex] limit [rnd 3] [expr {[rnd 5] - 1}]]
                    }
                }
                13 {
                    if {!$lexonly} { set cmd [list zmscore K $m m1] } else {
                        set cmd [list [lindex {zlexcount zremrangebylex zrevrangebylex} [rnd 3]] K [rlex] [rlex]]
                    }
                }
            }
            if {$lexonly && $i % 1000 == 801} { r del L S; r zadd L 0 seed; make_zset S skiplist {0 seed} }
            set cl [string map {K L} $cmd]
            set cs [string map {K S} $cmd]
            set a [catch {r {*}$cl} ra]
            set b [catch {r {*}$cs} rb]
            if {$a != $b || $ra ne $rb} {
                tf::fail "seed $seed step $i: [tf::show $cmd]\nlistpack: [tf::show $ra]\nskiplist: [tf::show $rb]"
            }
            if {[r exists S] == 0} { r zadd L 0 seed; make_zset S skiplist {0 seed} }
        }
        expect_eq [r zrange L 0 -1 withscores] [r zrange S 0 -1 withscores]
        expect_eq [r debug digest-value L] [r debug digest-value S]
    }

    test "DEBUG KEYSPACE-CHECK after all of the above" {
        expect_eq [r debug keyspace-check] OK
    }
}
