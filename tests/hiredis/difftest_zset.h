/*
 * difftest_zset.h - difftest's sorted-set row: ZADD with NX XX GT LT CH
 * INCR (and their invalid mixes), ZINCRBY, ZREM, counts, scores, ranks,
 * every range form (ZRANGE BYSCORE/BYLEX/REV/LIMIT/WITHSCORES, ZRANGESTORE,
 * the old ZREV/ZRANGEBY* commands), ZREMRANGEBY*, pops, ZMPOP, and the
 * algebra ZUNION/ZINTER/ZDIFF (+STORE, WEIGHTS, AGGREGATE, sets as inputs)
 * and ZINTERCARD.  ZRANDMEMBER is compared by shape only.
 *
 * Scores are mostly integers and halves/quarters: sums of those are exact,
 * so the order in which a server adds them does not matter.
 * Lex commands are only sent to their own band "df:x0".."df:x3", whose
 * members all have score 0: on mixed scores a lex range is unspecified
 * (in a skiplist it even depends on random node levels).  No other command
 * of any row can reach that band (it is not registered as a key band, and
 * its keys are not the shared names).
 * Keys "df:z0".."df:z7".  Dump: ZRANGE 0 -1 WITHSCORES, scores reprinted
 * with %.17g (Redis 7.0 and Valkey 8 print doubles differently).
 */
#ifndef TESTS_HIREDIS_DIFFTEST_ZSET_H
#define TESTS_HIREDIS_DIFFTEST_ZSET_H

#include "difftest_gen.h"

#define ZSET_KEYS "df:z", 8

static void zset_key(Cmd *c) { add_key_of(c, ZSET_KEYS); }

/* A source of ZUNION/ZINTER/ZDIFF: often another row's key (sets count as
 * sorted sets with score 1; other types are WRONGTYPE). */
static void zset_src_key(Cmd *c)
{
    if (chance(65)) add_key_in(c, ZSET_KEYS);
    else add_any_key(c);
}

static void zset_lex_key(Cmd *c) { addf(c, "df:x%d", rnd(4)); }

static void zset_member(Cmd *c)
{
    int k = rnd(100);
    if (k < 55) addf(c, "m%d", rnd(12));
    else if (k < 70) addf(c, "%d", rnd(10));
    else add_elem(c);
}

static void zset_lex_member(Cmd *c)
{
    int k = rnd(100);
    if (k < 60) addf(c, "%c", "abcdefghij"[rnd(10)]);
    else if (k < 85) addf(c, "%c%c", "abcdef"[rnd(6)], "abcdef"[rnd(6)]);
    else add_elem(c);
}

static void zset_score(Cmd *c)
{
    int k = rnd(100);
    if (k < 55) addf(c, "%d", rnd(21) - 10);
    else if (k < 65) addf(c, "%d", rnd(3));  /* ties: ordered by member */
    else if (k < 78) addf(c, "%d.%s", rnd(11) - 5, (const char *[]){"5", "25", "75"}[rnd(3)]);
    else if (k < 84) add(c, (const char *[]){"inf", "-inf", "+inf"}[rnd(3)]);
    else if (k < 88) add(c, (const char *[]){"1e15", "-1e15", "4503599627370496", "1e-3"}[rnd(4)]);
    else if (k < 92) add(c, (const char *[]){"0.1", "-0", "3e2", "1e308"}[rnd(4)]);
    else if (k < 96) add(c, (const char *[]){"nan", "x", "", "1 ", "0x10", "1e400"}[rnd(6)]);
    else add_special(c);
}

/* A score range end: inclusive, exclusive "(", infinities, invalid. */
static void zset_score_bound(Cmd *c)
{
    int k = rnd(100);
    if (k < 40) addf(c, "%d", rnd(21) - 10);
    else if (k < 65) addf(c, "(%d", rnd(21) - 10);
    else if (k < 72) addf(c, "(%d.5", rnd(11) - 5);
    else if (k < 88) add(c, (const char *[]){"-inf", "+inf", "inf", "(-inf", "(+inf"}[rnd(5)]);
    else add(c, (const char *[]){"x", "(", "((1", "nan", "", "1e400", "[1"}[rnd(7)]);
}

/* A lex range end: "-", "+", "[x", "(x", or invalid. */
static void zset_lex_bound(Cmd *c)
{
    int k = rnd(100);
    char b[8];
    if (k < 15) add(c, chance(50) ? "-" : "+");
    else if (k < 85) {
        b[0] = chance(50) ? '[' : '(';
        b[1] = "abcdefghij"[rnd(10)];
        b[2] = 0;
        if (chance(30)) { b[2] = "abcdef"[rnd(6)]; b[3] = 0; }
        add(c, b);
    } else if (k < 90) add(c, chance(50) ? "[" : "(");
    else add(c, (const char *[]){"a", "", "-a", "+", "[\xff"}[rnd(5)]);
}

/* A negative offset only where the reply is all that differs: on a
 * skiplist Valkey 8 answers elements where Redis 7.0 answers none (an
 * accepted difference), so ZRANGESTORE would leave the two keyspaces
 * apart. */
static void zset_add_limit(Cmd *c, int negative_ok)
{
    add_word(c, "LIMIT");
    if (chance(90)) addf(c, "%d", rnd(4) - (negative_ok && chance(10) ? 2 : 0));
    else add(c, "x");
    if (chance(90)) addf(c, "%d", rnd(6) - 1);  /* negative: no limit */
    else add(c, "x");
}

static void zset_add_withscores(Cmd *c, int percent)
{
    if (chance(percent)) add_word(c, "WITHSCORES");
}

/* ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ...: options in random
 * order, sometimes contradictory. */
static void zset_gen_zadd(Cmd *c)
{
    add_word(c, "ZADD");
    zset_key(c);
    int incr = 0;
    if (chance(50)) {
        static const char *opts[] = {"NX", "XX", "GT", "LT", "CH", "INCR"};
        int n = 1 + rnd(chance(85) ? 2 : 3);
        for (int i = 0; i < n; i++) {
            int k = rnd(6);
            if (k == 5) incr = 1;
            add_word(c, opts[k]);
        }
    }
    int n = incr ? (chance(90) ? 1 : 2) : bulk_count();
    for (int i = 0; i < n; i++) {
        if (n > 100) { addf(c, "%d", i % 7); add_bulk_elem(c, i, 0); }
        else { zset_score(c); zset_member(c); }
    }
}

/* ZRANGE / ZRANGESTORE: index or BYSCORE mode (BYLEX: zset_gen_lex). */
static void zset_gen_zrange(Cmd *c, int store)
{
    int byscore = chance(50);
    if (store) {
        add_word(c, "ZRANGESTORE");
        zset_key(c);
    } else {
        add_word(c, "ZRANGE");
    }
    zset_key(c);
    if (byscore) { zset_score_bound(c); zset_score_bound(c); add_word(c, "BYSCORE"); }
    else { add_index(c); add_index(c); }
    if (chance(30)) add_word(c, "REV");
    if (chance(byscore ? 35 : 5)) zset_add_limit(c, !store);  /* LIMIT without BYSCORE: error */
    if (!store || chance(3)) zset_add_withscores(c, store ? 100 : 40);
}

/* ZUNION/ZINTER/ZDIFF and their STORE forms. */
static void zset_gen_algebra(Cmd *c)
{
    static const char *names[] = {"ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"};
    int k = rnd(6), store = k >= 3, diff = k % 3 == 2;
    add_word(c, names[k]);
    if (store) zset_key(c);
    int before = c->argc;
    add_numkeys(c, zset_src_key, 3);
    int nkeys = c->argc - before - 1;
    if (!diff || chance(3)) {  /* WEIGHTS/AGGREGATE: a syntax error for ZDIFF */
        if (chance(40)) {
            static const char *weights[] = {"1", "2", "-1", "0", "0.5", "3", "inf", "-2.5"};
            add_word(c, "WEIGHTS");
            int n = chance(90) ? nkeys : nkeys + 1 - 2 * rnd(2);
            for (int i = 0; i < n; i++) {
                if (chance(97)) add(c, weights[rnd(8)]);
                else add(c, "x");
            }
        }
        if (chance(35)) {
            add_word(c, "AGGREGATE");
            add_word(c, (const char *[]){"SUM", "MIN", "MAX", "AVG"}[chance(97) ? rnd(3) : 3]);
        }
    }
    if (!store || chance(3)) zset_add_withscores(c, store ? 100 : 40);
}

/* The lex commands, on the score-0 band only. */
static void zset_gen_lex(Cmd *c)
{
    int w = rnd(100);
#define PICK(limit) if ((w -= (limit)) < 0)
    PICK(30) {
        add_word(c, "ZADD");
        zset_lex_key(c);
        if (chance(30)) add_word(c, (const char *[]){"NX", "XX", "CH", "GT", "LT"}[rnd(5)]);
        int n = bulk_count();
        for (int i = 0; i < n; i++) {
            add(c, "0");
            if (n > 100) add_bulk_elem(c, i, 0);
            else zset_lex_member(c);
        }
        return;
    }
    PICK(10) { add_word(c, "ZREM"); zset_lex_key(c); zset_lex_member(c); return; }
    PICK(20) {
        int rev = chance(30);
        add_word(c, rev ? "ZREVRANGEBYLEX" : "ZRANGEBYLEX");
        zset_lex_key(c);
        zset_lex_bound(c);
        zset_lex_bound(c);
        if (chance(30)) zset_add_limit(c, 1);
        if (chance(3)) add_word(c, "WITHSCORES");  /* not an option here */
        return;
    }
    PICK(10) { add_word(c, "ZLEXCOUNT"); zset_lex_key(c); zset_lex_bound(c); zset_lex_bound(c); return; }
    PICK(8) { add_word(c, "ZREMRANGEBYLEX"); zset_lex_key(c); zset_lex_bound(c); zset_lex_bound(c); return; }
    PICK(17) {
        int store = chance(30);
        add_word(c, store ? "ZRANGESTORE" : "ZRANGE");
        if (store) zset_lex_key(c);
        zset_lex_key(c);
        zset_lex_bound(c);
        zset_lex_bound(c);
        add_word(c, "BYLEX");
        if (chance(30)) add_word(c, "REV");
        if (chance(30)) zset_add_limit(c, !store);
        if (chance(store ? 3 : 10)) add_word(c, "WITHSCORES");  /* an error with BYLEX */
        return;
    }
    PICK(3) { add_word(c, "DEL"); zset_lex_key(c); return; }
#undef PICK
    add_word(c, "ZCARD");
    zset_lex_key(c);
}

static void zset_gen(Cmd *c)
{
    if (gen_reclaim(c, ZSET_KEYS)) return;
    int w = rnd(400);
#define PICK(limit) if ((w -= (limit)) < 0)
    PICK(60) { zset_gen_lex(c); return; }
    PICK(60) { zset_gen_zadd(c); return; }
    PICK(15) {
        add_word(c, "ZINCRBY");
        zset_key(c);
        if (chance(80)) zset_score(c);
        else add_number(c);
        zset_member(c);
        return;
    }
    PICK(15) {
        add_word(c, "ZREM");
        zset_key(c);
        int n = 1 + rnd(3);
        for (int i = 0; i < n; i++) zset_member(c);
        return;
    }
    PICK(8) { add_word(c, "ZCARD"); zset_key(c); return; }
    PICK(10) { add_word(c, "ZCOUNT"); zset_key(c); zset_score_bound(c); zset_score_bound(c); return; }
    PICK(12) { add_word(c, "ZSCORE"); zset_key(c); zset_member(c); return; }
    PICK(10) {
        add_word(c, "ZMSCORE");
        zset_key(c);
        int n = 1 + rnd(4);
        for (int i = 0; i < n; i++) zset_member(c);
        return;
    }
    PICK(15) {
        add_word(c, chance(50) ? "ZRANK" : "ZREVRANK");
        zset_key(c);
        zset_member(c);
        if (chance(4)) add_word(c, "WITHSCORE");  /* Valkey 8 / Redis 7.2+ only */
        return;
    }
    PICK(30) { zset_gen_zrange(c, 0); return; }
    PICK(12) { zset_gen_zrange(c, 1); return; }
    PICK(10) {
        add_word(c, "ZREVRANGE");
        zset_key(c);
        add_index(c);
        add_index(c);
        zset_add_withscores(c, 40);
        return;
    }
    PICK(20) {
        int rev = chance(40);
        add_word(c, rev ? "ZREVRANGEBYSCORE" : "ZRANGEBYSCORE");
        zset_key(c);
        zset_score_bound(c);
        zset_score_bound(c);
        /* WITHSCORES and LIMIT in either order. */
        int ws = chance(40), lim = chance(35);
        if (chance(50)) { if (ws) add_word(c, "WITHSCORES"); if (lim) zset_add_limit(c, 1); }
        else { if (lim) zset_add_limit(c, 1); if (ws) add_word(c, "WITHSCORES"); }
        return;
    }
    PICK(8) { add_word(c, "ZREMRANGEBYRANK"); zset_key(c); add_index(c); add_index(c); return; }
    PICK(8) { add_word(c, "ZREMRANGEBYSCORE"); zset_key(c); zset_score_bound(c); zset_score_bound(c); return; }
    PICK(20) {
        add_word(c, chance(50) ? "ZPOPMIN" : "ZPOPMAX");
        zset_key(c);
        if (chance(50)) add_count(c);
        return;
    }
    PICK(12) {
        add_word(c, "ZMPOP");
        add_numkeys(c, zset_key, 3);
        add_word(c, chance(97) ? (chance(50) ? "MIN" : "MAX") : "MID");
        if (chance(50)) { add_word(c, "COUNT"); add_count(c); }
        return;
    }
    PICK(40) { zset_gen_algebra(c); return; }
    PICK(15) {
        add_word(c, "ZINTERCARD");
        add_numkeys(c, zset_src_key, 3);
        if (chance(40)) {
            add_word(c, "LIMIT");
            if (chance(85)) addf(c, "%d", rnd(5));
            else add(c, chance(50) ? "-1" : "x");
        }
        return;
    }
#undef PICK
    /* The rest (20): ZRANDMEMBER key [count [WITHSCORES]]: random, shape only. */
    c->cmp = CMP_SHAPE;
    add_word(c, "ZRANDMEMBER");
    zset_key(c);
    if (chance(70)) {
        if (chance(95)) addf(c, "%d", rnd(25) - 12);
        else add(c, "x");
        zset_add_withscores(c, 40);
    }
}

static RVal *zset_dump(Server *s, const char *key, size_t keylen)
{
    RVal *v = call_key(s, "ZRANGE", key, keylen, "0", "-1", "WITHSCORES");
    if (!v || v->type != '*') return v;
    for (size_t i = 0; i < v->n; i++) {
        RVal *e = v->elem[i];
        if (e->type == '*' && e->n == 2) rval_canon_double(e->elem[1]);  /* RESP3 pairs */
        else if (i % 2) rval_canon_double(e);                             /* RESP2 flat */
    }
    return v;
}

static const DiffType difftype_zset = {
    "zset", "zset",
    "ZADD ZINCRBY ZREM ZCARD ZCOUNT ZLEXCOUNT ZSCORE ZMSCORE ZRANK ZREVRANK ZRANGE "
    "ZRANGESTORE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX "
    "ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX ZPOPMIN ZPOPMAX ZMPOP ZUNION ZINTER "
    "ZDIFF ZUNIONSTORE ZINTERSTORE ZDIFFSTORE ZINTERCARD ZRANDMEMBER DEL",
    30, ZSET_KEYS, zset_gen, zset_dump,
};

#endif
