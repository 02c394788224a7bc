/* htable.c - intrusive chained hash table with incremental rehashing
 * (see htable.h for the invariants). */
#include "htable.h"

#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "alloc.h"
#include "resize_policy.h"
#include "unaligned.h"

#define HT_MIN_SIZE 4

int ds_resize_avoid;

/* Grow at one entry a bucket, shrink under one per eight; while the
 * resize policy says avoid (a fork shares the pages), only at
 * RESIZE_FORCE_RATIO times those fills (resize_policy.h). */
static inline int should_grow(const Htable *ht) {
    return ht->size[0] &&
           ht_count(ht) >= ht->size[0] * (ds_resize_avoid ? RESIZE_FORCE_RATIO : 1);
}

static inline int should_shrink(const Htable *ht) {
    return ht->size[0] > HT_MIN_SIZE &&
           ht_count(ht) * 8 * (ds_resize_avoid ? RESIZE_FORCE_RATIO : 1) < ht->size[0];
}

static inline void *next_of(const Htable *ht, const void *e) {
    return load_ptr((const char *)e + ht->type->next_offset);
}

static inline void set_next(const Htable *ht, void *e, void *next) {
    store_ptr((char *)e + ht->type->next_offset, next);
}

static inline int keys_equal(const Htable *ht, const void *e, const char *key, size_t len) {
    const char *k;
    size_t kl;
    ht->type->entry_key(e, &k, &kl);
    if (ht->type->key_eq) return ht->type->key_eq(k, kl, key, len);
    return kl == len && memcmp(k, key, len) == 0;
}

static uint64_t entry_hash(const Htable *ht, const void *e) {
    const char *k;
    size_t kl;
    ht->type->entry_key(e, &k, &kl);
    return ht->type->hash(k, kl);
}

Htable *ht_create(const HtType *type) {
    Htable *ht = mem_calloc(sizeof(*ht));
    ht->type = type;
    ht->rehash_idx = -1;
    return ht;
}

static void reset_table(Htable *ht, int t) {
    ht->buckets[t] = NULL;
    ht->size[t] = 0;
    ht->used[t] = 0;
}

void ht_clear(Htable *ht, void (*free_entry)(void *entry)) {
    for (int t = 0; t < 2; t++) {
        if (free_entry) {
            for (uint64_t i = 0; i < ht->size[t]; i++) {
                void *e = ht->buckets[t][i];
                while (e) {
                    void *n = next_of(ht, e);
                    free_entry(e);
                    e = n;
                }
            }
        }
        mem_free(ht->buckets[t]);
        reset_table(ht, t);
    }
    ht->rehash_idx = -1;
}

void ht_release(Htable *ht, void (*free_entry)(void *entry)) {
    if (!ht) return;
    ht_clear(ht, free_entry);
    mem_free(ht);
}

uint64_t ht_hash(const Htable *ht, const char *key, size_t len) {
    return ht->type->hash(key, len);
}

static uint64_t size_for(uint64_t count) {
    uint64_t s = HT_MIN_SIZE;
    while (s < count) s <<= 1;
    return s;
}

/* Start moving everything into a new table of the given size. */
static void start_resize(Htable *ht, uint64_t newsize) {
    if (ht_is_rehashing(ht) || newsize == ht->size[0]) return;
    void **nb = mem_calloc(newsize * sizeof(void *));
    if (ht->size[0] == 0) {
        ht->buckets[0] = nb;
        ht->size[0] = newsize;
        return;
    }
    ht->buckets[1] = nb;
    ht->size[1] = newsize;
    ht->used[1] = 0;
    ht->rehash_idx = 0;
}

void ht_expand(Htable *ht, uint64_t n) {
    uint64_t want = size_for(n);
    if (ht_is_rehashing(ht) || want <= ht->size[0]) return;
    if (ht_count(ht) == 0 && ht->size[0]) {
        mem_free(ht->buckets[0]);
        reset_table(ht, 0);
    }
    start_resize(ht, want);
}

int ht_rehash_step(Htable *ht, int n) {
    if (!ht_is_rehashing(ht)) return 0;
    int empty_visits = n * 10;
    uint64_t mask1 = ht->size[1] - 1;
    while (n-- && ht->used[0] != 0) {
        while (ht->buckets[0][ht->rehash_idx] == NULL) {
            ht->rehash_idx++;
            if (--empty_visits == 0) return 1;
        }
        void *e = ht->buckets[0][ht->rehash_idx];
        while (e) {
            void *next = next_of(ht, e);
            uint64_t idx = entry_hash(ht, e) & mask1;
            set_next(ht, e, ht->buckets[1][idx]);
            ht->buckets[1][idx] = e;
            ht->used[0]--;
            ht->used[1]++;
            e = next;
        }
        ht->buckets[0][ht->rehash_idx] = NULL;
        ht->rehash_idx++;
    }
    if (ht->used[0] == 0) {
        mem_free(ht->buckets[0]);
        ht->buckets[0] = ht->buckets[1];
        ht->size[0] = ht->size[1];
        ht->used[0] = ht->used[1];
        reset_table(ht, 1);
        ht->rehash_idx = -1;
        return 0;
    }
    return 1;
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ht_rehash_ms(Htable *ht, int ms) {
    if (ht->pause_rehash || !ds_rehash_may_move(ht->size[0], ht->size[1])) return 0;
    long long start = now_ms();
    int steps = 0;
    while (ht_rehash_step(ht, 100)) {
        steps += 100;
        if (now_ms() - start > ms) break;
    }
    return steps;
}

/* Rehash a little on every access, as long as no safe iterator is open. */
static inline void rehash_on_access(Htable *ht) {
    if (ht_is_rehashing(ht) && ht->pause_rehash == 0 && ds_rehash_may_move(ht->size[0], ht->size[1]))
        ht_rehash_step(ht, 1);
}

void ht_resize_if_needed(Htable *ht) {
    if (ht_is_rehashing(ht) || ht->pause_rehash) return;
    uint64_t count = ht_count(ht);
    if (should_grow(ht)) start_resize(ht, size_for(count + 1));
    else if (should_shrink(ht)) start_resize(ht, size_for(count));
}

void *ht_find_hashed(Htable *ht, const char *key, size_t len, uint64_t hash) {
    if (ht_count(ht) == 0) return NULL;
    rehash_on_access(ht);
    for (int t = 0; t < 2; t++) {
        if (ht->size[t] == 0) break;
        uint64_t idx = hash & (ht->size[t] - 1);
        if (t == 0 && ht_is_rehashing(ht) && (int64_t)idx < ht->rehash_idx) continue;
        for (void *e = ht->buckets[t][idx]; e; e = next_of(ht, e)) {
            if (keys_equal(ht, e, key, len)) return e;
        }
        if (!ht_is_rehashing(ht)) break;
    }
    return NULL;
}

void *ht_find(Htable *ht, const char *key, size_t len) {
    if (ht_count(ht) == 0) return NULL;
    return ht_find_hashed(ht, key, len, ht->type->hash(key, len));
}

void ht_add_hashed(Htable *ht, void *entry, uint64_t hash) {
    if (ht->size[0] == 0) start_resize(ht, HT_MIN_SIZE);
    rehash_on_access(ht);
    int t = ht_is_rehashing(ht) ? 1 : 0;
    uint64_t idx = hash & (ht->size[t] - 1);
    set_next(ht, entry, ht->buckets[t][idx]);
    ht->buckets[t][idx] = entry;
    ht->used[t]++;
    if (!ht_is_rehashing(ht) && ht->pause_rehash == 0 && should_grow(ht))
        start_resize(ht, size_for(ht_count(ht) + 1));
}

void ht_add(Htable *ht, void *entry) {
    ht_add_hashed(ht, entry, entry_hash(ht, entry));
}

/* Finds the link pointing at the entry with this key: either a bucket
 * slot or the next field of the previous entry.  Returns the table index
 * or -1. */
static int find_link(Htable *ht, const char *key, size_t len, const void *want, uint64_t hash,
                     char **link_out) {
    for (int t = 0; t < 2; t++) {
        if (ht->size[t] == 0) break;
        uint64_t idx = hash & (ht->size[t] - 1);
        if (t == 0 && ht_is_rehashing(ht) && (int64_t)idx < ht->rehash_idx) continue;
        char *link = (char *)&ht->buckets[t][idx];
        void *e = load_ptr(link);
        while (e) {
            if (want ? e == want : keys_equal(ht, e, key, len)) {
                *link_out = link;
                return t;
            }
            link = (char *)e + ht->type->next_offset;
            e = load_ptr(link);
        }
        if (!ht_is_rehashing(ht)) break;
    }
    return -1;
}

void *ht_remove(Htable *ht, const char *key, size_t len) {
    if (ht_count(ht) == 0) return NULL;
    return ht_remove_hashed(ht, key, len, ht->type->hash(key, len));
}

void *ht_remove_hashed(Htable *ht, const char *key, size_t len, uint64_t hash) {
    if (ht_count(ht) == 0) return NULL;
    rehash_on_access(ht);
    char *link;
    int t = find_link(ht, key, len, NULL, hash, &link);
    if (t < 0) return NULL;
    void *e = load_ptr(link);
    store_ptr(link, next_of(ht, e));
    ht->used[t]--;
    if (ht->pause_rehash == 0 && !ht_is_rehashing(ht) && should_shrink(ht)) start_resize(ht, size_for(ht_count(ht)));
    return e;
}

int ht_replace(Htable *ht, const void *old_entry, void *new_entry, const char *key, size_t len) {
    return ht_replace_hashed(ht, old_entry, new_entry, ht->type->hash(key, len));
}

int ht_replace_hashed(Htable *ht, const void *old_entry, void *new_entry, uint64_t hash) {
    char *link;
    int t = find_link(ht, NULL, 0, old_entry, hash, &link);
    if (t < 0) return 0;
    /* old_entry may have been moved by realloc: its next field now lives
     * in new_entry, which the caller copied over. */
    store_ptr(link, new_entry);
    return 1;
}

void *ht_random(Htable *ht, uint64_t (*rand64)(void)) {
    if (ht_count(ht) == 0) return NULL;
    rehash_on_access(ht);
    void *head = NULL;
    if (ht_is_rehashing(ht)) {
        uint64_t span = ht->size[0] + ht->size[1] - (uint64_t)ht->rehash_idx;
        while (!head) {
            uint64_t i = (uint64_t)ht->rehash_idx + rand64() % span;
            head = i >= ht->size[0] ? ht->buckets[1][i - ht->size[0]] : ht->buckets[0][i];
        }
    } else {
        uint64_t mask = ht->size[0] - 1;
        while (!head) head = ht->buckets[0][rand64() & mask];
    }
    uint64_t chain = 0;
    for (void *e = head; e; e = next_of(ht, e)) chain++;
    uint64_t pick = rand64() % chain;
    void *e = head;
    while (pick--) e = next_of(ht, e);
    return e;
}

static inline uint64_t rev64(uint64_t v) {
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) {
        r = (r << 1) | (v & 1);
        v >>= 1;
    }
    return r;
}

static void scan_bucket(Htable *ht, int t, uint64_t idx, ht_scan_fn *fn, void *priv) {
    for (void *e = ht->buckets[t][idx]; e;) {
        void *n = next_of(ht, e);
        fn(priv, e);
        e = n;
    }
}

/* The cursor's bits are incremented from the most significant end, so a
 * cursor names the same slice of the keyspace in a table of any size:
 * growing or shrinking between calls never skips an unvisited bucket. */
uint64_t ht_scan(Htable *ht, uint64_t v, ht_scan_fn *fn, void *priv) {
    if (ht_count(ht) == 0) return 0;
    ht->pause_rehash++;
    if (!ht_is_rehashing(ht)) {
        uint64_t m0 = ht->size[0] - 1;
        scan_bucket(ht, 0, v & m0, fn, priv);
        v |= ~m0;
        v = rev64(v);
        v++;
        v = rev64(v);
    } else {
        int small = ht->size[0] <= ht->size[1] ? 0 : 1;
        int big = 1 - small;
        uint64_t m0 = ht->size[small] - 1, m1 = ht->size[big] - 1;
        scan_bucket(ht, small, v & m0, fn, priv);
        do {
            scan_bucket(ht, big, v & m1, fn, priv);
            v |= ~m1;
            v = rev64(v);
            v++;
            v = rev64(v);
        } while (v & (m0 ^ m1));
    }
    ht->pause_rehash--;
    return v;
}

size_t ht_mem_usage(const Htable *ht) {
    return sizeof(*ht) + (ht->size[0] + ht->size[1]) * sizeof(void *);
}

void ht_iter_init(HtIter *it, Htable *ht) {
    it->ht = ht;
    it->table = 0;
    it->index = -1;
    it->next_entry = NULL;
    it->started = 0;
}

void *ht_iter_next(HtIter *it) {
    Htable *ht = it->ht;
    if (!it->started) {
        it->started = 1;
        ht->pause_rehash++;
    }
    while (!it->next_entry) {
        it->index++;
        if ((uint64_t)it->index >= ht->size[it->table]) {
            if (it->table == 1 || !ht_is_rehashing(ht)) return NULL;
            it->table = 1;
            it->index = 0;
            if (ht->size[1] == 0) return NULL;
        }
        it->next_entry = ht->buckets[it->table][it->index];
    }
    void *e = it->next_entry;
    it->next_entry = next_of(ht, e);
    return e;
}

void ht_iter_done(HtIter *it) {
    if (it->started) it->ht->pause_rehash--;
    it->started = 0;
}
