# dump.tcl - DUMP and RESTORE (and RESTORE-ASKING): payloads of every type
# and encoding round trip, the options (REPLACE, ABSTTL, IDLETIME, FREQ)
# and their errors, TTLs in the past, propagation (absolute TTL, DEL),
# key events, payloads from Redis 7.0 (fixtures) and older RDB versions,
# and corrupt payloads (seeded mutations with the CRC redone so the value
# parser sees them) that must never crash the server.

file_tags {dump}
source [asset_path rdb/helpers.tcl]

# A payload's value bytes with a new footer (version 11, CRC redone).
proc repack {body {ver 11}} {
    set p $body[binary format su $ver]
    return $p[rdbh::le64 [rdb_crc64 $p]]
}

with_server {
    test "DUMP of a missing key is a null bulk" {
        r del nokey
        expect_null {r dump nokey}
    }

    test "a payload is the value, the RDB version (11) and a valid CRC-64" {
        r set k 12345
        set p [r dump k]
        # type 0 (string), then 12345 in the 16-bit integer encoding
        expect_eq [string range $p 0 3] "\x00\xc1\x39\x30"
        binary scan [string range $p end-9 end-8] su ver
        expect_eq $ver 11
        binary scan [string range $p end-7 end] wu crc
        expect_eq [expr {$crc & 0xffffffffffffffff}] [rdb_crc64 [string range $p 0 end-8]]
    }

    test "every key of seeded random datasets round trips through DUMP/RESTORE" {
        foreach seed {5 6} {
            r flushall
            rdb_populate $seed 30
            foreach db {0 1 9} {
                r select $db
                foreach k [r keys k:*] {
                    set p [r dump $k]
                    expect_eq [r restore copy:$k 0 $p] OK
                    expect_eq [r debug digest-value copy:$k] [r debug digest-value $k]
                    expect_eq [r type copy:$k] [r type $k]
                    if {[r type $k] eq "string"} { expect_eq [r dump copy:$k] $p }
                }
            }
            r select 0
        }
        expect_eq [r debug keyspace-check] OK
    }

    test "small encodings stay small, big ones big" {
        r flushall
        r rpush l a b
        r hset h f v
        r sadd si 1 2
        r sadd sl a b
        r zadd z 1 a
        r rpush ql {*}[lrepeat 500 x]
        r zadd zs 1 [string repeat z 200]
        foreach k {l h si sl z ql zs} {
            r restore c:$k 0 [r dump $k]
            expect_eq [r object encoding c:$k] [r object encoding $k] $k
        }
    }

    test "RESTORE refuses an existing key unless REPLACE" {
        r set src value
        set p [r dump src]
        r set dst old
        expect_err "BUSYKEY Target key name already exists." {r restore dst 0 $p}
        expect_eq [r get dst] old
        expect_eq [r restore dst 0 $p replace] OK
        expect_eq [r get dst] value
        expect_eq [r restore-asking dst2 0 $p] OK
        expect_eq [r get dst2] value
    }

    test "RESTORE TTLs: relative milliseconds, ABSTTL, none" {
        set p [r dump src]
        r del a b c
        r restore a 100000 $p
        expect_between [r pttl a] 99000 100000
        set at [expr {[clock milliseconds] + 500000}]
        r restore b $at $p absttl
        expect_eq [r pexpiretime b] $at
        r restore c 0 $p
        expect_eq [r ttl c] -1
        expect_err "ERR Invalid TTL value, must be >= 0" {r restore d -1 $p}
        expect_err "ERR value is not an integer or out of range" {r restore d x $p}
    }

    test "a TTL in the past creates nothing and REPLACE deletes the old key" {
        set p [r dump src]
        r del gone
        expect_eq [r restore gone 1 $p absttl] OK
        expect_eq [r exists gone] 0
        r set old 1
        set ev [events {expect_eq [r restore old 1 $p absttl replace] OK}]
        expect_eq [r exists old] 0
        expect_eq $ev {{0 del old}}
    }

    test "RESTORE IDLETIME and FREQ set the access data; ranges and exclusivity" {
        set p [r dump src]
        r del i
        r restore i 0 $p idletime 1000
        expect_ge [r object idletime i] 1000
        r config set maxmemory-policy allkeys-lfu
        r del f
        r restore f 0 $p freq 100
        expect_eq [r object freq f] 100
        r config set maxmemory-policy noeviction
        expect_err "ERR Invalid IDLETIME value, must be >= 0" {r restore x 0 $p idletime -1}
        expect_err "ERR Invalid FREQ value, must be >= 0 and <= 255" {r restore x 0 $p freq 256}
        expect_err "ERR Invalid FREQ value, must be >= 0 and <= 255" {r restore x 0 $p freq -1}
        expect_err "ERR syntax error" {r restore x 0 $p idletime 1 freq 1}
        expect_err "ERR syntax error" {r restore x 0 $p freq 1 idletime 1}
        expect_err "ERR syntax error" {r restore x 0 $p idletime}
        expect_err "ERR syntax error" {r restore x 0 $p bogus}
        expect_err "ERR wrong number of arguments for 'restore' command" {r restore x 0}
    }

    test "payload checks: too short, a newer version, a wrong CRC" {
        set p [r dump src]
        expect_err "ERR DUMP payload version or checksum are wrong" {r restore x 0 abc}
        expect_err "ERR DUMP payload version or checksum are wrong" {r restore x 0 ""}
        expect_err "ERR DUMP payload version or checksum are wrong" {r restore x 0 [repack [string range $p 0 end-10] 12]}
        set bad [string range $p 0 end-1][binary format cu [expr {([scan [string index $p end] %c] + 1) & 255}]]
        expect_err "ERR DUMP payload version or checksum are wrong" {r restore x 0 $bad}
        expect_eq [r exists x] 0
    }

    test "older versions are accepted (a Redis 7.0 payload says 10)" {
        set p [r dump src]
        expect_eq [r restore v10 0 [repack [string range $p 0 end-10] 10]] OK
        expect_eq [r restore v9 0 [repack [string range $p 0 end-10] 9]] OK
        expect_eq [r get v9] value
    }

    test "Bad data format: garbage, an unknown type, a module value, trailing bytes, an empty value" {
        foreach body [list "" "\xff" "\x08\x00" "\x07\x01\x02" "\x00\x01a\x00" "\x00" \
                          "\x02\x00" "\x0b\x00" "\x12\x00" "\x14\x07\x00\x00\x00\x00\x00\xff"] {
            expect_err "ERR Bad data format" {r restore x 0 [repack $body]}
        }
        expect_eq [r exists x] 0
    }

    test "INFO dump_payload_sanitizations counts deep-checked blobs (sanitize-dump-payload yes)" {
        r del h
        r hset h a 1 b 2
        set p [r dump h]
        r config resetstat
        r config set sanitize-dump-payload no
        expect_eq [r restore h2 0 $p] OK
        expect_glob "*dump_payload_sanitizations:0\r*" [r info stats]
        r config set sanitize-dump-payload yes
        expect_eq [r restore h3 0 $p] OK
        expect_glob "*dump_payload_sanitizations:1\r*" [r info stats]
        r config resetstat
        expect_glob "*dump_payload_sanitizations:0\r*" [r info stats]
        r config set sanitize-dump-payload no
        r del h h2 h3
    }

    test "RESTORE propagates the TTL as an absolute time with ABSTTL" {
        set p [r dump src]
        r del t1
        set out [propagated {r restore t1 50000 $p}]
        set cmd [lindex $out end]
        expect_eq [lrange $cmd 0 1] {restore t1}
        expect_between [lindex $cmd 2] [clock milliseconds] [expr {[clock milliseconds] + 50000}]
        expect_eq [lindex $cmd end] ABSTTL
        r del t2
        expect_eq [lindex [propagated {r restore t2 0 $p}] end] [list restore t2 0 $p]
        r set t3 x
        expect_eq [lindex [propagated {r restore t3 1 $p absttl replace}] end] {unlink t3}
    }

    test "RESTORE fires the restore key event" {
        set p [r dump src]
        r del ev
        set ev [events {r restore ev 0 $p}]
        expect_eq $ev {{0 new ev} {0 restore ev}}
    }

    test "DUMP payloads of redis-server 7.0 restore to the same content" {
        r flushall
        rdb_replay [asset_path rdb/redis70-dataset.txt]
        set want [rdb_listing]
        r flushall
        foreach row [asset_lines rdb/redis70-dumps.txt] {
            if {[string index $row 0] eq "#"} continue
            lassign $row db key hex
            r select $db
            expect_eq [r restore $key 0 [binary format H* $hex]] OK
            if {$key in {s:ttl l:ttl}} { r pexpireat $key 4102444800000 }
        }
        r select 0
        expect_eq [rdb_listing] $want
        expect_eq [r debug keyspace-check] OK
    }

    test "seeded corrupt payloads never crash the server" {
        r flushall
        rdb_populate 7 15
        set bases {}
        foreach k [r keys k:*] { lappend bases [string range [r dump $k] 0 end-10] }
        foreach row [lrange [asset_lines rdb/redis70-dumps.txt] 1 end] {
            lappend bases [string range [binary format H* [lindex $row 2]] 0 end-10]
        }
        expr {srand(1234)}
        set n 0
        set accepted 0
        foreach base $bases {
            for {set i 0} {$i < 12} {incr i} {
                set b $base
                set len [string length $b]
                switch [expr {int(rand() * 4)}] {
                    0 {
                        set at [expr {int(rand() * $len)}]
                        set c [expr {[scan [string index $b $at] %c] ^ (1 << int(rand() * 8))}]
                        set b [string replace $b $at $at [binary format cu $c]]
                    }
                    1 { set b [string range $b 0 [expr {int(rand() * $len) - 1}]] }
                    2 {
                        set at [expr {int(rand() * $len)}]
                        set b [string replace $b $at $at [binary format cu [expr {int(rand() * 256)}]]]
                    }
                    3 {
                        set at [expr {1 + int(rand() * ($len - 1 > 0 ? $len - 1 : 1))}]
                        set b [string range $b 0 $at-1][binary format cu [expr {int(rand() * 256)}]][string range $b $at end]
                    }
                }
                if {[catch {r restore fz 0 [repack $b] replace} res]} {
                    expect_glob "*Bad data format*" $res
                } else {
                    incr accepted
                    r del fz
                }
                incr n
            }
        }
        expect_eq [r ping] PONG
        expect_eq [r debug keyspace-check] OK
        expect_gt $n 500
    }
}
