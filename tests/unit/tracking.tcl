# Client-side caching: CLIENT TRACKING (default mode, OPTIN/OPTOUT with
# CLIENT CACHING, NOLOOP, BCAST with prefixes, REDIRECT), the invalidation
# messages as RESP3 pushes and as RESP2 pub/sub messages on
# __redis__:invalidate, when they are sent (after the reply of the command
# that caused them, after a whole EXEC, from the loop for BCAST), what
# causes them (writes, deletions, lazy and active expiry, FLUSHDB and
# FLUSHALL, tracking-table-max-keys), broken redirections, CLIENT
# TRACKINGINFO/GETREDIR/CACHING, CLIENT LIST flags t/R/B and redir=, the
# INFO fields, and every error Valkey answers for wrong options.

file_tags {tracking}

# A push read from a RESP3 client, as a plain list: {invalidate {k1 k2}}.
proc next_push {c} {
    return [resp::plain [$c .readpush]]
}

# The pushes that reached client c before the reply to a PING (so: every
# push the server had queued for it), plain.
proc pushes_now {c} {
    expect_eq [$c ping] PONG
    set out {}
    foreach p [$c .pushes] { lappend out [resp::plain $p] }
    return $out
}

# The keys of the next invalidation a RESP2 redirect client receives, as a
# pub/sub message {message __redis__:invalidate {keys}}.
proc next_invalidation {rd} {
    set m [$rd .read]
    expect_eq [lrange $m 0 1] {message __redis__:invalidate}
    return [lindex $m 2]
}

# Nothing is queued for RESP2 subscriber rd: its PING answer comes first.
proc no_message {rd} {
    $rd .send ping
    set r [$rd .read]
    expect_eq [string tolower [lindex $r 0]] pong
}

# A RESP2 client subscribed to __redis__:invalidate; returns {client id}.
proc redirect_client {} {
    set rd [new_client]
    set id [$rd client id]
    expect_eq [$rd subscribe __redis__:invalidate] {subscribe __redis__:invalidate 1}
    return [list $rd $id]
}

proc info_field {name {section ""}} {
    set info [expr {$section eq "" ? [r info] : [r info $section]}]
    if {[regexp "(?n)^${name}:(\[^\r\]*)" $info -> v]} { return $v }
    return ""
}

# A clean slate for counting: no other client, nothing tracked.
proc fresh {} {
    r client kill type normal skipme yes
    r client kill type pubsub skipme yes
    r client tracking off
    wait_for {[info_field tracking_clients] == 0}
    r flushall
}

proc client_field {line name} {
    if {[regexp "(?:^| )${name}=(\\S*)" $line -> v]} { return $v }
    return ""
}

with_server {
    test "TRACKINGINFO, GETREDIR and CACHING of a connection that never tracked" {
        expect_eq [r client trackinginfo] {flags off redirect -1 prefixes {}}
        expect_eq [r client getredir] -1
        expect_err "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled" {r client caching yes}
        # Tracking is checked before the argument.
        expect_err "ERR CLIENT CACHING can be called only when*" {r client caching maybe}
        expect_eq [info_field tracking_clients] 0
        expect_eq [client_field [r client info] redir] -1
        # TRACKINGINFO answers a map of a set in RESP3.
        set c [new_client -resp 3]
        set t [$c .typed client trackinginfo]
        expect_eq [lindex $t 0] map
        expect_eq [lindex [lindex $t 1] 1] {set {{bulk off}}}
        $c .close
    }

    test "wrong arguments: syntax, arity, REDIRECT" {
        expect_err "ERR syntax error" {r client tracking maybe}
        expect_err "ERR syntax error" {r client tracking on foo}
        expect_err "ERR wrong number of arguments for 'client|tracking' command" {r client tracking}
        # Options are parsed before ON/OFF is looked at.
        expect_err "ERR syntax error" {r client tracking off foo}
        expect_err "ERR syntax error" {r client tracking on redirect}
        expect_err "ERR syntax error" {r client tracking on prefix}
        expect_err "ERR syntax error" {r client tracking on bcast prefix}
        expect_err "ERR value is not an integer or out of range" {r client tracking on redirect abc}
        expect_err "ERR value is not an integer or out of range" {r client tracking on redirect 99999999999999999999}
        expect_err "ERR The client ID you want redirect to does not exist" {r client tracking on redirect 999999}
        expect_err "ERR The client ID you want redirect to does not exist" {r client tracking on redirect 0}
        expect_err "ERR The client ID you want redirect to does not exist" {r client tracking on redirect -3}
        expect_err "ERR The client ID you want redirect to does not exist" {r client tracking off redirect 999999}
        set other [new_client]
        set oid [$other client id]
        expect_err "ERR A client can only redirect to a single other client" \
            {r client tracking on redirect $oid redirect $oid}
        expect_err "ERR wrong number of arguments for 'client|caching' command" {r client caching}
        expect_err "ERR wrong number of arguments for 'client|caching' command" {r client caching yes no}
        expect_err "ERR wrong number of arguments for 'client|trackinginfo' command" {r client trackinginfo x}
        expect_err "ERR wrong number of arguments for 'client|getredir' command" {r client getredir x}
        # None of that turned tracking on.
        expect_eq [r client trackinginfo] {flags off redirect -1 prefixes {}}
        expect_eq [info_field tracking_clients] 0
        $other .close
    }

    test "wrong combinations of modes" {
        expect_err "ERR PREFIX option requires BCAST mode to be enabled" {r client tracking on prefix a}
        expect_err "ERR OPTIN and OPTOUT are not compatible with BCAST" {r client tracking on bcast optin}
        expect_err "ERR OPTIN and OPTOUT are not compatible with BCAST" {r client tracking on optout bcast}
        expect_err "ERR You can't specify both OPTIN mode and OPTOUT mode" {r client tracking on optin optout}
        # PREFIX without BCAST wins over the other checks.
        expect_err "ERR PREFIX option requires BCAST mode to be enabled" {r client tracking on optin optout prefix a}
        expect_eq [r client tracking on] OK
        expect_err "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode." \
            {r client tracking on bcast}
        expect_eq [r client tracking on optin] OK
        expect_err "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode." \
            {r client tracking on optout}
        expect_err "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode." {r client caching no}
        expect_err "ERR syntax error" {r client caching maybe}
        expect_eq [r client tracking off] OK
        expect_eq [r client tracking on optout] OK
        expect_err "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode." {r client caching yes}
        # ON without OPTOUT leaves OPTOUT.
        expect_eq [r client tracking on] OK
        expect_eq [r client trackinginfo] {flags on redirect 0 prefixes {}}
        expect_err "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode." {r client caching yes}
        expect_err "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode." {r client caching no}
        expect_eq [r client tracking off] OK
        expect_eq [r client tracking on bcast] OK
        expect_err "ERR You can't switch BCAST mode on/off*" {r client tracking on}
        expect_eq [r client tracking off] OK
        # OFF twice is fine.
        expect_eq [r client tracking off] OK
    }

    test "overlapping BCAST prefixes are refused, naming the pair" {
        set c [new_client]
        expect_err "ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. Prefixes for a single client must not overlap." \
            {$c client tracking on bcast prefix FOOBAR prefix FOO}
        expect_err "ERR Prefix 'FOO' overlaps with another provided prefix 'FOOBAR'. Prefixes for a single client must not overlap." \
            {$c client tracking on bcast prefix FOO prefix FOOBAR}
        expect_eq [$c client trackinginfo] {flags off redirect -1 prefixes {}}
        expect_eq [$c client tracking on bcast prefix FOO prefix BAR] OK
        expect_err "ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. Prefixes for a single client must not overlap." \
            {$c client tracking on bcast prefix FO}
        expect_err "ERR Prefix 'BARB' overlaps with an existing prefix 'BAR'. Prefixes for a single client must not overlap." \
            {$c client tracking on bcast prefix BARB}
        expect_err "ERR Prefix 'FOO' overlaps with an existing prefix 'FOO'.*" {$c client tracking on bcast prefix FOO}
        # The existing ones are checked first, in sorted order.
        expect_err "ERR Prefix 'B' overlaps with an existing prefix 'BAR'.*" \
            {$c client tracking on bcast prefix B prefix F}
        expect_eq [lsort [dict get [$c client trackinginfo] prefixes]] {BAR FOO}
        expect_eq [$c client tracking off] OK
        expect_err "ERR Prefix 'bbb' overlaps with another provided prefix 'bbbc'.*" \
            {$c client tracking on bcast prefix aaa prefix bbb prefix bbbc}
        expect_eq [dict get [$c client trackinginfo] flags] off
        expect_err "ERR Prefix 'yyy' overlaps with another provided prefix 'yyy'.*" \
            {$c client tracking on bcast prefix xxx prefix yyy prefix yyy}
        expect_eq [dict get [$c client trackinginfo] flags] off
        expect_err "ERR Prefix '' overlaps with another provided prefix 'foo'.*" \
            {$c client tracking on bcast prefix {} prefix foo}
        expect_eq [dict get [$c client trackinginfo] flags] off
        expect_eq [info_field tracking_total_prefixes] 0
        # Thousands of disjoint prefixes are accepted in one call.
        set args {}
        for {set i 0} {$i < 5000} {incr i} { lappend args PREFIX p-$i-x }
        expect_eq [$c client tracking on bcast {*}$args] OK
        expect_eq [llength [dict get [$c client trackinginfo] prefixes]] 5000
        expect_eq [info_field tracking_total_prefixes] 5000
        expect_err "ERR Prefix 'p-4999-' overlaps with an existing prefix 'p-4999-x'.*" \
            {$c client tracking on bcast prefix p-4999-}
        $c .close
        wait_for {[info_field tracking_total_prefixes] == 0}
    }

    test "TRACKINGINFO and GETREDIR report each mode" {
        set other [new_client]
        set oid [$other client id]
        r client tracking on
        expect_eq [r client trackinginfo] {flags on redirect 0 prefixes {}}
        expect_eq [r client getredir] 0
        r client tracking on redirect $oid noloop
        expect_eq [r client trackinginfo] [list flags {on noloop} redirect $oid prefixes {}]
        expect_eq [r client getredir] $oid
        # A new ON without REDIRECT drops it.
        r client tracking on
        expect_eq [r client getredir] 0
        r client tracking off
        expect_eq [r client getredir] -1
        r client tracking on optin
        expect_eq [dict get [r client trackinginfo] flags] {on optin}
        r client caching yes
        expect_eq [dict get [r client trackinginfo] flags] {on optin caching-yes}
        r ping
        expect_eq [dict get [r client trackinginfo] flags] {on optin}
        r client tracking off
        r client tracking on optout
        r client caching no
        expect_eq [dict get [r client trackinginfo] flags] {on optout caching-no}
        r client tracking off
        r client tracking on bcast prefix foo prefix bar
        expect_eq [r client trackinginfo] {flags {on bcast} redirect 0 prefixes {bar foo}}
        r client tracking off
        r client tracking on bcast
        expect_eq [r client trackinginfo] {flags {on bcast} redirect 0 prefixes {{}}}
        r client tracking off
        expect_eq [r client trackinginfo] {flags off redirect -1 prefixes {}}
        $other .close
    }

    test "CLIENT LIST shows t, B and redir=" {
        set other [new_client]
        set oid [$other client id]
        r client tracking on redirect $oid
        set line [r client info]
        expect_eq [client_field $line flags] t
        expect_eq [client_field $line redir] $oid
        r client tracking off
        r client tracking on bcast
        expect_eq [client_field [r client info] flags] tB
        expect_eq [client_field [r client info] redir] 0
        r client tracking off
        expect_eq [client_field [r client info] flags] N
        expect_eq [client_field [r client info] redir] -1
        $other .close
    }
}

with_server {
    test "RESP3: a read key is invalidated once, by another client's write" {
        set c [new_client -resp 3]
        expect_eq [$c client tracking on] OK
        r set key1 1
        r set key2 1
        expect_eq [$c get key1] 1
        r set key1 2
        expect_eq [next_push $c] {invalidate key1}
        # key2 was not read; key1 is forgotten until read again.
        r set key2 2
        r set key1 3
        expect_eq [pushes_now $c] {}
        expect_eq [$c get key1] 3
        r del key1
        expect_eq [next_push $c] {invalidate key1}
        # The push is a RESP3 push holding a bulk and an array.
        $c get key1
        r set key1 x
        expect_eq [$c .readpush] {push {{bulk invalidate} {array {{bulk key1}}}}}
        $c .close
    }

    test "every key a read command names is tracked, missing ones too" {
        fresh
        set c [new_client -resp 3]
        $c client tracking on
        r del m1 m2 m3
        r set m1 a
        expect_eq [$c mget m1 m2 m3] {a {} {}}
        expect_eq [info_field tracking_total_keys] 3
        r set m3 c
        expect_eq [next_push $c] {invalidate m3}
        r set m2 b
        expect_eq [next_push $c] {invalidate m2}
        # Reads of other kinds: EXISTS, STRLEN, TYPE, TTL.
        $c exists e1 e2
        $c strlen e3
        $c type e4
        $c ttl e5
        foreach k {e1 e2 e3 e4 e5} {
            r set $k v
            expect_eq [next_push $c] [list invalidate $k]
        }
        $c .close
    }

    test "write commands track nothing" {
        set c [new_client -resp 3]
        $c client tracking on
        $c set w1 1
        $c incr w2
        $c getset w3 x
        $c del w4
        r set w1 9
        r set w2 9
        r set w3 9
        r set w4 9
        expect_eq [pushes_now $c] {}
        $c .close
    }

    test "the client's own write: the invalidation follows the reply" {
        set c [new_client -resp 3]
        $c client tracking on
        $c hset myhash f 1
        expect_eq [$c hget myhash f] 1
        # Sent and read as one pipeline: the reply comes first.
        $c .send hdel myhash f
        $c .send ping
        expect_eq [$c .readtyped] {int 1}
        expect_eq [$c .pushes] {}
        expect_eq [resp::plain [$c .readpush]] {invalidate myhash}
        expect_eq [$c .read] PONG
        $c .close
    }

    test "invalidations raised inside EXEC follow the whole EXEC reply" {
        set c [new_client -resp 3]
        $c client tracking on
        $c mset a{t} 1 b{t} 2
        $c get a{t}
        $c get b{t}
        $c multi
        $c incr a{t}
        $c get b{t}
        $c del b{t}
        $c .send exec
        expect_eq [$c .read] {2 2 1}
        expect_eq [$c .pushes] {}
        set got [list [next_push $c] [next_push $c]]
        expect_set $got {{invalidate a{t}} {invalidate b{t}}}
        $c .close
    }

    test "NOLOOP: no invalidation for the client's own writes" {
        set c [new_client -resp 3]
        $c client tracking on noloop
        $c mget other1 loopkey other2
        r set other1 1
        $c set loopkey 1
        r set other2 1
        expect_eq [pushes_now $c] {{invalidate other1} {invalidate other2}}
        # loopkey was dropped from the table by the client's own write.
        r set loopkey 2
        expect_eq [pushes_now $c] {}
        $c .close
    }

    test "keys are global: a change in another database invalidates" {
        set c [new_client -resp 3]
        $c client tracking on
        $c get dbkey
        r select 9
        r set dbkey 1
        r select 0
        expect_eq [next_push $c] {invalidate dbkey}
        $c .close
    }

    test "several clients track the same key; every one hears of it" {
        fresh
        set c1 [new_client -resp 3]
        set c2 [new_client -resp 3]
        $c1 client tracking on
        $c2 client tracking on
        $c1 get shared
        $c2 get shared
        expect_eq [info_field tracking_total_keys] 1
        expect_eq [info_field tracking_total_items] 2
        r set shared 1
        expect_eq [next_push $c1] {invalidate shared}
        expect_eq [next_push $c2] {invalidate shared}
        expect_eq [info_field tracking_total_items] 0
        $c1 .close
        $c2 .close
    }

    test "a RESP2 client without REDIRECT gets nothing in band" {
        set c [new_client]
        $c client tracking on
        $c get r2key
        r set r2key 1
        # The next reply is the reply, nothing before it.
        expect_eq [$c get r2key] 1
        expect_eq [$c ping] PONG
        $c client tracking off
        $c .close
    }

    test "OPTIN: only reads after CLIENT CACHING yes, for one command" {
        set c [new_client -resp 3]
        $c client tracking on optin
        $c get o1
        r set o1 1
        expect_eq [pushes_now $c] {}
        expect_eq [$c client caching yes] OK
        $c get o1
        $c get o2
        r set o1 2
        r set o2 2
        expect_eq [pushes_now $c] {{invalidate o1}}
        # Other CLIENT subcommands in between keep the override.
        $c client caching yes
        $c client id
        $c get o3
        r set o3 1
        expect_eq [pushes_now $c] {{invalidate o3}}
        # A transaction is one unit: every read in it counts.
        $c client caching yes
        $c multi
        $c get o4
        $c get o5
        $c exec
        $c get o6
        r mset o4 1 o5 1 o6 1
        expect_eq [lsort [pushes_now $c]] {{invalidate o4} {invalidate o5}}
        $c .close
    }

    test "OPTOUT: every read but those after CLIENT CACHING no" {
        set c [new_client -resp 3]
        $c client tracking on optout
        $c get p1
        r set p1 1
        expect_eq [pushes_now $c] {{invalidate p1}}
        $c client caching no
        $c get p2
        $c get p3
        r set p2 1
        r set p3 1
        expect_eq [pushes_now $c] {{invalidate p3}}
        $c .close
    }

    test "CLIENT REPLY OFF does not hold invalidations back" {
        set c [new_client -resp 3]
        $c client tracking on
        r set rk 1
        $c get rk
        $c .send client reply off
        r set rk 2
        expect_eq [next_push $c] {invalidate rk}
        expect_eq [$c client reply on] OK
        expect_eq [$c ping] PONG
        $c .close
    }

    test "FLUSHALL and FLUSHDB send a null invalidation to every tracking client" {
        fresh
        set c [new_client -resp 3]
        set b [new_client -resp 3]
        $c client tracking on
        $b client tracking on bcast
        $c get f1
        $c get f2
        expect_eq [info_field tracking_total_keys] 2
        r flushall
        expect_eq [$c .readpush] {push {{bulk invalidate} null}}
        expect_eq [$b .readpush] {push {{bulk invalidate} null}}
        expect_eq [info_field tracking_total_keys] 0
        expect_eq [info_field tracking_total_items] 0
        # Even when nothing was read, and for FLUSHDB, and ASYNC.
        r flushdb
        expect_eq [$c .readpush] {push {{bulk invalidate} null}}
        $b .readpush
        r flushall async
        expect_eq [$c .readpush] {push {{bulk invalidate} null}}
        $b .readpush
        # Nothing tracked is left: a later write announces nothing.
        r set f1 x
        expect_eq [pushes_now $c] {}
        $c .close
        $b .close
    }

    test "FLUSHDB inside EXEC: the null follows the EXEC reply" {
        set c [new_client -resp 3]
        $c client tracking on
        $c set a 1
        $c get a
        $c multi
        $c flushdb
        $c .send exec
        expect_eq [$c .read] OK
        expect_eq [$c .pushes] {}
        expect_eq [$c .readpush] {push {{bulk invalidate} null}}
        $c .close
    }

    test "expired keys are invalidated: lazily, after the reply, and actively" {
        set c [new_client -resp 3]
        $c client tracking on
        r debug set-active-expire 0
        r mset x{t} 1 y{t} 2
        r pexpire y{t} 50
        $c mget x{t} y{t}
        after 80
        # The read that finds y expired answers, then the push follows.
        $c .send mget x{t} y{t}
        expect_eq [$c .read] {1 {}}
        expect_eq [$c .pushes] {}
        expect_eq [next_push $c] {invalidate y{t}}
        r debug set-active-expire 1
        r set z{t} 1 px 50
        $c get z{t}
        expect_eq [next_push $c] {invalidate z{t}}
        $c .close
    } -tags {needs:debug-set-active-expire}

    test "a served BLMOVE: its invalidation follows its reply" {
        set c [new_client -resp 3]
        r del list1{t} list2{t}
        r rpush list2{t} a
        $c client tracking on
        expect_eq [$c lrange list2{t} 0 -1] a
        $c .send blmove list1{t} list2{t} left left 0
        wait_for {[info_field blocked_clients] == 1}
        r rpush list1{t} foo
        expect_eq [$c .read] foo
        expect_eq [$c .pushes] {}
        expect_eq [next_push $c] {invalidate list2{t}}
        $c .close
    } -tags {needs:blocking}

    test "after switching to BCAST, keys read before only come by prefix" {
        set c [new_client -resp 3]
        $c client tracking on
        $c get sw1
        $c client tracking off
        $c client tracking on bcast prefix zz
        r set sw1 1
        expect_eq [pushes_now $c] {}
        r set zz1 1
        expect_eq [next_push $c] {invalidate zz1}
        $c .close
    }

    test "ids stay in the table after OFF: the same connection hears of them when on again" {
        fresh
        set c [new_client -resp 3]
        $c client tracking on
        $c get stale
        $c client tracking off
        expect_eq [info_field tracking_total_keys] 1
        $c client tracking on
        r set stale 1
        expect_eq [next_push $c] {invalidate stale}
        # A key read, then OFF for good: its change just drops it.
        $c get stale
        $c client tracking off
        r set stale 2
        expect_eq [pushes_now $c] {}
        expect_eq [info_field tracking_total_keys] 0
        $c .close
    }

    test "RESET turns tracking off" {
        fresh
        set c [new_client -resp 3]
        $c client tracking on bcast prefix rs
        expect_eq [info_field tracking_clients] 1
        expect_eq [$c reset] RESET
        expect_eq [$c client trackinginfo] {flags off redirect -1 prefixes {}}
        expect_eq [info_field tracking_clients] 0
        expect_eq [info_field tracking_total_prefixes] 0
        $c .close
    }
}

with_server {
    test "RESP2 redirection: pub/sub messages on __redis__:invalidate" {
        lassign [redirect_client] rd rid
        r client tracking on redirect $rid
        r set a{t} 1
        r set b{t} 1
        r get a{t}
        r incr b{t}
        r incr a{t}
        expect_eq [next_invalidation $rd] {a{t}}
        no_message $rd
        $rd .close
        r client tracking off
    }

    test "the message payload is an array of keys; the null for a flush" {
        lassign [redirect_client] rd rid
        r client tracking on redirect $rid
        r get pk
        r set pk 1
        set raw [$rd .rawread]
        expect_eq $raw "*3\r\n\$7\r\nmessage\r\n\$20\r\n__redis__:invalidate\r\n*1\r\n\$2\r\npk\r\n"
        r flushall
        set raw [$rd .rawread]
        expect_eq $raw "*3\r\n\$7\r\nmessage\r\n\$20\r\n__redis__:invalidate\r\n\$-1\r\n"
        $rd .close
        r client tracking off
    }

    test "a RESP2 redirect client subscribed to nothing gets nothing" {
        set rd [new_client]
        set rid [$rd client id]
        r client tracking on redirect $rid
        r get nk
        r set nk 1
        expect_eq [$rd ping] PONG
        $rd .close
        r client tracking off
    }

    test "redirection to a RESP3 client: pushes" {
        set rd [new_client -resp 3]
        set rid [$rd client id]
        r client tracking on redirect $rid
        r get r3
        r set r3 1
        expect_eq [next_push $rd] {invalidate r3}
        # Also when the RESP3 client is subscribed.
        $rd .send subscribe __redis__:invalidate
        $rd .readpush
        r get r3
        r set r3 2
        expect_eq [next_push $rd] {invalidate r3}
        $rd .close
        r client tracking off
    }

    test "several clients redirect to one connection" {
        lassign [redirect_client] rd rid
        set c2 [new_client]
        r client tracking on redirect $rid
        $c2 client tracking on redirect $rid
        r mset key1{t} 1 key2{t} 1
        r get key1{t}
        $c2 get key2{t}
        r incr key1{t}
        r incr key2{t}
        expect_eq [next_invalidation $rd] {key1{t}}
        expect_eq [next_invalidation $rd] {key2{t}}
        $c2 .close
        $rd .close
        r client tracking off
    }

    test "a tracking client switching protocols keeps its redirection" {
        lassign [redirect_client] rd rid
        r client tracking on redirect $rid
        r get hk
        r hello 3
        r set hk 1
        expect_eq [next_invalidation $rd] hk
        r get hk
        r hello 2
        r set hk 2
        expect_eq [next_invalidation $rd] hk
        $rd .close
        r client tracking off
    }

    test "RESP3 client and broken redirection: tracking-redir-broken, flag R" {
        lassign [redirect_client] rd rid
        set c [new_client -resp 3]
        $c client tracking on redirect $rid
        $c get bk
        $rd .close
        wait_for {[llength [r client list id $rid]] == 0}
        r set bk 1
        expect_eq [next_push $c] [list tracking-redir-broken $rid]
        expect_eq [$c client trackinginfo] [list flags {on broken_redirect} redirect $rid prefixes {}]
        expect_eq [client_field [$c client info] flags] tR
        expect_eq [client_field [$c client info] redir] $rid
        # Each message that cannot go out says so again.
        $c get bk
        r set bk 2
        expect_eq [next_push $c] [list tracking-redir-broken $rid]
        # ON again clears the flag (and needs a live REDIRECT).
        expect_err "ERR The client ID you want redirect to does not exist" {$c client tracking on redirect $rid}
        $c client tracking on
        expect_eq [dict get [$c client trackinginfo] flags] on
        $c .close
    }

    test "RESP2 client and broken redirection: flag only, with REPLY OFF too" {
        lassign [redirect_client] rd rid
        set c [new_client]
        $c client tracking on redirect $rid
        $c get bk2
        $rd .close
        wait_for {[llength [r client list id $rid]] == 0}
        r set bk2 1
        expect_eq [$c client trackinginfo] [list flags {on broken_redirect} redirect $rid prefixes {}]
        $c .close
        # RESP3 with CLIENT REPLY OFF still gets the notice.
        lassign [redirect_client] rd rid
        set c [new_client -resp 3]
        $c client tracking on redirect $rid
        $c get bk3
        $c .send client reply off
        $rd .close
        wait_for {[llength [r client list id $rid]] == 0}
        r set bk3 1
        expect_eq [next_push $c] [list tracking-redir-broken $rid]
        expect_eq [$c client reply on] OK
        expect_eq [$c ping] PONG
        $c .close
    }

    test "OPTIN and OPTOUT through a redirection" {
        lassign [redirect_client] rd rid
        r client tracking on optin redirect $rid
        r get oi1
        r set oi1 1
        r client caching yes
        r get oi2
        r set oi2 1
        expect_eq [next_invalidation $rd] oi2
        r client tracking off
        r client tracking on optout redirect $rid
        r client caching no
        r get oi3
        r get oi4
        r set oi3 1
        r set oi4 1
        expect_eq [next_invalidation $rd] oi4
        no_message $rd
        $rd .close
        r client tracking off
    }
}

with_server {
    test "BCAST with no prefix: every changed key, one message per loop" {
        lassign [redirect_client] rd rid
        r client tracking on bcast redirect $rid
        r mset a{t} 1 c{t} 3 b{t} 2
        expect_eq [next_invalidation $rd] {a{t} b{t} c{t}}
        # A key changed twice in one loop is named once.
        r multi
        r incr a{t}
        r incr a{t}
        r exec
        expect_eq [next_invalidation $rd] {a{t}}
        no_message $rd
        $rd .close
        r client tracking off
    }

    test "BCAST prefixes: one message per prefix, other keys left out" {
        lassign [redirect_client] rd rid
        r client tracking on bcast redirect $rid prefix a: prefix b:
        r multi
        r incr a:1{t}
        r incr a:2{t}
        r incr b:1{t}
        r incr b:2{t}
        r incr c:1{t}
        r exec
        set got [list [next_invalidation $rd] [next_invalidation $rd]]
        expect_set $got {{a:1{t} a:2{t}} {b:1{t} b:2{t}}}
        no_message $rd
        # More prefixes can be added while on.
        r client tracking on bcast redirect $rid prefix c:
        r incr c:1234
        expect_eq [next_invalidation $rd] c:1234
        expect_eq [lsort [dict get [r client trackinginfo] prefixes]] {a: b: c:}
        $rd .close
        r client tracking off
    }

    test "BCAST over RESP3 pushes, binary keys, sorted" {
        set c [new_client -resp 3]
        $c client tracking on bcast prefix "k\x00"
        r mset "k\x00b" 1 "k\x00a\r\n" 2 "k\x01" 3 k 4
        expect_eq [next_push $c] [list invalidate [list "k\x00a\r\n" "k\x00b"]]
        expect_eq [pushes_now $c] {}
        $c .close
    }

    test "BCAST and NOLOOP: the client's own changes are left out" {
        lassign [redirect_client] rd rid
        set other [new_client]
        r client tracking on bcast redirect $rid noloop
        $other set otherkey1 1
        r set loopkey 1
        $other set otherkey2 1
        expect_eq [next_invalidation $rd] otherkey1
        expect_eq [next_invalidation $rd] otherkey2
        # In one loop iteration: the message leaves out only own keys.
        r multi
        r set loop2 1
        r set loop3 1
        r exec
        no_message $rd
        $other .close
        $rd .close
        r client tracking off
    }

    test "BCAST: expired keys, actively and lazily, are no client's own change (NOLOOP)" {
        lassign [redirect_client] rd rid
        r client tracking on bcast redirect $rid noloop
        r set mykey myval px 1
        r set mykeyotherkey myval
        expect_eq [next_invalidation $rd] mykey
        # One EXEC sees one time: the key expires after it, actively.
        r multi
        r set exp{t} v px 1
        r set expother{t} v
        r debug sleep 0.01
        r get exp{t}
        expect_eq [r exec] {OK OK OK v}
        expect_eq [next_invalidation $rd] exp{t}
        # Lazily: the read that finds it expired is by this client, but
        # the deletion is not.
        r debug set-active-expire 0
        r set lazy v px 20
        after 40
        expect_eq [r get lazy] {}
        expect_eq [next_invalidation $rd] lazy
        r debug set-active-expire 1
        no_message $rd
        $rd .close
        r client tracking off
    } -tags {needs:debug-set-active-expire}

    test "two clients on one prefix: counted once; NOLOOP per client" {
        fresh
        set c1 [new_client -resp 3]
        set c2 [new_client -resp 3]
        $c1 client tracking on bcast prefix sp: noloop
        $c2 client tracking on bcast prefix sp:
        expect_eq [info_field tracking_total_prefixes] 1
        expect_eq [info_field tracking_clients] 2
        $c1 set sp:1 x
        expect_eq [next_push $c2] {invalidate sp:1}
        expect_eq [pushes_now $c1] {}
        r set sp:2 y
        expect_eq [next_push $c1] {invalidate sp:2}
        expect_eq [next_push $c2] {invalidate sp:2}
        $c1 .close
        wait_for {[info_field tracking_clients] == 1}
        expect_eq [info_field tracking_total_prefixes] 1
        $c2 client tracking off
        expect_eq [info_field tracking_total_prefixes] 0
        $c2 .close
    }
}

with_server {
    test "INFO: clients, keys, items, prefixes" {
        fresh
        set c [new_client -resp 3]
        r client tracking on
        r mset key1 1 key2 2
        r get key1
        r get key2
        $c client tracking on bcast prefix prefix:
        r set prefix:key1 1
        expect_eq [info_field tracking_clients clients] 2
        expect_eq [info_field tracking_total_keys stats] 2
        expect_eq [info_field tracking_total_items stats] 2
        expect_eq [info_field tracking_total_prefixes stats] 1
        # The keys are counted once whoever read them; ids per reader.
        $c client tracking off
        $c client tracking on
        $c get key1
        expect_eq [info_field tracking_total_keys] 2
        expect_eq [info_field tracking_total_items] 3
        # Reading a key again adds nothing.
        $c get key1
        expect_eq [info_field tracking_total_items] 3
        $c .close
        wait_for {[info_field tracking_clients] == 1}
        r client tracking off
        expect_eq [info_field tracking_clients] 0
        r flushall
        expect_eq [info_field tracking_total_keys] 0
    }

    test "many readers of one key: each counted once, each told once" {
        fresh
        set cs {}
        for {set i 0} {$i < 40} {incr i} {
            set c [new_client -resp 3]
            $c client tracking on
            $c get hot
            lappend cs $c
        }
        # Reading again, in any order, adds nobody.
        foreach c [lreverse $cs] { $c get hot }
        expect_eq [info_field tracking_total_keys] 1
        expect_eq [info_field tracking_total_items] 40
        # Half of them leave: their ids stay until the key changes.
        foreach c [lrange $cs 0 19] { $c .close }
        set cs [lrange $cs 20 end]
        wait_for {[info_field tracking_clients] == 20}
        expect_eq [info_field tracking_total_items] 40
        r set hot 1
        foreach c $cs { expect_eq [next_push $c] {invalidate hot} }
        foreach c $cs { expect_eq [pushes_now $c] {} }
        expect_eq [info_field tracking_total_items] 0
        foreach c $cs { $c .close }
    }

    test "tracking-table-max-keys: keys beyond it are forgotten, with an invalidation" {
        fresh
        lassign [redirect_client] rd rid
        expect_eq [r config get tracking-table-max-keys] {tracking-table-max-keys 1000000}
        r client tracking on redirect $rid
        for {set i 0} {$i < 250} {incr i} { r get key$i }
        expect_eq [info_field tracking_total_keys] 250
        r config set tracking-table-max-keys 1
        # More than one run's effort: all but one key go, each announced.
        set seen {}
        for {set i 0} {$i < 249} {incr i} { lappend seen [next_invalidation $rd] }
        expect_eq [llength [lsort -unique [concat {*}$seen]]] 249
        no_message $rd
        expect_eq [info_field tracking_total_keys] 1
        # Reads that go past it are trimmed at once.
        r mget n1 n2 n3
        expect_eq [info_field tracking_total_keys] 1
        for {set i 0} {$i < 3} {incr i} { next_invalidation $rd }
        # 0: no limit.
        r config set tracking-table-max-keys 0
        r mget z1 z2 z3
        expect_eq [info_field tracking_total_keys] 4
        r config set tracking-table-max-keys 1000000
        $rd .close
        r client tracking off
        r flushall
    }

    test "the limit applies while a client is inside MULTI" {
        set c [new_client -resp 3]
        r config set tracking-table-max-keys 2
        r debug pause-cron 1
        $c client tracking on
        expect_eq [$c mget 1{tag} 2{tag}] {{} {}}
        expect_eq [$c multi] OK
        r config set tracking-table-max-keys 1
        $c .send ping
        $c .send exec
        expect_eq [$c .read] QUEUED
        expect_eq [$c .read] PONG
        expect_glob "invalidate *{tag}" [resp::plain [lindex [$c .pushes] 0]]
        r debug pause-cron 0
        r config set tracking-table-max-keys 1000000
        $c .close
    }

    test "a disconnecting tracking client is counted out; its keys wait for a change" {
        fresh
        set c [new_client -resp 3]
        $c client tracking on
        $c get gone
        expect_eq [info_field tracking_clients] 1
        $c .close
        wait_for {[info_field tracking_clients] == 0}
        expect_eq [info_field tracking_total_keys] 1
        r set gone 1
        expect_eq [info_field tracking_total_keys] 0
    }
}

with_server -config {tracking-table-max-keys 3} {
    test "tracking-table-max-keys from the config file" {
        set c [new_client -resp 3]
        $c client tracking on
        $c mget a b c d e
        expect_eq [info_field tracking_total_keys] 3
        expect_eq [llength [pushes_now $c]] 2
        $c .close
    }
}

with_server -config {unixsocket %DIR%/s.sock unixsocketperm 700} {
    test "Unix socket clients track too" {
        set u [new_unix_client [srv unixsocket]]
        $u hello 3
        $u client tracking on
        $u get uk
        r set uk 1
        expect_eq [next_push $u] {invalidate uk}
        $u .close
    }
}

# A seeded model test: clients in every mode read and write random keys;
# a model in Tcl says which invalidations each must have received after
# each command, and what INFO must count.  Replay with TRACKING_SEED=n.
with_server {
    test "model: invalidations and counts over random reads, writes and flushes" {
        set seed [expr {[info exists ::env(TRACKING_SEED)] ? $::env(TRACKING_SEED) : 20240611}]
        expr {srand($seed)}
        set modes {default noloop optin optout bcast bcastloop}
        set keys {a1 a2 b:1 b:2 c1 c2 {} a}
        set prefixes {a b:}
        array set cl {}
        array set id {}
        foreach m $modes {
            set cl($m) [new_client -resp 3]
            set id($m) [$cl($m) client id]
            switch $m {
                default   { $cl($m) client tracking on }
                noloop    { $cl($m) client tracking on noloop }
                optin     { $cl($m) client tracking on optin }
                optout    { $cl($m) client tracking on optout }
                bcast     { $cl($m) client tracking on bcast prefix a prefix b: noloop }
                bcastloop { $cl($m) client tracking on bcast }
            }
        }
        # table: key -> list of modes that read it; exists: keys present.
        array set table {}
        set exists {}
        for {set step 0} {$step < 400} {incr step} {
            set expect [dict create]
            foreach m $modes { dict set expect $m {} }
            set op [expr {int(rand() * 10)}]
            set who [lindex [concat $modes r] [expr {int(rand() * 7)}]]
            set c [expr {$who eq "r" ? "r" : $cl($who)}]
            set ks {}
            for {set i [expr {1 + int(rand() * 3)}]} {$i > 0} {incr i -1} {
                lappend ks [lindex $keys [expr {int(rand() * [llength $keys])}]]
            }
            set ks [lsort -unique $ks]
            if {$op < 4 && $who ne "r"} {
                # a read, maybe with a CACHING override first
                set track [expr {$who in {default noloop optout}}]
                if {$who in {optin optout} && rand() < 0.5} {
                    $c client caching [expr {$who eq "optin" ? "yes" : "no"}]
                    set track [expr {$who eq "optin"}]
                }
                $c mget {*}$ks
                if {$track} {
                    foreach k $ks {
                        if {![info exists table($k)]} { set table($k) {} }
                        if {$who ni $table($k)} { lappend table($k) $who }
                    }
                }
            } elseif {$op < 9} {
                # a write of every key named (SET on one, MSET on several)
                set args {}
                foreach k $ks { lappend args $k v$step }
                if {[llength $ks] == 1} { $c set [lindex $ks 0] v$step } else { $c mset {*}$args }
                foreach k $ks {
                    if {$k ni $exists} { lappend exists $k }
                    if {[info exists table($k)]} {
                        foreach m $table($k) {
                            if {$m eq "noloop" && $who eq "noloop"} continue
                            dict lappend expect $m [list invalidate [list $k]]
                        }
                        unset table($k)
                    }
                }
                # BCAST: one message per prefix, keys sorted; the empty
                # prefix for bcastloop; "bcast" leaves its own changes out.
                foreach {m pfxs} {bcast {a b:} bcastloop {{}}} {
                    if {$m eq "bcast" && $who eq "bcast"} continue
                    foreach p $pfxs {
                        set hit {}
                        foreach k $ks {
                            if {[string range $k 0 [string length $p]-1] eq $p} { lappend hit $k }
                        }
                        if {[llength $hit]} { dict lappend expect $m [list invalidate [lsort $hit]] }
                    }
                }
            } else {
                r flushall
                foreach m $modes { dict lappend expect $m {invalidate {}} }
                array unset table
                set exists {}
            }
            foreach m $modes {
                set got [lsort [pushes_now $cl($m)]]
                set want [lsort [dict get $expect $m]]
                expect_eq $got $want "seed $seed step $step ($who op $op keys $ks): client $m"
            }
            set items 0
            foreach k [array names table] { incr items [llength $table($k)] }
            expect_eq [info_field tracking_total_keys] [array size table] "seed $seed step $step"
            expect_eq [info_field tracking_total_items] $items "seed $seed step $step"
        }
        expect_eq [info_field tracking_total_prefixes] 3
        foreach m $modes { $cl($m) .close }
    }
}
