# Files a test server writes: the RDB snapshot and its background save.
# Loaded by tests/run.tcl before every test file.  (The RDB format helpers,
# CRC and dataset listings, are test data: tests/assets/rdb/helpers.tcl.)
#
#   rdb_file              the current server's dump.rdb (in its own dir)
#   read_bytes path       a file's whole content, bytes unchanged
#   wait_bgsave_done      waits (up to 30 s) until no BGSAVE is in progress
#   server_children       the pids of the current server's children (the
#                         BGSAVE child), from /proc
#   aof_dir               the current server's appendonlydir
#   aof_manifest          the manifest's text; aof_last_incr: the incr file
#                         being written (its last `type i` line)
#   aof_read/aof_write    a file of the AOF directory, bytes unchanged
#   aof_info field        an INFO persistence field
#   aof_idle              no AOF rewrite running or scheduled (one INFO reply)
#   aof_wait_rewrite      waits (up to 30 s) until aof_idle
#   aof_restart ?opts?    SIGKILL and restart, waiting until the load ends
#                         (the server answers -LOADING while it loads)
#   check_tool name       the path of src/<name> (valkey-check-rdb,
#                         valkey-check-aof) to run on what the server wrote

proc rdb_file {} { return [file join [srv dir] dump.rdb] }

proc read_bytes {path} {
    set fh [open $path rb]
    set d [read $fh]
    close $fh
    return $d
}

proc server_children {} {
    set pid [srv pid]
    set f /proc/$pid/task/$pid/children
    if {[file readable $f]} {
        set fh [open $f]
        set l [string trim [read $fh]]
        close $fh
        return $l
    }
    if {[catch {exec pgrep -P $pid} out]} { return {} }
    return $out
}

proc wait_bgsave_done {} {
    wait_for {[server_info_field rdb_bgsave_in_progress persistence] == 0} -timeout 30000
}

proc aof_dir {} { return [file join [srv dir] appendonlydir] }

proc aof_manifest {} {
    set fh [open [file join [aof_dir] appendonly.aof.manifest] rb]
    set d [read $fh]
    close $fh
    return $d
}


proc aof_last_incr {} {
    set name ""
    foreach line [split [aof_manifest] \n] {
        if {[regexp {^file (\S+) seq \d+ type i$} $line -> n]} { set name $n }
    }
    return $name
}

proc aof_read {name} {
    set fh [open [file join [aof_dir] $name] rb]
    set d [read $fh]
    close $fh
    return $d
}

proc aof_write {name data} {
    set fh [open [file join [aof_dir] $name] wb]
    puts -nonewline $fh $data
    close $fh
}

proc aof_info {field} {
    if {[regexp "(?n)^${field}:(.*)\r?$" [r info persistence] -> v]} { return [string trim $v] }
    return ""
}

# Both fields from one INFO reply: read one at a time, a scheduled
# rewrite starting in between looks like neither.
proc aof_idle {} {
    set info [r info persistence]
    return [expr {[regexp {(?n)^aof_rewrite_in_progress:0\r?$} $info] && [regexp {(?n)^aof_rewrite_scheduled:0\r?$} $info]}]
}
proc aof_wait_rewrite {} {
    wait_for {[aof_idle]} -timeout 30000
}

proc aof_restart {args} {
    restart_server -kill 1 {*}$args
    wait_for {![catch {r ping} p] && $p eq "PONG"} -timeout 30000
}

# The tool beside the server binary (a sanitizer build's own), unless the
# server is a wrapper script (qemu-user under utils/test-arm.sh): then the
# native tool of the tree checks the file the ARM server wrote.
set ::persist_tree_src [file normalize [file join [file dirname [info script]] .. .. src]]
proc check_tool {name} {
    set sibling [file join [file dirname $srvh::binary] $name]
    set fh [open $srvh::binary rb]
    set head [read $fh 2]
    close $fh
    if {$head ne "#!" && [file executable $sibling]} { return $sibling }
    return [file join $::persist_tree_src $name]
}
