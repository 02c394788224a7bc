# INFO: every section and field Valkey 8 prints (checked against
# tests/assets/info-fields.txt), section selection (one, several,
# default, all, everything, unknown), values that must move when the
# server works (commands, keyspace hits/misses, errorstats, cmdstat
# failed/rejected calls, used_memory, keyspace), and CONFIG RESETSTAT.

file_tags {info}

# field -> value of every "field:value" line of an INFO text.
proc info_fields {text} {
    set d [dict create]
    foreach line [split $text \n] {
        set line [string trimright $line \r]
        if {$line eq "" || [string index $line 0] eq "#"} continue
        set i [string first : $line]
        if {$i > 0} { dict set d [string range $line 0 [expr {$i - 1}]] [string range $line [expr {$i + 1}] end] }
    }
    return $d
}

# The section titles of an INFO text, in order.
proc info_sections {text} {
    set out {}
    foreach line [split $text \n] {
        if {[regexp {^# (\S+)} $line -> name]} { lappend out $name }
    }
    return $out
}

# {Section {field ...}} from info-fields.txt; example lines (with ':')
# are kept whole.
proc load_info_fields {} {
    set d [dict create]
    set cur ""
    foreach line [asset_lines info-fields.txt] {
        if {[regexp {^# (\S+)} $line -> cur]} { dict set d $cur {}; continue }
        dict lappend d $cur $line
    }
    return $d
}

set ::known [load_info_fields]

with_server {
    test "info-fields.txt lists the thirteen sections" {
        expect_set [dict keys $::known] {Server Clients Memory Persistence Stats Replication CPU Modules
            Commandstats Errorstats Latencystats Cluster Keyspace}
    }
    test "every field of every section is present" {
        r config get maxmemory
        set all [info_fields [r info everything]]
        dict for {section fields} $::known {
            foreach f $fields {
                if {[string first : $f] >= 0} {
                    # An example line: the same field pattern must appear.
                    set name [string range $f 0 [expr {[string first : $f] - 1}]]
                    expect_true {[dict exists $all $name]} "INFO $section lacks $name"
                    set want [regsub -all {[0-9]+(\.[0-9]+)?} [string range $f [expr {[string first : $f] + 1}] end] N]
                    set got [regsub -all {[0-9]+(\.[0-9]+)?} [dict get $all $name] N]
                    expect_eq $got $want "format of $name"
                } else {
                    expect_true {[dict exists $all $f]} "INFO $section lacks $f"
                }
            }
        }
    }
    test "each section alone, with its title and only its fields" {
        dict for {section fields} $::known {
            set text [r info [string tolower $section]]
            expect_eq [info_sections $text] $section
            set got [info_fields $text]
            foreach f $fields {
                if {[string first : $f] >= 0} continue
                expect_true {[dict exists $got $f]} "INFO [string tolower $section] lacks $f"
            }
        }
    }
    test "section names are case-insensitive" {
        expect_eq [info_sections [r info SeRvEr]] Server
    }
    test "default, all, everything and several sections" {
        r set somekey v
        set def [info_sections [r info]]
        expect_eq $def {Server Clients Memory Persistence Stats Replication CPU Modules Errorstats Cluster Keyspace}
        expect_eq [info_sections [r info default]] $def
        set all [list Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats \
            Latencystats Cluster Keyspace]
        expect_eq [info_sections [r info all]] $all
        expect_eq [info_sections [r info everything]] $all
        expect_eq [info_sections [r info clients server]] {Server Clients}
        expect_eq [info_sections [r info server server]] {Server}
        expect_eq [info_sections [r info default commandstats]] \
            {Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats Cluster Keyspace}
    }
    test "an unknown section gives an empty reply" {
        expect_eq [r info nosuchsection] ""
        expect_eq [info_sections [r info nosuchsection cpu]] CPU
    }
    test "INFO is a verbatim string in RESP3, a bulk string in RESP2" {
        expect_rtype bulk {r info server}
        set c [new_client -resp 3]
        set t [$c .typed info server]
        expect_eq [lindex $t 0] verbatim
        expect_eq [lindex $t 1] txt
        $c .close
    }

    # ---- values ------------------------------------------------------------
    test "total_commands_processed counts commands" {
        set a [dict get [info_fields [r info stats]] total_commands_processed]
        r ping
        r ping
        set b [dict get [info_fields [r info stats]] total_commands_processed]
        # two PINGs and the first INFO
        expect_eq $b [expr {$a + 3}]
    }
    test "keyspace hits and misses" {
        r set hitkey v
        set s [info_fields [r info stats]]
        r get hitkey
        r get hitkey
        r get missingkey
        set t [info_fields [r info stats]]
        expect_eq [dict get $t keyspace_hits] [expr {[dict get $s keyspace_hits] + 2}]
        expect_eq [dict get $t keyspace_misses] [expr {[dict get $s keyspace_misses] + 1}]
    }
    test "errorstats, total_error_replies and failed_calls" {
        r config resetstat
        catch {r nosuchcommand}
        r set strkey v
        catch {r incr strkey}
        set e [info_fields [r info errorstats]]
        expect_eq [dict get $e errorstat_ERR] count=2
        set st [info_fields [r info stats]]
        expect_eq [dict get $st total_error_replies] 2
        set cs [info_fields [r info commandstats]]
        expect_re {^calls=1,usec=\d+,usec_per_call=[0-9.]+,rejected_calls=0,failed_calls=1$} [dict get $cs cmdstat_incr]
    }
    test "rejected_calls: arity errors are counted, not run" {
        r config resetstat
        catch {r get}
        catch {r get}
        r get a
        set cs [info_fields [r info commandstats]]
        expect_re {^calls=1,usec=\d+,usec_per_call=[0-9.]+,rejected_calls=2,failed_calls=0$} [dict get $cs cmdstat_get]
        expect_eq [dict get [info_fields [r info errorstats]] errorstat_ERR] count=2
    }
    test "errors with their own code get their own errorstat line" {
        r config resetstat
        r config set requirepass pw
        # Connections made before keep their authentication: a new one.
        set c [new_client]
        catch {$c get a}
        r config set requirepass ""
        $c .close
        set e [info_fields [r info errorstats]]
        expect_eq [dict get $e errorstat_NOAUTH] count=1
        expect_true {![dict exists $e errorstat_ERR]}
    }
    test "subcommands have their own cmdstat lines" {
        r config resetstat
        r config get maxmemory
        r client id
        set cs [info_fields [r info commandstats]]
        expect_true {[dict exists $cs cmdstat_config|get]}
        expect_true {[dict exists $cs cmdstat_client|id]}
        expect_true {![dict exists $cs cmdstat_config]}
    }
    test "used_memory grows with data, and keyspace counts keys" {
        r flushall
        set before [dict get [info_fields [r info memory]] used_memory]
        for {set i 0} {$i < 1000} {incr i} { r set key:$i [string repeat x 200] }
        r expire key:1 1000
        set after [dict get [info_fields [r info memory]] used_memory]
        expect_gt $after [expr {$before + 200000}]
        set ks [info_fields [r info keyspace]]
        expect_re {^keys=1000,expires=1,avg_ttl=\d+$} [dict get $ks db0]
        expect_true {![dict exists $ks db1]}
        r flushall
        expect_eq [info_fields [r info keyspace]] {}
    }
    test "memory fields are consistent" {
        set m [info_fields [r info memory]]
        expect_ge [dict get $m used_memory_peak] [dict get $m used_memory]
        expect_gt [dict get $m used_memory_rss] 0
        expect_le [dict get $m used_memory_startup] [dict get $m used_memory]
        expect_eq [expr {[dict get $m used_memory_overhead] + [dict get $m used_memory_dataset]}] [dict get $m used_memory]
        expect_re {^\d+\.\d\d$} [dict get $m mem_fragmentation_ratio]
        expect_re {^(jemalloc-[0-9.]+|libc)$} [dict get $m mem_allocator]
    }
    test "connected_clients follows connections" {
        set a [dict get [info_fields [r info clients]] connected_clients]
        set c [new_client]
        $c ping
        expect_eq [dict get [info_fields [r info clients]] connected_clients] [expr {$a + 1}]
        $c .close
        wait_for {[dict get [info_fields [r info clients]] connected_clients] == $a}
    }
    test "server section identity" {
        set s [info_fields [r info server]]
        expect_eq [dict get $s process_id] [srv pid]
        expect_eq [dict get $s tcp_port] [srv port]
        # The server may be a 32-bit ARM build under qemu while this Tcl is
        # 64-bit: compare with the machine the server reports it runs on.
        set machine [lindex [dict get $s os] end]
        expect_eq [dict get $s arch_bits] [expr {[string match *64* $machine] ? 64 : 32}]
        expect_true {[dict get $s uptime_in_seconds] >= 0}
        expect_eq [dict get [info_fields [r info replication]] role] master
        expect_eq [dict get [info_fields [r info cluster]] cluster_enabled] 0
    }
    test "CONFIG RESETSTAT resets what Valkey resets" {
        r set a b
        catch {r nosuchcommand}
        r config resetstat
        set st [info_fields [r info stats]]
        # The RESETSTAT itself is not counted before it resets.
        expect_le [dict get $st total_commands_processed] 1
        expect_eq [dict get $st total_error_replies] 0
        expect_eq [dict get $st keyspace_hits] 0
        expect_eq [info_fields [r info errorstats]] {}
        set cs [info_fields [r info commandstats]]
        expect_true {![dict exists $cs cmdstat_set]}
        expect_true {![dict exists [info_fields [r info latencystats]] latency_percentiles_usec_set]}
    }
}
