/* zset.c - the sorted set's encoding layer (a scorepack, which OBJECT
 * ENCODING calls listpack, and a skiplist with a member table, see
 * zset.h), the conversion to and from Valkey's listpack bytes, the
 * helpers the command files share, and the TypeOps.
 *
 * Pack: src/ds/scorepack.h, pairs in (score, member bytes) order with
 * the scores as doubles (exact), so a score Valkey would print as "3"
 * or "1.5" comes back as the same double and prints the same.
 * Listpack bytes (zset_to_listpack): a score is written as dtoa_valkey's
 * text, which the listpack stores as an integer when it is one ("3", not
 * "3.0"), exactly the bytes Valkey writes.
 * Skiplist: ZsetBig; each SlNode is at once the skiplist node and the
 * member table's entry (its ht_next link), hashed with the keyspace's
 * siphash key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/alloc.h"
#include "../ds/distinct.h"
#include "../ds/listpack.h"
#include "../server/rdb_io.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../../deps/numconv/dtoa.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/sha1/sha1.h"
#include "../../deps/siphash/siphash.h"
#include "listpack_view.h"
#include "types.h"
#include "zset.h"

/* ---------------------------------------------------------- member table */

static uint64_t zmember_hash(const char *p, size_t len) {
    return siphash13(p, len, server.hash_seed);
}

static void zmember_key(const void *entry, const char **key, size_t *len) {
    *key = sl_node_member(entry, len);
}

static const HtType zset_member_httype = {
    .hash = zmember_hash,
    .key_eq = NULL,
    .entry_key = zmember_key,
    .next_offset = offsetof(SlNode, ht_next),
};

static ZsetBig *zb_new(void) {
    ZsetBig *zb = mem_alloc(sizeof(*zb));
    zb->sl = sl_create(server_rand64);
    zb->ht = ht_create(&zset_member_httype);
    return zb;
}

static void zb_free(ZsetBig *zb) {
    ht_release(zb->ht, NULL); /* the nodes are the skiplist's */
    sl_free(zb->sl);
    mem_free(zb);
}

SlNode *zb_find(const ZsetBig *zb, const char *m, size_t len) {
    return ht_find(zb->ht, m, len);
}

static SlNode *zb_insert(ZsetBig *zb, double score, const char *m, size_t len) {
    SlNode *n = sl_insert(zb->sl, score, m, len);
    ht_add(zb->ht, n);
    return n;
}

void zb_drop_node(ZsetBig *zb, SlNode *n) {
    size_t len;
    const char *m = sl_node_member(n, &len);
    ht_remove(zb->ht, m, len);
    sl_node_free(n);
}

/* ---------------------------------------------------------------- pack */

/* Valkey converts a listpack that would pass 1 GB (lpSafeToAdd); a pack
 * is smaller than the listpack it stands for, so this converts no later
 * than Valkey would for any realistic limit. */
#define ZSET_PACK_SAFETY_LIMIT (1u << 30)

/* 1 when no member of the pack appears twice. */
static int pack_members_distinct(const unsigned char *sp) {
    uint32_t n = sp_count(sp);
    ByteView stack[DISTINCT_STACK], *v = n <= DISTINCT_STACK ? stack : mem_alloc(sizeof(ByteView) * n);
    size_t off = sp_first(sp);
    for (uint32_t i = 0; i < n; i++) {
        SpEntry e;
        sp_get(sp, off, &e);
        v[i].p = e.m;
        v[i].len = e.len;
        off = e.next;
    }
    int ok = bytes_distinct(v, n, sizeof(ByteView));
    if (v != stack) mem_free(v);
    return ok;
}

/* ---------------------------------------------------------------- ZVal */

void zv_store_back(Kv *kv, const ZVal *z) {
    if (kv_get_ptr(kv) != z->ptr || kv_encoding(kv) != z->enc) kv_set_value(kv, z->enc, z->ptr);
}

ZVal zv_new(uint64_t size_hint, size_t maxlen) {
    ZVal z;
    if (size_hint <= server.cfg.zset_max_listpack_entries && maxlen <= server.cfg.zset_max_listpack_value) {
        z.enc = ENC_LISTPACK;
        z.ptr = sp_new();
    } else {
        z.enc = ENC_SKIPLIST;
        z.ptr = zb_new();
    }
    return z;
}

void zv_free(ZVal *z) {
    if (!z->ptr) return;
    if (z->enc == ENC_LISTPACK) sp_free(z->ptr);
    else zb_free(z->ptr);
    z->ptr = NULL;
}

uint64_t zv_len(const ZVal *z) {
    if (z->enc == ENC_LISTPACK) return sp_count(z->ptr);
    return ((const ZsetBig *)z->ptr)->sl->length;
}

/* The pack of a skiplist's elements (already in order). */
static unsigned char *pack_from_skiplist(const ZsetBig *zb) {
    SpBuilder b;
    sp_builder_init(&b);
    for (SlNode *n = sl_first(zb->sl); n; n = n->next) {
        size_t len;
        const char *m = sl_node_member(n, &len);
        sp_builder_add(&b, n->score, m, len);
    }
    return sp_builder_finish(&b);
}

static ZsetBig *skiplist_from_pack(const unsigned char *sp) {
    ZsetBig *zb = zb_new();
    size_t end = sp_bytes(sp);
    SpEntry e;
    for (size_t off = sp_first(sp); off < end; off = e.next) {
        sp_get(sp, off, &e);
        zb_insert(zb, e.score, e.m, e.len);
    }
    return zb;
}

void zv_convert(ZVal *z, int enc) {
    if (z->enc == enc) return;
    if (enc == ENC_SKIPLIST) {
        unsigned char *sp = z->ptr;
        z->ptr = skiplist_from_pack(sp);
        sp_free(sp);
    } else {
        ZsetBig *zb = z->ptr;
        z->ptr = pack_from_skiplist(zb);
        zb_free(zb);
    }
    z->enc = enc;
}

void zv_maybe_grow(ZVal *z, uint64_t size_hint) {
    if (z->enc == ENC_LISTPACK && size_hint > server.cfg.zset_max_listpack_entries) zv_convert(z, ENC_SKIPLIST);
}

void zv_fit(ZVal *z, size_t maxlen, size_t total) {
    if (z->enc != ENC_SKIPLIST) return;
    if (zv_len(z) <= server.cfg.zset_max_listpack_entries && maxlen <= server.cfg.zset_max_listpack_value &&
        lp_safe_to_add(NULL, total))
        zv_convert(z, ENC_LISTPACK);
}

int zv_add(ZVal *z, double score, const char *m, size_t len, int in, int *out, double *newscore) {
    int incr = (in & ZADD_IN_INCR) != 0, nx = (in & ZADD_IN_NX) != 0, xx = (in & ZADD_IN_XX) != 0;
    int gt = (in & ZADD_IN_GT) != 0, lt = (in & ZADD_IN_LT) != 0;
    double cur;
    *out = 0;
    if (z->enc == ENC_LISTPACK) {
        unsigned char *sp = z->ptr;
        SpEntry e;
        if (sp_find(sp, m, len, &e) >= 0) {
            if (nx) {
                *out |= ZADD_OUT_NOP;
                return 1;
            }
            cur = e.score;
            if (incr) {
                score += cur;
                if (isnan(score)) {
                    *out |= ZADD_OUT_NAN;
                    return 0;
                }
            }
            if ((lt && score >= cur) || (gt && score <= cur)) {
                *out |= ZADD_OUT_NOP;
                return 1;
            }
            if (newscore) *newscore = score;
            if (score != cur) {
                sp = sp_delete(sp, e.off, 1);
                z->ptr = sp_insert(sp, score, m, len, NULL);
                *out |= ZADD_OUT_UPDATED;
            }
            return 1;
        }
        if (xx) {
            *out |= ZADD_OUT_NOP;
            return 1;
        }
        if (sp_count(sp) + 1 <= server.cfg.zset_max_listpack_entries && len <= server.cfg.zset_max_listpack_value &&
            sp_bytes(sp) + len <= ZSET_PACK_SAFETY_LIMIT) {
            z->ptr = sp_insert(sp, score, m, len, NULL);
            if (newscore) *newscore = score;
            *out |= ZADD_OUT_ADDED;
            return 1;
        }
        zv_convert(z, ENC_SKIPLIST);
    }
    ZsetBig *zb = z->ptr;
    uint64_t h = ht_hash(zb->ht, m, len);
    SlNode *n = ht_find_hashed(zb->ht, m, len, h);
    if (n) {
        if (nx) {
            *out |= ZADD_OUT_NOP;
            return 1;
        }
        cur = n->score;
        if (incr) {
            score += cur;
            if (isnan(score)) {
                *out |= ZADD_OUT_NAN;
                return 0;
            }
        }
        if ((lt && score >= cur) || (gt && score <= cur)) {
            *out |= ZADD_OUT_NOP;
            return 1;
        }
        if (newscore) *newscore = score;
        if (score != cur) {
            sl_update_score(zb->sl, n, score);
            *out |= ZADD_OUT_UPDATED;
        }
        return 1;
    }
    if (xx) {
        *out |= ZADD_OUT_NOP;
        return 1;
    }
    n = sl_insert(zb->sl, score, m, len);
    ht_add_hashed(zb->ht, n, h);
    if (newscore) *newscore = score;
    *out |= ZADD_OUT_ADDED;
    return 1;
}

int zv_del(ZVal *z, const char *m, size_t len) {
    if (z->enc == ENC_LISTPACK) {
        SpEntry e;
        if (sp_find(z->ptr, m, len, &e) < 0) return 0;
        z->ptr = sp_delete(z->ptr, e.off, 1);
        return 1;
    }
    ZsetBig *zb = z->ptr;
    SlNode *n = ht_remove(zb->ht, m, len);
    if (!n) return 0;
    size_t nlen;
    const char *nm = sl_node_member(n, &nlen);
    sl_unlink(zb->sl, n->score, nm, nlen);
    sl_node_free(n);
    return 1;
}

int zv_score(const ZVal *z, const char *m, size_t len, double *score) {
    if (z->enc == ENC_LISTPACK) {
        SpEntry e;
        if (sp_find(z->ptr, m, len, &e) < 0) return 0;
        *score = e.score;
        return 1;
    }
    SlNode *n = zb_find(z->ptr, m, len);
    if (!n) return 0;
    *score = n->score;
    return 1;
}

long long zv_rank(const ZVal *z, const char *m, size_t len, int rev, double *score) {
    uint64_t count = zv_len(z);
    if (z->enc == ENC_LISTPACK) {
        SpEntry e;
        long rank = sp_find(z->ptr, m, len, &e);
        if (rank < 0) return -1;
        if (score) *score = e.score;
        return rev ? (long long)count - 1 - rank : rank;
    }
    const ZsetBig *zb = z->ptr;
    SlNode *n = zb_find(zb, m, len);
    if (!n) return -1;
    uint64_t r = sl_rank(zb->sl, n->score, m, len);
    if (score) *score = n->score;
    return rev ? (long long)(count - r) : (long long)(r - 1);
}

/* ----------------------------------------------------------- iteration */

void zi_init(ZIter *it, const ZVal *z, uint64_t first, uint64_t last, int rev) {
    it->enc = z->enc;
    it->rev = rev;
    it->left = last - first + 1;
    it->chunk_n = 0;
    uint64_t len = zv_len(z);
    /* descending: the ascending index of the first element handed out */
    it->next_rank = len - 1 - first;
    if (z->enc == ENC_LISTPACK) {
        it->sp = z->ptr;
        if (!rev) it->off = sp_seek(it->sp, (uint32_t)first);
        return;
    }
    const ZsetBig *zb = z->ptr;
    it->sl = zb->sl;
    it->node = rev ? NULL : first == 0 ? sl_first(zb->sl) : sl_at_rank(zb->sl, first + 1);
}

/* Descending walks have no backward links to follow: fetch the run of
 * up to a chunk's worth below (and including) next_rank, ascending, and
 * hand it out from its end. */
static void zi_fetch_chunk(ZIter *it) {
    uint64_t want = it->left + 1;
    uint64_t room = it->enc == ENC_LISTPACK ? sizeof(it->chunk.offs) / sizeof(it->chunk.offs[0])
                                            : sizeof(it->chunk.nodes) / sizeof(it->chunk.nodes[0]);
    uint64_t take = want < room ? want : room;
    uint64_t low = it->next_rank + 1 - take;
    if (it->enc == ENC_LISTPACK) {
        sp_offsets(it->sp, (uint32_t)low, (uint32_t)take, it->chunk.offs);
    } else {
        SlNode *x = sl_at_rank(it->sl, low + 1);
        for (uint64_t i = 0; i < take; i++, x = x->next) it->chunk.nodes[i] = x;
    }
    it->chunk_n = (int)take;
}

int zi_next(ZIter *it, ZElem *e) {
    if (!it->left) return 0;
    it->left--;
    if (it->enc == ENC_LISTPACK) {
        SpEntry se;
        if (!it->rev) {
            sp_get(it->sp, it->off, &se);
            it->off = se.next;
        } else {
            if (it->chunk_n == 0) zi_fetch_chunk(it);
            sp_get(it->sp, it->chunk.offs[--it->chunk_n], &se);
            it->next_rank--;
        }
        e->m = se.m;
        e->len = se.len;
        e->score = se.score;
        return 1;
    }
    SlNode *n;
    if (!it->rev) {
        n = it->node;
        it->node = n->next;
    } else {
        if (it->chunk_n == 0) zi_fetch_chunk(it);
        n = it->chunk.nodes[--it->chunk_n];
        it->next_rank--;
    }
    e->m = sl_node_member(n, &e->len);
    e->score = n->score;
    return 1;
}

/* ------------------------------------------------- Valkey's listpack form */

unsigned char *zset_to_listpack(const void *ptr, int enc) {
    ZVal z = {enc, (void *)ptr};
    uint64_t n = zv_len(&z);
    unsigned char *lp = lp_new(0);
    if (!n) return lp;
    ZIter it;
    ZElem e;
    zi_init(&it, &z, 0, n - 1, 0);
    while (zi_next(&it, &e)) {
        char sbuf[DTOA_BUF];
        size_t slen = dtoa_valkey(e.score, sbuf);
        LpEntry pair[2] = {{e.m, (uint32_t)e.len, 0}, {sbuf, (uint32_t)slen, 0}};
        lp = lp_batch_append(lp, pair, 2);
    }
    return lp;
}

/* A listpack score entry read as Valkey reads it (zzlGetScore): an
 * integer, or strtod over at most 127 bytes of its text. */
static double entry_score(const LpEntry *e) {
    if (!e->sval) return (double)e->lval;
    char buf[128];
    uint32_t slen = e->slen;
    if (slen >= sizeof(buf)) slen = sizeof(buf) - 1;
    memcpy(buf, e->sval, slen);
    buf[slen] = '\0';
    return strtod(buf, NULL);
}

/* The sorted set of the view's pairs (member, score, ...): NULL for a
 * NaN score or a repeated member. */
static void *zset_from_view(LpView *lv, int *enc) {
    size_t n;
    const ByteView *t = lpv_texts(lv, 0, 2, &n);
    SpItem stack[DISTINCT_STACK], *items = n <= DISTINCT_STACK ? stack : mem_alloc(n * sizeof(SpItem));
    void *v = NULL;
    for (size_t i = 0; i < n; i++) {
        items[i].m = t[i];
        items[i].score = entry_score(&lv->e[2 * i + 1]);
        if (isnan(items[i].score)) goto done;
    }
    if (n > server.cfg.zset_max_listpack_entries) {
        ZsetBig *zb = zb_new();
        ht_expand(zb->ht, n);
        for (size_t i = 0; i < n; i++) {
            if (zb_find(zb, items[i].m.p, items[i].m.len)) {
                zb_free(zb);
                goto done;
            }
            zb_insert(zb, items[i].score, items[i].m.p, items[i].m.len);
        }
        *enc = ENC_SKIPLIST;
        v = zb;
        goto done;
    }
    if (!bytes_distinct(&items[0].m, n, sizeof(SpItem))) goto done;
    /* In order (as Valkey writes them): one pass; otherwise each pair
     * goes in at its place. */
    unsigned char *pack = sp_from_items(items, n);
    if (!pack) {
        pack = sp_new();
        for (size_t i = 0; i < n; i++) pack = sp_insert(pack, items[i].score, items[i].m.p, items[i].m.len, NULL);
    }
    *enc = ENC_LISTPACK;
    v = pack;
done:
    if (items != stack) mem_free(items);
    return v;
}

void *zset_from_listpack(unsigned char *lp, int *enc) {
    LpView lv;
    lpv_from_listpack(&lv, lp);
    void *v = lv.n % 2 ? NULL : zset_from_view(&lv, enc);
    lpv_release(&lv);
    return v;
}

/* ---------------------------------------------------------------- check */

const char *zv_check(const ZVal *z) {
    if (z->enc == ENC_LISTPACK) {
        const char *err = sp_validate(z->ptr, sp_bytes(z->ptr));
        if (err) return err;
        if (!pack_members_distinct(z->ptr)) return "pack member repeated";
        return NULL;
    }
    const ZsetBig *zb = z->ptr;
    const char *err = sl_check(zb->sl);
    if (err) return err;
    if (ht_count(zb->ht) != zb->sl->length) return "member table and skiplist differ in size";
    for (SlNode *n = sl_first(zb->sl); n; n = n->next) {
        size_t len;
        const char *m = sl_node_member(n, &len);
        if (zb_find(zb, m, len) != n) return "a skiplist node is not its member's table entry";
    }
    return NULL;
}

/* ------------------------------------------------------------- helpers */

Kv *zs_lookup(Client *c, const Arg *key, int flags, int *err) {
    Kv *kv = db_lookup(c, c->db, key, flags);
    *err = 0;
    if (kv && kv_type(kv) != OBJ_ZSET) {
        reply_wrong_type(c);
        *err = 1;
        return NULL;
    }
    return kv;
}

void zs_reply_score(Client *c, double d) {
    char buf[DTOA_BUF + 3];
    if (c->resp >= 3) {
        buf[0] = ',';
        size_t n = dtoa_valkey(d, buf + 1);
        buf[n + 1] = '\r';
        buf[n + 2] = '\n';
        reply_raw(c, buf, n + 3);
    } else {
        size_t n = dtoa_valkey(d, buf);
        reply_bulk(c, buf, n);
    }
}

void zs_removed(Client *c, const Arg *key, Kv *kv, const char *event, long long n) {
    if (n <= 0) return;
    ZVal z = zv_of(kv);
    int gone = zv_len(&z) == 0;
    if (gone) db_delete(c->db, key->p, key->len);
    key_changed_n(c, c->db, key->p, key->len, NOTIFY_ZSET, event, n);
    if (gone) key_event(c->db, key->p, key->len, NOTIFY_GENERIC, "del");
}

void zs_store_result(Client *c, const Arg *key, ZVal *z, const char *event) {
    uint64_t n = zv_len(z);
    Kv *old = db_lookup_write(c, c->db, key);
    if (n) {
        Kv *kv = kv_new_ptr(key->p, key->len, OBJ_ZSET, z->enc, z->ptr);
        z->ptr = NULL;
        db_store(c->db, key, old, kv, 0);
        key_changed(c, c->db, key->p, key->len, NOTIFY_ZSET, event);
    } else {
        zv_free(z);
        if (old) {
            db_delete(c->db, key->p, key->len);
            key_changed(c, c->db, key->p, key->len, NOTIFY_GENERIC, "del");
        }
    }
    reply_int(c, (long long)n);
}

/* ---------------------------------------------------------------- RDB */

/* A pack is written as Valkey's listpack (RDB_TYPE_ZSET_LISTPACK); a
 * skiplist as RDB_TYPE_ZSET_2, highest score first as Valkey writes it
 * (loading then inserts each element at the head). */
static int zset_rdb_save(RdbWriter *w, const void *ptr, int encoding) {
    ZVal z = {encoding, (void *)ptr};
    uint64_t n = zv_len(&z);
    if (encoding == ENC_LISTPACK) {
        /* zset_to_listpack's form (member, then the score as d2string's
         * text), written front to back into one buffer: a pack entry is
         * at least its member plus two bytes, and its listpack pair at
         * most the member plus 52 (lp_put_str_max of the member and of a
         * DTOA_BUF score text), which bounds the size up front. */
        const unsigned char *sp = ptr;
        size_t end = sp_bytes(sp), need = LP_HDR_SIZE + 1 + end + 52 * (size_t)n;
        unsigned char stack[4096], *lp = need <= sizeof(stack) ? stack : mem_alloc(need);
        unsigned char *o = lp + LP_HDR_SIZE;
        SpEntry se;
        for (size_t off = sp_first(sp); off < end; off = se.next) {
            sp_get(sp, off, &se);
            o += lp_put_str(o, se.m, se.len);
            double d = se.score;
            /* Integral scores within +-2^62 (not -0) are d2string's
             * integer text, which a listpack holds as that integer. */
            long long ll;
            if (d >= -4611686018427387904.0 && d <= 4611686018427387904.0 && (double)(ll = (long long)d) == d &&
                !(d == 0 && signbit(d))) {
                o += lp_put_int(o, ll);
            } else {
                char t[DTOA_BUF];
                size_t tl = dtoa_valkey(d, t);
                o += lp_put_str(o, t, tl);
            }
        }
        size_t size = lp_put_finish(lp, o, 2 * (uint64_t)n);
        int rc = w->type(w, RDB_TYPE_ZSET_LISTPACK);
        if (rc == 0) rc = w->string(w, lp, size);
        if (lp != stack) mem_free(lp);
        return rc;
    }
    if (w->type(w, RDB_TYPE_ZSET_2) || w->len(w, n)) return -1;
    if (!n) return 0;
    /* Highest first, without backward links: one forward pass marks
     * every ZSET_SAVE_RUN-th node, then each run is walked forward from
     * its mark into a small array and written from its end (no search
     * by rank per run). */
#define ZSET_SAVE_RUN 1024
    const ZsetBig *zb = ptr;
    uint64_t runs = (n + ZSET_SAVE_RUN - 1) / ZSET_SAVE_RUN, i = 0;
    SlNode **marks = mem_alloc((size_t)runs * sizeof(*marks));
    for (SlNode *x = sl_first(zb->sl); x && i < n; x = x->next, i++)
        if (i % ZSET_SAVE_RUN == 0) marks[i / ZSET_SAVE_RUN] = x;
    SlNode *run[ZSET_SAVE_RUN];
    int rc = 0;
    for (uint64_t r = runs; r-- > 0 && rc == 0;) {
        size_t k = 0;
        for (SlNode *x = marks[r]; x && k < ZSET_SAVE_RUN && r * ZSET_SAVE_RUN + k < n; x = x->next) run[k++] = x;
        while (k-- > 0 && rc == 0) {
            size_t len;
            const char *m = sl_node_member(run[k], &len);
            rc = w->string(w, m, len) || w->double_bin(w, run[k]->score) ? -1 : 0;
        }
    }
    mem_free(marks);
    return rc;
}

/* RDB_TYPE_ZSET / ZSET_2: elements into a skiplist, which becomes a
 * pack at the end when it fits (Valkey converts after loading, as the
 * elements come unordered); NaN scores and repeated members refuse it. */
static void *zset_rdb_load_elements(RdbReader *r, int rdb_type, int *enc) {
    uint64_t n;
    if (!r->count(r, &n)) return NULL;
    if (n == 0) {
        r->empty = 1;
        return NULL;
    }
    ZVal z = zv_new(n, SIZE_MAX);
    zv_convert(&z, ENC_SKIPLIST);
    /* The member table sized once for n (a count the input can hold)
     * instead of rehashing its way up as the elements come. */
    ht_expand(((ZsetBig *)z.ptr)->ht, n);
    size_t maxlen = 0, total = 0, mcap = 0;
    char *mbuf = NULL;
    for (uint64_t i = 0; i < n; i++) {
        const char *m;
        size_t len;
        double score;
        if (!r->string(r, &m, &len)) goto fail;
        /* The view dies with the next read: keep the member first. */
        if (len > mcap) {
            mem_free(mbuf);
            mcap = len < 64 ? 64 : len * 2;
            mbuf = mem_alloc(mcap);
        }
        if (len) memcpy(mbuf, m, len);
        int ok = rdb_type == RDB_TYPE_ZSET_2 ? r->double_bin(r, &score) : r->double_text(r, &score);
        if (ok && isnan(score)) ok = r->fail(r, "Zset with NAN score detected");
        int out = 0;
        if (ok) {
            zv_add(&z, score, len ? mbuf : "", len, ZADD_IN_NX, &out, NULL);
            if (!(out & ZADD_OUT_ADDED)) ok = r->fail(r, "Duplicate zset fields detected");
        }
        if (!ok) goto fail;
        if (len > maxlen) maxlen = len;
        total += len;
    }
    mem_free(mbuf);
    zv_fit(&z, maxlen, total);
    *enc = z.enc;
    return z.ptr;
fail:
    mem_free(mbuf);
    zv_free(&z);
    return NULL;
}

/* RDB_TYPE_ZSET_LISTPACK without sanitize-dump-payload's deep mode: the
 * blob read in place and walked once (every check of deep validation),
 * the set built from its entries; the same refusals, with the same
 * reasons, as the listpack reader's checks give. */
static void *zset_rdb_load_listpack_view(RdbReader *r, int *enc) {
    LpView lv;
    void *v = NULL;
    if (lpv_read_pairs(&lv, r) && !(v = zset_from_view(&lv, enc))) r->fail(r, "Zset listpack integrity check failed.");
    lpv_release(&lv);
    return v;
}

static void *zset_rdb_load(RdbReader *r, int rdb_type, int *enc) {
    unsigned char *lp;
    if (rdb_type == RDB_TYPE_ZSET || rdb_type == RDB_TYPE_ZSET_2) return zset_rdb_load_elements(r, rdb_type, enc);
    if (rdb_type == RDB_TYPE_ZSET_LISTPACK && !r->deep) return zset_rdb_load_listpack_view(r, enc);
    if (rdb_type == RDB_TYPE_ZSET_LISTPACK) lp = r->listpack(r, RDB_BLOB_PAIRS, NULL);
    else if (rdb_type == RDB_TYPE_ZSET_ZIPLIST) lp = r->ziplist(r, RDB_BLOB_PAIRS);
    else {
        r->fail(r, "Unknown RDB encoding type for a sorted set");
        return NULL;
    }
    if (!lp) return NULL;
    void *v = NULL;
    if (lp_length(lp) == 0) r->empty = 1;
    else if (!(v = zset_from_listpack(lp, enc))) r->fail(r, "Zset listpack integrity check failed.");
    lp_free(lp);
    return v;
}

/* ------------------------------------------------------------ TypeOps */

static void zset_free(void *ptr, int encoding) {
    ZVal z = {encoding, ptr};
    zv_free(&z);
}

static void *zset_dup(const void *ptr, int encoding) {
    if (encoding == ENC_LISTPACK) return sp_dup(ptr);
    const ZsetBig *src = ptr;
    ZsetBig *zb = zb_new();
    for (SlNode *n = sl_first(src->sl); n; n = n->next) {
        size_t len;
        const char *m = sl_node_member(n, &len);
        zb_insert(zb, n->score, m, len);
    }
    return zb;
}

static size_t zset_mem_usage(const void *ptr, int encoding, long long samples) {
    if (encoding == ENC_LISTPACK) return mem_usable(ptr);
    const ZsetBig *zb = ptr;
    size_t fixed = mem_usable(zb) + sl_overhead_usable(zb->sl) + ht_mem_usage(zb->ht);
    uint64_t total = zb->sl->length, seen = 0;
    size_t bytes = 0;
    for (SlNode *n = sl_first(zb->sl); n && (samples == 0 || seen < (uint64_t)samples); n = n->next) {
        bytes += sl_node_usable(n);
        seen++;
    }
    if (seen && seen < total) bytes = (size_t)((double)bytes / (double)seen * (double)total);
    return fixed + bytes;
}

static size_t zset_free_effort(const void *ptr, int encoding) {
    if (encoding == ENC_LISTPACK) return 1;
    return (size_t)((const ZsetBig *)ptr)->sl->length;
}

/* digest ^= SHA1(data); digest = SHA1(digest). */
static void mix_digest(uint8_t d[20], const void *data, size_t len) {
    uint8_t h[20];
    Sha1 s;
    sha1_init(&s);
    sha1_update(&s, data, len);
    sha1_final(&s, h);
    for (int i = 0; i < 20; i++) d[i] ^= h[i];
    sha1_init(&s);
    sha1_update(&s, d, 20);
    sha1_final(&s, d);
}

/* Order-independent: XOR of one digest per element (member, then the
 * score's Grisu text), so both encodings of the same set agree. */
static void zset_digest(const void *ptr, int encoding, uint8_t out[20]) {
    memset(out, 0, 20);
    ZVal z = {encoding, (void *)ptr};
    uint64_t n = zv_len(&z);
    if (!n) return;
    ZIter it;
    ZElem e;
    zi_init(&it, &z, 0, n - 1, 0);
    while (zi_next(&it, &e)) {
        uint8_t ed[20] = {0};
        char sbuf[DTOA_BUF];
        mix_digest(ed, e.m, e.len);
        mix_digest(ed, sbuf, dtoa_grisu(e.score, sbuf));
        for (int i = 0; i < 20; i++) out[i] ^= ed[i];
    }
}

/* The encoding's own invariants (DEBUG KEYSPACE-CHECK, sanitizer cron). */
static const char *zset_check(const void *ptr, int encoding) {
    ZVal z = {encoding, (void *)ptr};
    return zv_check(&z);
}

static const TypeOps zset_type_ops = {
    .type = OBJ_ZSET,
    .name = "zset",
    .free = zset_free,
    .dup = zset_dup,
    .mem_usage = zset_mem_usage,
    .free_effort = zset_free_effort,
    .digest = zset_digest,
    .check = zset_check,
    .rdb_save = zset_rdb_save,
    .rdb_load = zset_rdb_load,
};

void zset_type_init(void) {
    kv_register_type(&zset_type_ops);
}
