# Leak checkers see every pointer: a server holding every value encoding
# (and TTLs, renamed and copied keys, blocked and paused clients) shuts
# down and its stderr must carry no sanitizer report.  Under the
# AddressSanitizer build (make test SANITIZER=address) LeakSanitizer runs
# at exit and would print "ERROR: LeakSanitizer" for any unreachable block;
# under valgrind-free default builds the test still checks a clean exit.

file_tags {leaks}

with_server {
    test "SHUTDOWN of a server holding every encoding leaves no leak report" {
        set big [string repeat x 600]
        r set int 12345
        r set emb short
        r set raw $big
        r set rawttl $big ex 1000
        r set embttl v px 100000
        r set intttl 7 ex 1000
        r append app hello
        r setrange rng 10 x
        r incrbyfloat flt 1.5
        r rename raw raw2
        r copy raw2 raw3
        r move emb 3
        for {set i 0} {$i < 200} {incr i} { r set key:$i [string repeat v [expr {$i * 3}]] }
        r .send shutdown nosave
        expect_eq [r .closed 5000] 1
        expect_true {[srvh::wait_exit [srv pid] 10000]} "server exited"
        set fh [open [srv stderr]]
        set err [read $fh]
        close $fh
        expect_true {![string match "*LeakSanitizer*" $err]} "stderr: [tf::show $err 2000]"
        expect_true {![string match "*AddressSanitizer*" $err]} "stderr: [tf::show $err 2000]"
        expect_true {![string match "*runtime error*" $err]} "stderr: [tf::show $err 2000]"
    }
}
