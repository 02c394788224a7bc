/* set.c - the set type's encoding layer (intset, listpack, PackSet hash
 * table) and its TypeOps: create, add, remove, membership, iteration,
 * random picks and the conversions, each exactly when Valkey 8 makes it.
 *
 * Conversion rules (Valkey's setTypeAddAux and friends):
 *  - intset + integer: stays an intset until it holds more than
 *    set-max-intset-entries (capped at 2^30), then hash table;
 *  - intset + non-integer: listpack if the intset holds fewer than
 *    set-max-listpack-entries, the new member and the intset's widest
 *    integer text fit set-max-listpack-value, and the listpack stays
 *    under 1 GB; otherwise hash table;
 *  - listpack + new member: appended while the listpack holds fewer than
 *    set-max-listpack-entries and the member fits set-max-listpack-value;
 *    otherwise hash table.
 * Nothing ever converts back, except set_maybe_to_intset (SINTERSTORE). */
#include <string.h>

#include "../server/rdb_io.h"
#include "../server/server.h"
#include "../server/reply.h"
#include "../ds/intset.h"
#include "../ds/listpack.h"
#include "../ds/packset.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/sha1/sha1.h"
#include "../../deps/siphash/siphash.h"
#include "set.h"
#include "types.h"

uint64_t set_member_hash(const char *p, size_t len) {
    return siphash13(p, len, server.hash_seed);
}

const char *set_member_bytes(const SetMember *m, char buf[SET_INTBUF], size_t *len) {
    if (m->p) {
        *len = m->len;
        return m->p;
    }
    *len = ll_to_str(buf, m->v);
    return buf;
}

void set_reply_member(Client *c, const SetMember *m) {
    if (m->p) reply_bulk(c, m->p, m->len);
    else reply_bulk_ll(c, m->v);
}

void set_store_back(Kv *kv, const SetVal *s) {
    if (kv_get_ptr(kv) != s->ptr || kv_encoding(kv) != s->enc) kv_set_value(kv, s->enc, s->ptr);
}

Kv *set_lookup(Client *c, const Arg *key, int flags, int *err) {
    Kv *kv = db_lookup(c, c->db, key, flags);
    *err = 0;
    if (kv && kv_type(kv) != OBJ_SET) {
        reply_wrong_type(c);
        *err = 1;
        return NULL;
    }
    return kv;
}

static size_t intset_max_entries(void) {
    size_t max = server.cfg.set_max_intset_entries;
    return max >= ((size_t)1 << 30) ? (size_t)1 << 30 : max;
}

/* ------------------------------------------------------------ creation */

SetVal set_new_enc(int enc, uint64_t size_hint) {
    SetVal s = {enc, NULL};
    if (enc == ENC_INTSET) s.ptr = intset_new();
    else if (enc == ENC_LISTPACK) s.ptr = lp_new(0);
    else s.ptr = packset_new(set_member_hash, size_hint);
    return s;
}

SetVal set_new_for(const char *first, size_t len, uint64_t size_hint) {
    int64_t v;
    if (lp_string_to_int64(first, len, &v) && size_hint <= server.cfg.set_max_intset_entries)
        return set_new_enc(ENC_INTSET, 0);
    if (size_hint <= server.cfg.set_max_listpack_entries) return set_new_enc(ENC_LISTPACK, 0);
    return set_new_enc(ENC_HASHTABLE, size_hint);
}

void set_free_val(SetVal *s) {
    if (!s->ptr) return;
    if (s->enc == ENC_INTSET) intset_free(s->ptr);
    else if (s->enc == ENC_LISTPACK) lp_free(s->ptr);
    else packset_free(s->ptr);
    s->ptr = NULL;
}

uint64_t set_size(const SetVal *s) {
    if (s->enc == ENC_INTSET) return intset_len(s->ptr);
    if (s->enc == ENC_LISTPACK) return lp_length(s->ptr);
    return packset_count(s->ptr);
}

/* ----------------------------------------------------------- iteration */

void set_iter_init(SetIter *it, const SetVal *s) {
    it->enc = s->enc;
    it->ptr = s->ptr;
    it->ii = 0;
    it->lpp = NULL;
    it->started = 0;
    if (s->enc == ENC_HASHTABLE) packset_iter_init(&it->pi, s->ptr);
}

static inline void member_from_lp(const unsigned char *p, SetMember *m) {
    uint32_t slen;
    int64_t iv;
    const char *str = lp_get(p, &iv, &slen);
    m->p = str;
    m->len = str ? slen : 0;
    m->v = str ? 0 : iv;
}

int set_iter_next(SetIter *it, SetMember *m) {
    if (it->enc == ENC_INTSET) {
        int64_t v;
        if (!intset_get(it->ptr, it->ii, &v)) return 0;
        it->ii++;
        *m = set_member_int(v);
        return 1;
    }
    if (it->enc == ENC_LISTPACK) {
        it->lpp = it->started ? lp_next(it->ptr, it->lpp) : lp_first(it->ptr);
        it->started = 1;
        if (!it->lpp) return 0;
        member_from_lp(it->lpp, m);
        return 1;
    }
    const char *p;
    size_t len;
    if (!packset_iter_next(&it->pi, &p, &len)) return 0;
    *m = set_member_str(p, len);
    return 1;
}

/* --------------------------------------------------------- conversions */

void set_convert(SetVal *s, int enc, uint64_t cap) {
    if (s->enc == enc) return;
    SetVal d;
    if (enc == ENC_LISTPACK) {
        /* Only intsets become listpacks: size it for the widest integer. */
        size_t est = LP_HDR_SIZE + 1;
        if (s->enc == ENC_INTSET && intset_len(s->ptr)) {
            size_t a = lp_entry_size_int(intset_min(s->ptr)), b = lp_entry_size_int(intset_max(s->ptr));
            est += (a > b ? a : b) * cap;
        } else {
            est += 2 * cap;
        }
        d.enc = ENC_LISTPACK;
        d.ptr = lp_new(est);
    } else {
        d = set_new_enc(enc, cap);
    }
    SetIter it;
    SetMember m;
    set_iter_init(&it, s);
    while (set_iter_next(&it, &m)) {
        if (enc == ENC_LISTPACK) {
            d.ptr = m.p ? lp_append(d.ptr, m.p, m.len) : lp_append_int(d.ptr, m.v);
        } else if (enc == ENC_HASHTABLE) {
            char buf[SET_INTBUF];
            size_t len;
            const char *p = set_member_bytes(&m, buf, &len);
            packset_add_new(d.ptr, p, len);
        } else {
            int64_t v = m.v;
            if (m.p) lp_string_to_int64(m.p, m.len, &v);
            d.ptr = intset_add(d.ptr, v, NULL);
        }
    }
    set_free_val(s);
    *s = d;
}

void set_maybe_convert(SetVal *s, uint64_t size_hint) {
    if ((s->enc == ENC_LISTPACK && size_hint > server.cfg.set_max_listpack_entries) ||
        (s->enc == ENC_INTSET && size_hint > server.cfg.set_max_intset_entries))
        set_convert(s, ENC_HASHTABLE, size_hint);
}

void set_maybe_to_intset(SetVal *s) {
    if (s->enc == ENC_INTSET || set_size(s) > intset_max_entries()) return;
    set_convert(s, ENC_INTSET, 0);
}

void set_shrink(SetVal *s) {
    if (s->enc == ENC_LISTPACK) s->ptr = lp_shrink_to_fit(s->ptr);
}

/* Digits (and sign) of v's decimal text. */
static size_t int_text_len(int64_t v) {
    char buf[SET_INTBUF];
    return ll_to_str(buf, v);
}

/* A non-integer member joins an intset: listpack when it fits, else the
 * hash table. */
static void intset_take_string(SetVal *s, const char *p, size_t len) {
    size_t n = intset_len(s->ptr);
    size_t maxlen = 0, total = 0;
    if (n) {
        int64_t lo = intset_min(s->ptr), hi = intset_max(s->ptr);
        size_t a = int_text_len(lo), b = int_text_len(hi);
        maxlen = a > b ? a : b;
        size_t ea = lp_entry_size_int(lo), eb = lp_entry_size_int(hi);
        total = (ea > eb ? ea : eb) * n;
    }
    if (n < server.cfg.set_max_listpack_entries && len <= server.cfg.set_max_listpack_value &&
        maxlen <= server.cfg.set_max_listpack_value && lp_safe_to_add(NULL, total + len)) {
        set_convert(s, ENC_LISTPACK, n + 1);
        s->ptr = lp_shrink_to_fit(lp_append(s->ptr, p, len));
    } else {
        set_convert(s, ENC_HASHTABLE, n + 1);
        packset_add_new(s->ptr, p, len);
    }
}

/* ---------------------------------------------------------- membership */

int set_add(SetVal *s, const SetMember *m) {
    char buf[SET_INTBUF];
    if (!m->p && s->enc == ENC_INTSET) {
        int added = 0;
        s->ptr = intset_add(s->ptr, m->v, &added);
        if (added && intset_len(s->ptr) > intset_max_entries()) set_convert(s, ENC_HASHTABLE, intset_len(s->ptr));
        return added;
    }
    size_t len;
    const char *p = set_member_bytes(m, buf, &len);
    if (s->enc == ENC_HASHTABLE) return packset_add(s->ptr, p, len);
    if (s->enc == ENC_LISTPACK) {
        unsigned char *lp = s->ptr;
        if (lp_find(lp, lp_first(lp), p, len, 0)) return 0;
        if (lp_length(lp) < server.cfg.set_max_listpack_entries && len <= server.cfg.set_max_listpack_value &&
            lp_safe_to_add(lp, len)) {
            s->ptr = m->p ? lp_append(lp, p, len) : lp_append_int(lp, m->v);
        } else {
            set_convert(s, ENC_HASHTABLE, (uint64_t)lp_length(lp) + 1);
            packset_add_new(s->ptr, p, len);
        }
        return 1;
    }
    int64_t v;
    if (lp_string_to_int64(p, len, &v)) {
        SetMember im = set_member_int(v);
        return set_add(s, &im);
    }
    intset_take_string(s, p, len);
    return 1;
}

int set_remove(SetVal *s, const SetMember *m) {
    char buf[SET_INTBUF];
    if (s->enc == ENC_INTSET) {
        int64_t v = m->v;
        if (m->p && !lp_string_to_int64(m->p, m->len, &v)) return 0;
        int removed = 0;
        s->ptr = intset_remove(s->ptr, v, &removed);
        return removed;
    }
    size_t len;
    const char *p = set_member_bytes(m, buf, &len);
    if (s->enc == ENC_HASHTABLE) return packset_remove(s->ptr, p, len);
    unsigned char *lp = s->ptr;
    unsigned char *e = lp_find(lp, lp_first(lp), p, len, 0);
    if (!e) return 0;
    s->ptr = lp_delete(lp, e, NULL);
    return 1;
}

int set_contains(const SetVal *s, const SetMember *m) {
    char buf[SET_INTBUF];
    if (s->enc == ENC_INTSET) {
        int64_t v = m->v;
        if (m->p && !lp_string_to_int64(m->p, m->len, &v)) return 0;
        return intset_find(s->ptr, v);
    }
    size_t len;
    const char *p = set_member_bytes(m, buf, &len);
    if (s->enc == ENC_HASHTABLE) return packset_contains(s->ptr, p, len);
    unsigned char *lp = s->ptr;
    return lp_find(lp, lp_first(lp), p, len, 0) != NULL;
}

/* -------------------------------------------------------------- random */

void set_random(const SetVal *s, SetMember *m) {
    if (s->enc == ENC_INTSET) {
        *m = set_member_int(intset_random(s->ptr, server_rand64));
    } else if (s->enc == ENC_LISTPACK) {
        member_from_lp(lp_random_entry(s->ptr, server_rand64), m);
    } else {
        PackSetPos pos;
        packset_random(s->ptr, server_rand64, &pos);
        const char *p;
        size_t len;
        packset_member_at(s->ptr, &pos, &p, &len);
        *m = set_member_str(p, len);
    }
}

size_t set_pop_random(SetVal *s, Str **acc) {
    char buf[SET_INTBUF];
    size_t len;
    if (s->enc == ENC_INTSET) {
        int64_t v = intset_random(s->ptr, server_rand64);
        len = ll_to_str(buf, v);
        *acc = str_cat(*acc, buf, len);
        s->ptr = intset_remove(s->ptr, v, NULL);
    } else if (s->enc == ENC_LISTPACK) {
        unsigned char *e = lp_random_entry(s->ptr, server_rand64);
        SetMember m;
        member_from_lp(e, &m);
        const char *p = set_member_bytes(&m, buf, &len);
        *acc = str_cat(*acc, p, len);
        s->ptr = lp_delete(s->ptr, e, NULL);
    } else {
        PackSetPos pos;
        packset_random(s->ptr, server_rand64, &pos);
        const char *p;
        packset_member_at(s->ptr, &pos, &p, &len);
        *acc = str_cat(*acc, p, len);
        packset_delete_at(s->ptr, &pos);
    }
    return len;
}

/* ---------------------------------------------------------------- RDB */

/* Intsets and listpacks are written as the blobs they are; the hash
 * table member by member (RDB_TYPE_SET). */
static int set_type_rdb_save(RdbWriter *w, const void *ptr, int encoding) {
    if (encoding == ENC_INTSET) {
        if (w->type(w, RDB_TYPE_SET_INTSET)) return -1;
        return w->string(w, ptr, intset_bytes(ptr));
    }
    if (encoding == ENC_LISTPACK) {
        if (w->type(w, RDB_TYPE_SET_LISTPACK)) return -1;
        return w->string(w, ptr, lp_bytes(ptr));
    }
    const PackSet *ps = ptr;
    if (w->type(w, RDB_TYPE_SET) || w->len(w, packset_count(ps))) return -1;
    PackSetIter it;
    packset_iter_init(&it, ps);
    const char *p;
    size_t len;
    while (packset_iter_next(&it, &p, &len))
        if (w->string(w, p, len)) return -1;
    return 0;
}

/* RDB_TYPE_SET: an intset while the count allows one, a hash table at
 * once past it; members then convert the set exactly as SADD would
 * (Valkey's loading rules), and a repeated member refuses the value. */
static void *set_type_rdb_load_members(RdbReader *r, int *enc) {
    uint64_t n;
    if (!r->count(r, &n)) return NULL;
    if (n == 0) {
        r->empty = 1;
        return NULL;
    }
    SetVal s = n > intset_max_entries() ? set_new_enc(ENC_HASHTABLE, n) : set_new_enc(ENC_INTSET, 0);
    if (s.enc == ENC_HASHTABLE) {
        /* Big sets: members copied out of the reader in batches and
         * added with packset_add_many, whose prefetches overlap the
         * cache misses of the random buckets. */
        enum { BATCH = 32 };
        const char *ps[BATCH];
        size_t offs[BATCH], lens[BATCH], used = 0, cap = 1024;
        char *buf = mem_alloc(cap);
        uint64_t i = 0;
        while (i < n) {
            size_t k = 0;
            used = 0;
            for (; k < BATCH && i < n; k++, i++) {
                const char *p;
                size_t len;
                if (!r->string(r, &p, &len)) {
                    mem_free(buf);
                    goto fail;
                }
                if (used + len > cap) {
                    /* The batch's members are kept as offsets until it is
                     * complete, so growing may move the buffer. */
                    cap = (used + len) * 2;
                    buf = mem_realloc(buf, cap);
                }
                if (len) memcpy(buf + used, p, len);
                offs[k] = used;
                lens[k] = len;
                used += len;
            }
            for (size_t j = 0; j < k; j++) ps[j] = buf + offs[j];
            if (packset_add_many(s.ptr, ps, lens, k, NULL) != k) {
                mem_free(buf);
                r->fail(r, "Duplicate set members detected");
                goto fail;
            }
        }
        mem_free(buf);
        *enc = s.enc;
        return s.ptr;
    }
    for (uint64_t i = 0; i < n; i++) {
        const char *p;
        size_t len;
        if (!r->string(r, &p, &len)) goto fail;
        SetMember m = set_member_str(p, len);
        if (!set_add(&s, &m)) {
            r->fail(r, "Duplicate set members detected");
            goto fail;
        }
    }
    *enc = s.enc;
    return s.ptr;
fail:
    set_free_val(&s);
    return NULL;
}

static void *set_type_rdb_load(RdbReader *r, int rdb_type, int *enc) {
    SetVal s;
    if (rdb_type == RDB_TYPE_SET) return set_type_rdb_load_members(r, enc);
    if (rdb_type == RDB_TYPE_SET_INTSET) {
        if (!(s.ptr = r->intset(r))) return NULL;
        s.enc = ENC_INTSET;
        if (intset_len(s.ptr) > server.cfg.set_max_intset_entries) set_convert(&s, ENC_HASHTABLE, intset_len(s.ptr));
    } else if (rdb_type == RDB_TYPE_SET_LISTPACK) {
        if (!(s.ptr = r->listpack(r, RDB_BLOB_UNIQUE, NULL))) return NULL;
        s.enc = ENC_LISTPACK;
        uint32_t n = lp_length(s.ptr);
        if (n == 0) {
            r->empty = 1;
            set_free_val(&s);
            return NULL;
        }
        if (n > server.cfg.set_max_listpack_entries) set_convert(&s, ENC_HASHTABLE, n);
    } else {
        r->fail(r, "Unknown RDB encoding type for a set");
        return NULL;
    }
    *enc = s.enc;
    return s.ptr;
}

/* ------------------------------------------------------------- TypeOps */

static void set_type_free(void *ptr, int encoding) {
    SetVal s = {encoding, ptr};
    set_free_val(&s);
}

static void *set_type_dup(const void *ptr, int encoding) {
    if (encoding == ENC_INTSET) return intset_dup(ptr);
    if (encoding == ENC_LISTPACK) return lp_dup(ptr);
    return packset_dup(ptr);
}

static size_t set_type_mem_usage(const void *ptr, int encoding, long long samples) {
    if (encoding == ENC_HASHTABLE) return packset_mem_usage(ptr, samples > 0 ? (uint64_t)samples : 0);
    return mem_usable(ptr);
}

static size_t set_type_free_effort(const void *ptr, int encoding) {
    if (encoding == ENC_HASHTABLE) return packset_allocations(ptr);
    return 1;
}

/* XOR of each member's SHA1: the same for any order and encoding. */
static void set_type_digest(const void *ptr, int encoding, uint8_t out[20]) {
    memset(out, 0, 20);
    SetVal s = {encoding, (void *)ptr};
    SetIter it;
    SetMember m;
    set_iter_init(&it, &s);
    while (set_iter_next(&it, &m)) {
        char buf[SET_INTBUF];
        size_t len;
        const char *p = set_member_bytes(&m, buf, &len);
        Sha1 h;
        uint8_t d[20];
        sha1_init(&h);
        sha1_update(&h, p, len);
        sha1_final(&h, d);
        for (int i = 0; i < 20; i++) out[i] ^= d[i];
    }
}

/* The encoding's own invariants (DEBUG KEYSPACE-CHECK, sanitizer cron). */
static const char *set_type_check(const void *ptr, int encoding) {
    switch (encoding) {
    case ENC_INTSET:
        return intset_validate(ptr, intset_bytes(ptr), 1) ? NULL : "intset fails validation";
    case ENC_LISTPACK: {
        unsigned char *lp = (unsigned char *)ptr;
        return lp_validate_integrity(lp, lp_bytes(lp), 1, NULL, NULL) ? NULL : "listpack fails validation";
    }
    case ENC_HASHTABLE: return packset_check(ptr);
    default: return "unknown set encoding";
    }
}

static const TypeOps set_type_ops = {
    .type = OBJ_SET,
    .name = "set",
    .free = set_type_free,
    .dup = set_type_dup,
    .mem_usage = set_type_mem_usage,
    .free_effort = set_type_free_effort,
    .digest = set_type_digest,
    .check = set_type_check,
    .rdb_save = set_type_rdb_save,
    .rdb_load = set_type_rdb_load,
};

void set_type_init(void) {
    kv_register_type(&set_type_ops);
}
