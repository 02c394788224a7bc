/* htable.h - intrusive chained hash table with incremental rehashing.
 *
 * Entries are the caller's own allocations: the table stores no per-entry
 * node, it links entries through a pointer-sized field the entry keeps at
 * type->next_offset (read and written with memcpy, so any offset works).
 * One entry can live in several tables if it has one link field per table.
 *
 * Invariants:
 *  - table sizes are powers of two; the table grows when it holds as many
 *    entries as buckets and shrinks when it is under 1/8 full (while the
 *    resize policy says avoid, at 4 times those fills, and a rehash in
 *    progress waits unless it is such a forced one: resize_policy.h);
 *  - while rehashing, buckets [0, rehash_idx) of table 0 are empty and new
 *    entries go to table 1;
 *  - ht_scan guarantees that an entry present for a whole scan is reported
 *    at least once, across any number of resizes (reverse-binary cursor). */
#ifndef DS_HTABLE_H
#define DS_HTABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct HtType {
    uint64_t (*hash)(const char *key, size_t len);
    /* NULL means byte-for-byte equality. */
    int (*key_eq)(const char *a, size_t alen, const char *b, size_t blen);
    /* Where the entry's key bytes are. */
    void (*entry_key)(const void *entry, const char **key, size_t *len);
    size_t next_offset;
} HtType;

typedef struct Htable {
    const HtType *type;
    void **buckets[2];
    uint64_t size[2]; /* 0 or a power of two */
    uint64_t used[2];
    int64_t rehash_idx; /* -1 when not rehashing */
    int32_t pause_rehash; /* >0 while safe iterators/scans run */
} Htable;

typedef struct HtIter {
    Htable *ht;
    int table;
    int64_t index;
    void *next_entry;
    int started;
} HtIter;

typedef void ht_scan_fn(void *priv, void *entry);

Htable *ht_create(const HtType *type);
/* Removes every entry, calling free_entry (if not NULL) on each. */
void ht_clear(Htable *ht, void (*free_entry)(void *entry));
void ht_release(Htable *ht, void (*free_entry)(void *entry));

static inline uint64_t ht_count(const Htable *ht) { return ht->used[0] + ht->used[1]; }
static inline uint64_t ht_buckets(const Htable *ht) { return ht->size[0] + ht->size[1]; }
static inline int ht_is_rehashing(const Htable *ht) { return ht->rehash_idx != -1; }

uint64_t ht_hash(const Htable *ht, const char *key, size_t len);
/* Bulk inserts (loaders) hide the two cache misses of an insert behind
 * other work: prefetch the bucket of hash h early, its first entry (the
 * one a lookup compares first) once the bucket has arrived. */
static inline void ht_prefetch_bucket(const Htable *ht, uint64_t h) {
    if (ht->size[0]) __builtin_prefetch(&ht->buckets[0][h & (ht->size[0] - 1)]);
}
static inline void ht_prefetch_first(const Htable *ht, uint64_t h) {
    if (ht->size[0]) {
        void *e = ht->buckets[0][h & (ht->size[0] - 1)];
        if (e) __builtin_prefetch(e);
    }
}
void *ht_find(Htable *ht, const char *key, size_t len);
void *ht_find_hashed(Htable *ht, const char *key, size_t len, uint64_t hash);
/* The caller guarantees no entry with the same key is present. */
void ht_add(Htable *ht, void *entry);
void ht_add_hashed(Htable *ht, void *entry, uint64_t hash);
/* Unlinks and returns the entry with this key, or NULL. */
void *ht_remove(Htable *ht, const char *key, size_t len);
void *ht_remove_hashed(Htable *ht, const char *key, size_t len, uint64_t hash);
/* Put new_entry where old_entry is linked (same key; old_entry may already
 * be freed by realloc, so it is only compared, never read). Returns 0 when
 * old_entry was not found. */
int ht_replace(Htable *ht, const void *old_entry, void *new_entry, const char *key, size_t len);
int ht_replace_hashed(Htable *ht, const void *old_entry, void *new_entry, uint64_t hash);
/* A random entry (NULL when empty); not perfectly uniform with long chains. */
void *ht_random(Htable *ht, uint64_t (*rand64)(void));
uint64_t ht_scan(Htable *ht, uint64_t cursor, ht_scan_fn *fn, void *priv);
/* Do n bucket moves of incremental rehashing; returns 1 if more remain. */
int ht_rehash_step(Htable *ht, int n);
/* Rehash for about ms milliseconds; returns the number of steps done. */
int ht_rehash_ms(Htable *ht, int ms);
/* Resize to fit the current count if the table is too sparse or full. */
void ht_resize_if_needed(Htable *ht);
/* Sizes the table for n entries at once (an empty one at once, a full
 * one by starting a rehash): before a bulk load of known size. */
void ht_expand(Htable *ht, uint64_t n);
size_t ht_mem_usage(const Htable *ht);

/* Iteration that tolerates removing the entry just returned. */
void ht_iter_init(HtIter *it, Htable *ht);
void *ht_iter_next(HtIter *it);
void ht_iter_done(HtIter *it);

#endif
