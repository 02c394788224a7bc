# RESP2/RESP3 client for the test harness, pure Tcl over a TCP socket (or a
# Unix socket reached through a tiny perl bridge, since Tcl 8.6 cannot open
# AF_UNIX sockets itself).
#
# A client is a command: `set c [resp::connect 127.0.0.1 6379]`, then
# `$c set foo bar` sends SET and returns the reply.  Methods that are not
# server commands start with a dot so they can never clash with one:
#   .send CMD...     queue a command without reading (pipelining)
#   .read            read one reply
#   .typed CMD...    send + read, reply as a typed tree (see below)
#   .readtyped       read one reply as a typed tree
#   .rawsend BYTES   write bytes exactly as given
#   .rawread ?N?     read N bytes (or whatever is buffered/arrives next)
#   .readline        read one CRLF-terminated line (CRLF stripped)
#   .closed ?ms?     wait up to ms for the server to close; 1 if it did
#   .close           close the connection
#   .timeout MS      per-reply read timeout
#   .lasttype        RESP type of the last top-level reply read
#   .readpush        next RESP3 push message (typed), queued or from the wire
#   .pushes          all queued push messages (typed), emptying the queue
#
# RESP3 push messages (`>`) are out-of-band: while waiting for a reply the
# client sets them aside, so the reply that follows is what a command
# returns.  Read them with .readpush (pub/sub in RESP3: .send SUBSCRIBE ..
# then .readpush for the confirmation and each message).
#
# Plain replies: simple/bulk/verbatim/double/bignum -> string, integer ->
# integer, boolean -> 1/0, null of any kind -> "" (use .lasttype or the
# typed form to tell it from an empty string), array/set/push -> list,
# map -> flat key/value list (usable as a dict), attributes are skipped.
# Error replies raise a Tcl error whose message is the error text without
# the leading '-' and whose errorcode is {RESP ERR <text>}.
#
# Typed replies: {simple s} {error s} {int n} {bulk s} {null} {nullbulk}
# {nullarray} {array {..}} {map {k v ..}} {set {..}} {double s} {bool 0|1}
# {bignum s} {verbatim fmt s} {push {..}} {attr {k v ..} reply}; nested
# elements are typed too.

namespace eval resp {
    variable seq 0
    # Last command written by any client, for failure reports.
    variable last_cmd ""
    variable last_type ""
    variable default_timeout 30000
}

proc resp::connect {host port args} {
    variable seq
    variable default_timeout
    set opts [dict merge {-unix "" -timeout ""} $args]
    if {[dict get $opts -unix] ne ""} {
        set fd [resp::unix_bridge [dict get $opts -unix]]
    } else {
        set fd [socket $host $port]
    }
    fconfigure $fd -translation binary -blocking 0 -buffering none
    set name ::resp::client[incr seq]
    upvar #0 ${name}_state st
    set st(fd) $fd
    set st(buf) ""
    set st(pos) 0
    set st(eof) 0
    set st(wake) 0
    set st(lasttype) ""
    set st(pushes) {}
    set st(timeout) [expr {[dict get $opts -timeout] ne "" ? [dict get $opts -timeout] : $default_timeout}]
    interp alias {} $name {} ::resp::dispatch $name
    return $name
}

# Perl bridge: copies stdin to the Unix socket and the socket to stdout.
# It exits (closing our pipe) as soon as either side closes.
proc resp::unix_bridge {path} {
    set script {
        use strict; use IO::Socket::UNIX; use IO::Select;
        my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0])
            or do { print STDERR "connect failed: $!\n"; exit 2 };
        binmode STDIN; binmode STDOUT; $| = 1;
        my $sel = IO::Select->new(\*STDIN, $s);
        while (1) {
            for my $h ($sel->can_read) {
                my $buf; my $n = sysread($h, $buf, 65536);
                exit 0 if !$n;
                if ($h == $s) { syswrite(STDOUT, $buf) } else { syswrite($s, $buf) }
            }
        }
    }
    set fd [open |[list perl -e $script $path 2>@stderr] r+]
    return $fd
}

proc resp::dispatch {name args} {
    upvar #0 ${name}_state st
    set m [lindex $args 0]
    switch -- $m {
        .send     { resp::write_cmd $name [lrange $args 1 end]; return }
        .read     { return [resp::reply_plain [resp::read_reply $name]] }
        .readtyped { return [resp::read_reply $name] }
        .typed    {
            resp::write_cmd $name [lrange $args 1 end]
            return [resp::read_reply $name]
        }
        .rawsend  { resp::write_bytes $name [lindex $args 1]; return }
        .rawread  { return [resp::read_raw $name {*}[lrange $args 1 end]] }
        .readline { return [resp::read_line $name] }
        .closed   { return [resp::wait_closed $name {*}[lrange $args 1 end]] }
        .close    { resp::close_client $name; return }
        .timeout  { set st(timeout) [lindex $args 1]; return }
        .lasttype { return $st(lasttype) }
        .readpush { return [resp::read_push $name] }
        .pushes   { set p $st(pushes); set st(pushes) {}; return $p }
        .fd       { return $st(fd) }
        default {
            resp::write_cmd $name $args
            return [resp::reply_plain [resp::read_reply $name]]
        }
    }
}

proc resp::close_client {name} {
    upvar #0 ${name}_state st
    catch {close $st(fd)}
    interp alias {} $name {}
    unset st
}

# Strings with characters above \xff are taken as text and sent as UTF-8;
# everything else is sent byte for byte.
proc resp::to_bytes {s} {
    if {[regexp {[^\x00-\xff]} $s]} { return [encoding convertto utf-8 $s] }
    return $s
}

proc resp::write_cmd {name argv} {
    variable last_cmd
    set last_cmd $argv
    set out "*[llength $argv]\r\n"
    foreach a $argv {
        set a [resp::to_bytes $a]
        append out "\$[string length $a]\r\n$a\r\n"
    }
    resp::write_bytes $name $out
}

proc resp::write_bytes {name bytes} {
    upvar #0 ${name}_state st
    set bytes [resp::to_bytes $bytes]
    # Non-blocking channel: Tcl buffers what the kernel does not take yet;
    # flush pushes it out as the socket drains.
    if {[catch {puts -nonewline $st(fd) $bytes; flush $st(fd)} err]} {
        return -code error -errorcode {RESP IO} "write failed: $err"
    }
}

# Wait until the channel is readable (or the deadline passes).
proc resp::wait_readable {name deadline} {
    upvar #0 ${name}_state st
    set fd $st(fd)
    set left [expr {$deadline - [clock milliseconds]}]
    if {$left <= 0} {
        return -code error -errorcode {RESP TIMEOUT} "timeout waiting for reply"
    }
    set var ::${name}_state(wake)
    set st(wake) 0
    fileevent $fd readable [list set $var 1]
    set id [after $left [list set $var 2]]
    vwait $var
    after cancel $id
    catch {fileevent $fd readable {}}
    if {$st(wake) == 2} {
        return -code error -errorcode {RESP TIMEOUT} "timeout waiting for reply"
    }
}

# Read more bytes into the buffer; error on EOF or timeout.
proc resp::fill {name deadline} {
    upvar #0 ${name}_state st
    while 1 {
        if {[catch {read $st(fd)} data]} {
            set st(eof) 1
            return -code error -errorcode {RESP EOF} "connection error: $data"
        }
        if {$data ne ""} {
            if {$st(pos) > 65536} {
                set st(buf) [string range $st(buf) $st(pos) end]
                set st(pos) 0
            }
            append st(buf) $data
            return
        }
        if {[eof $st(fd)]} {
            set st(eof) 1
            return -code error -errorcode {RESP EOF} "connection closed by server"
        }
        resp::wait_readable $name $deadline
    }
}

proc resp::read_line {name {deadline ""}} {
    upvar #0 ${name}_state st
    if {$deadline eq ""} { set deadline [expr {[clock milliseconds] + $st(timeout)}] }
    while 1 {
        set i [string first "\r\n" $st(buf) $st(pos)]
        if {$i >= 0} {
            set line [string range $st(buf) $st(pos) [expr {$i - 1}]]
            set st(pos) [expr {$i + 2}]
            return $line
        }
        resp::fill $name $deadline
    }
}

proc resp::read_n {name n deadline} {
    upvar #0 ${name}_state st
    while {[string length $st(buf)] - $st(pos) < $n} {
        resp::fill $name $deadline
    }
    set s [string range $st(buf) $st(pos) [expr {$st(pos) + $n - 1}]]
    incr st(pos) $n
    return $s
}

# Raw read: exactly n bytes, or with no n whatever is buffered, else the next
# chunk that arrives.  Returns "" on EOF when nothing is buffered.
proc resp::read_raw {name {n ""}} {
    upvar #0 ${name}_state st
    set deadline [expr {[clock milliseconds] + $st(timeout)}]
    if {$n ne ""} { return [resp::read_n $name $n $deadline] }
    if {[string length $st(buf)] == $st(pos)} {
        if {[catch {resp::fill $name $deadline} err opts]} {
            if {[lindex [dict get $opts -errorcode] 1] eq "EOF"} { return "" }
            return -options $opts $err
        }
    }
    set s [string range $st(buf) $st(pos) end]
    set st(pos) [string length $st(buf)]
    return $s
}

# 1 if the peer closed the connection within ms (pending data is discarded).
proc resp::wait_closed {name {ms 5000}} {
    upvar #0 ${name}_state st
    set deadline [expr {[clock milliseconds] + $ms}]
    while 1 {
        if {[catch {resp::fill $name $deadline} err opts]} {
            set code [lindex [dict get $opts -errorcode] 1]
            if {$code eq "EOF"} { return 1 }
            if {$code eq "TIMEOUT"} { return 0 }
            return -options $opts $err
        }
        set st(pos) [string length $st(buf)]
    }
}

proc resp::read_reply {name} {
    upvar #0 ${name}_state st
    set deadline [expr {[clock milliseconds] + $st(timeout)}]
    while 1 {
        set r [resp::parse $name $deadline]
        if {[lindex $r 0] ne "push"} break
        lappend st(pushes) $r
    }
    set st(lasttype) [lindex $r 0]
    set ::resp::last_type [lindex $r 0]
    return $r
}

proc resp::read_push {name} {
    upvar #0 ${name}_state st
    if {[llength $st(pushes)]} {
        set p [lindex $st(pushes) 0]
        set st(pushes) [lrange $st(pushes) 1 end]
        return $p
    }
    set deadline [expr {[clock milliseconds] + $st(timeout)}]
    set r [resp::parse $name $deadline]
    if {[lindex $r 0] eq "error"} { return [resp::reply_plain $r] }
    if {[lindex $r 0] ne "push"} {
        return -code error -errorcode {RESP PROTO} "expected a push message, got [lindex $r 0]"
    }
    return $r
}

proc resp::parse {name deadline} {
    set line [resp::read_line $name $deadline]
    set t [string index $line 0]
    set v [string range $line 1 end]
    switch -- $t {
        + { return [list simple $v] }
        - { return [list error $v] }
        : { return [list int $v] }
        , { return [list double $v] }
        ( { return [list bignum $v] }
        # { return [list bool [expr {$v eq "t"}]] }
        _ { return [list null] }
        $ - = {
            if {$v == -1} { return [list nullbulk] }
            set s [resp::read_n $name $v $deadline]
            resp::read_n $name 2 $deadline
            if {$t eq "="} {
                return [list verbatim [string range $s 0 2] [string range $s 4 end]]
            }
            return [list bulk $s]
        }
        * - ~ - > {
            if {$v == -1} { return [list nullarray] }
            set l {}
            for {set i 0} {$i < $v} {incr i} { lappend l [resp::parse $name $deadline] }
            return [list [dict get {* array ~ set > push} $t] $l]
        }
        % - | {
            set l {}
            for {set i 0} {$i < 2 * $v} {incr i} { lappend l [resp::parse $name $deadline] }
            if {$t eq "|"} {
                return [list attr $l [resp::parse $name $deadline]]
            }
            return [list map $l]
        }
        default {
            return -code error -errorcode {RESP PROTO} "bad reply type byte in: [string range $line 0 60]"
        }
    }
}

# Typed tree -> plain Tcl value; a top-level error becomes a Tcl error.
proc resp::reply_plain {r} {
    if {[lindex $r 0] eq "error"} {
        set msg [lindex $r 1]
        return -code error -errorcode [list RESP ERR $msg] $msg
    }
    return [resp::plain $r]
}

proc resp::plain {r} {
    switch -- [lindex $r 0] {
        simple - error - int - bulk - double - bignum - bool { return [lindex $r 1] }
        verbatim { return [lindex $r 2] }
        null - nullbulk - nullarray { return "" }
        array - set - push - map {
            set out {}
            foreach e [lindex $r 1] { lappend out [resp::plain $e] }
            return $out
        }
        attr { return [resp::plain [lindex $r 2]] }
    }
    error "unknown typed reply [lindex $r 0]"
}
