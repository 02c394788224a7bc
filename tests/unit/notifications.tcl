# Keyspace notifications: notify-keyspace-events with every class letter
# (g $ l s h z x e t m d n, A for "g$lshzxetd", K and E for the two
# channel forms), and the exact events Valkey 8 publishes, in order, for a
# command of each type, on __keyspace@<db>__:<key> (the event as message)
# and __keyevent@<db>__:<event> (the key as message).
#
# The expected events below were checked against Debian's redis-server
# 7.0, which agrees with Valkey 8 except where a scenario says otherwise
# (XCLAIM and XAUTOCLAIM create their consumer even when they claim
# nothing since Redis 7.2, so Valkey 8 fires xgroup-createconsumer there);
# when redis-server is installed, the last tests run every scenario
# against it again.  Eviction ("evicted", class e) waits for maxmemory
# eviction; modules (class d) do not exist here: both letters are accepted.

file_tags {notifications needs:pubsub}

# Scenarios: name, commands (each run in database 9 after FLUSHALL), and
# the events they fire with every class on, as "event key" pairs (a key
# of another database written key@db).
set ::scenarios {
    del {
        {set a 1} {set b 2} {del a b c}
    } {set a  set b  del a  del b}
    unlink {
        {set a 1} {unlink a c}
    } {set a  del a}
    expire {
        {set a 1} {expire a 100} {pexpire a 100000} {expireat a 99999999999} {pexpireat a 99999999999999} {persist a} {persist a} {expire a 100 nx} {expire a 100 xx} {expire nokey 10}
    } {set a  expire a  expire a  expire a  expire a  persist a  expire a  expire a}
    expire-past {
        {set a 1} {expire a -1} {set b 1} {pexpireat b 1} {set c 1} {expire c 0}
    } {set a  del a  set b  del b  set c  del c}
    rename {
        {set a 1} {rename a b} {set c 1} {rename b c} {renamenx c d} {set e 1} {renamenx d e} {rename d d}
    } {set a  rename_from a  rename_to b  set c  rename_from b  rename_to c  rename_from c  rename_to d  set e}
    rename-ttl {
        {set a 1 ex 100} {rename a b}
    } {set a  expire a  rename_from a  rename_to b}
    copy {
        {set a 1} {copy a b} {copy a b} {copy a b replace} {copy a b db 1}
    } {set a  copy_to b  copy_to b  copy_to b@1}
    move {
        {set a 1} {move a 1}
    } {set a  move_from a  move_to a@1}
    sort-store {
        {rpush l 3 1 2} {sort l store d} {sort nolist store d} {sort nolist store e}
    } {rpush l  sortstore d  del d}
    set {
        {set a 1} {set a 2 ex 100} {set a 3 keepttl} {set a 4 nx} {set b 5 xx} {set a 6 get} {setnx a 1} {setnx n 1} {setex e 100 v} {psetex p 100000 v} {set q 1 px 1000000}
    } {set a  set a  expire a  set a  set a  set n  set e  expire e  set p  expire p  set q  expire q}
    mset {
        {mset a 1 b 2} {msetnx c 1 d 2} {msetnx c 1 e 2}
    } {set a  set b  set c  set d}
    incr {
        {incr a} {incrby a 2} {decr a} {decrby a 2} {incrbyfloat a 1.5} {incrbyfloat f 2}
    } {incrby a  incrby a  incrby a  incrby a  incrbyfloat a  incrbyfloat f}
    append {
        {append a x} {append a y} {setrange a 1 zz} {setrange b 0 {}} {setrange b 3 x} {setrange a 0 {}}
    } {append a  append a  setrange a  setrange b}
    getdel {
        {set a 1} {getdel a} {getdel a}
    } {set a  del a}
    getex {
        {set a 1} {getex a ex 100} {getex a persist} {getex a} {getex a px 100000} {getex a exat 99999999999} {getex a pxat 99999999999999} {getex nokey ex 10}
    } {set a  expire a  persist a  expire a  expire a  expire a}
    getex-past {
        {set a 1} {getex a pxat 1}
    } {set a  del a}
    getset {
        {getset a 1} {getset a 2}
    } {set a  set a}
    setbit {
        {setbit a 5 1} {setbit a 5 0} {bitfield b set u8 0 255} {bitfield b get u8 0} {bitfield c incrby u8 0 1 overflow fail incrby u8 0 300} {bitop and d a b} {bitop or e x y} {bitop not f a} {bitop and a x y}
    } {setbit a  setbit a  setbit b  setbit c  set d  set f  del a}
    hll {
        {pfadd h a b} {pfadd h a} {pfadd h} {pfadd h2} {pfmerge h3 h h2} {pfmerge h4 x} {pfcount h h2}
    } {pfadd h  pfadd h2  pfadd h3  pfadd h4}
    push {
        {lpush l a} {rpush l b c} {lpushx l d} {rpushx l e} {lpushx m d} {rpushx m x}
    } {lpush l  rpush l  lpush l  rpush l}
    pop {
        {rpush l a b c d} {lpop l} {rpop l} {lpop l 5} {lpop l} {rpop nolist}
    } {rpush l  lpop l  rpop l  lpop l  del l}
    linsert {
        {rpush l a b} {linsert l before b x} {linsert l after zz y} {linsert nolist before a b}
    } {rpush l  linsert l}
    lset {
        {rpush l a b} {lset l 0 z}
    } {rpush l  lset l}
    lrem {
        {rpush l a b a} {lrem l 0 a} {lrem l 0 zz} {lrem l 1 b}
    } {rpush l  lrem l  lrem l  del l}
    ltrim {
        {rpush l a b c} {ltrim l 0 1} {ltrim l 0 -1} {ltrim l 5 10} {ltrim nolist 0 1}
    } {rpush l  ltrim l  ltrim l  ltrim l  del l}
    lmove {
        {rpush l a b} {lmove l m left right} {rpoplpush l m} {rpoplpush l l} {rpush x a} {lmove x x left right}
    } {rpush l  rpush m  lpop l  lpush m  rpop l  del l  rpush x  rpush x  lpop x}
    lmove-self-one {
        {rpush x a} {lmove x x left left}
    } {rpush x  lpush x  lpop x}
    lmpop {
        {rpush l a b c} {lmpop 2 n l left count 2} {lmpop 1 l right}
    } {rpush l  lpop l  rpop l  del l}
    blocking-nowait {
        {rpush l a b} {blpop l 0} {brpop l 0} {rpush l a} {blmove l m left left 0} {rpush q 1 2} {blmpop 0 1 q left count 5} {rpush r 1} {brpoplpush r s 0}
    } {rpush l  lpop l  rpop l  del l  rpush l  lpush m  lpop l  del l  rpush q  lpop q  del q  rpush r  lpush s  rpop r  del r}
    hset {
        {hset h a 1} {hset h a 2 b 3} {hmset h c 4} {hsetnx h a 1} {hsetnx h z 1} {hincrby h n 1} {hincrbyfloat h f 1.5} {hdel h a b} {hdel h zz} {hdel h c n f z}
    } {hset h  hset h  hset h  hset h  hincrby h  hincrbyfloat h  hdel h  hdel h  del h}
    sadd {
        {sadd s a b} {sadd s a} {srem s a} {srem s zz} {srem s b}
    } {sadd s  srem s  srem s  del s}
    smove {
        {sadd s a b} {smove s d a} {smove s d zz} {smove s d b} {sadd x 1} {smove x x 1}
    } {sadd s  srem s  sadd d  srem s  del s  sadd d  sadd x}
    setstore {
        {sadd a 1 2 3} {sadd b 2 3 4} {sinterstore c a b} {sunionstore d a b} {sdiffstore e a b} {sinterstore f a nokey} {sinterstore c nokey} {sdiffstore a a b}
    } {sadd a  sadd b  sinterstore c  sunionstore d  sdiffstore e  del c  sdiffstore a}
    zadd {
        {zadd z 1 a} {zadd z 2 a} {zadd z nx 3 a} {zadd z xx 1 b} {zadd z 1 a} {zincrby z 1 a} {zadd z incr 1 a} {zrem z a} {zrem z zz}
    } {zadd z  zadd z  zadd z  zincr z  zincr z  zrem z  del z}
    zpop {
        {zadd z 1 a 2 b 3 c} {zpopmin z} {zpopmax z} {zpopmin z 5} {zpopmin z} {zadd y 1 a} {bzpopmin y 0} {zadd y 1 a 2 b} {bzpopmax y 0} {zadd w 1 a 2 b} {zmpop 1 w min count 5} {zadd v 1 a} {bzmpop 0 1 v max}
    } {zadd z  zpopmin z  zpopmax z  zpopmin z  del z  zadd y  zpopmin y  del y  zadd y  zpopmax y  zadd w  zpopmin w  del w  zadd v  zpopmax v  del v}
    zrem-range {
        {zadd z 1 a 2 b 3 c 4 d} {zremrangebyscore z 1 1} {zremrangebyrank z 0 0} {zremrangebylex z - +} {zremrangebyscore z 1 1} {zremrangebyscore nokey 1 1}
    } {zadd z  zremrangebyscore z  zremrangebyrank z  zremrangebylex z  del z}
    zstore {
        {zadd a 1 x 2 y} {zadd b 1 y} {zunionstore c 2 a b} {zinterstore d 2 a b} {zdiffstore e 2 a b} {zrangestore f a 0 -1} {zinterstore g 2 a nokey} {zrangestore c nokey 0 -1} {zdiffstore a 1 nokey}
    } {zadd a  zadd b  zunionstore c  zinterstore d  zdiffstore e  zrangestore f  del c  del a}
    xadd {
        {xadd x 1-1 a 1} {xadd x maxlen 1 2-1 b 2} {xadd x nomkstream 3-1 c 3} {xadd y nomkstream * c 3} {xtrim x maxlen 0} {xadd x minid 100 4-1 a 1} {xdel x 4-1} {xdel x 4-1} {xsetid x 10-1} {xtrim x maxlen 100}
    } {xadd x  xadd x  xtrim x  xadd x  xtrim x  xadd x  xtrim x  xsetid x}
    xgroup {
        {xgroup create x g $ mkstream} {xgroup createconsumer x g c1} {xgroup createconsumer x g c1} {xadd x 1-1 a 1} {xreadgroup group g c2 streams x >} {xreadgroup group g c2 streams x >} {xack x g 1-1} {xack x g 1-1} {xclaim x g c3 0 1-1} {xautoclaim x g c4 0 0} {xgroup setid x g 0} {xgroup delconsumer x g c1} {xgroup delconsumer x g zz} {xgroup destroy x g} {xgroup destroy x g}
    } {xgroup-create x  xgroup-createconsumer x  xadd x  xgroup-createconsumer x  xgroup-createconsumer x  xgroup-createconsumer x  xgroup-setid x  xgroup-delconsumer x  xgroup-destroy x}
    xgroup2 {
        {xadd x 1-1 a 1} {xgroup create x g 0} {xreadgroup group g c1 streams x >} {xclaim x g c2 0 1-1 force} {xclaim x g c3 0 1-1 justid} {xautoclaim x g c9 0 0 justid} {xdel x 1-1} {xautoclaim x g c5 0 0}
    } {xadd x  xgroup-create x  xgroup-createconsumer x  xgroup-createconsumer x  xgroup-createconsumer x  xgroup-createconsumer x  xdel x  xgroup-createconsumer x}
    geo {
        {geoadd g 13.36 38.11 a} {geoadd g 13.36 38.11 a} {geoadd g xx 13.36 38.11 b} {geosearchstore d g fromlonlat 13 38 byradius 500 km} {georadius g 13 38 500 km store e} {georadiusbymember g a 10 km storedist f} {geosearchstore z g fromlonlat 0 0 byradius 1 km} {zrem g a}
    } {zadd g  geosearchstore d  georadiusstore e  georadiusstore f  zrem g  del g}

}

# Valkey 8 fires more than redis-server 7.0 here: the 7.0 lists.
set ::redis70_differs {
    xgroup {xgroup-create x  xgroup-createconsumer x  xadd x  xgroup-createconsumer x  xgroup-setid x  xgroup-delconsumer x  xgroup-destroy x}
    xgroup2 {xadd x  xgroup-create x  xgroup-createconsumer x  xgroup-createconsumer x  xgroup-createconsumer x  xgroup-createconsumer x  xdel x}
}

# The class letter of each event name.
set ::event_class {
    del g  expire g  persist g  rename_from g  rename_to g  copy_to g  move_from g  move_to g  restore g
    set $  setrange $  incrby $  incrbyfloat $  append $  setbit $  pfadd $
    lpush l  rpush l  linsert l  lset l  lrem l  ltrim l  lpop l  rpop l  sortstore l
    sadd s  srem s  spop s  sinterstore s  sunionstore s  sdiffstore s
    hset h  hdel h  hincrby h  hincrbyfloat h
    zadd z  zincr z  zrem z  zremrangebyscore z  zremrangebyrank z  zremrangebylex z  zpopmin z  zpopmax z
    zunionstore z  zinterstore z  zdiffstore z  zrangestore z  geosearchstore z  georadiusstore z
    xadd t  xtrim t  xdel t  xsetid t  xgroup-create t  xgroup-createconsumer t  xgroup-delconsumer t
    xgroup-destroy t  xgroup-setid t
    expired x  evicted e  new n  keymiss m
}

# ---- collecting notifications ------------------------------------------------

# Runs body with notify-keyspace-events set to flags and returns what a
# pattern subscriber of every keyspace/keyevent channel received, each
# message as "ks <db> <key> <event>" or "ke <db> <event> <key>".
proc notifications {flags body {client r}} {
    $client config set notify-keyspace-events $flags
    set sub [new_client -srv [srv]]
    $sub .send psubscribe __key*__:*
    $sub .send subscribe zz:end
    $sub .read
    $sub .read
    set code [catch {uplevel 1 $body} res opts]
    $client publish zz:end .
    set out {}
    while 1 {
        set m [$sub .read]
        if {[lindex $m 0] eq "message"} break
        set ch [lindex $m 2]
        set payload [lindex $m 3]
        if {![regexp {^__key(space|event)@(\d+)__:(.*)$} $ch -> kind db name]} {
            error "unexpected channel $ch"
        }
        lappend out [list [expr {$kind eq "space" ? "ks" : "ke"}] $db $name $payload]
    }
    $sub .close
    $client config set notify-keyspace-events ""
    if {$code} { return -options $opts $res }
    return $out
}

# The messages expected for "event key" pairs: both forms, one or none,
# and only the pairs whose class letter is in `classes` ("" for every one).
proc expected {pairs forms {classes ""} {db 9}} {
    set out {}
    foreach {event key} $pairs {
        set d $db
        if {[regexp {^(.*)@(\d+)$} $key -> k kd]} { set key $k; set d $kd }
        if {$classes ne "" && [string first [dict get $::event_class $event] $classes] < 0} continue
        if {[string first K $forms] >= 0} { lappend out [list ks $d $key $event] }
        if {[string first E $forms] >= 0} { lappend out [list ke $d $event $key] }
    }
    return $out
}

proc run_scenario {cmds {client r}} {
    foreach cmd $cmds {
        if {[catch {$client {*}$cmd} err]} { error "$cmd: $err" }
    }
}

proc scenario_test {name cmds pairs flags forms classes} {
    r flushall
    r select 9
    set got [notifications $flags { run_scenario $cmds }]
    expect_eq $got [expected $pairs $forms $classes] "scenario $name, notify-keyspace-events $flags"
}

# The scenarios whose events include a class letter.
proc scenarios_of {letter} {
    set out {}
    foreach {name cmds pairs} $::scenarios {
        foreach {event key} $pairs {
            if {[dict get $::event_class $event] eq $letter} { lappend out $name; break }
        }
    }
    return $out
}

# Checks run against our server and, when installed, redis-server 7.0.
proc check_expired {} {
    r flushall
    set got [notifications KEx {
        r set a 1 px 20
        r hset h f v
        r pexpire h 20
        wait_for {[r dbsize] == 0}
    }]
    expect_set $got {{ks 9 a expired} {ke 9 expired a} {ks 9 h expired} {ke 9 expired h}}
    r debug set-active-expire 0
    set got [notifications KEA {
        r set a 1 px 10
        r set b 1 px 10
        r rpush l x
        r pexpire l 10
        after 30
        r get a
        r set b 2
        r rpush l y
        r exists nokey
    }]
    r debug set-active-expire 1
    expect_eq $got [expected {set a  expire a  set b  expire b  rpush l  expire l  expired a  expired b  set b  expired l  rpush l} KE]
}

proc check_expired_in_exec {} {
    r flushall
    r debug set-active-expire 0
    set got [notifications KEA {
        r set k 1 px 10
        after 30
        r multi
        r incr k
        r set other 1
        r exec
    }]
    r debug set-active-expire 1
    expect_eq $got [expected {set k  expire k  expired k  incrby k  set other} KE]
}

proc check_new {} {
    r flushall
    set got [notifications KEn {
        r set a 1
        r set a 2
        r rpush l x
        r rpush l y
        r sadd s m
        r hset h f v
        r zadd z 1 m
        r xadd x 1-1 f v
        r copy a c
        r rename a b
        r incr n
        r setrange r 0 x
        r append p x
        r pfadd hll e
        r lmove l l2 left left
        r sunionstore su s
        r zunionstore zu 1 z
        r geoadd g 0 0 m
        r sort l alpha store so
        r setbit bit 1 1
        r bitop or bo bit
        r msetnx m1 1 m2 2
        r getset gs 1
        r incrbyfloat f 1
    }]
    expect_eq $got [expected {new a  new l  new s  new h  new z  new x  new c  new b  new n  new r  new p  new hll  new l2  new su  new zu  new g  new so  new bit  new bo  new m1  new m2  new gs  new f} KE]
    # "new" is not part of A.
    expect_eq [notifications KEA { r set brandnew 1 }] [expected {set brandnew} KE]
    set got [notifications KEAn { r set brandnew2 1 }]
    expect_eq $got [expected {new brandnew2  set brandnew2} KE]
}

proc check_keymiss {} {
    r flushall
    r rpush l x
    set got [notifications KEm {
        r get a
        r mget a b
        r exists a
        r llen nol
        r lrange l 0 -1
        r hget h f
        r smembers s
        r zscore z m
        r xrange x - +
        r set c v get
        r getset d v
        r getdel e
        r getex f
        r strlen g
        r set a 1
        r del a
        r rpush q x
        r sinterstore dst s1 s2
        r type t
        r ttl t
        r object encoding t
    }]
    # EXISTS, TYPE and TTL look the key up as a read (OBJECT does not).
    expect_eq $got [expected {keymiss a  keymiss a  keymiss b  keymiss a  keymiss nol  keymiss h  keymiss s  keymiss z  keymiss x  keymiss c  keymiss d  keymiss e  keymiss f  keymiss g  keymiss s1  keymiss s2  keymiss t  keymiss t} KE]
    # keymiss is not part of A.
    expect_eq [notifications KEA { r get nope }] {}
}

with_server {
    r select 9
    test "CONFIG SET/GET notify-keyspace-events: letters in Valkey's order, A, bad letters" {
        foreach {in out} {gKE gKE {$lshzxeKE} {$lshzxeKE} KA AK Em Em nd dn Kx xK E E K K {} {} KEA$ AKE tK tK} {
            r config set notify-keyspace-events $in
            expect_eq [lindex [r config get notify-keyspace-events] 1] $out "set $in"
        }
        expect_err "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag\$lshzxeKEtmdn'." {r config set notify-keyspace-events x!}
        # A failed set keeps the old value.
        expect_eq [lindex [r config get notify-keyspace-events] 1] tK
        r config set notify-keyspace-events ""
    }
    test "Nothing is published without K or E, or without the class" {
        r flushall
        expect_eq [notifications A { r set a 1; r del a }] {}
        expect_eq [notifications KE { r set a 1; r del a }] {}
        expect_eq [notifications KEl { r set a 1; r del a; r rpush l x }] {{ks 9 l rpush} {ke 9 rpush l}}
    }
    test "The database number is in the channel" {
        r select 3
        set got [notifications KEg { r set k v; r del k }]
        expect_eq $got {{ks 3 k del} {ke 3 del k}}
        r select 9
    }
    test "Subscribers of the exact channels, RESP2 and RESP3 (a push)" {
        r config set notify-keyspace-events KEA
        set c2 [new_client]
        set c3 [new_client -resp 3]
        $c2 .send subscribe __keyevent@9__:del
        $c2 .read
        $c3 .send subscribe __keyspace@9__:mykey
        $c3 .readpush
        r set mykey 1
        r del mykey
        expect_eq [$c2 .read] {message __keyevent@9__:del mykey}
        expect_eq [$c3 .readpush] {push {{bulk message} {bulk __keyspace@9__:mykey} {bulk set}}}
        expect_eq [$c3 .readpush] {push {{bulk message} {bulk __keyspace@9__:mykey} {bulk del}}}
        $c2 .close
        $c3 .close
        r config set notify-keyspace-events ""
    }
    test "A binary key in both channel forms" {
        set key "a\x00b\r\n"
        set got [notifications KE\$ { r set $key v }]
        expect_eq $got [list [list ks 9 $key set] [list ke 9 set $key]]
    }

    # ---- every scenario, both forms, every class letter alone --------------------

    test "All classes (KEA): every scenario's events in order" {
        foreach {name cmds pairs} $::scenarios { scenario_test $name $cmds $pairs KEA KE "" }
    }
    test "Keyspace form alone (KA) and keyevent form alone (EA)" {
        foreach {name cmds pairs} $::scenarios {
            scenario_test $name $cmds $pairs KA K ""
            scenario_test $name $cmds $pairs EA E ""
        }
    }
    foreach {letter what} {
        g "generic commands (DEL, UNLINK, EXPIRE, PERSIST, RENAME, COPY, MOVE, SORT's emptied store)"
        $ "string commands"
        l "list commands"
        s "set commands"
        h "hash commands"
        z "sorted set and geo store commands"
        t "stream commands"
    } {
        test "Class $letter alone: $what" {
            set names [scenarios_of $letter]
            expect_gt [llength $names] 0
            foreach {name cmds pairs} $::scenarios {
                if {$name ni $names} continue
                scenario_test $name $cmds $pairs "KE$letter" KE $letter
                # The other classes publish nothing of this one's.
                set others [string map [list $letter ""] {g$lshzxetd}]
                scenario_test $name $cmds $pairs "KE$others" KE $others
            }
        }
    }
    test "Class x: expired, by the active cycle and when a command meets the key" { check_expired }
    test "Class x: a key expired inside MULTI/EXEC and a write of the same transaction" { check_expired_in_exec }
    test "Class n: new keys, from every way of creating one" { check_new }
    test "Class m: keymiss on reads that miss, not on writes nor OBJECT" { check_keymiss }
    test "Classes e and d: accepted, nothing fires them here" {
        r flushall
        expect_eq [notifications KEed { r set a 1; r del a; r get a }] {}
    }
    test "Events of a transaction come in the order its commands run" {
        r flushall
        set got [notifications KEA {
            r multi
            r set a 1
            r rpush l x
            r del a
            r exec
        }]
        expect_eq $got [expected {set a  rpush l  del a} KE]
    }
    test "FLUSHDB, FLUSHALL and SWAPDB publish nothing" {
        r flushall
        r set a 1
        r select 1
        r set a 1
        r select 9
        expect_eq [notifications KEA { r swapdb 9 1; r flushdb; r flushall }] {}
    }
}

# ---- the same scenarios against redis-server 7.0 --------------------------------

set ::redis_handle [start_redis]
if {$::redis_handle ne ""} {
    lappend srvh::stack $::redis_handle
    interp alias {} ::r {} {*}[new_client -srv $::redis_handle]
    test "redis-server 7.0 publishes the same events for every scenario (but the Valkey 8 changes)" {
        r select 9
        foreach {name cmds pairs} $::scenarios {
            if {[dict exists $::redis70_differs $name]} { set pairs [dict get $::redis70_differs $name] }
            scenario_test $name $cmds $pairs KEA KE ""
        }
    }
    test "redis-server 7.0: expired, new and keymiss" {
        r select 9
        check_expired
        check_expired_in_exec
        check_new
        check_keymiss
    }
    [interp alias {} ::r] .close
    interp alias {} ::r {}
    set srvh::stack [lrange $srvh::stack 0 end-1]
    srvh::stop $::redis_handle
}
