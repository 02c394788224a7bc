/* hash.c - the hash commands: HSET/HMSET/HSETNX, the reads, HDEL, the
 * counters HINCRBY/HINCRBYFLOAT, HRANDFIELD and HSCAN, with Valkey 8's
 * replies (RESP2 and RESP3), errors, key events, dirty counts and
 * propagation.  The encodings are behind hash_encoding.c.
 *
 * Order of checks follows Valkey: numeric arguments are parsed before the
 * key is looked up (HINCRBY*, HRANDFIELD), a missing key reads as an empty
 * hash, and a hash whose last field goes is deleted ("hdel" then "del"). */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "../server/reply.h"
#include "../server/server.h"
#include "../../deps/glob/glob.h"
#include "../../deps/numconv/numconv.h"
#include "hash.h"
#include "type_args.h"

/* ------------------------------------------------------------ lookups */

/* The key for reading: NULL when missing (nothing replied) or after a
 * WRONGTYPE reply (*err set). */
static Kv *lookup_read(Client *c, int *err) {
    Kv *kv = db_lookup_read(c, c->db, &c->argv[1]);
    *err = 0;
    if (kv && kv_type(kv) != OBJ_HASH) {
        reply_wrong_type(c);
        *err = 1;
        return NULL;
    }
    return kv;
}

/* The key for writing, created empty when missing; NULL after WRONGTYPE. */
static Kv *lookup_write_or_create(Client *c) {
    const Arg *key = &c->argv[1];
    Kv *kv = db_lookup_write(c, c->db, key);
    if (kv) {
        if (kv_type(kv) == OBJ_HASH) return kv;
        reply_wrong_type(c);
        return NULL;
    }
    return db_store(c->db, key, NULL, hash_new_kv(key->p, key->len), 0);
}

/* ---------------------------------------------------------------- sets */

static void hset_generic(Client *c, int is_hmset) {
    if (c->argc % 2 == 1) {
        reply_wrong_arity(c, is_hmset ? "hmset" : "hset");
        return;
    }
    Kv *kv = lookup_write_or_create(c);
    if (!kv) return;
    hash_try_conversion(kv, c->argv, 2, c->argc - 1);
    long long created = 0;
    for (int i = 2; i < c->argc; i += 2)
        created += hash_set(kv, c->argv[i].p, c->argv[i].len, c->argv[i + 1].p, c->argv[i + 1].len);
    const Arg *key = &c->argv[1];
    key_changed_n(c, c->db, key->p, key->len, NOTIFY_HASH, "hset", (c->argc - 2) / 2);
    if (is_hmset) reply_ok(c);
    else reply_int(c, created);
}

void hset_command(Client *c) { hset_generic(c, 0); }
void hmset_command(Client *c) { hset_generic(c, 1); }

void hsetnx_command(Client *c) {
    Kv *kv = lookup_write_or_create(c);
    if (!kv) return;
    const Arg *f = &c->argv[2], *v = &c->argv[3];
    if (hash_exists(kv, f->p, f->len)) {
        reply_int(c, 0);
        return;
    }
    hash_try_conversion(kv, c->argv, 2, 3);
    hash_set(kv, f->p, f->len, v->p, v->len);
    key_changed(c, c->db, c->argv[1].p, c->argv[1].len, NOTIFY_HASH, "hset");
    reply_int(c, 1);
}

/* --------------------------------------------------------------- reads */

static void reply_field_value(Client *c, const Kv *kv, const Arg *f) {
    HashVal v;
    hash_val_init(&v);
    if (kv && hash_get(kv, f->p, f->len, &v)) reply_bulk(c, v.p, v.len);
    else reply_null(c);
    hash_val_free(&v);
}

void hget_command(Client *c) {
    int err;
    Kv *kv = lookup_read(c, &err);
    if (err) return;
    reply_field_value(c, kv, &c->argv[2]);
}

void hmget_command(Client *c) {
    int err;
    Kv *kv = lookup_read(c, &err);
    if (err) return;
    reply_array_len(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) reply_field_value(c, kv, &c->argv[i]);
}

#define WANT_FIELDS 1
#define WANT_VALUES 2

static void hgetall_generic(Client *c, int what) {
    int err;
    Kv *kv = lookup_read(c, &err);
    if (err) return;
    uint64_t n = kv ? hash_len(kv) : 0;
    if (what == (WANT_FIELDS | WANT_VALUES)) reply_map_len(c, (long long)n);
    else reply_array_len(c, (long long)n);
    if (!kv) return;
    HashIter it;
    hash_iter_init(&it, kv);
    while (hash_iter_next(&it)) {
        if (what & WANT_FIELDS) reply_bulk(c, it.f, it.flen);
        if (what & WANT_VALUES) reply_bulk(c, it.v, it.vlen);
    }
    hash_iter_done(&it);
}

void hgetall_command(Client *c) { hgetall_generic(c, WANT_FIELDS | WANT_VALUES); }
void hkeys_command(Client *c) { hgetall_generic(c, WANT_FIELDS); }
void hvals_command(Client *c) { hgetall_generic(c, WANT_VALUES); }

void hexists_command(Client *c) {
    int err;
    Kv *kv = lookup_read(c, &err);
    if (err) return;
    reply_int(c, kv && hash_exists(kv, c->argv[2].p, c->argv[2].len));
}

void hlen_command(Client *c) {
    int err;
    Kv *kv = lookup_read(c, &err);
    if (err) return;
    reply_int(c, kv ? (long long)hash_len(kv) : 0);
}

void hstrlen_command(Client *c) {
    int err;
    Kv *kv = lookup_read(c, &err);
    if (err) return;
    long long len = kv ? hash_value_len(kv, c->argv[2].p, c->argv[2].len) : -1;
    reply_int(c, len < 0 ? 0 : len);
}

/* ---------------------------------------------------------------- HDEL */

void hdel_command(Client *c) {
    const Arg *key = &c->argv[1];
    Kv *kv = db_lookup_write(c, c->db, key);
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    if (kv_type(kv) != OBJ_HASH) {
        reply_wrong_type(c);
        return;
    }
    long long deleted = 0;
    int removed = 0;
    for (int i = 2; i < c->argc; i++) {
        if (!hash_delete(kv, c->argv[i].p, c->argv[i].len)) continue;
        deleted++;
        if (hash_len(kv) == 0) {
            db_delete(c->db, key->p, key->len);
            removed = 1;
            break;
        }
    }
    if (deleted) {
        key_changed_n(c, c->db, key->p, key->len, NOTIFY_HASH, "hdel", deleted);
        if (removed) key_event(c->db, key->p, key->len, NOTIFY_GENERIC, "del");
    }
    reply_int(c, deleted);
}

/* ------------------------------------------------------------ counters */

void hincrby_command(Client *c) {
    long long incr, value = 0;
    if (!arg_to_ll(c, &c->argv[3], &incr)) return;
    Kv *kv = lookup_write_or_create(c);
    if (!kv) return;
    const Arg *f = &c->argv[2];
    HashVal cur;
    hash_val_init(&cur);
    if (hash_get(kv, f->p, f->len, &cur) && !str_to_ll(cur.p, cur.len, &value)) {
        hash_val_free(&cur);
        reply_error(c, "hash value is not an integer");
        return;
    }
    hash_val_free(&cur);
    if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) || (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
        reply_error(c, ERR_OVERFLOW);
        return;
    }
    value += incr;
    char buf[NUMCONV_LL_BUF];
    size_t len = ll_to_str(buf, value);
    hash_set(kv, f->p, f->len, buf, len);
    key_changed(c, c->db, c->argv[1].p, c->argv[1].len, NOTIFY_HASH, "hincrby");
    reply_int(c, value);
}

void hincrbyfloat_command(Client *c) {
    long double incr, value = 0;
    if (!arg_to_ld(c, &c->argv[3], &incr)) return;
    if (isnan(incr) || isinf(incr)) {
        reply_error(c, "value is NaN or Infinity");
        return;
    }
    Kv *kv = lookup_write_or_create(c);
    if (!kv) return;
    const Arg *key = &c->argv[1], *f = &c->argv[2];
    HashVal cur;
    hash_val_init(&cur);
    if (hash_get(kv, f->p, f->len, &cur) && !str_to_ld(cur.p, cur.len, &value)) {
        hash_val_free(&cur);
        reply_error(c, "hash value is not a float");
        return;
    }
    hash_val_free(&cur);
    value += incr;
    if (isnan(value) || isinf(value)) {
        reply_error(c, "increment would produce NaN or Infinity");
        return;
    }
    char buf[NUMCONV_LD_BUF];
    size_t len = ld_to_str(buf, sizeof(buf), value);
    hash_set(kv, f->p, f->len, buf, len);
    key_changed(c, c->db, key->p, key->len, NOTIFY_HASH, "hincrbyfloat");
    /* Replayed as the value it produced: float formatting must not decide
     * the outcome twice. */
    Arg argv[4] = {{"HSET", 4}, *key, *f, {buf, len}};
    propagate_rewrite(c, 4, argv);
    reply_bulk(c, buf, len);
}

/* ---------------------------------------------------------- HRANDFIELD */

static void reply_rand_pair(Client *c, const char *f, size_t flen, const char *v, size_t vlen, int withvalues) {
    if (withvalues && c->resp > 2) reply_array_len(c, 2);
    reply_bulk(c, f, flen);
    if (withvalues) reply_bulk(c, v, vlen);
}

static void reply_rand_header(Client *c, uint64_t n, int withvalues) {
    reply_array_len(c, (long long)(withvalues && c->resp == 2 ? n * 2 : n));
}

static void reply_entry(Client *c, const void *e, int withvalues) {
    const char *f, *v;
    size_t flen, vlen;
    fvt_entry_pair(e, &f, &flen, &v, &vlen);
    reply_rand_pair(c, f, flen, v, vlen, withvalues);
}

/* A set of entry pointers (open addressing), for picking distinct ones. */
typedef struct PtrSet {
    const void **slot;
    uint64_t mask;
} PtrSet;

static int ptrset_add(PtrSet *s, const void *p) {
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;
    for (uint64_t i = h >> 20;; i++) {
        const void **sl = &s->slot[i & s->mask];
        if (*sl == p) return 0;
        if (!*sl) {
            *sl = p;
            return 1;
        }
    }
}

/* Small encoding: the pairs expanded once, then picked by index. */
static void hrandfield_pack(Client *c, Kv *kv, uint64_t count, int uniq, int withvalues) {
    uint32_t n;
    PpView *pv = pp_expand(kv_get_ptr(kv), &n);
    if (!uniq || count == 1) {
        reply_rand_header(c, count, withvalues);
        for (uint64_t k = 0; k < count; k++) {
            uint64_t i = server_rand64() % n;
            reply_rand_pair(c, pv[2 * i].p, pv[2 * i].len, pv[2 * i + 1].p, pv[2 * i + 1].len, withvalues);
        }
    } else if (count >= n) {
        reply_rand_header(c, n, withvalues);
        for (uint32_t i = 0; i < n; i++)
            reply_rand_pair(c, pv[2 * i].p, pv[2 * i].len, pv[2 * i + 1].p, pv[2 * i + 1].len, withvalues);
    } else {
        /* Distinct pairs in the hash's order, each subset equally likely
         * (selection sampling: take pair i with probability need/left). */
        reply_rand_header(c, count, withvalues);
        uint64_t need = count;
        for (uint32_t i = 0; i < n && need; i++) {
            if (server_rand64() % (n - i) >= need) continue;
            need--;
            reply_rand_pair(c, pv[2 * i].p, pv[2 * i].len, pv[2 * i + 1].p, pv[2 * i + 1].len, withvalues);
        }
    }
    mem_free(pv);
}

static void hrandfield_table(Client *c, Kv *kv, uint64_t count, int uniq, int withvalues) {
    FvTable *t = kv_get_ptr(kv);
    uint64_t size = fvt_count(t);
    if (!uniq || count == 1) {
        reply_rand_header(c, count, withvalues);
        while (count--) reply_entry(c, fvt_random(t, server_rand64), withvalues);
        return;
    }
    if (count >= size) {
        reply_rand_header(c, size, withvalues);
        FvtIter it;
        fvt_iter_init(&it, t);
        const void *e;
        while ((e = fvt_iter_next(&it))) reply_entry(c, e, withvalues);
        fvt_iter_done(&it);
        return;
    }
    reply_rand_header(c, count, withvalues);
    if (count * 3 > size) {
        /* Near the whole hash: shuffle the first `count` of all entries. */
        const void **all = mem_alloc(size * sizeof(*all));
        uint64_t n = 0;
        FvtIter it;
        fvt_iter_init(&it, t);
        const void *e;
        while ((e = fvt_iter_next(&it))) all[n++] = e;
        fvt_iter_done(&it);
        for (uint64_t i = 0; i < count; i++) {
            uint64_t j = i + server_rand64() % (size - i);
            const void *tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
            reply_entry(c, all[i], withvalues);
        }
        mem_free(all);
        return;
    }
    /* Few out of many: draw until `count` distinct entries came up. */
    uint64_t cap = 16;
    while (cap < count * 2) cap <<= 1;
    PtrSet seen = {mem_calloc(cap * sizeof(void *)), cap - 1};
    uint64_t got = 0;
    while (got < count) {
        const void *e = fvt_random(t, server_rand64);
        if (!ptrset_add(&seen, e)) continue;
        got++;
        reply_entry(c, e, withvalues);
    }
    mem_free(seen.slot);
}

void hrandfield_command(Client *c) {
    if (c->argc == 2) {
        int err;
        Kv *kv = lookup_read(c, &err);
        if (err) return;
        if (!kv) {
            reply_null(c);
            return;
        }
        if (kv_encoding(kv) == ENC_LISTPACK) {
            uint32_t n;
            PpView *pv = pp_expand(kv_get_ptr(kv), &n);
            uint64_t i = server_rand64() % n;
            reply_bulk(c, pv[2 * i].p, pv[2 * i].len);
            mem_free(pv);
        } else {
            const char *f;
            size_t flen;
            fvt_entry_field(fvt_random(kv_get_ptr(kv), server_rand64), &f, &flen);
            reply_bulk(c, f, flen);
        }
        return;
    }
    long long l;
    if (!arg_to_ll(c, &c->argv[2], &l)) return;
    if (l < -LLONG_MAX) {
        reply_errorf(c, "value is out of range, value must between %lld and %lld", -LLONG_MAX, LLONG_MAX);
        return;
    }
    int withvalues = 0;
    if (c->argc > 4 || (c->argc == 4 && !arg_equals(&c->argv[3], "withvalues"))) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc == 4) {
        withvalues = 1;
        /* The reply counts 2 per pair: keep 2 * count representable. */
        if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
            reply_error(c, "value is out of range");
            return;
        }
    }
    int err;
    Kv *kv = lookup_read(c, &err);
    if (err) return;
    if (!kv || l == 0) {
        reply_array_len(c, 0);
        return;
    }
    uint64_t count = l < 0 ? (uint64_t)(-l) : (uint64_t)l;
    int uniq = l > 0;
    if (kv_encoding(kv) == ENC_LISTPACK) hrandfield_pack(c, kv, count, uniq, withvalues);
    else hrandfield_table(c, kv, count, uniq, withvalues);
}

/* --------------------------------------------------------------- HSCAN */

typedef struct ScanBatch {
    const void **items;
    uint64_t n, cap;
} ScanBatch;

static void scan_collect(void *priv, const void *e) {
    ScanBatch *b = priv;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 32;
        b->items = mem_realloc(b->items, b->cap * sizeof(*b->items));
    }
    b->items[b->n++] = e;
}

static void reply_cursor(Client *c, unsigned long long cursor) {
    char buf[NUMCONV_LL_BUF];
    size_t len = ull_to_str(buf, cursor);
    reply_array_len(c, 2);
    reply_bulk(c, buf, len);
}

void hscan_command(Client *c) {
    unsigned long long cursor;
    if (!str_to_ull(c->argv[2].p, c->argv[2].len, &cursor)) {
        reply_error(c, "invalid cursor");
        return;
    }
    int err;
    Kv *kv = lookup_read(c, &err);
    if (err) return;
    if (!kv) {
        reply_cursor(c, 0);
        reply_array_len(c, 0);
        return;
    }
    ScanOpts o;
    if (!type_parse_scan_opts(c, SCAN_OPT_NOVALUES, 0, &o)) return;
    const Arg *pat = o.pattern;
    long long count = o.count;
    int novalues = (o.flags & SCAN_OPT_NOVALUES) != 0;
    if (kv_encoding(kv) == ENC_LISTPACK) {
        /* Small hashes answer whole, with cursor 0, as Valkey does. */
        reply_cursor(c, 0);
        ReplyDeferred d = reply_deferred_len(c);
        long long n = 0;
        HashIter it;
        hash_iter_init(&it, kv);
        while (hash_iter_next(&it)) {
            if (pat && !glob_match(pat->p, pat->len, it.f, it.flen, 0)) continue;
            reply_bulk(c, it.f, it.flen);
            n++;
            if (!novalues) {
                reply_bulk(c, it.v, it.vlen);
                n++;
            }
        }
        hash_iter_done(&it);
        reply_set_deferred_array_len(c, d, n);
        return;
    }
    FvTable *t = kv_get_ptr(kv);
    ScanBatch b = {0};
    /* Bounded work on a sparse table: at most 10 * COUNT bucket visits. */
    long long visits = count * 10;
    do {
        cursor = fvt_scan(t, cursor, scan_collect, &b);
    } while (cursor && --visits > 0 && (long long)b.n < count);
    reply_cursor(c, cursor);
    ReplyDeferred d = reply_deferred_len(c);
    long long n = 0;
    for (uint64_t i = 0; i < b.n; i++) {
        const char *f, *v;
        size_t flen, vlen;
        fvt_entry_pair(b.items[i], &f, &flen, &v, &vlen);
        if (pat && !glob_match(pat->p, pat->len, f, flen, 0)) continue;
        reply_bulk(c, f, flen);
        n++;
        if (!novalues) {
            reply_bulk(c, v, vlen);
            n++;
        }
    }
    reply_set_deferred_array_len(c, d, n);
    mem_free(b.items);
}
