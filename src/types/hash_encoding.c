/* hash_encoding.c - the hash type's two encodings behind one interface
 * (see hash.h), the conversion between them at Valkey's thresholds, the
 * conversion to and from Valkey's listpack bytes, and the TypeOps.
 *
 * Invariants: a hash in the database is never empty; ENC_LISTPACK holds a
 * pairpack with at most hash-max-listpack-entries pairs, none longer than
 * hash-max-listpack-value (as of when each pair was written: like Valkey,
 * lowering the limits later converts nothing); once ENC_HASHTABLE, a hash
 * stays a table. */
#include <stdlib.h>
#include <string.h>

#include "../ds/distinct.h"
#include "../ds/listpack.h"
#include "../server/rdb_io.h"
#include "../server/server.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/sha1/sha1.h"
#include "../../deps/siphash/siphash.h"
#include "hash.h"
#include "listpack_view.h"
#include "types.h"

/* Valkey converts a listpack that would pass 1 GB (lpSafeToAdd). */
#define PACK_SAFETY_LIMIT (1u << 30)

uint64_t hash_field_hash(const char *f, size_t len) {
    return siphash13(f, len, server.hash_seed);
}

void hash_val_init(HashVal *v) {
    v->p = NULL;
    v->len = 0;
    pp_str_init(&v->buf);
}

void hash_val_free(HashVal *v) {
    pp_str_free(&v->buf);
}

Kv *hash_new_kv(const char *key, size_t klen) {
    return kv_new_ptr(key, klen, OBJ_HASH, ENC_LISTPACK, pp_new());
}

uint64_t hash_len(const Kv *kv) {
    void *p = kv_get_ptr(kv);
    return kv_encoding(kv) == ENC_LISTPACK ? pp_count(p) : fvt_count(p);
}

int hash_get(const Kv *kv, const char *f, size_t flen, HashVal *out) {
    void *p = kv_get_ptr(kv);
    if (kv_encoding(kv) == ENC_LISTPACK) {
        if (pp_find(p, f, flen, &out->buf, NULL) < 0) return 0;
        out->p = out->buf.p;
        out->len = out->buf.len;
        return 1;
    }
    const void *e = fvt_find(p, f, flen);
    if (!e) return 0;
    fvt_entry_value(e, &out->p, &out->len);
    return 1;
}

long long hash_value_len(const Kv *kv, const char *f, size_t flen) {
    void *p = kv_get_ptr(kv);
    if (kv_encoding(kv) == ENC_LISTPACK) {
        size_t vlen;
        return pp_find(p, f, flen, NULL, &vlen) < 0 ? -1 : (long long)vlen;
    }
    const void *e = fvt_find(p, f, flen);
    if (!e) return -1;
    const char *v;
    size_t vlen;
    fvt_entry_value(e, &v, &vlen);
    return (long long)vlen;
}

int hash_exists(const Kv *kv, const char *f, size_t flen) {
    return hash_value_len(kv, f, flen) >= 0;
}

void hash_convert_to_table(Kv *kv) {
    if (kv_encoding(kv) != ENC_LISTPACK) return;
    unsigned char *pp = kv_get_ptr(kv);
    FvTable *t = fvt_create(hash_field_hash);
    fvt_expand(t, pp_count(pp));
    PpIter it;
    pp_iter_init(&it, pp);
    while (pp_iter_next(&it)) fvt_add_new(t, it.f.p, it.f.len, it.v.p, it.v.len);
    pp_iter_done(&it);
    kv_set_value(kv, ENC_HASHTABLE, t);
    pp_free(pp);
}

void hash_try_conversion(Kv *kv, const Arg *argv, int start, int end) {
    if (kv_encoding(kv) != ENC_LISTPACK) return;
    /* Most of the pairs are probably new: more than the small encoding
     * holds means a table at once, sized for them. */
    size_t pairs = (size_t)(end - start + 1) / 2;
    if (pairs > server.cfg.hash_max_listpack_entries) {
        hash_convert_to_table(kv);
        fvt_expand(kv_get_ptr(kv), pairs);
        return;
    }
    size_t sum = 0;
    for (int i = start; i <= end; i++) {
        if (argv[i].len > server.cfg.hash_max_listpack_value) {
            hash_convert_to_table(kv);
            return;
        }
        sum += argv[i].len;
    }
    if (pp_bytes(kv_get_ptr(kv)) + sum > PACK_SAFETY_LIMIT) hash_convert_to_table(kv);
}

int hash_set(Kv *kv, const char *f, size_t flen, const char *v, size_t vlen) {
    /* HINCRBY* results are not seen by hash_try_conversion. */
    if (kv_encoding(kv) == ENC_LISTPACK &&
        (flen > server.cfg.hash_max_listpack_value || vlen > server.cfg.hash_max_listpack_value))
        hash_convert_to_table(kv);
    if (kv_encoding(kv) == ENC_LISTPACK) {
        int added;
        unsigned char *pp = pp_set(kv_get_ptr(kv), f, flen, v, vlen, &added);
        kv_set_value(kv, ENC_LISTPACK, pp);
        /* Checked after updates too: a limit lowered by CONFIG SET takes
         * effect at the next write, as in Valkey. */
        if (pp_count(pp) > server.cfg.hash_max_listpack_entries) hash_convert_to_table(kv);
        return added;
    }
    return fvt_set(kv_get_ptr(kv), f, flen, v, vlen);
}

int hash_delete(Kv *kv, const char *f, size_t flen) {
    if (kv_encoding(kv) == ENC_LISTPACK) {
        int deleted;
        unsigned char *pp = pp_delete(kv_get_ptr(kv), f, flen, &deleted);
        kv_set_value(kv, ENC_LISTPACK, pp);
        return deleted;
    }
    return fvt_delete(kv_get_ptr(kv), f, flen);
}

/* ----------------------------------------------------------- iteration */

void hash_iter_init(HashIter *it, const Kv *kv) {
    it->enc = kv_encoding(kv);
    if (it->enc == ENC_LISTPACK) pp_iter_init(&it->pi, kv_get_ptr(kv));
    else fvt_iter_init(&it->ti, kv_get_ptr(kv));
}

int hash_iter_next(HashIter *it) {
    if (it->enc == ENC_LISTPACK) {
        if (!pp_iter_next(&it->pi)) return 0;
        it->f = it->pi.f.p;
        it->flen = it->pi.f.len;
        it->v = it->pi.v.p;
        it->vlen = it->pi.v.len;
        return 1;
    }
    const void *e = fvt_iter_next(&it->ti);
    if (!e) return 0;
    fvt_entry_pair(e, &it->f, &it->flen, &it->v, &it->vlen);
    return 1;
}

void hash_iter_done(HashIter *it) {
    if (it->enc == ENC_LISTPACK) pp_iter_done(&it->pi);
    else fvt_iter_done(&it->ti);
}

/* ------------------------------------------------- Valkey's listpack form */

unsigned char *hash_to_listpack(const void *ptr, int enc) {
    unsigned char *lp = lp_new(0);
    if (enc == ENC_LISTPACK) {
        PpIter it;
        pp_iter_init(&it, ptr);
        while (pp_iter_next(&it)) {
            lp = lp_append(lp, it.f.p, it.f.len);
            lp = lp_append(lp, it.v.p, it.v.len);
        }
        pp_iter_done(&it);
    } else {
        FvtIter it;
        fvt_iter_init(&it, (FvTable *)ptr);
        const void *e;
        while ((e = fvt_iter_next(&it))) {
            const char *f, *v;
            size_t flen, vlen;
            fvt_entry_pair(e, &f, &flen, &v, &vlen);
            lp = lp_append(lp, f, flen);
            lp = lp_append(lp, v, vlen);
        }
        fvt_iter_done(&it);
    }
    return lp;
}

/* The hash of the n texts t (field, value, ...; n even), choosing the
 * encoding by the limits; NULL when a field repeats. */
static void *hash_from_texts(const ByteView *t, size_t n, int *enc) {
    size_t pairs = n / 2;
    int small = pairs <= server.cfg.hash_max_listpack_entries;
    for (size_t i = 0; small && i < n; i++)
        if (t[i].len > server.cfg.hash_max_listpack_value) small = 0;
    if (small) {
        if (!bytes_distinct(t, pairs, 2 * sizeof(ByteView))) return NULL;
        *enc = ENC_LISTPACK;
        return pp_from_views(t, pairs);
    }
    FvTable *ft = fvt_create(hash_field_hash);
    fvt_expand(ft, pairs);
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (!fvt_set(ft, t[i].p, t[i].len, t[i + 1].p, t[i + 1].len)) {
            fvt_release(ft);
            return NULL;
        }
    }
    *enc = ENC_HASHTABLE;
    return ft;
}

void *hash_from_listpack(unsigned char *lp, int *enc) {
    LpView lv;
    lpv_from_listpack(&lv, lp);
    size_t n;
    const ByteView *t = lpv_texts(&lv, 0, 1, &n);
    void *v = hash_from_texts(t, n & ~(size_t)1, enc);
    lpv_release(&lv);
    return v;
}

/* RDB_TYPE_HASH_LISTPACK without sanitize-dump-payload's deep mode: the
 * blob read in place and walked once (every check of deep validation),
 * the hash built from its texts; the same refusals, with the same
 * reasons, as the listpack reader's checks give. */
static void *hash_rdb_load_listpack_view(RdbReader *r, int *enc) {
    LpView lv;
    void *v = NULL;
    if (lpv_read_pairs(&lv, r)) {
        size_t n;
        const ByteView *t = lpv_texts(&lv, 0, 1, &n);
        if (!(v = hash_from_texts(t, n, enc))) r->fail(r, "Listpack with duplicate elements");
    }
    lpv_release(&lv);
    return v;
}

/* ---------------------------------------------------------------- RDB */

/* A pack becomes Valkey's listpack (RDB_TYPE_HASH_LISTPACK); a table is
 * written pair by pair (RDB_TYPE_HASH). */
static int hash_rdb_save(RdbWriter *w, const void *ptr, int enc) {
    if (enc == ENC_LISTPACK) {
        /* Pairs rebuilt one at a time by the pack's iterator and written
         * front to back into one buffer (a stack one for small hashes),
         * grown only when a string needs more room than is left. */
        unsigned char stack[4096], *lp = stack;
        size_t cap = sizeof(stack), len = LP_HDR_SIZE;
        uint64_t count = 0;
        PpIter it;
        pp_iter_init(&it, ptr);
        while (pp_iter_next(&it)) {
            size_t want = len + lp_put_str_max(it.f.len) + lp_put_str_max(it.v.len) + 1;
            if (want > cap) {
                size_t ncap = want * 2;
                unsigned char *nb = mem_alloc(ncap);
                memcpy(nb, lp, len);
                if (lp != stack) mem_free(lp);
                lp = nb;
                cap = ncap;
            }
            len += lp_put_str(lp + len, it.f.p, it.f.len);
            len += lp_put_str(lp + len, it.v.p, it.v.len);
            count += 2;
        }
        pp_iter_done(&it);
        size_t size = lp_put_finish(lp, lp + len, count);
        int rc = w->type(w, RDB_TYPE_HASH_LISTPACK);
        if (rc == 0) rc = w->string(w, lp, size);
        if (lp != stack) mem_free(lp);
        return rc;
    }
    FvTable *t = (FvTable *)ptr;
    if (w->type(w, RDB_TYPE_HASH) || w->len(w, fvt_count(t))) return -1;
    FvtIter it;
    fvt_iter_init(&it, t);
    const void *e;
    int rc = 0;
    while (rc == 0 && (e = fvt_iter_next(&it))) {
        const char *f, *v;
        size_t flen, vlen;
        fvt_entry_pair(e, &f, &flen, &v, &vlen);
        rc = w->string(w, f, flen);
        if (rc == 0) rc = w->string(w, v, vlen);
    }
    fvt_iter_done(&it);
    return rc;
}

/* RDB_TYPE_HASH: pairs one by one.  Within the small encoding's entry
 * limit they are gathered into a listpack first (checked for repeated
 * fields, then converted as a listpack value is); past it they go
 * straight into a table, whose insert finds repeats. */
static void *hash_rdb_load_pairs(RdbReader *r, int *enc) {
    uint64_t n;
    if (!r->count(r, &n)) return NULL;
    if (n == 0) {
        r->empty = 1;
        return NULL;
    }
    const char *p;
    size_t len;
    if (n <= server.cfg.hash_max_listpack_entries) {
        unsigned char *lp = lp_new(0);
        for (uint64_t i = 0; i < 2 * n; i++) {
            if (!r->string(r, &p, &len)) {
                lp_free(lp);
                return NULL;
            }
            lp = lp_append(lp, p, len);
        }
        void *v = NULL;
        if (!r->unique(r, lp, 1)) r->fail(r, "Duplicate hash fields detected");
        else v = hash_from_listpack(lp, enc);
        lp_free(lp);
        return v;
    }
    FvTable *t = fvt_create(hash_field_hash);
    fvt_expand(t, n);
    PpStr f;
    pp_str_init(&f);
    for (uint64_t i = 0; i < n; i++) {
        if (!r->string(r, &p, &len)) goto fail;
        if (f.cap < len) {
            pp_str_free(&f);
            f.p = mem_alloc(len);
            f.cap = len;
        }
        memcpy(f.p, p, len);
        f.len = len;
        if (!r->string(r, &p, &len)) goto fail;
        if (!fvt_set(t, f.p, f.len, p, len)) {
            r->fail(r, "Duplicate hash fields detected");
            goto fail;
        }
    }
    pp_str_free(&f);
    *enc = ENC_HASHTABLE;
    return t;
fail:
    pp_str_free(&f);
    fvt_release(t);
    return NULL;
}

static void *hash_rdb_load(RdbReader *r, int rdb_type, int *enc) {
    unsigned char *lp;
    if (rdb_type == RDB_TYPE_HASH) return hash_rdb_load_pairs(r, enc);
    if (rdb_type == RDB_TYPE_HASH_LISTPACK && !r->deep) return hash_rdb_load_listpack_view(r, enc);
    if (rdb_type == RDB_TYPE_HASH_LISTPACK) lp = r->listpack(r, RDB_BLOB_PAIRS | RDB_BLOB_UNIQUE, NULL);
    else if (rdb_type == RDB_TYPE_HASH_ZIPLIST) lp = r->ziplist(r, RDB_BLOB_PAIRS | RDB_BLOB_UNIQUE);
    else if (rdb_type == RDB_TYPE_HASH_ZIPMAP) lp = r->zipmap(r);
    else {
        r->fail(r, "Unknown RDB encoding type for a hash");
        return NULL;
    }
    if (!lp) return NULL;
    void *v = NULL;
    if (lp_length(lp) == 0) r->empty = 1;
    else v = hash_from_listpack(lp, enc);
    lp_free(lp);
    return v;
}

/* ------------------------------------------------------------ TypeOps */

static void hash_free(void *ptr, int enc) {
    if (enc == ENC_LISTPACK) pp_free(ptr);
    else fvt_release(ptr);
}

static void *hash_dup(const void *ptr, int enc) {
    if (enc == ENC_LISTPACK) return pp_dup(ptr);
    return fvt_dup((FvTable *)ptr);
}

static size_t hash_mem_usage(const void *ptr, int enc, long long samples) {
    if (enc == ENC_LISTPACK) return mem_usable(ptr);
    return fvt_mem_usage((FvTable *)ptr, samples > 0 ? (uint64_t)samples : 0);
}

static size_t hash_free_effort(const void *ptr, int enc) {
    return enc == ENC_LISTPACK ? 1 : (size_t)fvt_count(ptr);
}

/* XOR of one SHA1 per pair (field length, field, value): the same for
 * the same pairs in any order and either encoding. */
static void pair_digest(uint8_t acc[20], const char *f, size_t flen, const char *v, size_t vlen) {
    Sha1 s;
    uint8_t d[20], lenbuf[8];
    uint64_t l = flen;
    for (int i = 0; i < 8; i++) lenbuf[i] = (uint8_t)(l >> (8 * i));
    sha1_init(&s);
    sha1_update(&s, lenbuf, 8);
    sha1_update(&s, f, flen);
    sha1_update(&s, v, vlen);
    sha1_final(&s, d);
    for (int i = 0; i < 20; i++) acc[i] ^= d[i];
}

static void hash_digest(const void *ptr, int enc, uint8_t out[20]) {
    memset(out, 0, 20);
    if (enc == ENC_LISTPACK) {
        PpIter it;
        pp_iter_init(&it, ptr);
        while (pp_iter_next(&it)) pair_digest(out, it.f.p, it.f.len, it.v.p, it.v.len);
        pp_iter_done(&it);
        return;
    }
    FvtIter it;
    fvt_iter_init(&it, (FvTable *)ptr);
    const void *e;
    while ((e = fvt_iter_next(&it))) {
        const char *f, *v;
        size_t flen, vlen;
        fvt_entry_pair(e, &f, &flen, &v, &vlen);
        pair_digest(out, f, flen, v, vlen);
    }
    fvt_iter_done(&it);
}

/* The encoding's own invariants (DEBUG KEYSPACE-CHECK, sanitizer cron). */
static const char *hash_check(const void *ptr, int encoding) {
    if (encoding == ENC_LISTPACK) return pp_validate(ptr, pp_bytes(ptr));
    if (encoding == ENC_HASHTABLE) return fvt_check((FvTable *)ptr);
    return "unknown hash encoding";
}

static const TypeOps hash_type_ops = {
    .type = OBJ_HASH,
    .name = "hash",
    .free = hash_free,
    .dup = hash_dup,
    .mem_usage = hash_mem_usage,
    .free_effort = hash_free_effort,
    .digest = hash_digest,
    .check = hash_check,
    .rdb_save = hash_rdb_save,
    .rdb_load = hash_rdb_load,
};

void hash_type_init(void) {
    kv_register_type(&hash_type_ops);
}
