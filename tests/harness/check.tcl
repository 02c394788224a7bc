# Test blocks, tags and assertions for the harness.
#
#   file_tags {string}              tags for every test in this file
#   tagged {needs:list} { ... }     tags for the tests inside; the whole block
#                                   is skipped when one of them is excluded
#   test "name" { body } ?-tags {..}?
#
# Assertions raise an error with errorcode ASSERT; `test` catches it and
# reports the file, the test name, the last command sent, expected and
# actual.  A RESP error reply that a test did not expect also fails it.

namespace eval tf {
    variable file ""
    variable passed 0
    variable failed 0
    variable skipped 0
    variable file_tags {}
    variable tag_stack {}
    variable include {}
    variable exclude {}
    variable verbose 0
    variable current ""
}

proc tf::set_filter {spec} {
    foreach t [split $spec ,] {
        set t [string trim $t]
        if {$t eq ""} continue
        if {[string index $t 0] eq "-"} {
            lappend tf::exclude [string range $t 1 end]
        } else {
            lappend tf::include $t
        }
    }
}

proc tf::selected {tags} {
    foreach t $tags { if {$t in $tf::exclude} { return 0 } }
    if {[llength $tf::include] == 0} { return 1 }
    foreach t $tags { if {$t in $tf::include} { return 1 } }
    return 0
}

proc tf::excluded {tags} {
    foreach t $tags { if {$t in $tf::exclude} { return 1 } }
    return 0
}

# Printable, bounded rendering of a value for reports.
proc tf::show {v {max 300}} {
    set s [string map {\r \\r \n \\n \t \\t \0 \\0} $v]
    regsub -all {[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\xff]} $s {?} s
    if {[string length $s] > $max} {
        set s "[string range $s 0 $max]... ([string length $v] chars)"
    }
    return $s
}

proc file_tags {tags} { set tf::file_tags $tags }

proc tagged {tags body} {
    if {[tf::excluded $tags]} {
        incr tf::skipped
        return
    }
    lappend tf::tag_stack {*}$tags
    set n [llength $tags]
    set code [catch {uplevel 1 $body} res opts]
    set tf::tag_stack [lrange $tf::tag_stack 0 end-$n]
    return -options $opts $res
}

proc test {name body args} {
    set o [dict merge {-tags {}} $args]
    set tags [concat $tf::file_tags $tf::tag_stack [dict get $o -tags]]
    if {![tf::selected $tags] || [tf::excluded $tags]} {
        incr tf::skipped
        return
    }
    set tf::current $name
    set ::resp::last_cmd ""
    set t0 [clock milliseconds]
    set code [catch {uplevel 1 $body} res opts]
    set ms [expr {[clock milliseconds] - $t0}]
    if {$code == 0 || $code == 2 || $code == 4} {
        incr tf::passed
        if {$tf::verbose} { puts "\[ok\] $tf::file: $name ($ms ms)" }
    } else {
        incr tf::failed
        set ec [dict get $opts -errorcode]
        puts "\[FAIL\] $tf::file: $name"
        if {$::resp::last_cmd ne ""} {
            puts "    command:  [tf::show $::resp::last_cmd]"
        }
        if {[lindex $ec 0] eq "ASSERT"} {
            foreach line [split $res \n] { puts "    $line" }
        } elseif {[lindex $ec 0] eq "RESP"} {
            puts "    expected: a reply (no error)"
            if {[lindex $ec 1] eq "ERR"} {
                puts "    actual:   error reply: [tf::show $res]"
            } else {
                puts "    actual:   [tf::show $res]"
            }
        } else {
            puts "    expected: test body to run"
            puts "    actual:   Tcl error: $res"
            foreach line [lrange [split [dict get $opts -errorinfo] \n] 0 8] { puts "      $line" }
        }
    }
    flush stdout
    set tf::current ""
}

# Raises the assertion error at the call site.  A plain error (level 1),
# so that a test body calling tf::fail directly fails too: with a higher
# level the body's frame would see a `return`, which `test` counts as a pass.
proc tf::fail {msg} {
    return -code error -errorcode ASSERT $msg
}

# ---- assertions -------------------------------------------------------------

proc expect_eq {got want {what ""}} {
    if {$got ne $want} {
        tf::fail "[expr {$what ne "" ? "$what\n" : ""}]expected: [tf::show $want]\nactual:   [tf::show $got]"
    }
}

proc expect_ne {got notwant} {
    if {$got eq $notwant} {
        tf::fail "expected: anything but [tf::show $notwant]\nactual:   [tf::show $got]"
    }
}

proc expect_glob {pattern got} {
    if {![string match $pattern $got]} {
        tf::fail "expected: match [tf::show $pattern]\nactual:   [tf::show $got]"
    }
}

proc expect_re {re got} {
    if {![regexp -- $re $got]} {
        tf::fail "expected: regexp [tf::show $re]\nactual:   [tf::show $got]"
    }
}

# Same elements, any order.
proc expect_set {got want} {
    if {[lsort $got] ne [lsort $want]} {
        tf::fail "expected: (any order) [tf::show [lsort $want]]\nactual:   [tf::show [lsort $got]]"
    }
}

proc expect_true {cond {what ""}} {
    set v [uplevel 1 [list expr $cond]]
    if {!$v} {
        set sub [catch {uplevel 1 [list subst $cond]} s]
        tf::fail "expected: true: $cond\nactual:   false[expr {$sub == 0 ? " ($s)" : ""}][expr {$what ne "" ? "\n$what" : ""}]"
    }
}

proc expect_lt {a b} { if {!($a < $b)} { tf::fail "expected: $a < $b\nactual:   not so" } }
proc expect_le {a b} { if {!($a <= $b)} { tf::fail "expected: $a <= $b\nactual:   not so" } }
proc expect_gt {a b} { if {!($a > $b)} { tf::fail "expected: $a > $b\nactual:   not so" } }
proc expect_ge {a b} { if {!($a >= $b)} { tf::fail "expected: $a >= $b\nactual:   not so" } }
proc expect_between {v lo hi} {
    if {!($v >= $lo && $v <= $hi)} {
        tf::fail "expected: value in \[$lo, $hi\]\nactual:   [tf::show $v]"
    }
}

# Value class check: integer, double, boolean, list, ...  (Tcl `string is`).
proc expect_is {class v} {
    if {![string is $class -strict $v]} {
        tf::fail "expected: a value of class $class\nactual:   [tf::show $v]"
    }
}

# Run script; it must fail with a server error whose text matches pattern.
proc expect_err {pattern script} {
    set code [catch {uplevel 1 $script} res opts]
    if {$code == 0} {
        tf::fail "expected: error matching [tf::show $pattern]\nactual:   reply [tf::show $res]"
    }
    set ec [dict get $opts -errorcode]
    if {[lindex $ec 0] ne "RESP" || [lindex $ec 1] ne "ERR"} {
        tf::fail "expected: server error matching [tf::show $pattern]\nactual:   [lindex $ec 0] error: [tf::show $res]"
    }
    if {![string match $pattern $res]} {
        tf::fail "expected: error matching [tf::show $pattern]\nactual:   error [tf::show $res]"
    }
    return $res
}

# Run script; the top-level RESP type of the last reply read must be `type`.
proc expect_rtype {type script} {
    set res [uplevel 1 $script]
    if {$::resp::last_type ne $type} {
        tf::fail "expected: reply of RESP type $type\nactual:   type $::resp::last_type, value [tf::show $res]"
    }
    return $res
}

# Run script; the last reply must be a null (RESP2 null bulk/array or RESP3 _).
proc expect_null {script} {
    set res [uplevel 1 $script]
    if {$::resp::last_type ni {null nullbulk nullarray}} {
        tf::fail "expected: null reply\nactual:   $::resp::last_type [tf::show $res]"
    }
}

# Poll an expr condition in the caller's scope until it holds.
proc wait_for {cond args} {
    set o [dict merge {-timeout 10000 -interval 10 -msg ""} $args]
    set deadline [expr {[clock milliseconds] + [dict get $o -timeout]}]
    while 1 {
        if {[uplevel 1 [list expr $cond]]} return
        if {[clock milliseconds] > $deadline} break
        after [dict get $o -interval]
    }
    set sub [catch {uplevel 1 [list subst $cond]} s]
    tf::fail "expected: within [dict get $o -timeout] ms: $cond\nactual:   still false[expr {$sub == 0 ? " ($s)" : ""}][expr {[dict get $o -msg] ne "" ? "\n[dict get $o -msg]" : ""}]"
}
