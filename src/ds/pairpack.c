/* pairpack.c - front-coded field/value pairs (see pairpack.h for the
 * layout and invariants).
 *
 * Writes are splices: a pair's coding depends on the pair before it, so
 * changing pair i re-codes pair i (against pair i-1) and pair i+1
 * (against the new pair i); everything after pair i+1 is unchanged bytes. */
#include "pairpack.h"

#include <string.h>

#include "alloc.h"
#include "unaligned.h"
#include "varint.h"

#define ESC 0xF0
#define SHORT_MAX_SHARED 14
#define SHORT_MAX_SUFFIX 15
/* The most bytes one string's header can take. */
#define HDR_MAX (1 + 2 * VARINT_MAX)

/* ------------------------------------------------------------ helpers */

static inline uint32_t stored_count(const unsigned char *pp) { return load_u16(pp + 4); }

size_t pp_bytes(const unsigned char *pp) { return load_u32(pp); }

/* Decodes a string header; returns where its suffix bytes start. */
static inline const unsigned char *str_hdr(const unsigned char *p, size_t *shared, size_t *suffix) {
    unsigned char b = *p;
    if (b < ESC) {
        *shared = b >> 4;
        *suffix = b & 15;
        return p + 1;
    }
    uint64_t s, l;
    p = varint_get(p + 1, &s);
    p = varint_get(p, &l);
    *shared = (size_t)s;
    *suffix = (size_t)l;
    return p;
}

/* Position just after the string coded at p. */
static inline const unsigned char *str_skip(const unsigned char *p) {
    size_t s, l;
    p = str_hdr(p, &s, &l);
    return p + l;
}

static inline size_t common_prefix(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen, i = 0;
    /* A word at a time while both have 8 bytes left: the first differing
     * byte is the lowest set byte of the XOR on a little-endian host, the
     * highest on a big-endian one. */
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            return i + (size_t)(__builtin_clzll(x ^ y) >> 3);
#else
            return i + (size_t)(__builtin_ctzll(x ^ y) >> 3);
#endif
        }
    }
    if (i + 4 <= n) {
        uint32_t x, y;
        memcpy(&x, a + i, 4);
        memcpy(&y, b + i, 4);
        if (x == y) i += 4;
    }
    while (i < n && a[i] == b[i]) i++;
    return i;
}

/* How a string of len bytes sharing lcp leading bytes with the previous
 * string of its column is coded: the cheaper of the one-byte header
 * (shared capped at 14, suffix at most 15) and the varint header.  lcp
 * may be less than the longest common prefix (still a valid coding). */
static inline size_t code_plan(size_t lcp, size_t len, size_t *shared, int *esc) {
    if (lcp <= SHORT_MAX_SHARED && len - lcp <= SHORT_MAX_SUFFIX) {
        /* The usual case: the one-byte header fits and, needing no
         * varint, is the cheaper form. */
        *shared = lcp;
        *esc = 0;
        return 1 + (len - lcp);
    }
    size_t s1 = lcp < SHORT_MAX_SHARED ? lcp : SHORT_MAX_SHARED;
    size_t l2 = len - lcp;
    size_t cost2 = 1 + varint_len(lcp) + varint_len(l2) + l2;
    if (len - s1 <= SHORT_MAX_SUFFIX && 1 + (len - s1) <= cost2) {
        *shared = s1;
        *esc = 0;
        return 1 + (len - s1);
    }
    *shared = lcp;
    *esc = 1;
    return cost2;
}

/* Writes cur coded with lcp shared bytes; returns the bytes written. */
static size_t put_str_lcp(unsigned char *out, size_t lcp, const char *cur, size_t len) {
    size_t shared;
    int esc;
    size_t n = code_plan(lcp, len, &shared, &esc);
    unsigned char *p = out;
    if (!esc) {
        *p++ = (unsigned char)((shared << 4) | (len - shared));
    } else {
        *p++ = ESC;
        p += varint_put(p, shared);
        p += varint_put(p, len - shared);
    }
    size_t l = len - shared;
    /* Suffixes are mostly a few bytes: a call to memcpy costs more. */
    if (l <= 8) for (size_t i = 0; i < l; i++) p[i] = (unsigned char)cur[shared + i];
    else memcpy(p, cur + shared, l);
    return n;
}

/* Writes cur coded after prev. */
static size_t put_str(unsigned char *out, const char *prev, size_t plen, const char *cur, size_t len) {
    return put_str_lcp(out, common_prefix(prev, plen, cur, len), cur, len);
}

/* ------------------------------------------------------------- PpStr */

void pp_str_init(PpStr *s) {
    s->p = s->inl;
    s->len = 0;
    s->cap = PP_INLINE;
}

void pp_str_free(PpStr *s) {
    if (s->p != s->inl) mem_free(s->p);
    pp_str_init(s);
}

static void str_grow(PpStr *s, size_t n) {
    size_t cap = s->cap * 2 > n ? s->cap * 2 : n;
    char *np = mem_alloc(cap);
    memcpy(np, s->p, s->len);
    if (s->p != s->inl) mem_free(s->p);
    s->p = np;
    s->cap = cap;
}

static inline void str_reserve(PpStr *s, size_t n) {
    if (n > s->cap) str_grow(s, n);
}

/* s held the previous string of the column; make it the one coded as
 * (shared, suffix). */
static inline void str_apply(PpStr *s, size_t shared, const unsigned char *suffix, size_t l) {
    str_reserve(s, shared + l);
    memcpy(s->p + shared, suffix, l);
    s->len = shared + l;
}

/* The same for a suffix inside a pack ending at `end`, on the walks' hot
 * path: a suffix of up to 16 bytes moves as two fixed 8-byte copies when
 * the pack and the buffer both have 16 bytes of room (what lands past the
 * string's end is scratch), instead of a call to memcpy. */
static inline void str_apply_in(PpStr *s, size_t shared, const unsigned char *suffix, size_t l,
                                const unsigned char *end) {
    size_t n = shared + l;
    str_reserve(s, n + 16);
    char *d = s->p + shared;
    if (l <= 16 && end - suffix >= 16) {
        memcpy(d, suffix, 8);
        memcpy(d + 8, suffix + 8, 8);
    } else {
        memcpy(d, suffix, l);
    }
    s->len = n;
}

static void str_set(PpStr *s, const char *p, size_t len) {
    str_reserve(s, len);
    memmove(s->p, p, len);
    s->len = len;
}

/* ------------------------------------------------------------- basics */

unsigned char *pp_new(void) {
    unsigned char *pp = mem_alloc(PP_HEADER_SIZE);
    store_u32(pp, PP_HEADER_SIZE);
    store_u16(pp + 4, 0);
    return pp;
}

void pp_free(unsigned char *pp) { mem_free(pp); }

unsigned char *pp_dup(const unsigned char *pp) {
    size_t n = pp_bytes(pp);
    unsigned char *d = mem_alloc(n);
    memcpy(d, pp, n);
    return d;
}

static uint32_t walk_count(const unsigned char *pp) {
    const unsigned char *p = pp + PP_HEADER_SIZE, *end = pp + pp_bytes(pp);
    uint32_t n = 0;
    while (p < end) {
        p = str_skip(str_skip(p));
        n++;
    }
    return n;
}

uint32_t pp_count(const unsigned char *pp) {
    uint32_t c = stored_count(pp);
    return c == PP_COUNT_UNKNOWN ? walk_count(pp) : c;
}

static void count_adjust(unsigned char *pp, int delta) {
    uint32_t c = stored_count(pp);
    if (c == PP_COUNT_UNKNOWN) {
        if (delta > 0) return;
        c = walk_count(pp);
    } else {
        c = (uint32_t)((int64_t)c + delta);
    }
    store_u16(pp + 4, (uint16_t)(c >= PP_COUNT_UNKNOWN ? PP_COUNT_UNKNOWN : c));
}

/* Replaces bytes [off, off+oldlen) with nb[0..nlen). */
static unsigned char *splice(unsigned char *pp, size_t off, size_t oldlen, const unsigned char *nb, size_t nlen) {
    size_t total = pp_bytes(pp);
    size_t ntotal = total - oldlen + nlen;
    if (nlen > oldlen) pp = mem_realloc(pp, ntotal);
    memmove(pp + off + nlen, pp + off + oldlen, total - off - oldlen);
    if (nlen) memcpy(pp + off, nb, nlen);
    if (nlen < oldlen) pp = mem_realloc(pp, ntotal);
    store_u32(pp, (uint32_t)ntotal);
    return pp;
}

/* ------------------------------------------------------------- lookup */

long pp_find(const unsigned char *pp, const char *f, size_t flen, PpStr *val, size_t *vlen) {
    const unsigned char *p = pp + PP_HEADER_SIZE, *end = pp + pp_bytes(pp);
    /* m: how many leading bytes the previous field shares with f.  A field
     * coded as (s, suffix) starts with the previous field's first s bytes:
     * if s > m it differs from f at byte m like the previous one did, so
     * only fields with s <= m need their suffix compared. */
    size_t m = 0;
    long idx = 0;
    if (val) val->len = 0;
    while (p < end) {
        size_t s, l, vs, vl;
        p = str_hdr(p, &s, &l);
        const unsigned char *suf = p;
        p += l;
        int match = 0;
        if (s <= m) {
            size_t room = flen - s;
            size_t lim = l < room ? l : room, k = 0;
            while (k < lim && suf[k] == (unsigned char)f[s + k]) k++;
            m = s + k;
            match = m == flen && l == room;
        }
        p = str_hdr(p, &vs, &vl);
        if (val) str_apply_in(val, vs, p, vl, end);
        p += vl;
        if (match) {
            if (vlen) *vlen = vs + vl;
            return idx;
        }
        idx++;
    }
    return -1;
}

/* Where a write lands: the matched pair (or the end).  Only the value
 * column is rebuilt (v: the value of the pair before the match, or of the
 * last pair); for fields the walk's match length is enough: m is how many
 * leading bytes the field before the match (or the last field) shares
 * with the key. */
typedef struct Seek {
    long idx;
    size_t pair_off, val_off, end_off;
    size_t m;
    PpStr v;
} Seek;

static void seek(const unsigned char *pp, const char *f, size_t flen, Seek *sk) {
    const unsigned char *p = pp + PP_HEADER_SIZE, *end = pp + pp_bytes(pp);
    size_t m = 0;
    long idx = 0;
    pp_str_init(&sk->v);
    while (p < end) {
        const unsigned char *pair = p;
        size_t s, l, vs, vl;
        p = str_hdr(p, &s, &l);
        const unsigned char *suf = p;
        p += l;
        const unsigned char *vhdr = p;
        size_t m_before = m;
        int match = 0;
        if (s <= m) {
            size_t room = flen - s;
            size_t lim = l < room ? l : room, k = 0;
            while (k < lim && suf[k] == (unsigned char)f[s + k]) k++;
            m = s + k;
            match = m == flen && l == room;
        }
        p = str_hdr(p, &vs, &vl);
        if (match) {
            sk->idx = idx;
            sk->pair_off = (size_t)(pair - pp);
            sk->val_off = (size_t)(vhdr - pp);
            sk->end_off = (size_t)(p + vl - pp);
            sk->m = m_before;
            return;
        }
        str_apply_in(&sk->v, vs, p, vl, end);
        p += vl;
        idx++;
    }
    sk->idx = -1;
    sk->pair_off = sk->val_off = sk->end_off = (size_t)(end - pp);
    sk->m = m;
}

static void seek_done(Seek *sk) {
    pp_str_free(&sk->v);
}

/* A scratch buffer for the re-coded bytes of a write. */
typedef struct Scratch {
    unsigned char *p;
    unsigned char local[256];
} Scratch;

static unsigned char *scratch_get(Scratch *sc, size_t n) {
    sc->p = n <= sizeof(sc->local) ? sc->local : mem_alloc(n);
    return sc->p;
}

static void scratch_done(Scratch *sc) {
    if (sc->p != sc->local) mem_free(sc->p);
}

/* -------------------------------------------------------------- writes */

unsigned char *pp_set(unsigned char *pp, const char *f, size_t flen, const char *v, size_t vlen, int *added) {
    Seek sk;
    seek(pp, f, flen, &sk);
    Scratch sc;
    if (sk.idx < 0) {
        unsigned char *nb = scratch_get(&sc, 2 * HDR_MAX + flen + vlen);
        size_t n = put_str_lcp(nb, sk.m, f, flen);
        n += put_str(nb + n, sk.v.p, sk.v.len, v, vlen);
        pp = splice(pp, sk.end_off, 0, nb, n);
        count_adjust(pp, 1);
        *added = 1;
        scratch_done(&sc);
        seek_done(&sk);
        return pp;
    }
    *added = 0;
    /* The old value of pair i, rebuilt from pair i-1's (in sk.v). */
    PpStr old, next_v;
    pp_str_init(&old);
    pp_str_init(&next_v);
    str_set(&old, sk.v.p, sk.v.len);
    size_t s, l;
    const unsigned char *suf = str_hdr(pp + sk.val_off, &s, &l);
    str_apply(&old, s, suf, l);
    if (old.len == vlen && memcmp(old.p, v, vlen) == 0) {
        pp_str_free(&old);
        seek_done(&sk);
        return pp;
    }
    size_t total = pp_bytes(pp);
    size_t next_field_len = 0, stop = sk.end_off;
    if (sk.end_off < total) {
        /* Pair i+1: its field bytes stay; its value is re-coded against
         * the new value. */
        const unsigned char *nf = pp + sk.end_off;
        const unsigned char *nv = str_skip(nf);
        next_field_len = (size_t)(nv - nf);
        const unsigned char *nsuf = str_hdr(nv, &s, &l);
        str_set(&next_v, old.p, s);
        str_apply(&next_v, s, nsuf, l);
        stop = (size_t)(nsuf + l - pp);
    }
    unsigned char *nb = scratch_get(&sc, 2 * HDR_MAX + vlen + next_field_len + next_v.len);
    size_t n = put_str(nb, sk.v.p, sk.v.len, v, vlen);
    if (next_field_len) {
        memcpy(nb + n, pp + sk.end_off, next_field_len);
        n += next_field_len;
        n += put_str(nb + n, v, vlen, next_v.p, next_v.len);
    }
    pp = splice(pp, sk.val_off, stop - sk.val_off, nb, n);
    scratch_done(&sc);
    pp_str_free(&old);
    pp_str_free(&next_v);
    seek_done(&sk);
    return pp;
}

unsigned char *pp_delete(unsigned char *pp, const char *f, size_t flen, int *deleted) {
    Seek sk;
    seek(pp, f, flen, &sk);
    if (sk.idx < 0) {
        *deleted = 0;
        seek_done(&sk);
        return pp;
    }
    *deleted = 1;
    size_t total = pp_bytes(pp);
    if (sk.end_off == total) {
        pp = splice(pp, sk.pair_off, total - sk.pair_off, NULL, 0);
    } else {
        /* Pair i+1 is re-coded against pair i-1.  Its field starts with f's
         * first bytes (field i is f), and so does field i-1 up to sk.m:
         * what they share is known without rebuilding field i-1.  Its
         * value starts with the old value i's bytes. */
        PpStr old, nf, nv;
        pp_str_init(&old);
        pp_str_init(&nf);
        pp_str_init(&nv);
        size_t s, l;
        str_set(&old, sk.v.p, sk.v.len);
        const unsigned char *suf = str_hdr(pp + sk.val_off, &s, &l);
        str_apply(&old, s, suf, l);
        suf = str_hdr(pp + sk.end_off, &s, &l);
        size_t lcp = sk.m;
        if (s <= sk.m) {
            size_t k = 0, lim = l < sk.m - s ? l : sk.m - s;
            while (k < lim && suf[k] == (unsigned char)f[s + k]) k++;
            lcp = s + k;
        }
        str_set(&nf, f, s);
        str_apply(&nf, s, suf, l);
        suf = str_hdr(suf + l, &s, &l);
        str_set(&nv, old.p, s);
        str_apply(&nv, s, suf, l);
        size_t stop = (size_t)(suf + l - pp);
        Scratch sc;
        unsigned char *nb = scratch_get(&sc, 2 * HDR_MAX + nf.len + nv.len);
        size_t n = put_str_lcp(nb, lcp, nf.p, nf.len);
        n += put_str(nb + n, sk.v.p, sk.v.len, nv.p, nv.len);
        pp = splice(pp, sk.pair_off, stop - sk.pair_off, nb, n);
        scratch_done(&sc);
        pp_str_free(&old);
        pp_str_free(&nf);
        pp_str_free(&nv);
    }
    count_adjust(pp, -1);
    seek_done(&sk);
    return pp;
}

/* ------------------------------------------------------ from views */

unsigned char *pp_from_views(const PpView *v, size_t pairs) {
    size_t n = 2 * pairs;
    /* Pass one measures each string's shared prefix (kept for pass two)
     * and the exact size; pass two writes. */
    size_t stack[256], *lcp = n <= 256 ? stack : mem_alloc(n * sizeof(size_t));
    size_t total = PP_HEADER_SIZE;
    for (size_t i = 0; i < n; i++) {
        size_t l = i >= 2 ? common_prefix(v[i - 2].p, v[i - 2].len, v[i].p, v[i].len) : 0, shared;
        int esc;
        lcp[i] = l;
        total += code_plan(l, v[i].len, &shared, &esc);
    }
    unsigned char *pp = mem_alloc(total), *out = pp + PP_HEADER_SIZE;
    store_u32(pp, (uint32_t)total);
    store_u16(pp + 4, (uint16_t)(pairs < PP_COUNT_UNKNOWN ? pairs : PP_COUNT_UNKNOWN));
    for (size_t i = 0; i < n; i++) out += put_str_lcp(out, lcp[i], v[i].p, v[i].len);
    if (lcp != stack) mem_free(lcp);
    return pp;
}

/* ----------------------------------------------------------- iteration */

void pp_iter_init(PpIter *it, const unsigned char *pp) {
    it->p = pp + PP_HEADER_SIZE;
    it->end = pp + pp_bytes(pp);
    pp_str_init(&it->f);
    pp_str_init(&it->v);
}

int pp_iter_next(PpIter *it) {
    if (it->p >= it->end) return 0;
    size_t s, l;
    const unsigned char *p = str_hdr(it->p, &s, &l);
    str_apply_in(&it->f, s, p, l, it->end);
    p = str_hdr(p + l, &s, &l);
    str_apply_in(&it->v, s, p, l, it->end);
    it->p = p + l;
    return 1;
}

void pp_iter_done(PpIter *it) {
    pp_str_free(&it->f);
    pp_str_free(&it->v);
}

PpView *pp_expand(const unsigned char *pp, uint32_t *count) {
    const unsigned char *p = pp + PP_HEADER_SIZE, *end = pp + pp_bytes(pp);
    size_t bytes = 0;
    uint32_t n = 0;
    while (p < end) {
        for (int col = 0; col < 2; col++) {
            size_t s, l;
            p = str_hdr(p, &s, &l);
            bytes += s + l;
            p += l;
        }
        n++;
    }
    PpView *views = mem_alloc((size_t)n * 2 * sizeof(PpView) + bytes + 1);
    char *out = (char *)(views + (size_t)n * 2);
    p = pp + PP_HEADER_SIZE;
    for (uint32_t i = 0; i < n; i++) {
        for (int col = 0; col < 2; col++) {
            size_t s, l;
            p = str_hdr(p, &s, &l);
            /* The shared prefix comes from the previous string of the
             * column, already expanded. */
            if (s) memcpy(out, views[2 * (i - 1) + (uint32_t)col].p, s);
            memcpy(out + s, p, l);
            views[2 * i + (uint32_t)col].p = out;
            views[2 * i + (uint32_t)col].len = s + l;
            out += s + l;
            p += l;
        }
    }
    *count = n;
    return views;
}

/* ----------------------------------------------------------- validation */

static const unsigned char *varint_get_safe(const unsigned char *p, const unsigned char *end, uint64_t *v) {
    uint64_t r = 0;
    for (int i = 0; i < VARINT_MAX; i++) {
        if (p >= end) return NULL;
        unsigned char b = *p++;
        if (i == VARINT_MAX - 1 && b > 1) return NULL;
        r |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = r;
            return p;
        }
    }
    return NULL;
}

const char *pp_validate(const unsigned char *pp, size_t size) {
    if (size < PP_HEADER_SIZE) return "shorter than the header";
    if (load_u32(pp) != size) return "total bytes mismatch";
    const unsigned char *p = pp + PP_HEADER_SIZE, *end = pp + size;
    uint64_t prev[2] = {0, 0};
    uint64_t n = 0;
    while (p < end) {
        for (int col = 0; col < 2; col++) {
            if (p >= end) return "a field without a value";
            uint64_t s, l;
            unsigned char b = *p;
            if (b < ESC) {
                s = b >> 4;
                l = b & 15;
                p++;
            } else {
                if (b != ESC) return "reserved header byte";
                p = varint_get_safe(p + 1, end, &s);
                if (!p) return "bad varint";
                p = varint_get_safe(p, end, &l);
                if (!p) return "bad varint";
            }
            if (s > prev[col]) return "shared prefix longer than the previous string";
            if (l > (uint64_t)(end - p)) return "string runs past the end";
            p += l;
            prev[col] = s + l;
        }
        n++;
    }
    uint32_t c = stored_count(pp);
    if (c == PP_COUNT_UNKNOWN ? n < PP_COUNT_UNKNOWN : n != c) return "pair count mismatch";
    return NULL;
}
