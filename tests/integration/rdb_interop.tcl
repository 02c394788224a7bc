# rdb_interop.tcl - files and payloads moving between us, Redis and Valkey:
#
#   - fixtures written by Debian's redis-server 7.0 (RDB 10: quicklists
#     with compressed and plain nodes, listpack and table hashes, intsets of
#     every width, table sets, listpack and skiplist sorted sets, streams
#     with groups, consumers and pending entries, TTLs, three databases)
#     load to exactly what their dataset builds here;
#   - fixtures in the encodings before listpacks (gen-old.py: RDB 6 with
#     zipmaps, ziplists, linked lists, text scores, second expiry; RDB 9
#     with quicklists of ziplists, the first stream layout, IDLE/FREQ)
#     load and convert;
#   - with a live redis-server 7.0 (when installed): our DUMP payloads
#     (version field set to 10, which is all 7.0 checks) RESTORE there,
#     its file loads here, and our file (version 10 in its header) loads
#     there, each time with the same content.  Set-listpacks (RDB type 20)
#     and the third stream layout (21) do not exist in 7.0, so that part
#     keeps sets as intsets or tables and leaves streams out.

file_tags {rdb persistence interop}
source [asset_path rdb/helpers.tcl]

proc read_bytes {path} {
    set fh [open $path rb]
    set d [read $fh]
    close $fh
    return $d
}
proc copy_fixture {name} {
    file copy -force [asset_path rdb/$name] [file join [srv dir] dump.rdb]
}

with_server {
    foreach {fixture dataset} {redis70.rdb redis70-dataset.txt old-v6.rdb old-v6-dataset.txt
                               old-v9.rdb old-v9-dataset.txt} {
        test "$fixture loads to what its dataset builds" {
            r flushall
            rdb_replay [asset_path rdb/$dataset]
            set want [rdb_listing]
            r flushall
            copy_fixture $fixture
            expect_eq [r debug reload nosave] OK
            expect_eq [rdb_listing] $want
            expect_eq [r debug keyspace-check] OK
            # What we write back of it is the same again.
            expect_eq [r debug reload] OK
            expect_eq [rdb_listing] $want
        }
    }

    test "old encodings convert to today's: zipmap and ziplists become listpacks" {
        r flushall
        copy_fixture old-v6.rdb
        r debug reload nosave
        expect_eq [r object encoding h:zipmap] listpack
        expect_eq [r object encoding h:ziplist] listpack
        expect_eq [r object encoding z:ziplist] listpack
        expect_eq [r object encoding set:intset] intset
        expect_eq [r object encoding l:linked] listpack
        # A whole-list ziplist stays a quicklist, as Valkey keeps it.
        expect_eq [r object encoding l:ziplist] quicklist
        expect_eq [r object encoding z:text] listpack
        expect_glob "*Loading RDB*" [server_log]
    }

    test "IDLE in an old file is applied under an LRU policy" {
        r flushall
        r config set maxmemory-policy allkeys-lru
        copy_fixture old-v9.rdb
        r debug reload nosave
        expect_ge [r object idletime s:pexp] 100
        r config set maxmemory-policy allkeys-lfu
        r debug reload nosave
        expect_eq [r object freq s:freq] 5
        r config set maxmemory-policy noeviction
    }
}

set redis [auto_execok redis-server]
if {$redis eq ""} {
    puts "    (redis-server not installed: the live interop tests are left out)"
    return
}

# A redis-server 7.0 beside our server: started in its own directory on a
# free port, stopped at the end.
proc redis_start {dir {args {}}} {
    set port [srvh::free_port]
    set pid [exec redis-server --port $port --bind 127.0.0.1 --dir $dir --save "" --appendonly no \
                 --daemonize no {*}$args >> [file join $dir redis.log] 2>@1 &]
    srvh::note SPAWN $pid
    set c ""
    for {set i 0} {$i < 200} {incr i} {
        if {![catch {resp::connect 127.0.0.1 $port} c]} break
        after 25
    }
    return [list $pid $c $port]
}
proc redis_stop {pid c} {
    catch {$c .close}
    catch {exec kill $pid}
    srvh::wait_exit $pid 5000
    srvh::note REAP $pid
}

with_server -config {set-max-listpack-entries 0} {
    set rdir [file join [srv dir] redis]
    file mkdir $rdir

    test "our DUMP payloads (version 10) RESTORE in redis-server 7.0 to the same content" {
        r flushall
        rdb_populate 71 25 {5}
        set want [rdb_listing]
        lassign [redis_start $rdir] pid c
        set n 0
        foreach db {0 1 9} {
            r select $db
            $c select $db
            foreach k [r keys *] {
                set p [rdb_payload_set_version [r dump $k] 10]
                set ttl [r pexpiretime $k]
                if {$ttl > 0} { $c restore $k $ttl $p absttl } else { $c restore $k 0 $p }
                incr n
            }
        }
        r select 0
        expect_gt $n 50
        expect_eq [rdb_listing $c] $want
        # ... and its file loads here to the same content.
        $c save
        file copy -force [file join $rdir dump.rdb] [file join [srv dir] dump.rdb]
        r flushall
        expect_eq [r debug reload nosave] OK
        expect_eq [rdb_listing] $want
        redis_stop $pid $c
    }

    test "our file (version 10 in its header) loads in redis-server 7.0" {
        r flushall
        rdb_populate 72 25 {5}
        set want [rdb_listing]
        r save
        file copy -force [file join [srv dir] dump.rdb] [file join $rdir dump.rdb]
        rdb_file_set_version [file join $rdir dump.rdb] 10
        lassign [redis_start $rdir] pid c
        expect_eq [rdb_listing $c] $want
        redis_stop $pid $c
    }

    test "redis-server 7.0's DUMP payloads of streams restore here" {
        r flushall
        lassign [redis_start $rdir] pid c
        $c flushall
        $c xadd s 1-1 a 1
        $c xadd s 2-2 b 2 c 3
        $c xgroup create s g 0
        $c xreadgroup group g alice count 1 streams s >
        r restore s 0 [$c dump s]
        expect_eq [rdbh::stream_listing "" s] [rdbh::stream_listing $c s]
        redis_stop $pid $c
    }
}
