# command_table.tcl - the command table (src/commands.c) against Valkey's
# interface facts in tests/assets/commands.tsv: every command we serve
# exists there, and its arity is Valkey's, checked through the live server
# (one argument too few must give Valkey's arity error naming the command).
# Flags and key positions get their check once COMMAND INFO exists.

file_tags {command-table}

array set valkey_arity {}
foreach f [asset_rows commands.tsv] {
    set valkey_arity([lindex $f 0]) [lindex $f 1]
}

with_server {
    test "the Valkey command list is available" {
        expect_true {[array size valkey_arity] > 100}
    }
    test "every command we serve is a Valkey command, with Valkey's arity" {
        foreach name [r command list] {
            # COMMAND LIST names subcommands too ("config|get"), as Valkey
            # does; their arity is checked below and in command.tcl.
            if {[string match *|* $name]} continue
            expect_true {[info exists valkey_arity($name)]} "unknown to Valkey: $name"
            set arity $valkey_arity($name)
            # One argument fewer than the minimum (or than the exact count).
            set need [expr {abs($arity)}]
            if {$need <= 1} continue
            set args [lrepeat [expr {$need - 2}] x]
            expect_err "ERR wrong number of arguments for '$name' command*" [list r $name {*}$args]
        }
    }
    test "fixed-arity commands refuse one argument too many" {
        foreach name [r command list] {
            if {[string match *|* $name]} continue
            set arity $valkey_arity($name)
            if {$arity <= 0} continue
            set args [lrepeat $arity x]
            # A refused EXEC aborts the transaction (Valkey's rejectCommand).
            if {$name eq "exec"} {
                expect_err "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command" [list r $name {*}$args]
                continue
            }
            expect_err "ERR wrong number of arguments for '$name' command*" [list r $name {*}$args]
        }
    }
    test "subcommands have Valkey's arity" {
        foreach container {config client object command} {
            foreach key [array names valkey_arity "$container *"] {
                set sub [lindex $key 1]
                set arity $valkey_arity($key)
                set need [expr {abs($arity)}]
                if {$need <= 2} continue
                set reply [catch {r $container $sub {*}[lrepeat [expr {$need - 3}] x]} err]
                # Subcommands not served yet answer "unknown subcommand";
                # served ones must answer the arity error.
                if {[string match "*unknown subcommand*" $err]} continue
                expect_eq $reply 1
                expect_glob "ERR wrong number of arguments for '$container|$sub' command*" $err
            }
        }
    }
}
