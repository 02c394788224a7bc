/* sort.c - SORT and SORT_RO over lists, sets and sorted sets: numeric or
 * ALPHA order, ASC/DESC, LIMIT, BY a pattern of other keys (string values
 * or hash fields "key*->field"; a pattern without '*' means "do not
 * sort"), GET patterns ('#' is the element itself), STORE into a list.
 * Also the partial quicksort (Valkey's pqsort) that GEO shares.
 *
 * The rules are Valkey's, including its quirks:
 *  - a numeric weight is read like strtod reads a C string: it stops at
 *    a NUL, skips leading spaces, takes hex; anything left over, NaN or a
 *    range error is "One or more scores can't be converted into double";
 *    a missing BY key weighs 0; numeric ties order by element bytes;
 *  - ALPHA compares like strcoll in the C locale (bytes up to the first
 *    NUL) unless the result is STOREd (then all the bytes, as memcmp);
 *    an element without a BY value sorts first;
 *  - without BY (or with a constant one) lists and sorted sets keep their
 *    order (read from the right end with DESC) and LIMIT only picks a
 *    range; a set is then returned in its own order, unless the result
 *    is stored or a script asks, when it is sorted ALPHA so replicas and
 *    the AOF see the same result;
 *  - a sorted set is converted to its skiplist encoding for good (Valkey
 *    converts the value it sorts);
 *  - the full sort is stable (glibc's qsort on the Redis we compare with
 *    is a merge sort), the partial one is pqsort exactly.
 * Elements and weights are copied into one arena before anything else is
 * looked up, so lookups (which may expire keys) cannot pull the data from
 * under the sort. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/alloc.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../../deps/numconv/numconv.h"
#include "hash.h"
#include "list.h"
#include "set.h"
#include "sort.h"
#include "zset.h"

/* ----------------------------------------------------- partial quicksort */

typedef struct PSort {
    unsigned char *base;
    size_t es;
    sort_cmp_fn *cmp;
    void *ctx;
    long long lo, hi;     /* the range of positions wanted */
    unsigned char *tmp;   /* es bytes for swaps */
} PSort;

static int ps_cmp(const PSort *s, long long i, long long j) {
    return s->cmp(s->base + (size_t)i * s->es, s->base + (size_t)j * s->es, s->ctx);
}

static void ps_swap(const PSort *s, long long i, long long j) {
    if (i == j) return;
    unsigned char *a = s->base + (size_t)i * s->es, *b = s->base + (size_t)j * s->es;
    memcpy(s->tmp, a, s->es);
    memcpy(a, b, s->es);
    memcpy(b, s->tmp, s->es);
}

/* Swaps the k elements from i with the k elements from j, pairwise. */
static void ps_swap_run(const PSort *s, long long i, long long j, long long k) {
    for (long long t = 0; t < k; t++) ps_swap(s, i + t, j + t);
}

/* The median of three positions, with the exact comparisons (and so the
 * exact choice among equals) of Bentley and McIlroy's med3. */
static long long ps_med3(const PSort *s, long long a, long long b, long long c) {
    if (ps_cmp(s, a, b) < 0) {
        if (ps_cmp(s, b, c) < 0) return b;
        return ps_cmp(s, a, c) < 0 ? c : a;
    }
    if (ps_cmp(s, b, c) > 0) return b;
    return ps_cmp(s, a, c) < 0 ? a : c;
}

/* Whether positions [from, from + n) meet the wanted range. */
static int ps_wanted(const PSort *s, long long from, long long n) {
    long long last = from + n - 1;
    return !((s->lo < from && s->hi < from) || (s->lo > last && s->hi > last));
}

static void ps_run(const PSort *s, long long a, long long n) {
    for (;;) {
        if (n < 7) {
            for (long long m = a + 1; m < a + n; m++)
                for (long long l = m; l > a && ps_cmp(s, l - 1, l) > 0; l--) ps_swap(s, l, l - 1);
            return;
        }
        long long pm = a + n / 2;
        if (n > 7) {
            long long pl = a, pn = a + n - 1;
            if (n > 40) {
                long long d = n / 8;
                pl = ps_med3(s, pl, pl + d, pl + 2 * d);
                pm = ps_med3(s, pm - d, pm, pm + d);
                pn = ps_med3(s, pn - 2 * d, pn - d, pn);
            }
            pm = ps_med3(s, pl, pm, pn);
        }
        ps_swap(s, a, pm);
        /* Three-way partition around the pivot at a: equal elements are
         * parked at both ends ([a+1, pa) and (pd, end]) and swapped into
         * the middle afterwards. */
        long long pa = a + 1, pb = a + 1, pc = a + n - 1, pd = a + n - 1;
        for (;;) {
            int r;
            while (pb <= pc && (r = ps_cmp(s, pb, a)) <= 0) {
                if (r == 0) ps_swap(s, pa++, pb);
                pb++;
            }
            while (pb <= pc && (r = ps_cmp(s, pc, a)) >= 0) {
                if (r == 0) ps_swap(s, pc, pd--);
                pc--;
            }
            if (pb > pc) break;
            ps_swap(s, pb++, pc--);
        }
        long long end = a + n;
        long long r = pa - a < pb - pa ? pa - a : pb - pa;
        ps_swap_run(s, a, pb - r, r);
        r = pd - pc < end - pd - 1 ? pd - pc : end - pd - 1;
        ps_swap_run(s, pb, end - r, r);
        if ((r = pb - pa) > 1 && ps_wanted(s, a, r)) ps_run(s, a, r);
        if ((r = pd - pc) > 1) {
            a = end - r;
            n = r;
            if (ps_wanted(s, a, n)) continue;
        }
        return;
    }
}

void sort_partial(void *base, size_t n, size_t es, sort_cmp_fn *cmp, void *ctx, long long lo, long long hi) {
    unsigned char stack_tmp[128];
    PSort s = {base, es, cmp, ctx, lo, hi, es <= sizeof(stack_tmp) ? stack_tmp : mem_alloc(es)};
    ps_run(&s, 0, (long long)n);
    if (s.tmp != stack_tmp) mem_free(s.tmp);
}

/* ------------------------------------------------------------- the arena */

/* Bytes of elements and weights; items refer to them by offset until the
 * arena stops growing. */
typedef struct Arena {
    char *buf;
    size_t len, cap;
} Arena;

static size_t arena_put(Arena *a, const char *p, size_t len) {
    if (a->len + len > a->cap) {
        /* p may point into the arena itself (a "#" value) */
        int inside = a->buf && p >= a->buf && p < a->buf + a->len;
        size_t at = inside ? (size_t)(p - a->buf) : 0;
        a->cap = (a->len + len) * 2 + 256;
        a->buf = mem_realloc(a->buf, a->cap);
        if (inside) p = a->buf + at;
    }
    if (len) memcpy(a->buf + a->len, p, len);
    size_t off = a->len;
    a->len += len;
    return off;
}

/* ------------------------------------------------------------- the items */

typedef struct SortItem {
    size_t off, len;        /* the element */
    size_t woff, wlen;      /* ALPHA with BY: the weight's bytes */
    int has_weight;
    double score;           /* numeric sorts */
    size_t seq;             /* input order (stable sort) */
    const char *p, *w;      /* resolved offsets */
} SortItem;

typedef struct SortCtx {
    int desc, alpha, bypattern, store;
} SortCtx;

/* strcmp order in the C locale: bytes up to the first NUL, unsigned. */
static int collate_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    const char *na = alen ? memchr(a, 0, alen) : NULL, *nb = blen ? memchr(b, 0, blen) : NULL;
    if (na) alen = (size_t)(na - a);
    if (nb) blen = (size_t)(nb - b);
    size_t n = alen < blen ? alen : blen;
    int r = n ? memcmp(a, b, n) : 0;
    if (r) return r;
    return alen < blen ? -1 : alen > blen;
}

/* Binary order: memcmp, then the shorter first. */
static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int r = n ? memcmp(a, b, n) : 0;
    if (r) return r;
    return alen < blen ? -1 : alen > blen;
}

static int item_cmp(const void *pa, const void *pb, void *ctxp) {
    const SortItem *x = pa, *y = pb;
    const SortCtx *ctx = ctxp;
    int r;
    if (!ctx->alpha) {
        if (x->score > y->score) r = 1;
        else if (x->score < y->score) r = -1;
        else r = bytes_cmp(x->p, x->len, y->p, y->len);
    } else if (ctx->bypattern) {
        if (!x->has_weight || !y->has_weight) r = x->has_weight == y->has_weight ? 0 : !x->has_weight ? -1 : 1;
        else if (ctx->store) r = bytes_cmp(x->w, x->wlen, y->w, y->wlen);
        else r = collate_cmp(x->w, x->wlen, y->w, y->wlen);
    } else {
        r = ctx->store ? bytes_cmp(x->p, x->len, y->p, y->len) : collate_cmp(x->p, x->len, y->p, y->len);
    }
    return ctx->desc ? -r : r;
}

/* qsort has no context argument: the full sort's context lives here for
 * the duration of one qsort call (commands run on one thread). */
static const SortCtx *stable_ctx;

static int item_cmp_stable(const void *a, const void *b) {
    int r = item_cmp(a, b, (void *)stable_ctx);
    if (r) return r;
    const SortItem *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ------------------------------------------------------------ patterns */

/* A value read through a pattern, copied or viewed. */
typedef struct PatVal {
    const char *p;
    size_t len;
    HashVal hv;      /* backs p for hash fields */
    int from_hash;
    StrView sv;      /* backs p for strings */
} PatVal;

static void patval_done(PatVal *v) {
    if (v->from_hash) hash_val_free(&v->hv);
    v->from_hash = 0;
}

/* The value pattern names for an element (Valkey's lookupKeyByPattern):
 * "#" is the element itself; otherwise the first '*' (before any NUL) is
 * replaced by the element and the key read as a string, or, with
 * "->field" after the '*', the field of a hash.  Returns 0 when there is
 * no such value (no '*', missing key or field, another type). */
static int pattern_lookup(Client *c, const Arg *pat, const char *elem, size_t elen, PatVal *out) {
    out->from_hash = 0;
    const char *sp = pat->p;
    size_t plen = pat->len;
    if (plen >= 1 && sp[0] == '#' && (plen == 1 || sp[1] == '\0')) {
        out->p = elem;
        out->len = elen;
        return 1;
    }
    /* Valkey reads the pattern as a C string to find '*' and "->". */
    const char *nul = memchr(sp, 0, plen);
    size_t clen = nul ? (size_t)(nul - sp) : plen;
    const char *star = memchr(sp, '*', clen);
    if (!star) return 0;
    const char *field = NULL;
    size_t fieldlen = 0;
    for (const char *f = star + 1; f + 1 < sp + clen; f++) {
        if (f[0] == '-' && f[1] == '>') {
            if (f + 2 < sp + clen) {
                field = f + 2;
                fieldlen = plen - (size_t)(field - sp);
            }
            break;
        }
    }
    size_t prefix = (size_t)(star - sp);
    size_t postfix = plen - prefix - 1 - (field ? fieldlen + 2 : 0);
    char kbuf[256];
    size_t klen = prefix + elen + postfix;
    char *k = klen <= sizeof(kbuf) ? kbuf : mem_alloc(klen);
    memcpy(k, sp, prefix);
    if (elen) memcpy(k + prefix, elem, elen);
    if (postfix) memcpy(k + prefix + elen, star + 1, postfix);
    Arg key = {k, klen};
    Kv *kv = db_lookup(c, c->db, &key, LOOKUP_READ);
    int found = 0;
    if (kv && field) {
        if (kv_type(kv) == OBJ_HASH) {
            hash_val_init(&out->hv);
            out->from_hash = 1;
            found = hash_get(kv, field, fieldlen, &out->hv);
            if (found) {
                out->p = out->hv.p;
                out->len = out->hv.len;
            } else {
                patval_done(out);
            }
        }
    } else if (kv && kv_type(kv) == OBJ_STRING) {
        kv_string_view(kv, &out->sv);
        out->p = out->sv.p;
        out->len = out->sv.len;
        found = 1;
    }
    if (k != kbuf) mem_free(k);
    return found;
}

/* A weight as Valkey reads it: strtod on the C string; 0 when not a
 * number. */
static int weight_score(const char *p, size_t len, double *out) {
    char buf[128];
    /* An empty value may come as (NULL, 0): memchr/memcpy must not see it. */
    const char *nul = len ? memchr(p, 0, len) : NULL;
    size_t n = nul ? (size_t)(nul - p) : len;
    char *s = n < sizeof(buf) ? buf : mem_alloc(n + 1);
    if (n) memcpy(s, p, n);
    s[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    int ok = *end == '\0' && errno != ERANGE && !isnan(v);
    if (s != buf) mem_free(s);
    *out = v;
    return ok;
}

/* ------------------------------------------------------------- loading */

typedef struct Loader {
    SortItem *v;
    size_t n, cap;
    Arena *arena;
    size_t limit;    /* stop after this many (list walks) */
} Loader;

static void load_push(Loader *l, const char *p, size_t len) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = mem_realloc(l->v, sizeof(SortItem) * l->cap);
    }
    SortItem *it = &l->v[l->n];
    memset(it, 0, sizeof(*it));
    it->off = arena_put(l->arena, p, len);
    it->len = len;
    it->seq = l->n++;
}

static int load_list_elem(void *priv, const char *s, size_t len, long long v) {
    Loader *l = priv;
    if (l->n >= l->limit) return 0;
    char buf[NUMCONV_LL_BUF];
    if (!s) {
        len = ll_to_str(buf, v);
        s = buf;
    }
    load_push(l, s, len);
    return l->n < l->limit;
}

static void load_set(Loader *l, const Kv *kv) {
    SetVal sv = set_of(kv);
    SetIter it;
    SetMember m;
    set_iter_init(&it, &sv);
    while (set_iter_next(&it, &m)) {
        char buf[SET_INTBUF];
        size_t len;
        const char *p = set_member_bytes(&m, buf, &len);
        load_push(l, p, len);
    }
}

static void load_zset(Loader *l, const ZVal *z, uint64_t first, uint64_t count, int rev) {
    if (!count) return;
    ZIter it;
    ZElem e;
    zi_init(&it, z, first, first + count - 1, rev);
    while (zi_next(&it, &e)) load_push(l, e.m, e.len);
}

/* ---------------------------------------------------------------- SORT */

static void sort_generic(Client *c, int readonly) {
    int desc = 0, alpha = 0, dontsort = 0;
    long long limit_start = 0, limit_count = -1;
    const Arg *sortby = NULL, *storekey = NULL;
    int ngets = 0;
    const Arg **gets = NULL;

    for (int j = 2; j < c->argc; j++) {
        const Arg *a = &c->argv[j];
        int left = c->argc - j - 1;
        if (arg_equals(a, "asc")) {
            desc = 0;
        } else if (arg_equals(a, "desc")) {
            desc = 1;
        } else if (arg_equals(a, "alpha")) {
            alpha = 1;
        } else if (arg_equals(a, "limit") && left >= 2) {
            if (!arg_to_ll(c, a + 1, &limit_start) || !arg_to_ll(c, a + 2, &limit_count)) goto out;
            j += 2;
        } else if (!readonly && arg_equals(a, "store") && left >= 1) {
            storekey = a + 1;
            j++;
        } else if (arg_equals(a, "by") && left >= 1) {
            sortby = a + 1;
            /* No '*' (before a NUL): a constant pattern, nothing to sort
             * by.  (BY and GET with a real pattern are refused where ACL
             * rules restrict the user's keys: no such rules here yet.) */
            const char *nul = memchr(sortby->p, 0, sortby->len);
            size_t clen = nul ? (size_t)(nul - sortby->p) : sortby->len;
            if (!memchr(sortby->p, '*', clen)) dontsort = 1;
            j++;
        } else if (arg_equals(a, "get") && left >= 1) {
            gets = mem_realloc(gets, sizeof(*gets) * (size_t)(ngets + 1));
            gets[ngets++] = a + 1;
            j++;
        } else {
            reply_syntax_error(c);
            goto out;
        }
    }

    Kv *kv = db_lookup(c, c->db, &c->argv[1], LOOKUP_READ);
    int type = kv ? kv_type(kv) : OBJ_LIST;
    if (kv && type != OBJ_SET && type != OBJ_LIST && type != OBJ_ZSET) {
        reply_wrong_type(c);
        goto out;
    }
    /* An unsorted set would come out in an order replicas need not share. */
    if (dontsort && type == OBJ_SET && (storekey || (c->flags & CLIENT_SCRIPT))) {
        dontsort = 0;
        alpha = 1;
        sortby = NULL;
    }
    ZVal z;
    if (kv && type == OBJ_ZSET) {
        z = zv_of(kv);
        zv_convert(&z, ENC_SKIPLIST);
        zv_store_back(kv, &z);
    }
    long long vlen = 0;
    if (kv && type == OBJ_LIST) {
        vlen = (long long)list_len(kv);
    } else if (kv && type == OBJ_SET) {
        SetVal sv = set_of(kv);
        vlen = (long long)set_size(&sv);
    } else if (kv) {
        vlen = (long long)zv_len(&z);
    }

    /* LIMIT, clamped to the length (Valkey's arithmetic). */
    long long start = limit_start < 0 ? 0 : limit_start > vlen ? vlen : limit_start;
    long long count = limit_count < -1 ? -1 : limit_count > vlen ? vlen : limit_count;
    long long end = count < 0 ? vlen - 1 : start + count - 1;
    if (start >= vlen) {
        start = vlen - 1;
        end = vlen - 2;
    }
    if (end >= vlen) end = vlen - 1;

    Arena arena = {NULL, 0, 0};
    Loader ld = {NULL, 0, 0, &arena, (size_t)-1};
    if (kv && (type == OBJ_LIST || type == OBJ_ZSET) && dontsort) {
        /* Only the range is read, in the value's own order. */
        if (end >= start) {
            uint64_t n = (uint64_t)(end - start + 1);
            if (type == OBJ_LIST) {
                ld.limit = n;
                list_visit(kv, (uint64_t)start, desc, load_list_elem, &ld);
            } else {
                load_zset(&ld, &z, (uint64_t)start, n, desc);
            }
        }
        end -= start;
        start = 0;
    } else if (kv && type == OBJ_LIST) {
        list_visit(kv, 0, 0, load_list_elem, &ld);
    } else if (kv && type == OBJ_SET) {
        load_set(&ld, kv);
    } else if (kv) {
        load_zset(&ld, &z, 0, (uint64_t)vlen, 0);
    }
    size_t n = ld.n;

    int conv_error = 0;
    if (!dontsort) {
        for (size_t j = 0; j < n; j++) {
            SortItem *it = &ld.v[j];
            const char *ep = arena.buf + it->off;
            if (sortby) {
                PatVal pv;
                if (!pattern_lookup(c, sortby, ep, it->len, &pv)) continue;
                if (alpha) {
                    it->has_weight = 1;
                    it->wlen = pv.len;
                    it->woff = arena_put(&arena, pv.p, pv.len);
                } else if (!weight_score(pv.p, pv.len, &it->score)) {
                    conv_error = 1;
                }
                patval_done(&pv);
            } else if (!alpha && !weight_score(ep, it->len, &it->score)) {
                conv_error = 1;
            }
        }
        for (size_t j = 0; j < n; j++) {
            ld.v[j].p = arena.buf + ld.v[j].off;
            ld.v[j].w = arena.buf + ld.v[j].woff;
        }
        SortCtx ctx = {desc, alpha, sortby != NULL, storekey != NULL};
        if (sortby && (start != 0 || end != (long long)n - 1)) {
            sort_partial(ld.v, n, sizeof(SortItem), item_cmp, &ctx, start, end);
        } else if (n > 1) {
            stable_ctx = &ctx;
            qsort(ld.v, n, sizeof(SortItem), item_cmp_stable);
            stable_ctx = NULL;
        }
    } else {
        for (size_t j = 0; j < n; j++) ld.v[j].p = arena.buf + ld.v[j].off;
    }

    long long per = ngets ? ngets : 1;
    long long outlen = per * (end - start + 1);
    if (conv_error) {
        reply_error(c, "One or more scores can't be converted into double");
    } else if (!storekey) {
        reply_array_len(c, outlen);
        for (long long j = start; j <= end; j++) {
            const SortItem *it = &ld.v[j];
            if (!ngets) reply_bulk(c, it->p, it->len);
            for (int g = 0; g < ngets; g++) {
                PatVal pv;
                if (pattern_lookup(c, gets[g], it->p, it->len, &pv)) reply_bulk(c, pv.p, pv.len);
                else reply_null(c);
                patval_done(&pv);
            }
        }
    } else {
        ListBuild *b = list_build_new();
        for (long long j = start; j <= end; j++) {
            const SortItem *it = &ld.v[j];
            if (!ngets) list_build_push(b, it->p, it->len);
            for (int g = 0; g < ngets; g++) {
                PatVal pv;
                if (pattern_lookup(c, gets[g], it->p, it->len, &pv)) list_build_push(b, pv.p, pv.len);
                else list_build_push(b, "", 0);
                patval_done(&pv);
            }
        }
        Kv *res = list_build_finish(b, storekey->p, storekey->len);
        Kv *old = db_lookup_write(c, c->db, storekey);
        if (res) {
            db_store(c->db, storekey, old, res, 0);
            key_changed_n(c, c->db, storekey->p, storekey->len, NOTIFY_LIST, "sortstore", outlen);
        } else if (old) {
            db_delete(c->db, storekey->p, storekey->len);
            key_changed(c, c->db, storekey->p, storekey->len, NOTIFY_GENERIC, "del");
        }
        reply_int(c, outlen);
    }
    mem_free(ld.v);
    mem_free(arena.buf);
out:
    mem_free(gets);
}

void sort_command(Client *c) {
    sort_generic(c, 0);
}

void sort_ro_command(Client *c) {
    sort_generic(c, 1);
}
