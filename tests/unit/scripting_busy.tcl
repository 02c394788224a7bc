# Slow scripts: past busy-reply-threshold (lua-time-limit) a running
# EVAL or FCALL lets the server answer other clients again, with -BUSY
# for everything but allow_busy commands; SCRIPT KILL / FUNCTION KILL
# stop a script that has written nothing (UNKILLABLE otherwise), pcall
# cannot catch the kill, SHUTDOWN NOSAVE is the way out of one that
# wrote, and the caller's own pipeline waits for its script's reply.

file_tags {scripting needs:scripting}

# Waits until other clients get -BUSY.
proc wait_busy {c} {
    wait_for {[catch {$c ping} e] && [string match BUSY* $e]} -timeout 5000 -msg "the server never got busy"
}

with_server -config {busy-reply-threshold 50} {
    test "A slow read-only EVAL: others get BUSY, SCRIPT KILL stops it, the server goes on" {
        set a [new_client]
        set b [new_client]
        $a .send eval {local i = 0 while true do i = i + 1 end} 0
        wait_busy $b
        expect_err "BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE." {$b get x}
        expect_err "BUSY*" {$b eval {return 1} 0}
        # FUNCTION STATS names the running EVAL busy; FUNCTION KILL is not for it.
        expect_err "BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE." {$b function stats}
        expect_err "BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE." {$b function kill}
        expect_eq [$b script kill] OK
        expect_err "ERR Script killed by user with SCRIPT KILL. script: *, on @user_script:1." {$a .read}
        expect_eq [$b ping] PONG
        expect_eq [$a ping] PONG
        expect_err "NOTBUSY*" {$b script kill}
        wait_for {[string match "*Slow script detected*" [server_log]]}
        $a .close
        $b .close
    }

    test "pcall cannot catch the kill" {
        set a [new_client]
        set b [new_client]
        $a .send eval {while true do pcall(function() while true do end end) end} 0
        wait_busy $b
        expect_eq [$b script kill] OK
        expect_err "ERR Script killed by user with SCRIPT KILL.*" {$a .read}
        expect_eq [$a ping] PONG
        $a .close
        $b .close
    }

    test "The caller's pipeline waits for its script; its reply comes first" {
        set a [new_client]
        set b [new_client]
        $a .send eval {local i = 0 while true do i = i + 1 end} 0
        $a .send set after-kill yes
        $a .send get after-kill
        wait_busy $b
        $b script kill
        expect_err "ERR Script killed*" {$a .read}
        expect_eq [$a .read] OK
        expect_eq [$a .read] yes
        $a .close
        $b .close
    }

    test "A script that wrote cannot be killed; SHUTDOWN without NOSAVE is refused" {
        set a [new_client]
        set b [new_client]
        $a .send eval {redis.call('set', 'w', '1') local t = redis.call('time') while true do end} 0
        wait_busy $b
        expect_err "UNKILLABLE Sorry the script already executed write commands against the dataset.*SHUTDOWN NOSAVE command." {$b script kill}
        expect_err "BUSY*" {$b shutdown}
        expect_err "BUSY*" {$b shutdown save}
        # The way out.
        catch {$b shutdown nosave}
        wait_for {![srvh::alive [server_pid]]} -timeout 5000 -msg "SHUTDOWN NOSAVE did not end the server"
        catch {$a .close}
        catch {$b .close}
    }
}

with_server -config {busy-reply-threshold 50} {
    test "A slow FCALL: FUNCTION STATS shows it, SCRIPT KILL is not for it, FUNCTION KILL stops it" {
        r function load "#!lua name=slow\nredis.register_function('spin', function(keys, args) while true do end end)"
        set a [new_client]
        set b [new_client]
        $a .send fcall spin 1 k1 arg1
        wait_busy $b
        expect_err "BUSY Valkey is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE." {$b get x}
        set st [$b function stats]
        set rs [dict get $st running_script]
        expect_eq [dict get $rs name] spin
        expect_eq [dict get $rs command] {fcall spin 1 k1 arg1}
        expect_ge [dict get $rs duration_ms] 0
        expect_eq [dict get $st engines] {LUA {libraries_count 1 functions_count 1}}
        expect_err "BUSY Valkey is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE." {$b script kill}
        expect_eq [$b function kill] OK
        expect_err "ERR Script killed by user with FUNCTION KILL. script: spin, on @user_function:2." {$a .read}
        expect_eq [$a ping] PONG
        expect_eq [dict get [$b function stats] running_script] {}
        expect_err "NOTBUSY*" {$b function kill}
        $a .close
        $b .close
    }

    test "busy-reply-threshold 0: a slow script is never interrupted (lua-time-limit is its alias)" {
        r config set lua-time-limit 0
        expect_eq [lindex [r config get busy-reply-threshold] 1] 0
        set a [new_client]
        set b [new_client]
        $a .send eval {local t0 = os.clock() while os.clock() - t0 < 0.3 do end return 'done'} 0
        after 100
        # b's PING waits for the script instead of getting BUSY.
        expect_eq [$b ping] PONG
        expect_eq [$a .read] done
        r config set busy-reply-threshold 5000
        $a .close
        $b .close
    }
}
