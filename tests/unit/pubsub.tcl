# Pub/sub: SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE and their UNSUBSCRIBEs,
# PUBLISH/SPUBLISH and PUBSUB, in RESP2 (subscribed mode: only a few
# commands allowed, PING answered as a message) and RESP3 (confirmations
# and messages are pushes, normal commands interleave), with Valkey 8.0's
# exact replies: counts of channels plus patterns (shard channels counted
# apart), a null name when a no-argument UNSUBSCRIBE finds nothing, and
# an UNSUBSCRIBE from a client subscribed to nothing answered with
# confirmations counting 0 (Valkey 8.0.0/8.0.1 answered -NOSUB; 8.0.2
# reverted it because it broke client libraries, Redis never had it).
# Also: glob patterns, binary names, CLIENT
# LIST/INFO counts, RESET, disconnection, the pubsub output-buffer class
# (a slow subscriber is cut off, the others get every message), CLIENT
# REPLY OFF, MULTI, the Unix socket, and a seeded model test of many
# clients subscribing and unsubscribing at random.

file_tags {pubsub needs:pubsub}

# Sends a (P|S)SUBSCRIBE/UNSUBSCRIBE family command from a RESP2 client
# and reads n confirmations (default: one per argument).
proc psend {c n args} {
    $c .send {*}$args
    set out {}
    if {$n eq ""} { set n [expr {[llength $args] - 1}] }
    for {set i 0} {$i < $n} {incr i} { lappend out [$c .read] }
    return $out
}

# The same for RESP3: n pushes, as plain lists.
proc psend3 {c n args} {
    $c .send {*}$args
    set out {}
    if {$n eq ""} { set n [expr {[llength $args] - 1}] }
    for {set i 0} {$i < $n} {incr i} { lappend out [resp::plain [$c .readpush]] }
    return $out
}

# This client's CLIENT INFO field.
proc cinfo {c field} {
    if {[regexp "(?:^| )${field}=(\\S*)" [$c client info] -> v]} { return $v }
    return ""
}

proc cinfo_of_id {id field} {
    foreach line [split [string trim [r client list id $id]] "\n"] {
        if {[regexp "(?:^| )${field}=(\\S*)" $line -> v]} { return $v }
    }
    return ""
}

# Each test starts with no other client and no subscription left over.
proc ptest {name body} {
    r client kill type pubsub
    r client kill type normal skipme yes
    wait_for {[info_field clients pubsub_clients] == 0}
    uplevel 1 [list test $name $body]
}

with_server {
    ptest "SUBSCRIBE confirms each channel with the count of subscriptions" {
        set c [new_client]
        expect_eq [psend $c "" subscribe a b] {{subscribe a 1} {subscribe b 2}}
        # A channel already subscribed is confirmed again; the count stays.
        expect_eq [psend $c "" subscribe a c a] {{subscribe a 2} {subscribe c 3} {subscribe a 3}}
        # Patterns count together with channels, shard channels apart.
        expect_eq [psend $c "" psubscribe p*] {{psubscribe p* 4}}
        expect_eq [psend $c "" ssubscribe s1 s2] {{ssubscribe s1 1} {ssubscribe s2 2}}
        expect_eq [psend $c "" subscribe d] {{subscribe d 5}}
        expect_eq [psend $c "" sunsubscribe s1] {{sunsubscribe s1 1}}
        expect_eq [psend $c "" punsubscribe p* nope] {{punsubscribe p* 4} {punsubscribe nope 4}}
        expect_eq [psend $c "" unsubscribe a zz] {{unsubscribe a 3} {unsubscribe zz 3}}
        $c .close
    }
    ptest "PUBLISH delivers to channel and pattern subscribers and counts deliveries" {
        set c1 [new_client]
        set c2 [new_client]
        psend $c1 "" subscribe news
        psend $c2 "" subscribe news
        psend $c2 "" psubscribe n* *s
        expect_eq [r publish news hello] 4
        expect_eq [$c1 .read] {message news hello}
        # The channel first, then the matching patterns (in any order).
        expect_eq [$c2 .read] {message news hello}
        expect_set [list [$c2 .read] [$c2 .read]] {{pmessage n* news hello} {pmessage *s news hello}}
        expect_eq [r publish nothing x] 1
        expect_eq [$c2 .read] {pmessage n* nothing x}
        expect_eq [r publish other x] 0
        $c1 .close
        $c2 .close
    }
    ptest "UNSUBSCRIBE and PUNSUBSCRIBE without arguments, RESP2" {
        set c [new_client]
        psend $c "" subscribe a b c
        psend $c "" psubscribe x* y*
        # Every channel, one confirmation each, the count falling.
        set got [psend $c 3 unsubscribe]
        expect_set [lmap m $got {lindex $m 1}] {a b c}
        expect_eq [lmap m $got {lindex $m 0}] {unsubscribe unsubscribe unsubscribe}
        expect_eq [lmap m $got {lindex $m 2}] {4 3 2}
        # Still subscribed to patterns: a no-argument UNSUBSCRIBE answers
        # once, with a null channel.
        expect_eq [psend $c 1 unsubscribe] {{unsubscribe {} 2}}
        expect_eq [$c .lasttype] array
        expect_eq [psend $c 1 sunsubscribe] {{sunsubscribe {} 0}}
        set got [psend $c 2 punsubscribe]
        expect_set [lmap m $got {lindex $m 1}] {x* y*}
        expect_eq [lmap m $got {lindex $m 2}] {1 0}
        # Out of subscribed mode: ordinary commands work again.
        expect_eq [$c ping] PONG
        $c .close
    }
    ptest "The null name of an empty no-argument UNSUBSCRIBE is a null bulk (RESP2) and a null (RESP3)" {
        set c [new_client]
        psend $c "" ssubscribe s
        $c .send punsubscribe
        expect_eq [$c .readtyped] {array {{bulk punsubscribe} nullbulk {int 0}}}
        $c .close
        set c [new_client -resp 3]
        psend3 $c "" ssubscribe s
        $c .send punsubscribe
        expect_eq [$c .readpush] {push {{bulk punsubscribe} null {int 0}}}
        $c .send unsubscribe
        expect_eq [$c .readpush] {push {{bulk unsubscribe} null {int 0}}}
        $c .send sunsubscribe
        expect_eq [$c .readpush] {push {{bulk sunsubscribe} {bulk s} {int 0}}}
        $c .close
    }
    ptest "An UNSUBSCRIBE from a client subscribed to nothing: confirmations counting 0" {
        # RESP2: ordinary replies, and the client stays in normal mode.
        set c [new_client]
        expect_eq [$c unsubscribe] {unsubscribe {} 0}
        expect_eq [$c punsubscribe] {punsubscribe {} 0}
        $c .send unsubscribe a b
        expect_eq [$c .read] {unsubscribe a 0}
        expect_eq [$c .read] {unsubscribe b 0}
        expect_eq [$c sunsubscribe s] {sunsubscribe s 0}
        expect_eq [$c set k v] OK
        $c .close
        # RESP3: pushes, and normal commands go on.
        set c [new_client -resp 3]
        $c .send punsubscribe p
        expect_eq [$c .readpush] {push {{bulk punsubscribe} {bulk p} {int 0}}}
        expect_eq [$c ping] PONG
        $c .close
        r config resetstat
        r punsubscribe
        expect_re {cmdstat_punsubscribe:calls=1,.*rejected_calls=0,failed_calls=0} [r info commandstats]
    }
    ptest "RESP2 subscribed mode: only (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT, RESET" {
        set c [new_client]
        psend $c "" subscribe a
        foreach cmd {{get x} {set x 1} {publish a b} {info} {client list} {multi} {hello 2} {select 0} {pubsub channels}} {
            set name [lindex $cmd 0]
            if {$name eq "client"} { set name "client|list" }
            if {$name eq "pubsub"} { set name "pubsub|channels" }
            expect_err "ERR Can't execute '$name': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context" [list $c {*}$cmd]
        }
        # PING answers in the shape of a message.
        $c .send ping
        expect_eq [$c .readtyped] {array {{bulk pong} {bulk {}}}}
        expect_eq [$c ping hi] {pong hi}
        # Still subscribed after the refusals: messages arrive.
        expect_eq [r publish a m] 1
        expect_eq [$c .read] {message a m}
        # QUIT answers and closes.
        expect_eq [$c quit] OK
        expect_eq [$c .closed] 1
        $c .close
        wait_for {[r pubsub numsub a] eq {a 0}}
    }
    ptest "Wrong arity and unknown commands in subscribed mode are still their own errors" {
        set c [new_client]
        psend $c "" subscribe a
        expect_err "ERR unknown command 'nosuch'*" {$c nosuch}
        expect_err "ERR wrong number of arguments for 'get' command" {$c get}
        expect_err "ERR wrong number of arguments for 'ping' command" {$c ping a b}
        $c .close
    }
    ptest "RESET leaves subscribed mode, dropping every subscription" {
        set c [new_client]
        psend $c "" subscribe a b
        psend $c "" psubscribe p*
        psend $c "" ssubscribe s
        expect_eq [info_field clients pubsub_clients] 1
        expect_eq [$c reset] RESET
        expect_eq [$c get x] {}
        expect_eq [r pubsub numsub a b] {a 0 b 0}
        expect_eq [r pubsub numpat] 0
        expect_eq [r pubsub shardnumsub s] {s 0}
        expect_eq [info_field clients pubsub_clients] 0
        expect_eq [r publish a x] 0
        expect_eq [cinfo $c flags] N
        expect_eq [$c unsubscribe] {unsubscribe {} 0}
        $c .close
    }
    ptest "RESP3: confirmations and messages are pushes, normal commands interleave" {
        set c [new_client -resp 3]
        expect_eq [psend3 $c "" subscribe a b] {{subscribe a 1} {subscribe b 2}}
        expect_eq [psend3 $c "" psubscribe a*] {{psubscribe a* 3}}
        r set k v
        expect_eq [$c get k] v
        expect_eq [r publish a m1] 2
        # A command's reply is its reply; the messages wait as pushes.
        expect_eq [$c get k] v
        expect_eq [$c .readpush] {push {{bulk message} {bulk a} {bulk m1}}}
        expect_eq [$c .readpush] {push {{bulk pmessage} {bulk a*} {bulk a} {bulk m1}}}
        # A subscriber may publish: its own message comes before the reply.
        $c .send publish b m2
        expect_eq [$c .readpush] {push {{bulk message} {bulk b} {bulk m2}}}
        expect_eq [$c .read] 1
        expect_eq [$c .lasttype] int
        # And run anything, INFO included.
        expect_glob "*# Server*" [$c info server]
        expect_eq [$c ping] PONG
        expect_eq [$c pubsub numsub a] {a 1}
        expect_eq [$c .lasttype] array
        set got [psend3 $c 2 unsubscribe]
        expect_set [lmap m $got {lindex $m 1}] {a b}
        expect_eq [lmap m $got {lindex $m 2}] {2 1}
        $c .close
    }
    ptest "Shard channels: SSUBSCRIBE, SPUBLISH, their own counts, no patterns" {
        set c [new_client]
        set p [new_client]
        expect_eq [psend $c "" ssubscribe s1 s2] {{ssubscribe s1 1} {ssubscribe s2 2}}
        expect_eq [psend $c "" subscribe s1] {{subscribe s1 1}}
        psend $p "" psubscribe *
        expect_eq [r spublish s1 hi] 1
        expect_eq [$c .read] {smessage s1 hi}
        # PUBLISH and SPUBLISH are separate spaces; patterns see PUBLISH only.
        expect_eq [r publish s1 yo] 2
        expect_eq [$c .read] {message s1 yo}
        expect_eq [$p .read] {pmessage * s1 yo}
        expect_eq [r spublish s3 x] 0
        expect_set [r pubsub shardchannels] {s1 s2}
        expect_eq [r pubsub shardchannels *2] s2
        expect_eq [r pubsub shardnumsub s1 s2 s3] {s1 1 s2 1 s3 0}
        expect_eq [r pubsub channels] s1
        expect_eq [info_field stats pubsubshard_channels] 2
        set got [psend $c 2 sunsubscribe]
        expect_set [lmap m $got {lindex $m 1}] {s1 s2}
        expect_eq [lmap m $got {lindex $m 2}] {1 0}
        expect_eq [r pubsub shardnumsub s1] {s1 0}
        $c .close
        $p .close
    }
    ptest "PUBSUB CHANNELS, NUMSUB, NUMPAT" {
        set c1 [new_client]
        set c2 [new_client]
        psend $c1 "" subscribe news.a news.b other
        psend $c2 "" subscribe news.a
        psend $c1 "" psubscribe n* x
        psend $c2 "" psubscribe n* y
        expect_set [r pubsub channels] {news.a news.b other}
        expect_set [r pubsub channels news.*] {news.a news.b}
        expect_eq [r pubsub channels zz*] {}
        expect_eq [r pubsub numsub news.a news.b nope] {news.a 2 news.b 1 nope 0}
        expect_eq [r pubsub numsub] {}
        # Unique patterns.
        expect_eq [r pubsub numpat] 3
        # NUMSUB is a flat array in RESP3 too.
        set c3 [new_client -resp 3]
        expect_eq [$c3 .typed pubsub numsub news.a] {array {{bulk news.a} {int 2}}}
        expect_eq [$c3 .typed pubsub shardnumsub x] {array {{bulk x} {int 0}}}
        $c3 .close
        expect_eq [info_field stats pubsub_channels] 3
        expect_eq [info_field stats pubsub_patterns] 3
        $c1 .close
        $c2 .close
        wait_for {[r pubsub numpat] == 0}
        expect_eq [r pubsub channels] {}
    }
    ptest "PUBSUB HELP and wrong subcommands" {
        expect_eq [r pubsub help] [list \
            {PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:} \
            {CHANNELS [<pattern>]} \
            {    Return the currently active channels matching a <pattern> (default: '*').} \
            NUMPAT \
            {    Return number of subscriptions to patterns.} \
            {NUMSUB [<channel> ...]} \
            {    Return the number of subscribers for the specified channels, excluding} \
            {    pattern subscriptions(default: no channels).} \
            {SHARDCHANNELS [<pattern>]} \
            {    Return the currently active shard level channels matching a <pattern> (default: '*').} \
            {SHARDNUMSUB [<shardchannel> ...]} \
            {    Return the number of subscribers for the specified shard level channel(s)} \
            HELP \
            {    Prints this help.}]
        expect_err "ERR unknown subcommand 'nope'. Try PUBSUB HELP." {r pubsub nope}
        expect_err "ERR wrong number of arguments for 'pubsub' command" {r pubsub}
        expect_err "ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP." {r pubsub channels a b}
        expect_err "ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP." {r pubsub shardchannels a b}
        expect_err "ERR wrong number of arguments for 'pubsub|numpat' command" {r pubsub numpat x}
        expect_err "ERR wrong number of arguments for 'pubsub|help' command" {r pubsub help x}
    }
    ptest "Wrong number of arguments" {
        foreach cmd {subscribe psubscribe ssubscribe} {
            expect_err "ERR wrong number of arguments for '$cmd' command" [list r $cmd]
        }
        foreach cmd {{publish} {publish a} {publish a b c} {spublish} {spublish a} {spublish a b c}} {
            expect_err "ERR wrong number of arguments for '[lindex $cmd 0]' command" [list r {*}$cmd]
        }
        # The client did not enter subscribed mode.
        expect_eq [r ping] PONG
    }
    ptest "Glob patterns: ?, ranges, negation, escapes" {
        set c [new_client]
        psend $c "" psubscribe {h?llo} {r[ae]d} {x[^a]y} {lit\*} {a[b-d]e} {*}
        set cases {
            hello {{h?llo} *}  hallo {{h?llo} *}  hllo {*}
            red {{r[ae]d} *}  rad {{r[ae]d} *}  rid {*}
            xby {{x[^a]y} *}  xay {*}
            lit* {{lit\*} *}  litx {*}
            ace {{a[b-d]e} *}  aee {*}
        }
        foreach {ch pats} $cases {
            expect_eq [r publish $ch m] [llength $pats] "channel $ch"
            set got {}
            foreach p $pats { lappend got [lindex [$c .read] 1] }
            expect_set $got $pats
        }
        $c .close
    }
    ptest "Binary-safe and empty channel names and messages" {
        set c [new_client -resp 3]
        set ch "a\x00b\r\n"
        psend3 $c "" subscribe $ch ""
        psend3 $c "" psubscribe "a\x00*"
        expect_eq [r publish $ch "m\x00\r\nx"] 2
        expect_eq [resp::plain [$c .readpush]] [list message $ch "m\x00\r\nx"]
        expect_eq [resp::plain [$c .readpush]] [list pmessage "a\x00*" $ch "m\x00\r\nx"]
        expect_eq [r publish "" ""] 1
        expect_eq [resp::plain [$c .readpush]] {message {} {}}
        expect_eq [r pubsub numsub $ch ""] [list $ch 1 "" 1]
        $c .close
    }
    ptest "CLIENT LIST sub/psub/ssub, flag P; INFO pubsub_clients; CLIENT KILL TYPE pubsub" {
        set c [new_client]
        set id [$c client id]
        expect_eq [cinfo_of_id $id sub] 0
        psend $c "" subscribe a b
        psend $c "" psubscribe p*
        psend $c "" ssubscribe s1 s2 s3
        expect_eq [cinfo_of_id $id sub] 2
        expect_eq [cinfo_of_id $id psub] 1
        expect_eq [cinfo_of_id $id ssub] 3
        expect_eq [cinfo_of_id $id flags] P
        expect_eq [cinfo_of_id $id cmd] ssubscribe
        expect_eq [info_field clients pubsub_clients] 1
        set c2 [new_client -resp 3]
        psend3 $c2 "" ssubscribe s1
        expect_eq [info_field clients pubsub_clients] 2
        expect_glob "*id=$id *" [r client list type pubsub]
        expect_eq [llength [split [string trim [r client list type pubsub]] "\n"]] 2
        expect_eq [r client kill type pubsub] 2
        expect_eq [$c .closed] 1
        wait_for {[info_field clients pubsub_clients] == 0}
        expect_eq [r pubsub numsub a b] {a 0 b 0}
        expect_eq [r pubsub shardnumsub s1] {s1 0}
        expect_eq [r pubsub numpat] 0
        $c .close
        $c2 .close
    }
    ptest "A disconnected subscriber leaves every channel" {
        set cs {}
        for {set i 0} {$i < 5} {incr i} {
            set c [new_client]
            psend $c "" subscribe x y
            psend $c "" psubscribe x*
            lappend cs $c
        }
        expect_eq [r publish x m] 10
        # Close them out of order: the survivors stay reachable.
        foreach i {3 0 4} { [lindex $cs $i] .close }
        wait_for {[r pubsub numsub x] eq {x 2}}
        expect_eq [r publish x m2] 4
        foreach i {1 2} {
            set c [lindex $cs $i]
            expect_eq [$c .read] {message x m}
            expect_eq [$c .read] {pmessage x* x m}
            expect_eq [$c .read] {message x m2}
            expect_eq [$c .read] {pmessage x* x m2}
            $c .close
        }
        wait_for {[r pubsub numpat] == 0}
        expect_eq [r pubsub channels] {}
    }
    ptest "A subscriber is not an idle client: timeout leaves it connected" {
        r config set timeout 1
        set idle [new_client]
        set sub [new_client]
        set sub3 [new_client -resp 3]
        psend $sub "" subscribe quiet
        psend3 $sub3 "" psubscribe q*
        expect_eq [$idle ping] PONG
        after 2500
        expect_eq [$idle .closed 100] 1
        # `r` was idle too: a new connection publishes.
        reconnect
        expect_eq [r publish quiet still-here] 2
        expect_eq [$sub .read] {message quiet still-here}
        expect_eq [resp::plain [$sub3 .readpush]] {pmessage q* quiet still-here}
        r config set timeout 0
        foreach c [list $idle $sub $sub3] { $c .close }
    }
    ptest "CLIENT REPLY OFF: confirmations and messages still arrive (they are pushes)" {
        foreach resp {2 3} {
            set c [new_client -resp $resp]
            $c .send client reply off
            $c .send subscribe ch
            $c .send psubscribe c*
            wait_for {[r pubsub numpat] == 1}
            expect_eq [r publish ch hi] 2
            $c .send ping
            $c .send get x
            $c .send unsubscribe ch
            $c .send punsubscribe
            set want {{subscribe ch 1} {psubscribe c* 2} {message ch hi} {pmessage c* ch hi} {unsubscribe ch 1} {punsubscribe c* 0}}
            foreach w $want {
                if {$resp == 2} { expect_eq [$c .read] $w } else { expect_eq [resp::plain [$c .readpush]] $w }
            }
            # And nothing else: the PING and GET answers were dropped.
            expect_eq [$c client reply on] OK
            $c .close
        }
    }
    ptest "SUBSCRIBE inside MULTI is allowed; SSUBSCRIBE inside EXEC is refused" {
        set c [new_client]
        $c multi
        $c subscribe a
        $c ssubscribe b
        $c psubscribe p
        expect_eq [$c .typed exec] {array {{array {{bulk subscribe} {bulk a} {int 1}}} {error {ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client}} {array {{bulk psubscribe} {bulk p} {int 2}}}}}
        expect_eq [r pubsub numsub a] {a 1}
        expect_eq [r pubsub shardnumsub b] {b 0}
        # The client is now in subscribed mode.
        expect_err "ERR Can't execute 'get'*" {$c get x}
        $c .close
    }
}

with_server -config {unixsocket %DIR%/sub.sock unixsocketperm 700} {
    ptest "Publisher on TCP, subscribers on the Unix socket and on TCP" {
        set u [new_unix_client [srv unixsocket]]
        set t [new_client -resp 3]
        psend $u "" subscribe bus
        psend3 $t "" psubscribe b*
        for {set i 0} {$i < 50} {incr i} { expect_eq [r publish bus m$i] 2 }
        for {set i 0} {$i < 50} {incr i} {
            expect_eq [$u .read] [list message bus m$i]
            expect_eq [resp::plain [$t .readpush]] [list pmessage b* bus m$i]
        }
        $u .close
        $t .close
    }
}

# ---- the pubsub output-buffer class ----------------------------------------

with_server {
    ptest "A slow subscriber is cut off at the pubsub hard limit; others get every message" {
        r config set client-output-buffer-limit "pubsub 256kb 0 0"
        r config resetstat
        set slow [new_client]
        set slow_id [$slow client id]
        psend $slow "" subscribe big
        set fast [new_client]
        psend $fast "" subscribe big
        set fast3 [new_client -resp 3]
        psend3 $fast3 "" psubscribe b*
        set msg [string repeat x 65536]
        # The slow one never reads: past the socket buffers its output
        # grows until the limit closes it; the others read as we go, and
        # keep getting every message after it is gone.
        set cut -1
        for {set i 0} {$i < 2000 && ($cut < 0 || $i < $cut + 20)} {incr i} {
            set n [r publish big $i$msg]
            if {$n == 2 && $cut < 0} { set cut $i }
            expect_eq $n [expr {$cut < 0 ? 3 : 2}]
            expect_eq [$fast .read] [list message big $i$msg]
            expect_eq [lindex [resp::plain [$fast3 .readpush]] 3] $i$msg
        }
        expect_gt $cut 0
        expect_eq [info_field stats client_output_buffer_limit_disconnections] 1
        expect_eq [r client list id $slow_id] {}
        expect_eq [r pubsub numsub big] {big 1}
        expect_glob "*scheduled to be closed ASAP for overcoming of output buffer limits*" [server_log]
        $slow .close
        $fast .close
        $fast3 .close
    }
    ptest "The soft limit cuts a subscriber that stays above it for its seconds" {
        r config set client-output-buffer-limit "pubsub 0 256kb 1"
        r config resetstat
        set slow [new_client]
        set slow_id [$slow client id]
        psend $slow "" subscribe soft
        set msg [string repeat y 65536]
        # Publish until its output, past the socket buffers, is above the
        # soft limit: it stays connected for the limit's second.
        for {set i 0} {$i < 1000 && [cinfo_of_id $slow_id omem] < 300000} {incr i} { r publish soft $msg }
        expect_gt [cinfo_of_id $slow_id omem] 300000
        r publish soft $msg
        expect_ne [r client list id $slow_id] {}
        after 1200
        r publish soft $msg
        wait_for {[r client list id $slow_id] eq {}}
        expect_eq [info_field stats client_output_buffer_limit_disconnections] 1
        $slow .close
        r config set client-output-buffer-limit "pubsub 32mb 8mb 60"
    }
    ptest "The pubsub limits do not apply to a client that is not subscribed" {
        r config set client-output-buffer-limit "pubsub 64kb 0 0"
        r config resetstat
        set c [new_client]
        r set big [string repeat z 1000000]
        # A normal client's big reply is under the normal class (no limit).
        expect_eq [string length [$c get big]] 1000000
        expect_eq [info_field stats client_output_buffer_limit_disconnections] 0
        $c .close
        r config set client-output-buffer-limit "pubsub 32mb 8mb 60"
    }
}

# ---- a model of many clients ----------------------------------------------

with_server {
    ptest "Random subscribe/unsubscribe of many clients against a model" {
        set seed [expr {[info exists ::env(PUBSUB_SEED)] ? $::env(PUBSUB_SEED) : [clock milliseconds] % 100000}]
        expr {srand($seed)}
        set names {c0 c1 c2 c3 c4 c5}
        set pats {c* c[0-2] ?1 * c[345] x*}
        set shards {s0 s1 s2}
        set nclients 7
        unset -nocomplain m_cl m_rp m_ch m_pt m_sh m_exp
        # Per client: its resp, and lists of channels/patterns/shards.
        for {set i 0} {$i < $nclients} {incr i} {
            set resp [expr {$i % 2 ? 3 : 2}]
            set m_cl($i) [new_client -resp $resp]
            set m_rp($i) $resp
            set m_ch($i) {}
            set m_pt($i) {}
            set m_sh($i) {}
        }
        proc pick {l} { lindex $l [expr {int(rand() * [llength $l])}] }
        proc some {l} {
            set out {}
            set n [expr {1 + int(rand() * 3)}]
            for {set k 0} {$k < $n} {incr k} { lappend out [pick $l] }
            return $out
        }
        # Reads n confirmations (pushes in RESP3) or one error.
        proc confirmations {c resp n} {
            set out {}
            for {set k 0} {$k < $n} {incr k} {
                if {$resp == 3} { lappend out [resp::plain [$c .readpush]] } else { lappend out [$c .read] }
            }
            return $out
        }
        for {set round 0} {$round < 400} {incr round} {
            set i [expr {int(rand() * $nclients)}]
            set c $m_cl($i)
            set op [pick {sub psub ssub unsub punsub sunsub unsub_all punsub_all sunsub_all pub pub spub}]
            set where "seed $seed round $round client $i op $op"
            switch -- $op {
                sub - psub - ssub {
                    set var [dict get {sub m_ch psub m_pt ssub m_sh} $op]
                    set pool [dict get [list sub $names psub $pats ssub $shards] $op]
                    set args [some $pool]
                    set cmd [dict get {sub subscribe psub psubscribe ssub ssubscribe} $op]
                    $c .send $cmd {*}$args
                    set got [confirmations $c $m_rp($i) [llength $args]]
                    set want {}
                    foreach a $args {
                        if {[lsearch -exact [set ${var}($i)] $a] < 0} { lappend ${var}($i) $a }
                        set n [expr {$op eq "ssub" ? [llength $m_sh($i)] : [llength $m_ch($i)] + [llength $m_pt($i)]}]
                        lappend want [list $cmd $a $n]
                    }
                    expect_eq $got $want $where
                }
                unsub - punsub - sunsub {
                    set var [dict get {unsub m_ch punsub m_pt sunsub m_sh} $op]
                    set pool [dict get [list unsub $names punsub $pats sunsub $shards] $op]
                    set cmd [dict get {unsub unsubscribe punsub punsubscribe sunsub sunsubscribe} $op]
                    set args [some $pool]
                    $c .send $cmd {*}$args
                    set got [confirmations $c $m_rp($i) [llength $args]]
                    set want {}
                    foreach a $args {
                        set k [lsearch -exact [set ${var}($i)] $a]
                        if {$k >= 0} { set ${var}($i) [lreplace [set ${var}($i)] $k $k] }
                        set n [expr {$op eq "sunsub" ? [llength $m_sh($i)] : [llength $m_ch($i)] + [llength $m_pt($i)]}]
                        lappend want [list $cmd $a $n]
                    }
                    expect_eq $got $want $where
                }
                unsub_all - punsub_all - sunsub_all {
                    set var [dict get {unsub_all m_ch punsub_all m_pt sunsub_all m_sh} $op]
                    set cmd [dict get {unsub_all unsubscribe punsub_all punsubscribe sunsub_all sunsubscribe} $op]
                    set had [set ${var}($i)]
                    $c .send $cmd
                    set got [confirmations $c $m_rp($i) [expr {max(1, [llength $had])}]]
                    set ${var}($i) {}
                    set base [expr {$op eq "sunsub_all" ? 0 : [llength $m_ch($i)] + [llength $m_pt($i)]}]
                    if {[llength $had] == 0} {
                        expect_eq $got [list [list $cmd {} $base]] $where
                    } else {
                        expect_set [lmap m $got {lindex $m 1}] $had
                        set want {}
                        for {set k [expr {[llength $had] - 1}]} {$k >= 0} {incr k -1} { lappend want [expr {$base + $k}] }
                        expect_eq [lmap m $got {lindex $m 2}] $want $where
                    }
                }
                pub - spub {
                    set chan [pick [expr {$op eq "pub" ? [concat $names x1 y1] : $shards}]]
                    set msg "m$round"
                    # Expected deliveries per client.
                    set total 0
                    for {set j 0} {$j < $nclients} {incr j} {
                        set m_exp($j) {}
                        if {$op eq "spub"} {
                            if {[lsearch -exact $m_sh($j) $chan] >= 0} { lappend m_exp($j) [list smessage $chan $msg] }
                        } else {
                            if {[lsearch -exact $m_ch($j) $chan] >= 0} { lappend m_exp($j) [list message $chan $msg] }
                            foreach p $m_pt($j) {
                                if {[string match $p $chan]} { lappend m_exp($j) [list pmessage $p $chan $msg] }
                            }
                        }
                        incr total [llength $m_exp($j)]
                    }
                    expect_eq [r [expr {$op eq "pub" ? "publish" : "spublish"}] $chan $msg] $total $where
                    for {set j 0} {$j < $nclients} {incr j} {
                        set got [confirmations $m_cl($j) $m_rp($j) [llength $m_exp($j)]]
                        expect_set $got $m_exp($j)
                        # Nothing more: a PING is the next thing it gets.
                        set subbed [expr {[llength $m_ch($j)] + [llength $m_pt($j)] + [llength $m_sh($j)]}]
                        if {$m_rp($j) == 2 && $subbed} {
                            expect_eq [$m_cl($j) ping] {pong {}} $where
                        } else {
                            expect_eq [$m_cl($j) ping] PONG $where
                            if {$m_rp($j) == 3} { expect_eq [$m_cl($j) .pushes] {} $where }
                        }
                    }
                }
            }
            if {$round % 50 == 0} {
                # The server's own counts agree with the model.
                set allch {}
                set allpt {}
                set nsub 0
                for {set j 0} {$j < $nclients} {incr j} {
                    foreach x $m_ch($j) { if {$x ni $allch} { lappend allch $x } }
                    foreach x $m_pt($j) { if {$x ni $allpt} { lappend allpt $x } }
                    if {[llength $m_ch($j)] + [llength $m_pt($j)] + [llength $m_sh($j)]} { incr nsub }
                }
                expect_set [r pubsub channels] $allch
                expect_eq [r pubsub numpat] [llength $allpt] "seed $seed"
                expect_eq [info_field clients pubsub_clients] $nsub "seed $seed"
                foreach x $names {
                    set n 0
                    for {set j 0} {$j < $nclients} {incr j} { if {$x in $m_ch($j)} { incr n } }
                    expect_eq [r pubsub numsub $x] [list $x $n] "seed $seed"
                }
            }
        }
        for {set i 0} {$i < $nclients} {incr i} { $m_cl($i) .close }
    }
}
