/*
 * difftest_string.h - difftest's string row: SET with all its options, the
 * GET/SET family, counters, ranges, LCS.  Keys "df:k0".."df:k27" (plus the
 * two shared names), always from its own band as before the rows existed;
 * other rows' commands reach these keys through add_any_key.
 * Dump: GET.
 */
#ifndef TESTS_HIREDIS_DIFFTEST_STRING_H
#define TESTS_HIREDIS_DIFFTEST_STRING_H

#include "difftest_gen.h"

#define STRING_KEYS "df:k", 28

static void string_key(Cmd *c) { add_key_in(c, STRING_KEYS); }

static void string_gen_set(Cmd *c)
{
    add_word(c, "SET");
    string_key(c);
    add_value(c);
    int n = chance(30) ? 0 : chance(70) ? 1 : chance(70) ? 2 : 3;
    for (int i = 0; i < n; i++) {
        switch (rnd(10)) {
        case 0: add_word(c, "NX"); break;
        case 1: add_word(c, "XX"); break;
        case 2: add_word(c, "GET"); break;
        case 3: add_word(c, "KEEPTTL"); break;
        case 4: add_word(c, "EX"); add_rel_time(c, 0); break;
        case 5: add_word(c, "PX"); add_rel_time(c, 1); break;
        /* SET with a past EXAT leaves a logically expired key that DBSIZE
         * counts until it is reclaimed at a random moment: future only. */
        case 6: add_word(c, "EXAT"); add_abs_time(c, 0, 0); break;
        case 7: add_word(c, "PXAT"); add_abs_time(c, 1, 0); break;
        case 8: add_word(c, chance(50) ? "EX" : "PXAT"); break; /* missing value */
        default: add_word(c, chance(50) ? "FOO" : "PERSIST"); break;
        }
    }
}

static void string_gen_getex(Cmd *c)
{
    add_word(c, "GETEX");
    string_key(c);
    int n = chance(40) ? 0 : chance(85) ? 1 : 2;
    for (int i = 0; i < n; i++) {
        switch (rnd(7)) {
        case 0: add_word(c, "EX"); add_rel_time(c, 0); break;
        case 1: add_word(c, "PX"); add_rel_time(c, 1); break;
        case 2: add_word(c, "EXAT"); add_abs_time(c, 0, 1); break;
        case 3: add_word(c, "PXAT"); add_abs_time(c, 1, 1); break;
        case 4: add_word(c, "PERSIST"); break;
        case 5: add_word(c, "KEEPTTL"); break;
        default: add_word(c, "EX"); break;
        }
    }
}

static void string_gen_lcs(Cmd *c)
{
    add_word(c, "LCS");
    string_key(c);
    string_key(c);
    int n = rnd(4);
    for (int i = 0; i < n; i++) {
        switch (rnd(6)) {
        case 0: add_word(c, "LEN"); break;
        case 1: case 2: add_word(c, "IDX"); break;
        case 3: add_word(c, "MINMATCHLEN"); if (chance(90)) addf(c, "%d", rnd(6) - 1); else add(c, "x"); break;
        case 4: add_word(c, "WITHMATCHLEN"); break;
        default: add_word(c, "FOO"); break;
        }
    }
}

static void string_gen(Cmd *c)
{
    /* Weights out of 715 (the string share of the generator before rows). */
    int w = rnd(715);
#define PICK(limit) if ((w -= (limit)) < 0)
    PICK(60) { add_word(c, "GET"); string_key(c); return; }
    PICK(110) { string_gen_set(c); return; }
    PICK(15) { add_word(c, "SETNX"); string_key(c); add_value(c); return; }
    PICK(15) { add_word(c, "SETEX"); string_key(c); add_rel_time(c, 0); add_value(c); return; }
    PICK(15) { add_word(c, "PSETEX"); string_key(c); add_rel_time(c, 1); add_value(c); return; }
    PICK(20) {
        add_word(c, "MGET");
        int n = 1 + rnd(5);
        for (int i = 0; i < n; i++) string_key(c);
        return;
    }
    PICK(30) {
        add_word(c, chance(70) ? "MSET" : "MSETNX");
        int n = 1 + rnd(3);
        for (int i = 0; i < n; i++) { string_key(c); add_value(c); }
        return;
    }
    PICK(15) { add_word(c, "GETSET"); string_key(c); add_value(c); return; }
    PICK(15) { add_word(c, "GETDEL"); string_key(c); return; }
    PICK(30) { string_gen_getex(c); return; }
    PICK(30) { add_word(c, "APPEND"); string_key(c); add_value(c); return; }
    PICK(15) { add_word(c, "STRLEN"); string_key(c); return; }
    PICK(50) {
        static const char *n1[] = {"INCR", "DECR"};
        static const char *n2[] = {"INCRBY", "DECRBY", "INCRBYFLOAT"};
        if (chance(40)) { add_word(c, n1[rnd(2)]); string_key(c); }
        else { add_word(c, n2[rnd(3)]); string_key(c); add_number(c); }
        return;
    }
    PICK(35) { add_word(c, chance(75) ? "GETRANGE" : "SUBSTR"); string_key(c); add_index(c); add_index(c); return; }
    PICK(25) {
        add_word(c, "SETRANGE");
        string_key(c);
        int k = rnd(100);
        if (k < 85) addf(c, "%d", rnd(16));
        else if (k < 90) add(c, "-1");
        else if (k < 95) add(c, chance(50) ? "536870912" : "9223372036854775807");
        else add(c, "abc");
        add_value(c);
        return;
    }
    PICK(35) { string_gen_lcs(c); return; }
#undef PICK
    /* The rest (200): re-read a key. */
    add_word(c, "GET");
    string_key(c);
}

static RVal *string_dump(Server *s, const char *key, size_t keylen)
{
    return call_key(s, "GET", key, keylen, NULL);
}

static const DiffType difftype_string = {
    "string", "string",
    "SET GET SETNX SETEX PSETEX MGET MSET MSETNX GETSET GETDEL GETEX APPEND STRLEN "
    "INCR DECR INCRBY DECRBY INCRBYFLOAT GETRANGE SUBSTR SETRANGE LCS",
    70, STRING_KEYS, string_gen, string_dump,
};

#endif
