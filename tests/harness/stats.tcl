# Statistics for the tests of random sampling (SRANDMEMBER, HRANDFIELD,
# SPOP, ...): a sampler is checked by counting what it returned and
# comparing the counts with the uniform expectation.  Loaded by
# tests/run.tcl before every test file.
#
#   tally names list           the count of each of names in list, in the
#                              order of names; an element not in names fails
#                              the test
#   chi_square counts expected the chi-square statistic of observed counts
#                              against one expected count each
#   chi_limit df               the value a chi-square statistic with df
#                              degrees of freedom exceeds with probability
#                              ~3e-7 (Wilson-Hilferty, z = 5): a correct
#                              sampler fails it about once in three million
#                              runs, so a failure means a biased sampler

proc tally {names list} {
    foreach n $names { set c($n) 0 }
    foreach x $list {
        if {![info exists c($x)]} { tf::fail "unexpected element [tf::show $x]" }
        incr c($x)
    }
    set out {}
    foreach n $names { lappend out $c($n) }
    return $out
}

proc chi_square {counts expected} {
    set x 0.0
    foreach c $counts {
        set d [expr {$c - $expected}]
        set x [expr {$x + $d * $d / double($expected)}]
    }
    return $x
}

proc chi_limit {df} {
    set a [expr {2.0 / (9.0 * $df)}]
    return [expr {$df * pow(1.0 - $a + 5.0 * sqrt($a), 3)}]
}
