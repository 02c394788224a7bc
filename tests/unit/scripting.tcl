# Lua scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, with
# Valkey 8.0's answers.  What is checked: the arguments (KEYS/ARGV,
# numkeys errors, NOSCRIPT), the script cache (SCRIPT LOAD/EXISTS/SHOW/
# FLUSH, the 500-script LRU of EVAL's scripts, INFO's counters), the
# conversion tables both ways in RESP2 and RESP3 (typed replies, not just
# values), errors with the script's location, the sandbox and the escapes
# people try, the libraries (cjson, bit, cmsgpack, struct, math.random),
# shebang flags, read-only scripts, OOM before the first write, effects
# propagated as one unit (DEBUG PROPAGATED), MULTI/WATCH/notifications,
# and three scripts applications really ship.  Slow scripts, BUSY and
# SCRIPT KILL are in scripting_busy.tcl.

file_tags {scripting needs:scripting}

# `propagated` (tests/harness/observe.tcl) leaves out the SELECT 0 the
# stream starts with; a script's own SELECT stays.
propagated_skip {select 0}

# Typed reply of an EVAL: {type value} as the harness parses it.
proc teval {args} { return [r .typed eval {*}$args] }

with_server {
    test "EVAL returns what the script returns; KEYS and ARGV hold the arguments" {
        expect_eq [r eval {return 'hello'} 0] hello
        expect_eq [r eval {return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}} 2 k1 k2 a1 a2] {k1 k2 a1 a2}
        expect_eq [r eval {return #KEYS .. ' ' .. #ARGV} 0 x y z] {0 3}
        expect_eq [r eval {return {KEYS[1], ARGV[1]}} 1 "bin\x00ary" "v\r\nx"] [list "bin\x00ary" "v\r\nx"]
        expect_eq [r eval {return 'trailing'} 0 --comment] trailing
        expect_eq [r eval {return 'hello' --trailing comment} 0] hello
    }

    test "EVAL numkeys errors" {
        expect_err "ERR value is not an integer or out of range" {r eval {return 1} abc}
        expect_err "ERR Number of keys can't be greater than number of args" {r eval {return 1} 2 a}
        expect_err "ERR Number of keys can't be negative" {r eval {return 1} -1}
        expect_err "ERR wrong number of arguments for 'eval' command" {r eval {return 1}}
        expect_err "ERR wrong number of arguments for 'evalsha' command" {r evalsha abc}
    }

    test "EVALSHA runs a cached script; its SHA in either case; NOSCRIPT otherwise" {
        r set mykey myval
        expect_eq [r eval {return redis.call('get',KEYS[1])} 1 mykey] myval
        expect_eq [r evalsha fd758d1589d044dd850a6f05d52f2eefd27f033f 1 mykey] myval
        expect_eq [r evalsha FD758D1589D044DD850A6F05D52F2EEFD27F033F 1 mykey] myval
        expect_eq [r evalsha_ro fd758d1589d044dd850a6f05d52f2eefd27f033f 1 mykey] myval
        expect_err "NOSCRIPT No matching script. Please use EVAL." {r evalsha NotValidShaSUM 0}
        expect_err "NOSCRIPT No matching script. Please use EVAL." {r evalsha ffd632c7d33e571e9f24556ebed26c3479a87130 0}
        expect_err "NOSCRIPT*" {r evalsha zzd632c7d33e571e9f24556ebed26c3479a87130 0}
        # The SHA1 length is checked before numkeys.
        expect_err "NOSCRIPT*" {r evalsha abc notanumber}
    }

    test "SCRIPT LOAD, EXISTS, SHOW" {
        expect_eq [r script load {return 'loaded'}] b534286061d4b9e4026607613b95c06c06015ae8
        expect_eq [r evalsha b534286061d4b9e4026607613b95c06c06015ae8 0] loaded
        r eval {return 1+1} 0
        expect_eq [r script exists a27e7e8a43702b7046d4f6a7ccf5b60cef6b9bd9 a27e7e8a43702b7046d4f6a7ccf5b60cef6b9bda A27E7E8A43702B7046D4F6A7CCF5B60CEF6B9BD9 short] {1 0 1 0}
        r script load {return 'dump'}
        expect_eq [r script show 4f5a49d7b18244a3b100d159b78b51474e23e081] {return 'dump'}
        expect_err "NOSCRIPT*" {r script show b534286061d4b06c06015ae8}
        expect_err "NOSCRIPT*" {r script show AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA}
        expect_err "ERR wrong number of arguments for 'script|load' command" {r script load}
        expect_err "ERR Error compiling script (new function): user_script:1: *" {r script load {return (}}
        expect_err "ERR unknown subcommand 'nosuch'*" {r script nosuch}
    }

    test "SCRIPT FLUSH (SYNC or ASYNC) empties the cache and the interpreter" {
        for {set j 0} {$j < 100} {incr j} { r script load "return $j" }
        expect_ge [info_field memory number_of_cached_scripts] 100
        expect_eq [r script flush] OK
        expect_eq [info_field memory number_of_cached_scripts] 0
        expect_err "NOSCRIPT*" {r evalsha fd758d1589d044dd850a6f05d52f2eefd27f033f 1 mykey}
        r script load {return 1}
        expect_eq [r script flush async] OK
        expect_eq [info_field memory number_of_cached_scripts] 0
        expect_eq [r script flush sync] OK
        expect_err "ERR SCRIPT FLUSH only support SYNC|ASYNC option" {r script flush lazy}
        expect_err "ERR SCRIPT FLUSH only support SYNC|ASYNC option" {r script flush sync async}
    }

    test "SCRIPT KILL with nothing running, SCRIPT DEBUG, SCRIPT HELP" {
        expect_err "NOTBUSY No scripts in execution right now." {r script kill}
        expect_eq [r script debug no] OK
        expect_err "ERR Use SCRIPT DEBUG YES/SYNC/NO" {r script debug maybe}
        expect_err "ERR SCRIPT DEBUG is not supported*" {r script debug yes}
        set help [r script help]
        expect_glob "SCRIPT <subcommand>*" [lindex $help 0]
        expect_true {[lsearch $help "SHOW <sha1>"] >= 0}
    }

    test "EVAL's scripts are evicted past 500, oldest first; SCRIPT LOAD's never" {
        r script flush
        r config resetstat
        set loaded [r script load {return 'kept'}]
        # The digests first: this helper is then the oldest EVAL'd script.
        lassign [r eval {local t = {} for _, n in ipairs(ARGV) do t[#t+1] = redis.sha1hex('return ' .. n) end return t} 0 0 9 10 20 30 509] s0 s9 s10 s20 s30 s509
        for {set j 0} {$j < 510} {incr j} { r eval "return $j" 0 }
        expect_eq [info_field memory number_of_cached_scripts] 501
        expect_eq [info_field stats evicted_scripts] 11
        expect_eq [r evalsha $loaded 0] kept
        expect_eq [r script exists $s0 $s9 $s10 $s509] {0 0 1 1}
        # A script used again moves to the young end.
        expect_eq [r evalsha $s10 0] 10
        for {set j 1000} {$j < 1020} {incr j} { r eval "return $j" 0 }
        expect_eq [r script exists $s10 $s20 $s30] {1 0 0}
        # SCRIPT LOAD of an EVAL'd script takes it off the list.
        expect_eq [r script load {return 509}] $s509
        for {set j 2000} {$j < 2600} {incr j} { r eval "return $j" 0 }
        expect_eq [r script exists $s509 $loaded $s10] {1 1 0}
        expect_eq [info_field memory number_of_cached_scripts] 502
        r config resetstat
        expect_eq [info_field stats evicted_scripts] 0
        r script flush
    }

    test "Lua -> reply (RESP2): integers truncate, booleans, tables, status and error tables" {
        expect_eq [teval {return 100.5} 0] {int 100}
        expect_eq [teval {return -3.99} 0] {int -3}
        expect_eq [teval {return 1e30} 0] {int -9223372036854775808}
        expect_eq [teval {return 0/0} 0] {int -9223372036854775808}
        expect_eq [teval {return 'hello'} 0] {bulk hello}
        expect_eq [teval {return true} 0] {int 1}
        expect_eq [teval {return false} 0] {nullbulk}
        expect_eq [teval {return nil} 0] {nullbulk}
        expect_eq [teval {return {1,2,3,'ciao',{1,2}}} 0] {array {{int 1} {int 2} {int 3} {bulk ciao} {array {{int 1} {int 2}}}}}
        expect_eq [teval {return {1,2,nil,4}} 0] {array {{int 1} {int 2}}}
        expect_eq [teval {return {ok='fine'}} 0] {simple fine}
        expect_eq [teval "return {ok='a\\r\\nb'}" 0] {simple {a  b}}
        expect_eq [teval {return {err='ERR this is an error'}} 0] {error {ERR this is an error}}
        expect_eq [teval {return {err='MYCODE custom'}} 0] {error {MYCODE custom}}
        expect_eq [teval {return {double=3.14}} 0] {bulk 3.14}
        expect_eq [teval {return {big_number='123456789012345678901'}} 0] {bulk 123456789012345678901}
        expect_eq [teval {return {map={a=1}}} 0] {array {{bulk a} {int 1}}}
        expect_eq [teval {return {set={x=true}}} 0] {array {{bulk x}}}
        expect_eq [teval {return {verbatim_string={format='txt', string='hi'}}} 0] {bulk hi}
        expect_eq [teval {return function() end} 0] {nullbulk}
        expect_eq [teval {return _G} 0] {array {}}
        # Fields are read raw: a metatable is never called.
        expect_eq [teval {local a = {}; setmetatable(a, {__index=function() foo() end}) return a} 0] {array {}}
        r del x
        expect_eq [teval {local a = {}; setmetatable(a, {__index=function() redis.call('set','x','1') end}) return a} 1 x] {array {}}
        expect_eq [r exists x] 0
    }

    test "Lua -> reply (RESP3): the script's protocol picks the boolean form" {
        set c [new_client -resp 3]
        expect_eq [$c .typed eval {return true} 0] {int 1}
        expect_eq [$c .typed eval {return false} 0] {null}
        expect_eq [$c .typed eval {redis.setresp(3); return true} 0] {bool 1}
        expect_eq [$c .typed eval {redis.setresp(3); return false} 0] {bool 0}
        expect_eq [$c .typed eval {return {double=3.5}} 0] {double 3.5}
        expect_eq [$c .typed eval {return {double=0/0}} 0] {double nan}
        expect_eq [$c .typed eval {return {big_number='1234'}} 0] {bignum 1234}
        expect_eq [$c .typed eval {return {map={a=1}}} 0] {map {{bulk a} {int 1}}}
        expect_eq [$c .typed eval {return {set={x=true}}} 0] {set {{bulk x}}}
        expect_eq [$c .typed eval {return {verbatim_string={format='txt', string='hi'}}} 0] {verbatim txt hi}
        expect_eq [$c .typed eval {return nil} 0] {null}
        $c .close
        # A RESP2 client gets the RESP2 forms of the same values.
        expect_eq [teval {redis.setresp(3); return true} 0] {int 1}
        expect_eq [teval {redis.setresp(3); return false} 0] {int 0}
    }

    test "reply -> Lua (RESP2): types a script sees" {
        r del x hash list mykey
        r set x 0
        expect_eq [r eval {local v = redis.pcall('incr', KEYS[1]) return {type(v), v}} 1 x] {number 1}
        expect_eq [r eval {local v = redis.pcall('hincrby','hash','f',200000000) return {type(v), v}} 0] {number 200000000}
        r set mykey myval
        expect_eq [r eval {local v = redis.pcall('get', KEYS[1]) return {type(v), v}} 1 mykey] {string myval}
        r rpush list a b c
        expect_eq [r eval {local v = redis.pcall('lrange', KEYS[1], 0, -1) return {type(v), v[1], v[2], v[3], #v}} 1 list] {table a b c 3}
        expect_eq [r eval {local v = redis.pcall('set', KEYS[1], 'myval') return {type(v), v['ok']}} 1 mykey] {table OK}
        expect_eq [r eval {local v = redis.pcall('incr', KEYS[1]) return {type(v), v['err']}} 1 mykey] {table {ERR value is not an integer or out of range}}
        r del mykey
        expect_eq [r eval {local v = redis.pcall('get', KEYS[1]) return {type(v), tostring(v == false)}} 1 mykey] {boolean true}
        expect_eq [r eval {local v = redis.call('hgetall', 'nokey') return {type(v), #v}} 0] {table 0}
    }

    test "reply -> Lua (RESP3): maps, sets, doubles, nulls, booleans" {
        r del hash zs s
        r hset hash field value
        r zadd zs 1.5 m
        r sadd s a
        expect_eq [r eval {redis.setresp(3); local v = redis.call('hgetall', KEYS[1]) return {type(v.map), v.map.field}} 1 hash] {table value}
        expect_eq [r eval {redis.setresp(3); local v = redis.call('smembers', KEYS[1]) return tostring(v.set.a)} 1 s] true
        expect_eq [r eval {redis.setresp(3); local v = redis.call('zscore', KEYS[1], 'm') return tostring(v.double)} 1 zs] 1.5
        expect_eq [r eval {redis.setresp(3); local v = redis.call('get', 'nokey') return tostring(v == nil)} 0] true
        expect_eq [r eval {redis.setresp(2); local v = redis.call('get', 'nokey') return tostring(v == false)} 0] true
        expect_eq [r eval {redis.setresp(3); return redis.call('hgetall', KEYS[1])} 1 hash] {field value}
        set c [new_client -resp 3]
        expect_eq [$c .typed eval {redis.setresp(3); return redis.call('hgetall', KEYS[1])} 1 hash] {map {{bulk field} {bulk value}}}
        expect_eq [$c .typed eval {redis.setresp(2); return redis.call('hgetall', KEYS[1])} 1 hash] {array {{bulk field} {bulk value}}}
        $c .close
        expect_err "ERR RESP version must be 2 or 3.*" {r eval {redis.setresp(4)} 0}
        expect_err "ERR redis.setresp() requires one argument.*" {r eval {redis.setresp()} 0}
    }

    test "Numbers passed to commands: exact integers as integers, others shortest" {
        expect_eq [r eval {redis.call('set','n',9007199254740991) return redis.call('get','n')} 0] 9007199254740991
        expect_eq [r eval {redis.call('set','n',0.1) return redis.call('get','n')} 0] 0.1
        expect_eq [r eval {redis.call('set','n',-5) return redis.call('get','n')} 0] -5
        expect_eq [r eval {redis.call('set','n','12039611435714932082') return redis.call('get','n')} 0] 12039611435714932082
        expect_err "ERR Command arguments must be strings or integers*" {r eval {redis.call('set','n',{})} 0}
        expect_err "ERR Command arguments must be strings or integers*" {r eval {redis.call('set','n',nil)} 0}
    }

    test "redis.call raises the command's error with the script's location; pcall returns it" {
        r set foo bar
        expect_err "ERR value is not an integer or out of range script: *, on @user_script:1." {r eval {return redis.call('incr', KEYS[1])} 1 foo}
        expect_err "WRONGTYPE Operation against a key holding the wrong kind of value script: *" {r eval {redis.call('lpush',KEYS[1],'val')} 1 foo}
        expect_err "ERR Unknown command called from script script: *, on @user_script:1." {r eval {redis.call('nosuchcommand')} 0}
        expect_err "ERR Wrong number of args calling command from script script: *" {r eval {redis.call('get','a','b','c')} 0}
        expect_err "ERR Wrong number of args calling command from script*" {r eval {redis.call('incr')} 0}
        expect_err "ERR Please specify at least one argument for this call script: *" {r eval {redis.call()} 0}
        expect_err "ERR This Redis command is not allowed from script*" {r eval {redis.call('eval','return 1','0')} 0}
        expect_err "ERR This Redis command is not allowed from script*" {r eval {redis.call('subscribe','x')} 0}
        expect_err "ERR This Redis command is not allowed from script*" {r eval {redis.call('multi')} 0}
        expect_err "ERR Unknown command called from script*" {r eval {redis.call('config','nosuch')} 0}
        # The line of the call, not of the script's start.
        expect_err "*on @user_script:3." {r eval "local a = 1\nlocal b = 2\nredis.call('nosuch')" 0}
        expect_err "ERR value is not an integer or out of range" {r eval {return redis.pcall('incr', KEYS[1])} 1 foo}
        expect_eq [r eval {local ok, e = pcall(redis.call, 'nosuch') return {tostring(ok), e}} 0] {false {ERR Unknown command called from script}}
        expect_eq [r eval {local ok, e = pcall(function() redis.call('incr', KEYS[1]) end) return e} 1 foo] {ERR value is not an integer or out of range}
        expect_eq [r eval {return redis.pcall('nosuch')['err']} 0] {ERR Unknown command called from script}
    }

    test "Script errors: runtime, compile, error() with strings and tables" {
        expect_err "ERR user_script:1: Script attempted to access nonexistent global variable 'a' script: *, on @user_script:1." {r eval {return a} 0}
        expect_err "ERR user_script:1: attempt to call local 'f' (a nil value) script: *" {r eval {local f; f()} 0}
        expect_err "ERR Error compiling script (new function): user_script:1: *" {r eval {return (} 0}
        expect_err "ERR user_script:1: boom script: *" {r eval {error('boom')} 0}
        expect_err "CUSTOM boom script: *" {r eval {error({err='CUSTOM boom'})} 0}
        expect_err "ERR unknown error script: *" {r eval {error({})} 0}
        expect_err "My Error" {r eval {return redis.error_reply('My Error')} 0}
        expect_err "FOO bar" {r eval {return redis.error_reply('-FOO bar')} 0}
        expect_err "ERR NOSPACE" {r eval {return redis.error_reply('NOSPACE')} 0}
        expect_eq [teval {return redis.status_reply('fine')} 0] {simple fine}
        expect_err "ERR wrong number or type of arguments" {r eval {return redis.status_reply()} 0}
        expect_err "ERR wrong number or type of arguments" {r eval {return redis.error_reply(1)} 0}
    }

    test "A failed command inside a script counts once in the error statistics" {
        r config resetstat
        r set foo bar
        catch {r eval {return redis.call('incr', KEYS[1])} 1 foo}
        expect_eq [info_field errorstats errorstat_ERR] count=1
        expect_glob "*failed_calls=1*" [info_field commandstats cmdstat_incr]
        expect_glob "*calls=1,*failed_calls=0*" [info_field commandstats cmdstat_eval]
        expect_eq [info_field stats total_error_replies] 1
        catch {r eval {return redis.error_reply('MY own')} 0}
        expect_eq [info_field errorstats errorstat_MY] count=1
    }

    test "Globals are read-only; reading an undeclared global is an error" {
        expect_err "ERR user_script:1: Attempt to modify a readonly table script: *" {r eval {a = 10} 0}
        expect_err "ERR *Script attempted to access nonexistent global variable 'a'*" {r eval {return a} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {redis = function() return 1 end} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {_G = {}} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {KEYS = {}} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {_G.newglobal = 1} 0}
        # Locals are fine.
        expect_eq [r eval {local a = 10; return a} 0] 10
    }

    test "Sandbox: the escapes people try" {
        # Precompiled chunks are refused.
        expect_err "ERR *attempt to call a nil value*" {r eval {return loadstring(string.dump(function() return 1 end))()} 0}
        expect_eq [r eval {local f, e = loadstring(string.dump(function() return 1 end)) return tostring(f)} 0] nil
        expect_eq [r eval {local s = string.dump(function() return 1 end) local f = load(function() local r = s; s = nil; return r end) return tostring(f)} 0] nil
        expect_eq [r eval {return loadstring('return 7')()} 0] 7
        # The string metatable and the string library are read-only.
        expect_err "*Attempt to modify a readonly table*" {r eval {getmetatable('').__index = function() return 1 end} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {getmetatable('').__index.upper = function() return 1 end} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {string.upper = nil} 0}
        expect_eq [r eval {return ('x'):upper()} 0] X
        # Other basic types have no metatable to change.
        foreach code {
            {getmetatable(nil).__index = function() return 1 end}
            {getmetatable(123.222).__index = function() return 1 end}
            {getmetatable(true).__index = function() return 1 end}
            {getmetatable(function() return 1 end).__index = function() return 1 end}
            {getmetatable(coroutine.create(function() return 1 end)).__index = function() return 1 end}
        } {
            expect_err "*attempt to index a nil value*" [list r eval $code 0]
        }
        # _G, its metatable, rawset and setmetatable.
        expect_err "*Attempt to modify a readonly table*" {r eval {setmetatable(_G, {})} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {local g = getmetatable(_G); g.__index = {}} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {rawset(_G, 'x', 1)} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {rawset(redis, 'call', 1)} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {table.insert(_G, 1)} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {table.remove(redis)} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {table.sort(string)} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {getmetatable(_G).__index.x = 1} 0}
        # Library tables.
        foreach t {redis server cjson cmsgpack bit struct math string table os coroutine} {
            expect_err "*Attempt to modify a readonly table*" [list r eval "$t.newfield = function() return 1 end" 0]
        }
        expect_err "*Attempt to modify a readonly table*" {r eval {redis.call = function() return 1 end} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {math.random = function() return 1 end} 0}
        # setfenv cannot make a later script see another global table.
        expect_eq [r eval {setfenv(0, {x = 1}) return 1} 0] 1
        expect_err "*nonexistent global variable 'x'*" {r eval {return x} 0}
        expect_eq [r eval {local f = function() return y end setfenv(f, {y = 5}) return f()} 0] 5
        # getfenv hands out the protected globals, never the real ones.
        expect_err "*Attempt to modify a readonly table*" {r eval {getfenv(redis.call).redis = nil} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {getfenv(0).x = 1} 0}
        expect_err "*Attempt to modify a readonly table*" {r eval {getfenv(1).x = 1} 0}
        # Everything still works after the attempts.
        expect_eq [r eval {return redis.call('ping')} 0] PONG
        expect_eq [r eval {return string.upper('a')} 0] A
        # Coroutines share the protection.
        expect_err "*Attempt to modify a readonly table*" {r eval {local co = coroutine.create(function() z = 1 end) local ok, e = coroutine.resume(co) error(e)} 0}
        # unpack of a huge range is an error, not a crash.
        expect_err "*too many results to unpack*" {r eval {return {unpack({1,2,3}, -2, 2147483647)}} 0}
        expect_err "*too many results to unpack*" {r eval {return {unpack({1,2,3}, -2147483648, -2)}} 0}
        expect_eq [r eval {return {unpack({1,2,3}, -1, -2)}} 0] {}
        expect_eq [r ping] PONG
    }

    test "Sandbox: what is absent, what is there" {
        foreach f {loadfile dofile print require module io debug package} {
            expect_err "*Script attempted to access nonexistent global variable '$f'*" [list r eval "return $f" 0]
        }
        expect_eq [r eval {local t = {} for k in pairs(os) do t[#t+1] = k end return t} 0] clock
        expect_err "ERR *attempt to call field 'execute'*" {r eval {os.execute()} 0}
        expect_err "ERR *attempt to call field 'exit'*" {r eval {os.exit()} 0}
        expect_err "ERR *attempt to call field 'getenv'*" {r eval {os.getenv()} 0}
        expect_eq [r eval {return tostring(os.clock() >= 0)} 0] true
        # pairs/next/ipairs/rawget see through the protection.
        set names [r eval {local t = {} for k in pairs(_G) do t[#t+1] = k end table.sort(t) return t} 0]
        foreach want {redis server cjson bit struct cmsgpack string math table os pcall unpack loadstring KEYS ARGV _G} {
            expect_true {[lsearch -exact $names $want] >= 0} "global $want listed"
        }
        expect_eq [r eval {return type(rawget(string, 'upper'))} 0] function
        expect_eq [r eval {return type(next(math))} 0] string
        expect_eq [r eval {return rawequal(_G, getfenv(0))} 0] 1
        expect_eq [r eval {return rawequal(redis, server)} 0] 1
        expect_eq [r eval {return _VERSION} 0] {Lua 5.1}
    }

    test "redis.* helpers: sha1hex, log, set_repl, replicate_commands, breakpoint, debug, versions" {
        expect_eq [r eval {return redis.sha1hex('')} 0] da39a3ee5e6b4b0d3255bfef95601890afd80709
        expect_eq [r eval {return redis.sha1hex('Pizza & Mandolino')} 0] 74822d82031af7493c20eefa13bd07ec4fada82f
        expect_eq [r eval {return server.sha1hex(123)} 0] [r eval {return redis.sha1hex('123')} 0]
        expect_err "ERR wrong number of arguments*" {r eval {redis.sha1hex()} 0}
        expect_eq [r eval {redis.log(redis.LOG_WARNING, 'from', 'a script', 42) return 1} 0] 1
        wait_for {[string match "*from a script 42*" [server_log]]}
        expect_err "ERR redis.log() requires two arguments or more.*" {r eval {redis.log(1)} 0}
        expect_err "ERR First argument must be a number (log level).*" {r eval {redis.log('a', 'b')} 0}
        expect_err "ERR Invalid debug level.*" {r eval {redis.log(99, 'b')} 0}
        expect_eq [r eval {return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}} 0] {0 1 2 3}
        expect_eq [r eval {return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}} 0] {0 1 2 2 3}
        expect_err "ERR redis.set_repl() requires one argument.*" {r eval {redis.set_repl()} 0}
        expect_err "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.*" {r eval {redis.set_repl(9)} 0}
        expect_eq [r eval {return redis.replicate_commands()} 0] 1
        expect_eq [teval {return redis.breakpoint()} 0] {nullbulk}
        expect_eq [teval {return redis.debug('x')} 0] {nullbulk}
        expect_err "ERR *" {r eval {return redis.acl_check_cmd('get', 'x')} 0}
        expect_eq [r eval {return redis.REDIS_VERSION} 0] [server_info_field redis_version]
        expect_eq [r eval {return redis.REDIS_VERSION_NUM} 0] [expr {(7 << 16) | (2 << 8) | 4}]
        expect_eq [r eval {return redis.VALKEY_VERSION} 0] [server_info_field valkey_version]
        expect_eq [r eval {return server.SERVER_NAME} 0] valkey
    }

    test "math.random: one generator for every platform, seeded by randomseed" {
        set a [r eval {math.randomseed(ARGV[1]); return tostring(math.random())} 0 10]
        set b [r eval {math.randomseed(ARGV[1]); return tostring(math.random())} 0 10]
        set c [r eval {math.randomseed(ARGV[1]); return tostring(math.random())} 0 20]
        expect_eq $a $b
        expect_ne $b $c
        # lrand48's sequence: the same values on every host.
        expect_eq [r eval {math.randomseed(10) return {tostring(math.random()), math.random(5), math.random(3, 9)}} 0] {0.87885112309775 4 6}
        set x [r eval {return tostring(math.random())} 0]
        expect_ne $x [r eval {return tostring(math.random())} 0]
        expect_err "*interval is empty*" {r eval {return math.random(0)} 0}
        expect_err "*wrong number of arguments*" {r eval {return math.random(1, 2, 3)} 0}
    }

    test "cjson: decode, encode, configuration" {
        expect_eq [r eval {return table.concat(cjson.decode("[0.0, -5e3, -1, 0.3e-3, 1023.2, 0e10]"), " ")} 0] {0 -5000 -1 0.0003 1023.2 0}
        expect_eq [r eval {local d = cjson.decode('{"keya": "a", "keyb": "b"}') return {d.keya, d.keyb}} 0] {a b}
        expect_eq [r eval {return cjson.encode({1, 2, 'x'})} 0] {[1,2,"x"]}
        expect_eq [r eval {return cjson.encode({a = {b = true}})} 0] {{"a":{"b":true}}}
        expect_eq [r eval {return tostring(cjson.decode('null') == cjson.null)} 0] true
        expect_err "*Expected*" {r eval {return cjson.decode('[bad')} 0}
        expect_eq [r eval {
            local ok = pcall(cjson.encode, {num = 0/0})
            cjson.encode_invalid_numbers(true)
            local ok2 = pcall(cjson.encode, {num = 0/0})
            cjson.encode_invalid_numbers(false)
            cjson.encode_max_depth(1)
            local ok3 = pcall(cjson.encode, {a = {b = 1}})
            cjson.encode_max_depth(1000)
            return {tostring(ok), tostring(ok2), tostring(ok3)}
        } 0] {false true false}
    }

    test "bit: operations and tohex" {
        expect_eq [r eval {return {bit.tobit(1), bit.band(1), bit.bxor(1,2), bit.bor(1,2,4,8,16,32,64,128)}} 0] {1 1 3 255}
        expect_eq [r eval {return {bit.lshift(1, 4), bit.rshift(256, 4), bit.bnot(0)}} 0] {16 16 -1}
        expect_eq [r eval {return bit.tohex(65535)} 0] 0000ffff
        expect_eq [r eval {return bit.tohex(65535, -4)} 0] FFFF
        expect_eq [r eval {return bit.tohex(65535, -2147483648)} 0] 0000FFFF
        expect_eq [r eval {return bit.tohex(-1, 2)} 0] ff
        expect_eq [r ping] PONG
    }

    test "cmsgpack: encodings lua_cmsgpack writes, unpack_one and unpack_limit" {
        set hex {local h = '' for i = 1, #e do h = h .. string.format('%02x', string.byte(e, i)) end return h}
        expect_eq [r eval "local e = cmsgpack.pack(0.1) $hex" 0] cb3fb999999999999a
        expect_eq [r eval "local e = cmsgpack.pack(-1099511627776) $hex" 0] d3ffffff0000000000
        expect_eq [r eval "local e = cmsgpack.pack({1,2,3,{a=1},'x',true,false,1.5,-3,300,70000,-70000,4294967296}) $hex" 0] \
            9d01020381a16101a178c3c2ca3fc00000fdcd012cce00011170d2fffeee90cf0000000100000000
        expect_glob d92878787878* [r eval "local e = cmsgpack.pack(string.rep('x', 40)) $hex" 0]
        # A table containing itself is cut at depth 16.
        expect_eq [r eval "local a = {x=nil,y=5} local b = {x=a} a\['x'\] = b local e = cmsgpack.pack(a) $hex" 0] \
            82a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a178c0
        expect_eq [r eval {return {cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 0)}} 0] {1 1}
        expect_eq [r eval {return {cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 2)}} 0] {-1 3}
        expect_eq [r eval {return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2, 1)}} 0] {-1 2 3}
        expect_eq [r eval {return {cmsgpack.unpack(cmsgpack.pack(1, 'a', {1, 2}))}} 0] {1 a {1 2}}
        expect_eq [r eval {local t = cmsgpack.unpack(cmsgpack.pack({k = 'v', n = {1}})) return {t.k, t.n[1]}} 0] {v 1}
        expect_eq [r eval {return {cmsgpack.unpack(string.char(0xcf,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff))}} 0] {-1}
        expect_err "*Bad data format in input.*" {r eval {return cmsgpack.unpack(string.char(0xc1))} 0}
        expect_err "*Missing bytes in input.*" {r eval {return cmsgpack.unpack(string.char(0xcd, 1))} 0}
        expect_err "*Missing bytes in input.*" {r eval {return cmsgpack.unpack(string.char(0x92, 1))} 0}
        expect_err "*MessagePack pack needs input.*" {r eval {return cmsgpack.pack()} 0}
        # A round trip of big values.
        expect_eq [r eval {
            local big = {}
            for i = 1, 100000 do big[i] = i end
            local m = {}
            for i = 1, 1000 do m[tostring(i)] = i end
            local s = string.rep('x', 70000)
            local d = cmsgpack.unpack(cmsgpack.pack({big, m, s, -3147483648, 2^40}))
            return {#d[1], d[1][100000], d[2]['1000'], #d[3], tostring(d[4]), tostring(d[5])}
        } 0] {100000 100000 1000 70000 -3147483648 1099511627776}
    }

    test "struct: pack, unpack, size and their errors" {
        expect_eq [r eval {return {struct.unpack('>h<I2', struct.pack('>h<I2', -2, 513))}} 0] {-2 513 5}
        expect_eq [r eval {return {struct.unpack('BBc0', struct.pack('BBc0', 1, 3, 'abc'))}} 0] {1 abc 6}
        expect_eq [r eval {return {struct.unpack('>d>f', struct.pack('>d>f', 1.5, 2.25))}} 0] {1 2 13}
        expect_eq [r eval {return {struct.unpack('!8 b d', struct.pack('!8 b d', -1, 3.5))}} 0] {-1 3 17}
        expect_eq [r eval {return {struct.unpack('s', struct.pack('s', 'hi'))}} 0] {hi 4}
        expect_eq [r eval {return struct.size('!4bi4d')} 0] 16
        expect_eq [r eval {local s = struct.pack('>i3', -2) return {s:byte(1, -1)}} 0] {255 255 254}
        expect_err "*invalid format option 'q'*" {r eval {return struct.pack('q', 1)} 0}
        expect_err "*integral size 33 is larger than limit of 32*" {r eval {return struct.pack('i33', 1)} 0}
        expect_err "*alignment 3 is not a power of 2*" {r eval {return struct.pack('!3i', 1)} 0}
        expect_err "*unfinished string in data*" {r eval {return struct.unpack('s', 'abc')} 0}
        expect_err "*bad argument #2 to 'unpack' (data string too short)*" {r eval {return struct.unpack('>h', 'ab', 5)} 0}
        expect_err "*offset must be 1 or greater*" {r eval {return struct.unpack('>h', 'ab', 0)} 0}
        expect_err "*format 'c0' needs a previous size*" {r eval {return struct.unpack('c0', 'ab')} 0}
        expect_err "*option 's' has no fixed size*" {r eval {return struct.size('s')} 0}
        expect_err "*string too short*" {r eval {return struct.pack('c5', 'ab')} 0}
    }

    test "Shebang flags on EVAL" {
        r del k
        expect_eq [r eval "#!lua\nreturn redis.call('set', KEYS\[1\], 'v')" 1 k] OK
        expect_eq [r eval "#!lua flags=no-writes\nreturn redis.call('get', KEYS\[1\])" 1 k] v
        expect_err "ERR Write commands are not allowed from read-only scripts.*" {r eval "#!lua flags=no-writes\nreturn redis.call('set', KEYS\[1\], 'x')" 1 k}
        expect_eq [r eval "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1" 0] 1
        expect_eq [r eval "#!lua flags=\nreturn 1" 0] 1
        expect_err "ERR Unexpected flag in script shebang: bad" {r eval "#!lua flags=no-writes,bad\nreturn 1" 0}
        expect_err "ERR Unexpected flag in script shebang: NO-WRITES" {r eval "#!lua flags=NO-WRITES\nreturn 1" 0}
        expect_err "ERR Unknown lua shebang option: name=x" {r eval "#!lua name=x\nreturn 1" 0}
        expect_err "ERR Unexpected engine in script shebang: #!js" {r eval "#!js\nreturn 1" 0}
        expect_err "ERR Invalid script shebang" {r eval "#!lua flags=no-writes" 0}
        expect_err "ERR Invalid script shebang" {r script load "#!lua"}
        # The shebang line counts: errors name the right line.
        expect_err "*on @user_script:2." {r eval "#!lua\nnosuch()" 0}
        # *_RO commands refuse a script that may write.
        expect_err "ERR Can not execute a script with write flag using \\*_ro command." {r eval_ro "#!lua\nreturn 1" 0}
        expect_eq [r eval_ro "#!lua flags=no-writes\nreturn 1" 0] 1
        set sha [r script load "#!lua\nreturn 2"]
        expect_err "ERR Can not execute a script with write flag using*" {r evalsha_ro $sha 0}
        expect_eq [r evalsha $sha 0] 2
    }

    test "EVAL_RO and read-only scripts refuse writes, and may_replicate commands too" {
        r set foo bar
        expect_eq [r eval_ro {return redis.call('get', KEYS[1])} 1 foo] bar
        expect_err "ERR Write commands are not allowed from read-only scripts.*" {r eval_ro {redis.call('del', KEYS[1])} 1 foo}
        expect_err "ERR Write commands are not allowed from read-only scripts.*" {r eval_ro {redis.call('publish', 'ch', 'm')} 0}
        expect_eq [r eval_ro {return redis.pcall('del', KEYS[1])['err']} 1 foo] {ERR Write commands are not allowed from read-only scripts.}
        expect_eq [r get foo] bar
    }

    test "maxmemory: a script's first write is refused when over the limit, reads still run" {
        r set k v
        r config set maxmemory 1
        expect_err "OOM command not allowed when used memory > 'maxmemory'.*" {r eval {redis.call('set', 'x', 1)} 0}
        expect_eq [r eval {return redis.call('get', 'k')} 0] v
        expect_eq [r eval {return redis.pcall('set', 'x', 1)['err']} 0] {OOM command not allowed when used memory > 'maxmemory'.}
        # A shebang script that may write is refused before it runs...
        expect_err "OOM command not allowed when used memory > 'maxmemory'." {r eval "#!lua\nreturn 1" 0}
        # ...unless it allows OOM or declares no writes.
        expect_eq [r eval "#!lua flags=allow-oom\nreturn redis.call('set', 'x', 2)" 0] OK
        expect_eq [r eval "#!lua flags=no-writes\nreturn redis.call('get', 'k')" 0] v
        # Commands that do not grow memory still run.
        expect_eq [r eval {return redis.call('del', 'x')} 0] 1
        r config set maxmemory 0
        expect_eq [r eval {return redis.call('set', 'x', 1)} 0] OK
    }

    test "Blocking commands answer at once inside scripts" {
        r del l s empty_zset
        expect_eq [teval {return redis.pcall('blpop', 'l', 0)} 1 l] {nullbulk}
        expect_eq [teval {return redis.pcall('brpoplpush', 'l', 'l2', 0)} 1 l] {nullbulk}
        expect_eq [teval {return redis.pcall('blmove', 'l', 'l2', 'LEFT', 'LEFT', 0)} 1 l] {nullbulk}
        expect_eq [teval {return redis.pcall('bzpopmin', 'empty_zset', 0)} 1 empty_zset] {nullbulk}
        r xgroup create s g $ MKSTREAM
        expect_eq [teval {return redis.pcall('xread', 'BLOCK', 0, 'STREAMS', 's', '$')} 1 s] {nullbulk}
        expect_eq [teval {return redis.pcall('xreadgroup', 'group', 'g', 'c', 'BLOCK', 0, 'STREAMS', 's', '>')} 1 s] {nullbulk}
        expect_eq [r ping] PONG
    }

    test "Scripts use the caller's database; SELECT inside does not move the caller" {
        r select 10
        r set mykey "this is DB 10"
        r select 9
        r set mykey "this is DB 9"
        expect_eq [r eval {return redis.call('get', KEYS[1])} 1 mykey] "this is DB 9"
        expect_eq [r eval {redis.call('select', '10') return redis.call('get', KEYS[1])} 1 mykey] "this is DB 10"
        expect_eq [r get mykey] "this is DB 9"
        expect_err "ERR DB index is out of range*" {r eval {redis.call('select', '99')} 0}
        r select 0
    }

    test "Effects are propagated, wrapped in MULTI/EXEC when there are several; EVAL itself never" {
        r flushall
        set p [propagated {
            r eval {redis.call('set', 'a', '1'); redis.call('set', 'b', '2'); redis.call('get', 'a')} 0
        }]
        expect_eq $p {multi {set a 1} {set b 2} exec}
        expect_eq [propagated { r eval {redis.call('set', 'c', '1')} 0 }] {{set c 1}}
        expect_eq [propagated { r eval {return redis.call('get', 'c')} 0 }] {}
        expect_eq [propagated { r eval {return redis.call('mget', 'a', 'b')} 0 }] {}
        # Deterministic forms, as the commands write them.
        set p [propagated { r eval {redis.call('expire', KEYS[1], 100)} 1 c }]
        expect_eq [lindex $p 0 0] pexpireat
        r sadd myset x
        expect_eq [propagated { r eval {return redis.call('spop', 'myset')} 0 }] {{srem myset x}}
        r del n
        expect_eq [propagated { r eval {redis.call('incrbyfloat', KEYS[1], 1)} 1 n }] {{set n 1 KEEPTTL}}
        # A script's failed write propagates nothing.
        r sadd tset a
        expect_eq [propagated { catch {r eval {redis.call('incr', 'tset')} 0} }] {}
        # set_repl(REPL_NONE) keeps writes out of the stream.
        set p [propagated {
            r eval {redis.set_repl(redis.REPL_NONE); redis.call('set','d','1'); redis.set_repl(redis.REPL_ALL); redis.call('set','e','1')} 0
        }]
        expect_eq $p {{set e 1}}
        expect_eq [r get d] 1
        # SELECT inside a script is in the stream.
        set p [propagated { r eval {redis.call('select', '3'); redis.call('set', 'f', '1')} 0 }]
        expect_eq $p {{select 3} {set f 1}}
        # EVAL inside MULTI: one unit with the transaction's other writes.
        set p [propagated {
            r multi
            r set g 1
            r eval {redis.call('set', 'h', '1'); redis.call('set', 'i', '1')} 0
            r exec
        }]
        expect_eq $p {multi {set g 1} {set h 1} {set i 1} exec}
        r select 0
    }

    test "EVAL in MULTI is queued; WATCH sees the script's writes; notifications fire" {
        r del w
        r multi
        expect_eq [r eval {return redis.call('incr', 'w')} 0] QUEUED
        expect_eq [r eval {return redis.call('incr', 'w')} 0] QUEUED
        expect_eq [r exec] {1 2}
        set c [new_client]
        $c watch w
        r eval {redis.call('set', 'w', 'x')} 0
        $c multi
        $c get w
        expect_null {$c exec}
        $c .close
        r config set notify-keyspace-events KEA
        set s [new_client]
        $s psubscribe __keyevent@0__:*
        r eval {redis.call('set', 'nk', 'v'); redis.call('del', 'nk')} 0
        set m1 [$s .read]
        set m2 [$s .read]
        expect_eq [lrange $m1 2 3] {__keyevent@0__:set nk}
        expect_eq [lrange $m2 2 3] {__keyevent@0__:del nk}
        $s .close
        r config set notify-keyspace-events ""
    }

    test "MONITOR shows EVAL before the commands it runs" {
        set m [new_client]
        $m monitor
        r eval {redis.call('set', 'mon', '1')} 0
        set l1 [$m .read]
        set l2 [$m .read]
        expect_glob "*\"eval\"*" $l1
        expect_glob "*lua\] \"set\" \"mon\" \"1\"" $l2
        $m .close
    }

    test "INFO: interpreter memory and cache counters; SCRIPT FLUSH gives the memory back" {
        r script flush
        set base [info_field memory used_memory_lua]
        expect_gt $base 0
        expect_eq [info_field memory used_memory_vm_eval] $base
        for {set j 0} {$j < 200} {incr j} { r script load "return {$j, 'some text to make it bigger', $j}" }
        expect_eq [info_field memory number_of_cached_scripts] 200
        expect_gt [info_field memory used_memory_lua] [expr {$base + 20000}]
        expect_gt [info_field memory used_memory_scripts_eval] 8000
        expect_eq [info_field memory used_memory_scripts] [expr {[info_field memory used_memory_scripts_eval] + [info_field memory used_memory_functions]}]
        r script flush
        expect_lt [info_field memory used_memory_lua] [expr {$base + 10000}]
        expect_eq [info_field memory number_of_cached_scripts] 0
    }

    test "EVAL does not leak in the Lua stack or heap" {
        r script flush
        r set x 0
        for {set j 0} {$j < 10000} {incr j} { r .send eval {return redis.call("incr", KEYS[1])} 1 x }
        for {set j 0} {$j < 10000} {incr j} { r .read }
        expect_lt [info_field memory used_memory_lua] [expr {1024 * 100}]
        expect_eq [r get x] 10000
        expect_eq [r eval {return redis.call('incr', 'x')} 0] 10001
    }

    test "Many arguments: a command with 100 and with 7999 arguments" {
        r del mylist l
        set want {}
        for {set i 1} {$i <= 100} {incr i} { lappend want $i }
        expect_eq [r eval {
            local x = {}
            for i = 1, 100 do table.insert(x, i) end
            redis.call('rpush', 'mylist', unpack(x))
            return redis.call('lrange', 'mylist', 0, -1)
        } 1 mylist] $want
        expect_eq [r eval {
            local a = {}
            for i = 1, 7999 do a[i] = 1 end
            return redis.call("lpush", "l", unpack(a))
        } 1 l] 7999
    }

    test "Real-world: a token-bucket rate limiter" {
        set limiter {
            local key = KEYS[1]
            local capacity = tonumber(ARGV[1])
            local refill_per_ms = tonumber(ARGV[2])
            local now = tonumber(ARGV[3])
            local want = tonumber(ARGV[4])
            local b = redis.call('HMGET', key, 'tokens', 'ts')
            local tokens = tonumber(b[1]) or capacity
            local ts = tonumber(b[2]) or now
            tokens = math.min(capacity, tokens + (now - ts) * refill_per_ms)
            local allowed = 0
            if tokens >= want then
                tokens = tokens - want
                allowed = 1
            end
            redis.call('HSET', key, 'tokens', tokens, 'ts', now)
            redis.call('PEXPIRE', key, math.ceil(capacity / refill_per_ms))
            return {allowed, tostring(tokens)}
        }
        r del bucket
        set sha [r script load $limiter]
        set got {}
        foreach now {1000 1000 1000 1000 1000 1000} { lappend got [lindex [r evalsha $sha 1 bucket 5 0.01 $now 1] 0] }
        expect_eq $got {1 1 1 1 1 0}
        # 100 ms later one token came back.
        expect_eq [r evalsha $sha 1 bucket 5 0.01 1100 1] {1 0}
        expect_eq [r evalsha $sha 1 bucket 5 0.01 1100 1] {0 0}
        expect_between [r pttl bucket] 1 500
        # Propagated as the writes it made.
        set p [propagated { r evalsha $sha 1 bucket 5 0.01 2000 1 }]
        expect_eq [lindex $p 0] multi
        expect_eq [lindex $p 1 0] hset
        expect_eq [lindex $p 2 0] pexpireat
    }

    test "Real-world: a Redlock-style lock release" {
        set release {
            if redis.call("get", KEYS[1]) == ARGV[1] then
                return redis.call("del", KEYS[1])
            else
                return 0
            end
        }
        r set lock token-a NX PX 30000
        expect_eq [r eval $release 1 lock token-b] 0
        expect_eq [r get lock] token-a
        expect_eq [r eval $release 1 lock token-a] 1
        expect_eq [r exists lock] 0
        expect_eq [r eval $release 1 lock token-a] 0
        expect_eq [propagated { r set lock t; r eval $release 1 lock t }] {{set lock t} {del lock}}
    }

    test "Real-world: a job queue's move-and-ack over lists and sorted sets" {
        # Take a job: move it from the waiting list to the active list and
        # record its deadline in a sorted set.  Ack: remove it from both.
        # Requeue: jobs past their deadline go back to waiting.
        set take {
            local job = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
            if not job then return false end
            redis.call('ZADD', KEYS[3], tonumber(ARGV[1]) + tonumber(ARGV[2]), job)
            return job
        }
        set ack {
            local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return removed
        }
        set requeue {
            local late = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
            for _, job in ipairs(late) do
                redis.call('LREM', KEYS[2], 1, job)
                redis.call('RPUSH', KEYS[1], job)
                redis.call('ZREM', KEYS[3], job)
            end
            return #late
        }
        r del q:wait q:active q:deadline
        r lpush q:wait j1 j2 j3
        expect_eq [r eval $take 3 q:wait q:active q:deadline 1000 500] j1
        expect_eq [r eval $take 3 q:wait q:active q:deadline 1100 500] j2
        expect_eq [r lrange q:active 0 -1] {j2 j1}
        expect_eq [r zrange q:deadline 0 -1 withscores] {j1 1500 j2 1600}
        expect_eq [r eval $ack 2 q:active q:deadline j1] 1
        expect_eq [r eval $ack 2 q:active q:deadline j1] 0
        expect_eq [r eval $requeue 3 q:wait q:active q:deadline 2000] 1
        expect_eq [r lrange q:wait 0 -1] {j3 j2}
        expect_eq [r llen q:active] 0
        expect_eq [r zcard q:deadline] 0
        expect_eq [r eval $take 3 q:wait q:active q:deadline 3000 500] j2
        expect_eq [r eval $take 3 q:wait q:active q:deadline 3000 500] j3
        expect_eq [teval $take 3 q:wait q:active q:deadline 3000 500] {nullbulk}
    }
}

with_server -config {busy-reply-threshold 50} {
    test "SHUTDOWN after scripts, errors, kills, functions and flushes leaves no sanitizer report" {
        r set s 1
        r eval {return redis.call('get', KEYS[1])} 1 s
        catch {r eval {return redis.call('incr', 'nosuchkey', 'extra')} 0}
        catch {r eval {error({})} 0}
        catch {r eval {return (} 0}
        r eval {return cmsgpack.unpack(cmsgpack.pack({1, {a = 'b'}, 'c'}))} 0
        r eval {return struct.pack('>i4', 7)} 0
        r eval {return cjson.encode(cjson.decode('[1, {"a": [2]}]'))} 0
        set a [new_client]
        $a .send eval {local i = 0 while true do i = i + 1 end} 0
        wait_for {[catch {r ping} e] && [string match BUSY* $e]} -timeout 5000
        r script kill
        catch {$a .read}
        $a .close
        r function load "#!lua name=leak\nredis.register_function{function_name='lf', callback=function(k, a) return redis.call('set', k\[1\], a\[1\]) end, description='d'}"
        r fcall lf 1 k v
        set dump [r function dump]
        r function restore $dump replace
        catch {r function load "#!lua name=bad\nredis.register_function('x', 1)"}
        r script load {return 'cached'}
        r script flush
        r function flush
        r function load "#!lua name=kept\nredis.register_function('kf', function() return 1 end)"
        r eval {return 'kept script'} 0
        r .send shutdown nosave
        expect_eq [r .closed 5000] 1
        expect_true {[srvh::wait_exit [srv pid] 10000]} "server exited"
        set fh [open [srv stderr]]
        set err [read $fh]
        close $fh
        expect_true {![string match "*Sanitizer*" $err]} "stderr: [tf::show $err 2000]"
        expect_true {![string match "*runtime error*" $err]} "stderr: [tf::show $err 2000]"
    }
}
