/* db.h - the keyspace: databases, the lookup/add/set/delete API with lazy
 * expiry, iteration, scanning, sampling, swapping, and the one call every
 * change to a key goes through (key_changed).
 *
 * Only db.c and expire.c look inside a Db's tables; everything else uses
 * this API.  Invariant: an entry is in `expires` exactly when it has a
 * TTL; both tables link the same allocation. */
#ifndef SERVER_DB_H
#define SERVER_DB_H

#include <stdint.h>

#include "kv.h"

struct Client;
struct Arg;

typedef struct Db {
    Htable *keys;
    Htable *expires;          /* the subset of keys with a TTL, linked a second time */
    Htable *blocking_keys;    /* key -> clients blocked on it (blocked.c), created on demand */
    Htable *watched_keys;     /* key -> clients WATCHing it (multi.c), created on demand */
    int id;
    uint64_t expire_cursor;   /* the active expiry's scan position in `expires` */
    long long avg_ttl;
} Db;

/* Lookup flags (Valkey's semantics).  A plain lookup is a read: it counts
 * a keyspace hit or miss and updates the key's access time (unless the
 * client set CLIENT NO-TOUCH).  Every lookup deletes a key whose TTL has
 * passed (unless CLIENT PAUSE holds writes back: then it only reads as
 * missing). */
#define LOOKUP_READ 0
#define LOOKUP_WRITE (1 << 0)   /* no hit/miss statistics */
#define LOOKUP_NOTOUCH (1 << 1) /* leave the access time alone (TYPE, OBJECT, TTL) */
#define LOOKUP_NOSTATS (1 << 2) /* no hit/miss statistics */
#define LOOKUP_NONOTIFY (1 << 3) /* no "keymiss" event on a miss */

void db_init(Db *db, int id);
void db_release(Db *db);
Kv *db_lookup(struct Client *c, Db *db, const struct Arg *key, int flags);
/* Shorthands for the common cases. */
Kv *db_lookup_read(struct Client *c, Db *db, const struct Arg *key);
Kv *db_lookup_write(struct Client *c, Db *db, const struct Arg *key);
/* Neither expiry nor statistics nor touching (internals, filters). */
Kv *db_find(Db *db, const char *key, size_t len);
/* Adds a key that does not exist (its TTL, if any, is already in kv).
 * Every way of adding a key fires the "new" key event. */
void db_add(Db *db, Kv *kv);
/* For loaders adding keys in a row, hashing each key once: the key's
 * hash with its bucket prefetched (call before reading the value), the
 * bucket's first entry prefetched (once the bucket has had time to
 * arrive), then db_add unless the key exists: NULL when kv was added,
 * else the existing entry (kv is not added). */
uint64_t db_hash_prefetch(Db *db, const char *key, size_t len);
void db_prefetch_first(Db *db, uint64_t h);
Kv *db_add_new_hashed(Db *db, Kv *kv, uint64_t h);
/* Stores kv as the key's value, replacing (and freeing) any old value.
 * With keep_ttl the old TTL carries over; otherwise kv's own TTL (if any)
 * applies.  Returns the entry as stored (may differ from kv). */
Kv *db_set(Db *db, Kv *kv, int keep_ttl);
/* The same for a key the caller just looked up with db_lookup(key), which
 * returned `old` (NULL: absent): no second search, and the hash of a
 * short key is not computed twice.  kv's key must equal key. */
Kv *db_store(Db *db, const struct Arg *key, Kv *old, Kv *kv, int keep_ttl);
/* Puts new_kv in old_kv's place (same key and TTL state); old_kv is
 * unlinked but NOT freed. */
void db_replace(Db *db, Kv *old_kv, Kv *new_kv);
int db_delete(Db *db, const char *key, size_t len);
/* Removes the entry from the tables without freeing it. */
Kv *db_unlink(Db *db, const char *key, size_t len);
/* Sets or clears the TTL of a key present in db; returns the new entry. */
Kv *db_set_expire(Db *db, Kv *kv, int64_t when_ms);
Kv *db_persist(Db *db, Kv *kv);
uint64_t db_size(const Db *db);
uint64_t db_expires_count(const Db *db);
/* Removes every key; returns how many there were. */
uint64_t db_flush(Db *db);
/* A random live key (expired ones met on the way are deleted), or NULL. */
Kv *db_random(Db *db);
/* A random key with a TTL, expired or not (statistics sampling). */
Kv *db_random_volatile(Db *db);
/* Swaps the data of two databases; watchers and blocked clients stay
 * with their database number. */
void db_swap(Db *a, Db *b);

/* Iteration that tolerates deleting the entry just returned. */
typedef struct DbIter {
    HtIter it;
} DbIter;
void db_iter_init(DbIter *it, Db *db);
Kv *db_iter_next(DbIter *it);
void db_iter_done(DbIter *it);
/* SCAN: reports the entries of one or more buckets to fn; returns the
 * next cursor (0 when done).  fn must not change the keyspace. */
typedef void db_scan_fn(void *priv, Kv *kv);
uint64_t db_scan(Db *db, uint64_t cursor, db_scan_fn *fn, void *priv);
uint64_t db_scan_expires(Db *db, uint64_t cursor, db_scan_fn *fn, void *priv);
/* Housekeeping from cron: resize, and rehash for about `ms` when asked. */
void db_cron(Db *db, int rehash_ms);
/* Sizes the tables for a bulk load (an RDB's RESIZEDB hint). */
void db_expand(Db *db, uint64_t keys, uint64_t expires);
/* Bytes of the bucket arrays (INFO/MEMORY STATS). */
typedef struct DbTableStats {
    size_t keys_bytes, expires_bytes, rehashing_bytes;
    uint64_t rehashing_tables;
} DbTableStats;
void db_table_stats(const Db *db, DbTableStats *st);
/* Invariant checker: both tables agree, every entry passes kv_check.
 * Returns NULL or what is wrong.  O(n): tests and sanitizer builds. */
const char *db_check(Db *db);

/* ------------------------------------------------------ write effects */

/* Every command that changes a key calls this once per key, after the
 * change: it bumps the dirty counter and is the single place where WATCH
 * invalidation, client-side-caching invalidation, keyspace notifications
 * and blocked-client wake-ups plug in.  c may be NULL (expiry, eviction).
 * notify_class is a NOTIFY_* class (config.h), event Valkey's event name
 * ("set", "del", "expire", "rename_from", ...). */
void key_changed(struct Client *c, Db *db, const char *key, size_t klen, int notify_class, const char *event);
/* The same counting `changes` writes (SADD of three members: 3; the
 * second key of RENAME: 0), as Valkey's dirty counter does. */
void key_changed_n(struct Client *c, Db *db, const char *key, size_t klen, int notify_class, const char *event,
                   long long changes);
/* The parts of key_changed without the dirty counter, for changes that
 * are not writes of a command (expiry, eviction): invalidation and
 * wake-ups, and the event alone. */
void key_touched(struct Client *c, Db *db, const char *key, size_t klen);
void key_event(Db *db, const char *key, size_t klen, int notify_class, const char *event);
/* Database-wide changes: FLUSHDB (dbid) / FLUSHALL (-1) before and after
 * the keys go, and SWAPDB after the swap. */
void keys_flushing(struct Client *c, int dbid);
void keys_flushed(struct Client *c, int dbid, uint64_t removed);
void dbs_swapped(struct Client *c, int a, int b);
/* A listener for key events (notifications, tests): called by key_changed
 * with the same arguments.  At most a few are registered. */
typedef void key_event_fn(Db *db, const char *key, size_t klen, int notify_class, const char *event);
void key_events_subscribe(key_event_fn *fn);

/* ------------------------------------------------------------- expiry */

int kv_is_expired(const Kv *kv);
/* Deletes kv if its TTL has passed (propagating a DEL and firing the
 * "expired" event); returns 1 if the key is gone for the caller. */
int db_expire_if_due(Db *db, Kv *kv);
/* Parses an expire argument (seconds when unit_ms is 1000, else ms;
 * relative unless absolute) into an absolute ms time, or replies with
 * "invalid expire time in '<cmdname>' command" and returns 0. */
int expire_arg_to_abs_ms(struct Client *c, const struct Arg *a, long long unit_ms, int absolute, const char *cmdname,
                         int64_t *out);
void expire_cycle_slow(void);
void expire_cycle_fast(void);

#endif
