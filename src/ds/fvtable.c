/* fvtable.c - chained field/value hash table with inline entries and
 * incremental resizing (see fvtable.h for the layout and invariants). */
#include "fvtable.h"

#include <string.h>

#include "alloc.h"
#include "resize_policy.h"
#include "unaligned.h"
#include "varint.h"

#define P sizeof(void *)
#define MIN_SIZE 4
/* Grow past this many entries per bucket; shrink under 1/SHRINK_DIV. */
#define MAX_FILL 2
#define SHRINK_DIV 8
#define RAND_DEPTH 16

/* ------------------------------------------------------------ entries */

static inline unsigned char *e_next(const unsigned char *e) { return load_ptr(e); }
static inline void e_set_next(unsigned char *e, const unsigned char *n) { store_ptr(e, n); }

/* Field and value positions of an entry. */
static inline const unsigned char *e_decode(const unsigned char *e, size_t *flen, size_t *vlen) {
    uint64_t f, v;
    const unsigned char *p = varint_get(e + P, &f);
    p = varint_get(p, &v);
    *flen = (size_t)f;
    *vlen = (size_t)v;
    return p;
}

void fvt_entry_pair(const void *e, const char **f, size_t *flen, const char **v, size_t *vlen) {
    const unsigned char *p = e_decode(e, flen, vlen);
    *f = (const char *)p;
    *v = (const char *)p + *flen;
}

void fvt_entry_field(const void *e, const char **f, size_t *flen) {
    const char *v;
    size_t vlen;
    fvt_entry_pair(e, f, flen, &v, &vlen);
}

void fvt_entry_value(const void *e, const char **v, size_t *vlen) {
    const char *f;
    size_t flen;
    fvt_entry_pair(e, &f, &flen, v, vlen);
}

static size_t entry_size(size_t flen, size_t vlen) {
    return P + varint_len(flen) + varint_len(vlen) + flen + vlen;
}

static unsigned char *entry_new(const char *f, size_t flen, const char *v, size_t vlen) {
    unsigned char *e = mem_alloc(entry_size(flen, vlen));
    e_set_next(e, NULL);
    unsigned char *p = e + P;
    p += varint_put(p, flen);
    p += varint_put(p, vlen);
    memcpy(p, f, flen);
    memcpy(p + flen, v, vlen);
    return e;
}

static inline int entry_has_field(const unsigned char *e, const char *f, size_t flen) {
    size_t el, vl;
    const unsigned char *p = e_decode(e, &el, &vl);
    return el == flen && memcmp(p, f, flen) == 0;
}

static uint64_t entry_hash(const FvTable *t, const unsigned char *e) {
    size_t flen, vlen;
    const unsigned char *p = e_decode(e, &flen, &vlen);
    return t->hash((const char *)p, flen);
}

/* -------------------------------------------------------------- table */

FvTable *fvt_create(fvt_hash_fn *hash) {
    FvTable *t = mem_calloc(sizeof(*t));
    t->rehash_idx = -1;
    t->rand_depth = RAND_DEPTH;
    t->hash = hash;
    return t;
}

static void free_chains(unsigned char **b, uint64_t size) {
    for (uint64_t i = 0; i < size; i++) {
        unsigned char *e = b[i];
        while (e) {
            unsigned char *n = e_next(e);
            mem_free(e);
            e = n;
        }
    }
}

void fvt_release(FvTable *t) {
    if (!t) return;
    for (int k = 0; k < 2; k++) {
        free_chains(t->b[k], t->size[k]);
        mem_free(t->b[k]);
    }
    mem_free(t);
}

static uint64_t size_for(uint64_t n) {
    uint64_t s = MIN_SIZE;
    while (s < n) s <<= 1;
    return s;
}

static void start_resize(FvTable *t, uint64_t newsize) {
    if (fvt_is_rehashing(t) || newsize == t->size[0]) return;
    unsigned char **nb = mem_calloc(newsize * P);
    if (t->size[0] == 0) {
        t->b[0] = nb;
        t->size[0] = newsize;
        return;
    }
    t->b[1] = nb;
    t->size[1] = newsize;
    t->used[1] = 0;
    t->rehash_idx = 0;
}

void fvt_expand(FvTable *t, uint64_t n) {
    if (fvt_is_rehashing(t) || size_for(n) <= t->size[0]) return;
    start_resize(t, size_for(n));
}

int fvt_rehash_step(FvTable *t, int n) {
    if (!fvt_is_rehashing(t)) return 0;
    int empty_visits = n * 10;
    uint64_t mask1 = t->size[1] - 1;
    while (n-- && t->used[0] != 0) {
        while (t->b[0][t->rehash_idx] == NULL) {
            t->rehash_idx++;
            if (--empty_visits == 0) return 1;
        }
        unsigned char *e = t->b[0][t->rehash_idx];
        while (e) {
            unsigned char *next = e_next(e);
            uint64_t idx = entry_hash(t, e) & mask1;
            e_set_next(e, t->b[1][idx]);
            t->b[1][idx] = e;
            t->used[0]--;
            t->used[1]++;
            e = next;
        }
        t->b[0][t->rehash_idx] = NULL;
        t->rehash_idx++;
    }
    if (t->used[0] == 0) {
        mem_free(t->b[0]);
        t->b[0] = t->b[1];
        t->size[0] = t->size[1];
        t->used[0] = t->used[1];
        t->b[1] = NULL;
        t->size[1] = t->used[1] = 0;
        t->rehash_idx = -1;
        return 0;
    }
    return 1;
}

static inline void rehash_on_access(FvTable *t) {
    if (fvt_is_rehashing(t) && t->pause == 0 && ds_rehash_may_move(t->size[0], t->size[1])) fvt_rehash_step(t, 1);
}

/* While a fork shares the pages, resizes wait for RESIZE_FORCE_RATIO
 * times the usual fill (resize_policy.h). */
static inline uint64_t fill_factor(void) { return ds_resize_avoid ? RESIZE_FORCE_RATIO : 1; }

static void maybe_shrink(FvTable *t) {
    if (t->pause || fvt_is_rehashing(t) || t->size[0] <= MIN_SIZE) return;
    uint64_t n = fvt_count(t);
    if (n * SHRINK_DIV * fill_factor() < t->size[0]) start_resize(t, size_for(n));
}

/* The link (bucket slot or an entry's next field) pointing at the entry
 * with field f, or NULL; *table gets the table it is in. */
static unsigned char *find_link(FvTable *t, const char *f, size_t flen, uint64_t h, int *table) {
    for (int k = 0; k < 2; k++) {
        if (t->size[k] == 0) break;
        uint64_t idx = h & (t->size[k] - 1);
        if (k == 0 && fvt_is_rehashing(t) && (int64_t)idx < t->rehash_idx) continue;
        unsigned char *link = (unsigned char *)&t->b[k][idx];
        unsigned char *e = load_ptr(link);
        while (e) {
            if (entry_has_field(e, f, flen)) {
                *table = k;
                return link;
            }
            link = e;
            e = e_next(e);
        }
        if (!fvt_is_rehashing(t)) break;
    }
    return NULL;
}

const void *fvt_find(FvTable *t, const char *f, size_t flen) {
    if (fvt_count(t) == 0) return NULL;
    rehash_on_access(t);
    uint64_t h = t->hash(f, flen);
    for (int k = 0; k < 2; k++) {
        if (t->size[k] == 0) break;
        uint64_t idx = h & (t->size[k] - 1);
        if (k == 0 && fvt_is_rehashing(t) && (int64_t)idx < t->rehash_idx) continue;
        for (const unsigned char *e = t->b[k][idx]; e; e = e_next(e))
            if (entry_has_field(e, f, flen)) return e;
        if (!fvt_is_rehashing(t)) break;
    }
    return NULL;
}

static void link_new(FvTable *t, unsigned char *e, uint64_t h) {
    if (t->size[0] == 0) start_resize(t, MIN_SIZE);
    int k = fvt_is_rehashing(t) ? 1 : 0;
    uint64_t idx = h & (t->size[k] - 1);
    e_set_next(e, t->b[k][idx]);
    t->b[k][idx] = e;
    t->used[k]++;
    if (!fvt_is_rehashing(t) && t->pause == 0 && fvt_count(t) > t->size[0] * MAX_FILL * fill_factor())
        start_resize(t, size_for(fvt_count(t) / MAX_FILL + 1));
}

void fvt_add_new(FvTable *t, const char *f, size_t flen, const char *v, size_t vlen) {
    rehash_on_access(t);
    link_new(t, entry_new(f, flen, v, vlen), t->hash(f, flen));
}

/* Gives the entry at *link the value v, reallocating it if the size
 * changes (the link is updated when the block moves). */
static void replace_value(unsigned char *link, const char *v, size_t vlen) {
    unsigned char *e = load_ptr(link);
    size_t flen, oldv;
    unsigned char *p = (unsigned char *)e_decode(e, &flen, &oldv);
    if (oldv == vlen) {
        memcpy(p + flen, v, vlen);
        return;
    }
    size_t hl_old = (size_t)(p - e) - P, hl_new = varint_len(flen) + varint_len(vlen);
    if (hl_old != hl_new) {
        /* The field would move: build a fresh entry. */
        unsigned char *n = entry_new((const char *)p, flen, v, vlen);
        e_set_next(n, e_next(e));
        mem_free(e);
        store_ptr(link, n);
        return;
    }
    /* Same header size: the field keeps its offset across the realloc. */
    unsigned char *n = mem_realloc(e, entry_size(flen, vlen));
    unsigned char *q = n + P + varint_len(flen);
    q += varint_put(q, vlen);
    memcpy(q + flen, v, vlen);
    if (n != e) store_ptr(link, n);
}

int fvt_set(FvTable *t, const char *f, size_t flen, const char *v, size_t vlen) {
    rehash_on_access(t);
    uint64_t h = t->hash(f, flen);
    int k;
    unsigned char *link = fvt_count(t) ? find_link(t, f, flen, h, &k) : NULL;
    if (link) {
        replace_value(link, v, vlen);
        return 0;
    }
    link_new(t, entry_new(f, flen, v, vlen), h);
    return 1;
}

int fvt_delete(FvTable *t, const char *f, size_t flen) {
    if (fvt_count(t) == 0) return 0;
    rehash_on_access(t);
    int k;
    unsigned char *link = find_link(t, f, flen, t->hash(f, flen), &k);
    if (!link) return 0;
    unsigned char *e = load_ptr(link);
    store_ptr(link, e_next(e));
    mem_free(e);
    t->used[k]--;
    maybe_shrink(t);
    return 1;
}

/* ------------------------------------------------------------- random */

/* Picks a bucket position (bucket, depth < rand_depth) uniformly and
 * retries when no entry sits there: every entry has exactly one position,
 * so each is returned with the same probability. */
const void *fvt_random(FvTable *t, fvt_rand_fn *rand64) {
    if (fvt_count(t) == 0) return NULL;
    rehash_on_access(t);
    for (;;) {
        uint64_t nb = t->size[0] + t->size[1];
        uint64_t pos = rand64() % (nb * t->rand_depth);
        uint64_t bucket = pos / t->rand_depth, depth = pos % t->rand_depth;
        const unsigned char *e = bucket < t->size[0] ? t->b[0][bucket] : t->b[1][bucket - t->size[0]];
        uint64_t i = 0;
        const unsigned char *hit = NULL;
        for (; e; e = e_next(e), i++)
            if (i == depth) hit = e;
        if (i > t->rand_depth) {
            /* A chain longer than the bound: widen it and start over (rare:
             * about lf^k/k! odds with a keyed hash). */
            while (t->rand_depth < i) t->rand_depth *= 2;
            continue;
        }
        if (hit) return hit;
    }
}

/* --------------------------------------------------------------- scan */

static inline uint64_t rev64(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
}

static void scan_bucket(FvTable *t, int k, uint64_t idx, fvt_scan_fn *fn, void *priv) {
    for (const unsigned char *e = t->b[k][idx]; e; e = e_next(e)) fn(priv, e);
}

/* The cursor counts up from its most significant bit, so one cursor names
 * the same slice of hash values in a table of any size: a resize between
 * calls never skips a bucket not yet visited. */
uint64_t fvt_scan(FvTable *t, uint64_t v, fvt_scan_fn *fn, void *priv) {
    if (fvt_count(t) == 0) return 0;
    t->pause++;
    if (!fvt_is_rehashing(t)) {
        uint64_t m0 = t->size[0] - 1;
        scan_bucket(t, 0, v & m0, fn, priv);
        v |= ~m0;
        v = rev64(rev64(v) + 1);
    } else {
        int small = t->size[0] <= t->size[1] ? 0 : 1, big = 1 - small;
        uint64_t m0 = t->size[small] - 1, m1 = t->size[big] - 1;
        scan_bucket(t, small, v & m0, fn, priv);
        /* Then every bucket of the bigger table that expands it. */
        do {
            scan_bucket(t, big, v & m1, fn, priv);
            v |= ~m1;
            v = rev64(rev64(v) + 1);
        } while (v & (m0 ^ m1));
    }
    t->pause--;
    return v;
}

/* ---------------------------------------------------------- iteration */

void fvt_iter_init(FvtIter *it, FvTable *t) {
    it->t = t;
    it->table = 0;
    it->idx = 0;
    it->next = NULL;
    it->started = 0;
}

const void *fvt_iter_next(FvtIter *it) {
    FvTable *t = it->t;
    if (!it->started) {
        it->started = 1;
        t->pause++;
        it->idx = 0;
        it->next = t->size[0] ? t->b[0][0] : NULL;
        if (!t->size[0]) return NULL;
    }
    while (!it->next) {
        it->idx++;
        if (it->idx >= t->size[it->table]) {
            if (it->table == 1 || !fvt_is_rehashing(t)) return NULL;
            it->table = 1;
            it->idx = 0;
            it->next = t->b[1][0];
            continue;
        }
        it->next = t->b[it->table][it->idx];
    }
    const unsigned char *e = it->next;
    it->next = e_next(e);
    return e;
}

void fvt_iter_done(FvtIter *it) {
    if (it->started) it->t->pause--;
    it->started = 0;
}

/* -------------------------------------------------------------- misc */

FvTable *fvt_dup(FvTable *t) {
    FvTable *d = fvt_create(t->hash);
    fvt_expand(d, fvt_count(t));
    FvtIter it;
    fvt_iter_init(&it, t);
    const void *e;
    while ((e = fvt_iter_next(&it))) {
        size_t flen, vlen;
        const unsigned char *p = e_decode(e, &flen, &vlen);
        size_t n = (size_t)(p - (const unsigned char *)e) + flen + vlen;
        unsigned char *c = mem_alloc(n);
        memcpy(c, e, n);
        link_new(d, c, t->hash((const char *)p, flen));
    }
    fvt_iter_done(&it);
    return d;
}

size_t fvt_mem_usage(FvTable *t, uint64_t samples) {
    size_t n = mem_usable(t);
    for (int k = 0; k < 2; k++)
        if (t->b[k]) n += mem_usable(t->b[k]);
    uint64_t count = fvt_count(t), seen = 0;
    size_t bytes = 0;
    FvtIter it;
    fvt_iter_init(&it, t);
    const void *e;
    while ((samples == 0 || seen < samples) && (e = fvt_iter_next(&it))) {
        bytes += mem_usable(e);
        seen++;
    }
    fvt_iter_done(&it);
    if (seen && seen < count) bytes = (size_t)((double)bytes / (double)seen * (double)count);
    return n + bytes;
}

const char *fvt_check(FvTable *t) {
    uint64_t total = 0;
    for (int k = 0; k < 2; k++) {
        if (t->size[k] & (t->size[k] - 1)) return "size not a power of two";
        if (k == 1 && !fvt_is_rehashing(t) && (t->size[1] || t->used[1])) return "table 1 in use without a rehash";
        uint64_t n = 0;
        for (uint64_t i = 0; i < t->size[k]; i++) {
            if (k == 0 && fvt_is_rehashing(t) && (int64_t)i < t->rehash_idx && t->b[0][i])
                return "a rehashed bucket is not empty";
            for (const unsigned char *e = t->b[k][i]; e; e = e_next(e)) {
                if ((entry_hash(t, e) & (t->size[k] - 1)) != i) return "entry in the wrong bucket";
                n++;
            }
        }
        if (n != t->used[k]) return "used count mismatch";
        total += n;
    }
    if (fvt_is_rehashing(t) && (t->size[1] == 0 || t->rehash_idx > (int64_t)t->size[0])) return "bad rehash state";
    /* Each entry is what a lookup of its field finds: no duplicates. */
    uint32_t saved = t->pause;
    t->pause = 1;
    FvtIter it;
    fvt_iter_init(&it, t);
    const void *e;
    const char *err = NULL;
    while (!err && (e = fvt_iter_next(&it))) {
        const char *f;
        size_t flen;
        fvt_entry_field(e, &f, &flen);
        if (fvt_find(t, f, flen) != e) err = "lookup finds another entry (duplicate field)";
    }
    fvt_iter_done(&it);
    t->pause = saved;
    (void)total;
    return err;
}
