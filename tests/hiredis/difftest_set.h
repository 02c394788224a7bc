/*
 * difftest_set.h - difftest's set row: SADD (integers for intsets, bulk
 * adds past 128 and past 512 integers, members past 64 bytes, so encodings
 * convert), SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS, SMOVE, and the
 * algebra SINTER/SUNION/SDIFF with their STORE forms and SINTERCARD.
 * SRANDMEMBER is compared by shape only; SPOP is not sent (it removes
 * random members, so the keyspaces would drift).  Keys "df:s0".."df:s7".
 * SMEMBERS/SINTER/SUNION/SDIFF are compared order-insensitively.
 * Dump: SMEMBERS sorted.
 */
#ifndef TESTS_HIREDIS_DIFFTEST_SET_H
#define TESTS_HIREDIS_DIFFTEST_SET_H

#include "difftest_gen.h"

#define SET_KEYS "df:s", 8

static void set_key(Cmd *c) { add_key_of(c, SET_KEYS); }

/* A member: integers half the time so intsets form and survive a while. */
static void set_member(Cmd *c)
{
    if (chance(45)) addf(c, "%d", rnd(40) - 5);
    else add_elem(c);
}

static void set_gen(Cmd *c)
{
    if (gen_reclaim(c, SET_KEYS)) return;
    int w = rnd(250);
#define PICK(limit) if ((w -= (limit)) < 0)
    PICK(60) {
        add_word(c, "SADD");
        set_key(c);
        if (chance(1)) {  /* past set-max-intset-entries (512) */
            int n = 513 + rnd(20);
            for (int i = 0; i < n; i++) add_bulk_elem(c, i, 1);
            return;
        }
        int n = bulk_count();
        for (int i = 0; i < n; i++) {
            if (n > 100) add_bulk_elem(c, i, chance(70));
            else set_member(c);
        }
        return;
    }
    PICK(25) {
        add_word(c, "SREM");
        set_key(c);
        int n = 1 + rnd(3);
        for (int i = 0; i < n; i++) set_member(c);
        return;
    }
    PICK(10) { add_word(c, "SCARD"); set_key(c); return; }
    PICK(15) { add_word(c, "SISMEMBER"); set_key(c); set_member(c); return; }
    PICK(10) {
        add_word(c, "SMISMEMBER");
        set_key(c);
        int n = 1 + rnd(4);
        for (int i = 0; i < n; i++) set_member(c);
        return;
    }
    PICK(15) { c->cmp = CMP_SORT; add_word(c, "SMEMBERS"); set_key(c); return; }
    PICK(15) { add_word(c, "SMOVE"); set_key(c); set_key(c); set_member(c); return; }
    PICK(25) {
        static const char *n[] = {"SINTER", "SUNION", "SDIFF"};
        c->cmp = CMP_SORT;
        add_word(c, n[rnd(3)]);
        int k = 1 + rnd(3);
        for (int i = 0; i < k; i++) set_key(c);
        return;
    }
    PICK(25) {
        static const char *n[] = {"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"};
        add_word(c, n[rnd(3)]);
        set_key(c);  /* destination: may be of any type, it is overwritten */
        int k = 1 + rnd(3);
        for (int i = 0; i < k; i++) set_key(c);
        return;
    }
    PICK(20) {
        add_word(c, "SINTERCARD");
        add_numkeys(c, set_key, 3);
        if (chance(40)) {
            add_word(c, "LIMIT");
            if (chance(85)) addf(c, "%d", rnd(5));
            else add(c, chance(50) ? "-1" : "x");
        }
        return;
    }
#undef PICK
    /* The rest (30): SRANDMEMBER key [count]: random, shape only. */
    c->cmp = CMP_SHAPE;
    add_word(c, "SRANDMEMBER");
    set_key(c);
    if (chance(70)) {
        if (chance(95)) addf(c, "%d", rnd(25) - 12);
        else add(c, "x");
    }
}

static RVal *set_dump(Server *s, const char *key, size_t keylen)
{
    RVal *v = call_key(s, "SMEMBERS", key, keylen, NULL);
    rval_sort(v);
    return v;
}

static const DiffType difftype_set = {
    "set", "set",
    "SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SMOVE SINTER SUNION SDIFF SINTERSTORE "
    "SUNIONSTORE SDIFFSTORE SINTERCARD SRANDMEMBER DEL",
    20, SET_KEYS, set_gen, set_dump,
};

#endif
