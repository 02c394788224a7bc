/*
 * difftest_keys.h - difftest's row of generic key commands: DEL, EXISTS,
 * TYPE, RENAME, COPY, MOVE, the EXPIRE family and TTLs, OBJECT ENCODING,
 * KEYS and SCAN (with MATCH, COUNT, TYPE).  It has no type and no band of
 * its own: every key comes from add_any_key, so these commands work on
 * whichever types are enabled.
 * KEYS replies are sorted before comparing; SCAN is iterated to the end on
 * each server and the union of its keys compared (cursors differ).
 */
#ifndef TESTS_HIREDIS_DIFFTEST_KEYS_H
#define TESTS_HIREDIS_DIFFTEST_KEYS_H

#include "difftest_gen.h"

static void keys_add_expire_flags(Cmd *c)
{
    static const char *flags[] = {"NX", "XX", "GT", "LT", "FOO"};
    int n = chance(50) ? 0 : chance(80) ? 1 : 2;
    for (int i = 0; i < n; i++) add_word(c, flags[rnd(chance(95) ? 4 : 5)]);
}

static void keys_add_pattern(Cmd *c)
{
    static const char *pats[] = {"*", "df:*", "df:k*", "df:?1", "df:[lh]*", "df:[^k]*",
                                 "df:*[0-3]", "df:s*", "df:z*", "nomatch*", "df:\\*"};
    add(c, pats[rnd((int)(sizeof pats / sizeof *pats))]);
}

/* SCAN 0 [MATCH p] [COUNT n] [TYPE t], options in random order. */
static void keys_gen_scan(Cmd *c)
{
    c->cmp = CMP_SCAN;
    add_word(c, "SCAN");
    add(c, "0");
    int n = rnd(4);
    for (int i = 0; i < n; i++) {
        switch (rnd(3)) {
        case 0: add_word(c, "MATCH"); keys_add_pattern(c); break;
        case 1:
            add_word(c, "COUNT");
            if (chance(90)) addf(c, "%d", 1 + rnd(20));
            else add(c, chance(50) ? "0" : "x");
            break;
        default: {
            /* Only real type names: Valkey and Redis 7.0 may differ on an
             * unknown one. */
            static const char *types[] = {"string", "list", "hash", "set", "zset", "stream"};
            add_word(c, "TYPE");
            add(c, types[rnd(6)]);
            break;
        }
        }
    }
}

static void keys_gen(Cmd *c)
{
    /* The first 260 of the weights are the key commands of the generator
     * before rows existed, unchanged. */
    int w = rnd(300);
#define PICK(limit) if ((w -= (limit)) < 0)
    PICK(40) {
        static const char *n[] = {"DEL", "UNLINK", "EXISTS", "TOUCH"};
        add_word(c, n[rnd(4)]);
        add_any_keys(c, 1, 4);
        return;
    }
    PICK(20) { add_word(c, "TYPE"); add_any_key(c); return; }
    PICK(30) { add_word(c, chance(50) ? "RENAME" : "RENAMENX"); add_any_key(c); add_any_key_near(c); return; }
    PICK(25) {
        add_word(c, "COPY");
        add_any_key(c);
        add_any_key_near(c);
        if (chance(40)) {
            add_word(c, "DB");
            int k = rnd(10);
            if (k < 6) addf(c, "%d", DB_OTHER);
            else if (k < 8) addf(c, "%d", DB_MAIN);
            else add(c, chance(50) ? "abc" : "-1");
        }
        if (chance(40)) add_word(c, "REPLACE");
        if (chance(5)) add_word(c, "FOO");
        return;
    }
    PICK(15) {
        add_word(c, "MOVE");
        add_any_key(c);
        int k = rnd(10);
        if (k < 7) addf(c, "%d", DB_OTHER);
        else if (k < 8) addf(c, "%d", DB_MAIN);
        else add(c, k == 8 ? "16" : "x");
        return;
    }
    PICK(60) {
        int k = rnd(4);
        static const char *n[] = {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"};
        add_word(c, n[k]);
        add_any_key(c);
        if (k < 2) add_rel_time(c, k == 1);
        else add_abs_time(c, k == 3, 1);
        keys_add_expire_flags(c);
        return;
    }
    PICK(60) {
        static const char *n[] = {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "PERSIST"};
        add_word(c, n[rnd(5)]);
        add_any_key(c);
        return;
    }
    PICK(10) { add_word(c, "DBSIZE"); return; }
    PICK(15) { add_word(c, "OBJECT"); add_word(c, "ENCODING"); add_any_key(c); return; }
    PICK(10) { c->cmp = CMP_SORT; add_word(c, "KEYS"); keys_add_pattern(c); return; }
#undef PICK
    keys_gen_scan(c);  /* the rest: 15 */
}

static const DiffType difftype_keys = {
    "keys", NULL,
    "DEL UNLINK EXISTS TOUCH TYPE RENAME RENAMENX COPY MOVE EXPIRE PEXPIRE EXPIREAT "
    "PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME PERSIST DBSIZE OBJECT KEYS SCAN",
    26, NULL, 0, keys_gen, NULL,
};

#endif
