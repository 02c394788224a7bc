# aof_interop.tcl - appendonlydir directories moving between us and
# Debian's redis-server 7.0 (when installed):
#   - ours, with a plain-AOF base from BGREWRITEAOF plus an incremental
#     file, loads there to the same content (every type, streams with
#     groups, consumers and pending entries);
#   - one written by redis-server 7.0 (plain base and incr files, then an
#     RDB-preamble base after its own BGREWRITEAOF) loads here.

file_tags {aof persistence interop needs:aof}
source [asset_path rdb/helpers.tcl]

set redis [auto_execok redis-server]
if {$redis eq ""} {
    puts "    (redis-server not installed: the AOF interop tests are left out)"
    return
}

proc redis_start {dir args} {
    set port [srvh::free_port]
    set pid [exec redis-server --port $port --bind 127.0.0.1 --dir $dir --save "" \
                 --daemonize no {*}$args >> [file join $dir redis.log] 2>@1 &]
    srvh::note SPAWN $pid
    set c ""
    for {set i 0} {$i < 400} {incr i} {
        if {![catch {resp::connect 127.0.0.1 $port} c] && ![catch {$c ping} p] && $p eq "PONG"} break
        catch {$c .close}
        set c ""
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
proc redis_info {c field} {
    if {[regexp "(?n)^${field}:(.*)\r?$" [$c info persistence] -> v]} { return [string trim $v] }
    return ""
}

with_server -config {appendonly yes aof-use-rdb-preamble no set-max-listpack-entries 0 enable-debug-command yes} {
    tagged needs:native-fork {
        test "our appendonlydir (plain base + incr) loads in redis-server 7.0 to the same content" {
            r flushall
            rdb_populate 81 20
            r bgrewriteaof
            wait_for {[regexp {aof_rewrite_in_progress:0} [r info persistence]]} -timeout 20000
            after 200
            # More after the rewrite: they go to the incr file.
            r select 1
            r set after-rewrite 1
            r rpush after-list a b c
            r select 0
            set want [rdb_listing]
            # everysec: a write may wait for a running fsync; WAITAOF
            # makes sure all of it is in the file before the kill.
            expect_eq [r waitaof 1 0 0] {1 0}
            kill_server
            set rdir [file join [srv dir] redis-a]
            file mkdir $rdir
            file copy [file join [srv dir] appendonlydir] [file join $rdir appendonlydir]
            lassign [redis_start $rdir --appendonly yes] pid c
            expect_eq [rdb_listing $c] $want
            redis_stop $pid $c
            aof_restart
        }
    }

    test "redis-server 7.0's appendonlydir (plain base, then its own RDB-preamble rewrite) loads here" {
        set rdir [file join [srv dir] redis-b]
        file mkdir $rdir
        lassign [redis_start $rdir --appendonly yes --aof-use-rdb-preamble no --appendfsync always] pid c
        expr {srand(82)}
        foreach db {0 1} {
            $c select $db
            for {set i 0} {$i < 50} {incr i} {
                $c set s:$i [rdbh::rstring 30]
                $c rpush l:[expr {$i % 5}] [rdbh::rstring 10]
                $c hset h:[expr {$i % 4}] f$i [rdbh::rstring 10]
                $c sadd st:[expr {$i % 3}] m$i
                $c zadd z:[expr {$i % 3}] [expr {$i * 1.5}] m$i
            }
            $c pexpire s:1 100000000
            $c multi
            $c incr counter
            $c incr counter
            $c exec
        }
        $c select 0
        set want [rdb_listing $c {0 1}]
        redis_stop $pid $c
        kill_server
        file delete -force [file join [srv dir] appendonlydir]
        file copy [file join $rdir appendonlydir] [file join [srv dir] appendonlydir]
        aof_restart
        expect_eq [rdb_listing "" {0 1}] $want
        expect_eq [r debug keyspace-check] OK

        # Its RDB-preamble base (RDB 10) after a rewrite of its own.
        lassign [redis_start $rdir --appendonly yes --aof-use-rdb-preamble yes] pid c
        $c bgrewriteaof
        for {set i 0} {$i < 400 && [redis_info $c aof_rewrite_in_progress] ne "0"} {incr i} { after 25 }
        after 300
        $c set after-redis-rewrite 1
        set want [rdb_listing $c {0 1}]
        redis_stop $pid $c
        kill_server
        file delete -force [file join [srv dir] appendonlydir]
        file copy [file join $rdir appendonlydir] [file join [srv dir] appendonlydir]
        expect_re {base\.rdb} [glob -directory [file join [srv dir] appendonlydir] *]
        aof_restart
        expect_eq [rdb_listing "" {0 1}] $want
    }
}
