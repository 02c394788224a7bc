/* listpack.h - a list of strings and integers packed into one allocation,
 * in Valkey 8's exact binary format, so RDB and DUMP write it as a blob and
 * load Valkey's blobs unchanged.
 *
 * Layout (every multi-byte field little-endian, whatever the host):
 *   u32 total bytes | u16 count (65535: unknown, walk to count) |
 *   entries ... | 0xFF
 * Each entry is an encoding (type byte, plus length bytes for strings),
 * the data, and a "backlen": the size of encoding + data written in 1 to 5
 * bytes of 7 bits, read from its last byte backwards, so the list can be
 * walked in both directions.
 *
 * Invariants: the total in the header is the byte size of the listpack;
 * the count is exact or 65535; a string that is the canonical decimal text
 * of an int64 is always stored as an integer, in the smallest integer
 * encoding (what Valkey does, so the same inserts give the same bytes).
 *
 * An entry position is a pointer into the listpack (`unsigned char *p`).
 * Functions that can change the size may move the listpack: they return
 * the new pointer, like realloc, and every older entry pointer is stale
 * except those they hand back.  Entry pointers obtained through this API
 * from a listpack that passed lp_validate_integrity (even shallow) are
 * bounds-checked as they are produced: a corrupt listpack aborts with a
 * message instead of being read out of bounds. */
#ifndef DS_LISTPACK_H
#define DS_LISTPACK_H

#include <stddef.h>
#include <stdint.h>

#define LP_HDR_SIZE 6
/* The count field's value when the count does not fit in 16 bits. */
#define LP_COUNT_UNKNOWN 65535u
/* Room for the decimal text of any int64 ("-9223372036854775808"), NUL included. */
#define LP_INTBUF_SIZE 21
/* Valkey refuses to grow a listpack past 1 GB; types convert before that. */
#define LP_MAX_SAFE_SIZE ((size_t)1 << 30)

/* Where lp_insert puts the new entry relative to p. */
#define LP_BEFORE 0
#define LP_AFTER 1

/* One value, read out of or to be written into a listpack: a string when
 * sval is non-NULL (slen bytes), else the integer lval. */
typedef struct LpEntry {
    const char *sval;
    uint32_t slen;
    int64_t lval;
} LpEntry;

/* The caller's random source (the server's RNG), uniform over 64 bits. */
typedef uint64_t (*lp_rand_fn)(void);
/* Called by lp_validate_integrity for each entry (already bounds-checked);
 * head_count is the header's count. Return 0 to reject the listpack. */
typedef int (*lp_validate_entry_fn)(unsigned char *p, unsigned int head_count, void *cb_data);

/* ---------------------------------------------------------------- whole */

/* An empty listpack with room for capacity bytes (at least 7). */
unsigned char *lp_new(size_t capacity);
void lp_free(unsigned char *lp);
unsigned char *lp_dup(const unsigned char *lp);
/* Gives back spare capacity; returns the (possibly moved) listpack. */
unsigned char *lp_shrink_to_fit(unsigned char *lp);
/* Total bytes (the blob's size). */
size_t lp_bytes(const unsigned char *lp);
/* Number of entries; walks when the header says 65535 and stores the
 * result back when it fits. */
uint32_t lp_length(unsigned char *lp);
/* 1 when adding add_bytes keeps the listpack within LP_MAX_SAFE_SIZE. */
int lp_safe_to_add(const unsigned char *lp, size_t add_bytes);
/* Bytes one entry holding s/len (or v) takes: what an insert adds. */
size_t lp_entry_size_str(const char *s, size_t len);
size_t lp_entry_size_int(int64_t v);
/* Bytes of the backlen of an entry whose encoding and data take l bytes
 * (Valkey's thresholds, including the odd "< 16383": 16383 takes 3). */
static inline unsigned lp_backlen_len(uint64_t l) {
    if (l <= 127) return 1;
    if (l < 16383) return 2;
    if (l < 2097151) return 3;
    if (l < 268435455) return 4;
    return 5;
}
/* Appends *second to *first in one listpack: the larger of the two is
 * grown and the other freed. Afterwards *first is the result and *second
 * is NULL; the result is also returned. */
unsigned char *lp_merge(unsigned char **first, unsigned char **second);

/* -------------------------------------------------------------- reading */

/* An integer entry: returns NULL and sets *ival. A string entry: returns
 * its bytes (inside the listpack) and sets *slen. */
const char *lp_get(const unsigned char *p, int64_t *ival, uint32_t *slen);
/* Always a string: integers are written into buf as decimal text. */
const char *lp_get_str(const unsigned char *p, char buf[LP_INTBUF_SIZE], uint32_t *len);
/* The entry as an LpEntry (string view or integer). */
void lp_get_entry(const unsigned char *p, LpEntry *e);
/* 1 and *v when the entry is an integer or a string that is the canonical
 * text of one; 0 otherwise. */
int lp_get_int(const unsigned char *p, int64_t *v);
/* Bytes the entry at p occupies (encoding, data and backlen). */
size_t lp_entry_bytes(const unsigned char *p);
/* Valkey's rule for storing a string as an integer: the canonical decimal
 * text of an int64 (no leading zeros, sign '-' only, not "-0", at most 20
 * characters). Returns 1 and sets *v when s/len is one. */
int lp_string_to_int64(const char *s, size_t len, int64_t *v);

/* ----------------------------------------------------------- navigation */

/* First/last entry, or NULL when empty. */
unsigned char *lp_first(unsigned char *lp);
unsigned char *lp_last(unsigned char *lp);
/* The entry after/before p, or NULL at the end/start. */
unsigned char *lp_next(unsigned char *lp, unsigned char *p);
unsigned char *lp_prev(unsigned char *lp, unsigned char *p);
/* The entry at index (negative: from the tail, -1 is the last), walking
 * from the nearer end; NULL when out of range. */
unsigned char *lp_seek(unsigned char *lp, long index);

/* -------------------------------------------------------------- writing */

unsigned char *lp_append(unsigned char *lp, const char *s, size_t len);
unsigned char *lp_prepend(unsigned char *lp, const char *s, size_t len);
unsigned char *lp_append_int(unsigned char *lp, int64_t v);
unsigned char *lp_prepend_int(unsigned char *lp, int64_t v);
/* Inserts before or after the entry p (LP_BEFORE may also be given the
 * terminator, lp + lp_bytes(lp) - 1, to append). *newp (if newp is not
 * NULL) is set to the new entry. */
unsigned char *lp_insert(unsigned char *lp, const char *s, size_t len, unsigned char *p,
                         int where, unsigned char **newp);
unsigned char *lp_insert_int(unsigned char *lp, int64_t v, unsigned char *p, int where,
                             unsigned char **newp);
/* Replaces the entry *p; *p is updated to the new entry. */
unsigned char *lp_replace(unsigned char *lp, unsigned char **p, const char *s, size_t len);
unsigned char *lp_replace_int(unsigned char *lp, unsigned char **p, int64_t v);
/* Deletes the entry p; *next (if next is not NULL) becomes the entry that
 * followed it, or NULL when p was the last. */
unsigned char *lp_delete(unsigned char *lp, unsigned char *p, unsigned char **next);
/* Deletes up to count entries starting at index (negative: from the
 * tail); nothing when index is out of range. */
unsigned char *lp_delete_range(unsigned char *lp, long index, uint64_t count);
/* Deletes up to count entries starting at *p; *p becomes the entry after
 * them, or NULL. */
unsigned char *lp_delete_range_from(unsigned char *lp, unsigned char **p, uint64_t count);
/* Deletes the n entries in ps, which must be distinct and in listpack
 * order, with one pass of memmoves. */
unsigned char *lp_batch_delete(unsigned char *lp, unsigned char **ps, size_t n);
/* Appends n entries (strings or integers) with one reallocation. */
unsigned char *lp_batch_append(unsigned char *lp, const LpEntry *entries, size_t n);
/* Inserts n entries before or after p with one reallocation; *newp (if
 * not NULL) is set to the first of them. */
unsigned char *lp_batch_insert(unsigned char *lp, unsigned char *p, int where,
                               const LpEntry *entries, size_t n, unsigned char **newp);

/* ------------------------------------------------ building front to back
 * For a caller that knows every entry in order (RDB saving, bulk loads):
 * entries are written one after another into a buffer it sized itself,
 * without reallocation, header updates or allocator calls per entry.
 * lp_put_int needs LP_PUT_INT_MAX bytes of room at dst, lp_put_str
 * lp_put_str_max(len); both return the bytes written, and produce exactly
 * what lp_append would (a canonical integer text is stored as an integer).
 * The entries start at lp + LP_HDR_SIZE; lp_put_finish then writes the
 * terminator at end and the header for count entries, and returns the
 * listpack's size. */
#define LP_PUT_INT_MAX 10
static inline size_t lp_put_str_max(size_t len) { return len + 10; }
size_t lp_put_int_wide(unsigned char *dst, int64_t v);
static inline size_t lp_put_int(unsigned char *dst, int64_t v) {
    if (v >= 0 && v <= 127) {
        dst[0] = (unsigned char)v;
        dst[1] = 1;
        return 2;
    }
    if (v >= -4096 && v <= 4095) {
        uint64_t u = (uint64_t)v;
        dst[0] = (unsigned char)(0xC0 | ((u >> 8) & 0x1F));
        dst[1] = (unsigned char)u;
        dst[2] = 2;
        return 3;
    }
    return lp_put_int_wide(dst, v);
}
size_t lp_put_str(unsigned char *dst, const char *s, size_t len);
size_t lp_put_finish(unsigned char *lp, unsigned char *end, uint64_t count);

/* ---------------------------------------------- reading front to back
 * One pass over an untrusted listpack: lp_reader_init refuses (0) a blob
 * whose header total or terminator is wrong (the shallow check), then
 * lp_reader_next checks each entry as deep validation does (bounds,
 * canonical backlen) and decodes it: 1 with *e set, 0 at a well-placed
 * terminator, -1 when the entry is invalid.  Entries read this way need
 * no second validation walk; count the entries against lp_reader_count
 * (LP_COUNT_UNKNOWN: not recorded) when that matters. */
typedef struct LpReader {
    const unsigned char *p, *end; /* end: the terminator */
} LpReader;
int lp_reader_init(LpReader *r, const unsigned char *lp, size_t size);
int lp_reader_next_slow(LpReader *r, LpEntry *e);
static inline int lp_reader_next(LpReader *r, LpEntry *e) {
    const unsigned char *p = r->p;
    size_t room = (size_t)(r->end - p);
    /* The small encodings, most entries, inline: 7-bit integers, 6-bit
     * strings and 13-bit integers, each with its one-byte backlen. */
    if (room >= 2) {
        unsigned char b = p[0];
        if (b < 0x80) {
            if (p[1] != 1) return -1;
            e->sval = NULL;
            e->slen = 0;
            e->lval = b;
            r->p = p + 2;
            return 1;
        }
        if (b < 0xC0) {
            size_t l = b & 0x3F;
            if (room < l + 2 || p[1 + l] != l + 1) return -1;
            e->sval = (const char *)p + 1;
            e->slen = (uint32_t)l;
            e->lval = 0;
            r->p = p + l + 2;
            return 1;
        }
        if (b < 0xE0 && room >= 3) {
            if (p[2] != 2) return -1;
            uint64_t u = ((uint64_t)(b & 0x1F) << 8) | p[1];
            e->sval = NULL;
            e->slen = 0;
            e->lval = u >= 4096 ? (int64_t)u - 8192 : (int64_t)u;
            r->p = p + 3;
            return 1;
        }
    }
    return lp_reader_next_slow(r, e);
}
/* Every entry of an untrusted listpack of size bytes read into an array,
 * with all of deep validation's checks (lp_validate_integrity, deep) in
 * one pass, the header's count included.  *out starts as the caller's
 * array of room entries; past that a bigger one is allocated (mem_free
 * it when *out no longer points at the caller's).  Returns the number of
 * entries, or -1 when the listpack is invalid.  String views point into
 * lp. */
long lp_read_all(const unsigned char *lp, size_t size, LpEntry **out, size_t room);
static inline uint32_t lp_reader_count(const unsigned char *lp) {
    return (uint32_t)lp[4] | (uint32_t)lp[5] << 8;
}

/* --------------------------------------------------------------- search */

/* The first entry from p on equal to s/len, comparing only every
 * (skip+1)-th entry (skip = 1: the fields of field/value pairs). Integer
 * entries match the needle's canonical integer text. NULL when none. */
unsigned char *lp_find(unsigned char *lp, unsigned char *p, const char *s, size_t len,
                       unsigned int skip);
/* 1 when the entry at p equals s/len (by the same rule as lp_find). */
int lp_compare(const unsigned char *p, const char *s, size_t len);

/* --------------------------------------------------------------- random */

/* A uniformly chosen entry, or NULL when empty. */
unsigned char *lp_random_entry(unsigned char *lp, lp_rand_fn rand64);
/* count entries chosen uniformly with repeats, in the order drawn (the
 * listpack must not be empty when count > 0). */
void lp_random_entries(unsigned char *lp, uint32_t count, lp_rand_fn rand64, LpEntry *out);
/* For a field/value listpack of pair_count pairs (> 0): one random pair;
 * val may be NULL. */
void lp_random_pair(unsigned char *lp, uint32_t pair_count, lp_rand_fn rand64, LpEntry *key,
                    LpEntry *val);
/* count random pairs with repeats, in the order drawn; vals may be NULL. */
void lp_random_pairs(unsigned char *lp, uint32_t count, lp_rand_fn rand64, LpEntry *keys,
                     LpEntry *vals);
/* Up to count distinct random pairs in listpack order; returns how many
 * (count, or the number of pairs if fewer). vals may be NULL. */
uint32_t lp_random_pairs_unique(unsigned char *lp, uint32_t count, lp_rand_fn rand64,
                                LpEntry *keys, LpEntry *vals);
/* Selection sampling, one forward pass: from p (whose index is *index),
 * returns the next entry to pick when `remaining` more must be picked
 * from here to the end, and sets *index to its index. With even_only only
 * even indexes (pair fields) are candidates. Call lp_next (index + 1)
 * after using the result. NULL when nothing is left. */
unsigned char *lp_next_random(unsigned char *lp, unsigned char *p, uint32_t *index,
                              uint32_t remaining, int even_only, lp_rand_fn rand64);

/* ----------------------------------------------------------- validation */

/* Checks an untrusted blob of size bytes, never reading outside it.
 * Shallow (deep = 0): the header's total equals size and the last byte is
 * the terminator. Deep: also every entry's encoding, length and backlen
 * lie within bounds and agree, the terminator follows the last entry, and
 * the count matches unless it is 65535; entry_cb (if not NULL) is called
 * for each entry. Returns 1 when valid. */
int lp_validate_integrity(unsigned char *lp, size_t size, int deep, lp_validate_entry_fn entry_cb,
                          void *cb_data);
/* For callers walking untrusted data themselves (after a shallow check):
 * the first entry (NULL when empty), then lp_validate_next checks the
 * entry *pp and advances it (to NULL at the terminator). Returns 0 when
 * the entry is invalid. */
unsigned char *lp_validate_first(unsigned char *lp);
int lp_validate_next(unsigned char *lp, unsigned char **pp, size_t lpbytes);

#endif
