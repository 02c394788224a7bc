/* zset_range.c - the sorted set's range commands: ZRANGE (BYSCORE,
 * BYLEX, REV, LIMIT, WITHSCORES) and its older forms ZREVRANGE,
 * Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX, ZRANGESTORE, the counts ZCOUNT
 * and ZLEXCOUNT, and ZREMRANGEBYRANK/SCORE/LEX.
 *
 * Range ends parse as Valkey parses them: scores with strtod ("(" for
 * exclusive, "inf", anything strtod takes up to the first NUL, never
 * NaN); lexicographic ends "[x", "(x", "-", "+".
 * Small values (packs, "listpack" to OBJECT ENCODING) answer as Valkey's
 * listpack walks do (first element in range, then while in range), so
 * even the unspecified cases - a lex range over mixed scores, a negative
 * LIMIT offset (nothing) - answer the same.  On a
 * skiplist a range becomes a span of ranks [first, last] found with two
 * O(log n) seeks, and LIMIT picks inside it as Valkey's zslNthInRange
 * does: a negative offset counts from the other end of the range. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/alloc.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../../deps/numconv/numconv.h"
#include "zset.h"

/* -------------------------------------------------------------- ranges */

typedef struct ZRange {
    double min, max;
    int minex, maxex;
} ZRange;

typedef struct ZLexRange {
    SlLex min, max;
    int minex, maxex;
} ZLexRange;

/* One score end: strtod over the bytes up to the first NUL (an argument
 * is a C string to Valkey), all of them consumed, not NaN. */
static int parse_score_end(const Arg *a, double *v, int *ex) {
    const char *p = a->p;
    size_t len = a->len;
    const char *nul = memchr(p, '\0', len);
    if (nul) len = (size_t)(nul - p);
    *ex = 0;
    if (len && p[0] == '(') {
        *ex = 1;
        p++;
        len--;
    }
    char stackbuf[128];
    char *buf = len < sizeof(stackbuf) ? stackbuf : mem_alloc(len + 1);
    memcpy(buf, p, len);
    buf[len] = '\0';
    char *end;
    *v = strtod(buf, &end);
    int ok = *end == '\0' && !isnan(*v);
    if (buf != stackbuf) mem_free(buf);
    return ok;
}

static int parse_range(const Arg *min, const Arg *max, ZRange *r) {
    return parse_score_end(min, &r->min, &r->minex) && parse_score_end(max, &r->max, &r->maxex);
}

static int parse_lex_end(const Arg *a, SlLex *b, int *ex) {
    if (a->len == 0) return 0;
    /* Valkey reads "+" and "-" as C strings: a NUL may follow. */
    int alone = a->len == 1 || a->p[1] == '\0';
    switch (a->p[0]) {
    case '+':
    case '-':
        if (!alone) return 0;
        b->kind = a->p[0] == '+' ? SL_LEX_MAX : SL_LEX_MIN;
        b->p = NULL;
        b->len = 0;
        *ex = 1;
        return 1;
    case '(':
    case '[':
        b->kind = SL_LEX_VAL;
        b->p = a->p + 1;
        b->len = a->len - 1;
        *ex = a->p[0] == '(';
        return 1;
    default:
        return 0;
    }
}

static int parse_lex_range(const Arg *min, const Arg *max, ZLexRange *r) {
    return parse_lex_end(min, &r->min, &r->minex) && parse_lex_end(max, &r->max, &r->maxex);
}

static int gte_min(double v, const ZRange *r) {
    return r->minex ? v > r->min : v >= r->min;
}

static int lte_max(double v, const ZRange *r) {
    return r->maxex ? v < r->max : v <= r->max;
}

static int score_range_empty(const ZRange *r) {
    return r->min > r->max || (r->min == r->max && (r->minex || r->maxex));
}

/* Two lex ends against each other ("-" and "+" below and above all). */
static int lex_ends_cmp(const SlLex *a, const SlLex *b) {
    if (a->kind != SL_LEX_VAL && a->kind == b->kind) return 0;
    if (a->kind == SL_LEX_MIN || b->kind == SL_LEX_MAX) return -1;
    if (a->kind == SL_LEX_MAX || b->kind == SL_LEX_MIN) return 1;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->p, b->p, n) : 0;
    if (c) return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

static int lex_range_empty(const ZLexRange *r) {
    int c = lex_ends_cmp(&r->min, &r->max);
    return c > 0 || (c == 0 && (r->minex || r->maxex));
}

static int lex_gte_min(const char *m, size_t len, const ZLexRange *r) {
    int c = sl_lex_cmp(m, len, &r->min);
    return r->minex ? c > 0 : c >= 0;
}

static int lex_lte_max(const char *m, size_t len, const ZLexRange *r) {
    int c = sl_lex_cmp(m, len, &r->max);
    return r->maxex ? c < 0 : c <= 0;
}

/* ----------------------------------------------------- pack range walks */

/* The 0-based indexes [*a, *b] of the entries whose scores are in r:
 * scores are in order, so this is where Valkey's listpack walk (the
 * first element in range, then on while in range) goes; 0 when none. */
static int pack_score_span(const unsigned char *sp, const ZRange *r, uint32_t *a, uint32_t *b) {
    if (score_range_empty(r)) return 0;
    size_t end = sp_bytes(sp);
    int found = 0;
    SpEntry e;
    uint32_t i = 0;
    for (size_t off = sp_first(sp); off < end; off = e.next, i++) {
        sp_get(sp, off, &e);
        if (!found) {
            if (!gte_min(e.score, r)) continue;
            if (!lte_max(e.score, r)) return 0;
            found = 1;
            *a = i;
        } else if (!lte_max(e.score, r)) {
            break;
        }
        *b = i;
    }
    return found;
}

/* Where Valkey's listpack walk of a lex range starts (an index of ix):
 * after its check that the last member is >= min and the first <= max,
 * the first member >= min, which must be <= max (forwards), or the last
 * member <= max, which must be >= min (backwards).  Members are in order
 * only among equal scores, so these walks are what defines the result. */
static int pack_lex_start(const unsigned char *sp, const SpIndex *ix, const ZLexRange *r, int rev, uint32_t *start) {
    uint32_t n = ix->n;
    if (!n || lex_range_empty(r)) return 0;
    SpEntry e;
    sp_index_get(sp, ix, n - 1, &e);
    if (!lex_gte_min(e.m, e.len, r)) return 0;
    sp_index_get(sp, ix, 0, &e);
    if (!lex_lte_max(e.m, e.len, r)) return 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = rev ? n - 1 - k : k;
        sp_index_get(sp, ix, i, &e);
        if (rev ? !lex_lte_max(e.m, e.len, r) : !lex_gte_min(e.m, e.len, r)) continue;
        if (rev ? !lex_gte_min(e.m, e.len, r) : !lex_lte_max(e.m, e.len, r)) return 0;
        *start = i;
        return 1;
    }
    return 0;
}

/* How many entries from start on (backwards when rev) stay within the
 * lex range's far end. */
static uint32_t pack_lex_run(const unsigned char *sp, const SpIndex *ix, const ZLexRange *r, uint32_t start, int rev) {
    uint32_t n = 0;
    for (int64_t i = start; i >= 0 && i < (int64_t)ix->n; i += rev ? -1 : 1, n++) {
        SpEntry e;
        sp_index_get(sp, ix, (uint32_t)i, &e);
        if (rev ? !lex_gte_min(e.m, e.len, r) : !lex_lte_max(e.m, e.len, r)) break;
    }
    return n;
}

/* ------------------------------------------------- skiplist rank spans */

/* The 1-based ranks [*first, *last] of a range; 0 when it is empty. */
static int sl_score_span(const Skiplist *sl, const ZRange *r, uint64_t *first, uint64_t *last) {
    if (score_range_empty(r)) return 0;
    uint64_t a, b;
    sl_seek_score(sl, r->min, r->minex, &a);
    sl_seek_score(sl, r->max, !r->maxex, &b);
    if (a >= b) return 0;
    *first = a;
    *last = b - 1;
    return 1;
}

static int sl_lex_span(const Skiplist *sl, const ZLexRange *r, uint64_t *first, uint64_t *last) {
    if (lex_range_empty(r)) return 0;
    uint64_t a, b;
    sl_seek_lex(sl, &r->min, r->minex, &a);
    sl_seek_lex(sl, &r->max, !r->maxex, &b);
    if (a >= b) return 0;
    *first = a;
    *last = b - 1;
    return 1;
}

/* Where a LIMIT starts inside ranks [a, b] (Valkey's zslNthInRange):
 * n >= 0 is the n-th from a, n < 0 the -n-th from b backwards; 0 when
 * outside. */
static uint64_t nth_in_span(uint64_t a, uint64_t b, long long n) {
    if (n >= 0) return (uint64_t)n <= b - a ? a + (uint64_t)n : 0;
    uint64_t back = (uint64_t)(-(n + 1)); /* -n - 1, without overflow */
    return back <= b - a ? b - back : 0;
}

/* ------------------------------------------------------------ emission */

/* Where range results go: the client (flat or nested pairs) or a new
 * value for ZRANGESTORE. */
typedef struct RangeOut {
    Client *c;
    int store;
    int withscores;
    int deferred;
    ReplyDeferred d;
    long long n;
    ZVal dst;
} RangeOut;

static void out_begin(RangeOut *o, long long len) {
    o->n = 0;
    if (o->store) {
        o->dst = zv_new(len >= 0 ? (uint64_t)len : 0, 0);
        return;
    }
    if (len > 0) {
        o->deferred = 0;
        reply_array_len(o->c, o->withscores && o->c->resp == 2 ? len * 2 : len);
    } else {
        o->deferred = 1;
        o->d = reply_deferred_len(o->c);
    }
}

static void out_elem(RangeOut *o, const char *m, size_t len, double score) {
    o->n++;
    if (o->store) {
        int flags;
        zv_add(&o->dst, score, m, len, 0, &flags, NULL);
        return;
    }
    Client *c = o->c;
    if (o->withscores && c->resp > 2) reply_array_len(c, 2);
    reply_bulk(c, m, len);
    if (o->withscores) zs_reply_score(c, score);
}

static void out_end(RangeOut *o, const Arg *dstkey) {
    if (o->store) {
        zs_store_result(o->c, dstkey, &o->dst, "zrangestore");
        return;
    }
    if (o->deferred) reply_set_deferred_array_len(o->c, o->d, o->withscores && o->c->resp == 2 ? o->n * 2 : o->n);
}

/* Emits up to limit (< 0: all) elements of the value from 1-based rank
 * `from` towards `to` (descending when rev). */
static void emit_span(RangeOut *o, const ZVal *z, uint64_t from, uint64_t to, int rev, long long limit) {
    uint64_t count = rev ? from - to + 1 : to - from + 1;
    if (limit >= 0 && (uint64_t)limit < count) count = (uint64_t)limit;
    if (!count) return;
    uint64_t len = zv_len(z);
    ZIter it;
    ZElem e;
    if (rev) zi_init(&it, z, len - from, len - from + count - 1, 1);
    else zi_init(&it, z, from - 1, from - 1 + count - 1, 0);
    while (zi_next(&it, &e)) out_elem(o, e.m, e.len, e.score);
}

static void range_by_rank(RangeOut *o, const ZVal *z, long long start, long long end, int rev) {
    long long llen = (long long)zv_len(z);
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
        out_begin(o, 0);
        return;
    }
    if (end >= llen) end = llen - 1;
    out_begin(o, end - start + 1);
    ZIter it;
    ZElem e;
    zi_init(&it, z, (uint64_t)start, (uint64_t)end, rev);
    while (zi_next(&it, &e)) out_elem(o, e.m, e.len, e.score);
}

static void range_by_score(RangeOut *o, const ZVal *z, const ZRange *r, long long offset, long long limit, int rev) {
    out_begin(o, -1);
    if (offset > 0 && (uint64_t)offset >= zv_len(z)) return;
    if (z->enc == ENC_LISTPACK) {
        /* Valkey's walk skips while the offset counts down to 0: a
         * negative one walks off the end, so nothing. */
        uint32_t a, b;
        if (offset < 0 || !pack_score_span(z->ptr, r, &a, &b)) return;
        if ((uint64_t)offset > (uint64_t)(b - a)) return;
        uint64_t from = rev ? (uint64_t)b + 1 - (uint64_t)offset : (uint64_t)a + 1 + (uint64_t)offset;
        emit_span(o, z, from, rev ? (uint64_t)a + 1 : (uint64_t)b + 1, rev, limit);
        return;
    }
    uint64_t a, b;
    if (!sl_score_span(((ZsetBig *)z->ptr)->sl, r, &a, &b)) return;
    uint64_t from = rev ? nth_in_span(a, b, offset >= 0 ? -offset - 1 : -(offset + 1)) : nth_in_span(a, b, offset);
    if (from) emit_span(o, z, from, rev ? a : b, rev, limit);
}

static void range_by_lex(RangeOut *o, const ZVal *z, const ZLexRange *r, long long offset, long long limit, int rev) {
    out_begin(o, -1);
    if (z->enc == ENC_LISTPACK) {
        const unsigned char *sp = z->ptr;
        SpIndex ix;
        sp_index_init(&ix, sp);
        uint32_t start;
        if (limit < 0) limit = -1;
        if (offset >= 0 && pack_lex_start(sp, &ix, r, rev, &start) &&
            (rev ? (uint64_t)offset <= start : (uint64_t)offset < ix.n - start)) {
            int64_t i = rev ? (int64_t)start - offset : (int64_t)start + offset;
            for (; i >= 0 && i < (int64_t)ix.n && limit != 0; i += rev ? -1 : 1, limit--) {
                SpEntry e;
                sp_index_get(sp, &ix, (uint32_t)i, &e);
                if (rev ? !lex_gte_min(e.m, e.len, r) : !lex_lte_max(e.m, e.len, r)) break;
                out_elem(o, e.m, e.len, e.score);
            }
        }
        sp_index_free(&ix);
        return;
    }
    uint64_t a, b;
    if (!sl_lex_span(((ZsetBig *)z->ptr)->sl, r, &a, &b)) return;
    uint64_t from = rev ? nth_in_span(a, b, offset >= 0 ? -offset - 1 : -(offset + 1)) : nth_in_span(a, b, offset);
    if (from) emit_span(o, z, from, rev ? a : b, rev, limit);
}

/* ----------------------------------------------------- ZRANGE & family */

enum { RT_AUTO, RT_RANK, RT_SCORE, RT_LEX };
enum { DIR_AUTO, DIR_FWD, DIR_REV };

/* argv[first] is the source key, then min and max, then options. */
static void zrange_generic(Client *c, int first, int store, int rtype, int dir) {
    const Arg *key = &c->argv[first];
    int minidx = first + 1, maxidx = first + 2;
    int withscores = 0;
    long long offset = 0, limit = -1;
    for (int j = first + 3; j < c->argc; j++) {
        int left = c->argc - j - 1;
        const Arg *a = &c->argv[j];
        if (!store && arg_equals(a, "withscores")) {
            withscores = 1;
        } else if (arg_equals(a, "limit") && left >= 2) {
            if (!arg_to_ll(c, &c->argv[j + 1], &offset) || !arg_to_ll(c, &c->argv[j + 2], &limit)) return;
            j += 2;
        } else if (dir == DIR_AUTO && arg_equals(a, "rev")) {
            dir = DIR_REV;
        } else if (rtype == RT_AUTO && arg_equals(a, "bylex")) {
            rtype = RT_LEX;
        } else if (rtype == RT_AUTO && arg_equals(a, "byscore")) {
            rtype = RT_SCORE;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (dir == DIR_AUTO) dir = DIR_FWD;
    if (rtype == RT_AUTO) rtype = RT_RANK;
    if (limit != -1 && rtype == RT_RANK) {
        reply_error(c, "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        return;
    }
    if (withscores && rtype == RT_LEX) {
        reply_error(c, "syntax error, WITHSCORES not supported in combination with BYLEX");
        return;
    }
    int rev = dir == DIR_REV;
    if (rev && rtype != RT_RANK) {
        int t = minidx;
        minidx = maxidx;
        maxidx = t;
    }
    long long start = 0, end = 0;
    ZRange range;
    ZLexRange lex;
    if (rtype == RT_RANK) {
        if (!arg_to_ll(c, &c->argv[minidx], &start) || !arg_to_ll(c, &c->argv[maxidx], &end)) return;
    } else if (rtype == RT_SCORE) {
        if (!parse_range(&c->argv[minidx], &c->argv[maxidx], &range)) {
            reply_error(c, "min or max is not a float");
            return;
        }
    } else if (!parse_lex_range(&c->argv[minidx], &c->argv[maxidx], &lex)) {
        reply_error(c, "min or max not valid string range item");
        return;
    }
    RangeOut o = {.c = c, .store = store, .withscores = withscores};
    int err;
    Kv *kv = zs_lookup(c, key, LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        if (store) {
            out_begin(&o, -1);
            out_end(&o, &c->argv[1]);
        } else {
            reply_array_len(c, 0);
        }
        return;
    }
    ZVal z = zv_of(kv);
    if (rtype == RT_RANK) range_by_rank(&o, &z, start, end, rev);
    else if (rtype == RT_SCORE) range_by_score(&o, &z, &range, offset, limit, rev);
    else range_by_lex(&o, &z, &lex, offset, limit, rev);
    out_end(&o, &c->argv[1]);
}

void zrange_command(Client *c) {
    zrange_generic(c, 1, 0, RT_AUTO, DIR_AUTO);
}

void zrangestore_command(Client *c) {
    zrange_generic(c, 2, 1, RT_AUTO, DIR_AUTO);
}

void zrevrange_command(Client *c) {
    zrange_generic(c, 1, 0, RT_RANK, DIR_REV);
}

void zrangebyscore_command(Client *c) {
    zrange_generic(c, 1, 0, RT_SCORE, DIR_FWD);
}

void zrevrangebyscore_command(Client *c) {
    zrange_generic(c, 1, 0, RT_SCORE, DIR_REV);
}

void zrangebylex_command(Client *c) {
    zrange_generic(c, 1, 0, RT_LEX, DIR_FWD);
}

void zrevrangebylex_command(Client *c) {
    zrange_generic(c, 1, 0, RT_LEX, DIR_REV);
}

/* -------------------------------------------------------------- counts */

void zcount_command(Client *c) {
    ZRange r;
    if (!parse_range(&c->argv[2], &c->argv[3], &r)) {
        reply_error(c, "min or max is not a float");
        return;
    }
    int err;
    Kv *kv = zs_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    long long count = 0;
    if (kv) {
        ZVal z = zv_of(kv);
        if (z.enc == ENC_LISTPACK) {
            uint32_t a, b;
            if (pack_score_span(z.ptr, &r, &a, &b)) count = (long long)(b - a) + 1;
        } else {
            uint64_t a, b;
            if (sl_score_span(((ZsetBig *)z.ptr)->sl, &r, &a, &b)) count = (long long)(b - a + 1);
        }
    }
    reply_int(c, count);
}

void zlexcount_command(Client *c) {
    ZLexRange r;
    if (!parse_lex_range(&c->argv[2], &c->argv[3], &r)) {
        reply_error(c, "min or max not valid string range item");
        return;
    }
    int err;
    Kv *kv = zs_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    long long count = 0;
    if (kv) {
        ZVal z = zv_of(kv);
        if (z.enc == ENC_LISTPACK) {
            SpIndex ix;
            sp_index_init(&ix, z.ptr);
            uint32_t start;
            if (pack_lex_start(z.ptr, &ix, &r, 0, &start)) count = pack_lex_run(z.ptr, &ix, &r, start, 0);
            sp_index_free(&ix);
        } else {
            uint64_t a, b;
            if (sl_lex_span(((ZsetBig *)z.ptr)->sl, &r, &a, &b)) count = (long long)(b - a + 1);
        }
    }
    reply_int(c, count);
}

/* ---------------------------------------------------------- ZREMRANGE */

static void drop_cb(void *priv, SlNode *n) {
    zb_drop_node(priv, n);
}

enum { REM_RANK, REM_SCORE, REM_LEX };

static void zremrange_generic(Client *c, int type) {
    long long start = 0, end = 0;
    ZRange r;
    ZLexRange lex;
    if (type == REM_RANK) {
        if (!arg_to_ll(c, &c->argv[2], &start) || !arg_to_ll(c, &c->argv[3], &end)) return;
    } else if (type == REM_SCORE) {
        if (!parse_range(&c->argv[2], &c->argv[3], &r)) {
            reply_error(c, "min or max is not a float");
            return;
        }
    } else if (!parse_lex_range(&c->argv[2], &c->argv[3], &lex)) {
        reply_error(c, "min or max not valid string range item");
        return;
    }
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = zs_lookup(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    ZVal z = zv_of(kv);
    uint64_t deleted = 0;
    if (type == REM_RANK) {
        long long llen = (long long)zv_len(&z);
        if (start < 0) start += llen;
        if (end < 0) end += llen;
        if (start < 0) start = 0;
        if (start > end || start >= llen) {
            reply_int(c, 0);
            return;
        }
        if (end >= llen) end = llen - 1;
        deleted = (uint64_t)(end - start + 1);
        if (z.enc == ENC_LISTPACK) z.ptr = sp_delete_range(z.ptr, (uint32_t)start, (uint32_t)deleted);
        else sl_delete_ranks(((ZsetBig *)z.ptr)->sl, (uint64_t)start + 1, (uint64_t)end + 1, drop_cb, z.ptr);
    } else if (z.enc == ENC_LISTPACK) {
        /* Valkey deletes from the first element in range while in range. */
        uint32_t a, b;
        if (type == REM_SCORE) {
            if (pack_score_span(z.ptr, &r, &a, &b)) {
                deleted = (uint64_t)(b - a) + 1;
                z.ptr = sp_delete_range(z.ptr, a, b - a + 1);
            }
        } else {
            SpIndex ix;
            sp_index_init(&ix, z.ptr);
            uint32_t n = 0;
            if (pack_lex_start(z.ptr, &ix, &lex, 0, &a)) n = pack_lex_run(z.ptr, &ix, &lex, a, 0);
            size_t off = n ? ix.off[a] : 0;
            sp_index_free(&ix);
            if (n) z.ptr = sp_delete(z.ptr, off, n);
            deleted = n;
        }
    } else {
        ZsetBig *zb = z.ptr;
        uint64_t a, b;
        if (type == REM_SCORE) {
            if (sl_score_span(zb->sl, &r, &a, &b)) deleted = sl_delete_ranks(zb->sl, a, b, drop_cb, zb);
        } else {
            /* Valkey walks from the first member >= min while <= max. */
            SlNode *x = sl_seek_lex(zb->sl, &lex.min, lex.minex, &a);
            uint64_t n = 0;
            for (; x; x = x->next, n++) {
                size_t len;
                const char *m = sl_node_member(x, &len);
                int cmp = sl_lex_cmp(m, len, &lex.max);
                if (lex.maxex ? cmp >= 0 : cmp > 0) break;
            }
            if (n) deleted = sl_delete_ranks(zb->sl, a, a + n - 1, drop_cb, zb);
        }
    }
    zv_store_back(kv, &z);
    static const char *events[] = {"zremrangebyrank", "zremrangebyscore", "zremrangebylex"};
    zs_removed(c, key, kv, events[type], (long long)deleted);
    reply_int(c, (long long)deleted);
}

void zremrangebyrank_command(Client *c) {
    zremrange_generic(c, REM_RANK);
}

void zremrangebyscore_command(Client *c) {
    zremrange_generic(c, REM_SCORE);
}

void zremrangebylex_command(Client *c) {
    zremrange_generic(c, REM_LEX);
}
