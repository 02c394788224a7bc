/* fvtable.h - a chained hash table of field/value pairs whose entries are
 * one allocation each, holding the link, the lengths and the bytes inline:
 *     [next pointer][varint field len][varint value len][field][value]
 * The big encoding of hashes (OBJECT ENCODING "hashtable"): a pair costs
 * one block (a 10-byte field and a 7-byte value fit 32 bytes) plus its
 * share of the bucket array.
 *
 * Invariants:
 *  - table sizes are 0 or powers of two;
 *  - the table grows (doubling) when it holds more than two entries per
 *    bucket and shrinks when under one per eight, so the bucket array
 *    costs 4 to 8 bytes a pair at rest;
 *  - resizing is incremental: while rehash_idx >= 0, buckets
 *    [0, rehash_idx) of table 0 are empty and new entries go to table 1;
 *    every lookup or write moves one bucket unless pause > 0;
 *  - while the resize policy says avoid (a fork shares the pages), resizes
 *    wait for 4 times those fills and a rehash in progress waits unless
 *    it is such a forced one (resize_policy.h);
 *  - fvt_scan reports every entry present for a whole scan at least once
 *    across resizes (reverse-binary cursor);
 *  - fvt_random is uniform (rejection sampling over bucket positions).
 * Entries are handed out as `const void *` views for reading; only the
 * table writes them. */
#ifndef DS_FVTABLE_H
#define DS_FVTABLE_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t fvt_hash_fn(const char *key, size_t len);
typedef uint64_t fvt_rand_fn(void);

typedef struct FvTable {
    unsigned char **b[2];   /* bucket arrays: each slot holds an entry pointer */
    uint64_t size[2];
    uint64_t used[2];
    int64_t rehash_idx;     /* -1 when not rehashing */
    uint32_t pause;         /* scans/iterators running: no rehash steps */
    uint32_t rand_depth;    /* fvt_random's chain bound (grows if ever exceeded) */
    fvt_hash_fn *hash;
} FvTable;

FvTable *fvt_create(fvt_hash_fn *hash);
void fvt_release(FvTable *t);
/* Sizes the table for n entries at once (before a bulk load). */
void fvt_expand(FvTable *t, uint64_t n);
static inline uint64_t fvt_count(const FvTable *t) { return t->used[0] + t->used[1]; }
static inline int fvt_is_rehashing(const FvTable *t) { return t->rehash_idx != -1; }

/* The entry whose field is f, or NULL. */
const void *fvt_find(FvTable *t, const char *f, size_t flen);
/* Sets f to v; returns 1 if f was added, 0 if its value was replaced. */
int fvt_set(FvTable *t, const char *f, size_t flen, const char *v, size_t vlen);
/* Adds a pair the caller knows is absent (conversions, copies). */
void fvt_add_new(FvTable *t, const char *f, size_t flen, const char *v, size_t vlen);
/* Removes f; returns 1 if it was there. */
int fvt_delete(FvTable *t, const char *f, size_t flen);

void fvt_entry_field(const void *e, const char **f, size_t *flen);
void fvt_entry_value(const void *e, const char **v, size_t *vlen);
void fvt_entry_pair(const void *e, const char **f, size_t *flen, const char **v, size_t *vlen);

/* A uniformly chosen entry, NULL when empty. */
const void *fvt_random(FvTable *t, fvt_rand_fn *rand64);

typedef void fvt_scan_fn(void *priv, const void *entry);
/* Reports one bucket's entries (more while rehashing); returns the next
 * cursor, 0 when done.  fn must not change the table. */
uint64_t fvt_scan(FvTable *t, uint64_t cursor, fvt_scan_fn *fn, void *priv);

/* Iteration; the table must not change until fvt_iter_done. */
typedef struct FvtIter {
    FvTable *t;
    int table;
    uint64_t idx;
    const unsigned char *next;
    int started;
} FvtIter;
void fvt_iter_init(FvtIter *it, FvTable *t);
const void *fvt_iter_next(FvtIter *it);
void fvt_iter_done(FvtIter *it);

FvTable *fvt_dup(FvTable *t);
/* Bytes used: the table, its buckets and its entries; with 0 < samples <
 * count, the entries are estimated from the first `samples` ones. */
size_t fvt_mem_usage(FvTable *t, uint64_t samples);
/* Do n bucket moves of a resize in progress; returns 1 if more remain. */
int fvt_rehash_step(FvTable *t, int n);
/* Structural check (placement, counts, rehash state, lookups find each
 * entry): NULL or what is wrong.  O(n). */
const char *fvt_check(FvTable *t);

#endif
