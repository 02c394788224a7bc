# INFO fields that are measured, not constants: the event loop figures
# (cycles, awake time, command time, per-second rates, and the INFO DEBUG
# section), reply buffer shrinks/expands and failed AUTHs.  The test
# drives traffic and checks that each one moves (and that CONFIG
# RESETSTAT zeroes them).

file_tags {info}

proc field {text name} {
    if {[regexp "(?n)^${name}:(\[^\r\n\]*)" $text -> v]} { return $v }
    return ""
}
proc stat {name} { return [field [r info stats] $name] }
proc dbg {name} { return [field [r info debug] $name] }

with_server {
    test "eventloop_cycles, eventloop_duration_sum and _cmd_sum move with traffic" {
        set c1 [stat eventloop_cycles]
        set d1 [stat eventloop_duration_sum]
        set m1 [stat eventloop_duration_cmd_sum]
        for {set i 0} {$i < 200} {incr i} { r set k$i [string repeat x 100] }
        after 150
        set c2 [stat eventloop_cycles]
        expect_gt $c2 $c1
        expect_gt [stat eventloop_duration_sum] $d1
        expect_gt [stat eventloop_duration_cmd_sum] $m1
        # The command time is part of the awake time.
        expect_le [stat eventloop_duration_cmd_sum] [stat eventloop_duration_sum]
    }
    test "instantaneous_eventloop_cycles_per_sec and _duration_usec are sampled" {
        r config resetstat
        expect_eq [stat instantaneous_eventloop_cycles_per_sec] 0
        # 16 samples, 100 ms apart, make the average.
        after 1700
        set cps [stat instantaneous_eventloop_cycles_per_sec]
        set dur [stat instantaneous_eventloop_duration_usec]
        # At least the cron wakes the loop hz (10) times a second.
        expect_between $cps 5 100000
        expect_between $dur 1 100000
    }
    test "reply_buffer_expands counts a reply chunk that grew" {
        r config resetstat
        expect_eq [stat reply_buffer_expands] 0
        r set big [string repeat y 8000]
        expect_eq [string length [r get big]] 8000
        expect_gt [stat reply_buffer_expands] 0
    }
    test "reply_buffer_shrinks counts a chunk given back by an idle client" {
        r debug replybuffer peak-reset-time 100
        set c [new_client]
        $c client setname idler
        expect_eq [string length [$c get big]] 8000
        set before [stat reply_buffer_shrinks]
        wait_for {[stat reply_buffer_shrinks] > $before} -timeout 5000
        wait_for {[regexp {name=idler .*rbs=0 } [r client list]]} -timeout 5000
        $c .close
        r debug replybuffer peak-reset-time reset
    }
    test "acl_access_denied_auth counts failed authentications" {
        r config resetstat
        expect_eq [stat acl_access_denied_auth] 0
        r config set requirepass secret
        set c [new_client]
        catch {$c auth wrong}
        catch {$c auth default wrong}
        catch {$c hello 3 auth default wrong}
        expect_eq [stat acl_access_denied_auth] 3
        expect_eq [$c auth secret] OK
        expect_eq [stat acl_access_denied_auth] 3
        $c .close
        r config set requirepass ""
    }
    test "INFO DEBUG: only when asked for by name" {
        expect_eq [field [r info] eventloop_duration_max] ""
        expect_eq [field [r info all] eventloop_duration_max] ""
        expect_eq [field [r info everything] eventloop_duration_max] ""
        set d [r info debug]
        expect_glob "# Debug\r\n*" $d
        foreach f {eventloop_duration_aof_sum eventloop_duration_cron_sum eventloop_duration_max
                   eventloop_cmd_per_cycle_max} {
            expect_re {^[0-9]+$} [field $d $f]
        }
        # Only that section.
        expect_eq [field $d redis_version] ""
    }
    test "INFO DEBUG fields move: cron time, longest cycle, most commands in a cycle" {
        r config resetstat
        set cron1 [dbg eventloop_duration_cron_sum]
        # A pipeline of 50 commands in one write is read at once: one
        # cycle's work.
        set c [new_client]
        $c .rawsend [string repeat "PING\r\n" 50]
        for {set i 0} {$i < 50} {incr i} { expect_eq [$c .read] PONG }
        $c .close
        r debug sleep 0.05
        after 250
        expect_gt [dbg eventloop_duration_cron_sum] $cron1
        expect_ge [dbg eventloop_duration_max] 50000
        expect_ge [dbg eventloop_cmd_per_cycle_max] 2
        # Nothing goes to an AOF here.
        expect_eq [dbg eventloop_duration_aof_sum] 0
        r config resetstat
        expect_lt [dbg eventloop_duration_max] 50000
    }
}
