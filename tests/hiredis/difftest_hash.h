/*
 * difftest_hash.h - difftest's hash row: HSET/HMSET (big ones at four
 * offsets, so a key can gather more than hash-max-listpack-entries (512)
 * fields, and values past 64 bytes, so listpacks convert), HSETNX, the
 * reads, HDEL, HINCRBY/HINCRBYFLOAT on numeric and non-numeric fields,
 * HRANDFIELD.  Keys "df:h0".."df:h7".
 * HGETALL/HKEYS/HVALS are compared order-insensitively (a hashtable's
 * order is its own); HRANDFIELD by shape only.  Dump: HGETALL, pairs
 * sorted by field.
 */
#ifndef TESTS_HIREDIS_DIFFTEST_HASH_H
#define TESTS_HIREDIS_DIFFTEST_HASH_H

#include "difftest_gen.h"

#define HASH_KEYS "df:h", 8

static void hash_key(Cmd *c) { add_key_of(c, HASH_KEYS); }

/* A field: a small space so commands collide, some numeric, long, binary,
 * and some sharing a prefix longer than 14 bytes (our small hashes code
 * each field against the previous one: both header forms get used). */
static void hash_field(Cmd *c)
{
    int k = rnd(100);
    if (k < 60) addf(c, "f%d", rnd(10));
    else if (k < 70) addf(c, "user:session:id:%d", rnd(12));
    else if (k < 80) addf(c, "%d", rnd(5));
    else add_elem(c);
}

/* A value: elements, counters HINCRBY/HINCRBYFLOAT can work on, and
 * values sharing long prefixes. */
static void hash_value(Cmd *c)
{
    int k = rnd(100);
    if (k < 30) addf(c, "%d", rnd(41) - 20);
    else if (k < 40) addf(c, "value:%d", 1000000 + rnd(30));
    else add_elem(c);
}

static void hash_gen(Cmd *c)
{
    if (gen_reclaim(c, HASH_KEYS)) return;
    int w = rnd(250);
#define PICK(limit) if ((w -= (limit)) < 0)
    PICK(55) {
        add_word(c, chance(80) ? "HSET" : "HMSET");
        hash_key(c);
        int n = bulk_count();
        /* Big HSETs start at one of four offsets, so a key can gather
         * more than 512 fields over a few of them and become a table. */
        int base = 150 * rnd(4);
        for (int i = 0; i < n; i++) {
            if (n > 100) { addf(c, "bf%d", base + i); addf(c, "%d", i); }
            else { hash_field(c); hash_value(c); }
        }
        return;
    }
    PICK(10) { add_word(c, "HSETNX"); hash_key(c); hash_field(c); hash_value(c); return; }
    PICK(25) { add_word(c, "HGET"); hash_key(c); hash_field(c); return; }
    PICK(15) {
        add_word(c, "HMGET");
        hash_key(c);
        int n = 1 + rnd(4);
        for (int i = 0; i < n; i++) hash_field(c);
        return;
    }
    PICK(15) { c->cmp = CMP_PAIRS; add_word(c, "HGETALL"); hash_key(c); return; }
    PICK(10) { c->cmp = CMP_SORT; add_word(c, chance(50) ? "HKEYS" : "HVALS"); hash_key(c); return; }
    PICK(20) {
        add_word(c, "HDEL");
        hash_key(c);
        int n = 1 + rnd(3);
        for (int i = 0; i < n; i++) hash_field(c);
        return;
    }
    PICK(10) { add_word(c, "HEXISTS"); hash_key(c); hash_field(c); return; }
    PICK(10) { add_word(c, "HLEN"); hash_key(c); return; }
    PICK(10) { add_word(c, "HSTRLEN"); hash_key(c); hash_field(c); return; }
    PICK(25) { add_word(c, "HINCRBY"); hash_key(c); hash_field(c); add_number(c); return; }
    PICK(20) { add_word(c, "HINCRBYFLOAT"); hash_key(c); hash_field(c); add_number(c); return; }
#undef PICK
    /* The rest (25): HRANDFIELD key [count [WITHVALUES]]: random, shape only. */
    c->cmp = CMP_SHAPE;
    add_word(c, "HRANDFIELD");
    hash_key(c);
    if (chance(70)) {
        if (chance(95)) addf(c, "%d", rnd(25) - 12);
        else add(c, "x");
        if (chance(40)) add_word(c, "WITHVALUES");
    }
}

static RVal *hash_dump(Server *s, const char *key, size_t keylen)
{
    RVal *v = call_key(s, "HGETALL", key, keylen, NULL);
    rval_sort_pairs(v);
    return v;
}

static const DiffType difftype_hash = {
    "hash", "hash",
    "HSET HMSET HSETNX HGET HMGET HGETALL HKEYS HVALS HDEL HEXISTS HLEN HSTRLEN "
    "HINCRBY HINCRBYFLOAT HRANDFIELD DEL",
    20, HASH_KEYS, hash_gen, hash_dump,
};

#endif
