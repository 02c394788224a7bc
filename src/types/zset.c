/* zset.c - the sorted set's encoding layer (listpack and skiplist with a
 * member table, see zset.h), the helpers the command files share, and
 * the TypeOps.
 *
 * Listpack: pairs (member, score) in (score, member bytes) order; a score
 * is written as dtoa_valkey's text, which the listpack stores as an
 * integer when it is one ("3", not "3.0"), exactly the bytes Valkey
 * writes, and read back with strtod.
 * Skiplist: ZsetBig; each SlNode is at once the skiplist node and the
 * member table's entry (its ht_next link), hashed with the keyspace's
 * siphash key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/alloc.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../../deps/numconv/dtoa.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/sha1/sha1.h"
#include "../../deps/siphash/siphash.h"
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

/* ------------------------------------------------------------ listpack */

double zl_score(const unsigned char *sptr) {
    int64_t iv;
    uint32_t slen;
    const char *s = lp_get(sptr, &iv, &slen);
    if (!s) return (double)iv;
    /* Our own entries are short; a foreign one is read up to 127 bytes,
     * as Valkey reads it. */
    char buf[128];
    if (slen >= sizeof(buf)) slen = sizeof(buf) - 1;
    memcpy(buf, s, slen);
    buf[slen] = '\0';
    return strtod(buf, NULL);
}

void zl_elem(const unsigned char *ep, const unsigned char *sp, ZElem *e, int with_score) {
    uint32_t len;
    e->m = lp_get_str(ep, e->buf, &len);
    e->len = len;
    e->score = with_score ? zl_score(sp) : 0;
}

static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

int zl_member_cmp(const unsigned char *ep, const char *m, size_t len) {
    char buf[LP_INTBUF_SIZE];
    uint32_t elen;
    const char *e = lp_get_str(ep, buf, &elen);
    return bytes_cmp(e, elen, m, len);
}

unsigned char *zl_next(unsigned char *lp, unsigned char *ep) {
    unsigned char *sp = lp_next(lp, ep);
    return sp ? lp_next(lp, sp) : NULL;
}

unsigned char *zl_prev(unsigned char *lp, unsigned char *ep) {
    unsigned char *sp = lp_prev(lp, ep);
    return sp ? lp_prev(lp, sp) : NULL;
}

static uint64_t zl_len(unsigned char *lp) {
    return lp_length(lp) / 2;
}

/* The member entry of m, or NULL; *score gets its score. */
static unsigned char *zl_find(unsigned char *lp, const char *m, size_t len, double *score) {
    unsigned char *ep = lp_first(lp);
    if (!ep) return NULL;
    ep = lp_find(lp, ep, m, len, 1);
    if (ep && score) *score = zl_score(lp_next(lp, ep));
    return ep;
}

/* Inserts (m, score) at its place (m must not be present). */
static unsigned char *zl_insert(unsigned char *lp, double score, const char *m, size_t len) {
    unsigned char *ep = lp_first(lp);
    while (ep) {
        unsigned char *sp = lp_next(lp, ep);
        double s = zl_score(sp);
        if (s > score || (s == score && zl_member_cmp(ep, m, len) > 0)) break;
        ep = lp_next(lp, sp);
    }
    char sbuf[DTOA_BUF];
    size_t slen = dtoa_valkey(score, sbuf);
    LpEntry pair[2] = {{m, (uint32_t)len, 0}, {sbuf, (uint32_t)slen, 0}};
    if (!ep) return lp_batch_append(lp, pair, 2);
    return lp_batch_insert(lp, ep, LP_BEFORE, pair, 2, NULL);
}

static unsigned char *zl_delete(unsigned char *lp, unsigned char *ep) {
    return lp_delete_range_from(lp, &ep, 2);
}

/* ---------------------------------------------------------------- ZVal */

void zv_store_back(Kv *kv, const ZVal *z) {
    if (kv_get_ptr(kv) != z->ptr || kv_encoding(kv) != z->enc) kv_set_value(kv, z->enc, z->ptr);
}

ZVal zv_new(uint64_t size_hint, size_t maxlen) {
    ZVal z;
    if (size_hint <= server.cfg.zset_max_listpack_entries && maxlen <= server.cfg.zset_max_listpack_value) {
        z.enc = ENC_LISTPACK;
        z.ptr = lp_new(0);
    } else {
        z.enc = ENC_SKIPLIST;
        z.ptr = zb_new();
    }
    return z;
}

void zv_free(ZVal *z) {
    if (!z->ptr) return;
    if (z->enc == ENC_LISTPACK) lp_free(z->ptr);
    else zb_free(z->ptr);
    z->ptr = NULL;
}

uint64_t zv_len(const ZVal *z) {
    if (z->enc == ENC_LISTPACK) return zl_len(z->ptr);
    return ((const ZsetBig *)z->ptr)->sl->length;
}

void zv_convert(ZVal *z, int enc) {
    if (z->enc == enc) return;
    if (enc == ENC_SKIPLIST) {
        unsigned char *lp = z->ptr;
        ZsetBig *zb = zb_new();
        for (unsigned char *ep = lp_first(lp); ep; ep = zl_next(lp, ep)) {
            ZElem e;
            zl_elem(ep, lp_next(lp, ep), &e, 1);
            zb_insert(zb, e.score, e.m, e.len);
        }
        lp_free(lp);
        z->ptr = zb;
    } else {
        ZsetBig *zb = z->ptr;
        unsigned char *lp = lp_new(0);
        for (SlNode *n = sl_first(zb->sl); n; n = n->next) {
            size_t len;
            const char *m = sl_node_member(n, &len);
            char sbuf[DTOA_BUF];
            size_t slen = dtoa_valkey(n->score, sbuf);
            LpEntry pair[2] = {{m, (uint32_t)len, 0}, {sbuf, (uint32_t)slen, 0}};
            lp = lp_batch_append(lp, pair, 2);
        }
        zb_free(zb);
        z->ptr = lp;
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
        unsigned char *lp = z->ptr;
        unsigned char *ep = zl_find(lp, m, len, &cur);
        if (ep) {
            if (nx) {
                *out |= ZADD_OUT_NOP;
                return 1;
            }
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
                lp = zl_delete(lp, ep);
                z->ptr = zl_insert(lp, score, m, len);
                *out |= ZADD_OUT_UPDATED;
            }
            return 1;
        }
        if (xx) {
            *out |= ZADD_OUT_NOP;
            return 1;
        }
        if (zl_len(lp) + 1 <= server.cfg.zset_max_listpack_entries && len <= server.cfg.zset_max_listpack_value &&
            lp_safe_to_add(lp, len)) {
            z->ptr = zl_insert(lp, score, m, len);
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
        unsigned char *ep = zl_find(z->ptr, m, len, NULL);
        if (!ep) return 0;
        z->ptr = zl_delete(z->ptr, ep);
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
    if (z->enc == ENC_LISTPACK) return zl_find(z->ptr, m, len, score) != NULL;
    SlNode *n = zb_find(z->ptr, m, len);
    if (!n) return 0;
    *score = n->score;
    return 1;
}

long long zv_rank(const ZVal *z, const char *m, size_t len, int rev, double *score) {
    uint64_t count = zv_len(z);
    if (z->enc == ENC_LISTPACK) {
        unsigned char *lp = z->ptr;
        long long rank = 0;
        for (unsigned char *ep = lp_first(lp); ep; ep = zl_next(lp, ep), rank++) {
            if (!lp_compare(ep, m, len)) continue;
            if (score) *score = zl_score(lp_next(lp, ep));
            return rev ? (long long)count - 1 - rank : rank;
        }
        return -1;
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
    if (z->enc == ENC_LISTPACK) {
        it->lp = z->ptr;
        it->ep = rev ? lp_seek(it->lp, -2 - 2 * (long)first) : lp_seek(it->lp, 2 * (long)first);
        return;
    }
    const ZsetBig *zb = z->ptr;
    it->sl = zb->sl;
    if (rev) {
        it->next_rank = zb->sl->length - first;
        it->node = NULL;
    } else {
        it->node = first == 0 ? sl_first(zb->sl) : sl_at_rank(zb->sl, first + 1);
    }
}

int zi_next(ZIter *it, ZElem *e) {
    if (!it->left) return 0;
    it->left--;
    if (it->enc == ENC_LISTPACK) {
        unsigned char *sp = lp_next(it->lp, it->ep);
        zl_elem(it->ep, sp, e, 1);
        it->ep = it->rev ? zl_prev(it->lp, it->ep) : lp_next(it->lp, sp);
        return 1;
    }
    SlNode *n;
    if (!it->rev) {
        n = it->node;
        it->node = n->next;
    } else {
        /* No backward links: fetch the next run below by rank, ascending,
         * and hand it out from its end. */
        if (it->chunk_n == 0) {
            uint64_t want = it->left + 1, room = sizeof(it->chunk) / sizeof(it->chunk[0]);
            uint64_t take = want < room ? want : room;
            uint64_t low = it->next_rank - take + 1;
            SlNode *x = sl_at_rank(it->sl, low);
            for (uint64_t i = 0; i < take; i++, x = x->next) it->chunk[i] = x;
            it->chunk_n = (int)take;
        }
        n = it->chunk[--it->chunk_n];
        it->next_rank--;
    }
    e->m = sl_node_member(n, &e->len);
    e->score = n->score;
    return 1;
}

/* ---------------------------------------------------------------- check */

const char *zv_check(const ZVal *z) {
    if (z->enc == ENC_LISTPACK) {
        unsigned char *lp = z->ptr;
        if (!lp_validate_integrity(lp, lp_bytes(lp), 1, NULL, NULL)) return "listpack fails validation";
        if (lp_length(lp) % 2) return "listpack holds an odd number of entries";
        unsigned char *prev = NULL;
        double prev_score = 0;
        for (unsigned char *ep = lp_first(lp); ep; ep = zl_next(lp, ep)) {
            double s = zl_score(lp_next(lp, ep));
            if (isnan(s)) return "listpack score is NaN";
            if (prev) {
                char buf[LP_INTBUF_SIZE];
                uint32_t len;
                const char *m = lp_get_str(ep, buf, &len);
                if (prev_score > s || (prev_score == s && zl_member_cmp(prev, m, len) >= 0))
                    return "listpack pairs out of order";
            }
            /* a member appears once (n^2, but listpacks are small) */
            for (unsigned char *o = lp_first(lp); o != ep; o = zl_next(lp, o)) {
                char buf[LP_INTBUF_SIZE];
                uint32_t len;
                const char *m = lp_get_str(ep, buf, &len);
                if (zl_member_cmp(o, m, len) == 0) return "listpack member repeated";
            }
            prev = ep;
            prev_score = s;
        }
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

/* ------------------------------------------------------------ TypeOps */

static void zset_free(void *ptr, int encoding) {
    ZVal z = {encoding, ptr};
    zv_free(&z);
}

static void *zset_dup(const void *ptr, int encoding) {
    if (encoding == ENC_LISTPACK) return lp_dup(ptr);
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
};

void zset_type_init(void) {
    kv_register_type(&zset_type_ops);
}
