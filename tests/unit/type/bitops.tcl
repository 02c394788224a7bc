# Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
# BITFIELD_RO with Valkey 8's replies and errors.  The range commands and
# BITFIELD are checked against references written here in Tcl (exact
# big-integer arithmetic for the fields) on seeded random strings and
# arguments; then the edges: offsets at proto-max-bulk-len, negative and
# huge indexes, the end-of-string rules of BITPOS, BITOP over different
# lengths and the deleted destination, every overflow mode at every width.
# Also: encodings (writes make raw strings), TTLs kept, propagation, key
# events, the dirty counter, RESP3 shapes, binary values.

file_tags {bitops}

# ---- references ---------------------------------------------------------------

# The bits of a byte string, most significant first, as a string of 0/1.
proc bits_of {s} {
    binary scan $s B* b
    return $b
}

proc rand_bytes {n} {
    set out ""
    for {set i 0} {$i < $n} {incr i} {
        set r [expr {int(rand() * 4)}]
        # Runs of 0x00 and 0xff make the searches interesting.
        switch $r {
            0 { append out "\x00" }
            1 { append out "\xff" }
            default { append out [binary format c [expr {int(rand() * 256)}]] }
        }
    }
    return $out
}

# Range resolution shared by BITCOUNT and BITPOS: {first last} bit indexes
# or {} when empty.
proc ref_range {len start end isbit} {
    set total [expr {$isbit ? $len * 8 : $len}]
    if {$start < 0} { set start [expr {$total + $start}] }
    if {$end < 0} { set end [expr {$total + $end}] }
    if {$start < 0} { set start 0 }
    if {$end < 0} { set end 0 }
    if {$end >= $total} { set end [expr {$total - 1}] }
    if {$start > $end} { return {} }
    if {$isbit} { return [list $start $end] }
    return [list [expr {$start * 8}] [expr {$end * 8 + 7}]]
}

# BITCOUNT key ?start ?end ?unit: args as given after the key.
proc ref_bitcount {s args} {
    set len [string length $s]
    set start 0
    set end -1
    set isbit 0
    if {[llength $args] >= 1} { set start [lindex $args 0] }
    if {[llength $args] >= 2} { set end [lindex $args 1] } elseif {[llength $args] == 1} { set end [expr {$len - 1}] }
    if {[llength $args] == 3} { set isbit [expr {[string tolower [lindex $args 2]] eq "bit"}] }
    if {[llength $args] >= 1 && $start < 0 && $end < 0 && $start > $end} { return 0 }
    set r [ref_range $len $start $end $isbit]
    if {$r eq {}} { return 0 }
    set b [string range [bits_of $s] {*}$r]
    return [string length [string map {0 {}} $b]]
}

proc ref_bitpos {s bit args} {
    set len [string length $s]
    set start 0
    set end -1
    set isbit 0
    if {[llength $args] >= 1} { set start [lindex $args 0] }
    if {[llength $args] >= 2} { set end [lindex $args 1] }
    if {[llength $args] == 3} { set isbit [expr {[string tolower [lindex $args 2]] eq "bit"}] }
    set r [ref_range $len $start $end $isbit]
    if {$r eq {}} { return -1 }
    lassign $r first last
    set i [string first $bit [string range [bits_of $s] $first $last]]
    if {$i >= 0} { return [expr {$first + $i}] }
    if {$bit == 0 && [llength $args] < 2} { return [expr {$last + 1}] }
    return -1
}

# A field of the string (zero-padded past its end) as an integer.
proc ref_field_get {s sign bits offset} {
    set b [bits_of $s]
    set f [string range $b $offset [expr {$offset + $bits - 1}]]
    while {[string length $f] < $bits} { append f 0 }
    set v [expr "0b$f"]
    if {$sign && [string index $f 0] eq "1"} { set v [expr {$v - (1 << $bits)}] }
    return $v
}

# The string with the field set to v's low bits (grown with zero bytes).
proc ref_field_set {s bits offset v} {
    set b [bits_of $s]
    set need [expr {($offset + $bits + 7) / 8 * 8}]
    while {[string length $b] < $need} { append b 00000000 }
    set m [expr {$v & ((1 << $bits) - 1)}]
    set f ""
    for {set i [expr {$bits - 1}]} {$i >= 0} {incr i -1} { append f [expr {($m >> $i) & 1}] }
    set b [string replace $b $offset [expr {$offset + $bits - 1}] $f]
    return [binary format B* $b]
}

# Overflow of value within the field's range: {wrapped, saturated, dir}.
proc ref_overflow {sign bits v} {
    if {$sign} { set lo [expr {-(1 << ($bits - 1))}]; set hi [expr {(1 << ($bits - 1)) - 1}] } \
    else { set lo 0; set hi [expr {(1 << $bits) - 1}] }
    set dir [expr {$v > $hi ? 1 : ($v < $lo ? -1 : 0)}]
    set w [expr {$v & ((1 << $bits) - 1)}]
    if {$sign && $w > $hi} { set w [expr {$w - (1 << $bits)}] }
    set sat [expr {$dir > 0 ? $hi : ($dir < 0 ? $lo : $v)}]
    return [list $w $sat $dir]
}

with_server {
    # ---- SETBIT / GETBIT ---------------------------------------------------------
    test "SETBIT returns the old bit and grows the string with zero bytes" {
        r del b
        expect_eq [r setbit b 7 1] 0
        expect_eq [r get b] "\x01"
        expect_eq [r setbit b 7 1] 1
        expect_eq [r setbit b 0 1] 0
        expect_eq [r get b] "\x81"
        expect_eq [r setbit b 33 1] 0
        expect_eq [r get b] "\x81\x00\x00\x00\x40"
        expect_eq [r setbit b 0 0] 1
        expect_eq [r get b] "\x01\x00\x00\x00\x40"
        # Clearing a bit past the end still grows the string.
        expect_eq [r setbit b 47 0] 0
        expect_eq [r strlen b] 6
    }
    test "GETBIT reads bits, zeros past the end and of missing keys" {
        r set g "\xa0"
        expect_eq [r getbit g 0] 1
        expect_eq [r getbit g 1] 0
        expect_eq [r getbit g 2] 1
        expect_eq [r getbit g 8] 0
        expect_eq [r getbit g 4294967295] 0
        r del nokey
        expect_eq [r getbit nokey 0] 0
        expect_eq [r exists nokey] 0
    }
    test "GETBIT and SETBIT on integer and short strings (and the encoding SETBIT leaves)" {
        r set i 12345
        expect_eq [r object encoding i] int
        # "1" is 0x31: bits 2, 3 and 7 set
        expect_eq [r getbit i 2] 1
        expect_eq [r getbit i 1] 0
        expect_eq [r object encoding i] int
        expect_eq [r setbit i 1 1] 0
        expect_eq [r get i] "q2345"
        expect_eq [r object encoding i] raw
        r set e abc
        expect_eq [r object encoding e] embstr
        # A SETBIT that changes nothing still leaves a raw string.
        expect_eq [r setbit e 1 1] 1
        expect_eq [r object encoding e] raw
        expect_eq [r get e] abc
    }
    test "SETBIT and GETBIT errors, in Valkey's order" {
        foreach off {-1 x 1.5 "" " 1" 4294967296 9223372036854775808} {
            expect_err "ERR bit offset is not an integer or out of range" [list r setbit b $off 1]
            expect_err "ERR bit offset is not an integer or out of range" [list r getbit b $off]
        }
        foreach v {2 -1 x "" 1.0} {
            expect_err "ERR bit is not an integer or out of range" [list r setbit b 0 $v]
        }
        r del l
        r rpush l a
        expect_err "WRONGTYPE*" {r setbit l 0 1}
        expect_err "WRONGTYPE*" {r getbit l 0}
        # Argument errors come before the type check.
        expect_err "ERR bit offset*" {r setbit l -1 1}
        expect_err "ERR bit is not*" {r setbit l 0 5}
        expect_err "ERR bit offset*" {r getbit l x}
        expect_err "ERR wrong number of arguments for 'setbit' command" {r setbit b 1}
        expect_err "ERR wrong number of arguments for 'getbit' command" {r getbit b}
    }
    test "The largest offset follows proto-max-bulk-len" {
        set saved [lindex [r config get proto-max-bulk-len] 1]
        r config set proto-max-bulk-len 1048576
        r del big
        expect_eq [r setbit big [expr {1048576 * 8 - 1}] 1] 0
        expect_eq [r strlen big] 1048576
        expect_eq [r getbit big [expr {1048576 * 8 - 1}]] 1
        expect_err "ERR bit offset*" [list r setbit big [expr {1048576 * 8}] 1]
        expect_err "ERR bit offset*" [list r getbit big [expr {1048576 * 8}]]
        expect_err "ERR bit offset*" [list r bitfield big get u8 [expr {1048576 * 8}]]
        expect_eq [r bitfield big get u8 [expr {1048576 * 8 - 8}]] 1
        expect_eq [r bitcount big] 1
        r config set proto-max-bulk-len $saved
        # The default limit is 512 MB: offset 2^32 - 1 is the last one.
        expect_eq [r getbit big 4294967295] 0
        r del big
    }
    test "SETBIT keeps the TTL" {
        r set t x EX 1000
        r setbit t 100 1
        expect_gt [r ttl t] 0
        r set n 5 EX 1000
        r setbit n 0 1
        expect_gt [r ttl n] 0
    }

    # ---- BITCOUNT ---------------------------------------------------------------------
    test "BITCOUNT of whole strings and simple ranges" {
        r set s foobar
        expect_eq [r bitcount s] 26
        expect_eq [r bitcount s 0 0] 4
        expect_eq [r bitcount s 1 1] 6
        expect_eq [r bitcount s 1 1 byte] 6
        expect_eq [r bitcount s 5 30 bit] 17
        expect_eq [r bitcount s 0 -1] 26
        expect_eq [r bitcount s -2 -1] 7
        expect_eq [r bitcount s -1 -2] 0
        expect_eq [r bitcount s 100 200] 0
        r del nokey
        expect_eq [r bitcount nokey] 0
        expect_eq [r bitcount nokey 0 -1 bit] 0
        r set i 255
        expect_eq [r bitcount i] [ref_bitcount 255]
    }
    test "BITCOUNT with only a start (Valkey 8): the range runs to the end" {
        r set s foobar
        expect_eq [r bitcount s 0] 26
        expect_eq [r bitcount s 1] [ref_bitcount oobar]
        expect_eq [r bitcount s -1] [ref_bitcount r]
        expect_eq [r bitcount s -2] [ref_bitcount ar]
        expect_eq [r bitcount s 6] 0
        expect_eq [r bitcount s 1000] 0
        expect_eq [r bitcount s -1000] 26
    }
    test "BITCOUNT on random strings and ranges matches the reference" {
        for {set i 0} {$i < 400} {incr i} {
            set s [rand_bytes [expr {int(rand() * 40)}]]
            r set s $s
            set len [string length $s]
            set span [expr {$len * 10 + 3}]
            set a [expr {int(rand() * 2 * $span) - $span}]
            set z [expr {int(rand() * 2 * $span) - $span}]
            switch [expr {$i % 4}] {
                0 { set args {} }
                1 { set args [list $a] }
                2 { set args [list $a $z] }
                3 { set args [list $a $z [lindex {bit byte BIT Byte} [expr {$i % 3}]]] }
            }
            set got [r bitcount s {*}$args]
            expect_eq $got [ref_bitcount $s {*}$args] "BITCOUNT [tf::show $s] $args"
        }
    }
    test "BITCOUNT of long strings (every word and tail length)" {
        for {set len 60} {$len < 140} {incr len 7} {
            set s [rand_bytes $len]
            r set s $s
            expect_eq [r bitcount s] [ref_bitcount $s]
            expect_eq [r bitcount s 3 -4] [ref_bitcount $s 3 -4]
            expect_eq [r bitcount s 13 [expr {$len * 8 - 11}] bit] [ref_bitcount $s 13 [expr {$len * 8 - 11}] bit]
        }
        r del s
        r setbit s 8000007 1
        r setbit s 3 1
        expect_eq [r bitcount s] 2
    }
    test "BITCOUNT huge and extreme indexes" {
        r set s foobar
        set max 9223372036854775807
        set min -9223372036854775808
        expect_eq [r bitcount s 0 $max] 26
        expect_eq [r bitcount s $min $max] 26
        expect_eq [r bitcount s $min $max bit] 26
        expect_eq [r bitcount s $max $min] 0
        expect_eq [r bitcount s $min -1 bit] 26
        expect_eq [r bitcount s $min] 26
        expect_err "ERR value is not an integer or out of range" {r bitcount s 0 9223372036854775808}
    }
    test "BITCOUNT errors: arguments are checked before the key (even a missing one)" {
        r set s foobar
        r del nokey l
        r rpush l a
        foreach k {s nokey} {
            expect_err "ERR value is not an integer or out of range" [list r bitcount $k x]
            expect_err "ERR value is not an integer or out of range" [list r bitcount $k 0 x]
            expect_err "ERR syntax error" [list r bitcount $k 0 1 foo]
            expect_err "ERR syntax error" [list r bitcount $k 0 1 bit extra]
            expect_err "ERR value is not an integer or out of range" [list r bitcount $k x 1 foo]
        }
        # The unit is looked at before the end.
        expect_err "ERR syntax error" {r bitcount s 0 x foo}
        expect_err "WRONGTYPE*" {r bitcount l}
        expect_err "WRONGTYPE*" {r bitcount l 0 -1}
        expect_err "WRONGTYPE*" {r bitcount l -1 -2}
        expect_err "ERR syntax error" {r bitcount l 0 1 foo}
        expect_err "ERR wrong number of arguments for 'bitcount' command" {r bitcount}
    }

    # ---- BITPOS ------------------------------------------------------------------------
    test "BITPOS: first set and clear bits, the end-of-string rules" {
        r set s "\xff\xf0\x00"
        expect_eq [r bitpos s 0] 12
        expect_eq [r bitpos s 1] 0
        expect_eq [r bitpos s 1 2] -1
        expect_eq [r bitpos s 0 2] 16
        r set f "\xff\xff\xff"
        # No clear bit: the string counts as padded with zeros...
        expect_eq [r bitpos f 0] 24
        expect_eq [r bitpos f 0 1] 24
        # ...unless the end was given.
        expect_eq [r bitpos f 0 0 -1] -1
        expect_eq [r bitpos f 0 0 -1 byte] -1
        expect_eq [r bitpos f 0 0 23 bit] -1
        r set z "\x00\x00"
        expect_eq [r bitpos z 1] -1
        expect_eq [r bitpos z 0] 0
        r del nokey
        expect_eq [r bitpos nokey 1] -1
        expect_eq [r bitpos nokey 0] 0
        expect_eq [r bitpos nokey 0 5 10 bit] 0
        r set empty ""
        expect_eq [r bitpos empty 0] -1
        expect_eq [r bitpos empty 1] -1
    }
    test "BITPOS with bit ranges" {
        r set s "\x00\xff\x00"
        expect_eq [r bitpos s 1 7 15 bit] 8
        expect_eq [r bitpos s 1 9 15 bit] 9
        expect_eq [r bitpos s 0 9 15 bit] -1
        expect_eq [r bitpos s 0 9 16 bit] 16
        expect_eq [r bitpos s 1 0 7 bit] -1
        expect_eq [r bitpos s 0 3 3 bit] 3
        expect_eq [r bitpos s 1 -9 -1 bit] 15
        expect_eq [r bitpos s 1 -8 -1 bit] -1
        expect_eq [r bitpos s 1 -17 -1 bit] 8
        expect_eq [r bitpos s 0 10 5 bit] -1
    }
    test "BITPOS on random strings and ranges matches the reference" {
        for {set i 0} {$i < 500} {incr i} {
            set s [rand_bytes [expr {int(rand() * 30)}]]
            r set s $s
            set len [string length $s]
            set span [expr {$len * 9 + 3}]
            set bit [expr {$i % 2}]
            set a [expr {int(rand() * 2 * $span) - $span}]
            set z [expr {int(rand() * 2 * $span) - $span}]
            switch [expr {($i / 2) % 4}] {
                0 { set args {} }
                1 { set args [list $a] }
                2 { set args [list $a $z] }
                3 { set args [list $a $z [lindex {bit byte} [expr {$i % 3 == 0}]]] }
            }
            expect_eq [r bitpos s $bit {*}$args] [ref_bitpos $s $bit {*}$args] "BITPOS [tf::show $s] $bit $args"
        }
    }
    test "BITPOS on long runs (word at a time) and far bits" {
        r del s
        r setbit s 800001 1
        expect_eq [r bitpos s 1] 800001
        expect_eq [r bitpos s 1 100] 800001
        expect_eq [r bitpos s 1 100001] -1
        expect_eq [r bitpos s 0] 0
        r set f [string repeat "\xff" 1000]
        r setbit f 7777 0
        expect_eq [r bitpos f 0] 7777
        expect_eq [r bitpos f 0 972] 7777
        expect_eq [r bitpos f 0 973] 8000
        expect_eq [r bitpos f 0 973 -1] -1
    }
    test "BITPOS errors" {
        r set s abc
        r del l
        r rpush l a
        foreach k {s nokey l} {
            expect_err "ERR The bit argument must be 1 or 0." [list r bitpos $k 2]
            expect_err "ERR The bit argument must be 1 or 0." [list r bitpos $k -1]
            expect_err "ERR value is not an integer or out of range" [list r bitpos $k x]
            expect_err "ERR value is not an integer or out of range" [list r bitpos $k 1 x]
            expect_err "ERR value is not an integer or out of range" [list r bitpos $k 1 0 x]
            expect_err "ERR syntax error" [list r bitpos $k 1 0 1 foo]
            expect_err "ERR syntax error" [list r bitpos $k 1 0 1 bit x]
        }
        expect_err "ERR syntax error" {r bitpos s 1 0 x foo}
        expect_err "WRONGTYPE*" {r bitpos l 1}
        expect_err "WRONGTYPE*" {r bitpos l 0 0 -1 bit}
        expect_err "ERR wrong number of arguments for 'bitpos' command" {r bitpos s}
    }

    # ---- BITOP --------------------------------------------------------------------------
    test "BITOP AND, OR, XOR, NOT over strings of different lengths" {
        for {set i 0} {$i < 200} {incr i} {
            set op [lindex {and or xor not} [expr {$i % 4}]]
            set n [expr {$op eq "not" ? 1 : 1 + int(rand() * 4)}]
            set keys {}
            set vals {}
            set maxlen 0
            for {set k 0} {$k < $n} {incr k} {
                set len [expr {int(rand() * 50)}]
                if {rand() < 0.15} {
                    r del src$k
                    set v ""
                } else {
                    set v [rand_bytes $len]
                    r set src$k $v
                }
                lappend keys src$k
                lappend vals $v
                if {[string length $v] > $maxlen} { set maxlen [string length $v] }
            }
            # Reference: byte by byte, missing bytes read as zeros.
            set want ""
            for {set j 0} {$j < $maxlen} {incr j} {
                set acc -1
                foreach v $vals {
                    set b 0
                    if {$j < [string length $v]} { binary scan [string index $v $j] cu b }
                    if {$acc < 0} { set acc $b; continue }
                    switch $op { and { set acc [expr {$acc & $b}] } or { set acc [expr {$acc | $b}] } xor { set acc [expr {$acc ^ $b}] } }
                }
                if {$op eq "not"} { set acc [expr {~$acc & 255}] }
                append want [binary format cu $acc]
            }
            r set dest oldvalue
            expect_eq [r bitop $op dest {*}$keys] $maxlen
            if {$maxlen == 0} {
                expect_eq [r exists dest] 0
            } else {
                expect_eq [r get dest] $want "BITOP $op of [tf::show $vals]"
            }
        }
    }
    test "BITOP with integer sources, the destination among the sources, any destination type" {
        r set a 12
        r set b "\x0f"
        expect_eq [r bitop and d a b] 2
        expect_eq [r get d] "\x01\x00"
        expect_eq [r object encoding d] raw
        expect_eq [r bitop xor a a b] 2
        expect_eq [r get a] "\x3e2"
        r del l
        r rpush l x
        expect_eq [r bitop or l b] 1
        expect_eq [r type l] string
        r set t x EX 1000
        r bitop not t b
        expect_eq [r ttl t] -1
        expect_eq [r get t] "\xf0"
    }
    test "BITOP deletes the destination when every source is empty or missing" {
        r set d something
        r set empty ""
        r del nokey
        expect_eq [r bitop and d nokey empty] 0
        expect_eq [r exists d] 0
        expect_eq [r bitop not d nokey] 0
        expect_eq [r exists d] 0
        r rpush dl x
        expect_eq [r bitop or dl empty] 0
        expect_eq [r exists dl] 0
    }
    test "BITOP errors" {
        r set a x
        r del l
        r rpush l x
        expect_err "ERR syntax error" {r bitop nand d a}
        expect_err "ERR syntax error" {r bitop "" d a}
        expect_err "ERR BITOP NOT must be called with a single source key." {r bitop not d a a}
        expect_err "WRONGTYPE*" {r bitop and d a l}
        expect_err "WRONGTYPE*" {r bitop not d l}
        expect_err "ERR wrong number of arguments for 'bitop' command" {r bitop and d}
        # A failed BITOP leaves the destination alone.
        r set d keep
        catch {r bitop or d a l}
        expect_eq [r get d] keep
    }

    # ---- BITFIELD -------------------------------------------------------------------------
    test "BITFIELD GET, SET, INCRBY basics" {
        r del bf
        expect_eq [r bitfield bf set u8 0 255 get u8 0 incrby u8 0 10 get i8 0] {0 255 9 9}
        expect_eq [r get bf] "\x09"
        expect_eq [r bitfield bf set i16 #1 -300 get i16 16 get u16 #1] [list 0 -300 [expr {65536 - 300}]]
        expect_eq [r strlen bf] 4
        expect_eq [r bitfield bf] {}
        expect_eq [r bitfield bf get u4 0 get u4 4 get i1 7] {0 9 -1}
        expect_eq [r bitfield_ro bf get u8 0 get i16 #1] {9 -300}
        r del nokey
        expect_eq [r bitfield nokey get u8 0 get i64 100] {0 0}
        expect_eq [r exists nokey] 0
        expect_eq [r bitfield_ro nokey get u8 0] {0}
        r set i 42
        expect_eq [r bitfield i get u8 0 get u8 8] {52 50}
        expect_eq [r bitfield_ro i get u16 0] [expr {52 * 256 + 50}]
    }
    test "BITFIELD overflow: WRAP, SAT and FAIL (null reply, nothing written)" {
        r del bf
        expect_eq [r bitfield bf incrby u2 0 1 incrby u2 0 1 incrby u2 0 1 incrby u2 0 1] {1 2 3 0}
        expect_eq [r bitfield bf overflow sat incrby u2 0 5 incrby u2 0 -9] {3 0}
        set got [r bitfield bf overflow fail incrby u2 0 4 get u2 0]
        expect_eq [lindex $got 1] 0
        expect_rtype array {r bitfield bf overflow fail incrby u2 0 4}
        r del bf
        expect_eq [r bitfield bf set i8 0 127 incrby i8 0 1 overflow sat incrby i8 0 -300 overflow wrap incrby i8 0 -1] {0 -128 -128 127}
        # OVERFLOW applies to the operations after it.
        expect_eq [r bitfield bf overflow sat set i8 0 1000 overflow wrap set i8 0 1000 get i8 0] {127 127 -24}
        # SET of a negative value into an unsigned field counts as above the range.
        expect_eq [r bitfield bf overflow sat set u8 0 -1 get u8 0] {232 255}
        expect_eq [r bitfield bf overflow wrap set u8 0 -2 get u8 0] {255 254}
    }
    test "BITFIELD FAIL replies null in RESP2 and RESP3" {
        r del bf
        r bitfield bf set u8 0 255
        set c3 [new_client -resp 3]
        foreach c [list r $c3] {
            set t [$c .typed bitfield bf overflow fail incrby u8 0 1 get u8 0]
            expect_eq [lindex $t 0] array
            expect_true {[lindex $t 1 0 0] in {null nullbulk}}
            expect_eq [lindex $t 1 1] {int 255}
        }
        expect_eq [lindex [$c3 .typed bitfield bf overflow fail incrby u8 0 1] 1 0] null
        expect_eq [lindex [r .typed bitfield bf overflow fail incrby u8 0 1] 1 0] nullbulk
        $c3 .close
    }
    test "BITFIELD matches the reference at every width, offset and overflow mode" {
        r del bf
        set s ""
        for {set i 0} {$i < 1500} {incr i} {
            set sign [expr {int(rand() * 2)}]
            set bits [expr {1 + int(rand() * ($sign ? 64 : 63))}]
            set type [expr {$sign ? "i" : "u"}]$bits
            set offset [expr {int(rand() * 120)}]
            set useh [expr {rand() < 0.2}]
            set offarg $offset
            if {$useh} {
                set idx [expr {int(rand() * 4)}]
                set offset [expr {$idx * $bits}]
                set offarg "#$idx"
            }
            set mode [lindex {wrap sat fail} [expr {int(rand() * 3)}]]
            set kind [expr {int(rand() * 3)}]
            # Values: small, near the field's bounds, or anywhere in 64 bits.
            switch [expr {int(rand() * 3)}] {
                0 { set v [expr {int(rand() * 200) - 100}] }
                1 { set v [expr {(1 << ($bits - $sign)) + int(rand() * 5) - 2}]; if {rand() < 0.5} { set v [expr {-$v}] } }
                2 { set v [expr {int(rand() * 2**64) - 2**63}] }
            }
            if {$v > 2**63 - 1} { set v [expr {2**63 - 1}] }
            if {$v < -2**63} { set v [expr {-2**63}] }
            set old [ref_field_get $s $sign $bits $offset]
            if {$kind == 0} {
                expect_eq [r bitfield bf get $type $offarg] [list $old] "GET $type $offarg"
                continue
            }
            if {$kind == 1} {
                # SET: the argument as the field type sees it.
                set target $v
                if {!$sign && $v < 0} { set target [expr {$v + 2**64}] }
                lassign [ref_overflow $sign $bits $target] w sat dir
                set reply $old
            } else {
                set target [expr {$old + $v}]
                lassign [ref_overflow $sign $bits $target] w sat dir
            }
            if {$dir == 0} { set new $target } elseif {$mode eq "wrap"} { set new $w } elseif {$mode eq "sat"} { set new $sat } else { set new "" }
            if {$kind == 2} { set reply $new }
            set cmd [list r bitfield bf overflow $mode [expr {$kind == 1 ? "set" : "incrby"}] $type $offarg $v]
            set got [{*}$cmd]
            # The string grows to cover the field even when FAIL writes nothing.
            set need [expr {($offset + $bits + 7) / 8}]
            while {[string length $s] < $need} { append s "\x00" }
            if {$new eq ""} {
                expect_eq $got {{}} $cmd
            } else {
                expect_eq $got [list $reply] $cmd
                set s [ref_field_set $s $bits $offset $new]
            }
            expect_eq [r get bf] $s $cmd
        }
    }
    test "BITFIELD errors" {
        r set bf x
        r del l
        r rpush l a
        set typeerr "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
        foreach t {u64 i65 u0 i0 x8 8 u i -8 u-1 U8 I8 u8x} {
            expect_err $typeerr [list r bitfield bf get $t 0]
        }
        foreach o {-1 x #x # #-1 1.5 4294967296} {
            expect_err "ERR bit offset is not an integer or out of range" [list r bitfield bf get u8 $o]
        }
        # "#n" past the limit, and a product past 64 bits.
        expect_err "ERR bit offset*" {r bitfield bf get u8 #536870912}
        expect_err "ERR bit offset*" {r bitfield bf get i64 #144115188075855872}
        # 2^62 fields of 64 bits wrap around to offset 0, as in Valkey.
        expect_eq [r bitfield bf get u8 #4611686018427387904] [list [scan x %c]]
        expect_err "ERR value is not an integer or out of range" {r bitfield bf set u8 0 x}
        expect_err "ERR value is not an integer or out of range" {r bitfield bf incrby u8 0 9223372036854775808}
        expect_err "ERR Invalid OVERFLOW type specified" {r bitfield bf overflow foo}
        expect_err "ERR syntax error" {r bitfield bf overflow}
        expect_err "ERR syntax error" {r bitfield bf get u8}
        expect_err "ERR syntax error" {r bitfield bf set u8 0}
        expect_err "ERR syntax error" {r bitfield bf incrby u8 0}
        expect_err "ERR syntax error" {r bitfield bf foo u8 0}
        expect_err "ERR syntax error" {r bitfield bf get u8 0 extra}
        expect_err "WRONGTYPE*" {r bitfield l get u8 0}
        expect_err "WRONGTYPE*" {r bitfield l set u8 0 1}
        expect_err "WRONGTYPE*" {r bitfield_ro l get u8 0}
        expect_err "ERR BITFIELD_RO only supports the GET subcommand" {r bitfield_ro bf set u8 0 1}
        expect_err "ERR BITFIELD_RO only supports the GET subcommand" {r bitfield_ro bf get u8 0 incrby u8 0 1}
        expect_err "ERR BITFIELD_RO only supports the GET subcommand" {r bitfield_ro l overflow sat incrby u8 0 1}
        expect_eq [r bitfield_ro bf overflow fail] {}
        # Parsing comes first: a bad operation leaves the key untouched.
        r set bf x
        catch {r bitfield bf set u8 0 1 set u8 8 x}
        expect_eq [r get bf] x
        expect_err "ERR wrong number of arguments for 'bitfield' command" {r bitfield}
        expect_err "ERR wrong number of arguments for 'bitfield_ro' command" {r bitfield_ro}
    }
    test "BITFIELD that only fails still creates or grows the string (as Valkey)" {
        r del nk
        expect_eq [r bitfield nk overflow fail incrby u2 100 5] {{}}
        expect_eq [r strlen nk] 13
        expect_eq [r get nk] [string repeat "\x00" 13]
    }

    # ---- propagation, events, dirty -----------------------------------------------------
    test "Bitmap writes propagate as written; no-ops and reads do not" {
        r select 9
        r del b d bf
        r set s abc
        set p [propagated {
            r setbit b 3 1
            r setbit b 3 1
            r setbit b 3 0
            r setbit b 100 0
            r getbit b 3
            r bitcount b
            r bitpos b 1
            r bitop or d s b
            r bitop and d nokey
            r bitop and d nokey
            r bitfield bf set u8 0 7
            r bitfield bf set u8 0 7
            r bitfield bf overflow fail incrby u8 0 300
            r bitfield bf get u8 0
            r bitfield_ro bf get u8 0
        }]
        set want {{select 9} {setbit b 3 1} {setbit b 3 0} {setbit b 100 0} {bitop or d s b} {bitop and d nokey}}
        lappend want {bitfield bf set u8 0 7}
        expect_eq $p $want
        r select 0
    }
    test "Key events of bitmap writes" {
        r select 9
        r del b d bf
        r set s abc
        set e [events {
            r setbit b 3 1
            r setbit b 3 1
            r setbit b 3 0
            r bitop or d s b
            r bitop xor d s b
            r bitop and d nokey
            r bitfield bf set u8 0 7 incrby u8 0 1
            r bitfield bf set u8 0 8
        }]
        set want {{9 new b} {9 setbit b} {9 setbit b} {9 new d} {9 set d} {9 set d} {9 del d} {9 new bf} {9 setbit bf}}
        expect_eq $e $want
        r select 0
    }
    test "The dirty counter: one per bit or field changed" {
        r del b bf
        set d0 [dirty]
        r setbit b 3 1
        r setbit b 3 1
        expect_eq [expr {[dirty] - $d0}] 1
        r bitfield bf set u8 0 1 set u8 8 2 set u8 0 1 incrby u8 8 0
        # The string was created: every write counts.
        expect_eq [expr {[dirty] - $d0}] 5
        r bitfield bf set u8 0 1 set u8 8 3 incrby u8 8 1
        expect_eq [expr {[dirty] - $d0}] 7
        r bitop and d3 nokey
        expect_eq [expr {[dirty] - $d0}] 7
    }

    # ---- shapes, binary, generic -----------------------------------------------------
    test "Reply types in RESP3 and RESP2" {
        r set s foobar
        set c3 [new_client -resp 3]
        foreach c [list r $c3] {
            expect_eq [$c .typed bitcount s] {int 26}
            expect_eq [$c .typed bitpos s 1] {int 1}
            expect_eq [$c .typed getbit s 1] {int 1}
            expect_eq [$c .typed setbit s2 1 1] {int 0}
            expect_eq [$c .typed bitop and d s] {int 6}
            expect_eq [$c .typed bitfield s get u8 0] {array {{int 102}}}
            expect_eq [$c .typed bitfield_ro s get u8 0] {array {{int 102}}}
            r del s2
        }
        $c3 .close
    }
    test "Binary values: NUL, CR LF and high bytes" {
        set v "a\x00\r\n\xff\x80"
        r set bin $v
        expect_eq [r bitcount bin] [ref_bitcount $v]
        expect_eq [r bitpos bin 1 1] [ref_bitpos $v 1 1]
        expect_eq [r bitpos bin 0 4] [ref_bitpos $v 0 4]
        r setbit bin 8 1
        expect_eq [r get bin] "a\x80\r\n\xff\x80"
        expect_eq [r bitfield bin get u16 8] [expr {0x800d}]
    }
    test "Bitmaps are strings to every other command" {
        r del b b2
        r setbit b 1000 1
        expect_eq [r type b] string
        expect_eq [r strlen b] 126
        expect_eq [r copy b b2] 1
        r setbit b2 0 1
        expect_eq [r getbit b 0] 0
        expect_eq [r bitcount b2] 2
        expect_eq [r debug digest-value b] [r debug digest-value b]
        r set same [r get b]
        expect_eq [r debug digest-value same] [r debug digest-value b]
        r append b x
        expect_eq [r strlen b] 127
        expect_gt [r memory usage b] 126
        r rename b2 b3
        expect_eq [r getbit b3 1000] 1
        r pexpire b3 1
        after 20
        expect_eq [r getbit b3 1000] 0
        expect_eq [r exists b3] 0
    }
    test "DEBUG KEYSPACE-CHECK after all of the above" {
        expect_eq [r debug keyspace-check] OK
    }
}
