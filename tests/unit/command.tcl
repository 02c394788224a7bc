# command.tcl - COMMAND and its subcommands against Valkey's interface
# facts (tests/assets/commands.tsv): for every command we serve,
# COMMAND INFO's arity, flags and key specs equal Valkey's, COMMAND DOCS has
# an entry with a summary and a well-formed argument tree; then GETKEYS and
# GETKEYSANDFLAGS on representative commands, COMMAND LIST filters, COUNT,
# the reply shapes in RESP2 and RESP3, and the errors.

file_tags {command}

array set vk_arity {}
array set vk_flags {}
array set vk_specs {}
array set vk_group {}
array set vk_since {}
foreach f [asset_rows commands.tsv] {
    # "client list" in the file is "client|list" in COMMAND's replies.
    set name [string map {" " |} [lindex $f 0]]
    set vk_arity($name) [lindex $f 1]
    set vk_flags($name) [lindex $f 4]
    set vk_specs($name) [lindex $f 5]
    # COMMAND DOCS spells the group "sorted-set" where the file has "_".
    set vk_group($name) [string map {_ -} [lindex $f 2]]
    set vk_since($name) [lindex $f 3]
}

# Flags Valkey never shows in COMMAND INFO.
set hidden_flags {may_replicate sentinel only_sentinel protected touches_arbitrary_keys}

proc cmd_flags_of_tsv {text} {
    set out {}
    foreach f [split $text ,] {
        if {$f ne "" && $f ni $::hidden_flags} { lappend out $f }
    }
    return [lsort $out]
}

# One key spec of COMMAND INFO (a dict, RESP2 flattened) in the file's
# form: begin/find/FLAGS, keyword specs without their startfrom, flags
# sorted so that their order does not matter.
proc spec_to_text {spec} {
    set bs [dict get $spec begin_search]
    set fk [dict get $spec find_keys]
    set bspec [dict get $bs spec]
    set fspec [dict get $fk spec]
    switch [dict get $bs type] {
        index { set b [dict get $bspec index] }
        keyword { set b "keyword:[dict get $bspec keyword]" }
        unknown { set b ? }
        default { set b "bad:[dict get $bs type]" }
    }
    switch [dict get $fk type] {
        range { set f "range:[dict get $fspec lastkey],[dict get $fspec keystep],[dict get $fspec limit]" }
        keynum { set f "keynum:[dict get $fspec keynumidx],[dict get $fspec firstkey],[dict get $fspec keystep]" }
        unknown { set f ? }
        default { set f "bad:[dict get $fk type]" }
    }
    return "$b/$f/[join [lsort [string toupper [dict get $spec flags]]] |]"
}

proc tsv_specs_sorted {text} {
    set out {}
    foreach s [split $text {;}] {
        if {$s eq ""} continue
        lassign [split $s /] b f fl
        lappend out "$b/$f/[join [lsort [split $fl |]] |]"
    }
    return $out
}

# Checks an argument list of COMMAND DOCS; returns "" or what is wrong.
proc check_doc_args {args nspecs where} {
    set types {string integer double key pattern unix-time pure-token oneof block}
    foreach a $args {
        if {![dict exists $a name] || [dict get $a name] eq ""} { return "$where: argument without a name: $a" }
        set name [dict get $a name]
        if {![dict exists $a type]} { return "$where: $name has no type" }
        set type [dict get $a type]
        if {$type ni $types} { return "$where: $name has type $type" }
        # A pattern may name keys too (SORT's BY/GET point at key spec 1).
        if {$type eq "key" || ($type eq "pattern" && [dict exists $a key_spec_index])} {
            if {![dict exists $a key_spec_index]} { return "$where: key $name has no key_spec_index" }
            set i [dict get $a key_spec_index]
            if {$i < 0 || $i >= $nspecs} { return "$where: key $name names key spec $i of $nspecs" }
        } elseif {[dict exists $a key_spec_index]} {
            return "$where: $name is no key but has a key_spec_index"
        }
        if {$type eq "pure-token" && ![dict exists $a token]} { return "$where: pure-token $name has no token" }
        if {[dict exists $a flags]} {
            foreach fl [dict get $a flags] {
                if {$fl ni {optional multiple multiple_token}} { return "$where: $name has flag $fl" }
            }
        }
        if {$type in {oneof block}} {
            if {![dict exists $a arguments] || [llength [dict get $a arguments]] == 0} {
                return "$where: $type $name has no members"
            }
            set bad [check_doc_args [dict get $a arguments] $nspecs "$where $name"]
            if {$bad ne ""} { return $bad }
        } elseif {[dict exists $a arguments]} {
            return "$where: $type $name has members"
        }
    }
    return ""
}

proc expect_false_match {pattern text} {
    foreach line [split $text \n] {
        if {[string match $pattern $line]} { tf::fail "unexpected log line: $line" }
    }
}

with_server {
    set served [r command list]

    test "the Valkey command facts are available" {
        expect_true {[array size vk_arity] > 300}
        expect_true {[llength $served] > 60}
    }

    test "the documentation check found every command documented and consistent" {
        # command_meta_init() runs on the first COMMAND call (and the argument
        # trees on the first COMMAND DOCS); it logs rows that are missing,
        # malformed or disagree with the command table.
        r command docs
        set log [server_log]
        expect_false_match "*lack documentation*" $log
        expect_false_match "*Command '*" $log
    }

    test "COMMAND LIST names commands and subcommands, COUNT counts commands" {
        expect_true {"get" in $served}
        expect_true {"config|get" in $served}
        expect_true {"command|docs" in $served}
        set top 0
        foreach n $served { if {![string match *|* $n]} { incr top } }
        expect_eq [r command count] $top
        expect_eq [llength [r command]] $top
        expect_eq [llength [lsort -unique $served]] [llength $served]
    }

    test "COMMAND INFO: arity, flags and key specs of every command equal Valkey's" {
        foreach name $served {
            expect_true {[info exists vk_arity($name)]} "unknown to Valkey: $name"
            set e [lindex [r command info $name] 0]
            expect_eq [llength $e] 10 "$name: entry length"
            expect_eq [lindex $e 0] $name
            expect_eq [lindex $e 1] $vk_arity($name) "$name: arity"
            set flags [lsearch -all -inline -not -exact [lindex $e 2] movablekeys]
            expect_eq [lsort $flags] [cmd_flags_of_tsv $vk_flags($name)] "$name: flags"
            set specs {}
            foreach s [lindex $e 8] { lappend specs [spec_to_text $s] }
            expect_eq $specs [tsv_specs_sorted $vk_specs($name)] "$name: key specs"
            # Every command is @fast or @slow, never both.
            set acl [lindex $e 6]
            expect_true {("@fast" in $acl) != ("@slow" in $acl)} "$name: acl $acl"
        }
    }

    test "COMMAND DOCS: every command has a summary and well-formed arguments" {
        set all [r command docs]
        set top 0
        foreach n $served { if {![string match *|* $n]} { incr top } }
        expect_eq [expr {[llength $all] / 2}] $top "documented commands"
        foreach name $served {
            set d [r command docs $name]
            expect_eq [llength $d] 2 "$name: COMMAND DOCS entry"
            expect_eq [lindex $d 0] $name
            set doc [lindex $d 1]
            foreach field {summary since group} {
                expect_true {[dict exists $doc $field] && [dict get $doc $field] ne ""} "$name: $field"
            }
            expect_eq [dict get $doc group] $vk_group($name) "$name: group"
            expect_eq [dict get $doc since] $vk_since($name) "$name: since"
            set nspecs [llength [lindex [r command info $name] 0 8]]
            if {[dict exists $doc arguments]} {
                expect_eq [check_doc_args [dict get $doc arguments] $nspecs $name] ""
            }
            if {[dict exists $doc history]} {
                foreach h [dict get $doc history] {
                    expect_eq [llength $h] 2 "$name: history entry"
                    expect_re {^\d+\.\d+\.\d+$} [lindex $h 0]
                }
            }
            # A key spec is referred to by at least one argument, unless the
            # keys it finds are not named in the arguments (unknown specs).
        }
    }

    test "COMMAND DOCS of a container nests its subcommands" {
        set doc [dict get [r command docs config] config]
        set subs [dict get $doc subcommands]
        expect_true {[dict exists $subs config|get]}
        expect_true {[dict exists [dict get $subs config|get] summary]}
        # The argument tree of SET: key, value, then optional oneofs.
        set args [dict get [dict get [r command docs set] set] arguments]
        expect_eq [dict get [lindex $args 0] type] key
        expect_eq [dict get [lindex $args 0] key_spec_index] 0
        set cond [lindex $args 2]
        expect_eq [dict get $cond type] oneof
        expect_eq [dict get $cond flags] optional
        expect_eq [lmap a [dict get $cond arguments] {dict get $a token}] {NX XX}
        set exp [lindex $args 4]
        expect_eq [lmap a [dict get $exp arguments] {dict get $a token}] {EX PX EXAT PXAT KEEPTTL}
        expect_eq [dict get [lindex [dict get $exp arguments] 0] type] integer
    }

    test "COMMAND DOCS leaves unknown names out; COMMAND INFO gives them a null" {
        expect_eq [r command docs nosuchcmd] {}
        expect_eq [llength [r command docs nosuchcmd get]] 2
        set e [r command info nosuchcmd get]
        expect_eq [llength $e] 2
        expect_eq [lindex $e 0] {}
        expect_eq [lindex $e 1 0] get
        # Names are case-insensitive; the reply names the command as known.
        expect_eq [lindex [r command info GET] 0 0] get
        expect_eq [lindex [r command docs CONFIG|GET] 0] config|get
        expect_eq [lindex [r command info config|nosuch] 0] {}
    }

    test "COMMAND INFO: legacy key range, ACL categories, subcommands" {
        set info [r command info mset copy lcs object|encoding ping get flushall config|set keys]
        lassign [lindex $info 0] n - - f l s
        expect_eq [list $f $l $s] {1 -1 2}
        lassign [lindex $info 1] n - - f l s
        expect_eq [list $f $l $s] {1 2 1}
        lassign [lindex $info 2] n - - f l s
        expect_eq [list $f $l $s] {1 2 1}
        lassign [lindex $info 3] n - - f l s
        expect_eq [list $f $l $s] {2 2 1}
        lassign [lindex $info 4] n - - f l s
        expect_eq [list $f $l $s] {0 0 0}
        expect_eq [lindex $info 5 6] {@read @string @fast}
        expect_eq [lindex $info 6 6] {@keyspace @write @slow @dangerous}
        expect_eq [lindex $info 7 6] {@admin @slow @dangerous}
        expect_eq [lindex $info 8 6] {@keyspace @read @slow @dangerous}
        # Tips
        expect_eq [lindex $info 6 7] {request_policy:all_shards response_policy:all_succeeded}
        expect_eq [lindex $info 5 7] {}
        # Containers list their subcommands' entries.
        set cfg [lindex [r command info config] 0]
        expect_true {[llength [lindex $cfg 9]] >= 5}
        expect_true {"config|get" in [lmap e [lindex $cfg 9] {lindex $e 0}]}
    }

    test "COMMAND INFO and DOCS reply shapes in RESP3" {
        set c [new_client -resp 3]
        set t [$c .typed command info get]
        expect_eq [lindex $t 0] array
        set e [lindex $t 1 0]
        expect_eq [lindex $e 0] array
        set fields [lindex $e 1]
        expect_eq [lindex $fields 0] {bulk get}
        expect_eq [lindex $fields 1] {int 2}
        expect_eq [lindex $fields 2] {set {{simple readonly} {simple fast}}}
        expect_eq [lindex $fields 6 0] set
        expect_eq [lindex $fields 7] {set {}}
        set spec [lindex $fields 8 1 0]
        expect_eq [lindex $spec 0] map
        expect_eq [lindex $spec 1 0] {bulk flags}
        expect_eq [lindex $spec 1 1] {set {{simple RO} {simple access}}}
        expect_eq [lindex $fields 9] {set {}}
        set d [$c .typed command docs get]
        expect_eq [lindex $d 0] map
        expect_eq [lindex $d 1 0] {bulk get}
        expect_eq [lindex $d 1 1 0] map
        # Unknown names: an empty map, a null entry.
        expect_eq [$c .typed command docs nosuch] {map {}}
        expect_eq [$c .typed command info nosuch] {array null}
        $c .close
    }

    test "COMMAND GETKEYS on representative commands" {
        expect_eq [r command getkeys get k1] {k1}
        expect_eq [r command getkeys mset a 1 b 2 c 3] {a b c}
        expect_eq [r command getkeys del x y z] {x y z}
        expect_eq [r command getkeys set k v nx get ex 100] {k}
        expect_eq [r command getkeys lcs s1 s2 len] {s1 s2}
        expect_eq [r command getkeys copy src dst db 2 replace] {src dst}
        expect_eq [r command getkeys rename old new] {old new}
        expect_eq [r command getkeys object encoding k] {k}
        expect_eq [r command getkeys GET k1] {k1}
    }

    test "COMMAND GETKEYSANDFLAGS gives each key its access flags" {
        expect_eq [r command getkeysandflags get k] {{k {RO access}}}
        expect_eq [r command getkeysandflags set k v] {{k {OW update}}}
        expect_eq [r command getkeysandflags set k v get] {{k {RW access update}}}
        expect_eq [r command getkeysandflags copy a b] {{a {RO access}} {b {OW update}}}
        expect_eq [r command getkeysandflags rename a b] {{a {RW access delete}} {b {OW update}}}
        expect_eq [r command getkeysandflags del a b] {{a {RM delete}} {b {RM delete}}}
    }

    test "COMMAND GETKEYS errors" {
        expect_err "ERR Invalid command specified" {r command getkeys nosuch a}
        expect_err "ERR Invalid command specified" {r command getkeys object nosuch k}
        expect_err "ERR The command has no key arguments" {r command getkeys ping x}
        expect_err "ERR The command has no key arguments" {r command getkeys config get x}
        expect_err "ERR Invalid number of arguments specified for command" {r command getkeys get}
        expect_err "ERR Invalid number of arguments specified for command" {r command getkeys get a b}
        expect_err "ERR Invalid number of arguments specified for command" {r command getkeysandflags set a}
        expect_err "ERR wrong number of arguments for 'command|getkeys' command" {r command getkeys}
        expect_err "ERR wrong number of arguments for 'command|getkeysandflags' command" {r command getkeysandflags}
    }

    test "COMMAND LIST FILTERBY PATTERN, ACLCAT and MODULE" {
        set l [r command list filterby pattern conf*]
        expect_true {"config" in $l && "config|get" in $l}
        foreach n $l { expect_glob conf* $n }
        set l [r command list filterby pattern *|help]
        expect_true {"config|help" in $l && "command|help" in $l}
        set l [r command list filterby aclcat string]
        expect_true {"get" in $l && "set" in $l}
        expect_true {"ping" ni $l && "del" ni $l}
        set l [r command list filterby aclcat connection]
        expect_true {"ping" in $l && "client|id" in $l && "get" ni $l}
        set l [r command list filterby aclcat dangerous]
        expect_true {"flushall" in $l && "keys" in $l && "get" ni $l}
        # Every listed command really has the category.
        foreach n [r command list filterby aclcat fast] {
            expect_true {"@fast" in [lindex [r command info $n] 0 6]} "$n: @fast"
        }
        expect_eq [r command list filterby aclcat nosuchcat] {}
        expect_eq [r command list filterby module nosuchmodule] {}
        expect_eq [r command list filterby pattern nomatch*] {}
    }

    test "COMMAND LIST syntax errors" {
        expect_err "ERR syntax error" {r command list x}
        expect_err "ERR syntax error" {r command list filterby}
        expect_err "ERR syntax error" {r command list filterby pattern}
        expect_err "ERR syntax error" {r command list filterby foo bar}
        expect_err "ERR syntax error" {r command list filterby pattern a b}
    }

    test "COMMAND HELP and unknown subcommands" {
        set h [r command help]
        expect_glob "COMMAND <subcommand>*" [lindex $h 0]
        foreach sub {COUNT LIST INFO DOCS GETKEYS GETKEYSANDFLAGS HELP} {
            expect_true {[lsearch -glob $h "$sub*"] >= 0} "help mentions $sub"
        }
        expect_err "ERR unknown subcommand 'nosuch'. Try COMMAND HELP." {r command nosuch}
        expect_err "ERR wrong number of arguments for 'command|count' command" {r command count x}
    }
}
