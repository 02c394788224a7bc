/* hll.c - HyperLogLog sketches in Valkey's byte representation (hll.h).
 *
 * Byte-for-byte compatibility is the point: the sparse update below
 * splits and re-merges opcodes exactly as Valkey does (the same bytes for
 * the same sequence of additions), and the estimator is Ertl's improved
 * raw estimator computed with the same floating-point operations in the
 * same order, so a sketch made elsewhere counts the same here.
 *
 * Speed: dense registers are read and written eight at a time (48 bits
 * spread into the eight bytes of a 64-bit word and back, with masks and
 * shifts), and the union of PFCOUNT/PFMERGE takes a byte-wise maximum of
 * eight registers in one word.  Every multi-byte access goes through
 * memcpy. */
#include "hll.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../deps/murmur/murmur.h"
#include "alloc.h"
#include "unaligned.h"

#define HLL_Q (64 - HLL_P)
#define HLL_ALPHA_INF 0.721347520444481703680 /* 1 / (2 ln 2) */
#define SPARSE_VAL_MAX_VALUE 32
#define SPARSE_VAL_MAX_LEN 4
#define SPARSE_ZERO_MAX_LEN 64
#define HLL_GROUPS (HLL_REGISTERS / 8) /* eight registers in six bytes */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HLL_BIG_ENDIAN 1
#else
#define HLL_BIG_ENDIAN 0
#endif

/* ------------------------------------------------------------ opcodes */

static inline int op_is_zero(uint8_t b) { return (b & 0xc0) == 0; }
static inline int op_is_xzero(uint8_t b) { return (b & 0xc0) == 0x40; }
static inline int op_is_val(uint8_t b) { return (b & 0x80) != 0; }
static inline unsigned zero_len(uint8_t b) { return (b & 0x3fu) + 1; }
static inline unsigned xzero_len(uint8_t b0, uint8_t b1) { return ((((unsigned)b0 & 0x3fu) << 8) | b1) + 1; }
static inline unsigned val_value(uint8_t b) { return ((b >> 2) & 0x1fu) + 1; }
static inline unsigned val_len(uint8_t b) { return (b & 0x3u) + 1; }
static inline uint8_t val_op(unsigned value, unsigned len) { return (uint8_t)(0x80u | ((value - 1) << 2) | (len - 1)); }

/* A zero run of len (1..16384) registers: ZERO up to 64, XZERO beyond.
 * Returns the bytes written. */
static inline int put_zero_run(uint8_t *p, unsigned len) {
    if (len > SPARSE_ZERO_MAX_LEN) {
        unsigned l = len - 1;
        p[0] = (uint8_t)(0x40u | (l >> 8));
        p[1] = (uint8_t)(l & 0xffu);
        return 2;
    }
    p[0] = (uint8_t)(len - 1);
    return 1;
}

/* Walks a sparse body run by run.  An XZERO cut short by the end of the
 * buffer reads its missing byte as 0, as Valkey reads the string's
 * terminator there. */
typedef struct SparseIt {
    const uint8_t *p, *end;
} SparseIt;

/* The next run: 1 with *value (0 for zero runs) and *run, 0 at the end. */
static inline int sparse_next(SparseIt *it, unsigned *value, unsigned *run) {
    if (it->p >= it->end) return 0;
    uint8_t b = *it->p;
    if (op_is_zero(b)) {
        *value = 0;
        *run = zero_len(b);
        it->p++;
    } else if (op_is_xzero(b)) {
        uint8_t b1 = it->p + 1 < it->end ? it->p[1] : 0;
        *value = 0;
        *run = xzero_len(b, b1);
        it->p += 2;
    } else {
        *value = val_value(b);
        *run = val_len(b);
        it->p++;
    }
    return 1;
}

/* ------------------------------------------------------ dense registers */

unsigned hll_dense_get(const uint8_t *regs, uint32_t i) {
    size_t bit = (size_t)i * HLL_BITS, byte = bit >> 3;
    unsigned fb = bit & 7;
    unsigned v = regs[byte] >> fb;
    /* A register starting in the top two bits spills into the next byte;
     * the last register never does, so nothing past the end is read. */
    if (fb > 2) v |= (unsigned)regs[byte + 1] << (8 - fb);
    return v & HLL_REGISTER_MAX;
}

void hll_dense_set(uint8_t *regs, uint32_t i, unsigned val) {
    size_t bit = (size_t)i * HLL_BITS, byte = bit >> 3;
    unsigned fb = bit & 7;
    regs[byte] = (uint8_t)((regs[byte] & ~(HLL_REGISTER_MAX << fb)) | (val << fb));
    if (fb > 2) {
        unsigned sh = 8 - fb;
        regs[byte + 1] = (uint8_t)((regs[byte + 1] & ~(HLL_REGISTER_MAX >> sh)) | (val >> sh));
    }
}

/* Six bytes (eight registers) as a little-endian number (a 6-byte memcpy,
 * which unaligned.h has no helper for: the same rule, no wide casts). */
static inline uint64_t load_le48(const uint8_t *p) {
#if HLL_BIG_ENDIAN
    uint64_t v = 0;
    for (int i = 5; i >= 0; i--) v = (v << 8) | p[i];
    return v;
#else
    uint64_t v = 0;
    memcpy(&v, p, 6);
    return v;
#endif
}

static inline void store_le48(uint8_t *p, uint64_t v) {
#if HLL_BIG_ENDIAN
    for (int i = 0; i < 6; i++, v >>= 8) p[i] = (uint8_t)v;
#else
    memcpy(p, &v, 6);
#endif
}

/* Eight one-byte registers in memory order as a word whose byte k (from
 * the least significant) is register k. */
static inline uint64_t load_raw8(const uint8_t *p) {
    uint64_t v = load_u64(p);
#if HLL_BIG_ENDIAN
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void store_raw8(uint8_t *p, uint64_t v) {
#if HLL_BIG_ENDIAN
    v = __builtin_bswap64(v);
#endif
    store_u64(p, v);
}

/* 8 x 6 bits -> 8 bytes, register k into byte k: split into two 24-bit
 * halves, then 12-bit quarters, then 6-bit eighths. */
static inline uint64_t spread48(uint64_t x) {
    x = (x & 0xFFFFFFULL) | ((x & 0xFFFFFF000000ULL) << 8);
    x = (x & 0x00000FFF00000FFFULL) | ((x & 0x00FFF00000FFF000ULL) << 4);
    x = (x & 0x003F003F003F003FULL) | ((x & 0x0FC00FC00FC00FC0ULL) << 2);
    return x;
}

/* The inverse: eight bytes (each < 64) -> 48 packed bits. */
static inline uint64_t pack48(uint64_t x) {
    x = (x & 0x003F003F003F003FULL) | ((x & 0x3F003F003F003F00ULL) >> 2);
    x = (x & 0x00000FFF00000FFFULL) | ((x & 0x0FFF00000FFF0000ULL) >> 4);
    x = (x & 0xFFFFFFULL) | ((x & 0x00FFFFFF00000000ULL) >> 8);
    return x;
}

/* Byte-wise maximum of two words whose bytes are all below 128: the top
 * bit of (a|0x80) - b survives exactly where a >= b, and no byte borrows
 * from its neighbour. */
static inline uint64_t max_bytes(uint64_t a, uint64_t b) {
    const uint64_t hi = 0x8080808080808080ULL;
    uint64_t ge = (((a | hi) - b) & hi) >> 7;
    uint64_t mask = ge * 0xFF;
    return (a & mask) | (b & ~mask);
}

/* ------------------------------------------------------------- header */

Str *hll_new(void) {
    Str *s = str_with_capacity(HLL_HDR_SIZE + 2);
    memset(s->buf, 0, HLL_HDR_SIZE + 2);
    memcpy(s->buf, "HYLL", 4);
    s->buf[4] = HLL_SPARSE;
    put_zero_run((uint8_t *)s->buf + HLL_HDR_SIZE, HLL_REGISTERS);
    s->len = HLL_HDR_SIZE + 2;
    s->buf[s->len] = '\0';
    return s;
}

int hll_header_ok(const void *p, size_t len) {
    const uint8_t *b = p;
    if (len < HLL_HDR_SIZE) return 0;
    if (memcmp(b, "HYLL", 4) != 0) return 0;
    if (b[4] > HLL_SPARSE) return 0;
    if (b[4] == HLL_DENSE && len != HLL_DENSE_SIZE) return 0;
    return 1;
}

int hll_cache_get(const void *p, uint64_t *card) {
    const uint8_t *c = (const uint8_t *)p + 8;
    if (c[7] & 0x80) return 0;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | c[i];
    *card = v;
    return 1;
}

void hll_cache_set(void *p, uint64_t card) {
    uint8_t *c = (uint8_t *)p + 8;
    for (int i = 0; i < 8; i++, card >>= 8) c[i] = (uint8_t)card;
}

void hll_cache_invalidate(void *p) {
    ((uint8_t *)p)[15] |= 0x80;
}

uint32_t hll_pattern(const void *ele, size_t len, uint8_t *count) {
    uint64_t h = murmur64a(ele, len, HLL_HASH_SEED);
    uint32_t index = (uint32_t)(h & (HLL_REGISTERS - 1));
    /* The bit above the Q hash bits stops the count at Q + 1. */
    uint64_t rest = (h >> HLL_P) | (1ULL << HLL_Q);
    *count = (uint8_t)(1 + __builtin_ctzll(rest));
    return index;
}

/* -------------------------------------------------------------- dense */

int hll_to_dense(Str **sp) {
    Str *s = *sp;
    const uint8_t *b = (const uint8_t *)s->buf;
    if (b[4] == HLL_DENSE) return 0;
    Str *d = str_with_capacity(HLL_DENSE_SIZE);
    memset(d->buf, 0, HLL_DENSE_SIZE + 1);
    d->len = HLL_DENSE_SIZE;
    /* The header carries over (magic, unused bytes, cache). */
    memcpy(d->buf, b, HLL_HDR_SIZE);
    d->buf[4] = HLL_DENSE;
    uint8_t *regs = (uint8_t *)d->buf + HLL_HDR_SIZE;
    SparseIt it = {b + HLL_HDR_SIZE, b + s->len};
    unsigned value, run;
    uint32_t idx = 0;
    while (sparse_next(&it, &value, &run)) {
        if (run > HLL_REGISTERS - idx) {
            str_free(d);
            return -1;
        }
        if (value)
            for (unsigned k = 0; k < run; k++) hll_dense_set(regs, idx + k, value);
        idx += run;
    }
    if (idx != HLL_REGISTERS) {
        str_free(d);
        return -1;
    }
    str_free(s);
    *sp = d;
    return 0;
}

static int dense_set(uint8_t *regs, uint32_t index, unsigned count) {
    if (hll_dense_get(regs, index) >= count) return 0;
    hll_dense_set(regs, index, count);
    return 1;
}

/* ------------------------------------------------------------- sparse */

/* More room for a sparse body, sized as Valkey sizes it rather than by
 * doubling (sparse sketches are small and many): 3 bytes for the worst
 * split plus as much again up to 300, never past the size limit. */
static Str *sparse_grow(Str *s, size_t sparse_max) {
    size_t want = s->len + 3;
    want += want < 300 ? want : 300;
    if (want > sparse_max) want = sparse_max;
    if (want < s->len + 3) want = s->len + 3;
    s = mem_realloc(s, sizeof(Str) + want + 1);
    s->cap = mem_usable(s) - sizeof(Str) - 1;
    return s;
}

/* Valkey's sparse update, step by step: find the opcode covering the
 * register; nothing to do if it already holds as much; a single-register
 * VAL or ZERO is rewritten in place; otherwise the opcode is split into
 * at most three (up to five bytes: XZERO VAL XZERO) and the tail moved.
 * Growing past sparse_max, or a value above 32, turns the sketch dense.
 * Finally up to five opcodes from the one before are scanned to merge
 * neighbouring VALs of equal value. */
static int sparse_set(Str **sp, uint32_t index, unsigned count, size_t sparse_max) {
    Str *s = *sp;
    if (count > SPARSE_VAL_MAX_VALUE) goto promote;

    /* Room for the worst split, unless already at the size limit (then a
     * growth promotes instead). */
    if (s->cap < sparse_max && s->cap - s->len < 3) *sp = s = sparse_grow(s, sparse_max);

    uint8_t *b = (uint8_t *)s->buf;
    size_t end = s->len, p = HLL_HDR_SIZE, prev = 0, oplen = 1;
    int has_prev = 0;
    int64_t first = 0, span = 0;
    while (p < end) {
        uint8_t op = b[p];
        oplen = 1;
        if (op_is_zero(op)) {
            span = zero_len(op);
        } else if (op_is_val(op)) {
            span = val_len(op);
        } else {
            span = xzero_len(op, p + 1 < end ? b[p + 1] : 0);
            oplen = 2;
        }
        if ((int64_t)index <= first + span - 1) break;
        prev = p;
        has_prev = 1;
        p += oplen;
        first += span;
    }
    if (span == 0 || p >= end) return -1;

    uint8_t op = b[p];
    int is_zero = op_is_zero(op), is_xzero = op_is_xzero(op), is_val = op_is_val(op);
    size_t next = p + (is_xzero ? 2 : 1);
    int has_next = next < end;

    if (is_val) {
        if (val_value(op) >= count) return 0;
        if (span == 1) {
            b[p] = val_op(count, 1);
            goto updated;
        }
    }
    if (is_zero && span == 1) {
        b[p] = val_op(count, 1);
        goto updated;
    }

    /* The general case: split. */
    uint8_t seq[5];
    int n = 0;
    int64_t last = first + span - 1;
    if (is_zero || is_xzero) {
        if (index != first) n += put_zero_run(seq + n, (unsigned)(index - first));
        seq[n++] = val_op(count, 1);
        if (index != last) n += put_zero_run(seq + n, (unsigned)(last - index));
    } else {
        unsigned cur = val_value(op);
        if (index != first) seq[n++] = val_op(cur, (unsigned)(index - first));
        seq[n++] = val_op(count, 1);
        if (index != last) seq[n++] = val_op(cur, (unsigned)(last - index));
    }
    int delta = n - (is_xzero ? 2 : 1);
    if (delta > 0 && s->len + (size_t)delta > sparse_max) goto promote;
    /* Valkey's sizing guarantees the room (a split that shrinks, or a cut
     * XZERO at the very end, writes at most up to the terminator's slot);
     * stay safe if it ever did not. */
    if (delta > 0 && s->len + (size_t)delta > s->cap) {
        *sp = s = str_reserve(s, (size_t)delta);
        b = (uint8_t *)s->buf;
    }
    if (delta && has_next) memmove(b + next + delta, b + next, end - next);
    memcpy(b + p, seq, (size_t)n);
    s->len = (size_t)((int64_t)s->len + delta);
    b[s->len] = 0;
    end = s->len;

updated: {
    size_t q = has_prev ? prev : HLL_HDR_SIZE;
    int scan = 5;
    while (q < end && scan--) {
        uint8_t o = b[q];
        if (op_is_xzero(o)) {
            q += 2;
            continue;
        }
        if (op_is_zero(o)) {
            q++;
            continue;
        }
        if (q + 1 < end && op_is_val(b[q + 1])) {
            unsigned v1 = val_value(o), v2 = val_value(b[q + 1]);
            if (v1 == v2) {
                unsigned len = val_len(o) + val_len(b[q + 1]);
                if (len <= SPARSE_VAL_MAX_LEN) {
                    b[q + 1] = val_op(v1, len);
                    memmove(b + q, b + q + 1, end - q - 1);
                    end--;
                    s->len = end;
                    b[end] = 0;
                    /* Stay here: the merged opcode may merge again. */
                    continue;
                }
            }
        }
        q++;
    }
}
    hll_cache_invalidate(b);
    return 1;

promote:
    if (hll_to_dense(sp) < 0) return -1;
    /* The register was lower than count (else we would not be here). */
    dense_set((uint8_t *)(*sp)->buf + HLL_HDR_SIZE, index, count);
    return 1;
}

int hll_set(Str **sp, uint32_t index, uint8_t count, size_t sparse_max) {
    Str *s = *sp;
    switch (((const uint8_t *)s->buf)[4]) {
    case HLL_DENSE: return dense_set((uint8_t *)s->buf + HLL_HDR_SIZE, index, count);
    case HLL_SPARSE: return sparse_set(sp, index, count, sparse_max);
    default: return -1;
    }
}

int hll_add(Str **sp, const void *ele, size_t len, size_t sparse_max) {
    uint8_t count;
    uint32_t index = hll_pattern(ele, len, &count);
    return hll_set(sp, index, count, sparse_max);
}

/* ---------------------------------------------------------- estimator */

/* sigma and tau of Ertl, "New cardinality estimation algorithms for
 * HyperLogLog sketches" (arXiv:1702.01284), iterated to a fixed point. */
static double hll_sigma(double x) {
    if (x == 1.) return INFINITY;
    double prev, y = 1, z = x;
    do {
        x *= x;
        prev = z;
        z += x * y;
        y += y;
    } while (prev != z);
    return z;
}

static double hll_tau(double x) {
    if (x == 0. || x == 1.) return 0.;
    double prev, y = 1.0, z = 1 - x;
    do {
        x = sqrt(x);
        prev = z;
        y *= 0.5;
        z -= pow(1 - x, 2) * y;
    } while (prev != z);
    return z / 3;
}

/* From the histogram of register values (64 buckets: a crafted dense
 * sketch may hold values up to 63, which the estimate ignores). */
static uint64_t estimate(const int64_t *histo) {
    double m = HLL_REGISTERS;
    double z = m * hll_tau((m - (double)histo[HLL_Q + 1]) / m);
    for (int j = HLL_Q; j >= 1; --j) {
        z += (double)histo[j];
        z *= 0.5;
    }
    z += m * hll_sigma((double)histo[0] / m);
    double e = HLL_ALPHA_INF * m * m / z;
    /* Past 2^63 (only crafted sketches get there) the rounding fails as
     * it does on x86, giving 2^63, which Valkey then replies as a negative
     * number and caches with the stale bit set. */
    if (!(e < 9223372036854775808.0)) return 1ULL << 63;
    return (uint64_t)llround(e);
}

static void dense_histo(const uint8_t *regs, int64_t *histo) {
    for (int g = 0; g < HLL_GROUPS; g++, regs += 6) {
        uint64_t x = load_le48(regs);
        if (x == 0) {
            histo[0] += 8;
            continue;
        }
        x = spread48(x);
        for (int k = 0; k < 8; k++, x >>= 8) histo[x & 0xff]++;
    }
}

int hll_count(const void *p, size_t len, uint64_t *card) {
    const uint8_t *b = p;
    int64_t histo[64] = {0};
    if (len < HLL_HDR_SIZE) return -1;
    if (b[4] == HLL_DENSE) {
        if (len < HLL_DENSE_SIZE) return -1;
        dense_histo(b + HLL_HDR_SIZE, histo);
    } else if (b[4] == HLL_SPARSE) {
        SparseIt it = {b + HLL_HDR_SIZE, b + len};
        unsigned value, run;
        uint32_t idx = 0;
        while (sparse_next(&it, &value, &run)) {
            if (run > HLL_REGISTERS - idx) return -1;
            idx += run;
            histo[value] += run;
        }
        if (idx != HLL_REGISTERS) return -1;
    } else {
        return -1;
    }
    *card = estimate(histo);
    return 0;
}

uint64_t hll_count_raw(const uint8_t *max) {
    int64_t histo[64] = {0};
    for (int i = 0; i < HLL_REGISTERS; i += 8) {
        uint64_t w = load_raw8(max + i);
        if (w == 0) {
            histo[0] += 8;
            continue;
        }
        for (int k = 0; k < 8; k++, w >>= 8) histo[w & 0x3f]++;
    }
    return estimate(histo);
}

int hll_merge(uint8_t *max, const void *p, size_t len) {
    const uint8_t *b = p;
    if (len < HLL_HDR_SIZE) return -1;
    if (b[4] == HLL_DENSE) {
        if (len < HLL_DENSE_SIZE) return -1;
        const uint8_t *regs = b + HLL_HDR_SIZE;
        for (int g = 0; g < HLL_GROUPS; g++, regs += 6, max += 8) {
            uint64_t x = load_le48(regs);
            if (x == 0) continue;
            store_raw8(max, max_bytes(load_raw8(max), spread48(x)));
        }
        return 0;
    }
    if (b[4] != HLL_SPARSE) return -1;
    SparseIt it = {b + HLL_HDR_SIZE, b + len};
    unsigned value, run;
    uint32_t idx = 0;
    while (sparse_next(&it, &value, &run)) {
        if (run > HLL_REGISTERS - idx) return -1;
        if (value)
            for (unsigned k = 0; k < run; k++)
                if (max[idx + k] < value) max[idx + k] = (uint8_t)value;
        idx += run;
    }
    return idx == HLL_REGISTERS ? 0 : -1;
}

void hll_store_raw(Str **sp, const uint8_t *max, size_t sparse_max) {
    if (((const uint8_t *)(*sp)->buf)[4] == HLL_DENSE) {
        uint8_t *regs = (uint8_t *)(*sp)->buf + HLL_HDR_SIZE;
        for (int g = 0; g < HLL_GROUPS; g++, regs += 6, max += 8) store_le48(regs, pack48(load_raw8(max)));
        return;
    }
    for (uint32_t j = 0; j < HLL_REGISTERS; j++) {
        if (max[j] == 0) continue;
        /* A sparse sketch may turn dense half way: hll_set follows. */
        hll_set(sp, j, max[j], sparse_max);
    }
}

/* -------------------------------------------------------------- debug */

Str *hll_sparse_decode(const void *p, size_t len) {
    const uint8_t *b = p;
    Str *out = str_with_capacity(64);
    if (len <= HLL_HDR_SIZE) return out;
    const uint8_t *q = b + HLL_HDR_SIZE, *end = b + len;
    while (q < end) {
        uint8_t op = *q;
        if (op_is_zero(op)) {
            out = str_catfmt(out, "z:%u ", zero_len(op));
            q++;
        } else if (op_is_xzero(op)) {
            out = str_catfmt(out, "Z:%u ", xzero_len(op, q + 1 < end ? q[1] : 0));
            q += 2;
        } else {
            out = str_catfmt(out, "v:%u,%u ", val_value(op), val_len(op));
            q++;
        }
    }
    if (out->len && out->buf[out->len - 1] == ' ') out->buf[--out->len] = '\0';
    return out;
}

/* xorshift64* for the self test: any decent generator does. */
static uint64_t selftest_rand(uint64_t *state) {
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

const char *hll_selftest(uint64_t seed, size_t sparse_max, char *err, size_t errlen) {
    uint64_t st = seed ? seed : 1;
    uint8_t *dense = mem_calloc(HLL_DENSE_SIZE + 1);
    uint8_t *bytes = mem_alloc(HLL_REGISTERS);
    Str *sparse = NULL;
    const char *res = NULL;

    /* 1: every register keeps its value and leaves its neighbours alone. */
    uint8_t *regs = dense + HLL_HDR_SIZE;
    for (int round = 0; round < 1000 && !res; round++) {
        for (uint32_t i = 0; i < HLL_REGISTERS; i++) {
            unsigned r = (unsigned)(selftest_rand(&st) & HLL_REGISTER_MAX);
            bytes[i] = (uint8_t)r;
            hll_dense_set(regs, i, r);
        }
        for (uint32_t i = 0; i < HLL_REGISTERS; i++) {
            unsigned v = hll_dense_get(regs, i);
            if (v != bytes[i]) {
                snprintf(err, errlen, "TESTFAILED Register %u should be %u but is %u", (unsigned)i,
                         (unsigned)bytes[i], v);
                res = err;
                break;
            }
        }
    }

    /* 2: a dense and a sparse sketch fed the same elements agree, and the
     * error stays within six standard errors at every power of ten. */
    if (!res) {
        memset(dense, 0, HLL_DENSE_SIZE);
        memcpy(dense, "HYLL", 4);
        sparse = hll_new();
        double relerr = 1.04 / sqrt(HLL_REGISTERS);
        uint64_t salt = selftest_rand(&st), checkpoint = 1;
        for (uint64_t j = 1; j <= 10000000; j++) {
            uint8_t ele[8];
            uint64_t e = j ^ salt;
            for (int k = 0; k < 8; k++) ele[k] = (uint8_t)(e >> (8 * k));
            uint8_t count;
            uint32_t index = hll_pattern(ele, sizeof(ele), &count);
            dense_set(regs, index, count);
            hll_set(&sparse, index, count, sparse_max);
            if (j != checkpoint) continue;
            if (j < sparse_max / 2 && hll_encoding(sparse->buf) != HLL_SPARSE) {
                res = "TESTFAILED sparse encoding not used";
                break;
            }
            uint64_t cd = 0, cs = 0;
            hll_count(dense, HLL_DENSE_SIZE, &cd);
            if (hll_count(sparse->buf, sparse->len, &cs) < 0 || cd != cs) {
                res = "TESTFAILED dense/sparse disagree";
                break;
            }
            uint64_t maxerr = (uint64_t)ceil(relerr * 6 * (double)checkpoint);
            /* At 10 a collision makes a large relative error likely. */
            if (j == 10) maxerr = 1;
            uint64_t abserr = cd > checkpoint ? cd - checkpoint : checkpoint - cd;
            if (abserr > maxerr) {
                snprintf(err, errlen, "TESTFAILED Too big error. card:%llu abserr:%llu",
                         (unsigned long long)checkpoint, (unsigned long long)abserr);
                res = err;
                break;
            }
            checkpoint *= 10;
        }
    }
    mem_free(dense);
    mem_free(bytes);
    if (sparse) str_free(sparse);
    return res;
}
