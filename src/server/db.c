/* db.c - the keyspace API: lookups with lazy expiry and statistics, add,
 * set, replace, delete, TTL changes, flush, random keys, iteration,
 * scanning, swapping, and the write-effects call key_changed().
 *
 * Invariant: an entry is in db->expires exactly when it has a TTL; both
 * tables link the same allocation (see kv.c), so changing an entry's size
 * means splicing the new allocation into both.  Nothing outside this file
 * (and expire.c's cycle, through db_scan_expires) touches the tables. */
#include <string.h>

#include "server.h"
#include "multi.h"
#include "tracking.h"
#include "lazyfree.h"
#include "evict.h"
#include "../ds/unaligned.h"

/* The hash of the last (short) key looked up, so a lookup and the store
 * that follows it (SET, INCR...) hash the key once.  The key's bytes are
 * kept with it and compared, so a hit is always right whatever memory the
 * caller's key lives in. */
#define HASH_CACHE_KEY_MAX 64
static struct {
    size_t len;     /* 0: empty (an empty key is never cached) */
    uint64_t hash;
    char key[HASH_CACHE_KEY_MAX];
} last_hash;

/* remember: keep the hash for a store that may follow (write lookups). */
static uint64_t hash_of(Db *db, const char *key, size_t len, int remember) {
    if (len && last_hash.len == len && memcmp(last_hash.key, key, len) == 0) return last_hash.hash;
    uint64_t h = ht_hash(db->keys, key, len);
    if (remember && len && len <= HASH_CACHE_KEY_MAX) {
        memcpy(last_hash.key, key, len);
        last_hash.len = len;
        last_hash.hash = h;
    }
    return h;
}

void db_init(Db *db, int id) {
    memset(db, 0, sizeof(*db));
    db->id = id;
    db->keys = ht_create(&kv_keys_httype);
    db->expires = ht_create(&kv_expires_httype);
}

void db_release(Db *db) {
    db_flush(db);
    ht_release(db->keys, NULL);
    ht_release(db->expires, NULL);
    if (db->blocking_keys) ht_release(db->blocking_keys, NULL);
    if (db->watched_keys) ht_release(db->watched_keys, NULL);
    db->keys = db->expires = db->blocking_keys = db->watched_keys = NULL;
}

Kv *db_find(Db *db, const char *key, size_t len) {
    return ht_find(db->keys, key, len);
}

Kv *db_lookup(Client *c, Db *db, const Arg *key, int flags) {
    /* An empty database answers without hashing the key. */
    Kv *kv = ht_count(db->keys)
                 ? ht_find_hashed(db->keys, key->p, key->len, hash_of(db, key->p, key->len, flags & LOOKUP_WRITE))
                 : NULL;
    if (kv && kv_has_expire(kv) && db_expire_if_due(db, kv)) kv = NULL;
    if (!kv) {
        if (!(flags & (LOOKUP_WRITE | LOOKUP_NOSTATS))) server.stat.keyspace_misses++;
        if (!(flags & (LOOKUP_WRITE | LOOKUP_NONOTIFY)) && (server.cfg.notify_keyspace_events & NOTIFY_KEY_MISS))
            key_event(db, key->p, key->len, NOTIFY_KEY_MISS, "keymiss");
        return NULL;
    }
    if (!(flags & (LOOKUP_WRITE | LOOKUP_NOSTATS))) server.stat.keyspace_hits++;
    /* No access-time writes while a child shares our pages (BGSAVE):
     * each would copy a page the child still reads. */
    if (!(flags & LOOKUP_NOTOUCH) && !(c && (c->flags & CLIENT_NO_TOUCH)) && server.child_pid == -1) kv_touch(kv);
    return kv;
}

Kv *db_lookup_read(Client *c, Db *db, const Arg *key) {
    return db_lookup(c, db, key, LOOKUP_READ);
}

Kv *db_lookup_write(Client *c, Db *db, const Arg *key) {
    return db_lookup(c, db, key, LOOKUP_WRITE);
}

static void fire_new(Db *db, Kv *kv);

static void add_hashed(Db *db, Kv *kv, uint64_t h) {
    ht_add_hashed(db->keys, kv, h);
    if (kv_has_expire(kv)) ht_add_hashed(db->expires, kv, h);
    fire_new(db, kv);
}

void db_add(Db *db, Kv *kv) {
    size_t klen;
    const char *key = kv_key(kv, &klen);
    add_hashed(db, kv, ht_hash(db->keys, key, klen));
}

Kv *db_add_new_hashed(Db *db, Kv *kv, uint64_t h) {
    size_t klen;
    const char *key = kv_key(kv, &klen);
    Kv *old = ht_count(db->keys) ? ht_find_hashed(db->keys, key, klen, h) : NULL;
    if (old) return old;
    add_hashed(db, kv, h);
    return NULL;
}

uint64_t db_hash_prefetch(Db *db, const char *key, size_t len) {
    uint64_t h = ht_hash(db->keys, key, len);
    ht_prefetch_bucket(db->keys, h);
    return h;
}

void db_prefetch_first(Db *db, uint64_t h) {
    ht_prefetch_first(db->keys, h);
}

void db_replace(Db *db, Kv *old_kv, Kv *new_kv) {
    if (old_kv == new_kv) return;
    kv_copy_links(new_kv, old_kv);
    size_t klen;
    const char *key = kv_key(new_kv, &klen);
    ht_replace(db->keys, old_kv, new_kv, key, klen);
    if (kv_has_expire(new_kv)) ht_replace(db->expires, old_kv, new_kv, key, klen);
}

Kv *db_unlink(Db *db, const char *key, size_t len) {
    uint64_t h = ht_hash(db->keys, key, len);
    Kv *kv = ht_find_hashed(db->keys, key, len, h);
    if (!kv) return NULL;
    if (kv_has_expire(kv)) ht_remove_hashed(db->expires, key, len, h);
    ht_remove_hashed(db->keys, key, len, h);
    return kv;
}

int db_delete(Db *db, const char *key, size_t len) {
    Kv *kv = db_unlink(db, key, len);
    if (!kv) return 0;
    kv_free(kv);
    return 1;
}

/* Puts kv where old is, with the hash of their key. */
static Kv *overwrite_hashed(Db *db, Kv *old, Kv *kv, int keep_ttl, uint64_t h) {
    size_t klen;
    const char *key;
    if (keep_ttl && kv_has_expire(old) && !kv_has_expire(kv)) kv = kv_with_expire(kv, kv_expire(old));
    key = kv_key(kv, &klen);
    /* Under an LFU policy a key's use count outlives a new value (as in
     * Valkey); the LRU clock restarts with it. */
    if (EVICT_POLICY_IS_LFU(server.cfg.maxmemory_policy)) kv_set_lru(kv, kv_lru(old));
    if (kv_has_expire(old)) ht_remove_hashed(db->expires, key, klen, h);
    kv_copy_links(kv, old);
    ht_replace_hashed(db->keys, old, kv, h);
    lazyfree_kv(old, server.cfg.lazyfree_lazy_server_del);
    if (kv_has_expire(kv)) ht_add_hashed(db->expires, kv, h);
    return kv;
}

Kv *db_set(Db *db, Kv *kv, int keep_ttl) {
    size_t klen;
    const char *key = kv_key(kv, &klen);
    uint64_t h = ht_hash(db->keys, key, klen);
    Kv *old = ht_find_hashed(db->keys, key, klen, h);
    if (!old) {
        add_hashed(db, kv, h);
        return kv;
    }
    return overwrite_hashed(db, old, kv, keep_ttl, h);
}

Kv *db_store(Db *db, const Arg *key, Kv *old, Kv *kv, int keep_ttl) {
    uint64_t h = hash_of(db, key->p, key->len, 0);
    if (!old) {
        add_hashed(db, kv, h);
        return kv;
    }
    return overwrite_hashed(db, old, kv, keep_ttl, h);
}

Kv *db_set_expire(Db *db, Kv *kv, int64_t when_ms) {
    if (kv_has_expire(kv)) {
        /* Same allocation: the TTL is rewritten in place. */
        return kv_with_expire(kv, when_ms);
    }
    Kv *n = kv_with_expire(kv, when_ms);
    size_t klen;
    const char *key = kv_key(n, &klen);
    ht_replace(db->keys, kv, n, key, klen);
    ht_add(db->expires, n);
    return n;
}

Kv *db_persist(Db *db, Kv *kv) {
    if (!kv_has_expire(kv)) return kv;
    size_t klen;
    const char *key = kv_key(kv, &klen);
    ht_remove(db->expires, key, klen);
    /* kv_without_expire frees kv: remember where it was by pointer only. */
    Kv *old = kv;
    Kv *n = kv_without_expire(kv);
    key = kv_key(n, &klen);
    ht_replace(db->keys, old, n, key, klen);
    return n;
}

uint64_t db_size(const Db *db) {
    return ht_count(db->keys);
}

uint64_t db_expires_count(const Db *db) {
    return ht_count(db->expires);
}

uint64_t db_flush(Db *db) {
    uint64_t n = ht_count(db->keys);
    /* Entries are linked in both tables: drop the expires links first and
     * free the entries once, through the main table. */
    ht_clear(db->expires, NULL);
    ht_clear(db->keys, (void (*)(void *))kv_free);
    db->expire_cursor = 0;
    db->avg_ttl = 0;
    return n;
}

uint64_t db_flush_lazy(Db *db) {
    uint64_t n = ht_count(db->keys);
    if (!n) return db_flush(db);
    lazyfree_tables(db->keys, db->expires, n);
    db->keys = ht_create(&kv_keys_httype);
    db->expires = ht_create(&kv_expires_httype);
    db->expire_cursor = 0;
    db->avg_ttl = 0;
    return n;
}

Kv *db_random(Db *db) {
    /* Each round either returns a live key or deletes an expired one, so
     * the loop ends even when every key has expired. */
    for (;;) {
        Kv *kv = ht_random(db->keys, server_rand64);
        if (!kv) return NULL;
        if (!kv_has_expire(kv) || !db_expire_if_due(db, kv)) return kv;
    }
}

int db_sample(Db *db, int volatile_only, uint64_t start, int want, db_scan_fn *fn, void *priv) {
    /* Reads the buckets directly (htable.h has no sampling call): one
     * chain after the other from a random index, so the bucket array is
     * read sequentially, at most want * 10 buckets. */
    Htable *ht = volatile_only ? db->expires : db->keys;
    if (!ht_count(ht)) return 0;
    int rehashing = ht_is_rehashing(ht);
    size_t link = ht->type->next_offset;
    int got = 0;
    for (uint64_t step = 0; step < (uint64_t)want * 10 && got < want; step++) {
        for (int t = 0; t <= rehashing && got < want; t++) {
            if (!ht->size[t]) continue;
            uint64_t idx = (start + step) & (ht->size[t] - 1);
            if (t == 0 && rehashing && (int64_t)idx < ht->rehash_idx) continue;
            for (void *e = ht->buckets[t][idx]; e && got < want; e = load_ptr((char *)e + link)) {
                fn(priv, e);
                got++;
            }
        }
    }
    return got;
}

Kv *db_random_volatile(Db *db) {
    return ht_random(db->expires, server_rand64);
}

void db_swap(Db *a, Db *b) {
    Htable *k = a->keys, *e = a->expires;
    a->keys = b->keys;
    a->expires = b->expires;
    b->keys = k;
    b->expires = e;
    uint64_t cur = a->expire_cursor;
    a->expire_cursor = b->expire_cursor;
    b->expire_cursor = cur;
    long long t = a->avg_ttl;
    a->avg_ttl = b->avg_ttl;
    b->avg_ttl = t;
}

void db_iter_init(DbIter *it, Db *db) {
    ht_iter_init(&it->it, db->keys);
}

Kv *db_iter_next(DbIter *it) {
    return ht_iter_next(&it->it);
}

void db_iter_done(DbIter *it) {
    ht_iter_done(&it->it);
}

typedef struct ScanAdapter {
    db_scan_fn *fn;
    void *priv;
} ScanAdapter;

static void scan_adapter(void *priv, void *entry) {
    ScanAdapter *a = priv;
    a->fn(a->priv, entry);
}

uint64_t db_scan(Db *db, uint64_t cursor, db_scan_fn *fn, void *priv) {
    ScanAdapter a = {fn, priv};
    return ht_scan(db->keys, cursor, scan_adapter, &a);
}

uint64_t db_scan_expires(Db *db, uint64_t cursor, db_scan_fn *fn, void *priv) {
    ScanAdapter a = {fn, priv};
    return ht_scan(db->expires, cursor, scan_adapter, &a);
}

void db_cron(Db *db, int rehash_ms) {
    /* While a child (BGSAVE, AOF rewrite) shares our pages the resize
     * policy holds resizes and rehashing back (child.c turns it on and
     * off; ds/resize_policy.h): these calls then only act on a table
     * four times past its fill. */
    ht_resize_if_needed(db->keys);
    ht_resize_if_needed(db->expires);
    if (rehash_ms) {
        if (ht_is_rehashing(db->keys)) ht_rehash_ms(db->keys, rehash_ms);
        else if (ht_is_rehashing(db->expires)) ht_rehash_ms(db->expires, rehash_ms);
    }
}

void db_expand(Db *db, uint64_t keys, uint64_t expires) {
    ht_expand(db->keys, keys);
    ht_expand(db->expires, expires);
}

void db_table_stats(const Db *db, DbTableStats *st) {
    memset(st, 0, sizeof(*st));
    st->keys_bytes = ht_mem_usage(db->keys);
    st->expires_bytes = ht_mem_usage(db->expires);
    if (ht_is_rehashing(db->keys)) {
        st->rehashing_bytes += db->keys->size[0] * sizeof(void *);
        st->rehashing_tables++;
    }
    if (ht_is_rehashing(db->expires)) {
        st->rehashing_bytes += db->expires->size[0] * sizeof(void *);
        st->rehashing_tables++;
    }
}

const char *db_check(Db *db) {
    uint64_t n = 0, with_ttl = 0;
    const char *err = NULL;
    HtIter it;
    ht_iter_init(&it, db->keys);
    Kv *kv;
    while ((kv = ht_iter_next(&it)) && !err) {
        n++;
        err = kv_check(kv);
        size_t klen;
        const char *key = kv_key(kv, &klen);
        if (!err && ht_find(db->keys, key, klen) != kv) err = "key not found by its own name";
        if (!err && kv_has_expire(kv)) {
            with_ttl++;
            if (ht_find(db->expires, key, klen) != kv) err = "key with a TTL missing from expires";
        }
        if (!err && !kv_has_expire(kv) && ht_find(db->expires, key, klen)) err = "key without a TTL in expires";
    }
    ht_iter_done(&it);
    if (err) return err;
    if (n != ht_count(db->keys)) return "keys count differs from the entries walked";
    if (with_ttl != ht_count(db->expires)) return "expires count differs from the keys with a TTL";
    return NULL;
}

/* ------------------------------------------------------ write effects */

static key_event_fn *event_listeners[4];
static int event_listener_count;

/* Every key added to a database fires "new" (class NOTIFY_NEW). */
static void fire_new(Db *db, Kv *kv) {
    if (!event_listener_count) return;
    size_t klen;
    const char *key = kv_key(kv, &klen);
    key_event(db, key, klen, NOTIFY_NEW, "new");
}

void key_events_subscribe(key_event_fn *fn) {
    server_assert(event_listener_count < (int)(sizeof(event_listeners) / sizeof(event_listeners[0])));
    event_listeners[event_listener_count++] = fn;
}

/* Inlined into key_changed: every write passes here, and the three tests
 * cost nothing while nobody watches, blocks or tracks. */
static inline void touch_key(Client *c, Db *db, const char *key, size_t klen) {
    if (db->watched_keys) multi_touch_key(db, key, klen);
    if (db->blocking_keys) blocked_signal_key(db, key, klen);
    if (server.tracking_live) tracking_key_touched(c, key, klen);
}

void key_touched(Client *c, Db *db, const char *key, size_t klen) {
    touch_key(c, db, key, klen);
}

void key_event(Db *db, const char *key, size_t klen, int notify_class, const char *event) {
    /* Keyspace notifications and test listeners. */
    for (int i = 0; i < event_listener_count; i++) event_listeners[i](db, key, klen, notify_class, event);
}

void key_changed(Client *c, Db *db, const char *key, size_t klen, int notify_class, const char *event) {
    server.dirty++;
    touch_key(c, db, key, klen);
    key_event(db, key, klen, notify_class, event);
}

void key_changed_n(Client *c, Db *db, const char *key, size_t klen, int notify_class, const char *event,
                   long long changes) {
    server.dirty += (uint64_t)changes;
    touch_key(c, db, key, klen);
    key_event(db, key, klen, notify_class, event);
}

void keys_flushed(Client *c, int dbid, uint64_t removed) {
    (void)c;
    /* Waiters that care about their key disappearing (XREADGROUP) wake. */
    for (int i = 0; i < server.db_count; i++)
        if (dbid == -1 || dbid == i) blocked_signal_db(&server.dbs[i]);
    /* FLUSHALL counts one change more than the keys it removed, as Valkey
     * does (so a save point triggers even for an empty server). */
    server.dirty += removed + (dbid == -1 ? 1 : 0);
    /* FLUSHALL also resets the snapshot (an empty one where save points
     * are configured), as Valkey does. */
    if (dbid == -1 && server.persist && server.persist->flushed_all) server.persist->flushed_all();
    /* Client-side caches: one null invalidation means "every key". */
    if (server.tracking) tracking_flushed();
}

void keys_flushing(Client *c, int dbid) {
    (void)c;
    /* Watchers of keys that exist now see them change. */
    multi_touch_flush(dbid);
}

void dbs_swapped(Client *c, int a, int b) {
    (void)c;
    server.dirty++;
    multi_touch_swap(&server.dbs[a], &server.dbs[b]);
    /* Blocked clients of either database may find their keys now. */
    blocked_signal_db(&server.dbs[a]);
    blocked_signal_db(&server.dbs[b]);
}
