# GEO commands: GEOADD (NX XX CH), GEOPOS, GEODIST, GEOHASH, GEOSEARCH and
# GEOSEARCHSTORE, the GEORADIUS family, with Valkey 8's replies in RESP2
# and RESP3 (coordinates are RESP3 doubles, distances bulk strings with 4
# decimals), every error text and the order in which errors win, the
# scores (52-bit geohashes), results and their order (ties keep the order
# they were found in; COUNT's partial sort), search quirks Valkey has
# (the antimeridian, the top edge), encodings, propagation (GEOADD as
# ZADD), key events and the dirty counter.  Expected values were read from
# redis-server 7.0, whose GEO arithmetic Valkey 8 shares (distances there
# can differ in the 4th decimal in rare rounding cases: not these).

file_tags {geo needs:geo needs:zset}

proc sicily {{key Sicily}} {
    r del $key
    r geoadd $key 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 13.583333 37.316667 Agrigento \
        12.758489 38.788135 edge1 13.4 37.9 same1 13.4 37.9 same2 13.4 37.9 same0
}

with_server {
    # ---- GEOADD ------------------------------------------------------------------------------------
    test "GEOADD stores 52-bit geohash scores in a sorted set" {
        r del g
        expect_eq [r geoadd g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania] 2
        expect_eq [r type g] zset
        expect_eq [r zscore g Palermo] 3479099956230698
        expect_eq [r zscore g Catania] 3479447370796909
        expect_eq [r zrange g 0 -1] {Palermo Catania}
        expect_eq [r geoadd g 13.361389 38.115556 Palermo] 0
        expect_eq [r geoadd g 13.5 38.1 Palermo] 0
        expect_ne [r zscore g Palermo] 3479099956230698
    }
    test "GEOADD NX, XX and CH" {
        r del g
        r geoadd g 13.361389 38.115556 a
        expect_eq [r geoadd g nx 1 1 a 2 2 b] 1
        expect_eq [r zscore g a] 3479099956230698
        expect_eq [r geoadd g xx 1 1 a 3 3 c] 0
        expect_eq [r zscore g c] {}
        expect_ne [r zscore g a] 3479099956230698
        expect_eq [r geoadd g ch 5 5 a 2 2 b 6 6 d] 2
        expect_eq [r geoadd g xx ch 7 7 a 7 7 b] 2
        expect_eq [r geoadd g ch nx 7 7 a 8 8 e] 1
        expect_eq [r geoadd nokey xx 1 1 a] 0
        expect_eq [r exists nokey] 0
    }
    test "GEOADD errors, and validation before any change" {
        r del g
        expect_err "ERR syntax error" {r geoadd g nx xx 1 1 a}
        expect_err "ERR syntax error" {r geoadd g 1 1 a 2}
        expect_err "ERR syntax error" {r geoadd g ch nx ch}
        expect_err "ERR syntax error" {r geoadd g gt 1 1 a}
        expect_err "ERR wrong number of arguments for 'geoadd' command" {r geoadd g 1 1}
        expect_err "ERR invalid longitude,latitude pair 200.000000,100.000000" {r geoadd g 200 100 x}
        expect_err "ERR invalid longitude,latitude pair 13.000000,85.051129" {r geoadd g 13 85.051129 x}
        expect_err "ERR invalid longitude,latitude pair -180.000001,0.000000" {r geoadd g -180.000001 0 x}
        expect_err "ERR invalid longitude,latitude pair inf,0.000000" {r geoadd g inf 0 x}
        expect_err "ERR value is not a valid float" {r geoadd g abc 1 x}
        expect_err "ERR value is not a valid float" {r geoadd g 1 nan x}
        expect_err "ERR value is not a valid float" {r geoadd g 1 "" x}
        expect_err "ERR invalid longitude,latitude pair 200.000000,0.000000" {r geoadd g 1 1 ok 200 0 bad}
        expect_eq [r exists g] 0
        r set str x
        expect_err "ERR invalid longitude,latitude pair 200.000000,0.000000" {r geoadd str 200 0 bad}
        expect_err "WRONGTYPE*" {r geoadd str 1 1 a}
        expect_err "ERR syntax error" {r geoadd str 1 1 a 2}
    }
    test "GEOADD at the edges of the ranges (the top edge spills past 52 bits, as in Valkey)" {
        r del g
        r geoadd g 180 85.05112878 top -180 -85.05112878 bottom 0 0 origin
        expect_eq [r zscore g top] 13510798882111488
        expect_eq [r zscore g bottom] 0
        expect_eq [r zscore g origin] 3377699720527872
        expect_eq [r geopos g top bottom origin] {{180 85.0511287799999991} {-179.99999731779098511 -85.05112751263942528} {0.00000268220901489 0.00000126736058093}}
        expect_eq [r geohash g top bottom origin] {bp05b5048p0 00bh0hbj200 s0000000000}
    }
    test "GEOADD encodings follow ZADD's (listpack, skiplist past the limits)" {
        r del g
        r geoadd g 1 1 a
        expect_eq [r object encoding g] listpack
        set args {}
        for {set i 0} {$i < 129} {incr i} { lappend args [expr {$i * 0.01}] 1 m$i }
        r del g
        r geoadd g {*}$args
        expect_eq [r object encoding g] skiplist
        r del g
        r geoadd g 1 1 [string repeat x 65]
        expect_eq [r object encoding g] skiplist
        with_config zset-max-listpack-entries 2 {
            r del g
            r geoadd g 1 1 a 2 2 b
            expect_eq [r object encoding g] listpack
            r geoadd g 3 3 c
            expect_eq [r object encoding g] skiplist
        }
    }
    test "Binary member names" {
        r del g
        r geoadd g 13.361389 38.115556 "a\x00b" 15.087269 37.502669 "\r\n" 13.4 37.9 ""
        expect_eq [r geopos g "a\x00b"] {{13.36138933897018433 38.11555639549629859}}
        expect_eq [r geodist g "a\x00b" "\r\n" km] 166.2742
        expect_eq [r geosearch g fromlonlat 15 37 byradius 200 km asc] [list "\r\n" "" "a\x00b"]
        expect_eq [r geopos g "a\x00c"] {{}}
    }

    # ---- GEOPOS, GEODIST, GEOHASH ----------------------------------------------------------------------
    foreach enc {listpack skiplist} {
        test "GEOPOS, GEODIST, GEOHASH ($enc)" {
            with_config zset-max-listpack-entries [expr {$enc eq "listpack" ? 128 : 0}] { sicily }
            expect_eq [r object encoding Sicily] $enc
            expect_eq [r geopos Sicily Palermo nosuch Catania] {{13.36138933897018433 38.11555639549629859} {} {15.08726745843887329 37.50266842333162032}}
            expect_eq [r geopos nokey a b] {{} {}}
            expect_eq [r geodist Sicily Palermo Catania] 166274.1516
            expect_eq [r geodist Sicily Palermo Catania m] 166274.1516
            expect_eq [r geodist Sicily Palermo Catania KM] 166.2742
            expect_eq [r geodist Sicily Palermo Catania ft] 545518.8700
            expect_eq [r geodist Sicily Palermo Catania mI] 103.3182
            expect_eq [r geodist Sicily same1 same2] 0.0000
            expect_eq [r geodist Sicily Palermo Palermo] 0.0000
            expect_rtype nullbulk {r geodist Sicily Palermo nosuch}
            expect_rtype nullbulk {r geodist nokey a b}
            expect_eq [r geohash Sicily Palermo Catania Agrigento edge1 same0 nosuch] {sqc8b49rny0 sqdtr74hyu0 sq9sm1716e0 sqchdm4mq20 sq9x8gmxd80 {}}
            expect_eq [r geohash nokey a b] {{} {}}
            expect_eq [r geohash Sicily] {}
            expect_eq [r geopos Sicily] {}
        }
    }
    test "GEOPOS and GEODIST errors" {
        sicily
        expect_err "ERR unsupported unit provided. please use M, KM, FT, MI" {r geodist Sicily Palermo Catania yd}
        expect_err "ERR unsupported unit provided. please use M, KM, FT, MI" {r geodist nokey a b yd}
        expect_err "ERR syntax error" {r geodist Sicily Palermo Catania km x}
        expect_err "ERR wrong number of arguments for 'geodist' command" {r geodist Sicily Palermo}
        expect_err "ERR wrong number of arguments for 'geopos' command" {r geopos}
        expect_err "ERR wrong number of arguments for 'geohash' command" {r geohash}
        r set str x
        expect_err "WRONGTYPE*" {r geopos str a}
        expect_err "WRONGTYPE*" {r geohash str a}
        expect_err "WRONGTYPE*" {r geodist str a b}
        expect_err "ERR unsupported unit provided*" {r geodist str a b yd}
    }
    test "Scores no GEOADD makes still decode (as Valkey's x86-64 build decodes them)" {
        r del g
        r zadd g -5 neg 0.5 half -1e300 hugeneg 1e300 huge inf pinf -inf ninf 4503599627370496 p52 123456789012345.75 frac
        expect_eq [r geopos g neg half hugeneg huge pinf ninf p52 frac] {{180 85.0511287799999991} {-179.99999731779098511 -85.05112751263942528} {180 -85.05112751263942528} {-179.99999731779098511 -85.05112751263942528} {-179.99999731779098511 -85.05112751263942528} {180 -85.05112751263942528} {-179.99999731779098511 85.0511287799999991} {-156.59539550542831421 -51.8046779469109282}}
        expect_eq [r geohash g neg frac] {bp05b5048p0 0wb9k94xyu0}
    }
    test "RESP3: coordinates are doubles, distances bulk strings" {
        sicily
        set c [new_client -resp 3]
        expect_eq [$c .typed geopos Sicily Palermo nosuch] {array {{array {{double 13.36138933897018433} {double 38.11555639549629859}}} null}}
        expect_eq [$c .typed geodist Sicily Palermo Catania km] {bulk 166.2742}
        expect_eq [$c .typed geodist Sicily Palermo nosuch] {null}
        expect_eq [$c .typed geohash Sicily Palermo nosuch] {array {{bulk sqc8b49rny0} null}}
        expect_eq [$c .typed geosearch Sicily fromlonlat 15 37 byradius 100 km withdist withhash withcoord] {array {{array {{bulk Catania} {bulk 56.4413} {int 3479447370796909} {array {{double 15.08726745843887329} {double 37.50266842333162032}}}}}}}
        expect_eq [$c .typed geosearch nokey fromlonlat 15 37 byradius 100 km] {array {}}
        $c .close
    }

    # ---- GEOSEARCH -------------------------------------------------------------------------------------
    foreach enc {listpack skiplist} {
        test "GEOSEARCH results, order and options ($enc)" {
            with_config zset-max-listpack-entries [expr {$enc eq "listpack" ? 128 : 0}] { sicily }
            expect_eq [r object encoding Sicily] $enc
            # ASC: ties (same0..same2 at one spot) keep the order they were found in
            expect_eq [r geosearch Sicily fromlonlat 15 37 byradius 200 km asc withdist] {{Catania 56.4413} {Agrigento 130.4235} {same0 173.1459} {same1 173.1459} {same2 173.1459} {Palermo 190.4424}}
            expect_eq [r geosearch Sicily fromlonlat 15 37 byradius 400 km desc count 2 withdist] {{edge1 279.7405} {Palermo 190.4424}}
            # no order asked: the order of the cells scanned, then of the scores
            expect_eq [r geosearch Sicily fromlonlat 15 37 byradius 400 km] {Agrigento same0 same1 same2 Palermo edge1 Catania}
            expect_eq [r geosearch Sicily frommember Palermo bybox 400 400 km asc withcoord withdist withhash] {{Palermo 0.0000 3479099956230698 {13.36138933897018433 38.11555639549629859}} {same0 24.2130 3479095421158007 {13.40000241994857788 37.90000117338495755}} {same1 24.2130 3479095421158007 {13.40000241994857788 37.90000117338495755}} {same2 24.2130 3479095421158007 {13.40000241994857788 37.90000117338495755}} {Agrigento 90.9778 3479030013248308 {13.5833314061164856 37.31666804993816555}} {edge1 91.4007 3479273021651468 {12.7584877610206604 38.78813451624225195}} {Catania 166.2742 3479447370796909 {15.08726745843887329 37.50266842333162032}}}
            # ANY stops at COUNT found, in scan order, unsorted
            expect_eq [r geosearch Sicily fromlonlat 15 37 byradius 400 km count 2 any] {Agrigento same0}
            expect_eq [r geosearch Sicily fromlonlat 15 37 byradius 400 km count 2 any desc] {same0 Agrigento}
            # COUNT alone sorts ascending; the partial sort picks among ties as Valkey's does
            expect_eq [r geosearch Sicily frommember Palermo byradius 400 km count 3 withdist] {{Palermo 0.0000} {same0 24.2130} {same1 24.2130}}
            expect_eq [r geosearch Sicily frommember Palermo byradius 400 km count 100 asc] {Palermo same0 same1 same2 Agrigento edge1 Catania}
            expect_eq [r geosearch Sicily fromlonlat 15 37 byradius 400 km count 4294967297 any] {Agrigento same0 same1 same2 Palermo edge1 Catania}
            expect_eq [r geosearch Sicily fromlonlat 15 37 byradius 400 km count 9223372036854775807 asc] {Catania Agrigento same0 same1 same2 Palermo edge1}
            expect_eq [r geosearch Sicily fromlonlat 15 37 byradius 1 m] {}
            expect_eq [r geosearch Sicily frommember Palermo byradius 0 m] {Palermo}
            expect_eq [r geosearch Sicily frommember Palermo bybox 0 0 m] {Palermo}
            expect_eq [r geosearch Sicily fromlonlat 15 37 byradius 124.3 mi asc] {Catania Agrigento same0 same1 same2 Palermo}
            expect_eq [r geosearch Sicily fromlonlat 15 37 byradius 656000 FT asc] {Catania Agrigento same0 same1 same2 Palermo}
        }
    }
    test "GEOSEARCH errors, in Valkey's order" {
        sicily
        r set str x
        expect_err "ERR wrong number of arguments for 'geosearch' command" {r geosearch Sicily fromlonlat 1 2 byradius}
        expect_err "ERR syntax error" {r geosearch Sicily fromlonlat 1 2 byradius 1}
        expect_err "WRONGTYPE*" {r geosearch str fromlonlat 1 2 byradius 1 km bogus}
        expect_err "ERR syntax error" {r geosearch Sicily fromlonlat 15 37 byradius 1 km bogus}
        expect_err "ERR syntax error" {r geosearch Sicily fromlonlat 15 37 bybox 1 1 km byradius 1 km}
        expect_err "ERR syntax error" {r geosearch Sicily frommember Palermo fromlonlat 15 37 byradius 1 km}
        expect_err "ERR syntax error" {r geosearch Sicily fromlonlat 15 37 byradius 1 km storedist}
        expect_err "ERR syntax error" {r geosearch Sicily fromlonlat 15 37 byradius 1 km store x}
        expect_err "ERR syntax error" {r geosearch Sicily fromlonlat 15 37 byradius 1 km count}
        expect_err "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch" {r geosearch Sicily byradius 1 km asc asc}
        expect_err "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GeoSearch" {r GeoSearch Sicily byradius 1 km asc asc}
        expect_err "ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch" {r geosearch Sicily fromlonlat 1 2 asc asc}
        expect_err "ERR the ANY argument requires COUNT argument" {r geosearch Sicily fromlonlat 1 2 byradius 1 km any}
        expect_err "ERR COUNT must be > 0" {r geosearch Sicily fromlonlat 1 2 byradius 1 km count 0}
        expect_err "ERR COUNT must be > 0" {r geosearch Sicily fromlonlat 1 2 byradius 1 km count -3}
        expect_err "ERR value is not an integer or out of range" {r geosearch Sicily fromlonlat 1 2 byradius 1 km count x}
        expect_err "ERR need numeric radius" {r geosearch Sicily fromlonlat 1 2 byradius x km}
        expect_err "ERR radius cannot be negative" {r geosearch Sicily fromlonlat 1 2 byradius -1 km}
        expect_err "ERR unsupported unit provided. please use M, KM, FT, MI" {r geosearch Sicily fromlonlat 1 2 byradius 1 yd}
        expect_err "ERR need numeric width" {r geosearch Sicily fromlonlat 1 2 bybox x 1 km}
        expect_err "ERR need numeric height" {r geosearch Sicily fromlonlat 1 2 bybox 1 x km}
        expect_err "ERR height or width cannot be negative" {r geosearch Sicily fromlonlat 1 2 bybox 1 -1 km}
        expect_err "ERR unsupported unit provided*" {r geosearch Sicily fromlonlat 1 2 bybox 1 1 yd}
        expect_err "ERR invalid longitude,latitude pair 1.000000,86.000000" {r geosearch Sicily fromlonlat 1 86 byradius 1 km}
        expect_err "ERR value is not a valid float" {r geosearch Sicily fromlonlat x 1 byradius 1 km}
        expect_err "ERR could not decode requested zset member" {r geosearch Sicily frommember nosuch byradius 1 km}
        # options are checked as they are read: the first bad one wins
        expect_err "ERR could not decode requested zset member" {r geosearch Sicily frommember nosuch byradius x km}
        expect_err "ERR need numeric radius" {r geosearch Sicily byradius x km frommember nosuch}
        # without a key the member is not looked up; combinations are still checked
        expect_eq [r geosearch nokey frommember nosuch byradius 1 km] {}
        expect_err "ERR the ANY argument requires COUNT argument" {r geosearch nokey frommember nosuch byradius 1 km any}
        expect_err "ERR exactly one of BYRADIUS*" {r geosearch nokey frommember nosuch asc asc asc}
    }
    test "Search quirks kept from Valkey: no wrap at the antimeridian, wide radii" {
        r del g
        r geoadd g 179.9 10 east -179.9 10 west 0 0 origin
        # west is 11 km away across the antimeridian, but the cells do not wrap
        expect_eq [r geosearch g fromlonlat 180 10 byradius 50 km asc withdist] {{east 10.9537}}
        expect_eq [r geosearch g fromlonlat 0 0 byradius 8000 km asc] {origin}
        expect_eq [r geosearch g frommember origin bybox 1000 2000 km asc withdist] {{origin 0.0000}}
        expect_eq [r geosearch g fromlonlat 0 0 byradius 20000 km asc] {origin east west}
    }

    # ---- GEOSEARCHSTORE -------------------------------------------------------------------------------
    test "GEOSEARCHSTORE stores scores or distances; nothing found deletes the destination" {
        sicily
        expect_eq [r geosearchstore dst Sicily fromlonlat 15 37 byradius 200 km asc count 2] 2
        expect_eq [r zrange dst 0 -1 withscores] {Agrigento 3479030013248308 Catania 3479447370796909}
        expect_eq [r geosearchstore dst Sicily fromlonlat 15 37 byradius 200 km storedist asc count 1] 1
        expect_eq [r zrange dst 0 -1 withscores] {Catania 56.4412578701582}
        expect_eq [r geosearchstore dst Sicily fromlonlat 15 37 byradius 200 km storedist] 6
        expect_eq [r zrange dst 0 -1 withscores] {Catania 56.4412578701582 Agrigento 130.42348706714702 same0 173.14590093053835 same1 173.14590093053835 same2 173.14590093053835 Palermo 190.44242984775784}
        expect_eq [r object encoding dst] listpack
        r expire dst 100
        expect_eq [r geosearchstore dst Sicily frommember Palermo byradius 1 m] 1
        expect_eq [r ttl dst] -1
        expect_eq [r geosearchstore dst Sicily fromlonlat 0 0 byradius 1 m] 0
        expect_eq [r exists dst] 0
        expect_eq [r geosearchstore dst nokey fromlonlat 0 0 byradius 1 m] 0
        r set dst x
        expect_eq [r geosearchstore dst nokey frommember nosuch byradius 1 m] 0
        expect_eq [r exists dst] 0
        # the source itself as destination
        expect_eq [r geosearchstore Sicily Sicily fromlonlat 15 37 byradius 100 km] 1
        expect_eq [r zrange Sicily 0 -1] {Catania}
        # a result past the listpack limits is a skiplist
        sicily
        with_config zset-max-listpack-entries 3 {
            expect_eq [r geosearchstore dst Sicily fromlonlat 15 37 byradius 200 km] 6
            expect_eq [r object encoding dst] skiplist
        }
    }
    test "GEOSEARCHSTORE errors" {
        sicily
        r set str x
        expect_err "ERR wrong number of arguments for 'geosearchstore' command" {r geosearchstore dst Sicily fromlonlat 1 2 byradius}
        expect_err "ERR syntax error" {r geosearchstore dst Sicily fromlonlat 1 2 byradius 1}
        expect_err "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options" {r geosearchstore dst Sicily fromlonlat 15 37 byradius 1 km withdist}
        expect_err "ERR GEOSEARCHSTORE is not compatible*" {r geosearchstore dst Sicily fromlonlat 15 37 byradius 1 km withhash}
        expect_err "ERR syntax error" {r geosearchstore dst Sicily fromlonlat 15 37 byradius 1 km store x}
        expect_err "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearchstore" {r geosearchstore dst Sicily byradius 1 km asc asc}
        expect_err "WRONGTYPE*" {r geosearchstore dst str fromlonlat 1 2 byradius 1 km}
        # the destination's type does not matter: it is replaced
        expect_eq [r geosearchstore str Sicily fromlonlat 15 37 byradius 100 km] 1
        expect_eq [r type str] zset
    }

    # ---- GEORADIUS family -----------------------------------------------------------------------------
    test "GEORADIUS and GEORADIUSBYMEMBER (and the _RO forms)" {
        sicily
        expect_eq [r georadius Sicily 15 37 200 km withdist withcoord] {{Agrigento 130.4235 {13.5833314061164856 37.31666804993816555}} {same0 173.1459 {13.40000241994857788 37.90000117338495755}} {same1 173.1459 {13.40000241994857788 37.90000117338495755}} {same2 173.1459 {13.40000241994857788 37.90000117338495755}} {Palermo 190.4424 {13.36138933897018433 38.11555639549629859}} {Catania 56.4413 {15.08726745843887329 37.50266842333162032}}}
        expect_eq [r georadius_ro Sicily 15 37 200 km asc count 1] {Catania}
        expect_eq [r georadiusbymember Sicily Agrigento 100 mi withdist asc] {{Agrigento 0.0000} {same0 41.5466} {same1 41.5466} {same2 41.5466} {Palermo 56.5311} {Catania 83.5558}}
        expect_eq [r georadiusbymember_ro Sicily Agrigento 100 mi desc count 2] {Catania Palermo}
        expect_eq [r georadius Sicily 15 37 200 km storedist d1] 6
        expect_eq [r zrange d1 0 0 withscores] {Catania 56.4412578701582}
        expect_eq [r georadiusbymember Sicily Palermo 10 km store d2] 1
        expect_eq [r zrange d2 0 -1 withscores] {Palermo 3479099956230698}
        expect_eq [r georadius nokey 15 37 200 km] {}
        expect_eq [r georadius nokey 15 37 200 km store d1] 0
        expect_eq [r exists d1] 0
        expect_eq [r georadiusbymember nokey nosuch 200 km] {}
    }
    test "GEORADIUS family errors" {
        sicily
        r set str x
        expect_err "ERR wrong number of arguments for 'georadius' command" {r georadius Sicily 15 37 200}
        expect_err "ERR wrong number of arguments for 'georadiusbymember' command" {r georadiusbymember Sicily Palermo 200}
        expect_err "ERR syntax error" {r georadius_ro Sicily 15 37 200 km store d}
        expect_err "ERR syntax error" {r georadiusbymember_ro Sicily Palermo 200 km storedist d}
        expect_err "ERR syntax error" {r georadius Sicily 15 37 200 km store}
        expect_err "ERR syntax error" {r georadius Sicily 15 37 200 km frommember Palermo}
        expect_err "ERR syntax error" {r georadius Sicily 15 37 200 km byradius 1 km}
        expect_err "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options" {r georadius Sicily 15 37 200 km withdist store d}
        expect_err "ERR STORE option in GEORADIUS is not compatible*" {r georadiusbymember Sicily Palermo 200 km storedist d withcoord}
        expect_err "ERR invalid longitude,latitude pair 15.000000,90.000000" {r georadius Sicily 15 90 200 km}
        expect_err "ERR need numeric radius" {r georadius Sicily 15 37 x km}
        expect_err "ERR radius cannot be negative" {r georadius Sicily 15 37 -2 km}
        expect_err "ERR unsupported unit provided*" {r georadius Sicily 15 37 2 yd}
        expect_err "ERR could not decode requested zset member" {r georadiusbymember Sicily nosuch 2 km}
        expect_err "ERR could not decode requested zset member" {r georadiusbymember Sicily nosuch x km}
        expect_err "ERR need numeric radius" {r georadiusbymember Sicily Palermo x km}
        # no key: the radius is not read, the options still are
        expect_eq [r georadiusbymember nokey nosuch x yd] {}
        expect_err "ERR syntax error" {r georadiusbymember nokey nosuch x yd bogus}
        expect_err "ERR the ANY argument requires COUNT argument" {r georadius Sicily 15 37 2 km any}
        expect_err "ERR COUNT must be > 0" {r georadius Sicily 15 37 2 km count 0}
        expect_err "WRONGTYPE*" {r georadius str 15 37 200 km}
        expect_err "WRONGTYPE*" {r georadius str 15 90 200 km}
        expect_err "WRONGTYPE*" {r georadiusbymember_ro str a 200 km}
    }

    # ---- propagation, events, dirty ----------------------------------------------------------------------
    test "GEOADD is propagated as the ZADD it runs; searches that store as written" {
        r select 9
        r del g d
        set p [propagated {
            r geoadd g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
            r geoadd g 13.361389 38.115556 Palermo
            r geoadd g nx CH 13.361389 38.115556 Palermo 13.5 37.3 Agrigento
            r geoadd g xx 1 1 nosuch
            r geosearch g fromlonlat 15 37 byradius 200 km
            r georadius g 15 37 200 km
            r geosearchstore d g fromlonlat 15 37 byradius 200 km storedist
            r georadius g 15 37 200 km store d
            r geosearchstore nothere g fromlonlat 0 0 byradius 1 m
            r geosearchstore d g fromlonlat 0 0 byradius 1 m
        }]
        expect_eq $p [list {*}{{select 9} {zadd g 3479099956230698 Palermo 3479447370796909 Catania}
            {zadd g nx CH 3479099956230698 Palermo 3479028340915260 Agrigento}
            {geosearchstore d g fromlonlat 15 37 byradius 200 km storedist} {georadius g 15 37 200 km store d}
            {geosearchstore d g fromlonlat 0 0 byradius 1 m}}]
        r select 0
    }
    test "Key events and the dirty counter" {
        r del g d
        set ev [events {
            r geoadd g 1 1 a 2 2 b
            r geoadd g 1 1 a
            r geoadd g 3 3 a
            r geosearchstore d g fromlonlat 1 1 byradius 1000 km
            r georadius g 1 1 1000 km store d
            r georadius g 80 80 1 km store d
            r geosearchstore d g fromlonlat 80 80 byradius 1 km
        }]
        expect_eq $ev [list {*}{{0 new g} {0 zadd g} {0 zadd g} {0 new d} {0 geosearchstore d}
            {0 georadiusstore d} {0 del d}}]
        r del g d
        set d [dirty]
        r geoadd g 1 1 a 2 2 b 3 3 c
        expect_eq [expr {[dirty] - $d}] 3
        set d [dirty]
        r geoadd g ch 1 1 a 5 5 b 6 6 x
        expect_eq [expr {[dirty] - $d}] 2
        set d [dirty]
        r geosearchstore d g fromlonlat 1 1 byradius 10000 km
        expect_eq [expr {[dirty] - $d}] 4
        set d [dirty]
        r geosearchstore d g fromlonlat 80 80 byradius 1 m
        expect_eq [expr {[dirty] - $d}] 1
        set d [dirty]
        r geosearch g fromlonlat 1 1 byradius 10000 km
        r geosearchstore d g fromlonlat 80 80 byradius 1 m
        expect_eq [expr {[dirty] - $d}] 0
    }

    # ---- a bigger index: results against a plain scan ----------------------------------------------------
    test "GEOSEARCH finds exactly the members within the radius (2000 random points)" {
        r del big
        set pts {}
        expr {srand(7)}
        for {set i 0} {$i < 2000} {incr i} {
            set lon [format %.6f [expr {12 + rand() * 4}]]
            set lat [format %.6f [expr {36 + rand() * 3}]]
            lappend pts $lon $lat p$i
        }
        r geoadd big {*}$pts
        foreach {lon lat r_km} {14 37.5 30 13.1 36.2 80 15.9 38.9 5 14.5 37 250} {
            set got [lsort [r geosearch big fromlonlat $lon $lat byradius $r_km km]]
            set want {}
            r geoadd tmpc $lon $lat centre
            foreach m [r zrange big 0 -1] {
                set pos [lindex [r geopos big $m] 0]
                r geoadd tmpc {*}$pos x
                if {[r geodist tmpc centre x m] <= $r_km * 1000} { lappend want $m }
            }
            r del tmpc
            expect_eq $got [lsort $want] "radius $r_km km around $lon,$lat"
            set asc [r geosearch big fromlonlat $lon $lat byradius $r_km km asc withdist]
            set prev -1
            foreach e $asc { expect_true {[lindex $e 1] >= $prev}; set prev [lindex $e 1] }
        }
        r del big
    }

    test "Generic key commands on a geo index; keyspace check" {
        sicily g
        expect_eq [r type g] zset
        r copy g g2
        expect_eq [r geopos g2 Palermo] [r geopos g Palermo]
        expect_eq [r debug digest-value g] [r debug digest-value g2]
        r rename g2 g3
        expect_eq [r geodist g3 Palermo Catania] 166274.1516
        expect_true {[r memory usage g] > 100}
        r del g g3
        expect_eq [r debug keyspace-check] OK
    }
}
