/* db.c - the keyspace API: lookups with lazy expiry, add, set, replace,
 * delete, TTL changes, flush, random keys.
 *
 * Invariant: an entry is in db->expires exactly when it has a TTL; both
 * tables link the same allocation (see object.c), so changing an entry's
 * size means splicing the new allocation into both. */
#include <string.h>

#include "server.h"

void (*free_value_hook[8])(void *ptr, int encoding);
void *(*dup_value_hook[8])(const void *ptr, int encoding);
size_t (*value_mem_hook[8])(const void *ptr, int encoding);

Kv *db_find(Db *db, const char *key, size_t len) {
    return ht_find(db->keys, key, len);
}

Kv *db_lookup_write(Db *db, const Arg *key) {
    Kv *kv = ht_find(db->keys, key->p, key->len);
    if (kv && kv_has_expire(kv) && db_expire_if_due(db, kv)) return NULL;
    return kv;
}

Kv *db_lookup_read(Client *c, Db *db, const Arg *key) {
    Kv *kv = db_lookup_write(db, key);
    if (!kv) {
        server.stat.keyspace_misses++;
        return NULL;
    }
    server.stat.keyspace_hits++;
    if (!c || !(c->flags & CLIENT_NO_TOUCH)) kv_touch(kv);
    return kv;
}

void db_add(Db *db, Kv *kv) {
    ht_add(db->keys, kv);
    if (kv_has_expire(kv)) ht_add(db->expires, kv);
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
    Kv *kv = ht_find(db->keys, key, len);
    if (!kv) return NULL;
    if (kv_has_expire(kv)) ht_remove(db->expires, key, len);
    ht_remove(db->keys, key, len);
    return kv;
}

int db_delete(Db *db, const char *key, size_t len) {
    Kv *kv = db_unlink(db, key, len);
    if (!kv) return 0;
    kv_free(kv);
    return 1;
}

Kv *db_set(Db *db, Kv *kv, int keep_ttl) {
    size_t klen;
    const char *key = kv_key(kv, &klen);
    /* One hash for both tables (they share the hash function), one walk
     * to find the old entry, then the new one is spliced into its place. */
    uint64_t h = ht_hash(db->keys, key, klen);
    Kv *old = ht_find_hashed(db->keys, key, klen, h);
    if (!old) {
        ht_add_hashed(db->keys, kv, h);
        if (kv_has_expire(kv)) ht_add_hashed(db->expires, kv, h);
        return kv;
    }
    if (keep_ttl && kv_has_expire(old) && !kv_has_expire(kv)) {
        kv = kv_with_expire(kv, kv_expire(old));
        key = kv_key(kv, &klen);
    }
    if (kv_has_expire(old)) ht_remove_hashed(db->expires, key, klen, h);
    kv_copy_links(kv, old);
    ht_replace_hashed(db->keys, old, kv, h);
    kv_free(old);
    if (kv_has_expire(kv)) ht_add_hashed(db->expires, kv, h);
    return kv;
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

uint64_t db_size(Db *db) {
    return ht_count(db->keys);
}

uint64_t db_expires_count(Db *db) {
    return ht_count(db->expires);
}

void db_flush(Db *db) {
    /* Entries are linked in both tables: drop the expires links first and
     * free the entries once, through the main table. */
    ht_clear(db->expires, NULL);
    ht_clear(db->keys, (void (*)(void *))kv_free);
    db->expire_cursor = 0;
    db->avg_ttl = 0;
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

void db_signal_modified(Db *db, const char *key, size_t len) {
    (void)db;
    (void)key;
    (void)len;
    server.dirty++;
}
