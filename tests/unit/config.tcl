# Configuration: CONFIG GET (globs, several names), CONFIG SET (several
# pairs, all-or-nothing, bad values, units, immutable directives),
# CONFIG REWRITE, fatal errors in the config file at start-up, command-line
# overrides, `include`, and quoting in the config file.

file_tags {config}

# Write a config file into a fresh directory; returns its path.
proc write_temp_conf {text} {
    set d [srvh::new_dir]
    set f [file join $d test.conf]
    set fh [open $f w]
    puts -nonewline $fh [string map [list %DIR% $d] $text]
    close $fh
    return $f
}

proc read_text {path} {
    set fh [open $path]
    set d [read $fh]
    close $fh
    return $d
}

with_server {
    # ---- CONFIG GET ------------------------------------------------------------------
    test "CONFIG GET one parameter" {
        expect_eq [r config get port] [list port [srv port]]
        expect_eq [r config get appendonly] {appendonly no}
    }
    test "CONFIG GET with a glob" {
        set res [r config get maxmemory*]
        expect_true {[llength $res] >= 6}
        expect_true {[dict exists $res maxmemory]}
        expect_true {[dict exists $res maxmemory-policy]}
        foreach k [dict keys $res] { expect_glob maxmemory* $k }
    }
    test "CONFIG GET with several names and patterns" {
        set res [r config get timeout databases hz]
        expect_eq [dict get $res timeout] 0
        expect_eq [dict get $res databases] 16
        expect_eq [dict get $res hz] 10
        expect_eq [llength $res] 6
        set res [r config get {*x-listpack-entries}]
        expect_true {[dict exists $res hash-max-listpack-entries]}
    }
    test "CONFIG GET of an unknown parameter is an empty list" {
        expect_eq [r config get no-such-thing] {}
    }
    test "CONFIG GET is case-insensitive on the name" {
        expect_eq [lindex [r config get MAXCLIENTS] 1] [lindex [r config get maxclients] 1]
        expect_eq [llength [r config get MaxClients]] 2
    }

    # ---- CONFIG SET ----------------------------------------------------------------
    test "CONFIG SET one value" {
        expect_eq [r config set timeout 30] OK
        expect_eq [r config get timeout] {timeout 30}
        r config set timeout 0
    }
    test "CONFIG SET several pairs at once" {
        expect_eq [r config set timeout 11 hz 20 maxmemory-policy allkeys-lru] OK
        expect_eq [dict get [r config get timeout] timeout] 11
        expect_eq [dict get [r config get hz] hz] 20
        expect_eq [dict get [r config get maxmemory-policy] maxmemory-policy] allkeys-lru
    }
    test "CONFIG SET is all-or-nothing when one value is bad" {
        r config set timeout 11 hz 20
        expect_err "ERR CONFIG SET failed (possibly related to argument 'maxmemory')*" {
            r config set timeout 99 maxmemory notanumber hz 33
        }
        expect_eq [dict get [r config get timeout] timeout] 11
        expect_eq [dict get [r config get hz] hz] 20
        r config set timeout 0 hz 10 maxmemory-policy noeviction
    }
    test "CONFIG SET unknown parameter" {
        expect_err "ERR Unknown option or number of arguments for CONFIG SET - 'no-such-param'" {
            r config set no-such-param 1
        }
        expect_err "ERR wrong number of arguments for 'config|set' command" {r config set timeout}
        expect_err "ERR syntax error*" {r config set timeout 1 hz}
    }
    test "CONFIG SET the same parameter twice" {
        expect_err "ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter" {
            r config set timeout 1 timeout 2
        }
    }
    test "CONFIG SET bad values by type" {
        expect_err "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'" {
            r config set appendonly maybe
        }
        expect_err "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following:*" {
            r config set maxmemory-policy nosuchpolicy
        }
        expect_err "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer" {
            r config set hz ten
        }
        expect_err "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value" {
            r config set maxmemory 12qb
        }
        expect_err "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config" {
            r config set databases 4
        }
        expect_err "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between*" {
            r config set maxclients 0
        }
    }
    test "memory units" {
        r config set maxmemory 1gb
        expect_eq [r config get maxmemory] {maxmemory 1073741824}
        r config set maxmemory 100mb
        expect_eq [r config get maxmemory] {maxmemory 104857600}
        r config set maxmemory 10kb
        expect_eq [r config get maxmemory] {maxmemory 10240}
        r config set maxmemory 10k
        expect_eq [r config get maxmemory] {maxmemory 10000}
        r config set maxmemory 2M
        expect_eq [r config get maxmemory] {maxmemory 2000000}
        r config set maxmemory 3GB
        expect_eq [r config get maxmemory] {maxmemory 3221225472}
        r config set maxmemory 0
    }
    test "CONFIG SET save with an empty string and with pairs" {
        expect_eq [r config set save "100 10 200 20"] OK
        expect_eq [r config get save] {save {100 10 200 20}}
        expect_eq [r config set save ""] OK
        expect_eq [r config get save] {save {}}
    }
    test "CONFIG bad subcommand" {
        expect_err "ERR unknown subcommand 'foo'*" {r config foo}
    }
}

# ---- CONFIG REWRITE ----------------------------------------------------------------
with_server -rawconf "# a comment that must survive\nmaxmemory 1mb\n# another comment\n" {
    test "CONFIG REWRITE keeps comments and writes changed values" {
        r config set maxmemory 2mb
        r config set maxmemory-policy allkeys-lfu
        expect_eq [r config rewrite] OK
        set text [read_text [srv conf]]
        expect_glob "*# a comment that must survive*" $text
        expect_glob "*# another comment*" $text
        expect_re {(?n)^maxmemory 2mb$} $text
        expect_re {(?n)^maxmemory-policy allkeys-lfu$} $text
        expect_true {![regexp {(?n)^maxmemory 1mb$} $text]} "old value still present"
    }
    test "a rewritten config file is what the next start reads" {
        restart_server -keepconf 1
        expect_eq [r config get maxmemory] {maxmemory 2097152}
        expect_eq [r config get maxmemory-policy] {maxmemory-policy allkeys-lfu}
    }
    test "CONFIG REWRITE updates a line in place and leaves untouched defaults out" {
        r config set maxmemory-policy noeviction
        r config rewrite
        set text [read_text [srv conf]]
        expect_re {(?n)^maxmemory-policy noeviction$} $text
        expect_eq [regexp -all {(?n)^maxmemory-policy } $text] 1
        expect_true {![regexp {(?n)^hz } $text]} "hz was never set, so it must not appear"
    }
}

# ---- start-up parsing ------------------------------------------------------------------
with_server {
    test "unknown directive in the config file is fatal and names the line" {
        set f [write_temp_conf "port 0\nbogus-directive yes\n"]
        lassign [run_server_once [list $f]] status out
        file delete -force [file dirname $f]
        expect_ne $status 0
        expect_glob "*FATAL CONFIG FILE ERROR*" $out
        expect_glob "*line 2*" $out
        expect_glob "*bogus-directive yes*" $out
    }
    test "bad value in the config file is fatal" {
        set f [write_temp_conf "port 0\n\n# comment\nmaxmemory lots\n"]
        lassign [run_server_once [list $f]] status out
        file delete -force [file dirname $f]
        expect_ne $status 0
        expect_glob "*FATAL CONFIG FILE ERROR*" $out
        expect_glob "*line 4*" $out
        expect_glob "*maxmemory lots*" $out
        expect_glob "*argument must be a memory value*" $out
    }
    test "bad boolean on the command line is fatal" {
        lassign [run_server_once [list --port 0 --appendonly perhaps]] status out
        expect_ne $status 0
        expect_glob "*FATAL CONFIG FILE ERROR*" $out
        expect_glob "*appendonly*" $out
    }
    test "a missing config file is fatal" {
        lassign [run_server_once [list /nonexistent/dir/none.conf]] status out
        expect_ne $status 0
        expect_glob "*Fatal error, can't open config file*" $out
    }
}

with_server -args {--maxclients 77 --save "" --hz 15} {
    test "command-line arguments override the config file" {
        expect_eq [r config get maxclients] {maxclients 77}
        expect_eq [r config get save] {save {}}
        expect_eq [r config get hz] {hz 15}
    }
}

with_server -config {hz 12} -args {--hz 13} {
    test "command line wins over the file for the same directive" {
        expect_eq [r config get hz] {hz 13}
    }
}

set incdir [srvh::new_dir]
set fh [open [file join $incdir extra.conf] w]
puts $fh "# included file"
puts $fh "maxclients 123"
puts $fh "hz 17"
close $fh
with_server -rawconf "include $incdir/extra.conf\nhz 19\n" {
    test "include reads another file in place" {
        expect_eq [r config get maxclients] {maxclients 123}
        # the later line in the main file wins
        expect_eq [r config get hz] {hz 19}
    }
}
file delete -force $incdir

with_server -rawconf "dbfilename 'my dump.rdb'\nmasteruser \"\"\nlogfile ''\nappendfilename \"a\\x41b.aof\"\n" {
    test "quoted values in the config file" {
        expect_eq [r config get dbfilename] {dbfilename {my dump.rdb}}
        expect_eq [r config get masteruser] {masteruser {}}
        expect_eq [r config get logfile] {logfile {}}
        expect_eq [r config get appendfilename] {appendfilename aAb.aof}
    }
}

# ---- issue 8: values Valkey accepts or refuses with its own words ---------------
with_server {
    test "CONFIG SET client-output-buffer-limit \"\" is accepted and changes nothing" {
        set before [r config get client-output-buffer-limit]
        expect_eq [r config set client-output-buffer-limit ""] OK
        expect_eq [r config get client-output-buffer-limit] $before
        expect_eq [r config set client-output-buffer-limit "normal 1mb 512kb 10"] OK
        expect_glob "*normal 1048576 524288 10*" [lindex [r config get client-output-buffer-limit] 1]
        expect_err "*Wrong number of arguments in buffer limit configuration.*" {
            r config set client-output-buffer-limit "normal 1mb"
        }
    }
    test "CONFIG SET port to a port in use answers Valkey's error and keeps the old port" {
        set busy [socket -server {apply {args {}}} -myaddr 127.0.0.1 0]
        set busy_port [lindex [fconfigure $busy -sockname] 2]
        expect_err "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs." {
            r config set port $busy_port
        }
        close $busy
        expect_eq [lindex [r config get port] 1] [srv port]
        # Still listening where it was.
        set c [new_client]
        expect_eq [$c ping] PONG
        $c .close
        expect_glob "*$busy_port*" [server_log]
    }
    test "CONFIG SET bind to an address that cannot be bound answers Valkey's error" {
        expect_err "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses." {
            r config set bind 192.0.2.1
        }
        expect_eq [lindex [r config get bind] 1] 127.0.0.1
        set c [new_client]
        expect_eq [$c ping] PONG
        $c .close
    }
}

with_server {
    test "DEBUG CONFIG-REWRITE-FORCE-ALL writes every directive and the server starts from it unchanged" {
        r config set maxmemory 3mb
        set before [r config get *]
        expect_eq [r debug config-rewrite-force-all] OK
        set text [read_text [srv conf]]
        # Defaults are written too, not just what differs.
        foreach d {hash-max-listpack-entries lfu-decay-time tcp-keepalive maxmemory} {
            expect_true {[regexp "(?n)^$d " $text]} "$d written"
        }
        # Hidden test knobs are not.
        expect_true {![regexp "(?n)^key-load-delay " $text]} "hidden knobs left out"
        restart_server -keepconf 1
        set after [r config get *]
        dict for {k v} $before {
            expect_eq [dict get $after $k] $v "$k after restart"
        }
    }
}

test "DEBUG CONFIG-REWRITE-FORCE-ALL without a config file is refused" {
    set port [srvh::free_port]
    set dir [srvh::new_dir]
    set pid [exec $srvh::binary --port $port --bind 127.0.0.1 --save "" --dir $dir --enable-debug-command yes \
                 > [file join $dir stdout] 2>@1 &]
    set h [dict create pid $pid port $port host 127.0.0.1 dir $dir]
    expect_eq [srvh::wait_ready $h 10000] ok
    set c [resp::connect 127.0.0.1 $port]
    expect_err "ERR The server is running without a config file" {$c debug config-rewrite-force-all}
    $c .close
    srvh::stop $h
}
