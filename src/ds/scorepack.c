/* scorepack.c - ordered (member, score) pairs for small sorted sets (see
 * scorepack.h for the layout and invariants).
 *
 * Every write is one splice: a run of entries replaced by another (either
 * may be empty), the header rewritten (its varints may change length and
 * move the body by a byte or two), and the allocation resized to the
 * exact logical size, so the allocator's size class is the one the bytes
 * need and nothing more. */
#include "scorepack.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"

/* Room the builder keeps for the longest header (two 5-byte varints). */
#define BUILD_RESERVE 10

static void sp_panic(const char *why) {
    fprintf(stderr, "scorepack: %s\n", why);
    abort();
}

/* ------------------------------------------------------------- header */

static inline size_t hdr_read(const unsigned char *sp, uint64_t *body, uint64_t *count) {
    const unsigned char *p = varint_get(sp, body);
    p = varint_get(p, count);
    return (size_t)(p - sp);
}

static inline size_t hdr_len(uint64_t body, uint64_t count) {
    return varint_len(body) + varint_len(count);
}

static inline void hdr_put(unsigned char *sp, uint64_t body, uint64_t count) {
    size_t n = varint_put(sp, body);
    varint_put(sp + n, count);
}

size_t sp_bytes(const unsigned char *sp) {
    uint64_t body, count;
    return hdr_read(sp, &body, &count) + (size_t)body;
}

uint32_t sp_count(const unsigned char *sp) {
    uint64_t body, count;
    hdr_read(sp, &body, &count);
    return (uint32_t)count;
}

size_t sp_first(const unsigned char *sp) {
    uint64_t body, count;
    return hdr_read(sp, &body, &count);
}

unsigned char *sp_new(void) {
    unsigned char *sp = mem_alloc(2);
    sp[0] = 0;
    sp[1] = 0;
    return sp;
}

void sp_free(unsigned char *sp) {
    mem_free(sp);
}

unsigned char *sp_dup(const unsigned char *sp) {
    size_t n = sp_bytes(sp);
    unsigned char *copy = mem_alloc(n);
    memcpy(copy, sp, n);
    return copy;
}

/* ------------------------------------------------------------ entries */

/* The integer a score is stored as, when it has that form. */
static inline int score_as_int(double d, int64_t *i) {
    if (!(d >= -SP_INT_LIMIT && d <= SP_INT_LIMIT)) return 0; /* NaN too */
    int64_t v = (int64_t)d;
    if ((double)v != d || (v == 0 && signbit(d))) return 0;
    *i = v;
    return 1;
}

static inline uint64_t zigzag(int64_t i) {
    return i < 0 ? ((uint64_t)(-(i + 1)) << 1) | 1 : (uint64_t)i << 1;
}

size_t sp_entry_size(double score, size_t len) {
    int64_t i;
    if (score_as_int(score, &i)) return varint_len((uint64_t)len << 1) + len + varint_len(zigzag(i));
    return varint_len(((uint64_t)len << 1) | 1) + len + sizeof(double);
}

/* Writes an entry of sp_entry_size(score, len) bytes at p; returns that size. */
static size_t entry_put(unsigned char *p, double score, const char *m, size_t len) {
    int64_t i;
    int as_int = score_as_int(score, &i);
    unsigned char *start = p;
    p += varint_put(p, ((uint64_t)len << 1) | (uint64_t)!as_int);
    if (len <= 8) for (size_t k = 0; k < len; k++) p[k] = (unsigned char)m[k]; /* short members: no call */
    else memcpy(p, m, len);
    p += len;
    if (as_int) {
        p += varint_put(p, zigzag(i));
    } else {
        memcpy(p, &score, sizeof(double));
        p += sizeof(double);
    }
    return (size_t)(p - start);
}

/* The offset after the entry at off, without decoding the score. */
static inline size_t entry_skip(const unsigned char *sp, size_t off) {
    const unsigned char *p = sp + off;
    uint64_t h;
    p = varint_get(p, &h);
    p += h >> 1;
    if (h & 1) {
        p += sizeof(double);
    } else {
        while (*p & 0x80) p++;
        p++;
    }
    return (size_t)(p - sp);
}

/* An entry against (score, m): <0, 0, >0. */
/* The pack's order: (score, member bytes), members as memcmp then length. */
static inline int pair_cmp(double sa, const char *ma, size_t la, double sb, const char *mb, size_t lb) {
    if (sa < sb) return -1;
    if (sa > sb) return 1;
    size_t n = la < lb ? la : lb;
    int c = n ? memcmp(ma, mb, n) : 0;
    if (c) return c;
    return la < lb ? -1 : la > lb;
}

static inline int entry_cmp(const SpEntry *e, double score, const char *m, size_t len) {
    return pair_cmp(e->score, e->m, e->len, score, m, len);
}

/* ------------------------------------------------------------- splice */

/* Replaces the del bytes of body at offset off with room for ins bytes
 * (the caller writes them at *at), the count becoming count.  Moves are
 * ordered so nothing is overwritten before it has moved: when the pack
 * grows, the tail moves right first (its new start lies beyond the old
 * end of what precedes off); when it shrinks, what precedes off moves
 * first (its new end lies before the old start of the tail). */
static unsigned char *splice(unsigned char *sp, size_t off, size_t del, size_t ins, uint64_t count, size_t *at) {
    uint64_t body, oldcount;
    size_t ho = hdr_read(sp, &body, &oldcount);
    size_t before = off - ho, tail = ho + (size_t)body - off - del;
    uint64_t nbody = body - del + ins;
    size_t hn = hdr_len(nbody, count);
    size_t oldtotal = ho + (size_t)body, newtotal = hn + (size_t)nbody;
    if (nbody > SP_MAX_BYTES - hn) sp_panic("pack would exceed 4 GB");
    if (newtotal > oldtotal) {
        sp = mem_realloc(sp, newtotal);
        if (tail) memmove(sp + hn + before + ins, sp + off + del, tail);
        if (hn != ho && before) memmove(sp + hn, sp + ho, before);
    } else {
        if (hn != ho && before) memmove(sp + hn, sp + ho, before);
        if (tail) memmove(sp + hn + before + ins, sp + off + del, tail);
        if (newtotal < oldtotal) sp = mem_realloc(sp, newtotal);
    }
    hdr_put(sp, nbody, count);
    *at = hn + before;
    return sp;
}

/* --------------------------------------------------------- operations */

size_t sp_seek(const unsigned char *sp, uint32_t i) {
    size_t off = sp_first(sp);
    while (i--) off = entry_skip(sp, off);
    return off;
}

void sp_offsets(const unsigned char *sp, uint32_t first, uint32_t n, uint32_t *out) {
    size_t off = sp_seek(sp, first);
    for (uint32_t k = 0; k < n; k++) {
        out[k] = (uint32_t)off;
        off = entry_skip(sp, off);
    }
}

long sp_find(const unsigned char *sp, const char *m, size_t len, SpEntry *e) {
    uint64_t body, count;
    size_t h = hdr_read(sp, &body, &count);
    const unsigned char *p = sp + h, *end = p + body;
    for (long i = 0; p < end; i++) {
        const unsigned char *start = p;
        uint64_t hd;
        p = varint_get(p, &hd);
        size_t elen = (size_t)(hd >> 1);
        if (elen == len && (len == 0 || memcmp(p, m, len) == 0)) {
            if (e) sp_get(sp, (size_t)(start - sp), e);
            return i;
        }
        p += elen;
        if (hd & 1) {
            p += sizeof(double);
        } else {
            while (*p & 0x80) p++;
            p++;
        }
    }
    return -1;
}

unsigned char *sp_insert(unsigned char *sp, double score, const char *m, size_t len, uint32_t *index) {
    uint64_t body, count;
    size_t off = hdr_read(sp, &body, &count), end = off + (size_t)body;
    uint32_t i = 0;
    while (off < end) {
        SpEntry e;
        sp_get(sp, off, &e);
        if (entry_cmp(&e, score, m, len) > 0) break;
        off = e.next;
        i++;
    }
    size_t at, n = sp_entry_size(score, len);
    sp = splice(sp, off, 0, n, count + 1, &at);
    entry_put(sp + at, score, m, len);
    if (index) *index = i;
    return sp;
}

unsigned char *sp_delete(unsigned char *sp, size_t off, uint32_t n) {
    if (!n) return sp;
    size_t end = off;
    for (uint32_t k = 0; k < n; k++) end = entry_skip(sp, end);
    size_t at;
    return splice(sp, off, end - off, 0, sp_count(sp) - n, &at);
}

unsigned char *sp_delete_range(unsigned char *sp, uint32_t first, uint32_t n) {
    if (!n) return sp;
    return sp_delete(sp, sp_seek(sp, first), n);
}

/* ------------------------------------------------------------ builder */

void sp_builder_init(SpBuilder *b) {
    b->cap = 64;
    b->buf = mem_alloc(b->cap);
    b->len = BUILD_RESERVE;
    b->last = 0;
    b->count = 0;
}

int sp_builder_add(SpBuilder *b, double score, const char *m, size_t len) {
    if (isnan(score)) return 0;
    if (b->count) {
        SpEntry e;
        sp_get(b->buf, b->last, &e);
        if (entry_cmp(&e, score, m, len) >= 0) return 0;
    }
    size_t n = sp_entry_size(score, len);
    if (n > SP_MAX_BYTES - b->len) sp_panic("pack would exceed 4 GB");
    if (b->len + n > b->cap) {
        size_t cap = b->cap * 2;
        if (cap < b->len + n) cap = b->len + n;
        b->buf = mem_realloc(b->buf, cap);
        b->cap = cap;
    }
    b->last = b->len;
    entry_put(b->buf + b->len, score, m, len);
    b->len += n;
    b->count++;
    return 1;
}

unsigned char *sp_builder_finish(SpBuilder *b) {
    size_t body = b->len - BUILD_RESERVE;
    size_t h = hdr_len(body, b->count);
    unsigned char *sp = b->buf;
    memmove(sp + h, sp + BUILD_RESERVE, body);
    hdr_put(sp, body, b->count);
    sp = mem_realloc(sp, h + body);
    b->buf = NULL;
    return sp;
}

void sp_builder_abort(SpBuilder *b) {
    mem_free(b->buf);
    b->buf = NULL;
}

/* --------------------------------------------------------- from items */

unsigned char *sp_from_items(const SpItem *items, size_t n) {
    uint64_t body = 0;
    for (size_t i = 0; i < n; i++) {
        const SpItem *it = &items[i];
        if (isnan(it->score)) return NULL;
        if (i && pair_cmp(it[-1].score, it[-1].m.p, it[-1].m.len, it->score, it->m.p, it->m.len) >= 0) return NULL;
        body += sp_entry_size(it->score, it->m.len);
    }
    if (body > SP_MAX_BYTES) sp_panic("pack would exceed 4 GB");
    size_t h = hdr_len(body, n);
    unsigned char *sp = mem_alloc(h + (size_t)body), *p = sp + h;
    hdr_put(sp, body, n);
    for (size_t i = 0; i < n; i++) p += entry_put(p, items[i].score, items[i].m.p, items[i].m.len);
    return sp;
}

/* -------------------------------------------------------------- index */

void sp_index_init(SpIndex *ix, const unsigned char *sp) {
    ix->n = sp_count(sp);
    ix->off = ix->n <= SP_INDEX_INLINE ? ix->inl : mem_alloc(sizeof(uint32_t) * ix->n);
    sp_offsets(sp, 0, ix->n, ix->off);
}

void sp_index_free(SpIndex *ix) {
    if (ix->off != ix->inl) mem_free(ix->off);
    ix->off = ix->inl;
    ix->n = 0;
}

/* --------------------------------------------------------- validation */

/* A varint of at most 10 bytes ending before end, in its shortest form,
 * fitting 64 bits; NULL when not. */
static const unsigned char *varint_get_checked(const unsigned char *p, const unsigned char *end, uint64_t *v) {
    uint64_t r = 0;
    for (int k = 0; k < VARINT_MAX; k++) {
        if (p >= end) return NULL;
        unsigned char b = *p++;
        if (k == VARINT_MAX - 1 && b > 1) return NULL; /* past 64 bits */
        r |= (uint64_t)(b & 0x7f) << (7 * k);
        if (!(b & 0x80)) {
            if (k > 0 && b == 0) return NULL; /* not the shortest form */
            *v = r;
            return p;
        }
    }
    return NULL;
}

const char *sp_validate(const unsigned char *sp, size_t size) {
    const unsigned char *end = sp + size, *p;
    uint64_t body, count;
    if (!(p = varint_get_checked(sp, end, &body))) return "bad header (body length)";
    if (!(p = varint_get_checked(p, end, &count))) return "bad header (count)";
    if (body != (uint64_t)(end - p)) return "body length mismatch";
    if (size > SP_MAX_BYTES) return "larger than a pack can be";
    uint64_t n = 0;
    SpEntry prev = {0};
    while (p < end) {
        const unsigned char *start = p;
        uint64_t h;
        if (!(p = varint_get_checked(p, end, &h))) return "bad entry header";
        uint64_t len = h >> 1;
        if (len > (uint64_t)(end - p)) return "member runs past the end";
        SpEntry e;
        e.m = (const char *)p;
        e.len = (size_t)len;
        p += len;
        if (h & 1) {
            if (end - p < (ptrdiff_t)sizeof(double)) return "score runs past the end";
            memcpy(&e.score, p, sizeof(double));
            p += sizeof(double);
            int64_t i;
            if (isnan(e.score)) return "NaN score";
            if (score_as_int(e.score, &i)) return "integral score not stored as an integer";
        } else {
            uint64_t z;
            if (!(p = varint_get_checked(p, end, &z))) return "bad score varint";
            if ((z >> 1) > (uint64_t)SP_INT_LIMIT - (z & 1)) return "integer score out of range";
            e.score = sp_unzigzag(z);
        }
        e.off = (size_t)(start - sp);
        e.next = (size_t)(p - sp);
        if (n && entry_cmp(&prev, e.score, e.m, e.len) >= 0) return "entries out of order";
        prev = e;
        n++;
    }
    if (n != count) return "count mismatch";
    return NULL;
}
