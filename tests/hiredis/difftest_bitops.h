/*
 * difftest_bitops.h - difftest's bitmap row: SETBIT, GETBIT, BITCOUNT and
 * BITPOS (byte and bit ranges, negative and out-of-range indexes, starts
 * past either end of the string), BITOP AND/OR/XOR/NOT over sources of
 * different lengths (missing ones, integer-encoded ones, the destination
 * among them, all-empty results that delete it), BITFIELD and BITFIELD_RO
 * (GET/SET/INCRBY at every width i1..i64/u1..u63 and some invalid ones,
 * "#n" offsets, values near each type's bounds, OVERFLOW WRAP/SAT/FAIL),
 * plus SET of short, numeric and binary values and DEL.
 *
 * Keys "df:b0".."df:b7" (TYPE string: the string row's GET compares the
 * values byte for byte).  Offsets of writes stay below 2^17 bits so no
 * command builds a huge string; reads also try offsets near the 512 MB
 * limit.  Known Valkey 8 / Redis 7.0 differences (difftest.c's accepted
 * table): Valkey 8 takes BITCOUNT key start (the end optional) and checks
 * BITCOUNT's and BITPOS's arguments before looking at the key, where 7.0
 * answers 0/-1 for a missing key and WRONGTYPE first.
 */
#ifndef TESTS_HIREDIS_DIFFTEST_BITOPS_H
#define TESTS_HIREDIS_DIFFTEST_BITOPS_H

#include "difftest_gen.h"

#define BITOPS_KEYS "df:b", 8

static void bit_key(Cmd *c) { add_key_of(c, BITOPS_KEYS); }

/* A bit offset; a write never gets one that would allocate much. */
static void bit_offset(Cmd *c, int write)
{
    static const char *bad[] = {"-1", "-8", "x", "", "1.5", " 1", "4294967296", "9223372036854775808", "+3"};
    int k = rnd(100);
    if (k < 65) addf(c, "%d", rnd(96));
    else if (k < 85) addf(c, "%d", rnd(2048));
    else if (k < 89) addf(c, "%d", rnd(1 << 17));
    else if (k < 92 && !write) add(c, chance(50) ? "4294967295" : "4294967288");
    else add(c, bad[rnd((int)(sizeof bad / sizeof *bad))]);
}

/* A BITCOUNT/BITPOS index: bytes around the string's length, bits wider. */
static void bit_index(Cmd *c, int bits)
{
    int k = rnd(100);
    if (k < 80) addf(c, "%d", bits ? rnd(241) - 120 : rnd(31) - 15);
    else if (k < 90) add(c, chance(50) ? "9223372036854775807" : "-9223372036854775808");
    else add_special(c);
}

static void bit_unit(Cmd *c, int *bits)
{
    int k = rnd(10);
    *bits = 0;
    if (k < 4) { add_word(c, "BIT"); *bits = 1; }
    else if (k < 8) add_word(c, "BYTE");
    else add(c, chance(50) ? "bits" : "");
}

static void bit_gen_range(Cmd *c, const char *name)
{
    add_word(c, name);
    bit_key(c);
    if (name[3] == 'P') { /* BITPOS bit */
        int k = rnd(20);
        if (k < 18) addf(c, "%d", k & 1);
        else add(c, k == 18 ? "2" : "-1");
    }
    int n = rnd(100);
    int args = n < 20 ? 0 : n < 35 ? 1 : n < 65 ? 2 : n < 97 ? 3 : 4;
    if (args == 0) return;
    /* Decide the unit first so the indexes suit it. */
    int bits = chance(45);
    bit_index(c, bits);
    if (args >= 2) bit_index(c, bits);
    if (args >= 3) {
        int b;
        bit_unit(c, &b);
    }
    if (args == 4) add(c, "extra");
}

/* A BITFIELD type: mostly valid, at every width. */
static void bf_type(Cmd *c)
{
    int k = rnd(100);
    if (k < 45) addf(c, "%c%d", "iu"[rnd(2)], 1 + rnd(16));
    else if (k < 80) addf(c, "%c%d", "iu"[rnd(2)], 1 + rnd(63));
    else if (k < 88) add(c, chance(50) ? "i64" : "u63");
    else {
        static const char *bad[] = {"u64", "i65", "i0", "u0", "x8", "8", "U8", "i", "u-3", "i8x"};
        add(c, bad[rnd(10)]);
    }
}

static void bf_offset(Cmd *c, int write)
{
    if (chance(20)) {
        int k = rnd(20);
        if (k < 17) addf(c, "#%d", rnd(12));
        else add(c, k == 17 ? "#-1" : k == 18 ? "#x" : "#");
    } else {
        bit_offset(c, write);
    }
}

/* A SET value or an increment: small, near powers of two, 64-bit edges. */
static void bf_value(Cmd *c)
{
    int k = rnd(100);
    if (k < 40) addf(c, "%d", rnd(41) - 20);
    else if (k < 75) {
        int p = 1 + rnd(63);
        /* Unsigned arithmetic: 2^63 + small wraps instead of overflowing. */
        unsigned long long u = (1ULL << p) + (unsigned long long)(rnd(5) - 2);
        int neg = chance(50);
        addf(c, "%s%llu", neg ? "-" : "", u);
    } else if (k < 90) {
        static const char *edge[] = {"9223372036854775807", "-9223372036854775808", "9223372036854775806",
                                     "-9223372036854775807", "4294967295", "-4294967296"};
        add(c, edge[rnd(6)]);
    } else {
        add_special(c);
    }
}

static void bit_gen_bitfield(Cmd *c, int ro)
{
    add_word(c, ro ? "BITFIELD_RO" : "BITFIELD");
    bit_key(c);
    int n = rnd(5);
    for (int i = 0; i < n; i++) {
        int k = rnd(100);
        if (k < 35 || (ro && k < 90)) {
            add_word(c, "GET");
            bf_type(c);
            bf_offset(c, 0);
        } else if (k < 60) {
            add_word(c, "SET");
            bf_type(c);
            bf_offset(c, 1);
            bf_value(c);
        } else if (k < 85) {
            add_word(c, "INCRBY");
            bf_type(c);
            bf_offset(c, 1);
            bf_value(c);
        } else if (k < 97) {
            add_word(c, "OVERFLOW");
            static const char *how[] = {"WRAP", "SAT", "FAIL", "wrap", "sat", "fail", "NONE"};
            add(c, how[rnd(7)]);
        } else {
            add(c, chance(50) ? "DEL" : "GET");
        }
    }
}

static void bit_gen(Cmd *c)
{
    if (gen_reclaim(c, BITOPS_KEYS)) return;
    int w = rnd(100);
#define PICK(limit) if ((w -= (limit)) < 0)
    PICK(16) {
        add_word(c, "SETBIT");
        bit_key(c);
        bit_offset(c, 1);
        int k = rnd(20);
        if (k < 18) addf(c, "%d", k & 1);
        else add(c, k == 18 ? "2" : "x");
        return;
    }
    PICK(10) { add_word(c, "GETBIT"); bit_key(c); bit_offset(c, 0); return; }
    PICK(14) { bit_gen_range(c, "BITCOUNT"); return; }
    PICK(14) { bit_gen_range(c, "BITPOS"); return; }
    PICK(12) {
        add_word(c, "BITOP");
        int k = rnd(20);
        static const char *ops[] = {"AND", "OR", "XOR", "NOT"};
        if (k < 19) add_word(c, ops[k % 4]);
        else add(c, "NAND");
        bit_key(c);
        int n = k % 4 == 3 ? (chance(90) ? 1 : 2) : 1 + rnd(4);
        for (int i = 0; i < n; i++) bit_key(c);
        return;
    }
    PICK(16) { bit_gen_bitfield(c, 0); return; }
    PICK(6) { bit_gen_bitfield(c, 1); return; }
    PICK(8) { add_word(c, "SET"); bit_key(c); add_value(c); return; }
#undef PICK
    add_word(c, "GET");
    bit_key(c);
}

static const DiffType difftype_bitops = {
    "bitops", NULL,
    "SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO SET GET DEL",
    14, BITOPS_KEYS, bit_gen, NULL,
};

#endif
