# Set commands: every command and option with Valkey 8's replies in RESP2
# and RESP3, the error texts, the intset/listpack/hashtable encodings at
# Valkey's thresholds (never back) and the encodings the STORE forms and
# SPOP with a count produce, SRANDMEMBER's and SPOP's case analysis and the
# uniformity of their draws (chi-square), SSCAN's cursor guarantee across
# resizes, binary members, huge counts, propagation, key events, the dirty
# counter, MEMORY USAGE, DEBUG DIGEST-VALUE across encodings and the
# generic key commands on sets.

file_tags {set needs:set}

# Members for a set of the given encoding: integers for intsets, short
# strings for listpacks and hashtables (hashtables are made by lowering
# set-max-listpack-entries around the SADD: see make_set).
proc members_for {enc n} {
    set out {}
    for {set i 0} {$i < $n} {incr i} {
        if {$enc eq "intset"} { lappend out [expr {$i * 3 - 7}] } else { lappend out m$i }
    }
    return $out
}

# Creates key as a set of exactly `members` in encoding enc.
proc make_set {key enc members} {
    r del $key
    if {$enc eq "hashtable"} {
        set saved [lindex [r config get set-max-listpack-entries] 1]
        r config set set-max-listpack-entries 0
        r sadd $key {*}$members
        r config set set-max-listpack-entries $saved
    } else {
        r sadd $key {*}$members
    }
    expect_eq [r object encoding $key] $enc
}

proc has_dups {l} { return [expr {[llength [lsort -unique $l]] != [llength $l]}] }

# Every element of l is in `of`.
proc subset_of {l of} {
    foreach x $l {
        if {[lsearch -exact $of $x] < 0} { return 0 }
    }
    return 1
}

with_server {
    set max_intset [lindex [r config get set-max-intset-entries] 1]
    set max_entries [lindex [r config get set-max-listpack-entries] 1]
    set max_value [lindex [r config get set-max-listpack-value] 1]
    expect_eq [list $max_intset $max_entries $max_value] {512 128 64}

    # ---- basic commands, per encoding ---------------------------------------------
    foreach enc {intset listpack hashtable} {
        test "SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS ($enc)" {
            set ms [members_for $enc 20]
            make_set s $enc $ms
            expect_eq [r scard s] 20
            expect_set [r smembers s] $ms
            expect_eq [r sadd s {*}[lrange $ms 0 4]] 0
            expect_eq [r sismember s [lindex $ms 3]] 1
            expect_eq [r sismember s nosuchmember] 0
            expect_eq [r sismember s 123456789] 0
            expect_eq [r smismember s [lindex $ms 0] nosuch [lindex $ms 19] 123456789] {1 0 1 0}
            expect_eq [r srem s [lindex $ms 0] nosuch [lindex $ms 1] [lindex $ms 0]] 2
            expect_eq [r scard s] 18
            expect_eq [r sismember s [lindex $ms 0]] 0
            expect_eq [r object encoding s] $enc
            expect_eq [r type s] set
        }
    }
    test "SMEMBERS of an intset is ascending, of a listpack in insertion order" {
        r del a b
        r sadd a 5 -3 100 0 7
        expect_eq [r smembers a] {-3 0 5 7 100}
        r sadd b z y 12 x
        expect_eq [r object encoding b] listpack
        expect_eq [r smembers b] {z y 12 x}
    }
    test "Integer texts: only canonical ones are integers" {
        r del a
        r sadd a 1 2
        expect_eq [r object encoding a] intset
        foreach t {01 +1 " 1" 1.0 -0 1e3 9223372036854775808 0x10} {
            r del b
            r sadd b 1 $t
            expect_eq [r object encoding b] listpack "member [tf::show $t]"
            expect_eq [r sismember b $t] 1
            expect_eq [r sismember a $t] 0
        }
        r sadd a -9223372036854775808 9223372036854775807
        expect_eq [r object encoding a] intset
        expect_eq [r smembers a] {-9223372036854775808 1 2 9223372036854775807}
        expect_eq [r sismember a 9223372036854775807] 1
    }
    test "Empty and binary members, NUL and CR LF (every encoding)" {
        set bin [list "" "a\x00b" "\r\n" "x\r\ny\x00" "\x00" "\xff\xfe"]
        foreach enc {listpack hashtable} {
            make_set s $enc $bin
            expect_eq [r scard s] 6
            expect_set [r smembers s] $bin
            foreach m $bin { expect_eq [r sismember s $m] 1 }
            expect_eq [r sismember s "a\x00c"] 0
            expect_eq [r sismember s "a"] 0
            expect_eq [r srem s "a\x00b" ""] 2
            expect_set [r smembers s] [lrange $bin 2 end]
        }
        r del s
        r sadd s 1 2 3
        r sadd s "\x00"
        expect_eq [r object encoding s] listpack
        expect_set [r smembers s] [list 1 2 3 "\x00"]
    }
    test "Long members: past the listpack limit, and big ones" {
        r del s
        r sadd s a
        set long [string repeat x $max_value]
        r sadd s $long
        expect_eq [r object encoding s] listpack
        r sadd s ${long}y
        expect_eq [r object encoding s] hashtable
        set huge [string repeat "ab\x00" 200000]
        expect_eq [r sadd s $huge] 1
        expect_eq [r sadd s $huge] 0
        expect_eq [r sismember s $huge] 1
        expect_eq [r sismember s ${huge}x] 0
        expect_eq [r srem s $huge] 1
        expect_eq [r scard s] 3
    }
    test "SREM of the last member deletes the key; SCARD/SMEMBERS of missing keys" {
        foreach enc {intset listpack hashtable} {
            make_set s $enc [members_for $enc 3]
            expect_eq [r srem s {*}[members_for $enc 3]] 3
            expect_eq [r exists s] 0
        }
        r del nokey
        expect_eq [r scard nokey] 0
        expect_eq [r sismember nokey a] 0
        expect_eq [r smismember nokey a b] {0 0}
        expect_eq [r smembers nokey] {}
        expect_eq [r srem nokey a] 0
        expect_eq [r exists nokey] 0
    }

    # ---- errors -------------------------------------------------------------------
    test "Every set command on a key of another type: WRONGTYPE" {
        r del str s
        r set str x
        r sadd s a
        set wt "WRONGTYPE Operation against a key holding the wrong kind of value"
        foreach cmd {
            {sadd str a} {srem str a} {scard str} {sismember str a} {smismember str a}
            {smembers str} {srandmember str} {srandmember str 2} {srandmember str -2}
            {spop str} {spop str 2} {spop str 0} {sscan str 0} {sinter s str} {sinter nokey str}
            {sintercard 2 nokey str} {sinterstore d s str} {sunion nokey str} {sunionstore d s str}
            {sdiff nokey str} {sdiff s str} {sdiffstore d str nokey} {smove str s a} {smove s str a}
        } {
            expect_err $wt {r {*}$cmd}
        }
        expect_eq [r get str] x
        expect_eq [r exists d] 0
        # SMOVE from a missing key answers 0 before looking at types.
        expect_eq [r smove nokey str a] 0
    }
    test "Arity errors" {
        foreach {cmd args} {
            sadd {s} srem {s} scard {} scard {a b} sismember {s} smismember {s} smembers {}
            srandmember {} spop {} smove {a b} sscan {s} sinter {} sintercard {1} sinterstore {d}
            sunion {} sunionstore {d} sdiff {} sdiffstore {d}
        } {
            expect_err "ERR wrong number of arguments for '$cmd' command" {r $cmd {*}$args}
        }
        expect_err "ERR syntax error" {r srandmember s 1 2}
        expect_err "ERR syntax error" {r spop s 1 2}
    }
    test "Count errors of SRANDMEMBER and SPOP" {
        r del s
        r sadd s a b c
        expect_err "ERR value is not an integer or out of range" {r srandmember s x}
        expect_err "ERR value is not an integer or out of range" {r srandmember s 1.5}
        expect_err "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807" {r srandmember s -9223372036854775808}
        expect_err "ERR value is not an integer or out of range" {r srandmember s 9223372036854775808}
        expect_err "ERR value is out of range, must be positive" {r spop s -1}
        expect_err "ERR value is out of range, must be positive" {r spop s x}
        # Counts are checked before the key.
        expect_err "ERR value is out of range, must be positive" {r spop nokey x}
        expect_err "ERR value is not an integer or out of range" {r srandmember nokey x}
        expect_eq [r scard s] 3
    }
    test "SINTERCARD argument errors" {
        r del s
        r sadd s a
        expect_err "ERR numkeys should be greater than 0" {r sintercard 0 s}
        expect_err "ERR numkeys should be greater than 0" {r sintercard -1 s}
        expect_err "ERR numkeys should be greater than 0" {r sintercard x s}
        expect_err "ERR Number of keys can't be greater than number of args" {r sintercard 3 s a}
        expect_err "ERR LIMIT can't be negative" {r sintercard 1 s limit -1}
        expect_err "ERR LIMIT can't be negative" {r sintercard 1 s limit x}
        expect_err "ERR syntax error" {r sintercard 1 s limit}
        expect_err "ERR syntax error" {r sintercard 1 s foo 1}
        expect_err "ERR syntax error" {r sintercard 1 s a}
    }

    # ---- encodings at Valkey's thresholds -------------------------------------------
    test "intset until set-max-intset-entries integers, then hashtable" {
        r del s
        set ints {}
        for {set i 0} {$i < $max_intset} {incr i} { lappend ints $i }
        r sadd s {*}$ints
        expect_eq [r object encoding s] intset
        expect_eq [r sadd s 0] 0
        expect_eq [r object encoding s] intset
        r sadd s $max_intset
        expect_eq [r object encoding s] hashtable
        expect_eq [r scard s] [expr {$max_intset + 1}]
        r srem s {*}$ints
        expect_eq [r object encoding s] hashtable
        expect_eq [r smembers s] $max_intset
    }
    test "intset plus a string: listpack while it fits, else hashtable" {
        set ints {}
        for {set i 0} {$i < $max_entries - 1} {incr i} { lappend ints $i }
        r del s
        r sadd s {*}$ints
        r sadd s str
        expect_eq [r object encoding s] listpack
        expect_eq [r scard s] $max_entries
        r del s
        r sadd s {*}$ints $max_entries
        expect_eq [r object encoding s] intset
        r sadd s str
        expect_eq [r object encoding s] hashtable
        # A member longer than set-max-listpack-value.
        r del s
        r sadd s 1 2
        r sadd s [string repeat a [expr {$max_value + 1}]]
        expect_eq [r object encoding s] hashtable
        # An integer whose text is longer than set-max-listpack-value.
        r config set set-max-listpack-value 5
        r del s
        r sadd s 123456
        r sadd s abc
        expect_eq [r object encoding s] hashtable
        r del s
        r sadd s 12345
        r sadd s abc
        expect_eq [r object encoding s] listpack
        r config set set-max-listpack-value $max_value
    }
    test "listpack until set-max-listpack-entries members, then hashtable" {
        r del s
        set ms [members_for listpack $max_entries]
        r sadd s {*}$ms
        expect_eq [r object encoding s] listpack
        expect_eq [r sadd s m0] 0
        expect_eq [r object encoding s] listpack
        r sadd s extra
        expect_eq [r object encoding s] hashtable
        r srem s {*}$ms
        expect_eq [r object encoding s] hashtable
        expect_eq [r smembers s] extra
    }
    test "SADD converts up front when its argument count could not fit" {
        # A new key: the first member and the argument count decide.
        set many {}
        for {set i 0} {$i <= $max_entries} {incr i} { lappend many x }
        r del s
        r sadd s {*}$many
        expect_eq [r object encoding s] hashtable
        expect_eq [r scard s] 1
        # An integer first: an intset, which the first string turns into
        # a listpack (it held one member), as in Valkey.
        r del s
        r sadd s 1 {*}[lrange $many 1 end]
        expect_eq [r object encoding s] listpack
        r del s
        set ints {}
        for {set i 0} {$i <= $max_intset} {incr i} { lappend ints 7 }
        r sadd s {*}$ints
        expect_eq [r object encoding s] hashtable
        r del s
        r sadd s {*}[lrange $ints 1 end]
        expect_eq [r object encoding s] intset
        # An existing small set, even when every argument is a duplicate.
        r del s
        r sadd s x
        r sadd s {*}$many
        expect_eq [r object encoding s] hashtable
        r del s
        r sadd s 7
        r sadd s {*}$ints
        expect_eq [r object encoding s] hashtable
        expect_eq [r scard s] 1
    }
    test "Zero limits: no intsets, no listpacks" {
        r config set set-max-intset-entries 0
        r del s
        r sadd s 1 2 3
        expect_eq [r object encoding s] listpack
        r config set set-max-listpack-entries 0
        r del s
        r sadd s 1 2 3
        expect_eq [r object encoding s] hashtable
        r del s
        r sadd s a
        expect_eq [r object encoding s] hashtable
        r config set set-max-intset-entries $max_intset
        r config set set-max-listpack-entries $max_entries
        r del s
        r sadd s 1
        expect_eq [r object encoding s] intset
    }

    # ---- RESP3 shapes -----------------------------------------------------------------
    test "Reply types in RESP3: sets for whole-set replies, arrays for draws" {
        r del s nokey
        r sadd s a b c
        set c [new_client -resp 3]
        foreach {cmd type} {
            {smembers s} set {smembers nokey} set {sinter s} set {sinter s nokey} set
            {sunion s nokey} set {sdiff s nokey} set {sdiff nokey s} set
            {srandmember s 2} array {srandmember s -5} array {srandmember s 10} array
            {srandmember nokey 3} array {smismember s a} array {sscan s 0} array
            {srandmember s} bulk {srandmember nokey} null {spop nokey} null
            {spop nokey 2} set {spop s 0} set {sismember s a} int {scard s} int
            {sintercard 1 s} int
        } {
            set t [$c .typed {*}$cmd]
            expect_eq [lindex $t 0] $type "reply of $cmd"
        }
        expect_eq [$c .typed smembers nokey] {set {}}
        expect_eq [$c .typed srandmember nokey 3] {array {}}
        expect_eq [lindex [$c .typed spop s 1] 0] set
        $c .close
    }
    test "Reply types in RESP2" {
        r del s nokey
        r sadd s a b c
        expect_rtype array {r smembers s}
        expect_rtype array {r smembers nokey}
        expect_rtype nullbulk {r srandmember nokey}
        expect_rtype nullbulk {r spop nokey}
        expect_rtype array {r spop nokey 3}
        expect_rtype array {r srandmember nokey -3}
        expect_eq [r sscan nokey 0] {0 {}}
    }

    # ---- SRANDMEMBER ---------------------------------------------------------------------
    foreach enc {intset listpack hashtable} {
        test "SRANDMEMBER cases ($enc)" {
            set ms [members_for $enc 40]
            make_set s $enc $ms
            expect_true {[lsearch -exact $ms [r srandmember s]] >= 0}
            expect_eq [r srandmember s 0] {}
            foreach count {1 2 5 13 14 30 39} {
                set got [r srandmember s $count]
                expect_eq [llength $got] $count
                expect_true {![has_dups $got]} "SRANDMEMBER $count repeated a member"
                expect_true {[subset_of $got $ms]}
            }
            foreach count {40 41 1000 9223372036854775807} {
                set got [r srandmember s $count]
                expect_eq [lsort $got] [lsort $ms]
            }
            foreach count {-1 -5 -40 -1000} {
                set got [r srandmember s $count]
                expect_eq [llength $got] [expr {-$count}]
                expect_true {[subset_of $got $ms]}
            }
            # Far more draws than members: repeats must happen.
            expect_true {[has_dups [r srandmember s -200]]}
            expect_eq [r scard s] 40
            expect_eq [r object encoding s] $enc
        }
    }
    test "SRANDMEMBER of a single-member set and of missing keys" {
        r del s nokey
        r sadd s only
        expect_eq [r srandmember s] only
        expect_eq [r srandmember s 5] only
        expect_eq [r srandmember s -3] {only only only}
        expect_eq [r srandmember nokey 5] {}
        expect_eq [r srandmember nokey -5] {}
        expect_null {r srandmember nokey}
    }
    foreach enc {intset listpack hashtable} {
        test "SRANDMEMBER draws are uniform (chi-square, $enc)" {
            set n 30
            set ms [members_for $enc $n]
            make_set s $enc $ms
            # Single draws.
            set draws {}
            for {set i 0} {$i < 3000} {incr i} { lappend draws [r srandmember s] }
            set x [chi_square [tally $ms $draws] [expr {3000.0 / $n}]]
            expect_lt $x [chi_limit [expr {$n - 1}]]
            # Negative count: independent draws.
            set draws [r srandmember s -30000]
            set x [chi_square [tally $ms $draws] [expr {30000.0 / $n}]]
            expect_lt $x [chi_limit [expr {$n - 1}]]
            # Positive counts, each strategy: every member is included equally often.
            foreach count {2 5 12 25} {
                set trials [expr {30000 / $count}]
                set all {}
                for {set i 0} {$i < $trials} {incr i} { lappend all {*}[r srandmember s $count] }
                set x [chi_square [tally $ms $all] [expr {double($trials) * $count / $n}]]
                expect_lt $x [chi_limit [expr {$n - 1}]]
            }
        }
    }
    test "SRANDMEMBER is uniform over a big hashtable (uneven buckets)" {
        r del s
        set n 2000
        set ms {}
        for {set i 0} {$i < $n} {incr i} { lappend ms member:$i }
        r sadd s {*}$ms
        expect_eq [r object encoding s] hashtable
        set draws [r srandmember s -200000]
        set x [chi_square [tally $ms $draws] [expr {200000.0 / $n}]]
        expect_lt $x [chi_limit [expr {$n - 1}]]
    }
    test "The chi-square check can fail: a skewed sample is caught" {
        set ms [members_for listpack 30]
        # Half the draws on one member: far beyond the limit.
        set draws {}
        for {set i 0} {$i < 1500} {incr i} { lappend draws m0 [lindex $ms [expr {$i % 30}]] }
        set x [chi_square [tally $ms $draws] [expr {3000.0 / 30}]]
        expect_gt $x [chi_limit 29]
    }

    # ---- SPOP ---------------------------------------------------------------------------
    foreach enc {intset listpack hashtable} {
        test "SPOP without a count ($enc)" {
            set ms [members_for $enc 10]
            make_set s $enc $ms
            set popped {}
            for {set i 0} {$i < 10} {incr i} { lappend popped [r spop s] }
            expect_eq [lsort $popped] [lsort $ms]
            expect_eq [r exists s] 0
            expect_null {r spop s}
        }
        test "SPOP with a count: every strategy ($enc)" {
            set n 50
            set ms [members_for $enc $n]
            # small count, count near the size, count past the size
            foreach count {1 3 20 41 45 49 50 51 1000 9223372036854775807} {
                make_set s $enc $ms
                set got [r spop s $count]
                set want [expr {$count < $n ? $count : $n}]
                expect_eq [llength $got] $want "SPOP $count"
                expect_true {![has_dups $got]}
                expect_true {[subset_of $got $ms]}
                set rest [r smembers s]
                expect_eq [llength $rest] [expr {$n - $want}]
                expect_eq [lsort [concat $got $rest]] [lsort $ms]
                if {$want == $n} { expect_eq [r exists s] 0 }
            }
            make_set s $enc $ms
            expect_eq [r spop s 0] {}
            expect_eq [r scard s] $n
        }
    }
    test "SPOP with a count: the encoding of what remains" {
        # A hashtable keeping few members rebuilds them as a listpack
        # (Valkey's "keep the remaining members" strategy) ...
        set ms [members_for listpack 200]
        make_set s hashtable $ms
        r spop s 190
        expect_eq [r object encoding s] listpack
        expect_eq [r scard s] 10
        # ... or as a hashtable when they are too many for one.
        set ms [members_for listpack 1000]
        make_set s hashtable $ms
        r spop s 840
        expect_eq [r scard s] 160
        expect_eq [r object encoding s] hashtable
        # A hashtable of integers keeps a listpack, not an intset.
        r del s
        set ints {}
        for {set i 0} {$i < 600} {incr i} { lappend ints $i }
        r sadd s {*}$ints
        expect_eq [r object encoding s] hashtable
        r spop s 590
        expect_eq [r object encoding s] listpack
        # Small pops leave the encoding alone.
        make_set s hashtable [members_for listpack 200]
        r spop s 10
        expect_eq [r object encoding s] hashtable
        # Intsets and listpacks stay what they are.
        make_set s intset [members_for intset 100]
        r spop s 95
        expect_eq [r object encoding s] intset
        make_set s listpack [members_for listpack 100]
        r spop s 95
        expect_eq [r object encoding s] listpack
    }
    foreach enc {intset listpack hashtable} {
        test "SPOP picks uniformly (chi-square, $enc)" {
            set n 20
            set ms [members_for $enc $n]
            # One member at a time from a full set.
            set popped {}
            for {set i 0} {$i < 2000} {incr i} {
                make_set s $enc $ms
                lappend popped [r spop s]
            }
            set x [chi_square [tally $ms $popped] [expr {2000.0 / $n}]]
            expect_lt $x [chi_limit [expr {$n - 1}]]
            # With counts taking each strategy.
            foreach count {3 17} {
                set all {}
                set trials [expr {8000 / $count}]
                for {set i 0} {$i < $trials} {incr i} {
                    make_set s $enc $ms
                    lappend all {*}[r spop s $count]
                }
                set x [chi_square [tally $ms $all] [expr {double($trials) * $count / $n}]]
                expect_lt $x [chi_limit [expr {$n - 1}]]
            }
        }
    }

    # ---- SMOVE -----------------------------------------------------------------------------
    test "SMOVE moves a member between sets, creating the destination" {
        r del a b
        r sadd a 1 2 x
        expect_eq [r smove a b 1] 1
        expect_eq [r object encoding b] intset
        expect_eq [r smembers b] 1
        expect_eq [r smove a b x] 1
        expect_eq [r object encoding b] listpack
        expect_eq [r smove a b nosuch] 0
        expect_eq [r smembers a] 2
        # Already in the destination: removed from the source only.
        r sadd b 2
        expect_eq [r smove a b 2] 1
        expect_eq [r exists a] 0
        expect_set [r smembers b] {1 x 2}
        expect_eq [r smove nokey b 1] 0
        r del c
        expect_eq [r smove b c x] 1
        expect_eq [r object encoding c] listpack
        # Source and destination the same key.
        expect_eq [r smove b b 1] 1
        expect_eq [r smove b b zz] 0
        expect_set [r smembers b] {1 2}
    }
    test "SMOVE converts the destination past its limits" {
        r del a b
        r sadd a [string repeat z 100]
        r sadd b 1 2 3
        r smove a b [string repeat z 100]
        expect_eq [r object encoding b] hashtable
    }

    # ---- algebra -------------------------------------------------------------------------------
    test "SINTER, SUNION, SDIFF on every mix of encodings" {
        set i1 {1 2 3 4 5 6}
        set l1 {4 5 6 a b c}
        set h1 {5 6 b c x y}
        make_set i intset $i1
        make_set l listpack $l1
        make_set h hashtable $h1
        r del nokey
        expect_set [r sinter i l] {4 5 6}
        expect_set [r sinter l h] {5 6 b c}
        expect_set [r sinter i l h] {5 6}
        expect_set [r sinter h] $h1
        expect_eq [r sinter i nokey] {}
        expect_eq [r sinter nokey i] {}
        expect_set [r sinter i i] $i1
        expect_set [r sunion i l h] {1 2 3 4 5 6 a b c x y}
        expect_set [r sunion nokey l] $l1
        expect_eq [r sunion nokey] {}
        expect_set [r sdiff i l] {1 2 3}
        expect_set [r sdiff l i h] {a}
        expect_set [r sdiff h l] {x y}
        expect_set [r sdiff h nokey] $h1
        expect_eq [r sdiff nokey h] {}
        expect_eq [r sdiff h h] {}
        expect_eq [r sdiff h l h] {}
        expect_eq [r sintercard 3 i l h] 2
        expect_eq [r sintercard 2 l h] 4
        expect_eq [r sintercard 2 l h limit 3] 3
        expect_eq [r sintercard 2 l h limit 0] 4
        expect_eq [r sintercard 2 l h limit 100] 4
        expect_eq [r sintercard 2 l nokey] 0
        expect_eq [r sintercard 1 h] 6
    }
    test "SDIFF with big and small sets (both algorithms)" {
        r del big small
        set ms {}
        for {set i 0} {$i < 1000} {incr i} { lappend ms e$i }
        r sadd big {*}$ms
        r sadd small e1 e2 zz
        expect_eq [r scard big] 1000
        expect_eq [llength [r sdiff big small]] 998
        expect_set [r sdiff small big] {zz}
        expect_eq [llength [r sdiff big small small big]] 0
        expect_eq [r sdiffstore d big small] 998
        expect_eq [r object encoding d] hashtable
    }
    test "STORE forms: results, encodings, destination replaced or deleted" {
        make_set i intset {1 2 3 4 5 6}
        make_set i2 intset {4 5 6 7}
        make_set l listpack {4 5 6 a b c}
        make_set h hashtable {5 6 b c x y}
        r del d nokey
        expect_eq [r sinterstore d i i2] 3
        expect_eq [r object encoding d] intset
        expect_eq [r smembers d] {4 5 6}
        # The smallest set is a listpack: a listpack result, or an intset
        # when every member is an integer.
        expect_eq [r sinterstore d l h] 4
        expect_eq [r object encoding d] listpack
        expect_eq [r sinterstore d l i] 3
        expect_eq [r object encoding d] intset
        # Hashtables of integers intersect into an intset.
        r del h3 h4
        set ints {}
        for {set i 0} {$i < 700} {incr i} { lappend ints $i }
        r sadd h3 {*}$ints
        r sadd h4 {*}[lrange $ints 100 end] x
        expect_eq [r object encoding h3] hashtable
        expect_eq [r sinterstore d h3 h4] 600
        expect_eq [r object encoding d] hashtable
        r srem h4 {*}[lrange $ints 400 end]
        expect_eq [r sinterstore d h3 h4] 300
        expect_eq [r object encoding d] intset
        expect_eq [r sunionstore d i i2] 7
        expect_eq [r object encoding d] intset
        expect_eq [r sunionstore d i l] 9
        expect_eq [r object encoding d] listpack
        expect_eq [r sunionstore d i h3] 700
        expect_eq [r object encoding d] hashtable
        expect_eq [r sdiffstore d i l] 3
        expect_eq [r object encoding d] intset
        expect_eq [r sdiffstore d h i] 4
        expect_eq [r object encoding d] listpack
        # A string key as destination is replaced, with its TTL.
        r set d x ex 100
        expect_eq [r sunionstore d i] 6
        expect_eq [r type d] set
        expect_eq [r ttl d] -1
        # Empty results delete the destination.
        foreach cmd {{sinterstore d i nokey} {sinterstore d nokey} {sunionstore d nokey} {sdiffstore d i i} {sdiffstore d nokey i} {sdiffstore d i i2 i}} {
            r sadd d z
            expect_eq [r {*}$cmd] 0
            expect_eq [r exists d] 0 "after $cmd"
        }
        expect_eq [r sinterstore d nokey] 0
        # The destination may be a source.
        r sadd d 1 2 99
        expect_eq [r sinterstore d d i] 2
        expect_eq [r smembers d] {1 2}
    }
    test "SINTER of a key given twice, and of empty results" {
        make_set l listpack {a b c}
        expect_set [r sinter l l l] {a b c}
        expect_eq [r sintercard 2 l l] 3
        r del e
        expect_eq [r sinter l e] {}
    }

    # ---- SSCAN ------------------------------------------------------------------------------------
    test "SSCAN of small encodings returns everything with cursor 0" {
        r del i l
        r sadd i 1 10 2 20
        r sadd l a b key3 12
        expect_eq [r sscan i 0] {0 {1 2 10 20}}
        expect_eq [r sscan i 777 count 1] {0 {1 2 10 20}}
        expect_eq [r sscan i 0 match 1*] {0 {1 10}}
        expect_eq [r sscan l 0] {0 {a b key3 12}}
        expect_eq [r sscan l 0 match key*] {0 key3}
        expect_eq [r sscan l 0 match *2 count 100] {0 12}
        expect_eq [r sscan l 0 match nothing] {0 {}}
        expect_eq [r sscan nokey 0] {0 {}}
        expect_eq [r sscan nokey 0 badopt] {0 {}}
        set c [new_client -resp 3]
        expect_eq [$c .typed sscan l 0 match a] {array {{bulk 0} {array {{bulk a}}}}}
        $c .close
    }
    test "SSCAN errors" {
        r del s
        r sadd s a
        expect_err "ERR invalid cursor" {r sscan s x}
        expect_err "ERR invalid cursor" {r sscan s -1}
        expect_err "ERR invalid cursor" {r sscan nokey x}
        expect_err "ERR syntax error" {r sscan s 0 count 0}
        expect_err "ERR syntax error" {r sscan s 0 count -1}
        expect_err "ERR value is not an integer or out of range" {r sscan s 0 count x}
        expect_err "ERR syntax error" {r sscan s 0 count}
        expect_err "ERR syntax error" {r sscan s 0 match}
        expect_err "ERR syntax error" {r sscan s 0 type set}
        expect_err "ERR syntax error" {r sscan s 0 foo}
        expect_err "ERR NOVALUES option can only be used in HSCAN" {r sscan s 0 novalues}
        expect_err "ERR NOSCORES option can only be used in ZSCAN" {r sscan s 0 noscores}
    }
    test "SSCAN of a hashtable visits every member; MATCH and COUNT" {
        r del s
        set n 1000
        set ms {}
        for {set i 0} {$i < $n} {incr i} { lappend ms m$i }
        r sadd s {*}$ms
        expect_eq [r object encoding s] hashtable
        foreach opts {{} {count 7} {count 100} {count 5000}} {
            set cur 0
            set seen {}
            set calls 0
            while 1 {
                lassign [r sscan s $cur {*}$opts] cur items
                lappend seen {*}$items
                incr calls
                if {$cur == 0} break
            }
            if {$opts ne {count 5000}} { expect_gt $calls 1 }
            # No member is reported twice while nothing changes.
            expect_eq [lsort $seen] [lsort $ms]
        }
        set cur 0
        set seen {}
        while 1 {
            lassign [r sscan s $cur match m1?] cur items
            lappend seen {*}$items
            if {$cur == 0} break
        }
        expect_eq [lsort $seen] [lsort {m10 m11 m12 m13 m14 m15 m16 m17 m18 m19}]
    }
    test "SSCAN reports every member present for the whole scan across resizes" {
        foreach mode {grow shrink churn} {
            r del s
            set n 1500
            set ms {}
            for {set i 0} {$i < $n} {incr i} { lappend ms keep$i }
            r sadd s {*}$ms
            if {$mode eq "shrink"} {
                for {set b 0} {$b < 20} {incr b} {
                    set batch {}
                    for {set i 0} {$i < 1000} {incr i} { lappend batch tmp[expr {$b * 1000 + $i}] }
                    r sadd s {*}$batch
                }
            }
            set cur 0
            set seen {}
            set step 0
            while 1 {
                lassign [r sscan s $cur count 20] cur items
                lappend seen {*}$items
                incr step
                if {$step <= 20} {
                    set batch {}
                    for {set i 0} {$i < 1000} {incr i} {
                        switch $mode {
                            grow { lappend batch x$step:$i }
                            shrink { lappend batch tmp[expr {($step - 1) * 1000 + $i}] }
                            churn { lappend batch c[expr {$step % 2}]:$i }
                        }
                    }
                    switch $mode {
                        grow { r sadd s {*}$batch }
                        shrink { r srem s {*}$batch }
                        churn { if {$step % 2} { r sadd s {*}$batch } else { r srem s {*}$batch } }
                    }
                }
                if {$cur == 0} break
            }
            set have [lsort -unique $seen]
            set missing 0
            foreach m $ms {
                if {[lsearch -sorted $have $m] < 0} { incr missing }
            }
            expect_eq $missing 0 "members missed by the $mode scan"
        }
    }

    # ---- propagation, events, dirty ---------------------------------------------------------------
    test "Set writes propagate as written; no-ops do not" {
        r select 9
        r del s d a b
        set p [propagated {
            r sadd s a b c
            r sadd s a
            r srem s a nosuch
            r srem s nosuch
            r srem nokey a
            r smove s d b
            r smove s d nosuch
            r smove s s c
            r sinterstore a s d
            r sunionstore b s d
            r sdiffstore b s nokey
            r sinterstore nokey2 s nokey
            r srandmember s
            r srandmember s -3
            r smembers s
        }]
        expect_eq $p {{select 9} {sadd s a b c} {srem s a nosuch} {smove s d b} {sunionstore b s d} {sdiffstore b s nokey}}
        r select 0
    }
    test "SPOP propagates SREM of what it popped" {
        r select 9
        r del s
        r sadd s a
        set p [propagated { set m [r spop s] }]
        expect_eq $p [list {select 9} [list srem s $m]]
        expect_eq [r exists s] 0
        foreach enc {intset listpack hashtable} {
            set ms [members_for $enc 50]
            make_set s $enc $ms
            set p [propagated { set got [r spop s 5] }]
            expect_eq [llength $p] 2
            expect_eq [lrange [lindex $p 1] 0 1] {srem s}
            expect_eq [lsort [lrange [lindex $p 1] 2 end]] [lsort $got]
            # The "keep the rest" strategy too.
            set p [propagated { set got [r spop s 44] }]
            expect_eq [llength $p] 2
            expect_eq [lrange [lindex $p 1] 0 1] {srem s}
            expect_eq [lsort [lrange [lindex $p 1] 2 end]] [lsort $got]
            expect_eq [r scard s] 1
        }
        expect_eq [propagated { r spop nokey 3 ; r spop s 0 ; r spop nokey }] {}
        r select 0
    }
    test "SPOP of many members propagates SREM batches of 1024 in MULTI/EXEC" {
        r select 9
        r del s
        set ms {}
        for {set i 0} {$i < 3000} {incr i} { lappend ms m$i }
        r sadd s {*}$ms
        set p [propagated { set got [r spop s 2500] }]
        expect_eq [lindex $p 0] {select 9}
        expect_eq [lindex $p 1] multi
        expect_eq [lindex $p end] exec
        set members {}
        set sizes {}
        foreach cmd [lrange $p 2 end-1] {
            expect_eq [lrange $cmd 0 1] {srem s}
            lappend sizes [expr {[llength $cmd] - 2}]
            lappend members {*}[lrange $cmd 2 end]
        }
        expect_eq $sizes {1024 1024 452}
        expect_eq [lsort $members] [lsort $got]
        r select 0
    }
    test "SPOP of the whole set propagates DEL or UNLINK (lazyfree-lazy-server-del)" {
        r select 9
        foreach {lazy want} {yes unlink no del} {
            r config set lazyfree-lazy-server-del $lazy
            r del s
            r sadd s a b c
            set p [propagated { r spop s 3 }]
            expect_eq $p [list {select 9} [list $want s]]
            r sadd s a b c
            set p [propagated { r spop s 100 }]
            expect_eq $p [list {select 9} [list $want s]]
        }
        r config set lazyfree-lazy-server-del yes
        r select 0
    }
    test "Key events of set writes" {
        r select 9
        r del s d a e
        set e [events {
            r sadd s a b c
            r sadd s a
            r srem s a
            r spop s
            r smove s d [lindex [r smembers s] 0]
            r sadd a 1 2
            r sinterstore e a a
            r sunionstore e a d
            r sdiffstore e a nokey
            r sinterstore e a nokey
            r spop a 1
            r spop a 5
        }]
        # The SMEMBERS inside the list is a read: no event.
        set want {{9 new s} {9 sadd s} {9 srem s} {9 spop s} {9 srem s} {9 del s} {9 new d} {9 sadd d}}
        lappend want {9 new a} {9 sadd a} {9 new e} {9 sinterstore e} {9 sunionstore e} {9 sdiffstore e}
        lappend want {9 del e} {9 spop a} {9 spop a} {9 del a}
        expect_eq $e $want
        r select 0
    }
    test "The dirty counter counts members written" {
        r del s d
        set d0 [dirty]
        r sadd s a b c d e
        expect_eq [expr {[dirty] - $d0}] 5
        r sadd s a f
        expect_eq [expr {[dirty] - $d0}] 6
        r srem s a b nosuch
        expect_eq [expr {[dirty] - $d0}] 8
        r spop s
        expect_eq [expr {[dirty] - $d0}] 9
        r spop s 2
        expect_eq [expr {[dirty] - $d0}] 11
        r smove s d [lindex [r smembers s] 0]
        expect_eq [expr {[dirty] - $d0}] 13
        r spop d 10
        expect_eq [expr {[dirty] - $d0}] 14
        # Empty results with no destination to delete change nothing.
        r sunionstore d s
        r srandmember s 3
        r sinterstore e nokey
        expect_eq [expr {[dirty] - $d0}] 14
        r sadd s a
        r sunionstore d s
        expect_eq [expr {[dirty] - $d0}] 16
        r sinterstore d nokey
        expect_eq [expr {[dirty] - $d0}] 17
    }

    # ---- memory, digests, generic commands ------------------------------------------------------------
    test "MEMORY USAGE follows the content" {
        r del a b c
        r sadd a 1 2 3
        set small [r memory usage a]
        r sadd b {*}[members_for listpack 100]
        set mid [r memory usage b]
        expect_gt $mid $small
        expect_lt $mid 3000
        set ms {}
        for {set i 0} {$i < 20000} {incr i} { lappend ms member:$i }
        r sadd c {*}$ms
        set exact [r memory usage c samples 0]
        # Members of 12 bytes or so: ~20 bytes each packed, far from 60.
        expect_gt $exact [expr {20000 * 12}]
        expect_lt $exact [expr {20000 * 30}]
        set est [r memory usage c]
        expect_between $est [expr {$exact * 0.7}] [expr {$exact * 1.3}]
    }
    test "DEBUG DIGEST-VALUE is the same for the same members in any encoding and order" {
        r del a b c d
        r sadd a 1 2 3
        r sadd b 3 2 1
        r config set set-max-intset-entries 0
        r sadd c 2 3 1
        r config set set-max-listpack-entries 0
        r sadd d 3 1 2
        r config set set-max-intset-entries $max_intset
        r config set set-max-listpack-entries $max_entries
        expect_eq [r object encoding a] intset
        expect_eq [r object encoding c] listpack
        expect_eq [r object encoding d] hashtable
        set da [r debug digest-value a]
        foreach k {b c d} { expect_eq [r debug digest-value $k] $da }
        r sadd d 4
        expect_ne [r debug digest-value d] $da
        r srem d 4
        expect_eq [r debug digest-value d] $da
        r del a b
        r sadd a ab c
        r sadd b a bc
        expect_ne [r debug digest-value a] [r debug digest-value b]
    }
    foreach enc {intset listpack hashtable} {
        test "COPY, RENAME, MOVE, DEL, TYPE, SCAN TYPE, RANDOMKEY on a $enc set" {
            r flushall
            set ms [members_for $enc [expr {$enc eq "hashtable" ? 300 : 20}]]
            make_set s $enc $ms
            expect_eq [r copy s s2] 1
            expect_eq [r object encoding s2] $enc
            r sadd s2 zz
            expect_eq [r sismember s zz] 0
            expect_eq [r scard s2] [expr {[llength $ms] + 1}]
            r rename s2 s3
            expect_eq [r exists s2] 0
            expect_eq [r sismember s3 zz] 1
            expect_eq [r move s3 1] 1
            r select 1
            expect_eq [r scard s3] [expr {[llength $ms] + 1}]
            expect_eq [r type s3] set
            r del s3
            r select 0
            r set str x
            set cur 0
            set found {}
            while 1 {
                lassign [r scan $cur type set] cur keys
                lappend found {*}$keys
                if {$cur == 0} break
            }
            expect_eq $found {s}
            expect_true {[r randomkey] in {s str}}
            r del str
            expect_eq [r randomkey] s
            expect_eq [r unlink s] 1
            expect_eq [r exists s] 0
        }
    }
    test "A set with a TTL expires; writes keep the TTL" {
        r del s
        r sadd s a b
        r pexpire s 100000
        r sadd s c
        r srem s a
        r spop s
        expect_gt [r pttl s] 0
        r pexpire s 1
        after 20
        expect_eq [r scard s] 0
        expect_eq [r exists s] 0
    }
    test "DEBUG KEYSPACE-CHECK after all of the above" {
        expect_eq [r debug keyspace-check] OK
    }
}
