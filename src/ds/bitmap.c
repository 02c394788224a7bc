/* bitmap.c - bit operations on byte strings (bitmap.h).
 *
 * Counting uses the CPU's population count instruction where there is one
 * (x86-64 with POPCNT, detected once at run time; elsewhere the compiler's
 * builtin where it is an instruction), and otherwise a SWAR count that
 * adds up to 31 words' byte counts before one horizontal sum.  Searching
 * reads words in big-endian order, so the first matching bit of a word is
 * its count of leading zeros. */
#include "bitmap.h"

#include <string.h>

#include "unaligned.h"

#define M1 0x5555555555555555ULL
#define M2 0x3333333333333333ULL
#define M4 0x0F0F0F0F0F0F0F0FULL

/* Per-byte population counts (each 0..8) of a word. */
static inline uint64_t swar_bytes(uint64_t x) {
    x = x - ((x >> 1) & M1);
    x = (x & M2) + ((x >> 2) & M2);
    return (x + (x >> 4)) & M4;
}

/* The last 1..7 bytes, zero padded (bit counts do not care about order). */
static inline uint64_t load_tail(const uint8_t *p, size_t n) {
    uint64_t t = 0;
    memcpy(&t, p, n);
    return t;
}

uint64_t bitmap_popcount_portable(const void *vp, size_t len) {
    const uint8_t *p = vp;
    uint64_t total = 0;
    size_t i = 0;
    while (len - i >= 8) {
        size_t words = (len - i) / 8;
        if (words > 31) words = 31; /* 31 * 8 = 248 fits in a byte */
        uint64_t acc = 0;
        for (size_t w = 0; w < words; w++, i += 8) acc += swar_bytes(load_u64(p + i));
        acc = (acc & 0x00FF00FF00FF00FFULL) + ((acc >> 8) & 0x00FF00FF00FF00FFULL);
        total += (acc * 0x0001000100010001ULL) >> 48;
    }
    if (i < len) total += (swar_bytes(load_tail(p + i, len - i)) * 0x0101010101010101ULL) >> 56;
    return total;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BITMAP_X86_POPCNT 1
__attribute__((target("popcnt"))) static uint64_t popcount_hw(const uint8_t *p, size_t len) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t i = 0;
    for (; len - i >= 32; i += 32) {
        a += (uint64_t)__builtin_popcountll(load_u64(p + i));
        b += (uint64_t)__builtin_popcountll(load_u64(p + i + 8));
        c += (uint64_t)__builtin_popcountll(load_u64(p + i + 16));
        d += (uint64_t)__builtin_popcountll(load_u64(p + i + 24));
    }
    for (; len - i >= 8; i += 8) a += (uint64_t)__builtin_popcountll(load_u64(p + i));
    if (i < len) a += (uint64_t)__builtin_popcountll(load_tail(p + i, len - i));
    return a + b + c + d;
}
#elif defined(__aarch64__) && defined(__GNUC__)
/* The builtin is a few NEON instructions here. */
#define BITMAP_BUILTIN_POPCNT 1
static uint64_t popcount_hw(const uint8_t *p, size_t len) {
    uint64_t a = 0, b = 0;
    size_t i = 0;
    for (; len - i >= 16; i += 16) {
        a += (uint64_t)__builtin_popcountll(load_u64(p + i));
        b += (uint64_t)__builtin_popcountll(load_u64(p + i + 8));
    }
    for (; len - i >= 8; i += 8) a += (uint64_t)__builtin_popcountll(load_u64(p + i));
    if (i < len) a += (uint64_t)__builtin_popcountll(load_tail(p + i, len - i));
    return a + b;
}
#endif

uint64_t bitmap_popcount(const void *p, size_t len) {
#if defined(BITMAP_X86_POPCNT)
    static int hw = -1;
    if (hw < 0) {
        __builtin_cpu_init();
        hw = __builtin_cpu_supports("popcnt") ? 1 : 0;
    }
    if (hw) return popcount_hw(p, len);
#elif defined(BITMAP_BUILTIN_POPCNT)
    return popcount_hw(p, len);
#endif
    return bitmap_popcount_portable(p, len);
}

/* Eight bytes with p[0] as the most significant. */
static inline uint64_t load_be64(const uint8_t *p) {
    uint64_t v = load_u64(p);
#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
    v = __builtin_bswap64(v);
#endif
    return v;
}

int64_t bitmap_bitpos(const void *vp, size_t len, int bit) {
    const uint8_t *p = vp;
    /* Look for a 1 in the string, or in its complement. */
    uint64_t flip = bit ? 0 : ~0ULL;
    size_t i = 0;
    for (; len - i >= 8; i += 8) {
        uint64_t w = load_be64(p + i) ^ flip;
        if (w) return (int64_t)(i * 8 + (size_t)__builtin_clzll(w));
    }
    for (; i < len; i++) {
        unsigned b = (p[i] ^ (unsigned)flip) & 0xffu;
        if (b) return (int64_t)(i * 8 + (size_t)__builtin_clz(b) - (8 * sizeof(unsigned) - 8));
    }
    return bit ? -1 : (int64_t)len * 8;
}

/* ---------------------------------------------------------- bit fields */

uint64_t bitfield_get_unsigned(const uint8_t *p, uint64_t offset, int bits) {
    uint64_t v = 0;
    /* Whole bytes in the middle go eight bits at a time. */
    for (int j = 0; j < bits;) {
        if ((offset & 7) == 0 && bits - j >= 8) {
            v = (v << 8) | p[offset >> 3];
            offset += 8;
            j += 8;
        } else {
            v = (v << 1) | (uint64_t)bitmap_get(p, offset);
            offset++;
            j++;
        }
    }
    return v;
}

int64_t bitfield_get_signed(const uint8_t *p, uint64_t offset, int bits) {
    uint64_t v = bitfield_get_unsigned(p, offset, bits);
    /* Sign-extend through unsigned arithmetic (defined behaviour). */
    if (bits < 64 && (v & (1ULL << (bits - 1)))) v |= ~0ULL << bits;
    int64_t s;
    memcpy(&s, &v, sizeof(s));
    return s;
}

void bitfield_set(uint8_t *p, uint64_t offset, int bits, uint64_t v) {
    for (int j = 0; j < bits;) {
        int left = bits - j;
        if ((offset & 7) == 0 && left >= 8) {
            p[offset >> 3] = (uint8_t)(v >> (left - 8));
            offset += 8;
            j += 8;
        } else {
            bitmap_set(p, offset, (int)((v >> (left - 1)) & 1));
            offset++;
            j++;
        }
    }
}

/* |x| of a negative int64 as an unsigned number (INT64_MIN included). */
static inline uint64_t neg_magnitude(int64_t x) {
    return (uint64_t)(-(x + 1)) + 1;
}

int bitfield_overflow_unsigned(uint64_t value, int64_t incr, int bits, int mode, uint64_t *limit) {
    uint64_t max = bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
    int dir = 0;
    if (value > max || (incr > 0 && (uint64_t)incr > max - value)) dir = 1;
    else if (incr < 0 && neg_magnitude(incr) > value) dir = -1;
    if (!dir) return 0;
    if (mode == BITFIELD_WRAP) *limit = (value + (uint64_t)incr) & max;
    else if (mode == BITFIELD_SAT) *limit = dir > 0 ? max : 0;
    return dir;
}

int bitfield_overflow_signed(int64_t value, int64_t incr, int bits, int mode, int64_t *limit) {
    int64_t max = bits >= 64 ? INT64_MAX : (int64_t)((1ULL << (bits - 1)) - 1);
    int64_t min = -max - 1;
    int dir = 0;
    if (value > max) dir = 1;
    else if (value < min) dir = -1;
    /* value is in range: the distances to the bounds are exact unsigned. */
    else if (incr > 0 && (uint64_t)incr > (uint64_t)max - (uint64_t)value) dir = 1;
    else if (incr < 0 && neg_magnitude(incr) > (uint64_t)value - (uint64_t)min) dir = -1;
    if (!dir) return 0;
    if (mode == BITFIELD_WRAP) {
        uint64_t c = (uint64_t)value + (uint64_t)incr;
        if (bits < 64) {
            uint64_t high = ~0ULL << bits;
            if (c & (1ULL << (bits - 1))) c |= high;
            else c &= ~high;
        }
        memcpy(limit, &c, sizeof(c));
    } else if (mode == BITFIELD_SAT) {
        *limit = dir > 0 ? max : min;
    }
    return dir;
}

/* --------------------------------------------------------------- BITOP */

void bitmap_op(int op, uint8_t *dst, size_t maxlen, const uint8_t *const *src, const size_t *lens, int n) {
    size_t minlen = maxlen;
    for (int k = 0; k < n; k++)
        if (lens[k] < minlen) minlen = lens[k];
    size_t j = 0;
    /* Where every source has bytes: a word at a time. */
    for (; minlen - j >= 8; j += 8) {
        uint64_t w = load_u64(src[0] + j);
        switch (op) {
        case BITOP_AND:
            for (int k = 1; k < n; k++) w &= load_u64(src[k] + j);
            break;
        case BITOP_OR:
            for (int k = 1; k < n; k++) w |= load_u64(src[k] + j);
            break;
        case BITOP_XOR:
            for (int k = 1; k < n; k++) w ^= load_u64(src[k] + j);
            break;
        default: w = ~w; break;
        }
        store_u64(dst + j, w);
    }
    for (; j < maxlen; j++) {
        unsigned out = lens[0] > j ? src[0][j] : 0;
        if (op == BITOP_NOT) out = ~out;
        for (int k = 1; k < n; k++) {
            unsigned b = lens[k] > j ? src[k][j] : 0;
            if (op == BITOP_AND) out &= b;
            else if (op == BITOP_OR) out |= b;
            else out ^= b;
        }
        dst[j] = (uint8_t)out;
    }
}
