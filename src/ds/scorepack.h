/* scorepack.h - the (member, score) pairs of a small sorted set in one
 * allocation, ordered by (score, member bytes): the in-memory form of the
 * sorted sets Valkey keeps as a listpack.  OBJECT ENCODING still says
 * "listpack", and RDB/DUMP write Valkey's listpack bytes (the zset type
 * converts, see zset_to_listpack).
 *
 * Why not the listpack itself: a listpack entry carries a back-length
 * byte and an encoding byte, and a score is stored as its text, so the
 * pair ("m3", 3) takes 6 bytes there against 4 here, and the header and
 * end byte 7 against 2: ten such pairs are 67 bytes (an 80-byte block)
 * there, 42 (a 48-byte block) here.  Members are stored whole, not front-coded
 * like pairpack's fields: a member is then a plain byte range of the pack
 * (zero-copy views, lexicographic ranges compared in place), and
 * neighbours in score order rarely share much.
 *
 * Layout (a pack never leaves memory: host byte order, nothing aligned):
 *   varint body bytes | varint count | count entries (the body)
 *   entry: varint (member length * 2 + D) | member bytes | score
 *   score: D = 0: an integral score i with |i| <= 2^53 other than -0.0,
 *                 as the varint of zigzag(i) (0, -1, 1, -2 -> 0, 1, 2, 3),
 *                 so 0..63 and -64..-1 take one byte;
 *          D = 1: any other score, its 8 bytes (a double, host order).
 * Varints are LEB128 (varint.h).
 *
 * Invariants (sp_validate checks all but the last):
 *  - the header's body length and count are exact;
 *  - entries are in strictly increasing (score, member bytes) order,
 *    member bytes compared as memcmp then length;
 *  - a score is never NaN, and is integer-coded exactly when it can be
 *    (one form per value); varints are in their shortest form;
 *  - a member appears once (the caller's lookups guarantee it).
 *
 * Positions are byte offsets from the start of the pack (header
 * included); they stay valid until the next change.  Every operation
 * walks from the start, as a listpack's would: packs are bounded by
 * zset-max-listpack-entries.  A pack stays below 4 GiB (offsets fit 32
 * bits); the zset type converts long before (1 GB, as Valkey). */
#ifndef DS_SCOREPACK_H
#define DS_SCOREPACK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "byteview.h"
#include "varint.h"

/* Largest magnitude stored as an integer: every integer up to it is
 * exactly a double. */
#define SP_INT_LIMIT 9007199254740992.0 /* 2^53 */
/* The biggest pack (offsets are uint32_t). */
#define SP_MAX_BYTES 0xFFFFFFF0u

/* One entry read from a pack: m points into the pack. */
typedef struct SpEntry {
    const char *m;
    size_t len;
    double score;
    size_t off;  /* this entry's offset */
    size_t next; /* the next entry's offset (sp_bytes after the last) */
} SpEntry;

static inline double sp_unzigzag(uint64_t z) {
    int64_t i = (int64_t)(z >> 1);
    return (double)((z & 1) ? -i - 1 : i);
}

/* Decodes the entry at off (an entry's offset, below sp_bytes). */
static inline void sp_get(const unsigned char *sp, size_t off, SpEntry *e) {
    const unsigned char *p = sp + off;
    uint64_t h;
    p = varint_get(p, &h);
    e->m = (const char *)p;
    e->len = (size_t)(h >> 1);
    p += e->len;
    if (h & 1) {
        memcpy(&e->score, p, sizeof(double));
        p += sizeof(double);
    } else if (*p < 0x80) {
        e->score = sp_unzigzag(*p++);
    } else {
        uint64_t z;
        p = varint_get(p, &z);
        e->score = sp_unzigzag(z);
    }
    e->off = off;
    e->next = (size_t)(p - sp);
}

unsigned char *sp_new(void);
void sp_free(unsigned char *sp);
unsigned char *sp_dup(const unsigned char *sp);
/* Logical size (header included): what the allocation holds. */
size_t sp_bytes(const unsigned char *sp);
uint32_t sp_count(const unsigned char *sp);
/* Offset of the first entry (== sp_bytes when empty). */
size_t sp_first(const unsigned char *sp);
/* Offset of entry i (0-based; i == count gives sp_bytes). */
size_t sp_seek(const unsigned char *sp, uint32_t i);
/* Offsets of the n entries first.. first+n-1 into out (in range). */
void sp_offsets(const unsigned char *sp, uint32_t first, uint32_t n, uint32_t *out);

/* The index of member m and its entry in *e (may be NULL), or -1. */
long sp_find(const unsigned char *sp, const char *m, size_t len, SpEntry *e);
/* Inserts (score, m) at its place: m must be absent, score not NaN.
 * Returns the pack (it may move); *index (may be NULL) gets the new
 * entry's index. */
unsigned char *sp_insert(unsigned char *sp, double score, const char *m, size_t len, uint32_t *index);
/* Removes n entries from the one at offset off on (they must exist). */
unsigned char *sp_delete(unsigned char *sp, size_t off, uint32_t n);
/* Removes the entries of indexes first .. first+n-1 (in range). */
unsigned char *sp_delete_range(unsigned char *sp, uint32_t first, uint32_t n);
/* The bytes an entry for (score, member of len bytes) takes. */
size_t sp_entry_size(double score, size_t len);

/* Building a pack from pairs in order: each pair must sort after the
 * one before. */
typedef struct SpBuilder {
    unsigned char *buf;
    size_t len, cap, last; /* last: offset of the last entry added */
    uint32_t count;
} SpBuilder;
void sp_builder_init(SpBuilder *b);
/* Appends (score, m) and returns 1 when it sorts after the last pair
 * added (score not NaN); otherwise appends nothing and returns 0. */
int sp_builder_add(SpBuilder *b, double score, const char *m, size_t len);
/* The pack, sized exactly; the builder is released. */
unsigned char *sp_builder_finish(SpBuilder *b);
/* Releases a builder without making a pack. */
void sp_builder_abort(SpBuilder *b);

/* A (member, score) pair to build a pack from. */
typedef struct SpItem {
    ByteView m;
    double score;
} SpItem;
/* The pack of the n items, written in one pass into one allocation of its
 * exact size, when they are in strictly increasing (score, member) order
 * with no NaN score; NULL (nothing allocated) when they are not.  No
 * member may repeat (the caller checked). */
unsigned char *sp_from_items(const SpItem *items, size_t n);

/* Random access by index: the offset of every entry, held inline for
 * small packs.  Valid until the pack changes. */
#define SP_INDEX_INLINE 128
typedef struct SpIndex {
    uint32_t *off;
    uint32_t n;
    uint32_t inl[SP_INDEX_INLINE];
} SpIndex;
void sp_index_init(SpIndex *ix, const unsigned char *sp);
void sp_index_free(SpIndex *ix);
static inline void sp_index_get(const unsigned char *sp, const SpIndex *ix, uint32_t i, SpEntry *e) {
    sp_get(sp, ix->off[i], e);
}

/* Checks a pack of `size` bytes without reading outside it: header,
 * every varint (bounded, shortest form), member lengths, score forms,
 * NaN, the order and the count.  Returns NULL or what is wrong. */
const char *sp_validate(const unsigned char *sp, size_t size);

#endif
