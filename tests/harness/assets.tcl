# Test data kept in the repository (tests/assets/, see its README): the
# facts about Valkey's interface that the suites compare against.  Tests
# reach them only through these procs, so no test builds a path of its own
# and nothing can read outside the repository.

namespace eval assets {
    variable dir [file join [file dirname [file dirname [file normalize [info script]]]] assets]
}

# Full path of an asset file; a missing file is an error naming it (a test
# that silently found nothing to compare would pass for the wrong reason).
proc asset_path {name} {
    set p [file join $assets::dir $name]
    if {![file isfile $p]} { error "test asset missing: tests/assets/$name" }
    return $p
}

# The rows of a tab-separated asset, each a list of fields; blank lines
# and '#' header lines are left out.
proc asset_rows {name} {
    set fh [open [asset_path $name]]
    set text [read $fh]
    close $fh
    set rows {}
    foreach line [split $text \n] {
        if {$line eq "" || [string index $line 0] eq "#"} continue
        lappend rows [split $line \t]
    }
    return $rows
}

# The lines of a text asset, trimmed, blank lines left out.
proc asset_lines {name} {
    set fh [open [asset_path $name]]
    set text [read $fh]
    close $fh
    set out {}
    foreach line [split $text \n] {
        set line [string trim $line]
        if {$line ne ""} { lappend out $line }
    }
    return $out
}
