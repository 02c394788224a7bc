# Authentication as Valkey 8 does it for the default user: requirepass is
# binary safe (CONFIG SET, the config file with a quoted "\x00", CONFIG
# GET and CONFIG REWRITE keep every byte); removing the password lets
# through connections that never authenticated (the default user then has
# nopass), and setting one again shuts them out; failed attempts count in
# acl_access_denied_auth (tests/unit/info_measured.tcl checks the counter
# too).

file_tags {auth}

proc denied {} {
    regexp {(?n)^acl_access_denied_auth:(\d+)} [r info stats] -> n
    return $n
}

with_server {
    test "requirepass is binary safe: a NUL in the middle is part of the password" {
        expect_eq [r config set requirepass "abc\x00def"] OK
        expect_eq [r config get requirepass] [list requirepass "abc\x00def"]
        set c [new_client]
        expect_err "NOAUTH*" {$c ping}
        expect_err "WRONGPASS*" {$c auth abc}
        expect_err "WRONGPASS*" {$c auth "abc\x00de"}
        expect_err "WRONGPASS*" {$c auth "abc\x00defg"}
        expect_err "NOAUTH*" {$c ping}
        expect_eq [$c auth "abc\x00def"] OK
        expect_eq [$c ping] PONG
        $c .close
        set c [new_client]
        expect_err "WRONGPASS*" {$c hello 3 auth default abc}
        expect_eq [dict get [$c hello 3 auth default "abc\x00def"] proto] 3
        $c .close
    }
    test "user names are case-sensitive" {
        set c [new_client]
        expect_err "WRONGPASS*" {$c auth DEFAULT "abc\x00def"}
        expect_eq [$c auth default "abc\x00def"] OK
        $c .close
    }
    test "a connection opened while a password was set gets through once it is removed" {
        set before [new_client]
        expect_err "NOAUTH*" {$before ping}
        set authed [new_client]
        expect_eq [$authed auth "abc\x00def"] OK
        expect_eq [r config set requirepass ""] OK
        expect_eq [$before ping] PONG
        expect_eq [$before set k v] OK
        set after [new_client]
        expect_eq [$after ping] PONG
        # A password again: the one that never authenticated is out again;
        # the one that did, and the one that came while there was none, stay.
        expect_eq [r config set requirepass newpass] OK
        expect_err "NOAUTH*" {$before ping}
        expect_eq [$authed ping] PONG
        expect_eq [$after ping] PONG
        expect_eq [$before auth newpass] OK
        expect_eq [$before ping] PONG
        # RESET puts a connection back where a new one starts.
        expect_eq [$after reset] RESET
        expect_err "NOAUTH*" {$after ping}
        r config set requirepass ""
        expect_eq [$after reset] RESET
        expect_eq [$after ping] PONG
        foreach c [list $before $authed $after] { $c .close }
    }
    test "failed AUTH attempts are counted, successes and nopass errors are not" {
        r config resetstat
        expect_err "*without any password configured*" {r auth whatever}
        expect_eq [denied] 0
        expect_err "WRONGPASS*" {r auth nosuchuser x}
        expect_eq [denied] 1
        r config set requirepass "p\x00w"
        set c [new_client]
        catch {$c auth p}
        catch {$c auth p}
        expect_eq [denied] 3
        expect_eq [$c auth "p\x00w"] OK
        expect_eq [denied] 3
        $c .close
        r config set requirepass ""
    }
    test "CONFIG REWRITE writes a binary password escaped, and it loads back" {
        r config set requirepass "x\x00y\r\n\"z"
        expect_eq [r config rewrite] OK
        set fh [open [srv conf]]
        set text [read $fh]
        close $fh
        expect_true {[string first "requirepass \"x\\x00y\\r\\n\\\"z\"" $text] >= 0} "escaped line in $text"
        restart_server -keepconf 1
        set c [new_client]
        expect_err "NOAUTH*" {$c ping}
        expect_eq [$c auth "x\x00y\r\n\"z"] OK
        expect_eq [$c config get requirepass] [list requirepass "x\x00y\r\n\"z"]
        $c config set requirepass ""
        $c .close
    }
}

with_server -rawconf {requirepass "abc\x00def"} {
    test "requirepass \"abc\\x00def\" in the config file keeps all its bytes" {
        set c [new_client]
        expect_err "WRONGPASS*" {$c auth abc}
        expect_eq [$c auth "abc\x00def"] OK
        expect_eq [$c config get requirepass] [list requirepass "abc\x00def"]
        $c .close
    }
}
