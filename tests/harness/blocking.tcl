# Waiting for clients to block, for the tests of blocking commands (BLPOP,
# BZPOPMIN, XREAD BLOCK, ...).  Loaded by tests/run.tcl before every test
# file; all read INFO clients through `r`.
#
#   blocked_count              INFO clients blocked_clients
#   blocking_keys_count        INFO clients total_blocking_keys (-1: absent)
#   wait_blocked n             waits until exactly n clients are blocked
#   blocked_client cmd ...     a new client that sent cmd and is now blocked
#                              in it (read its reply with `$c .read`)
#   btest name {body}          `test` that first kills the other normal
#                              clients (waiters a failed test left behind)
#                              and waits until none is blocked
#
# Invariant: blocked_client returns only once the server counts one more
# blocked client than before the send, so a test's next command (the push
# that serves it) cannot race the block.

proc blocked_count {} {
    regexp {blocked_clients:(\d+)} [r info clients] -> n
    return $n
}

proc blocking_keys_count {} {
    if {![regexp {total_blocking_keys:(\d+)} [r info clients] -> n]} { return -1 }
    return $n
}

proc wait_blocked {n} {
    wait_for {[blocked_count] == $n} -msg "blocked_clients never reached $n"
}

proc blocked_client {args} {
    set c [new_client]
    set before [blocked_count]
    $c .send {*}$args
    wait_blocked [expr {$before + 1}]
    return $c
}

proc btest {name body} {
    r client kill type normal skipme yes
    wait_blocked 0
    uplevel 1 [list test $name $body]
}
