/*
 * difftest_hll.h - difftest's HyperLogLog row: PFADD of a few elements
 * from a small space (so additions often change nothing) and bulk PFADDs
 * of hundreds of distinct ones (so sketches go through the sparse-to-dense
 * promotion), PFCOUNT of one key (the cached count written into the value)
 * and of several (the union), PFMERGE (the destination among the sources,
 * missing ones, sparse and dense mixed), PFDEBUG ENCODING/DECODE/TODENSE
 * and now and then GETREG, and SET of crafted values: empty and small
 * valid sketches, corrupt sparse bodies (too few or too many registers,
 * random opcodes), bad headers and plain strings (WRONGTYPE), so the
 * errors and what PFADD does to a corrupt body are compared too.
 *
 * Keys "df:p0".."df:p5" (TYPE string: the string row's GET compares every
 * sketch byte for byte, registers, cache and all).  Known Valkey 8 /
 * Redis 7.0 difference (difftest.c's accepted table): a sparse body ending
 * in an XZERO cut short, once split, is read by Valkey with a byte from
 * memory past the string; here that byte reads as 0 (INVALIDOBJ).
 */
#ifndef TESTS_HIREDIS_DIFFTEST_HLL_H
#define TESTS_HIREDIS_DIFFTEST_HLL_H

#include "difftest_gen.h"

#define HLL_KEYS "df:p", 6

static void hll_key(Cmd *c) { add_key_of(c, HLL_KEYS); }

/* A crafted value: sketches good and bad, and strings that are not. */
static void hll_crafted(Cmd *c)
{
    char b[64];
    /* "HYLL", encoding, 3 unused bytes, 8 bytes of cache (stale) */
    memcpy(b, "HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80", 16);
    int k = rnd(100);
    size_t n = 16;
    if (k < 25) {
        b[n++] = 0x7f; /* XZERO 16384: empty */
        b[n++] = (char)0xff;
    } else if (k < 40) {
        /* XZERO 1000, VAL 2x1, ZERO 19, VAL 3x2, XZERO 15362 */
        memcpy(b + n, "\x43\xe7\x84\x12\x89\x7c\x01", 7);
        n += 7;
        if (chance(30)) b[15] = 0; /* a valid cache of 0 */
    } else if (k < 50) {
        b[n++] = 0x3f; /* ZERO 64: too few registers */
    } else if (k < 58) {
        b[n++] = 0x7f; /* one register too many */
        b[n++] = (char)0xff;
        b[n++] = 0x00;
    } else if (k < 72) {
        /* random opcodes (an XZERO now and then cut short at the end is
         * avoided: see the accepted difference) */
        int m = 1 + rnd(8);
        for (int i = 0; i < m; i++) {
            int op = rnd(3);
            if (op == 0) b[n++] = (char)rnd(64);
            else if (op == 1) { b[n++] = (char)(0x40 | rnd(64)); b[n++] = (char)rnd(256); }
            else b[n++] = (char)(0x80 | rnd(128));
        }
    } else if (k < 78) {
        b[4] = 2; /* unknown encoding */
        b[n++] = 0x7f;
        b[n++] = (char)0xff;
    } else if (k < 84) {
        b[4] = 0; /* dense, far too short */
        b[n++] = 0;
    } else if (k < 90) {
        n = 3 + rnd(12); /* shorter than a header */
    } else {
        add_value(c);
        return;
    }
    add_bin(c, b, n);
}

/* An element: a small space of names, numbers, binary. */
static void hll_elem(Cmd *c)
{
    add_elem(c);
}

static void hll_gen(Cmd *c)
{
    if (gen_reclaim(c, HLL_KEYS)) return;
    int w = rnd(100);
#define PICK(limit) if ((w -= (limit)) < 0)
    PICK(28) {
        add_word(c, "PFADD");
        hll_key(c);
        int n = rnd(5);
        for (int i = 0; i < n; i++) hll_elem(c);
        return;
    }
    PICK(6) {
        /* Many distinct elements: towards and past the dense promotion. */
        add_word(c, "PFADD");
        hll_key(c);
        int base = rnd(100000), n = 100 + rnd(400);
        for (int i = 0; i < n; i++) addf(c, "e%d", base + i);
        return;
    }
    PICK(18) { add_word(c, "PFCOUNT"); hll_key(c); return; }
    PICK(10) {
        add_word(c, "PFCOUNT");
        int n = 2 + rnd(3);
        for (int i = 0; i < n; i++) hll_key(c);
        return;
    }
    PICK(12) {
        add_word(c, "PFMERGE");
        int n = 1 + rnd(4);
        for (int i = 0; i < n; i++) hll_key(c);
        return;
    }
    PICK(8) {
        add_word(c, "PFDEBUG");
        int k = rnd(100);
        static const char *subs[] = {"ENCODING", "DECODE", "TODENSE", "encoding"};
        if (k < 90) add_word(c, subs[k % 4]);
        else if (k < 94) add_word(c, "GETREG");
        else add(c, "FOO");
        hll_key(c);
        return;
    }
    PICK(10) { add_word(c, "SET"); hll_key(c); hll_crafted(c); return; }
#undef PICK
    add_word(c, "GET");
    hll_key(c);
}

static const DiffType difftype_hll = {
    "hll", NULL,
    "PFADD PFCOUNT PFMERGE PFDEBUG SET GET DEL",
    10, HLL_KEYS, hll_gen, NULL,
};

#endif
