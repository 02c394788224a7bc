# selfcheck.tcl - the harness checked against itself: run by run-all.sh
# (the "checks" stage), which expects exactly "2 passed, 4 failed".  Each
# test below that must fail does so in a different way; if the harness ever
# counted one of them as a pass (as a direct tf::fail once was, returning
# through the body's frame), the totals change and the check fails.

test "selfcheck: a passing assertion passes" { expect_eq 1 1 }
test "selfcheck: a body that returns early passes" { return }
test "selfcheck: expect_eq with different values fails" { expect_eq 1 2 }
test "selfcheck: tf::fail called directly in a loop fails" {
    foreach k {a} { tf::fail "direct $k" }
}
test "selfcheck: a Tcl error in the body fails" { error "boom" }
test "selfcheck: expect_err on a command that succeeds fails" {
    expect_err "ERR *" {set x 1}
}
