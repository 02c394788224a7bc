# helpers.tcl - procs the RDB and DUMP/RESTORE tests share (sourced by
# tests/unit/rdb*.tcl, tests/unit/dump.tcl, tests/integration/rdb*.tcl
# through asset_path):
#
#   rdb_crc64 bytes                 the CRC-64/Jones RDB files and DUMP payloads end with
#   rdb_payload_set_version p v     a DUMP payload with its version field set to v, CRC redone
#   rdb_file_set_version path v     the same for an RDB file (header digits, CRC)
#   rdb_listing ?client?            every database's content in a canonical, comparable form
#                                   (values, TTLs as absolute ms, stream metadata, groups,
#                                   pending entries, consumers; no times, no node layout)
#   rdb_replay file ?client?        sends a dataset file's commands (one Tcl list a line)
#   rdb_populate seed ?nkeys? ?skip?  a seeded random dataset over every type, encoding and
#                                   expiry, in databases 0, 1 and 9 (skip: kinds to leave
#                                   out, 0 string 1 list 2 hash 3 set 4 zset 5 stream)

namespace eval rdbh {
    variable crc_table {}
}

proc rdbh::init_crc {} {
    variable crc_table
    if {[llength $crc_table]} return
    set poly 0x95AC9329AC4BC9B5
    for {set b 0} {$b < 256} {incr b} {
        set c $b
        for {set i 0} {$i < 8} {incr i} {
            if {$c & 1} { set c [expr {($c >> 1) ^ $poly}] } else { set c [expr {$c >> 1}] }
        }
        lappend crc_table $c
    }
}

proc rdb_crc64 {data {crc 0}} {
    rdbh::init_crc
    binary scan $data cu* bytes
    set t $rdbh::crc_table
    foreach b $bytes {
        set crc [expr {[lindex $t [expr {($crc ^ $b) & 0xff}]] ^ ($crc >> 8)}]
    }
    return $crc
}

# 8 little-endian bytes of a 64-bit unsigned value.
proc rdbh::le64 {v} {
    set out ""
    for {set i 0} {$i < 8} {incr i} {
        append out [binary format cu [expr {($v >> (8 * $i)) & 0xff}]]
    }
    return $out
}

proc rdb_payload_set_version {payload ver} {
    set body [string range $payload 0 end-10]
    append body [binary format su $ver]
    return $body[rdbh::le64 [rdb_crc64 $body]]
}

proc rdb_file_set_version {path ver} {
    set fh [open $path rb]
    set data [read $fh]
    close $fh
    set body [string range $data 0 end-8]
    set body "REDIS[format %04d $ver][string range $body 9 end]"
    set fh [open $path wb]
    puts -nonewline $fh $body[rdbh::le64 [rdb_crc64 $body]]
    close $fh
}

proc rdbh::call {c args} {
    if {$c eq ""} { return [r {*}$args] }
    return [$c {*}$args]
}

# A stream's content without times or node layout.
proc rdbh::stream_listing {c key} {
    set out [list entries [rdbh::call $c xrange $key - +]]
    set info [rdbh::call $c xinfo stream $key]
    foreach f {length last-generated-id max-deleted-entry-id entries-added recorded-first-entry-id} {
        lappend out $f [dict get $info $f]
    }
    set groups {}
    foreach g [rdbh::call $c xinfo groups $key] {
        set name [dict get $g name]
        set pend {}
        foreach p [rdbh::call $c xpending $key $name - + 1000000] {
            lappend pend [list [lindex $p 0] [lindex $p 1] [lindex $p 3]]
        }
        set cons {}
        foreach cn [rdbh::call $c xinfo consumers $key $name] {
            lappend cons [list [dict get $cn name] [dict get $cn pending]]
        }
        lappend groups [list $name [dict get $g last-delivered-id] [dict get $g entries-read] \
                            [dict get $g lag] [dict get $g pending] $pend [lsort $cons]]
    }
    lappend out groups [lsort -index 0 $groups]
    return $out
}

proc rdb_listing {{c ""} {dbs {0 1 2 3 9}}} {
    set out {}
    foreach db $dbs {
        rdbh::call $c select $db
        foreach key [lsort [rdbh::call $c keys *]] {
            set type [rdbh::call $c type $key]
            switch -- $type {
                string { set v [rdbh::call $c get $key] }
                list { set v [rdbh::call $c lrange $key 0 -1] }
                hash { set v [lsort -stride 2 [rdbh::call $c hgetall $key]] }
                set { set v [lsort [rdbh::call $c smembers $key]] }
                zset {
                    # Scores in one form (Redis 7.0 prints %.17g, Valkey 8 the shortest).
                    set v {}
                    foreach {m sc} [rdbh::call $c zrange $key 0 -1 withscores] {
                        lappend v $m [expr {[string match -nocase *inf* $sc] ? [string tolower $sc] : double($sc)}]
                    }
                }
                stream { set v [rdbh::stream_listing $c $key] }
                default { set v "?" }
            }
            lappend out [list $db $key $type [rdbh::call $c pexpiretime $key] $v]
        }
    }
    rdbh::call $c select 0
    return $out
}

proc rdb_replay {file {c ""}} {
    set fh [open $file rb]
    set text [read $fh]
    close $fh
    foreach line [split $text \n] {
        if {[string trim $line] eq "" || [string index $line 0] eq "#"} continue
        rdbh::call $c {*}$line
    }
}

# ---- random datasets ------------------------------------------------------

proc rdbh::rnd {n} { return [expr {int(rand() * $n)}] }

proc rdbh::rstring {maxlen} {
    set len [rdbh::rnd [expr {$maxlen + 1}]]
    switch [rdbh::rnd 4] {
        0 { return [string repeat [format %c [expr {97 + [rdbh::rnd 3]}]] $len] }
        1 {
            set s ""
            for {set i 0} {$i < $len} {incr i} { append s [binary format cu [rdbh::rnd 256]] }
            return $s
        }
        2 { return [expr {[rdbh::rnd 2] ? [rdbh::rnd 1000000] : -[rdbh::rnd 100000000000]}] }
        default {
            set s ""
            for {set i 0} {$i < $len} {incr i} { append s [string index "abcdefghij\r\n\x00 " [rdbh::rnd 14]] }
            return $s
        }
    }
}

proc rdbh::score {} {
    switch [rdbh::rnd 8] {
        0 { return inf }
        1 { return -inf }
        2 { return [rdbh::rnd 100] }
        3 { return -[rdbh::rnd 1000] }
        default { return [expr {rand() * 2000 - 1000}] }
    }
}

proc rdb_populate {seed {nkeys 40} {skip {}}} {
    expr {srand($seed)}
    foreach db {0 1 9} {
        r select $db
        for {set k 0} {$k < $nkeys} {incr k} {
            set key "k:$seed:$db:$k"
            set kind [rdbh::rnd 6]
            if {$kind in $skip} continue
            switch $kind {
                0 { r set $key [rdbh::rstring [lindex {10 40 100 2000} [rdbh::rnd 4]]] }
                1 {
                    r config set list-compress-depth [rdbh::rnd 3]
                    r config set list-max-listpack-size [lindex {-2 -1 4 128} [rdbh::rnd 4]]
                    set n [lindex {1 5 50 400} [rdbh::rnd 4]]
                    for {set i 0} {$i < $n} {incr i} {
                        set e [rdbh::rstring [expr {[rdbh::rnd 30] == 0 ? 9000 : 20}]]
                        if {[rdbh::rnd 2]} { r rpush $key $e } else { r lpush $key $e }
                    }
                    r config set list-compress-depth 0
                    r config set list-max-listpack-size -2
                }
                2 {
                    set n [lindex {1 5 100 700} [rdbh::rnd 4]]
                    set long [expr {[rdbh::rnd 4] == 0 ? 100 : 10}]
                    for {set i 0} {$i < $n} {incr i} { r hset $key "f[rdbh::rstring 8]$i" [rdbh::rstring $long] }
                }
                3 {
                    set n [lindex {1 5 100 600} [rdbh::rnd 4]]
                    set ints [rdbh::rnd 2]
                    for {set i 0} {$i < $n} {incr i} {
                        if {$ints} {
                            r sadd $key [expr {[rdbh::rnd 2] ? [rdbh::rnd 100000] : -[rdbh::rnd 10000000000]}]
                        } else {
                            r sadd $key "m[rdbh::rstring [expr {[rdbh::rnd 10] ? 12 : 80}]]"
                        }
                    }
                }
                4 {
                    set n [lindex {1 5 100 300} [rdbh::rnd 4]]
                    for {set i 0} {$i < $n} {incr i} {
                        r zadd $key [rdbh::score] "m[rdbh::rstring [expr {[rdbh::rnd 10] ? 12 : 80}]]"
                    }
                }
                5 {
                    set n [lindex {1 10 200} [rdbh::rnd 3]]
                    set ms [expr {1000 + [rdbh::rnd 1000]}]
                    for {set i 0} {$i < $n} {incr i} {
                        incr ms [rdbh::rnd 3]
                        set args {}
                        for {set f 0} {$f < 1 + [rdbh::rnd 3]} {incr f} {
                            lappend args [lindex {a b c temp} [rdbh::rnd 4]] [rdbh::rstring 12]
                        }
                        r xadd $key $ms-$i {*}$args
                    }
                    if {[rdbh::rnd 2]} { r xdel $key [lindex [lindex [r xrange $key - + count 1] 0] 0] }
                    if {[rdbh::rnd 2]} {
                        r xgroup create $key g1 0
                        r xreadgroup group g1 c1 count [rdbh::rnd 5] streams $key >
                        r xreadgroup group g1 c2 count [rdbh::rnd 5] streams $key >
                        r xgroup createconsumer $key g1 idle
                        set p [r xpending $key g1 - + 1]
                        if {[llength $p]} { r xack $key g1 [lindex [lindex $p 0] 0] }
                    }
                    if {[rdbh::rnd 3] == 0} { r xgroup create $key g2 $ }
                }
            }
            if {[rdbh::rnd 5] == 0 && [r exists $key]} { r pexpire $key [expr {1000000 + [rdbh::rnd 1000000000]}] }
        }
    }
    r select 0
}
