# FUNCTION libraries and FCALL/FCALL_RO, with Valkey 8.0's answers: the
# "#!lua name=" header and its errors, what a library's load code may
# call (register_function and log only), register_function's positional
# and named forms and flags, name rules (library names case-sensitive,
# function names not), FCALL's numkeys errors, no-writes functions and
# FCALL_RO, FUNCTION LIST/STATS/DELETE/FLUSH/DUMP/RESTORE with its three
# policies, payloads from redis-server 7.0 restored here, propagation of
# FUNCTION LOAD and of what functions write, INFO's counters.

file_tags {scripting needs:function}

# `propagated` (tests/harness/observe.tcl) leaves out the SELECT 0 the
# stream starts with.
propagated_skip {select 0}

# A library named lib with one function per name in fns (each returns its
# own name).
proc lib {name args} {
    set code "#!lua name=$name\n"
    foreach f $args { append code "redis.register_function('$f', function(keys, args) return '$f' end)\n" }
    return $code
}

set getset "#!lua name=gs
local function getset(keys, args)
    local old = redis.call('get', keys\[1\])
    redis.call('set', keys\[1\], args\[1\])
    return old
end
redis.register_function('getset', getset)
redis.register_function{function_name='reader', callback=function(keys, args) return redis.call('get', keys\[1\]) end, flags={'no-writes'}, description='reads a key'}
redis.register_function{function_name='badreader', callback=function(keys, args) return redis.call('set', keys\[1\], 'x') end, flags={'no-writes'}}
redis.register_function{function_name='oomok', callback=function(keys, args) return redis.call('set', keys\[1\], 'x') end, flags={'allow-oom'}}"

with_server {
    test "FUNCTION LOAD returns the library name; FCALL runs its functions" {
        r function flush
        expect_eq [r function load $getset] gs
        r set k old
        expect_eq [r fcall getset 1 k new] old
        expect_eq [r get k] new
        expect_eq [r fcall GETSET 1 k newer] new
        expect_eq [r fcall reader 1 k] newer
        expect_eq [r fcall_ro reader 1 k] newer
        expect_eq [info_field memory number_of_functions] 4
        expect_eq [info_field memory number_of_libraries] 1
        expect_gt [info_field memory used_memory_vm_functions] 0
        expect_gt [info_field memory used_memory_functions] 0
    }

    test "FCALL errors" {
        expect_err "ERR Function not found" {r fcall nosuch 0}
        expect_err "ERR Bad number of keys provided" {r fcall getset x k}
        expect_err "ERR Number of keys can't be greater than number of args" {r fcall getset 2 k}
        expect_err "ERR Number of keys can't be negative" {r fcall getset -1 k}
        expect_err "ERR wrong number of arguments for 'fcall' command" {r fcall getset}
        expect_err "ERR Can not execute a script with write flag using \\*_ro command." {r fcall_ro getset 1 k v}
        expect_err "ERR Write commands are not allowed from read-only scripts. script: badreader, on @user_function:*" {r fcall badreader 1 k}
    }

    test "Library header errors" {
        expect_err "ERR Library 'gs' already exists" {r function load $getset}
        expect_eq [r function load replace $getset] gs
        expect_eq [r function load REPLACE $getset] gs
        expect_err "ERR Unknown option given: nope" {r function load nope $getset}
        expect_err "ERR Missing library metadata" {r function load "return 1"}
        expect_err "ERR Invalid library metadata" {r function load "#!lua name=x"}
        expect_err "ERR Library name was not given" {r function load "#!lua\nreturn 1"}
        expect_err "ERR Invalid metadata value given: foo=bar" {r function load "#!lua name=x foo=bar\nreturn 1"}
        expect_err "ERR Invalid metadata value, name argument was given multiple times" {r function load "#!lua name=x name=y\nreturn 1"}
        expect_err "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long" {r function load "#!lua name=a-b\nreturn 1"}
        expect_err "ERR Engine 'js' not found" {r function load "#!js name=x\nreturn 1"}
        expect_eq [r function load "#!LUA name=upper\nredis.register_function('upper_fn', function() return 1 end)"] upper
        expect_err "ERR No functions registered" {r function load "#!lua name=x\nlocal a = 1"}
        expect_err "ERR Error compiling function: user_function:2: *" {r function load "#!lua name=x\nreturn ("}
        expect_err "ERR Function getset already exists" {r function load [lib other getset]}
        # A failed load leaves nothing behind.
        expect_err "ERR Function getset already exists" {r function load [lib other2 fresh getset]}
        expect_err "ERR Function not found" {r fcall fresh 0}
        expect_eq [r function delete upper] OK
    }

    test "Load code sees register_function and log only" {
        expect_err "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'" \
            {r function load "#!lua name=x\nredis.call('ping')"}
        expect_err "*nonexistent global variable 'string'*" {r function load "#!lua name=x\nlocal n = string.len('a')"}
        expect_err "*nonexistent global variable 'math'*" {r function load "#!lua name=x\nmath.random()"}
        expect_err "*Attempt to modify a readonly table*" {r function load "#!lua name=x\nredis.register_function = 1"}
        expect_err "*Attempt to modify a readonly table*" {r function load "#!lua name=x\nnewglobal = 1"}
        expect_eq [r function load "#!lua name=logs\nredis.log(redis.LOG_NOTICE, 'loading logs')\nserver.register_function('f_logs', function() return 1 end)"] logs
        expect_eq [r fcall f_logs 0] 1
        # Functions run with the full API once loaded.
        expect_eq [r function load "#!lua name=full\nredis.register_function('f_full', function() return string.upper(redis.call('ping')\['ok'\]) end)"] full
        expect_eq [r fcall f_full 0] PONG
        # register_function is not there at run time.
        expect_eq [r function load "#!lua name=late\nredis.register_function('f_late', function() return type(redis.register_function) end)"] late
        expect_eq [r fcall f_late 0] nil
        r function delete logs
        r function delete full
        r function delete late
        # Load code gets 500 ms.
        set t0 [clock milliseconds]
        expect_err "ERR Error registering functions: ERR FUNCTION LOAD timeout" {r function load "#!lua name=spin\nwhile true do end"}
        expect_between [expr {[clock milliseconds] - $t0}] 400 5000
        expect_eq [r ping] PONG
    }

    test "register_function: arguments and their errors" {
        set bad {
            "redis.register_function()" "wrong number of arguments to redis.register_function"
            "redis.register_function('a', function() end, 1)" "wrong number of arguments to redis.register_function"
            "redis.register_function({}, function() end)" "first argument to redis.register_function must be a string"
            "redis.register_function('a', 1)" "second argument to redis.register_function must be a function"
            "redis.register_function('a')" "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments)."
            "redis.register_function{function_name='a'}" "redis.register_function must get a callback argument"
            "redis.register_function{callback=function() end}" "redis.register_function must get a function name argument"
            "redis.register_function{function_name='a', callback=function() end, flags={'nosuch'}}" "unknown flag given"
            "redis.register_function{function_name='a', callback=function() end, flags='no-writes'}" "flags argument to redis.register_function must be a table representing function flags"
            "redis.register_function{function_name='a', callback=1}" "callback argument given to redis.register_function must be a function"
            "redis.register_function{function_name={}, callback=function() end}" "function_name argument given to redis.register_function must be a string"
            "redis.register_function{function_name='a', callback=function() end, description=1}" ""
            "redis.register_function{function_name='a', callback=function() end, other=1}" "unknown argument given to redis.register_function"
            "redis.register_function('a-b', function() end)" "Function names can only contain letters, numbers, or underscores(_) and must be at least one character long"
            "redis.register_function('a', function() end) redis.register_function('A', function() end)" "Function already exists in the library"
        }
        foreach {code err} $bad {
            if {$err eq ""} {
                expect_eq [r function load replace "#!lua name=args\n$code"] args
                r function delete args
            } else {
                expect_err "ERR Error registering functions: ERR $err" [list r function load "#!lua name=args\n$code"]
            }
        }
        expect_eq [r function load "#!lua name=flagcase\nredis.register_function{function_name='fc', callback=function() return 1 end, flags={'NO-WRITES', 'Allow-Oom'}}"] flagcase
        expect_eq [r fcall_ro fc 0] 1
        r function delete flagcase
    }

    test "FUNCTION LIST: libraries, functions, flags, descriptions, code, patterns" {
        r function flush
        r function load $getset
        r function load [lib mylib_a fa]
        r function load [lib other_b fb]
        set all [r function list]
        expect_eq [llength $all] 3
        set gs {}
        foreach l $all { if {[dict get $l library_name] eq "gs"} { set gs $l } }
        expect_eq [dict get $gs engine] LUA
        expect_true {![dict exists $gs library_code]}
        set fns {}
        foreach f [dict get $gs functions] { dict set fns [dict get $f name] [list [dict get $f description] [dict get $f flags]] }
        expect_eq [dict get $fns getset] {{} {}}
        expect_eq [dict get $fns reader] {{reads a key} no-writes}
        expect_eq [dict get $fns oomok] {{} allow-oom}
        set only [r function list libraryname mylib*]
        expect_eq [llength $only] 1
        expect_eq [dict get [lindex $only 0] library_name] mylib_a
        expect_eq [dict get [lindex [r function list withcode libraryname other*] 0] library_code] [lib other_b fb]
        expect_eq [r function list libraryname nomatch*] {}
        expect_err "ERR library name argument was not given" {r function list libraryname}
        expect_err "ERR Unknown argument foo" {r function list foo}
        expect_err "ERR Unknown argument withcode" {r function list withcode withcode}
        # RESP3: maps and a set of flags.
        set c [new_client -resp 3]
        set t [$c .typed function list libraryname gs]
        expect_eq [lindex $t 0] array
        expect_eq [lindex $t 1 0 0] map
        $c .close
    }

    test "FUNCTION DELETE, FLUSH, STATS, HELP" {
        expect_eq [dict get [r function stats] running_script] {}
        expect_eq [dict get [r function stats] engines] {LUA {libraries_count 3 functions_count 6}}
        expect_eq [r function delete mylib_a] OK
        expect_err "ERR Library not found" {r function delete mylib_a}
        expect_err "ERR Library not found" {r function delete GS}
        expect_err "ERR Function not found" {r fcall fa 0}
        expect_eq [r function flush] OK
        expect_eq [r function list] {}
        expect_eq [info_field memory number_of_libraries] 0
        expect_eq [r function flush sync] OK
        expect_eq [r function flush async] OK
        expect_err "ERR FUNCTION FLUSH only supports SYNC|ASYNC option" {r function flush lazy}
        expect_glob "FUNCTION <subcommand>*" [lindex [r function help] 0]
    }

    test "FUNCTION DUMP / RESTORE with APPEND, REPLACE and FLUSH" {
        r function flush
        r function load $getset
        r function load [lib l2 f2a f2b]
        set dump [r function dump]
        # APPEND (the default) refuses a library that exists.
        expect_err "ERR Library * already exists" {r function restore $dump}
        expect_err "ERR Library * already exists" {r function restore $dump append}
        expect_eq [r function restore $dump replace] OK
        expect_eq [llength [r function list]] 2
        r function flush
        expect_eq [r function restore $dump] OK
        expect_eq [r fcall f2b 0] f2b
        # FLUSH drops what was there first.
        r function load [lib extra fx]
        expect_eq [r function restore $dump flush] OK
        expect_err "ERR Function not found" {r fcall fx 0}
        expect_eq [llength [r function list]] 2
        # REPLACE still refuses a function name owned by another library.
        r function flush
        r function load [lib thief f2a]
        expect_err "ERR Function f2a already exists" {r function restore $dump replace}
        expect_eq [llength [r function list]] 1
        # Policies and payload errors.
        expect_err "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE." {r function restore $dump nope}
        expect_err "ERR syntax error*" {r function restore $dump replace extra}
        expect_err "ERR DUMP payload version or checksum are wrong" {r function restore bad}
        set corrupt [string replace $dump 3 3 [format %c [expr {([scan [string index $dump 3] %c] + 1) % 256}]]]
        expect_err "ERR DUMP payload version or checksum are wrong" {r function restore $corrupt}
        # An empty dump restores nothing.
        r function flush
        set empty [r function dump]
        expect_eq [string length $empty] 10
        expect_eq [r function restore $empty] OK
    }

    test "A FUNCTION DUMP payload of redis-server 7.0 restores here" {
        # Written by redis-server 7.0.15 (RDB version 10, code compressed).
        set hex f5c34063406c1423216c7561206e616d653d66726f6d72656469730a6005132e72656769737465725f66756e6374696f6e2827601804666e272c20e000131a6b6579732c2061726773292072657475726e20276d616465206279200f204d0920372e302720656e64290a00d946acefddc7d0bb
        r function flush
        expect_eq [r function restore [binary format H* $hex]] OK
        expect_eq [r fcall redisfn 0] {made by redis 7.0}
        expect_glob "#!lua name=fromredis*" [dict get [lindex [r function list withcode] 0] library_code]
    }

    test "FUNCTION LOAD propagates as written; a function's writes as their effects" {
        r function flush
        set p [propagated { r function load $getset }]
        expect_eq [lindex $p 0 0] function
        expect_eq [lindex $p 0 1] load
        set p [propagated { r fcall getset 1 k v1 }]
        expect_eq $p {{set k v1}}
        expect_eq [propagated { r fcall reader 1 k }] {}
        expect_eq [propagated { r function delete gs }] {{function delete gs}}
        expect_eq [propagated { r function flush }] {{function flush}}
    }

    test "maxmemory: allow-oom functions write over the limit, others are refused" {
        r function load $getset
        r config set maxmemory 1
        expect_err "OOM command not allowed when used memory > 'maxmemory'." {r fcall getset 1 k v}
        expect_eq [r fcall oomok 1 k] OK
        expect_eq [r fcall reader 1 k] x
        r config set maxmemory 0
    }

    test "Function globals are read-only too" {
        r function load "#!lua name=g\nredis.register_function('setg', function() x = 1 end)\nredis.register_function('getg', function() return x end)"
        expect_err "ERR user_function:2: Attempt to modify a readonly table script: setg, on @user_function:2." {r fcall setg 0}
        expect_err "*Script attempted to access nonexistent global variable 'x' script: getg*" {r fcall getg 0}
    }
}

with_server {
    tagged {needs:rdb} {
        test "Libraries are saved in the RDB file and loaded back (SAVE + restart, DEBUG RELOAD)" {
            r function flush
            r function load "#!lua name=saved\nredis.register_function{function_name='sf', callback=function() return 'saved' end, flags={'no-writes'}, description='kept'}"
            r function load [lib second s2]
            r save
            restart_server
            expect_eq [r fcall sf 0] saved
            expect_eq [r fcall_ro sf 0] saved
            expect_eq [r fcall s2 0] s2
            set l [r function list libraryname saved]
            expect_eq [dict get [lindex [dict get [lindex $l 0] functions] 0] description] kept
            r function delete second
            r debug reload
            expect_eq [llength [r function list]] 1
            expect_err "ERR Function not found" {r fcall s2 0}
            r function flush
            r save
            restart_server
            expect_eq [r function list] {}
        }
    }
}
