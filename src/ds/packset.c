/* packset.c - dense hash set of byte strings with packed buckets and
 * linear hashing (see packset.h for the layout and invariants). */
#include "packset.h"

#include <string.h>

#include "alloc.h"
#include "unaligned.h"

#define HDR 4
#define PTR_SIZE sizeof(void *)
/* Split a bucket when the average exceeds LOAD_MAX members a bucket;
 * merge two when it drops below LOAD_MIN.  Six keeps lookups short while
 * the bucket pointer costs under 1.5 bytes a member. */
#define LOAD_MAX 6
#define LOAD_MIN 2
#define MIN_CAP 4

/* ------------------------------------------------------------ entries */

static inline size_t varint_size(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline size_t varint_put(unsigned char *p, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

static inline size_t varint_get(const unsigned char *p, uint64_t *v) {
    if (p[0] < 0x80) {
        *v = p[0];
        return 1;
    }
    uint64_t r = 0;
    size_t n = 0;
    int shift = 0;
    for (;;) {
        unsigned char b = p[n++];
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
        shift += 7;
    }
    *v = r;
    return n;
}

static inline int is_external(size_t len) { return len >= PACKSET_EXTERNAL_MIN; }

/* Bytes an entry for a member of len bytes takes. */
static inline size_t entry_size_for(size_t len) {
    uint64_t v = (uint64_t)len * 2 + (uint64_t)is_external(len);
    return varint_size(v) + (is_external(len) ? PTR_SIZE : len);
}

/* Decodes the entry at e: member bytes, length, and the entry's size. */
static inline size_t entry_decode(const unsigned char *e, const char **p, size_t *len) {
    uint64_t v;
    size_t hl = varint_get(e, &v);
    *len = (size_t)(v >> 1);
    if (v & 1) {
        *p = load_ptr(e + hl);
        return hl + PTR_SIZE;
    }
    *p = (const char *)e + hl;
    return hl + *len;
}

/* Writes an entry for p/len at e (room for entry_size_for(len)). */
static size_t entry_write(unsigned char *e, const char *p, size_t len) {
    int ext = is_external(len);
    size_t hl = varint_put(e, (uint64_t)len * 2 + (uint64_t)ext);
    if (ext) {
        char *copy = mem_alloc(len);
        memcpy(copy, p, len);
        store_ptr(e + hl, copy);
        return hl + PTR_SIZE;
    }
    if (len) memcpy(e + hl, p, len);
    return hl + len;
}

static inline int member_eq(const char *a, const char *b, size_t len) {
    /* Members often share a prefix ("user:1234"): the last byte tells
     * most of them apart without a call. */
    return len == 0 || (a[len - 1] == b[len - 1] && memcmp(a, b, len) == 0);
}

static inline uint32_t bucket_n(const unsigned char *b) { return b ? load_u32(b) : 0; }

/* Byte size of a bucket's used part. */
static size_t bucket_used(const unsigned char *b) {
    uint32_t n = load_u32(b);
    size_t off = HDR;
    for (uint32_t i = 0; i < n; i++) {
        const char *p;
        size_t len;
        off += entry_decode(b + off, &p, &len);
    }
    return off;
}

/* Looks p/len up in bucket b.  Returns 1 with the index and offset of the match;
 * otherwise 0 with *off at the end of the used part. */
static int bucket_find(const unsigned char *b, const char *p, size_t len, uint32_t *index, size_t *off) {
    uint32_t n = load_u32(b);
    size_t o = HDR;
    for (uint32_t i = 0; i < n; i++) {
        const char *m;
        size_t mlen;
        size_t esz = entry_decode(b + o, &m, &mlen);
        if (mlen == len && member_eq(m, p, len)) {
            *index = i;
            *off = o;
            return 1;
        }
        o += esz;
    }
    *off = o;
    return 0;
}

/* ----------------------------------------------------------- geometry */

static inline uint64_t index_for(const PackSet *s, uint64_t h) {
    uint64_t low = ((uint64_t)1 << s->level) - 1;
    uint64_t i = h & low;
    if (i < s->split) i = h & ((low << 1) | 1);
    return i;
}

static void set_cap(PackSet *s, uint64_t cap) {
    uint64_t old = s->cap;
    s->buckets = mem_realloc(s->buckets, (size_t)cap * sizeof(*s->buckets));
    if (cap > old) memset(s->buckets + old, 0, (size_t)(cap - old) * sizeof(*s->buckets));
    s->cap = cap;
}

static void recompute_max_fill(PackSet *s) {
    uint64_t nb = packset_buckets(s);
    uint32_t m = 1;
    for (uint64_t i = 0; i < nb; i++) {
        uint32_t n = bucket_n(s->buckets[i]);
        if (n > m) m = n;
    }
    s->max_fill = m;
}

PackSet *packset_new(packset_hash_fn *hash, uint64_t size_hint) {
    PackSet *s = mem_calloc(sizeof(*s));
    s->hash = hash;
    uint64_t nb = size_hint / LOAD_MAX + 1;
    uint32_t level = 0;
    while (((uint64_t)2 << level) <= nb) level++;
    s->level = level;
    s->split = nb - ((uint64_t)1 << level);
    uint64_t cap = MIN_CAP;
    while (cap < nb) cap <<= 1;
    set_cap(s, cap);
    s->max_fill = 1;
    return s;
}

static void free_externals(unsigned char *b) {
    uint32_t n = load_u32(b);
    size_t off = HDR;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v;
        size_t hl = varint_get(b + off, &v);
        if (v & 1) {
            mem_free(load_ptr(b + off + hl));
            off += hl + PTR_SIZE;
        } else {
            off += hl + (size_t)(v >> 1);
        }
    }
}

void packset_free(PackSet *s) {
    if (!s) return;
    uint64_t nb = packset_buckets(s);
    for (uint64_t i = 0; i < nb; i++) {
        unsigned char *b = s->buckets[i];
        if (!b) continue;
        if (s->external) free_externals(b);
        mem_free(b);
    }
    mem_free(s->buckets);
    mem_free(s);
}

PackSet *packset_dup(const PackSet *s) {
    PackSet *d = mem_alloc(sizeof(*d));
    *d = *s;
    d->buckets = mem_calloc((size_t)s->cap * sizeof(*d->buckets));
    uint64_t nb = packset_buckets(s);
    for (uint64_t i = 0; i < nb; i++) {
        const unsigned char *b = s->buckets[i];
        if (!b) continue;
        size_t used = bucket_used(b);
        unsigned char *c = mem_alloc(used);
        memcpy(c, b, used);
        if (s->external) {
            /* Give the copy its own out-of-line members. */
            uint32_t n = load_u32(c);
            size_t off = HDR;
            for (uint32_t k = 0; k < n; k++) {
                uint64_t v;
                size_t hl = varint_get(c + off, &v);
                size_t len = (size_t)(v >> 1);
                if (v & 1) {
                    char *m = mem_alloc(len);
                    memcpy(m, load_ptr(c + off + hl), len);
                    store_ptr(c + off + hl, m);
                    off += hl + PTR_SIZE;
                } else {
                    off += hl + len;
                }
            }
        }
        d->buckets[i] = c;
    }
    return d;
}

/* Splits bucket `split` into itself and its sibling 2^level above, by
 * hash bit `level`. */
static void split_one(PackSet *s) {
    uint64_t half = (uint64_t)1 << s->level;
    uint64_t i = s->split, j = i + half;
    if (j >= s->cap) set_cap(s, s->cap * 2);
    unsigned char *b = s->buckets[i];
    s->buckets[j] = NULL;
    if (b) {
        uint32_t n = load_u32(b);
        unsigned char stack_go[256];
        unsigned char *go = n <= sizeof(stack_go) ? stack_go : mem_alloc(n);
        size_t off = HDR, move_bytes = 0;
        uint32_t nmove = 0;
        for (uint32_t k = 0; k < n; k++) {
            const char *p;
            size_t len;
            size_t esz = entry_decode(b + off, &p, &len);
            go[k] = (s->hash(p, len) & half) != 0;
            if (go[k]) {
                move_bytes += esz;
                nmove++;
            }
            off += esz;
        }
        if (nmove == n) {
            s->buckets[j] = b;
            s->buckets[i] = NULL;
        } else if (nmove) {
            unsigned char *nb = mem_alloc(HDR + move_bytes);
            store_u32(nb, nmove);
            size_t r = HDR, w = HDR, nw = HDR;
            for (uint32_t k = 0; k < n; k++) {
                const char *p;
                size_t len;
                size_t esz = entry_decode(b + r, &p, &len);
                if (go[k]) {
                    memcpy(nb + nw, b + r, esz);
                    nw += esz;
                } else {
                    if (w != r) memmove(b + w, b + r, esz);
                    w += esz;
                }
                r += esz;
            }
            store_u32(b, n - nmove);
            s->buckets[i] = mem_realloc(b, w);
            s->buckets[j] = nb;
        }
        if (go != stack_go) mem_free(go);
    }
    if (++s->split == half) {
        s->level++;
        s->split = 0;
        recompute_max_fill(s);
    }
}

/* Merges the last bucket into its split sibling. */
static void merge_one(PackSet *s) {
    if (s->split == 0) {
        s->level--;
        s->split = (uint64_t)1 << s->level;
    }
    s->split--;
    uint64_t i = s->split, j = i + ((uint64_t)1 << s->level);
    unsigned char *bj = s->buckets[j];
    s->buckets[j] = NULL;
    if (bj) {
        unsigned char *bi = s->buckets[i];
        if (!bi) {
            s->buckets[i] = bj;
        } else {
            size_t ui = bucket_used(bi), uj = bucket_used(bj);
            bi = mem_realloc(bi, ui + uj - HDR);
            memcpy(bi + ui, bj + HDR, uj - HDR);
            store_u32(bi, load_u32(bi) + load_u32(bj));
            mem_free(bj);
            s->buckets[i] = bi;
        }
        uint32_t n = load_u32(s->buckets[i]);
        if (n > s->max_fill) s->max_fill = n;
    }
    if (s->split == 0) recompute_max_fill(s);
    uint64_t nb = packset_buckets(s);
    if (s->cap > MIN_CAP && nb <= s->cap / 4) set_cap(s, s->cap / 2);
}

static inline void maybe_grow(PackSet *s) {
    while (s->count > (uint64_t)LOAD_MAX * packset_buckets(s)) split_one(s);
}

static inline void maybe_shrink(PackSet *s) {
    uint64_t nb = packset_buckets(s);
    if (nb <= 1 || s->count >= (uint64_t)LOAD_MIN * nb) return;
    if (s->count == 0) {
        /* Every bucket is empty: back to one. */
        s->level = 0;
        s->split = 0;
        s->max_fill = 1;
        if (s->cap > MIN_CAP) set_cap(s, MIN_CAP);
        return;
    }
    merge_one(s);
}

/* -------------------------------------------------------------- writes */

/* Appends an entry at byte offset end of bucket i (which holds `end`
 * used bytes, or is NULL). */
static void bucket_append(PackSet *s, uint64_t i, size_t end, const char *p, size_t len) {
    unsigned char *b = s->buckets[i];
    size_t esz = entry_size_for(len);
    uint32_t n;
    if (b) {
        n = load_u32(b) + 1;
        b = mem_realloc(b, end + esz);
    } else {
        n = 1;
        end = HDR;
        b = mem_alloc(HDR + esz);
    }
    entry_write(b + end, p, len);
    store_u32(b, n);
    s->buckets[i] = b;
    s->count++;
    if (is_external(len)) s->external++;
    if (n > s->max_fill) s->max_fill = n;
    maybe_grow(s);
}

int packset_add(PackSet *s, const char *p, size_t len) {
    uint64_t i = index_for(s, s->hash(p, len));
    unsigned char *b = s->buckets[i];
    size_t end = HDR;
    uint32_t idx;
    if (b && bucket_find(b, p, len, &idx, &end)) return 0;
    bucket_append(s, i, end, p, len);
    return 1;
}

/* Members hashed and prefetched per round of packset_add_many. */
#define ADD_MANY_ROUND 32

uint64_t packset_add_many(PackSet *s, const char *const *p, const size_t *len, size_t n, unsigned char *added) {
    uint64_t h[ADD_MANY_ROUND], fresh = 0;
    for (size_t base = 0; base < n; base += ADD_MANY_ROUND) {
        size_t k = n - base < ADD_MANY_ROUND ? n - base : ADD_MANY_ROUND;
        /* The directory slots first, then the buckets they point to:
         * a split in between only makes a prefetch useless, never wrong
         * (each add below looks its bucket up afresh). */
        for (size_t i = 0; i < k; i++) {
            h[i] = s->hash(p[base + i], len[base + i]);
            __builtin_prefetch(&s->buckets[index_for(s, h[i])]);
        }
        for (size_t i = 0; i < k; i++) {
            const unsigned char *b = s->buckets[index_for(s, h[i])];
            if (b) __builtin_prefetch(b);
        }
        for (size_t i = 0; i < k; i++) {
            uint64_t bi = index_for(s, h[i]);
            unsigned char *b = s->buckets[bi];
            size_t end = HDR;
            uint32_t idx;
            int is_new = !(b && bucket_find(b, p[base + i], len[base + i], &idx, &end));
            if (is_new) {
                bucket_append(s, bi, end, p[base + i], len[base + i]);
                fresh++;
            }
            if (added) added[base + i] = (unsigned char)is_new;
        }
    }
    return fresh;
}

void packset_add_new(PackSet *s, const char *p, size_t len) {
    uint64_t i = index_for(s, s->hash(p, len));
    unsigned char *b = s->buckets[i];
    bucket_append(s, i, b ? bucket_used(b) : HDR, p, len);
}

int packset_find(const PackSet *s, const char *p, size_t len, PackSetPos *pos) {
    uint64_t i = index_for(s, s->hash(p, len));
    const unsigned char *b = s->buckets[i];
    if (!b) return 0;
    uint32_t idx;
    size_t off;
    if (!bucket_find(b, p, len, &idx, &off)) return 0;
    pos->bucket = i;
    pos->index = idx;
    pos->off = off;
    return 1;
}

int packset_contains(const PackSet *s, const char *p, size_t len) {
    PackSetPos pos;
    return packset_find(s, p, len, &pos);
}

void packset_delete_at(PackSet *s, const PackSetPos *pos) {
    unsigned char *b = s->buckets[pos->bucket];
    uint32_t n = load_u32(b);
    uint64_t v;
    size_t hl = varint_get(b + pos->off, &v);
    size_t esz = hl + ((v & 1) ? PTR_SIZE : (size_t)(v >> 1));
    if (v & 1) {
        mem_free(load_ptr(b + pos->off + hl));
        s->external--;
    }
    s->count--;
    if (n == 1) {
        mem_free(b);
        s->buckets[pos->bucket] = NULL;
    } else {
        /* Find the end of the used part from the deleted entry on. */
        size_t end = pos->off + esz;
        for (uint32_t k = pos->index + 1; k < n; k++) {
            const char *p;
            size_t len;
            end += entry_decode(b + end, &p, &len);
        }
        memmove(b + pos->off, b + pos->off + esz, end - pos->off - esz);
        store_u32(b, n - 1);
        s->buckets[pos->bucket] = mem_realloc(b, end - esz);
    }
    maybe_shrink(s);
}

int packset_remove(PackSet *s, const char *p, size_t len) {
    PackSetPos pos;
    if (!packset_find(s, p, len, &pos)) return 0;
    packset_delete_at(s, &pos);
    return 1;
}

/* ------------------------------------------------------------- reading */

void packset_member_at(const PackSet *s, const PackSetPos *pos, const char **p, size_t *len) {
    entry_decode(s->buckets[pos->bucket] + pos->off, p, len);
}

void packset_random(const PackSet *s, uint64_t (*rand64)(void), PackSetPos *pos) {
    /* Rejection sampling over (bucket, slot) pairs with max_fill slots a
     * bucket: every member owns exactly one pair, so each is equally
     * likely, however uneven the buckets are. */
    uint64_t nb = packset_buckets(s);
    for (;;) {
        uint64_t i = rand64() % nb;
        uint32_t slot = (uint32_t)(rand64() % s->max_fill);
        const unsigned char *b = s->buckets[i];
        if (slot >= bucket_n(b)) continue;
        size_t off = HDR;
        for (uint32_t k = 0; k < slot; k++) {
            const char *p;
            size_t len;
            off += entry_decode(b + off, &p, &len);
        }
        pos->bucket = i;
        pos->index = slot;
        pos->off = off;
        return;
    }
}

void packset_iter_init(PackSetIter *it, const PackSet *s) {
    it->s = s;
    it->bucket = 0;
    it->index = 0;
    it->off = HDR;
}

int packset_iter_next(PackSetIter *it, const char **p, size_t *len) {
    const PackSet *s = it->s;
    uint64_t nb = packset_buckets(s);
    while (it->bucket < nb) {
        const unsigned char *b = s->buckets[it->bucket];
        if (it->index < bucket_n(b)) {
            it->off += entry_decode(b + it->off, p, len);
            it->index++;
            return 1;
        }
        it->bucket++;
        it->index = 0;
        it->off = HDR;
    }
    return 0;
}

static void scan_bucket(const unsigned char *b, packset_scan_fn *fn, void *priv) {
    uint32_t n = bucket_n(b);
    size_t off = HDR;
    for (uint32_t k = 0; k < n; k++) {
        const char *p;
        size_t len;
        off += entry_decode(b + off, &p, &len);
        fn(priv, p, len);
    }
}

static inline uint64_t rev64(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
    return (v >> 32) | (v << 32);
}

uint64_t packset_scan(const PackSet *s, uint64_t cursor, packset_scan_fn *fn, void *priv) {
    if (s->count == 0) return 0;
    uint64_t half = (uint64_t)1 << s->level, mask = half - 1;
    uint64_t i = cursor & mask;
    scan_bucket(s->buckets[i], fn, priv);
    if (i < s->split) scan_bucket(s->buckets[i + half], fn, priv);
    /* Increment the reversed cursor: the high bits (the ones a doubling
     * adds) vary fastest, so buckets already visited stay visited. */
    cursor |= ~mask;
    cursor = rev64(cursor);
    cursor++;
    return rev64(cursor);
}

/* ---------------------------------------------------------- accounting */

static size_t bucket_mem(const unsigned char *b, int externals) {
    size_t n = mem_usable(b);
    if (!externals) return n;
    uint32_t cnt = load_u32(b);
    size_t off = HDR;
    for (uint32_t k = 0; k < cnt; k++) {
        uint64_t v;
        size_t hl = varint_get(b + off, &v);
        if (v & 1) {
            n += mem_usable(load_ptr(b + off + hl));
            off += hl + PTR_SIZE;
        } else {
            off += hl + (size_t)(v >> 1);
        }
    }
    return n;
}

size_t packset_mem_usage(const PackSet *s, uint64_t samples) {
    size_t total = mem_usable(s) + mem_usable(s->buckets);
    uint64_t nb = packset_buckets(s);
    int ext = s->external != 0;
    if (samples == 0 || samples >= nb) {
        for (uint64_t i = 0; i < nb; i++)
            if (s->buckets[i]) total += bucket_mem(s->buckets[i], ext);
        return total;
    }
    /* Spread the sample over the directory; widen it past empty buckets
     * until some members are seen. */
    size_t bytes = 0;
    uint64_t members = 0;
    uint64_t step = nb / samples;
    for (uint64_t i = 0; i < nb && (members == 0 || i < samples * step); i += step) {
        const unsigned char *b = s->buckets[i];
        if (!b) continue;
        bytes += bucket_mem(b, ext);
        members += load_u32(b);
    }
    if (members) total += (size_t)((double)bytes / (double)members * (double)s->count);
    return total;
}

size_t packset_allocations(const PackSet *s) {
    return 2 + (size_t)packset_buckets(s) + (size_t)s->external;
}

const char *packset_check(const PackSet *s) {
    uint64_t nb = packset_buckets(s);
    if (s->split >= ((uint64_t)1 << s->level)) return "split pointer past the level";
    if (nb > s->cap) return "more buckets than directory slots";
    if (s->max_fill == 0) return "max_fill is zero";
    uint64_t total = 0, ext = 0;
    for (uint64_t i = 0; i < nb; i++) {
        const unsigned char *b = s->buckets[i];
        if (!b) continue;
        uint32_t n = load_u32(b);
        if (n == 0) return "empty bucket allocated";
        if (n > s->max_fill) return "bucket fuller than max_fill";
        size_t off = HDR;
        for (uint32_t k = 0; k < n; k++) {
            const char *p;
            size_t len;
            uint64_t v;
            varint_get(b + off, &v);
            if ((v & 1) != (uint64_t)is_external((size_t)(v >> 1))) return "member stored in the wrong form";
            if (v & 1) ext++;
            size_t esz = entry_decode(b + off, &p, &len);
            if (index_for(s, s->hash(p, len)) != i) return "member in the wrong bucket";
            /* No duplicate later in the same bucket. */
            size_t o2 = off + esz;
            for (uint32_t k2 = k + 1; k2 < n; k2++) {
                const char *p2;
                size_t len2;
                o2 += entry_decode(b + o2, &p2, &len2);
                if (len2 == len && member_eq(p, p2, len)) return "duplicate member";
            }
            off += esz;
        }
        if (mem_usable(b) < off) return "bucket shorter than its entries";
        total += n;
    }
    for (uint64_t i = nb; i < s->cap; i++)
        if (s->buckets[i]) return "bucket allocated past the used directory";
    if (total != s->count) return "count does not match the buckets";
    if (ext != s->external) return "external count does not match";
    return NULL;
}
