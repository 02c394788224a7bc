/*
 * difftest_list.h - difftest's list row: pushes (variadic, sometimes past
 * 128 elements or with values past 64 bytes, so listpacks convert), pops
 * with counts, LINDEX/LSET/LINSERT/LREM/LTRIM/LRANGE, LPOS with RANK COUNT
 * MAXLEN, LMOVE/RPOPLPUSH between keys, LMPOP.  No blocking variants.
 * Keys "df:l0".."df:l7".  Every reply is deterministic: compared exactly.
 * Dump: LRANGE 0 -1.
 */
#ifndef TESTS_HIREDIS_DIFFTEST_LIST_H
#define TESTS_HIREDIS_DIFFTEST_LIST_H

#include "difftest_gen.h"

#define LIST_KEYS "df:l", 8

static void list_key(Cmd *c) { add_key_of(c, LIST_KEYS); }

static void list_add_end(Cmd *c)
{
    if (chance(97)) add_word(c, chance(50) ? "LEFT" : "RIGHT");
    else add_word(c, "MIDDLE");
}

static void list_gen_lpos(Cmd *c)
{
    add_word(c, "LPOS");
    list_key(c);
    add_elem(c);
    int n = rnd(4);
    for (int i = 0; i < n; i++) {
        switch (rnd(13) / 4) {  /* RANK, COUNT, MAXLEN, or 1 in 13 FOO */
        case 0:
            add_word(c, "RANK");
            if (chance(85)) addf(c, "%d", rnd(7) - 3);  /* 0 is an error */
            else add_special(c);
            break;
        case 1:
            add_word(c, "COUNT");
            if (chance(85)) addf(c, "%d", rnd(4));
            else add(c, chance(50) ? "-1" : "x");
            break;
        case 2:
            add_word(c, "MAXLEN");
            if (chance(85)) addf(c, "%d", rnd(12));
            else add(c, chance(50) ? "-1" : "x");
            break;
        default: add_word(c, "FOO"); break;
        }
    }
}

static void list_gen(Cmd *c)
{
    if (gen_reclaim(c, LIST_KEYS)) return;
    int w = rnd(250);
#define PICK(limit) if ((w -= (limit)) < 0)
    PICK(50) {
        int k = rnd(10);
        add_word(c, k < 4 ? "LPUSH" : k < 8 ? "RPUSH" : k == 8 ? "LPUSHX" : "RPUSHX");
        list_key(c);
        int n = bulk_count();
        for (int i = 0; i < n; i++) {
            if (n > 100) add_bulk_elem(c, i, chance(50));
            else add_elem(c);
        }
        return;
    }
    PICK(25) {
        add_word(c, chance(50) ? "LPOP" : "RPOP");
        list_key(c);
        if (chance(40)) add_count(c);
        return;
    }
    PICK(10) { add_word(c, "LLEN"); list_key(c); return; }
    PICK(15) { add_word(c, "LINDEX"); list_key(c); add_index(c); return; }
    PICK(15) {
        add_word(c, "LINSERT");
        list_key(c);
        if (chance(95)) add_word(c, chance(50) ? "BEFORE" : "AFTER");
        else add_word(c, "MIDDLE");
        add_elem(c);
        add_elem(c);
        return;
    }
    PICK(15) { add_word(c, "LSET"); list_key(c); add_index(c); add_elem(c); return; }
    PICK(25) { add_word(c, "LRANGE"); list_key(c); add_index(c); add_index(c); return; }
    PICK(15) {
        add_word(c, "LREM");
        list_key(c);
        if (chance(90)) addf(c, "%d", rnd(7) - 3);
        else add_special(c);
        add_elem(c);
        return;
    }
    PICK(10) {
        /* Keep a prefix mostly, so lists do not just empty out. */
        add_word(c, "LTRIM");
        list_key(c);
        if (chance(70)) { addf(c, "%d", rnd(3)); addf(c, "%d", chance(50) ? -1 - rnd(3) : 5 + rnd(150)); }
        else { add_index(c); add_index(c); }
        return;
    }
    PICK(25) { list_gen_lpos(c); return; }
    PICK(20) {
        if (chance(70)) {
            add_word(c, "LMOVE");
            list_key(c);
            list_key(c);
            list_add_end(c);
            list_add_end(c);
        } else {
            add_word(c, "RPOPLPUSH");
            list_key(c);
            list_key(c);
        }
        return;
    }
#undef PICK
    /* The rest (25): LMPOP numkeys key... LEFT|RIGHT [COUNT n]. */
    add_word(c, "LMPOP");
    add_numkeys(c, list_key, 3);
    list_add_end(c);
    if (chance(50)) {
        add_word(c, "COUNT");
        add_count(c);
    }
}

static RVal *list_dump(Server *s, const char *key, size_t keylen)
{
    return call_key(s, "LRANGE", key, keylen, "0", "-1", NULL);
}

static const DiffType difftype_list = {
    "list", "list",
    "LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LINSERT LSET LRANGE LREM LTRIM "
    "LPOS LMOVE RPOPLPUSH LMPOP DEL",
    25, LIST_KEYS, list_gen, list_dump,
};

#endif
