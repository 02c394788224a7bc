/* packset.h - a dense hash set of byte strings: the big encoding of sets.
 *
 * Why: a set of a million 16-byte members as one allocation per member
 * plus a bucket pointer costs about 40 bytes a member.  Here a bucket is
 * one allocation holding its members packed back to back, so a member
 * costs its bytes plus a one-byte length, and the bucket pointer and
 * allocator rounding are shared by ~6 members: about 20 bytes a member.
 *
 * Layout of a bucket (NULL when empty):
 *   u32 n (entries, host order, read with memcpy) | n entries
 * An entry is a varint (7 bits a byte, low bits first, high bit =
 * "more") holding len * 2 + external, then either the len bytes of the
 * member (inline) or, for members of PACKSET_EXTERNAL_MIN bytes or more,
 * a pointer to an allocation holding them (so a bucket stays small and a
 * write never moves a huge member).
 *
 * Growth is linear hashing: with level k and split pointer p (0 <= p <
 * 2^k) there are 2^k + p buckets; a member with hash h lives in bucket
 * h mod 2^k, or h mod 2^(k+1) when that is below p.  One bucket is split
 * (or two merged) at a time as the count passes the load bounds, so no
 * operation ever rehashes the whole set.
 *
 * Invariants:
 *  - every member is in the bucket its hash selects, once;
 *  - count is the sum of the buckets' n; no bucket is allocated empty;
 *  - max_fill >= every bucket's n (random picks rely on it);
 *  - packset_scan reports every member present for a whole scan at least
 *    once, whatever splits and merges happen between calls (reverse-binary
 *    cursor over the 2^k logical buckets, logical bucket i being buckets i
 *    and i + 2^k);
 *  - member pointers handed out (iteration, lookups, random picks) stay
 *    valid only until the next change to the set. */
#ifndef DS_PACKSET_H
#define DS_PACKSET_H

#include <stddef.h>
#include <stdint.h>

/* Members at least this long live in their own allocation. */
#define PACKSET_EXTERNAL_MIN 512

typedef uint64_t packset_hash_fn(const char *p, size_t len);

typedef struct PackSet {
    unsigned char **buckets;  /* 2^level + split used, cap allocated */
    uint64_t count;           /* members */
    uint64_t cap;             /* directory slots allocated */
    uint64_t split;           /* linear hashing's split pointer */
    uint64_t external;        /* members held out of line */
    uint32_t level;
    uint32_t max_fill;        /* upper bound of any bucket's n */
    packset_hash_fn *hash;
} PackSet;

/* A member's place, from a lookup or a random pick; valid until the next
 * change to the set. */
typedef struct PackSetPos {
    uint64_t bucket;
    uint32_t index;           /* entry number in the bucket */
    size_t off;               /* byte offset of the entry */
} PackSetPos;

typedef struct PackSetIter {
    const PackSet *s;
    uint64_t bucket;
    uint32_t index;
    size_t off;
} PackSetIter;

typedef void packset_scan_fn(void *priv, const char *p, size_t len);

/* An empty set sized for about size_hint members. */
PackSet *packset_new(packset_hash_fn *hash, uint64_t size_hint);
void packset_free(PackSet *s);
/* A deep copy. */
PackSet *packset_dup(const PackSet *s);

static inline uint64_t packset_count(const PackSet *s) { return s->count; }
static inline uint64_t packset_buckets(const PackSet *s) { return ((uint64_t)1 << s->level) + s->split; }

/* Adds a member: 1 if it was new, 0 if already there. */
int packset_add(PackSet *s, const char *p, size_t len);
/* Adds n members in order, exactly as n calls of packset_add would
 * (a member repeated within the batch is added once); added[i] (when
 * added is not NULL) gets each call's result.  Returns how many were new.
 * For bulk loads: the batch's hashes are computed and its buckets
 * prefetched first, so the cache misses of a big set overlap. */
uint64_t packset_add_many(PackSet *s, const char *const *p, const size_t *len, size_t n, unsigned char *added);
/* Adds a member the caller knows is absent (conversions, copies). */
void packset_add_new(PackSet *s, const char *p, size_t len);
/* Removes a member: 1 if it was there. */
int packset_remove(PackSet *s, const char *p, size_t len);
int packset_contains(const PackSet *s, const char *p, size_t len);
/* Finds a member's place; 0 when absent. */
int packset_find(const PackSet *s, const char *p, size_t len, PackSetPos *pos);

/* A member chosen uniformly at random (the set must not be empty). */
void packset_random(const PackSet *s, uint64_t (*rand64)(void), PackSetPos *pos);
/* The member at pos. */
void packset_member_at(const PackSet *s, const PackSetPos *pos, const char **p, size_t *len);
/* Removes the member at pos. */
void packset_delete_at(PackSet *s, const PackSetPos *pos);

/* Iteration in bucket order; the set must not change meanwhile. */
void packset_iter_init(PackSetIter *it, const PackSet *s);
int packset_iter_next(PackSetIter *it, const char **p, size_t *len);

/* Reports the members of one logical bucket to fn and returns the next
 * cursor (0 when the scan is complete).  fn must not change the set. */
uint64_t packset_scan(const PackSet *s, uint64_t cursor, packset_scan_fn *fn, void *priv);

/* Bytes used (allocator's usable sizes).  With samples > 0 and more
 * buckets than that, the members' share is estimated from `samples`
 * buckets spread over the directory. */
size_t packset_mem_usage(const PackSet *s, uint64_t samples);
/* Allocations freeing the set releases. */
size_t packset_allocations(const PackSet *s);
/* Checks every invariant; returns NULL or what is wrong.  O(n). */
const char *packset_check(const PackSet *s);

#endif
