# rdb_failures.tcl - when a snapshot cannot be written: a BGSAVE child
# killed with SIGKILL, a file size limit (RLIMIT_FSIZE, the full disk any
# user can make), a small tmpfs where the tests may mount one, and an
# unwritable directory.  Each time the old dump.rdb stays byte for byte,
# INFO says rdb_last_bgsave_status:err, writes (and PING) get -MISCONF
# while stop-writes-on-bgsave-error holds and save points exist, and the
# next good save clears it.  SHUTDOWN refuses to exit when its final save
# fails (unless FORCE).
# Tests that fork (BGSAVE, save points) are tagged needs:native-fork:
# under qemu-user 7.2 (utils/test-arm.sh) a dynamically linked glibc
# guest's fork() crashes (armhf) or hangs (aarch64) in the child, in
# glibc, before any of our code runs; statically linked ARM servers pass
# them.

file_tags {rdb persistence}
source [asset_path rdb/helpers.tcl]

# Lowers (or restores) the server's soft file size limit; its children
# inherit it.  The hard limit stays, so restoring needs no privilege.
proc set_fsize {limit} {
    exec prlimit --pid [srv pid] --fsize=$limit:
}
proc misconf_checks {} {
    expect_eq [info_field persistence rdb_last_bgsave_status] err
    expect_err "MISCONF Valkey is configured to save RDB snapshots, but it's currently unable to persist to disk.*" {r set k v}
    expect_err "MISCONF *" {r ping}
    expect_eq [r get base] 1
}
proc recover_checks {} {
    expect_eq [r bgsave] "Background saving started"
    wait_bgsave_done
    expect_eq [info_field persistence rdb_last_bgsave_status] ok
    expect_eq [r set k v] OK
    expect_eq [r ping] PONG
}

with_server -config {save "3600 1" enable-protected-configs yes} {
    r set base 1
    r debug populate 3000
    r save
    set good [read_bytes [rdb_file]]

    test "SIGKILL of a BGSAVE child: old file intact, status err, MISCONF, temp file gone" {
        r config set rdb-key-save-delay 2000
        expect_eq [r bgsave] "Background saving started"
        set child ""
        wait_for {[llength [set child [server_children]]] == 1} -timeout 5000
        after 200
        exec kill -9 $child
        wait_bgsave_done
        r config set rdb-key-save-delay 0
        misconf_checks
        expect_eq [read_bytes [rdb_file]] $good
        expect_true {![file exists [file join [srv dir] temp-$child.rdb]]}
        expect_glob "*Background saving terminated by signal 9*" [server_log]
        recover_checks
        set good [read_bytes [rdb_file]]
    } -tags {needs:native-fork}

    test "stop-writes-on-bgsave-error no lets writes through after a failure" {
        r config set rdb-key-save-delay 2000
        r bgsave
        set child ""
        wait_for {[llength [set child [server_children]]] == 1} -timeout 5000
        exec kill -9 $child
        wait_bgsave_done
        r config set rdb-key-save-delay 0
        expect_eq [info_field persistence rdb_last_bgsave_status] err
        r config set stop-writes-on-bgsave-error no
        expect_eq [r set k v] OK
        r config set stop-writes-on-bgsave-error yes
        expect_err "MISCONF *" {r set k v}
        r config set save ""
        expect_eq [r set k v] OK
        r config set save "3600 1"
        recover_checks
        set good [read_bytes [rdb_file]]
    } -tags {needs:native-fork}

    test "a file size limit (a full disk) fails the BGSAVE; the old file stays" {
        if {[catch {set_fsize 4096}]} {
            puts "    (skipped: prlimit could not set RLIMIT_FSIZE)"
            return
        }
        expect_eq [r bgsave] "Background saving started"
        wait_bgsave_done
        set_fsize unlimited
        misconf_checks
        expect_eq [read_bytes [rdb_file]] $good
        expect_eq [glob -nocomplain -directory [srv dir] temp-*.rdb] {}
        recover_checks
    } -tags {needs:native-fork}

    test "an unwritable dir fails BGSAVE and SAVE and logs why" {
        set dir [lindex [r config get dir] 1]
        r config set dir /proc
        expect_eq [r bgsave] "Background saving started"
        wait_bgsave_done
        expect_err "ERR" {r save}
        r config set dir $dir
        misconf_checks
        expect_glob "*Failed opening the temp RDB file*" [server_log]
        recover_checks
    } -tags {needs:native-fork}

    test "SHUTDOWN refuses to exit when its final save fails; FORCE exits anyway" {
        set dir [lindex [r config get dir] 1]
        r config set dir /proc
        expect_err "ERR Errors trying to SHUTDOWN. Check logs." {r shutdown}
        expect_eq [r ping] PONG
        expect_glob "*Error trying to save the DB, can't exit.*" [server_log]
        catch {r shutdown force}
        wait_for {![srvh::alive [srv pid]]} -timeout 10000
        expect_glob "*Error trying to save the DB. Exit anyway.*" [server_log]
        restart_server
        expect_eq [r get base] 1
    }
}

# A real full disk where a tmpfs can be mounted (root outside a locked
# container); skipped elsewhere.
set tmpfs [file join [file normalize tests/tmp] rdb-tmpfs-[pid]]
file mkdir $tmpfs
if {![catch {exec mount -t tmpfs -o size=256k tmpfs $tmpfs}]} {
    with_server -config {save "3600 1" enable-protected-configs yes} {
        test "a full tmpfs fails SAVE and BGSAVE with ENOSPC; the old file stays" {
            r config set dir $tmpfs
            r set base 1
            expect_eq [r save] OK
            set small [read_bytes [file join $tmpfs dump.rdb]]
            r debug populate 20000 key 20
            expect_err "ERR" {r save}
            expect_glob "*No space left on device*" [server_log]
            expect_eq [r bgsave] "Background saving started"
            wait_bgsave_done
            misconf_checks
            expect_eq [read_bytes [file join $tmpfs dump.rdb]] $small
            expect_eq [glob -nocomplain -directory $tmpfs temp-*.rdb] {}
            r config set stop-writes-on-bgsave-error no
            r flushall
            r set base 1
            r config set stop-writes-on-bgsave-error yes
            recover_checks
            r config set dir [srv dir]
        } -tags {needs:native-fork}
    }
    catch {exec umount $tmpfs}
}
file delete -force $tmpfs
