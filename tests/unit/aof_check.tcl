# aof_check.tcl - valkey-check-aof on what the server writes: a valid
# multi-part directory (RDB and plain bases), a cut last command (exit 1,
# the offset; --fix truncates without asking when stdin is not a
# terminal, and the server then loads it), corruption in a file that is
# not the last (not fixable), an old-style single file with an RDB
# preamble, and --truncate-to-timestamp on #TS annotations.

file_tags {aof persistence needs:aof}

proc run_check {args} {
    set code [catch {exec [check_tool valkey-check-aof] {*}$args < /dev/null 2>@1} out opts]
    set status 0
    if {$code} {
        set ec [dict get $opts -errorcode]
        set status [expr {[lindex $ec 0] eq "CHILDSTATUS" ? [lindex $ec 2] : -1}]
    }
    return [list $status $out]
}
proc manifest_path {} { return [file join [aof_dir] appendonly.aof.manifest] }
proc aof_names {} {
    set fh [open [manifest_path]]
    set m [read $fh]
    close $fh
    set out {}
    foreach line [split [string trim $m] \n] { lappend out [lindex $line 1] }
    return $out
}
proc append_bytes {path data} {
    set fh [open $path ab]
    puts -nonewline $fh $data
    close $fh
}

with_server -config {appendonly yes enable-debug-command yes} {
    test "a valid multi-part AOF (RDB base) passes, exit 0" {
        r set a 1
        r rpush l x y
        lassign [run_check [manifest_path]] st out
        expect_eq $st 0 $out
        expect_re {Start checking Multi Part AOF} $out
        expect_re {Start to check BASE AOF \(RDB format\)} $out
        expect_re {BASE AOF appendonly\.aof\.1\.base\.rdb is valid} $out
        expect_re {AOF appendonly\.aof\.1\.incr\.aof is valid} $out
        expect_re {All AOF files and manifest are valid} $out
    }

    test "a cut last command: exit 1 with the offset; --fix truncates it and the server loads the rest" {
        set incr [file join [aof_dir] [lindex [aof_names] end]]
        kill_server
        set good [file size $incr]
        append_bytes $incr "*3\r\n\$3\r\nSET\r\n\$1\r\nb"
        lassign [run_check [manifest_path]] st out
        expect_eq $st 1
        expect_re "ok_up_to=$good," $out
        expect_re {is not valid\. Use the --fix option to try fixing it\.} $out
        lassign [run_check --fix [manifest_path]] st out
        expect_eq $st 0
        expect_re {Successfully truncated AOF appendonly\.aof\.1\.incr\.aof} $out
        expect_eq [file size $incr] $good
        aof_restart
        expect_eq [r get a] 1
    }

    test "a zero-filled tail is reported as such" {
        set incr [file join [aof_dir] [lindex [aof_names] end]]
        kill_server
        append_bytes $incr [string repeat \x00 512]
        lassign [run_check [manifest_path]] st out
        expect_eq $st 1
        expect_re {zero-filled tail of 512 bytes} $out
        run_check --fix [manifest_path]
        aof_restart
        expect_eq [r lrange l 0 -1] {x y}
    }

    tagged needs:native-fork {
        test "a plain-AOF base passes; corruption in a file that is not the last cannot be fixed" {
            r config set aof-use-rdb-preamble no
            r bgrewriteaof
            wait_for {[regexp {aof_rewrite_in_progress:0} [r info persistence]]} -timeout 20000
            after 200
            r set c 3
            lassign [run_check [manifest_path]] st out
            expect_eq $st 0
            expect_re {Start to check BASE AOF \(AOF format\)} $out
            kill_server
            set base [file join [aof_dir] [lindex [aof_names] 0]]
            append_bytes $base "garbage"
            lassign [run_check --fix [manifest_path]] st out
            expect_eq $st 1
            expect_re {not the last file} $out
            # Put it right again.
            set fh [open $base rb]
            set d [read $fh]
            close $fh
            set fh [open $base wb]
            puts -nonewline $fh [string range $d 0 end-7]
            close $fh
            aof_restart
            expect_eq [r get c] 3
        }
    }

    test "--truncate-to-timestamp cuts the last file at the first later #TS annotation" {
        r config set aof-timestamp-enabled yes
        set t0 [clock seconds]
        r set ts1 1
        wait_for {[clock seconds] > $t0} -timeout 3000
        after 1100
        r set ts2 2
        set incr [file join [aof_dir] [lindex [aof_names] end]]
        set fh [open $incr rb]
        set text [read $fh]
        close $fh
        expect_re {#TS:\d+\r\n} $text
        kill_server
        lassign [run_check --truncate-to-timestamp $t0 [manifest_path]] st out
        expect_eq $st 0
        expect_re "Successfully truncated AOF .* to timestamp $t0" $out
        aof_restart
        expect_eq [r get ts2] ""
        r config set aof-timestamp-enabled no
    }
}

with_server {
    test "an old-style single AOF with an RDB preamble is checked (preamble, then the tail)" {
        r set k v
        r save
        set rdb [file join [srv dir] dump.rdb]
        set fh [open $rdb rb]
        set d [read $fh]
        close $fh
        set f [file join [srv dir] old.aof]
        set fh [open $f wb]
        puts -nonewline $fh "$d*3\r\n\$3\r\nSET\r\n\$1\r\nx\r\n\$1\r\ny\r\n"
        close $fh
        lassign [run_check $f] st out
        expect_eq $st 0
        expect_re {Start checking Old-Style AOF} $out
        expect_re {RDB preamble is OK, proceeding with AOF tail} $out
        # A flipped byte in the preamble is found by its CRC.
        set fh [open $f r+b]
        seek $fh 20
        puts -nonewline $fh "Z"
        close $fh
        lassign [run_check $f] st out
        expect_eq $st 1
        expect_re {RDB preamble of AOF file is not sane} $out
    }

    test "usage errors" {
        lassign [run_check] st out
        expect_eq $st 1
        expect_re {Usage: } $out
        lassign [run_check --fix --truncate-to-timestamp 5 x] st out
        expect_eq $st 1
        lassign [run_check /nonexistent/file] st out
        expect_eq $st 1
        expect_re {Cannot open file} $out
    }
}
