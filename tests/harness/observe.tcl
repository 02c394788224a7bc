# Seeing inside the server from a test: what a block of commands handed to
# the AOF (DEBUG PROPAGATED), the key events it fired (DEBUG KEY-EVENTS),
# the dirty counter, INFO fields, and a config value changed for one block.
# Loaded by tests/run.tcl before every test file; all talk to `r`.
#
#   propagated {body}          the commands propagated while body ran, each a
#                              list with its name lowercased
#   propagated_skip pattern    from now on (this test file), `propagated`
#                              leaves out commands matching the glob pattern
#                              (matched against the command as a list, e.g.
#                              "select *" drops every SELECT, "select 0" only
#                              the SELECT 0 a new capture starts with)
#   propagated_lower out       a DEBUG PROPAGATED GET reply, names lowercased
#   events {body}              the key events fired while body ran
#   dirty                      rdb_changes_since_last_save
#   info_field section field   one INFO field, "" when absent
#   with_config name value {body}   body with one config changed, restored
#                              afterwards even when body fails
#
# A test file may still define its own proc of the same name (it replaces
# this one for that file): each file runs in a worker process of its own.
# The procs here call only harness procs (server_info_field), never each
# other's names, so a file's replacement cannot change how they work.

namespace eval observe {
    # Glob pattern of propagated commands `propagated` leaves out; "" keeps all.
    variable skip ""
}

proc propagated_skip {pattern} { set observe::skip $pattern }

proc propagated_lower {out} {
    set res {}
    foreach cmd $out { lappend res [lreplace $cmd 0 0 [string tolower [lindex $cmd 0]]] }
    return $res
}

proc propagated {body} {
    r debug propagated start
    uplevel 1 $body
    set out [r debug propagated get]
    r debug propagated stop
    set res {}
    foreach cmd $out {
        set cmd [lreplace $cmd 0 0 [string tolower [lindex $cmd 0]]]
        if {$observe::skip ne "" && [string match $observe::skip $cmd]} continue
        lappend res $cmd
    }
    return $res
}

proc events {body} {
    r debug key-events start
    uplevel 1 $body
    set out [r debug key-events get]
    r debug key-events stop
    return $out
}

proc dirty {} { return [server_info_field rdb_changes_since_last_save persistence] }

proc info_field {section field} { return [server_info_field $field $section] }

proc with_config {name value body} {
    set saved [lindex [r config get $name] 1]
    r config set $name $value
    set code [catch {uplevel 1 $body} res opts]
    r config set $name $saved
    return -options $opts $res
}
