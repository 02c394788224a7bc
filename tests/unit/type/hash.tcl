# Hash commands: every command and option with Valkey 8's replies in
# RESP2 and RESP3, the error texts, the listpack/hashtable encodings at
# Valkey's thresholds (and never back), HRANDFIELD's cases and the
# uniformity of its draws (chi-square), HSCAN's cursor guarantee across
# resizes, binary and huge values, propagation, key events, the dirty
# counter, MEMORY USAGE, DEBUG DIGEST-VALUE across encodings and the
# generic key commands on hashes.

file_tags {hash needs:hash}

# Whether the server's long double is a plain double (32-bit ARM), which
# changes the precision of HINCRBYFLOAT as it does Valkey's there.
proc ldbl_is_double {} {
    set os [server_info_field os server]
    return [expr {[server_info_field arch_bits server] == 32 && [regexp {\sarm} $os]}]
}

proc fill_hash {key n {prefix f}} {
    set args {}
    for {set i 0} {$i < $n} {incr i} { lappend args $prefix$i v$i }
    r hset $key {*}$args
}

proc names {n {prefix f}} {
    set out {}
    for {set i 0} {$i < $n} {incr i} { lappend out $prefix$i }
    return $out
}

with_server {
    set max_entries [lindex [r config get hash-max-listpack-entries] 1]
    set max_value [lindex [r config get hash-max-listpack-value] 1]

    # ---- HSET / HMSET / HSETNX / HGET ----------------------------------------
    test "HSET adds fields and returns how many were new" {
        r del h
        expect_eq [r hset h a 1] 1
        expect_eq [r hset h a 2 b 3 c 4] 2
        expect_eq [r hget h a] 2
        expect_eq [r hget h c] 4
        expect_eq [r hlen h] 3
        expect_eq [r type h] hash
    }
    test "HSET with the same field twice keeps the last value" {
        r del h
        expect_eq [r hset h a 1 a 2] 1
        expect_eq [r hgetall h] {a 2}
    }
    test "HMSET replies OK and sets every pair" {
        r del h
        expect_eq [r hmset h a 1 b 2] OK
        expect_eq [r hmset h b 3] OK
        expect_eq [r hgetall h] {a 1 b 3}
    }
    test "HSET and HMSET need whole pairs" {
        expect_err "ERR wrong number of arguments for 'hset' command" {r hset h a}
        expect_err "ERR wrong number of arguments for 'hset' command" {r hset h a 1 b}
        expect_err "ERR wrong number of arguments for 'hmset' command" {r hmset h a}
        expect_err "ERR wrong number of arguments for 'hmset' command" {r hmset h a 1 b}
        expect_err "ERR wrong number of arguments for 'hset' command" {r hset h}
    }
    test "HSETNX sets only a missing field" {
        r del h
        expect_eq [r hsetnx h a 1] 1
        expect_eq [r hsetnx h a 2] 0
        expect_eq [r hget h a] 1
        expect_eq [r hsetnx h b 2] 1
        expect_eq [r hlen h] 2
        expect_err "ERR wrong number of arguments for 'hsetnx' command" {r hsetnx h a}
    }
    test "HGET of a missing field or key is null (RESP2 and RESP3)" {
        r del h nokey
        r hset h a 1
        expect_null {r hget h nofield}
        expect_rtype nullbulk {r hget h nofield}
        expect_rtype nullbulk {r hget nokey a}
        set c [new_client -resp 3]
        expect_eq [$c .typed hget nokey a] {null}
        expect_eq [$c .typed hget h nofield] {null}
        expect_eq [$c .typed hget h a] {bulk 1}
        $c .close
    }

    # ---- HMGET / HGETALL / HKEYS / HVALS ----------------------------------------
    test "HMGET returns values and nulls in argument order" {
        r del h nokey
        r hset h a 1 b 2
        expect_eq [r hmget h b nofield a] {2 {} 1}
        expect_eq [r hmget nokey a b] {{} {}}
        expect_eq [lindex [r .typed hmget h nofield a] 1] [list nullbulk {bulk 1}]
    }
    test "HGETALL, HKEYS, HVALS keep insertion order while small" {
        r del h
        r hset h z 1 y 2 x 3
        r hset h y 20
        r hdel h z
        r hset h w 4
        expect_eq [r hgetall h] {y 20 x 3 w 4}
        expect_eq [r hkeys h] {y x w}
        expect_eq [r hvals h] {20 3 4}
    }
    test "HGETALL is a map in RESP3; missing keys read as empty" {
        r del h nokey
        r hset h a 1 b 2
        set c [new_client -resp 3]
        expect_eq [$c .typed hgetall h] {map {{bulk a} {bulk 1} {bulk b} {bulk 2}}}
        expect_eq [$c .typed hgetall nokey] {map {}}
        expect_eq [$c .typed hkeys nokey] {array {}}
        expect_eq [$c .typed hvals h] {array {{bulk 1} {bulk 2}}}
        $c .close
        expect_eq [r .typed hgetall h] {array {{bulk a} {bulk 1} {bulk b} {bulk 2}}}
        expect_eq [r .typed hgetall nokey] {array {}}
        expect_eq [r hkeys nokey] {}
        expect_eq [r hvals nokey] {}
    }
    test "HGETALL of a hashtable-encoded hash returns every pair once" {
        r del h
        fill_hash h [expr {$max_entries + 10}]
        expect_eq [r object encoding h] hashtable
        set d [r hgetall h]
        expect_eq [llength $d] [expr {2 * ($max_entries + 10)}]
        expect_eq [dict size $d] [expr {$max_entries + 10}]
        expect_eq [dict get $d f7] v7
        expect_eq [lsort [r hkeys h]] [lsort [names [expr {$max_entries + 10}]]]
        expect_eq [llength [r hvals h]] [expr {$max_entries + 10}]
    }

    # ---- HDEL / HEXISTS / HLEN / HSTRLEN ----------------------------------------
    test "HDEL removes fields and counts them; the last one deletes the key" {
        r del h
        r hset h a 1 b 2 c 3
        expect_eq [r hdel h a nofield] 1
        expect_eq [r hdel h a] 0
        expect_eq [r hdel nokey a] 0
        expect_eq [r hdel h b c a] 2
        expect_eq [r exists h] 0
        expect_eq [r hlen h] 0
    }
    test "HDEL empties a hashtable-encoded hash too" {
        r del h
        fill_hash h [expr {$max_entries + 1}]
        expect_eq [r object encoding h] hashtable
        expect_eq [r hdel h {*}[names [expr {$max_entries + 1}]] extra] [expr {$max_entries + 1}]
        expect_eq [r exists h] 0
    }
    test "HEXISTS, HLEN and HSTRLEN" {
        r del h nokey
        r hset h a hello b "" c 12345
        expect_eq [r hexists h a] 1
        expect_eq [r hexists h z] 0
        expect_eq [r hexists nokey a] 0
        expect_eq [r hlen h] 3
        expect_eq [r hlen nokey] 0
        expect_eq [r hstrlen h a] 5
        expect_eq [r hstrlen h b] 0
        expect_eq [r hstrlen h c] 5
        expect_eq [r hstrlen h z] 0
        expect_eq [r hstrlen nokey a] 0
        r hset h big [string repeat x 1000]
        expect_eq [r hstrlen h big] 1000
    }

    # ---- HINCRBY / HINCRBYFLOAT --------------------------------------------------
    test "HINCRBY creates, adds and subtracts" {
        r del h
        expect_eq [r hincrby h n 5] 5
        expect_eq [r hincrby h n -7] -2
        expect_eq [r hget h n] -2
        expect_eq [r hincrby h n 0] -2
        r hset h big 9223372036854775806
        expect_eq [r hincrby h big 1] 9223372036854775807
        r hset h small -9223372036854775807
        expect_eq [r hincrby h small -1] -9223372036854775808
    }
    test "HINCRBY errors: overflow, non-integer values and increments" {
        r del h
        r hset h max 9223372036854775807 min -9223372036854775808 s abc z 01 sp " 1" e ""
        expect_err "ERR increment or decrement would overflow" {r hincrby h max 1}
        expect_err "ERR increment or decrement would overflow" {r hincrby h min -1}
        foreach f {s z sp e} {
            expect_err "ERR hash value is not an integer" {r hincrby h $f 1}
        }
        expect_err "ERR value is not an integer or out of range" {r hincrby h n x}
        expect_err "ERR value is not an integer or out of range" {r hincrby h n 1.5}
        expect_err "ERR value is not an integer or out of range" {r hincrby h n 9223372036854775808}
        expect_eq [r hget h max] 9223372036854775807
        expect_eq [r hexists h n] 0
        # The increment is checked before the key's type.
        r set str x
        expect_err "ERR value is not an integer or out of range" {r hincrby str f x}
        expect_err "WRONGTYPE*" {r hincrby str f 1}
    }
    test "HINCRBYFLOAT formats like Valkey" {
        r del h
        expect_eq [r hincrbyfloat h f 10.5] 10.5
        expect_eq [r hincrbyfloat h f 0.1] 10.6
        expect_eq [r hincrbyfloat h f -10.6] 0
        expect_eq [r hincrbyfloat h g 1e17] 100000000000000000
        # Sums are long doubles, as in Valkey; on 32-bit ARM a long double
        # is a double, whose neighbours near 1e17 are 16 apart.
        if {[ldbl_is_double]} {
            expect_eq [r hincrbyfloat h g 1.5] 100000000000000000
        } else {
            expect_eq [r hincrbyfloat h g 1.5] 100000000000000001.5
        }
        expect_eq [r hincrbyfloat h i 5.0e3] 5000
        expect_eq [r hincrbyfloat h i 0x10] 5016
        r hset h n 3
        expect_eq [r hincrbyfloat h n 1.25] 4.25
        r hset h z 1e3
        expect_eq [r hincrbyfloat h z 1] 1001
    }
    test "HINCRBYFLOAT errors" {
        r del h
        r hset h s abc sp " 1" big 1.1e4932
        expect_err "ERR hash value is not a float" {r hincrbyfloat h s 1}
        expect_err "ERR hash value is not a float" {r hincrbyfloat h sp 1}
        expect_err "ERR value is not a valid float" {r hincrbyfloat h f abc}
        expect_err "ERR value is not a valid float" {r hincrbyfloat h f nan}
        expect_err "ERR value is NaN or Infinity" {r hincrbyfloat h f inf}
        expect_err "ERR value is NaN or Infinity" {r hincrbyfloat h f -inf}
        if {[ldbl_is_double]} {
            # 1.1e4932 is beyond a double: not a number at all there.
            expect_err "ERR value is not a valid float" {r hincrbyfloat h big 1.1e4932}
        } else {
            expect_err "ERR increment would produce NaN or Infinity" {r hincrbyfloat h big 1.1e4932}
        }
        expect_eq [r hget h big] 1.1e4932
        expect_eq [r hexists h f] 0
        r set str x
        expect_err "ERR value is not a valid float" {r hincrbyfloat str f x}
        expect_err "WRONGTYPE*" {r hincrbyfloat str f 1}
        r del nokey
        expect_err "ERR value is NaN or Infinity" {r hincrbyfloat nokey f inf}
        expect_eq [r exists nokey] 0
    }

    # ---- WRONGTYPE ----------------------------------------------------------------
    test "Every hash command refuses a key of another type" {
        r del str
        r set str x
        foreach cmd {
            {hset str a 1} {hmset str a 1} {hsetnx str a 1} {hget str a} {hmget str a}
            {hgetall str} {hkeys str} {hvals str} {hdel str a} {hexists str a} {hlen str}
            {hstrlen str a} {hincrby str a 1} {hincrbyfloat str a 1} {hrandfield str}
            {hrandfield str 2} {hrandfield str 0} {hrandfield str -2 withvalues} {hscan str 0}
        } {
            expect_err "WRONGTYPE Operation against a key holding the wrong kind of value" {r {*}$cmd}
        }
        expect_eq [r get str] x
    }
    test "Arity errors" {
        foreach {cmd args} {
            hget {h} hmget {h} hgetall {} hkeys {h x} hvals {} hdel {h} hexists {h}
            hlen {} hstrlen {h} hincrby {h f} hincrbyfloat {h f} hrandfield {} hscan {h}
            hsetnx {h f}
        } {
            expect_err "ERR wrong number of arguments for '$cmd' command" {r $cmd {*}$args}
        }
    }

    # ---- binary and huge values ---------------------------------------------------
    test "Fields and values with NUL, CR LF and empty strings" {
        foreach size {small big} {
            r del h
            if {$size eq "big"} { fill_hash h [expr {$max_entries + 1}] pad }
            set f1 "a\x00b"
            set f2 "line\r\nbreak"
            r hset h $f1 "v\x00\r\n" $f2 "" "" empty
            expect_eq [r hget h $f1] "v\x00\r\n"
            expect_eq [r hget h $f2] ""
            expect_eq [r hget h ""] empty
            expect_eq [r hexists h "a"] 0
            expect_eq [r hstrlen h $f1] 4
            expect_eq [r hdel h $f1 ""] 2
            expect_eq [r hget h $f2] ""
            if {$size eq "small"} { expect_eq [r hgetall h] [list $f2 ""] }
        }
    }
    test "Huge values and many fields" {
        r del h
        set v [string repeat "0123456789" 100000]
        r hset h big $v small x
        expect_eq [r hstrlen h big] 1000000
        expect_eq [r hget h big] $v
        expect_eq [r object encoding h] hashtable
        r del h
        fill_hash h 20000
        expect_eq [r hlen h] 20000
        expect_eq [r hget h f19999] v19999
        expect_eq [r hdel h f0 f19999] 2
        expect_eq [r hlen h] 19998
    }

    # ---- encodings -------------------------------------------------------------------
    test "listpack up to hash-max-listpack-entries, hashtable past it" {
        r del h
        fill_hash h $max_entries
        expect_eq [r object encoding h] listpack
        r hset h f0 changed
        expect_eq [r object encoding h] listpack
        r hset h one more
        expect_eq [r object encoding h] hashtable
        expect_eq [r hlen h] [expr {$max_entries + 1}]
        expect_eq [r hget h f0] changed
        expect_eq [r hget h one] more
    }
    test "listpack up to hash-max-listpack-value bytes, hashtable past it" {
        r del h
        r hset h f [string repeat v $max_value] [string repeat k $max_value] x
        expect_eq [r object encoding h] listpack
        r del h
        r hset h a 1 f [string repeat v [expr {$max_value + 1}]]
        expect_eq [r object encoding h] hashtable
        expect_eq [r hget h a] 1
        r del h
        r hset h a 1
        r hset h [string repeat k [expr {$max_value + 1}]] 1
        expect_eq [r object encoding h] hashtable
        r del h
        r hsetnx h a 1
        r hsetnx h b [string repeat v [expr {$max_value + 1}]]
        expect_eq [r object encoding h] hashtable
    }
    test "A long argument converts even when it only updates, HSETNX of an existing field does not" {
        r del h
        r hset h a 1
        r hsetnx h a [string repeat v [expr {$max_value + 1}]]
        expect_eq [r object encoding h] listpack
        expect_eq [r hget h a] 1
        r hset h a 1 [string repeat k [expr {$max_value + 1}]] 1
        expect_eq [r object encoding h] hashtable
    }
    test "HSET with more pairs than the listpack holds converts up front, even duplicates" {
        r del h
        set args {}
        for {set i 0} {$i <= $max_entries} {incr i} { lappend args same v$i }
        r hset h {*}$args
        expect_eq [r hlen h] 1
        expect_eq [r object encoding h] hashtable
        expect_eq [r hget h same] v$max_entries
    }
    test "HINCRBY and HINCRBYFLOAT results past the value limit convert" {
        r config set hash-max-listpack-value 4
        r del h g
        r hset h n 9999
        expect_eq [r object encoding h] listpack
        r hincrby h n 1
        expect_eq [r object encoding h] hashtable
        r hset g f 1
        r hincrbyfloat g f 0.125
        expect_eq [r object encoding g] hashtable
        expect_eq [r hget g f] 1.125
        r config set hash-max-listpack-value $max_value
    }
    test "A hashtable never converts back; new limits apply to new writes only" {
        r del h g
        fill_hash h [expr {$max_entries + 1}]
        r hdel h {*}[names $max_entries]
        expect_eq [r hlen h] 1
        expect_eq [r object encoding h] hashtable
        fill_hash g 10
        r config set hash-max-ziplist-entries 5
        expect_eq [lindex [r config get hash-max-listpack-entries] 1] 5
        expect_eq [r object encoding g] listpack
        r hget g f0
        r hsetnx g f0 y
        r hdel g nofield
        expect_eq [r object encoding g] listpack
        # Any write of a value checks the count, updates included.
        r hset g f0 x
        expect_eq [r object encoding g] hashtable
        expect_eq [r hget g f0] x
        r config set hash-max-listpack-entries 0
        r del z
        r hset z a 1
        expect_eq [r object encoding z] hashtable
        r del z
        r hincrby z a 1
        expect_eq [r object encoding z] hashtable
        r config set hash-max-listpack-entries $max_entries
    }

    # ---- HRANDFIELD ----------------------------------------------------------------
    test "HRANDFIELD without a count: a field, or null for a missing key" {
        r del h nokey
        r hset h a 1 b 2 c 3
        for {set i 0} {$i < 20} {incr i} { expect_true {[r hrandfield h] in {a b c}} }
        expect_null {r hrandfield nokey}
        expect_rtype nullbulk {r hrandfield nokey}
        set c [new_client -resp 3]
        expect_eq [$c .typed hrandfield nokey] {null}
        $c .close
    }
    test "HRANDFIELD count errors and their order" {
        r del h nokey
        r hset h a 1
        expect_err "ERR value is not an integer or out of range" {r hrandfield h x}
        expect_err "ERR value is not an integer or out of range" {r hrandfield nokey 1.5}
        expect_err "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807" \
            {r hrandfield h -9223372036854775808}
        expect_err "ERR syntax error" {r hrandfield h 1 withvalue}
        expect_err "ERR syntax error" {r hrandfield nokey 1 withvalues x}
        expect_err "ERR value is out of range" {r hrandfield h 4611686018427387904 withvalues}
        expect_err "ERR value is out of range" {r hrandfield nokey -4611686018427387904 withvalues}
        expect_eq [r hrandfield h 4611686018427387903 withvalues] {a 1}
        expect_eq [r hrandfield h 9223372036854775807] {a}
        expect_eq [r hrandfield h 0] {}
        expect_eq [r hrandfield nokey 5] {}
        expect_eq [r hrandfield nokey -5 withvalues] {}
        expect_eq [r hrandfield h 0 WITHVALUES] {}
    }
    foreach enc {listpack hashtable} {
        test "HRANDFIELD counts on a $enc hash: repeats only for negative counts" {
            r del h
            set n [expr {$enc eq "listpack" ? 10 : $max_entries + 40}]
            fill_hash h $n
            expect_eq [r object encoding h] $enc
            # count >= size: the whole hash
            set all [r hrandfield h [expr {$n + 5}]]
            expect_eq [lsort $all] [lsort [names $n]]
            set all [r hrandfield h $n withvalues]
            expect_eq [dict size $all] $n
            dict for {f v} $all { expect_eq v[string range $f 1 end] $v }
            # positive counts: distinct fields, in every range of the size
            foreach count [list 1 2 [expr {$n / 4}] [expr {$n / 3 + 1}] [expr {$n - 1}]] {
                set got [r hrandfield h $count]
                expect_eq [llength $got] $count
                expect_eq [llength [lsort -unique $got]] $count
                set got [r hrandfield h $count withvalues]
                expect_eq [llength $got] [expr {2 * $count}]
                expect_eq [dict size $got] $count
                dict for {f v} $got { expect_eq v[string range $f 1 end] $v }
            }
            # negative counts: exactly |count| draws, repeats expected
            set got [r hrandfield h [expr {-3 * $n}]]
            expect_eq [llength $got] [expr {3 * $n}]
            expect_lt [llength [lsort -unique $got]] [expr {3 * $n}]
            foreach f $got { expect_true {[string match f* $f]} }
            set got [r hrandfield h -5 withvalues]
            expect_eq [llength $got] 10
            foreach {f v} $got { expect_eq v[string range $f 1 end] $v }
            expect_eq [llength [r hrandfield h -1]] 1
        }
        test "HRANDFIELD WITHVALUES in RESP3 is an array of pairs ($enc)" {
            set c [new_client -resp 3]
            set t [$c .typed hrandfield h 3 withvalues]
            expect_eq [lindex $t 0] array
            expect_eq [llength [lindex $t 1]] 3
            foreach p [lindex $t 1] {
                expect_eq [lindex $p 0] array
                lassign [lindex $p 1] f v
                expect_eq [lindex $f 0] bulk
                expect_eq v[string range [lindex $f 1] 1 end] [lindex $v 1]
            }
            set t [$c .typed hrandfield h -4 withvalues]
            expect_eq [llength [lindex $t 1]] 4
            expect_eq [lindex $t 1 0 0] array
            set t [$c .typed hrandfield h 2]
            expect_eq [lindex $t 1 0 0] bulk
            set t [$c .typed hrandfield h 100000 withvalues]
            expect_eq [llength [lindex $t 1]] [r hlen h]
            $c .close
        }
    }
    foreach enc {listpack hashtable} {
        test "HRANDFIELD draws are uniform ($enc, chi-square)" {
            r del h
            if {$enc eq "listpack"} {
                set n 20
            } else {
                r config set hash-max-listpack-entries 16
                set n 50
            }
            fill_hash h $n
            expect_eq [r object encoding h] $enc
            set all [names $n]
            # negative count: independent draws
            set draws [r hrandfield h [expr {-$n * 400}]]
            set x [chi_square [tally $all $draws] 400]
            expect_lt $x [chi_limit [expr {$n - 1}]]
            # without a count, one call per draw
            for {set i 0} {$i < $n * 100} {incr i} { r .send hrandfield h }
            set draws {}
            for {set i 0} {$i < $n * 100} {incr i} { lappend draws [r .read] }
            set x [chi_square [tally $all $draws] 100]
            expect_lt $x [chi_limit [expr {$n - 1}]]
            # positive counts: each field equally likely to be in the sample,
            # for a small sample and for one near the size
            foreach k [list 3 [expr {$n * 2 / 3}]] {
                set calls [expr {$n * 300 / $k}]
                for {set i 0} {$i < $calls} {incr i} { r .send hrandfield h $k }
                set draws {}
                for {set i 0} {$i < $calls} {incr i} {
                    set s [r .read]
                    expect_eq [llength [lsort -unique $s]] $k
                    lappend draws {*}$s
                }
                set x [chi_square [tally $all $draws] [expr {$calls * $k / double($n)}]]
                expect_lt $x [chi_limit [expr {$n - 1}]]
            }
            r config set hash-max-listpack-entries $max_entries
        }
    }

    # ---- HSCAN ------------------------------------------------------------------------
    test "HSCAN of a listpack hash returns everything with cursor 0" {
        r del h
        r hset h a 1 b 2 key3 3
        expect_eq [r hscan h 0] {0 {a 1 b 2 key3 3}}
        expect_eq [r hscan h 12345 count 1] {0 {a 1 b 2 key3 3}}
        expect_eq [r hscan h 0 match key*] {0 {key3 3}}
        expect_eq [r hscan h 0 novalues] {0 {a b key3}}
        expect_eq [r hscan h 0 match ? NOVALUES count 100] {0 {a b}}
        expect_eq [r hscan nokey 0] {0 {}}
        expect_eq [r hscan nokey 0 badopt] {0 {}}
        set c [new_client -resp 3]
        expect_eq [$c .typed hscan h 0 match a] {array {{bulk 0} {array {{bulk a} {bulk 1}}}}}
        $c .close
    }
    test "HSCAN errors" {
        r del h
        r hset h a 1
        expect_err "ERR invalid cursor" {r hscan h x}
        expect_err "ERR invalid cursor" {r hscan h -1}
        expect_err "ERR invalid cursor" {r hscan nokey x}
        expect_err "ERR syntax error" {r hscan h 0 count 0}
        expect_err "ERR syntax error" {r hscan h 0 count -1}
        expect_err "ERR value is not an integer or out of range" {r hscan h 0 count x}
        expect_err "ERR syntax error" {r hscan h 0 count}
        expect_err "ERR syntax error" {r hscan h 0 match}
        expect_err "ERR syntax error" {r hscan h 0 type hash}
        expect_err "ERR syntax error" {r hscan h 0 foo}
    }
    test "HSCAN of a hashtable hash visits every field, MATCH and NOVALUES filter" {
        r del h
        set n [expr {$max_entries + 200}]
        fill_hash h $n
        expect_eq [r object encoding h] hashtable
        foreach {opts want_values} {{} 1 {count 7} 1 {novalues} 0 {count 50 novalues} 0} {
            set cur 0
            set seen {}
            set calls 0
            while 1 {
                lassign [r hscan h $cur {*}$opts] cur items
                incr calls
                if {$want_values} {
                    foreach {f v} $items {
                        expect_eq v[string range $f 1 end] $v
                        lappend seen $f
                    }
                } else {
                    lappend seen {*}$items
                }
                if {$cur == 0} break
            }
            expect_gt $calls 1
            expect_eq [lsort -unique $seen] [lsort [names $n]]
        }
        set cur 0
        set seen {}
        while 1 {
            lassign [r hscan h $cur match f1?] cur items
            foreach {f v} $items { lappend seen $f }
            if {$cur == 0} break
        }
        expect_eq [lsort -unique $seen] [lsort {f10 f11 f12 f13 f14 f15 f16 f17 f18 f19}]
    }
    test "HSCAN reports every field present for the whole scan across resizes" {
        foreach mode {grow shrink} {
            r del h
            set n 1500
            fill_hash h $n
            if {$mode eq "shrink"} { fill_hash h 20000 tmp }
            set cur 0
            set seen {}
            set step 0
            while 1 {
                lassign [r hscan h $cur count 20 novalues] cur items
                lappend seen {*}$items
                incr step
                # Between the first calls, the table grows (or shrinks) by
                # several doublings.
                if {$step <= 20} {
                    set batch {}
                    for {set i 0} {$i < 1000} {incr i} {
                        if {$mode eq "grow"} { lappend batch x$step:$i v } else { lappend batch tmp[expr {($step - 1) * 1000 + $i}] }
                    }
                    if {$mode eq "grow"} { r hset h {*}$batch } else { r hdel h {*}$batch }
                }
                if {$cur == 0} break
            }
            set missing 0
            set have [lsort -unique $seen]
            foreach f [names $n] {
                if {[lsearch -sorted $have $f] < 0} { incr missing }
            }
            expect_eq $missing 0 "fields missed by the $mode scan"
        }
    }

    # ---- writes: propagation, events, dirty ----------------------------------------
    test "Hash writes propagate as written, HINCRBYFLOAT as HSET of the result" {
        r del h
        set p [propagated {
            r hset h a 1 b 2
            r hmset h c 3
            r hsetnx h d 4
            r hsetnx h d 5
            r hincrby h a 10
            r hincrbyfloat h b 0.5
            r hdel h c nofield
            r hdel h nofield
            r hdel nokey a
            r hget h a
            catch {r hincrby h s x}
        }]
        expect_eq [lrange $p 1 end] {{hset h a 1 b 2} {hmset h c 3} {hsetnx h d 4} {hincrby h a 10} {hset h b 2.5} {hdel h c nofield}}
        # The stored text, as formatted (long double, 17 significant
        # digits): 1000.09999999999999998 where long double is x87's 80-bit
        # format, 1000.1 where it is IEEE quad (aarch64), as Valkey there.
        r hset h f 1e3
        set p [propagated { r hincrbyfloat h f 0.1 }]
        set stored [r hget h f]
        expect_true {$stored in {1000.09999999999999998 1000.1}} "stored $stored"
        expect_eq [lindex $p end] [list hset h f $stored]
    }
    test "Key events of hash writes" {
        r select 9
        r del h
        set e [events {
            r hset h a 1 b 2
            r hmset h c 3
            r hsetnx h d 4
            r hsetnx h d 5
            r hincrby h n 1
            r hincrbyfloat h x 1.5
            r hdel h nofield
            r hdel h a b
            r hdel h c d n x
        }]
        expect_eq $e {{9 new h} {9 hset h} {9 hset h} {9 hset h} {9 hincrby h} {9 hincrbyfloat h} {9 hdel h} {9 hdel h} {9 del h}}
        r select 0
    }
    test "The dirty counter counts pairs written and fields deleted" {
        r del h
        set d0 [dirty]
        r hset h a 1 b 2 c 3
        expect_eq [expr {[dirty] - $d0}] 3
        r hset h a 1
        expect_eq [expr {[dirty] - $d0}] 4
        r hsetnx h a 1
        expect_eq [expr {[dirty] - $d0}] 4
        r hdel h a b nofield
        expect_eq [expr {[dirty] - $d0}] 6
        r hincrby h n 1
        r hincrbyfloat h n 1
        expect_eq [expr {[dirty] - $d0}] 8
    }

    # ---- memory, digests, generic commands -------------------------------------------
    test "MEMORY USAGE follows the content" {
        r del h g
        r hset h a 1
        set small [r memory usage h]
        fill_hash g 100
        set mid [r memory usage g]
        expect_gt $mid $small
        expect_lt $mid 4000
        fill_hash g 5000
        expect_eq [r object encoding g] hashtable
        set big [r memory usage g samples 0]
        expect_gt $big [expr {5000 * 20}]
        expect_lt $big [expr {5000 * 80}]
        set est [r memory usage g]
        expect_between $est [expr {$big / 2}] [expr {$big * 2}]
    }
    test "DEBUG DIGEST-VALUE is the same for the same pairs in either encoding and order" {
        r del a b c
        r hset a x 1 y 2 z 3
        r hset b z 3 x 1 y 2
        r config set hash-max-listpack-entries 0
        r hset c y 2 z 3 x 1
        r config set hash-max-listpack-entries $max_entries
        expect_eq [r object encoding a] listpack
        expect_eq [r object encoding c] hashtable
        set da [r debug digest-value a]
        expect_eq [r debug digest-value b] $da
        expect_eq [r debug digest-value c] $da
        r hset c x 2
        expect_ne [r debug digest-value c] $da
        r hset c x 1
        expect_eq [r debug digest-value c] $da
        # "ab"="c" differs from "a"="bc"
        r del a b
        r hset a ab c
        r hset b a bc
        expect_ne [r debug digest-value a] [r debug digest-value b]
    }
    foreach enc {listpack hashtable} {
        test "COPY, RENAME, MOVE, DEL, TYPE, SCAN TYPE, RANDOMKEY on a $enc hash" {
            r flushall
            set n [expr {$enc eq "listpack" ? 5 : $max_entries + 5}]
            fill_hash h $n
            expect_eq [r object encoding h] $enc
            expect_eq [r copy h h2] 1
            expect_eq [r object encoding h2] $enc
            r hset h2 f0 changed
            expect_eq [r hget h f0] v0
            expect_eq [r hget h2 f0] changed
            expect_eq [r hlen h2] $n
            r rename h2 h3
            expect_eq [r hget h3 f0] changed
            expect_eq [r exists h2] 0
            expect_eq [r move h3 1] 1
            r select 1
            expect_eq [r hlen h3] $n
            expect_eq [r type h3] hash
            r del h3
            r select 0
            r set s x
            expect_eq [lindex [r scan 0 type hash count 100] 1] {h}
            expect_true {[r randomkey] in {h s}}
            r del s
            expect_eq [r randomkey] h
            expect_eq [r del h] 1
            expect_eq [r exists h] 0
        }
    }
    test "A hash with a TTL expires; writes keep the TTL" {
        r del h
        r hset h a 1
        r expire h 100
        r hset h b 2
        r hincrby h n 1
        r hdel h a
        expect_gt [r ttl h] 0
        r pexpire h 50
        wait_for {[r exists h] == 0}
        expect_eq [r hget h b] {}
        expect_eq [r hlen h] 0
    }
    test "DEBUG KEYSPACE-CHECK after all of the above" {
        fill_hash last 600
        expect_eq [r debug keyspace-check] OK
    }
    test "Shutdown with hashes of both encodings: no sanitizer report on stderr" {
        fill_hash small 10
        r copy small small2
        r copy last last2
        r rename last2 last3
        r hincrbyfloat last3 n 1.5
        r .send shutdown nosave
        expect_eq [r .closed 5000] 1
        expect_true {[srvh::wait_exit [srv pid] 10000]} "server exited"
        set fh [open [srv stderr]]
        set err [read $fh]
        close $fh
        foreach pat {*LeakSanitizer* *AddressSanitizer* {*runtime error*}} {
            expect_true {![string match $pat $err]} "stderr: [tf::show $err 2000]"
        }
    }
}
