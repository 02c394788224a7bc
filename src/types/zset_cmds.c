/* zset_cmds.c - the sorted set commands on single elements: ZADD and
 * ZINCRBY, ZREM, ZCARD, ZSCORE/ZMSCORE, ZRANK/ZREVRANK, the pops (ZPOPMIN,
 * ZPOPMAX, ZMPOP and the blocking BZPOPMIN/BZPOPMAX/BZMPOP), ZRANDMEMBER
 * and ZSCAN.
 *
 * Order of checks follows Valkey's: options and numbers are parsed before
 * the key is looked up, so a syntax error wins over WRONGTYPE.  Pops are
 * propagated in their deterministic form (BZPOPMIN -> ZPOPMIN key,
 * ZMPOP/BZMPOP -> ZPOPMIN/ZPOPMAX key count); a blocking pop that finds
 * nothing waits on its keys (blocked.c) and runs again from the start
 * when one of them changes. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/alloc.h"
#include "../server/blocked.h"
#include "../server/propagate.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../server/timeout.h"
#include "../../deps/glob/glob.h"
#include "../../deps/numconv/dtoa.h"
#include "../../deps/numconv/numconv.h"
#include "zset.h"
#include "type_args.h"

#define ERR_NAN "resulting score is not a number (NaN)"

/* --------------------------------------------------------- ZADD/ZINCRBY */

static void zadd_generic(Client *c, int flags) {
    int ch = 0, idx = 2;
    for (; idx < c->argc; idx++) {
        const Arg *a = &c->argv[idx];
        if (arg_equals(a, "nx")) flags |= ZADD_IN_NX;
        else if (arg_equals(a, "xx")) flags |= ZADD_IN_XX;
        else if (arg_equals(a, "ch")) ch = 1;
        else if (arg_equals(a, "incr")) flags |= ZADD_IN_INCR;
        else if (arg_equals(a, "gt")) flags |= ZADD_IN_GT;
        else if (arg_equals(a, "lt")) flags |= ZADD_IN_LT;
        else break;
    }
    int incr = (flags & ZADD_IN_INCR) != 0, nx = (flags & ZADD_IN_NX) != 0, xx = (flags & ZADD_IN_XX) != 0;
    int gt = (flags & ZADD_IN_GT) != 0, lt = (flags & ZADD_IN_LT) != 0;
    int rest = c->argc - idx;
    if (rest == 0 || rest % 2) {
        reply_syntax_error(c);
        return;
    }
    long long elements = rest / 2;
    if (nx && xx) {
        reply_error(c, "XX and NX options at the same time are not compatible");
        return;
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
        reply_error(c, "GT, LT, and/or NX options at the same time are not compatible");
        return;
    }
    if (incr && elements > 1) {
        reply_error(c, "INCR option supports a single increment-element pair");
        return;
    }
    /* Every score is checked before anything changes. */
    double one, *scores = elements == 1 ? &one : mem_alloc(sizeof(double) * (size_t)elements);
    size_t maxlen = 0;
    for (long long j = 0; j < elements; j++) {
        if (!str_to_double(c->argv[idx + 2 * j].p, c->argv[idx + 2 * j].len, &scores[j])) {
            reply_error(c, ERR_NOT_FLOAT);
            goto done;
        }
        size_t len = c->argv[idx + 2 * j + 1].len;
        if (len > maxlen) maxlen = len;
    }
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = zs_lookup(c, key, LOOKUP_WRITE, &err);
    if (err) goto done;
    long long added = 0, updated = 0, processed = 0;
    double score = 0;
    if (!kv && xx) goto reply;
    ZVal z;
    if (kv) {
        z = zv_of(kv);
        zv_maybe_grow(&z, (uint64_t)elements);
    } else {
        z = zv_new((uint64_t)elements, maxlen);
    }
    int nan = 0;
    for (long long j = 0; j < elements; j++) {
        const Arg *m = &c->argv[idx + 2 * j + 1];
        int out;
        double newscore = scores[j];
        if (!zv_add(&z, scores[j], m->p, m->len, flags, &out, &newscore)) {
            nan = 1;
            break;
        }
        if (out & ZADD_OUT_ADDED) added++;
        if (out & ZADD_OUT_UPDATED) updated++;
        if (!(out & ZADD_OUT_NOP)) processed++;
        score = newscore;
    }
    if (kv) {
        zv_store_back(kv, &z);
    } else if (zv_len(&z)) {
        db_store(c->db, key, NULL, kv_new_ptr(key->p, key->len, OBJ_ZSET, z.enc, z.ptr), 0);
    } else {
        zv_free(&z);
    }
    if (added || updated) key_changed_n(c, c->db, key->p, key->len, NOTIFY_ZSET, incr ? "zincr" : "zadd", added + updated);
    if (nan) {
        reply_error(c, ERR_NAN);
        goto done;
    }
reply:
    if (incr) {
        if (processed) zs_reply_score(c, score);
        else reply_null(c);
    } else {
        reply_int(c, ch ? added + updated : added);
    }
done:
    if (scores != &one) mem_free(scores);
}

void zadd_command(Client *c) {
    zadd_generic(c, 0);
}

void zincrby_command(Client *c) {
    zadd_generic(c, ZADD_IN_INCR);
}

/* ------------------------------------------------------- ZREM and reads */

void zrem_command(Client *c) {
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = zs_lookup(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    ZVal z = zv_of(kv);
    long long deleted = 0;
    for (int j = 2; j < c->argc; j++) {
        deleted += zv_del(&z, c->argv[j].p, c->argv[j].len);
        if (zv_len(&z) == 0) break;
    }
    zv_store_back(kv, &z);
    zs_removed(c, key, kv, "zrem", deleted);
    reply_int(c, deleted);
}

void zcard_command(Client *c) {
    int err;
    Kv *kv = zs_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    ZVal z = zv_of(kv);
    reply_int(c, (long long)zv_len(&z));
}

void zscore_command(Client *c) {
    int err;
    Kv *kv = zs_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    double score;
    ZVal z;
    if (kv) z = zv_of(kv);
    if (!kv || !zv_score(&z, c->argv[2].p, c->argv[2].len, &score)) reply_null(c);
    else zs_reply_score(c, score);
}

void zmscore_command(Client *c) {
    int err;
    Kv *kv = zs_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    ZVal z;
    if (kv) z = zv_of(kv);
    reply_array_len(c, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        double score;
        if (!kv || !zv_score(&z, c->argv[j].p, c->argv[j].len, &score)) reply_null(c);
        else zs_reply_score(c, score);
    }
}

static void zrank_generic(Client *c, int rev) {
    int withscore = 0;
    if (c->argc > 4) {
        reply_wrong_arity(c, rev ? "zrevrank" : "zrank");
        return;
    }
    if (c->argc == 4) {
        if (!arg_equals(&c->argv[3], "withscore")) {
            reply_syntax_error(c);
            return;
        }
        withscore = 1;
    }
    int err;
    Kv *kv = zs_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    double score;
    long long rank = -1;
    if (kv) {
        ZVal z = zv_of(kv);
        rank = zv_rank(&z, c->argv[2].p, c->argv[2].len, rev, &score);
    }
    if (rank < 0) {
        if (withscore) reply_null_array(c);
        else reply_null(c);
        return;
    }
    if (withscore) reply_array_len(c, 2);
    reply_int(c, rank);
    if (withscore) zs_reply_score(c, score);
}

void zrank_command(Client *c) {
    zrank_generic(c, 0);
}

void zrevrank_command(Client *c) {
    zrank_generic(c, 1);
}

/* ---------------------------------------------------------------- pops */

enum { ZPOP_MIN = 0, ZPOP_MAX = 1 };

static void drop_cb(void *priv, SlNode *n) {
    zb_drop_node(priv, n);
}

/* Pops up to count elements from the non-empty zset kv at key, replying
 * each (nested [member, score] pairs when nested, else flat), and fires
 * the events.  Returns how many. */
static long long pop_elements(Client *c, const Arg *key, Kv *kv, int where, long long count, int nested) {
    ZVal z = zv_of(kv);
    uint64_t len = zv_len(&z);
    uint64_t n = (uint64_t)count < len ? (uint64_t)count : len;
    ZIter it;
    ZElem e;
    zi_init(&it, &z, 0, n - 1, where == ZPOP_MAX);
    while (zi_next(&it, &e)) {
        if (nested) reply_array_len(c, 2);
        reply_bulk(c, e.m, e.len);
        zs_reply_score(c, e.score);
    }
    if (z.enc == ENC_LISTPACK) {
        z.ptr = sp_delete_range(z.ptr, where == ZPOP_MIN ? 0 : (uint32_t)(len - n), (uint32_t)n);
    } else {
        ZsetBig *zb = z.ptr;
        uint64_t from = where == ZPOP_MIN ? 1 : len - n + 1;
        sl_delete_ranks(zb->sl, from, from + n - 1, drop_cb, zb);
    }
    zv_store_back(kv, &z);
    zs_removed(c, key, kv, where == ZPOP_MIN ? "zpopmin" : "zpopmax", (long long)n);
    return (long long)n;
}

/* The number of elements a pop of count takes from kv. */
static long long pop_size(Kv *kv, long long count) {
    ZVal z = zv_of(kv);
    uint64_t len = zv_len(&z);
    return (uint64_t)count < len ? count : (long long)len;
}

static void propagate_pop(Client *c, const Arg *key, int where, long long count) {
    char num[NUMCONV_LL_BUF];
    Arg argv[3] = {{where == ZPOP_MIN ? "ZPOPMIN" : "ZPOPMAX", 7}, *key, {num, ll_to_str(num, count)}};
    propagate_rewrite(c, count < 0 ? 2 : 3, argv);
}

static void zpop_command(Client *c, int where) {
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    long long count = -1;
    if (c->argc == 3 &&
        !type_arg_range(c, &c->argv[2], 0, LLONG_MAX, "value is out of range, must be positive", &count))
        return;
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = zs_lookup(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv || count == 0) {
        reply_array_len(c, 0);
        return;
    }
    int nested = c->resp > 2 && count != -1;
    if (count == -1) count = 1;
    long long n = pop_size(kv, count);
    reply_array_len(c, nested ? n : 2 * n);
    pop_elements(c, key, kv, where, count, nested);
}

void zpopmin_command(Client *c) {
    zpop_command(c, ZPOP_MIN);
}

void zpopmax_command(Client *c) {
    zpop_command(c, ZPOP_MAX);
}

/* ZMPOP/BZMPOP over keys[0..nkeys): the first existing zset is popped,
 * replying [key, [[member, score] ...]].  Returns 1 when served, 0 when
 * every key is missing (nothing replied), -1 after WRONGTYPE. */
static int mpop_keys(Client *c, const Arg *keys, long long nkeys, int where, long long count) {
    for (long long j = 0; j < nkeys; j++) {
        const Arg *key = &keys[j];
        int err;
        Kv *kv = zs_lookup(c, key, LOOKUP_WRITE, &err);
        if (err) return -1;
        if (!kv) continue;
        reply_array_len(c, 2);
        reply_bulk(c, key->p, key->len);
        reply_array_len(c, pop_size(kv, count));
        pop_elements(c, key, kv, where, count, 1);
        propagate_pop(c, key, where, count);
        return 1;
    }
    return 0;
}

/* [B]ZMPOP from numkeys_idx: numkeys, keys, MIN|MAX, [COUNT n]. */
static int parse_mpop(Client *c, int numkeys_idx, long long *nkeys, int *where, long long *count) {
    return type_parse_mpop(c, numkeys_idx, "min", ZPOP_MIN, "max", ZPOP_MAX, nkeys, where, count);
}

void zmpop_command(Client *c) {
    long long nkeys, count;
    int where;
    if (!parse_mpop(c, 1, &nkeys, &where, &count)) return;
    if (mpop_keys(c, &c->argv[2], nkeys, where, count) == 0) reply_null_array(c);
}

/* A blocking timeout in seconds (decimals allowed, rounded up to whole
 * ms) as an absolute time, 0 for "forever", with Valkey's errors. */
static int parse_timeout(Client *c, const Arg *a, int64_t *abs_ms) {
    return timeout_arg_to_abs_ms(c, a, TIMEOUT_UNIT_SECONDS, abs_ms);
}

static const BlockKeysSpec zset_block_spec = {
    .value_type = OBJ_ZSET,
    .unblock_on_nokey = 0,
    .on_timeout = NULL, /* a null array */
};

/* BZPOPMIN/BZPOPMAX (count -1: [key, member, score]) and BZMPOP (count >=
 * 1: [key, [[member, score] ...]]). */
static void blocking_pop(Client *c, const Arg *keys, long long nkeys, int where, int timeout_idx, long long count) {
    int64_t timeout;
    if (!parse_timeout(c, &c->argv[timeout_idx], &timeout)) return;
    if (count != -1) {
        if (mpop_keys(c, keys, nkeys, where, count)) return;
    } else {
        for (long long j = 0; j < nkeys; j++) {
            const Arg *key = &keys[j];
            int err;
            Kv *kv = zs_lookup(c, key, LOOKUP_WRITE, &err);
            if (err) return;
            if (!kv) continue;
            reply_array_len(c, 3);
            reply_bulk(c, key->p, key->len);
            pop_elements(c, key, kv, where, 1, 0);
            propagate_pop(c, key, where, -1);
            return;
        }
    }
    if (c->flags & ZSET_NO_BLOCKING) {
        reply_null_array(c);
        return;
    }
    block_for_keys(c, c->db, keys, (int)nkeys, timeout, &zset_block_spec);
}

void bzpopmin_command(Client *c) {
    blocking_pop(c, &c->argv[1], c->argc - 2, ZPOP_MIN, c->argc - 1, -1);
}

void bzpopmax_command(Client *c) {
    blocking_pop(c, &c->argv[1], c->argc - 2, ZPOP_MAX, c->argc - 1, -1);
}

void bzmpop_command(Client *c) {
    long long nkeys, count;
    int where;
    if (!parse_mpop(c, 2, &nkeys, &where, &count)) return;
    blocking_pop(c, &c->argv[3], nkeys, where, 1, count);
}

/* --------------------------------------------------------- ZRANDMEMBER */

/* An element of a pack. */
static void reply_entry(Client *c, const SpEntry *e, int withscores) {
    if (withscores && c->resp > 2) reply_array_len(c, 2);
    reply_bulk(c, e->m, e->len);
    if (withscores) zs_reply_score(c, e->score);
}

/* A uniformly chosen node: by rank, which (unlike a random bucket of the
 * member table, whose chains differ in length) weighs every member the
 * same. */
static SlNode *random_node(const ZsetBig *zb) {
    return sl_at_rank(zb->sl, 1 + server_rand64() % zb->sl->length);
}

static void reply_node(Client *c, const SlNode *n, int withscores) {
    size_t len;
    const char *m = sl_node_member(n, &len);
    if (withscores && c->resp > 2) reply_array_len(c, 2);
    reply_bulk(c, m, len);
    if (withscores) zs_reply_score(c, n->score);
}

/* A small open-addressing set of node pointers (distinct picks). */
typedef struct PtrSet {
    const void **slots;
    uint64_t mask;
} PtrSet;

static int ptrset_add(PtrSet *s, const void *p) {
    uint64_t h = (uint64_t)(uintptr_t)p;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    for (uint64_t i = h & s->mask;; i = (i + 1) & s->mask) {
        if (s->slots[i] == p) return 0;
        if (!s->slots[i]) {
            s->slots[i] = p;
            return 1;
        }
    }
}

static void randmember_with_count(Client *c, long long l, int withscores) {
    int err;
    Kv *kv = zs_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        reply_array_len(c, 0);
        return;
    }
    ZVal z = zv_of(kv);
    uint64_t size = zv_len(&z);
    int uniq = l >= 0;
    uint64_t count = l >= 0 ? (uint64_t)l : (uint64_t)(-l);
    if (count == 0) {
        reply_array_len(c, 0);
        return;
    }
    int flat = withscores && c->resp == 2;
    /* Repeats allowed (or a single pick): draw count times. */
    if (!uniq || count == 1) {
        reply_array_len(c, (long long)(flat ? count * 2 : count));
        if (z.enc == ENC_SKIPLIST) {
            ZsetBig *zb = z.ptr;
            while (count--) {
                reply_node(c, random_node(zb), withscores);
                if (c->flags & CLIENT_CLOSE_ASAP) break;
            }
            return;
        }
        const unsigned char *sp = z.ptr;
        SpIndex ix;
        sp_index_init(&ix, sp);
        while (count--) {
            SpEntry e;
            sp_index_get(sp, &ix, (uint32_t)(server_rand64() % ix.n), &e);
            reply_entry(c, &e, withscores);
            if (c->flags & CLIENT_CLOSE_ASAP) break;
        }
        sp_index_free(&ix);
        return;
    }
    uint64_t n = count < size ? count : size;
    reply_array_len(c, (long long)(flat ? n * 2 : n));
    /* All of them. */
    if (count >= size) {
        ZIter it;
        ZElem e;
        zi_init(&it, &z, 0, size - 1, 0);
        while (zi_next(&it, &e)) {
            if (withscores && c->resp > 2) reply_array_len(c, 2);
            reply_bulk(c, e.m, e.len);
            if (withscores) zs_reply_score(c, e.score);
        }
        return;
    }
    if (z.enc == ENC_LISTPACK) {
        /* Selection sampling in one walk (as Valkey's listpack picks):
         * each element is taken with probability needed / remaining, so
         * every n-subset is equally likely; they come out in order. */
        const unsigned char *sp = z.ptr;
        uint64_t need = n, remaining = size;
        SpEntry e;
        for (size_t off = sp_first(sp); need; off = e.next, remaining--) {
            sp_get(sp, off, &e);
            if (server_rand64() % remaining >= need) continue;
            reply_entry(c, &e, withscores);
            need--;
        }
        return;
    }
    ZsetBig *zb = z.ptr;
    if (n * 3 > size) {
        /* Most of the set: shuffle the first n of all nodes into place. */
        SlNode **all = mem_alloc(sizeof(SlNode *) * size);
        uint64_t i = 0;
        for (SlNode *x = sl_first(zb->sl); x; x = x->next) all[i++] = x;
        for (i = 0; i < n; i++) {
            uint64_t j = i + server_rand64() % (size - i);
            SlNode *t = all[i];
            all[i] = all[j];
            all[j] = t;
            reply_node(c, all[i], withscores);
        }
        mem_free(all);
        return;
    }
    /* A few of many: random picks, skipping repeats. */
    uint64_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    PtrSet seen = {mem_calloc(sizeof(void *) * cap), cap - 1};
    uint64_t given = 0;
    while (given < n) {
        SlNode *x = random_node(zb);
        if (!ptrset_add(&seen, x)) continue;
        reply_node(c, x, withscores);
        given++;
    }
    mem_free(seen.slots);
}

void zrandmember_command(Client *c) {
    if (c->argc >= 3) {
        long long l;
        if (!type_arg_range(c, &c->argv[2], -LLONG_MAX, LLONG_MAX, NULL, &l)) return;
        int withscores = 0;
        if (c->argc > 4 || (c->argc == 4 && !arg_equals(&c->argv[3], "withscores"))) {
            reply_syntax_error(c);
            return;
        }
        if (c->argc == 4) {
            withscores = 1;
            if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
                reply_error(c, "value is out of range");
                return;
            }
        }
        randmember_with_count(c, l, withscores);
        return;
    }
    int err;
    Kv *kv = zs_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        reply_null(c);
        return;
    }
    ZVal z = zv_of(kv);
    if (z.enc == ENC_SKIPLIST) {
        size_t len;
        const char *m = sl_node_member(random_node(z.ptr), &len);
        reply_bulk(c, m, len);
        return;
    }
    SpEntry e;
    sp_get(z.ptr, sp_seek(z.ptr, (uint32_t)(server_rand64() % zv_len(&z))), &e);
    reply_bulk(c, e.m, e.len);
}

/* --------------------------------------------------------------- ZSCAN */

typedef struct ScanAcc {
    const Arg *pattern;
    SlNode **items;
    size_t n, cap;
} ScanAcc;

static void scan_node(void *priv, void *entry) {
    ScanAcc *acc = priv;
    SlNode *x = entry;
    if (acc->pattern) {
        size_t len;
        const char *m = sl_node_member(x, &len);
        if (!glob_match(acc->pattern->p, acc->pattern->len, m, len, 0)) return;
    }
    if (acc->n == acc->cap) {
        acc->cap = acc->cap ? acc->cap * 2 : 16;
        acc->items = mem_realloc(acc->items, acc->cap * sizeof(SlNode *));
    }
    acc->items[acc->n++] = x;
}

/* A skiplist score in ZSCAN: Valkey prints it as a long double ("%.17Lg"),
 * not in its reply form; small values give the listpack's text. */
static void reply_scan_score(Client *c, double d) {
    char buf[64];
    int n;
    if (isinf(d)) n = snprintf(buf, sizeof(buf), "%s", d > 0 ? "inf" : "-inf");
    else n = snprintf(buf, sizeof(buf), "%.17Lg", (long double)d);
    reply_bulk(c, buf, (size_t)n);
}

void zscan_command(Client *c) {
    unsigned long long cursor;
    if (!str_to_ull(c->argv[2].p, c->argv[2].len, &cursor)) {
        reply_error(c, "invalid cursor");
        return;
    }
    int err;
    Kv *kv = zs_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        reply_array_len(c, 2);
        reply_bulk(c, "0", 1);
        reply_array_len(c, 0);
        return;
    }
    ScanOpts o;
    if (!type_parse_scan_opts(c, SCAN_OPT_NOSCORES, SCAN_OPT_NOVALUES, &o)) return;
    long long count = o.count;
    const Arg *pattern = o.pattern;
    int noscores = (o.flags & SCAN_OPT_NOSCORES) != 0;
    ZVal z = zv_of(kv);
    reply_array_len(c, 2);
    if (z.enc == ENC_LISTPACK) {
        /* Small: the whole value in one reply, cursor 0. */
        reply_bulk(c, "0", 1);
        ReplyDeferred d = reply_deferred_len(c);
        long long n = 0;
        const unsigned char *sp = z.ptr;
        size_t end = sp_bytes(sp);
        SpEntry e;
        for (size_t off = sp_first(sp); off < end; off = e.next) {
            sp_get(sp, off, &e);
            if (pattern && !glob_match(pattern->p, pattern->len, e.m, e.len, 0)) continue;
            reply_bulk(c, e.m, e.len);
            n++;
            if (noscores) continue;
            /* the text a listpack would hold: Valkey's d2string form */
            char sb[DTOA_BUF];
            reply_bulk(c, sb, dtoa_valkey(e.score, sb));
            n++;
        }
        reply_set_deferred_array_len(c, d, n);
        return;
    }
    ZsetBig *zb = z.ptr;
    ScanAcc acc = {pattern, NULL, 0, 0};
    long long max_iterations = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
    do {
        cursor = ht_scan(zb->ht, cursor, scan_node, &acc);
    } while (cursor && max_iterations-- && acc.n < (size_t)count);
    char cbuf[NUMCONV_LL_BUF];
    reply_bulk(c, cbuf, ull_to_str(cbuf, cursor));
    reply_array_len(c, (long long)(noscores ? acc.n : acc.n * 2));
    for (size_t i = 0; i < acc.n; i++) {
        size_t len;
        const char *m = sl_node_member(acc.items[i], &len);
        reply_bulk(c, m, len);
        if (!noscores) reply_scan_score(c, acc.items[i]->score);
    }
    mem_free(acc.items);
}
