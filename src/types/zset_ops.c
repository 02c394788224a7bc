/* zset_ops.c - sorted set algebra: ZUNION, ZINTER, ZDIFF, their STORE
 * forms (WEIGHTS, AGGREGATE SUM|MIN|MAX, WITHSCORES) and ZINTERCARD.
 *
 * Inputs may be sorted sets or plain sets (every member scoring 1); a
 * missing key is an empty input.  As in Valkey: keys are type-checked as
 * they are read (before the options), union and intersection visit the
 * inputs from the smallest to the largest (a stable order, which decides
 * the order in which scores are summed), a weighted score that is NaN
 * (inf x 0) counts as 0, and a SUM that gives NaN (inf + -inf) as 0.
 * The result is built as a skiplist; a stored result that fits the
 * listpack limits becomes a listpack.  Sets are read through set.h only
 * (set_of, set_size, set_iter_*, set_contains). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/alloc.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../../deps/numconv/numconv.h"
#include "set.h"
#include "zset.h"

enum { OP_UNION, OP_INTER, OP_DIFF };
enum { AGG_SUM, AGG_MIN, AGG_MAX };

/* One input. */
typedef struct ZSrc {
    int type;        /* OBJ_ZSET, OBJ_SET, or -1 when the key is missing */
    ZVal z;
    SetVal s;
    uint64_t len;
    double weight;
    int order;       /* position on the command line (stable sorting) */
} ZSrc;

/* Iteration over either kind of input. */
typedef struct ZSrcIter {
    const ZSrc *src;
    ZIter zi;
    SetIter si;
} ZSrcIter;

static void src_iter_init(ZSrcIter *it, const ZSrc *src) {
    it->src = src;
    if (src->type == OBJ_ZSET) zi_init(&it->zi, &src->z, 0, src->len - 1, 0);
    else set_iter_init(&it->si, &src->s);
}

static int src_iter_next(ZSrcIter *it, ZElem *e) {
    if (it->src->type == OBJ_ZSET) return zi_next(&it->zi, e);
    SetMember m;
    if (!set_iter_next(&it->si, &m)) return 0;
    e->m = set_member_bytes(&m, e->buf, &e->len);
    e->score = 1.0;
    return 1;
}

/* Whether the input holds m; *score gets its score (1 for sets). */
static int src_find(const ZSrc *src, const char *m, size_t len, double *score) {
    if (src->type == OBJ_ZSET) return zv_score(&src->z, m, len, score);
    if (src->type != OBJ_SET) return 0;
    SetMember sm = set_member_str(m, len);
    if (!set_contains(&src->s, &sm)) return 0;
    *score = 1.0;
    return 1;
}

static void aggregate(double *target, double v, int agg) {
    if (agg == AGG_SUM) {
        *target += v;
        if (isnan(*target)) *target = 0.0;
    } else if (agg == AGG_MIN) {
        *target = v < *target ? v : *target;
    } else {
        *target = v > *target ? v : *target;
    }
}

static int by_size(const void *a, const void *b) {
    const ZSrc *x = a, *y = b;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return x->order - y->order;
}

/* The result under construction: a skiplist plus what zv_fit needs. */
typedef struct ZOut {
    ZVal z;
    size_t maxlen, total;
} ZOut;

static void out_insert(ZOut *o, double score, const char *m, size_t len) {
    int flags;
    zv_add(&o->z, score, m, len, 0, &flags, NULL);
    o->total += len;
    if (len > o->maxlen) o->maxlen = len;
}

static void do_union(ZSrc *src, long long n, int agg, ZOut *o) {
    ZsetBig *zb = o->z.ptr;
    for (long long i = 0; i < n; i++) {
        if (!src[i].len) continue;
        ZSrcIter it;
        ZElem e;
        src_iter_init(&it, &src[i]);
        while (src_iter_next(&it, &e)) {
            double score = src[i].weight * e.score;
            if (isnan(score)) score = 0;
            SlNode *x = zb_find(zb, e.m, e.len);
            if (!x) {
                out_insert(o, score, e.m, e.len);
                continue;
            }
            double s = x->score;
            aggregate(&s, score, agg);
            if (s != x->score) sl_update_score(zb->sl, x, s);
        }
    }
}

/* Intersection into o, or (o NULL) its size, stopping at limit (0: no
 * limit). */
static uint64_t do_inter(ZSrc *src, long long n, int agg, ZOut *o, uint64_t limit) {
    uint64_t card = 0;
    if (!src[0].len) return 0;
    ZSrcIter it;
    ZElem e;
    src_iter_init(&it, &src[0]);
    while (src_iter_next(&it, &e)) {
        double score = src[0].weight * e.score;
        if (isnan(score)) score = 0;
        long long j;
        for (j = 1; j < n; j++) {
            double v;
            if (!src_find(&src[j], e.m, e.len, &v)) break;
            aggregate(&score, v * src[j].weight, agg);
        }
        if (j < n) continue;
        if (!o) {
            card++;
            if (limit && card >= limit) break;
            continue;
        }
        out_insert(o, score, e.m, e.len);
        card++;
    }
    return card;
}

static void do_diff(ZSrc *src, long long n, ZOut *o) {
    if (!src[0].len) return;
    ZSrcIter it;
    ZElem e;
    src_iter_init(&it, &src[0]);
    while (src_iter_next(&it, &e)) {
        long long j;
        double v;
        for (j = 1; j < n; j++)
            if (src[j].len && src_find(&src[j], e.m, e.len, &v)) break;
        if (j == n) out_insert(o, e.score, e.m, e.len);
    }
}

/* numkeys at argv[nk]; dst is the STORE destination (NULL otherwise);
 * card_only: ZINTERCARD. */
static void zsetop_generic(Client *c, const Arg *dst, int nk, int op, int card_only) {
    long long n;
    if (!arg_to_ll(c, &c->argv[nk], &n)) return;
    if (n < 1) {
        reply_errorf(c, "at least 1 input key is needed for '%s' command", c->cmd ? c->cmd->fullname : "");
        return;
    }
    if (n > c->argc - (nk + 1)) {
        reply_syntax_error(c);
        return;
    }
    ZSrc *src = mem_calloc(sizeof(ZSrc) * (size_t)n);
    int j = nk + 1;
    for (long long i = 0; i < n; i++, j++) {
        Kv *kv = db_lookup(c, c->db, &c->argv[j], LOOKUP_READ);
        src[i].weight = 1.0;
        src[i].order = (int)i;
        src[i].type = -1;
        if (!kv) continue;
        if (kv_type(kv) == OBJ_ZSET) {
            src[i].type = OBJ_ZSET;
            src[i].z = zv_of(kv);
            src[i].len = zv_len(&src[i].z);
        } else if (kv_type(kv) == OBJ_SET) {
            src[i].type = OBJ_SET;
            src[i].s = set_of(kv);
            src[i].len = set_size(&src[i].s);
        } else {
            reply_wrong_type(c);
            goto done;
        }
    }
    int agg = AGG_SUM, withscores = 0;
    long long limit = 0;
    while (j < c->argc) {
        int left = c->argc - j;
        const Arg *a = &c->argv[j];
        if (op != OP_DIFF && !card_only && left >= n + 1 && arg_equals(a, "weights")) {
            j++;
            for (long long i = 0; i < n; i++, j++) {
                if (!str_to_double(c->argv[j].p, c->argv[j].len, &src[i].weight)) {
                    reply_error(c, "weight value is not a float");
                    goto done;
                }
            }
        } else if (op != OP_DIFF && !card_only && left >= 2 && arg_equals(a, "aggregate")) {
            const Arg *v = &c->argv[j + 1];
            if (arg_equals(v, "sum")) agg = AGG_SUM;
            else if (arg_equals(v, "min")) agg = AGG_MIN;
            else if (arg_equals(v, "max")) agg = AGG_MAX;
            else {
                reply_syntax_error(c);
                goto done;
            }
            j += 2;
        } else if (!dst && !card_only && arg_equals(a, "withscores")) {
            withscores = 1;
            j++;
        } else if (card_only && left >= 2 && arg_equals(a, "limit")) {
            if (!str_to_ll(c->argv[j + 1].p, c->argv[j + 1].len, &limit) || limit < 0) {
                reply_error(c, "LIMIT can't be negative");
                goto done;
            }
            j += 2;
        } else {
            reply_syntax_error(c);
            goto done;
        }
    }
    if (op != OP_DIFF) qsort(src, (size_t)n, sizeof(ZSrc), by_size);
    if (card_only) {
        reply_int(c, (long long)do_inter(src, n, agg, NULL, (uint64_t)limit));
        goto done;
    }
    ZOut o = {{ENC_SKIPLIST, NULL}, 0, 0};
    o.z = zv_new(UINT64_MAX, 0);
    if (op == OP_UNION) do_union(src, n, agg, &o);
    else if (op == OP_INTER) do_inter(src, n, agg, &o, 0);
    else do_diff(src, n, &o);
    if (dst) {
        static const char *events[] = {"zunionstore", "zinterstore", "zdiffstore"};
        zv_fit(&o.z, o.maxlen, o.total);
        zs_store_result(c, dst, &o.z, events[op]);
        goto done;
    }
    uint64_t len = zv_len(&o.z);
    reply_array_len(c, (long long)(withscores && c->resp == 2 ? len * 2 : len));
    for (SlNode *x = sl_first(((ZsetBig *)o.z.ptr)->sl); x; x = x->next) {
        size_t mlen;
        const char *m = sl_node_member(x, &mlen);
        if (withscores && c->resp > 2) reply_array_len(c, 2);
        reply_bulk(c, m, mlen);
        if (withscores) zs_reply_score(c, x->score);
    }
    zv_free(&o.z);
done:
    mem_free(src);
}

void zunion_command(Client *c) {
    zsetop_generic(c, NULL, 1, OP_UNION, 0);
}

void zinter_command(Client *c) {
    zsetop_generic(c, NULL, 1, OP_INTER, 0);
}

void zdiff_command(Client *c) {
    zsetop_generic(c, NULL, 1, OP_DIFF, 0);
}

void zunionstore_command(Client *c) {
    zsetop_generic(c, &c->argv[1], 2, OP_UNION, 0);
}

void zinterstore_command(Client *c) {
    zsetop_generic(c, &c->argv[1], 2, OP_INTER, 0);
}

void zdiffstore_command(Client *c) {
    zsetop_generic(c, &c->argv[1], 2, OP_DIFF, 0);
}

void zintercard_command(Client *c) {
    zsetop_generic(c, NULL, 1, OP_INTER, 1);
}
