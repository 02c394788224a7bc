# Which `needs:*` tags the server under test can run, asked of the server
# itself: the runner starts it once, probes each tag below, and leaves out
# the tags whose probe fails, naming each one and why.  So a test for a
# feature that does not exist yet is written once, tagged, and starts to
# run the day the feature's command appears, with no list to edit.
#
# A probe is one of
#   {command NAME ...}   COMMAND INFO knows every NAME
#   {call CMD ARG ...}   CMD ARG ... answers without an error reply (only
#                        for commands harmless on an empty server)
# Tags that are about the platform rather than the server
# (needs:native-proc: /proc shows the real process, not qemu-user;
# needs:native-fork; needs:native-speed: a latency bound in ms) are the
# caller's business: utils/test-arm.sh excludes them with --tags, and
# tests/run-all.sh leaves needs:native-speed out of sanitizer builds.
#
# To add a feature: tag its tests needs:<name> and add a row here.

namespace eval features {
    variable probes {
        needs:list          {command lpush}
        needs:hash          {command hset}
        needs:set           {command sadd}
        needs:zset          {command zadd}
        needs:stream        {command xadd}
        needs:blocking      {command blpop}
        needs:pubsub        {command subscribe publish}
        needs:multi         {command multi exec watch}
        needs:scripting     {command eval}
        needs:function      {command function}
        needs:persistence   {command save bgsave}
        needs:rdb           {command save bgsave}
        needs:aof           {command bgrewriteaof}
        needs:dump          {command dump restore}
        needs:repl          {command replicaof psync}
        needs:bitops        {command setbit bitcount}
        needs:hyperloglog   {command pfadd}
        needs:geo           {command geoadd}
        needs:sort          {command sort}
        needs:acl           {command acl}
        needs:debug-protocol {call debug protocol string}
        needs:debug-set-active-expire {call debug set-active-expire 1}
        needs:debug-reload  {command save}
    }
}

# Probes one tag through client c; returns "" when the server supports it,
# otherwise the reason it does not.
proc features::probe {c probe} {
    set kind [lindex $probe 0]
    set args [lrange $probe 1 end]
    switch -- $kind {
        command {
            set reply [$c .typed command info {*}$args]
            if {[lindex $reply 0] ne "array"} {
                return "COMMAND INFO answered [resp::plain $reply]"
            }
            set missing {}
            foreach name $args entry [lindex $reply 1] {
                if {[lindex $entry 0] ne "array"} { lappend missing [string toupper $name] }
            }
            if {[llength $missing]} {
                return "COMMAND INFO does not know [join $missing {, }]"
            }
            return ""
        }
        call {
            set reply [$c .typed {*}$args]
            if {[lindex $reply 0] eq "error"} {
                return "[string toupper $args] answered: [lindex $reply 1]"
            }
            return ""
        }
        default { error "features.tcl: bad probe kind '$kind'" }
    }
}

# Starts the server once and returns a dict tag -> reason for every tag the
# server cannot run (tags in `keep` are not probed: the user asked for
# them).  Raises an error when the server cannot be started or asked.
proc features::unsupported {keep} {
    variable probes
    set h [srvh::start]
    set out [dict create]
    set code [catch {
        set c [resp::connect [dict get $h host] [dict get $h port]]
        dict for {tag probe} $probes {
            if {$tag in $keep} continue
            set why [features::probe $c $probe]
            if {$why ne ""} { dict set out $tag $why }
        }
        $c .close
    } err opts]
    srvh::stop $h
    if {$code} { return -options $opts $err }
    return $out
}
