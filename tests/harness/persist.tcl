# Files a test server writes: the RDB snapshot and its background save.
# Loaded by tests/run.tcl before every test file.  (The RDB format helpers,
# CRC and dataset listings, are test data: tests/assets/rdb/helpers.tcl.)
#
#   rdb_file              the current server's dump.rdb (in its own dir)
#   read_bytes path       a file's whole content, bytes unchanged
#   wait_bgsave_done      waits (up to 30 s) until no BGSAVE is in progress

proc rdb_file {} { return [file join [srv dir] dump.rdb] }

proc read_bytes {path} {
    set fh [open $path rb]
    set d [read $fh]
    close $fh
    return $d
}

proc wait_bgsave_done {} {
    wait_for {[server_info_field rdb_bgsave_in_progress persistence] == 0} -timeout 30000
}
