# What an idle connection costs, and that the shared query buffer loses
# nothing: an idle client owns no query buffer (qbuf=0 qbuf-free=0 in
# CLIENT LIST) and, once its peak period passes, no reply buffer (rbs=0);
# a client owns a query buffer only while it holds a partial command or a
# pipeline behind a held-back command; many clients sending commands cut
# at every byte boundary, interleaved, all get the right replies; a busy
# client's reply buffer grows to the full 16 KiB chunk.

file_tags {clients}

# field=value of the CLIENT LIST line of the client named name.
proc client_field {name field} {
    foreach line [split [r client list] \n] {
        if {[regexp "name=$name " $line] && [regexp " $field=(\[^ \]*)" $line -> v]} { return $v }
    }
    return ""
}

with_server {
    test "an idle client owns no query buffer: qbuf=0 qbuf-free=0" {
        set c [new_client]
        $c client setname idle1
        expect_eq [$c ping] PONG
        expect_eq [client_field idle1 qbuf] 0
        expect_eq [client_field idle1 qbuf-free] 0
        # Small all told: the client, its small reply chunk, its argv.
        expect_lt [client_field idle1 tot-mem] 2048
        $c .close
    }
    test "a partial command is kept in a buffer of the client's own until it completes" {
        set c [new_client]
        $c client setname partial1
        $c .rawsend "*3\r\n\$3\r\nSET\r\n\$2\r\npk\r\n\$5\r\nhel"
        wait_for {[client_field partial1 qbuf] > 0}
        expect_gt [client_field partial1 qbuf-free] 0
        # Other clients are served meanwhile (through the shared buffer).
        expect_eq [r set other 1] OK
        $c .rawsend "lo\r\n"
        expect_eq [$c .read] OK
        expect_eq [r get pk] hello
        expect_eq [client_field partial1 qbuf] 0
        expect_eq [client_field partial1 qbuf-free] 0
        $c .close
    }
    test "a big value arriving in pieces, then the client's buffer is let go" {
        set c [new_client]
        $c client setname big1
        set v [string repeat abcdefgh 100000]
        set cmd "*3\r\n\$3\r\nSET\r\n\$3\r\nbig\r\n\$[string length $v]\r\n$v\r\n"
        set half [expr {[string length $cmd] / 2}]
        $c .rawsend [string range $cmd 0 $half]
        wait_for {[client_field big1 qbuf] > 0}
        $c .rawsend [string range $cmd [expr {$half + 1}] end]
        expect_eq [$c .read] OK
        expect_eq [string length [r get big]] 800000
        expect_eq [client_field big1 qbuf] 0
        expect_eq [client_field big1 qbuf-free] 0
        $c .close
    }
    test "commands cut at every byte boundary, from many clients at once, all answered right" {
        set clients {}
        set streams {}
        set n 12
        for {set i 0} {$i < $n} {incr i} {
            set c [new_client]
            lappend clients $c
            set s ""
            for {set j 0} {$j < 40} {incr j} {
                set val [string repeat [format %c [expr {65 + ($i + $j) % 26}]] [expr {1 + ($i * 7 + $j * 13) % 300}]]
                append s "*3\r\n\$3\r\nSET\r\n\$[string length "c$i:$j"]\r\nc$i:$j\r\n\$[string length $val]\r\n$val\r\n"
                # Inline commands too.
                append s "GET c$i:$j\r\n"
            }
            lappend streams $s
        }
        # Round robin, in pieces of 1..37 bytes, so partial commands of
        # every shape go through the shared buffer and back.
        set pos [lrepeat $n 0]
        set step 1
        set left $n
        while {$left > 0} {
            set left 0
            for {set i 0} {$i < $n} {incr i} {
                set s [lindex $streams $i]
                set p [lindex $pos $i]
                if {$p >= [string length $s]} continue
                set len [expr {1 + ($step * 7 + $i) % 37}]
                [lindex $clients $i] .rawsend [string range $s $p [expr {$p + $len - 1}]]
                lset pos $i [expr {$p + $len}]
                incr step
                incr left
            }
        }
        for {set i 0} {$i < $n} {incr i} {
            set c [lindex $clients $i]
            for {set j 0} {$j < 40} {incr j} {
                set val [string repeat [format %c [expr {65 + ($i + $j) % 26}]] [expr {1 + ($i * 7 + $j * 13) % 300}]]
                expect_eq [$c .read] OK
                expect_eq [$c .read] $val
            }
            $c .close
        }
    }
    test "a pipeline behind a held-back command waits in the client's own buffer" {
        set c [new_client]
        $c client setname held1
        r del ha hb
        expect_eq [r client pause 100000 write] OK
        # One write: the SET is held by the pause, the GET behind it waits.
        $c .rawsend "SET ha 1\r\nGET hb\r\nSET hb 2\r\n"
        wait_for {[string match *b* [client_field held1 flags]]}
        expect_gt [client_field held1 qbuf] 0
        # Other clients keep reading through the shared buffer meanwhile.
        for {set i 0} {$i < 50} {incr i} { expect_eq [r get x$i] "" }
        expect_eq [r client unpause] OK
        expect_eq [$c .read] OK
        expect_eq [$c .read] ""
        expect_eq [$c .read] OK
        expect_eq [r get ha] 1
        expect_eq [r get hb] 2
        expect_eq [client_field held1 qbuf] 0
        $c .close
    }
    test "the reply chunk: freed when a client idles, grows to 16 KiB for a busy one" {
        r debug replybuffer peak-reset-time 100
        set c [new_client]
        $c client setname rb1
        expect_eq [$c ping] PONG
        wait_for {[client_field rb1 rbs] == 0} -timeout 5000
        r set bigval [string repeat x 32768]
        r debug replybuffer peak-reset-time never
        expect_eq [string length [$c get bigval]] 32768
        expect_eq [client_field rb1 rbs] 16384
        # With resizing off, a chunk is allocated whole and kept.
        r debug replybuffer resizing 0
        set d [new_client]
        $d client setname rb2
        expect_eq [$d ping] PONG
        expect_eq [client_field rb2 rbs] 16384
        r debug replybuffer resizing 1
        r debug replybuffer peak-reset-time reset
        $c .close
        $d .close
    }
}
