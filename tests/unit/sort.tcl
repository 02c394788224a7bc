# SORT and SORT_RO: numeric and ALPHA order, ASC/DESC, LIMIT clamping, BY
# weights (strings, hash fields, missing ones, constant patterns), GET
# ('#', strings, hash fields, constants), STORE (encodings, TTL, empty
# results), over lists, sets (intset, listpack) and sorted sets (whose
# encoding SORT converts), every error and the order errors win in,
# Valkey's number reading (strtod: leading spaces, hex, "" as 0, NUL
# ends), ties under the partial sort LIMIT uses, propagation, key events
# and the dirty counter.  Expected values were read from redis-server 7.0,
# whose SORT Valkey 8 shares.

file_tags {sort needs:sort needs:list needs:set needs:zset needs:hash}

proc weights {} {
    r del lw w_a w_b w_c h_a h_b h_c h_d
    r rpush lw a b c d
    r mset w_a 3 w_b 1 w_c 2
    r hset h_a f 30
    r hset h_b f 10
    r hset h_c f 20
    r hset h_d g 5
}

with_server {
    # ---- lists ---------------------------------------------------------------------------------------
    test "Numeric sort of a list, DESC, LIMIT and its clamping" {
        r del l
        r rpush l 3 1 2 10 -5 1.5
        foreach {args want} {
            {} {-5 1 1.5 2 3 10}
            {desc} {10 3 2 1.5 1 -5}
            {limit 1 3} {1 1.5 2}
            {limit -1 2} {-5 1}
            {limit 2 -1} {1.5 2 3 10}
            {limit 10 5} {}
            {limit 0 0} {}
            {desc limit 1 2} {3 2}
            {limit 4 100} {3 10}
            {limit 5 -7} {10}
            {asc desc asc} {-5 1 1.5 2 3 10}
            {limit 0 1 limit 1 1} {1}
        } {
            expect_eq [r sort l {*}$args] $want "SORT l $args"
            expect_eq [r sort_ro l {*}$args] $want "SORT_RO l $args"
        }
        expect_eq [r sort l limit 9223372036854775807 9223372036854775807] {}
        expect_eq [r sort l limit -9223372036854775808 2] {-5 1}
        expect_eq [r sort nokey] {}
        expect_eq [r sort nokey limit 1 1 desc alpha] {}
    }
    # Valkey tests errno after strtod without clearing it first, so there a
    # range error ("1e400" below) also fails later numeric sorts on the
    # same connection until something clears errno; here each SORT reads
    # its numbers afresh.
    test "ALPHA, and numbers read the way strtod reads them" {
        r del la lq le
        r rpush la b a C 10 9
        expect_eq [r sort la alpha] {10 9 C a b}
        expect_eq [r sort la alpha desc] {b a C 9 10}
        expect_err "ERR One or more scores can't be converted into double" {r sort la}
        r rpush lq "" " 5" 0x10 inf -inf 7 "3\x00x"
        expect_eq [r sort lq] [list -inf "" "3\x00x" " 5" 7 0x10 inf]
        foreach bad {1e400 1e-400 nan 12abc "1 " abc} {
            r del le
            r rpush le 1 $bad
            expect_err "ERR One or more scores can't be converted into double" {r sort le}
        }
        # equal numbers are ordered by their bytes
        r del le
        r rpush le 1.0 1 01 +1 0x1 2
        expect_eq [r sort le] {+1 01 0x1 1 1.0 2}
        expect_eq [r sort le desc] {2 1.0 1 0x1 01 +1}
    }
    test "ALPHA compares up to a NUL (strcoll) unless the result is stored" {
        r del lb d
        r rpush lb "a\x00z" "a\x00b" "a" "b" "\x00"
        expect_eq [r sort lb alpha] [list "\x00" "a\x00z" "a\x00b" "a" "b"]
        expect_eq [r sort lb alpha desc] [list "b" "a\x00z" "a\x00b" "a" "\x00"]
        r sort lb alpha store d
        expect_eq [r lrange d 0 -1] [list "\x00" "a" "a\x00b" "a\x00z" "b"]
    }
    test "BY weights: strings, hash fields, missing ones" {
        weights
        expect_eq [r sort lw by w_*] {d b c a}
        expect_eq [r sort lw by w_* desc] {a c b d}
        expect_eq [r sort lw by w_* limit 1 2] {b c}
        expect_eq [r sort lw by h_*->f] {d b c a}
        expect_eq [r sort lw by h_*->g get h_*->g] {{} {} {} 5}
        expect_eq [r sort lw by w_* alpha] {d b c a}
        expect_eq [r sort lw by w_* alpha desc] {a c b d}
        # a weight that is not a number
        r set w_d x
        expect_err "ERR One or more scores can't be converted into double" {r sort lw by w_*}
        expect_eq [r sort lw by w_* alpha] {b c a d}
        r del w_d
        # a weight key of another type weighs nothing
        r rpush w_d 1
        expect_eq [r sort lw by w_*] {d b c a}
        r del w_d
        # "->" with nothing after it is part of the key name
        r set w_a-> 9
        expect_eq [r sort lw by w_*-> desc] {a d c b}
        # the '*' must come before any NUL; "->" must come after the '*'
        expect_eq [r sort lw by "w_\x00*"] {a b c d}
        r hset "h->a" "*" 1
        expect_eq [r sort lw by "h->*"] {a b c d}
    }
    test "BY a constant pattern keeps the list's order" {
        weights
        expect_eq [r sort lw by nosort] {a b c d}
        expect_eq [r sort lw by nosort desc] {d c b a}
        expect_eq [r sort lw by nosort limit 1 2] {b c}
        expect_eq [r sort lw by nosort desc limit 1 2] {c b}
        expect_eq [r sort lw by nosort limit 3 10] {d}
        expect_eq [r sort lw by nosort limit 4 10] {}
        expect_eq [r sort lw by w_ alpha desc] {d c b a}
        expect_eq [r sort lw by # get #] {a b c d}
    }
    test "GET patterns" {
        weights
        expect_eq [r sort lw by w_* get # get w_*] {d {} b 1 c 2 a 3}
        expect_eq [r sort lw by h_*->f get h_*->f get #] {{} d 10 b 20 c 30 a}
        expect_eq [r sort lw by nosort get nosuch get # get w_] {{} a {} {} b {} {} c {} {} d {}}
        expect_eq [r sort lw by nosort get #x] {{} {} {} {}}
        expect_eq [r sort lw by nosort get h_*->] {{} {} {} {}}
        expect_eq [r sort lw by nosort limit 0 1 get lw] {{}}
        r set "w_\x00" zero
        r rpush lz "\x00"
        expect_eq [r sort lz get w_* get #] [list zero "\x00"]
        r del lz "w_\x00"
    }
    test "The partial sort LIMIT uses places equal weights as Valkey's pqsort does" {
        r del lt
        set els {}
        for {set i 1} {$i <= 60} {incr i} { lappend els e$i }
        r rpush lt {*}$els
        r mset wt_e3 b wt_e40 a wt_e7 b wt_e55 c
        expect_eq [r sort lt by wt_* alpha limit 5 10] {e1 e4 e5 e6 e8 e9 e10 e11 e12 e13}
        expect_eq [r sort lt by wt_* alpha desc limit 0 7] {e55 e3 e7 e40 e6 e8 e9}
        # the full sort is stable
        expect_eq [lrange [r sort lt by wt_* alpha] 0 9] {e1 e2 e4 e5 e6 e8 e9 e10 e11 e12}
    }

    # ---- sets and sorted sets ------------------------------------------------------------------------
    test "Sets: sorted, or in their own order with a constant BY" {
        r del si ss d
        r sadd si 5 3 10 1
        expect_eq [r sort si] {1 3 5 10}
        expect_eq [r sort si by nosort] {1 3 5 10}
        expect_eq [r sort si desc limit 0 2] {10 5}
        r sadd ss x b a
        expect_eq [r object encoding ss] listpack
        expect_eq [r sort ss by nosort] {x b a}
        expect_eq [r sort ss alpha] {a b x}
        # stored, a set is sorted ALPHA so replicas and the AOF agree
        expect_eq [r sort ss by nosort store d] 3
        expect_eq [r lrange d 0 -1] {a b x}
        expect_eq [r sort si by nosort desc store d] 4
        expect_eq [r lrange d 0 -1] {5 3 10 1}
    }
    test "Sorted sets: by member value, or in score order with a constant BY; converted to a skiplist" {
        r del zs zn
        r zadd zs 3 a 1 b 2 c 0 10
        expect_eq [r object encoding zs] listpack
        expect_eq [r sort zs by nosort] {10 b c a}
        expect_eq [r object encoding zs] skiplist
        expect_eq [r sort zs by nosort desc limit 1 2] {c b}
        expect_eq [r sort zs by nosort limit 1 2] {b c}
        expect_eq [r sort zs alpha] {10 a b c}
        expect_eq [r sort zs alpha desc] {c b a 10}
        r zadd zn 1 10 2 2 3 -3
        expect_eq [r sort_ro zn] {-3 2 10}
        expect_eq [r object encoding zn] skiplist
        expect_eq [r sort zn by nosort desc] {-3 2 10}
        expect_eq [r zrange zn 0 -1 withscores] {10 1 2 2 -3 3}
    }

    # ---- STORE -----------------------------------------------------------------------------------------
    test "STORE writes a list (listpack or quicklist), replaces any value, clears the TTL" {
        weights
        r set dst x
        r expire dst 100
        expect_eq [r sort lw by w_* store dst] 4
        expect_eq [r lrange dst 0 -1] {d b c a}
        expect_eq [r ttl dst] -1
        expect_eq [r object encoding dst] listpack
        expect_eq [r sort lw by w_* get # get w_* store dst] 8
        expect_eq [r lrange dst 0 -1] {d {} b 1 c 2 a 3}
        expect_eq [r sort nokey store dst] 0
        expect_eq [r exists dst] 0
        expect_eq [r sort lw by nosort limit 9 9 store dst] 0
        r del big
        for {set i 0} {$i < 200} {incr i} { r rpush big $i }
        # 200 small numbers fit one 8 kB node: a listpack, as in Valkey 8
        expect_eq [r sort big desc store dst] 200
        expect_eq [r object encoding dst] listpack
        expect_eq [r lindex dst 0] 199
        r del bigs
        for {set i 100} {$i < 300} {incr i} { r rpush bigs $i[string repeat x 60] }
        expect_eq [r sort bigs alpha desc store dst] 200
        expect_eq [r object encoding dst] quicklist
        expect_eq [r lindex dst 0] 299[string repeat x 60]
        with_config list-max-listpack-size 4 {
            expect_eq [r sort lw by nosort store dst] 4
            expect_eq [r object encoding dst] listpack
            r rpush lw e
            expect_eq [r sort lw by nosort store dst] 5
            expect_eq [r object encoding dst] quicklist
        }
        # storing into the key being sorted
        expect_eq [r sort big limit 0 3 store big] 3
        expect_eq [r lrange big 0 -1] {0 1 2}
        # a conversion error stores nothing
        r set keep 1
        r rpush lbad x
        expect_err "ERR One or more scores*" {r sort lbad store keep}
        expect_eq [r get keep] 1
    }

    # ---- errors ----------------------------------------------------------------------------------------
    test "Errors, and which one wins" {
        weights
        r set str x
        r hset hh f v
        expect_err "ERR syntax error" {r sort_ro lw store x}
        expect_err "ERR syntax error" {r sort lw limit 1}
        expect_err "ERR syntax error" {r sort lw bogus}
        expect_err "ERR syntax error" {r sort lw by}
        expect_err "ERR syntax error" {r sort lw get}
        expect_err "ERR syntax error" {r sort lw store}
        expect_err "ERR value is not an integer or out of range" {r sort lw limit a 1}
        expect_err "ERR value is not an integer or out of range" {r sort lw limit 1 1.5}
        expect_err "ERR value is not an integer or out of range" {r sort lw limit 9223372036854775808 1}
        expect_err "WRONGTYPE*" {r sort str}
        expect_err "WRONGTYPE*" {r sort hh}
        expect_err "WRONGTYPE*" {r sort_ro str by nosort}
        # options are parsed before the key is looked up
        expect_err "ERR syntax error" {r sort str bogus}
        expect_err "ERR value is not an integer*" {r sort str limit x 1}
        expect_err "ERR wrong number of arguments for 'sort' command" {r sort}
        expect_err "ERR wrong number of arguments for 'sort_ro' command" {r sort_ro}
    }
    test "RESP3 shapes" {
        weights
        set c [new_client -resp 3]
        expect_eq [$c .typed sort lw by w_* get w_* limit 0 2] {array {null {bulk 1}}}
        expect_eq [$c .typed sort lw by w_* store d3] {int 4}
        expect_eq [$c .typed sort nokey] {array {}}
        $c .close
    }

    # ---- propagation, events, dirty ----------------------------------------------------------------------
    test "SORT ... STORE is propagated as written, plain SORT is not" {
        weights
        r select 9
        r del l d
        r rpush l 3 1 2
        set p [propagated {
            r sort l
            r sort_ro l desc
            r sort l store d
            r sort nokey store nothere
            r sort nokey store d
        }]
        expect_eq $p {{select 9} {sort l store d} {sort nokey store d}}
        r select 0
    }
    test "Key events and the dirty counter" {
        r del l d
        r rpush l 3 1 2
        set ev [events {
            r sort l store d
            r sort l limit 0 1 store d
            r sort l
            r sort nokey store d
            r sort nokey store d
        }]
        expect_eq $ev {{0 new d} {0 sortstore d} {0 sortstore d} {0 del d}}
        set d [dirty]
        r sort l store d
        expect_eq [expr {[dirty] - $d}] 3
        set d [dirty]
        r sort l get # get # store d
        expect_eq [expr {[dirty] - $d}] 6
        set d [dirty]
        r sort nokey store d
        expect_eq [expr {[dirty] - $d}] 1
        set d [dirty]
        r sort l
        r sort nokey store d
        expect_eq [expr {[dirty] - $d}] 0
    }
    test "Lookups through patterns count as reads (keyspace hits and misses)" {
        weights
        set h [server_info_field keyspace_hits stats]
        set m [server_info_field keyspace_misses stats]
        r sort lw by w_* get h_*->f
        # lw itself: 1 hit; BY: 3 hits 1 miss; GET: 4 hits
        expect_eq [expr {[server_info_field keyspace_hits stats] - $h}] 8
        expect_eq [expr {[server_info_field keyspace_misses stats] - $m}] 1
    }
    test "A model check: numeric SORT of random lists against Tcl's sort" {
        expr {srand(11)}
        for {set round 0} {$round < 30} {incr round} {
            r del rl
            set vals {}
            set n [expr {1 + int(rand() * 150)}]
            for {set i 0} {$i < $n} {incr i} { lappend vals [expr {int(rand() * 100) - 50}] }
            r rpush rl {*}$vals
            set off [expr {int(rand() * 20)}]
            set cnt [expr {int(rand() * 30) - 1}]
            set want [lsort -integer $vals]
            set want [expr {$cnt < 0 ? [lrange $want $off end] : [lrange $want $off [expr {$off + $cnt - 1}]]}]
            expect_eq [r sort rl limit $off $cnt] $want "round $round"
            expect_eq [r sort rl alpha] [lsort $vals]
        }
        expect_eq [r debug keyspace-check] OK
    }
}
